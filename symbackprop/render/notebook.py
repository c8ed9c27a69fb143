"""A solution as one display-math block, for frontends that show `text/latex` with MathJax/KaTeX
(which render math, not LaTeX text mode)."""
from __future__ import annotations

from ..solution import Solution
from ..messages import msg
from .prose import section_title
from .steps import aligned_row, links


def latex_math(solution: Solution, precision: int | None = None, lang: str = "en") -> str:
    rows = []
    for psol in solution.parts:
        p = psol.part.precision if precision is None else precision
        rows.append(r"&\textbf{" + msg(lang, "solution.part", name=psol.name.replace('_', ' ')) + "}")
        for section, steps in psol.sections():
            rows.append(r"&\text{" + section_title(section, lang) + "}")     # MathJax shows δ in \text
            rows += [aligned_row(links(psol, s, p, latex=True)) for s in steps]
    return "$$\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$$"
