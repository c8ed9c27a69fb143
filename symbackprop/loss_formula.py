"""Losses written as a formula of one output u and its target t (`loss: {formula: "(u - t)^2/2"}`).

J per sample is the formula summed over the output units, J = Σ_k f(u_k, t_k); ∂J/∂u_k is SymPy's,
as for every loss (backward.py differentiates the row's expression). The text is read by formula.py
(no eval; numbers, the names u and t, whitelisted functions; bounded). The result is a Loss row made
when the problem is read and kept on its Part; losses.TABLE is never changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import sympy as sp

from .activation_formula import plain_sigmoid
from .formula import FormulaError, scalar_formula
from .losses import Loss

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
        raise FormulaError("a loss formula must use u (the output; t is its target)")
    kinks = tuple(k for k in (sp.Abs, sp.Max, sp.Min) if term.has(k))
    return Loss(name, FormulaTerm(term), f"sum_k [{text}] with u = u_k, t = t_k", kinks=kinks,
                kink_note="the argument of abs, max or min in the loss formula is 0" if kinks else "")
