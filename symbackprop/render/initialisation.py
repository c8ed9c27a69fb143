"""The section a worked solution has before its given values when the file draws its weights (`init:`,
init.py): which initialisation, the seed, how to draw the same weights in NumPy, and per layer the bound's
formula with d_in and d_out put in and v computed (v = √(6/(d_in + d_out)) = √(6/(2 + 2)) = √6/2 ≈ 1.2247)."""
from __future__ import annotations

from ..document import Section, Text
from ..init import bounds, radical_text
from ..printing import format_given, format_value, print_latex
from .prose import Code, Sym, sentence

# each kind's formula of d_in and d_out, and the same with the numbers put in, as text and LaTeX
_D_IN, _D_OUT = "d_{in}", "d_{out}"      # as the sentences' marked *d_in* print
_FORMULA = {
    "glorot": ("√(6/(d_in + d_out))", rf"\sqrt{{\frac{{6}}{{{_D_IN} + {_D_OUT}}}}}",
               "√(6/({a} + {b}))", r"\sqrt{{\frac{{6}}{{{a} + {b}}}}}"),
    "he": ("√(6/d_in)", rf"\sqrt{{\frac{{6}}{{{_D_IN}}}}}", "√(6/{a})", r"\sqrt{{\frac{{6}}{{{a}}}}}"),
}


def _bound_sym(kind: str, b, precision) -> Sym:
    """`v = formula = numbers put in = exact ≈ value` of one layer (uniform: `v = the given v`)."""
    if kind == "uniform":
        shown, exact = format_given(b.v, precision)
        if not exact:                            # a fraction as written (1/3), then its rounded value
            return Sym(f"v = {b.v.p}/{b.v.q} ≈ {shown}", rf"v = \frac{{{b.v.p}}}{{{b.v.q}}} \approx {shown}")
        return Sym(f"v = {shown}", f"v = {shown}")
    text, latex, text_in, latex_in = _FORMULA[kind]
    plain = f"v = {text} = {text_in.format(a=b.d_in, b=b.d_out)}"
    tex = f"v = {latex} = {latex_in.format(a=b.d_in, b=b.d_out)}"
    value, exact = format_value(b.v, precision)
    radical = radical_text(b.v)
    if radical is not None:
        plain, tex = f"{plain} = {radical}", f"{tex} = {print_latex(b.v, {})}"
    sign = ("=", "=") if exact else ("≈", r"\approx")
    return Sym(f"{plain} {sign[0]} {value}", f"{tex} {sign[1]} {value}")


def init_section(part, lang: str, precision) -> Section:
    """The initialisation section of a part whose weights were drawn (`part.init` set)."""
    init = part.init
    if part.bias is None:
        draw_b: object = ""
    elif init.bias == "draw":
        draw_b = sentence(lang, "init.draw_b", draw=Code("b = rng.uniform(-v, v, size=d_out)", True, True))
    else:
        draw_b = sentence(lang, "init.bias_zero")
    notes: list[Text] = [sentence(lang, "init.drawn", kind=sentence(lang, f"init.kind.{init.kind}"), seed=str(init.seed),
                                  rng=Code(f"rng = numpy.random.default_rng({init.seed})", True, True),
                                  draw_w=Code("W = rng.uniform(-v, v, size=(d_out, d_in))", True, True), draw_b=draw_b,
                                  places=str(init.places))]
    if init.own:
        notes.append(sentence(lang, "init.part_gives", weights=Code(", ".join(f"w_{i}_{j}" for i, j in init.own))))
    tied = [(name, edges) for name, edges in part.shared if not set(edges) & set(init.own)]
    if tied:
        notes.append(sentence(lang, "init.shared", groups=Code("; ".join(
            f"{name}: w_{edges[0][0]}_{edges[0][1]}" for name, edges in tied))))
    key = "init.layer_given" if init.kind == "uniform" else "init.layer_formula"
    for n, b in enumerate(bounds(init, part.inputs, part.layers), start=1):
        notes.append(sentence(lang, key, layer=str(n), units=", ".join(b.units), d_in=Sym(str(b.d_in), str(b.d_in)),
                              d_out=Sym(str(b.d_out), str(b.d_out)), bound=_bound_sym(init.kind, b, precision)))
    return Section(sentence(lang, "section.init"), (), notes=tuple(notes))
