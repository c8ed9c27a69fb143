"""Plain text for the terminal, of any document (worked solution, general rules, matrix example)."""
from __future__ import annotations

from ..document import Document
from .build import document
from .steps import joined, step_links


def render(obj, **settings) -> str:
    """`obj` (anything render/build.py builds a document of) as text."""
    return text(document(obj, **settings))


def text(doc: Document) -> str:
    lines = [doc.title, "=" * len(doc.title)]
    for part in doc.parts:
        m, p = part.math, part.precision
        if part.heading is not None:
            lines += ["", part.heading.plain]
        lines += [f"  {n.plain}" for n in part.notes]
        for section in part.sections:
            lines += ["", section.title.plain]
            if section.inline:
                lines.append("  " + ", ".join(joined(step_links(m, s, p)) for s in section.steps))
            else:
                for s in section.steps:
                    lines.append("  " + joined(step_links(m, s, p)))
                    lines += [f"    {label.plain}: {m.text(s.symbol)} = {m.text(form)}"
                              for label, form in s.alternatives]
            lines += [f"  {n.plain}" for n in section.notes]
        if part.closing:
            lines += ["", *(c.plain for c in part.closing)]
    return "\n".join(lines) + "\n"
