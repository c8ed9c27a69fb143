"""Session 14, W1 (issue 13; trial t20 items 1 and 6): follow-through of a step value that is exactly right from
the student's own earlier values but written with fewer places; given values written with `^{(0)}`.

The graph is the trial's quadratic form y = xᵀAx + b·x + c, L = (y − t)², x = (1, 2, −1), t = 1, with
A = [[1, 0, 2], [0, 1, −1], [1, 0.5, 0]], b = (0.5, −1, 2), c = 1. Every number is worked here, by hand in the
comments and by a NumPy forward pass of the graph (its gradient by central differences) or of the network, never
taken from the code under test.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import PROBLEMS
from helpers import quadratic_graph

from symbackprop.answers import check_submission

X = np.array([1.0, 2.0, -1.0])
A0 = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0], [1.0, 0.5, 0.0]])
B0 = np.array([0.5, -1.0, 2.0])


def _loss(theta):
    a, b, c = theta
    return float((X @ a @ X + b @ X + c - 1.0) ** 2)


def _grads(theta, h=1e-6):
    """∂L/∂A, ∂L/∂b, ∂L/∂c by central differences."""
    out = []
    for i, p in enumerate(theta):
        g = np.zeros_like(np.asarray(p, dtype=float))
        for idx in np.ndindex(g.shape):
            up = [np.array(q, dtype=float) for q in theta]
            down = [np.array(q, dtype=float) for q in theta]
            up[i][idx] += h
            down[i][idx] -= h
            g[idx] = (_loss(up) - _loss(down)) / (2 * h)
        out.append(g)
    return out


def _check(tmp_path, optimizer, answers, name="a.yaml"):
    problem = tmp_path / "p.yaml"
    problem.write_text(quadratic_graph(optimizer, 3), encoding="utf-8")
    path = tmp_path / name
    path.write_text(answers, encoding="utf-8")
    reports, problems = check_submission(problem, path)
    return {v.qid: v for r in reports for v in r.verdicts}, problems


# -- item 1: an exact own value written short follows through ------------------------------------------------

MOM_FOLLOW = """\
## Step 1
$v_1(A_{12}) = 0.01 \\times (-2) = -0.02$
$A_{12}^{(1)} = 0 + 0.03 = 0.03$

## Step 2
$g_2(A_{12}) = -0.2$
$v_2(A_{12}) = 0.9 \\times (-0.02) + 0.01 \\times (-0.2) = -0.02$
$A_{12}^{(2)} = 0.03 + 0.02 = 0.05$
"""


def test_momentum_graph_exact_own_values_written_short(tmp_path):
    # y at θ_0: xᵀAx = 3, b·x = −3.5, c = 1 → y = 0.5, y − t = −0.5; g_1(A_12) = 2(y − t)x_1x_2 = −2.
    # momentum (v = 0.9v + 0.01g, θ −= v): v_1 = −0.01·x_ix_j, θ_1 = θ_0 + 0.01·x_ix_j → the run's A_12: 0.02.
    # The student's θ_1(A_12) = 0.03 (wrong). At their θ_1 (the run's other entries): y = 0.5 + 0.01·(36 + 6 + 1)
    # + 0.01·2 = 0.95, g_2 = 2(−0.05)·2 = −0.2; v_2 = 0.9·(−0.02) + 0.01·(−0.2) = −0.02; θ_2 = 0.03 + 0.02 = 0.05.
    # The run's: y = 0.93, g_2 = −0.28, v_2 = −0.0208 (so −0.02 is "right to 2 places" of it), θ_2 = 0.0408.
    theta0 = [A0, B0, 1.0]
    g1 = _grads(theta0)
    assert g1[0][0, 1] == pytest.approx(-2.0, abs=1e-6)
    run1 = [p - 0.01 * g for p, g in zip(theta0, g1)]
    assert run1[0][0, 1] == pytest.approx(0.02)
    own1 = [run1[0].copy(), run1[1], run1[2]]
    own1[0][0, 1] = 0.03
    g2_own, g2_run = _grads(own1)[0][0, 1], _grads(run1)[0][0, 1]
    assert g2_own == pytest.approx(-0.2, abs=1e-6) and g2_run == pytest.approx(-0.28, abs=1e-6)
    v2_run = 0.9 * (-0.02) + 0.01 * g2_run
    assert round(v2_run, 2) == -0.02 and abs(v2_run + 0.02) > 5e-5        # the run's rounds to what they wrote
    verdicts, problems = _check(tmp_path, "{name: momentum, lr: 0.01, momentum: 0.9}", MOM_FOLLOW, "a.md")
    assert not problems
    assert verdicts["step1.new_A_1_2"].status == "wrong"
    for qid in ("step2.grad_A_1_2", "step2.velocity_A_1_2", "step2.new_A_1_2"):
        assert verdicts[qid].status == "follow_through", (qid, verdicts[qid].status, verdicts[qid].message)
        assert verdicts[qid].credit == 1.0


@pytest.mark.parametrize("answers,name", [
    ("step1.new_A_1_2: 0.0600\nstep2.grad_A_1_2: 2.28\n", "a.yaml"),
    ("## Step 1\n$G_t(A_{12}) = 0 + (-2)^2 = 4$\n$A_{12}^{new} = 0.06$\n\n## Step 2\n"
     "$\\frac{\\partial L}{\\partial A_{12}} = 2.28$\n", "a.md"),
])
def test_adagrad_graph_own_gradient_written_short(tmp_path, answers, name):
    # torch Adagrad (lr 0.05, ε = 1e-10): G_1 = g_1², θ_1 = θ_0 − 0.05·g_1/(|g_1| + ε) ≈ θ_0 − 0.05·sign(g_1).
    # g_1 = −x_ix_j (A), −x_i (b), −1 (c), so every parameter moves 0.05 towards raising y:
    # y_1 = 0.5 + 0.05·((Σ|x_i|)² + Σ|x_i| + 1) = 0.5 + 0.05·21 = 1.55 → the run's g_2(A_12) = 2·0.55·2 = 2.2.
    # The student's θ_1(A_12) = 0.06 (the run's 0.05): y = 1.57, g_2 = 2·0.57·2 = 2.28 (2.2799999997 with ε),
    # written "2.28" — exact at the 4 places asked, so right from their own values however few places it shows.
    theta0 = [A0, B0, 1.0]
    g1 = _grads(theta0)
    run1 = [p - 0.05 * g / (np.abs(g) + 1e-10) for p, g in zip(theta0, g1)]
    own1 = [run1[0].copy(), run1[1], run1[2]]
    own1[0][0, 1] = 0.06
    assert _grads(run1)[0][0, 1] == pytest.approx(2.2, abs=1e-6)
    assert _grads(own1)[0][0, 1] == pytest.approx(2.28, abs=1e-6)
    verdicts, problems = _check(tmp_path, "{name: adagrad, lr: 0.05, form: pytorch}", answers, name)
    assert not problems
    assert verdicts["step1.new_A_1_2"].status == "wrong"
    v = verdicts["step2.grad_A_1_2"]
    assert v.status == "follow_through" and v.credit == 1.0, (v.status, v.message)


# the lecture's XOR net of problems/xor_momentum.yaml (torch momentum: b_t = 0.9·b_{t−1} + g_t, θ_t = θ_{t−1} − 0.5·b_t)
XOR_W0 = {"w_0_3": 1.0, "w_0_4": -6.0, "w_0_5": -4.0, "w_1_3": 3.0, "w_1_4": 6.0, "w_2_3": 4.0, "w_2_4": 5.0,
          "w_3_5": 2.0, "w_4_5": 4.0}


def _xor_loss(w):
    sig = lambda z: 1.0 / (1.0 + math.exp(-z))           # noqa: E731
    x1, x2 = 1.0, 0.0
    u3 = sig(w["w_0_3"] + w["w_1_3"] * x1 + w["w_2_3"] * x2)
    u4 = sig(w["w_0_4"] + w["w_1_4"] * x1 + w["w_2_4"] * x2)
    u5 = sig(w["w_0_5"] + w["w_3_5"] * u3 + w["w_4_5"] * u4)
    return 0.5 * (1.0 - u5) ** 2


def _xor_grad(w, h=1e-6):
    out = {}
    for k in w:
        up, down = dict(w), dict(w)
        up[k] += h
        down[k] -= h
        out[k] = (_xor_loss(up) - _xor_loss(down)) / (2 * h)
    return out


def _xor_run():
    g1 = _xor_grad(XOR_W0)
    w1 = {k: XOR_W0[k] - 0.5 * g1[k] for k in XOR_W0}
    g2 = _xor_grad(w1)
    b2 = {k: 0.9 * g1[k] + g2[k] for k in XOR_W0}
    return g1, w1, b2, {k: w1[k] - 0.5 * b2[k] for k in XOR_W0}


@pytest.mark.parametrize("theta1,status", [
    # θ_2 = 2.06025 − 0.5·(−0.2195) = 2.06025 + 0.10975 = 2.17 exactly: written "2.17", follow-through
    ("2.06025", "follow_through"),
    # θ_2 = 2.06125 + 0.10975 = 2.171: "2.17" is only right to 2 places of their own value too, so it stays
    # "imprecise" (right to 2 places of the run's 2.1722)
    ("2.06125", "imprecise"),
])
def test_network_exact_own_value_written_short(tmp_path, theta1, status):
    g1, w1, b2, w2 = _xor_run()
    assert round(g1["w_3_5"], 4) == -0.1249 and round(w1["w_3_5"], 4) == 2.0625
    assert round(b2["w_3_5"], 4) == -0.2195                     # the student's b_2 is the run's, to 4 places
    assert round(w2["w_3_5"], 2) == 2.17 and abs(w2["w_3_5"] - 2.17) > 5e-5   # the run's θ_2: 2.1722
    answers = (f"## Step 1\n$b_1(w_{{35}}) = -0.1249$\n$w_{{35}}^{{(1)}} = {theta1}$\n\n"
               "## Step 2\n$b_2(w_{35}) = -0.2195$\n$w_{35}^{(2)} = 2.17$\n")
    path = tmp_path / "a.md"
    path.write_text(answers, encoding="utf-8")
    reports, problems = check_submission(PROBLEMS / "xor_momentum.yaml", path)
    verdicts = {v.qid: v for r in reports for v in r.verdicts}
    assert not problems
    assert verdicts["new_w_3_5"].status == "wrong"     # w_{35}^{(1)}: today's item w_{35}^new (session 15)
    assert verdicts["step2.velocity_w_3_5"].status == "correct"
    assert verdicts["step2.new_w_3_5"].status == status, verdicts["step2.new_w_3_5"].message


# -- item 2: given values written with ^{(0)} ---------------------------------------------------------------

def test_graph_given_values_with_superscript_zero_are_judged(tmp_path):
    # the trial's a/ag_zero.yaml: A_12 = 0 and c = 1 are the given values; b_3 = 7 is not (2), A_12 = 3 is not (0)
    opt = "{name: adagrad, lr: 0.05, form: pytorch}"
    verdicts, problems = _check(tmp_path, opt, "A_{12}^{(0)}: 0\nc^{(0)}: 1\n")
    assert not problems
    assert (verdicts["A_1_2"].status, verdicts["c"].status) == ("correct", "correct")
    verdicts, problems = _check(tmp_path, opt, "b^{(0)}: [0.5, -1, 7]\nA_{12}^{(0)}: 3\n")
    assert not problems
    assert [verdicts[q].status for q in ("b_1", "b_2", "b_3", "A_1_2")] == ["correct", "correct", "wrong", "wrong"]
    # a whole matrix: θ_0(A) in YAML, A^{(0)} in a write-up — entry by entry, as `A` is (A_33 = 0, not 9)
    verdicts, problems = _check(tmp_path, opt, "\\theta_0(A): [[1, 0, 2], [0, 1, -1], [1, 0.5, 9]]\n")
    assert not problems
    assert verdicts["A_3_2"].status == "correct" and verdicts["A_3_3"].status == "wrong"
    md = ("## Step 1\n$A^{(0)} = \\begin{pmatrix}1 & 0 & 2\\\\ 0 & 1 & -1\\\\ 1 & 0.5 & 0\\end{pmatrix}$\n\n"
          "$g_1(c) = -1$\n")
    verdicts, problems = _check(tmp_path, opt, md, "a.md")
    assert not problems
    assert sorted(q for q in verdicts if q.startswith("A_")) == [f"A_{r}_{c}" for r in (1, 2, 3) for c in (1, 2, 3)]
    assert all(verdicts[f"A_{r}_{c}"].status == "correct" for r in (1, 2, 3) for c in (1, 2, 3))
    assert verdicts["grad_c"].status == "correct"          # g_1(c), today's ∂L/∂c: 2(y − t)·1 = 2·(−0.5) = −1


@pytest.mark.parametrize("name", ["a.yaml", "a.md"])
def test_network_given_weight_with_superscript_zero_is_judged(tmp_path, name):
    # problems/xor_momentum.yaml gives w_35 = 2 and w_45 = 4; 0.5 for w_45 is a given value written otherwise
    text = "w_{35}^{(0)}: 2\nw_{45}^{(0)}: 0.5\n" if name == "a.yaml" else \
        "## Step 1\n$w_{35}^{(0)} = 2$\n\n$w_{45}^{(0)} = 0.5$\n"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    reports, problems = check_submission(PROBLEMS / "xor_momentum.yaml", path)
    assert not problems
    verdicts = {v.qid: v for r in reports for v in r.verdicts}
    assert verdicts["w_3_5"].status == "correct"
    assert verdicts["w_4_5"].status != "correct" and verdicts["w_4_5"].value == 0.5
