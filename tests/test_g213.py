"""Session 13, G2 (t16 items 5, 6 and 14).

- 5: a step worked from a MIX of the student's own wrong earlier values and right ones (their g'(net_6)
  with the right δ_7) follows through from the own values kept, and the earlier mistake is not charged
  again; any combination of own and right values counts.
- 6: a value rounded (half up or otherwise) from substituted numbers that are right up to their rounding
  (−0.5 × 0.2951 = −0.14755 → −0.1476) is right "from your rounded earlier values", never "rounded wrongly".
- 14: numbers rounded again to fewer places than asked (0.647 for the student's 0.6465) give a value that is
  imprecise, "rounded too early", never "none of the mistakes the checker knows".
Problems and the trial's answers are copied, trimmed, in tests/data/g213/ (t16 p/ and cls/).
"""
import math
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from symbackprop.answers import check_submission
from symbackprop.messages import catalogue

DATA = Path(__file__).parent / "data" / "g213"
MITCHELL, SOFT = DATA / "mitchell.yaml", DATA / "soft3b.yaml"


def sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# Mitchell 2-2-2-1 sigmoid, worked by hand (bias unit 0 with value 1; w_to_from), x = (0.5, 1), t = 0.9
NET3 = 0.1 + 0.3 * 0.5 - 0.4 * 1
NET4 = -0.2 + 0.6 * 0.5 + 0.2 * 1
O3, O4 = sig(NET3), sig(NET4)
O5, O6 = sig(0.05 + 0.7 * O3 + 0.4 * O4), sig(0.1 - 0.5 * O3 + 0.9 * O4)
NET7 = -0.1 + 1.1 * O5 - 0.8 * O6
O7 = sig(NET7)
D7 = O7 * (1 - O7) * (0.9 - O7)
GP6 = O6 * (1 - O6)
D6 = GP6 * -0.8 * D7


def verdicts(problem, text: str, tmp_path) -> dict:
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    reports, _ = check_submission(problem, path)
    return {v.qid: v for r in reports for v in r.verdicts}


def test_hand_values():
    assert round(O5, 4) == 0.6465 and round(O6, 4) == 0.5953 and round(NET7, 4) == 0.1349
    assert round(D7, 4) == 0.0912 and round(GP6, 4) == 0.2409 and round(D6, 4) == -0.0176
    # the student's: g for g' at δ_7, tanh' at g'(net_6); δ_6 from their g'(net_6) and the RIGHT δ_7
    assert round(O7 * (0.9 - O7), 4) == 0.1955 and round(1 - 0.5953 ** 2, 4) == 0.6456
    assert round(0.6456 * -0.8 * 0.0912, 4) == -0.0471
    assert round(0.6456 * -0.8 * 0.1955, 4) == -0.1010           # all their own values: not what they wrote


# -- item 5 ------------------------------------------------------------------------------------------
def test_mixed_own_and_right_values_follow_through(tmp_path):
    v = verdicts(MITCHELL, (DATA / "kim_mix.yaml").read_text(encoding="utf-8"), tmp_path)
    assert v["delta_7"].status == "wrong" and v["gprime_6"].status == "wrong"
    d6 = v["delta_6"]
    assert d6.status == "follow_through" and d6.credit == 1.0, d6
    assert d6.source == "gprime_6"
    assert "1 - o_6" not in d6.message and "-0.0176" not in " ".join(lk.message for lk in d6.links)


@pytest.mark.slow
def test_mixed_value_alone_and_the_other_mix(tmp_path):
    # the same δ_6 written as a value alone: the mix still explains it
    v = verdicts(MITCHELL, "'\\delta_7': 0.1955\n\"g'(net_6)\": 0.6456\n'\\delta_6': -0.0471\n", tmp_path)
    assert v["delta_6"].status == "follow_through" and v["delta_6"].source == "gprime_6", v["delta_6"]
    # the other combination: the right g'(net_6) with their own δ_7 (0.2409 × −0.8 × 0.1955 = −0.0377)
    assert round(GP6 * -0.8 * 0.1955, 4) == -0.0377
    v = verdicts(MITCHELL, "'\\delta_7': 0.1955\n\"g'(net_6)\": 0.6456\n"
                 "'\\delta_6': \"0.2409 \\\\times (-0.8) \\\\times 0.1955 = -0.0377\"\n", tmp_path)
    assert v["delta_6"].status == "follow_through" and v["delta_6"].source == "delta_7", v["delta_6"]


@pytest.mark.slow
def test_a_value_no_mix_gives_stays_wrong(tmp_path):
    v = verdicts(MITCHELL, "'\\delta_7': 0.1955\n\"g'(net_6)\": 0.6456\n'\\delta_6': -0.0500\n", tmp_path)
    assert v["delta_6"].status == "wrong"


# -- item 6 ------------------------------------------------------------------------------------------
def test_half_up_tie_from_right_numbers_is_right(tmp_path):
    # −0.5 × 0.2951 = −0.14755 exactly: −0.1476 half up, −0.1475 half to even/down; both right
    assert (Decimal("-0.5") * Decimal("0.2951")).quantize(Decimal("0.0001"), ROUND_HALF_UP) == Decimal("-0.1476")
    v = verdicts(SOFT, (DATA / "ned_min2.yaml").read_text(encoding="utf-8"), tmp_path)
    dw = v["update_w_3_6"]
    assert dw.status == "correct" and dw.credit == 1.0, dw
    assert round(dw.expected, 4) == -0.1475                       # the true value rounds the other way
    assert v["new_w_3_6"].status == "correct"


@pytest.mark.slow
def test_tie_other_roundings(tmp_path):
    for written, ok in (("-0.1475", True), ("-0.1477", False)):
        v = verdicts(SOFT, f"'\\frac{{\\partial J}}{{\\partial w_{{36}}}}': 0.2951\n"
                           f"'\\Delta w_{{36}}': '-0.5 \\times 0.2951 = {written}'\n", tmp_path)
        assert (v["update_w_3_6"].status == "correct") is ok, v["update_w_3_6"]


# -- item 14 -----------------------------------------------------------------------------------------
def test_numbers_rounded_again_are_rounded_too_early(tmp_path):
    assert round(-0.1 + 1.1 * 0.647 - 0.8 * 0.595, 4) == 0.1357
    v = verdicts(MITCHELL, (DATA / "jay_net7.yaml").read_text(encoding="utf-8"), tmp_path)
    n7 = v["net_7"]
    assert n7.status == "imprecise" and 0 < n7.credit < 1, n7
    assert "rounded too early" in n7.message and "3 places give 0.1357" in n7.message and "0.1349" in n7.message


@pytest.mark.slow
@pytest.mark.parametrize("chain, status", [
    ("-0.1 + 1.1 \\times 0.6465 - 0.8 \\times 0.5953 = 0.1349", "correct"),     # the places asked: right
    ("-0.1 + 1.1 \\times 0.65 - 0.8 \\times 0.60 = 0.1350", "imprecise"),       # 2 places: 0.135
    ("-0.1 + 1.1 \\times 0.647 - 0.8 \\times 0.595 = 0.1400", "wrong"),          # not what the numbers give
])
def test_rounded_numbers_variants(tmp_path, chain, status):
    assert round(-0.1 + 1.1 * 0.65 - 0.8 * 0.60, 4) == 0.135
    v = verdicts(MITCHELL, f"net_7: '{chain}'\n", tmp_path)
    assert v["net_7"].status == status, v["net_7"]


def test_message_in_both_catalogues():
    for lang in ("en", "zh"):
        assert "diagnosis.rounded_too_early" in catalogue(lang)


@pytest.mark.slow
def test_tie_from_the_written_gradient_without_numbers(tmp_path):
    """The same Δw_36 from the written ∂J/∂w_36 = 0.2951, as a value alone or after the rule only: the
    solution's rule goes through δ and u, so their value is −η times their ∂J/∂w_36 (−0.14755)."""
    head = "'\\frac{\\partial J}{\\partial w_{36}}': 0.2951\n"
    for dw, status in (("-0.1476", "correct"),
                       ("'-\\eta \\frac{\\partial J}{\\partial w_{36}} = -0.1476'", "correct"),
                       ("-0.1477", "wrong")):
        v = verdicts(SOFT, head + f"'\\Delta w_{{36}}': {dw}\n", tmp_path)
        assert v["update_w_3_6"].status == status, (dw, v["update_w_3_6"])
    # shown to fewer places than asked, it stays imprecise (−0.148 for −0.1475)
    v = verdicts(SOFT, head + "'\\Delta w_{36}': -0.148\n", tmp_path)
    assert v["update_w_3_6"].status == "imprecise", v["update_w_3_6"]
