"""Check one student's answers to one part, item by item, the way a careful grader marks them.

For every answered quantity (in the solution's order, so earlier answers are known when later
ones are checked):

1. read it: a number, or LaTeX — a chain `rule = numbers = value` whose every link is checked:
   the rule on random problems (instances.py), the numbers against the values they stand for,
   the arithmetic between the numbers and the value. Only a value is graded: the quantity's own
   name or a rule with nothing substituted earns nothing ("no value"); a value written as one
   number shows its decimal places whatever wraps it (`(0.98)` is 0.98);
2. compare the value with the expected one (compare.py: tolerance, rounding);
3. if it is wrong, recompute the step from the student's own values of what it is computed from,
   those they did not write recomputed from those they did (own.py): consistent work gets
   follow-through credit whichever middle steps were written, and the report names the first
   wrong item as the first error;
4. if still wrong, recompute it under each mistake students make (diagnose.py) and say which one
   reproduces the student's number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from itertools import combinations

import mpmath
import sympy as sp

from ..errors import InternalError
from ..symbolic_rules import RULE_IDS
from ..printing import message_number
from ..quantity import Key
from ..solution import PartSolution
from ..messages import Said, catalogue, joined, replaced, said, text_of
from . import copied, diagnose
from .compare import (SCIENTIFIC, Match, Tolerance, compare_number, compare_within, figures_match, shown_decimals, shows_no_digit,
                      too_few_figures,
                      within, written_number)
from .expr import DIGITS, OutOfRange, evaluate, negate_at, node_at, numbers, replace_at
from .euler import euler_as_error
from .fullwidth import fold
from .instances import StepRules, instances, true_values
from .fullwidth import EQUATION_HINT
from .latex import (AnswerError, Node, Parser, cases_rows, check_size, explain_unknown, holds, normalize, prepare,
                    split_reason, split_relations)
from .meter import FREE, Meter, _Free
from .names import NameTable, either, hint_for
from .numbers import elided, truncated, typed_doubt
from .own import NO_WORKING, Graph, OwnValues
from .spread import Interval, Spread, written_spread
from ..rubric import Rubric

MAX_REEVALUATED = 100         # numbers of one expression re-evaluated one by one (rounding bound, sign slips)
MAX_PASSES = 3               # judgings of one submission: a given copy pinned by a later item re-judges it
MAX_EXPONENT = 300            # a value is between 10^-300 and 10^300 in size (or 0): beyond is out of range
ITEM_SECTIONS = ("forward", "loss", "output", "hidden", "inputs", "shared", "updated", "test")
GOOD = ("correct", "follow_through", "other_convention")


def require_reasons(verdicts: list["Verdict"]) -> None:
    """Every WRONG verdict says why: one without a reason is a bug of ours, raised as an InternalError
    (exit 3) rather than shown to a student as a bare "WRONG"."""
    for v in verdicts:
        if v.status == "wrong" and not str(v.message or "").strip():
            raise InternalError(said("internal.wrong_without_reason", name=v.name))


@dataclass(frozen=True)
class Answer:
    """What a student wrote for one quantity: a number, or LaTeX (an expression or a chain)."""

    qid: str
    text: str
    line: int | None = None
    number: bool = False           # given as a YAML/JSON number
    unreadable: str | None = None  # why the reader could not take it as a number (0x1F, .inf): the verdict's message
    shown: str | None = None       # the text as the student wrote it, for the report (a write-up's is normalized)

    @property
    def given(self) -> str:
        """What the report shows as given: the student's own text."""
        return self.text if self.shown is None else self.shown


@dataclass(frozen=True)
class Link:
    """One link of a chain `rule = numbers = value`, and what was found about it."""

    relation: str                  # "", "=", "≈"
    text: str
    kind: str                      # name, rule, numbers, value
    ok: bool
    message: str = ""
    own: bool = False              # judged with the student's own earlier values, not the true ones
    convention: bool = False       # wrong here, right in the other δ convention (δ negated)
    numbers: float | None = None   # an arithmetic slip: what the numbers before the value give
    # a right rule (its kind "rule", ok): its value at the student's own earlier values when that differs
    # from the true one, and the quantities it names; the value that follows from their work by the right rule
    at_own: float | None = None
    uses: tuple = ()
    # a wrong rule: the codes of the mistakes found to give it (diagnose.rule_mistakes), which decide a tie of
    # the value's diagnosis (diagnose._by_writing), and `uses` the quantities it names
    mistakes: tuple = ()
    # substituted numbers (kind "numbers"): what they give, and the fewest places of the decimals in them
    # that stand for rounded values (None: none does), for a value rounded from them (_from_rounded_numbers)
    worth: float | None = None
    fewest: int | None = None


@dataclass(frozen=True)
class Verdict:
    """The verdict on one item: data, never a bare bool."""

    qid: str
    name: str                      # as the problem's notation writes it
    given: str
    expected: float
    expected_text: str
    status: str                    # correct, follow_through, other_convention, imprecise, rounding, slip, wrong, unreadable
    points: float = 1.0
    credit: float = 0.0
    diagnosis: str | None = None   # a code from diagnose.py, "arithmetic", "numbers"…
    message: str = ""
    links: tuple[Link, ...] = ()
    line: int | None = None
    value: float | None = None     # the student's value, when one could be read
    source: str | None = None      # a follow-through: the first wrong item it follows from
    unlisted: bool = False         # a computed quantity the rubric's `items` does not list (no points): judged
    #                                and reported in JSON, yet neither graded nor a value the problem gives
    step: int | None = None        # an optimizer step's item (answers/steps.py): its step t; it has a row of the
    #                                report's table, and a wrong value fails full marks, with points or without

    @property
    def score(self) -> float:
        return self.points * self.credit

    @property
    def is_rule(self) -> bool:
        """Whether the item is a general rule (delta_hidden …) rather than a quantity of the problem."""
        return self.qid in RULE_IDS

    @property
    def graded(self) -> bool:
        """Whether the item is one the student is judged on, not a value the problem gives (η, a weight):
        a quantity with points, or a general rule (worth 0 points unless the rubric lists it)."""
        return bool(self.points) or self.is_rule

    @property
    def given_value(self) -> bool:
        """Whether the item is a value the problem gives (η, a weight, an input): no points, and not a
        computed quantity the rubric leaves out (`unlisted`)."""
        return not self.graded and not self.unlisted

    @property
    def full_marks(self) -> bool:
        """Whether the item earned all its points, whatever its status (the other δ convention credited
        in full, or an imprecise answer a rubric credits in full, does). A given value (η, a weight: no
        points) counts as earned unless written otherwise than the problem gives it; a general rule the
        rubric does not list (no points) when it is right; a computed quantity the rubric does not list
        (`unlisted`) always: it is not graded."""
        if not self.points and self.is_rule:
            return self.credit >= 1 - 1e-9
        if self.step is not None and not self.points:
            return self.status in ("correct", "follow_through")
        if self.unlisted:
            return True
        if not self.points:
            return self.status in ("correct", "follow_through")
        return self.credit >= 1 - 1e-9


@dataclass(frozen=True)
class PartReport:
    part: str
    verdicts: tuple[Verdict, ...]
    missing: tuple[str, ...]
    max_score: float
    notes: tuple[str, ...] = ()
    first_error: str | None = None
    missing_names: dict = field(default_factory=dict)
    item_points: dict = field(default_factory=dict)      # every expected item and its points

    @property
    def score(self) -> float:
        return sum(v.score for v in self.verdicts if v.points)

    @property
    def ok(self) -> bool:
        """Every answered item correct on its own (a stricter test than `full_marks`)."""
        return all(v.status in ("correct",) for v in self.verdicts)

    @property
    def full_marks(self) -> bool:
        """Every answered item earned its full points (`Verdict.full_marks`): what `check` exits 0 on."""
        return all(v.full_marks for v in self.verdicts)

    def __str__(self) -> str:
        """The part's table as `symbackprop check` prints it (print(report) outside a notebook): its score
        line, the verdicts, the rules' lines, first error and left out; no file name nor total line."""
        from ..render.report import render_text
        return "\n".join(render_text([self], "", []).split("\n")[2:-3])

    def _repr_markdown_(self) -> str:          # Jupyter and Colab show a report as its table
        from ..render.report import render_markdown
        return render_markdown([self], f"part {self.part}", [])

    def show(self, lang: str = "en"):
        """The report as a notebook shows it, in `lang`: `report.show(lang="zh")` (render/display.py)."""
        from ..render.display import Shown
        return Shown(self, lang)


def items_of(psol: PartSolution, rubric: Rubric) -> dict[str, float]:
    """The items a student is expected to answer, with their points."""
    computed = [s.id for s in psol.steps if s.section in ITEM_SECTIONS]
    if rubric.items is None:
        return {q: 1.0 for q in computed}
    from .steps import step_item_ids
    return {q: p for q, p in rubric.items.items()
            if q in set(computed) | {s.id for s in psol.steps} | set(RULE_IDS) or q in step_item_ids(psol)}


def _shown_rule(rule) -> "sp.Expr":
    """The form of a general rule the expected column shows: the specialised one (δ_k = t_k − z_k for
    sigmoid with cross-entropy, u_k − t_k for identity with ½SE) where it is shorter than the general
    rule, as solve and derive show it; else the general rule."""
    import sympy as sp
    short = [form for _, form in rule.specialised if sp.count_ops(form) < sp.count_ops(rule.rule)]
    return min(short, key=sp.count_ops) if short else rule.rule


def _sample_of(qid: str) -> int | None:
    """The 0-based sample of an item's id (`net_4@1`: 0), whose per-sample quantities a name written without
    its sample inside the item's working names; None for an item of the whole batch or of a single sample."""
    key = Key.parse(qid)
    return None if key is None else key.sample


class Checker:
    """Checks answers against one part's solution; built once per part, used for many students."""

    def __init__(self, psol: PartSolution, rubric: Rubric, parser: Parser) -> None:
        self.psol, self.rubric, self.parser = psol, rubric, parser
        self.table = NameTable(psol)
        self.tol = Tolerance(rubric.relative, rubric.absolute, psol.part.precision)
        self.true = true_values(psol)
        self.instances = instances(psol)
        self.steps = StepRules(psol)                   # the step rules, compiled once per part
        self.items = items_of(psol, rubric)
        self.order = {s.id: n for n, s in enumerate(psol.steps)}
        self.symbol_of = {s.id: s.symbol for s in psol.steps}
        self.graph = Graph(self)                       # what each step is computed from, for follow-through
        # (numbers as parsed, the decimals among them taken as rounded) -> (exact value, value, bound, places)
        self.numbers_cache: dict[tuple, tuple] = {}
        self.step0 = float(psol.part.relu_derivative_at_zero)      # step(0) written in an answer
        # verdicts that depend on nothing but the answer's own text: (qid, text, number) -> Verdict
        self.right: dict[tuple, tuple[Verdict, tuple[str, ...], float]] = {}   # verdict, texts parsed, CPU cost
        self.rules = None                              # general.RuleChecker, made when a rule is answered
        self.meter: Meter | _Free = FREE               # the current submission's computing time
        self._reused: set[tuple] = set()               # remembered verdicts the current submission has paid for
        self.spread: Spread | None = None              # the current submission's rounding spreads (spread.py)
        self.flipped_symbols: frozenset = frozenset()   # the δs the current pass takes as the other convention
        self.variants: dict[str, list] = {}            # diagnose.py's mistakes per step, built once
        # as the worked solution shows each value (solution.Step.shown): a given value as written, the rest rounded
        self.expected_text = {s.id: s.shown(psol.part.precision)[0] for s in psol.steps}
        # numbers that are some quantity's exact value (0.5 = u_4), or a constant of a rule (the ½ of the
        # loss ½(t − u)², the 1/N of a mean), are not rounded when written
        self.exact = {abs(Fraction(int(s.value.p), int(s.value.q))) for s in psol.steps if s.value.is_Rational}
        self.exact |= {abs(Fraction(int(c.p), int(c.q))) for s in psol.steps for f in s.forms
                       for c in sp.sympify(f).atoms(sp.Rational) if not c.is_Integer}
        # per step, the quantities it is computed from (directly or not) and itself: a decimal written in its
        # answer may be a rounding of one of their values, or of 1 minus it
        self.upstream: dict[str, frozenset] = {}
        by_symbol = {s.symbol: s for s in psol.steps}
        for s in psol.steps:
            seen, todo = {s.symbol}, [s]
            while todo:
                for f in todo.pop().forms:
                    for sym in getattr(f, "free_symbols", ()):
                        if sym in by_symbol and sym not in seen:
                            seen.add(sym)
                            todo.append(by_symbol[sym])
            self.upstream[s.id] = frozenset(seen)
        self.references = {q: _references(by_symbol[sym].float_value for sym in syms)
                           for q, syms in self.upstream.items()}

    # -- one student ---------------------------------------------------------------------------
    def check(self, answers: list[Answer], meter: Meter | None = None) -> PartReport:
        """One student's report. `meter` charges the submission's computing time answer by answer."""
        self.meter = meter or FREE
        self._reused = set()
        pinned: dict = {}
        for _ in range(MAX_PASSES):
            report, own = self._check_pass(answers, pinned)
            # a given copied wrong, charged on a later item, that also explains an earlier item left
            # unexplained because another given did too (net_3 = 397: w_13 = 13 or w_03 = 37): judged again
            # with that copy pinned, so it is charged once, at the first item that shows it (copied.py)
            more = {leaf: c for pairs in own.ambiguous.values() for leaf, c in pairs
                    if leaf not in pinned and own.copy_value.get(leaf) == float(c)}
            if not more:
                break
            pinned.update(more)
        return self._in_other_convention(answers, pinned, report)

    def _in_other_convention(self, answers: list[Answer], pinned: dict, report: PartReport) -> PartReport:
        """The report once δs accepted as the other convention (δ = −∂L/∂net where this problem has
        ∂L/∂net, or the reverse) are the student's own δs in this problem's terms, negated back: a ∂L/∂w,
        Δw or w^new has the same sign in both conventions (∂L/∂w = −δx in the other one), so a value
        computed from those δs by this problem's rules (∂L/∂w = +δx) is a sign slip, never a follow-through
        from a δ that earned its credit. Judged again only when something was computed from them."""
        taken = self._convention_taken(report)
        if not taken:
            return report
        syms = {self.symbol_of[q] for q in taken}
        if not any(v.qid not in taken and v.status != "correct" and self.upstream.get(v.qid, frozenset()) & syms
                   for v in report.verdicts):
            return report
        again, _ = self._check_pass(answers, pinned, taken)
        # the other convention stays the reading (nothing now follows from the negated δs, the values
        # right in it are as before); should it not, the first judging stands
        if self._convention_taken(again) != taken:
            return report
        # a value that followed from a δ by this problem's rule, now a sign slip: said why
        before = {v.qid: v for v in report.verdicts}
        other = diagnose._convention_fields(self.psol)["other"]
        verdicts = []
        for v in again.verdicts:
            b = before.get(v.qid)
            if b is not None and b.status == "follow_through" and b.source in taken and v.status == "wrong" \
                    and v.diagnosis == "sign":
                # the δ it is computed from (δ_3 for Δw_31), else the one its first judging followed
                direct = [q for q in taken if self.symbol_of[q] in self.graph.leaves.get(v.qid, ())]
                src = min(direct, key=lambda q: self.order.get(q, 1 << 30)) if direct else b.source
                v = replace(v, message=said("diagnosis.sign_other_convention", name=self.name(src),
                                            other=other, item=self.name(v.qid)))
            verdicts.append(v)
        return replace(again, verdicts=tuple(verdicts))

    def _convention_taken(self, report: PartReport) -> frozenset:
        """The δ items a report credits as the other δ convention."""
        return frozenset(v.qid for v in report.verdicts
                         if v.status == "other_convention" and self.kind(v.qid) == "delta")

    def _check_pass(self, answers: list[Answer], pinned: dict,
                    flipped: frozenset = frozenset()) -> tuple[PartReport, OwnValues]:
        """One judging of a submission's answers, with the given copies `pinned` by an earlier pass and the
        δs an earlier pass accepted as the other convention (`flipped`: their own values negated back)."""
        rules = [a for a in answers if a.qid in RULE_IDS]
        answers = [a for a in answers if a.qid not in RULE_IDS]
        answers = sorted(answers, key=lambda a: (self.order.get(a.qid, 1 << 30), a.line or 0))
        own = OwnValues(self, pinned, flipped)        # the student's own values, for follow-through
        # the symbols of the δs taken as the other convention: the student's own rules are judged with them
        self.flipped_symbols = frozenset(self.symbol_of[q] for q in flipped if q in self.symbol_of)
        self.spread = spread = Spread(self, own)      # how far their rounding can move those values
        wrong_first: dict[str, str] = {}              # qid -> the first wrong item it depends on
        verdicts: list[Verdict] = []
        seen: set[str] = set()
        for ans in answers:
            self.meter.tick()
            v, radius = self._check_one(ans, own, wrong_first)
            verdicts.append(v)
            sym = self.symbol_of.get(ans.qid)
            if v.value is not None and sym is not None:
                own.write(ans.qid, sym, v.value, wrong_first.get(ans.qid), self._via(v, own, wrong_first))
                spread.write(sym, radius)
            seen.add(ans.qid)
        ruled = []
        for a in rules:
            self.meter.tick()
            ruled.append(self._check_rule(a))
        verdicts = self._merge_duplicates(verdicts) + ruled
        self.meter.tick()
        verdicts, notes = diagnose.consolidate(verdicts, self)
        missing = tuple(q for q in self.items if q not in seen)
        # the first error is the first wrong item in the solution's order, never one only imprecise,
        # misrounded, unreadable, with a slip in its working (its value is right, nothing inherits it) or
        # with no value at all (a rule or a name alone: there is nothing to correct, only something to add)
        first = next((v.qid for v in verdicts if v.status == "wrong" and v.points and v.diagnosis != "no_value"),
                     None)
        verdicts = self._name_upstream(verdicts, wrong_first, first)
        require_reasons(verdicts)
        # one max per problem: a general rule counts only where the rubric lists it (a rule answered that
        # the rubric does not list is checked and reported, for 0 points)
        return PartReport(self.psol.name, tuple(verdicts), missing, sum(self.items.values()),
                          tuple(notes), first, {q: self.name(q) for q in missing}, dict(self.items)), own

    def _via(self, v: Verdict, own: OwnValues, wrong_first: dict) -> tuple[str, str, str] | None:
        """When the student's value of `v.qid` carries a mistake charged once on another item (η left out
        in Δw_13, charged at Δw_05), the later steps computed from it name it: (this item, the mistake,
        where it was charged). None otherwise."""
        first = wrong_first.get(v.qid)
        if not first or first == v.qid:
            return None
        if v.diagnosis in diagnose.CHARGED_ONCE and v.source == first:
            return v.qid, v.diagnosis, first
        carried = own.carrier(v.qid, first)
        return None if carried is None else (v.qid, carried[1], carried[2])

    def _follows(self, qid: str, upstream: str, own: OwnValues) -> str:
        """'follows from your net_5 (the first error)', or, when the error reaches this step through a value
        that repeats a mistake charged once elsewhere, that value and where it was charged: 'follows from
        your Δw_{13} (η left out, charged at Δw_{05})', 'follows from your w_{13} = 13 (copied wrong,
        charged at net_3)'."""
        carried = own.carrier(qid, upstream)
        if carried is None:
            return said("diagnosis.follows", name=self.name(upstream))
        item, code, charged = carried
        name = self.name(item)
        sym = self.symbol_of.get(item)
        if code == "given_copied" and sym in own.copy_value:
            name = f"{name} = {copied.number(own.copy_value[sym])}"
        why = diagnose.eta_charged_message(self.psol.part) if code == "eta_missing" else diagnose.CHARGED_ONCE[code]
        return said("diagnosis.follows_charged", name=name, why=why, at=self.name(charged))

    def _name_upstream(self, verdicts: list[Verdict], wrong_first: dict, first: str | None) -> list[Verdict]:
        """A follow-through names the wrong item it follows from as "the first error" only when the
        report's first error is that item; else as "wrong" (δ_4 wrong on its own after a wrong net_5), or
        by name alone when that item is no longer wrong (the other δ convention, used throughout)."""
        status = {v.qid: v.status for v in verdicts}
        out = []
        for v in verdicts:
            up = wrong_first.get(v.qid)
            first_said = f"follows from your {self.name(up)} (the first error)" if up else None
            if up and up != first and up != v.qid and first_said in v.message:
                now = said("diagnosis.follows_wrong" if status.get(up) == "wrong" else "diagnosis.follows_plain",
                           name=self.name(up))
                v = replace(v, message=replaced(v.message, first_said, now))
            out.append(v)
        return out

    def _check_rule(self, ans: Answer) -> Verdict:
        """A general rule (δ_j = g'(net_j) Σ_k w_kj δ_k) against the one SymPy derives for this part."""
        from ..render.rules import expr_text
        from ..symbolic_rules import rule_unit
        from .rule_answers import RuleChecker
        if self.rules is None:
            from ..rule_check import derive_for_part
            with self.meter.shared():                 # derived once for every student
                self.rules = RuleChecker(derive_for_part(self.psol.part), self.parser)
        dv = self.rules.dv
        rule = dv.rule(ans.qid)
        shown = _shown_rule(rule)
        expected = f"{expr_text(dv, rule.lhs)} = {expr_text(dv, shown, unit=rule_unit(rule.id))}"
        # a rule the rubric does not list is reported for 0 points, so that every student's max is the same
        points = self.items.get(ans.qid, 0.0)
        try:
            ok, words, code = self.rules.check(ans.qid, ans.text)
        except AnswerError as exc:
            return Verdict(ans.qid, ans.qid, ans.given, float("nan"), expected, "unreadable", points, 0.0,
                           message=_hinted(text_of(exc), ans.qid),
                           line=ans.line)
        return Verdict(ans.qid, ans.qid, ans.given, float("nan"), expected, "correct" if ok else "wrong", points,
                       1.0 if ok else 0.0, diagnosis=None if ok else code or "rule",
                       message=words, line=ans.line)

    def kind(self, qid: str) -> str | None:
        """The quantity kind (delta, net, w …) of the solution's step with this id, from the step's key;
        None for an id the solution has no step for (a general rule)."""
        key = self.psol.key(qid)
        return None if key is None else key.kind

    def name(self, qid: str) -> str:
        sym = self.symbol_of.get(qid)
        return self.psol.names.text.get(sym, qid) if sym is not None else qid

    def _merge_duplicates(self, verdicts: list[Verdict]) -> list[Verdict]:
        """A quantity written several times (a summary line repeats it) counts once: its worst verdict."""
        rank = {s: n for n, s in enumerate(("unreadable", "wrong", "slip", "rounding", "imprecise",
                                            "other_convention", "follow_through", "correct"))}
        # a write-up states a rule on one line and its value on another: the rule alone is no answer
        valued = {v.qid for v in verdicts if v.diagnosis != "no_value"}
        verdicts = [v for v in verdicts if v.diagnosis != "no_value" or v.qid not in valued]
        best: dict[str, Verdict] = {}
        for v in verdicts:
            if v.qid not in best or rank[v.status] < rank[best[v.qid].status] or \
                    (rank[v.status] == rank[best[v.qid].status] and len(v.links) > len(best[v.qid].links)):
                best[v.qid] = v
        return sorted(best.values(), key=lambda v: self.order.get(v.qid, 1 << 30))

    def _mistake(self, ans, code: str, words, value: float, links, earlier: str | None, wrong_first: dict) -> Verdict:
        """A diagnosed mistake's verdict: wrong where it is charged, or follow-through where the same mistake was
        charged before, at `earlier` (charged once)."""
        if earlier is not None:
            wrong_first[ans.qid] = earlier
            return self._verdict(ans, "follow_through", diagnosis=code, value=value, links=tuple(links),
                                 source=earlier, message=said("diagnosis.same_mistake", what=words,
                                                              name=self.name(earlier)))
        wrong_first[ans.qid] = ans.qid
        return self._verdict(ans, "wrong", diagnosis=code, message=words, value=value, links=tuple(links))

    def _verdict(self, ans: Answer, status: str, **kw) -> Verdict:
        step = self.psol.step(ans.qid)
        points = self.items.get(ans.qid, 0.0)
        credit = kw.pop("credit", None)
        if credit is None:
            credit = 1.0 if status == "correct" else self.rubric.credit.get(status, 0.0)
        if kw.get("message"):
            kw["message"] = self.own_hint(kw["message"], ans.qid)
        return Verdict(ans.qid, self.name(ans.qid), ans.given, step.float_value,
                       self.expected_text[ans.qid], status, points, credit,
                       line=ans.line, unlisted=not points and step.section != "given", **kw)

    def own_hint(self, message: str, qid: str) -> str:
        """A reader's hint that shows an example equation (`an equation u_3 = …`) names the item it is
        about instead: a hint on Δw_{35} says `Δw_{35} = …`."""
        return _hinted(message, self.name(qid))

    def _check_one(self, ans: Answer, own: OwnValues, wrong_first: dict) -> tuple[Verdict, Interval]:
        """One answer's verdict, and the spread its rounding gives the student's value (spread.py). A right answer judged from its text alone is right whatever else
        the student wrote, so it is remembered and the many students who write it cost nothing; a
        verdict that used the student's own earlier values ("right from your rounded earlier
        values", numbers "with your earlier values") is never remembered: it holds for this student only."""
        key = (ans.qid, ans.text, ans.number)
        if key in self.right:
            verdict, texts, cost, radius = self.right[key]
            if key not in self._reused:        # what reading and judging it cost the student who came first,
                self._reused.add(key)          # once per submission: the limit falls where it would for this
                self.parser.charge(texts)      # file alone (which judges it once and reuses it after that)
                self.meter.charge(cost)
            return replace(verdict, line=ans.line, given=ans.given), radius
        start = self.meter.clock()
        with self.parser.recording() as texts:
            v, mine, radius = self._judge(ans, own, wrong_first)
        if v.status == "correct" and not mine and not any(lk.kind == "unread" for lk in v.links):
            # (a link not read may have timed out, which load can cause: such a verdict is judged anew)
            self.right[key] = (v, tuple(texts), self.meter.clock() - start, radius)
            self._reused.add(key)
        return v, radius

    def _judge(self, ans: Answer, own_values: OwnValues, wrong_first: dict) -> tuple[Verdict, bool, Interval]:
        """The verdict, whether it depends on the student's own earlier values, and the spread the
        rounding of the value as written gives it (0 when no value was read). A link that could not be
        read is judged as absent (no deduction), and said in the message."""
        v, mine, radius = self._judge_links(ans, own_values, wrong_first)
        false = [lk for lk in v.links if lk.kind == "reason" and not lk.ok]
        if false and v.status != "unreadable":
            # a value given with a reason that does not hold: wrong, whatever the value (the reason says
            # the student would have written another value for another net)
            v = replace(v, status="wrong", credit=0.0, diagnosis="reason" if v.status != "wrong" else v.diagnosis,
                        message=_joined([false[0].message] + ([v.message] if v.message else [])))
        unread = [lk.message for lk in v.links if lk.kind == "unread"]
        if unread:
            v = replace(v, message=self.own_hint(_joined(([v.message] if v.message else []) + unread), ans.qid))
        return v, mine, radius

    def _judge_links(self, ans: Answer, own_values: OwnValues, wrong_first: dict) -> tuple[Verdict, bool, Interval]:
        """The verdict from the links read, whether it depends on the student's own earlier values, and
        the spread of the value as written."""
        expected = self.psol.step(ans.qid).float_value
        student = own_values.upto(ans.qid)            # every earlier quantity, as the student's work has it
        try:
            links, value, decimals, bound = self._read(ans, expected, student)
        except AnswerError as exc:
            return self._verdict(ans, "unreadable", message=text_of(exc)), False, (0.0, 0.0)
        except OverflowError:        # a number no float holds, wherever it is met: never a traceback
            return self._verdict(ans, "unreadable", message=said("answer.overflow", most=MAX_EXPONENT)), \
                False, (0.0, 0.0)
        if value is not None and decimals is not None and not ans.number and truncated(ans.text):
            value = _untruncated(value, decimals, expected)
        own = any(lk.own for lk in links)
        radius = (0.0, 0.0)
        if value is None:                              # a name or a rule, and no value: nothing to grade
            bad = _bad(links)
            if bad:
                return (self._verdict(ans, "wrong", diagnosis="rule", message=bad[0].message, links=tuple(links)),
                        own, radius)
            return self._verdict(ans, "wrong", credit=0.0, diagnosis="no_value", links=tuple(links),
                                 message=self._no_value(links)), own, radius
        bad_links = _bad(links)
        match = self._compare(value, decimals, expected, bound)
        radius = written_spread(value, decimals, bound, expected, match.status == "correct")
        if match.status == "correct":
            if bad_links:
                return self._verdict(ans, "slip", diagnosis="working", value=value, links=tuple(links),
                                     message=said("diagnosis.working_wrong", why=bad_links[0].message)), \
                    own, radius
            return self._verdict(ans, "correct", value=value, links=tuple(links)), own, radius
        verdict = self._judge_wrong(ans, links, value, decimals, bound, match, own_values, wrong_first)
        # a right value (a rounding of the true value, or right from the student's rounded earlier values)
        # stands for one between it and the true value; any other keeps half a unit in its last place
        right = verdict.status == "correct" or (verdict.status in ("imprecise", "slip") and
                                                match.status in ("correct", "imprecise"))
        return verdict, True, written_spread(value, decimals, bound, expected, right)

    def _compare(self, value: float, decimals: int | None, target: float, bound: float) -> Match:
        """compare_number, and the precision rule for a value left as an expression of rounded numbers
        (0.98 \\times 1, 4.9e-1, 0.49 + 0 = u_5): right only within the rounding of its numbers, and
        not to the places asked, it is imprecise — not writing the value out cannot escape the rule."""
        match = compare_number(value, decimals, target, self.tol, bound)
        slack = 0.5 * 10.0 ** -self.tol.precision * (1 + 1e-9) + 1e-12 * max(1.0, abs(target))
        if match.status == "correct" and decimals is None and bound > 0 and self.tol.relative is None and \
                abs(value - target) > slack:
            return Match("imprecise", said("diagnosis.imprecise_rounding", places=self.tol.precision))
        return match

    def _compare_own(self, qid: str, value: float, decimals: int | None, own: float, bound: float) -> Match:
        """A value against the step's rule at the student's own values: the rule gives an interval once
        their written values are each moved by half a unit in their last place (spread.py), and a value
        within it, up to half a unit in the places asked, is right; imprecise or rounded wrongly only
        outside it. So a value rounded from their full-precision numbers counts as one rounded from
        their written ones. A value shown to fewer places than asked stays imprecise at best."""
        spread = self.spread.of(qid) if self.spread is not None else (0.0, 0.0)
        return compare_within(lambda v, d, target: self._compare(v, d, target, bound), value, decimals, own, spread,
                              self.tol)

    def _exact_mistake(self, qid: str, value: float, student: dict) -> tuple[str, str] | None:
        """The known mistake (diagnose.py) whose value the student's number is exactly, not only within
        rounding (the old weight 2 for w_35^new = 2.1249), or a given value the step starts from, written
        unchanged; None when there is none. An exact mistake beats "imprecise": 2 shows a digit of 2.1249,
        but it is the weight the step was to update."""
        expected = self.psol.step(qid).float_value

        def same(a: float, b: float) -> bool:
            return abs(a - b) <= 1e-12 * max(1.0, abs(b))

        mine = {**self.true, **student}
        for code, words, at in diagnose._variants(self, qid):
            for vals in (self.true, mine):
                v = at(vals)
                if v is not None and not same(v, expected) and same(value, v):
                    return code, words
        names = self.psol.names.text
        for leaf in sorted(self.graph.leaves[qid], key=str):
            sid = self.graph.id_of.get(leaf)
            given = sid is None or not self.psol.step(sid).forms
            v = self.true.get(leaf)
            if given and v is not None and not same(v, expected) and same(value, v):
                name = names.get(leaf, str(leaf))
                shown = self.expected_text[sid] if sid is not None else self._shown(v)
                return "given_value", said("answer.given_unchanged", name=name, shown=shown)
        return None

    def _negated_own(self, qid: str, value: float, decimals, bound: float, own_values: OwnValues) -> bool:
        """Whether a δ's value is its rule's value negated at the student's own earlier values, those
        carrying no error (rounded values only; the δs taken as the other convention are negated back
        to this problem's terms, own.py): the other δ convention's value from their own numbers."""
        own = own_values.rule_value(qid)
        if own is None or not own_values.written or abs(own) <= self.tol.floor or own_values.upstream(qid):
            return False
        below, above = self.spread.of(qid) if self.spread is not None else (0.0, 0.0)
        return compare_within(lambda v, d, target: self._compare(v, d, target, bound), value, decimals, -own,
                              (above, below), self.tol).status == "correct"     # the spread negated too

    def _fits(self, qid: str, value: float, decimals, bound: float):
        """Whether a value of `qid` gives the student's number at the places they show."""
        return lambda v: v is not None and self._compare(value, decimals, v, bound).status == "correct"

    def _by_right_rule(self, qid: str, links: list[Link], value: float, decimals, bound: float,
                       own_values: OwnValues) -> tuple[str, str, str] | None:
        """(the first wrong item, the status, why) when the answer writes the right rule and its value is what
        that rule gives at the student's own earlier values, those values carrying an earlier error; None
        otherwise (no such rule, a slip in the numbers after it, or no earlier error)."""
        if any(not lk.ok and lk.kind in ("numbers", "value", "rule") for lk in links):
            return None
        for lk in links:
            if lk.kind != "rule" or not lk.ok or lk.convention or lk.at_own is None:
                continue
            got = self._compare_own(qid, value, decimals, lk.at_own, bound)
            if got.status not in ("correct", "imprecise", "rounding"):
                continue
            found = [own_values.first[s] for s in lk.uses if s in own_values.first]
            fits = self._fits(qid, value, decimals, bound)
            # an earlier error that leaves the number as it is does not explain it (own.upstream)
            found = [q for q in found if not fits(own_values.without(qid, q))] or found if len(set(found)) > 1 else found
            if found:
                return min(found, key=lambda q: self.order.get(q, 1 << 30)), got.status, got.message
        return None

    def _copy_undone(self, qid: str, value: float, decimals, bound: float, links: list[Link],
                     own_values: OwnValues) -> tuple[str, list[Link]] | None:
        """A step worked from a mix of the student's own earlier values and right ones: some values it is
        computed from carry an earlier error (their own wrong δ_7, a given they copied wrong), and the
        student used the right value for some of those and their own for the rest (δ_6 = their g'(net_6)
        × w_76 × the right δ_7 0.0912; w_35^new = the given w_35 = 2 + their own Δw_35). Any such
        combination that gives the student's number: (the first wrong item it follows from, the links with
        the substituted numbers judged at those values); None when none does. Using a right value in place
        of one's own is no mistake, so the earlier mistakes are not charged again, and nothing is unless
        some value kept is their own. The combinations are few: the values that carry an error, at most
        MIXED_MOST of them (2^MIXED_MOST evaluations), the fewest put back first."""
        leaves = sorted(self.graph.leaves[qid], key=str)
        erring = [leaf for leaf in leaves if leaf in self.true and
                  (leaf in own_values.copied or (leaf in own_values.first and own_values.values.get(leaf) != self.true[leaf]))]
        if not erring or len(erring) > MIXED_MOST:
            return None
        for size in range(1, len(erring) + 1):
            for back in combinations(erring, size):
                kept = [leaf for leaf in leaves if leaf not in back and leaf in own_values.first]
                found = [own_values.first[leaf] for leaf in kept]
                if own_values.convention_applies(qid):
                    found.append(own_values.convention[1])
                if not found:
                    continue                # every error put back: the true value, judged before
                values = {**own_values.values, **{leaf: self.true[leaf] for leaf in back}}
                own = self.steps.recompute(qid, values)
                if own is None:
                    continue
                if own_values.convention_applies(qid):
                    own *= own_values.factor
                if self._compare_own(qid, value, decimals, own, bound).status != "correct":
                    continue
                upstream = min(found, key=lambda q: self.order.get(q, 1 << 30))
                fixed = [replace(lk, ok=True, own=True, message=said("answer.with_your_values"))
                         if lk.kind == "numbers" and not lk.ok and not lk.convention else lk for lk in links]
                if _bad(fixed):
                    return None
                return upstream, fixed
        return None

    def _through_gradient(self, qid: str, value: float, decimals, bound: float, expected: float,
                          own_values: OwnValues) -> str | None:
        """A weight's change worked from the student's own written ∂J/∂w (Δw = −η·∂J/∂w), whose rule in the
        solution goes through δ and x instead: Δw is ∂J/∂w times a constant, so their value of it is the true
        Δw scaled by their ∂J/∂w over the true one, over the spread of what they wrote (−0.5 × 0.2951 =
        −0.14755, written −0.1476, is right, though the true −0.147536 rounds to −0.1475). "" when it gives
        the number, shown to the places asked, from a right ∂J/∂w; None otherwise (a wrong ∂J/∂w is left to
        the rules that judge it: its sign may be the other δ convention's, decided for the whole part)."""
        if self.kind(qid) != "update_w" or not qid.startswith("update_"):
            return None
        gid = "grad_" + qid[len("update_"):]
        gsym = self.symbol_of.get(gid)
        if gsym is None or gsym not in own_values.written or gsym in own_values.first or self.spread is None \
                or decimals is None or decimals < self.tol.precision or self.tol.relative is not None:
            return None             # only from a right ∂J/∂w, for a value shown to the places asked
        true_g = self.true.get(gsym)
        if true_g is None or abs(true_g) <= 1e-12:
            return None
        k = expected / true_g
        centre = k * own_values.written[gsym]
        down, up = self.spread.written.get(gsym, (0.0, 0.0))
        spread = (abs(k) * down, abs(k) * up) if k > 0 else (abs(k) * up, abs(k) * down)
        got = compare_within(lambda v, d, target: self._compare(v, d, target, bound), value, decimals, centre,
                             spread, self.tol)
        if got.status != "correct":
            return None
        return ""

    def _from_rounded_numbers(self, links: list[Link], value: float, decimals, expected: float) -> Match | None:
        """A value worked out from substituted numbers that are right up to their rounding (rounded values of
        the right quantities: −0.5 × 0.2951 for Δw_36), and that follows from them: those numbers stand for
        any value between what they give and the right one, as a right value written stands for one between
        it and the true value (spread.py), so rounding at each step or only at the end earns the same.
        −0.5 × 0.2951 = −0.14755 written −0.1476 (half up) is right. Numbers rounded to fewer places than
        asked were rounded too early: the value is imprecise at best ("your numbers to 3 places give
        0.1357; to 4 places the value is 0.1349"). None when that is not the case."""
        if _bad(links) or not links or links[-1].kind != "value" or len(links) < 2:
            return None
        lk = links[-2]
        if lk.kind != "numbers" or lk.own or lk.convention or lk.worth is None or lk.fewest is None:
            return None
        worth = lk.worth
        spread = (max(worth - expected, 0.0), max(expected - worth, 0.0))
        got = compare_within(lambda v, d, target: self._compare(v, d, target, 0.0), value, decimals, worth, spread,
                             self.tol)
        if got.status != "correct" and not (got.status == "imprecise" and lk.fewest >= self.tol.precision):
            return None
        asked = self.tol.precision
        if lk.fewest < asked:
            return Match("imprecise", said("diagnosis.rounded_too_early", places=lk.fewest, got=self._shown(worth),
                                           asked=asked, expected=self._shown(expected)))
        if got.status != "correct":
            return got
        return Match("correct", said("diagnosis.rounded_earlier"))

    def _shown(self, x: float, places: int | None = None) -> str:
        """A number we computed, in a message: as the report shows values (the problem's precision, or
        the places the student wrote when more; an integer as an integer; scientific when very large or
        small: printing.message_number)."""
        return message_number(x, max(self.tol.precision, places or 0))

    def _no_value(self, links: list[Link]) -> str:
        """Why an answer with no number earns nothing: its own name, or a rule left unsubstituted."""
        if all(lk.kind == "name" for lk in links):
            return said("answer.no_value_name")
        return said("answer.no_value_rule")

    def _judge_wrong(self, ans: Answer, links: list[Link], value: float, decimals, bound: float, match,
                     own_values: OwnValues, wrong_first: dict) -> Verdict:
        """A value that is not the expected one: the other δ convention, follow-through from the
        student's earlier values, a known mistake, imprecision or rounding, else wrong."""
        expected = self.psol.step(ans.qid).float_value
        student = own_values.upto(ans.qid)
        bad_links = _bad(links)
        if self.kind(ans.qid) == "delta" and self._compare(value, decimals, -expected, bound).status == "correct":
            wrong_first[ans.qid] = ans.qid
            if any(lk.ok and not lk.own and (lk.kind == "numbers" or lk.kind == "rule" and not lk.convention)
                   for lk in links):
                # its working is this problem's convention and gives the right δ: the sign was lost after it
                return self._verdict(ans, "wrong", diagnosis="sign", value=value, links=tuple(links),
                                     message=joined([said("answer.sign_own_convention")]
                                                    + [lk.message for lk in bad_links[:1]]))
            # the other δ convention or a sign slip: decided for the whole part in diagnose.consolidate
            return self._verdict(ans, "wrong", diagnosis="other_convention", value=value, links=tuple(links),
                                 message=diagnose.convention_message(self.psol))
        if self.kind(ans.qid) == "delta" and self._negated_own(ans.qid, value, decimals, bound, own_values):
            # right negated from the student's own rounded earlier values (δ_6 = z_6 − t_6 with their z_6; δ_3
            # from their δ_6 taken as the other convention): the other δ convention's value, as above
            wrong_first[ans.qid] = ans.qid
            return self._verdict(ans, "wrong", diagnosis="other_convention", value=value, links=tuple(links),
                                 message=diagnose.convention_message(self.psol))
        # the working shown decides: substituted numbers that give another value than the one written are
        # an arithmetic slip (a sign lost after them: a sign slip), never a follow-through or a mistake
        # that the final number alone would suggest
        # (a value that is the right one rounded stays imprecise, its working's slip said with it)
        slipped = next((lk for lk in bad_links if lk.kind == "value" and lk.numbers is not None), None)
        if slipped is not None and match.status != "imprecise":
            wrong_first[ans.qid] = ans.qid
            if abs(slipped.numbers) > self.tol.floor and within(value, -slipped.numbers, self.tol):
                return self._verdict(ans, "wrong", diagnosis="sign", value=value, links=tuple(links),
                                     message=said("answer.sign_because", sign=diagnose.MESSAGES["sign"],
                                                  why=slipped.message))
            return self._verdict(ans, "wrong", diagnosis="arithmetic", value=value, links=tuple(links),
                                 message=slipped.message)
        # error carried forward: the step from the student's own earlier values, those they did not
        # write recomputed from those they did (own.py), whichever middle steps they wrote down
        own = own_values.rule_value(ans.qid)
        carried = self._compare_own(ans.qid, value, decimals, own, bound) \
            if own is not None and own_values.written else None
        exact = self._exact_mistake(ans.qid, value, student) \
            if match.status == "imprecise" or (carried is not None and carried.status in ("imprecise", "rounding")) \
            else None
        if exact is not None:
            # the number is exactly what a known mistake gives (the old weight 2 for 2.1249): the mistake,
            # never "imprecise" or "rounded wrongly", however close the right value also comes
            code, words = exact
            wrong_first[ans.qid] = ans.qid
            own_values.charge(code, ans.qid)
            return self._verdict(ans, "wrong", diagnosis=code, message=words, value=value, links=tuple(links))
        if carried is not None and carried.status in ("correct", "imprecise", "rounding"):
            zeroed = [sym for sym in self.graph.leaves[ans.qid] if abs(student[sym]) <= 1e-12
                      and abs(self.true.get(sym, 0.0)) > self.tol.floor]
            if (abs(own) <= 1e-12 or zeroed) and abs(expected) > self.tol.floor:
                # the earlier values make this step vanish (u_5 = 1 gives g' = 0, δ = 0, Δw = 0), or feed it
                # a wrong 0 (w + Δw with Δw = 0 is the old weight): that shows no working, so no follow-through
                wrong_first[ans.qid] = ans.qid
                return self._verdict(ans, "wrong", diagnosis="trivialised", value=value, links=tuple(links),
                                     message=said("diagnosis.trivialised"))
            upstream = own_values.upstream(ans.qid, self._fits(ans.qid, value, decimals, bound))
            if upstream:
                wrong_first[ans.qid] = upstream
                follows = self._follows(ans.qid, upstream, own_values)
                if carried.status != "correct":     # consistent, but rounded as a right value would be imprecise
                    return self._verdict(ans, carried.status, diagnosis=carried.status, value=value,
                                         links=tuple(links), message=said("diagnosis.follows_and", follows=follows,
                                                                          why=carried.message))
                if own_values.convention_applies(ans.qid):    # the loss without its ½, carried on consistently
                    code = own_values.convention[0]
                    return self._verdict(ans, "follow_through", value=value, links=tuple(links), diagnosis=code,
                                         message=said("diagnosis.follows_consistently", follows=follows,
                                                      what=diagnose.half_missing_message(self.psol.part, True)
                                                      if code == "half_missing" else
                                                      diagnose.mean_units_message(int(own_values.factor), True)
                                                      if code == "mean_units_missing" else
                                                      said(f"consistently.{code}"))
                                         if f"consistently.{code}" in CONSISTENTLY else
                                         said("diagnosis.follows_consistently", follows=follows,
                                              what=diagnose.MESSAGES[code].split(': ', 1)[1]))
                return self._verdict(ans, "follow_through", value=value, links=tuple(links), message=follows,
                                     source=upstream)
            if carried.status == "correct" and not bad_links:
                # no earlier error: the student's own rounded values give this number
                return self._verdict(ans, "correct", value=value, links=tuple(links),
                                     message=said("diagnosis.rounded_earlier"))
        restored = self._copy_undone(ans.qid, value, decimals, bound, links, own_values)
        if restored is not None:
            # a given copied wrong once (charged there) and used as the problem gives it here: w_35 + own Δw_35
            upstream, links = restored
            wrong_first[ans.qid] = upstream
            return self._verdict(ans, "follow_through", value=value, links=tuple(links), source=upstream,
                                 message=said("diagnosis.follows", name=self.name(upstream)))
        ruled = self._by_right_rule(ans.qid, links, value, decimals, bound, own_values)
        if ruled is not None:
            # the right rule written, and the value is what it gives at the student's own earlier values:
            # follow-through, whatever known mistake gives the same number (η = ½ left out doubles Δw as a
            # batch's sum for its mean does: the η written rules the first out)
            upstream, status, why = ruled
            wrong_first[ans.qid] = upstream
            follows = self._follows(ans.qid, upstream, own_values)
            if status != "correct":
                return self._verdict(ans, status, diagnosis=status, value=value, links=tuple(links),
                                     message=said("diagnosis.follows_and", follows=follows, why=why))
            return self._verdict(ans, "follow_through", value=value, links=tuple(links), message=follows,
                                 source=upstream)
        early = self._from_rounded_numbers(links, value, decimals, expected)
        if early is None and not bad_links:
            through = self._through_gradient(ans.qid, value, decimals, bound, expected, own_values)
            if through is not None:
                upstream = through
                if upstream == "":
                    return self._verdict(ans, "correct", value=value, links=tuple(links),
                                         message=said("diagnosis.rounded_earlier"))
                wrong_first[ans.qid] = upstream
                return self._verdict(ans, "follow_through", value=value, links=tuple(links), source=upstream,
                                     message=self._follows(ans.qid, upstream, own_values))
        if early is not None:
            return self._verdict(ans, early.status, diagnosis=None if early.status == "correct" else "imprecise",
                                 value=value, links=tuple(links), message=early.message)
        if match.status == "imprecise":
            # the right value rounded to fewer places (0.06 for 0.0636), or an expression of rounded numbers
            # within their rounding of it: imprecise, never "wrong", however close some mistaken variant
            # also comes
            return self._verdict(ans, "imprecise", diagnosis="imprecise", value=value, links=tuple(links),
                                 message=_joined([match.message] + [lk.message for lk in bad_links[:1]]))
        rules = [lk for lk in links if lk.kind == "rule"]      # the rule written decides a tie (η written: not η left out)
        closeness: list = []
        found = diagnose.explain(self, ans.qid, value, decimals, bound, student, own_values.written,
                                 (frozenset(c for lk in rules for c in lk.mistakes),
                                  frozenset(s for lk in rules for s in lk.uses)) if rules else None, closeness)
        stepped = self._optimizer_mistake(ans.qid, value, decimals, student, own_values.charged)
        if found is not None and stepped is not None and closeness and \
                (stepped[2], stepped[0] not in own_values.charged) < (closeness[0], found[0] not in own_values.charged):
            # the optimizer's mistake gives the number more closely (1.1 exactly, one update per sample, where Δw
            # subtracted reaches it only by rounding 1.15), or as closely and it is already charged: it is said
            found = None
        if found is not None:
            code, words = found
            earlier = own_values.charge(code, ans.qid)
            trivial = code in NO_WORKING or (abs(value) <= 1e-12 < abs(expected) - self.tol.floor)
            # a systematic mistake recurs: charged once, where it first appeared
            return self._mistake(ans, code, words, value, links, earlier if not trivial else None, wrong_first)
        if stepped is not None:     # Δw, w^new of an optimizer's step 1: its mistake (bias correction left out …)
            code, words, _ = stepped
            earlier = own_values.charged.setdefault(code, ans.qid)
            # a mistake of method, charged once (as in answers/steps.py)
            return self._mistake(ans, code, words, value, links, earlier if earlier != ans.qid else None, wrong_first)
        copy = copied.find_copy(self, ans.qid, value, decimals, bound, links, own_values)
        if copy is not None:        # a given copied wrong (w_45 = 3 for 4): charged here, later steps follow from it
            leaf, used = copy
            own_values.adopt(leaf, float(used), ans.qid)
            wrong_first[ans.qid] = ans.qid
            return self._verdict(ans, "wrong", diagnosis="given_copied", value=value, links=tuple(links),
                                 message=copied.message(self, leaf, used))
        if match.status in ("rounding", "imprecise"):        # not an error later steps inherit
            message = _joined([match.message] + [lk.message for lk in bad_links[:1]])
            return self._verdict(ans, match.status, diagnosis=match.status, message=message, value=value,
                                 links=tuple(links))
        wrong_first[ans.qid] = ans.qid
        if bad_links:
            code = {"value": "arithmetic", "numbers": "numbers", "rule": "rule"}.get(bad_links[0].kind)
            return self._verdict(ans, "wrong", diagnosis=code, message=bad_links[0].message, value=value,
                                 links=tuple(links))
        few = too_few_figures(value, decimals, expected)
        if few is not None:
            return self._verdict(ans, "wrong", diagnosis="figures", value=value, links=tuple(links), message=few)
        if shows_no_digit(value, decimals, expected, self.tol.precision):
            return self._verdict(ans, "wrong", value=value, links=tuple(links),
                                 message=said("diagnosis.no_digit_places" if decimals != 1 else "diagnosis.no_digit_place",
                                              decimals=decimals))
        # the places asked, the last digit one off (0.9819 for 0.98201): a slip in rounding or copying, said so
        if decimals is not None and self.tol.precision <= decimals <= 12 and value is not None:
            right = round(expected, decimals)
            if abs(abs(value - right) - 10.0 ** -decimals) < 10.0 ** -decimals * 1e-6:
                return self._verdict(ans, "wrong", value=value, links=tuple(links),
                                     message=said("diagnosis.one_unit_off_one" if decimals == 1
                                                  else "diagnosis.one_unit_off", decimals=decimals,
                                                  right=f"{right:.{decimals}f}"))
        # no known mistake, rounding or working explains it: said so, never an empty reason
        return self._verdict(ans, "wrong", value=value, links=tuple(links), message=said("diagnosis.unexplained"))

    def _optimizer_mistake(self, qid: str, value: float, decimals, student: dict,
                           charged=()) -> tuple[str, str, int] | None:
        """Where the part has an optimizer run and `qid` is its step 1's Δw or w^new: the optimizer's mistake
        that gives the value (answers/steps.first_step_diagnosis: code, message, how closely), worked from the
        true inputs and from the student's own θ_0 and ∂J/∂w (`student`: their own values by symbol);
        `charged`: the codes already charged for this student, preferred among mistakes as close."""
        if getattr(self.psol, "run", None) is None:
            return None
        from .steps import first_step_diagnosis

        def mine(q: str) -> float | None:
            try:
                return student.get(self.psol.step(q).symbol)
            except KeyError:
                return None
        return first_step_diagnosis(self.psol, qid, value, decimals, self.tol, mine, tuple(charged))

    # -- reading one answer --------------------------------------------------------------------
    def _read(self, ans: Answer, expected: float, student: dict):
        """The checked links, the final value (or None), its decimal places and rounding bound. A value
        out of range (beyond 10^±300: `10^{400}`, `e^{1000}`) is AnswerError, never infinity or 0."""
        if ans.unreadable is not None:
            raise AnswerError(ans.unreadable)
        if ans.number:
            written = written_number(ans.text, figures=True)
            if written is None:
                return [], _finite(ans.text), shown_decimals(ans.text), 0.0
            return [], _in_range(written[0], expected), written[1], 0.0
        check_size(ans.text)
        text, whole = normalized(ans.text)
        # one number, as written ("-1e-1", "8.056 \\times 10^{-4}") or once normalized ("−0.5")
        for spelling in (ans.text, text):
            written = written_number(spelling, figures=True) if spelling is not None else None
            if written is not None:
                return [Link("", spelling.strip(), "value", True)], _in_range(written[0], expected), written[1], 0.0
        links: list[Link] = []
        value = decimals = None
        bound = 0.0
        numbers_value = None
        parts, broken = chain_links(ans.text, text)
        if text is None and len(parts) < 2:
            raise whole                                # not a chain: the answer's own reason
        unread: list[AnswerError] = []
        sample = _sample_of(ans.qid)     # x_1 inside an item of sample 1 is x_1^(1)
        own_rule = None                # the student's last rule, when it is not the right one: (node, names)
        for n, (rel, piece) in enumerate(parts):
            if n < len(parts) - 1 and elided(piece):     # `= \\ldots =`: working left out, no link to judge
                continue
            # a link that cannot be read is noted and passed over, the chain judged as if it were not there,
            # as long as the last link gives the value; an unreadable last link makes the item unreadable,
            # and so does a value out of range (read, and no number: docs/checking.md) or a submission whose
            # parsing time is spent (the meter then stops it: OverLimit)
            try:
                if n in broken:
                    raise broken[n]
                rows = self._number_cases(ans.qid, rel, piece)
                if rows is not None:                  # a cases of numbers: the row that holds, and why
                    piece, link = self._pick_case(rel, rows, student, sample)
                    links.append(link)
                piece, reason = split_reason(piece)   # `1 \text{ since } net_3 > 0`: the value, and its reason
                if reason is not None:
                    links.append(self._reason_link(rel, reason, student, sample))
                prepared = prepare(piece, self.table, sample)
                if prepared.unknown:
                    readings = self.table.readings(prepared.unknown[0])
                    if readings:
                        raise AnswerError(said("answer.ambiguous_name", name=prepared.unknown[0],
                                               readings=either(readings)))
                    # \delta_{44} inside working: the hint an answers file's key gets (did you mean δ_4?)
                    unknown = prepared.unknown[0]
                    kind, close = hint_for(self.table, unknown)
                    if kind == "intermediate":     # ∂L/∂u_5 inside δ_5's rule: a step
                        raise AnswerError(said("answer.intermediate_in_rule", name=unknown,
                                               output=close[0], delta=close[1]))
                    words = said("answer.not_a_quantity", name=unknown)
                    raise AnswerError(said("hint.did_you_mean", first=words, close=either(close)) if close else words)
                node = self.parser.parse(prepared.text)
                names = {ph: self.table.lookup(key) for ph, key in prepared.names.items()}
                if names:
                    links.append(self._rule_link(ans.qid, rel, piece, node, names))
                    if links[-1].kind == "rule" and links[-1].ok and not links[-1].convention:
                        links[-1] = self._right_rule_at_own(links[-1], node, names, student)
                    # a rule that is wrong (not merely the other δ convention's, judged as before): the
                    # numbers after it are judged against it; so are those after the other convention's rule
                    # for a quantity that is no δ (∂E/∂w = δ_7 o_5 where δ = −∂E/∂net): numbers that follow
                    # it faithfully are no sign slip, the rule's sign is the one mistake (t16 item 7)
                    own_rule = None if links[-1].ok or links[-1].convention and self.kind(ans.qid) == "delta" \
                        else (node, names)
                    continue
                lit = literal_decimals(piece, node)
                if lit is not None and n == len(parts) - 1:
                    value, decimals, bound = _in_range(evaluate(node, {}), expected), lit, 0.0
                    link = Link(rel, piece, "value", True)
                    if numbers_value is not None:
                        as_written = split_relations(ans.text)        # the value as the student spelt it (8.056e-4)
                        shown = as_written[n][1] if len(as_written) == len(parts) else piece
                        link = self._arithmetic(link, numbers_value, value, lit, rel, shown)
                    links.append(link)
                    continue
                written = _written_decimals(prepared.text)
                rounded, own_rounding = self._rounded(ans.qid, written, student)
                key = (prepared.text, frozenset(rounded.items()))
                if key not in self.numbers_cache:       # the same numbers, from many students
                    self.numbers_cache[key] = self._numbers_value(node, rounded, written)
                exact, v, b, places = self.numbers_cache[key]
                if v is None:                           # out of range: AnswerError, unless tiny where 0 is expected
                    v, b, places = _in_range(exact, expected), 0.0, None
                link = self._numbers_link(ans.qid, rel, piece, node, v, b, expected, student, places, own_rule,
                                          next((lk.at_own for lk in reversed(links) if lk.kind == "rule"), None))
                if own_rounding and link.ok and not link.own:
                    # a decimal counts as rounded because it rounds the student's own earlier value: the
                    # verdict holds for this student only (never remembered for another)
                    link = replace(link, own=True)
                link = replace(link, worth=v, fewest=min(rounded.values()) if rounded else None)
                links.append(link)
                numbers_value = (v, b, lambda node=node, v=v, rounded=rounded, written=written:
                                 self._toward_bound(ans.qid, node, v, rounded, written, student))
                value, decimals, bound = v, places, b
                if lit is not None:            # `(0.98) = u_3`: a single number that only names follow
                    decimals, bound = lit, 0.0
            except AnswerError as exc:
                reason = explain_unknown(piece, text_of(exc))
                if n == len(parts) - 1 or isinstance(exc, OutOfRange) or getattr(self.parser, "budget", 1.0) <= 0:
                    raise AnswerError(reason) from None
                unread.append(AnswerError(reason))
                links.append(Link(rel, piece, "unread", False, said("answer.link_not_read", link=_clip(piece),
                                                                    reason=reason)))
        if unread and value is None:                 # nothing left to grade: the item is unreadable
            raise unread[0]
        return links, value, decimals, bound

    def _number_cases(self, qid: str, rel: str, piece: str) -> list | None:
        """The rows of a link that is one cases whose every value is numbers (`\\begin{cases} 4 & net_5 > 0
        \\\\ 0 & \\text{otherwise} \\end{cases}`): a value with its reasons, not a rule. None for any other
        link, for a cases with a quantity name in a value, and for one that is the quantity's own rule
        (a ReLU's g' written as its definition): those are rules, judged as rules."""
        rows = cases_rows(piece)
        if rows is None:
            return None
        sample = _sample_of(qid)
        for value, _ in rows:
            prepared = prepare(value, self.table, sample)
            if prepared.names or prepared.unknown or not value.strip():
                return None
        prepared = prepare(piece, self.table, sample)
        if prepared.names and not prepared.unknown:
            try:
                node = self.parser.parse(prepared.text)
            except AnswerError:                 # not readable as a rule (a `\\neq` condition): not the rule
                return rows
            names = {ph: self.table.lookup(key) for ph, key in prepared.names.items()}
            try:
                if self._rule_link(qid, rel, piece, node, names).ok:
                    return None
            except AnswerError:                 # a symbol not read: not the rule, so a cases of numbers
                return rows
        return rows

    def _pick_case(self, rel: str, rows: list, student: dict, sample: int | None = None) -> tuple[str, Link]:
        """The value of the first row of a cases of numbers whose condition holds (at the student's own
        values of the names in it, else the true ones; `\\text{otherwise}` when no earlier one does), and
        its condition as a reason link; when no row holds, the last row's value with a reason not ok."""
        used: dict = {}
        for value, reason in rows:
            if reason is None:
                return value, Link(rel, "otherwise", "reason", True, own=bool(used))
            ok, seen, _ = self._reason_holds(reason, student, sample)
            used.update(seen)
            if ok:
                return value, Link(rel, reason[3], "reason", True, own=bool(seen))
        mine = any(sym in student and student[sym] != self.true.get(sym) for sym, _ in used.values())
        values = ", ".join(f"{name} = {_short(v)}" for name, (_, v) in used.items())
        conds = " / ".join(f"`{_clip(r[3])}`" for _, r in rows if r is not None)
        return rows[-1][0], Link(rel, conds, "reason", False, _with_values("answer.no_case", values, mine, conds=conds),
                                 own=bool(used))

    def _reason_holds(self, reason: tuple[str, str, str, str], student: dict,
                      sample: int | None = None) -> tuple[bool, dict, bool]:
        """Whether a reason's comparison holds, the names it used with their values, and whether any of
        those is the student's own value rather than the true one. AnswerError when a side cannot be read."""
        lhs, op, rhs, cond = reason
        sides, used = [], {}
        for side in (lhs, rhs):
            prepared = prepare(side, self.table, sample)
            if prepared.unknown:
                raise AnswerError(said("answer.reason_unknown", name=prepared.unknown[0], cond=_clip(cond)))
            node = self.parser.parse(prepared.text)
            env = {}
            for ph, key in prepared.names.items():
                q = self.table.lookup(key)
                env[ph] = student.get(q.symbol, self.true.get(q.symbol))
                used[self.psol.names.text.get(q.symbol, key)] = (q.symbol, env[ph])
            sides.append(evaluate(node, env, self.step0))
        a, b = (float(x) for x in sides)
        ok = holds(a, op, b) if op not in ("=", "!=") else \
            (abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))) == (op == "=")
        mine = any(sym in student and student[sym] != self.true.get(sym) for sym, _ in used.values())
        return ok, used, mine

    def _reason_link(self, rel: str, reason: tuple[str, str, str, str], student: dict,
                     sample: int | None = None) -> Link:
        """The reason given with a value (`1 \\text{ since } net_3 > 0`), checked: each side is numbers or
        quantity names, the names taken at the student's own values (the true ones where they wrote none
        and nothing they wrote changes them). A reason that does not hold is a link not ok, with why;
        one that cannot be read is AnswerError (the link is then not read)."""
        cond = reason[3]
        ok, used, mine = self._reason_holds(reason, student, sample)
        if ok:
            return Link(rel, cond, "reason", True, own=bool(used))
        values = ", ".join(f"{name} = {_short(v)}" for name, (_, v) in used.items())
        return Link(rel, cond, "reason", False, _with_values("answer.reason_false", values, mine, cond=_clip(cond)),
                    own=bool(used))

    def _rounded(self, qid: str, written: dict, student: dict) -> tuple[dict[Fraction, int], bool]:
        """Which decimals written in an expression stand for rounded values, with their places, and
        whether that depends on the student's own earlier values. Only a decimal that plausibly is a
        rounding earns a rounding allowance: it rounds (to the places shown) the true value of the step
        or of a quantity it is computed from, or 1 minus it (0.491 for u_5, 0.509 for 1 − u_5), or the
        student's own earlier value of such a quantity; or it
        shows at least the places the problem asks for; or as many places as such a rounded decimal of
        the same expression (the student's own rounding). Never an integer, an exponent, a hidden
        number (the ½ of a root), a quantity's exact value (0.5 = u_4) or a constant of a rule (the ½
        of the loss): those are exact, so an expression of exact numbers is right only when its value is."""
        asked = self.tol.precision
        open_ = {leaf: w for leaf, w in written.items() if w[1] not in self.exact}

        def choose(refs) -> dict[Fraction, int]:
            found = {leaf: w for leaf, w in open_.items()
                     if w[2] >= asked or any(_rounds(w[1], w[2], r) for r in refs)}
            kept = {w[2] for w in found.values()}
            return {leaf: w[0] for leaf, w in open_.items() if leaf in found or w[2] in kept}

        if not open_:
            return {}, False
        refs = self.references.get(qid, [])
        alone = choose(refs)
        upstream = self.upstream.get(qid, frozenset())
        own = [v for sym, v in student.items() if sym in upstream]
        if not own:
            return alone, False
        mine = choose(refs + _references(own))
        return mine, mine != alone

    def _numbers_value(self, node, rounded: dict[Fraction, int], written: dict) -> tuple:
        """(exact value as evaluated, its float or None when out of range, rounding bound, places): the
        places are those of a value that is itself a decimal no longer than the decimals written in it
        (`0.5 + 0.48` is 0.98 and is judged like `0.98`; `0.5 \\cdot 9.8` like 4.9), else None."""
        exact = evaluate(node, {}, self.step0)
        if exact != 0 and not _FLOAT_LOW <= abs(exact) <= _FLOAT_HIGH:
            return exact, None, 0.0, None
        v = float(exact)
        places = None
        if written:
            most = max(w[2] for w in written.values())
            with mpmath.workdps(DIGITS):
                scaled = exact * mpmath.mpf(10) ** most
                if abs(scaled - mpmath.nint(scaled)) <= mpmath.mpf(10) ** (12 - DIGITS) * max(1, abs(scaled)):
                    places = most
        return exact, v, _rounding_bound(node, v, rounded), places

    def _rule_link(self, qid: str, rel: str, piece: str, node, names) -> Link:
        """Is the rule right? Compared with the quantity on the problem and on random problems."""
        sym = self.symbol_of[qid]
        if len(names) == 1 and node[0] == "sym" and next(iter(names.values())).symbol == sym:
            return Link(rel, piece, "name", True)
        points = [self.true] + self.instances
        env_of = [{ph: q.symbol for ph, q in names.items()}]
        try:
            got = [float(evaluate(node, {ph: pt[s] for ph, s in env_of[0].items()}, self.step0)) for pt in points]
        except AnswerError as exc:       # 1/0 or log of a negative at some point; anything else is a bug
            if getattr(text_of(exc), "key", None) in _UNREAD_KEYS:
                raise                    # a symbol the reader did not read: the link is not read, and costs nothing
            return Link(rel, piece, "rule", False, said("answer.cannot_evaluate", why=text_of(exc)))
        want = [pt[sym] for pt in points]
        if all(abs(g - w) <= 1e-9 * max(1.0, abs(w)) for g, w in zip(got, want)):
            # right in both δ conventions too (δ_3 = δ_5 w_35 g'(net_3)): it tells neither convention
            both = self.kind(qid) == "delta" and diagnose.other_convention_rule(self, qid, node, env_of[0], points)
            return Link(rel, piece, "rule", True, convention=both, uses=tuple(q.symbol for q in names.values()))
        if "\\begin{cases}" not in piece and self._right_on_branch(qid, names, got, want, points):     # ELU's αe^{net_3}: g' where net_3 ≤ 0, as here
            return Link(rel, piece, "rule", True, uses=tuple(q.symbol for q in names.values()))
        # the bias input written as x_0 (−1 here) cannot have been taken as +1: then the other δ convention
        written_bias = any(q.key is None for q in names.values())
        threshold = None if written_bias else diagnose.bias_plus_one_rule(self, qid, got, points)
        if threshold is not None:             # Δθ = ηδ·1 on a threshold network: not the other δ convention
            return Link(rel, piece, "rule", False, threshold)
        if diagnose.other_convention_rule(self, qid, node, env_of[0], points):
            return Link(rel, piece, "rule", False, said("answer.rule_other_convention"), convention=True,
                        uses=tuple(q.symbol for q in names.values()))
        # a given value (target, input, bias input, η, weight) written as its number (`½(1 − u_5)²` with
        # z_1 = 1): compared with the true rule where every given whose value the student wrote is pinned
        # to it, the other quantities random; the symbols written stay free (any subset substituted)
        written = {abs(Fraction(node_at(node, path)[1])) for path in numbers(node)[:MAX_REEVALUATED]
                   if node_at(node, path)[0] == "num"}
        pinned = {s.symbol: self.true[s.symbol] for s in self.psol.steps if s.section == "given"
                  and any(abs(float(w) - abs(self.true[s.symbol])) <= 1e-12 for w in written)}
        # a computed step written as its rounded value in a half-substituted link (`w5 - \eta \cdot 0.082167`,
        # 0.082167 = ∂E/∂w5): pinned to the number written, its dependents recomputed from it
        pinned.update({x: float(self.psol.part.bias_input) for x in self.psol.names.text
                       if x not in self.symbol_of.values() and 1 in written})    # the bias input x_0 = 1 (or −1)
        if pinned:
            try:
                got_p = [float(evaluate(node, {ph: {**pt, **pinned}[s] for ph, s in env_of[0].items()}, self.step0))
                         for pt in points]
            except AnswerError:
                got_p = []
            want_p = [self.steps.recompute(qid, {**pt, **pinned}) for pt in points]
            if got_p and all(w is not None and abs(g - w) <= 1e-9 * max(1.0, abs(w)) for g, w in zip(got_p, want_p)):
                return Link(rel, piece, "rule", True)
            if self._right_on_pinned_problems(qid, node, env_of[0], points, pinned):
                return Link(rel, piece, "rule", True)
        if self._half_substituted(qid, node, env_of[0], piece):
            return Link(rel, piece, "rule", True)
        # e read as Euler's number where the rule is right with e = t − u, the error (Negnevitsky's e = y_d − y)
        written_syms = frozenset(q.symbol for q in names.values())
        words = euler_as_error(self, qid, node, env_of[0], points)
        found = [] if words else diagnose.rule_mistakes(self, qid, got, points, written_syms)
        words = words or (diagnose.explain_rule_words(found) if found else None)
        words = words or diagnose.classic_slip(self, qid, got, points)
        alpha = self._elu_alpha()
        if not words and alpha is not None and self._right_on_branch(qid, names, [g * alpha for g in got], want, points):
            words = said("diagnosis.elu_alpha_left_out", alpha=_short(alpha))     # g' = e^{net}: αe^{net} meant
        return Link(rel, piece, "rule", False, words or said("diagnosis.rule_not_giving", name=self.name(qid)),
                    uses=tuple(written_syms), mistakes=tuple(c for c, _ in found))

    def _half_substituted(self, qid: str, node, env: dict, piece: str) -> bool:
        """Whether a link of names and numbers (`w5 - \\eta \\cdot 0.082167`, 0.082167 = ∂E/∂w5 rounded) is the
        quantity on this problem: each decimal written that is a computed step's value rounded (to the places
        shown) put back as that exact value, the link at the problem's values gives the quantity's value.
        Substituted numbers hold on this problem only, so this is checked at its values alone."""
        computed = [abs(self.true[s.symbol]) for s in self.psol.steps if s.section != "given" and s.id != qid]
        given = [abs(self.true[s.symbol]) for s in self.psol.steps if s.section == "given"]
        exact: dict[Fraction, float] = {}
        for size, places in _decimal_literals(piece):
            if any(abs(float(size) - v) <= 1e-12 for v in given):      # η = 0.5 written as its number: exact
                continue
            near = [v for v in computed if abs(float(size) - v) <= 0.5 * 10.0 ** -places * (1 + 1e-9)]
            if near:
                exact[size] = min(near, key=lambda v: abs(float(size) - v))
        if not exact:
            return False
        for path in numbers(node)[:MAX_REEVALUATED]:
            leaf = node_at(node, path)
            if leaf[0] == "num" and abs(Fraction(leaf[1])) in exact:
                v = Fraction(exact[abs(Fraction(leaf[1]))]) * (1 if Fraction(leaf[1]) >= 0 else -1)
                node = replace_at(node, path, ("num", f"{v.numerator}/{v.denominator}"))
        try:
            got = float(evaluate(node, {ph: self.true[s] for ph, s in env.items()}, self.step0))
        except AnswerError:
            return False
        want = self.true[self.symbol_of[qid]]
        return abs(got - want) <= 1e-9 * max(1.0, abs(want))

    def _elu_alpha(self) -> float | None:
        """The α of the part's ELU layers when they share one and it is not 1 (else g' = e^{net} is right)."""
        alphas = {dict(act.params).get("alpha") for act in self.psol.part.activations if getattr(act, "name", None) == "elu"}
        return float(alphas.pop()) if len(alphas) == 1 and None not in alphas and alphas != {1} else None

    def _right_on_branch(self, qid: str, names: dict, got: list, want: list, points: list) -> bool:
        """Whether a rule is right on this problem and on every random problem whose nets into units of a
        piecewise activation (ReLU, leaky ReLU, ELU) that the rule is about lie on the same side of 0 as this problem's, with at
        least one such random problem: the branch that applies here written alone (ELU's g' = αe^{net_3}
        for net_3 ≤ 0), as the solution's own working does."""
        part = self.psol.part
        units = {u for layer, act in zip(part.layers, part.activations)
                 if getattr(act, "name", None) in _PIECEWISE for u in layer}
        # the units the rule is about: the quantity's own and those of the names written (δ_3 = δ_5 w_53 (u_3 + α))
        about = {(q.key.unit, q.key.sample) for q in names.values() if q.key is not None}
        own = self.table.lookup(qid)
        if own is not None and own.key is not None:
            about.add((own.key.unit, own.key.sample))
        nets = [s.symbol for s in self.psol.steps if s.key.kind == "net" and s.key.unit in units
                and (s.key.unit, s.key.sample) in about]
        if not nets or not abs(got[0] - want[0]) <= 1e-9 * max(1.0, abs(want[0])):
            return False
        side = [points[0][n] > 0 for n in nets]
        same = [i for i in range(1, len(points)) if [points[i][n] > 0 for n in nets] == side]
        # a quantity that is 0 on the branch (δ of an inactive ReLU unit) tells nothing: any rule with g' in it gives 0
        if all(abs(want[i]) <= 1e-12 for i in [0, *same]):
            return False
        return bool(same) and all(abs(got[i] - want[i]) <= 1e-9 * max(1.0, abs(want[i])) for i in same)

    def _right_on_pinned_problems(self, qid: str, node, env: dict, points: list, pinned: dict) -> bool:
        """Whether the rule gives `qid` on the problems whose givens written as numbers take those values
        (`pinned`) and every step that depends on them is recomputed from them: η written as its number
        in w_5 − 0.5·∂J/∂w_5 (η = 0.5), where the step's own rule is w_5 + Δw_5 and Δw_5 = −η·∂J/∂w_5
        must be worked at η = 0.5 too. One pass over the steps in order per point (at most len(steps))."""
        for pt in points:
            values, changed = {**pt, **pinned}, set(pinned)
            for s in self.psol.steps:
                if s.section == "given" or not s.forms or not (s.forms[-1].free_symbols & changed):
                    continue
                v = self.steps.recompute(s.id, values)
                if v is None:
                    return False
                values[s.symbol] = v
                changed.add(s.symbol)
            want = values[self.symbol_of[qid]]
            try:
                got = float(evaluate(node, {ph: values[sym] for ph, sym in env.items()}, self.step0))
            except AnswerError:
                return False
            if not abs(got - want) <= 1e-9 * max(1.0, abs(want)):
                return False
        return True

    def _right_rule_at_own(self, link: Link, node, names, student: dict) -> Link:
        """A right rule link, with its value at the student's own earlier values (`−η ∂J/∂w_53` at their
        written ∂J/∂w_53) when that differs from the true value: the value their work gives by the right
        rule, whichever steps the problem's own rule is written in (a batch's Δw from the δs)."""
        mixed = {**self.true, **student}
        env = {ph: mixed[q.symbol] for ph, q in names.items() if q.symbol in mixed}
        if len(env) < len(names) or all(env[ph] == self.true[q.symbol] for ph, q in names.items()):
            return link
        try:
            at = float(evaluate(node, env, self.step0))
        except (AnswerError, OverflowError, ValueError):
            return link
        return replace(link, at_own=at, uses=tuple(q.symbol for q in names.values()))

    def _numbers_link(self, qid, rel, piece, node, v, bound, expected, student, places=None,
                      own_rule=None, right_own=None) -> Link:
        """Are the substituted numbers the right ones (up to the rounding they show)? Numbers whose value
        is a decimal as short as they are (`0.5 + 0.48`) are right when that decimal is the value rounded.
        After a rule that is not the right one (`own_rule`, its node and names), the numbers are those of
        the student's OWN rule: right when they give its value (at the true values, or at the student's
        own earlier ones), so that only the rule is charged; a sign slip is one against that value."""
        if compare_number(v, places, expected, self.tol, bound).status in (("correct", "imprecise") if places
                                                                          else ("correct",)):
            return Link(rel, piece, "numbers", True)
        if own_rule is not None:
            targets = self._own_rule_values(own_rule, student)
            for target, mine in targets:
                if within(v, target, self.tol, bound):
                    return Link(rel, piece, "numbers", True, own=mine)
            for target, _ in targets[:1]:
                if self._one_sign_flipped(node, target, bound):
                    return Link(rel, piece, "numbers", False, said("answer.numbers_sign_slip"))
            if targets:
                return Link(rel, piece, "numbers", False, said("diagnosis.numbers_right_value", got=self._shown(v),
                                                               expected=self._shown(targets[0][0])))
        own = self.steps.recompute(qid, {**self.true, **student})
        if own is not None and within(v, own, self.tol, bound):
            if within(v, expected, self.tol, bound):
                # the numbers are as much the right ones up to their rounding (the student's earlier values
                # are none, right, or right rounded: their g'(net_2) = 0.9241) (δ_2 w_12 + δ_3 w_13 as 0.0756 × 1.5 + 0.0149 × (−1)), and
                # the value from them is judged as a product's is (_from_rounded_numbers), never "yours"
                return Link(rel, piece, "numbers", True)
            return Link(rel, piece, "numbers", True, said("answer.with_your_values"), own=True)
        if right_own is not None and within(v, right_own, self.tol, bound):
            # the right rule written just before, at the student's own earlier values
            return Link(rel, piece, "numbers", True, said("answer.with_your_values"), own=True)
        if self.kind(qid) == "delta" and within(v, -expected, self.tol, bound):
            return Link(rel, piece, "numbers", False, said("answer.numbers_other_convention"), convention=True)
        if self._one_sign_flipped(node, expected, bound):
            return Link(rel, piece, "numbers", False, said("answer.numbers_sign_slip"))
        return Link(rel, piece, "numbers", False, said("diagnosis.numbers_right_value", got=self._shown(v),
                                                       expected=self._shown(expected)))

    def _one_sign_flipped(self, node, target: float, bound: float) -> bool:
        """Whether the numbers give `target` once one of them (of the first MAX_REEVALUATED) is negated."""
        return one_sign_flipped(node, target, bound, self.tol, self.step0)

    def _own_rule_values(self, own_rule, student: dict) -> list[tuple[float, bool]]:
        """The values of a student's own rule (node, names) at the true values and at the student's own
        earlier ones (when they differ), each with whether it depends on the student's values. A rule that
        cannot be evaluated there (1/0) gives none."""
        node, names = own_rule
        out: list[tuple[float, bool]] = []
        mixed = {**self.true, **student}
        flipped = self.flipped_symbols & {q.symbol for q in names.values()}
        if flipped:
            # the rule names δs taken as the other convention: it is the student's rule in their convention,
            # so it is worked first with their δs as they wrote them (negated back from this problem's)
            env = {ph: (-mixed[q.symbol] if q.symbol in flipped else mixed[q.symbol])
                   for ph, q in names.items() if q.symbol in mixed}
            if len(env) == len(names):
                try:
                    out.append((float(evaluate(node, env, self.step0)), True))
                except (AnswerError, OverflowError, ValueError):
                    pass
        for point, mine in ((self.true, False), (mixed, True)):
            env = {ph: point[q.symbol] for ph, q in names.items() if q.symbol in point}
            if len(env) < len(names):
                continue
            if mine and all(env[ph] == self.true[q.symbol] for ph, q in names.items()):
                continue                        # the student's values are the true ones here
            try:
                out.append((float(evaluate(node, env, self.step0)), mine))
            except (AnswerError, OverflowError, ValueError):
                continue
        return out

    def _arithmetic(self, link: Link, numbers_value, value: float, decimals: int, rel: str,
                    shown: str | None = None) -> Link:
        """Does the value follow from the numbers before it (up to its places and their rounding)?"""
        v, b, toward = numbers_value
        if follows_from_numbers(value, decimals, v, b, toward, self.tol):
            return link
        return Link(rel, link.text, "value", False, said("diagnosis.arithmetic", got=self._shown(v, decimals),
                                                         expected=shown or link.text), numbers=v)

    def _toward_bound(self, qid: str, node, value: float, rounded: dict[Fraction, int], written: dict,
                      student: dict) -> tuple[float, float]:
        """How far (below, above) the value of `node` moves when each rounded decimal in it is replaced
        by the value it rounds (the true value of the step or of one it is computed from, or 1 minus it,
        or the student's own earlier value of one), the changes below and above added up. A decimal that
        rounds none of them (it shows the places asked) moves by half a unit in its last place either
        way. At most MAX_REEVALUATED numbers, each tried against the few values it rounds."""
        upstream = self.upstream.get(qid, frozenset())
        refs = self.references.get(qid, []) + _references(v for sym, v in student.items() if sym in upstream)
        below = above = 0.0
        for path, exact, places in _rounded_numbers(node, numbers(node)[:MAX_REEVALUATED], rounded):
            size = abs(exact)
            sign = 1 if exact >= 0 else -1
            shown = written.get(size)
            targets = []
            if shown is not None and shown[1] != 0:
                targets = [sign * size * (Fraction(r) / shown[1]) for r in refs if _rounds(shown[1], shown[2], r)]
            if not targets:
                targets = [exact + Fraction(1, 2 * 10 ** places), exact - Fraction(1, 2 * 10 ** places)]
            changes = [0.0]
            for target in targets:
                moved = replace_at(node, path, ("num", f"{target.numerator}/{target.denominator}"))
                try:
                    change = float(evaluate(moved, {}, self.step0)) - value
                except AnswerError:
                    continue
                if change == change and abs(change) != float("inf"):
                    changes.append(change)
            below -= min(changes)
            above += max(changes)
        return below * 1.01, above * 1.01


MIXED_MOST = 6      # own values that carry an error, tried in every combination with the right ones


def one_sign_flipped(node, target: float, bound: float, tol: Tolerance, step0: float = 0.0) -> bool:
    """Whether the numbers of `node` give `target` once one of them (of the first MAX_REEVALUATED) is
    negated: a sign slip in the substituted numbers (for a network's step and a graph's item alike)."""
    for path in numbers(node)[:MAX_REEVALUATED]:
        try:
            flipped = float(evaluate(negate_at(node, path), {}, step0))
        except AnswerError:
            continue
        if within(flipped, target, tol, bound):
            return True
    return False


def follows_from_numbers(value: float, decimals: int, v: float, b: float, toward, tol: Tolerance) -> bool:
    """Whether a value written with `decimals` places follows from numbers worth `v` (their rounding
    bound `b`; `toward()` how far, below and above, the values they round move them): up to its places
    and their rounding. False is an arithmetic slip (for a network's step and a graph's item alike)."""
    half = 0.5 * 10.0 ** -max(decimals, 0) * (1 + 1e-9) + 1e-12
    if abs(value - v) <= half or within(value, v, tol):
        return True
    if b > 0:
        # each rounded decimal stands for a value between it and the value it rounds (0.98 for
        # σ(4) = 0.98201), so the numbers may give anything between their value as written and
        # their value at what they round — never half a unit beyond (spread.py's rule, for a chain)
        below, above = toward()
        nearest = min(max(value, v - below), v + above)
        if abs(value - nearest) <= half or within(value, nearest, tol):
            return True
    fig = figures_match(value, decimals, v, tol) if b == 0 else None
    return fig is not None and fig.status == "imprecise"     # `48195 \times 3455 = 1.67 \times 10^{8}`: 3 figures


def _untruncated(value: float, places: int, expected: float) -> float:
    """A value written with an ellipsis (`-0.0359\\ldots`: "and more digits") that is the expected value
    cut short at its places, as that value rounded there (-0.0360): the student truncated where others
    round, and the rounding allowance for the places written applies. Any other value is left as it is."""
    if places > 15 or expected != expected or abs(expected) in (float("inf"),):
        return value
    step = Decimal(1).scaleb(-places)
    exact = Decimal(expected)
    written = Decimal(repr(value))
    if written.quantize(step, rounding=ROUND_HALF_EVEN) != written:    # more places than it shows: not a cut
        return value
    if exact.quantize(step, rounding=ROUND_DOWN) != written:
        return value
    return float(exact.quantize(step, rounding=ROUND_HALF_EVEN))


def _bad(links: list[Link]) -> list[Link]:
    """The links found wrong (a link that could not be read is not judged: it is neither)."""
    return [lk for lk in links if not lk.ok and lk.kind not in ("unread", "reason")]


def normalized(text: str) -> tuple[str | None, AnswerError | None]:
    """An answer's text as the parser's front end makes it, or (None, why) when it cannot be normalized
    as a whole; AnswerError when it is a number with two readings (1.525.225, 762'612.5, 4·5). The one
    front end of `Checker._read`, also used by ahead.py to forecast the texts it will parse."""
    why = typed_doubt(text)       # 1.525.225  762'612.5  4·5  -1\mathbf{2}: unreadable, with the readings
    if why is not None:
        raise AnswerError(why)
    try:
        return normalize(_mathrm_e(text)), None
    except AnswerError as exc:
        return None, exc


def chain_links(text: str, whole: str | None) -> tuple[list[tuple[str, str]], dict[int, AnswerError]]:
    """The links of a chain: those of its normalized text `whole`, or, when it could not be normalized as
    a whole, each link normalized alone (with why each one that cannot be is not read)."""
    return (split_relations(whole), {}) if whole is not None else _links_alone(text)


def _links_alone(text: str) -> tuple[list[tuple[str, str]], dict[int, AnswerError]]:
    """The links of a chain that cannot be normalized as a whole, each normalized alone (the relations
    found once the full-width and Chinese spellings are folded: ＝, ≈, 约), and why each link that cannot
    be normalized is not read, by its position (that link is left as written)."""
    parts: list[tuple[str, str]] = []
    broken: dict[int, AnswerError] = {}
    for n, (rel, piece) in enumerate(split_relations(fold(text, strict=False))):
        try:
            parts.append((rel, normalize(_mathrm_e(piece))))
        except AnswerError as exc:
            parts.append((rel, piece))
            broken[n] = exc
    return parts, broken


def _short(x: float) -> str:
    """A value as a reason's message quotes it: up to 6 significant figures."""
    return f"{x:.6g}"


def _clip(text: str, most: int = 40) -> str:
    """A link as the report quotes it: on one line, at most `most` characters."""
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most - 1] + "…"


_LITERAL = re.compile(r"\d+(?:\.\d*)?|\.\d+")


def literal_decimals(text: str, node: Node) -> int | None:
    """The decimal places shown by a value written as one number, whatever wraps it: `(0.98)`,
    `{0.98}`, `\\left(0.98\\right)`, `+0.98`, `-(-0.98)` all show 2, and a number in scientific
    notation shows the places of its value (`8.056 \\times 10^{-4}` and `8.056e-4` show 7, as
    `0.0008056` does). The parsed tree decides that the text is a single number (a fraction or any
    arithmetic is an expression, judged as exact or by the rounding of its numbers); the text gives
    the places, so that the trailing zeros of 0.9820 count. None when the text is not one number."""
    written = written_number(text, figures=True)
    if written is not None:
        try:
            got = evaluate(node, {})
        except AnswerError:
            return None
        with mpmath.workdps(DIGITS):
            want = mpmath.mpf(written[0].numerator) / written[0].denominator
            same = abs(got - want) <= mpmath.mpf(10) ** (5 - DIGITS) * abs(want)
        return written[1] if same else None
    if node[0] != "num":
        return None
    found = _LITERAL.findall(text)
    if len(found) != 1 or Fraction(found[0]) != abs(Fraction(node[1])):
        return None
    return len(found[0].partition(".")[2])


def _finite(text: str) -> float:
    """A number given as a YAML or JSON number, or AnswerError when it is none a student can mean."""
    try:
        value = float(text)
    except (ValueError, OverflowError):
        raise AnswerError(said("answer.not_decimal", value=repr(text[:40]))) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise AnswerError(said("number.not_finite", value=repr(text[:40])))
    return value


_FLOAT_HIGH = mpmath.mpf(10) ** MAX_EXPONENT
_FLOAT_LOW = mpmath.mpf(10) ** -MAX_EXPONENT


def _in_range(value, expected: float) -> float:
    """A value (a Fraction, or an mpf from expr.evaluate) as a float, or AnswerError when it is out of
    range: more than 10^300 in size, or nonzero and less than 10^-300 where the answer is not 0 (a
    float would make it infinity or 0, and "wrong" would hide why). Where 0 is expected a tiny
    value is judged as the number it is."""
    if isinstance(value, Fraction):
        big, tiny = abs(value) > 10 ** MAX_EXPONENT, value != 0 and abs(value) < Fraction(1, 10 ** MAX_EXPONENT)
        exponent = (len(str(abs(value.numerator))) - len(str(value.denominator))) if value else 0
    else:
        big, tiny = abs(value) > _FLOAT_HIGH, value != 0 and abs(value) < _FLOAT_LOW
        exponent = int(mpmath.floor(mpmath.log10(abs(value)))) if value else 0
    if big:
        raise OutOfRange(said("answer.too_large", exponent=exponent, most=MAX_EXPONENT))
    if tiny and expected != 0:
        raise OutOfRange(said("answer.too_small", exponent=exponent, most=MAX_EXPONENT))
    return float(value)


_MATHRM_E = re.compile(r"(?<=[\d.])\s*\\mathrm\s*\{\s*[eE]\s*\}\s*(?:\{\s*([+-]?\d{1,3})\s*\}|([+-]?\d{1,3}))(?![\d^])")


def _mathrm_e(text: str) -> str:
    """`8.056\\mathrm{e}{-4}` (and `\\mathrm{e}-4`), scientific notation right after a number, as
    `8.056\\times 10^{-4}`: the parser would read an upright e times −4. Euler's number (`\\mathrm{e}^{x}`)
    is left alone."""
    return _MATHRM_E.sub(lambda m: f"\\times 10^{{{m.group(1) or m.group(2)}}}", text)


_WRITTEN = re.compile(rf"(?<![\w.])(?:{SCIENTIFIC.pattern}|(\d+\.\d*|\.\d+))")


# the messages of a symbol the reader could not read (w·5 of an unknown `w5`, σ of `\sigma'`)
_PIECEWISE = frozenset({"relu", "leaky_relu", "elu"})   # activations whose g' has a branch by net's sign
_UNREAD_KEYS = frozenset({"reader.unknown_symbol", "reader.unknown_word"})


def _decimal_literals(text: str) -> list[tuple[Fraction, int]]:
    """The decimals written in a link (the first MAX_REEVALUATED), each as (its size, its places)."""
    return [(abs(size), shown) for _, size, shown in list(_written_decimals(text).values())[:MAX_REEVALUATED]]


def _written_decimals(text: str) -> dict[Fraction, tuple[int, Fraction, int]]:
    """The decimals written in an expression, by the size of the number literal the parser makes of
    each: (places of that literal, size of the number written, places of that number). A number in
    scientific notation is its mantissa's literal: `4.9e-1` is (1, 0.49, 2). Integers are exact and
    left out, as is any number the text does not show as a decimal (the ½ of `\\sqrt`)."""
    out: dict[Fraction, tuple[int, Fraction, int]] = {}
    for m in _WRITTEN.finditer(text):
        if m.group(6) is not None:                            # a plain decimal
            literal, exponent = m.group(6), 0
        else:                                                 # scientific: the mantissa and its exponent
            literal = m.group(1)
            exponent = int(next(g for g in m.groups()[1:5] if g is not None))
            if "." not in literal and exponent >= 0:          # 2 \times 10^{3}: an integer, exact
                continue
        places = len(literal.partition(".")[2])
        leaf = Fraction(literal)
        size = leaf * Fraction(10) ** exponent
        shown = max(places - exponent, 0)
        if leaf in out and out[leaf][0] >= places:
            continue
        out[leaf] = (places, size, shown)
    return out


def _references(values) -> list[float]:
    """The values a written decimal may round: each value, and 1 minus it (the 1 − u of σ')."""
    out: list[float] = []
    for v in values:
        v = float(v)
        if v == v and abs(v) != float("inf"):
            out += [abs(v), abs(1.0 - v)]
    return out


def _rounds(size: Fraction, places: int, reference: float) -> bool:
    """Whether a decimal of this size, with `places` places, is `reference` rounded, and not equal to it."""
    if abs(size) > 10 ** MAX_EXPONENT:          # no float: rounds nothing (and float() would overflow)
        return False
    diff = abs(float(size) - reference)
    return 0 < diff < 0.5 * 10.0 ** -places * (1 - 1e-9)      # a tie (0.25 to 1 place) rounds either way: neither


def _rounding_bound(node, value: float, rounded: dict[Fraction, int]) -> float:
    """How far rounding the decimals written in `node` (0.491, 0.2499) can move its value: each
    rounded decimal (`rounded`: its size as a literal -> its places) moved by half a unit in its last
    place, the changes added up. Every other number is exact: an integer, a hidden number (the ½ of
    a root, which is no rounded 0.5), an exponent (of any base but e: `e^{-0.04}` rounds net_5)."""
    total = 0.0
    paths = numbers(node)
    if len(paths) > MAX_REEVALUATED:        # each number moved costs a whole evaluation
        raise AnswerError(said("answer.too_many_numbers", most=MAX_REEVALUATED))
    if not rounded:
        return 0.0
    for path, exact, places in _rounded_numbers(node, paths, rounded):
        away = exact + (1 if exact >= 0 else -1) * Fraction(1, 2 * 10 ** places)     # half a unit further out
        moved = replace_at(node, path, ("num", f"{away.numerator}/{away.denominator}"))
        try:
            change = abs(float(evaluate(moved, {})) - value)
        except AnswerError:
            continue
        if change == change and change != float("inf"):
            total += change
    return total * 1.01


def _rounded_numbers(node, paths, rounded: dict[Fraction, int]):
    """(path, exact value, places) of each number at `paths` that counts as rounded (`rounded`: its
    size -> its places), exponents left out (`_in_exponent`)."""
    for path in paths:
        leaf = node_at(node, path)
        if leaf[0] != "num" or _in_exponent(node, path):
            continue
        places = rounded.get(abs(Fraction(leaf[1])))
        if places is not None:
            yield path, Fraction(leaf[1]), places


def _in_exponent(node, path: tuple) -> bool:
    """Whether the number at `path` is (in) the exponent of a power whose base is not e."""
    for k, (i, j) in enumerate(path):
        parent = node_at(node, path[:k])
        if parent[0] == "pow" and i == 2 and parent[1] != ("const", "E"):
            return True
    return False


def _joined(sentences: list[str]) -> str:
    """Sentences joined by "; "; each stays translatable (messages.joined)."""
    return joined(sentences)


def _with_values(key: str, values: str, mine: bool, **fields: str) -> str:
    """A reason's message, with the values of the names it used (`: net_3 = 4`), marked as the
    student's own when any is: `key`, `key_values` or `key_yours`."""
    if not values:
        return said(key, **fields)
    return said(key + ("_yours" if mine else "_values"), values=values, **fields)


def _hinted(message: str, name: str) -> str:
    """A reader's hint that shows an example equation (`an equation u_3 = …`) with `name` in it instead;
    a catalogue message stays one (its `example` field, in it or in a message it holds, is replaced)."""
    if EQUATION_HINT not in message:
        return message
    if isinstance(message, Said) and message.key:
        fields = {k: _hinted(v, name) if isinstance(v, str) else v for k, v in message.fields.items()}
        if fields.get("example") == EQUATION_HINT:
            fields["example"] = f"{name} = …"
        return said(message.key, **fields)
    return message.replace(f"equation {EQUATION_HINT}", f"equation {name} = …")


CONSISTENTLY = frozenset(k for k in catalogue("en") if k.startswith("consistently."))   # a loss convention's words
