"""Issue 11, leftovers from the trial and the review (session 8).

1. Each renderer escapes for its own format only: the terminal never shows a Markdown escape
   (`\\<stream end>`), Markdown never shows a student's or a name's text unescaped, HTML uses entities.
"""
from __future__ import annotations

import html
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.document import Document, Part, Section, Step, Text
from symbackprop.render import render
from symbackprop.render.markdown import md_words

ROOT = Path(__file__).resolve().parent.parent
XOR = ROOT / "problems" / "xor.yaml"
HOSTILE = "a<b> *c* _d_ [e](f) #g `h` \\i"


# -- 1. escaping for each format -------------------------------------------------------------------

def _broken_class(tmp_path: Path, student: str) -> Path:
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / f"{student}.yaml").write_text("a: [1,\n", encoding="utf-8")      # YAML ends inside a list
    (subs / "ok.yaml").write_text("sigmoid:\n  u_3: 0.5\n", encoding="utf-8")
    return subs


def test_the_grade_summary_on_the_terminal_shows_no_markdown_escape(tmp_path):
    student = "st<u>*_[x]#`" if os.name != "nt" else "st_[x]#`"     # < and * are no Windows file names
    subs = _broken_class(tmp_path, student)
    summary = tmp_path / "s.md"
    result = CliRunner().invoke(main, ["grade", str(XOR), str(subs), "-o", str(tmp_path / "b.csv"),
                                       "--summary", str(summary), "--part", "sigmoid", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "but found '<stream end>'" in out and "\\<" not in out and "\\[" not in out and "\\`" not in out
    assert f"- {student}: {student}.yaml:2: invalid YAML" in out
    # the file is Markdown: there the same text is escaped, so that no tag or link opens
    md = summary.read_text(encoding="utf-8")
    assert "but found '\\<stream end>'" in md and "'<stream end>'" not in md
    assert "\\[x]" in md and "\\`" in md


def test_a_wrong_answer_is_quoted_as_written_on_the_terminal(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ann.yaml").write_text("sigmoid:\n  u_3: '0.6|0.7'\n", encoding="utf-8")
    summary = tmp_path / "s.md"
    result = CliRunner().invoke(main, ["grade", str(XOR), str(subs), "-o", str(tmp_path / "b.csv"),
                                       "--summary", str(summary), "--part", "sigmoid", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("| sigmoid | u_3 "))
    assert "`0.6|0.7` ×1" in row
    md_row = next(line for line in summary.read_text(encoding="utf-8").splitlines()
                  if line.startswith("| sigmoid | u_3 "))
    assert "`0.6\\|0.7` ×1" in md_row                                 # GFM splits cells at a bare |


class _Math:
    def text(self, expr, values=None):
        return str(expr)

    def latex(self, expr, values=None):
        return str(expr)

    def number(self, value, precision):
        return str(value)

    def value(self, step, precision, latex):
        return str(step.value), True


def _document(words: str) -> Document:
    step = Step("s", "x", value=1)
    section = Section(Text(f"section {words}"), (step,), notes=(Text(f"note {words}"),))
    part = Part(Text(f"part {words}"), (section,), _Math(), notes=(Text(f"convention {words}"),),
                closing=(Text(f"closing {words}"),))
    return Document(f"title {words}", (part,))


def test_text_shows_every_word_as_written():
    out = render(_document(HOSTILE), "text")
    for where in ("title", "part", "convention", "section", "note", "closing"):
        assert f"{where} {HOSTILE}" in out
    assert "\\<" not in out and "&lt;" not in out


def test_markdown_escapes_plain_words_so_they_read_as_written():
    out = render(_document(HOSTILE), "markdown")
    escaped = md_words(HOSTILE)
    for where in ("part", "convention", "section", "note", "closing"):
        assert f"{where} {escaped}" in out, where
    assert HOSTILE not in out
    assert escaped == "a\\<b> \\*c\\* \\_d\\_ \\[e\\](f) #g \\`h\\` \\i"
    # CommonMark: a backslash before ASCII punctuation shows the character; nothing else is escaped
    assert md_words("δ_k and half_squared_error") == "δ_k and half_squared_error"
    assert md_words("2*3") == "2\\*3" and md_words("\\*") == "\\\\\\*"


def test_html_uses_entities_and_no_backslash():
    out = render(_document(HOSTILE), "html")
    for where in ("title", "part", "convention", "section", "note", "closing"):
        assert f"{where} {html.escape(HOSTILE, quote=True)}" in out, where
    assert "a\\<b" not in out and "<b>" not in out


def test_check_reports_escape_for_their_own_format_only(tmp_path):
    """A check report in text, Markdown and HTML, for an answer with every special character."""
    answers = tmp_path / "a.yaml"
    answers.write_text("sigmoid:\n  u_3: '<b>*x*_[y]#`z`'\n", encoding="utf-8")
    outs = {}
    for fmt in ("text", "markdown", "html"):
        r = CliRunner().invoke(main, ["check", str(XOR), str(answers), "--part", "sigmoid", "--format", fmt])
        assert r.exit_code == 1, r.output
        outs[fmt] = r.output
    assert "<b>*x*_[y]#`z`" in outs["text"] and "\\<" not in outs["text"] and "\\[" not in outs["text"]
    assert "&lt;b&gt;*x*_[y]#`z`" in outs["html"] and "<b>" not in outs["html"]
    md_row = next(line for line in outs["markdown"].splitlines() if line.startswith("| u_3"))
    assert "<b>*x*_[y]#`z`" in md_row                     # inside a code span: shown as written
    assert md_row.count("``") >= 2                        # fenced by more backquotes than any run inside
