"""An object of the library as a notebook shows it, in a chosen language: `solution.show(lang="zh")`.

Jupyter and Colab show the last expression of a cell by its `_repr_markdown_` (and `_repr_latex_`),
which take no arguments, so a solution, a derivation or a check report shows itself in English; its
`show(lang)` returns this wrapper, whose displays are said in `lang` (a catalogue file of messages/).
"""
from __future__ import annotations

from ..messages import catalogue


class Shown:
    """`obj` displayed in `lang`: a Solution (a network's or a graph's), a GeneralDerivation or a PartReport (answers/checker.py)."""

    def __init__(self, obj: object, lang: str = "en") -> None:
        catalogue(lang)                          # an unknown language is refused here, not at display time
        self.obj, self.lang = obj, lang

    def _repr_markdown_(self) -> str:
        from ..answers.checker import PartReport
        from ..graph import GraphSolution
        from ..solution import Solution
        from ..symbolic_rules import GeneralDerivation
        if isinstance(self.obj, (Solution, GraphSolution)):
            from . import render
            return render(self.obj, "markdown", lang=self.lang)
        if isinstance(self.obj, GeneralDerivation):
            from .rules import render_markdown
            return render_markdown([self.obj], lang=self.lang)
        if isinstance(self.obj, PartReport):
            from ..messages import msg
            from .report import render_markdown as report_markdown
            return report_markdown([self.obj], msg(self.lang, "report.notebook_source", part=self.obj.part), [],
                                   lang=self.lang)
        raise TypeError(f"cannot show a {type(self.obj).__name__}")

    def _repr_latex_(self) -> str | None:
        from ..graph import GraphSolution
        from ..solution import Solution
        if isinstance(self.obj, (Solution, GraphSolution)):
            from .notebook import latex_math
            return latex_math(self.obj, lang=self.lang)
        return None                              # the frontend uses the Markdown

    def __repr__(self) -> str:
        return f"<{type(self.obj).__name__} shown in {self.lang!r}>"
