"""A graph's optimizer steps (issue 13, `model: graph` with `optimizer:` and `steps:`): steps.py's names and
judging of a network part's steps, over a graph's run (graph_optimize.GraphRun).

**Ids** are the graph run's (`solve --format json` of a graph): `step2.new_A_1_2`, `step1.G_b_2`, `step3.loss`;
an answers file writes them so, under `steps: {2: {new_A_1_2: …}}` or as solve's list `steps: [{step: 2,
quantities: {…}}]`. At step 1 the graph's own ids (grad_A_1_2: g_1, A_1_2: θ_0) are today's items. A whole
matrix or vector of a state (`step1.G_A`, `G_1(A)`, `A^{(1)}`) is answered entry by entry (`step1.G_A_1_1` …),
as a graph's matrix answers are.

**Names**: θ_2(A_{12}), A_{12}^{(2)}, G_1(b_2), c^{(1)}, m_1(c), Δθ_1(c), and under a heading "Step 2" G_t(A_{12}),
θ_{t−1}(A_{12}), A_{12}^{new}, ΔA_{12}, ∂L/∂A_{12} (g_2) — steps.StepNames' grammar, the graph's entries as its
parameters.

**Judging**: steps.StepChecker's, against the graph's run; the student's own run (follow-through) takes g_t at
their θ_{t−1} from the run's compiled gradient (graph_optimize.Compiled), and a wrong value is diagnosed by
optimizer_diagnose.diagnose_step over the graph's run.
"""
from __future__ import annotations

import re
from types import SimpleNamespace

from ..quantity import Key
from .names import canon
from .steps import STEP_ID, StepChecker, StepNameError, StepNames, rule_stems, step_id


def graph_key(ident: str):
    """A graph run's key of an id: `loss`, `new_loss`, else the graph's own id (graph_optimize.GraphKey)."""
    from ..graph_optimize import GraphKey
    ident = str(ident).strip()
    if ident in ("loss", "new_loss"):
        return Key(ident)
    return GraphKey(ident) if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", ident) else None


def _spellings(p, sol) -> set[str]:
    """Every canonical spelling of a parameter entry: its id (A_1_2), as the solution writes it (A_{12}), with a
    comma (A_{1,2}); a scalar's name (c)."""
    from .graph_names import item_name
    out = {canon(str(p.key)), canon(item_name(str(p.key), sol))}
    if p.place:
        r, c = p.place
        out |= {canon(f"{p.name}_{{{r + 1},{c + 1}}}"), canon(f"{p.name}_{{{r + 1}{c + 1}}}")}
    return out


class GraphStepNames(StepNames):
    """steps.StepNames over a graph's run: its parameters are the entries of the graph's parameters."""

    def __init__(self, names, sol) -> None:        # names: graph_names.GraphNames; sol: the solution with its run
        from .graph_answers import graph_ids
        self.table = names
        self.sol = sol
        self.run = run = sol.run
        self.steps = len(run.steps)
        self.params = run.params
        self.single = [p for p in self.params if not p.frozen]
        self.param_of: dict[str, object] = {}
        for p in self.params:
            for spelling in _spellings(p, sol):
                self.param_of.setdefault(spelling, p)
        # a matrix or vector parameter named whole (G_1(A)): its entries, answered entry by entry
        self.wholes: dict[str, str] = {}
        for name in sol.problem.parameters:
            if sol.problem.get(name).shape != ():
                self.wholes[canon(name)] = name
        self.stems = rule_stems(run)
        self.split_step1 = False
        self.base_ids = set(graph_ids(sol, steps=False))
        self.stem_keys = {"grad": "grad", "update": "update", "theta": "new"}

    def parse_key(self, ident: str):
        return graph_key(ident)

    def example_param(self) -> str:
        from .graph_names import item_name
        return item_name(str(self.single[0].key), self.sol) if self.single else "A_{12}"

    def item(self, t: int, key, today: bool = True) -> str:
        if today and t == 1 and str(key) in self.base_ids:
            return str(key)
        return step_id(t, key)

    def known(self, t: int, key) -> bool:
        return key in self.run.steps[t - 1].values or self._whole_key(t, key) is not None or self.resolved(t, key)

    def resolved(self, t: int, key) -> bool:
        """Whether `key` at step t is a value of the step's own forward and backward pass (`q`, `∂L/∂y`, the graph
        solved at θ_{t−1}), not one of the run's: the graph's own items (at step 1, today's)."""
        return key not in self.run.steps[t - 1].values and str(key) in self.base_ids

    def _shown(self, p) -> str:
        from .graph_names import item_name
        return item_name(str(p.key), self.sol)

    def _whole_key(self, t: int, key):
        """The entries' name of a whole matrix's key (`G_A`, `new_A`), when each entry has one at step t."""
        ident = str(key)
        for name in self.wholes.values():
            if ident == name or ident.endswith("_" + name):
                stem = ident[: len(ident) - len(name)]
                entries = [p for p in self.params if p.name == name]
                from ..graph_optimize import GraphKey
                if entries and all(GraphKey(stem + str(p.key)) in self.run.steps[t - 1].values for p in entries):
                    return stem, name
        return None

    def from_id(self, t: int, ident: str, name: str, prefixed: bool = True) -> str:
        self.check_step(t, name)
        key = self.parse_key(ident)
        if key is not None and self._whole_key(t, key) is not None:
            return step_id(t, key)                     # a whole matrix: split into its entries by the checker
        return super().from_id(t, ident, name, prefixed)

    def _parse(self, c: str, ctx):
        """steps.StepNames' grammar, and a whole matrix or vector parameter (G_1(A), A^(1)) as its entries."""
        whole = None
        m = re.fullmatch(r"(.+?)\((.+)\)", c)
        if m and m.group(2) in self.wholes:
            whole, c = self.wholes[m.group(2)], f"{m.group(1)}({self._any_entry(m.group(2))})"
        m = re.fullmatch(r"(Δ?)(.+?)(\^\([0-9]{1,6}\))", c)
        if whole is None and m and m.group(2) in self.wholes:
            whole, c = self.wholes[m.group(2)], f"{m.group(1)}{self._any_entry(m.group(2))}{m.group(3)}"
        named = super()._parse(c, ctx)
        if named is not None and whole is not None:
            named = type(named)(named.what, named.t, "\0" + whole)
        return named

    def _any_entry(self, spelled: str) -> str:
        name = self.wholes[spelled]
        p = next(p for p in self.params if p.name == name)
        return canon(str(p.key))

    def lookup(self, name: str, ctx: int | None = None, param: str | None = None) -> str | None:
        c = canon(name.strip())
        named = self._parse(c, ctx)
        if named is not None and named.param is not None and named.param.startswith("\0"):
            whole = named.param[1:]
            p = next(p for p in self.params if p.name == whole)
            if named.what == "theta" and named.t == 0:
                return whole                           # A^{(0)}, θ_0(A): the given matrix, judged as `A` is
            got = self._lookup_entry(named, p, name)
            if got is None:
                return None
            m = STEP_ID.match(got)
            t, ident = (int(m.group(1)), m.group(2)) if m else (1, got)
            return step_id(t, ident[: len(ident) - len(str(p.key))] + whole)
        return super().lookup(name, ctx, param)

    def _lookup_entry(self, named, p, name: str) -> str | None:
        """steps.StepNames.lookup's item for one entry `p` of a whole matrix named (always a step's id)."""
        t, shown = named.t, name.strip()[:60]
        if named.what == "theta_prev":
            self.check_step(t, shown)
            return step_id(t, p.key)
        if named.what == "theta":
            if t == 0:
                return None
            self.check_step(t, shown)
            return step_id(t, p.kind("new"))
        if t == 0:
            return None
        self.check_step(t, shown)
        key = p.kind(self.stem_keys.get(named.what, named.what))
        return step_id(t, key) if key in self.run.steps[t - 1].values else None

    def today_key(self, name: str):
        """A name of the graph's (∂L/∂A_{12}: grad_A_1_2; L: the loss; A_{12}^{new}; ΔA_{12}) as a run's key."""
        c = canon(name.strip())
        m = re.fullmatch(r"(Δ?)(.+?)\^(?:new|\{new\})", c)
        if m:
            p = self.param_of.get(m.group(2))
            if p is not None and not m.group(1):
                return p.kind("new")
            return None
        m = re.fullmatch(r"Δ(.+)", c)
        if m and m.group(1) in self.param_of:
            return self.param_of[m.group(1)].kind("update")
        qid = self.table.qid(name)
        return graph_key(qid) if qid is not None else None

    def in_step(self, key, t: int, name: str) -> str:
        """A name of the graph's under a heading of step t: a run's value of step t (A_{12}^{new}, ∂L/∂A_{12} g_t),
        else one of the step's forward and backward pass (q, ∂L/∂y: today's item at step 1)."""
        self.check_step(t, name)
        if key in self.run.steps[t - 1].values:
            return self.item(t, key)
        if self.resolved(t, key):
            return self.item(t, key)
        raise StepNameError(_said_not_per_step(name, t))


def _said_not_per_step(name: str, t: int) -> str:
    from ..messages import said
    return said("steps.not_per_step", name=name, t=t)


class GraphStepChecker(StepChecker):
    """steps.StepChecker over a graph's run: the student's own run takes g_t from the run's compiled
    gradient (graph_optimize.Compiled), the one sample of the graph at every step."""

    def __init__(self, sol, rubric, tol) -> None:
        self.sol = sol
        view = SimpleNamespace(run=sol.run, steps=(), names=SimpleNamespace(text={}),
                               part=SimpleNamespace(samples=(0,), precision=sol.problem.precision))
        super().__init__(view, rubric, tol)

    def parse_key(self, ident: str):
        return graph_key(ident)

    @property
    def precision(self) -> int:
        return self.sol.problem.precision

    @property
    def split(self) -> bool:
        return False

    def resolved_steps(self):
        return ()

    def _lookahead(self) -> bool:
        return False                   # a graph run's loss is at θ_{t−1} (graph_optimize.run_floats)

    def samples(self, t: int):
        return (0,)

    def expected(self, t: int, key) -> float:
        """The run's value, or one of step t's forward and backward pass (the graph solved at step t's point)."""
        if key in self.run.steps[t - 1].values:
            return super().expected(t, key)
        if (t, key) not in self._floats:
            from ..evaluate import to_float
            from .graph_answers import expected_items
            import sympy as sp
            self._floats[(t, key)] = float(to_float(sp.sympify(expected_items(self.resolved(t))[str(key)][0])))
        return self._floats[(t, key)]

    def resolved(self, t: int):
        """The graph solved at step t's grad point (θ_{t−1}; the look-ahead point of the lecture's Nesterov)."""
        if t not in self._resolved:
            worked = self.run.worked.get(t)
            if worked is not None:
                self._resolved[t] = worked.solution
            else:
                from .. import optimizers
                from ..graph import solve_graph
                from ..graph_optimize import at
                tr, run = self.run.training, self.run
                theta = {p.key: run.value(t, p.key) for p in run.params}
                row = optimizers.optimizer(tr.optimizer, tr.form)
                if row.grad_at != optimizers.THETA_PREV:
                    first = optimizers.initial_state(tr.optimizer, tr.form, tr.values)
                    for p in run.params:
                        state = {st.name: run.value(t - 1, p.kind(st.name)) if t > 1 else first[st.name]
                                 for st in row.state}
                        theta[p.key] = optimizers.grad_point(tr.optimizer, tr.form, theta[p.key], state, tr.values)
                self._resolved[t] = solve_graph(at(self.sol.problem, theta))
        return self._resolved[t]

    def start(self) -> tuple:
        from ..graph_optimize import Compiled, _given_value
        params = self.run.params
        if self._objective is None:
            compiled = Compiled(self.sol.problem, params)

            def objective(theta, samples):
                loss, grads = compiled(theta)
                return loss, grads, None
            self._objective = objective
        return self._objective, params, [float(_given_value(self.sol.problem, p)) for p in params]

    def param_text(self, p) -> str:
        from .graph_names import item_name
        return item_name(str(p.key), self.sol)

    @property
    def loss_text(self) -> str:
        return self.sol.problem.output

    def name(self, t: int, key) -> str:
        """`step 2: G_t(A_{12})`, `step 1: θ_t(c)`, `step 2: L after the step`, `step 2: L` (the loss before it)."""
        from ..messages import said
        if str(key) == "loss":
            return said("steps.item", t=t, name=self.loss_text)
        if key not in self.run.steps[t - 1].values:          # the step's forward and backward pass: `step 2: ∂L/∂y`
            from .graph_names import item_name
            return said("steps.item", t=t, name=item_name(str(key), self.sol))
        return super().name(t, key)


def whole_entries(sol, qid: str) -> list[str] | None:
    """The entries' ids of a step's whole matrix or vector (`step1.G_A` -> step1.G_A_1_1 …, row by row), or
    None for an id of one value."""
    m = STEP_ID.match(qid)
    if m is None or getattr(sol, "run", None) is None:
        return None
    t, ident = int(m.group(1)), m.group(2).strip()
    for name in sol.problem.parameters:
        q = sol.problem.get(name)
        if q.shape != () and (ident == name or ident.endswith("_" + name)):
            stem = ident[: len(ident) - len(name)]
            entries = [p for p in sol.run.params if p.name == name]
            from ..graph_optimize import GraphKey
            if 1 <= t <= len(sol.run.steps) and all(GraphKey(stem + str(p.key)) in sol.run.steps[t - 1].values
                                                    for p in entries):
                return _Entries([step_id(t, stem + str(p.key)) for p in entries], name)
    # a node of the step's forward or backward pass, whole (`step2.M`, `step2.grad_M`): its entries as the graph's
    # solution names them (graph_answers.expected_items: `M_1`, `grad_M_1_2`)
    name = ident[len("grad_"):] if ident.startswith("grad_") else ident
    q = sol.problem.get(name) if name in {x.name for x in sol.problem.quantities} else None
    if q is not None and q.shape != () and 1 <= t <= len(sol.run.steps):
        from ..graph import entry_suffix
        rows, cols = q.shape
        return _Entries([step_id(t, f"{ident}_{entry_suffix(q.shape, r, c)}") for r in range(rows)
                         for c in range(cols)], name)
    return None


class _Entries(list):
    """A whole matrix's entries' step ids, and its parameter's `name`."""

    def __init__(self, ids, name: str) -> None:
        super().__init__(ids)
        self.name = name
