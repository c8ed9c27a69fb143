"""Free text a teacher writes in a problem file (titles, descriptions), checked once at load time.

Renderers trust what passes: no control characters (they would corrupt a terminal or a TeX
document), a bounded length, and a title on one line. Characters a font may lack are not refused
here; each renderer typesets them or shows a visible replacement.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from .messages import said

TITLE_MAX = 300            # characters of a title (problem or part)
DESCRIPTION_MAX = 10_000   # characters of a description

_LINE_BREAKS = "\n\r\x85\u2028\u2029"
_ALLOWED_CONTROLS = "\t" + _LINE_BREAKS
_SPACES = re.compile(r"[\s\x85\u2028\u2029]+")


def bad_character(text: str) -> tuple[int, str] | None:
    """The first control character or lone surrogate of `text` (1-based position, U+XXXX), if any."""
    for i, ch in enumerate(text):
        if ch in _ALLOWED_CONTROLS:
            continue
        if unicodedata.category(ch) in ("Cc", "Cs"):
            return i + 1, f"U+{ord(ch):04X}"
    return None


def collapse_spaces(text: str) -> str:
    """Each run of spaces, tabs, line breaks and blank lines becomes one space."""
    return _SPACES.sub(" ", text)


def one_line(text: str) -> str:
    """Tabs, line breaks and blank lines become single spaces; no space at either end."""
    return collapse_spaces(text).strip()


def check_text(value: Any, written: str | None, *, limit: int, single_line: bool, what: str) -> str:
    """`value` as the text of a title or description, or ValueError with what is wrong and allowed.

    `written` is the scalar exactly as written in the file (a title `2024-01-15` or `1e3` stays as
    written rather than becoming a date or 1000.0)."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, (list, dict)) or value is None:
        from .yamlfile import shown            # what was written (a list, a mapping), not a Python type name
        raise ValueError(said("text.nothing", what=what) if value is None else
                         said("text.not_text", what=what, got=shown(value)))
    else:
        text = written if written is not None else str(value)
    if len(text) > limit:
        raise ValueError(said("text.too_long", what=what, chars=len(text), most=limit))
    bad = bad_character(text)
    if bad:
        raise ValueError(said("text.control", what=what, char=bad[1], at=bad[0]))
    text = one_line(text) if single_line else text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def sanitized(text: str, limit: int = TITLE_MAX) -> str:
    """Text from outside the file's fields (its name, as a default title): controls replaced, cut to `limit`."""
    out = "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Cs") and c not in _ALLOWED_CONTROLS else c
                  for c in one_line(text))
    return out[:limit]
