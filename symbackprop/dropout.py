"""Dropout on a hidden layer, one step by hand (issue 14): the `dropout:` field of a problem file.

    dropout: {layer: 1, p: 0.5, scaling: inverted, mask: [1, 0]}

`layer` is a hidden layer, counted from 1 (the first hidden layer; the inputs are layer 0, and the last
layer, the output layer, has none); `p` the probability of dropping a unit, 0 ≤ p < 1; `scaling`
`standard` (×(1−p) at test time) or `inverted` (×1/(1−p) at training time; the default, as PyTorch);
`mask` one 0 or 1 per unit of the layer in its order (1 keeps the unit, 0 drops it), the same for every
sample, or a list of such lists, one per sample, or a mapping {unit: 0 or 1} naming every unit of the
layer; or `seed: S` instead of `mask`: the mask drawn as `draw_masks` says. Several hidden layers may
each have their own: a list of such mappings; `dropout: []` has none (a part without the top level's).

The model (model.py) writes a dropped-out layer's output, what the next layer reads, as its own step

    ũ_j = m_j·u_j          (standard)        ũ_j = m_j·u_j/(1 − p)   (inverted)

and the backward walk derives δ and ∂J/∂w through it (a dropped unit's δ is 0 because m_j = 0 is a
factor of it); the test-time pass (no mask; standard: ũ_j = (1 − p)·u_j, inverted: ũ_j = u_j) follows
the updated weights as steps of its own (section "test").

`symbackprop train` trains with it (training.py): a fresh mask per sample each update, drawn there; a given
`mask` or `seed` is this one step's (the seed also seeds the run's masks), and `train` needs neither.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from .messages import said
from .yamlfile import Path_, shown

SCALINGS = ("standard", "inverted")
DEFAULT_SCALING = "inverted"
KEYS = ("layer", "p", "scaling", "mask", "seed")


@dataclass(frozen=True)
class Dropout:
    """Dropout on one hidden layer: its 1-based index among `Part.layers`, p, the scaling, and the mask of
    each sample (a tuple of 0/1 per unit of the layer, in the layer's order); `seed` when it was drawn."""

    layer: int
    p: sp.Rational
    scaling: str
    masks: tuple[tuple[int, ...], ...]
    seed: int | None = None

    @property
    def scale(self) -> sp.Expr:
        """s of ũ_j = m_j·s·u_j during training: 1/(1 − p) inverted, 1 standard."""
        return 1 / (1 - self.p) if self.scaling == "inverted" else sp.Integer(1)

    @property
    def test_scale(self) -> sp.Expr:
        """The factor of u_j at test time: 1 − p standard, 1 inverted."""
        return 1 - self.p if self.scaling == "standard" else sp.Integer(1)


def draw_masks(seed: int, p: sp.Rational, samples: int, units: int) -> tuple[tuple[int, ...], ...]:
    """The mask of `seed`: `np.random.default_rng(seed).random((samples, units)) < 1 − p` (each unit kept
    with probability 1 − p), row n the mask of sample n, 1 keeps and 0 drops."""
    import numpy as np
    keep = np.random.default_rng(seed).random((samples, units)) < 1 - float(p)
    return tuple(tuple(int(k) for k in row) for row in keep)


def read(reader, cfg: dict, layers: tuple[tuple[str, ...], ...], samples: int,
         need_mask: bool = True) -> tuple[Dropout, ...]:
    """`dropout:` of a part's settings (a mapping, or a list of them, one per hidden layer), every
    mistake one FILE:LINE error naming the field (reader: a problem.py validator). `need_mask` False
    (`symbackprop train`, which draws its own masks): neither mask nor seed needed; without them every
    sample's mask keeps every unit (only a worked step of the run reads masks, and it sets its own)."""
    if "dropout" not in cfg:
        return ()
    raw, path = cfg["dropout"]
    items = raw if isinstance(raw, list) else [raw]
    paths = [path + (i,) for i in range(len(raw))] if isinstance(raw, list) else [path]
    if not items:                         # `dropout: []`: none in this part (a part of its own without it)
        return ()
    out, seen = [], set()
    for item, ipath in zip(items, paths):
        d = _one(reader, item, ipath, layers, samples, need_mask)
        if d.layer in seen:
            reader.fail(ipath + ("layer",), said("dropout.layer_twice", layer=d.layer))
        seen.add(d.layer)
        out.append(d)
    return tuple(sorted(out, key=lambda d: d.layer))


def _one(reader, raw: Any, path: Path_, layers, samples: int, need_mask: bool = True) -> Dropout:
    reader.mapping(raw, path, said("dropout.what"))
    reader.check_keys(raw, KEYS, path, said("dropout.what"))
    hidden = len(layers) - 1
    if "layer" not in raw:
        reader.fail(path + ("layer",), said("dropout.no_layer", hidden=_hidden_list(hidden)))
    layer = raw["layer"]
    if isinstance(layer, bool) or not isinstance(layer, int) or not 1 <= layer <= hidden:
        which = ("dropout.layer_input" if layer == 0 and not isinstance(layer, bool) else
                 "dropout.layer_output" if layer == len(layers) and not isinstance(layer, bool) else "dropout.layer")
        reader.fail(path + ("layer",), said(which, got=shown(layer), hidden=_hidden_list(hidden)))
    units = layers[layer - 1]
    if "p" not in raw:
        reader.fail(path + ("p",), said("dropout.no_p"))
    recorded = getattr(reader, "_recorded", 0)          # the collecting reader reads a bad number as 1 and goes on:
    p = reader.number(raw["p"], path + ("p",))
    if getattr(reader, "_recorded", 0) == recorded and not 0 <= p < 1:     # one line for `p: half`, not two
        reader.fail(path + ("p",), said("dropout.p", got=reader.as_written(p, path + ("p",))))
    scaling = raw.get("scaling", DEFAULT_SCALING)
    if scaling not in SCALINGS:
        from .problem import hinted
        reader.fail(path + ("scaling",), hinted(said("dropout.scaling", got=shown(scaling),
                                                     allowed=", ".join(SCALINGS)), scaling, SCALINGS))
    if "mask" in raw and "seed" in raw:
        reader.fail(path + ("seed",), said("dropout.mask_and_seed"))
    if "seed" in raw:
        seed = raw["seed"]
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
            reader.fail(path + ("seed",), said("dropout.seed", got=shown(seed)))
        return Dropout(layer, p, scaling, draw_masks(seed, p, samples, len(units)), seed)
    if "mask" not in raw and not need_mask:
        return Dropout(layer, p, scaling, ((1,) * len(units),) * samples)
    if "mask" not in raw:
        reader.fail(path + ("mask",), said("dropout.no_mask", layer=layer, n=len(units), units=", ".join(units)))
    return Dropout(layer, p, scaling, _masks(reader, raw["mask"], path + ("mask",), layer, units, samples))


def _hidden_list(hidden: int) -> str:
    return "1" if hidden == 1 else f"1 to {hidden}"


def _masks(reader, mask: Any, path: Path_, layer: int, units, samples: int) -> tuple[tuple[int, ...], ...]:
    """A mask as written: one list for every sample, a list of lists (one per sample), or {unit: 0 or 1}."""
    if isinstance(mask, dict):
        names = {str(k): k for k in mask}
        for k in mask:
            if str(k) not in units:
                reader.fail(path + (str(k),), said("dropout.mask_unit", got=shown(k), layer=layer,
                                                   units=", ".join(units)))
        missing = [u for u in units if u not in names]
        if missing:
            reader.fail(path, said("dropout.mask_missing", units=", ".join(missing), layer=layer))
        row = tuple(_bit(reader, mask[names[u]], path + (str(names[u]),)) for u in units)
        return (row,) * samples
    if not isinstance(mask, list) or not mask:
        reader.fail(path, said("dropout.mask_form", got=shown(mask), layer=layer, n=len(units), units=", ".join(units)))
    if all(isinstance(r, list) for r in mask):
        if len(mask) != samples:
            reader.fail(path, said("dropout.mask_rows_one" if len(mask) == 1 else "dropout.mask_rows", got=len(mask),
                                   n=samples))
        return tuple(_row(reader, r, path + (i,), layer, units) for i, r in enumerate(mask))
    return (_row(reader, mask, path, layer, units),) * samples


def _row(reader, row: list, path: Path_, layer: int, units) -> tuple[int, ...]:
    if len(row) != len(units):
        reader.fail(path, said("dropout.mask_length_one" if len(row) == 1 else "dropout.mask_length", got=len(row),
                               layer=layer, n=len(units),
                               units=", ".join(units)))
    return tuple(_bit(reader, v, path + (i,)) for i, v in enumerate(row))


def _bit(reader, v: Any, path: Path_) -> int:
    if isinstance(v, bool) or v not in (0, 1) or not isinstance(v, int):
        reader.fail(path, said("dropout.mask_entry", got=shown(v)))
    return int(v)
