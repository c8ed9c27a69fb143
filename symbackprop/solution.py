"""A worked solution as data: ordered steps, each with its rule, the numbers it uses and its value.

Renderers (render/) turn a `Solution` into text, JSON, LaTeX…; nothing here formats output, and
nothing in render/ computes mathematics.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sympy as sp

from .derive import derive
from .errors import ProblemError
from .evaluate import evaluate, to_float
from .model import Model
from .notation import Names, names_for, weight_name
from .problem import Part, Problem, load_problem

SECTIONS = ("given", "forward", "loss", "output", "hidden", "updated")
SECTION_TITLES = {"given": "Given", "forward": "Forward pass", "loss": "Loss",
                  "output": "Output layer: δ and updates", "hidden": "Hidden layers: δ and updates",
                  "updated": "Updated weights"}


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
    conventions: tuple[str, ...]
    model: Model = field(repr=False, compare=False, default=None)  # type: ignore[assignment]

    def step(self, qid: str) -> Step:
        for s in self.steps:
            if s.id == qid:
                return s
        raise KeyError(qid)

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


def solve(problem: Problem | str | Path, parts: list[str] | None = None) -> Solution:
    """Derive and evaluate every part (or the named ones) of a problem."""
    if not isinstance(problem, Problem):
        problem = load_problem(problem)
    chosen = [problem.part(n) for n in parts] if parts else list(problem.parts)
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
        forms = a.forms + (a.rule,)
        leaves = {s: values[s] for s in a.rule.free_symbols}
        v = values[a.symbol]
        steps.append(Step(a.id, a.section, a.symbol, forms, leaves, v, to_float(v), a.unit, a.sample))
    return PartSolution(part.name, part, names_for(model), tuple(steps), _conventions(model, values), model)


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


def _conventions(model: Model, values: dict) -> tuple[str, ...]:
    """One sentence per convention the numbers depend on."""
    part = model.part
    nota = part.notation
    J = nota.loss_symbol
    out = []
    if nota.delta == "dJ_dnet":
        out.append(f"δ_j = ∂{J}/∂net_j (in-class convention), so Δw = −η·∂{J}/∂w = −η·δ_j·(input of the weight).")
    else:
        out.append(f"δ_j = −∂{J}/∂net_j (appendix convention), so Δw = −η·∂{J}/∂w = +η·δ_j·(input of the weight).")
    a, b = ("i", "j") if nota.weight == "from_to" else ("j", "i")
    out.append(f"w_{{{a}{b}}} is the weight from unit i to unit j.")
    if model.batched:
        out.append(f"{J} is the {part.batch_reduction} of the per-sample losses over "
                   f"{model.n_samples} samples; δ^(n) is per sample.")
    frozen = [weight_name(model, w.source, w.target, latex=False) for w in part.weights if w.frozen]
    if frozen:
        out.append(f"Frozen, so not updated (Δw = 0): {', '.join(frozen)}.")
    for li, act in enumerate(part.activations):
        kinks = act.kinks()
        if not kinks:
            continue
        hit = [(j, n) for j in part.layers[li] for n in range(model.n_samples)
               if values[model.net(j, n)] in kinks]
        if hit:
            where = ", ".join(f"net_{j}" + (f"^({n + 1})" if model.batched else "") + " = 0" for j, n in hit)
            if act.name == "relu":
                g0 = dict(act.params)["g0"]
                out.append(f"ReLU has no derivative at 0; g'(0) is taken as {g0} (relu_derivative_at_zero), "
                           f"used at {where}.")
            else:
                out.append(f"{act.name} has no derivative at 0; the left-hand slope is used at {where}.")
    return tuple(out)
