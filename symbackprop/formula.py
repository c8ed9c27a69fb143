"""A safe reader of formulas written by users: `(x + y)*z`, `sigmoid(w0*x0 + w1*x1 + w2)`,
`transpose(x)*A`, `(y - t)^2`.

No eval, exec, sympify or parse_expr ever sees the text: a small tokenizer and a recursive-descent
parser build a tree (`Node`) of numbers, names, operators and calls of whitelisted functions, and
`Formula.build` turns the tree into SymPy objects directly. The work is bounded: the text's length,
the nesting depth, the number of tree nodes, the exponent of a power and the size of the numbers.
Each mistake is a `FormulaError` saying what is wrong, at which column, and what is allowed; the
caller (graph.py, later activation and loss formulas) adds the file and line.

Values are scalars or matrices (`Value`: an exact SymPy scalar, or an `ImmutableMatrix` with its
shape); `*` between two matrices is the matrix product, a 1×1 result is a scalar again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping

import sympy as sp

from .activations import TABLE as ACTIVATIONS, relu as _relu_function
from .magnitude import MAX_MAGNITUDE_EXPONENT, QUOTED_DIGITS, TooLarge, power_args, about
from .messages import said

MAX_LENGTH = 500          # characters of one formula
MAX_DEPTH = 30            # nesting of parentheses, calls, signs and powers
MAX_NODES = 200           # numbers, names, operators and calls in one formula
MAX_POWER = 64            # |p| of a power x^p; p must be a number
MAX_DIGITS = 30           # digits of a number written in a formula
MAX_EXPONENT = 30         # 1e-3: |exponent| of a number written in a formula
MAX_COST = 2000           # estimated SymPy nodes of one entry of a formula's value (a matrix chain grows fast)

NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
NUMBER_RE = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


class FormulaError(ValueError):
    """A formula that cannot be read: `message` says what and `column` (1-based) where, if known.
    Both are catalogue sentences (`said`), so that a report says them in its language; `text()` is the
    whole reason, `column N: …`, as one such sentence."""

    def __init__(self, message: str, column: int | None = None) -> None:
        self.message, self.column = message, column
        super().__init__(message if column is None else said("formula.at_column", column=column, message=message))

    def text(self) -> str:
        """The reason with its column, as raised (a `Said`: translatable), for a caller's message."""
        return self.args[0]


class sigmoid(sp.Function):
    """σ(x) = 1/(1 + e^−x), kept as σ in rules; σ' = σ(1 − σ). A number gives its exact value."""

    nargs = 1

    @classmethod
    def eval(cls, x):
        if x.is_number:
            return 1 / (1 + sp.exp(-x))
        return None

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sp.exp(-x))


def _relu(x):
    return _relu_function(x, sp.Integer(0))


def _activation(name: str) -> Callable:
    spec = ACTIVATIONS[name]
    return lambda x: spec.value(x, **spec.params)


# name: (number of arguments, scalar function); every one is applied entry by entry to a matrix
SCALAR_FUNCTIONS: dict[str, tuple[int, Callable]] = {
    "exp": (1, sp.exp), "log": (1, sp.log), "ln": (1, sp.log), "sqrt": (1, sp.sqrt),
    "abs": (1, sp.Abs), "sin": (1, sp.sin), "cos": (1, sp.cos), "tanh": (1, sp.tanh),
    "sigmoid": (1, sigmoid), "relu": (1, _relu), "max": (2, sp.Max), "min": (2, sp.Min),
}
# every other row of activations.py (softmax takes a whole layer): a row added there is a graph function too
for _name in ACTIVATIONS:
    if _name != "softmax" and _name not in SCALAR_FUNCTIONS:
        SCALAR_FUNCTIONS[_name] = (1, _activation(_name))
MATRIX_FUNCTIONS = {"transpose": 1, "dot": 2, "sum": 1}
FUNCTIONS = tuple(sorted(set(SCALAR_FUNCTIONS) | set(MATRIX_FUNCTIONS)))
# what a formula may hold, for messages: a catalogue sentence, so that it is said in the report's language
ALLOWED = said("formula.allowed", functions=", ".join(FUNCTIONS))


# -- the tree --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Node:
    """One node of a formula: kind is num, name, neg, add, sub, mul, div, pow, call or paren."""

    kind: str
    args: tuple = ()
    text: str = ""             # the number as written, the name, the function
    column: int = 0

    def names(self) -> set[str]:
        """Every name the formula uses (not the functions)."""
        if self.kind == "name":
            return {self.text}
        out: set[str] = set()
        for a in self.args:
            out |= a.names()
        return out


_INFIX = {"add": " + ", "sub": " - ", "mul": "*", "div": "/", "pow": "^"}


def text_of(node: Node) -> str:
    """A subformula as the file writes it (spaces aside): `z - 0.5`, `(x + 1)^-1`, for messages."""
    k = node.kind
    if k in ("num", "name"):
        return node.text
    if k == "paren":
        return f"({text_of(node.args[0])})"
    if k == "neg":
        return "-" + text_of(node.args[0])
    if k == "call":
        return f"{node.text}({', '.join(text_of(a) for a in node.args)})"
    return _INFIX[k].join(text_of(a) for a in node.args)


@dataclass(frozen=True)
class Token:
    kind: str          # num, name, op, end
    text: str
    column: int


def tokenize(text: str) -> list[Token]:
    """The tokens of `text`; any character outside the grammar is an error at its column."""
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch in " \t":
            i += 1
            continue
        if ch.isdigit() or (ch == "." and i + 1 < len(text) and text[i + 1].isdigit()):
            m = NUMBER_RE.match(text, i)
            out.append(Token("num", m.group(0), i + 1))
            i = m.end()
            continue
        if ch.isascii() and ch.isalpha():
            m = NAME_RE.match(text, i)
            out.append(Token("name", m.group(0), i + 1))
            i = m.end()
            continue
        if text.startswith("**", i):
            out.append(Token("op", "^", i + 1))
            i += 2
            continue
        if ch in "+-*/^(),":
            out.append(Token("op", ch, i + 1))
            i += 1
            continue
        what = {".": said("formula.char_dot"), "_": said("formula.char_underscore"),
                "[": said("formula.char_bracket"), "=": "'='"}.get(ch, repr(ch))
        raise FormulaError(said("formula.unexpected_character", what=what, allowed=ALLOWED), i + 1)
    out.append(Token("end", "", len(text) + 1))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.nodes = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def node(self, kind: str, args: tuple = (), text: str = "", column: int = 0) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise FormulaError(said("formula.too_many_nodes", most=MAX_NODES), column)
        return Node(kind, args, text, column)

    def deeper(self, column: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(said("formula.too_deep", most=MAX_DEPTH), column)

    def expect(self, text: str, what: str) -> Token:
        tok = self.peek()
        if tok.kind != "op" or tok.text != text:
            raise FormulaError(said("formula.expected", what=what, got=_token(tok)), tok.column)
        return self.take()

    def formula(self) -> Node:
        tree = self.sum()
        tok = self.peek()
        if tok.kind != "end":
            raise FormulaError(said("formula.unexpected_after", got=_token(tok)), tok.column)
        return tree

    def sum(self) -> Node:
        left = self.product()
        while self.peek().kind == "op" and self.peek().text in "+-":
            op = self.take()
            left = self.node("add" if op.text == "+" else "sub", (left, self.product()), column=op.column)
        return left

    def product(self) -> Node:
        left = self.unary()
        while self.peek().kind == "op" and self.peek().text in "*/":
            op = self.take()
            left = self.node("mul" if op.text == "*" else "div", (left, self.unary()), column=op.column)
        return left

    def unary(self) -> Node:
        tok = self.peek()
        if tok.kind == "op" and tok.text in "+-":
            self.take()
            self.deeper(tok.column)
            inner = self.unary()
            self.depth -= 1
            return inner if tok.text == "+" else self.node("neg", (inner,), column=tok.column)
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        tok = self.peek()
        if tok.kind == "op" and tok.text == "^":
            self.take()
            self.deeper(tok.column)
            exponent = self.unary()
            self.depth -= 1
            return self.node("pow", (base, exponent), column=tok.column)
        return base

    def atom(self) -> Node:
        tok = self.take()
        if tok.kind == "num":
            return self.node("num", text=tok.text, column=tok.column)
        if tok.kind == "name":
            if self.peek().kind == "op" and self.peek().text == "(":
                return self.call(tok)
            return self.node("name", text=tok.text, column=tok.column)
        if tok.kind == "op" and tok.text == "(":
            self.deeper(tok.column)
            inner = self.sum()
            self.expect(")", said("formula.close_paren", column=tok.column))
            self.depth -= 1
            return self.node("paren", (inner,), column=tok.column)
        raise FormulaError(said("formula.unexpected_operand", got=_token(tok)), tok.column)

    def call(self, name: Token) -> Node:
        if name.text not in FUNCTIONS:
            raise FormulaError(said("formula.unknown_function", name=repr(name.text), functions=", ".join(FUNCTIONS)),
                               name.column)
        self.take()                                   # (
        self.deeper(name.column)
        args = [self.sum()]
        while self.peek().kind == "op" and self.peek().text == ",":
            self.take()
            args.append(self.sum())
        self.expect(")", said("formula.close_call", name=name.text))
        self.depth -= 1
        want = SCALAR_FUNCTIONS[name.text][0] if name.text in SCALAR_FUNCTIONS else MATRIX_FUNCTIONS[name.text]
        if len(args) != want:
            raise FormulaError(said("formula.arity_one" if want == 1 else "formula.arity", name=name.text, want=want,
                                    got=len(args)), name.column)
        return self.node("call", tuple(args), name.text, name.column)


def _token(tok: Token) -> str:
    return said("formula.end") if tok.kind == "end" else repr(tok.text)


def parse_tree(text: str) -> Node:
    """The tree of `text` (syntax only; names are checked by `Formula.build`)."""
    if not isinstance(text, str):
        raise FormulaError(said("formula.not_text", got=type(text).__name__))
    if len(text) > MAX_LENGTH:
        raise FormulaError(said("formula.too_long", chars=len(text), most=MAX_LENGTH))
    if not text.strip():
        raise FormulaError(said("formula.empty", allowed=ALLOWED))
    return _Parser(text).formula()


def _quoted(text: str) -> str:
    """A number as written, for a message: at most QUOTED_DIGITS characters of it, then how long it is."""
    return text if len(text) <= QUOTED_DIGITS else f"{text[:QUOTED_DIGITS]}…({len(text)} characters)"


def number(text: str, column: int = 0) -> sp.Rational:
    """A number as written, exactly: 0.1 is 1/10, 1e-3 is 1/1000."""
    mantissa, _, exp = text.lower().partition("e")
    if len(mantissa.replace(".", "")) > MAX_DIGITS:
        raise FormulaError(said("formula.too_many_digits", number=_quoted(text), most=MAX_DIGITS), column)
    if exp and abs(int(exp)) > MAX_EXPONENT:
        raise FormulaError(said("formula.exponent_range", number=_quoted(text), most=MAX_EXPONENT), column)
    return sp.Rational(text.lower())


# -- values ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Value:
    """A scalar (shape ()) or a matrix (shape (rows, cols)); `cost` bounds the size of one entry."""

    expr: sp.Basic
    shape: tuple = ()
    cost: int = 1

    @property
    def is_matrix(self) -> bool:
        return self.shape != ()


def _shape(shape: tuple) -> str:
    return said("formula.a_scalar") if shape == () else said("formula.a_matrix", rows=shape[0], cols=shape[1])


def _scalar_if_1x1(m: sp.ImmutableMatrix, cost: int) -> Value:
    if m.shape == (1, 1):
        return Value(m[0, 0], (), cost)
    return Value(m, m.shape, cost)


class Formula:
    """A parsed formula: its tree and the names it uses. `build(names)` makes its value."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tree = parse_tree(text)

    @property
    def names(self) -> set[str]:
        return self.tree.names()

    def build(self, names: Mapping[str, Value]) -> Value:
        """The formula's value, SymPy objects built from the tree with `names` standing for each name;
        a name not in `names`, a shape that does not fit, or too large a result is a FormulaError."""
        value = self._build(self.tree, names)
        if value.cost > MAX_COST:
            raise FormulaError(said("formula.too_large", cost=value.cost, most=MAX_COST))
        return value

    def as_written(self, names: Mapping[str, Value]) -> Value:
        """The formula's value for display: each decimal written in it (1.5, 0.1, 1e-3) kept as a
        positive symbol named as written (`written_number`), so that a derivative of it prints
        `s - 1.5`, not `s - 3/2`; exponents stay numbers. Put `decimal_values` of it in for the value."""
        return self._build(self.tree, names, True)

    def _build(self, n: Node, names: Mapping[str, Value], written: bool = False) -> Value:
        k = n.kind
        if k == "num":
            value = number(n.text, n.column)
            if written and not value.is_Integer:
                return Value(written_number(n.text))
            return Value(value)
        if k == "name":
            if n.text not in names:
                allowed = ", ".join(sorted(names)) or said("formula.none")
                if n.text == "e":             # Euler's number, typed as a name: exp(1)
                    raise FormulaError(said("formula.euler_alone", allowed=allowed), n.column)
                if n.text in FUNCTIONS:
                    raise FormulaError(said("formula.unknown_name_function", name=repr(n.text), function=n.text,
                                            allowed=allowed), n.column)
                raise FormulaError(said("formula.unknown_name", name=repr(n.text), allowed=allowed), n.column)
            return names[n.text]
        if k == "paren":
            return self._build(n.args[0], names, written)
        if k == "neg":
            a = self._build(n.args[0], names, written)
            return Value(-a.expr, a.shape, a.cost + 1)
        if k == "call":
            return self._call(n, [self._build(a, names, written) for a in n.args])
        if k == "pow" and n.args[0].kind == "name" and n.args[0].text == "e" and "e" not in names:
            self._euler_power(n, names)
        a = self._build(n.args[0], names, written)
        b = self._build(n.args[1], names, written and k != "pow")        # an exponent stays a number
        if k in ("add", "sub"):
            if a.shape != b.shape:
                raise FormulaError(said("formula.cannot_add" if k == "add" else "formula.cannot_subtract",
                                        a=_shape(a.shape), b=_shape(b.shape)), n.column)
            expr = a.expr + b.expr if k == "add" else a.expr - b.expr
            return Value(sp.ImmutableMatrix(expr) if a.is_matrix else expr, a.shape, a.cost + b.cost + 1)
        if k == "mul":
            if a.is_matrix and b.is_matrix:
                if a.shape[1] != b.shape[0]:
                    one = "_one_column" if a.shape[1] == 1 else "_one_row" if b.shape[0] == 1 else ""  # en: 1 column
                    raise FormulaError(said("formula.cannot_multiply" + one, a=_shape(a.shape), b=_shape(b.shape),
                                            cols=a.shape[1], rows=b.shape[0]), n.column)
                return _scalar_if_1x1(sp.ImmutableMatrix(a.expr * b.expr), a.shape[1] * (a.cost + b.cost + 1))
            if a.is_matrix or b.is_matrix:
                shape = a.shape if a.is_matrix else b.shape
                return Value(sp.ImmutableMatrix(a.expr * b.expr), shape, a.cost + b.cost + 1)
            return Value(a.expr * b.expr, (), a.cost + b.cost + 1)
        if k == "div":
            if b.is_matrix:
                raise FormulaError(said("formula.cannot_divide", b=_shape(b.shape)), n.column)
            if b.expr == 0:
                raise FormulaError(said("formula.division_by_zero"), n.column)
            expr = a.expr / b.expr
            return Value(sp.ImmutableMatrix(expr) if a.is_matrix else expr, a.shape, a.cost + b.cost + 1)
        if k == "pow":
            if a.is_matrix:
                raise FormulaError(said("formula.matrix_power", a=_shape(a.shape)), n.column)
            p = b.expr
            if b.is_matrix or not p.is_Rational:
                raise FormulaError(said("formula.exponent_not_number", most=MAX_POWER), n.column)
            if abs(p) > MAX_POWER:
                raise FormulaError(said("formula.exponent_too_large", exponent=about(p), most=MAX_POWER), n.column)
            if a.expr == 0 and p < 0:
                raise FormulaError(said("formula.zero_negative_power"), n.column)
            if a.expr.is_Number and not written:            # a power of numbers is computed now: bounded first
                try:
                    power_args(a.expr, p, 30)
                except TooLarge as big:
                    raise FormulaError(said("magnitude.power_too_large", about=big.about,
                                            most=f"1e{MAX_MAGNITUDE_EXPONENT}"), n.column) from None
            return Value(a.expr ** p, (), a.cost + 2)
        raise AssertionError(k)           # pragma: no cover - every kind is handled above

    def _euler_power(self, n: Node, names: Mapping[str, Value]) -> None:
        """`e^(-x)` or `e**(-x)` where no name is e: Euler's number is written exp(…); the error says the
        spelling to write for the one written (`write exp(-x) for e^(-x)`), at the e."""
        exponent = n.args[1]
        inner = text_of(exponent.args[0] if exponent.kind == "paren" else exponent)
        op = "**" if self.text[n.column - 1:n.column + 1] == "**" else "^"
        allowed = ", ".join(sorted(names)) or said("formula.none")
        raise FormulaError(said("formula.euler_power", written=f"e{op}{text_of(exponent)}", exp=f"exp({inner})",
                                allowed=allowed), n.args[0].column)

    def _call(self, n: Node, args: list[Value]) -> Value:
        name = n.text
        if name == "transpose":
            a = args[0]
            if not a.is_matrix:
                return a
            return Value(sp.ImmutableMatrix(a.expr.T), (a.shape[1], a.shape[0]), a.cost)
        if name == "sum":
            a = args[0]
            if not a.is_matrix:
                return a
            return Value(sp.Add(*a.expr), (), (a.cost + 1) * a.shape[0] * a.shape[1])
        if name == "dot":
            a, b = args
            if not (a.is_matrix and b.is_matrix) or 1 not in a.shape or sorted(a.shape) != sorted(b.shape):
                raise FormulaError(said("formula.dot_shapes", a=_shape(a.shape), b=_shape(b.shape)), n.column)
            size = max(a.shape)
            return Value(sp.Add(*[a.expr[i] * b.expr[i] for i in range(size)]), (), size * (a.cost + b.cost + 1))
        _, fn = SCALAR_FUNCTIONS[name]
        if len(args) == 2:
            a, b = args
            if a.shape != b.shape and a.is_matrix and b.is_matrix:
                raise FormulaError(said("formula.shapes_differ", name=name, a=_shape(a.shape), b=_shape(b.shape)),
                                   n.column)
            if a.is_matrix or b.is_matrix:
                shape = a.shape if a.is_matrix else b.shape
                rows, cols = shape
                entry = (lambda v, r, c: v.expr[r, c] if v.is_matrix else v.expr)
                return Value(sp.ImmutableMatrix(rows, cols, lambda r, c: fn(entry(a, r, c), entry(b, r, c))),
                             shape, a.cost + b.cost + 5)
            return Value(fn(a.expr, b.expr), (), a.cost + b.cost + 5)
        a = args[0]
        if a.is_matrix:
            return Value(a.expr.applyfunc(fn), a.shape, a.cost + 8)
        return Value(fn(a.expr), (), a.cost + 8)


WRITTEN_PREFIX = "#"     # no name of a file can start with it; sorts before letters (0.1·w, not w·0.1)


def written_number(text: str) -> sp.Symbol:
    """A decimal of a formula as a symbol that prints as written (its name is the text behind a
    prefix no user name can have; render/graph.py prints it without the prefix)."""
    return sp.Symbol(WRITTEN_PREFIX + text, positive=True)


def decimal_values(expr):
    """`expr` with each written decimal (`written_number`) replaced by its exact value."""
    subs = {s: sp.Rational(s.name[len(WRITTEN_PREFIX):].lower()) for s in expr.free_symbols
            if s.name.startswith(WRITTEN_PREFIX)}
    return expr.xreplace(subs) if subs else expr


def parse_formula(text: str, names: Mapping[str, Value]) -> Value:
    """The value of formula `text` in which each of `names` stands for its Value: the general entry
    point (graph nodes; activation formulas of x, losses of u and t)."""
    return Formula(text).build(names)


def scalar_formula(text: str, symbols: Mapping[str, sp.Symbol]) -> sp.Expr:
    """A scalar formula of the given symbols only, e.g. `1.7159*tanh(2*x/3)` with {"x": x}."""
    return parse_formula(text, {k: Value(v) for k, v in symbols.items()}).expr
