"""Issue 10 (student trial): follow-through never credits a value a right-but-rounded earlier value
cannot give, and the working shown decides between an arithmetic slip and follow-through.

A written value that is a correct rounding of the true value (u_3 = 0.98 for σ(4) = 0.98201) stands
for a value between what was written and the true value, so g'(net_3) = u_3(1 − u_3) may lie between
0.98201 × 0.01799 = 0.017666 and 0.98 × 0.02 = 0.0196 (widened by half a unit in the 4 places asked),
never in the ±half-a-unit interval of 0.98 (0.0148 … 0.0244). Only a wrong value keeps ±half a unit.
All expected numbers are computed here with `math`.
"""
import math
import re

import pytest
import yaml


GOOD = ("correct", "follow_through")
U3 = 1 / (1 + math.exp(-4))                      # σ(4) = 0.98201
U4 = 0.5
U5 = 1 / (1 + math.exp(-(-4 + 2 * U3 + 4 * U4)))
D5 = -(1 - U5) * U5 * (1 - U5)                    # δ_5 = −(t − u_5) g'(net_5), t = 1
G3 = U3 * (1 - U3)
D3 = D5 * 2 * G3                                  # w_35 = 2
HALF = 0.00005


def check(grader, tmp_path, answers, name="a.yaml"):
    f = tmp_path / name
    if name.endswith(".md"):
        f.write_text(answers, encoding="utf-8")
    else:
        f.write_text(yaml.safe_dump({"sigmoid": answers}), encoding="utf-8")
    reports, problems = grader.check(f, "sigmoid")
    assert problems == []
    return {v.qid: v for v in reports[0].verdicts}


def between(value, a, b):
    return min(a, b) - HALF <= value <= max(a, b) + HALF


def test_the_hand_computed_values():
    assert round(G3, 4) == 0.0177 and round(0.98 * 0.02, 4) == 0.0196
    assert round(D3, 4) == -0.0045 and round(D5, 4) == -0.1272


@pytest.mark.parametrize("gp", ["0.0100", "0.0150", "0.0230", "0.0240", "0.0172", "0.0201", "0.0244"])
@pytest.mark.slow
def test_a_value_a_right_rounding_cannot_give_is_wrong(grader, tmp_path, gp):
    """The trial's a3 files (0.0150, 0.0230, 0.0240 were "right from your rounded earlier values")."""
    assert not between(float(gp), G3, 0.98 * 0.02)
    got = check(grader, tmp_path, {"u_3": 0.98, "g'(net_3)": gp})
    assert got["act_3"].status == "imprecise"
    assert got["gprime_3"].status == "wrong", got["gprime_3"]
    assert got["gprime_3"].credit == 0


@pytest.mark.parametrize("gp", ["0.0177", "0.0185", "0.0196"])
def test_a_value_between_the_written_and_the_true_values_stays_right(grader, tmp_path, gp):
    assert between(float(gp), G3, 0.98 * 0.02)
    got = check(grader, tmp_path, {"u_3": 0.98, "g'(net_3)": gp})
    assert got["gprime_3"].status == "correct", got["gprime_3"]


@pytest.mark.parametrize("u3, gp, ok", [
    ("0.982", "0.0177", True),        # 0.982 × 0.018 = 0.017676
    ("0.982", "0.0180", False),       # within ±0.0005 of 0.982 (0.0172 … 0.0182), not between 0.982 and 0.98201
    ("0.982", "0.0174", False),
    ("0.9820", "0.0177", True),
    ("0.9820", "0.0178", False),
])
def test_other_roundings_of_u3(grader, tmp_path, u3, gp, ok):
    got = check(grader, tmp_path, {"u_3": u3, "g'(net_3)": gp})
    lo_hi = (G3, float(u3) * (1 - float(u3)))
    assert between(float(gp), *lo_hi) == ok
    assert (got["gprime_3"].status in GOOD) == ok, got["gprime_3"]


@pytest.mark.parametrize("item, key, value, ok", [
    # δ_3 = δ_5 w_35 g'(net_3), g' unwritten: between −0.1272·2·0.017666 and −0.1272·2·0.0196
    ("delta_3", "delta_3", "-0.0047", True),
    ("delta_3", "delta_3", "-0.0050", True),      # −0.004986: what 0.98 itself gives
    ("delta_3", "delta_3", "-0.0052", False),     # within the old ±half-a-unit spread (−0.0038 … −0.0062)
    ("delta_3", "delta_3", "-0.0040", False),
    # Δw_13 = −η δ_3 x_1 (η = 1, x_1 = 1), δ_3 and g' unwritten
    ("update_w_1_3", "\\Delta w_{13}", "0.0048", True),
    ("update_w_1_3", "\\Delta w_{13}", "0.0053", False),
    ("update_w_1_3", "\\Delta w_{13}", "0.0039", False),
    # w_13^new = 3 + Δw_13
    ("new_w_1_3", "w_{13}^{new}", "3.0048", True),
    ("new_w_1_3", "w_{13}^{new}", "3.0053", False),
    ("new_w_1_3", "w_{13}^{new}", "3.0040", False),
])
def test_later_steps_from_a_rounded_right_value(grader, tmp_path, item, key, value, ok):
    lo, hi = sorted((-D5 * 2 * G3, -round(D5, 4) * 2 * 0.98 * 0.02))     # |δ_3| from the true and the written
    size = abs(float(value)) - (3 if item == "new_w_1_3" else 0)
    assert (lo - HALF <= size <= hi + HALF) == ok
    got = check(grader, tmp_path, {"u_3": 0.98, "delta_5": round(D5, 4), key: value})
    assert (got[item].status in GOOD) == ok, got[item]
    if not ok:
        assert got[item].credit == 0


def test_a_wrong_value_keeps_half_a_unit_either_side(grader, tmp_path):
    """u_3 = 0.9933 (σ(5): net_3 wrong) is the source of a follow-through: σ(5)(1 − σ(5)) = 0.006648 and
    0.9933 × 0.0067 = 0.006655 both follow (0.0066 and 0.0067)."""
    for gp in ("0.0066", "0.0067"):
        got = check(grader, tmp_path, {"u_3": "0.9933", "g'(net_3)": gp})
        assert got["act_3"].status == "wrong"
        assert got["gprime_3"].status == "follow_through", got["gprime_3"]


# -- the working shown decides --------------------------------------------------------------------
@pytest.mark.parametrize("line, gives", [
    ("g'(net_3) = 0.98 \\times (1-0.98) = 0.0230", "0.0196"),      # the trial's w7.md
    ("g'(net_3) = 0.98 \\times 0.02 = 0.0215", "0.0196"),
    ("g'(net_3) = 0.98 \\times (1-0.98) = 0.0150", "0.0196"),
])
def test_a_chain_with_wrong_arithmetic_is_judged_on_it(grader, tmp_path, line, gives):
    got = check(grader, tmp_path, f"Sigmoid\n\nu_3 = 0.98\n{line}\n", "w.md")
    v = got["gprime_3"]
    assert v.status == "wrong" and v.diagnosis == "arithmetic", v
    assert f"arithmetic: the numbers give {gives}" in v.message


def test_rounded_numbers_and_a_value_from_full_precision_are_right(grader, tmp_path):
    """0.98 × 0.02 written, 0.0177 from σ(4) at full precision: the numbers stand for 0.98201 and 0.01799."""
    got = check(grader, tmp_path, "Sigmoid\n\nu_3 = 0.98\ng'(net_3) = 0.98 \\times 0.02 = 0.0177\n", "w.md")
    assert got["gprime_3"].status == "correct", got["gprime_3"]


DELTA5 = "δ_5 = -(1 - 0.491) \\times 0.2499 = -0.1275"


@pytest.mark.parametrize("before", ["u_5 = \\frac{1}{1+e^{0.04}} = 0.4900", "u_5 = 0.4900", "u_5 = 0.4910",
                                    "u_5 = 0.4920"])
def test_delta5_slip_is_arithmetic_whatever_came_before(grader, tmp_path, before):
    """w2/w3/w4.md: the numbers give −0.1272 (they use 0.491 and g'(net_5) = 0.2499), so −0.1275 is an
    arithmetic slip — never "g'(net_4) used where g'(net_5) belongs", never a follow-through of u_5."""
    assert round(-(1 - 0.491) * 0.2499, 4) == -0.1272
    got = check(grader, tmp_path, f"Sigmoid\n\n{before}\n{DELTA5}\n", "w.md")
    v = got["delta_5"]
    assert v.status == "wrong" and v.diagnosis == "arithmetic", v
    assert v.message.startswith("arithmetic: the numbers give -0.1272"), v.message
    assert "g'(net_4)" not in v.message


@pytest.mark.slow
def test_the_trials_w2_writeup(grader, tmp_path):
    text = ("Sigmoid 部分\n\n解：u_3 = \\sigma(4) = 0.98\nu_4 = \\sigma(0) = 0.5\n"
            "net_5 = -4 + 2 \\times 0.98 + 4 \\times 0.5 = -0.04\nu_5 = \\frac{1}{1+e^{0.04}} = 0.4900\n"
            "L = \\frac12 (1 - 0.49)^2 = 0.1301\ng'(net_5) = 0.49 \\times 0.51 = 0.2499\n"
            "δ_5 = -(1 - 0.491) \\times 0.2499 = -0.1275\n"
            "Δw_{35} = -\\eta \\delta_5 u_3 = -1 \\times (-0.1275) \\times 0.98 = 0.1250\n"
            "w_{35}^{new} = 2 + 0.1250 = 2.1250\ng'(net_3) = 0.98 \\times 0.02 = 0.0196\n"
            "δ_3 = -0.1275 \\times 2 \\times 0.0196 = -0.0050\n"
            "Δw_{13} = -\\eta δ_3 x_1 = -1 \\times (-0.0050) \\times 1 = -0.0050\n")
    got = check(grader, tmp_path, text, "w2.md")
    assert got["delta_5"].diagnosis == "arithmetic"
    assert got["update_w_3_5"].status == "follow_through" and got["new_w_3_5"].status == "follow_through"
    assert got["gprime_3"].status == "correct"                  # 0.98 × 0.02: between 0.0177 and 0.0196
    assert got["delta_3"].status == "follow_through"            # from the student's δ_5 = −0.1275
    # the numbers give +0.0050 and −0.0050 is written: the sign lost after the working
    assert got["update_w_1_3"].status == "wrong" and got["update_w_1_3"].diagnosis == "sign"
    assert re.search(r"the numbers give 0\.0050?,", got["update_w_1_3"].message)    # as message numbers are shown
