"""A worked solution as data: ordered steps, each with its rule, the numbers it uses and its value.

Renderers (render/) turn a `Solution` into text, JSON, LaTeX…; nothing here formats output, and
nothing in render/ computes mathematics.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import sympy as sp

from .budget import check_budget
from .derive import derive
from .errors import ProblemError
from .evaluate import evaluate, to_float
from .model import Model
from .notation import Names, names_for
from .problem import Part, Problem, load_problem

SECTIONS = ("given", "forward", "loss", "output", "hidden", "updated")


@dataclass(frozen=True)
class Note:
    """A convention the solution depends on: `kind` (delta, weights, batch, frozen, kink) and its data."""

    kind: str
    data: dict


@dataclass(frozen=True)
class Step:
    """One quantity: `symbol = forms… = forms[-1] with numbers = value`."""

    id: str
    section: str
    symbol: sp.Symbol
    forms: tuple[sp.Expr, ...]             # symbolic rule(s); empty for given values
    leaves: dict                           # value of each symbol in forms[-1]
    value: sp.Expr                         # exact, or a 30-digit Float once too long
    float_value: float
    unit: str | None = None
    sample: int | None = None              # 0-based sample index in a batch, else None

    @property
    def exact(self) -> bool:
        return not self.value.has(sp.Float)


@dataclass(frozen=True)
class PartSolution:
    name: str
    part: Part
    names: Names
    steps: tuple[Step, ...]
    conventions: tuple[Note, ...]

    @cached_property
    def _by_id(self) -> dict[str, Step]:
        return {s.id: s for s in self.steps}

    def step(self, qid: str) -> Step:
        """The step with this id (a dictionary lookup: checking answers asks for steps often)."""
        return self._by_id[qid]

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


def solve(problem: Problem | str | Path, parts: list[str] | None = None, check: bool = False) -> Solution:
    """Derive and evaluate every part (or the named ones) of a problem. A problem over the size
    budget (budget.py) is refused before anything is derived; `check`: also within the budget of
    `solve --check`'s direct differentiation, which the caller runs next (check.check_part)."""
    if not isinstance(problem, Problem):
        problem = load_problem(problem)
    chosen = [problem.part(n) for n in parts] if parts else list(problem.parts)
    check_budget(problem.source, chosen, "check" if check else "solve", multi=len(problem.parts) > 1)
    return Solution(problem.title, problem.source, tuple(solve_part(p, problem.source) for p in chosen))


def solve_part(part: Part, source: str = "<problem>") -> PartSolution:
    model = Model(part)
    assignments = model.forward + derive(model)
    try:
        values = evaluate(model, assignments)
    except ProblemError as exc:
        raise ProblemError(exc.detail, source=source, field=f"part {part.name}") from None
    steps = [_given_step(model, sym, values) for sym in model.given() if sym != model.bias_symbol]
    for a in assignments:
        forms = a.forms + (a.shown,)
        leaves = {s: values[s] for s in a.shown.free_symbols}
        v = values[a.symbol]
        steps.append(Step(a.id, a.section, a.symbol, forms, leaves, v, to_float(v), a.unit, a.sample))
    return PartSolution(part.name, part, names_for(model), tuple(steps), _conventions(model, values))


def _given_step(model: Model, sym: sp.Symbol, values: dict) -> Step:
    info = model.info[sym]
    if info.kind == "w":
        qid = f"w_{info.source}_{info.unit}"
    elif info.kind == "eta":
        qid = "learning_rate"
    else:
        qid = model.qid(f"{'input' if info.kind == 'x' else 'target'}_{info.unit}", info.sample)
    v = values[sym]
    return Step(qid, "given", sym, (), {}, v, to_float(v), info.unit, info.sample)


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
        if hit:
            g0 = dict(act.params).get("g0")
            out.append(Note("kink", {"activation": act.name, "nets": hit, "g0": g0}))
    return tuple(out)
