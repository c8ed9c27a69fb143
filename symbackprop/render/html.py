"""One self-contained HTML page of any document: no script and no external resource (a Content
Security Policy forbids both), every text escaped, and each step in its plain-text form (η, δ, ·,
×), so that it reads the same in every browser without a math typesetter."""
from __future__ import annotations

import html

from ..document import Document
from .build import document
from .steps import joined, step_links

_CSP = "default-src 'none'; style-src 'unsafe-inline'"
_STYLE = "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}.step{font-family:serif}"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def render(obj, **settings) -> str:
    """`obj` (anything render/build.py builds a document of) as HTML."""
    return page(document(obj, **settings))


def page(doc: Document) -> str:
    out = ["<!DOCTYPE html>", f'<html lang="{_e(doc.lang)}">', "<head>", '<meta charset="utf-8">',
           f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
           f"<title>{_e(doc.title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
           f"<h1>{_e(doc.title)}</h1>"]
    for part in doc.parts:
        m, p = part.math, part.precision
        if part.heading is not None:
            out.append(f"<h2>{_e(part.heading.plain)}</h2>")
        if part.notes:
            out.append("<ul>" + "".join(f"<li>{_e(n.plain)}</li>" for n in part.notes) + "</ul>")
        for section in part.sections:
            out.append(f"<h3>{_e(section.title.plain)}</h3>")
            if section.inline:
                out.append('<p class="step">' + _e(", ".join(joined(step_links(m, s, p)) for s in section.steps))
                           + "</p>")
            for s in () if section.inline else section.steps:
                out.append(f'<p class="step">{_e(joined(step_links(m, s, p)))}</p>')
                out += [f'<p class="step">{_e(label.plain)}: {_e(m.text(s.symbol))} = {_e(m.text(form))}</p>'
                        for label, form in s.alternatives]
            out += [f"<p>{_e(n.plain)}</p>" for n in section.notes]
        out += [f"<p>{_e(c.plain)}</p>" for c in part.closing]
    return "\n".join(out + ["</body>", "</html>"]) + "\n"
