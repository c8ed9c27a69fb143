"""Session 11 (gderive), issue 12 / trial t10 #12 and #20: `derive` on a graph file gives a gradient's
matrix form where its entries factor (∂L/∂A = 2(y − t)·x·xᵀ, ∂L/∂A_ij = 2(y − t)·x_i·x_j), says
"long" only of a gradient with more than 30 terms written out, counted as written; and every mistake
of a graph file is reported in one run (a node's own domain mistake next to a failed operand, a value
too large next to the formula mistakes of the nodes after it).

A gradient written out whose line would not fit across a page (more than 75 characters as the LaTeX
renderer counts them) is called long too, with its width. Numbers worked by hand. problems/quadratic.yaml: x = [1, 2, -1], y = 0.5, t = 1, so 2(y − t) = -1 and
∂L/∂A = -x·xᵀ = [-1, -2, 1; -2, -4, 2; 1, 2, -1], ∂L/∂b = -x = [-1; -2; 1]. Written out in the inputs,
one entry 2·x_i·x_j·(b_1·x_1 + b_2·x_2 + b_3·x_3 + c − t + Σ_ij x_i·A_ij·x_j) has 3 + 2 + 9 = 14 terms:
∂L/∂c 14, ∂L/∂b 3 × 14 = 42, ∂L/∂A 9 × 14 = 126.
"""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import sympy as sp
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.graph import parse_graph, solve_graph
from symbackprop.graph_derive_forms import MAX_FORM_NODES, SHOW_NODES, length, matrix_form, terms
from symbackprop.problem_errors import ProblemErrors

ROOT = Path(__file__).resolve().parent.parent
QUADRATIC = ROOT / "problems" / "quadratic.yaml"


def _run(*args) -> "object":
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def quadratic_text() -> str:
    out = _run("derive", QUADRATIC)
    assert out.exit_code == 0, out.output
    return out.output


# -- #12: the matrix form and the entry form ------------------------------------------------------------

def test_quadratic_derive_shows_the_lectures_matrix_and_entry_forms(quadratic_text):
    lines = [line.strip() for line in quadratic_text.splitlines()]
    grad_a = next(line for line in lines if line.startswith("∂L/∂A = ["))
    assert grad_a.startswith("∂L/∂A = [2·x_1²·(y - t), 2·x_1·x_2·(y - t), 2·x_1·x_3·(y - t); ")
    assert grad_a.endswith("] = 2·(y - t)·x·xᵀ = 2×(0.5 - 1) × [1; 2; -1] × [1, 2, -1]"
                           " = [-1, -2, 1; -2, -4, 2; 1, 2, -1] (3×3)")
    grad_b = next(line for line in lines if line.startswith("∂L/∂b = ["))
    assert grad_b.endswith("] = 2·(y - t)·x = 2×(0.5 - 1) × [1; 2; -1] = [-1; -2; 1] (3×1)")
    assert "Entry by entry: ∂L/∂A_ij = 2·(y - t)·x_i·x_j; ∂L/∂b_i = 2·(y - t)·x_i." in lines
    assert "∂L/∂c = 2·(y - t) = 2×(0.5 - 1) = -1" in lines          # a scalar: no matrix form


def test_long_is_said_with_the_true_count(quadratic_text):
    inputs = quadratic_text.split("written out in the inputs", 1)[1].split("\n\n", 1)[0]
    assert quadratic_text.count("long (") == 3
    assert "∂L/∂A: long (written out in the inputs it has 126 terms, more than 30)" in inputs
    assert "∂L/∂b: long (written out in the inputs it has 42 terms, more than 30)" in inputs
    # ∂L/∂c has 14 terms, but 2·(b_1·x_1 + … + x_3·(A_13·x_1 + A_23·x_2 + A_33·x_3)) is 114 characters wide
    assert ("∂L/∂c: long (written out in the inputs a line of it has 114 characters, more than the 75 that fit "
            "across a page)") in inputs


def test_terms_count_what_is_written():
    a, b, c, d, x, y = sp.symbols("a b c d x y")
    assert terms(x) == 1 and terms(2 * x * y) == 1
    assert terms(2 * x * (a + b + c)) == 3
    assert terms((a + b) * (c + d)) == 4
    assert terms(x * (a + b) + c) == 3
    assert terms(sp.exp(a + b) / (1 + sp.exp(-x))) == 4
    # 2·x_1·x_2·(b·x + c − t + x_1·(…) + x_2·(…) + x_3·(…)): 3 + 2 + 3·3 = 14
    xs, bs = sp.symbols("x1:4"), sp.symbols("b1:4")
    A = sp.Matrix(3, 3, lambda i, j: sp.Symbol(f"A{i}{j}"))
    inner = sum(bi * xi for bi, xi in zip(bs, xs)) + c - d + sum(xs[i] * sum(A[j, i] * xs[j] for j in range(3))
                                                                 for i in range(3))
    assert terms(2 * xs[0] * xs[1] * inner) == 14
    assert length([2 * inner] * 3).terms == 42 and not length([2 * inner]).long and length([2 * inner] * 3).long


def test_a_long_product_without_sums_is_long_by_its_nodes():
    xs = sp.symbols(f"x1:{SHOW_NODES + 2}")
    product = sp.Mul(*xs)
    got = length([product])
    assert got.terms == 1 and got.nodes > SHOW_NODES and got.long


def test_matrix_form_by_hand_and_its_bound():
    from types import SimpleNamespace
    x = SimpleNamespace(name="x", shape=(2, 1), symbol=sp.ImmutableMatrix(sp.symbols("x_1 x_2")))
    v = SimpleNamespace(name="v", shape=(1, 3), symbol=sp.ImmutableMatrix([sp.symbols("v_1 v_2 v_3")]))
    prob = SimpleNamespace(quantities=[x, v])
    (x1, x2), (v1, v2, v3), y = x.symbol, v.symbol, sp.Symbol("y")
    grad = sp.ImmutableMatrix([[3 * y * x1 * v1, 3 * y * x1 * v2, 3 * y * x1 * v3],
                               [3 * y * x2 * v1, 3 * y * x2 * v2, 3 * y * x2 * v3]])
    form = matrix_form(prob, grad, {y: 1, x1: 1, x2: 2, v1: 1, v2: 1, v3: 1})
    assert (form.scale, form.left, form.left_row, form.right, form.right_row) == (3 * y, "x", False, "v", True)
    assert form.vectors(False) == [("x", False), ("v", False)]           # 3·y·x·v: v is a row already
    assert matrix_form(prob, grad.subs(x2, y)) is None                 # entry 2 of x is gone: nothing fits
    big = sp.Add(*sp.symbols(f"z1:{MAX_FORM_NODES}"))                  # one entry past the bound
    assert matrix_form(prob, sp.ImmutableMatrix([big * x1, big * x2])) is None
    assert matrix_form(prob, sp.ImmutableMatrix([y * x1, y * x2])).scale == y


GRAPH_ROW = """\
model: graph
inputs:
  w: [[1, 2, 3]]
  x: [1, 0, -1]
  v: [2, 1]
parameters: [w, x, v]
nodes:
  s: w*x
  u: exp(v)
  L: s^2 + sum(u)
output: L
"""


@pytest.mark.slow
def test_a_row_gradient_factors_with_the_column_transposed_and_none_where_nothing_fits():
    # s = 1 - 3 = -2; ∂L/∂w = 2·s·xᵀ (w a row, x a column); ∂L/∂x = 2·s·wᵀ; ∂L/∂v = [exp(v_1); exp(v_2)]: no form
    from symbackprop.graph_check import derive_graph
    from symbackprop.render.graph import derivation_document
    from symbackprop.render.steps import joined, step_links
    d = derive_graph(solve_graph(parse_graph(GRAPH_ROW, "row.yaml")))
    form = d.forms["w"]
    assert (form.left, form.left_row, form.right) == ("x", False, None)
    assert form.scale == 2 * sp.Symbol("s", real=True)
    assert "v" not in d.forms
    assert matrix_form(d.solution.problem, sp.ImmutableMatrix([[0, 0]])) is None
    part = derivation_document(d).parts[0]
    texts = {s.id: joined(step_links(part.math, s, part.precision)) for s in part.sections[0].steps}
    assert texts["grad_w"] == "∂L/∂w = [2·s·x_1, 2·s·x_2, 2·s·x_3] = 2·s·xᵀ = 2×(-2) × [1, 0, -1] = [-4, 0, 4] (1×3)"
    assert texts["grad_x"].endswith("= 2·s·wᵀ = 2×(-2) × [1; 2; 3] = [-4; -8; -12] (3×1)")
    notes = " ".join(n.plain for n in part.sections[0].notes)
    assert "∂L/∂w_i = 2·s·x_i; ∂L/∂x_i = 2·s·w_i." in notes


@pytest.mark.slow
def test_quadratic_derive_json_and_chinese():
    data = json.loads(_run("derive", QUADRATIC, "--format", "json").output)
    a = data["gradients"]["grad_A"]
    assert a["entry_text"] == "∂L/∂A_ij = 2·(y - t)·x_i·x_j"
    assert a["entry_latex"] == r"\frac{\partial L}{\partial A_{ij}} = 2 \cdot \left(y - t\right) x_{i} x_{j}"
    assert "= 2·(y - t)·x·xᵀ = " in a["text"] and r"x x^{\top}" in a["latex"]
    assert a["value"] == [[-1.0, -2.0, 1.0], [-2.0, -4.0, 2.0], [1.0, 2.0, -1.0]]
    c = data["gradients"]["grad_c"]
    assert "entry_text" not in c and "inputs_text" not in c and "inputs_text" not in a
    zh = _run("derive", QUADRATIC, "--lang", "zh").output
    assert "逐个分量：∂L/∂A_ij = 2·(y - t)·x_i·x_j; ∂L/∂b_i = 2·(y - t)·x_i。" in zh
    assert "用输入展开后共 126 项，超过 30 项" in zh


@pytest.mark.slow
def test_the_json_srepr_names_a_matrix_entry_as_the_text_prints_it(tmp_path):
    path = tmp_path / "wx.yaml"
    path.write_text("model: graph\ninputs:\n  W: [[1, 2], [3, 4]]\n  x: [1, 1]\nparameters: [x]\n"
                    "nodes:\n  h: W*x\n  L: sum(h)\n", encoding="utf-8")
    g = json.loads(_run("derive", path, "--format", "json").output)["gradients"]["grad_x"]
    assert g["inputs_text"] == "∂L/∂x = [W_11 + W_21; W_12 + W_22] = [1 + 3; 2 + 4] = [4; 6] (2×1)"
    assert "Symbol('W_11', real=True)" in g["inputs_srepr"] and "W_1_1" not in g["inputs_srepr"]


@pytest.mark.slow
def test_cs231n_staged_f_is_not_long():
    path = ROOT / "tests" / "data" / "gderive11_cs231n_staged.yaml"
    out = _run("derive", path)
    assert out.exit_code == 0, out.output
    assert "long" not in out.output
    inputs = out.output.split("written out in the inputs", 1)[1]
    assert "∂f/∂x = (1 - (x + 1/(1 + exp(-y)))·(2·x + 2·y + exp(-x)/(1 + exp(-x))²)" in inputs


# -- #20: every mistake of a graph file in one run ---------------------------------------------------------

def _errors(text: str) -> list[str]:
    with pytest.raises(ProblemErrors) as info:
        solve_graph(parse_graph(textwrap.dedent(text), "g.yaml"))
    return [str(e) for e in info.value.errors]


def test_a_node_using_a_failed_node_still_reports_its_own_domain_mistake():
    got = _errors("""\
        model: graph
        inputs: {x: 0}
        nodes:
          a: 1/x
          f: ln(x) + sqrt(x) + a
          g: a + 1
        """)
    assert len(got) == 2                                     # g only uses a: not reported again
    assert got[0].startswith("g.yaml:4: nodes.a: node a is not defined at these values: the divisor x is 0")
    assert got[1] == ("g.yaml:5: nodes.f: node f is not defined at these values: the argument of ln, x = 0, is "
                      "outside its domain (ln is defined for positive numbers only)")


def test_a_value_too_large_is_reported_with_the_formula_mistakes_after_it():
    got = _errors("""\
        model: graph
        inputs: {x: 10}
        nodes:
          a: exp(exp(x))
          b: 1/(a - a)
          f: a + 1
        """)
    assert len(got) == 2                       # in line order (session 13, F5): line 4 before line 5
    assert got[1].startswith("g.yaml:5: nodes.b: in the formula '1/(a - a)' at column 2") and "division by zero" in got[1]
    assert got[0].startswith("g.yaml:4: nodes.a: node a is too large")


def test_the_cli_reports_both_mistakes_with_exit_2(tmp_path):
    path = tmp_path / "g4.yaml"
    path.write_text("model: graph\ninputs: {x: 10}\nnodes:\n  a: exp(exp(x))\n  b: 1/(a - a)\n", encoding="utf-8")
    out = _run("solve", path)
    assert out.exit_code == 2
    assert "g4.yaml:5: nodes.b: " in out.output and "g4.yaml:4: nodes.a: node a is too large" in out.output
    assert "Traceback" not in out.output
