"""Which bracket closes which, in one pass over a text: the one matcher the readers share
(`\\sqrt(…)` and `^(…)` in latex.py and numbers.py, `√(…)` and `√{…}` in fullwidth.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass
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


# what opens and closes in an answer's LaTeX: environments, \left … \right, braces, \{ … \}, parentheses
# (\left( and a plain ( are one family: `\left(4)` closes); any other escaped character is passed over
_GROUPS = re.compile(r"\\(begin|end)\s*\{\s*([A-Za-z]+\*?)\s*\}|\\(left|right)(?![A-Za-z])\s*(\\[A-Za-z]+|\\.|.)?"
                     r"|\\([{}])|\\.|([{}()])", re.S)
_FAMILY = {"{": "brace", "}": "brace", "\\{": "escaped", "\\}": "escaped", "(": "paren", ")": "paren"}
_CLOSER = {"brace": "}", "escaped": "\\}", "paren": ")"}
SHOWN_CHARS = 24              # of the text around an unclosed bracket, quoted in the message


@dataclass(frozen=True)
class Unclosed:
    """An opener without its closer: `kind` env (name: the environment), env_end (an \\end with no
    \\begin), env_mismatch (name closed by `other`), left (`opener`: \\left( …), or bracket (`opener` {, (,
    \\{ and its `closer`); `at` the text from the opener on, clipped, to say where."""

    kind: str
    name: str = ""
    other: str = ""
    opener: str = ""
    closer: str = ""
    at: str = ""


def _at(text: str, start: int) -> str:
    """The text around an opener at `start`: up to SHOWN_CHARS // 2 characters before it and SHOWN_CHARS
    from it on, on one line, `…` where cut."""
    begin = max(0, start - SHOWN_CHARS // 2)
    end = start + SHOWN_CHARS
    piece = " ".join(text[begin:end].split())
    return ("…" if begin else "") + piece + ("…" if end < len(text) else "")


def unclosed(text: str) -> Unclosed | None:
    """The first construct of `text` opened and never closed — an environment (`\\begin{bmatrix}` with
    no `\\end{bmatrix}`), a `\\left(` with no `\\right` or `)`, a `{`, `\\{` or `(` with no closer — or an
    `\\end{…}` that closes no `\\begin` (or another one's); None when all are closed. A closing bracket with
    nothing open is passed over (`4)` reads as 4, as it always did). One pass (a stack)."""
    stack: list[tuple[str, str, int]] = []            # (family, what opened it as written, position)
    for m in _GROUPS.finditer(text):
        if m.group(1) == "begin":
            stack.append(("env", m.group(2), m.start()))
            continue
        if m.group(1) == "end":
            envs = [n for n, entry in enumerate(stack) if entry[0] == "env"]
            if not envs:
                return Unclosed("env_end", name=m.group(2))
            n = envs[-1]
            if n < len(stack) - 1:                       # a bracket opened inside the environment is still open
                return _report(text, stack[n + 1])
            if stack[n][1] != m.group(2):
                return Unclosed("env_mismatch", name=stack[n][1], other=m.group(2))
            stack.pop()
            continue
        if m.group(3):                                     # \left( opens, \right) closes, as ( and )
            if m.group(3) == "left":
                stack.append(("paren", "\\left" + (m.group(4) or ""), m.start()))
                continue
            family = "paren"
        elif m.group(5) or m.group(6):
            token = "\\" + m.group(5) if m.group(5) else m.group(6)
            family = _FAMILY[token]
            if token in ("{", "\\{", "("):
                stack.append((family, token, m.start()))
                continue
        else:
            continue                                       # \, \\ \( …: no bracket
        found = [n for n, entry in enumerate(stack) if entry[0] == family]
        if not found:
            continue                                       # a closer with nothing open: passed over
        if found[-1] < len(stack) - 1:                     # `{(}`: the ( inside is not closed
            return _report(text, stack[found[-1] + 1])
        stack.pop()
    return _report(text, stack[0]) if stack else None


def _report(text: str, entry: tuple[str, str, int]) -> Unclosed:
    family, opener, start = entry
    if family == "env":
        return Unclosed("env", name=opener)
    if opener.startswith("\\left"):
        return Unclosed("left", opener=opener, at=_at(text, start))
    return Unclosed("bracket", opener=opener, closer=_CLOSER[family], at=_at(text, start))
