"""The update `train --worked EPOCH:STEP` names (issue 14): the option read and checked before the run, and after
it the update's exact worked solution, or why it cannot be shown.

A run records only the chosen update (training.StepRecord); `worked` re-solves it exactly (training.worked_run) and
keeps it only where it reproduces the run's own float step (`disagreement`). Where it cannot be solved exactly at
the run's weights (an output saturated in 30-digit floats, a value beyond the exact limit) or does not reproduce
the run (`disagreement`), the result is a `NotWorked`: the run is printed as it is, and one note says why.
Mistakes are SymbackpropErrors (one line, exit 2, at the command's boundary)."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import sympy as sp

from .errors import ProblemError, SymbackpropError
from .messages import Said, said


def parse(text: str) -> tuple[int, int]:
    """`--worked EPOCH:STEP` as (epoch, step), both whole numbers from 1."""
    got = re.fullmatch(r"\s*([0-9]{1,9})\s*:\s*([0-9]{1,9})\s*", text)
    if got is None or int(got.group(1)) < 1 or int(got.group(2)) < 1:
        raise SymbackpropError(said("train.worked.syntax", got=text))
    return int(got.group(1)), int(got.group(2))


def update_of(chosen: tuple[int, int], parts, problem: str) -> int:
    """The update of the run (1-based) that (epoch, step) names, checked before the run: one trained part, an epoch
    of the run, a step of an epoch."""
    from .training import updates_per_epoch
    epoch, step = chosen
    if len(parts) > 1:
        raise SymbackpropError(said("train.worked.several_parts", path=problem, parts=", ".join(p.name for p in parts)))
    p = parts[0]
    if epoch > p.train.epochs:
        raise SymbackpropError(said("train.worked.epoch_beyond", path=problem, epoch=epoch, step=step,
                                    epochs=p.train.epochs))
    per_epoch = updates_per_epoch(p, p.train)
    if step > per_epoch:
        n = len(p.samples)
        raise SymbackpropError(said("train.worked.step_beyond_one" if per_epoch == 1 else "train.worked.step_beyond",
                                    path=problem, epoch=epoch, step=step, updates=per_epoch,
                                    batch=p.train.batch_size or n, n=n))
    return (epoch - 1) * per_epoch + step


@dataclass(frozen=True)
class NotWorked:
    """`--worked E:S` where the run reached the update but its exact solution cannot be computed at the run's
    weights θ_{t−1} (an output saturated in 30-digit floats, or values beyond the exact limit): the update and why,
    a `Said` (messages) said in the report's language. The run is printed as it is; this stands for the section."""

    epoch: int
    update: int
    t: int
    samples: tuple
    why: str


# The worked step is shown only where it reproduces the run's float step: the largest difference of its new
# weights (and of its ∂J/∂w) from the run's at most AGREE_RELATIVE times the largest magnitude among them. Both
# start from the same θ_{t−1}; the run's float64 arithmetic rounds each operation at 1.1e-16 and a step's sums
# and exps can amplify that (a saturated sigmoid step agrees to ~6e-12 absolute), so 1e-9 leaves the run's
# rounding 10^7 times room, yet is far below a difference any shown figure could hide. Where the exact re-solve's
# 30-digit floats lose everything (values near 1e197, a run heading for divergence), the difference is of the
# size of the values themselves, and the step is not worked (NotWorked, train.worked.disagrees).
AGREE_RELATIVE = 1e-9


def _differences(train_run, wrun, what: str) -> tuple[float, float]:
    """(largest |exact − run|, largest magnitude of either) over the parameters' `what` (new: θ_t against
    StepRecord.new_theta; grad: ∂J/∂w against StepRecord.grads); inf where an exact value is not a finite float."""
    from .evaluate import to_float
    rec = train_run.worked
    values = wrun.worked[rec.t].step.values
    run = rec.new_theta if what == "new" else rec.grads
    diff = scale = 0.0
    for n, p in enumerate(wrun.params):
        key = p.kind(what)
        if key not in values:
            continue
        exact, mine = to_float(sp.sympify(values[key])), float(run[n])
        if not (math.isfinite(exact) and math.isfinite(mine)):
            return math.inf, math.inf
        diff, scale = max(diff, abs(exact - mine)), max(scale, abs(exact), abs(mine))
    return diff, scale


def disagreement(train_run, wrun) -> float | None:
    """None where the worked step reproduces the run's float step (its new weights and its ∂J/∂w each within
    AGREE_RELATIVE of their largest magnitude, see above), else the largest difference found (for the note)."""
    worst = None
    for what in ("new", "grad"):
        diff, scale = _differences(train_run, wrun, what)
        if not diff <= AGREE_RELATIVE * scale:
            worst = diff if worst is None else max(worst, diff)
    return worst


def agreement(train_run, wrun) -> float:
    """The largest difference between the worked step's new parameters (exact, as floats) and the run's own float
    step's (training.StepRecord.new_theta), in optimize.parameters' order."""
    return _differences(train_run, wrun, "new")[0]


def worked(run, chosen: tuple[int, int], problem: str, source: str):
    """The recorded update of `run` worked in full (an optimize.Run of that one step, training.worked_run), or a
    `NotWorked` saying why not; a SymbackpropError where the run did not reach it with finite weights (early
    stopping ended it before, or it diverged)."""
    from .training import worked_run
    epoch, step = chosen
    rec = run.worked
    if rec is None and run.stopped_epoch is not None:
        raise SymbackpropError(said("train.worked.epoch_stopped", path=problem, epoch=epoch, step=step,
                                    stopped=run.stopped_epoch))
    if rec is None or not all(math.isfinite(float(x)) for x in rec.theta):
        raise SymbackpropError(said("train.worked.diverged", path=problem, epoch=epoch, step=step,
                                    diverged=run.diverged_epoch or epoch))
    try:
        wrun = worked_run(run, source)
    except ProblemError as exc:         # reached, but not solvable exactly at θ_{t−1}: the run is printed, with why
        why = _why_not(exc, epoch, step, rec.t, ", ".join(str(n + 1) for n in rec.samples))
        if why is None:
            raise
        return NotWorked(rec.epoch, rec.update, rec.t, tuple(rec.samples), why)
    worst = disagreement(run, wrun)
    if worst is not None:                 # solved, but its numbers are not the run's (30-digit floats at 1e197)
        return NotWorked(rec.epoch, rec.update, rec.t, tuple(rec.samples),
                         said("train.worked.disagrees", epoch=epoch, step=step, t=rec.t, diff=f"{worst:.1e}"))
    return wrun


def _why_not(exc: ProblemError, epoch: int, step: int, t: int, samples: str):
    """Why the update cannot be solved exactly (a `Said`), from the solution's error at θ_{t−1}: an output
    saturated in 30-digit floats (a loss not finite), or a value beyond the exact limit; None for any other error."""
    inner = exc.detail.fields.get("message") if isinstance(exc.detail, Said) else None
    key = getattr(inner, "key", None) or ""
    fields = getattr(inner, "fields", {})
    if key == "magnitude.value_too_large":
        return said("train.worked.too_large", epoch=epoch, step=step, t=t, id=fields.get("id"),
                    about=fields.get("about"), most=fields.get("most"))
    if key.startswith("nonreal.loss_domain"):
        return said("train.worked.saturated", epoch=epoch, step=step, t=t, id=fields.get("id"), why=fields.get("why"),
                    samples=samples)
    if key.startswith("nonreal."):
        return said("train.worked.not_finite", epoch=epoch, step=step, t=t, detail=inner)
    return None
