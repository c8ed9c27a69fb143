"""Per-sample losses over the output units, as SymPy expressions in the outputs u_k and targets t_k.

The backward walk (backward.py) differentiates these expressions with `sympy.diff`; no loss
derivative is typed in. Each row also holds the facts other modules need about its loss (which
targets and outputs it accepts, where it has a kink, whether it carries the ½ of ½(t − u)²), so
that adding a loss touches this file only and nothing else branches on a loss name.
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


def _none(u: Exprs, t: Exprs) -> sp.Expr:
    # J is the single output unit's value, ∂J/∂u = 1 (the validator allows one output only: Loss.outputs)
    return sp.Add(*u)


# What each word of Loss.domain means for an output u, as text for messages.
DOMAIN_TEXT = {"positive": "u > 0", "below_one": "u < 1"}


@dataclass(frozen=True)
class Loss:
    """One row of the loss table: the formula and the facts about it."""

    name: str
    per_sample: Callable[[Exprs, Exprs], sp.Expr]
    formula: str
    default_output_activation: str | None = None
    domain: tuple[str, ...] = ()          # of each output u: "positive" (ln u), "below_one" (ln(1-u))
    mean_over_units: bool = False         # J is a mean, not a sum, of the per-unit terms
    # targets the loss accepts: each t_k in [target_low, target_high] (None: unbounded) ...
    target_low: sp.Expr | None = None
    target_high: sp.Expr | None = None
    # ... and, where the loss is meant for a probability vector (one-hot targets), Σ_k t_k = target_sum:
    # not required of a problem, but the simple forms that assume it (δ_k = u_k − t_k after softmax,
    # the general rules of `derive`) are used only where it holds
    target_sum: sp.Expr | None = None
    # the non-differentiable SymPy functions in the loss: a kink where one's argument is 0 (l1: |t − u|
    # at u = t), and how to say where that is
    kinks: tuple[type, ...] = ()
    kink_note: str = ""
    # J is ½·Σ(t − u)²: a student who leaves the ½ out gets twice every value driven by the loss
    half: bool = False
    # how many output units the loss is defined for (None: any number); `none` is J = u, one output
    outputs: int | None = None
    # whether the samples give targets t_k (`none` has none: J does not depend on a target)
    takes_targets: bool = True
    # the fewest output units the loss means anything for, and the loss to use with fewer
    # (cross-entropy over one softmax unit: u = 1, J = 0, every gradient 0)
    min_outputs: int = 1
    one_output_instead: str = ""
    # a formula loss's text as the problem file wrote it (`loss: {formula: "(u - t)^2/2"}`), "" for a
    # built-in: an unnamed formula loss is named by it in sentences
    written: str = ""

    def unit_term(self, u: sp.Expr, t: sp.Expr) -> sp.Expr:
        """The term of one output unit, for writing J as a sum over symbolically many units."""
        return self.per_sample([u], [t])

    @property
    def constrains_targets(self) -> bool:
        """Whether targets may not be any number (then random checks keep the problem's own targets)."""
        return any(v is not None for v in (self.target_low, self.target_high, self.target_sum))

    def target_error(self, value: sp.Expr) -> str | None:
        """Why one target value is outside what the loss accepts (None if it is inside)."""
        lo, hi = self.target_low, self.target_high
        if (lo is None or value >= lo) and (hi is None or value <= hi):
            return None
        from .messages import said
        if lo is not None and hi is not None:
            return said("loss.targets_between", loss=self.name, low=str(lo), high=str(hi))
        if lo is not None:
            return said("loss.targets_at_least", loss=self.name, low=str(lo))
        return said("loss.targets_at_most", loss=self.name, high=str(hi))

    def targets_fit(self, targets: Exprs) -> bool:
        """Whether one sample's targets satisfy the row's facts, Σ_k t_k = target_sum included."""
        if any(self.target_error(t) for t in targets):
            return False
        return self.target_sum is None or sp.Add(*targets) == self.target_sum

    @property
    def domain_text(self) -> str:
        """The outputs the loss is defined for, as text (`u > 0`), or "" when any output is."""
        return ", ".join(DOMAIN_TEXT[d] for d in self.domain)


TABLE: dict[str, Loss] = {
    "half_squared_error": Loss("half_squared_error", _half_squared, "1/2 sum_k (t_k - u_k)^2", half=True),
    "squared_error": Loss("squared_error", _squared, "sum_k (t_k - u_k)^2"),
    "mse": Loss("mse", _mse, "(1/K) sum_k (t_k - u_k)^2", mean_over_units=True),
    "l1": Loss("l1", _l1, "sum_k |t_k - u_k| (sub-gradient 0 where t_k = u_k)",
               kinks=(sp.Abs,), kink_note="an output equals its target"),
    "cross_entropy": Loss("cross_entropy", _cross_entropy, "-sum_k t_k ln u_k",
                          default_output_activation="softmax", domain=("positive",),
                          target_low=sp.Integer(0), target_sum=sp.Integer(1),
                          min_outputs=2, one_output_instead="binary_cross_entropy"),
    "binary_cross_entropy": Loss("binary_cross_entropy", _binary_cross_entropy,
                                 "-sum_k [t_k ln u_k + (1 - t_k) ln(1 - u_k)]",
                                 default_output_activation="sigmoid",
                                 domain=("positive", "below_one"),
                                 target_low=sp.Integer(0), target_high=sp.Integer(1)),
    "none": Loss("none", _none, "u (the single output unit's value)", outputs=1, takes_targets=False),
}

ALIASES = {"half_mse": "half_squared_error", "sse": "squared_error", "mean_squared_error": "mse",
           "ce": "cross_entropy", "bce": "binary_cross_entropy",
           "log_loss": "binary_cross_entropy"}
NAMES = tuple(TABLE)


def row(loss: "str | Loss") -> Loss:
    """The Loss row of a loss given by name (the table's) or already as a row (a formula's)."""
    return loss if isinstance(loss, Loss) else TABLE[loss]


def of(part) -> Loss:
    """The Loss row of a Part: its formula's row (loss: {formula: ...}) or the table's row of its name."""
    return part.loss_formula if getattr(part, "loss_formula", None) is not None else TABLE[part.loss]
