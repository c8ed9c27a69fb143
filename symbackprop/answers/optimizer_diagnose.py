"""The mistakes students make in an optimizer's step (issue 13, "Checking"), each recognised by recomputing
the step under it.

Every mistake is a VARIANT of the step's own rule, the ordered list of SymPy assignments of optimizers.py
(`Run.rule`): a line's expression rewritten (a substitution or a replacement in it), or one of the step's
inputs put in as the mistake has it. No optimizer's formula is typed here; a mistake that leaves every line
of the rule as it is (no ε in SGD, no bias correction in RMSprop) is not tried. The variants:

- `bias_correction`: Adam's m̂_t = m_t/(1 − β₁^t), v̂_t = v_t/(1 − β₂^t) without the correction (β^t → 0):
  m̂ alone, v̂ alone, or both;
- `eps_inside` / `eps_outside`: √(x + ε) ↔ √x + ε in every line with ε, the other form's placement;
- `weights_swapped`: a state line a·s_{t−1} + c·y (β₁·m_{t−1} + (1 − β₁)·g_t, γ·v_{t−1} + η·g_t,
  μ·b_{t−1} + (1 − τ)·g_t) written c·s_{t−1} + a·y: the weight of the old state and of the new term
  exchanged, in one state line or in all of them;
- `g_for_g2` / `g2_for_g`: g_t used where g_t² belongs in a state line (v, G, E[g²]), or g_t² where g_t does (m,
  the velocity);
- `state_not_carried` (t ≥ 2): the state before the step taken as its value before step 1;
- `old_weight_twice` (t ≥ 2): θ_t computed from θ_{t−2} (the update added to the weight before the previous
  step); `grad_reused` (t ≥ 2): g_t taken at θ_{t−2}, the previous step's gradient g_{t−1} reused;
- `momentum_form`: momentum (or Nesterov) in the other form, η inside the velocity (the lecture's
  v_t = γ·v_{t−1} + η·g_t) or outside it (torch's buffer): the other form's assignments, run over steps
  1 … t on this run's gradients;
- `sign_flipped`: θ_t = θ_{t−1} + Δθ_t, the update's sign flipped; `eta_missing`: η left out (η → 1).

A variant's value is compared with the student's as check compares a value with a mistake's (diagnose.explain:
compare_number at the problem's tolerance, to the places the student wrote; a value of many figures that
misses it only in its last places, when none reproduces it). With `given` (the student's own θ_{t−1}, g_t and
state before the step) each mistake is also tried from those values: follow-through across steps.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

import sympy as sp

from .. import optimize, optimizers
from ..messages import said
from ..optimizers import ETA, EPS, G_T, GTILDE, THETA, THETA_PREV, T
from ..printing import print_text
from .compare import Tolerance, compare_number, shown_decimals
from .diagnose import NEAR_FIGURES, NEAR_RELATIVE, _figures
from .diagnose import _given as _at_precision

DIGITS = 30                    # the variants are evaluated in 30-digit floats


@dataclass(frozen=True)
class Diagnosis:
    """A mistake that reproduces the student's value: its code, the sentence (a catalogue message,
    `said`: the mistake, the right formula and the value worked from the wrong one) and that value."""

    code: str
    message: str
    value: float


@dataclass(frozen=True)
class _Variant:
    """One mistake: the rule as the mistake has it (`lines`), the inputs it puts in (`inputs`: symbol ->
    value, over the step's own), and its sentence: message id, the lines of the rule it shows (`right`), as
    the mistake has them (`wrong`, if it changes lines) and the other fields."""

    code: str
    lines: tuple
    inputs: dict
    key: str
    right: tuple
    wrong: tuple | None = None
    fields: tuple = ()

    def words(self, names: dict, name: str, value: str) -> str:
        extra = {} if self.wrong is None else {"wrong": _lines(self.wrong, names)}
        return said(self.key, name=name, value=value, right=_lines(self.right, names), **extra, **dict(self.fields))


def _given(value, part) -> str:
    """A value in a diagnosis, as the solution shows it: at the part's precision (diagnose._given), and a small
    one that would keep fewer than 3 significant figures there (Adam's v ≈ 0.0000027 at 4 places shows 0.0000)
    to as many significant figures as the precision's places (0.000002669), never rounded to nothing."""
    from ..printing import SigFigs, format_value, is_sig_figs
    precision = part.precision
    number = sp.sympify(value)
    if not is_sig_figs(precision) and number.is_number and number != 0 and \
            abs(float(number)) < 10.0 ** (2 - int(precision)):
        return format_value(number, SigFigs(max(int(precision), 1)))[0]
    return _at_precision(value, part)


# -- the step's inputs -----------------------------------------------------------------------------

def _f(value) -> sp.Float:
    return sp.Float(sp.sympify(value).evalf(DIGITS), DIGITS)


def _row(run: optimize.Run) -> optimizers.Optimizer:
    return optimizers.optimizer(run.training.optimizer, run.training.form)


def _initial(run: optimize.Run) -> dict[str, sp.Expr]:
    tr = run.training
    return optimizers.initial_state(tr.optimizer, tr.form, tr.values)


def _inputs(run: optimize.Run, t: int, p: optimize.Parameter) -> dict[sp.Symbol, sp.Expr]:
    """The true inputs of step t of p: θ_{t−1}, g_t, t, the settings and the state before the step."""
    row, tr = _row(run), run.training
    env: dict[sp.Symbol, sp.Expr] = {THETA_PREV: _f(run.value(t, p.key)), G_T: _f(run.value(t, p.kind("grad"))),
                                     T: sp.Integer(t)}
    env.update({q.symbol: tr.values[q.name] for q in row.params})
    initial = _initial(run)
    for s in row.state:
        env[s.previous] = _f(run.value(t - 1, p.kind(s.name)) if t > 1 else initial[s.name])
    return env


def _own(run: optimize.Run, given: Mapping[str, float]) -> dict[sp.Symbol, sp.Expr]:
    """The student's own inputs by symbol: "theta" (or "new", the new value of the step before) is θ_{t−1},
    "grad" g_t, a state's name its value before the step."""
    row = _row(run)
    by_name = {"theta": THETA_PREV, "new": THETA_PREV, "grad": G_T, **{s.name: s.previous for s in row.state}}
    unknown = sorted(set(given) - set(by_name))
    if unknown:
        raise ValueError(f"given: {', '.join(unknown)} is not an input of the step (allowed: {', '.join(by_name)})")
    return {by_name[k]: _f(v) for k, v in given.items() if v is not None}


def _evaluate(lines, env: Mapping[sp.Symbol, sp.Expr]) -> dict[sp.Symbol, sp.Expr]:
    env = dict(env)
    for line in lines:
        env[line.symbol] = line.expr.xreplace(env)
    return env


def _quantity(lines, what: str, env: Mapping[sp.Symbol, sp.Expr]) -> float | None:
    """`what` of a step evaluated by `lines` (None where the value is not a real number, or the lines have no
    `what`)."""
    if what == "grad":
        value = env[G_T]
    elif what == "update":
        value = env[THETA] - env[THETA_PREV]
    else:
        symbol = THETA if what == "new" else next((a.symbol for a in lines if a.name == what), None)
        if symbol is None:
            return None
        value = env[symbol]
    try:
        number = complex(sp.N(value, DIGITS))
    except (TypeError, ValueError):
        return None
    return number.real if number.imag == 0 and abs(number.real) != float("inf") else None


def _whats(run: optimize.Run) -> tuple[str, ...]:
    return ("new", "update", "grad", *(a.name for a in run.rule if a.name != "theta"))


# -- the names and formulas the messages show ------------------------------------------------------

_TEXT, _ = optimize.names_of_symbols()


def _lines(lines, names: dict) -> str:
    """Assignments as the solution prints them (`names`: optimize.names, η in the problem's letter)."""
    return "; ".join(f"{print_text(a.symbol, names)} = {print_text(a.expr, names)}" for a in lines)


def _at_step(text: str, t: int) -> str:
    """A symbol's name at step t: m_t → m_2, θ_{t−1} → θ_1."""
    text = text.replace("_{t−1}", f"_{t - 1}").replace("_{t-1}", f"_{t - 1}")
    return re.sub(r"_t(?![A-Za-z])", f"_{t}", text)


def _part_of(run):
    """What the words of a diagnosis need of the run's problem (its precision, its notation's η): a network
    run's part; a graph run's (graph_optimize.GraphRun) problem's precision with the default notation."""
    part = getattr(run, "part", None)
    if part is not None:
        return part
    from types import SimpleNamespace
    from ..problem import Notation
    return SimpleNamespace(precision=getattr(run.problem, "precision", 4), notation=Notation())


def _param_name(run: optimize.Run, p: optimize.Parameter) -> str:
    """The parameter as the solution names it (w_{35}, or a shared parameter's name; a graph's entry A_{12})."""
    if getattr(run, "part", None) is None:               # a graph's run: its entry as the graph's solution writes it
        from .graph_names import item_name
        worked = run.worked.get(1)
        return item_name(str(p.key), worked.solution) if worked is not None else str(p.key)
    worked = run.worked.get(1)
    if worked is not None:
        sol = worked.solution
        try:
            return sol.names.text[sol.step(p.key).symbol]
        except (KeyError, AttributeError, ValueError):
            pass
    return p.key.unit if p.shared else f"w_{{{p.key.source}{p.key.unit}}}"


def _quantity_name(run: optimize.Run, t: int, p: optimize.Parameter, what: str) -> str:
    if what in ("new", "update"):
        base = ("Δ" if what == "update" else "") + _at_step(_TEXT[THETA], t)
    elif what == "grad":
        base = _at_step(_TEXT[G_T], t)
    else:
        base = _at_step(_TEXT[next(a.symbol for a in run.rule if a.name == what)], t)
    return f"{base}({_param_name(run, p)})"


# -- the variants ----------------------------------------------------------------------------------

def _changed(old, new) -> tuple[list, list]:
    pairs = [(a, b) for a, b in zip(old, new) if a.expr != b.expr]
    return [a for a, _ in pairs], [b for _, b in pairs]


def _rule_variant(code: str, key: str, old, new, **fields) -> _Variant | None:
    """A variant of the rule's lines (None if it changes none): its words show the changed lines as the rule
    has them and as the mistake does."""
    right, wrong = _changed(old, new)
    if not right:
        return None
    return _Variant(code, tuple(new), {}, key, tuple(right), tuple(wrong), tuple(fields.items()))


def _with(lines, index: int, expr: sp.Expr) -> list:
    out = list(lines)
    out[index] = optimizers.Assignment(out[index].name, out[index].symbol, expr)
    return out


def _bias_variants(lines) -> list[_Variant]:
    """m̂ and v̂ without their bias correction (β^t → 0 makes 1 − β^t one): each alone, then both."""
    powers = [(i, [p for p in a.expr.atoms(sp.Pow) if p.exp == T]) for i, a in enumerate(lines)]
    powers = [(i, ps) for i, ps in powers if ps]
    out, every = [], list(lines)
    for i, ps in powers:
        new = lines[i].expr.xreplace({p: 0 for p in ps})
        out.append(_with(lines, i, new))
        every = _with(every, i, new)
    if len(powers) > 1:
        out.append(every)
    return [v for v in (_rule_variant("bias_correction", "diagnosis.opt_bias_correction", lines, new)
                        for new in out) if v is not None]


def _swap_eps(expr: sp.Expr) -> sp.Expr:
    """√(x + ε) → √x + ε and √x + ε → √(x + ε), wherever they are (1/√(x + ε) too), each once."""
    if expr.is_Pow and expr.exp in (sp.S.Half, -sp.S.Half) and expr.base.is_Add and EPS in expr.base.args:
        return (sp.sqrt(expr.base - EPS) + EPS) ** (2 * expr.exp)
    if expr.is_Add and EPS in expr.args:
        rest = expr - EPS
        if rest.is_Pow and rest.exp == sp.S.Half:
            return sp.sqrt(rest.base + EPS)
    if expr.args:
        return expr.func(*(_swap_eps(a) for a in expr.args))
    return expr


def _eps_variants(lines) -> list[_Variant]:
    """ε in the other place, in every line that has it: inside the root where the form has it outside, or
    outside where it has it inside."""
    inside = any(p.exp in (sp.S.Half, -sp.S.Half) and p.base.is_Add and EPS in p.base.args
                 for a in lines for p in a.expr.atoms(sp.Pow))
    new = [optimizers.Assignment(a.name, a.symbol, _swap_eps(a.expr)) if EPS in a.expr.free_symbols else a
           for a in lines]
    code = "eps_outside" if inside else "eps_inside"
    v = _rule_variant(code, f"diagnosis.opt_{code}", lines, new)
    return [v] if v is not None else []


def _swap_weights(expr: sp.Expr, prev: sp.Symbol, settings: set) -> sp.Expr:
    """a·s_{t−1} + c·y written c·s_{t−1} + a·y, c the factors of the new term that are settings (1 − β₁, η,
    1 − τ, or 1); each branch of a Piecewise that has s_{t−1} (torch's momentum buffer at t = 1 is g)."""
    if isinstance(expr, sp.Piecewise):
        return sp.Piecewise(*((_swap_weights(e, prev, settings), c) for e, c in expr.args))
    if prev not in expr.free_symbols or not expr.is_Add:
        return expr
    a = expr.coeff(prev)
    if a == 0 or prev in a.free_symbols:
        return expr
    rest = expr - a * prev
    factors = rest.args if rest.is_Mul else (rest,)
    c = sp.Mul(*(f for f in factors if f.free_symbols and f.free_symbols <= settings))
    y = sp.Mul(*(f for f in factors if not (f.free_symbols and f.free_symbols <= settings)))
    return c * prev + a * y


def _state_lines(run: optimize.Run, lines) -> list[tuple[int, sp.Symbol]]:
    """(index, the state's symbol before the step) of each line that updates a state."""
    prev = {s.symbol: s.previous for s in _row(run).state}
    return [(i, prev[a.symbol]) for i, a in enumerate(lines) if a.symbol in prev]


def _weights_variants(run: optimize.Run, lines) -> list[_Variant]:
    """The old state's and the new term's weights exchanged: in each state line alone, then in all."""
    settings = {q.symbol for q in _row(run).params}
    out, every, n = [], list(lines), 0
    for i, prev in _state_lines(run, lines):
        new = _swap_weights(lines[i].expr, prev, settings)
        if new != lines[i].expr:
            out.append(_with(lines, i, new))
            every = _with(every, i, new)
            n += 1
    if n > 1:
        out.append(every)
    return [v for v in (_rule_variant("weights_swapped", "diagnosis.opt_weights_swapped", lines, new)
                        for new in out) if v is not None]


def _square_variants(run: optimize.Run, lines) -> list[_Variant]:
    """In each state line, g_t where g_t² belongs (v, G, E[g²]) or g_t² where g_t belongs (m, the velocity);
    g_t is the gradient the line uses (torch's g̃_t with weight decay)."""
    out = []
    for i, _ in _state_lines(run, lines):
        expr = lines[i].expr
        for g in (G_T, GTILDE):
            if g not in expr.free_symbols:
                continue
            if sp.Pow(g, 2) in expr.atoms(sp.Pow):
                v = _rule_variant("g_for_g2", "diagnosis.opt_g_for_g2", lines,
                                  _with(lines, i, expr.xreplace({sp.Pow(g, 2): g})))
            else:
                v = _rule_variant("g2_for_g", "diagnosis.opt_g2_for_g", lines, _with(lines, i, expr.xreplace({g: g ** 2})))
            if v is not None:
                out.append(v)
    return out


def _using(lines, symbols) -> list:
    return [a for a in lines if a.expr.free_symbols & set(symbols)]


def _input_variant(code: str, key: str, lines, inputs: dict, **fields) -> _Variant:
    """The rule at inputs the mistake puts in; its words show the lines that use them."""
    return _Variant(code, tuple(lines), inputs, key, tuple(_using(lines, inputs)), None, tuple(fields.items()))


def _carry_variants(run: optimize.Run, t: int, p: optimize.Parameter, lines, part) -> list[_Variant]:
    """t ≥ 2: the state before the step taken as its initial value; θ_t from θ_{t−2}; g_t taken at θ_{t−2}."""
    if t < 2:
        return []
    out = []
    row = _row(run)
    if row.state:
        initial = _initial(run)
        inputs = {s.previous: _f(initial[s.name]) for s in row.state}
        state = ", ".join(f"{_at_step(_TEXT[s.previous], t)} = {_given(run.value(t - 1, p.kind(s.name)), part)}"
                          for s in row.state)
        start = ", ".join(f"{_at_step(_TEXT[s.previous], t)} = {_given(initial[s.name], part)}" for s in row.state)
        out.append(_input_variant("state_not_carried", "diagnosis.opt_state_not_carried", lines, inputs,
                                  state=state, initial=start, step=t - 1))
    old = run.value(t - 1, p.key)
    out.append(_input_variant("old_weight_twice", "diagnosis.opt_old_weight_twice", lines, {THETA_PREV: _f(old)},
                              old=_given(old, part), before=_at_step(_TEXT[THETA_PREV], t - 1),
                              prev=_at_step(_TEXT[THETA_PREV], t), own=_given(run.value(t, p.key), part)))
    g_old = run.value(t - 1, p.kind("grad"))
    out.append(_input_variant("grad_reused", "diagnosis.opt_grad_reused", lines, {G_T: _f(g_old)},
                              old=_given(g_old, part), used=_at_step(_TEXT[G_T], t - 1), own=_at_step(_TEXT[G_T], t),
                              grad=_given(run.value(t, p.kind("grad")), part)))
    return out


def _form_variant(run: optimize.Run, t: int, p: optimize.Parameter) -> list[_Variant]:
    """Momentum or Nesterov in the other form (η inside the velocity or outside it): the other form's rule, its
    state run over steps 1 … t − 1 on this run's θ and g, with the settings the two forms share."""
    tr = run.training
    if tr.optimizer not in ("momentum", "nesterov"):
        return []
    other = "pytorch" if tr.form == "lecture" else "lecture"
    row = optimizers.optimizer(tr.optimizer, other)
    values = {q.name: tr.values[q.name] for q in row.params if q.name in tr.values}
    try:
        lines = optimizers.rule(tr.optimizer, other, values)
        values = optimizers.settings(tr.optimizer, other, values)
    except optimizers.OptimizerError:
        return []
    state = optimizers.initial_state(tr.optimizer, other, values)
    for s in range(1, t):
        got = optimizers.step_exact(tr.optimizer, other, _f(run.value(s, p.key)), _f(run.value(s, p.kind("grad"))),
                                    state, s, values)
        state = {v.name: got[v.name] for v in row.state}
    inputs = {q.symbol: values[q.name] for q in row.params}
    inputs.update({v.previous: _f(state[v.name]) for v in row.state})
    key = "diagnosis.opt_momentum_eta_inside" if other == "lecture" else "diagnosis.opt_momentum_eta_outside"
    return [_Variant("momentum_form", tuple(lines), inputs, key, tuple(run.rule), tuple(lines))]


def _slip_variants(run: optimize.Run, lines, part) -> list[_Variant]:
    """The update's sign flipped (θ_{t−1} − (θ_t − θ_{t−1})); η left out (η → 1, where η is not 1)."""
    out = []
    last = len(lines) - 1
    v = _rule_variant("sign_flipped", "diagnosis.opt_sign_flipped", lines,
                      _with(lines, last, 2 * THETA_PREV - lines[last].expr))
    if v is not None:
        out.append(v)
    lr = run.training.values.get("lr")
    if lr is not None and lr != 1 and any(ETA in a.expr.free_symbols for a in lines):
        v = _rule_variant("eta_missing", "diagnosis.opt_eta_missing", lines,
                          [optimizers.Assignment(a.name, a.symbol, a.expr.xreplace({ETA: 1})) for a in lines],
                          eta=_given(lr, part))
        if v is not None:
            out.append(v)
    return out


_CACHE: list = []          # (part, training, what, value): the compiled objectives and other schedules' runs, a few


def _kept(part, training, what: str, make):
    for q, tr, w, value in _CACHE:
        if q is part and tr == training and w == what:
            return value
    value = make()
    _CACHE.append((part, training, what, value))
    del _CACHE[:-6]
    return value


def _sample_variants(run: optimize.Run, t: int, p: optimize.Parameter, lines, part) -> list[_Variant]:
    """The mistakes of a run's choice of samples (a part of several samples): under update: per_sample, the
    samples' gradients summed or averaged in one step, or the step on another sample than its own (step 2 on
    sample 1 again); under per_batch, one update per sample (online: step t on sample (t − 1) mod N alone, every
    weight moved so from step 1), or the batch's gradients summed where their mean is taken (or the other way
    round). The gradients are worked in float64 (optimize.Objective) at the run's θ_{t−1}."""
    from dataclasses import replace
    if not hasattr(part, "samples"):              # a graph's run (_part_of): one sample, no choice of samples
        return []
    n, tr = len(part.samples), run.training
    if n < 2 or part.training is None:
        return []
    g_key = p.kind("grad")
    grad_name = _at_step(_TEXT[G_T], t)
    right = _given(run.value(t, g_key), part)
    out: list[_Variant] = []
    if tr.update == "per_sample":
        objective = _kept(part, tr, "objective", lambda: optimize.Objective(part, tr))
        index = objective.params.index(p)
        theta = [float(run.value(t, q.key)) for q in objective.params]
        own = optimize.step_samples(tr, t, n)[0]
        each = [objective(theta, (s,))[1][index] for s in range(n)]
        total = sum(each)
        for code, key, g in (("samples_summed", "diagnosis.opt_samples_summed", total),
                             ("samples_mean", "diagnosis.opt_samples_mean", total / n)):
            out.append(_input_variant(code, key, lines, {G_T: _f(repr(g))}, n=n, grad=grad_name,
                                      used=_given(repr(g), part), right_grad=right, sample=own + 1))
        for s in range(n):
            if s != own:
                out.append(_input_variant("other_sample", "diagnosis.opt_other_sample", lines, {G_T: _f(repr(each[s]))},
                                          t=t, grad=grad_name, used=_given(repr(each[s]), part), right_grad=right,
                                          sample=own + 1, other=s + 1))
        return out
    scale = part.batch_scale
    g = sp.sympify(run.value(t, g_key))
    if scale != 1:
        out.append(_input_variant("batch_summed", "diagnosis.opt_batch_summed", lines, {G_T: _f(g * n)}, n=n,
                                  grad=grad_name, used=_given(g * n, part), right_grad=right))
    else:
        out.append(_input_variant("batch_mean_taken_step", "diagnosis.opt_batch_mean", lines, {G_T: _f(g / n)}, n=n,
                                  grad=grad_name, used=_given(g / n, part), right_grad=right))
    online_tr = replace(tr, update="per_sample")
    online = _kept(part, online_tr, "run", lambda: optimize.run_floats(replace(part, training=online_tr)))
    row = _row(run)
    here = online[t - 1].values
    inputs = {THETA_PREV: _f(repr(here[p.key])), G_T: _f(repr(here[g_key]))}
    initial = _initial(run)
    for st in row.state:
        inputs[st.previous] = _f(repr(online[t - 2].values[p.kind(st.name)])) if t > 1 else _f(initial[st.name])
    out.append(_Variant("online_updates", tuple(lines), inputs, "diagnosis.opt_online_updates", (), None,
                        (("n", n), ("t", t), ("sample", (t - 1) % n + 1))))
    return out


def _variants(run: optimize.Run, t: int, p: optimize.Parameter, env) -> list[_Variant]:
    """Every mistake that applies to this optimizer at step t, in the order a tie is decided by.

    When two mistakes give the same number, the first of this list is named. The order is the issue's list
    of the mistakes students make with an optimizer (issue 13, "Checking": bias correction, ε's place, the
    weights swapped, g for g², the state not carried over, the old weight twice), each a slip of one part of
    the optimizer's own formula and so the likelier reading; then the other form of momentum; last the slips
    check names in every update (the sign, η), which a number of an optimizer's step only falls on by
    chance. Within a mistake, one line wrong comes before every line wrong (fewer changes, likelier)."""
    part = _part_of(run)
    lines = tuple(run.rule)
    return (_bias_variants(lines) + _eps_variants(lines) + _weights_variants(run, lines)
            + _square_variants(run, lines) + _carry_variants(run, t, p, lines, part)
            + _form_variant(run, t, p) + _slip_variants(run, lines, part) + _sample_variants(run, t, p, lines, part))


# -- the API ---------------------------------------------------------------------------------------

def diagnose_step(run: optimize.Run, t: int, param: optimize.Parameter, what: str, value: float,
                  given: Mapping[str, float] | None = None, *, decimals: int | None = None,
                  tol: Tolerance | None = None, prefer=()) -> list[Diagnosis]:
    """The mistakes that reproduce the student's `value` of `what` at step t of `param` (`what`: "new" θ_t,
    "update" Δθ_t, "grad" g_t, or a line of the rule: "m", "v", "mhat", "vhat", "G", "velocity", "Eg2",
    "Edx2" …), best first; none for a right value (or one right from the student's own `given` inputs:
    "theta" θ_{t−1}, "grad" g_t, a state's name for its value before the step). `decimals`: the places the
    student wrote (by default those of the number as Python writes it; a float of 15 figures or more, a
    computed one, is judged by the tolerance alone); `tol`: check's tolerance (by default the problem's
    precision). Two mistakes that give the same number are one: one already charged for this student
    (`prefer`: codes), else the likelier (`_variants`)."""
    if not 1 <= t <= len(run.steps):
        raise ValueError(f"step {t} is not a step of this run (1 to {len(run.steps)})")
    if what not in _whats(run):
        raise ValueError(f"{what!r} is not a quantity of this step (allowed: {', '.join(_whats(run))})")
    if param.frozen:
        return []
    part = _part_of(run)
    names, _ = optimize.names(part.notation)
    tol = tol or Tolerance(precision=part.precision)
    value = float(value)
    if decimals is None and len(repr(value).lstrip("-").replace(".", "").lstrip("0")) < 15:
        decimals = shown_decimals(repr(value))     # a number as typed; a float of 15 figures or more was computed
    env = _inputs(run, t, param)
    tries = [env]
    if given:
        tries.append({**env, **_own(run, given)})
    lines = tuple(run.rule)
    rights = [_quantity(lines, what, _evaluate(lines, e)) for e in tries]
    expected = rights[0]
    for right in rights:
        if right is not None and compare_number(value, decimals, right, tol).status in ("correct", "imprecise"):
            return []               # right, or right from the student's own inputs (follow-through)
    rounded_mistake = decimals is not None and abs(value - expected) > \
        0.5 * 10.0 ** -max(decimals, 0) * (1 + 1e-9) + 1e-12 * max(1.0, abs(expected))
    figures = _figures(value, decimals)
    found: list = []               # (rank, distance, order, variant value, variant)
    near: list = []
    for order, variant in enumerate(_variants(run, t, param, env)):
        best = None
        for e, right in zip(tries, rights):
            v = _quantity(variant.lines, what, _evaluate(variant.lines, {**e, **variant.inputs}))
            if v is None or right is None or abs(v - right) <= 1e-12 * max(1.0, abs(v)):
                continue            # the mistake changes nothing here
            status = compare_number(value, decimals, v, tol).status
            if status == "correct" or (status == "imprecise" and rounded_mistake):
                key = (status != "correct", abs(v - value), order, v, variant)
                best = key if best is None or key[:3] < best[:3] else best
            elif figures >= NEAR_FIGURES and abs(v - value) <= NEAR_RELATIVE * abs(v) \
                    and abs(v - value) < abs(right - value):
                # a near miss, nearer the student's number than the right value from the same inputs is
                near.append((True, abs(v - value), order, v, variant))
        if best is not None:
            found.append(best)
    near_only = not found          # only near misses: their sentences show the student's own number
    found = sorted(found or near, key=lambda r: r[:3])
    out: list[Diagnosis] = []
    kept: list[tuple[float, int]] = []
    # two mistakes that give the same number: only the likelier (the first of _variants' order) is named
    for rank, dist, order, v, variant in sorted(found, key=lambda r: (r[4].code not in prefer, r[2])):
        if any(abs(v - w) <= 1e-9 * max(1.0, abs(w)) for w, _ in kept):
            continue
        kept.append((v, order))
    chosen = {o for _, o in kept}
    name = _quantity_name(run, t, param, what)
    mine = f"{value:.{decimals}f}" if decimals is not None and 0 <= decimals <= 20 else _given(value, part)
    for rank, dist, order, v, variant in found:
        if order in chosen:
            # the value the sentence shows: the mistake's where it gives the student's number to the places
            # they wrote, else (a near miss: worked from rounded values not written down; a number with fewer
            # places than the mistake's value shows, 0.8 for 0.7764) the student's own number, never another
            shown = _given(v, part)
            if near_only or rank and _number(shown) != value:   # 0.8 for 0.7764; 11.56 for 11.5600 is theirs
                shown = mine
            out.append(Diagnosis(variant.code, variant.words(names, name, shown), v))
            chosen.discard(order)
    return out


def _number(text: str) -> float | None:
    """The number a diagnosis shows (`11.5600`, `-0.000002669`), or None."""
    try:
        return float(str(text).replace("−", "-"))
    except ValueError:
        return None


def exactness(value: float, decimals: int | None, mistake: float, tol: Tolerance) -> int:
    """How closely a mistake's value gives the student's number: 0 to the places they wrote (1.1 for 1.1),
    1 only as its rounding to fewer places (1.1 for 1.15, one of two roundings), 2 neither (a near miss)."""
    status = compare_number(value, decimals, mistake, tol).status
    return 0 if status == "correct" else 1 if status == "imprecise" else 2


def pick(found: list, value: float, decimals: int | None, tol: Tolerance, charged=()) -> Diagnosis | None:
    """The diagnosis to say of those diagnose_step found (best first): the closest reading first (one that
    gives the number to the places written beats one that reaches it only by rounding), and among those as
    close a mistake already charged for this student (`charged`: codes) before any other — charged once."""
    if not found:
        return None
    best = min(exactness(value, decimals, d.value, tol) for d in found)
    close = [d for d in found if exactness(value, decimals, d.value, tol) == best]
    return next((d for d in close if d.code in charged), close[0])
