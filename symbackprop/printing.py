"""SymPy printers for our symbols, and the chain `lhs = rule = numbers = value` of a step.

The printers are SymPy's own (`StrPrinter`, `LatexPrinter`) with two settings added: `names`,
how each internal symbol is written, and `values`, display strings that replace symbols when
printing the rule with numbers substituted. Substitution happens in the printer, not with `subs`,
so SymPy does not evaluate the expression before it is shown.

Sorting the terms of a sum into SymPy's canonical order is most of the cost of printing a long
one; a caller that prints the same sums several times (with symbols, with numbers, in text and in
LaTeX) passes `terms`, a dict it owns in which each sum's order is kept once found (and the
layouts of the latest KEEP plain shapes).

The plain shapes that make up nearly every step of a large network (symbols, products of
symbols, sums of them, a product with one sum) are written by fastprint.py without SymPy's
printers, byte for byte as these printers write them; everything else is printed by them.
"""
from __future__ import annotations

import functools
import math
import re
from fractions import Fraction
from typing import Callable

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter as _SympyLatexPrinter
from sympy.printing.str import StrPrinter

from . import bounded, fastprint
from .numberslots import mark, resolve


_MAX_DIGITS = 240        # digits an exact irrational value is evaluated to, at most, to decide its rounding


class SigFigs(int):
    """A precision that counts significant figures, not decimal places (`--sig-figs N`, the file's
    `sig_figs`). It is an int, so it is threaded wherever a precision is, but it never equals a plain
    int nor hashes like one: a value shown at 3 significant figures is not cached as one shown at 3
    places (Step.shown, shown leaves)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is SigFigs and int(self) == int(other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(("sig_figs", int(self)))

    def __repr__(self) -> str:
        return f"SigFigs({int(self)})"


def is_sig_figs(precision: int) -> bool:
    """Whether `precision` counts significant figures (a SigFigs) rather than decimal places."""
    return isinstance(precision, SigFigs)


def format_value(value: sp.Expr, precision: int, number: float | None = None) -> tuple[str, bool]:
    """A value as shown to people, and whether that display is exact.

    Integers and terminating decimals that fit in `precision` places are exact; anything else is
    rounded to `precision` decimal places (tiny values to `precision` significant digits), from
    the EXACT value, a half away from zero (ROUND_HALF_UP, as students are taught: 0.12225 →
    0.1223, −0.23925 → −0.2393). `number`: the value as a float already computed (a Step's
    `float_value`, evaluate.to_float), used only where it rounds like the exact value for sure.
    Never raises on a finite value: one too long to write out is written in scientific form.
    A SigFigs `precision` N shows N significant figures instead (0.4910, 0.001235, 123.5, 123500),
    by the same rule; exact are integers and decimals of at most N significant figures.
    A display that is exactly the value is exact (=) and has no trailing zeros (0.00001 at 4 places);
    a value of at most half a unit of the last place keeps its first significant digits (0.5 at
    precision 0, not ≈ 1). A value the problem file gives is shown by `format_given` instead.
    """
    if _too_long(value):
        return _long_value(value, precision), False
    if value.is_Rational:
        frac = Fraction(int(value.p), int(value.q))
        if frac.denominator == 1:
            return str(frac.numerator), True
        if not is_sig_figs(precision) and (frac * 10**precision).denominator == 1:
            s = f"{float(frac):.{precision}f}".rstrip("0").rstrip(".")
            if Fraction(s) == frac:
                return s, True
        s = _written(frac, precision)
        if Fraction(s) == frac:        # all its digits shown (0.172 at 3 s.f., 0.00001 at 4 places): "="
            return _trimmed(s), True
        return s, False
    if number is None:
        fast = bounded_display(value, {}, precision)
    else:                 # the float is trusted to 10^-12 of the value, as `_close_enough` trusts it
        fast = _float_written(number, abs(number) * 1e-12, precision)
    if fast is not None:
        return fast, False
    frac = _close_enough(value, number, precision)
    if isinstance(frac, sp.Float):      # exp(-10^9) ≈ 1.250e-434294482: too long to write out
        return _long_value(frac, precision), False
    return _written(frac, precision), False


def bounded_display(expr: sp.Expr, numbers: dict, precision: int) -> str | None:
    """`expr` at `numbers` (exact, by symbol) rounded as `_written` rounds its exact value, from a float with
    an error bound (bounded.py) where both ends of the interval are written alike; None where they are not,
    or the walk cannot bound the value (the caller then evaluates exactly). The display rule is monotonic in
    the value, so equal ends mean every value between, the exact one too, is written so."""
    got = bounded.evaluate(expr, numbers)
    if got is None:
        return None
    v, e = got
    fast = _float_written(v, e, precision)
    if fast is not None:
        return fast
    if e == 0:
        return _written(Fraction(v), precision)
    mid, err = Fraction(v), Fraction(e)
    low = _written(mid - err, precision)
    return low if low == _written(mid + err, precision) else None


def format_float(x: float, precision: int) -> str:
    """`format_value(sp.Float(x), precision, x)[0]` of a float64 (a float run's value), without SymPy or
    Fractions where that is sure to be the same text (`_float_written`); every other float goes to
    format_value."""
    got = _float_written(x, 0.0, precision)
    return got if got is not None else format_value(sp.Float(x), precision, x)[0]


_FLOAT_FIGURES = 8        # digits a float is rounded to here, at most: its scaled value stays within 1e-8 of exact


def _float_written(x: float, err: float, precision: int) -> str | None:
    """`_written` of every number within `err` of the float `x` (its exact value among them), in floats alone,
    where that is sure; else None. Sure means: at most 8 digits kept (decimal places, or significant figures
    for a small value and at a SigFigs precision), the value 10^-12 ≤ |x| < 10^12 with all its interval, and
    the interval, scaled to units of the last digit kept, more than 10^-3 of a unit away from a half-way
    point (and from a power of ten, where the number of digits would change). There `_written`'s half-up
    rounding of any of those numbers is the float's nearest rounding, which is what Python's f-string writes."""
    a = abs(x)
    if not (a - err >= 1.01e-12 and a + err < 0.99e12) or x != x:
        return None
    sig = is_sig_figs(precision)
    p = int(precision)
    if not sig:
        if not 0 <= p <= _FLOAT_FIGURES:
            return None
        scaled, d = a * 10.0 ** p, err * 10.0 ** p
        if 1.0 <= scaled - d and scaled + d < 10.0 ** _FLOAT_FIGURES:
            return f"{x:.{p}f}" if abs(scaled - math.floor(scaled) - 0.5) > 1e-3 + d else None
        if not scaled + d < 0.49:                 # between 0.49 and 1 unit: where the rule changes
            return None
        figures = max(p, 1)                       # a value under half a unit: its first significant figures
    else:
        figures = p
        if not 1 <= figures <= _FLOAT_FIGURES:
            return None
    places = figures - 1 - int(f"{a:.{figures - 1}e}".partition("e")[2])
    scaled, d = a * 10.0 ** places, err * 10.0 ** places
    if not (10.0 ** (figures - 1) + 1e-3 < scaled - d and scaled + d < 10.0 ** figures - 0.501):
        return None                               # near a power of ten: its digits could be one more or fewer
    if abs(scaled - math.floor(scaled) - 0.5) <= 1e-3 + d:
        return None
    digits = str(math.floor(scaled + 0.5))
    if places <= 0:
        body = digits + "0" * -places
    else:
        digits = digits.rjust(places + 1, "0")
        body = digits[:-places] + "." + digits[-places:]
    return ("-" if x < 0 else "") + body


def _trimmed(s: str) -> str:
    """An exact display without the zeros that end its decimals: 0.172, not 0.1720; 1.5e-13, not 1.500e-13."""
    mant, e, exp = s.partition("e")
    if "." in mant:
        mant = mant.rstrip("0").rstrip(".")
    return mant + e + exp


def _decimal_places(frac: Fraction) -> int | None:
    """The decimal places of `frac` written out in full (0.125: 3), or None if it has no finite
    decimal: its denominator 2^a·5^b has max(a, b) places (counted from the factors, not by trying)."""
    q, count = frac.denominator, {}
    for f in (2, 5):
        count[f] = 0
        while q % f == 0:
            q //= f
            count[f] += 1
    return max(count.values()) if q == 1 else None


def format_given(value: sp.Expr, precision: int) -> tuple[str, bool]:
    """A value the problem file gives (an input, a target, a weight, the learning rate, the bias
    input) as shown to people: exact data, so shown as written, with all its digits, at every
    precision (w = 0.6 is 0.6 at precision 0 too, and it is 0.6 that is put into the steps), as a
    plain decimal from 1e-12 up and in scientific form below (1.5e-13). Only a value with no finite
    decimal (a fraction such as 1/3) is rounded, as `format_value` rounds it, with ≈."""
    if value.is_Rational and not _too_long(value):
        frac = Fraction(int(value.p), int(value.q))
        if frac.denominator == 1:
            return str(frac.numerator), True
        places = _decimal_places(frac)
        if places is not None:
            if abs(frac) < SMALLEST_PLAIN:
                digits = len(str(abs(frac.numerator * 10**places // frac.denominator)).rstrip("0"))
                return _trimmed(_written(frac, SigFigs(digits))), True
            return _plain_decimal(frac, places), True
    return format_value(value, precision)


def _plain_decimal(frac: Fraction, places: int) -> str:
    """A `frac` of `places` decimal places written out in full as a plain decimal (-0.0125)."""
    n = abs(frac.numerator * 10**places // frac.denominator)
    digits = str(n).rjust(places + 1, "0")
    body = digits[:-places] + "." + digits[-places:] if places else digits
    return ("-" if frac < 0 else "") + body


_MAX_WRITTEN_DIGITS = 4000   # our bound, under Python's 4,300-digit int → str limit (absent before 3.11)


def _too_long(value: sp.Expr) -> bool:
    """An exact number with more digits than we write out, or a float beyond ±1e±4000 (whose
    Fraction would have that many digits)."""
    if value.is_Rational:
        return max(abs(int(value.p)), int(value.q)).bit_length() > _MAX_WRITTEN_DIGITS * 3.32
    if value.is_Float:
        _, man, exp, bc = value._mpf_
        return man != 0 and abs(exp + bc) > _MAX_WRITTEN_DIGITS * 3.32
    return False


def _long_value(value: sp.Expr, precision: int) -> str:
    """A value too long to write out, in the report's scientific style from a float of `precision`+5
    significant digits (rounded once more, so not exactly half-up; only values past 1e±4000 get here)."""
    from mpmath.libmp import finf, fnan, fninf, from_rational, round_nearest, to_str
    mpf = value._mpf_ if value.is_Float else from_rational(int(value.p), int(value.q), 64 + 4 * precision,
                                                           round_nearest)
    if mpf in (finf, fninf, fnan):
        return str(value)
    text = to_str(mpf, max(precision, 1), min_fixed=1, max_fixed=0)
    mant, _, exp = text.partition("e")
    sig = max(precision - 1, 0)
    whole, _, frac = mant.partition(".")
    mant = whole + ("." + (frac + "0" * sig)[:sig] if sig else "")
    return f"{mant}e{'-' if exp.startswith('-') else '+'}{int(exp.lstrip('+-')):02d}"


def _half_up(x: Fraction) -> int:
    """`x` rounded to an integer, a half away from zero (ROUND_HALF_UP)."""
    n = int(abs(x) + Fraction(1, 2))
    return -n if x < 0 else n


def _tie_distance(x: Fraction, places: int) -> Fraction:
    """How far `x` is from a half-way point between two numbers of `places` decimals."""
    scaled = abs(x) * Fraction(10) ** places
    return abs(scaled - int(scaled) - Fraction(1, 2)) / Fraction(10) ** places


def _exponent(x: Fraction) -> int:
    """floor(log10 |x|) for x ≠ 0, exactly."""
    a = abs(x)
    e = math.floor(math.log10(a.numerator) - math.log10(a.denominator))
    while a >= Fraction(10) ** (e + 1):
        e += 1
    while a < Fraction(10) ** e:
        e -= 1
    return e


SMALLEST_PLAIN = Fraction(1, 10**12)     # a value this small or smaller is written in scientific form


def _places(x: Fraction, precision: int) -> tuple[bool, int]:
    """(scientific, decimals of the rounding): `precision` places; for a value that would round
    to 0, its first max(precision, 1) significant digits, as a plain decimal (0.04 at precision 1,
    not 4e-02 or 0.0) down to 1e-12 and in scientific form below; scientific with `precision`
    significant digits for a value of 1e12 or more. A SigFigs N: N significant figures, so
    N − 1 − floor(log10 |x|) places (negative: 123456 at 3 is 123000), scientific below 1e-12 and
    from 1e12."""
    if is_sig_figs(precision):
        if x == 0:
            return False, max(precision - 1, 0)
        return not SMALLEST_PLAIN <= abs(x) < 10**12, max(precision, 1) - 1 - _exponent(x)
    if x != 0 and abs(x) <= Fraction(1, 2) / 10**precision:     # 0.5 at precision 0 is 0.5, not ≈ 1
        places = max(precision, 1) - 1 - _exponent(x)
        return abs(x) < SMALLEST_PLAIN, places
    if abs(x) >= 10**12:
        return True, max(precision - 1, 0) - _exponent(x)
    return False, precision


def _at_half_unit(x: Fraction, precision: int) -> bool:
    """Whether `x` is (as a float may be) exactly half a unit of the last place, where `_places` changes
    from decimal places to significant digits: the float cannot say on which side the value lies."""
    return not is_sig_figs(precision) and abs(x) == Fraction(1, 2) / 10**precision


def _written(x: Fraction, precision: int) -> str:
    """`x` rounded half-up as `_places` says, written as Python's f-strings write a float
    (0.1223, 1.034e-08, 1.234e+12), without the sign of a value that rounds to zero."""
    scientific, places = _places(x, precision)
    if not scientific:
        n = _half_up(x * Fraction(10) ** places)
        if (places > precision or is_sig_figs(precision)) and len(str(abs(n))) > max(precision, 1):
            places -= 1                          # 0.0099996 rounds up to 0.01000; 9.996 at 3 s.f. to 10.0
            n = _half_up(x * Fraction(10) ** places)
        if places < 0:                           # 123456 at 3 significant figures: 123000
            return ("-" if n < 0 else "") + str(abs(n)) + "0" * -places
        digits = str(abs(n)).rjust(places + 1, "0")
        body = digits[:-places] + "." + digits[-places:] if places > 0 else digits
        return ("-" if n < 0 else "") + body
    sig = max(precision - 1, 0)
    e = sig - places
    m = abs(_half_up(x * Fraction(10) ** places))
    if m >= 10 ** (sig + 1):                 # 9.9996e-05 rounds up to 1.000e-04
        e, m = e + 1, m // 10
    digits = str(m)
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{'-' if x < 0 else ''}{mant}e{'-' if e < 0 else '+'}{abs(e):02d}"


def _close_enough(value: sp.Expr, number: float | None, precision: int) -> Fraction | sp.Float:
    """An approximation of the inexact `value` that rounds like it at `precision`: its float when
    that is clearly away from a half-way point, else a long value's own digits (a Float), or an
    exact value evaluated to more and more digits until the rounding is decided (at most
    _MAX_DIGITS). An exact value past ±1e±4000 (exp(-10^9)) is given as its 30-digit Float, which
    `format_value` writes in scientific form: its Fraction would have millions of digits."""
    x = float(value.evalf(20)) if number is None else number
    if x == x and x not in (float("inf"), float("-inf")):
        f = Fraction(x)
        if f != 0 and _tie_distance(f, _places(f, precision)[1]) > abs(f) / 10**12 and not _at_half_unit(f, precision):
            return f
    if value.is_Float:
        return Fraction(str(value))
    digits = 30
    while True:
        got = value.evalf(digits)
        if not (got.is_Float or got.is_Rational):
            raise ValueError(f"not a number: {value}")
        if got.is_Float and _too_long(got):
            return got
        g = Fraction(str(got))
        if g == 0 or digits >= _MAX_DIGITS or _tie_distance(g, _places(g, precision)[1]) > abs(g) / 10 ** (digits - 5):
            return g
        digits *= 2


def message_number(x: float, precision: int) -> str:
    """A number computed while checking, as a message shows it: as the report shows values
    (`format_value` at the problem's precision), from the float's shortest decimal, so an integer is
    an integer (3697, not 3697.0000), a short decimal stays short (6833904.5), and a very large or
    very small value is written as the report writes it (0.00000001034 down to 1e-12, then 1.034e-13;
    1.234e+12)."""
    if x != x or x in (float("inf"), float("-inf")):
        return repr(x)
    if abs(x) >= 1e12:
        return f"{x:.{max(precision - 1, 0)}e}"
    return format_value(sp.Rational(repr(x)), precision, x)[0]


def _positive_first(printer, expr, order):
    """Terms of a sum with a positive one first: z_1 − u_5 rather than −u_5 + z_1.

    With the printer's `terms` dict, each sum is put in order once (SymPy's order depends on the
    expression only, not on the names or values printed for its symbols)."""
    cache = printer._settings["terms"] if (order or printer.order) is None else None
    if cache is not None:
        got = cache.get(expr)
        if got is not None:
            return got
    terms = printer._as_ordered_terms(expr, order=order)
    if len(terms) > 1 and terms[0].could_extract_minus_sign():
        for i, t in enumerate(terms):
            if not t.could_extract_minus_sign():
                terms = [t] + terms[:i] + terms[i + 1:]
                break
    out = sp.Add(*terms, evaluate=False)
    if cache is not None:
        cache[expr] = out
    return out


def _indexed_entry(printer, expr) -> tuple[str, bool, str | None]:
    """How `indexed` names an Indexed: (shown name, reverse indices, the sample index printed as a
    superscript or None). An entry (name, swap, True) marks a base whose last index is the sample."""
    entry = printer._settings["indexed"].get(expr.base.name, (expr.base.name, False))
    sample = printer._print(expr.indices[-1]) if len(entry) > 2 and entry[2] else None
    return entry[0], entry[1], sample


def _indices(printer, expr, swap: bool) -> str:
    idx = [printer._print(a) for a in expr.indices]
    if swap:
        idx.reverse()
    return "".join(idx) if all(len(a) == 1 for a in idx) else ",".join(idx)


class TextPrinter(StrPrinter):
    """Plain-text printer: net_3, δ_5, g'(net_5), η, · for products and × once numbers are in.

    `indexed` names the bases of the general rules: {base name: (shown name, reverse indices)}."""

    _default_settings = dict(StrPrinter._default_settings, names={}, values=None, times=False, indexed={},
                             terms=None)

    def _print(self, expr, **kwargs) -> str:
        if isinstance(expr, sp.Indexed):       # Indexed has its own _sympystr, which StrPrinter prefers
            return self._print_Indexed(expr)
        return super()._print(expr, **kwargs)

    def _print_Indexed(self, expr) -> str:
        name, swap, sample = _indexed_entry(self, expr)
        if sample is not None:                  # a quantity of sample n: δ_k^(n), J^(n)
            inner = expr.base[expr.indices[:-1]] if len(expr.indices) > 1 else None
            head = name if inner is None else self._subscripted(inner, name, swap)
            return f"{head}^({sample})"
        return self._subscripted(expr, name, swap)

    def _subscripted(self, expr, name: str, swap: bool) -> str:
        idx = _indices(self, expr, swap)
        return f"{name}_{idx}" if len(idx) == 1 else f"{name}_{{{idx}}}"

    def _print_Derivative(self, expr) -> str:
        (var, count), = expr.variable_count
        return f"∂{self._print(expr.expr)}/∂{self._print(var)}"

    def _print_Transpose(self, expr) -> str:
        return f"{self._print(expr.arg)}ᵀ"

    def _print_MatMul(self, expr) -> str:
        # 2(y − y*)·x·xᵀ: a scalar factor needs no parentheses of its own
        return "*".join(f"({self._print(a)})" if isinstance(a, sp.Add) else self._print(a) for a in expr.args)

    def _print_Sum(self, expr) -> str:
        (var, low, high), = expr.limits
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = f"({body})"
        return f"Σ_{self._print(var)}[{self._print(low)}..{self._print(high)}] {body}"

    def doprint(self, expr) -> str:
        raw = super().doprint(expr)
        if self._settings["values"] is not None:
            raw = resolve(raw)
        return self.finish(raw, self._settings["times"])

    @staticmethod
    def finish(s: str, times: bool) -> str:
        """SymPy's ** and * as people write them: ², ^, and · (× once numbers are in)."""
        s = s.replace("**2", "²").replace("**", "^")
        return s.replace("*", "×" if times else "·")

    def _print_Symbol(self, expr) -> str:
        values = self._settings["values"]
        if values is not None and expr in values:
            return mark(values[expr])
        return self._settings["names"].get(expr, expr.name)

    def _print_Add(self, expr, order=None) -> str:
        return super()._print_Add(_positive_first(self, expr, order), order="none")

    def _print_relu(self, expr) -> str:
        return f"max({self._print(expr.args[0])}, 0)"

    def _print_Max(self, expr) -> str:
        """max and min as a formula writes them (SymPy's own names are Max and Min)."""
        return f"max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Min(self, expr) -> str:
        return f"min({', '.join(self._print(a) for a in expr.args)})"

    def _print_Heaviside(self, expr) -> str:
        return f"step({self._print(expr.args[0])})"

    def _print_Piecewise(self, expr) -> str:
        """Cases as in mathematics, in no language: `{net_3, net_3 > 0; net_3/10, net_3 ≤ 0}` (the
        last case's condition is what the others leave). Leaky ReLU's two cases, `x if x > 0 else k·x`
        with 0 < k < 1, are `max(x, k·x)` (k > 1: `min`). A rule's first step apart (`first_step_cases`)
        is `g_t (t = 1), μ·b_{t−1} + g_t·(1 − τ) (t > 1)`."""
        cases = first_step_cases(expr)
        if cases is not None:
            (first, t), later = cases
            shown = self._print(t)
            return f"{self._print(first)} ({shown} = 1), {self._print(later)} ({shown} > 1)"
        if len(expr.args) == 2 and expr.args[1][1] is sp.true:
            (a, cond), (b, _) = expr.args
            if isinstance(cond, sp.StrictGreaterThan) and cond.lhs == a and cond.rhs == 0 and a.free_symbols:
                k = b / a
                if k.is_Number and k.is_positive and k != 1:
                    return f"{'max' if k < 1 else 'min'}({self._print(a)}, {self._print(b)})"
        cases, taken = [], []
        for e, cond in expr.args:
            if cond is sp.true:
                cond = sp.And(*[sp.Not(c) for c in taken])
            taken.append(cond)
            shown = self._print(cond).replace("<=", "≤").replace(">=", "≥").replace("!=", "≠")
            cases.append(f"{self._print(e)}, {shown}")
        return "{" + "; ".join(cases) + "}"

    def _print_log(self, expr) -> str:
        return f"ln({self._print(expr.args[0])})"

    def _print_Abs(self, expr) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_Float(self, expr) -> str:
        return format_value(expr, 6)[0]


def first_step_cases(expr) -> tuple | None:
    """((the first case, t), the other case) of a Piecewise `(a, Eq(t, 1)), (b, True)` in a positive integer
    step t (torch's momentum buffer, a at the first step and b after it), else None."""
    if not (isinstance(expr, sp.Piecewise) and len(expr.args) == 2 and expr.args[1][1] is sp.true):
        return None
    (a, cond), (b, _) = expr.args
    if not isinstance(cond, sp.Eq):
        return None
    t, one = cond.args if cond.args[1] == 1 else cond.args[::-1]
    if one != 1 or not (isinstance(t, sp.Symbol) and t.is_integer and t.is_positive):
        return None
    return (a, t), b


class LatexPrinter(_SympyLatexPrinter):
    """LaTeX printer: \\mathrm{net}_{3}, \\delta_{5}, g'(\\mathrm{net}_{5}), \\times once numbers are in."""

    _default_settings = dict(_SympyLatexPrinter._default_settings, names={}, values=None, indexed={}, terms=None,
                             ln_notation=True)

    def _print_Indexed(self, expr) -> str:
        name, swap, sample = _indexed_entry(self, expr)
        if sample is None:
            return f"{name}_{{{_indices(self, expr, swap)}}}"
        # in braces, so that a power of it is not a double superscript: {y_{j}^{(n)}}^{2}
        if len(expr.indices) == 1:              # J^{(n)}
            return f"{{{name}^{{({sample})}}}}"
        return f"{{{name}_{{{_indices(self, expr.base[expr.indices[:-1]], swap)}}}^{{({sample})}}}}"

    def _print_MatMul(self, expr) -> str:
        return " ".join(rf"\left({self._print(a)}\right)" if isinstance(a, sp.Add) else self._print(a)
                        for a in expr.args)

    def _print_Derivative(self, expr) -> str:
        (var, count), = expr.variable_count
        return rf"\frac{{\partial {self._print(expr.expr)}}}{{\partial {self._print(var)}}}"

    def _print_Symbol(self, expr, style="plain") -> str:
        values = self._settings["values"]
        if values is not None and expr in values:
            return mark(values[expr])
        return self._settings["names"].get(expr) or super()._print_Symbol(expr)

    def doprint(self, expr) -> str:
        raw = super().doprint(expr)
        return raw if self._settings["values"] is None else resolve(raw, latex=True)

    def _print_Add(self, expr, order=None) -> str:
        return super()._print_Add(_positive_first(self, expr, order), order="none")

    def _print_relu(self, expr, exp=None) -> str:
        return rf"\max\left({self._print(expr.args[0])}, 0\right)"

    def _print_Heaviside(self, expr, exp=None) -> str:
        return rf"\operatorname{{step}}\left({self._print(expr.args[0])}\right)"

    def _print_Function(self, expr, exp=None) -> str:
        if isinstance(expr, AppliedUndef):      # g(net_3): no braces around the call
            args = ", ".join(self._print(a) for a in expr.args)
            return rf"{expr.func.__name__}\left({args}\right)"
        return super()._print_Function(expr, exp)

    def _print_Float(self, expr) -> str:
        return format_value(expr, 6)[0]

    def _print_Piecewise(self, expr) -> str:
        cases = first_step_cases(expr)
        if cases is None:
            return super()._print_Piecewise(expr)
        (first, t), later = cases
        shown = self._print(t)
        return (rf"\begin{{cases}} {self._print(first)} & {shown} = 1 \\ {self._print(later)} & {shown} > 1 "
                r"\end{cases}")


def print_text(expr: sp.Expr, names: dict, values: dict | None = None, indexed: dict | None = None,
               terms: dict | None = None) -> str:
    """`expr` in text; `values`: display strings for symbols; `terms`: the caller's dict of sums
    already put in order (module docstring)."""
    lay = _layout(expr, terms)
    if lay is not None:
        return TextPrinter.finish(resolve(fastprint.text(lay, _text_symbol(names, values))), values is not None)
    return TextPrinter(dict(names=names, values=values, times=values is not None,
                            indexed=indexed or {}, terms=terms)).doprint(expr)


_FAST = "fastprint"       # key of the layouts in the caller's `terms` dict (beside its sums' orders)
KEEP = 256                # layouts kept: a step's expressions are printed again soon after


def _layout(expr: sp.Expr, terms: dict | None):
    """fastprint.layout of `expr`, kept in `terms` (a dict the caller owns) when given. At most
    KEEP layouts are kept, the latest: a worked solution prints an expression again (in LaTeX
    after text, with numbers after names) within its step, and a large one would otherwise keep
    the layout of every expression it printed until it ends."""
    if terms is None:
        return fastprint.layout(expr)
    kept = terms.get(_FAST)
    if kept is None:
        kept = terms[_FAST] = {}
    try:
        return kept[expr]
    except KeyError:
        if len(kept) >= KEEP:
            kept.clear()
        lay = kept[expr] = fastprint.layout(expr)
        return lay


def _text_symbol(names: dict, values: dict | None):
    """A symbol as TextPrinter._print_Symbol writes it."""
    if values is None:
        return lambda s: names.get(s, s.name)

    def show(s):
        v = values.get(s)
        if v is None:
            return names.get(s, s.name)
        return mark(v)
    return show


def _latex_symbol(lay, names: dict, values: dict | None):
    """A symbol as LatexPrinter._print_Symbol writes it, or None when a symbol of `lay` has no
    name (SymPy's own LaTeX of it is left to SymPy's printer)."""
    shown = {}
    for s in fastprint.symbols(lay):
        v = None if values is None else values.get(s)
        if v is not None:
            shown[s] = mark(v)
        else:
            n = names.get(s)
            if not n:
                return None
            shown[s] = n
    return shown.__getitem__


_SLOT = re.compile("\x00([0-9]+)\x01")
_TIMES = "\x02"          # LaTeX's multiplication sign, \cdot with names and \times with numbers


def _slots(expr: sp.Expr, names: dict, values: dict, negative: str, latex: bool):
    """Per symbol of `expr` (by name): a slot, its name and its value as printed (`negative`
    wraps a value with a minus sign), or None when a name falls outside `print_twice`'s argument.
    The slots are numbered in the order of the symbols' own names (`_shape`)."""
    symbols = list(expr.free_symbols)
    if values:                  # a setting written as its symbol (optimize.Setting: ε), no free symbol: a slot too
        symbols += [a for a in expr.atoms(sp.Symbol) if a in values and a not in expr.free_symbols]
    symbols.sort(key=lambda s: s.name)
    named = [names.get(sym) for sym in symbols]
    if any(n is None or n.startswith("-") or "\x00" in n or "\x01" in n or "\x02" in n for n in named):
        return None
    if latex and any("^" in n for n in named) and any(p.base.is_Symbol and "^" in names[p.base]
                                                      for p in expr.atoms(sp.Pow)):
        return None       # LaTeX braces a power's base by whether its text has a superscript
    valued = []
    for sym, name in zip(symbols, named):
        v = values.get(sym)
        valued.append(name if v is None else mark(v))
    return {sym: f"\x00{i}\x01" for i, sym in enumerate(symbols)}, named, valued


def _raw(expr: sp.Expr, names: dict, slot: dict, latex: bool, terms: dict | None) -> str:
    """`expr` printed with a slot for each symbol (`print_twice`), before the slots are filled."""
    if latex:
        return LatexPrinter(dict(names=names, values=slot, mul_symbol=_TIMES, indexed={}, terms=terms)).doprint(expr)
    return resolve(StrPrinter.doprint(TextPrinter(dict(names=names, values=slot, indexed={}, terms=terms)), expr))


_SHAPES = "shapes"        # key of the printed shapes in the caller's `terms` dict


def _shape(expr: sp.Expr, slot: dict, latex: bool, terms: dict | None) -> str | None:
    """`_raw` of `expr` kept by its shape in `terms` (a dict the caller owns): its tree with each symbol
    replaced by its rank among the symbols' names (`_shape_key`). Every order the printers choose (of the
    terms of a sum, the factors of a product) comes from comparing symbols by name, which a renaming that
    keeps their order does not change, so every expression of one shape prints alike but for its slots
    (numbered by that rank, `_slots`): an optimizer's rule of each of 1,000 weights (`m_t(w_{35}) =
    β₁·m_{t−1}(w_{35}) + …`) is printed once. None (print it) where the names do not order the symbols (two
    of one name, a symbol of another class), a symbol has no slot (a bound variable), or no `terms`."""
    if terms is None:
        return None
    symbols = sorted(slot, key=lambda s: s.name)
    if len({s.name for s in symbols}) < len(symbols) or expr.atoms(sp.Symbol) != set(symbols) \
            or any(type(s) is not sp.Symbol for s in symbols):     # a Dummy, a Setting: ordered by more than names
        return None
    rank = {s: i for i, s in enumerate(symbols)}
    key = (latex, tuple(tuple(sorted(s.assumptions0.items())) for s in symbols), _shape_key(expr, rank))
    kept = terms.get(_SHAPES)
    if kept is None:
        kept = terms[_SHAPES] = {}
    raw = kept.get(key)
    if raw is None:
        if len(kept) >= KEEP:
            kept.clear()
        raw = kept[key] = _raw(expr, {}, slot, latex, terms)
    return raw


def _shape_key(expr, rank: dict) -> tuple | int:
    """The tree of `expr` as nested tuples, each symbol its rank (the tree as built: never re-evaluated)."""
    if expr.is_Symbol:
        return rank[expr]
    if not expr.args:            # a number or a constant, by value (a Float by its precision too: it prints so)
        return (type(expr).__name__, expr, expr._prec if expr.is_Float else None)
    return (type(expr).__name__, *(_shape_key(a, rank) for a in expr.args))


def print_twice(expr: sp.Expr, names: dict, values: dict, latex: bool = False,
                terms: dict | None = None) -> tuple[str, str]:
    """`print_text(expr, names)` and `print_text(expr, names, values)` (or print_latex's), from one
    printing.

    The printers decide every parenthesis and sign from the expression, never from how a symbol is
    written (a value with a minus sign is printed in parentheses, so no symbol's text starts with
    one; LaTeX's one exception, a superscript in a power's base, is printed twice), so `expr` is
    printed once with a slot for each symbol and each slot is filled with the name or the value:
    the rule with numbers costs no second printing. A plain shape (fastprint.py) is written
    directly, twice."""
    lay = _layout(expr, terms)
    if lay is not None:
        if latex:
            named, valued = _latex_symbol(lay, names, None), _latex_symbol(lay, names, values)
            if named is not None and valued is not None:
                return (fastprint.latex(lay, named, r" \cdot "),
                        resolve(fastprint.latex(lay, valued, r" \times "), latex=True))
        else:
            return (TextPrinter.finish(fastprint.text(lay, _text_symbol(names, None)), False),
                    TextPrinter.finish(resolve(fastprint.text(lay, _text_symbol(names, values))), True))
    slots = _slots(expr, names, values, r"\left({}\right)" if latex else "({})", latex)
    show = print_latex if latex else print_text
    if slots is None:
        return show(expr, names, terms=terms), show(expr, names, values, terms=terms)
    slot, named, valued = slots
    raw = _shape(expr, slot, latex, terms)
    if raw is None:
        raw = _raw(expr, names, slot, latex, terms)
    if latex:
        return (_SLOT.sub(lambda m: named[int(m.group(1))], raw).replace(_TIMES, r" \cdot "),
                resolve(_SLOT.sub(lambda m: valued[int(m.group(1))], raw).replace(_TIMES, r" \times "), latex=True))
    return (TextPrinter.finish(_SLOT.sub(lambda m: named[int(m.group(1))], raw), False),
            TextPrinter.finish(resolve(_SLOT.sub(lambda m: valued[int(m.group(1))], raw)), True))


def print_latex(expr: sp.Expr, names: dict, values: dict | None = None, indexed: dict | None = None,
                terms: dict | None = None) -> str:
    """`expr` in LaTeX; `values` and `terms` as for `print_text`."""
    lay = _layout(expr, terms)
    if lay is not None:
        show = _latex_symbol(lay, names, values)
        if show is not None:
            got = fastprint.latex(lay, show, r" \times " if values is not None else r" \cdot ")
            return got if values is None else resolve(got, latex=True)
    mul = "times" if values is not None else "dot"
    return LatexPrinter(dict(names=names, values=values, mul_symbol=mul, indexed=indexed or {},
                             terms=terms)).doprint(expr)


MAX_OPERAND_PLACES = 15   # decimals an operand is shown with, at most, so that a step visibly adds up


def operands_that_add_up(expr, target, precision: int, shown_at: Callable[[int], dict],
                         terms: dict | None = None, *, widened_only: bool = False) -> dict | None:
    """The numbers to put into `expr` so that the step visibly adds up: `shown_at(precision)` (each
    symbol's value as shown at `precision`) when `expr` evaluated exactly at those shown numbers
    rounds to `target` (the step's value as shown at `precision`); else the operands at the fewest
    more places, up to MAX_OPERAND_PLACES, that do (1.0×(1 - 1.0) ≈ 0.02 becomes
    0.98×(1 - 0.98) ≈ 0.02; ln(1 - 1) at precision 0 becomes ln(1 - 0.6)); else, or when `expr`
    cannot be evaluated from numbers (a g'(net) left as a name), the first. At a SigFigs precision
    the operands are widened in significant figures (N, N + 1, ... up to 15).
    `expr` and `target` may be lists (a matrix step's entries and each one's value as shown): then every
    entry must add up at the same numbers. `widened_only`: None instead of the first (nothing widened:
    it adds up at `precision`, or at no places)."""
    exprs, targets = (list(expr), list(target)) if isinstance(expr, (list, tuple)) else ([expr], [target])
    exprs = [sp.sympify(e, strict=True) for e in exprs]     # (a matrix step's entries may be plain numbers)
    first = shown_at(precision)
    if any(not e.free_symbols <= first.keys() or e.atoms(AppliedUndef, sp.Derivative) for e in exprs):
        return None if widened_only else first
    sig = is_sig_figs(precision)             # widen in significant figures at a SigFigs precision
    for places in range(int(precision), max(int(precision), MAX_OPERAND_PLACES) + 1):
        shown = first if places == int(precision) else _longer(first, shown_at(SigFigs(places) if sig else places))
        if all((got := _reevaluated(e, shown, precision, terms)) is not None   # None: ln(1 - 1), not a number yet
               and _same_display(got, t) for e, t in zip(exprs, targets)):
            return None if widened_only and shown is first else shown
    return None if widened_only else first


def _decimals(v: str) -> int:
    return len(v.split("e")[0].partition(".")[2])


def _longer(first: dict, wider: dict) -> dict:
    """Per symbol, the display with more decimals: a small value shown with its first significant
    digits at the precision (0.0016) keeps them where more places would show fewer (0.002)."""
    return {s: v if _decimals(v) >= _decimals(first[s]) else first[s] for s, v in wider.items()}


_DISPLAY_EXPONENT = re.compile(r"[eE]([+-]?\d+)\s*$")


@functools.lru_cache(maxsize=4096)
def _display_fraction(text: str) -> Fraction:
    """A shown number as a Fraction; ValueError for one whose exponent is past ±4000 (1.250e-434294482:
    its Fraction would have that many digits) or that is no number. Kept for the latest 4,096 texts: a
    solution puts the same shown numbers (0.9, 1 − 0.999, a weight) into line after line."""
    m = _DISPLAY_EXPONENT.search(text)
    if m and abs(int(m.group(1))) > _MAX_WRITTEN_DIGITS:
        raise ValueError(f"exponent too large to compare exactly: {text}")
    return Fraction(text)


def _same_display(a: str, b: str) -> bool:
    """Two displays of one precision show the same number: 0.172 (exact) and 0.1720 (rounded) do."""
    try:
        return _display_fraction(a) == _display_fraction(b)
    except ValueError:
        return a == b


def _reevaluated(expr: sp.Expr, shown: dict, precision: int, terms: dict | None) -> str | None:
    """`expr` at the shown numbers, exactly, as shown at `precision`; None if it is not a number."""
    try:
        nums = {s: _display_fraction(v) for s, v in shown.items()}
    except ValueError:
        return None
    lay = _layout(expr, terms)
    if lay is not None:
        got = fastprint.value(lay, nums.__getitem__)
        value = sp.Rational(got.numerator, got.denominator)
    elif (fast := bounded_display(expr, nums, precision)) is not None:
        return fast
    else:
        value = expr.xreplace({s: sp.Rational(f.numerator, f.denominator) for s, f in nums.items()})
        if not value.is_number or value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not value.is_real:
            return None
    try:
        return format_value(value, precision)[0]
    except (ValueError, TypeError):
        return None
