"""`symbackprop list`: every activation and loss the problem files can name, with its formula and its
derivative, computed from the rows of activations.py and losses.py and printed by SymPy (printing.py), so
that the list cannot drift from what `solve` uses.

An activation shows g(x) and g'(x) as `solve` writes it (in g = g(x) where that is how it is taught,
σ' = g(1 − g)); softmax, which needs the whole layer, shows u_k and ∂u_m/∂x_k from its own functions. A
loss shows the term of one output unit (J sums them, or averages them for mse) and ∂J/∂u_k by sympy.diff.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import sympy as sp

from . import activations, losses
from .messages import joined_in, msg
from .printing import print_latex, print_text

FORMATS = ("text", "markdown", "json")


@dataclass(frozen=True)
class Row:
    """One activation or loss: its name, the names that mean it, its parameters (name, default),
    its formula and derivative (left side, expression) and facts worth a line (as catalogue ids)."""

    kind: str                                       # "activation" or "loss"
    name: str
    aliases: tuple[str, ...]
    params: tuple[tuple[str, sp.Expr], ...]
    formula: tuple[str, sp.Expr]
    derivatives: tuple[tuple[str, sp.Expr], ...]
    notes: tuple[tuple[str, dict], ...] = ()

    def text(self) -> dict:
        """The formulas as text and LaTeX, by role, for the renderers below. A loss's formula is
        `J = Σ_k term`: the sum is written around SymPy's printing of the one-unit term."""
        def both(lhs: str, expr: sp.Expr) -> dict:
            text, latex = print_text(expr, {}), print_latex(expr, {})
            if lhs in _SUMS:
                sign = ""
                if expr.could_extract_minus_sign():          # J = -Σ_k t_k·ln(u_k), as written
                    sign, expr = "-", -expr
                    text, latex = print_text(expr, {}), print_latex(expr, {})
                if isinstance(expr, sp.Add):
                    text, latex = f"({text})", rf"\left({latex}\right)"
                return {"text": f"J = {sign}{lhs} {text}", "latex": f"J = {sign}{_SUMS[lhs]} {latex}"}
            return {"text": f"{lhs} = {text}", "latex": f"{_LATEX_LHS[lhs]} = {latex}"}
        return {"formula": both(*self.formula), "derivatives": [both(lhs, e) for lhs, e in self.derivatives]}


_X = sp.Symbol("x", real=True)
_G = sp.Symbol("g")
_U, _T = sp.Symbol("u_k", real=True), sp.Symbol("t_k", real=True)
_SUMS = {"Σ_k": r"\sum_k", "(1/K) Σ_k": r"\frac{1}{K} \sum_k"}            # J = Σ_k term
_LATEX_LHS = {"g(x)": "g(x)", "g'(x)": "g'(x)", "u_k": "u_k", "∂u_k/∂x_k": r"\frac{\partial u_k}{\partial x_k}",
              "∂u_m/∂x_k (m ≠ k)": r"\frac{\partial u_m}{\partial x_k}\ (m \neq k)",
              "∂J/∂u_k": r"\frac{\partial J}{\partial u_k}", "J": "J"}


def activation_rows() -> list[Row]:
    """A row per activation of activations.TABLE, in its order."""
    rows = []
    for name, spec in activations.TABLE.items():
        aliases = tuple(sorted(a for a, n in activations.ALIASES.items() if n == name))
        shown = {k: v for k, v in spec.params.items() if not (name == "relu" and k == "g0")}
        params = tuple(shown.items())
        notes: tuple = ()
        if name == "relu":
            notes = (("list.note_relu", {}),)
        if name == "softmax":
            u = [sp.Symbol("u_k"), sp.Symbol("u_m")]
            big_k = sp.Symbol("K", integer=True, positive=True)
            value = sp.exp(sp.Symbol("x_k", real=True)) / sp.Sum(sp.exp(sp.Symbol("x_j", real=True)),
                                                                 (sp.Symbol("j"), 1, big_k))
            rows.append(Row("activation", name, aliases, params, ("u_k", value),
                            (("∂u_k/∂x_k", activations.softmax_jacobian(u, 0, 0)),
                             ("∂u_m/∂x_k (m ≠ k)", activations.softmax_jacobian(u, 1, 0))),
                            (("list.note_softmax", {}),)))
            continue
        symbols = {k: sp.Symbol(k) for k in spec.params}
        if name == "relu":
            symbols["g0"] = spec.params["g0"]
        value = spec.value(_X, **symbols)
        derivative = spec.derivative(_X, _G, **symbols)
        rows.append(Row("activation", name, aliases, params, ("g(x)", value), (("g'(x)", derivative),), notes))
    return rows


def loss_rows() -> list[Row]:
    """A row per loss of losses.TABLE, in its order: the term of one unit and ∂J/∂u_k by sympy.diff."""
    rows = []
    for name, loss in losses.TABLE.items():
        aliases = tuple(sorted(a for a, n in losses.ALIASES.items() if n == name))
        term = loss.unit_term(_U, _T)
        derivative = sp.diff(term, _U)
        lhs = "Σ_k"
        if loss.outputs == 1:                       # J is the one output's value, not a sum over outputs
            lhs = "J"
        elif loss.mean_over_units:
            lhs = "(1/K) Σ_k"
            derivative = derivative / sp.Symbol("K", positive=True)
        derivative = sp.factor(derivative)
        notes = []
        if loss.outputs == 1:
            notes.append(("list.note_one_output", {}))
        if loss.default_output_activation:
            notes.append(("list.note_output", {"activation": loss.default_output_activation}))
        if loss.domain_text:
            notes.append(("list.note_domain", {"domain": loss.domain_text}))
        if loss.kink_note:
            notes.append(("list.note_kink", {"where": loss.kink_note}))
        rows.append(Row("loss", name, aliases, (), (lhs, term), (("∂J/∂u_k", derivative),), tuple(notes)))
    return rows


@dataclass(frozen=True)
class OptimizerRow:
    """One optimizer in one form (issue 13), from optimizers.py's table: its rule (each assignment as text and
    LaTeX, printed by SymPy from the assignments `solve` runs), its settings' defaults and allowed ranges."""

    name: str
    form: str
    rule: tuple[tuple[str, str], ...]          # (text, LaTeX) a line
    # (setting, default as the tool writes numbers, allowed, default as a number for JSON)
    defaults: tuple[tuple[str, str, str, float], ...]
    state: tuple[str, ...]
    source: str


def optimizer_rows() -> list[OptimizerRow]:
    """A row per optimizer and form, in optimizers.NAMES and FORMS order."""
    from . import optimizers
    from .optimize import _text_name
    text = {s: _text_name(v) for s, v in optimizers.LATEX.items()}
    rows = []
    for name in optimizers.NAMES:
        for form in optimizers.FORMS:
            row = optimizers.optimizer(name, form)
            rule = tuple((f"{print_text(a.symbol, text)} = {_rule_text(a.expr, text)}",
                          f"{optimizers.latex(a.symbol)} = {optimizers.latex(a.expr)}")
                         for a in optimizers.shown_rule(name, form))
            defaults = tuple((p.name, setting_text(p.default), p.interval(), float(p.default)) for p in row.params)
            rows.append(OptimizerRow(name, form, rule, defaults, tuple(text[s.symbol] for s in row.state), row.source))
    return rows


def setting_text(value: sp.Rational) -> str:
    """A setting's value as solve's optimizer line writes it (render/optimizer.py: printing.message_number at
    10 places): 1e-8 is 0.00000001, 0.001 is 0.001, 0 is 0."""
    from .printing import message_number
    return message_number(float(value), 10)


def _rule_text(expr: sp.Expr, names: dict) -> str:
    """An assignment's right side as text, as `solve` prints it (printing.print_text: torch's momentum buffer
    as its two cases, t = 1 and t > 1), with √ for a square root."""
    return print_text(expr, names).replace("sqrt(", "√(")


def _optimizer_lines(fmt: str, lang: str) -> list[str]:
    rows = optimizer_rows()
    if fmt == "markdown":
        out = [f"## {msg(lang, 'list.optimizers')}", "", msg(lang, "list.optimizers_intro"), "",
               f"| {msg(lang, 'list.name')} | {msg(lang, 'list.form')} | {msg(lang, 'list.rule')} "
               f"| {msg(lang, 'list.defaults')} |", "|---|---|---|---|"]
        for r in rows:
            rule = "<br>".join(f"${latex}$" for _, latex in r.rule)
            defaults = ", ".join(f"`{k}` = {v}" for k, v, _, _ in r.defaults) or "—"
            out.append(f"| `{r.name}` | {r.form} | {rule} | {defaults} |")
        return out + [""]
    out = [msg(lang, "list.optimizers"), "  " + msg(lang, "list.optimizers_intro")]
    width = max(len(f"{r.name} ({r.form})") for r in rows)
    for r in rows:
        out.append(f"  {f'{r.name} ({r.form})'.ljust(width)}  {'; '.join(text for text, _ in r.rule)}")
        defaults = ", ".join(f"{k} = {v}" for k, v, _, _ in r.defaults)
        if defaults:
            out.append(f"  {' ' * width}  {msg(lang, 'list.defaults_line', defaults=defaults)}")
    return out + [""]


def _json_optimizer(r: OptimizerRow) -> dict:
    return {"name": r.name, "form": r.form, "rule": [t for t, _ in r.rule], "rule_latex": [latex for _, latex in r.rule],
            "defaults": {k: x for k, _, _, x in r.defaults}, "allowed": {k: a for k, _, a, _ in r.defaults},
            "state": list(r.state), "source": r.source}


def render_list(fmt: str = "text", lang: str = "en", what: str = "all") -> str:
    """The list in `fmt` (text, markdown, json) and `lang`; `what`: all, activations, losses or optimizers."""
    groups = []
    if what in ("all", "activations"):
        groups.append(("activations", activation_rows()))
    if what in ("all", "losses"):
        groups.append(("losses", loss_rows()))
    if fmt == "json":
        data = {group: [_json_row(r, lang) for r in rows] for group, rows in groups}
        if what in ("all", "optimizers"):
            data["optimizers"] = [_json_optimizer(r) for r in optimizer_rows()]
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    out = []
    for group, rows in groups:
        if fmt == "markdown":
            out += [f"## {msg(lang, f'list.{group}')}", "", msg(lang, f"list.{group}_intro"), "",
                    f"| {msg(lang, 'list.name')} | {msg(lang, 'list.formula')} | {msg(lang, 'list.derivative')} "
                    f"| {msg(lang, 'list.notes')} |", "|---|---|---|---|"]
            for r in rows:
                t = r.text()
                derivs = "<br>".join(f"${d['latex']}$" for d in t["derivatives"])
                out.append(f"| `{r.name}` | ${t['formula']['latex']}$ | {derivs} | {_notes(r, lang)} |")
            out.append("")
        else:
            out += [msg(lang, f"list.{group}"), "  " + msg(lang, f"list.{group}_intro")]
            width = max(len(r.name) for r in rows)
            for r in rows:
                t = r.text()
                out.append(f"  {r.name.ljust(width)}  {t['formula']['text']}")
                for d in t["derivatives"]:
                    out.append(f"  {' ' * width}  {d['text']}")
                notes = _notes(r, lang)
                if notes:
                    out.append(f"  {' ' * width}  {notes}")
            out.append("")
    if what in ("all", "optimizers"):
        out += _optimizer_lines(fmt, lang)
    return "\n".join(out)


def _notes(r: Row, lang: str) -> str:
    parts = []
    if r.aliases:
        parts.append(msg(lang, "list.also", names=", ".join(r.aliases)))
    if r.params:
        parts.append(msg(lang, "list.params", params=", ".join(f"{k} = {print_text(v, {})}" for k, v in r.params)))
    parts += [_note(lang, key, fields) for key, fields in r.notes]
    return joined_in(lang, parts)          # the catalogue's joiner: "; " in English, "；" in Chinese


def _note(lang: str, key: str, fields: dict) -> str:
    """A note of a row, an activation it names said in words (softmax, leaky ReLU)."""
    if key == "list.note_output":
        from .render.prose import name_words
        fields = {**fields, "activation": name_words("activation", fields["activation"], lang)}
    return msg(lang, key, **fields)


def _json_row(r: Row, lang: str) -> dict:
    t = r.text()
    return {"name": r.name, "aliases": list(r.aliases),
            "parameters": {k: print_text(v, {}) for k, v in r.params},
            "formula": t["formula"]["text"], "formula_latex": t["formula"]["latex"],
            "formula_srepr": sp.srepr(r.formula[1]),
            "derivatives": [d["text"] for d in t["derivatives"]],
            "derivatives_latex": [d["latex"] for d in t["derivatives"]],
            "derivatives_srepr": [sp.srepr(e) for _, e in r.derivatives],
            "notes": [_note(lang, key, fields) for key, fields in r.notes]}
