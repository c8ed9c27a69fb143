"""One document model (issue 11): the three builders (worked solution, general rules, matrix example)
carry the objects' own values, every format renders every kind, one LaTeX preamble, and the CLI's
derive and matrix-example paths go through the render registry."""
import dataclasses
import html
import os
import shutil
from types import SimpleNamespace

import pytest
import sympy as sp
from click.testing import CliRunner
from conftest import PROBLEMS, QUADRATIC_MODEL

import symbackprop.render as registry
from symbackprop.cli import main
from symbackprop.document import Document, Part, Section, Step, Text
from symbackprop.problem import load_problem
from symbackprop.quadratic import QuadraticSolution, derive_quadratic, load_quadratic
from symbackprop.render.build import SolutionMath, document
from symbackprop.rule_check import derive_for_part
from symbackprop.solution import solve
from symbackprop.symbolic_rules import GeneralDerivation

HAVE_TEX = shutil.which("xelatex") is not None
needs_tex = pytest.mark.skipif(not HAVE_TEX and not os.environ.get("CI"),
                               reason="no TeX engine; .ci/run installs one so CI always compiles")
TEXT_FORMATS = ("text", "markdown", "latex")


@pytest.fixture(scope="module")
def xor():
    return solve(PROBLEMS / "xor.yaml")


@pytest.fixture(scope="module")
def batch():
    return solve(PROBLEMS / "minibatch.yaml")


@pytest.fixture(scope="module")
def rules():
    return [derive_for_part(load_problem(PROBLEMS / "xor_appendix.yaml").part("sigmoid"))]


@pytest.fixture(scope="module")
def quad():
    return derive_quadratic(load_quadratic(str(QUADRATIC_MODEL)))


@pytest.fixture(scope="module")
def kinds(xor, rules, quad):
    return {"solution": xor, "rules": rules, "quadratic": quad}


# --- the builders carry the objects' own values --------------------------------------------------

@pytest.mark.parametrize("which", ["xor", "batch"])
@pytest.mark.slow
def test_a_solution_document_holds_every_step_of_the_solution(which, request):
    solution = request.getfixturevalue(which)
    doc = document(solution)
    assert doc.kind == "solution" and doc.title == solution.title
    assert len(doc.parts) == len(solution.parts)
    for part, psol in zip(doc.parts, solution.parts):
        assert part.precision == psol.part.precision and part.label == psol.name
        assert len(part.notes) == len(psol.conventions)
        expected = list(psol.sections())
        assert [s.inline for s in part.sections] == [sec == "given" for sec, _ in expected]
        for section, (_, steps) in zip(part.sections, expected):
            assert len(section.steps) == len(steps)
            for got, step in zip(section.steps, steps):
                assert got.id == str(step.id)
                assert got.symbol == step.symbol and got.forms == step.forms
                assert got.value == step.value and got.float_value == step.float_value
                # the numbers put into the rule are the solution's values of its symbols
                assert got.numbers == (step.leaves if step.forms else None)
    assert sum(len(s.steps) for p in doc.parts for s in p.sections) == sum(len(p.steps) for p in solution.parts)


def test_a_solution_document_keeps_the_precision_asked_for(xor):
    doc = document(xor, precision=2)
    assert {p.precision for p in doc.parts} == {2}
    assert "0.98 " in registry.render(xor, "text", precision=2) + " "       # u_3 of the sigmoid part ≈ 0.98


@pytest.mark.slow
def test_a_rules_document_holds_every_rule_and_its_check(rules):
    dv = rules[0]
    doc = document(rules, title="T")
    assert doc.kind == "rules" and doc.title == "T" and len(doc.parts) == 1
    part = doc.parts[0]
    definitions, *by_rule = part.sections
    assert [(s.symbol, s.forms) for s in definitions.steps] == [(r.lhs, r.forms) for r in dv.definitions]
    assert len(by_rule) == len(dv.rules)
    for section, rule in zip(by_rule, dv.rules):
        (step,) = section.steps
        assert step.id == rule.id and step.symbol == rule.lhs and step.forms == rule.forms
        assert step.value is None and step.numbers is None           # a rule has no numbers
        assert [f for _, f in step.alternatives] == [f for _, f in rule.specialised]
        check = next(c for c in dv.checks if c.id == rule.id)
        note = section.notes[0].plain
        # the distinct values checked (issue 12), and the comparisons when a value is compared twice
        assert len(section.notes) == 1 and f"{check.distinct} value" in note
        assert (f"{check.compared} comparisons" in note) == (check.compared != check.distinct)


@pytest.mark.slow
def test_a_quadratic_document_holds_the_values_of_the_example(quad):
    doc = document(quad)
    assert doc.kind == "quadratic" and doc.title == quad.problem.title
    steps = [s for _, _, s in doc.steps()]
    assert [s.id for s in steps] == [s.id for s in quad.steps]
    for got, step in zip(steps, quad.steps):
        assert got.symbol == step.lhs and got.forms == step.forms
        if isinstance(step.value, sp.MatrixBase):
            assert got.value.equals(step.value)
        else:
            assert got.value == step.value
    # the numbers substituted into y = c + x_1 + x_2 are those of the forward steps and the file
    y = next(s for s in steps if s.id == "y")
    expected = {quad.step("x1").lhs: quad.step("x1").value, quad.step("x2").lhs: quad.step("x2").value,
                sp.Symbol("c", real=True): quad.problem.c}
    assert y.numbers == expected
    # a matrix rule has no numbers link: ∂L/∂A = … = the matrix
    assert next(s for s in steps if s.id == "grad_A").numbers is None
    assert "Checked" in doc.parts[0].closing[0].plain


def test_the_check_of_the_matrix_example_is_its_own_verdict(quad):
    bad = QuadraticSolution(quad.problem, quad.steps, 1.0)
    assert "DISAGREES" in document(bad).parts[0].closing[0].plain
    assert "DISAGREES" not in document(quad).parts[0].closing[0].plain


def test_anything_else_is_refused(xor):
    with pytest.raises(TypeError):
        document(object())
    with pytest.raises(TypeError):
        document([xor, 1])


# --- one renderer per format, for any document ---------------------------------------------------

def _tiny() -> Document:
    """A document made by hand: y = 2·x with x = 3, and r = x/3 with x = 1 (inexact: ≈)."""
    x, y, r = sp.symbols("x y r")
    math = SolutionMath(SimpleNamespace(text={}, latex={}))
    steps = (Step("y", y, (2 * x,), {x: sp.Integer(3)}, sp.Integer(6), 6.0),
             Step("r", r, (x / 3,), {x: sp.Integer(1)}, sp.Rational(1, 3), 1 / 3),
             Step("same", x, (x,), None, None))                        # prints like its symbol: dropped
    return Document("Tiny", (Part(Text("One part"), (Section(Text("Forward"), steps, notes=(Text("a note"),)),),
                                  math, 4, closing=(Text("done"),)),), "en", "test", "hand-made")


def test_each_format_renders_a_hand_made_document():
    doc = _tiny()
    assert registry.render(doc, "text") == ("Tiny\n====\n\nOne part\n\nForward\n  y = 2·x = 2×3 = 6\n"
                                            "  r = x/3 = 1/3 ≈ 0.3333\n  x\n  a note\n\ndone\n")
    md = registry.render(doc, "markdown")
    assert md.startswith("# Tiny\n\n## One part\n\n### Forward\n")
    assert r"$$ y = 2 \cdot x = 2 \times 3 = 6 $$" in md and r"$$ r = \frac{x}{3} = \frac{1}{3} \approx 0.3333 $$" in md
    tex = registry.render(doc, "latex", standalone=False)
    assert tex.startswith("% symbackprop hand-made: ")
    assert "y &= 2 \\cdot x = 2 \\times 3 = 6 \\\\\nr &= \\frac{x}{3} = \\frac{1}{3} \\approx 0.3333" in tex
    assert "a note\n" in tex and "done\n" in tex


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@pytest.mark.parametrize("which", ["solution", "rules", "quadratic"])
def test_every_format_renders_every_kind(kinds, which, fmt):
    obj = kinds[which]
    out = registry.render(obj, fmt, standalone=False)
    doc = document(obj)
    assert out.strip()
    for part, section, step in doc.steps():
        if fmt == "text":
            assert part.math.text(step.symbol) in out, step.id
        else:
            assert part.math.latex(step.symbol) in out, step.id
        if fmt != "latex":                   # Markdown typesets the title's symbols ($\delta$)
            assert ((section.title.markdown or section.title.plain) if fmt == "markdown" else section.title.plain) in out
    if which == "quadratic":                 # the values of the example, as the lecture has them
        assert "= -3.5" in out and "0.25" in out
    if which == "rules":
        assert ("with sigmoid" if fmt == "text" else r"\text{(sigmoid)}") in out


@pytest.mark.parametrize("which", ["solution", "rules", "quadratic"])
def test_standalone_latex_and_notebook_display_of_every_kind(kinds, which):
    tex = registry.render(kinds[which], "latex", standalone=True)
    assert r"\begin{document}" in tex and tex.endswith("\\end{document}\n")
    assert ("tikzpicture" in tex) == (which == "solution")     # only a network has a picture
    from symbackprop.render.notebook import latex_math
    shown = latex_math(kinds[which])
    assert shown.startswith("$$\\begin{aligned}") and shown.endswith("\\end{aligned}$$")


@pytest.mark.slow
def test_solve_check_lines_are_part_of_the_document(xor):
    from symbackprop.gradcheck import check_part
    reports = [check_part(p) for p in xor.parts]
    for fmt in TEXT_FORMATS:
        out = registry.render(xor, fmt, checks=reports, standalone=False)
        assert out.count("three ways: all agree") == len(xor.parts), fmt


# --- one preamble --------------------------------------------------------------------------------

def _preamble(tex: str) -> str:
    return tex[:tex.index(r"\begin{document}")]


def test_the_three_kinds_share_one_preamble(kinds, quad):
    ascii_quad = dataclasses.replace(quad, problem=dataclasses.replace(quad.problem, title="Matrix example"))
    english = [registry.render(o, "latex", standalone=True) for o in (kinds["solution"], kinds["rules"], ascii_quad)]
    assert len({_preamble(t) for t in english}) == 1
    assert english[0].startswith(r"\documentclass[11pt]{article}")
    chinese = [registry.render(o, "latex", standalone=True, lang="zh") for o in kinds.values()]
    assert len({_preamble(t) for t in chinese}) == 1
    assert r"\documentclass[11pt]{ctexart}" in _preamble(chinese[0])


def test_chinese_text_in_all_three_kinds(kinds):
    """--lang zh: Chinese headings in every kind and format, and a CJK setup in LaTeX."""
    words = {"solution": "前向计算/Forward", "rules": "隐藏层 δ_j/Hidden layer", "quadratic": "反向传播/Backward"}
    for which, obj in kinds.items():
        for fmt in ("text", "markdown"):                 # Markdown sets the heading's δ_j as maths
            said = words[which].replace("δ_j", r"$\delta_j$") if fmt == "markdown" else words[which]
            assert said in registry.render(obj, fmt, lang="zh"), (which, fmt)
        tex = registry.render(obj, "latex", standalone=True, lang="zh")
        assert tex.startswith("% !TEX program = xelatex\n\\documentclass[11pt]{ctexart}"), which
        assert words[which].split("δ")[0].split("/")[0] in tex, which


@needs_tex
@pytest.mark.slow
def test_chinese_pdfs_of_all_three_kinds_compile(kinds, tmp_path):
    for which, obj in kinds.items():
        out = tmp_path / f"{which}.pdf"
        pdf = registry.render(obj, "pdf", lang="zh", output=str(out))
        assert pdf.startswith(b"%PDF"), which


# --- the CLI renders through the registry --------------------------------------------------------

@pytest.fixture
def spy(monkeypatch):
    calls = []
    real = registry.render

    def render(obj, fmt="text", **settings):
        out = real(obj, fmt, **settings)
        calls.append((obj, fmt, settings, out))
        return out
    monkeypatch.setattr(registry, "render", render)
    return calls


@pytest.mark.parametrize("args, fmt, kind", [
    (["derive", str(QUADRATIC_MODEL), "--format", "markdown"], "markdown", QuadraticSolution),
    (["derive", str(QUADRATIC_MODEL), "--format", "json"], "json", QuadraticSolution),
    (["derive", str(PROBLEMS / "xor.yaml"), "--part", "sigmoid", "--format", "latex"], "latex", GeneralDerivation),
    (["derive", "--layers", "2,2,1", "--format", "text"], "text", GeneralDerivation),
])
@pytest.mark.slow
def test_derive_renders_through_the_registry(spy, args, fmt, kind):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert len(spy) == 1
    obj, used, settings, out = spy[0]
    assert used == fmt and result.output == out
    items = obj if isinstance(obj, list) else [obj]
    assert items and all(isinstance(o, kind) for o in items)


@pytest.mark.slow
def test_derive_pdf_goes_through_the_registry_too(spy, tmp_path, monkeypatch):
    import symbackprop.render.pdf as pdf
    monkeypatch.setattr(pdf, "compile_tex",
                        lambda tex, keep=None: SimpleNamespace(pdf=b"%PDF-fake " + tex.encode()))
    out = tmp_path / "q.pdf"
    result = CliRunner().invoke(main, ["derive", str(QUADRATIC_MODEL), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [(type(o), f) for o, f, _, _ in spy] == [(QuadraticSolution, "pdf")]
    assert out.read_bytes().startswith(b"%PDF-fake \\documentclass")


@pytest.mark.parametrize("which", ["solution", "rules", "quadratic"])
def test_html_is_one_escaped_page_without_scripts(kinds, which):
    page = registry.render(kinds[which], "html")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page and "Content-Security-Policy" in page
    doc = document(kinds[which])
    for part, _, step in doc.steps():
        assert html.escape(part.math.text(step.symbol), quote=True) in page


def test_html_escapes_a_hostile_title(xor):
    hostile = dataclasses.replace(xor, title="<script>alert(1)</script> & co")
    page = registry.render(hostile, "html")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


@pytest.mark.slow
def test_the_cli_writes_html_from_the_suffix(tmp_path):
    out = tmp_path / "q.html"
    result = CliRunner().invoke(main, ["derive", str(QUADRATIC_MODEL), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "∂L/∂c = ∂L/∂y·∂y/∂c = 2·(y - y∗) = 2×(0.5 - 1) = -1" in page
