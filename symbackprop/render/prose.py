"""The words of a solution: section titles, part headings and convention statements, from the message
catalogue of the language (symbackprop/messages); this module only fills in the mathematics, as text
or as LaTeX math between $…$.

The lecture is Chinese with English terms, so the Chinese catalogue keeps them (前向计算/Forward).
"""
from __future__ import annotations

from ..messages import msg
from ..printing import format_value
from ..solution import Note, PartSolution


def section_title(section: str, lang: str, latex: bool = False) -> str:
    """The heading of a section of steps (given, forward, loss, output, hidden, updated)."""
    title = msg(lang, f"section.{section}")
    return title.replace("δ", r"$\delta$") if latex else title


def part_heading(psol: PartSolution, lang: str, precision: int, latex: bool = False) -> str:
    """`Part xor: activation sigmoid, loss half_squared_error, η = 0.5`, in `lang`."""
    part = psol.part
    acts = " → ".join(dict.fromkeys(a.name for a in part.activations))
    eta = format_value(part.learning_rate, precision)[0]
    loss, name = part.loss, psol.name
    if latex:
        acts, loss = acts.replace("_", r"\_").replace("→", r"$\to$"), loss.replace("_", r"\_")
        name = name.replace("_", r"\_")
    return msg(lang, "solution.part_heading", name=name, activations=acts, loss=loss,
               eta=f"$\\eta = {eta}$" if latex else f"η = {eta}")


def note(psol: PartSolution, n: Note, lang: str, latex: bool = False) -> str:
    """One convention as a sentence. In LaTeX, math goes between $…$."""
    J = psol.part.notation.loss_symbol
    names = psol.names.latex if latex else psol.names.text

    def m(text_form: str, latex_form: str) -> str:
        return f"${latex_form}$" if latex else text_form

    d = n.data
    if n.kind == "delta":
        minus = d["convention"] == "minus_dJ_dnet"
        delta = m(f"δ_j = {'−' if minus else ''}∂{J}/∂net_j",
                  rf"\delta_j = {'-' if minus else ''}\partial {J}/\partial \mathrm{{net}}_j")
        update = m(f"Δw = −η·∂{J}/∂w = {'+' if minus else '−'}η·δ_j·x_i",
                   rf"\Delta w = -\eta\,\partial {J}/\partial w = {'+' if minus else '-'}\eta\,\delta_j x_i")
        return msg(lang, "note.delta", delta=delta, which=msg(lang, f"convention.{d['convention']}"),
                   update=update, xi=m("x_i", "x_i"))
    if n.kind == "weights":
        idx = "ij" if d["order"] == "from_to" else "ji"
        return msg(lang, "note.weights", w=m(f"w_{{{idx}}}", f"w_{{{idx}}}"))
    if n.kind == "batch":
        return msg(lang, "note.batch", loss=m(J, J), reduction=msg(lang, f"reduction.{d['reduction']}"),
                   samples=d["samples"], dn=m("δ^(n)", r"\delta^{(n)}"))
    if n.kind == "bias":                 # bias_input: -1, the bias weights are thresholds θ_j
        x = names[d["symbol"]]
        value = format_value(d["value"], 4)[0]
        net = m("net_j = Σ_i w_ij·x_i − θ_j", r"\mathrm{net}_j = \sum_i w_{ij} x_i - \theta_j")
        return msg(lang, "note.bias_input", bias=m(x, x), value=m(value, value), net=net, theta=m("θ_j", r"\theta_j"))
    if n.kind == "frozen":
        ws = ", ".join(m(names[s], names[s]) for s in d["weights"])
        return msg(lang, "note.frozen", zero=m("Δw = 0", r"\Delta w = 0"), weights=ws)
    if n.kind == "kink":
        where = ", ".join(m(f"{names[s]} = 0", f"{names[s]} = 0") for s in d["nets"])
        if d["activation"] == "relu":
            setting = "relu\\_derivative\\_at\\_zero" if latex else "relu_derivative_at_zero"
            return msg(lang, "note.relu_kink", gp=m("g'(0)", "g'(0)"), g0=format_value(d["g0"], 4)[0],
                       setting=setting, where=where)
        act = d["activation"].replace("_", "\\_") if latex else d["activation"]
        if d.get("formula"):
            return msg(lang, "note.formula_kink", act=act, g0=format_value(d["g0"], 4)[0], where=where)
        return msg(lang, "note.kink_left", act=act, where=where)
    raise KeyError(n.kind)
