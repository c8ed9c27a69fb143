"""Renderers: a `Solution` plus settings in, text out. One module per format, chosen by name."""
from __future__ import annotations

from importlib import import_module

from ..errors import SymbackpropError

FORMATS = {"text": "text", "json": "json"}
SUFFIXES = {".txt": "text", ".json": "json"}


def render(solution, fmt: str = "text", **settings) -> str:
    """Render `solution` in format `fmt` (text, json) with the format's settings."""
    if fmt not in FORMATS:
        raise SymbackpropError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    module = import_module(f".{FORMATS[fmt]}", __name__)
    return module.render(solution, **settings)
