"""A TikZ picture of a network: the units in columns, the bias below the inputs, each weight
labelled with its value (standalone LaTeX of a worked solution)."""
from __future__ import annotations

from ..printing import format_value


def picture(part, precision: int) -> str:
    """The picture of a problem's `Part`."""
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
        text = f"${format_value(part.bias_input, 0)[0]}$" if u == part.bias else f"${u}$"
        style = r"unit, dashed, label=below:{\scriptsize bias " + f"{u}" + "}" if u == part.bias else "unit"
        lines.append(rf"  \node[{style}] ({node[u]}) at ({x:g}, {y:g}) {{{text}}};")
    for w in part.weights:
        value = format_value(w.value, precision)[0]
        style = "->, gray" if w.source == part.bias else "->"
        lines.append(rf"  \draw[{style}] ({node[w.source]}) -- node[wlabel, pos=0.3] {{${value}$}} ({node[w.target]});")
    lines += [r"\end{tikzpicture}", r"\end{center}"]
    return "\n".join(lines)
