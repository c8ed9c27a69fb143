"""How each internal symbol is written, in text and in LaTeX, under a problem's notation.

In-class notation: w_{13} is the weight from unit 1 to unit 3, outputs u_j, δ = ∂L/∂net.
Appendix notation: w_{ji} is the weight into j from i, hidden outputs y_j, outputs z_k, δ = −∂J/∂net.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from . import greek
from .model import Model, SymInfo

GREEK_TEXT = {"delta": "δ", "eta": "η"}


@dataclass(frozen=True)
class Names:
    """Display names of a model's symbols: text and LaTeX."""

    text: dict[sp.Symbol, str]
    latex: dict[sp.Symbol, str]


def _sub(idx: str, latex: bool) -> str:
    """A subscript: _3, _{13}, _{h1}."""
    if len(idx) == 1:
        return f"_{idx}" if not latex else f"_{{{idx}}}"
    return f"_{{{idx}}}"


def _sample(n: int | None, latex: bool) -> str:
    if n is None:
        return ""
    return f"^{{({n + 1})}}" if latex else f"^({n + 1})"


def _joined(a: str, b: str) -> bool:
    """Whether a weight's two unit names are written side by side (w_{13}): only two single digits
    read unambiguously so; any other pair takes a comma (w_{0,o}, w_{h1,o}, w_{1,α})."""
    return len(a) == 1 and len(b) == 1 and a.isdigit() and b.isdigit()


def _pair(a: str, b: str) -> str:
    return a + b if _joined(a, b) else f"{a},{b}"


def unit_name(unit: str, latex: bool) -> str:
    """A unit id as the solution writes it: a Greek name as its letter (alpha is α, \\alpha; theta1 is
    θ_1, \\theta_{1}; greek.py, which keeps delta, eta and sigma as written), any other id as written."""
    return (greek.latex(unit) if latex else greek.text(unit)) or unit


def unit_pair(a: str, b: str, latex: bool) -> str:
    """The two units of a weight's subscript: written together when each is a single digit (w_{13}),
    else with a comma (w_{0,o}, w_{h1,o}, w_{1,α}, w_{1,θ_1}), in text and LaTeX alike."""
    ta, tb = unit_name(a, False), unit_name(b, False)
    if not latex:
        return _pair(ta, tb)
    la, lb = unit_name(a, True), unit_name(b, True)
    return la + lb if _joined(ta, tb) else f"{la},{lb}"


def unit_sub(unit: str, latex: bool) -> str:
    """The subscript of a unit: _3, _{h1}, _α (text) or _{\\alpha} (LaTeX), _{θ_1}."""
    if latex:
        return _sub(unit_name(unit, True), True)
    return _sub(unit_name(unit, False), False)


def symbol_latex(sym: str) -> str:
    """A notation symbol in LaTeX as one symbol: one letter as is (u, J), several letters in \\mathit (out:
    \\mathit{out}, not the product o·u·t), a subscript kept (E_{total}, as a book writes its E_total)."""
    m = re.fullmatch(r"([A-Za-z]+)(_\{[A-Za-z0-9]+\})?", sym)
    if m is None or len(m.group(1)) == 1:
        return sym
    return rf"\mathit{{{m.group(1)}}}" + (m.group(2) or "")


def symbol(sym: str, latex: bool) -> str:
    """A notation symbol as text (as written: out, E_{total}) or LaTeX (`symbol_latex`)."""
    return symbol_latex(sym) if latex else sym


def own_name(unit: str, nota, latex: bool) -> str | None:
    """A unit's output by its own name under `notation: {unit_names: true}`: the letters of its id as the
    symbol, its digits as the subscript (h1: h_1, LaTeX h_{1}; out12: out_{12}, \\mathit{out}_{12}), as a book
    that names its units x1, h1, o1 writes them; None without that setting or for an id of another form
    (3, b, theta1: written as before)."""
    if not getattr(nota, "unit_names", False) or greek.split(unit):
        return None
    m = re.fullmatch(r"([A-Za-z]+)([0-9]+)", unit)
    if m is None:
        return None
    letters, digits = m.groups()
    return symbol_latex(letters) + f"_{{{digits}}}" if latex else letters + _sub(digits, False)


def own_sub(unit: str, nota, latex: bool) -> str:
    """The subscript of a unit: its own name (net_{h_1}) under `unit_names`, else `unit_sub` (net_{h1})."""
    own = own_name(unit, nota, latex)
    return f"_{{{own}}}" if own else unit_sub(unit, latex)


def unit_label(unit: str, nota, latex: bool) -> str:
    """A unit as the picture labels its node: its own name under `unit_names` (h_{1}), else `unit_name`."""
    return own_name(unit, nota, latex) or unit_name(unit, latex)


def learning_rate_name(nota, latex: bool) -> str:
    """The learning rate as the notation writes it (`learning_rate_symbol`): η (\\eta) by default, a Greek
    name as its letter (alpha: α, \\alpha), any other letters as written (LaTeX: one letter as is, more in
    \\mathit{lr}, one symbol, not a product of letters)."""
    sym = nota.learning_rate_symbol
    if sym == "eta":
        return r"\eta" if latex else "η"
    shown = greek.latex(sym) if latex else greek.text(sym)
    if shown:
        return shown
    return rf"\mathit{{{sym}}}" if latex and len(sym) > 1 else sym


def names_for(model: Model) -> Names:
    """Text and LaTeX names of every symbol the model has made so far."""
    part, nota = model.part, model.part.notation
    outputs = part.outputs
    text, latex = {}, {}
    for sym, info in list(model.info.items()):
        text[sym] = _name(info, nota, outputs, model, latex=False)
        latex[sym] = _name(info, nota, outputs, model, latex=True)
    return Names(text, latex)


def weight_name(model: Model, source: str, target: str, latex: bool) -> str:
    nota = model.part.notation
    custom = model.weights[(source, target)].name
    if custom:
        greek_name = greek.latex(custom) if latex else greek.text(custom)
        if greek_name:
            return greek_name
        m = re.match(r"^([A-Za-z]+)(\d*)$", custom)
        if latex and m and m.group(2):
            return f"{m.group(1)}_{{{m.group(2)}}}"
        return custom
    a, b = (source, target) if nota.weight == "from_to" else (target, source)
    return symbol(nota.weight_symbol, latex) + _sub(unit_pair(a, b, latex), latex)


def _tilde(name: str, latex: bool) -> str:
    """ũ_3 of u_3: the tilde on the symbol before its subscript (\\tilde{u}_{3} in LaTeX)."""
    head, sep, tail = name.partition("_")
    return (rf"\tilde{{{head}}}" if latex else head + "\u0303") + sep + tail


def _test(name: str, n: int | None, latex: bool) -> str:
    """A test-time quantity: net_5^test, u_5^test(1) in a batch (LaTeX \\mathrm{net}_{5}^{\\text{test}})."""
    sample = "" if n is None else f"({n + 1})"
    return name + (rf"^{{\text{{test}}{sample}}}" if latex else f"^test{sample}")


def _dropout_name(info: SymInfo, nota, outputs, model: Model, latex: bool) -> str:
    """The names of dropout's symbols (dropout.py): m_3, p (p_{1} when several layers have dropout), ũ_3,
    and the test-time pass net_5^test, u_5^test, ũ_3^test."""
    k, unit, n = info.kind, info.unit, info.sample
    if k == "p":
        return "p" if len(model.part.dropout) == 1 else "p" + _sub(unit, latex)
    if k == "m":
        return "m" + own_sub(unit, nota, latex) + _sample(n, latex)
    plain = SymInfo({"ut": "u", "tnet": "net", "tu": "u", "tut": "u"}[k], unit, None, None)
    base = _name(plain, nota, outputs, model, latex)
    if k in ("ut", "tut"):
        base = _tilde(base, latex)
    return base + _sample(n, latex) if k == "ut" else _test(base, n, latex)


def _name(info: SymInfo, nota, outputs, model: Model, latex: bool) -> str:
    k, unit, n = info.kind, info.unit, info.sample
    sup = _sample(n, latex)
    if k in ("m", "p", "ut", "tnet", "tu", "tut"):
        return _dropout_name(info, nota, outputs, model, latex)
    if k == "eta":
        return learning_rate_name(nota, latex)
    if k == "w":
        return weight_name(model, info.source, unit, latex)
    if k == "x":
        own = own_name(unit, nota, latex)
        if own:
            return own + ("" if unit == model.part.bias else sup)
        return symbol(nota.input_symbol, latex) + unit_sub(unit, latex) + ("" if unit == model.part.bias else sup)
    if k == "u":
        sym = (nota.output_symbol or nota.activation_symbol) if unit in outputs else nota.activation_symbol
        return (own_name(unit, nota, latex) or symbol(sym, latex) + unit_sub(unit, latex)) + sup
    if k == "t":
        idx = str(outputs.index(unit) + 1) if nota.target_index == "position" else unit
        return symbol(nota.target_symbol, latex) + (_sub(idx, latex) if nota.target_index == "position" else own_sub(unit, nota, latex)) + sup
    if k == "net":
        return (r"\mathrm{net}" if latex else "net") + own_sub(unit, nota, latex) + sup
    if k == "gp":
        net = (r"\mathrm{net}" if latex else "net") + own_sub(unit, nota, latex) + sup
        return f"g'({net})"
    if k == "delta":
        return (r"\delta" if latex else "δ") + own_sub(unit, nota, latex) + sup
    if k == "loss":
        return symbol(nota.loss_symbol, latex) + sup
    if k in ("sw", "sgrad", "supdate", "snew"):     # a shared parameter (shared: {b1: [...]}) by its name
        m = re.match(r"^([A-Za-z]+)(\d*)$", unit)
        p = f"{m.group(1)}_{{{m.group(2)}}}" if latex and m and m.group(2) else unit
        J = symbol(nota.loss_symbol, latex)
        if k == "sgrad":
            return rf"\frac{{\partial {J}}}{{\partial {p}}}" if latex else f"∂{J}/∂{p}"
        if k == "supdate":
            return rf"\Delta {p}" if latex else f"Δ{p}"
        if k == "snew":
            return rf"{p}^{{\text{{new}}}}" if latex else f"{p}^new"
        return p
    if k == "gradx":             # ∂J/∂x_i of an input (input_gradients: true)
        x = (own_name(unit, nota, latex) or symbol(nota.input_symbol, latex) + unit_sub(unit, latex)) + sup
        J = symbol(nota.loss_symbol, latex)
        return rf"\frac{{\partial {J}}}{{\partial {x}}}" if latex else f"∂{J}/∂{x}"
    if k in ("grad", "update", "new"):
        w = weight_name(model, info.source, unit, latex)
        if k == "grad":
            J = symbol(nota.loss_symbol, latex)
            return rf"\frac{{\partial {J}}}{{\partial {w}}}" if latex else f"∂{J}/∂{w}"
        if k == "update":
            return rf"\Delta {w}" if latex else f"Δ{w}"
        return rf"{w}^{{\text{{new}}}}" if latex else f"{w}^new"
    raise KeyError(f"no display name for symbol kind {k!r}")
