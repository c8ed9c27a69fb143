"""Grading a class: every submission in a folder, in parallel, into a gradebook and a summary.

Each worker process builds the solution and a LaTeX parser once and then checks many
submissions; identical LaTeX answers are parsed once per worker (the parser's cache) and numbers
need no parser at all. One broken or hostile submission is reported as such and never stops the
others; submissions are only read, and every output is written whole or not at all (cli.py).
"""
from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .answers import Grader, PartReport, Rubric
from .answers.read import WRITEUP_SUFFIXES
from .errors import SymbackpropError
from .problem import Problem

ANSWER_SUFFIXES = (".yaml", ".yml", ".json") + WRITEUP_SUFFIXES
MAX_SUBMISSIONS = 5000


@dataclass
class StudentResult:
    student: str
    source: str
    reports: list[PartReport] = field(default_factory=list)
    error: str | None = None          # the whole submission could not be read
    problems: list[str] = field(default_factory=list)

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
_GRADER: Grader | None = None
_PART: str | None = None


def _init(problem: Problem, rubric: Rubric, part: str | None) -> None:
    global _GRADER, _PART
    _GRADER = Grader(problem, rubric, [part] if part else None)
    _PART = part


def _grade_one(student: str, path: str) -> StudentResult:
    try:
        reports, problems = _GRADER.check(path, _PART)          # type: ignore[union-attr]
        return StudentResult(student, path, reports, None, problems)
    except SymbackpropError as exc:
        return StudentResult(student, path, error=str(exc))
    except Exception as exc:                                     # a hostile file must not stop the class
        return StudentResult(student, path, error=f"could not be checked ({type(exc).__name__})")


def grade_all(problem: Problem, rubric: Rubric, submissions: list[tuple[str, Path]], part: str | None = None,
              jobs: int | None = None, progress: Callable[[int], None] | None = None) -> list[StudentResult]:
    """Check every submission, `jobs` processes at a time (default: the machine's cores)."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    results: dict[str, StudentResult] = {}
    if jobs == 1:
        _init(problem, rubric, part)
        try:
            for student, path in submissions:
                results[student] = _grade_one(student, str(path))
                if progress:
                    progress(1)
        finally:
            _GRADER.close()                                      # type: ignore[union-attr]
        return [results[s] for s, _ in submissions]
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init, initargs=(problem, rubric, part)) as pool:
        futures = {pool.submit(_grade_one, student, str(path)): student for student, path in submissions}
        for fut in as_completed(futures):
            student = futures[fut]
            try:
                results[student] = fut.result()
            except Exception as exc:                             # the worker itself died
                results[student] = StudentResult(student, "", error=f"could not be checked ({type(exc).__name__})")
            if progress:
                progress(1)
    return [results[s] for s, _ in submissions]


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
        return {"score": 0, "output": f"Your submission could not be read: {result.error}", "tests": []}
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
