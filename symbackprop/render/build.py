"""Builders: what `solve`, `derive` and the matrix example computed, as one `Document`.

`document(obj, …)` takes a `Solution`, a list of `GeneralDerivation`s or a `QuadraticSolution`
(or a `Document`, unchanged) and returns the document every format renders. The worked solution's
builder is here; the general rules' is render/rules.py, the matrix example's render/quadratic.py.
"""
from __future__ import annotations

import sys
from functools import partial
from typing import Any, Mapping

from ..document import Document, Math, Part, Section, Step, Text
from ..messages import msg, say
from ..notation import Names
from ..printing import format_value, operands_that_add_up, print_latex, print_text, print_twice
from .prose import Code, formula_sym, indented, name_words, net_sym, note, number_sym, part_heading, section_title, sentence


class SolutionMath(Math):
    """A worked solution's expressions in the names of its problem file. With the part's solution
    (`psol`), each value is formatted once per precision (solution.Step.shown), each sum put in
    order once (PartSolution.term_order), and a rule printed once for its names and its numbers."""

    def __init__(self, names, psol=None) -> None:
        self.names = names
        self.psol = psol
        self.terms = psol.term_order if psol is not None else None
        self._leaves: tuple = (None, None, None)     # the last step's shown leaves: (step, precision, leaves)

    def text(self, expr: Any, values: Mapping | None = None) -> str:
        return print_text(expr, self.names.text, values, terms=self.terms)

    def latex(self, expr: Any, values: Mapping | None = None) -> str:
        return print_latex(expr, self.names.latex, values, terms=self.terms)

    def number(self, value: Any, precision: int) -> str:
        return format_value(value, precision)[0]

    def value(self, step: Step, precision: int, latex: bool) -> tuple[str, bool]:
        if step.source is not None:
            return step.source.shown(precision)
        return format_value(step.value, precision, step.float_value)

    def substituted(self, step: Step, precision: int, latex: bool) -> tuple[str, str]:
        """The last form in names and with the numbers put in, printed once (printing.print_twice)."""
        names = self.names.latex if latex else self.names.text
        if hasattr(step.source, "shown_numbers"):          # an optimizer step's line (render/optimizer.ShownLine)
            shown = step.source.shown_numbers(step.numbers, precision)
        elif self.psol is not None and step.source is not None:
            last, at, shown = self._leaves        # the JSON prints a step in text, then in LaTeX
            if last is not step.source or at != precision:
                source = step.source
                shown = operands_that_add_up(step.forms[-1], source.shown(precision)[0], precision,
                                             lambda p: self.psol.shown_leaves(source, p), self.terms)
                self._leaves = (step.source, precision, shown)
        else:
            numbers = step.numbers
            shown = {s: self.number(v, precision) for s, v in numbers.items()}
            if step.value is not None:
                shown = operands_that_add_up(step.forms[-1], self.value(step, precision, latex)[0], precision,
                                             lambda p: {s: self.number(v, p) for s, v in numbers.items()},
                                             self.terms)
        return print_twice(step.forms[-1], names, shown, latex, self.terms)


def _picture(part, precision: int, lang: str = "en") -> str:
    """The TikZ picture of the network (imported only by standalone LaTeX, which alone draws it)."""
    from .picture import picture
    return picture(part, precision, lang)


def solution_step(step) -> Step:
    """A `solution.Step` as a document step: its own symbol, forms, numbers and value."""
    return Step(str(step.id), step.symbol, step.forms, step.leaves if step.forms else None, step.value,
                step.float_value, source=step)


_KINK_NAMES = {"gradcheck.kink_at": ("activation", "activation"), "gradcheck.kink_loss": ("loss", "loss")}


def _kink(kink: str, lang: str) -> "str | Text":
    """Where a gradient check met a kink, in `lang`, the activation or loss named in words (leaky ReLU)."""
    field, kind_ = _KINK_NAMES.get(getattr(kink, "key", None) or "", (None, None))
    if field is None or field not in kink.fields:
        return say(kink, lang)
    fields = {k: say(v, lang) for k, v in kink.fields.items()}      # the loss's kink note in `lang` too
    if fields.get("formula"):          # an unnamed formula: named by its formula, |x|
        return sentence(lang, kink.key, **{**fields, field: formula_sym(fields["formula"], kind_)})
    return msg(lang, kink.key, **{**fields, field: name_words(kind_, fields[field], lang)})


def _kink_text(kink: str, lang: str) -> Text:
    """Where a gradient check met a kink, as prose: the unit's net input and its value typeset
    (`net_4 = 0`), the activation named in words; a loss's kink as words (`_kink`); several kinks
    (`joined`) each so."""
    if getattr(kink, "key", None) == "joined" and {"first", "rest"} <= set(kink.fields):
        return sentence(lang, "joined", first=_kink_text(kink.fields["first"], lang),
                        rest=_kink_text(kink.fields["rest"], lang))
    if getattr(kink, "key", None) == "gradcheck.kink_at" and {"net", "value", "activation"} <= set(kink.fields):
        f = kink.fields
        act = formula_sym(f["formula"]) if f.get("formula") else name_words("activation", f["activation"], lang)
        return sentence(lang, "gradcheck.kink_at", net=net_sym(f["net"]), value=number_sym(f["value"]), activation=act)
    return _kink(kink, lang)


def check_texts(report, lang: str = "en") -> list[Text]:
    """The three-way gradient check of one part (`solve --check`) as prose: its numbers, h and the
    net inputs at a kink typeset as the steps are (3.7 × 10⁻⁴², h = 10⁻⁶), a gradient's id as code.
    The plain text is `check_lines`'."""
    n = len(report.gradients)
    verdict = msg(lang, "gradcheck.agree" if report.ok else "gradcheck.disagree")
    lines = [sentence(lang, "gradcheck.summary_one" if n == 1 else "gradcheck.summary", n=n, verdict=verdict),
             indented(sentence(lang, "gradcheck.direct", diff=number_sym(f"{report.max_direct:.1e}"))),
             indented(sentence(lang, "gradcheck.finite", h=number_sym(f"{report.step:g}"),
                               diff=number_sym(f"{report.max_fd:.1e}")))]
    for g in report.kinks:
        lines.append(indented(sentence(lang, "gradcheck.kink", id=Code(g.id), kink=_kink_text(g.kink, lang),
                                       chain=number_sym(f"{g.chain:.6g}"), direct=number_sym(f"{g.direct:.6g}"),
                                       fd=number_sym(f"{g.finite_difference:.6g}"))))
    return lines


def check_lines(report, lang: str = "en") -> list[str]:
    """The three-way gradient check of one part (`solve --check`), for people, as plain text."""
    return [t.plain for t in check_texts(report, lang)]


def tied_names(psol) -> tuple[Names, frozenset]:
    """The names a worked solution is printed in, and the symbols of its tied edges: each edge of a
    shared parameter (`shared: {b1: [w_b_h1, w_b_h2]}`) is written by the parameter's name, as the books
    write net_h1 = w1·i1 + w2·i2 + b1·1, so that its value is given once (as b1). The solution's own
    names (answers, JSON) keep each edge's name, and its gradient and update steps keep theirs."""
    tied = {edge: name for name, edges in psol.part.shared for edge in edges}
    if not tied:
        return psol.shown_names, frozenset()
    given = [s for s in psol.steps if s.section == "given"]
    param = {s.key.unit: s.symbol for s in given if s.key.kind == "shared"}
    edges = {s.symbol: param[tied[(s.key.source, s.key.unit)]] for s in given
             if s.key.kind == "w" and (s.key.source, s.key.unit) in tied and tied[(s.key.source, s.key.unit)] in param}
    text, latex = dict(psol.shown_names.text), dict(psol.shown_names.latex)
    for sym, p in edges.items():
        text[sym], latex[sym] = psol.names.text[p], psol.names.latex[p]
    return Names(text, latex), frozenset(edges)


def solution_document(solution, precision: int | None = None, lang: str = "en", checks=None) -> Document:
    """A worked solution: a part per problem part, its conventions as notes, a section per stage of
    the lecture (given, forward, loss, output, hidden, updated) and, with `checks`, the gradient check.
    A tied edge is written by its shared parameter's name and not given again (`tied_names`)."""
    parts = []
    for pi, psol in enumerate(solution.parts):
        p = psol.part.shown_precision if precision is None else precision
        names, tied = tied_names(psol)
        notes = tuple(note(psol, n, lang, names) for n in psol.conventions)
        sections = tuple(Section(section_title(sec, lang), tuple(solution_step(s) for s in steps
                                                                 if s.symbol not in tied or sec != "given"),
                                 inline=sec == "given")
                         for sec, steps in psol.sections())
        if psol.part.init is not None:          # the weights drawn (`init:`): how, before the given values
            from .initialisation import init_section
            sections = (init_section(psol.part, lang, p),) + sections
        if psol.run is not None:
            from .optimizer import optimizer_sections, run_names
            names, subs = run_names(psol, names)
            sections += optimizer_sections(psol, names, subs, p, lang)
        closing = tuple(check_texts(checks[pi], lang)) if checks is not None else ()
        parts.append(Part(part_heading(psol, lang, p), sections, SolutionMath(names, psol),
                          p, notes, closing, partial(_picture, psol.part, p, lang), psol.name))
    return Document(solution.title, tuple(parts), lang, "solution", "worked solution")


def _instance(obj: Any, module: str, name: str) -> bool:
    """isinstance without importing `module` (a module not loaded yet made no object)."""
    mod = sys.modules.get(f"symbackprop.{module}")
    return mod is not None and isinstance(obj, getattr(mod, name))


def kind(obj: Any) -> str:
    """What `obj` is: document, solution, rules (GeneralDerivations), quadratic or graph; else a TypeError."""
    if isinstance(obj, Document):
        return "document"
    if _instance(obj, "solution", "Solution"):
        return "solution"
    if _instance(obj, "quadratic", "QuadraticSolution"):
        return "quadratic"
    if _instance(obj, "graph", "GraphSolution"):
        return "graph"
    if _instance(obj, "graph_check", "GraphDerivation"):
        return "graph_rules"
    if _instance(obj, "render.training", "TrainReport"):
        return "training"
    items = obj if isinstance(obj, (list, tuple)) else [obj]
    if items and all(_instance(d, "symbolic_rules", "GeneralDerivation") for d in items):
        return "rules"
    raise TypeError(f"nothing to render from a {type(obj).__name__}")


def document(obj: Any, precision: int | None = None, lang: str = "en", checks=None, generated: bool = False,
             title: str = "", **_) -> Document:
    """The document of `obj` (see the module docstring); settings a kind has no use for are ignored."""
    what = kind(obj)
    if what == "document":
        return obj
    if what == "solution":
        return solution_document(obj, precision, lang, checks)
    if what == "quadratic":
        from .quadratic import quadratic_document
        return quadratic_document(obj, lang, precision)
    if what == "graph":
        from .graph import graph_document
        return graph_document(obj, lang, precision, checks)
    if what == "training":
        from .training import training_document
        return training_document(obj, lang)
    if what == "graph_rules":
        from .graph import derivation_document
        return derivation_document(obj, lang, precision)
    from .rules import rules_document
    return rules_document(list(obj) if isinstance(obj, (list, tuple)) else [obj], lang, generated, title)
