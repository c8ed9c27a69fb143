"""Training runs (issue 14): epochs of mini-batch updates of a network part, as data; nothing here formats output.

`train(part, settings)` trains the part's weights on its samples (the training set) for `settings.epochs`
epochs: each epoch the samples in a fresh order (`shuffle`, a NumPy generator seeded once by `seed`), cut
into batches of `batch_size` (the last may be smaller), one optimizer update per batch, J of a batch as
the part's `batch_reduction` says over that batch. The optimizer is the part's (`optimizer:` of issue 13,
problem.Training; plain gradient descent with η by default), its NumPy step compiled once per learning rate
(optimizers.compiled). After each epoch: J over the whole training set, and on the dev set (`dev`) J and the
accuracy, which early stopping (`EarlyStopping`) and the plateau decay of the rate (`Decay`) watch. A training J
that is not finite (NaN, ±∞) ends the run at that epoch, marked "diverged"; a dev value that is not finite is never
the best and the plateau decay does not count it.

The numbers come from compiled functions only, never a symbolic evaluation per step: the engine (`engine`) is
dense.Dense, the network as matrices, each unit's function lambdified once from the tables, one NumPy call per
batch (and one per set to measure J and the accuracy after an epoch); where Dense does not apply (dense.py says
which parts), the part's one-sample SymPy model lambdified once (optimize.Compiled), called per sample. Dense never
builds the SymPy model of the whole network. docs/training.md, "The engine".

Dropout (`Part.dropout`, dropout.py): each update draws a fresh mask for every sample of its batch,
`rng.random((batch, units)) < 1 − p` per dropped-out layer in layer order (`draw_batch_masks`), rng one generator
of its own, `np.random.default_rng(mask_seed(...))` (not the shuffle's); Dense applies ũ = m·u (standard) or
m·u/(1 − p) (inverted) forward and the same factor on δ backward; the loss and accuracy after each epoch are
measured at test time (no mask; ×(1 − p) standard, as is inverted). A file's `mask` is solve's one step, not the
run's. docs/training.md, "Training with dropout".
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

import sympy as sp

from . import optimizers
from .problem import Part, Sample, Training

METRICS = ("loss", "accuracy")


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
    every: int = 1                   # a file must give it (train_file.py)
    patience: int = 10               # torch's ReduceLROnPlateau's default
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
    # where the file writes what the size limit blames (budget.check_training): (what, field, line), what one of
    # "epochs", "data" (train.data, or the part's samples), "layers" (network.layers); () for settings built in code
    places: tuple = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Epoch:
    """One epoch's row: J on the training set after it, on the dev set (None without one), the accuracies (None
    where the outputs have no classes), the learning rate it used, and its marks: "best" (the best dev metric so
    far: the weights early stopping keeps), "decayed" (the rate is lower from the next epoch), "stopped" (patience
    ran out: the last epoch), "diverged" (the training J is not finite: the last epoch)."""

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
    worked: "StepRecord | None" = None       # the update recorded for `--worked` (train's `worked`), else None

    @property
    def stopped_epoch(self) -> int | None:
        """The epoch where patience ran out, or None if every epoch ran."""
        return self._last_marked("stopped")

    @property
    def diverged_epoch(self) -> int | None:
        """The epoch whose training J was not finite (NaN or ±∞: the run ended there), or None."""
        return self._last_marked("diverged")

    def _last_marked(self, mark: str) -> int | None:
        """The last epoch if it carries `mark` (a mark that ends the run), else None."""
        last = self.epochs[-1] if self.epochs else None
        return last.epoch if last is not None and mark in last.marks else None


@dataclass(frozen=True)
class StepRecord:
    """One update of a run as the run made it (floats), for its worked solution (`worked_run`): its epoch, its
    number in the epoch and in the run (t), its samples (0-based, in the run's shuffled order), the optimizer's
    settings that epoch (η after decay), θ_{t−1} and the state before it (by parameter, optimize.parameters'
    order), ∂J/∂θ at its grad point, θ_t, and J of its batch after it."""

    epoch: int
    update: int
    t: int
    samples: tuple[int, ...]
    values: dict = field(repr=False)
    theta: object = field(repr=False)
    state: dict = field(repr=False)
    grads: object = field(repr=False)
    new_theta: object = field(repr=False)
    new_loss: float = math.nan
    masks: tuple = ()        # dropout: each dropped-out layer's mask of the batch (Part.dropout order), rows 0/1
    loss: float = math.nan   # the run's J of the batch at θ_{t−1} (its logs clamped at −100, "A saturated output")


# -- the classes of the outputs: accuracy ---------------------------------------------------------

def predicted_class(outputs: Sequence[float], targets: Sequence[float],
                    signed: bool | None = None) -> tuple[int, int] | None:
    """(predicted, true) class of one sample, or None where the targets are not classes. Several output units:
    the largest output against the largest target (one-hot targets). One unit: classes 0 and 1 with targets in
    {0, 1}, output ≥ ½ is class 1; `signed` (the set's targets are −1 and 1, a tanh output: `signed_classes`),
    targets in {−1, 1} and output ≥ 0 is class 1. `signed` None: as this sample's target says (−1: signed)."""
    if len(outputs) > 1:
        if sorted(targets) != [0.0] * (len(targets) - 1) + [1.0]:
            return None
        return max(range(len(outputs)), key=lambda k: outputs[k]), max(range(len(targets)), key=lambda k: targets[k])
    (u,), (t,) = outputs, targets
    if signed is None:
        signed = t == -1.0
    if signed:
        return (int(u >= 0.0), int(t > 0)) if t in (-1.0, 1.0) else None
    return (int(u >= 0.5), int(t)) if t in (0.0, 1.0) else None


def signed_classes(samples: Sequence[Sample]) -> bool:
    """Whether one output unit's classes are −1 and 1 (some target is −1), not 0 and 1: decided once for the
    training set, so that a target 1 is judged by one threshold in every row, and the dev set by the same."""
    return any(len(s.t) == 1 and float(s.t[0][1]) == -1.0 for s in samples)


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


class _DenseEngine:
    """J, ∂J/∂w and the outputs of a batch from dense.Dense: one NumPy call per batch, the samples as arrays once."""

    def __init__(self, dense, part: Part, dev: Sequence[Sample]) -> None:
        self.dense, self.edges = dense, dense.edges
        self.sets = {"train": dense.arrays(part.samples), "dev": dense.arrays(dev)}
        self.signed = signed_classes(part.samples)

    def batch(self, w, chosen: Sequence[int], keep: dict | None = None):
        x, t = self.sets["train"]
        return self.dense.gradients(w, x[chosen], t[chosen], keep)

    def measure(self, w, which: str, keep: dict | None = None):
        x, t = self.sets[which]
        if not len(x):
            return None, None
        loss, u = self.dense.loss_and_outputs(w, x, t, keep)
        return loss, _accuracy(u, t, self.signed)


class _CompiledEngine:
    """The same from optimize.Compiled (the part's one-sample SymPy model lambdified once), sample by sample: for
    the parts dense.Dense does not compute."""

    def __init__(self, part: Part, dev: Sequence[Sample]) -> None:
        from .optimize import Compiled
        self.part, self.compiled = part, Compiled(part)
        self.edges = self.compiled.edges
        self.sets = {"train": part.samples, "dev": tuple(dev)}
        self.mean = part.batch_reduction == "mean"
        self.signed = signed_classes(part.samples)
        self._limits = None

    def _call(self, method: str, w, smp):
        """Compiled's `method` of one sample; where its plain lines raise (math's log of 0, a division by 0, an
        exp that overflows: a saturated output), Compiled(limits=True)'s: NumPy, the logs clamped, δ's limit."""
        try:
            return getattr(self.compiled, method)(w, smp)
        except (ValueError, ZeroDivisionError, OverflowError):
            if self._limits is None:
                from .optimize import Compiled
                self._limits = Compiled(self.part, limits=True)
            return getattr(self._limits, method)(w, smp)

    def batch(self, w, chosen: Sequence[int], keep: dict | None = None):
        import numpy as np
        _no_masks(keep)
        w = [float(v) for v in w]
        loss, edge = 0.0, np.zeros(len(w))
        for n in chosen:
            j, g = self._call("__call__", w, self.part.samples[n])
            loss += j
            edge += g
        scale = 1.0 / len(chosen) if self.mean else 1.0
        return loss * scale, edge * scale

    def measure(self, w, which: str, keep: dict | None = None):
        import numpy as np
        _no_masks(keep)
        samples = self.sets[which]
        if not samples:
            return None, None
        w = [float(v) for v in w]
        loss = sum(self._call("__call__", w, smp)[0] for smp in samples)
        u = np.array([self._call("outputs", w, smp) for smp in samples], dtype=float)
        t = np.array([[float(v) for _, v in smp.t] for smp in samples], dtype=float).reshape(len(samples), -1)
        scale = 1.0 / len(samples) if self.mean else 1.0
        return loss * scale, _accuracy(u, t, self.signed)


def _accuracy(u, t, signed: bool) -> float | None:
    """The share of rows whose predicted class is the true one (`predicted_class`, row by row, as arrays); None
    unless every row's targets are classes."""
    import numpy as np
    if t.shape[1] == 0 or t.shape[1] != u.shape[1]:
        return None
    if t.shape[1] > 1:
        ones, zeros = (t == 1.0).sum(axis=1), (t == 0.0).sum(axis=1)
        if not np.all((ones == 1) & (zeros == t.shape[1] - 1)):
            return None
        return float(np.mean(np.argmax(u, axis=1) == np.argmax(t, axis=1)))
    u, t = u[:, 0], t[:, 0]
    low, cut = (-1.0, 0.0) if signed else (0.0, 0.5)     # classes −1/1 at threshold 0, or 0/1 at ½
    if not np.all((t == low) | (t == 1.0)):
        return None
    return float(np.mean((u >= cut) == (t == 1.0)))


def _parameters(part: Part, edges: Sequence[tuple[str, str]]):
    """(the parameter of each edge, which parameters are frozen, their given values), the parameters in
    optimize.parameters' order (every untied weight in Part.weights order, then each shared one), without making
    their keys (25,000 of them take a third of a second)."""
    import numpy as np
    from .dense import _float
    tied = {edge: n for n, (_, group) in enumerate(part.shared) for edge in group}
    by_edge = {(w.source, w.target): w for w in part.weights}
    untied = [w for w in part.weights if (w.source, w.target) not in tied]
    first = {(w.source, w.target): n for n, w in enumerate(untied)}
    index = {e: n for n, e in enumerate(edges)}
    owner = np.zeros(len(edges), dtype=np.intp)
    for e, n in index.items():
        owner[n] = first[e] if e not in tied else len(untied) + tied[e]
    heads = [by_edge[group[0]] for _, group in part.shared]
    frozen = np.array([w.frozen for w in untied + heads], dtype=bool)
    theta = np.array([_float(w.value) for w in untied + heads], dtype=float)
    return owner, frozen, theta


def _no_masks(keep: dict | None) -> None:
    """The per-sample fallback has no dropout masks (train refuses dropout there first): a mask reaching it is a bug."""
    if keep is not None:
        raise ValueError("the per-sample fallback engine got dropout factors; train refuses dropout there")


def mask_seed(part: Part, settings: TrainSettings) -> int:
    """The seed of the run's dropout masks: the `seed:` of the part's first dropped-out layer that gives one, else
    train's `seed` (docs/training.md, "Training with dropout")."""
    return next((d.seed for d in part.dropout if d.seed is not None), settings.seed)


def draw_batch_masks(rng, part: Part, batch: int) -> list:
    """One update's masks (dropout.py): for each dropped-out layer in layer order,
    `rng.random((batch, units)) < 1 − p`, row r the mask of the batch's r-th sample (1 keeps, 0 drops)."""
    return [rng.random((batch, len(part.layers[d.layer - 1]))) < 1 - float(d.p) for d in part.dropout]


def _train_keep(part: Part, masks) -> dict:
    """dense's factors of an update's masks: m·1/(1 − p) (inverted) or m (standard), by 0-based layer."""
    return {d.layer - 1: m * (1.0 / (1.0 - float(d.p)) if d.scaling == "inverted" else 1.0)
            for d, m in zip(part.dropout, masks)}


def _test_keep(part: Part) -> dict | None:
    """dense's factors at test time: 1 − p (standard) or 1 (inverted), by 0-based layer; None without dropout."""
    if not part.dropout:
        return None
    return {d.layer - 1: (1.0 - float(d.p) if d.scaling == "standard" else 1.0) for d in part.dropout}


def train(part: Part, settings: TrainSettings, progress: Callable[[int], None] | None = None,
          source: str = "<problem>", worked: int | None = None) -> TrainRun:
    """Train `part` as `settings` says (module docstring); `progress(epoch)` is called after each epoch. A run over
    the size limit (budget.check_training) is a ProblemError naming `source`, before anything is computed.
    `worked`: the update (1-based over the whole run) whose worked solution is wanted: the run records what it
    needs (`StepRecord`: the weights and optimizer state before it, its samples, the settings), that step only."""
    import numpy as np
    from .budget import check_training
    from .dense import dense_or_none
    training = part.training or Training(settings=(("lr", part.learning_rate),))
    dense = dense_or_none(part)
    check_training(source, part, settings.epochs, len(settings.dev), dense is not None, settings.places)
    if part.dropout and dense is None:      # the per-sample SymPy fallback has no fresh mask per update
        from .errors import ProblemError
        from .messages import said as message
        raise ProblemError(message("dropout.train_compiled"), source=source, field="dropout")
    run = (_DenseEngine(dense, part, settings.dev) if dense is not None else _CompiledEngine(part, settings.dev))
    owner, frozen, theta = _parameters(part, run.edges)
    count = len(theta)
    values = dict(training.values)
    base = values.get("lr")

    def weights(th) -> np.ndarray:
        return np.asarray(th, dtype=float)[owner]

    def batch(th, chosen: Sequence[int], keep=None) -> np.ndarray:
        """∂J/∂θ of the batch `chosen` (the part's reduction over it): a shared parameter's the sum over its edges."""
        _, edge = run.batch(weights(th), chosen, keep)
        return np.bincount(owner, weights=edge, minlength=count)

    rate = base
    step = optimizers.compiled(training.optimizer, training.form, values)
    state = step.initial_state(theta.shape)
    rng = np.random.default_rng(settings.seed)
    # dropout: the masks from a generator of their own (the shuffle's orders stay those of the run without it)
    drop_rng = np.random.default_rng(mask_seed(part, settings)) if part.dropout else None
    test_keep = _test_keep(part)
    n = len(part.samples)
    size = settings.batch_size or n
    early = settings.early_stopping
    watch = EarlyStopper(early) if early is not None else None
    decay = settings.decay
    plateau = PlateauDecay(decay) if decay is not None and decay.kind == "plateau" and base is not None else None
    rows: list[Epoch] = []
    kept, kept_epoch, t = None, None, 0
    recorded = None
    with np.errstate(all="ignore"):         # a run that diverges says so in its rows ("diverged"), not in warnings
        for epoch in range(1, settings.epochs + 1):
            if decay is not None and decay.kind == "step" and base is not None:
                rate = step_rate(decay, base, epoch)
            if base is not None and rate != values["lr"]:
                values["lr"] = rate
                step = optimizers.compiled(training.optimizer, training.form, values)
            order = _order(rng, n, settings.shuffle)
            for start in range(0, n, size):
                t += 1
                chosen = order[start:start + size]
                masks = draw_batch_masks(drop_rng, part, len(chosen)) if drop_rng is not None else []
                keep = _train_keep(part, masks) if masks else None
                point = step.grad_point(theta, state)
                grads = batch(point, chosen, keep)
                out = step(theta, grads, state, t)
                before = (theta, state)
                theta = np.where(frozen, theta, out["theta"])
                state = {s.name: np.where(frozen, state[s.name], out[s.name]) for s in step.state}
                if t == worked:             # the update `--worked` shows: what it needs, this step's only
                    recorded = StepRecord(epoch, start // size + 1, t, tuple(chosen), dict(values), before[0].copy(),
                                          {k: v.copy() for k, v in before[1].items()}, grads.copy(), theta.copy(),
                                          run.batch(weights(theta), chosen, keep)[0],
                                          tuple(tuple(tuple(int(b) for b in row) for row in m) for m in masks),
                                          run.batch(weights(before[0]), chosen, keep)[0])
            w = weights(theta)
            loss, accuracy = run.measure(w, "train", test_keep)       # dropout: at test time (`_test_keep`)
            dev_loss, dev_accuracy = run.measure(w, "dev", test_keep)
            lr = float(values["lr"]) if base is not None else math.nan      # the rate this epoch used
            marks: list[str] = []
            dev_metric = {"loss": finite_or_none(dev_loss), "accuracy": finite_or_none(dev_accuracy)}
            if not (math.isfinite(loss) and np.all(np.isfinite(w))):
                marks.append("diverged")        # the last epoch: nothing is watched, nothing decays
            else:
                if watch is not None and dev_metric[early.metric] is not None:
                    said = watch.update(dev_metric[early.metric])
                    if said == "best":
                        kept, kept_epoch = dict(zip(run.edges, w.tolist())), epoch
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
            rows.append(Epoch(epoch, loss, dev_loss, accuracy, dev_accuracy, lr, tuple(marks)))
            if progress is not None:
                progress(epoch)
            if "stopped" in marks or "diverged" in marks:
                break
    final = dict(zip(run.edges, weights(theta).tolist()))
    return TrainRun(part, settings, tuple(rows), final, kept, kept_epoch, t, recorded)


def finite_or_none(value: float | None) -> float | None:
    """`value`, or None where there is none or it is not finite (NaN, ±∞): what the watchers may see of a dev value
    (a non-finite one is never the best), and what the JSON writes (never a bare NaN)."""
    return value if value is not None and math.isfinite(value) else None


def with_weights(part: Part, weights: dict) -> Part:
    """`part` with its weights set to `weights` ({(source, target): float}), as exact decimals of the floats (their
    shortest repr), and no training: the part a worked step of the run solves."""
    new = tuple(replace(w, value=sp.Rational(repr(float(weights[(w.source, w.target)]))))
                for w in part.weights)
    return replace(part, weights=new, training=None)


def updates_per_epoch(part: Part, settings: TrainSettings) -> int:
    """The updates of one epoch: one per batch of `batch_size` samples (the last may be smaller)."""
    n = len(part.samples)
    return -(-n // (settings.batch_size or n))


def exact_float(x: float) -> sp.Rational:
    """A float as the exact decimal of its shortest repr (as `with_weights` sets the weights)."""
    return sp.Rational(repr(float(x)))


class _Before:
    """The run's steps as optimize.Run reads them for one worked step t: its length the run's updates; step t − 1
    (index t − 2) its optimizer state (what optimize.state_before reads); iterated, step t alone (the JSON's
    steps: render/json.run_data), its values the worked step's as floats. Nothing of any other step: the run
    keeps only the recorded one."""

    def __init__(self, record: StepRecord, params, updates: int, current) -> None:
        from .optimize import RunStep
        self.t, self.updates, self.current = record.t, updates, current
        values = {p.kind(name): exact_float(record.state[name][n]) for n, p in enumerate(params)
                  for name in record.state}
        self.previous = RunStep(record.t - 1, (), values)

    def __len__(self) -> int:
        return self.updates

    def __iter__(self):
        return iter((self.current,))

    def __getitem__(self, index: int):
        if index == self.t - 1:
            return self.current
        if index != self.t - 2:
            raise IndexError(f"only steps {self.t - 1} and {self.t} are kept, not step {index + 1}")
        return self.previous


def worked_run(run: TrainRun, source: str = "<problem>"):
    """The recorded update of `run` (`run.worked`) as an optimize.Run that shows that one step in full, t its number in
    the run: the part re-solved at θ_{t−1} on the step's samples (solve's worked solution of that batch, its
    batch reduction) and the optimizer's step_exact from the state the run had (optimize.exact_step), η that
    epoch's. Its part is the run's with η (and the optimizer's lr) of that epoch."""
    from .optimize import Run, RunStep, exact_step, parameters
    rec = run.worked
    part = run.part
    training = part.training or Training(settings=(("lr", part.learning_rate),))
    settings = tuple((k, rec.values.get(k, v)) for k, v in training.settings)
    tr = replace(training, settings=settings, steps=run.updates)
    lr = dict(settings).get("lr", part.learning_rate)
    here = replace(part, training=tr, learning_rate=lr)
    if part.dropout:                        # the update's own masks: row n of the batch's mask for its sample n
        here = replace(here, dropout=tuple(replace(d, seed=None, masks=_batch_rows(m, rec.samples, len(part.samples)))
                                           for d, m in zip(part.dropout, rec.masks)))
    params = parameters(here)
    theta = {p.key: exact_float(rec.theta[n]) for n, p in enumerate(params)}
    state = {p.key: {name: exact_float(rec.state[name][n]) for name in rec.state} for n, p in enumerate(params)}
    step, _, _ = exact_step(here, rec.t, rec.samples, theta, state, source, None, lambda: rec.new_loss)
    from .evaluate import to_float
    current = RunStep(rec.t, step.step.samples, {k: to_float(sp.sympify(v)) for k, v in step.step.values.items()})
    return Run(here, tr, _Before(rec, params, run.updates, current), {rec.t: step}, (rec.t,))


def _batch_rows(masks, samples: Sequence[int], n: int) -> tuple:
    """A mask per training sample (optimize.at keeps the rows of the step's samples): the batch's row r for its
    r-th sample, every unit kept for the samples outside the batch."""
    width = len(masks[0])
    rows = [(1,) * width] * n
    for r, k in enumerate(samples):
        rows[k] = tuple(masks[r])
    return tuple(rows)
