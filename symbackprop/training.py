"""Training runs (issue 14): epochs of mini-batch updates of a network part, as data; nothing here formats output.

`train(part, settings)` trains the part's weights on its samples (the training set) for `settings.epochs`
epochs: each epoch the samples in a fresh order (`shuffle`, a NumPy generator seeded once by `seed`), cut
into batches of `batch_size` (the last may be smaller), one optimizer update per batch, J of a batch as
the part's `batch_reduction` says over that batch. The optimizer is the part's (`optimizer:` of issue 13,
problem.Training; plain gradient descent with η by default), its NumPy step compiled once per learning rate
(optimizers.compiled). After each epoch: J over the whole training set, and on the dev set (`dev`) J and the
accuracy, which early stopping (`EarlyStopping`) and the plateau decay of the rate (`Decay`) watch.

The numbers come from compiled functions only: J, ∂J/∂w and the outputs of one sample are the part's SymPy
model lambdified once (optimize.Compiled), never a symbolic evaluation per step. `engine` is that per-sample
function; a faster one with the same interface may replace it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

import sympy as sp

from . import optimizers
from .problem import Part, Sample, Training

METRICS = ("loss", "accuracy")
DECAYS = ("step", "plateau")


@dataclass(frozen=True)
class EarlyStopping:
    """Stop when the dev `metric` has not improved (lower loss, higher accuracy, by more than `min_delta`) for
    `patience` epochs in a row; the weights kept are those of the best epoch."""

    metric: str = "loss"
    patience: int = 10
    min_delta: float = 0.0


@dataclass(frozen=True)
class Decay:
    """The learning rate's schedule. `step`: η_e = η·factor^⌊(e − 1)/every⌋ in epoch e (1-based; torch's StepLR).
    `plateau`: η times `factor` after `patience` epochs in a row without improvement of the dev `metric` (by more
    than `min_delta`), never below `min_lr`; the count starts again after a decay (torch's ReduceLROnPlateau with
    threshold_mode "abs", cooldown 0)."""

    kind: str = "step"
    factor: sp.Rational = sp.Rational(1, 2)
    every: int = 1
    patience: int = 0
    metric: str = "loss"
    min_delta: float = 0.0
    min_lr: sp.Rational = sp.Integer(0)


@dataclass(frozen=True)
class TrainSettings:
    """How to train: epochs, batch size (None: the whole training set, one update an epoch), shuffling and its
    seed, the dev set, and the two watchers."""

    epochs: int
    batch_size: int | None = None
    shuffle: bool = True
    seed: int = 0
    dev: tuple[Sample, ...] = ()
    early_stopping: EarlyStopping | None = None
    decay: Decay | None = None


@dataclass(frozen=True)
class Epoch:
    """One epoch's row: J on the training set after it, on the dev set (None without one), the accuracies (None
    where the outputs have no classes), the learning rate it used, and its marks: "best" (the best dev metric so
    far: the weights early stopping keeps), "decayed" (the rate is lower from the next epoch), "stopped" (patience
    ran out: the last epoch)."""

    epoch: int
    loss: float
    dev_loss: float | None
    accuracy: float | None
    dev_accuracy: float | None
    lr: float
    marks: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrainRun:
    """A run: its epochs, the weights at the end and (with early stopping) those of the best epoch, by edge
    (source, target) in `Part.weights` order, and the number of updates made."""

    part: Part = field(repr=False)
    settings: TrainSettings
    epochs: tuple[Epoch, ...]
    final: dict
    kept: dict | None
    kept_epoch: int | None
    updates: int

    @property
    def stopped_epoch(self) -> int | None:
        """The epoch where patience ran out, or None if every epoch ran."""
        last = self.epochs[-1] if self.epochs else None
        return last.epoch if last is not None and "stopped" in last.marks else None


# -- the classes of the outputs: accuracy ---------------------------------------------------------

def predicted_class(outputs: Sequence[float], targets: Sequence[float]) -> tuple[int, int] | None:
    """(predicted, true) class of one sample, or None where the targets are not classes. Several output units:
    the largest output against the largest target (one-hot targets). One unit with targets in {0, 1}: output ≥ ½
    is class 1; targets in {−1, 1} (tanh): output ≥ 0 is class 1."""
    if len(outputs) > 1:
        if sorted(targets) != [0.0] * (len(targets) - 1) + [1.0]:
            return None
        return max(range(len(outputs)), key=lambda k: outputs[k]), max(range(len(targets)), key=lambda k: targets[k])
    (u,), (t,) = outputs, targets
    if t in (0.0, 1.0):
        return int(u >= 0.5), int(t)
    if t in (-1.0, 1.0):
        return int(u >= 0.0), int(t > 0)
    return None


# -- the watchers: pure, fed one dev value an epoch ---------------------------------------------------

class _Best:
    """The best value of a metric so far and the epochs since it improved (lower loss, higher accuracy)."""

    def __init__(self, metric: str, min_delta: float) -> None:
        self.sign = 1.0 if metric == "loss" else -1.0
        self.min_delta = min_delta
        self.best: float | None = None
        self.waited = 0

    def improved(self, value: float) -> bool:
        """Record an epoch's value; True where it beats the best by more than min_delta."""
        if self.best is None or self.sign * (self.best - value) > self.min_delta:
            self.best, self.waited = value, 0
            return True
        self.waited += 1
        return False


class EarlyStopper:
    """Early stopping as it watches the dev metric: `update(value)` after each epoch says "best" (keep these
    weights), "wait" or "stop" (patience ran out: `patience` epochs in a row without improvement)."""

    def __init__(self, rule: EarlyStopping) -> None:
        self.rule, self._best = rule, _Best(rule.metric, rule.min_delta)

    def update(self, value: float) -> str:
        if self._best.improved(value):
            return "best"
        return "stop" if self._best.waited >= self.rule.patience else "wait"


class PlateauDecay:
    """The plateau schedule as it watches the dev metric: `update(value, rate)` after each epoch gives the rate of
    the next epoch: `rate`·factor (not below min_lr) once more than `patience` epochs in a row have not improved,
    the count then starting again; else `rate`."""

    def __init__(self, rule: Decay) -> None:
        self.rule, self._best = rule, _Best(rule.metric, rule.min_delta)

    def update(self, value: float, rate: sp.Rational) -> sp.Rational:
        if self._best.improved(value) or self._best.waited <= self.rule.patience:
            return rate
        self._best.waited = 0
        return max(rate * self.rule.factor, self.rule.min_lr)


def step_rate(decay: Decay, base: sp.Rational, epoch: int) -> sp.Rational:
    """The step schedule's η in epoch `epoch` (1-based), exactly."""
    return base * decay.factor ** ((epoch - 1) // decay.every)


# -- the run --------------------------------------------------------------------------------------

def _order(rng, n: int, shuffle: bool) -> list[int]:
    return [int(i) for i in rng.permutation(n)] if shuffle else list(range(n))


def train(part: Part, settings: TrainSettings, progress: Callable[[int], None] | None = None) -> TrainRun:
    """Train `part` as `settings` says (module docstring); `progress(epoch)` is called after each epoch."""
    import numpy as np
    from .optimize import Compiled, _param_values, parameters
    training = part.training or Training(settings=(("lr", part.learning_rate),))
    compiled = Compiled(part)
    params = parameters(part)
    index = {e: n for n, e in enumerate(compiled.edges)}
    slots = [[index[e] for e in p.edges] for p in params]
    frozen = np.array([p.frozen for p in params], dtype=bool)
    theta = np.array([float(v) for v in _param_values(part, params)], dtype=float)
    values = dict(training.values)
    base = values.get("lr")

    def weights(th) -> list[float]:
        w = [0.0] * len(compiled.edges)
        for s, v in zip(slots, th):
            for e in s:
                w[e] = float(v)
        return w

    def batch(th, samples: Sequence[Sample]) -> tuple[float, np.ndarray]:
        """J of `samples` (the part's reduction over them) and ∂J/∂θ."""
        w = weights(th)
        loss, edge = 0.0, [0.0] * len(w)
        for smp in samples:
            j, g = compiled(w, smp)
            loss += j
            edge = [a + b for a, b in zip(edge, g)]
        scale = 1.0 / len(samples) if part.batch_reduction == "mean" else 1.0
        grads = np.array([sum(edge[e] for e in s) for s in slots], dtype=float) * scale
        return loss * scale, grads

    def measure(th, samples: Sequence[Sample]) -> tuple[float | None, float | None]:
        """(J, accuracy) over `samples`; (None, None) for none."""
        if not samples:
            return None, None
        w = weights(th)
        loss, right, counted = 0.0, 0, 0
        for smp in samples:
            loss += compiled(w, smp)[0]
            got = predicted_class(compiled.outputs(w, smp), [float(v) for _, v in smp.t])
            if got is not None:
                counted += 1
                right += got[0] == got[1]
        scale = 1.0 / len(samples) if part.batch_reduction == "mean" else 1.0
        return loss * scale, (right / counted if counted == len(samples) else None)

    rate = base
    step = optimizers.compiled(training.optimizer, training.form, values)
    state = step.initial_state(theta.shape)
    rng = np.random.default_rng(settings.seed)
    n = len(part.samples)
    size = settings.batch_size or n
    early = settings.early_stopping
    watch = EarlyStopper(early) if early is not None else None
    decay = settings.decay
    plateau = PlateauDecay(decay) if decay is not None and decay.kind == "plateau" and base is not None else None
    rows: list[Epoch] = []
    kept, kept_epoch, t = None, None, 0
    for epoch in range(1, settings.epochs + 1):
        if decay is not None and decay.kind == "step" and base is not None:
            rate = step_rate(decay, base, epoch)
        if base is not None and rate != values["lr"]:
            values["lr"] = rate
            step = optimizers.compiled(training.optimizer, training.form, values)
        order = _order(rng, n, settings.shuffle)
        for start in range(0, n, size):
            t += 1
            chosen = [part.samples[i] for i in order[start:start + size]]
            point = step.grad_point(theta, state)
            _, grads = batch(point, chosen)
            out = step(theta, grads, state, t)
            theta = np.where(frozen, theta, out["theta"])
            state = {s.name: np.where(frozen, state[s.name], out[s.name]) for s in step.state}
        loss, accuracy = measure(theta, part.samples)
        dev_loss, dev_accuracy = measure(theta, settings.dev)
        marks: list[str] = []
        dev_metric = {"loss": dev_loss, "accuracy": dev_accuracy}
        if watch is not None and dev_metric[early.metric] is not None:
            said = watch.update(dev_metric[early.metric])
            if said == "best":
                kept, kept_epoch = dict(zip(compiled.edges, weights(theta))), epoch
                marks.append("best")
            elif said == "stop":
                marks.append("stopped")
        if plateau is not None and dev_metric[decay.metric] is not None:
            lower = plateau.update(dev_metric[decay.metric], rate)
            if lower < rate:
                rate = lower
                marks.append("decayed")
        elif decay is not None and decay.kind == "step" and base is not None and epoch < settings.epochs \
                and step_rate(decay, base, epoch + 1) < rate:
            marks.append("decayed")
        rows.append(Epoch(epoch, loss, dev_loss, accuracy, dev_accuracy, float(values["lr"]) if base is not None
                          else math.nan, tuple(marks)))
        if progress is not None:
            progress(epoch)
        if "stopped" in marks:
            break
    final = dict(zip(compiled.edges, weights(theta)))
    return TrainRun(part, settings, tuple(rows), final, kept, kept_epoch, t)


def with_weights(part: Part, weights: dict) -> Part:
    """`part` with its weights set to `weights` ({(source, target): float}), as exact decimals of the floats (their
    shortest repr), and no training: the part a worked step of the run solves."""
    new = tuple(replace(w, value=sp.Rational(repr(float(weights[(w.source, w.target)]))))
                for w in part.weights)
    return replace(part, weights=new, training=None)
