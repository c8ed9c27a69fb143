"""Session 14, C4 (issue 13, "Checking"): `check` and `grade` of a graph file's optimizer run.

Every expected number is worked here by hand or by NumPy from the formulas, never taken from the code under test:
- LIN: y = w·x + b, L = (y − t)², x = 2, t = 1, (w, b) = (1, 0), SGD with η = 0.05. ∂L/∂w = 2(y − t)·x, ∂L/∂b = 2(y − t).
  Step 1: y = 2, g = (4, 2), θ_1 = (0.8, −0.1). Step 2: y = 1.5, g = (2, 1), θ_2 = (0.7, −0.15).
- the lecture's quadratic y = xᵀAx + b·x + c (problems/quadratic_adagrad.yaml), Adagrad (PyTorch's form, η = 0.01,
  ε = 1e-10): ∂L/∂A = 2(y − t)·x xᵀ, G_1 = g², θ_1 = θ_0 − η·g/(√G_1 + ε), by NumPy.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from symbackprop.answers.graph_answers import check_graph_answers
from symbackprop.graph import read_graph, solve_graph
from symbackprop.yamlfile import load_yaml

ROOT = Path(__file__).resolve().parents[1]
LIN = """\
title: linear
model: graph
inputs: {x: 2, w: 1, b: 0, t: 1}
parameters: [w, b]
nodes:
  y: w*x + b
  L: (y - t)^2
output: L
optimizer: {name: sgd, lr: 0.05}
steps: 2
"""


def _lin(tmp_path):
    path = tmp_path / "lin.yaml"
    path.write_text(LIN, encoding="utf-8")
    return path, solve_graph(read_graph(load_yaml(path)))


def _check(sol, tmp_path, name, text):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    reports, problems = check_graph_answers(sol, f)
    return {v.qid: v for v in reports[0].verdicts}, problems, reports[0]


def test_step_ids_names_and_follow_through(tmp_path):
    _, sol = _lin(tmp_path)
    # their θ_1(w) = 0.9 is wrong (0.8); at their θ_1 = (0.9, −0.1): y = 1.7, 2(y − t) = 1.4, g_2(w) = 2.8,
    # θ_2(w) = 0.9 − 0.05·2.8 = 0.76, g_2(b) = 1.4: both follow through; θ_2(b) = −0.1 − 0.05·1 = −0.15 (the run's)
    got, problems, _ = _check(sol, tmp_path, "a.yaml", "step1.new_w: 0.9\nstep2.new_w: 0.76\n"
                              "\"θ_2(b)\": -0.15\nsteps:\n  2: {grad_b: 1.4}\n")
    assert problems == []
    assert got["step1.new_w"].status == "wrong" and got["step1.new_w"].expected == pytest.approx(0.8)
    assert got["step2.new_w"].status == "follow_through" and got["step2.new_w"].expected == pytest.approx(0.7)
    assert got["step2.grad_b"].status == "follow_through" and got["step2.grad_b"].expected == pytest.approx(1.0)
    assert got["step2.new_b"].status == "correct"
    # solve's JSON list, and right values: every one correct
    got, problems, _ = _check(sol, tmp_path, "b.json", '{"steps": [{"step": 1, "quantities": {"new_w": 0.8, '
                              '"update_b": -0.1}}, {"step": 2, "quantities": {"grad_w": 2, "new_b": -0.15}}]}')
    assert problems == [] and {q: v.status for q, v in got.items()} == {
        "step1.new_w": "correct", "step1.update_b": "correct", "step2.grad_w": "correct", "step2.new_b": "correct"}
    # a step past the run's last: said, not read
    _, problems, _ = _check(sol, tmp_path, "c.yaml", "step3.new_w: 0.6\n")
    assert len(problems) == 1 and "3" in problems[0]


def test_writeup_names_and_headings(tmp_path):
    _, sol = _lin(tmp_path)
    text = ("## Step 1\n\n$w^{(1)} = 1 - 0.05 \\cdot 4 = 0.8$\n\n$\\theta_1(b) = -0.1$\n\n"
            "## Step 2\n\n$\\frac{\\partial L}{\\partial w} = 2$\n\n$w^{new} = 0.8 - 0.05 \\cdot 2 = 0.7$\n\n"
            "$\\theta_t(b) = -0.25$\n")
    got, problems, report = _check(sol, tmp_path, "w.md", text)
    assert problems == []
    assert {q: v.status for q, v in got.items()} == {"step1.new_w": "correct", "step1.new_b": "correct",
                                                     "step2.grad_w": "correct", "step2.new_w": "correct",
                                                     "step2.new_b": "wrong"}
    assert got["step2.new_b"].expected == pytest.approx(-0.15) and got["step2.new_b"].message


def test_a_graph_without_optimizer_is_as_today(tmp_path):
    path = tmp_path / "plain.yaml"
    path.write_text(LIN.replace("optimizer: {name: sgd, lr: 0.05}\nsteps: 2\n", ""), encoding="utf-8")
    sol = solve_graph(read_graph(load_yaml(path)))
    got, problems, _ = _check(sol, tmp_path, "a.yaml", "grad_w: 4\nstep1.new_w: 0.8\n")
    assert got["grad_w"].status == "correct" and "step1.new_w" not in got and len(problems) == 1


# -- the lecture's matrix example ---------------------------------------------------------------------

def _lecture():
    doc = load_yaml(ROOT / "problems" / "quadratic_adagrad.yaml")
    inputs = doc.data["inputs"]
    x = np.array([float(Fraction(v)) for v in inputs["x"]])
    A, b, c = np.array(inputs["A"], dtype=float), np.array(inputs["b"], dtype=float), float(inputs["c"])
    y = x @ A @ x + b @ x + c
    gA = 2 * (y - 1.0) * np.outer(x, x)
    gb, gc = 2 * (y - 1.0) * x, 2 * (y - 1.0)
    new = lambda th, g: th - 0.01 * g / (np.sqrt(g * g) + 1e-10)     # noqa: E731 - Adagrad's step 1
    return doc, (A, gA, new(A, gA)), (b, gb, new(b, gb)), (c, gc, new(c, gc))


@pytest.mark.slow
def test_lecture_print_and_whole_state_matrix(tmp_path):
    doc, (A, gA, A1), (b, gb, b1), (c, gc, c1) = _lecture()
    sol = solve_graph(read_graph(doc))
    # the lecture's print after the step: a few entries of A, rounded to 4 places as torch prints them
    lines = ["### Step 1", ""] + [f"$A_{{{r + 1}{k + 1}}}^{{new}} = {A1[r, k]:.4f}$\n" for r, k in
                                  ((0, 0), (0, 1), (2, 2), (4, 4))]
    lines += [f"$b_{{3}}^{{(1)}} = {b1[2]:.4f}$", "", f"$c^{{(1)}} = {c1:.4f}$", ""]
    G = gA * gA
    rows = " \\\\ ".join(" & ".join(f"{v:.4f}" for v in row) for row in G)
    lines += [f"$$ G_1(A) = \\begin{{bmatrix}} {rows} \\end{{bmatrix}} $$", ""]
    got, problems, _ = _check(sol, tmp_path, "print.md", "\n".join(lines))
    assert problems == []
    steps = {q: v for q, v in got.items() if q.startswith("step1.")}
    assert len(steps) == 4 + 2 + 25 and all(v.status == "correct" for v in steps.values()), \
        [(q, v.status, v.message) for q, v in steps.items() if v.status != "correct"]
    assert steps["step1.G_A_3_3"].expected == pytest.approx(G[2, 2], rel=1e-9)
    # the same in an answers file: the whole matrix as a list, and one entry wrong by a sign (g for −g)
    wrong = 2 * A[0, 1] - A1[0, 1]
    text = f"step1.G_A: {[[round(float(v), 6) for v in row] for row in G]}\nstep1.new_A_1_2: {wrong:.4f}\n"
    got, problems, _ = _check(sol, tmp_path, "a.yaml", text)
    assert problems == [] and got["step1.G_A_5_5"].status == "correct"
    assert got["step1.new_A_1_2"].status == "wrong" and got["step1.new_A_1_2"].diagnosis == "sign_flipped"


@pytest.mark.slow
@pytest.mark.parametrize("suffix", ["md", "tex", "txt"])
def test_own_solution_reads_back_at_full_marks(tmp_path, suffix):
    from click.testing import CliRunner
    from symbackprop.cli import main
    src = (ROOT / "problems" / "quadratic_adagrad.yaml").read_text(encoding="utf-8").replace("steps: 1", "steps: 2")
    prob = tmp_path / "q2.yaml"
    prob.write_text(src, encoding="utf-8")
    out = tmp_path / f"sol.{suffix}"
    res = CliRunner().invoke(main, ["solve", str(prob), "--steps", "all", "-o", str(out)])
    assert res.exit_code == 0, res.output
    sol = solve_graph(read_graph(load_yaml(prob)))
    reports, problems = check_graph_answers(sol, out)
    report = reports[0]
    assert problems == [] and report.notes == ()
    assert all(v.status == "correct" for v in report.verdicts)
    steps = [v for v in report.verdicts if v.step is not None]
    # each step: g_t, G_t, θ_t of each of the 31 entries, step 1's g_1 being today's ∂L/∂A_{11} … (session 15, G);
    # step 2 also its forward and backward pass (step 1's is the graph's solution above), whole matrices read entry by
    # entry: M (1×5), q, y, L, and ∂L/∂M (5), ∂L/∂q, ∂L/∂y, ∂L/∂L
    assert len(steps) == 2 * 31 * 3 - 31 + 2 * 5 + 6
    assert report.score == report.max_score


def _docs_example() -> str:
    import ast
    tree = ast.parse((ROOT / "docs" / "make_optimizers.py").read_text(encoding="utf-8"))
    return next(node.value.value for node in tree.body if isinstance(node, ast.Assign)
                and getattr(node.targets[0], "id", "") == "GRAPH_EXAMPLE")


@pytest.mark.parametrize("suffix", ["md", pytest.param("txt", marks=pytest.mark.slow)])
def test_docs_graph_example_reads_back(tmp_path, suffix):
    from click.testing import CliRunner
    from symbackprop.cli import main
    prob = tmp_path / "g.yaml"
    prob.write_text(_docs_example(), encoding="utf-8")
    out = tmp_path / f"sol.{suffix}"
    res = CliRunner().invoke(main, ["solve", str(prob), "--steps", "all", "-o", str(out)])
    assert res.exit_code == 0, res.output
    reports, problems = check_graph_answers(solve_graph(read_graph(load_yaml(prob))), out)
    report = reports[0]
    assert problems == [] and report.notes == () and report.score == report.max_score
    assert all(v.status == "correct" for v in report.verdicts)
    # by hand: x = 2, t = 3, (w, b) = (0.5, 0): y = 1, ∂L/∂w = 2(y − t)x = −8, ∂L/∂b = −4; Adagrad's step 1 moves
    # each by η = 0.1 against its gradient's sign: θ_1 = (0.6, 0.1); G_1 = (64, 16)
    steps = {v.qid: v for v in report.verdicts if v.step is not None}
    assert steps["step1.new_w"].expected == pytest.approx(0.6) and steps["step1.G_w"].expected == pytest.approx(64)
    assert steps["step1.new_b"].expected == pytest.approx(0.1) and steps["step1.G_b"].expected == pytest.approx(16)
    # each step's g_t, G_t, θ_t of w and b, step 1's g_1(w), g_1(b) being today's items ∂L/∂w, ∂L/∂b (the graph's own
    # ids, session 15, G); step 2 also prints its own forward and backward pass (session 15, R: t21 item 7), read
    # back as step 2's items y, L, ∂L/∂L, ∂L/∂y (its ∂L/∂w, ∂L/∂b are g_2, the same items)
    assert {v.step for v in steps.values()} == {1, 2} and len(steps) == 2 * 2 * 3 - 2 + 4
    assert {"step2.y", "step2.L", "step2.grad_L", "step2.grad_y"} <= set(steps)
    today = {v.qid: v for v in report.verdicts}
    assert today["grad_w"].expected == pytest.approx(-8) and today["grad_b"].expected == pytest.approx(-4)


def test_grade_is_check_of_each(tmp_path):
    from symbackprop.grade import grade_all
    from symbackprop.rubric import Rubric
    path, sol = _lin(tmp_path)
    rng = np.random.default_rng(14)
    files = []
    for n in range(2):               # one answers file, one write-up
        w1 = 0.8 + rng.choice([0.0, 0.1, -0.2])
        lines = [f"step1.new_w: {w1:.4f}", f"step2.new_w: {w1 - 0.05 * 2 * (2 * w1 - 0.1 - 1) * 2:.4f}",
                 f"step2.grad_b: {rng.choice([1.0, 1.4, -1.0])}"]
        if n % 2:                  # a write-up: the same values by name, under step headings
            lines = ["## Step 1", "", f"$w^{{new}} = {lines[0].split(': ')[1]}$", "", "## Step 2", "",
                     f"$\\theta_t(w) = {lines[1].split(': ')[1]}$", "", f"$g_t(b) = {lines[2].split(': ')[1]}$"]
        f = tmp_path / (f"s{n}.md" if n % 2 else f"s{n}.yaml")
        f.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append((f"s{n}", f))
    graded = grade_all(read_graph(load_yaml(path)), Rubric(), files, jobs=1)
    for (name, f), result in zip(files, graded):
        alone, _ = check_graph_answers(sol, f)
        assert any(v.step == 2 for v in alone[0].verdicts)
        assert [(v.qid, v.status, v.message) for v in result.reports[0].verdicts] == \
            [(v.qid, v.status, v.message) for v in alone[0].verdicts]


def test_rubric_items_of_steps(tmp_path):
    from symbackprop.answers.graph_answers import graph_max, graph_step_ids
    from symbackprop.errors import SymbackpropError
    from symbackprop.graph_optimize import with_graph_run
    from symbackprop.rubric import Rubric
    _, sol = _lin(tmp_path)
    # the step ids the rubric may name are the run's: 2 steps × (loss, new_loss, and w, grad_w, update_w, new_w, b …)
    run = with_graph_run(sol).run
    assert graph_step_ids(sol) == {f"step{rs.t}.{k}" for rs in run.steps for k in rs.values}
    assert len(graph_step_ids(sol)) == 2 * (2 + 2 * 4)
    rubric = Rubric(items={"step2.new_w": 2.0, "grad_w": 1.0, "step1.new_b": 1.0})
    f = tmp_path / "a.yaml"
    f.write_text("step2.new_w: 0.7\ngrad_w: 4\n", encoding="utf-8")
    reports, _ = check_graph_answers(sol, f, rubric)
    report = reports[0]
    assert (report.score, report.max_score, report.missing) == (3.0, 4.0, ("step1.new_b",))
    assert graph_max(sol, rubric) == 4.0
    with pytest.raises(SymbackpropError):                # SGD keeps no G: no such item
        check_graph_answers(sol, f, Rubric(items={"step1.G_w": 1.0}))


def test_a_steps_forward_and_backward_pass(tmp_path):
    _, sol = _lin(tmp_path)
    # under "Step 1" the graph's own names are today's items; under "Step 2" the graph solved at θ_1 = (0.8, −0.1):
    # y = 1.6 − 0.1 = 1.5, L = 0.25, ∂L/∂y = 2(y − t) = 1 (by hand)
    text = ("## Step 1: forward pass\n\n$y = w x + b = 2$\n\n$L = 1$\n\n## Step 2\n\n$y = 1.5$\n\n$L = 0.25$\n\n"
            "$\\frac{\\partial L}{\\partial y} = 2(y - t) = 2$\n")
    got, problems, _ = _check(sol, tmp_path, "w.md", text)
    assert problems == []
    assert {q: v.status for q, v in got.items()} == {"y": "correct", "L": "correct", "step2.y": "correct",
                                                     "step2.L": "correct", "step2.grad_y": "wrong"}
    assert got["step2.grad_y"].expected == pytest.approx(1.0) and got["step2.grad_y"].name == "step 2: ∂L/∂y"
    got, problems, _ = _check(sol, tmp_path, "a.yaml", "steps: {2: {y: 1.5, grad_y: 1}}\n")
    assert problems == [] and {v.status for v in got.values()} == {"correct"} and len(got) == 2
