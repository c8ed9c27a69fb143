"""Markdown with $…$ math (Jupyter, GitHub, most Markdown viewers), of any document."""
from __future__ import annotations

from ..document import Document, Part, Step
from ..usertext import one_line
from .build import document
from .latex import tex_escape
from .mdtext import md_text
from .steps import broken, inline, joined, step_links

_MD_SPECIALS = frozenset("\\`*_[]<>#$|~&")


def md_escape(text: str) -> str:
    """User text (titles) for a Markdown heading: one line, and no character that starts markup,
    HTML or math ($) is left active, so a title cannot break or script the page."""
    return "".join("\\" + c if c in _MD_SPECIALS else c for c in one_line(text))


def render(obj, **settings) -> str:
    """`obj` (anything render/build.py builds a document of) as Markdown."""
    return markdown(document(obj, **settings))


def display(part: Part, step: Step) -> str:
    """A step as display math: one line, or an aligned block when it has alternative forms."""
    links = step_links(part.math, step, part.precision, latex=True)
    if not step.alternatives:
        return f"$$ {joined(links)} $$"
    rows = broken(links) + [rf"&= {part.math.latex(form)} && \text{{{label.latex or tex_escape(label.plain)}}}"
                            for label, form in step.alternatives]
    return "$$\n\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}\n$$"


def md_words(text: str) -> str:
    """Plain words as Markdown that reads as written: what could open a link, HTML, a code span or a
    table cell escaped (mdtext.md_text), every $ (math in a notebook) and * and each _ that could start
    or end emphasis (one not between two letters or digits: δ_k and half_squared_error stay as they are)."""
    out = md_text(text)
    return "".join("\\" + c if c in "$*" or c == "_" and not (out[i - 1:i].isalnum() and out[i + 1:i + 2].isalnum())
                   else c for i, c in enumerate(out))


def _md(text) -> str:
    """Words as Markdown: their own Markdown form when they have one (math between $…$), else the
    plain words escaped (`md_words`)."""
    return text.markdown if text.markdown is not None else md_words(text.plain)


def table_markdown(table) -> list[str]:
    """A table as a pipe table (GFM), its numbers right-aligned."""
    from .mdtext import md_cell
    head = [_md(h).replace("|", "\\|") for h in table.head]
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" for _ in head) + "|"]
    out += ["| " + " | ".join(md_cell(c) if isinstance(c, str) else _md(c) for c in row) + " |" for row in table.rows]
    return out


def markdown(doc: Document) -> str:
    out = [f"# {md_escape(doc.title)}", ""]
    for part in doc.parts:
        if part.heading is not None:
            out += [f"## {_md(part.heading)}", ""]
        if part.notes:
            out += [f"- {_md(n)}" for n in part.notes] + [""]
        for section in part.sections:
            out += [f"### {_md(section.title)}", ""]
            if section.inline:
                out += [inline([step_links(part.math, s, part.precision, latex=True) for s in section.steps]), ""]
            else:
                for s in section.steps:
                    out += [display(part, s), ""]
            for n in section.notes:
                out += [_md(n), ""]
            if section.figure is not None and section.figure.markdown is not None:
                out += [section.figure.markdown, ""]
            if section.table is not None:
                out += table_markdown(section.table) + [""]
        for c in part.closing:
            out += [_md(c), ""]
    return "\n".join(out)

