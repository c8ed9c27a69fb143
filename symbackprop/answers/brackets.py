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
