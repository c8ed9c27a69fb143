"""The words of a solution, in English and Chinese: section titles and convention statements.

The lecture is Chinese with English terms, so the Chinese text keeps them (前向计算/forward).
"""
from __future__ import annotations

from ..printing import format_value
from ..solution import Note, PartSolution

SECTIONS = {
    "en": {"given": "Given", "forward": "Forward pass", "loss": "Loss",
           "output": "Output layer: δ and updates", "hidden": "Hidden layers: δ and updates",
           "updated": "Updated weights"},
    "zh": {"given": "已知/Given", "forward": "前向计算/Forward", "loss": "损失/Loss",
           "output": "输出层：δ 与权重更新/Output layer", "hidden": "隐藏层：δ 与权重更新/Hidden layers",
           "updated": "更新后的权重/Updated weights"},
}

WORDS = {
    "en": {"part": "Part", "activation": "activation", "loss": "loss"},
    "zh": {"part": "部分", "activation": "激活函数", "loss": "损失函数"},
}


def section_title(section: str, lang: str, latex: bool = False) -> str:
    title = SECTIONS[lang][section]
    return title.replace("δ", r"$\delta$") if latex else title


def part_heading(psol: PartSolution, lang: str, precision: int, latex: bool = False) -> str:
    part, w = psol.part, WORDS[lang]
    acts = " → ".join(dict.fromkeys(a.name for a in part.activations))
    eta = format_value(part.learning_rate, precision)[0]
    loss = part.loss
    if latex:
        acts, loss = acts.replace("_", r"\_").replace("→", r"$\to$"), loss.replace("_", r"\_")
        name = psol.name.replace("_", r"\_")
        return f"{w['part']} {name}: {w['activation']} {acts}, {w['loss']} {loss}, $\\eta = {eta}$"
    return f"{w['part']} {psol.name}: {w['activation']} {acts}, {w['loss']} {loss}, η = {eta}"


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
        xi = m("x_i", "x_i")
        if lang == "zh":
            which = "附录约定/appendix" if minus else "课堂练习约定/in-class"
            return f"{delta}（{which}），因此 {update}（{xi} 为该权重的输入）。"
        which = "appendix convention" if minus else "in-class convention"
        return f"{delta} ({which}), so {update}, where {xi} is the input of the weight."
    if n.kind == "weights":
        idx = "ij" if d["order"] == "from_to" else "ji"
        w = m(f"w_{{{idx}}}", f"w_{{{idx}}}")
        if lang == "zh":
            return f"{w} 表示从单元 i 到单元 j 的权重。"
        return f"{w} is the weight from unit i to unit j."
    if n.kind == "batch":
        loss, dn = m(J, J), m("δ^(n)", r"\delta^{(n)}")
        if lang == "zh":
            red = "平均" if d["reduction"] == "mean" else "总和"
            return f"{loss} 为 {d['samples']} 个样本损失的{red}；{dn} 按样本计算。"
        return f"{loss} is the {d['reduction']} of the per-sample losses over {d['samples']} samples; {dn} is per sample."
    if n.kind == "frozen":
        ws = ", ".join(m(names[s], names[s]) for s in d["weights"])
        zero = m("Δw = 0", r"\Delta w = 0")
        if lang == "zh":
            return f"冻结参数，不更新（{zero}）：{ws}。"
        return f"Frozen, so not updated ({zero}): {ws}."
    if n.kind == "kink":
        where = ", ".join(m(f"{names[s]} = 0", f"{names[s]} = 0") for s in d["nets"])
        setting = "relu\\_derivative\\_at\\_zero" if latex else "relu_derivative_at_zero"
        if d["activation"] == "relu":
            g0 = format_value(d["g0"], 4)[0]
            gp, gp0 = m("g'(0)", "g'(0)"), m(f"g'(0) = {g0}", f"g'(0) = {g0}")
            if lang == "zh":
                return f"ReLU 在 0 处不可导；取 {gp0}（{setting}），用于 {where}。"
            return f"ReLU has no derivative at 0; {gp} is taken as {g0} ({setting}), used at {where}."
        act = d["activation"].replace("_", "\\_") if latex else d["activation"]
        if lang == "zh":
            return f"{act} 在 0 处不可导；在 {where} 处取左导数。"
        return f"{act} has no derivative at 0; the left-hand slope is used at {where}."
    raise KeyError(n.kind)
