"""How `derive` on a graph file sizes and reshapes a gradient: its number of terms, and its matrix form.

`terms` counts the terms an expression writes, so that "long" is said only of a gradient whose
entries, written out in the inputs, have more than SHOW_TERMS terms in all. `matrix_form` finds, with SymPy, where an entry-wise gradient of a vector or
matrix factors as one scalar times a vector of the graph (∂L/∂b = 2(y − t)·x) or times an outer
product of two (∂L/∂A = 2(y − t)·x·xᵀ, entry by entry ∂L/∂A_ij = 2(y − t)·x_i·x_j): from the
gradient's own entries, not from a template, and only within fixed bounds of work.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .evaluate import size

SHOW_TERMS = 30                 # a gradient written out with more terms (all its entries) is called long
SHOW_NODES = 400                # ... and one with more SymPy nodes than this (a long product or call chain)
MAX_FORM_ENTRIES = 400          # matrix_form looks at gradients of at most this many entries
MAX_FORM_NODES = 500            # ... each entry at most this many SymPy nodes
MAX_FORM_CANDIDATES = 8         # ... and at most this many vectors of the graph for each side


def terms(expr: sp.Basic) -> int:
    """The number of terms an expression writes: a sum counts the terms of its summands, anything else
    the terms of the sums inside it (2·x_1·(a + b + c) has 3, (a + b)(c + d) has 4), and an expression
    with no sum is one term."""
    if isinstance(expr, sp.Add):
        return sum(terms(a) for a in expr.args)
    inner = sum(terms(a) for a in expr.args if a.has(sp.Add))
    return max(inner, 1)


@dataclass(frozen=True)
class Length:
    """How long a gradient written out is, all its entries together: `terms` (long past SHOW_TERMS)
    and SymPy `nodes` (long past SHOW_NODES, counted no further than SHOW_NODES + 1)."""

    terms: int
    nodes: int

    @property
    def long(self) -> bool:
        return self.terms > SHOW_TERMS or self.nodes > SHOW_NODES


def length(cells) -> Length:
    """The terms and nodes of all the entries `cells` together."""
    nodes = 0
    for e in cells:
        nodes += size(e, SHOW_NODES)
        if nodes > SHOW_NODES:
            break
    return Length(sum(terms(e) for e in cells), min(nodes, SHOW_NODES + 1))


@dataclass(frozen=True)
class MatrixForm:
    """A gradient G as `scale`·u (a vector G) or `scale`·u·vᵀ (a matrix G): `left` and `right` name
    the vectors of the graph, `left_row`/`right_row` whether that vector is a row (then shown
    transposed where a column is meant)."""

    scale: sp.Expr
    left: str
    left_row: bool
    right: str | None = None
    right_row: bool = False

    def vectors(self, row: bool) -> list[tuple[str, bool]]:
        """(name, transposed) of each vector as the form writes it: s·u for a vector gradient (uᵀ where
        u and the gradient (a row when `row`) lie differently), s·u·vᵀ for a matrix (u a column, vᵀ a row)."""
        if self.right is None:
            return [(self.left, self.left_row != row)]
        return [(self.left, self.left_row), (self.right, not self.right_row)]


def _vectors(prob) -> list:
    """The graph's vector quantities (n×1 or 1×n, n > 1), inputs and nodes, in the file's order."""
    return [q for q in prob.quantities if q.shape and 1 in q.shape and max(q.shape) > 1]


def _equal(a: sp.Expr, b: sp.Expr, env: dict | None) -> bool:
    """a = b as formulas: the same tree, or (unless their values at `env`, the solution's numbers,
    already differ) a difference that sympy.cancel makes 0."""
    if a == b:
        return True
    if env:
        try:
            from .formula import decimal_values          # a decimal as written (0.1·w) by its value
            va, vb = (complex(sp.N(decimal_values(e).xreplace(env), 20)) for e in (a, b))
            if abs(va - vb) > 1e-9 * max(1.0, abs(va), abs(vb)):
                return False
        except (TypeError, ValueError):
            pass
    return sp.cancel(a - b) == 0


def _candidates(vectors, n: int, cells_at) -> list:
    """The vectors of length n whose i-th entry appears in every entry `cells_at(i)` of line i."""
    out = []
    for q in vectors:
        if max(q.shape) != n:
            continue
        syms = list(q.symbol)
        if all(syms[i] in e.free_symbols for i in range(n) for e in cells_at(i)):
            out.append(q)
        if len(out) >= MAX_FORM_CANDIDATES:
            break
    return out


def matrix_form(prob, grad, env: dict | None = None) -> MatrixForm | None:
    """G = s·u or G = s·u·vᵀ for the entry-wise gradient `grad` (a SymPy matrix in the node names),
    with u, v vectors of the graph `prob` and s one scalar for every entry; None where no such form
    is found (a scalar, an all-zero gradient, a gradient past the bounds, or none that fits). `env`:
    the solution's numbers, to rule out a candidate by its values before SymPy cancels."""
    if not isinstance(grad, sp.MatrixBase) or grad.rows * grad.cols <= 1:
        return None
    rows, cols = grad.shape
    if rows * cols > MAX_FORM_ENTRIES or any(size(e, MAX_FORM_NODES) > MAX_FORM_NODES for e in grad):
        return None
    if all(e == 0 for e in grad):
        return None
    vectors = _vectors(prob)
    if rows == 1 or cols == 1:
        cells = list(grad)
        for u in _candidates(vectors, len(cells), lambda i: [cells[i]]):
            us = list(u.symbol)
            scale = sp.factor_terms(cells[0] / us[0])
            if all(_equal(cells[i], scale * us[i], env) for i in range(len(cells))):
                return MatrixForm(scale, u.name, u.shape[0] == 1)
        return None
    lefts = _candidates(vectors, rows, lambda i: [grad[i, c] for c in range(cols)])
    rights = _candidates(vectors, cols, lambda j: [grad[r, j] for r in range(rows)])
    for u in lefts:
        us = list(u.symbol)
        for v in rights:
            vs = list(v.symbol)
            scale = sp.factor_terms(grad[0, 0] / (us[0] * vs[0]))
            if all(_equal(grad[r, c], scale * us[r] * vs[c], env) for r in range(rows) for c in range(cols)):
                return MatrixForm(scale, u.name, u.shape[0] == 1, v.name, v.shape[0] == 1)
    return None


def index_letters(taken) -> tuple[str, str]:
    """Two index letters for the entry form (∂L/∂A_ij): i and j unless the graph names a quantity so."""
    pool = [c for c in "ijklmnpqrs" if c not in set(taken)]
    return (pool[0], pool[1]) if len(pool) >= 2 else ("i", "j")
