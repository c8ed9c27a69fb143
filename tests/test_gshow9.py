"""How a graph's solution is shown (session 9 user trial): the footnote's stand-in names never clash
with the graph's own, negative numbers are bracketed once where they follow an operator and not at
all where they stand alone, names that mean a constant or function are refused, and Greek names read
as the steps show them in every heading and note. Hand-written expectations for the trial's files,
then properties over generated graphs in every format."""
from __future__ import annotations

import random
import re
import textwrap

import pytest

from symbackprop.graph import parse_graph, solve_graph
from symbackprop.graph_check import derive_graph
from symbackprop.render import render
from symbackprop.render.graph import dummy_names

GU = "model: graph\ninputs: {x: 2}\nnodes:\n  f: x*2\n  g: f + 1\n"
CS231N = textwrap.dedent("""\
    title: "CS231n: a sigmoid neuron gate by gate"
    model: graph
    inputs: {w0: 2, x0: -1, w1: -3, x1: -2, w2: -3}
    nodes:
      a: w0*x0
      b: w1*x1
      c: a + b
      d: c + w2
      k: -1*d
      g: exp(k)
      h: 1 + g
      f: 1/h
""")
LINREG = textwrap.dedent("""\
    title: "Linear regression"
    model: graph
    inputs: {theta0: 0.5, theta1: 2, x: 3, y: 7}
    parameters: [theta0, theta1]
    nodes:
      h: theta0 + theta1*x
      r: h - y
      J: r^2/2
""")
TEXTUAL = ("text", "markdown", "html", "latex")


def solved(text: str):
    return solve_graph(parse_graph(text, "t.yaml"))


# -- item 1: the footnote's names ---------------------------------------------------------------------

def test_the_footnote_of_a_graph_with_nodes_f_and_g_by_hand():
    out = render(solved(GU), "text")
    assert ("Each step sums over the nodes that use q: ∂g/∂q = Σ_h ∂g/∂h · ∂h/∂q (for a matrix node h, over "
            "its entries); a gradient has the shape of its quantity. Parameters: x.") in out
    zh = render(solved(GU), "text", lang="zh")
    assert "每一步对使用 q 的所有节点求和：∂g/∂q = Σ_h ∂g/∂h · ∂h/∂q（矩阵节点 h 则对其各元素求和）" in zh


def test_the_footnote_keeps_q_and_g_where_the_graph_does_not_use_them():
    out = render(solved(LINREG), "text")
    assert "use q: ∂J/∂q = Σ_g ∂J/∂g · ∂g/∂q (for a matrix node g," in out


def test_dummy_names_step_past_every_taken_name():
    assert dummy_names([]) == ("q", "g")
    assert dummy_names(["q", "g"]) == ("p", "h")
    every = "q p v s t r z w g h u k m n c d".split()
    assert dummy_names(every) == ("q1", "g1")
    assert dummy_names(every + ["q1", "g1", "g2"]) == ("q2", "g3")


# -- item 2: negative numbers --------------------------------------------------------------------------

def test_negative_factors_of_the_cs231n_neuron_by_hand():
    out = render(solved(CS231N), "text")
    assert "  ∂f/∂g = ∂f/∂h·∂h/∂g = ∂f/∂h ≈ -0.5344\n" in out
    assert "  ∂f/∂k = ∂f/∂g·∂g/∂k = ∂f/∂g·exp(k) = -0.5344 × exp(-1) ≈ -0.1966\n" in out
    assert "  ∂f/∂d = ∂f/∂k·∂k/∂d = ∂f/∂k·(-1) = -0.1966 × (-1) ≈ 0.1966\n" in out
    assert "  ∂f/∂w0 = ∂f/∂a·∂a/∂w0 = ∂f/∂a·x0 = 0.1966 × (-1) ≈ -0.1966\n" in out
    tex = render(solved(CS231N), "latex")
    assert r"&= \frac{\partial f}{\partial k} \cdot \left(-1\right) \\" in tex
    assert r"&= -0.1966 \times \left(-1\right) \\" in tex
    assert r"&= -0.5344 \times e^{-1} \\" in tex
    html = render(solved(CS231N), "html")
    # MathML: e to the power −1, the minus and one in a row of their own, with no brackets
    assert "<msup><mi>e</mi><mrow><mo>−</mo><mn>1</mn></mrow></msup>" in html
    assert "<mo>×</mo><mrow><mo>(</mo><mrow><mo>−</mo><mn>1</mn></mrow><mo>)</mo></mrow>" in html \
        or "<mo>×</mo><mrow><mo stretchy=\"false\">(</mo><mrow><mo>−</mo><mn>1</mn></mrow>" in html


def test_a_later_negative_term_of_a_sum_folds_its_sign():
    sol = solved("model: graph\ninputs: {x: -2}\nnodes:\n  a: 3*x\n  b: 5*x\n  f: a*b\n")
    out = render(sol, "text")
    # ∂f/∂x = ∂f/∂a·3 + ∂f/∂b·5: the first number leads, the second follows a plus
    line = next(s for s in out.splitlines() if s.startswith("  ∂f/∂x ="))
    assert "= -10 × 3 - 6 × 5 = -60" in line      # x + (−a) folds to x − a (numberslots.py)


# -- item 4: Greek names in headings and notes ----------------------------------------------------------

def test_greek_parameters_in_the_footnote_and_derive_headings_by_hand():
    out = render(solved(LINREG), "text")
    assert "Parameters: θ_0, θ_1." in out and "theta" not in out.split("\n", 2)[2]
    tex = render(solved(LINREG), "latex")
    assert r"Parameters: $\theta_{0}, \theta_{1}$." in tex
    d = derive_graph(solved(LINREG))
    dtext = render(_derivation(d), "text")
    assert "∂J/∂θ_0, ∂J/∂θ_1 by the backward pass, in the node names" in dtext
    assert "∂J/∂θ_0, ∂J/∂θ_1 written out in the inputs" in dtext
    dtex = render(_derivation(d), "latex")
    assert r"$\partial J/\partial \theta_{0}, \partial J/\partial \theta_{1}$ by the backward pass" in dtex
    assert "theta0" not in dtex and "theta1" not in dtex


def _derivation(d, lang: str = "en"):
    from symbackprop.render.graph import derivation_document
    return derivation_document(d, lang)


# -- properties over generated graphs -------------------------------------------------------------------

NAMES = ["q", "g", "p", "h", "u", "x", "y", "a", "b", "theta0", "theta1", "alpha", "beta2", "Lambda12",
         "omega", "w0", "k", "v", "z", "phi"]
OPS = ["{a}*{b}", "{a} + {b}", "{a} - {b}", "-1*{a}", "exp({a})", "{a}^2", "sigmoid({a})", "-{a}", "{a}*(-2)"]


def _graph(rng: random.Random) -> tuple[str, list[str]]:
    names = rng.sample(NAMES, rng.randint(4, 9))
    n_in = rng.randint(1, min(3, len(names) - 1))
    inputs, nodes = names[:n_in], names[n_in:]
    lines = ["title: t", "model: graph",
             "inputs: {" + ", ".join(f"{n}: {rng.choice([-3, -2, -1, -0.5, 1, 2])}" for n in inputs) + "}",
             "nodes:"]
    known = list(inputs)
    for n in nodes:
        a, b = rng.choice(known), rng.choice(known)
        lines.append(f"  {n}: {rng.choice(OPS).format(a=a, b=b)}")
        known.append(n)
    return "\n".join(lines) + "\n", names


@pytest.mark.parametrize("seed", range(12))
def test_generated_graphs_in_every_format(seed):
    text, names = _graph(random.Random(seed))
    sol = solved(text)
    shown = {fmt: render(sol, fmt) for fmt in TEXTUAL}
    zh = render(sol, "text", lang="zh")
    # 1: the footnote's stand-ins are no name of the graph (en and zh, every format)
    m = re.search(r"use (\S+): ∂\S+/∂(\S+) = Σ_(\S+) ", shown["text"])
    assert m and m.group(1) == m.group(2) and m.group(1) not in names and m.group(3) not in names, text
    mz = re.search(r"使用 (\S+) 的所有节点求和：∂\S+/∂(\S+) = Σ_(\S+) ", zh)
    assert mz and (mz.group(2), mz.group(3)) == (m.group(2), m.group(3))
    for fmt in ("markdown", "latex"):           # the rule is typeset as mathematics (render/prose.py)
        assert rf"\sum_{{{m.group(3)}}} " in shown[fmt]
    assert f"<munder><mo>∑</mo><mi>{m.group(3)}</mi></munder>" in shown["html"]
    # 2: a negative number is bracketed once, after an operator; never bare after × · or a minus
    for fmt in ("text", "markdown"):
        s = shown[fmt]
        assert not re.search(r"\(\((-?\d)", s), (fmt, text)
        assert not re.search(r"[×·] -|[+-] -\d|\^-", s), (fmt, text)
        assert not re.search(r"exp\(\(", s)
    tex = shown["latex"]
    assert r"\left(\left(" not in tex and not re.search(r"\\(times|cdot) -", tex), text
    assert not re.search(r"\^\{\\left\(-?[\d.]+\\right\)\}", tex), text
    # 4: a Greek name reads as the steps show it everywhere: never spelt out
    for fmt, s in [*shown.items(), ("zh", zh)]:
        s = re.sub(r'data-step="[^"]*"', "", s)             # HTML: the step's id, as JSON names it
        for n in names:
            if n in ("theta0", "theta1", "alpha", "beta2", "Lambda12", "omega", "phi"):
                assert not re.search(rf"(?<![\\A-Za-z]){n}(?![A-Za-z0-9])", s), (fmt, n, text)


@pytest.mark.parametrize("seed", range(4))
def test_generated_graphs_derive_headings(seed):
    text, names = _graph(random.Random(100 + seed))
    prob = parse_graph(text.replace("title: t\n", "title: t\nparameters: [" + text.split("{")[1].split(":")[0] + "]\n"),
                       "t.yaml")
    d = derive_graph(solve_graph(prob))
    for lang in ("en", "zh"):
        doc = _derivation(d, lang)
        for fmt in TEXTUAL:
            s = re.sub(r'data-step="[^"]*"', "", render(doc, fmt))
            for n in names:
                if n in ("theta0", "theta1", "alpha", "beta2", "Lambda12", "omega", "phi"):
                    assert not re.search(rf"(?<![\\A-Za-z]){n}(?![A-Za-z0-9])", s), (fmt, n)


# -- item 3: names that mean a constant -----------------------------------------------------------------

@pytest.mark.parametrize("name, meaning", [("e", "Euler's number e"), ("E", "Euler's number e"), ("pi", "π"),
                                           ("I", "the imaginary unit"), ("oo", "infinity"), ("inf", "infinity"),
                                           ("nan", "not a number")])
def test_a_name_that_means_a_constant_is_refused_with_its_line(name, meaning):
    from symbackprop.errors import ProblemError
    as_node = f"model: graph\ninputs: {{x: 2}}\nnodes:\n  {name}: -1*x\n  g: exp({name})\n"
    with pytest.raises(ProblemError) as err:
        parse_graph(as_node, "t.yaml")
    assert str(err.value) == (f"t.yaml:4: nodes.{name}: '{name}' reads as a constant of mathematics ({meaning}), in "
                              f"the steps and their LaTeX; choose another name, a letter then letters and digits "
                              f"(e.g. {name}1, {name}x)")
    as_input = f"model: graph\ninputs:\n  a: 1\n  {name}: 2\nnodes:\n  g: a*{name}\n"
    with pytest.raises(ProblemError) as err:
        parse_graph(as_input, "t.yaml")
    assert str(err.value).startswith(f"t.yaml:4: inputs.{name}: '{name}' reads as a constant")


def test_the_constant_name_error_in_chinese_and_on_the_command_line(tmp_path):
    from click.testing import CliRunner
    from symbackprop.cli import main
    f = tmp_path / "g.yaml"
    f.write_text("model: graph\ninputs: {x: 2}\nnodes:\n  e: -1*x\n  g: exp(e)\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["solve", str(f), "--lang", "zh"])
    assert out.exit_code == 2 and "Traceback" not in out.output
    assert f"{f}:4: nodes.e：'e' 会被读作数学常数（自然常数 e）" in out.output


def test_names_near_a_constant_are_fine():
    sol = solved("model: graph\ninputs: {e1: -1, ex: 2, Pi: 1}\nnodes:\n  g: exp(e1) + ex*Pi\n")
    assert "exp(-1)" in render(sol, "text")


def test_no_shipped_graph_uses_a_constant_name():
    from pathlib import Path
    from symbackprop.graph import CONSTANTS, load_graph
    root = Path(__file__).resolve().parent.parent
    graphs = [p for p in (root / "problems").rglob("*.yaml") if "model: graph" in p.read_text(encoding="utf-8")]
    assert graphs
    for p in graphs:
        prob = load_graph(p)                 # would raise on such a name
        assert not {q.name for q in prob.quantities} & set(CONSTANTS), p


# -- PDF: the Greek notes and the bracketed numbers compile ---------------------------------------------

@pytest.mark.slow
@pytest.mark.skipif(not __import__("shutil").which("pdflatex") and not __import__("os").environ.get("CI"),
                    reason="no TeX engine; .ci/run installs one so CI always compiles")
@pytest.mark.parametrize("which", ["solve", "derive"])
def test_greek_notes_and_negative_factors_compile_to_a_pdf(which):
    from symbackprop.render.pdf import compile_tex
    source = CS231N.replace("w0", "theta0").replace("x0", "alpha")
    sol = solved(source)
    doc = sol if which == "solve" else _derivation(derive_graph(sol))
    for lang in ("en", "zh"):
        if which == "derive":
            doc = _derivation(derive_graph(sol), lang)
        tex = render(doc, "latex", standalone=True, lang=lang)
        assert r"\theta_{0}" in tex and "theta0" not in tex
        assert compile_tex(tex).pdf.startswith(b"%PDF")
