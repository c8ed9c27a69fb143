"""Several optimizer steps of a computation graph (`model: graph` with `optimizer:`, `steps:`; issue 13): the
run, as data. The graph's `parameters` (A, b, c of the lecture's matrix example) are trained entry by entry,
each entry a parameter θ of the optimizer's rule (optimizers.py), as a network's weights are (optimize.py).

Two paths compute the same steps, as for networks:

- **the run** (`run_floats`): the output L and ∂L/∂θ of every parameter entry, as SymPy expressions of the
  inputs (each node's formula put into its consumers', then `sympy.diff`), lambdified ONCE and evaluated in
  float64 each step; the optimizer's step is the NumPy step of optimizers.compiled over every entry at once.
- **the worked steps** (`worked_steps`): each step shown in full re-solved exactly: the graph solved at θ_{t−1}
  (graph.solve_graph: forward and backward pass) and optimizers.step_exact on its gradients; exact while a
  value stays short, else 30-digit floats.

tests/test_q114.py asserts that the two agree to 1e-12.

A graph has one sample, its inputs: every step uses it (update: per_batch; per_sample is refused when the file
is read). The ids of a step's quantities are the graph's own (`solve --format json` of a graph): a parameter
entry `A_1_2` (a vector's `b_2`, a scalar's `c`), its gradient `grad_A_1_2`, then `update_A_1_2` (Δθ),
`new_A_1_2` (θ after the step) and the optimizer's values `<stem>_A_1_2` (m_A_1_2, v_A_1_2, mhat_A_1_2,
G_A_1_2, velocity_A_1_2, Eg2_A_1_2 …, the stems of quantity.OPTIMIZER_STEMS, as a network's m_w_0_3); `loss`
(the output before the step) and `new_loss` (after it), as a network's.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Sequence

import sympy as sp

from . import optimizers
from .evaluate import DIGITS, to_float
from .optimize import RunStep, WorkedStep, _given, _plain, param_step
from .optimize import _short as _short_exact
from .quantity import OPTIMIZER_STEMS, Key

_BASE = {"value": "", "grad": "grad_", "update": "update_", "new": "new_"}


@dataclass(frozen=True, order=True)
class GraphKey:
    """A quantity of a graph's run by its id (`A_1_2`, `grad_A_1_2`, `G_A_1_2`)."""

    id: str

    def __str__(self) -> str:
        return self.id


@dataclass(frozen=True)
class GraphParameter:
    """One entry of a parameter: its input's name, its place (row, column from 0; () for a scalar), its id
    (`A_1_2`) and its symbol (graph.entry_symbol)."""

    name: str
    place: tuple
    id: str
    symbol: sp.Symbol
    frozen: bool = False
    shared: bool = False

    @property
    def key(self) -> GraphKey:
        return GraphKey(self.id)

    def kind(self, what: str) -> GraphKey:
        """The key of this entry's `what`: grad, update, new, or an optimizer value's name (m, G …)."""
        if what in _BASE:
            return GraphKey(_BASE[what] + self.id)
        return GraphKey(f"{OPTIMIZER_STEMS[what]}_{self.id}")


def parameters(prob) -> tuple[GraphParameter, ...]:
    """Every entry of every parameter, in the file's order of the parameters, each row by row."""
    from .graph import entry_suffix
    out = []
    for name in prob.parameters:
        q = prob.get(name)
        if q.shape == ():
            out.append(GraphParameter(name, (), name, q.symbol))
            continue
        for r in range(q.shape[0]):
            for c in range(q.shape[1]):
                out.append(GraphParameter(name, (r, c), f"{name}_{entry_suffix(q.shape, r, c)}", q.symbol[r, c]))
    return tuple(out)


def _short(value) -> sp.Expr:
    """optimize._short, and a value that is part exact, part float (θ_{t−1} + Δθ) as one 30-digit float."""
    value = _short_exact(value)
    if value.has(sp.Float) and not value.is_Float:
        return sp.Float(value.evalf(DIGITS), DIGITS)
    return value


def _given_value(prob, p: GraphParameter):
    q = prob.get(p.name)
    return q.given if p.place == () else q.given[p.place]


# -- the float run ---------------------------------------------------------------------------------

class Compiled:
    """L and ∂L/∂θ of every parameter entry as functions of the entries, lambdified once (the other inputs'
    values put in): each node's rule, its operands' rules put in, then `sympy.diff` by each entry."""

    def __init__(self, prob, params: Sequence[GraphParameter]) -> None:
        full: dict[sp.Symbol, sp.Expr] = {}
        trained = {p.symbol for p in params}
        for q in prob.quantities:
            syms = list(q.symbol) if isinstance(q.symbol, sp.MatrixBase) else [q.symbol]
            if q.kind == "input":
                vals = list(q.given) if isinstance(q.given, sp.MatrixBase) else [q.given]
                for s, v in zip(syms, vals):
                    if s not in trained:
                        full[s] = v
                continue
            rules = list(q.rule) if isinstance(q.rule, sp.MatrixBase) else [q.rule]
            for s, rule in zip(syms, rules):
                full[s] = _plain(sp.sympify(rule).xreplace(full))
        out = prob.get(prob.output).symbol
        loss = full[out]
        grads = [sp.diff(loss, p.symbol) for p in params]
        args = [p.symbol for p in params]
        self._f = sp.lambdify(args, [loss] + grads, modules="math", cse=True)

    def __call__(self, theta: Sequence[float]) -> tuple[float, list[float]]:
        got = self._f(*(float(v) for v in theta))
        return float(got[0]), [float(g) for g in got[1:]]


def run_floats(prob, compiled: Compiled | None = None) -> list[RunStep]:
    """Every step in float64: the compiled L and gradients, the optimizer's compiled NumPy step."""
    import numpy as np
    training = prob.training
    params = parameters(prob)
    compiled = compiled or Compiled(prob, params)
    step = optimizers.compiled(training.optimizer, training.form, training.values)
    theta = np.array([float(_given_value(prob, p)) for p in params], dtype=float)
    state = step.initial_state(theta.shape)
    trace = []
    for t in range(1, training.steps + 1):
        point = step.grad_point(theta, state)
        loss, grads = compiled(theta)
        if not np.array_equal(point, theta):          # the lecture's Nesterov: g at the look-ahead point
            _, grads = compiled(point)
        out = step(theta, np.array(grads, dtype=float), state, t)
        new = out["theta"]
        state = {s.name: out[s.name] for s in step.state}
        new_loss, _ = compiled(new)
        values: dict = {Key("loss"): loss, Key("new_loss"): new_loss}
        for n, p in enumerate(params):
            values[p.key] = float(theta[n])
            values[p.kind("grad")] = float(grads[n])
            values[p.kind("update")] = float(new[n] - theta[n])
            values[p.kind("new")] = float(new[n])
            for line in step.lines:
                if line.name != "theta":
                    values[p.kind(line.name)] = float(out[line.name][n])
        trace.append(RunStep(t, (0,), values))
        theta = new
    return trace


# -- the worked steps ------------------------------------------------------------------------------

def at(prob, theta: dict):
    """The graph with its parameter entries set to `theta` (by key), without training."""
    params = parameters(prob)
    by_name: dict[str, list[GraphParameter]] = {}
    for p in params:
        by_name.setdefault(p.name, []).append(p)
    quantities = []
    for q in prob.quantities:
        if q.name in by_name:
            if q.shape == ():
                given = _given(theta[by_name[q.name][0].key])
            else:
                cells = {p.place: _given(theta[p.key]) for p in by_name[q.name]}
                given = sp.ImmutableMatrix(q.shape[0], q.shape[1], lambda r, c: cells[(r, c)])
            q = replace(q, given=given)
        quantities.append(q)
    return replace(prob, quantities=tuple(quantities), training=None)


def _entry(value, p: GraphParameter):
    return value if p.place == () else value[p.place]


def worked_steps(prob, shown: Sequence[int]) -> dict[int, WorkedStep]:
    """The steps `shown` (1-based) by the exact path: the graph solved at each step's grad point
    (graph.solve_graph) and optimizers.step_exact; every step up to the last one shown is computed."""
    from .graph import forward_pass, solve_graph
    training = prob.training
    name, form, values = training.optimizer, training.form, training.values
    row = optimizers.optimizer(name, form)
    params = parameters(prob)
    theta = {p.key: sp.sympify(_given_value(prob, p)) for p in params}
    state = {p.key: optimizers.initial_state(name, form, values) for p in params}
    out: dict[int, WorkedStep] = {}

    def loss_at(th: dict) -> sp.Expr:
        return forward_pass(at(prob, th))[0][prob.output]

    for t in range(1, max(shown, default=0) + 1):
        point = {p.key: _given(optimizers.grad_point(name, form, theta[p.key], state[p.key], values))
                 if row.grad_at != optimizers.THETA_PREV else theta[p.key] for p in params}
        gsol = solve_graph(at(prob, point))
        loss = gsol.values[prob.output] if point == theta else loss_at(theta)
        result: dict = {Key("loss"): loss}
        new = {}
        for p in params:
            got, entries = param_step(training, p, theta[p.key], _entry(gsol.gradients[p.name], p), state[p.key], t,
                                      _short)
            new[p.key] = got["theta"]
            state[p.key] = {s.name: got[s.name] for s in row.state}
            result.update(entries)
        result[Key("new_loss")] = loss_at(new)
        if t in shown:
            out[t] = WorkedStep(RunStep(t, (0,), result), gsol)
        theta = new
    return out


@dataclass(frozen=True)
class GraphRun:
    """A graph's training, as optimize.Run is a part's: the optimizer, its rule, every step (floats) and the
    steps shown in full computed exactly too (`worked`)."""

    problem: object
    training: object
    steps: tuple[RunStep, ...]
    worked: dict = field(default_factory=dict, compare=False)
    shown: tuple[int, ...] = (1,)

    @cached_property
    def rule(self) -> tuple[optimizers.Assignment, ...]:
        return optimizers.rule(self.training.optimizer, self.training.form, self.training.values)

    @property
    def params(self) -> tuple[GraphParameter, ...]:
        return parameters(self.problem)

    def value(self, t: int, key):
        worked = self.worked.get(t)
        if worked is not None and key in worked.step.values:
            return worked.step.values[key]
        return self.steps[t - 1].values[key]


def run_graph(prob, shown: Sequence[int] | str = (1,)) -> GraphRun:
    """The run of a graph with `training`: every step by the float run, the steps `shown` ("all": every one)
    by the exact path too. A step past the last is the file's mistake (one line)."""
    from .optimize import all_too_many
    training = prob.training
    all_too_many(shown, training.steps, "main", prob.source)
    if shown != "all":
        over = [t for t in shown if t > training.steps]
        if over:
            from .errors import ProblemError
            from .messages import said
            raise ProblemError(said("optimizer.step_out_of_range", step=over[0], steps=training.steps,
                                    part="main"), source=prob.source, field="steps")
    steps = tuple(run_floats(prob))
    wanted = (tuple(range(1, training.steps + 1)) if shown == "all"
              else tuple(sorted({t for t in shown if 1 <= t <= training.steps})))
    return GraphRun(prob, training, steps, worked_steps(prob, sorted({1, *wanted})), wanted)


def with_graph_run(sol, shown: Sequence[int] | str | None = None):
    """The graph's solution with its optimizer run (`run`), the steps `shown` in full (default step 1); the
    solution itself for a graph without `optimizer`/`steps`."""
    if getattr(sol.problem, "training", None) is None:
        return sol
    return replace(sol, run=run_graph(sol.problem, (1,) if shown is None else shown))


def agree(run: GraphRun) -> float:
    """The largest relative difference between the float run and the worked steps, over every quantity."""
    worst = 0.0
    for t, w in run.worked.items():
        floats = run.steps[t - 1].values
        for key, exact in w.step.values.items():
            a, b = to_float(sp.sympify(exact)), floats[key]
            worst = max(worst, abs(a - b) / max(1.0, abs(a), abs(b)))
    return worst
