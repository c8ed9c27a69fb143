"""Shortening a student's LaTeX for a table cell without cutting it inside a command.

A report shows each answer in a column of fixed width. Cutting at a character count can leave
`\\fra…` or `{1+e^{0.0…`: a command, a number or a group the reader cannot make sense of. Here the
text is split into tokens (a command with its name, `\\left(`, `\\begin{cases}`, a number as
written, a word, one other character) and cut only between tokens where nothing binds across the
cut; every group still open there (`{`, `\\left`, `\\begin{…}`) is closed after the ellipsis, so
the shortened text is balanced LaTeX again.
"""
from __future__ import annotations

import re

ELLIPSIS = "…"
_TOKEN = re.compile(r"""
    \\(?:begin|end)\s*\{[^{}]*\}                 # \begin{cases}, \end{cases}: one token
  | \\(?:left|right)\s*(?:\\[A-Za-z]+|\\.|[^\s\\])? # \left(, \right\}, \left.: one token
  | \\(?:[A-Za-z]+|.)                            # a command, or a one-character one (\, \{)
  | (?:\d+(?:[.,]\d+)*|[.,]\d+)(?:[eE][-+]?\d+)? # a number as written
  | [A-Za-z]+                                    # a word
  | \s+
  | .""", re.S | re.X)
_ENV = re.compile(r"\\(begin|end)\s*\{([^{}]*)\}")
_BOUND_TO_NEXT = ("_", "^")                      # they take what follows
_BOUND_TO_PREVIOUS = ("{", "[", "_", "^", "'")   # they belong to what comes before


def clip_latex(text: str, width: int) -> str:
    """`text` on one line (whitespace runs made one space) and, when longer than `width`
    characters, cut between two tokens with an ellipsis and its open groups closed: never inside a
    command, a number or a word, never between a command and its argument. The result has at most
    `width` characters; where the groups to close make it longer, the shortest such cut is taken
    (one character of text and its closers). Text with no such place in its first `width`
    characters (a run of commands, a 100-digit number) is cut after its last whole token there, or
    a word or number too long for the cell after `width` - 1 characters: the cell stays bounded."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    width = max(width, 2)
    closers: list[str] = []            # what closes each group open so far, innermost last
    best = first = None                # the longest cut that fits; the shortest one, when none fits
    whole = 0                          # where the last whole token within the width ends
    tokens = _TOKEN.finditer(text)
    current, previous = next(tokens, None), ""
    while current is not None and current.end() < width:      # the ellipsis needs one place
        following = next(tokens, None)
        tok, end = current.group(), current.end()
        _track(tok, previous, closers)
        whole = end
        if following is not None and _may_cut(tok, following.group()):
            cut = text[:end].rstrip() + ELLIPSIS + "".join(reversed(closers))
            if len(cut) <= width:
                best = cut
            elif first is None:
                first = cut
        current, previous = following, tok
    if best or first:
        return best or first           # type: ignore[return-value]
    if whole:
        return text[:whole].rstrip() + ELLIPSIS
    head = current.group() if current is not None else ""
    return (head[: width - 1] if not head.startswith("\\") else "") + ELLIPSIS


def _track(tok: str, previous: str, closers: list[str]) -> None:
    """Open or close the group a token opens or closes (`[` only as a command's optional argument)."""
    if tok == "{" or tok == "[" and previous.startswith("\\") and previous[1:].isalpha():
        closers.append("}" if tok == "{" else "]")
    elif tok in "}]":
        if closers and closers[-1] == tok:
            closers.pop()
    elif tok.startswith("\\left") and not tok[5:6].isalpha():
        closers.append("\\right.")
    elif tok.startswith("\\right") and not tok[6:7].isalpha():
        if "\\right." in closers:
            del closers[len(closers) - 1 - closers[::-1].index("\\right.")]
    else:
        env = _ENV.fullmatch(tok)
        if env and env.group(1) == "begin":
            closers.append(f"\\end{{{env.group(2)}}}")
        elif env and f"\\end{{{env.group(2)}}}" in closers:
            closers.remove(f"\\end{{{env.group(2)}}}")


def _may_cut(tok: str, following: str) -> bool:
    """Whether the text may be cut between `tok` and the token after it."""
    if tok in _BOUND_TO_NEXT or following in _BOUND_TO_PREVIOUS:
        return False
    if tok.startswith("\\") and tok[1:].isalpha():
        return False                   # \frac, \sqrt, \mathrm: the command takes its argument
    return True
