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
