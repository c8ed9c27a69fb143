"""The lecture's matrix example: y = xᵀAx + b·x + c, L = (y − y*)², differentiated by SymPy.

The computation graph of the lecture names the intermediate results M = xᵀA, x₁ = Mx = xᵀAx,
x₂ = b·x and y = x₁ + x₂ + c. Each local derivative of the chain is `sympy.diff` — of scalars
(∂L/∂y, ∂y/∂x₁) or of matrix expressions in `MatrixSymbol`s of symbolic size n (∂x₁/∂A = xxᵀ,
∂x₂/∂b = x) — and the gradients are their products. The numbers of a problem file are then put in,
and every gradient is compared with `sympy.diff` of L written out entry by entry.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from .fields import FieldReader
from .usertext import DESCRIPTION_MAX, TITLE_MAX
from .yamlfile import YamlDocument, load_yaml

KEYS = ("title", "description", "model", "x", "A", "b", "c", "target", "precision",
        "optimizer", "steps", "update")          # the last three: an optimizer run, read as the graph's (graph.py)
MAX_N = 8

n = sp.Symbol("n", integer=True, positive=True)
x, b = sp.MatrixSymbol("x", n, 1), sp.MatrixSymbol("b", n, 1)
A, M = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("M", 1, n)
c, y, y_star, x1, x2, L = sp.symbols("c y y^* x_1 x_2 L", real=True)


@dataclass(frozen=True)
class QuadraticProblem:
    title: str
    source: str
    x: sp.Matrix
    A: sp.Matrix
    b: sp.Matrix
    c: sp.Rational
    target: sp.Rational
    precision: int = 4


@dataclass(frozen=True)
class QStep:
    """`lhs = forms… ` with its value on the problem's numbers (a scalar or a matrix)."""

    id: str
    section: str                      # forward or backward
    lhs: sp.Expr
    forms: tuple[sp.Expr, ...]
    value: Any


@dataclass(frozen=True)
class QuadraticSolution:
    problem: QuadraticProblem
    steps: tuple[QStep, ...]
    max_error: float                  # gradients vs direct diff of the written-out loss

    @property
    def ok(self) -> bool:
        return self.max_error <= 1e-20

    def step(self, sid: str) -> QStep:
        return next(s for s in self.steps if s.id == sid)


def is_quadratic(doc: YamlDocument) -> bool:
    return isinstance(doc.data, dict) and doc.data.get("model") == "quadratic"


def load_quadratic(path: str) -> QuadraticProblem:
    return read_quadratic(load_yaml(path))


def read_quadratic(doc: YamlDocument) -> QuadraticProblem:
    """Validate a `model: quadratic` file: x (n numbers), A (n×n), b (n), c, target."""
    v = FieldReader(doc)
    data = doc.data
    v.check_keys(data, KEYS, (), "a quadratic-model problem")
    for key in ("x", "A", "b", "c", "target"):
        if key not in data:
            v.fail((key,), "missing; a quadratic-model problem needs x, A, b, c and target (y*)")

    def vector(key: str) -> list:
        value = data[key]
        if not isinstance(value, list) or not 1 <= len(value) <= MAX_N:
            v.fail((key,), f"expected a list of 1 to {MAX_N} numbers")
        return [v.number(e, (key, i)) for i, e in enumerate(value)]

    xs = vector("x")
    size = len(xs)
    bs = vector("b")
    if len(bs) != size:
        v.fail(("b",), f"has {len(bs)} entries; x has {size}")
    rows = data["A"]
    if not isinstance(rows, list) or len(rows) != size or not all(isinstance(r, list) and len(r) == size for r in rows):
        v.fail(("A",), f"expected a {size}×{size} matrix (a list of {size} rows of {size} numbers), as x has {size} entries")
    a = [[v.number(e, ("A", r, col)) for col, e in enumerate(row)] for r, row in enumerate(rows)]
    precision = data.get("precision", 4)
    if isinstance(precision, bool) or not isinstance(precision, int) or not 0 <= precision <= 15:
        v.fail(("precision",), "expected a whole number from 0 to 15")
    title = v.text(data, ("title",), TITLE_MAX) if "title" in data else "The lecture's matrix example"
    if "description" in data:
        v.text(data, ("description",), DESCRIPTION_MAX)
    return QuadraticProblem(str(title), doc.source, sp.Matrix(xs), sp.Matrix(a), sp.Matrix(bs),
                            v.number(data["c"], ("c",)), v.number(data["target"], ("target",)), precision)


def derive_quadratic(prob: QuadraticProblem) -> QuadraticSolution:
    """The forward chain and the gradients ∂L/∂A, ∂L/∂b, ∂L/∂c, each by sympy.diff, with values."""
    # local derivatives, all from sympy.diff
    dL_dy = sp.factor_terms(sp.diff((y - y_star) ** 2, y))    # 2(y − y*)
    y_rule = x1 + x2 + c
    dy_dx1, dy_dx2, dy_dc = (sp.diff(y_rule, v) for v in (x1, x2, c))   # 1, 1, 1
    dx1_dM = sp.diff(M * x, M)                                 # x
    dx1_dA = sp.diff(x.T * A * x, A)                          # x xᵀ
    dx2_db = sp.diff(b.T * x, b)                               # x

    def D(f, v):
        return sp.Derivative(f, v)

    def times(*fs):
        return sp.Mul(*fs, evaluate=False)

    def scaled(scalar, matrix):      # 2(y − y*)·xxᵀ, without SymPy multiplying the 2 into the sum
        return sp.MatMul(scalar, *(matrix.args if isinstance(matrix, sp.MatMul) else (matrix,)), evaluate=False)

    grad_y = dL_dy
    grad_x1 = sp.factor_terms(dL_dy * dy_dx1)
    grad_x2 = sp.factor_terms(dL_dy * dy_dx2)
    forward = [
        QStep("M", "forward", M, (x.T * A,), None),
        QStep("x1", "forward", x1, (M * x, x.T * A * x), None),
        QStep("x2", "forward", x2, (b.T * x,), None),
        QStep("y", "forward", y, (y_rule,), None),
        QStep("loss", "forward", L, ((y - y_star) ** 2,), None),
    ]
    backward = [
        QStep("grad_y", "backward", D(L, y), (grad_y,), None),
        QStep("grad_x1", "backward", D(L, x1), (times(D(L, y), D(y, x1)), grad_x1), None),
        QStep("grad_M", "backward", D(L, M), (times(D(L, x1), D(x1, M)), scaled(grad_x1, dx1_dM)), None),
        QStep("grad_A", "backward", D(L, A), (times(D(L, x1), D(x1, A)), scaled(grad_x1, dx1_dA)), None),
        QStep("grad_x2", "backward", D(L, x2), (times(D(L, y), D(y, x2)), grad_x2), None),
        QStep("grad_b", "backward", D(L, b), (times(D(L, x2), D(x2, b)), scaled(grad_x2, dx2_db)), None),
        QStep("grad_c", "backward", D(L, c), (times(D(L, y), D(y, c)), sp.factor_terms(dL_dy * dy_dc)), None),
    ]
    return _evaluate(prob, forward + backward)


def _evaluate(prob: QuadraticProblem, steps: list[QStep]) -> QuadraticSolution:
    size = prob.x.shape[0]
    mats = {x: prob.x, A: prob.A, b: prob.b}
    scal = {c: prob.c, y_star: prob.target}
    Mv = prob.x.T * prob.A
    x1v, x2v = (Mv * prob.x)[0, 0], (prob.b.T * prob.x)[0, 0]
    yv = x1v + x2v + prob.c
    scal.update({x1: x1v, x2: x2v, y: yv, L: (yv - prob.target) ** 2})
    mats[M] = Mv

    concrete = {sym.subs(n, size): sp.ImmutableMatrix(val) for sym, val in mats.items()}

    def value(expr):
        e = expr.subs(n, size).xreplace(concrete).xreplace(scal).doit()
        if isinstance(e, sp.MatrixBase):
            e = sp.ImmutableMatrix(e)
            return e[0, 0] if e.shape == (1, 1) else e
        return e

    done = [QStep(s.id, s.section, s.lhs, s.forms, value(s.forms[-1])) for s in steps]
    # The independent check: L with every entry of A, b and c a symbol, differentiated directly.
    Asym = sp.Matrix(size, size, lambda r, col: sp.Symbol(f"a_{r}_{col}"))
    bsym = sp.Matrix(size, 1, lambda r, _: sp.Symbol(f"b_{r}"))
    csym = sp.Symbol("c_direct")
    Lfull = ((prob.x.T * Asym * prob.x)[0, 0] + (bsym.T * prob.x)[0, 0] + csym - prob.target) ** 2
    at = {**{Asym[r, col]: prob.A[r, col] for r in range(size) for col in range(size)},
          **{bsym[r]: prob.b[r] for r in range(size)}, csym: prob.c}
    direct = {"grad_A": Asym.applyfunc(lambda a: sp.diff(Lfull, a).subs(at)),
              "grad_b": bsym.applyfunc(lambda v: sp.diff(Lfull, v).subs(at)),
              "grad_c": sp.diff(Lfull, csym).subs(at)}
    err = 0.0
    for s in done:
        if s.id in direct:
            diff = sp.Matrix([s.value]) - sp.Matrix([direct[s.id]]) if not isinstance(s.value, sp.MatrixBase) \
                else s.value - direct[s.id]
            err = max(err, max((abs(float(d)) for d in diff), default=0.0))
    return QuadraticSolution(prob, tuple(done), err)

