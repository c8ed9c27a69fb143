"""LaTeX worked solution: a standalone document (with a TikZ picture of the network) or a fragment
to `\\input` into a teacher's own exam or slides, using only amsmath/amssymb macros."""
from __future__ import annotations

import re
import unicodedata

from ..printing import format_value
from ..solution import PartSolution, Solution
from .prose import note, part_heading, section_title
from ..usertext import collapse_spaces
from .fonts import covered
from .steps import aligned_row, given_inline, links

MAX_LINE = 62          # visible characters of a step that still fit on one line of A4 with 2 cm margins

_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
             "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_UNICODE = {"δ": r"$\delta$", "η": r"$\eta$", "→": r"$\to$", "−": "-", "·": r"$\cdot$", "×": r"$\times$",
            "½": r"$\frac{1}{2}$", "²": r"$^2$", "Σ": r"$\Sigma$", "∂": r"$\partial$", "≈": r"$\approx$",
            "—": "---", "–": "--",
            "ᵀ": r"$^{T}$", "₁": r"$_1$", "₂": r"$_2$", "∗": r"$^*$"}


FALLBACK_MACRO = r"\symbackpropfallback"
XELATEX_MAGIC = "% !TEX program = xelatex"     # editors (TeXShop, TeXstudio, VS Code) and pdf.py read this
_DROPPED = {"\u00ad", "\ufe0e", "\ufe0f"}      # soft hyphen; text/emoji presentation selectors
_FALLBACK_PREAMBLE = (
    r"\IfFontExistsTF{DejaVu Serif}{\newfontfamily\symbackpropfallbackfont{DejaVu Serif}}{%",
    r"  \IfFontExistsTF{DejaVuSerif.ttf}{\newfontfamily\symbackpropfallbackfont{DejaVuSerif.ttf}}{%",
    r"    \PackageError{symbackprop}{no font for the Greek, Cyrillic or other non-Latin text of a title:"
    r" install the DejaVu fonts (Debian, Ubuntu: fonts-dejavu-core)}{}}}",
    r"\newcommand{\symbackpropfallback}[1]{{\symbackpropfallbackfont #1}}",
)


def _clusters(text: str):
    """A base character with the combining marks that follow it."""
    cluster = ""
    for ch in text:
        if cluster and unicodedata.category(ch) in ("Mn", "Mc", "Me") and ch not in _DROPPED:
            cluster += ch
            continue
        if cluster:
            yield cluster
        cluster = ch
    if cluster:
        yield cluster


def _missing(ch: str) -> str:
    return rf"\texttt{{[U+{ord(ch):04X}]}}"


def _ascii(ch: str) -> str:
    return _SPECIALS.get(ch) or (ch if " " <= ch <= "~" else _missing(ch))


def tex_escape(text: str) -> str:
    """User text (titles) for LaTeX's text mode, one line, that always compiles.

    The specials # $ % & ~ _ ^ \\ { } are escaped; a character is set in Latin Modern, the CJK font
    or, wrapped in FALLBACK_MACRO, DejaVu Serif when one of them has it (render/fonts.py), and is
    otherwise shown as its code point, e.g. [U+1F600]."""
    out: list[str] = []
    run: list[str] = []                 # consecutive clusters for the fallback font

    def flush() -> None:
        if run:
            out.append(FALLBACK_MACRO + "{" + "".join(run) + "}")
            run.clear()

    for cluster in _clusters(unicodedata.normalize("NFC", collapse_spaces(text))):
        ch = cluster[0]
        if len(cluster) == 1 and ch in _DROPPED:
            continue
        if len(cluster) == 1 and (ch.isascii() or ch in _UNICODE):
            flush()
            out.append(_UNICODE.get(ch) or _ascii(ch))
        elif all(covered(c, "main") for c in cluster):
            flush()
            out.append(cluster)
        elif all(covered(c, "cjk") for c in cluster):
            flush()
            out.append(cluster)
        elif all((" " <= c <= "~" or covered(c, "fallback")) and unicodedata.category(c) != "Cf" for c in cluster):
            run.append("".join(_SPECIALS.get(c, c) for c in cluster))
        else:
            flush()
            out.append("".join(_missing(c) for c in cluster if c not in _DROPPED))
    flush()
    return "".join(out)


def needs_cjk(text: str) -> bool:
    return re.search(r"[\u3000-\u9fff\uff00-\uffef]", text) is not None


def standalone_document(text: str, lang: str, packages: tuple[str, ...] = ()) -> str:
    """A complete document around `text`: pdflatex when it is all ASCII, else xelatex (the first
    line says so) with ctexart for Chinese and fontspec fonts for other scripts."""
    cjk = lang == "zh" or needs_cjk(text)
    lines = [XELATEX_MAGIC] if cjk or not text.isascii() or FALLBACK_MACRO in text else []
    lines.append(r"\documentclass[11pt]{ctexart}" if cjk else r"\documentclass[11pt]{article}")
    lines += [r"\usepackage[a4paper, margin=2cm]{geometry}", r"\usepackage{amsmath,amssymb}"]
    if lines[0] == XELATEX_MAGIC and not cjk:
        lines.append(r"\usepackage{fontspec}")
    if FALLBACK_MACRO in text:
        lines += _FALLBACK_PREAMBLE
    lines += list(packages)
    return "\n".join(lines + [r"\setlength{\parindent}{0pt}", r"\begin{document}", text, r"\end{document}", ""])


def fragment(text: str, comment: str) -> str:
    """`text` to \\input into a teacher's document, after a comment saying what it needs."""
    needs = "it needs \\usepackage{amsmath,amssymb}"
    if needs_cjk(text):
        needs += " and a CJK setup (ctex)"
    elif not text.isascii():
        needs += " and a Unicode engine (xelatex or lualatex) for its non-ASCII text"
    head = f"% {comment}: \\input this file; {needs}.\n"
    if FALLBACK_MACRO in text:
        head += "\\providecommand{" + FALLBACK_MACRO + "}[1]{#1}\n"
    return head + text


def _visible(latex: str) -> int:
    return len(re.sub(r"\\(left|right|mathrm|operatorname|text|cdot|times|approx|frac)|[{}\\ ]", "", latex))


def step_lines(psol: PartSolution, step, precision: int) -> str:
    """One step inside align*: on one line when short, else one link per line."""
    parts = links(psol, step, precision, latex=True)
    lhs, rest = parts[0][1], parts[1:]
    row = aligned_row(parts)
    if _visible(row) <= MAX_LINE or len(rest) <= 1:
        return row
    return " \\\\\n  &".join([f"{lhs} &{' ' + rest[0][0]} {rest[0][1]}"] + [f" {r} {e}" for r, e in rest[1:]])


def picture(psol: PartSolution, precision: int) -> str:
    """TikZ: the units in columns, the bias below the inputs, each weight labelled with its value."""
    part = psol.part
    columns = [list(part.inputs)] + [list(layer) for layer in part.layers]
    pos, node = {}, {}
    for c, col in enumerate(columns):
        for k, u in enumerate(col):
            pos[u] = (c, (len(col) - 1) / 2 - k)
            node[u] = f"n{c}x{k}"
    lines = [r"\begin{center}",
             r"\begin{tikzpicture}[x=3.4cm, y=1.5cm, >=stealth,"
             r" unit/.style={circle, draw, minimum size=8mm, inner sep=1pt},"
             r" wlabel/.style={fill=white, inner sep=1pt, font=\scriptsize}]"]
    if part.bias is not None:
        low = min(y for _, y in pos.values())
        pos[part.bias], node[part.bias] = (0, low - 1.2), "bias"
    for u, (x, y) in pos.items():
        text = "$1$" if u == part.bias else f"${u}$"
        style = r"unit, dashed, label=below:{\scriptsize bias " + f"{u}" + "}" if u == part.bias else "unit"
        lines.append(rf"  \node[{style}] ({node[u]}) at ({x:g}, {y:g}) {{{text}}};")
    for w in part.weights:
        value = format_value(w.value, precision)[0]
        style = "->, gray" if w.source == part.bias else "->"
        lines.append(rf"  \draw[{style}] ({node[w.source]}) -- node[wlabel, pos=0.3] {{${value}$}} ({node[w.target]});")
    lines += [r"\end{tikzpicture}", r"\end{center}"]
    return "\n".join(lines)


def body(solution: Solution, precision: int | None, lang: str, with_picture: bool) -> str:
    out = [rf"\section*{{{tex_escape(solution.title)}}}"]
    for k, psol in enumerate(solution.parts):
        p = psol.part.precision if precision is None else precision
        if k and with_picture:
            out.append(r"\clearpage")            # a standalone handout: each part on its own page
        out.append(rf"\subsection*{{{part_heading(psol, lang, p, latex=True)}}}")
        out.append(r"\begin{itemize}")
        out += [rf"  \item {note(psol, n, lang, latex=True)}" for n in psol.conventions]
        out.append(r"\end{itemize}")
        if with_picture:
            out.append(picture(psol, p))
        for section, steps in psol.sections():
            out.append(rf"\paragraph{{{section_title(section, lang, latex=True)}}}")
            if section == "given":
                out.append(given_inline(psol, steps, p) + ".")
                continue
            out.append(r"\begin{align*}")
            out.append(" \\\\\n".join(step_lines(psol, s, p) for s in steps))
            out.append(r"\end{align*}")
    return "\n".join(out) + "\n"


def render(solution: Solution, precision: int | None = None, lang: str = "en", standalone: bool = True,
           **_) -> str:
    text = body(solution, precision, lang, with_picture=standalone)
    if not standalone:
        return fragment(text, "symbackprop worked solution")
    # \allowdisplaybreaks: long align* blocks may break across pages
    return standalone_document(text, lang, (r"\allowdisplaybreaks", r"\usepackage{tikz}"))
