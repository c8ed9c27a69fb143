"""A graph node's decimals as its formula writes them, in the local gradients the worked solution shows.

A node's formula is built a second time with each decimal kept as a symbol named as written
(formula.Formula.as_written), so that ∂f/∂r of `f: (s - 1.5)*r` prints `s - 1.5`, not `s - 3/2`; an
integer times such decimals is folded into one decimal (2·0.5·a is a). graph.py shows that form only
where, with the decimals' exact values put back, it has the same value as the exact local gradient.
"""
from __future__ import annotations

import re
from decimal import Decimal

import sympy as sp

from .formula import WRITTEN_PREFIX, decimal_values, written_number


class Written:
    """A node's formula with its decimals as written, standing for the node in `local_gradient`."""

    def __init__(self, rule) -> None:
        self.rule = rule


def has_decimal(node) -> bool:
    """Whether a formula tree holds a number that is not plain digits (1.5, 1e-3, 2.0)."""
    if node.kind == "num":
        return not re.fullmatch(r"\d+", node.text)
    return any(has_decimal(a) for a in node.args)


def names_in_order(node) -> list[str]:
    """The names of a formula tree in the order it writes them (repeats kept)."""
    if node.kind == "name":
        return [node.text]
    return [n for a in node.args for n in names_in_order(a)]


def same(a, b) -> bool:
    """Two values (scalars or matrices) equal: exactly, or to 25 digits where one is a float."""
    pairs = zip(list(a), list(b)) if isinstance(a, sp.MatrixBase) else [(a, b)]
    for x, y in pairs:
        if x == y:
            continue
        if not (x.has(sp.Float) or y.has(sp.Float)):
            return False
        try:
            if abs(float(x) - float(y)) > 1e-25 * max(1.0, abs(float(x)), abs(float(y))):
                return False
        except (TypeError, ValueError):
            return False
    return True


def decimal_text(r: sp.Rational) -> str | None:
    """A terminating decimal as written (0.25); None for one that does not terminate (1/3)."""
    q = int(r.q)
    while q % 2 == 0:
        q //= 2
    while q % 5 == 0:
        q //= 5
    if q != 1:
        return None
    text = format(Decimal(int(r.p)) / Decimal(int(r.q)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def fold_decimals(expr):
    """A product of an integer and written decimals as one decimal: 2·0.5·x is x, -2·0.25 is -0.5."""
    if isinstance(expr, sp.MatrixBase):
        return sp.ImmutableMatrix(expr.applyfunc(fold_decimals))

    def foldable(e) -> bool:
        if not e.is_Mul:
            return False
        written = [a for a in e.args if a.is_Symbol and a.name.startswith(WRITTEN_PREFIX)]
        numbers = [a for a in e.args if a.is_Number]
        return bool(written) and (len(written) > 1 or (numbers and abs(numbers[0]) != 1))

    def fold(e):
        written = [a for a in e.args if a.is_Symbol and a.name.startswith(WRITTEN_PREFIX)]
        numbers = [a for a in e.args if a.is_Number]
        rest = [a for a in e.args if a not in written and a not in numbers]
        r = sp.Mul(*numbers, *written).xreplace({w: decimal_values(w) for w in written})
        if r.is_Integer:
            return sp.Mul(r, *rest)
        text = decimal_text(abs(r))
        if text is None:
            return e
        return sp.Mul(-1 if r < 0 else 1, written_number(text), *rest)

    return expr.replace(foldable, fold) if expr.has(sp.Symbol) else expr
