"""The optimizer's sections of a worked solution (issue 13), as document sections: the rule, the steps shown
in full (g_t, every line of the rule with its numbers, the loss before and after) and a table of every step.
Formatting only: the numbers are the run's (optimize.py)."""
from __future__ import annotations

from ..document import Section, Step, Text
from ..evaluate import DIGITS
from ..messages import msg
from ..notation import Names
from ..printing import format_value, message_number
from .prose import sentence


def _text(plain: str) -> Text:
    return Text(plain)


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
    from ..optimize import observations, worked_lines
    run, tr = psol.run, psol.run.training
    settings = ", ".join(f"{k} = {message_number(float(v), 10)}" for k, v in tr.settings)
    notes = [_text(msg(lang, "optimizer.summary", name=tr.optimizer, form=tr.form, settings=settings,
                       steps=tr.steps, update=tr.update)),
             _text(msg(lang, f"optimizer.form.{tr.form}")),
             _text(msg(lang, "optimizer.theta", loss=psol.part.notation.loss_symbol)),
             _text(msg(lang, "optimizer.precision", digits=DIGITS))]
    for key, fields in observations(run):
        notes.append(_text(msg(lang, key, **{k: (str(v) if isinstance(v, int) else _num(v))
                                             for k, v in fields.items()})))
    rule = tuple(Step("", a.symbol, (a.expr,)) for a in run.rule)
    sections = [Section(sentence(lang, "section.optimizer"), rule, notes=tuple(notes))]
    n = len(run.steps)
    for t in run.shown:
        worked = run.worked[t]
        values = worked.step.values
        if _resolved_shown(psol, t):
            sections += _resolved(worked.solution, t, lang)
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
            step_notes.append(_text(msg(lang, "optimizer.lookahead")))
        if frozen:
            step_notes.append(_text(msg(lang, "optimizer.frozen", params=", ".join(frozen))))
        sections.append(Section(_text(msg(lang, "optimizer.step_title", t=t, n=n, samples=samples)),
                                tuple(steps), notes=tuple(step_notes)))
    sections.append(Section(_text(msg(lang, "optimizer.table_title")), (), notes=tuple(_table(psol, names, precision, lang))))
    return tuple(sections)


# the sections of a re-solved step that show how g_t came about (its update and new weights are SGD's: left out)
_RESOLVED = ("forward", "loss", "output", "hidden", "shared")
_NOT_SHOWN = ("update_w", "new_w", "update_shared", "new_shared")


def _resolved_shown(psol, t: int) -> bool:
    """Whether step t's forward and backward pass are shown: every step but the first, whose are the solution
    above, unless the first uses other samples (per_sample) or another point (the lecture's Nesterov at t = 1
    is at θ_0 too)."""
    run = psol.run
    return t > 1 or (run.training.update == "per_sample" and len(psol.part.samples) > 1)


def _lookahead(run) -> bool:
    from .. import optimizers
    return optimizers.optimizer(run.training.optimizer, run.training.form).grad_at != optimizers.THETA_PREV


def _resolved(solution, t: int, lang: str) -> list[Section]:
    """The forward and backward pass of step t (the part re-solved at the step's grad point, on its samples),
    numbers put in as in the solution above."""
    from .prose import section_title
    out = []
    for sec, steps in solution.sections():
        if sec not in _RESOLVED:
            continue
        shown = tuple(Step(s.id, s.symbol, s.forms, s.leaves if s.forms else None, s.value, s.float_value)
                      for s in steps if s.key.kind not in _NOT_SHOWN)
        if shown:
            out.append(Section(_text(msg(lang, "optimizer.step_section", t=t,
                                         section=section_title(sec, lang).plain)), shown))
    return out


def _key(kind: str):
    from ..quantity import Key
    return Key(kind)


def _table(psol, names: Names, precision: int, lang: str) -> list[Text]:
    """One row a step: t, its samples, the loss before and after, and every parameter after the step."""
    run = psol.run
    heads = [msg(lang, "optimizer.col.step"), msg(lang, "optimizer.col.samples"), msg(lang, "optimizer.col.before"),
             msg(lang, "optimizer.col.after")] + [names.text[psol.step(p.key).symbol] for p in run.params]
    rows = []
    for rs in run.steps:
        rows.append([str(rs.t), ",".join(str(s + 1) for s in rs.samples),
                     format_value(_number(run.value(rs.t, _key("loss"))), precision)[0],
                     format_value(_number(run.value(rs.t, _key("new_loss"))), precision)[0]]
                    + [format_value(_number(run.value(rs.t, p.kind("new"))), precision)[0] for p in run.params])
    widths = [max(len(r[i]) for r in [heads] + rows) for i in range(len(heads))]
    return [_text("  ".join(c.rjust(w) for c, w in zip(r, widths))) for r in [heads] + rows]


def _number(value):
    """A run's value (a float, or a worked step's exact value) as a SymPy number, for format_value."""
    import sympy as sp
    return sp.sympify(value)
