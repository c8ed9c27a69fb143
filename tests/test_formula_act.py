"""Issue 12, items 4-6: activations written as formulas of x, Greek names, cross-entropy on one output refused.

The numbers of problems/formula_activation.yaml are checked against an independent numpy computation
(forward pass by hand, gradients by central finite differences), never against outputs of the code.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from dataclasses import replace

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PROBLEMS

import symbackprop
from symbackprop import losses
from symbackprop.cli import main
from symbackprop.errors import ProblemError
from symbackprop.problem import parse_problem

FORMULA = PROBLEMS / "formula_activation.yaml"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def error_of(text: str) -> str:
    with pytest.raises(ProblemError) as info:
        symbackprop.solve(parse_problem(textwrap.dedent(text), "p.yaml"))
    return str(info.value)


# -- the problem file, by hand -------------------------------------------------------------------

W = {("0", "3"): 0.1, ("1", "3"): 0.5, ("2", "3"): 0.3, ("0", "4"): -0.2, ("1", "4"): -0.4, ("2", "4"): 0.6,
     ("0", "5"): 0.3, ("3", "5"): 0.7, ("4", "5"): -0.5}
X = {"0": 1.0, "1": 1.0, "2": -1.0}
T, ETA = 1.0, 0.5
ACTS = {"lecun": (lambda x: 1.7159 * np.tanh(2 * x / 3), lambda x: 1.7159 * np.tanh(2 * x / 3)),
        "bipolar": (lambda x: 2 / (1 + np.exp(-x)) - 1, lambda x: x / 10)}


def forward(w: dict, hidden, output) -> dict:
    out = dict(X)
    nets = {}
    for j in ("3", "4"):
        nets[j] = sum(w[(i, j)] * out[i] for i in ("0", "1", "2"))
        out[j] = hidden(nets[j])
    nets["5"] = sum(w[(i, "5")] * out[i] for i in ("0", "3", "4"))
    out["5"] = output(nets["5"])
    return {"nets": nets, "out": out, "loss": 0.5 * (T - out["5"]) ** 2}


def by_hand(part: str) -> dict[str, float]:
    hidden, output = ACTS[part]
    f = forward(W, hidden, output)
    values = {f"net_{j}": v for j, v in f["nets"].items()}
    values.update({f"act_{j}": f["out"][j] for j in ("3", "4", "5")})
    values["loss"] = f["loss"]
    h = 1e-6
    for j, g in (("3", hidden), ("4", hidden), ("5", output)):
        n = f["nets"][j]
        values[f"gprime_{j}"] = (g(n + h) - g(n - h)) / (2 * h)
    values["delta_5"] = values["gprime_5"] * (f["out"]["5"] - T)                     # δ = ∂J/∂net
    for j in ("3", "4"):
        values[f"delta_{j}"] = values["delta_5"] * W[(j, "5")] * values[f"gprime_{j}"]
    for (i, j) in W:
        up, down = dict(W), dict(W)
        up[(i, j)] += h
        down[(i, j)] -= h
        grad = (forward(up, hidden, output)["loss"] - forward(down, hidden, output)["loss"]) / (2 * h)
        values[f"grad_w_{i}_{j}"] = grad
        values[f"update_w_{i}_{j}"] = -ETA * grad
        values[f"new_w_{i}_{j}"] = W[(i, j)] - ETA * grad
    return values


@pytest.fixture(scope="module")
def solution():
    return symbackprop.solve(str(FORMULA))


@pytest.mark.parametrize("part", ["lecun", "bipolar"])
def test_problem_file_matches_numpy_and_finite_differences(solution, part):
    psol = solution.part(part)
    expected = by_hand(part)
    for qid, want in expected.items():
        got = psol.step(qid).float_value
        assert math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9), (qid, got, want)


def test_activation_names_and_settings(solution):
    lecun, bipolar = solution.part("lecun").part, solution.part("bipolar").part
    assert [a.name for a in lecun.activations] == ["lecun_tanh", "lecun_tanh"]
    assert [a.name for a in bipolar.activations] == ["bipolar_sigmoid", "formula"]
    assert bipolar.activations[1].formula.text == "x/10"


def test_gprime_is_shown_and_in_x(solution):
    """The text of the module's solution (what `solve --part` prints of each part; the command itself
    is run by test_every_format_shows_the_formula, in the slow tier)."""
    from symbackprop.render import render
    lecun, bipolar = (render(replace(solution, parts=(solution.part(p),)), "text") for p in ("lecun", "bipolar"))
    line = next(s for s in lecun.splitlines() if s.strip().startswith("g'(net_5) ="))
    assert "tanh(2·net_5/3)" in line and "17159/15000" in line
    assert "g'(net_5) = 1/10 = 0.1" in bipolar


def test_the_json_shows_the_formula(solution):
    """The JSON of the module's solution (what `solve --format json` writes: the command is run for
    every format in the slow tier below, and fast in test_inputs_shared.py::test_neuron_renders_in_every_format)."""
    from symbackprop.render import render
    data = json.loads(render(solution, "json"))
    assert data["parts"][0]["settings"]["activations"] == ["lecun_tanh", "lecun_tanh"]
    assert "\\tanh" in data["parts"][0]["quantities"]["gprime_5"]["latex"]


@pytest.mark.slow      # the command in every format (fast: the two tests above render the module's solution)
@pytest.mark.parametrize("fmt", ["text", "json", "latex", "markdown", "html"])
def test_every_format_shows_the_formula(fmt):
    r = run("solve", FORMULA, "--format", fmt)
    assert r.exit_code == 0, r.output
    assert "tanh" in r.output
    if fmt == "json":
        data = json.loads(r.output)
        assert data["parts"][0]["settings"]["activations"] == ["lecun_tanh", "lecun_tanh"]
        assert "\\tanh" in data["parts"][0]["quantities"]["gprime_5"]["latex"]


@pytest.mark.slow
def test_pdf(tmp_path):
    out = tmp_path / "f.pdf"
    r = run("solve", FORMULA, "-o", out)
    if r.exit_code != 0 and "latex" in r.output.lower() and "not found" in r.output.lower():
        pytest.skip("no LaTeX on this machine")
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.slow        # fast: test_formula_activation_checks_three_ways, test_loss_formula_checks_three_ways
def test_check_three_ways_agree():
    r = run("solve", FORMULA, "--check")
    assert r.exit_code == 0, r.output
    assert r.output.count("all agree") == 2


def test_derive_specialises_with_the_formula():
    r = run("derive", FORMULA)
    assert r.exit_code == 0, r.output
    assert "with lecun_tanh: δ_k = (17159/15000 - 17159·tanh(2·net_k/3)²/15000)·(u_k - t_k)" in r.output
    assert "with bipolar_sigmoid" in r.output


def _answers_by_hand() -> dict:
    return {part: {q: f"{v:.4f}" for q, v in by_hand(part).items()} for part in ("lecun", "bipolar")}


@pytest.mark.slow           # a second check run (fast: test_check_grades_answers_of_the_formula_problem)
def test_check_accepts_the_answers_by_hand_of_the_formula_problem(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps(_answers_by_hand()), encoding="utf-8")
    r = run("check", FORMULA, path)
    assert r.exit_code == 0, r.output


def test_check_grades_answers_of_the_formula_problem(tmp_path):
    """The numbers by hand, one of them wrong: that one is found wrong, the others right."""
    answers = _answers_by_hand()
    path = tmp_path / "a.json"
    answers["lecun"]["gprime_5"] = "0.5000"                 # g'(net_5) ≈ 0.6930
    path.write_text(json.dumps(answers), encoding="utf-8")
    r = run("check", FORMULA, path, "--format", "json")
    assert r.exit_code == 1
    items = {i["id"]: i for p in json.loads(r.output)["parts"] if p["part"] == "lecun" for i in p["items"]}
    assert items["gprime_5"]["status"] == "wrong" and items["delta_5"]["status"] == "correct"


# -- formulas of other shapes --------------------------------------------------------------------

ONE = """\
network: {{inputs: [1], bias: 0, layers: [[2]], activation: {act}}}
weights: {{0: {{2: {b}}}, 1: {{2: {w}}}}}
sample: {{x: {{1: {x}}}, t: {{2: 0.5}}}}
loss: half_squared_error
"""


def one_unit(act: str, b=0.25, w=0.5, x=1.0):
    return symbackprop.solve(parse_problem(ONE.format(act=act, b=b, w=w, x=x), "p.yaml")).part("main")


@pytest.mark.parametrize("formula, g, dg", [
    ("x/10", lambda n: n / 10, lambda n: 0.1),
    ("2/(1+exp(-x)) - 1", lambda n: 2 / (1 + math.exp(-n)) - 1, lambda n: 2 * math.exp(-n) / (1 + math.exp(-n)) ** 2),
    ("sigmoid(2*x)", lambda n: 1 / (1 + math.exp(-2 * n)), lambda n: 2 * math.exp(-2 * n) / (1 + math.exp(-2 * n)) ** 2),
    ("x*exp(-x^2)", lambda n: n * math.exp(-n * n), lambda n: (1 - 2 * n * n) * math.exp(-n * n)),
    ("3*x - x**3/3", lambda n: 3 * n - n ** 3 / 3, lambda n: 3 - n * n),
])
def test_formula_value_and_derivative(formula, g, dg):
    psol = one_unit(f'{{formula: "{formula}"}}')
    net = 0.25 + 0.5
    assert math.isclose(psol.step("act_2").float_value, g(net), rel_tol=1e-12)
    assert math.isclose(psol.step("gprime_2").float_value, dg(net), rel_tol=1e-12)
    assert math.isclose(psol.step("delta_2").float_value, dg(net) * (g(net) - 0.5), rel_tol=1e-12, abs_tol=1e-15)


def test_formula_activation_checks_three_ways(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text(ONE.format(act='{formula: "sigmoid(2*x) + x/5"}', b=0.25, w=0.5, x=1.0), encoding="utf-8")
    r = run("solve", p, "--check")
    assert r.exit_code == 0 and "all agree" in r.output, r.output


def test_output_activation_and_per_layer_lists():
    text = """\
    network: {inputs: [1], bias: 0, layers: [[2], [3]], activation: [{formula: "x^2"}],
              output_activation: {formula: "x/2", name: half}}
    weights: {0: {2: 1, 3: 0}, 1: {2: 1}, 2: {3: 1}}
    sample: {x: {1: 1}, t: {3: 0}}
    loss: half_squared_error
    """
    part = symbackprop.solve(parse_problem(textwrap.dedent(text), "p.yaml")).part("main")
    assert part.step("act_2").value == 4 and part.step("act_3").value == 2 and part.step("gprime_2").value == 4


def test_kink_of_a_formula_is_noted():
    psol = one_unit('{formula: "abs(x)"}', b=0.5, w=-0.5, x=1)       # net = 0
    assert psol.step("gprime_2").value == 0                           # SymPy's sign(0)
    notes = [n for n in psol.conventions if n.kind == "kink"]
    assert notes and notes[0].data["formula"] and notes[0].data["g0"] == 0


def test_kink_note_is_said(tmp_path):
    p = tmp_path / "k.yaml"
    p.write_text(ONE.format(act='{formula: "abs(x)", name: absval}', b=0.5, w=-0.5, x=1), encoding="utf-8")
    out = run("solve", p).output
    assert "absval has no derivative at 0; the value SymPy's derivative takes there, g'(0) = 0, is used at " \
           "net_2 = 0." in out
    assert "absval 在 0 处不可导" in run("solve", p, "--lang", "zh").output


def test_formula_not_finite_at_a_net_is_a_clear_error():
    msg = error_of(ONE.format(act='{formula: "sqrt(x)"}', b=0, w=-1, x=1))     # net = -1
    assert "activation formula 'sqrt(x)'" in msg and "net_2 = -1" in msg
    msg = error_of(ONE.format(act='{formula: "1/x"}', b=0, w=0, x=1))          # net = 0
    assert "'1/x'" in msg and "net_2 = 0" in msg


@pytest.mark.parametrize("act, where, what", [
    ('{formula: "x.real"}', "formula", "attribute access is not allowed"),
    ('{formula: "__import__(1)"}', "formula", "'_'"),
    ('{formula: "y + 1"}', "formula", "unknown name 'y'"),
    ('{formula: "foo(x)"}', "formula", "unknown function 'foo'"),
    ('{formula: "x^x"}', "formula", "exponent must be a number"),
    ('{formula: "tanh(x"}', "formula", "')'"),
    ('{formula: "3"}', "formula", "must use x"),
    ('{formula: ""}', "formula", "empty"),
    ('{formula: 3}', "formula", "must be text"),
    ('{formula: "x", name: sigmoid}', "name", "not the name of a built-in activation"),
    ('{formula: "x", name: "a b"}', "name", "must be a word"),
    ('{formula: "x", slope: 2}', "activation", "unknown field 'slope'"),
])
def test_bad_formulas_are_one_line_errors(act, where, what):
    with pytest.raises(ProblemError) as info:
        parse_problem(ONE.format(act=act, b=0, w=1, x=1), "p.yaml")
    msg = str(info.value)
    assert msg.startswith("p.yaml:1:") and where in msg and what in msg and "\n" not in msg, msg


def test_long_formula_is_bounded():
    long = "+".join(["x"] * 300)
    with pytest.raises(ProblemError, match="too long"):
        parse_problem(ONE.format(act=f'{{formula: "{long}"}}', b=0, w=1, x=1), "p.yaml")


def test_bad_formula_exits_2_with_file_and_line(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text(ONE.format(act='{formula: "exp(x).y"}', b=0, w=1, x=1), encoding="utf-8")
    r = run("solve", p)
    assert r.exit_code == 2
    assert f"{p}:1:" in r.output and "Traceback" not in r.output


# -- cross-entropy on one output -----------------------------------------------------------------

CE = """\
network: {{inputs: [1], layers: [{outputs}]}}
weights: {weights}
sample: {{x: {{1: 1}}, t: {targets}}}
loss: {loss}
"""


@pytest.mark.parametrize("loss", ["cross_entropy", "ce", "{name: cross_entropy}"])
def test_cross_entropy_on_one_output_is_refused(loss):
    with pytest.raises(ProblemError) as info:
        parse_problem(CE.format(outputs="[2]", weights="{1: {2: 0.5}}", targets="{2: 1}", loss=loss), "p.yaml")
    msg = str(info.value)
    assert msg.startswith("p.yaml:4:") and "binary_cross_entropy" in msg and "at least 2 output units" in msg


def test_cross_entropy_on_one_sigmoid_output_is_refused_too():
    text = CE.format(outputs="[2]", weights="{1: {2: 0.5}}", targets="{2: 1}", loss="cross_entropy")
    text = text.replace("layers: [[2]]", "layers: [[2]], output_activation: sigmoid")
    with pytest.raises(ProblemError, match="binary_cross_entropy"):
        parse_problem(text, "p.yaml")


def test_cross_entropy_on_two_outputs_and_bce_on_one_still_solve():
    two = parse_problem(CE.format(outputs="[2, 3]", weights="{1: {2: 0.5, 3: -0.5}}", targets="{2: 1, 3: 0}",
                                  loss="cross_entropy"), "p.yaml")
    psol = symbackprop.solve(two).part("main")
    u2 = math.exp(0.5) / (math.exp(0.5) + math.exp(-0.5))
    assert math.isclose(psol.step("loss").float_value, -math.log(u2), rel_tol=1e-12)
    one = parse_problem(CE.format(outputs="[2]", weights="{1: {2: 0.5}}", targets="{2: 1}",
                                  loss="binary_cross_entropy"), "p.yaml")
    assert math.isclose(symbackprop.solve(one).part("main").step("loss").float_value,
                        -math.log(1 / (1 + math.exp(-0.5))), rel_tol=1e-12)


def test_min_outputs_is_a_fact_of_the_loss_row():
    assert losses.TABLE["cross_entropy"].min_outputs == 2
    assert losses.TABLE["cross_entropy"].one_output_instead == "binary_cross_entropy"
    assert all(row.min_outputs == 1 for name, row in losses.TABLE.items() if name != "cross_entropy")


@pytest.mark.slow
def test_cross_entropy_one_output_cli_exit_2(tmp_path):
    p = tmp_path / "ce.yaml"
    p.write_text(CE.format(outputs="[2]", weights="{1: {2: 0.5}}", targets="{2: 1}", loss="cross_entropy"),
                 encoding="utf-8")
    r = subprocess.run([sys.executable, "-c", "from symbackprop.cli import main; main()", "solve", str(p)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "binary_cross_entropy" in r.stderr + r.stdout
    assert "Traceback" not in r.stderr


# -- Greek names ---------------------------------------------------------------------------------

GREEK = """\
network: {inputs: [1], bias: 0, layers: [[2]], activation: sigmoid}
weights: {0: {2: {value: 0.5, name: beta0}}, 1: {2: {value: 0.3, name: theta12}}}
sample: {x: {1: 1}, t: {2: 1}}
loss: half_squared_error
learning_rate: 0.5
"""


@pytest.fixture
def greek_file(tmp_path):
    p = tmp_path / "greek.yaml"
    p.write_text(GREEK, encoding="utf-8")
    return p


@pytest.mark.parametrize("fmt, wanted, unwanted", [
    ("text", ["β_0 = 0.5", "θ_{12} = 0.3", "∂J/∂θ_{12}", "Δβ_0", "θ_{12}^new"], ["theta", "beta"]),
    ("latex", [r"\beta_{0} = 0.5", r"\theta_{12} = 0.3", r"\partial \theta_{12}", r"\Delta \beta_{0}"], ["theta_", "beta_"]),
    ("markdown", [r"\beta_{0}", r"\theta_{12}"], ["theta_", "beta_"]),
    ("html", ["θ_{12}", "β_0"], []),
])
def test_greek_weight_names_in_every_format(greek_file, fmt, wanted, unwanted):
    r = run("solve", greek_file, "--format", fmt)
    assert r.exit_code == 0, r.output
    for w in wanted:
        assert w in r.output, w
    for u in unwanted:
        assert u not in r.output.replace(r"\theta", "").replace(r"\beta", ""), u


def test_greek_names_in_json_latex_fields_and_ids_unchanged(greek_file):
    data = json.loads(run("solve", greek_file, "--format", "json").output)
    q = data["parts"][0]["quantities"]
    assert "w_1_2" in q and "grad_w_0_2" in q                     # ids stay the units'
    assert q["w_1_2"]["latex"].startswith(r"\theta_{12}") and q["w_1_2"]["text"].startswith("θ_{12}")
    assert q["update_w_0_2"]["latex"].startswith(r"\Delta \beta_{0}")


def test_reserved_letters_stay_as_written(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text(GREEK.replace("beta0", "eta1").replace("theta12", "delta2"), encoding="utf-8")
    out = run("solve", p).output
    assert "eta1 = 0.5" in out and "delta2 = 0.3" in out and "η_1" not in out and "δ_{2}" not in out


def test_answers_may_use_greek_spellings(greek_file, tmp_path):
    grad = -(1 - 1 / (1 + math.exp(-0.8))) * (1 / (1 + math.exp(-0.8))) * (1 - 1 / (1 + math.exp(-0.8)))
    answers = tmp_path / "a.yaml"
    answers.write_text(textwrap.dedent(f"""\
        '\\frac{{\\partial J}}{{\\partial \\beta_0}}': "{grad:.4f}"
        '\\Delta \\theta_{{12}}': "{-0.5 * grad:.4f}"
        "θ_{{12}}^new": "{0.3 - 0.5 * grad:.4f}"
        beta0^new: "{0.5 - 0.5 * grad:.4f}"
        """), encoding="utf-8")
    r = run("check", greek_file, answers, "--format", "json")
    assert r.exit_code == 0, r.output
    items = {i["id"]: i["status"] for i in json.loads(r.output)["parts"][0]["items"]}
    assert items == {"grad_w_0_2": "correct", "update_w_1_2": "correct", "new_w_1_2": "correct",
                     "new_w_0_2": "correct"}


def test_greek_in_a_latex_writeup(greek_file, tmp_path):
    grad = -(1 - 1 / (1 + math.exp(-0.8))) * (1 / (1 + math.exp(-0.8))) * (1 - 1 / (1 + math.exp(-0.8)))
    doc = tmp_path / "w.md"
    doc.write_text(f"$$\\Delta \\theta_{{12}} = {-0.5 * grad:.4f}$$\n", encoding="utf-8")
    r = run("check", greek_file, doc, "--format", "json")
    items = {i["id"]: i["status"] for i in json.loads(r.output)["parts"][0]["items"]}
    assert items.get("update_w_1_2") == "correct", r.output


GRAPH = """\
model: graph
inputs: {theta0: 2, x0: -1, lambda1: 0.5}
nodes:
  a: theta0*x0
  f: sigmoid(a) + lambda1*theta0^2
output: f
"""


def test_greek_graph_parameters(tmp_path):
    p = tmp_path / "g.yaml"
    p.write_text(GRAPH, encoding="utf-8")
    text = run("solve", p).output
    assert "θ_0 = 2" in text and "λ_1·θ_0²" in text and "∂f/∂θ_0" in text
    assert r"\theta_{0}" in run("solve", p, "--format", "latex").output
    s = 1 / (1 + math.exp(2))
    answers = tmp_path / "a.yaml"
    answers.write_text(f"'\\frac{{\\partial f}}{{\\partial \\theta_0}}': \"{-s * (1 - s) + 2:.4f}\"\n"
                       "\"∂f/∂λ_1\": 4\n", encoding="utf-8")
    r = run("check", p, answers, "--format", "json")
    items = {i["id"]: i["status"] for i in json.loads(r.output)["parts"][0]["items"]}
    assert items == {"grad_theta0": "correct", "grad_lambda1": "correct"}, r.output


def test_formula_messages_in_chinese():
    from symbackprop.messages import say, text_of
    with pytest.raises(ProblemError) as info:
        symbackprop.solve(parse_problem(ONE.format(act='{formula: "sqrt(x)"}', b=0, w=-1, x=1), "p.yaml"))
    zh = str(say(text_of(info.value), "zh"))
    assert "激活函数公式 'sqrt(x)'" in zh and "net_2 = -1" in zh
    with pytest.raises(ProblemError) as info:
        parse_problem(ONE.format(act='{formula: "y"}', b=0, w=1, x=1), "p.yaml")
    zh = str(say(text_of(info.value), "zh"))
    assert zh.startswith("p.yaml:1:") and "激活函数公式 'y'" in zh


# -- losses written as formulas of u and t ---------------------------------------------------------

TWO = """\
network: {{inputs: [1, 2], bias: 0, layers: [[3], [4, 5]], activation: sigmoid}}
weights: {{0: {{3: 0.1, 4: 0.2, 5: -0.3}}, 1: {{3: 0.5}}, 2: {{3: -0.4}}, 3: {{4: 0.7, 5: 0.6}}}}
sample: {{x: {{1: 1, 2: 0.5}}, t: {{4: 1, 5: 0}}}}
loss: {loss}
learning_rate: 0.5
"""
TW = {("0", "3"): 0.1, ("1", "3"): 0.5, ("2", "3"): -0.4, ("0", "4"): 0.2, ("3", "4"): 0.7, ("0", "5"): -0.3,
      ("3", "5"): 0.6}


def two_outputs_loss(w: dict, term) -> float:
    sig = lambda v: 1 / (1 + math.exp(-v))                                     # noqa: E731
    u3 = sig(w[("0", "3")] + w[("1", "3")] * 1 + w[("2", "3")] * 0.5)
    u4, u5 = sig(w[("0", "4")] + w[("3", "4")] * u3), sig(w[("0", "5")] + w[("3", "5")] * u3)
    return term(u4, 1.0) + term(u5, 0.0)


# one formula (with a kink) stays fast; the other shapes repeat the comparison in the slow tier
@pytest.mark.parametrize("formula, term", [
    pytest.param("(u - t)^2/2", lambda u, t: (u - t) ** 2 / 2, marks=pytest.mark.slow),
    ("abs(u - t) + 0.1*u^2", lambda u, t: abs(u - t) + 0.1 * u * u),
    pytest.param("-t*log(u) - (1 - t)*log(1 - u)", lambda u, t: -t * math.log(u) - (1 - t) * math.log(1 - u),
                 marks=pytest.mark.slow),
    pytest.param("exp(u - t) - (u - t)", lambda u, t: math.exp(u - t) - (u - t), marks=pytest.mark.slow),
])
def test_loss_formula_by_finite_differences(formula, term):
    psol = symbackprop.solve(parse_problem(TWO.format(loss=f'{{formula: "{formula}"}}'), "p.yaml")).part("main")
    assert psol.part.loss == "formula"
    assert math.isclose(psol.step("loss").float_value, two_outputs_loss(TW, term), rel_tol=1e-12)
    h = 1e-6
    for (i, j) in TW:
        up, down = dict(TW), dict(TW)
        up[(i, j)] += h
        down[(i, j)] -= h
        fd = (two_outputs_loss(up, term) - two_outputs_loss(down, term)) / (2 * h)
        assert math.isclose(psol.step(f"grad_w_{i}_{j}").float_value, fd, rel_tol=1e-6, abs_tol=1e-10), (i, j)


def test_loss_formula_checks_three_ways(tmp_path):
    p = tmp_path / "l.yaml"
    p.write_text(TWO.format(loss='{formula: "abs(u - t) + 0.1*u^2", name: l1_reg}'), encoding="utf-8")
    r = run("solve", p, "--check")
    assert r.exit_code == 0 and "all agree" in r.output and "loss l1_reg" in r.output, r.output


@pytest.mark.slow     # derive with a formula (an activation's) stays fast: test_derive_specialises_with_the_formula
def test_loss_formula_derives(tmp_path):
    p = tmp_path / "l.yaml"
    p.write_text(TWO.format(loss='{formula: "abs(u - t) + 0.1*u^2", name: l1_reg}'), encoding="utf-8")
    r = run("derive", p)
    assert r.exit_code == 0 and "loss: l1_reg" in r.output, r.output


def test_loss_formula_row_facts():
    part = parse_problem(TWO.format(loss='{formula: "abs(u - t)"}'), "p.yaml").parts[0]
    row = losses.of(part)
    assert row is part.loss_formula and row.kinks == (__import__("sympy").Abs,) and row.kink_note
    assert losses.TABLE.keys() == set(losses.NAMES)                 # the table is not changed
    assert losses.of(parse_problem(TWO.format(loss="mse"), "p.yaml").parts[0]) is losses.TABLE["mse"]


@pytest.mark.parametrize("loss, where, what", [
    ('{formula: "(y - t)^2"}', "formula", "unknown name 'y'"),
    ('{formula: "t^2"}', "formula", "must use u"),
    ('{formula: "u.t"}', "formula", "attribute access"),
    ('{formula: 2}', "formula", "must be text"),
    ('{formula: "u", name: mse}', "name", "not the name of a built-in loss"),
    ('{formula: "u", scale: 2}', "loss", "unknown field 'scale'"),
])
def test_bad_loss_formulas(loss, where, what):
    with pytest.raises(ProblemError) as info:
        parse_problem(TWO.format(loss=loss), "p.yaml")
    msg = str(info.value)
    assert msg.startswith("p.yaml:4:") and where in msg and what in msg, msg


def test_loss_formula_survives_pickling_for_worker_processes():
    import pickle
    problem = parse_problem(TWO.format(loss='{formula: "abs(u - t)"}'), "p.yaml")
    again = pickle.loads(pickle.dumps(problem))
    assert again.parts[0].loss_formula == problem.parts[0].loss_formula
    assert symbackprop.solve(again).part("main").step("loss").value == symbackprop.solve(problem).part("main").step(
        "loss").value
