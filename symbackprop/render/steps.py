"""The chain of one step, `lhs = rule = numbers ≈ value`, in text or LaTeX (formatting only)."""
from __future__ import annotations

from ..printing import print_latex, print_text, print_twice
from ..solution import PartSolution, Step


def links(psol: PartSolution, step: Step, precision: int, latex: bool = False) -> list[tuple[str, str]]:
    """[(relation, expression), …]: the lhs (relation ''), then each form, the form with numbers
    substituted and the value. Links that print like the one before are dropped."""
    names = psol.names.latex if latex else psol.names.text
    show = print_latex if latex else print_text
    value, exact = step.shown(precision)
    terms = psol.term_order
    out = [("", show(step.symbol, names))]
    forms = [show(f, names, terms=terms) for f in step.forms[:-1]]
    if step.forms:
        forms += print_twice(step.forms[-1], names, psol.shown_leaves(step, precision), latex, terms)
    for f in forms:
        if f != out[-1][1]:
            out.append(("=", f))
    if out[-1][1] != value:
        out.append(("=" if exact else (r"\approx" if latex else "≈"), value))
    return out


def given_inline(psol: PartSolution, steps, precision: int) -> str:
    """Given values as inline LaTeX math: `$w_{03} = 1$, $x_{1} = 1$, …`."""
    pairs = (links(psol, s, precision, latex=True) for s in steps)
    return ", ".join(f"${ls[0][1]} = {ls[-1][1]}$" for ls in pairs)


def aligned_row(parts: list[tuple[str, str]]) -> str:
    """Links as one row of an align/aligned environment: `lhs & = a = b ≈ c`."""
    return f"{parts[0][1]} &" + "".join(f" {r} {e}" for r, e in parts[1:])


def chain(psol: PartSolution, step: Step, precision: int, latex: bool = False) -> str:
    """The step as one line."""
    return " ".join(f"{rel} {expr}" if rel else expr for rel, expr in links(psol, step, precision, latex))
