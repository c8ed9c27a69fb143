"""Kinks of a computation graph: a node's relu, abs, max, min or leaky_relu evaluated exactly where it
has no derivative, and the value of the derivative the backward pass takes there.

There the derivative is a convention (relu'(0) = 0, abs'(0) = sign(0) = 0, at a tie of max(a, b)
∂max/∂a = ∂max/∂b = step(0) = ½, leaky_relu'(0) = its slope): the worked solution states which value
was taken (render/graph.py), and `solve --check` (graph_check.py) says that finite differences are not
comparable there. Both read the kinks found here, so that they name the same ones. The values taken
are computed from the same SymPy derivative the backward pass uses, not written down twice.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .formula import Node, Value, text_of

MAX_KINKS = 50           # kinks reported; a graph has at most graph.MAX_NODES nodes anyway
# the formula functions with a kink: name -> number of arguments
KINKED = {"relu": 1, "abs": 1, "leaky_relu": 1, "max": 2, "min": 2}


@dataclass(frozen=True)
class Kink:
    """Node `node`'s call of `fn` with arguments `args` (SymPy, in the operands' symbols) evaluated
    at its kink: `taken` holds, per argument, the value of ∂fn/∂argument the backward pass uses."""

    node: str
    fn: str
    args: tuple
    taken: tuple
    written: tuple = ()          # the arguments as the file writes them: `s`, `w - 0.25`
    trees: tuple = ()            # and as formula trees (formula.Node), for the steps' printer

    @property
    def where(self) -> str:
        """The condition met, as written: `x = 0`, or `x = w - 0.25` for a tie of max or min."""
        if len(self.written) == 2:
            return f"{self.written[0]} = {self.written[1]}"
        return f"{self.written[0]} = 0"


def _calls(node: Node):
    """Every call of a kinked function in the formula tree, outermost first."""
    if node.kind == "call" and node.text in KINKED:
        yield node
    for a in node.args:
        yield from _calls(a)


def _bare(node: Node) -> Node:
    while node.kind == "paren":
        node = node.args[0]
    return node


def _is_zero(e) -> bool:
    if e.is_zero:
        return True
    try:
        return bool(e.is_number) and abs(float(e)) <= 1e-12
    except (TypeError, ValueError):
        return False


def _taken(fn: str, n: int) -> tuple:
    """The derivative of `fn` by each of its n arguments at its kink (0, or a tie), as SymPy gives it
    for the formula's function."""
    from .formula import SCALAR_FUNCTIONS
    dummies = sp.symbols(f"k0:{n}", real=True)
    value = SCALAR_FUNCTIONS[fn][1](*dummies)
    at = {d: sp.Integer(0) for d in dummies}
    return tuple(sp.diff(value, d).xreplace(at) for d in dummies)


def kinks(prob, env: dict, nodes=None) -> list[Kink]:
    """Every (node, call) of relu, abs, leaky_relu, max or min evaluated exactly at its kink, in the
    file's order (at most MAX_KINKS); `nodes`: only those names (default: every node). A matrix
    argument counts when any entry is at the kink."""
    names = {q.name: Value(q.symbol, q.shape) for q in prob.quantities}
    found: list[Kink] = []
    for q in prob.nodes:
        if nodes is not None and q.name not in nodes:
            continue
        for call in _calls(q.formula.tree):
            args = tuple(q.formula._build(a, names).expr for a in call.args)
            cells = [list(a) if isinstance(a, sp.MatrixBase) else [a] for a in args]
            if len(args) == 2:
                if len(cells[0]) != len(cells[1]):        # a scalar against a matrix: each entry
                    cells = [c * (len(cells[1 - i]) if len(c) == 1 else 1) for i, c in enumerate(cells)]
                hit = any(_is_zero((a - b).xreplace(env)) for a, b in zip(*cells))
            else:
                hit = any(_is_zero(a.xreplace(env)) for a in cells[0])
            if hit:
                found.append(Kink(q.name, call.text, args, _taken(call.text, len(args)),
                                  tuple(text_of(_bare(a)) for a in call.args), tuple(_bare(a) for a in call.args)))
                if len(found) >= MAX_KINKS:
                    return found
    return found
