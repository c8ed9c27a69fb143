"""The general rules (`symbackprop derive`) as a document (any format renders it) or as JSON data.

A `GeneralDerivation` is data; this module only words and prints it, in the notation it carries:
the symbol names of the problem file, its weight index order (w_kj into k from j, or w_jk from j to
k) and its δ sign convention.
"""
from __future__ import annotations

import json
import re
from dataclasses import replace

import sympy as sp
from sympy.printing.precedence import PRECEDENCE, precedence

from ..messages import marked, msg, words
from ..document import Document, Math, Part, Section, Step, Text
from ..notation import learning_rate_name, symbol_latex
from ..notation import symbol as nota_symbol
from ..printing import LatexPrinter, TextPrinter
from ..symbolic_rules import (GeneralDerivation, J, J_n, Rule, eta, n_s, per_sample, rule_unit,
                              teacher_order, x, y)
from ..symbolic_rules import PER_SAMPLE, _pull_constants
from .latex import tex_escape
from .prose import name_words
from .prose import Prose, Sym, number_sym, sentence, symbol
from .steps import step_links

# the words of each language, from its message catalogue (symbackprop/messages)


def indexed_names(derivation: GeneralDerivation, latex: bool) -> dict:
    """How each base of the general rules is written under the derivation's notation."""
    nota = derivation.notation
    swap = nota.weight == "from_to"         # internally w[k, j] is into k from j
    net = r"\mathrm{net}" if latex else "net"
    delta = r"\delta" if latex else "δ"
    out = nota_symbol(nota.output_symbol or nota.activation_symbol, latex)      # out: \mathit{out} in LaTeX
    w = nota_symbol(nota.weight_symbol, latex)
    names = {"t": (nota_symbol(nota.target_symbol, latex), False), "z": (out, False),
             "y": (nota_symbol(nota.activation_symbol, latex), False),
             "x": (nota_symbol(nota.input_symbol, latex), False), "net_o": (net, False), "net_h": (net, False),
             "delta_o": (delta, False), "delta_h": (delta, False),
             "w_o": (w, swap), "w_h": (w, swap),
             "Delta_w_o": ((r"\Delta " if latex else "Δ") + w, swap),
             "Delta_w_h": ((r"\Delta " if latex else "Δ") + w, swap)}
    # a quantity of sample n of a batch: the same name with the sample as a superscript, δ_k^(n)
    shared = {"w_o", "w_h", "Delta_w_o", "Delta_w_h"}          # the weights: the same in every sample
    names.update({f"{base}_n": (shown, False, True) for base, (shown, _) in list(names.items()) if base not in shared})
    names["J_n"] = (nota_symbol(nota.loss_symbol, latex), False, True)
    return names


def constants_first(expr: sp.Expr) -> tuple[bool, sp.Expr, sp.Expr] | None:
    """(negative, the constant factor, the rest) of a product whose constants (the number, η, c, N:
    no indexed quantity, no sum) have a constant denominator, so that it prints with its constants
    first as one fraction, (2/c)·g'(net_k)·(t_k − u_k), not 2·g'(net_k)·(t_k − u_k)/c; else None."""
    if not isinstance(expr, sp.Mul):
        return None
    constants = [f for f in expr.args if not f.atoms(sp.Indexed) and not f.has(sp.Sum)]
    rest = [f for f in expr.args if f not in constants]
    if not rest or not any(f.is_Pow and f.base.is_Symbol and f.exp.is_negative for f in constants):
        return None
    const = sp.Mul(*constants)
    negative = const.could_extract_minus_sign()
    return negative, -const if negative else const, rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False)


class RuleTextPrinter(TextPrinter):
    """The text printer of the general rules: a product's constants first, as one fraction (`constants_first`)."""

    def _print_Mul(self, expr) -> str:
        split = constants_first(expr)
        if split is None:
            return super()._print_Mul(expr)
        negative, const, rest = split
        shown = f"({self._print(rest)})" if precedence(rest) < PRECEDENCE["Mul"] else self._print(rest)
        return f"{'-' if negative else ''}({self._print(const)})*{shown}"


class RuleLatexPrinter(LatexPrinter):
    """The LaTeX printer of the general rules: \\frac{2}{c} g'(net_k) (t_k − u_k), the constants first."""

    def _print_Mul(self, expr) -> str:
        split = constants_first(expr)
        if split is None:
            return super()._print_Mul(expr)
        negative, const, rest = split
        shown = rf"\left({self._print(rest)}\right)" if precedence(rest) < PRECEDENCE["Mul"] else self._print(rest)
        return f"{'- ' if negative else ''}{self._print(const)} {shown}"


def _names(derivation: GeneralDerivation, latex: bool) -> dict:
    names = {J: nota_symbol(derivation.notation.loss_symbol, latex), eta: learning_rate_name(derivation.notation, latex)}
    for sh in derivation.shared:            # a shared parameter by its name, as solve writes it, its update Δ
        m = re.fullmatch(r"([A-Za-z]+)(\d*)", sh.name)
        shown = f"{m.group(1)}_{{{m.group(2)}}}" if latex and m and m.group(2) else sh.name
        names[sh.grad.lhs.variables[0]] = shown
        names[sh.update.lhs] = (r"\Delta " if latex else "Δ") + shown
    return names


def expr_text(derivation: GeneralDerivation, expr: sp.Expr, as_built: bool = False,
              unit: tuple = ()) -> str:
    """`expr` in text, its products in the teacher's order (symbolic_rules.teacher_order, `unit`: the
    bases of the rule's own unit): constants, g', then the loss's factor, η·g'(net_k)·(t_k − z_k)·y_j;
    `as_built`: `expr` is already in that order (a specialised rule), print it as it is."""
    shown = expr if as_built else teacher_order(expr, unit)
    return RuleTextPrinter(dict(names=_names(derivation, False), indexed=indexed_names(derivation, False),
                            order="none")).doprint(shown)


def expr_latex(derivation: GeneralDerivation, expr: sp.Expr, as_built: bool = False,
               unit: tuple = ()) -> str:
    """`expr` in LaTeX, factors side by side as a teacher writes them: g'(net_k) (t_k − z_k) y_j;
    `as_built` and `unit` as in `expr_text`."""
    shown = expr if as_built else teacher_order(expr, unit)
    return RuleLatexPrinter(dict(names=_names(derivation, True), indexed=indexed_names(derivation, True),
                             mul_symbol=None, order="none")).doprint(shown)


def shown_symbols(derivation: GeneralDerivation, expr: sp.Expr) -> sp.Expr:
    """`expr` in the symbols its text form prints: each internal base (z, net_o, delta_h, w_o, …) named
    as the notation shows it (u, net, δ, w, Δw), a weight's indices in the printed order (w_jk where
    the file writes from j to k), J as the file's loss symbol and η as η. A quantity of sample n keeps
    n as its last index. The JSON's srepr is of this expression, so that it names what the text names."""
    names = indexed_names(derivation, False)
    loss = re.sub(r"[{}]", "", derivation.notation.loss_symbol)          # E_{total} is the symbol E_total
    mapping: dict[sp.Basic, sp.Basic] = {J: sp.Symbol(loss), eta: sp.Symbol(learning_rate_name(derivation.notation, False))}
    for q in expr.atoms(sp.Indexed):
        entry = names.get(q.base.name)
        if entry is None:
            continue
        shown, swap = entry[0], entry[1]
        label = sp.Symbol(shown, real=True) if q.base.label.is_real else sp.Symbol(shown)
        indices = list(q.indices)
        sample = indices.pop() if len(entry) > 2 and entry[2] else None
        if swap:
            indices.reverse()
        mapping[q] = sp.IndexedBase(label)[tuple(indices + ([sample] if sample is not None else []))]
    return expr.xreplace(mapping)


def shown_srepr(derivation: GeneralDerivation, expr: sp.Expr) -> str:
    return sp.srepr(shown_symbols(derivation, expr))


# Phrases of the prose that are mathematics in LaTeX.
MATH_PHRASES = {"δ_k": r"$\delta_k$", "δ_j": r"$\delta_j$", "δ = −∂J/∂net": r"$\delta = -\partial J/\partial \mathrm{net}$",
                "δ = ∂J/∂net": r"$\delta = \partial J/\partial \mathrm{net}$", "Σ_m t_m = 1": r"$\sum_m t_m = 1$",
                # the note of a batch
                "δ_k^(n)": r"$\delta_k^{(n)}$", "δ_j^(n)": r"$\delta_j^{(n)}$", "J^(n)": r"$J^{(n)}$",
                "(1/N)·Σ_n": r"$\frac{1}{N}\sum_n$", "Σ_n": r"$\sum_n$", "∂J/∂w": r"$\partial J/\partial w$",
                "Δw": r"$\Delta w$",
                # the note of a threshold network (bias_input: -1)
                "θ (net = Σ w·x − θ)": r"$\theta\ (\mathrm{net} = \sum w \cdot x - \theta)$",
                "θ（net = Σ w·x − θ）": r"$\theta\ (\mathrm{net} = \sum w \cdot x - \theta)$"}


def tex_text(text: str, loss_symbol: str = "J") -> str:
    """Prose for LaTeX's text mode, with its mathematical phrases typeset as mathematics (the
    conventions in the file's own loss symbol, ∂L/∂net where it writes L)."""
    phrases = dict(MATH_PHRASES)
    if loss_symbol != "J":
        phrases.update({p.replace("J", loss_symbol): m.replace("J", symbol_latex(loss_symbol))
                        for p, m in MATH_PHRASES.items() if "J" in p})
    pattern = "(" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + ")"
    return "".join(phrases.get(piece) or tex_escape(piece) for piece in re.split(pattern, text))


def phrase_text(text: str, loss_symbol: str = "J") -> Text:
    """Prose of the rules as `Text` in every format, its mathematical phrases (MATH_PHRASES, in the
    file's own loss symbol) typeset as mathematics: $…$ in LaTeX (as `tex_text`) and Markdown, MathML in HTML."""
    phrases = {p: m[1:-1] for p, m in MATH_PHRASES.items()}
    if loss_symbol != "J":
        phrases.update({p.replace("J", loss_symbol): m[1:-1].replace("J", symbol_latex(loss_symbol))
                        for p, m in MATH_PHRASES.items() if "J" in p})
    pattern = "(" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + ")"
    raw, pieces = [], []
    for i, span in enumerate(_SYMBOL.split(text)):
        if i % 2:                               # a marked symbol (_symbol_mark): x_i, n, N = 2
            raw.append(f"\ue000{len(pieces)}\ue001")
            pieces.append(symbol(span) if " " not in span else Sym(span, span))
            continue
        for piece in re.split(pattern, span):
            if piece in phrases:
                raw.append(f"\ue000{len(pieces)}\ue001")
                pieces.append(Sym(piece, phrases[piece]))
            else:
                raw.append(piece)
    return Prose("".join(raw), pieces)


def _header(derivation: GeneralDerivation, lang: str) -> list[str]:
    w = words(lang, "rules")
    nota = derivation.notation
    acts = ", ".join(name_words("activation", a, lang) for a in derivation.hidden_activations) or "—"
    out, loss = name_words("activation", derivation.output_activation, lang), name_words("loss", derivation.loss, lang)
    return [msg(lang, "derive.header_units", hidden=w["hidden"], acts=acts, output=w["output"], out=out,
                loss=w["loss"], loss_name=loss),
            # the convention in the file's own loss symbol (∂L/∂net where the file writes L)
            msg(lang, "derive.header_convention", weights=w[nota.weight],
                convention=msg(lang, f"derive.convention.{nota.delta}", J=nota.loss_symbol))]


def _notes(derivation: GeneralDerivation, lang: str) -> list[str]:
    """What the rules are for, beyond the header: no hidden layer; a batch of samples."""
    out = []
    if not derivation.hidden_layer:
        out.append(marked(lang, "derive.no_hidden_layer", _symbol_mark))
    if derivation.batch is not None:
        key = "derive.batch_mean" if derivation.batch == "mean" else "derive.batch_sum"
        loss = derivation.notation.loss_symbol
        out.append(marked(lang, key, _symbol_mark, J=loss, Jm=_symbol_mark(loss),
                          size=_symbol_mark(f"N = {derivation.samples}")))
    return out


# a symbol of a note (x_i, sample n, N = 2) as `phrase_text` typesets it: between two private-use characters
_SYMBOL = re.compile("\ue002([^\ue003]*)\ue003")


def _symbol_mark(plain: str) -> str:
    return f"\ue002{plain}\ue003"


def network_definitions(dv: GeneralDerivation) -> tuple[Rule, ...]:
    """The definitions of the network as the rules print them. In a batch the loss they define is one
    sample's, J^(n) = Σ_m ℓ(t_m^(n), u_m^(n)) (the header defines J over the samples)."""
    if dv.batch is None:
        return dv.definitions
    return tuple(Rule(r.id, J_n[n_s], tuple(per_sample(f) for f in r.forms)) if r.id == "loss" else r
                 for r in dv.definitions)


def _bias_value(dv: GeneralDerivation, expr: sp.Expr) -> sp.Expr:
    """`expr` with the bias unit's output (x_0, y_0, in each sample) replaced by the file's bias_input."""
    bases = {x, y, PER_SAMPLE[x], PER_SAMPLE[y]}
    return expr.replace(lambda e: isinstance(e, sp.Indexed) and e.base in bases and e.indices[0] == 0,
                        lambda e: sp.Integer(dv.bias_input))


def bias_update_steps(dv: GeneralDerivation, rule: Rule) -> list[Step]:
    """With `bias_input` other than 1 (−1: the bias weights are thresholds θ), the update of a bias weight
    w_{0k} or w_{0j}: the update rule with the bias unit's index 0 put in, then its output's value."""
    if dv.bias_input == 1 or not rule.id.startswith("update_"):
        return []
    index = next(iter(rule.lhs.indices[1:]), None)        # w[k, j] into k from j: the source index
    if index is None or not index.is_Symbol:
        return []
    lhs = rule.lhs.subs(index, 0)
    form = rule.forms[1].subs(index, 0)
    valued = _pull_constants(_bias_value(dv, form))      # a batch: Σ_n −δ^(n) → −Σ_n δ^(n)
    if valued == form:
        return []
    return [Step(f"{rule.id}_bias", lhs, (form, valued))]


def bias_note(dv: GeneralDerivation, lang: str) -> str | None:
    """The bias unit's output where the file's `bias_input` is not 1: x_0 = −1, the bias weights thresholds."""
    if dv.bias_input == 1:
        return None
    nota = dv.notation
    value = str(dv.bias_input).replace("-", "−")
    xs = f"{nota.input_symbol}_0"
    ys = f"{nota.activation_symbol}_0"
    key = "derive.bias_input" if dv.hidden_layer else "derive.bias_input_no_hidden"
    return marked(lang, key, _symbol_mark, x0=_symbol_mark(xs), y0=_symbol_mark(ys), value=value,
                  raw=str(dv.bias_input))


def _check_line(derivation: GeneralDerivation, rid: str, lang: str, generated: bool) -> Text | None:
    """The check of rule `rid` on the concrete network as a sentence, its largest difference typeset
    as a number in maths (8.7 × 10⁻³³ in LaTeX, Markdown and HTML; as printed, 8.7e-33, in text)."""
    w = words(lang, "rules")
    for ch in derivation.checks:
        if ch.id != rid:
            continue
        where = w["generated"] if generated else w["checked"]
        if ch.compared == 0:
            return sentence(lang, "derive.check_none", where=where, none=w["none"])
        values = ch.distinct
        if ch.ok:
            counted = msg(lang, "derive.values_agree_one" if values == 1 else "derive.values_agree", count=values)
        else:
            counted = msg(lang, "derive.values_compared_one" if values == 1 else "derive.values_compared",
                          count=values)
        forms = msg(lang, "derive.comparisons", count=ch.compared) if ch.compared != values else ""
        verdict = "" if ch.ok else f" — {w['disagree']}"
        return sentence(lang, "derive.check_line", where=where, counted=counted, forms=forms,
                        max_error=w["max_error"], error=error_number(ch.max_error), verdict=verdict)
    return None


def error_number(error: float) -> Sym:
    """A relative difference as derive prints it, 8.7e-33, with its LaTeX 8.7 \\times 10^{-33} (0 for 0):
    prose.number_sym of its text, as the gradient check writes its differences."""
    return number_sym(f"{error:.1e}")


def _title(derivation: GeneralDerivation, rid: str, lang: str) -> str:
    """A rule's section title; the output weights come from the inputs when there is no hidden layer."""
    if not derivation.hidden_layer and rid in ("grad_output_weight", "update_output_weight"):
        return msg(lang, f"derive.{rid}.no_hidden_layer")
    return msg(lang, f"rules.{rid}")


class RulesMath(Math):
    """The general rules' expressions in the notation of a derivation (no numbers, no values), each
    product in the teacher's order (`expr_text`)."""

    def __init__(self, derivation: GeneralDerivation, extra: tuple[tuple[Rule, tuple], ...] = ()) -> None:
        self.derivation = derivation
        # the specialised rules, already built in that order; every other expression by its rule's unit
        # (`extra`: the rules of a network with several hidden layers, GeneralDerivation.deeper, each
        # with its unit: none for a weight between hidden layers, whose u_i is not of the unit's own g')
        self.as_built = {f for r in (*derivation.rules, *(r for r, _ in extra)) for _, f in r.specialised}
        self.unit: dict[sp.Expr, tuple] = {}
        for r, unit in (*((r, rule_unit(r.id)) for r in derivation.rules), *extra):
            for e in (r.lhs, *r.forms):
                self.unit.setdefault(e, unit)

    def text(self, expr, values=None) -> str:
        return expr_text(self.derivation, expr, expr in self.as_built, self.unit.get(expr, ()))

    def latex(self, expr, values=None) -> str:
        return expr_latex(self.derivation, expr, expr in self.as_built, self.unit.get(expr, ()))

    def number(self, value, precision: int) -> str:
        raise TypeError("the general rules have no numbers")

    def value(self, step, precision: int, latex: bool) -> tuple[str, bool]:
        raise TypeError("the general rules have no values")


def rule_step(rule: Rule, lang: str) -> Step:
    """A rule as a document step: lhs = forms, and the rule specialised for each activation."""
    w = words(lang, "rules")
    named = [(name_words("activation", label, lang), form) for label, form in rule.specialised]
    return Step(rule.id, rule.lhs, rule.forms,
                alternatives=tuple((Text(f"{w['with']} {label}", f"({tex_escape(label)})"), form) for label, form in named))


def rules_document(derivations: list[GeneralDerivation], lang: str = "en", generated: bool = False,
                   title: str = "") -> Document:
    """The general rules: a part per derivation, its network and conventions as notes, the
    definitions, then a section per rule with the check of the rule on a concrete network."""
    w = words(lang, "rules")
    parts = []
    for dv in derivations:
        L = dv.notation.loss_symbol
        notes = [phrase_text(line, L) for line in _header(dv, lang)]
        notes += [phrase_text(msg(lang, "derive.assumed", assumed=w["assumption"], what=w[a])) for a in dv.assumptions]
        notes += [phrase_text(line, L) for line in _notes(dv, lang)]
        bias = bias_note(dv, lang)
        if bias is not None:
            notes.append(phrase_text(bias, L))
        if dv.deeper is not None:
            notes.append(phrase_text(_deep_note(dv, lang), L))
        sections, extra = _sections(dv, lang, generated)
        parts.append(Part(Text(f"{w['general']} — {dv.name}", tex_escape(dv.name)), tuple(sections),
                          RulesMath(dv, extra), notes=tuple(notes), label=dv.name))
    return Document(title or w["general"], tuple(parts), lang, "rules", "general rules")


def _deep_note(dv: GeneralDerivation, lang: str) -> str:
    """What j, k, l and the sums' ranges are in a network with several hidden layers."""
    nota = dv.notation
    acts = ", ".join(name_words("activation", a.name, lang) for a in dv.layer_activations)
    return marked(lang, "derive.deep.layers", _symbol_mark, count=len(dv.layer_activations), acts=acts,
                  up=_symbol_mark(f"{nota.activation_symbol}_p"), xp=_symbol_mark(f"{nota.input_symbol}_p"))


def _sections(dv: GeneralDerivation, lang: str, generated: bool) -> tuple[list[Section], tuple]:
    """The sections of a derivation: the definitions, then a section per rule with its check, and the
    rules of `RulesMath`'s `extra` (none for one hidden layer).

    With several hidden layers (`dv.deeper`): the net of a later hidden layer among the definitions;
    δ_j of the last hidden layer (a sum over the outputs, specialised with that layer's activation) and
    of a hidden layer below another (a sum over the layer above), checked together (the check evaluates
    δ_j on every hidden unit, each with the layer above it); the gradient and update of an
    input-to-hidden weight (checked on every weight into a hidden layer, a note says) and of a
    hidden-to-hidden weight w_jl (its own check, rule_check.check_deeper; with three or more hidden
    layers a note says where its written-out update holds)."""
    w = words(lang, "rules")
    L = dv.notation.loss_symbol
    deeper = dv.deeper
    definitions = [rule_step(r, lang) for r in network_definitions(dv)]
    if deeper is None:
        sections = [Section(Text(w["definitions"]), tuple(definitions))]
    else:
        at = next(n for n, r in enumerate(dv.definitions) if r.id == "hidden") + 1
        definitions.insert(at, rule_step(deeper.net_later, lang))
        later = marked(lang, "derive.deep.net_above", _symbol_mark,
                       up=_symbol_mark(f"{dv.notation.activation_symbol}_p"))
        sections = [Section(Text(w["definitions"]), tuple(definitions), notes=(phrase_text(later, L),))]
    for r in dv.rules:
        line = _check_line(dv, r.id, lang, generated)
        checked = (line,) if line else ()
        if deeper is not None and r.id == "delta_hidden":
            last = dv.layer_activations[-1].name
            last_layer = replace(r, specialised=tuple((a, f) for a, f in r.specialised if a == last))
            together = phrase_text(msg(lang, "derive.deep.together"), L)
            sections.append(Section(phrase_text(msg(lang, "derive.deep.delta_last")), (rule_step(last_layer, lang),),
                                    notes=(together,)))
            sections.append(Section(phrase_text(msg(lang, "derive.deep.delta_inner")),
                                    (rule_step(deeper.delta_inner, lang),), notes=checked))
            continue
        if deeper is not None and r.id in ("grad_hidden_weight", "update_hidden_weight"):
            # the input-to-hidden rule (its check puts the outputs of the layer below in for x_i on every
            # weight into a hidden layer), then the rule of a weight between hidden layers in its own letters
            first, second = ((r, deeper.grad_between) if r.id == "grad_hidden_weight"
                             else (deeper.update_first, deeper.update_between))
            kind = "grad" if r.id == "grad_hidden_weight" else "update"
            below_too = phrase_text(marked(lang, "derive.deep.first_checked", _symbol_mark), L)
            sections.append(Section(phrase_text(msg(lang, f"derive.deep.{kind}_first")),
                                    (rule_step(first, lang),) + tuple(bias_update_steps(dv, first)),
                                    notes=checked + ((below_too,) if checked else ())))
            own = _check_line(dv, second.id, lang, generated)
            notes = ((own,) if own else ()) + ((phrase_text(marked(lang, "derive.deep.update_earlier", _symbol_mark), L),)
                                                if kind == "update" and len(dv.layer_activations) > 2 else ())
            sections.append(Section(phrase_text(msg(lang, f"derive.deep.{kind}_between")),
                                    (rule_step(second, lang),) + tuple(bias_update_steps(dv, second)), notes=notes))
            continue
        steps = (rule_step(r, lang),) + tuple(bias_update_steps(dv, r))
        sections.append(Section(phrase_text(_title(dv, r.id, lang)), steps, notes=checked))
    sections += _shared_sections(dv, lang, generated) + _input_sections(dv, lang, generated)
    return sections, _deeper_units(deeper) + _shared_units(dv) + _input_units(dv)


def _input_sections(dv: GeneralDerivation, lang: str, generated: bool) -> list[Section]:
    """With `input_gradients: true`: the rule ∂J/∂x_i (symbolic_rules.input_gradient_rule), what it means as a
    note, and its check on the network of the file (rule_check.check_input_gradient)."""
    rule = dv.input_gradient
    if rule is None:
        return []
    L = dv.notation.loss_symbol
    key = "derive.input_gradient_note" if dv.hidden_layer else "derive.input_gradient_note_outputs"
    note = phrase_text(marked(lang, key, _symbol_mark), L)
    line = _check_line(dv, rule.id, lang, generated)
    title = msg(lang, "section.inputs")
    return [Section(Text(title, tex_escape(title)), (rule_step(rule, lang),),
                    notes=(note,) + ((line,) if line is not None else ()))]


def _input_units(dv: GeneralDerivation) -> tuple[tuple[Rule, tuple], ...]:
    """The rule ∂J/∂x_i for `RulesMath`, with no unit of its own (it sums over the units x_i feeds)."""
    return ((dv.input_gradient, ()),) if dv.input_gradient is not None else ()


def _shared_sections(dv: GeneralDerivation, lang: str, generated: bool) -> list[Section]:
    """A section per shared (tied) parameter p of the file (symbolic_rules.SharedRules): ∂J/∂p as the
    sum of its edges' gradients, each by the rule of its kind above, then its one update Δp; what that
    means as a note, and the check of both on the network of the file."""
    L = dv.notation.loss_symbol
    out = []
    for sh in dv.shared:
        note = phrase_text(marked(lang, "derive.shared_note", _symbol_mark, p=_symbol_mark(sh.name),
                                  count=len(sh.edges)), L)
        from ..rule_check import shared_check_id
        line = _check_line(dv, shared_check_id(sh.name), lang, generated)
        checks = (line,) if line is not None else ()
        title = f"{msg(lang, 'section.shared')}: {sh.name}"
        steps = (rule_step(sh.grad, lang),) + (() if sh.frozen else (rule_step(sh.update, lang),))
        if sh.frozen:
            note = phrase_text(marked(lang, "derive.shared_note_frozen", _symbol_mark, p=_symbol_mark(sh.name),
                                      count=len(sh.edges)), L)
        out.append(Section(Text(title, tex_escape(title)), steps, notes=(note,) + checks))
    return out


def _shared_units(dv: GeneralDerivation) -> tuple[tuple[Rule, tuple], ...]:
    """The rules of the shared parameters for `RulesMath`, with no unit of their own (they sum several)."""
    return tuple((r, ()) for sh in dv.shared for r in (sh.grad, sh.update))


def _deeper_units(deeper) -> tuple[tuple[Rule, tuple], ...]:
    """Each rule a network with several hidden layers adds, with the unit it is about (`rule_unit`): a
    hidden unit j for δ_j and the input-to-hidden update, the unit pair (l, j) of a weight between hidden
    layers for its gradient and update; the net of a later hidden layer has none. Empty without them."""
    if deeper is None:
        return ()
    hidden = rule_unit("delta_hidden")
    return ((deeper.delta_inner, hidden), (deeper.update_first, hidden),
            (deeper.grad_between, rule_unit(deeper.grad_between.id)),
            (deeper.update_between, rule_unit(deeper.update_between.id)))


def render_markdown(derivations: list[GeneralDerivation], lang: str = "en", generated: bool = False) -> str:
    """The rules as Markdown (a notebook shows a derivation with this)."""
    from .markdown import markdown
    return markdown(rules_document(derivations, lang, generated))


def _printed(derivation: GeneralDerivation, rule: Rule, latex: bool, math: RulesMath | None = None) -> list[str]:
    """lhs, then each form, as printed (the steps' links without their relations)."""
    return [e for _, e in step_links(math or RulesMath(derivation), rule_step(rule, "en"), 0, latex)]


def to_data(dv: GeneralDerivation) -> dict:
    """One derivation as plain data: each rule as LaTeX, text and SymPy srepr (in the symbols the
    text prints, `shown_symbols`)."""
    rules = {}
    for r in dv.rules:
        rules[r.id] = {
            "latex": f"{expr_latex(dv, r.lhs)} = {expr_latex(dv, r.rule, unit=rule_unit(r.id))}",
            "chain_latex": " = ".join(_printed(dv, r, True)),
            "text": f"{expr_text(dv, r.lhs)} = {expr_text(dv, r.rule, unit=rule_unit(r.id))}",
            "srepr": shown_srepr(dv, r.rule),
            "lhs_srepr": shown_srepr(dv, r.lhs),
            "specialised": [{"activation": label, "latex": expr_latex(dv, f, as_built=True),
                             "srepr": shown_srepr(dv, f)} for label, f in r.specialised],
        }
        if r.sample is not None:           # a batch: the rule of one sample n, which the batch rule sums
            one = r.sample
            rules[r.id]["sample"] = {
                "srepr": shown_srepr(dv, one.rule), "lhs_srepr": shown_srepr(dv, one.lhs),
                "specialised": [{"activation": label, "srepr": shown_srepr(dv, f)} for label, f in one.specialised]}
    # bias_input other than 1 (thresholds): the bias weight's update with the bias unit's value put in
    bias = {st.id: {"text": " = ".join(expr_text(dv, e) for e in (st.symbol, *st.forms)),
                    "latex": " = ".join(expr_latex(dv, e) for e in (st.symbol, *st.forms)),
                    "srepr": shown_srepr(dv, st.forms[-1]), "lhs_srepr": shown_srepr(dv, st.symbol)}
            for r in dv.rules for st in bias_update_steps(dv, r)}
    deeper = dv.deeper
    if deeper is not None:
        # a network with several hidden layers: the rules it adds (symbolic_rules.DeeperRules), the six
        # above standing for the last hidden layer (δ_j) and the first (input-to-hidden weights)
        more = {}
        math = RulesMath(dv, _deeper_units(deeper))
        for key, r in (("net_hidden_later", deeper.net_later), ("delta_hidden_below_hidden", deeper.delta_inner),
                       ("grad_hidden_to_hidden_weight", deeper.grad_between),
                       ("update_hidden_to_hidden_weight", deeper.update_between),
                       ("update_input_to_hidden_weight", deeper.update_first)):
            more[key] = {"text": f"{expr_text(dv, r.lhs)} = {expr_text(dv, r.rule)}",
                         "latex": f"{expr_latex(dv, r.lhs)} = {expr_latex(dv, r.rule)}",
                         "srepr": shown_srepr(dv, r.rule),
                         "specialised": [{"activation": label, "latex": expr_latex(dv, f, as_built=True),
                                          "srepr": shown_srepr(dv, f)} for label, f in r.specialised]}
            more[key].update(_deeper_fields(dv, key, r, math))
        rules_more = {"hidden_layers": [a.name for a in dv.layer_activations], "deeper_rules": more,
                      "input_units": list(dv.input_units), "hidden_units": [list(u) for u in dv.hidden_units]}
    else:
        rules_more = {}
    if dv.shared:
        # shared (tied) parameters: ∂J/∂p over the edges and the one update (symbolic_rules.SharedRules)
        math = RulesMath(dv, _shared_units(dv))
        rules_more["shared"] = {
            sh.name: {"edges": [f"w_{a}_{b}" for a, b in sh.edges], "edge_rules": list(sh.edge_rules),
                      **{key: {"text": " = ".join(expr_text(dv, e) for e in (r.lhs, *r.forms)),
                               "chain_latex": " = ".join(_printed(dv, r, True, math)),
                               "lhs_srepr": shown_srepr(dv, r.lhs), "srepr": shown_srepr(dv, r.rule)}
                         for key, r in (("grad", sh.grad),) + (() if sh.frozen else (("update", sh.update),))},
                      "frozen": sh.frozen}
            for sh in dv.shared}
    if dv.input_gradient is not None:
        # input_gradients: true: ∂J/∂x_i (symbolic_rules.input_gradient_rule), its chain and its rule
        r, math = dv.input_gradient, RulesMath(dv, _input_units(dv))
        rules_more["input_gradient"] = {"text": " = ".join(expr_text(dv, e) for e in (r.lhs, *r.forms)),
                                        "chain_latex": " = ".join(_printed(dv, r, True, math)),
                                        "lhs_srepr": shown_srepr(dv, r.lhs), "srepr": shown_srepr(dv, r.rule)}
    return {"name": dv.name, "hidden_activations": list(dv.hidden_activations),
            "output_activation": dv.output_activation, "loss": dv.loss,
            "notation": {"delta": dv.notation.delta, "weight": dv.notation.weight},
            "hidden_layer": dv.hidden_layer, "batch": dv.batch, "samples": dv.samples,
            "assumptions": list(dv.assumptions), "rules": rules,
            "checks": {ch.id: {"compared": ch.compared, "values": ch.distinct, "max_error": ch.max_error, "ok": ch.ok}
                       for ch in dv.checks}, **rules_more,
            **({"bias_input": dv.bias_input, "bias_updates": bias} if dv.bias_input != 1 else {})}


# the check (its id in a derivation's "checks") that puts each rule of a network with several hidden layers
# to the network: δ_j below a hidden layer is checked with δ_j of the last one, an input-to-hidden update
# with the six rules' update_hidden_weight; the net of a later hidden layer is a definition, not checked
_DEEPER_CHECK = {"net_hidden_later": None, "delta_hidden_below_hidden": "delta_hidden",
                 "grad_hidden_to_hidden_weight": "grad_hidden_to_hidden_weight",
                 "update_hidden_to_hidden_weight": "update_hidden_to_hidden_weight",
                 "update_input_to_hidden_weight": "update_hidden_weight"}


def _deeper_fields(dv: GeneralDerivation, key: str, r: Rule, math: RulesMath) -> dict:
    """What the JSON of a rule of a network with several hidden layers has besides its text, LaTeX and
    specialised forms, as the six rules have it: its lhs's srepr and its chain as printed (in the unit
    `RulesMath` gives it), the sample rule of a batch, the check that covers it, and `units`: for each
    index letter of the rule, the units of the checked network it runs over (ids as in the file; the
    bias unit, at 0 in the sums, is not listed): l a unit of a hidden layer above another hidden layer, j
    one of a hidden layer below another (for the input-to-hidden update: of the first hidden layer), i
    an input."""
    layers = [list(u) for u in dv.hidden_units]
    below = [u for layer in layers[:-1] for u in layer]
    above = [u for layer in layers[1:] for u in layer]
    units = {"net_hidden_later": {"l": above},
             "update_input_to_hidden_weight": {"i": list(dv.input_units), "j": layers[0] if layers else []}
             }.get(key, {"j": below, "l": above})
    out = {"lhs_srepr": shown_srepr(dv, r.lhs), "chain_latex": " = ".join(_printed(dv, r, True, math)),
           "check": _DEEPER_CHECK[key], "units": units}
    if r.sample is not None:           # a batch: the rule of one sample n, which the batch rule sums
        one = r.sample
        out["sample"] = {"srepr": shown_srepr(dv, one.rule), "lhs_srepr": shown_srepr(dv, one.lhs),
                         "specialised": [{"activation": label, "srepr": shown_srepr(dv, f)} for label, f in one.specialised]}
    return out


def render_json(derivations: list[GeneralDerivation], source: str | None = None) -> str:
    return json.dumps({"source": source, "derivations": [to_data(d) for d in derivations]},
                      ensure_ascii=False, indent=2) + "\n"
