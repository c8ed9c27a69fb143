"""Issue 12, session 12 (gcheck): checking answers to computation graphs.

1. chain-rule links of nodes with subscripted names (`\\frac{\\partial L}{\\partial h_{2}} \\frac{\\partial h_{2}}
   {\\partial a_{2}}`, `∂h_2/∂a_2`, `\\frac{\\partial a_{2}(w, x_{2}, u, h_{1})}{\\partial w}`) are read and judged,
   so the worked solution of an unrolled RNN (tests/data/gcheck12/rnn.yaml) reads back entirely right, in Chinese
   too (its full check-back in LaTeX and Markdown is tests/test_trial11_fixes.py's slow check-back);
2. a rule link with a given entry of a vector or matrix written as its number (`∂L/∂y · 2` for ∂L/∂b_2, x_2 = 2)
   is judged on problems where that entry keeps its value, as a network's given is pinned;
3. a ∂-fraction that names nothing of the solution (an input on top, `∂x/∂q`; `∂q/∂q`; `∂L/∂t` of an input
   that is no parameter) is said in the catalogue's words, en and zh; so is the parser's "Unrecognized symbol".

Values by hand (rnn.yaml: x1 = 1, x2 = −0.5, h0 = 0.2, w = 0.5, u = −0.3, v = 1.5, t = 0.4):
a1 = 0.5·1 − 0.3·0.2 = 0.44, h1 = tanh(0.44) ≈ 0.41364, a2 = 0.5·(−0.5) − 0.3·0.41364 ≈ −0.37409,
h2 = tanh(a2) ≈ −0.35757, y = 1.5·h2 ≈ −0.53636, L = (y − 0.4)²/2 ≈ 0.43838; ∂L/∂y = y − t ≈ −0.93636,
∂L/∂h2 = 1.5·∂L/∂y ≈ −1.40453, ∂L/∂a2 = ∂L/∂h2·(1 − h2²) ≈ −1.22495 (test_rnn_values_by_a_second_path
recomputes these with math.tanh and the parameters' gradients by central differences).
problems/quadratic.yaml: x = (1, 2, −1), y = 0.5, ∂L/∂y = 2(y − t) = −1, ∂L/∂b_i = ∂L/∂y·x_i = −1, −2, 1.
problems/circuit.yaml: q = x + y = 3, f = q·z = −12, ∂f/∂q = z = −4, ∂f/∂x = ∂f/∂y = −4, ∂f/∂z = q = 3.
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from conftest import PROBLEMS, check_graph

from symbackprop.answers.latex import parser_message
from symbackprop.messages import say

RNN = Path(__file__).resolve().parent / "data" / "gcheck12" / "rnn.yaml"
GIVEN = {"x1": 1.0, "x2": -0.5, "h0": 0.2, "w": 0.5, "u": -0.3, "v": 1.5, "t": 0.4}


def _loss(g: dict) -> tuple[float, dict]:
    a1 = g["w"] * g["x1"] + g["u"] * g["h0"]
    h1 = math.tanh(a1)
    a2 = g["w"] * g["x2"] + g["u"] * h1
    h2 = math.tanh(a2)
    y = g["v"] * h2
    return (y - g["t"]) ** 2 / 2, {"a1": a1, "h1": h1, "a2": a2, "h2": h2, "y": y}


def test_rnn_values_by_a_second_path(graph_checker_of):
    items = {k: float(v) for k, (v, _) in graph_checker_of(RNN).items.items()}
    L, nodes = _loss(GIVEN)
    assert items["L"] == pytest.approx(L, abs=1e-12) and round(L, 4) == 0.4384
    for name, value in nodes.items():
        assert items[name] == pytest.approx(value, abs=1e-12)
    assert items["grad_a2"] == pytest.approx((nodes["y"] - 0.4) * 1.5 * (1 - nodes["h2"] ** 2), abs=1e-12)
    h = 1e-6
    for p in ("w", "u", "v"):
        fd = (_loss({**GIVEN, p: GIVEN[p] + h})[0] - _loss({**GIVEN, p: GIVEN[p] - h})[0]) / (2 * h)
        assert items[f"grad_{p}"] == pytest.approx(fd, abs=1e-7)


def _links(v) -> list[tuple[str, bool]]:
    return [(lk.kind, lk.ok) for lk in v.links]


def test_links_of_subscripted_nodes_are_read_and_judged(graph_checker_of, tmp_path):
    """Every way the solution (and a student) writes ∂L/∂h2·∂h2/∂a2 is read as a rule and judged: right
    when it is the item's rule, wrong when another local partial stands in (∂h1/∂a1 = 1 − h1², not 1 − h2²)."""
    v = check_graph(graph_checker_of(RNN), tmp_path, "\n".join([
        "$$ \\frac{\\partial L}{\\partial a_{2}} = \\frac{\\partial L}{\\partial h_{2}} \\frac{\\partial h_{2}}"
        "{\\partial a_{2}} = -1.2250 $$",
        "∂L/∂h_1 = ∂L/∂a_2·∂a_2/∂h_1 = ∂L/∂a_2·u = 0.3675",
        "$$ \\frac{\\partial L}{\\partial w} = \\frac{\\partial L}{\\partial a_{1}} \\frac{\\partial a_{1}}{\\partial w}"
        " + \\frac{\\partial L}{\\partial a_{2}} \\frac{\\partial a_{2}(w, x_{2}, u, h_{1})}{\\partial w} = 0.9171 $$",
        "∂L/∂u = ∂L/∂a1·∂a1/∂u + ∂L/∂a2·∂a2(w, x2, u, h1)/∂u = -0.4458",
        "$$ \\frac{\\partial L}{\\partial a_{1}} = \\frac{\\partial L}{\\partial h_{1}} \\frac{\\partial h_{2}}"
        "{\\partial a_{2}} = 0.3046 $$",
    ]) + "\n", ".md").verdicts
    for qid in ("grad_a2", "grad_h1", "grad_w", "grad_u"):
        assert v[qid].status == "correct" and all(ok for _, ok in _links(v[qid])), (qid, v[qid])
        assert ("rule", True) in _links(v[qid]) and "not read" not in v[qid].message
    assert v["grad_a1"].status == "slip" and ("rule", False) in _links(v["grad_a1"]), v["grad_a1"]


@pytest.mark.slow
def test_the_rnn_solution_reads_back_in_chinese(graph_checker_of, tmp_path):
    """`solve rnn.yaml --format markdown`, checked back: full marks, every link judged right, and the Chinese
    report says nothing in the parser's English ("Unrecognized symbol", the trial's)."""
    from click.testing import CliRunner

    from symbackprop.cli import main
    from symbackprop.render.report import render_text
    r = CliRunner().invoke(main, ["solve", str(RNN), "--format", "markdown"], catch_exceptions=False)
    assert r.exit_code == 0
    checked = check_graph(graph_checker_of(RNN), tmp_path, r.output, ".md")
    assert checked.problems == []
    rep = checked.reports[0]
    assert rep.score == rep.max_score == 14 and not rep.missing
    assert all(lk.ok for v in rep.verdicts for lk in v.links), [v for v in rep.verdicts if not v.full_marks]
    zh = render_text(checked.reports, "sol.md", checked.problems, lang="zh")
    assert "Unrecognized" not in zh and "未能读取" not in zh and "14 / 14" in zh


def test_a_given_vector_entry_written_as_its_number_is_pinned(graph_checker_of, tmp_path):
    """x = (1, 2, −1): `∂L/∂y · 2` is ∂L/∂b_2's rule with x_2 written as 2 (right); for ∂L/∂b_3 it is not
    (x_3 = −1); `q + b_1 + 2 b_2 - b_3 + c` is y's rule with x written in."""
    v = check_graph(graph_checker_of(PROBLEMS / "quadratic.yaml"), tmp_path, "\n".join([
        "$\\frac{\\partial L}{\\partial b_{2}} = \\frac{\\partial L}{\\partial y} \\cdot 2 = -2$",
        "$\\frac{\\partial L}{\\partial b_{3}} = \\frac{\\partial L}{\\partial y} \\cdot 2 = 1$",
        "$\\frac{\\partial L}{\\partial b_{1}} = \\frac{\\partial L}{\\partial y} \\cdot 1 = -1$",
        "$y = q + b_1 + 2 b_2 - b_3 + c = 0.5$",
    ]) + "\n", ".md").verdicts
    for qid in ("grad_b_2", "grad_b_1", "y"):
        assert v[qid].status == "correct" and _links(v[qid])[0] == ("rule", True), (qid, v[qid])
    assert v["grad_b_3"].status == "slip" and _links(v["grad_b_3"])[0] == ("rule", False)


@pytest.mark.parametrize("link, en, zh", [
    ("\\frac{\\partial f}{\\partial q} \\frac{\\partial x}{\\partial q}",
     "∂x/∂q: x is an input of the graph (given), not computed from q", "x 是图的输入"),
    ("\\frac{\\partial f}{\\partial q} \\cdot ∂z/∂y", "∂z/∂y: z is an input of the graph", "z 是图的输入"),
    ("\\frac{\\partial f}{\\partial q} \\frac{\\partial q}{\\partial q}", "∂q/∂q: a quantity differentiated by "
     "itself is 1", "对自身的导数是 1"),
    ("\\frac{\\partial f}{\\partial zz} \\cdot 1", "is no derivative of this graph's solution", "不是这个图的解中的导数"),
])
def test_a_fraction_of_no_quantity_is_said_in_words(graph_checker_of, tmp_path, link, en, zh):
    v = check_graph(graph_checker_of(PROBLEMS / "circuit.yaml"), tmp_path,
                    f"$\\frac{{\\partial f}}{{\\partial x}} = {link} = -4$\n", ".md").verdicts["grad_x"]
    unread = [lk.message for lk in v.links if lk.kind == "unread"]
    assert len(unread) == 1 and en in unread[0], v
    assert zh in say(unread[0], "zh") and "Derivative" not in say(unread[0], "zh")


def test_the_parsers_unrecognized_symbol_is_in_the_catalogue():
    said = parser_message("Unrecognized symbol")
    assert say(said, "en").startswith("a symbol that cannot be read here")
    assert "无法读取的符号" in say(said, "zh") and "Unrecognized" not in say(said, "zh")


# -- 4. whole-matrix working ------------------------------------------------------------------------------------
def test_a_matrix_product_is_worked_out_entry_by_entry():
    from symbackprop.answers.graph_matrix import worked_matrix
    col = "\\begin{bmatrix}1 \\\\ 2 \\\\ -1\\end{bmatrix}"
    m = worked_matrix(f"-1 \\cdot {col}{col}^T")          # −x xᵀ: 3×3, entry (1, 2) = (−1)·1·2
    assert [len(m), len(m[0])] == [3, 3] and m[0][1] == "(-1) \\cdot (1) \\cdot (2)"
    m = worked_matrix("[[1, 2], [3, 4]] [[1], [-1]] - [[0], [1]]")      # A x − t, 2×1
    assert m == [["((1) \\cdot (1) + (2) \\cdot (-1)) - ((0))"], ["((3) \\cdot (1) + (4) \\cdot (-1)) - ((1))"]]
    assert worked_matrix(f"{col}{col}") is None                       # 3×1 times 3×1: shapes do not fit
    assert worked_matrix(f"({col} + {col})^T {col}") is None           # a bracket of matrices: not followed
    assert worked_matrix("\\frac{\\partial L}{\\partial y} x x^T") is None   # no matrix written out


QUAD_A = ("$$\\frac{\\partial L}{\\partial A} = \\frac{\\partial L}{\\partial y} x x^T = %s \\cdot \\begin{bmatrix}1 \\\\ "
          "2 \\\\ -1\\end{bmatrix}\\begin{bmatrix}1 \\\\ %s \\\\ -1\\end{bmatrix}^T = \\begin{bmatrix}%s & -2 & 1 \\\\ "
          "-2 & -4 & 2 \\\\ 1 & 2 & -1\\end{bmatrix}$$\n")


def test_whole_matrix_working_is_judged_as_single_values(graph_checker_of, tmp_path):
    """∂L/∂A = ∂L/∂y·x xᵀ with ∂L/∂y = −1, x = (1, 2, −1): the written product judged entry by entry: right;
    a sign slipped in the written x (its 2 as −2) with the right values: a slip at the entries of column 2;
    the student's own ∂L/∂y = −2 put in (twice the right −1): their values follow from it."""
    quad = graph_checker_of(PROBLEMS / "quadratic.yaml")
    v = check_graph(quad, tmp_path, QUAD_A % ("-1", "2", "-1"), ".md").verdicts
    assert all(v[f"grad_A_{r}_{c}"].status == "correct" for r in (1, 2, 3) for c in (1, 2, 3))
    assert _links(v["grad_A_1_2"]) == [("numbers", True), ("value", True)]
    v = check_graph(quad, tmp_path, QUAD_A % ("-1", "-2", "-1"), ".md").verdicts
    assert v["grad_A_1_2"].status == "slip" and _links(v["grad_A_1_2"])[0] == ("numbers", False)
    assert v["grad_A_1_1"].status == "correct"                     # column 1 does not use x_2
    own = ("$$\\frac{\\partial L}{\\partial y} = 2(y - t) \\cdot 2 = -2$$\n" +
           (QUAD_A % ("-2", "2", "-2")).replace("& -2 & 1 \\\\ -2 & -4 & 2 \\\\ 1 & 2 & -1",
                                               "& -4 & 2 \\\\ -4 & -8 & 4 \\\\ 2 & 4 & -2"))
    v = check_graph(quad, tmp_path, own, ".md").verdicts
    assert v["grad_y"].status == "wrong"
    assert {v[f"grad_A_{r}_{c}"].status for r in (1, 2, 3) for c in (1, 2, 3)} == {"follow_through"}
    assert _links(v["grad_A_2_2"]) == [("numbers", True), ("value", True)]
