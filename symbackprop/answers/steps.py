"""Answers for the steps of an optimizer run (issue 13): read by id and by the names students write, judged
against the run, with follow-through from the student's own earlier steps.

**Ids.** A quantity of step t is filed as `step<t>.<id>`: `step2.new_w_3_5`, `step1.m_w_0_3`, `step3.loss`
(the ids of solve's JSON `steps: [{step, quantities}]`). An answers file writes them so, or under
`steps: {2: {new_w_3_5: 2.19}}`, or as solve's list `steps: [{step: 2, quantities: {...}}]`. Step 1's ids
that are today's ids too (new_w_3_5, grad_w_3_5, update_w_3_5, loss, net_3 …) are today's items: step 1 of a
batch update IS the part's one update (optimize.first_updates); only the optimizer's state (m, v, G …) and
new_loss have step ids at t = 1.

**Names.** θ_t, w_{35}^{(t)} (the parameter after t steps; θ_0 the given one), g_t, Δθ_t, Δw_{35}^{(t)}, and the
rule's own symbols with a step (m_1, \\hat{m}_1, v_2, G_2, E[g^2]_2 …), each with a parameter `m_1(w_{35})` or
without one where the part trains one parameter. Under a heading "Step 2" (第2步) a name with t (m_t,
g_t(w_{35})) or without a step (w_{35}^{new}, Δw_{35}, ∂L/∂w_{35}, net_3) is step 2's.

**Judging** (`StepChecker`): the value (the last link of a chain) against the run's (the worked step's exact
value where the step is shown in full, else the float run's) by compare.py's rules; a wrong value is compared
with the step recomputed from the student's own θ_{t−1} and state (their earlier steps' answers, the gradient at
their θ_{t−1} by the compiled model, the optimizer's step by optimizers.compiled): a match is follow-through.
A value still wrong goes to `StepChecker.diagnose`, the one place a diagnosis of a wrong step value is made:
answers/optimizer_diagnose.py's mistakes, tried from the run's inputs and from the student's own (their θ_{t−1},
g_t and state before the step, as written or recomputed from what they wrote), to the places they wrote.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..messages import said
from ..optimize import step1_is_several
from ..quantity import Key
from .compare import compare_number, compare_within
from .names import NameTable, canon

STEP_ID = re.compile(r"^step\s*([0-9]{1,9})\s*\.\s*(\S.*)$", re.I)
# a heading (Markdown #, LaTeX \paragraph{…}/\section{…}, HTML <h3>, **bold**) that starts with "Step K" or 第K步
_HEADING = re.compile(r"^\s*(?:#+\s*|\\(?:paragraph|(?:sub)*section)\*?\{\s*|<h[1-6][^>]*>\s*|\*\*\s*)?"
                      r"(?:step\s*([0-9]{1,6})(?=\s*(?:$|[,，:：(（}—–-]|of\b|for\b|</h|\*\*))|第\s*([0-9]{1,6})\s*步)", re.I)
# the run's own values per step: the kinds of optimize.RunStep.values other than the state's
RUN_KINDS = frozenset({"w", "grad_w", "update_w", "new_w", "shared", "grad_shared", "update_shared", "new_shared",
                       "loss", "new_loss"})
# the quantities of a re-solved step (its forward and backward pass) that a step's heading may name
RESOLVED_KINDS = frozenset({"net", "act", "gprime", "delta", "input", "target"})
_HATS = ((r"\hatm", "m̂"), (r"\hatv", "v̂"), (r"\tildeg", "g̃"), (r"\barg", "ḡ"), (r"\tildeη", "η̃"),
         (r"\tildeθ", "θ̃"), ("mhat", "m̂"), ("vhat", "v̂"), (r"\vecm", "m"))


_ARITHMETIC = (OverflowError, ValueError, ZeroDivisionError, TypeError, FloatingPointError)
# the codes of answers/optimizer_diagnose.py's mistakes: each a mistake of method, charged once per submission
OPTIMIZER_MISTAKES = frozenset({"bias_correction", "eps_inside", "eps_outside", "weights_swapped", "g_for_g2",
                                "g2_for_g", "state_not_carried", "old_weight_twice", "grad_reused", "momentum_form",
                                "sign_flipped", "eta_missing"})


def _kind(key) -> str | None:
    """A key's kind (optimize's Key); None for a graph run's (graph_optimize.GraphKey, a graph's own id)."""
    return getattr(key, "kind", None)


# the codes of the mistakes of a run's choice of samples (optimizer_diagnose._sample_variants): charged once too
SAMPLE_MISTAKES = frozenset({"samples_summed", "samples_mean", "other_sample", "batch_summed", "batch_mean_taken_step",
                             "online_updates"})


class StepNameError(ValueError):
    """A name or id of a step that cannot be read: the message says why and what is allowed."""


def heading_step(line: str) -> int | None:
    """The step a heading line sets (`### Step 2 of 5`, `\\paragraph{Step 2: Forward pass}`, `第2步`), or None."""
    if "=" in line:
        return None
    m = _HEADING.match(line)
    return None if m is None else int(m.group(1) or m.group(2))


def step_id(t: int, key: Key | str) -> str:
    return f"step{t}.{key}"


def parse_step_id(qid: str) -> tuple[int, Key] | None:
    """(t, key) of a step id `step2.new_w_3_5`; None for any other id."""
    m = STEP_ID.match(qid)
    if m is None:
        return None
    key = Key.parse(m.group(2))
    return None if key is None else (int(m.group(1)), key)


def _stem_canon(c: str) -> str:
    for a, b in _HATS:
        c = c.replace(a, b)
    return c.replace("\\", "")


@dataclass(frozen=True)
class _Named:
    """What a step name says: which quantity (`what`: theta, theta_prev, grad, update or a rule line's name),
    the step (None: the heading's), and the parameter's spelling (None: not written)."""

    what: str
    t: int | None
    param: str | None


class StepNames:
    """The step names of one part with a run (psol.run), built from its NameTable."""

    def __init__(self, table: NameTable) -> None:
        self.table = table
        psol = table.psol
        self.run = run = psol.run
        self.steps = len(run.steps)
        self.params = run.params
        self.single = [p for p in self.params if not p.frozen]
        # every spelling of each parameter (w_35, w_{3,5}, θ_5 of a threshold, a shared parameter's name)
        self.param_of: dict[str, object] = {}
        keys = {p.key: p for p in self.params}
        for spelling, q in table.by_key.items():
            if q.key is not None and q.key in keys:
                self.param_of.setdefault(spelling, keys[q.key])
        self.stems = rule_stems(run)
        self.split_step1 = step1_is_several(run, psol.part)
        self.base_ids = {s.id for s in psol.steps}
        self.stem_keys = {"grad": "grad", "update": "update", "theta": "new"}

    def parse_key(self, ident: str):
        """A run's key of an id (`new_w_3_5`; a graph's `new_A_1_2`), or None."""
        return Key.parse(ident)

    def example_param(self) -> str:
        """A parameter as a message's example writes it (`m_1(w_{35})`)."""
        table = self.table
        return table.psol.names.text.get(table.by_key[str(self.single[0].key)].symbol, "w") \
            if self.single and str(self.single[0].key) in table.by_key else "w"

    # -- ids ---------------------------------------------------------------------------------------------
    def item(self, t: int, key: Key, today: bool = True) -> str:
        """The item id of `key` at step t: with `today`, today's id at step 1 where it is one of today's (judged
        with its working as today), else step<t>.<id> (its value judged against the run)."""
        if today and t == 1 and not self.split_step1 and str(key) in self.base_ids:
            return str(key)
        return step_id(t, key)

    def check_step(self, t: int, name: str) -> None:
        if not 1 <= t <= self.steps:
            raise StepNameError(said("steps.no_step", name=name, t=t, steps=self.steps))

    def known(self, t: int, key: Key) -> bool:
        """Whether the run (or a re-solved step) has `key` at step t."""
        if self.resolved(t, key):
            return str(key) in self.base_ids or self.split_step1 and key.sample is None
        return key in self.run.steps[t - 1].values

    def from_id(self, t: int, ident: str, name: str, prefixed: bool = True) -> str:
        """The item of id `ident` at step t (an answers file's `step2.new_w_3_5`, or `steps: {2: {…}}`: not
        `prefixed`, which a hint's id follows)."""
        self.check_step(t, name)
        key = self.parse_key(ident)
        if key is None or not self.known(t, key):
            k = self.today_key(ident)
            if k is not None and self.known(t, k):
                return self.item(t, k)
            named = self.lookup(ident, t)
            if named is not None:
                self._same_step(ident, t, name)
                return named
            message = said("steps.unknown_id", name=name, item=ident, t=t, example=self.example())
            close = self.close_ids(t, ident)
            if close:                                      # step2.new_w_35: did you mean step2.new_w_3_5?
                from .names import either
                message = said("hint.did_you_mean", first=message,
                               close=either([step_id(t, q) if prefixed else q for q in close]))
            raise StepNameError(message)
        return self.item(t, key)

    def _same_step(self, ident: str, t: int, name: str) -> None:
        """StepNameError for a name that writes another step than the one it is given under (`m_1(w_{35})` under
        `steps: 2:`): a contradiction, said rather than judged as either step's."""
        c = _stem_canon(canon(ident.strip()))
        try:
            n = self._parse(c, None)
        except StepNameError:
            return
        if n is None or n.t == t:
            return
        stem = next((k for k, v in self.stems.items() if v == n.what), None) if n.what != "theta" else "θ"
        param = f"({self._shown(self.param_of[n.param])})" if n.param in self.param_of else ""
        example = f"{stem}_{t}{param}" if stem is not None else f"step{t}"
        raise StepNameError(said("steps.other_step", name=name, other=n.t, t=t, example=example))

    def example(self) -> str:
        p = self.single[0] if self.single else self.params[0]
        state = [str(p.kind(n)) for n in dict.fromkeys(self.stems.values()) if n not in ("theta", "grad", "update")]
        return ", ".join([str(p.kind("new")), str(p.kind("grad")), *state[:3], "loss"])

    # -- names -------------------------------------------------------------------------------------------
    def _parse(self, c: str, ctx: int | None) -> _Named | None:
        """A canonical name in the step grammar: STEM_IDX, STEM_IDX(PARAM), w_35^(k), Δw_35^(k); None otherwise."""
        c = _stem_canon(c)
        m = re.fullmatch(r"(Δ?)(.+?)\^\(([0-9]{1,6})\)", c)
        if m and (m.group(2) in self.param_of):               # w_35^(2), Δw_35^(2)
            what = "update" if m.group(1) else "theta"
            return _Named(what, int(m.group(3)), m.group(2))
        # ∂J/∂w_35^(2), (∂J/∂w_35)^(2), (\frac∂J∂w_35)^(2), g^(2)(w_35), g^(2): g_2, the gradient at step 2
        m = re.fullmatch(r"\(?(?:∂[^/∂]+/∂|\\?frac∂[^∂]+∂)(.+?)\)?\^\(([0-9]{1,6})\)", c) or \
            re.fullmatch(r"g\^\(([0-9]{1,6})\)(?:\((.+)\))?", c)
        if m and m.re.pattern.startswith("g"):
            if m.group(2) is None or m.group(2) in self.param_of:
                return _Named("grad", int(m.group(1)), m.group(2))
        elif m and m.group(1) in self.param_of:
            return _Named("grad", int(m.group(2)), m.group(1))
        m = re.fullmatch(r"(.+?)_(?:\(([^()]*)\)|([0-9]{1,6}|t|t-1|t−1))(?:\((.+)\))?", c)
        if m is None:
            return None
        stem, idx, param = m.group(1), m.group(2) or m.group(3), m.group(4)
        if stem not in self.stems:
            self._foreign(stem, c)                         # G_1 in an Adam run: said, never dropped
            return None
        if param is not None and param not in self.param_of:
            shown = {self._shown(p) for p in self.params}
            message = said("steps.no_param", name=c, param=param, params=", ".join(sorted(shown)))
            close = self._close_param(param)
            if close is not None:                          # m_1(w_53): m_1(w_{35})
                message = said("hint.did_you_mean", first=message, close=c.replace(f"({param})", f"({close})"))
            raise StepNameError(message)
        what = self.stems[stem]
        if idx in ("t", "t-1", "t−1"):
            if ctx is None:
                raise StepNameError(said("steps.no_heading", name=c))
            back = idx != "t"
            if back and what == "theta":
                return _Named("theta_prev", ctx, param)
            if back:                                       # m_{t−1}: the state after the step before
                return _Named(what, ctx - 1, param)
            return _Named(what, ctx, param)
        if not re.fullmatch(r"[0-9]{1,6}", idx or ""):
            return None
        return _Named(what, int(idx), param)

    def _close_param(self, param: str) -> str | None:
        """The parameter a misspelt one may mean, as the solution writes it: the reversed index (w_53 for w_35),
        else the closest spelling; None when none is close."""
        m = re.fullmatch(r"(.+?)_\{?([0-9])[,]?([0-9])\}?", param)
        if m and f"{m.group(1)}_{m.group(3)}{m.group(2)}" in self.param_of:
            return self._shown(self.param_of[f"{m.group(1)}_{m.group(3)}{m.group(2)}"])
        from ..suggest import closest
        got = closest(param, self.param_of)
        return self._shown(self.param_of[got[0]]) if got else None

    def _foreign(self, stem: str, name: str) -> None:
        """StepNameError for the state of another optimizer (G_1 of Adagrad in an Adam run): what it is, and the
        state this run keeps; nothing for any other stem."""
        owners = foreign_stems().get(stem)
        if not owners:
            return
        own = [k for k, v in self.stems.items() if v not in ("theta", "grad", "update")]
        raise StepNameError(said("steps.other_optimizer" if own else "steps.other_optimizer_none", name=name[:60],
                                 symbol=stem, owners=", ".join(owners), optimizer=self.run.training.optimizer,
                                 state=", ".join(own)))

    def close_ids(self, t: int, ident: str) -> list[str]:
        """The ids of step t a misspelt one may mean (new_w_35, m_hat_w_3_5, theta_w_3_5: new_w_3_5, mhat_w_3_5):
        those written alike but for _ and braces (θ as new), else the closest; [] when none is close."""
        from ..suggest import closest
        prefix = step_id(t, "")
        ids = sorted(q[len(prefix):] for q in step_item_ids(self.table.psol) if q.startswith(prefix))

        def compact(text: str) -> str:
            return re.sub(r"^(?:theta|θ)", "new", re.sub(r"[\s_{}]", "", text.lower()))
        same = [q for q in ids if compact(q) == compact(ident)]
        return same[:2] if same else closest(ident, ids)

    def _shown(self, p) -> str:
        """A parameter as the solution writes it (w_{35} in the problem's index order, a shared one's name)."""
        q = self.table.by_key.get(str(p.key))
        return self.table.psol.names.text.get(q.symbol, str(p.key)) if q is not None else str(p.key)

    def resolved(self, t: int, key: Key) -> bool:
        """Whether `key` at step t is a value of the step's re-solved forward and backward pass (net_3, δ_5, a
        sample's loss J^(1) of a batch), not one of the run's."""
        return _kind(key) in RESOLVED_KINDS or key not in self.run.steps[t - 1].values and key.sample is not None

    def superscript_step(self, name: str, q) -> bool:
        """Whether `name` is a step's by its superscript (Δw_{35}^{(2)} Δθ_2, ∂J/∂w_{35}^{(2)} g_2) although the
        part's table reads it as `q`, today's quantity with the superscript passed over (not a sample's)."""
        c = _stem_canon(canon(name.strip()))
        if not re.search(r"\^\([0-9]{1,6}\)", c) or q is not None and getattr(q, "key", None) is not None \
                and q.key.sample is not None:
            return False
        try:
            return self._parse(c, None) is not None
        except StepNameError:
            return True

    def param_in(self, text: str) -> str | None:
        """The one parameter a heading or a line names (`## Step 2, w_{35}`, `For $w_{35}$:`), as its spelling;
        None when it names none or several."""
        c = canon(text)
        found = set()
        for spelling, p in self.param_of.items():
            if re.search(rf"(?<![A-Za-z0-9_\\]){re.escape(spelling)}(?![A-Za-z0-9_^(])", c):
                found.add(p.key)
        if len(found) != 1:
            return None
        key = found.pop()
        return next(sp for sp, p in self.param_of.items() if p.key == key)

    def lookup(self, name: str, ctx: int | None = None, param: str | None = None) -> str | None:
        """The item a name of a step names (m_1(w_{35}), θ_2, w_{35}^{(2)}, under a heading g_t …), or None for a
        name of no step; StepNameError for a step out of range or a name that needs its parameter."""
        c = canon(name.strip())
        n = self._parse(c, ctx)
        if n is None:
            return None
        shown = name.strip()[:60]
        if n.param is None and param is not None:        # the heading or the line before names it
            n = _Named(n.what, n.t, param)
        if n.param is None:
            if len(self.params) == 1:
                p = self.params[0]
            elif len(self.single) == 1 and n.what not in ("theta", "theta_prev"):
                p = self.single[0]
            else:
                w = self.example_param()
                raise StepNameError(said("steps.which_parameter", name=shown, n=len(self.params),
                                         example=f"{shown}({w})"))
        else:
            p = self.param_of[n.param]
        t = n.t
        if n.what == "theta_prev":
            self.check_step(t, shown)
            return self.item(t, p.key, False)
        if n.what == "theta":
            if t == 0:                                     # θ_0: the given weight
                return str(p.key)
            self.check_step(t, shown)
            return self.item(t, p.kind("new"))
        if t == 0 and n.what not in ("grad", "update"):
            return None                                    # m_0: the initial state, no answer
        self.check_step(t, shown)
        kind = self.stem_keys.get(n.what, n.what)
        key = p.kind(kind)
        if key not in self.run.steps[t - 1].values:
            return None
        return self.item(t, key)

    def today_key(self, name: str) -> Key | None:
        """The key of one of today's names (w_{35}^{new}, net_3), as a step's: a per-sample quantity of a
        per-sample run named without its sample (net_2 of the step's one sample) too."""
        q = self.table.lookup(name)
        if q is None and self.split_step1:
            spelled = self.table.in_sample(name, 0)
            q = self.table.lookup(spelled) if spelled is not None else None
            return q.key.of_sample(None) if q is not None and q.key is not None else None
        return q.key if q is not None else None

    def in_step(self, key: Key, t: int, name: str) -> str:
        """A quantity of today's names (w_{35}^{new}, Δw_{35}, ∂L/∂w_{35}, net_3) under a heading of step t."""
        self.check_step(t, name)
        if key in self.run.steps[t - 1].values or self.resolved(t, key) and self.known(t, key):
            return self.item(t, key)
        raise StepNameError(said("steps.not_per_step", name=name, t=t))


def rule_stems(run) -> dict[str, str]:
    """The rule's symbols by stem, as a step name writes them: m_t -> m, \\hat{m}_t -> mhat, θ_t -> theta …"""
    from .. import optimizers
    stems: dict[str, str] = {"θ": "theta", "g": "grad", "Δθ": "update"}
    for line in run.rule:
        latex = optimizers.LATEX.get(line.symbol, line.symbol.name)
        stem = re.sub(r"_t$", "", _stem_canon(canon(latex)))
        if line.name != "theta":
            stems[stem] = line.name
    return stems


def step_item_ids(psol) -> frozenset:
    """Every step item id of a part with a run (a rubric's `items` may list them): step<t>.<id> of each value of
    the run's step t and of the step's forward and backward pass; empty without a run."""
    run = getattr(psol, "run", None)
    if run is None:
        return frozenset()
    resolved = [s.key.whole for s in psol.steps if s.key.kind in RESOLVED_KINDS]
    return frozenset(step_id(rs.t, k) for rs in run.steps for k in (*rs.values, *resolved)) | \
        frozenset(step_id(rs.t, s.key) for rs in run.steps for s in psol.steps if s.key.kind in RESOLVED_KINDS)


_FOREIGN: dict[str, tuple[str, ...]] | None = None


def foreign_stems() -> dict[str, tuple[str, ...]]:
    """The state symbols of every optimizer as StepNames reads a stem (G, m, v, m̂, v̂, E[g^2] …), each with the
    optimizers that keep it, in the table's order: for the message of a name another optimizer keeps. Momentum's
    and Nesterov's velocity stays out where it is spelt b (a bias's letter)."""
    global _FOREIGN
    if _FOREIGN is None:
        from .. import optimizers
        out: dict[str, tuple[str, ...]] = {}
        for row in optimizers.TABLE.values():
            for sym in (*(v.symbol for v in row.state), *((optimizers.MHAT, optimizers.VHAT)
                                                        if row.name.startswith("adam") else ())):
                stem = re.sub(r"_t$", "", _stem_canon(canon(optimizers.LATEX.get(sym, sym.name))))
                if stem != "b" and row.name not in out.get(stem, ()):
                    out[stem] = (*out.get(stem, ()), row.name)
        _FOREIGN = out
    return _FOREIGN


def step_names(table) -> StepNames | None:
    """The step names of a table's part, or None when it has no run (or the table is a graph's)."""
    own = getattr(table, "step_names", None)
    if callable(own):                                # a graph's names (graph_steps.py): its run's, or None
        return own()
    psol = getattr(table, "psol", None)
    if psol is None or getattr(psol, "run", None) is None:
        return None
    cached = getattr(table, "_step_names", None)
    if cached is None:
        cached = StepNames(table)
        table._step_names = cached
    return cached


def value_of(text: str) -> tuple[float, int | None] | None:
    """The value of an answer's text (a number, or the last link of a chain `rule = numbers ≈ value`) and the
    decimal places it shows; None when the last link is no number."""
    from .compare import written_number, shown_decimals
    from .latex import AnswerError, normalize, split_relations
    from . import quick
    text = str(text).strip()
    try:
        chain = split_relations(normalize(text))
    except AnswerError:
        chain = [("", text)]
    last = chain[-1][1].strip() if chain else text
    got = written_number(last)
    if got is not None:
        return float(got[0]), got[1]
    try:
        tree = quick.read(last)
    except Exception:                                    # noqa: BLE001 - a text quick cannot read: not a number
        tree = None
    if tree is None or getattr(tree, "free_symbols", True):
        return None
    try:
        value = float(tree)
    except (TypeError, ValueError):
        return None
    return (value, shown_decimals(last)) if math.isfinite(value) else None


def first_step_diagnosis(psol, qid: str, value: float, decimals: int | None, tol,
                         mine, charged=()) -> tuple[str, str, int] | None:
    """The optimizer's mistake (answers/optimizer_diagnose.py) behind a wrong value of step 1 answered under
    today's ids (`update_w_3_5` Δθ_1, `new_w_3_5` θ_1: the part's one update is step 1 of its run), as
    (code, message), or None: for a part with no run, a per-sample run of several samples (today's items are
    then no step's), another item, or a value no mistake gives. `mine(id)`: the student's own value of an
    item (the given weight θ_0 and ∂J/∂w, g_1, as they wrote them or recomputed from what they wrote), the
    step's inputs the mistakes are also worked from. With the code and message, how closely the mistake gives
    the value (optimizer_diagnose.exactness: 0 to the places written, 1 by rounding only); `charged`: the codes
    already charged for this student, preferred among those as close (optimizer_diagnose.pick)."""
    from .optimizer_diagnose import diagnose_step, exactness, pick
    run = getattr(psol, "run", None)
    key = Key.parse(qid)
    if run is None or key is None or not run.steps or step1_is_several(run, psol.part):
        return None
    found = next(((p, what) for p in run.params for what in ("update", "new") if p.kind(what) == key), None)
    if found is None or found[0].frozen:
        return None
    p, what = found
    given = {name: mine(str(k)) for name, k in (("theta", p.key), ("grad", p.kind("grad")))}
    given = {k: float(v) for k, v in given.items() if v is not None and math.isfinite(v)}
    try:
        got = diagnose_step(run, 1, p, what, value, given, decimals=decimals, tol=tol, prefer=tuple(charged))
    except (ValueError, *_ARITHMETIC):
        return None
    d = pick(got, value, decimals, tol, charged)
    return (d.code, d.message, exactness(value, decimals, d.value, tol)) if d is not None else None


# -- judging ---------------------------------------------------------------------------------------------

class StepChecker:
    """Judges one part's step answers (ids step<t>.<id>) against its run; built once per part."""

    def __init__(self, psol, rubric, tol) -> None:
        self.psol, self.rubric, self.tol = psol, rubric, tol
        self.run = psol.run
        self._objective = None
        self._resolved: dict[int, object] = {}
        self._floats: dict[tuple[int, Key], float] = {}

    def tol_for(self, x: float, decimals: int | None = None):
        """The tolerance a step value near `x` written with `decimals` places is judged by. A value the solution
        shows by its significant figures (one of at most half a unit of the last place asked, as Adam's v_t ~
        10⁻⁶; every value under the problem's `sig_figs`): written to the places asked or fewer (0.0000 for
        1.6e-10), by those places, as every other value is; written to more (the student's significant figures,
        0.0000027 for 0.000002669), by the places written, at most those the solution shows (0.000002669: 9) —
        each figure they wrote must be right, and a value right as far as it goes is never "imprecise" for
        places the problem does not ask. Without `decimals` (a value of the student's own run), the places
        the solution shows. A teacher's relative tolerance stays as it is."""
        from dataclasses import replace
        from .compare import shown_decimals
        from ..printing import is_sig_figs
        tol, precision = self.tol, self.psol.part.precision
        if tol.relative is not None or not math.isfinite(x) or x == 0:
            return tol
        if not is_sig_figs(precision) and abs(x) > 0.5 * 10.0 ** -precision:
            return tol
        places = shown_decimals(_shown(x, precision))       # the places of the value as the solution prints it
        if places is None or places <= tol.precision:
            return tol
        if decimals is not None:
            if decimals <= tol.precision:                    # the places asked: judged by them
                return tol
            places = min(places, decimals)
        return replace(tol, precision=places)

    # the run's values ------------------------------------------------------------------------------------
    def resolved(self, t: int):
        """The part re-solved at step t's grad point on its samples (its forward and backward pass)."""
        if t not in self._resolved:
            from ..optimize import at, step_samples
            from ..solution import solve_part
            run = self.run
            worked = run.worked.get(t)
            if worked is not None:
                self._resolved[t] = worked.solution
            else:
                from .. import optimizers
                tr = run.training
                theta = {p.key: run.value(t, p.key) for p in run.params}
                row = optimizers.optimizer(tr.optimizer, tr.form)
                if row.grad_at != optimizers.THETA_PREV:    # the lecture's Nesterov: g at the look-ahead point
                    first = optimizers.initial_state(tr.optimizer, tr.form, tr.values)
                    for p in run.params:
                        state = {st.name: run.value(t - 1, p.kind(st.name)) if t > 1 else first[st.name]
                                 for st in row.state}
                        theta[p.key] = optimizers.grad_point(tr.optimizer, tr.form, theta[p.key], state, tr.values)
                part = self.run.part               # every sample (a per_sample part's own is step 1's)
                samples = step_samples(tr, t, len(part.samples))
                self._resolved[t] = solve_part(at(part, theta, samples))
        return self._resolved[t]

    def _lookahead(self) -> bool:
        from .. import optimizers
        tr = self.run.training
        return optimizers.optimizer(tr.optimizer, tr.form).grad_at != optimizers.THETA_PREV

    def expected(self, t: int, key: Key) -> float:
        if (t, key) not in self._floats:
            import sympy as sp
            from ..evaluate import to_float
            if _kind(key) in RESOLVED_KINDS or key not in self.run.steps[t - 1].values:
                value = self.resolved(t).step(key).float_value
            else:
                value = to_float(sp.sympify(self.run.value(t, key)))
            self._floats[(t, key)] = float(value)
        return self._floats[(t, key)]

    def name(self, t: int, key: Key) -> str:
        """How the report names a step's item: `step 2: m_t(w_{35})`."""
        from ..optimize import names_of_symbols
        names = self.psol.names.text
        syms = {s.id: s.symbol for s in self.psol.steps}
        text_of = names_of_symbols()[0]
        own = self.param_text
        for p in self.run.params:
            if key == p.key:
                inner = "θ_{t−1}"
            else:
                inner = next((s for k, s in (("grad", "g_t"), ("update", "Δθ_t"), ("new", "θ_t"))
                              if p.kind(k) == key), None)
                if inner is None:
                    line = next((ln for ln in self.run.rule if ln.name != "theta" and p.kind(ln.name) == key), None)
                    inner = text_of.get(line.symbol, line.name) if line is not None else None
            if inner is not None:
                w = own(p) if own is not None else names.get(syms.get(str(p.key)), str(p.key))
                return said("steps.item", t=t, name=f"{inner}({w})")
        if str(key) in syms:
            return said("steps.item", t=t, name=names.get(syms[str(key)], str(key)))
        if _kind(key) == "new_loss" or str(key) == "new_loss":
            loss = names.get(syms.get("loss"), self.loss_text)
            return said("steps.item", t=t, name=said("steps.loss_after", loss=loss))
        return said("steps.item", t=t, name=str(key))

    param_text = None          # a graph's: its entry as the graph's solution writes it (A_{12}), graph_steps.py
    loss_text = "L"            # the loss's name where the solution has no step `loss` (a graph's output)

    # the student's own run -------------------------------------------------------------------------------
    def own(self, written: dict[tuple[int, Key], float], upto: int) -> dict[tuple[int, Key], float]:
        """Every run value of steps 1..upto recomputed from the student's own values: θ_{t−1} and the state
        from their earlier steps where written (else as recomputed), g_t at their θ_{t−1} by the compiled
        model (their own g_t, where written, is what the step's lines use), the step by optimizers.compiled."""
        import numpy as np
        from .. import optimizers
        tr = self.run.training
        objective, params, start = self.start()
        step = optimizers.compiled(tr.optimizer, tr.form, tr.values)
        frozen = np.array([p.frozen for p in params], dtype=bool)
        theta = np.array(start, dtype=float)
        state = step.initial_state(theta.shape)
        out_values: dict[tuple[int, Key], float] = {}
        with np.errstate(all="ignore"):
            try:
                self._own_steps(written, upto, objective, params, step, frozen, theta, state, out_values)
            except _ARITHMETIC:          # the student's values overflow (θ = 1e300) or leave the domain: no more
                pass                     # of their own run than the steps computed before
        return out_values

    def start(self) -> tuple:
        """(objective(θ, samples) -> (loss, gradients, _), the parameters in its order, their given values):
        the part's compiled model (optimize.Objective)."""
        from ..optimize import Objective, _param_values
        part = self.run.part                         # the run's part: every sample (psol.part is step 1's)
        if self._objective is None:
            self._objective = Objective(part, self.run.training)
        params = self._objective.params
        return self._objective, params, [float(v) for v in _param_values(part, params)]

    def samples(self, t: int):
        """The samples step t uses (optimize.step_samples)."""
        from ..optimize import step_samples
        return step_samples(self.run.training, t, len(self.run.part.samples))

    def parse_key(self, ident: str):
        return Key.parse(ident)

    @property
    def precision(self) -> int:
        return self.psol.part.precision

    @property
    def split(self) -> bool:
        """Whether step 1 is several updates (per_sample over several samples): today's items are no step's."""
        return step1_is_several(self.run, self.psol.part)

    def resolved_steps(self):
        """The worked solution's steps whose kinds a re-solved step has too (net_3, δ_5 …)."""
        return self.psol.steps

    def _own_steps(self, written, upto, objective, params, step, frozen, theta, state, out_values) -> None:
        import numpy as np
        for t in range(1, upto + 1):
            for n, p in enumerate(params):                       # θ_{t−1} as written at step t
                if (t, p.key) in written:
                    theta[n] = written[(t, p.key)]
            samples = self.samples(t)
            point = step.grad_point(theta, state)
            loss, grads, _ = objective(theta, samples)
            if not np.array_equal(point, theta):
                _, grads, _ = objective(point, samples)
            used = np.array([written.get((t, p.kind("grad")), g) for p, g in zip(params, grads)], dtype=float)
            out = step(theta, used, state, t)
            new = np.where(frozen, theta, out["theta"])
            for s in step.state:
                out[s.name] = np.where(frozen, state[s.name], out[s.name])
            out_values[(t, Key("loss"))] = loss
            for n, p in enumerate(params):
                out_values[(t, p.key)] = float(theta[n])
                out_values[(t, p.kind("grad"))] = float(grads[n])
                out_values[(t, p.kind("new"))] = float(new[n])
                out_values[(t, p.kind("update"))] = float(new[n] - theta[n])
                for line in step.lines:
                    if line.name != "theta":
                        out_values[(t, p.kind(line.name))] = float(out[line.name][n])
            # within the step, each line from the student's own values of the lines before it (their m_t in
            # m̂_t, their m̂_t in θ_t), where they wrote any: the rule's lines one by one, in floats
            for n, p in enumerate(params):
                if p.frozen or not any((t, p.kind(ln.name)) in written for ln in step.lines if ln.name != "theta"):
                    continue
                for name, value in self._lines(float(theta[n]), float(used[n]),
                                               {s.name: float(state[s.name][n]) for s in step.state}, t,
                                               lambda nm: written.get((t, p.kind(nm)))):
                    out_values[(t, p.kind("new" if name == "theta" else name))] = value
                    if name == "theta":
                        out_values[(t, p.kind("update"))] = value - float(theta[n])
                    elif name in out:
                        out[name][n] = value
            # the student's own values carry on: their θ_t and state where written
            for n, p in enumerate(params):
                if (t, p.kind("new")) in written:
                    new[n] = written[(t, p.kind("new"))]
                for s in step.state:
                    if (t, p.kind(s.name)) in written:
                        out[s.name][n] = written[(t, p.kind(s.name))]
            state = {s.name: out[s.name] for s in step.state}
            out_values[(t, Key("new_loss"))] = objective(new, samples)[0]
            theta = new

    def _lines(self, theta: float, grad: float, state: dict, t: int, mine) -> list[tuple[str, float]]:
        """Step t of one parameter line by line (optimizers.rule with the settings put in): each line's value from
        θ_{t−1}, g_t, the state before the step and the lines before it, where `mine(name)` (the student's own
        value of that line, or None) replaces the line's value for the lines after it."""
        import sympy as sp
        from .. import optimizers
        tr = self.run.training
        row = optimizers.optimizer(tr.optimizer, tr.form)
        env = {optimizers.THETA_PREV: sp.Float(theta), optimizers.G_T: sp.Float(grad), optimizers.T: sp.Integer(t)}
        env.update({q.symbol: tr.values[q.name] for q in row.params})
        env.update({s.previous: sp.Float(state[s.name]) for s in row.state})
        out = []
        for line in self.run.rule:
            try:
                value = float(line.expr.xreplace(env).evalf())
            except _ARITHMETIC:            # a square root of their negative v: nothing follows from it
                break
            out.append((line.name, value))
            own = mine(line.name) if line.name != "theta" else None
            env[line.symbol] = sp.Float(own if own is not None else value)
        return out

    def order(self) -> dict[str, int]:
        """Each kind's place within a step, as a student computes it: the loss, θ_{t−1}, g_t, the rule's lines in
        order (θ_t with the last), Δθ_t, the loss after the step; a re-solved step's quantities before g_t."""
        out: dict[str, int] = {}
        for p in self.run.params:
            names = [str(p.key), str(p.kind("grad"))]
            names += [str(p.kind("new" if ln.name == "theta" else ln.name)) for ln in self.run.rule]
            names += [str(p.kind("update"))]
            for n, name in enumerate(names):
                out[name] = 10 + n
        out["loss"], out["new_loss"] = 0, 1000
        return out

    def what_of(self, key: Key) -> tuple[object, int, str] | None:
        """(the parameter, the step shift, the quantity as optimizer_diagnose names it: new, update, grad or a
        line of the rule) of a run's key; θ_{t−1} (`w_3_5` at step t) is θ_{t−1} of step t − 1 (shift −1).
        None for the loss and a re-solved step's forward and backward pass."""
        for p in self.run.params:
            if key == p.key:
                return p, -1, "new"
            for what in ("grad", "update", "new"):
                if p.kind(what) == key:
                    return p, 0, what
            for line in self.run.rule:
                if line.name != "theta" and p.kind(line.name) == key:
                    return p, 0, line.name
        return None

    def given(self, t: int, p, what: str, own: dict, written: dict) -> dict[str, float]:
        """The student's own inputs of step t of `p` (optimizer_diagnose's `given`): θ_{t−1} as they wrote it
        (step t's θ_{t−1}, or their θ_{t−1} of step t − 1), else as recomputed from their earlier values
        (`own`); g_t as they wrote it, else the gradient at their own θ_{t−1} (for a g_t judged, always that
        one); the state before the step as they wrote it at step t − 1, else as recomputed. At t = 1 the state
        is its initial value, not theirs."""
        from .. import optimizers
        tr = self.run.training
        out: dict[str, float] = {}
        theta = written.get((t, p.key))
        if theta is None and t > 1:
            theta = written.get((t - 1, p.kind("new")))
        if theta is None:
            theta = own.get((t, p.key))
        if theta is not None:
            out["theta"] = theta
        grad = written.get((t, p.kind("grad"))) if what != "grad" else None
        if grad is None:
            grad = own.get((t, p.kind("grad")))
        if grad is not None:
            out["grad"] = grad
        if t > 1:
            for s in optimizers.optimizer(tr.optimizer, tr.form).state:
                value = written.get((t - 1, p.kind(s.name)), own.get((t - 1, p.kind(s.name))))
                if value is not None:
                    out[s.name] = value
        return {k: v for k, v in out.items() if v is not None and math.isfinite(v)}

    def diagnose(self, t: int, key: Key, value: float, own: dict, written: dict,
                 decimals: int | None = None, charged=()) -> tuple[str, str] | None:
        """THE place a wrong step value is diagnosed: (the code, the message — a `said(...)`) of the mistake
        of answers/optimizer_diagnose.py that reproduces `value` of `key` at step t, worked from the run's
        inputs and from the student's own (`given`: their θ_{t−1}, g_t and state before the step, written or
        recomputed from what they wrote), to the `decimals` they wrote; or None (then the verdict says the
        run's value). `own` holds every run value recomputed from the student's own earlier values, `written`
        every value they wrote, both by (t, key) -> float. Of the mistakes that give it, the closest (to the
        places written before by rounding only), then one already `charged` (codes) for this student."""
        from .optimizer_diagnose import diagnose_step, pick
        found = self.what_of(key)
        if found is None:
            return None
        p, shift, what = found
        t += shift
        if t < 1 or p.frozen:
            return None
        tol = self.tol_for(value, decimals)
        try:
            got = diagnose_step(self.run, t, p, what, value, self.given(t, p, what, own, written),
                                decimals=decimals, tol=tol, prefer=tuple(charged))
        except (ValueError, *_ARITHMETIC):
            return None
        d = pick(got, value, decimals, tol, charged)
        return (d.code, d.message) if d is not None else None

    # follow-through within the rounding of what the student wrote ------------------------------------------
    def _written_spread(self, t: int, key: Key, value: float, decimals: int | None) -> tuple[float, float]:
        """spread.written_spread of a step value the student wrote: towards the run's value where it is right,
        else half a unit in its last place either side."""
        from .spread import written_spread
        expected = self.expected(t, key)
        right = compare_number(value, decimals, expected, self.tol_for(expected, decimals)).status in ("correct",
                                                                                                  "imprecise")
        return written_spread(value, decimals, 0.0, expected, right)

    def _spread(self, t: int, key: Key, written: dict, own: dict, spreads: dict) -> tuple[float, float]:
        """How far (below, above) the rounding of the values the student wrote for step t of the key's parameter
        (θ_{t−1}, g_t, the state before the step, the lines of the step before this one) moves their own value
        of `key`: the step's lines (`_lines`) with each such value at either end of its spread, the changes
        added up (as spread.py does for a network; g_t stays as written or recomputed)."""
        from .. import optimizers
        from .spread import MARGIN
        found = self.what_of(key)
        if found is not None and not found[1] and found[2] == "grad" and not found[0].frozen:
            return self._grad_spread(t, found[0], own, spreads)
        if found is None or found[1] or found[2] == "grad" or found[0].frozen:
            return (0.0, 0.0)
        p, _, what = found
        tr = self.run.training
        first = optimizers.initial_state(tr.optimizer, tr.form, tr.values)
        theta_key = (t, p.key) if (t, p.key) in written else (t - 1, p.kind("new"))
        inputs = {"theta": (theta_key, own.get((t, p.key))),
                  "grad": ((t, p.kind("grad")), written.get((t, p.kind("grad")), own.get((t, p.kind("grad")))))}
        for st in optimizers.optimizer(tr.optimizer, tr.form).state:
            k = (t - 1, p.kind(st.name))
            inputs[st.name] = (k, written.get(k, own.get(k)) if t > 1 else float(first[st.name]))
        if any(v is None or not math.isfinite(v) for _, v in inputs.values()):
            return (0.0, 0.0)

        def value_with(moved: dict) -> float | None:
            x = {name: moved.get(name, v) for name, (_, v) in inputs.items()}
            state = {name: v for name, v in x.items() if name not in ("theta", "grad")}
            lines = dict(self._lines(x["theta"], x["grad"], state, t,
                                     lambda nm: moved.get(("line", nm), written.get((t, p.kind(nm))))))
            if "theta" not in lines and what in ("new", "update"):
                return None
            if what == "new":
                return lines["theta"]
            return lines["theta"] - x["theta"] if what == "update" else lines.get(what)

        base = value_with({})
        if base is None:
            return (0.0, 0.0)
        leaves = [(name, k, v) for name, (k, v) in inputs.items() if k in spreads]
        for line in self.run.rule:
            if (line.name == what) or (what in ("new", "update") and line.name == "theta"):
                break
            k = (t, p.kind(line.name))
            if k in spreads:
                leaves.append((("line", line.name), k, written[k]))
        below = above = 0.0
        for name, k, v in leaves:
            lo, hi = spreads[k]
            got = [value_with({name: v - lo}), value_with({name: v + hi})]
            got = [g for g in got if g is not None and math.isfinite(g)]
            below += max([base - g for g in got] + [0.0])
            above += max([g - base for g in got] + [0.0])
        return (below * MARGIN, above * MARGIN)

    def _grad_spread(self, t: int, p, own: dict, spreads: dict) -> tuple[float, float]:
        """How far (below, above) the rounding of the θ_{t−1}'s the student wrote (each parameter's, θ_{t−1} at
        step t or θ_{t−1} of the step before, moved by its spread) moves their g_t of parameter `p`: the gradient
        by the compiled model with each such θ at either end of its spread, the changes added up."""
        import numpy as np
        from .spread import MARGIN
        objective, params, _ = self.start()
        theta = [own.get((t, q.key)) for q in params]
        if any(v is None or not math.isfinite(v) for v in theta):
            return (0.0, 0.0)
        theta = np.array(theta, dtype=float)
        at = next(n for n, q in enumerate(params) if q.key == p.key)
        samples = self.samples(t)
        with np.errstate(all="ignore"):
            base = float(objective(theta, samples)[1][at])
            below = above = 0.0
            for n, q in enumerate(params):
                k = (t, q.key) if (t, q.key) in spreads else (t - 1, q.kind("new"))
                if q.frozen or k not in spreads:
                    continue
                lo, hi = spreads[k]
                got = []
                for moved in (theta[n] - lo, theta[n] + hi):
                    x = theta.copy()
                    x[n] = moved
                    got.append(float(objective(x, samples)[1][at]))
                got = [g for g in got if math.isfinite(g)]
                below += max([base - g for g in got] + [0.0])
                above += max([g - base for g in got] + [0.0])
        return (below * MARGIN, above * MARGIN)

    def _follows(self, t: int, key: Key, value: float, decimals: int | None, mine: float, written: dict,
                 own: dict, spreads: dict) -> bool:
        """Whether the student's value of `key` at step t is right from their own values (`mine`), within the
        rounding of what they wrote (compare.compare_within)."""
        tol = self.tol_for(mine, decimals)

        def compare(v, d, target):
            return compare_number(v, d, target, tol)
        if compare(value, decimals, mine).status == "correct":
            return True
        if decimals is not None and tol.relative is None and 0 <= decimals < tol.precision \
                and math.isfinite(mine) and compare(value, decimals, float(f"{mine:.{tol.precision}f}")).status == "correct":
            return True     # their own value is exact at the places asked (2.2799999997: 2.2800), written short (2.28)
        try:
            spread = self._spread(t, key, written, own, spreads)
        except _ARITHMETIC:
            return False
        return compare_within(compare, value, decimals, mine, spread, tol).status == "correct"

    # judging ---------------------------------------------------------------------------------------------
    def check(self, answers: list, items: dict[str, float], today: tuple = (), notes: list | None = None) -> list:
        """The verdicts of the step answers (`answers`, ids step<t>.<id>); `today`: the part's other verdicts,
        whose values of step 1 (w_{35}^{new}, ∂J/∂w_{35} …: today's items) are the student's own step 1 too.
        `notes`: where a line for each item answered more than once goes (which answer is judged)."""
        from .checker import Verdict
        from .spread import written_spread
        parsed = []
        for a in answers:
            m = STEP_ID.match(a.qid)
            got = (int(m.group(1)), self.parse_key(m.group(2))) if m is not None else None
            key = (got[0], got[1]) if got is not None and got[1] is not None else None
            if key is None:
                continue
            parsed.append((key, a))
        order = self.order()
        for s in self.resolved_steps():                 # a re-solved step's forward and backward pass: before g_t
            if s.key.kind in RESOLVED_KINDS:
                order.setdefault(str(s.key.whole), 5)
        parsed.sort(key=lambda x: (x[0][0], order.get(str(x[0][1]), 1 << 30), x[1].line or 0))
        written: dict[tuple[int, Key], float] = {}
        spreads: dict[tuple[int, Key], tuple[float, float]] = {}     # how far each written value's rounding moves it
        read: dict[int, tuple[float, int | None] | None] = {}
        for n, ((t, key), a) in enumerate(parsed):
            read[n] = value_of(a.text)
            if read[n] is not None and _kind(key) not in RESOLVED_KINDS and (t, key) not in written:
                written[(t, key)] = read[n][0]
                spreads[(t, key)] = self._written_spread(t, key, *read[n])
        upto = max((t for (t, _), _a in parsed), default=0)
        own: dict | None = None
        verdicts, wrong = [], []
        charged: dict[str, tuple[str, str]] = {}         # an optimizer's mistake -> (name, id) of where it was charged
        split = self.split
        for v in today if not split else ():              # step 1 answered under today's ids
            key = self.parse_key(v.qid)
            if key is None or _kind(key) in RESOLVED_KINDS or key not in self.run.steps[0].values:
                continue
            if v.value is not None and (1, key) not in written:
                written[(1, key)] = v.value
                shown = value_of(str(v.given)) if v.given is not None else None
                spreads[(1, key)] = written_spread(v.value, shown[1] if shown else None, 0.0, self.expected(1, key),
                                                   v.status in ("correct", "imprecise"))
            if v.status == "wrong":
                wrong.append(((1, order.get(str(key), 1 << 30)), v.name, v.qid))
                if v.diagnosis in OPTIMIZER_MISTAKES | SAMPLE_MISTAKES:
                    charged.setdefault(v.diagnosis, (v.name, v.qid))
        for n, ((t, key), a) in enumerate(parsed):
            expected = self.expected(t, key)
            points = items.get(a.qid, 0.0)
            base = dict(qid=a.qid, name=self.name(t, key), given=a.given, expected=expected,
                        expected_text=_shown(expected, self.precision), points=points, line=a.line,
                        unlisted=a.qid not in items, step=t)
            got = read[n]
            if got is None:
                verdicts.append(Verdict(status="unreadable", credit=0.0, message=said("steps.no_value"), **base))
                continue
            value, decimals = got
            match = compare_number(value, decimals, expected, self.tol_for(expected, decimals))
            if not match.status and _kind(key) == "loss" and self._lookahead():
                # the lecture's Nesterov re-solves the step at its look-ahead point: the loss there is the step's
                # worked "Loss" section's, the run's loss is at θ_{t−1}; either is this step's loss
                worked = float(self.resolved(t).step(key).float_value)
                match = compare_number(value, decimals, worked, self.tol_for(worked, decimals))
            if match.status == "imprecise" and _kind(key) not in RESOLVED_KINDS:
                # a value right from the student's own exact values, written short, follows through rather than
                # being right to fewer places than the run's (checking.md §2: exact values however written)
                if own is None:
                    own = self.own(written, upto)
                mine = own.get((t, key))
                earlier = [v for v in wrong if v[0] < (t, order.get(str(key), 1 << 30))]
                if mine is not None and earlier and abs(mine - expected) > 1e-12 * max(1.0, abs(expected)) \
                        and self._follows(t, key, value, decimals, mine, written, own, {}):
                    verdicts.append(Verdict(status="follow_through",
                                            credit=self.rubric.credit.get("follow_through", 1.0),
                                            message=said("steps.follows", name=earlier[0][1]), value=value,
                                            source=earlier[0][2], **base))
                    continue
            if match.status == "correct" or match.status == "imprecise":
                credit = 1.0 if match.status == "correct" else self.rubric.credit.get(match.status, 0.0)
                verdicts.append(Verdict(status=match.status, credit=credit, message=match.message, value=value,
                                        **base))
                continue
            # follow-through before "rounded wrongly": a value one unit off the run's may be right from the
            # student's own earlier values (as the network checker tries it)
            if own is None and _kind(key) not in RESOLVED_KINDS:
                own = self.own(written, upto)
            mine = own.get((t, key)) if own is not None else None
            earlier = [v for v in wrong if v[0] < (t, order.get(str(key), 1 << 30))]
            if mine is not None and earlier and abs(mine - expected) > 1e-12 * max(1.0, abs(expected)) \
                    and self._follows(t, key, value, decimals, mine, written, own, spreads):
                verdicts.append(Verdict(status="follow_through", credit=self.rubric.credit.get("follow_through", 1.0),
                                        message=said("steps.follows", name=earlier[0][1]), value=value,
                                        source=earlier[0][2], **base))
                continue
            if match.status:
                verdicts.append(Verdict(status=match.status, credit=self.rubric.credit.get(match.status, 0.0),
                                        message=match.message, value=value, **base))
                continue
            why = self.diagnose(t, key, value, own or {}, written, decimals, charged)
            code, message = why or (None, _wrong_message(value, decimals, expected, self.tol.precision,
                                                         self.precision))
            wrong.append(((t, order.get(str(key), 1 << 30)), base["name"], a.qid))
            if code in charged:
                # a mistake of method (bias correction left out at every step, for every parameter): charged
                # once, where it was first made; the same mistake again follows through
                name, source = charged[code]
                verdicts.append(Verdict(status="follow_through", credit=self.rubric.credit.get("follow_through", 1.0),
                                        message=said("diagnosis.same_mistake", what=message, name=name), value=value,
                                        diagnosis=code, source=source, **base))
                continue
            if code is not None:
                charged[code] = (base["name"], a.qid)
            verdicts.append(Verdict(status="wrong", credit=0.0, message=message, value=value, diagnosis=code,
                                    **base))
        verdicts += self._today_follows(today if not split else (), written, upto, own, spreads, wrong, order)
        kept = _worst_of_each(verdicts)
        if notes is not None:
            for v in kept:
                alike = [x for x in verdicts if x.qid == v.qid]
                if len({x.value for x in alike}) > 1:     # the same value again (a summary repeats it): no note
                    notes.append(said("steps.answered_twice", name=v.name, n=len(alike),
                                      given=", ".join(_answer_text(x) for x in alike), judged=_answer_text(v)))
        return kept


    def _today_follows(self, today, written, upto, own, spreads, wrong, order) -> list:
        """Today's wrong θ_1 or Δθ_1 (w_{35}^{new}, written so or as θ_1(w_{35}), `step1.new_w_3_5`) that is right
        from the student's own wrong state of step 1 (their m_1, m̂_1 …, step items judged after today's): its
        verdict again, as follow-through (the caller puts it in place of today's). A value of one name has one
        verdict: as the step item it is at every other step."""
        from dataclasses import replace as renew
        out = []
        for v in today:
            key = self.parse_key(v.qid)
            if v.status != "wrong" or v.value is None or key is None or key not in self.run.steps[0].values \
                    or not any(p.kind("new") == key or p.kind("update") == key for p in self.run.params):
                continue
            at = (1, order.get(str(key), 1 << 30))
            earlier = [w for w in wrong if w[0] < at and w[2] != v.qid and STEP_ID.match(w[2])]
            if not earlier:
                continue
            if own is None:
                own = self.own(written, upto)
            mine = own.get((1, key))
            expected = self.expected(1, key)
            shown = value_of(str(v.given)) if v.given is not None else None
            if mine is None or abs(mine - expected) <= 1e-12 * max(1.0, abs(expected)) or not \
                    self._follows(1, key, v.value, shown[1] if shown else None, mine, written, own, spreads):
                continue
            out.append(renew(v, status="follow_through", credit=self.rubric.credit.get("follow_through", 1.0),
                             message=said("steps.follows", name=earlier[0][1]), diagnosis=None,
                             source=earlier[0][2]))
        return out


def _wrong_message(value: float, decimals: int | None, expected: float, asked: int, precision) -> str:
    """Why a step value no mistake explains is wrong, as today's items say it (checker.py): too few figures, no
    digit of the value shown (0 for 1.6e-10), else the run's value."""
    from .compare import shows_no_digit, too_few_figures
    few = too_few_figures(value, decimals, expected)
    if few is not None:
        return few
    if decimals is not None and shows_no_digit(value, decimals, expected, asked):
        return said("diagnosis.no_digit_places" if decimals != 1 else "diagnosis.no_digit_place", decimals=decimals)
    return said("steps.wrong", value=_shown(expected, precision))


def _answer_text(v) -> str:
    text = str(v.given) if v.given is not None else ""
    text = text if len(text) <= 30 else text[:30] + "…"
    return f"{text} (line {v.line})" if v.line else text


def _shown(x: float, places: int) -> str:
    from ..printing import message_number
    try:
        return message_number(x, places)
    except Exception:                                    # noqa: BLE001 - a number shown plainly
        return f"{x:.{places}f}"


def _worst_of_each(verdicts: list) -> list:
    """An item written several times (a summary repeats it) counts once: its worst verdict, in first order."""
    rank = {s: n for n, s in enumerate(("unreadable", "wrong", "slip", "rounding", "imprecise", "other_convention",
                                        "follow_through", "correct"))}
    best: dict = {}
    for v in verdicts:
        if v.qid not in best or rank[v.status] < rank[best[v.qid].status]:
            best[v.qid] = v
    return list(best.values())
