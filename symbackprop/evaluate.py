"""Values of every quantity, exact where the inputs are exact, layer by layer.

Each rule is evaluated by substituting the values of the symbols it names (`xreplace`), in the
order of the assignments, so no expression ever spans more than one layer. A value is kept exact
(ReLU: integers; sigmoid: expressions in `exp`) while it stays short; the decision is made before
substituting, from the sizes of the values going in, so a deep network never builds a huge exact
tree only to throw it away. Past the limit a quantity is computed from 30-digit floats.
"""
from __future__ import annotations

from typing import Iterable

import sympy as sp

from . import losses
from .errors import ProblemError
from .model import Assignment, Model

MAX_EXACT_NODES = 80
DIGITS = 30


def size(value: sp.Expr, limit: int = MAX_EXACT_NODES) -> int:
    """Number of nodes of `value`, counting no further than limit + 1."""
    for count, _ in enumerate(sp.preorder_traversal(value)):
        if count > limit:
            return count
    return count + 1


def evaluate(model: Model, assignments: Iterable[Assignment]) -> dict[sp.Symbol, sp.Expr]:
    """The value of every symbol: the given ones (exact), then each assignment in order."""
    exact: dict[sp.Symbol, sp.Expr] = dict(model.given())
    sizes = {s: size(v) for s, v in exact.items()}
    numeric = dict(exact)            # the same values, long ones as 30-digit floats
    for a in assignments:
        leaves = a.rule.free_symbols
        value = None
        if all(s in exact for s in leaves) and sum(sizes[s] for s in leaves) <= MAX_EXACT_NODES:
            candidate = a.rule.xreplace(exact)
            n = size(candidate)
            if n <= MAX_EXACT_NODES:
                value = candidate
                exact[a.symbol], sizes[a.symbol] = value, n
        if value is None:
            value = a.rule.xreplace(numeric)
        number = value if (value.is_Rational or value.is_Float) else value.evalf(DIGITS)
        if not (number.is_Rational or (number.is_Float and number.is_finite)):
            # ln of 0 or of a negative number: complex, infinite or undefined
            part = model.part
            domain = losses.TABLE[part.loss].domain_text
            raise ProblemError(f"{a.id} has no finite real value ({number}); loss {part.loss} needs outputs "
                               f"in its domain{f' ({domain})' if domain else ''} "
                               f"(output activation {part.activations[-1].name})")
        numeric[a.symbol] = number
    return {**numeric, **exact}


def to_float(value: sp.Expr) -> float:
    """float64 at full precision (evaluated with spare digits, then rounded once)."""
    if value.is_Integer:
        return float(int(value))
    return float(value.evalf(20))
