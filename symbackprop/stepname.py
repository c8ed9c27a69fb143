"""A step looked up by the name a person writes: its id (`act_3`), or its name as `check` reads it
(answers/names.py: `u_3`, `\\delta_5`, `δ_5`, `∂L/∂w_{35}`, `w_35^new`), and, for typing at a Python
prompt, the same without the underscore (`u3`, `net3`) or with a plain d for ∂ (`dL/dw_35`; `dJ/dw_35`
for a problem whose loss is called L). A name that matches nothing is a `StepNotFound` (a KeyError)
with the closest names as a "did you mean" hint.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .messages import said

if TYPE_CHECKING:                       # pragma: no cover
    from .answers.names import NameTable, Quantity

MAX_NAME = 200                          # longer is no name: looked up (a dict) but never rewritten

_GLUED = re.compile(r"^(.*?[^\W\d_])(\d+)((?:\^new|')?)$")       # u3, δ5, w35, net3, ∂L/∂w35, w35^new
_FRACTION = re.compile(r"^d\s*([^\W\d_])\s*/\s*d\s*(.+)$")        # dL/dw_35, dJ / d w_35


class StepNotFound(KeyError):
    """No step of the part has this id or name; says so in one line with the closest names."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def variants(name: str, loss_symbol: str) -> list[str]:
    """The spellings to try for `name` after the name itself: d for ∂, J for the problem's loss
    symbol, an underscore before a trailing unit number. Each is a plain string rewrite (no parsing)."""
    out: list[str] = []
    s = name.strip()
    if len(s) > MAX_NAME:
        return out
    m = _FRACTION.match(s)
    if m:
        s = f"∂{m.group(1)}/∂{m.group(2)}"
        out.append(s)
    m = re.match(r"^(\\partial|∂)\s*([^\W\d_])\s*/", s)
    if m and m.group(2) != loss_symbol and m.group(2) in "JLE":
        s = f"∂{loss_symbol}/" + s[m.end():]
        out.append(s)
    if s in ("J", "L", "E") and s != loss_symbol:
        out.append(loss_symbol)
    m = _GLUED.match(s)
    if m and not m.group(1).endswith("_"):
        out.append(f"{m.group(1)}_{m.group(2)}{m.group(3)}")
    return out


def find(table: "NameTable", name: str) -> "Quantity | None":
    """The quantity `name` names in `table`, trying `variants` after the name as `check` reads it."""
    q = table.lookup(name)
    if q is not None:
        return q
    for v in variants(name, table.loss_symbol):
        q = table.lookup(v)
        if q is not None:
            return q
    return None


def not_found(table: "NameTable", part: str, name: str) -> StepNotFound:
    """The error for a name that names no step of `part`, with up to two close names."""
    readings = next((r for r in map(table.readings, [name, *variants(name, table.loss_symbol)]) if r), [])
    if readings:                                 # w_123 with units 1, 12, 3 and 23
        return StepNotFound(said("solution.ambiguous_step", name=repr(name[:60]), part=part,
                                 readings=" or ".join(readings)))
    close = table.close_names(name)
    for v in variants(name, table.loss_symbol):
        if close:
            break
        close = table.close_names(v)
    shown = repr(name[:60])
    if close:
        return StepNotFound(said("solution.no_step_suggest", name=shown, part=part, close=" or ".join(close)))
    ids, names = _examples(table)
    if ids:
        return StepNotFound(said("solution.no_step_named", name=shown, part=part, ids=", ".join(ids),
                                 names=", ".join(names)))
    return StepNotFound(said("solution.no_step", name=shown, part=part))


def _examples(table: "NameTable") -> tuple[list[str], list[str]]:
    """The part's first activation and first δ (its first steps of each kind when it has neither), by id
    (act_3, delta_6) and by name as the solution writes them (y_3, δ_6): the error's examples, in the
    problem's own notation."""
    psol = table.psol
    first: dict[str, object] = {}
    for s in psol.steps:
        if s.key.kind in ("act", "delta"):
            first.setdefault(s.key.kind, s)
    picked = [first[k] for k in ("act", "delta") if k in first] or list(psol.steps[:2])
    return [s.id for s in picked], [psol.names.text.get(s.symbol, s.id) for s in picked]
