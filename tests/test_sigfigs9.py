"""Issue 12, "Printing": `--sig-figs N` and the problem-file field `sig_figs`, values shown with N
significant figures instead of N decimal places.

Expected numbers are worked by hand; the property over every problem file checks the significant
figures and the rounding of each step with Python's `decimal` (ROUND_HALF_UP), not with the code
under test.
"""
from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

import pytest
import sympy as sp
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.printing import SigFigs, format_value

from test_printing9 import _heaviside, _numbers_and_value, text_to_python

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# -- format_value at N significant figures, worked by hand ------------------------------------------

@pytest.mark.parametrize("value, n, want", [
    ("0.49099", 4, ("0.4910", False)),          # the trailing zero is a significant figure
    ("0.0012345", 4, ("0.001235", False)),      # a half, away from zero
    ("-0.0012345", 4, ("-0.001235", False)),
    ("123.456", 4, ("123.5", False)),
    ("123.456", 2, ("120", False)),
    ("123456.7", 3, ("123000", False)),         # large: plain, never 1.23e+05
    ("999999999999.4", 3, ("1000000000000", False)),  # rounds up to 1e12, still written plainly
    ("1234567890123.4", 3, ("1.23e+12", False)),      # from 1e12: scientific, as at --precision
    ("0.000000000001234", 3, ("0.00000000000123", False)),  # 1.234e-12: plain down to 1e-12
    ("0.0000000000001234", 3, ("1.23e-13", False)),
    ("9.996", 3, ("10.0", False)),              # carries into a new digit: still 3 figures
    ("0.172", 4, ("0.172", True)),              # exact, written without padding zeros
    ("0.172", 2, ("0.17", False)),
    ("12345", 2, ("12345", True)),              # an integer is shown exactly
    ("0.12225", 4, ("0.1223", False)),          # the same half-up rule as --precision
])
def test_format_value_significant_figures(value, n, want):
    assert format_value(sp.Rational(value), SigFigs(n)) == want


def test_irrational_values_are_rounded_from_the_exact_value():
    assert format_value(sp.sqrt(2), SigFigs(3)) == ("1.41", False)
    assert format_value(sp.exp(-20), SigFigs(2)) == ("0.0000000021", False)      # 2.061e-9


def test_sig_figs_never_equal_decimal_places():
    """Caches keyed by precision (Step.shown) must not hand 3 places to 3 significant figures."""
    assert SigFigs(3) != 3 and 3 != SigFigs(3)
    assert SigFigs(3) == SigFigs(3) and hash(SigFigs(3)) == hash(SigFigs(3))
    assert {3: "places"}.get(SigFigs(3)) is None


# -- xor.yaml at --sig-figs 3 -----------------------------------------------------------------------

def _part(text: str, name: str) -> str:
    return text.split(f"Part {name}:", 1)[1]


def test_xor_at_three_significant_figures_text():
    r = run("solve", str(PROBLEMS / "xor.yaml"), "--sig-figs", "3")
    assert r.exit_code == 0, r.output
    lines = [ln.strip() for ln in _part(r.output, "sigmoid").splitlines()]
    # u_3 = σ(4) = 0.98201379..., net_5 = −4 + 2u_3 + 4·0.5 = −0.0359724..., u_5 = σ(net_5) = 0.49100784...
    assert "u_3 = g(net_3) = 1/(1 + exp(-net_3)) = 1/(1 + exp(-4)) ≈ 0.982" in lines
    assert "u_4 = g(net_4) = 1/(1 + exp(-net_4)) = 1/(1 + exp(0)) = 0.5" in lines
    assert "net_5 = w_{05}·x_0 + w_{35}·u_3 + w_{45}·u_4 = -4×1 + 2×0.982 + 4×0.5 ≈ -0.0360" in lines
    assert "u_5 = g(net_5) = 1/(1 + exp(-net_5)) = 1/(1 + exp(0.0360)) ≈ 0.491" in lines
    # L = (1 − 0.491008)²/2 = 0.12953...; δ_3 = δ_5·2·u_3(1 − u_3) = −0.0044925...
    assert "L = (z_1 - u_5)²/2 = (1 - 0.491)²/2 ≈ 0.130" in lines
    assert "δ_3 = δ_5·w_{35}·g'(net_3) = -0.1272×2×0.01766 ≈ -0.00449" in lines
    # widened in significant figures: −0.127×0.5 = −0.0635, but −0.1272×0.5 = −0.0636 as shown
    assert "∂L/∂w_{45} = δ_5·u_4 = -0.1272×0.5 ≈ -0.0636" in lines
    assert "w_{03}^new = w_{03} + Δw_{03} = 1 + 0.00449 ≈ 1.00" in lines


def test_every_format_shows_significant_figures():
    from symbackprop import solve
    from symbackprop.render import render
    sol = solve(PROBLEMS / "xor.yaml", ["sigmoid"])
    p = SigFigs(3)
    outs = {fmt: render(sol, fmt, precision=p) for fmt in ("text", "markdown", "latex", "html")}
    assert r"\approx 0.491" in outs["latex"] and r"\approx 0.491" in outs["markdown"]
    assert "0.4910" not in outs["latex"] and "0.4910" not in outs["markdown"]
    assert "<mn>0.491</mn>" in outs["html"] and "<mn>0.0360</mn>" in outs["html"]
    data = json.loads(render(sol, "json", precision=p))
    part = data["parts"][0]
    assert part["settings"]["sig_figs"] == 3 and part["settings"]["precision"] is None
    q = part["quantities"]
    assert q["act_5"]["display"] == "0.491" and q["delta_3"]["display"] == "-0.00449"
    assert q["act_5"]["text"].endswith("≈ 0.491")
    # the values themselves are not display-rounded
    assert q["act_5"]["value"] == pytest.approx(0.4910078, abs=1e-7)
    default = json.loads(render(sol, "json"))["parts"][0]
    assert {k: v["value"] for k, v in default["quantities"].items()} == {k: v["value"] for k, v in q.items()}
    assert default["settings"]["precision"] == 4 and "sig_figs" not in default["settings"]


def test_derive_takes_sig_figs():
    r = run("derive", str(PROBLEMS / "quadratic.yaml"), "--sig-figs", "2")
    assert r.exit_code == 0, r.output
    both = run("derive", str(PROBLEMS / "quadratic.yaml"), "--sig-figs", "2", "--precision", "3")
    assert both.exit_code == 2


# -- usage errors, the file's field, the override rule -----------------------------------------------

def test_both_options_is_a_usage_error_in_english_and_chinese():
    r = run("solve", str(PROBLEMS / "xor.yaml"), "--sig-figs", "3", "--precision", "2")
    assert r.exit_code == 2
    assert "--precision and --sig-figs cannot be used together" in r.output
    assert "Traceback" not in r.output
    r = run("solve", str(PROBLEMS / "xor.yaml"), "--sig-figs", "3", "--precision", "2", "--lang", "zh")
    assert r.exit_code == 2
    assert "--precision 与 --sig-figs 不能同时使用" in r.output
    assert run("solve", str(PROBLEMS / "xor.yaml"), "--sig-figs", "0").exit_code == 2


_SIGMOID = """title: one sigmoid unit
network: {inputs: [1], bias: 0, layers: [[2]], activation: sigmoid}
weights:
  0: {2: 1}
  1: {2: 3}
sample: {x: {1: 1}, t: {2: 1}}
loss: half_squared_error
"""


def _file(tmp_path, extra: str) -> str:
    path = tmp_path / "p.yaml"
    path.write_text(_SIGMOID + extra, encoding="utf-8")
    return str(path)


def test_the_file_field_and_the_override_rule(tmp_path):
    # net_2 = 1 + 3 = 4, u_2 = σ(4) = 0.98201379...
    sig = _file(tmp_path, "sig_figs: 2\n")
    assert "u_2 = g(net_2) = 1/(1 + exp(-net_2)) = 1/(1 + exp(-4)) ≈ 0.98\n" in run("solve", sig).output
    assert "≈ 0.982014\n" in run("solve", sig, "--precision", "6").output      # an option overrides the field
    assert "≈ 0.98201\n" in run("solve", sig, "--sig-figs", "5").output
    places = _file(tmp_path, "precision: 1\n")
    assert "≈ 1.0\n" in run("solve", places).output
    assert "≈ 0.9820\n" in run("solve", places, "--sig-figs", "4").output     # --sig-figs overrides precision


def test_the_file_field_errors(tmp_path):
    both = run("solve", _file(tmp_path, "precision: 2\nsig_figs: 3\n"))
    assert both.exit_code == 2
    assert "precision and sig_figs cannot both be given" in both.output and "p.yaml" in both.output
    zh = run("solve", _file(tmp_path, "precision: 2\nsig_figs: 3\n"), "--lang", "zh")
    assert zh.exit_code == 2 and "precision 与 sig_figs 不能同时给出" in zh.output
    # a part's precision beside the top level's sig_figs is the same mistake
    mixed = run("solve", _file(tmp_path, "sig_figs: 3\nparts: [{name: a, precision: 2}]\n"))
    assert mixed.exit_code == 2 and "precision and sig_figs cannot both be given" in mixed.output
    bad = run("solve", _file(tmp_path, "sig_figs: 0\n"))
    assert bad.exit_code == 2 and "sig_figs is the number of significant figures shown, 1 to 15; got 0" in bad.output


# -- every problem file × N in 1..6 ------------------------------------------------------------------

NETWORKS = [p for p in sorted(PROBLEMS.glob("*.yaml")) if "\nmodel: " not in p.read_text(encoding="utf-8")]
_NUMBER = re.compile(r"(?<![\w.^{])-?\d+(?:\.\d+)?(?:e[+-]\d+)?(?![\w.])")


def _figures(shown: str) -> int:
    """Significant figures of a decimal as written (trailing zeros of an integer are not counted)."""
    digits = shown.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    return len(digits.rstrip("0")) if "." not in shown else len(digits)


def _rounded(x: sp.Expr, n: int) -> Decimal:
    """`x` to n significant figures, a half away from zero, by the decimal module."""
    with localcontext() as ctx:
        ctx.prec = 60
        d = Decimal(str(sp.N(x, 50)))
        if d == 0:
            return d
        exp = d.adjusted() - n + 1
        return d.quantize(Decimal(1).scaleb(exp), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def solved():
    from symbackprop import solve
    return {p.name: solve(p) for p in NETWORKS}


@pytest.mark.slow
@pytest.mark.parametrize("name", [p.name for p in NETWORKS])
def test_every_value_has_n_figures_and_every_step_adds_up(solved, name):
    """Every network in problems/ at --sig-figs 1..6: each value after `≈` has exactly N significant
    figures (a value after `=` is exact), no e-notation, and each step's numbers, re-evaluated
    exactly as printed, round (decimal module, half up) to the value as printed."""
    from sympy.parsing.sympy_parser import parse_expr, rationalize, standard_transformations
    from symbackprop.render import render
    local = {"Max": sp.Max, "Min": sp.Min, "exp": sp.exp, "log": sp.log, "tanh": sp.tanh, "step": _heaviside,
             "Abs": sp.Abs}
    checked = 0
    for n in range(1, 7):
        text = render(solved[name], "text", precision=SigFigs(n))
        for line in text.splitlines():
            assert not re.search(r"\de[+-]\d", line), (n, line)
            if " ≈ " in line:
                value = line.rsplit(" ≈ ", 1)[1].strip()
                if _NUMBER.fullmatch(value):
                    figures = _figures(value)
                    assert figures == n or (figures < n and "." not in value), (n, line)
            got = _numbers_and_value(line)
            if got is None or "step(0)" in got[0]:       # g'(0) is a convention of the file, not arithmetic
                continue
            numbers, value = got
            # |x| (PyTorch's Adagrad and Adam at step 1: η·g/(|g| + ε), session 14's XOR files) as Abs(x)
            back = parse_expr(re.sub(r"\|([^|]*)\|", r"Abs(\1)", text_to_python(numbers)), local_dict=local,
                              transformations=standard_transformations + (rationalize,))
            exact = sp.nsimplify(back) if back.is_Float else back
            if line.rstrip().rsplit(" ", 2)[-2] == "≈":
                assert _rounded(exact, n) == Decimal(value), (n, line)
            else:
                assert sp.Rational(value) == exact, (n, line)
            checked += 1
    assert checked > 20
