"""Markdown worked solution with $…$ math (Jupyter, GitHub, most Markdown viewers)."""
from __future__ import annotations

from ..solution import Solution
from .prose import note, part_heading, section_title
from .steps import chain, given_inline


def render(solution: Solution, precision: int | None = None, lang: str = "en", **_) -> str:
    out = [f"# {solution.title}", ""]
    for psol in solution.parts:
        p = psol.part.precision if precision is None else precision
        out += [f"## {part_heading(psol, lang, p, latex=True)}", ""]
        out += [f"- {note(psol, n, lang, latex=True)}" for n in psol.conventions] + [""]
        for section, steps in psol.sections():
            out += [f"### {section_title(section, lang)}", ""]
            if section == "given":
                out += [given_inline(psol, steps, p), ""]
                continue
            for s in steps:
                out += [f"$$ {chain(psol, s, p, latex=True)} $$", ""]
    return "\n".join(out)
