"""Values of every quantity, exact where the inputs are exact, layer by layer.

Each rule is evaluated by substituting the values of the symbols it names (`xreplace`), in the
order of the assignments, so no expression ever spans more than one layer. A value is kept exact
(ReLU: integers; sigmoid: expressions in `exp`) while it stays short; the decision is made before
substituting, from the sizes of the values going in, so a deep network never builds a huge exact
tree only to throw it away. Past the limit a quantity is computed from 30-digit floats.

Substituting is `xreplace` (`substitute`), except that a sum or product whose parts are all plain
numbers is combined directly, by the same Number arithmetic in the same order as SymPy's
Add/Mul.flatten, which would also ask the assumptions of every new number (most of the cost at
size). The values are the same objects xreplace gives, bit for bit.
"""
from __future__ import annotations

from typing import Iterable

import sympy as sp
from mpmath.libmp import finf, fnan, fninf
from sympy.core.evalf import dps_to_prec
from sympy.core.numbers import Float, Rational

from . import losses
from .errors import ProblemError
from .magnitude import (MAX_EXACT_DIGITS, MAX_MAGNITUDE_EXPONENT, TooLarge, about, exact_digits, nested_exp,
                        numeric as bounded, too_large)
from .messages import said
from .loss_formula import T, U, FormulaTerm
from .model import Assignment, Model
from .nonreal import reason
from .quantity import Key

MAX_EXACT_NODES = 80
DIGITS = 30


def size(value: sp.Expr, limit: int = MAX_EXACT_NODES) -> int:
    """Number of nodes of `value`, counting no further than limit + 1."""
    for count, _ in enumerate(sp.preorder_traversal(value)):
        if count > limit:
            return count
    return count + 1


# finite numbers that Add and Mul combine by plain arithmetic (not oo, zoo, nan: their rules differ)
_PLAIN = (Float, Rational)
_NOT_FINITE = (finf, fninf, fnan)


def _add(args: list[sp.Expr]) -> sp.Expr:
    """Add(*args) for plain numbers: AssocOp drops the 0s (by identity) and returns a lone term;
    Add.flatten sums the rest into its coefficient from S.Zero, left to right."""
    args = [a for a in args if a is not sp.S.Zero]
    if not args:
        return sp.S.Zero
    if len(args) == 1:
        return args[0]
    total = sp.S.Zero
    for a in args:
        total = total + a
    return total


def _mul(args: list[sp.Expr]) -> sp.Expr:
    """Mul(*args) for plain numbers: AssocOp drops the 1s and returns a lone factor; Mul.flatten
    puts a rational second factor first, then multiplies into its coefficient from S.One."""
    args = [a for a in args if a is not sp.S.One]
    if not args:
        return sp.S.One
    if len(args) == 1:
        return args[0]
    if len(args) == 2 and args[1].is_Rational:
        args = [args[1], args[0]]
    product = sp.S.One
    for a in args:
        product = product * a
    return product


def substitute(expr: sp.Expr, values: dict) -> sp.Expr:
    """`expr.xreplace(values)`, the same result, with sums and products of plain numbers combined
    directly (see the module's docstring)."""
    if expr in values:
        return values[expr]
    old = expr.args
    if not old:
        return expr
    new = [substitute(a, values) if isinstance(a, sp.Basic) else a for a in old]
    if all(n is o for n, o in zip(new, old)):
        return expr
    if (expr.is_Add or expr.is_Mul) and all(isinstance(n, _PLAIN) for n in new):
        return _add(new) if expr.is_Add else _mul(new)
    return expr.func(*new)


def _finite(number: sp.Expr) -> bool:
    """A finite real number (without asking SymPy's assumptions, which cost much per new number)."""
    return number.is_Rational or (number.is_Float and number._mpf_ not in _NOT_FINITE)


def evaluate(model: Model, assignments: Iterable[Assignment]) -> dict[sp.Symbol, sp.Expr]:
    """The value of every symbol: the given ones (exact), then each assignment in order."""
    exact: dict[sp.Symbol, sp.Expr] = dict(model.given())
    sizes = {s: size(v) for s, v in exact.items()}
    numeric = dict(exact)            # the same values, long ones as 30-digit floats
    for a in assignments:
        leaves = a.rule.free_symbols
        value = None
        if all(s in exact for s in leaves) and sum(sizes[s] for s in leaves) <= MAX_EXACT_NODES:
            candidate = substitute(a.rule, exact)
            n = size(candidate)
            if n <= MAX_EXACT_NODES and exact_digits(candidate) <= MAX_EXACT_DIGITS:
                value = candidate
                exact[a.symbol], sizes[a.symbol] = value, n
        try:
            notes: set = set()
            if value is None:
                if nested_exp(a.rule):      # floats put into exp(exp(…)) would be computed unbounded
                    near = bounded(a.rule, DIGITS, numeric, notes)
                value = near if "float" in notes else substitute(a.rule, numeric)
            elif nested_exp(value):
                near = bounded(value, DIGITS, None, notes)
                if "float" in notes:        # exp(−exp(1000)) = 0 to any precision: its Float, not evalf
                    value = near
                    exact.pop(a.symbol, None)
            number = value if (value.is_Rational or value.is_Float) else value.evalf(DIGITS)
            if too_large(number):
                raise TooLarge(about(number))
        except TooLarge as big:
            raise located(model, a, numeric, said("magnitude.value_too_large", id=a.id, about=big.about,
                                                  most=f"1e{MAX_MAGNITUDE_EXPONENT}")) from None
        if not _finite(number):
            # ln of 0 or of a negative number: complex, infinite or undefined
            _formula_not_finite(model, a, number, numeric)
            _loss_formula_not_finite(model, a, number, numeric)
            part = model.part
            domain = losses.of(part).domain_text
            fields = dict(id=a.id, why=_why(model, a.rule, numeric, number), loss=part.loss,
                          activation=_activation_name(part.activations[-1]))
            raise located(model, a, numeric, said("nonreal.loss_domain_in", domain=domain, **fields) if domain else
                          said("nonreal.loss_domain", **fields))
        numeric[a.symbol] = number
    return {**numeric, **exact}


def _formula_not_finite(model: Model, a, number: sp.Expr, numeric: dict) -> None:
    """Raise the message for an activation formula (or its g') not finite at a unit's net, if `a` is
    that unit's output or g' step; return otherwise (the loss's message then applies)."""
    unit = a.key.unit
    act = model.act_of.get(unit) if unit is not None and a.key.kind in ("act", "gprime") else None
    if act is None or getattr(act, "formula", None) is None:
        return
    from .activations import X
    net = model.net(unit, a.sample if a.sample is not None else 0)
    value = numeric.get(net)
    formula = act.formula
    expr = formula.dg if a.key.kind == "gprime" else formula.g
    why = reason(expr, {X: value}, number) if value is not None else said("nonreal.not_real")
    fields = dict(id=a.id, why=why, formula=formula.text, net=str(Key("net", unit, sample=a.key.sample)),
                  value=_short(value))
    if a.key.kind == "gprime":
        raise located(model, a, numeric, said("nonreal.activation_derivative_at", dg=sp.sstr(formula.dg), **fields))
    raise located(model, a, numeric, said("nonreal.activation_formula_at", **fields))


def _activation_name(act) -> object:
    """An activation as a message names it: its name, an unnamed formula by its formula ('2*x'), as the
    solution's heading and an unnamed formula loss's messages do, not the default name "formula"."""
    from .problem import UNNAMED_FORMULA
    if act.formula is not None and act.name == UNNAMED_FORMULA:
        return said("activation.unnamed_formula", formula=act.formula.text)
    return act.name


def _loss_formula_not_finite(model: Model, a, number: sp.Expr, numeric: dict) -> None:
    """Raise the message for a loss formula not finite at a sample's outputs, naming the output unit
    where its term fails; return for a built-in loss (its own message applies)."""
    row = model.part.loss_formula
    if a.key.kind != "loss" or row is None or not isinstance(row.per_sample, FormulaTerm):
        return
    n = a.sample if a.sample is not None else 0
    term = row.per_sample.term
    for k in model.part.outputs:
        u, t = numeric.get(model.out(k, n)), numeric.get(model.target(k, n))
        point = {U: u} if t is None else {U: u, T: t}
        if u is None:
            continue
        try:
            v = bounded(term, DIGITS, point)
        except TooLarge:
            continue
        if _finite(v if (v.is_Rational or v.is_Float) else v.evalf(DIGITS)):
            continue
        suffix = "" if a.sample is None else f"@{a.sample + 1}"
        at = f"u_{k}{suffix} = {_short(u)}" + ("" if t is None else f", t_{k}{suffix} = {_short(t)}")
        raise located(model, a, numeric, said("nonreal.loss_formula_at", id=a.id, why=reason(term, point, v),
                                              formula=_loss_text(row), at=at))


def origin(model: Model, a: Assignment, numeric: dict) -> tuple:
    """The input of the computation that leads to step `a` (Part.written_at's origins): a unit's
    activation for its output and g'; the loss for the loss and an output unit's δ; the activation of
    a hidden unit's layer for its δ; for a net, the weight whose term w·(its input) is the largest;
    the weight for its gradient, update and new value; the input for ∂J/∂x."""
    part, key = model.part, a.key
    kind, unit = key.kind, key.unit
    if kind in ("act", "gprime"):
        return ("act", model.layer_of[unit] - 1)
    if kind == "loss" or (kind == "delta" and unit in part.outputs):
        return ("loss",)
    if kind == "delta":
        return ("act", model.layer_of[unit] - 1)
    if kind in ("grad_w", "update_w", "new_w"):
        return ("w", key.source, unit)
    if kind == "grad_x":
        return ("x", unit, key.sample or 0)
    if kind in ("grad_shared", "update_shared", "new_shared"):
        edges = dict(part.shared).get(unit, ())
        return ("w",) + tuple(edges[0]) if edges else ("eta",)
    if kind == "net":
        n = a.sample or 0
        best, size = None, -1.0
        for i in part.feeders(unit):
            w, x = numeric.get(model.w[(i, unit)]), numeric.get(model.out(i, n))
            try:
                term = abs(float(w * x)) if w is not None and x is not None else 0.0
            except (TypeError, ValueError):
                term = float("inf")
            if best is None or term > size:
                best, size = i, term
        return ("w", best, unit) if best is not None else ("eta",)
    return ("eta",)


def located(model: Model, a: Assignment, numeric: dict, message: str) -> ProblemError:
    """The error `message` about step `a`, at the file's field that leads there (`origin`), FILE:LINE
    once the caller adds the file (solution.solve_part); without a line for a part built in code."""
    field, line = model.part.where(origin(model, a, numeric))
    return ProblemError(message, field=field, line=line)


def _why(model: Model, rule: sp.Expr, numeric: dict, number: sp.Expr) -> str:
    """Why a built-in loss's step `rule` is `number` (SymPy's zoo, nan or a complex number), in words:
    "is infinite: ln of 0 (u_5 = 0)", with the names the solution prints (u_5, not the model's 5u_5)."""
    from .notation import names_for
    text = names_for(model).text
    shown = {s: sp.Symbol(text.get(s, s.name), real=True) for s in rule.free_symbols}
    return reason(rule.xreplace(shown), {shown[s]: numeric[s] for s in shown if s in numeric}, number)


def _loss_text(row) -> str:
    """The loss formula as written (a Loss row's `formula` is "sum_k [TEXT] with u = u_k, t = t_k")."""
    text = row.formula
    return text[text.index("[") + 1:text.rindex("]")] if "[" in text and "]" in text else text


def _short(value: sp.Expr | None) -> str:
    """A value as a message quotes it: 6 significant digits, exact integers as they are."""
    if value is None:
        return "?"
    return about(value if value.is_Integer or value.is_Float else value.evalf(DIGITS), 6)


_PREC20 = dps_to_prec(20)


def to_float(value: sp.Expr) -> float:
    """float64 at full precision (evaluated with spare digits, then rounded once). A Float's is
    what `evalf(20)` does to it, without the rest of evalf's machinery (the one step that costs)."""
    if value.is_Integer:
        return float(int(value))
    if type(value) is Float:
        return float(value._eval_evalf(_PREC20))
    return float(value.evalf(20))
