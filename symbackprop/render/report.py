"""A checked submission (`symbackprop check`, `grade --feedback`) as a text table, Markdown, HTML or JSON.

Every format says the same: per part its score (a part with nothing answered is "not attempted",
and the score of the attempted parts stands apart from the total), a row per answered item (the
values the problem gives, which a student copies, only when asked: `show_given`), the working that
went wrong, the first error and the items left out. A student's text is untrusted: it is shortened
only at safe points (clip.py) and escaped for Markdown (mdtext.py) and HTML.
"""
from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from ..answers.checker import PartReport, Verdict
from ..messages import Said, joined_in, msg, said, say, words
from . import mathspans
from .clip import clip_latex
from .mathml import math, mathml_row
from .mdtext import md_cell, md_code, md_text

WORDS = words("en", "status")                  # the verdict of each status, in English
NOT_ATTEMPTED = msg("en", "report.not_attempted")


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: wide (CJK, full-width) characters take two, so the table's
    columns stay aligned after `0.1249左右`."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in text)


def _given(v: Verdict, width: int = 40) -> str:
    return clip_latex(v.given, width)


def _what(v: Verdict, lang: str = "en") -> str:
    return say(v.message, lang) if v.graded or v.status != "correct" else ""


def attempted(r: PartReport) -> bool:
    """Whether the student answered anything of this part (an unreadable answer counts: it was tried)."""
    return bool(r.verdicts)


def shown_verdicts(r: PartReport, show_given: bool) -> list[Verdict]:
    """The rows of a part's table: the graded items, and the values the problem gives (which carry no
    points: η, the weights) only when asked. A computed quantity the rubric does not grade has no row:
    one line names them all (`not_graded`); an optimizer step's item (answers/steps.py) always has one."""
    return [v for v in r.verdicts if v.graded or v.step is not None or (show_given and v.given_value)]


def not_graded(r: PartReport) -> list[Verdict]:
    """The answered items that are computed quantities the rubric's `items` leaves out (no points, and no
    value the problem gives either), in the solution's order."""
    return [v for v in r.verdicts if v.unlisted and not v.graded and v.step is None]


@dataclass(frozen=True)
class _Style:
    """How a report's line is written in one format: its words (`words`: our sentence, with any symbol
    in it typeset) and an item's name (`name`: typeset whole, so that a one-letter name, q or E, is maths
    as ∂L/∂y is)."""

    words: Callable[[str], str]
    name: Callable[[str], str]
    formula: Callable[[str], str] = lambda text: text     # a graph's formula a diagnosis quotes: one maths span
    rule: Callable[[str], str] = lambda text: text        # an optimizer's formulas a diagnosis quotes: maths whole


def _rule_pieces(text: str) -> list[tuple[str, str]]:
    """An optimizer diagnosis's formulas (`m̂_t = m_t/(1 - β₁^t); v̂_t = …`, `m_1 = 0, v_1 = 0`, θ_2(w_{35})) as
    (separator before, formula) pieces, each formula one maths span as the solution's Optimizer section sets it."""
    parts = re.split(r"(; |, )", text)
    return [("" if n == 0 else parts[n - 1], parts[n]) for n in range(0, len(parts), 2)]


def _rule_markdown(text: str) -> str:
    from .optimizer import _formula_latex
    return "".join(f"{sep}${_formula_latex(f)}$" if f.strip() else sep for sep, f in _rule_pieces(text))


def _rule_html(text: str) -> str:
    from html import escape

    from .mathml import math, mathml_row
    from .optimizer import _formula_latex
    out = []
    for sep, f in _rule_pieces(text):
        node, unknown = mathml_row(_formula_latex(f)) if f.strip() else ("", ["empty"])
        out.append(escape(sep) + (escape(f, quote=True) if unknown else math([node], f)))
    return "".join(out)


PLAIN = _Style(lambda text: text, lambda name: name)
MARKDOWN = _Style(mathspans.markdown, mathspans.name_markdown, mathspans.formula_markdown, _rule_markdown)
_CELL = _Style(lambda text: mathspans.markdown(text, cell=True), lambda name: mathspans.name_markdown(name, cell=True),
               mathspans.formula_markdown, _rule_markdown)
HTML = _Style(mathspans.html, mathspans.name_html, mathspans.formula_html, _rule_html)


def _line(style: _Style, lang: str, key: str, names: dict[str, list[str]] | None = None,
          done: dict[str, str] | None = None, **fields: str) -> str:
    """Message `key` in `style`: its `fields` written as words, each field of `names` as the item names
    it lists (comma-separated), each of `done` as it is (written in `style` already). Names and done
    fields go in after the words are written, so that neither is read or escaped twice; the slot that
    holds their place is a word no field holds (a student's text cannot name one)."""
    mark = "QZSLOT"
    while any(mark in str(v) for v in fields.values()):
        mark += "Q"
    slots: list[str] = []

    def slot(text: str) -> str:
        slots.append(text)
        return f"{mark}{len(slots) - 1}QZ"

    filled = {k: ", ".join(slot(style.name(n)) for n in v) for k, v in (names or {}).items()}
    filled |= {k: slot(v) for k, v in (done or {}).items()}
    return re.sub(rf"{mark}([0-9]+)QZ", lambda m: slots[int(m.group(1))],
                  style.words(msg(lang, key, **fields, **filled)))


_NAME_FIELDS = ("name", "first", "rest", "of", "id", "close")    # fields of our sentences that may hold a name
# (sentence, field) whose field is a graph's formula (`L = (y - t)^2`), typeset whole as `style.formula` does
_FORMULA_FIELDS = {("graph_answers.half_of_square", "node"), ("graph_answers.half_extra", "node"),
                   ("graph_answers.twice_half_left", "node"), ("graph_answers.not_operand", "formula"),
                   ("diagnosis.other_activation_output", "rule"), ("diagnosis.other_activation_output_factor", "rule")}


# the fields of an optimizer's diagnosis (answers/optimizer_diagnose.py) that hold its names and formulas
_RULE_FIELDS = ("name", "right", "wrong", "initial", "state", "before", "prev", "used", "own")


def _said(style: _Style, text: str, lang: str, names: frozenset[str] = frozenset()) -> str:
    """One of our sentences (a diagnosis, a note) in `lang` and `style`, each item it names (a field
    `name`, `first`, `of` or `id` whose text is one of the report's item `names`) typeset whole as
    `style.name` does, so that "follows from your q" sets q as maths as it sets ∂L/∂y."""
    if style is PLAIN or not names or not isinstance(text, Said) or not text.key:
        return style.words(say(text, lang))
    mark = "QZNAME"
    while mark in text:
        mark += "Q"
    slots: list[str] = []

    def slotted(t: Said) -> Said:
        fields = {}
        for k, v in t.fields.items():
            if isinstance(v, Said) and v.key:
                fields[k] = slotted(v)
            elif t.key.startswith("diagnosis.opt_") and k in _RULE_FIELDS and isinstance(v, str) \
                    and not re.fullmatch(r"[−-]?[0-9.]+", v):
                slots.append(style.rule(v))           # θ_2(w_{35}), m̂_t = m_t/(1 - β₁^t): maths whole
                fields[k] = f"{mark}{len(slots) - 1}QZ"
            elif (t.key, k) in _FORMULA_FIELDS and isinstance(v, str):
                slots.append(style.formula(v))
                fields[k] = f"{mark}{len(slots) - 1}QZ"
            elif k in _NAME_FIELDS and isinstance(v, str) and v in names:
                slots.append(style.name(v))
                fields[k] = f"{mark}{len(slots) - 1}QZ"
            else:
                fields[k] = v
        return said(t.key, **fields)

    out = style.words(say(slotted(text), lang))
    return re.sub(rf"{mark}([0-9]+)QZ", lambda m: slots[int(m.group(1))], out)


def _names(r: PartReport) -> frozenset[str]:
    """The names of a part's items, answered or left out: what its sentences may name."""
    return frozenset(v.name for v in r.verdicts) | frozenset(r.missing_names.values())


def _given_slips(r: PartReport, show_given: bool, lang: str = "en", style: _Style = PLAIN) -> list[str]:
    """Given values the student wrote otherwise than the problem gives them, when their rows are hidden:
    a copying slip explains the wrong values that follow from it."""
    if show_given:
        return []
    return [_line(style, lang, "report.given_slip", {"name": [v.name]}, given=" ".join(v.given.split()),
                  expected=v.expected_text)
            for v in r.verdicts if v.given_value and v.status not in ("correct", "follow_through")]


def _footer(r: PartReport, show_given: bool = False, lang: str = "en", style: _Style = PLAIN) -> list[str]:
    """The first error, the items left out and the report-level notes of one part, written in `style`
    (the item names typeset whole in Markdown and HTML)."""
    out = []
    if r.first_error:
        out.append(_line(style, lang, "report.first_error",
                         {"name": [next(v.name for v in r.verdicts if v.qid == r.first_error)]}))
    slips = _given_slips(r, show_given, lang, style)
    if slips:
        out.append(_line(style, lang, "report.given_otherwise", done={"items": joined_in(lang, slips)}))
    unlisted = not_graded(r)
    if unlisted:
        out.append(_line(style, lang, "report.not_graded_items", {"items": [v.name for v in unlisted]}))
    if r.missing:
        out.append(_line(style, lang, "report.left_out", {"items": [r.missing_names[q] for q in r.missing]}))
    return out + [_line(style, lang, "report.note", done={"note": _said(style, n, lang, _names(r))}) for n in r.notes]


def _note(note: str, lang: str) -> str:
    return msg(lang, "report.note", note=say(note, lang))


def _given_name(v: Verdict, lang: str, style: _Style = PLAIN) -> str:
    """The item's name, marked when it is a value the problem gives (no points)."""
    if v.step is not None:                         # an optimizer step's item: "step 2: m_t(w_{35})" in `lang`
        if style is not PLAIN and isinstance(v.name, Said) and v.name.key == "steps.item" and \
                isinstance(v.name.fields.get("name"), str) and not isinstance(v.name.fields["name"], Said):
            # its name maths whole, m̂_t(w_{35}) (the loss after the step stays words)
            return _line(style, lang, "steps.item", done={"name": style.rule(v.name.fields["name"])},
                         t=str(v.name.fields.get("t", "")))
        return style.name(say(v.name, lang))
    return style.name(v.name) if v.graded else \
        _line(style, lang, "report.given_row", {"name": [v.name]})


def _columns(lang: str) -> tuple[str, ...]:
    return tuple(msg(lang, f"column.{c}") for c in ("item", "given", "expected", "verdict", "diagnosis"))


def _score(r: PartReport) -> str:
    return f"{r.score:g} / {r.max_score:g}"


def totals(reports: list[PartReport]) -> dict:
    """The score and maximum of all parts, and of the attempted parts apart, with the parts not attempted."""
    tried = [r for r in reports if attempted(r)]
    return {"score": sum(r.score for r in reports), "max_score": sum(r.max_score for r in reports),
            "attempted_score": sum(r.score for r in tried), "attempted_max_score": sum(r.max_score for r in tried),
            "not_attempted": [r.part for r in reports if not attempted(r)]}


def total_line(reports: list[PartReport], lang: str = "en") -> str:
    """`Score: 19 / 80`, and when some parts were attempted and others not, the attempted parts' score."""
    t = totals(reports)
    if t["not_attempted"] and len(t["not_attempted"]) < len(reports):
        return msg(lang, "report.total_attempted", score=f"{t['score']:g}", max=f"{t['max_score']:g}",
                   attempted=f"{t['attempted_score']:g}", attempted_max=f"{t['attempted_max_score']:g}",
                   parts=", ".join(t["not_attempted"]))
    return msg(lang, "report.total", score=f"{t['score']:g}", max=f"{t['max_score']:g}")


def _failed_links(v: Verdict, lang: str = "en", style: _Style = PLAIN,
                  names: frozenset[str] = frozenset()) -> list[str]:
    """The links that failed, as notes under the table, written in `style`. A follow-through's substituted
    numbers are the student's own earlier (wrong) values, so that they do not give the true value is the
    error already charged, not a second one: those are left out (JSON keeps every link)."""
    kinds = words(lang, "link")
    return [_line(style, lang, "report.failed_link", {"name": [v.name]},
                  {"message": _said(style, lk.message, lang, names)}, kind=kinds.get(lk.kind, lk.kind),
                  text=" ".join(lk.text.split())) for lk in v.links
            if not lk.ok and not (v.status == "follow_through" and lk.kind == "numbers")]


def _what_in(v: Verdict, lang: str, style: _Style, names: frozenset[str]) -> str:
    """The diagnosis cell of an item in `style`, the items it names typeset whole."""
    return _said(style, v.message, lang, names) if _what(v, lang) else ""


def render_text(reports: list[PartReport], source: str, problems: list[str], *, show_given: bool = False,
                lang: str = "en") -> str:
    """The report as an aligned table for the terminal, in `lang`."""
    status = words(lang, "status")
    out = [f"{source}"]
    for r in reports:
        if not attempted(r):
            out += ["", msg(lang, "report.part_not_attempted_text", part=r.part,
                            not_attempted=msg(lang, "report.not_attempted"), score=_score(r))]
            out += [f"  {_note(n, lang)}" for n in r.notes]
            continue
        out += ["", msg(lang, "report.part_text", part=r.part, score=_score(r))]
        shown = shown_verdicts(r, show_given)
        rows = [_columns(lang)]
        for v in shown:
            rows.append((_given_name(v, lang), _given(v), v.expected_text, status[v.status], _what(v, lang)))
        if len(rows) > 1:
            widths = [max(_width(row[i]) for row in rows) for i in range(4)]
            for row in rows:
                out.append("  " + "  ".join(c + " " * (w - _width(c)) for c, w in zip(row[:4], widths))
                           + ("  " + row[4] if row[4] else ""))
        for v in shown:
            out += [f"  {line}" for line in _failed_links(v, lang)]
        out += [f"  {line}" for line in _footer(r, show_given, lang)]
    out += [msg(lang, "report.not_read", problem=say(p, lang)) for p in problems]
    out += ["", total_line(reports, lang), ""]
    return "\n".join(out)


def render_markdown(reports: list[PartReport], source: str, problems: list[str], *, show_given: bool = False,
                    title: str | None = None, lang: str = "en") -> str:
    """The report as Markdown; `title` replaces the heading "Check of SOURCE" (a feedback file)."""
    status = words(lang, "status")
    out = [f"# {md_text(title) if title else msg(lang, 'report.check_of', source=md_text(source))}"]
    for r in reports:
        heading = msg(lang, "report.part_heading", part=md_text(r.part), score=_score(r))
        if not attempted(r):
            out += ["", f"## {heading}", "", msg(lang, "report.not_attempted_sentence")]
            out += ["\n" + msg(lang, "report.note", note=md_text(say(n, lang))) for n in r.notes]
            continue
        out += ["", f"## {heading}"]
        shown = shown_verdicts(r, show_given)
        names = _names(r)
        if shown:
            out += ["", "| " + " | ".join(_columns(lang)) + " |", "|---|---|---|---|---|"]
        for v in shown:
            out.append(f"| {_given_name(v, lang, _CELL)} | {md_code(v.given, 60)} | "
                       f"{md_cell(v.expected_text)} | {status[v.status]} | {_what_in(v, lang, _CELL, names)} |")
        links = [line for v in shown for line in _failed_links(v, lang, MARKDOWN, names)]
        if links:
            out += [""] + [f"- {line}" for line in links]
        out += [f"\n{line}" for line in _footer(r, show_given, lang, MARKDOWN)]
    every = frozenset().union(*(_names(r) for r in reports))
    out += ["\n" + _line(MARKDOWN, lang, "report.not_read", done={"problem": _said(MARKDOWN, p, lang, every)})
            for p in problems]
    out += ["", f"**{md_text(total_line(reports, lang))}**"]
    return "\n".join(out) + "\n"


_STYLE = ("body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
          "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em;"
          "text-align:left;vertical-align:top}th{background:#f3f3f3}code{font-family:ui-monospace,monospace;"
          "background:#f6f6f6;padding:0 .2em;white-space:pre-wrap;word-break:break-word}"
          ".bad{color:#a00;font-weight:bold}.ok{color:#060}.note{color:#555}")
_GOOD = ("correct", "follow_through", "other_convention")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _html_page(heading: str, body: list[str], lang: str, head: tuple[str, ...] = ()) -> str:
    """A self-contained HTML page: no script, no external resource (a Content Security Policy forbids
    both); `heading` is escaped here, `body` is HTML already escaped."""
    return "\n".join(["<!DOCTYPE html>", f'<html lang="{_e(lang)}">', "<head>", '<meta charset="utf-8">',
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "style-src 'unsafe-inline'\">", *head, f"<title>{_e(heading)}</title>",
                      f"<style>{_STYLE}</style>", "</head>", "<body>", f"<h1>{_e(heading)}</h1>", *body,
                      "</body>", "</html>"]) + "\n"


def _given_cell(given: str) -> str:
    """A student's answer in HTML: the LaTeX as written, in code, and below it, when it is a formula
    (not a bare number) that render/mathml.py reads completely, the same typeset as MathML."""
    cell = f"<code>{_e(given)}</code>"
    if not any(c in given for c in "\\^_{"):
        return cell
    node, unknown = mathml_row(given)
    return cell if unknown else f"{cell}<br>{math([node], given)}"


def render_html(reports: list[PartReport], source: str, problems: list[str], *, show_given: bool = False,
                title: str | None = None, lang: str = "en") -> str:
    """The report as one self-contained HTML page: no script, no external resource (a Content Security
    Policy forbids both), every text escaped; formulas are shown as their LaTeX source in code and,
    below it, typeset as MathML (browsers render it natively)."""
    status = words(lang, "status")
    heading = title or msg(lang, "report.check_of", source=source)
    out = [f'<p class="note">{_e(msg(lang, "report.formulas_typeset"))}</p>']
    for r in reports:
        out.append(f"<h2>{_e(msg(lang, 'report.part_heading', part=r.part, score=_score(r)))}</h2>")
        if not attempted(r):
            out.append(f"<p>{_e(msg(lang, 'report.not_attempted_sentence'))}</p>")
            out += [f'<p class="note">{_e(_note(n, lang))}</p>' for n in r.notes]
            continue
        shown = shown_verdicts(r, show_given)
        names = _names(r)
        if shown:
            out.append("<table><thead><tr>" + "".join(f"<th>{_e(c)}</th>" for c in _columns(lang))
                       + "</tr></thead><tbody>")
            for v in shown:
                cls = "ok" if v.status in _GOOD else "bad"
                out.append(f"<tr><td>{_given_name(v, lang, HTML)}</td>"
                           f"<td>{_given_cell(clip_latex(v.given, 120))}</td><td>{_e(v.expected_text)}</td>"
                           f'<td class="{cls}">{_e(status[v.status])}</td>'
                           f'<td>{_what_in(v, lang, HTML, names)}</td></tr>')
            out.append("</tbody></table>")
        links = [line for v in shown for line in _failed_links(v, lang, HTML, names)]
        if links:
            out.append("<ul>" + "".join(f"<li>{line}</li>" for line in links) + "</ul>")
        out += [f"<p>{line}</p>" for line in _footer(r, show_given, lang, HTML)]
    every = frozenset().union(*(_names(r) for r in reports))
    out += [f'<p class="note">{_line(HTML, lang, "report.not_read", done={"problem": _said(HTML, p, lang, every)})}</p>'
            for p in problems]
    out += [f"<p><strong>{_e(total_line(reports, lang))}</strong></p>"]
    return _html_page(heading, out, lang, ('<meta name="viewport" content="width=device-width, initial-scale=1">',))


LEADS = {msg("en", f"lead.{k}"): k for k in words("en", "lead")}     # "could not be read" -> its id


def _lead(lead: str, lang: str) -> str:
    """Why a submission was not graded, in `lang`: `lead` is an English lead ("could not be read") or its id."""
    key = LEADS.get(lead, lead)
    return msg(lang, f"lead.{key}") if key in LEADS.values() else lead


def not_graded_markdown(student: str, reason: str, *, lead: str = "could not be graded", lang: str = "en") -> str:
    """A feedback file for a submission that was not graded: why, in the grader's words."""
    return (f"# {msg(lang, 'report.feedback_for', student=md_text(student))}\n\n"
            f"{msg(lang, 'report.not_graded', lead=_lead(lead, lang), reason=md_text(say(reason, lang)))}\n")


def not_graded_html(student: str, reason: str, *, lead: str = "could not be graded", lang: str = "en") -> str:
    """The HTML twin of `not_graded_markdown`: self-contained, escaped."""
    text = msg(lang, "report.not_graded", lead=_lead(lead, lang), reason=say(reason, lang))
    return _html_page(msg(lang, "report.feedback_for", student=student), [f"<p>{_e(text)}</p>"], lang)


def to_data(r: PartReport, lang: str = "en") -> dict:
    """One part as plain data. The machine fields (ids, statuses, diagnosis codes, link kinds) are the
    same in every language; only the sentences for people (messages, notes) are said in `lang`."""
    return {"part": r.part, "attempted": attempted(r), "score": r.score, "max_score": r.max_score,
            "first_error": r.first_error, "missing": list(r.missing), "not_graded": [v.qid for v in not_graded(r)],
            "notes": [say(n, lang) for n in r.notes],
            "items": [{"id": v.qid, "name": v.name, "given": v.given, "value": v.value, "expected": v.expected,
                       "status": v.status, "points": v.points, "credit": v.credit, "diagnosis": v.diagnosis,
                       "message": say(v.message, lang), "line": v.line,
                       "links": [{"relation": lk.relation, "text": lk.text, "kind": lk.kind, "ok": lk.ok,
                                  "message": say(lk.message, lang)} for lk in v.links]}
                      for v in r.verdicts]}


def render_json(reports: list[PartReport], source: str, problems: list[str], *, show_given: bool = True,
                lang: str = "en") -> str:
    """Every item, given values included (a script tells them by `points` 0), whatever `show_given` says."""
    return json.dumps({"source": source, "parts": [to_data(r, lang) for r in reports], "not_read": [say(p, lang) for p in problems],
                       **totals(reports)}, ensure_ascii=False, indent=2) + "\n"
