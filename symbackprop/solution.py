"""A worked solution as data: ordered steps, each with its rule, the numbers it uses and its value.

Renderers (render/) turn a `Solution` into text, JSON, LaTeX…; nothing here formats output, and
nothing in render/ computes mathematics.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import sympy as sp

from .budget import check_budget
from .collect import fewer_collections
from .derive import derive
from .errors import ProblemError
from .memo import ValueMemo, part_key
from .messages import said
from .evaluate import evaluate, to_float
from .model import GIVEN_KINDS, Model
from .notation import Names, names_for
from .printing import format_given, format_value
from .problem import Part, Problem
from .quantity import Key
from .shows import Shows

if TYPE_CHECKING:
    from .graph import GraphSolution

SECTIONS = ("given", "forward", "loss", "output", "hidden", "inputs", "shared", "updated", "test")


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
    # made once here: every renderer and the checker ask for them, the JSON several times a step
    id: str = field(init=False, repr=False, compare=False)       # the JSON and answers-file id (`delta_5@2`)
    exact: bool = field(init=False, repr=False, compare=False)   # no Float in the value

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", str(self.key))
        v = self.value
        object.__setattr__(self, "exact", not v.is_Float and (v.is_Rational or not v.has(sp.Float)))

    @property
    def unit(self) -> str | None:
        """The unit of the quantity (the target unit of a weight's), from its key."""
        return self.key.unit

    @property
    def sample(self) -> int | None:
        """The 0-based sample of the quantity in a batch, from its key: None outside a batch (given or
        computed alike) and for what is one for the whole batch (a weight, its update, the batch loss)."""
        return self.key.sample

    def shown(self, precision: int) -> tuple[str, bool]:
        """The value as shown at `precision` and whether that is exact (printing.format_value),
        formatted once per precision: a value appears in its own step and in every step that uses
        it. Rounded from the exact value (half away from zero); `float_value` stands in for it only
        where it surely rounds the same, as a long exact value costs an evalf each time. A given
        value (section "given": an input, a target, a weight, η) is data, shown as written at every
        precision (printing.format_given)."""
        got = self._shown.get(precision)
        if got is None:
            got = self._shown[precision] = (format_given(self.value, precision) if self.section == "given"
                                            else format_value(self.value, precision, self.float_value))
        return got


@dataclass(frozen=True)
class PartSolution:
    name: str
    part: Part
    names: Names
    steps: tuple[Step, ...]
    conventions: tuple[Note, ...]
    # the part's optimizer run (optimize.Run) when its file gives optimizer, steps or update; else None
    run: object = field(default=None, compare=False, repr=False)
    # the names of the run's own symbols (θ_t, m̂_t(w_{35}) …): printed, but no quantity an answer can name
    run_names: Names | None = field(default=None, compare=False, repr=False)

    @property
    def shown_names(self) -> Names:
        """The names the solution is printed in: its own, and its run's symbols'."""
        if self.run_names is None:
            return self.names
        return Names({**self.names.text, **self.run_names.text}, {**self.names.latex, **self.run_names.latex})

    @cached_property
    def _by_key(self) -> dict[Key, Step]:
        return {s.key: s for s in self.steps}

    @cached_property
    def _by_id(self) -> dict[str, Step]:
        return {s.id: s for s in self.steps}

    def step(self, key: Key | str) -> Step:
        """The step of this key, or of this id as a JSON output or an answers file writes it (a
        dictionary lookup either way: checking answers asks for steps often), or of a name as written
        (`u_3`, `\\delta_5`, `δ_5`, `dL/dw_35`: stepname.py). KeyError (a `StepNotFound` saying
        "did you mean …?") if none."""
        if isinstance(key, Key):
            return self._by_key[key]
        got = self._by_id.get(key)
        if got is not None:
            return got
        from .stepname import find, not_found
        if not isinstance(key, str):
            raise not_found(self._names, self.name, str(key))
        q = find(self._names, key)
        if q is None or q.qid is None or q.qid not in self._by_id:
            raise not_found(self._names, self.name, key)
        return self._by_id[q.qid]

    @cached_property
    def _names(self):
        """Every written name of this part's quantities (answers/names.NameTable), built on the first
        lookup by name: `check` reads names with the same table."""
        from .answers.names import NameTable
        return NameTable(self)

    def __str__(self) -> str:
        """The worked solution of this part, as `symbackprop solve --part NAME` prints it."""
        from .render import render
        return render(Solution("", "", (self,)), "text").lstrip("\n")

    def __repr__(self) -> str:
        return f"<PartSolution {self.name}: {len(self.steps)} steps>"

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
        the printers as they find it (printing.py), and the layouts of the latest plain shapes
        (fastprint.py): the rule with numbers substituted, and the JSON's text and LaTeX, print
        the same expressions again."""
        return {}

    @cached_property
    def _shown_leaves(self) -> dict[tuple[sp.Symbol, int], str]:
        return {}

    def shown_leaves(self, step: Step, precision: int) -> dict[sp.Symbol, str]:
        """The value of each symbol of `step`'s last form as shown at `precision`: the shown
        value of the step that computed it (formatted once, `Step.shown`), or, for a symbol
        without a step of its own (the bias input, given data: printing.format_given), formatted once here."""
        out = {}
        for sym, value in step.leaves.items():
            owner = self._by_symbol.get(sym)
            if owner is not None and owner.value is value:
                out[sym] = owner.shown(precision)[0]
                continue
            key = (sym, precision)
            got = self._shown_leaves.get(key)
            if got is None:
                got = self._shown_leaves[key] = format_given(value, precision)[0]
            out[sym] = got
        return out

    def sections(self):
        """(section, steps) in the lecture's order, skipping empty sections."""
        for sec in SECTIONS:
            steps = [s for s in self.steps if s.section == sec]
            if steps:
                yield sec, steps


@dataclass(frozen=True)
class Solution(Shows):
    title: str
    source: str
    parts: tuple[PartSolution, ...]

    def part(self, name: str) -> PartSolution:
        """The part named `name`; a KeyError saying which parts there are (and the closest) if none."""
        for p in self.parts:
            if p.name == name:
                return p
        from .stepname import StepNotFound
        from .suggest import with_hint
        names = [p.name for p in self.parts]
        raise StepNotFound(with_hint(said("solution.no_part", name=repr(name), parts=", ".join(names)), name, names))

    def __str__(self) -> str:
        """The worked solution, as `symbackprop solve FILE` prints it (text, the file's precision)."""
        from .render import render
        return render(self, "text")

    def __repr__(self) -> str:
        """Short: the file and its parts (the steps are many; `print(sol)` shows them)."""
        name = Path(self.source).name if self.source else "?"
        return f"<Solution {name}: parts {', '.join(p.name for p in self.parts)}>"



def solve(problem: Problem | str | Path, parts: list[str] | None = None,
          check: bool = False, steps: "tuple[int, ...] | str | None" = None) -> "Solution | GraphSolution":
    """Derive and evaluate every part (or the named ones) of a problem; a computation graph's file
    (`model: graph`) gives its `graph.GraphSolution`. A problem over the size
    budget (budget.py) is refused before anything is derived; `check`: also within the budget of
    `solve --check`'s direct differentiation, which the caller runs next (gradcheck.check_part). A part
    with an optimizer (`optimizer`, `steps`, `update`) gets its run (optimize.py) with the `steps` shown in
    full (1-based step numbers, or "all"; default step 1)."""
    if not isinstance(problem, Problem):
        problem = _problem_or_graph(problem, parts, steps)
        if not isinstance(problem, Problem):
            return problem
    chosen = [problem.part(n) for n in parts] if parts else list(problem.parts)
    check_budget(problem.source, chosen, "check" if check else "solve", multi=len(problem.parts) > 1)
    if steps is not None and not any(p.training is not None for p in chosen):
        raise ProblemError(said("optimizer.no_steps"), source=problem.source, field="steps")
    from .optimize import all_too_many
    for p in chosen:                     # `--steps all` of too many steps: said before anything is solved
        if p.training is not None:
            all_too_many(steps, p.training.steps, p.name, problem.source)
    with fewer_collections():
        return Solution(problem.title, problem.source,
                        tuple(with_run(solve_part(p, problem.source), problem.source, steps) for p in chosen))


def with_run(psol: PartSolution, source: str, steps: "tuple[int, ...] | str | None" = None) -> PartSolution:
    """The part's solution with its optimizer run (optimize.run_part), the steps `steps` shown in full, once
    per value of (part, file, steps shown) (`check` and `grade` solve a file often); `psol` itself for a part
    without `training`. Where the optimizer is not plain SGD on the whole batch, the update section shows
    step 1's update by the optimizer (optimize.first_updates)."""
    if psol.part.training is None:
        return psol
    if not solve_part.enabled:           # solve_part.off(): afresh, as the solution it was given
        return _with_run(psol, source, steps)
    return _run_memo(psol, source, steps)


def _with_run(psol: PartSolution, source: str, steps: "tuple[int, ...] | str | None" = None) -> PartSolution:
    from dataclasses import replace
    from .optimize import first_updates, names, run_part, step1_is_several
    run = run_part(psol.part, (1,) if steps is None else steps, source, psol)
    if step1_is_several(run, psol.part):
        # one update after each sample: the worked solution is step 1's, on sample 1 alone (the run's re-solved
        # step 1: its part has that sample only), not the batch's, so that its Δw is step 1's update; its first
        # note says so. The run keeps the whole part (run.part).
        first = run.worked[1].solution
        psol = replace(psol, part=replace(first.part, name=psol.part.name), names=first.names, steps=first.steps,
                       conventions=(Note("per_sample_first", {"samples": len(psol.part.samples)}),)
                       + first.conventions)
    text, latex = names(psol.part.notation, run)
    steps = first_updates(psol, run)
    if "lr" not in run.training.values:          # the lecture's AdaDelta has no learning rate: no η given
        steps = tuple(s for s in steps if s.key != Key("learning_rate"))
    shown = Names(text, latex)
    conventions = psol.conventions
    if steps is not psol.steps:          # the update section is the optimizer's, not −η·∂J/∂w: say so
        conventions += (Note("optimizer", {"name": run.training.optimizer, "form": run.training.form}),)
    return replace(psol, steps=steps, run=run, run_names=shown, conventions=conventions)


def _run_key(psol: PartSolution, source: str, steps=None):
    return (part_key(psol.part, source), steps)


_run_memo = ValueMemo(_with_run, _run_key, size=8)


def _problem_or_graph(problem, parts: list[str] | None, steps=None):
    """A path's problem: a network file's `Problem`, or a `model: graph` (or `model: quadratic`) file's
    `GraphSolution` as `solve` prints it (a `GraphProblem` is solved as well). A graph has one part, `main`."""
    from .graph import GraphProblem, check_graph_parts, is_graph, read_graph, solve_graph
    from .problem import problem_from_document
    from .yamlfile import load_yaml
    if isinstance(problem, GraphProblem):
        graph = problem
    else:
        doc = load_yaml(problem)
        if not is_graph(doc):
            return problem_from_document(doc)
        graph = read_graph(doc)
    check_graph_parts(parts or [], graph.source)
    if steps is not None and graph.training is None:
        raise ProblemError(said("optimizer.no_steps"), source=graph.source, field="steps")
    from .graph_optimize import with_graph_run
    from .optimize import all_too_many
    if graph.training is not None:
        all_too_many(steps, graph.training.steps, "main", graph.source)
    return with_graph_run(solve_graph(graph), steps)


# a part's solution is kept while it is small (memo.py): grading, notebooks and tests solve one file often
MEMO_STEPS = 3000


def _solve_part(part: Part, source: str = "<problem>") -> PartSolution:
    """Derive and evaluate one part: its model, forward and backward steps, values and notes."""
    model = Model(part)
    assignments = model.forward + derive(model) + model.test_time
    try:
        values = evaluate(model, assignments)
    except ProblemError as exc:
        raise ProblemError(said("problem.in_part", name=part.name, message=exc.detail), source=source,
                           field=exc.field, line=exc.line) from None
    steps = [_given_step(model, sym, values) for sym in model.given() if sym != model.bias_symbol]
    for a in assignments:
        forms = a.forms + (a.shown,)
        leaves = {s: values[s] for s in a.shown.free_symbols}
        v = values[a.symbol]
        steps.append(Step(a.key, a.section, a.symbol, forms, leaves, v, to_float(v)))
    return PartSolution(part.name, part, names_for(model), tuple(steps), _conventions(model, values))


solve_part = ValueMemo(_solve_part, part_key, keep=lambda sol: len(sol.steps) <= MEMO_STEPS)
solve_part.__doc__ = """The worked solution of one part (`_solve_part`), once per value of (part, file): an equal
part gets the same immutable PartSolution again (memo.py)."""


def _given_step(model: Model, sym: sp.Symbol, values: dict) -> Step:
    info = model.info[sym]
    kind = GIVEN_KINDS[info.kind]
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
    if model.bias_symbol is not None and part.bias_input != 1:     # net = Σ w·x − θ: the books' threshold
        thresholds = tuple(model.w[(w.source, w.target)] for w in part.weights if w.source == part.bias)
        out.append(Note("bias", {"symbol": model.bias_symbol, "value": part.bias_input, "unit": part.bias,
                                 "thresholds": thresholds}))
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
                                     "formula": True, "text": act.formula.text}))
        elif hit:
            g0 = dict(act.params).get("g0")
            out.append(Note("kink", {"activation": act.name, "nets": hit, "g0": g0}))
    return tuple(out) + _dropout_notes(model)


def _dropout_notes(model: Model) -> tuple[Note, ...]:
    """Dropout's notes (dropout.py), per dropped-out layer: the layer, p, scaling and mask (and the seed it
    was drawn with); the dropped units, whose δ is 0; what test time does; and, once, why the scaling."""
    out = []
    for d in model.part.dropout:
        units = model.part.layers[d.layer - 1]
        masks = tuple((model.mask(j, n), m) for n, row in enumerate(d.masks) for j, m in zip(units, row))
        out.append(Note("dropout", {"layer": d.layer, "p": d.p, "scaling": d.scaling, "seed": d.seed,
                                    "p_symbol": model.dropout_p(d.layer), "masks": masks}))
        if d.seed is not None:
            out.append(Note("dropout_seed", {"seed": d.seed}))
        dropped = tuple((model.mask(j, n), model.out(j, n), model.delta(j, n))
                        for n, row in enumerate(d.masks) for j, m in zip(units, row) if m == 0)
        if dropped:
            out.append(Note("dropout_dropped", {"dropped": dropped}))
        out.append(Note("dropout_test", {"scaling": d.scaling, "p_symbol": model.dropout_p(d.layer)}))
    if out:
        out.append(Note("dropout_why", {}))
    return tuple(out)
