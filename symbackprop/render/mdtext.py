"""Untrusted text (a file name, a student's answer, a message quoting one) as inert Markdown.

Reports and the class summary are Markdown that teachers open in viewers which render HTML: a
student's text must never become a link, an image, HTML, a heading or a new table cell.
"""
from __future__ import annotations

import re

from .clip import clip_latex

_MD_SPECIAL = set("\\`[]<>|&")    # what can make a link, an image, HTML, a code span or a new table cell


def md_text(text: str) -> str:
    """Text as inert Markdown on one line: every control character (a newline, a tab) becomes a
    space, and the characters that make links, images, HTML, code spans or table cells are
    backslash-escaped (emphasis is harmless and left readable); a leading #, -, +, = or `1.` cannot
    start a heading or a list."""
    out = "".join(" " if not c.isprintable() else "\\" + c if c in _MD_SPECIAL else c for c in text)
    if out.startswith(("#", "-", "+", "=")) or re.match(r"\d+[.)](\s|$)", out):
        out = "\\" + out
    return out


def md_cell(text: str) -> str:
    """Text in a table cell, inert as `md_text` makes it (a cell starts no heading or list, so a
    leading - or # stays as it is: -0.1272 reads as written)."""
    return "".join(" " if not c.isprintable() else "\\" + c if c in _MD_SPECIAL else c for c in text)


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
