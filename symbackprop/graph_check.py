"""A computation graph's second opinions: `solve --check` and `derive` on a `model: graph` file.

`compose` writes the output out in the inputs (every node's formula put into its consumers), so
that `sympy.diff` of it by each parameter entry is a path to the gradient independent of the
backward pass; `check_graph` compares the backward pass with it and with central finite
differences of the output evaluated node by node with 30-digit floats. `derive_graph` gives each
∂L/∂p as a formula of the inputs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from .errors import ProblemError
from .evaluate import size as _size
from .graph import GraphProblem, GraphSolution, Quantity, entry_suffix
from .messages import said

MAX_COMPOSED = 20_000        # nodes of the output written out in the inputs
STEP = sp.Float("1e-6", 30)
DIGITS = 30


def _entries(q: Quantity) -> list[tuple[str, sp.Symbol]]:
    """(id suffix, symbol) of every entry of q: ("", q) for a scalar, ("_1_2", A_1_2) for a matrix."""
    if q.shape == ():
        return [("", q.symbol)]
    return [("_" + entry_suffix(q.shape, r, c), q.symbol[r, c]) for r in range(q.shape[0]) for c in range(q.shape[1])]


def compose(prob: GraphProblem, keep: set[str], rules: dict | None = None) -> dict:
    """Every node written out in the inputs: the inputs named in `keep` stay symbols, the others are
    their values; `rules`: a node's formula to use instead of its own (its decimals as written). A
    ProblemError when the output grows past MAX_COMPOSED nodes."""
    env: dict = {}
    for q in prob.inputs:
        if q.name in keep:
            continue
        for (_, sym), v in zip(_entries(q), (list(q.given) if q.shape else [q.given])):
            env[sym] = v
    out = {}
    for q in prob.nodes:
        rule = (q.rule if rules is None else rules.get(q.name, q.rule)).xreplace(env)
        for e in (list(rule) if q.shape else [rule]):
            if _size(e, MAX_COMPOSED) > MAX_COMPOSED:
                raise ProblemError(said("graph_file.composed_too_large", name=q.name, most=f"{MAX_COMPOSED:,}"),
                                   source=prob.source, field=".".join(str(p) for p in q.path) or None, line=q.line)
        if q.shape:
            for (_, sym), e in zip(_entries(q), list(rule)):
                env[sym] = e
        else:
            env[q.symbol] = rule
        out[q.name] = rule
    return out


@dataclass(frozen=True)
class GraphCheck:
    rows: dict                  # id -> {"backward", "direct", "finite_difference"} (and "kink", at a kink)
    max_direct: float
    max_fd: float               # over the entries that are at no kink
    step: float

    @property
    def kinks(self) -> dict:
        """id -> why finite differences are not comparable there (a node evaluated at a kink upstream)."""
        return {k: r["kink"] for k, r in self.rows.items() if r.get("kink")}

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def ok(self) -> bool:
        return self.max_direct <= 1e-12 and self.max_fd <= 1e-6


def _rel(a: float, b: float) -> float:
    return abs(a - b) / max(1.0, abs(a), abs(b))


def _forward(prob: GraphProblem, env: dict):
    """The output with the inputs of `env` (30-digit floats), node by node."""
    env = dict(env)
    for q in prob.nodes:
        value = q.rule.xreplace(env)
        if q.shape:
            for (_, sym), e in zip(_entries(q), list(value)):
                env[sym] = sp.N(e, DIGITS)
        else:
            env[q.symbol] = sp.N(value, DIGITS)
    return env[prob.get(prob.output).symbol]


def check_graph(sol: GraphSolution) -> GraphCheck:
    """Every entry of every ∂L/∂p three ways: the backward pass, sympy.diff of the output written out
    in the inputs, and central finite differences (h = 1e-6, 30 digits)."""
    prob = sol.problem
    composed = compose(prob, set(prob.parameters))[prob.output]
    base = {}
    for q in prob.inputs:
        for (_, sym), v in zip(_entries(q), (list(q.given) if q.shape else [q.given])):
            base[sym] = sp.Float(v, DIGITS) if v.is_Rational else sp.N(v, DIGITS)
    exact_at = {sym: v for q in prob.inputs if q.name in prob.parameters
                for (_, sym), v in zip(_entries(q), (list(q.given) if q.shape else [q.given]))}
    rows, max_direct, max_fd = {}, 0.0, 0.0
    kinks = [(_upstream(prob, node), why) for node, why in kinks_of(sol)]
    for name in prob.parameters:
        q = prob.get(name)
        grad = sol.gradients.get(name)
        for suffix, sym in _entries(q):
            if grad is None:
                backward = 0.0
            else:
                backward = float(grad[_index(q, suffix)] if q.shape else grad)
            direct = float(sp.N(sp.diff(composed, sym).xreplace(exact_at), DIGITS))
            up, down = dict(base), dict(base)
            up[sym], down[sym] = base[sym] + STEP, base[sym] - STEP
            fd = float((_forward(prob, up) - _forward(prob, down)) / (2 * STEP))
            rows[f"grad_{name}{suffix}"] = {"backward": backward, "direct": direct, "finite_difference": fd}
            max_direct = max(max_direct, _rel(backward, direct))
            kink = next((why for above, why in kinks if name in above), None)
            if kink is None:
                max_fd = max(max_fd, _rel(backward, fd))
            else:               # finite differences see the mean of the one-sided slopes: not comparable
                rows[f"grad_{name}{suffix}"]["kink"] = kink
    return GraphCheck(rows, max_direct, max_fd, float(STEP))


# -- kinks: a formula evaluated exactly where it has no derivative ----------------------------------

def kinks_of(sol: GraphSolution) -> list[tuple[str, object]]:
    """(node, why) for every node on the way to the output whose relu, abs, max, min or leaky_relu is
    evaluated exactly at its kink (graph_kinks.py, which the worked solution's note reads too): there
    the derivative is a convention and finite differences see the mean of the one-sided slopes."""
    from .graph_kinks import kinks
    prob = sol.problem
    found: list[tuple[str, object]] = []
    for k in kinks(prob, sol.env, _upstream(prob, prob.output)):
        if found and found[-1][0] == k.node:
            continue                                    # one reason a node
        found.append((k.node, said("graph_check.kink", node=k.node, fn=k.fn, where=k.where)))
    return found


def _upstream(prob: GraphProblem, name: str) -> set[str]:
    """`name` and every quantity it is computed from."""
    out, todo = {name}, [name]
    while todo:
        for o in prob.get(todo.pop()).operands:
            if o not in out:
                out.add(o)
                todo.append(o)
    return out


def _index(q: Quantity, suffix: str) -> tuple[int, int]:
    parts = [int(p) - 1 for p in suffix.strip("_").split("_")]
    if len(parts) == 2:
        return parts[0], parts[1]
    return (parts[0], 0) if q.shape[1] == 1 else (0, parts[0])


@dataclass(frozen=True)
class GraphDerivation:
    """∂L/∂p for every parameter p, symbolically: `chained`, by the backward pass with the nodes kept
    as names (2(y − t)·x_1, as the lecture writes it), and `written_out`, with every node written
    out in the inputs (None where an entry is long: graph_derive_forms.Length); `check`: the
    numbers three ways. `forms` and `written_forms`: where a vector's or matrix's gradient factors as
    a scalar times a vector or an outer product (graph_derive_forms.MatrixForm), that form of `shown`
    and of `written_out`; `lengths`: each written-out gradient's longest entry (terms, nodes)."""

    solution: GraphSolution
    chained: dict
    written_out: dict
    check: GraphCheck
    shown: dict = field(default_factory=dict)   # `chained` with each node's decimals as written (0.1·w)
    forms: dict = field(default_factory=dict)
    written_forms: dict = field(default_factory=dict)
    lengths: dict = field(default_factory=dict)
    written_shown: dict = field(default_factory=dict)   # `written_out` with the decimals as written (0.1·w·x)


def _symbolic_backward(prob: GraphProblem, env: dict | None = None, shown: dict | None = None) -> dict:
    """∂L/∂q for every quantity on a path parameter → output, as formulas of the node names. With
    `env` (the solution's numbers), `shown` gets the same with each scalar node's decimals as written,
    where that local gradient agrees there (graph._Context.shown_local, as `solve` shows it)."""
    from .graph import _Context, evaluate, local_gradient, relevant
    by_name = {q.name: q for q in prob.quantities}
    grads: dict = {prob.output: sp.Integer(1)}
    context = _Context(prob, env) if env is not None else None
    if shown is not None:
        shown[prob.output] = sp.Integer(1)
    wanted = relevant(prob)
    order = [n for n in reversed(wanted) if n != prob.output and by_name[n].kind == "node"] + \
            [n for n in wanted if by_name[n].kind == "input"]
    for name in order:
        q = by_name[name]
        total = sp.zeros(*q.shape) if q.shape else sp.Integer(0)
        as_written = total
        for f in prob.quantities:
            if f.name not in grads or name not in f.operands:
                continue
            if f.shape == ():
                local = local_gradient(f, q)
                total = total + grads[f.name] * local
                if context is not None:
                    written = context.shown_local(f, q, local, evaluate(local, env))
                    as_written = as_written + shown[f.name] * (local if written is None else written)
            else:
                for r in range(f.shape[0]):
                    for c in range(f.shape[1]):
                        class _E:
                            rule = f.rule[r, c]
                        term = grads[f.name][r, c] * local_gradient(_E, q)
                        total = total + term
                        as_written = as_written + term
        if q.shape:
            total = sp.ImmutableMatrix(total).applyfunc(sp.factor_terms)
            cells = list(total)
        else:
            total = sp.factor_terms(total)
            cells = [total]
        if any(_size(e, MAX_COMPOSED) > MAX_COMPOSED for e in cells):
            raise ProblemError(said("graph_file.gradient_too_large", grad=f"∂{prob.output}/∂{name}",
                                    most=f"{MAX_COMPOSED:,}"),
                               source=prob.source, field=".".join(str(p) for p in q.path) or None, line=q.line)
        grads[name] = total
        if context is not None:
            shown[name] = sp.ImmutableMatrix(as_written).applyfunc(sp.factor_terms) if q.shape \
                else sp.factor_terms(as_written)
    return grads


def derive_graph(sol: GraphSolution) -> GraphDerivation:
    """Each ∂L/∂p by the backward pass in the node names and written out in the inputs, their matrix
    forms where they factor, and the three-way check."""
    from .graph_derive_forms import length, matrix_form
    prob = sol.problem
    shown: dict = {}
    grads = _symbolic_backward(prob, sol.env, shown)
    composed = compose(prob, {q.name for q in prob.inputs})[prob.output]
    chained, written, as_written, forms, written_forms, lengths = {}, {}, {}, {}, {}, {}
    written_shown = _written_out_as_written(sol)
    for name in prob.parameters:
        q = prob.get(name)
        chained[name] = grads.get(name, sp.zeros(*q.shape) if q.shape else sp.Integer(0))
        as_written[name] = shown.get(name, chained[name])
        if q.shape:
            full = sp.ImmutableMatrix(q.shape[0], q.shape[1],
                                      lambda r, c: sp.factor_terms(sp.diff(composed, q.symbol[r, c])))
            cells = list(full)
        else:
            full = sp.factor_terms(sp.diff(composed, q.symbol))
            cells = [full]
        lengths[name] = length(cells)
        written[name] = None if lengths[name].long else full
        form = matrix_form(prob, as_written[name], sol.env)
        if form is not None:
            forms[name] = form
        if written[name] is not None:
            if name not in written_shown:
                written_shown[name] = full
            form = matrix_form(prob, written_shown[name], sol.env)
            if form is not None:
                written_forms[name] = form
    return GraphDerivation(sol, chained, written, check_graph(sol), as_written, forms, written_forms, lengths,
                           written_shown)


def _written_out_as_written(sol: GraphSolution) -> dict:
    """∂L/∂p written out in the inputs with each node's decimals as its formula writes them (0.1·w·x,
    not w·x/10, folded as graph_written.fold_decimals does), for each parameter where the graph has a
    decimal and that form has the exact one's value at the solution's numbers (graph_written.same)."""
    from .graph import _Context, evaluate
    from .formula import decimal_values
    from .graph_written import fold_decimals, same
    from .magnitude import TooLarge
    prob = sol.problem
    context = _Context(prob, sol.env)
    rules = {q.name: context.written_rule(q) for q in prob.nodes}
    rules = {k: v for k, v in rules.items() if v is not None}
    if not rules:
        return {}
    try:
        composed = compose(prob, {q.name for q in prob.inputs}, rules)[prob.output]
    except ProblemError:                # past MAX_COMPOSED as written: the exact form is shown
        return {}
    out = {}
    for name in prob.parameters:
        q = prob.get(name)
        if q.shape:
            form = sp.ImmutableMatrix(q.shape[0], q.shape[1], lambda r, c: fold_decimals(
                sp.factor_terms(sp.diff(composed, q.symbol[r, c]))))
            exact = form.applyfunc(decimal_values)
        else:
            form = fold_decimals(sp.factor_terms(sp.diff(composed, q.symbol)))
            exact = decimal_values(form)
        try:
            ok = same(evaluate(exact, sol.env), sol.gradients.get(name, 0))
        except TooLarge:
            ok = False
        if ok:
            out[name] = form
    return out
