"""Fewer runs of Python's cyclic garbage collector while a solution is built and written.

The collector runs a young collection every 700 new container objects, and every so often one
that walks the whole heap. Solving and rendering a large network builds hundreds of thousands of
SymPy objects and strings, almost none of them in reference cycles, and at 16-40-40-40-16 those
collections were about a third of `solve`'s time. `fewer_collections` raises the young threshold
while the work runs and restores the caller's setting after; nothing is left uncollected.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

YOUNG_THRESHOLD = 50_000


@contextmanager
def fewer_collections(threshold: int = YOUNG_THRESHOLD) -> Iterator[None]:
    """Run the body with the collector's young threshold at least `threshold`; restore it after."""
    old = gc.get_threshold()
    if old[0] == 0 or old[0] >= threshold:       # 0: the caller switched automatic collection off
        yield
        return
    gc.set_threshold(threshold, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
