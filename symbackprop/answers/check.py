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
from fractions import Fraction

import mpmath

from ..general import RULE_IDS
from ..printing import format_value
from ..solution import PartSolution
from . import diagnose
from .compare import Match, Tolerance, compare_number, shown_decimals, within
from .expr import evaluate, negate_at, node_at, numbers, replace_at
from .instances import StepRules, instances, true_values
from .latex import AnswerError, Node, Parser, check_size, normalize, prepare, split_relations
from .meter import FREE, Meter, _Free
from .names import NameTable
from .own import Graph, OwnValues
from .rubric import Rubric

MAX_REEVALUATED = 100         # numbers of one expression re-evaluated one by one (rounding bound, sign slips)
ITEM_SECTIONS = ("forward", "loss", "output", "hidden", "updated")
GOOD = ("correct", "follow_through", "other_convention")


@dataclass(frozen=True)
class Answer:
    """What a student wrote for one quantity: a number, or LaTeX (an expression or a chain)."""

    qid: str
    text: str
    line: int | None = None
    number: bool = False           # given as a YAML/JSON number
    unreadable: str | None = None  # why the reader could not take it as a number (0x1F, .inf): the verdict's message


@dataclass(frozen=True)
class Link:
    """One link of a chain `rule = numbers = value`, and what was found about it."""

    relation: str                  # "", "=", "≈"
    text: str
    kind: str                      # name, rule, numbers, value
    ok: bool
    message: str = ""
    own: bool = False              # judged with the student's own earlier values, not the true ones


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

    @property
    def score(self) -> float:
        return self.points * self.credit


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
        return all(v.status in ("correct",) for v in self.verdicts)

    def _repr_markdown_(self) -> str:          # Jupyter and Colab show a report as its table
        from ..render.report import render_markdown
        return render_markdown([self], f"part {self.part}", [])


def items_of(psol: PartSolution, rubric: Rubric) -> dict[str, float]:
    """The items a student is expected to answer, with their points."""
    computed = [s.id for s in psol.steps if s.section in ITEM_SECTIONS]
    if rubric.items is None:
        return {q: 1.0 for q in computed}
    return {q: p for q, p in rubric.items.items() if q in set(computed) | {s.id for s in psol.steps} | set(RULE_IDS)}


class Checker:
    """Checks answers against one part's solution; built once per part, used for many students."""

    def __init__(self, psol: PartSolution, rubric: Rubric, parser: Parser) -> None:
        self.psol, self.rubric, self.parser = psol, rubric, parser
        self.table = NameTable(psol)
        self.tol: Tolerance = rubric.tolerance(psol.part.precision)
        self.true = true_values(psol)
        self.instances = instances(psol)
        self.steps = StepRules(psol)                   # the step rules, compiled once per part
        self.items = items_of(psol, rubric)
        self.order = {s.id: n for n, s in enumerate(psol.steps)}
        self.symbol_of = {s.id: s.symbol for s in psol.steps}
        self.graph = Graph(self)                       # what each step is computed from, for follow-through
        self.numbers_cache: dict[str, tuple[float, float]] = {}
        self.step0 = float(psol.part.relu_derivative_at_zero)      # step(0) written in an answer
        # verdicts that depend on nothing but the answer's own text: (qid, text, number) -> Verdict
        self.right: dict[tuple, tuple[Verdict, tuple[str, ...], float]] = {}   # verdict, texts parsed, CPU cost
        self.rules = None                              # general.RuleChecker, made when a rule is answered
        self.meter: Meter | _Free = FREE               # the current submission's computing time
        self._reused: set[tuple] = set()               # remembered verdicts the current submission has paid for
        self.variants: dict[str, list] = {}            # diagnose.py's mistakes per step, built once
        self.expected_text = {s.id: format_value(s.value, psol.part.precision)[0] for s in psol.steps}
        # numbers that are some quantity's exact value (0.5 = u_4) are not rounded when written
        self.exact = {Fraction(int(s.value.p), int(s.value.q)) for s in psol.steps if s.value.is_Rational}

    # -- one student ---------------------------------------------------------------------------
    def check(self, answers: list[Answer], meter: Meter | None = None) -> PartReport:
        """One student's report. `meter` charges the submission's computing time answer by answer."""
        self.meter = meter or FREE
        self._reused = set()
        rules = [a for a in answers if a.qid in RULE_IDS]
        answers = [a for a in answers if a.qid not in RULE_IDS]
        answers = sorted(answers, key=lambda a: (self.order.get(a.qid, 1 << 30), a.line or 0))
        own = OwnValues(self)                         # the student's own values, for follow-through
        wrong_first: dict[str, str] = {}              # qid -> the first wrong item it depends on
        verdicts: list[Verdict] = []
        seen: set[str] = set()
        for ans in answers:
            self.meter.tick()
            v = self._check_one(ans, own, wrong_first)
            verdicts.append(v)
            sym = self.symbol_of.get(ans.qid)
            if v.value is not None and sym is not None:
                own.write(ans.qid, sym, v.value, wrong_first.get(ans.qid))
            seen.add(ans.qid)
        ruled = []
        for a in rules:
            self.meter.tick()
            ruled.append(self._check_rule(a))
        verdicts = self._merge_duplicates(verdicts) + ruled
        self.meter.tick()
        verdicts, notes = diagnose.consolidate(verdicts, self.psol, self.rubric)
        missing = tuple(q for q in self.items if q not in seen)
        # the first error is the first wrong item in the solution's order, never one only imprecise,
        # misrounded, unreadable or with a slip in its working (its value is right, nothing inherits it)
        first = next((v.qid for v in verdicts if v.status == "wrong" and v.points), None)
        extra = {v.qid: v.points for v in verdicts if v.qid in RULE_IDS and v.qid not in self.items}
        return PartReport(self.psol.name, tuple(verdicts), missing, sum(self.items.values()) + sum(extra.values()),
                          tuple(notes), first, {q: self.name(q) for q in missing}, {**self.items, **extra})

    def _check_rule(self, ans: Answer) -> Verdict:
        """A general rule (δ_j = g'(net_j) Σ_k w_kj δ_k) against the one SymPy derives for this part."""
        from ..render.rules import expr_text
        from .general import RuleChecker
        if self.rules is None:
            from ..general_check import derive_for_part
            with self.meter.shared():                 # derived once for every student
                self.rules = RuleChecker(derive_for_part(self.psol.part), self.parser)
        dv = self.rules.dv
        rule = dv.rule(ans.qid)
        expected = f"{expr_text(dv, rule.lhs)} = {expr_text(dv, rule.rule)}"
        # a rule the rubric does not list counts one point when answered (by default nothing is asked)
        points = self.items.get(ans.qid, 1.0 if self.rubric.items is None else 0.0)
        try:
            ok, words = self.rules.check(ans.qid, ans.text)
        except AnswerError as exc:
            return Verdict(ans.qid, ans.qid, ans.text, float("nan"), expected, "unreadable", points, 0.0,
                           message=str(exc), line=ans.line)
        return Verdict(ans.qid, ans.qid, ans.text, float("nan"), expected, "correct" if ok else "wrong", points,
                       1.0 if ok else 0.0, diagnosis=None if ok else "rule", message=words, line=ans.line)

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

    def _verdict(self, ans: Answer, status: str, **kw) -> Verdict:
        step = self.psol.step(ans.qid)
        points = self.items.get(ans.qid, 0.0)
        credit = kw.pop("credit", None)
        if credit is None:
            credit = 1.0 if status == "correct" else self.rubric.credit.get(status, 0.0)
        return Verdict(ans.qid, self.name(ans.qid), ans.text, step.float_value,
                       self.expected_text[ans.qid], status, points, credit,
                       line=ans.line, **kw)

    def _check_one(self, ans: Answer, own: OwnValues, wrong_first: dict) -> Verdict:
        """One answer's verdict. A right answer judged from its text alone is right whatever else
        the student wrote, so it is remembered and the many students who write it cost nothing; a
        verdict that used the student's own earlier values ("right from your rounded earlier
        values", numbers "with your earlier values") is never remembered: it holds for this student only."""
        key = (ans.qid, ans.text, ans.number)
        if key in self.right:
            verdict, texts, cost = self.right[key]
            if key not in self._reused:        # what reading and judging it cost the student who came first,
                self._reused.add(key)          # once per submission: the limit falls where it would for this
                self.parser.charge(texts)      # file alone (which judges it once and reuses it after that)
                self.meter.charge(cost)
            return replace(verdict, line=ans.line)
        start = self.meter.clock()
        with self.parser.recording() as texts:
            v, mine = self._judge(ans, own, wrong_first)
        if v.status == "correct" and not mine:
            self.right[key] = (v, tuple(texts), self.meter.clock() - start)
            self._reused.add(key)
        return v

    def _judge(self, ans: Answer, own_values: OwnValues, wrong_first: dict) -> tuple[Verdict, bool]:
        """The verdict, and whether it depends on the student's own earlier values."""
        expected = self.psol.step(ans.qid).float_value
        student = own_values.upto(ans.qid)            # every earlier quantity, as the student's work has it
        try:
            links, value, decimals, bound = self._read(ans, expected, student)
        except AnswerError as exc:
            return self._verdict(ans, "unreadable", message=str(exc)), False
        own = any(lk.own for lk in links)
        if value is None:                              # a name or a rule, and no value: nothing to grade
            bad = [lk for lk in links if not lk.ok]
            if bad:
                return self._verdict(ans, "wrong", diagnosis="rule", message=bad[0].message, links=tuple(links)), own
            return self._verdict(ans, "wrong", credit=0.0, diagnosis="no_value", links=tuple(links),
                                 message=self._no_value(links)), own
        bad_links = [lk for lk in links if not lk.ok]
        match = self._compare(value, decimals, expected, bound)
        if match.status == "correct":
            if bad_links:
                return self._verdict(ans, "slip", diagnosis="working", value=value, links=tuple(links),
                                     message="the value is right but the working is not: " + bad_links[0].message), own
            return self._verdict(ans, "correct", value=value, links=tuple(links)), own
        return self._judge_wrong(ans, links, value, decimals, bound, match, own_values, wrong_first), True

    def _compare(self, value: float, decimals: int | None, target: float, bound: float) -> Match:
        """compare_number, and the precision rule for a value left as an expression of rounded numbers
        (0.98 \\times 1, 4.9e-1, 0.49 + 0 = u_5): right only within the rounding of its numbers, and
        not to the places asked, it is imprecise — not writing the value out cannot escape the rule."""
        match = compare_number(value, decimals, target, self.tol, bound)
        slack = 0.5 * 10.0 ** -self.tol.precision * (1 + 1e-9) + 1e-12 * max(1.0, abs(target))
        if match.status == "correct" and decimals is None and bound > 0 and self.tol.relative is None and \
                abs(value - target) > slack:
            return Match("imprecise", f"right only within the rounding of the numbers it is computed from; the "
                                      f"problem asks for {self.tol.precision} decimal places")
        return match

    def _no_value(self, links: list[Link]) -> str:
        """Why an answer with no number earns nothing: its own name, or a rule left unsubstituted."""
        if all(lk.kind == "name" for lk in links):
            return "no value: the answer only names the quantity; give its value"
        return ("no value: a rule with nothing substituted earns nothing on its own; give its numbers and "
                "value (rule = numbers = value)")

    def _judge_wrong(self, ans: Answer, links: list[Link], value: float, decimals, bound: float, match,
                     own_values: OwnValues, wrong_first: dict) -> Verdict:
        """A value that is not the expected one: the other δ convention, follow-through from the
        student's earlier values, a known mistake, imprecision or rounding, else wrong."""
        expected = self.psol.step(ans.qid).float_value
        student = own_values.upto(ans.qid)
        bad_links = [lk for lk in links if not lk.ok]
        if ans.qid.startswith("delta_") and self._compare(value, decimals, -expected, bound).status == "correct":
            # the other δ convention: decided for the whole part in diagnose.consolidate
            wrong_first[ans.qid] = ans.qid
            return self._verdict(ans, "wrong", diagnosis="other_convention", value=value, links=tuple(links),
                                 message=diagnose.convention_message(self.psol))
        # error carried forward: the step from the student's own earlier values, those they did not
        # write recomputed from those they did (own.py), whichever middle steps they wrote down
        own = own_values.rule_value(ans.qid)
        carried = self._compare(value, decimals, own, bound) if own is not None and own_values.written else None
        if carried is not None and carried.status in ("correct", "imprecise", "rounding"):
            zeroed = [sym for sym in self.graph.leaves[ans.qid] if abs(student[sym]) <= 1e-12
                      and abs(self.true.get(sym, 0.0)) > self.tol.floor]
            if (abs(own) <= 1e-12 or zeroed) and abs(expected) > self.tol.floor:
                # the earlier values make this step vanish (u_5 = 1 gives g' = 0, δ = 0, Δw = 0), or feed it
                # a wrong 0 (w + Δw with Δw = 0 is the old weight): that shows no working, so no follow-through
                wrong_first[ans.qid] = ans.qid
                return self._verdict(ans, "wrong", diagnosis="trivialised", value=value, links=tuple(links),
                                     message="your earlier values make this step trivial (a 0 where the true value "
                                             "is not), so it shows no working: no follow-through credit")
            upstream = own_values.upstream(ans.qid)
            if upstream:
                wrong_first[ans.qid] = upstream
                follows = f"follows from your {self.name(upstream)} (the first error)"
                if carried.status != "correct":     # consistent, but rounded as a right value would be imprecise
                    return self._verdict(ans, carried.status, diagnosis=carried.status, value=value,
                                         links=tuple(links), message=f"{follows}; {carried.message}")
                if own_values.convention_applies(ans.qid):    # the loss without its ½, carried on consistently
                    code = own_values.convention[0]
                    return self._verdict(ans, "follow_through", value=value, links=tuple(links), diagnosis=code,
                                         message=f"{follows}: {diagnose.MESSAGES[code].split(': ', 1)[1]}, "
                                                 f"used consistently")
                return self._verdict(ans, "follow_through", value=value, links=tuple(links), message=follows)
            if carried.status == "correct" and not bad_links:
                # no earlier error: the student's own rounded values give this number
                return self._verdict(ans, "correct", value=value, links=tuple(links),
                                     message="right from your rounded earlier values")
        if match.status == "imprecise":
            # the right value rounded to fewer places (0.1 for 0.0636), or an expression of rounded numbers
            # within their rounding of it: imprecise, never "wrong", however close some mistaken variant
            # also comes
            return self._verdict(ans, "imprecise", diagnosis="imprecise", value=value, links=tuple(links),
                                 message="; ".join([match.message] + [lk.message for lk in bad_links[:1]]))
        found = diagnose.explain(self, ans.qid, value, decimals, bound, student)
        if found is not None:
            code, words = found
            wrong_first[ans.qid] = ans.qid
            own_values.charge(code, ans.qid)
            return self._verdict(ans, "wrong", diagnosis=code, message=words, value=value, links=tuple(links))
        if match.status in ("rounding", "imprecise"):        # not an error later steps inherit
            message = "; ".join([match.message] + [lk.message for lk in bad_links[:1]])
            return self._verdict(ans, match.status, diagnosis=match.status, message=message, value=value,
                                 links=tuple(links))
        wrong_first[ans.qid] = ans.qid
        if bad_links:
            code = {"value": "arithmetic", "numbers": "numbers", "rule": "rule"}.get(bad_links[0].kind)
            return self._verdict(ans, "wrong", diagnosis=code, message=bad_links[0].message, value=value,
                                 links=tuple(links))
        return self._verdict(ans, "wrong", value=value, links=tuple(links))

    # -- reading one answer --------------------------------------------------------------------
    def _read(self, ans: Answer, expected: float, student: dict):
        """The checked links, the final value (or None), its decimal places and rounding bound."""
        if ans.unreadable is not None:
            raise AnswerError(ans.unreadable)
        if ans.number:
            return [], _finite(ans.text), shown_decimals(ans.text), 0.0
        check_size(ans.text)
        for text in (ans.text, normalize(ans.text)):   # one number, as written ("-1e-1") or once normalized ("−0.5")
            d = shown_decimals(text)
            if d is not None:
                return [Link("", text.strip(), "value", True)], _finite(text), d, 0.0
        links: list[Link] = []
        value = decimals = None
        bound = 0.0
        numbers_value = None
        parts = split_relations(text)
        for n, (rel, piece) in enumerate(parts):
            prepared = prepare(piece, self.table)
            if prepared.unknown:
                raise AnswerError(f"{prepared.unknown[0]} is not a quantity of this problem")
            node = self.parser.parse(prepared.text)
            names = {ph: self.table.lookup(key) for ph, key in prepared.names.items()}
            if names:
                links.append(self._rule_link(ans.qid, rel, piece, node, names))
                continue
            lit = literal_decimals(piece, node)
            if lit is not None and n == len(parts) - 1:
                value, decimals, bound = float(evaluate(node, {})), lit, 0.0
                link = Link(rel, piece, "value", True)
                if numbers_value is not None:
                    link = self._arithmetic(link, numbers_value, value, lit, rel)
                links.append(link)
                continue
            if prepared.text not in self.numbers_cache:       # the same numbers, from many students
                value_of = float(evaluate(node, {}, self.step0))
                self.numbers_cache[prepared.text] = (value_of, _rounding_bound(node, value_of, self.exact))
            v, b = self.numbers_cache[prepared.text]
            link = self._numbers_link(ans.qid, rel, piece, node, v, b, expected, student)
            links.append(link)
            numbers_value = (v, b)
            value, decimals, bound = v, None, b
            lit = literal_decimals(piece, node)
            if lit is not None:            # `(0.98) = u_3`: a single number that only names follow
                decimals, bound = lit, 0.0
        return links, value, decimals, bound

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
            return Link(rel, piece, "rule", False, f"cannot evaluate the rule: {exc}")
        want = [pt[sym] for pt in points]
        if all(abs(g - w) <= 1e-9 * max(1.0, abs(w)) for g, w in zip(got, want)):
            return Link(rel, piece, "rule", True)
        words = diagnose.explain_rule(self, qid, got, points)
        return Link(rel, piece, "rule", False, words or f"the rule does not give {self.name(qid)}")

    def _numbers_link(self, qid, rel, piece, node, v, bound, expected, student) -> Link:
        """Are the substituted numbers the right ones (up to the rounding they show)?"""
        if compare_number(v, None, expected, self.tol, bound).status == "correct":
            return Link(rel, piece, "numbers", True)
        own = self.steps.recompute(qid, {**self.true, **student})
        if own is not None and within(v, own, self.tol, bound):
            return Link(rel, piece, "numbers", True, "with your earlier values", own=True)
        for path in numbers(node)[:MAX_REEVALUATED]:    # one substituted number with the wrong sign?
            try:
                flipped = float(evaluate(negate_at(node, path), {}, self.step0))
            except AnswerError:
                continue
            if within(flipped, expected, self.tol, bound):
                return Link(rel, piece, "numbers", False, "sign slip in the substituted numbers: one of them "
                                                          "has the wrong sign")
        return Link(rel, piece, "numbers", False, f"the substituted numbers give {v:.6g}, not "
                                                  f"{expected:.6g}")

    def _arithmetic(self, link: Link, numbers_value, value: float, decimals: int, rel: str) -> Link:
        v, b = numbers_value
        if abs(value - v) <= 0.5 * 10.0 ** -decimals * (1 + 1e-9) + b + 1e-12 or \
                within(value, v, self.tol, b):
            return link
        return Link(rel, link.text, "value", False, f"arithmetic: the numbers give {v:.{max(decimals, 4)}f}, "
                                                     f"not {link.text}")


_LITERAL = re.compile(r"\d+(?:\.\d*)?|\.\d+")


def literal_decimals(text: str, node: Node) -> int | None:
    """The decimal places shown by a value written as one number literal, whatever wraps it:
    `(0.98)`, `{0.98}`, `\\left(0.98\\right)`, `+0.98`, `-(-0.98)` all show 2. The parsed tree
    decides that the text is a single number (a fraction or any arithmetic is an expression, judged
    as exact or by the rounding of its numbers); the text's one literal gives the places, so that
    the trailing zeros of 0.9820 count. None when the text is not a single literal."""
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
        raise AnswerError(f"{text[:40]!r} is not a decimal number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise AnswerError(f"{text[:40]!r} is not a finite number")
    return value


def _rounding_bound(node, value: float, exact: set) -> float:
    """How far rounding the decimals written in `node` (0.491, 0.2499) can move its value: each
    decimal literal moved by half a unit in its last place, the changes added up. A literal that is
    exactly one of the problem's values (0.5 = u_4) was not rounded."""
    total = 0.0
    paths = numbers(node)
    if len(paths) > MAX_REEVALUATED:        # each number moved costs a whole evaluation
        raise AnswerError(f"more than {MAX_REEVALUATED} numbers in one expression")
    for path in paths:
        leaf = node_at(node, path)
        lit = leaf[1] if leaf[0] == "num" else None
        if lit is None or "/" not in lit:
            continue
        p, q = (int(t) for t in lit.split("/"))
        if Fraction(abs(p), q) in exact or Fraction(-abs(p), q) in exact:
            continue
        d = _decimal_places(q)
        if d is None or d == 0:
            continue
        half = 0.5 * 10.0 ** -d
        moved = replace_at(node, path, ("num", str(mpmath.mpf(p) / q + half)))
        try:
            total += abs(float(evaluate(moved, {})) - value)
        except AnswerError:
            continue
    return total * 1.01


def _decimal_places(q: int) -> int | None:
    d = 0
    while q % 10 == 0:
        q //= 10
        d += 1
    if q != 1:
        # 51/400: a reduced decimal (0.1275); its places are those of the smallest power of ten it divides
        for k in range(1, 31):
            if (10**k) % (q * 10**d) == 0:
                return k
        return None
    return d
