"""solve at size (issue 11): the fast paths build exactly what SymPy builds, and the work is bounded.

- fastops.times/plus give the very expression `a*b` / `a + b` gives (same class, same arguments in
  the same order), for plain products and for everything they hand back to SymPy;
- evaluate.substitute gives `xreplace`'s value bit for bit (same mpf, same precision), and a whole
  network's values equal those of the plain xreplace evaluation (reimplemented here);
- derive builds plain products without Mul.flatten: its flatten calls grow with the units, not the
  weights (counted, not timed);
- collect.fewer_collections restores the collector's setting, also after an error.
"""
from __future__ import annotations

import gc
import json
import random
import sys
from pathlib import Path

import pytest
import sympy as sp
import yaml
from sympy.core.numbers import Float

from symbackprop import budget
from symbackprop.collect import fewer_collections
from symbackprop.derive import derive
from symbackprop.evaluate import DIGITS, MAX_EXACT_NODES, evaluate, size, substitute
from symbackprop.fastops import plus, times
from symbackprop.model import Model
from symbackprop.problem import load_problem

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from bench_problem_size import network  # noqa: E402

a, b, c, d = sp.symbols("a b c d", real=True)
x = sp.Symbol("x")
nc = sp.Symbol("n", commutative=False)


def same(u: sp.Expr, v: sp.Expr) -> bool:
    """The same expression, structurally (srepr), and for floats the same bits and precision."""
    if type(u) is not type(v):
        return False
    if isinstance(u, Float):
        return u._mpf_ == v._mpf_ and u._prec == v._prec
    return sp.srepr(u) == sp.srepr(v) and u.args == v.args


PRODUCTS = [
    (a, b), (b, a), (a, -b), (-a, -b), (sp.Rational(-1, 2) * c, a * b), (sp.Integer(2), a * d),
    (sp.Integer(1), a), (a, sp.Integer(1)), (sp.Integer(3), sp.Rational(1, 3)), (sp.Integer(0), a),
    (a, a), (a * b, b), (a, a + b), (sp.Integer(-1), a + b), (a ** 2, b), (x, a), (nc, a),
    (sp.exp(a), b), (sp.Rational(1, 2), a * b * c), (-sp.Integer(1), sp.Integer(-1) * a),
]


@pytest.mark.parametrize("u,v", PRODUCTS, ids=[f"{u}*{v}" for u, v in PRODUCTS])
def test_times_is_sympys_product(u, v):
    assert same(times(u, v), u * v)


@pytest.mark.parametrize("u,v", [(a, b), (b, a), (a, a), (a, -b), (a, sp.Integer(2)), (x, nc)])
def test_plus_is_sympys_sum(u, v):
    assert same(plus(u, v), u + v)


def test_times_on_random_products_of_ranked_names():
    """Names like the model's (rank prefix, units, samples) in random products."""
    rng = random.Random(11)
    names = [sp.Symbol(f"{r}{k}_{i}_{j}" + (f"@{s}" if s else ""), real=True)
             for r, k in (("1", "delta"), ("2", "w"), ("5", "u"), ("0", "eta"))
             for i in (1, 12, 3) for j in (2, 20) for s in (None, 1, 10)]
    coeffs = [sp.Integer(1), sp.Integer(-1), sp.Rational(1, 4), sp.Rational(-3, 2)]
    for _ in range(400):
        u = sp.Mul(rng.choice(coeffs), *rng.sample(names, rng.randint(1, 3)))
        v = sp.Mul(rng.choice(coeffs), *rng.sample(names, rng.randint(1, 3)))
        assert same(times(u, v), u * v), (u, v)


def _float(text: str, dps: int = DIGITS) -> Float:
    return Float(text, dps)


# the same 300 draws in both tiers' share: the first 60 in the fast tier, the other 240 in the slow one
@pytest.mark.parametrize("first, last", [(0, 60), pytest.param(60, 300, marks=pytest.mark.slow)])
def test_substitute_is_xreplace_bit_for_bit(first, last):
    rng = random.Random(7)
    syms = sp.symbols("p0:6", real=True)
    pool = [sp.Integer(0), sp.Integer(1), sp.Integer(-1), sp.Rational(1, 3), sp.Rational(-7, 20),
            _float("0.1"), _float("-2.5"), _float("1e-30"), _float("3.3333", 20), _float("7.25", 40)]
    rules = [syms[0] * syms[1] + syms[2] * syms[3] + syms[4] * syms[5], -syms[0] * syms[1] * syms[2],
             1 - syms[0] ** 2, 1 / (1 + sp.exp(-syms[0])), syms[0] + syms[1], syms[0] * syms[1],
             sp.tanh(syms[0]) * (syms[1] - syms[2]), sp.Rational(1, 2) * (syms[0] - syms[1]) ** 2,
             syms[0] * syms[1] * syms[2] * syms[3] - syms[4]]
    for draw in range(300):
        values = {s: rng.choice(pool) for s in syms}
        if not first <= draw < last:
            continue
        for rule in rules:
            assert same(substitute(rule, values), rule.xreplace(values)), (rule, values)


def _reference_evaluate(model: Model, assignments) -> dict:
    """evaluate() as it was written with xreplace and SymPy's assumptions, for comparison."""
    exact = dict(model.given())
    sizes = {s: size(v) for s, v in exact.items()}
    numeric = dict(exact)
    for asg in assignments:
        leaves = asg.rule.free_symbols
        value = None
        if all(s in exact for s in leaves) and sum(sizes[s] for s in leaves) <= MAX_EXACT_NODES:
            candidate = asg.rule.xreplace(exact)
            n = size(candidate)
            if n <= MAX_EXACT_NODES:
                value = candidate
                exact[asg.symbol], sizes[asg.symbol] = value, n
        if value is None:
            value = asg.rule.xreplace(numeric)
        number = value if (value.is_Rational or value.is_Float) else value.evalf(DIGITS)
        assert number.is_Rational or (number.is_Float and number.is_finite)
        numeric[asg.symbol] = number
    return {**numeric, **exact}


def _problem(tmp_path: Path, sizes: list[int], **kw):
    path = tmp_path / "net.yaml"
    path.write_text(yaml.safe_dump(network(sizes, **kw), sort_keys=False))
    return load_problem(str(path))


@pytest.mark.parametrize("kw,numeric", [
    (dict(activation="tanh", output_activation="sigmoid", loss="half_squared_error"), True),
    pytest.param(dict(activation="sigmoid", output_activation="softmax", loss="cross_entropy", samples=2), True,
                 marks=pytest.mark.slow),                  # softmax and batches: fast in test_fast_printing.py
    pytest.param(dict(activation="gelu", output_activation="sigmoid", loss="binary_cross_entropy", fraction_digits=2),
                 True, marks=pytest.mark.slow),            # a third numeric case: slow tier
    (dict(activation="relu", output_activation="identity", loss="mse", samples=3, fraction_digits=3), False),
])
def test_network_values_equal_the_xreplace_evaluation(tmp_path, kw, numeric):
    part = _problem(tmp_path, [3, 5, 4, 2], **kw).parts[0]
    model = Model(part)
    assignments = model.forward + derive(model)
    got, want = evaluate(model, assignments), _reference_evaluate(model, assignments)
    assert got.keys() == want.keys()
    bad = [s for s in want if not same(got[s], want[s])]
    assert not bad, bad[:5]
    # the numeric path was taken (tanh, sigmoid, gelu); ReLU with an identity output stays exact
    assert any(isinstance(v, Float) for v in got.values()) == numeric


def _flattens(part) -> int:
    """Calls of Mul.flatten while the model is built and derived."""
    calls = 0
    original = sp.Mul.flatten.__func__

    def counting(cls, seq):
        nonlocal calls
        calls += 1
        return original(cls, seq)

    sp.Mul.flatten = classmethod(counting)
    try:
        model = Model(part)
        derive(model)
    finally:
        sp.Mul.flatten = classmethod(original)
    return calls


@pytest.mark.slow      # derives a 936-weight network: a guard of how work grows, for the slow tier
def test_derive_products_grow_with_units_not_weights(tmp_path, monkeypatch):
    monkeypatch.setattr(budget, "_DISABLED", True)
    small = _problem(tmp_path, [2, 4, 4, 4, 2]).parts[0]           # 62 weights
    large = _problem(tmp_path, [6, 16, 16, 16, 6]).parts[0]        # 936 weights
    n_small, n_large = _flattens(small), _flattens(large)
    # before: about four products per weight went through Mul.flatten (net terms, δ·w, δ·u, −η·grad)
    assert n_large < len(large.weights) / 2
    assert n_large / n_small < len(large.weights) / len(small.weights) / 2


def test_fewer_collections_restores_the_threshold():
    before = gc.get_threshold()
    with fewer_collections(123_456):
        assert gc.get_threshold()[0] == 123_456
        assert gc.get_threshold()[1:] == before[1:]
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError):
        with fewer_collections(123_456):
            raise RuntimeError("boom")
    assert gc.get_threshold() == before


def test_fewer_collections_never_lowers_or_reenables():
    before = gc.get_threshold()
    try:
        gc.set_threshold(200_000, *before[1:])
        with fewer_collections(50_000):
            assert gc.get_threshold()[0] == 200_000
        gc.set_threshold(0, *before[1:])                # automatic collection off: left off
        with fewer_collections(50_000):
            assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)


def test_json_of_two_parts_and_an_odd_title_is_json_dumps_of_the_data(xor):
    """The fast share of the test below: xor's two parts (conftest's solution), and the same with a title
    that holds quotes, a newline, non-ASCII text and braces."""
    from dataclasses import replace

    from symbackprop.render import json as render_json
    for sol in (xor, replace(xor, title='quantities 0 "δ" \n {}')):
        text = render_json.render(sol)
        assert text == json.dumps(render_json.to_data(sol), indent=2, ensure_ascii=False) + "\n"
        assert len(json.loads(text)["parts"]) == 2


@pytest.mark.slow      # a batch with the check's results at two precisions (fast: the test above)
def test_json_is_json_dumps_of_the_data(tmp_path, xor):
    """render/json.py writes the same text as json.dumps of to_data,
    with the check's results, at two precisions, with a title that holds quotes, a newline,
    non-ASCII text and braces, and with two parts."""
    from symbackprop.gradcheck import check_part
    from symbackprop.render import json as render_json
    from symbackprop.solution import solve

    doc = network([2, 3, 2], samples=2)
    doc["title"] = 'quantities 0 "δ" \n {}'
    path = tmp_path / "odd.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    sol = solve(str(path))
    checks = [check_part(p) for p in sol.parts]
    for precision in (None, 2):
        want = json.dumps(render_json.to_data(sol, precision, checks), indent=2, ensure_ascii=False) + "\n"
        assert render_json.render(sol, precision, checks) == want
    # xor: conftest's solution of problems/xor.yaml, two parts
    assert render_json.render(xor) == json.dumps(render_json.to_data(xor), indent=2, ensure_ascii=False) + "\n"
    assert len(json.loads(render_json.render(xor))["parts"]) == 2


def test_without_sympys_sorts_everything_is_left_to_sympy(monkeypatch):
    """A SymPy without the private _mulsort/_addsort: times and plus are plain a*b and a + b."""
    from symbackprop import fastops
    monkeypatch.setattr(fastops, "_mulsort", None)
    monkeypatch.setattr(fastops, "_addsort", None)
    for u, v in PRODUCTS:
        assert same(fastops.times(u, v), u * v)
    assert same(fastops.plus(b, a), b + a)
