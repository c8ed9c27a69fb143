"""The `symbackprop` command: thin click commands over the library, and its one error boundary.

A `SymbackpropError` (bad problem file, bad option) becomes one line on stderr and exit status 2;
exit status 1 means "checked and found wrong"; 0 is success; 3 is an internal error (a bug of
ours, reported as such with its traceback, or in one line when it is one we can name, such as a
LaTeX reader that cannot start on this Python); 130 and 143 mean stopped by Ctrl-C and SIGTERM.
Heavy modules (SymPy) are imported
inside the commands so that `--help` and `--version` stay instant.
"""
from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import click

from . import __version__
from .errors import InternalError, SymbackpropError
from . import messages
from .messages import msg, os_reason, said, say, text_of
from .usage import ENV_LANG, Choice, FloatRange, Group, IntRange, PathType



class InputError(click.ClickException):
    """A user's mistake: printed as one line, exit status 2, with Click's "Error: " said in `lang`."""

    exit_code = 2

    def __init__(self, message: str, lang: str = "en") -> None:
        super().__init__(say(message, lang))      # a catalogue message is said in `lang`
        self.lang = lang

    def show(self, file=None) -> None:
        if self.lang == messages.REFERENCE:
            return super().show(file)
        click.echo(msg(self.lang, "usage.error", message=self.format_message()), file=file, err=file is None)


class StepsChoice(Choice):
    """`--steps all`; a number (`--steps 3`) is said to be `--step 3` (one step), `--steps all` every step."""

    @staticmethod
    def _count(value) -> bool:
        return isinstance(value, str) and value.strip().isdigit()

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as exc:
            if self._count(value):
                exc.message = str(self.why_not(value))
            raise

    def why_not(self, value):
        if self._count(value):
            return said("usage.steps_count", value=repr(value), k=value.strip())
        return super().why_not(value)


class LanguageChoice(Choice):
    """`--lang`: the languages that have a catalogue file (messages/), read when the option is used, so
    that adding a language is adding its catalogue file and nothing here."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:            # type: ignore[override]
        return messages.languages()

    @choices.setter
    def choices(self, value) -> None:                # click's __init__ sets it; the folder decides
        pass

    def convert(self, value, param, ctx):
        """A language that is none, named by SYMBACKPROP_LANG rather than on the command line, is said
        to come from there (the command line has no --lang to correct)."""
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as exc:
            from click.core import ParameterSource
            if ctx is not None and param is not None and param.name is not None \
                    and ctx.get_parameter_source(param.name) == ParameterSource.ENVIRONMENT:
                exc.said = said("usage.lang_from_env", env=ENV_LANG, value=repr(value),    # type: ignore[attr-defined]
                                choices=", ".join(map(repr, self.choices)))
                exc.message = str(exc.said)           # type: ignore[attr-defined]
            raise


# A file or folder argument or option: completed by the shell as a path (`symbackprop solve prob<TAB>`).
# Only an empty path ('') is refused here (usage.PathType): whether it exists and is a file or a folder,
# the commands say in their own one-line errors.
_FILE = PathType()

INTERNAL_ERROR = 3                     # a bug of ours, never the user's fault


class Terminated(BaseException):
    """SIGTERM arrived: unwind (closing worker processes on the way) and exit 128 + 15."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


def _stop_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into an exception, so that `finally` blocks stop the worker processes."""
    import signal
    try:
        signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:                 # pragma: no cover - not the main thread (embedding)
        pass


@contextmanager
def _boundary(after: str = "", lang: str = "en") -> Iterator[None]:
    """The one error boundary of a command's work: a user's mistake is one line and exit 2, SIGTERM
    and Ctrl-C stop quietly (143, 130), an InternalError is one line and exit 3, anything else is a bug
    of ours (exit 3, with the traceback). Its lines are said in `lang` (`after` is said in it already)."""
    _stop_cleanly_on_sigterm()
    try:
        yield
    except InternalError as exc:                 # first: a PDF that did not compile is a TexError too
        click.echo(msg(lang, "cli.internal_error_named", error=say(text_of(exc), lang)) + after, err=True)
        sys.exit(INTERNAL_ERROR)
    except SymbackpropError as exc:
        raise InputError(text_of(exc), lang) from None
    except click.ClickException:
        raise
    except Terminated:
        click.echo(msg(lang, "cli.terminated") + after, err=True)
        sys.exit(143)
    except KeyboardInterrupt:
        click.echo(msg(lang, "cli.interrupted") + after, err=True)
        sys.exit(130)
    except Exception as exc:                     # noqa: BLE001 - the error boundary for our own bugs
        _internal_error(exc, after, lang)


def _write(text: str | bytes | Iterable[str | bytes], output: str, lang: str = "en") -> None:
    """Write to stdout, or atomically to a file (an interrupted run leaves the old file intact).
    `text` may come in pieces (render.stream), each written as it comes."""
    pieces = [text] if isinstance(text, (str, bytes)) else text
    if output == "-":
        for piece in pieces:
            click.echo(piece, nl=False)
        return
    target = Path(output)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.")
        with os.fdopen(fd, "wb") as fh:
            for piece in pieces:
                fh.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)        # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, target)
    except (OSError, ValueError) as exc:
        _remove(tmp)
        why = os_reason(exc)
        raise InputError(said("output.cannot_write_file", path=output, why=why), lang) from None
    except BaseException:                    # the pieces' maker stopped (an error said, an exit): no file
        _remove(tmp)
        raise


def _remove(tmp: str | None) -> None:
    if tmp is not None:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _guarded(pieces: Iterable[str | bytes], lang: str) -> Iterator[str | bytes]:
    """`pieces`, each made inside the error boundary (a renderer's error is said as it would be
    without pieces) and written outside it (a closed pipe is the writer's, as before)."""
    it = iter(pieces)
    while True:
        with _boundary(lang=lang):
            piece = next(it, None)
        if piece is None:
            return
        yield piece


def _outputs_safe(outputs: Sequence[tuple[str, str]], inputs: Sequence[tuple[str, str | None]],
                  folders: Sequence[tuple[str, str]] = (), output_dirs: Sequence[tuple[str, str | None]] = (),
                  lang: str = "en") -> None:
    """Before any work: refuse outputs that would replace an input or another output, land in an input
    folder, or cannot be written (one line, exit 2)."""
    from .outpaths import check_outputs
    try:
        check_outputs(outputs, [(k, v) for k, v in inputs if v], folders, [(k, v) for k, v in output_dirs if v])
    except SymbackpropError as exc:
        raise InputError(text_of(exc), lang) from None


def _internal_error(exc: BaseException, after: str = "", lang: str = "en") -> None:
    """A bug of ours, never the user's fault: say so in one line, give the traceback for a bug
    report, exit 3 (distinct from 1, "checked and found wrong", and 2, bad input)."""
    import traceback
    click.echo("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip(), err=True)
    click.echo(msg(lang, "cli.internal_error_bug", error=f"{type(exc).__name__}: {exc}") + after, err=True)
    sys.exit(INTERNAL_ERROR)


# check's report formats by the suffix of -o
REPORT_SUFFIXES = {".txt": "text", ".json": "json", ".md": "markdown", ".html": "html"}


def _report_format(output: str, lang: str = "en") -> str:
    """check's report format from the suffix of -o (text for stdout); a suffix it cannot write is refused."""
    return _by_suffix(output, REPORT_SUFFIXES, "report", ", gradescope", lang)


def _by_suffix(output: str, suffixes: dict[str, str], what: str = "output", more: str = "", lang: str = "en") -> str:
    """The format of `output` by its suffix; text for stdout or no suffix; an unknown suffix is refused."""
    suffix = Path(output).suffix.lower() if output != "-" else ""
    if suffix in suffixes:
        return suffixes[suffix]
    if suffix:
        raise InputError(said(f"usage.suffix_{what}", path=output, suffix=repr(suffix),
                              formats=", ".join(suffixes.values()) + more, suffixes=", ".join(suffixes)), lang)
    return "text"


def _document_output(fmt: str | None, output: str, lang: str, standalone: bool | None) -> tuple[str, bool]:
    """(format, standalone) of a command that writes a document (solve, train, derive): the format from --format or
    -o's suffix, a PDF only to a file, LaTeX standalone by default when written to a file."""
    fmt = _format_for(fmt, output, lang)
    if fmt == "pdf" and output == "-":
        raise InputError(said("usage.pdf_needs_file"), lang)
    return fmt, (output != "-") if standalone is None else standalone


def _format_for(fmt: str | None, output: str, lang: str = "en") -> str:
    from .render import SUFFIXES
    return fmt or _by_suffix(output, SUFFIXES, lang=lang)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="symbackprop")
def main() -> None:
    """Derive, solve and check backpropagation exercises.

    \b
    Examples:
      symbackprop solve problems/xor.yaml
      symbackprop solve problems/xor.yaml --part sigmoid --precision 6
      symbackprop solve problems/xor.yaml --format json -o xor.json
      symbackprop solve problems/xor.yaml --check
      symbackprop solve problems/xor.yaml -o xor.pdf --lang zh
      symbackprop solve problems/xor.yaml --format latex --fragment > xor-steps.tex
      symbackprop derive problems/xor_appendix.yaml
      symbackprop derive problems/quadratic.yaml
      symbackprop train problems/xor_train.yaml
      symbackprop list
    """
    from .messages import one_line_warnings
    one_line_warnings()


def _shown_precision(precision: int | None, sig_figs: int | None, lang: str) -> int | None:
    """The precision numbers are shown at: --precision N (decimal places), --sig-figs N (a SigFigs),
    or None for the file's own; both at once is a usage error (exit 2)."""
    if precision is not None and sig_figs is not None:
        raise InputError(said("usage.precision_and_sig_figs"), lang)
    if sig_figs is None:
        return precision
    from .printing import SigFigs
    return SigFigs(sig_figs)


@main.command()
@click.argument("problem", metavar="PROBLEM_FILE", type=_FILE)
@click.option("--part", "parts", multiple=True, metavar="NAME",
              help="Solve only this part (repeat for several). Default: every part.")
@click.option("--format", "fmt", type=Choice(["text", "json", "latex", "markdown", "pdf", "html"]), default=None,
              help="Output format. Default: from the -o suffix (.txt, .json, .tex, .md, .pdf, .html), else text.")
@click.option("--precision", type=IntRange(0, 15), default=None, metavar="N",
              help="Decimal places of computed values shown (default: the file's `precision`, else 4); "
                   "the file's given values are shown as written. JSON values always keep full float64 precision.")
@click.option("--sig-figs", "sig_figs", type=IntRange(1, 15), default=None, metavar="N",
              help="Significant figures shown instead of decimal places (0.4910, 0.001235, 123.5; "
                   "default: the file's `sig_figs`). Not together with --precision.")
@click.option("--lang", type=LanguageChoice(), default="en", show_default=True, envvar=ENV_LANG,
              help="Language of the labels and prose (zh: Chinese with the English terms).")
@click.option("--standalone/--fragment", default=None,
              help="LaTeX: a complete document with a picture of the network (default for -o .tex), or a "
                   "fragment to \\input into your own document, using only amsmath/amssymb (default on stdout).")
@click.option("-o", "--output", default="-", metavar="FILE", type=_FILE,
              help="Write here instead of stdout ('-').")
@click.option("--check", is_flag=True,
              help="Also verify every gradient three ways: chain rule, direct sympy.diff of the "
                   "substituted loss, and central finite differences. Exit 1 if they disagree.")
@click.option("--step", "step", type=IntRange(1, 1000), multiple=True, metavar="K",
              help="A file with an optimizer and several steps: show step K in full (repeatable); "
                   "default step 1. The other steps are a table of loss and parameters.")
@click.option("--steps", "all_steps", type=StepsChoice(["all"]), default=None,
              help="`--steps all`: show every optimizer step in full.")
def solve(problem: str, parts: tuple[str, ...], fmt: str | None, precision: int | None, sig_figs: int | None, lang: str,
          standalone: bool | None, output: str, check: bool, step: tuple[int, ...] = (),
          all_steps: str | None = None) -> None:
    """Solve PROBLEM_FILE: forward pass, loss, every δ, gradient, Δw and updated weight, each as
    rule = numbers substituted = value, in the notation of the file."""
    precision = _shown_precision(precision, sig_figs, lang)
    fmt, standalone = _document_output(fmt, output, lang, standalone)
    _outputs_safe([("-o", output)], [("PROBLEM_FILE", problem)], lang=lang)
    with _boundary(lang=lang):
        from .render import stream
        from .solution import solve as solve_problem
        from .yamlfile import load_yaml
        doc = load_yaml(problem)
        if _is_graph(doc):
            shown = "all" if all_steps else (tuple(step) or None)
            ok = _solve_graph(doc, problem, parts, fmt, precision, lang, standalone, output, check, shown)
            if not ok:
                sys.exit(1)
            return
        from .problem import problem_from_document
        shown = "all" if all_steps else (tuple(step) or None)
        solution = solve_problem(problem_from_document(doc), list(parts) or None, check=check, steps=shown)
        reports = None
        if check:
            from .gradcheck import check_part
            reports = [check_part(p) for p in solution.parts]
        pieces = stream(solution, fmt, precision=precision, checks=reports, lang=lang, standalone=standalone,
                        output=output)
    _write(_guarded(pieces, lang), output, lang)    # text and JSON: written as they are made
    if reports is not None and not all(r.ok for r in reports):
        sys.exit(1)


def _is_graph(doc) -> bool:
    from .graph import is_graph
    return is_graph(doc)


def _graph_parts(parts: "tuple[str, ...] | list[str]", problem: str) -> None:
    """`--part main` on a graph selects everything; any other name is refused (graph.check_graph_parts)."""
    from .graph import check_graph_parts
    check_graph_parts(parts, problem)


def _solve_graph(doc, problem: str, parts, fmt: str, precision, lang: str, standalone: bool, output: str,
                 check: bool, shown=None) -> bool:
    """`solve` of a computation graph (model: graph, or model: quadratic read as its graph): write the
    worked solution, with its optimizer run when the file has one (`shown`: --step / --steps all); False
    when --check found a disagreement."""
    from .graph import read_graph, solve_graph
    from .render import render
    _graph_parts(parts, problem)
    graph = read_graph(doc)
    if shown is not None and graph.training is None:     # never ignored: this graph has no optimizer run
        raise InputError(said("graph.step_unsupported"), lang)
    solution = solve_graph(graph)
    if graph.training is not None:
        from .graph_optimize import with_graph_run
        solution = with_graph_run(solution, shown)
    report = None
    if check:
        from .graph_check import check_graph
        report = check_graph(solution)
    _write(render(solution, fmt, precision=precision, checks=report, lang=lang, standalone=standalone,
                  output=output), output)
    return report is None or report.ok


@main.command()
@click.argument("problem", metavar="PROBLEM_FILE", type=_FILE)
@click.option("--part", "parts", multiple=True, metavar="NAME",
              help="Train only this part (repeat for several). Default: every part with train:.")
@click.option("--format", "fmt", type=Choice(["text", "json", "latex", "markdown", "pdf", "html"]), default=None,
              help="Output format. Default: from the -o suffix (.txt, .json, .tex, .md, .pdf, .html), else text.")
@click.option("--lang", type=LanguageChoice(), default="en", show_default=True, envvar=ENV_LANG,
              help="Language of the labels and prose (zh: Chinese with the English terms).")
@click.option("--standalone/--fragment", default=None,
              help="LaTeX: a complete document (default for -o .tex), or a fragment to \\input (default on stdout).")
@click.option("--every", type=IntRange(1, 100000), default=None, metavar="K",
              help="The epoch table shows every K-th epoch (and the first, the marked and the last). "
                   "Default: at most about 50 rows. JSON always has every epoch.")
@click.option("--worked", default=None, metavar="EPOCH:STEP",
              help="Also show update STEP of epoch EPOCH (STEP counts that epoch's batches from 1) worked in full, "
                   "as solve shows an optimizer step: its batch at the run's weights, then the optimizer's update.")
@click.option("-o", "--output", default="-", metavar="FILE", type=_FILE,
              help="Write here instead of stdout ('-').")
@click.option("--plot", default=None, metavar="FILE.png", type=_FILE,
              help="Also draw the loss curves as a PNG (needs matplotlib: pip install 'symbackprop[plot]'); "
                   "several trained parts: one PNG each, FILE-PART.png.")
def train(problem: str, parts: tuple[str, ...], fmt: str | None, lang: str, standalone: bool | None,
          every: int | None, output: str, plot: str | None = None, worked: str | None = None) -> None:
    """Train the network of PROBLEM_FILE as its train: field says (epochs, batch size, shuffling, a dev set,
    early stopping, learning-rate decay; docs/training.md): the settings, a table of the epochs, the final
    weights and those early stopping kept."""
    fmt, standalone = _document_output(fmt, output, lang, standalone)
    _plot_usable(plot, lang)
    with _boundary(lang=lang):
        from . import worked_update
        chosen_step = worked_update.parse(worked) if worked is not None else None
    _outputs_safe([("-o", output)] + ([("--plot", plot)] if plot else []), [("PROBLEM_FILE", problem)], lang=lang)
    with _boundary(lang=lang):
        from .problem import problem_from_document
        from .render import render
        from .render.training import TrainReport
        from .training import train as run_training
        from .yamlfile import load_yaml
        doc = load_yaml(problem)
        if _is_graph(doc):                      # a graph with train: gets solve's own error (graph.py)
            from .graph import read_graph
            read_graph(doc)
            raise doc.error(("model",), said("train.graph", model=doc.data["model"]))
        prob = problem_from_document(doc, command="train")    # no symbolic budget: the run's own (budget.py)
        trained = [p.name for p in prob.parts if p.train is not None]
        chosen = [prob.part(name) for name in parts] if parts else list(prob.parts)
        untrained = [p.name for p in chosen if p.train is None]
        if parts and untrained and trained:     # --part NAME of a part without train: while another has one
            raise InputError(said("train.part_no_train", path=problem, parts=", ".join(untrained),
                                  trained=", ".join(trained)), lang)
        chosen = [p for p in chosen if p.train is not None]
        if not chosen:
            raise InputError(said("train.no_train", path=problem), lang)
        at = worked_update.update_of(chosen_step, chosen, problem) if chosen_step is not None else None
        runs = []
        for p in chosen:
            epochs = p.train.epochs
            if sys.stderr.isatty() and epochs * max(len(p.samples), 1) >= 2000:
                with click.progressbar(length=epochs, label=msg(lang, "train.progress") + f" {p.name}",
                                       file=sys.stderr) as bar:
                    runs.append(run_training(p, p.train, progress=lambda e: bar.update(1),
                                             source=prob.source, worked=at))
            else:
                runs.append(run_training(p, p.train, source=prob.source, worked=at))
        shown = worked_update.worked(runs[0], chosen_step, problem, prob.source) if chosen_step is not None else None
        pngs = _plot_paths(plot, runs, output, problem, lang)
        report = TrainReport(prob.title, prob.source, tuple(runs), every, headings=len(prob.parts) > 1,
                             plots=tuple(link for _, link in pngs), worked=shown)
        text = render(report, fmt, lang=lang, standalone=standalone, output=output)
    _write(text, output, lang)
    _write_plots(pngs, runs, prob.title, lang)
    if isinstance(shown, worked_update.NotWorked) and output != "-":     # said in the output; on stderr too when that is a file
        click.echo(say(shown.why, lang), err=True)
    if any(r.diverged_epoch is not None for r in runs):     # the output says where; checked and found wrong: 1
        sys.exit(1)


def _plot_usable(plot: str | None, lang: str) -> None:
    """--plot: a .png name, and matplotlib installed (one line each, exit 2), before anything is trained."""
    if plot is None:
        return
    if Path(plot).suffix.lower() != ".png":
        raise InputError(said("plot.suffix", path=plot), lang)
    with _boundary(lang=lang):
        from .render.plot import require
        require()


def _plot_paths(plot: str | None, runs, output: str, problem: str, lang: str) -> list[tuple[str, str]]:
    """The PNGs --plot writes, one per run: FILE.png for one run, FILE-PART.png each for several; with each, the
    path a Markdown output links it by (relative to the output's folder). Checked as outputs (`_outputs_safe`)."""
    if plot is None:
        return []
    target = Path(plot)
    paths = [plot] if len(runs) == 1 else [str(target.with_name(f"{target.stem}-{r.part.name}{target.suffix}"))
                                           for r in runs]
    _outputs_safe([("-o", output)] + [("--plot", p) for p in paths], [("PROBLEM_FILE", problem)], lang=lang)
    out = []
    for p in paths:
        link = Path(p)
        if output != "-":
            try:
                link = Path(os.path.relpath(os.path.abspath(p), os.path.dirname(os.path.abspath(output))))
            except ValueError:                  # Windows: another drive
                link = Path(os.path.abspath(p))
        out.append((p, link.as_posix()))
    return out


def _write_plots(pngs: list[tuple[str, str]], runs, title: str, lang: str) -> None:
    """Draw and write each run's PNG (render/plot.py), and say on stderr which files were written; a warning when
    the machine has no font for the Chinese labels (then in English)."""
    if not pngs:
        return
    english = False
    for (path, _), run in zip(pngs, runs):
        with _boundary(lang=lang):
            from .render.plot import loss_png
            data, used = loss_png(run, lang, title, run.part.name if len(runs) > 1 else None)
        english = english or used != lang
        _write(data, path, lang)
    if english:
        click.echo(msg(lang, "plot.no_cjk_font"), err=True)
    for (path, _), run in zip(pngs, runs):
        click.echo(msg(lang, "plot.written_part", part=run.part.name, path=path) if len(runs) > 1
                   else msg(lang, "plot.written", path=path), err=True)


@main.command()
@click.argument("problem", metavar="PROBLEM_FILE", type=_FILE)
@click.argument("answers", metavar="ANSWERS", type=_FILE)
@click.option("--part", default=None, metavar="NAME",
              help="Check the answers of this part only (e.g. a write-up of the sigmoid part).")
@click.option("--format", "fmt", type=Choice(list(REPORT_SUFFIXES.values()) + ["gradescope"]), default=None,
              help="Report format (gradescope: Gradescope's results.json). Default: from the -o suffix, else text.")
@click.option("--require-all", is_flag=True, help="Items left out make the check fail (exit 1).")
@click.option("--rubric", default=None, metavar="FILE", type=_FILE,
              help="Points, tolerance and partial credit (YAML, like the problem file's `grading:`).")
@click.option("--relative", type=FloatRange(0, 0.5), default=None, metavar="X",
              help="Relative tolerance for numbers. Default: the problem's, else none: a decimal is judged "
                   "by the places it shows (see docs/checking.md).")
@click.option("--absolute", type=FloatRange(0), default=None, metavar="X",
              help="Absolute tolerance near zero (default: half a unit in the last decimal place asked for).")
@click.option("--show-given", is_flag=True,
              help="Also list the values the problem gives (η, the weights) that the answers copy; by default "
                   "the table leaves them out and only says when one was written otherwise.")
@click.option("--lang", type=LanguageChoice(), default="en", show_default=True, envvar=ENV_LANG,
              help="Language of the report (JSON: its messages; ids, statuses and codes stay as they are).")
@click.option("-o", "--output", default="-", metavar="FILE", type=_FILE,
              help="Write the report here instead of stdout.")
def check(problem: str, answers: str, part: str | None, fmt: str | None, require_all: bool, rubric: str | None,
          relative: float | None, absolute: float | None, show_given: bool, lang: str, output: str) -> None:
    """Check a student's ANSWERS (a YAML/JSON answers file, or a .tex/.md write-up) against
    PROBLEM_FILE: every item with its verdict and, when wrong, a diagnosis; a score.

    Exit status 0 when every answered item earned its full points (an answer in the other δ
    convention credited in full does), 1 when some answered item lost points or an entry was not
    read, 2 for unreadable input, 3 for an internal error (a bug in symbackprop).

    \b
    Examples:
      symbackprop check problems/xor.yaml answers.yaml
      symbackprop check problems/xor.yaml solution.md --part sigmoid
      symbackprop check problems/xor.yaml answers.yaml --format json -o report.json"""
    fmt = fmt or _report_format(output, lang)
    _outputs_safe([("-o", output)], [("PROBLEM_FILE", problem), ("ANSWERS", answers), ("--rubric", rubric)], lang=lang)
    with _boundary(lang=lang):
        from .answers import check_submission
        from .render import report as report_render
        from .yamlfile import load_yaml
        doc = load_yaml(problem)
        if _is_graph(doc):
            _graph_parts([part] if part else [], problem)
            from .answers import load_rubric
            from .answers.graph_answers import check_graph_answers
            from .graph import read_graph, solve_graph
            from .rubric import Rubric
            from .answers.graph_answers import graph_ids
            sol = solve_graph(read_graph(doc))
            reports, problems = check_graph_answers(sol, answers, load_rubric(rubric, Rubric(), relative, absolute,
                                                                              lambda: graph_ids(sol)))
        else:
            from .problem import problem_from_document
            reports, problems = check_submission(problem_from_document(doc), answers, part, rubric, relative,
                                                 absolute)
        if fmt == "gradescope":
            from .grade import StudentResult, gradescope_json
            text = gradescope_json(StudentResult(Path(answers).stem, answers, reports, None, problems), lang)
        else:
            render = {"text": report_render.render_text, "json": report_render.render_json,
                      "markdown": report_render.render_markdown, "html": report_render.render_html}[fmt]
            text = render(reports, answers, problems, show_given=show_given, lang=lang)
    _write(text, output, lang)
    # 1 when some answered item lost points (whatever its status says: the other δ convention credited in
    # full loses none), an entry was not read, or, with --require-all, an item was left out
    failed = problems or not all(r.full_marks for r in reports) or (require_all and any(r.missing for r in reports))
    if failed:
        sys.exit(1)


@main.command()
@click.argument("problem", metavar="PROBLEM_FILE", type=_FILE)
@click.argument("folder", metavar="SUBMISSIONS_DIR", type=_FILE)
@click.option("-o", "--output", default="gradebook.csv", show_default=True, metavar="FILE", type=_FILE,
              help="The CSV gradebook: a row per student, a column per item, the total.")
@click.option("--summary", default=None, metavar="FILE", type=_FILE,
              help="Also write the per-item summary (Markdown) here; it is printed either way (as plain text).")
@click.option("--gradescope", "gradescope_dir", default=None, metavar="DIR", type=_FILE,
              help="Also write each student's Gradescope results.json as DIR/<student>.json.")
@click.option("--feedback", "feedback_dir", default=None, metavar="DIR", type=_FILE,
              help="Also write each student's report to hand back, as DIR/<student>.md and DIR/<student>.html "
                   "(a name no OS accepts as a file is made safe and tagged).")
@click.option("--show-given", is_flag=True,
              help="Feedback files also list the values the problem gives (η, the weights) that students copy.")
@click.option("--part", default=None, metavar="NAME", help="Grade this part only.")
@click.option("--rubric", default=None, metavar="FILE", type=_FILE,
              help="Points, tolerance and partial credit (YAML).")
@click.option("--relative", type=FloatRange(0, 0.5), default=None, metavar="X", help="Relative tolerance.")
@click.option("--absolute", type=FloatRange(0), default=None, metavar="X", help="Absolute tolerance near zero.")
@click.option("--jobs", type=IntRange(1, 64), default=None, metavar="N",
              help="Processes to grade with (default: one per core).")
@click.option("--lang", type=LanguageChoice(), default="en", show_default=True, envvar=ENV_LANG,
              help="Language of the summary, the feedback files and Gradescope's text (the CSV's columns are ids).")
def grade(problem: str, folder: str, output: str, summary: str | None, gradescope_dir: str | None,
          feedback_dir: str | None, show_given: bool, part: str | None, rubric: str | None,
          relative: float | None, absolute: float | None, jobs: int | None, lang: str = "en") -> None:
    """Grade every submission in SUBMISSIONS_DIR (answers files or write-ups, or one per sub-folder;
    the student is the file or folder name) against PROBLEM_FILE: a CSV gradebook, a summary of the
    commonest wrong answers and diagnoses per item, and optionally Gradescope results.

    Every entry of the folder gets a row: graded, not graded with the reason (a link out of the folder,
    two entries for one student, an unreadable file, …), or skipped (a hidden file, another kind of
    file). Outputs that would replace an input or land in SUBMISSIONS_DIR are refused before grading.

    Exit status 0 when the gradebook is written (whatever the marks), 2 for unreadable input, an output
    that cannot be written, or a class of which no submission could be graded (nothing is written), 3
    when grading a submission met an internal error (a bug in symbackprop: the gradebook is written, the
    tracebacks beside it in a .log file).

    \b
    Examples:
      symbackprop grade problems/xor.yaml submissions/ -o gradebook.csv
      symbackprop grade problems/xor.yaml submissions/ --summary summary.md --gradescope results/
      symbackprop grade problems/xor.yaml submissions/ --feedback feedback/"""
    inputs = [("PROBLEM_FILE", problem), ("--rubric", rubric)]
    outputs = [("-o", output)] + ([("--summary", summary)] if summary else [])
    if os.path.isdir(folder):
        from .outpaths import inside
        for label, path in inputs:
            if path and inside(path, folder):
                raise InputError(said("usage.input_in_class_folder", label=label, path=path, folder=folder), lang)
    _outputs_safe(outputs, inputs, [("SUBMISSIONS_DIR", folder)] if os.path.isdir(folder) else [],
                  [("--gradescope", gradescope_dir), ("--feedback", feedback_dir)], lang=lang)
    try:
        from .answers import load_rubric
        from .classfolder import scan_class
        from .grade import (class_results, grade_all, gradebook_csv, gradescope_json, internal_error_log,
                            summary_markdown, summary_text)
        from .outpaths import check_distinct, check_not_folders, student_file
        from .problem import problem_from_document
        from .yamlfile import load_yaml
        doc = load_yaml(problem)
        if _is_graph(doc):                      # a computation graph: one part, its own items (graph_answers.py)
            from .graph import read_graph
            from .rubric import Rubric
            _graph_parts([part] if part is not None else [], problem)
            part = None                         # "main", the graph's one part: every item
            prob = read_graph(doc)

            def known():
                from .answers.graph_answers import graph_ids
                from .graph import solve_graph
                return graph_ids(solve_graph(prob))
            chosen = load_rubric(rubric, Rubric(), relative, absolute, known)
        else:
            from .problem import network_ids
            prob = problem_from_document(doc)
            if part is not None:
                prob.part(part)
            chosen = load_rubric(rubric, prob.grading, relative, absolute,
                                 lambda: network_ids(prob, [part] if part is not None else None))
        scan = scan_class(folder)
        if gradescope_dir:          # DIR/<student>.json: neither an input nor the gradebook or summary
            students = [s for s, _ in scan.submissions] + [u.name for u in scan.unread if u.student]
            planned = [("--gradescope", str(student_file(gradescope_dir, s, ".json"))) for s in students]
            check_distinct(planned, [(k, v) for k, v in inputs if v] + outputs)
            check_not_folders(planned)
        feedback = _feedback_plan(feedback_dir, scan, [(k, v) for k, v in inputs if v] + outputs) \
            if feedback_dir else {}
    except SymbackpropError as exc:
        raise InputError(text_of(exc), lang) from None
    submissions = scan.submissions
    # one count with the summary's: every student's entry, those that cannot be read (a folder of two
    # answers files) done at once, as the summary's "N submissions" counts them
    unread = sum(1 for u in scan.unread if u.student)
    students = len(submissions) + unread
    with _boundary(msg(lang, "cli.gradebook_not_written"), lang):
        with click.progressbar(length=students, label=msg(lang, "cli.grading_one" if students == 1 else "cli.grading",
                                                          n=students),
                               file=sys.stderr) as bar:
            if unread:
                bar.update(unread)
            graded = grade_all(prob, chosen, submissions, part, jobs, progress=bar.update)
    results = class_results(graded, scan.unread)
    graph = _is_graph(doc)                          # no δ convention in a graph: its legend says none
    book, text = gradebook_csv(results, lang), summary_markdown(results, lang=lang, graph=graph)
    shown = summary_text(results, lang=lang, graph=graph)       # the terminal's: a student's text as written, no Markdown escape
    nothing = _nothing_graded(results, prob, part, graph, lang)
    if nothing is not None:         # every submission unread: the summary says why each, one line what to do, exit 2
        click.echo(shown, nl=False)
        raise InputError(nothing, lang)
    # every output was proved writable before grading; the folders are made before anything is written,
    # so that a folder that cannot be made after all still leaves nothing written (exit 2)
    _make_folders([("--gradescope", gradescope_dir), ("--feedback", feedback_dir)], lang)
    _write(book, output, lang)
    if summary:
        _write(text, summary, lang)
    if gradescope_dir:
        for r in results:
            if not r.skipped:
                _write(gradescope_json(r, lang), str(student_file(gradescope_dir, r.student, ".json")), lang)
    if feedback_dir:
        _write_feedback(feedback, results, show_given, lang)
    click.echo(shown, nl=False)
    internal = [r for r in results if r.status == "internal_error"]
    if internal:
        log = _log_path(output)
        _write(internal_error_log(results), log, lang)
        click.echo(msg(lang, "cli.internal_errors" if len(internal) > 1 else "cli.internal_error_one",
                       output=output, n=len(internal), log=log), err=True)
        sys.exit(INTERNAL_ERROR)
    click.echo(msg(lang, "cli.gradebook", output=output), err=True)


PART_ERRORS = ("answers_file.parts", "writeup.no_part")    # a submission that does not say which part


def _nothing_graded(results, prob, part: str | None, graph: bool, lang: str) -> str | None:
    """When no submission could be graded (and none met an internal error, which has its own exit):
    the one line that says why and what to do, in `lang`; nothing is written then (no gradebook of zeros,
    no feedback without a grade). When the problem has several parts and submissions did not say which
    part their answers belong to, the line names the `--part` to rerun with. None when something was graded."""
    students = [r for r in results if not r.skipped]
    if not students or any(not r.error for r in students) or any(r.status == "internal_error" for r in students):
        return None
    unparted = [r for r in students if getattr(r.error, "key", None) in PART_ERRORS]
    names = [p.name for p in getattr(prob, "parts", ())]
    if unparted and part is None and not graph and len(names) > 1:
        options = joined_or(lang, [f"--part {name}" for name in names])
        return msg(lang, "cli.nothing_graded_part", n=len(unparted), total=len(students),
                   parts=", ".join(names), options=options)
    return msg(lang, "cli.nothing_graded", total=len(students))


def joined_or(lang: str, items: list[str]) -> str:
    """`a or b or c` said in `lang`: names.either (the catalogue's names.or), said again in `lang` (with its
    spacing between CJK words)."""
    from .answers.names import either
    return say(either(items), lang)


FEEDBACK_SUFFIXES = (".md", ".html")


def _feedback_plan(folder: str, scan, others: list[tuple[str, str]]) -> dict[str, dict[str, Path]]:
    """Each student's feedback files, {student: {".md": path, ".html": path}}, planned before any work:
    names every OS accepts (outpaths.safe_stem), none of them an input, another output or another
    student's file (also only by case)."""
    from .outpaths import check_distinct, check_not_folders, check_unique, student_file
    students = [s for s, _ in scan.submissions] + [u.name for u in scan.unread if u.student]
    plan = {s: {suffix: student_file(folder, s, suffix) for suffix in FEEDBACK_SUFFIXES} for s in students}
    planned = [("--feedback", str(p)) for files in plan.values() for p in files.values()]
    check_distinct(planned, others)
    check_unique(planned)
    check_not_folders(planned)
    return plan


def _make_folders(folders: Sequence[tuple[str, str | None]], lang: str = "en") -> None:
    """Make the output folders (--gradescope, --feedback), before any output is written: one line and
    exit 2 if one cannot be made."""
    for label, folder in folders:
        if folder:
            try:
                Path(folder).mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(said("usage.cannot_make_folder", label=label, path=folder,
                                      why=os_reason(exc)), lang) from None


def _write_feedback(plan: dict[str, dict[str, Path]], results, show_given: bool, lang: str = "en") -> None:
    """Write every student's feedback files (a graded report, or why the submission was not graded)
    into their folder, made already (`_make_folders`)."""
    from .grade import feedback_files
    for r in results:
        if r.skipped or r.student not in plan:
            continue
        for suffix, text in feedback_files(r, show_given, lang).items():
            _write(text, str(plan[r.student][suffix]), lang)


def _log_path(output: str) -> str:
    """Where the tracebacks of internal errors go: beside the gradebook (gradebook.csv → gradebook.log)."""
    if output == "-":
        return "gradebook.log"
    target = Path(output)
    return str(target.with_suffix(".log") if target.suffix.lower() != ".log" else target.with_suffix(".tracebacks.log"))


def _layer_sizes(text: str, lang: str = "en") -> tuple[int, ...]:
    try:
        sizes = tuple(int(v) for v in text.split(","))
    except ValueError:
        sizes = ()
    if len(sizes) < 2 or len(sizes) > MAX_DEPTH or not all(1 <= v <= MAX_WIDTH for v in sizes):
        raise InputError(said("usage.layers", text=repr(text), depth=MAX_DEPTH, width=MAX_WIDTH), lang)
    return sizes


MAX_DEPTH, MAX_WIDTH = 6, 8
NETWORK_OPTIONS = ("activation", "output_activation", "loss", "layers", "delta", "weight_order")


@main.command()
@click.argument("problem", metavar="[PROBLEM_FILE]", required=False, type=_FILE)
@click.option("--part", "parts", multiple=True, metavar="NAME", help="Only this part of the file (repeatable).")
@click.option("--activation", default=None, metavar="NAME",
              help="Without a file: the hidden activation (sigmoid, tanh, relu, …). Default sigmoid.")
@click.option("--output-activation", default=None, metavar="NAME",
              help="Without a file: the output activation (default: the loss's usual one, else --activation).")
@click.option("--loss", default=None, metavar="NAME", help="Without a file: the loss. Default half_squared_error.")
@click.option("--layers", default=None, metavar="SIZES",
              help="Without a file: the network the rules are checked on, units per layer from the inputs, "
                   "e.g. 2,2,1 (the default).")
@click.option("--delta", type=Choice(["dJ_dnet", "minus_dJ_dnet"]), default=None,
              help="Without a file: δ = ∂J/∂net (in-class, the default) or δ = −∂J/∂net (appendix).")
@click.option("--weight-order", type=Choice(["from_to", "to_from"]), default=None,
              help="Without a file: w_jk is the weight from j to k (the default) or into j from k.")
@click.option("--format", "fmt", type=Choice(["text", "json", "latex", "markdown", "pdf", "html"]), default=None,
              help="Output format. Default: from the -o suffix, else text.")
@click.option("--lang", type=LanguageChoice(), default="en", show_default=True, envvar=ENV_LANG,
              help="Language of the labels.")
@click.option("--standalone/--fragment", default=None,
              help="LaTeX: a complete document (default for -o .tex) or a fragment to \\input.")
@click.option("--precision", type=IntRange(0, 15), default=None, metavar="N",
              help="Decimal places of the numbers of the matrix example (default: the file's, else 4).")
@click.option("--sig-figs", "sig_figs", type=IntRange(1, 15), default=None, metavar="N",
              help="Significant figures shown instead of decimal places (0.4910, 0.001235, 123.5; "
                   "default: the file's `sig_figs`). Not together with --precision.")
@click.option("-o", "--output", default="-", metavar="FILE", type=_FILE,
              help="Write here instead of stdout ('-').")
def derive(problem: str | None, parts: tuple[str, ...], activation: str | None, output_activation: str | None,
           loss: str | None, layers: str | None, delta: str | None, weight_order: str | None, fmt: str | None,
           lang: str, standalone: bool | None, precision: int | None, sig_figs: int | None,
           output: str) -> None:
    """Derive the general backpropagation rules (δ_k, δ_j, ∂J/∂w, Δw) with SymPy for a fully
    connected network of any size, specialise them for the activations and loss, and check every
    rule on a concrete network: the one in PROBLEM_FILE, or a generated one of --layers sizes.
    Exit 1 if a rule disagrees with the concrete network.

    A `model: graph` file (problems/quadratic.yaml: the lecture's matrix example y = xᵀAx + b·x + c,
    L = (y − t)²) gives each ∂L/∂p by the backward pass in the node names, with its matrix form where
    it factors (∂L/∂A = 2(y − t)·x·xᵀ, ∂L/∂A_ij = 2(y − t)·x_i·x_j), then written out in the inputs,
    checked three ways. The older `model: quadratic` file gives its matrix-calculus chain.

    \b
    Examples:
      symbackprop derive problems/xor.yaml
      symbackprop derive --activation sigmoid --loss cross_entropy --layers 4,3,3 --delta minus_dJ_dnet
      symbackprop derive problems/xor_appendix.yaml --format json
      symbackprop derive problems/quadratic.yaml"""
    precision = _shown_precision(precision, sig_figs, lang)
    fmt, standalone = _document_output(fmt, output, lang, standalone)
    given = {"activation": activation, "output_activation": output_activation, "loss": loss, "layers": layers,
             "delta": delta, "weight_order": weight_order}
    _outputs_safe([("-o", output)], [("PROBLEM_FILE", problem)], lang=lang)
    with _boundary(lang=lang):
        from .render import render
        from .rule_check import derive_for_parts
        if problem is not None:
            used = [f"--{k.replace('_', '-')}" for k in NETWORK_OPTIONS if given[k] is not None]
            if used:
                raise InputError(said("usage.options_without_file", options=", ".join(used)), lang)
            from .problem import problem_from_document
            from .quadratic import derive_quadratic, is_quadratic, read_quadratic
            from .yamlfile import load_yaml
            doc = load_yaml(problem)
            if _is_graph(doc) and not is_quadratic(doc):
                _graph_parts(parts, problem)
                from .graph import read_graph, solve_graph
                from .graph_check import derive_graph
                derivation = derive_graph(solve_graph(read_graph(doc)))
                _write(render(derivation, fmt, lang=lang, precision=precision, standalone=standalone,
                              output=output), output)
                if not derivation.check.ok:
                    sys.exit(1)
                return
            if is_quadratic(doc):
                if parts:
                    raise InputError(said("usage.quadratic_no_parts", path=problem), lang)
                solution = derive_quadratic(read_quadratic(doc))
                _write(render(solution, fmt, lang=lang, precision=precision, standalone=standalone, output=output),
                       output, lang)
                if not solution.ok:
                    sys.exit(1)
                return
            prob = problem_from_document(doc)
            chosen = [prob.part(n) for n in parts] if parts else list(prob.parts)
            source, generated = prob.source, False
        else:
            if parts:
                raise InputError(said("usage.part_needs_file"), lang)
            prob = _example(activation, output_activation, loss, layers, delta, weight_order, lang)
            chosen, source, generated = list(prob.parts), None, True
        derivations = derive_for_parts(chosen, prob.source, multi=len(prob.parts) > 1)
        text = render(derivations, fmt, lang=lang, standalone=standalone, generated=generated, source=source,
                      title="" if generated else msg(lang, "derive.document_title", title=prob.title), output=output)
    _write(text, output, lang)
    if not all(d.ok for d in derivations):
        sys.exit(1)


@main.command(name="list")
@click.argument("what", metavar="[WHAT]", type=Choice(["all", "activations", "losses", "optimizers"]),
              default="all",
                required=False)
@click.option("--format", "fmt", type=Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("--lang", type=LanguageChoice(), default="en", show_default=True, envvar=ENV_LANG,
              help="Language of the headings and notes (zh: Chinese with the English terms).")
def list_(what: str, fmt: str, lang: str) -> None:
    """The activations, losses and optimizers a problem file can name: each activation's and loss's formula
    and derivative, each optimizer's rule in both forms and its settings' defaults, computed from the tables
    `solve` uses and printed by SymPy, with the other names it may be written as.

    WHAT is all (the default), activations, losses or optimizers."""
    with _boundary(lang=lang):
        from .listing import render_list
        text = render_list(fmt, lang, what)
    _write(text, "-", lang)


def _example(activation, output_activation, loss, layers, delta, weight_order, lang: str = "en"):
    from . import activations, losses
    from .suggest import with_hint
    act = activations.ALIASES.get(activation, activation) if activation else "sigmoid"
    if act not in activations.NAMES or act == "softmax":
        known = [n for n in activations.NAMES if n != "softmax"]
        raise InputError(with_hint(said("usage.activation", value=repr(activation), known=", ".join(known)),
                                   activation, known), lang)
    out = activations.ALIASES.get(output_activation, output_activation) if output_activation else None
    if out is not None and out not in activations.NAMES:
        raise InputError(with_hint(said("usage.output_activation", value=repr(output_activation),
                                        known=", ".join(activations.NAMES)), output_activation, activations.NAMES),
                         lang)
    name = losses.ALIASES.get(loss, loss) if loss else "half_squared_error"
    if name not in losses.NAMES:
        raise InputError(with_hint(said("usage.loss", value=repr(loss), known=", ".join(losses.NAMES)),
                                   loss, losses.NAMES), lang)
    # the default 2,2,1, with as many outputs as the loss needs (cross-entropy: 2)
    sizes = _layer_sizes(layers, lang) if layers else (2, 2, max(1, losses.TABLE[name].min_outputs))
    from .rule_check import example_problem
    return example_problem(sizes, act, out, name, delta or "dJ_dnet", weight_order or "from_to")


def run(argv: Sequence[str] | None = None) -> None:
    """The console script: `main`, then a prompt exit. The command's work, its output and every exit
    handler (child processes stopped, temporary files removed) are done as usual; only the
    interpreter's own teardown — freeing every object SymPy and the solution made, about 0.2 s, a
    fifth of checking one file — is skipped, as the process ends anyway."""
    import atexit
    try:
        main.main(args=argv, prog_name="symbackprop")       # standalone: always ends in SystemExit
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):                          # a closed pipe (| head): nothing to tell
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
