"""Several optimizer steps of a network part (issue 13): the run, as data; nothing here formats output.

A part with `optimizer:`, `steps:` or `update:` (problem.Training) is trained for `steps` steps by the
optimizer's rule (optimizers.py). Two paths compute the same steps:

- **the run** (`run_floats`): J and every ∂J/∂w of the part's one-sample model (model.py, derive.py),
  lambdified ONCE (`Compiled`), evaluated in float64 on each step's samples; the optimizer's step is the
  NumPy step of optimizers.compiled, over every parameter at once. Every step, however many.
- **the worked steps** (`worked_steps`): for the steps shown in full, the part re-solved at θ_{t−1} (today's
  worked solution, solution.solve_part: forward, backward) on the step's samples, and optimizers.step_exact
  on its gradients. Exact while a value stays short, else 30-digit floats (as evaluate.py decides).

tests/test_o213.py asserts that the two agree to 1e-12 for every quantity of the worked steps.

The parameters are the part's weights, a tied edge's shared parameter once (`shared:`), in the order of
`Part.weights`; a frozen weight stays put (its state too), and its gradient is still reported. Step t
uses every sample (`update: per_batch`, J as `batch_reduction` says) or sample ((t − 1) mod N) + 1 alone
(`per_sample`, J that sample's loss). The loss before and after a step is J on that step's samples.

A step's quantities are keyed by quantity.Key, with the ids of today's solution (w_0_3, grad_w_0_3,
update_w_0_3, new_w_0_3, shared_b1 …, loss), `new_loss` (J after the step) and the optimizer's values
per parameter: `<name>_w_0_3` (m_w_0_3, v_w_0_3, mhat_w_0_3, G_w_0_3, velocity_w_0_3 …), `<name>_shared_b1`
(quantity.STATE_KINDS).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Mapping, Sequence

import sympy as sp

from . import optimizers
from .evaluate import DIGITS, MAX_EXACT_NODES, size, to_float
from .problem import Part, Training
from .quantity import OPTIMIZER_STEMS, Key

STEMS = OPTIMIZER_STEMS


@dataclass(frozen=True)
class Parameter:
    """One trained parameter: a weight (`key` w_i_j) or a shared parameter (`key` shared_name) and its edges."""

    key: Key
    edges: tuple[tuple[str, str], ...]
    frozen: bool = False

    @property
    def shared(self) -> bool:
        return self.key.kind == "shared"

    def kind(self, what: str) -> Key:
        """The key of this parameter's `what`: grad, update, new, or an optimizer value's name (m, G …)."""
        return _kind(self.key, what)


@lru_cache(maxsize=65536)
def _kind(key: Key, what: str) -> Key:
    """Parameter.kind, made once per key (a run asks for them every step)."""
    base = {"value": "", "grad": "grad_", "update": "update_", "new": "new_"}
    if what in base:
        return key.like(base[what] + key.kind) if what != "value" else key
    return key.like(f"{STEMS[what]}_{'shared' if key.kind == 'shared' else 'w'}")


def parameters(part: Part) -> tuple[Parameter, ...]:
    """The part's trained parameters: every untied weight in `Part.weights` order, then each shared one."""
    tied = {edge for _, edges in part.shared for edge in edges}
    by_edge = {(w.source, w.target): w for w in part.weights}
    out = [Parameter(w.key, ((w.source, w.target),), w.frozen) for w in part.weights
           if (w.source, w.target) not in tied]
    out += [Parameter(Key("shared", name), edges, by_edge[edges[0]].frozen) for name, edges in part.shared]
    return tuple(out)


def step_samples(training: Training, t: int, n: int) -> tuple[int, ...]:
    """The 0-based samples of step t: all of them (per_batch), or sample (t − 1) mod n (per_sample)."""
    return tuple(range(n)) if training.update == "per_batch" else ((t - 1) % n,)


def _scale(part: Part, training: Training) -> float:
    return float(part.batch_scale) if training.update == "per_batch" else 1.0


# -- the compiled model ----------------------------------------------------------------------------

class Compiled:
    """J and ∂J/∂w of every edge for one sample, from the part's SymPy model (Model, derive) lambdified
    once: the model's assignments in order become the lines of one function (lambdify's `cse` hook),
    so no expression is expanded. Call with every edge's weight (Part.weights order) and a sample."""

    def __init__(self, part: Part, limits: bool = False) -> None:
        """`limits`: the lines in NumPy (an exp that overflows is ∞, a division by 0 ±∞ or NaN, not an exception),
        the loss's logs clamped (dense.clamp_logs) and each output unit's δ its limit (δ = ∂L/∂u·g' simplified by
        SymPy: u − t for BCE after a sigmoid), for a sample whose outputs saturate to exactly 0 or 1 (training.py
        calls it where the plain lines raise)."""
        from .derive import derive
        from .model import Model
        if part.dropout:        # one model for every sample: no mask of each sample (train draws them in dense.py)
            raise ValueError(f"optimize.Compiled of part {part.name!r}: a part with dropout has a mask per sample; "
                             "compile it without (replace(part, dropout=())) or train it on dense.Dense")
        one = replace(part, samples=part.samples[:1], training=None, input_gradients=False)
        model = Model(one)
        keep = ("net", "act", "loss", "gprime", "delta", "grad_w")
        steps = [a for a in model.forward + derive(model) if a.key.kind in keep]
        self.edges = [(w.source, w.target) for w in part.weights]
        self.inputs = [i for i, _ in part.samples[0].x]
        self.targets = [k for k, _ in part.samples[0].t]
        weights = [model.w[e] for e in self.edges]
        xs = [model.out(i, 0) for i in self.inputs]
        ts = [model.target(k, 0) for k in self.targets]
        rename: dict[sp.Symbol, sp.Symbol] = {}
        for n, s in enumerate(weights + xs + ts + [a.symbol for a in steps]):
            rename[s] = sp.Symbol(f"s{n}", real=True)
        fixed = {model.bias_symbol: part.bias_input} if model.bias_symbol is not None else {}
        lines = []
        gprime = {a.symbol: a.rule for a in steps if a.key.kind == "gprime"}
        last = set(part.layers[-1])
        has_log = any(a.key.kind == "loss" and a.rule.has(sp.log) for a in steps)
        for a in steps:
            rule = a.rule
            if limits and a.key.kind == "loss":
                from .dense import clamp_logs
                rule = clamp_logs(rule)
            elif limits and a.key.kind == "delta" and a.key.unit in last and has_log:
                rule = sp.cancel(sp.together(rule.xreplace(gprime)))
            lines.append((rename[a.symbol], _plain(rule.xreplace(fixed).xreplace(rename))))
        grads = {a.key: rename[a.symbol] for a in steps if a.key.kind == "grad_w"}
        outputs = [rename[model.loss]] + [grads[Key("grad_w", j, source=i)] for i, j in self.edges]
        args = [rename[s] for s in weights + xs + ts]
        if limits:
            from .dense import _MODULES
            modules = _MODULES
        else:
            modules = "math"
        self._f = sp.lambdify(args, outputs, modules=modules, cse=lambda exprs: (lines, exprs))
        # the output units' activations alone (training.py's accuracy): the forward lines only
        forward = [line for a, line in zip(steps, lines) if a.key.kind in ("net", "act")]
        acts = {a.key.unit: rename[a.symbol] for a in steps if a.key.kind == "act"}
        self._outputs = sp.lambdify(args, [acts[k] for k in part.layers[-1]], modules=modules,
                                    cse=lambda exprs: (forward, exprs))

    def __call__(self, weights: Sequence[float], sample) -> tuple[float, list[float]]:
        """(J of the sample, ∂J/∂w of every edge) at `weights`."""
        got = self._f(*weights, *(float(v) for _, v in sample.x), *(float(v) for _, v in sample.t))
        return float(got[0]), [float(g) for g in got[1:]]

    def outputs(self, weights: Sequence[float], sample) -> list[float]:
        """The output units' activations of the sample at `weights` (Part.layers[-1] order)."""
        got = self._outputs(*weights, *(float(v) for _, v in sample.x), *(float(v) for _, v in sample.t))
        return [float(u) for u in got]


def _plain(rule: sp.Expr) -> sp.Expr:
    """`rule` in functions a code printer knows: relu as Max, Heaviside and sigmoid written out."""
    from .activations import relu
    from .formula import sigmoid
    if rule.has(relu):
        rule = rule.replace(relu, lambda x, g0: sp.Max(x, 0))
    if rule.has(sigmoid):
        rule = rule.replace(sigmoid, lambda x: 1 / (1 + sp.exp(-x)))
    if rule.has(sp.Heaviside):
        rule = rule.rewrite(sp.Piecewise)
    return rule


# -- the run ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunStep:
    """One step t: the samples it used (0-based), and every quantity by key (floats, or exact values in a
    worked step)."""

    t: int
    samples: tuple[int, ...]
    values: dict

    def __getitem__(self, key: Key):
        return self.values[key]


class Objective:
    """J and the gradient of every parameter on a step's samples, from `Compiled`."""

    def __init__(self, part: Part, training: Training) -> None:
        self.part, self.training = part, training
        self.compiled = Compiled(part)
        self.params = parameters(part)
        self.scale = _scale(part, training)
        index = {e: n for n, e in enumerate(self.compiled.edges)}
        self.slots = [[index[e] for e in p.edges] for p in self.params]

    def weights(self, theta: Sequence[float]) -> list[float]:
        """Every edge's weight from the parameters (a shared parameter on each of its edges)."""
        w = [0.0] * len(self.compiled.edges)
        for slots, value in zip(self.slots, theta):
            for s in slots:
                w[s] = float(value)
        return w

    def __call__(self, theta: Sequence[float], samples: Sequence[int]) -> tuple[float, list[float], list[float]]:
        """(J, ∂J/∂θ of every parameter, ∂J/∂w of every edge) on `samples` at `theta`."""
        w = self.weights(theta)
        loss, edge = 0.0, [0.0] * len(w)
        for n in samples:
            j, g = self.compiled(w, self.part.samples[n])
            loss += j
            edge = [a + b for a, b in zip(edge, g)]
        loss, edge = self.scale * loss, [self.scale * g for g in edge]
        return loss, [sum(edge[s] for s in slots) for slots in self.slots], edge


def run_floats(part: Part, objective: Objective | None = None) -> list[RunStep]:
    """Every step of the part's training in float64: the compiled model's J and gradients, the optimizer's
    compiled NumPy step (optimizers.compiled) over all parameters at once."""
    import numpy as np
    training = part.training or Training(settings=(("lr", part.learning_rate),))
    objective = objective or Objective(part, training)
    params = objective.params
    step = optimizers.compiled(training.optimizer, training.form, training.values)
    frozen = np.array([p.frozen for p in params], dtype=bool)
    theta = np.array([float(v) for v in _param_values(part, params)], dtype=float)
    state = step.initial_state(theta.shape)
    edges = objective.compiled.edges
    trace = []
    for t in range(1, training.steps + 1):
        samples = step_samples(training, t, len(part.samples))
        point = step.grad_point(theta, state)
        loss, grads, edge = objective(theta, samples)
        if not np.array_equal(point, theta):          # the lecture's Nesterov: g at the look-ahead point
            _, grads, edge = objective(point, samples)
        out = step(theta, np.array(grads, dtype=float), state, t)
        new = np.where(frozen, theta, out["theta"])
        for name in step.state:
            out[name.name] = np.where(frozen, state[name.name], out[name.name])
        state = {s.name: out[s.name] for s in step.state}
        new_loss, _, _ = objective(new, samples)
        values: dict = {Key("loss"): loss, Key("new_loss"): new_loss}
        for n, p in enumerate(params):
            values[p.key] = float(theta[n])
            values[p.kind("grad")] = float(grads[n])
            values[p.kind("update")] = float(new[n] - theta[n])
            values[p.kind("new")] = float(new[n])
            for line in step.lines:
                if line.name != "theta":
                    values[p.kind(line.name)] = float(out[line.name][n])
        for n, (i, j) in enumerate(edges):
            values[Key("grad_w", j, source=i)] = float(edge[n])
        for p in params:
            if p.shared:
                for i, j in p.edges:
                    values[Key("w", j, source=i)] = values[p.key]
                    values[Key("new_w", j, source=i)] = values[p.kind("new")]
        trace.append(RunStep(t, samples, values))
        theta = new
    return trace


def _param_values(part: Part, params: Sequence[Parameter]) -> list[sp.Expr]:
    """Each parameter's given value (its first edge's weight), in the order of `params`."""
    by_edge = {(w.source, w.target): w for w in part.weights}
    return [by_edge[p.edges[0]].value for p in params]


# -- the worked steps ------------------------------------------------------------------------------

def _short(value: sp.Expr) -> sp.Expr:
    """`value` exact while it is short (evaluate.py's limit), else a 30-digit float; a value with a float in it
    (θ or a state already a float, an exact g_t beside it) is no exact value: a 30-digit float too, so that no
    step carries, and prints, a float inside an expression (its JSON `exact` was null already)."""
    value = sp.sympify(value)
    if value.is_Rational or value.is_Float or (size(value) <= MAX_EXACT_NODES and not value.has(sp.Float)):
        return value
    return sp.Float(value.evalf(DIGITS), DIGITS)


def _given(value: sp.Expr) -> sp.Expr:
    """A parameter as a re-solved part's weight: a rational as it is, anything else as a 30-digit float."""
    value = sp.sympify(value)
    return value if (value.is_Rational or value.is_Float) else sp.Float(value.evalf(DIGITS), DIGITS)


def at(part: Part, theta: dict[Key, sp.Expr], samples: Sequence[int]) -> Part:
    """The part with its parameters set to `theta` (by parameter key) and only `samples`, without training:
    the part whose worked solution is that of one step."""
    params = parameters(part)
    value = {e: theta[p.key] for p in params for e in p.edges}
    weights = tuple(replace(w, value=_given(value[(w.source, w.target)])) for w in part.weights)
    chosen = tuple(part.samples[n] for n in samples)
    drop = tuple(replace(d, masks=tuple(d.masks[n] for n in samples)) for d in part.dropout)   # dropout's rows too
    return replace(part, weights=weights, samples=chosen, training=None, dropout=drop,
                   batch_reduction=part.batch_reduction if len(chosen) > 1 else "mean")


def _same_part(here: Part, own: Part, source: str) -> bool:
    """Whether the part re-solved for a step (`at`) is the part itself (`own`, with its training): the same
    weights (a Float told from an equal Rational), samples and settings."""
    from .memo import part_key
    return part_key(here, source) == part_key(replace(own, training=None), source)


@dataclass(frozen=True)
class WorkedStep:
    """A step shown in full: its quantities (exact while short) and the worked solution it took g_t from
    (the part re-solved at the grad point on the step's samples)."""

    step: RunStep
    solution: object = field(repr=False, compare=False)


def worked_steps(part: Part, shown: Sequence[int], source: str = "<problem>", first=None,
                 floats: Sequence[RunStep] | None = None) -> dict[int, WorkedStep]:
    """The steps `shown` (1-based) computed by the exact path: the part re-solved at each step's grad point
    (solution.solve_part) and optimizers.step_exact. Every step up to the last one shown is computed (each
    needs the one before).

    `first`: the part's own solution (solution.solve_part of `part`): where step 1 is the part itself (θ₀,
    every sample, the same weights as given), it is step 1's solution, not solved twice. `floats`: the float
    run (run_floats): J after a step whose new parameters are not all rationals (so that re-solving gives
    30-digit floats, no exact value) is the float run's, not a third solve (optimizer.precision says so)."""
    from .solution import solve_part
    training = part.training
    name, form, values = training.optimizer, training.form, training.values
    params = parameters(part)
    theta = {p.key: sp.sympify(v) for p, v in zip(params, _param_values(part, params))}
    state = {p.key: optimizers.initial_state(name, form, values) for p in params}
    last = max(shown, default=0)
    out: dict[int, WorkedStep] = {}
    loss_cache: dict = {}

    def loss_at(th: dict, samples) -> sp.Expr:
        key = (tuple(sorted((str(k), str(v)) for k, v in th.items())), samples)
        if key not in loss_cache:
            loss_cache[key] = solve_part(at(part, th, samples), source).step(Key("loss")).value
        return loss_cache[key]

    for t in range(1, last + 1):
        samples = step_samples(training, t, len(part.samples))
        float_new_loss = None if floats is None else (lambda t=t: floats[t - 1].values[Key("new_loss")])
        worked, theta, state = exact_step(part, t, samples, theta, state, source, first if t == 1 else None,
                                          float_new_loss, loss_at)
        if t in shown:
            out[t] = worked
    return out


def param_step(training: Training, p, theta_p: sp.Expr, g: sp.Expr, state_p: dict, t: int,
               short=None) -> tuple[dict, dict]:
    """One parameter's step t by optimizers.step_exact from θ_{t−1} (`theta_p`), its gradient and its state before
    the step, each value `short` (default `_short`); a frozen parameter keeps θ and its state. Returns (the step's
    values by name: theta and the state's, and the run's entries of `p`: θ_{t−1}, g_t, Δθ, θ_t and the state by
    key). The network's (exact_step) and the graph's (graph_optimize.worked_steps) exact steps, one rule."""
    short = short or _short
    got = optimizers.step_exact(training.optimizer, training.form, theta_p, g, state_p, t, training.values)
    got = {k: short(v) for k, v in got.items()}
    if p.frozen:
        got = {**got, **dict(state_p), "theta": theta_p}
    entries = {p.key: theta_p, p.kind("grad"): g, p.kind("update"): short(got["theta"] - theta_p),
               p.kind("new"): got["theta"]}
    entries.update({p.kind(k): v for k, v in got.items() if k != "theta"})
    return got, entries


def exact_step(part: Part, t: int, samples: Sequence[int], theta: dict, state: dict, source: str = "<problem>",
               first=None, float_new_loss=None, loss_at=None) -> tuple[WorkedStep, dict, dict]:
    """Step t by the exact path (worked_steps' every step, `train --worked`'s one): the part re-solved at the step's
    grad point on `samples` (solution.solve_part) and optimizers.step_exact on its gradients, from θ_{t−1} (`theta`)
    and the optimizer's state before the step (`state`), both by parameter key; the optimizer and its settings are
    `part.training`'s. Returns (the WorkedStep, θ_t, the state after it).

    `first`: the part's own solution, step t's where the step's part is the part itself. `float_new_loss`: a
    callable giving the float run's J after the step, used where θ_t is not all rationals (re-solving would give
    30-digit floats, no exact value); else J after the step is `loss_at(θ_t, samples)` (a solve_part of the part at
    θ_t on the samples; `loss_at` None: solved here)."""
    from .solution import solve_part
    training = part.training
    name, form, values = training.optimizer, training.form, training.values
    row = optimizers.optimizer(name, form)
    params = parameters(part)
    samples = tuple(samples)
    state = dict(state)
    if loss_at is None:
        def loss_at(th: dict, chosen) -> sp.Expr:
            return solve_part(at(part, th, chosen), source).step(Key("loss")).value
    point = {p.key: _given(optimizers.grad_point(name, form, theta[p.key], state[p.key], values))
             if row.grad_at != optimizers.THETA_PREV else theta[p.key] for p in params}
    here = at(part, point, samples)
    psol = (first if first is not None and _same_part(here, first.part, source)
            else solve_part(here, source))
    loss = psol.step(Key("loss")).value if point == theta else loss_at(theta, samples)
    result: dict = {Key("loss"): loss}
    new = {}
    for p in params:
        got, entries = param_step(training, p, theta[p.key], psol.step(p.kind("grad")).value, state[p.key], t)
        new[p.key] = got["theta"]
        state[p.key] = {s.name: got[s.name] for s in row.state}
        result.update(entries)
        for i, j in p.edges:
            result[Key("grad_w", j, source=i)] = psol.step(Key("grad_w", j, source=i)).value
            if p.shared:
                result[Key("w", j, source=i)] = theta[p.key]
                result[Key("new_w", j, source=i)] = got["theta"]
    if float_new_loss is not None and not all(sp.sympify(v).is_Rational for v in new.values()):
        result[Key("new_loss")] = sp.Float(float_new_loss())   # float64, as the table's
    else:
        result[Key("new_loss")] = loss_at(new, samples)
    return WorkedStep(RunStep(t, samples, result), psol), new, state


# -- a part's run ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    """A part's training: the optimizer (name, form, settings), its rule, and every step (floats), with the
    steps shown in full computed exactly too (`worked`)."""

    part: Part
    training: Training
    steps: tuple[RunStep, ...]
    worked: dict = field(default_factory=dict, compare=False)
    shown: tuple[int, ...] = (1,)           # the steps shown in full (`worked` holds step 1 too)

    @cached_property
    def rule(self) -> tuple[optimizers.Assignment, ...]:
        return optimizers.rule(self.training.optimizer, self.training.form, self.training.values)

    @property
    def params(self) -> tuple[Parameter, ...]:
        return parameters(self.part)

    def value(self, t: int, key: Key):
        """The value of `key` at step t: the worked step's (exact) where shown, else the float run's."""
        worked = self.worked.get(t)
        if worked is not None and key in worked.step.values:
            return worked.step.values[key]
        return self.steps[t - 1].values[key]


# `--steps all` shows every step in full up to this many steps (each a worked solution: about a tenth of a second
# of text for the 2-2-1 network); beyond it, one line (optimizer.all_too_many), exit 2
MAX_ALL_STEPS = 100


def all_too_many(shown, steps: int, part: str, source: str) -> None:
    """ProblemError (one line, exit 2) for `--steps all` of more than MAX_ALL_STEPS steps."""
    if shown == "all" and steps > MAX_ALL_STEPS:
        from .errors import ProblemError
        from .messages import said
        raise ProblemError(said("optimizer.all_too_many", part=part, steps=steps, limit=MAX_ALL_STEPS),
                           source=source, field="steps")


def run_part(part: Part, shown: Sequence[int] | str = (1,), source: str = "<problem>", first=None) -> Run:
    """The run of a part with `training`: every step by the float run, the steps `shown` ("all": every one)
    by the exact path too. `first`: the part's own solution, step 1's where it is the part itself
    (worked_steps)."""
    training = part.training
    all_too_many(shown, training.steps, part.name, source)
    if shown != "all":
        over = [t for t in shown if t > training.steps]
        if over:
            from .errors import ProblemError
            from .messages import said
            raise ProblemError(said("optimizer.step_out_of_range", step=over[0], steps=training.steps,
                                    part=part.name), source=source, field="steps")
    steps = tuple(run_floats(part))
    wanted = (tuple(range(1, training.steps + 1)) if shown == "all"
              else tuple(sorted({t for t in shown if 1 <= t <= training.steps})))
    return Run(part, training, steps, worked_steps(part, sorted({1, *wanted}), source, first, steps), wanted)


def plain_sgd(training: Training) -> bool:
    """Whether the rule is today's Δw = −η·∂J/∂w (sgd without weight decay)."""
    return training.optimizer == "sgd" and not training.values.get("weight_decay", 0)


def step1_is_several(run: Run, part: Part) -> bool:
    """Whether step 1 of `run` is several updates (`update: per_sample` over several samples of `part`): then the
    worked solution is sample 1's update and today's items (w_{35}^{new}, ∂J/∂w_{35} …) are no step's."""
    return run.training.update == "per_sample" and len(part.samples) > 1


def step_env(run: Run, t: int, p: Parameter) -> dict[sp.Symbol, sp.Expr]:
    """The value of every symbol of the rule at step t for parameter p (a worked step): θ_{t−1}, g_t, t, the
    settings, the state before the step and every line's value."""
    training = run.training
    row = optimizers.optimizer(training.optimizer, training.form)
    values = run.worked[t].step.values
    env: dict[sp.Symbol, sp.Expr] = {optimizers.THETA_PREV: values[p.key], optimizers.G_T: values[p.kind("grad")],
                                     optimizers.T: sp.Integer(t)}
    env.update({q.symbol: training.values[q.name] for q in row.params})
    for s in row.state:
        env[s.previous] = state_before(run, t, p, s.name)
    for line in run.rule:
        env[line.symbol] = values[p.kind("new")] if line.name == "theta" else values[p.kind(line.name)]
    return env


def state_before(run: Run, t: int, p: Parameter, name: str) -> sp.Expr:
    """The state `name` of parameter p before step t: the initial state at t = 1, else step t − 1's (exact where
    that step is shown in full, else the float run's: `--step 3` alone shows step 3 after step 2's values)."""
    if t == 1:
        tr = run.training
        return optimizers.initial_state(tr.optimizer, tr.form, tr.values)[name]
    return sp.sympify(run.value(t - 1, p.kind(name)))


def lookahead_weights(run: Run, t: int) -> list[tuple[Parameter, sp.Expr, sp.Expr, sp.Expr, sp.Expr]]:
    """Where the lecture's Nesterov takes g_t at step t, parameter by parameter: (p, θ_{t−1}, γ, v_{t−1}, the
    look-ahead weight θ_{t−1} − γ·v_{t−1}, as the re-solved step uses it); [] for every other rule."""
    tr = run.training
    row = optimizers.optimizer(tr.optimizer, tr.form)
    if row.grad_at == optimizers.THETA_PREV:
        return []
    out = []
    gamma = tr.values["momentum"]
    for p in run.params:
        theta = run.value(t, p.key)
        state = {s.name: state_before(run, t, p, s.name) for s in row.state}
        point = _given(optimizers.grad_point(tr.optimizer, tr.form, theta, state, tr.values))
        out.append((p, theta, gamma, state["velocity"], point))
    return out


def update_form(run: Run) -> sp.Expr:
    """Δθ of one step as the rule gives it: its last line's expression minus θ_{t−1}."""
    last = run.rule[-1]
    return sp.expand(last.expr - optimizers.THETA_PREV) if last.expr.is_Add else last.expr - optimizers.THETA_PREV


class Setting(sp.Symbol):
    """A setting of the optimizer written as its symbol in a rule of the solution (ε in step 1's Δw = −η·g/√(g² +
    ε)): printed by its name, its value put in with the numbers as η's is; to code (lambdify: `check` computes a
    step's rule from the solution's quantities) the constant it stands for, so it is no free symbol of the rule.
    The value is part of the name, so that SymPy's cache of symbols never gives one value's symbol another's."""

    def __new__(cls, name: str, value, **assumptions):
        obj = super().__new__(cls, f"{name}={value}", **assumptions)
        obj.value = sp.sympify(value)
        return obj

    def __getnewargs_ex__(self):
        return (self.name.split("=", 1)[0], self.value), dict(self.assumptions0)

    @property
    def free_symbols(self) -> set:
        return set()

    def _pythoncode(self, printer, *args, **kwargs) -> str:
        return repr(float(self.value))

    _mpmathcode = _lambdacode = _numpycode = _pythoncode


def epsilon_setting(value) -> Setting:
    """ε of step 1's Δw line with its value (`first_step_form`); named ε by `names`."""
    return Setting("epsilon", value, real=True, positive=True)


def first_step_form(run: Run, w: sp.Symbol, g: sp.Symbol, eta: sp.Symbol) -> sp.Expr:
    """Δθ of step 1 in the solution's own symbols: the rule with t = 1, the initial state and the settings put
    in, each line into the next, in the weight `w`, its gradient `g` and the learning rate `eta` (Adam's
    m̂_1 = (1 − β₁)·g/(1 − β₁) = g: Δw = −η·g/√(g² + ε)). ε stays a symbol (`Setting`), its value put in with
    the numbers as η's is; every free symbol of it is a quantity of the solution, so that it is checked as any
    update is."""
    tr = run.training
    row = optimizers.optimizer(tr.optimizer, tr.form)
    env: dict[sp.Symbol, sp.Expr] = {optimizers.THETA_PREV: w, optimizers.G_T: g, optimizers.T: sp.Integer(1)}
    env.update({q.symbol: (eta if q.name == "lr" else epsilon_setting(tr.values[q.name]) if q.name == "eps"
                           else tr.values[q.name]) for q in row.params})
    initial = optimizers.initial_state(tr.optimizer, tr.form, tr.values)
    env.update({st.previous: initial[st.name] for st in row.state})
    for line in run.rule:
        env[line.symbol] = line.expr.xreplace(env)
    return env[optimizers.THETA] - w


def first_updates(psol, run: Run) -> tuple:
    """The solution's steps with the update section showing step 1 of the optimizer (Δw by its rule at t = 1,
    `first_step_form`, and the new weights after it) where the rule is not today's −η·∂J/∂w; else unchanged.
    (A per_sample run's solution is step 1's already, on sample 1: solution._with_run.)"""
    from .solution import Step
    if plain_sgd(run.training):
        return psol.steps
    by_param = {p.kind("update"): p for p in run.params}
    new_of = {p.kind("new"): p for p in run.params}
    tied = {Key("new_w", j, source=i): p for p in run.params if p.shared for i, j in p.edges}
    values = run.worked[1].step.values
    eta = psol.step(Key("learning_rate"))
    out, updates = [], {}
    # the rule at t = 1 once, in placeholders; each weight's form is it in that weight's symbols
    w0, g0 = sp.Symbol("_w_", real=True), sp.Symbol("_g_", real=True)
    generic = first_step_form(run, w0, g0, eta.symbol)
    for s in psol.steps:
        if s.key in by_param:
            p = by_param[s.key]
            w, g = psol.step(p.key), psol.step(p.kind("grad"))
            form = generic.xreplace({w0: w.symbol, g0: g.symbol})
            known = {w.symbol: w.value, g.symbol: g.value, eta.symbol: eta.value}
            for sym in form.atoms(Setting):             # ε as a symbol in the rule, its value in the numbers
                known[sym] = sym.value
            leaves = {sym: known[sym] for sym in form.free_symbols | form.atoms(Setting)}
            v = values[s.key]
            s = Step(s.key, s.section, s.symbol, (form,), leaves, v, to_float(sp.sympify(v)))
            updates[p.key] = s
        elif s.key in new_of or s.key in tied:
            p = new_of.get(s.key) or tied[s.key]
            v = values[p.kind("new")]
            leaves = dict(s.leaves)
            upd = updates.get(p.key)
            if upd is not None and upd.symbol in leaves:
                leaves[upd.symbol] = upd.value
            if s.key in tied:                          # w_new of a tied edge is the parameter's new value
                leaves = {k: v for k in leaves}
            s = Step(s.key, s.section, s.symbol, s.forms, leaves, v, to_float(sp.sympify(v)))
        out.append(s)
    return tuple(out)


_TEXT = [(r"\hat{m}", "m̂"), (r"\hat{v}", "v̂"), (r"\tilde{g}", "g̃"), (r"\bar{g}", "ḡ"), (r"\tilde{\eta}", "η̃"),
         (r"\tilde{\theta}", "θ̃"), (r"\Delta", "Δ"), ("^{2}", "²"), ("{t-1}", "{t−1}"), ("_{t}", "_t")]
_GREEK = {"theta": "θ", "eta": "η", "epsilon": "ε", "lambda": "λ", "gamma": "γ", "mu": "μ", "tau": "τ",
          "alpha": "α", "rho": "ρ", "kappa": "κ", "beta": "β"}


def _text_name(latex: str) -> str:
    for a, b in _TEXT:
        latex = latex.replace(a.replace("\\\\", "\\"), b)
    for a, b in _GREEK.items():
        latex = latex.replace("\\" + a, b)
    return latex.replace("_{1}", "₁").replace("_{2}", "₂").replace("_{0}", "₀")


def names(notation, run: "Run | None" = None) -> tuple[dict, dict]:
    """(text, LaTeX) names of the optimizer's symbols (optimizers.LATEX), η as the problem writes it."""
    from .notation import learning_rate_name
    latex = dict(optimizers.LATEX)
    text = {s: _text_name(v) for s, v in latex.items()}
    text[optimizers.ETA], latex[optimizers.ETA] = learning_rate_name(notation, False), learning_rate_name(notation, True)
    if run is not None and "eps" in run.training.values:       # ε of step 1's Δw line (first_step_form)
        eps = epsilon_setting(run.training.values["eps"])
        text[eps], latex[eps] = text[optimizers.EPS], latex[optimizers.EPS]
    return text, latex


def agree(run: Run) -> float:
    """The largest relative difference between the float run and the worked steps, over every quantity."""
    worst = 0.0
    for t, w in run.worked.items():
        floats = run.steps[t - 1].values
        for key, exact in w.step.values.items():
            a, b = to_float(sp.sympify(exact)), floats[key]
            worst = max(worst, abs(a - b) / max(1.0, abs(a), abs(b)))
    return worst


def own_symbols(run: Run, p: Parameter, w_text: str, w_latex: str) -> tuple[dict, dict, dict]:
    """(generic symbol -> this parameter's, text names, LaTeX names): θ_{t−1}, g_t, every line's symbol and
    every state's previous value written for one parameter, `m_t(w_{35})`."""
    text_names, latex_names = names_of_symbols()
    row = optimizers.optimizer(run.training.optimizer, run.training.form)
    generic = [optimizers.G_T, optimizers.THETA_PREV, *(a.symbol for a in run.rule), *(s.previous for s in row.state)]
    subs, text, latex = {}, {}, {}
    for sym in dict.fromkeys(generic):
        own = subs[sym] = sp.Symbol(f"{sym.name}[{p.key}]", real=True)
        text[own] = f"{text_names[sym]}({w_text})"
        latex[own] = f"{latex_names[sym]}({w_latex})"
    return subs, text, latex


def _letter(text: str) -> str:
    """The letter a text name is written with, its subscript left off (`b_t` → b, `A_{12}` → A, `θ` → θ)."""
    return text.split("_", 1)[0]


def name_clashes(run: Run, shown: dict) -> list[tuple[str, str, str]]:
    """Where a moving parameter's shown name (`shown`: {parameter key: its text name}) is written with a letter
    of the run's rule — θ, g or a state's letter: the symbols `own_symbols` writes for each parameter — one
    (letter, the rule's quantity `b_t`, the parameter's name `b_1`) per letter, in the parameters' order."""
    text_names, _ = names_of_symbols()
    row = optimizers.optimizer(run.training.optimizer, run.training.form)
    letters: dict[str, str] = {}
    for sym in (optimizers.G_T, *(a.symbol for a in run.rule), optimizers.THETA_PREV, *(s.previous for s in row.state)):
        letters.setdefault(_letter(text_names[sym]), text_names[sym])
    out: dict[str, tuple[str, str, str]] = {}
    for p in run.params:
        letter = _letter(shown[p.key])
        if not p.frozen and letter in letters and letter not in out:
            out[letter] = (letter, letters[letter], shown[p.key])
    return list(out.values())


_NAMES: list = [0, None]      # (len(optimizers.LATEX) when made, the names)


def names_of_symbols() -> tuple[dict, dict]:
    """(text, LaTeX) of every symbol of the optimizers' rules: made once (optimizers.LATEX is filled as the
    module is imported), shared by every caller: read them, copy them before changing them."""
    if _NAMES[0] != len(optimizers.LATEX) or _NAMES[1] is None:
        latex = dict(optimizers.LATEX)
        _NAMES[:] = [len(latex), ({s: _text_name(v) for s, v in latex.items()}, latex)]
    return _NAMES[1]


def worked_lines(run: Run, t: int, p: Parameter, subs: dict) -> list[tuple[Key, sp.Symbol, sp.Expr, dict, sp.Expr]]:
    """Step t of parameter p, line by line: (key, symbol, rule, the value of each symbol of the rule, value),
    in p's own symbols (`own_symbols`): first g_t, then each assignment of the rule."""
    env = step_env(run, t, p)
    values = run.worked[t].step.values
    out = [(p.kind("grad"), subs[optimizers.G_T], None, None, values[p.kind("grad")])]
    for line in run.rule:
        expr = at_step(line.expr, t)
        numbers = {subs.get(s, s): env[s] for s in expr.free_symbols}
        key = p.kind("new") if line.name == "theta" else p.kind(line.name)
        out.append((key, subs[line.symbol], expr.xreplace(subs), numbers, env[line.symbol]))
    return out


def at_step(expr: sp.Expr, t: int) -> sp.Expr:
    """A rule's right side as it applies at step t: of a Piecewise in t (torch's momentum buffer, g̃_t at
    t = 1), only the case whose condition holds at t; anything else as it is."""
    if not isinstance(expr, sp.Piecewise):
        return expr
    for case, cond in expr.args:
        if cond.xreplace({optimizers.T: sp.Integer(t)}) == sp.true:
            return case
    return expr


# optimizers whose first step moves every parameter by about η (η·g/√(g² + ε), η·g/(√(g²) + ε))
_ABOUT_ETA = ("adagrad", "adam", "adamw")
# the states a note names at t = 1 (Adagrad's G, Adam's m̂ and v̂)
_FIRST_STATES = ("G", "mhat", "vhat")


def _first_step_general(run: Run) -> tuple[sp.Expr, dict]:
    """Δθ of step 1 in the rule's own symbols (the rule with t = 1 and the initial state put in, each line into
    the next; g̃_t kept as a symbol), and the value at t = 1 of each state of `_FIRST_STATES`."""
    tr = run.training
    row = optimizers.optimizer(tr.optimizer, tr.form)
    initial = optimizers.initial_state(tr.optimizer, tr.form, tr.values)
    env: dict[sp.Symbol, sp.Expr] = {optimizers.T: sp.Integer(1), **_AT_ONE}
    env.update({st.previous: initial[st.name] for st in row.state})
    states = {}
    for line in run.rule:
        if line.name == "g_decayed":                # the note names the gradient the update uses, g̃
            continue
        env[line.symbol] = line.expr.xreplace(env)
        if line.name in _FIRST_STATES:
            states[line.symbol] = env[line.symbol]
    return env[optimizers.THETA] - optimizers.THETA_PREV, states


# g_t and g̃_t at t = 1 as symbols without assumptions, so that √(g_1²) stays as written (a real g_1 makes it |g_1|)
_AT_ONE = {optimizers.G_T: sp.Symbol("g_t@1"), optimizers.GTILDE: sp.Symbol("gtilde_t@1")}


def _at_one(exprs) -> tuple[dict, dict]:
    """(symbol -> the same quantity at t = 1, its text name): g_t is g_1, G_t is G_1."""
    text, _ = names_of_symbols()
    subs, names = {}, {}
    for sym in exprs:
        one = subs[sym] = _AT_ONE.get(sym, sp.Symbol(f"{sym.name}@1"))
        names[one] = text[sym].replace("_t", "_1")
    return subs, names


def _rule_text(expr: sp.Expr, names: dict) -> str:
    from .printing import print_text
    text, _ = names_of_symbols()
    return print_text(expr, {**text, **names}).replace("sqrt(", "√(").replace("-", "−")


def _line_text(line: optimizers.Assignment) -> str:
    text, _ = names_of_symbols()
    return f"{text[line.symbol]} = {_rule_text(line.expr, {})}"


def _about_eta(run: Run, params: list, lang: str = "en") -> tuple[str, dict] | None:
    """The note on step 1 of Adagrad, Adam and AdamW: every parameter moved by about η whatever the size of its
    gradient, where the rule at t = 1 says so (the state starts at 0, no decay of θ itself), with the gradient
    the update uses (g̃_1 = g_1 + λ·θ_0 with weight decay) and the form's own formula of Δθ."""
    from .messages import msg
    tr = run.training
    lr = tr.values.get("lr")
    if tr.optimizer not in _ABOUT_ETA or not lr:
        return None
    initial = optimizers.initial_state(tr.optimizer, tr.form, tr.values)
    if any(v != 0 for v in initial.values()):          # Adagrad's G_0 > 0: G_1 = G_0 + g̃_1², the step depends on g
        return None
    delta, states = _first_step_general(run)
    uses = optimizers.GTILDE if any(a.name == "g_decayed" for a in run.rule) else optimizers.G_T
    if delta.has(optimizers.THETA_PREV) or not delta.has(_AT_ONE[uses]):    # AdamW's decay moves θ by λ·θ too
        return None
    first = run.steps[0].values
    kind = "g_decayed" if uses == optimizers.GTILDE else "grad"
    used = [abs(first[p.kind(kind)]) for p in params]
    moved = [abs(first[p.kind("update")]) / float(lr) for p, g in zip(params, used) if g != 0]
    if not moved:
        return None
    subs, names = _at_one([uses, *states])
    g = names[subs[uses]]
    formula = _rule_text(delta.xreplace(subs), names)
    shown = [(names[subs[s]], _rule_text(v.xreplace(subs), names)) for s, v in states.items()]
    return ("optimizer.note.about_eta", {
        "n": len(moved), "low": min(moved), "high": max(moved),
        "grads_low": min(x for x in used if x != 0), "grads_high": max(used), "g": g, "formula": formula,
        "states": ", ".join(f"{a} = {b}" for a, b in shown),
        "states_graph": msg(lang, "optimizer.state_sep").join(msg(lang, "optimizer.state_is", state=a.split('_')[0], value=b) for a, b in shown)})


def adagrad_factor(run: Run) -> sp.Expr:
    """The factor Adagrad's rule multiplies the gradient it uses by, in the rule's symbols: η/√(G_t + ε)
    (lecture), η̃_t/(√G_t + ε) or η/(√G_t + ε) (torch): −Δθ_t/g_t, or −Δθ_t/g̃_t with weight decay."""
    uses = optimizers.GTILDE if any(a.name == "g_decayed" for a in run.rule) else optimizers.G_T
    return sp.cancel(-(run.rule[-1].expr - optimizers.THETA_PREV) / uses)


def _adagrad_shrinks(run: Run, params: list) -> tuple[str, dict] | None:
    """The note on Adagrad's shrinking steps: the factor of `adagrad_factor` at the last step over its value at
    step 1, parameter by parameter, from the run's G_t (and η̃_t) and the settings."""
    tr = run.training
    if tr.optimizer != "adagrad" or len(run.steps) < 2 or not params:
        return None
    factor = adagrad_factor(run)
    row = optimizers.optimizer(tr.optimizer, tr.form)
    bound = {q.symbol: tr.values[q.name] for q in row.params}
    f = sp.lambdify([optimizers.GSUM, optimizers.ETATILDE], factor.xreplace(bound), modules="math")

    def at(rs, p) -> float:
        return float(f(rs.values[p.kind("G")], rs.values.get(p.kind("lr_decayed"), 0.0)))
    first_, last_ = run.steps[0], run.steps[-1]
    ratios = [at(last_, p) / at(first_, p) for p in params]
    # a parameter whose factor never moved (g = 0 after step 1, no lr_decay) says nothing about shrinking
    ratios = [r for r in ratios if r != 1.0] or ratios
    return ("optimizer.note.adagrad_shrinks", {"n": len(run.steps), "low": min(ratios), "high": max(ratios),
                                               "factor": _rule_text(factor, {}),
                                               "accumulate": _line_text(next(a for a in run.rule if a.name == "G"))})


def observations(run: Run, lang: str = "en") -> list[tuple[str, dict]]:
    """What a student notices in this run, measured from it, as (message id, fields): why Adagrad's and
    Adam's first step moves every parameter by about η (where it does); why Adagrad's steps shrink; what Adam's
    bias correction does at t = 1."""
    tr, out = run.training, []
    params = [p for p in run.params if not p.frozen]
    for note in (_about_eta(run, params, lang), _adagrad_shrinks(run, params)):
        if note is not None:
            out.append(note)
    if tr.optimizer in ("adam", "adamw"):
        b1, b2 = tr.values["beta1"], tr.values["beta2"]
        # the gradient the rule averages: g̃_1 = g_1 + λ·θ_0 where weight decay is added to g (torch Adam)
        g = "g̃_1" if any(a.name == "g_decayed" for a in run.rule) else "g_1"
        out.append(("optimizer.note.bias_correction", {"c1": 1 - b1, "c2": 1 - b2, "g": g}))
    return out


# -- what the two forms of one optimizer differ in (the note each solution states) --------------------

def _eps_place(rule) -> str | None:
    """Where ε is in a rule: "inside" every square root it is in, "outside" of them, else None."""
    places = set()
    for line in rule:
        roots = [r for r in line.expr.atoms(sp.Pow) if abs(r.exp) == sp.Rational(1, 2)]
        inside = any(r.has(optimizers.EPS) for r in roots)
        outside = line.expr.xreplace({r: sp.Dummy() for r in roots}).has(optimizers.EPS)
        places |= {p for p, here in (("inside", inside), ("outside", outside)) if here}
    return places.pop() if len(places) == 1 else None


def _line(rule, name: str):
    return next((a for a in rule if a.name == name), None)


def form_differences(name: str, form: str, values: Mapping | None = None) -> list[tuple[str, dict]]:
    """What `form` of optimizer `name` does that its other form does not, as (message id, fields), from the
    two rows of optimizers.TABLE (their general rules, points of the gradient and settings): where ε is, η in
    the momentum or not (and the buffer at t = 1), where g_t is taken (Nesterov), weight decay added to g,
    the settings only this form has, or no learning rate. With `values` (this form's settings) the lines
    shown are the rule these settings give (a weight decay of 0 adds nothing to g)."""
    other = next(f for f in optimizers.FORMS if f != form)
    mine, theirs = optimizers.optimizer(name, form), optimizers.optimizer(name, other)
    rule, rule_o = optimizers.rule(name, form, values), optimizers.rule(name, other)
    text, _ = names_of_symbols()
    out: list[tuple[str, dict]] = []
    eps, eps_o = _eps_place(rule), _eps_place(rule_o)
    if eps and eps_o and eps != eps_o:
        out.append((f"optimizer.differs.eps_{eps}", {}))
    vel, vel_o = _line(rule, "velocity"), _line(rule_o, "velocity")
    if vel and vel_o and vel.expr.has(optimizers.ETA) != vel_o.expr.has(optimizers.ETA):
        if vel.expr.has(optimizers.ETA):
            out.append(("optimizer.differs.eta_in_momentum", {"v": text[vel.symbol]}))
        else:
            first = at_step(vel.expr, 1).xreplace({vel_o.symbol: 0, optimizers.B_PREV: 0, optimizers.V_PREV: 0})
            out.append(("optimizer.differs.buffer_without_eta", {
                "b": text[vel.symbol], "first": f"{text[vel.symbol]} = {_rule_text(first, {})}"}))
    if mine.grad_at != theirs.grad_at:
        if mine.grad_at != optimizers.THETA_PREV:
            out.append(("optimizer.differs.grad_at", {"point": _rule_text(mine.grad_at, {})}))
        else:
            look = _line(rule, "g_nesterov")
            out.append(("optimizer.differs.grad_here", {"look": _line_text(look) if look else ""}))
    decay = _line(rule, "g_decayed")
    if decay and not _line(rule_o, "g_decayed"):
        out.append(("optimizer.differs.l2", {"line": _line_text(decay)}))
    names_o = {p.name for p in theirs.params}
    only = [p.name for p in mine.params if p.name not in names_o and p.name != "lr"
            and not (decay and p.name == "weight_decay")]
    if any(p.name == "lr" for p in mine.params) != any(p.name == "lr" for p in theirs.params):
        key = "optimizer.differs.lr" if any(p.name == "lr" for p in mine.params) else "optimizer.differs.no_lr"
        out.append((key, {}))
    if only:
        out.append(("optimizer.differs.settings", {"settings": ", ".join(only)}))
    names = {p.name for p in mine.params}
    lacks = [p.name for p in theirs.params if p.name not in names and p.name != "lr"]
    if lacks:
        out.append(("optimizer.differs.lacks", {"settings": ", ".join(lacks), "other": other}))
    return out


def form_note(name: str, form: str, lang: str, values: Mapping | None = None) -> str:
    """The note on the form of the rule: where it is from, and what it does that the other form does not."""
    from .messages import joined_in, msg
    clauses = [msg(lang, key, **fields) for key, fields in form_differences(name, form, values)]
    other = next(f for f in optimizers.FORMS if f != form)
    return msg(lang, f"optimizer.form.{form}", differences=joined_in(lang, clauses) if clauses else
               msg(lang, "optimizer.differs.nothing"), other=other)
