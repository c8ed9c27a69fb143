"""A TikZ picture of a network (standalone LaTeX of a worked solution): the units in columns, each
weight labelled on its own edge where the labels fit without overlap, else a weight table beside
the picture.

`layout` computes every position in centimetres (nodes, label centres, approximate label boxes);
`picture` writes exactly those numbers into TikZ, so that a test can check the boxes. A small
network whose original picture (the XOR handout's) is already readable keeps that picture byte for byte.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..messages import msg
from ..notation import unit_label, unit_name, unit_sub
from ..printing import format_given


PT = 2.54 / 72.27                 # one TeX point in cm
LABEL_PT = 8.0                    # \scriptsize of the 11pt document: the labels' font where they fit
SMALL_LABEL_PT = 6.0              # \tiny: the labels' font where \scriptsize ones do not fit
FONTS = {LABEL_PT: r"\scriptsize", SMALL_LABEL_PT: r"\tiny"}
UNIT_PT = 10.95                   # \normalsize of the 11pt document
INNER_SEP_PT = 1.0                # wlabel's inner sep
NODE_CM = 0.8                     # minimum size of a unit's circle
MAX_UNITS = 8                     # a layer with more units gets a weight table
MAX_INPUTS, MAX_HIDDEN_LAYERS, MAX_OUTPUTS = 4, 3, 3     # labels up to 4-8-8-3
MAX_WIDTH_CM = 16.0               # the text width of the handout (a4, 2cm margins) is 17cm
MAX_HEIGHT_CM = 19.0              # of the columns; with the bias row and the part's heading it fits an a4 page
GAP = 0.03                        # cm of white kept between two label boxes
TABLE_ROWS = 30                   # rows of one weight-table block (blocks wrap like words)
TABLE_GAP_CM = 5.5                # between two columns of a picture without labels (table beside or below)
TABLE_HEIGHT_CM = 13.5            # the tallest column of a picture without labels, where 1cm a unit allows

# Approximate glyph widths in em (Computer Modern, math mode), rounded up.
_WIDTH_EM = {"-": 0.78, "+": 0.78, ".": 0.28, ",": 0.28, "e": 0.47}


def text_width_cm(text: str, size_pt: float) -> float:
    """An upper estimate of the width of `text` typeset in math at `size_pt` (digits are 0.5em)."""
    return sum(_WIDTH_EM.get(c, 0.5 if c.isdigit() else 1.0 if ord(c) >= 0x3000 else 0.6)    # CJK: 1em
               for c in text) * size_pt * PT


@dataclass(frozen=True)
class Box:
    """A rectangle in cm: centre, half width, half height, and turned by `angle` degrees (a label
    written along its edge)."""
    cx: float
    cy: float
    hw: float
    hh: float
    angle: float = 0.0

    def local(self, x: float, y: float) -> tuple[float, float]:
        """A point in the box's own frame (origin at its centre, x along its length)."""
        c, s = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
        dx, dy = x - self.cx, y - self.cy
        return dx * c + dy * s, -dx * s + dy * c

    def corners(self) -> list[tuple[float, float]]:
        c, s = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
        return [(self.cx + u * c - v * s, self.cy + u * s + v * c)
                for u, v in ((-self.hw, -self.hh), (self.hw, -self.hh), (self.hw, self.hh), (-self.hw, self.hh))]

    def overlaps(self, other: "Box", gap: float = 0.0) -> bool:
        """Whether the two rectangles (this one grown by `gap` on every side) overlap: no side of
        either separates them."""
        me = Box(self.cx, self.cy, self.hw + gap, self.hh + gap, self.angle)
        if math.hypot(me.cx - other.cx, me.cy - other.cy) > math.hypot(me.hw, me.hh) + math.hypot(other.hw, other.hh):
            return False
        for box, them in ((me, other), (other, me)):
            points = [box.local(x, y) for x, y in them.corners()]
            for axis, half in ((0, box.hw), (1, box.hh)):
                if min(p[axis] for p in points) >= half or max(p[axis] for p in points) <= -half:
                    return False
        return True

    def crossed_by(self, ax: float, ay: float, bx: float, by: float) -> bool:
        """Whether the segment from (ax, ay) to (bx, by) passes through the box (Liang-Barsky
        clipping in the box's frame)."""
        (x, y), (x2, y2) = self.local(ax, ay), self.local(bx, by)
        dx, dy = x2 - x, y2 - y
        lo, hi = 0.0, 1.0
        for p, q in ((-dx, x + self.hw), (dx, self.hw - x), (-dy, y + self.hh), (dy, self.hh - y)):
            if p == 0:
                if q < 0:
                    return False
            else:
                r = q / p
                if p < 0:
                    lo = max(lo, r)
                else:
                    hi = min(hi, r)
                if lo > hi:
                    return False
        return True


def label_box(x: float, y: float, text: str, size_pt: float = LABEL_PT, angle: float = 0.0) -> Box:
    """The box of a weight label centred at (x, y): the text plus the inner sep on each side."""
    w = text_width_cm(text, size_pt) / 2 + INNER_SEP_PT * PT
    h = (size_pt * 0.75 + 2 * INNER_SEP_PT) * PT / 2 + 0.02     # digit height + depth of a minus, rounded up
    return Box(x, y, w, h, angle)


@dataclass(frozen=True)
class Node:
    """A drawn unit: TikZ name, centre (cm), text, and whether it is the constant bias input."""
    name: str
    x: float
    y: float
    text: str
    bias: bool = False
    dropped: bool = False        # a unit dropout drops in every sample (dropout.py): drawn dashed and shaded

    @property
    def radius(self) -> float:
        return max(NODE_CM, text_width_cm(self.text, UNIT_PT) + 2 * PT) / 2

    def covered_by(self, box: Box, gap: float = 0.0) -> bool:
        """Whether `box` (grown by `gap`) reaches into the unit's circle."""
        u, v = box.local(self.x, self.y)
        du, dv = max(abs(u) - box.hw, 0.0), max(abs(v) - box.hh, 0.0)
        return du * du + dv * dv < (self.radius + gap) ** 2

    def on_segment(self, a: "Node", b: "Node", clearance: float = 0.0) -> bool:
        """Whether the segment between the centres of `a` and `b` passes through the unit's circle."""
        dx, dy = b.x - a.x, b.y - a.y
        t = max(0.0, min(1.0, ((self.x - a.x) * dx + (self.y - a.y) * dy) / (dx * dx + dy * dy or 1.0)))
        px, py = a.x + t * dx - self.x, a.y + t * dy - self.y
        return px * px + py * py < (self.radius + clearance) ** 2


@dataclass(frozen=True)
class Edge:
    """A weight drawn from node `source` to node `target`; `label`: its value's text."""
    source: Node
    target: Node
    label: str


@dataclass(frozen=True)
class Label:
    """A weight label placed on its edge at fraction `t` of the way between the two centres."""
    edge: Edge
    t: float
    x: float
    y: float
    size_pt: float = LABEL_PT
    angle: float = 0.0            # degrees: written along the edge, or level (0) in the original picture

    @property
    def box(self) -> Box:
        return label_box(self.x, self.y, self.edge.label, self.size_pt, self.angle)


@dataclass(frozen=True)
class Layout:
    """Every drawn thing of a picture. `labels` is empty when the weights go to a table instead;
    `captions`: the boxes of the 'bias' captions under the bias nodes."""
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    labels: tuple[Label, ...]
    captions: tuple[tuple[Node, Box], ...]
    table: bool
    original: bool = False        # the original picture, drawn as before (x=3.4cm, y=1.5cm, pos=0.3)


def _caption_box(node: Node, text: str) -> Box:
    hw = text_width_cm(text, LABEL_PT) / 2 + 0.05
    hh = (LABEL_PT + 3) * PT / 2
    return Box(node.x, node.y - node.radius - 0.01 - hh, hw, hh)


def _crosses(box: Box, a: Node, b: Node) -> bool:
    return box.crossed_by(a.x, a.y, b.x, b.y)


def _columns(part) -> list[list[str]]:
    return [list(part.inputs)] + [list(layer) for layer in part.layers]


def labelled_size(part) -> bool:
    """Whether the network is at most 4 inputs, 3 outputs, 8 units a layer and three hidden layers: the
    sizes whose pictures try labels on the edges (every shape up to 4-8-8-3 and 4-6-6-6-3 gets them,
    tests/test_picture_layout.py; a larger one, or labels that find no room, gets a weight table)."""
    layers = part.layers
    return (len(part.inputs) <= MAX_INPUTS and 1 <= len(layers) <= MAX_HIDDEN_LAYERS + 1
            and len(layers[-1]) <= MAX_OUTPUTS and all(len(col) <= MAX_UNITS for col in _columns(part)))


def _bias_text(part) -> str:
    """The bias node's value as drawn: 1, or −1 for a threshold (network.bias_input)."""
    return f"${format_given(part.bias_input, 0)[0]}$"


def _bias_caption(part, lang: str) -> tuple[str, str]:
    """The caption under a bias node, in `lang`: the word and the unit's symbol as the steps write it,
    `bias $x_{0}$` (偏置 in Chinese; a Greek id as its letter, $x_{\\beta}$), so that it does not read as
    the node's value (`bias 0` under a node showing −1 did); and its visible text, for its width."""
    from .latex import tex_escape          # imported here: latex imports this module's callers
    word, x = msg(lang, "picture.bias"), part.notation.input_symbol
    return f"{tex_escape(word)} ${x}{unit_sub(part.bias, True)}$", f"{word} {x}{unit_name(part.bias, False)}"


def _values(part, precision: int) -> dict[tuple[str, str], str]:
    return {(w.source, w.target): format_given(w.value, precision)[0] for w in part.weights}


# -- the original picture (kept where it is readable) ------------------------------------------------

LEGACY_X, LEGACY_Y, LEGACY_POS = 3.4, 1.5, 0.3


def _legacy_layout(part, precision: int, lang: str = "en") -> Layout:
    """The original picture: bias below the inputs, labels at 0.3 of each edge between node borders."""
    nodes: dict[str, Node] = {}
    for c, col in enumerate(_columns(part)):
        for k, u in enumerate(col):
            nodes[u] = Node(f"n{c}x{k}", c * LEGACY_X, ((len(col) - 1) / 2 - k) * LEGACY_Y, f"${unit_label(u, part.notation, True)}$",
                            dropped=u in _dropped(part))
    captions = []
    if part.bias is not None:
        low = min(n.y for n in nodes.values()) / LEGACY_Y
        nodes[part.bias] = Node("bias", 0.0, (low - 1.2) * LEGACY_Y, _bias_text(part), bias=True)
        captions.append((nodes[part.bias], _caption_box(nodes[part.bias], _bias_caption(part, lang)[1])))
    values = _values(part, precision)
    edges, labels = [], []
    for w in part.weights:
        a, b = nodes[w.source], nodes[w.target]
        e = Edge(a, b, values[(w.source, w.target)])
        length = ((b.x - a.x) ** 2 + (b.y - a.y) ** 2) ** 0.5
        t = (a.radius + LEGACY_POS * (length - a.radius - b.radius)) / length     # TikZ pos: border to border
        edges.append(e)
        labels.append(Label(e, t, a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)))
    return Layout(tuple(nodes.values()), tuple(edges), tuple(labels), tuple(captions), False, True)


def readable(lay: Layout) -> bool:
    """No two label boxes (weights and captions) overlap, no label covers a node, and no edge passes
    through a node other than its own two."""
    boxes = [lab.box for lab in lay.labels] + [box for _, box in lay.captions]
    for i, b in enumerate(boxes):
        if any(b.overlaps(o) for o in boxes[i + 1:]) or any(n.covered_by(b) for n in lay.nodes):
            return False
    for e in lay.edges:
        if any(n is not e.source and n is not e.target and n.on_segment(e.source, e.target)
               for n in lay.nodes):
            return False
    return True


def _dropped(part) -> set[str]:
    """The units dropout drops in every sample (dropout.py), which the picture draws dashed and shaded."""
    out: set[str] = set()
    for d in getattr(part, "dropout", ()):
        out |= {j for k, j in enumerate(part.layers[d.layer - 1]) if all(row[k] == 0 for row in d.masks)}
    return out


def _node_line(part, n, x: str, y: str, lang: str) -> str:
    """One unit's TikZ node at (x, y), as both layouts draw it (a bias node dashed and captioned, a unit
    dropout drops dashed and shaded)."""
    style = r"unit, dashed, label=below:{\scriptsize " + _bias_caption(part, lang)[0] + "}" if n.bias else "unit"
    if n.dropped:
        style = "unit, densely dashed, fill=black!15"
    return rf"  \node[{style}] ({n.name}) at ({x}, {y}) {{{n.text}}};"


def _legacy_tikz(part, lay: Layout, lang: str) -> list[str]:
    lines = [r"\begin{tikzpicture}[x=3.4cm, y=1.5cm, >=stealth,"
             r" unit/.style={circle, draw, minimum size=8mm, inner sep=1pt},"
             r" wlabel/.style={fill=white, inner sep=1pt, font=\scriptsize}]"]
    lines += [_node_line(part, n, f"{n.x / LEGACY_X:g}", f"{n.y / LEGACY_Y:g}", lang) for n in lay.nodes]
    for e in lay.edges:
        style = "->, gray" if e.source.bias else "->"
        lines.append(rf"  \draw[{style}] ({e.source.name}) -- node[wlabel, pos=0.3] {{${e.label}$}} ({e.target.name});")
    return lines + [r"\end{tikzpicture}"]


# -- the scaled layout: a bias node per layer, labels placed one by one -------------------------------

DY_SMALL, DY_LARGE, SPREAD = 1.5, 2.3, 3.0      # cm between units; a short column spreads up to SPREAD times
BIAS_CLEARANCE = 0.1                            # cm kept between a bias edge and any other unit
T_CANDIDATES = tuple(round(0.2 + 0.02 * i, 2) for i in range(31))     # 0.2 .. 0.8


def _scaled_nodes(part, gaps: list[float], dy: float) -> tuple[list[dict[str, Node]], list[Node | None]]:
    """The units of each column (centred on y = 0) and, with a bias, one bias node under each column
    but the last (it feeds the next layer), placed where none of its edges passes through a unit."""
    cols, x = [], 0.0
    columns = _columns(part)
    height = (max(len(col) for col in columns) - 1) * dy
    for c, col in enumerate(columns):
        step = min(height / max(len(col) - 1, 1), SPREAD * dy)     # a short column spread towards the tallest
        cols.append({u: Node(f"n{c}x{k}", x, ((len(col) - 1) / 2 - k) * step, f"${unit_label(u, part.notation, True)}$",
                             dropped=u in _dropped(part))
                     for k, u in enumerate(col)})
        x += gaps[c] if c < len(gaps) else 0.0
    units = [n for col in cols for n in col.values()]
    biases: list[Node | None] = []
    for c in range(len(gaps)):
        if part.bias is None:
            biases.append(None)
            continue
        low = min(n.y for n in cols[c].values())
        x0 = min(n.x for n in cols[c].values())
        best = None
        for bx, by in _bias_spots(x0, low, gaps[c], dy):
            b = Node(f"b{c}", bx, by, _bias_text(part), bias=True)
            # units its edges pass through, then units they come near: the nearest spot with the fewest
            hits = (sum(1 for t in cols[c + 1].values() for n in units if n is not t and n.on_segment(b, t)),
                    sum(1 for t in cols[c + 1].values() for n in units if n is not t and n.on_segment(b, t, BIAS_CLEARANCE)))
            if best is None or hits < best[0]:
                best = (hits, b)
            if hits == (0, 0):
                break
        biases.append(best[1])            # readable() says whether an edge passes through a unit
    return cols, biases


def _bias_spots(x0: float, low: float, gap: float, dy: float) -> list[tuple[float, float]]:
    """Where a bias node may go, nearest first: one unit spacing below its column (under it, a
    quarter or half of the way to the next column, or a quarter back), then a little lower: next to
    the layer it belongs to, never far below it."""
    return [(x0 + fx * gap, low - fy * dy) for fy in (1.0, 1.5, 2.0) for fx in (0.0, 0.25, -0.25, 0.5)]


def _orders(edges: list[Edge]) -> list[list[Edge]]:
    """The orders in which labels are placed, tried one after the other: by source, the steepest
    edges first, by target, and the first two reversed (a greedy placement depends on its order)."""
    steep = sorted(edges, key=lambda e: -abs(e.target.y - e.source.y))
    return [list(edges), steep, sorted(edges, key=lambda e: (e.target.y, e.source.y)), steep[::-1], list(edges)[::-1]]


def _place(edges: list[Edge], sources: list[Node], taken: list[Box],
           nodes: list[Node], size_pt: float) -> list[Label] | None:
    """Each edge's label at the candidate t whose box overlaps no node and no box in `taken`, crossing
    the fewest other edges, nearest to a t staggered by the source's position; None if some label has
    no room in any of the orders tried."""
    rank = {s.name: i for i, s in enumerate(sorted(sources, key=lambda s: -s.y))}
    for order in _orders(edges):
        boxes, out = list(taken), []
        for e in order:
            angle = round(math.degrees(math.atan2(e.target.y - e.source.y, e.target.x - e.source.x)), 1)
            t0 = 0.25 + 0.5 * rank[e.source.name] / max(len(rank) - 1, 1)
            best = None
            for t in T_CANDIDATES:
                x, y = e.source.x + t * (e.target.x - e.source.x), e.source.y + t * (e.target.y - e.source.y)
                box = label_box(x, y, e.label, size_pt, angle)
                if any(box.overlaps(b, GAP) for b in boxes) or any(n.covered_by(box, GAP) for n in nodes):
                    continue
                crossings = sum(1 for o in edges if o is not e and _crosses(box, o.source, o.target))
                score = (crossings, abs(t - t0))
                if best is None or score < best[0]:
                    best = (score, Label(e, t, x, y, size_pt, angle))
            if best is None:
                break
            out.append(best[1])
            boxes.append(best[1].box)
        else:
            return sorted(out, key=lambda lab: edges.index(lab.edge))
    return None


def _gap_widths(counts: list[int], labelled: bool) -> list[float]:
    """The width (cm) between two columns: without labels 4.5, narrower where that would not fit the
    text width (the table blocks stand beside a small picture and below a wide one); with labels
    growing with the number of edges (at least 4.5), all scaled down to fit the text width."""
    if not labelled:
        return [min(TABLE_GAP_CM, MAX_WIDTH_CM / max(len(counts), 1))] * len(counts)
    want = [max(4.5, 2.4 + 0.1 * n) for n in counts]
    scale = min(1.0, MAX_WIDTH_CM / sum(want)) if want else 1.0
    return [w * scale for w in want]


def _scaled_layout(part, precision: int, labelled: bool, lang: str = "en") -> Layout:
    """A bias node under each column; with `labelled`, every label placed on its own edge in
    \\scriptsize, else in \\tiny, else (some label finds no room) the picture without labels and a table."""
    columns = _columns(part)
    tallest = max(len(col) for col in columns)
    if labelled:
        dy = min(DY_SMALL if tallest <= 4 else DY_LARGE, MAX_HEIGHT_CM / max(tallest, 1))
    else:          # no labels to make room for: the units closer (at least 1cm apart while they fit), edges shallower
        dy = min(DY_SMALL, max(1.0, TABLE_HEIGHT_CM / max(tallest - 1, 1)), MAX_HEIGHT_CM / max(tallest, 1))
    values = _values(part, precision)
    n_gaps = len(columns) - 1
    layer_of = {u: li for li, layer in enumerate(part.layers) for u in layer}
    counts = [0] * n_gaps
    for w in part.weights:
        counts[layer_of[w.target]] += 1
    cols, biases = _scaled_nodes(part, _gap_widths(counts, labelled), dy)
    unit = {u: n for col in cols for u, n in col.items()}
    nodes = list(unit.values()) + [b for b in biases if b is not None]
    captions = [(b, _caption_box(b, _bias_caption(part, lang)[1])) for b in biases if b is not None]
    edges_by_gap: list[list[Edge]] = [[] for _ in range(n_gaps)]
    for w in part.weights:
        li = layer_of[w.target]
        source = biases[li] if w.source == part.bias else unit[w.source]
        edges_by_gap[li].append(Edge(source, unit[w.target], values[(w.source, w.target)]))
    edges = tuple(e for gap in edges_by_gap for e in gap)
    for size in (LABEL_PT, SMALL_LABEL_PT) if labelled else ():
        labels: list[Label] = []
        taken = [box for _, box in captions]
        for c, gap_edges in enumerate(edges_by_gap):
            sources = list(cols[c].values()) + ([biases[c]] if biases[c] is not None else [])
            placed = _place(gap_edges, sources, taken + [lab.box for lab in labels], nodes, size)
            if placed is None:
                break
            labels += placed
        else:
            lay = Layout(tuple(nodes), edges, tuple(labels), tuple(captions), False)
            if readable(lay):
                return lay
    if labelled:
        return _scaled_layout(part, precision, False, lang)
    return Layout(tuple(nodes), edges, (), tuple(captions), True)


def layout(part, precision: int, lang: str = "en") -> Layout:
    """Where everything goes: the original picture when it is readable, else every label on its own
    edge (networks up to 4-8-8-3, when the labels fit), else no labels and a weight table."""
    if labelled_size(part):
        old = _legacy_layout(part, precision, lang)
        if readable(old):
            return old
        return _scaled_layout(part, precision, True, lang)
    return _scaled_layout(part, precision, False, lang)


def _num(x: float) -> str:
    s = f"{x:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def _scaled_tikz(part, lay: Layout, lang: str) -> list[str]:
    size = lay.labels[0].size_pt if lay.labels else LABEL_PT
    lines = [r"\begin{tikzpicture}[x=1cm, y=1cm, >=stealth, baseline=(current bounding box.center),"
             r" unit/.style={circle, draw, minimum size=8mm, inner sep=1pt},"
             r" wlabel/.style={fill=white, inner sep=1pt, font=" + FONTS[size] + "}]"]
    lines += [_node_line(part, n, _num(n.x), _num(n.y), lang) for n in lay.nodes]
    for e in lay.edges:
        style = "->, gray" if e.source.bias else "->"
        lines.append(rf"  \draw[{style}] ({e.source.name}) -- ({e.target.name});")
    for lab in lay.labels:
        lines.append(rf"  \node[wlabel, rotate={lab.angle:g}] at ({_num(lab.x)}, {_num(lab.y)}) {{${lab.edge.label}$}};")
    return lines + [r"\end{tikzpicture}"]


def _table(part, precision: int, lang: str) -> list[str]:
    """The weights as blocks of a from / to / value table, set like words so that they stand beside
    the picture when there is room and wrap onto further lines (and pages) when there is not."""
    from .latex import tex_escape          # imported here: latex imports this module's callers
    rows = [rf"${unit_name(w.source, True)}$ & ${unit_name(w.target, True)}$ & ${format_given(w.value, precision)[0]}$ \\"
            for w in part.weights]
    head = " & ".join(tex_escape(msg(lang, f"picture.table_{k}")) for k in ("from", "to", "value"))
    out = []
    for i in range(0, len(rows), TABLE_ROWS):
        out += [r"\quad\begin{tabular}[c]{ccr}", head + r" \\ \hline", *rows[i:i + TABLE_ROWS],
                r"\end{tabular}"]
    return out


def picture(part, precision: int, lang: str = "en") -> str:
    """The picture of a problem's `Part` (and its weight table when the labels do not fit)."""
    lay = layout(part, precision, lang)
    if lay.original:
        body = _legacy_tikz(part, lay, lang)
    else:
        body = _scaled_tikz(part, lay, lang)
    if lay.table:
        body = body + _table(part, precision, lang)
    return "\n".join([r"\begin{center}", *body, r"\end{center}"])
