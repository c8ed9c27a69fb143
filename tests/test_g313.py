"""Session 13, task G3 (trial t16, items 2, 11, 15, 18).

2. Graphs follow through from the student's own rounded values as a network does: ∂f/∂s worked from their
   f = 0.73 (σ'(s) = f(1 − f), tanh'(s) = 1 − f²) is right from their rounded earlier values, and so is what
   follows from it, their steps left out carried; a wrong f gives follow-through.
11. The tool's own graph solution with loss dot(d, d)/2 reads back with no note (`\\frac{d·d}{2}`, `d·d/2`).
15. A rule with a wrong name in it (x_0 · 0.1971 for ∂f/∂w1 = x_1 · ∂f/∂b) says which name, and the right value
    at the problem's precision; a rule is never called "substituted numbers".
18. `derive` of a graph shows a vector gradient's value once (`= d = [2; -2.5] (2×1)`).
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main
from conftest import assert_full_marks_no_notes, check_json, own_solution_report, report_items

DATA = Path(__file__).parent / "data" / "g313"
GATES = DATA / "sigmoid_gates.yaml"     # t16's p/sigmoid_gates.yaml: f = σ(w0·x0 + w1·x1 + w2)
MLPG = DATA / "mlpg.yaml"               # t16's p/mlpg.yaml: relu MLP as a graph, L = dot(d, d)/2


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# -- 2: follow-through from rounded values ----------------------------------------------------------------
# by hand: s = 2·(−1) + (−3)·(−2) − 3 = 1, f = σ(1) = 0.731059, ∂f/∂s = σ(1)(1 − σ(1)) = 0.196612.
# The student's f = 0.73 stands for any f in [0.725, 0.735]: f(1 − f) from 0.194775 to 0.199375, so their
# 0.73 × 0.27 = 0.1971 is right from it, though 5 units off the true 0.1966 at 4 places.
SIG1 = _sigmoid(1.0)


def test_the_numbers_are_as_said():
    assert abs(SIG1 * (1 - SIG1) - 0.196612) < 1e-6
    assert round(SIG1 * (1 - SIG1), 4) != 0.1971 and 0.735 * 0.265 < 0.1971 < 0.725 * 0.275


@pytest.mark.parametrize("answers", ["round_g.yaml", "round_g2.yaml"])
def test_a_graph_value_from_the_students_rounded_value_is_right(answers):
    items = report_items(check_json(GATES, DATA / answers))
    assert items["f"]["status"] == "imprecise"
    assert items["grad_s"]["status"] == "correct", items["grad_s"]
    assert "right from your rounded earlier values" in items["grad_s"]["message"]


@pytest.mark.slow
def test_the_network_control_says_the_same():
    items = report_items(check_json(DATA / "mitchell.yaml", DATA / "round_net.yaml"))
    assert "right from your rounded earlier values" in items["gprime_7"]["message"], items


def test_what_follows_from_it_and_the_steps_left_out_follow_through_as_right_and_a_wrong_operand_is_named():
    items = report_items(check_json(GATES, DATA / "rex.md"))
    # ∂f/∂c = ∂f/∂s = 0.1971, ∂f/∂w0 = x_0 · ∂f/∂a with ∂f/∂a (left out) = 0.1971: −0.1971, ∂f/∂x0 = 2 × 0.1971,
    # ∂f/∂w2 = 0.1971: each right from their 0.1971, none follow-through, none wrong
    for qid in ("grad_s", "grad_c", "grad_w0", "grad_x0", "grad_w2"):
        assert items[qid]["status"] == "correct", items[qid]
        assert "rounded earlier" in items[qid]["message"], items[qid]
    # 15: ∂f/∂w1 = x_1 · ∂f/∂b = −2 × 0.196612 = −0.393224, shown at the problem's 4 places; x_0 named
    w1 = items["grad_w1"]
    assert w1["status"] == "wrong" and "substituted numbers" not in w1["message"]
    assert "uses x0 where x1 belongs" in w1["message"] and "-0.3932" in w1["message"], w1
    assert "-0.393224" not in w1["message"]


def _graph(tmp_path: Path, fn: str) -> Path:
    p = tmp_path / f"{fn}.yaml"
    p.write_text(f"title: one node\nmodel: graph\ninputs: {{w: 1, x: 1}}\nnodes:\n  u: w*x\n  f: {fn}(u)\noutput: f\n",
                 encoding="utf-8")
    return p


def test_tanh_and_a_wrong_value_follow_through_likewise(tmp_path):
    # by hand: u = 1, f = tanh(1) = 0.761594, ∂f/∂u = 1 − tanh²(1) = 0.419974; the student's f = 0.76 stands
    # for [0.755, 0.765], 1 − f² from 0.414775 to 0.429975: 1 − 0.76² = 0.4224 is right from it
    t = math.tanh(1.0)
    assert abs((1 - t * t) - 0.419974) < 1e-6 and round(1 - 0.76 ** 2, 4) == 0.4224
    prob = _graph(tmp_path, "tanh")
    ans = tmp_path / "a.yaml"
    ans.write_text("f: 0.76\ngrad_u: 0.4224\n", encoding="utf-8")
    assert report_items(check_json(prob, ans))["grad_u"]["status"] == "correct"
    # a value not from theirs (0.4400 is outside [0.4148, 0.4300]) stays wrong
    ans.write_text("f: 0.76\ngrad_u: 0.4400\n", encoding="utf-8")
    assert report_items(check_json(prob, ans))["grad_u"]["status"] == "wrong"
    # a wrong f (σ(1) written 0.75): ∂f/∂s = 0.75 × 0.25 = 0.1875 follows through from it, as a network's g'
    ans.write_text("f: 0.75\ngrad_u: 0.1875\n", encoding="utf-8")
    items = report_items(check_json(_graph(tmp_path, "sigmoid"), ans))
    assert items["f"]["status"] == "wrong" and items["grad_u"]["status"] == "follow_through", items


# -- 15: a wrong name in a rule ---------------------------------------------------------------------------
def test_a_wrong_operand_in_a_rule_of_names_and_one_not_found(tmp_path):
    ans = tmp_path / "a.yaml"
    ans.write_text("grad_w1: 'x_0 \\cdot \\frac{\\partial f}{\\partial b} = -0.1966'\n"
                   "grad_x0: 'w_1 \\cdot 0.1966 = -0.5898'\n"
                   "grad_w0: 'x_0 \\cdot 0.3 = -0.3'\n", encoding="utf-8")
    items = report_items(check_json(GATES, ans))
    assert "uses x0 where x1 belongs" in items["grad_w1"]["message"], items["grad_w1"]
    # ∂f/∂x0 = w_0 · ∂f/∂a = 2 × 0.196612 = 0.393224
    assert "uses w1 where w0 belongs" in items["grad_x0"]["message"] and "0.3932" in items["grad_x0"]["message"]
    # x_0 · 0.3: no one name fits (0.3 is no rounding of 0.1966): what the rule gives, as a rule, not numbers
    w0 = items["grad_w0"]["message"]
    assert "belongs" not in w0 and "substituted numbers" not in w0 and "-0.1966" in w0, w0


# -- 11: the tool's own solution with dot(d, d)/2 ---------------------------------------------------------
@pytest.mark.parametrize("fmt,suffix", [("markdown", ".md"), pytest.param("latex", ".tex", marks=pytest.mark.slow),
                                        pytest.param("text", ".txt", marks=pytest.mark.slow)])
def test_the_own_solution_with_a_halved_dot_product_reads_back_with_no_note(tmp_path, fmt, suffix):
    report = own_solution_report(MLPG, tmp_path / f"mlpg{suffix}", "--format", fmt)
    assert_full_marks_no_notes(report)
    # L = (2² + 2.5²)/2 = 5.125 (d = s − t = (3, −2.5) − (1, 0)), its numbers a judged link
    assert "numbers" in [lk["kind"] for lk in report_items(report)["L"]["links"]]


def test_wrong_numbers_over_a_number_are_judged_not_passed_over(tmp_path):
    ans = tmp_path / "l.txt"
    ans.write_text("L = d·d/2 = [2; -2.5]·[2; 2.5]/2 = 5.125\n", encoding="utf-8")
    links = report_items(check_json(MLPG, ans))["L"]["links"]
    # (2·2 + (−2.5)·2.5)/2 = −1.125, not 5.125: the numbers link judged wrong, never unread
    assert [lk["kind"] for lk in links] == ["rule", "numbers", "value"] and not links[1]["ok"], links


# -- 18: derive ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("problem,name,value", [
    # by hand: d = x + b = (1 + 0.5, 2 − 1) = (1.5, 1), ∂L/∂b = d for L = d·d/2
    ("title: tiny\nmodel: graph\ninputs:\n  x: [1, 2]\n  b: [0.5, -1]\nparameters: [b]\nnodes:\n  d: x + b\n"
     "  L: dot(d, d)/2\n", "b", "[1.5; 1]"),
    # by hand: z = (1.5, −3, 2), h = (1.5, 0, 2), s = (3, −2.5), d = s − t = (2, −2.5)
    pytest.param(None, "b2", "[2; -2.5]", marks=pytest.mark.slow)])
def test_derive_shows_a_vector_value_once(tmp_path, problem, name, value):
    path = MLPG
    if problem is not None:
        path = tmp_path / "v.yaml"
        path.write_text(problem, encoding="utf-8")
    r = CliRunner().invoke(main, ["derive", str(path)])
    assert r.exit_code == 0, r.output
    line = next(x for x in r.output.splitlines() if x.strip().startswith(f"∂L/∂{name} ="))
    assert line.count(value) == 1 and line.endswith(f"= d = {value} (2×1)"), line
