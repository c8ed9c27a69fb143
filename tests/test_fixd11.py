"""Session 11 (fixd), issue 12 / trial t11 #4, #13, #5: a graph diagnosis holds only where it is true.

#4: a sign slip or a factor 2 or ½ must hold at the places the value is written with (the mistake's value
rounded half away from zero, and not when the number is the right value rounded); "shows no digit of the
value" as for a network. #13: a slip from the student's own values names a value they wrote. #5: a wrong
rule whose value their own numbers give is "working wrong", not "rounded wrongly".
"""
from __future__ import annotations

from conftest import check_graph

from symbackprop.answers.compare import Tolerance
from symbackprop.answers.graph_diagnose import diagnose_graph_value, rounds_half_up_to

# Karpathy's micrograd neuron (trial t11): ∂o/∂x1 = −1.5 exactly, o = 0.7071, ∂o/∂n = 0.5
MICROGRAD = """
model: graph
inputs: {x1: 2.0, x2: 0.0, w1: -3.0, w2: 1.0, b: 6.8813735870195432}
nodes:
  x1w1: x1*w1
  x2w2: x2*w2
  x1w1x2w2: x1w1 + x2w2
  n: x1w1x2w2 + b
  o: tanh(n)
output: o
"""
# the trial's two-step scalar RNN: ∂L/∂a2 = −2.23158, ∂L/∂w = −1.69958
RNN = """
model: graph
inputs: {w: 0.5, u: 1, v: 2, h0: 0, x1: 1, x2: -1, y0: 0.5}
parameters: [w, u, v]
nodes: {a1: w*h0 + u*x1, h1: tanh(a1), a2: w*h1 + u*x2, h2: tanh(a2), y: v*h2, L: 0.5*(y - y0)^2}
"""
# the graphs of this file, for the module's graph_checker_of (conftest.py)
SOURCES = {"micrograd": MICROGRAD, "rnn": RNN}
TOL = Tolerance()


def test_a_factor_or_sign_holds_only_at_the_places_written():
    # −(−1.5) = 1.5 is 2 at 0 places (half away from zero), never 1
    assert diagnose_graph_value(1.0, 0, -1.5, TOL) is None
    assert diagnose_graph_value(2.0, 0, -1.5, TOL)[0] == "sign"
    assert diagnose_graph_value(1.5, 1, -1.5, TOL)[0] == "sign"
    assert diagnose_graph_value(1.4, 1, -1.5, TOL) is None
    # 2 × 0.75 = 1.5 is 2 at 0 places; 1 is 0.75 itself rounded (no digit shown), not twice it
    assert diagnose_graph_value(1.0, 0, 0.75, TOL) is None
    assert diagnose_graph_value(2.0, 0, 0.75, TOL)[0] == "factor_two"
    assert diagnose_graph_value(1.5, 1, 0.75, TOL)[0] == "factor_two"
    # a number exactly the mistake's value is that mistake, however few places (the network's rule)
    assert diagnose_graph_value(-1.0, 0, -0.5, TOL)[0] == "factor_two"
    # written to the places asked: as before
    assert diagnose_graph_value(1.5, 4, -1.5, TOL)[0] == "sign"
    assert diagnose_graph_value(0.3750, 4, 0.75, TOL)[0] == "factor_half"


def test_rounding_half_away_from_zero():
    assert rounds_half_up_to(2.0, 0, 1.5) and not rounds_half_up_to(1.0, 0, 1.5)
    assert rounds_half_up_to(-2.0, 0, -1.5) and not rounds_half_up_to(-1.0, 0, -1.5)
    assert rounds_half_up_to(0.18, 2, 0.175) and not rounds_half_up_to(0.17, 2, 0.175)
    assert rounds_half_up_to(1.0, 0, 1.2) and not rounds_half_up_to(2.0, 0, 1.2)
    assert not rounds_half_up_to(1.5, 0, 1.5)      # not a number of 0 places


def test_micrograd_values_at_zero_places(graph_checker_of, tmp_path):
    v = check_graph(graph_checker_of(SOURCES["micrograd"]), tmp_path, "dx1: 1\n").verdicts["grad_x1"]
    assert v.status == "wrong" and v.diagnosis != "sign"
    assert "sign" not in str(v.message) and "mistakes the checker knows" in str(v.message)
    v = check_graph(graph_checker_of(SOURCES["micrograd"]), tmp_path, "dx1: 2\n").verdicts["grad_x1"]
    assert v.status == "wrong" and v.diagnosis == "sign"
    # the write-up: the rule (x_1 where w_1 belongs) is the whole mistake; 2 × 0.5 = 1 is no sign slip
    text = ("$\\frac{\\partial o}{\\partial n} = 0.5$\n\n"
            "$\\frac{\\partial o}{\\partial x_1} = x_1 \\cdot \\frac{\\partial o}{\\partial n} = 2 \\times 0.5 = 1$\n")
    v = check_graph(graph_checker_of(SOURCES["micrograd"]), tmp_path, text, ".md").verdicts["grad_x1"]
    assert v.status == "wrong" and v.diagnosis == "rule" and "sign" not in str(v.message)
    # o = 0.7071 written as 1: the right value rounded to 0 places, which shows none of its digits
    v = check_graph(graph_checker_of(SOURCES["micrograd"]), tmp_path, "o: 1\n").verdicts["o"]
    assert v.status == "wrong" and "shows no digit of the value" in str(v.message)


def test_an_own_slip_names_the_value_the_student_wrote(graph_checker_of, tmp_path):
    """#13: bob wrote ∂o/∂n = 0.2929 (wrong) and left ∂o/∂x1w1 out; his ∂o/∂w1 = −0.5858 is the sign of
    what his ∂o/∂n gives, and the message cites ∂o/∂n, never the carried ∂o/∂x1w1."""
    text = ("$\\frac{\\partial o}{\\partial n} = 1 - o = 1 - 0.7071 = 0.2929$\n\n"
            "$\\frac{\\partial o}{\\partial w_1} = x_1 \\cdot 0.2929 = -0.5858$\n")
    v = check_graph(graph_checker_of(SOURCES["micrograd"]), tmp_path, text, ".md").verdicts["grad_w1"]
    message = str(v.message)
    assert v.status == "wrong" and v.diagnosis == "sign"
    assert "∂o/∂n = 0.2929" in message and "0.5858" in message
    assert "x1w1" not in message


def test_a_wrong_rule_right_from_own_numbers_is_working_wrong(graph_checker_of, tmp_path):
    """#5: −2.2315 × 0.7616 = −1.69951 → −1.6995 (true −1.69958): the rule (time step 1 left out) is the
    mistake, with the same verdict as −1.6996, and the value is right from the student's numbers."""
    head = 'dL/da2: "-3.2023 \\\\times (1 - (-0.5506)^2) = -2.2315"\n'
    rule = 'dL/dw: "\\\\frac{\\\\partial L}{\\\\partial a_2} h_1 = -2.2315 \\\\times 0.7616 = %s"\n'
    own = check_graph(graph_checker_of(SOURCES["rnn"]), tmp_path, head + rule % "-1.6995").verdicts["grad_w"]
    right = check_graph(graph_checker_of(SOURCES["rnn"]), tmp_path, head + rule % "-1.6996").verdicts["grad_w"]
    assert own.status == right.status == "slip" and own.diagnosis == right.diagnosis == "working"
    assert own.credit == right.credit
    assert "rounded wrongly" not in str(own.message)
    assert "the rule does not give" in str(own.message) and "right from your rounded earlier values" in str(own.message)
    # a value the numbers do not give stays wrong, charged to the rule
    off = check_graph(graph_checker_of(SOURCES["rnn"]), tmp_path, head + rule % "-1.6997").verdicts["grad_w"]
    assert off.status == "wrong"


def test_the_tools_own_zero_place_solution_gets_no_factor_verdict(graph_checker_of, tmp_path):
    """#4: `solve --precision 0` writes a2 = 0.5 × 0.8 + 1 × (−1) ≈ −1: the rounding of its numbers (−0.6),
    which is also twice what h1 = 1 gives (−0.5), is no "twice the expected value"; a2 (−0.6192) and h1
    (0.7616) show no digit at 0 places."""
    v = check_graph(graph_checker_of(SOURCES["rnn"]), tmp_path,
                    'h1: 1\na2: "0.5 \\\\times 0.8 + 1 \\\\times (-1) \\\\approx -1"\n').verdicts
    for qid in ("h1", "a2"):
        assert v[qid].status == "wrong" and v[qid].diagnosis not in ("factor_two", "factor_half", "sign")
        assert "shows no digit of the value" in str(v[qid].message)
