"""The training engine (issue 14): a layered part as matrices, forward and backward over a whole batch in NumPy.

A part (problem.Part) is layers of units, each fed by the bias unit (output `bias_input`) and every unit of the
layer below (`Part.feeders`). Here layer l is one matrix W_l (units of l × [bias, units of l − 1]); a batch is a
matrix X (B × inputs), one sample a row. Forward: net_l = A_{l−1}·W_lᵀ, U_l = g(net_l), A_l = [bias, U_l]. Backward,
by the appendix's δ rules: the output layer's δ from the loss, δ_l = (δ_{l+1}·W_{l+1}) ⊙ g'(net_l) (the bias
column left out), ∂J/∂W_l = δ_lᵀ·A_{l−1}, scaled by the part's batch reduction (1/B for a mean).

Nothing of a unit is typed in here: each function of one unit is lambdified ONCE from the project's SymPy tables,
with NumPy, and then applied to whole matrices:

- g and g' of each layer from activations.py (`Activation.value`, `Activation.derivative`: the table's row with
  its parameters bound, relu's g'(0) included, or a formula activation's g and SymPy's g');
- the per-sample loss L(u, t) of the outputs and ∂L/∂u_k from losses.py (`losses.of(part).per_sample`, `sp.diff`);
- a softmax output layer: u_k = e^{net_k}/Σ_m e^{net_m} (activations.softmax_value) and its δ_k =
  Σ_m ∂L/∂u_m·∂u_m/∂net_k (activations.softmax_jacobian), built in SymPy, which cancels u_m·t_m/u_m by itself:
  for cross-entropy the δ it gives is u_k·Σ_m t_m − t_k, that is p − t for one-hot targets. The nets are shifted by
  their row's largest before the lambdified softmax (it does not change its value; e^{net} cannot overflow).
- a loss with a log: each log clamped at −100 (`LOG_FLOOR`, torch's BCELoss), and an elementwise output's
  δ = ∂L/∂u·g'(net), where it is 0·∞ (a saturated sigmoid output, u exactly 0 or 1), its limit simplified by SymPy
  (u − t for BCE after a sigmoid): a saturated run is not "diverged" (docs/training.md, "A saturated output").

What it does not do (`Unsupported`; training then falls back to optimize.Compiled, the part's one-sample SymPy
model lambdified per sample): softmax in a hidden layer, a network whose weights are not exactly one per
connection of `Part.feeders`, and any unit function NumPy cannot evaluate (lambdify fails on it, or it gives no
finite float on a probe). Frozen and shared weights are the caller's (training.py: a parameter on its edges, the
gradient of a shared parameter the sum over its edges; a frozen one is not updated), as in optimize.Objective.

tests/test_e15.py holds J and every ∂J/∂w equal to optimize.Compiled's (summed over the batch, scaled as the
reduction says) to 1e-12 for every network part of problems/, at random weights and batches.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import sympy as sp

from . import losses
from .activations import X as _X
from .activations import softmax_jacobian, softmax_value


class Unsupported(Exception):
    """The part is not one the dense engine computes (the reason, for the docs and tests); use optimize.Compiled."""


def _erf(x):
    try:
        from scipy.special import erf
    except ImportError:                                # scipy is no dependency: math.erf per element
        return np.vectorize(math.erf, otypes=[float])(x)
    return erf(x)


def _max(*args):
    out = args[0]
    for a in args[1:]:
        out = np.maximum(out, a)
    return out


def _min(*args):
    out = args[0]
    for a in args[1:]:
        out = np.minimum(out, a)
    return out


# The loss's logs are clamped at LOG_FLOOR, as torch's BCELoss does: an output that saturates to exactly 0 or 1 (a
# sigmoid's net beyond about ±37) gives t·ln u = 0·(−100) = 0, not 0·ln 0 = NaN, and a wrong saturated output a loss
# of 100, not ∞. Only the loss's own logs (an activation's, softplus', are not clamped); a log above the floor is
# NumPy's log, unchanged.
LOG_FLOOR = -100.0
clamped_log = sp.Function("clamped_log")


def _clamped_log(x):
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(x), LOG_FLOOR)


_MODULES = [{"erf": _erf, "amax": _max, "amin": _min, "Max": _max, "Min": _min, "clamped_log": _clamped_log},
            "numpy"]


def clamp_logs(expr: sp.Expr) -> sp.Expr:
    """`expr` with each log clamped at LOG_FLOOR (`clamped_log`)."""
    return expr.replace(sp.log, lambda a: clamped_log(a)) if expr.has(sp.log) else expr


def _lambdify(args, expr):
    from .optimize import _plain
    if isinstance(expr, (list, tuple)):
        expr = [_plain(sp.sympify(e)) for e in expr]
    else:
        expr = _plain(sp.sympify(expr))
    try:
        return sp.lambdify(args, expr, modules=_MODULES, cse=True)
    except Exception as exc:                            # a function NumPy's printer does not know
        raise Unsupported(f"cannot lambdify {expr}: {exc}") from exc


def _float(v) -> float:
    """A given number (a SymPy Rational, usually) as a float, correctly rounded, without SymPy's slow path."""
    try:
        return v.p / v.q
    except AttributeError:
        return float(v)


def _column(value, rows: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=float), (rows,))


class Dense:
    """A part's network as matrices (module docstring). Call with every edge's weight (Part.weights order, a
    NumPy array) and a batch (X: B × inputs, T: B × outputs, as `arrays` makes them)."""

    def __init__(self, part) -> None:
        self.part = part
        self.edges = [(w.source, w.target) for w in part.weights]
        self.inputs = list(part.inputs)
        self.outputs = list(part.outputs)
        self.bias = part.bias is not None
        self.bias_input = _float(part.bias_input)
        self.mean = part.batch_reduction == "mean"
        loss = losses.of(part)
        self.takes_targets = loss.takes_targets
        # the matrices' places: layer l's W_l is rows × cols, columns [bias, units below] (Part.feeders' order)
        self.shapes: list[tuple[int, int]] = []
        place: dict[tuple[str, str], int] = {}
        offset = 0
        for layer in part.layers:
            feeders = part.feeders(layer[0])
            if any(part.feeders(j) != feeders for j in layer):
                raise Unsupported("units of one layer fed by different units")
            for r, j in enumerate(layer):
                for c, i in enumerate(feeders):
                    place[(i, j)] = offset + r * len(feeders) + c
            self.shapes.append((len(layer), len(feeders)))
            offset += len(layer) * len(feeders)
        if len(self.edges) != offset or set(self.edges) != set(place):
            raise Unsupported("the weights are not one per connection of the layers")
        self.size = offset
        self.place = np.array([place[e] for e in self.edges], dtype=np.intp)
        # each layer's g and g' (elementwise), lambdified once; softmax: the output layer only
        y = sp.Symbol("y", real=True)
        self.g, self.dg = [], []
        last = len(part.layers) - 1
        for li, act in enumerate(part.activations):
            if not act.elementwise:
                if li != last:
                    raise Unsupported("softmax in a hidden layer")
                self.g.append(None)
                self.dg.append(None)
                continue
            self.g.append(_lambdify([_X], act.value(_X)))
            self.dg.append(_lambdify([_X, y], act.derivative(_X, y)))
        self.softmax = not part.activations[-1].elementwise
        k = len(self.outputs)
        us = [sp.Symbol(f"u{n}", real=True) for n in range(k)]
        ts = [sp.Symbol(f"t{n}", real=True) for n in range(k)] if loss.takes_targets else []
        per_sample = loss.per_sample(us, ts)
        dl = [sp.diff(per_sample, u) for u in us]                        # ∂L/∂u_k
        if self.softmax:
            nets = [sp.Symbol(f"n{n}", real=True) for n in range(k)]
            self._softmax = _lambdify(nets, [softmax_value(nets, n) for n in range(k)])
            # δ_k = ∂L/∂net_k = Σ_m ∂L/∂u_m·∂u_m/∂net_k: the output's δ itself, not ∂L/∂u
            dl = [sp.Add(*[dl[m] * softmax_jacobian(us, m, n) for m in range(k)]) for n in range(k)]
        # an elementwise output layer's δ_k = ∂L/∂u_k·g'(net_k) is 0·∞ where a loss with a log meets a saturated
        # output (BCE: ∂L/∂u = −t/u + (1 − t)/(1 − u) at u = 1, g' = u(1 − u) = 0): there, and only there, δ_k is
        # its limit, the product simplified by SymPy (BCE after a sigmoid: u − t)
        self._limit = None
        if not self.softmax and per_sample.has(sp.log):
            nets = [sp.Symbol(f"n{n}", real=True) for n in range(k)]
            act = part.activations[-1]
            limits = [sp.cancel(sp.together(dl[n] * act.derivative(nets[n], us[n]))) for n in range(k)]
            self._limit = _lambdify(nets + us + ts, limits)
        self._loss = _lambdify(us + ts, [clamp_logs(per_sample)] + dl)
        self._probe()

    def _probe(self) -> None:
        """Evaluate every function once on a small batch: a function NumPy cannot evaluate is Unsupported now, not
        in the middle of a run."""
        rng = np.random.default_rng(0)
        x = rng.uniform(0.1, 0.9, (2, len(self.inputs)))
        t = np.full((2, len(self.outputs) if self.takes_targets else 0), 1.0 / max(1, len(self.outputs)))
        w = rng.uniform(-0.5, 0.5, len(self.edges))
        try:
            with np.errstate(all="ignore"):
                j, g = self.gradients(w, x, t)
            ok = math.isfinite(j) and np.all(np.isfinite(g))
        except Exception as exc:
            raise Unsupported(f"NumPy cannot evaluate the part's functions: {exc}") from exc
        if not ok:
            raise Unsupported("the part's functions give no finite value on a probe batch")

    # -- data ------------------------------------------------------------------------------------
    def arrays(self, samples: Sequence) -> tuple[np.ndarray, np.ndarray]:
        """(X, T) of `samples`: one row each, the columns in Part.inputs and Part.outputs order."""
        x = np.empty((len(samples), len(self.inputs)))
        t = np.zeros((len(samples), len(self.outputs) if self.takes_targets else 0))
        for n, s in enumerate(samples):
            names = [i for i, _ in s.x]
            values = [_float(v) for _, v in s.x]
            x[n] = values if names == self.inputs else [dict(zip(names, values))[i] for i in self.inputs]
            if self.takes_targets:
                given = {k: _float(v) for k, v in s.t}
                t[n] = [given[k] for k in self.outputs]
        return x, t

    # -- the network -----------------------------------------------------------------------------
    def matrices(self, w: np.ndarray) -> list[np.ndarray]:
        """Each layer's W_l from the edges' weights."""
        flat = np.empty(self.size)
        flat[self.place] = w
        out, at = [], 0
        for rows, cols in self.shapes:
            out.append(flat[at:at + rows * cols].reshape(rows, cols))
            at += rows * cols
        return out

    def _with_bias(self, u: np.ndarray) -> np.ndarray:
        if not self.bias:
            return u
        return np.hstack([np.full((u.shape[0], 1), self.bias_input), u])

    def forward(self, w: np.ndarray, x: np.ndarray, keep: dict | None = None):
        """(the matrices, each layer's input A_{l−1} with its bias column, nets, outputs) of batch x. `keep`
        (dropout, dropout.py): {0-based layer: its factor}, what the next layer reads is ũ = factor ⊙ u: in training
        the mask times its scale (B × units: m·1/(1 − p) inverted, m standard), at test time a number (1 − p
        standard, 1 inverted); the outputs kept are u itself (g' reads them)."""
        mats = self.matrices(w)
        feeds, nets, outs = [], [], []
        u = x
        for li, m in enumerate(mats):
            if keep and li - 1 in keep:
                u = u * keep[li - 1]
            a = self._with_bias(u)
            net = a @ m.T
            if self.g[li] is None:
                shifted = net - net.max(axis=1, keepdims=True)       # softmax's value does not change
                u = np.column_stack([_column(v, net.shape[0]) for v in self._softmax(*shifted.T)])
            else:
                u = np.broadcast_to(np.asarray(self.g[li](net), dtype=float), net.shape)
            feeds.append(a)
            nets.append(net)
            outs.append(u)
        return mats, feeds, nets, outs

    def _losses(self, u: np.ndarray, t: np.ndarray):
        got = self._loss(*u.T, *t.T)
        b = u.shape[0]
        return _column(got[0], b), np.column_stack([_column(d, b) for d in got[1:]])

    def _scale(self, b: int) -> float:
        return 1.0 / b if (self.mean and b > 1) else 1.0

    def gradients(self, w: np.ndarray, x: np.ndarray, t: np.ndarray, keep: dict | None = None) -> tuple[float, np.ndarray]:
        """(J of the batch, ∂J/∂w of every edge in Part.weights order), J the per-sample losses summed, times 1/B
        for a mean. `keep`: dropout's factors (`forward`); a dropped-out layer's δ is (δ_{l+1}·W_{l+1}) ⊙ factor ⊙
        g'(net_l), 0 where the mask is."""
        w = np.asarray(w, dtype=float)
        mats, feeds, nets, outs = self.forward(w, x, keep)
        per_sample, dl = self._losses(outs[-1], t)
        scale = self._scale(x.shape[0])
        last = len(mats) - 1
        delta = dl if self.softmax else dl * self.dg[last](nets[last], outs[last])
        if self._limit is not None and not np.all(np.isfinite(delta)):      # a saturated output: the limit
            b = x.shape[0]
            limit = np.column_stack([_column(v, b) for v in self._limit(*nets[last].T, *outs[last].T, *t.T)])
            delta = np.where(np.isfinite(delta), delta, limit)
        grads = [None] * len(mats)
        for li in range(last, -1, -1):
            grads[li] = scale * (delta.T @ feeds[li])
            if li > 0:
                back = delta @ mats[li][:, 1:] if self.bias else delta @ mats[li]
                if keep and li - 1 in keep:
                    back = back * keep[li - 1]
                delta = back * self.dg[li - 1](nets[li - 1], outs[li - 1])
        flat = np.concatenate([g.ravel() for g in grads])
        return float(scale * per_sample.sum()), flat[self.place]

    def loss_and_outputs(self, w: np.ndarray, x: np.ndarray, t: np.ndarray,
                         keep: dict | None = None) -> tuple[float, np.ndarray]:
        """(J of the batch, the output units' activations: B × outputs); `keep` as `forward`'s."""
        outs = self.forward(np.asarray(w, dtype=float), x, keep)[3]
        per_sample, _ = self._losses(outs[-1], t)
        return float(self._scale(x.shape[0]) * per_sample.sum()), outs[-1]


def dense_or_none(part) -> Dense | None:
    """The part's Dense engine, or None where it does not apply (Unsupported: optimize.Compiled instead)."""
    try:
        return Dense(part)
    except Unsupported:
        return None
