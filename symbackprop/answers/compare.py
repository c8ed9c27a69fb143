"""Comparing a student's number with the expected one: a tolerance model that knows about rounding.

- within `relative` of the expected value, with an absolute floor near zero (by default half a
  unit in the last decimal place the problem asks for), a number is right;
- a number shown to d decimal places is right when it is the expected value rounded to d places
  and d is at least the precision asked for, or when it is the rounding to the places asked with
  its trailing zeros left out (−0.05 for −0.0499999999975: −0.0500 at 4 places); else, with fewer
  places, it is right "only to d places" (imprecise) when those places reach the value's first
  significant digit (0.98 for 0.98201), else wrong (1 for 0.982);
- one unit off in the last shown place is "rounded wrongly";
- an expression of rounded numbers (−(1 − 0.491) × 0.2499) is right when the expected value lies
  within the error that rounding those numbers can cause.

Never "round both to 6 places": that calls 0.1234996 and 0.1235004 different.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from ..messages import said

DECIMAL = re.compile(r"^\s*[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?\s*$")


@dataclass(frozen=True)
class Tolerance:
    relative: float | None = None      # None: numbers written as decimals are judged by their rounding
    absolute: float | None = None      # None: half a unit in the last decimal place asked for
    precision: int = 4                 # decimal places the problem asks for

    @property
    def floor(self) -> float:
        return self.absolute if self.absolute is not None else 0.5 * 10.0 ** -self.precision


EXPRESSION_RELATIVE = 1e-6             # for values computed from an expression, beyond its rounding


def shown_decimals(text: str) -> int | None:
    """Decimal places of a number as written ("0.1275" → 4, "3" → 0, "4.9e-1" → 2: the places of
    its mantissa moved by the exponent); None for anything else."""
    m = DECIMAL.match(text)
    if not m or not (m.group(1) or m.group(2)):
        return None
    return max(len(m.group(2) or "") - int(m.group(3) or 0), 0)


# one number as written: a decimal, or scientific notation (mantissa × 10^k) in any of the spellings
# students use: 8.056e-4, 8.056E{-4}, 8.056\\mathrm{e}{-4}, 8.056 \\times 10^{-4}, 8.056 \\cdot 10^{-4}.
# The exponent has at most 3 digits (as a YAML or JSON number's): the exact value stays cheap to compute.
_MANTISSA = r"(\d+(?:\.\d*)?|\.\d+)"
_EXPONENT = (r"(?:(?:[eE]|\\mathrm\s*\{\s*[eE]\s*\})\s*(?:\{\s*([+-]?\d{1,3})\s*\}|([+-]?\d{1,3}))"
             r"|(?:\\times|\\cdot)\s*10\s*\^\s*(?:\{\s*([+-]?\d{1,3})\s*\}|(\d)))")
NUMBER = re.compile(rf"{_MANTISSA}(?:\s*{_EXPONENT})?")
SCIENTIFIC = re.compile(rf"{_MANTISSA}\s*{_EXPONENT}")
_PAIRS = {"(": ")", "{": "}", "[": "]"}


def written_number(text: str, figures: bool = False) -> tuple[Fraction, int] | None:
    """The exact value and decimal places of a text that is one number as written, or None: a
    decimal (`0.9820` shows 4 places) or scientific notation (`8.056e-4`, `8.056 \\times 10^{-4}`,
    `8.056 \\cdot 10^{-4}`, `8.056\\mathrm{e}{-4}`: the mantissa's places moved by the exponent,
    7 here, as `0.0008056` shows), with a sign and wrapping parentheses or braces (`(8.056e-4)`,
    `-{0.98}`, `$0.98$`). The places are the value's, whichever way it is spelt; with `figures`,
    scientific notation that stops before the units keeps negative places (1.53e6: −4, its last
    significant figure in the 10^4 place), else they are 0."""
    t = text.strip().strip("$").strip()
    sign, signed = 1, False
    while t:
        if t[0] in "+-" and not signed:        # one sign before each wrapper: `-(-0.98)`, never `--0.98`
            sign, signed = -sign if t[0] == "-" else sign, True
            t = t[1:].strip()
        elif t[0] in _PAIRS and t[-1] == _PAIRS[t[0]] and _wraps(t):
            t, signed = t[1:-1].strip(), False
        else:
            break
    m = NUMBER.fullmatch(t)
    if not m:
        return None
    mantissa = m.group(1)
    exponent = int(next((g for g in m.groups()[1:] if g is not None), "0"))
    value = Fraction(mantissa) * Fraction(10) ** exponent
    places = len(mantissa.partition(".")[2]) - exponent
    # scientific notation that rounds beyond the units (1.53e6: -4) keeps its negative places: the
    # significant figures it shows; a plain integer has 0 places (its trailing zeros are ambiguous)
    return sign * value, places if figures and exponent and value else max(places, 0)


def _wraps(text: str) -> bool:
    """Whether the first bracket of `text` closes at its very end (`(1)` yes, `(1)(2)` no)."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
            if depth == 0:
                return i == len(text) - 1
    return False


def within(given: float, expected: float, tol: Tolerance, extra: float = 0.0) -> bool:
    """Within the tolerance: the problem's (or the command line's), else a tight relative one."""
    rel = tol.relative if tol.relative is not None else EXPRESSION_RELATIVE
    return abs(given - expected) <= max(tol.floor, rel * abs(expected)) + extra


@dataclass(frozen=True)
class Match:
    """How a number relates to the expected value: status and the words for it."""

    status: str          # correct, imprecise, rounding, or "" (no match)
    message: str = ""


def compare_number(given: float, decimals: int | None, expected: float, tol: Tolerance,
                   rounding_bound: float = 0.0) -> Match:
    """Compare one number (with the decimal places it was written with, if it was a decimal; negative
    places for scientific notation that stops before the units, 1.53e6 having −4). A rounding beyond
    the units place is judged by the significant figures it shows (figures_match)."""
    match = _compare_places(given, decimals, expected, tol, rounding_bound)
    if match.status in ("correct", "imprecise") or decimals is None or tol.relative is not None:
        return match
    by_figures = figures_match(given, decimals, expected, tol)
    return by_figures if by_figures is not None else match


def compare_within(compare, given: float, decimals: int | None, centre: float, spread: tuple[float, float],
                   tol: Tolerance) -> Match:
    """`compare(given, decimals, target)` against the interval centre − below … centre + above (`spread`, the
    student's own values each moved by half a unit in their last place): the better of the centre and the
    point of the interval nearest `given`. A value shown to fewer places than asked stays imprecise at best.
    Networks (checker.py) and graphs (graph_answers.py) judge answers from rounded earlier values by it."""
    at_centre = compare(given, decimals, centre)
    below, above = spread
    if at_centre.status == "correct" or not (below > 0 or above > 0):
        return at_centre
    match = compare(given, decimals, min(max(given, centre - below), centre + above))
    asked = tol.precision
    if match.status == "correct" and decimals is not None and 0 <= decimals < asked and tol.relative is None:
        # the centre's own P-place rounding without its trailing zeros was taken above (at_centre); a value with
        # fewer places that is only some other point of the interval stays imprecise (0.355 from h = 0.701)
        match = Match("imprecise", said("diagnosis.imprecise_places" if decimals != 1 else "diagnosis.imprecise_place",
                                        decimals=decimals, asked=asked))
    rank = ("correct", "imprecise", "rounding", "")
    return match if rank.index(match.status) <= rank.index(at_centre.status) else at_centre


def _compare_places(given: float, decimals: int | None, expected: float, tol: Tolerance,
                    rounding_bound: float = 0.0) -> Match:
    """The decimal-place policy (a number with negative places is read here as an integer, 0 places)."""
    if decimals is not None:
        decimals = max(decimals, 0)
    if tol.relative is not None and within(given, expected, tol, rounding_bound):
        return Match("correct")                       # a tolerance the teacher chose
    diff = abs(given - expected)
    if diff <= 1e-12 * max(1.0, abs(expected)):
        return Match("correct")                       # exactly right, however it was written
    if decimals is None:
        return Match("correct") if within(given, expected, tol, rounding_bound) else Match("")
    asked = tol.precision
    slack = 1e-12 * max(1.0, abs(expected))          # float64's own error in `given` and `expected`
    if decimals >= asked and diff <= max(0.5 * 10.0 ** -asked * (1 + 1e-9) + slack, tol.absolute or 0.0):
        return Match("correct")                       # right to the places asked (or more)
    if decimals < asked and diff <= 0.5 * 10.0 ** -asked * (1 + 1e-9) + slack:
        # the value rounded to the places asked, its trailing zeros left out (-0.05 for -0.0499999999975, whose
        # 4 places are -0.0500; 0.13 for 0.129996): it says the same number as that rounding
        return Match("correct")
    unit = 10.0 ** -decimals
    if decimals < asked and (float(f"{expected:.{decimals}f}") == 0 or abs(expected) < unit):
        # so few places that no digit of the value is shown: its first significant digit lies beyond
        # them (1 or 0 for 0.491, 1 for 0.982, 0.1 for 0.0636 — rounded to fewer than one significant digit)
        return Match("")
    if decimals < asked and diff <= 0.5 * unit * (1 + 1e-9) + slack:
        return Match("imprecise", said("diagnosis.imprecise_places" if decimals != 1 else "diagnosis.imprecise_place",
                                       decimals=decimals, asked=asked))
    if diff < unit * (1 - 1e-9) - slack:              # between the right value's neighbours (not on one): misrounded
        return Match("rounding", said("diagnosis.rounding_places" if decimals != 1 else "diagnosis.rounding_place",
                                      value=f"{expected:.{decimals}f}", decimals=decimals))
    return Match("")


# ---- significant figures: a rounding beyond the units place -------------------------------------------
MIN_FIGURES = 3      # a rounding beyond the units counts only when it shows at least this many figures


def _figures_units(given: float, decimals: int) -> list[int]:
    """The powers of ten a number may have been rounded to beyond the units, finest first: exactly
    10^-decimals for scientific notation (1.53e6: 10^4); 10^1 … 10^z for an integer with z trailing
    zeros (1525000: 10^1, 10^2, 10^3 — which of its zeros are significant it does not say)."""
    if decimals < 0:
        return [-decimals]
    if decimals > 0 or given != int(given) or given == 0 or abs(given) >= 1e300:
        return []
    digits = str(abs(int(given)))
    zeros = len(digits) - len(digits.rstrip("0"))
    return list(range(1, zeros + 1))


def _figures(given: float, power: int) -> int:
    """How many significant figures `given` shows when its last one is in the 10^power place."""
    return len(str(abs(int(round(given / 10.0 ** power))))) if given else 0


def _rounded_text(expected: float, power: int) -> str:
    from decimal import ROUND_HALF_UP, Decimal
    return f"{int(Decimal(repr(expected)).scaleb(-power).quantize(Decimal(1), ROUND_HALF_UP)) * 10 ** power}"


def _plural(n: int, word: str) -> str:
    """`3 significant figures`, `1 decimal place` (word: "significant figure" or "decimal place"), as a
    catalogue message (count.*) that a report says again in its language."""
    what = word.replace(" ", "_")
    return said(f"count.{what}" if n == 1 else f"count.{what}s", n=n)


def figures_match(given: float, decimals: int, expected: float, tol: Tolerance) -> Match | None:
    """A number rounded beyond its units (1.53 × 10^6, 1525000, −1530) judged by the significant figures
    it shows: imprecise ("right to 3 significant figures") when the value rounds to it at the finest
    place its writing allows, rounded wrongly when it lies between that rounding's neighbours; None when
    it is neither, or shows fewer than MIN_FIGURES figures (too few to tell the answer from another
    value: 1500000 for 1525225)."""
    slack = 1e-12 * max(1.0, abs(expected))
    diff = abs(given - expected)
    units = _figures_units(given, decimals)
    for power in units:
        if diff <= 0.5 * 10.0 ** power * (1 + 1e-9) + slack:
            n = _figures(given, power)
            if n < MIN_FIGURES:
                return None
            return Match("imprecise", said("diagnosis.imprecise_figures", figures=_plural(n, "significant figure"),
                                           places=_plural(tol.precision, "decimal place")))
    if units:
        power = units[-1]
        n = _figures(given, power)
        if n >= MIN_FIGURES and diff < 10.0 ** power * (1 - 1e-9) - slack:
            return Match("rounding", said("diagnosis.rounding_figures", value=_rounded_text(expected, power),
                                          figures=_plural(n, "significant figure")))
    return None


def too_few_figures(given: float, decimals: int | None, expected: float) -> str | None:
    """Why a rounding beyond the units is wrong although the value rounds to it: it shows fewer than
    MIN_FIGURES significant figures (1500000 or 1.5e6 for 1525225). None when that is not the case."""
    if decimals is None:
        return None
    diff = abs(given - expected)
    for power in _figures_units(given, decimals):
        if diff <= 0.5 * 10.0 ** power * (1 + 1e-9) + 1e-12 * max(1.0, abs(expected)):
            n = _figures(given, power)
            if n < MIN_FIGURES:
                return said("diagnosis.too_few_figures", figures=_plural(n, "significant figure"), least=MIN_FIGURES)
            return None
    return None


def shows_no_digit(given: float, decimals: int | None, expected: float, asked: int) -> bool:
    """Whether `given` IS the expected value rounded to its `decimals` places (fewer than the `asked`
    ones) and those places stop before the value's first significant digit: 0.0 or 0 for 0.0343, 1 for
    0.982, 0.1 for 0.0636. Then the answer "shows no digit of the value"; any other number (0.5 for
    0.0343, 1 for 0.491) is simply wrong, not a rounding."""
    if decimals is None or not 0 <= decimals < asked or not 0 < abs(expected) < 10.0 ** -decimals:
        return False
    slack = 1e-12 * max(1.0, abs(expected))
    return abs(given - expected) <= 0.5 * 10.0 ** -decimals * (1 + 1e-9) + slack
