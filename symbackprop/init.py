"""Initialisation of the weights a problem file does not give (`init:`, issue 14): the bound v of each layer
and the seeded draws from U(−v, v). One job; problem.py reads the field, render/ shows what is here.

The lecture's rule is uniform initialisation in [−v, v]; Glorot (Xavier uniform) takes
v = √(6/(d_in + d_out)) and He (Kaiming uniform, for ReLU) v = √(6/d_in), where d_in is the number of units
feeding the layer (its bias left out) and d_out the layer's units. The bound is computed by SymPy from that
formula (exact: √6/2 for a 2-2 layer); the draws are NumPy's, so that a student reproduces them:

    rng = numpy.random.default_rng(seed)
    for each layer after the inputs, in order:
        W = rng.uniform(-v, v, size=(d_out, d_in))     # row r: unit r's weights from the layer below, in order
        b = rng.uniform(-v, v, size=d_out)             # only with a bias unit and bias: draw (the default)

with v as a float64 (`math.sqrt(6 / (d_in + d_out))`, `math.sqrt(6 / d_in)`, or the given v), each drawn
value rounded to `places` decimal places (Python's `round(x, places)`) and then exact data, as a written
weight is.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import sympy as sp

KINDS = ("uniform", "glorot", "he")
BIAS_CHOICES = ("draw", "zero")
DEFAULT_PLACES = 4
MAX_PLACES = 15

D_IN, D_OUT = sp.symbols("d_in d_out", positive=True, integer=True)
# the bound of each kind as a formula of d_in and d_out (uniform: the given v)
FORMULAS = {"glorot": sp.sqrt(6 / (D_IN + D_OUT)), "he": sp.sqrt(6 / D_IN)}


@dataclass(frozen=True)
class Init:
    """`init:` as read: the kind, the seed, v (uniform only), whether the bias weights are drawn or 0, and
    the decimal places each drawn value is rounded to."""

    kind: str
    seed: int = 0
    v: sp.Rational | None = None
    bias: str = "draw"
    places: int = DEFAULT_PLACES
    own: tuple[tuple[str, str], ...] = ()      # (source, target) of the weights a part gives over the draws


@dataclass(frozen=True)
class LayerBound:
    """One layer's bound: the layer's units, d_in, d_out, v exact and v as the float64 the draws use."""

    units: tuple[str, ...]
    d_in: int
    d_out: int
    v: sp.Expr
    v_float: float


def bound(init: Init, d_in: int, d_out: int) -> sp.Expr:
    """The exact bound v of a layer with `d_in` units feeding it and `d_out` units."""
    if init.kind == "uniform":
        return sp.Rational(init.v)
    return FORMULAS[init.kind].subs({D_IN: d_in, D_OUT: d_out})


def bound_float(init: Init, d_in: int, d_out: int) -> float:
    """v as the float64 a student computes it in NumPy (one rounding after the division, one after √)."""
    if init.kind == "uniform":
        return float(init.v)
    return math.sqrt(6 / (d_in + d_out)) if init.kind == "glorot" else math.sqrt(6 / d_in)


def bounds(init: Init, inputs, layers) -> tuple[LayerBound, ...]:
    """The bound of every layer after the inputs, in order."""
    out, below = [], tuple(inputs)
    for layer in layers:
        d_in, d_out = len(below), len(layer)
        out.append(LayerBound(tuple(layer), d_in, d_out, bound(init, d_in, d_out), bound_float(init, d_in, d_out)))
        below = tuple(layer)
    return tuple(out)


def rounded(x: float, places: int) -> sp.Rational:
    """A drawn float64 rounded to `places` decimal places (Python's round: correctly rounded, half to even),
    as an exact decimal (−0.0 is 0)."""
    return sp.Rational(repr(round(float(x), places))) + 0


def draws(init: Init, inputs, bias: str | None, layers) -> dict[tuple[str, str], sp.Rational]:
    """(source, target) → the drawn weight, every connection of the network, in the documented order."""
    import numpy as np
    rng = np.random.default_rng(init.seed)
    out: dict[tuple[str, str], sp.Rational] = {}
    below = tuple(inputs)
    for b in bounds(init, inputs, layers):
        W = rng.uniform(-b.v_float, b.v_float, size=(b.d_out, b.d_in))
        for r, j in enumerate(b.units):
            for c, i in enumerate(below):
                out[(i, j)] = rounded(W[r, c], init.places)
        if bias is not None:
            drawn = rng.uniform(-b.v_float, b.v_float, size=b.d_out) if init.bias == "draw" else [0.0] * b.d_out
            for r, j in enumerate(b.units):
                out[(bias, j)] = rounded(drawn[r], init.places)
        below = b.units
    return out


def radical_text(v: sp.Expr) -> str | None:
    """An exact bound c·√r as plain text (√6/2, √2, 2√3); None for anything else (a rational v)."""
    c, rest = v.as_coeff_Mul()
    if not (isinstance(rest, sp.Pow) and rest.exp == sp.Rational(1, 2) and rest.base.is_Integer):
        return None
    c = sp.Rational(c)
    head = "" if c.p == 1 else str(c.p)
    return f"{head}√{rest.base}" + (f"/{c.q}" if c.q != 1 else "")
