"""Session 15, task R (trial t21 items 7 and 8): a graph's step shown in full prints its forward and backward pass;
one rule for a step's numbers (an exact short value in full everywhere in the step, a small one by significant
figures, ∂J/∂θ in the pass printed as the g_t line prints it).

The graph is t21's p/g_nesterov_lecture.yaml: y = xᵀAx + b·x + c, L = (y − t)², x = (1, −0.5), t = 1, the
lecture's Nesterov (η = 0.05, γ = 0.9). By hand, step 1 at θ_0: xᵀAx = 0.5 − 0.5·(−1 + 0.25) + 0.25·2 = 1.375,
b·x = 0.3 + 0.1 = 0.4, y = 1.375 + 0.4 + 0.1 = 1.875, ∂L/∂y = 2·0.875 = 1.75, g_1(A) = 1.75·x·xᵀ =
[1.75, −0.875; −0.875, 0.4375], g_1(b) = 1.75·x = (1.75, −0.875), g_1(c) = 1.75.
v_1 = η·g_1 = [0.0875, −0.04375; −0.04375, 0.021875], (0.0875, −0.04375), 0.0875; θ_1 = θ_0 − v_1 =
A [0.4125, −0.95625; 0.29375, 1.978125], b (0.2125, −0.15625), c 0.0125.
Step 2 is at the look-ahead point θ_1 − γ·v_1: A [0.33375, −0.916875; 0.333125, 1.9584375], b (0.13375, −0.116875),
c −0.06625; there xᵀAx = 0.33375 + 0.5·0.58375 + 0.25·1.9584375 = 1.115234375, b·x = 0.1921875,
y = 1.115234375 + 0.1921875 − 0.06625 = 1.241171875, ∂L/∂y = 0.48234375.
"""
from __future__ import annotations

import json
import re

import pytest

from conftest import PROBLEMS
from helpers import T21, quadratic_graph

GRAPH = quadratic_graph("{name: nesterov, lr: 0.05, momentum: 0.9}", 3, title="graph nesterov lecture", **T21)


def _solve(path, *args):
    from click.testing import CliRunner
    from symbackprop.cli import main
    result = CliRunner().invoke(main, ["solve", str(path), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory):
    f = tmp_path_factory.mktemp("r15") / "g.yaml"
    f.write_text(GRAPH, encoding="utf-8")
    return f


@pytest.fixture(scope="module")
def step2(graph_file):
    return _solve(graph_file, "--steps", "all")


def _section(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(title) + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("  ")), len(lines))
    return lines[start:end]


def _value(line: str) -> str:
    return re.split(r" [=≈] ", line)[-1].strip()


def test_a_graph_step_prints_its_forward_and_backward_pass_before_its_optimizer_lines(step2):
    i_fwd, i_bwd = step2.index("Step 2: Forward: the computation graph"), step2.index("Step 2: Backward: the chain rule")
    i_opt = step2.index("Step 2 of 3")
    assert step2.index("Step 1 of 3") < i_fwd < i_bwd < i_opt       # step 1's pass is the graph's solution above
    assert "Step 1: Forward" not in step2
    forward = _section(step2, "Step 2: Forward: the computation graph")
    # the look-ahead point, worked from θ_1 and v_1 as printed (by hand above), exact: "="
    note = next(x for x in forward if "look-ahead point" in x)
    for part in ("A_11: 0.4125 − 0.9×0.0875 = 0.33375", "A_12: −0.95625 − 0.9×(−0.04375) = −0.916875",
                 "A_21: 0.29375 − 0.9×(−0.04375) = 0.333125", "c: 0.0125 − 0.9×0.0875 = −0.06625"):
        assert part in note
    # the forward pass is at that point: M = xᵀA = (0.33375 − 0.5·0.333125, −0.916875 − 0.5·1.9584375)
    m = next(x for x in forward if x.strip().startswith("M = "))
    assert "[0.33375, -0.916875; 0.333125, " in m
    backward = _section(step2, "Step 2: Backward: the chain rule")
    dy = next(x for x in backward if x.strip().startswith("∂L/∂y = "))
    assert _value(dy) == "0.4823"                                   # 0.48234375 (8 places): ≈ at 4 places


def test_the_pass_prints_each_gradient_as_the_g_t_line_below_prints_it(step2):
    backward = _section(step2, "Step 2: Backward: the chain rule")
    grad_a = next(x for x in backward if x.strip().startswith("∂L/∂A = "))
    cells = re.search(r"≈ \[([^\]]*)\] \(2×2\)$", grad_a).group(1)
    entries = [c.strip() for row in cells.split(";") for c in row.split(",")]
    lines = _section(step2, "Step 2 of 3")
    g = [_value(next(x for x in lines if x.strip().startswith(f"g_t(A_{ij})"))) for ij in ("11", "12", "21", "22")]
    assert entries == g
    # by hand: g_2(A) = 0.48234375·x·xᵀ = [0.48234375, −0.241171875; −0.241171875, 0.1205859375]
    assert float(g[0]) == pytest.approx(0.48234375, abs=5e-5)
    assert float(g[1]) == pytest.approx(-0.241171875, abs=5e-5)


def test_an_exact_short_value_is_printed_in_full_everywhere_in_the_step(step2):
    step1 = _section(step2, "Step 1 of 3")
    assert next(x for x in step1 if x.strip().startswith("θ_t(A_21)")).endswith("= 0.29375")    # was ≈ 0.2938
    assert next(x for x in step1 if x.strip().startswith("θ_t(A_12)")).endswith("= -0.95625")
    assert next(x for x in step1 if x.strip().startswith("v_t(A_22)")).endswith("= 0.021875")   # was ≈ 0.02188
    step2_lines = _section(step2, "Step 2 of 3")
    # the two symmetric entries' θ_1 put into step 2 alike, in full
    assert "= 0.29375 + " in next(x for x in step2_lines if x.strip().startswith("θ_t(A_21)"))
    assert "= -0.95625 + " in next(x for x in step2_lines if x.strip().startswith("θ_t(A_12)"))
    assert "0.9×0.021875" in next(x for x in step2_lines if x.strip().startswith("v_t(A_22)"))


@pytest.mark.slow
def test_the_graph_step_in_zh_and_in_every_format(graph_file):
    zh = _solve(graph_file, "--step", "2", "--lang", "zh")
    assert "第 2 步：前向计算/Forward" in zh and "第 2 步：反向传播/Backward" in zh and "前瞻点" in zh
    md = _solve(graph_file, "--step", "2", "--format", "markdown")
    assert "Step 2: Forward: the computation graph" in md and "Step 2: Backward: the chain rule" in md
    tex = _solve(graph_file, "--step", "2", "--format", "latex")
    assert r"\paragraph{Step 2: Forward: the computation graph}" in tex
    html = _solve(graph_file, "--step", "2", "--format", "html")
    assert "Step 2: Backward: the chain rule" in html


def test_the_graph_json_step_holds_its_pass_and_each_display_is_its_lines(graph_file):
    data = json.loads(_solve(graph_file, "--step", "2", "--format", "json"))
    q1, q2 = (data["steps"][t]["quantities"] for t in (0, 1))
    assert q1["grad_y"]["value"] == pytest.approx(1.75) and q1["grad_y"]["display"] == "1.75"
    assert "text" not in q1["grad_y"]                                    # step 1 is not shown here: values only
    assert q2["grad_y"]["exact"] == "3087/6400"                          # 0.48234375, by hand above
    assert q2["q"]["exact"] == "571/512"                                 # 1.115234375
    assert q2["grad_y"]["text"] == next(x.strip() for x in _solve(graph_file, "--step", "2").splitlines()
                                        if x.strip().startswith("∂L/∂y = 2·(y - t) = 2×(1.24"))
    for k in ("grad_A_1_2", "grad_A_2_1", "new_A_2_1", "A_2_1"):
        assert q2[k]["display"] == _value(q2[k]["text"])
    assert q2["A_2_1"]["display"] == "0.29375"
    # the graph's own quantities and the run's ids are unchanged
    assert data["quantities"]["L"]["display"] == "0.7656"
    assert {"A_1_2", "grad_A_1_2", "update_A_1_2", "new_A_1_2", "velocity_A_1_2", "loss", "new_loss"} <= set(q2)


@pytest.mark.slow
def test_a_network_step_prints_small_gradients_by_significant_figures_as_its_g_t_lines():
    """xor_nesterov.yaml step 2: ∂L/∂w_{03} is small (≈ −0.0034): the pass prints it as g_t(w_{03}) is, by
    significant figures; every ∂L/∂w of the pass is printed as its g_t line prints it. The float run's value
    (JSON, a second path) gives the figures."""
    path = PROBLEMS / "xor_nesterov.yaml"
    text = _solve(path, "--step", "2")
    floats = json.loads(_solve(path, "--step", "2", "--format", "json"))["parts"][0]["steps"][1]["quantities"]
    g03 = floats["grad_w_0_3"]["value"]
    assert -0.01 < g03 < 0
    passes = _section(text, "Step 2: Hidden layers: δ and gradients") + \
        _section(text, "Step 2: Output layer: δ and gradients")
    lines = _section(text, "Step 2 of 3 (sample 1)")
    for w in ("03", "13", "04", "05", "35", "45"):
        in_pass = _value(next(x for x in passes if x.strip().startswith(f"∂L/∂w_{{{w}}} = ")))
        in_line = _value(next(x for x in lines if x.strip().startswith(f"g_t(w_{{{w}}})")))
        assert in_pass == in_line, w
    assert _value(next(x for x in passes if x.strip().startswith("∂L/∂w_{03} = "))) == f"{g03:.4g}"   # −0.003361


@pytest.mark.parametrize("precision", ["0", pytest.param("4", marks=pytest.mark.slow)])
def test_a_graph_steps_pass_adds_up_at_its_printed_numbers(graph_file, tmp_path, precision):
    """Adam (lecture) on the same graph: step 1 moves every entry by η = 0.1 (t21: θ_1(c) ≈ 1.6e-10), so at step 2
    y = 1.4 (by hand: A [0.4, −0.9; 0.35, 1.9], b (0.2, −0.1), c ≈ 0: xᵀAx = 0.4 + 0.275 + 0.475 = 1.15,
    b·x = 0.25) and ∂L/∂y = 2·0.4 = 0.8 (up to c's 1.6e-10); its line, worked from the printed y, gives the
    printed value at any precision, and g_t prints it as the pass does."""
    f = tmp_path / "adam.yaml"
    f.write_text(GRAPH.replace("{name: nesterov, lr: 0.05, momentum: 0.9}", "{name: adam, lr: 0.1}"),
                 encoding="utf-8")
    text = _solve(f, "--step", "2", "--precision", precision)
    backward = _section(text, "Step 2: Backward: the chain rule")
    dy = next(x for x in backward if x.strip().startswith("∂L/∂y = "))
    y, d = re.search(r"= 2×\(([-0-9.]+) - 1\) [=≈] ([-0-9.]+)$", dy).groups()
    places = len(d.partition(".")[2])
    assert abs(2 * (float(y) - 1) - float(d)) <= 0.5 * 10 ** -places + 1e-12
    assert float(d) == pytest.approx(0.8, abs=1e-6)
    g = _value(next(x for x in _section(text, "Step 2 of 3") if x.strip().startswith("g_t(c)")))
    assert g == d
