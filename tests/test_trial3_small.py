"""The last user trial's small defects: Δw subtracted (w − Δw) named and charged once, no "first
significant digit" message where the value is 0, and the text table aligned after wide characters."""
from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from symbackprop.answers import check_submission
from symbackprop.cli import main

from conftest import PROBLEMS

XOR = PROBLEMS / "xor.yaml"


def _check(tmp_path, answers: dict, part: str = "relu"):
    f = tmp_path / "a.yaml"
    f.write_text(yaml.safe_dump({part: answers}, allow_unicode=True), encoding="utf-8")
    reports, _ = check_submission(XOR, f, part)
    return {v.qid: v for v in reports[0].verdicts}


def test_delta_w_subtracted_is_named_and_charged_once(tmp_path):
    # relu: w_05 = -4, w_35 = 2, w_45 = 4; Δw_05 = -3, Δw_35 = -12, Δw_45 = 0 (solve --format json)
    got = _check(tmp_path, {"new_w_0_5": -1, "new_w_3_5": 14, "new_w_4_5": 4})    # -4 + 3, 2 + 12, 4 - 0
    assert got["new_w_0_5"].status == "wrong" and got["new_w_0_5"].diagnosis == "update_subtracted"
    assert "Δw subtracted" in got["new_w_0_5"].message
    assert got["new_w_3_5"].status == "follow_through" and "charged once" in got["new_w_3_5"].message
    assert got["new_w_4_5"].status == "correct"                     # Δw = 0: no difference to see


@pytest.mark.slow
def test_a_wrong_value_where_the_value_is_zero_has_no_significant_digit_message(tmp_path):
    got = _check(tmp_path, {"net_4": 1})                              # net_4 = 0 in the relu part
    assert got["net_4"].status == "wrong" and "significant digit" not in got["net_4"].message
    got = _check(tmp_path, {"update_w_4_5": 0}, "sigmoid")           # 0.0636 to 0 places: still said where it is true
    assert "first significant digit" in got["update_w_4_5"].message
    got = _check(tmp_path, {"update_w_4_5": 1}, "sigmoid")           # 1 is no rounding of 0.0636: plainly wrong
    assert got["update_w_4_5"].status == "wrong" and "significant digit" not in got["update_w_4_5"].message


def test_the_text_table_stays_aligned_after_wide_characters(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text(yaml.safe_dump({"relu": {"u_3": 4, "update_w_3_5": "-12左右", "net_4": 0}}, allow_unicode=True),
                 encoding="utf-8")
    out = CliRunner().invoke(main, ["check", str(XOR), str(f), "--part", "relu"]).output
    import unicodedata
    rows = [line for line in out.splitlines() if line.strip().startswith(("u_3", "Δw", "net_4", "item"))]
    width = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)    # noqa: E731
    starts = {width(row[:row.index(word)]) for row in rows for word in ("correct", "verdict") if word in row}
    assert len(rows) == 4 and len(starts) == 1                    # the verdict column starts at one place


def test_a_follow_through_lists_no_numbers_note_for_the_mistake_already_charged():
    """η left out of every Δw (charged once at Δw_05): the later Δw follow through, and their numbers,
    the student's own, are not listed again as "the substituted numbers give 362208, not 362.208"."""
    data = PROBLEMS.parent / "tests" / "data" / "trial3"
    out = CliRunner().invoke(main, ["check", str(data / "big.yaml"), str(data / "e1.md")]).output
    assert "follow-through" in out and "charged once" in out
    assert "substituted numbers give" not in out


@pytest.mark.slow
def test_an_exponent_in_left_right_parentheses_is_read(tmp_path):
    got = _check(tmp_path, {"u_4": r"2^\left(-1\right)", "u_3": r"\left(1+e^{-4}\right)^\left(-1\right)"}, "sigmoid")
    assert got["act_4"].status == "correct" and got["act_3"].status == "correct"    # 0.5 and 0.9820


@pytest.mark.slow
def test_a_value_one_unit_off_in_its_last_place_says_so(tmp_path):
    got = _check(tmp_path, {"u_3": "0.9819", "u_5": "0.4912"}, "sigmoid")         # σ(4) = 0.98201, u_5 = 0.49100
    assert got["act_3"].status == "wrong" and "one unit off in the last place" in got["act_3"].message
    assert "0.9820" in got["act_3"].message
    assert "one unit off" not in got["act_5"].message                              # two units off: no such hint
    got = _check(tmp_path, {"u_3": "4.1"})                                         # fewer places than asked: no hint
    assert got["act_3"].status == "wrong" and "one unit off" not in got["act_3"].message
