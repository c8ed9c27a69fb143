"""What a problem file may cost: a cost model from counts known before any SymPy work, and limits.

The layer-wise derivation (solve, derive, and the Checker that check and grade build) costs about
the same per weight and per unit, once per sample: `work = (weights + units) × samples`, summed
over the parts (measured: 3 to 30 ms per unit, the most for deep tanh layers and large batches).
The independent check of `solve --check` (gradcheck.py) sweeps the graph of the substituted loss
once (its size grows as the layer-wise work) and evaluates it in float64 twice per weight for the
finite differences: its own model, `direct`, is weights × work. Exact rationals grow
with the numbers written: `exact_digits`, twice the digits of the common denominator of all the
numbers plus those of the largest numerator, is about the largest exact value (measured: 27,000
digits where it says 31,000, in six ReLU layers of ten units with 30-digit fractions).

The limits were measured on the project's 2-core machine (docs/benchmarks.md); everything under
them finished each command in about 20 s (`solve --check` of a large batch: 30 s) and 110 MB. A
file over a limit is refused with the numbers, before anything is derived: see
docs/problem-format.md#size-limits.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import ProblemError
from .messages import said

if TYPE_CHECKING:
    from .problem import Part

MAX_WORK = 700                   # (weights + units) × samples, summed over the parts: every command
MAX_DIRECT = 20_000_000          # weights × work, summed over the parts (--check; 16-40-40-40-16 is 21.9 M)
MAX_EXACT_DIGITS = 10_000        # digits an exact value can reach
DOCS_PAGE = "docs/problem-format.md#size-limits"

# benchmarks/bench_problem_size.py sets this in its own processes, to measure what a refused file would cost
_DISABLED = False


@dataclass(frozen=True)
class PartCost:
    """The size of one part, counted from the validated file before any derivation."""

    weights: int
    units: int                   # units after the inputs
    samples: int
    depth: int                   # layers after the inputs
    exact_digits: int

    @property
    def work(self) -> int:
        """The layer-wise derivation's cost units: one per weight and unit, per sample."""
        return (self.weights + self.units) * self.samples

    @property
    def direct(self) -> int:
        """The gradient check's cost units: finite differences evaluate the loss graph, whose
        size grows as `work`, twice per weight (the exact reverse sweep costs one `work`)."""
        return self.weights * self.work


def _digits(n: int) -> int:
    """Decimal digits of n, from its bit length (str() refuses past 4,300 digits), within one."""
    return max(1, math.ceil(abs(n).bit_length() * math.log10(2)))


def _number_digits(values, cap: int) -> int:
    """Digits of the lcm of the denominators plus those of the largest numerator, counting no
    further than `cap` (the lcm of many distinct denominators can itself be huge)."""
    lcm, top = 1, 1
    cap_bits = int(cap * 3.33) + 64
    for v in values:
        q, p = int(v.q), abs(int(v.p))
        top = max(top, p)
        if lcm % q:
            lcm = lcm * q // math.gcd(lcm, q)
            if lcm.bit_length() > cap_bits:
                return cap + 1
    return _digits(lcm) + _digits(top)


def part_cost(part: Part) -> PartCost:
    """Count a part's weights, units, samples and layers and the digits its exact values can
    reach; no SymPy work beyond reading the given numbers."""
    depth = len(part.layers)
    units = sum(len(layer) for layer in part.layers)
    numbers = [w.value for w in part.weights]
    numbers += [v for s in part.samples for _, v in s.x + s.t]
    numbers += [part.learning_rate, part.relu_derivative_at_zero]
    numbers += [v for a in part.activations for _, v in a.params if hasattr(v, "q")]
    exact = 2 * _number_digits(numbers, MAX_EXACT_DIGITS)
    return PartCost(len(part.weights), units, len(part.samples), depth, exact)


@dataclass(frozen=True)
class Refusal:
    """Why a problem is over budget: the field path to blame (as in the file) and the message."""

    path: tuple
    message: str
    part: str | None = None      # the part to blame, when one is


def _plural(n: int, word: str) -> str:
    return said(f"count.{word}" if n == 1 else f"count.{word}s", n=f"{n:,}")


def over_budget(parts, command: str = "solve", multi: bool | None = None) -> Refusal | None:
    """The first limit `parts` break for `command` ("solve", "derive", or "check" for
    `solve --check`, which also has the gradient check's limit), or None. `multi`: the file has a
    `parts:` list (default: more than one part), so the message names the part."""
    if _DISABLED:
        return None
    parts = list(parts)
    multi = len(parts) > 1 if multi is None else multi
    costs = [(p, part_cost(p)) for p in parts]

    docs = said("budget.docs", page=DOCS_PAGE)

    def where(p, message: str) -> str:
        return said("problem.in_part", name=p.name, message=message) if multi else message

    def trained(message: str) -> str:
        """A file with `train:`: the limit is the symbolic commands', and `train` has its own."""
        if any(getattr(p, "train", None) is not None for p in parts):
            return said("train.solve_budget_note", message=message)
        return message

    for p, c in costs:
        if c.exact_digits > MAX_EXACT_DIGITS:
            return Refusal(("weights",), where(p, said("budget.exact_digits", digits=f"{c.exact_digits:,}",
                                                       most=f"{MAX_EXACT_DIGITS:,}", docs=docs)))
    limit = MAX_WORK
    total = sum(c.work for _, c in costs)
    if total > limit:
        p, c = max(costs, key=lambda pc: pc[1].work)
        what = said("budget.work", weights=_plural(c.weights, "weight"), units=_plural(c.units, "unit"),
                    samples=_plural(c.samples, "sample"), work=f"{c.work:,}")
        if c.work <= limit:
            return Refusal(("parts",), trained(said("budget.parts", n=len(costs), total=f"{total:,}", name=p.name,
                                                    what=what, most=f"{limit:,}", docs=docs)), p.name)
        field = ("samples",) if c.samples > 1 and c.weights + c.units <= limit else ("network", "layers")
        return Refusal(field, trained(where(p, said("budget.network", what=what, most=f"{limit:,}", docs=docs))),
                       p.name)
    if command == "check":
        total = sum(c.direct for _, c in costs)
        if total > MAX_DIRECT:
            p, c = max(costs, key=lambda pc: pc[1].direct)
            return Refusal(("network", "layers"), where(p, said(
                "budget.check", weights=_plural(c.weights, "weight"), work=f"{c.work:,}", direct=f"{c.direct:,}",
                most=f"{MAX_DIRECT:,}", docs=docs)))
    return None


def check_budget(source: str, parts, command: str = "solve", multi: bool | None = None) -> None:
    """Raise a ProblemError naming `source` and the field if `parts` are over budget for `command`."""
    refusal = over_budget(parts, command, multi)
    if refusal is not None:
        from .yamlfile import format_path
        raise ProblemError(refusal.message, source=source, field=format_path(refusal.path))


# -- training runs (issue 14) ---------------------------------------------------------------------
# A run's work is weights × (training + dev samples) × epochs: each epoch is one forward and backward pass over the
# training samples (in batches) and one forward pass over both sets. On the dense engine (dense.py: matrices, one
# NumPy call per batch) the 784-32-10 run of benchmarks/bench_training.py (25,450 weights × 1,000 samples × 5
# epochs = 127 M) takes about a second; the limit is about 40 times that. A part dense.py does not compute runs on
# the compiled one-sample model (optimize.Compiled), sample by sample in Python: about 100 times slower per weight
# and sample, so its limit is 100 times lower, and its model must fit solve's budget (MAX_WORK, one sample).
MAX_TRAIN_DENSE = 5_000_000_000
MAX_TRAIN_COMPILED = 50_000_000


def over_training(part: Part, epochs: int, dev: int = 0, dense: bool = True) -> Refusal | None:
    """Why a training run of `part` for `epochs` epochs (with `dev` dev samples) is over budget, or None."""
    if _DISABLED:
        return None
    docs = said("budget.docs", page=DOCS_PAGE)
    # the counts only: the digits of exact values (part_cost) mean nothing to a run in floats
    c = PartCost(len(part.weights), sum(len(layer) for layer in part.layers), len(part.samples), len(part.layers), 0)
    if not dense and c.weights + c.units > MAX_WORK:
        what = said("budget.work", weights=_plural(c.weights, "weight"), units=_plural(c.units, "unit"),
                    samples=_plural(1, "sample"), work=f"{c.weights + c.units:,}")
        return Refusal(("network", "layers"), said("training.model_too_large", what=what, most=f"{MAX_WORK:,}", docs=docs))
    work = c.weights * (c.samples + dev) * epochs
    limit = MAX_TRAIN_DENSE if dense else MAX_TRAIN_COMPILED
    if work > limit:
        # the field to blame: the data where one epoch alone is over the limit, else the epochs
        blame = ("train", "data") if c.weights * (c.samples + dev) > limit else ("train", "epochs")
        return Refusal(blame, said(
            "training.too_large", weights=_plural(c.weights, "weight"), samples=_plural(c.samples + dev, "sample"),
            epochs=f"{epochs:,}", work=f"{work:,}", most=f"{limit:,}", docs=docs))
    return None


def check_training(source: str, part: Part, epochs: int, dev: int = 0, dense: bool = True,
                   places: tuple = ()) -> None:
    """Raise a ProblemError naming `source` and the field if the run is over budget (`over_training`): with its
    line, FILE:LINE: train.epochs: …, where `places` (TrainSettings.places: (what, field, line) of the file's
    epochs, data and layers) says where that field is written."""
    refusal = over_training(part, epochs, dev, dense)
    if refusal is not None:
        from .yamlfile import format_path
        where = {what: (field, line) for what, field, line in places}
        field, line = where.get(refusal.path[-1], (format_path(refusal.path), None))
        raise ProblemError(refusal.message, source=source, field=field, line=line)
