"""Verifying students' answers: read (read.py), parse (latex.py, expr.py), compare (compare.py),
diagnose (diagnose.py), all driven by checker.py. `check_submission` is the one-call entry point."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable

from ..errors import SymbackpropError
from ..messages import said, text_of
from ..problem import Problem
from ..solution import Solution, solve
from .ahead import likely_needs_reader, submission_texts
from .checker import Answer, Checker, PartReport, Verdict
from .latex import AnswerError, Parser
from .meter import Meter, OverLimit
from .read import Submission, read_submission
from ..rubric import Rubric, read_rubric, unknown_items

__all__ = ["Answer", "AnswerError", "Checker", "OverLimit", "PartReport", "Parser", "Rubric", "Submission", "Verdict",
           "check_submission", "load_rubric", "Grader"]


def load_rubric(path: str | Path | None, base: Rubric, relative: float | None = None,
                absolute: float | None = None, known: Callable[[], Iterable[str]] | None = None) -> Rubric:
    """The problem's rubric, overridden by a rubric file and then by command-line tolerances. Every mistake
    of the file at once, each at its line; `known`: the problem's item ids, so that an id that is none of
    them is said with the file's other mistakes (alone, the checker says it: rubric.unknown_items)."""
    rubric = base
    if path is not None:
        from ..yamlfile import load_yaml
        doc = load_yaml(path, what=said("file.rubric"))
        nested = isinstance(doc.data, dict) and "grading" in doc.data
        data = doc.data.get("grading", doc.data) if isinstance(doc.data, dict) else doc.data
        rubric = read_rubric(data, str(path), where="grading" if nested else "rubric", base=base, doc=doc,
                             path=("grading",) if nested else (), known=known)
    if relative is not None:
        rubric = replace(rubric, relative=relative)
    if absolute is not None:
        rubric = replace(rubric, absolute=absolute)
    return rubric


class Grader:
    """Checks submissions against one problem: the solution, name tables and parser are built once."""

    def __init__(self, problem: Problem, rubric: Rubric, parts: list[str] | None = None,
                 parser: Parser | None = None, warm: bool = True, solution: Solution | None = None) -> None:
        """`warm`: start the parser now, so latex2sympy2 loads while the problem is solved; else it
        starts with the first LaTeX answer (a class of numbers-only answers never starts one).
        `solution`: the problem already solved for these parts (grade solves it once, in the parent)."""
        self.problem = problem
        self.rubric = rubric
        self.parser = parser or Parser()
        if warm:
            self.parser.warm()
        try:
            self.solution: Solution = solution if solution is not None else solve(problem, parts)
        except BaseException:
            self.parser.close()                # an unknown --part: no worker left behind
            raise
        self.checkers = {p.name: Checker(p, rubric, self.parser) for p in self.solution.parts}
        self.tables = {name: c.table for name, c in self.checkers.items()}     # one per part, for every file read
        self.step_checkers: dict = {}      # per part with an optimizer run: its StepChecker, made when needed
        self.forecasts: dict = {}          # the texts each answer gives the parser (ahead.py), by its text
        self._check_rubric_items()

    def _check_rubric_items(self) -> None:
        """A rubric item that is no quantity of any part is a typo that would silently shrink `max`."""
        from ..symbolic_rules import RULE_IDS
        from .steps import step_item_ids
        known = set(RULE_IDS).union(*({s.id for s in p.steps} | step_item_ids(p) for p in self.solution.parts))
        try:
            unknown_items(self.rubric, known)
        except SymbackpropError:
            self.parser.close()
            raise

    def check(self, path: str | Path, part: str | None = None) -> tuple[list[PartReport], list[str]]:
        """One submission's reports and what could not be read; OverLimit when it needs more than
        meter.SECONDS of computing time (reading, parsing and checking together)."""
        meter = Meter(self.parser)
        try:
            sub = read_submission(path, self.problem, self.solution, part, self.tables)
            # every LaTeX text of the file parsed in one round trip; each is charged when it is used
            self.parser.prefetch(submission_texts(sub.answers, self.tables, self.forecasts),
                                 max(self.parser.budget, 0.0))
            meter.tick()
            names = [part] if part else [p.name for p in self.solution.parts]
            reports = [self._check_part(n, sub.answers.get(n, []), meter) for n in names]
            reports = [replace(r, notes=r.notes + tuple(sub.notes.get(r.part, ()))) for r in reports]
        except OverLimit as exc:
            raise OverLimit(said("answers_file.over_limit", source=str(path), why=text_of(exc))) from None
        return reports, sub.problems

    def _check_part(self, name: str, answers: list[Answer], meter: Meter) -> PartReport:
        """One part's report: today's items by its Checker, the optimizer steps' (step2.new_w_3_5) by its
        StepChecker (steps.py), their verdicts after today's."""
        from .steps import STEP_ID, StepChecker
        steps = [a for a in answers if STEP_ID.match(a.qid)]
        checker = self.checkers[name]
        report = checker.check([a for a in answers if not STEP_ID.match(a.qid)] if steps else answers, meter)
        if not steps:
            return report
        if name not in self.step_checkers:
            self.step_checkers[name] = StepChecker(checker.psol, self.rubric, checker.tol)
        meter.tick()
        notes: list[str] = []
        verdicts = self.step_checkers[name].check(steps, checker.items, report.verdicts, notes)
        answered = {v.qid for v in verdicts}          # today's θ_1 judged again from the student's step 1: in its place
        first = next((v.source for v in verdicts if v.qid == report.first_error), report.first_error)
        return replace(report, verdicts=tuple(v for v in report.verdicts if v.qid not in answered) + tuple(verdicts),
                       first_error=first,
                       notes=report.notes + tuple(notes),
                       missing=tuple(q for q in report.missing if q not in answered))

    def close(self) -> None:
        self.parser.close()


def check_submission(problem: str | Path | Problem, answers: str | Path | Mapping, part: str | None = None,
                     rubric: str | Path | None = None, relative: float | None = None,
                     absolute: float | None = None) -> tuple[list[PartReport], list[str]]:
    """Check one student's answers file or write-up: a report per part, and what could not be read.
    The rubric is the problem's `grading:`, then a rubric file's, then the tolerances given here.
    A computation graph's file (`model: graph`) is checked by graph_answers.py: one report, `main`.
    `answers` may also be a dict of answers, as an answers file would hold them ({"delta_7": 0.0912});
    an argument of another type is an ArgumentError (a TypeError) saying what is allowed."""
    from ..apiargs import need_answers, need_name, need_number, need_path
    need_path(problem, "check_submission", "problem", problem=True)
    need_answers(answers, "check_submission")
    need_name(part, "check_submission", "part", optional=True)
    need_path(rubric, "check_submission", "rubric", optional=True)
    need_number(relative, "check_submission", "relative")
    need_number(absolute, "check_submission", "absolute")
    if isinstance(answers, Mapping):
        from .read import given_answers
        answers = given_answers(answers, "check_submission")
    if not isinstance(problem, Problem):
        from ..graph import is_graph, read_graph, solve_graph
        from ..problem import problem_from_document
        from ..yamlfile import load_yaml
        doc = load_yaml(problem)
        if is_graph(doc):
            from ..graph import check_graph_parts
            check_graph_parts([part] if part else [], str(problem))
            from .graph_answers import check_graph_answers
            from .graph_answers import graph_ids
            sol = solve_graph(read_graph(doc))
            return check_graph_answers(sol, answers, load_rubric(rubric, Rubric(), relative, absolute,
                                                                 lambda: graph_ids(sol)))
        problem = problem_from_document(doc)
    from ..problem import network_ids
    chosen = load_rubric(rubric, problem.grading or Rubric(), relative, absolute,
                         lambda: network_ids(problem, [part] if part else None))
    # plain arithmetic is read without latex2sympy2 (quick.py): its worker starts early only for a file
    # that shows something else (starting it costs the other core, and the memory a fork shares)
    grader = Grader(problem, chosen, [part] if part else None, warm=likely_needs_reader(answers))
    try:
        return grader.check(answers, part)
    finally:
        grader.close()
