"""Issue 12 item 0, session 10: the worked solution of a `model: graph` problem, as a user trial found it.

1. A local partial that is not the total is written with its node's operands, ∂f(s, r)/∂s, and said once
   in the prose; one that equals the total keeps ∂f/∂s.
2. Decimals of a node's formula show as written in its local gradients (s - 1.5, not s - 3/2).
3. At a kink of relu, abs, leaky_relu, max or min the worked solution says which derivative it took, and
   names the same kinks as `solve --check`.
4. Every node outside a function's domain is reported in one run, each with FILE:LINE, its value and
   the domain.
Every expected number is worked by hand in the comments."""
from __future__ import annotations

import json
import re
import shutil

import pytest
import sympy as sp
from click.testing import CliRunner
from conftest import PROBLEMS

from symbackprop.cli import main
from symbackprop.errors import ProblemError
from symbackprop.formula import Formula, Value, decimal_values, text_of
from symbackprop.graph import parse_graph, solve_graph
from symbackprop.graph_check import check_graph
from symbackprop.render import render

# f = s·r with r = s², s = 3: r = 9, f = 27. ∂f/∂r = s = 3; s is used by r and by f itself:
# ∂f/∂s = ∂f/∂r·∂r/∂s + (local ∂f/∂s, r held fixed) = 3·2·3 + 9 = 27 = d(s³)/ds = 3s².
TWICE = """\
title: a node used twice
model: graph
inputs: {s: 3}
nodes:
  r: s^2
  f: s*r
output: f
"""

# The same inside a larger graph: L = g², g = s·r, r = s², s = 3: g = 27, L = 729; ∂L/∂g = 2g = 54,
# ∂L/∂r = 54·s = 162, ∂L/∂s = ∂L/∂r·2s + ∂L/∂g·r = 162·6 + 54·9 = 1458 = d(s⁶)/ds = 6s⁵.
INNER = """\
title: used twice, not by the output
model: graph
inputs: {s: 3}
nodes:
  r: s^2
  g: s*r
  L: g^2
output: L
"""

# Decimals: s = 2.5, w = 0.25. a = (s - 1.5)² = 1; b = 0.1·w·a + 0.5·a² = 0.025 + 0.5 = 0.525;
# f = b·(s - 1.5) = 0.525. ∂f/∂b = s - 1.5 = 1; ∂f/∂a = 1·(0.1·w + a) = 0.025 + 1 = 1.025 (0.5·2·a is a);
# ∂f/∂w = 1·0.1·a = 0.1; ∂f/∂s = ∂f/∂a·2(s - 1.5) + b = 1.025·2 + 0.525 = 2.575.
DECIMALS = """\
title: decimals as written
model: graph
inputs: {s: 2.5, w: 0.25}
nodes:
  a: (s - 1.5)^2
  b: 0.1*w*a + 0.5*a^2
  f: b*(s - 1.5)
output: f
"""

# Kinks: x = y = 0, z = 2, v = 0. a = relu(x) = 0, b = |y| = 0, c = σ(x) = 0.5, d = max(x, y) = 0,
# k = leaky_relu(v) = 0, f = a·z + b·z + c + d + k = 0.5.
# ∂f/∂x = z·relu'(0) + σ'(0) + ∂max/∂x = 2·0 + 0.25 + 0.5 = 0.75;
# ∂f/∂y = z·sign(0) + ∂max/∂y = 0 + 0.5 = 0.5; ∂f/∂v = leaky_relu'(0) = 0.01; ∂f/∂z = a + b = 0.
KINKS = """\
title: kinks
model: graph
inputs: {x: 0, y: 0, z: 2, v: 0}
nodes:
  a: relu(x)
  b: abs(y)
  c: sigmoid(x)
  d: max(x, y)
  k: leaky_relu(v)
  f: a*z + b*z + c + d + k
output: f
"""


def _line(text: str, start: str) -> str:
    return next(line.strip() for line in text.splitlines() if line.strip().startswith(start))


@pytest.fixture(scope="module")
def twice():
    return solve_graph(parse_graph(TWICE))


@pytest.fixture(scope="module")
def decimals():
    return solve_graph(parse_graph(DECIMALS))


@pytest.fixture(scope="module")
def kinks():
    return solve_graph(parse_graph(KINKS))


# -- 1. local partials ---------------------------------------------------------------------------

def test_a_local_partial_that_is_not_the_total_names_its_operands(twice):
    assert twice.gradients["s"] == 27 and twice.gradients["r"] == 3
    text = render(twice, "text")
    assert _line(text, "∂f/∂s =") == "∂f/∂s = ∂f/∂r·∂r/∂s + ∂f(s, r)/∂s = ∂f/∂r·2·s + r = 3 × 2×3 + 9 = 27"
    assert "A partial written with its node's operands, such as ∂f(s, r)/∂s, is local: f's own formula " \
           "differentiated by s with its other operands (r) held fixed. It is not the total ∂f/∂s, which also " \
           "counts the path through r." in text
    latex = render(twice, "latex", standalone=False)
    assert r"\frac{\partial f(s, r)}{\partial s}" in latex
    zh = render(twice, "text", lang="zh")
    assert "∂f(s, r)/∂s" in zh and "是局部偏导" in zh and "全导数 ∂f/∂s" in zh


def test_a_local_partial_of_an_inner_node_and_the_circuit_unchanged():
    inner = solve_graph(parse_graph(INNER))
    assert inner.gradients["s"] == 1458 and inner.gradients["r"] == 162
    assert _line(render(inner, "text"), "∂L/∂s =").startswith("∂L/∂s = ∂L/∂r·∂r/∂s + ∂L/∂g·∂g(s, r)/∂s = ")
    # the circuit's local partials are totals (no operand of q is computed from x): written as before
    circuit = render(solve_graph(parse_graph((PROBLEMS / "circuit.yaml").read_text(encoding="utf-8"))), "text")
    assert _line(circuit, "∂f/∂x =") == "∂f/∂x = ∂f/∂q·∂q/∂x = ∂f/∂q = -4"
    assert _line(circuit, "∂f/∂z =") == "∂f/∂z = q = 3"
    assert "(" not in _line(circuit, "∂f/∂y =") and "is local" not in circuit


# -- 2. decimals as written ----------------------------------------------------------------------

def test_decimals_of_a_formula_show_as_written_in_local_gradients(decimals):
    g = decimals.gradients
    assert (g["b"], g["a"], g["w"], g["s"]) == (1, sp.Rational(41, 40), sp.Rational(1, 10), sp.Rational(103, 40))
    text = render(decimals, "text")
    assert _line(text, "∂f/∂b =") == "∂f/∂b = s - 1.5 = 2.5 - 1.5 = 1"
    assert _line(text, "∂f/∂a =").startswith("∂f/∂a = ∂f/∂b·∂b/∂a = ∂f/∂b·(0.1·w + a) = ")   # 2·0.5·a folded to a
    assert _line(text, "∂f/∂w =").startswith("∂f/∂w = ∂f/∂b·∂b/∂w = ∂f/∂b·0.1·a = ")
    assert "2·(s - 1.5)" in _line(text, "∂f/∂s =")
    assert "3/2" not in text and "/10" not in text and "/40" not in text
    latex = render(decimals, "latex", standalone=False)
    assert r"\frac{3}{2}" not in latex and r"\frac{1}{10}" not in latex and "s - 1.5" in latex
    data = json.loads(render(decimals, "json"))                  # the values stay exact
    assert data["quantities"]["grad_s"]["exact"] == "103/40" and "#" not in json.dumps(data)


def test_a_formula_as_written_has_the_exact_value():
    s = sp.Symbol("s", real=True)
    f = Formula("0.25*s^2 - 1e-3*s + 2.0")
    written = f.as_written({"s": Value(s)}).expr
    exact = f.build({"s": Value(s)}).expr
    assert written != exact and sp.expand(decimal_values(written) - exact) == 0
    assert text_of(Formula("(x + 1)^-1 - ln(y - 0.5)").tree) == "(x + 1)^-1 - ln(y - 0.5)"


# -- 3. kinks -------------------------------------------------------------------------------------

def test_the_derivative_taken_at_each_kink_is_stated_as_check_names_it(kinks):
    g = kinks.gradients
    assert (g["x"], g["y"], g["v"], g["z"]) == (sp.Rational(3, 4), sp.Rational(1, 2), sp.Rational(1, 100), 0)
    text = render(kinks, "text")
    taken = {
        "a": "relu in node a is evaluated at its kink (x = 0): there the derivative is a convention, and the one "
             "taken is relu'(0) = 0.",
        "b": "abs in node b is evaluated at its kink (y = 0): there the derivative is a convention, and the one "
             "taken is abs'(0) = sign(0) = 0.",
        "d": "max in node d is evaluated at its kink (x = y): there the derivative is a convention, and the one "
             "taken is ∂max/∂x = ∂max/∂y = step(0) = 0.5.",
        "k": "leaky_relu in node k is evaluated at its kink (v = 0): there the derivative is a convention, and "
             "the one taken is leaky_relu'(0) = 0.01.",
    }
    for sentence in taken.values():
        assert sentence in text
    assert "node c" not in text                         # sigmoid has no kink
    report = check_graph(kinks)
    assert report.ok
    for gid, why in report.kinks.items():               # --check names a kink the solution states
        assert any(sentence.startswith(why + ":") for sentence in taken.values()), (gid, why)
    assert set(report.kinks) == {"grad_x", "grad_y", "grad_v"}
    zh = render(kinks, "text", lang="zh")
    assert "节点 a 中的 relu 恰在其不可导点（kink）处求值（x = 0）：此处的导数是一种约定，所取的值为 relu'(0) = 0。" in zh
    markdown = render(kinks, "markdown")
    assert r"$\operatorname{relu}'(0) = 0$" in markdown and r"\operatorname{step}(0) = 0.5$" in markdown


@pytest.mark.slow
def test_no_kink_note_away_from_kinks():
    sol = solve_graph(parse_graph(KINKS.replace("{x: 0, y: 0, z: 2, v: 0}", "{x: 1, y: -2, z: 2, v: 3}")))
    assert "its kink" not in render(sol, "text") and not check_graph(sol).kinks


# -- 4. domains -------------------------------------------------------------------------------------

DOMAINS = """\
title: domains
model: graph
inputs: {x: -1, y: 2, z: 0.5}
nodes:
  a: ln(x)
  b: sqrt(x - y)
  c: y/(z - 0.5)
  d: a + b
  m: log(y - 2)
  g: (x + 1)^-1
  h: x^0.5
  k: y + z
output: k
"""


def test_every_node_outside_a_domain_is_reported_at_once(tmp_path):
    path = tmp_path / "domains.yaml"
    path.write_text(DOMAINS, encoding="utf-8")
    with pytest.raises(ProblemError) as err:
        solve_graph(parse_graph(DOMAINS, str(path)))
    lines = str(err.value).splitlines()
    assert lines == [
        f"{path}:5: nodes.a: node a is not a real number at these values: the argument of ln, x = -1, is outside "
        "its domain (ln is defined for positive numbers only)",
        f"{path}:6: nodes.b: node b is not a real number at these values: the argument of sqrt, x - y = -3, is "
        "outside its domain (sqrt is defined for numbers ≥ 0 only)",
        f"{path}:7: nodes.c: node c is not defined at these values: the divisor z - 0.5 is 0 (a division by zero)",
        f"{path}:9: nodes.m: node m is not defined at these values: the argument of log, y - 2 = 0, is outside its "
        "domain (log is defined for positive numbers only)",
        f"{path}:10: nodes.g: node g is not defined at these values: x + 1 = 0 is raised to the negative power -1",
        f"{path}:11: nodes.h: node h is not a real number at these values: x = -1 is negative and raised to the "
        "fractional power 0.5",
    ]                                        # d = a + b uses broken nodes: not reported on its own
    out = CliRunner().invoke(main, ["solve", str(path), "--lang", "zh"])
    assert out.exit_code == 2 and "Traceback" not in out.output
    zh = out.output.strip().splitlines()
    assert len(zh) == 6 and f"{path}:5: nodes.a：节点 a 在这些值处不是实数：ln 的参数 x = -1 不在其定义域内（ln 只对正数有定义）" in zh[0]
    assert zh[2].endswith("nodes.c：节点 c 在这些值处没有定义：除数 z - 0.5 为 0（除以零）")


def test_a_vector_entry_outside_the_domain_names_the_entry():
    bad = "title: v\nmodel: graph\ninputs: {x: [1, -2]}\nnodes:\n  a: ln(x)\n  f: sum(a)\noutput: f\n"
    with pytest.raises(ProblemError, match=r"<string>:5: nodes.a: .*the argument of ln, x_2 = -2, is outside"):
        solve_graph(parse_graph(bad))


# -- every format ---------------------------------------------------------------------------------

ALL = """\
title: all three
model: graph
inputs: {s: 0, w: 0.25}
nodes:
  r: relu(s)^2 + 1.5*s
  f: (s - 1.5)*r + max(s, w - 0.25)
output: f
"""


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "latex", "html"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_format_and_language_shows_all_three(tmp_path, fmt, lang):
    # s = 0, w = 0.25: r = 0, f = max(0, 0) = 0; ∂f/∂r = s - 1.5 = -1.5; ∂r/∂s = 2·relu'(0)·relu(0) + 1.5 = 1.5;
    # ∂f/∂s = -1.5·1.5 + r + ∂max/∂s = -2.25 + 0 + 0.5 = -1.75; ∂f/∂w = ∂max/∂(w - 0.25) = 0.5.
    path = tmp_path / "all.yaml"
    path.write_text(ALL, encoding="utf-8")
    out = CliRunner().invoke(main, ["solve", str(path), "--format", fmt, "--lang", lang])
    assert out.exit_code == 0, out.output
    page = out.output
    if fmt == "json":
        data = json.loads(page)["quantities"]
        assert data["grad_s"]["value"] == -1.75 and data["grad_w"]["value"] == 0.5
        assert "∂f(s, r, w)/∂s" in data["grad_s"]["text"] and "3/2" not in data["grad_s"]["text"]
        assert r"\frac{\partial f(s, r, w)}{\partial s}" in data["grad_s"]["latex"]
        return
    assert "-1.75" in page and "3/2" not in page and r"\frac{3}{2}" not in page and not re.search(r"#\d", page)
    assert ("f(s, r, w)" in page) and ("step(0) = 0.5" in page or r"\operatorname{step}(0) = 0.5" in page)
    assert ("relu'(0) = 0" in page or r"\operatorname{relu}'(0) = 0" in page or "relu&#x27;(0) = 0" in page)
    assert ("is local" in page) if lang == "en" else ("局部偏导" in page)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdflatex") is None and shutil.which("xelatex") is None
                    and shutil.which("lualatex") is None, reason="no TeX to make a PDF")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_pdf_is_made(tmp_path, lang):
    path = tmp_path / "all.yaml"
    path.write_text(ALL, encoding="utf-8")
    pdf = tmp_path / "all.pdf"
    out = CliRunner().invoke(main, ["solve", str(path), "--lang", lang, "-o", str(pdf)])
    assert out.exit_code == 0, out.output
    assert pdf.read_bytes().startswith(b"%PDF")
