"""Session 13, issue 12 (h3): activation parameters in rules, sections for parts that do not exist, slips named.

7. α, the problem's own ELU parameter (and a leaky ReLU's slope), is read in a student's rule at the file's
   value; the branch that applies here written alone (g' = αe^{net} for net ≤ 0) is right; α left out of g'
   is named.
8. An answers-file section for a part that does not exist is said ("no part of this name; the parts are main"):
   a note beside a valid section, exit 2 when it is all the file has.
9. Slips named: binary cross-entropy's two terms swapped (−ln y for a target of 0), a shared weight's gradient
   with one edge's term only, and `delta5^(1)` (did you mean δ_5^(1)?).

Values are worked out by hand here (math), never taken from the tool.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main

DATA = Path(__file__).resolve().parent / "data" / "h313"
ELU = DATA / "elu_bce.yaml"            # 2-2-1, ELU (α = 0.5) hidden, sigmoid output, BCE, batch of 2
SOFTPLUS = DATA / "softplus.yaml"      # shared v on w_24 and w_34, loss none (f = u_4)


def _check(problem: Path, tmp_path: Path, text: str, name: str = "a.yaml") -> tuple[int, dict | str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(problem), str(path), "--format", "json"])
    try:
        return result.exit_code, json.loads(result.output)
    except ValueError:
        return result.exit_code, result.output


def _items(report: dict) -> dict[str, dict]:
    return {it["id"]: it for part in report["parts"] for it in part["items"]}


def _sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# By hand, elu_bce.yaml: sample 1 x = (1, 1), sample 2 x = (−1, 0.5); bias input 1.
# net_3 = 0.2 + 0.5 x1 − 1.0 x2: −0.3 (sample 1), −0.8 (sample 2); net_4 = −0.3 − 0.4 x1 + 0.6 x2: −0.1, 0.4.
NET3 = (0.2 + 0.5 - 1.0, 0.2 - 0.5 - 0.5)
NET4 = (-0.3 - 0.4 + 0.6, -0.3 + 0.4 + 0.3)


def _elu(x, a=0.5):
    return x if x > 0 else a * (math.exp(x) - 1)


@pytest.mark.slow
def test_alpha_read_in_rules_every_spelling(tmp_path):
    g = 0.5 * math.exp(NET3[0])                      # ELU's g' for net ≤ 0: αe^net = y + α
    assert abs(g - (_elu(NET3[0]) + 0.5)) < 1e-12
    for rule in (r"\alpha e^{net_3^{(1)}}", r"α e^{net_3^{(1)}}", r"alpha e^{net_3^{(1)}}",
                 r"y_3^{(1)} + \alpha", r"\mathrm{alpha} \cdot e^{net_3^{(1)}}"):
        code, report = _check(ELU, tmp_path, f"\"g'(net_3^{{(1)}})\": '{rule} = {g:.4f}'\n")
        item = _items(report)["gprime_3@1"]
        assert item["status"] == "correct", (rule, item)
        assert item["links"][0]["kind"] == "rule" and item["links"][0]["ok"], (rule, item)
        assert "unknown symbol" not in json.dumps(report)


@pytest.mark.slow
def test_alpha_branch_that_does_not_apply_is_wrong(tmp_path):
    # net_4^(2) = 0.4 > 0: g' = 1 there, and αe^{net} = 0.5 e^{0.4} is not it
    assert NET4[1] > 0
    wrong = 0.5 * math.exp(NET4[1])
    code, report = _check(ELU, tmp_path, f"\"g'(net_4^{{(2)}})\": '\\alpha e^{{net_4^{{(2)}}}} = {wrong:.4f}'\n")
    assert _items(report)["gprime_4@2"]["status"] == "wrong"


def test_alpha_in_a_delta_rule(tmp_path):
    # sample 2: y_3 = 0.5(e^{-0.8} − 1), y_4 = 0.4; net_5 = 0.1 + 0.8 y_3 − 0.7 y_4; δ_5 = t − y_5 = −y_5
    y3, y4 = _elu(NET3[1]), _elu(NET4[1])
    d5 = 0 - _sig(0.1 + 0.8 * y3 - 0.7 * y4)
    d3 = d5 * 0.8 * (y3 + 0.5)
    text = f"'\\delta_3^{{(2)}}': '\\delta_5^{{(2)}} w_{{53}} (y_3^{{(2)}} + \\alpha) = {d3:.4f}'\n"
    code, report = _check(ELU, tmp_path, text)
    item = _items(report)["delta_3@2"]
    assert item["status"] == "correct" and item["links"][0]["ok"], item


@pytest.mark.slow
def test_leaky_slope_read_as_alpha_and_slope(tmp_path):
    leaky = tmp_path / "leaky.yaml"
    leaky.write_text(ELU.read_text(encoding="utf-8").replace("{name: elu, alpha: 0.5}", "{name: leaky_relu, slope: 0.2}"),
                     encoding="utf-8")
    y3, y4 = 0.2 * NET3[0], 0.2 * NET4[0]            # both nets < 0 in sample 1
    d5 = 1 - _sig(0.1 + 0.8 * y3 - 0.7 * y4)
    d3 = d5 * 0.8 * 0.2
    for letter in (r"\alpha", r"\mathrm{slope}"):
        text = f"'\\delta_3^{{(1)}}': '\\delta_5^{{(1)}} w_{{53}} {letter} = {d3:.4f}'\n"
        code, report = _check(leaky, tmp_path, text)
        item = _items(report)["delta_3@1"]
        assert item["status"] == "correct" and item["links"][0]["ok"], (letter, item)


def test_alpha_left_out_named(tmp_path):
    code, report = _check(ELU, tmp_path, f"\"g'(net_3^{{(1)}})\": 'e^{{net_3^{{(1)}}}} = {math.exp(NET3[0]):.4f}'\n")
    item = _items(report)["gprime_3@1"]
    assert item["status"] == "wrong"
    assert "α = 0.5 is left out" in item["links"][0]["message"], item


def test_section_for_no_part_beside_a_valid_one(tmp_path):
    code, report = _check(ELU, tmp_path, "main:\n  J: 0.5957\nsigmoid:\n  J: 1\n")
    assert code == 1          # something was not read: exit 1, as for any key that is not read (never 2)
    assert report["not_read"] == ["sigmoid: no part of this name; the parts are main"]
    assert _items(report)["loss"]["status"] == "correct"


def test_section_for_no_part_alone_is_exit_2(tmp_path):
    code, out = _check(ELU, tmp_path, "sigmoid:\n  J: 1\n")
    assert code == 2
    assert "sigmoid: no part of this name; the parts are main" in out and "Traceback" not in out
    code, out = _check(ELU, tmp_path, "mian:\n  J: 0.5957\n")
    assert code == 2 and "(did you mean main?)" in out


def test_flat_answers_still_read(tmp_path):
    # a flat file (no part section) with a quantity key is not a stray section
    code, report = _check(ELU, tmp_path, "J: 0.5957\n")
    assert code == 0 and not report.get("not_read")


def test_glued_subscript_did_you_mean(tmp_path):
    code, report = _check(ELU, tmp_path, "delta5^(1): 0.4926\nnet3^(1): -0.3\n'y_5^{(1)}': 0.5074\n")
    notes = report["not_read"]
    assert any("delta5^(1)" in n and "did you mean δ_5^(1)?" in n for n in notes), notes
    assert any("net3^(1)" in n and "did you mean net_3^(1)?" in n for n in notes), notes


def test_bce_terms_swapped_named(tmp_path):
    # sample 2 has t = 0: J^(2) = −ln(1 − y_5^(2)); −ln y_5^(2) is the t = 1 term
    y5 = _sig(0.1 + 0.8 * _elu(NET3[1]) - 0.7 * _elu(NET4[1]))
    code, report = _check(ELU, tmp_path, f"'J^{{(2)}}': '-\\ln y_5^{{(2)}} = {-math.log(y5):.4f}'\n")
    item = _items(report)["loss@2"]
    assert abs(item["expected"] - -math.log(1 - y5)) < 1e-9
    assert item["status"] == "wrong" and "swapped" in item["links"][0]["message"], item
    # sample 1 has t = 1: −ln(1 − y) is the other way round
    y5 = _sig(0.1 + 0.8 * _elu(NET3[0]) - 0.7 * _elu(NET4[0]))
    code, report = _check(ELU, tmp_path, f"'J^{{(1)}}': '-\\ln(1 - y_5^{{(1)}}) = {-math.log(1 - y5):.4f}'\n")
    assert "swapped" in _items(report)["loss@1"]["links"][0]["message"]


def test_shared_weight_one_edge_named(tmp_path):
    # softplus.yaml: u_2 = ln(1 + e^{net_2}), net_2 = 1.5·2 − 0.5 (bias input −1) = 2.5; f = u_4 = σ(net_4);
    # ∂f/∂v = δ_4 (u_2 + u_3) with δ_4 = σ'(net_4); δ_4 u_2 alone is the w_24 edge's term
    u2, u3 = math.log(1 + math.exp(2.5)), math.log(1 + math.exp(-2 + 0.5))
    net4 = 0.4 * u2 + 0.4 * u3 - 0.2
    d4 = _sig(net4) * (1 - _sig(net4))
    code, report = _check(SOFTPLUS, tmp_path, f"'\\frac{{\\partial f}}{{\\partial v}}': '\\delta_4 u_2 = {d4 * u2:.4f}'\n")
    item = _items(report)["grad_shared_v"]
    assert abs(item["expected"] - d4 * (u2 + u3)) < 1e-9
    message = item["links"][0]["message"]
    assert item["status"] == "wrong" and "only one edge of the shared weight" in message and "w_{24}" in message, item


def test_relu_branch_alone_and_a_zero_branch(tmp_path):
    relu = tmp_path / "relu.yaml"
    relu.write_text(ELU.read_text(encoding="utf-8").replace("{name: elu, alpha: 0.5}", "relu"), encoding="utf-8")
    # sample 2: net_3 = −0.8 (inactive), net_4 = 0.4 (active); y_3 = 0, y_4 = 0.4; δ_4 = δ_5 w_54 · 1
    d5 = 0 - _sig(0.1 + 0.8 * 0 - 0.7 * 0.4)
    text = f"'\\delta_4^{{(2)}}': '\\delta_5^{{(2)}} w_{{54}} = {d5 * -0.7:.4f}'\n"
    code, report = _check(relu, tmp_path, text)
    item = _items(report)["delta_4@2"]
    assert item["status"] == "correct" and item["links"][0]["ok"], item
    # sample 1: both hidden units inactive, δ_3 = 0; a rule with δ_5 left out also gives 0 there, and is
    # not taken as right on that branch (a zero quantity tells no rule from another)
    code, report = _check(relu, tmp_path, "'\\delta_3^{(1)}': \"w_{53} g'(net_3^{(1)}) = 0\"\n")
    assert not _items(report)["delta_3@1"]["links"][0]["ok"], _items(report)["delta_3@1"]
