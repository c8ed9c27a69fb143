"""Issue 12 leftovers (session 10, fixb): `derive` on a graph shows a node's decimals as written and the
derivative taken at each kink, as `solve` does; the numbers line says the value a step() takes at its jump.

The graph below is worked by hand: x = 2, w = 0, b = 0.5, t = 1 give s = 0.1·0·2 + 0.5 = 0.5,
r = relu(0) = 0 (a kink), m = max(0.5, 0.5) = 0.5 (a tie), y = 0 + 0.5 + 0.25·0.5² = 0.5625,
∂L/∂y = 2(y − t) = -0.875, ∂L/∂s = -0.875·½ + -0.875·0.5·0.5 = -0.65625,
∂L/∂w = -0.65625·0.1·2 + -0.875·relu'(0) = -0.13125, ∂L/∂b = -0.65625 + -0.875·½ = -1.09375.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from symbackprop.cli import main

GRAPH = """\
title: "decimals and kinks"
model: graph
inputs: {x: 2, w: 0, b: 0.5, t: 1}
nodes:
  s: 0.1*w*x + b
  r: relu(w)
  m: max(s, b)
  y: r + m + 0.25*s*s
  L: (y - t)**2
output: L
parameters: [w, b]
"""


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("fixb") / "kinks.yaml"
    path.write_text(GRAPH, encoding="utf-8")
    return str(path)


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_derive_on_a_graph_writes_decimals_as_written_and_states_the_kinks(graph_file):
    text = run("derive", graph_file)
    grad_w = next(line for line in text.splitlines() if line.strip().startswith("∂L/∂w = "))
    # 2·(y − t)·(∂y/∂s·∂s/∂w + ∂y/∂r·∂r/∂w), with ∂s/∂w = 0.1·x as the file writes it (not x/10)
    assert grad_w.strip().startswith("∂L/∂w = 2·(y - t)·(0.1·x·(0.5·s + step(s - b)) + step(w))")
    assert "/10" not in text
    # relu's step at w = 0 takes 0, max's tie takes ½: the numbers line says which
    assert "(step(0) = 0)" in grad_w and "(step(0.5 - 0.5) = 0.5)" in grad_w
    assert grad_w.endswith("≈ -0.1313")
    assert "relu in node r is evaluated at its kink (w = 0)" in text and "relu'(0) = 0." in text
    assert "max in node m is evaluated at its kink (s = b)" in text and "step(0) = 0.5." in text
    data = json.loads(run("derive", graph_file, "--format", "json"))
    assert data["gradients"]["grad_w"]["exact"] == "-21/160"          # -0.13125
    assert data["gradients"]["grad_b"]["exact"] == "-35/32"           # -1.09375
    assert "Rational(1, 10)" in data["gradients"]["grad_w"]["srepr"]  # srepr stays the exact rule


@pytest.mark.slow
def test_derive_and_solve_on_a_graph_in_chinese_and_latex(graph_file):
    zh = run("derive", graph_file, "--lang", "zh")
    assert "此处的导数是一种约定，所取的值为 relu'(0) = 0。" in zh
    assert "0.1·x" in zh
    latex = run("solve", graph_file, "--format", "latex")
    assert r"\left(\operatorname{step}\left(0\right) = 0\right)" in latex
    assert r"\left(\operatorname{step}\left(0.5 - 0.5\right) = 0.5\right)" in latex
    # away from a kink, step() is printed as before
    assert r"\operatorname{step}\left(s - b\right)" in latex


# -- item 2: derive's notes typeset their symbols ------------------------------------------------------

PERCEPTRON_BATCH = """\
title: perceptron
network: {inputs: [a, b], bias: "0", layers: [[o]], activation: sigmoid}
weights: {"0": {o: 0.5}, a: {o: -1}, b: {o: 2}}
samples:
  - {x: {a: 1, b: 0}, t: {o: 1}}
  - {x: {a: 0, b: 1}, t: {o: 0}}
loss: binary_cross_entropy
learning_rate: 1
"""


def _notes(lang: str, loss: str = "J") -> list:
    """derive's notes of a batch of 2 samples without a hidden layer, as the rules document types them."""
    from types import SimpleNamespace

    from symbackprop.render.rules import _notes, phrase_text
    dv = SimpleNamespace(hidden_layer=False, batch="mean", samples=2, notation=SimpleNamespace(loss_symbol=loss))
    return [phrase_text(line, loss) for line in _notes(dv, lang)]


def test_derive_notes_typeset_x_i_n_and_the_batch_size():
    hidden, batch = _notes("en")
    assert hidden.plain.startswith("No hidden layer: the output units take the inputs x_i directly")
    assert "take the inputs $x_i$ directly, so there is no $\\delta_j$ rule" in hidden.markdown
    assert batch.plain == ("A batch of N = 2 samples, J = (1/N)·Σ_n J^(n): δ_k and δ_j hold in each sample n "
                           "(δ_k^(n), δ_j^(n), with J^(n) for J); ∂J/∂w and Δw add up the samples")
    assert batch.markdown.startswith("A batch of $N = 2$ samples, $J = \\frac{1}{N}\\sum_n$ $J^{(n)}$")
    assert "in each sample $n$ (" in batch.markdown and "for $J$)" in batch.markdown
    assert "in each sample $n$ (" in batch.latex and "<mi>n</mi>" in batch.html
    hidden, batch = _notes("zh", "L")                  # the file's own loss symbol
    assert "输出单元直接接收输入 $x_i$，" in hidden.markdown
    assert batch.markdown.startswith("一批 $N = 2$ 个样本，$L = \\frac{1}{N}\\sum_n$ $L^{(n)}$")
    assert "在每个样本 $n$ 中成立" in batch.markdown and "代替 $L$）" in batch.markdown


@pytest.mark.slow
def test_derive_notes_typeset_in_a_derived_file(tmp_path):
    path = tmp_path / "perceptron.yaml"
    path.write_text(PERCEPTRON_BATCH, encoding="utf-8")
    md = run("derive", str(path), "--format", "markdown")
    assert "the output units take the inputs $x_i$ directly, so there is no $\\delta_j$ rule" in md
    assert "A batch of $N = 2$ samples, $J = \\frac{1}{N}\\sum_n$ $J^{(n)}$" in md
    assert "hold in each sample $n$ (" in md and "for $J$)" in md
    text = run("derive", str(path))                     # plain text reads as before
    assert "take the inputs x_i directly" in text and "A batch of N = 2 samples, J = (1/N)·Σ_n J^(n)" in text
    assert "in each sample n (δ_k^(n), δ_j^(n), with J^(n) for J)" in text


@pytest.mark.slow
def test_derive_notes_in_chinese_latex(tmp_path):
    path = tmp_path / "perceptron.yaml"
    path.write_text(PERCEPTRON_BATCH, encoding="utf-8")
    tex = run("derive", str(path), "--format", "latex", "--lang", "zh")
    assert "输出单元直接接收输入 $x_i$，" in tex
    assert "一批 $N = 2$ 个样本，$J = \\frac{1}{N}\\sum_n$ $J^{(n)}$" in tex and "在每个样本 $n$ 中成立" in tex


# -- item 3: the class summary typesets its symbols in Markdown -----------------------------------------

def _class(lang_part: str = "sigmoid"):
    """One graded student: δ_3 in the other δ convention (full credit), u_5 wrong, w_{35}^new left out."""
    from symbackprop.answers.checker import PartReport, Verdict

    class R:
        reports = (PartReport(lang_part, (
            Verdict("delta_3", "δ_3", "0.1", 0.1, "0.1", "other_convention", 1.0, 1.0),
            Verdict("act_5", "u_5", "0.3", 0.49, "0.49", "wrong", 1.0, 0.0)),
            ("w_35_new",), 3.0, missing_names={"w_35_new": "w_{35}^new"},
            item_points={"delta_3": 1.0, "act_5": 1.0, "w_35_new": 1.0}),)
        error, skipped, student, score = None, False, "ann", 1.0
    return [R()]


def test_the_class_summary_typesets_symbols_in_markdown_and_keeps_the_terminal_plain():
    from symbackprop.grade import summary_markdown, summary_text
    md = summary_markdown(_class())
    assert "the other $\\delta$ convention credited in full included" in md           # the legend
    # the table's item column stays the plain key scripts and tests read (δ_3), as the CSV names it
    assert "| sigmoid | δ_3 | 1 |" in md and "| sigmoid | u_5 | 1 |" in md
    # the count stays words after the name: δ_3 ×1 is not the product δ_3 × 1
    assert "Answered in the other $\\delta$ convention, credited in full and counted as right: " \
           "part sigmoid: $\\delta_3$ ×1" in md
    assert "Left out by everyone who attempted part sigmoid: $w_{35}^{\\text{new}}$" in md
    text = summary_text(_class())
    assert "$" not in text and "counted as right: part sigmoid: δ_3 ×1" in text
    assert "| sigmoid | δ_3 | 1 |" in text and "attempted part sigmoid: w_{35}^new" in text
    zh = summary_markdown(_class(), lang="zh")
    assert "$\\delta$" in zh and "$\\delta_3$ ×1" in zh and "$w_{35}^{\\text{new}}$" in zh
    # a part's name from the file stays words, escaped, even where it looks like a symbol
    odd = summary_markdown(_class("x_1*"))
    from symbackprop.render.mdtext import md_text                  # escaped as the summary always has
    assert f"part {md_text('x_1*')}: $\\delta_3$ ×1" in odd and "$x_1$" not in odd
