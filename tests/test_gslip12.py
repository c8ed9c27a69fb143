"""Session 12, task Y3: two slips of a graph's gradients said by name — the ReLU mask forgotten (∂L/∂z written as
∂L/∂h of h = relu(z) where z_i < 0) and the paths through the nodes that use a node not summed (∂L/∂x as one
consumer's contribution). Expected values are worked by hand (comments) or with the math module."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from symbackprop.answers.graph_answers import check_graph_answers
from symbackprop.graph import parse_graph, solve_graph
from symbackprop.messages import msg, said

# z = W x = [1 − 2, 2 − 1, −1 − 2] = [−1, 1, −3]; h = relu(z) = [0, 1, 0]; y = w2·h = −2; L = ½(y − 1)² = 4.5
# ∂L/∂y = y − 1 = −3; ∂L/∂h = −3·w2 = [−3, 6, −1.5]; ∂L/∂z = ∂L/∂h ⊙ [z > 0] = [0, 6, 0]
RELU = """model: graph
inputs:
  x: [1, -2]
  W: [[1, 1], [2, 0.5], [-1, 1]]
  w2: [1, -2, 0.5]
  t: 1
parameters: [W, w2]
nodes:
  z: W*x
  h: relu(z)
  y: dot(w2, h)
  L: (y - t)^2/2
"""
# x used by q and by f: q = x + y = 5, f = q·x + x = 12; ∂f/∂q = x = 2;
# ∂f/∂x = (through f itself: q + 1 = 6) + (through q: ∂f/∂q · 1 = 2) = 8; ∂f/∂y = ∂f/∂q = 2
TWICE = "model: graph\ninputs: {x: 2, y: 3}\nnodes:\n  q: x + y\n  f: q*x + x\n"
STAGED = Path(__file__).parent / "data" / "gderive11_cs231n_staged.yaml"


def check(sol, tmp_path, text):
    f = tmp_path / "a.yaml"
    f.write_text(text, encoding="utf-8")
    reports, problems = check_graph_answers(sol, f)
    assert problems == []
    return {v.qid: v for v in reports[0].verdicts}


@pytest.fixture(scope="module")
def relu():
    return solve_graph(parse_graph(RELU, "relu.yaml"))


@pytest.fixture(scope="module")
def twice():
    return solve_graph(parse_graph(TWICE, "twice.yaml"))


def test_relu_mask_forgotten_said_and_charged_once(relu, tmp_path):
    assert [float(v) for v in relu.gradients["z"]] == [0, 6, 0]                # the hand values above
    got = check(relu, tmp_path, "grad_h: [-3, 6, -1.5]\ngrad_z: [-3, 6, -1.5]\n")
    first = got["grad_z_1"]
    assert (first.status, first.diagnosis, first.points * first.credit) == ("wrong", "local_left", 0.0)
    assert said("graph_answers.mask_forgotten_short") in first.message
    assert "∂L/∂h_1" in first.message and "h = relu(z)" in first.message
    assert got["grad_z_2"].status == "correct"                                # z_2 > 0: the mask is 1 there
    third = got["grad_z_3"]
    assert (third.status, third.diagnosis, third.source) == ("follow_through", "local_left", "grad_z_1")
    assert said("graph_answers.mask_forgotten_short") in third.message


def test_relu_mask_then_weight_gradient_follows(relu, tmp_path):
    # ∂L/∂W = ∂L/∂z xᵀ: from their [−3, 6, −1.5], rows [−3, 6], [6, −12], [−1.5, 3]
    got = check(relu, tmp_path, "grad_z: [-3, 6, -1.5]\ngrad_W: [[-3, 6], [6, -12], [-1.5, 3]]\n")
    assert got["grad_z_1"].diagnosis == "local_left"
    assert all(got[f"grad_W_{r}_{c}"].status in ("follow_through", "correct") for r in (1, 2, 3) for c in (1, 2))
    assert got["grad_W_1_1"].status == "follow_through"


def test_a_smooth_function_keeps_the_local_derivative_words(tmp_path):
    # h = tanh(a), a = w x = 1: ∂L/∂h = tanh(1) − 1 = −0.2384, ∂L/∂a = ∂L/∂h (1 − tanh²(1)) — not a mask
    sol = solve_graph(parse_graph("model: graph\ninputs: {w: 0.5, x: 2}\nparameters: [w]\nnodes:\n"
                                  "  a: w*x\n  h: tanh(a)\n  L: (h - 1)^2/2\n", "t.yaml"))
    dh = math.tanh(1.0) - 1
    got = check(sol, tmp_path, f"grad_h: {dh:.4f}\ngrad_a: {dh:.4f}\n")
    assert got["grad_a"].diagnosis == "local_left"
    assert said("graph_answers.mask_forgotten_short") not in got["grad_a"].message
    assert said("graph_answers.local_left_short", local="∂h/∂a") in got["grad_a"].message


@pytest.mark.parametrize("written, consumer", [(6, "f"), (2, "q")])
def test_one_path_of_two_said(twice, tmp_path, written, consumer):
    assert float(twice.gradients["x"]) == 8
    got = check(twice, tmp_path, f"grad_q: 2\ngrad_x: {written}\n")
    v = got["grad_x"]
    assert (v.status, v.diagnosis, v.points * v.credit) == ("wrong", "paths_left", 0.0)
    assert v.message == said("graph_answers.paths_not_summed", consumer=consumer, grad="∂f/∂x", node="x",
                             consumers="q, f")


def test_paths_summed_or_unrelated_not_said(twice, tmp_path):
    got = check(twice, tmp_path, "grad_x: 8\ngrad_y: 2\n")
    assert got["grad_x"].status == "correct" and got["grad_y"].status == "correct"
    got = check(twice, tmp_path, "grad_x: 5\n")                 # neither path (6, 2) nor the sum
    assert got["grad_x"].diagnosis != "paths_left"


def test_one_path_at_the_students_own_values(twice, tmp_path):
    # their ∂f/∂q = 3 (wrong, it is 2): the path through q is then 3·1 = 3, the sum would be 6 + 3 = 9
    got = check(twice, tmp_path, "grad_q: 3\ngrad_x: 3\n")
    assert got["grad_q"].status == "wrong"
    assert (got["grad_x"].status, got["grad_x"].diagnosis) == ("wrong", "paths_left")
    assert said("graph_answers.paths_not_summed", consumer="q", grad="∂f/∂x", node="x",
                consumers="q, f") in got["grad_x"].message


def test_cs231n_staged_one_path_of_three(tmp_path):
    sol = solve_graph(parse_graph(STAGED.read_text(encoding="utf-8"), STAGED.name))
    sig = lambda v: 1 / (1 + math.exp(-v))                     # noqa: E731
    x, y = 3.0, -4.0
    num, den = x + sig(y), sig(x) + (x + y) ** 2
    # f = num/den: ∂f/∂x through num = 1/den, through sigx = −num/den² σ(x)(1 − σ(x)), through xpy = −num/den² · 2(x + y)
    paths = {"num": 1 / den, "sigx": -num / den ** 2 * sig(x) * (1 - sig(x)), "xpy": -num / den ** 2 * 2 * (x + y)}
    total = sum(paths.values())
    f = lambda a: (a + sig(y)) / (sig(a) + (a + y) ** 2)       # noqa: E731
    assert abs((f(x + 1e-6) - f(x - 1e-6)) / 2e-6 - total) < 1e-6     # a second path to the same sum
    assert abs(float(sol.gradients["x"]) - total) < 1e-9
    got = check(sol, tmp_path, f"grad_x: {paths['num']:.4f}\n")
    v = got["grad_x"]
    assert (v.status, v.diagnosis) == ("wrong", "paths_left")
    assert "num" in v.message and "sigx" in v.message and "xpy" in v.message


def test_vector_one_path_charged_once(tmp_path):
    # a = W x, b = v·x, L = u·a + b: ∂L/∂x = Wᵀu + v = [1 − 3, 2 − 4] + [5, 7] = [3, 5]; through a alone [−2, −2]
    sol = solve_graph(parse_graph("model: graph\ninputs:\n  x: [1, 2]\n  W: [[1, 2], [3, 4]]\n  u: [1, -1]\n"
                                  "  v: [5, 7]\nnodes:\n  a: W*x\n  b: dot(v, x)\n  L: dot(u, a) + b\n", "v.yaml"))
    assert [float(g) for g in sol.gradients["x"]] == [3, 5]
    got = check(sol, tmp_path, "grad_x: [-2, -2]\n")
    assert (got["grad_x_1"].status, got["grad_x_1"].diagnosis) == ("wrong", "paths_left")
    assert "through a" in got["grad_x_1"].message
    second = got["grad_x_2"]
    assert (second.status, second.diagnosis, second.source) == ("follow_through", "paths_left", "grad_x_1")
    assert said("graph_answers.paths_not_summed_short") in second.message


def test_the_new_words_are_in_both_catalogues():
    from symbackprop.messages import en, zh
    for key in ("graph_answers.mask_forgotten", "graph_answers.mask_forgotten_short",
                "graph_answers.paths_not_summed", "graph_answers.paths_not_summed_short", "code.paths_left"):
        assert key in en.MESSAGES and key in zh.MESSAGES
    assert msg("zh", "graph_answers.mask_forgotten_short") == "忘了 ReLU 掩码"
    assert msg("en", "code.paths_left") == "paths not summed"
    assert msg("zh", "code.paths_left") == "路径未求和"
