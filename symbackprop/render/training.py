"""A training run (`symbackprop train`, issue 14) as a `Document` for every format, and as JSON.

Per part: the settings in words, the per-epoch table (at most about 50 rows in text, Markdown, HTML and
LaTeX: the first epochs, every k-th, every epoch where the rate decayed or patience ran out, the epoch kept
and the last; JSON has every epoch), the final weights and, with early stopping, the epoch kept and its
weights. Formatting only: the numbers are training.train's.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

from ..document import Document, Figure, Part, Section, Table, Text
from ..messages import msg
from ..training import finite_or_none

MAX_ROWS = 50                # rows of the epoch table without --every
FIRST = 5                    # the first epochs, always shown
EPOCH_CHUNK = {"en": 28, "zh": 22}   # rows of the epoch table's LaTeX tabulars: two fill an A4 page (zh's rows are taller)
_NICE = (1, 2, 5)


@dataclass(frozen=True)
class TrainReport:
    """What `train` ran: the problem's title and file, one training.TrainRun per part, and the `every` of
    --every (None: chosen so that the table has at most about MAX_ROWS rows)."""

    title: str
    source: str
    runs: tuple
    every: int | None = None
    headings: bool = False       # a heading per part even for one run (one part trained of several)
    plots: tuple = ()            # per run, the PNG of its loss curves (--plot) as Markdown links it, or None
    worked: object = None        # `--worked`: the recorded update as an optimize.Run (training.worked_run), else None


class _NoMath:
    """A training document has no steps: nothing is printed as mathematics by its Math."""

    def text(self, expr, values=None) -> str:
        return str(expr)

    def latex(self, expr, values=None) -> str:
        return str(expr)

    def number(self, value, precision: int) -> str:
        return str(value)

    def value(self, step, precision: int, latex: bool):
        return str(step.value), True

    def substituted(self, step, precision: int, latex: bool):
        return str(step.forms[-1]), str(step.forms[-1])


def weight_id(edge) -> str:
    """A weight's id, as every JSON of the tool writes it: w_<from>_<to>."""
    return f"w_{edge[0]}_{edge[1]}"


def every_for(n: int) -> int:
    """The k of "every k-th epoch" that keeps a table of `n` epochs near MAX_ROWS rows: 1, 2, 5, 10, 20, 50 …"""
    if n <= MAX_ROWS:
        return 1
    scale = 1
    while True:
        for m in _NICE:
            if n / (m * scale) <= MAX_ROWS - FIRST - 5:
                return m * scale
        scale *= 10


def shown_epochs(run, every: int) -> list[int]:
    """The epochs of the table: the first FIRST, every `every`-th, every one marked decayed or stopped, the
    one kept, and the last."""
    rows = run.epochs
    last = rows[-1].epoch if rows else 0
    return [r.epoch for r in rows if r.epoch <= FIRST or r.epoch % every == 0 or r.epoch == last
            or r.epoch == run.kept_epoch or {"decayed", "stopped"} & set(r.marks)]


def _float(x: float | None, digits: int = 6) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.{digits}g}"


def _percent(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.4g}%"


def _number(x) -> str:
    return f"{float(x):.6g}"


def _one(key: str, n: int) -> str:
    """The message of `key` for a count `n`: its singular twin `key_one` for 1 (1 epoch, 1 sample)."""
    return key + "_one" if n == 1 else key


def _settings_notes(run, lang: str) -> list[Text]:
    from ..problem import Training
    from ..training import Decay
    part, s = run.part, run.settings
    tr = part.training or Training(settings=(("lr", part.learning_rate),))
    values = ", ".join(f"{k} = {_number(v)}" for k, v in tr.settings) or "—"
    n = len(part.samples)
    size = s.batch_size or n
    per_epoch = -(-n // size)
    out = [msg(lang, "train.note.optimizer", name=tr.optimizer, form=tr.form, settings=values),
           msg(lang, ("train.note.one_epoch" if s.epochs == 1 else "train.note.epochs")
               + ("_one" if per_epoch == 1 else ""), epochs=s.epochs, batch=size, n=n, updates=per_epoch),
           msg(lang, "train.note.shuffle", seed=s.seed) if s.shuffle else msg(lang, "train.note.no_shuffle"),
           msg(lang, _one("train.note.dev", len(s.dev)), n=len(s.dev)) if s.dev else msg(lang, "train.note.no_dev")]
    if part.dropout:                        # training with dropout (training.py): the masks and test-time measuring
        from ..training import mask_seed
        for d in part.dropout:
            out.append(msg(lang, "train.note.dropout", layer=d.layer, p=_number(d.p),
                           scaling=msg(lang, f"train.note.dropout_{d.scaling}")))
        out.append(msg(lang, "train.note.dropout_masks", seed=mask_seed(part, s)))
        out.append(msg(lang, "train.note.dropout_test" if s.dev else "train.note.dropout_test_no_dev"))
    e = s.early_stopping
    if e is not None:
        out.append(msg(lang, _one("train.note.early", e.patience), metric=msg(lang, f"train.metric.{e.metric}"),
                       patience=e.patience, min_delta=_number(e.min_delta)))
    d: Decay | None = s.decay
    if d is not None and d.kind == "step":
        out.append(msg(lang, _one("train.note.step_decay", d.every), factor=_number(d.factor), every=d.every))
    elif d is not None:
        out.append(msg(lang, _one("train.note.plateau_decay", d.patience), factor=_number(d.factor), patience=d.patience,
                       metric=msg(lang, f"train.metric.{d.metric}"), min_delta=_number(d.min_delta),
                       min_lr=_number(d.min_lr)))
    return [Text(t) for t in out]


def _table(run, every: int, lang: str) -> tuple[Table, Text]:
    rows = run.epochs
    accuracy = any(r.accuracy is not None for r in rows)
    dev = bool(run.settings.dev)
    dev_accuracy = dev and any(r.dev_accuracy is not None for r in rows)
    rate = any(not math.isnan(r.lr) for r in rows)
    head = [Text(msg(lang, "train.col.epoch")), Text(msg(lang, "train.col.loss"))]
    if accuracy:
        head.append(Text(msg(lang, "train.col.accuracy")))
    if dev:
        head.append(Text(msg(lang, "train.col.dev_loss")))
    if dev_accuracy:
        head.append(Text(msg(lang, "train.col.dev_accuracy")))
    if rate:
        head.append(Text("η", latex=r"$\eta$"))
    chosen = set(shown_epochs(run, every))
    marked = any(_marks(run, r, lang) for r in rows if r.epoch in chosen)
    if marked:
        head.append(Text(msg(lang, "train.col.mark")))
    body = []
    for r in rows:
        if r.epoch not in chosen:
            continue
        cells = [str(r.epoch), _float(r.loss)]
        if accuracy:
            cells.append(_percent(r.accuracy))
        if dev:
            cells.append(_float(r.dev_loss))
        if dev_accuracy:
            cells.append(_percent(r.dev_accuracy))
        if rate:
            cells.append(_float(r.lr))
        if marked:
            cells.append(msg(lang, "train.mark_sep").join(_marks(run, r, lang)))
        body.append(tuple(cells))
    if every == 1 and len(chosen) == len(rows):
        said = msg(lang, "train.rows_all" if accuracy else "train.rows_all_loss", n=len(rows))
    elif rows and every > rows[-1].epoch:       # no k-th epoch in the run: not "one every k epochs"
        said = msg(lang, "train.rows_some_none", shown=len(body), n=len(rows), first=FIRST, every=every)
    else:
        said = msg(lang, "train.rows_some", shown=len(body), n=len(rows), first=FIRST, every=every)
    from .latex import tex_escape
    # LaTeX/PDF: tabulars of EPOCH_CHUNK rows, two to an A4 page (latex.TABLE_ROWS' 40 left half of each empty)
    table = Table(tuple(head), tuple(body), chunk=EPOCH_CHUNK.get(lang, 22))
    return table, Text(said, latex=tex_escape(said).replace("--", "-{}-"))   # not an en dash


def _marks(run, row, lang: str) -> list[str]:
    """A row's marks in words; "best" on the epoch kept only (every improvement is a best so far)."""
    return [msg(lang, f"train.mark.{m}") for m in row.marks if m != "best" or row.epoch == run.kept_epoch]


def _initial(run) -> dict | None:
    """The starting weights by edge when the file draws them (`init:`), else None (the file gives them)."""
    if run.part.init is None:
        return None
    return {(w.source, w.target): float(w.value) for w in run.part.weights}


def _weight_cell(part, edge) -> Text:
    """A weight's cell: its id in plain text (as the JSON's), its name as solve prints it (w_{03}, the file's
    own name) in LaTeX, Markdown and HTML."""
    from types import SimpleNamespace
    from ..notation import weight_name
    from .prose import Prose, Sym
    model = SimpleNamespace(part=part, weights={(w.source, w.target): w for w in part.weights})
    return Prose("\ue0000\ue001", [Sym(weight_id(edge), weight_name(model, edge[0], edge[1], latex=True))])


def _weights_table(run, lang: str) -> Table:
    head = [Text(msg(lang, "train.col.weight")), Text(msg(lang, "train.col.final"))]
    if run.kept is not None:
        head.append(Text(msg(lang, "train.col.kept", epoch=run.kept_epoch)))
    initial = _initial(run)
    if initial is not None:
        head.insert(1, Text(msg(lang, "train.col.initial")))
    body = []
    for edge, value in run.final.items():
        cells = [_weight_cell(run.part, edge), _float(value, 8)]
        if initial is not None:
            cells.insert(1, _float(initial[edge], 8))
        if run.kept is not None:
            cells.append(_float(run.kept[edge], 8))
        body.append(tuple(cells))
    return Table(tuple(head), tuple(body))


def _outcome(run, lang: str) -> list[Text]:
    rows = run.epochs
    last = rows[-1]
    out = []
    if run.diverged_epoch is not None:
        out.append(msg(lang, "train.diverged", epoch=run.diverged_epoch, epochs=run.settings.epochs))
    elif run.stopped_epoch is not None:
        # the epochs in a row without improvement: since the last best (patience 0 stops after one such epoch)
        waited = (run.stopped_epoch - run.kept_epoch if run.kept_epoch is not None
                  else max(run.settings.early_stopping.patience, 1))
        out.append(msg(lang, "train.stopped_one" if waited == 1 else "train.stopped", epoch=run.stopped_epoch,
                       epochs=run.settings.epochs, patience=waited))
    else:
        key = "train.ran_all" if last.epoch != 1 else _one("train.ran_all_one", run.updates)   # 1 epoch, 1 update
        out.append(msg(lang, key, epochs=last.epoch, updates=run.updates))
    final = msg(lang, "train.final", epoch=last.epoch, loss=_float(last.loss))
    if last.accuracy is not None:
        final += msg(lang, "train.final_accuracy", accuracy=_percent(last.accuracy))
    out.append(final)
    if run.kept_epoch is not None:
        kept = run.epochs[run.kept_epoch - 1]
        metric = run.settings.early_stopping.metric
        value = _float(kept.dev_loss) if metric == "loss" else _percent(kept.dev_accuracy)
        out.append(msg(lang, "train.kept", epoch=run.kept_epoch, metric=msg(lang, f"train.metric.{metric}"),
                       value=value))
    elif run.settings.early_stopping is not None:
        out.append(msg(lang, "train.kept_none"))
    return [Text(t) for t in out]


def _figure(run, png: str | None, lang: str) -> Figure:
    """The loss curves: a pgfplots figure in LaTeX and PDF (render/plot.py); in Markdown the PNG --plot wrote."""
    from .plot import pgfplots
    image = None
    if png is not None:
        from urllib.parse import quote
        image = f"![{msg(lang, 'plot.image_alt')}]({quote(png)})"
    return Figure(latex=lambda: pgfplots(run, lang), markdown=image)


def training_document(report: TrainReport, lang: str = "en") -> Document:
    """The report as a Document (module docstring)."""
    parts = []
    for n, run in enumerate(report.runs):
        every = report.every or every_for(len(run.epochs))
        table, said = _table(run, every, lang)
        drawn = ()
        if run.part.init is not None:           # the weights drawn (`init:`): how, each layer's v, as solve says
            from .initialisation import init_section
            drawn = (init_section(run.part, lang, run.part.precision),)
        sections = (Section(Text(msg(lang, "train.section.settings")), (), notes=tuple(_settings_notes(run, lang))),
                    *drawn,
                    Section(Text(msg(lang, "train.section.epochs")), (), notes=(said,), table=table,
                            figure=_figure(run, report.plots[n] if n < len(report.plots) else None, lang)),
                    Section(Text(msg(lang, "train.section.weights")), (), notes=tuple(_outcome(run, lang)),
                            table=_weights_table(run, lang)))
        heading = Text(msg(lang, "solution.part", name=run.part.name)) if len(report.runs) > 1 or report.headings else None
        parts.append(Part(heading, sections, _NoMath(), run.part.precision, label=run.part.name))
    if report.worked is not None:            # `--worked E:S`: the update worked in full, after the run
        from ..worked_update import NotWorked
        from .worked_step import not_worked_part, worked_part
        run = next(r for r in report.runs if r.worked is not None)
        parts.append(not_worked_part(report.worked, lang, run.part.shown_precision, run.part.name)
                     if isinstance(report.worked, NotWorked) else
                     worked_part(run, report.worked, lang, run.part.shown_precision))
    return Document(msg(lang, "train.title", title=report.title), tuple(parts), lang=lang, kind="training",
                    description="training run")


def to_data(report: TrainReport) -> dict:
    """The run as JSON data (docs/training.md): every epoch's row with its floats, the weights by id."""
    from ..problem import Training
    parts = []
    for run in report.runs:
        part, s = run.part, run.settings
        tr = part.training or Training(settings=(("lr", part.learning_rate),))
        e, d = s.early_stopping, s.decay
        settings = {"optimizer": tr.optimizer, "form": tr.form,
                    "optimizer_settings": {k: float(v) for k, v in tr.settings},
                    "epochs": s.epochs, "batch_size": s.batch_size or len(part.samples), "shuffle": s.shuffle,
                    "seed": s.seed, "train_samples": len(part.samples), "dev_samples": len(s.dev),
                    "early_stopping": None if e is None else {"metric": e.metric, "patience": e.patience,
                                                              "min_delta": e.min_delta},
                    "decay": None if d is None else (
                        {"kind": "step", "factor": float(d.factor), "every": d.every} if d.kind == "step" else
                        {"kind": "plateau", "factor": float(d.factor), "patience": d.patience, "metric": d.metric,
                         "min_delta": d.min_delta, "min_lr": float(d.min_lr)})}
        epochs = [{"epoch": r.epoch, "loss": finite_or_none(r.loss), "accuracy": finite_or_none(r.accuracy),
                   "dev_loss": finite_or_none(r.dev_loss), "dev_accuracy": finite_or_none(r.dev_accuracy), "lr": finite_or_none(r.lr),
                   "marks": list(r.marks)} for r in run.epochs]
        if part.init is not None:               # the weights drawn: the init settings, as solve's JSON has them
            from .json import _init_settings
            settings["init"] = _init_settings(part)
        if part.dropout:                        # training with dropout: the layers, the masks' seed, test-time J
            from ..training import mask_seed
            settings["dropout"] = {"layers": [{"layer": d.layer, "p": float(d.p), "scaling": d.scaling}
                                              for d in part.dropout],
                                   "mask_seed": mask_seed(part, s), "measured": "test_time"}
        initial = _initial(run)
        parts.append({"name": part.name, "settings": settings, "epochs": epochs, "updates": run.updates,
                      "stopped_epoch": run.stopped_epoch, "kept_epoch": run.kept_epoch,
                      "diverged_epoch": run.diverged_epoch,
                      "initial_weights": None if initial is None else {weight_id(k): v for k, v in initial.items()},
                      "final_weights": {weight_id(k): finite_or_none(v) for k, v in run.final.items()},
                      "kept_weights": None if run.kept is None else {weight_id(k): finite_or_none(v)
                                                                     for k, v in run.kept.items()}})
        if report.worked is not None and run.worked is not None:      # `--worked E:S`: that update, as solve's
            from ..worked_update import NotWorked
            from .worked_step import not_worked_data, worked_data
            parts[-1]["worked"] = (not_worked_data(report.worked) if isinstance(report.worked, NotWorked) else
                                   worked_data(run, report.worked, part.shown_precision))
    return {"title": report.title, "source": report.source, "parts": parts}


def render_json(report: TrainReport) -> str:
    return json.dumps(to_data(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
