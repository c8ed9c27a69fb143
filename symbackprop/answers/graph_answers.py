"""Checking a student's answers to a computation graph (`model: graph`).

An answers file (YAML or JSON) maps ids to numbers, LaTeX strings or, for a vector or matrix, a
list (of rows): `q: 3`, `grad_x: -4`, `grad_A: [[-1, -2, 1], …]`, `grad_A_1_2: -2`; a key may be any
left side a write-up may have (graph_names.py: `∂f/∂x`, `\\frac{\\partial f}{\\partial w_{2}}`, `dw2`…).
Numbers are judged by compare.py's rounding-aware policy (a decimal by the places it shows); a LaTeX
expression or chain (`x + y = -2 + 5 = 3`) is read by the LaTeX reader (latex.Parser, in its worker,
bounded), its links judged by graph_chain.py; a wrong value is diagnosed by graph_diagnose.py (sign,
factor 2 or ½, a transposed matrix), and every WRONG verdict says why (require_reasons).
Every node value and every entry of every ∂L/∂p is an item worth one point; the given values none.
"""
from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import sympy as sp

from .. import greek

from ..errors import SymbackpropError
from ..graph import GraphSolution, entry_suffix
from ..messages import replaced, said, text_of
from ..rubric import Rubric, unknown_items
from ..yamlfile import NumberSpelling, shown
from ..errors import InternalError
from .checker import MAX_REEVALUATED, PartReport, Verdict, _clip, _joined, _short, require_reasons
from .compare import Tolerance, compare_number, compare_within, shows_no_digit, written_number
from .graph_chain import ChainJudge
from .graph_diagnose import (Causes, diagnose_graph_value, graph_causes, mistake_written, rounds_half_up_to,
                             transposed, untransposed)
from .graph_names import MAX_LIST_CHARS, GraphNames, bracket_list, item_name
from .graph_matrix import worked_entries
from .latex import AnswerError
from .graph_own import OwnRules
from .meter import FREE, Meter, OverLimit
from .names import either

_GRAD = [re.compile(p) for p in (r"^∂\s*(\w+)\s*/\s*∂\s*(\w+)$", r"^d\s*(\w+)\s*/\s*d\s*(\w+)$",
                                 r"^\\frac\s*\{\s*\\partial\s*(\w+)\s*\}\s*\{\s*\\partial\s*(\w+)\s*\}$")]
MAX_ITEMS = 2000
_WORD = re.compile(r"\\[A-Za-z]+|[A-Za-z][A-Za-z0-9]*")     # a LaTeX command, or a name as the graph writes it


def expected_items(sol: GraphSolution) -> dict[str, tuple[Any, float]]:
    """id -> (exact value, points): node values and gradients (by entry for a matrix); inputs 0."""
    out: dict[str, tuple[Any, float]] = {}
    for step in sol.steps:
        points = 0.0 if step.section == "given" else 1.0
        if step.section == "backward" and step.name == sol.problem.output:
            points = 0.0                                     # ∂L/∂L = 1 is no work
        if step.section == "backward" and step.name not in sol.problem.parameters \
                and sol.problem.get(step.name).kind == "input":
            points = 0.0
        value = step.value
        if isinstance(value, sp.MatrixBase):
            for r in range(value.rows):
                for c in range(value.cols):
                    out[f"{step.id}_{entry_suffix(value.shape, r, c)}"] = (value[r, c], points)
        else:
            out[step.id] = (value, points)
    return out


def rubric_items(items: dict[str, tuple[Any, float]], rubric: Rubric, sol: GraphSolution
                 ) -> dict[str, tuple[Any, float]]:
    """The items with the rubric's points, as for a network: with `items:` only the ids it names
    count (a matrix's id gives each of its entries those points); an id of no quantity is an error."""
    if rubric.items is None:
        return items
    matrices = {s.id for s in sol.steps if isinstance(s.value, sp.MatrixBase)}
    unknown_items(rubric, set(items) | matrices | graph_step_ids(sol))
    out = {}
    for qid, (value, _) in items.items():
        whole = next((m for m in matrices if qid.startswith(m + "_")
                      and qid[len(m) + 1:].replace("_", "").isdigit()), None)
        points = rubric.items.get(qid, rubric.items.get(whole, 0.0) if whole else 0.0)
        out[qid] = (value, float(points))
    return out


def graph_ids(sol: GraphSolution, steps: bool = True) -> set[str]:
    """Every id an answer (or a rubric's `items`) may name: the items, each matrix or vector node or gradient as
    a whole, and with `steps` the optimizer steps' items of a graph that trains (graph_step_ids)."""
    out = set(expected_items(sol)) | {s.id for s in sol.steps if isinstance(s.value, sp.MatrixBase)}
    return out | graph_step_ids(sol) if steps else out


def graph_step_ids(sol: GraphSolution) -> set[str]:
    """The ids of every step's items of a graph that trains (`step2.new_A_1_2`, `step1.G_c`, `step3.loss`: the
    ids of solve's JSON `steps`), from the file's optimizer and parameters, without running it; empty else."""
    training = getattr(sol.problem, "training", None)
    if training is None:
        return set()
    from .. import optimizers
    from ..graph_optimize import parameters
    from .steps import step_id
    lines = [a.name for a in optimizers.rule(training.optimizer, training.form, training.values) if a.name != "theta"]
    keys = ["loss", "new_loss"]
    for p in parameters(sol.problem):
        keys += [str(p.key)] + [str(p.kind(k)) for k in ("grad", "update", "new", *lines)]
    return {step_id(t, k) for t in range(1, training.steps + 1) for k in keys}


def normal_id(key: str, sol: GraphSolution, names: GraphNames | None = None) -> str:
    """An answer's key as an id: every spelling a write-up's left side may have (graph_names.py: `∂f/∂x`,
    `df/dx`, `\\frac{\\partial f}{\\partial w_{2}}`, `x_0` for x0, `dw2`, `grad_w_0`) names its item; else
    the key with Greek letters as named (θ_0 is theta0)."""
    names = names or GraphNames(sol, graph_ids(sol, steps=False))
    found = names.qid(str(key))
    if found is not None:
        return found
    k = greek.as_named(str(key).strip(), [q.name for q in sol.problem.quantities])     # θ_0 is theta0
    for pat in _GRAD:
        m = pat.match(k)
        if m and m.group(1) == sol.problem.output:
            return f"grad_{m.group(2)}"
    return k


_STEP_KEY = re.compile(r"^step\s*[0-9]", re.I)
_MATRIX_ENV = re.compile(r"\\begin\s*\{\s*[a-zA-Z]*matrix\*?\s*\}")


def _entries_of(qid: str, value: Any, sol: GraphSolution) -> list[tuple[str, Any]]:
    """A list answer for a matrix id, split into its entries' ids."""
    step = next((s for s in sol.steps if s.id == qid), None)
    if step is None or not isinstance(step.value, sp.MatrixBase):
        return [(qid, value)]
    rows, cols = step.value.shape
    flat = value
    if cols == 1 or rows == 1:                    # a vector: [1, 2] or [[1], [2]] or [[1, 2]]
        flat = [v[0] if isinstance(v, list) and len(v) == 1 else v for v in value]
        if len(flat) == 1 and isinstance(flat[0], list):
            flat = flat[0]
        if len(flat) != rows * cols or any(isinstance(v, list) for v in flat):
            return [(qid, value)]
        return [(f"{qid}_{entry_suffix(step.value.shape, i if cols == 1 else 0, 0 if cols == 1 else i)}", v)
                for i, v in enumerate(flat)]
    if len(value) != rows or not all(isinstance(r, list) and len(r) == cols for r in value):
        return [(qid, value)]
    return [(f"{qid}_{entry_suffix(step.value.shape, r, c)}", value[r][c]) for r in range(rows) for c in range(cols)]


@dataclass(frozen=True)
class WrongShape:
    """An entry of a matrix or vector answered whole in the wrong shape (2×2 for 3×3): answered, and
    wrong for its shape (diagnosis `shape`), so that a class summary counts it as missed, not left out."""

    given: str                     # the whole answer as written
    message: str                   # the shape expected and the shape given


class GraphChecker:
    """Checks answers against one graph's solution; LaTeX through a Parser started only when needed."""

    def __init__(self, sol: GraphSolution, rubric: Rubric | None = None, parser=None) -> None:
        self.sol = sol
        rubric = rubric or Rubric()
        self.rubric = rubric
        every = expected_items(sol)
        self.items = rubric_items(every, rubric, sol)
        # computed items the rubric's `items` leaves out: no points, yet no value the problem gives either
        self.unlisted = frozenset(q for q, (_, p) in every.items() if p and not self.items[q][1])
        self.order = {qid: i for i, qid in enumerate(self.items)}
        self.names = GraphNames(sol, graph_ids(sol, steps=False))     # the spellings of its ids, built once
        # the optimizer steps' items the rubric's `items` gives points (step2.new_A_1_2: 2): judged by graph_steps.py
        self.step_points = {q: float(p) for q, p in (rubric.items or {}).items() if q in graph_step_ids(sol)}
        self.tol = Tolerance(rubric.relative, rubric.absolute, sol.problem.precision)
        from .latex import Parser
        self._owns_parser = parser is None
        # given (a grading worker's, fed by the class's parser), else our own: it starts its process only
        # for the first LaTeX text, and keeps the submission's computing-time budget (meter.py) either way
        self._parser = parser if parser is not None else Parser()
        self.meter = FREE
        self._own_rules: OwnRules | None = None
        self._chain: ChainJudge | None = None
        self._steps = {st.id: st for st in sol.steps}
        self._untransposed: dict | None = None    # gradient entries with a matrix used for its transpose (built once)
        self._transposed: dict[str, tuple[str, bool]] = {}    # this submission's entries of a transposed matrix
        self._charged: dict[str, str] = {}    # a transposed matrix -> its entry charged WRONG (the others are not)
        self._shape_wrong: dict[str, WrongShape] = {}   # a matrix written in its transpose's shape -> its shape's why
        self._names: dict[str, str] = {}      # id -> its name as the solution writes it (∂L/∂y for grad_y)
        self._causes: dict[str, Causes] | None = None    # item -> causes of a factor 2 or ½ (for every student)
        self._values: list[float] | None = None          # the sizes of every item's true value, sorted
        self._run_sol = None                  # the solution with its optimizer run (graph_steps.py), made when needed
        self._step_names = None
        self._step_checker = None
        if getattr(sol.problem, "training", None) is not None:
            self.names.step_names = self.step_names          # the readers' step names (steps.step_names)

    def run_solution(self):
        """The solution with its optimizer run (graph_optimize.with_graph_run), computed once, when needed."""
        if self._run_sol is None:
            from ..graph_optimize import with_graph_run
            self._run_sol = self.sol if getattr(self.sol, "run", None) is not None else with_graph_run(self.sol)
        return self._run_sol

    def step_names(self):
        """The step names of the graph's run (graph_steps.GraphStepNames), or None for a graph that does not train."""
        if getattr(self.sol.problem, "training", None) is None:
            return None
        if self._step_names is None:
            from .graph_steps import GraphStepNames
            self._step_names = GraphStepNames(self.names, self.run_solution())
        return self._step_names

    def _split_steps(self, answers: list, problems: list) -> tuple[list, list]:
        """Step answers read by steps.py's readers (Answer: step ids, or today's ids at step 1) as (entries for
        check_entries, the step answers for the step checker); a whole matrix of a step is its entries."""
        from .graph_names import bracket_list
        from .graph_steps import whole_entries
        from .latex import split_relations
        from .steps import STEP_ID
        entries, steps = [], []
        names = self.step_names()
        for a in answers:
            parts = whole_entries(self.run_solution(), a.qid)
            if parts is None:
                if STEP_ID.match(a.qid):
                    steps.append(a)
                else:
                    entries.append((a.qid, a.text, a.line))
                continue
            value = a.text
            if isinstance(value, str):
                try:
                    chain = split_relations(value)
                except Exception:                          # noqa: BLE001 - read as written: not a list
                    chain = []
                value = bracket_list(chain[-1][1].strip() if chain else value)
            flat = value
            while isinstance(flat, list) and flat and all(isinstance(v, list) for v in flat):
                flat = [x for v in flat for x in v]
            if not isinstance(flat, list) or len(flat) != len(parts):       # not read: said, with the shape
                shape = self.sol.problem.get(parts.name).shape
                expected = _shape_words(shape[0], shape[1])
                problems.append(said("graph_answers.matrix_expected", id=a.qid, shape=expected)
                                if not isinstance(value, list) else
                                said("graph_answers.wrong_shape", id=a.qid, shape=expected, given=_shape_of(value)))
                continue
            for eid, v in zip(parts, flat):
                m = STEP_ID.match(eid)
                qid = names.item(int(m.group(1)), names.parse_key(m.group(2))) if names is not None else eid
                if STEP_ID.match(qid):
                    steps.append(replace(a, qid=qid, text=str(v), shown=None))
                else:
                    entries.append((qid, str(v), a.line))
        return entries, steps

    def _with_steps(self, report: PartReport, steps: list) -> PartReport:
        """The report with the verdicts of the optimizer steps' answers (graph_steps.GraphStepChecker), after today's."""
        if not steps and not self.step_points:
            return report
        from .graph_steps import GraphStepChecker
        if self._step_checker is None:
            self._step_checker = GraphStepChecker(self.run_solution(), self.rubric, self.tol)
        self.meter.tick()
        points = {**{q: p for q, (_, p) in self.items.items()}, **self.step_points}
        verdicts = self._step_checker.check(steps, points, report.verdicts) if steps else []
        answered = {v.qid for v in verdicts}          # today's θ_1 judged again from the student's step 1: in its place
        missing = tuple(q for q, p in self.step_points.items() if p and q not in answered)
        first = next((v.source for v in verdicts if v.qid == report.first_error), report.first_error)
        return replace(report, verdicts=tuple(v for v in report.verdicts if v.qid not in answered) + tuple(verdicts),
                       first_error=first,
                       missing=report.missing + missing,
                       max_score=report.max_score + sum(self.step_points.values()),
                       missing_names={**report.missing_names, **{q: self._step_name(q) for q in missing}},
                       item_points={**report.item_points, **{q: p for q, p in self.step_points.items() if p}})

    def _step_name(self, qid: str) -> str:
        """A step item's name in the report (`step 2: θ_t(A_{12})`)."""
        from .steps import STEP_ID
        m = STEP_ID.match(qid)
        names = self.step_names()
        return self._step_checker.name(int(m.group(1)), names.parse_key(m.group(2))) if m and names else qid

    def example_id(self) -> str:
        """An id of this problem to show in a message about the answers file's form: its first gradient
        item other than ∂L/∂L (grad_y), else its first item."""
        top = f"grad_{self.sol.problem.output}"
        return next((q for q in self.items if q.startswith("grad_") and q != top), next(iter(self.items), "grad_x"))

    def name(self, qid: str) -> str:
        """An item's name as the graph's solution writes it (`∂L/∂y`, `∂L/∂A_{12}`, `q`): what a report
        calls it, as a network's report calls its items δ_5 or ∂L/∂w_{35}; the id is its machine name."""
        if qid not in self._names:
            self._names[qid] = item_name(qid, self.sol)
        return self._names[qid]

    def close(self) -> None:
        if self._parser is not None and self._owns_parser:
            self._parser.close()

    def _latex_value(self, text: str) -> float:
        from .expr import evaluate
        return float(evaluate(self._parser.parse(text), {}))

    def read(self, value: Any) -> tuple[float | None, int | None, str]:
        """(value, decimal places shown or None, why unreadable or "")."""
        if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
            return None, None, said("graph_answers.not_a_number")
        if isinstance(value, NumberSpelling):
            return None, None, value.problem
        text = str(value)
        number = written_number(text)
        if number is not None:
            return float(number[0]), number[1], ""
        try:
            return self._latex_value(text), None, ""
        except SymbackpropError as exc:
            return None, None, text_of(exc)
        except (ValueError, ArithmeticError, OverflowError) as exc:
            return None, None, said("graph_answers.cannot_evaluate", why=str(exc))

    def names_in(self, value: Any) -> list[str]:
        """The names of the graph's quantities an answer's text uses (`p - t`: p, t); LaTeX commands aside."""
        if not isinstance(value, str):
            return []
        known = {q.name for q in self.sol.problem.quantities}
        return [w for w in _WORD.findall(value) if not w.startswith("\\") and w in known]

    def check(self, answers: dict, lines: dict, problems: list | None = None) -> PartReport:
        """The report; an id that is no quantity of the graph is not an item: it goes to `problems`
        (what was not read), with the ids it is close to, as a network's answers file does."""
        return self.check_entries([(key, value, lines.get(key)) for key, value in answers.items()], problems)

    def check_entries(self, entries: list[tuple[Any, Any, int | None]], problems: list | None = None) -> PartReport:
        """The report on (key, value, line) answers, in any order: judged in the solution's order (given,
        forward, backward), so that an item computed from an earlier wrong one can follow through."""
        notes: list[str] = []
        seen: dict[str, object] = {}
        todo: list[tuple[str, Any, int | None]] = []
        self._transposed = {}
        self._charged = {}
        self._shape_wrong = {}
        self._written = {}                           # item -> (value, places) as the student wrote it
        self._half_left: str | None = None           # the first item charged factor_two (a ½ left out)
        self._local_left: dict[tuple[str, str], str] = {}   # (gradient, node) -> its first entry charged local_left
        #                                                   (gradient, "∑") -> its first entry charged paths_left
        self._right: set[str] = set()                # items judged right: their written values feed later ones
        self._rounded: dict[str, float] = {}         # steps left out, carried from right values written off
        self._off = False                            # some value is right only from the student's rounded ones
        for key, value, line in entries:
            qid = normal_id(key, self.sol, self.names)
            whole = self._matrix_of(qid)
            if whole is not None:                    # a matrix or vector answered whole: its entries, or why not
                pairs = self._split_matrix(qid, whole, value)
                if isinstance(pairs, str):
                    if problems is not None:
                        problems.append(pairs)
                    continue
            elif qid not in self.items and problems is not None:     # no item: what was not read, with a hint
                item = str(key)[:60]
                why = self.names.why_not(str(key))                 # ∂L/∂x of an input that is no parameter
                if why is not None:
                    problems.append(said("graph_answers.not_read_why", part="main", item=item, why=why))
                    continue
                other = self.names.other_output(str(key))           # dL/dq where the output is f: ∂f/∂q
                top = f"grad_{self.sol.problem.output}"              # ∂L/∂L = 1: no item, never a hint
                close = ([f"∂{self.sol.problem.output}/∂{other[len('grad_'):]}"] if other
                         else [self.name(c) for c in difflib.get_close_matches(qid, [q for q in self.items if q != top],
                                                                               n=2)])
                problems.append(said("answers_file.unknown_suggest", part="main", item=item,
                                     close=either(close)) if close
                                else said("answers_file.unknown", part="main", item=item))
                continue
            else:
                pairs = [(qid, value)]
            for eid, v in pairs:
                # grad_A and grad_A_1_1 both: the worse of the two counts (one value written twice, as a
                # step-1 section's g_1(w) and the backward pass's ∂L/∂w: nothing to say)
                if eid in seen and not _same_value(seen[eid], v):
                    notes.append(said("graph_answers.twice_worse", id=self.name(eid), line=line))
                seen.setdefault(eid, v)
                todo.append((eid, v, line))
        todo.sort(key=lambda t: self.order.get(t[0], len(self.order)))
        answered = {eid for eid, _, _ in todo}
        own: dict[str, float] = {}                   # the student's own values where they differ from the true ones
        first_of: dict[str, str] = {}                # item -> the first wrong item it follows from
        verdicts = []
        pending = iter(todo)
        nxt = next(pending, None)
        for qid in list(self.items) + [None]:
            while nxt is not None and (qid is None or nxt[0] == qid):
                self.meter.tick()
                eid = nxt[0]
                answers = [nxt[1:]]
                nxt = next(pending, None)
                while nxt is not None and nxt[0] == eid:     # the same item answered again (todo is sorted)
                    answers.append(nxt[1:])
                    nxt = next(pending, None)
                verdict = self._worse_of(eid, answers, own, first_of)
                if verdict.status in ("correct", "imprecise") and eid in self._written:
                    self._right.add(eid)
                    self._off = self._off or said("diagnosis.rounded_earlier") in (verdict.message or "")
                if verdict.status in ("wrong", "follow_through") and verdict.value is not None and verdict.points:
                    own[eid] = verdict.value
                    first_of[eid] = verdict.source or eid
                verdicts.append(verdict)
            if qid is not None and qid not in answered and (own or self._off):
                self.meter.tick()
                self._carry(qid, own, first_of)      # a step left out: the student's own value flows through it
        first = next((v.qid for v in verdicts if v.status == "wrong" and v.points and v.diagnosis != "no_value"), None)
        verdicts = [replace(v, message=said("diagnosis.follows_wrong", name=self.name(v.source)))
                    if v.status == "follow_through" and v.source != first and v.diagnosis != "transposed"
                    else v for v in verdicts]
        verdicts = _shape_said_once(verdicts)
        require_reasons(verdicts)                    # a WRONG with no reason is a bug of ours: exit 3
        require_explained(verdicts)                  # nor is one whose only words are the expected value
        graded = {k: p for k, (_, p) in self.items.items() if p}
        missing = tuple(k for k in graded if k not in seen)
        return PartReport("main", tuple(verdicts), missing, float(sum(graded.values())), tuple(notes),
                          first_error=first, missing_names={k: self.name(k) for k in missing}, item_points=dict(graded))

    def _worse_of(self, qid: str, answers: list[tuple[Any, int | None]], own: dict[str, float],
                  first_of: dict[str, str]) -> Verdict:
        """The verdict of an item answered once, or the worse of its answers (docs/checking.md §1, as for a
        network): each judged from the same earlier state; what the counted one set is kept. A rule alone
        (no value) counts only when no answer has a value; of equally bad answers the first counts."""
        if len(answers) == 1:
            return self._verdict(qid, answers[0][0], answers[0][1], own, first_of)
        start = (self._written.get(qid), self._half_left, dict(self._charged), dict(self._local_left))
        judged = []
        for value, line in answers:
            self._restore(qid, start)
            verdict = self._verdict(qid, value, line, own, first_of)
            judged.append((verdict, (self._written.get(qid), self._half_left, dict(self._charged),
                                     dict(self._local_left))))
        valued = [j for j in judged if j[0].diagnosis != "no_value"] or judged
        verdict, state = min(valued, key=lambda j: _WORSE_FIRST.index(j[0].status)
                             if j[0].status in _WORSE_FIRST else len(_WORSE_FIRST))
        self._restore(qid, state)
        return verdict

    def _restore(self, qid: str, state: tuple) -> None:
        """Put back what judging one answer of `qid` sets: its written value, the first ½ left out, and the
        transposed matrices charged."""
        written, self._half_left, charged, local_left = state
        if written is None:
            self._written.pop(qid, None)
        else:
            self._written[qid] = written
        self._charged = dict(charged)
        self._local_left = dict(local_left)

    def _matrix_of(self, qid: str) -> sp.MatrixBase | None:
        """The value of a matrix or vector node or gradient named as a whole (grad_A), else None."""
        step = self._steps.get(qid)
        return step.value if step is not None and isinstance(step.value, sp.MatrixBase) else None

    def _split_matrix(self, qid: str, whole: sp.MatrixBase, value: Any) -> list[tuple[str, Any]] | str:
        """A whole matrix's answer as (entry id, value) pairs; a matrix written with its rows and columns
        swapped is kept as written, its entries marked (diagnosis `transposed`); any other shape, or no
        list at all, is why it is not read; a list of another shape is answered, each entry a `WrongShape`
        (the shape expected and the shape given), so that it is counted as answered and wrong."""
        if isinstance(value, str) and _MATRIX_ENV.search(value):     # "\begin{bmatrix} 1 & 2 …" never closed
            from .latex import unclosed_said
            why = unclosed_said(value) if len(value) <= MAX_LIST_CHARS else None
            if why is not None:
                return said("graph_answers.not_read_why", part="main", item=self.name(qid), why=why)
        if isinstance(value, str):                   # `[[1, 2], [3, 4]]`, or a chain ending in one: its last link
            from .latex import split_relations
            links = split_relations(value) if len(value) <= MAX_LIST_CHARS else []
            listed = bracket_list(links[-1][1] if links else value)
        else:
            listed = value
        name = self.name(qid)
        expected = _shape_words(whole.rows, whole.cols)
        if not isinstance(listed, list):
            return said("graph_answers.matrix_expected", id=name, shape=expected)
        pairs = _entries_of(qid, listed, self.sol)
        rows = [[float(v) for v in r] for r in whole.tolist()]
        if (len(pairs) > 1 or pairs[0][0] != qid) and not (whole.rows == whole.cols and transposed(listed, rows, self.tol)):
            worked = worked_entries(value) if isinstance(value, str) else None
            if worked is not None and len(worked) == len(pairs):      # each entry with its working (graph_matrix.py)
                return [(eid, w) for (eid, _), w in zip(pairs, worked)]
            return pairs
        flipped = whole.rows != whole.cols and min(whole.rows, whole.cols) >= 2 and len(listed) == whole.cols \
            and all(isinstance(r, list) and len(r) == whole.rows for r in listed)
        if transposed(listed, rows, self.tol) or flipped:
            # a 2×3 written for a 3×2: read as the transpose, each entry judged at its place (right, or following
            # from the student's own values, it is the transpose charged once; else the wrong shape, said as before)
            if whole.rows == whole.cols:
                pairs = [(f"{qid}_{entry_suffix(whole.shape, r, c)}", listed[r][c])
                         for r in range(whole.rows) for c in range(whole.cols)]
            else:                                      # every entry wrong: the shape is the transpose's
                pairs = [(f"{qid}_{entry_suffix(whole.shape, r, c)}", listed[c][r])
                         for r in range(whole.rows) for c in range(whole.cols)]
            for eid, _ in pairs:
                self._transposed[eid] = (qid, whole.rows != whole.cols)
            if flipped:
                self._shape_wrong[qid] = WrongShape(value if isinstance(value, str) else _written_list(value),
                                                    said("graph_answers.wrong_shape", id=name, shape=expected,
                                                         given=_shape_of(listed)))
            return pairs
        wrong = WrongShape(value if isinstance(value, str) else _written_list(value),
                           said("graph_answers.wrong_shape", id=name, shape=expected, given=_shape_of(listed)))
        return [(f"{qid}_{entry_suffix(whole.shape, r, c)}", wrong)
                for r in range(whole.rows) for c in range(whole.cols)]

    def _rules(self) -> OwnRules:
        """The rules of follow-through, built once for every student (so not charged to this one)."""
        if self._own_rules is None:
            with self.meter.shared():
                self._own_rules = OwnRules(self.sol)
        return self._own_rules

    def _carry(self, qid: str, own: dict[str, float], first_of: dict[str, str]) -> None:
        """A step the student did not write, computed from their own earlier values (as for a network,
        own.py), so that what follows does not depend on which middle steps they wrote down."""
        value, used = self._rules().own_value(qid, own) if own else (None, [])
        expected = float(self.items[qid][0])
        if value is None and self._off:              # from right values written off (σ'(s) as 0.73 × 0.27):
            value, _ = self._rules().own_value(qid, self._mine({}))        # carried as right, never as wrong
            if value is not None and abs(value - expected) > 1e-12 * max(1.0, abs(expected)):
                self._rounded[qid] = value
            return
        if value is None:
            return
        if abs(value - expected) <= 1e-12 * max(1.0, abs(expected)):
            return
        own[qid] = value
        first_of[qid] = min((first_of.get(u, u) for u in used), key=lambda u: self.order.get(u, len(self.order)))

    def _follow_through(self, qid: str, number: float, places: int | None, expected: float,
                        own: dict[str, float], first_of: dict[str, str], numbers: float | None = None
                        ) -> tuple[str, str, str | None] | None:
        """(status, message, source) when a value that is wrong is right from the student's own earlier
        values: their wrong ones (∂f/∂z = q with their q) give follow-through, as for a network (rubric
        credit `follow_through`); their right ones as written, rounded (σ(3) = 0.9526), give "right from
        your rounded earlier values" (source None). Each written value stands for the interval of half a
        unit in its last place, as checker.py's _compare_own; a value rounded wrongly or one unit off from
        that interval, but right to its places from `numbers` (what the chain's substituted numbers give,
        found to be the student's values rounded), follows through in full. Imprecise or rounded wrongly
        from them stays that. None otherwise, and when their values make the step vanish (a 0 shows no
        working)."""
        mine = self._mine(own)
        if not mine:
            return None
        for via in (False, True):       # ∂f/∂s from their s, else from their f = σ(s): f(1 − f), as a network's g'
            found = self._follow_through_at(qid, number, places, expected, own, first_of, numbers, mine, via)
            if found is not None:
                return found
        return None

    def _mine(self, own: dict[str, float]) -> dict[str, float]:
        """The student's values: those written and judged right, the steps left out carried from them, and
        their wrong ones `own`."""
        mine = {k: self._written[k][0] for k in self._right if k in self._written}
        mine.update(self._rounded)
        mine.update(own)
        return mine

    def _follow_through_at(self, qid: str, number: float, places: int | None, expected: float,
                           own: dict[str, float], first_of: dict[str, str], numbers: float | None,
                           mine: dict[str, float], via: bool) -> tuple[str, str, str | None] | None:
        """_follow_through at the student's values `mine`, each elementwise node's local derivative taken
        at their value of the node when `via` (OwnRules.own_value)."""
        value, used = self._rules().own_value(qid, mine, via)
        if value is None:
            return None
        if abs(value) <= 1e-12 < abs(expected) - self.tol.floor:
            return None
        below, above = self._spread(qid, mine, used, value, via)
        match = compare_within(lambda v, d, target: compare_number(v, d, target, self.tol), number, places, value,
                               (below, above), self.tol)
        if numbers is not None and match.status in ("rounding", "") and _near(number, places, value):
            # rounded wrongly or one unit off from their values, but as the numbers give it
            widened = compare_within(lambda v, d, target: compare_number(v, d, target, self.tol), number, places,
                                     value, (max(below, value - numbers), max(above, numbers - value)), self.tol)
            match = widened if widened.status == "correct" else match
        if match.status not in ("correct", "imprecise", "rounding"):
            return None
        wrong = [u for u in used if u in own]
        if not wrong:                                # only their right, rounded values: right, never follow-through
            if match.status == "imprecise":          # to fewer places than asked, but right from their values
                return "imprecise", said("diagnosis.follows_and", follows=said("diagnosis.rounded_earlier"),
                                         why=match.message), None
            if match.status != "correct":
                return None
            return "correct", said("diagnosis.rounded_earlier"), None
        source = min((first_of.get(u, u) for u in wrong), key=lambda u: self.order.get(u, len(self.order)))
        follows = said("diagnosis.follows", name=self.name(source))
        if match.status == "correct":
            return "follow_through", follows, source
        return match.status, said("diagnosis.follows_and", follows=follows, why=match.message), source

    def _numbers_before(self, links) -> tuple[float, bool] | None:
        """(what the substituted numbers give, as written; whether they were judged at the student's own
        values) for a chain whose value follows from the numbers link right before it, that link judged
        right; else None."""
        if len(links) < 2 or links[-1].kind != "value" or not links[-1].ok or links[-2].kind != "numbers" \
                or not links[-2].ok:
            return None
        from .expr import evaluate
        try:
            return float(evaluate(self._parser.parse(links[-2].text), {})), links[-2].own
        except (SymbackpropError, ValueError, ArithmeticError, OverflowError, TypeError):
            return None

    def _rounded_numbers(self, links, number: float, places: int | None) -> bool:
        """Whether a chain ends in substituted numbers whose value the written one is a rounding of, and
        not that value itself (0.5 × 0.8 − 1 = −0.6 written ≈ −1): then the value step slipped no sign or
        factor, whatever the number happens to be twice or the negative of."""
        if places is None or not 0 <= places <= 12 or len(links) < 2 or links[-1].kind != "value" \
                or links[-2].kind != "numbers":
            return False
        from .expr import evaluate
        try:
            given = float(evaluate(self._parser.parse(links[-2].text), {}))
        except (SymbackpropError, ValueError, ArithmeticError, OverflowError, TypeError):
            return False
        return abs(given - number) > 1e-12 * max(1.0, abs(number)) and rounds_half_up_to(number, places, given)

    def _foreign_numbers(self, links, own: dict[str, float]) -> str | None:
        """The note for the first link of substituted numbers none of which is a value of the problem (an
        input, a node, a gradient, an entry) or of the student (written, or carried from their wrong
        ones), up to the rounding each number shows and its sign (`6.5 - 7.5` where y = 0.5, t = 1);
        None when every such link has one. At most MAX_NUMBERS numbers of a link are looked at."""
        texts = [str(lk.text) for lk in links if lk.kind == "numbers"]
        if not texts:
            return None
        if self._values is None:                     # the problem's values, sorted once for every student
            self._values = sorted(abs(float(v)) for v, _ in self.items.values())
        mine = sorted([abs(v) for v, _ in self._written.values()] + [abs(v) for v in own.values()])
        for text in texts:
            found = _NUMBER.findall(text)[:MAX_NUMBERS]
            if found and not any(_is_value(n, self._values) or _is_value(n, mine) for n in found):
                return said("graph_answers.foreign_numbers", numbers=_clip(text))
        return None

    def _untransposed_at(self, qid: str, number: float, places: int | None,
                         expected: float) -> tuple[str, str, str] | None:
        """(the message, its short form, the gradient's id) when the number is the entry of a gradient with a matrix operand
        used where its transpose belongs (graph_diagnose.untransposed: ∂L/∂x = W·∂L/∂z for z = W*x), and
        not the right value; else None. Built once per checker."""
        if self._untransposed is None:
            self._untransposed = untransposed(self.sol)
        found = self._untransposed.get(qid)
        if found is None or not mistake_written(number, places, found[0], expected, self.tol):
            return None
        _, used, node, whole = found
        grad = "grad_" + node.split(" = ")[0]
        short = said("graph_answers.untransposed_short", used=used)
        return said("graph_answers.untransposed", used=used, node=node, grad=self.name(grad)), short, whole

    def _unmasked_at(self, qid: str, number: float, places: int | None, expected: float) -> str | None:
        """A padded batch's (`model: masked_mean`, padding.py) item whose value is the one a mean over every
        position, pads included, gives (the unmasked mean: h'_2 for h_2, or what follows from it), and not the
        right value: the message saying so; else None."""
        batch = getattr(self.sol.problem, "padding", None)
        if batch is None:
            return None
        from ..padding import unmasked_solution, word_name
        pad = re.fullmatch(r"grad_(x(\d)(\d)|" + re.escape(word_name(batch.pad)) + r")(_\d+)?", qid)
        if pad is not None and expected == 0 and number != 0 and \
                (pad.group(2) is None or batch.masks[int(pad.group(2)) - 1][int(pad.group(3)) - 1] == 0):
            # a pad's gradient (or the pad's row's) that is not 0: the mask entry m_si = 0 stops it
            return said("padding.diagnosis_pad_gradient", name=self.name(qid), pad=batch.pad)
        try:
            value = unmasked_solution(batch).step(qid).value
        except KeyError:
            return None
        if isinstance(value, sp.MatrixBase) or not mistake_written(number, places, float(value), expected, self.tol):
            return None
        return said("padding.diagnosis_unmasked", pad_to=batch.pad_to, pad=batch.pad, value=_short(float(value)))

    def _pad_to_at(self, qid: str, number: float, places: int | None, expected: float) -> str | None:
        """A padded batch's item whose value is the one the masked sum divided by the padded length gives (the
        pads zeroed, n_s = pad_to: h_1 = S_1/4 for S_1/2), and not the right value: the message saying so; else
        None. Asked before the unmasked mean, which names another mistake (the pads averaged in)."""
        batch = getattr(self.sol.problem, "padding", None)
        if batch is None or all(len(s) == batch.pad_to for s in batch.sentences):
            return None
        from ..padding import pad_to_divisor_solution
        try:
            value = pad_to_divisor_solution(batch).step(qid).value
        except KeyError:
            return None
        if isinstance(value, sp.MatrixBase) or not mistake_written(number, places, float(value), expected, self.tol):
            return None
        counts = ", ".join(f"{self.name(f'n{k + 1}')} = {len(s)}" for k, s in enumerate(batch.sentences)
                           if len(s) != batch.pad_to)
        return said("padding.diagnosis_pad_to", pad_to=batch.pad_to, counts=counts)

    def _causes_of(self, qid: str) -> Causes | None:
        """The causes of a factor 2 or ½ the item's formula can have (graph_diagnose.graph_causes), built
        once per checker, for every student, the first time a value is half or twice another."""
        if self._causes is None:
            with self.meter.shared():
                self._causes = graph_causes(self.sol)
        return self._causes.get(qid)

    def _own_slip(self, qid: str, number: float, places: int | None, expected: float, own: dict[str, float],
                  causes: Causes | None, first_of: dict[str, str] | None = None) -> tuple[str, str] | None:
        """(diagnosis, message) for a wrong value that is the sign or a factor 2 or ½ of what this step gives
        at the student's own earlier values (their ∂L/∂h_1 = −0.5, and ∂L/∂b_1 = 0.5 written): the
        follow-through value, slipped. The message names the first wrong value it comes from that the
        student WROTE (their ∂o/∂n, never a step they left out that the checker carried their value through)."""
        mine = {k: self._written[k][0] for k in self._right if k in self._written}
        mine.update(own)
        if not mine:
            return None
        value, used = self._rules().own_value(qid, mine)
        if value is None or abs(value - expected) <= 1e-12 * max(1.0, abs(expected)):
            return None
        found = diagnose_graph_value(number, places, value, self.tol, causes)
        if found is None:
            return None
        code, words = found
        wrong = [u for u in used if u in own]
        if not wrong:
            return code, words
        first_of = first_of or {}
        # the value used, where the student wrote it; else (a step they left out, carried) the first
        # wrong value it comes from, which they did write
        written = [w for w in {u if u in self._written else first_of.get(u, u) for u in wrong}
                   if w in self._written]
        if not written:
            return code, words
        name = min(written, key=lambda u: self.order.get(u, len(self.order)))
        return code, said("graph_answers.of_own_written", what=words, name=self.name(name),
                          given=_short(self._written[name][0]), value=_short(value))

    def _one_left_out(self, alternatives: list, number: float, places: int | None, expected: float,
                      own: dict[str, float], *, points_first: bool) -> object | None:
        """The key of the first of `alternatives` ((key, rule with a part left out, the whole rule or None))
        whose value, at the true values or at the student's own earlier ones (`own`, and the right values they
        wrote), is the number written but not the right value, nor (with a whole rule) the whole rule's value
        there: what they left out. Tried rule by rule, each at both points, or (points_first) point by point.
        None when none is. The one search of _left_out (a local derivative) and _paths_left (a path)."""
        rules = self._rules()
        mine = {k: self._written[k][0] for k in self._right if k in self._written}
        mine.update(own)
        points = ({}, mine)
        tries = [(p, a) for p in points for a in alternatives] if points_first else \
            [(p, a) for a in alternatives for p in points]
        for point, (key, alt, whole) in tries:
            value = rules.value_at(alt, point)
            if value is None or compare_number(value, None, expected, self.tol).status == "correct":
                continue
            if whole is not None:
                total = rules.value_at(whole, point)
                if total is None or compare_number(value, None, total, self.tol).status == "correct":
                    continue
            if compare_number(number, places, value, self.tol).status == "correct":
                return key
        return None

    def _left_out(self, qid: str, number: float, places: int | None, expected: float,
                  own: dict[str, float]) -> tuple[tuple[str, str], tuple[str, str]] | None:
        """((gradient, node), (message, the local derivative's name)) for a gradient entry whose value is what it would be with the local
        derivative of an elementwise node left out (graph_own.elementwise: ∂L/∂z_1 written as ∂L/∂h_1 of
        h = sigmoid(z), σ'(z_1) forgotten), at the true values or at the student's own earlier ones; None
        otherwise, and where leaving it out changes nothing (a local derivative of 1 there)."""
        rules = self._rules()
        if qid not in rules.left_out:
            return None
        found = self._one_left_out([((q, fname, fsuffix), alt, None) for q, fname, fsuffix, alt in rules.left_out[qid]],
                                   number, places, expected, own, points_first=False)
        if found is None:
            return None
        q, fname, fsuffix = found
        from .graph_diagnose import _shown as formula_of, masked
        local = f"∂{self.name(fname)}/∂{self.name(q)}"
        node = formula_of(self.sol.problem.get(fname))
        given = self.name(f"grad_{fname}{fsuffix}")
        if masked(self.sol, q, fname, qid[len("grad_" + q):], fsuffix):
            # relu (or another step-like local derivative) that is 0 here: the mask forgotten
            words = said("graph_answers.mask_forgotten", local=local, node=node, given=given,
                         name=self.name(qid))
            return (q, fname), (words, said("graph_answers.mask_forgotten_short"))
        words = said("graph_answers.local_left_out", local=local, node=node, given=given,
                     name=self.name(qid))
        return (q, fname), (words, said("graph_answers.local_left_short", local=local))

    def _paths_left(self, qid: str, number: float, places: int | None, expected: float,
                    own: dict[str, float]) -> str | None:
        """The message for a gradient entry of a node used by two or more nodes whose value is the
        contribution of one path alone (∂L/∂x written as ∂L/∂q · ∂q/∂x, the path through f left out), at
        the true values or at the student's own earlier ones; None otherwise."""
        rules = self._rules()
        if qid not in rules.paths:
            return None
        base, paths = rules.paths[qid]
        whole = rules.rules[qid]
        fname = self._one_left_out([(f, term, whole) for f, term in paths], number, places, expected, own,
                                   points_first=True)
        if fname is None:
            return None
        return said("graph_answers.paths_not_summed", consumer=self.name(fname),
                    grad=self.name(f"grad_{base}"), node=self.name(base),
                    consumers=", ".join(self.name(f) for f, _ in paths))

    def _spread(self, qid: str, mine: dict[str, float], used: list[str], value: float,
                via: bool = False) -> tuple[float, float]:
        """(below, above): how far the item's value at the student's values moves when each written value
        it uses that stands for a rounded one moves by half a unit in its last place (at most
        MAX_REEVALUATED of them, two re-evaluations each). A value stands for a rounded one when it shows
        the places asked (or more), or is a right value that is not the exact one (3.018 for 3.01798); a
        wrong integer (q: 4) is exact."""
        below = above = 0.0
        for u in used[:MAX_REEVALUATED]:
            places = self._written.get(u, (0.0, None))[1]
            if places is None or not 0 <= places <= 12 or u not in mine:
                continue
            exact = u in self._right and abs(mine[u] - float(self.items[u][0])) <= 1e-12 * max(1.0, abs(mine[u]))
            if exact or (places < self.tol.precision and u not in self._right):
                continue
            for step in (-0.5, 0.5):
                moved, _ = self._rules().own_value(qid, {**mine, u: mine[u] + step * 10.0 ** -places}, via)
                if moved is None:
                    continue
                below, above = max(below, value - moved), max(above, moved - value)
        return below, above

    def check_file(self, answers: str | Path) -> tuple[list[PartReport], list[str]]:
        """An answers file (YAML, JSON) or a write-up (.tex, .md, .markdown, .txt): the report and what was
        not read."""
        self.meter = Meter(self._parser)        # meter.SECONDS of computing time, as for a network
        try:
            return self._check_file(answers)
        except OverLimit as exc:
            raise OverLimit(said("answers_file.over_limit", source=str(answers), why=text_of(exc))) from None
        finally:
            self.meter = FREE

    def _check_file(self, answers: str | Path) -> tuple[list[PartReport], list[str]]:
        from .read import WRITEUP_SUFFIXES, GivenAnswers, answers_document
        suffix = "" if isinstance(answers, GivenAnswers) else Path(answers).suffix.lower()
        if suffix in WRITEUP_SUFFIXES:
            return self._check_writeup(answers)
        if suffix not in (".yaml", ".yml", ".json", ""):
            raise SymbackpropError(said("graph_answers.not_an_answers_file", path=str(answers),
                                        suffix=suffix.lstrip(".")))
        doc = answers_document(answers, said("file.answers"))
        data = doc.data
        if not isinstance(data, dict):
            from .read import _has_comment, _nothing_written
            key = "graph_answers.empty" if data is None or data == "" else "graph_answers.not_a_mapping_of"
            if data is None and _nothing_written(doc) and _has_comment(Path(answers)):
                key = "graph_answers.only_comments"     # `# nothing yet`: as the network side says (read.py)
            raise SymbackpropError(said(key, path=str(answers), example=self.example_id()))
        if len(data) > MAX_ITEMS:
            raise SymbackpropError(said("graph_answers.too_many", path=str(answers), count=len(data), limit=MAX_ITEMS))
        lines = {k: doc.line_of((k,)) for k in data}

        def as_written(value: Any, path: tuple) -> Any:         # 0.9820 keeps the places it shows
            if isinstance(value, list):
                return [as_written(v, path + (i,)) for i, v in enumerate(value)]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return doc.scalar_text(path) or str(value)
            return value

        problems: list[str] = []
        steps: tuple = ([], [])
        from .fullwidth import fold
        if any(k == "steps" or _STEP_KEY.match(str(k)) or getattr(self.sol.problem, "training", None) is not None
               and self.names.qid(fold(str(k), strict=False)) is None for k in data):    # the run only when needed
            data, steps = self._step_keys(doc, data, problems)
        data = {k: as_written(v, (k,)) for k, v in data.items()}
        report = self.check_entries([(k, v, lines.get(k)) for k, v in data.items()] + steps[0], problems)
        return [self._with_steps(report, steps[1])], problems

    def _step_keys(self, doc, data: dict, problems: list) -> tuple[dict, tuple[list, list]]:
        """The answers file's keys of the optimizer's steps (`steps:`, `step2.new_A_1_2`, `G_1(A_{12})`) read by
        read.py's step reader: (the other keys, (entries of today's ids, step answers))."""
        from .read import Submission, _GraphHints, _step_items
        from .fullwidth import fold
        hints = _GraphHints(self.names)
        sub = Submission(str(doc.source) if hasattr(doc, "source") else "")
        out: list = []
        rest = {}
        for key, value in data.items():
            folded = fold(str(key), strict=False)
            if self.names.qid(folded) is None and _step_items(sub, out, hints, "main", folded, value, (key,), doc,
                                                                 sub.source):
                continue
            rest[key] = value
        problems.extend(sub.problems)
        return rest, self._split_steps(out, problems)

    def _check_writeup(self, path: str | Path) -> tuple[list[PartReport], list[str]]:
        """A write-up: each equation naming an item is judged by its last link, the value (a matrix as
        bmatrix or [[…], […]] is its entries); the working before it is not judged."""
        from .graph_names import bracket_list
        from .latex import split_relations
        from .read import read_graph_writeup
        sub = read_graph_writeup(Path(path), self.names)
        entries = []
        written: dict[tuple[str, int | None], str] = {}    # a scalar's chain as the student wrote it (\sigma(1))
        pieces: dict[tuple[str, int | None], dict[str, str]] = {}   # its links as read -> as written (w_2^T h)
        for ans in sub.answers.get("main", []):
            chain = split_relations(ans.text)
            last = chain[-1][1].strip() if chain else ans.text
            listed = bracket_list(last)
            value = listed if listed is not None else ans.text   # a scalar's whole chain: its working is judged
            if listed is not None and len(chain) > 1 and worked_entries(ans.given) is not None:
                value = ans.given       # a matrix with its working (`= -1 \cdot [[1], [2]] [[1], [2]]^T = …`), as
                #                         written: the reader's text has lost its transposes (a scalar's own)
            if listed is None:
                written[(ans.qid, ans.line)] = ans.given
                pieces[(ans.qid, ans.line)] = _as_written(ans.text, ans.given)
            earlier = next((i for i, e in enumerate(entries) if e[0] == ans.qid), None)
            if earlier is not None and isinstance(entries[earlier][1], str) and self.names_in(
                    (split_relations(entries[earlier][1]) or [("", entries[earlier][1])])[-1][1]):
                entries[earlier] = (ans.qid, value, ans.line)   # `q = x + y` on one line, `q = 3` on a later one
                continue
            entries.append((ans.qid, value, ans.line))
        if len(entries) > MAX_ITEMS:
            raise SymbackpropError(said("graph_answers.too_many", path=str(path), count=len(entries), limit=MAX_ITEMS))
        problems = list(sub.problems)
        steps: list = []
        if self.step_names() is not None:
            from .steps import STEP_ID
            stepped = [a for a in sub.answers.get("main", []) if STEP_ID.match(a.qid)]
            if stepped:
                more, steps = self._split_steps(stepped, problems)
                entries = [e for e in entries if not STEP_ID.match(e[0])] + more
        report = self.check_entries(entries, problems)
        # the report's "given" column: the right side as the student wrote it, not as normalized for reading
        as_given = tuple(replace(v, given=written[(v.qid, v.line)],
                                 links=_links_as_written(v.links, pieces[(v.qid, v.line)]),
                                 message=_quoted_as_written(v.message, pieces[(v.qid, v.line)]))
                         if (v.qid, v.line) in written else v for v in report.verdicts)
        return [self._with_steps(replace(report, verdicts=as_given), steps)], problems

    def _credit(self, status: str) -> float:
        """The rubric's credit for a status, as for a network (rubric.CREDIT_DEFAULTS: imprecise 0.5)."""
        return 1.0 if status == "correct" else self.rubric.credit.get(status, 0.0)

    def _chains(self) -> ChainJudge:
        """The judge of chains (graph_chain.py), built once for every student."""
        if self._chain is None:
            with self.meter.shared():
                self._chain = ChainJudge(self.sol, self.names, expected_items(self.sol), self.tol,
                                         self._parser.parse, lambda q, own: self._rules().own_value(q, own),
                                         lambda: self.meter.shared())
        return self._chain

    def _verdict(self, qid: str, value: Any, line: int | None, own: dict | None = None,
                 first_of: dict | None = None) -> Verdict:
        given = value if isinstance(value, str) else value.given if isinstance(value, WrongShape) else \
            _written_list(value) if isinstance(value, list) else shown(value)
        while isinstance(value, list) and len(value) == 1:       # [3] or [[3]] for a scalar: 3, as "[[3]]" is
            value = value[0]
        if isinstance(value, str) and not isinstance(value, NumberSpelling):
            value = _decimal_comma(value) or value   # "0,5" for a scalar is 0.5, as a network answer reads it
        if qid not in self.items:
            known = ", ".join(list(self.items)[:12])
            return Verdict(qid, self.name(qid), given, float("nan"), "", "unreadable", 0.0, 0.0,
                           message=said("graph_answers.unknown_id", id=repr(qid), ids=known), line=line)
        exact, points = self.items[qid]
        expected = float(exact)
        shown_expected = _shown(exact, self.sol.problem.precision)

        def verdict(status: str, message: str, diagnosis: str | None = None, **kw) -> Verdict:
            credit = 0.0 if diagnosis == "no_value" else self._credit(status)
            return Verdict(qid, self.name(qid), given, expected, shown_expected, status, points, credit,
                           diagnosis=diagnosis, message=message, line=line, unlisted=qid in self.unlisted, **kw)

        if isinstance(value, WrongShape):            # said in full at the first entry only (check_entries)
            return verdict("wrong", value.message, "shape")
        chain = None
        if isinstance(value, str) and not isinstance(value, NumberSpelling) and written_number(value) is None:
            try:
                chain = self._chains().judge(qid, value, self._mine(own or {}) if self._off else own or {})
            except AnswerError as exc:
                return verdict("unreadable", text_of(exc))
        if chain is not None:
            links = chain.links
            bad = [lk for lk in links if not lk.ok and lk.kind not in ("unread", "reason")]
            unread = [lk.message for lk in links if lk.kind == "unread"]
            if chain.value is None:                  # a rule (grad_s: p - t) or a name alone: no value
                if bad:
                    return verdict("wrong", _joined([bad[0].message] + unread), "rule", links=links)
                key = "answer.no_value_name" if all(lk.kind == "name" for lk in links) else "answer.no_value_rule"
                return verdict("wrong", _joined([said(key)] + unread), "no_value", links=links)
            number, places, bound = chain.value, chain.places, chain.bound
            foreign = self._foreign_numbers(links, own or {})
            if foreign is not None:                  # a note only: the numbers give the value, so no credit is lost
                unread = unread + [foreign]
        else:
            links, bad, unread, bound = (), [], [], 0.0
            number, places, why = self.read(value)
            if number is None:
                return verdict("unreadable", why)
        match = compare_number(number, places, expected, self.tol, bound)
        status = match.status or "wrong"
        self._written[qid] = (number, places)       # the value as written, feeding later items if right
        given_by = self._numbers_before(links) if status in ("wrong", "rounding") and not bad else None
        if given_by is not None and not given_by[1] and _near(number, places, expected):
            # rounded wrongly or one unit off, but what the numbers (rounded values of right ones) give: they
            # stand for any value between theirs and the true value, and a value within that is right from them
            spread = (max(0.0, expected - given_by[0]), max(0.0, given_by[0] - expected))
            from_numbers = compare_within(lambda v, d, t: compare_number(v, d, t, self.tol), number, places,
                                          expected, spread, self.tol)
            if from_numbers.status == "correct":
                return verdict("correct", _joined([said("diagnosis.rounded_earlier")] + unread), links=links,
                               value=number)
        if status in ("wrong", "rounding") and bad and bad[0].kind == "rule" and _near(number, places, expected):
            # a wrong rule whose value is right from the student's own rounded numbers (−2.2315 × 0.7616 =
            # −1.6995 for −1.69958): the rule is the mistake, said as for the value written right (t11 #5)
            numbers = self._numbers_before(links)
            if numbers is not None and compare_number(number, places, numbers[0], self.tol).status == "correct":
                return verdict("slip", _joined([said("diagnosis.working_wrong", why=bad[0].message),
                                                said("diagnosis.rounded_earlier")] + unread),
                               "working", links=links, value=number)
        if status == "correct" and not (qid in self._transposed and self._transposed[qid][1]):
            if bad:
                return verdict("slip", _joined([said("diagnosis.working_wrong", why=bad[0].message)] + unread),
                               "working", links=links, value=number)
            return verdict("correct", _joined(unread), links=links, value=number)
        if qid in self._transposed and (status != "correct" or self._transposed[qid][1]):
            whole, flipped = self._transposed[qid]
            follows = None
            if flipped and status != "correct":       # the transpose of the student's own values (their ∂L/∂z)?
                carried = None if bad else self._follow_through(qid, number, places, expected, own or {},
                                                                first_of or {})
                if carried is None or carried[0] not in ("correct", "follow_through"):
                    wrong = self._shape_wrong[whole]          # no transpose of anything: the wrong shape
                    return verdict("wrong", wrong.message, "shape", value=number)
                follows = carried[1] if carried[0] == "follow_through" else None
            if whole in self._charged:               # one mistake, charged once per matrix, as a teacher marks it
                return verdict("follow_through", _joined([said("graph_answers.transposed_counted",
                                                               name=self.name(whole),
                                                               first=self.name(self._charged[whole]))]
                                                         + ([follows] if follows else [])),
                               "transposed", value=number, source=self._charged[whole])
            self._charged[whole] = qid
            shape = f"{self._matrix_of(whole).rows}×{self._matrix_of(whole).cols}"
            words = said("graph_answers.transposed", name=self.name(whole), of=self.name(whole[len("grad_"):]),
                         shape=shape) if whole.startswith("grad_") else \
                said("graph_answers.transposed_value", name=self.name(whole), shape=shape)
            # (its message alone: the class summary names the matrix from it, grade._transposed_whole; the
            # entries counted from it say what they follow from)
            return verdict("wrong", words, "transposed", value=number)
        if status == "wrong" and chain is not None and chain.arithmetic is not None:
            slipped = chain.arithmetic.numbers
            if slipped is not None and abs(slipped) > self.tol.floor and \
                    compare_number(-number, places, slipped, self.tol).status == "correct":
                # the numbers give the negative of the value written: a sign slip (docs/checking.md §2)
                return verdict("wrong", _joined([said("answer.sign_because", sign=said("diagnosis.sign"),
                                                      why=chain.arithmetic.message)] + unread), "sign",
                               links=links, value=number)
            return verdict("wrong", _joined([chain.arithmetic.message] + unread), "arithmetic", links=links,
                           value=number)
        if status in ("wrong", "rounding", "imprecise") and not bad:      # a wrong rule is charged, never carried
            carried = self._follow_through(qid, number, places, expected, own or {}, first_of or {},
                                           given_by[0] if given_by is not None and given_by[1] else None)
            if carried is not None and status == "imprecise" and carried[0] not in ("correct", "follow_through"):
                carried = None          # imprecise either way: said as the right value's rounding
            if carried is not None:
                # (a value that is also a coarse rounding of the right one, 0.2 for 0.25, but exactly what the
                # student's own earlier values give, 0.4 × 0.5, follows through, as for a network: checker.py)
                ft_status, ft_message, source = carried
                if ft_status == "correct":
                    return verdict("correct", _joined([ft_message] + unread), links=links, value=number)
                return verdict(ft_status, _joined([ft_message] + unread),
                               None if ft_status == "follow_through" else ft_status, links=links, value=number,
                               source=source)
        if status != "wrong":                        # imprecise, rounded wrongly
            return verdict(status, _joined([match.message] + unread), status, links=links, value=number)
        slip = self._untransposed_at(qid, number, places, expected)
        if slip is not None:                         # W·∂L/∂z for Wᵀ·∂L/∂z: said before any factor it happens to be
            key = (slip[2], "ᵀ")                     # (kept with local_left's: no node is named ᵀ)
            if key in self._local_left:              # another entry of the same gradient: charged once
                first = self._local_left[key]
                return verdict("follow_through", _joined([said("diagnosis.same_mistake", what=slip[1],
                                                               name=self.name(first))] + unread),
                               "untransposed", links=links, value=number, source=first)
            self._local_left[key] = qid
            return verdict("wrong", _joined([slip[0]] + [lk.message for lk in bad[:1]] + unread), "untransposed",
                           links=links, value=number)
        divided = self._pad_to_at(qid, number, places, expected)
        if divided is not None:                      # a padded batch's masked sum divided by pad_to, not n_s
            return verdict("wrong", _joined([divided] + [lk.message for lk in bad[:1]] + unread), "pad_to_divisor",
                           links=links, value=number)
        unmasked = self._unmasked_at(qid, number, places, expected)
        if unmasked is not None:                     # a padded batch's mean taken over the pads too
            return verdict("wrong", _joined([unmasked] + [lk.message for lk in bad[:1]] + unread), "unmasked_mean",
                           links=links, value=number)
        causes = self._causes_of(qid)
        if self._rounded_numbers(links, number, places):
            # the value is the rounding of what the student's own numbers give (0.5 × 0.8 − 1 = −0.6 ≈ −1, the
            # tool's own --precision 0 solution): no sign or factor slipped at the value; judged on its own
            found = None
        else:
            found = diagnose_graph_value(number, places, expected, self.tol, causes)
        if found is not None:                        # the sign, a factor 2 or ½: said first, with a wrong link's why
            code, words = found
            half = code == "factor_two" and causes is not None and causes.half is not None
            if half and self._half_left is not None:    # the ½ left out again: charged once
                first = self._half_left
                what = said("graph_answers.half_left_out", name=self.name(first))
                same = said("diagnosis.same_mistake", what=what, name=self.name(first))
                return verdict("follow_through", _joined([same] + unread), code, links=links, value=number,
                               source=first)
            if half:
                self._half_left = qid
            return verdict("wrong", _joined([words] + [lk.message for lk in bad[:1]] + unread), code, links=links,
                           value=number)
        if not bad and not self._rounded_numbers(links, number, places):
            # a sign or factor slip of the value their own values give
            found = self._own_slip(qid, number, places, expected, own or {}, causes, first_of or {})
            if found is not None:
                code, words = found
                return verdict("wrong", _joined([words] + unread), code, links=links, value=number)
        if not self._rounded_numbers(links, number, places):
            left = self._left_out(qid, number, places, expected, own or {})
            if left is not None:                     # ∂L/∂h written for ∂L/∂z: the step of h = σ(z) left out
                key, words = left
                if key in self._local_left:          # the same step, another entry: charged once per gradient
                    first = self._local_left[key]
                    what = words[1]
                    return verdict("follow_through", _joined([said("diagnosis.same_mistake", what=what,
                                                                   name=self.name(first))] + unread),
                                   "local_left", links=links, value=number, source=first)
                self._local_left[key] = qid            # (a rule written for it, ∂L/∂h, is the same mistake)
                return verdict("wrong", _joined([words[0]] + [lk.message for lk in bad[:1]] + unread), "local_left",
                               links=links, value=number)
            paths = self._paths_left(qid, number, places, expected, own or {})
            if paths is not None:                    # one path through a node used twice: the sum not taken
                key = (self._rules().paths[qid][0], "∑")     # (kept with local_left's: no node is named ∑)
                if key in self._local_left:          # another entry of the same gradient: charged once
                    first = self._local_left[key]
                    what = said("graph_answers.paths_not_summed_short")
                    return verdict("follow_through", _joined([said("diagnosis.same_mistake", what=what,
                                                                   name=self.name(first))] + unread),
                                   "paths_left", links=links, value=number, source=first)
                self._local_left[key] = qid
                return verdict("wrong", _joined([paths] + [lk.message for lk in bad[:1]] + unread), "paths_left",
                               links=links, value=number)
        if bad:
            return verdict("wrong", _joined([bad[0].message] + unread), "rule" if bad[0].kind == "rule" else "numbers",
                           links=links, value=number)
        if shows_no_digit(number, places, expected, self.tol.precision):
            # the right value rounded to places that stop before its first digit (−1 for −0.8176), as for a network
            return verdict("wrong", _joined([said("diagnosis.no_digit_places" if places != 1 else
                                                  "diagnosis.no_digit_place", decimals=places)] + unread),
                           links=links, value=number)
        asked = self.tol.precision
        if places is not None and asked <= places <= 12:    # the last digit one off (1.5455 for 1.54564)
            right = round(expected, places)
            if abs(abs(number - right) - 10.0 ** -places) < 10.0 ** -places * 1e-6:
                return verdict("wrong", _joined([said("diagnosis.one_unit_off_one" if places == 1
                                                      else "diagnosis.one_unit_off", decimals=places,
                                                      right=f"{right:.{places}f}")] + unread),
                               links=links, value=number)
        # no known mistake, rounding or working explains it: said so, never the expected value alone
        return verdict("wrong", _joined([said("diagnosis.unexplained"),
                                         said("graph_answers.expected", expected=shown_expected)] + unread),
                       links=links, value=number)


class GraphGrader:
    """A grading worker's checker of a graph (the network's `Grader` interface: `check(path, part)`,
    `close()`): one GraphChecker for every submission, since nothing it keeps depends on a student
    (the rules of follow-through, the parser's parsed texts), so each is judged as when checked alone."""

    def __init__(self, sol: GraphSolution, rubric: Rubric | None = None, parser=None) -> None:
        self.checker = GraphChecker(sol, rubric, parser)
        self._parser = parser

    def check(self, path: str | Path, part: str | None = None) -> tuple[list[PartReport], list[str]]:
        return self.checker.check_file(path)

    def close(self) -> None:
        if self._parser is not None:
            self._parser.close()
        self.checker.close()


def graph_max(sol: GraphSolution, rubric: Rubric | None = None) -> float:
    """The points of a graph problem: what a student not graded is out of."""
    rubric = rubric or Rubric()
    steps = graph_step_ids(sol)
    return float(sum(p for _, p in rubric_items(expected_items(sol), rubric, sol).values())) + \
        float(sum(p for q, p in (rubric.items or {}).items() if q in steps))


_NUMBER = re.compile(r"(?<![A-Za-z_\\\d.])\d+(?:\.\d+)?")   # a number written in a link (not x_1's 1)
MAX_NUMBERS = 100             # numbers of one link compared with the problem's values


def _is_value(text: str, pool: list[float]) -> bool:
    """Whether a number as written (`0.018`, `7`) is one of `pool` (sizes, sorted) up to the rounding it
    shows: half a unit in its last place for a decimal, exactly for an integer (a bisection: the work is
    the log of the pool's size)."""
    size = float(text)
    places = len(text.partition(".")[2])
    slack = (0.5 * 10.0 ** -places * (1 + 1e-9) if places else 0.0) + 1e-9 * max(1.0, size)
    at = bisect.bisect_left(pool, size - slack)
    return at < len(pool) and pool[at] <= size + slack


def _near(number: float, places: int | None, target: float) -> bool:
    """Whether a decimal is at most one unit in its last place from the rounding of `target` to its places
    (rounded wrongly, or one unit off): how far rounding the numbers substituted may move the last digit."""
    return places is not None and 0 <= places <= 12 and abs(number - target) < 1.5 * 10.0 ** -places


# verdicts from the worst to the best, to count the worse of two answers (checker._merge_duplicates' order)
_WORSE_FIRST = ("unreadable", "wrong", "slip", "rounding", "imprecise", "other_convention", "follow_through",
                "correct")
_COMMA_NUMBER = re.compile(r"\s*[-+]?\d{1,20},\d{1,20}\s*")


def _decimal_comma(text: str) -> str | None:
    """A lone number with one decimal comma (`0,5`, `-0,9820`, `12,5`) as the decimal it can only be
    (numbers.commas, the network reader's rule), keeping its places; None for anything else, and for a
    comma in doubt (`1,000`: one thousand or 1.000?), which stays unreadable with the reader's reason."""
    if len(text) > 50 or not _COMMA_NUMBER.fullmatch(text):
        return None
    from .numbers import commas
    rewritten = commas(text.strip())
    return rewritten if "," not in rewritten and written_number(rewritten) is not None else None


def _as_written(text: str, given: str) -> dict[str, str]:
    """Each link of a write-up's chain as the reader gave it to the checker (`w_2 h + b_2`: a scalar's
    transpose dropped, `\\mathrm{sigmoid}` for `\\sigma`) -> the link as the student wrote it (`w_2^T h + b_2`),
    so that a report quotes the student's own words; {} when the two do not split into the same links."""
    if text == given:
        return {}
    from .latex import split_relations
    read, wrote = split_relations(text), split_relations(given)
    if len(read) != len(wrote):
        return {}
    return {" ".join(a.split()): b.strip() for (_, a), (_, b) in zip(read, wrote) if a.strip() != b.strip()}


def _links_as_written(links: tuple, pieces: dict[str, str]) -> tuple:
    """The links with each text as the student wrote it."""
    if not pieces or not links:
        return links
    out = []
    for lk in links:
        wrote = pieces.get(" ".join(str(lk.text).split()))
        if wrote is not None:
            lk = replace(lk, text=wrote)           # its message stays as said (translated in a report)
        if lk.message:
            lk = replace(lk, message=_quoted_as_written(lk.message, pieces))
        out.append(lk)
    return tuple(out)


def _quoted_as_written(message: str, pieces: dict[str, str]) -> str:
    """A message with each link it quotes (as the report clips it: `the numbers `[[1], [-2]] \\cdot …``) as the
    student wrote it (`\\begin{bmatrix}1 \\\\ -2\\end{bmatrix} \\cdot …`); a `Said` stays one (translatable)."""
    if not message or not pieces:
        return message
    for read, wrote in pieces.items():
        message = replaced(message, _clip(read), _clip(wrote))
    return message


def _shape_said_once(verdicts: list[Verdict]) -> list[Verdict]:
    """A matrix answered in the wrong shape is one mistake: every entry stays WRONG (`shape`), but its
    message is said in full at the first entry that counts it, the others "(wrong shape, as above)", so
    that a 3×3 matrix's report does not repeat one long sentence nine times."""
    seen: set[str] = set()
    out = []
    for v in verdicts:
        if v.diagnosis == "shape" and v.message in seen:
            v = replace(v, message=said("graph_answers.shape_as_above"))
        elif v.diagnosis == "shape":
            seen.add(v.message)
        out.append(v)
    return out


def require_explained(verdicts: list[Verdict]) -> None:
    """Every WRONG graph verdict has a diagnosis code or says why beyond the expected value: a bare
    "expected 2.0596" passed require_reasons (it is a message) though it explains nothing, so it is a
    bug of ours too (InternalError, exit 3)."""
    for v in verdicts:
        if v.status == "wrong" and v.diagnosis is None and \
                str(v.message or "").strip() == said("graph_answers.expected", expected=v.expected_text).strip():
            raise InternalError(said("internal.wrong_without_reason", name=v.name))


def _shown(value, precision: int) -> str:
    from ..printing import format_value
    return format_value(sp.sympify(value), precision)[0]


def check_graph_answers(sol: GraphSolution, answers: str | Path, rubric: Rubric | None = None,
                        parser=None) -> tuple[list[PartReport], list[str]]:
    """One student's answers file or write-up against a graph: a report (one part, `main`) and what
    was not read. `parser`: a LaTeX parser to use (a grading worker's), else one started when needed."""
    checker = GraphChecker(sol, rubric, parser)
    try:
        return checker.check_file(answers)
    finally:
        checker.close()


def _shape_of(listed: list) -> str:
    """A list answer's shape in words: `3×3`, `a list of 4` (entries), or rows of unequal lengths."""
    if listed and all(isinstance(r, list) for r in listed):
        lengths = {len(r) for r in listed}
        if len(lengths) == 1:
            return said("graph_answers.shape_matrix", rows=len(listed), cols=lengths.pop())
        return said("graph_answers.ragged", lengths=", ".join(str(len(r)) for r in listed[:8]))
    if len(listed) == 1:
        return said("graph_answers.flat_one")                   # "a list of 1 number", singular
    return said("graph_answers.flat", count=len(listed))


def _written_list(value: Any) -> str:
    """A list answer (of rows) as the student wrote it, for a report's "given": `[[1, 2], [3, 4]]`."""
    if isinstance(value, list):
        return "[" + ", ".join(_written_list(v) for v in value) + "]"
    return str(value) if isinstance(value, str) else shown(value)      # true, null as written, never True, None


def _shape_words(rows: int, cols: int) -> str:
    """`a 3×3 matrix`, `a vector of 3 (3×1)`: the shape an answer is expected in."""
    if rows == 1 or cols == 1:
        return said("graph_answers.shape_vector", count=rows * cols, rows=rows, cols=cols)
    return said("graph_answers.shape_matrix", rows=rows, cols=cols)


def _same_value(a, b) -> bool:
    """Whether two answers of one item are one value: the same text, or last links that agree to the fewer
    places of the two (a step-1 section's `g_1(A_{11}) ≈ -0.0313003` and the backward pass's `… ≈ -0.0313`)."""
    if str(a).strip() == str(b).strip():
        return True
    from .steps import value_of
    x, y = value_of(str(a)), value_of(str(b))
    if x is None or y is None:
        return False
    if x[1] is None or y[1] is None:
        return x[0] == y[0]
    places = max(min(x[1], y[1]), 0)
    return abs(x[0] - y[0]) <= 0.5 * 10.0 ** -places * (1 + 1e-9) + 1e-12 * max(1.0, abs(x[0]))
