"""What an answer is worth: points per item, partial credit, tolerance. From the problem file's
`grading:` section or a rubric file of the same shape; every field optional. Part of the
problem (core): answers/ reads it, the core never imports answers/.

    grading:
      items: {act_3: 1, act_4: 1, act_5: 1, loss: 2, delta_5: 2}   # or a list (1 point each)
      tolerance: {relative: 1e-4, absolute: 5e-5}
      credit: {follow_through: 1, rounding: 0.5, imprecise: 0.5, slip: 0.5, other_convention: 1}
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .errors import ProblemError
from .messages import said
from .yamlfile import number_problem, shown

CREDIT_DEFAULTS = {"follow_through": 1.0, "rounding": 0.5, "imprecise": 0.5, "slip": 0.5, "other_convention": 1.0}
KEYS = ("items", "tolerance", "credit")


@dataclass(frozen=True)
class Rubric:
    items: dict[str, float] | None = None          # None: every computed quantity, 1 point each
    relative: float | None = None                 # None: decided by rounding (compare.py)
    absolute: float | None = None
    credit: dict[str, float] = field(default_factory=lambda: dict(CREDIT_DEFAULTS))



def _number(value: Any, where: str, source: str, low: float = 0.0, high: float | None = None) -> float:
    """A finite number in [low, high]: .inf, .nan, 0x1F and the like are refused, not read."""
    odd = number_problem(value)
    if odd is not None:
        raise ProblemError(odd, source=source, field=where)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProblemError(said("field.expected_number", got=shown(value)), source=source, field=where)
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ProblemError(said("number.not_finite", value=shown(value)), source=source, field=where)
    if number < low or (high is not None and number > high):
        raise ProblemError(said("rubric.out_of_range", value=shown(value), low=f"{low:g}", high=f"{high:g}")
                           if high is not None else said("rubric.below", value=shown(value), low=f"{low:g}"),
                           source=source, field=where)
    return number


def read_rubric(data: Any, source: str, where: str = "grading", base: Rubric | None = None) -> Rubric:
    """Validate a grading section (a mapping) on top of `base` (the problem's, or the defaults)."""
    base = base or Rubric()
    if data is None:
        return base
    if not isinstance(data, dict):
        raise ProblemError(said("rubric.not_mapping"), source=source, field=where)
    unknown = [k for k in data if k not in KEYS]
    if unknown:
        raise ProblemError(said("rubric.unknown_key", field=shown(unknown[0]), allowed=", ".join(KEYS)), source=source,
                           field=f"{where}.{unknown[0]}")
    items = base.items
    if "items" in data:
        raw = data["items"]
        if isinstance(raw, list) and all(isinstance(i, str) for i in raw):
            items = {i: 1.0 for i in raw}
        elif isinstance(raw, dict):
            items = {str(k): _number(v, f"{where}.items.{k}", source) for k, v in raw.items()}
        else:
            raise ProblemError(said("rubric.items"), source=source,
                               field=f"{where}.items")
    relative, absolute = base.relative, base.absolute
    tol = data.get("tolerance")
    if tol is not None:
        if not isinstance(tol, dict) or any(k not in ("relative", "absolute") for k in tol):
            raise ProblemError(said("rubric.tolerance"), source=source, field=f"{where}.tolerance")
        if "relative" in tol:
            relative = _number(tol["relative"], f"{where}.tolerance.relative", source, 0.0, 0.5)
        if "absolute" in tol:
            absolute = _number(tol["absolute"], f"{where}.tolerance.absolute", source, 0.0)
    credit = dict(base.credit)
    raw_credit = data.get("credit")
    if raw_credit is not None:
        if not isinstance(raw_credit, dict):
            raise ProblemError(said("rubric.credit"), source=source,
                               field=f"{where}.credit")
        for k, v in raw_credit.items():
            if k not in CREDIT_DEFAULTS:
                raise ProblemError(said("rubric.unknown_kind", kind=shown(k), allowed=", ".join(CREDIT_DEFAULTS)), source=source,
                                   field=f"{where}.credit.{k}")
            credit[k] = _number(v, f"{where}.credit.{k}", source, 0.0, 1.0)
    return Rubric(items, relative, absolute, credit)
