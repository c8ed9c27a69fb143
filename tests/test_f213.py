"""Session 13, user trial t15 items 2 and 4 (task F2): a tie of two diagnoses decided by the rule the answer
writes, and follow-through named after the earlier error that explains the value.

The inputs are trimmed copies of the trial's (tests/data/f213/). Every expected number is worked out here by
hand from the givens (math.tanh, math.exp), never by the code under test.
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from symbackprop.answers import Grader, Rubric
from symbackprop.grade import StudentResult, summary_text
from symbackprop.problem import load_problem

DATA = Path(__file__).resolve().parent / "data" / "f213"

# tanh.yaml (2-3-1, tanh hidden, identity output, ½(t − z)², η = 0.5, δ = −∂E/∂net):
# net_3 = 0.1 + 0.5·1 + 0.2·(−2) = 0.2, net_4 = −0.1 − 0.3 − 0.8 = −1.2, net_5 = 0.2 + 0.8 + 1.0 = 2
Y3, Y4, Y5 = math.tanh(0.2), math.tanh(-1.2), math.tanh(2.0)
Z6 = 0.3 + 0.6 * Y3 - 0.7 * Y4 + 0.9 * Y5          # identity output: z_6 = net_6 = 1.8696, g'(net_6) = 1
D6 = 0.5 - Z6                                       # δ_6 = t − z = −1.3696
D3 = D6 * 0.6 * (1 - Y3 ** 2)                       # δ_3 = δ_6·w_63·g'(net_3) = −0.7898
NO_GPRIME = D6 * 0.6                                # δ_6·w_63: g'(net_3) left out, or g'(net_6) = 1 used: −0.8218
DW63 = 0.5 * D6 * Y3                                # Δw_63 = η·δ_6·y_3 = −0.1352


def test_hand_values():
    assert round(D6, 4) == -1.3696 and round(D3, 4) == -0.7898 and round(NO_GPRIME, 4) == -0.8218
    assert round(DW63, 4) == -0.1352 and round(2 * DW63, 4) == -0.2703


@pytest.fixture(scope="module")
def tanh():
    g = Grader(load_problem(DATA / "tanh.yaml"), Rubric())
    yield g
    g.close()


def _check(grader: Grader, path: Path):
    reports, _ = grader.check(path)
    return reports, {v.qid: v for r in reports for v in r.verdicts}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def _rule_words(v) -> str:
    return " ".join(str(lk.message) for lk in v.links if lk.kind == "rule")


# -- item 2: δ_3 = δ_6·w_63 with an identity output --------------------------------------------------------
def test_report_case_gprime_missing_alone(tanh):
    """cy.yaml: the rule writes no g' at all, so it is g'(net_3) left out, not g'(net_6) used for it: in the
    table, the rule line and the class summary."""
    reports, got = _check(tanh, DATA / "cy.yaml")
    v = got["delta_3"]
    assert v.status == "wrong" and v.diagnosis == "gprime_missing", v
    assert "g'(net_3) left out" in str(v.message)
    assert "wrong unit" not in str(v.message) and "each gives" not in str(v.message)
    rule = _rule_words(v)
    assert "g'(net_3) left out" in rule and "wrong unit" not in rule, rule
    summary = summary_text([StudentResult("cy", str(DATA / "cy.yaml"), reports)])
    assert "gprime_missing" in summary and "wrong_unit" not in summary, summary
    # Δw_31 = η·δ_3·x_1 from the student's δ_3: follows through (one mistake, charged once)
    assert got["update_w_1_3"].status == "follow_through"


def test_rule_that_writes_the_output_gprime_is_the_wrong_unit(tanh, tmp_path):
    f = _write(tmp_path, "a.yaml", '"\\\\delta_3": "\\\\delta_6 w_{63} g\'(net_6) = -1.3696 \\\\times 0.6 '
                                   '\\\\times 1 = -0.8218"\n')
    _, got = _check(tanh, f)
    v = got["delta_3"]
    assert v.diagnosis == "wrong_unit", v
    assert "g'(net_6) used where g'(net_3) belongs" in str(v.message) and " or " not in str(v.message)
    assert "g'(net_6) used" in _rule_words(v) and "left out" not in _rule_words(v)


def test_no_rule_written_both_said(tanh, tmp_path):
    _, got = _check(tanh, _write(tmp_path, "b.yaml", f"delta_3: {NO_GPRIME:.4f}\n"))
    v = got["delta_3"]
    assert v.status == "wrong" and v.diagnosis in ("wrong_unit", "gprime_missing")
    text = str(v.message)
    assert "g'(net_6) used where g'(net_3) belongs" in text and "g'(net_3) left out" in text
    assert "each gives this value" in text


def test_eta_written_or_not_decides(tanh, tmp_path):
    """η = ½ and the loss's ½: twice Δw_63 (δ_6 not written) is η left out or the loss's ½ left out. The rule
    η·δ_6·y_3 writes η (so: the ½); δ_6·y_3 leaves it out; a bare number says both."""
    twice = f"{2 * DW63:.4f}"
    cases = {"\\\\eta \\\\delta_6 y_3": "half_missing", "\\\\delta_6 y_3": "eta_missing", None: None}
    for n, (rule, code) in enumerate(cases.items()):
        text = f'"\\\\Delta w_{{63}}": "{rule} = {twice}"\n' if rule else f'"\\\\Delta w_{{63}}": {twice}\n'
        _, got = _check(tanh, _write(tmp_path, f"e{n}.yaml", text))
        v = got["update_w_3_6"]
        assert v.status == "wrong", v
        if code is None:
            assert "each gives this value" in str(v.message), v
        else:
            assert v.diagnosis == code and "each gives" not in str(v.message), (rule, v)


# -- item 4: follow-through named after the error that explains the value ---------------------------------
def test_batch_follow_through_from_the_delta_not_the_harmless_slip():
    """kai.md: y_5^(2) = 0.4558 is one unit off (0.4559) but changes neither δ_5^(2) nor Δw_35 at 4 places;
    both are halved by the 2 of the square left out, charged at δ_5^(1)."""
    # by hand: net_3^(1) = −0.8 + 0.5 + 0.4 = 0.1, net_4^(1) = −0.8 + 0.9 + 1 = 1.1; net_3^(2) = −0.8 + 0.4 = −0.4,
    # net_4^(2) = −0.8 + 1 = 0.2; net_5 = −0.3 − 1.2·y_3 + 1.1·y_4; δ_5 = 2(yd − y)·y(1 − y)
    s = lambda x: 1 / (1 + math.exp(-x))            # noqa: E731
    y3 = [s(0.1), s(-0.4)]
    y5 = [s(-0.3 - 1.2 * y3[0] + 1.1 * s(1.1)), s(-0.3 - 1.2 * y3[1] + 1.1 * s(0.2))]
    assert (round(y5[1], 4), round(0.4558, 4)) == (0.4559, 0.4558)
    half = [(t - y) * y * (1 - y) for t, y in zip((0, 1), y5)]                  # the 2 left out
    with_slip = (1 - 0.4558) * 0.4558 * (1 - 0.4558)
    assert round(half[1], 4) == round(with_slip, 4) == 0.1350                     # the slip changes nothing
    dw35_half = 0.1 * 0.5 * (half[0] * y3[0] + half[1] * y3[1])
    assert round(dw35_half, 4) == -0.0004
    g = Grader(load_problem(DATA / "neg_batch_shared.yaml"), Rubric())
    try:
        _, got = _check(g, DATA / "kai.md")
    finally:
        g.close()
    assert got["act_5@2"].status == "wrong"
    assert got["delta_5@1"].diagnosis == "square_two_missing"
    for qid in ("delta_5@2", "update_w_3_5"):
        v = got[qid]
        assert v.status == "follow_through", v
        assert "δ_5^(1)" in str(v.message) and "y_5^(2)" not in str(v.message), v
    assert got["update_w_3_5"].source == "delta_5@1"


@pytest.fixture(scope="module")
def one_sample():
    g = Grader(load_problem(DATA / "one_sample.yaml"), Rubric())
    yield g
    g.close()


# one_sample.yaml: the batch file's first sample alone. y_3 = σ(0.1) = 0.5250, y_5 = 0.4739,
# δ_5 = 2(0 − y_5)·y_5(1 − y_5) = −0.2363; the 2 left out: −0.1181; Δw_35 = α·δ_5·y_3 with α = 0.1
def _one_sample_values():
    s = lambda x: 1 / (1 + math.exp(-x))            # noqa: E731
    y3 = s(0.1)
    y5 = s(-0.3 - 1.2 * y3 + 1.1 * s(1.1))
    return y3, -y5 * y5 * (1 - y5)


@pytest.mark.parametrize("dw", ["-0.0062", '"\\\\alpha \\\\delta_5 y_3 = 0.1 \\\\times (-0.1181) \\\\times 0.5251 = -0.0062"'])
def test_one_sample_follow_through_from_the_delta(one_sample, tmp_path, dw):
    """y_3 = 0.5251 one unit off, δ_5 without the 2: α·δ_5·y_3 = −0.0062 with y_3 = 0.5251 or 0.5250, so it
    follows from δ_5 (its 2 left out), not from y_3, the first error."""
    y3, d5 = _one_sample_values()
    assert round(y3, 4) == 0.5250 and round(d5, 4) == -0.1181
    assert round(0.1 * -0.1181 * 0.5251, 4) == round(0.1 * -0.1181 * y3, 4) == -0.0062
    f = _write(tmp_path, "n.yaml", f'y_3: 0.5251\ndelta_5: -0.1181\n"\\\\Delta w_{{35}}": {dw}\n')
    _, got = _check(one_sample, f)
    assert got["act_3"].status == "wrong"
    v = got["update_w_3_5"]
    assert v.status == "follow_through" and v.source == "delta_5", v
    assert "δ_5" in str(v.message) and "y_3" not in str(v.message)


def test_one_sample_earlier_error_that_matters_is_named(one_sample, tmp_path):
    """The control: y_3 = 0.6000 does change Δw_35 (0.1 × −0.1181 × 0.6 = −0.0071, not −0.0062), so both
    errors explain it and the earlier one, y_3, is named."""
    assert round(0.1 * -0.1181 * 0.6, 4) == -0.0071
    _, got = _check(one_sample, _write(tmp_path, "c.yaml", 'y_3: 0.6000\ndelta_5: -0.1181\n"\\\\Delta w_{35}": -0.0071\n'))
    v = got["update_w_3_5"]
    assert v.status == "follow_through" and v.source == "act_3", v
