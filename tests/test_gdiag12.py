"""Session 12, task X2 (trial t13 #3, #10 and the last helper's note): a graph's gradient with the local
derivative of an elementwise node left out (∂L/∂h written for ∂L/∂z), a non-square matrix written as the
transpose of the student's own values, a rule with a symbol of no quantity (a link not read, never "working
wrong"), and a failed link quoted as the student wrote it (`w_2^T h`). Expected values are worked here with
the math module, independently of SymPy and of the checker."""
from __future__ import annotations

import math

import pytest

from symbackprop.answers.graph_answers import check_graph_answers
from symbackprop.answers.graph_own import elementwise
from symbackprop.graph import parse_graph, solve_graph
from symbackprop.messages import said

# the trial's p/mlp.yaml
MLP = """title: "Two-layer MLP as a graph"
model: graph
inputs:
  x: [1, -2]
  W1: [[0.5, -1], [2, 0.25], [-0.5, 1]]
  b1: [0.1, 0, -0.2]
  w2: [1, -1, 0.5]
  b2: 0.3
  t: 1
parameters: [W1, b1, w2, b2]
nodes:
  z: W1*x + b1
  h: sigmoid(z)
  y: dot(w2, h) + b2
  L: (y - t)^2/2
"""
# a scalar chain through tanh: a = w·x = 1, h = tanh(1), L = ½(h − 1)²
TANH = "model: graph\ninputs: {w: 0.5, x: 2}\nparameters: [w]\nnodes:\n  a: w*x\n  h: tanh(a)\n  L: (h - 1)^2/2\n"
# q = x + y = 3, f = q·z = −12 (the lecture's circuit)
CIRCUIT = "model: graph\ninputs: {x: -2, y: 5, z: -4}\nnodes:\n  q: x + y\n  f: q*z\n"


def _mlp_by_hand():
    """z, h, ∂L/∂h, ∂L/∂z of MLP worked with floats: z = W1 x + b1, h = σ(z), y = w2·h + b2,
    ∂L/∂y = y − t, ∂L/∂h = ∂L/∂y · w2, ∂L/∂z = ∂L/∂h ⊙ h ⊙ (1 − h)."""
    x, b1, w2 = [1, -2], [0.1, 0, -0.2], [1, -1, 0.5]
    W1 = [[0.5, -1], [2, 0.25], [-0.5, 1]]
    z = [sum(W1[i][j] * x[j] for j in range(2)) + b1[i] for i in range(3)]      # 2.6, 1.5, −2.7
    h = [1 / (1 + math.exp(-v)) for v in z]
    y = sum(a * b for a, b in zip(w2, h)) + 0.3
    dh = [(y - 1) * w for w in w2]
    dz = [g * v * (1 - v) for g, v in zip(dh, h)]
    return x, z, h, dh, dz


@pytest.fixture(scope="module")
def parser():
    """One LaTeX reader for the tests that read LaTeX (its process starts once)."""
    from symbackprop.answers.latex import Parser
    p = Parser()
    yield p
    p.close()


@pytest.fixture(scope="module")
def mlp():
    return solve_graph(parse_graph(MLP, "mlp.yaml"))


def check(sol, tmp_path, text, name="a.yaml", parser=None):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    reports, problems = check_graph_answers(sol, f, parser=parser)
    return {v.qid: v for v in reports[0].verdicts}, problems


def test_elementwise_found_from_the_graph(mlp):
    prob = mlp.problem
    assert elementwise(prob.get("h"), prob.get("z"))              # sigmoid, entry by entry
    assert not elementwise(prob.get("z"), prob.get("W1"))         # a product of several operands
    assert not elementwise(prob.get("L"), prob.get("y"))          # L also uses t
    tanh = parse_graph(TANH, "tanh.yaml")
    assert elementwise(tanh.get("h"), tanh.get("a"))              # tanh of a scalar: any function, not typed
    scaled = parse_graph("model: graph\ninputs: {x: 2}\nnodes:\n  a: 3*x\n  b: 2*a\n", "s.yaml")
    assert not elementwise(scaled.get("b"), scaled.get("a"))      # a constant derivative: a factor, not a step


def test_sigmoid_left_out_charged_once_and_followed(mlp, tmp_path):
    x, _, _, dh, dz = _mlp_by_hand()
    assert all(abs(a - b) > 0.01 for a, b in zip(dh, dz))          # leaving σ' out changes every entry
    given = [round(v, 4) for v in dh]                              # ∂L/∂z written as ∂L/∂h: −0.5552, 0.5552, −0.2776
    text = f"grad_z: {given}\ngrad_b1: {given}\n"
    got, problems = check(mlp, tmp_path, text)
    assert problems == []
    first = got["grad_z_1"]
    assert (first.status, first.diagnosis, first.points * first.credit) == ("wrong", "local_left", 0.0)
    assert "∂h/∂z" in first.message and "∂L/∂h_1" in first.message
    for e in ("grad_z_2", "grad_z_3"):                             # the same step: charged once
        assert (got[e].status, got[e].diagnosis, got[e].source) == ("follow_through", "local_left", "grad_z_1")
        assert got[e].credit == 1.0
    for e in ("grad_b1_1", "grad_b1_2", "grad_b1_3"):             # ∂L/∂b1 = their ∂L/∂z: follows through
        assert got[e].status == "follow_through", (e, got[e])


def test_tanh_left_out_at_own_values_then_followed(tmp_path):
    sol = solve_graph(parse_graph(TANH, "tanh.yaml"))
    h = math.tanh(1.0)
    dh = h - 1                                                     # −0.238406
    da = dh * (1 - h * h)                                          # −0.100124
    # the student's ∂L/∂h is right; ∂L/∂a = ∂L/∂h (tanh' left out); ∂L/∂w = their ∂L/∂a · x
    text = f"grad_h: {dh:.4f}\ngrad_a: {dh:.4f}\ngrad_w: {dh * 2:.4f}\n"
    got, _ = check(sol, tmp_path, text)
    assert abs(float(sol.gradients["a"]) - da) < 1e-12
    assert (got["grad_a"].status, got["grad_a"].diagnosis) == ("wrong", "local_left")
    assert said("graph_answers.local_left_short", local="∂h/∂a") in got["grad_a"].message
    assert got["grad_w"].status == "follow_through"
    # a value that is neither: not said to be the step left out
    got, _ = check(sol, tmp_path, f"grad_h: {dh:.4f}\ngrad_a: {dh / 3:.4f}\n")
    assert got["grad_a"].diagnosis != "local_left"


def test_transpose_of_own_values_in_the_transposed_shape(mlp, tmp_path):
    x, _, _, dh, _ = _mlp_by_hand()
    own_dz = [round(v, 4) for v in dh]                             # their wrong ∂L/∂z (σ' left out)
    # ∂L/∂W1 = their ∂L/∂z · xᵀ is 3×2; written x (∂L/∂z)ᵀ, 2×3: row j is x_j · their ∂L/∂z
    flipped = [[round(xj * g, 4) for g in own_dz] for xj in x]
    got, problems = check(mlp, tmp_path, f"grad_z: {own_dz}\ngrad_W1: {flipped}\n")
    assert problems == []
    first = got["grad_W1_1_1"]
    assert (first.status, first.diagnosis) == ("wrong", "transposed")
    assert first.message.key == "graph_answers.transposed"         # the class summary names ∂L/∂W1 from it
    from symbackprop.grade import _transposed_whole
    assert _transposed_whole(first) == "∂L/∂W1"
    assert said("diagnosis.follows", name="∂L/∂z_1") in got["grad_W1_1_2"].message
    for r in (1, 2, 3):
        for c in (1, 2):
            v = got[f"grad_W1_{r}_{c}"]
            assert abs(float(v.given) - flipped[c - 1][r - 1]) < 1e-12     # read at its place: (i, j) is (j, i)
            if (r, c) != (1, 1):
                assert (v.status, v.diagnosis, v.source) == ("follow_through", "transposed", "grad_W1_1_1")


def test_transposed_shape_of_nothing_stays_wrong_shape(mlp, tmp_path):
    got, _ = check(mlp, tmp_path, "grad_W1: [[1, 2, 3], [4, 5, 6]]\n")
    assert {v.diagnosis for v in got.values()} == {"shape"}
    assert all(v.status == "wrong" for v in got.values())
    assert "2×3" in got["grad_W1_1_1"].message and "3×2" in got["grad_W1_1_1"].message


def test_true_transpose_of_a_non_square_matrix_still_charged_once(mlp, tmp_path):
    _, _, _, _, dz = _mlp_by_hand()
    x = [1, -2]
    flipped = [[round(xj * g, 4) for g in dz] for xj in x]         # the true ∂L/∂W1 = ∂L/∂z xᵀ, transposed
    got, _ = check(mlp, tmp_path, f"grad_W1: {flipped}\n")
    assert (got["grad_W1_1_1"].status, got["grad_W1_1_1"].diagnosis) == ("wrong", "transposed")
    assert sum(v.status == "follow_through" for v in got.values()) == 5


def test_unknown_symbol_in_a_rule_is_not_read_and_costs_nothing(tmp_path, parser):
    sol = solve_graph(parse_graph(CIRCUIT, "circuit.yaml"))
    # q = x + y = −2 + 5 = 3: `x + k` names no quantity k; ∂f/∂z = q = 3 written `\frac{∂f}{∂q} m`
    text = 'q: "x + k = -2 + 5 = 3"\ngrad_z: "\\\\frac{\\\\partial f}{\\\\partial q} \\\\cdot m = 3"\n' \
           'grad_x: "z + k = -4"\ngrad_y: "x - y = -4"\n'
    got, _ = check(sol, tmp_path, text, parser=parser)
    for qid in ("q", "grad_z", "grad_x"):                          # q = 3, ∂f/∂z = q = 3, ∂f/∂x = z = −4
        v = got[qid]
        assert v.status == "correct" and v.credit == 1.0, (qid, v)
        assert [lk.kind for lk in v.links if not lk.ok] == ["unread"]
        assert "unknown symbol" in v.message
    # a rule that is wrong still costs: ∂f/∂y = z = −4, and x − y = −7 is not it
    assert got["grad_y"].status == "slip" and got["grad_y"].links[0].kind == "rule"


def test_failed_link_quoted_as_written(mlp, tmp_path, parser):
    _, _, h, _, _ = _mlp_by_hand()
    y = sum(a * b for a, b in zip([1, -1, 0.5], h)) + 0.3          # 0.4448
    # session 13: w_2^T h (a dot product of two vectors) is judged now, no longer unread: a wrong rule is the
    # failed link quoted (its ^T as written; the reader's text has dropped it)
    got, _ = check(mlp, tmp_path, f"$y = w_2^T h + 2 b_2 = {y:.4f}$\n", "w.md", parser)
    v = got["y"]
    assert v.status == "slip"
    assert [lk.text for lk in v.links if lk.kind == "rule" and not lk.ok] == ["w_2^T h + 2 b_2"]
    from symbackprop.render.report import _failed_links
    assert "“w_2^T h + 2 b_2”" in _failed_links(v)[0]
    got, _ = check(mlp, tmp_path, f"$y = w_2^T h + b_2 = {y:.4f}$\n", "w.md", parser)
    assert got["y"].status == "correct" and all(lk.ok for lk in got["y"].links)


def test_the_diagnosis_has_words_in_both_catalogues():
    from symbackprop.messages import msg
    assert msg("en", "code.local_left") == "a local derivative left out"
    assert msg("zh", "code.local_left") == "漏掉了局部导数"


def test_left_out_said_with_the_rule_that_leaves_it_out(tmp_path, parser):
    sol = solve_graph(parse_graph(TANH, "tanh.yaml"))
    dh = math.tanh(1.0) - 1                                        # ∂L/∂h = h − 1 = −0.2384; ∂L/∂a = ∂L/∂h (1 − h²)
    got, _ = check(sol, tmp_path, f"$\\frac{{\\partial L}}{{\\partial a}} = \\frac{{\\partial L}}{{\\partial h}} = {dh:.4f}$\n",
                   "t.md", parser)
    v = got["grad_a"]
    assert (v.status, v.diagnosis) == ("wrong", "local_left")
    assert said("diagnosis.rule_not_giving", name="∂L/∂a") in v.message     # the rule is said too
