"""The gradient check: a second opinion on the chain-rule gradients, by direct `sympy.diff` and by
finite differences. (Checking students' answers is answers/checker.py, a different job.)

Independent of the model by design: nothing here imports model.py, derive.py or the backward
walk, so a mistake there cannot hide itself here. Both checks build the loss again straight from
the problem (`Part`), not from the model's rules: the
weights stay symbols, everything else is substituted, and every layer is expanded into one
expression J(w). That is exactly what the layer-wise derivation avoids, so use it on small networks.

- direct: `sympy.diff(J, w)` at the given weights, exact, compared at 30 digits;
- finite differences: J lambdified to float64 (`math` module), central differences.

At a kink of an activation (ReLU at net = 0) or of the L1 loss (u = t) finite differences see the
mean of the one-sided slopes, not the convention g'(0): the weights upstream of a kink are listed
as not comparable instead of being counted as disagreements.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import sympy as sp

from . import losses
from .activations import softmax_value
from .budget import check_budget
from .problem import Part
from .solution import PartSolution

DIRECT_TOL = 1e-12     # relative to max(1, |gradient|)
FD_TOL = 1e-6
FD_STEP = 1e-6


@dataclass(frozen=True)
class GradientCheck:
    id: str                       # grad_w_<from>_<to>
    chain: float
    direct: float
    finite_difference: float | None
    kink: str | None = None       # why finite differences are not comparable here


@dataclass(frozen=True)
class CheckReport:
    part: str
    gradients: tuple[GradientCheck, ...]
    max_direct: float             # largest |chain − direct| / max(1, |chain|)
    max_fd: float                 # largest |chain − fd| / max(1, |chain|) over comparable weights
    step: float = FD_STEP

    @property
    def ok(self) -> bool:
        return self.max_direct <= DIRECT_TOL and self.max_fd <= FD_TOL

    @property
    def kinks(self) -> tuple[GradientCheck, ...]:
        return tuple(g for g in self.gradients if g.kink)


def substituted_loss(part: Part, wsyms: dict) -> tuple[sp.Expr, list[tuple[int, str, sp.Expr]]]:
    """J as one expression in the weight symbols; also every unit's net as (layer, unit, expr)."""
    loss = losses.TABLE[part.loss]
    total, nets_out = [], []
    for sample in part.samples:
        out = dict(sample.x)
        if part.bias is not None:
            out[part.bias] = sp.Integer(1)
        prev = list(part.inputs)
        for li, layer in enumerate(part.layers):
            act = part.activations[li]
            feed = ([part.bias] if part.bias is not None else []) + prev
            nets = [sp.Add(*[wsyms[(i, j)] * out[i] for i in feed]) for j in layer]
            nets_out += [(li, j, net) for j, net in zip(layer, nets)]
            for k, j in enumerate(layer):
                out[j] = act.value(nets[k]) if act.elementwise else softmax_value(nets, k)
            prev = list(layer)
        t = dict(sample.t)
        total.append(loss.per_sample([out[k] for k in part.outputs], [t[k] for k in part.outputs]))
    J = sp.Add(*total)
    if part.batch_reduction == "mean":
        J = J / len(part.samples)
    return J, nets_out


def check_part(psol: PartSolution, step: float = FD_STEP, source: str = "<problem>") -> CheckReport:
    """Compare every ∂J/∂w of the solution with direct diff and with finite differences.
    A part too large for direct differentiation (budget.py) is refused before it starts."""
    part = psol.part
    check_budget(source, [part], "check")
    keys = [(w.source, w.target) for w in part.weights]
    wsyms = {k: sp.Symbol(f"w_{k[0]}_{k[1]}", real=True) for k in keys}
    wvals = {wsyms[(w.source, w.target)]: w.value for w in part.weights}
    J, nets = substituted_loss(part, wsyms)
    kinks = _kinks(part, J, nets, wvals)
    direct = direct_gradients(J, [wsyms[k] for k in keys], wvals)

    fds = finite_differences(J, [wsyms[k] for k in keys], [float(w.value) for w in part.weights], step)
    rows, max_direct, max_fd = [], 0.0, 0.0
    layer_of_target = {j: li for li, layer in enumerate(part.layers) for j in layer}
    for idx, key in enumerate(keys):
        gid = f"grad_w_{key[0]}_{key[1]}"
        chain_value = psol.step(gid).value
        direct_value = direct[idx]
        scale = max(1.0, abs(float(chain_value.evalf(20))))
        max_direct = max(max_direct, abs(float((direct_value - chain_value).evalf(30))) / scale)
        fd = fds[idx]
        kink = _kink_affecting(kinks, layer_of_target[key[1]], key[1])
        if kink is None:
            max_fd = max(max_fd, abs(fd - float(chain_value.evalf(20))) / scale)
        rows.append(GradientCheck(gid, float(chain_value.evalf(20)), float(direct_value.evalf(20)), fd, kink))
    return CheckReport(psol.name, tuple(rows), max_direct, max_fd, step)


def direct_gradients(J: sp.Expr, wsyms: list, wvals: dict) -> list[sp.Expr]:
    """`sympy.diff(J, w)` for every weight, evaluated at the given weights.

    The derivative trees repeat the same subexpressions many times: common-subexpression
    elimination lets each be evaluated once. Rational values stay exact (so a branch at a kink,
    ReLU at net = 0, is taken exactly as the convention says); others become 40-digit floats.
    """
    def number(v: sp.Expr) -> sp.Expr:
        return v if not isinstance(v, sp.Expr) or v.is_Rational else v.evalf(40)   # conditions stay

    replacements, reduced = sp.cse([sp.diff(J, w) for w in wsyms])
    values = dict(wvals)
    for sym, expr in replacements:
        values[sym] = number(expr.xreplace(values))
    return [number(r.xreplace(values)) for r in reduced]


class where(sp.Function):
    """where(condition, a, b) for lambdify: its own Piecewise printer simplifies every condition,
    which takes minutes on the nested conditions of a leaky-ReLU or ELU network."""


def _as_where(pw: sp.Piecewise) -> sp.Expr:
    """Piecewise((a, c1), (b, c2), …) -> where(c1, a, where(c2, b, …))."""
    out = sp.nan
    for expr, cond in reversed(pw.args):
        out = expr if cond == sp.true else where(cond, expr, out)
    return out


def finite_differences(J: sp.Expr, wsyms: list, point: list[float], step: float) -> list[float | None]:
    """Central differences of J at `point`, all 2n perturbed points in one NumPy evaluation."""
    import numpy as np

    modules = [{"relu": lambda x, g0: np.maximum(x, 0.0), "erf": np.vectorize(math.erf),
                "where": np.where}, "numpy"]
    J = J.replace(lambda e: isinstance(e, sp.Piecewise), _as_where)
    f = sp.lambdify(wsyms, J, modules=modules)
    n = len(point)
    base = np.array(point, dtype=np.float64)
    h = step * np.maximum(1.0, np.abs(base))
    grid = np.tile(base[:, None], (1, 2 * n))           # column c: the point, one weight moved
    grid[np.arange(n), np.arange(n)] += h
    grid[np.arange(n), n + np.arange(n)] -= h
    with np.errstate(all="ignore"):
        values = np.broadcast_to(np.asarray(f(*grid), dtype=np.float64), (2 * n,))
    fd = (values[:n] - values[n:]) / (2 * h)
    return [float(v) if np.isfinite(v) else None for v in fd]


def _kinks(part: Part, J: sp.Expr, nets, wvals) -> list[tuple[int, str, str]]:
    """Units at (or within a finite-difference step of) a kink: (layer, unit, why)."""
    found = []
    for li, j, net in nets:
        kinks = part.activations[li].kinks()
        if not kinks:
            continue
        value = float(net.xreplace(wvals).evalf(20))
        if any(math.isclose(value, float(k), abs_tol=1e-4) for k in kinks):
            found.append((li, j, f"net_{j} = {value:g} is at a kink of {part.activations[li].name}"))
    loss = losses.TABLE[part.loss]
    if loss.kinks:                # the loss's own kinks (l1: |t − u| at u = t), from its row
        out_layer = len(part.layers) - 1
        for a in J.atoms(*loss.kinks):
            if abs(float(a.args[0].xreplace(wvals).evalf(20))) < 1e-4:
                found += [(out_layer, k, f"{loss.kink_note}, a kink of the {loss.name} loss")
                          for k in part.outputs]
    return found


def _kink_affecting(kinks, layer: int, unit: str) -> str | None:
    """Why finite differences for a weight into `unit` cross a kink: the kink is at that unit or
    in a later layer (perturbing the weight moves every net downstream)."""
    reasons = [why for li, j, why in kinks if j == unit or li > layer]
    return "; ".join(dict.fromkeys(reasons)) or None
