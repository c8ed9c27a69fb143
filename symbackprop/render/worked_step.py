"""`train --worked EPOCH:STEP` (issue 14): one update of a training run worked in full, as a document part and as
JSON, the way `solve` prints a step of its optimizer run (render/optimizer.py, render/json.py): the update's
batch at the run's weights θ_{t−1} (the given values, the forward pass, the loss, every δ and ∂J/∂w of the part
re-solved on those samples), the optimizer's rule, and its lines at step t from the run's state. Formatting only:
the numbers are training.worked_run's (optimize.exact_step).
"""
from __future__ import annotations


import sympy as sp

from ..document import Part, Section, Step, Text
from ..messages import msg, say
from ..printing import format_value
from ..worked_update import AGREE_RELATIVE, NotWorked, agreement


def _samples_words(samples, lang: str) -> str:
    """"sample 3", "samples 3 and 1", "samples 3, 1 and 2": 1-based, in the run's order."""
    shown = [str(n + 1) for n in samples]
    if len(shown) == 1:
        return msg(lang, "train.worked.sample_one", n=shown[0])
    return msg(lang, "train.worked.samples", most=", ".join(shown[:-1]), last=shown[-1])


def _number(x) -> str:
    return format_value(sp.sympify(x), 10)[0]


def worked_notes(train_run, wrun, lang: str) -> list[str]:
    """What the update is (its epoch, number, samples), where its weights, η and state come from, and how the
    run's own float step agrees, as sentences in `lang` (plain text: the prose typesets their formulas)."""
    from ..optimize import names_of_symbols
    from .. import optimizers
    from ..training import updates_per_epoch
    rec, part = train_run.worked, train_run.part
    per_epoch = updates_per_epoch(part, train_run.settings)
    loss = str(part.notation.loss_symbol)
    everything = sorted(rec.samples) == list(range(len(part.samples))) and len(rec.samples) > 1
    key = ("train.worked.which_all" if everything else "train.worked.which" if len(rec.samples) > 1
           else "train.worked.which_one")
    if not train_run.settings.shuffle and not everything:   # nothing shuffled: the batch is in the file's order
        key += "_file"
    out = [msg(lang, key, update=rec.update,
               per_epoch=per_epoch, epoch=rec.epoch, t=rec.t, samples=_samples_words(rec.samples, lang), loss=loss,
               reduction=msg(lang, f"train.worked.reduction.{part.batch_reduction}"))]
    if len(rec.samples) > 1:
        pairs = [msg(lang, "train.worked.order_pair", n=n, k=k + 1) for n, k in enumerate(rec.samples, 1)]
        out.append(msg(lang, "train.worked.order", pairs=msg(lang, "optimizer.state_sep").join(pairs)))
    tr = wrun.training
    lr = tr.values.get("lr")
    base = (part.training.values.get("lr") if part.training is not None else part.learning_rate)
    if lr is None:
        out.append(msg(lang, "train.worked.no_lr", before=rec.t - 1))
    elif rec.t == 1:
        out.append(msg(lang, "train.worked.weights_first", lr=_number(lr), epoch=rec.epoch))
    elif base is not None and lr != base:
        out.append(msg(lang, "train.worked.weights_decayed", before=rec.t - 1, lr=_number(lr), epoch=rec.epoch,
                       base=_number(base)))
    else:
        out.append(msg(lang, "train.worked.weights", before=rec.t - 1, lr=_number(lr), epoch=rec.epoch))
    row = optimizers.optimizer(tr.optimizer, tr.form)
    if row.state and rec.t > 1:
        text, _ = names_of_symbols()
        out.append(msg(lang, "train.worked.state", states=", ".join(text[s.previous] for s in row.state),
                       before=rec.t - 1))
    diff = agreement(train_run, wrun)
    out.append(msg(lang, "train.worked.agrees", diff=f"{diff:.1e}") if diff else msg(lang, "train.worked.agrees_exactly"))
    clamped = _clamped_loss(train_run, wrun)
    if clamped is not None:
        out.append(msg(lang, "train.worked.clamped", loss=loss, run=f"{clamped[0]:.10g}", exact=f"{clamped[1]:.10g}"))
    return out


def _clamped_loss(train_run, wrun):
    """(the run's J of the batch before the update, the worked step's exact J) where they differ (more than
    AGREE_RELATIVE of the larger): the run clamped a log of the loss at −100 ("A saturated output"); else None."""
    import math
    from ..evaluate import to_float
    from .optimizer import _key
    rec = train_run.worked
    run = rec.loss
    exact = to_float(sp.sympify(wrun.worked[rec.t].step.values[_key("loss")]))
    if not (math.isfinite(run) and math.isfinite(exact)) or abs(run - exact) <= AGREE_RELATIVE * max(abs(run), abs(exact)):
        return None
    return run, exact


def _solution(wrun):
    """The worked step's solution (the part re-solved at the step's grad point on its samples) with the run."""
    from dataclasses import replace
    from ..optimize import names
    from ..notation import Names
    worked = wrun.worked[wrun.shown[0]]
    psol = worked.solution
    text, latex = names(psol.part.notation, wrun)
    return replace(psol, run=wrun, run_names=Names(text, latex))


def worked_part(train_run, wrun, lang: str, precision: int) -> Part:
    """The update as a document part: its notes, the given values, the forward and backward pass of its batch
    (render/optimizer._resolved, as `solve` prints a step shown in full), the optimizer's rule and its lines at
    step t (run_chains, step_lines), the loss before and after."""
    from ..optimizers import shown_rule
    from .build import SolutionMath, section_title, solution_step, tied_names
    from .optimizer import (_fixed_gradients, _lookahead, _lookahead_note, _prose, _resolved, run_chains, run_names,
                            step_lines)
    from .prose import note, sentence
    rec = train_run.worked
    t = rec.t
    psol = _solution(wrun)
    names, tied = tied_names(psol)
    names, subs = run_names(psol, names)
    chains = run_chains(wrun, subs)
    tr = wrun.training
    given = [s for sec, steps in psol.sections() if sec == "given" for s in steps if s.symbol not in tied]
    sections = [Section(section_title("given", lang), tuple(solution_step(s) for s in given), inline=True,
                        ragged=True)]           # the run's weights in 16 digits: a long line (t24 item 6)
    lookahead = _lookahead_note(psol, names, t, precision, lang, chains, subs)
    sections += _resolved(psol, t, lang, names, lookahead, _fixed_gradients(wrun, chains, subs, t, precision))
    loss = psol.part.notation.loss_symbol
    rule = tuple(Step("", a.symbol, (a.expr,)) for a in shown_rule(tr.optimizer, tr.form, tr.values, str(loss)))
    settings = ", ".join(f"{k} = {_number(v)}" for k, v in tr.settings)
    sections.append(Section(sentence(lang, "section.optimizer"), rule,
                            notes=(_prose(msg(lang, "train.note.optimizer", name=tr.optimizer, form=tr.form,
                                              settings=settings or "—"), {k for k, _ in tr.settings}),)))
    values = wrun.worked[t].step.values
    from .optimizer import _key, _number as run_number, step_figures
    before, after = (format_value(run_number(values[_key(k)]), step_figures(values[_key(k)], precision))[0]
                     for k in ("loss", "new_loss"))
    step_notes = [Text(msg(lang, "optimizer.step_loss", before=before, after=after))]
    if _lookahead(wrun):
        step_notes.append(_prose(msg(lang, "optimizer.lookahead")))
    frozen = [names.text[psol.step(p.key).symbol] for p in wrun.params if p.frozen]
    if frozen:
        step_notes.append(_prose(msg(lang, "optimizer.frozen", params=", ".join(frozen))))
    samples = ", ".join(str(s + 1) for s in rec.samples)
    title = msg(lang, "optimizer.step_title" if len(rec.samples) > 1 else "optimizer.step_title_one",
                t=t, n=train_run.updates, samples=samples)
    sections.append(Section(Text(title), tuple(step_lines(wrun, chains, t)), notes=tuple(step_notes)))
    notes = tuple(_prose(n) for n in worked_notes(train_run, wrun, lang))
    notes += tuple(note(psol, _in_worked_step(n), lang, names) for n in psol.conventions)
    heading = Text(msg(lang, "train.worked.heading", epoch=rec.epoch, update=rec.update))
    return Part(heading, tuple(sections), SolutionMath(names, psol), precision, notes,
                label=f"{train_run.part.name} {rec.epoch}:{rec.update}")


def _in_worked_step(n):
    """A convention as a worked step says it: the dropout test-time note points to no test-time section (a worked
    step has none) but says that the run measures its epochs that way."""
    from dataclasses import replace
    return replace(n, data={**n.data, "worked": True}) if n.kind == "dropout_test" else n


def worked_data(train_run, wrun, precision: int) -> dict:
    """The update as JSON: its epoch, number in the epoch and in the run, samples (1-based, the run's order), the
    largest difference from the run's float step, and, as `solve --format json` writes a run (render/json.run_data),
    `optimizer` (name, form, settings that epoch, rule) and `steps`: this one step, every quantity by solve's ids
    (w_0_3, grad_w_0_3, m_w_0_3, new_w_0_3, loss, new_loss, net_3, delta_5 …) with value, exact, display, text, latex."""
    from .json import run_data
    rec = train_run.worked
    data = run_data(_solution(wrun), precision)
    return {"epoch": rec.epoch, "update": rec.update, "t": rec.t, "samples": [n + 1 for n in rec.samples],
            "agreement": agreement(train_run, wrun), **data}


def not_worked_part(nw: NotWorked, lang: str, precision: int, name: str) -> Part:
    """The section "Worked step: epoch E, update S" as one note: why the update is not worked."""
    from .optimizer import _prose
    from .training import _NoMath
    heading = Text(msg(lang, "train.worked.heading", epoch=nw.epoch, update=nw.update))
    # as prose: its formulas (^(n), u_5^(1)) typeset, the sample's superscript raised whole (t24 item 2)
    return Part(heading, (), _NoMath(), precision, (_prose(say(nw.why, lang)),), label=f"{name} {nw.epoch}:{nw.update}")


def not_worked_data(nw: NotWorked) -> dict:
    """The JSON `worked` object of an update not worked: its epoch, numbers, samples and `not_worked` (why)."""
    return {"epoch": nw.epoch, "update": nw.update, "t": nw.t, "samples": [n + 1 for n in nw.samples],
            "not_worked": str(nw.why)}
