"""The formula reader (symbackprop/formula.py): the grammar, shapes, bounds and hostile input."""
from __future__ import annotations

import builtins

import pytest
import sympy as sp

from symbackprop import formula
from symbackprop.formula import FormulaError, Value, parse_formula, scalar_formula, sigmoid

x, y, z = sp.symbols("x y z", real=True)
XYZ = {"x": x, "y": y, "z": z}


def f(text: str, names=XYZ):
    return scalar_formula(text, names)


@pytest.mark.parametrize("text, expected", [
    ("(x + y)*z", (x + y) * z),
    ("x + y*z", x + y * z),
    ("-x^2", -(x**2)),
    ("x**2", x**2),
    ("2^-1", sp.Rational(1, 2)),
    ("2^3^2", sp.Integer(512)),                 # right associative, as in mathematics
    ("x/y/z", x / y / z),
    ("x - y - z", x - y - z),
    ("--x", x),
    ("+x", x),
    ("0.1", sp.Rational(1, 10)),                # exact, not a binary float
    ("1e-3", sp.Rational(1, 1000)),
    (".5*x", x / 2),
    ("1.5E2", sp.Integer(150)),
    ("ln(x) + log(y)", sp.log(x) + sp.log(y)),
    ("exp(-x)", sp.exp(-x)),
    ("sqrt(x)", sp.sqrt(x)),
    ("abs(x)", sp.Abs(x)),
    ("max(x, y) - min(x, 0)", sp.Max(x, y) - sp.Min(x, 0)),
    ("tanh(2*x/3)*1.7159", sp.Rational(17159, 10000) * sp.tanh(2 * x / 3)),
    ("2/(1+exp(-x)) - 1", 2 / (1 + sp.exp(-x)) - 1),
    ("  x\t+ 1 ", x + 1),
])
def test_the_grammar_builds_the_sympy_expression(text, expected):
    assert sp.simplify(f(text) - expected) == 0


def test_sigmoid_is_kept_as_sigma_and_differentiates_as_taught():
    s = f("sigmoid(x)")
    assert s == sigmoid(x)
    assert sp.diff(s, x) == sigmoid(x) * (1 - sigmoid(x))
    assert f("sigmoid(0)") == sp.Rational(1, 2)            # a number gives its exact value
    numeric = sp.diff(s, x).subs(x, sp.Rational(3, 10)).evalf(30)
    direct = sp.diff(1 / (1 + sp.exp(-x)), x).subs(x, sp.Rational(3, 10)).evalf(30)
    assert abs(numeric - direct) < 1e-25


@pytest.mark.parametrize("name, at, expected", [
    ("relu", -2, 0), ("relu", 3, 3), ("identity", 5, 5), ("leaky_relu", -100, -1), ("softplus", 0, sp.log(2)),
])
def test_the_project_activations_are_functions(name, at, expected):
    assert sp.simplify(f(f"{name}(x)").subs(x, at) - expected) == 0


def _matrix(name: str, rows: int, cols: int) -> Value:
    m = sp.ImmutableMatrix(rows, cols, lambda r, c: sp.Symbol(f"{name}{r}{c}"))
    return Value(m, (rows, cols))


def test_matrices_multiply_add_transpose_and_dot():
    names = {"x": _matrix("x", 3, 1), "A": _matrix("a", 3, 3), "b": _matrix("b", 3, 1), "c": Value(sp.Symbol("c"))}
    row = parse_formula("transpose(x)*A", names)
    assert row.shape == (1, 3)
    assert row.expr == (names["x"].expr.T * names["A"].expr)
    scalar = parse_formula("transpose(x)*A*x + dot(b, x) + c", names)
    assert scalar.shape == ()                     # a 1×1 product is a scalar again
    expected = (names["x"].expr.T * names["A"].expr * names["x"].expr)[0, 0] + \
        (names["b"].expr.T * names["x"].expr)[0, 0] + sp.Symbol("c")
    assert sp.expand(scalar.expr - expected) == 0
    assert parse_formula("2*A - A", names).shape == (3, 3)
    assert parse_formula("sum(x)", names).expr == sum(names["x"].expr)
    assert parse_formula("tanh(x)", names).expr == names["x"].expr.applyfunc(sp.tanh)
    assert parse_formula("A/2", names).expr == names["A"].expr / 2


@pytest.mark.parametrize("text, words", [
    ("x*A", "cannot multiply a 3×1 matrix by a 3×3 matrix"),
    ("x + A", "cannot add a 3×3 matrix to a 3×1 matrix"),
    ("x + 1", "cannot add a scalar to a 3×1 matrix"),
    ("A^2", "cannot raise a 3×3 matrix to a power"),
    ("1/x", "cannot divide by a 3×1 matrix"),
    ("dot(x, A)", "dot takes two vectors of the same length"),
    ("max(x, A)", "the shapes differ"),
])
def test_shape_mistakes_are_named(text, words):
    names = {"x": _matrix("x", 3, 1), "A": _matrix("a", 3, 3)}
    with pytest.raises(FormulaError, match=words.replace("×", ".").replace("(", r"\(")):
        parse_formula(text, names)


# -- hostile and mistaken formulas ----------------------------------------------------------------

@pytest.mark.parametrize("text, words, column", [
    ("x.__class__", "attribute access is not allowed", 2),
    ("__import__('os').system('true')", "a name starts with a letter", 1),
    ("x[0]", "indexing is not allowed", 2),
    ("lambda: 1", "unexpected character ':'", 7),
    ("open(x)", "unknown function 'open'", 1),
    ("open('f')", "unexpected character \"'\"", 6),
    ("eval(x)", "unknown function 'eval'", 1),
    ("sympify(x)", "unknown function 'sympify'", 1),
    ("w + x", "unknown name 'w'", 1),
    ("exp", "exp is a function", 1),
    ("x +", "unexpected end of the formula", 4),
    ("(x + y", "')' to close the '(' at column 1", 7),
    ("x y", "unexpected 'y'", 3),
    ("exp(x, y)", "exp takes 1 argument, got 2", 1),
    ("max(x)", "max takes 2 arguments, got 1", 1),
    ("x = 1", "unexpected character '='", 3),
    ("x; y", "unexpected character ';'", 2),
    ("x ≤ y", "unexpected character '≤'", 3),
    ("1/0", "division by zero", 2),
    ("0^-1", "division by zero", 2),
])
def test_mistakes_say_what_and_where(text, words, column):
    with pytest.raises(FormulaError) as info:
        f(text)
    assert words in info.value.message and info.value.column == column


def test_every_unknown_function_error_lists_the_whitelist():
    with pytest.raises(FormulaError) as info:
        f("gamma(x)")
    for name in ("exp", "log", "ln", "sqrt", "tanh", "sigmoid", "relu", "max", "min", "abs", "transpose", "dot", "sum"):
        assert name in info.value.message


@pytest.mark.parametrize("text, words", [
    ("x^1000", "exponent 1000 too large; allowed -64 to 64"),
    ("x^-65", "exponent -65 too large"),
    ("x^y", "the exponent must be a number"),
    ("x^(2^10)", "exponent 1024 too large"),
    ("9" * 31, "too many digits"),
    ("1e999", "exponent of 1e999 out of range"),
    ("1e31*x", "out of range"),
    ("(" * 31 + "x" + ")" * 31, "nested too deeply"),
    ("-" * 40 + "x", "nested too deeply"),
    ("exp(" * 31 + "x" + ")" * 31, "nested too deeply"),
    ("+".join(["x"] * 150), "more than 200 numbers, names and operations"),
    ("x" * 501, "formula too long: 501 characters"),
    ("", "the formula is empty"),
    ("   ", "the formula is empty"),
])
def test_the_work_a_formula_can_cause_is_bounded(text, words):
    with pytest.raises(FormulaError, match=words.replace("(", r"\(").replace("^", r"\^")):
        f(text)


@pytest.mark.slow       # (writes out an 8×8 product; tests/test_formula9.py refuses a longer chain in the fast tier)
def test_a_chain_of_matrix_products_too_large_to_write_out_is_refused():
    names = {"A": _matrix("a", 8, 8)}
    assert parse_formula("A*A", names).shape == (8, 8)
    with pytest.raises(FormulaError, match="formula too large once written out"):
        parse_formula("A*A*A*A*A", names)


def test_a_formula_is_never_evaluated_by_python_or_sympify(monkeypatch):
    """The reader builds SymPy objects itself: with eval, exec, sympify and parse_expr all broken, it
    still reads every construct of the grammar."""
    def refuse(*args, **kwargs):
        raise AssertionError("called")
    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    monkeypatch.setattr(sp, "sympify", refuse)
    monkeypatch.setattr(sp, "parse_expr", refuse)
    import sympy.parsing.sympy_parser as sympy_parser
    monkeypatch.setattr(sympy_parser, "parse_expr", refuse)
    assert f("sigmoid(2*x - 1e-3)^2 + max(x, y)/ln(z) - relu(-x)") is not None


def test_names_are_reported_with_the_names_allowed():
    with pytest.raises(FormulaError) as info:
        scalar_formula("u + t", {"x": x})
    assert "names allowed here: x" in info.value.message


def test_the_whitelist_constants_match_the_functions_table():
    assert set(formula.FUNCTIONS) == set(formula.SCALAR_FUNCTIONS) | set(formula.MATRIX_FUNCTIONS)
    assert formula.MAX_POWER == 64 and formula.MAX_DEPTH == 30 and formula.MAX_NODES == 200
