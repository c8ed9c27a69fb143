"""Session 11 (issue 12, trial t10 #10, #17, #29, #18): a graph's worked solution.

- backward steps put in numbers from which the step gives its value as shown (never 0/0 that is not);
- a matrix node that is a sum (h = W*x + b) shows ∂L/∂W = ∂L/∂h·xᵀ with x's numbers as a row, and
  ∂L/∂b = ∂L/∂h; no link is printed twice;
- a node name of several letters is one symbol in LaTeX (\\mathit{sigy}) and in MathML (one <mi>);
- the kink notes and the check's kink lines set node names, functions and conditions as maths and
  the gradient ids as code (LaTeX too), and say which step(0) is which when one line has two values.
"""
from __future__ import annotations

import math
import re
import textwrap

from pathlib import Path

import pytest

from symbackprop.graph import parse_graph, solve_graph
from symbackprop.render import render

# the trial's logistic regression (θ_0 = −0.35, θ_1 = 0.8, x1 = 1.5, y = 1)
LOGREG = (Path(__file__).parent / "data" / "gread11" / "logreg.yaml").read_text(encoding="utf-8")

# the trial's linear layer (h = Wx + b, L = ½‖h − t‖²), one copy for every test file that uses it
LIN = (Path(__file__).parent / "data" / "gread11" / "lin.yaml").read_text(encoding="utf-8")

KINK = """\
title: kinks
model: graph
inputs: {w: 0.5, x: 2, b: -1, z: 3}
nodes:
  s: w*x + b
  r: relu(s)
  m: max(r, s)
  k: abs(s)
  f: (s - 1.5)*m + 0.1*k*z
output: f
"""


def _line(out: str, start: str) -> str:
    return next(x.strip() for x in out.splitlines() if x.strip().startswith(start))


def test_backward_steps_widen_their_numbers_until_the_step_gives_its_value():
    """#10: at precision 0, h ≈ 0.70 shows as 1: the step puts in 0.7 (no (1 - 1) denominator) and
    z = 0.85 as 0.9, ∂J/∂h ≈ -1.43 as -1.4: by hand, -1.4 × σ'(0.9) rounds to the value shown, -0.3."""
    out = render(solve_graph(parse_graph(LOGREG)), "text", precision=0)
    assert _line(out, "∂J/∂h =") == "∂J/∂h = (1 - y)/(1 - h) - y/h = (1 - 1)/(1 - 0.7) - 1/0.7 ≈ -1"
    assert _line(out, "∂J/∂z =") == "∂J/∂z = ∂J/∂h·∂h/∂z = ∂J/∂h·(1 - σ(z))·σ(z) = -1.4 × (1 - σ(0.9))×σ(0.9) ≈ -0.3"
    s = 1 / (1 + math.exp(-0.9))
    assert round(-1.4 * (1 - s) * s, 1) == -0.3 and round(-1 * (1 - 1 / (1 + math.exp(-1))) / (1 + math.exp(-1)), 1) != -0.3
    assert "(1 - 1)/(1 - 1)" not in out and "σ(1)" not in _line(out, "∂J/∂z =")


@pytest.mark.slow
def test_backward_widening_at_the_files_precision():
    """At precision 4, h = σ(0.85) = 0.700567… shows as 0.7006, but -1/0.7006 = -1.42735 would show
    -1.4273 where ∂J/∂h ≈ -1.42741 shows -1.4274: the step puts in 0.70057 (-1/0.70057 = -1.42741);
    ∂J/∂θ_1 = ∂J/∂z·x1 already adds up (-0.2994 × 1.5 = -0.4491): nothing widened."""
    out = render(solve_graph(parse_graph(LOGREG)), "text")
    assert _line(out, "∂J/∂h =") == "∂J/∂h = (1 - y)/(1 - h) - y/h = (1 - 1)/(1 - 0.70057) - 1/0.70057 ≈ -1.4274"
    assert round(-1 / 0.7006, 4) == -1.4273 and round(-1 / 0.70057, 4) == -1.4274
    assert _line(out, "∂J/∂θ_1 =") == "∂J/∂θ_1 = ∂J/∂z·∂z/∂θ_1 = ∂J/∂z·x1 = -0.2994 × 1.5 ≈ -0.4491"


def test_a_matrix_sum_shows_the_local_factor_with_its_numbers_once():
    """#17: h = W*x + b: ∂L/∂W = ∂L/∂h·xᵀ = [0; -1.5] × [1, 2, 3] (by hand: (h - t)xᵀ with
    h = Wx + b = [1; -1.5]); ∂L/∂b and ∂L/∂h are the upstream gradient; no link printed twice."""
    out = render(solve_graph(parse_graph(LIN)), "text")
    assert _line(out, "∂L/∂W =") == \
        "∂L/∂W = ∂L/∂h·∂h/∂W = ∂L/∂h·xᵀ = [0; -1.5] × [1, 2, 3] = [0, 0, 0; -1.5, -3, -4.5] (2×3)"
    assert _line(out, "∂L/∂b =") == "∂L/∂b = ∂L/∂h·∂h/∂b = ∂L/∂h = [0; -1.5] (2×1)"
    assert _line(out, "∂L/∂h =") == "∂L/∂h = ∂L/∂r·∂r/∂h = ∂L/∂r = [0; -1.5] (2×1)"
    assert _line(out, "∂L/∂r =") == "∂L/∂r = [r_1; r_2] = [0; -1.5] (2×1)"
    for line in out.splitlines():
        links = [re.sub(r" \(\d+×\d+\)$", "", x) for x in re.split(" [=≈] ", line.strip())]
        assert all(a != b for a, b in zip(links, links[1:])), line


@pytest.mark.slow
def test_a_subtracted_matrix_product_keeps_the_sum_over_entries():
    """h = t - W*x: the form ∂L/∂h·xᵀ would need a minus; the step stays the sum over h's entries, with
    the right value (by hand: -(∂L/∂h)xᵀ = -[1; 0][1, 2] = [-1, -2; 0, 0])."""
    text = textwrap.dedent("""\
        model: graph
        inputs: {W: [[1, 0], [0, 1]], x: [1, 2], t: [0, 0], v: [1, 0]}
        parameters: [W]
        nodes:
          h: t - W*x
          L: dot(v, h)
    """)
    sol = solve_graph(parse_graph(text))
    assert [list(sol.gradients["W"].row(i)) for i in range(2)] == [[-1, -2], [0, 0]]
    assert _line(render(sol, "text"), "∂L/∂W =") == "∂L/∂W = ∂L/∂h·∂h/∂W = [-1, -2; 0, 0] (2×2)"


def test_a_name_of_several_letters_is_one_symbol():
    """#29: sigy is \\mathit{sigy} in LaTeX and one italic <mi> in MathML; one letter, a Greek name and a
    letter with digits stay as they were."""
    from symbackprop.render.graph import name_latex
    from symbackprop.render.mathml import mathml_row
    assert [name_latex(n) for n in ("sigy", "num1", "x", "x1", "theta0", "W")] == \
        [r"\mathit{sigy}", r"\mathit{num}_{1}", "x", "x_{1}", r"\theta_{0}", "W"]
    assert mathml_row(r"\frac{\partial f}{\partial \mathit{sigy}}")[0] == \
        '<mfrac><mrow><mi>∂</mi><mi>f</mi></mrow><mrow><mi>∂</mi><mi mathvariant="italic">sigy</mi></mrow></mfrac>'
    assert '<mi mathvariant="italic">sigy</mi>' in mathml_row(r"\mathit{sigy}")[0]
    assert mathml_row(r"\mathit{x}")[0] == "<mi>x</mi>"
    sol = solve_graph(parse_graph("model: graph\ninputs: {y: -4}\nparameters: [y]\nnodes:\n"
                                  "  sigy: 1/(1 + exp(-y))\n  f: 2*sigy\n"))
    tex = render(sol, "latex", standalone=False)
    assert r"\frac{\partial f}{\partial \mathit{sigy}}" in tex and "{sigy}" not in tex.replace(r"\mathit{sigy}", "")
    assert "<mi>s</mi><mi>i</mi>" not in render(sol, "html")


def test_an_entry_of_a_name_with_digits_has_one_subscript():
    """A vector named x1: its entry 2 is (x_{1})_{2} in LaTeX (x_{1}_{2} is a double subscript, an error;
    {x_{1}}_{2} is typeset x₁₂, which reads as entry (1, 2) of a matrix x)."""
    from symbackprop.render.graph import GraphMath
    sol = solve_graph(parse_graph("model: graph\ninputs: {x1: [1, 2], w: [0.5, -1]}\nparameters: [w]\n"
                                  "nodes:\n  L: dot(w, x1)\n"))
    names = GraphMath(sol).names[True]
    assert names[sol.problem.get("x1").symbol[1, 0]] == "(x_{1})_{2}"
    assert names[sol.problem.get("w").symbol[1, 0]] == "w_{2}"


@pytest.fixture(scope="module")
def kink_solution():
    from symbackprop.graph_check import check_graph
    sol = solve_graph(parse_graph(KINK))
    return sol, check_graph(sol)


@pytest.mark.slow
def test_kink_notes_and_check_lines_set_their_maths_and_ids(kink_solution):
    """#18: in Markdown and LaTeX no `=` of a kink's condition is left outside maths, node names and
    functions are maths, the ids are code (\\texttt in LaTeX); the text is the words it was."""
    sol, checks = kink_solution
    md = render(sol, "markdown", checks=checks)
    assert "$\\operatorname{relu}$ in node $r$ is evaluated at its kink ($s = 0$)" in md
    assert "$\\max$ in node $m$ is evaluated at its kink ($r = s$)" in md
    assert "`grad_w`: finite differences not comparable ($\\operatorname{relu}$ in node $r$" in md
    tex = render(sol, "latex", standalone=False, checks=checks)
    assert r"\texttt{grad\_w}: finite differences not comparable ($\operatorname{relu}$ in node $r$" in tex
    for doc in (md, tex):
        for line in doc.splitlines():
            if "kink" in line:
                assert not re.search(r"[=≈]", re.sub(r"\$[^$]*\$", "", line)), line
    html = render(sol, "html", checks=checks)
    assert "<code>grad_w</code>" in html
    text = render(sol, "text", checks=checks)
    assert "relu in node r is evaluated at its kink (s = 0): there the derivative is a convention" in text
    assert "grad_w: finite differences not comparable (relu in node r is evaluated at its kink (s = 0))" in text


@pytest.mark.slow
def test_two_values_of_step_0_in_one_line_are_told_apart(kink_solution):
    """#18: ∂f/∂s puts in relu's step(0) = 0 and max's tie step(0 - 0) = 0.5: a note says which is which,
    in English and Chinese; a line with one value of step(0) (∂f/∂r) gets no such note."""
    sol, _ = kink_solution
    text = render(sol, "text")
    assert "In ∂f/∂s, step(0) is put in with different values: step(s) = 0 comes from ∂r/∂s, at the kink of relu in " \
           "node r; step(s - r) = 0.5 comes from ∂m(r, s)/∂s, at the kink of max in node m." in text
    assert text.count("is put in with different values") == 1
    zh = render(sol, "text", lang="zh")
    assert "在 ∂f/∂s 中，step(0) 以不同的值代入：step(s) = 0 来自 ∂r/∂s" in zh
    md = render(sol, "markdown")
    assert r"In $\partial f/\partial s$, $\operatorname{step}(0)$ is put in with different values" in md


@pytest.mark.slow
def test_derive_says_no_word_of_a_step_it_does_not_show(kink_solution):
    """derive shows ∂f/∂p for the parameters only: its kink notes have no "which step(0)" note (∂f/∂s is not
    one of its steps); the kink reasons are typeset as in solve."""
    from symbackprop.graph_check import derive_graph
    from symbackprop.render.graph import derivation_document
    doc = derivation_document(derive_graph(kink_solution[0]), "en")
    notes = [n.markdown for part in doc.parts for sec in part.sections for n in sec.notes]
    assert any(r"$\operatorname{relu}$ in node $r$ is evaluated at its kink ($s = 0$)" in n for n in notes)
    assert not any("different values" in n for n in notes)
