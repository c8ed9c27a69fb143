"""The fast paths of `solve`'s output give exactly what the slow ones give.

- printing.py writes the plain shapes of a step (fastprint.py: symbols, products of symbols, sums
  of them, a product with one sum) without SymPy's printers: its text and LaTeX, with names and
  with numbers, are compared with SymPy's own printers (printing.TextPrinter/LatexPrinter, which
  print_text/print_latex used for every expression before) on seeded random expressions of those
  shapes and of shapes it must leave to SymPy.
- The JSON is written a quantity at a time: the same text as json.dumps of to_data.
- `solve` writes text and JSON as they are made (render.stream): the same bytes as render, to
  stdout and to a file, and no file when the renderer fails half-way.
- evaluate.to_float of a Float is float(evalf(20)) of it.
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest
import sympy as sp
import yaml
from click.testing import CliRunner

from symbackprop import fastprint
from symbackprop.printing import LatexPrinter, TextPrinter, print_latex, print_text, print_twice

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_problem_size import network  # noqa: E402

R = sp.Rational


def sympy_text(expr, names, values=None):
    """StrPrinter's text, as print_text made it before the fast path."""
    return TextPrinter(dict(names=names, values=values, times=values is not None, indexed={}, terms=None)).doprint(expr)


def sympy_latex(expr, names, values=None):
    mul = "times" if values is not None else "dot"
    return LatexPrinter(dict(names=names, values=values, mul_symbol=mul, indexed={}, terms=None)).doprint(expr)


# Internal names as model.py makes them (a rank prefix, units, a sample) and some others: the order
# of factors and terms follows these, the output shows the display names.
RAW = ["1x_0", "1x_1", "1x_2", "1x_10", "2u_3", "2u_4", "2u_12", "3w_1_3", "3w_2_3", "3w_10_3", "3w_3_12",
       "4net_3", "4net_3@1", "5delta_3", "5delta_3@0", "5delta_12", "6gp_3", "0eta", "a", "b", "B", "z_9",
       "7grad_1_3", "8update_1_3", "9new_1_3", "t_1@1"]
SYMS = [sp.Symbol(n, real=True) for n in RAW]
TEXT = ["x_0", "x_1", "x_2", "x_{10}", "u_3", "u_4", "u_{12}", "w_{13}", "w_{23}", "w_{10,3}", "w_{3,12}",
        "net_3", "net_3^(2)", "δ_3", "δ_3^(1)", "δ_{12}", "g'(net_3)", "η", "a", "b**2", "B*", "z_9",
        "∂J/∂w_{13}", "Δw_{13}", "w_{13}^new", "t_1^(2)"]
LATEX = ["x_{0}", "x_{1}", "x_{2}", "x_{10}", "u_{3}", "u_{4}", "u_{12}", "w_{13}", "w_{23}", "w_{10,3}",
         "w_{3,12}", r"\mathrm{net}_{3}", r"\mathrm{net}_{3}^{(2)}", r"\delta_{3}", r"\delta_{3}^{(1)}",
         r"\delta_{12}", r"g'(\mathrm{net}_{3})", r"\eta", "a", "2", "B^{*}", "z_9",
         r"\frac{\partial J}{\partial w_{13}}", r"\Delta w_{13}", r"w_{13}^{\text{new}}", "t_{1}^{(2)}"]
NAMES_TEXT = dict(zip(SYMS, TEXT))
NAMES_LATEX = dict(zip(SYMS, LATEX))
VALUES = ["0.5", "-0.25", "1", "-1", "0", "12.75", "-0.0001", "1.234e-08", "-3.5e+12", "2/3", r"\frac{1}{2}", "-7"]


def product(rng, syms, neg=None):
    factors = rng.sample(syms, rng.randint(1, min(4, len(syms))))
    if neg is None:
        neg = rng.random() < 0.4
    return sp.Mul(*factors) * (-1 if neg else 1)


def plain(rng):
    """A random expression of one of the plain shapes."""
    kind = rng.choice(["symbol", "product", "sum", "sum", "scaled", "two"])
    pool = rng.sample(SYMS, rng.randint(2, len(SYMS)))
    if kind == "symbol":
        return pool[0]
    if kind == "product":
        return product(rng, pool)
    if kind == "two":
        return pool[0] + pool[1] if rng.random() < 0.5 else pool[0] - pool[1]
    all_negative = rng.random() < 0.2
    terms: dict = {}                       # distinct sets of symbols: no two terms combine
    for _ in range(rng.randint(2, 12)):
        t = product(rng, pool, True if all_negative else None)
        terms.setdefault(frozenset(t.free_symbols), t)
    if len(terms) < 2:
        return pool[0] + pool[1]
    s = sp.Add(*terms.values())
    outer = [x for x in SYMS if x not in s.free_symbols]
    if kind == "sum" or not outer:
        return s
    return sp.Mul(*rng.sample(outer, min(len(outer), rng.randint(1, 2))), s) * (-1 if rng.random() < 0.3 else 1)


def other(rng):
    """A random expression the fast path must leave to SymPy (or print the same, if it reads one)."""
    x, y, z = rng.sample(SYMS, 3)
    return rng.choice([
        R(1, 2) * x * y, 2 * x * y, -3 * x, R(-3, 4) * x + y, sp.Float("0.5", 30) * x * y, x ** 2, x * y ** 2,
        x + 1, x - R(1, 2), (x + y) * (y + z), (x + y) ** 2, sp.tanh(x), 1 - sp.tanh(x) ** 2, 1 / (1 + sp.exp(-x)),
        x * (y + R(1, 2)), x * (2 * y + z), sp.Function("g")(x), x * y + x, sp.Add(x, y, evaluate=False) * z,
        sp.Mul(x, x, evaluate=False), sp.Add(x * y, -x * y, evaluate=False), sp.Add(x, sp.Add(y, z, evaluate=False),
                                                                               evaluate=False),
        sp.Symbol("c", commutative=False) * x, sp.Dummy("d") * x, x / y, sp.Abs(x) + y, x * (y - z) * (x + z),
    ])


def values_for(rng, expr, latex):
    vals = {}
    for s in expr.free_symbols:
        if rng.random() < 0.8:
            v = rng.choice(VALUES)
            vals[s] = v if latex or "frac" not in v else "0.5"
    return vals


def check(expr, rng):
    assert print_text(expr, NAMES_TEXT) == sympy_text(expr, NAMES_TEXT), expr
    assert print_latex(expr, NAMES_LATEX) == sympy_latex(expr, NAMES_LATEX), expr
    tv, lv = values_for(rng, expr, False), values_for(rng, expr, True)
    assert print_text(expr, NAMES_TEXT, tv) == sympy_text(expr, NAMES_TEXT, tv), (expr, tv)
    assert print_latex(expr, NAMES_LATEX, lv) == sympy_latex(expr, NAMES_LATEX, lv), (expr, lv)
    terms: dict = {}
    for _ in range(2):                                  # again from the caller's cache
        assert print_twice(expr, NAMES_TEXT, tv, terms=terms) == (sympy_text(expr, NAMES_TEXT),
                                                                 sympy_text(expr, NAMES_TEXT, tv)), (expr, tv)
        assert print_twice(expr, NAMES_LATEX, lv, latex=True, terms=terms) == (
            sympy_latex(expr, NAMES_LATEX), sympy_latex(expr, NAMES_LATEX, lv)), (expr, lv)


@pytest.mark.slow
def test_plain_shapes_print_as_sympy_prints_them():
    rng = random.Random(11)
    read = 0
    for _ in range(1500):
        expr = plain(rng)
        read += fastprint.layout(expr) is not None
        check(expr, rng)
    assert read == 1500              # every one of them is written by the fast path


@pytest.mark.slow
def test_other_shapes_print_as_sympy_prints_them():
    rng = random.Random(12)
    for _ in range(600):
        check(other(rng), rng)


@pytest.mark.parametrize("expr", [
    R(1, 2) * SYMS[0] * SYMS[1], 2 * SYMS[0], SYMS[0] ** 2, SYMS[0] + 1, sp.tanh(SYMS[0]), SYMS[0] * SYMS[1] + 1,
    sp.Float("0.5", 30) * SYMS[0], (SYMS[0] + SYMS[1]) * (SYMS[1] + SYMS[2]), sp.Dummy("d") * SYMS[0],
    sp.Mul(SYMS[0], SYMS[0], evaluate=False), sp.Symbol("c", commutative=False) * SYMS[0],
    sp.Add(SYMS[0] * SYMS[1], -SYMS[0] * SYMS[1], evaluate=False),
])
def test_shapes_left_to_sympy(expr):
    """Numbers other than −1 (a coefficient, a term), powers, functions, two sums, a repeated
    symbol or term, symbols of other classes: not read by the fast path (SymPy prints them)."""
    assert fastprint.layout(expr) is None


def test_names_the_fast_path_does_not_take():
    """A symbol without a LaTeX name is printed by SymPy's printer (its own name for it); names that
    start with a minus sign, hold SymPy's ** or are empty print as SymPy prints them."""
    x, y, z = SYMS[:3]
    expr = x * y - z
    assert print_latex(expr, {x: "x_{0}"}) == sympy_latex(expr, {x: "x_{0}"})
    assert print_text(expr, {x: "x_0"}) == sympy_text(expr, {x: "x_0"})
    odd = {x: "-x", y: "y**2", z: ""}
    for e in (expr, -x * y + z, x + y, -x - y, z * (x - y)):
        assert print_text(e, odd) == sympy_text(e, odd)
        assert print_latex(e, odd) == sympy_latex(e, odd)
        assert print_twice(e, odd, {y: "-1"}) == (sympy_text(e, odd), sympy_text(e, odd, {y: "-1"}))


def test_sum_order_of_a_long_net_and_of_a_hidden_delta():
    """Known orders (SymPy's printers agree): factors and terms by internal name as strings sort
    (1x_1 < 1x_10 < 1x_2 < 3w_…), and a positive term first."""
    x = [sp.Symbol(f"1x_{i}", real=True) for i in (0, 1, 2, 10)]
    w = [sp.Symbol(f"3w_{i}_5", real=True) for i in (0, 1, 2, 10)]
    names = {s: s.name[1:] for s in x + w}
    net = sum(wi * xi for wi, xi in zip(w, x))
    assert print_text(net, names) == "x_0·w_0_5 + x_1·w_1_5 + x_10·w_10_5 + x_2·w_2_5"
    assert print_text(-x[1] * w[1] + x[2], names) == "x_2 - x_1·w_1_5"
    assert print_latex(-x[1] * w[1] - x[2], names) == r"- x_1 \cdot w_1_5 - x_2"
    for e in (net, -x[1] * w[1] + x[2], -x[1] * w[1] - x[2]):
        assert print_text(e, names) == sympy_text(e, names) and print_latex(e, names) == sympy_latex(e, names)


def solution(tmp_path, sizes, **kw):
    from symbackprop.solution import solve
    doc = network(sizes, **kw)
    path = tmp_path / "net.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return solve(str(path)), path


@pytest.fixture(scope="module")
def net_352(tmp_path_factory):
    """(solve of the generated 3-5-2 network's file, the file), once for the module: a Solution is not
    changed by rendering it."""
    return solution(tmp_path_factory.mktemp("net352"), [3, 5, 2])


# the plain network stays fast; batches, fractions, softmax and ReLU repeat the comparison (slow tier)
@pytest.mark.parametrize("kw", [{}, pytest.param({"samples": 3}, marks=pytest.mark.slow), pytest.param({"fraction_digits": 3}, marks=pytest.mark.slow),
                                pytest.param({"loss": "cross_entropy", "output_activation": "softmax"},
                                             marks=pytest.mark.slow),
                                pytest.param({"activation": "relu", "samples": 2}, marks=pytest.mark.slow)])
def test_fast_printing_gives_every_step_as_sympy_prints_it(tmp_path, kw):
    """Every step of generated networks (batches, fractions, softmax, ReLU): each form printed with
    names, and the last with numbers, as SymPy's printers print them."""
    sol, _ = solution(tmp_path, [3, 4, 2], **kw)
    psol = sol.parts[0]
    fast = 0
    for step in psol.steps:
        for form in step.forms:
            for names, mine, theirs in ((psol.names.text, print_text, sympy_text), (psol.names.latex, print_latex, sympy_latex)):
                assert mine(form, names) == theirs(form, names)
        if step.forms:
            shown = psol.shown_leaves(step, 4)
            form = step.forms[-1]
            fast += fastprint.layout(form) is not None
            assert print_twice(form, psol.names.text, shown) == (sympy_text(form, psol.names.text),
                                                                  sympy_text(form, psol.names.text, shown))
            assert print_twice(form, psol.names.latex, shown, latex=True) == (
                sympy_latex(form, psol.names.latex), sympy_latex(form, psol.names.latex, shown))
    assert fast >= 20                    # the fast path took part


# slow tier: the fast tier has xor's JSON against json.dumps (test_solve_scale.py::
# test_json_of_two_parts_and_an_odd_title_is_json_dumps_of_the_data) and `solve`'s streamed JSON against
# render (test_solve_writes_the_rendered_bytes[json], test_a_renderer_failing_after_a_piece_leaves_no_file)
@pytest.mark.slow
@pytest.mark.parametrize("kw", [{}, {"samples": 2}])
def test_json_written_a_quantity_at_a_time_is_json_dumps(tmp_path, kw):
    from symbackprop.render import json as render_json
    from symbackprop.render import render, stream
    sol, _ = solution(tmp_path, [2, 3, 2], **kw)
    want = json.dumps(render_json.to_data(sol, None), indent=2, ensure_ascii=False) + "\n"
    assert render(sol, "json", precision=None) == want
    assert "".join(stream(sol, "json", precision=None)) == want


@pytest.mark.slow
@pytest.mark.parametrize("kw", [{}, {"samples": 2}])
def test_json_of_a_precision_and_text_and_markdown_stream_as_they_render(tmp_path, kw):
    from symbackprop.render import json as render_json
    from symbackprop.render import render, stream
    sol, _ = solution(tmp_path, [2, 3, 2], **kw)
    want = json.dumps(render_json.to_data(sol, 3), indent=2, ensure_ascii=False) + "\n"
    assert render(sol, "json", precision=3) == want
    assert "".join(stream(sol, "json", precision=3)) == want
    for precision in (None, 3):
        assert "".join(stream(sol, "text", precision=precision)) == render(sol, "text", precision=precision)
    assert "".join(stream(sol, "markdown")) == render(sol, "markdown")


def test_json_of_no_parts_and_of_repeated_ids():
    """The cases json.dumps writes its own way: no parts ([]), no quantities ({}), and two steps
    with one id (a dict keeps the first place and the last value)."""
    from dataclasses import replace

    from symbackprop.render import json as render_json
    from symbackprop.solution import Solution, solve
    xor = solve(str(ROOT / "problems" / "xor.yaml"))
    cases = [Solution("t", "s", ()), replace(xor, parts=(replace(xor.parts[0], steps=()),))]
    p = xor.parts[0]
    twice = replace(p, steps=p.steps[:3] + (replace(p.steps[4], key=p.steps[1].key),))
    cases.append(replace(xor, parts=(twice,)))
    for sol in cases:
        assert render_json.render(sol) == json.dumps(render_json.to_data(sol), indent=2, ensure_ascii=False) + "\n"


def test_a_solution_is_written_in_pieces(monkeypatch, net_352):
    """As below on the 3-5-2 network, with pieces of 1,024 characters."""
    import symbackprop.render as render_module
    from symbackprop.render import render, stream
    monkeypatch.setattr(render_module, "PIECE", 1024)
    sol, _ = net_352
    for fmt in ("text", "json"):
        pieces = list(stream(sol, fmt))
        assert len(pieces) > 4 and all(len(p) >= 1024 for p in pieces[:-1])
        assert "".join(pieces) == render(sol, fmt)


@pytest.mark.slow      # a 4-10-10-4 network (fast: the test above)
def test_a_big_solution_is_written_in_pieces(tmp_path, monkeypatch):
    """render.stream's pieces of a larger network: several, each at least PIECE characters but the last."""
    import symbackprop.render as render_module
    from symbackprop.render import render, stream
    monkeypatch.setattr(render_module, "PIECE", 4096)
    sol, _ = solution(tmp_path, [4, 10, 10, 4])
    for fmt in ("text", "json"):
        pieces = list(stream(sol, fmt))
        assert len(pieces) > 4 and all(len(p) >= 4096 for p in pieces[:-1])
        assert "".join(pieces) == render(sol, fmt)


@pytest.mark.parametrize("fmt", [pytest.param("text", marks=pytest.mark.slow), "json"])    # text: slow tier
def test_solve_writes_the_rendered_bytes(tmp_path, net_352, fmt):
    from symbackprop.cli import main
    from symbackprop.render import render
    sol, path = net_352
    runner = CliRunner()
    out = runner.invoke(main, ["solve", str(path), "--format", fmt])
    assert out.exit_code == 0, out.output
    assert out.output == render(sol, fmt)
    target = tmp_path / f"out.{'txt' if fmt == 'text' else 'json'}"
    assert runner.invoke(main, ["solve", str(path), "-o", str(target)]).exit_code == 0
    assert target.read_bytes() == render(sol, fmt).encode("utf-8")            # sol: solve(str(path))


@pytest.mark.slow       # fast: the same on a smaller network, test_a_renderer_failing_after_a_piece_leaves_no_file
def test_a_renderer_failing_half_way_leaves_no_file(tmp_path, monkeypatch):
    """A bug in rendering after some pieces were written: exit 3, one error, and no output file
    (nor a temporary one); the old file, if any, is kept."""
    from symbackprop.cli import main
    from symbackprop.render import json as render_json
    _, path = solution(tmp_path, [4, 10, 10, 4])
    calls = []
    real = render_json._quantity_text

    def failing(*args):
        calls.append(1)
        if len(calls) > 300:
            raise RuntimeError("a bug")
        return real(*args)

    monkeypatch.setattr(render_json, "_quantity_text", failing)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "sol.json"
    result = CliRunner().invoke(main, ["solve", str(path), "-o", str(target)])
    assert result.exit_code == 3
    assert list(out_dir.iterdir()) == []
    target.write_text("old")
    calls.clear()
    assert CliRunner().invoke(main, ["solve", str(path), "-o", str(target)]).exit_code == 3
    assert [p.name for p in out_dir.iterdir()] == ["sol.json"] and target.read_text() == "old"


def test_a_renderer_failing_after_a_piece_leaves_no_file(tmp_path, monkeypatch, net_352):
    """As above on the 3-5-2 network, with pieces of 1,024 characters: the renderer fails after its
    first piece went to the temporary file; exit 3, and no file but the old one."""
    import symbackprop.render as render_module
    from symbackprop.cli import main
    from symbackprop.render import json as render_json
    _, path = net_352
    monkeypatch.setattr(render_module, "PIECE", 1024)
    pieces = []
    real_stream = render_module.stream

    def counted(*args, **kwargs):
        for piece in real_stream(*args, **kwargs):
            pieces.append(len(piece))
            yield piece
    monkeypatch.setattr(render_module, "stream", counted)
    calls = []
    real = render_json._quantity_text

    def failing(*args):
        calls.append(1)
        if len(calls) > 60:
            raise RuntimeError("a bug")
        return real(*args)

    monkeypatch.setattr(render_json, "_quantity_text", failing)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "sol.json"
    target.write_text("old")
    result = CliRunner().invoke(main, ["solve", str(path), "-o", str(target)])
    assert result.exit_code == 3
    assert pieces and pieces[0] >= 1024                     # a piece was written before the failure
    assert [p.name for p in out_dir.iterdir()] == ["sol.json"] and target.read_text() == "old"
    target.unlink()
    calls.clear()
    assert CliRunner().invoke(main, ["solve", str(path), "-o", str(target)]).exit_code == 3
    assert list(out_dir.iterdir()) == []


def test_to_float_of_a_float_is_float_of_evalf_20():
    from symbackprop.evaluate import to_float
    rng = random.Random(5)
    for _ in range(3000):
        x = sp.Float(R(rng.randint(-10 ** 40, 10 ** 40), rng.randint(1, 10 ** rng.randint(1, 45))), 30)
        assert to_float(x) == float(x.evalf(20))
    for x in (sp.Float(0), sp.Float("1e-300", 30), sp.Float("-2.5e300", 30), R(1, 3), sp.Integer(7), sp.exp(R(1, 3))):
        assert to_float(x) == float(x.evalf(20))
