"""Issue 12 (session 12, gsolve): worked solutions of computation graphs with vectors and matrices.

1. A backward step through a function applied entry by entry to a vector (h = σ(z), tanh, relu, exp) shows
   its rule ∂L/∂h ⊙ [local derivatives], the numbers put in and the value, with its shape; the values are
   checked against central finite differences of a forward pass written here (not the package's).
2. A step with a matrix or vector (∂L/∂z·xᵀ, Wᵀ·∂L/∂z, M·x, v·h, ⊙) visibly adds up at every precision:
   the numbers line, evaluated here by a small evaluator of the printed text (never the package's
   code), rounds to every entry of the value shown.
"""
from __future__ import annotations

import re
import textwrap

import mpmath
import pytest

from symbackprop.graph import parse_graph, solve_graph
from symbackprop.render import render

mpmath.mp.dps = 40

VEC = textwrap.dedent("""\
    title: vector sigmoid
    model: graph
    inputs:
      W: [[0.5, -1], [2, 0.25]]
      x: [1, 2]
      v: [1, -2]
      t: 0.5
    nodes:
      z: W*x
      h: {fn}(z)
      y: dot(v, h)
      L: (y - t)^2
    parameters: [W, x, v]
    output: L
""")

# the lecture's logistic neuron with a vector of weights, and a linear layer with a vector loss
LOGREG = textwrap.dedent("""\
    model: graph
    inputs:
      x: [1, -2, 0.5]
      w: [0.2, 0.1, -0.4]
      b: 0.3
      t: 1
    parameters: [w, b]
    nodes:
      s: dot(w, x) + b
      p: sigmoid(s)
      L: -(t*ln(p) + (1 - t)*ln(1 - p))
""")
LIN = textwrap.dedent("""\
    model: graph
    inputs:
      W: [[1, 0, 0.5], [0.25, -1, 0]]
      x: [1, 2, 3]
      b: [0.5, -0.5]
      t: [2, 1]
    parameters: [W, b]
    nodes:
      h: W*x + b
      a: tanh(h)
      r: a - t
      L: 0.5*dot(r, r)
""")


_SOLVED: dict = {}


def _sigmoid(precision: int | None = None, **settings) -> tuple:
    """VEC with h = σ(z), solved once for this file, and its text at `precision` (the file's: 4)."""
    if "sol" not in _SOLVED:
        _SOLVED["sol"] = solve_graph(parse_graph(VEC.format(fn="sigmoid")))
    key = (precision, tuple(sorted(settings.items())))
    if key not in _SOLVED:
        _SOLVED[key] = render(_SOLVED["sol"], "text", **({"precision": precision} if precision is not None else {}),
                              **settings)
    return _SOLVED["sol"], _SOLVED[key]

# several functions of one vector, a decimal in a formula (exp(0.5*z)), max of two vectors, sums of ⊙ terms
MULTI = textwrap.dedent("""\
    model: graph
    inputs:
      W: [[0.5, -1], [2, 0.25]]
      x: [1, 0]
      s: 0.5
      t: [0.5, 0.5]
    nodes:
      z: W*x
      a: tanh(z)
      b: relu(z)
      c: exp(0.5*z)
      d: s*a + b
      m: max(c, t)
      y: sum(d) + dot(m, m) + sum(2*z)
      L: y^2
""")


def _line(out: str, start: str) -> str:
    return next(x.strip() for x in out.splitlines() if x.strip().startswith(start))


# -- an independent forward pass and its finite differences ---------------------------------------

_F = {"sigmoid": lambda u: 1 / (1 + mpmath.exp(-u)), "tanh": mpmath.tanh, "exp": mpmath.exp,
      "relu": lambda u: max(u, 0)}


def _loss_vec(fn: str, z) -> mpmath.mpf:
    """L of VEC as a function of z (v = [1, -2], t = 0.5): (v·fn(z) - t)²."""
    h = [_F[fn](u) for u in z]
    return (h[0] - 2 * h[1] - mpmath.mpf("0.5")) ** 2


# -- a small evaluator of the printed numbers (text format) ---------------------------------------

_TOKEN = re.compile(r"\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?|σ|tanh|exp|ln|relu|step|[-+×⊙·/()\[\];,²ᵀ])")


def _tokens(s: str) -> list[str]:
    out, pos = [], 0
    s = s.rstrip()
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if m is None:
            raise ValueError(f"cannot read {s[pos:]!r}")
        out.append(m.group(1))
        pos = m.end()
    return out


def _is_m(a) -> bool:
    return isinstance(a, list)


def _map(f, a):
    return [[f(x) for x in row] for row in a] if _is_m(a) else f(a)


def _zip(f, a, b):
    if _is_m(a) and _is_m(b):
        assert len(a) == len(b) and len(a[0]) == len(b[0]), "shapes"
        return [[f(x, y) for x, y in zip(ra, rb)] for ra, rb in zip(a, b)]
    if _is_m(a):
        return _map(lambda x: f(x, b), a)
    if _is_m(b):
        return _map(lambda y: f(a, y), b)
    return f(a, b)


def _matmul(a, b):
    assert len(a[0]) == len(b), "shapes of a product"
    return [[sum((a[i][k] * b[k][j] for k in range(len(b))), mpmath.mpf(0)) for j in range(len(b[0]))]
            for i in range(len(a))]


_FUNCS = {"σ": _F["sigmoid"], "tanh": mpmath.tanh, "exp": mpmath.exp, "ln": mpmath.log,
          "relu": lambda u: max(u, 0), "step": lambda u: mpmath.mpf(1) if u > 0 else mpmath.mpf(0)}


class _Eval:
    """expr := term (± term)*; term := unary ((× | ⊙ | · | /) unary)*; unary := -unary | power;
    power := atom (² | ᵀ)*; atom := number | [rows] | (expr) | f(expr). × of two matrices is the
    matrix product, · of two vectors the dot product, ⊙ entry by entry."""

    def __init__(self, text: str) -> None:
        self.t, self.i = _tokens(text), 0

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self, want=None):
        tok = self.peek()
        assert want is None or tok == want, (want, tok, self.t)
        self.i += 1
        return tok

    def run(self):
        v = self.expr()
        assert self.peek() is None, self.t[self.i:]
        return v

    def expr(self):
        v = self.term()
        while self.peek() in ("+", "-"):
            op, w = self.take(), self.term()
            v = _zip((lambda a, b: a + b) if op == "+" else (lambda a, b: a - b), v, w)
        return v

    def term(self):
        v = self.unary()
        while self.peek() in ("×", "⊙", "·", "/"):
            op, w = self.take(), self.unary()
            if op == "×" and _is_m(v) and _is_m(w):
                v = _matmul(v, w)
            elif op == "·" and _is_m(v) and _is_m(w):
                v = sum((x * y for x, y in zip(sum(v, []), sum(w, []))), mpmath.mpf(0))
            elif op == "/":
                v = _zip(lambda a, b: a / b, v, w)
            else:
                v = _zip(lambda a, b: a * b, v, w)
        return v

    def unary(self):
        if self.peek() == "-":
            self.take()
            return _map(lambda a: -a, self.unary())
        return self.power()

    def power(self):
        v = self.atom()
        while self.peek() in ("²", "ᵀ"):
            if self.take() == "²":
                v = _map(lambda a: a * a, v)
            else:
                v = [list(col) for col in zip(*v)]
        return v

    def atom(self):
        tok = self.take()
        if tok == "(":
            v = self.expr()
            self.take(")")
            return v
        if tok == "[":
            rows, row = [], [self.expr()]
            while self.peek() != "]":
                sep = self.take()
                if sep == ";":
                    rows.append(row)
                    row = []
                row.append(self.expr())
            self.take("]")
            return rows + [row]
        if tok in _FUNCS:
            self.take("(")
            v = self.expr()
            self.take(")")
            return _map(_FUNCS[tok], v)
        return mpmath.mpf(tok)


def _entries(v) -> list:
    return sum(v, []) if _is_m(v) else [v]


def _adds_up(numbers: str, value: str) -> bool:
    """Whether the numbers put in, evaluated exactly (40 digits), round to every entry of the value shown:
    each entry within half a unit of its last place."""
    got = _entries(_Eval(numbers).run())
    want = _entries(_Eval(re.sub(r" \(\d+×\d+\)$", "", value)).run())
    shown = re.findall(r"-?\d+(?:\.\d+)?", re.sub(r" \(\d+×\d+\)$", "", value))
    assert len(got) == len(want) == len(shown)
    for g, w, s in zip(got, want, shown):
        places = len(s.partition(".")[2])
        if abs(g - w) > mpmath.mpf(10) ** -places / 2 * (1 + mpmath.mpf(10) ** -20):
            return False
    return True


def _checked_steps(out: str) -> list[str]:
    """Every step line whose last two links are the numbers put in and the value (no names left in the
    numbers): each must add up; the lines checked are returned."""
    checked = []
    for line in out.splitlines():
        links = re.split(r" [=≈] ", line.strip())
        if len(links) < 3 or "∂" in links[-2] or re.search(r"[A-Za-zθ]_|\b[a-zA-Z]\b", links[-2]):
            continue
        try:
            ok = _adds_up(links[-2], links[-1])
        except (ValueError, AssertionError):
            continue
        assert ok, line
        checked.append(line.strip())
    return checked


def test_the_evaluator_reads_what_it_is_meant_to():
    """The checker itself: a matrix product, a transpose, a dot product, ⊙, and a step that does not add up."""
    def close(got, want) -> bool:
        return all(abs(g - mpmath.mpf(w)) < 1e-30 for g, w in zip(_entries(got), want))
    assert close(_Eval("[0.5, -1; 2, 0.25]ᵀ × [-0.6; 0.6]").run(), ["0.9", "0.75"])
    assert close(_Eval("[1; -2]·[0.2; 1]").run(), ["-1.8"])
    assert close(_Eval("[2; 3] ⊙ [(1 - 0.5)×0.5; 2]").run(), ["0.5", "6"])
    assert close(_Eval("2×(-1.7 - 0.5)² - σ(0)").run(), ["9.18"])
    assert _adds_up("[0; -1.5] × [1, 2, 3]", "[0, 0, 0; -2, -3, -5] (2×3)")
    assert not _adds_up("[0; -2] × [1, 2, 3]", "[0, 0, 0; -2, -3, -5] (2×3)")      # the old output at 0 places


# -- 1. a function of a vector, entry by entry ----------------------------------------------------

def test_the_sigmoid_of_a_vector_shows_its_rule_numbers_and_value():
    """z = W·x = [0.5·1 - 1·2; 2·1 + 0.25·2] = [-1.5; 2.5], h = σ(z); ∂L/∂h = 2(y - t)·v, and
    ∂L/∂z = ∂L/∂h ⊙ σ'(z) with σ'(z_i) = (1 - σ(z_i))·σ(z_i) entry by entry."""
    sol, out = _sigmoid()
    assert _line(out, "∂L/∂z =") == (
        "∂L/∂z = ∂L/∂h·∂h/∂z = ∂L/∂h ⊙ [(1 - σ(z_1))·σ(z_1); (1 - σ(z_2))·σ(z_2)] = "
        "[-4.3317; 8.6634] ⊙ [(1 - σ(-1.5))×σ(-1.5); (1 - σ(2.5))×σ(2.5)] ≈ [-0.6461; 0.6073] (2×1)")
    # by finite differences of the forward pass written above
    z = [mpmath.mpf("-1.5"), mpmath.mpf("2.5")]
    for i in range(2):
        fd = mpmath.diff(lambda u: _loss_vec("sigmoid", [u if j == i else z[j] for j in range(2)]), z[i])
        assert abs(float(sol.gradients["z"][i]) - float(fd)) < 1e-12
    # the ⊙ is said once, under the backward pass
    assert out.count("⊙ multiplies entry by entry") == 1


@pytest.mark.slow
def test_the_entry_by_entry_step_in_chinese_and_latex():
    sol, _ = _sigmoid()
    assert render(sol, "text", lang="zh").count("⊙ 表示逐元素相乘") == 1
    latex = render(sol, "latex", standalone=False)
    assert r"\frac{\partial L}{\partial h} \odot \begin{bmatrix}" in latex
    assert r"\begin{bmatrix}-4.3317 \\ 8.6634\end{bmatrix} \odot \begin{bmatrix}" in latex


@pytest.mark.parametrize("fn", ["tanh", "relu", "exp", "sigmoid"])
@pytest.mark.slow
def test_a_function_of_a_vector_steps_against_finite_differences(fn: str):
    """tanh, relu, exp of a vector: the step ∂L/∂z has its rule (the local derivatives, entry by entry),
    its numbers and its value; the value is ∂L/∂z by finite differences; the numbers add up."""
    sol = solve_graph(parse_graph(VEC.format(fn=fn)))
    line = _line(render(sol, "text"), "∂L/∂z =")
    local = {"tanh": "[1 - tanh(z_1)²; 1 - tanh(z_2)²]", "relu": "[step(z_1); step(z_2)]",
             "exp": "[exp(z_1); exp(z_2)]", "sigmoid": "[(1 - σ(z_1))·σ(z_1); (1 - σ(z_2))·σ(z_2)]"}[fn]
    assert line.startswith(f"∂L/∂z = ∂L/∂h·∂h/∂z = ∂L/∂h ⊙ {local} = ["), line
    assert line.endswith("(2×1)")
    links = re.split(r" [=≈] ", line)
    assert _adds_up(links[-2], links[-1]), line
    z = [mpmath.mpf("-1.5"), mpmath.mpf("2.5")]
    for i in range(2):
        fd = mpmath.diff(lambda u: _loss_vec(fn, [u if j == i else z[j] for j in range(2)]), z[i])
        assert abs(float(sol.gradients["z"][i]) - float(fd)) < 1e-9 * max(1, abs(float(fd)))


def test_a_node_not_computed_entry_by_entry_has_no_odot():
    """z = W*x is no function of x (nor of W) entry by entry: no ⊙ in their steps."""
    _, out = _sigmoid()
    assert "⊙" not in _line(out, "∂L/∂x =") and "⊙" not in _line(out, "∂L/∂W =")


# -- 2. steps with matrices add up ----------------------------------------------------------------

def test_the_outer_product_adds_up_at_precision_0():
    """∂L/∂W = ∂L/∂z·xᵀ: ∂L/∂z ≈ [-0.646; 0.607] shown as [-1; 1] would put in [-1; 1] × [1, 2] =
    [-1, -2; 1, 2], not the value [-1, -1; 1, 1] (-1.292 rounds to -1): the step puts in one place more."""
    _, out = _sigmoid(0)
    assert _line(out, "∂L/∂W =") == "∂L/∂W = ∂L/∂z·∂z/∂W = ∂L/∂z·xᵀ = [-0.6; 0.6] × [1, 2] ≈ [-1, -1; 1, 1] (2×2)"
    # and every other step of it at 0 places, the matrix ones among them (the other precisions: below)
    starts = {c.split(" =")[0] for c in _checked_steps(out)}
    assert {"z", "h", "y", "L", "∂L/∂h", "∂L/∂z", "∂L/∂W", "∂L/∂x", "∂L/∂v"} <= starts, starts


@pytest.mark.slow
def test_the_matrix_product_of_the_matrix_example_adds_up_at_precision_0():
    """problems/quadratic.yaml: M = xᵀA = [0, 1.5, 0] shown [0, 2, 0] would put in 2×2 = 4 for q = 3."""
    from conftest import PROBLEMS
    from symbackprop.solution import solve
    quad = render(solve(PROBLEMS / "quadratic.yaml"), "text", precision=0)
    assert _line(quad, "q = M·x") == "q = M·x = [0, 1.5, 0] × [1; 2; -1] = 3"


@pytest.mark.parametrize("graph", [VEC.format(fn="sigmoid"), VEC.format(fn="tanh"), LOGREG, LIN, MULTI],
                         ids=["sigmoid", "tanh", "logreg", "lin", "multi"])
@pytest.mark.slow
def test_every_step_adds_up_at_precisions_0_to_3(graph: str):
    """Every step whose last links are numbers and value, at 0 to 3 places: the matrix products,
    transposes, dot products and ⊙ of the numbers put in round to the value shown, entry by entry."""
    sol = solve_graph(parse_graph(graph))
    for p in range(4):
        checked = _checked_steps(render(sol, "text", precision=p))
        # the steps with a matrix among them, each checked (not skipped as unreadable)
        starts = {c.split(" =")[0] for c in checked}
        if "z: W*x" in graph and "h: " in graph:
            assert {"z", "y", "∂L/∂h", "∂L/∂z", "∂L/∂W", "∂L/∂x", "∂L/∂v"} <= starts, (p, checked)
        if "h: W*x + b" in graph:
            assert {"h", "a", "r", "∂L/∂h", "∂L/∂W"} <= starts, (p, checked)
        if "m: max(c, t)" in graph:
            assert {"z", "a", "c", "d", "∂L/∂m", "∂L/∂c", "∂L/∂a", "∂L/∂z", "∂L/∂W", "∂L/∂x", "∂L/∂t"} <= starts, \
                (p, checked)
            assert "[0.5·exp(0.5·z_1); 0.5·exp(0.5·z_2)]" in next(c for c in checked if c.startswith("∂L/∂z"))
        if "dot(w, x)" in graph:
            assert {"s", "∂L/∂w"} <= starts, (p, checked)
        assert len(checked) >= 5, (p, checked)


@pytest.mark.slow
def test_the_matrix_example_adds_up_at_every_precision():
    """problems/quadratic.yaml at 0 to 3 places: M = xᵀA, q = M·x, ∂L/∂A = x·∂L/∂M, ∂L/∂b = ∂L/∂y·[x]."""
    from conftest import PROBLEMS
    from symbackprop.solution import solve
    sol = solve(PROBLEMS / "quadratic.yaml")
    for p in range(4):
        checked = _checked_steps(render(sol, "text", precision=p))
        starts = {c.split(" =")[0] for c in checked}
        assert {"M", "q", "∂L/∂A", "∂L/∂b"} <= starts, (p, starts)
