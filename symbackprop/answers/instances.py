"""The model evaluated at other values: random problems, the student's own numbers, mistaken variants.

A student's rule is right when it gives the quantity's value on every problem, not only on this
one: `instances` re-solves the part with random weights, inputs, targets and η (floats), so that
every relation between quantities holds at each point (g'(net_5) is u_5(1 − u_5) there too).
`StepRules.recompute` evaluates one step's rule with some leaves replaced, for follow-through and diagnoses.
"""
from __future__ import annotations

import builtins
import random

import mpmath
import sympy as sp

from .. import losses
from ..derive import derive
from ..errors import InternalError
from ..model import Model
from ..memo import ValueMemo, part_key
from ..problem import Part
from ..solution import PartSolution


def _float(expr: sp.Expr) -> float:
    value = expr if expr.is_Number else expr.evalf(20)
    return float(value)


def instances(psol: PartSolution, count: int = 5, seed: int = 0) -> list[dict[sp.Symbol, float]]:
    """The part at `count` random points: every symbol's float value, computed by the model's rules.
    The points depend on the part alone: they are computed once per value of the part (memo.py), and
    each caller gets its own copies."""
    return [dict(point) for point in _instances(psol.part, count, seed)]


def _points(part: Part, count: int, seed: int) -> tuple[dict[sp.Symbol, float], ...]:
    """`instances`' points for a part (see there)."""
    model = Model(part)
    assignments = model.forward + derive(model) + model.test_time      # as solution.solve_part's
    given = model.given()
    rng = random.Random(seed)
    fixed_targets = losses.of(part).constrains_targets
    out = []
    for _ in range(count):
        values: dict[sp.Symbol, float] = {}
        for sym, v in given.items():
            kind = model.info[sym].kind
            if sym == model.bias_symbol:
                values[sym] = float(model.part.bias_input)     # 1, or −1 (network.bias_input)
            elif kind == "t" and fixed_targets:
                values[sym] = float(v)             # targets must stay in the loss's domain (0/1, Σ t = 1)
            elif kind == "eta":
                values[sym] = rng.uniform(0.2, 2.0)
            elif kind == "m":
                values[sym] = float(v)             # dropout's mask: which units are dropped is the problem's
            elif kind == "p":
                values[sym] = rng.uniform(0.1, 0.9)     # a dropout probability, in [0, 1)
            else:
                values[sym] = rng.uniform(-1.5, 1.5)
        # a tied edge is its shared parameter at every point: b1·x_b and w_{b,h1}·x_b are one rule
        for edge, name in model.tied.items():
            values[model.w[edge]] = values[model.shared[name]]
        for a in assignments:
            values[a.symbol] = _float(a.rule.xreplace({s: sp.Float(values[s], 20) for s in a.rule.free_symbols}))
        out.append(values)
    return tuple(out)


_instances = ValueMemo(_points, lambda part, count, seed: (part_key(part), count, seed), size=16)


def true_values(psol: PartSolution) -> dict[sp.Symbol, float]:
    """The part's own values as floats, including the bias input x_0 = 1 (or −1, network.bias_input)."""
    values = {s.symbol: s.float_value for s in psol.steps}
    for sym in psol.names.text:
        values.setdefault(sym, float(psol.part.bias_input))
    return values


def _heaviside(x, h0=0.5):
    return 1.0 if x > 0 else 0.0 if x < 0 else float(h0)


def _relu(x, g0=0):
    return max(x, 0.0)


# Names a step's rule may call, for the float functions lambdify compiles.
_NAMESPACE = {"Heaviside": _heaviside, "relu": _relu, "Max": max, "Min": min}


def _missing_names(fn) -> list[str]:
    """The global names a lambdified function calls that its namespace does not define."""
    return [n for n in fn.__code__.co_names if n not in fn.__globals__ and not hasattr(builtins, n)]


def compiled(args: tuple, rule: sp.Expr):
    """`rule` as a float function of `args`: with Python's math (fast, and what every built-in
    activation and loss needs), or, when the rule calls a SymPy function math lacks (an activation
    or loss added to its table from any SymPy function), with mpmath for those functions; an
    InternalError if mpmath lacks one too (a fault of that row, never of the student's answers)."""
    return _compiled(args, rule)


def _compile(args: tuple, rule: sp.Expr):
    """`compiled`, without the memo."""
    fn = sp.lambdify(args, rule, modules=[_NAMESPACE, "math"])
    if not _missing_names(fn):
        return fn
    fn = sp.lambdify(args, rule, modules=[_NAMESPACE, "math", "mpmath"])
    missing = _missing_names(fn)
    if missing:
        raise InternalError(f"no float function for {', '.join(missing)} in math or mpmath (a rule of the "
                            f"activation or loss table uses it)")
    return fn


# a rule is compiled once per value (memo.py): every student's checker of a part, and each equal part,
# compiles the same rules; a compiled function keeps no state
# (SymPy's equality is enough here: a rule with 0.5 and one with 1/2 compute the same floats)
_compiled = ValueMemo(_compile, lambda args, rule: (args, rule), size=4096)


class StepRules:
    """One part's step rules as float functions of their leaves, each compiled on first use.

    The compiled functions are kept here, on the object built for one PartSolution (a Checker owns
    one), so they can never be handed to another part, as a table keyed by id(psol) could once that
    id is reused."""

    def __init__(self, psol: PartSolution) -> None:
        self.psol = psol
        self._compiled: dict[tuple, tuple] = {}

    def _compiled_rule(self, qid: str, replace: dict | None):
        key = (qid, frozenset((replace or {}).items()))
        if key not in self._compiled:
            step = self.psol.step(qid)
            if not step.forms:
                self._compiled[key] = (None, ())
            else:
                rule = step.forms[-1].xreplace(replace) if replace else step.forms[-1]
                args = tuple(sorted(rule.free_symbols, key=str))
                self._compiled[key] = (compiled(args, rule), args)
        return self._compiled[key]

    def recompute(self, qid: str, values: dict[sp.Symbol, float],
                  replace: dict[sp.Symbol, sp.Expr] | None = None) -> float | None:
        """Step `qid`'s rule at `values` (floats), with some leaves first replaced by other symbols or
        numbers; None when the step has no rule or the rule is undefined there (1/0, log of a
        negative, an overflow). A leaf missing from `values` is a bug and raises KeyError."""
        fn, args = self._compiled_rule(qid, replace)
        if fn is None:
            return None
        leaves = [values[a] for a in args]
        try:
            out = fn(*leaves)
        except (ArithmeticError, ValueError):     # ZeroDivisionError, OverflowError, math domain error
            return None
        if isinstance(out, (complex, mpmath.mpc)):  # a fractional power of a negative number
            return None
        if isinstance(out, mpmath.mpf):            # mpmath says nan or inf where math raises
            return float(out) if mpmath.isfinite(out) else None
        return float(out)
