"""Comparing a student's number with the expected one: a tolerance model that knows about rounding.

- within `relative` of the expected value, with an absolute floor near zero (by default half a
  unit in the last decimal place the problem asks for), a number is right;
- a number shown to d decimal places is right when it is the expected value rounded to d places
  and d is at least the precision asked for; with fewer places it is right "only to d places";
- one unit off in the last shown place is "rounded wrongly";
- an expression of rounded numbers (−(1 − 0.491) × 0.2499) is right when the expected value lies
  within the error that rounding those numbers can cause.

Never "round both to 6 places": that calls 0.1234996 and 0.1235004 different.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

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
    """Compare one number (with the decimal places it was written with, if it was a decimal)."""
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
    unit = 10.0 ** -decimals
    if decimals < asked and float(f"{expected:.{decimals}f}") == 0:
        return Match("")             # the value to d places is 0: no digit of it is shown (1 or 0 for 0.491)
    if decimals < asked and diff <= 0.5 * unit * (1 + 1e-9) + slack:
        return Match("imprecise", f"right to {decimals} decimal place{'s' if decimals != 1 else ''}; "
                                  f"the problem asks for {asked}")
    if diff < unit:                                   # between the right value's neighbours: misrounded
        return Match("rounding", f"rounded wrongly: {expected:.{decimals}f} to {decimals} places")
    return Match("")
