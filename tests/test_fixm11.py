"""Issue 12, user trial t11 #1 and #10: a matrix written as `solve` prints it (`[a, b; c, d]`, a column
`[a; b]`, with or without its shape note `(2×2)`) and a LaTeX pmatrix/bmatrix as an answers file's value
are read as the matrix they are, in answers files and write-ups alike; a list of one number is "1 number"."""
from __future__ import annotations

import math

import pytest

from symbackprop.answers.graph_answers import GraphChecker
from symbackprop.answers.graph_names import bracket_list, matrices_as_lists
from symbackprop.graph import parse_graph, solve_graph

# the trial's quad2.yaml: h = W x + b, a = sigmoid(h), L = ½‖a − y‖²
QUAD2 = """title: "One layer"
model: graph
inputs:
  x: [1, 2]
  W: [[0.5, -1], [0.25, 0]]
  b: [0, 0.5]
  y: [1, 0]
parameters: [W, b]
nodes:
  h: W*x + b
  a: sigmoid(h)
  r: a - y
  L: dot(r, r)/2
"""


def _by_hand() -> dict[str, float]:
    """The graph's values worked by hand (plain math, not the solver): h = [-1.5, 0.75]."""
    h = [0.5 * 1 - 1 * 2 + 0, 0.25 * 1 + 0 * 2 + 0.5]
    a = [1 / (1 + math.exp(-v)) for v in h]
    r = [a[0] - 1, a[1] - 0]
    dh = [r[i] * a[i] * (1 - a[i]) for i in range(2)]
    x = [1, 2]
    out = {"a_1": a[0], "a_2": a[1], "grad_b_1": dh[0], "grad_b_2": dh[1]}
    out.update({f"grad_W_{i + 1}_{j + 1}": dh[i] * x[j] for i in range(2) for j in range(2)})
    return out


HAND = _by_hand()


def test_hand_values_are_the_trials():
    """The numbers the answers below write (4 places) are the hand-worked values rounded."""
    assert [round(HAND[k], 4) for k in ("grad_W_1_1", "grad_W_1_2", "grad_W_2_1", "grad_W_2_2")] == \
        [-0.1219, -0.2439, 0.148, 0.296]
    assert [round(HAND[k], 4) for k in ("a_1", "a_2", "grad_b_1", "grad_b_2")] == [0.1824, 0.6792, -0.1219, 0.148]


@pytest.mark.parametrize("text, rows", [
    ("[-0.1219, -0.2439; 0.1480, 0.2960]", [["-0.1219", "-0.2439"], ["0.1480", "0.2960"]]),
    ("[-0.1219; 0.1480]", [["-0.1219"], ["0.1480"]]),
    ("[1, 2; 3, 4] (2×2)", [["1", "2"], ["3", "4"]]),
    ("[1; 2] (2×1)", [["1"], ["2"]]),
    ("[1; 2]\\ (2\\times1)", [["1"], ["2"]]),
    ("[[1, 2], [3, 4]] (2×2)", [["1", "2"], ["3", "4"]]),
    ("[1, 2] (2×1)", ["1", "2"]),
    ("[1, 2] (1×2)", ["1", "2"]),
    ("\\begin{pmatrix} 0.1824 \\\\ 0.6792 \\end{pmatrix}", [["0.1824"], ["0.6792"]]),
    ("\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}", [["1", "2"], ["3", "4"]]),
    ("[1\\;000, 2]", ["1\\;000", "2"]),                 # `\;` is a thin space in a number, no row's end
    ("[1, 2; 3]", [["1", "2"], ["3"]]),                  # rows of unequal lengths: read as written (a wrong shape)
])
def test_rows_separated_by_semicolons_are_read(text, rows):
    assert bracket_list(text) == rows


@pytest.mark.parametrize("text", [
    "[1, 2; 3, 4] (2×1)",          # a shape note of another shape: not read
    "[1; 2] (1×2)",
    "[1, 2] (3×1)",
    "[1, 2;]",                     # an empty row
    "[;]",
    "[[1; 2], [3, 4]]",            # a `;` inside a row of a list of rows
    "[1, 2; 3, 4] and more",
    "\\begin{bmatrix} -0.8176",    # not closed
])
def test_what_is_no_matrix_is_not_read(text):
    assert bracket_list(text) is None


def test_a_writeup_line_keeps_the_matrix_whole():
    """The write-up reader splits equations at `;`: a `solve`-style matrix is a list of rows before that."""
    assert matrices_as_lists("dL/dW = [-0.1, 0.2; 0.3, 0.4] (2×2)") == "dL/dW = [[-0.1, 0.2], [0.3, 0.4]]"
    assert matrices_as_lists("u_3 = 4; u_4 = 0") == "u_3 = 4; u_4 = 0"        # no brackets: left alone
    assert matrices_as_lists("b = [1; 2] (3×1)") == "b = [[1], [2]] (3×1)"      # another shape: the note stays


@pytest.fixture(scope="module")
def checker(parser):
    made = GraphChecker(solve_graph(parse_graph(QUAD2, "quad2.yaml")), parser=parser)
    yield made
    made.close()


def _check(checker, tmp_path, text, suffix=".yaml"):
    path = tmp_path / f"answers{suffix}"
    path.write_text(text, encoding="utf-8")
    reports, problems = checker.check_file(path)
    return {v.qid: v for v in reports[0].verdicts}, problems


def test_answers_file_reads_matrices_as_solve_prints_them(checker, tmp_path):
    """Trial #1 (ans/q3.yaml) and #10 (a pmatrix): every entry right, none misread."""
    verdicts, problems = _check(checker, tmp_path, "\n".join([
        'grad_W: "[-0.1219, -0.2439; 0.1480, 0.2960] (2×2)"',
        'dL/db: "[-0.1219; 0.1480]"',
        'a: "\\\\begin{pmatrix} 0.1824 \\\\\\\\ 0.6792 \\\\end{pmatrix}"',
    ]) + "\n")
    assert problems == []
    ids = [f"grad_W_{i}_{j}" for i in (1, 2) for j in (1, 2)] + ["grad_b_1", "grad_b_2", "a_1", "a_2"]
    for qid in ids:
        assert verdicts[qid].status == "correct", (qid, verdicts[qid])
        assert abs(verdicts[qid].value - HAND[qid]) < 5e-5


def test_answers_file_wrong_shapes_and_one_number(checker, tmp_path):
    """A note of another shape is not read; a column of 3 for a vector of 2 is answered in the wrong shape;
    a list of one number is said in the singular."""
    verdicts, problems = _check(checker, tmp_path, "\n".join([
        'grad_W: "[-0.1219, -0.2439; 0.1480, 0.2960] (2×1)"',
        'r: "[-0.8176; 0.6792; 1]"',
        'dL/db: "[-0.1219]"',
        'h_1: "-1.5; 0.75"',           # two numbers for one: never read as either
    ]) + "\n")
    assert verdicts["h_1"].status == "unreadable"
    assert not any(k.startswith("grad_W") for k in verdicts)
    assert any("∂L/∂W is a 2×2 matrix" in p for p in problems)
    assert verdicts["r_1"].status == "wrong" and "a 3×1 matrix given" in verdicts["r_1"].message
    assert verdicts["grad_b_1"].status == "wrong"
    assert "a list of 1 number given" in verdicts["grad_b_1"].message


def test_writeup_reads_matrices_as_solve_prints_them(checker, tmp_path):
    """Trial #1 (ans/q4.txt): the same text in a write-up is read, not "Not read"."""
    verdicts, problems = _check(checker, tmp_path, "dL/dW = [-0.1219, -0.2439; 0.1480, 0.2960] (2×2)\n"
                                "∂L/∂b = [-0.1219;\n  0.1480] (2×1)\n", suffix=".txt")    # over two lines
    assert problems == []
    for qid in [f"grad_W_{i}_{j}" for i in (1, 2) for j in (1, 2)] + ["grad_b_1", "grad_b_2"]:
        assert verdicts[qid].status == "correct", (qid, verdicts[qid])


def test_one_number_in_chinese():
    from symbackprop.messages import zh
    assert zh.MESSAGES["graph_answers.flat_one"] == "含 1 个数的列表"
