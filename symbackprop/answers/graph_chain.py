"""The working of a chain answer to a computation graph's item, judged link by link as a network's is.

`q: "x + y = -2 + 5 = 3"`, `∂f/∂x = ∂f/∂q · 1 = -4 · 1 = -4`: the last link is the value; a link in the
graph's names is the rule, right when it gives the item at the true values and at random values of
the inputs (the graph solved again there); a link of numbers is right when it gives the value up to the
rounding of its decimals (or, after a wrong rule, that rule's value; or the item at the student's own
earlier values); the value must follow from the numbers before it (arithmetic). The link splitter, the
arithmetic and sign-slip tests are checker.py's, shared with networks. A link that names a whole matrix
or vector is not judged (not read), nor are numbers with a matrix or vector written as a list in them; a
matrix answer whose link before its value writes the matrices out (a product, sum, transpose) comes here one
entry at a time, each entry's working written out as numbers by graph_matrix.py.

A rule may name what the worked solution writes (session 11): a local partial `\\frac{\\partial y}{\\partial q}`
(or `∂f(s, m)/∂s`, the node's own formula differentiated) is worth its value as the solution takes it; a step(0)
at one of the graph's kinks may be any value the solution takes at its kinks (½ at a tie of max, relu'(0) = 0),
and a stated `(\\mathrm{step}(0 - 0) = 0.5)` is that value when it is one of them; a word that is no name of
the graph but reads one way only as its names side by side (`qz`) is their product.
"""
from __future__ import annotations

import contextlib
import itertools
import random
import re
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Callable

import sympy as sp

from ..errors import SymbackpropError
from ..graph import GraphSolution, solve_graph
from ..messages import said, text_of
from .checker import (Link, _clip, _rounding_bound, _short, _written_decimals, chain_links, follows_from_numbers,
                      literal_decimals, normalized, one_sign_flipped)
from .compare import Tolerance, compare_number, within
from .expr import evaluate, node_at, numbers
from .graph_names import GraphNames, item_name
from .latex import AnswerError, check_size
from .numbers import elided

MAX_LINKS = 12                # links of one chain judged; a longer chain is judged by its last link only
INSTANCES = 2                 # random problems a rule is also checked on
MAX_KEPT_SETS = 16            # sets of givens kept (written as numbers) whose random problems are remembered
MAX_NUMBERS = 100             # numbers of one link looked at for the givens it substitutes
MAX_STEP_CHOICES = 16         # ways of taking the step(0)s of one link at a graph's kinks that are tried
_LISTED = re.compile(r"\[\s*\[|\[[^\[\](){}]{0,200},[^\[\](){}]{0,200}\]")     # a matrix or vector as a list
_STATED = re.compile(r"\(\s*\\mathrm\{step\}\s*\(([^()=]{1,80})\)\s*=\s*([-+]?\d{1,6}(?:\.\d{1,12})?)\s*\)")
_FONT_NAME = re.compile(r"\\(?:mathrm|text|mathit|operatorname|mathbf|boldsymbol)\s*"
                        r"\{\s*([A-Za-z][A-Za-z0-9]{0,40})\s*\}")
_IN_WORD = re.compile(r"\\(?:mathrm|text|operatorname|mathit|mathbf)\s*\{\s*\Z")   # a word in a font: not split
TAKEN = "\x00taken"           # in a point: the values the solution takes at its kinks there (no item's id)
_D = r"(?:\\partial|∂|d)"
_NAME = r"\\?[A-Za-z][A-Za-z0-9]*(?:\s*_\s*(?:\{[^{}]{0,40}\}|[0-9A-Za-z]+))?"
_TOKEN = re.compile("|".join([
    # \frac{\partial h_{2}}{\partial a_{2}}, \frac{\partial a_{2}(w, x_{2}, u, h_{1})}{\partial w}: braces on top too
    rf"\\[dt]?frac\s*\{{\s*{_D}\s*(?:[^{{}}]|\{{[^{{}}]{{0,40}}\}}){{1,200}}?\}}\s*\{{\s*{_D}\s*(?:[^{{}}]|\{{[^{{}}]{{0,40}}\}}){{1,60}}?\}}",
    rf"(?<![A-Za-z\\]){_D}\s*{_NAME}(?:\s*\([^()]{{1,200}}\))?\s*/\s*{_D}\s*{_NAME}",     # ∂f/∂q, dL/dy, ∂h_2/∂a_2
    rf"(?<![A-Za-z\\]){_NAME}",
]))
_NAME_TOKEN = re.compile(rf"(?<![A-Za-z\\]){_NAME}")


# a dot product of two names: `v \cdot h`, `v · h`, `v^T h`, `v^{T} \cdot h`, `v^\top h`, and `v h` (the reader
# drops a transpose: checker.normalized), each name whole
_WHOLE = r"\\?[A-Za-z][A-Za-z0-9]*(?:\s*_\s*(?:\{\s*[A-Za-z0-9]{1,40}\s*\}|[0-9]))?"     # v, \\theta, w_{2} (w2)
_COMMAND = r"(?!\\(?:cdot|times|top|left|right|frac|mathrm|text|approx)(?![A-Za-z]))"   # no name
_DOT = re.compile(rf"(?<![A-Za-z\\_]){_COMMAND}(?P<a>{_WHOLE})(?:\s*\\cdot\s*|\s*·\s*|\s*\^\s*(?:\{{\s*(?:T|\\top)\s*\}}|T|\\top)"
                  rf"\s*(?:\\cdot\s*|·\s*)?|\s+){_COMMAND}(?P<b>{_WHOLE})(?![A-Za-z0-9_^(])")


def _dot_of_numbers(piece: str) -> str | None:
    """A link of numbers that is the dot product of two vectors written out (`[[1], [-2]] \\cdot [[0.8], [0.7]]`,
    graph_matrix.worked_matrix) as the numbers of its one entry (`(1) \\cdot (0.8) + (-2) \\cdot (0.7)`); None
    for any other link holding a matrix or vector."""
    from .graph_matrix import worked_matrix
    worked = worked_matrix(piece, dot=True)
    if worked is None or len(worked) != 1 or len(worked[0]) != 1:
        return None
    return worked[0][0]


MAX_SWAPS = 120          # other names tried in place of one of a wrong rule's (a wrong operand found)


class MatrixRule(AnswerError):
    """A link naming a whole matrix or vector: not judged (a rule over matrices), never unreadable."""


@dataclass(frozen=True)
class Chain:
    """A chain's links as judged, its value (None: no value), the value's places and rounding bound."""

    links: tuple[Link, ...]
    value: float | None
    places: int | None
    bound: float
    arithmetic: Link | None = None       # the value link, when it does not follow from the numbers


class ChainJudge:
    """Judges chains against one graph's solution: the true values, and random problems built lazily
    (once per checker, for every student) the first time a rule is judged."""

    def __init__(self, sol: GraphSolution, names: GraphNames, items: dict[str, tuple[Any, float]],
                 tol: Tolerance, parse: Callable[[str], Any], own_value: Callable,
                 shared: Callable[[], Any] = contextlib.nullcontext) -> None:
        self.sol, self.names, self.tol, self.parse, self.own_value = sol, names, tol, parse, own_value
        self.shared = shared             # the random problems serve every student: not charged to one
        self.true = {qid: float(v) for qid, (v, _) in items.items()}
        self.scalar = set(items)
        self.true.update(local_values(sol))      # ∂y/∂q as the solution takes it: a rule may name it
        self.true[TAKEN] = taken_at_kinks(sol)
        self._instances: dict[frozenset, list[dict[str, float]]] = {}

    # -- reading ---------------------------------------------------------------------------------------
    def placeholders(self, piece: str) -> tuple[str, dict[str, str]]:
        """The link with each of the graph's names (`q`, `w_{2}`, `\\frac{\\partial f}{\\partial q}`) as a
        placeholder Q_{n} the parser reads as one symbol, and the item id of each; AnswerError for a
        name of a whole matrix or vector (a rule over matrices is not judged)."""
        ids: dict[str, str] = {}
        by_id: dict[str, str] = {}

        def sub(m: re.Match) -> str:
            qid = self.names.qid(m.group(0))
            if qid is None:
                pair = self.names.local(m.group(0))          # ∂y/∂q, ∂f(s, r)/∂s: a local partial
                if pair is not None:
                    qid = local_key(*pair)
                    if qid not in self.true and any(self.names.quantities[n].shape for n in pair):
                        raise MatrixRule(said("graph_answers.matrix_in_rule", name=m.group(0).strip()))
                    if qid not in self.true:
                        qid = None
            if qid is None:
                wrong = self.names.not_operand(m.group(0))     # ∂q/∂z with q = x + y: said in words, not SymPy's
                if wrong is not None:
                    from .graph_diagnose import _shown          # `q = x + y`, cut at MAX_FORMULA_CHARS
                    raise AnswerError(said("graph_answers.not_operand", node=wrong[0], name=wrong[1],
                                           formula=_shown(self.names.quantities[wrong[0]])))
                why = self.names.no_partial(m.group(0))        # ∂x/∂q of an input x, ∂q/∂q: in words too
                if why is not None:
                    raise AnswerError(said(why[0], **why[1]))
            if qid is None and "/" in m.group(0):     # d*x/(d*y), or a gradient of no item: its names one by one
                return _NAME_TOKEN.sub(sub, m.group(0))
            if qid is None:
                parts = self.names.product(m.group(0)) if not _IN_WORD.search(m.string, 0, m.start()) else None
                if parts is None:
                    return m.group(0)
                return " ".join(sub(re.match(r".+", p)) for p in parts)    # qz: q·z, as books write it
            if qid not in self.scalar and qid not in self.true:
                raise MatrixRule(said("graph_answers.matrix_in_rule", name=m.group(0).strip()))
            if qid not in by_id:
                by_id[qid] = f"Q_{len(by_id) + 1}"
                ids[by_id[qid]] = qid
            return " " + by_id[qid].replace("_", "_{") + "} "

        piece = _FONT_NAME.sub(lambda m: f" {m.group(1)} " if m.group(1) in self.names.quantities else m.group(0),
                               piece)                         # \mathrm{sigy}, \mathit{num}: the names sigy, num
        return _TOKEN.sub(sub, piece), ids

    def judge(self, qid: str, text: str, own: dict[str, float]) -> Chain | None:
        """The chain's links judged, or None when the text is no chain (one link, no graph name): the
        caller reads it as a plain value. AnswerError when its last link cannot be read."""
        check_size(text)                      # the reader's limits on one answer (length, nesting), as for a network
        whole, _ = normalized(text)
        parts, broken = chain_links(text, whole)
        alone = len(parts) == 1
        if len(parts) > MAX_LINKS:                        # bounded work: the value alone is judged
            parts, broken = parts[-1:], {0: broken[len(parts) - 1]} if len(parts) - 1 in broken else {}
        expected = self.true[qid]
        links: list[Link] = []
        value = places = None
        bound = 0.0
        numbers_value = None
        own_rule = None
        arithmetic = None
        for n, (rel, piece) in enumerate(parts):
            last = n == len(parts) - 1
            if not last and elided(piece):
                continue
            try:
                if n in broken:
                    raise broken[n]
                dotted = None
                if not last and _LISTED.search(piece):      # `[[0, 1.5, 0]] \times [[1], [2], [-1]]`
                    dotted = _dot_of_numbers(piece)         # two vectors' dot product: a scalar's numbers
                    if dotted is None:
                        raise MatrixRule(said("graph_answers.matrix_in_numbers", link=_clip(piece)))
                piece, false = self.stated_steps(piece)
                if false is not None:
                    links.append(Link(rel, piece, "numbers", False, false))
                    continue
                # read (the link is shown as written): a dot product of two vectors as the sum of its terms
                reading = dotted if dotted is not None else self.dot_of_names(piece)
                prepared, ids = self.placeholders(reading)
                if alone and not ids:
                    return None
                node = self.parse(prepared)
                if ids:
                    link = self._rule(qid, rel, piece, node, ids, own)
                    links.append(link)
                    own_rule = None if link.ok or link.kind == "unread" else (node, ids)
                    continue
                lit = literal_decimals(piece, node)
                if lit is not None and last:
                    value, places, bound = float(evaluate(node, {})), lit, 0.0
                    link = Link(rel, piece, "value", True)
                    if numbers_value is not None:
                        v, b, toward = numbers_value
                        if not follows_from_numbers(value, lit, v, b, toward, self.tol):
                            link = Link(rel, piece, "value", False, said("diagnosis.arithmetic", got=_short(v),
                                                                          expected=piece.strip()), numbers=v)
                            arithmetic = link
                    links.append(link)
                    continue
                written = _written_decimals(prepared)
                rounded = {leaf: w[0] for leaf, w in written.items()}
                v = at_kinks(node, {}, self.true[TAKEN], expected)     # step(0 - 0) at a tie of max: ½
                b = _rounding_bound(node, v, rounded)
                links.append(self._numbers(qid, rel, piece, node, v, b, expected, own, own_rule))
                numbers_value = (v, b, lambda b=b: (b, b))
                value, places, bound = v, lit, b
            except (AnswerError, OverflowError, ValueError, ArithmeticError) as exc:
                reason = text_of(exc) if isinstance(exc, SymbackpropError) else str(exc)
                if isinstance(exc, MatrixRule):
                    links.append(Link(rel, piece, "unread", False, reason))
                    continue
                if last and not isinstance(exc, MatrixRule):
                    raise AnswerError(reason) from None
                links.append(Link(rel, piece, "unread", False, said("answer.link_not_read", link=_clip(piece),
                                                                    reason=reason)))
        return Chain(tuple(links), value, places, bound, arithmetic)

    def dot_of_names(self, piece: str) -> str:
        """The link with each dot product of two of the graph's vectors of one length (`v \\cdot h`, `v^T h`,
        as the worked solution writes `dot(v, h)`) as the sum of its entries' products (`(v_{1} \\cdot h_{1} +
        …)`), a rule over scalars judged as any other; the link itself when it has none."""
        def sub(m: re.Match) -> str:
            (a, n), (b, k) = (self._vector(m.group(g)) or (None, 0) for g in ("a", "b"))
            if not n or n != k:
                return m.group(0)
            return "(" + " + ".join(f"{a}_{{{i}}} \\cdot {b}_{{{i}}}" for i in range(1, n + 1)) + ")"
        return _DOT.sub(sub, piece)

    def _vector(self, name: str) -> tuple[str, int] | None:
        """The graph's vector (a column or a row of more than one entry) a whole name names (`w_{2}`: w2), and its
        length; None for any other name."""
        qid = self.names.qid(name)
        q = self.names.quantities.get(qid) if qid is not None else None
        if q is None or len(q.shape) != 2 or 1 not in q.shape or max(q.shape) < 2:
            return None
        return q.name, max(q.shape)

    def stated_steps(self, piece: str) -> tuple[str, str | None]:
        """The link with each value of a step stated in it, `(\\mathrm{step}(0 - 0) = 0.5)` as the worked
        solution writes one at a kink, read as that value when it is right: step(a) for a ≠ 0, and at 0 a
        value the solution takes at one of its kinks (relu'(0) = 0, ½ at a tie of max); and why the first
        stated value that is not right is wrong (None when all are)."""
        if "step" not in piece:
            return piece, None
        false: list[str] = []

        def sub(m: re.Match) -> str:
            try:
                a = float(evaluate(self.parse(m.group(1)), {}))
            except (AnswerError, OverflowError, ValueError, ArithmeticError):
                return m.group(0)
            right = (1.0,) if a > 0 else (0.0,) if a < 0 else (self.true[TAKEN] or (0.0,))
            if not any(abs(float(m.group(2)) - r) <= 1e-12 for r in right):
                false.append(said("graph_answers.step_stated_wrong", stated=_clip(m.group(0).strip("() ")),
                                  right=", ".join(_short(r) for r in right)))
            return f"({m.group(2)})"

        read = _STATED.sub(sub, piece)
        return read, (false[0] if false else None)

    # -- the links -------------------------------------------------------------------------------------
    def _rule(self, qid: str, rel: str, piece: str, node, ids: dict[str, str], own: dict[str, float]) -> Link:
        """A rule in the graph's names: right when it gives the item here and on random problems (with
        the givens whose values the link writes as numbers kept, as a network's rule is judged). A rule
        with decimals in it (`w_1 \\cdot 0.1966`: some values substituted, rounded) is judged at the true
        values up to the rounding of its decimals, or at the student's own earlier values."""
        if list(ids.values()) == [qid] and node[0] == "sym":
            return Link(rel, piece, "name", True)
        written = _written_decimals(piece)
        if written:
            return self._half_substituted(qid, rel, piece, node, ids, own, written)
        written = {abs(Fraction(node_at(node, p)[1])) for p in numbers(node)[:MAX_NUMBERS] if node_at(node, p)[0] == "num"}
        kept = frozenset(key for key, value in given_entries(self.sol)
                         if any(abs(float(w) - abs(value)) <= 1e-12 for w in written))
        for point in [self.true] + self.instances(kept):
            want = point[qid]
            try:
                got = at_kinks(node, {ph: point[i] for ph, i in ids.items()}, point.get(TAKEN, ()), want)
            except (AnswerError, OverflowError, ValueError, ArithmeticError, KeyError) as exc:
                return _not_evaluated(rel, piece, exc)
            if not abs(got - want) <= 1e-9 * max(1.0, abs(want)):
                swapped = self._swapped(qid, node, ids, lambda pt: [pt[qid]], 1e-9 * max(1.0, abs(want)))
                if swapped is not None:          # x_0 · ∂f/∂b for ∂f/∂w1 = x_1 · ∂f/∂b: a wrong operand
                    return Link(rel, piece, "rule", False,
                                said("graph_answers.rule_swapped_only", name=item_name(qid, self.sol),
                                     used=item_name(swapped[0], self.sol), right=item_name(swapped[1], self.sol)))
                return Link(rel, piece, "rule", False, said("diagnosis.rule_not_giving", name=item_name(qid, self.sol)))
        return Link(rel, piece, "rule", True)

    def _half_substituted(self, qid: str, rel: str, piece: str, node, ids: dict[str, str], own: dict[str, float],
                          written: dict) -> Link:
        """A rule with rounded decimals substituted for some of its names: right when, with the true values
        put in for the names left, it gives the item up to the decimals' rounding; or the item at the
        student's own earlier values (their rounded wrong value substituted). Else what it gives."""
        expected = self.true[qid]
        try:
            filled = _filled(node, {ph: self.true[i] for ph, i in ids.items()})
            got = float(evaluate(filled, {}))
            bound = _rounding_bound(filled, got, {leaf: w[0] for leaf, w in written.items()})
        except (AnswerError, OverflowError, ValueError, ArithmeticError) as exc:
            return _not_evaluated(rel, piece, exc)
        if within(got, expected, self.tol, bound):
            return Link(rel, piece, "rule", True)
        mine, _ = self.own_value(qid, own)
        if mine is not None and within(got, mine, self.tol, bound):
            return Link(rel, piece, "rule", True, said("answer.with_your_values"), own=True)
        targets = [expected] + ([mine] if mine is not None else [])
        rounded = {leaf: w[0] for leaf, w in written.items()}
        swapped = self._swapped(qid, node, ids, lambda point: targets, bound, rounded=rounded)
        if swapped is not None:                  # x_0 · 0.1971 for ∂f/∂w1 = x_1 · ∂f/∂b: a wrong operand
            return Link(rel, piece, "rule", False, said("graph_answers.rule_swapped", name=item_name(qid, self.sol),
                                                        used=item_name(swapped[0], self.sol),
                                                        right=item_name(swapped[1], self.sol),
                                                        got=_short(got),
                                                        expected=self._at_precision(expected)))
        return Link(rel, piece, "rule", False, said("graph_answers.rule_with_numbers_gives", got=_short(got),
                                                    name=item_name(qid, self.sol),
                                                    expected=self._at_precision(expected)))

    def _at_precision(self, value: float) -> str:
        """A value as the problem's precision shows it (−0.3932 at 4 places)."""
        from ..printing import format_value
        return format_value(sp.Float(value, 17), self.sol.problem.precision)[0]

    def _swapped(self, qid: str, node, ids: dict[str, str], targets: Callable, bound: float,
                 rounded: dict | None = None) -> tuple[str, str] | None:
        """(the name the rule uses, the one that belongs there) when one other item of the graph of the same
        kind (a value for a value, a gradient for a gradient) put in place of one of the rule's names makes
        it give one of `targets(point)` at the true values (up to `bound`), and on every random problem too;
        a rule with decimals put in (`rounded`: its decimals' places) at the true values alone, up to their
        rounding with the other name in; None when no such one swap is found in MAX_SWAPS tries."""
        checked = rounded is None
        tries = 0
        for ph, used in ids.items():
            gradient = used.startswith("grad_")
            for other in self.true:
                if other == used or other not in self.scalar or other in ids.values() \
                        or other.startswith("grad_") != gradient:
                    continue
                tries += 1
                if tries > MAX_SWAPS:
                    return None
                points = [self.true] + (self.instances(frozenset()) if checked else [])
                for point in points:
                    values = {p: point[other if p == ph else i] for p, i in ids.items()}
                    try:
                        if rounded is None:
                            got = at_kinks(node, values, point.get(TAKEN, ()), point[qid])
                        else:
                            filled = _filled(node, values)
                            got = float(evaluate(filled, {}))
                            bound = _rounding_bound(filled, got, rounded)
                    except (AnswerError, OverflowError, ValueError, ArithmeticError, KeyError):
                        break
                    wanted = [t for t in targets(point) if abs(t) > self.tol.floor]
                    if not any(within(got, t, self.tol, bound) for t in wanted):
                        break
                else:
                    return used, other
        return None

    def _numbers(self, qid, rel, piece, node, v: float, bound: float, expected: float, own: dict,
                 own_rule) -> Link:
        """Numbers: right when they give the value (up to their rounding); after a wrong rule, when they
        give that rule's value; or the item at the student's own earlier values. Else a sign slip, or
        what they give."""
        if within(v, expected, self.tol, bound) or compare_number(v, None, expected, self.tol, bound).status == "correct":
            return Link(rel, piece, "numbers", True)
        if own_rule is not None:
            rnode, ids = own_rule
            targets = []
            for point in (self.true, {**self.true, **own}):
                try:
                    targets.append(float(evaluate(rnode, {ph: point[i] for ph, i in ids.items()})))
                except (AnswerError, OverflowError, ValueError, ArithmeticError):
                    continue
            if any(within(v, t, self.tol, bound) for t in targets):
                return Link(rel, piece, "numbers", True, own=True)
        mine, _ = self.own_value(qid, own)
        if mine is not None and within(v, mine, self.tol, bound):
            return Link(rel, piece, "numbers", True, said("answer.with_your_values"), own=True)
        if one_sign_flipped(node, expected, bound, self.tol):
            return Link(rel, piece, "numbers", False, said("answer.numbers_sign_slip"))
        return Link(rel, piece, "numbers", False, said("diagnosis.numbers_right_value", got=_short(v),
                                                       expected=_short(expected)))

    # -- random problems -------------------------------------------------------------------------------
    def instances(self, kept: frozenset) -> list[dict[str, float]]:
        """Every item's value on INSTANCES random problems: the graph solved again with each input (but
        those `kept`) moved by a random multiple of 1/1000; a problem the graph cannot be solved on is
        skipped. Built once per set of kept inputs and remembered (for every student, not charged to one)
        for the first MAX_KEPT_SETS sets; a set after those is built for the answer that needs it, charged
        to its student, so that no verdict depends on who was checked before. The moves are small
        (a few thousandths), so that a relu or a max stays on the side of its kink it is on, while a
        rule that is not the item's still differs from it by far more than the 1e-9 a rule is judged to."""
        if kept not in self._instances and len(self._instances) >= MAX_KEPT_SETS:
            return self._solved(kept)          # not kept, and charged to this student: the same verdict, in any order
        if kept not in self._instances:
            with self.shared():
                self._instances[kept] = self._solved(kept)
        return self._instances[kept]

    def _solved(self, kept: frozenset) -> list[dict[str, float]]:
        """The INSTANCES random problems with the inputs `kept` unmoved, each item's value on each."""
        from .graph_answers import expected_items
        prob = self.sol.problem
        rng = random.Random(12)
        out = []
        for _ in range(INSTANCES):
            qs = tuple(q if q.kind != "input" or q.name in kept else replace(q, given=_moved(q.given, rng, q.name, kept))
                       for q in prob.quantities)
            try:
                sol = solve_graph(replace(prob, quantities=qs))
            except (SymbackpropError, ArithmeticError, ValueError, TypeError):
                continue
            point = {}
            for qid, (v, _) in expected_items(sol).items():
                try:
                    point[qid] = float(v)
                except (TypeError, ValueError):
                    break
            else:
                try:
                    point.update(local_values(sol))
                    point[TAKEN] = taken_at_kinks(sol)
                except (TypeError, ValueError, ArithmeticError):
                    continue
                out.append(point)
        return out


# the messages of a symbol the reader could not read (`k` of no quantity, `b` of an unknown `b1`)
_UNREAD_KEYS = frozenset({"reader.unknown_symbol", "reader.unknown_word"})


def _not_evaluated(rel: str, piece: str, exc: Exception) -> Link:
    """The link of a rule that could not be evaluated: a symbol the reader did not read (a letter of no
    quantity of the graph) is a link not read, which costs nothing (docs/checking.md), as for a network
    (checker._rule_link); anything else (1/0, the log of a negative at some point) is a rule that is wrong."""
    reason = text_of(exc) if isinstance(exc, SymbackpropError) else str(exc)
    if getattr(reason, "key", None) in _UNREAD_KEYS:
        return Link(rel, piece, "unread", False, said("answer.link_not_read", link=_clip(piece), reason=reason))
    return Link(rel, piece, "rule", False, said("answer.cannot_evaluate", why=reason))


def taken_at_kinks(sol: GraphSolution) -> tuple[float, ...]:
    """The values the solution takes for a derivative at each kink its values meet (graph_kinks.py:
    relu'(0) = 0, ½ at a tie of max), in order, without repeats; () when it meets none."""
    from ..graph_kinks import kinks
    out: list[float] = []
    for kink in kinks(sol.problem, sol.env):
        for t in kink.taken:
            with contextlib.suppress(TypeError, ValueError):
                if float(t) not in out:
                    out.append(float(t))
    return tuple(out)


def at_kinks(node, env: dict, taken: tuple[float, ...], want: float) -> float:
    """The value of a parsed link where each step(0) in it (a kink: `step(r - s)` at r = s) may be any
    value the solution takes at its kinks: the value of the first choice, one per step(0) in the tree's
    order, that gives `want`, else that of the first choice. With no kink, or more than MAX_STEP_CHOICES
    choices, step(0) is 0 (as for a network's ReLU)."""
    hits: list[int] = []
    first = float(evaluate(node, env, lambda: hits.append(1) or 0.0))
    if not hits or not taken or len(taken) ** len(hits) > MAX_STEP_CHOICES:
        return first
    best = None
    for choice in itertools.product(taken, repeat=len(hits)):
        values = iter(choice)
        got = float(evaluate(node, env, lambda: next(values, 0.0)))
        if best is None:
            best = got
        if abs(got - want) <= 1e-9 * max(1.0, abs(want)):
            return got
    return best


def local_key(node: str, operand: str) -> str:
    """The key of the local partial ∂node/∂operand among an item's values (never an item's id)."""
    return f"∂{node}/∂{operand}"


def local_values(sol: GraphSolution) -> dict[str, float]:
    """Every local partial ∂g/∂q of a scalar node g by a scalar operand q that the backward pass takes
    (its steps' contributions), valued as the solution values it: at a kink, the derivative it states
    (relu'(0) = 0, ½ at a tie of max), since it is the same SymPy derivative put in."""
    from ..graph import evaluate as value_of
    prob = sol.problem
    out: dict[str, float] = {}
    for step in sol.steps:
        if step.section != "backward" or prob.get(step.name).shape:
            continue
        for c in step.contributions:
            if prob.get(c.consumer).shape == ():
                with contextlib.suppress(TypeError, ValueError, ArithmeticError):    # TooLarge is a ValueError
                    out[local_key(c.consumer, step.name)] = float(value_of(c.local, sol.env))
    return out


def _filled(node, values: dict[str, float]):
    """The parsed tree with each placeholder of `values` replaced by its value as an exact number."""
    if node[0] == "sym":
        return ("num", str(Fraction(values[node[1]]))) if node[1] in values else node
    return (node[0],) + tuple([_filled(a, values) if isinstance(a, tuple) else a for a in part]
                              if isinstance(part, list) else _filled(part, values) if isinstance(part, tuple)
                              else part for part in node[1:])


def given_entries(sol: GraphSolution) -> list[tuple[Any, float]]:
    """Every number the problem gives, with its key among the inputs a rule may keep: a scalar input by its
    name, an entry of a vector or matrix input as (name, row, column) from 0 (x_2 = 2 written as `2` in
    `\\frac{\\partial L}{\\partial y} \\cdot 2` for ∂L/∂b_2 keeps x_2 at 2, as a network's given is pinned)."""
    out: list[tuple[Any, float]] = []
    for q in sol.problem.inputs:
        given = q.given
        with contextlib.suppress(TypeError, ValueError):
            if isinstance(given, sp.MatrixBase):
                out.extend(((q.name, r, c), float(given[r, c])) for r in range(given.rows) for c in range(given.cols))
            else:
                out.append((q.name, float(given)))
    return out


def _moved(given, rng: random.Random, name: str = "", kept: frozenset = frozenset()):
    """An input's value (a number or a matrix) with each entry moved by a few thousandths, but the entries
    `kept` ((name, row, column)), which keep their value."""
    step = lambda: sp.Rational(rng.choice([-9, -7, -5, -3, -2, 2, 3, 5, 7, 9]), 1000)   # noqa: E731
    if isinstance(given, sp.MatrixBase):
        return sp.ImmutableMatrix(given.rows, given.cols, lambda r, c: given[r, c] if (name, r, c) in kept
                         else given[r, c] + step())
    return given + step()

