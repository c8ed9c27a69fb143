"""Renderers: a worked solution, the general rules or the matrix example plus settings in, text out.

One module per format, chosen by name; each builds the one document (render/build.py) and prints
it, except JSON, which is each command's data."""
from __future__ import annotations

from importlib import import_module
from typing import Iterator

from ..errors import SymbackpropError

FORMATS = {"text": "text", "json": "json", "latex": "latex", "markdown": "markdown", "pdf": "pdf", "html": "html"}
SUFFIXES = {".txt": "text", ".json": "json", ".tex": "latex", ".md": "markdown", ".pdf": "pdf", ".html": "html"}


def render(obj, fmt: str = "text", **settings) -> str | bytes:
    """Render `obj` — a `Solution`, a list of `GeneralDerivation`s, a `QuadraticSolution` or a
    `Document` — in format `fmt` (text, json, latex, markdown, html: str; pdf: bytes).

    Settings: precision, lang (en, zh), standalone (latex), checks (solve --check), output (pdf:
    where to keep the .tex and log on failure), generated and title (the general rules), source
    (JSON of the general rules). A format ignores the settings it has no use for."""
    if fmt not in FORMATS:
        raise SymbackpropError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    module = import_module(f".{FORMATS[fmt]}", __name__)
    return module.render(obj, **settings)


PIECE = 1 << 16          # characters a piece of `stream` holds at least (but its last)


def stream(obj, fmt: str = "text", **settings) -> Iterator[str | bytes]:
    """`render(obj, fmt, **settings)` in pieces, made while the caller writes the ones before: their
    concatenation is render's output. Text and JSON are made a line or a quantity at a time (about
    64 KiB a piece), so a large solution's output is never held whole; other formats in one piece."""
    if fmt not in FORMATS:
        raise SymbackpropError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    module = import_module(f".{FORMATS[fmt]}", __name__)
    pieces = getattr(module, "pieces", None)
    if pieces is None:
        yield module.render(obj, **settings)
        return
    batch: list[str] = []
    size = 0
    for piece in pieces(obj, **settings):
        batch.append(piece)
        size += len(piece)
        if size >= PIECE:
            yield "".join(batch)
            batch, size = [], 0
    if batch:
        yield "".join(batch)
