"""The reading defects a student trial found (issue 10, reader2): `^(…)` exponents, 左右 glued to a number,
notes and units inside text commands, `(exact)` notes, SI/ISO digit groups in the decimal part, and the
report's "given" column showing what the student wrote. Expected values come from the problem (the
trial's xor.yaml, sigmoid and relu parts) worked by hand, never from the reader.
"""
from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner
from conftest import PROBLEMS

from symbackprop.answers.latex import normalize
from symbackprop.answers.numbers import parenthesised_exponents
from symbackprop.cli import main

XOR = PROBLEMS / "xor.yaml"


def _check(grader, tmp_path, name, text, part="sigmoid"):
    f = tmp_path / name
    f.write_text(textwrap.dedent(text), encoding="utf-8")
    reports, problems = grader.check(f, part)
    return {v.qid: v for v in reports[0].verdicts}


def _yaml(items: dict[str, str]) -> str:
    return "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in items.items())


# -- 3. exponents in parentheses --------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("2^(-1)", "2^{(-1)}"),
    ("1/(1+e^(-4))", "1/(1+e^{(-4)})"),
    ("(1+e^{-4})^(-1)", "(1+e^{-4})^{(-1)}"),
    ("e^(2^(-1))", "e^{(2^{(-1)})}"),          # nested: each group is its exponent
    ("e^ (x+1)", "e^ {(x+1)}"),
    ("2^(3", "2^(3"),                          # no closing parenthesis: left for the parser to refuse
    ("2^{(-1)}", "2^{(-1)}"),
    ("(1+e^{-4})(2)", "(1+e^{-4})(2)"),        # no ^: untouched
])
def test_a_parenthesised_exponent_is_the_whole_group(text, expected):
    assert parenthesised_exponents(text) == expected


@pytest.mark.slow
def test_parenthesised_exponents_are_read(grader, tmp_path):
    v = _check(grader, tmp_path, "a.yaml", _yaml({
        "u_4": "2^(-1)", "u_3": "1/(1+e^(-4))", "u_5": "1/(1+e^(0.036))",
        "delta_3": "-4.5\\times10^(-3)", "gprime_4": "2^(-2)", "net_3": "2**(2)",
        "net_4": "2^(-1",
    }))
    for qid in ("act_4", "act_3", "act_5", "delta_3", "gprime_4", "net_3"):
        assert v[qid].status == "correct", (qid, v[qid])
    assert v["net_4"].status == "unreadable"       # an unclosed group is not guessed at


def test_parenthesised_exponent_in_a_chain_link_and_a_power_of_a_group(grader, tmp_path):
    v = _check(grader, tmp_path, "b.yaml", _yaml({
        "u_3": "(1+e^{-4})^(-1)", "u_4": "u_4 = 2^(-1) = 0.5",
        "u_5": "\\frac{1}{1+e^(-(-0.036))}",
    }))
    assert v["act_3"].status == "correct"
    assert v["act_4"].status == "correct" and "not read" not in v["act_4"].message
    assert all(lk.kind != "unread" for lk in v["act_4"].links)
    assert v["act_5"].status == "correct"


def test_a_wrong_parenthesised_exponent_is_wrong_not_unreadable(grader, tmp_path):
    v = _check(grader, tmp_path, "c.yaml", _yaml({"u_4": "2^(1)", "u_3": "1/(1+e^(4))"}))
    assert v["act_4"].status == "wrong"            # 2, not 0.5
    assert v["act_3"].status == "wrong"            # σ(-4), not σ(4)


# -- 4. 左右 glued to the number; the hint names the item --------------------------------------------
def test_zuoyou_glued_to_the_number_is_a_note(grader, tmp_path):
    v = _check(grader, tmp_path, "d.yaml", _yaml({
        "update_w_3_5": "0.1249左右", "update_w_4_5": "约0.0636左右", "grad_w_4_5": "-0.0636左右",
        "gprime_4": "0.25 左右", "u_3": "0.9820左右。",
    }))
    for qid in ("update_w_3_5", "update_w_4_5", "grad_w_4_5", "gprime_4", "act_3"):
        assert v[qid].status == "correct", (qid, v[qid])


def test_zuoyou_does_not_change_the_number(grader, tmp_path):
    v = _check(grader, tmp_path, "e.yaml", _yaml({"update_w_3_5": "0.1250左右", "grad_w_3_5": "0.1249左右"}))
    assert v["update_w_3_5"].status == "rounding"
    assert v["grad_w_3_5"].status == "wrong"       # the sign is the student's


def test_zuoyou_in_a_writeup(grader, tmp_path):
    v = _check(grader, tmp_path, "w.md", """\
        Sigmoid
        Δw_{35} = −η·δ_5·u_3 = −1×(−0.1272)×0.9820 ≈ 0.1249左右
        $u_3 \\approx 0.9820左右$
        """)
    assert v["update_w_3_5"].status == "correct"
    assert v["act_3"].status == "correct"


def test_the_chinese_text_hint_names_the_item(grader, tmp_path):
    v = _check(grader, tmp_path, "f.yaml", _yaml({"update_w_3_5": "0.1249 的", "delta_5": "-0.1272 的一半"}))
    assert v["update_w_3_5"].status == "unreadable"
    assert "Δw_{35} = …" in v["update_w_3_5"].message and "u_3 =" not in v["update_w_3_5"].message
    assert "δ_5 = …" in v["delta_5"].message and "u_3 =" not in v["delta_5"].message


# -- 5. and 6. notes and units inside text commands, (exact) ----------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("-4.5\\text{\\textperthousand}", "-4.5 \\times 10^{-3}"),
    ("-4.5\\mbox{‰}", "-4.5 \\times 10^{-3}"),
    ("-4.5 \\text{ \\permil }", "-4.5 \\times 10^{-3}"),
    ("0.1249 \\text{ (exact to 4 d.p.)}", "0.1249"),
    ("-0.0045\\ (4\\ \\text{d.p.})", "-0.0045"),
    ("-0.0045\\;(4\\,\\text{d.p.})", "-0.0045"),
    ("-12\\;(\\text{exact})", "-12"),
    ("4.5 (exact)", "4.5"),
    ("4.5 (exactly)", "4.5"),
    ("4.5 (exact value)", "4.5"),
    ("4.5 \\text{(exact)}", "4.5"),
    ("4.5 \\mathrm{(Exact)}", "4.5"),
    ("4.5\\;\\text{exact}", "4.5"),
])
def test_notes_and_units_in_text_commands(text, expected):
    assert normalize(text) == expected


def test_notes_are_read_in_answers_files(grader, tmp_path):
    v = _check(grader, tmp_path, "g.yaml", _yaml({
        "delta_3": "-4.5\\text{\\textperthousand}", "update_w_3_5": "0.1249 \\text{ (exact to 4 d.p.)}",
        "update_w_0_3": "0.0045\\ (4\\ \\text{d.p.})", "delta_5": "-0.1272\\;(\\text{exact})",
        "update_w_1_3": "0.0045 (exact)", "u_4": "0.5 (exactly)", "gprime_4": "0.25 (exact value)",
    }))
    for qid in ("delta_3", "update_w_3_5", "update_w_0_3", "delta_5", "update_w_1_3", "act_4", "gprime_4"):
        assert v[qid].status == "correct", (qid, v[qid])


def test_exact_notes_on_relu(grader, tmp_path):
    v = _check(grader, tmp_path, "h.yaml", _yaml({"loss": "4.5 (exact)", "update_w_3_5": "-12\\;(\\text{exact})",
                                                  "new_w_3_5": "-11 (exact)"}), part="relu")
    assert v["loss"].status == "correct"
    assert v["update_w_3_5"].status == "correct"
    assert v["new_w_3_5"].status == "wrong"        # a note never makes a wrong number right


@pytest.mark.slow
def test_a_word_in_a_font_is_named_as_written(grader, tmp_path):
    v = _check(grader, tmp_path, "i.yaml", _yaml({"u_4": "0.5 \\mathrm{abc}", "u_3": "0.9820 \\text{so}"}))
    for qid, written in (("act_4", "\\mathrm{abc}"), ("act_3", "\\text{so}")):
        assert v[qid].status == "unreadable"
        assert written in v[qid].message, v[qid].message
        assert written.replace("{", "").replace("}", "") not in v[qid].message


def test_notes_in_an_align_row_of_a_tex_writeup(grader, tmp_path):
    v = _check(grader, tmp_path, "w.tex", """\
        \\begin{align*}
        \\delta_3 &= -0.1272 \\cdot 2 \\cdot 0.0177 = -4.5\\text{\\textperthousand} \\\\
        \\Delta w_{35} &= 0.1249 \\text{ (exact to 4 d.p.)} \\\\
        \\Delta w_{03} &= -0.0045\\ (4\\ \\text{d.p.}) \\\\
        \\delta_5 &= -0.1272\\;(\\text{exact}) \\\\
        \\Delta w_{13} &= 0.0045 (exact)
        \\end{align*}
        """)
    assert v["delta_3"].status == "correct"
    assert v["update_w_3_5"].status == "correct"
    assert v["update_w_0_3"].status == "wrong"     # the sign: Δw_{03} is +0.0045
    assert v["delta_5"].status == "correct"
    assert v["update_w_1_3"].status == "correct"


# -- 7. digit groups in the decimal part ------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("0.124\\,919", "0.124919"), ("-0.004\\,494", "-0.004494"), ("0.982\\,0", "0.9820"),
    ("0.123\\,456\\,7", "0.1234567"), ("12\\,345.678\\,9", "12345.6789"), ("0.982\\ 0", "0.9820"),
    ("0.982~0", "0.9820"), ("0.491\\,008", "0.491008"),
])
def test_decimal_groups_are_one_number(text, expected):
    assert normalize(text) == expected


def test_decimal_groups_are_read_with_all_their_places(grader, tmp_path):
    v = _check(grader, tmp_path, "j.yaml", _yaml({
        "update_w_3_5": "0.124\\,919", "delta_3": "-0.004\\,494", "u_3": "0.982\\,0", "u_5": "0.491\\,0",
        "gprime_3": "0.017\\,663",
    }))
    for qid in ("update_w_3_5", "delta_3", "act_3", "act_5", "gprime_3"):
        assert v[qid].status == "correct", (qid, v[qid])
    alone = _check(grader, tmp_path, "j2.yaml", _yaml({"net_5": "-0.035\\,9"}))
    assert alone["net_5"].status == "rounding"      # -0.0359: four places, rounded wrongly (−0.03597)


@pytest.mark.parametrize("text", ["0.123\\,45", "0.98\\,2", "0.1249\\,19", "0.124\\,9191", "0.124\\,91"])
def test_irregular_decimal_groups_stay_refused(grader, tmp_path, text):
    v = _check(grader, tmp_path, "k.yaml", _yaml({"update_w_3_5": text}))
    assert v["update_w_3_5"].status == "unreadable"
    assert "did you mean" in v["update_w_3_5"].message


# -- 9. the "given" column shows what the student wrote ---------------------------------------------
WRITEUP = """\
Sigmoid

$u_3 = \\sigma(4) = 0.9820$

$u_5 = \\frac{1}{1+\\mathrm{e}^{0.0360}} = {\\bf 0.4910}$

$u_4 = \\num{0.5}$

$\\Delta w_{13} = 1 \\cdot 0.0045 \\cdot 1 = 0.45\\%$

$\\delta_3 = \\delta_5 \\cdot 2 \\cdot 0.0177 = -0.0045$

$u_4 = 0,5, L = 0,1295$
"""


@pytest.mark.slow
def test_given_is_the_writeups_text(grader, tmp_path):
    v = _check(grader, tmp_path, "w.md", WRITEUP)
    assert v["act_3"].given == "\\sigma(4) = 0.9820"
    assert v["act_5"].given == "\\frac{1}{1+\\mathrm{e}^{0.0360}} = {\\bf 0.4910}"
    assert v["update_w_1_3"].given == "1 \\cdot 0.0045 \\cdot 1 = 0.45\\%"
    assert v["delta_3"].given == "\\delta_5 \\cdot 2 \\cdot 0.0177 = -0.0045"
    # equations that the text as written cannot split one to one: the whole segment as written
    assert v["loss"].given == "u_4 = 0,5, L = 0,1295"


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
@pytest.mark.slow
def test_given_as_written_in_every_report(tmp_path, fmt):
    f = tmp_path / "w.md"
    f.write_text(WRITEUP, encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(XOR), str(f), "--part", "sigmoid", "--format", fmt])
    assert r.exit_code in (0, 1), r.output
    out = r.output
    if fmt == "json":
        items = {i["id"]: i for i in json.loads(out)["parts"][0]["items"]}
        assert items["act_3"]["given"] == "\\sigma(4) = 0.9820"
        assert items["update_w_1_3"]["given"] == "1 \\cdot 0.0045 \\cdot 1 = 0.45\\%"
    else:
        assert "\\sigma(4)" in out
    assert "\\mathrm{sigmoid}" not in out.split('"links"')[0] if fmt == "json" else "\\mathrm{sigmoid}" not in out
    assert "\\delta _5" not in out


def test_given_of_an_answers_file_is_the_value_as_written(grader, tmp_path):
    v = _check(grader, tmp_path, "l.yaml", _yaml({"u_3": "\\sigma(4)", "u_5": "{\\bf 0.4910}", "u_4": "\\num{0.5}",
                                                  "update_w_1_3": "0.45\\%"}))
    assert v["act_3"].given == "\\sigma(4)"
    assert v["act_5"].given == "{\\bf 0.4910}"
    assert v["act_4"].given == "\\num{0.5}"
    assert v["update_w_1_3"].given == "0.45\\%"


def test_a_remembered_verdict_shows_each_students_own_text(grader, tmp_path):
    """A right answer is remembered across students by its normalized text; each report still shows
    what that student wrote."""
    a = _check(grader, tmp_path, "m1.md", "Sigmoid\n\n$u_4 = \\num{0.5}$\n")
    b = _check(grader, tmp_path, "m2.md", "Sigmoid\n\n$u_4 = {\\bf 0.5}$\n")
    assert a["act_4"].given == "\\num{0.5}"
    assert b["act_4"].given == "{\\bf 0.5}"
