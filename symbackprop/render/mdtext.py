"""Untrusted text (a file name, a student's answer, a message quoting one) as inert Markdown.

Reports and the class summary are Markdown that teachers open in viewers which render HTML: a
student's text must never become a link, an image, HTML, a heading or a new table cell.
"""
from __future__ import annotations

import re

from .clip import clip_latex

_ALWAYS = set("`[<|")    # what opens a code span, a link or an image, HTML or an autolink, or a new table cell
_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")    # what a backslash escapes in CommonMark
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")


def _escape(text: str) -> str:
    """Text on one line with only what could become markup escaped: a backquote, [, < and |
    always; ] only before ( [ or : (where a link or a reference would go on); & only where it starts
    an entity (`&lt;`); a backslash only where it would escape what follows. Any other ] or > is left
    as written (no link or tag can open before it), so
    `expected ',' or ']'` reads as written in a viewer and in a terminal alike."""
    out = []
    for i, c in enumerate(text):
        if not c.isprintable():
            out.append(" ")
        elif c in _ALWAYS:
            out.append("\\" + c)
        elif c == "]" and text[i + 1:i + 2] in ("(", "[", ":"):     # never a link's end, even escaped [ aside
            out.append("\\]")
        elif c == "&" and _ENTITY.match(text, i):
            out.append("\\&")
        elif c == "\\" and (i + 1 == len(text) or text[i + 1] in _PUNCT):
            out.append("\\\\")
        else:
            out.append(c)
    return "".join(out)


def md_text(text: str) -> str:
    """Text as inert Markdown on one line (`_escape`: no link, image, HTML, code span or table cell
    can start in it; emphasis is harmless and left readable); a leading #, -, +, =, > or `1.`
    cannot start a heading, a list or a quote."""
    out = _escape(text)
    if out.startswith(("#", "-", "+", "=", ">")) or re.match(r"\d+[.)](\s|$)", out):
        out = "\\" + out
    return out


def md_cell(text: str) -> str:
    """Text in a table cell, inert as `md_text` makes it (a cell starts no heading or list, so a
    leading - or # stays as it is: -0.1272 reads as written)."""
    return _escape(text)


def md_code(text: str, width: int | None = None) -> str:
    """A student's LaTeX as a code span that is safe in a table cell: on one line, shortened at a
    safe point (clip.py) when `width` is given, fenced by more backticks than any run inside it, and
    with `|` escaped (GFM splits cells at a bare `|` even inside code)."""
    text = clip_latex(text, width) if width else " ".join(text.split())
    if not text:
        return "` `"
    runs = [len(r) for r in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or text.startswith(" ") else ""
    return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"
