"""Issue 13's speed (S1, session 14): a worked optimizer step costs no more SymPy than it needs.

- step 1's worked step is the part's own solution where the re-solved part is the part itself (θ₀, every
  sample): its quantities are those of the part solved again at θ₀ (the old path, solve_part afresh);
- J after a step whose new parameters are not all rationals is the float run's (float64), and agrees with the
  part re-solved at θ₁ (the old path); with rational new parameters it stays exact (a hand value);
- step 1's update forms (worked once, in placeholders) are the rule at t = 1 in each weight's own symbols;
- a worked value with a float inside is a 30-digit float;
- `--steps all` of more than optimize.MAX_ALL_STEPS steps is one line, exit 2 (a network and a graph).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sympy as sp
from click.testing import CliRunner

from symbackprop import optimize
from symbackprop.cli import main
from symbackprop.problem import parse_problem
from symbackprop.quantity import Key
from symbackprop.solution import solve, solve_part

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ROOT / "problems"
R = sp.Rational

# one linear unit u = b + w·x (b = w_0_2, w = w_1_2), two samples (as tests/test_o213.py's LINEAR)
from helpers import LINEAR  # noqa: E402  (problems/two_step_per_sample.yaml's network)
B, W = Key("w", "2", source="0"), Key("w", "2", source="1")


def _part(text: str):
    return parse_problem(text, "p.yaml").parts[0]


def _fresh(part, theta, samples):
    """The part re-solved at `theta` on `samples`, afresh (no memo): the path step 1 took before."""
    with solve_part.off():
        return solve_part(optimize.at(part, theta, samples), "p.yaml")


@pytest.mark.parametrize("text", [
    LINEAR + "optimizer: {name: adam, lr: 0.1}\nsteps: 1\n",        # a batch of two samples, radicals
    pytest.param((PROBLEMS / "xor_adam.yaml").read_text(encoding="utf-8"), marks=pytest.mark.slow),  # sigmoid
])
def test_step_one_is_the_parts_own_solution(text):
    part = _part(text)
    own = solve_part(part, "p.yaml")
    run = optimize.run_part(part, (1,), "p.yaml", own)
    assert run.worked[1].solution is own                         # not solved a second time
    params = optimize.parameters(part)
    theta0 = {p.key: part.weights[[w.key for w in part.weights].index(p.key)].value for p in params}
    again = _fresh(part, theta0, tuple(range(len(part.samples))))
    assert [s.id for s in again.steps] == [s.id for s in own.steps]
    for s in again.steps:                                         # every quantity, exactly
        assert own.step(s.key).value == s.value and own.step(s.key).float_value == s.float_value, s.id
    values = run.worked[1].step.values
    for p in params:
        assert values[p.kind("grad")] == again.step(p.kind("grad")).value
    assert values[Key("loss")] == again.step(Key("loss")).value
    # and the same run without the part's solution (the re-solve) gives the same step 1
    other = optimize.run_part(part, (1,), "p.yaml")
    assert other.worked[1].solution is not own
    assert other.worked[1].step.values == values


def test_step_one_is_resolved_where_the_part_is_not_step_ones():
    # per_sample over two samples: step 1 uses sample 1 alone, so the part's own solution (both samples) is
    # not step 1's; step 1's J is sample 1's: ½(b + w·1 − 2)² = ½(0 + 1 − 2)² = 1/2 (by hand)
    part = _part(LINEAR + "optimizer: {name: sgd, lr: 0.1}\nsteps: 2\nupdate: per_sample\n")
    own = solve_part(part, "p.yaml")
    run = optimize.run_part(part, (1,), "p.yaml", own)
    assert run.worked[1].solution is not own
    assert run.worked[1].step.values[Key("loss")] == R(1, 2)


def test_new_loss_exact_while_the_parameters_are_rational():
    # SGD, η = 1/10, batch mean of the two samples: g_b = ½((1 − 2) + (2 − 0)) = 1/2,
    # g_w = ½((1 − 2)·1 + (2 − 0)·2) = 3/2 → b₁ = −1/20, w₁ = 1 − 3/20 = 17/20;
    # J₁ = ½·(½(−1/20 + 17/20 − 2)² + ½(−1/20 + 34/20)²) = ½·(½·(6/5)² + ½·(33/20)²) = 1665/1600 = 333/320
    part = _part(LINEAR + "optimizer: {name: sgd, lr: 0.1}\nsteps: 1\n")
    run = optimize.run_part(part, (1,), "p.yaml", solve_part(part, "p.yaml"))
    values = run.worked[1].step.values
    assert values[B.like("new_w")] == R(-1, 20) and values[W.like("new_w")] == R(17, 20)
    assert values[Key("new_loss")] == R(333, 320)


def test_new_loss_of_float_parameters_is_the_float_runs():
    # Adam: θ₁ = θ₀ − η·g/√(g² + ε) is no rational: J after the step is the float run's, and the part
    # re-solved at θ₁ (30-digit floats, the old path) agrees with it
    part = _part(LINEAR + "optimizer: {name: adam, lr: 0.1}\nsteps: 2\n")
    run = optimize.run_part(part, "all", "p.yaml")
    for t in (1, 2):
        got = run.worked[t].step.values[Key("new_loss")]
        assert got.is_Float and float(got) == run.steps[t - 1].values[Key("new_loss")]
        theta1 = {p.key: run.worked[t].step.values[p.kind("new")] for p in run.params}
        old = _fresh(part, theta1, (0, 1)).step(Key("loss")).value
        assert abs(float(old) - float(got)) <= 1e-12 * max(1.0, abs(float(old)))


@pytest.mark.parametrize("name, form", [("adam", "lecture"), ("adagrad", "pytorch"),
                                        *(pytest.param(n, f, marks=pytest.mark.slow) for n, f in
                                          (("rmsprop", "lecture"), ("momentum", "pytorch"), ("adamw", "pytorch")))])
def test_first_update_forms_are_each_weights_rule(name, form):
    sol = solve(_write_linear(name, form))
    psol = sol.parts[0]
    eta = psol.step(Key("learning_rate")).symbol
    for p in psol.run.params:
        w, g = psol.step(p.key), psol.step(p.kind("grad"))
        want = optimize.first_step_form(psol.run, w.symbol, g.symbol, eta)   # the rule worked per weight
        got = psol.step(p.kind("update"))
        assert got.forms == (want,), p.key
        assert got.value == psol.run.worked[1].step.values[p.kind("update")]


def _write_linear(name: str, form: str):
    import tempfile
    folder = Path(tempfile.mkdtemp())
    path = folder / "p.yaml"
    path.write_text(LINEAR + f"optimizer: {{name: {name}, form: {form}, lr: 0.1}}\nsteps: 2\n", encoding="utf-8")
    return path


def test_a_value_with_a_float_inside_is_a_float():
    assert optimize._short(sp.Float("0.5", 30) + sp.exp(-3)).is_Float
    assert optimize._short(sp.exp(-3) / 7) == sp.exp(-3) / 7                 # exact and short: as it is
    got = optimize._short(sp.Float("0.5", 30) + sp.exp(-3))
    assert abs(got - (sp.Rational(1, 2) + sp.exp(-3)).evalf(40)) < sp.Float("1e-29")



@pytest.mark.parametrize("text", [
    # tanh: g_1 and m_1 exact (tanh(1) …), g_2 a 30-digit float: m_2 = β₁·m_1 + (1 − β₁)·g_2 would mix them
    pytest.param(LINEAR.replace("identity", "tanh") + "optimizer: {name: adam, lr: 0.1}\nsteps: 2\n",
                 marks=pytest.mark.slow),
    pytest.param((PROBLEMS / "xor_adam.yaml").read_text(encoding="utf-8"), marks=pytest.mark.slow),
])
def test_no_worked_value_mixes_floats_and_exact_values(text):
    part = _part(text)
    run = optimize.run_part(part, "all" if part.training.steps <= 2 else (1, 2, 3), "p.yaml")
    assert len(run.worked) >= 2
    for t, w in run.worked.items():
        for key, v in w.step.values.items():
            v = sp.sympify(v)
            assert v.is_Float or not v.has(sp.Float), (t, key, v)
    assert optimize.agree(run) <= 1e-12


@pytest.mark.parametrize("path", [PROBLEMS / "xor_adam.yaml",
                                  pytest.param(PROBLEMS / "quadratic_adagrad.yaml", marks=pytest.mark.slow)])
def test_steps_all_beyond_the_bound_is_one_line(tmp_path, path):
    text = path.read_text(encoding="utf-8")
    over = optimize.MAX_ALL_STEPS + 1
    text, n = re.subn(r"(?m)^(\s*)steps: \d+", rf"\g<1>steps: {over}", text)
    assert n == 1
    f = tmp_path / "p.yaml"
    f.write_text(text, encoding="utf-8")
    got = CliRunner().invoke(main, ["solve", str(f), "--steps", "all"])
    assert got.exit_code == 2, got.output
    line = got.output.strip()
    assert "\n" not in line and f"has {over} steps" in line and "--step K" in line, line
    zh = CliRunner().invoke(main, ["solve", str(f), "--steps", "all", "--lang", "zh"])
    assert zh.exit_code == 2 and f"{over} 步" in zh.output
