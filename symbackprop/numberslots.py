"""Numbers put into a printed rule as a textbook writes them: no doubled brackets or signs.

The printers (printing.py, fastprint.py) write each value put in for a symbol as a marked slot,
`MARK_OPEN + value + MARK_CLOSE`, and `resolve` then writes each value by what stands around it:

- a negative value is bracketed only where the context needs it: after ×, /, a power's ^, or
  before a power (`(-3)²`); not as a function argument, not at the start of a sum, a bracket, a
  fraction's numerator or denominator in LaTeX, or a case;
- a minus applied to a negative value folds: −(−a) → a, x − (−a) → x + a, x + (−a) → x − a;
- a minus applied to a shown zero is dropped: −0 → 0 (`-0×ln(…)` → `0×ln(…)`, `exp(-0)` → `exp(0)`).

Every rewrite keeps the value of the printed expression (a negative factor of a product carries its
sign to the product; a power keeps its brackets), so the substitution still equals the shown value.
"""
from __future__ import annotations

import re

MARK_OPEN, MARK_CLOSE = "\x03", "\x04"
_MARK = re.compile("\x03([^\x04]*)\x04")
_ZERO = re.compile(r"0(?:\.0*)?")

# contexts in which a bare negative number reads as the number it is
_TEXT_OPEN = ("(", ", ", "[", "{", "; ", "|")
_LATEX_OPEN = ("{", "(", ", ", "& ", r"\left|")


def mark(value: str) -> str:
    """`value` as a slot for `resolve`."""
    return MARK_OPEN + value + MARK_CLOSE


def _unary_minus(acc: str, latex: bool) -> int:
    """How many characters of the unary minus that ends `acc` (0 if it does not end with one).
    Text writes a binary minus ` - ` and a unary one `-` right before its operand; SymPy's LaTeX
    writes `- ` for both, a binary one after a space (a graph's formula, a unary `-` alone)."""
    if latex:
        if acc == "- " or acc.endswith(("{- ", "(- ")):
            return 2
        return 1 if acc == "-" or acc.endswith(("{-", "(-")) else 0      # render/graph.py's -x
    if not acc.endswith("-"):
        return 0
    before = acc[:-1]        # `; -x` in a case or `, -x` in max(…): a unary minus after an opener's space
    return 1 if not before.endswith(" ") or before.endswith(_TEXT_OPEN) else 0


def resolve(s: str, latex: bool = False) -> str:
    """`s` with each slot written as the module docstring says. Text is resolved before
    printing.TextPrinter.finish (products still `*`, powers `**`)."""
    if MARK_OPEN not in s:
        return s
    acc = ""
    pos = 0
    power = "^" if latex else "**"
    open_ = _LATEX_OPEN if latex else _TEXT_OPEN
    for m in _MARK.finditer(s):
        acc += s[pos:m.start()]
        pos = m.end()
        v = m.group(1)
        before_power = s.startswith(power, pos)
        if v.startswith("-"):
            unary = _unary_minus(acc, latex)
            if before_power or acc.endswith(power):
                acc += rf"\left({v}\right)" if latex else f"({v})"
            elif acc.endswith(" - ") and not unary:
                acc = acc[:-3] + " + " + v[1:]
            elif acc.endswith(" + "):
                acc = acc[:-3] + " - " + v[1:]
            elif unary:
                acc = acc[:-unary] + v[1:]
            elif acc == "" or acc.endswith(open_):
                acc += v
            else:
                acc += rf"\left({v}\right)" if latex else f"({v})"
        else:
            if _ZERO.fullmatch(v):
                unary = _unary_minus(acc, latex)
                if unary:
                    acc = acc[:-unary]
            acc += v
    return acc + s[pos:]
