"""The model evaluated at other values: random problems, the student's own numbers, mistaken variants.

A student's rule is right when it gives the quantity's value on every problem, not only on this
one: `instances` re-solves the part with random weights, inputs, targets and η (floats), so that
every relation between quantities holds at each point (g'(net_5) is u_5(1 − u_5) there too).
`recompute` evaluates one step's rule with some leaves replaced, for follow-through and diagnoses.
"""
from __future__ import annotations

import random

import sympy as sp

from ..derive import derive
from ..model import Model
from ..solution import PartSolution


def _float(expr: sp.Expr) -> float:
    value = expr if expr.is_Number else expr.evalf(20)
    return float(value)


def instances(psol: PartSolution, count: int = 5, seed: int = 0) -> list[dict[sp.Symbol, float]]:
    """The part at `count` random points: every symbol's float value, computed by the model's rules."""
    model = Model(psol.part)
    assignments = model.forward + derive(model)
    given = model.given()
    rng = random.Random(seed)
    loss = psol.part.loss
    out = []
    for _ in range(count):
        values: dict[sp.Symbol, float] = {}
        for sym, v in given.items():
            kind = model.info[sym].kind
            if sym == model.bias_symbol:
                values[sym] = 1.0
            elif kind == "t" and loss in ("cross_entropy", "binary_cross_entropy"):
                values[sym] = float(v)             # targets must stay 0/1 (or probabilities)
            elif kind == "eta":
                values[sym] = rng.uniform(0.2, 2.0)
            else:
                values[sym] = rng.uniform(-1.5, 1.5)
        for a in assignments:
            values[a.symbol] = _float(a.rule.xreplace({s: sp.Float(values[s], 20) for s in a.rule.free_symbols}))
        out.append(values)
    return out


def true_values(psol: PartSolution) -> dict[sp.Symbol, float]:
    """The part's own values as floats, including the bias input x_0 = 1."""
    values = {s.symbol: s.float_value for s in psol.steps}
    for sym in psol.names.text:
        values.setdefault(sym, 1.0)
    return values


def recompute(psol: PartSolution, qid: str, values: dict[sp.Symbol, float],
              replace: dict[sp.Symbol, sp.Expr] | None = None) -> float | None:
    """Step `qid`'s rule at `values`, with some leaves first replaced by other symbols or numbers."""
    step = psol.step(qid)
    if not step.forms:
        return None
    rule = step.forms[-1]
    if replace:
        rule = rule.xreplace(replace)
    try:
        return _float(rule.xreplace({s: sp.Float(values[s], 20) for s in rule.free_symbols if s in values}))
    except (TypeError, KeyError):
        return None
