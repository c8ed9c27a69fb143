"""Renderers: a `Solution` plus settings in, text out. One module per format, chosen by name."""
from __future__ import annotations

from importlib import import_module

from ..errors import SymbackpropError

FORMATS = {"text": "text", "json": "json", "latex": "latex", "markdown": "markdown", "pdf": "pdf"}
SUFFIXES = {".txt": "text", ".json": "json", ".tex": "latex", ".md": "markdown", ".pdf": "pdf"}


def render(solution, fmt: str = "text", **settings) -> str | bytes:
    """Render `solution` in format `fmt` (text, json, latex, markdown: str; pdf: bytes).

    Settings: precision, lang (en, zh), standalone (latex), checks (text, json), output (pdf: where
    to keep the .tex and log on failure). A format ignores the settings it has no use for."""
    if fmt not in FORMATS:
        raise SymbackpropError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    module = import_module(f".{FORMATS[fmt]}", __name__)
    return module.render(solution, **settings)
