"""Session 12, task Z3 (trial t14 #4, #6): a report's Markdown and HTML never typeset a name inside the
student's own LaTeX (`\\frac{\\partial E}{\\partial y_5}` stays whole, not `\\partial $y_5$`), and a graph's
own worked solution reads back without a "Not read" for its ⊙ note `∂L/∂z_i = ∂L/∂h_i·∂h_i/∂z_i`, a rule
over an index letter (as a network's ∂L/∂net_j is).

Problems: problems/threshold.yaml in the trial's notation (y, E, α, δ = −∂E/∂net, from_to), and the trial's
graph p/mlpgraph.yaml (z = Wx + b, h = relu(z), y = v·h, L = (y − t)²/2), copied below.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.answers.graph_answers import graph_ids
from symbackprop.answers.graph_names import GraphNames
from symbackprop.cli import main
from symbackprop.graph import parse_graph, solve_graph
from symbackprop.messages import said
from symbackprop.render import mathspans

ROOT = Path(__file__).resolve().parent.parent
THRESHOLD = ROOT / "problems" / "threshold.yaml"

MLPGRAPH = """\
title: One layer with a matrix, ReLU, squared error
model: graph
inputs:
  x: [1, -2]
  W: [[0.5, -1], [2, 0.25], [-1, 1]]
  b: [0.1, -0.5, 0.2]
  v: [1, -2, 0.5]
  t: 2
parameters: [W, b, v]
nodes:
  z: W*x + b
  h: relu(z)
  y: dot(v, h)
  L: (y - t)^2/2
output: L
"""

FRAC = r"\frac{\partial E}{\partial y_5}"


def _math_runs(md: str) -> list[str]:
    """The $…$ spans of a Markdown text (its \\$ left out)."""
    return re.findall(r"(?<!\\)\$([^$]+)\$", md)


def test_students_latex_in_a_message_is_words_and_the_tools_names_are_maths():
    text = said("writeup.intermediate", line=2, name=FRAC, output="y_5", delta="δ_5")
    md = mathspans.markdown(text)
    assert FRAC in md                                          # the student's LaTeX whole, as written
    assert _math_runs(md) == ["y_5", r"\delta_5"]               # only the tool's own names typeset
    page = mathspans.html(text)
    assert FRAC in page and page.count("<math") == 2
    # a command and the words after it up to the sentence's own: `\Delta w_{04}` whole, no $w_{04}$
    md = mathspans.markdown(r"line 7: \Delta w_{04} = 0.1 \times 0.2: not a quantity; δ_4 = 0.1")
    assert r"\Delta w_{04} = 0.1 \times 0.2:" in md and _math_runs(md) == [r"\delta_4 = 0.1"]
    # no LaTeX: unchanged (the tool's formulas still one span each)
    assert _math_runs(mathspans.markdown("w_{35}^new = w_{35} + Δw_{35}")) == [r"w_{35}^{\text{new}} = w_{35} + \Delta w_{35}"]


@pytest.fixture
def neg(tmp_path):
    """The Negnevitsky notation of the trial's p/neg.yaml on problems/threshold.yaml's numbers."""
    text = THRESHOLD.read_text(encoding="utf-8").replace(
        "notation: {weight: to_from}",
        "notation: {weight: from_to, delta: minus_dJ_dnet, activation_symbol: y, loss_symbol: E, "
        "learning_rate_symbol: alpha}")
    assert "activation_symbol: y" in text
    problem = tmp_path / "neg.yaml"
    problem.write_text(text, encoding="utf-8")
    student = tmp_path / "ivan.tex"                 # the trial's cls/neg/ivan.tex, its first lines
    student.write_text("\\section*{Q2}\n"
                       f"\\[ {FRAC} = y_5 - t_5 = 0.5097 \\]\n"
                       f"\\[ \\delta_5 = {FRAC}\\frac{{\\partial y_5}}{{\\partial net_5}} = (y_5 - t_5)\\, y_5 (1-y_5)"
                       " = 0.5097 \\times 0.2499 = 0.1274 \\]\n", encoding="utf-8")
    return problem, student


def test_feedback_keeps_the_students_latex_whole_in_markdown_and_html(neg):
    problem, student = neg
    md = CliRunner().invoke(main, ["check", str(problem), str(student), "--format", "markdown"])
    assert md.exit_code == 1, md.output
    assert "Not read: line 2:" in md.output and FRAC in md.output
    assert "$y_5$}" not in md.output and "\\partial $" not in md.output
    assert "$\\delta_5$" in md.output                         # the item's own name is still maths
    page = CliRunner().invoke(main, ["check", str(problem), str(student), "--format", "html"])
    assert page.exit_code == 1, page.output
    assert "partial <math" not in page.output and FRAC in page.output


@pytest.fixture(scope="module")
def graph_sol():
    return solve_graph(parse_graph(MLPGRAPH))


def test_index_letter_rules_are_known_by_the_graph(graph_sol):
    names = GraphNames(graph_sol, graph_ids(graph_sol))
    for rule in (r"\partial L/\partial z_{i}", "∂L/∂z_i", r"\frac{\partial L}{\partial h_i}", r"\partial L/\partial W_{ij}",
                 r"\frac{\partial L}{\partial W_{i,j}}"):
        assert names.general_index(rule), rule
    # an entry (z_3), a name no node has (q_i), a scalar (y_i), an index letter that is a node's name (z_t)
    for other in (r"\partial L/\partial z_{3}", r"\partial L/\partial q_i", r"\partial L/\partial y_i",
                  r"\partial L/\partial z_t", "z_i"):
        assert not names.general_index(other), other


def test_graph_solution_reads_back_without_not_read(tmp_path):
    problem = tmp_path / "mlpgraph.yaml"
    problem.write_text(MLPGRAPH, encoding="utf-8")
    for suffix in (".md", ".tex"):
        out = tmp_path / f"g{suffix}"
        solved = CliRunner().invoke(main, ["solve", str(problem), "-o", str(out)])
        assert solved.exit_code == 0, solved.output
        assert "z_{i}" in out.read_text(encoding="utf-8")        # the ⊙ note is there to be passed over
        checked = CliRunner().invoke(main, ["check", str(problem), str(out)])
        assert checked.exit_code == 0, checked.output
        assert "Not read" not in checked.output and "Score: 27 / 27" in checked.output
    # the same index rule with a name that is none of the graph's is still said
    odd = tmp_path / "odd.md"
    odd.write_text("$\\partial L/\\partial q_{i} = \\partial L/\\partial h_{i} \\cdot 2$\n\n"
                   "$\\frac{\\partial L}{\\partial b_{1}} = 0$\n", encoding="utf-8")
    checked = CliRunner().invoke(main, ["check", str(problem), str(odd)])
    assert "Not read: line 1" in checked.output, checked.output
