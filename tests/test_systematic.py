"""Negated δs: the other convention or a sign slip, decided by what follows from them; and a
systematic mistake (η left out, the updated weight used) charged once. Expected values are worked
out here by hand from the student's numbers."""
import json
import math

import pytest
from conftest import PROBLEMS

from symbackprop.answers import Grader, Rubric
from symbackprop.problem import parse_problem

XOR = PROBLEMS / "xor.yaml"


def sig(v):
    return 1 / (1 + math.exp(-v))


U3, U4 = sig(4), sig(0)
U5 = sig(2 * U3 + 4 * U4 - 4)
D5 = -(1 - U5) * U5 * (1 - U5)                 # this problem's δ = ∂L/∂net
GP3, GP4 = U3 * (1 - U3), U4 * (1 - U4)


def check(grader, tmp_path, part, answers, name="a.yaml"):
    f = tmp_path / name
    if isinstance(answers, str):
        f.write_text(answers, encoding="utf-8")
    else:
        f.write_text(json.dumps({part: answers}), encoding="utf-8")
    reports, problems = grader.check(f, part)
    return reports[0]


def by_qid(report):
    return {v.qid: v for v in report.verdicts}


def relu_sign_slip():
    """ReLU part, every step, δ_5 = −3 (it is 3), everything after it from −3 by this problem's
    rules Δw = −η δ x, w^new = w + Δw (η = 1)."""
    d5 = -3
    d3 = d5 * 2 * 1
    a = {"net_3": 4, "net_4": 0, "u_3": 4, "u_4": 0, "net_5": 4, "u_5": 4, "L": 4.5, "gprime_5": 1,
         "delta_5": d5, "update_w_0_5": -d5 * 1, "update_w_3_5": -d5 * 4, "update_w_4_5": 0,
         "new_w_0_5": -4 - d5, "new_w_3_5": 2 - d5 * 4, "new_w_4_5": 4,
         "gprime_3": 1, "gprime_4": 0, "delta_3": d3, "delta_4": 0,
         "update_w_0_3": -d3, "update_w_1_3": -d3, "update_w_2_3": 0, "new_w_0_3": 1 - d3, "new_w_1_3": 3 - d3}
    assert (a["update_w_0_5"], a["update_w_3_5"], a["new_w_3_5"]) == (3, 12, 14)
    return a


def test_a_sign_slip_in_the_output_delta_is_not_the_other_convention(grader, tmp_path):
    answers = relu_sign_slip()
    r = check(grader, tmp_path, "relu", answers)
    v = by_qid(r)
    assert v["delta_5"].status == "wrong" and v["delta_5"].diagnosis == "sign", v["delta_5"]
    assert r.first_error == "delta_5"
    for q in ("update_w_0_5", "update_w_3_5", "new_w_3_5", "delta_3", "update_w_1_3", "new_w_1_3"):
        assert v[q].status == "follow_through" and "δ_5" in v[q].message, (q, v[q])
    assert not any(x.status == "other_convention" for x in r.verdicts)
    assert r.score == len(answers) - 1 and r.score < r.max_score


@pytest.mark.parametrize("d5", [round(-D5, 4), round(-D5, 6)])
def test_a_sign_slip_in_the_sigmoid_part_follows_through(grader, tmp_path, d5):
    dw35 = round(-1 * d5 * U3, 4)                # this problem's rule applied to the negated δ
    d3 = round(d5 * 2 * GP3, 4)
    r = check(grader, tmp_path, "sigmoid", {"delta_5": d5, "update_w_3_5": dw35, "new_w_3_5": round(2 + dw35, 4),
                                            "delta_3": d3, "update_w_1_3": round(-d3, 4)})
    v = by_qid(r)
    assert v["delta_5"].diagnosis == "sign" and v["delta_5"].status == "wrong"
    assert r.first_error == "delta_5"
    assert all(v[q].status == "follow_through" for q in ("update_w_3_5", "new_w_3_5", "delta_3", "update_w_1_3"))
    assert r.score == 4


def test_the_other_convention_with_right_updates_gets_full_credit(grader, tmp_path):
    d5, d3, d4 = -D5, -D5 * 2 * GP3, -D5 * 4 * GP4
    r = check(grader, tmp_path, "sigmoid", {"delta_5": round(d5, 4), "update_w_3_5": round(d5 * U3, 4),
                                            "delta_3": round(d3, 4), "delta_4": round(d4, 4),
                                            "update_w_1_3": round(d3, 4), "new_w_1_3": round(3 + d3, 4)})
    assert r.score == 6 and r.first_error is None
    assert {v.status for v in r.verdicts} == {"other_convention", "correct"}


def test_one_delta_with_a_right_update_is_the_convention(grader, tmp_path):
    r = check(grader, tmp_path, "sigmoid", {"delta_5": round(-D5, 4), "update_w_0_5": round(-D5, 4)})
    assert by_qid(r)["delta_5"].status == "other_convention" and r.score == 2


def test_one_delta_alone_gives_both_readings_and_no_credit(grader, tmp_path):
    r = check(grader, tmp_path, "sigmoid", {"delta_5": round(-D5, 4)})
    v = by_qid(r)["delta_5"]
    assert v.status == "wrong" and "sign slip, or" in v.message and r.score == 0


CONV2 = """Sigmoid part

$\\delta_5 = (z_1 - u_5) u_5 (1-u_5) = 0.1272$

$\\Delta w_{35} = \\eta \\delta_5 u_3 = 1 \\times 0.1272 \\times 0.9820 = 0.1249$
"""

SUN_LI = r"""Sigmoid part. I use $\delta = -\partial L/\partial net$.
\[ \delta_5 = (z_1 - u_5) u_5 (1-u_5) = (1-0.4910)\times 0.4910 \times 0.5090 = 0.1272 \]
\[ \delta_3 = \delta_5 w_{35} u_3 (1-u_3) = 0.1272 \times 2 \times 0.0177 = 0.0045 \]
\[ \delta_4 = 0.1272 \times 4 \times 0.25 = 0.1272 \]
\[ \Delta w_{35} = \eta \delta_5 u_3 = 0.1272 \times 0.9820 = 0.1249 \]
\[ \Delta w_{13} = 0.0045 \]
"""


@pytest.mark.parametrize("text, n", [(CONV2, 2), (SUN_LI, 5)])
def test_a_write_up_in_the_other_convention_gets_full_credit(grader, tmp_path, text, n):
    # by hand: (1 − 0.4910)·0.4910·0.5090 = 0.1272 = −δ_5; 0.1272·0.9820 = 0.1249 = Δw_35 = −η δ_5 u_3
    assert abs((1 - 0.4910) * 0.4910 * 0.5090 - 0.1272) < 5e-5 and abs(0.1272 * 0.9820 - 0.1249) < 5e-5
    r = check(grader, tmp_path, "sigmoid", text, "a.md" if text is CONV2 else "a.tex")
    assert r.score == n == len(r.verdicts), [(v.qid, v.status, v.message) for v in r.verdicts]
    assert not any("sign slip" in v.message or not lk.ok for v in r.verdicts for lk in v.links)


def test_this_problems_rule_with_a_lost_sign_is_a_sign_slip(grader, tmp_path):
    # −(1 − 0.4910)·0.2499 = −0.1272: the working is this problem's δ, the value 0.1272 lost its sign
    assert abs(-(1 - 0.4910) * 0.2499 - (-0.1272)) < 5e-5
    text = "Sigmoid part\n\n$\\delta_5 = -(z_1 - u_5) g'(net_5) = -(1 - 0.4910)\\cdot 0.2499 = 0.1272$\n"
    r = check(grader, tmp_path, "sigmoid", text, "a.md")
    v = by_qid(r)["delta_5"]
    assert v.status == "wrong" and v.diagnosis == "sign" and r.first_error == "delta_5"


@pytest.fixture(scope="module")
def half_eta(tmp_path_factory):
    text = XOR.read_text(encoding="utf-8").replace("learning_rate: 1", "learning_rate: 0.5")
    g = Grader(parse_problem(text, str(tmp_path_factory.mktemp("p") / "xor_half.yaml")), Rubric())
    yield g
    g.close()


@pytest.mark.slow
def test_eta_left_out_everywhere_is_charged_once(half_eta, tmp_path):
    # ReLU, η = 0.5, δ_5 = 3, δ_3 = 6; the student's Δw = −δ x (no η)
    answers = {"delta_5": 3, "update_w_0_5": -3, "update_w_3_5": -12, "delta_3": 6, "update_w_0_3": -6,
               "update_w_1_3": -6}
    r = check(half_eta, tmp_path, "relu", answers)
    v = by_qid(r)
    assert v["update_w_0_5"].status == "wrong" and v["update_w_0_5"].diagnosis == "eta_missing"
    for q in ("update_w_3_5", "update_w_0_3", "update_w_1_3"):
        assert v[q].status == "follow_through" and v[q].diagnosis == "eta_missing" and "charged once" in v[q].message
    assert r.first_error == "update_w_0_5" and r.score == 5


def test_updated_weight_in_backprop_is_charged_once(grader, tmp_path):
    # sigmoid: the student's δ_3, δ_4 use w_35^new = 2 − δ_5 u_3 and w_45^new = 4 − δ_5 u_4
    w35, w45 = 2 - D5 * U3, 4 - D5 * U4
    r = check(grader, tmp_path, "sigmoid", {"delta_5": round(D5, 4), "delta_3": round(D5 * w35 * GP3, 4),
                                            "delta_4": round(D5 * w45 * GP4, 4)})
    v = by_qid(r)
    assert v["delta_3"].status == "wrong" and v["delta_3"].diagnosis == "updated_weight"
    assert v["delta_4"].status == "follow_through" and v["delta_4"].diagnosis == "updated_weight"
    assert r.first_error == "delta_3" and r.score == 2


def test_the_old_weight_copied_again_still_earns_nothing(grader, tmp_path):
    r = check(grader, tmp_path, "relu", {"new_w_0_5": -4, "new_w_3_5": 2})
    assert r.score == 0
