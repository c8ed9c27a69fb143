"""Markdown worked solution with $…$ math (Jupyter, GitHub, most Markdown viewers)."""
from __future__ import annotations

from ..solution import Solution
from ..usertext import one_line
from .prose import note, part_heading, section_title
from .steps import chain, given_inline


_MD_SPECIALS = frozenset("\\`*_[]<>#$|~&")


def md_escape(text: str) -> str:
    """User text (titles) for a Markdown heading: one line, and no character that starts markup,
    HTML or math ($) is left active, so a title cannot break or script the page."""
    return "".join("\\" + c if c in _MD_SPECIALS else c for c in one_line(text))


def render(solution: Solution, precision: int | None = None, lang: str = "en", **_) -> str:
    out = [f"# {md_escape(solution.title)}", ""]
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
