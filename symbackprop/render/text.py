"""Plain text for the terminal, of any document (worked solution, general rules, matrix example)."""
from __future__ import annotations

from typing import Iterator

from ..collect import fewer_collections
from ..document import Document, Table
from ..messages import msg
from .build import document
from .steps import joined, step_links


def render(obj, **settings) -> str:
    """`obj` (anything render/build.py builds a document of) as text."""
    return "".join(pieces(obj, **settings))


def pieces(obj, **settings) -> Iterator[str]:
    """`render`'s text a line at a time (render.stream)."""
    with fewer_collections():
        for line in _lines(document(obj, **settings)):
            yield line + "\n"


def text(doc: Document) -> str:
    return "\n".join(_lines(doc)) + "\n"


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: a wide (CJK) character two."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def table_lines(table: Table) -> Iterator[str]:
    """A table as right-aligned columns two spaces apart, indented as a section's notes are."""
    rows = [[h.plain for h in table.head]] + [[c if isinstance(c, str) else c.plain for c in r] for r in table.rows]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        yield "  " + "  ".join(" " * (w - _width(c)) + c for c, w in zip(r, widths))


def _lines(doc: Document) -> Iterator[str]:
    yield doc.title
    yield "=" * len(doc.title)
    for part in doc.parts:
        m, p = part.math, part.precision
        if part.heading is not None:
            yield ""
            yield part.heading.plain
        for n in part.notes:
            yield f"  {n.plain}"
        for section in part.sections:
            yield ""
            yield section.title.plain
            if section.inline:
                yield "  " + ", ".join(joined(step_links(m, s, p)) for s in section.steps)
            else:
                for s in section.steps:
                    yield "  " + joined(step_links(m, s, p))
                    for label, form in s.alternatives:
                        yield "    " + msg(doc.lang, "derive.alternative", label=label.plain,
                                               rule=f"{m.text(s.symbol)} = {m.text(form)}")
            for n in section.notes:
                yield f"  {n.plain}"
            if section.table is not None:
                yield from table_lines(section.table)
        if part.closing:
            yield ""
            for c in part.closing:
                yield c.plain
