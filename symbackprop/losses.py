"""Per-sample losses over the output units, as SymPy expressions in the outputs u_k and targets t_k.

The chain rule (derive.py) differentiates these expressions with `sympy.diff`; no loss derivative
is typed in.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import sympy as sp

Exprs = Sequence[sp.Expr]


def _half_squared(u: Exprs, t: Exprs) -> sp.Expr:
    return sp.Rational(1, 2) * sp.Add(*[(tk - uk) ** 2 for uk, tk in zip(u, t)])


def _squared(u: Exprs, t: Exprs) -> sp.Expr:
    return sp.Add(*[(tk - uk) ** 2 for uk, tk in zip(u, t)])


def _mse(u: Exprs, t: Exprs) -> sp.Expr:
    return sp.Rational(1, len(u)) * _squared(u, t)


def _l1(u: Exprs, t: Exprs) -> sp.Expr:
    # d|t-u|/du = -sign(t-u), and SymPy's sign(0) = 0: the sub-gradient 0 at 0.
    return sp.Add(*[sp.Abs(tk - uk) for uk, tk in zip(u, t)])


def _cross_entropy(u: Exprs, t: Exprs) -> sp.Expr:
    return -sp.Add(*[tk * sp.log(uk) for uk, tk in zip(u, t)])


def _binary_cross_entropy(u: Exprs, t: Exprs) -> sp.Expr:
    return -sp.Add(*[tk * sp.log(uk) + (1 - tk) * sp.log(1 - uk) for uk, tk in zip(u, t)])


@dataclass(frozen=True)
class Loss:
    """One row of the loss table."""

    name: str
    per_sample: Callable[[Exprs, Exprs], sp.Expr]
    formula: str
    default_output_activation: str | None = None
    domain: tuple[str, ...] = ()          # "positive" (ln u), "below_one" (ln(1-u))
    mean_over_units: bool = False         # J is a mean, not a sum, of the per-unit terms

    def unit_term(self, u: sp.Expr, t: sp.Expr) -> sp.Expr:
        """The term of one output unit, for writing J as a sum over symbolically many units."""
        return self.per_sample([u], [t])


TABLE: dict[str, Loss] = {
    "half_squared_error": Loss("half_squared_error", _half_squared, "1/2 sum_k (t_k - u_k)^2"),
    "squared_error": Loss("squared_error", _squared, "sum_k (t_k - u_k)^2"),
    "mse": Loss("mse", _mse, "(1/K) sum_k (t_k - u_k)^2", mean_over_units=True),
    "l1": Loss("l1", _l1, "sum_k |t_k - u_k| (sub-gradient 0 where t_k = u_k)"),
    "cross_entropy": Loss("cross_entropy", _cross_entropy, "-sum_k t_k ln u_k",
                          default_output_activation="softmax", domain=("positive",)),
    "binary_cross_entropy": Loss("binary_cross_entropy", _binary_cross_entropy,
                                 "-sum_k [t_k ln u_k + (1 - t_k) ln(1 - u_k)]",
                                 default_output_activation="sigmoid",
                                 domain=("positive", "below_one")),
}

ALIASES = {"half_mse": "half_squared_error", "sse": "squared_error", "mean_squared_error": "mse",
           "ce": "cross_entropy", "bce": "binary_cross_entropy",
           "log_loss": "binary_cross_entropy"}
NAMES = tuple(TABLE)
