"""The optimizer's sections of a worked solution (issue 13), as document sections: the rule, the steps shown
in full (g_t, every line of the rule with its numbers, the loss before and after) and a table of every step.
Formatting only: the numbers are the run's (optimize.py)."""
from __future__ import annotations

import re

from ..document import Section, Step, Text
from ..evaluate import DIGITS
from ..messages import msg
from ..notation import Names
from ..printing import format_value, message_number
from .prose import sentence


def _text(plain: str) -> Text:
    return Text(plain)


# -- the run's prose with its formulas typeset (Markdown and LaTeX $…$, HTML MathML), as the rest of a solution --
# A formula is a run of mathematical tokens (a Greek letter, a subscript, a number, |…|, √, ², an operator)
# that operators join: `|Δθ| = 0.9998·η`, `m_1 = (1 − β₁)·g_1`; words (and a file's setting names such as
# initial_accumulator_value, per_sample) stay words.
_GREEK_CHARS = "α-ωΑ-Ω∂"
_SPLIT = re.compile(r"([\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]+)")
_OPERATOR = re.compile(r"[=≈+−×·/<>≤≥]")
_MATHY = re.compile(rf"[{_GREEK_CHARS}_=≈√²⁻¹²³⁰-⁹|^·−\u0302\u0303]|^[0-9.]+$|^\(?[A-Za-z]\)?$")
_WORDISH = re.compile(r"(?<![A-Za-z])(?!net_)[A-Za-z]{2,}_|[A-Za-z]{3,}'s|^[A-Za-z]{2,}$")
_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUB = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_LATEX = {"·": r" \cdot ", "−": "-", "≈": r" \approx ", "×": r" \times ", "≤": r" \le ", "≥": r" \ge ",
          "∂": r"\partial "}


def _is_math(token: str, names=()) -> bool:
    core = token.strip("(),;:.")
    if core in names:
        return True
    if not core or core in ("a", "I") or _WORDISH.search(core):
        return False
    if _OPERATOR.fullmatch(core):
        return True
    ascii_word = core.isascii() and core.isalpha() and len(core) > 1
    return bool(_MATHY.search(core)) and not ascii_word


def _formula_latex(plain: str) -> str:
    """A formula of the run's prose in LaTeX: Greek as macros, x̂ as \\hat{x}, β₁ and g² as scripts,
    √(…) as \\sqrt{…}, a name of several letters (sign, lr) upright."""
    from ..greek import LATEX_LETTERS
    greek = {letter: "\\" + name + " " for name, letter in LATEX_LETTERS.items()}
    s = re.sub(r"(.)\u0302", r"\\hat{\1}", plain)
    s = re.sub(r"(.)\u0303", r"\\tilde{\1}", s)             # g̃, η̃ (weight decay, Adagrad's lr_decay)
    s = re.sub(r"√\(([^()]*(?:\([^()]*\)[^()]*)*)\)", r"\\sqrt{\1}", s)
    s = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+", lambda m: "^{" + m.group(0).translate(_SUPER) + "}", s)
    s = re.sub(r"[₀₁₂₃₄₅₆₇₈₉]+", lambda m: "_{" + m.group(0).translate(_SUB) + "}", s)
    s = re.sub(r"(?<![\\A-Za-z])([A-Za-z]{2,})", lambda m: m.group(1) if m.group(1) in ("hat", "sqrt")
               else rf"\mathrm{{{m.group(1)}}}", s)
    return "".join(greek.get(c) or _LATEX.get(c, c) for c in s).strip()


def _prose(plain: str, names=()) -> Text:
    """`plain` (a message of the run, its fields put in) as prose whose formulas are mathematics; `names`:
    words that are symbols here (a setting's name: lr, beta1)."""
    from .prose import Prose, Sym
    parts = _SPLIT.split(plain)              # token, separator, token, …
    kinds = [(i % 2 == 0 and bool(p) and _is_math(p, names)) for i, p in enumerate(parts)]
    raw, pieces, i = [], [], 0

    def joins(j: int) -> bool:               # parts[j] and parts[j + 2] are one formula
        a, b = parts[j], parts[j + 2]
        return (kinds[j + 2] and parts[j + 1] != "" and parts[j + 1].strip() == "" and not a.endswith((",", ";", ":"))
                and not b.startswith("(" + "=") and (bool(_OPERATOR.fullmatch(b)) or bool(_OPERATOR.fullmatch(a))
                                                    or a.endswith(tuple("=≈+−×·/")) or b.startswith(tuple("=≈+−×·/"))))
    while i < len(parts):
        if not kinds[i]:
            raw.append(parts[i])
            i += 1
            continue
        j = i
        while j + 2 < len(parts) and joins(j):
            j += 2
        span = "".join(parts[i:j + 1])
        if i == j and (span.strip("(),;:.").isdigit() or _OPERATOR.fullmatch(span.strip("(),;:."))):
            raw.append(span)                 # a number or an operator alone: words (Step 1, 7 parameters)
            i += 1
            continue
        start, end = 0, len(span)
        while start < end and span[start] == "(" and span[start:end].count("(") > span[start:end].count(")"):
            start += 1
        while start < end and (span[end - 1] in ",;:." or (span[end - 1] == ")" and
                                                             span[start:end].count(")") > span[start:end].count("("))):
            end -= 1
        core = span[start:end]
        raw += [span[:start], f"\ue000{len(pieces)}\ue001", span[end:]]
        pieces.append(Sym(core, _formula_latex(core)))
        i = j + 1
    return Prose("".join(raw), pieces)


def _num(x) -> str:
    return f"{float(x):.4g}"


def run_names(psol, names: Names) -> tuple[Names, dict]:
    """The part's names with every parameter's own optimizer symbols (`m_t(w_{35})` …) and the symbols of the
    re-solved steps shown (one sample of a batch has symbols of its own), and each parameter's substitutions
    (optimize.own_symbols)."""
    from ..optimize import own_symbols
    run = psol.run
    text, latex, subs = dict(names.text), dict(names.latex), {}
    for worked in run.worked.values():
        for sym, t in worked.solution.names.text.items():
            text.setdefault(sym, t)
            latex.setdefault(sym, worked.solution.names.latex[sym])
    for p in run.params:
        sym = psol.step(p.key).symbol
        s, t, l = own_symbols(run, p, names.text[sym], names.latex[sym])
        subs[p.key] = s
        text.update(t)
        latex.update(l)
    return Names(text, latex), subs


def optimizer_sections(psol, names: Names, subs: dict, precision: int, lang: str) -> tuple[Section, ...]:
    """The rule, each step shown in full, and the per-step table."""
    from ..optimize import form_note, observations, worked_lines
    run, tr = psol.run, psol.run.training
    graph = getattr(psol, "graph", False)
    settings = ", ".join(f"{k} = {message_number(float(v), 10)}" for k, v in tr.settings)
    loss = psol.part.notation.loss_symbol
    theta = (_prose(msg(lang, "optimizer.theta_graph", params=", ".join(psol.parameter_names), loss=loss))
             if graph else _prose(msg(lang, "optimizer.theta", loss=loss)))
    notes = [_prose(msg(lang, "optimizer.summary", name=tr.optimizer, form=tr.form, settings=settings,
                        steps=tr.steps, update=tr.update), {k for k, _ in tr.settings}),
             _prose(form_note(tr.optimizer, tr.form, lang, tr.values)), theta]
    if graph:
        notes.append(_prose(msg(lang, "optimizer.graph_gradients", loss=loss)))
    notes.append(_prose(msg(lang, "optimizer.precision", digits=DIGITS)))
    for key, fields in observations(run):
        if graph and key in _GRAPH_NOTES:          # a graph's write-up is read whole: no "G_1 = g_1²" in its notes
            key += "_graph"
        notes.append(_prose(msg(lang, key, **{k: (str(v) if isinstance(v, (int, str)) else _num(v))
                                              for k, v in fields.items()})))
    from ..optimizers import shown_rule
    rule = tuple(Step("", a.symbol, (a.expr,)) for a in shown_rule(tr.optimizer, tr.form, tr.values, str(loss)))
    sections = [Section(sentence(lang, "section.optimizer"), rule, notes=tuple(notes))]
    n = len(run.steps)
    for t in run.shown:
        worked = run.worked[t]
        values = worked.step.values
        if not graph and _resolved_shown(psol, t):
            sections += _resolved(worked.solution, t, lang, _lookahead_note(psol, names, t, precision, lang))
        steps = []
        for p in run.params:
            if p.frozen:
                continue
            for key, sym, rule_, numbers, value in worked_lines(run, t, p, subs[p.key]):
                steps.append(Step(str(key), sym, () if rule_ is None else (rule_,), numbers, value))
        samples = ", ".join(str(s + 1) for s in worked.step.samples)
        before = format_value(values[_key("loss")], precision)[0]
        after = format_value(values[_key("new_loss")], precision)[0]
        frozen = [names.text[psol.step(p.key).symbol] for p in run.params if p.frozen]
        step_notes = [_text(msg(lang, "optimizer.step_loss", before=before, after=after))]
        if _lookahead(run):
            step_notes.append(_prose(msg(lang, "optimizer.lookahead")))
        if frozen:
            step_notes.append(_prose(msg(lang, "optimizer.frozen", params=", ".join(frozen))))
        title = (msg(lang, "optimizer.graph_step_title", t=t, n=n) if graph
                 else msg(lang, "optimizer.step_title", t=t, n=n, samples=samples))
        sections.append(Section(_text(title),
                                tuple(steps), notes=tuple(step_notes)))
    sections.append(Section(_text(msg(lang, "optimizer.table_title")), (), notes=tuple(_table(psol, names, precision, lang))))
    return tuple(sections)


# the notes a graph's run words without an equation that names a state at t = 1 (a graph's write-up is read whole)
_GRAPH_NOTES = ("optimizer.note.about_eta", "optimizer.note.bias_correction")


# the sections of a re-solved step that show how g_t came about (its update and new weights are SGD's: left out)
_RESOLVED = ("forward", "loss", "output", "hidden", "shared")
_NOT_SHOWN = ("update_w", "new_w", "update_shared", "new_shared")


def _resolved_shown(psol, t: int) -> bool:
    """Whether step t's forward and backward pass are shown: every step but the first, whose are the solution
    above (a per_sample run's solution is step 1's, on sample 1; the lecture's Nesterov at t = 1 is at θ_0)."""
    return t > 1


def _lookahead(run) -> bool:
    from .. import optimizers
    return optimizers.optimizer(run.training.optimizer, run.training.form).grad_at != optimizers.THETA_PREV


def _lookahead_note(psol, names: Names, t: int, precision: int, lang: str):
    """The lecture Nesterov's step t: its forward pass is at the look-ahead weights, each named with its numbers
    (`w_{03}: 0.1412 − 0.9×(−0.0412) ≈ 0.1783`); None for every other rule."""
    from ..optimize import lookahead_weights
    parts = []
    for p, theta, gamma, v, point in lookahead_weights(psol.run, t):
        if p.frozen:
            continue
        th, g, vv, pt = (format_value(_number(x), precision)[0] for x in (theta, gamma, v, point))
        vv = f"({vv})" if vv.startswith("-") else vv
        # "w_{03}: …", not "w_{03} = …": a write-up that copies the solution must not read it as w_{03}'s value
        parts.append(f"{names.text[psol.step(p.key).symbol]}: {th} − {g}×{vv} ≈ {pt}".replace("-", "−"))
    if not parts:
        return None
    return _prose(msg(lang, "optimizer.lookahead_weights", t=t, weights=", ".join(parts)))


def _resolved(solution, t: int, lang: str, note=None) -> list[Section]:
    """The forward and backward pass of step t (the part re-solved at the step's grad point, on its samples),
    numbers put in as in the solution above; `note` (the look-ahead weights) before the first."""
    from .prose import section_title
    out = []
    for sec, steps in solution.sections():
        if sec not in _RESOLVED:
            continue
        shown = tuple(Step(s.id, s.symbol, s.forms, s.leaves if s.forms else None, s.value, s.float_value)
                      for s in steps if s.key.kind not in _NOT_SHOWN)
        if shown:
            notes = (note,) if note is not None and not out else ()
            out.append(Section(sentence(lang, "optimizer.step_section", t=t, section=section_title(sec, lang)),
                               shown, notes=notes))
    return out


def _key(kind: str):
    from ..quantity import Key
    return Key(kind)


def _table(psol, names: Names, precision: int, lang: str) -> list[Text]:
    """One row a step: t, its samples, the loss before and after, and every parameter after the step."""
    run = psol.run
    samples = not getattr(psol, "graph", False)          # a graph has one sample: no column for it
    heads = ([msg(lang, "optimizer.col.step")] + [msg(lang, "optimizer.col.samples")] * samples
             + [msg(lang, "optimizer.col.before"), msg(lang, "optimizer.col.after")]
             + [names.text[psol.step(p.key).symbol] for p in run.params])
    rows = []
    for rs in run.steps:
        rows.append([str(rs.t)] + [",".join(str(s + 1) for s in rs.samples)] * samples +
                    [format_value(_number(run.value(rs.t, _key("loss"))), precision)[0],
                     format_value(_number(run.value(rs.t, _key("new_loss"))), precision)[0]]
                    + [format_value(_number(run.value(rs.t, p.kind("new"))), precision)[0] for p in run.params])
    widths = [max(len(r[i]) for r in [heads] + rows) for i in range(len(heads))]
    return [_text("  ".join(c.rjust(w) for c, w in zip(r, widths))) for r in [heads] + rows]


def _number(value):
    """A run's value (a float, or a worked step's exact value) as a SymPy number, for format_value."""
    import sympy as sp
    return sp.sympify(value)


# -- a computation graph's run (graph_optimize.py) ------------------------------------------------------

class _Named:
    def __init__(self, symbol) -> None:
        self.symbol = symbol


class GraphRunView:
    """A graph's solution as `optimizer_sections` reads a part's: its run, the output as the loss's name, each
    parameter entry's symbol (`step(key).symbol`), and its parameters' names."""

    graph = True

    def __init__(self, sol) -> None:
        from types import SimpleNamespace
        self.run = sol.run
        self.part = SimpleNamespace(notation=SimpleNamespace(loss_symbol=sol.problem.output))
        self.parameter_names = list(sol.problem.parameters)
        self._symbols = {p.key: p.symbol for p in sol.run.params}

    def step(self, key) -> _Named:
        return _Named(self._symbols[key])


def graph_optimizer_part(sol, entry_names: tuple[dict, dict], precision: int, lang: str):
    """The optimizer's sections of a graph with a run, as a document part of their own (no heading): the rule,
    the steps shown in full and the per-step table, in the entries' names as the graph's steps write them
    (`entry_names`: text and LaTeX of each entry symbol)."""
    from ..document import Part
    from ..optimize import names_of_symbols, own_symbols
    from .build import SolutionMath
    view = GraphRunView(sol)
    text, latex = names_of_symbols()
    text, latex = dict(text), dict(latex)
    text.update(entry_names[0])
    latex.update(entry_names[1])
    subs = {}
    for p in view.run.params:
        s, t, l = own_symbols(view.run, p, entry_names[0][p.symbol], entry_names[1][p.symbol])
        subs[p.key] = s
        text.update(t)
        latex.update(l)
    names = Names(text, latex)
    return Part(None, optimizer_sections(view, names, subs, precision, lang), SolutionMath(names), precision)
