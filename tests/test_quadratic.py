"""The lecture's matrix example y = xᵀAx + b·x + c, L = (y − y*)² (problems/quadratic.yaml)."""
import json

import numpy as np
import pytest
import sympy as sp
from click.testing import CliRunner

from conftest import QUADRATIC_MODEL
from symbackprop.cli import main
from symbackprop.quadratic import A, b, derive_quadratic, load_quadratic, x, y, y_star

QUAD = str(QUADRATIC_MODEL)          # the old `model: quadratic` form (problems/quadratic.yaml is now a graph)


@pytest.fixture(scope="module")
def solution():
    return derive_quadratic(load_quadratic(QUAD))


def test_the_values_by_hand(solution):
    # x = (1, 2, −1): xᵀA = (0, 3/2, 0), x₁ = 3, b·x = 1/2 − 2 − 2 = −7/2, y = 3 − 7/2 + 1 = 1/2
    v = {s.id: s.value for s in solution.steps}
    assert v["M"] == sp.Matrix([[0, sp.Rational(3, 2), 0]])
    assert (v["x1"], v["x2"], v["y"], v["loss"]) == (3, sp.Rational(-7, 2), sp.Rational(1, 2), sp.Rational(1, 4))
    # 2(y − y*) = 2(1/2 − 1) = −1, so ∂L/∂A = −xxᵀ, ∂L/∂b = −x, ∂L/∂c = −1
    xv = sp.Matrix([1, 2, -1])
    assert v["grad_A"] == -xv * xv.T
    assert v["grad_b"] == -xv
    assert v["grad_c"] == -1
    assert solution.ok


def test_the_gradients_match_finite_differences(solution):
    prob = solution.problem
    xv = np.array([float(e) for e in prob.x])

    def loss(Am, bv, cv):
        return (xv @ Am @ xv + bv @ xv + cv - float(prob.target)) ** 2

    A0 = np.array(prob.A.tolist(), dtype=float)
    b0, c0, h = np.array([float(e) for e in prob.b]), float(prob.c), 1e-6
    grad_A = np.zeros_like(A0)
    for r in range(3):
        for col in range(3):
            dA = np.zeros_like(A0)
            dA[r, col] = h
            grad_A[r, col] = (loss(A0 + dA, b0, c0) - loss(A0 - dA, b0, c0)) / (2 * h)
    assert np.allclose(grad_A, np.array(solution.step("grad_A").value.tolist(), dtype=float), atol=1e-6)
    grad_c = (loss(A0, b0, c0 + h) - loss(A0, b0, c0 - h)) / (2 * h)
    assert abs(grad_c - float(solution.step("grad_c").value)) < 1e-6


def test_the_rules_are_the_lectures(solution):
    two = 2 * (y - y_star)
    assert sp.expand(solution.step("grad_y").forms[-1] - two) == 0
    assert (solution.step("grad_A").forms[-1] - two * x * x.T).doit() == sp.ZeroMatrix(*A.shape)
    assert (solution.step("grad_b").forms[-1] - two * x).doit() == sp.ZeroMatrix(*b.shape)
    # the chain as the lecture writes it: ∂L/∂A = ∂L/∂x₁ · ∂x₁/∂A
    first = solution.step("grad_A").forms[0]
    assert [type(f) for f in first.args] == [sp.Derivative, sp.Derivative]


def test_derive_prints_the_chain_and_numbers():
    result = CliRunner().invoke(main, ["derive", QUAD])
    assert result.exit_code == 0, result.output
    assert "x_1 = M·x = xᵀ·A·x = 3" in result.output
    assert "∂L/∂A = ∂L/∂x_1·∂x_1/∂A = 2·(y - y∗)·x·xᵀ = [[-1, -2, 1], [-2, -4, 2], [1, 2, -1]]" in result.output
    assert "∂L/∂c = ∂L/∂y·∂y/∂c = 2·(y - y∗) = 2×(0.5 - 1) = -1" in result.output


@pytest.mark.slow
def test_derive_json_and_latex():
    data = json.loads(CliRunner().invoke(main, ["derive", QUAD, "--format", "json"]).output)
    assert data["steps"]["grad_b"]["value"] == [[-1.0], [-2.0], [1.0]]
    assert data["steps"]["x2"]["exact"] == "-7/2"
    assert data["check"]["ok"]
    tex = CliRunner().invoke(main, ["derive", QUAD, "--format", "latex", "--fragment"]).output
    assert r"\frac{\partial L}{\partial A} &= \frac{\partial L}{\partial x_{1}} \frac{\partial x_{1}}{\partial A}" in tex
    assert r"\begin{bmatrix}-1 & -2 & 1" in tex and r"\documentclass" not in tex


@pytest.mark.parametrize("body, words", [
    ("model: quadratic\nx: [1, 2]\nA: [[1, 2]]\nb: [1, 1]\nc: 0\ntarget: 1\n", "A: expected a 2×2 matrix"),
    ("model: quadratic\nx: [1, 2]\nA: [[1, 2], [3, 4]]\nb: [1]\nc: 0\ntarget: 1\n", "b: has 1 entries; x has 2"),
    ("model: quadratic\nx: [1]\nA: [[1]]\nb: [1]\nc: 0\n", "target: missing"),
    ("model: quadratic\nx: [1]\nA: [[one]]\nb: [1]\nc: 0\ntarget: 1\n", "A[0][0]: expected a number"),
    ("model: cubic\n", "'cubic' is not a model"),
])
def test_bad_quadratic_files(tmp_path, body, words):
    f = tmp_path / "q.yaml"
    f.write_text(body)
    result = CliRunner().invoke(main, ["derive", str(f)])
    assert result.exit_code == 2
    assert words in result.output and "Traceback" not in result.output


def test_solve_works_the_old_form_through_as_its_graph():
    """Issue 12: solve no longer sends the matrix example to derive; a `model: quadratic` file is solved
    as the graph M = xᵀA, q = Mx, y = q + b·x + c, L = (y − t)²."""
    result = CliRunner().invoke(main, ["solve", QUAD])
    assert result.exit_code == 0, result.output
    assert "∂L/∂A = ∂L/∂M·∂M/∂A = x·∂L/∂M = [1; 2; -1] × [-1, -2, 1] = [-1, -2, 1; -2, -4, 2; 1, 2, -1] (3×3)" \
        in result.output
    assert "use: symbackprop derive" not in result.output
