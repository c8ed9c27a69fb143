"""Work done once per value: a part solved (or its rules derived) again gives the result it gave before.

A notebook re-runs its cells, `check` and `grade` solve the problem the students answer, and a test
suite solves the same files hundreds of times; each of those solves the same `Part` — the same network,
values, settings and file — and gets the same immutable result. `ValueMemo` keeps the last few results
of a pure function, keyed by the *value* of its arguments (never by `id()`: a new object with the same
value is a hit, an object whose value differs is a miss).

The key of a part is the part itself (dataclass equality over every field), the lines its fields were
read from (`written_at`, which equality leaves out) and the file name, and also `repr(part)`: SymPy
before 1.13 calls Float(0.5) and Rational(1, 2) equal, and a file's 0.5 and another's 1/2 must not
share a solution whose exactness differs. Only small results are kept (`keep`), so the memo never holds
a large network's solution after the caller is done with it. Errors are not kept: a bad part raises
its error every time.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import contextmanager
from typing import Any, Callable, Hashable, Iterator


class ValueMemo:
    """At most `size` results of `function`, most recent last, each stored only if `keep(result)`."""

    def __init__(self, function: Callable, key: Callable[..., Hashable], size: int = 32,
                 keep: Callable[[Any], bool] = lambda result: True) -> None:
        self.function, self.key, self.size, self.keep = function, key, size, keep
        self._results: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.enabled = True

    def __call__(self, *args, **kwargs):
        if not self.enabled:
            return self.function(*args, **kwargs)
        try:
            key = self.key(*args, **kwargs)
            hash(key)
        except TypeError:                   # an argument that cannot be hashed: computed, not kept
            return self.function(*args, **kwargs)
        with self._lock:
            got = self._results.get(key)
            if got is not None:
                self._results.move_to_end(key)
                return got
        result = self.function(*args, **kwargs)
        if self.keep(result):
            with self._lock:
                self._results[key] = result
                while len(self._results) > self.size:
                    self._results.popitem(last=False)
        return result

    def clear(self) -> None:
        """Forget every result."""
        with self._lock:
            self._results.clear()

    @contextmanager
    def off(self) -> Iterator[None]:
        """Compute every result afresh inside the block (tests compare the two paths)."""
        before, self.enabled = self.enabled, False
        try:
            yield
        finally:
            self.enabled = before


class Same:
    """An object compared by identity, held by the key: a table row (activations.TABLE, losses.TABLE)
    the result was computed from. A row replaced at run time (a notebook, a test) is a new row, so a
    result of the old one is never returned for it; the key keeps the row alive, so its identity
    cannot pass to another object while the key exists."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.obj is self.obj

    def __hash__(self) -> int:
        return id(self.obj)


def table_rows(activations, loss) -> tuple:
    """The table rows a computation with these activations and this loss (a name or a row) reads."""
    from . import losses
    from .activations import TABLE
    return (tuple(Same(TABLE.get(a.name)) for a in activations if a.formula is None), Same(losses.row(loss)))


def part_key(part, source: str = "<problem>") -> Hashable:
    """A part's value as a memo key: equality, the lines it was read from, its file, its repr (which
    tells a Float from an equal Rational: see the module's docstring), and the table rows it uses."""
    return (part, part.written_at, source, repr(part),
            table_rows(part.activations, part.loss_formula or part.loss))


def args_key(*args, **kwargs) -> Hashable:
    """Any arguments' values as a memo key: the arguments (equality and hash) and their repr (which
    tells a Float from an equal Rational). TypeError if one cannot be hashed."""
    items = tuple(sorted(kwargs.items()))
    return (args, items, repr((args, items)))
