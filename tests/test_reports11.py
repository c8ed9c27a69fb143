"""Issue 12, session 11 (reports): check and grade reports name a graph's items as its solution does and
typeset them as maths; one formula is one maths span; the class summary counts a slip apart and a matrix
of the wrong shape as missed; an empty graph answers file says so (trial t10 #11, #19, #14, #15, #33).

Every expected value is worked by hand from problems/quadratic.yaml (y = xᵀAx + b·x + c, L = (y − t)²,
x = (1, 2, −1), A = [[1, 0, 2], [0, 1, −1], [1, 0.5, 0]], b = (0.5, −1, 2), c = 1, t = 1):
M = xᵀA = (0, 1.5, 0), q = M·x = 3, b·x = 0.5 − 2 − 2 = −3.5, y = 3 − 3.5 + 1 = 0.5, L = 0.25,
∂L/∂y = 2(y − t) = −1, ∂L/∂A = ∂L/∂y·xxᵀ (3×3). A student with q = 4 has y = 4 − 3.5 + 1 = 1.5 from it.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.answers.checker import PartReport, Verdict
from symbackprop.answers.graph_answers import GraphChecker
from symbackprop.answers.graph_names import item_name
from symbackprop.cli import main
from symbackprop.errors import SymbackpropError
from symbackprop.grade import StudentResult, summary_markdown, summary_text
from symbackprop.graph import load_graph, parse_graph, solve_graph
from symbackprop.messages import msg, said
from symbackprop.render import mathspans
from symbackprop.render.report import render_html, render_markdown, render_text

ROOT = Path(__file__).resolve().parent.parent
QUADRATIC = ROOT / "problems" / "quadratic.yaml"


@pytest.fixture(scope="module")
def quadratic():
    return solve_graph(load_graph(QUADRATIC))


@pytest.fixture(scope="module")
def checked(quadratic, parser, tmp_path_factory):
    """One student's answers to the quadratic graph, checked once for the module: q wrong (4 for 3), y
    following from it (1.5), ∂L/∂A given 2×2 (3×3 expected), a key close to ∂L/∂q, the rest left out."""
    path = tmp_path_factory.mktemp("reports11") / "hank.yaml"
    path.write_text("q: 4\ny: 1.5\ngrad_A: [[1, 2], [3, 4]]\ngrad_qq: 1\n", encoding="utf-8")
    checker = GraphChecker(quadratic, parser=parser)
    reports, problems = checker.check_file(path)
    return reports, problems


def test_graph_items_are_named_as_the_solution_names_them(quadratic):
    assert [item_name(q, quadratic) for q in ("q", "M_2", "grad_y", "grad_b_1", "grad_A_1_2", "grad_M_3")] == \
        ["q", "M_2", "∂L/∂y", "∂L/∂b_1", "∂L/∂A_{12}", "∂L/∂M_3"]
    greek = solve_graph(parse_graph("model: graph\ninputs: {x1: 2, theta0: 1}\nparameters: [theta0]\n"
                                    "nodes: {J: theta0*x1}\noutput: J\n"))
    assert item_name("grad_theta0", greek) == "∂J/∂θ_0" and item_name("theta0", greek) == "θ_0"
    assert item_name("grad_nothing", greek) == "grad_nothing"          # no quantity: the id itself


def test_graph_report_names_items_as_maths_in_every_format(checked):
    reports, problems = checked
    (r,) = reports
    v = {x.qid: x for x in r.verdicts}
    assert v["q"].name == "q" and v["q"].status == "wrong"
    assert v["y"].status == "follow_through" and v["y"].message == "follows from your q (the first error)"
    assert r.missing_names["grad_y"] == "∂L/∂y" and r.missing_names["L"] == "L"
    assert problems == ["main: grad_qq: not a quantity of this problem (did you mean ∂L/∂q or ∂L/∂y?)"]

    text = render_text(reports, "hank.yaml", problems)
    assert "First error: q" in text and "Left out: M_1, M_2, M_3, L, ∂L/∂y," in text
    md = render_markdown(reports, "hank.yaml", problems)
    assert "| $q$ | `4` | 3 | WRONG |" in md and "| $y$ | `1.5` | 0.5 | follow-through |" in md
    assert "follows from your $q$ (the first error)" in md            # a one-letter name in a diagnosis
    assert "First error: $q$" in md
    assert "Left out: $M_1$, $M_2$, $M_3$, $L$, $\\partial L/\\partial y$, $\\partial L/\\partial q$," in md
    assert "(did you mean $\\partial L/\\partial q$ or $\\partial L/\\partial y$?)" in md
    zh = render_markdown(reports, "hank.yaml", problems, lang="zh")
    assert "由你的 $q$（第一个错误）得出" in zh and "第一个错误：$q$" in zh
    assert "（你是指 $\\partial L/\\partial q$ 或 $\\partial L/\\partial y$ 吗？）" in zh
    page = render_html(reports, "hank.yaml", problems)
    assert '<td><math xmlns="http://www.w3.org/1998/Math/MathML" alttext="q"><mi>q</mi></math></td>' in page
    assert 'First error: <math xmlns="http://www.w3.org/1998/Math/MathML" alttext="q">' in page
    assert 'alttext="∂L/∂A_{11}"' in page
    for out in (text, md, page):                                       # no item is named by its id
        assert not re.search(r"\bgrad_(?!qq)", out), out


def test_wrong_shape_is_answered_and_missed_in_the_summary(checked):
    reports, problems = checked
    (r,) = reports
    shaped = [x for x in r.verdicts if x.qid.startswith("grad_A_")]
    assert len(shaped) == 9 and "grad_A_1_1" not in r.missing
    assert all(x.status == "wrong" and x.diagnosis == "shape" and x.score == 0 for x in shaped)
    assert shaped[0].message == ("∂L/∂A: a 2×2 matrix given where a 3×3 matrix is expected (a matrix is a list "
                                 "of rows of equal length, a vector a list)")
    summary = summary_markdown([StudentResult("hank", "hank.yaml", reports, problems=problems)], graph=True)
    # answered 1, right 0, follow-through 0, imprecise 0, missed 1, left out 0; diagnosed `shape` (in words, leftb)
    assert "| main | ∂L/∂A_{11} | 1 | 0 | 0 | 0 | 1 | 0 | `[[1, 2], [3, 4]]` ×1 | wrong shape ×1 |" \
        in summary
    assert "| main | q | 1 | 0 | 0 | 0 | 1 | 0 | `4` ×1 |" in summary


def _verdict(qid: str, name: str, given: str, status: str, diagnosis: str | None, credit: float) -> Verdict:
    return Verdict(qid, name, given, -0.1274, "-0.1274", status, 1.0, credit, diagnosis=diagnosis,
                   message=said("diagnosis.working_wrong", why="x") if status == "slip" else "wrong: sign")


def test_summary_counts_a_slip_apart_from_wrong_answers():
    """δ_5 = −0.1274 is the right value; one student's working was wrong (a slip), another's value."""
    def result(student: str, v: Verdict) -> StudentResult:
        return StudentResult(student, f"{student}.yaml",
                             [PartReport("main", (v,), (), 1.0, missing_names={}, item_points={"delta_5": 1.0})])
    results = [result("eve", _verdict("delta_5", "δ_5", "-0.1274", "slip", "working", 0.5)),
               result("dan", _verdict("delta_5", "δ_5", "0.1274", "wrong", "sign", 0.0))]
    md = summary_markdown(results)
    row = next(line for line in md.splitlines() if line.startswith("| main |"))
    assert row == "| main | δ_5 | 2 | 0 | 0 | 0 | 2 | 0 | `0.1274` ×1, right value, wrong working ×1 | " \
                  "working ×1, sign ×1 |"
    assert "-0.1274" not in row                                        # the right value is no wrong answer
    assert "值对、过程错 ×1" in summary_text(results, lang="zh")


def test_one_formula_is_one_maths_span_and_every_item_name_is_maths():
    for lang in ("en", "zh"):
        md = mathspans.markdown(msg(lang, "diagnosis.bias_plus_one"))
        assert re.findall(r"\$[^$]*\$", md) == ["$\\mathrm{net} = \\sum w\\cdot x - \\theta$"], md
    v = Verdict("dtheta_5", "Δθ_5", "0.0127", -0.0127, "-0.0127", "wrong", 1.0, 0.0, diagnosis="bias_plus_one",
                message=said("diagnosis.bias_plus_one"))
    r = PartReport("main", (v,), ("E", "net_3"), 3.0, first_error="dtheta_5",
                   missing_names={"E": "E", "net_3": "net_3"})
    md = render_markdown([r], "dan.yaml", [])
    assert "Left out: $E$, $\\mathrm{net}_3$" in md and "First error: $\\Delta\\theta_5$" in md
    assert "(threshold: $\\mathrm{net} = \\sum w\\cdot x - \\theta$)" in md
    assert "Left out: E, net_3" in render_text([r], "dan.yaml", [])     # the text report is plain
    # a name is typeset from its own small alphabet only: anything else stays words
    assert mathspans.is_name("∂L/∂A_{12}") and mathspans.is_name("w_{35}^new")
    assert not mathspans.is_name("a $b$") and not mathspans.is_name("\\frac{1}{2}") and not mathspans.is_name("x_{1,2}")


def test_an_empty_graph_answers_file_says_so_with_an_id_of_the_problem(quadratic, tmp_path):
    empty = tmp_path / "jo.yaml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(SymbackpropError) as err:
        GraphChecker(quadratic).check_file(empty)
    assert str(err.value) == f"{empty}: the file is empty: no answers; write one line per item, e.g. grad_y: …"
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(QUADRATIC), str(listed), "--lang", "zh"])
    assert result.exit_code == 2
    assert "list.yaml：应为编号到值的映射，例如 grad_y: …" in result.output
    assert "grad_x" not in result.output
