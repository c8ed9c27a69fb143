"""Why a formula has no finite real value at a point, in plain words for a message.

A formula (an activation written as a formula of x, a loss formula of u and t) evaluated where it is
not defined gives SymPy's zoo, nan or a complex number such as -0.12 + 3.14*I; a user should read
"not a real number: ln of a negative number (u − 1 = −0.8845)" instead. `reason` finds the innermost
ln, square root, fractional power or division by zero that fails at the point.
"""
from __future__ import annotations

import sympy as sp

from .magnitude import TooLarge, about, numeric
from .messages import said


def _shown(value: sp.Expr) -> str:
    """A number as a message shows it: at most 6 significant digits (exact integers as they are)."""
    return about(value if value.is_Integer or value.is_Float else value.evalf(30), 6)


def _at(arg: sp.Expr, values: dict) -> sp.Expr | None:
    try:
        return numeric(arg, 30, values)
    except (TooLarge, TypeError, ValueError):
        return None


def reason(expr: sp.Expr, values: dict, number: sp.Expr) -> str:
    """Why `expr` (with `values` for its variables) is `number`, which is not a finite real number:
    e.g. "is not a real number: ln of a negative number (u - 1 = -0.8845)"."""
    for node in sp.postorder_traversal(expr):
        if isinstance(node, sp.log) or (node.is_Pow and not node.exp.is_integer):
            base = node.args[0]
            v = _at(base, values)
            if v is None or not (v.is_real and v.is_Number):
                continue
            what = "ln" if isinstance(node, sp.log) else (
                "sqrt" if node.exp == sp.Rational(1, 2) or node.exp == -sp.Rational(1, 2) else "power")
            arg = f"{sp.sstr(base)} = {_shown(v)}"
            if v < 0:
                return said(f"nonreal.{what}_negative", arg=arg)
            if v == 0 and (what == "ln" or node.exp < 0):
                return said("nonreal.ln_zero" if what == "ln" else "nonreal.division_by_zero_at", arg=arg)
        elif node.is_Pow and node.exp.is_negative:
            v = _at(node.args[0], values)
            if v is not None and v.is_Number and v == 0:
                return said("nonreal.division_by_zero_at", arg=f"{sp.sstr(node.args[0])} = 0")
    if number.has(sp.zoo, sp.oo, -sp.oo):
        return said("nonreal.infinite")
    if number.has(sp.nan):
        return said("nonreal.undefined")
    return said("nonreal.not_real")
