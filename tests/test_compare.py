"""The tolerance model (answers/compare.py) as laws that hold for every value."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from symbackprop.answers.compare import Tolerance, compare_number

values = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)
places = st.integers(min_value=0, max_value=8)


def rounded(x: float, d: int) -> float:
    return float(f"{x:.{d}f}")


@given(values, places)
@pytest.mark.slow
def test_a_correctly_rounded_value_is_right_or_imprecise(x, d):
    tol = Tolerance(precision=4)
    r = rounded(x, d)
    status = compare_number(r, d, x, tol).status
    if abs(r - x) <= 1e-12 * max(1.0, abs(x)):
        assert status == "correct"                   # the exact value, written with few places
    elif d >= 4:
        assert status == "correct"
    elif abs(abs(x - r) - 0.5e-4) <= 1e-9 * 0.5e-4 + 2e-12 * max(1.0, abs(x)):
        assert status in ("correct", "imprecise")    # x on the tie of its 4-place rounding, to float64 precision
    elif rounded(x, 4) == r:
        assert status == "correct"                   # x to 4 places with its trailing zeros left out (issue 13)
    elif abs(x) >= 10.0 ** -d:
        assert status == "imprecise"                 # right to d places, showing a digit of x
    else:
        assert status == ""                          # 0 for 0.491, 1 for 0.982: x to d places shows none of its digits


@given(values, st.integers(min_value=1, max_value=6))
def test_one_unit_off_in_the_last_place_is_never_right(x, d):
    """x to d places, with its last digit one unit up or down, is wrong (unless x lies on the tie between
    the two roundings, to float64 precision, where the neighbour on x's side is a correct rounding too)."""
    unit, r = 10.0 ** -d, rounded(x, d)
    away = r - unit if r <= x else r + unit               # one unit off, on the side away from x
    assert abs(abs(away - r) - unit) <= 1e-9 * max(1.0, abs(r))
    assert compare_number(away, d, x, Tolerance(precision=d)).status != "correct"
    toward = r + unit if r <= x else r - unit             # one unit off, on x's side
    tie = 1e-9 * unit + 2e-12 * max(1.0, abs(x))          # within float64's error (compare.py's slack)
    if abs(abs(x - r) - unit / 2) > tie:                  # not on the tie
        assert compare_number(toward, d, x, Tolerance(precision=d)).status != "correct"


@given(values)
def test_the_exact_value_is_right_however_few_places_it_shows(x):
    assert compare_number(x, 0 if float(x).is_integer() else None, x, Tolerance(precision=6)).status == "correct"


@given(values, st.floats(min_value=1e-6, max_value=0.1))
def test_a_teachers_relative_tolerance_accepts_what_it_says(x, rel):
    near = x * (1 + rel / 2)
    assert compare_number(near, None, x, Tolerance(relative=rel, precision=4)).status == "correct"
    if abs(x) > 1e-3 and not math.isclose(rel, 0):
        far = x * (1 + 3 * rel) + math.copysign(1e-3, x)
        assert compare_number(far, None, x, Tolerance(relative=rel, absolute=0.0, precision=4)).status != "correct"


def test_a_tie_far_from_zero_is_still_correctly_rounded():
    x = 10000.0005                                   # float64 holds it a hair off the tie
    assert compare_number(float(f"{x:.3f}"), 3, x, Tolerance(precision=4)).status == "imprecise"
