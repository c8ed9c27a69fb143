"""A given value copied wrong: the student used w_45 = 3 where the problem gives 4, consistently.

Such a slip is one mistake, not one per step that uses the value. When a wrong item has no other
explanation, each value the problem gives that its step uses (a weight, an input, η, a target) is
tried in turn: the value that, put in its place, reproduces the student's number (the step is
solved for it through two evaluations of its rule and the answer checked at that value) is a copy
when the student's working shows it (the number written among the substituted numbers of a chain:
`net_5 = -4 + 2 \\cdot 0.982 + 3 \\cdot 0.5`), or, for a value with no working, when it is a number
as short as the problem's own given values and no other given explains the item (the only
consistent explanation). The item is charged once; the student's own value of that given is the
copy from then on (own.py), so the later steps that use it follow through.

An item with no working that two givens explain (net_3 = 397: w_13 = 13, or w_03 = 37) is left
unexplained at first; when a later item pins one of them down (w_13^new = 13 + Δw_13), the checker
judges the submission again with that copy pinned (`pinned`), so the copy is charged at the first
item that shows it and everything after follows from it.
"""
from __future__ import annotations

import re
from fractions import Fraction
from typing import TYPE_CHECKING

import sympy as sp

from .. import losses
from ..messages import said
from .compare import compare_number, shown_decimals

if TYPE_CHECKING:          # pragma: no cover
    from .checker import Checker, Link
    from .own import OwnValues

_LITERAL = re.compile(r"\d+(?:\.\d+)?")
EXTRA_PLACES = 2           # a copy shown in the working may have up to 2 places more than the givens


def given_leaves(ch: "Checker", qid: str) -> list[sp.Symbol]:
    """The values the problem gives that step `qid` uses directly (never the bias input: `bias_zero`)."""
    out = []
    for leaf in sorted(ch.graph.leaves[qid], key=str):
        sid = ch.graph.id_of.get(leaf)
        if sid is not None and not ch.psol.step(sid).forms:
            out.append(leaf)
    return out


def given_places(ch: "Checker") -> int:
    """The most decimal places among the values the problem gives (η = 0.001: 3)."""
    places = [shown_decimals(ch.expected_text[s.id]) for s in ch.psol.steps if s.section == "given"]
    return max((p for p in places if p is not None), default=0)


def find_copy(ch: "Checker", qid: str, value: float, decimals: int | None, bound: float,
              links: list["Link"], own: "OwnValues") -> tuple[sp.Symbol, Fraction] | None:
    """The given (and the number used for it) whose copy explains the student's wrong value of `qid`,
    or None. Numbers in the working that give the right value rule a copy out."""
    if any(lk.kind == "numbers" and lk.ok for lk in links):
        return None
    values = dict(own.values)
    texts = [lk.text for lk in links if lk.kind == "numbers"]
    written = {abs(Fraction(t)) for text in texts for t in _LITERAL.findall(text)}
    signed = {x for text in texts for x in signed_literals(text)}
    # working shown (substituted numbers, or a rule of the student's own that does not give the step: it
    # explains the number itself): a copy needs its number written there, never one nobody wrote
    # (t_5 = −0.5 behind `2(u_5 - t_5) = 3`)
    shown = any(lk.kind == "numbers" or lk.kind == "rule" and not lk.ok for lk in links)
    short = given_places(ch)

    def at(leaf, g: float) -> float | None:
        v = ch.steps.recompute(qid, {**values, leaf: g})
        if v is not None and own.convention_applies(qid):
            v *= own.factor
        return v

    loss = losses.of(ch.psol.part)
    targets = {s.symbol for s in ch.psol.steps if s.key.kind == "target"}
    found = []
    for leaf in given_leaves(ch, qid):
        if leaf in own.copied:
            continue                            # already charged: the own value is the copy
        g0 = values[leaf]
        f0, f1 = at(leaf, g0), at(leaf, g0 + 1.0)
        if f0 is None or f1 is None or f1 == f0:
            continue
        guess = g0 + (value - f0) / (f1 - f0)
        if not abs(guess) < 1e12:
            continue
        for k in range(short + EXTRA_PLACES + 1):
            c = Fraction(round(guess, k)).limit_denominator(10 ** k)
            if c == Fraction(g0).limit_denominator(10 ** 9) or c == 0:
                continue
            if leaf in targets and not possible_target(loss, c):
                continue                        # no target the loss accepts (t = 2 for cross-entropy): no copy
            v = at(leaf, float(c))
            if v is not None and _reproduces(ch, value, decimals, v, bound):
                # the written numbers decide: a copy that only flips the given's sign (w_64 = −0.9 for 0.9) needs
                # that sign written with the number (`(-0.9)`, `- 0.9 \\times`); the given's own number written
                # with its own sign is no copy, whatever sign slip elsewhere gives the value (item 4, t16)
                flips = abs(c) == abs(Fraction(g0).limit_denominator(10 ** 9))
                evidence = c in signed if flips else abs(c) in written
                if evidence or (not shown and k <= short):
                    found.append((leaf, c, evidence))
                break
    shown_in_work = [f for f in found if f[2]]
    pick = shown_in_work if shown_in_work else found
    if len(pick) > 1:
        # more than one explanation: a copy a later item pinned down (own.pinned) decides; else say nothing,
        # and remember the candidates, so that a later item that pins one of them makes this one re-judged
        pinned = [f for f in pick if own.pinned.get(f[0]) == f[1]]
        if len(pinned) == 1:
            return pinned[0][0], pinned[0][1]
        own.ambiguous[qid] = tuple((f[0], f[1]) for f in pick)
        return None
    if not pick:
        return None
    return pick[0][0], pick[0][1]


_SIGNED = re.compile(r"(-|\u2212)?\s*(\d+(?:\.\d+)?)")


def signed_literals(text: str) -> set[Fraction]:
    """The numbers of substituted working with the sign written before each (`0.4 - 0.9 \\times (-0.0176)`:
    0.4, −0.9, −0.0176): a minus directly before a number, binary or unary, goes with it, as a student
    writes a negative weight into a sum (`- 0.2 \\times 0.5115` for w = −0.2)."""
    out = set()
    for m in _SIGNED.finditer(text):
        start = m.start(2)
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_^{") and not m.group(1):
            continue                        # a digit of a name or an index (w_{64}, 10^{-3}): not a number written
        x = Fraction(m.group(2))
        out.add(-x if m.group(1) else x)
    return out


def possible_target(loss: "losses.Loss", t: Fraction) -> bool:
    """Whether `t` could be one target of `loss`: in its range and, for a probability vector (targets
    ≥ 0 summing to 1), at most that sum. A number no target can be is no copy of one: twice a
    cross-entropy loss is not t = 2 written for 1."""
    value = sp.Rational(t.numerator, t.denominator)
    if loss.target_error(value):
        return False
    return not (loss.target_sum is not None and loss.target_low is not None and loss.target_low >= 0
                and value > loss.target_sum)


def _reproduces(ch: "Checker", value: float, decimals: int | None, v: float, bound: float) -> bool:
    """Whether the student's number is `v` as written: right to the places asked, or rounded to at least
    MIN_PLACES places (a number rounded to fewer could come from too many other values)."""
    status = compare_number(value, decimals, v, ch.tol, bound).status
    return status == "correct" or (status == "imprecise" and decimals is not None and decimals >= MIN_PLACES)


MIN_PLACES = 3


def message(ch: "Checker", leaf: sp.Symbol, used: Fraction) -> str:
    """'uses w_{45} = 3, the problem gives w_{45} = 4'."""
    name = ch.psol.names.text.get(leaf, str(leaf))
    sid = ch.graph.id_of[leaf]
    return said("diagnosis.copied", name=name, used=number(used), given=ch.expected_text[sid])


def number(x: Fraction | float) -> str:
    """A copy as the message writes it: 13, 0.25 (no float noise)."""
    x = Fraction(x).limit_denominator(10 ** 9)
    if x.denominator == 1:
        return str(x.numerator)
    return f"{float(x):.10f}".rstrip("0").rstrip(".")
