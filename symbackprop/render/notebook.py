"""A document as one display-math block, for frontends that show `text/latex` with MathJax/KaTeX
(which render math, not LaTeX text mode)."""
from __future__ import annotations

from ..messages import msg
from .build import document
from .steps import aligned, step_links


def latex_math(obj, precision: int | None = None, lang: str = "en", **settings) -> str:
    """`obj` (anything render/build.py builds a document of): each part's name, each section's
    title, and each step as one row of an aligned block."""
    doc = document(obj, precision=precision, lang=lang, **settings)
    rows = []
    for part in doc.parts:
        if part.label:
            rows.append(r"&\textbf{" + msg(lang, "solution.part", name=part.label.replace('_', ' ')) + "}")
        for section in part.sections:
            rows.append(r"&\text{" + section.title.plain + "}")     # MathJax shows δ in \text
            rows += [aligned(step_links(part.math, s, part.precision, latex=True)) for s in section.steps]
    return "$$\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$$"
