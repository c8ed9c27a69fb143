"""Grading a class: every submission in a folder, in parallel, into a gradebook and a summary.

The parent solves the problem once (its LaTeX parser loading meanwhile) and hands the solution to
the worker processes (supervise.py), which build their checkers from it and check many
submissions each. A worker asks the parent, in one round trip per submission, for the parsed LaTeX
of the texts it has not seen yet; the parent keeps the class's parser and its cache, so each
distinct text is parsed once per class, and a worker starts its own parser only for a text the
parent could not parse ahead (one that timed out). Numbers need no parser at all. Each submission
is still charged the parsing time of its own texts, as when it is checked alone (latex.Parser.parse).
A submission gets SECONDS and MEMORY; one over them, or hitting a bug of ours, is reported in its
own row and never stops the others; submissions are only read, and every output is written whole
or not at all (cli.py).
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .answers import Grader, OverLimit, Parser, PartReport, Rubric
from .answers.ahead import likely_needs_reader
from .answers.checker import items_of
from .classfolder import ANSWER_SUFFIXES, MAX_SUBMISSIONS, Unread, scan_class, student_key  # noqa: F401
from .errors import InternalError, SymbackpropError
from .messages import joined_in, msg, replaced, said, say, text_of, words
from .problem import Problem
from .render.clip import clip_latex
from .render.mdtext import md_code, md_text  # noqa: F401 - md_text: the summary's escaping, also used by tests
from .render.report import (attempted, not_graded, not_graded_html, not_graded_markdown, render_html,
                            render_markdown)
from .solution import Solution, solve
from .supervise import Outcome, Pool, WorkerFailed, ask, worker_loop

if TYPE_CHECKING:
    from .graph import GraphProblem


STATUSES = ("graded", "unreadable", "over_limit", "internal_error")


@dataclass
class StudentResult:
    student: str
    source: str
    reports: list[PartReport] = field(default_factory=list)
    error: str | None = None          # why the submission was not graded (the row's note)
    problems: list[str] = field(default_factory=list)
    skipped: bool = False             # not a submission at all (a hidden file, a README): listed, never graded
    status: str = "graded"            # one of STATUSES; "unreadable" when only `error` is given
    traceback: str = ""               # an internal error's traceback, for the log beside the gradebook
    max_score: float | None = None    # the problem's points, for a row that has no reports (not graded)

    def __post_init__(self) -> None:
        if self.error and self.status == "graded":
            self.status = "unreadable"

    @property
    def score(self) -> float:
        return sum(r.score for r in self.reports)


def find_submissions(folder: str | Path) -> list[tuple[str, Path]]:
    """(student, file) for each submission that can be graded: an answers file in the folder, or the one
    answers file in a sub-folder. `classfolder.scan_class` also says why every other entry is not graded."""
    return scan_class(folder).submissions


def class_results(graded: list[StudentResult], unread: list[Unread],
                  max_score: float | None = None) -> list[StudentResult]:
    """Every row of the gradebook: each student (graded, or not graded with the reason) by name, then the
    entries of the folder that are not submissions, so that no entry goes unmentioned. A student not
    graded is out of `max_score` (default: the problem's points, which `grade_all` gives every row)."""
    if max_score is None:
        max_score = next((r.max_score for r in graded if r.max_score is not None), None)
    rows = list(graded) + [StudentResult(u.name, u.source, error=u.reason, max_score=max_score)
                           for u in unread if u.student]
    skipped = [StudentResult(u.name, u.source, error=u.reason, skipped=True) for u in unread if not u.student]
    return (sorted(rows, key=lambda r: (student_key(r.student), r.student))
            + sorted(skipped, key=lambda r: r.student))


# -- the worker processes ----------------------------------------------------------------------
SECONDS = 30.0              # wall-clock backstop for one submission, enforced by the parent: the limit itself is
                            # meter.SECONDS of computing time, which a loaded machine does not eat into
MEMORY = 300 * 2**20        # bytes one submission may add to its worker (Linux; RLIMIT_AS)
INTERNAL = "internal error (not the student's fault)"

_GRADER: Grader | None = None
_PART: str | None = None


def _init(problem: Problem, rubric: Rubric, part: str | None, solution: Solution | None = None,
          fetch: Callable | None = None, start_method: str | None = None) -> Grader:
    """Build this process's grader: from the parent's `solution` (else solved here) and name tables
    once; its parser gets parsed texts from `fetch` (the parent), and starts itself only when needed
    (with `start_method`, default the parser's own choice)."""
    global _GRADER, _PART
    if _is_graph(problem):                      # a computation graph (model: graph): graph_answers.py
        from .answers.graph_answers import GraphGrader
        from .graph import solve_graph
        _GRADER = GraphGrader(solution if solution is not None else solve_graph(problem), rubric,
                              Parser(fetch=fetch, start_method=start_method))
        _PART = None
        return _GRADER
    _GRADER = Grader(problem, rubric, [part] if part else None,
                     parser=Parser(fetch=fetch, start_method=start_method), warm=False, solution=solution)
    _PART = part
    return _GRADER


def _grade_one(student: str, path: str) -> StudentResult:
    """Check one submission. The student's mistakes make it unreadable; an allocation past the
    memory limit makes it over the limit; any other exception is a bug of ours (internal error)."""
    try:
        reports, problems = _GRADER.check(path, _PART)          # type: ignore[union-attr]
        return StudentResult(student, path, reports, None, problems)
    except OverLimit as exc:
        return StudentResult(student, path, error=_own_name(text_of(exc), path), status="over_limit")
    except SymbackpropError as exc:
        return StudentResult(student, path, error=_own_name(text_of(exc), path))
    except MemoryError:
        return StudentResult(student, path, error=said("grade.over_memory", mb=MEMORY // 2**20), status="over_limit")
    except InternalError:          # e.g. the LaTeX reader cannot start: every submission would meet it
        raise                      # worker_loop stops the whole run with it (one line, exit 3)
    except Exception as exc:
        return StudentResult(student, path, error=f"{INTERNAL}: {type(exc).__name__}: {exc}"[:300],
                             status="internal_error", traceback=traceback.format_exc())


def _own_name(message: str, path: str) -> str:
    """A message about a submission as the student may read it (gradebook note, Gradescope output):
    the file by its own name, not by where the grader keeps the class folder."""
    return replaced(message, path, os.path.basename(path))


def _work(grader: Grader, task: tuple[str, str]) -> tuple[StudentResult, bool]:
    from . import lifeline
    lifeline.limit_memory(MEMORY)
    lifeline.limit_cpu(SECONDS + 1)               # the backstop if the parent is gone and a computation holds on
    result = _grade_one(*task)
    return result, result.status != "over_limit"  # after a MemoryError, start afresh


def _serve(conn, inherited, problem: Problem, rubric: Rubric, part: str | None,
           solution: Solution | None = None, start_method: str | None = None) -> None:
    """A grading worker: one grader, then one submission at a time (supervise.worker_loop); parsed
    LaTeX comes from the parent (`_parsed`)."""
    worker_loop(conn, inherited, lambda: _init(problem, rubric, part, solution, lambda texts: ask(conn, texts) or {},
                                               start_method), _work)


def _parsed(parser: Parser, texts) -> dict:
    """The parent's answer to a worker's texts: their parse results, each text parsed once per class."""
    try:
        return parser.serve(list(texts))
    except Exception:               # the worker parses for itself
        return {}


def _is_graph(problem) -> bool:
    from .graph import GraphProblem
    return isinstance(problem, GraphProblem)


def problem_max(solution: Solution, rubric: Rubric) -> float:
    """The points of the problem (of the parts solved): what a student not graded is out of."""
    from .graph import GraphSolution
    if isinstance(solution, GraphSolution):
        from .answers.graph_answers import graph_max
        return graph_max(solution, rubric)
    return sum(sum(items_of(p, rubric).values()) for p in solution.parts)


def worker_count(jobs: int | None, submissions: int) -> int:
    """Processes to grade with: what was asked (default: the cores), at most the cores and the
    submissions. Each also starts one LaTeX parser, only when a submission has LaTeX."""
    cores = os.cpu_count() or 1
    return max(1, min(jobs or cores, cores, submissions))


def rubric_ids_known(solution: Solution, rubric: Rubric) -> None:
    """Raise every item id of the rubric that is no quantity of the solved problem (rubric.unknown_items),
    in the parent: a worker would say only that it could not start."""
    from .graph import GraphSolution
    if isinstance(solution, GraphSolution):
        from .answers.graph_answers import expected_items, rubric_items
        rubric_items(expected_items(solution), rubric, solution)
        return
    from .answers.steps import step_item_ids
    from .rubric import unknown_items
    from .symbolic_rules import RULE_IDS
    # the ids `check` knows (answers/__init__.py): an optimizer step's items too (step2.new_w_3_5)
    unknown_items(rubric, set(RULE_IDS).union(*({s.id for s in p.steps} | step_item_ids(p) for p in solution.parts)))


def grade_all(problem: "Problem | GraphProblem", rubric: Rubric, submissions: list[tuple[str, Path]], part: str | None = None,
              jobs: int | None = None, progress: Callable[[int], None] | None = None, *,
              context=None) -> list[StudentResult]:
    """Check every submission in worker processes, `jobs` at a time (see `worker_count`). A
    submission that runs past SECONDS is stopped and reported in its own row, as is one whose
    worker dies; the others are unaffected. `context`: a multiprocessing context (default: the
    platform's); when given, each worker's LaTeX parser is started the same way (spawn all through).
    `problem` may be a computation graph (graph.GraphProblem): its submissions are checked by
    graph_answers.GraphGrader, in the same workers and under the same limits."""
    results: dict[int, StudentResult] = {}

    def done(index: int, outcome: Outcome) -> None:
        student, path = submissions[index]
        if outcome.kind == "done":
            results[index] = outcome.value
        elif outcome.kind == "timeout":
            results[index] = StudentResult(student, str(path), status="over_limit",
                                           error=said("grade.over_time", seconds=f"{SECONDS:g}"))
        else:
            why = f"the grading process stopped (exit code {outcome.exitcode}) while checking this submission"
            results[index] = StudentResult(student, str(path), status="internal_error", error=f"{INTERNAL}: {why}",
                                           traceback=f"no traceback: {why}\n")
        if progress:
            progress(1)

    start_method = context.get_start_method() if context is not None else None
    with Parser(start_method=start_method) as parser:
        # latex2sympy2 loads while the problem is solved, when some file shows what only it reads (plain
        # arithmetic is read without it, answers/quick.py); else it starts only if a worker asks
        if any(likely_needs_reader(path) for _, path in submissions):
            parser.warm()
        if _is_graph(problem):                 # a computation graph has no parts (cli.py refuses --part)
            from .graph import solve_graph
            solution = solve_graph(problem)
        else:
            solution = solve(problem, [part] if part else None)
        rubric_ids_known(solution, rubric)      # every id that is no quantity, at its line, before any worker
        pool = Pool(_serve, (problem, rubric, part, solution, start_method), worker_count(jobs, len(submissions)),
                    SECONDS, context, answer=lambda texts: _parsed(parser, texts))
        try:
            pool.run([(student, str(path)) for student, path in submissions], done)
        except WorkerFailed as exc:
            raise exc.error from None
    top = problem_max(solution, rubric)
    for r in results.values():
        r.max_score = top                              # a row not graded is still out of the problem's points
    return [results[i] for i in range(len(submissions))]


def internal_error_log(results: list[StudentResult]) -> str:
    """The tracebacks of internal errors, one section per student, for the log beside the gradebook."""
    out = []
    for r in results:
        if r.status == "internal_error":
            out.append(f"== {r.student} ({r.source})\n{r.traceback.rstrip()}\n")
    return "\n".join(out)


# -- outputs -----------------------------------------------------------------------------------
def item_columns(results: list[StudentResult]) -> list[tuple[str, str]]:
    """(part, item id) in the solution's order, for every item any report knows of."""
    seen: dict[tuple[str, str], None] = {}
    for r in results:
        for rep in r.reports:
            for q in rep.item_points:              # the items in the solution's order
                seen.setdefault((rep.part, q), None)
    return list(seen)


def gradebook_csv(results: list[StudentResult], lang: str = "en") -> str:
    """One row per student, one column per item (points earned), total, maximum and any error (a row not
    graded scores 0 out of the problem's points, its note says why); then a row per entry of the folder
    that is not a submission, with empty points and the reason in the note.
    Text cells are spreadsheet-safe (`safe_cell`); numbers stay numbers. The notes are said in `lang`
    (the column names stay the same in every language, for the programs that read them)."""
    cols = item_columns(results)
    parts = {p for p, _ in cols}
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([safe_cell(c) for c in ["student"] + [q if len(parts) == 1 else f"{p}:{q}" for p, q in cols]
                + ["total", "max", "note"]])
    for r in results:
        if r.skipped:
            w.writerow([safe_cell(r.student)] + [""] * (len(cols) + 2)
                       + [safe_cell(msg(lang, "gradebook.skipped", reason=say(r.error or "", lang)))])
            continue
        scores = {(rep.part, v.qid): v.score for rep in r.reports for v in rep.verdicts if v.points}
        # graded: the points of its reports (with any general rule it answered); not graded: the problem's
        top = sum(rep.max_score for rep in r.reports) if r.reports else (r.max_score or 0.0)
        note = say(r.error, lang) if r.error else joined_in(lang, [say(p, lang) for p in r.problems])
        row = [safe_cell(r.student)] + [_fmt(scores.get(c, 0.0)) for c in cols] + [_fmt(r.score), _fmt(top),
                                                                                   safe_cell(note)]
        w.writerow(row)
    return out.getvalue()


# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection"); | and %
# start DDE and macro tricks in some of them.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "%")


def safe_cell(text: str) -> str:
    """A text cell no spreadsheet runs: one starting with = + - @ | %, a tab or a carriage return (also after
    leading spaces) gets a leading single quote, as OWASP advises; other text is unchanged."""
    if text.lstrip(" ").startswith(_FORMULA_STARTS) or text.startswith(("\n", "\x0b", "\x0c")):
        return "'" + text
    return text


def _fmt(x: float) -> str:
    return f"{x:g}"


def _code(text: str, limit: int = 40) -> str:
    """A student's answer as a code span in a table cell: on one line, shortened only at a safe point
    (never inside a LaTeX command), with nothing that breaks out of the span or the cell."""
    return md_code(text, limit)


def _plain(text: str) -> str:
    """Text for the terminal: on one line, a character that is not printable made a space, and no
    Markdown escape (a backslash before `<` would show as written)."""
    return "".join(c if c.isprintable() else " " for c in " ".join(text.split()))


def _quoted(text: str, limit: int = 40) -> str:
    """A student's answer for the terminal: shortened as `_code` shortens it, between backquotes (more
    than any run inside it), with nothing escaped."""
    text = _plain(clip_latex(text, limit))
    runs = [len(r) for r in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}" if text else "` `"


def _in_cell(text: str) -> str:
    """Our own words (an item's name, a diagnosis) in a table cell: on one line, no | to split the cell."""
    return " ".join(text.split()).replace("|", "/")


def _diagnosis_code(v) -> str:
    """What a summary groups a wrong item by: its diagnosis code (`arithmetic`, `sign`, `half_missing`),
    or for an undiagnosed one its status (`wrong`, `unreadable`); never the message, which names the
    student's own numbers."""
    return v.diagnosis or v.status


def _answer_of(v) -> str:
    """A wrong answer as the summary counts it: the value it reaches, so a chain `rule = numbers = 0.3691`
    and the plain `0.3691` are one answer, not two (its whole text when it reaches no value)."""
    last = v.links[-1] if v.links else None
    if last is not None and last.kind == "value" and len(v.links) > 1:
        return " ".join(last.text.split())
    return " ".join(v.given.split())


def _transposed_whole(v) -> str | None:
    """The name of the whole matrix an item was charged for as written transposed (∂L/∂W1, for the entry
    ∂L/∂W1_{11} that carries the charge, whose own value may well be right), else None."""
    message = v.message
    if v.diagnosis != "transposed" or getattr(message, "key", None) not in ("graph_answers.transposed",
                                                                             "graph_answers.transposed_value"):
        return None
    return str(message.fields.get("name") or "") or None


def _step_order(qid: str) -> tuple[int, str]:
    """An optimizer step's item id (step2.new_w_3_5) ordered by its step, then as written."""
    m = re.match(r"step([0-9]+)\.", qid)
    return (int(m.group(1)) if m else 0, qid)


def summary_bucket(v) -> str:
    """Where the summary counts a graded item: "right" (full points on its own: correct, or the other δ
    convention credited in full), "follow_through" (wrong on its own, right from the student's own wrong
    earlier values), "imprecise" (the right value to fewer places or figures than asked: partial credit,
    not a mistake), else "missed" (it lost points for a mistake: wrong, unreadable, rounded wrongly,
    working wrong, or the other convention not credited in full)."""
    if v.status == "follow_through":
        return "follow_through"
    if v.status == "imprecise":
        return "imprecise"
    if v.status == "correct" or v.full_marks:
        return "right"
    return "missed"


def summary_markdown(results: list[StudentResult], top: int = 3, lang: str = "en", graph: bool = False) -> str:
    """The class summary (see `_summary`) as Markdown: every student's text escaped (mdtext.py).
    `graph`: the class answered a computation graph, which has no δ convention to mention."""
    return _summary(results, top, lang, md_text, _code, graph, maths=True)


def summary_text(results: list[StudentResult], top: int = 3, lang: str = "en", graph: bool = False) -> str:
    """The class summary (see `_summary`) for the terminal: the same lines, a student's text as written
    (on one line) with no Markdown escape, answers between backquotes."""
    return _summary(results, top, lang, _plain, _quoted, graph)


def _summary(results: list[StudentResult], top: int, lang: str, esc: Callable[[str], str],
             code: Callable[[str], str], graph: bool = False, maths: bool = False) -> str:
    """Per item: how many answered, got it right (full points on its own, the other δ convention credited
    in full included), carried a wrong earlier value correctly (follow-through: wrong on its own, credited),
    were imprecise (right to fewer places or figures than asked: partial credit), missed it (lost points for
    a mistake) and left it out (of those who attempted its part); the commonest wrong answers and diagnoses
    of the misses only (grouped by code), a right value whose working was wrong (a slip) counted apart as
    "right value, wrong working", never as a wrong answer; the items missed most often first, then by
    follow-through, then by imprecise, then by left out; the items answered in the other δ convention,
    apart; per part, how many attempted it; the students not graded and the entries skipped, each with the
    reason. `maths` (Markdown): the symbols of our own sentences, and the item names listed in them, typeset
    as $…$ (render/mathspans.py), as the per-student reports set them; the table's item column stays the
    plain name (δ_3, ∂L/∂y) that scripts read. A whole
    matrix charged as written transposed is named as such ("∂L/∂W1 written transposed") among the wrong
    answers of the entry that carries the charge, never that entry's value (which may be right)."""
    from .render import mathspans

    def our_sentence(key: str, **fields: str) -> str:
        """Our sentence `key` with its fields (already escaped or typeset) put in, its own symbols (δ)
        typeset with `maths`; a field is put in after, so that a part's name stays words and the
        count of `δ_3 ×2` is not read as a product."""
        if not maths:
            return msg(lang, key, **fields)
        values = list(fields.values())           # one pass: a field's own text is never read as a slot
        out = mathspans.markdown(msg(lang, key, **{k: f"QZSLOT{i}QZ" for i, k in enumerate(fields)}))
        return re.sub(r"QZSLOT([0-9]+)QZ", lambda m: values[int(m.group(1))], out)

    def name_of(text: str) -> str:              # an item's name in a cell or a list: δ_3, w_{35}^new, q
        return mathspans.name_markdown(_in_cell(text), cell=True) if maths else _in_cell(text)
    answered, left_out, convention, slips = Counter(), Counter(), Counter(), Counter()
    transposed: dict[tuple[str, str], Counter] = {}     # item -> the whole matrices charged there as transposed
    buckets: dict[str, Counter] = {b: Counter() for b in ("right", "follow_through", "imprecise", "missed")}
    wrong_answers: dict[tuple[str, str], Counter] = {}
    diagnoses: dict[tuple[str, str], Counter] = {}
    names: dict[tuple[str, str], str] = {}
    tried: Counter = Counter()                   # part -> students who attempted it
    tried_score: Counter = Counter()
    part_max: dict[str, float] = {}
    steps: dict[tuple[str, str], None] = {}      # every item counted, in the order met (step items after the rest)
    for r in results:
        for rep in r.reports:
            part_max[rep.part] = rep.max_score
            if not attempted(rep):
                continue
            tried[rep.part] += 1
            tried_score[rep.part] += rep.score
            for q in rep.missing:
                key = (rep.part, q)
                left_out[key] += 1
                names.setdefault(key, rep.missing_names.get(q, q))
            for v in rep.verdicts:
                if not v.points and v.step is None:  # an optimizer step's item is judged without points too
                    continue
                key = (rep.part, v.qid)
                steps.setdefault(key, None)
                names[key] = v.name
                answered[key] += 1
                bucket = summary_bucket(v)
                buckets[bucket][key] += 1
                if bucket == "right" and v.status == "other_convention":
                    convention[key] += 1
                if bucket == "missed":                    # lost its points for a mistake: what to go over
                    whole = _transposed_whole(v)
                    if v.status == "slip":                # the right value, the working wrong: no wrong answer
                        slips[key] += 1
                    elif whole is not None:               # a whole matrix transposed: named, not an entry's value
                        transposed.setdefault(key, Counter())[whole] += 1
                    else:
                        wrong_answers.setdefault(key, Counter())[_answer_of(v)] += 1
                    diagnoses.setdefault(key, Counter())[_diagnosis_code(v)] += 1
    right, carried, imprecise, missed = (buckets[b] for b in ("right", "follow_through", "imprecise", "missed"))
    students = [r for r in results if not r.skipped]
    graded = [r for r in students if not r.error]
    skipped = [r for r in results if r.skipped]
    counts = {"submissions": len(students), "graded": len(graded), "skipped": len(skipped)}
    title = ("summary.title_skipped" if skipped else "summary.title") + ("_one" if len(students) == 1 else "")
    title += "_entry" if len(skipped) == 1 else ""              # a count of 1 in the singular
    lines = [msg(lang, title, **counts), ""]
    unread = [r for r in students if r.error]
    if unread:
        lines += [msg(lang, "summary.not_graded"), ""] + [f"- {esc(r.student)}: {esc(say(r.error or '', lang))}"
                                                        for r in unread] + [""]
    if skipped:
        lines += [msg(lang, "summary.skipped"), ""] + [f"- {esc(say(r.error, lang) or r.student)}"
                                                      for r in skipped] + [""]
    if graded:
        mean = sum(r.score for r in graded) / len(graded)
        lines += [msg(lang, "summary.mean", mean=f"{mean:.2f}",
                      max=f"{sum(rep.max_score for rep in graded[0].reports):g}"), ""]
        if len(part_max) > 1:
            lines += [msg(lang, "summary.attempted", parts=joined_in(lang, [
                msg(lang, "summary.attempted_part_mean", part=esc(part), tried=tried[part], graded=len(graded),
                    mean=f"{tried_score[part] / tried[part]:.2f}", max=f"{top_score:g}") if tried[part] else
                msg(lang, "summary.attempted_part", part=esc(part), tried=tried[part], graded=len(graded))
                for part, top_score in part_max.items()])), ""]
    if not graded:                                 # no item was answered by anyone graded: no empty table
        return "\n".join(lines + [msg(lang, "summary.nothing_graded")]) + "\n"
    lines += [our_sentence("summary.legend_graph" if graph else "summary.legend"), "",
              msg(lang, "summary.columns"),
              "|---|---|---|---|---|---|---|---|---|---|"]
    # the items in the solution's order, then the optimizer steps' items a student answered (judged with
    # points or without: a TA sees the steps' mistakes), by step
    columns = item_columns(results)
    extra = sorted((k for k in steps if k not in set(columns)), key=lambda k: _step_order(k[1]))
    order = {key: n for n, key in enumerate(columns + extra)}
    codes = words(lang, "code")                    # a diagnosis code as people read it in `lang`
    keys = sorted((k for k in order if answered[k]),
                  key=lambda k: (-missed[k], -carried[k], -imprecise[k], -left_out[k], order[k]))
    for key in keys:
        wa = ", ".join([f"{code(a)} ×{n}" for a, n in wrong_answers.get(key, Counter()).most_common(top)]
                       + [f"{msg(lang, 'summary.transposed', name=name_of(m))} ×{n}"
                          for m, n in transposed.get(key, Counter()).most_common(top)]
                       + ([f"{msg(lang, 'summary.right_value')} ×{slips[key]}"] if slips[key] else []))
        dg = ", ".join(f"{_in_cell(codes.get(d, d))} ×{n}" for d, n in diagnoses.get(key, Counter()).most_common(top))
        lines.append(f"| {_in_cell(key[0])} | {_in_cell(names[key])} | {answered[key]} | {right[key]} | "
                     f"{carried[key]} | {imprecise[key]} | {missed[key]} | {left_out[key]} | {wa} | {dg} |")
    if convention:
        lines += ["", our_sentence("summary.convention", parts=joined_in(lang, [
            our_sentence("summary.convention_part", part=esc(part),
                 items=", ".join(f"{name_of(names[k])} ×{convention[k]}" for k in order
                                 if k[0] == part and convention[k]))
            for part in dict.fromkeys(p for p, _ in order if any(convention[k] for k in order if k[0] == p))]))]
    nobody = [k for k in order if left_out[k] and not answered[k]]
    for part in dict.fromkeys(p for p, _ in nobody):
        lines += ["", our_sentence("summary.nobody", part=esc(part),
                           items=", ".join(name_of(names[k]) for k in nobody if k[0] == part))]
    return "\n".join(lines) + "\n"


def feedback_files(result: StudentResult, show_given: bool = False, lang: str = "en") -> dict[str, str]:
    """The report to hand back to one student, as {".md": Markdown, ".html": HTML}: the check report of
    their submission (render/report.py), or why it was not graded. The submission is named by its own
    file name, never by where the grader keeps the class folder."""
    title = msg(lang, "report.feedback_for", student=result.student)
    if result.error:
        lead = "could_not_be_read" if result.status == "unreadable" else "was_not_graded"
        return {".md": not_graded_markdown(result.student, result.error, lead=lead, lang=lang),
                ".html": not_graded_html(result.student, result.error, lead=lead, lang=lang)}
    source = os.path.basename(result.source)
    problems = [_own_name(p, result.source) for p in result.problems]
    return {".md": render_markdown(result.reports, source, problems, show_given=show_given, title=title, lang=lang),
            ".html": render_html(result.reports, source, problems, show_given=show_given, title=title, lang=lang)}


def gradescope_results(result: StudentResult, lang: str = "en") -> dict:
    """Gradescope's results.json for one submission: a test per item, its output in `lang`."""
    if result.error:
        lead = msg(lang, "lead.could_not_be_read" if result.status == "unreadable" else "lead.was_not_graded")
        return {"score": 0, "output": msg(lang, "report.not_graded", lead=lead, reason=say(result.error, lang)),
                "tests": []}
    tests = []
    for rep in result.reports:
        for v in rep.verdicts:
            if not v.points:
                continue
            fields = {"given": " ".join(v.given.split()), "expected": v.expected_text,
                      "status": msg(lang, f"gradescope_status.{v.status}")}
            text = (msg(lang, "gradescope.item_why", message=say(v.message, lang), **fields) if v.message
                    else msg(lang, "gradescope.item", **fields))
            tests.append({"name": f"{rep.part}: {v.name}", "score": round(v.score, 6), "max_score": v.points,
                          "status": "passed" if v.full_marks else "failed", "output": text})
        for q in rep.missing:
            tests.append({"name": f"{rep.part}: {rep.missing_names.get(q, q)}", "score": 0,
                          "max_score": rep.item_points.get(q, 1.0), "status": "failed",
                          "output": msg(lang, "gradescope.not_answered")})
    # the computed items the rubric does not grade, as the report says them: one line (per part)
    lines = list(result.problems)
    for rep in result.reports:
        unlisted = [v.name for v in not_graded(rep)]
        if unlisted:
            line = msg(lang, "report.not_graded_items", items=", ".join(unlisted))
            lines.append(f"{rep.part}: {line}" if len(result.reports) > 1 else line)
    return {"score": round(result.score, 6), "tests": tests, "output": "\n".join(lines)}


def gradescope_json(result: StudentResult, lang: str = "en") -> str:
    return json.dumps(gradescope_results(result, lang), ensure_ascii=False, indent=2) + "\n"
