"""Issue 12 (session 12, gans): graph answers, the class summary, GraphSolution.step — from user trial t12.

Every expected value here is worked by hand. MLP below (the trial's p/mlp_graph.yaml), x = (1, -2):
  z = W1 x + b1 = (0.5 + 1 + 0.1, 1 - 0.5 - 0.2, -1 - 4 + 0.3) = (1.6, 0.3, -4.7), h = relu(z) = (1.6, 0.3, 0),
  yv = W2 h = 1.6 - 0.3 + 0 = 1.3, y = yv + b2 = 1.5, L = (y - t)²/2 = 0.125;
  ∂L/∂y = y - t = 0.5, ∂L/∂h = ∂L/∂y · W2ᵀ = (0.5, -0.5, 0.25), ∂L/∂z = ∂L/∂h masked by z > 0 = (0.5, -0.5, 0),
  ∂L/∂b1 = ∂L/∂z, ∂L/∂W1 = ∂L/∂z xᵀ = [[0.5, -1], [-0.5, 1], [0, 0]], ∂L/∂W2 = ∂L/∂y hᵀ = [[0.8, 0.15, 0]],
  ∂L/∂b2 = 0.5.
A student whose y is 1.4 (wrong) has ∂L/∂y = 0.4 and so ∂L/∂h = 0.4 · (1, -1, 0.5) = (0.4, -0.4, 0.2).
"""
from __future__ import annotations

import pytest
from conftest import check_graph

from symbackprop.graph import parse_graph, solve_graph

MLP = """title: two-layer MLP as a computation graph
model: graph
inputs:
  x: [1, -2]
  W1: [[0.5, -0.5], [1, 0.25], [-1, 2]]
  b1: [0.1, -0.2, 0.3]
  W2: [[1, -1, 0.5]]
  b2: 0.2
  t: 1
parameters: [W1, b1, W2, b2]
nodes:
  z: W1*x + b1
  h: relu(z)
  yv: W2*h
  y: yv + b2
  L: (y - t)^2/2
"""


@pytest.fixture(scope="module")
def mlp(graph_checker_of):
    return graph_checker_of(MLP, "mlp_graph.yaml")


# -- item 5: an exact follow-through value that is also a coarse rounding of the right one -----------------------
def test_an_exact_follow_through_value_is_follow_through_not_imprecise(mlp, tmp_path):
    """0.2 = 0.4 × 0.5 from the student's own ∂L/∂y = 0.4 is also 0.25 to one place: follow-through (full credit),
    as a network's checker judges it, not "imprecise" (half)."""
    verdicts, _, reports = check_graph(mlp, tmp_path, "\n".join([
        "y: 1.4", "grad_y: 0.4", "grad_h: [0.4, -0.4, 0.2]"]))
    assert verdicts["y"].status == "wrong"
    for qid in ("grad_y", "grad_h_1", "grad_h_2", "grad_h_3"):
        assert verdicts[qid].status == "follow_through", (qid, verdicts[qid])
        assert verdicts[qid].source == "y" and verdicts[qid].credit == 1.0
    assert reports[0].score == 4.0                # y 0 + four follow-throughs


def test_a_coarse_rounding_with_no_earlier_error_stays_imprecise(mlp, tmp_path):
    """The same 0.2 with every earlier value right (∂L/∂y = 0.5) is the right 0.25 to one place: imprecise."""
    verdicts, _, _ = check_graph(mlp, tmp_path, "\n".join(["grad_y: 0.5", "grad_h: [0.5, -0.5, 0.2]"]))
    assert verdicts["grad_h_3"].status == "imprecise"
    assert verdicts["grad_h_1"].status == "correct"


# -- item 18: step() takes the entry ids check reads ---------------------------------------------------------------
def test_step_takes_entry_ids_and_entry_names():
    g = solve_graph(parse_graph(MLP, "mlp_graph.yaml"))
    assert float(g.step("grad_b1_2").value) == -0.5          # ∂L/∂z_2 = -0.5 (z_2 = 0.3 > 0)
    assert float(g.step("z_2").value) == 0.3
    assert float(g.step("grad_W1_2_1").value) == -0.5        # ∂L/∂z_2 · x_1 = -0.5 · 1
    assert float(g.step("grad_W1_1_2").value) == -1.0        # ∂L/∂z_1 · x_2 = 0.5 · -2
    assert float(g.step("W1_2_2").value) == 0.25             # a given entry
    assert float(g.step("grad_W2_2").value) == 0.15          # ∂L/∂y · h_2 = 0.5 · 0.3
    step = g.step("grad_W1_3_1")
    assert (step.id, step.section, step.name, float(step.value)) == ("grad_W1_3_1", "backward", "W1", 0.0)
    # names as check reads them name the same entry
    assert g.step("\\partial L/\\partial W1_{21}").id == "grad_W1_2_1"
    assert g.step("W1_{21}").id == "W1_2_1"
    # an entry's contributions are that entry of the whole step's
    whole = g.step("grad_b1")
    assert [float(c.value) for c in g.step("grad_b1_1").contributions] == \
        [float(c.value[0, 0]) for c in whole.contributions] == [0.5]
    with pytest.raises(KeyError, match=r"no step named 'grad_W1_4_1' \(did you mean grad_W1_\d_1"):
        g.step("grad_W1_4_1")


# -- item 10: ∂L/∂x of an input that is not a parameter --------------------------------------------------------------
def test_a_gradient_by_an_input_that_is_no_parameter_says_so(mlp, tmp_path):
    """x and t are inputs of MLP but not parameters: ∂L/∂x is no item (not "did you mean ∂L/∂y or ∂L/∂L?")."""
    verdicts, problems, _ = check_graph(mlp, tmp_path, "\n".join([
        "grad_x: [0.5, -1]", "dL/dt: -0.5", '"\\\\frac{\\\\partial L}{\\\\partial x_1}": 0.5', "grad_b2: 0.5"]))
    assert verdicts["grad_b2"].status == "correct"
    tail = "is an input of the graph but not one of the parameters (W1, b1, W2, b2): "
    assert problems == [f"main: grad_x: x {tail}∂L/∂x is not asked",
                        f"main: dL/dt: t {tail}∂L/∂t is not asked",
                        f"main: \\frac{{\\partial L}}{{\\partial x_1}}: x {tail}∂L/∂x is not asked"]
    from symbackprop.messages import say
    assert say(problems[0], "zh") == "main：grad_x：x 是图的输入，但不是参数（W1, b1, W2, b2）之一：不要求 ∂L/∂x"


def test_a_hint_never_offers_the_output_by_itself(mlp, tmp_path):
    """∂L/∂L = 1 is no item: a key close to it gets the closest real item, never ∂L/∂L."""
    _, problems, _ = check_graph(mlp, tmp_path, "grad_yy: 0.5")
    assert problems == ["main: grad_yy: not a quantity of this problem (did you mean ∂L/∂y or ∂L/∂yv?)"]


def test_a_write_up_gradient_by_an_input_that_is_no_parameter_says_so(mlp, tmp_path):
    _, problems, _ = check_graph(mlp, tmp_path, "$\\frac{\\partial L}{\\partial t} = -0.5$\n\n$y = 1.5$\n", ".md")
    assert problems == ["line 1: \\frac{\\partial L}{\\partial t}: t is an input of the graph but not one of the "
                        "parameters (W1, b1, W2, b2): ∂L/∂t is not asked"]


# -- item 15: a write-up with another letter for the loss -------------------------------------------------------------
def test_a_write_up_with_another_letter_on_top_gets_the_hint(mlp, tmp_path):
    """∂E/∂b_1 where the output is L: "did you mean ∂L/∂b1?", as an answers file's key gets it; with no index
    (∂E/∂y) too, and the loss itself written E."""
    text = "\n\n".join(["$\\frac{\\partial E}{\\partial b_1} = \\begin{bmatrix} 0.5 \\\\ -0.5 \\\\ 0 \\end{bmatrix}$",
                        "$\\frac{\\partial E}{\\partial b_2} = 0.5$", "$\\frac{\\partial E}{\\partial y} = 0.5$",
                        "$E = 0.125$", "$y = 1.5$"]) + "\n"
    verdicts, problems, _ = check_graph(mlp, tmp_path, text, ".md")
    assert list(verdicts) == ["y"]
    assert problems == [
        "line 1: \\frac{\\partial E}{\\partial b_1}: not a quantity of this problem (did you mean ∂L/∂b1?)",
        "line 3: \\frac{\\partial E}{\\partial b_2}: not a quantity of this problem (did you mean ∂L/∂b2?)",
        "line 5: \\frac{\\partial E}{\\partial y}: not a quantity of this problem (did you mean ∂L/∂y?)",
        "line 7: E: not a quantity of this problem (did you mean L?)"]


def test_a_network_write_up_with_the_loss_written_E_gets_the_hint(tmp_path):
    """problems/xor.yaml's loss is L: `$E = …$` and `$J = …$` in a write-up are said, not dropped silently."""
    from conftest import ROOT

    from symbackprop.answers import check_submission
    path = tmp_path / "ken.md"
    path.write_text("$E = 0.1295$\n\n$J = 0.1295$\n\n$u_3 = 0.5$\n", encoding="utf-8")
    _, not_read = check_submission(str(ROOT / "problems" / "xor.yaml"), str(path), part="sigmoid")
    assert not_read == ["line 1: E: not a quantity of this problem (did you mean L?)",
                        "line 3: J: not a quantity of this problem (did you mean L?)"]


# -- item 13: the class summary ---------------------------------------------------------------------------------------
def test_the_summary_names_a_transposed_matrix_not_a_right_entry_value(mlp, tmp_path):
    """ben writes ∂L/∂W1 (3×2, [[0.5, -1], [-0.5, 1], [0, 0]]) as its 2×3 transpose: the charge lands on its entry
    (1, 1), whose value 0.5 is right; the summary names the matrix, never `0.5` as a wrong answer. yv and ∂L/∂yv,
    left out by everyone, are listed under the table: typeset as maths in Markdown (as the per-student reports set
    them; the table's item column stays the plain name scripts read), plain in the terminal."""
    from symbackprop.grade import StudentResult, summary_markdown, summary_text
    _, problems, reports = check_graph(mlp, tmp_path, "grad_W1: [[0.5, -0.5, 0], [-1, 1, 0]]\ny: 1.5\n")
    assert reports[0].verdicts[1].qid == "grad_W1_1_1" and reports[0].verdicts[1].given == "0.5"
    assert reports[0].verdicts[1].diagnosis == "transposed"
    results = [StudentResult("ben", "ben.yaml", reports, problems=problems)]
    md = summary_markdown(results, graph=True)
    row = next(line for line in md.splitlines() if line.startswith("| main | ∂L/∂W1_{11} |"))
    cell = row.split(" | ")[-2]
    assert cell == "$\\partial L/\\partial W_{1}$ written transposed ×1" and "`0.5`" not in row   # W1 as solve sets it
    assert row.endswith("| written transposed ×1 |")
    assert "Left out by everyone who attempted part main: $z_1$" in md
    text = summary_text(results, graph=True)
    assert "∂L/∂W1 written transposed ×1" in text and "0.5 ×1" not in text
    assert "z_1, z_2, z_3, h_1, h_2, h_3, yv, L, ∂L/∂y, ∂L/∂yv," in text
    zh = summary_text(results, lang="zh", graph=True)
    assert "∂L/∂W1 写成了转置 ×1" in zh
