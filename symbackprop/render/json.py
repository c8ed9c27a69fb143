"""Machine-readable solution: the stable contract of GUIDE §5.

`{"title", "source", "parts": [{"name", "conventions", "settings", "quantities": {id: {...}}}]}`.
Each quantity has `value` (float64 at full precision, never display-rounded), `exact` (SymPy's
string of the exact value, or null once it was too long to keep exact), `display` (the value as
shown), `text` and `latex` (the whole step), `section`, and `sample` (1-based) in a batch.
"""
from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Iterator

from ..collect import fewer_collections
from ..printing import is_sig_figs
from ..quantity import PER_BATCH
from ..solution import Solution
from .prose import note
from .build import SolutionMath, solution_step
from .steps import joined, step_links


def to_data(solution: Solution, precision: int | None = None, checks=None) -> dict:
    """The solution as the JSON data above (text and LaTeX of every step)."""
    with fewer_collections():
        return _to_data(solution, precision, checks)


def _sample_number(psol, step) -> int | None:
    """The JSON's 1-based "sample" of a step, from its key: its sample in a batch; outside a batch, 1
    for a computed quantity of the one sample (net, u, g', δ, the loss) and none for a given value
    (an input, a target), as the JSON has said since before issue 11; none for what is one per batch."""
    if step.key.sample is not None:
        return step.key.sample + 1
    if len(psol.part.samples) == 1 and step.section != "given" and step.key.kind not in PER_BATCH:
        return 1
    return None


def _precision(psol, precision: int | None) -> int:
    return psol.part.shown_precision if precision is None else precision


def _quantity(psol, step, p: int, math: SolutionMath | None = None) -> dict:
    math = math or SolutionMath(psol.shown_names, psol)
    shown = solution_step(step)
    q = {"value": step.float_value,
         "exact": str(step.value) if step.exact else None,
         "display": step.shown(p)[0],
         "text": joined(step_links(math, shown, p)),
         "latex": joined(step_links(math, shown, p, latex=True)),
         "section": step.section}
    sample = _sample_number(psol, step)
    if sample is not None:
        q["sample"] = sample
    return q


def _part_head(psol, p: int) -> dict:
    """A part's name, conventions and settings: its entries before the quantities."""
    part = psol.part
    head = {
        "name": psol.name,
        "conventions": [note(psol, n, "en").plain for n in psol.conventions],
        "settings": {"activations": [a.name for a in part.activations], "loss": part.loss,
                     "learning_rate": float(part.learning_rate), "samples": len(part.samples),
                     "batch_reduction": part.batch_reduction,
                     "weight_index_order": part.notation.weight, "delta": part.notation.delta,
                     "relu_derivative_at_zero": float(part.relu_derivative_at_zero),
                     "precision": None if is_sig_figs(p) else p},
    }
    settings = head["settings"]                  # issue 12's settings, only where a file uses them
    if is_sig_figs(p):                           # values shown to significant figures, not places
        settings["sig_figs"] = int(p)
    if part.input_gradients:
        settings["input_gradients"] = True
    if part.bias is not None and part.bias_input != 1:
        settings["bias_input"] = int(part.bias_input)
    if part.shared:
        settings["shared"] = {name: [f"w_{i}_{j}" for i, j in edges] for name, edges in part.shared}
    if part.init is not None:                    # the weights drawn (`init:`, issue 14): how, and each layer's v
        settings["init"] = _init_settings(part)
    if part.dropout:                             # `dropout:` (issue 14): each layer's p, scaling and mask per sample
        settings["dropout"] = [{"layer": d.layer, "units": list(part.layers[d.layer - 1]), "p": float(d.p),
                                "p_exact": str(d.p), "scaling": d.scaling, "masks": [list(m) for m in d.masks],
                                "seed": d.seed} for d in part.dropout]
    return head


def _init_settings(part) -> dict:
    """`init`'s settings: kind, seed, bias, places, and per layer its units, d_in, d_out and v (float64 as the
    draws used it, and exact)."""
    from ..init import bounds
    init = part.init
    out = {"kind": init.kind, "seed": init.seed, "bias": init.bias if part.bias is not None else None,
           "places": init.places,
           "layers": [{"units": list(b.units), "d_in": b.d_in, "d_out": b.d_out, "v": b.v_float, "v_exact": str(b.v)}
                      for b in bounds(init, part.inputs, part.layers)]}
    if init.own:                                 # a part's own weights over the top level's draws
        out["given_by_part"] = [f"w_{i}_{j}" for i, j in init.own]
    return out


def _exact_text(value) -> str | None:
    """The exact value as SymPy writes it, None for a float (a value past the exact limit)."""
    import sympy as sp
    v = sp.sympify(value)
    if isinstance(value, float) or v.is_Float or v.has(sp.Float):
        return None
    return str(v)


def rule_lines(psol) -> list[dict]:
    """The optimizer's rule, one assignment a line, as text and LaTeX in the problem's names."""
    from ..optimizers import shown_rule
    math = SolutionMath(psol.shown_names, psol)
    tr = psol.run.training
    return [{"text": f"{math.text(a.symbol)} = {math.text(a.expr)}",
             "latex": f"{math.latex(a.symbol)} = {math.latex(a.expr)}"}
            for a in shown_rule(tr.optimizer, tr.form, tr.values, str(psol.part.notation.loss_symbol))]


# the quantities of a re-solved step shown in full that the run has not (its forward and backward pass)
_RESOLVED_KINDS = frozenset({"input", "target", "net", "act", "gprime", "delta", "loss", "grad_x"})


def _agrees(a, b) -> bool:
    """Whether two values of one quantity are the same number (a float run's and an exact one's)."""
    a, b = float(a), float(b)
    return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def _shown_lines(psol, p: int, printed: dict | None = None) -> dict[int, dict[str, tuple[str, str, str]]]:
    """Each step shown in full (`run.shown`): every quantity's line as (text, LaTeX, display), as the text output
    prints it: the forward and backward pass of the part re-solved at the step's grad point (∂J/∂w as the
    backward pass writes it, the loss before the step where it is the re-solved one's), each line of the
    optimizer's rule (`m_t(w_{35}) = β₁·m_{t−1}(w_{35}) + … = 0.9×… ≈ …`); and the quantities no printed line
    holds: θ_{t−1} (`w_3_5`), Δw = θ_t − θ_{t−1} (`update_w_3_5`) with its numbers, J after the step.
    `printed`: {id: (text, LaTeX)} of the part's own quantities as the JSON wrote them, where known: a step of the
    forward and backward pass that is the part's own (step 1's, mostly) is that line, not printed again."""
    import sympy as sp
    from .. import optimizers
    from ..document import Step
    from ..notation import Names
    from ..optimize import names_of_symbols
    from .optimizer import _fixed_gradients, _resolved, _resolved_shown, run_chains, run_names, step_lines
    run = psol.run
    if not run.shown:
        return {}
    names, subs = run_names(psol, psol.shown_names)       # the names of the top-level quantities' lines
    sym_text, sym_latex = names_of_symbols()
    loss_sym = psol.step("loss").symbol
    after, before = sp.Symbol("J after the step"), sp.Symbol("J before the step")
    text, latex = dict(names.text), dict(names.latex)
    for sym, theta in ((after, optimizers.THETA), (before, optimizers.THETA_PREV)):
        text[sym] = f"{names.text[loss_sym]}({sym_text[theta]})"
        latex[sym] = rf"{names.latex[loss_sym]}\left({sym_latex[theta]}\right)"
    shown_names = Names(text, latex)
    math = SolutionMath(shown_names, psol)
    chains = run_chains(run, subs)

    def line(step: Step, on: SolutionMath = math) -> tuple[str, str, str]:
        """The step's line in text and LaTeX, and its value as the line shows it (a small state by significant
        figures, a value widened where a later line needs its digits)."""
        return (joined(step_links(on, step, p)), joined(step_links(on, step, p, latex=True)),
                on.value(step, p, False)[0])

    out = {}
    top = {s.id: s for s in psol.steps}
    for t in run.shown:
        worked = run.worked[t]
        values = worked.step.values
        resolved = {st.id: st for st in worked.solution.steps}
        lines: dict[str, tuple[str, str]] = {}
        # the forward and backward pass: step 1's as the solution above prints it (the part's own lines), a later
        # step's as its section prints it (`_resolved`: a line's numbers widened as few as will do)
        if _resolved_shown(psol, t):
            here = {s.id: s for sec in _resolved(worked.solution, t, "en", names,
                                                   fixed=_fixed_gradients(run, chains, subs, t, p)) for s in sec.steps}
            on = math
        else:
            here, on = {}, SolutionMath(shown_names, worked.solution)
        for st in worked.solution.steps:
            if st.key.kind in _RESOLVED_KINDS or st.key.kind.startswith("grad_"):
                if printed is not None and st.id in printed and top.get(st.id) is st and not here:
                    lines[st.id] = printed[st.id]          # the part's own step, as the JSON wrote it above
                else:
                    lines[st.id] = line(here[st.id] if st.id in here else solution_step(st), on)
        loss = values.get(_key("loss"))
        if loss is not None and not ("loss" in resolved and _agrees(resolved["loss"].float_value, loss)):
            lines["loss"] = line(Step("loss", before, (), None, loss, float(loss)))    # not J at the grad point
        if _key("new_loss") in values:
            v = values[_key("new_loss")]
            lines["new_loss"] = line(Step("new_loss", after, (), None, v, float(v)))
        rule_steps = {s.id: s for s in step_lines(run, chains, t)}    # the optimizer's lines, as the text prints them
        for prm in run.params:
            own = subs[prm.key]
            prev_key, new_key, grad_key = str(prm.key), str(prm.kind("new")), str(prm.kind("grad"))
            prev, new = values.get(prm.key), values.get(prm.kind("new"))
            if prev is not None:
                lines[prev_key] = line(Step(prev_key, own[optimizers.THETA_PREV], (), None, prev, float(prev)))
            if prm.frozen:                           # a frozen parameter's state: the value it kept, no rule
                for a in run.rule:
                    key = prm.kind("new") if a.name == "theta" else prm.kind(a.name)
                    if key in values and a.name != "theta":
                        lines[str(key)] = line(Step(str(key), own[a.symbol], (), None, values[key],
                                                    float(values[key])))
            else:
                for key, *_ in chains[prm.key].steps[t]:
                    k = str(key)
                    if k == grad_key and k in lines and _agrees(resolved[k].float_value, rule_steps[k].value):
                        continue                     # ∂J/∂w as the backward pass writes it
                    lines[k] = line(rule_steps[k])
            update = values.get(prm.kind("update"))
            if update is not None and prev is not None and new is not None and optimizers.THETA in own:
                theta, theta_prev = own[optimizers.THETA], own[optimizers.THETA_PREV]
                k = str(prm.kind("update"))
                lines[k] = line(Step(k, psol.step(prm.kind("update")).symbol, (theta - theta_prev,),
                                     {theta: new, theta_prev: prev}, update, float(update)))
                if new_key not in lines:             # a frozen parameter: θ_t, the value it kept
                    lines[new_key] = line(Step(new_key, theta, (), None, new, float(new)))
        for key, v in values.items():                # a tied edge's w_0_3, new_w_0_3: by its own name
            if str(key) not in lines:
                try:
                    sym = psol.step(key).symbol
                except KeyError:
                    continue
                lines[str(key)] = line(Step(str(key), sym, (), None, v, float(v)))
        out[t] = lines
    return out


def _key(kind: str):
    from ..quantity import Key
    return Key(kind)


def run_data(psol, p: int, printed: dict | None = None) -> dict:
    """A part's optimizer run (optimize.Run): `optimizer` (name, form, settings, update, steps, rule) and
    `steps`, each step's quantities by id (today's ids, new_loss, and the optimizer's m_w_3_5 …; a step worked
    exactly, step 1 and the steps shown, also its forward and backward pass, net_3, act_3, delta_5 …, on the
    step's samples): value (float64), exact (a step worked exactly, while exact; else null) and display; a step
    shown in full (`optimizer.shown`) also each quantity's `text` and `latex` (`_shown_lines`)."""
    import sympy as sp
    from ..evaluate import DIGITS
    from ..printing import format_float, format_value
    run = psol.run
    tr = run.training
    optimizer = {"name": tr.optimizer, "form": tr.form,
                 "settings": {k: float(v) for k, v in tr.settings}, "update": tr.update, "steps": tr.steps,
                 "shown": list(run.shown), "float_digits": DIGITS, "rule": rule_lines(psol)}
    shown_lines = _shown_lines(psol, p, printed)
    steps = []
    for rs in run.steps:
        worked = run.worked.get(rs.t)
        quantities = {}
        for key, f in rs.values.items():
            exact = worked.step.values.get(key) if worked is not None else None
            display = (format_value(sp.sympify(exact), p, float(f))[0] if exact is not None
                       else format_float(float(f), p))           # a step not shown: its float's display
            q = {"value": float(f), "exact": None if exact is None else _exact_text(exact), "display": display}
            quantities[str(key)] = q
        if worked is not None:                 # a step worked exactly: its forward and backward pass too
            for st in worked.solution.steps:
                if st.key.kind in _RESOLVED_KINDS and st.id not in quantities:
                    quantities[st.id] = {"value": st.float_value, "exact": str(st.value) if st.exact else None,
                                         "display": st.shown(p)[0]}
        lines = shown_lines.get(rs.t)
        if lines is not None:
            for k, q in quantities.items():
                if k in lines:
                    q["text"], q["latex"], q["display"] = lines[k]
        steps.append({"step": rs.t, "samples": [n + 1 for n in rs.samples], "quantities": quantities})
    return {"optimizer": optimizer, "steps": steps}


def _check(r) -> dict:
    return {"ok": r.ok, "max_relative_difference_direct": r.max_direct,
            "max_relative_difference_finite_differences": r.max_fd, "step": r.step,
            "gradients": {g.id: {"chain_rule": g.chain, "direct": g.direct,
                                 "finite_difference": g.finite_difference, "kink": g.kink}
                          for g in r.gradients}}


def _to_data(solution: Solution, precision: int | None, checks) -> dict:
    parts = []
    for pi, psol in enumerate(solution.parts):
        p = _precision(psol, precision)
        parts.append(_part_head(psol, p))
        math = SolutionMath(psol.shown_names, psol)
        parts[-1]["quantities"] = {step.id: _quantity(psol, step, p, math) for step in psol.steps}
        if psol.run is not None:
            parts[-1].update(run_data(psol, p))
        if checks is not None:
            parts[-1]["check"] = _check(checks[pi])
    return {"title": solution.title, "source": solution.source, "parts": parts}


def render(obj, precision: int | None = None, checks=None, source: str | None = None, **_) -> str:
    """JSON is each command's own data dump, not the document: a worked solution as above, the
    general rules and the matrix example as render/rules.py and render/quadratic.py write them."""
    return "".join(pieces(obj, precision, checks, source))


def pieces(obj, precision: int | None = None, checks=None, source: str | None = None, **_) -> Iterator[str]:
    """`render`'s text in pieces, made as they are written (render.stream): a worked solution a
    quantity at a time, so that a large network's JSON is never held whole, nor the data of every
    quantity at once."""
    from .build import kind
    what = kind(obj)
    if what == "rules":
        from .rules import render_json
        yield render_json(list(obj) if isinstance(obj, (list, tuple)) else [obj], source)
        return
    if what == "quadratic":
        from .quadratic import render_json
        yield render_json(obj)
        return
    if what == "graph":
        from .graph import render_json as graph_json
        yield graph_json(obj, precision, checks)
        return
    if what == "training":
        from .training import render_json as training_json
        yield training_json(obj)
        return
    if what == "graph_rules":
        from .graph import derivation_json
        yield derivation_json(obj)
        return
    if what != "solution":
        raise TypeError("JSON is written from a Solution, GeneralDerivations or a QuadraticSolution")
    with fewer_collections():
        yield from _solution_pieces(obj, precision, checks)


# The solution's JSON is exactly `json.dumps(to_data(…), indent=2, ensure_ascii=False) + "\n"`
# (tests/test_solve_scale.py and test_fast_printing.py compare them): json.dumps puts a value whose
# key is indented by 2·L spaces at `_nested(value, L)`, and a quantity's fields are written as
# its encoder writes them (its C string encoder; floats as float.__repr__, NaN and ±Infinity).

def _dumps(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _nested(value, level: int) -> str:
    """`value` as json.dumps writes it at a key indented by 2·`level` spaces (a string never holds a
    raw newline: json.dumps escapes it)."""
    return _dumps(value).replace("\n", "\n" + "  " * level)


_string = encode_basestring            # json's own encoder of a str with ensure_ascii=False
_INFINITY = float("inf")


def _number(x) -> str:
    """A float as json.dumps writes it (allow_nan: NaN, Infinity, -Infinity); anything else by json.dumps."""
    if type(x) is not float:
        return _dumps(x)
    if x != x:
        return "NaN"
    if x == _INFINITY:
        return "Infinity"
    if x == -_INFINITY:
        return "-Infinity"
    return float.__repr__(x)


_Q = "\n          "                       # a quantity's field: 10 spaces


def _quantity_text(math: SolutionMath, psol, step, p: int, printed: dict | None = None) -> str:
    """`"id": {…}` of one quantity as json.dumps writes it in the quantities dict (8 spaces); its (text, LaTeX)
    kept in `printed` too, where given."""
    exact = _string(str(step.value)) if step.exact else "null"
    shown = solution_step(step)
    text, latex = joined(step_links(math, shown, p)), joined(step_links(math, shown, p, latex=True))
    if printed is not None:
        printed[step.id] = (text, latex, step.shown(p)[0])
    out = (f"{_string(step.id)}: {{{_Q}\"value\": {_number(step.float_value)},{_Q}\"exact\": {exact},"
           f"{_Q}\"display\": {_string(step.shown(p)[0])},{_Q}\"text\": {_string(text)},"
           f"{_Q}\"latex\": {_string(latex)},{_Q}\"section\": {_string(step.section)}")
    sample = _sample_number(psol, step)
    if sample is not None:
        out += f",{_Q}\"sample\": {_number(sample)}"
    return out + "\n        }"


def _quantities_pieces(psol, p: int, printed: dict | None = None) -> Iterator[str]:
    """The part's quantities dict, from its `{` to its `}`, a quantity a piece; each quantity's (text, LaTeX)
    kept in `printed` too, where given (a run's step 1 shows them again: `run_data`)."""
    steps = psol.steps
    if len({s.id for s in steps}) != len(steps):    # a dict keeps one entry per id, where it first came
        yield _nested({s.id: _quantity(psol, s, p) for s in steps}, 3)
        return
    if not steps:
        yield "{}"
        return
    sep = "{\n        "
    math = SolutionMath(psol.shown_names, psol)
    for step in steps:
        yield sep + _quantity_text(math, psol, step, p, printed)
        sep = ",\n        "
    yield "\n      }"


def _solution_pieces(solution: Solution, precision: int | None, checks) -> Iterator[str]:
    yield f"{{\n  \"title\": {_string(solution.title)},\n  \"source\": {_string(solution.source)},\n  \"parts\": "
    if not solution.parts:
        yield "[]\n}\n"
        return
    sep = "[\n    {\n"
    for pi, psol in enumerate(solution.parts):
        p = _precision(psol, precision)
        head = _part_head(psol, p)
        yield (sep + f"      \"name\": {_nested(head['name'], 3)},\n      \"conventions\": {_nested(head['conventions'], 3)},"
               f"\n      \"settings\": {_nested(head['settings'], 3)},\n      \"quantities\": ")
        printed: dict | None = {} if psol.run is not None and psol.run.shown else None
        yield from _quantities_pieces(psol, p, printed)
        if psol.run is not None:
            for k, v in run_data(psol, p, printed).items():
                yield f",\n      {_string(k)}: {_nested(v, 3)}"
        if checks is not None:
            yield f",\n      \"check\": {_nested(_check(checks[pi]), 3)}"
        sep = "\n    },\n    {\n"
    yield "\n    }\n  ]\n}\n"
