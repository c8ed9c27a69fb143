"""Issue 12, the network picture: every weight label on its own edge, no label over another label or
a unit, for every fully connected network up to 4-8-8-3; a weight table beyond.

The checks read the TikZ the tool writes (unit centres, label centres, rotations, font) and compute
each label's box with their own estimate of the text's size, independently of render/picture.py.
"""
from __future__ import annotations

import math
import random
import re
import shutil
import subprocess

import pytest

from symbackprop.problem import parse_problem
from symbackprop.render.picture import picture

PT = 2.54 / 72.27                         # cm
FONT_PT = {r"\scriptsize": 8.0, r"\tiny": 6.0}
RADIUS = 0.4                              # the units' circles: minimum size 8mm


def network_yaml(shape: tuple[int, ...], bias: bool, seed: int = 0, digits: int = 4) -> str:
    """A fully connected network of `shape` with random weights of up to 7 characters (e.g. -7.1234)."""
    rng = random.Random(seed)
    inputs = list(range(1, shape[0] + 1))
    n, layers = shape[0] + 1, []
    for m in shape[1:]:
        layers.append(list(range(n, n + m)))
        n += m
    weights: dict[int, dict[int, str]] = {}
    below = inputs
    for layer in layers:
        for j in layer:
            for s in ([0] if bias else []) + below:
                weights.setdefault(s, {})[j] = f"{rng.uniform(-9.9999, 9.9999):.{digits}f}"
        below = layer
    lines = ["title: picture", "network:", f"  inputs: {inputs}"] + (["  bias: 0"] if bias else [])
    lines += [f"  layers: {layers}", "  activation: sigmoid", "weights:"]
    lines += [f"  {s}: {{{', '.join(f'{j}: {v}' for j, v in d.items())}}}" for s, d in weights.items()]
    lines += ["sample: {x: {" + ", ".join(f"{i}: 1" for i in inputs) + "}, t: {"
              + ", ".join(f"{j}: 1" for j in layers[-1]) + "}}", "loss: half_squared_error", "learning_rate: 1"]
    return "\n".join(lines) + "\n"


def part_of(shape, bias, **kw):
    return parse_problem(network_yaml(shape, bias, **kw)).parts[0]


# -- reading the TikZ ---------------------------------------------------------------------------------

NUM = r"(-?[\d.]+)"


class Drawn:
    """Units, edges and label rectangles (centre, half sizes, angle) read from one picture."""

    def __init__(self, tex: str):
        opts = re.search(r"\\begin\{tikzpicture\}\[x=([\d.]+)cm, y=([\d.]+)cm", tex)
        sx, sy = float(opts.group(1)), float(opts.group(2))
        font = re.search(r"wlabel/\.style=\{[^}]*font=(\\\w+)\}", tex).group(1)
        self.size = FONT_PT[font]
        self.units = {m.group(1): (float(m.group(2)) * sx, float(m.group(3)) * sy)
                      for m in re.finditer(rf"\\node\[(?:unit[^\]]*)\] \((\w+)\) at \({NUM}, {NUM}\)", tex)}
        self.edges, self.labels = [], []
        for m in re.finditer(r"\\draw\[[^\]]*\] \((\w+)\) -- (?:node\[wlabel, pos=([\d.]+)\] \{\$([^$]*)\$\} )?\((\w+)\);", tex):
            a, b = self.units[m.group(1)], self.units[m.group(4)]
            self.edges.append((a, b))
            if m.group(2):                                # a label on the path: TikZ puts it at pos
                ux, uy = b[0] - a[0], b[1] - a[1]         # between the two circles' borders
                length = math.hypot(ux, uy)
                t = (RADIUS + float(m.group(2)) * (length - 2 * RADIUS)) / length
                self.labels.append((m.group(3), a[0] + t * ux, a[1] + t * uy, 0.0, (a, b)))
        placed = list(re.finditer(rf"\\node\[wlabel, rotate=(-?[\d.]+)\] at \({NUM}, {NUM}\) \{{\$([^$]*)\$\}}", tex))
        for m, edge in zip(placed, self.edges):          # written in the order of the edges
            self.labels.append((m.group(4), float(m.group(2)) * sx, float(m.group(3)) * sy, float(m.group(1)), edge))
        self.captions = [(x, y) for name, (x, y) in self.units.items() if name.startswith("b")]
        self.table = re.findall(r"^\$(\w+)\$ & \$(\w+)\$ & \$([^$]*)\$ \\\\$", tex, re.M)

    def rect(self, text: str, x: float, y: float, angle: float):
        """The corners of a label: text at about 0.5em a digit, 0.8em a sign, 0.3em a point, plus
        1pt of inner sep; 0.75em high plus the inner sep."""
        em = sum(0.8 if c in "-+" else 0.3 if c == "." else 0.5 if c.isdigit() else 0.6 for c in text)
        hw, hh = em * self.size * PT / 2 + PT, (0.75 * self.size + 2) * PT / 2
        c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        return [(x + u * c - v * s, y + u * s + v * c) for u, v in ((-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh))]

    def rects(self):
        out = [self.rect(text, x, y, angle) for text, x, y, angle, _ in self.labels]
        for x, y in self.captions:                        # "bias 0" under each bias node
            hw, top = 0.5, y - RADIUS - 0.01
            out.append([(x - hw, top - 0.4), (x + hw, top - 0.4), (x + hw, top), (x - hw, top)])
        return out


def _separated(p, q) -> bool:
    """Two convex polygons are apart if some side of either has the other wholly on its outside."""
    for poly in (p, q):
        for i in range(len(poly)):
            (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % len(poly)]
            nx, ny = y2 - y1, x1 - x2
            a = [nx * x + ny * y for x, y in p]
            b = [nx * x + ny * y for x, y in q]
            if max(a) <= min(b) or max(b) <= min(a):
                return True
    return False


def _covers(poly, centre, r) -> bool:
    """Whether the polygon comes within r of the centre (inside, or an edge closer than r)."""
    cx, cy = centre
    inside = all(((x2 - x1) * (cy - y1) - (y2 - y1) * (cx - x1)) >= 0
                 for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1]))
    if inside:
        return True
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1]):
        dx, dy = x2 - x1, y2 - y1
        t = max(0.0, min(1.0, ((cx - x1) * dx + (cy - y1) * dy) / (dx * dx + dy * dy)))
        if math.hypot(x1 + t * dx - cx, y1 + t * dy - cy) < r:
            return True
    return False


def assert_readable(tex: str, values: list[str]) -> Drawn:
    d = Drawn(tex)
    assert sorted(text for text, *_ in d.labels) == sorted(values)          # each weight once
    for text, x, y, angle, ((ax, ay), (bx, by)) in d.labels:                 # on its own edge, inside it
        t = ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)
        assert 0.15 <= t <= 0.85, (text, t)
        assert math.hypot(ax + t * (bx - ax) - x, ay + t * (by - ay) - y) < 0.01, text
        if angle:
            assert abs(angle - math.degrees(math.atan2(by - ay, bx - ax))) < 0.2, text
    rects = d.rects()
    for i, p in enumerate(rects):
        for q in rects[i + 1:]:
            assert _separated(p, q), (p, q)
        for centre in d.units.values():
            assert not _covers(p, centre, RADIUS), (p, centre)
    return d


def values_of(part) -> list[str]:
    from symbackprop.printing import format_value
    return [format_value(w.value, 4)[0] for w in part.weights]


# -- the guarantees -----------------------------------------------------------------------------------

# 4-8-8-3 (the largest, about 3 s of CPU with its bias nodes) is also in the slow grid below; 2-2-2-1 keeps
# two hidden layers in the fast tier
FAST = [((3, 3, 2), True), ((3, 3, 2), False), pytest.param((4, 8, 8, 3), True, marks=pytest.mark.slow),
        pytest.param((4, 8, 8, 3), False, marks=pytest.mark.slow), ((2, 2, 2, 1), True), ((1, 1, 1), True),
        pytest.param((4, 8, 3), True, marks=pytest.mark.slow)]


@pytest.mark.parametrize("shape,bias", FAST, ids=lambda v: "-".join(map(str, v)) if isinstance(v, tuple) else str(v))
def test_every_label_has_its_own_place(shape, bias):
    part = part_of(shape, bias)
    d = assert_readable(picture(part, 4), values_of(part))
    assert not d.table
    if bias:                                  # a bias node per layer: every bias edge starts at one
        assert len(d.captions) == len(shape) - 1 or shape[:3] == (1, 1, 1)


def _grid():
    for i in (1, 2, 3, 4):
        for h in range(1, 9):
            for o in (1, 2, 3):
                yield (i, h, o)
    for i in (1, 4):
        for h1 in (1, 3, 5, 8):
            for h2 in (2, 6, 8):
                for o in (1, 3):
                    yield (i, h1, h2, o)
    for shape in ((2, 2, 2, 2, 1), (4, 3, 5, 2, 3), (4, 6, 6, 6, 3), (3, 1, 6, 4, 2)):
        yield shape


@pytest.mark.slow
@pytest.mark.parametrize("bias", [True, False])
def test_the_grid_up_to_4_8_8_3(bias):
    """One to two hidden layers up to 4-8-8-3, and three hidden layers up to 4-6-6-6-3."""
    for n, shape in enumerate(_grid()):
        part = part_of(shape, bias, seed=n)
        d = assert_readable(picture(part, 4), values_of(part))
        assert not d.table, shape


@pytest.mark.parametrize("shape", [(5, 2, 1), (2, 9, 1), (3, 4, 4), (2, 3, 3, 3, 3, 1), (8, 20, 8)],
                         ids=lambda s: "-".join(map(str, s)))
def test_beyond_4_8_8_3_a_weight_table(shape):
    """More than 4 inputs, 8 units in a layer, 3 outputs or 3 hidden layers: no labels, a table
    of every weight (from, to, value) beside the picture."""
    part = part_of(shape, True)
    tex = picture(part, 4)
    d = Drawn(tex)
    assert d.labels == [] and "wlabel, rotate" not in tex
    assert sorted(d.table) == sorted((w.source, w.target, v) for w, v in zip(part.weights, values_of(part)))
    assert "from & to & value" in tex
    assert "起点/from & 终点/to & 值/value" in picture(part, 4, "zh")


@pytest.mark.slow       # (a 4-8-8-3 picture; test_beyond_4_8_8_3_a_weight_table keeps the table fast)
def test_labels_too_long_for_the_room_go_to_the_table():
    """Fifteen decimal places do not fit a 4-8-8-3 picture: a table, never overlapping labels."""
    part = part_of((4, 8, 8, 3), True, digits=15)
    from symbackprop.printing import format_value
    tex = picture(part, 15)
    d = Drawn(tex)
    if d.labels:
        assert_readable(tex, [format_value(w.value, 15)[0] for w in part.weights])
    else:
        assert len(d.table) == len(part.weights)


def test_the_xor_picture_is_kept():
    """XOR's picture was readable: the same TikZ as before (bias below the inputs, labels at 0.3)."""
    from conftest import PROBLEMS
    from symbackprop.problem import load_problem
    part = load_problem(PROBLEMS / "xor.yaml").parts[0]
    tex = picture(part, 4)
    assert r"x=3.4cm, y=1.5cm" in tex and r"\draw[->] (n0x0) -- node[wlabel, pos=0.3] {$3$} (n1x0);" in tex
    assert_readable(tex, values_of(part))


def test_deep_gets_a_bias_node_per_layer():
    """deep.yaml's old picture drew the bias edges to the later layers through other units."""
    from conftest import PROBLEMS
    from symbackprop.problem import load_problem
    part = load_problem(PROBLEMS / "deep.yaml").parts[0]
    tex = picture(part, 5)
    d = assert_readable(tex, [__import__("symbackprop.printing").printing.format_value(w.value, 5)[0]
                              for w in part.weights])
    assert len(d.captions) == 3
    for (ax, ay), (bx, by) in d.edges:                    # no edge passes through a unit not its own
        for c in d.units.values():
            if c in ((ax, ay), (bx, by)):
                continue
            t = max(0.0, min(1.0, ((c[0] - ax) * (bx - ax) + (c[1] - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)))
            assert math.hypot(ax + t * (bx - ax) - c[0], ay + t * (by - ay) - c[1]) >= RADIUS


# -- compiled -----------------------------------------------------------------------------------------

PREAMBLE = (r"\documentclass[11pt]{article}\usepackage[a4paper, margin=2cm]{geometry}"
            r"\usepackage{amsmath,amssymb}\usepackage{tikz}\pagestyle{empty}\begin{document}")


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("pdflatex") and shutil.which("pdftotext")), reason="needs pdflatex and pdftotext")
@pytest.mark.parametrize("shape", [(3, 3, 2), (4, 8, 8, 3), (5, 3, 2)], ids=lambda s: "-".join(map(str, s)))
def test_the_pdf_shows_every_weight(shape, tmp_path):
    """The picture alone, compiled: pdftotext finds every weight's value (labels or table)."""
    part = part_of(shape, True, digits=2)
    (tmp_path / "pic.tex").write_text(PREAMBLE + picture(part, 4) + "\n\\end{document}\n", encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-no-shell-escape", "pic.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:]
    text = subprocess.run(["pdftotext", "-raw", str(tmp_path / "pic.pdf"), "-"], capture_output=True, text=True,
                          timeout=120).stdout.replace("\u2212", "-")
    shown = re.sub(r"\s", "", text)                   # -raw keeps the drawing order; rotated words may split
    d = Drawn(picture(part, 4))
    assert sorted([text for text, *_ in d.labels] + [v for *_, v in d.table]) == sorted(values_of(part))
    assert "".join(text for text, *_ in d.labels) in shown
    assert "".join("".join(row) for row in d.table) in shown
