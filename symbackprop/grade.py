"""Grading a class: every submission in a folder, in parallel, into a gradebook and a summary.

Each worker process (supervise.py) builds the solution once and then checks many submissions;
its LaTeX parser starts with the first LaTeX answer, identical LaTeX answers are parsed once per
worker (the parser's cache) and numbers need no parser at all. A submission gets SECONDS and
MEMORY; one over them, or hitting a bug of ours, is reported in its own row and never stops the
others; submissions are only read, and every output is written whole or not at all (cli.py).
"""
from __future__ import annotations

import csv
import io
import json
import os
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .answers import Grader, PartReport, Rubric
from .answers.read import WRITEUP_SUFFIXES
from .errors import SymbackpropError
from .problem import Problem
from .supervise import Outcome, Pool, WorkerFailed, worker_loop

ANSWER_SUFFIXES = (".yaml", ".yml", ".json") + WRITEUP_SUFFIXES
MAX_SUBMISSIONS = 5000


STATUSES = ("graded", "unreadable", "over_limit", "internal_error")


@dataclass
class StudentResult:
    student: str
    source: str
    reports: list[PartReport] = field(default_factory=list)
    error: str | None = None          # why the submission was not graded (the row's note)
    problems: list[str] = field(default_factory=list)
    status: str = "graded"            # one of STATUSES; "unreadable" when only `error` is given
    traceback: str = ""               # an internal error's traceback, for the log beside the gradebook

    def __post_init__(self) -> None:
        if self.error and self.status == "graded":
            self.status = "unreadable"

    @property
    def score(self) -> float:
        return sum(r.score for r in self.reports)


def find_submissions(folder: str | Path) -> list[tuple[str, Path]]:
    """(student, file): each answers file in the folder, or the one answers file in each sub-folder."""
    root = Path(folder)
    if not root.is_dir():
        raise SymbackpropError(f"{folder}: not a folder of submissions")
    out = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix.lower() in ANSWER_SUFFIXES:
            out.append((entry.stem, entry))
        elif entry.is_dir():
            files = sorted(p for p in entry.iterdir() if p.is_file() and p.suffix.lower() in ANSWER_SUFFIXES)
            if files:
                out.append((entry.name, files[0]))
    if not out:
        raise SymbackpropError(f"{folder}: no submissions (files ending in {', '.join(ANSWER_SUFFIXES)})")
    if len(out) > MAX_SUBMISSIONS:
        raise SymbackpropError(f"{folder}: {len(out)} submissions; at most {MAX_SUBMISSIONS} in one run")
    return out


# -- the worker processes ----------------------------------------------------------------------
SECONDS = 30.0              # one submission's wall-clock limit, enforced by the parent (honest: ≤ 12.4 s, 2 jobs, load 5.6 on 2 cores)
MEMORY = 300 * 2**20        # bytes one submission may add to its worker (Linux; RLIMIT_AS)
INTERNAL = "internal error (not the student's fault)"

_GRADER: Grader | None = None
_PART: str | None = None


def _init(problem: Problem, rubric: Rubric, part: str | None) -> Grader:
    """Build this process's grader: the solution and name tables once, the parser when first needed."""
    global _GRADER, _PART
    _GRADER = Grader(problem, rubric, [part] if part else None, warm=False)
    _PART = part
    return _GRADER


def _grade_one(student: str, path: str) -> StudentResult:
    """Check one submission. The student's mistakes make it unreadable; an allocation past the
    memory limit makes it over the limit; any other exception is a bug of ours (internal error)."""
    try:
        reports, problems = _GRADER.check(path, _PART)          # type: ignore[union-attr]
        return StudentResult(student, path, reports, None, problems)
    except SymbackpropError as exc:
        return StudentResult(student, path, error=str(exc))
    except MemoryError:
        return StudentResult(student, path, error=f"not graded: exceeded the {MEMORY // 2**20} MB memory limit "
                                                  f"for one submission", status="over_limit")
    except Exception as exc:
        return StudentResult(student, path, error=f"{INTERNAL}: {type(exc).__name__}: {exc}"[:300],
                             status="internal_error", traceback=traceback.format_exc())


def _work(grader: Grader, task: tuple[str, str]) -> tuple[StudentResult, bool]:
    from . import lifeline
    lifeline.limit_memory(MEMORY)
    lifeline.limit_cpu(SECONDS + 1)               # the backstop if the parent is gone and a computation holds on
    result = _grade_one(*task)
    return result, result.status != "over_limit"  # after a MemoryError, start afresh


def _serve(conn, inherited, problem: Problem, rubric: Rubric, part: str | None) -> None:
    """A grading worker: one grader, then one submission at a time (supervise.worker_loop)."""
    worker_loop(conn, inherited, lambda: _init(problem, rubric, part), _work)


def worker_count(jobs: int | None, submissions: int) -> int:
    """Processes to grade with: what was asked (default: the cores), at most the cores and the
    submissions. Each also starts one LaTeX parser, only when a submission has LaTeX."""
    cores = os.cpu_count() or 1
    return max(1, min(jobs or cores, cores, submissions))


def grade_all(problem: Problem, rubric: Rubric, submissions: list[tuple[str, Path]], part: str | None = None,
              jobs: int | None = None, progress: Callable[[int], None] | None = None, *,
              context=None) -> list[StudentResult]:
    """Check every submission in worker processes, `jobs` at a time (see `worker_count`). A
    submission that runs past SECONDS is stopped and reported in its own row, as is one whose
    worker dies; the others are unaffected. `context`: a multiprocessing context (default: the
    platform's)."""
    results: dict[int, StudentResult] = {}

    def done(index: int, outcome: Outcome) -> None:
        student, path = submissions[index]
        if outcome.kind == "done":
            results[index] = outcome.value
        elif outcome.kind == "timeout":
            results[index] = StudentResult(student, str(path), status="over_limit",
                                           error=f"not graded: exceeded the {SECONDS:g} s limit for one submission "
                                                 f"(its grading was stopped)")
        else:
            why = f"the grading process stopped (exit code {outcome.exitcode}) while checking this submission"
            results[index] = StudentResult(student, str(path), status="internal_error", error=f"{INTERNAL}: {why}",
                                           traceback=f"no traceback: {why}\n")
        if progress:
            progress(1)

    pool = Pool(_serve, (problem, rubric, part), worker_count(jobs, len(submissions)), SECONDS, context)
    try:
        pool.run([(student, str(path)) for student, path in submissions], done)
    except WorkerFailed as exc:
        raise exc.error from None
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


def gradebook_csv(results: list[StudentResult]) -> str:
    """One row per student, one column per item (points earned), total, maximum and any error."""
    cols = item_columns(results)
    parts = {p for p, _ in cols}
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["student"] + [q if len(parts) == 1 else f"{p}:{q}" for p, q in cols] + ["total", "max", "note"])
    for r in results:
        scores = {(rep.part, v.qid): v.score for rep in r.reports for v in rep.verdicts if v.points}
        top = sum(rep.max_score for rep in r.reports)
        note = r.error or "; ".join(r.problems)
        row = [r.student] + [_fmt(scores.get(c, 0.0)) for c in cols] + [_fmt(r.score), _fmt(top), note]
        w.writerow(row)
    return out.getvalue()


def _fmt(x: float) -> str:
    return f"{x:g}"


def summary_markdown(results: list[StudentResult], top: int = 3) -> str:
    """Per item: how many answered, how many right, the commonest wrong answers and diagnoses."""
    answered, right = Counter(), Counter()
    wrong_answers: dict[tuple[str, str], Counter] = {}
    diagnoses: dict[tuple[str, str], Counter] = {}
    names: dict[tuple[str, str], str] = {}
    for r in results:
        for rep in r.reports:
            for v in rep.verdicts:
                if not v.points:
                    continue
                key = (rep.part, v.qid)
                names[key] = v.name
                answered[key] += 1
                if v.status in ("correct", "follow_through", "other_convention"):
                    right[key] += 1
                    continue
                wrong_answers.setdefault(key, Counter())[" ".join(v.given.split())] += 1
                diagnoses.setdefault(key, Counter())[v.message.split(":")[0] if v.message else v.status] += 1
    graded = [r for r in results if not r.error]
    lines = [f"# Class summary: {len(results)} submissions, {len(graded)} graded", ""]
    unread = [r for r in results if r.error]
    if unread:
        lines += ["Not graded:", ""] + [f"- {r.student}: {r.error}" for r in unread] + [""]
    if graded:
        mean = sum(r.score for r in graded) / len(graded)
        lines += [f"Mean score: {mean:.2f} / {sum(rep.max_score for rep in graded[0].reports):g}", ""]
    lines += ["| part | item | answered | right | commonest wrong answers | commonest diagnoses |",
              "|---|---|---|---|---|---|"]
    for key in item_columns(results):
        if key not in answered:
            continue
        wa = ", ".join(f"`{a[:40]}` ×{n}" for a, n in wrong_answers.get(key, Counter()).most_common(top))
        dg = ", ".join(f"{d} ×{n}" for d, n in diagnoses.get(key, Counter()).most_common(top))
        lines.append(f"| {key[0]} | {names[key]} | {answered[key]} | {right[key]} | {wa.replace('|', '/')} | "
                     f"{dg.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


def gradescope_results(result: StudentResult) -> dict:
    """Gradescope's results.json for one submission: a test per item."""
    if result.error:
        lead = "could not be read" if result.status == "unreadable" else "was not graded"
        return {"score": 0, "output": f"Your submission {lead}: {result.error}", "tests": []}
    tests = []
    for rep in result.reports:
        for v in rep.verdicts:
            if not v.points:
                continue
            text = f"given {' '.join(v.given.split())}; expected {v.expected_text}; {v.status}"
            if v.message:
                text += f": {v.message}"
            tests.append({"name": f"{rep.part}: {v.name}", "score": round(v.score, 6), "max_score": v.points,
                          "status": "passed" if v.status == "correct" else "failed", "output": text})
        for q in rep.missing:
            tests.append({"name": f"{rep.part}: {rep.missing_names.get(q, q)}", "score": 0,
                          "max_score": rep.item_points.get(q, 1.0), "status": "failed", "output": "not answered"})
    return {"score": round(result.score, 6), "tests": tests,
            "output": "\n".join(result.problems) if result.problems else ""}


def gradescope_json(result: StudentResult) -> str:
    return json.dumps(gradescope_results(result), ensure_ascii=False, indent=2) + "\n"
