"""The chain of one step, `lhs = rule = numbers ≈ value`, in text or LaTeX (formatting only)."""
from __future__ import annotations

from ..printing import format_value, print_latex, print_text
from ..solution import PartSolution, Step


def chain(psol: PartSolution, step: Step, precision: int, latex: bool = False) -> str:
    """The step as one line. Links that print the same as the one before are dropped."""
    names = psol.names.latex if latex else psol.names.text
    show = print_latex if latex else print_text
    value, exact = format_value(step.value, precision)
    links = [show(step.symbol, names)]
    for form in step.forms:
        links.append(show(form, names))
    if step.forms:
        shown = {s: format_value(v, precision)[0] for s, v in step.leaves.items()}
        links.append(show(step.forms[-1], names, shown))
    out = links[0]
    prev = out
    for link in links[1:]:
        if link != prev:
            out += " = " + link
        prev = link
    if prev != value:
        approx = r"\approx" if latex else "≈"
        out += f" {'=' if exact else approx} {value}"
    return out
