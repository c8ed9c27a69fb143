"""Session 10: `derive` writes its rules as `solve` writes its steps (issue 12's leftovers).

1. One factor order, the teacher's, in derive and solve and every format: constants, g', then the
   loss's factor (δ_k = g'(net_k)·(u_k − t_k), δ_j = g'(net_j)·δ_k·w_jk); a target before its log.
2. Sums in the network's order (the bias, then each layer's units as listed), not by unit id.
3. A weight's subscript of two units that are not both single digits takes a comma (w_{0,o}).
4. derive's check lines set their largest difference as maths in Markdown, LaTeX and HTML.
Every expected string below is written by hand from the rule or the file, not produced by the code.
"""
from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest
import sympy as sp

from conftest import DATA

# Units named so that their ids' order is not the network's: inputs [o, a], bias z, hidden [h, b],
# outputs [y, c] (by id: a < b < c < h < o < y < z).
ORD = """\
title: units named out of layer order
network:
  inputs: [o, a]
  bias: z
  layers: [[h, b], [y, c]]
  activation: sigmoid
weights:
  z: {h: 0.1, b: -0.2, y: 0.4, c: 0.3}
  o: {h: 0.4, b: 0.5}
  a: {h: -0.6, b: 0.7}
  h: {y: -0.3, c: 0.8}
  b: {y: 0.2, c: -0.9}
sample: {x: {o: 1, a: 0.5}, t: {y: 0, c: 1}}
loss: half_squared_error
learning_rate: 0.5
"""


def _act(name: str):
    from symbackprop import activations
    return activations.Activation(name, tuple(sorted(activations.TABLE[name].params.items())))


@pytest.fixture(scope="module")
def sigmoid_rules():
    """The general rules of a sigmoid network with ½ squared error, in-class notation (not checked)."""
    from symbackprop.problem import Notation
    from symbackprop.symbolic_rules import derive_general
    return derive_general("main", (_act("sigmoid"),), _act("sigmoid"), "half_squared_error", Notation())


@pytest.fixture(scope="module")
def ord_solution(tmp_path_factory):
    from symbackprop.solution import solve
    path = tmp_path_factory.mktemp("ord") / "ord.yaml"
    path.write_text(ORD, encoding="utf-8")
    return solve(path)


# -- 1. the teacher's factor order in derive ---------------------------------------------------------------

def test_derive_writes_gprime_before_the_loss_factor_in_text_latex_and_json(sigmoid_rules):
    from symbackprop.render.rules import rules_document, to_data
    from symbackprop.render.text import text
    out = text(rules_document([sigmoid_rules]))
    assert "δ_k = ∂J/∂net_k = ∂J/∂u_k·∂u_k/∂net_k = g'(net_k)·(u_k - t_k)" in out
    # the chain's ∂J/∂net_k written out inside Σ_k: g'(net_k) before (t_k − u_k), the weight last
    assert "= g'(net_j)·Σ_k[1..c] -g'(net_k)·(t_k - u_k)·w_{jk} = g'(net_j)·Σ_k[1..c] δ_k·w_{jk}" in out
    assert "Δw_{jk} = -η·∂J/∂w_{jk} = -η·δ_k·u_j = -η·g'(net_k)·(u_k - t_k)·u_j" in out
    assert "(u_k - t_k)·g'" not in out
    data = to_data(sigmoid_rules)["rules"]
    assert data["delta_output"]["text"] == "δ_k = g'(net_k)·(u_k - t_k)"
    assert data["delta_output"]["latex"] == r"\delta_{k} = g'\left(\mathrm{net}_{k}\right) \left(u_{k} - t_{k}\right)"
    assert data["update_output_weight"]["latex"] == (r"\Delta w_{jk} = - \eta g'\left(\mathrm{net}_{k}\right) "
                                                     r"\left(u_{k} - t_{k}\right) u_{j}")
    assert r"g'\left(\mathrm{net}_{k}\right) \left(u_{k} - t_{k}\right)" in data["update_output_weight"]["chain_latex"]


def test_the_json_srepr_is_still_the_derived_rule(sigmoid_rules):
    """The order is presentation only: each srepr sympifies to the rule (in its shown symbols)."""
    from symbackprop.render.rules import shown_symbols, to_data
    data = to_data(sigmoid_rules)["rules"]
    for rule in sigmoid_rules.rules:
        got = sp.sympify(data[rule.id]["srepr"])
        assert sp.expand(got - shown_symbols(sigmoid_rules, rule.rule)) == 0, rule.id


def test_cross_entropy_writes_the_target_before_its_log():
    from symbackprop.problem import Notation
    from symbackprop.render.rules import rules_document, to_data
    from symbackprop.render.text import text
    from symbackprop.symbolic_rules import derive_general
    dv = derive_general("ce", (), _act("identity"), "cross_entropy", Notation())
    assert "J = Σ_m[1..c] -t_m·ln(u_m)" in text(rules_document([dv]))
    assert "ln(u_m)·t_m" not in text(rules_document([dv]))
    # ∂J/∂u_k = −t_k/u_k, times g'(net_k): the sign and g' first, then the loss's factor
    assert to_data(dv)["rules"]["delta_output"]["text"] == "δ_k = -g'(net_k)·t_k/u_k"
    from symbackprop.render.latex import latex
    assert r"- t_{m} \ln{\left(u_{m} \right)}" in latex(rules_document([dv]), standalone=False)


@pytest.mark.slow
def test_one_coefficient_not_minus_one_times_two():
    """Squared error with an identity output: −2·η·(u_k − t_k)·u_j, not −1·2·η·…"""
    from symbackprop.problem import Notation
    from symbackprop.render.rules import to_data
    from symbackprop.symbolic_rules import derive_general
    dv = derive_general("se", (), _act("identity"), "squared_error", Notation())
    rule = to_data(dv)["rules"]["update_output_weight"]
    assert rule["text"] == "Δw_{ik} = -2·η·g'(net_k)·(u_k - t_k)·x_i"
    assert rule["specialised"][0]["latex"] == r"- 2 \eta \left(u_{k} - t_{k}\right) x_{i}"


# -- 1 and 2 in solve: g' first in a hidden δ, sums in the network's order ---------------------------------

def test_solve_sums_in_the_network_order_and_puts_gprime_first(ord_solution):
    from symbackprop.render import render
    out = render(ord_solution, "text")
    # net_h: the bias z first, then the inputs as listed (o, a); 0.1 + 0.4 − 0.3 = 0.2
    assert "net_h = w_{z,h}·x_z + w_{o,h}·x_o + w_{a,h}·x_a = 0.1×1 + 0.4×1 - 0.6×0.5 = 0.2" in out
    # the loss over the outputs as listed (y, c), and a hidden δ's sum over them in that order
    assert "J = (t_y - u_y)²/2 + (t_c - u_c)²/2" in out
    assert "δ_h = g'(net_h)·(δ_y·w_{h,y} + δ_c·w_{h,c})" in out
    latex = render(ord_solution, "latex", standalone=False)
    assert (r"\mathrm{net}_{h} = w_{z,h} \cdot x_{z} + w_{o,h} \cdot x_{o} + w_{a,h} \cdot x_{a}" in latex
            or r"\mathrm{net}_{h} &= w_{z,h} \cdot x_{z} + w_{o,h} \cdot x_{o} + w_{a,h} \cdot x_{a}" in latex)


def test_a_hidden_delta_with_one_consumer_is_written_as_the_lectures_solution(xor):
    from symbackprop.render import render
    out = render(xor, "text")
    # ReLU: g'(net_3) = 1, δ_5 = 3, w_35 = 2; the lecture's printed solution: δ_3 = δ_5·w_35·g'(net_3) = 3×2×1 = 6
    assert "δ_3 = δ_5·w_{35}·g'(net_3) = 3×2×1 = 6" in out
    assert "δ_3 = g'(net_3)·δ_5" not in out


# -- 3. weight subscripts ------------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b, text, latex", [
    ("1", "3", "13", "13"),                        # two single digits: together, as the lecture writes w_13
    ("0", "o", "0,o", "0,o"),
    ("h1", "o", "h1,o", "h1,o"),
    ("3", "10", "3,10", "3,10"),
    ("1", "alpha", "1,α", r"1,\alpha"),
])
def test_a_weight_subscript_takes_a_comma_unless_both_units_are_single_digits(a, b, text, latex):
    from symbackprop.notation import unit_pair
    assert unit_pair(a, b, False) == text
    assert unit_pair(a, b, True) == latex


def test_weights_with_a_comma_in_every_format_and_read_back(ord_solution):
    from symbackprop.answers.names import NameTable
    from symbackprop.render import render
    assert "w_{z,h} = 0.1" in render(ord_solution, "text")
    assert "w_{z,h}" in render(ord_solution, "markdown") and "w_{z,h}" in render(ord_solution, "latex")
    assert "<mi>z</mi><mo>,</mo><mi>h</mi>" in render(ord_solution, "html")
    assert "w_{zh}" not in render(ord_solution, "text")
    table = NameTable(ord_solution.part("main"))
    for written in ("w_{z,h}", "w_{zh}", "w_{z, h}", r"\Delta w_{z,h}", "w_{z,h}^{new}"):
        assert table.lookup(written) is not None, written
    assert table.lookup("w_{z,h}").qid == "w_z_h" and table.lookup("w_{zh}").qid == "w_z_h"
    assert table.lookup(r"\Delta w_{z,h}").qid == "update_w_z_h"


# -- 4. the check lines typeset their number -----------------------------------------------------------------

def test_the_check_line_sets_its_difference_as_maths(sigmoid_rules):
    from symbackprop.render.html import page
    from symbackprop.render.latex import latex
    from symbackprop.render.markdown import markdown
    from symbackprop.render.rules import rules_document
    from symbackprop.render.text import text
    from symbackprop.symbolic_rules import RuleCheck
    dv = replace(sigmoid_rules, checks=(RuleCheck("delta_output", 2, 8.7e-33, 1),
                                        RuleCheck("grad_output_weight", 3, 0.0)))
    doc = rules_document([dv])
    assert "1 value agrees (each by the general rule and by its specialised form: 2 comparisons; " \
           "largest relative difference 8.7e-33)" in text(doc)
    md = markdown(doc)
    assert r"largest relative difference $8.7 \times 10^{-33}$)" in md
    assert "3 values agree (largest relative difference $0$)" in md
    assert r"largest relative difference $8.7 \times 10^{-33}$)" in latex(doc, standalone=False)
    shown = page(doc)
    assert 'alttext="8.7e-33"' in shown and "<mn>10</mn>" in shown
    zh = markdown(rules_document([dv], lang="zh"))
    assert r"$8.7 \times 10^{-33}$" in zh


# -- the classifier of the byte fixture's changes ------------------------------------------------------------

def _classifier():
    spec = importlib.util.spec_from_file_location("classify_changes", DATA / "solve_bytes" / "classify_changes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.classify_derive10


@pytest.mark.parametrize("old, new, kind", [
    ("δ_3 = δ_5·w_{35}·g'(net_3) = -0.1272×2×0.0177 ≈ -0.0045",
     "δ_3 = g'(net_3)·δ_5·w_{35} = 0.0177×(-0.1272)×2 ≈ -0.0045", "order"),
    ("net_h = w_{ah}·x_a + w_{zh}·x_z = -0.6×0.5 + 0.1×1 = -0.2",
     "net_h = w_{z,h}·x_z + w_{a,h}·x_a = 0.1×1 - 0.6×0.5 = -0.2", "comma+order"),
    (r"u_{8} = \frac{e^{a}}{e^{c} + e^{a}} = \frac{e^{-0.1}}{e^{0.2} + e^{-0.1}} \approx 0.4",
     r"u_{8} = \frac{e^{a}}{e^{a} + e^{c}} = \frac{e^{-0.1}}{e^{-0.1} + e^{0.2}} \approx 0.4", "order"),
    # a number that changed, a sign that changed, a symbol that changed: not a reordering
    ("δ_3 = δ_5·w_{35}·g'(net_3) = -0.1272×2×0.0177 ≈ -0.0045",
     "δ_3 = g'(net_3)·δ_5·w_{35} = 0.0177×(-0.1273)×2 ≈ -0.0045", "other"),
    ("net_h = w_{ah}·x_a + w_{zh}·x_z = -0.6×0.5 + 0.1×1 = -0.2",
     "net_h = w_{z,h}·x_z - w_{a,h}·x_a = 0.1×1 - 0.6×0.5 = -0.2", "other"),
    ("δ_3 = δ_5·w_{35}·g'(net_3) = 1", "δ_3 = δ_5·w_{36}·g'(net_3) = 1", "other"),
])
def test_the_classifier_names_reorderings_and_nothing_else(old, new, kind):
    assert _classifier()(old, new) == kind


# -- every combination (CI) ----------------------------------------------------------------------------------

COMBOS = [("sigmoid", "sigmoid", "half_squared_error"), ("tanh", "identity", "squared_error"),
          ("relu", "relu", "l1"), ("sigmoid", "sigmoid", "binary_cross_entropy"), ("tanh", "tanh", "mse"),
          ("elu", "sigmoid", "cross_entropy"), ("relu", "softmax", "cross_entropy")]


@pytest.mark.slow
@pytest.mark.parametrize("hidden, output, loss", COMBOS)
@pytest.mark.parametrize("delta", ["dJ_dnet", "minus_dJ_dnet"])
def test_every_printed_product_puts_gprime_first(hidden, output, loss, delta):
    """In every form of every rule, text and LaTeX: no g'(net_k) after a loss factor or a weight's input in
    its product, no −1·2, and each srepr still the derived rule."""
    import re
    from symbackprop.problem import Notation
    from symbackprop.render.rules import RulesMath, rule_step, shown_symbols, to_data
    from symbackprop.render.steps import step_links
    from symbackprop.symbolic_rules import derive_general
    for hid in ((_act(hidden),), ()):
        dv = derive_general("c", hid, _act(output), loss, Notation(delta=delta), batch=None)
        math = RulesMath(dv)
        for rule in dv.definitions + dv.rules:
            for latex in (False, True):
                for _, printed in step_links(math, rule_step(rule, "en"), 0, latex):
                    assert not re.search(r"(\(u_k - t_k\)|\(t_k - u_k\)|u_j|x_i)·g'", printed), printed
                    assert not re.search(r"\\right\) g'|u_\{j\} g'|x_\{i\} g'", printed), printed
                    assert "-1·" not in printed and "- 1 " not in printed, printed
                    assert "ln(u_m)·t_m" not in printed, printed
        data = to_data(dv)["rules"]
        for rule in dv.rules:
            assert sp.expand(sp.sympify(data[rule.id]["srepr"]) - shown_symbols(dv, rule.rule)) == 0


@pytest.mark.slow
def test_derive_command_on_a_file_with_named_units(tmp_path: Path):
    """The command end to end, in-process: order, checks agreeing, and the check line as maths in Markdown."""
    from click.testing import CliRunner
    from symbackprop.cli import main
    path = tmp_path / "ord.yaml"
    path.write_text(ORD, encoding="utf-8")
    r = CliRunner().invoke(main, ["derive", str(path)])
    assert r.exit_code == 0, r.output
    assert "δ_k = ∂J/∂net_k = ∂J/∂u_k·∂u_k/∂net_k = g'(net_k)·(u_k - t_k)" in r.output
    assert "with sigmoid: δ_k = u_k·(1 - u_k)·(u_k - t_k)" in r.output
    assert "Checked on the network of the file: 2 values agree" in r.output
    md = CliRunner().invoke(main, ["derive", str(path), "--format", "markdown"])
    assert md.exit_code == 0 and "largest relative difference $" in md.output
