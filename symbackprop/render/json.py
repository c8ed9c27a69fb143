"""Machine-readable solution: the stable contract of GUIDE §5.

`{"title", "source", "parts": [{"name", "conventions", "settings", "quantities": {id: {...}}}]}`.
Each quantity has `value` (float64 at full precision, never display-rounded), `exact` (SymPy's
string of the exact value, or null once it was too long to keep exact), `display` (the value as
shown), `text` and `latex` (the whole step), `section`, and `sample` (1-based) in a batch.
"""
from __future__ import annotations

import json

from ..collect import fewer_collections
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


def _to_data(solution: Solution, precision: int | None, checks) -> dict:
    parts = []
    for pi, psol in enumerate(solution.parts):
        part = psol.part
        p = part.precision if precision is None else precision
        m = SolutionMath(psol.names, psol)
        quantities = {}
        for step in psol.steps:
            shown = solution_step(step)
            q = {"value": step.float_value,
                 "exact": str(step.value) if step.exact else None,
                 "display": step.shown(p)[0],
                 "text": joined(step_links(m, shown, p)),
                 "latex": joined(step_links(m, shown, p, latex=True)),
                 "section": step.section}
            sample = _sample_number(psol, step)
            if sample is not None:
                q["sample"] = sample
            quantities[step.id] = q
        parts.append({
            "name": psol.name,
            "conventions": [note(psol, n, "en") for n in psol.conventions],
            "settings": {"activations": [a.name for a in part.activations], "loss": part.loss,
                         "learning_rate": float(part.learning_rate), "samples": len(part.samples),
                         "batch_reduction": part.batch_reduction,
                         "weight_index_order": part.notation.weight, "delta": part.notation.delta,
                         "relu_derivative_at_zero": float(part.relu_derivative_at_zero),
                         "precision": p},
            "quantities": quantities,
        })
        settings = parts[-1]["settings"]          # issue 12's settings, only where a file uses them
        if part.input_gradients:
            settings["input_gradients"] = True
        if part.bias is not None and part.bias_input != 1:
            settings["bias_input"] = int(part.bias_input)
        if part.shared:
            settings["shared"] = {name: [f"w_{i}_{j}" for i, j in edges] for name, edges in part.shared}
        if checks is not None:
            r = checks[pi]
            parts[-1]["check"] = {
                "ok": r.ok, "max_relative_difference_direct": r.max_direct,
                "max_relative_difference_finite_differences": r.max_fd, "step": r.step,
                "gradients": {g.id: {"chain_rule": g.chain, "direct": g.direct,
                                     "finite_difference": g.finite_difference, "kink": g.kink}
                              for g in r.gradients}}
    return {"title": solution.title, "source": solution.source, "parts": parts}


def render(obj, precision: int | None = None, checks=None, source: str | None = None, **_) -> str:
    """JSON is each command's own data dump, not the document: a worked solution as above, the
    general rules and the matrix example as render/rules.py and render/quadratic.py write them."""
    from .build import kind
    what = kind(obj)
    if what == "rules":
        from .rules import render_json
        return render_json(list(obj) if isinstance(obj, (list, tuple)) else [obj], source)
    if what == "quadratic":
        from .quadratic import render_json
        return render_json(obj)
    if what == "graph":
        from .graph import render_json as graph_json
        return graph_json(obj, precision, checks)
    if what == "graph_rules":
        from .graph import derivation_json
        return derivation_json(obj)
    if what != "solution":
        raise TypeError("JSON is written from a Solution, GeneralDerivations or a QuadraticSolution")
    data = to_data(obj, precision, checks)
    with fewer_collections():
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
