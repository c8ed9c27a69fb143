"""How large a value may grow, and how a long number is quoted in a message.

A value computed from a problem file (a node of a graph, a unit's output, a gradient) must be below
MAX_MAGNITUDE in size and, when exact, have at most MAX_EXACT_DIGITS digits. Nested exponentials
reach numbers whose mere digits cannot be stored (exp(exp(exp(4))) ≈ 10^(2.2·10^23)), and SymPy's
evalf or Fraction(str(...)) then run for hours; `numeric` evaluates bottom-up and refuses an exp
whose argument is past the bound before computing it, so no evaluation can hang. The bounds are
ours, not Python's 4,300-digit limit on int → str (absent before 3.11).
"""
from __future__ import annotations

import math

import mpmath
import sympy as sp
from mpmath.libmp import finf, fnan, fninf, from_rational, round_nearest

MAX_MAGNITUDE_EXPONENT = 300          # |value| < 1e300: every value fits a float64 with room to spare
MAX_MAGNITUDE = sp.Float("1e300", 30)
_MAX_RATIONAL = sp.Integer(10) ** MAX_MAGNITUDE_EXPONENT
LN_MAX = math.log(10) * MAX_MAGNITUDE_EXPONENT   # exp(a) with a above this is past the bound
APPROX_EXPONENT = 1_000_000          # a huge intermediate below 10^1e6 is carried as a Float (TooLarge.approx)
MAX_EXACT_DIGITS = 10_000             # digits of numerator and denominator of an exact value
QUOTED_DIGITS = 20                    # significant digits a message quotes of a number, at most
DIGITS = 30


class TooLarge(ValueError):
    """A value past MAX_MAGNITUDE; `about` is how large it is, for the message (e.g. "≈ 1.944e+1954",
    "≈ e^(e^(5.285e+08))"). `positive` says the value is known to be a huge positive number, so that
    an exp around it can be quoted one level higher (e^(about)) instead of with the inner size.
    `approx` is the value as a 30-digit Float while it is below 10^APPROX_EXPONENT (e^1000, 3^4096):
    an expression it is part of may still be small (1/(1 + e^1000), ln(3^4096)), and is then computed
    from it; None when the value is larger than that (e^(e^1000)), or of unknown sign."""

    def __init__(self, about: str, positive: bool = False, approx: sp.Float | None = None) -> None:
        super().__init__(about)
        self.about = about
        self.positive = positive
        self.approx = approx

    @property
    def negative(self) -> bool:
        """Known to be a huge negative number (≤ −1e300): its exp is below e^(−1e300), in effect 0."""
        return self.approx is not None and self.approx < 0

    def exp_of(self) -> "TooLarge":
        """The TooLarge of exp(this value): one more level of e^(…) when the value is positive; the
        same size otherwise (exp of a value of unknown sign: what we know is that a part is too large)."""
        if not self.positive:
            return TooLarge(self.about)
        return TooLarge("≈ e^(" + self.about.replace("≈ ", "", 1) + ")", positive=True)


def exponent_text(a: sp.Expr) -> str:
    """A positive exponent as e^(…) quotes it, with 4-5 significant digits (at most 12 characters):
    "1096.6", "5.285e+08", "5.148e+23"."""
    x = mpmath.mpf(sp.Float(a, 30)._mpf_)
    if x < 10_000:
        return f"{float(x):.5g}"
    return about(sp.Float(a, 30), 4, force_exponent=True).replace("≈ ", "", 1)


def _fits(text: str) -> bool:
    return len(text) <= QUOTED_DIGITS


def int_digits(n: int) -> int:
    """Decimal digits of the integer n, from its bit length (no str(), which Python ≥ 3.11 refuses
    past 4,300 digits and earlier Pythons take quadratic time for), within one."""
    return max(1, math.ceil(abs(n).bit_length() * math.log10(2)))


def exact_digits(value: sp.Expr) -> int:
    """Digits of numerator plus denominator of a Rational; 0 for anything else."""
    if not value.is_Rational:
        return 0
    return int_digits(int(value.p)) + (int_digits(int(value.q)) if value.q != 1 else 0)


def about(value: sp.Expr | int, digits: int = QUOTED_DIGITS, force_exponent: bool = False) -> str:
    """A number as a message quotes it, in at most QUOTED_DIGITS (20) characters: as written when
    that fits, else "≈ 3.940e+115" (4 significant digits, without ever writing all the digits out).
    A float between 1e-20 and 1e20 is written to `digits` significant digits, fewer when the text
    would pass 20 characters (the point and sign count)."""
    if isinstance(value, int):
        value = sp.Integer(value)
    if value.is_Integer and int_digits(int(value)) <= QUOTED_DIGITS and _fits(str(value)):
        return str(value)
    if value.is_Rational and exact_digits(value) <= QUOTED_DIGITS and _fits(str(value)):
        return str(value)
    if value.is_Rational:
        value = sp.Float._new(from_rational(int(value.p), int(value.q), 64, round_nearest), 64)
    if value.is_Float:
        x = mpmath.mpf(value._mpf_)
        if not force_exponent and (not mpmath.isfinite(x) or x == 0
                                   or mpmath.mpf("1e-20") <= abs(x) < mpmath.mpf("1e20")):
            text = mpmath.nstr(x, digits)
            while not _fits(text) and digits > 4:
                digits -= 1
                text = mpmath.nstr(x, digits)
            return text
        with mpmath.workprec(64 + 2 * abs(value._mpf_[2]).bit_length()):
            lg = mpmath.log10(abs(x))
            e = int(mpmath.floor(lg))
            mant = float(mpmath.power(10, lg - e))
        if round(mant, 3) >= 10:          # log10 a hair below a whole number: 1.000e+320, not 10.000e+319
            e, mant = e + 1, mant / 10
        return f"≈ {'-' if x < 0 else ''}{mant:.3f}e{'+' if e >= 0 else '-'}{abs(e):02d}"
    return str(value)


def _log10(n: int) -> float:
    return math.log10(n) if n > 0 else 0.0


def too_large(value: sp.Expr) -> bool:
    """A finite real number of magnitude 1e300 or more."""
    if value.is_Rational:
        return abs(value) >= _MAX_RATIONAL
    if value.is_Float:
        return value._mpf_ not in (finf, fninf, fnan) and abs(value) >= MAX_MAGNITUDE
    return False


def nested_exp(expr: sp.Expr) -> bool:
    """Whether `expr` has an exp inside the argument of an exp: the one shape whose float value can
    be too large to compute at all (a single exp of a number below 1e300 is computed at once)."""
    return any(e.args[0].has(sp.exp) for e in expr.atoms(sp.exp))


def numeric(expr: sp.Expr, digits: int = DIGITS, values: dict | None = None, notes: set | None = None) -> sp.Expr:
    """`expr.xreplace(values).evalf(digits)`, computed bottom-up so that no intermediate grows past
    MAX_MAGNITUDE unbounded: an exp whose argument is above LN_MAX, or any intermediate real number
    past the bound, raises TooLarge instead of being computed exactly; an exact intermediate of more
    than MAX_EXACT_DIGITS digits goes on as a `digits`-digit float. Only what is really large is
    refused: a huge intermediate below 10^APPROX_EXPONENT goes on as a Float (1/(1 + e^1000) ≈
    5.076e-435, ln(3^4096) ≈ 4499), and the exp of a huge negative number is 0 (exp(−e^1000) <
    e^(−1e300)); either adds "float" to `notes`, telling the caller to keep this Float rather than an
    exact value (whose exact parts could be unbounded to compute). Not-real and infinite results (zoo,
    nan, I) are returned as SymPy gives them, for the caller's own message."""
    if values and expr in values:
        expr = values[expr]
        if not isinstance(expr, sp.Expr) or not expr.is_Number:
            return numeric(expr, digits, None, notes)
    if expr.is_Number:
        return _checked(expr if expr.is_Rational else expr.evalf(digits), digits)
    if not expr.args or not isinstance(expr, sp.Expr):
        return expr.evalf(digits)
    args, huge = [], None
    for a in expr.args:
        try:
            args.append(numeric(a, digits, values, notes) if isinstance(a, sp.Expr) else a)
        except TooLarge as big:
            if isinstance(expr, sp.exp):
                if big.negative:                    # e^(−1e300) or less: 0 at any precision
                    if notes is not None:
                        notes.add("float")
                    return sp.Float(0, digits)
                raise big.exp_of() from None
            if big.approx is None:
                raise TooLarge(big.about) from None  # a part is that large; the sign of the whole is unknown
            huge = huge or big
            args.append(big.approx)
    if huge is not None:                        # go on from the huge parts' Floats; refused if still huge
        if notes is not None:
            notes.add("float")
        if expr.is_Pow and args[0].is_Number and args[1].is_Number:
            args = power_args(args[0], args[1], digits)
        value = expr.func(*args).evalf(digits)
        return _checked(sp.Float(value, digits) if value.is_Rational else value, digits)   # never "exactly" 0
    if isinstance(expr, sp.exp):
        a = args[0]
        if a.is_Number and a.is_real and a > LN_MAX:
            raise TooLarge("≈ e^(" + exponent_text(a) + ")", positive=True, approx=_approx_exp(a, digits))
    if expr.is_Pow and args[0].is_Number and args[1].is_Number:
        args = power_args(args[0], args[1], digits)
    value = expr.func(*args)
    return _checked(value if value.is_Rational else value.evalf(digits), digits)


def _approx_exp(a: sp.Expr, digits: int) -> sp.Float | None:
    """e^a as a Float while it is below 10^APPROX_EXPONENT (a < 2.3 million), else None."""
    if float(a) >= APPROX_EXPONENT * math.log(10):
        return None
    return sp.exp(sp.Float(a, digits)).evalf(digits)


def power_args(base: sp.Expr, exp: sp.Expr, digits: int) -> list:
    """The base and exponent of a power of numbers, checked before it is computed: TooLarge when
    |base|^exp reaches 1e300, the base as a float when the exact power would pass MAX_EXACT_DIGITS."""
    if base.is_zero or not (base.is_real and exp.is_real):
        return [base, exp]
    size = abs(sp.Float(base, 15))
    log10 = float(exp) * float(mpmath.log10(mpmath.mpf(size._mpf_)))
    if log10 >= MAX_MAGNITUDE_EXPONENT:
        approx = None
        if log10 < APPROX_EXPONENT and (base.is_positive or exp.is_integer):
            approx = (sp.Float(base, digits) ** sp.Float(exp, digits) if not exp.is_integer
                      else sp.Float(base, digits) ** int(exp)).evalf(digits)
        if log10 < 1e9:            # a float's log10 still gives the first 4 digits
            e = math.floor(log10)
            mant = 10 ** (log10 - e)
            if round(mant, 3) >= 10:          # log10 a hair below a whole number: 1e320, not 10.000e+319
                e, mant = e + 1, mant / 10
            sign = "-" if base.is_negative and exp.is_integer and int(exp) % 2 else ""
            raise TooLarge(f"≈ {sign}{mant:.3f}e+{e}", positive=not sign and bool(base.is_positive or exp.is_integer),
                           approx=approx)
        positive = not (base.is_negative and exp.is_integer and int(exp) % 2)
        raise TooLarge(("≈ " if positive else "≈ -") + "10^(" + exponent_text(sp.Float(log10, 15)) + ")",
                       positive=positive and bool(base.is_positive or exp.is_integer))
    if base.is_Rational and exp.is_Rational and abs(float(exp)) * exact_digits(base) > MAX_EXACT_DIGITS:
        return [base.evalf(digits), exp]
    return [base, exp]


def _checked(value: sp.Expr, digits: int) -> sp.Expr:
    """`value`, refused (TooLarge) past MAX_MAGNITUDE, as a float past MAX_EXACT_DIGITS digits."""
    if value.is_Rational and exact_digits(value) > MAX_EXACT_DIGITS:
        if abs(value) >= _MAX_RATIONAL:
            raise TooLarge(about(value), positive=bool(value > 0), approx=_approx(value, digits))
        value = value.evalf(digits)
    if too_large(value):
        raise TooLarge(about(value), positive=bool(value > 0), approx=_approx(value, digits))
    return value


def _approx(value: sp.Expr, digits: int) -> sp.Float | None:
    """A huge real number as a Float (TooLarge.approx) while it is below 10^APPROX_EXPONENT."""
    size = int_digits(int(value.p)) - int_digits(int(value.q)) if value.is_Rational else \
        value._mpf_[2] + value._mpf_[3]          # about log10 (digits) or log2 (bits): both bound it
    if size >= APPROX_EXPONENT:
        return None
    return value.evalf(digits) if value.is_Rational else value
