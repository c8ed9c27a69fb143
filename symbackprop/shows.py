"""How a worked solution shows itself in Jupyter and Colab: one mixin for a network's `Solution`
and a graph's `GraphSolution`, so that both display the same way (the renderers do the work)."""
from __future__ import annotations


class Shows:
    """Jupyter and Colab call `_repr_markdown_`/`_repr_latex_` to show the object as its worked
    solution; `show(lang)` does the same in another language."""

    def _repr_markdown_(self) -> str:
        from .render import render
        return render(self, "markdown")

    def _repr_latex_(self) -> str:
        from .render.notebook import latex_math
        return latex_math(self)

    def show(self, lang: str = "en"):
        """The solution as a notebook shows it, in `lang`: `solution.show(lang="zh")` (render/display.py)."""
        from .render.display import Shown
        return Shown(self, lang)
