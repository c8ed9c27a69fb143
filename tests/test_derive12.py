"""Session 12 (issue 12's user trial): `derive`'s general rules reach the teacher's form.

1. Without a hidden layer, ∂J/∂w_ki goes on to δ_k put in where SymPy proves δ_k a multiple of
   u_k − t_k: logistic regression (sigmoid + binary cross-entropy) reaches the textbook
   ∂J/∂w = (1/N)·Σ_n (u − t)·x; so do softmax + cross-entropy and a linear output with squared error.
2. An activation written as a formula has g' written in u = g(net) where SymPy finds and proves it a
   polynomial in g: the bipolar sigmoid 2/(1 + e^−x) − 1 (and tanh(x/2)) gives ½(1 − u²).
Every expected value below is worked out independently: by finite differences of the loss or of g,
or written by hand from the textbook.
"""
from __future__ import annotations

import math

import pytest
import sympy as sp
from click.testing import CliRunner

LOGREG = """\
title: Logistic regression
network:
  inputs: [x1, x2]
  bias: b
  layers: [[o]]
  activation: sigmoid
weights:
  x1: {o: 0.5}
  x2: {o: -0.25}
  b: {o: 0.1}
samples:
  - {x: {x1: 1, x2: 2}, t: {o: 1}}
  - {x: {x1: -1, x2: 0.5}, t: {o: 0}}
loss: binary_cross_entropy
learning_rate: 0.5
"""

BIPOLAR = """\
title: bipolar sigmoid as a formula
network:
  inputs: [1, 2]
  bias: 0
  layers: [[3, 4], [5]]
  activation: {formula: "2/(1+exp(-x)) - 1", name: bipolar}
weights:
  0: {3: 0.1, 4: -0.2, 5: 0.3}
  1: {3: 0.5, 4: -0.4}
  2: {3: 0.3, 4: 0.6}
  3: {5: 0.7}
  4: {5: -0.5}
sample: {x: {1: 1, 2: -1}, t: {5: 1}}
loss: half_squared_error
learning_rate: 0.5
"""


def _act(name: str):
    from symbackprop import activations
    return activations.Activation(name, tuple(sorted(activations.TABLE[name].params.items())))


def _derive_file(tmp_path, text: str, name: str = "p.yaml"):
    from symbackprop.problem import load_problem
    from symbackprop.rule_check import derive_for_part
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (part,) = load_problem(path).parts
    return path, derive_for_part(part, str(path))


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    return sp.simplify(sp.expand(a - b)) == 0


# ---- 1. no hidden layer: ∂J/∂w = (u − t)·x -------------------------------------------------------

@pytest.mark.slow
def test_logistic_regression_reaches_the_mean_of_u_minus_t_times_x(tmp_path):
    from symbackprop.symbolic_rules import N, PER_SAMPLE, i, k, n_s, t, x, z
    path, dv = _derive_file(tmp_path, LOGREG)
    assert dv.ok and not dv.hidden_layer and dv.batch == "mean"
    grad = dv.rule("grad_output_weight")
    (label, form), = grad.specialised
    assert label == "sigmoid"
    # the textbook's ∂J/∂w_j = (1/N)·Σ_n (h − y)·x_j, written by hand in the rules' symbols
    u_n, t_n, x_n = PER_SAMPLE[z][k, n_s], PER_SAMPLE[t][k, n_s], PER_SAMPLE[x][i, n_s]
    textbook = sp.Sum((u_n - t_n) * x_n, (n_s, 1, N)) / N
    assert _same(form.doit(), textbook.doit()) or _same(form, textbook)
    # the check covers the form with δ put in: as many comparisons as weights (one per weight)
    check = {ch.id: ch for ch in dv.checks}["grad_output_weight"]
    assert check.ok and check.distinct == 3

    # The numbers, by finite differences of J = (1/N)·Σ_n BCE(σ(w·x), t), against (1/N)Σ_n (u − t)·x
    samples = [((1.0, 1.0, 2.0), 1.0), ((1.0, -1.0, 0.5), 0.0)]       # (bias input 1, x1, x2), t
    w = [0.1, 0.5, -0.25]

    def loss(ws):
        total = 0.0
        for xs, tt in samples:
            u = 1 / (1 + math.exp(-sum(a * b for a, b in zip(ws, xs))))
            total += -(tt * math.log(u) + (1 - tt) * math.log(1 - u))
        return total / len(samples)

    for p in range(3):
        h = 1e-6
        up, down = list(w), list(w)
        up[p] += h
        down[p] -= h
        numeric = (loss(up) - loss(down)) / (2 * h)
        values = {N: 2}
        for n, (xs, tt) in enumerate(samples, start=1):
            u = 1 / (1 + math.exp(-sum(a * b for a, b in zip(w, xs))))
            values.update({PER_SAMPLE[z][1, n]: u, PER_SAMPLE[t][1, n]: tt, PER_SAMPLE[x][p, n]: xs[p]})
        by_rule = float(form.xreplace({k: 1, i: p, N: 2}).doit().xreplace(values))
        assert by_rule == pytest.approx(numeric, abs=1e-8)


@pytest.mark.slow
def test_logistic_regression_text_states_the_rule(tmp_path):
    from symbackprop.cli import main
    path = tmp_path / "logreg.yaml"
    path.write_text(LOGREG, encoding="utf-8")
    result = CliRunner().invoke(main, ["derive", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = lines.index("Gradient of an input-to-output weight")
    assert lines[at + 2] == "    with sigmoid: ∂J/∂w_{ik} = (1/N)·Σ_n[1..N] (u_k^(n) - t_k^(n))·x_i^(n)"


@pytest.mark.parametrize("output, loss, delta, expected", [
    # softmax + cross-entropy: δ_k = u_k − t_k is the rule itself (targets summing to 1)
    pytest.param("softmax", "cross_entropy", "dJ_dnet", lambda z, t: z - t, marks=pytest.mark.slow),
    # a linear unit with ½ squared error: g' = 1 and δ_k = u_k − t_k; ∂J/∂w = (u − t)·x
    ("identity", "half_squared_error", "dJ_dnet", lambda z, t: z - t),
    # squared error without the ½, appendix convention: ∂J/∂w = 2·(u − t)·x still (the sign is in δ)
    pytest.param("identity", "squared_error", "minus_dJ_dnet", lambda z, t: 2 * (z - t), marks=pytest.mark.slow),
])
def test_other_regressions_reach_u_minus_t_times_x(output, loss, delta, expected):
    from symbackprop.problem import Notation
    from symbackprop.rule_check import check_rules, example_problem, solution_values
    from symbackprop.symbolic_rules import derive_general, i, k, t, x, z
    dv = derive_general("main", (), _act(output), loss, Notation(delta=delta))
    grad = dv.rule("grad_output_weight")
    final = grad.specialised[0][1] if grad.specialised else grad.rule
    assert not final.has(sp.Function("g'"))
    assert _same(final, expected(z[k], t[k]) * x[i])
    # and on a generated network, where the δ rule and the written-out form are held to the solution
    problem = example_problem((3, 2), output, output, loss, delta=delta)
    checks = {ch.id: ch for ch in check_rules(dv, solution_values(problem.parts[0]))}
    assert checks["grad_output_weight"].ok and checks["grad_output_weight"].distinct == 8


@pytest.mark.slow
def test_a_delta_that_is_not_u_minus_t_is_left_as_it_was():
    """neuron_inputs.yaml (sigmoid, loss none: δ_k = u_k(1 − u_k)) and sigmoid with ½ squared error
    (δ_k = u_k(1 − u_k)(u_k − t_k)) keep ∂J/∂w = δ_k·x_i: δ is put in only where it is u − t."""
    from symbackprop.problem import Notation
    from symbackprop.symbolic_rules import delta_o, derive_general, i, k, output_difference, t, x, z
    sigmoid = _act("sigmoid")
    for loss in ("none", "half_squared_error"):
        dv = derive_general("main", (), sigmoid, loss, Notation())
        grad = dv.rule("grad_output_weight")
        assert grad.rule == delta_o[k] * x[i] and grad.specialised == ()
        assert output_difference(dv.rule("delta_output").rule, sigmoid) is None
    # and where it is, the constant is found: (1/2)·(u − t) is recognised, u·(u − t) is not
    t_k = t[k]
    identity = _act("identity")
    assert output_difference((z[k] - t_k) / 2, identity) == (z[k] - t_k) / 2
    assert output_difference(z[k] * (z[k] - t_k), identity) is None


@pytest.mark.slow
def test_a_wrong_delta_rule_fails_the_written_out_gradient(tmp_path):
    """The form with δ_k put in is only as right as the δ rule: a δ_k doubled by mistake makes the
    gradient check disagree too, never agree on the strength of δ_k·x_i."""
    from dataclasses import replace

    from symbackprop.problem import load_problem
    from symbackprop.rule_check import check_rules, solution_values
    path, dv = _derive_file(tmp_path, LOGREG)
    delta = dv.rule("delta_output")
    wrong = replace(delta, forms=delta.forms[:-1] + (2 * delta.rule,), specialised=())
    bad = replace(dv, rules=tuple(wrong if r.id == "delta_output" else r for r in dv.rules))
    checks = {ch.id: ch for ch in check_rules(bad, solution_values(load_problem(path).parts[0]))}
    assert not checks["delta_output"].ok and not checks["grad_output_weight"].ok


# ---- 2. g' of a formula activation in u ------------------------------------------------------------

def _g(text: str):
    from symbackprop.activation_formula import formula_activation
    return formula_activation(text)


@pytest.mark.parametrize("formula, coefficients", [
    pytest.param("2/(1+exp(-x)) - 1", (sp.Rational(1, 2), 0, -sp.Rational(1, 2)),    # bipolar: ½(1 − u²)
                 marks=pytest.mark.slow),
    ("tanh(x/2)", (sp.Rational(1, 2), 0, -sp.Rational(1, 2))),            # the same function
    pytest.param("tanh(x)", (1, 0, -1), marks=pytest.mark.slow),          # 1 − u²
    pytest.param("1/(1+exp(-x))", (0, 1, -1), marks=pytest.mark.slow),    # u(1 − u)
    pytest.param("exp(x)", (0, 1, 0), marks=pytest.mark.slow),            # u
])
def test_g_prime_is_found_as_a_polynomial_in_g(formula, coefficients):
    from symbackprop.symbolic_rules import G, derivative_in_g
    act = _g(formula)
    found = derivative_in_g(act.g, act.dg)
    assert found is not None
    assert sp.expand(found - sum(a * G**e for e, a in enumerate(coefficients))) == 0
    # by central differences of g itself (not SymPy's g'): g'(x) = P(g(x)) at a few points
    f = sp.lambdify(sp.Symbol("x"), act.g.xreplace({list(act.g.free_symbols)[0]: sp.Symbol("x")}))
    for x0 in (-1.7, -0.4, 0.3, 1.2):
        h = 1e-6
        numeric = (f(x0 + h) - f(x0 - h)) / (2 * h)
        assert float(found.subs(G, f(x0))) == pytest.approx(numeric, rel=1e-7)


@pytest.mark.parametrize("formula", ["sin(x)", pytest.param("x/(1+abs(x))", marks=pytest.mark.slow),
                                     pytest.param("x/10", marks=pytest.mark.slow),
                                     # LeCun's tanh: a polynomial, but 17159/15000 − 20000·u²/51477
                                     pytest.param("1.7159*tanh(2*x/3)", marks=pytest.mark.slow)])
def test_g_prime_stays_in_net_where_no_small_polynomial_in_g_is_proven(formula):
    from symbackprop.symbolic_rules import derivative_in_g
    act = _g(formula)
    assert derivative_in_g(act.g, act.dg) is None


@pytest.mark.slow
def test_bipolar_formula_rules_are_written_in_u(tmp_path):
    """The teacher's g'(net) = (1 − u²)/2 = ½(1 + u)(1 − u), in δ_k and δ_j, checked on the network."""
    from symbackprop.cli import main
    from symbackprop.symbolic_rules import gprime, j, k, net_h, t, y, z
    _, dv = _derive_file(tmp_path, BIPOLAR)
    assert dv.ok
    half = sp.Rational(1, 2)
    (_, dk), = dv.rule("delta_output").specialised
    assert _same(dk, half * (1 + z[k]) * (1 - z[k]) * (z[k] - t[k]))
    (_, dj), = dv.rule("delta_hidden").specialised
    assert not dj.has(sp.exp, sp.cosh, net_h) and not dk.has(sp.exp, sp.cosh)
    backprop = dv.rule("delta_hidden").rule.subs(gprime(net_h[j]), 1)          # Σ_k δ_k·w_jk
    assert backprop.has(sp.Sum) and _same(dj, half * (1 - y[j] ** 2) * backprop)
    path = tmp_path / "p.yaml"
    out = CliRunner().invoke(main, ["derive", str(path)])
    assert out.exit_code == 0, out.output
    assert "    with bipolar: δ_k = (1 - u_k²)·(u_k - t_k)/2" in out.output.splitlines()
    assert "    with bipolar: δ_j = (1 - u_j²)·Σ_k[1..c] δ_k·w_{jk}/2" in out.output.splitlines()


@pytest.mark.slow
@pytest.mark.parametrize("args, line", [
    # appendix convention: δ_k = t_k − u_k, and ∂J/∂w = −δ_k·x_i is written (u_k − t_k)·x_i, not −(t_k − u_k)·x_i
    (["--output-activation", "softmax", "--loss", "cross_entropy", "--delta", "minus_dJ_dnet"],
     "  ∂J/∂w_{ik} = ∂J/∂net_k·∂net_k/∂w_{ik} = -δ_k·x_i = (u_k - t_k)·x_i"),
    # squared error without the ½: 2·(u_k − t_k)·x_i, the 2 kept out of the difference
    (["--activation", "identity", "--loss", "squared_error", "--delta", "minus_dJ_dnet"],
     "    with identity: ∂J/∂w_{ik} = 2·(u_k - t_k)·x_i"),
])
def test_the_gradient_reads_u_minus_t_in_either_convention(args, line):
    from symbackprop.cli import main
    result = CliRunner().invoke(main, ["derive", "--layers", "2,2", *args])
    assert result.exit_code == 0, result.output
    assert line in result.output.splitlines()
