"""Issue 12, session 11 (leftb): small leftovers of graph checking reports.

1. a ∂-fraction of a node by a name that is not its operand (∂q/∂z, q = x + y) is said in words, not SymPy's;
2. a matrix answered in the wrong shape: every entry WRONG `shape`, the full message on the first entry only;
3. the graph-only diagnosis codes are words in the English class summary, as in the Chinese one;
4. the formula a factor 2 / ½ message quotes (L = (y - t)^2) is one maths span in Markdown and HTML.

Values by hand: problems/circuit.yaml, x = −2, y = 5, z = −4, q = x + y = 3, f = q·z = −12, ∂f/∂q = z = −4,
∂f/∂x = ∂f/∂q·∂q/∂x = −4. problems/quadratic.yaml: y = 0.5, t = 1, L = (y − t)², ∂L/∂y = 2(y − t) = −1, so
−0.5 is half of it (the 2 of the square left out) and −2 twice it; ∂L/∂A is 3×3.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import check_graph

from symbackprop.grade import StudentResult, summary_markdown, summary_text
from symbackprop.messages import msg, say
from symbackprop.render import mathspans
from symbackprop.render.report import render_html, render_json, render_markdown, render_text

ROOT = Path(__file__).resolve().parent.parent
# the graphs of this file, for the module's graph_checker_of (conftest.py)
SOURCES = {"circuit": ROOT / "problems" / "circuit.yaml", "quadratic": ROOT / "problems" / "quadratic.yaml"}
FULL = ("∂L/∂A: a 2×2 matrix given where a 3×3 matrix is expected (a matrix is a list of rows of equal length, "
        "a vector a list)")


# -- 1. ∂q/∂z of a node by a name that is not its operand --------------------------------------------------------
def test_fraction_by_a_name_not_an_operand_is_said_in_words(graph_checker_of, tmp_path):
    v, _, _ = check_graph(graph_checker_of(SOURCES["circuit"]), tmp_path, "\n".join([
        'grad_y: "\\\\frac{\\\\partial q}{\\\\partial z}"',
        'grad_x: "\\\\frac{\\\\partial f}{\\\\partial q} \\\\cdot \\\\frac{\\\\partial q}{\\\\partial z} = -4"',
        'grad_z: "∂q/∂x"',
        'grad_q: "\\\\frac{\\\\partial f}{\\\\partial q} = -4"']))
    words = "∂q/∂z: z is not an operand of q (q = x + y)"
    assert v["grad_y"].status == "unreadable" and v["grad_y"].message == words
    assert "Derivative" not in v["grad_y"].message
    assert say(v["grad_y"].message, "zh") == "∂q/∂z：z 不是 q 的运算对象（q = x + y）"
    # a middle link: not read, with the same words; the value -4 still judged right
    assert v["grad_x"].status == "correct"
    (link,) = [lk for lk in v["grad_x"].links if lk.kind == "unread"]
    assert words in link.message
    # ∂q/∂x is a local partial of the graph (x is q's operand): read, it is 1, not ∂f/∂z = 3
    assert v["grad_z"].status != "unreadable" and "operand" not in v["grad_z"].message
    assert v["grad_q"].status == "correct"
    names = graph_checker_of(SOURCES["circuit"]).names
    assert names.not_operand("∂q/∂z") == ("q", "z") and names.not_operand("∂f/∂x") == ("f", "x")
    assert names.not_operand("∂q/∂x") is None and names.not_operand("∂q/∂q") is None   # an operand; itself
    assert names.not_operand("∂x/∂z") is None and names.not_operand("∂q/∂w") is None   # an input; no name


# -- 2. a matrix of the wrong shape: one full message ------------------------------------------------------------
def test_wrong_shape_full_message_once_in_every_format(graph_checker_of, tmp_path):
    v, problems, reports = check_graph(graph_checker_of(SOURCES["quadratic"]), tmp_path, "grad_A: [[1, 2], [3, 4]]\ngrad_b: [1, 2]\n")
    shaped = [x for x in reports[0].verdicts if x.qid.startswith("grad_A_")]
    assert len(shaped) == 9 and all(x.status == "wrong" and x.diagnosis == "shape" and x.credit == 0 for x in shaped)
    assert shaped[0].qid == "grad_A_1_1" and shaped[0].message == FULL
    assert [x.message for x in shaped[1:]] == ["(wrong shape, as above)"] * 8
    assert v["grad_b_1"].message.startswith("∂L/∂b: a list of 2 numbers given") and \
        v["grad_b_2"].message == v["grad_b_3"].message == "(wrong shape, as above)"
    text = render_text(reports, "a.yaml", problems)
    md = render_markdown(reports, "a.yaml", problems)
    page = render_html(reports, "a.yaml", problems)
    data = json.loads(render_json(reports, "a.yaml", problems))
    for out in (text, md, page):
        assert out.count("a 2×2 matrix given where a 3×3 matrix is expected") == 1, out
        assert out.count("(wrong shape, as above)") == 8 + 2
    items = [i for p in data["parts"] for i in p["items"] if i["id"].startswith("grad_A_")]
    assert [i["diagnosis"] for i in items] == ["shape"] * 9
    assert sum("3×3 matrix is expected" in i["message"] for i in items) == 1
    zh = render_text(reports, "a.yaml", problems, lang="zh")
    assert zh.count("（形状不对，同上）") == 10 and zh.count("应为3×3矩阵") + zh.count("应为 3×3") <= 1


# -- 3. graph-only diagnosis codes in words in the class summary -------------------------------------------------
@pytest.mark.parametrize("code", ["factor_half", "factor_two", "transposed", "shape"])
def test_graph_codes_have_words_in_english_and_chinese(code):
    for lang in ("en", "zh"):
        words = msg(lang, f"code.{code}")
        assert words and words != code and "_" not in words


def test_summary_names_graph_diagnoses_in_words(graph_checker_of, tmp_path):
    results = []
    for n, text in enumerate(["grad_y: -0.5\ngrad_A: [[1, 2], [3, 4]]\n", "grad_y: -2\n"]):
        v, problems, reports = check_graph(graph_checker_of(SOURCES["quadratic"]), tmp_path, text)
        results.append(StudentResult(f"s{n}", f"s{n}.yaml", reports, problems=problems))
    assert [v.diagnosis for v in results[0].reports[0].verdicts][:2] == ["factor_half", "shape"]
    assert results[1].reports[0].verdicts[0].diagnosis == "factor_two"
    for summary in (summary_markdown(results, graph=True), summary_text(results, graph=True)):
        assert "half the value (a factor 2 left out) ×1" in summary and "twice the value (a factor 2 too many) ×1" \
            in summary and "wrong shape ×1" in summary
        assert not re.search(r"[|,] (factor_half|factor_two|shape|transposed) ×", summary), summary
    zh = summary_markdown(results, lang="zh", graph=True)
    assert "少了因子 2 ×1" in zh and "多了因子 2 ×1" in zh and "形状不对 ×1" in zh


# -- 4. the formula of a factor message: one maths span ----------------------------------------------------------
def test_factor_formula_is_one_maths_span(graph_checker_of, tmp_path):
    v, problems, reports = check_graph(graph_checker_of(SOURCES["quadratic"]), tmp_path, "grad_y: -0.5\n")
    assert v["grad_y"].diagnosis == "factor_half" and "in L = (y - t)^2?" in v["grad_y"].message
    assert "L = (y - t)^2?" in render_text(reports, "a.yaml", problems)        # plain text as it is
    md = render_markdown(reports, "a.yaml", problems)
    assert "the square in $L = (y - t)^{2}$?)" in md
    page = render_html(reports, "a.yaml", problems)
    spans = re.findall(r'<math [^>]*alttext="([^"]*)"', page)
    assert "L = (y - t)^2" in spans                                             # one MathML formula, whole
    zh = render_markdown(reports, "a.yaml", problems, lang="zh")
    assert "$L = (y - t)^{2}$" in zh


def test_formula_latex_is_built_from_its_tokens_only():
    assert mathspans.formula_latex("J = theta0*x1 + sigy") == r"J = \theta_{0} \cdot x_{1} + \mathit{sigy}"
    assert mathspans.formula_latex("q = x + y") == "q = x + y"
    # anything outside a graph formula's alphabet, or a power of a bracket, stays words: no macro gets in
    for text in ("L = \\frac{1}{2}", "L = (y - t)^(2)", "L = $x$", "L = (y - t…", "q = (x + y"):
        assert mathspans.formula_latex(text) is None
        assert mathspans.formula_markdown(text) == mathspans.markdown(text, cell=True)
    assert mathspans.formula_html("L = $x$") == mathspans.html("L = $x$")


def test_wrong_shape_said_in_full_where_the_first_entry_counts_another_answer(graph_checker_of, tmp_path):
    # grad_A_1_1 answered on its own first (5, wrong) and again in the 2×2 list: of two equally bad answers
    # the first counts, so the shape is said in full at the next entry, ∂L/∂A_{12}, never lost
    v, _, reports = check_graph(graph_checker_of(SOURCES["quadratic"]), tmp_path, "grad_A_1_1: 5\ngrad_A: [[1, 2], [3, 4]]\n")
    assert v["grad_A_1_1"].diagnosis != "shape"
    shaped = [x for x in reports[0].verdicts if x.diagnosis == "shape"]
    assert len(shaped) == 8 and shaped[0].qid == "grad_A_1_2" and shaped[0].message == FULL
    assert all(x.message == "(wrong shape, as above)" for x in shaped[1:])
