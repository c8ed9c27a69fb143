"""Session 15 (issue 14): training.py's run, its watchers and its schedules, against values worked by hand here
(a linear unit trained by a NumPy loop written in this file; the schedules' numbers by hand) and against a second
path (one epoch of full-batch SGD is `solve`'s one step)."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symbackprop.problem import parse_problem
from symbackprop.quantity import Key
from symbackprop.solution import solve
from symbackprop.training import (Decay, EarlyStopper, EarlyStopping, PlateauDecay, TrainSettings, predicted_class,
                                  step_rate, train)
from helpers import XOR_SAMPLES

XOR = """\
network: {inputs: [1, 2], bias: 0, layers: [[3, 4], [5]], activation: sigmoid}
weights: {0: {3: 1, 4: -6, 5: -4}, 1: {3: 3, 4: 6}, 2: {3: 4, 4: 5}, 3: {5: 2}, 4: {5: 4}}
""" + XOR_SAMPLES + """\
loss: half_squared_error
learning_rate: 2
"""

# one linear unit u = b + w·x, J = ½(u − t)² a sample: ∂J/∂b = u − t, ∂J/∂w = (u − t)·x
UNIT4 = """\
network: {inputs: [1], bias: 0, layers: [[2]], activation: identity}
weights: {0: {2: 0.5}, 1: {2: -0.25}}
samples:
  - {x: {1: 1}, t: {2: 2}}
  - {x: {1: 2}, t: {2: 0}}
  - {x: {1: -1}, t: {2: 1}}
  - {x: {1: 3}, t: {2: -1}}
  - {x: {1: 0.5}, t: {2: 0.5}}
loss: half_squared_error
learning_rate: 0.1
"""
DATA = [(1.0, 2.0), (2.0, 0.0), (-1.0, 1.0), (3.0, -1.0), (0.5, 0.5)]


def by_hand(epochs: int, size: int, seed: int, lr: float = 0.1, reduction: str = "mean"):
    """The linear unit trained by hand: the same generator, permutation a epoch, batches in order."""
    rng = np.random.default_rng(seed)
    b, w = 0.5, -0.25
    for _ in range(epochs):
        order = rng.permutation(len(DATA))
        for start in range(0, len(DATA), size):
            batch = [DATA[i] for i in order[start:start + size]]
            gb = sum((b + w * x - t) for x, t in batch)
            gw = sum((b + w * x - t) * x for x, t in batch)
            scale = 1 / len(batch) if reduction == "mean" else 1
            b, w = b - lr * gb * scale, w - lr * gw * scale
    return b, w


def test_one_epoch_of_full_batch_sgd_is_solves_one_step():
    prob = parse_problem(XOR, "x.yaml")
    run = train(prob.parts[0], TrainSettings(epochs=1, shuffle=False))
    psol = solve(prob).parts[0]
    for (i, j), v in run.final.items():
        assert v == pytest.approx(float(psol.step(Key("new_w", j, source=i)).value), abs=1e-12)
    assert run.updates == 1


@pytest.mark.parametrize("size, seed, epochs", [(2, 0, 3), (3, 7, 4), (1, 1, 2), (5, 3, 2)])
def test_mini_batches_in_a_seeded_order_as_by_hand(size, seed, epochs):
    run = train(parse_problem(UNIT4, "u.yaml").parts[0], TrainSettings(epochs=epochs, batch_size=size, seed=seed))
    b, w = by_hand(epochs, size, seed)
    assert run.final[("0", "2")] == pytest.approx(b, abs=1e-12)
    assert run.final[("1", "2")] == pytest.approx(w, abs=1e-12)
    assert run.updates == epochs * -(-5 // size)


def test_a_summed_batch_and_no_shuffle():
    run = train(parse_problem(UNIT4 + "batch_reduction: sum\n", "u.yaml").parts[0],
                TrainSettings(epochs=2, batch_size=2, shuffle=False))
    b, w = 0.5, -0.25
    for _ in range(2):
        for start in (0, 2, 4):
            batch = DATA[start:start + 2]
            gb = sum(b + w * x - t for x, t in batch)
            gw = sum((b + w * x - t) * x for x, t in batch)
            b, w = b - 0.1 * gb, w - 0.1 * gw
    assert (run.final[("0", "2")], run.final[("1", "2")]) == pytest.approx((b, w), abs=1e-12)


def test_each_epochs_loss_is_j_over_the_training_set_after_it():
    run = train(parse_problem(UNIT4, "u.yaml").parts[0], TrainSettings(epochs=3, batch_size=2, seed=4))
    for e in run.epochs:
        b, w = by_hand(e.epoch, 2, 4)
        assert e.loss == pytest.approx(np.mean([0.5 * (b + w * x - t) ** 2 for x, t in DATA]), abs=1e-12)
        assert e.dev_loss is None and e.accuracy is None       # targets 2, 0, 1, −1, 0.5: no classes


def test_early_stopping_on_a_scripted_dev_curve():
    # dev loss: 5, 4, 4.5, 3, 3.2, 3.1, 3.05, 2  with patience 3: best at epochs 1, 2, 4; epochs 5, 6, 7 do not
    # improve on 3, so patience runs out after epoch 7 (the weights kept: epoch 4's)
    stopper = EarlyStopper(EarlyStopping("loss", patience=3))
    said = [stopper.update(v) for v in (5, 4, 4.5, 3, 3.2, 3.1, 3.05)]
    assert said == ["best", "best", "wait", "best", "wait", "wait", "stop"]
    # accuracy goes up; min_delta 0.05: 0.52 is no improvement on 0.5
    acc = EarlyStopper(EarlyStopping("accuracy", patience=2, min_delta=0.05))
    assert [acc.update(v) for v in (0.5, 0.52, 0.75, 0.75, 0.7)] == ["best", "wait", "best", "wait", "stop"]


def test_the_step_schedule_by_hand():
    d = Decay("step", factor=sp.Rational(1, 2), every=3)
    # epochs 1-3: 0.4; 4-6: 0.2; 7: 0.1
    assert [step_rate(d, sp.Rational(2, 5), e) for e in range(1, 8)] == \
        [sp.Rational(2, 5)] * 3 + [sp.Rational(1, 5)] * 3 + [sp.Rational(1, 10)]


def test_the_plateau_schedule_by_hand():
    # patience 1: the rate drops after 2 epochs in a row without improvement, then counts afresh
    p = PlateauDecay(Decay("plateau", factor=sp.Rational(1, 10), patience=1, min_lr=sp.Rational(1, 1000)))
    rate, got = sp.Rational(1), []
    for v in (3, 2, 2.5, 2.1, 2.2, 2.3, 1, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5):
        rate = p.update(v, rate)
        got.append(rate)
    # epochs 3, 4 do not improve on 2: 1 → 0.1 after epoch 4; 5, 6 (no improvement): 0.01 after epoch 6; 7 improves;
    # 8, 9: 0.001 after 9; 10, 11: max(0.0001, min_lr) = 0.001 after 11; 12, 13: still 0.001
    assert got == [1, 1, 1, sp.Rational(1, 10), sp.Rational(1, 10), sp.Rational(1, 100), sp.Rational(1, 100),
                   sp.Rational(1, 100), sp.Rational(1, 1000), sp.Rational(1, 1000), sp.Rational(1, 1000),
                   sp.Rational(1, 1000), sp.Rational(1, 1000)]


def test_a_run_with_a_dev_set_stops_early_and_keeps_the_best_weights():
    # full-batch SGD moves u(1) = b + w monotonically over the first epochs (by hand below); a dev sample at x = 1
    # whose target is u(1) after epoch 5 has its dev loss ½(u_e(1) − t)² least at epoch 5, larger after: patience 2
    # stops the run after epoch 7 and keeps epoch 5's weights
    u = [sum(by_hand(e, 5, 0)) for e in range(1, 9)]
    assert all(a < b for a, b in zip(u, u[1:])) or all(a > b for a, b in zip(u, u[1:]))
    dev = parse_problem(f"network: {{inputs: [1], bias: 0, layers: [[2]], activation: identity}}\n"
                        f"weights: {{0: {{2: 0}}, 1: {{2: 0}}}}\nsample: {{x: {{1: 1}}, t: {{2: {u[4]!r}}}}}\n"
                        f"loss: half_squared_error\n", "d.yaml").parts[0].samples
    settings = TrainSettings(epochs=200, batch_size=5, dev=dev, early_stopping=EarlyStopping("loss", patience=2))
    run = train(parse_problem(UNIT4, "u.yaml").parts[0], settings)
    assert run.stopped_epoch == 7 and [e.epoch for e in run.epochs] == list(range(1, 8))
    assert run.kept_epoch == 5 and "best" in run.epochs[4].marks and "stopped" in run.epochs[6].marks
    b, w = by_hand(5, 5, 0)
    assert (run.kept[("0", "2")], run.kept[("1", "2")]) == pytest.approx((b, w), abs=1e-12)
    assert run.epochs[4].dev_loss == pytest.approx(0, abs=1e-20)


def test_accuracy_classes():
    assert predicted_class([0.7], [1.0]) == (1, 1) and predicted_class([0.2], [1.0]) == (0, 1)
    assert predicted_class([-0.1], [-1.0]) == (0, 0) and predicted_class([0.3], [0.5]) is None
    assert predicted_class([0.1, 0.7, 0.2], [0, 1, 0]) == (1, 1)
    assert predicted_class([0.1, 0.7], [0.5, 0.5]) is None
    # a set with targets −1 and 1 (a tanh output): every row by the threshold 0, the rows with t = 1 too
    assert predicted_class([0.3], [1.0], signed=True) == (1, 1) and predicted_class([0.3], [1.0]) == (0, 1)
    assert predicted_class([0.3], [0.0], signed=True) is None


def test_a_tanh_sets_accuracy_uses_one_threshold():
    # u = b + w·x trained on targets ±1; at the end the outputs are judged by u ≥ 0 in every row (by hand below)
    text = UNIT4.replace("t: {2: 2}", "t: {2: 1}").replace("t: {2: 0}", "t: {2: -1}").replace("t: {2: 0.5}", "t: {2: 1}")
    part = parse_problem(text, "u.yaml").parts[0]
    targets = [float(s.t[0][1]) for s in part.samples]
    assert set(targets) == {-1.0, 1.0}
    run = train(part, TrainSettings(epochs=3, batch_size=5))
    b, w = run.final[("0", "2")], run.final[("1", "2")]
    xs = [float(s.x[0][1]) for s in part.samples]
    want = sum((b + w * x >= 0) == (t == 1.0) for x, t in zip(xs, targets)) / 5
    assert run.epochs[-1].accuracy == pytest.approx(want)
