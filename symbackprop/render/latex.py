"""LaTeX worked solution: a standalone document (with a TikZ picture of the network) or a fragment
to `\\input` into a teacher's own exam or slides, using only amsmath/amssymb macros."""
from __future__ import annotations

import re

from ..printing import format_value
from ..solution import PartSolution, Solution
from .prose import note, part_heading, section_title
from .steps import aligned_row, given_inline, links

MAX_LINE = 62          # visible characters of a step that still fit on one line of A4 with 2 cm margins

_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
             "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_UNICODE = {"δ": r"$\delta$", "η": r"$\eta$", "→": r"$\to$", "−": "-", "·": r"$\cdot$", "×": r"$\times$",
            "½": r"$\frac{1}{2}$", "²": r"$^2$", "Σ": r"$\Sigma$", "∂": r"$\partial$", "≈": r"$\approx$",
            "—": "---", "–": "--",
            "ᵀ": r"$^{T}$", "₁": r"$_1$", "₂": r"$_2$", "∗": r"$^*$"}


def tex_escape(text: str) -> str:
    """User text (titles) for LaTeX's text mode."""
    return "".join(_UNICODE.get(c) or _SPECIALS.get(c) or c for c in text)


def needs_cjk(text: str) -> bool:
    return re.search(r"[\u3000-\u9fff\uff00-\uffef]", text) is not None


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
        return ("% symbackprop worked solution: \\input this file; it needs \\usepackage{amsmath,amssymb}"
                + (" and a CJK setup (ctex)" if needs_cjk(text) else "") + ".\n" + text)
    cls = r"\documentclass[11pt]{ctexart}" if lang == "zh" or needs_cjk(text) else r"\documentclass[11pt]{article}"
    return "\n".join([cls, r"\usepackage[a4paper, margin=2cm]{geometry}", r"\usepackage{amsmath,amssymb}",
                      r"\allowdisplaybreaks",   # long align* blocks may break across pages
                      r"\usepackage{tikz}", r"\setlength{\parindent}{0pt}", r"\begin{document}", text,
                      r"\end{document}", ""])
