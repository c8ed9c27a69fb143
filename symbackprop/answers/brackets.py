"""Which bracket closes which, in one pass over a text: the one matcher the readers share
(`\\sqrt(…)` and `^(…)` in latex.py and numbers.py, `√(…)` and `√{…}` in fullwidth.py)."""
from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=8)
def _pattern(opening: str, closing: str) -> re.Pattern:
    return re.compile("[" + re.escape(opening + closing) + "]")


def closing_brackets(text: str, opening: str = "(", closing: str = ")") -> dict[int, int]:
    """Each opening bracket's position -> the position of the bracket that closes it. Any closing
    bracket closes the innermost one open (a stack); one without an opening one is passed over."""
    found: dict[int, int] = {}
    stack: list[int] = []
    for m in _pattern(opening, closing).finditer(text):
        if m.group(0) in opening:
            stack.append(m.start())
        elif stack:
            found[stack.pop()] = m.start()
    return found


def split_top_level(text: str, separators: str = ",") -> list[str]:
    """`text` cut at each separator outside brackets ((), [], {}), the pieces unstripped: `1, \\max(1, 2)`
    is two pieces. The one splitter of the readers (a line's equations in latex.split_equations, a
    list's entries in graph_names.bracket_list). A closing bracket with none open leaves the rest
    unsplit (depth below 0), as both readers always did."""
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and ch in separators:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return pieces
