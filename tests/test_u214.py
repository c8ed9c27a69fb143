"""Session 14, U2: the optimizer notes and rule texts say what holds for each optimizer × form (issue 13,
trial t18). Every expectation is computed here independently: a small NumPy network with gradients by
central differences, and each optimizer written out from its formulas."""
from __future__ import annotations

import numpy as np
import pytest

from symbackprop import optimize
from symbackprop.problem import parse_problem

from helpers import WEIGHTS_221

# the trial's 2-2-1 network: ReLU hidden units 3, 4, a sigmoid output 5, BCE summed over two samples
NET = """\
network: {inputs: [1, 2], bias: 0, layers: [[3, 4], [5]], activation: relu, output_activation: sigmoid}
""" + WEIGHTS_221 + """\
samples:
  - {x: {1: 1, 2: 0.5}, t: {5: 1}}
  - {x: {1: 2, 2: 1}, t: {5: 0}}
loss: binary_cross_entropy
batch_reduction: sum
"""
EDGES = [(0, 3), (1, 3), (2, 3), (0, 4), (1, 4), (2, 4), (0, 5), (3, 5), (4, 5)]
THETA0 = np.array([0.1, 0.4, -0.6, -0.2, 0.5, 0.7, 0.3, 0.8, -0.9])
SAMPLES = [((1.0, 0.5), 1.0), ((2.0, 1.0), 0.0)]


def _loss(th: np.ndarray) -> float:
    w = dict(zip(EDGES, th))
    total = 0.0
    for (x1, x2), t in SAMPLES:
        a = {0: 1.0, 1: x1, 2: x2}
        for j in (3, 4):
            a[j] = max(0.0, sum(w[(i, j)] * a[i] for i in (0, 1, 2)))
        u = 1 / (1 + np.exp(-sum(w[(i, 5)] * a[i] for i in (0, 3, 4))))
        total += -(t * np.log(u) + (1 - t) * np.log(1 - u))
    return total


def _grad(th: np.ndarray, h: float = 1e-6) -> np.ndarray:
    return np.array([(_loss(th + h * e) - _loss(th - h * e)) / (2 * h) for e in np.eye(len(th))])


def _run(optimizer: str, steps: int):
    return optimize.run_part(parse_problem(NET + f"optimizer: {optimizer}\nsteps: {steps}\n", "p.yaml").parts[0])


def _notes(run) -> dict:
    return dict(optimize.observations(run))


# -- 1. Adagrad's "steps shrink" note: the factor of the form, at step n over step 1 ---------------------

def _adagrad(steps, lr, eps, lr_decay=0.0, wd=0.0, g0=0.0, torch=True):
    """Adagrad from its formulas; returns the factor multiplying the gradient at every step, per parameter:
    torch η/(1 + (t − 1)κ)/(√G_t + ε) with G_t = G_{t−1} + (g + λθ)²; lecture η/√(G_t + ε), G_t = G_{t−1} + g²."""
    th, G, factors = THETA0.copy(), np.full(9, g0), []
    for t in range(1, steps + 1):
        g = _grad(th) + wd * th
        G = G + g ** 2
        f = lr / (1 + (t - 1) * lr_decay) / (np.sqrt(G) + eps) if torch else lr / np.sqrt(G + eps)
        factors.append(f)
        th = th - f * g
    return factors


@pytest.mark.slow
def test_adagrad_shrinks_pytorch_form():
    # the trial's adagrad_pt.yaml: its JSON gave 0.599 to 0.831 (the note said 0.1975 to 13.68)
    run = _run("{name: adagrad, lr: 0.5, lr_decay: 0.1, initial_accumulator_value: 0.2, weight_decay: 0.05, "
               "form: pytorch}", 3)
    f = _adagrad(3, 0.5, 1e-10, lr_decay=0.1, wd=0.05, g0=0.2)
    ratio = f[-1] / f[0]
    got = _notes(run)["optimizer.note.adagrad_shrinks"]
    assert got["low"] == pytest.approx(ratio.min(), rel=1e-5) and got["high"] == pytest.approx(ratio.max(), rel=1e-5)
    assert 0.59 < got["low"] < got["high"] < 0.84
    assert got["factor"] == "η̃_t/(√(G_t) + ε)" and got["accumulate"].endswith("g̃_t²")
    # G_0 = 0.2 > 0: G_1 = 0.2 + g̃_1², the first step depends on g̃_1: no "≈ −η·sign(g_1)" note
    assert "optimizer.note.about_eta" not in _notes(run)


def test_adagrad_shrinks_lecture_form():
    # the trial's adagrad_lec.yaml (0.05298 to 0.2961); units whose G never grew after step 1 (ratio 1) left out
    run = _run("{name: adagrad, lr: 0.5}", 3)
    f = _adagrad(3, 0.5, 1e-8, torch=False)
    ratio = f[-1] / f[0]
    ratio = ratio[np.abs(ratio - 1) > 1e-9]
    got = _notes(run)["optimizer.note.adagrad_shrinks"]
    assert got["low"] == pytest.approx(ratio.min(), rel=1e-5) and got["high"] == pytest.approx(ratio.max(), rel=1e-5)
    assert got["factor"] == "η/√(G_t + ε)"
    # G_0 = 0: |Δθ_1| = η·|g_1|/√(g_1² + ε) ≈ η for every parameter with g_1 ≠ 0, ε inside the root
    about = _notes(run)["optimizer.note.about_eta"]
    g1 = np.abs(_grad(THETA0))
    assert about["grads_low"] == pytest.approx(g1[g1 > 0].min(), rel=1e-5)
    assert about["grads_high"] == pytest.approx(g1.max(), rel=1e-5)
    assert about["formula"] == "−η·g_1/√(ε + g_1²)" and about["g"] == "g_1"


# -- 2. the step-1 note "Δθ ≈ −η·sign(g_1)": only where it holds, with g̃ and the form's formula ---------------

@pytest.mark.slow
def test_about_eta_pytorch_weight_decay_quotes_g_tilde():
    # torch's Adam with weight decay: g̃_1 = g_1 + λ·θ_0, m̂_1 = g̃_1, v̂_1 = g̃_1²: Δθ = −η·g̃_1/(√(g̃_1²) + ε)
    run = _run("{name: adam, lr: 0.05, betas: [0.8, 0.99], eps: 1e-6, weight_decay: 0.1, form: pytorch}", 1)
    about = _notes(run)["optimizer.note.about_eta"]
    gt = np.abs(_grad(THETA0) + 0.1 * THETA0)
    assert about["grads_low"] == pytest.approx(gt.min(), rel=1e-5)
    assert about["grads_high"] == pytest.approx(gt.max(), rel=1e-5)
    moved = gt / (gt + 1e-6)                               # |Δθ|/η by the formula
    assert about["low"] == pytest.approx(moved.min(), rel=1e-6) and about["high"] == pytest.approx(moved.max(), rel=1e-6)
    assert about["g"] == "g̃_1" and about["formula"] == "−η·g̃_1/(ε + √(g̃_1²))"
    assert about["states"] == "m̂_1 = g̃_1, v̂_1 = g̃_1²"


@pytest.mark.slow
def test_about_eta_left_out_where_it_does_not_hold():
    # AdamW's decoupled decay moves θ by η·λ·θ as well; Adagrad with G_0 > 0 (the slow case above)
    assert "optimizer.note.about_eta" not in _notes(_run("{name: adamw, lr: 0.05, weight_decay: 0.1}", 1))
    about = _notes(_run("{name: adamw, lr: 0.05, weight_decay: 0, form: pytorch}", 1))["optimizer.note.about_eta"]
    assert about["formula"] == "−η·g_1/(ε + √(g_1²))"


# -- 5. torch's momentum with dampening: a Piecewise in t is its two cases, a step substitutes one ------------

# one linear unit u = b + w·x (b = w_0_2, w = w_1_2), two samples, half SE averaged (tests/test_o213.py's LINEAR)
from helpers import LINEAR  # noqa: E402  (problems/two_step_per_sample.yaml's network)


def _solve(text: str, steps=(1,)):
    from symbackprop.solution import solve
    return solve(parse_problem(text, "p.yaml"), steps=steps)


@pytest.mark.slow
def test_momentum_dampening_prints_its_cases_in_every_format():
    import json

    from symbackprop.render import render
    sol = _solve(LINEAR + "optimizer: {name: momentum, lr: 0.1, momentum: 0.8, dampening: 0.5, form: pytorch}\n"
                 "steps: 2\n", steps=(1, 2))
    cases = "b_t = g_t (t = 1), b_{t−1}·μ + g_t·(1 - τ) (t > 1)"
    data = json.loads(render(sol, "json"))
    assert data["parts"][0]["optimizer"]["rule"][0]["text"] == cases
    assert r"\begin{cases} g_{t} & t = 1" in data["parts"][0]["optimizer"]["rule"][0]["latex"]
    for fmt in ("text", "json", "markdown", "latex", "html"):
        out = render(sol, fmt)
        for raw in ("Eq(", "Ne(", "otherwise", r"\text{for}", "(2 = 1)", "(2 > 1)", "for 1 = 1"):
            assert raw not in out, (fmt, raw)
    text = render(sol, "text")
    assert cases in text
    # by hand: g_1 = (½(−2 + 2·(−2))·… ) = (0.5, 1.5) (b, w); b_1 = g_1; θ_1 = (−0.05, 0.85).
    # Step 2: u = −0.05 + 0.85·x: residuals −1.2 (x = 1, t = 2) and 1.65 (x = 2, t = 0); g_w = ½(−1.2 + 3.3) = 1.05.
    # b_2(w) = μ·b_1 + (1 − τ)·g_2 = 0.8×1.5 + 0.5×1.05 = 1.725: only the t > 1 case, with its numbers
    line = next(x for x in text.splitlines() if x.strip().startswith("b_t(w_{12}) =") and "1.5×0.8" in x)
    assert "1.05×(1 - 0.5)" in line and "1.725" in line and "(t = 1)" not in line
    step1 = next(x for x in text.splitlines() if x.strip().startswith("b_t(w_{12}) ="))
    assert step1.strip() == "b_t(w_{12}) = g_t(w_{12}) = 1.5"


def test_list_optimizers_and_solve_print_the_cases_alike():
    from symbackprop import optimizers
    from symbackprop.listing import optimizer_rows
    from symbackprop.optimize import names_of_symbols
    from symbackprop.printing import print_text
    row = next(r for r in optimizer_rows() if (r.name, r.form) == ("momentum", "pytorch"))
    line = next(a for a in optimizers.rule("momentum", "pytorch") if a.name == "velocity")
    assert row.rule[1][0] == f"b_t = {print_text(line.expr, names_of_symbols()[0])}"
    assert row.rule[1][0] == "b_t = g̃_t (t = 1), b_{t−1}·μ + g̃_t·(1 - τ) (t > 1)"


# -- 7. the form note: only what the two forms of THIS optimizer differ in --------------------------------------

# by torch.optim's documented algorithms and the lecture's / Ruder's formulas: where ε is
EPS_DIFFERS = {"adagrad", "rmsprop", "adam", "adamw"}        # AdaDelta: inside both roots in both; SGD: no ε
L2 = {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam"}   # torch adds λ·θ to g; AdamW decouples


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw"])
def test_form_note_says_only_what_holds(name):
    lecture, torch = (optimize.form_note(name, form, "en") for form in ("lecture", "pytorch"))
    assert ("ε inside the square root" in lecture) == (name in EPS_DIFFERS)
    assert ("ε outside the square root" in torch) == (name in EPS_DIFFERS)
    assert ("weight decay added to g" in torch) == (name in L2)
    assert "weight decay added to g" not in lecture
    assert ("η inside the momentum" in lecture) == (name in ("momentum", "nesterov"))
    assert ("without η" in torch) == (name in ("momentum", "nesterov"))
    assert ("no learning rate" in lecture) == (name == "adadelta")
    assert ("look-ahead point θ_{t−1} − γ·v_{t−1}" in lecture) == (name == "nesterov")
    for note in (lecture, torch):
        assert "ε" not in note or name not in ("sgd", "momentum", "nesterov", "adadelta")


def test_form_note_follows_the_settings():
    # weight_decay 0: nothing is added to g, and the rule shown has no g̃ (b_1 = g_1)
    note = optimize.form_note("momentum", "pytorch", "en", {"weight_decay": 0})
    assert "weight decay added to g" not in note and "b_t = g_t at the first step" in note
    assert "b_t = g̃_t at the first step" in optimize.form_note("momentum", "pytorch", "en", {"weight_decay": 0.1})


# -- 6. the lecture's Nesterov: where g_t is taken, in the rule and at each step's forward pass ------------------

NESTEROV = LINEAR + "optimizer: {name: nesterov, lr: 0.1, momentum: 0.9}\nsteps: 3\n"


def test_nesterov_rule_says_where_g_is_taken():
    import json

    from symbackprop.listing import render_list
    from symbackprop.render import render
    data = json.loads(render(_solve(NESTEROV), "json"))
    rule = data["parts"][0]["optimizer"]["rule"]
    assert rule[0]["text"] == "g_t = ∇J(θ_{t−1} - γ·v_{t−1})"
    assert rule[0]["latex"].startswith(r"g_{t} = \nabla J\left(")
    listed = next(x for x in render_list("text", "en", "optimizers").splitlines() if "nesterov (lecture)" in x)
    assert "g_t = ∇L(θ_{t−1} - γ·v_{t−1}); v_t" in listed
    # torch's Nesterov takes g_t at θ_{t−1}: no such line
    assert "∇" not in next(x for x in render_list("text", "en", "optimizers").splitlines() if "nesterov (pytorch)" in x)


def test_nesterov_step_names_the_look_ahead_weights():
    from symbackprop.render import render
    # by hand: g_1 = (0.5, 1.5) at θ_0 = (0, 1); v_1 = η·g_1 = (0.05, 0.15); θ_1 = (−0.05, 0.85).
    # Step 2 is at θ_1 − γ·v_1 = (−0.05 − 0.045, 0.85 − 0.135) = (−0.095, 0.715).
    # There u = (0.62, 1.335), residuals (−1.38, 1.335): g_2 = (−0.0225, 0.645); v_2 = 0.1·g_2 + 0.9·v_1 = (0.04275, 0.1995)
    text = render(_solve(NESTEROV, steps=(3,)), "text")
    step3 = text[text.index("Step 3: Forward pass"):]
    note = next(x for x in step3.splitlines() if "look-ahead weights" in x)
    assert "w_{12}: 0.6505 − 0.9×0.1995 ≈ 0.471" in note          # θ_2 = 0.85 − 0.1995 = 0.6505
    # step 3 alone (step 2 not shown): v_{t−1} is step 2's, not the initial 0
    line = next(x for x in step3.splitlines() if x.strip().startswith("v_t(w_{12}) ="))
    assert "0.9×0.1995" in line
    text2 = render(_solve(NESTEROV, steps=(2,)), "text")
    # the look-ahead weight is exact (0.85 − 0.135 = 0.715): "=", as every exact short value of a step (session 15, R)
    assert "w_{12}: 0.85 − 0.9×0.15 = 0.715" in text2


# -- issue 13's leftover: ε written ε in step 1's Δw, its value with the numbers; check reads it ---------------

def _adam_file(tmp_path, form="lecture"):
    f = tmp_path / "adam.yaml"
    f.write_text(LINEAR + f"optimizer: {{name: adam, lr: 0.1, form: {form}}}\nsteps: 2\n", encoding="utf-8")
    return f


@pytest.mark.slow
@pytest.mark.parametrize("spelling", [r"\varepsilon", r"\epsilon", "ε", "eps"])
def test_check_reads_epsilon_as_the_eps_setting(tmp_path, spelling):
    import re

    from click.testing import CliRunner

    from symbackprop.cli import main
    problem = _adam_file(tmp_path)
    out = tmp_path / "s.md"
    runner = CliRunner()
    assert runner.invoke(main, ["solve", str(problem), "-o", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    # by hand: g_w = 1.5, Δw = −η·g/√(g² + ε) with ε = 10⁻⁸ written ε, its value in the numbers
    line = next(x for x in text.splitlines() if r"\Delta w_{12}" in x and r"\epsilon" in x)
    assert r"\frac{1}{100000000}" not in line and "0.00000001" in line
    out.write_text(text.replace(r"\epsilon", spelling if spelling.startswith("\\") else f" {spelling} "),
                   encoding="utf-8")
    checked = runner.invoke(main, ["check", str(problem), str(out)])
    scores = re.findall(r"^Score: (\S+) / (\S+)$", checked.output, flags=re.M)
    assert scores and all(a == b for a, b in scores), checked.output[-1500:]
    assert "unknown symbol" not in checked.output


@pytest.mark.slow
def test_check_reads_epsilon_in_one_line(tmp_path):
    """ε read as the eps setting (10⁻⁸), not as an unknown: by hand g_w = 1.5, Δw = −0.1·1.5/√(2.25 + 10⁻⁸) ≈
    −0.1000; with 1 in ε's place the rule gives −0.1·1.5/√3.25 ≈ −0.0832, not the update: its working is wrong."""
    from click.testing import CliRunner

    from symbackprop.cli import main
    problem = _adam_file(tmp_path)
    answers = tmp_path / "a.md"
    answers.write_text("$\\Delta w_{12} = -\\eta \\cdot 1.5/\\sqrt{1.5^2 + \\varepsilon} = -0.1000$\n", encoding="utf-8")
    got = CliRunner().invoke(main, ["check", str(problem), str(answers)]).output
    assert "unknown symbol" not in got and "Score: 1 / 17" in got, got
    answers.write_text("$\\Delta w_{12} = -\\eta \\cdot 1.5/\\sqrt{1.5^2 + 1} = -0.1000$\n", encoding="utf-8")
    got = CliRunner().invoke(main, ["check", str(problem), str(answers)]).output
    assert "the rule does not give" in got and "Score: 1 / 17" not in got, got


# -- 8. the lecture's AdaDelta has no learning rate: no η stated; step 1's Δw in its own rule ------------------

ADADELTA = LINEAR + "optimizer: {name: adadelta, rho: 0.9}\nsteps: 2\n"


def test_adadelta_lecture_states_no_eta():
    import json

    from symbackprop.render import render
    sol = _solve(ADADELTA)
    text = render(sol, "text")
    head = text[:text.index("\nGiven")]
    given = text[text.index("\nGiven"):text.index("\nForward")]
    assert "η" not in head.splitlines()[3] and "η" not in given, head + given       # the part's heading, Given
    assert "so the gradient of a weight is δ_j·x_i" in head
    assert "learning_rate" not in json.loads(render(sol, "json"))["parts"][0]["quantities"]
    # by hand: g_w = 1.5; E[g²]_1 = (1 − ρ)·g² = 0.225, E[Δθ²]_0 = 0:
    # Δw = −√(0 + ε)/√(E[g²]_1 + ε)·g = −√ε·g/√(g²/10 + ε) ≈ −10⁻³·1.5/√0.225 ≈ −0.003162
    line = next(x for x in text.splitlines() if x.strip().startswith("Δw_{12} ="))
    assert "sqrt(ε)" in line and "1000" not in line and "sqrt(0.000001)×1.5/sqrt(0.000001 + 1.5²/10)" in line, line
    assert line.endswith("-0.0032")


@pytest.mark.slow
def test_adadelta_lecture_checks_back_in_full(tmp_path):
    """A write-up that copies the solution (no η in it, ε written ε) checks back at full marks."""
    import re

    from click.testing import CliRunner

    from symbackprop.cli import main
    problem = tmp_path / "p.yaml"
    problem.write_text(ADADELTA, encoding="utf-8")
    out = tmp_path / "s.md"
    runner = CliRunner()
    assert runner.invoke(main, ["solve", str(problem), "-o", str(out)]).exit_code == 0
    checked = runner.invoke(main, ["check", str(problem), str(out)]).output
    scores = re.findall(r"^Score: (\S+) / (\S+)$", checked, flags=re.M)
    assert scores and all(a == b for a, b in scores) and "unknown symbol" not in checked, checked[-1500:]


def test_epsilon_is_read_as_the_parts_eps_setting():
    from symbackprop.answers.names import _EPSILON, epsilon_patterns
    for spelled in (r"\epsilon", r"\varepsilon", "ε", "ϵ", "eps", r"\mathrm{eps}"):
        assert _EPSILON.fullmatch(spelled), spelled
    for other in ("steps", "eps_1", r"\epsilons", "beps"):
        assert not _EPSILON.search(other), other
    psol = _solve(LINEAR + "optimizer: {name: adam, lr: 0.1, eps: 0.001}\n").parts[0]
    assert [v for _, v in epsilon_patterns(psol)] == [r"\frac{1}{1000}"]
    assert epsilon_patterns(_solve(LINEAR + "optimizer: {name: sgd, lr: 0.1}\n").parts[0]) == ()
