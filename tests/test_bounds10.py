"""Session 10, issue 12 leftovers: value-bound errors with FILE:LINE, not-finite losses said in words,
tiny values that go on instead of being refused, and user text that survives the Chinese tightening.

Expected values are worked by hand (each test says how); files are written inline.
"""
from __future__ import annotations

import pytest
import sympy as sp
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.messages import Said, said, say


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Files are named relative to the test's folder, so that a message starts `p.yaml:LINE`."""
    monkeypatch.chdir(tmp_path)


def write(tmp_path, text: str, name: str = "p.yaml") -> str:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return name


def solve(*args):
    return CliRunner().invoke(main, ["solve", *[str(a) for a in args]])


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


# -- 4. a user's text keeps every character through the Chinese tightening ------------------------

def test_user_text_with_the_mark_characters_survives_and_chinese_is_still_tightened():
    formula = "'甲\ue010乙\ue011 丙'"                  # a person's formula holding U+E010 and U+E011
    text = said("graph_file.formula", formula=formula, message=said("formula.unexpected_after", got=said("formula.end")))
    zh = say(text, "zh")
    assert formula in zh                                # every character, the space too
    assert "意外的公式结尾" in zh                         # the catalogue's words still lose their space
    assert say(text, "en") == text and isinstance(text, Said)
    # a user text in a nested sentence survives too (the part name is the user's)
    nested = said("problem.in_part", name="a\ue010b\ue011c", message=said("nonreal.not_real"))
    assert say(nested, "zh") == "部分 a\ue010b\ue011c：不是实数"


def test_user_text_holding_every_private_use_character_is_said_untightened_and_whole():
    # zh: "ReLU 在 0 处不可导；取 {gp} 为 {g0}（{setting}），用于 {where}。": {where} a catalogue word
    word = said("formula.end")                                   # 公式结尾
    assert say(said("note.relu_kink", gp="g", g0="0", setting="s", where=word), "zh").endswith("用于公式结尾。")
    crowd = "".join(chr(c) for c in range(0xE000, 0xF900))     # no two free mark characters are left
    zh = say(said("note.relu_kink", gp=crowd, g0="0", setting="s", where=word), "zh")
    assert crowd in zh and zh.endswith("用于 公式结尾。")          # whole; only the spacing is not tightened
    fewer = crowd.replace("\uf8fe", "").replace("\uf8ff", "")       # two left free: tightened again
    zh = say(said("note.relu_kink", gp=fewer, g0="0", setting="s", where=word), "zh")
    assert fewer in zh and zh.endswith("用于公式结尾。")


# -- 1. a network's value errors carry FILE:LINE of the field that leads there ------------------------

# u_3 = net_3^7 with net_3 = 0·1 + 1e20·1e20 = 1e40: u_3 = 1e280 (fine); net_5 = 1·1 + 1e29·1e280 ≈ 1e309:
# too large, and its largest term is w_3_5·u_3, so the line is weights.3.5's (line 9)
NET_TOO_LARGE = """\
network:
  inputs: [1]
  bias: 0
  layers: [[3], [5]]
  activation: [{formula: 'x^7'}, identity]
weights:
  0: {3: 0, 5: 1}
  1: {3: 1e20}
  3: {5: 1e29}
sample: {x: {1: 1e20}, t: {5: 1}}
loss: half_squared_error
"""


def test_a_net_too_large_names_the_line_of_its_largest_weight(tmp_path):
    line = one_error_line(solve(write(tmp_path, NET_TOO_LARGE)))
    assert line == ("Error: p.yaml:9: weights.3.5: part main: net_5 is too large (≈ 1.000e+309); values must be "
                    "below 1e300 in magnitude")


@pytest.mark.slow
def test_a_net_too_large_in_chinese_keeps_its_line(tmp_path):
    zh = one_error_line(solve(write(tmp_path, NET_TOO_LARGE), "--lang", "zh"))
    assert zh.startswith("错误：p.yaml:9: weights.3.5：部分 main：net_5 ") and "1.000e+309" in zh


@pytest.mark.slow
def test_an_activation_too_large_names_its_formula_line_in_a_part(tmp_path):
    # part a: u_3 = (1e40)^2 = 1e80, net_5 = 1 + 1e29·1e80 (fine); part b (its activation on line 15):
    # u_3 = (1e40)^8 = 1e320 is too large
    text = NET_TOO_LARGE.replace("x^7", "x^2") + (
        "parts:\n  - name: a\n  - name: b\n    activation: [{formula: 'x^8'}, identity]\n")
    line = one_error_line(solve(write(tmp_path, text)))
    assert line.startswith("Error: p.yaml:15: parts[1].activation[0]: part b: act_3 is too large (≈ 1.000e+320)")


def test_a_loss_formula_not_finite_names_the_loss_line(tmp_path):
    # u_5 = net_5 = 1 + 2·1 = 3 (identity): ln(1 - u) = ln(-2)
    text = ("network: {inputs: [1], bias: 0, layers: [[5]], activation: identity}\n"
            "weights: {0: {5: 1}, 1: {5: 2}}\nsample: {x: {1: 1}, t: {5: 1}}\n"
            "learning_rate: 1\nloss: {formula: 'ln(1 - u)'}\n")
    line = one_error_line(solve(write(tmp_path, text)))
    assert line.startswith("Error: p.yaml:5: loss: part main: loss is not a real number: ln of a negative number "
                           "(1 - u = -2)")


def test_the_line_is_known_from_the_python_api_and_absent_for_a_part_built_in_code():
    from symbackprop.errors import ProblemError
    from symbackprop.problem import parse_problem
    from symbackprop.solution import solve as solve_api
    problem = parse_problem(NET_TOO_LARGE, "p.yaml")
    assert problem.parts[0].where(("w", "3", "5")) == ("weights.3.5", 9)
    assert problem.parts[0].where(("act", 0)) == ("network.activation[0]", 5)
    assert problem.parts[0].where(("x", "1", 0)) == ("sample.x.1", 10)
    with pytest.raises(ProblemError) as info:
        solve_api(problem)
    assert (info.value.source, info.value.line, info.value.field) == ("p.yaml", 9, "weights.3.5")
    import dataclasses
    bare = dataclasses.replace(problem, parts=(dataclasses.replace(problem.parts[0], written_at=()),))
    with pytest.raises(ProblemError) as info:
        solve_api(bare)
    assert info.value.line is None and str(info.value).startswith("p.yaml: part main: net_5 is too large")


# -- 2. a built-in loss not finite is said in words --------------------------------------------------

# net_3 = 1·1 + 3·1 + 4·0 = 4 (identity), net_5 = w_0_5 + 2·4
LOSS_NET = """\
network: {{inputs: [1, 2], bias: 0, layers: [[3], [5, 6]], activation: identity, output_activation: identity}}
weights: {{0: {{3: 1, 5: {w05}, 6: 1}}, 1: {{3: 3}}, 2: {{3: 4}}, 3: {{5: 2, 6: 1}}}}
sample: {{x: {{1: 1, 2: 0}}, t: {{5: {t5}, 6: {t6}}}}}
loss: {loss}
"""


@pytest.mark.parametrize("w05, t5, t6, loss, words, zh", [
    # u_5 = -8 + 8 = 0: -t_5·ln(u_5) is infinite
    (-8, 1, 0, "cross_entropy", "loss is infinite: ln of 0 (u_5 = 0); loss cross_entropy needs outputs in its domain "
     "(u > 0) (output activation identity)", "loss 为无穷大：ln 0（u_5 = 0）"),
    # u_5 = -12 + 8 = -4: ln of a negative number, not SymPy's complex number
    pytest.param(-12, 1, 0, "cross_entropy", "loss is not a real number: ln of a negative number (u_5 = -4)",
                 "对负数取 ln（u_5 = -4）", marks=pytest.mark.slow),
])
def test_a_built_in_loss_not_finite_is_said_in_words_at_the_loss_line(tmp_path, w05, t5, t6, loss, words, zh):
    path = write(tmp_path, LOSS_NET.format(w05=w05, t5=t5, t6=t6, loss=loss))
    line = one_error_line(solve(path))
    assert line.startswith("Error: p.yaml:4: loss: part main: ") and words in line, line
    assert "zoo" not in line and "*I" not in line
    line = one_error_line(solve(path, "--lang", "zh"))
    assert zh in line and "zoo" not in line and "*I" not in line


# -- 3. tiny values go on; only what is really large is refused ---------------------------------------

def graph(formula: str, x: str = "1000") -> str:
    return f"model: graph\ninputs: {{x: {x}}}\nnodes:\n  f: {formula}\n"


def json_values(result) -> dict:
    import json
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    return {s["id"]: s["value"] for s in data["parts"][0]["steps"]} if "parts" in data else data


@pytest.mark.parametrize("formula, shown", [
    ("exp(-x)", "≈ 5.076e-435"),                   # e^-1000 = 10^(-1000/ln 10) = 10^-434.294… = 5.076e-435
    pytest.param("exp(-x*x)", "≈ 3.297e-434295", marks=pytest.mark.slow),   # e^-1e6 = 10^-434294.48…
    ("x*exp(-x*x*x)", "≈ 1.250e-434294479"),       # 1000·e^-1e9: 10^(3 - 434294481.9) = 1.250e-434294479
    ("1/(1 + exp(x))", "≈ 5.076e-435"),            # e^1000 is past 1e300, the whole is not: 1/(1 + e^1000) ≈ e^-1000
    pytest.param("exp(-exp(x))", "≈ 0.0000", marks=pytest.mark.slow),  # e^(-e^1000) < e^(-1e300): 0 at any precision
    pytest.param("ln(exp(x))", "= 1000", marks=pytest.mark.slow),
])
def test_a_graph_node_made_of_huge_or_tiny_parts_goes_on(tmp_path, formula, shown):
    r = solve(write(tmp_path, graph(formula)))
    assert r.exit_code == 0, r.output
    node = [ln for ln in r.output.splitlines() if ln.strip().startswith("f = ")][0]
    assert node.endswith(shown), node


def test_exp_of_minus_a_million_in_a_formula_activation_goes_on(tmp_path):
    # net_3 = 1·1 + 3·1 + 4·0 = 4: u_3 = exp(-250000·4) = e^-1e6 = 10^-434294.48… = 3.297e-434295
    text = ("network: {inputs: [1, 2], bias: 0, layers: [[3], [5]], activation: [{formula: 'exp(-250000*x)'}, identity]}\n"
            "weights: {0: {3: 1, 5: -4}, 1: {3: 3}, 2: {3: 4}, 3: {5: 2}}\n"
            "sample: {x: {1: 1, 2: 0}, t: {5: 1}}\nloss: half_squared_error\n")
    r = solve(write(tmp_path, text))
    assert r.exit_code == 0, r.output
    assert "u_3 = g(net_3) = exp(-250000·net_3) = exp(-250000×4) ≈ 3.297e-434295" in r.output


def test_still_refused_what_is_really_large(tmp_path):
    line = one_error_line(solve(write(tmp_path, graph("exp(x)"))))
    assert "nodes.f: node f is too large (≈ e^(1000))" in line
    line = one_error_line(solve(write(tmp_path, graph("1 - exp(exp(x))"))))     # ≈ −e^(e^1000): huge, not tiny
    assert "node f is too large (≈ e^(e^(1000)))" in line


def test_numeric_carries_a_huge_part_as_a_float_and_says_so():
    from symbackprop.magnitude import TooLarge, numeric
    x = sp.Symbol("x")
    notes: set = set()
    v = numeric(1 / (1 + sp.exp(x)), 30, {x: sp.Integer(1000)}, notes)
    assert notes == {"float"} and abs(v / sp.exp(-1000).evalf(30) - 1) < 1e-25
    notes = set()
    zero = numeric(sp.exp(-sp.exp(x)), 30, {x: sp.Integer(1000)}, notes)
    assert zero.is_Float and zero.is_zero and notes == {"float"}
    notes = set()
    assert numeric(sp.exp(-x), 30, {x: sp.Integer(1000)}, notes) > 0 and notes == set()   # no huge part
    with pytest.raises(TooLarge):
        numeric(sp.exp(sp.exp(x)) * 0 + sp.exp(x), 30, {x: sp.Integer(1000)})


def test_a_power_of_ten_is_quoted_with_one_digit_before_the_point():
    from symbackprop.magnitude import about
    # 10^320 and 10^-320 exactly: log10 computed a hair below the whole number must not give 10.000e+319
    assert about(sp.Integer(10) ** 320) == "≈ 1.000e+320"
    assert about(sp.Rational(1, 10 ** 320)) == "≈ 1.000e-320"
    assert about(sp.Integer(3) * sp.Integer(10) ** 320) == "≈ 3.000e+320"
