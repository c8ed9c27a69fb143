"""LaTeX of any document (worked solution, general rules, matrix example): a standalone document
(with a TikZ picture of each network) or a fragment to `\\input` into a teacher's own exam or
slides, using only amsmath/amssymb macros. The one preamble and the escaping of user text live here."""
from __future__ import annotations

import re
import unicodedata

from ..document import Document, Part, Step, Text
from ..usertext import collapse_spaces
from .fonts import covered
from .build import document
from .steps import aligned, broken, inline, step_links

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


# The one preamble of every standalone document (worked solution, general rules, matrix example),
# after the class and its engine's font setup: long align* blocks may break across pages, and
# TikZ draws the network.
PACKAGES = (r"\allowdisplaybreaks", r"\usepackage{tikz}")
# ... and in a document with a figure (a training run's loss curves) only, so that no other output changes.
# compat=1.16: TeX Live 2018 and later (Debian bookworm has pgfplots 1.18).
PLOT_PACKAGES = (r"\usepackage{pgfplots}", r"\pgfplotsset{compat=1.16}")


def standalone_document(text: str, lang: str, plots: bool = False) -> str:
    """A complete document around `text`: pdflatex when it is all ASCII, else xelatex (the first
    line says so) with ctexart for Chinese and fontspec fonts for other scripts; then `PACKAGES`, and
    `PLOT_PACKAGES` when it has `plots`."""
    cjk = lang == "zh" or needs_cjk(text)
    lines = [XELATEX_MAGIC] if cjk or not text.isascii() or FALLBACK_MACRO in text else []
    lines.append(r"\documentclass[11pt]{ctexart}" if cjk else r"\documentclass[11pt]{article}")
    lines += [r"\usepackage[a4paper, margin=2cm]{geometry}", r"\usepackage{amsmath,amssymb}"]
    if lines[0] == XELATEX_MAGIC and not cjk:
        lines.append(r"\usepackage{fontspec}")
    if FALLBACK_MACRO in text:
        lines += _FALLBACK_PREAMBLE
    lines += list(PACKAGES) + (list(PLOT_PACKAGES) if plots else [])
    return "\n".join(lines + [r"\setlength{\parindent}{0pt}", r"\begin{document}", text, r"\end{document}", ""])


def fragment(text: str, comment: str, plots: bool = False) -> str:
    """`text` to \\input into a teacher's document, after a comment saying what it needs."""
    needs = "it needs \\usepackage{amsmath,amssymb}"
    if plots:
        needs += ", \\usepackage{pgfplots} and \\pgfplotsset{compat=1.16} (or later) for its figure"
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


def rows(part: Part, step: Step) -> list[str]:
    """A step's rows inside align*: one row when short, else one link per row; then its
    alternative forms, each labelled."""
    links = step_links(part.math, step, part.precision, latex=True)
    row = aligned(links)
    out = [row] if _visible(row) <= MAX_LINE or len(links) <= 2 else broken(links)
    return out + [rf"&= {part.math.latex(form)} && \text{{{_tex(label)}}}" for label, form in step.alternatives]


def _tex(text: Text) -> str:
    return text.latex if text.latex is not None else tex_escape(text.plain)


def body(doc: Document, standalone: bool) -> str:
    out = [rf"\section*{{{tex_escape(doc.title)}}}"]
    for k, part in enumerate(doc.parts):
        drawn = standalone and part.picture is not None
        if k and drawn:
            out.append(r"\clearpage")            # a standalone handout: each network on its own page
        if part.heading is not None:
            out.append(rf"\subsection*{{{_tex(part.heading)}}}")
        if part.notes:
            out += [r"\begin{itemize}", *(rf"  \item {_tex(n)}" for n in part.notes), r"\end{itemize}"]
        if drawn:
            out.append(part.picture())
        for section in part.sections:
            out.append(rf"\paragraph{{{_tex(section.title)}}}")
            if section.inline and section.ragged:      # long values: ragged right, broken between them, no overfull line
                out.append(r"{\raggedright " + inline([step_links(part.math, s, part.precision, latex=True)
                                                      for s in section.steps]) + r".\par}")
            elif section.inline:
                out.append(inline([step_links(part.math, s, part.precision, latex=True) for s in section.steps]) + ".")
            elif section.steps:
                body = " \\\\\n".join(" \\\\\n  ".join(rows(part, s)) for s in section.steps)
                if _wide_matrix(body):     # a matrix of 5+ columns of formulas (the lecture's 5×5 A): a size smaller
                    out += [r"{\small", r"\begin{align*}", body, r"\end{align*}", "}"]
                else:
                    out += [r"\begin{align*}", body, r"\end{align*}"]
            out += [_tex(n) + "\n" for n in section.notes]
            if section.figure is not None and section.figure.latex is not None:
                out.append(section.figure.latex())
            if section.table is not None:
                out += table_latex(section.table)
        out += [_tex(c) + "\n" for c in part.closing]
    return "\n".join(out) + "\n"


TABLE_ROWS, TABLE_COLUMNS = 40, 8    # a tabular's rows and value columns at most: a page long, a page wide


def _cell(cell: str) -> str:
    """A number as mathematics (its minus sign a minus, 1.5e-13 as 1.5 × 10^{-13}); other cells as words;
    a `Text` cell (a weight's name as mathematics) as its LaTeX."""
    from .prose import number_sym
    if not isinstance(cell, str):
        return _tex(cell)
    if re.fullmatch(r"-?[0-9]+(\.[0-9]*)?(e[-+]?[0-9]+)?", cell):
        return f"${number_sym(cell).latex}$"
    return tex_escape(cell)


def table_latex(table) -> list[str]:
    """A table as tabulars of at most TABLE_ROWS rows and TABLE_COLUMNS columns after its first `keep`
    (each repeats the header and those columns), so that it breaks across pages and fits a page's width
    with amsmath's macros only (no longtable)."""
    n, keep = len(table.head), table.keep
    groups = [list(range(keep)) + list(range(a, min(a + TABLE_COLUMNS, n))) for a in range(keep, n, TABLE_COLUMNS)]
    out = []
    for cols in groups or [list(range(n))]:
        size = table.chunk or TABLE_ROWS
        for start in range(0, max(len(table.rows), 1), size):
            rows = table.rows[start:start + size]
            out += [r"\begin{center}\small", r"\begin{tabular}{" + "r" * len(cols) + "}",
                    " & ".join(_tex(table.head[c]) for c in cols) + r" \\ \hline"]
            out += [" & ".join(_cell(row[c]) for c in cols) + r" \\" for row in rows]
            out += [r"\end{tabular}", r"\end{center}"]
    return out


def render(obj, standalone: bool = True, **settings) -> str:
    """`obj` (anything render/build.py builds a document of) as LaTeX: a standalone document, or a
    fragment to \\input."""
    doc = document(obj, **settings)
    return latex(doc, standalone)


def latex(doc: Document, standalone: bool = True) -> str:
    text = body(doc, standalone)
    plots = any(s.figure is not None and s.figure.latex is not None for p in doc.parts for s in p.sections)
    if not standalone:
        return fragment(text, f"symbackprop {doc.description}".strip(), plots)
    return standalone_document(text, doc.lang, plots)


_BMATRIX = re.compile(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", re.S)


def _wide_matrix(body: str) -> bool:
    """Whether a display holds a matrix with a row of five or more entries (a 5×5 matrix of formulas is wider
    than the page at the normal size; at \\small it fits)."""
    return any(row.count("&") >= 4 for m in _BMATRIX.finditer(body) for row in m.group(1).split(r"\\"))
