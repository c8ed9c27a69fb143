"""Display rounding and the substituted-number printers."""
import sympy as sp

from symbackprop.printing import format_value, print_latex, print_text


def test_format_value_exact_and_rounded():
    assert format_value(sp.Integer(-12), 4) == ("-12", True)
    assert format_value(sp.Rational(9, 2), 4) == ("4.5", True)
    assert format_value(sp.Rational(1, 4), 4) == ("0.25", True)
    assert format_value(sp.Rational(1, 3), 4) == ("0.3333", False)
    assert format_value(sp.Rational(1, 10**5), 4) == ("0.00001", True)       # all its digits shown: exact
    assert format_value(1 / (1 + sp.exp(-4)), 4) == ("0.9820", False)
    assert format_value(sp.Rational(-1, 10**6), 2) == ("-0.000001", True)
    assert format_value(sp.Float("-0.00001", 30), 2) == ("-0.000010", False)


def test_negative_zero_is_not_shown():
    assert format_value(sp.Float("-0.0000001", 30), 4)[0] == "-0.0000001000"
    assert format_value(sp.Float("-0.00004", 30), 4)[0] == "-0.00004000"
    assert format_value(sp.Float("-0.00006", 30), 4)[0] == "-0.0001"


def test_substituted_negatives_are_parenthesised():
    a, b, c = sp.symbols("a b c")
    names = {a: "η", b: "δ_5", c: "u_3"}
    expr = -a * b * c
    assert print_text(expr, names) == "-η·δ_5·u_3"
    assert print_text(expr, names, {a: "1", b: "-0.1272", c: "0.9820"}) == "-1×(-0.1272)×0.9820"
    assert print_latex(expr, {a: r"\eta", b: r"\delta_{5}", c: "u_{3}"},
                       {a: "1", b: "-0.1272", c: "0.9820"}) == r"- 1 \times \left(-0.1272\right) \times 0.9820"


def test_sums_lead_with_a_positive_term():
    t, u = sp.symbols("t u")
    assert print_text(t - u, {t: "z_1", u: "u_5"}) == "z_1 - u_5"
    assert print_text(-u + t, {t: "z_1", u: "u_5"}, {t: "1", u: "4"}) == "1 - 4"
