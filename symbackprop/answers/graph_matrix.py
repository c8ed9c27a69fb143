"""Whole-matrix working in a graph's answer, judged entry by entry as a single value's working is.

`\\frac{\\partial L}{\\partial A} = -1 \\cdot \\begin{bmatrix}1 \\\\ 2 \\\\ -1\\end{bmatrix}\\begin{bmatrix}1 \\\\ 2 \\\\ -1
\\end{bmatrix}^T = \\begin{bmatrix}-1 & -2 & 1 \\\\ …\\end{bmatrix}`: the link right before the matrix's value, when it
is numbers and matrices (written as lists, graph_names.matrices_as_lists) combined by products, sums, numbers
and transposes, is worked out as text, entry by entry: entry (1, 2) is `(-1) \\cdot ((1) \\cdot (2))`, and the
answer's entry (1, 2) becomes the chain `(-1) \\cdot ((1) \\cdot (2)) = -2`, judged by graph_chain.py as any
scalar's chain is: its numbers right, the student's own follow-through, or wrong (sign slip, what they give), and
the value as following from them (arithmetic). Working this reader does not follow (a bracketed sum of
matrices, shapes that do not fit, a matrix of another shape than the answer's) is left as before: only the
value is judged.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .brackets import closing_brackets, split_top_level
from .graph_names import bracket_list, matrices_as_lists

MAX_TERMS = 8                  # matrices summed in one link
MAX_FACTORS = 8                # factors of one term
MAX_ENTRY_CHARS = 1500         # an entry's working written out; longer: the working is not followed
_TRANSPOSE = re.compile(r"\s*(?:\^\s*(?:\{\s*(?:T|\\top|\\intercal|\\(?:mathsf|mathrm|text)\s*\{\s*T\s*\})\s*\}"
                        r"|T(?![A-Za-z])|\\top(?![A-Za-z])|\\intercal(?![A-Za-z]))|ᵀ)")
_JOINERS = re.compile(r"^(?:\s|\\cdot(?![A-Za-z])|\\times(?![A-Za-z])|\*|·|×)*|(?:\s|\\cdot(?![A-Za-z])|"
                      r"\\times(?![A-Za-z])|\*|·|×)*$")
_OPERATOR_BEFORE = re.compile(r"(?:\\cdot|\\times|[*·×(^{,=+\-]|[eE](?<=\d[eE]))\s*$")
_PAIRS = {"(": ")", "[": "]", "{": "}"}

Matrix = list[list[str]]


def _terms(text: str) -> list[tuple[str, str]] | None:
    """The link cut at its top-level + and − between terms, each with its sign; None when too many. A + or −
    right after an operator (`2 \\cdot -1`, `1e-3`) or at the start is a sign, not a cut: its pieces are joined
    again (brackets.split_top_level cuts at every one)."""
    pieces = split_top_level(text, "+-")
    terms, sign, term, at = [], "+", pieces[0], len(pieces[0])
    for piece in pieces[1:]:
        ch, at = text[at], at + 1 + len(piece)
        if term.strip() and not _OPERATOR_BEFORE.search(term):
            terms.append((sign, term))
            sign, term = ch, piece
        else:
            term += ch + piece
    terms.append((sign, term))
    if terms and not terms[0][1].strip():
        return None
    return terms if len(terms) <= MAX_TERMS else None


def _factors(term: str) -> list[str | Matrix] | None:
    """A term's factors in order: a matrix written as a list (rows of entry texts; a flat list a column; a
    transpose after it applied), or the number-text between two (`2 \\times (0.5 - 1)`); None for anything
    this reader does not follow."""
    out: list[str | Matrix] = []
    closes = closing_brackets(term, "([{", ")]}")

    def closer(i: int) -> int | None:           # the bracket closing term[i], when it is of its kind
        j = closes.get(i)
        return j if j is not None and term[j] == _PAIRS[term[i]] else None
    i, done = 0, 0
    while i < len(term):
        if term[i] in "({":                            # a bracket holding a matrix is not followed
            close = closer(i)
            if close is None or "[" in term[i:close]:
                return None
            i = close + 1
            continue
        if term[i] != "[":
            i += 1
            continue
        close = closer(i)
        if close is None:
            return None
        scalar = _JOINERS.sub("", term[done:i])
        if scalar:
            out.append(scalar)
        listed = bracket_list(term[i:close + 1])
        if not listed:
            return None
        rows = [r if isinstance(r, list) else [r] for r in listed]
        if len({len(r) for r in rows}) != 1:
            return None
        t = _TRANSPOSE.match(term, close + 1)
        if t is not None:
            rows = [list(c) for c in zip(*rows)]
            close = t.end() - 1
        out.append(rows)
        i = done = close + 1
        if len(out) > MAX_FACTORS:
            return None
    scalar = _JOINERS.sub("", term[done:])
    if scalar:
        out.append(scalar)
    return out


def _product(factors: list, dot: bool = False) -> Matrix | None:
    """The factors multiplied out as texts (numbers scale, matrices multiply when their shapes fit; `dot`: two
    vectors of one length give their dot product, a 1×1)."""
    scalars = [f for f in factors if isinstance(f, str)]
    matrices = [f for f in factors if not isinstance(f, str)]
    if any(re.search(r"[\[\]=]|\\begin", s) for s in scalars):
        return None
    if not matrices:                   # a scalar's term of numbers alone (`3 + b·x`): a 1×1 there, else not followed
        return [[" \\cdot ".join(f"({f})" for f in scalars)]] if dot and scalars else None
    result = [[f"({e})" for e in row] for row in matrices[0]]
    summed = _dot(matrices) if dot else None
    if summed is not None:             # v · h of two vectors of one length: their dot product, one entry
        result, matrices = [[f"({summed})"]], []
    for m in matrices[1:]:
        if len(result[0]) != len(m):
            return None
        result = [[" + ".join(f"{result[r][k]} \\cdot ({m[k][c]})" for k in range(len(m)))
                   for c in range(len(m[0]))] for r in range(len(result))]
        result = [[f"({e})" if len(m) > 1 else e for e in row] for row in result]
    if scalars:
        scale = " \\cdot ".join(f"({s})" for s in scalars)
        result = [[f"{scale} \\cdot {e}" for e in row] for row in result]
    return result


def _dot(matrices: list[Matrix]) -> str | None:
    """Two vectors of one length n > 1, both columns or both rows (`v \\cdot h` as the worked solution writes
    a dot product; no matrix product fits them): Σ v_k h_k as text; None for any other factors."""
    if len(matrices) != 2:
        return None
    a, b = ([e for row in m for e in row] for m in matrices)
    shapes = {(len(m), len(m[0])) for m in matrices}
    if len(shapes) != 1 or len(a) < 2 or 1 not in shapes.pop():
        return None
    return " + ".join(f"({x}) \\cdot ({y})" for x, y in zip(a, b))


def worked_matrix(link: str, dot: bool = False) -> Matrix | None:
    """The link (numbers and matrices) worked out as a matrix of entry texts, or None when it holds no
    matrix, or working this reader does not follow. `dot`: a scalar's link, where two vectors of one length
    (`v \\cdot h` written out) are their dot product; elsewhere their shapes do not fit."""
    if len(link) > 4 * MAX_ENTRY_CHARS:
        return None
    text = matrices_as_lists(link).strip()
    over = _over(text)
    if over is not None:               # `\frac{d \cdot d}{2}`, `d \cdot d / 2` written out: each entry over it
        worked = _worked(over[0], dot)
        return None if worked is None else [[f"({e}) / ({over[1]})" for e in row] for row in worked]
    return _worked(text, dot)


_FRAC = re.compile(r"\\[dt]?frac\s*\{")
_DIVISOR = re.compile(r"/\s*(\(\s*[0-9.]+\s*\)|\{\s*[0-9.]+\s*\}|[0-9.]+)\s*$")


def _over(text: str) -> tuple[str, str] | None:
    """(numerator, number) of a link that is matrices' working over a number: `\\frac{A}{2}` whole, or `A / 2`
    with A one term (`a + b / 2` divides b alone); None otherwise, or when the divisor holds a matrix."""
    m = _FRAC.match(text)
    if m is not None:
        closes = closing_brackets(text, "{", "}")
        top_end = closes.get(m.end() - 1)
        if top_end is None:
            return None
        rest = text[top_end + 1:]
        start = top_end + 1 + len(rest) - len(rest.lstrip())
        if start >= len(text) or text[start] != "{" or closes.get(start) != len(text) - 1:
            return None
        den = text[start + 1:-1].strip()
        return (text[m.end():top_end], den) if den and "[" not in den else None
    d = _DIVISOR.search(text)
    if d is None or "[" not in text[:d.start()]:
        return None
    num = text[:d.start()]
    terms = _terms(num.strip())
    return (num.strip(), d.group(1).strip("(){} ")) if terms is not None and len(terms) == 1 else None


def _worked(text: str, dot: bool) -> Matrix | None:
    """worked_matrix of a link already written with lists."""
    terms = _terms(text)
    if terms is None or "[" not in text:
        return None
    total: Matrix | None = None
    for sign, term in terms:
        factors = _factors(term)
        if not factors:
            return None
        m = _product(factors, dot)
        if m is None:
            return None
        if total is None:
            total = [[e if sign == "+" else f"-({e})" for e in row] for row in m]
        elif (len(total), len(total[0])) != (len(m), len(m[0])):
            return None
        else:
            total = [[f"{a} {sign} ({b})" for a, b in zip(ra, rb)] for ra, rb in zip(total, m)]
    if total is None or any(len(e) > MAX_ENTRY_CHARS for row in total for e in row):
        return None
    return total


@lru_cache(maxsize=256)
def worked_entries(text: str) -> tuple[str, ...] | None:
    """For a chain ending in a matrix (`… = -1 \\cdot [[1], [2], [-1]] [[1, 2, -1]] = [[-1, -2, 1], …]`), each
    entry of its value, in row order, as the chain `its working = its value` (`(-1) \\cdot ((1) \\cdot (1)) =
    -1`); None when the link before the value is no working this reader follows, or of another shape.
    Remembered (a tuple, not to be changed): a write-up's matrix is asked about when it is read
    (graph_answers._check_writeup) and again when its entries are judged, and is worked out once."""
    from .latex import split_relations
    links = split_relations(text)
    if len(links) < 2:
        return None
    rel, last = links[-1]
    value = bracket_list(last)
    worked = worked_matrix(links[-2][1])
    if not value or worked is None:
        return None
    rows = [r if isinstance(r, list) else [r] for r in value]
    flat_value = [e for r in rows for e in r]
    shapes = {(len(rows), len(rows[0]))} if all(isinstance(r, list) for r in value) else \
        {(len(value), 1), (1, len(value))}
    if (len(worked), len(worked[0])) not in shapes:
        return None
    relation = "\\approx" if rel == "≈" else "="
    flat_worked = [e for r in worked for e in r]
    return tuple(f"{w} {relation} {v}" for w, v in zip(flat_worked, flat_value))


__all__ = ["worked_entries", "worked_matrix"]
