"""Issue 10, values: the rounding allowance belongs only to decimals a student rounded (an exact
expression is right only when its value is), a number in scientific notation is a value with the
places of its value, and a value too large or too small for an answer is reported as out of range.
Every expected value here is computed in the test (Fraction, math), never by the code under test."""
import math
from fractions import Fraction

import pytest
import yaml
from click.testing import CliRunner
from conftest import PROBLEMS

from symbackprop.answers.compare import written_number
from symbackprop.cli import main

XOR = PROBLEMS / "xor.yaml"


# -- the lecture's exercise, computed by hand ------------------------------------------------------
def sigma(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# ReLU part: net_3 = 1 + 3 = 4, net_4 = -6 + 6 = 0, net_5 = -4 + 2·4 + 4·0 = 4, L = ½(1 − 4)²
RELU_L = Fraction(1, 2) * (1 - 4) ** 2
assert RELU_L == Fraction(9, 2)
# sigmoid part
U3 = sigma(4)
U4 = 0.5
U5 = sigma(-4 + 2 * U3 + 4 * U4)
L = 0.5 * (1 - U5) ** 2
G5 = U5 * (1 - U5)
D5 = -(1 - U5) * G5
G3 = U3 * (1 - U3)
D3 = D5 * 2 * G3


def judge(grader, tmp_path, part: str, qid: str, text):
    f = tmp_path / "a.yaml"
    f.write_text(yaml.safe_dump({part: {qid: text}}, allow_unicode=True), encoding="utf-8")
    report = grader.check(f, part)[0][0]
    return next(v for v in report.verdicts if v.qid == qid)


def judge_raw(grader, tmp_path, part: str, qid: str, yaml_value: str):
    """An answers file whose value is written into the YAML as is (a YAML number)."""
    f = tmp_path / "a.yaml"
    f.write_text(f"{part}:\n  {qid}: {yaml_value}\n", encoding="utf-8")
    report = grader.check(f, part)[0][0]
    return next(v for v in report.verdicts if v.qid == qid)


# -- 1. exact numbers get no rounding allowance ----------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("\\sqrt{16}", 4.0),                          # the examples: a root's hidden ½ is no rounded 0.5
    ("\\sqrt{25}", 5.0),
    ("2\\sqrt{5}", 2 * math.sqrt(5)),
    ("0.5 \\cdot 9.8", 0.5 * 9.8),                # ½ of the loss is exact; 9.8 rounds nothing here
    ("16^{0.5}", 4.0),                            # a written exponent is exact too
    ("\\sqrt{16.0}", 4.0),
    ("\\sqrt[3]{64}", 4.0),                       # a root's index
    ("4.4 \\times 1.02", 4.4 * 1.02),             # decimals that round no value of the problem
    ("4.4 + 0.2", 4.6),
    ("\\frac{1}{2}(1 - 4.1)^2", 0.5 * 3.1 ** 2),
])
def test_an_expression_of_exact_numbers_with_another_value_is_wrong(grader, tmp_path, text, value):
    v = judge(grader, tmp_path, "relu", "loss", text)
    assert v.status == "wrong" and v.credit == 0, (text, v)
    assert v.value == pytest.approx(value, rel=1e-12)
    assert abs(value - float(RELU_L)) > 0.01          # a different value, not a rounding of 4.5


@pytest.mark.parametrize("text, value", [
    ("\\sqrt{20.25}", 4.5),                       # 20.25 = 4.5² exactly
    ("\\frac{9}{2}", Fraction(9, 2)),
    ("4.5", Fraction(9, 2)),
    ("4.50", Fraction(9, 2)),
    ("\\sqrt{16}+0.5", 4 + Fraction(1, 2)),
    ("0.5\\cdot 9", Fraction(1, 2) * 9),
    ("\\sqrt[3]{64}+0.5", 4.5),
    ("20.25^{0.5}", 4.5),
    ("\\frac{1}{2}(1 - 4)^2", Fraction(1, 2) * 9),
    ("45 \\times 10^{-1}", Fraction(45, 10)),
    ("4.5e0", Fraction(9, 2)),
])
def test_an_expression_whose_value_is_the_answer_is_right(grader, tmp_path, text, value):
    assert Fraction(20.25) == Fraction(9, 2) ** 2 and math.sqrt(20.25) == 4.5
    v = judge(grader, tmp_path, "relu", "loss", text)
    assert float(value) == float(RELU_L)
    assert v.status == "correct" and v.value == pytest.approx(float(RELU_L), abs=1e-12), (text, v)


@pytest.mark.parametrize("qid, text, rounded, value", [
    # the published-style chains: each decimal rounds a value of the problem (checked here), so the
    # expression is right within the rounding of its numbers
    ("loss", "\\frac{1}{2}(1 - 0.491)^2", {0.491: U5}, 0.5 * (1 - 0.491) ** 2),
    ("loss", "\\frac{1}{2}(1 - 0.491)^2 = 0.1295", {0.491: U5, 0.1295: L}, 0.1295),
    ("loss", "0.5(1 - 0.491)^2", {0.491: U5}, 0.5 * (1 - 0.491) ** 2),
    ("loss", "\\frac{1}{2}(0.509)^2", {0.509: 1 - U5}, 0.5 * 0.509 ** 2),
    ("delta_5", "-(1-0.491)\\times 0.2499", {0.491: U5, 0.2499: G5}, -(1 - 0.491) * 0.2499),
    ("gprime_5", "0.491 \\times (1 - 0.491)", {0.491: U5}, 0.491 * (1 - 0.491)),
    ("gprime_5", "0.491 \\times (1 - 0.491) = 0.2499", {0.491: U5, 0.2499: G5}, 0.2499),
    ("delta_3", "-0.1272 \\times 2 \\times 0.0177", {0.1272: -D5, 0.0177: G3}, -0.1272 * 2 * 0.0177),
    ("act_3", "\\frac{1}{1+e^{-4}}", {}, U3),
    ("act_3", "\\frac{1}{1+0.0183}", {0.0183: math.exp(-4)}, 1 / 1.0183),
    ("act_5", "\\frac{1}{1+e^{0.036}}", {0.036: -(-4 + 2 * U3 + 2)}, sigma(-0.036)),
])
def test_a_genuinely_rounded_chain_is_right(grader, tmp_path, qid, text, rounded, value):
    for shown, true in rounded.items():             # each decimal is the true value rounded to its places
        places = len(str(shown).partition(".")[2])
        assert round(true, places) == pytest.approx(shown, abs=1e-12), (shown, true)
    v = judge(grader, tmp_path, "sigmoid", qid, text)
    assert v.status == "correct", (text, v)
    assert v.value == pytest.approx(value, rel=1e-9)


@pytest.mark.parametrize("qid, text, value, expected", [
    ("loss", "\\frac{1}{2}(0.51)^2", 0.5 * 0.51 ** 2, L),        # 0.51 is 1 − u_5 rounded to 2 places
    ("act_3", "\\frac{1}{1+0.018}", 1 / 1.018, U3),             # 0.018 is e^{-4} rounded to 3 places
    ("act_3", "0.5 + 0.48", 0.98, U3),                          # is 0.98, and judged like it
    ("act_3", "(1 - 0.02)", 0.98, U3),
    ("delta_5", "-(1 - 0.49) \\times 0.25", -(1 - 0.49) * 0.25, D5),
])
def test_numbers_rounded_too_early_are_imprecise_not_right(grader, tmp_path, qid, text, value, expected):
    assert abs(value - expected) > 0.5e-4            # not right to the 4 places asked
    v = judge(grader, tmp_path, "sigmoid", qid, text)
    assert v.status == "imprecise", (text, v)
    assert v.value == pytest.approx(value, rel=1e-9)


@pytest.mark.parametrize("qid, text, value", [
    ("act_4", "\\sqrt{0.2}", math.sqrt(0.2)),        # u_4 = ½: an exact expression that is not ½
    ("act_3", "0.5 + 0.47", 0.97),                  # 0.97 is not u_3 to two places (0.98)
    ("loss", "\\frac{1}{2}(1 - 0.4)^2", 0.18),       # 0.4 is not u_5 = 0.491 rounded
])
def test_a_decimal_that_rounds_nothing_does_not_stretch_a_wrong_value(grader, tmp_path, qid, text, value):
    v = judge(grader, tmp_path, "sigmoid", qid, text)
    assert v.status == "wrong", (text, v)
    assert v.value == pytest.approx(value, rel=1e-9)


# -- 2. scientific notation is a value with the places of its value --------------------------------
@pytest.mark.parametrize("text, value, places", [
    ("8.056e-4", Fraction(8056, 10 ** 7), 7),
    ("8.056E-4", Fraction(8056, 10 ** 7), 7),
    ("8.056 \\times 10^{-4}", Fraction(8056, 10 ** 7), 7),
    ("8.056 \\cdot 10^{-4}", Fraction(8056, 10 ** 7), 7),
    ("8.056\\mathrm{e}{-4}", Fraction(8056, 10 ** 7), 7),
    ("(8.056\\times 10^{-4})", Fraction(8056, 10 ** 7), 7),
    ("-4.9e-1", Fraction(-49, 100), 2),
    ("1.5 \\times 10^3", Fraction(1500), 0),
    ("0.9820", Fraction(982, 1000), 4),
    ("-(-0.98)", Fraction(98, 100), 2),
])
def test_written_number_reads_decimals_and_scientific_notation(text, value, places):
    assert written_number(text) == (value, places)


@pytest.mark.parametrize("text", ["10^{-4}", "(1)(2)", "--3", "2e^{-4}", "2\\mathrm{e}^{-4}", "8 \\times 10^45",
                                  "1_000", "0x1F"])
def test_written_number_refuses_what_is_not_one_number(text):
    assert written_number(text) is None


CHAIN = "-0.1272 \\times 2 \\times 0.0177 = "
SLIP = -0.004603                                   # the numbers give -0.004503…: a slip in the arithmetic


@pytest.mark.parametrize("final", ["-0.004603", "-4.603e-3", "-4.603 \\times 10^{-3}", "-4.603 \\cdot 10^{-3}",
                                   "-4.603\\mathrm{e}{-3}", "-4.603E-3"])
def test_an_arithmetic_slip_is_named_whatever_the_spelling_of_the_final_value(grader, tmp_path, final):
    numbers = -0.1272 * 2 * 0.0177
    assert abs(numbers - SLIP) > 0.5e-6 + 1e-5     # not the numbers' value to its 6 places, nor within rounding
    v = judge(grader, tmp_path, "sigmoid", "delta_3", CHAIN + final)
    assert v.status == "wrong" and v.diagnosis == "arithmetic", v
    assert v.message.startswith("arithmetic: the numbers give -0.004503") and "substituted numbers" not in v.message
    assert v.value == pytest.approx(SLIP, abs=1e-15)
    assert final in v.message                        # the value as the student wrote it


@pytest.mark.parametrize("text, value", [
    (CHAIN + "-4.503e-3", -0.004503), (CHAIN + "-4.503 \\times 10^{-3}", -0.004503),
    (CHAIN + "-4.503e-3 \\approx -0.0045", -0.0045),
    ("-4.503e-3", -0.004503), ("-4.503 \\times 10^{-3}", -0.004503), ("-4.5e-3", -0.0045),
])
def test_a_right_value_in_scientific_notation_is_right(grader, tmp_path, text, value):
    assert round(D3, 4) == round(value, 4) and abs(value - D3) <= 0.5e-4
    v = judge(grader, tmp_path, "sigmoid", "delta_3", text)
    assert v.status == "correct", v
    assert v.value == pytest.approx(value, abs=1e-15)


@pytest.mark.parametrize("text, status", [("-4e-3", "imprecise"), ("-4.49e-3", "correct"),
                                          ("-0.4e-2", "imprecise"), ("-6e-3", "wrong")])
def test_scientific_notation_shows_the_places_of_its_value(grader, tmp_path, text, status):
    # -4e-3 is -0.004: D3 rounded to 3 places, fewer than the 4 asked; -6e-3 is not D3 to any places shown
    assert round(D3, 3) == -0.004 and round(D3, 5) == -0.00449
    assert judge(grader, tmp_path, "sigmoid", "delta_3", text).status == status
    assert judge(grader, tmp_path, "sigmoid", "delta_3", text.replace("e", " \\times 10^{") + "}").status == status


@pytest.mark.parametrize("written, status", [("-4.503e-3", "correct"), ("-0.45e-2", "correct"),
                                             ("-4.0e-3", "wrong")])    # -0.0040: four places, and wrong
def test_a_yaml_number_in_scientific_notation_too(grader, tmp_path, written, status):
    assert judge_raw(grader, tmp_path, "sigmoid", "delta_3", written).status == status


def test_an_intermediate_value_in_scientific_notation_keeps_its_places(grader, tmp_path):
    # 0.98 × 1 is 0.98: a value with 2 places; written as 9.8 × 10^{-1} in the middle of a chain it is too
    v = judge(grader, tmp_path, "sigmoid", "act_3", "\\frac{1}{1+e^{-4}} = 9.8 \\times 10^{-1} = 0.98")
    assert v.status == "imprecise" and round(U3, 2) == 0.98


# -- 3. out of range, never infinity ---------------------------------------------------------------
@pytest.mark.parametrize("text, size", [
    ("10^{400}", "large"), ("-10^{400}", "large"), ("2^{2^{2^{2^2}}}", "large"), ("e^{1000}", "large"),
    ("\\frac{1}{10^{-400}}", "large"), ("10^{-400}", "small"), ("1e400", "large"), ("1e-400", "small"),
    ("10^{100} \\times 10^{300}", "large"), ("\\frac{1}{2}(1 - 10^{200})^2", "large"), ("e^{-1000}", "small"),
    ("4.5 \\times 10^{-400}", "small"),
])
def test_a_value_too_large_or_too_small_is_out_of_range(grader, tmp_path, text, size):
    v = judge(grader, tmp_path, "relu", "loss", text)
    assert v.status == "unreadable" and v.credit == 0 and v.value is None, v
    assert v.message.startswith("out of range") and f"too {size}" in v.message, v.message
    assert "inf" not in v.message


def test_a_chain_through_an_out_of_range_value_is_out_of_range(grader, tmp_path):
    v = judge(grader, tmp_path, "relu", "loss", "\\frac{1}{2}(1 - 4)^2 = 10^{400} = 4.5")
    assert v.status == "unreadable" and "out of range" in v.message


def test_a_tiny_value_where_zero_is_expected_is_judged_as_the_number_it_is(grader, tmp_path):
    # net_4 = -6·1 + 6·1 + 5·0 = 0: 10^{-400} is 0 to any places, not out of range
    assert -6 * 1 + 6 * 1 + 5 * 0 == 0
    v = judge(grader, tmp_path, "relu", "net_4", "10^{-400}")
    assert v.status == "correct" and v.value == 0.0


def test_a_power_beyond_the_evaluation_bound_stays_unreadable(grader, tmp_path):
    v = judge(grader, tmp_path, "relu", "loss", "2^{2^{2^{2^{2^2}}}}")      # 2^(2^65536): never computed
    assert v.status == "unreadable" and "too large" in v.message


def test_out_of_range_in_check_is_an_unreadable_item_not_a_crash(tmp_path):
    f = tmp_path / "w.md"
    f.write_text("$L = 10^{400}$\n\n$u_3 = 4$\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(XOR), str(f), "--part", "relu"])
    assert r.exit_code == 1, r.output
    assert "out of range" in r.output and "Traceback" not in r.output and "inf" not in r.output.lower().split()
