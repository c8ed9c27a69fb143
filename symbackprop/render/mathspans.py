"""The symbols inside a report's sentences (a diagnosis, a failed link, the first error, the items left
out) found and typeset: `δ_3`, `w_{35}^new`, `g'(net_5)`, `∂L/∂w_{05}`, `g'(0) = 1`, `½(t − u)²`.

A diagnosis is said from the catalogue with the names of the items filled in, in the notation the
plain-text report prints; this module reads that notation back, conservatively, so that Markdown and
HTML reports can set it as maths ($…$, MathML) while the text and JSON reports keep the sentence as
it is. Only what is unambiguously a symbol is taken: a Greek letter or ∂ and what is attached to it,
a name with a subscript or a superscript, a function of one of those (g(net_5)), and the operators and
numbers that join them into one formula (g'(0) = 1, w + Δw). A word (the, used, ReLU) is never maths, and
what a sentence quotes (a student's text, in `…` or “…”) is left as words. The LaTeX is built here from
that small alphabet alone, so a student's text can never put a macro into it.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..greek import LATEX_LETTERS

_GREEK = {letter: "\\" + name for name, letter in LATEX_LETTERS.items()} | {"∂": r"\partial"}
_G = "".join(sorted(_GREEK))
# a subscript: _5, _{35}, a unit by its own name _{h_1} (notation unit_names), a weight's two units named with
# letters _{b,o1}, _{h1,o1} (two numbers, x_{1,2}, are no name of ours: A_{12} is an entry)
_IN = r"[A-Za-z0-9]{1,12}(?:_(?:\{[0-9]{1,4}\}|[0-9]))?"
_SUB = rf"_(?:\{{{_IN}\}}|\{{(?=[^}}]*[A-Za-z]){_IN},{_IN}\}}|[A-Za-z0-9]{{1,12}})"
_SUP = r"\^(?:new|\([A-Za-z0-9]{1,4}\)|\{[A-Za-z0-9]{1,8}\}|[0-9]{1,3})"
_START = r"(?<![A-Za-z0-9_'\\])"                    # not inside a word, a number or a name
_END = r"(?!\.?[A-Za-z0-9_])"
# a symbol: Greek letter(s) with letters attached (Δw, η), or a name with a subscript, optional superscript
# (a Latin name is one letter or net: an identifier such as act_3, grad_w_0_4 or relu_derivative_at_zero is words)
_SYMBOL = rf"(?:(?:[{_G}]+[A-Za-z]*(?:{_SUB})?|(?:net|[A-Za-z]){_SUB})(?:{_SUP})?(?![A-Za-z0-9_])|(?:net|[A-Za-z]){_SUP})"
_NUMBER = r"(?:[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)"
_ARG = rf"(?:{_SYMBOL}|{_NUMBER}|net|[A-Za-z])"
_CALL = rf"(?:[A-Za-z]'?\({_ARG}\))"                 # g(net_5), g'(net_5), g'(0)
_HALF = r"(?:½\([A-Za-z]{1,8} − [A-Za-z]{1,8}\)²)"    # the ½(t − u)² of a loss, in its letters (½(yd − y)²)
_FRACTION = rf"(?:∂[A-Za-z]{{1,3}}(?:{_SUB})?/∂(?:[{_G}]*[A-Za-z]*)(?:{_SUB})?)"      # ∂L/∂w_{05}
_TERM = rf"(?:[−-]?(?:{_HALF}|{_FRACTION}|{_CALL}|{_SYMBOL}))"
_OP = rf"(?: ?[=+·×/≈] ?| [−-] |(?<=[{_G}A-Za-z0-9')]) ?(?=∂))"
_LONE = r"(?:[A-Za-z](?![A-Za-z0-9_'(]))"            # a one-letter name joined to a formula (w + Δw)
_SUM = rf"(?:Σ(?:_[a-z])? (?:{_TERM}|{_LONE}))"       # a sum sign and what it sums: Σ w·x, Σ_k δ_k
# a formula: terms joined by operators to numbers, other terms or one-letter names; or net = 0
_RUN = re.compile(rf"{_START}(?:(?:net(?![A-Za-z0-9_])|{_LONE}) [=+−] )?(?:{_SUM}|{_TERM})"
                  rf"(?:{_OP}(?:{_SUM}|{_TERM}|[−-]?{_NUMBER}{_END}|{_LONE}))*"
                  rf"|{_START}(?:net|[A-Za-z]) = [−-]?{_NUMBER}{_END}|½(?!\()")
_QUOTED = re.compile(r"`[^`]*`|“[^”]*”|\"[^\"]*\"")
_SPACE = re.compile(r"\s")


def _latex_stretches(text: str, quoted: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The stretches of a student's own LaTeX in `text` that no quote marks set apart (a diagnosis names the
    student's `\\frac{\\partial E}{\\partial y_5}` as it was written): from the start of the word of a
    backslash to the first space outside its braces (the end of `text` when they never close), and the words
    after it up to one of the sentence (`\\Delta w_{04} = 0.1` whole, up to the `not` of its message). Kept whole as
    words: a name inside the student's LaTeX is never typeset apart from the rest of it."""
    out: list[tuple[int, int]] = []
    at = 0
    while True:
        i = text.find("\\", at)
        if i < 0:
            return out
        if any(a <= i < b for a, b in quoted):
            at = i + 1
            continue
        start = i
        while start > at and not _SPACE.match(text[start - 1]):
            start -= 1
        end = _word_end(text, i)
        while text[end - 1] not in ":;," and end < len(text):     # its next words while they are maths
            nxt = end
            while nxt < len(text) and _SPACE.match(text[nxt]):
                nxt += 1
            after = _word_end(text, nxt)
            if nxt == len(text) or _WORD.fullmatch(text[nxt:after]) or any(a <= nxt < b for a, b in quoted):
                break
            end = after
        out.append((start, end))
        at = end


_WORD = re.compile(r"[(“\"`]*[A-Za-z]{2,}[.,;:)”\"`]*")     # a word of the sentence (the, not, (the), not \Delta's w


def _word_end(text: str, at: int) -> int:
    """Where the word of the student's text that starts at `at` ends: the first space outside its braces."""
    depth = 0
    while at < len(text) and not (depth <= 0 and _SPACE.match(text[at])):
        depth += {"{": 1, "}": -1}.get(text[at], 0)
        at += 1
    return at


def spans(text: str) -> list[tuple[bool, str]]:
    """`text` as (is_maths, piece) in order, the pieces joined giving `text` back; quoted text is words."""
    out: list[tuple[bool, str]] = []
    at = 0
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    quoted += _latex_stretches(text, quoted)
    for m in _RUN.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in quoted):
            continue
        if m.start() > at:
            out.append((False, text[at:m.start()]))
        out.append((True, m.group()))
        at = m.end()
    if at < len(text):
        out.append((False, text[at:]))
    return out


_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*")


@lru_cache(maxsize=1024)
def symbol_latex(name: str) -> str:
    """A name of a formula in LaTeX as the worked solution typesets it: net upright (\\mathrm{net}, the
    network's), any other through render/graph.name_latex, the one function `solve` uses (x, w_{1},
    \\mathit{out}, \\mathit{x1w1}: one symbol, not the product x·1·w·1)."""
    if name == "net":
        return r"\mathrm{net}"
    from .graph import name_latex
    return name_latex(name)


_LATEX_OPS = {"−": "-", "·": r"\cdot ", "×": r"\times ", "≈": r"\approx ", "½": r"\tfrac{1}{2}", "²": "^{2}"}


def to_latex(formula: str) -> str:
    """A formula of `spans` in LaTeX: Greek letters and ∂ as macros, a name of several letters upright
    (net), ^new as text, ^(n) braced; no other character than those of the formula's small alphabet."""
    out, i = [], 0
    while i < len(formula):
        c = formula[i]
        if c == "^":
            m = re.match(r"\^(new|\([A-Za-z0-9]+\)|\{[A-Za-z0-9]+\}|[0-9]+)", formula[i:])
            sup = m.group(1)
            out.append(r"^{\text{new}}" if sup == "new" else "^{" + sup.strip("{}") + "}")
            i += m.end()
        elif c == "_":
            m = re.match(_SUB, formula[i:])
            sub = m.group()[1:]
            sub = sub[1:-1] if sub.startswith("{") else sub
            sub = re.sub(r"_\{?([0-9]+)\}?", r"_{\1}", sub)             # h_1 inside: h_{1}
            out.append(f"_{{{sub}}}" if len(sub) > 1 else f"_{sub}")
            i += m.end()
        elif c == "Σ" and re.match(r"Σ(_[a-z])? ", formula[i:]):        # a sum sign, not the letter
            sub = re.match(r"Σ(_[a-z])? ", formula[i:]).group(1) or ""
            out.append(rf"\sum{sub} ")
            i += 1 + len(sub) + 1
        elif c in _GREEK:
            nxt = formula[i + 1:i + 2]
            out.append(_GREEK[c] + (" " if nxt.isascii() and nxt.isalpha() else ""))
            i += 1
        elif c.isascii() and c.isalpha() and not (i and (formula[i - 1].isalnum() or formula[i - 1] == ".")):
            word = _TOKEN.match(formula, i).group()          # a name: net, out, x1w1, w1, E
            out.append(symbol_latex(word))
            i += len(word)
        else:
            out.append(_LATEX_OPS.get(c, c))
            i += 1
    return "".join(out).strip()


# an item's name, typeset whole by the functions below (a report's item column, first error, left out):
# letters, digits, Greek letters and ∂, subscripts and superscripts as `to_latex` reads them, a ' and a
# call's parentheses (g'(net_5)), the / of ∂L/∂y; nothing else, so no student text is ever taken for one
_NAME = re.compile(rf"(?:[{_G}A-Za-z0-9/'()]|{_SUB}|{_SUP}){{1,40}}")


def is_name(name: str) -> bool:
    """Whether `name` (an item's name: q, E, ∂L/∂A_{12}, δ_5, w_{35}^new) can be typeset whole."""
    return len(name) <= 80 and _NAME.fullmatch(name) is not None and name.count("(") == name.count(")")


def name_markdown(name: str, cell: bool = False) -> str:
    """An item's name as one maths span, `$q$`, `$\\partial L/\\partial y$`, where `spans` alone would
    leave a one-letter name (q, E) as words; a name of other characters as `markdown` writes it."""
    return f"${to_latex(name)}$" if is_name(name) else markdown(name, cell)


def name_html(name: str) -> str:
    """An item's name as one MathML formula (its plain form the alttext); else as `html` writes it."""
    from .mathml import math, mathml_row
    if is_name(name):
        node, unknown = mathml_row(to_latex(name))
        if not unknown:
            return math([node], name)
    return html(name)


def markdown(text: str, cell: bool = False) -> str:
    """`text` as inert Markdown (mdtext.py: a table cell's, with `cell`) with its formulas as $…$."""
    from .mdtext import md_cell, md_text
    out = []
    for k, (maths, piece) in enumerate(spans(text)):
        if maths:
            out.append(f"${to_latex(piece)}$")
        else:
            out.append(md_text(piece) if k == 0 and not cell else md_cell(piece))
    return "".join(out)


def html(text: str) -> str:
    """`text` as escaped HTML with its formulas as MathML (each with its plain form as alttext); a
    formula the MathML translator does not read whole stays words."""
    from html import escape

    from .mathml import math, mathml_row
    out = []
    for maths, piece in spans(text):
        node, unknown = mathml_row(to_latex(piece)) if maths else ("", ["words"])
        out.append(escape(piece, quote=True) if unknown else math([node], piece))
    return "".join(out)


# a graph's formula as a diagnosis quotes it (`L = (y - t)^2`, `q = x + y`): names, numbers, + - * / ^ ( ) , =
_FORMULA = re.compile(r"[A-Za-z0-9_ .,+\-*/^()=−·]{1,120}")
_FORMULA_TOKEN = re.compile(r"(?P<name>[A-Za-z][A-Za-z0-9_]*)|(?P<num>[0-9]+(?:\.[0-9]+)?)|(?P<sup>\^\s*(?:[0-9]+|[A-Za-z][A-Za-z0-9]*))"
                            r"|(?P<op>[-+*/=(),−·])|(?P<space>\s+)")


def formula_latex(text: str) -> str | None:
    """A graph's formula quoted in a diagnosis (`L = (y - t)^2`) as LaTeX, each name as the worked solution
    writes it (render/graph.name_latex: θ_0, \\mathit{sigy}), `*` as ·; None when it holds anything else
    (cut with …, a power of a bracket): then it stays words. Built from its tokens alone: no macro of the text's."""
    if not _FORMULA.fullmatch(text) or text.count("(") != text.count(")"):
        return None
    from .graph import name_latex
    out, at = [], 0
    while at < len(text):
        m = _FORMULA_TOKEN.match(text, at)
        if m is None:
            return None
        at = m.end()
        if m.group("name"):
            out.append(name_latex(m.group("name")) + " ")
        elif m.group("num"):
            out.append(m.group("num"))
        elif m.group("sup"):
            power = m.group("sup")[1:].strip()
            out.append("^{" + (power if power.isdigit() else name_latex(power)) + "}")
        elif m.group("op"):
            out.append({"*": r" \cdot ", "·": r" \cdot ", "−": " - "}.get(m.group("op"), " " + m.group("op") + " "))
    latex = re.sub(r" +", " ", "".join(out)).strip()
    return re.sub(r"\( | (?=[)^])", lambda m: m.group().strip(), latex)


def formula_markdown(text: str) -> str:
    """A graph's formula as one maths span `$L = (y - t)^{2}$`; else as `markdown` writes it."""
    latex = formula_latex(text)
    return f"${latex}$" if latex is not None else markdown(text, cell=True)


def formula_html(text: str) -> str:
    """A graph's formula as one MathML formula (the text its alttext); else as `html` writes it."""
    from .mathml import math, mathml_row
    latex = formula_latex(text)
    if latex is not None:
        node, unknown = mathml_row(latex)
        if not unknown:
            return math([node], text)
    return html(text)

