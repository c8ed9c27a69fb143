"""Typed quantity keys: which quantity of a solution a value is, as data.

A key names a kind (net, act, delta, grad_w …), a unit or an edge (source → unit), a sample of a
batch and, for runs over several optimizer steps, a step t. Code builds and compares keys; the
string ids of the JSON output and of students' answer files (`net_3`, `delta_5@2`, `grad_w_0_3`)
are made only at that boundary, by `str(key)`, and read back by `Key.parse`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

# kind -> how its id is spelled: "unit" (net_3), "edge" (w_0_3), or "alone" (loss, learning_rate)
KINDS: dict[str, str] = {
    "input": "unit", "target": "unit", "net": "unit", "act": "unit", "gprime": "unit", "delta": "unit",
    "w": "edge", "grad_w": "edge", "update_w": "edge", "new_w": "edge",
    "loss": "alone", "learning_rate": "alone",
    "grad_x": "unit",                  # ∂J/∂x_i of an input unit (input_gradients: true), per sample
    # a shared (tied) parameter, by its name (`shared: {b1: [...]}`): shared_b1, grad_shared_b1, update_shared_b1, new_shared_b1
    "shared": "unit", "grad_shared": "unit", "update_shared": "unit", "new_shared": "unit",
    "new_loss": "alone",               # J after an optimizer step (solve's `steps`, optimize.py)
    # dropout (dropout.py): the mask m_j of a unit (per sample), p of a hidden layer (dropout_p_1: its unit is the
    # layer's number), ũ_j the output the next layer reads, and the test-time pass (no mask)
    "mask": "unit", "dropout_p": "unit", "masked": "unit", "test_net": "unit", "test_act": "unit", "test_masked": "unit",
}
# an optimizer's values per parameter over several steps (optimize.py): the assignment names of
# optimizers.py -> the stem of their kinds, m_w_3_5 of a weight, m_shared_b1 of a shared parameter
OPTIMIZER_STEMS = {"velocity": "velocity", "m": "m", "v": "v", "mhat": "mhat", "vhat": "vhat", "G": "G",
                   "Eg2": "Eg2", "Edx2": "Edx2", "delta": "dtheta", "g_decayed": "gdecayed",
                   "g_nesterov": "gnesterov", "lr_decayed": "lrdecayed", "theta_decayed": "thetadecayed"}
STATE_KINDS = ({f"{stem}_w": "edge" for stem in OPTIMIZER_STEMS.values()}
               | {f"{stem}_shared": "unit" for stem in OPTIMIZER_STEMS.values()})
KINDS.update(STATE_KINDS)
# the kinds that are given by the problem rather than computed
GIVEN = frozenset({"input", "target", "w", "learning_rate", "shared", "mask", "dropout_p"})
# the kinds whose quantity is one for the whole batch: a weight, its gradient and update, and η
PER_BATCH = (frozenset(k for k, shape in KINDS.items() if shape == "edge")
             | {"learning_rate", "shared", "grad_shared", "update_shared", "new_shared", "new_loss", "dropout_p"}
             | {k for k, shape in STATE_KINDS.items() if shape == "unit"})
# longest kinds first, so that "grad_w_0_3" is read as grad_w, not as a unit called "w_0_3"
_PREFIXES = sorted(KINDS, key=len, reverse=True)
# a unit id as a problem file may spell it (fields.ID_RE): a name of letters and digits or a whole number
_UNIT = re.compile(r"[A-Za-z][A-Za-z0-9]{0,15}|[0-9]{1,6}")
# the 1-based sample of an id (@2), as str() writes it: no sign, no leading zero, ASCII digits, bounded
_SAMPLE = re.compile(r"[1-9][0-9]{0,8}")


@dataclass(frozen=True, order=True)
class Key:
    """One quantity: `Key("delta", "5")`, `Key("w", "3", source="0")`, `Key("net", "3", sample=1)`.

    `sample` is 0-based and None when the part has one sample (ids carry no @n then); `step` is the
    optimizer step t (None: the single step of today's solutions) and is not part of the id."""

    kind: str
    unit: str | None = None
    source: str | None = None
    sample: int | None = None
    step: int | None = None

    def __post_init__(self) -> None:
        shape = KINDS.get(self.kind)
        if shape is None:
            raise ValueError(f"unknown quantity kind {self.kind!r}")
        if (shape != "alone") != (self.unit is not None) or (shape == "edge") != (self.source is not None):
            raise ValueError(f"a {self.kind} key needs {'a unit and a source' if shape == 'edge' else 'a unit' if shape == 'unit' else 'no unit'}")
        for unit in (self.unit, self.source):
            if unit is not None and not (isinstance(unit, str) and _UNIT.fullmatch(unit)):
                raise ValueError(f"{unit!r} is not a unit id (letters and digits starting with a letter, or a number)")
        if self.sample is not None and (self.kind in PER_BATCH or isinstance(self.sample, bool)
                                        or not isinstance(self.sample, int) or not 0 <= self.sample < 999_999_999):
            raise ValueError(f"a {self.kind} key has no sample {self.sample!r}" if self.kind in PER_BATCH
                             else f"sample {self.sample!r} is not a 0-based sample index")

    # -- the id boundary -------------------------------------------------------------------------
    def __str__(self) -> str:
        shape = KINDS[self.kind]
        base = (self.kind if shape == "alone" else
                f"{self.kind}_{self.unit}" if shape == "unit" else f"{self.kind}_{self.source}_{self.unit}")
        return base if self.sample is None else f"{base}@{self.sample + 1}"

    @classmethod
    def parse(cls, text: str) -> "Key | None":
        """The key of an id (`delta_5@2` → Key("delta", "5", sample=1)); None for anything else."""
        if not isinstance(text, str):
            return None
        base, at, n = text.partition("@")
        sample = None
        if at:
            if not _SAMPLE.fullmatch(n):
                return None
            sample = int(n) - 1
        if base in KINDS and KINDS[base] == "alone":
            return None if (base in PER_BATCH and at) else cls(base, sample=sample)
        for kind in _PREFIXES:
            if KINDS[kind] == "alone" or not base.startswith(kind + "_"):
                continue
            rest = base[len(kind) + 1:]
            if KINDS[kind] == "unit":
                if _UNIT.fullmatch(rest):
                    return cls(kind, rest, sample=sample)
            else:
                src, sep, dst = rest.partition("_")
                if sep and _UNIT.fullmatch(src) and _UNIT.fullmatch(dst) and not at:
                    return cls(kind, dst, source=src)
            return None
        return None

    # -- relations between quantities ------------------------------------------------------------
    @property
    def given(self) -> bool:
        return self.kind in GIVEN

    @property
    def edge(self) -> tuple[str, str] | None:
        """(source, unit) of a weight-like key, else None."""
        return (self.source, self.unit) if KINDS[self.kind] == "edge" else None  # type: ignore[return-value]

    def like(self, kind: str) -> "Key":
        """The same unit, edge and sample, another kind: delta_5 → gprime_5, grad_w_0_3 → w_0_3."""
        return replace(self, kind=kind)

    def of_sample(self, sample: int | None) -> "Key":
        return replace(self, sample=sample)

    @property
    def whole(self) -> "Key":
        """The key without its sample (the quantity of the whole batch, or the unit in general)."""
        return replace(self, sample=None)
