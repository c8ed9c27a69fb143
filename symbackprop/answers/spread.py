"""How far the rounding of a student's written values can move their own value of each later step.

A student who writes u_3 = 0.9933 may have computed g'(net_3) from σ(5) at full precision (0.006648,
written 0.0066) or from 0.9933 itself (0.006655, written 0.0067): both follow from their work. So a
follow-through value is judged against the interval its rule gives over the student's own values.
A written value that is right (a correct rounding of the true value, precise or not) stands for a
value between what was written and the true value — the student rounded the true value — so its
spread is that interval (0.98 for 0.98201: 0.98 … 0.98201), never half a unit beyond the truth. A
written value that is not right (wrong, or rounded wrongly) is moved by half a unit in its last
place (an integer or an exact expression is not moved; an expression of rounded numbers moves by
its own rounding bound). Each value they did not write carries the spread of those it is computed
from. The interval is propagated to first order: for every leaf of the step, the rule is evaluated
with that leaf at either end of its spread, and the changes below and above are added up (two
evaluations per leaf, once per step and submission, so the work is bounded by the problem's size).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp

if TYPE_CHECKING:          # pragma: no cover
    from .checker import Checker
    from .own import OwnValues

MARGIN = 1.01              # first-order propagation, widened a little (as check._rounding_bound is)


Interval = tuple[float, float]    # (how far below, how far above) the student's own value: both >= 0


def written_radius(decimals: int | None, bound: float) -> float:
    """The spread of a written value: half a unit in the last place of a decimal (0.9933: 0.00005),
    none for an integer (exact as written), the rounding bound of an expression of rounded numbers."""
    if decimals is not None:
        return 0.5 * 10.0 ** -decimals if decimals > 0 else 0.0
    return max(bound, 0.0)


def written_spread(value: float, decimals: int | None, bound: float, true: float | None,
                   right: bool) -> Interval:
    """The spread of a written value as (below, above): for a right value (`right`: correct or
    imprecise, a rounding of the true value) the interval between it and the true value; for any
    other value half a unit in its last place either side (written_radius)."""
    if right and true is not None and true == true and abs(true) != float("inf"):
        return (max(value - true, 0.0), max(true - value, 0.0))
    r = written_radius(decimals, bound)
    return (r, r)


class Spread:
    """One submission's spreads, filled as its answers are judged (in the solution's order)."""

    def __init__(self, ch: "Checker", own: "OwnValues") -> None:
        self.ch, self.own = ch, own
        self.written: dict[sp.Symbol, Interval] = {}
        self._computed: dict[sp.Symbol, Interval] = {}  # unwritten steps, for the current convention
        self._convention = None

    def write(self, sym: sp.Symbol, spread: Interval) -> None:
        """The student wrote `sym` with this spread (a quantity written twice: the first counts)."""
        self.written.setdefault(sym, spread)

    def radius(self, sym: sp.Symbol) -> Interval:
        """The spread (below, above) of the student's own value of `sym`: written, propagated, or none
        (a given value)."""
        if sym in self.written:
            return self.written[sym]
        if self.own.convention != self._convention:     # a loss convention changed the unwritten values
            self._computed.clear()
            self._convention = self.own.convention
        if sym not in self._computed:
            qid = self.ch.graph.id_of.get(sym)
            self._computed[sym] = (0.0, 0.0)            # no cycle, but never recurse forever
            self._computed[sym] = self.of(qid) if qid is not None and self.ch.psol.step(qid).forms else (0.0, 0.0)
        return self._computed[sym]

    def of(self, qid: str) -> Interval:
        """How far (below, above) step `qid`'s rule moves from the student's own value over the spreads
        of its leaves."""
        values = self.own.values
        leaves = sorted(self.ch.graph.leaves[qid], key=str)
        radii = {leaf: self.radius(leaf) for leaf in leaves if leaf in values}
        centre = self._rule(qid, values)
        if centre is None:
            return (0.0, 0.0)
        below = above = 0.0
        for leaf, (down, up) in radii.items():
            if not (down > 0 or up > 0):
                continue
            kept = values[leaf]
            changes = [0.0]
            for end in (kept - down, kept + up):
                values[leaf] = end
                try:
                    v = self._rule(qid, values)
                finally:
                    values[leaf] = kept
                if v is not None and v == v and abs(v) != float("inf"):
                    changes.append(v - centre)
            below += -min(changes)
            above += max(changes)
        return (below * MARGIN, above * MARGIN)

    def _rule(self, qid: str, values: dict) -> float | None:
        v = self.ch.steps.recompute(qid, values)
        if v is not None and self.own.convention_applies(qid):
            v *= self.own.factor
        return v
