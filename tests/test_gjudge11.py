"""Issue 12, session 11 (gjudge): graph answer verdicts trial t10 found wrong (#7, #13, #22, #28).

Every expected value is worked by hand (σ(x) = 1/(1 + e^−x)):
- STAGED, CS231n's f = (x + σ(y))/(σ(x) + (x + y)²) at x = 3, y = −4: σ(−4) = 0.017986, σ(3) = 0.952574,
  den = 1.952574, 1/den = 0.512144, ∂f/∂den = −(x + σ(y))/den² = −0.791593, ∂f/∂(x+y) = 2(x + y)·∂f/∂den
  = 1.583187, ∂f/∂x = 1/den + ∂f/∂den·σ'(3) + ∂f/∂(x+y) = 2.059570 (σ'(3) = 0.045177), ∂f/∂y = 1/den·σ'(−4)
  + ∂f/∂(x+y) = 1.592233 (σ'(−4) = 0.017663);
- LOGREG, J = −y ln h − (1 − y) ln(1 − h), h = σ(θ0 + θ1x1) with θ = (−0.35, 0.8), x1 = 1.5, y = 1: z = 0.85,
  h = 0.700567, J = −ln h = 0.355865 (0.3559), ∂J/∂θ1 = (h − y)x1 = −0.449149 (−0.4491);
- LIN, h = Wx + b, r = h − t, L = ½ r·r with W = [[1, −1, 0.5], [2, 0, −1]], x = (1, 2, 3), b = (0.5, −0.5),
  t = (1, 0): h = (1, −1.5), r = (0, −1.5), L = 1.125, ∂L/∂r = ∂L/∂h = ∂L/∂b = r = (0, −1.5);
- problems/quadratic.yaml: y = 0.5, t = 1, L = (y − t)² = 0.25, ∂L/∂y = ∂L/∂q = 2(y − t) = −1.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_graph

from symbackprop.messages import said

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"

STAGED = """title: staged
model: graph
inputs: {x: 3, y: -4}
nodes:
  sigy: 1/(1 + exp(-y))
  num: x + sigy
  sigx: 1/(1 + exp(-x))
  xpy: x + y
  xpysqr: xpy^2
  den: sigx + xpysqr
  invden: 1/den
  f: num*invden
output: f
"""
# the trial's logistic regression (θ_0 = −0.35, θ_1 = 0.8, x1 = 1.5, y = 1)
LOGREG = (Path(__file__).parent / "data" / "gread11" / "logreg.yaml").read_text(encoding="utf-8")
# the trial's linear layer (h = Wx + b, L = ½‖h − t‖²), one copy for every test file that uses it
LIN = (Path(__file__).parent / "data" / "gread11" / "lin.yaml").read_text(encoding="utf-8")
# the graphs of this file, for the module\'s graph_checker_of (conftest.py)
SOURCES = {"staged": STAGED, "logreg": LOGREG, "lin": LIN, "quadratic": PROBLEMS / "quadratic.yaml"}


def test_the_hand_worked_values(graph_checker_of):
    items = {k: float(v) for k, (v, _) in graph_checker_of(SOURCES["staged"]).items.items()}
    assert round(items["grad_den"], 4) == -0.7916 and round(items["grad_x"], 4) == 2.0596
    assert round(items["grad_y"], 4) == 1.5922
    items = {k: float(v) for k, (v, _) in graph_checker_of(SOURCES["logreg"]).items.items()}
    assert round(items["h"], 4) == 0.7006 and round(items["J"], 4) == 0.3559
    assert round(items["grad_theta1"], 4) == -0.4491
    items = {k: float(v) for k, (v, _) in graph_checker_of(SOURCES["lin"]).items.items()}
    assert [items["h_1"], items["h_2"], items["grad_b_1"], items["grad_b_2"], items["L"]] == [1, -1.5, 0, -1.5, 1.125]


def test_a_value_its_written_numbers_give_is_right_from_them(graph_checker_of, tmp_path):
    """#7: a chain's value that is exactly its substituted (rounded, right) numbers' value to its places."""
    # 0.5121 − 0.7916 × 0.0452 + 1.5832 = 2.05952 → 2.0595 (true 2.05957 → 2.0596); 0.0452 is σ'(3) rounded
    v, _, _ = check_graph(graph_checker_of(SOURCES["staged"]), tmp_path,
                          'df/dx: "0.5121 - 0.7916 \\\\times 0.0452 + 1.5832 = 2.0595"\n'
                          'df/dy: "0.5121 \\\\times 0.0177 + 1.5832 = 1.5924"\n')
    assert v["grad_x"].status == "correct" and v["grad_x"].message == said("diagnosis.rounded_earlier")
    # 0.5121 × 0.0177 + 1.5832 = 1.59226: 1.5924 is not what they give
    assert v["grad_y"].status == "wrong" and v["grad_y"].diagnosis == "arithmetic"
    # f = 3.018 × 0.5121 = 1.545518 → 1.5455 (true 1.545645 → 1.5456)
    v, _, _ = check_graph(graph_checker_of(SOURCES["staged"]), tmp_path, 'f: "3.018 \\\\times 0.5121 = 1.5455"\n')
    assert v["f"].status == "correct"


@pytest.mark.slow
def test_a_logarithm_of_written_numbers(graph_checker_of, tmp_path):
    """#7 (lr_ans.yaml): J = −ln h from the h written (read by latex2sympy2, hence slow)."""
    # J = −ln(0.7006) = 0.355818 → 0.3558 (true 0.355865 → 0.3559), with h not answered or answered right
    for text in ('J: "-\\\\ln(0.7006) = 0.3558"\n', 'h: "\\\\sigma(0.85) = 0.7006"\nJ: "-\\\\ln(0.7006) = 0.3558"\n'):
        v, _, _ = check_graph(graph_checker_of(SOURCES["logreg"]), tmp_path, text)
        assert v["J"].status == "correct" and v["J"].credit == 1
    v, _, _ = check_graph(graph_checker_of(SOURCES["logreg"]), tmp_path, 'J: "-\\\\ln(0.7006) = 0.3557"\n')
    assert v["J"].status == "wrong"
    # from h = 0.701 (right to 3 places) J = −ln(0.701) = 0.355247 → 0.355: imprecise as h is, not "rounded wrongly"
    v, _, _ = check_graph(graph_checker_of(SOURCES["logreg"]), tmp_path, "h: 0.701\nJ: 0.355\n")
    assert v["J"].status == "imprecise" and said("diagnosis.rounded_earlier") in v["J"].message


def test_follow_through_in_full_from_the_numbers_written(graph_checker_of, tmp_path):
    """#7 (bob.yaml): ∂f/∂den's sign slipped; ∂f/∂y from his own values, rounded as he wrote them."""
    # 0.5121 × 0.018 × 0.982 − 1.5832 = −1.574148 → −1.5741 (σ(−4) = 0.018, a right rounding), as bob wrote it
    # 0.5121 × 0.0177 − 1.5832 = −1.574136 → −1.5741 (σ'(−4) = 0.0177) with only ∂f/∂den written: the step at
    # his ∂f/∂den and the true rest is 0.512144 × 0.017663 − 2 × 0.7916 = −1.574154 → −1.5742, one unit away
    for base, chain in (("df/dden: 0.7916\ndf/dxpy: -1.5832\ndf/dsigy: 0.5121\n",
                         "0.5121 \\\\times 0.018 \\\\times (1-0.018) - 1.5832 = -1.5741"),
                        ("df/dden: 0.7916\n", "0.5121 \\\\times 0.0177 - 1.5832 = -1.5741")):
        v, _, [report] = check_graph(graph_checker_of(SOURCES["staged"]), tmp_path, base + f'df/dy: "{chain}"\n')
        assert v["grad_den"].status == "wrong" and v["grad_den"].diagnosis == "sign"
        assert v["grad_y"].status == "follow_through" and v["grad_y"].source == "grad_den"
        assert v["grad_y"].credit == 1 and "rounded wrongly" not in v["grad_y"].message
        assert report.first_error == "grad_den"


def test_a_factor_names_only_a_cause_the_formula_can_have(graph_checker_of, tmp_path):
    """#13: the 2 of a square only on the derivative through a square; a ½ only where a formula has one."""
    v, _, _ = check_graph(graph_checker_of(SOURCES["lin"]), tmp_path, "h: [0.5, -3]\n")
    # h_1 = W_1·x + b_1 = 1 written 0.5; h_2 = −1.5 written −3: no square, no ½ in h's formula
    assert v["h_1"].diagnosis == "factor_half" and v["h_1"].message == said("graph_answers.half_plain")
    assert v["h_2"].diagnosis == "factor_two" and v["h_2"].message == said("graph_answers.twice_plain")
    # ∂L/∂r_2 = r_2 = −1.5 written −3: the ½ of L = 0.5*dot(r, r) left out
    v, _, _ = check_graph(graph_checker_of(SOURCES["lin"]), tmp_path, "dL/dr: [0, -3]\n")
    assert v["grad_r_2"].message == said("graph_answers.twice_half_left", node="L = 0.5*dot(r, r)")
    # quadratic: ∂L/∂y = 2(y − t) = −1 written −0.5 (the 2 of the square); L = 0.25 written 0.125 (a ½ added)
    v, _, _ = check_graph(graph_checker_of(SOURCES["quadratic"]), tmp_path, "dL/dy: -0.5\nL: 0.125\n")
    assert v["grad_y"].message == said("graph_answers.half_of_square", node="L = (y - t)^2")
    assert v["L"].diagnosis == "factor_half" and v["L"].message == said("graph_answers.half_extra",
                                                                         node="L = (y - t)^2")


def test_a_sign_slip_of_the_students_own_value_is_said(graph_checker_of, tmp_path):
    """#13 (lin_ans.yaml): h_1 = 0.5 gives r_1 = −0.5 = ∂L/∂h_1; ∂L/∂b_1 = 0.5 is its sign slipped (true 0)."""
    v, _, _ = check_graph(graph_checker_of(SOURCES["lin"]), tmp_path, "h: [0.5, -1.5]\ndL/dh: [-0.5, -1.5]\ndL/db: [0.5, -1.5]\n")
    assert v["grad_h_1"].status == "follow_through"
    assert v["grad_b_1"].status == "wrong" and v["grad_b_1"].diagnosis == "sign"
    assert v["grad_b_1"].message == said("graph_answers.of_own_written", what=said("diagnosis.sign"),
                                         name="∂L/∂h_1", given="-0.5", value="-0.5")
    assert v["grad_b_2"].status == "correct"
    # L = ½(0.25 + 2.25) = 1.25 from their r = (−0.5, −1.5) follows through; the same numbers with no wrong h
    # written are not right for L = 1.125 (the ½ written 0.5 is no rounding that could move 1.25 to 1.125)
    v, _, _ = check_graph(graph_checker_of(SOURCES["lin"]), tmp_path, 'h: [0.5, -1.5]\nL: "0.5 \\\\times (0.25 + 2.25) = 1.2500"\n')
    assert v["L"].status == "follow_through" and v["L"].source == "h_1"
    v, _, _ = check_graph(graph_checker_of(SOURCES["lin"]), tmp_path, 'L: "0.5 \\\\times (0.25 + 2.25) = 1.2500"\n')
    assert v["L"].status == "wrong"
    # a value that is no slip of their own value stays "none of the mistakes the checker knows"
    v, _, _ = check_graph(graph_checker_of(SOURCES["lin"]), tmp_path, "h: [0.5, -1.5]\ndL/dh: [-0.5, -1.5]\ndL/db: [0.7, -1.5]\n")
    assert v["grad_b_1"].diagnosis is None and v["grad_b_1"].message.startswith(said("diagnosis.unexplained"))


def test_a_quantity_answered_twice_counts_the_worse(graph_checker_of, tmp_path):
    """#22: ∂J/∂θ1 = −0.4491 answered under two keys, one of them −0.4400: the worse counts, either order."""
    right = '"\\\\frac{\\\\partial J}{\\\\partial \\\\theta_1}": -0.4491\n'
    for text in (right + "dJ/dtheta1: -0.4400\n", "dJ/dtheta1: -0.4400\n" + right):
        v, _, [report] = check_graph(graph_checker_of(SOURCES["logreg"]), tmp_path, text)
        assert v["grad_theta1"].status == "wrong" and v["grad_theta1"].given == "-0.4400"
        assert report.notes == (said("graph_answers.twice_worse", id="∂J/∂θ_1", line=2),)
        assert sum(1 for q in report.verdicts if q.qid == "grad_theta1") == 1 and report.score == 0
    v, _, [report] = check_graph(graph_checker_of(SOURCES["logreg"]), tmp_path, right + "dJ/dtheta1: -0.4491\n")
    assert v["grad_theta1"].status == "correct" and report.score == 1


def test_numbers_none_of_the_values_get_a_note(graph_checker_of, tmp_path):
    """#28: `6.5 − 7.5 = −1` gives ∂L/∂q = −1 but none of its numbers is y = 0.5, t = 1 or any other value."""
    v, _, [report] = check_graph(graph_checker_of(SOURCES["quadratic"]), tmp_path, 'dL/dq: "6.5 - 7.5 = -1"\ndL/dy: "2(0.5 - 1) = -1"\n')
    assert v["grad_q"].status == "correct" and v["grad_q"].credit == 1
    assert v["grad_q"].message == said("graph_answers.foreign_numbers", numbers="6.5 - 7.5")
    assert v["grad_y"].status == "correct" and not v["grad_y"].message
    assert report.score == 2
