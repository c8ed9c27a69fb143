"""Prose with mathematics in it, typeset once per format: plain text as written; LaTeX and Markdown
with each symbol in $…$; HTML with each symbol as MathML, which browsers set in italics.

A catalogue template marks a symbol of its own words *i* (messages.MARK); a field that is mathematics
is given as a `Sym` (its plain text and its LaTeX), one that names what to write in a file as a `Code`.
Everything else is words, escaped for each format. No format looks at the language.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..document import Text
from ..messages import marked

_GREEK = {"α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "η": r"\eta", "θ": r"\theta",
          "λ": r"\lambda", "σ": r"\sigma", "Δ": r"\Delta", "Σ": r"\Sigma", "∂": r"\partial"}
_TOKEN = re.compile("\ue000([0-9]+)\ue001")


@dataclass(frozen=True)
class Sym:
    """Mathematics inside prose: as plain text (δ_j = ∂J/∂net_j) and as LaTeX math, without $."""

    plain: str
    latex: str


@dataclass(frozen=True)
class Code:
    """What the reader writes in a file (a setting's name): a code span in Markdown and HTML."""

    text: str


def symbol(plain: str) -> Sym:
    """A marked symbol of a template (i, δ, x_i, w_ij, g'(0)) with its LaTeX: Greek letters as macros,
    a subscript of several characters braced."""
    base, _, sub = plain.partition("_")
    latex = "".join(_GREEK.get(c, c) + (" " if c in _GREEK and i + 1 < len(base) and base[i + 1].isalpha() else "")
                    for i, c in enumerate(base))
    if sub:
        latex += f"_{{{sub}}}" if len(sub) > 1 else f"_{sub}"
    return Sym(plain, latex)


def _piece(piece, fmt: str) -> str:
    """One `Sym` or `Code` in format `fmt`."""
    if isinstance(piece, Code):
        if fmt == "latex":                 # as words: a LaTeX fragment uses amsmath's macros only
            from .latex import tex_escape
            return tex_escape(piece.text)
        if fmt == "markdown":
            from .mdtext import md_code
            return md_code(piece.text)
        return f"<code>{html.escape(piece.text)}</code>" if fmt == "html" else piece.text
    if fmt in ("latex", "markdown"):
        return f"${piece.latex}$"
    if fmt == "html":
        from .mathml import math, mathml_row
        return math([mathml_row(piece.latex)[0]], piece.plain)
    return piece.plain


def _words(text: str, fmt: str) -> str:
    """Words (the template's and the fields' text) escaped for `fmt`."""
    if not text:
        return text
    if fmt == "latex":
        from .latex import tex_escape
        return tex_escape(text)
    if fmt == "markdown":
        from .markdown import md_words
        return md_words(text)
    return html.escape(text, quote=False) if fmt == "html" else text


def typeset(raw: str, pieces: list, fmt: str) -> str:
    """`raw` (words with tokens standing for `pieces`) in format `fmt`."""
    out, at = [], 0
    for m in _TOKEN.finditer(raw):
        out += [_words(raw[at:m.start()], fmt), _piece(pieces[int(m.group(1))], fmt)]
        at = m.end()
    out.append(_words(raw[at:], fmt))
    return "".join(out)


def sentence(lang: str, key: str, **fields: object) -> Text:
    """Message `key` in `lang` as `Text` in every format: its marked symbols and its `Sym` fields as
    mathematics, its `Code` fields as code, every other field as words."""
    pieces: list = []

    def token(piece) -> str:
        pieces.append(piece)
        return f"\ue000{len(pieces) - 1}\ue001"

    filled = {k: token(v) if isinstance(v, (Sym, Code)) else v for k, v in fields.items()}
    raw = marked(lang, key, lambda s: token(symbol(s)), **filled)
    return Text(typeset(raw, pieces, "text"), typeset(raw, pieces, "latex"), typeset(raw, pieces, "markdown"),
                typeset(raw, pieces, "html"))


def joined_syms(syms: list[Sym], sep: str = ", ") -> Sym:
    """Several pieces of mathematics as one list."""
    return Sym(sep.join(s.plain for s in syms), sep.join(s.latex for s in syms))
