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
