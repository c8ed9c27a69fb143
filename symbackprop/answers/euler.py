"""`e` in a rule read as Euler's number where the student meant the error e = t − u (Negnevitsky writes
δ_k = y_k(1 − y_k)·e_k with e_k = y_{d,k} − y_k): a wrong rule that is right once e is the error says so.

The rule is never accepted so (e is 2.718… in every answer); the hint tells the student what was read.
"""
from __future__ import annotations

from ..messages import said
from .expr import evaluate
from .latex import AnswerError, Node

_ERROR = "Euler_as_error"          # a placeholder name prepare() never makes (its own are Q_n)
MAX_OUTPUTS = 8                    # output units tried as the error's unit (the qid's own unit first)


def _as_error(node: Node) -> tuple[Node, bool]:
    """`node` with every e that is not a power's base (e^{-x} is exp) as the placeholder; and whether any was.
    Bounded by the tree's size (latex.py caps it)."""
    kind = node[0]
    if kind == "const":
        return (("sym", _ERROR), True) if node[1] == "E" else (node, False)
    if kind == "pow":
        base, found = (node[1], False) if node[1] == ("const", "E") else _as_error(node[1])
        exp, found_e = _as_error(node[2])
        return ("pow", base, exp), found or found_e
    found = False
    out = []
    for part in node:
        if isinstance(part, list):
            items = []
            for child in part:
                child, f = _as_error(child)
                items.append(child)
                found = found or f
            out.append(items)
        elif isinstance(part, tuple):
            part, f = _as_error(part)
            out.append(part)
            found = found or f
        else:
            out.append(part)
    return tuple(out), found


def _close(got: float, want: float) -> bool:
    return abs(got - want) <= 1e-9 * max(1.0, abs(want))


def euler_as_error(checker, qid: str, node: Node, env: dict, points: list[dict]) -> str | None:
    """The hint for a wrong rule of `qid` that holds at every point once its e (read as 2.718…) is the error
    t_k − u_k of an output unit k (of the qid's sample), or None. `env`: placeholder -> symbol."""
    swapped, found = _as_error(node)
    if not found:
        return None
    sym = checker.symbol_of[qid]
    sample = qid[qid.index("@"):] if "@" in qid else ""
    own = qid.split("@")[0].rsplit("_", 1)[-1]
    outputs = sorted(checker.psol.part.outputs, key=lambda k: k != own)[:MAX_OUTPUTS]
    for k in outputs:
        t_id, u_id = f"target_{k}{sample}", f"act_{k}{sample}"
        t, u = checker.symbol_of.get(t_id), checker.symbol_of.get(u_id)
        if t is None or u is None:
            continue
        try:
            got = [float(evaluate(swapped, {**{ph: pt[s] for ph, s in env.items()}, _ERROR: pt[t] - pt[u]},
                                  checker.step0)) for pt in points]
        except (AnswerError, KeyError, OverflowError, ValueError):
            continue
        if all(_close(g, pt[sym]) for g, pt in zip(got, points)):
            return said("diagnosis.euler_as_error", t=checker.name(t_id), u=checker.name(u_id),
                        name=checker.name(qid))
    return None
