"""Check the general rules on a concrete network: put its numbers into every rule and compare.

For every unit (and sample) of the network of a problem file, the general δ_k / δ_j rule, its
specialised form, and the ∂J/∂w and Δw rules are evaluated with that network's values (positions
in the layer as indices, the bias at index 0) and compared with the network's own solution. The
solution is the layer-wise chain rule of derive.py, itself checked against direct differentiation
and finite differences (gradcheck.py); the general rules come from `Sum`s over symbolic sizes, a
second code path.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace

import sympy as sp
import yaml
from mpmath.libmp import finf, fnan, fninf

from . import losses
from .budget import check_budget
from .memo import ValueMemo, part_key
from .symbolic_rules import (PER_SAMPLE, GeneralDerivation, Rule, RuleCheck, c, deeper_rules, delta_h, delta_o, eta,
                             gprime, i, j, k, l, n_H, net_h, net_o, t, w_h, w_o, x, y, z)
from .symbolic_rules import N as N_SAMPLES
from .symbolic_rules import derive_general, input_gradient_rule, n_s, shared_rules, unit_index
from .problem import Part, Problem, parse_problem
from .quantity import Key
from .collect import fewer_collections
from .derive import derive
from .errors import ProblemError
from .messages import said
from .evaluate import DIGITS, MAX_EXACT_NODES, evaluate, size, substitute
from .model import GIVEN_KINDS, Model
from .solution import PartSolution



def _not_updated(part) -> set[tuple[str, str]]:
    """The edges whose own Δw a rule is not checked against: frozen ones, and tied ones (one update of
    their shared parameter)."""
    frozen = {(w.source, w.target) for w in part.weights if w.frozen}
    return frozen | {edge for _, edges in part.shared for edge in edges}

def _why_not(part, skipped: set[tuple[str, str]]) -> str | None:
    """Why an update rule compared nothing although the network has its weights: every one of them is
    "frozen", "tied" (updated once as its shared parameter) or "frozen_tied"; None if none was skipped."""
    if not skipped:
        return None
    frozen = {(w.source, w.target) for w in part.weights if w.frozen}
    tied = {edge for _, edges in part.shared for edge in edges}
    kinds = ("frozen" if skipped & frozen else "") + ("_tied" if skipped & (tied - frozen) else "")
    return kinds.strip("_") or "frozen"


def _close(a: sp.Expr, b: sp.Expr) -> float:
    """|a − b| / max(1, |b|), at 40 digits; exactly 0 where a − b is 0 as built, without
    evaluating b (a 40-digit N of nested exact tanh values took most of the rule check)."""
    difference = a - b
    if difference == 0:
        return 0.0
    diff = abs(sp.N(difference, 40))
    return float(diff / max(1, abs(sp.N(b, 40))))


class _Closeness:
    """`_close` for the comparisons of one rule check, with every exp, log, tanh and erf of the
    values evaluated once, at 60 digits, instead of in every comparison at 40 digits.

    Nested exact values (exp of a sum of erf, tanh of tanh, …) took most of the rule check: each
    comparison evaluated them again. The result is the same to double precision wherever the
    difference is above 1e-45 (the values are 60-digit numbers); a smaller difference, or one with
    a kink (sign, Heaviside, Piecewise, …, where a rounded argument could take the other branch), is
    computed by `_close` itself, so every reported difference is `_close`'s.
    """

    SMOOTH = (sp.exp, sp.log, sp.tanh, sp.erf)
    DIGITS = 60

    def __init__(self) -> None:
        self._numbers: dict[sp.Expr, sp.Expr] = {}

    def _number(self, f: sp.Expr) -> sp.Expr:
        if f not in self._numbers:
            self._numbers[f] = f.evalf(self.DIGITS)
        return self._numbers[f]

    def _numeric(self, e: sp.Expr) -> sp.Expr:
        return e.replace(lambda a: isinstance(a, self.SMOOTH), self._number)

    def finite(self, value: sp.Expr) -> bool:
        """Whether `value` is plainly a finite real number: a rational, or, with its smooth
        functions at 60 digits, a finite real Float (with a kink, at 30 digits as `evaluate` does)."""
        if value.is_Rational:
            return True
        if any(not isinstance(f, self.SMOOTH) for f in value.atoms(sp.Function)):
            number = value.evalf(30)        # a kink: as `evaluate` does it
        else:
            number = self._numeric(value)
            if not number.is_Number:
                number = sp.N(number, 30)
        return (number.is_Float and number._mpf_ not in (finf, fninf, fnan)) or number.is_Rational

    def __call__(self, a: sp.Expr, b: sp.Expr) -> float:
        difference = a - b
        if difference == 0:
            return 0.0
        if any(not isinstance(f, self.SMOOTH) for f in difference.atoms(sp.Function)):
            return _close(a, b)
        diff = abs(sp.N(self._numeric(difference), 40))
        if not diff.is_Number or diff < sp.Float("1e-45"):
            return _close(a, b)
        return float(diff / max(1, abs(sp.N(self._numeric(b), 40))))


def evaluate_rule(expr: sp.Expr, index: dict, values: dict, gprimes: dict) -> sp.Expr:
    """The rule at these indices: sums expanded, g'(net) and the indexed symbols replaced."""
    e = expr.xreplace(index).doit()
    e = e.replace(lambda a: a.func == gprime, lambda a: gprimes[a.args[0]])
    return e.xreplace(values)


@dataclass(frozen=True)
class SolutionValues:
    """The exact values of a part's solution by quantity key: what the rule check compares with,
    without the steps `solve_part` builds for printing (each value's float, at 20 digits, took
    about a third of `derive` on a network with exact tanh values)."""

    part: Part
    values: dict[Key, sp.Expr]


def solution_values(part: Part, source: str = "<problem>", close: "_Closeness | None" = None) -> SolutionValues:
    """The values `solve_part(part)` gives every quantity (the same model, backward walk and
    evaluation), by key: the given ones, then every forward and backward step.

    The values are evaluate's (`_values` takes its steps, with fewer floats); where one is not
    plainly finite, `evaluate` itself runs and raises its error."""
    model = Model(part)
    assignments = model.forward + derive(model) + model.test_time      # as solution.solve_part's
    # the numbers of the check, if it is a _Closeness (a test may put another comparison in its place)
    values = _values(model, assignments, close if isinstance(close, _FINITE) else _FINITE())
    if values is None:
        try:
            values = evaluate(model, assignments)
        except ProblemError as exc:
            if exc.line is None:
                raise ProblemError(exc.detail, source=source, field=f"part {part.name}") from None
            raise ProblemError(said("problem.in_part", name=part.name, message=exc.detail), source=source,
                               field=exc.field, line=exc.line) from None
    out: dict[Key, sp.Expr] = {}
    for sym in model.given():
        if sym != model.bias_symbol:
            info = model.info[sym]
            out[model.qid(GIVEN_KINDS[info.kind], info.unit, info.sample, source=info.source)] = values[sym]
    for a in assignments:
        out[a.key] = values[a.symbol]
    return SolutionValues(part, out)


def _values(model: Model, assignments: list, close: "_Closeness") -> dict[sp.Symbol, sp.Expr] | None:
    """The values `evaluate` gives, by the same steps, with each 30-digit float made only when a
    later value needs it (`evaluate` makes one for every value; only `solve` prints them).

    A value stays exact under evaluate's size limits, else it is computed from the 30-digit floats
    of its inputs, as there. None where a value is not plainly a finite real number: `evaluate`
    then decides, and words the error. Plainly finite: a finite real Float or a rational, with an
    exact value's exp, log, tanh and erf at 60 digits (`close`'s numbers, which the check reuses)."""
    exact: dict[sp.Symbol, sp.Expr] = dict(model.given())
    sizes = {sym: size(v) for sym, v in exact.items()}
    numeric: dict[sp.Symbol, sp.Expr] = dict(exact)   # the given values as given, then the floats made so far

    def number(sym: sp.Symbol) -> sp.Expr:
        if sym not in numeric:
            v = exact[sym]
            numeric[sym] = v if (v.is_Rational or v.is_Float) else v.evalf(DIGITS)
        return numeric[sym]

    for a in assignments:
        leaves = a.rule.free_symbols
        if all(sym in exact for sym in leaves) and sum(sizes[sym] for sym in leaves) <= MAX_EXACT_NODES:
            value = substitute(a.rule, exact)
            n = size(value)
            if n <= MAX_EXACT_NODES:
                if not close.finite(value):
                    return None
                exact[a.symbol], sizes[a.symbol] = value, n
                continue
        value = substitute(a.rule, {sym: number(sym) if sym in exact else numeric[sym] for sym in leaves})
        value = value if (value.is_Rational or value.is_Float) else value.evalf(DIGITS)
        if not (value.is_Rational or (value.is_Float and value._mpf_ not in (finf, fninf, fnan))):
            return None
        numeric[a.symbol] = value
    return {**numeric, **exact}


_FINITE = _Closeness              # what `_values` asks whether a value is finite (and whose numbers it keeps)


class _Evaluator:
    """Values of one part's solution, by quantity key, looked up per sample."""

    def __init__(self, solution: PartSolution | SolutionValues) -> None:
        self.part = solution.part
        if isinstance(solution, SolutionValues):
            self.values = solution.values
        else:
            self.values = {s.key: s.value for s in solution.steps}
        self.batched = len(self.part.samples) > 1

    def get(self, kind: str, unit: str, n: int) -> sp.Expr:
        """The value of quantity `kind` of unit `unit` in sample n (0-based)."""
        return self.values[Key(kind, unit, sample=n if self.batched else None)]

    def edge(self, kind: str, source: str, target: str) -> sp.Expr | None:
        """The value of a weight-like quantity (w, grad_w, update_w) of source → target; None if absent."""
        return self.values.get(Key(kind, target, source=source))

    def weight(self, source: str, target: str) -> sp.Expr:
        w = self.edge("w", source, target)
        return sp.Integer(0) if w is None else w     # absent: no connection

    def out(self, unit: str, n: int) -> sp.Expr:
        if unit in self.part.inputs:
            return self.get("input", unit, n)
        return self.get("act", unit, n)


# the quantity kind of a general rule's weight quantity: grad_output_weight → grad_w
EDGE_KIND = {"grad": "grad_w", "update": "update_w"}


def check_rules(derivation: GeneralDerivation, psol: PartSolution | SolutionValues,
                close: "_Closeness | None" = None) -> tuple[RuleCheck, ...]:
    """Evaluate every rule of `derivation` on the network of `psol` and compare with its values.

    The δ rules are checked on every unit of every sample. A weight's ∂J/∂w and Δw are checked once
    per weight: the batch form (Σ over the samples, `derivation.batch`) with every sample's values,
    or, for rules written for one sample, the sum of the samples' shares times the batch scale."""
    ev = _Evaluator(psol)
    close = close or _Closeness()
    part = ev.part
    errors: dict[str, list[float]] = {r.id: [] for r in derivation.rules}
    counted: dict[str, int] = {r.id: 0 for r in derivation.rules}
    grads: dict[str, dict[tuple[str, str], sp.Expr]] = {"grad_output_weight": {}, "grad_hidden_weight": {},
                                                        "update_output_weight": {}, "update_hidden_weight": {}}
    batched = derivation.batch is not None
    weight_values: dict[tuple[str, str], tuple[str, dict, dict]] = {}    # batch: every sample's values
    N = len(part.samples)
    scale = part.batch_scale
    last = len(part.layers) - 1
    below_output = y if derivation.hidden_layer else x        # what the output weights multiply
    source_index = j if derivation.hidden_layer else i

    def sampled(base: sp.IndexedBase, position: int, n: int) -> sp.Indexed:
        return PER_SAMPLE[base][position, n + 1]

    for n in range(N):
        for li, layer in enumerate(part.layers):
            out_layer = li == last
            act = part.activations[li].name
            if out_layer:
                values = {}
                gprimes = {}
                for q, unit in enumerate(layer, start=1):
                    if losses.of(part).takes_targets:     # `none`: J = u, no target
                        values[t[q]] = ev.get("target", unit, n)
                    values[z[q]] = ev.get("act", unit, n)
                    values[net_o[q]] = ev.get("net", unit, n)
                    if act != "softmax":
                        gprimes[net_o[q]] = ev.get("gprime", unit, n)
                sizes = {c: len(layer)}
                rule = derivation.rule("delta_output")
                for q, unit in enumerate(layer, start=1):
                    want = ev.get("delta", unit, n)
                    idx = {**sizes, k: q}
                    _compare(errors, rule, idx, values, gprimes, want, act, close)
                    counted[rule.id] += 1
            else:
                above = part.layers[li + 1]
                values, gprimes = {}, {}
                for q, unit in enumerate(above, start=1):
                    values[delta_o[q]] = ev.get("delta", unit, n)
                for r, unit in enumerate(layer, start=1):
                    values[net_h[r]] = ev.get("net", unit, n)
                    values[y[r]] = ev.get("act", unit, n)
                    gprimes[net_h[r]] = ev.get("gprime", unit, n)
                    for q, unit_k in enumerate(above, start=1):
                        values[w_o[q, r]] = ev.weight(unit, unit_k)
                rule = derivation.rule("delta_hidden")
                for r, unit in enumerate(layer, start=1):
                    want = ev.get("delta", unit, n)
                    idx = {c: len(above), n_H: len(layer), j: r}
                    _compare(errors, rule, idx, values, gprimes, want, act, close)
                    counted[rule.id] += 1
            # ∂J/∂w and Δw of the weights into this layer, sample n's share
            kind = "output" if out_layer else "hidden"
            for q, unit in enumerate(layer, start=1):
                # positions as the general rules index them: the bias at 0, the layer below from 1
                for r, src in enumerate(part.feeders(unit), start=0 if part.bias is not None else 1):
                    if ev.edge("w", src, unit) is None:
                        continue
                    x_value = part.bias_input if src == part.bias else ev.out(src, n)
                    delta_base, below = (delta_o, below_output) if out_layer else (delta_h, x)
                    idx = {k: q, source_index: r} if out_layer else {j: q, i: r}
                    if batched:
                        _, _, vals = weight_values.setdefault((src, unit), (kind, idx, {eta: part.learning_rate}))
                        vals[sampled(delta_base, q, n)] = ev.get("delta", unit, n)
                        vals[sampled(below, r, n)] = x_value
                        continue
                    vals = {delta_base[q]: ev.get("delta", unit, n), below[r]: x_value, eta: part.learning_rate}
                    for what in ("grad", "update"):
                        rid = f"{what}_{kind}_weight"
                        # the per-sample rule before the δ rule is substituted into it
                        form = derivation.rule(rid).forms[1]
                        share = scale * evaluate_rule(form, idx, vals, {})
                        acc = grads[rid]
                        acc[(src, unit)] = acc.get((src, unit), sp.Integer(0)) + share
    for (src, unit), (kind, idx, vals) in weight_values.items():
        for what in ("grad", "update"):
            rid = f"{what}_{kind}_weight"
            # the batch rule before the δ rule is substituted into it, over every sample
            form = derivation.rule(rid).forms[1]
            grads[rid][(src, unit)] = evaluate_rule(form, {**idx, N_SAMPLES: N}, vals, {})
    frozen = _not_updated(part)
    skipped: dict[str, set[tuple[str, str]]] = {}
    for rid, acc in grads.items():
        what = rid.split("_")[0]
        for (src, unit), value in acc.items():
            if what == "update" and (src, unit) in frozen:
                skipped.setdefault(rid, set()).add((src, unit))
                continue                           # a frozen weight is not updated at all (nor a tied one alone)
            errors[rid].append(close(value, ev.edge(EDGE_KIND[what], src, unit)))
            counted[rid] += 1
    # Δw written out with the δ rule put in (its last form) is only as right as that δ rule: a wrong δ_k
    # makes the written-out update disagree too, never "agree" on the strength of the form before it
    written_out: set[str] = set()
    # (likewise ∂J/∂w with the δ rule put in, where it has that form: no hidden layer, (z_k − t_k)·x_i)
    for rid, dep in (("update_output_weight", "delta_output"), ("update_hidden_weight", "delta_hidden"),
                     ("grad_output_weight", "delta_output")):
        if rid.startswith("grad") and rid in errors and len(derivation.rule(rid).forms) < 3:
            continue
        if rid in errors and dep in errors and errors[rid]:
            errors[rid].append(max(errors[dep], default=0.0))
            written_out.add(rid)
    return tuple(RuleCheck(rid, counted[rid] if rid in written_out else len(errs), max(errs, default=0.0),
                           counted[rid], None if counted[rid] else _why_not(part, skipped.get(rid, set())))
                 for rid, errs in errors.items())


# u_j of the layer below and u_l of the unit a weight between hidden layers goes into are both y[…] in the
# rules: the layer below's positions are shifted by BELOW so that u_1 of one is not taken for u_1 of the other
BELOW = 10 ** 6


def check_deeper(derivation: GeneralDerivation, psol: PartSolution | SolutionValues,
                 close: "_Closeness | None" = None) -> tuple[RuleCheck, ...]:
    """The rules of a weight w_jl between two hidden layers (`derivation.deeper`), evaluated on
    every such weight of the network of `psol` in their own letters (l the unit the weight goes into, at
    its position in its layer; j the unit it comes from, the bias at 0) and compared with the solution's
    ∂J/∂w and Δw: ∂J/∂w_jl = s·δ_l·u_j, and Δw_jl by −η·s·δ_l·u_j and, for a weight into the last hidden
    layer, by the form written out with δ_l = g'(net_l)·Σ_k δ_k·w_lk (g' the solution's) and by its
    form specialised with that layer's activation. A batch's rules are evaluated over every sample.
    Empty for a network with fewer than two hidden layers. The ids are `grad_hidden_to_hidden_weight` and
    `update_hidden_to_hidden_weight`; `values` counts the weights, `compared` the comparisons."""
    deeper = derivation.deeper
    if deeper is None:
        return ()
    ev = _Evaluator(psol)
    close = close or _Closeness()
    part = ev.part
    batched = derivation.batch is not None
    N = len(part.samples)
    scale = part.batch_scale
    last_hidden = len(part.layers) - 2
    frozen = _not_updated(part)
    rules = {"grad": deeper.grad_between, "update": deeper.update_between}
    errors: dict[str, list[float]] = {"grad": [], "update": []}
    counted = {"grad": 0, "update": 0}
    skipped: set[tuple[str, str]] = set()

    def at(base, position, n):            # a unit's quantity of sample n, as the rule indexes it
        return PER_SAMPLE[base][position, n + 1] if batched else base[position]

    for li in range(1, last_hidden + 1):
        layer, above = part.layers[li], part.layers[li + 1]
        written_out = li == last_hidden          # δ_l is the last hidden layer's: the update's last form holds
        act = part.activations[li].name
        for q, unit in enumerate(layer, start=1):
            for r, src in enumerate(part.feeders(unit), start=0 if part.bias is not None else 1):
                if ev.edge("w", src, unit) is None:
                    continue
                values: dict = {eta: part.learning_rate}
                gprimes: dict = {}
                for n in range(N):
                    values[at(delta_h, q, n)] = ev.get("delta", unit, n)
                    values[at(y, BELOW + r, n)] = part.bias_input if src == part.bias else ev.out(src, n)
                    if written_out:
                        values[at(net_h, q, n)] = ev.get("net", unit, n)
                        values[at(y, q, n)] = ev.get("act", unit, n)
                        gprimes[at(net_h, q, n)] = ev.get("gprime", unit, n)
                        for p_, unit_k in enumerate(above, start=1):
                            values[at(delta_o, p_, n)] = ev.get("delta", unit_k, n)
                            values[w_o[p_, q]] = ev.weight(unit, unit_k)
                idx = {l: q, j: BELOW + r, c: len(above), **({N_SAMPLES: N} if batched else {})}
                for what, rule in rules.items():
                    if what == "update" and (src, unit) in frozen:
                        skipped.add((src, unit))
                        continue                 # a frozen weight is not updated (nor a tied one alone)
                    want = ev.edge(EDGE_KIND[what], src, unit)
                    # the general forms after −η·∂J/∂w (a single sample's: the batch's scale times it)
                    forms = rule.forms[1:] if written_out else rule.forms[1:2]
                    share = sp.Integer(1) if batched else scale
                    for form in forms:
                        errors[what].append(close(share * evaluate_rule(form, idx, values, gprimes), want))
                    if written_out:
                        for label, form in rule.specialised:
                            if label == act:
                                errors[what].append(close(share * evaluate_rule(form, idx, values, {}), want))
                    counted[what] += 1
    return tuple(RuleCheck(rules[what].id, len(errs), max(errs, default=0.0), counted[what],
                           _why_not(part, skipped) if what == "update" and not counted[what] else None)
                 for what, errs in errors.items())


def check_shared(derivation: GeneralDerivation, psol: PartSolution | SolutionValues,
                 close: "_Closeness | None" = None) -> tuple[RuleCheck, ...]:
    """The rules of each shared parameter p (`derivation.shared`) on the network of `psol`: ∂J/∂p (each form
    after the chain: the edges' rules summed, and with the bias unit's output put in) and Δp, with the
    network's δ, inputs and outputs of every sample, against the solution's grad_shared_p and update_shared_p."""
    if not derivation.shared:
        return ()
    ev = _Evaluator(psol)
    close = close or _Closeness()
    part = ev.part
    N = len(part.samples)
    units = {unit_index(u): u for u in (*part.inputs, *(u for layer in part.layers for u in layer),
                                        *((part.bias,) if part.bias is not None else ()))}
    base_kind = {delta_o: "delta", delta_h: "delta", x: "out", y: "out"}
    base_kind.update({PER_SAMPLE[b]: kind for b, kind in list(base_kind.items())})

    def value(q: sp.Indexed) -> sp.Expr:
        kind, unit = base_kind[q.base], units[q.indices[0]]
        n = int(q.indices[1]) - 1 if len(q.indices) > 1 else 0
        if kind == "delta":
            return ev.get("delta", unit, n)
        return sp.Integer(part.bias_input) if unit == part.bias else ev.out(unit, n)

    out = []
    for sh in derivation.shared:            # two values, ∂J/∂p and Δp (not of a frozen p), each by every form
        errs = []
        for rule, kind in ((sh.grad, "grad_shared"),) + (() if sh.frozen else ((sh.update, "update_shared"),)):
            want = ev.values[Key(kind, sh.name)]
            for form in rule.forms[1:]:
                e = form.xreplace({N_SAMPLES: N}).doit()
                e = e.xreplace({q: value(q) for q in e.atoms(sp.Indexed)}).xreplace({eta: part.learning_rate})
                errs.append(close(e, want))
        values = 1 if sh.frozen else 2
        out.append(RuleCheck(shared_check_id(sh.name), values, max(errs), values))
    return tuple(out)


def check_input_gradient(derivation: GeneralDerivation, psol: PartSolution | SolutionValues,
                         close: "_Closeness | None" = None) -> tuple[RuleCheck, ...]:
    """The rule ∂J/∂x_i (`derivation.input_gradient`) on the network of `psol`: every form after the chain,
    at every input of every sample, with the δ of the units the inputs feed (the first layer above them)
    and their weights, against the solution's grad_x. Empty without `input_gradients: true`."""
    rule = derivation.input_gradient
    if rule is None:
        return ()
    ev = _Evaluator(psol)
    close = close or _Closeness()
    part = ev.part
    batched = derivation.batch is not None
    first = part.layers[0]
    delta_b, w_b, size = (delta_h, w_h, n_H) if derivation.hidden_layer else (delta_o, w_o, c)
    forms = [f for f in rule.forms if not f.has(sp.Derivative)]
    errs, counted = [], 0
    for n in range(len(part.samples)):
        for r, unit in enumerate(part.inputs, start=1):
            values = {w_b[q, r]: ev.weight(unit, u) for q, u in enumerate(first, start=1)}
            for q, u in enumerate(first, start=1):
                values[PER_SAMPLE[delta_b][q, n + 1] if batched else delta_b[q]] = ev.get("delta", u, n)
            idx = {i: r, size: len(first), **({N_SAMPLES: len(part.samples), n_s: n + 1} if batched else {})}
            want = ev.get("grad_x", unit, n)
            for form in forms:
                errs.append(close(evaluate_rule(form, idx, values, {}), want))
            counted += 1
    return (RuleCheck(rule.id, len(errs), max(errs, default=0.0), counted),)


def shared_check_id(name: str) -> str:
    """The id of the check of shared parameter `name`'s rules in a derivation's checks."""
    return f"shared_{name}"


def _compare(errors: dict, rule: Rule, idx: dict, values: dict, gprimes: dict, want: sp.Expr,
             act: str, close: _Closeness) -> None:
    """The general rule (g' from the solution) and its specialised form (g' from the table)."""
    errors[rule.id].append(close(evaluate_rule(rule.rule, idx, values, gprimes), want))
    for label, form in rule.specialised:
        if label != act:
            continue
        errors[rule.id].append(close(evaluate_rule(form, idx, values, {}), want))



def derive_for_parts(parts: list[Part], source: str = "<problem>", multi: bool | None = None
                     ) -> list[GeneralDerivation]:
    """`derive_for_part` for each part, after refusing the lot if over the size budget (budget.py)."""
    check_budget(source, parts, "derive", multi)
    return [derive_for_part(p, source) for p in parts]


def targets_sum_hold(part: Part) -> bool:
    """Whether every sample's targets meet the loss's Σ_m t_m fact (cross-entropy: they sum to 1), so
    that derive may use it, as solve's short form does (derive.py); a file's targets are a fact of it."""
    loss = losses.of(part)
    return loss.target_sum is None or all(loss.targets_fit([v for _, v in s.t]) for s in part.samples)


def _derive_for_part(part: Part, source: str = "<problem>") -> GeneralDerivation:
    """The general rules for a part's activations, loss and notation, checked on its network
    (refused first if over the size budget, budget.py)."""
    check_budget(source, [part], "derive", multi=False)
    with fewer_collections():          # SymPy makes many small objects and frees few: collect less often
        derivation = derive_general(part.name, tuple(dict.fromkeys(part.activations[:-1])), part.activations[-1],
                                    part.loss_formula or part.loss, part.notation,
                                    batch=part.batch_reduction if len(part.samples) > 1 else None,
                                    targets_sum=targets_sum_hold(part))
        close = _Closeness()             # the numbers of the values, shared by the evaluation and the check
        derivation = replace(derivation, samples=len(part.samples), layer_activations=tuple(part.activations[:-1]),
                             bias_input=int(part.bias_input), input_units=tuple(part.inputs),
                             hidden_units=tuple(tuple(layer) for layer in part.layers[:-1]))
        derivation = replace(derivation, deeper=deeper_rules(derivation))     # once per derivation
        frozen = frozenset((w.source, w.target) for w in part.weights if w.frozen)
        derivation = replace(derivation, shared=shared_rules(derivation, part.shared, part.layers, part.bias, frozen))
        if part.input_gradients:
            derivation = replace(derivation, input_gradient=input_gradient_rule(derivation))
        # the general rules have no dropout (dropout.py): they are checked on the network without its mask
        values = solution_values(replace(part, dropout=()) if part.dropout else part, source, close)
        return replace(derivation, checks=check_rules(derivation, values, close) + check_deeper(derivation, values, close)
                       + check_shared(derivation, values, close) + check_input_gradient(derivation, values, close))


# the rules of a part are derived once per value of (part, file) (memo.py): check and grade derive them per run
derive_for_part = ValueMemo(_derive_for_part, part_key, size=16)
derive_for_part.__doc__ = _derive_for_part.__doc__


def example_problem(layers: tuple[int, ...], activation: str, output_activation: str | None, loss: str,
                    delta: str = "dJ_dnet", weight: str = "from_to", seed: int = 0) -> Problem:
    """A network of the given sizes (inputs, hidden…, outputs) with seeded small weights, for
    checking the rules when no problem file is given. Built as a problem file and validated."""
    rng = random.Random(seed)

    def quarter() -> str:
        return str(rng.choice([v / 4 for v in range(-8, 9) if v]))

    units, ids = 1, []
    for width in layers:
        ids.append([str(u) for u in range(units, units + width)])
        units += width
    inputs, layer_ids = ids[0], ids[1:]
    weights: dict[str, dict[str, str]] = {}
    feeding = inputs
    for layer in layer_ids:
        for src in ["0"] + feeding:
            weights.setdefault(src, {}).update({dst: quarter() for dst in layer})
        feeding = layer
    outputs = layer_ids[-1]
    if losses.TABLE[loss].constrains_targets:      # one-hot targets fit every loss's target facts
        hot = rng.randrange(len(outputs))
        targets = {u: (1 if q == hot else 0) for q, u in enumerate(outputs)}
    else:
        targets = {u: str(rng.choice([v / 4 for v in range(0, 5)])) for u in outputs}
    network = {"inputs": inputs, "bias": "0", "layers": layer_ids, "activation": activation}
    if output_activation:
        network["output_activation"] = output_activation
    doc = {"title": "generated network", "network": network, "weights": weights,
           "sample": {"x": {u: quarter() for u in inputs}, **({"t": targets} if losses.TABLE[loss].takes_targets else {})},
           "loss": loss,
           "learning_rate": "1/2", "notation": {"delta": delta, "weight": weight}}
    return parse_problem(yaml.safe_dump(doc, sort_keys=False), "<generated network>")
