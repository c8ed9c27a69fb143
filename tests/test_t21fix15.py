"""Session 15: user trial t21's items 4, 6 and 9 (issue 13).

4. `model: quadratic` takes `optimizer:`/`steps:` as the graph it stands for (checked against the same problem
   written as `model: graph`); 6. the JSON's `display` of a shown step's quantity is the value its own line prints
   (a small state by significant figures); 9. the zh headings of the optimizer's sections are bilingual.
"""
from __future__ import annotations

import json
import re

from click.testing import CliRunner

from symbackprop.cli import main

QUAD = """\
title: matrix example, quadratic model
model: quadratic
x: [1, -0.5]
A: [[0.5, -1], [0.25, 2]]
b: [0.3, -0.2]
c: 0.1
target: 1
optimizer: {name: adagrad, lr: 0.01}
steps: 2
"""
# the same problem as the graph the docs say a quadratic file stands for (docs/problem-format.md)
GRAPH = """\
title: matrix example, quadratic model
model: graph
inputs: {x: [1, -0.5], A: [[0.5, -1], [0.25, 2]], b: [0.3, -0.2], c: 0.1, t: 1}
parameters: [A, b, c]
nodes:
  M: transpose(x)*A
  q: M*x
  y: q + dot(b, x) + c
  L: (y - t)^2
output: L
optimizer: {name: adagrad, lr: 0.01}
steps: 2
"""

SMALL = """\
network: {inputs: [1, 2], bias: 0, layers: [[3, 4], [5]], activation: sigmoid}
weights: {0: {3: 0.1, 4: -0.2, 5: 0.3}, 1: {3: 0.4, 4: 0.5}, 2: {3: -0.6, 4: 0.7}, 3: {5: 0.8}, 4: {5: -0.9}}
samples:
  - {x: {1: 1, 2: 0.5}, t: {5: 1}}
  - {x: {1: -0.5, 2: 2}, t: {5: 0}}
loss: half_squared_error
optimizer: {name: adam, lr: 0.1}
steps: 2
"""


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _json(path, *extra):
    out = _run("solve", path, "--format", "json", *extra)
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def test_a_quadratic_file_trains_as_its_graph(tmp_path):
    q, g = tmp_path / "q.yaml", tmp_path / "g.yaml"
    q.write_text(QUAD, encoding="utf-8")
    g.write_text(GRAPH, encoding="utf-8")
    a, b = _json(q), _json(g)
    assert [s["quantities"].keys() for s in a["steps"]] == [s["quantities"].keys() for s in b["steps"]]
    for sa, sb in zip(a["steps"], b["steps"]):
        for k, qa in sa["quantities"].items():
            assert qa["value"] == sb["quantities"][k]["value"], k
    # by hand: Adagrad's first step moves each parameter by −η·g/√(g² + ε) = −0.01·sign(g) while g² ≫ ε; ∂L/∂c =
    # 2(y − t) with y = xᵀAx + b·x + c = 1.375 + 0.4 + 0.1 = 1.875 > t = 1, so c moves down by 0.01
    step1 = a["steps"][0]["quantities"]
    assert abs(step1["new_c"]["value"] - (0.1 - 0.01)) < 1e-9
    bad = tmp_path / "bad.yaml"
    bad.write_text(QUAD.replace("adagrad", "adamm"), encoding="utf-8")
    out = _run("solve", bad)
    assert out.exit_code == 2 and "bad.yaml:8: optimizer.name" in out.output and "did you mean adam" in out.output


def test_a_shown_steps_display_is_the_value_its_line_prints(tmp_path):
    f = tmp_path / "small.yaml"
    f.write_text(SMALL, encoding="utf-8")
    data = _json(f, "--steps", "all")
    shown = 0
    for step in data["parts"][0]["steps"]:
        for k, q in step["quantities"].items():
            if "text" in q:
                shown += 1
                assert q["text"].endswith(" " + q["display"]), (step["step"], k, q)
    assert shown > 40
    # a small state is printed by significant figures in its line, so is its display: v̂_1 = g_1² here
    vhat = data["parts"][0]["steps"][0]["quantities"]["vhat_w_1_3"]
    g = data["parts"][0]["steps"][0]["quantities"]["grad_w_1_3"]["value"]
    assert abs(vhat["value"] - g * g) < 1e-12 and vhat["value"] < 0.01
    assert len(re.sub(r"^[-0.]*", "", vhat["display"]).replace(".", "")) == 4     # 4 significant figures


def test_the_zh_optimizer_headings_are_bilingual(tmp_path):
    f = tmp_path / "small.yaml"
    f.write_text(SMALL, encoding="utf-8")
    out = _run("solve", f, "--lang", "zh")
    assert out.exit_code == 0, out.output
    assert "优化器/Optimizer" in out.output and "/Every step" in out.output


def test_a_graph_steps_whole_node_in_a_write_up_is_read_entry_by_entry(tmp_path):
    # trial t21 / R: "## Step 2" with a whole node M = xᵀA₁ crashed check (KeyError 'M'). By hand (NumPy): Adagrad
    # (lecture form) step 1 on L = (xᵀAx + b·x + c − t)²: g_A = 2(y − t)·x xᵀ, θ₁ = θ₀ − η·g/√(g² + ε); M at step 2
    # is xᵀA₁
    import numpy as np
    x, A, t = np.array([1.0, -0.5]), np.array([[0.5, -1.0], [0.25, 2.0]]), 1.0
    y = x @ A @ x + np.array([0.3, -0.2]) @ x + 0.1
    g = 2 * (y - t) * np.outer(x, x)
    A1 = A - 0.01 * g / np.sqrt(g * g + 1e-10)
    M = x @ A1
    g_file = tmp_path / "g.yaml"
    g_file.write_text(GRAPH.replace("lr: 0.01}", "lr: 0.01, eps: 1e-10}"), encoding="utf-8")
    ans = tmp_path / "a.md"
    ans.write_text(f"## Step 2\n\n$M = [{M[0]:.4f}, {M[1]:.4f}]$\n", encoding="utf-8")
    out = _run("check", g_file, ans, "--format", "json")
    assert out.exit_code in (0, 1), out.output
    items = {i["id"]: i for p in json.loads(out.output)["parts"] for i in p["items"]}
    assert items["step2.M_1"]["status"] == "correct" and items["step2.M_2"]["status"] == "correct", items.keys()
