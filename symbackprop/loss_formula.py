"""Losses written as a formula of one output u and its target t (`loss: {formula: "(u - t)^2/2"}`).

J per sample is the formula summed over the output units, J = Σ_k f(u_k, t_k); ∂J/∂u_k is SymPy's,
as for every loss (backward.py differentiates the row's expression). The text is read by formula.py
(no eval; numbers, the names u and t, whitelisted functions; bounded). The result is a Loss row made
when the problem is read and kept on its Part; losses.TABLE is never changed.

A formula loss may declare the facts a built-in loss's row holds (`with_facts`): the targets it accepts
(a range, or a probability vector: each t_k ≥ 0 and Σ t_k = 1) and that it is ½·(…), so that target
checks, the output δ's short form u_k − t_k (where SymPy proves it, derive.py) and the "left out the ½"
diagnosis work for it as for a built-in. Kinks (abs, max, min) are found in the formula itself.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import sympy as sp

from .activation_formula import plain_sigmoid
from .formula import FormulaError, scalar_formula
from .losses import Loss
from .messages import said

U = sp.Symbol("u", real=True)
T = sp.Symbol("t", real=True)


@dataclass(frozen=True)
class FormulaTerm:
    """J = Σ_k term(u_k, t_k): a picklable, hashable per-sample loss (a Loss row's `per_sample`)."""

    term: sp.Expr

    def __call__(self, u: Sequence[sp.Expr], t: Sequence[sp.Expr]) -> sp.Expr:
        return sp.Add(*[self.term.xreplace({U: uk, T: tk}) for uk, tk in zip(u, t)])


def formula_loss(text: str, name: str) -> Loss:
    """The Loss row of formula `text` in u and t; a FormulaError saying what is wrong and what is allowed."""
    term = plain_sigmoid(scalar_formula(text, {"u": U, "t": T}))
    if not term.has(U):
        raise FormulaError(said("formula.loss_needs_u"))
    kinks = tuple(k for k in (sp.Abs, sp.Max, sp.Min) if term.has(k))
    return Loss(name, FormulaTerm(term), f"sum_k [{text}] with u = u_k, t = t_k", kinks=kinks,
                kink_note=said("loss.formula_kink_note") if kinks else "", written=text)


# `targets:` of a formula loss: a word for the common kinds, else a range [low, high] (read by problem.py)
TARGET_WORDS = ("any", "sum_to_one")


def is_half(row: Loss) -> bool:
    """Whether a formula loss's term is ½ times a term with no ½ of its own (SymPy's leading coefficient
    of the term with common factors pulled out is 1/2): what `half: true` claims, e.g. (u - t)^2/2."""
    coefficient, _ = sp.factor_terms(row.per_sample.term).as_coeff_Mul()
    return coefficient == sp.Rational(1, 2)


def with_facts(row: Loss, *, low: sp.Expr | None = None, high: sp.Expr | None = None,
               sum_to_one: bool = False, half: bool = False) -> Loss:
    """The row with the facts a problem file declared: each target in [low, high] (None: open), or
    targets that are a probability vector (each ≥ 0, Σ_k t_k = 1, as cross-entropy's row); and `half`."""
    if sum_to_one:
        low, high = sp.Integer(0), None
    return replace(row, target_low=low, target_high=high, target_sum=sp.Integer(1) if sum_to_one else None,
                   half=half)
