"""A worked solution as data: ordered steps, each with its rule, the numbers it uses and its value.

Renderers (render/) turn a `Solution` into text, JSON, LaTeX…; nothing here formats output, and
nothing in render/ computes mathematics.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import sympy as sp

from .budget import check_budget
from .collect import fewer_collections
from .derive import derive
from .errors import ProblemError
from .messages import said
from .evaluate import evaluate, to_float
from .model import Model
from .notation import Names, names_for
from .printing import format_value
from .problem import Part, Problem, load_problem
from .quantity import Key

SECTIONS = ("given", "forward", "loss", "output", "hidden", "updated")


@dataclass(frozen=True)
class Note:
    """A convention the solution depends on: `kind` (delta, weights, batch, frozen, kink) and its data."""

    kind: str
    data: dict


@dataclass(frozen=True)
class Step:
    """One quantity: `symbol = forms… = forms[-1] with numbers = value`; `key` says which one (its
    unit and sample are the key's: the key is the one truth)."""

    key: Key
    section: str
    symbol: sp.Symbol
    forms: tuple[sp.Expr, ...]             # symbolic rule(s); empty for given values
    leaves: dict                           # value of each symbol in forms[-1]
    value: sp.Expr                         # exact, or a 30-digit Float once too long
    float_value: float
    # the value as shown, by precision: filled by `shown`, not part of the step's identity
    _shown: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def id(self) -> str:
        """The JSON and answers-file id of the quantity (`delta_5@2`), made from its key."""
        return str(self.key)

    @property
    def unit(self) -> str | None:
        """The unit of the quantity (the target unit of a weight's), from its key."""
        return self.key.unit

    @property
    def sample(self) -> int | None:
        """The 0-based sample of the quantity in a batch, from its key: None outside a batch (given or
        computed alike) and for what is one for the whole batch (a weight, its update, the batch loss)."""
        return self.key.sample

    @property
    def exact(self) -> bool:
        return not self.value.has(sp.Float)

    def shown(self, precision: int) -> tuple[str, bool]:
        """The value as shown at `precision` and whether that is exact (printing.format_value),
        formatted once per precision from `float_value`: a value appears in its own step and in
        every step that uses it, and a long exact value costs an evalf each time it is formatted."""
        got = self._shown.get(precision)
        if got is None:
            got = self._shown[precision] = format_value(self.value, precision, self.float_value)
        return got


@dataclass(frozen=True)
class PartSolution:
    name: str
    part: Part
    names: Names
    steps: tuple[Step, ...]
    conventions: tuple[Note, ...]

    @cached_property
    def _by_key(self) -> dict[Key, Step]:
        return {s.key: s for s in self.steps}

    @cached_property
    def _by_id(self) -> dict[str, Step]:
        return {s.id: s for s in self.steps}

    def step(self, key: Key | str) -> Step:
        """The step of this key, or of this id as a JSON output or an answers file writes it (a
        dictionary lookup either way: checking answers asks for steps often). KeyError if none."""
        return self._by_key[key] if isinstance(key, Key) else self._by_id[key]

    def key(self, qid: str) -> Key | None:
        """The key of the step with this id, None if the solution has none (a rule id, a typo)."""
        step = self._by_id.get(qid)
        return None if step is None else step.key

    @cached_property
    def _by_symbol(self) -> dict[sp.Symbol, Step]:
        return {s.symbol: s for s in self.steps}

    @cached_property
    def term_order(self) -> dict:
        """Each sum of the steps' forms with its terms in the order they are printed, kept by
        the printers as they find it (printing.py): the rule with numbers substituted, and the
        JSON's text and LaTeX, print the same sums again."""
        return {}

    @cached_property
    def _shown_leaves(self) -> dict[tuple[sp.Symbol, int], str]:
        return {}

    def shown_leaves(self, step: Step, precision: int) -> dict[sp.Symbol, str]:
        """The value of each symbol of `step`'s last form as shown at `precision`: the shown
        value of the step that computed it (formatted once, `Step.shown`), or, for a symbol
        without a step of its own (the bias input), formatted once here."""
        out = {}
        for sym, value in step.leaves.items():
            owner = self._by_symbol.get(sym)
            if owner is not None and owner.value is value:
                out[sym] = owner.shown(precision)[0]
                continue
            key = (sym, precision)
            got = self._shown_leaves.get(key)
            if got is None:
                got = self._shown_leaves[key] = format_value(value, precision)[0]
            out[sym] = got
        return out

    def sections(self):
        """(section, steps) in the lecture's order, skipping empty sections."""
        for sec in SECTIONS:
            steps = [s for s in self.steps if s.section == sec]
            if steps:
                yield sec, steps


@dataclass(frozen=True)
class Solution:
    title: str
    source: str
    parts: tuple[PartSolution, ...]

    def part(self, name: str) -> PartSolution:
        for p in self.parts:
            if p.name == name:
                return p
        raise KeyError(name)

    # Jupyter and Colab call these to show a solution object as the worked solution.
    def _repr_markdown_(self) -> str:
        from .render import render
        return render(self, "markdown")

    def _repr_latex_(self) -> str:
        from .render.notebook import latex_math
        return latex_math(self)

    def show(self, lang: str = "en"):
        """The solution as a notebook shows it, in `lang`: `solution.show(lang="zh")` (render/display.py)."""
        from .render.display import Shown
        return Shown(self, lang)


def solve(problem: Problem | str | Path, parts: list[str] | None = None, check: bool = False) -> Solution:
    """Derive and evaluate every part (or the named ones) of a problem. A problem over the size
    budget (budget.py) is refused before anything is derived; `check`: also within the budget of
    `solve --check`'s direct differentiation, which the caller runs next (gradcheck.check_part)."""
    if not isinstance(problem, Problem):
        problem = load_problem(problem)
    chosen = [problem.part(n) for n in parts] if parts else list(problem.parts)
    check_budget(problem.source, chosen, "check" if check else "solve", multi=len(problem.parts) > 1)
    with fewer_collections():
        return Solution(problem.title, problem.source, tuple(solve_part(p, problem.source) for p in chosen))


def solve_part(part: Part, source: str = "<problem>") -> PartSolution:
    model = Model(part)
    assignments = model.forward + derive(model)
    try:
        values = evaluate(model, assignments)
    except ProblemError as exc:
        raise ProblemError(said("problem.in_part", name=part.name, message=exc.detail), source=source) from None
    steps = [_given_step(model, sym, values) for sym in model.given() if sym != model.bias_symbol]
    for a in assignments:
        forms = a.forms + (a.shown,)
        leaves = {s: values[s] for s in a.shown.free_symbols}
        v = values[a.symbol]
        steps.append(Step(a.key, a.section, a.symbol, forms, leaves, v, to_float(v)))
    return PartSolution(part.name, part, names_for(model), tuple(steps), _conventions(model, values))


def _given_step(model: Model, sym: sp.Symbol, values: dict) -> Step:
    info = model.info[sym]
    kind = {"w": "w", "eta": "learning_rate", "x": "input", "t": "target"}[info.kind]
    key = model.qid(kind, info.unit, info.sample, source=info.source)
    v = values[sym]
    return Step(key, "given", sym, (), {}, v, to_float(v))


def _conventions(model: Model, values: dict) -> tuple["Note", ...]:
    """What the numbers depend on, as data; render/prose.py words it per format and language."""
    part = model.part
    nota = part.notation
    out = [Note("delta", {"convention": nota.delta}), Note("weights", {"order": nota.weight})]
    if model.batched:
        out.append(Note("batch", {"reduction": part.batch_reduction, "samples": model.n_samples}))
    frozen = [model.w[(w.source, w.target)] for w in part.weights if w.frozen]
    if frozen:
        out.append(Note("frozen", {"weights": tuple(frozen)}))
    for li, act in enumerate(part.activations):
        kinks = act.kinks()
        if not kinks:
            continue
        hit = tuple(model.net(j, n) for j in part.layers[li] for n in range(model.n_samples)
                    if values[model.net(j, n)] in kinks)
        if hit and act.formula is not None:
            out.append(Note("kink", {"activation": act.name, "nets": hit, "g0": act.derivative(sp.Integer(0), None),
                                     "formula": True}))
        elif hit:
            g0 = dict(act.params).get("g0")
            out.append(Note("kink", {"activation": act.name, "nets": hit, "g0": g0}))
    return tuple(out)
