"""Machine-readable solution: the stable contract of GUIDE §5.

`{"title", "source", "parts": [{"name", "conventions", "settings", "quantities": {id: {...}}}]}`.
Each quantity has `value` (float64 at full precision, never display-rounded), `exact` (SymPy's
string of the exact value, or null once it was too long to keep exact), `display` (the value as
shown), `text` and `latex` (the whole step), `section`, and `sample` (1-based) in a batch.
"""
from __future__ import annotations

import json
import secrets
from typing import Callable

from ..collect import fewer_collections
from ..solution import Solution
from .prose import note
from .steps import chain


def to_data(solution: Solution, precision: int | None = None, checks=None) -> dict:
    """The solution as the JSON data above (text and LaTeX of every step)."""
    with fewer_collections():
        return _to_data(solution, precision, checks)


def _quantity(psol, step, p: int) -> dict:
    q = {"value": step.float_value,
         "exact": str(step.value) if step.exact else None,
         "display": step.shown(p)[0],
         "text": chain(psol, step, p),
         "latex": chain(psol, step, p, latex=True),
         "section": step.section}
    if step.sample is not None:
        q["sample"] = step.sample + 1
    return q


def _quantities(psol, p: int) -> dict:
    return {step.id: _quantity(psol, step, p) for step in psol.steps}


def _to_data(solution: Solution, precision: int | None, checks,
             quantities: Callable[..., object] = _quantities) -> dict:
    parts = []
    for pi, psol in enumerate(solution.parts):
        part = psol.part
        p = part.precision if precision is None else precision
        parts.append({
            "name": psol.name,
            "conventions": [note(psol, n, "en") for n in psol.conventions],
            "settings": {"activations": [a.name for a in part.activations], "loss": part.loss,
                         "learning_rate": float(part.learning_rate), "samples": len(part.samples),
                         "batch_reduction": part.batch_reduction,
                         "weight_index_order": part.notation.weight, "delta": part.notation.delta,
                         "relu_derivative_at_zero": float(part.relu_derivative_at_zero),
                         "precision": p},
            "quantities": quantities(psol, p),
        })
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
    if what != "solution":
        raise TypeError("JSON is written from a Solution, GeneralDerivations or a QuadraticSolution")
    with fewer_collections():
        return _encode(obj, precision, checks) + "\n"


_ENCODER = json.JSONEncoder(indent=2, ensure_ascii=False)      # what json.dumps(…, indent=2, ensure_ascii=False) uses


def _encode(solution: Solution, precision: int | None, checks) -> str:
    """`json.dumps(to_data(…), indent=2, ensure_ascii=False)`, the same text, written one quantity at
    a time: each quantity's dict is encoded as soon as it is made and dropped, so a large network's
    JSON never holds every quantity's data at once besides its text (about a third of solve's memory
    at 16-40-40-40-16). Each part's quantities stand as a marker (with a random nonce, so no text
    of the problem can look like one) in the encoded rest, then replace it, indented to its place."""
    nonce = secrets.token_hex(8)
    pending: list[tuple[object, int]] = []

    def later(psol, p: int) -> str:
        pending.append((psol, p))
        return f"quantities {nonce} {len(pending) - 1}"

    skeleton = _ENCODER.encode(_to_data(solution, precision, checks, later))
    out, pos = [], 0
    for i, (psol, p) in enumerate(pending):
        mark = _ENCODER.encode(f"quantities {nonce} {i}")
        at = skeleton.index(mark, pos)
        line = skeleton[skeleton.rindex("\n", 0, at) + 1:at]
        out += [skeleton[pos:at], _encode_quantities(psol, p, len(line) - len(line.lstrip(" ")))]
        pos = at + len(mark)
    out.append(skeleton[pos:])
    return "".join(out)


def _encode_quantities(psol, p: int, indent: int) -> str:
    """The JSON text of a part's quantities dict whose key is indented by `indent` spaces."""
    steps = psol.steps
    if not steps:
        return "{}"
    if len({s.id for s in steps}) != len(steps):          # a dict keeps one entry per id: as json.dumps
        return _ENCODER.encode(_quantities(psol, p)).replace("\n", "\n" + " " * indent)
    inner = "\n" + " " * (indent + 2)
    items = [_ENCODER.encode(step.id) + ": " + _ENCODER.encode(_quantity(psol, step, p)).replace("\n", inner)
             for step in steps]
    return "{" + inner + ("," + inner).join(items) + "\n" + " " * indent + "}"
