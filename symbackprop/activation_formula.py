"""Activations written as a formula of x (`activation: {formula: "1.7159*tanh(2*x/3)"}`).

The text is read by formula.py (no eval: numbers, the one name x, whitelisted functions, bounded),
g'(x) is SymPy's derivative, simplified where that makes it shorter without new functions, and a kink is noted at x = 0
when the argument of an |·|, relu, max or min there is linear in x and vanishes at 0, and g' differs on the two sides
of 0 (x/(1 + |x|) has none). The result is one
FormulaActivation made when the problem is read; the activation table is never changed.
"""
from __future__ import annotations

import sympy as sp

from .activations import X, FormulaActivation, relu
from .formula import FormulaError, scalar_formula, sigmoid
from .messages import said

MAX_SIMPLIFY_OPS = 40       # g' longer than this (SymPy's count_ops) is shown as derived, not simplified


def plain_sigmoid(expr: sp.Expr) -> sp.Expr:
    """σ(a) written out as 1/(1 + e^−a), so that every later step (float evaluation, lambdify) knows it."""
    return expr.replace(lambda e: isinstance(e, sigmoid), lambda e: 1 / (1 + sp.exp(-e.args[0])))


def _functions(e: sp.Expr) -> set:
    return {type(f) for f in e.atoms(sp.Function)}


def _shorter(a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """b when it is shorter and uses no function a does not (tanh' stays 1 − tanh², not 1/cosh²)."""
    return b if sp.count_ops(b) < sp.count_ops(a) and _functions(b) <= _functions(a) else a


def _abs_identities(e: sp.Expr) -> sp.Expr:
    """e with the identities of |·| and sign that hold at every real point, 0 included: a·sign(a) = |a|,
    |a|·sign(a) = a, |a|² = a² (so softsign's 1/(|x| + 1) − x·sign(x)/(|x| + 1)² can become 1/(|x| + 1)²).
    sign(a)² = 1 is not one of them: it fails at a = 0."""
    def fold(m: sp.Expr) -> sp.Expr:
        factors = list(sp.Mul.make_args(m))
        for f in [f for f in factors if isinstance(f, sp.sign)]:
            a = f.args[0]
            for partner, result in ((a, sp.Abs(a)), (sp.Abs(a), a)):
                if f in factors and partner in factors:
                    factors.remove(f)
                    factors.remove(partner)
                    factors.append(result)
        return sp.Mul(*factors)

    e = e.replace(lambda q: isinstance(q, sp.Mul) and q.has(sp.sign), fold)
    return e.replace(lambda q: q.is_Pow and isinstance(q.base, sp.Abs) and q.exp.is_even and q.base.args[0].is_real,
                     lambda q: q.base.args[0] ** q.exp)


def _kinks(g: sp.Expr) -> tuple[sp.Expr, ...]:
    """(0,) when an argument linear in x of |·|, relu, max or min is zero at x = 0 (a corner of g there)."""
    args: list[sp.Expr] = []
    for e in g.atoms(sp.Abs, sp.Max, sp.Min, relu, sp.Piecewise):
        if isinstance(e, (sp.Abs, relu)):
            args.append(e.args[0])
        elif isinstance(e, (sp.Max, sp.Min)) and len(e.args) == 2:
            args.append(e.args[0] - e.args[1])
        elif isinstance(e, sp.Piecewise):
            args += [c.lhs - c.rhs for _, c in e.args if isinstance(c, sp.core.relational.Relational)]
    # only a corner at x = 0 is stated in the solution's notes (they say "net = 0")
    return (sp.Integer(0),) if any(a.is_polynomial(X) and sp.degree(a, X) == 1 and a.subs(X, 0) == 0
                                   for a in args) else ()


_SIDE = sp.Rational(1, 10**20)       # where g' is taken on each side of 0


def _smooth_at_zero(dg: sp.Expr) -> bool:
    """Whether g' takes the same value just left and just right of 0 (x/(1 + |x|): 1 and 1), so that 0 is
    no corner although an |·| vanishes there; False when either side cannot be evaluated."""
    try:
        left, right = (sp.N(dg.xreplace({X: s}), 30) for s in (-_SIDE, _SIDE))
    except (ArithmeticError, TypeError, ValueError):
        return False
    if not (left.is_real and right.is_real and left.is_finite and right.is_finite):
        return False
    return abs(left - right) <= sp.Rational(1, 10**12) * (1 + abs(left))


def formula_activation(text: str) -> FormulaActivation:
    """The activation of formula `text` in x; a FormulaError saying what is wrong and what is allowed."""
    g = plain_sigmoid(scalar_formula(text, {"x": X}))
    if not g.has(X):
        raise FormulaError(said("formula.activation_needs_x"))
    dg = sp.diff(g, X)
    if sp.count_ops(dg) <= MAX_SIMPLIFY_OPS:
        dg = _shorter(dg, sp.simplify(dg))
        if dg.has(sp.sign, sp.Abs):                 # identities of |·| SymPy's simplify does not use
            top, bottom = sp.fraction(sp.together(dg))
            for folded in (_abs_identities(dg), _abs_identities(sp.expand(top)) / bottom):
                if folded != dg:
                    dg = _shorter(dg, _shorter(folded, sp.simplify(folded)))
    kinks = _kinks(g)
    if kinks and _smooth_at_zero(dg):               # an |·| at 0 that leaves g differentiable there
        kinks = ()
    return FormulaActivation(text, g, dg, kinks)
