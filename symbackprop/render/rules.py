"""The general rules (`symbackprop derive`) as text, Markdown, LaTeX or JSON.

A `GeneralDerivation` is data; this module only prints it, in the notation it carries: the symbol
names of the problem file, its weight index order (w_kj into k from j, or w_jk from j to k) and its
δ sign convention.
"""
from __future__ import annotations

import json
import re

import sympy as sp

from ..symbolic_rules import GeneralDerivation, J, Rule, eta
from ..messages import LANGUAGES, words
from ..printing import LatexPrinter, print_text
from .latex import fragment, standalone_document, tex_escape

# the words of each language, from its message catalogue (symbackprop/messages)
TITLES = {lang: words(lang, "rules") for lang in LANGUAGES}


def indexed_names(derivation: GeneralDerivation, latex: bool) -> dict:
    """How each base of the general rules is written under the derivation's notation."""
    nota = derivation.notation
    swap = nota.weight == "from_to"         # internally w[k, j] is into k from j
    net = r"\mathrm{net}" if latex else "net"
    delta = r"\delta" if latex else "δ"
    out = nota.output_symbol or nota.activation_symbol
    return {"t": (nota.target_symbol, False), "z": (out, False), "y": (nota.activation_symbol, False),
            "x": (nota.input_symbol, False), "net_o": (net, False), "net_h": (net, False),
            "delta_o": (delta, False), "delta_h": (delta, False),
            "w_o": (nota.weight_symbol, swap), "w_h": (nota.weight_symbol, swap),
            "Delta_w_o": ((r"\Delta " if latex else "Δ") + nota.weight_symbol, swap),
            "Delta_w_h": ((r"\Delta " if latex else "Δ") + nota.weight_symbol, swap)}


def _names(derivation: GeneralDerivation, latex: bool) -> dict:
    return {J: derivation.notation.loss_symbol, eta: r"\eta" if latex else "η"}


def expr_text(derivation: GeneralDerivation, expr: sp.Expr) -> str:
    return print_text(expr, _names(derivation, False), indexed=indexed_names(derivation, False))


def expr_latex(derivation: GeneralDerivation, expr: sp.Expr) -> str:
    # factors side by side, as the appendix writes them: (t_k − z_k) g'(net_k) y_j
    return LatexPrinter(dict(names=_names(derivation, True), indexed=indexed_names(derivation, True),
                             mul_symbol=None)).doprint(expr)


# Phrases of the prose that are mathematics in LaTeX.
MATH_PHRASES = {"δ_k": r"$\delta_k$", "δ_j": r"$\delta_j$", "δ = −∂J/∂net": r"$\delta = -\partial J/\partial \mathrm{net}$",
                "δ = ∂J/∂net": r"$\delta = \partial J/\partial \mathrm{net}$", "Σ_m t_m = 1": r"$\sum_m t_m = 1$"}


def tex_text(text: str) -> str:
    """Prose for LaTeX's text mode, with its mathematical phrases typeset as mathematics."""
    pattern = "(" + "|".join(re.escape(p) for p in sorted(MATH_PHRASES, key=len, reverse=True)) + ")"
    return "".join(MATH_PHRASES.get(piece) or tex_escape(piece) for piece in re.split(pattern, text))


def chain(derivation: GeneralDerivation, rule: Rule, latex: bool) -> list[str]:
    show = expr_latex if latex else expr_text
    return [show(derivation, rule.lhs)] + [show(derivation, f) for f in rule.forms]


def _header(derivation: GeneralDerivation, lang: str) -> list[str]:
    w = TITLES[lang]
    acts = ", ".join(derivation.hidden_activations) or "—"
    return [f"{w['hidden']}: {acts}; {w['output']}: {derivation.output_activation}; {w['loss']}: {derivation.loss}",
            f"{w[derivation.notation.delta]}; {w[derivation.notation.weight]}"]


def _check_line(derivation: GeneralDerivation, rid: str, lang: str, generated: bool) -> str | None:
    w = TITLES[lang]
    for ch in derivation.checks:
        if ch.id != rid:
            continue
        where = w["generated"] if generated else w["checked"]
        if ch.compared == 0:
            return f"{where}: {w['none']}"
        verdict = "" if ch.ok else f" — {w['disagree']}"
        return f"{where}: {ch.compared} {w['units']} ({w['max_error']} {ch.max_error:.1e}){verdict}"
    return None


def render_text(derivations: list[GeneralDerivation], lang: str = "en", generated: bool = False) -> str:
    w = TITLES[lang]
    out = []
    for dv in derivations:
        out.append(f"{w['general']} — {dv.name}")
        out += ["  " + line for line in _header(dv, lang)]
        out.append(f"  {w['definitions']}:")
        for r in dv.definitions:
            out.append("    " + " = ".join(chain(dv, r, False)))
        for a in dv.assumptions:
            out.append(f"  {w['assumption']}: {w[a]}")
        for r in dv.rules:
            out.append("")
            out.append(f"  {w[r.id]}")
            out.append("    " + " = ".join(chain(dv, r, False)))
            for label, form in r.specialised:
                out.append(f"    {w['with']} {label}: {expr_text(dv, r.lhs)} = {expr_text(dv, form)}")
            line = _check_line(dv, r.id, lang, generated)
            if line:
                out.append(f"    {line}")
        out.append("")
    return "\n".join(out)


def render_markdown(derivations: list[GeneralDerivation], lang: str = "en", generated: bool = False) -> str:
    w = TITLES[lang]
    out = []
    for dv in derivations:
        out += [f"## {w['general']} — {dv.name}", ""] + [f"- {line}" for line in _header(dv, lang)]
        out += [f"- {w['assumption']}: {w[a]}" for a in dv.assumptions]
        out += ["", f"**{w['definitions']}**", "", "$$", r"\begin{aligned}"]
        out.append(" \\\\\n".join(" &= ".join(chain(dv, r, True)) for r in dv.definitions))
        out += [r"\end{aligned}", "$$", ""]
        for r in dv.rules:
            out += [f"### {w[r.id]}", "", "$$", r"\begin{aligned}", _aligned(dv, r), r"\end{aligned}", "$$", ""]
            line = _check_line(dv, r.id, lang, generated)
            if line:
                out += [line, ""]
    return "\n".join(out)


def _aligned(dv: GeneralDerivation, rule: Rule) -> str:
    """`lhs &= form \\ &= form …`, then the specialised forms."""
    parts = chain(dv, rule, True)
    rows = [f"{parts[0]} &= {parts[1]}"] + [f"&= {p}" for p in parts[2:]]
    for label, form in rule.specialised:
        rows.append(rf"&= {expr_latex(dv, form)} && \text{{({tex_escape(label)})}}")
    return " \\\\\n".join(rows)


def render_latex(derivations: list[GeneralDerivation], lang: str = "en", standalone: bool = True,
                 generated: bool = False, title: str = "") -> str:
    w = TITLES[lang]
    body = [rf"\section*{{{tex_escape(title or w['general'])}}}"]
    for dv in derivations:
        body.append(rf"\subsection*{{{tex_escape(dv.name)}}}")
        body.append(r"\begin{itemize}")
        body += [rf"  \item {tex_text(line)}" for line in _header(dv, lang)]
        body += [rf"  \item {tex_text(w['assumption'] + ': ' + w[a])}" for a in dv.assumptions]
        body.append(r"\end{itemize}")
        body += [rf"\paragraph{{{tex_escape(w['definitions'])}}}", r"\begin{align*}",
                 " \\\\\n".join(" &= ".join(chain(dv, r, True)) for r in dv.definitions), r"\end{align*}"]
        for r in dv.rules:
            body += [rf"\paragraph{{{tex_text(w[r.id])}}}", r"\begin{align*}", _aligned(dv, r), r"\end{align*}"]
            line = _check_line(dv, r.id, lang, generated)
            if line:
                body.append(tex_escape(line) + "\n")
    text = "\n".join(body) + "\n"
    if not standalone:
        return fragment(text, "symbackprop general rules")
    return standalone_document(text, lang, (r"\allowdisplaybreaks",))


def to_data(dv: GeneralDerivation) -> dict:
    """One derivation as plain data: each rule as LaTeX, text and SymPy srepr."""
    rules = {}
    for r in dv.rules:
        rules[r.id] = {
            "latex": f"{expr_latex(dv, r.lhs)} = {expr_latex(dv, r.rule)}",
            "chain_latex": " = ".join(chain(dv, r, True)),
            "text": f"{expr_text(dv, r.lhs)} = {expr_text(dv, r.rule)}",
            "srepr": sp.srepr(r.rule),
            "lhs_srepr": sp.srepr(r.lhs),
            "specialised": [{"activation": label, "latex": expr_latex(dv, f), "srepr": sp.srepr(f)}
                            for label, f in r.specialised],
        }
    return {"name": dv.name, "hidden_activations": list(dv.hidden_activations),
            "output_activation": dv.output_activation, "loss": dv.loss,
            "notation": {"delta": dv.notation.delta, "weight": dv.notation.weight},
            "assumptions": list(dv.assumptions), "rules": rules,
            "checks": {ch.id: {"compared": ch.compared, "max_error": ch.max_error, "ok": ch.ok}
                       for ch in dv.checks}}


def render_json(derivations: list[GeneralDerivation], source: str | None = None) -> str:
    return json.dumps({"source": source, "derivations": [to_data(d) for d in derivations]},
                      ensure_ascii=False, indent=2) + "\n"
