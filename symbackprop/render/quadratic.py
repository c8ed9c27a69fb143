"""The matrix example (`symbackprop derive` on a `model: quadratic` file) as a document (any format
renders it) or as JSON data.

Each step reads rule = numbers substituted = value where the rule is a scalar formula, and
rule = value where it is a matrix formula (the value is then the matrix).
"""
from __future__ import annotations

import json
from dataclasses import replace

import sympy as sp

from ..messages import words
from ..document import Document, Math, Part, Section, Step, Text
from ..printing import LatexPrinter, TextPrinter, format_given, format_value, operands_that_add_up
from ..quadratic import L, QStep, QuadraticSolution, c, x1, x2, y, y_star
from .steps import step_links

SCALARS = (y, y_star, c, x1, x2, L)
# the words of each language, from its message catalogue (symbackprop/messages)


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


def _shown_exactly(value, precision: int) -> bool:
    """Whether the value (every entry of a matrix) is shown exactly: = rather than ≈."""
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    return all(format_value(v, precision)[1] for v in entries)


def _numbers(sol: QuadraticSolution, step: QStep) -> dict | None:
    """The values of the scalars in the step's last form, if it has no matrix in it."""
    form = step.forms[-1]
    if form.has(sp.MatrixSymbol) or not form.free_symbols or not form.free_symbols <= set(SCALARS):
        return None
    known = {s.lhs: s.value for s in sol.steps if s.lhs in SCALARS}
    known.update({c: sol.problem.c, y_star: sol.problem.target})
    return {sym: known[sym] for sym in form.free_symbols}


class QuadraticMath(Math):
    """The matrix example's expressions: y* as y∗ in text, × between numbers, matrices as brackets."""

    def text(self, expr, values=None) -> str:
        return TextPrinter(dict(names={y_star: "y∗"}, values=values, times=values is not None)).doprint(expr)

    def latex(self, expr, values=None) -> str:
        return LatexPrinter(dict(values=values, mul_symbol="times" if values else None)).doprint(expr)

    def number(self, value, precision: int) -> str:
        return format_value(value, precision)[0]

    def substituted(self, step: Step, precision: int, latex: bool) -> tuple[str, str]:
        """The last form, and the same with its numbers put in: the file's c and y* as written, the rest
        rounded, with more places where that is what makes the step add up (printing.operands_that_add_up)."""
        show = self.latex if latex else self.text

        def shown_at(p: int) -> dict:
            return {s: format_given(v, p)[0] if s in (c, y_star) else self.number(v, p) for s, v in step.numbers.items()}
        numbers = shown_at(precision)
        if step.value is not None and not isinstance(step.value, sp.MatrixBase):
            numbers = operands_that_add_up(step.forms[-1], self.value(step, precision, False)[0], precision, shown_at)
        return show(step.forms[-1]), show(step.forms[-1], numbers)

    def value(self, step: Step, precision: int, latex: bool) -> tuple[str, bool]:
        return (_value_latex if latex else _value_text)(step.value, precision), _shown_exactly(step.value, precision)


def _step(sol: QuadraticSolution, step: QStep) -> Step:
    return Step(step.id, step.lhs, step.forms, _numbers(sol, step), step.value)


def quadratic_document(sol: QuadraticSolution, lang: str = "en", precision: int | None = None) -> Document:
    """The matrix example: the forward chain and the backward chain rule, then the check."""
    p = sol.problem.precision if precision is None else precision
    w = words(lang, "quadratic")
    sections = tuple(Section(Text(w[section]), tuple(_step(sol, s) for s in sol.steps if s.section == section))
                     for section in ("forward", "backward"))
    closing = (Text(w["checked"] + ("" if sol.ok else f" — {w['disagree']}")),)
    return Document(sol.problem.title, (Part(None, sections, QuadraticMath(), p, closing=closing),), lang,
                    "quadratic", "matrix example")


def _plain(value):
    if isinstance(value, sp.MatrixBase):
        return [[float(v) for v in value.row(r)] for r in range(value.rows)]
    return float(value)


def _exact(value):
    if isinstance(value, sp.MatrixBase):
        return [[str(v) for v in value.row(r)] for r in range(value.rows)]
    return str(value)


def render_json(sol: QuadraticSolution) -> str:
    math = QuadraticMath()

    def rule(s: QStep) -> str:          # the step without its value
        links = step_links(math, replace(_step(sol, s), value=None), sol.problem.precision, latex=True)
        return " = ".join(e for _, e in links)

    steps = {s.id: {"section": s.section, "latex": rule(s),
                    "srepr": sp.srepr(s.forms[-1]), "value": _plain(s.value), "exact": _exact(s.value)}
             for s in sol.steps}
    return json.dumps({"source": sol.problem.source, "model": "quadratic", "steps": steps,
                       "check": {"max_error": sol.max_error, "ok": sol.ok}}, ensure_ascii=False, indent=2) + "\n"
