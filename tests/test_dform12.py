"""Session 12, W2 (derive's output, user trial t12): an entry of a graph name ending in digits in LaTeX
(items 6, 20), a PDF that does not compile is exit 3 (item 6), derive on two hidden layers (item 12),
and a formula activation's g' simplified with the identities of |x| (item 19)."""
from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import sympy as sp
from click.testing import CliRunner

from symbackprop.cli import main

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = ROOT / "problems"
MIN_W1 = "model: graph\ninputs: {w1: [1, 2], x: [3, 4]}\nparameters: [w1]\nnodes:\n  y: dot(w1, x)\n  L: y^2\n"
# two entries with one subscript each (x_{i}) are fine; a braced group followed by another subscript is
# TeX's "Double subscript" (w_{1}_{i}), and {W_{2}}_{1} reads as W₂₁ (entry (2, 1) of a matrix W)
DOUBLE = re.compile(r"_\{[^{}]*\}\}?_\{")


@pytest.fixture()
def min_w1(tmp_path):
    path = tmp_path / "min_w1.yaml"
    path.write_text(MIN_W1, encoding="utf-8")
    return path


def test_entry_latex_brackets_a_name_with_its_own_subscript():
    from symbackprop.render.graph import entry_latex
    assert entry_latex("x", "i") == "x_{i}"
    assert entry_latex("W2", "1") == "(W_{2})_{1}"
    assert entry_latex("w1", "ij") == "(w_{1})_{ij}"
    assert entry_latex("theta1", "2") == r"(\theta_{1})_{2}"


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_derive_entry_by_entry_of_w1_has_no_double_subscript(min_w1, fmt):
    r = CliRunner().invoke(main, ["derive", str(min_w1), "--format", fmt])
    assert r.exit_code == 0, r.output
    line = next(x for x in r.output.splitlines() if "Entry by entry" in x)
    # ∂L/∂w1_i = 2·y·x_i: y = w1·x, L = y², so ∂L/∂w1_i = 2y·x_i (by hand)
    assert r"\partial (w_{1})_{i}" in line and "2 \\cdot y x_{i}" in line
    assert not DOUBLE.search(r.output)


def test_solve_writes_the_entries_of_a_row_w2_bracketed(tmp_path):
    """∂L/∂h = ∂L/∂y·W2ᵀ for y = W2·h: its entries W2_1, W2_2, W2_3 are (W_2)_1 …, never W_{21} (t12 item 20)."""
    path = tmp_path / "g.yaml"
    path.write_text("model: graph\ninputs: {W2: [[1, -1, 0.5]], h: [1, 2, 3]}\nparameters: [h]\n"
                    "nodes:\n  y: W2*h\n  L: y^2\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["solve", str(path), "--format", "latex"])
    assert r.exit_code == 0, r.output
    assert all(f"(W_{{2}})_{{{n}}}" in r.output for n in (1, 2, 3))
    assert not DOUBLE.search(r.output) and "W_{21}" not in r.output


def test_a_pdf_that_does_not_compile_is_an_internal_error(min_w1, tmp_path, monkeypatch):
    from symbackprop.render import pdf
    code = "import sys; open('doc.log', 'w').write('! Forced failure.\\n'); sys.exit(1)"
    monkeypatch.setattr(pdf, "engine_command", lambda cjk: [sys.executable, "-c", code])
    out = tmp_path / "x.pdf"
    r = CliRunner().invoke(main, ["derive", str(min_w1), "-o", str(out)])
    assert r.exit_code == 3 and "Traceback" not in r.output
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "Forced failure" in lines[0] and "internal error" in lines[0]
    assert not out.exists() and (tmp_path / "x.failed.tex").exists()


def test_no_tex_installed_stays_exit_2(min_w1, tmp_path, monkeypatch):
    from symbackprop.render import pdf
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    r = CliRunner().invoke(main, ["derive", str(min_w1), "-o", str(tmp_path / "x.pdf")])
    assert r.exit_code == 2 and "not installed" in r.output


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("latexmk") is None and shutil.which("pdflatex") is None, reason="no TeX")
def test_derive_and_solve_of_w1_compile_to_pdf(min_w1, tmp_path):
    for command in ("derive", "solve"):
        out = tmp_path / f"{command}.pdf"
        r = CliRunner().invoke(main, [command, str(min_w1), "-o", str(out)])
        assert r.exit_code == 0, r.output
        assert out.read_bytes().startswith(b"%PDF")


# -- item 19: g' of a formula activation with |x| ------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("text", ["x/(1+abs(x))", "x*abs(x)", "abs(x)/(1+abs(x))", "x*abs(x)/(1+x^2)"])
def test_formula_gprime_with_abs_is_right_everywhere_and_not_longer(text):
    from symbackprop.activation_formula import formula_activation
    from symbackprop.activations import X
    act = formula_activation(text)
    derived = sp.diff(act.g, X)                     # SymPy's own derivative, not simplified
    assert sp.count_ops(act.dg) <= sp.count_ops(derived)
    f = sp.lambdify(X, act.g)
    for v in (-2.5, -0.3, 0.7, 3.0):               # central differences away from 0
        h = 1e-6
        assert abs(float(act.dg.subs(X, v)) - (f(v + h) - f(v - h)) / (2 * h)) < 1e-6
    assert act.dg.subs(X, 0) == derived.subs(X, 0)   # the same value at 0 as SymPy's derivative


def test_softsign_gprime_is_one_over_one_plus_abs_x_squared():
    from symbackprop.activation_formula import formula_activation
    from symbackprop.activations import X
    act = formula_activation("x/(1+abs(x))")
    # d/dx x/(1+|x|) = ((1+|x|) − x·sign(x))/(1+|x|)² = 1/(1+|x|)² since x·sign(x) = |x| (by hand)
    assert act.dg == 1 / (1 + sp.Abs(X)) ** 2
    assert not act.dg.has(sp.sign)


# -- item 12: derive on two hidden layers --------------------------------------------------------------

@pytest.fixture(scope="module")
def deep_text():
    r = CliRunner().invoke(main, ["derive", str(PROBLEMS / "deep.yaml")])
    assert r.exit_code == 0, r.output
    return r.output


def _section(text: str, title: str) -> str:
    start = text.index("\n" + title) + 1
    end = text.find("\n\n", start)
    return text[start:end if end > 0 else None]


def test_deep_derive_names_each_hidden_delta_by_the_layer_above(deep_text):
    last = _section(deep_text, "Last hidden layer: δ_j")
    inner = _section(deep_text, "Hidden layer below another hidden layer: δ_j")
    assert "g'(net_j)·Σ_k[1..c] δ_k·w_{jk}" in last and "Σ_l" not in last
    assert "with leaky ReLU" in last and "with tanh" not in last          # deep.yaml: tanh, then leaky ReLU
    assert "g'(net_j)·Σ_l[1..n_l] δ_l·w_{jl}" in inner and "Σ_k" not in inner
    assert "with tanh: δ_j = (1 - u_j²)·Σ_l[1..n_l] δ_l·w_{jl}" in inner and "leaky" not in inner
    assert "input-to-hidden weight (into the first hidden layer)" in deep_text
    between = _section(deep_text, "Gradient of a hidden-to-hidden weight")
    assert "= δ_l·u_j" in between and "values agree" in between      # w_jl into l of the layer above (s12-dhid)
    update = _section(deep_text, "Update of an input-to-hidden weight")
    assert "Σ_l[1..n_l] δ_l·w_{jl}" in update and "Σ_k" not in update
    assert "net_l = Σ_p[0..n_H] w_{pl}·u_p" in _section(deep_text, "The network")   # net_l: s12-dhid


def test_one_hidden_layer_keeps_its_sections():
    r = CliRunner().invoke(main, ["derive", str(PROBLEMS / "xor.yaml"), "--part", "sigmoid"])
    assert r.exit_code == 0, r.output
    assert "\nHidden layer: δ_j" in r.output and "hidden-to-hidden" not in r.output and "Σ_l" not in r.output


@pytest.mark.slow
def test_deep_inner_delta_rule_gives_the_solutions_delta_of_the_first_layer():
    """δ_3 of deep.yaml by the printed inner rule, with the numbers of the layer above (units 5, 6),
    against solve's δ_3 (which solve --check verifies by finite differences)."""
    from symbackprop.problem import load_problem
    from symbackprop.rule_check import derive_for_part
    from symbackprop.symbolic_rules import delta_h, deeper_rules, gprime, j, l, n_l, net_h, w_h
    r = CliRunner().invoke(main, ["solve", str(PROBLEMS / "deep.yaml"), "--format", "json"])
    q = json.loads(r.output)["parts"][0]["quantities"]
    v = {k: x["value"] for k, x in q.items() if isinstance(x.get("value"), (int, float))}
    prob = load_problem(PROBLEMS / "deep.yaml")
    part = prob.parts[0] if hasattr(prob, "parts") else prob
    rule = deeper_rules(derive_for_part(part)).delta_inner.rule
    u3 = v["act_3"]                                 # tanh: g'(net_3) = 1 − u_3²
    values = {gprime(net_h[j]): 1 - u3 ** 2, n_l: 2, delta_h[1]: v["delta_5"], delta_h[2]: v["delta_6"],
              w_h[1, j]: v["w_3_5"], w_h[2, j]: v["w_3_6"]}
    got = rule.subs(n_l, 2).doit().subs(values)
    assert got.free_symbols == set() and l not in got.free_symbols
    assert abs(float(got) - v["delta_3"]) < 1e-12


@pytest.mark.slow
def test_deep_json_keeps_the_six_rules_and_adds_the_deeper_ones():
    r = CliRunner().invoke(main, ["derive", str(PROBLEMS / "deep.yaml"), "--format", "json"])
    d = json.loads(r.output)["derivations"][0]
    assert set(d["rules"]) == {"delta_output", "delta_hidden", "grad_output_weight", "grad_hidden_weight",
                               "update_output_weight", "update_hidden_weight"}
    assert d["hidden_layers"] == ["tanh", "leaky_relu"]
    assert d["deeper_rules"]["delta_hidden_below_hidden"]["text"] == "δ_j = g'(net_j)·Σ_l[1..n_l] δ_l·w_{jl}"
    assert d["deeper_rules"]["grad_hidden_to_hidden_weight"]["text"] == "∂J/∂w_{jl} = δ_l·u_j"   # s12-dhid
