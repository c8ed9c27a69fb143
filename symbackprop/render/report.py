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
import unicodedata

from ..answers.checker import PartReport, Verdict
from .clip import clip_latex
from .mdtext import md_cell, md_code, md_text

WORDS = {"correct": "correct", "follow_through": "follow-through", "other_convention": "other convention",
         "imprecise": "imprecise", "rounding": "rounded wrongly", "slip": "working wrong", "wrong": "WRONG",
         "unreadable": "unreadable"}
NOT_ATTEMPTED = "not attempted (nothing of this part answered)"


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: wide (CJK, full-width) characters take two, so the table's
    columns stay aligned after `0.1249左右`."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in text)


def _given(v: Verdict, width: int = 40) -> str:
    return clip_latex(v.given, width)


def _what(v: Verdict) -> str:
    return v.message if v.points or v.status != "correct" else ""


def attempted(r: PartReport) -> bool:
    """Whether the student answered anything of this part (an unreadable answer counts: it was tried)."""
    return bool(r.verdicts)


def shown_verdicts(r: PartReport, show_given: bool) -> list[Verdict]:
    """The rows of a part's table: the graded items, and the values the problem gives (which carry no
    points: η, the weights) only when asked."""
    return [v for v in r.verdicts if v.points or show_given]


def _given_slips(r: PartReport, show_given: bool) -> list[str]:
    """Given values the student wrote otherwise than the problem gives them, when their rows are hidden:
    a copying slip explains the wrong values that follow from it."""
    if show_given:
        return []
    return [f"{v.name} = {' '.join(v.given.split())} (the problem gives {v.expected_text})"
            for v in r.verdicts if not v.points and v.status not in ("correct", "follow_through")]


def _footer(r: PartReport, show_given: bool = False) -> list[str]:
    """The first error, the items left out and the report-level notes of one part."""
    out = []
    if r.first_error:
        out.append(f"First error: {next(v.name for v in r.verdicts if v.qid == r.first_error)}")
    slips = _given_slips(r, show_given)
    if slips:
        out.append("Given values written otherwise: " + "; ".join(slips))
    if r.missing:
        out.append("Left out: " + ", ".join(r.missing_names[q] for q in r.missing))
    return out + [f"Note: {n}" for n in r.notes]


def _score(r: PartReport) -> str:
    return f"{r.score:g} / {r.max_score:g}"


def totals(reports: list[PartReport]) -> dict:
    """The score and maximum of all parts, and of the attempted parts apart, with the parts not attempted."""
    tried = [r for r in reports if attempted(r)]
    return {"score": sum(r.score for r in reports), "max_score": sum(r.max_score for r in reports),
            "attempted_score": sum(r.score for r in tried), "attempted_max_score": sum(r.max_score for r in tried),
            "not_attempted": [r.part for r in reports if not attempted(r)]}


def total_line(reports: list[PartReport]) -> str:
    """`Score: 19 / 80`, and when some parts were attempted and others not, the attempted parts' score."""
    t = totals(reports)
    line = f"Score: {t['score']:g} / {t['max_score']:g}"
    if t["not_attempted"] and len(t["not_attempted"]) < len(reports):
        line += (f" (attempted parts: {t['attempted_score']:g} / {t['attempted_max_score']:g}; "
                 f"not attempted: {', '.join(t['not_attempted'])})")
    return line


def _failed_links(v: Verdict) -> list[str]:
    """The links that failed, as notes under the table. A follow-through's substituted numbers are the
    student's own earlier (wrong) values, so that they do not give the true value is the error already
    charged, not a second one: those are left out (JSON keeps every link)."""
    return [f"{v.name}: {lk.kind} “{' '.join(lk.text.split())}”: {lk.message}" for lk in v.links
            if not lk.ok and not (v.status == "follow_through" and lk.kind == "numbers")]


def render_text(reports: list[PartReport], source: str, problems: list[str], *, show_given: bool = False) -> str:
    out = [f"{source}"]
    for r in reports:
        if not attempted(r):
            out += ["", f"Part {r.part}: {NOT_ATTEMPTED}; score {_score(r)}"]
            out += [f"  Note: {n}" for n in r.notes]
            continue
        out += ["", f"Part {r.part}: score {_score(r)}"]
        shown = shown_verdicts(r, show_given)
        rows = [("item", "given", "expected", "verdict", "diagnosis")]
        for v in shown:
            name = v.name + ("" if v.points else " (given)")
            rows.append((name, _given(v), v.expected_text, WORDS[v.status], _what(v)))
        if len(rows) > 1:
            widths = [max(_width(row[i]) for row in rows) for i in range(4)]
            for row in rows:
                out.append("  " + "  ".join(c + " " * (w - _width(c)) for c, w in zip(row[:4], widths))
                           + ("  " + row[4] if row[4] else ""))
        for v in shown:
            out += [f"  {line}" for line in _failed_links(v)]
        out += [f"  {line}" for line in _footer(r, show_given)]
    out += [f"Not read: {p}" for p in problems]
    out += ["", total_line(reports), ""]
    return "\n".join(out)


def render_markdown(reports: list[PartReport], source: str, problems: list[str], *, show_given: bool = False,
                    title: str | None = None) -> str:
    """The report as Markdown; `title` replaces the heading "Check of SOURCE" (a feedback file)."""
    out = [f"# {md_text(title) if title else 'Check of ' + md_text(source)}"]
    for r in reports:
        if not attempted(r):
            out += ["", f"## Part {md_text(r.part)}: {_score(r)}", "", f"{NOT_ATTEMPTED.capitalize()}."]
            out += [f"\nNote: {md_text(n)}" for n in r.notes]
            continue
        out += ["", f"## Part {md_text(r.part)}: {_score(r)}"]
        shown = shown_verdicts(r, show_given)
        if shown:
            out += ["", "| item | given | expected | verdict | diagnosis |", "|---|---|---|---|---|"]
        for v in shown:
            out.append(f"| {md_cell(v.name)}{'' if v.points else ' (given)'} | {md_code(v.given, 60)} | "
                       f"{md_cell(v.expected_text)} | {WORDS[v.status]} | {md_cell(_what(v))} |")
        links = [line for v in shown for line in _failed_links(v)]
        if links:
            out += [""] + [f"- {md_text(line)}" for line in links]
        out += [f"\n{md_text(line)}" for line in _footer(r, show_given)]
    out += [f"\nNot read: {md_text(p)}" for p in problems]
    out += ["", f"**{md_text(total_line(reports))}**"]
    return "\n".join(out) + "\n"


_STYLE = ("body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
          "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em;"
          "text-align:left;vertical-align:top}th{background:#f3f3f3}code{font-family:ui-monospace,monospace;"
          "background:#f6f6f6;padding:0 .2em;white-space:pre-wrap;word-break:break-word}"
          ".bad{color:#a00;font-weight:bold}.ok{color:#060}.note{color:#555}")
_GOOD = ("correct", "follow_through", "other_convention")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def render_html(reports: list[PartReport], source: str, problems: list[str], *, show_given: bool = False,
                title: str | None = None) -> str:
    """The report as one self-contained HTML page: no script, no external resource (a Content Security
    Policy forbids both), every text escaped; formulas are shown as their LaTeX source in code."""
    heading = title or f"Check of {source}"
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(heading)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
           f"<h1>{_e(heading)}</h1>",
           '<p class="note">Formulas are shown as the LaTeX you wrote, not typeset.</p>']
    for r in reports:
        out.append(f"<h2>Part {_e(r.part)}: {_e(_score(r))}</h2>")
        if not attempted(r):
            out.append(f"<p>{_e(NOT_ATTEMPTED.capitalize())}.</p>")
            out += [f'<p class="note">Note: {_e(n)}</p>' for n in r.notes]
            continue
        shown = shown_verdicts(r, show_given)
        if shown:
            out.append("<table><thead><tr><th>item</th><th>given</th><th>expected</th><th>verdict</th>"
                       "<th>diagnosis</th></tr></thead><tbody>")
            for v in shown:
                cls = "ok" if v.status in _GOOD else "bad"
                out.append(f"<tr><td>{_e(v.name)}{'' if v.points else ' (given)'}</td>"
                           f"<td><code>{_e(clip_latex(v.given, 120))}</code></td><td>{_e(v.expected_text)}</td>"
                           f'<td class="{cls}">{_e(WORDS[v.status])}</td><td>{_e(_what(v))}</td></tr>')
            out.append("</tbody></table>")
        links = [line for v in shown for line in _failed_links(v)]
        if links:
            out.append("<ul>" + "".join(f"<li>{_e(line)}</li>" for line in links) + "</ul>")
        out += [f"<p>{_e(line)}</p>" for line in _footer(r, show_given)]
    out += [f'<p class="note">Not read: {_e(p)}</p>' for p in problems]
    out += [f"<p><strong>{_e(total_line(reports))}</strong></p>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def not_graded_markdown(student: str, reason: str, *, lead: str = "could not be graded") -> str:
    """A feedback file for a submission that was not graded: why, in the grader's words."""
    return f"# Feedback for {md_text(student)}\n\nYour submission {lead}: {md_text(reason)}\n"


def not_graded_html(student: str, reason: str, *, lead: str = "could not be graded") -> str:
    """The HTML twin of `not_graded_markdown`: self-contained, escaped."""
    heading = f"Feedback for {student}"
    return "\n".join(["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "style-src 'unsafe-inline'\">", f"<title>{_e(heading)}</title>", f"<style>{_STYLE}</style>",
                      "</head>", "<body>", f"<h1>{_e(heading)}</h1>",
                      f"<p>Your submission {_e(lead)}: {_e(reason)}</p>", "</body>", "</html>"]) + "\n"


def to_data(r: PartReport) -> dict:
    return {"part": r.part, "attempted": attempted(r), "score": r.score, "max_score": r.max_score,
            "first_error": r.first_error, "missing": list(r.missing), "notes": list(r.notes),
            "items": [{"id": v.qid, "name": v.name, "given": v.given, "value": v.value, "expected": v.expected,
                       "status": v.status, "points": v.points, "credit": v.credit, "diagnosis": v.diagnosis,
                       "message": v.message, "line": v.line,
                       "links": [{"relation": lk.relation, "text": lk.text, "kind": lk.kind, "ok": lk.ok,
                                  "message": lk.message} for lk in v.links]}
                      for v in r.verdicts]}


def render_json(reports: list[PartReport], source: str, problems: list[str], *, show_given: bool = True) -> str:
    """Every item, given values included (a script tells them by `points` 0), whatever `show_given` says."""
    return json.dumps({"source": source, "parts": [to_data(r) for r in reports], "not_read": problems,
                       **totals(reports)}, ensure_ascii=False, indent=2) + "\n"
