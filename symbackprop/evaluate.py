"""Values of every quantity, exact where the inputs are exact, layer by layer.

Each rule is evaluated by substituting the values of the symbols it names (`xreplace`), in the
order of the assignments, so no expression ever spans more than one layer. An exact value is kept
while it stays short (ReLU: integers; sigmoid: expressions in `exp`); past `MAX_EXACT_OPS`
operations it is replaced by a 30-digit float, so a deep network never builds a huge tree.
"""
from __future__ import annotations

from typing import Iterable

import sympy as sp

from .errors import ProblemError
from .model import Assignment, Model

MAX_EXACT_OPS = 40
DIGITS = 30


def shorten(value: sp.Expr) -> sp.Expr:
    """Keep `value` exact while it is short, else a 30-digit Float."""
    if value.is_Rational or value.is_Float:
        return value
    if sp.count_ops(value) > MAX_EXACT_OPS:
        return sp.Float(value.evalf(DIGITS), DIGITS)
    return value


def evaluate(model: Model, assignments: Iterable[Assignment]) -> dict[sp.Symbol, sp.Expr]:
    """The value of every symbol: the given ones, then each assignment in order."""
    values = dict(model.given())
    for a in assignments:
        value = shorten(a.rule.xreplace(values))
        if not value.is_Rational:
            _check_real(model, a, value)
        values[a.symbol] = value
    return values


def _check_real(model: Model, a: Assignment, value: sp.Expr) -> None:
    """A loss like ln u on u ≤ 0 has no real value: say which quantity and why."""
    if value.is_extended_real is False or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or value.is_finite is False:
        part = model.part
        hint = ""
        if a.section == "loss" or a.section in ("output", "hidden"):
            hint = (f"; {part.loss} needs outputs in its domain (got from activation "
                    f"{part.activations[-1].name})")
        raise ProblemError(f"{a.id} has no finite real value ({value}){hint}",
                           source=None, field=f"parts: {part.name}")


def to_float(value: sp.Expr) -> float:
    """float64 at full precision (evaluated with spare digits, then rounded once)."""
    if value.is_Integer:
        return float(int(value))
    return float(value.evalf(20))
