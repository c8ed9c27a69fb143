"""Session 8 fix round: values shown from their exact value (ties a half away from zero), ≈ on every
rounded display, Piecewise printed as maths in text, a batch's kink named with its sample, and
"1 gradient" in the singular. The expected roundings come from Python's decimal module
(ROUND_HALF_UP on the exact fraction), not from the code under test."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp

from symbackprop.printing import TextPrinter, format_value

DATA = Path(__file__).parent / "data"
BATCH = DATA / "rounding" / "leaky_batch.yaml"       # the trial's p3.yaml: leaky ReLU / ELU, a batch of 3


def _cli(*args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "symbackprop.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout)


def _half_up(frac: Fraction, places: int) -> str:
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(frac.numerator) / Decimal(frac.denominator)
        return str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


# -- format_value ---------------------------------------------------------------------------------

@pytest.mark.parametrize("p, q, precision, shown", [
    (489, 4000, 4, "0.1223"), (3943, 800, 4, "4.9288"), (-957, 4000, 4, "-0.2393"), (7, 40, 2, "0.18"),
    (-7, 40, 2, "-0.18"), (73925, 100000, 4, "0.7393"), (176075, 100000, 4, "1.7608"), (5, 8, 2, "0.63"),
    (1, 8, 2, "0.13"), (-1, 8, 2, "-0.13"), (25, 2, 0, "13"),
])
def test_the_trial_s_ties_round_half_up_and_say_they_are_rounded(p, q, precision, shown):
    assert format_value(sp.Rational(p, q), precision) == (shown, False)
    # the float of the value, passed in as a Step passes it, must not decide a tie
    assert format_value(sp.Rational(p, q), precision, p / q) == (shown, False)


def _ties_round_as_decimal_half_up(precisions: tuple[int, ...], halves: int) -> None:
    """Every tie (k + ½)·10^-precision for |k| ≤ `halves`, and a hair either side of it, is shown as
    Decimal's ROUND_HALF_UP."""
    for precision in precisions:
        for k in range(-halves, halves + 1):
            for offset in (0, 1, -1):                         # the tie, and a hair either side of it
                frac = Fraction(2 * k + 1, 2 * 10**precision) + Fraction(offset, 10**(precision + 9))
                if abs(frac) <= Fraction(1, 2 * 10**precision):
                    continue                                   # tiny values (up to half a unit) keep their digits
                value = sp.Rational(frac.numerator, frac.denominator)
                got, exact = format_value(value, precision, float(frac))
                assert (got, exact) == (_half_up(frac, precision), False), (frac, precision)


def test_the_ties_near_zero_round_as_decimal_half_up():
    """The sweep below on 2 and 4 places, |k| ≤ 60 (the fast tier)."""
    _ties_round_as_decimal_half_up((2, 4), 60)


@pytest.mark.slow
def test_every_tie_and_near_tie_of_a_range_rounds_as_decimal_half_up():
    _ties_round_as_decimal_half_up((1, 2, 3, 4), 400)


def test_exact_values_keep_their_exact_display():
    assert format_value(sp.Rational(7, 40), 3) == ("0.175", True)
    assert format_value(sp.Rational(-3, 2), 4) == ("-1.5", True)
    assert format_value(sp.Integer(12), 2) == ("12", True)


def test_an_exact_irrational_value_is_evaluated_until_its_rounding_is_decided():
    tie = sp.Rational(12225, 100000)
    hair = sp.exp(-40)                  # 4e-18: the float of tie ± hair is the float of the tie
    assert float(tie + hair) == float(tie - hair)
    assert format_value(tie + hair, 4) == ("0.1223", False)
    assert format_value(tie - hair, 4) == ("0.1222", False)
    assert format_value(-tie - hair, 4, float(-tie)) == ("-0.1223", False)
    assert format_value(sp.E, 4) == ("2.7183", False)
    assert format_value(sp.log(3), 2) == ("1.10", False)


def test_a_long_value_kept_as_a_30_digit_float_rounds_from_its_own_digits():
    assert format_value(sp.Float("0.12225", 30), 4) == ("0.1223", False)
    assert format_value(sp.Float("-4.92875", 30), 4) == ("-4.9288", False)
    assert format_value(sp.Float("0.122249999999999999999", 30), 4) == ("0.1222", False)


def test_tiny_and_huge_values_round_half_up():
    """Issue 12: a value too small for the places shows its first significant digits as a plain
    decimal (down to 1e-12; scientific below); 1e12 and more stays scientific."""
    assert format_value(sp.Rational(12345, 10**12), 4) == ("0.00000001235", False)
    assert format_value(sp.Rational(-12345, 10**12), 4) == ("-0.00000001235", False)
    assert format_value(sp.Rational(99995, 10**12), 4) == ("0.0000001000", False)
    assert format_value(sp.Rational(-1, 30000000), 4) == ("-0.00000003333", False)
    assert format_value(sp.Rational(12345, 10**17), 4) == ("1.235e-13", False)
    assert format_value(sp.Rational(10**13 + 1, 3), 4) == ("3.333e+12", False)
    assert format_value(sp.Rational(-1, 3000), 2) == ("-0.00033", False)


# -- the worked solution: ≈ for every rounded display ------------------------------------------------

@pytest.mark.slow
def test_a_one_symbol_rule_followed_by_a_rounded_value_is_approx_not_equal():
    r = _cli("solve", str(BATCH), "--part", "leaky", "--precision", "2")
    assert r.returncode == 0, r.stderr
    assert "u_5^(2) = g(net_5^(2)) = net_5^(2) ≈ 0.18" in r.stdout
    assert "net_5^(2) = 0.17" not in r.stdout and "= 0.17\n" not in r.stdout
    assert "δ_5^(2) = g'(net_5^(2))·(2·u_5^(2) - 2·t_5^(2)) = 1×(2×0.175 - 2×0) = 0.35" in r.stdout   # issue 12: operands that add up
    latex = _cli("solve", str(BATCH), "--part", "leaky", "--precision", "2", "--format", "latex").stdout
    assert r"\mathrm{net}_{5}^{(2)} \approx 0.18" in latex or r"&\approx 0.18" in latex


@pytest.mark.slow
def test_the_trial_s_values_show_half_up_in_text_json_and_the_check_column(tmp_path):
    text = _cli("solve", str(BATCH), "--part", "leaky").stdout
    assert "≈ 4.9288\n" in text and "≈ 0.1223\n" in text and "≈ -0.2393\n" in text
    assert "= 2 - 0.23925 ≈ 1.7608" in text     # 2 − 0.23925 = 1.76075; 2 − 0.2393 would not add up (issue 12)
    q = json.loads(_cli("solve", str(BATCH), "--part", "leaky", "--format", "json").stdout)["parts"][0]["quantities"]
    for qid, exact, shown in [("grad_w_2_4", "3943/800", "4.9288"), ("update_w_0_3", "489/4000", "0.1223"),
                              ("update_w_1_4", "-957/4000", "-0.2393")]:
        assert (q[qid]["exact"], q[qid]["display"]) == (exact, shown)
        assert q[qid]["text"].endswith("≈ " + shown)
        assert q[qid]["value"] == float(Fraction(exact))      # the value itself is not rounded
    answers = tmp_path / "a.yaml"
    answers.write_text("update_w_0_3: 0.5\nupdate_w_1_4: -0.2393\ngrad_w_2_4: 4.9288\n", encoding="utf-8")
    r = _cli("check", str(BATCH), str(answers), "--part", "leaky")
    assert r.returncode == 1, r.stderr
    rows = {line.split()[0]: line.split() for line in r.stdout.splitlines() if line.strip().startswith(("Δw", "∂J"))}
    assert rows["Δw_{03}"][1:4] == ["0.5", "0.1223", "WRONG"]
    assert rows["Δw_{14}"][1:4] == ["-0.2393", "-0.2393", "correct"]
    assert rows["∂J/∂w_{24}"][1:4] == ["4.9288", "4.9288", "correct"]


# -- Piecewise in text --------------------------------------------------------------------------

def _text(expr) -> str:
    return TextPrinter().doprint(expr)


def test_piecewise_prints_as_maths_not_python():
    x = sp.Symbol("x", real=True)
    assert _text(sp.Piecewise((x, x > 0), (x / 10, True))) == "max(x, x/10)"
    assert _text(sp.Piecewise((x, x > 0), (2 * x, True))) == "min(x, 2·x)"
    # not a leaky ReLU: a constant derivative, an ELU, a threshold elsewhere than 0
    assert _text(sp.Piecewise((1, x > 0), (sp.Rational(1, 10), True))) == "{1, x > 0; 1/10, x ≤ 0}"
    assert _text(sp.Piecewise((x, x > 0), (sp.exp(x) - 1, True))) == "{x, x > 0; exp(x) - 1, x ≤ 0}"
    assert _text(sp.Piecewise((x, x > 1), (x / 10, True))) == "{x, x > 1; x/10, x ≤ 1}"
    assert _text(sp.Piecewise((x, x >= 0), (-x, True))) == "{x, x ≥ 0; -x, x < 0}"


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_leaky_relu_and_elu_steps_have_no_python_syntax(lang):
    leaky = _cli("solve", str(BATCH), "--part", "leaky", "--lang", lang).stdout
    elu = _cli("solve", str(BATCH), "--part", "elu", "--lang", lang).stdout
    for out in (leaky, elu):
        assert " if " not in out and " else " not in out
    assert "u_3^(1) = g(net_3^(1)) = max(net_3^(1), net_3^(1)/10) = max(-0.5, -0.5/10) = -0.05" in leaky
    assert ("u_3^(1) = g(net_3^(1)) = {net_3^(1), net_3^(1) > 0; exp(net_3^(1))/2 - 1/2, net_3^(1) ≤ 0}"
            in elu)
    latex = _cli("solve", str(BATCH), "--part", "elu", "--lang", lang, "--format", "latex").stdout
    assert r"\begin{cases}" in latex


# -- the gradient check: a batch's kink names its sample; one gradient, singular ---------------------

@pytest.mark.slow
@pytest.mark.parametrize("lang, words", [("en", "is at a kink of leaky ReLU"), ("zh", "位于 leaky ReLU 的不可导点")])
def test_a_kink_in_a_batch_names_its_sample(lang, words):
    r = _cli("solve", str(BATCH), "--part", "leaky", "--check", "--lang", lang)
    assert r.returncode == 0, r.stderr
    kinks = [line for line in r.stdout.splitlines() if words in line]
    assert len(kinks) == 3 and all(f"net_4^(3) = 0 {words}" in line for line in kinks), kinks
    assert "net_4 = 0" not in r.stdout


ONE_WEIGHT = """title: One weight
network:
  inputs: [1]
  layers: [[2]]
  activation: sigmoid
weights:
  1: {2: 0.5}
sample: {x: {1: 1}, t: {2: 1}}
loss: squared_error
learning_rate: 1
"""


@pytest.mark.parametrize("lang, line", [("en", "Check: 1 gradient, three ways: all agree"),
                                        ("zh", "检验：1 个梯度，三种方法：全部一致")])
@pytest.mark.slow
def test_one_gradient_is_singular(tmp_path, lang, line):
    problem = tmp_path / "one.yaml"
    problem.write_text(ONE_WEIGHT, encoding="utf-8")
    r = _cli("solve", str(problem), "--check", "--lang", lang)
    assert r.returncode == 0, r.stderr
    assert line in r.stdout.splitlines()


@pytest.mark.slow
def test_several_gradients_stay_plural():
    r = _cli("solve", str(BATCH), "--part", "leaky", "--check")
    assert "Check: 9 gradients, three ways: all agree" in r.stdout


# -- the classification of the one regeneration of the byte fixtures ---------------------------------

def _classifier():
    path = DATA / "solve_bytes" / "classify_changes.py"
    spec = importlib.util.spec_from_file_location("classify_changes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_classifier_accepts_only_ties_approx_and_piecewise():
    c = _classifier().classify
    assert c("net_4 = a = (-0.385)×1 ≈ -0.7392", "net_4 = a = (-0.385)×1 ≈ -0.7393") == "digits"
    assert c("u = net_5 = 0.17", "u = net_5 ≈ 0.18") == "approx+digits"
    assert c("u = (x if x > 0 else x/10) = 3", "u = max(x, x/10) = 3") == "piecewise"
    assert c("net_4 ≈ -0.7392", "net_4 ≈ -0.7391") == "other"          # towards zero: not a tie's half-up
    assert c("net_4 ≈ -0.7392", "net_4 ≈ -0.7394") == "other"
    assert c("net_4 ≈ 0.7392", "net_5 ≈ 0.7393") == "other"
    assert c("a = 1 ≈ 2", "a ≈ 1 = 2") == "other"
    assert c("δ_5^(2) ≈ 0.7392", "δ_5^(3) ≈ 0.7392") == "other"
    assert c(r"w_{04} \approx 0.7392", r"w_{05} \approx 0.7393") == "other"
