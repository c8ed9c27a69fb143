"""The matrix example (`symbackprop derive` on a `model: quadratic` file) as text, Markdown, LaTeX or JSON.

Each step reads rule = numbers substituted = value where the rule is a scalar formula, and
rule = value where it is a matrix formula (the value is then the matrix).
"""
from __future__ import annotations

import json

import sympy as sp

from ..messages import LANGUAGES, words
from ..printing import LatexPrinter, TextPrinter, format_value
from ..quadratic import L, QStep, QuadraticSolution, c, x1, x2, y, y_star
from .latex import fragment, standalone_document, tex_escape
from .markdown import md_escape

SCALARS = (y, y_star, c, x1, x2, L)
# the words of each language, from its message catalogue (symbackprop/messages)
TITLES = {lang: words(lang, "quadratic") for lang in LANGUAGES}


def _value_text(value, precision: int) -> str:
    if isinstance(value, sp.MatrixBase):
        return "[" + ", ".join("[" + ", ".join(format_value(v, precision)[0] for v in value.row(r)) + "]"
                               for r in range(value.rows)) + "]"
    return format_value(value, precision)[0]


def _value_latex(value, precision: int) -> str:
    if isinstance(value, sp.MatrixBase):
        rows = [" & ".join(format_value(v, precision)[0] for v in value.row(r)) for r in range(value.rows)]
        return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"
    return format_value(value, precision)[0]


def _numbers(sol: QuadraticSolution, step: QStep, precision: int) -> dict | None:
    """Display strings of the scalars in the step's last form, if it has no matrix in it."""
    form = step.forms[-1]
    if form.has(sp.MatrixSymbol) or not form.free_symbols or not form.free_symbols <= set(SCALARS):
        return None
    known = {s.lhs: s.value for s in sol.steps if s.lhs in SCALARS}
    known.update({c: sol.problem.c, y_star: sol.problem.target})
    return {sym: format_value(known[sym], precision)[0] for sym in form.free_symbols}


def chain(sol: QuadraticSolution, step: QStep, precision: int, latex: bool) -> list[str]:
    if latex:
        def show(e, values=None):
            return LatexPrinter(dict(values=values, mul_symbol="times" if values else None)).doprint(e)
    else:
        def show(e, values=None):
            return TextPrinter(dict(names={y_star: "y∗"}, values=values, times=values is not None)).doprint(e)
    parts = [show(step.lhs)] + [show(f) for f in step.forms]
    values = _numbers(sol, step, precision)
    if values:
        parts.append(show(step.forms[-1], values))
    parts.append((_value_latex if latex else _value_text)(step.value, precision))
    return parts


def render_text(sol: QuadraticSolution, lang: str = "en", precision: int | None = None) -> str:
    p = sol.problem.precision if precision is None else precision
    w = TITLES[lang]
    out = [sol.problem.title]
    for section in ("forward", "backward"):
        out += ["", w[section]]
        out += ["  " + " = ".join(chain(sol, s, p, False)) for s in sol.steps if s.section == section]
    out += ["", w["checked"] + ("" if sol.ok else f" — {w['disagree']}"), ""]
    return "\n".join(out)


def render_markdown(sol: QuadraticSolution, lang: str = "en", precision: int | None = None) -> str:
    p = sol.problem.precision if precision is None else precision
    w = TITLES[lang]
    out = [f"## {md_escape(sol.problem.title)}"]
    for section in ("forward", "backward"):
        out += ["", f"**{w[section]}**", "", "$$", r"\begin{aligned}"]
        out.append(" \\\\\n".join(_row(chain(sol, s, p, True)) for s in sol.steps if s.section == section))
        out += [r"\end{aligned}", "$$"]
    out += ["", w["checked"] + ("" if sol.ok else f" — {w['disagree']}"), ""]
    return "\n".join(out)


def _row(parts: list[str]) -> str:
    return f"{parts[0]} &= " + " = ".join(parts[1:])


def render_latex(sol: QuadraticSolution, lang: str = "en", precision: int | None = None,
                 standalone: bool = True) -> str:
    p = sol.problem.precision if precision is None else precision
    w = TITLES[lang]
    body = [rf"\section*{{{tex_escape(sol.problem.title)}}}"]
    for section in ("forward", "backward"):
        body += [rf"\paragraph{{{tex_escape(w[section])}}}", r"\begin{align*}",
                 " \\\\\n".join(_row(chain(sol, s, p, True)) for s in sol.steps if s.section == section),
                 r"\end{align*}"]
    body.append(tex_escape(w["checked"] + ("" if sol.ok else f" — {w['disagree']}")) + "\n")
    text = "\n".join(body) + "\n"
    if not standalone:
        return fragment(text, "symbackprop")
    return standalone_document(text, lang)


def _plain(value):
    if isinstance(value, sp.MatrixBase):
        return [[float(v) for v in value.row(r)] for r in range(value.rows)]
    return float(value)


def _exact(value):
    if isinstance(value, sp.MatrixBase):
        return [[str(v) for v in value.row(r)] for r in range(value.rows)]
    return str(value)


def render_json(sol: QuadraticSolution) -> str:
    steps = {s.id: {"section": s.section, "latex": " = ".join(chain(sol, s, sol.problem.precision, True)[:-1]),
                    "srepr": sp.srepr(s.forms[-1]), "value": _plain(s.value), "exact": _exact(s.value)}
             for s in sol.steps}
    return json.dumps({"source": sol.problem.source, "model": "quadratic", "steps": steps,
                       "check": {"max_error": sol.max_error, "ok": sol.ok}}, ensure_ascii=False, indent=2) + "\n"
