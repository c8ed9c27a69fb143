"""Issue 12, trial t10 #3 and #34: a graph's own worked solution reads back as entirely right, and so do
the notations it uses (session 11, gread). The whole check-back, every graph file of problems/ and the
trial's quad.yaml, lin.yaml, kink.yaml in LaTeX and Markdown, is tests/test_trial11_fixes.py's
test_the_tools_own_latex_reads_back_entirely_right (slow); here, one fast test per capability.

Expected values are worked by hand:
- problems/circuit.yaml, f = (x + y)z at x = -2, y = 5, z = -4: q = 3, f = qz = -12, ∂f/∂q = z = -4;
- problems/quadratic.yaml: y = 0.5, ∂L/∂y = 2(y - t) = -1, ∂y/∂q = 1 so ∂L/∂q = -1;
- tests/data/gread11/kink.yaml, w = 0.5, x = 2, b = -1, z = 3: s = wx + b = 0, r = relu(s) = 0,
  m = max(r, s) = 0 (a tie), k = |s| = 0, f = (s - 1.5)m + 0.1kz = 0; ∂f/∂m = s - 1.5 = -1.5,
  ∂f/∂k = 0.1z = 0.3; at the tie the solution takes ∂max/∂r = ∂max/∂s = step(0) = ½ and relu'(0) = 0, so
  ∂f/∂r = -1.5·½ = -0.75, ∂f/∂s = -0.75·0 + (-1.5)·½ + 0.3·sign(0) + m = -0.75,
  ∂f/∂w = ∂f/∂s·x = -1.5;
- tests/data/gread11/cs231n_staged.yaml at x = 3, y = -4: sigy = σ(-4) = 0.0180, num = x + sigy = 3.0180.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_graph

from symbackprop.answers.graph_answers import graph_ids
from symbackprop.answers.graph_names import GraphNames, matrices_as_lists
from symbackprop.graph import parse_graph, solve_graph

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "gread11"
SOURCES = {"circuit": ROOT / "problems" / "circuit.yaml", "quadratic": ROOT / "problems" / "quadratic.yaml",
           "kink": DATA / "kink.yaml", "cs231n": DATA / "cs231n_staged.yaml"}


def unread(v) -> list:
    return [lk.message for lk in v.links if lk.kind == "unread"]


# -- 1. the shape note after a matrix ------------------------------------------------------------------------
def test_a_matrix_own_shape_note_is_dropped_another_stays():
    col = "\\begin{bmatrix}-1 \\\\ -2 \\\\ 1\\end{bmatrix}"
    assert matrices_as_lists(f"b = {col}\\ (3\\times1)") == "b = [[-1], [-2], [1]]"
    assert matrices_as_lists(f"b = {col} (3×1), c = 1") == "b = [[-1], [-2], [1]], c = 1"
    assert matrices_as_lists(f"b = {col}\\ (1\\times3)") == "b = [[-1], [-2], [1]]\\ (1\\times3)"   # not its shape


def test_a_vector_line_of_the_solution_is_read_entry_by_entry(graph_checker_of, tmp_path):
    got, problems, _ = check_graph(graph_checker_of(SOURCES["quadratic"]), tmp_path, suffix=".md",
                            text="$$ \\frac{\\partial L}{\\partial b} = \\frac{\\partial L}{\\partial y} \\cdot x = "
                            "\\begin{bmatrix}-1 \\\\ -2 \\\\ 1\\end{bmatrix}\\ (3\\times1) $$\n")
    assert problems == []
    assert {q: v.status for q, v in got.items()} == {"grad_b_1": "correct", "grad_b_2": "correct",
                                                     "grad_b_3": "correct"}


# -- 2. chain-rule links as products of ∂-fractions ----------------------------------------------------------
def test_local_partials_are_named_by_node_and_operand(graph_checker_of):
    kink = GraphNames(graph_checker_of(SOURCES["kink"]).sol, graph_ids(graph_checker_of(SOURCES["kink"]).sol))
    assert kink.local("\\frac{\\partial m}{\\partial r}") == ("m", "r")
    assert kink.local("∂r/∂s") == ("r", "s")
    assert kink.local("\\frac{\\partial f(s, m, k, z)}{\\partial s}") == ("f", "s")    # the output, with its operands
    assert kink.local("\\frac{\\partial f}{\\partial s}") is None        # the output without them: the total ∂f/∂s
    assert kink.local("\\frac{\\partial f(s, m)}{\\partial s}") is None  # not f's operands
    assert kink.local("\\frac{\\partial m}{\\partial w}") is None        # w is no operand of m


def test_a_product_of_partials_is_upstream_times_local(graph_checker_of, tmp_path):
    got, problems, _ = check_graph(graph_checker_of(SOURCES["quadratic"]), tmp_path, suffix=".md",
                            text="$$ \\frac{\\partial L}{\\partial q} = \\frac{\\partial L}{\\partial y} "
                            "\\frac{\\partial y}{\\partial q} = \\frac{\\partial L}{\\partial y} = -1 $$\n")
    assert problems == [] and got["grad_q"].status == "correct" and unread(got["grad_q"]) == []
    assert [lk.kind for lk in got["grad_q"].links][:1] == ["rule"] and got["grad_q"].links[0].ok
    # ∂s/∂x = w, not x: the rule does not give ∂f/∂w (on the problems solved again at other inputs)
    got, _, _ = check_graph(graph_checker_of(SOURCES["kink"]), tmp_path, suffix=".md", text="$$ \\frac{\\partial f}{\\partial w} = \\frac{\\partial f}"
                     "{\\partial s} \\frac{\\partial s}{\\partial x} = -1.5 $$\n")
    assert got["grad_w"].status == "slip" and "rule does not give ∂f/∂w" in got["grad_w"].message


# -- 3. step at a kink: the values the solution takes --------------------------------------------------------
KINK_R = ("$$ \\frac{\\partial f}{\\partial r} = \\frac{\\partial f}{\\partial m} \\frac{\\partial m}{\\partial r} = "
          "-1.5 \\times \\left(\\operatorname{step}\\left(0 - 0\\right) = 0.5\\right) = -0.75 $$\n")


def test_a_kinks_local_partial_and_stated_step_are_the_solutions(graph_checker_of, tmp_path):
    # ∂m/∂r at the tie is the ½ the solution takes; the stated step(0 - 0) = 0.5 is read as 0.5
    got, problems, _ = check_graph(graph_checker_of(SOURCES["kink"]), tmp_path, suffix=".md", text=KINK_R)
    assert problems == []
    v = got["grad_r"]
    assert v.status == "correct" and unread(v) == [] and all(lk.ok for lk in v.links), v
    # a value of step(0) the solution takes at none of its kinks is said to be wrong
    got, _, _ = check_graph(graph_checker_of(SOURCES["kink"]), tmp_path, suffix=".md", text=KINK_R.replace("= 0.5\\right)", "= 1\\right)"))
    assert got["grad_r"].status == "slip"
    assert "is not right: the value the solution takes for it here is 0, 0.5" in got["grad_r"].message


@pytest.mark.slow
def test_step_of_a_kinks_arguments_takes_the_solutions_values(graph_checker_of, tmp_path):
    # the handout's rules: step(r - s) at the tie r = s is ½, step(s) for relu'(0) is 0, in one rule
    text = ("$$ \\frac{\\partial f}{\\partial r} = \\frac{\\partial f}{\\partial m} \\cdot \\operatorname{step}"
            "\\left(r - s\\right) = -1.5 \\times 0.5 = -0.75 $$\n\n"
            "$$ \\frac{\\partial f}{\\partial s} = \\frac{\\partial f}{\\partial r} \\cdot \\operatorname{step}\\left(s"
            "\\right) + \\frac{\\partial f}{\\partial m} \\cdot \\operatorname{step}\\left(s - r\\right) + "
            "\\frac{\\partial f}{\\partial k} \\cdot \\operatorname{sign}{\\left(s \\right)} + m = -0.75 $$\n")
    got, problems, _ = check_graph(graph_checker_of(SOURCES["kink"]), tmp_path, suffix=".md", text=text)
    assert problems == []
    for q in ("grad_r", "grad_s"):
        assert got[q].status == "correct" and unread(got[q]) == [] and all(lk.ok for lk in got[q].links), got[q]
    # a rule that is not the item's at the kink's convention stays wrong: ∂f/∂m · step(s) is 0 here (relu'(0))
    got, _, _ = check_graph(graph_checker_of(SOURCES["kink"]), tmp_path, suffix=".md", text="$$ \\frac{\\partial f}{\\partial r} = \\frac{\\partial f}"
                     "{\\partial m} \\cdot \\operatorname{step}\\left(s\\right) + 1 = -0.75 $$\n")
    assert got["grad_r"].status == "slip" and "rule does not give ∂f/∂r" in got["grad_r"].message


# -- 4. names: multi-letter names, a product written qz -------------------------------------------------------
def test_names_side_by_side_are_a_product_and_a_declared_name_is_one(graph_checker_of, tmp_path):
    names = GraphNames(graph_checker_of(SOURCES["circuit"]).sol, graph_ids(graph_checker_of(SOURCES["circuit"]).sol))
    assert names.product("qz") == ["q", "z"] and names.product("qw") is None and names.product("max") is None
    got, problems, _ = check_graph(graph_checker_of(SOURCES["circuit"]), tmp_path, suffix=".md", text="2. f = qz = 3(-4) = -12\n")
    assert problems == [] and got["f"].status == "correct" and unread(got["f"]) == [] and got["f"].links[0].ok
    got, _, _ = check_graph(graph_checker_of(SOURCES["circuit"]), tmp_path, suffix=".md", text="2. f = zz = 3(-4) = -12\n")       # z·z is not f
    assert got["f"].status == "slip" and "rule does not give f" in got["f"].message
    small = solve_graph(parse_graph("model: graph\ninputs: {x: 2, y: 3}\nnodes: {sigy: x*y, f: x + sigy}\n", "s.yaml"))
    words = GraphNames(small, graph_ids(small))
    assert words.product("sigy") is None and words.product("xsigy") == ["x", "sigy"] and words.qid("sigy") == "sigy"


@pytest.mark.slow
def test_a_multi_letter_name_is_one_name_also_in_a_font(graph_checker_of, tmp_path):
    got, problems, _ = check_graph(graph_checker_of(SOURCES["cs231n"]), tmp_path, suffix=".md", text="$num = x + \\mathrm{sigy} = 3 + 0.0180 = 3.0180$\n\n"
                            "$f = num \\cdot invden \\approx 1.5456$\n")
    assert problems == []
    for q in ("num", "f"):
        assert got[q].status == "correct" and all(lk.ok for lk in got[q].links), got[q]
