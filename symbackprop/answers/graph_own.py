"""A graph item's value at the student's own earlier values, for follow-through.

Each node entry is its formula of its operands (q = x + y), each gradient entry one step of the
backward pass, Σ_g ∂L/∂g · ∂g/∂q, with ∂L/∂g a symbol of its own (grad_f): so ∂f/∂z = grad_f · q is
worth the student's own q and their own ∂f/∂f. An item whose rule uses a value the student got
wrong is judged against that rule at their values too (checker.py does the same for a network).
The rules are built once per checker, only when some answer is wrong.
"""
from __future__ import annotations

import sympy as sp

from ..graph import GraphSolution, Quantity, elementwise_form, entry_suffix


def _entries(q: Quantity) -> list[tuple[str, object, object]]:
    """(id suffix, symbol, rule) of every entry of q: ("", q, rule) for a scalar, ("_1_2", A_1_2, …)."""
    if q.shape == ():
        return [("", q.symbol, q.rule)]
    return [("_" + entry_suffix(q.shape, r, c), q.symbol[r, c], None if q.rule is None else q.rule[r, c])
            for r in range(q.shape[0]) for c in range(q.shape[1])]


NEWTON_STEPS = 40        # steps of Newton's method finding the operand a node's written value stands for
_KINKED = (sp.Heaviside, sp.Piecewise, sp.sign, sp.Abs, sp.Max, sp.Min)   # no one operand for a value


def _grad_symbol(qid: str) -> sp.Symbol:
    return sp.Symbol(qid, real=True)


class OwnRules:
    """id -> the item's rule in the names of the items it is computed from (forward and backward)."""

    def __init__(self, sol: GraphSolution) -> None:
        prob = sol.problem
        self.rules: dict[str, sp.Expr] = {}
        # gradient entry id -> (the node, [(consumer, its path's term)]) where two or more nodes use the entry
        self.paths: dict[str, tuple[str, list[tuple[str, sp.Expr]]]] = {}
        self.true: dict = dict(sol.env)
        for name, grad in sol.gradients.items():
            q = prob.get(name)
            values = list(grad) if q.shape else [grad]
            for (suffix, _, _), v in zip(_entries(q), values):
                self.true[_grad_symbol(f"grad_{name}{suffix}")] = v
        for q in prob.nodes:
            for suffix, _, rule in _entries(q):
                self.rules[q.name + suffix] = rule
        for name in sol.gradients:
            if name == prob.output:
                continue
            q = prob.get(name)
            consumers = [f for f in prob.quantities if name in f.operands and f.name in sol.gradients]
            for suffix, sym, _ in _entries(q):
                total = sp.Integer(0)
                paths = []
                for f in consumers:
                    term = sp.Integer(0)
                    for fs, _, rule in _entries(f):
                        local = sp.diff(rule, sym)
                        if local != 0:
                            term += _grad_symbol(f"grad_{f.name}{fs}") * local
                    if term != 0:
                        paths.append((f.name, term))
                    total += term
                self.rules[f"grad_{name}{suffix}"] = total
                if len(paths) > 1:
                    self.paths[f"grad_{name}{suffix}"] = (name, paths)
        self.left_out = _left_out(prob, sol, self.rules)
        # gradient entry id -> its rule with each elementwise node's local derivative taken at the operand
        # that node's own value stands for (∂f/∂s = grad_f·σ'(s) with σ(s) = the student's f: their f(1 − f),
        # as a network's g'(net) = o(1 − o) is worked from their o); placeholder -> (node entry id, its rule,
        # the operand entry's symbol)
        self.via: dict[str, sp.Expr] = {}
        self.inverse: dict[sp.Symbol, tuple[str, sp.Expr, sp.Symbol]] = {}
        self._inverted: dict[tuple[sp.Symbol, float], float | None] = {}
        for name in sol.gradients:
            if name == prob.output:
                continue
            q = prob.get(name)
            for f in prob.nodes:
                if f.name not in sol.gradients or not elementwise(f, q):
                    continue
                for (fs, _, rule), (suffix, sym, _) in zip(_entries(f), _entries(q)):
                    qid = f"grad_{name}{suffix}"
                    local = sp.diff(rule, sym)
                    if qid not in self.rules or local.has(*_KINKED) or rule.has(*_KINKED):
                        continue
                    at = sp.Symbol(f"⟨{f.name}{fs}⟩", real=True)
                    self.inverse[at] = (f.name + fs, rule, sym)
                    grad_f = _grad_symbol(f"grad_{f.name}{fs}")
                    whole = self.via.get(qid, self.rules[qid])
                    self.via[qid] = whole - grad_f * local + grad_f * local.xreplace({sym: at})

    def own_value(self, qid: str, own: dict[str, float], via: bool = False) -> tuple[float | None, list[str]]:
        """The item's value with the student's values `own` (id -> value) put in for the items its rule
        uses, and the ids of those it used; (None, []) when it uses none of them or has no value there.
        `via`: each elementwise node's local derivative at the operand its value in `own` stands for
        (σ'(s) as f(1 − f) with their f); (None, []) when no such node's value is in `own`."""
        if via:
            return self._via_value(qid, own)
        rule = self.rules.get(qid)
        if rule is None:
            return None, []
        used = sorted(s.name for s in rule.free_symbols if s.name in own)
        if not used:
            return None, []
        return self.value_at(rule, own), used

    def _via_value(self, qid: str, own: dict[str, float]) -> tuple[float | None, list[str]]:
        rule = self.via.get(qid)
        if rule is None:
            return None, []
        at = {s for s in rule.free_symbols if s in self.inverse}
        through = {s: self.inverse[s][0] for s in at if self.inverse[s][0] in own}
        if not through:
            return None, []
        env = dict(own)
        for s in at:
            node, f_rule, sym = self.inverse[s]
            start = own.get(sym.name, self.true.get(sym))
            point = self._invert(s, f_rule, sym, own[node], start) if s in through else start
            if point is None:
                return None, []
            env[s.name] = point
        used = sorted({s.name for s in rule.free_symbols if s.name in own} | set(through.values()))
        return self.value_at(rule, env), used

    def _invert(self, at: sp.Symbol, rule: sp.Expr, sym: sp.Symbol, target: float, start) -> float | None:
        """The operand value near `start` where the node's rule gives `target` (Newton's method), or None
        when none is found there (a value the function never takes: σ(s) = 1.2)."""
        key = (at, target)
        if key in self._inverted:
            return self._inverted[key]
        local = sp.diff(rule, sym)

        def at_point(expr, x: float) -> float:
            v = complex(sp.N(expr.xreplace({sym: sp.Float(x, 30)}), 30))
            return v.real if v.imag == 0 else float("nan")
        found = None
        try:
            x = float(start)
            for _ in range(NEWTON_STEPS):
                miss = at_point(rule, x) - target
                if abs(miss) <= 1e-13 * max(1.0, abs(target)):
                    found = x
                    break
                slope = at_point(local, x)
                if not slope or slope != slope or abs(slope) == float("inf"):
                    break
                x -= miss / slope
                if x != x or abs(x) > 1e12:
                    break
        except (TypeError, ValueError, ArithmeticError, OverflowError):
            found = None
        self._inverted[key] = found
        return found

    def value_at(self, rule, own: dict[str, float]) -> float | None:
        """A rule's value with the student's values `own` put in for the items it names, the true values
        for the others; None where it has no finite real value."""
        env = {s: (sp.Float(own[s.name], 30) if s.name in own else self.true.get(s, s)) for s in rule.free_symbols}
        try:
            value = complex(sp.N(rule.xreplace(env), 30))
        except (TypeError, ValueError, ArithmeticError):
            return None
        if value.imag != 0 or value.real != value.real or abs(value.real) == float("inf"):
            return None
        return value.real


def elementwise(f: Quantity, q: Quantity) -> bool:
    """Whether node f applies a function to its one operand q entry by entry (h = sigmoid(z), a = tanh(s),
    r = relu(u), e = exp(v)): f is computed from q alone, entry by entry (graph.elementwise_form, the
    model's own test), and its derivative by each entry is no constant (a function, not a scaling, whose
    left-out factor is a factor 2 or ½ said as such). Found from the graph's formulas, whatever the function."""
    if f.kind != "node" or f.rule is None or f.operands != {q.name}:
        return False
    form = elementwise_form(f, q)
    if form is None:
        return False
    local = form[1]
    return all(d.free_symbols for d in (local if q.shape else [local]))


def _left_out(prob, sol: GraphSolution, rules: dict) -> dict[str, list[tuple[str, str, str, sp.Expr]]]:
    """Gradient entry id -> [(q, f, f's entry suffix, its rule with the local derivative ∂f/∂q of an elementwise node f left
    out)]: ∂L/∂z_1 = ∂L/∂h_1 · σ'(z_1) written as ∂L/∂h_1 alone (the step of h = sigmoid(z) forgotten)."""
    out: dict[str, list[tuple[str, str, str, sp.Expr]]] = {}
    for name in sol.gradients:
        if name == prob.output:
            continue
        q = prob.get(name)
        for f in prob.nodes:
            if f.name not in sol.gradients or not elementwise(f, q):
                continue
            for (fs, _, rule), (suffix, sym, _) in zip(_entries(f), _entries(q)):
                qid = f"grad_{name}{suffix}"
                grad_f = _grad_symbol(f"grad_{f.name}{fs}")
                full = rules.get(qid)
                if full is None:
                    continue
                alt = full - grad_f * sp.diff(rule, sym) + grad_f     # the same term, so it cancels
                out.setdefault(qid, []).append((name, f.name, fs, alt))
    return out
