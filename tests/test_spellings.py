"""How students spell numbers: each spelling is read to its value, or refused with the readings it
could have — never turned into another number (issue 10, "Reading what students write").

Expected values are computed here by hand (Fraction arithmetic, `math`), never by the reader.
"""
import json
import math
from fractions import Fraction as F

import pytest
from click.testing import CliRunner
from conftest import PROBLEMS

from symbackprop.answers import AnswerError, Parser
from symbackprop.answers.compare import shown_decimals
from symbackprop.answers.expr import evaluate
from symbackprop.answers.latex import normalize, prepare, split_equations, split_relations
from symbackprop.answers.names import NameTable
from symbackprop.cli import main
from symbackprop.problem import load_problem
from symbackprop.solution import solve

XOR = PROBLEMS / "xor.yaml"
REFUSED = None                  # expected "value" of a spelling that must be unreadable


def sig(v):
    return 1 / (1 + math.exp(-v))


@pytest.fixture(scope="module")
def reader():
    """Read one answer text to its value the way check does: normalize, one number as written, else
    the last link of the chain parsed and evaluated."""
    table = NameTable(solve(load_problem(XOR), ["sigmoid"]).parts[0])
    parser = Parser()

    def read(text):
        parser.new_submission()
        text = normalize(text)
        if shown_decimals(text) is not None:
            return float(text)
        piece = split_relations(text)[-1][1]
        return float(evaluate(parser.parse(prepare(piece, table).text), {}))
    yield read
    parser.close()


def assert_reads(read, text, expected):
    if expected is REFUSED:
        with pytest.raises(AnswerError) as info:
            read(text)
        assert str(info.value).strip()
    else:
        got = read(text)
        assert got == pytest.approx(float(expected), rel=1e-12, abs=1e-15), text


# -- the regression set -------------------------------------------------------------------------------
# Math-Verify, tests/test_all.py (test_number_extraction, test_latex_notation, test_percent_notation,
# test_latex_notation_math): thousands and decimal separators, delimiters, \frac/\sqrt forms, styling, percent.
MATH_VERIFY = [
    ("-5", -5), ("7,425,000", 7425000), ("1000.0", 1000), ("1,000.0", 1000), ("1000,99", F("1000.99")),
    ("1,22", F("1.22")), ("0,111", F("0.111")), (".4", F("0.4")), ("1,000.99", F("1000.99")),
    ("1 000", REFUSED),                       # digits separated by a space: one number, or a product?
    ("14{,}916", REFUSED),                    # MATH's thousands group, or a decimal comma?
    ("\\frac13", F(1, 3)), ("\\frac3{3}", 1), ("\\sqrt3", math.sqrt(3)), ("\\cfrac{1}{3}", F(1, 3)),
    ("\\dfrac{1}{3}", F(1, 3)), ("\\tfrac{1}{3}", F(1, 3)), ("1/3", F(1, 3)),
    ("\\left( \\frac{1}{3} \\right)", F(1, 3)), ("\\boxed{\\frac{1}{3}}", F(1, 3)),
    ("\\frac{1}{3} \\text{meters}", REFUSED),  # a unit: not a backprop answer
    ("\\(9\\)", 9), ("\\[9\\]", 9), ("$9$", 9), ("$$9$$", 9), ("\\( (9+1) \\)", 10),
    ("\\frac94\\pi", F(9, 4) * F(math.pi)), ("\\sqrt 2+\\sqrt 5", math.sqrt(2) + math.sqrt(5)),
    ("3\\sqrt{13}", 3 * math.sqrt(13)), ("\\sqrt{117}", math.sqrt(117)),
    ("\\frac{-8}{-4}+\\frac{-5}{-3}+\\frac{-2}{-2}", F(14, 3)), ("\\frac{1}{2}\\times 3 \\times 10", 15),
    ("28\\%", F(28, 100)), ("28 \\%", F(28, 100)), ("\\boxed{28\\%}", F(28, 100)),
]
# latex2sympy2_extended, tests/mixed_fraction_test.py: it reads `1 \frac{1}{2}` as 3/2, latex2sympy2 as 1/2;
# a decimal before \frac is a product in both.
MIXED = [("1 \\frac{1}{2}", REFUSED), ("-3 \\frac{1}{2}", REFUSED), ("3 1\\frac{1}{2}", REFUSED),
         ("3.1 \\frac{1}{2}", F("3.1") / 2), ("4\\frac{1}{2}", REFUSED), ("4 \\frac12", REFUSED)]
# latex2sympy (OrangeX4), tests/all_good_test.py and all_bad_test.py: numbers, products, powers of ten,
# percent, separators; and what is no number at all.
LATEX2SYMPY = [
    ("0", 0), ("1", 1), ("-3.14", F("-3.14")), ("5-3", 2), ("(-7.13)(1.5)", F("-7.13") * F("1.5")),
    ("\\left(-7.13\\right)\\left(1.5\\right)", F("-7.13") * F("1.5")), ("\\frac{7}{3}", F(7, 3)),
    ("2.5\\times 10^2", 250), ("1,500\\times 10^{-1}", REFUSED), ("100\\%", 1), ("1.5\\%", F("0.015")),
    ("0.05\\%", F("0.0005")), ("9 \\div 3", 3),
    ("\\sqrt{}", REFUSED), ("\\frac{2}{}", REFUSED), ("\\frac{}{2}", REFUSED), ("()", REFUSED), ("-", REFUSED),
    ("\\%100", REFUSED), ("\\infty", REFUSED),
]
# our own, from issue 10 and what the lecture's students write
OURS = [
    # decimal commas: one reading
    ("0,9820", F("0.982")), ("-0,1272", F("-0.1272")), ("4{,}5", F("4.5")), ("0{,}98", F("0.98")),
    ("12,5", F("12.5")), ("-0{,}036", F("-0.036")), ("8,0560e-4", F("0.0008056")), ("8,056e-4", REFUSED), ("1234,567", F("1234.567")),
    ("\\frac{1}{1+e^{-0,5}}", sig(0.5)), ("2 \\cdot 0,982 + 4 \\cdot 0,5 - 4", F("-0.036")),
    # commas in doubt, or separating arguments
    ("1,000", REFUSED), ("-1,000", REFUSED), ("12,345", REFUSED), ("1,2,3", REFUSED), ("1{,}000", REFUSED),
    ("1,000,000", 1000000), ("\\max(4,0)", 4), ("\\max(4, 0)", 4), ("\\max\\{0,5, 0\\}", F("0.5")),
    ("\\min(0,5, 1)", F("0.5")),
    # digit groups joined by a thin space; digits apart without one
    ("1\\,000", 1000), ("12\\,345", 12345), ("1\\ 000", 1000), ("1\\;000", 1000), ("1~000", 1000),
    ("12\\,345\\,678", 12345678), ("12\\,345.5", F("12345.5")), ("-1\\,000", -1000),
    ("1\\,00", REFUSED), ("1\\,0000", REFUSED), ("0.123\\,45", REFUSED), ("0.98 20", REFUSED), ("4 .5", REFUSED),
    ("4. 5", REFUSED), ("2 3", REFUSED),
    # wrappers that do not change a value
    ("\\boxed{4.5}", F("4.5")), ("\\mathbf{4.5}", F("4.5")), ("\\mathrm{4.5}", F("4.5")), ("\\mathit{4.5}", F("4.5")),
    ("\\textbf{4.5}", F("4.5")), ("\\text{4.5}", F("4.5")), ("\\boldsymbol{4.5}", F("4.5")), ("\\mbox{4.5}", F("4.5")),
    ("\\mathbf{9/2}", F("4.5")), ("4.5\\text{}", F("4.5")), ("4.5 \\text{ }", F("4.5")), ("4.5\\!", F("4.5")),
    ("\\left. 4.5 \\right.", F("4.5")), ("4.5.", F("4.5")), ("4.5,", F("4.5")), ("\\approx 4.5", F("4.5")),
    ("= 4.5", F("4.5")), ("≈ 4.5", F("4.5")), ("\\(4.5\\)", F("4.5")), ("\\[ 4.5 \\]", F("4.5")),
    ("\\boxed{\\approx 4.5}", F("4.5")),
    # fractions and roots without braces; \over only between two numbers
    ("\\frac92", F(9, 2)), ("\\tfrac92", F(9, 2)), ("\\frac 92", F(9, 2)), ("\\cfrac{9}{2}", F(9, 2)),
    ("\\dfrac{9}{2}", F(9, 2)), ("\\frac{9}2", F(9, 2)), ("\\frac9{2}", F(9, 2)), ("\\sqrt 9", 3),
    ("-\\frac92", F(-9, 2)), ("9 \\over 2", F(9, 2)), ("{9 \\over 2}", F(9, 2)), ("1 + 9 \\over 2", REFUSED),
    ("\\sqrt16", REFUSED), ("\\frac923", REFUSED),
    # e and exp, however written
    ("\\mathrm{e}^{0}", 1), ("e^{-4}", math.exp(-4)), ("\\mathrm{e}^{-4}", math.exp(-4)),
    ("\\operatorname{e}^{-4}", math.exp(-4)), ("\\exp(-4)", math.exp(-4)), ("\\mathrm{exp}(-4)", math.exp(-4)),
    ("\\frac{1}{1+\\mathrm{e}^{-4}}", sig(4)), ("2\\mathrm{e}^{-1}", 2 * math.exp(-1)),
    # the sigmoid at any net input
    ("\\sigma(4)", sig(4)), ("\\sigma(-4)", sig(-4)), ("\\sigma(-0.036)", sig(-0.036)), ("\\sigma(0)", F(1, 2)),
    ("\\sigma(0.5 \\times 2 - 1)", F(1, 2)), ("\\sigma\\left(2 \\cdot 0.982 + 4 \\cdot 0.5 - 4\\right)", sig(-0.036)),
    ("\\sigma(-0,036)", sig(-0.036)),
    # products and quotients
    ("0.5 \\cdot 9", F("4.5")), ("0.5 \\times 9", F("4.5")), ("0.5 * 9", F("4.5")), ("0.5 \\ast 9", F("4.5")),
    ("9 \\div 2", F(9, 2)), ("-(-0.5)", F(1, 2)), ("+4.5", F("4.5")), ("10^{-4}", F(1, 10000)),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, expected", MATH_VERIFY + MIXED + LATEX2SYMPY + OURS, ids=repr)
def test_each_spelling_is_read_to_its_value_or_refused(reader, text, expected):
    assert_reads(reader, text, expected)


@pytest.mark.parametrize("text, words", [
    ("1,000", "did you mean 1000 or 1.000?"), ("12,345", "did you mean 12345 or 12.345?"),
    ("14{,}916", "did you mean 14916 or 14.916?"),
    ("4\\frac{1}{2}", "did you mean 4 + 1/2 or 4 × 1/2?"), ("-3 \\frac{1}{2}", "did you mean -(3 + 1/2) or -3 × 1/2?"),
    ("4 .5", "did you mean 4.5 (one number)"), ("0.98 20", "did you mean 0.9820 (one number) or 0.98 \\cdot 20"),
    ("1\\,00", "did you mean 100 (one number)"), ("1 + 9 \\over 2", "write \\frac{a}{b}"),
    ("\\sqrt16", "write \\sqrt{…}"),
])
def test_a_refused_number_names_its_readings(reader, text, words):
    with pytest.raises(AnswerError) as info:
        reader(text)
    assert words in str(info.value), str(info.value)


# -- the normalisation on its own -------------------------------------------------------------------------
@pytest.mark.parametrize("text, normalized", [
    ("0,9820", "0.9820"),                       # its four places kept
    ("-0,1272", "-0.1272"),
    ("4{,}5", "4.5"),
    ("1,000", "1{,}000"),                       # left in doubt, as one group (not split as two equations)
    ("1\\,000", "1000"),
    ("\\max(4,0)", "\\max(4,0)"),               # an argument separator stays
    ("\\max\\{0,5, 0\\}", "\\max(0.5, 0)"),     # the spaced comma separates, the other is a decimal comma
    ("w_{1,3} = 0,5", "w_{1,3} = 0.5"),         # a subscript's comma stays
    ("\\boxed{u_3 = 0,98}", "u_3 = 0.98"),
    ("\\sigma(-4)", "\\mathrm{sigmoid}(-4)"),
    ("\\approx 0.982.", "0.982"),
])
def test_normalize(text, normalized):
    assert normalize(text) == normalized


def test_normalize_twice_is_normalize_once():
    for text, _ in MATH_VERIFY + MIXED + LATEX2SYMPY + OURS:
        once = normalize(text)
        assert normalize(once) == once, text


def test_a_writeup_line_with_decimal_commas_splits_only_between_equations():
    assert split_equations(normalize("u_3 = 0,982, u_4 = 0,5")) == ["u_3 = 0.982", "u_4 = 0.5"]
    assert split_equations(normalize("u_3 = 1,000")) == ["u_3 = 1{,}000"]


# -- through check: the examples with their verdicts --------------------------------------------
def check(grader, tmp_path, part, answers, name="a.yaml"):
    f = tmp_path / name
    f.write_text(json.dumps({part: answers}))
    reports, problems = grader.check(f, part)
    assert problems == []
    return {v.qid: v for v in reports[0].verdicts}


LOSS_SPELLINGS = ["\\boxed{4.5}", "\\frac92", "\\tfrac92", "\\frac 92", "\\cfrac{9}{2}", "\\(4.5\\)",
                  "\\approx 4.5", "\\mathbf{4.5}", "4.5\\text{}", "4{,}5", "4,5", "\\dfrac{9}{2}",
                  "$4.5$", "$$4.5$$", "\\left. 4.5 \\right.", "4.5.", "\\textbf{4.5}", "9 \\over 2"]


def _loss_spellings_are_right(grader, tmp_path, spellings: list[str]) -> None:
    # L = 4.5 in the ReLU part; one file per spelling (one answer per quantity and file)
    for n, text in enumerate(spellings):
        v = check(grader, tmp_path, "relu", {"loss": text}, name=f"l{n}.yaml")["loss"]
        assert (v.status, v.value) == ("correct", 4.5), (text, v.status, v.message)


def test_right_spellings_of_the_loss_are_right(grader, tmp_path):
    """Six kinds of spelling (fast tier): boxed, \\frac92, 4{,}5, $…$, \\textbf, \\over; the test below takes all."""
    _loss_spellings_are_right(grader, tmp_path, [LOSS_SPELLINGS[i] for i in (0, 1, 9, 12, 16, 17)])


@pytest.mark.slow
def test_every_right_spelling_of_the_loss_is_right(grader, tmp_path):
    _loss_spellings_are_right(grader, tmp_path, LOSS_SPELLINGS)


def test_right_spellings_through_the_relu_part(grader, tmp_path):
    got = check(grader, tmp_path, "relu", {
        "net_3": "\\mathrm{e}^{0} + 3",                 # 4
        "u_3": "\\sqrt{16}",                            # 4, exactly
        "net_5": "\\sqrt 9 + 1",                        # 4
        "delta_5": "\\mathbf{3}",
        "update_w_3_5": "-12\\,000 \\cdot 10^{-3}",     # -12
        "new_w_0_5": "\\boxed{-7}",
        "new_w_3_5": "-10,",
        "gprime_5": "\\operatorname{e}^{0}",
    })
    assert {q: v.status for q, v in got.items()} == dict.fromkeys(
        ["net_3", "act_3", "net_5", "delta_5", "update_w_3_5", "new_w_0_5", "new_w_3_5", "gprime_5"], "correct")


def test_silent_wrong_numbers_are_read_right_or_refused(grader, tmp_path):
    got = check(grader, tmp_path, "relu", {
        "net_3": "1\\,000",             # read as 1000 (was 0): wrong, with its value
        "u_3": "12\\,345",              # 12345 (was 4140)
        "loss": "4\\frac{1}{2}",        # mixed number or product: unreadable (was 2)
        "net_5": "4 .5",                # unreadable (was 2)
        "delta_5": "1,000",             # thousands or decimal comma: unreadable
        "u_5": "0.98 20",               # unreadable (was 19.6)
    })
    assert (got["net_3"].status, got["net_3"].value) == ("wrong", 1000.0)
    assert (got["act_3"].status, got["act_3"].value) == ("wrong", 12345.0)
    for qid in ("loss", "net_5", "delta_5", "act_5"):
        assert got[qid].status == "unreadable" and got[qid].value is None, qid
        assert "did you mean" in got[qid].message, got[qid].message


def test_decimal_commas_keep_their_places_and_the_sigmoid_reads_at_every_net_input(grader, tmp_path):
    u3, u5 = sig(4), sig(2 * sig(4) + 4 * 0.5 - 4)
    got = check(grader, tmp_path, "sigmoid", {
        "u_3": "0,9820",                                # right to 4 places: 0,9820 shows four
        "delta_5": "-0,1272",                           # was read as -254
        "u_4": "\\sigma(0.5 \\times 2 - 1)",
        "u_5": "\\sigma(-0.036)",
        "net_5": "-0{,}0360",
        "g'(net_4)": "\\sigma(0)(1 - \\sigma(0))",
    })
    assert {q: v.status for q, v in got.items()} == dict.fromkeys(
        ["act_3", "delta_5", "act_4", "act_5", "net_5", "gprime_4"], "correct"), \
        {q: (v.status, v.message) for q, v in got.items()}
    assert got["act_3"].value == pytest.approx(0.982) and abs(u3 - 0.982) < 0.5e-4
    assert got["act_5"].value == pytest.approx(sig(-0.036)) and abs(u5 - sig(-0.036)) < 0.5e-4
    # fewer places than asked is still "imprecise", also with a decimal comma
    assert check(grader, tmp_path, "sigmoid", {"u_3": "0,98"}, name="b.yaml")["act_3"].status == "imprecise"


def test_a_writeup_with_decimal_commas_and_sigma_chains(grader, tmp_path):
    f = tmp_path / "w.md"
    f.write_text("\n".join([
        "Sigmoid part",
        "$u_3 = \\frac{1}{1+\\mathrm{e}^{-4}} = 0,9820$",
        "$u_4 = \\sigma(0) = 0{,}5$, $net_5 = 2 \\cdot 0,9820 + 4 \\cdot 0,5 - 4 = -0,0360$",
        "$u_5 = \\sigma(-0,036) \\approx 0,4910$.",
        "$\\delta_5 = -(1 - 0,4910) \\cdot 0,4910 \\cdot (1 - 0,4910) = -0,1272$",
        "$\\delta_3 = 1,000$",
    ]) + "\n")
    reports, problems = grader.check(f, "sigmoid")
    got = {v.qid: v for v in reports[0].verdicts}
    assert {q: got[q].status for q in ("act_3", "act_4", "net_5", "act_5", "delta_5")} == dict.fromkeys(
        ["act_3", "act_4", "net_5", "act_5", "delta_5"], "correct"), {q: (v.status, v.message) for q, v in got.items()}
    assert got["delta_3"].status == "unreadable" and "did you mean 1000 or 1.000?" in got["delta_3"].message


@pytest.mark.slow
def test_the_cli_reports_a_number_in_doubt_as_unreadable(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text('u_3: "0,9820"\nu_4: "4\\\\frac{1}{2}"\n')
    result = CliRunner().invoke(main, ["check", str(XOR), str(f), "--part", "sigmoid", "--format", "json"])
    assert result.exit_code == 1, result.output
    items = {i["id"]: i for p in json.loads(result.output)["parts"] for i in p["items"]}
    assert items["act_3"]["status"] == "correct"
    assert items["act_4"]["status"] == "unreadable" and "mixed number or a product" in items["act_4"]["message"]
