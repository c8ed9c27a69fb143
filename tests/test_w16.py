"""Session 16, task W (issue 14): a saturated output's loss and gradient (the logs clamped at −100, δ's limit), the
training limit's line, and `train --worked EPOCH:STEP` (the worked solution of one update of a run)."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.dense import Dense
from symbackprop.optimize import Compiled
from symbackprop.problem import parse_problem
from symbackprop.training import train


# -- 1. BCE at a saturated output -------------------------------------------------------------------------------

ONE_UNIT = """
network: {inputs: [1], bias: 0, layers: [[2]], activation: sigmoid}
weights: {0: {2: 0}, 1: {2: 50}}
samples:
  - {x: {1: 1}, t: {2: 1}}
  - {x: {1: 1}, t: {2: 0}}
loss: binary_cross_entropy
"""


def test_a_saturated_sigmoid_output_has_the_clamped_loss_and_the_limit_gradient():
    part = parse_problem(ONE_UNIT, "s.yaml").parts[0]
    # net = 50: u = 1/(1 + e^−50) = 1/(1 + 1.9e−22), exactly 1.0 in float64
    assert 1 / (1 + math.exp(-50.0)) == 1.0
    # by hand, each log clamped at −100: sample 1 (t = 1): −(1·ln 1 + 0·(−100)) = 0; sample 2 (t = 0):
    # −(0·ln 1 + 1·(−100)) = 100; J the mean: 50. δ = u − t: 0 and 1; ∂J/∂w = mean(δ·input): w_02 (bias 1) 1/2,
    # w_12 (x = 1) 1/2
    dense = Dense(part)
    x, t = dense.arrays(part.samples)
    with np.errstate(all="ignore"):
        loss, grads = dense.gradients(np.array([0.0, 50.0]), x, t)
    assert loss == 50.0
    assert grads.tolist() == [0.5, 0.5]
    # the fallback's lines raise there (math.log(0)); its limits=True lines give the same
    plain, limits = Compiled(part), Compiled(part, limits=True)
    with pytest.raises(ValueError):
        plain([0.0, 50.0], part.samples[1])
    with np.errstate(all="ignore"):
        assert limits([0.0, 50.0], part.samples[0]) == (0.0, [0.0, 0.0])
        assert limits([0.0, 50.0], part.samples[1]) == (100.0, [1.0, 1.0])


def test_a_saturated_softmax_output_has_the_clamped_cross_entropy():
    text = """
network: {inputs: [1], bias: 0, layers: [[2, 3]], activation: softmax}
weights: {0: {2: 0, 3: 0}, 1: {2: 800, 3: 0}}
samples:
  - {x: {1: 1}, t: {2: 0, 3: 1}}
  - {x: {1: 1}, t: {2: 1, 3: 0}}
loss: cross_entropy
"""
    part = parse_problem(text, "s.yaml").parts[0]
    dense = Dense(part)
    x, t = dense.arrays(part.samples)
    # u = softmax(800, 0) = (1, e^−800) = (1, 0) in float64. Sample 1: −(0·ln 1 + 1·(−100)) = 100; sample 2:
    # −(1·ln 1 + 0·(−100)) = 0; J = 50. δ = u − t: (1, −1) and (0, 0); ∂J/∂w = mean(δ·input): w_02, w_12 1/2;
    # w_03, w_13 −1/2
    with np.errstate(all="ignore"):
        given = {("0", "2"): 0.0, ("0", "3"): 0.0, ("1", "2"): 800.0, ("1", "3"): 0.0}
        loss, grads = dense.gradients(np.array([given[e] for e in dense.edges]), x, t)
    assert loss == 50.0
    got = dict(zip(dense.edges, grads.tolist()))
    assert got == {("0", "2"): 0.5, ("0", "3"): -0.5, ("1", "2"): 0.5, ("1", "3"): -0.5}


SATURATING = """
title: XOR that saturates
network: {inputs: [1, 2], bias: 0, layers: [[3, 4, 6, 7], [5]], activation: sigmoid}
init: {kind: uniform, v: 1, seed: 1}
samples:
  - {x: {1: 0, 2: 0}, t: {5: 0}}
  - {x: {1: 0, 2: 1}, t: {5: 1}}
  - {x: {1: 1, 2: 0}, t: {5: 1}}
  - {x: {1: 1, 2: 1}, t: {5: 0}}
loss: binary_cross_entropy
optimizer: {name: sgd, lr: 200}
train: {epochs: 30, seed: 0}
"""


def test_a_run_whose_output_saturates_no_longer_diverges(monkeypatch):
    # found by experiment: this 2-4-1 run's output reaches exactly 1.0 (and 0.0) in epoch 1, where main's engine
    # gave J = NaN and stopped the run as "diverged"
    part = parse_problem(SATURATING, "s.yaml").parts[0]
    run = train(part, part.train)
    assert run.diverged_epoch is None and len(run.epochs) == 30
    assert all(math.isfinite(e.loss) for e in run.epochs)
    assert run.epochs[0].loss == 50.0          # two samples saturated right (0), two wrong (100 each): mean 50
    # the fallback (optimize.Compiled per sample) runs the same numbers
    import symbackprop.dense as dense_module
    monkeypatch.setattr(dense_module, "dense_or_none", lambda p: None)
    slow = train(part, part.train)
    assert [e.loss for e in slow.epochs] == pytest.approx([e.loss for e in run.epochs], abs=1e-9)
    for e in run.final:
        assert slow.final[e] == pytest.approx(run.final[e], abs=1e-9)


def _numpy_bce(w, x, t):
    """J and ∂J/∂w of the 2-4-1 sigmoid net with BCE (mean over the batch) in plain NumPy, the logs not clamped:
    w and the gradient by edge (i, j), whole numbers."""
    def sig(z):
        return 1 / (1 + np.exp(-z))
    value = w
    w1 = np.array([[value[(i, j)] for i in (0, 1, 2)] for j in (3, 4, 6, 7)])
    w2 = np.array([value[(i, 5)] for i in (0, 3, 4, 6, 7)])
    a0 = np.hstack([np.ones((len(x), 1)), x])
    h = sig(a0 @ w1.T)
    a1 = np.hstack([np.ones((len(x), 1)), h])
    u = sig(a1 @ w2)
    tt = t[:, 0]
    loss = np.mean(-(tt * np.log(u) + (1 - tt) * np.log(1 - u)))
    d2 = (-(tt / u) + (1 - tt) / (1 - u)) * u * (1 - u) / len(x)
    g2 = d2 @ a1
    d1 = np.outer(d2, w2[1:]) * h * (1 - h)
    g1 = d1.T @ a0
    grad = {(i, j): g1[r, c] for r, j in enumerate((3, 4, 6, 7)) for c, i in enumerate((0, 1, 2))}
    grad.update({(i, 5): g2[c] for c, i in enumerate((0, 3, 4, 6, 7))})
    return loss, grad


def test_where_nothing_saturates_the_numbers_are_the_plain_formulas():
    part = parse_problem(SATURATING, "s.yaml").parts[0]
    dense = Dense(part)
    edges = [(int(a), int(b)) for a, b in dense.edges]
    x, t = dense.arrays(part.samples)
    rng = np.random.default_rng(7)
    for _ in range(5):
        w = rng.uniform(-2, 2, 17)
        loss, grads = dense.gradients(w, x, t)
        want_loss, want = _numpy_bce(dict(zip(edges, w)), x, t)
        assert loss == pytest.approx(want_loss, abs=1e-15, rel=1e-15)
        assert grads.tolist() == pytest.approx([want[e] for e in edges], abs=1e-15, rel=1e-14)


# -- 2. the training limit's line ------------------------------------------------------------------------------

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"


def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _line_of(path: Path, start: str) -> int:
    """The 1-based line of `path` that starts with `start` (after its indentation)."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if line.strip().startswith(start))


def test_the_training_limit_names_the_line_of_the_field_to_blame(monkeypatch):
    from symbackprop import budget
    xor = PROBLEMS / "xor_train.yaml"
    # 9 weights × 4 samples × 2,000 epochs = 72,000 over a limit of 100: the epochs (one epoch, 36, fits)
    monkeypatch.setattr(budget, "MAX_TRAIN_DENSE", 100)
    got = run_cli("train", xor)
    assert got.exit_code == 2
    line = got.output.strip()
    assert "\n" not in line
    assert line.startswith(f"Error: {xor}:{_line_of(xor, 'epochs:')}: train.epochs: training run too large: "
                           "9 weights × 4 samples × 2,000 epochs = 72,000")
    # a limit of 30: one epoch alone (9 × 4 = 36) is over it: the data (the part's samples)
    monkeypatch.setattr(budget, "MAX_TRAIN_DENSE", 30)
    got = run_cli("train", xor)
    assert got.exit_code == 2
    assert got.output.strip().startswith(f"Error: {xor}:{_line_of(xor, 'samples:')}: samples: training run too large")
