"""The general rules of the appendix (`symbackprop derive`): derived, specialised, checked, printed.

Expected rules are the appendix's, typed from the lecture; the code derives them with SymPy.
"""
import json

import pytest
import sympy as sp
from click.testing import CliRunner

from symbackprop.activations import Activation
from symbackprop.cli import main
from symbackprop.symbolic_rules import (c, delta_h, delta_o, derive_general, eta, gprime, i, j, k, net_h, net_o, t, w_o,
                                 x, y, z)
from symbackprop.rule_check import check_rules, derive_for_part, example_problem
from symbackprop.problem import Notation, load_problem
from symbackprop.solution import solve_part

from conftest import PROBLEMS

APPENDIX = Notation(weight="to_from", delta="minus_dJ_dnet")
IN_CLASS = Notation()
SIGMOID, RELU, TANH = Activation("sigmoid"), Activation("relu", (("g0", sp.Integer(0)),)), Activation("tanh")


def same(a, b) -> bool:
    return sp.simplify(sp.expand(a - b)) == 0


def sum_k(expr):
    return sp.Sum(expr, (k, 1, c))


@pytest.mark.slow
def test_the_appendix_rules_in_its_own_convention():
    d = derive_general("a", (SIGMOID,), SIGMOID, "half_squared_error", APPENDIX)
    assert same(d.rule("delta_output").rule, (t[k] - z[k]) * gprime(net_o[k]))
    assert same(d.rule("delta_hidden").rule, gprime(net_h[j]) * sum_k(w_o[k, j] * delta_o[k]))
    assert same(d.rule("grad_output_weight").rule, -delta_o[k] * y[j])
    assert same(d.rule("grad_hidden_weight").rule, -delta_h[j] * x[i])
    assert same(d.rule("update_output_weight").forms[1], eta * delta_o[k] * y[j])
    assert same(d.rule("update_hidden_weight").forms[1], eta * delta_h[j] * x[i])
    # the summary line of the appendix: Δw_kj = η(t_k − z_k)g'(net_k)y_j
    assert same(d.rule("update_output_weight").rule, eta * (t[k] - z[k]) * gprime(net_o[k]) * y[j])


@pytest.mark.slow
def test_the_in_class_convention_flips_delta_but_not_the_update():
    d = derive_general("a", (SIGMOID,), SIGMOID, "half_squared_error", IN_CLASS)
    assert same(d.rule("delta_output").rule, -(t[k] - z[k]) * gprime(net_o[k]))
    assert same(d.rule("delta_hidden").rule, gprime(net_h[j]) * sum_k(w_o[k, j] * delta_o[k]))
    assert same(d.rule("update_output_weight").forms[1], -eta * delta_o[k] * y[j])
    appendix = derive_general("a", (SIGMOID,), SIGMOID, "half_squared_error", APPENDIX)
    assert same(d.rule("update_output_weight").rule, appendix.rule("update_output_weight").rule)


@pytest.mark.slow
def test_the_hidden_rule_shows_the_appendix_line_before_delta_k():
    d = derive_general("a", (SIGMOID,), SIGMOID, "half_squared_error", APPENDIX)
    forms = d.rule("delta_hidden").forms
    # −g'(net_j)·Σ_k −(t_k − z_k) g'(net_k) w_kj, then g'(net_j) Σ_k w_kj δ_k
    expanded = forms[-2].subs(c, 2).doit()
    expected = gprime(net_h[j]) * sum_k((t[k] - z[k]) * gprime(net_o[k]) * w_o[k, j]).subs(c, 2).doit()
    assert same(expanded, expected)


@pytest.mark.parametrize("act, derivative", [
    (SIGMOID, lambda v: v * (1 - v)),
    (TANH, lambda v: 1 - v**2),
    (RELU, None),
])
@pytest.mark.slow
def test_g_prime_is_specialised_in_teaching_form(act, derivative):
    d = derive_general("a", (act,), act, "half_squared_error", APPENDIX)
    (label, form), = d.rule("delta_output").specialised
    assert label == act.name
    if derivative is None:
        assert same(form, (t[k] - z[k]) * sp.Heaviside(net_o[k], 0))
    else:
        assert same(form, (t[k] - z[k]) * derivative(z[k]))
    (label, form), = d.rule("delta_hidden").specialised
    if derivative is not None:
        assert same(form, derivative(y[j]) * sum_k(w_o[k, j] * delta_o[k]))


@pytest.mark.parametrize("notation, expected", [(APPENDIX, t[k] - z[k]), (IN_CLASS, z[k] - t[k])])
@pytest.mark.slow
def test_softmax_with_cross_entropy_gives_the_difference(notation, expected):
    d = derive_general("a", (SIGMOID,), Activation("softmax"), "cross_entropy", notation)
    assert same(d.rule("delta_output").rule, expected)
    assert d.assumptions == ("targets_sum_to_one",)


@pytest.mark.slow
def test_sigmoid_with_binary_cross_entropy_simplifies_to_the_difference():
    d = derive_general("a", (TANH,), SIGMOID, "binary_cross_entropy", APPENDIX)
    (_, form), = d.rule("delta_output").specialised
    assert same(form, t[k] - z[k])


@pytest.mark.slow
def test_the_rules_follow_the_loss_not_a_template():
    half = derive_general("a", (SIGMOID,), SIGMOID, "half_squared_error", APPENDIX)
    full = derive_general("a", (SIGMOID,), SIGMOID, "squared_error", APPENDIX)
    mean = derive_general("a", (SIGMOID,), SIGMOID, "mse", APPENDIX)
    assert same(full.rule("delta_output").rule, 2 * half.rule("delta_output").rule)
    assert same(mean.rule("delta_output").rule, 2 * half.rule("delta_output").rule / c)
    l1 = derive_general("a", (SIGMOID,), SIGMOID, "l1", APPENDIX)
    assert same(l1.rule("delta_output").rule, sp.sign(t[k] - z[k]) * gprime(net_o[k]))


@pytest.mark.parametrize("name", ["xor", "xor_appendix", "deep", "classifier", "minibatch"])
@pytest.mark.slow
def test_every_rule_holds_on_every_problem_file(name):
    problem = load_problem(PROBLEMS / f"{name}.yaml")
    for part in problem.parts:
        d = derive_for_part(part)
        # s12-dhid: two or more hidden layers add the checks of the hidden-to-hidden weight's own rules
        from symbackprop.symbolic_rules import deeper_rules
        deeper = deeper_rules(d)
        extra = {deeper.grad_between.id, deeper.update_between.id} if deeper is not None else set()
        assert {ch.id for ch in d.checks} == {r.id for r in d.rules} | extra
        assert all(ch.ok and ch.compared > 0 for ch in d.checks), d.checks


@pytest.mark.parametrize("layers, act, out, loss", [
    ((1, 1, 1), "sigmoid", None, "half_squared_error"),
    ((3, 4, 2), "tanh", "softmax", "cross_entropy"),
    ((2, 3, 2, 3), "relu", None, "mse"),
    ((2, 2, 2), "elu", "sigmoid", "binary_cross_entropy"),
    ((3, 2, 1), "leaky_relu", "identity", "l1"),
    ((2, 2, 3), "swish", "softmax", "l1"),
    ((2, 2, 3), "gelu", "softmax", "half_squared_error"),
])
@pytest.mark.parametrize("delta", ["dJ_dnet", "minus_dJ_dnet"])
@pytest.mark.slow
def test_rules_hold_on_networks_of_several_sizes(layers, act, out, loss, delta):
    part = example_problem(layers, act, out, loss, delta=delta).parts[0]
    assert all(ch.ok and ch.compared > 0 for ch in derive_for_part(part).checks)


@pytest.mark.slow
def test_a_wrong_rule_is_caught_by_the_check():
    part = load_problem(PROBLEMS / "xor_appendix.yaml").part("sigmoid")
    d = derive_general("a", (SIGMOID,), SIGMOID, "half_squared_error", part.notation)
    wrong = d.rule("delta_output")
    # g(net) where g'(net) belongs: the classic slip
    bad_form = (t[k] - z[k]) * z[k]
    broken = type(d)(d.name, d.hidden_activations, d.output_activation, d.loss, d.notation, d.definitions,
                     tuple(type(wrong)(wrong.id, wrong.lhs, wrong.forms[:-1] + (bad_form,)) if r is wrong else r
                           for r in d.rules), d.assumptions)
    checks = {ch.id: ch for ch in check_rules(broken, solve_part(part))}
    assert not checks["delta_output"].ok
    assert checks["delta_hidden"].ok


@pytest.mark.slow
def test_json_gives_latex_and_srepr_under_the_issue_ids():
    result = CliRunner().invoke(main, ["derive", str(PROBLEMS / "xor_appendix.yaml"), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    rules = data["derivations"][0]["rules"]
    assert set(rules) == {"delta_output", "delta_hidden", "grad_output_weight", "grad_hidden_weight",
                          "update_output_weight", "update_hidden_weight"}
    # the srepr names what the text prints (appendix notation: z_k, t_k, net_k), not the internal net_o
    net = sp.IndexedBase(sp.Symbol("net", real=True))
    assert sp.sympify(rules["delta_output"]["srepr"]) == (t[k] - z[k]) * gprime(net[k])
    assert rules["delta_output"]["latex"].startswith(r"\delta_{k} = ")
    assert "w_{kj}" in rules["delta_hidden"]["latex"]          # appendix index order: into k from j
    assert data["derivations"][0]["checks"]["delta_hidden"]["ok"]


def test_text_uses_the_files_symbols_and_index_order():
    result = CliRunner().invoke(main, ["derive", str(PROBLEMS / "xor.yaml"), "--part", "sigmoid"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "δ_k = ∂L/∂net_k" in out                     # loss symbol L, δ = ∂L/∂net
    assert "w_{jk}" in out and "w_{kj}" not in out        # from_to: w_jk goes from j to k
    assert "(1 - u_k)" in out                              # outputs are u, sigmoid' = u(1 − u)


@pytest.mark.slow
def test_without_a_file_the_options_choose_the_network():
    result = CliRunner().invoke(main, ["derive", "--activation", "tanh", "--loss", "ce", "--layers", "3,2,2",
                                       "--delta", "minus_dJ_dnet"])
    assert result.exit_code == 0, result.output
    assert "δ_k = -∂J/∂net_k" in result.output and "= t_k - u_k" in result.output
    assert "Checked on a generated network" in result.output


@pytest.mark.parametrize("args, words", [
    (["derive", "--layers", "2,x"], "--layers '2,x'"),
    (["derive", "--layers", "2"], "from inputs to outputs"),
    (["derive", "--activation", "softmax"], "not a hidden activation"),
    (["derive", "--loss", "hinge"], "--loss 'hinge': unknown"),
    (["derive", str(PROBLEMS / "xor.yaml"), "--loss", "mse"], "only without a problem file"),
    (["derive", "--part", "relu"], "--part needs a problem file"),
    (["derive", str(PROBLEMS / "xor.yaml"), "--part", "tanh"], "no part named 'tanh'"),
])
def test_bad_derive_usage_is_one_line_and_status_2(args, words):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert words in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.slow
def test_a_derivation_shows_itself_in_a_notebook():
    part = load_problem(PROBLEMS / "xor_appendix.yaml").part("sigmoid")
    md = derive_for_part(part)._repr_markdown_()
    assert "$$" in md and r"\delta_{k} &= - \frac{\partial J}{\partial \mathrm{net}_{k}}" in md
