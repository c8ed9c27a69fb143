"""A checked submission (`symbackprop check`) as a text table, Markdown or JSON."""
from __future__ import annotations

import json

from ..answers.check import PartReport, Verdict

WORDS = {"correct": "correct", "follow_through": "follow-through", "other_convention": "other convention",
         "imprecise": "imprecise", "rounding": "rounded wrongly", "slip": "working wrong", "wrong": "WRONG",
         "unreadable": "unreadable"}


def _given(v: Verdict, width: int = 40) -> str:
    text = " ".join(v.given.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _what(v: Verdict) -> str:
    return v.message if v.points or v.status != "correct" else ""


def _footer(r: PartReport) -> list[str]:
    """The first error, the items left out and the report-level notes of one part."""
    out = []
    if r.first_error:
        out.append(f"First error: {next(v.name for v in r.verdicts if v.qid == r.first_error)}")
    if r.missing:
        out.append("Left out: " + ", ".join(r.missing_names[q] for q in r.missing))
    return out + [f"Note: {n}" for n in r.notes]


def _score(r: PartReport) -> str:
    return f"{r.score:g} / {r.max_score:g}"


def render_text(reports: list[PartReport], source: str, problems: list[str]) -> str:
    out = [f"{source}"]
    for r in reports:
        out += ["", f"Part {r.part}: score {_score(r)}"]
        if not r.verdicts:
            out += ["  nothing answered"] + [f"  {line}" for line in _footer(r)]
            continue
        rows = [("item", "given", "expected", "verdict", "diagnosis")]
        for v in r.verdicts:
            name = v.name + ("" if v.points else " (given)")
            rows.append((name, _given(v), v.expected_text, WORDS[v.status], _what(v)))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            out.append("  " + "  ".join(c.ljust(w) for c, w in zip(row[:4], widths)) + ("  " + row[4] if row[4] else ""))
        for v in r.verdicts:
            for lk in v.links:
                if not lk.ok:
                    out.append(f"  {v.name}: {lk.kind} “{' '.join(lk.text.split())}”: {lk.message}")
        out += [f"  {line}" for line in _footer(r)]
    out += [f"Not read: {p}" for p in problems]
    total = sum(r.score for r in reports)
    top = sum(r.max_score for r in reports)
    out += ["", f"Score: {total:g} / {top:g}", ""]
    return "\n".join(out)


def render_markdown(reports: list[PartReport], source: str, problems: list[str]) -> str:
    out = [f"# Check of {source}"]
    for r in reports:
        out += ["", f"## Part {r.part}: {_score(r)}", "", "| item | given | expected | verdict | diagnosis |",
                "|---|---|---|---|---|"]
        for v in r.verdicts:
            given = _given(v, 60).replace("|", "\\|")
            out.append(f"| {v.name}{'' if v.points else ' (given)'} | `{given}` | {v.expected_text} | "
                       f"{WORDS[v.status]} | {_what(v).replace('|', '/')} |")
        out += [f"\n{line}" for line in _footer(r)]
    out += [f"\nNot read: {p}" for p in problems]
    return "\n".join(out) + "\n"


def to_data(r: PartReport) -> dict:
    return {"part": r.part, "score": r.score, "max_score": r.max_score, "first_error": r.first_error,
            "missing": list(r.missing), "notes": list(r.notes),
            "items": [{"id": v.qid, "name": v.name, "given": v.given, "value": v.value, "expected": v.expected,
                       "status": v.status, "points": v.points, "credit": v.credit, "diagnosis": v.diagnosis,
                       "message": v.message, "line": v.line,
                       "links": [{"relation": lk.relation, "text": lk.text, "kind": lk.kind, "ok": lk.ok,
                                  "message": lk.message} for lk in v.links]}
                      for v in r.verdicts]}


def render_json(reports: list[PartReport], source: str, problems: list[str]) -> str:
    return json.dumps({"source": source, "parts": [to_data(r) for r in reports], "not_read": problems,
                       "score": sum(r.score for r in reports), "max_score": sum(r.max_score for r in reports)},
                      ensure_ascii=False, indent=2) + "\n"
