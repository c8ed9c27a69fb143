"""The backward walk: ∂J/∂s = Σ over the consumers c of s of ∂J/∂c · ∂c/∂s, in reverse graph order.

As in tinygrad's gradient.py, two pieces: a table of local derivatives ∂c/∂s of each kind of rule
(`local_derivatives`) and a short walker (`walk`) that visits the forward graph (model.py's
assignments `symbol := rule`) from the end, each symbol after all of its consumers, and hands each
symbol's finished list of (∂J/∂c, ∂c/∂s) to a callback that may name it (δ_j, g'(net_j)), so that
every derivative stays written in the named symbols of the layer after and its size grows linearly
with the network. derive.py turns the walk into the teacher's steps.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Callable, Iterable, Sequence

import sympy as sp

from .activations import softmax_jacobian
from .fastops import times
from .model import Assignment, Model

# one consumer's share of ∂J/∂s: (∂J/∂c, ∂c/∂s)
Contribution = tuple[sp.Expr, sp.Expr]
Adjoint = Callable[[Assignment, list[Contribution]], sp.Expr]


def chain_sum(contributions: Sequence[Contribution]) -> sp.Expr:
    """Σ_c ∂J/∂c · ∂c/∂s, the chain rule over the consumers."""
    return sp.Add(*[times(up, local) for up, local in contributions])


def _plain(a: Assignment, contributions: list[Contribution]) -> sp.Expr:
    return chain_sum(contributions)


def rule_derivatives(rule: sp.Expr, wanted: Callable[[sp.Symbol], bool]) -> dict[sp.Symbol, sp.Expr]:
    """`sympy.diff` of a rule by each wanted symbol in it. A sum is differentiated term by term, only
    the terms that contain the symbol (net_j = Σ_i w_ij·u_i: ∂/∂w_ij is one term), which is the same
    derivative in O(terms) instead of O(terms²) for a whole layer."""
    terms = rule.args if rule.is_Add else (rule,)
    holding: dict[sp.Symbol, list[sp.Expr]] = defaultdict(list)
    for term in terms:
        for sym in term.free_symbols:
            if wanted(sym):
                holding[sym].append(term)
    return {sym: _linear_factor(ts[0], sym) if len(ts) == 1 else sp.diff(sp.Add(*ts), sym)
            for sym, ts in holding.items()}


def _linear_factor(term: sp.Expr, sym: sp.Symbol) -> sp.Expr:
    """∂term/∂sym: for a product in which sym is one plain factor (w_ij·u_i), the other factors —
    what `sympy.diff` returns, without its general machinery (the walk takes thousands of these)."""
    if term == sym:
        return sp.Integer(1)
    if term.is_Mul:
        rest = [f for f in term.args if f != sym]
        if len(rest) == len(term.args) - 1 and not any(f.has(sym) for f in rest):
            return sp.Mul(*rest)
    return sp.diff(term, sym)


def local_derivatives(model: Model, a: Assignment, wanted: Callable[[sp.Symbol], bool]) -> dict[sp.Symbol, sp.Expr]:
    """∂(a.symbol)/∂s for each wanted symbol s of a's rule: the table of local derivatives.

    An activation u_j = g(net_j) has the table derivative of activations.py, named g'(net_j) (its own
    step); softmax u_m has ∂u_m/∂net_k = u_m(δ_mk − u_k) for every unit k of its layer; every other
    rule (net, loss, batch loss) is `sympy.diff` of the rule."""
    info = model.info[a.symbol]
    if info.kind == "u":
        j, n = info.unit, a.sample
        act = model.act_of[j]
        if act.elementwise:
            return {model.net(j, n): model.gprime(j, n)}
        layer = model.part.layers[model.layer_of[j] - 1]
        outs = [model.out(k, n) for k in layer]
        m = layer.index(j)
        return {model.net(k, n): softmax_jacobian(outs, m, idx) for idx, k in enumerate(layer)}
    return rule_derivatives(a.rule, wanted)


def walk(model: Model, graph: Iterable[Assignment], seeds: dict[sp.Symbol, sp.Expr],
         wanted: Callable[[sp.Symbol], bool], adjoint: Adjoint = _plain) -> dict[sp.Symbol, list[Contribution]]:
    """Walk `graph` (assignments in forward order) in reverse from `seeds` ({root: ∂J/∂root}).

    Each assignment whose symbol the seeds reach is visited once, after all of its consumers; its
    ∂J/∂symbol is `adjoint(a, contributions)` (the chain sum, or a name for it), passed on to each
    wanted symbol of its rule times the local derivative. Returns the contributions gathered by
    every wanted symbol, leaves too (the weights, whose ∂J/∂w the caller sums)."""
    gathered: dict[sp.Symbol, list[Contribution]] = defaultdict(list)
    for a in reversed(list(graph)):
        if a.symbol in seeds:
            grad = seeds[a.symbol]
        elif a.symbol in gathered:
            grad = adjoint(a, gathered[a.symbol])
        else:
            continue                       # does not reach the root
        for sym, local in local_derivatives(model, a, wanted).items():
            gathered[sym].append((grad, local))
    return gathered
