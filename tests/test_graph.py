"""Computation graphs written as formulas (`model: graph`, issue 12 item 0): worked by hand, against
finite differences of independent Python code, FILE:LINE errors, and every command and format."""
from __future__ import annotations

import json
import math
import os
import random
import shutil
import subprocess
import sys
import textwrap

import pytest
import sympy as sp
from click.testing import CliRunner

from conftest import PROBLEMS, QUADRATIC_MODEL
from symbackprop.cli import main
from symbackprop.errors import ProblemError
from symbackprop.graph import load_graph, parse_graph, solve_graph
from symbackprop.graph_check import check_graph, derive_graph

CIRCUIT = PROBLEMS / "circuit.yaml"
GATES = PROBLEMS / "sigmoid_gates.yaml"
QUAD = PROBLEMS / "quadratic.yaml"


def solved(path):
    return solve_graph(load_graph(path))


def _sig(v):
    return 1 / (1 + math.exp(-v))


# -- worked by hand ------------------------------------------------------------------------------

def test_the_circuit_by_hand():
    sol = solved(CIRCUIT)
    assert sol.values["q"] == 3 and sol.values["f"] == -12
    # ∂f/∂q = z, ∂f/∂z = q, ∂f/∂x = ∂f/∂y = ∂f/∂q · 1
    assert {k: sol.gradients[k] for k in "qxyz"} == {"q": -4, "x": -4, "y": -4, "z": 3}
    assert [s.id for s in sol.steps if s.section == "backward"] == ["grad_f", "grad_q", "grad_x", "grad_y", "grad_z"]


def test_the_sigmoid_neuron_gate_by_gate_by_hand():
    sol = solved(GATES)
    w, x = [2, -3, -3], [-1, -2]
    s = w[0] * x[0] + w[1] * x[1] + w[2]
    assert s == 1 and sol.values["s"] == 1
    local = _sig(s) * (1 - _sig(s))                  # σ'(s) = σ(s)(1 − σ(s))
    by_hand = {"w0": x[0] * local, "w1": x[1] * local, "w2": local, "x0": w[0] * local, "x1": w[1] * local}
    for name, value in by_hand.items():
        assert float(sol.gradients[name]) == pytest.approx(value, rel=1e-12), name
    # the lecture's rounded numbers: ∂f/∂w ≈ [−0.2, −0.39, 0.2], ∂f/∂x ≈ [0.39, −0.59]
    assert [round(float(sol.gradients[n]), 2) for n in ("w0", "w1", "w2")] == [-0.2, -0.39, 0.2]
    assert [round(float(sol.gradients[n]), 2) for n in ("x0", "x1")] == [0.39, -0.59]
    assert float(sol.values["f"]) == pytest.approx(_sig(1))


def test_the_matrix_example_by_hand():
    """∂L/∂A = 2(y − t)xxᵀ, ∂L/∂b = 2(y − t)x, ∂L/∂c = 2(y − t), ∂L/∂M = 2(y − t)xᵀ (M's 1×3 shape)."""
    sol = solved(QUAD)
    x = sp.Matrix([1, 2, -1])
    A = sp.Matrix([[1, 0, 2], [0, 1, -1], [1, sp.Rational(1, 2), 0]])
    b, c, t = sp.Matrix([sp.Rational(1, 2), -1, 2]), 1, 1
    y = (x.T * A * x)[0] + (b.T * x)[0] + c
    assert y == sp.Rational(1, 2) and sol.values["y"] == y and sol.values["L"] == (y - t) ** 2
    g = 2 * (y - t)
    assert sol.gradients["A"] == g * x * x.T
    assert sol.gradients["b"] == g * x
    assert sol.gradients["c"] == g
    assert sol.gradients["M"] == g * x.T and sol.gradients["M"].shape == (1, 3)
    assert sol.values["M"] == x.T * A and sol.values["M"].shape == (1, 3)
    assert "x" not in sol.gradients and "t" not in sol.gradients      # not parameters


def test_the_old_quadratic_form_is_read_as_the_same_graph():
    old, new = solved(QUADRATIC_MODEL), solved(QUAD)
    assert old.values == new.values and old.gradients == new.gradients


def test_a_quantity_used_by_several_nodes_sums_over_them():
    sol = solve_graph(parse_graph(textwrap.dedent("""\
        model: graph
        inputs: {x: 3, y: -2}
        nodes:
          a: x*y
          b: x + a
          f: a*b
    """)))
    # f = xy(x + xy): ∂f/∂x = y(x + xy) + xy(1 + y) = -2·(-3) + (-6)·(-1) = 12
    assert sol.gradients["x"] == 12
    step = sol.step("grad_x")
    assert [c.consumer for c in step.contributions] == ["a", "b"]
    assert sum(c.value for c in step.contributions) == 12
    assert sol.gradients["a"] == sol.values["b"] + sol.values["a"]        # ∂f/∂a = b + a·∂b/∂a


# -- finite differences on random graphs, from independent Python code ----------------------------------

OPS = [("{a} + {b}", lambda a, b: a + b), ("{a} - {b}", lambda a, b: a - b), ("{a}*{b}", lambda a, b: a * b),
       ("{a}/(2 + {b}^2)", lambda a, b: a / (2 + b * b)), ("sigmoid({a})*{b}", lambda a, b: _sig(a) * b),
       ("tanh({a} - {b})", lambda a, b: math.tanh(a - b)), ("exp({a}/4)", lambda a, b: math.exp(a / 4)),
       ("({a} - {b})^2", lambda a, b: (a - b) ** 2), ("sqrt(1 + {a}^2)", lambda a, b: math.sqrt(1 + a * a)),
       ("ln(1 + exp({b}))", lambda a, b: math.log(1 + math.exp(b)))]


def _random_graph(rng: random.Random):
    inputs = {f"p{i}": round(rng.uniform(-2, 2), 2) for i in range(rng.randint(2, 4))}
    names, nodes, fns = list(inputs), {}, {}
    for i in range(rng.randint(2, 6)):
        text, fn = rng.choice(OPS)
        a, b = rng.choice(names), rng.choice(names)
        nodes[f"n{i}"] = text.format(a=a, b=b)
        fns[f"n{i}"] = (fn, a, b)
        names.append(f"n{i}")
    return inputs, nodes, fns


def _output(inputs: dict, fns: dict) -> float:
    env = dict(inputs)
    for name, (fn, a, b) in fns.items():
        env[name] = fn(env[a], env[b])
    return env[name]


@pytest.mark.parametrize("seed", range(12))
def test_random_graphs_agree_with_finite_differences_of_plain_python(seed):
    rng = random.Random(seed)
    inputs, nodes, fns = _random_graph(rng)
    text = "model: graph\ninputs: " + json.dumps(inputs) + "\nnodes:\n" + "".join(
        f"  {k}: \"{v}\"\n" for k, v in nodes.items())
    sol = solve_graph(parse_graph(text, "random.yaml"))
    out = list(nodes)[-1]
    assert float(sol.values[out]) == pytest.approx(_output(inputs, fns), rel=1e-9, abs=1e-12)
    h = 1e-6
    for p in inputs:
        up, down = dict(inputs), dict(inputs)
        up[p] += h
        down[p] -= h
        fd = (_output(up, fns) - _output(down, fns)) / (2 * h)
        got = float(sol.gradients.get(p, 0))
        assert got == pytest.approx(fd, rel=1e-5, abs=1e-6), (seed, p, nodes)


def test_a_matrix_graph_agrees_with_finite_differences_of_plain_python():
    W = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]
    xv, bv, v = [1.0, -2.0, 0.5], [0.1, -0.3], [2.0, -1.0]
    text = textwrap.dedent(f"""\
        model: graph
        inputs: {{W: {W}, x: {xv}, b: {bv}, v: {v}}}
        parameters: [W, b]
        nodes:
          h: W*x + b
          a: tanh(h)
          L: dot(v, a)^2
    """)
    sol = solve_graph(parse_graph(text))

    def loss(W, b):
        h = [sum(W[r][c] * xv[c] for c in range(3)) + b[r] for r in range(2)]
        return sum(v[r] * math.tanh(h[r]) for r in range(2)) ** 2

    h = 1e-6
    for r in range(2):
        for c in range(3):
            up = [row[:] for row in W]
            down = [row[:] for row in W]
            up[r][c] += h
            down[r][c] -= h
            fd = (loss(up, bv) - loss(down, bv)) / (2 * h)
            assert float(sol.gradients["W"][r, c]) == pytest.approx(fd, rel=1e-6)
        up, down = bv[:], bv[:]
        up[r] += h
        down[r] -= h
        assert float(sol.gradients["b"][r]) == pytest.approx((loss(W, up) - loss(W, down)) / (2 * h), rel=1e-6)
    assert sol.gradients["W"].shape == (2, 3) and sol.gradients["h"].shape == (2, 1)


@pytest.mark.parametrize("path", [CIRCUIT, GATES, QUAD], ids=lambda p: p.stem)
def test_the_three_way_check_agrees_on_every_graph_file(path):
    report = check_graph(solved(path))
    assert report.ok and report.count >= 3
    for row in report.rows.values():
        assert row["backward"] == pytest.approx(row["direct"], rel=1e-12, abs=1e-15)
        assert row["backward"] == pytest.approx(row["finite_difference"], rel=1e-6, abs=1e-9)


def test_the_check_finds_a_wrong_backward_pass():
    sol = solved(CIRCUIT)
    broken = type(sol)(sol.problem, sol.values, {**sol.gradients, "x": sp.Integer(4)}, sol.steps, sol.env)
    report = check_graph(broken)
    assert not report.ok and report.rows["grad_x"]["direct"] == -4


def test_derive_gives_the_lectures_formulas():
    d = derive_graph(solved(QUAD))
    y, t = sp.Symbol("y", real=True), sp.Symbol("t", real=True)
    xs = sp.symbols("x_1 x_2 x_3", real=True)
    assert sp.simplify(d.chained["c"] - 2 * (y - t)) == 0
    assert sp.simplify(d.chained["A"] - 2 * (y - t) * sp.Matrix(xs) * sp.Matrix(xs).T) == sp.zeros(3, 3)
    assert sp.simplify(d.chained["b"] - 2 * (y - t) * sp.Matrix(xs)) == sp.zeros(3, 1)
    c = derive_graph(solved(CIRCUIT))
    z, q = sp.symbols("z q", real=True)
    assert c.chained == {"x": z, "y": z, "z": q}
    assert c.written_out["z"] == sp.Symbol("x", real=True) + sp.Symbol("y", real=True)


# -- FILE:LINE errors -------------------------------------------------------------------------------

GOOD = """\
model: graph
inputs:
  x: -2
  y: 5
  z: -4
nodes:
  q: x + y
  f: q*z
"""


@pytest.mark.parametrize("old, new, line, words", [
    ("  f: q*z", "  f: q*w", 8, "nodes.f: in the formula 'q*w' at column 3 (q*⟨w⟩): unknown name 'w'"),
    ("  q: x + y", "  q: x + f", 7, "'f' is used before it is defined"),
    ("  q: x + y", "  q: x + q", 7, "'q' uses itself"),
    ("  q: x + y", "  x: x + y", 7, "'x' is already an input"),
    ("  f: q*z", "  f: q*z\n  q: 1", 9, "this key is given twice"),
    ("  f: q*z", "  f: q.__class__", 8, "attribute access is not allowed"),
    ("  f: q*z", "  f: __import__('os')", 8, "a name starts with a letter"),
    ("  f: q*z", "  f: q^99", 8, "exponent 99 too large"),
    ("  f: q*z", "  f: foo(q)", 8, "unknown function 'foo'; functions: abs, cos, dot"),
    ("  f: q*z", "  f: [1, 2]", 8, "expected a formula"),
    ("  z: -4", "  z: [1, 2]", 8, "the output 'f' is a 2×1 matrix"),
    ("  f: q*z", "  f: dot(q, z)", 8, "dot takes two vectors of the same length; got a scalar and a scalar"),
    ("  f: q*z", "  f: q*z + transpose([1])", 8, "unexpected character '['"),
    ("  z: -4", "  z: abc", 5, "expected a number"),
    ("  z: -4", "  z: [[1, 2], [3]]", 5, "row 2 has 1 entry"),
    ("  z: -4", "  sigmoid: 1", 5, "'sigmoid' is reserved"),
    ("  z: -4", "  z_1: 1", 5, "is not a name"),
    ("model: graph", "model: graph\noutput: g", 2, "output: 'g' is not a node; nodes are q, f"),
    ("model: graph", "model: graph\noutput: x", 2, "'x' is not a node"),
    ("model: graph", "model: graph\nparameters: [x, w]", 2, "parameters[1]: 'w' is not an input"),
    ("model: graph", "model: graph\nlearning_rate: 1", 2, "unknown field 'learning_rate'"),
])
def test_every_mistake_is_one_line_with_file_and_line(tmp_path, old, new, line, words):
    path = tmp_path / "g.yaml"
    path.write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(ProblemError) as info:
        load_graph(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: ") and words in message, message
    assert "\n" not in message
    result = CliRunner().invoke(main, ["solve", str(path)])
    assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output


def test_a_matrix_output_is_refused(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("model: graph\ninputs: {x: [1, 2]}\nnodes:\n  y: 2*x\n", encoding="utf-8")
    with pytest.raises(ProblemError, match=r"m\.yaml:4: nodes\.y: the output 'y' is a 2×1 matrix"):
        load_graph(path)


def test_a_value_outside_a_functions_domain_is_named(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text("model: graph\ninputs: {x: 0}\nnodes:\n  y: ln(x)\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["solve", str(path)])
    assert result.exit_code == 2 and "node y is not defined at these values" in result.output


def test_too_large_a_graph_is_refused_before_differentiating(tmp_path):
    rows = [[1] * 8] * 8
    text = f"model: graph\ninputs: {{A: {rows}}}\nnodes:\n" + "".join(
        f"  B{i}: {'A' if i == 0 else f'B{i - 1}'}*A*A\n" for i in range(30)) + "  L: sum(B29)\n"
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemError, match="graph too large to differentiate"):
        load_graph(path)


# -- every command and format -------------------------------------------------------------------------

def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_solve_prints_the_worked_circuit():
    out = _run("solve", CIRCUIT)
    assert out.exit_code == 0, out.output
    for line in ("q = x + y = -2 + 5 = 3", "f = q·z = 3 × (-4) = -12", "∂f/∂q = z = -4",
                 "∂f/∂x = ∂f/∂q·∂q/∂x = ∂f/∂q = -4", "∂f/∂z = q = 3"):
        assert line in out.output


def test_solve_prints_the_matrix_example_with_shapes():
    out = _run("solve", QUAD)
    assert out.exit_code == 0 and "derive" not in out.output
    for line in ("M = xᵀ·A = [1; 2; -1]ᵀ × [1, 0, 2; 0, 1, -1; 1, 0.5, 0] = [0, 1.5, 0] (1×3)",
                 "∂L/∂y = 2·(y - t) = 2×(0.5 - 1) = -1",
                 "∂L/∂M = ∂L/∂q·∂q/∂M = ∂L/∂q·[x_1, x_2, x_3] = -1 × [1, 2, -1] = [-1, -2, 1] (1×3)",
                 "∂L/∂A = ∂L/∂M·∂M/∂A = x·∂L/∂M = [1; 2; -1] × [-1, -2, 1] = [-1, -2, 1; -2, -4, 2; 1, 2, -1] (3×3)"):
        assert line in out.output


def test_a_matrix_product_shows_its_matrix_calculus_form():
    """h = W*x: ∂L/∂W = ∂L/∂h·xᵀ and ∂L/∂x = Wᵀ·∂L/∂h, with the numbers, and the values by hand."""
    text = textwrap.dedent("""\
        model: graph
        inputs: {W: [[1, 2], [0, -1]], x: [3, 1], v: [1, -2]}
        parameters: [W, x]
        nodes:
          h: W*x
          L: dot(v, h)
    """)
    sol = solve_graph(parse_graph(text))
    v, x, W = sp.Matrix([1, -2]), sp.Matrix([3, 1]), sp.Matrix([[1, 2], [0, -1]])
    assert sol.gradients["h"] == v and sol.gradients["W"] == v * x.T and sol.gradients["x"] == W.T * v
    from symbackprop.render import render
    out = render(sol, "text")
    assert "∂L/∂W = ∂L/∂h·∂h/∂W = ∂L/∂h·xᵀ = [1; -2] × [3, 1] = [3, 1; -6, -2] (2×2)" in out
    assert "∂L/∂x = ∂L/∂h·∂h/∂x = Wᵀ·∂L/∂h = [1, 2; 0, -1]ᵀ × [1; -2] = [1; 4] (2×1)" in out


def test_the_json_ids():
    data = json.loads(_run("solve", QUAD, "--format", "json").output)
    q = data["quantities"]
    assert data["model"] == "graph" and data["output"] == "L" and data["parameters"] == ["A", "b", "c"]
    assert q["y"]["value"] == 0.5 and q["y"]["exact"] == "1/2"
    assert q["grad_A"]["shape"] == [3, 3] and q["grad_A"]["value"][1] == [-2.0, -4.0, 2.0]
    assert q["grad_A_2_3"]["value"] == 2.0 and q["grad_A_2_3"]["of"] == "grad_A"
    assert q["grad_b_3"]["value"] == 1.0 and q["x_2"]["value"] == 2.0 and q["grad_M_2"]["value"] == -2.0
    assert q["grad_c"]["section"] == "backward" and q["M"]["section"] == "forward" and q["t"]["section"] == "given"
    circuit = json.loads(_run("solve", CIRCUIT, "--format", "json").output)["quantities"]
    assert {k: circuit[k]["value"] for k in ("q", "f", "grad_q", "grad_x", "grad_y", "grad_z")} == \
        {"q": 3.0, "f": -12.0, "grad_q": -4.0, "grad_x": -4.0, "grad_y": -4.0, "grad_z": 3.0}


@pytest.mark.parametrize("fmt", ["markdown", "latex", "html"])
@pytest.mark.parametrize("path", [CIRCUIT, GATES, QUAD], ids=lambda p: p.stem)
def test_every_text_format_renders(path, fmt):
    out = _run("solve", path, "--format", fmt, "--lang", "zh" if path == GATES else "en")
    assert out.exit_code == 0, out.output
    assert ("0.3932" in out.output) if path == GATES else ("-4" in out.output)


def test_solve_check_and_derive_exit_0_and_say_so():
    out = _run("solve", QUAD, "--check")
    assert out.exit_code == 0 and "Check: 13 gradient entries, three ways: all agree" in out.output
    data = json.loads(_run("solve", GATES, "--check", "--format", "json").output)
    assert data["check"]["ok"] and set(data["check"]["gradients"]) == {"grad_w0", "grad_w1", "grad_w2",
                                                                         "grad_x0", "grad_x1"}
    d = _run("derive", QUAD)
    assert d.exit_code == 0 and "∂L/∂c = 2·(y - t) = 2×(0.5 - 1) = -1" in d.output
    dj = json.loads(_run("derive", CIRCUIT, "--format", "json").output)
    assert dj["gradients"]["grad_z"]["value"] == 3.0 and dj["check"]["ok"]
    # session 9: a graph's one part is main (its reports say "Part main"); any other name is refused
    assert _run("solve", CIRCUIT, "--part", "main").exit_code == 0
    assert _run("solve", CIRCUIT, "--part", "x").exit_code == 2


def test_derive_of_the_old_form_keeps_its_own_output():
    out = _run("derive", QUADRATIC_MODEL)
    assert out.exit_code == 0 and "Checked: ∂L/∂A, ∂L/∂b, ∂L/∂c" in out.output


def _answers(tmp_path, text: str, name="a.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_check_of_a_right_answers_file_exits_0(tmp_path):
    path = _answers(tmp_path, """\
        q: 3
        f: -12
        grad_q: -4
        "∂f/∂x": -4
        df/dy: -4
        grad_z: '3'
    """)
    out = _run("check", CIRCUIT, path)
    assert out.exit_code == 0, out.output
    assert "score 6 / 6" in out.output


def test_check_judges_numbers_matrices_and_latex(tmp_path):
    path = _answers(tmp_path, r"""
        M: [0, 1.5, 0]
        L: '\frac{1}{4}'
        grad_A: [[-1, -2, 1], [-2, -4, 2], [1, 2, -1]]
        grad_b: [-1, -2, 2]
        grad_c: '2(0.5 - 1)'
        grad_y: -0.98
    """)
    out = _run("check", QUAD, path, "--format", "json")
    assert out.exit_code == 1
    items = {i["id"]: i for i in json.loads(out.output)["parts"][0]["items"]}
    assert items["L"]["status"] == "correct" and items["grad_c"]["status"] == "correct"
    assert all(items[f"grad_A_{r}_{c}"]["status"] == "correct" for r in (1, 2, 3) for c in (1, 2, 3))
    assert items["grad_b_3"]["status"] == "wrong" and items["grad_b_2"]["status"] == "correct"
    assert items["grad_y"]["status"] == "wrong" and items["M_2"]["status"] == "correct"


def test_check_rounding_policy_on_the_sigmoid_gates(tmp_path):
    path = _answers(tmp_path, """\
        grad_w0: -0.1966
        grad_w1: -0.39
        grad_x1: -0.5899
        f: 0.7311
    """)
    items = {i["id"]: i for i in json.loads(_run("check", GATES, path, "--format", "json").output)["parts"][0]["items"]}
    assert items["grad_w0"]["status"] == "correct" and items["f"]["status"] == "correct"
    assert items["grad_w1"]["status"] == "imprecise"            # right to the 2 places it shows
    assert items["grad_x1"]["status"] == "rounding"             # −0.58977 rounds to −0.5898


def test_check_refuses_an_answers_file_of_another_kind_for_a_graph_in_one_line(tmp_path):
    # (session 9: write-ups of a graph are read now, tests/test_graphs9.py; another suffix is refused)
    path = _answers(tmp_path, "q,3\n", "w.csv")
    out = _run("check", CIRCUIT, path)
    assert out.exit_code == 2 and "YAML or JSON" in out.output and "Traceback" not in out.output


@pytest.mark.slow
def test_a_hostile_graph_file_ends_quickly_with_exit_2(tmp_path):
    """Run as a user does, with a hard time-out that turns a hang into a failure (not a speed test)."""
    path = tmp_path / "h.yaml"
    path.write_text("model: graph\ninputs: {x: 2}\nnodes:\n  y: " + "exp(" * 29 + "x" + ")" * 29
                    + "\n  z: x^64^64\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "symbackprop.cli", "solve", str(path)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2 and "exponent" in r.stderr and "Traceback" not in r.stderr


# -- PDF ---------------------------------------------------------------------------------------------

HAVE_TEX = shutil.which("pdflatex") is not None
needs_tex = pytest.mark.skipif(not HAVE_TEX and not os.environ.get("CI"),
                               reason="no TeX engine; .ci/run installs one so CI always compiles")


@needs_tex
@pytest.mark.slow
@pytest.mark.parametrize("path, lang", [(CIRCUIT, "en"), (GATES, "zh"), (QUAD, "en"), (QUAD, "zh")],
                         ids=lambda v: getattr(v, "stem", v))
def test_every_graph_solves_to_a_pdf_without_overfull_boxes(path, lang, tmp_path):
    from symbackprop.render import render
    from symbackprop.render.pdf import compile_tex, overfull_boxes
    done = compile_tex(render(solved(path), "latex", standalone=True, lang=lang))
    assert done.pdf.startswith(b"%PDF") and overfull_boxes(done.log) == []
    out = tmp_path / "s.pdf"
    result = _run("solve", path, "-o", out, "--lang", lang)
    assert result.exit_code == 0 and out.read_bytes().startswith(b"%PDF")
