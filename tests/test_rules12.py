"""Session 12, H2 (user trial t12 #1, #11, #16, #17): reading rules and odd input.

- a weight with a display name (`name: w5`, Mazur's w1…w8) is read inside working, and the tool's own text
  solution reads back in full; a symbol the reader does not know inside a rule makes that link not read
  (no cost), and a link that mixes names with a computed step's rounded value is judged at the problem's values;
- `\\sigma'(net_3)`, `f'(net_3)` inside working and inside general rules are g'(net_3) on a sigmoid unit, and
  said to be another activation's derivative elsewhere;
- Unicode superscript letters (`w₃₅ⁿᵉʷ ＝ …`) are read, and a plain line naming no quantity is said;
- messages write values as YAML does (true, null, {value: 0.5}), and a graph answer [3] is the scalar 3.

Every expected value is worked out here by hand (math.exp), never taken from the solution."""
from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner
from conftest import PROBLEMS

from symbackprop.cli import main
from symbackprop.yamlfile import shown

XOR = str(PROBLEMS / "xor.yaml")
CIRCUIT = str(PROBLEMS / "circuit.yaml")

MAZUR = """\
title: Mazur's step-by-step example
network:
  inputs: [i1, i2]
  bias: b
  layers: [[h1, h2], [o1, o2]]
  activation: sigmoid
weights:
  b: {h1: 0.35, h2: 0.35, o1: 0.60, o2: 0.60}
  i1: {h1: {value: 0.15, name: w1}, h2: {value: 0.25, name: w3}}
  i2: {h1: {value: 0.20, name: w2}, h2: {value: 0.30, name: w4}}
  h1: {o1: {value: 0.40, name: w5}, o2: {value: 0.50, name: w7}}
  h2: {o1: {value: 0.45, name: w6}, o2: {value: 0.55, name: w8}}
shared: {bh: [w_b_h1, w_b_h2], bo: [w_b_o1, w_b_o2]}
sample: {x: {i1: 0.05, i2: 0.10}, t: {o1: 0.01, o2: 0.99}}
loss: half_squared_error
learning_rate: 0.5
notation: {loss_symbol: E, activation_symbol: out}
precision: 6
"""


def sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# Mazur's numbers by hand: the forward pass, δ_o1 = (out_o1 − t_o1)·out_o1(1 − out_o1), ∂E/∂w5 = δ_o1·out_h1
OUT_H1 = sig(0.15 * 0.05 + 0.20 * 0.10 + 0.35)
OUT_H2 = sig(0.25 * 0.05 + 0.30 * 0.10 + 0.35)
NET_O1 = 0.40 * OUT_H1 + 0.45 * OUT_H2 + 0.60
NET_O2 = 0.50 * OUT_H1 + 0.55 * OUT_H2 + 0.60
OUT_O1 = sig(NET_O1)
GRAD_W5 = (OUT_O1 - 0.01) * OUT_O1 * (1 - OUT_O1) * OUT_H1
W5_NEW = 0.40 - 0.5 * GRAD_W5


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def items(result) -> dict:
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    out = {}
    for part in json.loads(result.output)["parts"]:
        for it in part["items"]:
            out[it["id"]] = it
    return out


@pytest.fixture
def mazur(tmp_path):
    p = tmp_path / "mazur.yaml"
    p.write_text(MAZUR, encoding="utf-8")
    return p


def test_by_hand_values_are_mazurs():
    # the published numbers of the example (to its 6 places), a check on the hand computation itself
    assert (round(OUT_H1, 6), round(NET_O1, 6), round(W5_NEW, 6)) == (0.593270, 1.105906, 0.358916)


def test_named_weights_are_read_inside_working(mazur, tmp_path):
    a = tmp_path / "jay.md"
    a.write_text(
        f"$net_{{o1}} = w5 \\cdot out_{{h1}} + w6 \\cdot out_{{h2}} + bo = 0.4 \\times {OUT_H1:.6f} + 0.45 \\times "
        f"{OUT_H2:.6f} + 0.6 = {NET_O1:.6f}$\n\n"
        f"net_{{o2}} = w_7·out_{{h1}} + w_{{8}}·out_{{h2}} + bo = {NET_O2:.6f}\n\n"
        f"$w_5^{{+}} = w5 - \\eta \\cdot {GRAD_W5:.6f} = {W5_NEW:.6f}$\n", encoding="utf-8")
    got = items(run("check", mazur, a, "--format", "json"))
    for qid in ("net_o1", "net_o2", "new_w_h1_o1"):
        assert got[qid]["status"] == "correct", got[qid]
        assert "unknown symbol" not in (got[qid]["message"] or ""), got[qid]


@pytest.mark.slow
def test_a_wrong_rule_in_named_weights_is_still_wrong(mazur, tmp_path):
    # w6 and w5 swapped: the rule gives 0.45·out_h1 + 0.4·out_h2 + 0.6, not net_o1; the value written is right
    a = tmp_path / "kim.md"
    a.write_text(f"$net_{{o1}} = w6 \\cdot out_{{h1}} + w5 \\cdot out_{{h2}} + bo = {NET_O1:.6f}$\n", encoding="utf-8")
    got = items(run("check", mazur, a, "--format", "json"))["net_o1"]
    assert got["status"] == "slip" and "the rule does not give" in got["message"], got


@pytest.mark.slow
def test_a_half_substituted_link_with_a_wrong_number_is_not_right(mazur, tmp_path):
    # ∂E/∂w5 written 0.092167 (a digit wrong): the link gives 0.40 − 0.5·0.092167, not w5^new
    a = tmp_path / "a.yaml"
    a.write_text(f'w5^new: "w5 - 0.5 \\\\times 0.092167 = {W5_NEW:.6f}"\n', encoding="utf-8")
    got = items(run("check", mazur, a, "--format", "json"))["new_w_h1_o1"]
    assert got["status"] != "correct", got


@pytest.mark.slow
def test_the_text_solution_reads_back_in_full(mazur, tmp_path):
    out = tmp_path / "mazur.txt"
    assert run("solve", mazur, "-o", out).exit_code == 0
    r = run("check", mazur, out, "--format", "json")
    part = json.loads(r.output)["parts"][0]
    assert part["score"] == part["max_score"] > 0, [i for i in part["items"] if i["status"] != "correct"]
    assert not any(i["status"] == "slip" for i in part["items"])


@pytest.mark.slow
def test_an_unknown_symbol_in_a_link_costs_nothing(tmp_path):
    # u_3 = σ(4) = 1/(1 + e^{-4}); the middle link holds a q the problem does not have
    u3 = sig(4)
    a = tmp_path / "a.yaml"
    a.write_text(f'sigmoid:\n  u_3: "q \\\\cdot net_3 = {u3:.4f}"\n', encoding="utf-8")
    got = items(run("check", XOR, a, "--format", "json", "--part", "sigmoid"))["act_3"]
    assert got["status"] == "correct" and "was not read" in got["message"], got


# xor.yaml, sigmoid part: u_3 = σ(4), u_4 = σ(0), u_5 = σ(−4 + 2u_3 + 4u_4), δ = ∂L/∂net of L = ½(1 − u_5)²
U3, U4 = sig(4), sig(0)
U5 = sig(-4 + 2 * U3 + 4 * U4)
D5 = (U5 - 1) * U5 * (1 - U5)
D3 = D5 * 2 * U3 * (1 - U3)


@pytest.mark.parametrize("prime", ["\\sigma'(net_3)", *(pytest.param(p, marks=pytest.mark.slow)
                                                         for p in ("\\sigma^{\\prime}(net_3)", "f'(net_3)", "σ'(net_3)"))])
def test_sigma_prime_inside_working_is_g_prime(tmp_path, prime):
    a = tmp_path / "q.md"
    a.write_text(f"$\\delta_3 = \\delta_5 w_{{35}}\\, {prime} = {D3:.4f}$\n", encoding="utf-8")
    got = items(run("check", XOR, a, "--format", "json", "--part", "sigmoid"))["delta_3"]
    assert got["status"] == "correct" and not got["message"], got


@pytest.mark.slow
def test_sigma_prime_on_a_relu_unit_names_its_activation(tmp_path):
    a = tmp_path / "q.md"
    a.write_text("$\\delta_3 = \\delta_5 w_{35} \\sigma'(net_3) = 6$\n", encoding="utf-8")
    r = run("check", XOR, a, "--part", "relu")
    assert "unit 3's activation is ReLU" in r.output and "unknown symbol" not in r.output, r.output
    r = run("check", XOR, a, "--part", "relu", "--lang", "zh")
    assert "单元 3 的激活函数是 ReLU" in r.output, r.output


@pytest.mark.slow
def test_sigma_prime_in_a_general_rule(tmp_path):
    a = tmp_path / "g.yaml"
    a.write_text('sigmoid:\n  delta_output: "(u_k - z_k) \\\\sigma\'(net_k)"\n'
                 '  delta_hidden: "\\\\sigma\'(net_j) \\\\sum_k w_{jk} \\\\delta_k"\n'
                 'relu:\n  delta_output: "(u_k - z_k) \\\\sigma\'(net_k)"\n', encoding="utf-8")
    r = run("check", XOR, a, "--format", "json")
    parts = {p["part"]: {i["id"]: i for i in p["items"]} for p in json.loads(r.output)["parts"]}
    assert parts["sigmoid"]["delta_output"]["status"] == "correct"
    assert parts["sigmoid"]["delta_hidden"]["status"] == "correct"
    relu = parts["relu"]["delta_output"]
    assert relu["status"] == "unreadable" and "ReLU" in relu["message"], relu


def test_unicode_superscript_letters_are_read(tmp_path):
    # w_35^new = w_35 − η·δ_5·u_3 = 2 − D5·U3 (η = 1)
    new = 2 - D5 * U3
    a = tmp_path / "li.md"
    a.write_text(f"u₃ ＝ {U3:.4f}\nw₃₅ᵒˡᵈ ＝ 2\nw₃₅ⁿᵉʷ ＝ {new:.4f}\n", encoding="utf-8")
    r = run("check", XOR, a, "--format", "json", "--part", "sigmoid")
    got = items(r)
    assert got["new_w_3_5"]["status"] == "correct" and got["act_3"]["status"] == "correct"
    problems = json.loads(r.output)["not_read"]
    assert any("line 2" in p and "w_{35}^{old}" in p for p in problems), r.output


def test_values_are_said_as_written_in_yaml(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text("sigmoid:\n  u_4: {value: 0.5}\n  u_5: true\n  delta_5: null\n", encoding="utf-8")
    r = run("check", XOR, a)
    assert "got {value: 0.5}" in r.output and "got true" in r.output and "got null" in r.output, r.output
    assert "True" not in r.output and "None" not in r.output and "'value'" not in r.output
    assert shown([None, False, {"a b": 1}]) == "[null, false, {'a b': 1}]"


def test_a_list_of_one_is_a_scalar_in_a_graph_answers_file(tmp_path):
    # circuit.yaml: q = x + y = −2 + 5 = 3, f = q·z = 3·(−4) = −12
    a = tmp_path / "c.yaml"
    a.write_text('q: [3]\nf: [[-12]]\ngrad_x: [[1, 2], [3]]\n', encoding="utf-8")
    got = items(run("check", CIRCUIT, a, "--format", "json"))
    assert got["q"]["status"] == "correct" and got["q"]["given"] == "[3]", got["q"]
    assert got["f"]["status"] == "correct", got["f"]
    assert got["grad_x"]["given"] == "[[1, 2], [3]]", got["grad_x"]
    a.write_text('q: [4]\n', encoding="utf-8")
    assert items(run("check", CIRCUIT, a, "--format", "json"))["q"]["status"] == "wrong"
