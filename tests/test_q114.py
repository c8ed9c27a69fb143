"""Session 14, Q1 (issue 13): optimizer runs on graph files (the lecture's matrix example), the lecture's
Adagrad print, one problem file per optimizer on XOR, per_sample's top-level solution, ε as a symbol.

Every expected number here comes from a second path: NumPy by hand from the formulas (y = xᵀAx + b·x + c,
∂L/∂A = 2(y − t)xxᵀ, ∂L/∂b = 2(y − t)x, ∂L/∂c = 2(y − t)), or finite differences of the loss."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from symbackprop.cli import main

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ROOT / "problems"

QUADRATIC = (PROBLEMS / "quadratic.yaml").read_text(encoding="utf-8")
X = np.array([1.0, 2.0, -1.0])
A0 = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0], [1.0, 0.5, 0.0]])
B0 = np.array([0.5, -1.0, 2.0])
C0, T = 1.0, 1.0


def _graph(tmp_path, extra: str, name: str = "g.yaml") -> Path:
    f = tmp_path / name
    f.write_text(QUADRATIC + extra, encoding="utf-8")
    return f


def _json(path, *args) -> dict:
    out = CliRunner().invoke(main, ["solve", str(path), "--format", "json", *args])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def _quadratic(theta: np.ndarray, x=X, t=T) -> tuple[float, np.ndarray]:
    """(L, ∂L/∂θ) by hand: θ = A row by row, then b, then c."""
    n = len(x)
    A, b, c = theta[:n * n].reshape(n, n), theta[n * n:n * n + n], theta[-1]
    y = x @ A @ x + b @ x + c
    r = 2 * (y - t)
    return (y - t) ** 2, np.concatenate([(r * np.outer(x, x)).ravel(), r * x, [r]])


def _ids(n: int = 3) -> list[str]:
    return [f"A_{i}_{j}" for i in range(1, n + 1) for j in range(1, n + 1)] + [f"b_{i}" for i in range(1, n + 1)] + ["c"]


def _theta0() -> np.ndarray:
    return np.concatenate([A0.ravel(), B0, [C0]])


# -- 1. graph runs -----------------------------------------------------------------------------------------
def test_adagrad_on_the_matrix_example_matches_numpy_by_hand(tmp_path):
    """Lecture Adagrad: G_t = G_{t−1} + g², θ_t = θ_{t−1} − η·g/√(G_t + ε), three steps, every entry."""
    f = _graph(tmp_path, "optimizer: {name: adagrad, lr: 0.01}\nsteps: 3\n")
    data = _json(f)
    assert data["optimizer"]["name"] == "adagrad" and data["optimizer"]["steps"] == 3
    theta, G = _theta0(), np.zeros(13)
    for t in range(1, 4):
        loss, g = _quadratic(theta)
        G = G + g ** 2
        new = theta - 0.01 * g / np.sqrt(G + 1e-8)
        q = data["steps"][t - 1]["quantities"]
        assert data["steps"][t - 1]["step"] == t
        assert q["loss"]["value"] == pytest.approx(loss, abs=1e-12)
        assert q["new_loss"]["value"] == pytest.approx(_quadratic(new)[0], abs=1e-12)
        for n, i in enumerate(_ids()):
            assert q[i]["value"] == pytest.approx(theta[n], abs=1e-12)
            assert q[f"grad_{i}"]["value"] == pytest.approx(g[n], abs=1e-12)
            assert q[f"G_{i}"]["value"] == pytest.approx(G[n], abs=1e-12)
            assert q[f"new_{i}"]["value"] == pytest.approx(new[n], abs=1e-12)
            assert q[f"update_{i}"]["value"] == pytest.approx(new[n] - theta[n], abs=1e-12)
        theta = new
    # the lecture's print: the first step moves every entry with a nonzero gradient by ≈ η
    first = data["steps"][0]["quantities"]
    assert all(abs(abs(first[f"update_{i}"]["value"]) - 0.01) < 1e-9 for i in _ids())
    assert first["update_A_1_1"]["exact"] == "100*sqrt(100000001)/100000001"       # η·1/√(1 + 10⁻⁸), exact


@pytest.mark.parametrize("opt", ["{name: adam, lr: 0.1}",
                                 pytest.param("{name: nesterov, lr: 0.01, momentum: 0.9}", marks=pytest.mark.slow),
                                 pytest.param("{name: adadelta, form: pytorch}", marks=pytest.mark.slow)])
def test_the_float_run_and_the_exact_steps_agree(tmp_path, opt):
    from symbackprop.graph import load_graph, solve_graph
    from symbackprop.graph_optimize import agree, with_graph_run
    if True:
        f = _graph(tmp_path, f"optimizer: {opt}\nsteps: 3\n")
        sol = with_graph_run(solve_graph(load_graph(f)), "all")
        assert sol.run.worked.keys() == {1, 2, 3}
        assert agree(sol.run) < 1e-12, opt


def test_momentum_pytorch_two_steps_by_hand(tmp_path):
    """torch's momentum: b_t = μ·b_{t−1} + g_t (b_1 = g_1), θ_t = θ_{t−1} − η·b_t."""
    f = _graph(tmp_path, "optimizer: {name: momentum, lr: 0.01, momentum: 0.9, form: pytorch}\nsteps: 2\n")
    data = _json(f, "--steps", "all")
    theta, buf = _theta0(), None
    for t in (1, 2):
        _, g = _quadratic(theta)
        buf = g if buf is None else 0.9 * buf + g
        theta = theta - 0.01 * buf
        q = data["steps"][t - 1]["quantities"]
        for n, i in enumerate(_ids()):
            assert q[f"velocity_{i}"]["value"] == pytest.approx(buf[n], abs=1e-12)
            assert q[f"new_{i}"]["value"] == pytest.approx(theta[n], abs=1e-12)
            assert q[f"new_{i}"]["exact"] is not None            # shown in full (--steps all): exact


def test_a_plain_graph_keeps_its_json(tmp_path):
    """A graph with a run has the plain graph's quantities, ids and values, and the run beside them."""
    plain = _json(PROBLEMS / "quadratic.yaml")
    run = _json(_graph(tmp_path, "optimizer: adam\nsteps: 2\n"))
    assert "optimizer" not in plain and "steps" not in plain
    assert run["quantities"] == plain["quantities"]
    assert {k for k in run if k not in plain} == {"optimizer", "steps"}


def test_text_shows_the_rule_the_steps_and_the_table(tmp_path):
    f = _graph(tmp_path, "optimizer: {name: adagrad, lr: 0.01}\nsteps: 3\n")
    out = CliRunner().invoke(main, ["solve", str(f), "--step", "2"])
    assert out.exit_code == 0, out.output
    text = out.output
    assert "G_t = G_{t−1} + g_t²" in text and "Step 2 of 3" in text and "Step 1 of 3" not in text
    assert "G_t(A_12) = G_{t−1}(A_12) + g_t(A_12)² = 4 + (-1.1600)² ≈ 5.3456" in text     # 4 = (∂L/∂A_12 at 1)²
    assert "each entry of the parameters (A, b, c)" in text and "by η each, although" in text
    table = text[text.index("Every step"):].splitlines()
    assert table[1].split()[:4] == ["t", "loss", "before", "loss"] and "samples" not in table[1]
    assert len(table) == 5 and table[4].split()[0] == "3"
    zh = CliRunner().invoke(main, ["solve", str(f), "--lang", "zh"]).output
    assert "θ 依次表示参数（A, b, c）的每个元素" in zh and "第 1 步（共 3 步）" in zh


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["markdown", "latex", "html", "pdf"])
def test_every_format(tmp_path, fmt):
    f = _graph(tmp_path, "optimizer: {name: adam, lr: 0.01}\nsteps: 2\n")
    suffix = {"markdown": "md", "latex": "tex", "html": "html", "pdf": "pdf"}[fmt]
    out_file = tmp_path / f"out.{suffix}"
    out = CliRunner().invoke(main, ["solve", str(f), "--steps", "all", "-o", str(out_file)])
    assert out.exit_code == 0, out.output
    if fmt != "pdf":
        body = out_file.read_text(encoding="utf-8")
        assert "A_{12}" in body or "A<sub>12" in body or "<msub><mi>A</mi><mn>12</mn>" in body
        assert body.count("2") > 10
    else:
        assert out_file.read_bytes().startswith(b"%PDF")


def test_graph_run_mistakes_are_one_line(tmp_path):
    lines = QUADRATIC.count("\n")
    cases = [("update: per_sample\n", "update", "per_sample is not for it"),
             ("optimizer: adamm\n", "optimizer", "unknown optimizer 'adamm'"),
             ("optimizer: {name: adam, betas: [0.9, 1]}\n", "optimizer.betas", "out of range")]
    for extra, field, words in cases:
        f = _graph(tmp_path, extra)
        out = CliRunner().invoke(main, ["solve", str(f)])
        assert out.exit_code == 2 and "Traceback" not in out.output, out.output
        assert f"g.yaml:{lines + 1}: {field}" in out.output and words in out.output, out.output
        assert len(out.output.strip().splitlines()) == 1
    f = _graph(tmp_path, "optimizer: adam\nsteps: 2\n")
    out = CliRunner().invoke(main, ["solve", str(f), "--step", "3"])
    assert out.exit_code == 2 and "has 2 step(s)" in out.output


def test_the_api_solves_a_graph_run(tmp_path):
    from symbackprop.solution import solve
    f = _graph(tmp_path, "optimizer: {name: sgd, lr: 0.1}\nsteps: 2\n")
    sol = solve(str(f), steps=(2,))
    theta = _theta0()
    _, g = _quadratic(theta)
    theta1 = theta - 0.1 * g
    assert float(sol.run.value(1, sol.run.params[0].kind("new"))) == pytest.approx(theta1[0], abs=1e-12)
    assert sol.run.shown == (2,)


# -- 2. problems/quadratic_adagrad.yaml: the lecture's Adagrad print -----------------------------------------
@pytest.mark.slow
def test_the_lectures_adagrad_print_from_the_problem_file():
    """The printed "after" values (tests/test_optimizers.py, copied from the lecture's print) are the file's
    new values to 4 decimals, all 31 entries; every gradient has the printed gradient's sign."""
    from test_optimizers import AFTER, BEFORE, GRAD
    data = _json(PROBLEMS / "quadratic_adagrad.yaml")
    assert data["optimizer"]["form"] == "pytorch" and data["optimizer"]["settings"]["lr"] == 0.01
    q = data["steps"][0]["quantities"]
    ids = _ids(5)
    assert len(ids) == 31
    for n, i in enumerate(ids):
        assert q[i]["value"] == pytest.approx(BEFORE[n], abs=1e-12)
        assert round(q[f"new_{i}"]["value"], 4) == pytest.approx(AFTER[n], abs=1e-9), i
        assert np.sign(q[f"grad_{i}"]["value"]) == np.sign(GRAD[n]), i
        assert q[f"grad_{i}"]["value"] == pytest.approx(GRAD[n], abs=2e-3)     # from the rounded print
    # x recovered as grad_b / grad_c: the file's ∂L/∂b over ∂L/∂c is x again
    x = [q[f"grad_b_{k}"]["value"] / q["grad_c"]["value"] for k in range(1, 6)]
    np.testing.assert_allclose(x, np.array(GRAD[25:30]) / GRAD[30], rtol=1e-12)


# -- 3. one problem file per optimizer on XOR ------------------------------------------------------------------
XOR_IDS = ["w_0_3", "w_1_3", "w_2_3", "w_0_4", "w_1_4", "w_2_4", "w_0_5", "w_3_5", "w_4_5"]
XOR_W0 = [1, 3, 4, -6, 6, 5, -4, 2, 4]


def _xor(w, x=(1.0, 0.0), t=1.0) -> tuple[float, np.ndarray]:
    """(J, ∂J/∂w) of the lecture's 2-2-1 sigmoid XOR net by hand (bias unit 0 = 1, J = ½(t − u5)²):
    δ5 = (u5 − t)·u5(1 − u5), δ3 = δ5·w35·u3(1 − u3), δ4 = δ5·w45·u4(1 − u4); ∂J/∂w_ij = δ_j·u_i."""
    s = lambda z: 1 / (1 + np.exp(-z))                      # noqa: E731
    w03, w13, w23, w04, w14, w24, w05, w35, w45 = w
    u3, u4 = s(w03 + w13 * x[0] + w23 * x[1]), s(w04 + w14 * x[0] + w24 * x[1])
    u5 = s(w05 + w35 * u3 + w45 * u4)
    d5 = (u5 - t) * u5 * (1 - u5)
    d3, d4 = d5 * w35 * u3 * (1 - u3), d5 * w45 * u4 * (1 - u4)
    return 0.5 * (t - u5) ** 2, np.array([d3, d3 * x[0], d3 * x[1], d4, d4 * x[0], d4 * x[1], d5, d5 * u3, d5 * u4])


XOR_FILES = {      # file: (name, form, settings as the file gives them)
    "xor_sgd": ("sgd", "lecture", {"lr": 1}),
    "xor_momentum": ("momentum", "pytorch", {"lr": 0.5, "momentum": 0.9}),
    "xor_nesterov": ("nesterov", "lecture", {"lr": 0.5, "momentum": 0.9}),
    "xor_adagrad": ("adagrad", "pytorch", {"lr": 0.1}),
    "xor_rmsprop": ("rmsprop", "lecture", {"lr": 0.01, "alpha": 0.9, "eps": 1e-8}),
    "xor_adadelta": ("adadelta", "pytorch", {"lr": 1.0, "rho": 0.9, "eps": 1e-6}),
    "xor_adamw": ("adamw", "pytorch", {"lr": 0.1, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.01}),
}


def test_the_hand_gradient_is_the_finite_difference():
    w = np.array(XOR_W0, dtype=float)
    _, g = _xor(w)
    h = 1e-6
    fd = [(_xor(w + h * e)[0] - _xor(w - h * e)[0]) / (2 * h) for e in np.eye(9)]
    np.testing.assert_allclose(g, fd, atol=1e-9)


def _xor_case(name: str) -> None:
    from symbackprop import optimizers as opt
    oname, form, given = XOR_FILES[name]
    data = _json(PROBLEMS / f"{name}.yaml", "--steps", "all")
    part = data["parts"][0]
    assert (part["optimizer"]["name"], part["optimizer"]["form"]) == (oname, form)
    assert part["optimizer"]["steps"] >= 2
    step = opt.compiled(oname, form, opt.settings(oname, form, given))
    theta = np.array(XOR_W0, dtype=float)
    state = step.initial_state(theta.shape)
    for t in (1, 2):
        loss, g = _xor(theta)
        _, g = _xor(step.grad_point(theta, state))           # the lecture's Nesterov: g at the look-ahead point
        out = step(theta, g, state, t)
        state = {s.name: out[s.name] for s in step.state}
        q = part["steps"][t - 1]["quantities"]
        assert q["loss"]["value"] == pytest.approx(loss, abs=1e-12)
        for n, i in enumerate(XOR_IDS):
            assert q[f"grad_{i}"]["value"] == pytest.approx(g[n], abs=1e-12), (name, t, i)
            assert q[f"new_{i}"]["value"] == pytest.approx(out["theta"][n], abs=1e-12), (name, t, i)
        assert q["new_loss"]["value"] == pytest.approx(_xor(out["theta"])[0], abs=1e-12)
        theta = out["theta"]


@pytest.mark.slow
def test_xor_sgd_first_two_steps():
    """Plain SGD by hand too: θ_2 = θ_1 − η·g(θ_1)."""
    _xor_case("xor_sgd")
    theta = np.array(XOR_W0, dtype=float)
    for _ in range(2):
        theta = theta - 1 * _xor(theta)[1]
    part = _json(PROBLEMS / "xor_sgd.yaml")["parts"][0]
    assert [part["steps"][1]["quantities"][f"new_{i}"]["value"] for i in XOR_IDS] == pytest.approx(theta, abs=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in XOR_FILES if n != "xor_sgd"])
def test_xor_optimizer_files_first_two_steps(name):
    _xor_case(name)


def test_each_xor_file_says_what_it_shows():
    for name in XOR_FILES:
        first = (PROBLEMS / f"{name}.yaml").read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# The lecture's XOR network"), name


# -- 4. per_sample with several samples: the worked solution is step 1's ------------------------------------
def test_per_sample_top_level_is_step_one_on_sample_one():
    """two_step_per_sample: u = b + w·x, b = 0, w = 1, η = 0.1; step 1 on sample 1 (x = 1, t = 2) by hand:
    net = 0 + 1·1 = 1, J = ½(2 − 1)² = ½, δ = u − t = −1, Δb = −η·δ·1 = 0.1, Δw = −η·δ·x = 0.1."""
    part = _json(PROBLEMS / "two_step_per_sample.yaml")["parts"][0]
    q = part["quantities"]
    assert q["net_2"]["exact"] == "1" and q["loss"]["exact"] == "1/2" and q["delta_2"]["exact"] == "-1"
    assert q["update_w_0_2"]["exact"] == "1/10" and q["update_w_1_2"]["exact"] == "1/10"
    assert q["new_w_1_2"]["exact"] == "11/10"
    assert not any("@" in i for i in q)                  # no per-sample ids: one sample's solution
    step1 = part["steps"][0]["quantities"]
    for i in ("w_0_2", "w_1_2"):
        assert q[f"update_{i}"]["value"] == pytest.approx(step1[f"update_{i}"]["value"], abs=1e-12)
        assert q[f"new_{i}"]["value"] == pytest.approx(step1[f"new_{i}"]["value"], abs=1e-12)
    assert part["conventions"][0].startswith("Update per sample: the worked solution below is step 1's")


def test_per_sample_adam_top_level_update_is_step_ones(tmp_path):
    """Adam per sample, two samples: the update section is Adam's step 1 on sample 1 (≈ η·sign(g), g by hand)."""
    f = tmp_path / "ps.yaml"
    f.write_text((PROBLEMS / "two_step_per_sample.yaml").read_text(encoding="utf-8")
                 .replace("learning_rate: 0.1", "optimizer: {name: adam, lr: 0.1}"), encoding="utf-8")
    part = _json(f)["parts"][0]
    q, step1 = part["quantities"], part["steps"][0]["quantities"]
    # sample 1: g_b = δ = u − t = −1, g_w = δ·x = −1: Δθ = −0.1·(−1)/√(1 + 10⁻⁸) ≈ +0.1
    for i in ("w_0_2", "w_1_2"):
        assert step1[f"grad_{i}"]["value"] == -1.0
        assert q[f"update_{i}"]["value"] == pytest.approx(0.1 / np.sqrt(1 + 1e-8), abs=1e-15)
        assert q[f"update_{i}"]["value"] == pytest.approx(step1[f"update_{i}"]["value"], abs=1e-12)


# -- 5. ε as a symbol in step 1's Δw line, its value in the numbers ------------------------------------------
def test_epsilon_is_a_symbol_in_a_small_adam_file(tmp_path):
    """One linear unit, Adam (lecture, ε = 10⁻⁸ inside the root), two samples per batch: by hand u = b + w·x with
    b = 0, w = 1, δ = u − t: sample 1 (x = 1) δ = 1 − 2 = −1, sample 2 (x = 2) δ = 2 − 0 = 2, so
    g_w = ½(−1·1 + 2·2) = 1.5, and Δw = −η·g/√(g² + ε)."""
    f = tmp_path / "adam.yaml"
    f.write_text((PROBLEMS / "two_step_per_sample.yaml").read_text(encoding="utf-8")
                 .replace("learning_rate: 0.1", "optimizer: {name: adam, lr: 0.1}")
                 .replace("update: per_sample", "update: per_batch"), encoding="utf-8")
    out = CliRunner().invoke(main, ["solve", str(f)])
    assert out.exit_code == 0, out.output
    line = next(ln for ln in out.output.splitlines() if ln.strip().startswith("Δw_{12} ="))
    assert "sqrt(ε + ∂J/∂w_{12}²) = -0.1×1.5/sqrt(0.00000001 + 1.5²) ≈ -0.1000" in line, line
    assert "100000000" not in line


@pytest.mark.slow
@pytest.mark.parametrize("fmt,rule,numbers", [
    ("text", "sqrt(ε + ∂L/∂w_{35}²)", "sqrt(0.00000001 + (-0.1249)²)"),
    ("markdown", r"\sqrt{\epsilon + \frac{\partial L}{\partial w_{35}}^{2}}", r"\sqrt{0.00000001 + \left(-0.1249\right)^{2}}"),
    ("latex", r"\sqrt{\epsilon + \frac{\partial L}{\partial w_{35}}^{2}}", r"\sqrt{0.00000001 + \left(-0.1249\right)^{2}}"),
])
def test_epsilon_is_a_symbol_in_the_first_update(fmt, rule, numbers):
    """xor_adam (lecture Adam, ε = 10⁻⁸ inside the root): Δw = −η·g/√(g² + ε); g = ∂L/∂w_35 ≈ −0.1249 (by hand:
    δ5 = (u5 − 1)·u5(1 − u5) with u3 = σ(4), u4 = σ(0), u5 = σ(−4 + 2u3 + 4u4); ∂L/∂w35 = δ5·u3)."""
    _, g = _xor(np.array(XOR_W0, dtype=float))
    assert f"{g[7]:.4f}" == "-0.1249"
    out = CliRunner().invoke(main, ["solve", str(PROBLEMS / "xor_adam.yaml"), "--format", fmt])
    assert out.exit_code == 0, out.output
    line = next(ln for ln in out.output.splitlines() if "w_{35}" in ln and ("Δw" in ln or r"\Delta w" in ln))
    assert rule in line and "1/100000000" not in line and r"\frac{1}{100000000}" not in line, line
    text = out.output[out.output.index(line):]
    assert numbers in text[:len(line) + 200], text[:len(line) + 200]


@pytest.mark.slow
def test_epsilon_in_html():
    out = CliRunner().invoke(main, ["solve", str(PROBLEMS / "xor_adam.yaml"), "--format", "html"])
    assert out.exit_code == 0
    assert "<mi>ε</mi>" in out.output or "<mi>&#x3b5;</mi>" in out.output or "ϵ" in out.output
    assert "100000000" not in out.output
