"""What a wrong value of a computation graph's item shows: the wrong sign, a factor 2 or ½ too many
or left out (the 2 of d/dy (y − t)² = 2(y − t), a ½ the graph does not have), and for a matrix
gradient its transpose. Each is found from the number alone, as for a network (diagnose.py); a
later item computed from such a value follows through (graph_own.py), so the mistake is charged once.
"""
from __future__ import annotations

from ..messages import said
from .compare import Tolerance, compare_number

# (factor the student's value is multiplied by to give the true one, diagnosis, message id)
_FACTORS = ((-1.0, "sign", "diagnosis.sign"),
            (2.0, "factor_half", "graph_answers.factor_half"),
            (0.5, "factor_two", "graph_answers.factor_two"))


def diagnose_graph_value(number: float, places: int | None, expected: float, tol: Tolerance
                         ) -> tuple[str, str] | None:
    """(diagnosis, message) for a wrong value that is the expected one up to its sign or a factor 2 or
    ½ (to the places written, each widened by the factor), or None. A 0 expected tells nothing."""
    if expected == 0 or number == 0:
        return None
    for factor, code, key in _FACTORS:
        slack = 0.0 if places is None else 0.5 * 10.0 ** -places * abs(factor) * (1 + 1e-9)
        if compare_number(number * factor, None, expected, tol, slack).status in ("correct", "imprecise"):
            return code, said(key)
    return None


def transposed(given: list, expected_rows: list[list[float]], tol: Tolerance) -> bool:
    """Whether a matrix written as rows (`given`, numbers) is the transpose of the expected one and not
    the expected one itself: ∂L/∂A written with rows and columns swapped (for a square A, the entries
    off the diagonal). Entries not numbers, or of another shape, are not."""
    rows, cols = len(expected_rows), len(expected_rows[0]) if expected_rows else 0
    if rows < 2 or cols < 2 or len(given) != cols or any(not isinstance(r, list) or len(r) != rows for r in given):
        return False
    try:
        values = [[float(v) for v in r] for r in given]
    except (TypeError, ValueError):
        return False

    def close(a: float, b: float) -> bool:
        return compare_number(a, None, b, tol, 0.5 * 10.0 ** -tol.precision).status in ("correct", "imprecise")

    if rows == cols and all(close(values[r][c], expected_rows[r][c]) for r in range(rows) for c in range(cols)):
        return False
    return all(close(values[c][r], expected_rows[r][c]) for r in range(rows) for c in range(cols))
