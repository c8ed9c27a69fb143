"""One self-contained HTML page of any document: no script and no external resource (a Content
Security Policy forbids both), every text escaped, and each step as MathML, which browsers
typeset natively. The MathML is translated from the very LaTeX the LaTeX output prints
(render/mathml.py), so names, order and precision match it; each <math> carries the step's
plain-text form as its alttext."""
from __future__ import annotations

import html

from ..document import Document, Part, Step, Text
from ..messages import msg
from .build import document
from .mathml import links_mathml, math
from .steps import joined, step_links

_CSP = "default-src 'none'; style-src 'unsafe-inline'"
_STYLE = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
          ".step{font-family:serif;overflow-x:auto;overflow-y:hidden;margin:.4em 0;padding:.1em 0}"
          "math{font-size:1.1em}math[display=block]{margin:0;text-align:left;math-style:normal}")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _words(text: Text) -> str:
    """Words as HTML: their own HTML form when they have one (symbols as MathML), else the plain words escaped."""
    return text.html if text.html is not None else _e(text.plain)


def render(obj, **settings) -> str:
    """`obj` (anything render/build.py builds a document of) as HTML."""
    return page(document(obj, **settings))


def _step_math(part: Part, step: Step, display: bool) -> str:
    """The step's chain `symbol = rule = numbers ≈ value` as one <math>, its text form as alttext."""
    m, p = part.math, part.precision
    nodes, _ = links_mathml(step_links(m, step, p, latex=True))
    return math(nodes, joined(step_links(m, step, p)), display)


def _given_math(part: Part, step: Step) -> str:
    """A given value, `symbol = value`, as inline math (the LaTeX output's inline form)."""
    m, p = part.math, part.precision
    links = step_links(m, step, p, latex=True)
    plain = step_links(m, step, p)
    nodes, _ = links_mathml([links[0], ("=", links[-1][1])] if len(links) > 1 else links)
    alt = f"{plain[0][1]} = {plain[-1][1]}" if len(plain) > 1 else plain[0][1]
    return math(nodes, alt)


def _alternative(part: Part, step: Step, label: str, form, lang: str = "en") -> str:
    m = part.math
    nodes, _ = links_mathml([("", m.latex(step.symbol)), ("=", m.latex(form))])
    mark = "\ue002"                                 # where the maths goes in the catalogue's sentence
    before, after = msg(lang, "derive.alternative", label=mark + "L", rule=mark + "R").split(mark + "R")
    before = _e(before).replace(mark + "L", _e(label))
    return (f'<p class="step">{before}'
            + math(nodes, f"{m.text(step.symbol)} = {m.text(form)}") + _e(after) + "</p>")


_TABLE_STYLE = ("table.steps{border-collapse:collapse;margin:.5em 0}table.steps th,table.steps td{border:1px solid #ccc;"
                "padding:.2em .5em;text-align:right}div.table{overflow-x:auto}")


def table_html(table) -> str:
    """A table as <table>: a header row (a weight's name as MathML), then one row per step."""
    head = "".join(f'<th scope="col">{_words(h)}</th>' for h in table.head)
    body = "".join("<tr>" + "".join(f"<td>{_e(c) if isinstance(c, str) else _words(c)}</td>" for c in row) + "</tr>\n" for row in table.rows)
    return f'<div class="table"><table class="steps"><thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table></div>'


def page(doc: Document) -> str:
    out = ["<!DOCTYPE html>", f'<html lang="{_e(doc.lang)}">', "<head>", '<meta charset="utf-8"/>',
           f'<meta http-equiv="Content-Security-Policy" content="{_CSP}"/>',
           f"<title>{_e(doc.title)}</title>",
           f"<style>{_STYLE}{_TABLE_STYLE if any(s.table for p in doc.parts for s in p.sections) else ''}</style>",
           "</head>", "<body>",
           f"<h1>{_e(doc.title)}</h1>"]
    for part in doc.parts:
        out.append(f'<section data-part="{_e(part.label)}">')
        if part.heading is not None:
            out.append(f"<h2>{_words(part.heading)}</h2>")
        if part.notes:
            out.append("<ul>" + "".join(f"<li>{_words(n)}</li>" for n in part.notes) + "</ul>")
        for section in part.sections:
            out.append(f"<h3>{_words(section.title)}</h3>")
            if section.inline:
                out.append('<p class="step given">' + ", ".join(
                    f'<span data-step="{_e(s.id)}">{_given_math(part, s)}</span>' for s in section.steps) + "</p>")
            for s in () if section.inline else section.steps:
                out.append(f'<div class="step" data-step="{_e(s.id)}">{_step_math(part, s, True)}</div>')
                out += [_alternative(part, s, label.plain, form, doc.lang) for label, form in s.alternatives]
            out += [f"<p>{_words(n)}</p>" for n in section.notes]
            if section.table is not None:
                out.append(table_html(section.table))
        out += [f"<p>{_words(c)}</p>" for c in part.closing]
        out.append("</section>")
    return "\n".join(out + ["</body>", "</html>"]) + "\n"
