"""Issue 10, report3: what the TA trial (tests/data/report3: a 2-2-1 network with large values, parts
linear and relu) found in the summary, the exit status of `check`, and the numbers and escaping of
messages. Expected values are worked out by hand from the problem (η = 0.01, t = 100)."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from conftest import DATA, PROBLEMS

from symbackprop.cli import main
from symbackprop.printing import message_number
from symbackprop.render.mdtext import md_cell, md_text

TRIAL = DATA / "report3"
PROBLEM = TRIAL / "problem.yaml"
CLASS = TRIAL / "class"
XOR = PROBLEMS / "xor.yaml"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def summary_cells(text: str) -> dict[tuple[str, str], dict[str, str]]:
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("| part | item |"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    out = {}
    for line in lines:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| ") and len(cells) == len(columns) and cells[0] in ("linear", "relu", "sigmoid"):
            out[(cells[0], cells[1])] = dict(zip(columns, cells))
    return out


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("graded")
    result = run("grade", PROBLEM, CLASS, "-o", out / "book.csv", "--summary", out / "summary.md",
                 "--feedback", out / "fb", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return out, result.output


# -- 4. the summary: credited answers are not misses; imprecise apart --------------------------------
@pytest.mark.slow
def test_summary_has_an_imprecise_column_and_misses_only_lose_points_for_a_mistake(graded):
    out, printed = graded
    text = (out / "summary.md").read_text(encoding="utf-8")
    cells = summary_cells(text)
    # bob wrote L = 6.83 × 10^6 and another student too: imprecise (half credit), not missed
    L = cells[("linear", "L")]
    assert L["imprecise"] == "2" and "6.83" not in L["commonest wrong answers"]
    assert "imprecise" not in L["commonest diagnoses"]
    assert L["missed"] == "1" and "`13667809` ×1" in L["commonest wrong answers"]    # the ½ left out
    # δ_3: 44400 is imprecise; ivy's −44364 (other convention, credited) is right
    d3 = cells[("linear", "δ_3")]
    assert (d3["right"], d3["follow-through"], d3["imprecise"], d3["missed"]) == ("4", "6", "1", "0")
    assert d3["commonest wrong answers"] == "" and d3["commonest diagnoses"] == ""
    for key in [("linear", "δ_5"), ("relu", "δ_5"), ("relu", "δ_3"), ("linear", "δ_4")]:
        assert "other_convention" not in cells[key]["commonest diagnoses"], key
    assert cells[("relu", "δ_5")]["missed"] == "0" and cells[("relu", "δ_5")]["right"] == "10"
    # every row adds up: answered = right + follow-through + imprecise + missed
    for key, row in cells.items():
        assert int(row["answered"]) == sum(int(row[c]) for c in ("right", "follow-through", "imprecise",
                                                                 "missed")), key
    # a mistake still is one: the wrong rounding of ∂L/∂w_24 and the arithmetic slip in δ_5
    assert cells[("linear", "∂L/∂w_{24}")]["missed"] == "1"
    assert "arithmetic ×1" in cells[("linear", "δ_5")]["commonest diagnoses"]
    # the other convention is listed apart
    # (its symbols typeset in the Markdown summary since session 10: tests/test_fixb10.py)
    assert re.search(r"other \$\\delta\$ convention.*counted as right: part linear: \$\\delta_5\$ ×1, "
                     r"\$\\delta_3\$ ×1, \$\\delta_4\$ ×1; part relu: \$\\delta_5\$ ×1, \$\\delta_3\$ ×1", text)
    # the printed summary says the same
    assert "| imprecise | missed |" in printed and "part linear: δ_5 ×1, δ_3 ×1, δ_4 ×1" in printed


@pytest.mark.slow
def test_imprecise_and_other_convention_in_a_small_class_of_my_own(tmp_path):
    d = tmp_path / "subs"
    d.mkdir()
    # xor relu: δ_5 = 3, δ_3 = 6, δ_4 = 0, Δw_35 = −12 (η = 1, u_3 = 4); the other convention negates every δ
    (d / "a.yaml").write_text("relu:\n  delta_5: -3\n  delta_3: -6\n  update_w_3_5: -12\n")
    (d / "b.yaml").write_text("relu:\n  u_3: 4\n  delta_5: 3\n")
    (d / "c.yaml").write_text("sigmoid:\n  u_3: 0.98\n")      # 0.98201: imprecise
    (d / "e.yaml").write_text("sigmoid:\n  u_3: 0.5\n")       # wrong
    result = run("grade", XOR, d, "-o", tmp_path / "b.csv", "--summary", tmp_path / "s.md", "--jobs", "1")
    assert result.exit_code == 0, result.output
    cells = summary_cells((tmp_path / "s.md").read_text(encoding="utf-8"))
    assert cells[("relu", "δ_5")]["right"] == "2" and cells[("relu", "δ_5")]["missed"] == "0"
    u3 = cells[("sigmoid", "u_3")]
    assert (u3["right"], u3["imprecise"], u3["missed"]) == ("0", "1", "1")
    assert u3["commonest wrong answers"] == "`0.5` ×1"


# -- 6. check exits 0 when every answered item earned its full points ---------------------------------
@pytest.mark.parametrize("student, code", [("ivy.yaml", 0), ("alice.yaml", 0), ("bob.yaml", 1),
                                           ("grace.yaml", 1)])
@pytest.mark.slow
def test_check_exit_status_follows_the_points(student, code):
    result = run("check", PROBLEM, CLASS / student)
    assert result.exit_code == code, result.output
    if student == "ivy.yaml":
        assert "Score: 80 / 80" in result.output


@pytest.mark.slow
def test_full_credit_for_any_status_exits_0_and_partial_exits_1(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("sigmoid:\n  u_3: 0.98\n")           # imprecise
    assert run("check", XOR, answers).exit_code == 1          # half credit: lost points
    rubric = tmp_path / "r.yaml"
    rubric.write_text("credit: {imprecise: 1}\n")
    result = run("check", XOR, answers, "--rubric", rubric)
    assert result.exit_code == 0, result.output               # full credit: lost none
    conv = tmp_path / "c.yaml"
    conv.write_text("relu:\n  delta_5: -3\n  delta_3: -6\n  update_w_3_5: -12\n")
    assert run("check", XOR, conv).exit_code == 0
    data = json.loads(run("check", XOR, conv, "--format", "gradescope").output)
    answered = [t for t in data["tests"] if t["output"] != "not answered"]
    assert len(answered) == 3 and all(t["status"] == "passed" for t in answered)
    rubric.write_text("credit: {other_convention: 0.5}\n")
    assert run("check", XOR, conv, "--rubric", rubric).exit_code == 1


# -- 8. given values as the problem shows them ----------------------------------------------------------
@pytest.mark.slow
def test_eta_is_shown_as_the_problem_gives_it():
    result = run("check", PROBLEM, CLASS / "grace.yaml")
    assert "η left out of the update (η = 0.01)" in result.output
    assert "1/100" not in result.output


# -- 9. numbers in messages ----------------------------------------------------------------------------
@pytest.mark.slow
def test_numbers_in_messages_are_formatted_as_the_report_formats_values():
    olive = run("check", PROBLEM, CLASS / "olive.md").output
    assert "the numbers give 3697, not 3679" in olive and "3697.0000" not in olive
    nina = run("check", PROBLEM, CLASS / "nina.md").output
    # 1/2 (100 − 7055)^2 is ½(100 − 7055)² (once misread as 1/(2(…)²), which gave "1.03366e-08, not
    # 6.8339e+06"): L follows from her net_5, with no message about a tiny value in any style
    assert re.search(r"\n\s*L\s.*follow-through", nina)
    assert "e-08" not in nina and "6.8339e+06" not in nina and "0.0000, not" not in nina


def test_message_number_rules():
    assert message_number(3697.0, 4) == "3697"
    assert message_number(6833904.5, 4) == "6833904.5"
    assert message_number(0.98201379, 4) == "0.9820"
    assert message_number(1.0336634e-08, 4) == "0.00000001034"     # issue 12: plain decimals down to 1e-12
    assert message_number(-2.5e13, 2) == "-2.5e+13"
    assert message_number(-36.97, 4) == "-36.97"


# -- 10. Markdown escaping --------------------------------------------------------------------------------
@pytest.mark.slow
def test_yaml_error_reads_as_written_in_markdown(graded):
    out, printed = graded
    for text in ((out / "summary.md").read_text(encoding="utf-8"), (out / "fb" / "leo.md").read_text(encoding="utf-8"),
                 printed):
        assert "expected ',' or ']', but got ':'" in text
        assert "\\]" not in text
    page = (out / "fb" / "leo.html").read_text(encoding="utf-8")
    assert "expected &#x27;,&#x27; or &#x27;]&#x27;" in page and "\\]" not in page


@pytest.mark.parametrize("text, want", [
    ("expected ',' or ']'", "expected ',' or ']'"),
    ("[a](http://x)", "\\[a\\](http://x)"),
    ("![i](http://x)", "!\\[i\\](http://x)"),
    ("a] b]: c", "a] b\\]: c"),
    ("<script>x</script>", "\\<script>x\\</script>"),
    ("&lt;b&gt; & co", "\\&lt;b\\&gt; & co"),
    ("a|b `c`", "a\\|b \\`c\\`"),
    ("\\frac{1}{2} and \\[", "\\frac{1}{2} and \\\\\\["),
    ("> quoted", "\\> quoted"),
    ("x > 0", "x > 0"),
])
def test_md_text_escapes_only_what_can_become_markup(text, want):
    assert md_text(text) == want


def test_md_cell_never_splits_a_cell_or_opens_a_link():
    cell = md_cell("a|b [c](d) <e>")
    assert "|" not in cell.replace("\\|", "") and "\\[" in cell and "\\<" in cell
