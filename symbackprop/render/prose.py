"""The words of a solution: section titles, part headings and convention statements, from the message
catalogue of the language (symbackprop/messages); this module only fills in the mathematics, as `Sym`s
that render/sentence.py typesets in every format (plain text, $…$ in LaTeX and Markdown, MathML in HTML).

The lecture is Chinese with English terms, so the Chinese catalogue keeps them (前向计算/Forward).
"""
from __future__ import annotations

from ..document import Text
from ..messages import REFERENCE, catalogue, msg
from ..printing import format_value
from ..solution import Note, PartSolution
from .sentence import Code, Sym, joined_syms, sentence


def name_words(kind: str, name: str, lang: str) -> str:
    """A built-in loss or activation (`kind`: loss, activation) named in words ("half squared error"
    for half_squared_error); a name the problem file gave its own formula stays as it is written."""
    key = f"name.{kind}.{name}"
    return msg(lang, key) if key in catalogue(REFERENCE) else name


def section_title(section: str, lang: str) -> Text:
    """The heading of a section of steps (given, forward, loss, output, hidden, updated)."""
    return sentence(lang, f"section.{section}")


def part_heading(psol: PartSolution, lang: str, precision: int) -> Text:
    """`Part xor: activation sigmoid, loss half squared error, η = 0.5`, in `lang`."""
    part = psol.part
    acts = " → ".join(name_words("activation", a, lang) for a in dict.fromkeys(a.name for a in part.activations))
    eta = format_value(part.learning_rate, precision)[0]
    return sentence(lang, "solution.part_heading", name=psol.name, activations=acts,
                    loss=name_words("loss", part.loss, lang), eta=Sym(f"η = {eta}", rf"\eta = {eta}"))


def note(psol: PartSolution, n: Note, lang: str) -> Text:
    """One convention as a sentence, its mathematics typeset in every format."""
    J = psol.part.notation.loss_symbol
    names = psol.names

    def name(s) -> Sym:
        return Sym(names.text[s], names.latex[s])

    d = n.data
    if n.kind == "delta":
        minus = d["convention"] == "minus_dJ_dnet"
        delta = Sym(f"δ_j = {'−' if minus else ''}∂{J}/∂net_j",
                    rf"\delta_j = {'-' if minus else ''}\partial {J}/\partial \mathrm{{net}}_j")
        update = Sym(f"Δw = −η·∂{J}/∂w = {'+' if minus else '−'}η·δ_j·x_i",
                     rf"\Delta w = -\eta\,\partial {J}/\partial w = {'+' if minus else '-'}\eta\,\delta_j x_i")
        return sentence(lang, "note.delta", delta=delta, which=msg(lang, f"convention.{d['convention']}"),
                        update=update, xi=Sym("x_i", "x_i"))
    if n.kind == "weights":
        idx = "ij" if d["order"] == "from_to" else "ji"
        return sentence(lang, "note.weights", w=Sym(f"w_{{{idx}}}", f"w_{{{idx}}}"))
    if n.kind == "batch":
        return sentence(lang, "note.batch", loss=Sym(J, J), reduction=msg(lang, f"reduction.{d['reduction']}"),
                        samples=d["samples"], dn=Sym("δ^(n)", r"\delta^{(n)}"))
    if n.kind == "bias":                 # bias_input: -1, the bias weights are thresholds θ_j
        x = names.latex[d["symbol"]]
        value = format_value(d["value"], 4)[0]
        return sentence(lang, "note.bias_input", bias=Sym(names.text[d["symbol"]], x), value=Sym(value, value),
                        net=Sym("net_j = Σ_i w_ij·x_i − θ_j", r"\mathrm{net}_j = \sum_i w_{ij} x_i - \theta_j"),
                        theta=Sym("θ_j", r"\theta_j"))
    if n.kind == "frozen":
        ws = joined_syms([name(s) for s in d["weights"]])
        return sentence(lang, "note.frozen", zero=Sym("Δw = 0", r"\Delta w = 0"), weights=ws)
    if n.kind == "kink":
        where = joined_syms([Sym(f"{names.text[s]} = 0", f"{names.latex[s]} = 0") for s in d["nets"]])
        if d["activation"] == "relu":
            return sentence(lang, "note.relu_kink", gp=Sym("g'(0)", "g'(0)"), g0=format_value(d["g0"], 4)[0],
                            setting=Code("relu_derivative_at_zero"), where=where)
        act = name_words("activation", d["activation"], lang)
        if d.get("formula"):            # g0: the value SymPy's derivative takes at the kink (formula activations only)
            g0 = format_value(d["g0"], 4)[0]
            return sentence(lang, "note.formula_kink", act=act, g0=Sym(g0, g0), where=where)
        return sentence(lang, "note.kink_left", act=act, where=where)
    raise KeyError(n.kind)
