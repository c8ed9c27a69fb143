"""What a wrong value of a computation graph's item shows: the wrong sign, a factor 2 or ½ too many
or left out, and for a matrix gradient its transpose. Each is found from the number alone, as for a
network (diagnose.py); a later item computed from such a value follows through (graph_own.py), so the
mistake is charged once. A factor's message names only a cause the item's formula can have (Causes):
the 2 of a square on the derivative of a squared term, the ½ of a formula that has one.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..graph import GraphSolution, Quantity, entry_suffix
from ..messages import said
from .compare import Tolerance, compare_number

MAX_FORMULA_CHARS = 60        # a formula quoted in a message longer than this is cut

# (factor the student's value is multiplied by to give the true one, diagnosis)
_FACTORS = ((-1.0, "sign"), (2.0, "factor_half"), (0.5, "factor_two"))


@dataclass(frozen=True)
class Causes:
    """What a factor 2 or ½ in one item can come from, as `node = formula` texts (None: not possible):
    `square`, a squared term the item is the derivative through (∂L/∂y of L = (y − t)²), whose 2 may be
    left out; `square_node`, the item's own formula squares (L = (y − t)², a ½ added by the student's
    convention); `half`, a ½ in the item's own formula or in the formula it is the derivative through."""

    square: str | None = None
    square_node: str | None = None
    half: str | None = None


def _shown(q: Quantity) -> str:
    text = q.formula.text if q.formula is not None else q.name
    text = text if len(text) <= MAX_FORMULA_CHARS else text[:MAX_FORMULA_CHARS] + "…"
    return f"{q.name} = {text}"


def _squares(rule, sym) -> bool:
    """Whether `rule` has a square of a term that depends on `sym` ((y − t)², r_1², xpy²)."""
    return any(p.exp == 2 and (sym is None or sym in p.base.free_symbols) for p in rule.atoms(sp.Pow))


def _has_half(rule) -> bool:
    return any(n in (sp.Rational(1, 2), sp.Float(0.5)) for n in rule.atoms(sp.Number))


def _entries(q: Quantity) -> list[tuple[str, object, object]]:
    if q.shape == ():
        return [("", q.symbol, q.rule)]
    return [("_" + entry_suffix(q.shape, r, c), q.symbol[r, c], None if q.rule is None else q.rule[r, c])
            for r in range(q.shape[0]) for c in range(q.shape[1])]


def graph_causes(sol: GraphSolution) -> dict[str, Causes]:
    """Item id -> the causes of a factor 2 or ½ its formula can have; items with none are left out."""
    prob = sol.problem
    out: dict[str, Causes] = {}
    for q in prob.quantities:
        consumers = [(f, _entries(f)) for f in prob.nodes if q.name in f.operands]
        for suffix, sym, rule in _entries(q):
            if q.kind == "node" and rule is not None:
                own = Causes(square_node=_shown(q) if _squares(rule, None) else None,
                             half=_shown(q) if _has_half(rule) else None)
                if own != Causes():
                    out[q.name + suffix] = own
            square = half = None
            for f, entries in consumers:
                used = [r for _, _, r in entries if r is not None and sym in r.free_symbols]
                if square is None and any(_squares(r, sym) for r in used):
                    square = _shown(f)
                if half is None and any(_has_half(r) for r in used):
                    half = _shown(f)
            if square or half:
                out[f"grad_{q.name}{suffix}"] = Causes(square=square, half=half)
    return out


def diagnose_graph_value(number: float, places: int | None, expected: float, tol: Tolerance,
                         causes: Causes | None = None) -> tuple[str, str] | None:
    """(diagnosis, message) for a wrong value that is the expected one up to its sign or a factor 2 or
    ½, or None. The mistake's value (−expected, expected/2, 2·expected) must hold at the places the
    number is written with, as for a network (diagnose.explain): right to the places asked, or that
    value rounded half away from zero to fewer places (2 for 1.5, never 1) when the number is not also
    the right value rounded to them (1 for 0.75 is that rounding, not twice it). A 0 expected tells
    nothing. The message of a factor names a cause only where `causes` (the item's formula) allows it;
    else it says only "half" or "twice the expected value"."""
    if expected == 0 or number == 0:
        return None
    for factor, code in _FACTORS:
        if mistake_written(number, places, expected / factor, expected, tol):
            return code, said("diagnosis.sign") if code == "sign" else factor_words(code, causes)
    return None


_TIE = 1e-9          # a float this close (in units of the last place) to a half is taken as that half


def rounds_half_up_to(number: float, places: int, value: float) -> bool:
    """Whether `number` is `value` rounded half away from zero to `places` decimal places (the docs'
    rule, docs/solutions.md): 2 for 1.5 and −2 for −1.5, never 1; a float within _TIE of a half is the half."""
    unit = 10.0 ** -places
    n, k = number / unit, value / unit
    gap = abs(n - k)
    if abs(gap - 0.5) <= _TIE * max(1.0, abs(k)):
        return abs(n) > abs(k) and (n > 0) == (k > 0)          # a tie: away from zero
    return gap < 0.5 and abs(n - round(n)) <= _TIE * max(1.0, abs(n))


def mistake_written(number: float, places: int | None, value: float, expected: float, tol: Tolerance) -> bool:
    """Whether `number`, written with `places` decimals, is the mistake's `value`: right to the places asked
    (compare_number's "correct"), or `value` rounded half away from zero to fewer places, provided the
    number is not also the right value `expected` rounded to them (the network's rule, diagnose.explain):
    1 for 0.75 is 0.75 rounded, not twice it."""
    status = compare_number(number, places, value, tol).status
    if status == "correct":
        return True
    if status != "imprecise" or places is None:
        return False
    if abs(number - expected) <= 0.5 * 10.0 ** -max(places, 0) * (1 + 1e-9) + 1e-12 * max(1.0, abs(expected)):
        return False                      # the right value rounded (or showing no digit of it): 1 for 0.75
    return rounds_half_up_to(number, max(places, 0), value)


def factor_words(code: str, causes: Causes | None) -> str:
    """The message of `factor_half` or `factor_two` for an item with these causes."""
    causes = causes or Causes()
    if code == "factor_half":
        if causes.square:
            return said("graph_answers.half_of_square", node=causes.square)
        if causes.square_node:
            return said("graph_answers.half_extra", node=causes.square_node)
        return said("graph_answers.half_plain")
    if causes.half:
        return said("graph_answers.twice_half_left", node=causes.half)
    return said("graph_answers.twice_plain")


def transposed(given: list, expected_rows: list[list[float]], tol: Tolerance) -> bool:
    """Whether a matrix written as rows (`given`, numbers) is the transpose of the expected one and not
    the expected one itself: ∂L/∂A written with rows and columns swapped (for a square A, the entries
    off the diagonal). Entries not numbers, or of another shape, are not."""
    rows, cols = len(expected_rows), len(expected_rows[0]) if expected_rows else 0
    if rows < 2 or cols < 2 or len(given) != cols or any(not isinstance(r, list) or len(r) != rows for r in given):
        return False
    try:
        values = [[float(v) for v in r] for r in given]
    except (TypeError, ValueError):
        return False

    def close(a: float, b: float) -> bool:
        return compare_number(a, None, b, tol, 0.5 * 10.0 ** -tol.precision).status in ("correct", "imprecise")

    if rows == cols and all(close(values[r][c], expected_rows[r][c]) for r in range(rows) for c in range(cols)):
        return False
    return all(close(values[c][r], expected_rows[r][c]) for r in range(rows) for c in range(cols))


def masked(sol: GraphSolution, q: str, f: str, suffix: str, fsuffix: str) -> bool:
    """Whether node f's local derivative by q's entry (`suffix`) is a mask: step-like (a Heaviside, or pieces
    that are each 0 or 1: relu, max(z, 0)) and 0 at the true values, so ∂L/∂q there is 0 (h = relu(z), z_1 < 0)."""
    prob = sol.problem
    fq, qq = prob.get(f), prob.get(q)
    rule = dict((s, r) for s, _, r in _entries(fq)).get(fsuffix)
    sym = dict((s, y) for s, y, _ in _entries(qq)).get(suffix)
    if rule is None or sym is None:
        return False
    local = sp.diff(rule, sym)
    if isinstance(local, sp.Piecewise):
        step = all(e in (sp.S.Zero, sp.S.One) for e, _ in local.args)
    else:
        step = isinstance(local, sp.Heaviside)
    if not step:
        return False
    try:
        return complex(sp.N(local.xreplace(sol.env))) == 0
    except (TypeError, ValueError, ArithmeticError):
        return False


def untransposed(sol: GraphSolution) -> dict[str, tuple[float, str, str, str]]:
    """Entry id of a gradient (`grad_x_1`) -> (its value with a matrix operand used where its transpose
    belongs, that operand's name, the node's `f = formula`, the gradient's id `grad_x`), for every node f = A*B of two matrices: ∂L/∂B
    taken as A·∂L/∂f instead of Aᵀ·∂L/∂f (A square), ∂L/∂A as ∂L/∂f·B instead of ∂L/∂f·Bᵀ (B square), the
    rest of the gradient (other consumers) as it is. An entry the slip leaves right (A symmetric) is not listed."""
    out: dict[str, tuple[float, str, str, str]] = {}
    for f in sol.problem.nodes:
        tree = f.formula.tree if f.formula is not None else None
        while tree is not None and tree.kind == "paren":
            tree = tree.args[0]
        if tree is None or tree.kind != "mul" or any(a.kind != "name" for a in tree.args) or f.name not in sol.gradients:
            continue
        a, b = (t.text for t in tree.args)
        A, B, G = sol.values.get(a), sol.values.get(b), sol.gradients[f.name]
        if a == b or not all(isinstance(m, sp.MatrixBase) for m in (A, B, G)):
            continue
        slips = []
        if b in sol.gradients and A.rows == A.cols:
            slips.append((b, a, A.T * G, A * G))             # ∂L/∂B: Aᵀ·G, with A·G
        if a in sol.gradients and B.rows == B.cols:
            slips.append((a, b, G * B.T, G * B))             # ∂L/∂A: G·Bᵀ, with G·B
        for q, used, right, wrong in slips:
            total = sol.gradients[q]
            if not isinstance(total, sp.MatrixBase) or total.shape != wrong.shape:
                continue
            taken = total - right + wrong
            for r in range(taken.rows):
                for c in range(taken.cols):
                    try:
                        value, true = float(taken[r, c]), float(total[r, c])
                    except (TypeError, ValueError):
                        continue
                    if abs(value - true) > 1e-12 * max(1.0, abs(true)):
                        out.setdefault(f"grad_{q}_{entry_suffix(total.shape, r, c)}", (value, used, _shown(f), f"grad_{q}"))
    return out

