"""`a*b` and `a + b` for the plain terms the backward walk multiplies thousands of times.

A net's term w_ij·u_i, a chain-rule term δ_k·w_jk, a gradient δ_j·u_i, an update w + Δw: products
and sums of distinct commutative symbols with at most a rational coefficient. For these, SymPy's
Mul.flatten and Add.flatten only multiply the coefficients and sort the symbols into their
canonical order (`_mulsort`, `_addsort`: Basic.compare, the same key); here that is done directly,
which builds the same expression (equal, same arguments in the same order) in a fraction of the
time. Anything else (a power, a sum in a product, a repeated symbol, a number times a sum, which
SymPy distributes) is left to SymPy: the result is always exactly `a*b` or `a + b`.
"""
from __future__ import annotations

import sympy as sp

try:                       # SymPy's own canonical sort of Mul's and Add's arguments (private names)
    from sympy.core.add import _addsort
    from sympy.core.mul import _mulsort
except ImportError:        # a SymPy without them: every product and sum is left to SymPy
    _addsort = _mulsort = None

_ONE, _ZERO = sp.S.One, sp.S.Zero


def _coeff_symbols(e: sp.Expr) -> tuple[sp.Expr, tuple[sp.Expr, ...]] | None:
    """(rational coefficient, symbols) of a plain product of distinct commutative symbols, else None."""
    if e.is_Symbol:
        return (_ONE, (e,)) if e.is_commutative else None
    if e.is_Rational:
        return e, ()
    if e.is_Mul:
        args = e.args
        coeff = _ONE
        if args[0].is_Rational:
            coeff, args = args[0], args[1:]
        if all(a.is_Symbol and a.is_commutative for a in args):
            return coeff, args
    return None


def times(a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """`a*b`, built directly when both are plain products (see the module's docstring)."""
    if _mulsort is None:
        return a * b
    fa, fb = _coeff_symbols(a), _coeff_symbols(b)
    if fa is None or fb is None:
        return a * b
    coeff = fa[0] * fb[0]
    symbols = list(fa[1] + fb[1])
    if coeff is _ZERO or len(set(symbols)) != len(symbols):
        return a * b                     # 0, or a power to form: SymPy's
    _mulsort(symbols)
    if coeff is not _ONE:
        symbols.insert(0, coeff)
    if not symbols:
        return _ONE
    if len(symbols) == 1:
        return symbols[0]
    return sp.Mul._from_args(symbols, True)


def plus(a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """`a + b`, built directly for two distinct commutative symbols (w + Δw)."""
    if _addsort is not None and a.is_Symbol and b.is_Symbol and a != b and a.is_commutative and b.is_commutative:
        terms = [a, b]
        _addsort(terms)
        return sp.Add._from_args(terms, True)
    return a + b
