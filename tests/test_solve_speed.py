"""Issue 11, `solve` fast at size: the work it saves, and every byte it prints kept.

tests/data/solve_bytes/outputs.json.xz holds what `solve` printed before the speed work
(make_solve_bytes.py, run at the commit before it): every problem file and five generated networks
(batches, softmax, ReLU with long fractions, deep sigmoid, binary cross-entropy), in text, JSON,
Markdown, LaTeX (standalone and fragment), the notebook's math, both languages and two precisions.
The speed work must change none of it. The other tests bound the work by counting it (no clocks).
"""
from __future__ import annotations

import importlib.util
import json
import lzma
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA, HAND_CHECKED, PROBLEMS, ROOT

BYTES = DATA / "solve_bytes"


def _load_maker():
    spec = importlib.util.spec_from_file_location("make_solve_bytes", BYTES / "make_solve_bytes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


maker = _load_maker()
FIXTURE: dict[str, str] = json.loads(lzma.decompress((BYTES / "outputs.json.xz").read_bytes()))
FILES = [p for p in maker.problem_files() if p.stem not in HAND_CHECKED]     # the files with a fixture
SMALL = {"xor"}            # the fast tier (two parts, every format); the rest, minibatch's batch too, are slow


def test_the_fixture_covers_every_problem_file_and_format():
    stems = {p.stem for p in FILES}
    # files read as computation graphs: model: graph, and model: masked_mean (padding.yaml, issue 14), as
    # conftest.GRAPHS and make_solve_bytes.problem_files tell them
    graphs = {p.stem for p in PROBLEMS.glob("*.yaml") if "\nmodel: " in p.read_text(encoding="utf-8")}
    assert {p.stem for p in sorted(PROBLEMS.glob("*.yaml"))} - stems - HAND_CHECKED == graphs >= {"quadratic", "circuit"}
    assert len([s for s in stems if s.startswith("gen_")]) == 5
    expected = {f"{stem}.{name}" for stem in stems for name, _, _ in maker.RENDERS}
    assert set(FIXTURE) == expected


@pytest.mark.parametrize("path", [pytest.param(p, marks=() if p.stem in SMALL else pytest.mark.slow)
                                  for p in FILES], ids=lambda p: p.stem)
def test_every_output_is_byte_identical_to_before(path: Path):
    now = maker.outputs(path)
    for name, text in now.items():
        assert text == FIXTURE[name], f"{name} changed"


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "latex"])
@pytest.mark.slow
def test_the_command_prints_the_same_bytes(fmt: str):
    """Through the CLI (stdout: LaTeX is the fragment), as a user runs it."""
    from symbackprop.cli import main
    path = PROBLEMS / "xor.yaml"
    result = CliRunner().invoke(main, ["solve", str(path), "--format", fmt])
    assert result.exit_code == 0, result.output
    name = {"text": "text.en", "json": "json", "markdown": "markdown.en", "latex": "latex.en.fragment"}[fmt]
    assert maker.normalised(result.output, path) == FIXTURE[f"xor.{name}"]


# -- the work saved, counted ------------------------------------------------------------------------

def _solved(path: Path):
    """A fresh solution (not one remembered from an earlier test, memo.py): these tests count the work
    its printers and formatters do, which a solution rendered before has already done and kept."""
    from symbackprop.solution import solve, solve_part
    with solve_part.off():
        return solve(path)


@pytest.mark.parametrize("stem", ["minibatch", "gen_tanh_batch"])
@pytest.mark.slow
def test_each_value_is_formatted_once_per_precision(stem: str, monkeypatch):
    """Before: format_value ran once per occurrence of a leaf (40,822 calls for 3,837 steps on
    8-20-20-20-8), each with an evalf. Now once per step and precision, plus the bias input (which
    has no step): in text, JSON and LaTeX together, at two precisions."""
    from symbackprop import solution as S
    from symbackprop.render import render
    path = next(p for p in FILES if p.stem == stem)
    sol = _solved(path)
    calls = []
    real = S.format_value

    def counting(value, precision, number=None):
        calls.append((value, precision, number))
        return real(value, precision, number)

    monkeypatch.setattr(S, "format_value", counting)
    for fmt in ("text", "json", "latex"):
        for precision in (None, 2):
            render(sol, fmt, precision=precision)
    steps = sum(len(p.steps) for p in sol.parts)
    # issue 12: a step whose operands as shown do not give its shown value shows them at more places
    # (printing.operands_that_add_up), so a value may be formatted at those precisions too, still once each
    precisions = {p.part.precision for p in sol.parts} | {2} | {p for _, p, _ in calls}
    bias = sum(p.part.bias is not None for p in sol.parts)
    assert len(calls) <= (steps + bias) * len(precisions)
    assert all(number is not None for value, _, number in calls if not value.is_Rational)   # no evalf


@pytest.mark.parametrize("stem", ["xor", "gen_softmax"])
@pytest.mark.slow
def test_each_sum_is_put_in_order_once(stem: str, monkeypatch):
    """SymPy's sorting of a sum's terms (as_ordered_terms) is most of the cost of printing a long
    one; the rule, the rule with numbers, and the text and LaTeX of the JSON print the same sums."""
    from symbackprop.printing import LatexPrinter, TextPrinter
    from symbackprop.render import render
    import sympy as sp
    sol = _solved(next(p for p in FILES if p.stem == stem))
    sorted_sums = []
    for cls in (TextPrinter, LatexPrinter):
        real = cls._as_ordered_terms

        def counting(self, expr, order=None, real=real):
            if (order or self.order) != "none":         # "none" keeps the terms as they are: no sorting
                sorted_sums.append(expr)
            return real(self, expr, order=order)
        monkeypatch.setattr(cls, "_as_ordered_terms", counting)
    render(sol, "json")
    render(sol, "text")
    # each part keeps its own orders: a sum is sorted at most once per part that prints it
    per_part = [{a for s in p.steps for f in s.forms for a in sp.preorder_traversal(f) if isinstance(a, sp.Add)}
                for p in sol.parts]
    assert sorted_sums and set(sorted_sums) <= set().union(*per_part)
    assert all(sorted_sums.count(a) <= sum(a in sums for sums in per_part) for a in set(sorted_sums))


def test_printing_once_gives_what_printing_twice_gave():
    """print_twice against print_text/print_latex called twice (the code before), on sums, products,
    quotients, powers, functions and Piecewise, with negative values, long and e-notation values,
    and names with superscripts (a batch's u_3^(1), which LaTeX braces as a power's base)."""
    import sympy as sp
    from symbackprop.activations import relu
    from symbackprop.model import g
    from symbackprop.printing import print_latex, print_text, print_twice
    a, b, c, d = syms = sp.symbols("a b c d")
    exprs = [a + b, a - b, -a + b, a * b - c * d, a * (b + c), -a * b * (c - d), a / b, (a + b) / (c - d),
             a ** 2, a ** 2 * b, (a - b) ** 2, 1 / a, a ** -2, sp.sqrt(a), sp.exp(-a), 1 / (1 + sp.exp(-a)),
             sp.tanh(a) ** 2, 1 - sp.tanh(b) ** 2, sp.log(a) - b * sp.log(c), relu(a, 0), sp.Heaviside(a - b),
             sp.Piecewise((a, b > 0), (c, True)), g(a) * b, -(a + b) * c ** 2 / d, sp.Rational(1, 2) * (a - b) ** 2,
             2 * a * b, -3 * a + sp.Rational(3, 4) * b, a * b * c * d + a * b - c, sp.Abs(a - b)]
    names_sets = [
        ({a: "net_3", b: "u_1", c: "w_13", d: "δ_5"},
         {a: r"\mathrm{net}_{3}", b: "u_{1}", c: "w_{13}", d: r"\delta_{5}"}),
        ({a: "net_3^(1)", b: "u_1^(2)", c: "w_13", d: "t_1^(1)"},
         {a: r"\mathrm{net}_{3}^{(1)}", b: "u_{1}^{(2)}", c: "w_{13}", d: "t_{1}^{(1)}"}),
    ]
    value_sets = [{a: "0.5", b: "-0.25", c: "2", d: "-1.0e-05"},
                  {a: "-3", b: "0.1234567", c: "-0.5", d: "1.0e+12"},
                  {a: "12", b: "7", c: "0", d: "-0"}]
    checked = 0
    for e in exprs:
        for text_names, latex_names in names_sets:
            for values in value_sets:
                vals = {s: v for s, v in values.items() if s in e.free_symbols}
                assert print_twice(e, text_names, vals) == (print_text(e, text_names),
                                                            print_text(e, text_names, vals)), e
                assert print_twice(e, latex_names, vals, latex=True) == (print_latex(e, latex_names),
                                                                         print_latex(e, latex_names, vals)), e
                checked += 1
    assert checked == len(exprs) * 6 and len(syms) == 4


@pytest.mark.slow
def test_the_shown_value_is_kept_on_its_step_and_travels_with_it():
    """Step.shown is format_value of the step's own value; the kept display is not part of the step's
    identity (equal steps stay equal) and a pickled solution (grade's workers under spawn) still works."""
    from symbackprop.printing import format_value
    sol = _solved(PROBLEMS / "minibatch.yaml")
    psol = sol.parts[0]
    for step in psol.steps:
        assert step.shown(3) == format_value(step.value, 3)
    again = pickle.loads(pickle.dumps(sol))
    for s1, s2 in zip(psol.steps, again.parts[0].steps):
        assert s1.id == s2.id and s1.value == s2.value and s1.float_value == s2.float_value
        assert s2.shown(3) == s1.shown(3) and s2.shown(5) == format_value(s2.value, 5)
    fresh = _solved(PROBLEMS / "minibatch.yaml").parts[0].steps
    assert fresh == psol.steps                 # shown values kept on one side only


@pytest.mark.slow
def test_solve_imports_neither_the_answer_checker_nor_numpy():
    """`solve` imports what it uses: the core, printing and one renderer (answers/ alone costs 40 ms)."""
    code = ("import sys\nfrom symbackprop.cli import main\n"
            "try:\n    main.main(args=['solve', sys.argv[1], '--format', sys.argv[2]], prog_name='symbackprop')\n"
            "except SystemExit:\n    pass\n"
            "sys.stderr.write('MODULES ' + ' '.join(sorted(sys.modules)))\n")
    for fmt in ("text", "json"):
        out = subprocess.run([sys.executable, "-c", code, str(PROBLEMS / "xor.yaml"), fmt], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert maker.normalised(out.stdout, PROBLEMS / "xor.yaml") == FIXTURE[f"xor.{'text.en' if fmt == 'text' else 'json'}"]
        modules = out.stderr.rsplit("MODULES ", 1)[1].split()
        assert "symbackprop.solution" in modules and "sympy" in modules
        assert not [m for m in modules if m.startswith("symbackprop.answers") or m == "numpy"
                    or m.startswith("symbackprop.render.") and m.split(".")[-1] not in ("prose", "steps", "build", fmt)]
