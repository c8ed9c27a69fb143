"""A SymPy number evaluated in float64 with a bound on its error, so that its rounding can be decided
without SymPy's arbitrary-precision `evalf`.

`evaluate(expr, numbers)` walks the expression tree once, in floats, and carries beside each value a
bound on how far it can be from the exact value: each rounding of float arithmetic adds at most a
unit of the last place (2^-53 relative), and a function of an uncertain argument is bounded by its
values at the two ends of the argument's interval (every function here is monotonic there) or by its
Lipschitz constant. `printing` asks for the display of the value at a precision and takes it only when
both ends of the interval are displayed alike; anything this walk cannot bound (a shape it does not
know, a pole, underflow, overflow) gives None and goes to the exact path. It is only ever a faster
way to the same text: never a different one.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Callable, Mapping

import sympy as sp

_U = 2.0 ** -52          # a unit of the last place, relative (twice float64's unit roundoff, to be safe)
_SAFE = 1.0 + 2 ** -20   # the bound is itself computed in floats: widened by this factor
_TINY = 1e-290           # smaller values (or bounds) may have lost digits to underflow: not bounded

Bounded = tuple[float, float]      # (value, bound on |value − exact|)


class _Unbounded(Exception):
    """The walk met something it cannot bound: the caller takes the exact path."""


def evaluate(expr: sp.Expr, numbers: Mapping[sp.Symbol, Fraction] | None = None) -> Bounded | None:
    """(value, error bound) of `expr` with each symbol set to its exact number in `numbers`; None when a
    node cannot be bounded (an unknown function, a symbol without a number, a pole, under- or overflow)."""
    try:
        v, e = _walk(expr, numbers or {})
    except (_Unbounded, OverflowError, ValueError, ZeroDivisionError, TypeError):
        return None
    if not (math.isfinite(v) and math.isfinite(e)):
        return None
    return v, e * _SAFE


def _leaf(x: float, zero: bool) -> Bounded:
    """A number as a float (`zero`: whether it is exactly 0): a float that underflowed or overflowed is no bound."""
    if not math.isfinite(x) or (x == 0) != zero or (x != 0 and abs(x) < _TINY):
        raise _Unbounded
    return x, abs(x) * _U


def _walk(expr, numbers) -> Bounded:
    if expr.is_Symbol:
        got = numbers.get(expr)
        if got is None:
            raise _Unbounded
        return _leaf(float(got), not got)
    if expr.is_Rational:
        p, q = int(expr.p), int(expr.q)
        return _leaf(p / q, p == 0)             # int / int is correctly rounded
    if expr.is_Float:
        return _leaf(float(expr), expr._mpf_[1] == 0)
    handler = _NODES.get(type(expr))
    if handler is None:
        raise _Unbounded
    return handler(expr, numbers)


def _add(expr, numbers) -> Bounded:
    parts = [_walk(a, numbers) for a in expr.args]
    v = math.fsum(p[0] for p in parts)          # the sum correctly rounded: one rounding, whatever cancels
    e = sum(p[1] for p in parts) + abs(v) * _U
    return _checked(v, e)


def _mul(expr, numbers) -> Bounded:
    v, e = 1.0, 0.0
    for a in expr.args:
        w, f = _walk(a, numbers)
        # |(v ± e)(w ± f) − vw| ≤ |v|f + |w|e + ef, and one rounding of the product
        p = v * w
        if p == 0 and v != 0 and w != 0:
            raise _Unbounded                     # underflow
        e = abs(v) * f + abs(w) * e + e * f + abs(p) * _U
        v = p
    return _checked(v, e)


def _pow(expr, numbers) -> Bounded:
    base, exp = expr.args
    b, eb = _walk(base, numbers)
    if exp.is_Integer:
        n = int(exp)
        if n >= 0:
            v, e = 1.0, 0.0
            for _ in range(min(n, 64)):
                p = v * b
                if p == 0 and b != 0:
                    raise _Unbounded             # underflow
                e = abs(v) * eb + abs(b) * e + e * eb + abs(p) * _U
                v = p
            if n > 64:
                raise _Unbounded
            return _checked(v, e)
        a, lo = abs(b), abs(b) - eb
        if lo <= 0:
            raise _Unbounded                     # the interval reaches 0: a pole
        v = b ** n
        far = max(abs(lo ** n - a ** n), abs((a + eb) ** n - a ** n))
        return _checked(v, far + abs(v) * 4 * _U * (1 + abs(n)))
    if exp.is_Symbol and exp in numbers and Fraction(numbers[exp]).denominator == 1:
        return _pow(sp.Pow(base, sp.Integer(int(numbers[exp])), evaluate=False), numbers)   # β₁^t at t = 1
    if not (exp.is_Rational or exp.is_Float):
        raise _Unbounded
    x = float(exp)
    lo, hi = b - eb, b + eb
    if lo <= 0:
        raise _Unbounded                         # a real power of a base that may be ≤ 0
    v = b ** x
    if v == 0:
        raise _Unbounded                         # underflow
    return _checked(v, max(abs(lo ** x - v), abs(hi ** x - v)) + abs(v) * 4 * _U)


def _monotonic(f: Callable[[float], float], domain_low: float | None = None):
    """A node of one argument whose function is monotonic on its domain (x > domain_low)."""
    def node(expr, numbers) -> Bounded:
        (arg,) = expr.args
        a, ea = _walk(arg, numbers)
        lo, hi = a - ea, a + ea
        if domain_low is not None and lo <= domain_low:
            raise _Unbounded
        v = f(a)
        if v == 0 and a != 0:
            raise _Unbounded                     # underflow (exp(−1000)): not the exact zero it would say
        return _checked(v, max(abs(f(lo) - v), abs(f(hi) - v)) + abs(v) * 4 * _U)
    return node


def _abs(expr, numbers) -> Bounded:
    a, ea = _walk(expr.args[0], numbers)
    return abs(a), ea                            # |·| is 1-Lipschitz and exact in floats


def _checked(v: float, e: float) -> Bounded:
    if not (math.isfinite(v) and math.isfinite(e)):
        raise _Unbounded
    if v != 0 and abs(v) < _TINY:
        raise _Unbounded
    return v, e


_NODES: dict = {
    sp.Add: _add,
    sp.Mul: _mul,
    sp.Pow: _pow,
    sp.exp: _monotonic(math.exp),
    sp.log: _monotonic(math.log, 0.0),
    sp.tanh: _monotonic(math.tanh),
    sp.Abs: _abs,
}
