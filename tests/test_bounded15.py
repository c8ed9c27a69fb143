"""Session 15 (issue 13, speed): bounded.py evaluates a number in floats with an error bound, and printing
takes its display only where the whole interval is written alike. The text must be exactly what the exact
path (SymPy's evalf to as many digits as the rounding needs) writes: checked here on random expressions
of every node the walk knows, near half-way points, cancellations, under- and overflow."""
from __future__ import annotations

import random
from fractions import Fraction

import pytest
import sympy as sp

from symbackprop import bounded
from symbackprop.printing import SigFigs, _close_enough, _float_written, _written, bounded_display, format_value

PRECISIONS = [0, 1, 2, 4, 6, 8, 10, SigFigs(1), SigFigs(3), SigFigs(4), SigFigs(8), SigFigs(12)]


def exact_display(value: sp.Expr, precision) -> str:
    """What format_value wrote before the float path: the exact value evaluated until its rounding is sure."""
    frac = _close_enough(value, None, precision)
    return _written(frac, precision)


def leaf(rng: random.Random) -> sp.Expr:
    kind = rng.random()
    if kind < 0.5:
        return sp.Rational(rng.randint(-999, 999), rng.choice([1, 7, 10, 100, 1000, 3, 9999]))
    if kind < 0.8:
        return sp.Rational(rng.randint(1, 10**6), 10**rng.randint(0, 8))
    return sp.Float(rng.uniform(-5, 5), 30)


def expression(rng: random.Random, depth: int = 3) -> sp.Expr:
    if depth == 0 or rng.random() < 0.25:
        return leaf(rng)
    op = rng.choice(["add", "mul", "pow", "sqrt", "exp", "log", "tanh", "recip", "abs"])
    a = expression(rng, depth - 1)
    if op == "add":
        return a + expression(rng, depth - 1)
    if op == "mul":
        return a * expression(rng, depth - 1)
    if op == "pow":
        return a ** rng.randint(2, 4)
    if op == "sqrt":
        return sp.sqrt(abs(a) + sp.Rational(1, 10**8))
    if op == "exp":
        return sp.exp(sp.Max(-50, sp.Min(50, a)) if not a.is_number else a if abs(float(a)) < 50 else sp.Integer(3))
    if op == "log":
        return sp.log(abs(a) + sp.Rational(1, 1000))
    if op == "tanh":
        return sp.tanh(a)
    if op == "recip":
        return 1 / (a + sp.Rational(rng.randint(1, 9), 3)) if a.is_number and float(a) > -0.3 else 1 / (abs(a) + 1)
    return abs(a)


def test_bounded_display_is_the_exact_display_on_random_expressions():
    rng = random.Random(15)
    fast = checked = 0
    for _ in range(400):
        value = expression(rng)
        if not value.is_number or value.is_Rational or value.has(sp.Max, sp.Min) or not value.is_real:
            continue
        for p in PRECISIONS:
            got = bounded_display(value, {}, p)
            if got is None:
                continue
            fast += 1
            assert got == exact_display(value, p), (value, p)
            assert format_value(value, p) == (got, False)
        checked += 1
    assert checked > 150 and fast > 1000          # the float path is really taken


def test_the_same_expression_with_symbols_given_their_numbers():
    x, y = sp.symbols("x y", real=True)
    rule = -sp.Rational(1, 2) * x / sp.sqrt(sp.Rational(1, 10**8) + y) + sp.Rational(-26, 100)
    nums = {x: Fraction("-0.06615"), y: Fraction("0.004376")}
    value = rule.xreplace({s: sp.Rational(f.numerator, f.denominator) for s, f in nums.items()})
    for p in PRECISIONS:
        got = bounded_display(rule, nums, p)
        assert got is None or got == exact_display(value, p)
    assert bounded_display(rule, nums, 4) == "0.2400"


def test_a_value_at_a_half_way_point_is_left_to_the_exact_path():
    # 0.12345 exactly: at 4 places a half-way point (half-up: 0.1235); the interval straddles it
    half = sp.sqrt(sp.Rational(12345, 100000) ** 2)           # SymPy keeps it exact: 2469/20000
    assert half.is_Rational
    x = sp.Symbol("x", positive=True)
    rule = sp.sqrt(x)                                     # √(0.12345²) at x = 0.12345² is 0.12345 exactly
    assert bounded_display(rule, {x: Fraction(12345, 100000) ** 2}, 4) is None
    assert bounded_display(rule, {x: Fraction(12345, 100000) ** 2}, 3) == "0.123"


@pytest.mark.parametrize("value", [
    1 / (1 + sp.exp(1000)),                  # e^1000 overflows a float
    sp.exp(-800),                            # underflows to 0.0
    sp.Float("5.07e-435", 30),               # a Float under the smallest float
    sp.Float("1e400", 30) * sp.sqrt(2),      # over the largest
    sp.log(sp.Rational(1, 10**400)) * sp.sqrt(2),
])
def test_under_and_overflow_are_no_bound(value):
    assert bounded.evaluate(value) is None
    assert format_value(value, 4) == (exact_display(value, 4), False)


def test_a_pole_or_an_unknown_function_is_no_bound():
    x = sp.Symbol("x", real=True)
    assert bounded.evaluate(1 / x, {x: Fraction(0)}) is None
    assert bounded.evaluate(sp.sqrt(x), {x: Fraction(-1, 10**20)}) is None
    assert bounded.evaluate(sp.sin(x), {x: Fraction(1)}) is None
    assert bounded.evaluate(x + 1, {}) is None                 # a symbol without a number


def test_cancellation_widens_the_bound_until_the_exact_path_decides():
    # (1 + 10^-15·√2) − 1: the float is mostly rounding noise; the bound says so
    v = (1 + sp.sqrt(2) / 10**15) - 1
    got = bounded.evaluate(sp.Add(1 + sp.sqrt(2) / 10**15, -1, evaluate=False))
    assert got is not None and got[1] > abs(got[0] - float(sp.sqrt(2) / 10**15)) / 2
    assert format_value(v, SigFigs(4)) == (exact_display(v, SigFigs(4)), False)


def test_float_written_agrees_with_the_exact_writing_of_every_number_in_its_interval():
    rng = random.Random(7)
    for _ in range(3000):
        x = rng.choice([-1, 1]) * 10 ** rng.uniform(-13, 12.5)
        err = abs(x) * 10 ** rng.uniform(-17, -6)
        for p in PRECISIONS:
            got = _float_written(x, err, p)
            if got is None:
                continue
            f, e = Fraction(x), Fraction(err)
            assert got == _written(f, p) == _written(f - e, p) == _written(f + e, p), (x, err, p)


# -- the fast paths change no byte of any output ------------------------------------------------------------

def _outputs(path) -> dict:
    from symbackprop.render import render
    from symbackprop.solution import solve
    sol = solve(path)
    return {fmt: render(sol, fmt) for fmt in ("text", "json", "latex")}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.name for p in __import__("pathlib").Path(__file__).resolve()
                                        .parent.parent.joinpath("problems").glob("*.yaml")))
def test_every_problem_file_prints_the_same_without_the_fast_paths(name, monkeypatch):
    """Each problem file's text, JSON and LaTeX with the float-bound display and the printed shapes, and with
    neither (every value evaluated exactly, every expression printed by SymPy's printers): byte for byte."""
    import symbackprop.printing as printing
    from symbackprop import solution
    path = __import__("pathlib").Path(__file__).resolve().parent.parent / "problems" / name
    with solution.solve_part.off(), solution._run_memo.off():     # each solution afresh: no value shown before
        fast = _outputs(path)
        monkeypatch.setattr(bounded, "evaluate", lambda expr, numbers=None: None)
        monkeypatch.setattr(printing, "_float_written", lambda x, err, precision: None)
        monkeypatch.setattr(printing, "_shape", lambda expr, slot, latex, terms: None)
        slow = _outputs(path)
    for fmt in fast:
        assert fast[fmt] == slow[fmt], (name, fmt)
