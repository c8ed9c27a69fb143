"""Session 13, F3 (t15 items 3 and 7): with a rubric that grades some items, the computed items it does
not grade are said as "Not graded by this rubric: …", never as given values written otherwise; and a
rubric's mistakes (a --rubric file or the problem's grading:) are reported as a problem file's are: all
together, each with file, line and field, did-you-mean on near misses, exit 2, no traceback."""
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.answers import check_submission, load_rubric
from symbackprop.cli import main
from symbackprop.errors import ProblemError, SymbackpropError
from symbackprop.grade import StudentResult, gradescope_results
from symbackprop.messages import text_of
from symbackprop.problem import load_problem, network_ids, parse_problem
from symbackprop.render import report
from symbackprop.rubric import Rubric

DATA = Path(__file__).parent / "data" / "f313"
TANH, RUBRIC = DATA / "tanh.yaml", DATA / "rubric.yaml"     # the rubric: delta_6: 2, delta_3: 3, update_w_3_6: 1


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def lines_of(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


# -- item 3: the items a rubric does not grade ---------------------------------------------------------
def test_the_student_values_are_what_the_test_says():
    """tanh 2-3-1, identity output, δ = −∂E/∂net, worked independently: z_6 = 1.8696 (the student's 1.87 is
    not it to 4 places), δ_6 = t − z = −1.3696 (right), δ_4 = δ_6·w_64·(1 − tanh²(net_4)) = +0.2924 (the
    student's −0.2924 is negated): so z_6 and δ_4 are wrong, but ungraded, and no given value."""
    net3, net4, net5 = 0.1 + 0.5 * 1 + 0.2 * -2, -0.1 - 0.3 * 1 + 0.4 * -2, 0.2 + 0.8 * 1 - 0.5 * -2
    y3, y4, y5 = math.tanh(net3), math.tanh(net4), math.tanh(net5)
    z6 = 0.3 + 0.6 * y3 - 0.7 * y4 + 0.9 * y5
    d6 = 0.5 - z6
    d4 = d6 * -0.7 * (1 - y4 ** 2)
    assert round(z6, 4) == 1.8696 and round(d6, 4) == -1.3696 and round(d4, 4) == 0.2924
    assert round(0.5 * (0.5 - z6) ** 2, 4) == 0.9379                 # E: the student's 0.94 is not it


def test_ungraded_computed_items_are_one_line_not_given_values():
    reports, problems = check_submission(TANH, DATA / "cy_copied.yaml", rubric=RUBRIC)
    (r,) = reports
    text = report.render_text(reports, "cy.yaml", problems)
    # the given weight copied otherwise stays a given value; the computed items the rubric leaves out are not
    assert "Given values written otherwise: w_{63} = 0.7 (the problem gives 0.6)" in text, text
    assert "Not graded by this rubric: z_6, E, δ_4" in text, text
    assert "z_6 = 1.87" not in text and "(the problem gives 0.2924)" not in text
    table = text.split("Given values")[0]
    assert "δ_4" not in table and "z_6" not in table and "δ_6" in table          # no rows for them
    # asked to show the given values: the copied weight gets its row, the ungraded items still do not
    shown = report.render_text(reports, "cy.yaml", problems, show_given=True)
    assert "w_{63} (given)" in shown and "z_6 (given)" not in shown and "δ_4 (given)" not in shown
    assert "Not graded by this rubric: z_6, E, δ_4" in shown
    # every format says it, in both languages
    md = report.render_markdown(reports, "cy.yaml", problems)
    assert "Not graded by this rubric: $z_6$, $E$, $\\delta_4$" in md and "Given values written otherwise: $w_{63}$" in md
    page = report.render_html(reports, "cy.yaml", problems)
    assert "<p>Not graded by this rubric: " in page and 'alttext="δ_4"' in page.split("Not graded by this rubric")[1]
    zh = report.render_text(reports, "cy.yaml", problems, lang="zh")
    assert "本评分标准不计分的项：z_6, E, δ_4" in zh and "Not graded" not in zh
    assert "本评分标准不计分的项" in report.render_markdown(reports, "cy.yaml", problems, lang="zh")
    data = json.loads(report.render_json(reports, "cy.yaml", problems))["parts"][0]
    assert data["not_graded"] == ["act_6", "loss", "delta_4"]
    by_id = {i["id"]: i for i in data["items"]}
    assert by_id["delta_4"]["points"] == 0 and by_id["delta_4"]["status"] == "wrong"      # still judged
    scope = gradescope_results(StudentResult("cy", "cy.yaml", reports, None, problems))
    assert scope["output"] == "Not graded by this rubric: z_6, E, δ_4"
    assert [t["name"] for t in scope["tests"]][0] == "main: δ_6"
    assert {v.qid for v in r.verdicts if v.given_value} == {"w_3_6"}


def test_ungraded_items_do_not_make_check_fail():
    """δ_6, the one graded item answered, is right: the wrong ungraded z_6, E, δ_4 lose no points (exit 0);
    a given value copied otherwise still does (exit 1)."""
    ok = run("check", TANH, DATA / "cy.yaml", "--rubric", RUBRIC)
    assert ok.exit_code == 0, ok.output
    assert "Not graded by this rubric: z_6, E, w_{63}^new, δ_4" in ok.output and "Given values" not in ok.output
    copied = run("check", TANH, DATA / "cy_copied.yaml", "--rubric", RUBRIC)
    assert copied.exit_code == 1 and "Given values written otherwise: w_{63} = 0.7" in copied.output


def test_without_items_every_computed_quantity_is_graded_and_no_line_is_said():
    reports, problems = check_submission(TANH, DATA / "cy_copied.yaml")
    text = report.render_text(reports, "cy.yaml", problems)
    assert "Not graded" not in text and "Given values written otherwise: w_{63} = 0.7" in text
    assert "z_6 = 1.87" not in text.split("Given values")[1]


@pytest.mark.slow       # (solves a graph)
def test_a_graph_ungraded_item_is_not_a_given_value(tmp_path):
    rubric = tmp_path / "r.yaml"
    rubric.write_text("items: {grad_s: 1}\n", encoding="utf-8")
    r = run("check", DATA / "graph.yaml", DATA / "graph_answers.yaml", "--rubric", rubric)
    # by hand: s = v·h = 0.8005 + 1.5232 + 0.3320 = 2.6557, L = (s − 1)²/2 = 1.3707 (the 1.4 written is wrong),
    # ∂L/∂s = s − 1 = 1.6557; W_11 = 0.5 is given (0.6 written)
    assert "Given values written otherwise: W_{11} = 0.6 (the problem gives 0.5)" in r.output, r.output
    assert "Not graded by this rubric: s, L" in r.output and "L = 1.4" not in r.output


@pytest.mark.slow       # (grade starts worker processes)
def test_grade_feedback_says_the_ungraded_items(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "cy.yaml").write_text((DATA / "cy.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    r = run("grade", TANH, folder, "-o", tmp_path / "gb.csv", "--rubric", RUBRIC, "--feedback", tmp_path / "fb",
            "--jobs", "1", "--lang", "zh")
    assert r.exit_code == 0, r.output
    md = (tmp_path / "fb" / "cy.md").read_text(encoding="utf-8")
    assert "本评分标准不计分的项：$z_6$, $E$, $w_{63}^{\\text{new}}$, $\\delta_4$" in md and "抄错的已知值" not in md
    assert "本评分标准不计分的项" in (tmp_path / "fb" / "cy.html").read_text(encoding="utf-8")


# -- item 7: a rubric's mistakes, all at once, each at its line ------------------------------------------
FOLLOW_TROUGH = ("rubric.credit.follow_trough: unknown kind 'follow_trough'; allowed: follow_through, rounding, "
                 "imprecise, slip, other_convention (did you mean follow_through?)")


def test_a_rubric_file_gives_every_mistake_with_its_line_and_hint():
    """bad_rubric.yaml (t15): line 1 `items: {…, delta_99: 1}`, line 3 `credit: {follow_trough: 1}`."""
    r = run("check", TANH, DATA / "cy.yaml", "--rubric", DATA / "bad_rubric.yaml")
    assert r.exit_code == 2 and "Traceback" not in r.output
    source = str(DATA / "bad_rubric.yaml")
    first, second = lines_of(r.output)
    assert first.startswith(f"Error: {source}:1: rubric.items.delta_99: 'delta_99' is not a quantity of this "
                            "problem; items are quantity ids such as act_3, loss, delta_3, update_w_0_3"), first
    assert first.endswith("(did you mean delta_6?)") or first.endswith("(did you mean delta_3?)"), first
    assert second == f"{source}:3: {FOLLOW_TROUGH}"
    zh = run("check", TANH, DATA / "cy.yaml", "--rubric", DATA / "bad_rubric.yaml", "--lang", "zh")
    assert zh.exit_code == 2 and len(lines_of(zh.output)) == 2
    assert "（你是指 follow_through 吗？）" in zh.output and f"{source}:1: rubric.items.delta_99：'delta_99' 不是此题的量" in zh.output


def test_an_unknown_item_alone_names_the_rubric_file_and_line():
    r = run("check", TANH, DATA / "cy.yaml", "--rubric", DATA / "bad_rubric2.yaml")
    assert r.exit_code == 2 and "Traceback" not in r.output
    (line,) = lines_of(r.output)
    assert line.startswith(f"Error: {DATA / 'bad_rubric2.yaml'}:1: rubric.items.delta_99: 'delta_99' is not a "
                           "quantity of this problem"), line


GRADING = """grading:
  items:
    delta_6: 2
    deltaa_3: 1
    update_w_3_6: -1
  tolerence: {relative: 0.01}
  credit:
    follow_trough: 1
    rounding: 2
"""


def test_a_grading_section_gives_every_mistake_with_its_line_and_hint(tmp_path):
    f = tmp_path / "p.yaml"
    text = TANH.read_text(encoding="utf-8")
    f.write_text(text + GRADING, encoding="utf-8")
    at = len(text.splitlines())                     # the line before `grading:`
    with pytest.raises(ProblemError) as err:
        load_problem(f)
    got = str(text_of(err.value)).splitlines()
    assert got == [
        f"{f}:{at + 4}: grading.items.deltaa_3: 'deltaa_3' is not a quantity of this problem; items are quantity ids "
        "such as act_3, loss, delta_3, update_w_0_3 (the ids of `symbackprop solve --format json`) (did you mean "
        "delta_3?)",
        f"{f}:{at + 5}: grading.items.update_w_3_6: -1 is out of range; allowed at least 0",
        f"{f}:{at + 6}: grading.tolerence: unknown field 'tolerence'; allowed: items, tolerance, credit (did you mean "
        "tolerance?)",
        f"{f}:{at + 8}: grading.credit.follow_trough: unknown kind 'follow_trough'; allowed: follow_through, rounding, "
        "imprecise, slip, other_convention (did you mean follow_through?)",
        f"{f}:{at + 9}: grading.credit.rounding: 2 is out of range; allowed from 0 to 1",
    ]
    r = run("check", f, DATA / "cy.yaml")
    assert r.exit_code == 2 and "Traceback" not in r.output and len(lines_of(r.output)) == 5
    zh = run("check", f, DATA / "cy.yaml", "--lang", "zh")
    assert zh.exit_code == 2 and "（你是指 tolerance 吗？）" in zh.output and len(lines_of(zh.output)) == 5


def test_a_grading_section_whose_only_mistake_is_an_id_is_refused_by_check_at_its_line(tmp_path):
    f = tmp_path / "p.yaml"
    text = TANH.read_text(encoding="utf-8")
    f.write_text(text + "grading:\n  items: [delta_6, delta_99]\n", encoding="utf-8")
    assert run("solve", f).exit_code == 0                     # the solution does not depend on the grading
    r = run("check", f, DATA / "cy.yaml")
    assert r.exit_code == 2 and "Traceback" not in r.output
    (line,) = lines_of(r.output)
    assert line.startswith(f"Error: {f}:{len(text.splitlines()) + 2}: grading.items[1]: 'delta_99' is not a quantity")


def test_more_than_twenty_mistakes_are_cut_with_how_many_more(tmp_path):
    f = tmp_path / "r.yaml"
    f.write_text("credit:\n" + "".join(f"  luck{n}: 1\n" for n in range(25)), encoding="utf-8")
    with pytest.raises(SymbackpropError) as err:
        load_rubric(f, Rubric())
    got = str(text_of(err.value)).splitlines()
    assert len(got) == 21 and got[0] == f"{f}:2: rubric.credit.luck0: unknown kind 'luck0'; allowed: follow_through, " \
                                       "rounding, imprecise, slip, other_convention"
    assert got[19].startswith(f"{f}:21: rubric.credit.luck19:") and got[20] == "… and 5 more (the first 20 are shown)"


def test_the_ids_are_asked_for_only_when_the_rubric_has_other_mistakes(tmp_path):
    """An id alone is the checker's to say (the problem is solved there anyway): reading a rubric file never
    solves the problem unless another mistake is to be reported."""
    f = tmp_path / "r.yaml"
    f.write_text("items: {delta_6: 2, delta_99: 1}\n", encoding="utf-8")
    asked = []
    rubric = load_rubric(f, Rubric(), known=lambda: asked.append(1) or {"delta_6"})
    assert asked == [] and rubric.items == {"delta_6": 2.0, "delta_99": 1.0}
    assert rubric.origins["delta_99"] == (str(f), "rubric.items.delta_99", 1)
    f.write_text("items: {delta_6: 2, delta_99: 1}\ncredit: {slip: 2}\n", encoding="utf-8")
    with pytest.raises(SymbackpropError) as err:
        load_rubric(f, Rubric(), known=lambda: network_ids(parse_problem(TANH.read_text(encoding="utf-8"))))
    assert [line.split(": ")[1] for line in str(text_of(err.value)).splitlines()] == \
        ["rubric.items.delta_99", "rubric.credit.slip"]


@pytest.mark.slow       # (solves a graph)
def test_a_graph_rubric_id_gets_a_hint_and_the_graph_ids_as_examples(tmp_path):
    rubric = tmp_path / "r.yaml"
    rubric.write_text("items: {grad_ss: 1}\ncredit: {slip: 3}\n", encoding="utf-8")
    r = run("check", DATA / "graph.yaml", DATA / "graph_answers.yaml", "--rubric", rubric)
    assert r.exit_code == 2 and "Traceback" not in r.output
    first, second = lines_of(r.output)
    assert first.startswith(f"Error: {rubric}:1: rubric.items.grad_ss: 'grad_ss' is not a quantity of this problem; "
                            "items are quantity ids such as grad_L, grad_W") and first.endswith("(did you mean grad_s?)")
    assert second == f"{rubric}:2: rubric.credit.slip: 3 is out of range; allowed from 0 to 1"


@pytest.mark.slow       # (grade)
def test_grade_refuses_a_grading_id_in_one_error_before_any_worker(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(TANH.read_text(encoding="utf-8") + "grading:\n  items: {delta_6: 1, delta_99: 1, deltaa_4: 1}\n",
                 encoding="utf-8")
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "cy.yaml").write_text("delta_6: -1.3696\n", encoding="utf-8")
    r = run("grade", f, folder, "-o", tmp_path / "gb.csv", "--jobs", "1")
    assert r.exit_code == 2 and "Traceback" not in r.output and "internal error" not in r.output, r.output
    assert "'delta_99' is not a quantity" in r.output and "(did you mean delta_4?)" in r.output
    assert not (tmp_path / "gb.csv").exists()
