"""Issue 12, items 1-3: `loss: none`, `input_gradients: true` and `network.bias_input: -1`.

Every expected number here is worked by hand: the formulas of the neuron written out with math, or
an independent NumPy forward pass of the network differentiated by central finite differences.
"""
import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PROBLEMS

from symbackprop.cli import main
from symbackprop.problem import parse_problem
from symbackprop.quantity import Key
from symbackprop.render import render
from symbackprop.solution import solve

NEURON = PROBLEMS / "neuron_inputs.yaml"
THRESHOLD = PROBLEMS / "threshold.yaml"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _all_output(result) -> str:
    try:
        return result.output + result.stderr
    except ValueError:
        return result.output


_SOLVED: dict = {}


def solved(path):
    """solve(path) of a problem file, once for the module: a Solution is not changed by rendering or
    reading it, so the tests of one file share it."""
    if path not in _SOLVED:
        _SOLVED[path] = solve(path)
    return _SOLVED[path]


def values(path_or_problem, part: str = "main") -> dict[str, float]:
    sol = solved(path_or_problem) if not hasattr(path_or_problem, "parts") else solve(path_or_problem)
    return {s.id: s.float_value for s in sol.part(part).steps}


def sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# -- the course's sigmoid neuron --------------------------------------------------------------------
def test_the_course_neuron_by_hand():
    """f = σ(w0·x0 + w1·x1 + w2): ∂f/∂x_i = w_i·σ'(z), ∂f/∂w_i = x_i·σ'(z), ∂f/∂w2 = σ'(z)."""
    w0, w1, w2, x0, x1 = 2.0, -3.0, -3.0, -1.0, -2.0
    z = w0 * x0 + w1 * x1 + w2
    f = sig(z)
    dz = f * (1 - f)
    got = values(NEURON)
    assert got["loss"] == pytest.approx(f, abs=1e-12)
    assert got["grad_x_0"] == pytest.approx(w0 * dz, abs=1e-12)
    assert got["grad_x_1"] == pytest.approx(w1 * dz, abs=1e-12)
    assert got["grad_w_0_3"] == pytest.approx(x0 * dz, abs=1e-12)
    assert got["grad_w_1_3"] == pytest.approx(x1 * dz, abs=1e-12)
    assert got["grad_w_2_3"] == pytest.approx(dz, abs=1e-12)
    # the numbers the course's notes print
    assert [round(got["grad_x_0"], 4), round(got["grad_x_1"], 4)] == [0.3932, -0.5898]
    assert [round(got[k], 4) for k in ("grad_w_0_3", "grad_w_1_3", "grad_w_2_3")] == [-0.1966, -0.3932, 0.1966]


def test_loss_none_seeds_the_walk_with_one():
    """J = u: ∂J/∂u = 1, so the output δ is g'(net) itself and J equals u."""
    psol = solved(NEURON).part("main")
    assert psol.step("loss").value == psol.step("act_3").value
    assert psol.step("delta_3").value == psol.step("gprime_3").value
    assert not [s for s in psol.steps if s.key.kind == "target"]


def test_input_gradients_are_the_teachers_sum():
    """∂J/∂x_i = Σ_j w_ij δ_j, printed in the named δ and w."""
    text = render(solved(NEURON), "text")
    assert "∂f/∂x_0 = δ_3·w0 = 0.1966×2 ≈ 0.3932" in text
    assert "∂f/∂x_1 = δ_3·w1 = 0.1966×(-3) ≈ -0.5898" in text
    assert "Input gradients" in text


def _net(x, W1, b1, W2, b2, bias_input=1.0, act=np.tanh):
    h = act(W1 @ x + b1 * bias_input)
    return act(W2 @ h + b2 * bias_input)


def _fd(f, point, h=1e-6):
    point = np.array(point, dtype=float)
    out = []
    for i in range(len(point)):
        up, down = point.copy(), point.copy()
        up[i] += h
        down[i] -= h
        out.append((f(up) - f(down)) / (2 * h))
    return out


BATCH = """
title: loss none over a batch
network: {inputs: [1, 2], bias: 0, layers: [[3, 4], [5]], activation: tanh}
weights:
  0: {3: 0.1, 4: -0.2, 5: 0.3}
  1: {3: 0.5, 4: -0.7}
  2: {3: 0.9, 4: 0.4}
  3: {5: -1.1}
  4: {5: 0.6}
samples:
  - {x: {1: 0.5, 2: -1.5}}
  - {x: {1: -0.25, 2: 2}}
loss: none
input_gradients: true
batch_reduction: REDUCTION
notation: {delta: DELTA}
"""


@pytest.mark.parametrize("reduction,delta", [("mean", "dJ_dnet"), pytest.param("sum", "minus_dJ_dnet", marks=pytest.mark.slow)])
def test_loss_none_batch_input_gradients_by_finite_differences(reduction, delta):
    """J = mean (or sum) over the samples of the output; ∂J/∂x_i^(n) by an independent NumPy pass."""
    problem = parse_problem(BATCH.replace("REDUCTION", reduction).replace("DELTA", delta))
    got = values(problem)
    W1, b1 = np.array([[0.5, 0.9], [-0.7, 0.4]]), np.array([0.1, -0.2])
    W2, b2 = np.array([[-1.1, 0.6]]), np.array([0.3])
    xs = [np.array([0.5, -1.5]), np.array([-0.25, 2.0])]
    scale = 0.5 if reduction == "mean" else 1.0

    def J(flat):
        return scale * sum(_net(flat[2 * n:2 * n + 2], W1, b1, W2, b2)[0] for n in range(2))
    want = _fd(J, np.concatenate(xs))
    assert got["loss"] == pytest.approx(J(np.concatenate(xs)), abs=1e-12)
    for n in range(2):
        for k, unit in enumerate(("1", "2")):
            assert got[f"grad_x_{unit}@{n + 1}"] == pytest.approx(want[2 * n + k], abs=1e-7)

    def J_w(flat):       # the same J as a function of the weights: ∂J/∂w as a cross-check
        W1_ = flat[:4].reshape(2, 2)
        return scale * sum(_net(x, W1_, b1, W2, b2)[0] for x in xs)
    dw = _fd(J_w, W1.ravel())
    assert got["grad_w_1_3"] == pytest.approx(dw[0], abs=1e-7)
    assert got["grad_w_2_4"] == pytest.approx(dw[3], abs=1e-7)


def test_input_gradients_off_by_default(xor):
    psol = xor.part("sigmoid")                                         # the session's solve of problems/xor.yaml
    assert not [s for s in psol.steps if s.key.kind == "grad_x"]


def test_grad_x_ids_round_trip():
    assert Key.parse("grad_x_0") == Key("grad_x", "0")
    assert Key.parse("grad_x_i1@2") == Key("grad_x", "i1", sample=1)
    assert str(Key("grad_x", "7", sample=0)) == "grad_x_7@1"
    assert Key.parse("grad_w_0_3") == Key("grad_w", "3", source="0")     # unchanged


# -- errors ---------------------------------------------------------------------------------------
def _problem_error(tmp_path, text: str) -> str:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("solve", path)
    assert result.exit_code == 2, _all_output(result)
    out = _all_output(result)
    assert "Traceback" not in out
    return out


def test_loss_none_with_several_outputs_is_refused_at_its_line(tmp_path):
    out = _problem_error(tmp_path, """network: {inputs: [1], bias: 0, layers: [[2, 3]], activation: sigmoid}
weights: {0: {2: 1, 3: 1}, 1: {2: 1, 3: 2}}
sample: {x: [1]}
loss: none
""")
    assert "p.yaml:4" in out and "none" in out and "2 output units (2, 3)" in out
    assert "give the network 1 output unit" in out


def test_loss_none_with_targets_is_refused(tmp_path):
    out = _problem_error(tmp_path, """network: {inputs: [1], layers: [[2]], activation: sigmoid}
weights: {1: {2: 1}}
sample:
  x: [1]
  t: [1]
loss: none
""")
    assert "p.yaml:5" in out and "remove t" in out


@pytest.mark.parametrize("value,line,words", [("true", "input_gradients", "true or false"),
                                              ("1", "input_gradients", "true or false")])
def test_input_gradients_must_be_a_boolean(tmp_path, value, line, words):
    out = _problem_error(tmp_path, f"""network: {{inputs: [1], layers: [[2]], activation: sigmoid}}
weights: {{1: {{2: 1}}}}
sample: {{x: [1]}}
loss: none
input_gradients: "{value}"
""")
    assert "p.yaml:5" in out and words in out


@pytest.mark.parametrize("value", ["2", "0", "-1.5", "true", "minus"])
def test_bias_input_is_one_or_minus_one(tmp_path, value):
    out = _problem_error(tmp_path, f"""network:
  inputs: [1]
  bias: 0
  bias_input: {value}
  layers: [[2]]
  activation: sigmoid
weights: {{0: {{2: 1}}, 1: {{2: 1}}}}
sample: {{x: [1], t: [1]}}
loss: half_squared_error
""")
    assert "p.yaml:4" in out and "bias_input" in out and "-1" in out


def test_bias_input_needs_a_bias_unit(tmp_path):
    out = _problem_error(tmp_path, """network: {inputs: [1], bias_input: -1, layers: [[2]], activation: sigmoid}
weights: {1: {2: 1}}
sample: {x: [1], t: [1]}
loss: half_squared_error
""")
    assert "p.yaml:1" in out and "bias unit" in out


# -- the threshold network ------------------------------------------------------------------------
def _threshold_by_hand(bias_input: float, thresholds):
    """The 2-2-1 sigmoid network of problems/threshold.yaml by hand: J and its gradients by finite
    differences of an independent NumPy forward pass, in the file's weight order."""
    W1 = np.array([[0.5, 0.4], [0.9, 1.0]])
    W2 = np.array([[-1.2, 1.1]])
    x, t = np.array([1.0, 1.0]), 0.0

    def J(flat):
        b1, b2 = flat[:2], flat[2:3]
        u = _net(x, W1, b1, W2, b2, bias_input, act=lambda z: 1 / (1 + np.exp(-z)))[0]
        return 0.5 * (t - u) ** 2
    point = np.array(thresholds, dtype=float)
    return J(point), _fd(J, point)


def test_threshold_network_by_hand():
    """net_j = Σ w x − θ_j: the gradients of the thresholds are those of J(θ) by finite differences."""
    got = values(THRESHOLD)
    J, (g3, g4, g5) = _threshold_by_hand(-1.0, [0.8, -0.1, 0.3])
    assert got["loss"] == pytest.approx(J, abs=1e-12)
    assert got["grad_w_0_3"] == pytest.approx(g3, abs=1e-8)
    assert got["grad_w_0_4"] == pytest.approx(g4, abs=1e-8)
    assert got["grad_w_0_5"] == pytest.approx(g5, abs=1e-8)
    # the threshold's gradient is −δ_j (x_0 = −1), the opposite sign of a bias weight's δ_j·1
    for j in ("3", "4", "5"):
        assert got[f"grad_w_0_{j}"] == pytest.approx(-got[f"delta_{j}"], abs=1e-15)


# slow tier (solves a second, flipped copy of threshold.yaml): ∂J/∂θ_j = −δ_j stays fast in
# test_threshold_network_by_hand, and x_0 = −1 in a checked answer in test_check_uses_the_bias_input_of_minus_one
@pytest.mark.slow
def test_a_threshold_is_a_bias_of_the_opposite_sign():
    """bias_input −1 with weights θ is bias_input 1 with weights −θ: the same outputs, and ∂J/∂θ = −∂J/∂b."""
    text = THRESHOLD.read_text(encoding="utf-8")
    flipped = (text.replace("bias_input: -1", "bias_input: 1")
               .replace("0: {3: 0.8, 4: -0.1, 5: 0.3}", "0: {3: -0.8, 4: 0.1, 5: -0.3}"))
    assert flipped != text and "bias_input: 1 " in flipped
    a, b = values(THRESHOLD), values(parse_problem(flipped))              # a: the file itself, as read from text
    for j in ("3", "4", "5"):
        assert a[f"act_{j}"] == pytest.approx(b[f"act_{j}"], abs=1e-15)
        assert a[f"grad_w_0_{j}"] == pytest.approx(-b[f"grad_w_0_{j}"], abs=1e-15)
        assert a["grad_w_3_5" if j == "5" else f"grad_w_1_{j}"] == pytest.approx(
            b["grad_w_3_5" if j == "5" else f"grad_w_1_{j}"], abs=1e-15)


def test_the_bias_input_is_stated_and_drawn(xor):
    sol = solved(THRESHOLD)
    text = render(sol, "text")
    # threshold.yaml writes w_{ji} (weights: to_from, "w_{ji} is the weight from unit i to unit j"): so does the sum
    assert "The bias input is x_0 = -1, so net_j = Σ_i w_ji·x_i − θ_j" in text
    assert "w_{30}·x_0" in text and "0.8×(-1)" in text
    from symbackprop.render.picture import picture
    assert r"{\scriptsize bias $x_{0}$}] (bias) at (0, -1.7) {$-1$}" in picture(sol.parts[0].part, 4)
    assert r"{$1$}" in picture(xor.parts[0].part, 4)
    assert json.loads(render(sol, "json"))["parts"][0]["settings"]["bias_input"] == -1


# -- every format, and the three-way check --------------------------------------------------------
@pytest.mark.parametrize("path", [NEURON, pytest.param(THRESHOLD, marks=pytest.mark.slow)], ids=lambda p: p.stem)
def test_check_agrees_three_ways_and_includes_the_inputs(path):
    result = run("solve", path, "--check", "--format", "json")
    assert result.exit_code == 0, _all_output(result)
    check = json.loads(result.output)["parts"][0]["check"]
    assert check["ok"]
    ids = set(check["gradients"])
    if path == NEURON:
        assert {"grad_x_0", "grad_x_1", "grad_w_0_3", "grad_w_1_3", "grad_w_2_3"} == ids
        assert check["gradients"]["grad_x_1"]["direct"] == pytest.approx(-3 * sig(1) * (1 - sig(1)), abs=1e-15)
        assert check["gradients"]["grad_x_1"]["finite_difference"] == pytest.approx(-0.5898, abs=1e-4)
    else:
        assert "grad_w_0_5" in ids and not any(i.startswith("grad_x") for i in ids)


# slow tier; the input gradients of one sample stay fast in
# test_check_agrees_three_ways_and_includes_the_inputs[neuron_inputs]
@pytest.mark.slow
def test_gradcheck_batch_input_gradients():
    from symbackprop.gradcheck import check_part
    psol = solve(parse_problem(BATCH.replace("REDUCTION", "mean").replace("DELTA", "dJ_dnet"))).part("main")
    report = check_part(psol)
    assert report.ok
    assert {"grad_x_1@1", "grad_x_2@1", "grad_x_1@2", "grad_x_2@2"} <= {g.id for g in report.gradients}


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "latex", "html"])
def test_neuron_renders_in_every_format(tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    result = run("solve", NEURON, "--format", fmt, "-o", out)
    assert result.exit_code == 0, _all_output(result)
    page = out.read_text(encoding="utf-8")
    if fmt == "json":
        q = json.loads(page)["parts"][0]["quantities"]
        assert q["grad_x_0"]["value"] == pytest.approx(0.3932, abs=1e-4) and q["grad_x_1"]["section"] == "inputs"
        return
    assert "0.3932" in page and "-0.5898" in page
    if fmt in ("markdown", "latex"):
        assert r"\frac{\partial f}{\partial x_{1}}" in page
    else:
        assert "∂f/∂x_1" in page


def test_notebook_shows_the_input_gradients():
    sol = solved(NEURON)
    assert r"\frac{\partial f}{\partial x_{0}}" in sol._repr_markdown_()
    assert r"\frac{\partial f}{\partial x_{0}}" in sol._repr_latex_()


def test_pdf_without_tex_says_what_to_install(tmp_path, monkeypatch):
    """`-o FILE.pdf` up to the compile (the compile itself: test_pdf, slow tier): without the TeX engine,
    exit 2, the line says what to install, and no file is left."""
    import symbackprop.render.pdf as pdf
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    out = tmp_path / "out.pdf"
    result = run("solve", NEURON, "-o", out)
    assert result.exit_code == 2, _all_output(result)
    said_ = _all_output(result)
    assert "PDF output needs" in said_ and "apt-get install texlive-latex-base" in said_ and "Traceback" not in said_
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize("path", [NEURON, THRESHOLD], ids=lambda p: p.stem)
def test_pdf(tmp_path, path):
    out = tmp_path / "out.pdf"
    result = run("solve", path, "--check", "-o", out)
    assert result.exit_code == 0, _all_output(result)
    assert out.read_bytes().startswith(b"%PDF")


# -- check: answers by id and by the names students write -----------------------------------------
def _check(tmp_path, answers: str):
    path = tmp_path / "answers.yaml"
    path.write_text(answers, encoding="utf-8")
    result = run("check", NEURON, path, "--format", "json")
    return result.exit_code, json.loads(result.output)


INPUT_GRADIENT_NAMES = ["grad_x_1", "∂f/∂x_1", "∂f/∂x1", "df/dx1", "df/dx_1", "df/dx_{1}",
                        r"\frac{\partial f}{\partial x_1}", r"\frac{\partial f}{\partial x_{1}}", r"\frac{df}{dx_1}"]
FAST_NAMES = {"grad_x_1", "∂f/∂x_1", "df/dx_1", r"\frac{\partial f}{\partial x_{1}}"}   # the others: slow tier


@pytest.mark.parametrize("name", [n if n in FAST_NAMES else pytest.param(n, marks=pytest.mark.slow)
                                  for n in INPUT_GRADIENT_NAMES])
def test_check_reads_input_gradient_names(tmp_path, name):
    code, report = _check(tmp_path, json.dumps({name: -0.5898}))
    items = _items(report)
    assert items.get("grad_x_1") == "correct", report


def test_check_finds_a_wrong_input_gradient(tmp_path):
    # the sign slip of ∂f/∂x_0 (−w0·σ') and the weight's gradient in its place (x_0·σ')
    code, report = _check(tmp_path, json.dumps({"df/dx0": -0.3932, "df/dx1": -0.1966}))
    items = _items(report)
    assert code == 1
    assert items["grad_x_0"] != "correct" and items["grad_x_1"] != "correct"


def _items(report) -> dict[str, str]:
    """{quantity id: verdict} of a check report's JSON, whatever its nesting."""
    found = {}

    def visit(node):
        if isinstance(node, dict):
            qid, verdict = node.get("id"), node.get("status")
            if isinstance(qid, str) and isinstance(verdict, str):
                found[qid] = verdict
            for v in node.values():
                visit(v)
        elif isinstance(node, list):
            for v in node:
                visit(v)
    visit(report)
    return found


def test_check_uses_the_bias_input_of_minus_one(tmp_path):
    """A threshold's gradient worked with x_0 = −1 is right; with the usual x_0 = 1 it is a sign slip."""
    path = tmp_path / "answers.yaml"
    path.write_text('grad_w_0_5: "\\\\delta_5 \\\\cdot x_0 = 0.1274 \\\\times (-1) = -0.1274"\n'
                    'grad_w_0_4: "\\\\delta_4 \\\\cdot x_0 = 0.0147 \\\\times 1 = 0.0147"\n'
                    'net_3: "w_{30} x_0 + w_{31} x_1 + w_{32} x_2 = 0.8 \\\\times (-1) + 0.5 + 0.4 = 0.1"\n',
                    encoding="utf-8")
    result = run("check", THRESHOLD, path, "--format", "json")
    assert result.exit_code == 1
    items = _items(json.loads(result.output))
    assert items == {"grad_w_0_5": "correct", "net_3": "correct", "grad_w_0_4": "wrong"}


# -- shared (tied) weights ------------------------------------------------------------------------
SHARED = PROBLEMS / "shared_bias.yaml"


def _shared_by_hand():
    """problems/shared_bias.yaml by hand: J(b1, rest) with b1 on both hidden units' bias edges; ∂J/∂b1
    by finite differences of an independent NumPy pass with ONE parameter b1 (not the edges' sum)."""
    W1, W2, b2 = np.array([[0.3, -0.4], [-0.6, 0.7]]), np.array([[0.8, -1.1]]), np.array([-0.2])
    x, t = np.array([1.0, 0.5]), 1.0
    s = lambda z: 1 / (1 + np.exp(-z))                                            # noqa: E731

    def J(flat):
        b1 = flat[0]
        u = _net(x, W1, np.array([b1, b1]), W2, b2, act=s)[0]
        return 0.5 * (t - u) ** 2
    return J(np.array([0.5])), _fd(J, [0.5])[0]


def test_shared_bias_by_hand():
    got = values(SHARED)
    J, dJ_db1 = _shared_by_hand()
    assert got["loss"] == pytest.approx(J, abs=1e-12)
    assert got["grad_shared_b1"] == pytest.approx(dJ_db1, abs=1e-8)
    assert got["grad_shared_b1"] == pytest.approx(got["grad_w_0_3"] + got["grad_w_0_4"], abs=1e-15)
    assert got["update_shared_b1"] == pytest.approx(-0.5 * dJ_db1, abs=1e-8)         # one update, η = 0.5
    assert got["new_shared_b1"] == pytest.approx(0.5 - 0.5 * dJ_db1, abs=1e-8)
    assert got["new_w_0_3"] == got["new_w_0_4"] == got["new_shared_b1"]               # the new value on each edge
    assert "update_w_0_3" not in got and "update_w_0_4" not in got              # no update of an edge alone
    assert got["update_w_1_3"] == pytest.approx(-0.5 * got["grad_w_1_3"], abs=1e-15)  # the others as before
    assert got["shared_b1"] == 0.5


def test_shared_bias_is_shown_as_the_sum_with_numbers():
    text = render(solved(SHARED), "text")
    assert "∂J/∂b1 = ∂J/∂w_{03} + ∂J/∂w_{04} = -0.0257 + 0.0380 ≈ 0.0123" in text
    assert "Δb1 = -η·∂J/∂b1 = -0.5×0.0123 ≈ -0.0062" in text
    assert "w_{03}^new = b1^new ≈ 0.4938" in text and "w_{04}^new = b1^new ≈ 0.4938" in text
    latex = render(solved(SHARED), "markdown")
    assert r"\frac{\partial J}{\partial b_{1}}" in latex


def test_shared_check_three_ways():
    result = run("solve", SHARED, "--check", "--format", "json")
    assert result.exit_code == 0, _all_output(result)
    check = json.loads(result.output)["parts"][0]["check"]
    assert check["ok"]
    row = check["gradients"]["grad_shared_b1"]
    _, dJ_db1 = _shared_by_hand()
    assert row["direct"] == pytest.approx(dJ_db1, abs=1e-8)
    assert row["finite_difference"] == pytest.approx(dJ_db1, abs=1e-8)
    assert json.loads(result.output)["parts"][0]["settings"]["shared"] == {"b1": ["w_0_3", "w_0_4"]}


def test_shared_answers_by_id_and_name(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text('grad_shared_b1: 0.0123\n"\\\\Delta b_1": -0.0062\n"b1^new": 0.4938\n"w_{04}^{new}": 0.4938\n'
                    '"\\\\frac{\\\\partial J}{\\\\partial b_1}": 0.0123\n', encoding="utf-8")
    result = run("check", SHARED, path, "--format", "json")
    items = _items(json.loads(result.output))
    assert items == {"grad_shared_b1": "correct", "update_shared_b1": "correct", "new_shared_b1": "correct", "new_w_0_4": "correct"}


SHARED_BASE = """network: {inputs: [1], bias: 0, layers: [[2, 3], [4]], activation: sigmoid}
weights: {0: {2: 0.5, 3: WEIGHT, 4: 1}, 1: {2: 1, 3: 1}, 2: {4: 1}, 3: {4: 1}}
sample: {x: [1], t: [1]}
loss: half_squared_error
shared: SHARED
"""


@pytest.mark.parametrize("weight,shared,words", [
    ("0.25", "{b1: [w_0_2, w_0_3]}", "need the same given value and frozen setting: w_0_2 is 0.5 but w_0_3 is 0.25"),
    ("0.5", "{b1: [w_0_2]}", "two or more weight ids"),
    ("0.5", "{b1: [w_0_2, w_1_4]}", "'w_1_4' is not a weight of the network"),
    ("0.5", "{b1: [w_0_2, w_0_3], b2: [w_0_3, w_0_4]}", "w_0_3 is in a shared parameter already"),
    ("0.5", "{1b: [w_0_2, w_0_3]}", "not a name for a shared parameter"),
    ("0.5", "[w_0_2, w_0_3]", "shared"),
])
def test_shared_mistakes_are_refused_at_their_line(tmp_path, weight, shared, words):
    out = _problem_error(tmp_path, SHARED_BASE.replace("WEIGHT", weight).replace("SHARED", shared))
    assert "p.yaml:5" in out and words in out, out


def test_no_shared_field_changes_nothing(xor):
    psol = xor.part("sigmoid")
    assert not [s for s in psol.steps if s.key.kind in ("shared", "grad_shared", "update_shared", "new_shared")]
    assert Key.parse("grad_shared_b1") == Key("grad_shared", "b1") and Key.parse("grad_5") is None and Key.parse("new_w_0_3") == Key("new_w", "3", source="0")
