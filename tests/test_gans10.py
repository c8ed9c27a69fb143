"""Issue 12 leftovers: checking answers to `model: graph` problems (session 10, gans).

Every expected value here is worked by hand:
- problems/circuit.yaml, f = (x + y)z at x = -2, y = 5, z = -4: q = 3, f = -12, ∂f/∂q = z = -4,
  ∂f/∂z = q = 3, ∂f/∂x = ∂f/∂y = ∂f/∂q · 1 = -4;
- problems/sigmoid_gates.yaml, f = σ(w0x0 + w1x1 + w2) with w = (2, -3, -3), x = (-1, -2): s = 1,
  f = σ(1) = 0.7311, ∂f/∂s = σ(1)(1 - σ(1)) = 0.1966, ∂f/∂w0 = x0·0.1966 = -0.1966,
  ∂f/∂x0 = w0·0.1966 = 0.3932, ∂f/∂w1 = x1·0.1966 = -0.3932, ∂f/∂x1 = w1·0.1966 = -0.5898, ∂f/∂w2 = 0.1966;
- problems/quadratic.yaml: y = 0.5, ∂L/∂y = 2(y - t) = -1, ∂L/∂A = ∂L/∂y·xxᵀ with x = (1, 2, -1):
  [[-1, -2, 1], [-2, -4, 2], [1, 2, -1]], ∂L/∂b = ∂L/∂y·x = [-1, -2, 1];
- SQUARE below, L = (Ax - t)·(Ax - t) with A = [[1, 2], [3, 4]], x = (1, -1), t = (0, 1): Ax = (-1, -1),
  r = (-1, -2), L = 5, ∂L/∂r = 2r = (-2, -4), ∂L/∂A = ∂L/∂r xᵀ = [[-2, 2], [-4, 4]];
- RECT below, A = [[1, 0, 2], [0, 1, -1]], x = (1, 2, -1), t = (0, 1): Ax = (-1, 3), r = (-1, 2), L = 5,
  ∂L/∂r = (-2, 4), ∂L/∂A = [[-2, -4, 2], [4, 8, -4]] (2×3).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_graph
from click.testing import CliRunner

from symbackprop.answers import graph_answers
from symbackprop.answers.brackets import split_top_level
from symbackprop.answers.graph_names import bracket_list, matrices_in_lines
from symbackprop.answers.latex import split_equations
from symbackprop.cli import main
from symbackprop.errors import InternalError

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ROOT / "problems"

SQUARE = """title: "L = |A x - t|^2"
model: graph
inputs:
  A: [[1, 2], [3, 4]]
  x: [1, -1]
  t: [0, 1]
parameters: [A]
nodes:
  r: A*x - t
  L: dot(r, r)
output: L
"""
RECT = SQUARE.replace("[[1, 2], [3, 4]]", "[[1, 0, 2], [0, 1, -1]]").replace("x: [1, -1]", "x: [1, 2, -1]")
# the graphs of this file, for the module\'s graph_checker_of (conftest.py)
SOURCES = {"circuit": PROBLEMS / "circuit.yaml", "sigmoid_gates": PROBLEMS / "sigmoid_gates.yaml",
           "quadratic": PROBLEMS / "quadratic.yaml", "square": SQUARE, "rect": RECT}


def test_graph_values_are_the_hand_worked_ones(graph_checker_of):
    """The expected values the tests below use, checked against the solver once."""
    items = {k: float(v) for k, (v, _) in graph_answers.expected_items(graph_checker_of(SOURCES["square"]).sol).items()}
    assert items["L"] == 5 and [items["grad_r_1"], items["grad_r_2"]] == [-2, -4]
    assert [items[f"grad_A_{r}_{c}"] for r in (1, 2) for c in (1, 2)] == [-2, 2, -4, 4]
    rect = {k: float(v) for k, (v, _) in graph_answers.expected_items(graph_checker_of(SOURCES["rect"]).sol).items()}
    assert [rect[f"grad_A_{r}_{c}"] for r in (1, 2) for c in (1, 2, 3)] == [-2, -4, 2, 4, 8, -4]


# -- 1. chains in YAML answers: the last member is the answer, the working judged ---------------------------
def test_yaml_chains_are_read_and_their_working_judged(graph_checker_of, tmp_path):
    verdicts, problems, _ = check_graph(graph_checker_of(SOURCES["circuit"]), tmp_path, "\n".join([
        'q: "x + y = -2 + 5 = 3"',                                  # right all through
        'f: "q z = 3 \\\\times (-4) = -12"',                          # right all through
        'grad_q: "x = -4"',                                         # right value, wrong rule: a slip
        'grad_z: "q = 3 + 1 = 3"',                                  # numbers give 4, value 3: slip
        'grad_x: "\\\\frac{\\\\partial f}{\\\\partial q} \\\\cdot 1 = -4 \\\\cdot 1 = -8"',   # arithmetic
        'grad_y: "-4"',
    ]))
    assert problems == []
    assert verdicts["q"].status == "correct" and verdicts["q"].value == 3
    assert verdicts["f"].status == "correct" and verdicts["f"].value == -12
    assert verdicts["grad_q"].status == "slip" and "rule does not give ∂f/∂q" in verdicts["grad_q"].message
    assert verdicts["grad_z"].status == "slip" and "give 4" in verdicts["grad_z"].message
    assert verdicts["grad_x"].status == "wrong" and verdicts["grad_x"].diagnosis == "arithmetic"
    assert "numbers give -4, not -8" in verdicts["grad_x"].message
    assert verdicts["grad_y"].status == "correct"


def test_rule_links_are_judged_on_random_problems_and_givens_may_be_numbers(graph_checker_of, tmp_path):
    # x1 = -2 = a: the rule x_1 gives a's value here, but not on the graph solved at other inputs
    verdicts, _, _ = check_graph(graph_checker_of(SOURCES["sigmoid_gates"]), tmp_path, 'a: "x_1 = -2"\nb: "w_1 x_1 = (-3)(-2) = 6"\n'
                        'grad_x1: "w_1 \\\\cdot 0.1966 = -0.5898"\ngrad_x0: "w_0 \\\\cdot 0.3 = 0.6"\n')
    assert verdicts["a"].status == "slip" and "rule does not give a" in verdicts["a"].message
    assert verdicts["b"].status == "correct"
    # a rule with a rounded value put in (0.1966 for ∂f/∂b): judged up to that rounding
    assert verdicts["grad_x1"].status == "correct"
    assert verdicts["grad_x0"].status == "wrong" and verdicts["grad_x0"].diagnosis == "rule"
    assert "gives 0.6" in verdicts["grad_x0"].message
    # ∂L/∂y = y - t: the 2 of d/dy (y - t)² left out, said with the rule's mistake
    verdicts, _, _ = check_graph(graph_checker_of(SOURCES["quadratic"]), tmp_path, 'grad_y: "y - t = 0.5 - 1 = -0.5"\n')
    assert verdicts["grad_y"].diagnosis == "factor_half"
    assert "half the expected value" in verdicts["grad_y"].message and "rule does not give" in verdicts["grad_y"].message
    # dL/dy inside a rule is ∂L/∂y (not d·L/(d·y)): ∂L/∂q = ∂L/∂y · 1
    verdicts, _, _ = check_graph(graph_checker_of(SOURCES["quadratic"]), tmp_path, 'grad_q: "dL/dy \\\\cdot 1 = -1 \\\\cdot 1 = -1"\n')
    assert verdicts["grad_q"].status == "correct" and [lk.kind for lk in verdicts["grad_q"].links] == [
        "rule", "numbers", "value"]
    # z written as its number -4 in the rule: right (z is kept at -4 on the random problems)
    verdicts, _, _ = check_graph(graph_checker_of(SOURCES["circuit"]), tmp_path, 'f: "q \\\\cdot (-4) = 3 \\\\cdot (-4) = -12"\n')
    assert verdicts["f"].status == "correct"


def test_chain_with_a_wrong_value_follows_through_and_a_rule_alone_has_no_value(graph_checker_of, tmp_path):
    verdicts, _, _ = check_graph(graph_checker_of(SOURCES["circuit"]), tmp_path, "\n".join([
        'q: "x + y = -2 + 6 = 4"',                                  # y copied as 6: q wrong (4)
        'f: "q z = 4 \\\\times (-4) = -16"',                          # right from their q
        'grad_z: "q"',                                              # a rule: no value
    ]))
    assert verdicts["q"].status == "wrong" and verdicts["q"].value == 4
    assert verdicts["f"].status == "follow_through" and verdicts["f"].source == "q"
    assert verdicts["grad_z"].status == "wrong" and verdicts["grad_z"].diagnosis == "no_value"


# -- 2. subscripted names ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("spelling, qid", [
    ("x_0", "x0"), ("w_{2}", "w2"), ("w2", "w2"), ("\\mathrm{w}_2", "w2"),
    ("\\partial f/\\partial w_{2}", "grad_w2"), ("∂f/∂w_1", "grad_w1"), ("df/dx_0", "grad_x0"), ("df/dx1", "grad_x1"),
    ("\\frac{\\partial f}{\\partial w_{2}}", "grad_w2"), ("\\frac{df}{dx_1}", "grad_x1"), ("\\nabla_{w_0} f", "grad_w0"),
    ("dw2", "grad_w2"), ("dx_0", "grad_x0"), ("grad_w_0", "grad_w0"), ("grad_{w_2}", "grad_w2"), ("grad_w2", "grad_w2"),
])
def test_subscripted_graph_names(graph_checker_of, spelling, qid):
    assert graph_answers.normal_id(spelling, graph_checker_of(SOURCES["sigmoid_gates"]).sol, graph_checker_of(SOURCES["sigmoid_gates"]).names) == qid


def test_subscripted_keys_in_an_answers_file(graph_checker_of, tmp_path):
    verdicts, problems, _ = check_graph(graph_checker_of(SOURCES["sigmoid_gates"]), tmp_path, "\n".join([
        'f: 0.7311', '"\\\\partial f/\\\\partial w_{2}": 0.1966', 'dx_0: 0.3932', 'grad_w_0: -0.1966',
        '"∂f/∂w_1": -0.3932', '"df/dx1": -0.5898', 'dL/dw2: 0.1966',
    ]))
    assert {q: v.status for q, v in verdicts.items()} == {
        "f": "correct", "grad_w2": "correct", "grad_x0": "correct", "grad_w0": "correct", "grad_w1": "correct",
        "grad_x1": "correct"}
    assert problems == ["main: dL/dw2: not a quantity of this problem (did you mean ∂f/∂w2?)"]


# -- 3. a matrix of the wrong shape -------------------------------------------------------------------------------
def test_wrong_shape_names_both_shapes(graph_checker_of, tmp_path):
    verdicts, problems, _ = check_graph(graph_checker_of(SOURCES["quadratic"]), tmp_path, "\n".join([
        "grad_A: [[1, 2], [3, 4]]", "grad_b: [1, 2]", "M: [[1, 2], [3]]", "grad_c: -1"]))
    # session 11: a matrix of the wrong shape is answered and wrong (diagnosis shape), entry by entry, so that a
    # class summary counts it as missed, not left out; the message names it as the solution does (∂L/∂A)
    assert problems == []
    assert verdicts["grad_c"].status == "correct"
    shaped = {q: v for q, v in verdicts.items() if q != "grad_c"}
    assert len(shaped) == 9 + 3 + 3
    assert all(v.status == "wrong" and v.diagnosis == "shape" and v.credit == 0 for v in shaped.values())
    assert verdicts["grad_A_1_1"].message == (
        "∂L/∂A: a 2×2 matrix given where a 3×3 matrix is expected (a matrix is a list of rows of equal "
        "length, a vector a list)")
    # session 11 (leftb): said in full at the first entry only; the other entries say it short
    assert verdicts["grad_A_2_3"].message == verdicts["M_3"].message == "(wrong shape, as above)"
    assert verdicts["grad_b_1"].message == (
        "∂L/∂b: a list of 2 numbers given where a vector of 3 (3×1) is expected (a matrix is a list of rows "
        "of equal length, a vector a list)")
    assert verdicts["M_1"].message == (
        "M: rows of lengths 2, 1 given where a vector of 3 (1×3) is expected (a matrix is a list of rows of equal "
        "length, a vector a list)")


# -- 4. diagnoses: transposed, a factor 2 or ½, the sign; every WRONG has a reason -------------------------------
def test_transposed_square_matrix_gradient(graph_checker_of, tmp_path):
    verdicts, _, _ = check_graph(graph_checker_of(SOURCES["square"]), tmp_path, "grad_A: [[-2, -4], [2, 4]]\n")
    assert verdicts["grad_A_1_1"].status == verdicts["grad_A_2_2"].status == "correct"
    # one mistake, charged once per matrix (session 10, fixa): the first differing entry is WRONG, the other
    # is credited as following from it
    assert verdicts["grad_A_1_2"].status == "wrong" and verdicts["grad_A_1_2"].diagnosis == "transposed"
    assert verdicts["grad_A_1_2"].message == ("∂L/∂A given as its transpose: ∂L/∂A has the shape of A (2×2); its "
                                              "entry (i, j) is the derivative by A's entry (i, j)")
    assert verdicts["grad_A_2_1"].status == "follow_through" and verdicts["grad_A_2_1"].diagnosis == "transposed"
    assert verdicts["grad_A_2_1"].message == "an entry of ∂L/∂A written transposed: charged once, at ∂L/∂A_{12}"


def test_transposed_rectangular_matrix_gradient(graph_checker_of, tmp_path):
    verdicts, problems, _ = check_graph(graph_checker_of(SOURCES["rect"]), tmp_path, "grad_A: [[-2, 4], [-4, 8], [2, -4]]\n")
    assert problems == []
    assert len(verdicts) == 6
    assert all(v.diagnosis == "transposed" for v in verdicts.values())
    wrong = [q for q, v in verdicts.items() if v.status == "wrong"]       # charged once per matrix (fixa)
    assert wrong == ["grad_A_1_1"] and "(2×3)" in verdicts["grad_A_1_1"].message
    assert all(v.status == "follow_through" for q, v in verdicts.items() if q != "grad_A_1_1")


def test_factor_two_half_and_sign(graph_checker_of, tmp_path):
    # ∂L/∂r written as r (the 2 of d/dr r·r left out), then ∂L/∂A from it: the half is charged once
    verdicts, _, _ = check_graph(graph_checker_of(SOURCES["square"]), tmp_path, "grad_r: [-1, -2]\ngrad_A: [[-1, 1], [-2, 2]]\nL: 10\n")
    assert verdicts["grad_r_1"].diagnosis == "factor_half" and "half the expected value" in verdicts["grad_r_1"].message
    assert verdicts["L"].diagnosis == "factor_two" and "twice the expected value" in verdicts["L"].message
    assert {verdicts[f"grad_A_{r}_{c}"].status for r in (1, 2) for c in (1, 2)} == {"follow_through"}
    verdicts, _, _ = check_graph(graph_checker_of(SOURCES["circuit"]), tmp_path, "grad_z: -3\n")
    assert verdicts["grad_z"].diagnosis == "sign" and verdicts["grad_z"].message == "sign slip: the value has the wrong sign"


def test_a_wrong_verdict_without_a_reason_is_an_internal_error(graph_checker_of, tmp_path, monkeypatch):
    monkeypatch.setattr(graph_answers, "diagnose_graph_value", lambda *a: ("sign", ""))
    with pytest.raises(InternalError):
        check_graph(graph_checker_of(SOURCES["circuit"]), tmp_path, "grad_z: -3\n")
    answers = tmp_path / "a.yaml"
    answers.write_text("grad_z: -3\n")
    result = CliRunner().invoke(main, ["check", str(PROBLEMS / "circuit.yaml"), str(answers)])
    assert result.exit_code == 3


# -- 5. working links in write-ups -----------------------------------------------------------------------------
def test_writeup_links_are_judged(graph_checker_of, tmp_path):
    verdicts, _, _ = check_graph(graph_checker_of(SOURCES["circuit"]), tmp_path, "\n".join([
        "Forward: $q = x + y = -2 + 5 = 3$ and $f = q z = 3 \\times (-4) = -12$.",
        "$$\\frac{\\partial f}{\\partial q} = z = -4$$",
        "∂f/∂z = q = 3 + 1 = 3",
        "- df/dx = ∂f/∂q · 1 = -4 · 1 = -8",
        "$\\frac{\\partial f}{\\partial y} = x = -4$",
    ]), suffix=".md")
    assert [verdicts[q].status for q in ("q", "f", "grad_q")] == ["correct"] * 3
    assert verdicts["grad_z"].status == "slip"
    assert verdicts["grad_x"].diagnosis == "arithmetic"
    assert verdicts["grad_y"].status == "slip" and "rule does not give ∂f/∂y" in verdicts["grad_y"].message


# -- 6. matrices over several lines -----------------------------------------------------------------------------
def test_multiline_matrices_in_a_writeup_and_a_yaml_list_of_lists(graph_checker_of, tmp_path):
    verdicts, problems, _ = check_graph(graph_checker_of(SOURCES["quadratic"]), tmp_path, "\n".join([
        "$$\\frac{\\partial L}{\\partial A} = \\begin{bmatrix} -1 & -2 & 1 \\\\",
        "-2 & -4 & 2 \\\\",
        "1 & 2 & -1 \\end{bmatrix}$$",
        "",
        "$$\\frac{\\partial L}{\\partial b} = [-1,",
        " -2, 1]$$",
        "$y = 0.5$",
    ]), suffix=".md")
    assert problems == []
    assert all(verdicts[f"grad_A_{r}_{c}"].status == "correct" for r in (1, 2, 3) for c in (1, 2, 3))
    assert [verdicts[f"grad_b_{i}"].status for i in (1, 2, 3)] == ["correct"] * 3
    assert verdicts["grad_A_3_3"].line == 1 and verdicts["y"].line == 7       # joined lines keep their numbers
    verdicts, problems, _ = check_graph(graph_checker_of(SOURCES["quadratic"]), tmp_path, "grad_A:\n  - [-1, -2, 1]\n  - [-2, -4, 2]\n"
                                                                "  -\n    - 1\n    - 2\n    - -1\n")
    assert problems == [] and all(v.status == "correct" for v in verdicts.values()) and len(verdicts) == 9
    verdicts, problems, _ = check_graph(graph_checker_of(SOURCES["quadratic"]), tmp_path, 'grad_b: "\\\\frac{\\\\partial L}{\\\\partial y} x = [-1, -2, 1]"\n')
    assert problems == [] and [verdicts[f"grad_b_{i}"].status for i in (1, 2, 3)] == ["correct"] * 3


def test_matrices_in_lines_is_bounded_and_keeps_line_count():
    lines = ["$A = \\begin{bmatrix} 1 & 2 \\\\"] + ["3 & 4 \\\\"] * 30
    out = matrices_in_lines(lines)          # never closed within MAX_MATRIX_LINES: left as written
    assert out == lines
    assert matrices_in_lines(["$x = [1,", "2]$", "y"]) == ["$x = [1, 2]$", "", "y"]


# -- 7. one splitter ---------------------------------------------------------------------------------------------
def test_one_top_level_splitter_for_equations_and_lists():
    assert split_top_level("1, \\max(1, 2), [3, 4], {5, 6}") == ["1", " \\max(1, 2)", " [3, 4]", " {5, 6}"]
    assert split_top_level("a; b, c", ",;") == ["a", " b", " c"]
    assert split_top_level("a), b, c") == ["a), b, c"]          # a bracket closed that was never opened
    assert split_equations("u_3 = 4, u_4 = 0; u_5 = \\max(1, 2)") == ["u_3 = 4", "u_4 = 0", "u_5 = \\max(1, 2)"]
    assert bracket_list("[[1, \\max(1, 2)], [3, 4]]") == [["1", "\\max(1, 2)"], ["3", "4"]]
    assert bracket_list("[1, [2, 3]]") is None


# -- exit codes and languages --------------------------------------------------------------------------------------
def test_cli_exit_codes_and_chinese(tmp_path):
    right, wrong, bad = tmp_path / "right.yaml", tmp_path / "wrong.yaml", tmp_path / "bad.yaml"
    right.write_text('q: "x + y = 3"\nf: -12\n')
    wrong.write_text("grad_A: [[1, 2], [3, 4]]\ny: 5\n")
    bad.write_text("- just a list\n")
    circuit, quadratic = str(PROBLEMS / "circuit.yaml"), str(PROBLEMS / "quadratic.yaml")
    assert CliRunner().invoke(main, ["check", circuit, str(right)]).exit_code == 0
    result = CliRunner().invoke(main, ["check", quadratic, str(wrong), "--lang", "zh"])
    assert result.exit_code == 1
    assert "∂L/∂A：给出的是2×2 矩阵，应为3×3 矩阵" in result.output
    assert CliRunner().invoke(main, ["check", circuit, str(bad)]).exit_code == 2


def test_chain_work_is_bounded(graph_checker_of, tmp_path):
    """A chain of more than MAX_LINKS links is judged by its value alone; a deeply nested one is unreadable."""
    from symbackprop.answers.graph_chain import MAX_LINKS
    long_chain = " = ".join(["x + y"] * (MAX_LINKS + 5) + ["3"])
    verdicts, _, _ = check_graph(graph_checker_of(SOURCES["circuit"]), tmp_path, f'q: "{long_chain}"\ngrad_q: "{"(" * 60}z{")" * 60} = -4"\n')
    assert verdicts["q"].status == "correct" and len(verdicts["q"].links) == 1
    assert verdicts["grad_q"].status == "unreadable" and "nested too deeply" in verdicts["grad_q"].message
