"""The student's own value of every quantity, for follow-through (error carried forward).

A value the student wrote is theirs. One they did not write is recomputed from their own values of
the quantities it is computed from, through any chain of unwritten steps (g'(net_6) from their
u_6, u_6 from their net_6), so that what follows from their work does not depend on which middle
steps they wrote down. A given value (a weight, η, an input) is the problem's unless they wrote it.
Each value also carries the first wrong item it descends from, which a follow-through names.

One mistake changes the student's model rather than one value: the loss without its ½ (a
`half_squared_error` problem solved as if J = (t − u)²), or an mse's mean over the K outputs taken as
their sum (δ = 2(u − t) for (2/K)(u − t)). Once it is charged on an item, every output δ they did not
write is twice (K times) its rule, so the steps that use it follow from that convention.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp

from .. import losses

if TYPE_CHECKING:          # pragma: no cover
    from .checker import Checker

LOSS_CONVENTIONS = ("half_missing", "mean_units_missing", "square_two_missing")     # diagnoses that change the student's model from then on
# mistakes a student makes by method, so they recur at every step of the kind: charged on the first item
# only, the recurrences follow through ("the same mistake as in Δw_05, charged once")
# ...except one whose value is a given copied out (the old weight): it shows no working, so earns nothing
NO_WORKING = ("old_weight",)
SYSTEMATIC = ("eta_missing", "updated_weight", "half_missing", "mean_units_missing", "g_not_gprime", "relu_g0", "bias_zero",
              "old_weight", "update_subtracted", "bias_plus_one", "mean_missing", "batch_mean_taken",
              "frozen_updated", "tied_separately", "gprime_missing", "square_two_missing",
              "leaky_as_relu", "leaky_default_slope", "extra_gprime")


def square_two(part) -> bool:
    """Whether the loss is a sum or mean of squares without a ½ (squared_error, mse), whose derivative
    carries the 2 of the square."""
    return losses.of(part).name in ("squared_error", "mse")


def mean_units(part) -> int | None:
    """K, the number of output units, where the loss is a mean over them (mse) and K > 1; else None."""
    k = len(part.layers[-1])
    return k if losses.of(part).mean_over_units and k > 1 else None


class Graph:
    """What one part's steps are computed from, built once per part (a Checker owns one)."""

    def __init__(self, ch: "Checker") -> None:
        psol = ch.psol
        self.steps = psol.steps
        self.id_of = {s.symbol: s.id for s in psol.steps}
        self.leaves = {s.id: frozenset(s.forms[-1].free_symbols) if s.forms else frozenset() for s in psol.steps}
        targets = {s.symbol for s in psol.steps if s.key.kind == "target"}
        # the output δ: the steps where ∂J/∂u enters, so where a loss without its ½ doubles the value
        self.loss_driven = frozenset(s.id for s in psol.steps
                                     if s.key.kind == "delta" and self.leaves[s.id] & targets)
        self.halved_loss = losses.of(psol.part).half
        # the factor each loss convention puts on the loss-driven steps: the ½ left out doubles them; a
        # mean over K outputs (mse) taken as a sum multiplies them by K
        part = psol.part
        self.factors: dict[str, float] = {}
        if self.halved_loss:
            self.factors["half_missing"] = 2.0
        if (k := mean_units(part)) is not None:
            self.factors["mean_units_missing"] = float(k)
        if square_two(part):                                     # the 2 of the square's derivative left out
            self.factors["square_two_missing"] = 0.5


class OwnValues:
    """One submission's own values, filled in the solution's order as its answers are judged.

    The solution lists every quantity after those it is computed from, and answers are judged in
    that order, so one forward sweep gives every unwritten value once (O(steps) per submission);
    only a convention charged later makes it sweep again."""

    def __init__(self, ch: "Checker", pinned: dict | None = None, flipped: frozenset = frozenset()) -> None:
        self.ch = ch
        self.graph: Graph = ch.graph
        self.values: dict[sp.Symbol, float] = dict(ch.true)
        self.written: dict[sp.Symbol, float] = {}
        self.first: dict[sp.Symbol, str] = {}      # symbol -> the first wrong item its own value carries
        self.convention: tuple[str, str] | None = None    # (diagnosis, the item it was first charged on)
        self.charged: dict[str, str] = {}           # systematic diagnosis -> the item it was charged on
        self.copied: dict[sp.Symbol, str] = {}      # a given copied wrong -> the item it was charged on
        self.copy_value: dict[sp.Symbol, float] = {}    # a given copied wrong -> the number used for it
        # copies a later item pinned down (copied.py): they decide an earlier item two givens explain
        self.pinned: dict[sp.Symbol, object] = dict(pinned or {})
        self.ambiguous: dict[str, tuple] = {}       # item -> the (given, copy) pairs that each explain it
        # symbol -> (the item whose own value carries a mistake charged elsewhere, the mistake, where it
        # was charged): Δw_13 with η left out, charged at Δw_05; the copied w_13, charged at net_3
        self.via: dict[sp.Symbol, tuple[str, str, str]] = {}
        # δ items accepted as the other δ convention (checker._in_other_convention): in this problem's terms
        # the student's δ is the negated value, and it carries no error (∂L/∂w = −δx in that convention)
        self.flipped = flipped
        self._done = 0                              # steps[:_done] have their own values

    # -- building ------------------------------------------------------------------------------
    def upto(self, qid: str) -> dict[sp.Symbol, float]:
        """The own values of every quantity before `qid` in the solution's order."""
        end = self.ch.order.get(qid, len(self.graph.steps))
        steps = self.graph.steps
        while self._done < min(end, len(steps)):
            s = steps[self._done]
            self._done += 1
            if s.symbol in self.written or not s.forms:
                continue
            v = self.rule_value(s.id)
            if v is None:                    # undefined at the student's values: nothing follows from it
                self.values[s.symbol] = self.ch.true[s.symbol]
                self.first.pop(s.symbol, None)
                continue
            self.values[s.symbol] = v
            up = self.upstream(s.id)
            if up is None:
                self.first.pop(s.symbol, None)
                self.via.pop(s.symbol, None)
            else:
                self.first[s.symbol] = up
                carried = self.carrier(s.id, up)
                if carried is None:
                    self.via.pop(s.symbol, None)
                else:
                    self.via[s.symbol] = carried
        return self.values

    def write(self, qid: str, sym: sp.Symbol, value: float, first: str | None,
              via: tuple[str, str, str] | None = None) -> None:
        """The student wrote `value` for `qid`; `first` is the first wrong item it carries (itself if wrong);
        `via` when the value repeats a mistake charged on another item: (qid, the mistake, that item)."""
        if sym in self.written:
            return                              # a quantity written twice: the first one counts, as before
        if qid in self.flipped:
            value, first, via = -value, None, None
        self.written[sym] = value
        self.values[sym] = value
        if first is None:
            self.first.pop(sym, None)
        else:
            self.first[sym] = first
        if via is None:
            self.via.pop(sym, None)
        else:
            self.via[sym] = via

    def charge(self, code: str, qid: str) -> str | None:
        """A mistake was found on `qid`: the earlier item where the same systematic mistake was already
        charged (then `qid` is not charged again), else None and it is charged here. A loss convention
        changes every unwritten output δ from now on."""
        if code in SYSTEMATIC:
            if code in self.charged:
                return self.charged[code]
            self.charged[code] = qid
        if code in LOSS_CONVENTIONS and code in self.graph.factors and self.convention is None:
            self.convention = (code, qid)
            self._done = 0                      # sweep again: the output δ not written are now doubled
        return None

    def adopt(self, sym: sp.Symbol, value: float, qid: str) -> None:
        """A given value copied wrong (copied.py), charged on `qid`: the student's own value of it is the
        copy from now on, so the later steps that use it follow from that item."""
        self.copied[sym] = qid
        self.copy_value[sym] = value
        self.values[sym] = value
        self.first[sym] = qid
        self.via[sym] = (self.graph.id_of[sym], "given_copied", qid)

    # -- reading -------------------------------------------------------------------------------
    @property
    def factor(self) -> float:
        """What the loss convention charged (if any) multiplies the loss-driven steps by."""
        return self.graph.factors.get(self.convention[0], 1.0) if self.convention is not None else 1.0

    def convention_applies(self, qid: str) -> bool:
        return self.convention is not None and qid in self.graph.loss_driven

    def rule_value(self, qid: str) -> float | None:
        """Step `qid`'s rule at the student's own values (None: no rule, or undefined there)."""
        v = self.ch.steps.recompute(qid, self.values)
        if v is not None and self.convention_applies(qid):
            v *= self.factor
        return v

    def carrier(self, qid: str, up: str) -> tuple[str, str, str] | None:
        """Which of the values step `qid` is computed from brings it the error `up`, when that value repeats
        a mistake charged on another item (own.via): the earliest such, so the message can name the step
        it follows from (Δw_13) and where the mistake was charged (Δw_05). None when no such value does."""
        order = self.ch.order
        found = [self.via[leaf] for leaf in self.graph.leaves[qid]
                 if leaf in self.via and self.first.get(leaf) == up]
        return min(found, key=lambda c: order.get(c[0], 1 << 30)) if found else None

    def upstream(self, qid: str, fits=None) -> str | None:
        """The earliest wrong item (in the solution's order) that the own value of `qid` carries. With `fits`
        (whether a value of `qid` gives the student's number at the places they show), of several such items
        the earliest that the number needs: one whose error leaves the number as it is (y_5^(2) = 0.4558
        one unit off, where the 2 of the square left out at δ_5^(1) halves δ_5^(2)) does not explain it."""
        found = [self.first[leaf] for leaf in self.graph.leaves[qid] if leaf in self.first]
        if self.convention_applies(qid):
            found.append(self.convention[1])
        if fits is not None and len(set(found)) > 1:
            found = [q for q in found if not fits(self.without(qid, q))] or found
        return min(found, key=lambda q: self.ch.order.get(q, 1 << 30)) if found else None

    def without(self, qid: str, wrong: str) -> float | None:
        """Step `qid`'s rule at the student's own values with the error of item `wrong` taken out: the values
        it computes from that carry it put back to the true ones, and a loss convention charged there undone."""
        vals = {**self.values, **{leaf: self.ch.true[leaf] for leaf in self.graph.leaves[qid]
                                  if self.first.get(leaf) == wrong and leaf in self.ch.true}}
        v = self.ch.steps.recompute(qid, vals)
        if v is not None and self.convention_applies(qid) and self.convention[1] != wrong:
            v *= self.factor
        return v
