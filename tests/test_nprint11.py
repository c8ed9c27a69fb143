"""Session 11 (nprint): issue 12's network solution printing and problem-file messages.

The threshold note says which weight θ_j is (θ_j = w_{0j}); an activation formula without a name is
named by its formula (the activation |x|); `derive` writes a constant denominator first, (2/c)·…;
a graph file's bad name says what to write (x1 for x_1) and counts of 1 are singular; the network
picture's bias caption is translated and names the unit (bias $x_{0}$); a tied edge is printed by
its shared parameter's name and given once.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.render import render
from symbackprop.solution import solve

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = ROOT / "problems"

# Negnevitsky's network with the thresholds as weights of a bias input of -1, weights written from_to
THRESHOLD = """\
network: {inputs: [1, 2], bias: 0, bias_input: -1, layers: [[3, 4], [5]], activation: sigmoid}
weights:
  - {W: [[0.5, 0.4], [0.9, 1.0]], b: [0.8, -0.1]}
  - {W: [[-1.2, 1.1]], b: [0.3]}
sample: {x: [1, 1], t: [0]}
loss: half_squared_error
learning_rate: 0.1
"""

ABS = """\
network: {inputs: [1, 2], bias: 0, layers: [[3], [4]], activation: [{formula: "abs(x)"}, identity]}
weights: {0: {3: -1, 4: 0.5}, 1: {3: 1}, 2: {3: 0.5}, 3: {4: 2}}
sample: {x: [1, 0], t: [1]}
loss: half_squared_error
"""

BAD_GRAPH = """\
model: graph
inputs:
  x_1: 2
  A: [[1, 2], [3]]
  v: [1, 2, 3]
nodes:
  q: v*v
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.slow
def test_the_threshold_note_says_which_weight_theta_is(tmp_path):
    """#36: every step writes w_{03}, so the note's θ_j is that weight: θ_j = w_{0j} (from_to order)."""
    text = render(solve(_write(tmp_path, "negm.yaml", THRESHOLD)), "text")
    assert "net_j = Σ_i w_ij·x_i − θ_j: the weight θ_j = w_{0j} from the bias to unit j is a threshold" in text
    assert "w_{03}·x_0" in text


@pytest.mark.slow
def test_thresholds_named_theta_keep_the_plain_note_and_to_from_writes_w_j0(tmp_path):
    """Thresholds named theta3… print as θ_3, so the note's θ_j needs no weight; threshold.yaml (to_from)
    writes w_{j0}, in LaTeX too, and in Chinese."""
    named = THRESHOLD.replace("weights:\n  - {W: [[0.5, 0.4], [0.9, 1.0]], b: [0.8, -0.1]}\n  - {W: [[-1.2, 1.1]], b: [0.3]}",
                              "weights:\n  0: {3: {value: 0.8, name: theta3}, 4: {value: -0.1, name: theta4}, "
                              "5: {value: 0.3, name: theta5}}\n  1: {3: 0.5, 4: 0.9}\n  2: {3: 0.4, 4: 1.0}\n"
                              "  3: {5: -1.2}\n  4: {5: 1.1}")
    text = render(solve(_write(tmp_path, "named.yaml", named)), "text")
    assert "the weight θ_j from the bias" in text and "θ_3 = 0.8" in text and "= w_{" not in text.split("\n\n")[1]
    sol = solve(PROBLEMS / "threshold.yaml")
    assert "the weight θ_j = w_{j0} from the bias" in render(sol, "text")
    assert r"the weight $\theta_j = w_{j0}$ from the bias" in render(sol, "latex", standalone=False)
    assert "权重 θ_j = w_{j0} 即阈值" in render(sol, "text", lang="zh")


def test_an_unnamed_formula_activation_is_named_by_its_formula(tmp_path):
    """#35: `{formula: "abs(x)"}` without a name: the heading and the kink note say |x|, not 'formula'."""
    sol = solve(_write(tmp_path, "absact.yaml", ABS))
    text = render(sol, "text")
    assert "Part main: activation |x| → identity, loss half squared error" in text
    assert "The activation |x| has no derivative at 0; the value SymPy's derivative takes there, g'(0) = 0, " \
           "is used at net_3 = 0." in text
    assert "formula has no derivative" not in text and "activation formula" not in text
    zh = render(sol, "text", lang="zh")
    assert "激活函数 |x| → 恒等" in zh and "激活函数 |x| 在 0 处不可导" in zh
    assert r"\left|{x}\right|" in render(sol, "latex", standalone=False)


def test_a_formula_is_shown_with_its_decimals_as_written():
    from symbackprop.render.prose import formula_sym
    assert formula_sym("1.7159*tanh(2*x/3)").plain == "1.7159·tanh(2·x/3)"
    assert formula_sym("abs(x)").latex == r"\left|{x}\right|"


def test_a_rule_prints_its_constant_denominator_first():
    """#32: the rules' printers put the constants first as one fraction: (2/c)·g'·(t − u), −(2/c)·…,
    (2·η/c)·…, \\frac{2}{c} …; a product without a constant denominator is printed as before."""
    from symbackprop.render.rules import RuleLatexPrinter, RuleTextPrinter
    c, eta, k = sp.symbols("c eta k")
    g, t, u, w = (sp.IndexedBase(n)[k] for n in "gtuw")

    def text(e):
        return RuleTextPrinter(dict(order="none")).doprint(e)
    rule = sp.Mul(2, 1 / c, g, t - u, evaluate=False)
    assert text(rule) == "(2/c)·g_k·(t_k - u_k)"
    assert text(sp.Mul(-2, 1 / c, g, t - u, w, evaluate=False)) == "-(2/c)·g_k·(t_k - u_k)·w_k"
    assert text(sp.Mul(2, eta, 1 / c, g, evaluate=False)) == "(2·eta/c)·g_k"
    assert text(sp.Mul(2, g, t - u, evaluate=False)) == "2·g_k·(t_k - u_k)"
    assert RuleLatexPrinter(dict(order="none", mul_symbol=None)).doprint(rule) == \
        r"\frac{2}{c} g_{k} \left(t_{k} - u_{k}\right)"


@pytest.mark.slow
def test_derive_with_mse_writes_two_over_c_first():
    result = CliRunner().invoke(main, ["derive", "--activation", "relu", "--loss", "mse", "--layers", "2,2,2",
                                       "--delta", "minus_dJ_dnet"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "J = (1/c)·Σ_m[1..c] (t_m - u_m)²" in out
    assert "= (2/c)·g'(net_k)·(t_k - u_k)" in out and "with ReLU: δ_k = (2/c)·step(net_k)·(t_k - u_k)" in out
    assert "Δw_{jk} = -η·∂J/∂w_{jk} = η·δ_k·u_j = (2·η/c)·g'(net_k)·(t_k - u_k)·u_j" in out
    assert "/c" not in out.replace("(2/c)", "").replace("(1/c)", "").replace("(2·η/c)", "")


def test_graph_file_names_and_counts_are_said_plainly(tmp_path):
    """#25: x_1 gets 'write x1' (and no 'x, w0 … are not allowed'); 1 entry, 1 column in the singular."""
    result = CliRunner().invoke(main, ["solve", str(_write(tmp_path, "gbad.yaml", BAD_GRAPH))])
    assert result.exit_code == 2, result.output
    out = result.output
    assert "inputs.x_1: 'x_1' is not a name: a name has no _ or braces; write x1" in out
    assert "row 2 has 1 entry; the first row has 2" in out
    assert "cannot multiply a 3×1 matrix by a 3×1 matrix: 1 column against 3 rows" in out
    assert "Traceback" not in out and "entries;" not in out and "1 columns" not in out


def test_a_name_with_an_underscore_and_no_plain_spelling_says_x_and_w0_are_names():
    from symbackprop.graph import subscript_free
    from symbackprop.messages import msg
    assert subscript_free("x_1") == "x1" and subscript_free("w_{12}") == "w12"
    assert subscript_free("grad_x") == "gradx" and subscript_free("_x") is None and subscript_free("e_") is None
    assert subscript_free("exp_") is None and subscript_free(3) is None
    text = msg("en", "graph_file.not_a_name_underscore", got="'a_b_c'")
    assert "x and w0 are names; grad and _ are not" in text and "are not allowed" not in text


def test_the_bias_caption_is_translated_and_names_the_unit():
    """#24: 'bias 0' under a node showing −1 read as 'the bias is 0': the caption names x_0, in zh 偏置."""
    from symbackprop.problem import load_problem
    from symbackprop.render.picture import picture
    part = load_problem(PROBLEMS / "threshold.yaml").parts[0]
    en, zh = picture(part, 4, "en"), picture(part, 4, "zh")
    assert r"label=below:{\scriptsize bias $x_{0}$}] (bias) at (0, -1.7) {$-1$}" in en
    assert r"label=below:{\scriptsize 偏置 $x_{0}$}] (bias) at (0, -1.7) {$-1$}" in zh
    assert "bias 0" not in en + zh and "scriptsize bias" not in zh


@pytest.fixture(scope="module")
def shared_solution():
    return solve(PROBLEMS / "shared_bias.yaml")


@pytest.mark.slow
def test_a_tied_edge_is_printed_by_its_shared_name_and_given_once(shared_solution):
    """#23: net_3 = b1·x_0 + …, and the Given line gives b1 = 0.5 once (not w_{03} and w_{04} too)."""
    text = render(shared_solution, "text")
    given = text.split("Given\n")[1].split("\n")[0]
    assert "b1 = 0.5" in given and "w_{03}" not in given and "w_{04}" not in given and "w_{13} = 0.3" in given
    assert "net_3 = b1·x_0 + w_{13}·x_1 + w_{23}·x_2 = 0.5×1 + 0.3×1 - 0.4×0.5 = 0.6" in text
    assert "∂J/∂b1 = ∂J/∂w_{03} + ∂J/∂w_{04}" in text          # each edge's gradient keeps its name
    assert r"\mathrm{net}_{3} &= b_{1} \cdot x_{0}" in render(shared_solution, "latex", standalone=False)


@pytest.mark.slow
def test_tied_edges_keep_their_ids_and_names_for_answers_and_json(shared_solution):
    """The solution's own names (which answers are read by) and the JSON are unchanged: w_0_3 is given
    as itself there, with its value."""
    import json
    psol = shared_solution.parts[0]
    step = psol.step("w_0_3")
    assert psol.names.text[step.symbol] == "w_{03}"
    data = json.loads(render(shared_solution, "json"))
    q = data["parts"][0]["quantities"]
    assert q["w_0_3"]["section"] == "given" and q["w_0_3"]["value"] == 0.5 and "grad_shared_b1" in q


@pytest.mark.slow
def test_a_frozen_shared_parameter_is_named_once_in_the_note(tmp_path):
    """Mazur's frozen biases b1, b2 tied on two edges each: 'Frozen … b1, b2', not four edge names."""
    mazur = """\
network: {inputs: [i1, i2], bias: b, layers: [[h1, h2], [o1, o2]], activation: sigmoid}
weights:
  b: {h1: {value: 0.35, frozen: true}, h2: {value: 0.35, frozen: true}, o1: {value: 0.6, frozen: true},
      o2: {value: 0.6, frozen: true}}
  i1: {h1: 0.15, h2: 0.25}
  i2: {h1: 0.2, h2: 0.3}
  h1: {o1: 0.4, o2: 0.5}
  h2: {o1: 0.45, o2: 0.55}
shared: {b1: [w_b_h1, w_b_h2], b2: [w_b_o1, w_b_o2]}
sample: {x: {i1: 0.05, i2: 0.1}, t: {o1: 0.01, o2: 0.99}}
loss: half_squared_error
learning_rate: 0.5
"""
    text = render(solve(_write(tmp_path, "mazur.yaml", mazur)), "text")
    assert "Frozen, so not updated (Δw = 0): b1, b2." in text
    assert "net_{h1} = b1·x_b + w_{i1,h1}·x_{i1}" in text and "net_{o2} = b2·x_b" in text
