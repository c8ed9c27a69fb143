"""Session 12, task A (issue 12): messages of the answer reader and the formula parser.

1. a derivative on a write-up's left side that names no quantity (`$dL/dn = 0.5$`) gets "did you mean …?";
2. an unclosed environment, \\left or brace in an answer says what is unclosed, in en and zh;
3. `e^(-x)` / `e**(-x)` in a formula says "write exp(-x) for e^(-x)" (a graph's own name e stays a name).
"""
from __future__ import annotations

import sympy as sp
import pytest
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.formula import FormulaError, Value, parse_formula
from symbackprop.messages import say

NETWORK = """title: t
network: {inputs: [1], bias: 0, layers: [[2]]}
weights: {0: {2: 1}, 1: {2: 2}}
sample: {x: {1: 1}, t: {2: 1}}
learning_rate: 1
"""


def _run(*args):
    r = CliRunner().invoke(main, [*args])
    return r.exit_code, r.output


# -- 3. Euler's e in a formula ------------------------------------------------------------------------

@pytest.mark.parametrize("formula,written,exp", [
    ("1/(1 + e^(-x))", "e^(-x)", "exp(-x)"),
    ("1/(1 + e**(-x))", "e**(-x)", "exp(-x)"),
    ("1/(1 + e^-x)", "e^-x", "exp(-x)"),
    ("x*e^(2*x - 1)", "e^(2*x - 1)", "exp(2*x - 1)"),
])
def test_activation_formula_with_e_power_says_exp(tmp_path, formula, written, exp):
    f = tmp_path / "p.yaml"
    f.write_text(NETWORK + f'loss: half_squared_error\nparts:\n  - name: p\n    activation: {{formula: "{formula}"}}\n')
    code, out = _run("solve", str(f))
    assert code == 2 and "Traceback" not in out
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1, out
    # FILE:LINE of the formula (line 9 of the file), the field, and the spelling to write for the one written
    assert lines[0].startswith(f"Error: {f}:9: parts[0].activation.formula: ")
    assert f"write {exp} for {written}" in lines[0]
    # the column is that of the e (1-based), as the formula reader counts
    assert f"column {formula.index('e') + 1}:" in lines[0]


def test_loss_formula_with_e_power_says_exp(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(NETWORK + 'loss: {formula: "log(1 + e^(u - t))"}\nactivation: sigmoid\n'.replace(
        "activation: sigmoid\n", "") + "parts:\n  - {name: p, activation: sigmoid}\n")
    code, out = _run("solve", str(f))
    assert code == 2 and f"{f}:6: loss.formula" in out and "write exp(u - t) for e^(u - t)" in out, out


def test_e_alone_says_exp_1_and_zh(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(NETWORK + 'loss: half_squared_error\nparts:\n  - {name: p, activation: {formula: "e*x"}}\n')
    code, out = _run("solve", str(f))
    assert code == 2 and "exp(1)" in out, out
    code, out = _run("solve", str(f), "--lang", "zh")
    assert code == 2 and "exp(1)" in out and "自然常数" in out, out


def test_graph_formula_e_power_says_exp(tmp_path):
    f = tmp_path / "g.yaml"
    f.write_text("model: graph\ninputs: {x: 1}\nnodes:\n  s: 1/(1 + e^(-x))\noutput: s\n")
    code, out = _run("solve", str(f))
    assert code == 2 and f"{f}:4: nodes.s" in out and "write exp(-x) for e^(-x)" in out, out
    code, out = _run("solve", str(f), "--lang", "zh")
    assert code == 2 and "请把 e^(-x) 写成 exp(-x)" in out, out


def test_a_name_e_stays_that_name():
    """Where the names include e (a graph's own input or node), e^(-2) is that name to a power: e = 2
    gives 2^-2 = 1/4, not Euler's e^-2 (and no hint: the formula is read)."""
    e, x = sp.symbols("e x")
    value = parse_formula("e^(-2)", {"e": Value(e), "x": Value(x)})
    assert value.expr == e ** (-2)
    assert value.expr.subs({e: 2}) == sp.Rational(1, 4)
    assert parse_formula("e**(-2)", {"e": Value(e)}).expr == e ** (-2)
    assert parse_formula("e*x", {"e": Value(e), "x": Value(x)}).expr == e * x


def test_exp_itself_is_read():
    x = sp.Symbol("x")
    assert parse_formula("exp(-x)", {"x": Value(x)}).expr == sp.exp(-x)
    with pytest.raises(FormulaError) as err:
        parse_formula("e^(-x)", {"x": Value(x)})
    assert "write exp(-x) for e^(-x)" in say(err.value.text(), "en")
