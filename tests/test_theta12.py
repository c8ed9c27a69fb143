"""Session 12, task Z2 (user trial t14, items 3 and 9).

3. On a threshold network (`bias_input: -1`) θ_j, Δθ_j, θ_j^new and ∂E/∂θ_j name the bias weight w_{0j}'s
   quantities (the solution says θ_j = w_{0j}); a rule that writes x_0 is not "the bias input taken as +1";
   a write-up with no equation is refused with an example in the problem's own symbols (y_3, not u_3).
9. A name that is no quantity inside working (`\\alpha \\delta_{44} x_2`) gets the did-you-mean an
   answers-file key gets (δ_4).

Expected values are worked here by a float forward/backward pass of Negnevitsky's XOR step (his book:
y_5 = 0.5097, δ_5 = −0.1274, Δθ_5 = 0.0127), never read from the solver.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main

SLOW = pytest.mark.slow
THRESHOLD = "problems/threshold.yaml"      # notation to_from, u, J: θ_5 = w_{50}
NEG = (Path(__file__).resolve().parent / "data" / "negnevitsky.yaml").read_text(encoding="utf-8")   # thresholds, α = 0.1


def _by_hand():
    """Negnevitsky's step by floats: net_j = Σ w·x − θ_j, δ = −∂E/∂net, Δθ_j = α·δ_j·(−1)."""
    s = lambda v: 1 / (1 + math.exp(-v))
    y3, y4 = s(0.5 + 0.4 - 0.8), s(0.9 + 1.0 + 0.1)
    y5 = s(-1.2 * y3 + 1.1 * y4 - 0.3)
    d5 = (0 - y5) * y5 * (1 - y5)
    d4 = y4 * (1 - y4) * 1.1 * d5
    return {"d5": d5, "d4": d4, "dtheta5": 0.1 * d5 * -1, "dtheta4": 0.1 * d4 * -1, "dE_dtheta5": -d5 * -1}


def _check(tmp_path, text, suffix=".md", problem=None, *extra):
    p = tmp_path / "p.yaml"
    p.write_text(NEG, encoding="utf-8")
    a = tmp_path / f"a{suffix}"
    a.write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["check", problem or str(p), str(a), *extra])


def _items(result):
    return {i["name"]: i for i in json.loads(result.output)["parts"][0]["items"]}


def test_hand_values_are_the_book_s():
    h = _by_hand()
    assert round(h["d5"], 4) == -0.1274 and round(h["dtheta5"], 4) == 0.0127 and round(h["d4"], 4) == -0.0147


def test_theta_names_read_as_the_bias_weight(tmp_path):
    h = _by_hand()
    text = (f"$\\Delta \\theta_5 = {h['dtheta5']:.4f}$\n\n$\\theta_5^{{new}} = {0.3 + h['dtheta5']:.4f}$\n\n"
            f"$\\frac{{\\partial E}}{{\\partial \\theta_5}} = {h['dE_dtheta5']:.4f}$\n\n"
            f"$\\Delta \\theta_4 = \\alpha \\delta_4 x_0 = {h['dtheta4']:.4f}$\n")
    r = _check(tmp_path, text, ".md", None, "--format", "json")
    assert r.exit_code == 0, r.output
    items = _items(r)
    assert {n: i["status"] for n, i in items.items()} == \
        {"Δw_{05}": "correct", "w_{05}^new": "correct", "∂E/∂w_{05}": "correct", "Δw_{04}": "correct"}


@SLOW
def test_trial_jo_threshold_plus_one_diagnosed(tmp_path):
    # t14 cls/neg/jo.md: Δθ_5 = αδ_5·1 (the bias input taken as +1) gives −0.0127, not +0.0127
    text = ("$\\Delta \\theta_5 = \\alpha \\delta_5 \\cdot 1 = 0.1 \\times (-0.1274) = -0.0127$\n\n"
            "$\\theta_5^{new} = 0.3 - 0.0127 = 0.2873$\n\nΔθ_3 = -0.0038\n")
    r = _check(tmp_path, text, ".md", None, "--format", "json")
    assert r.exit_code == 1, r.output
    items = _items(r)
    assert items["Δw_{05}"]["status"] == "wrong" and "+1" in json.dumps(items["Δw_{05}"], ensure_ascii=False)
    assert items["w_{05}^new"]["status"] == "follow_through"
    assert items["Δw_{03}"]["status"] == "correct"


@SLOW
def test_theta_on_to_from_problem(tmp_path):
    h = _by_hand()
    r = _check(tmp_path, f"$\\Delta \\theta_5 = {h['dtheta5']:.4f}$\n", ".md", THRESHOLD, "--format", "json")
    assert r.exit_code == 0, r.output
    assert _items(r)["Δw_{50}"]["status"] == "correct"


@SLOW
def test_rule_with_x0_is_not_bias_plus_one(tmp_path):
    # t14 cls/neg/ivan.tex in the other δ convention (δ = ∂E/∂net, so δ_4 = +0.0147): −α δ_4 x_0 is right
    h = _by_hand()
    text = ("\\[ \\delta_5 = (y_5 - t_5) y_5 (1 - y_5) = %.4f \\]\n"
            "\\[ \\delta_4 = \\delta_5 w_{45} y_4 (1 - y_4) = %.4f \\]\n"
            "\\[ \\Delta \\theta_4 = -\\alpha \\delta_4 x_0 = -0.1 \\times %.4f \\times (-1) = %.4f \\]\n"
            % (-h["d5"], -h["d4"], -h["d4"], h["dtheta4"]))
    r = _check(tmp_path, text, ".tex", None, "--format", "json")
    item = _items(r)["Δw_{04}"]
    assert item["status"] == "correct", r.output
    assert "+1" not in json.dumps(item, ensure_ascii=False)


@SLOW
def test_theta_not_read_without_thresholds(tmp_path):
    p = tmp_path / "q.yaml"
    p.write_text(NEG.replace("bias_input: -1, ", ""), encoding="utf-8")
    r = _check(tmp_path, "$\\Delta \\theta_5 = 0.0127$\n", ".md", str(p))
    assert r.exit_code == 2 and "no equation names a quantity" in r.output


def test_no_equation_example_in_problem_symbols(tmp_path):
    r = _check(tmp_path, "nothing here\n")
    assert r.exit_code == 2
    assert "like $y_{3} = …$" in r.output and "name: y_3 = …" in r.output and "u_3" not in r.output


@SLOW
def test_no_equation_example_zh(tmp_path):
    r = _check(tmp_path, "nothing here\n", ".md", THRESHOLD, "--lang", "zh")
    assert r.exit_code == 2 and "如 $u_{3} = …$" in r.output and "读取：u_3 = …" in r.output


def test_typo_delta_inside_working_hinted_as_a_key(tmp_path):
    inside = _check(tmp_path, "\\[ \\Delta w_{24} = \\alpha \\delta_{44} x_2 = -0.0015 \\]\n", ".tex")
    assert "\\delta_{44} is not a quantity of this problem (did you mean δ_4?)" in inside.output


@SLOW
def test_typo_delta_as_a_key(tmp_path):
    key = _check(tmp_path, '"\\\\delta_{44}": 0.1\n', ".yaml")
    assert "did you mean δ_4?" in key.output


@SLOW
def test_general_rule_index_hint(tmp_path):
    # from_to: the output weight is w_jk; w_kj is hinted with the rules' own w names
    r = _check(tmp_path, 'delta_hidden: "g\'(net_j) \\\\sum_k w_{kj} \\\\delta_k"\n', ".yaml")
    assert "w_{kj} is not a quantity of these rules" in r.output and "did you mean w_jk or w_ij?" in r.output
