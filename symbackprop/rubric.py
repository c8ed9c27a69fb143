"""What an answer is worth: points per item, partial credit, tolerance. From the problem file's
`grading:` section or a rubric file of the same shape; every field optional. Part of the
problem (core): answers/ reads it, the core never imports answers/.

    grading:
      items: {act_3: 1, act_4: 1, act_5: 1, loss: 2, delta_5: 2}   # or a list (1 point each)
      tolerance: {relative: 1e-4, absolute: 5e-5}
      credit: {follow_through: 1, rounding: 0.5, imprecise: 0.5, slip: 0.5, other_convention: 1}

Every mistake of a section is reported in one run, as a problem file's are (problem_errors.py): one line
each, FILE:LINE: field: what is wrong; what is allowed, with "did you mean …?" on a near miss. An item id
that is no quantity of the problem can only be told once the problem is solved: `unknown_items` says
those, each at its own line (the Rubric keeps where each item was written), and `read_rubric` adds them to
the other mistakes of the section when given the problem's ids (`known`).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .errors import ProblemError
from .messages import said
from .suggest import with_hint
from .yamlfile import format_path, number_problem, shown

CREDIT_DEFAULTS = {"follow_through": 1.0, "rounding": 0.5, "imprecise": 0.5, "slip": 0.5, "other_convention": 1.0}
KEYS = ("items", "tolerance", "credit")


@dataclass(frozen=True)
class Rubric:
    items: dict[str, float] | None = None          # None: every computed quantity, 1 point each
    relative: float | None = None                 # None: decided by rounding (compare.py)
    absolute: float | None = None
    credit: dict[str, float] = field(default_factory=lambda: dict(CREDIT_DEFAULTS))
    # where each item id was written: id -> (file, field path, line); for an error naming its line
    origins: dict[str, tuple[str, str, int | None]] = field(default_factory=dict, compare=False, repr=False)


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


class _Mistakes:
    """The mistakes of one grading section, each a ProblemError naming the file, its line and the field."""

    def __init__(self, source: str, where: str, doc: Any, path: tuple) -> None:
        self.source, self.where, self.doc, self.path = source, where, doc, path
        self.errors: list[ProblemError] = []

    def at(self, sub: tuple) -> tuple[str, int | None]:
        """(field path as shown, line) of the entry `sub` of the section."""
        line = self.doc.line_of(self.path + sub) if self.doc is not None else None
        return format_path((self.where, *sub)), line

    def add(self, sub: tuple, message: str) -> None:
        name, line = self.at(sub)
        self.errors.append(ProblemError(message, source=self.source, field=name, line=line))

    def number(self, value: Any, sub: tuple, low: float = 0.0, high: float | None = None) -> float | None:
        """The number, or None with its mistake recorded at its line."""
        try:
            return _number(value, self.at(sub)[0], self.source, low, high)
        except ProblemError as exc:
            self.add(sub, exc.detail)
            return None


def raise_together(errors: list[ProblemError]) -> None:
    """Nothing for no mistake; one mistake alone as it is; several as one error, one line each, by line
    (a section is read in the order it is written), up to problem_errors.MAX_ERRORS, then how many more."""
    if not errors:
        return
    if len(errors) == 1:
        raise errors[0]
    from .problem_errors import MAX_ERRORS, ProblemErrors
    ordered = sorted(errors, key=lambda e: e.line if e.line is not None else 0)
    shown = ordered[:MAX_ERRORS]
    raise ProblemErrors(shown, len(ordered) - len(shown))


def read_rubric(data: Any, source: str, where: str = "grading", base: Rubric | None = None, doc: Any = None,
                path: tuple | None = None, known: Callable[[], Iterable[str]] | None = None) -> Rubric:
    """Validate a grading section (a mapping) on top of `base` (the problem's, or the defaults), every
    mistake of it at once. `doc`: the YamlDocument it was read from (for lines), `path` the section's
    place in it (default: `(where,)`, or the whole file for `where` "rubric"); `known`: the problem's
    item ids, asked for only when the section has other mistakes, so that an unknown id is reported with
    them (without other mistakes the checker reports it: `unknown_items`)."""
    base = base or Rubric()
    if data is None:
        return base
    if path is None:
        path = () if where == "rubric" else (where,)
    out = _Mistakes(source, where, doc, path)
    if not isinstance(data, dict):
        out.add((), said("rubric.not_mapping"))
        raise_together(out.errors)
    for k in data:
        if k not in KEYS:
            out.add((k,), with_hint(said("rubric.unknown_key", field=shown(k), allowed=", ".join(KEYS)), k, KEYS))
    items, origins = base.items, dict(base.origins)
    if "items" in data:
        raw = data["items"]
        if isinstance(raw, list) and all(isinstance(i, str) for i in raw):
            items = {i: 1.0 for i in raw}
            origins = {i: (source, *out.at(("items", n))) for n, i in enumerate(raw)}
        elif isinstance(raw, dict):
            items = {}
            for k, v in raw.items():
                points = out.number(v, ("items", k))
                items[str(k)] = 0.0 if points is None else points
            origins = {str(k): (source, *out.at(("items", k))) for k in raw}
        else:
            out.add(("items",), said("rubric.items"))
            items = None
    relative, absolute = base.relative, base.absolute
    tol = data.get("tolerance")
    if tol is not None:
        if not isinstance(tol, dict):
            out.add(("tolerance",), said("rubric.tolerance"))
        else:
            for k in tol:
                if k not in ("relative", "absolute"):
                    out.add(("tolerance", k), with_hint(said("rubric.tolerance"), k, ("relative", "absolute")))
            if "relative" in tol:
                relative = out.number(tol["relative"], ("tolerance", "relative"), 0.0, 0.5)
            if "absolute" in tol:
                absolute = out.number(tol["absolute"], ("tolerance", "absolute"), 0.0)
    credit = dict(base.credit)
    raw_credit = data.get("credit")
    if raw_credit is not None:
        if not isinstance(raw_credit, dict):
            out.add(("credit",), said("rubric.credit"))
        else:
            for k, v in raw_credit.items():
                if k not in CREDIT_DEFAULTS:
                    out.add(("credit", k), with_hint(said("rubric.unknown_kind", kind=shown(k),
                                                          allowed=", ".join(CREDIT_DEFAULTS)), k, CREDIT_DEFAULTS))
                    continue
                number = out.number(v, ("credit", k), 0.0, 1.0)
                if number is not None:
                    credit[k] = number
    rubric = Rubric(items, relative, absolute, credit, origins)
    if out.errors and known is not None and items:
        try:
            ids = set(known())
        except ProblemError:
            ids = None                       # the problem's own mistake: the checker reports it
        if ids is not None:
            out.errors += unknown_item_errors(rubric, ids, where)
    raise_together(out.errors)
    return rubric


def examples_of(known: Iterable[str]) -> list[str]:
    """A few of the problem's own ids, for the message of an id that is none: a network's first activation,
    loss, δ and update (act_3, loss, delta_5, update_w_3_5); a graph's first whole gradients."""
    ids = sorted(known, key=lambda q: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", q)])
    net = [next((q for q in ids if q == p or q.startswith(p + "_")), None) for p in ("act", "loss", "delta", "update_w")]
    net = [q for q in net if q]
    if len(net) >= 3:
        return net
    return [q for q in ids if q.startswith("grad_") and q.count("_") == 1][:4] or ids[:4]


def unknown_item_errors(rubric: Rubric, known: Iterable[str], where: str = "grading") -> list[ProblemError]:
    """A mistake for each of the rubric's item ids that is no quantity of the problem (`known`), at the
    line it was written, with "did you mean …?" when an id of the problem is close."""
    known = set(known)
    examples = ", ".join(examples_of(known))
    out = []
    for q in rubric.items or {}:
        if q in known:
            continue
        if q not in rubric.origins:          # a Rubric made in code: no file to name
            from .errors import SymbackpropError
            raise SymbackpropError(said("rubric.unknown_item", item=repr(q)))
        source, name, line = rubric.origins[q]
        message = with_hint(said("rubric.unknown_item_id", item=repr(q), examples=examples), q, sorted(known))
        out.append(ProblemError(message, source=source, field=name, line=line))
    return out


def unknown_items(rubric: Rubric, known: Iterable[str]) -> None:
    """Raise every item id of the rubric that is no quantity of the problem, one line each (a typo that
    would silently shrink `max`)."""
    raise_together(unknown_item_errors(rubric, known))
