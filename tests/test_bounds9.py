"""Session 9 trial: crashes, hangs and SymPy internals found by a user trial (bounded evaluation).

The inputs are the trial's files (/work/trials/t9/p/bad/), copied here as text. Expected values are
worked by hand (3^4096 = 10^(4096·log10 3) = 1.944e1954; ln(u − 1) at u = σ(−2) = 0.119…). Tests that
could hang run the installed command in a subprocess with a generous timeout that turns a hang into a
failure (not a speed assertion).
"""
from __future__ import annotations

import math
import re
import subprocess
import sys
from fractions import Fraction

import pytest
import sympy as sp
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from symbackprop.cli import main
from symbackprop.magnitude import MAX_EXACT_DIGITS, TooLarge, about, numeric
from symbackprop.messages import say
from symbackprop.printing import format_value

NET = """\
network: {{inputs: [1, 2], bias: 0, layers: [[3], [5]], activation: {act}}}
weights: {{0: {{3: {w03}, 5: -4}}, 1: {{3: 3}}, 2: {{3: 4}}, 3: {{5: 2}}}}
sample: {{x: {{1: 1, 2: 0}}, t: {{5: 1}}}}
loss: {loss}
"""

G4 = """\
model: graph
inputs: {x: 3, theta0: 2}
nodes:
  a: x^64
  b: a^64
  c: b^64
  f: theta0*c
"""
GHANG = "model: graph\ninputs: {x: 4}\nnodes:\n  f: exp(exp(exp(exp(x))))\n"


def write(tmp_path, text: str, name: str = "p.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def solve(*args):
    return CliRunner().invoke(main, ["solve", *[str(a) for a in args]])


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


# -- 1. values too large: refused with the node, never an internal error -----------------------

def test_g4_huge_power_is_refused_naming_the_node(tmp_path):
    line = one_error_line(solve(write(tmp_path, G4)))
    # a = 3^64 is fine (31 digits); b = 3^4096 ≈ 1.944e1954 is past the bound
    assert "p.yaml:5: nodes.b" in line and "too large" in line
    assert "1.944e+1954" in line and "1e300" in line


def test_the_bound_is_ours_on_a_python_without_the_int_string_limit(tmp_path, monkeypatch):
    # Python 3.10 has no sys.set_int_max_str_digits and no limit: simulate it (no limit, no function)
    if hasattr(sys, "set_int_max_str_digits"):
        old = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)
        monkeypatch.delattr(sys, "set_int_max_str_digits")
        monkeypatch.delattr(sys, "get_int_max_str_digits")
    try:
        line = one_error_line(solve(write(tmp_path, G4)))
        assert "nodes.b" in line and "1.944e+1954" in line
        # format_value writes a 125,075-digit integer in scientific form, by our bound, not Python's
        text, exact = format_value(sp.Integer(3) ** 262144, 4)
        assert text == "2.980e+125074" and not exact
    finally:
        if "old" in locals():
            monkeypatch.undo()
            sys.set_int_max_str_digits(old)


@settings(max_examples=40, deadline=None)
@given(digits=st.integers(1, 12_000), den_digits=st.integers(0, 12_000), sign=st.sampled_from([1, -1]),
       precision=st.integers(0, 8))
def test_format_value_never_raises_on_huge_integers_and_rationals(digits, den_digits, sign, precision):
    p = sign * (7 * 10 ** (digits - 1) + 3)
    q = 3 ** max(1, int(den_digits / math.log10(3))) if den_digits else 1
    value = sp.Rational(p, q)
    text, _ = format_value(value, precision)
    assert 0 < len(text) < 4_100
    if len(text) > 30:                       # written out: only integers of at most 4,000 digits
        assert value.is_Integer and text.lstrip("-") == str(abs(p))
    else:                                    # its leading digit and magnitude agree with the exact value
        m = re.fullmatch(r"-?(\d)(?:\.\d+)?e([+-]\d+)", text)
        if m:
            e = int(m.group(2))
            assert Fraction(10) ** e <= abs(Fraction(p, q)) * Fraction(1000001, 1000000)
            assert abs(Fraction(p, q)) < Fraction(10) ** (e + 1)


def test_format_value_of_floats_far_past_the_double_range():
    assert format_value(sp.Float("1e5000", 30), 4)[0] == "1.000e+5000"
    assert format_value(sp.Float("-2.5e-5000", 30), 2)[0] == "-2.5e-5000"


def test_an_exact_value_over_the_digit_bound_goes_on_as_a_float(tmp_path):
    # x = 0.5: a = 2^-64, b = 2^-4096 (1,234 + 1 digits), c = 2^-262144 (78,914 digits > 10,000): a float
    text = "model: graph\ninputs: {x: 0.5}\nnodes:\n  a: x^64\n  b: a^64\n  c: b^64\n  f: c*2\n"
    r = solve(write(tmp_path, text))
    assert r.exit_code == 0, r.output
    # 2^-262144 = 10^(-262144·log10 2) = 10^(-78913.207…) = 6.206e-78914, in the report's scientific form
    assert "c = b^64 = " in r.output and "≈ 6.206e-78914" in r.output
    assert re.search(r"\d{2000}", r.output) is None


def test_network_value_too_large_names_the_step(tmp_path):
    text = NET.format(act="{formula: 'x^64'}", w03=50, loss="half_squared_error")
    line = one_error_line(solve(write(tmp_path, text)))
    # net_3 = 50 + 3 = 53, u_3 = 53^64 ≈ 2.2e110; net_5 = -4 + 2·u_3; u_5 = net_5^64 ≈ 1e7085
    assert "part main: act_5 is too large" in line and "1e300" in line


# -- 2. no file can hang solve ---------------------------------------------------------------

HANG_FILES = {
    "hang3": NET.format(act="{formula: 'exp(exp(exp(x)))'}", w03=1, loss="half_squared_error"),
    "hang": NET.format(act="{formula: 'exp(exp(exp(exp(x))))'}", w03=1, loss="half_squared_error"),
    "ghang": GHANG,
    "power": "model: graph\ninputs: {x: 3}\nnodes:\n  f: ((((x^64)^64)^64)^64)^64\n",
    "numbers": "model: graph\ninputs: {x: 3}\nnodes:\n  f: ((((64^64)^64)^64)^64)*x\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HANG_FILES))
def test_files_that_hung_solve_finish_with_one_clear_line(tmp_path, name):
    path = write(tmp_path, HANG_FILES[name], f"{name}.yaml")
    done = subprocess.run([sys.executable, "-c", "from symbackprop.cli import run; run()", "solve", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "too large" in lines[0] and f"{name}.yaml" in lines[0], done.stderr


def test_hang_files_are_refused_in_process(tmp_path):
    line = one_error_line(solve(write(tmp_path, HANG_FILES["hang3"])))
    # net_3 = 1 + 3 = 4: exp(exp(exp(4))) = e^(5.148e23)
    assert "act_3 is too large (≈ e^(5.148e+23))" in line
    line = one_error_line(solve(write(tmp_path, GHANG, "g.yaml")))
    assert "g.yaml:4: nodes.f" in line and "e^(5.148e+23)" in line


def test_nested_exp_within_the_bound_still_solves(tmp_path):
    text = "model: graph\ninputs: {x: 1}\nnodes:\n  f: exp(exp(x))\n"
    r = solve(write(tmp_path, text))
    assert r.exit_code == 0, r.output
    assert "15.15" in r.output                     # e^e = 15.1543


def test_numeric_is_bounded_and_exact_where_short():
    x = sp.Integer(4)
    with pytest.raises(TooLarge):
        numeric(sp.exp(sp.exp(sp.exp(sp.exp(x)))))
    with pytest.raises(TooLarge):
        numeric(sp.Integer(3) ** 4096)
    assert numeric(sp.Integer(3) ** 64) == 3 ** 64
    assert abs(numeric(sp.exp(sp.exp(sp.Integer(1)))) - sp.Float("15.1542622414792641897604302726")) < 1e-25
    small = numeric(sp.Rational(1, 3) ** 20000)       # 9,543 digits of denominator·64 would pass: a float
    assert small.is_Float or sp.Rational(small).q < 10 ** MAX_EXACT_DIGITS


# -- 3. no SymPy internals in what users read ------------------------------------------------

def test_formula_max_and_min_print_as_max_and_min(tmp_path):
    kink = NET.format(act="[{formula: 'max(x, 0.1*x)', name: lrelu10}, identity]", w03=-3,
                      loss="half_squared_error")
    out = solve(write(tmp_path, kink)).output
    assert "Max(" not in out and "max(net_3, net_3/10)" in out
    loss = NET.format(act="sigmoid", w03=1, loss="{formula: 'max(u,t)-min(u,t)', name: myloss}")
    out = solve(write(tmp_path, loss, "l.yaml")).output
    assert "Max(" not in out and "Min(" not in out and "max(u_5, t_5) - min(u_5, t_5)" in out


def test_sqrt_at_a_negative_net_is_plain_words(tmp_path):
    # net_3 = -5 + 3 = -2
    text = NET.format(act="[{formula: 'sqrt(x)'}, identity]", w03=-5, loss="half_squared_error")
    line = one_error_line(solve(write(tmp_path, text)))
    assert line.endswith("part main: act_3 is not a real number: square root of a negative number (x = -2) in the "
                         "activation formula 'sqrt(x)' at net_3 = -2")


def test_derivative_infinite_at_zero_is_plain_words(tmp_path):
    # net_3 = -3 + 3 = 0: g' = 1/(2 sqrt(x)) is infinite there
    text = NET.format(act="[{formula: 'sqrt(x)'}, identity]", w03=-3, loss="half_squared_error")
    line = one_error_line(solve(write(tmp_path, text)))
    assert "gprime_3 is infinite (division by zero: x = 0)" in line and "'sqrt(x)'" in line
    assert "net_3 = 0" in line and "zoo" not in line


def test_loss_formula_ln_of_a_negative_number_is_plain_words(tmp_path):
    # u_5 = σ(net_5), net_5 = -4 + 2·σ(4) = -2.0360; σ(-2.0360) = 0.115477; u - 1 = -0.884523
    text = NET.format(act="sigmoid", w03=1, loss='{formula: "ln(u - 1)"}')
    line = one_error_line(solve(write(tmp_path, text)))
    assert "loss is not a real number: ln of a negative number (u - 1 = -0.884523)" in line
    assert "'ln(u - 1)'" in line and "u_5 = 0.115477" in line and "*I" not in line
    zh = one_error_line(solve(write(tmp_path, text), "--lang", "zh"))
    assert "对负数取 ln" in zh and "*I" not in zh


# -- 4. quoted numbers are capped -------------------------------------------------------------

def test_a_huge_exponent_is_quoted_in_short(tmp_path):
    text = "model: graph\ninputs: {x: 3, theta0: 2}\nnodes:\n  a: x^64^64\n  f: theta0*a\n"
    line = one_error_line(solve(write(tmp_path, text)))
    assert "exponent ≈ 3.940e+115 too large" in line and re.search(r"\d{21}", line) is None


def test_a_long_number_is_quoted_in_short(tmp_path):
    text = "model: graph\ninputs: {x: 3}\nnodes:\n  f: x*1234567890123456789012345678901234567890\n"
    line = one_error_line(solve(write(tmp_path, text)))
    assert "number 12345678901234567890…(40 characters) has too many digits" in line


def test_about_quotes_at_most_twenty_digits():
    assert about(sp.Integer(64) ** 64) == "≈ 3.940e+115"
    assert about(sp.Integer(12345)) == "12345"
    assert about(-sp.Rational(1, 3) ** 5000) == "≈ -2.476e-2386"      # 3^5000 = 10^2385.6
    assert say(about(sp.Integer(10) ** 25), "zh") == "≈ 1.000e+25"
