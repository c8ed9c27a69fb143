"""Session 10, issue 12's leftovers: given values shown as written at every precision, exact displays
marked "=", half a unit of the last place keeping its digits, and the picture of big networks.

Every expected number here is worked by hand (comments), never taken from the code under test.
TINY: net_2 = 0.5·1 + 0.6·0.25 = 0.65; u_2 = σ(0.65) = 1/(1 + e^-0.65) = 1/1.522046 = 0.657010;
J = (1 − 0.657010)²/2 = 0.058821; g' = 0.657010·0.342990 = 0.225348; δ_2 = 0.225348·(−0.342990)
= −0.077292; Δw_02 = −0.15·δ_2·1 = 0.011594; Δw_12 = −0.15·δ_2·0.25 = 0.0028985.
"""
from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import pytest
import sympy as sp

from symbackprop.printing import SigFigs, format_given, format_value
from symbackprop.problem import parse_problem
from symbackprop.render import render
from symbackprop.solution import Solution, solve_part

TINY = """\
title: tiny
network:
  inputs: [1]
  bias: 0
  layers: [[2]]
weights:
  0: {2: 0.5}
  1: {2: 0.6}
sample: {x: {1: 0.25}, t: {2: 1}}
loss: half_squared_error
learning_rate: 0.15
precision: 0
parts:
  - {name: s, activation: sigmoid}
"""
GIVEN_TEXT = "η = 0.15, w_{02} = 0.5, w_{12} = 0.6, x_1 = 0.25, t_2 = 1"
GIVEN_LATEX = r"$\eta = 0.15$, $w_{02} = 0.5$, $w_{12} = 0.6$, $x_{1} = 0.25$, $t_{2} = 1$"


@pytest.fixture(scope="module")
def tiny():
    problem = parse_problem(TINY)
    return Solution(problem.title, "<tiny>", (solve_part(problem.parts[0]),))


# -- the rules ----------------------------------------------------------------------------------------

def test_a_given_value_is_shown_as_written_at_every_precision():
    for precision in (0, 1, 4, SigFigs(1), SigFigs(3)):
        assert format_given(sp.Rational("0.6"), precision) == ("0.6", True)
        assert format_given(sp.Rational("-0.0125"), precision) == ("-0.0125", True)
        assert format_given(sp.Rational("0.123456789"), precision) == ("0.123456789", True)
        assert format_given(sp.Integer(-6), precision) == ("-6", True)
        assert format_given(sp.Rational("1.5e-13"), precision) == ("1.5e-13", True)   # below 1e-12: scientific
    # a fraction with no finite decimal is rounded as a computed value is: 1/3 = 0.333…
    assert format_given(sp.Rational(1, 3), 0) == ("0.3", False)
    assert format_given(sp.Rational(1, 3), 2) == ("0.33", False)


def test_computed_values_half_a_unit_and_exact_displays():
    # half a unit of the last place keeps its digits: σ(0) = 1/2 at 0 places, 0.05 at 1, 0.005 at 2
    assert format_value(sp.Rational(1, 2), 0) == ("0.5", True)
    assert format_value(sp.Rational(-1, 2), 0) == ("-0.5", True)
    assert format_value(sp.Rational(1, 20), 1) == ("0.05", True)
    assert format_value(sp.Rational(1, 200), 2) == ("0.005", True)
    # every other value is rounded as before: half up from the exact value, ≈
    assert format_value(sp.Rational(3, 5), 0) == ("1", False)            # 0.6 computed: ≈ 1
    assert format_value(sp.Rational(3, 2), 0) == ("2", False)            # a tie above half a unit: half up
    assert format_value(sp.Rational(7, 40), 2) == ("0.18", False)        # 0.175
    assert format_value(sp.Rational(49, 100), 0) == ("0.5", False)       # just below: 1 significant digit, ≈
    # a display that is the value is "=" and has no trailing zeros: 0.00001 at 4 places, 1.5e-13
    assert format_value(sp.Rational(1, 10**5), 4) == ("0.00001", True)
    assert format_value(sp.Rational(3, 2 * 10**13), 4) == ("1.5e-13", True)
    assert format_value(sp.Rational(1, 3 * 10**5), 4) == ("0.000003333", False)
    # an inexact value whose float is exactly half a unit is decided by its digits, not the float
    assert format_value(sp.Float("0.5000000000000000000001", 30), 0, 0.5) == ("1", False)
    assert format_value(sp.Float("0.4999999999999999999999", 30), 0, 0.5) == ("0.5", False)


# -- a worked solution, every format --------------------------------------------------------------------

def test_text_shows_the_givens_as_written_and_puts_them_into_the_steps(tiny):
    text = render(tiny, "text")                     # the file's precision: 0
    lines = [line.strip() for line in text.splitlines()]
    assert "Part s: activation sigmoid, loss half squared error, η = 0.15" in lines
    assert GIVEN_TEXT in lines
    assert "net_2 = w_{02}·x_0 + w_{12}·x_1 = 0.5×1 + 0.6×0.25 ≈ 1" in lines           # 0.65
    assert "w_{02}^new = w_{02} + Δw_{02} = 0.5 + 0.01 ≈ 1" in lines                    # 0.5116
    assert "w_{12}^new = w_{12} + Δw_{12} = 0.6 + 0.003 ≈ 1" in lines                   # 0.6029
    assert any(re.fullmatch(r"Δw_\{12\} = -η·δ_2·x_1 = -0\.15×\(-0\.0\d+\)×0\.25 ≈ 0\.003", line) for line in lines)
    assert not re.search(r"w_\{\d\d\} ≈", text) and "η ≈" not in text


def test_sig_figs_and_chinese_show_the_same_givens(tiny):
    text = render(tiny, "text", precision=SigFigs(1))
    assert GIVEN_TEXT in [line.strip() for line in text.splitlines()]
    assert "net_2 = w_{02}·x_0 + w_{12}·x_1 = 0.5×1 + 0.6×0.25 ≈ 0.7" in text           # 0.65, half up
    zh = render(tiny, "text", lang="zh")
    assert GIVEN_TEXT in [line.strip() for line in zh.splitlines()]
    assert "0.5×1 + 0.6×0.25 ≈ 1" in zh and "η = 0.15" in zh


def test_json_latex_markdown_html_show_the_givens_as_written(tiny):
    data = json.loads(render(tiny, "json"))
    q = data["parts"][0]["quantities"]
    shown = {k: (q[k]["display"], q[k]["text"]) for k in ("learning_rate", "w_0_2", "w_1_2")}
    assert shown == {"learning_rate": ("0.15", "η = 0.15"), "w_0_2": ("0.5", "w_{02} = 0.5"),
                     "w_1_2": ("0.6", "w_{12} = 0.6")}
    assert [v["display"] for v in q.values() if v["section"] == "given"] == ["0.15", "0.5", "0.6", "0.25", "1"]
    assert q["net_2"]["display"] == "1" and q["net_2"]["value"] == pytest.approx(0.65)    # computed: rounded
    for fmt in ("latex", "markdown"):
        out = render(tiny, fmt)
        assert GIVEN_LATEX in out, fmt
        assert r"0.5 \times 1 + 0.6 \times 0.25 \approx 1" in out, fmt
        assert r"loss half squared error, $\eta = 0.15$" in out, fmt


@pytest.mark.slow
def test_html_shows_the_givens_as_written(tiny):
    html = render(tiny, "html")
    assert "<mn>0.6</mn>" in html and "<mn>0.25</mn>" in html and "<mn>0.15</mn>" in html
    assert "<mn>0.5</mn><mo>×</mo><mn>1</mn>" in html.replace("\n", "")


def test_sigmoid_of_zero_is_one_half_at_precision_0(xor):
    """XOR's sigmoid part has net_4 = −6 + 6 = 0, so u_4 = σ(0) = 1/2 exactly: `= 0.5`, not `≈ 1`."""
    text = render(Solution("", "", (xor.part("sigmoid"),)), "text", precision=0)
    assert "u_4 = g(net_4) = 1/(1 + exp(-net_4)) = 1/(1 + exp(0)) = 0.5" in text
    # and that 0.5 is what goes into net_5 = −4 + 2·u_3 + 4·u_4 (u_3 = σ(4) = 0.98201)
    assert re.search(r"net_5 = .* = -4×1 \+ 2×0\.98\d* \+ 4×0\.5 ≈ -0\.04", text)


def test_the_checker_expects_a_given_value_as_written(tiny):
    from symbackprop.answers.checker import Checker
    from symbackprop.rubric import Rubric
    ch = Checker(tiny.parts[0], Rubric(), None)
    assert (ch.expected_text["w_1_2"], ch.expected_text["input_1"], ch.expected_text["net_2"]) == ("0.6", "0.25", "1")


# -- a computation graph ----------------------------------------------------------------------------------

GRAPH = """\
title: g
model: graph
precision: 0
inputs:
  x: 0.25
  w: [0.6, -1.35]
  y: 2
nodes:
  v: dot(w, w)*x
  s: v + y
  L: s^2
parameters: [w]
output: L
"""


def test_a_graphs_inputs_are_shown_as_written():
    """v = (0.6² + 1.35²)·0.25 = 2.1825·0.25 = 0.545625, shown ≈ 1 at 0 places."""
    from symbackprop.graph import parse_graph, solve_graph
    from symbackprop.render.graph import to_data
    sol = solve_graph(parse_graph(GRAPH))
    text = render(sol, "text")
    assert "x = 0.25, w = [0.6; -1.35] (2×1), y = 2" in text
    assert "v = w·w·x = [0.6; -1.35]·[0.6; -1.35] × 0.25 ≈ 1" in text
    # s = 2.545625 ≈ 3 from 1 + 2; L = s² = 6.48 ≈ 6, which 3² = 9 does not give: s shown as 2.5 (6.25)
    assert "s = v + y = 1 + 2 ≈ 3" in text and "L = s² = 2.5² ≈ 6" in text
    q = to_data(sol)["quantities"]
    assert (q["x"]["display"], q["w_1"]["display"], q["w_2"]["display"], q["v"]["display"]) == ("0.25", "0.6", "-1.35", "1")


QUADRATIC = """\
model: quadratic
x: [1, 2, -1]
A: [[1, 0, 2], [0, 1, -1], [1, 0.5, 0]]
b: [0.55, -1, 2]
c: 0.25
target: 1
"""


@pytest.mark.slow
def test_the_old_matrix_example_puts_c_in_as_written_and_adds_up(tmp_path):
    """x_1 = xᵀAx = 3, x_2 = b·x = 0.55 − 2 − 2 = −3.45 (≈ −3 at 0 places), y = 0.25 + 3 − 3.45 = −0.2
    exactly: c is 0.25 as written, and x_2 is shown with the places that make the sum −0.2."""
    from symbackprop.quadratic import derive_quadratic, load_quadratic
    f = tmp_path / "q.yaml"
    f.write_text(QUADRATIC, encoding="utf-8")
    text = render(derive_quadratic(load_quadratic(f)), "text", precision=0)
    assert "y = c + x_1 + x_2 = 0.25 + 3 - 3.45 = -0.2" in text
    assert "L = (y - y∗)² = (-0.2 - 1)² ≈ 1" in text                       # 1.44


# -- the picture --------------------------------------------------------------------------------------------

def test_the_pictures_weights_are_shown_as_written(tiny):
    from symbackprop.render.picture import picture
    assert sorted(text for text, *_ in Drawn(picture(tiny.parts[0].part, 0)).labels) == ["0.5", "0.6"]


sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_picture_layout import Drawn, assert_readable, part_of, values_of  # noqa: E402


def _bias_rows(shape, **kw):
    """(layout, for each bias node: how far below the lowest unit of its column it stands, in unit
    spacings (the tallest column's), and whether it stands beside that column: from a quarter of the
    way back to the previous column to half of the way to the next)."""
    from symbackprop.render.picture import layout
    lay = layout(part_of(shape, True, **kw), 4)
    units = [n for n in lay.nodes if not n.bias]
    xs = sorted({round(n.x, 6) for n in units})
    cols = [sorted((n.y for n in units if round(n.x, 6) == x), reverse=True) for x in xs]
    dy = min((c[0] - c[-1]) / (len(c) - 1) for c in cols if len(c) > 1)
    out = []
    for b in (n for n in lay.nodes if n.bias):
        c = int(b.name[1:])                         # b0: the bias node under column 0, feeding column 1
        gap = xs[c + 1] - xs[c]
        out.append(((cols[c][-1] - b.y) / dy, xs[c] - 0.25 * gap - 1e-6 <= b.x <= xs[c] + 0.5 * gap + 1e-6))
    return lay, out


@pytest.mark.slow
def test_a_big_networks_picture_beside_its_table_keeps_bias_nodes_by_their_layer():
    """5-10-10-2 (beyond 4-8-8-3: a weight table): the picture fills the text width (16cm) instead of a
    9cm strip 20cm tall, no edge passes through a unit, and each bias node stands one to two unit
    spacings below the layer that feeds the next one (before: up to 5cm below)."""
    lay, rows = _bias_rows((5, 10, 10, 2))
    assert lay.table and not lay.labels
    xs, ys = [n.x for n in lay.nodes], [n.y for n in lay.nodes]
    assert max(xs) - min(xs) <= 16.0 + 1e-9 and max(ys) - min(ys) <= 19.0
    assert len(rows) == 3 and all(1.0 - 1e-9 <= below <= 2.0 + 1e-9 and beside for below, beside in rows), rows
    for e in lay.edges:
        assert not any(n is not e.source and n is not e.target and n.on_segment(e.source, e.target) for n in lay.nodes)


@pytest.mark.slow
@pytest.mark.parametrize("shape", [(4, 8, 8, 3), (5, 10, 10, 2), (8, 10, 3), (10, 6, 10, 4), (6, 9, 1)],
                         ids=lambda s: "-".join(map(str, s)))
def test_bias_nodes_beside_their_layer_and_labels_readable(shape):
    """Up to 4-8-8-3 the labels stay readable (test_picture_layout's independent check) in the larger
    \\scriptsize where 4-decimal weights fit; beyond it, up to 10 units a column and two hidden layers,
    no edge passes through a unit. Every bias node: 1 to 2 unit spacings below its column, beside it."""
    from symbackprop.render.picture import picture
    lay, rows = _bias_rows(shape)
    assert all(1.0 - 1e-9 <= below <= 2.0 + 1e-9 and beside for below, beside in rows), rows
    part = part_of(shape, True)
    tex = picture(part, 4)
    if lay.table:
        for e in lay.edges:
            assert not any(n is not e.source and n is not e.target and n.on_segment(e.source, e.target)
                           for n in lay.nodes), shape
        assert len(Drawn(tex).table) == len(part.weights)
    else:
        d = assert_readable(tex, values_of(part))
        assert d.size == 8.0                        # \scriptsize: the taller picture leaves them room
    assert math.isfinite(sum(n.y for n in lay.nodes))
