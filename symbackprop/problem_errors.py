"""Every mistake of a problem file at once (up to MAX_ERRORS), each as its own FILE:LINE line.

`Collector` is the problem reader (problem._Validator) run so that a mistake does not stop it where
what follows does not depend on it: every unknown field is reported; each field of a part (loss,
activations, weights, samples, learning_rate, precision, batch_reduction, notation, input_gradients,
bias_input, relu_derivative_at_zero, shared) is read on its own (`guarded`), a bad one reported and
replaced by a harmless stand-in, and a check that depends on a field (the targets on the loss, shared
groups on the weights, which output activation is missing on the loss) runs only when that field was
read without a mistake; a mistake in the network's topology ends its part, and the next part is read.
`GraphCollector` does the same for a graph file (graph._Reader): each input, node, parameter, the
output and precision on their own; an entry that uses a name whose entry had a mistake is skipped.
The same mistake met again (a top-level field shared by several parts) is reported once. A misspelt
field is one mistake: where an unknown field is a near miss of an allowed one (`activaton`, `lerning_rate`,
`Loss`) that the mapping does not have, the error the missing field then causes (`network.activation: no
activation given`, `loss: missing`) is not reported: its line is the misspelling's (`_misspelt`).

The mistakes are reported one a line in the order of their lines in the file (those of one line in
reading order), then how many more there are beyond the limit.
"""
from __future__ import annotations

from typing import Any, Callable

import sympy as sp

from .activations import Activation
from .errors import ProblemError
from .messages import said
from .graph import _Reader as _GraphReader
from .problem import Part, _Validator
from .fields import near_miss
from .yamlfile import Path_, format_path

MAX_ERRORS = 20


class ProblemErrors(ProblemError):
    """Several mistakes of one problem file: `errors` holds each (a ProblemError); `source`, `field`,
    `line` and `detail` are the first one's, and the message is theirs, one a line."""

    def __init__(self, errors: list[ProblemError], more: int = 0) -> None:
        first = errors[0]
        self.errors = tuple(errors)
        self.source, self.field, self.line, self.detail = first.source, first.field, first.line, first.detail
        lines: list[str] = [_text(e) for e in errors]
        if more:
            lines.append(said("mistakes.more", count=more, limit=len(errors)))
        message = lines[-1]
        for line in reversed(lines[:-1]):
            message = said("mistakes.several", first=line, rest=message)
        Exception.__init__(self, message)


def _text(exc: ProblemError) -> str:
    from .messages import text_of
    return text_of(exc)


class Collecting:
    """What every collecting reader shares (the problem reader's Collector, the graph reader's
    GraphCollector): `record` a mistake and go on, `guarded` reads, `failure` raises them together."""

    def _start_collecting(self) -> None:
        self.errors: list[ProblemError] = []
        self.more = 0
        self._seen: set[str] = set()
        self._recorded = 0                  # every call of record, a repeated mistake too
        self._misspellings: list[tuple[Path_, str]] = []   # (mapping, the allowed field a key misspells)
        self._scope: Path_ = ()             # the part being read: parts[i], or () for the file itself

    def record(self, exc: ProblemError) -> None:
        """Keep `exc` unless the same line was reported already; stop reading once past the limit."""
        self._recorded += 1
        if isinstance(exc, ProblemErrors):
            for one in exc.errors:
                self.record(one)
            return
        if self._misspelt(exc):
            return
        text = str(exc)
        if text in self._seen:
            return
        self._seen.add(text)
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(exc)
        else:
            self.more += 1

    def guarded(self, read: Callable[[], Any], stand_in: Any = None) -> tuple[Any, bool]:
        """(what `read` returns, True); when it finds a mistake, the mistake recorded and (stand_in, False)
        if it stopped, (what it returned with stand-ins inside, False) if it went on: either way the
        caller skips every check that depends on what was not read."""
        before = self._recorded
        try:
            value = read()
        except ProblemError as exc:
            self.record(exc)
            return stand_in, False
        return value, self._recorded == before

    def checkpoint(self) -> None:
        """Raise what was collected (before the size budget, which needs every part read)."""
        if self.errors:
            raise self.failure()

    def failure(self) -> ProblemError:
        """The one mistake alone, or every one in the order of their lines (those of one line, and those
        without a line, first, in reading order)."""
        if len(self.errors) == 1 and not self.more:
            return self.errors[0]
        return ProblemErrors(sorted(self.errors, key=lambda e: e.line if e.line is not None else 0), self.more)

    def collected(self, read: Callable[[], Any]) -> Any:
        """`read()`, raising every mistake recorded on the way (with the one that stopped it, if any)."""
        try:
            result = read()
        except ProblemErrors:
            raise
        except ProblemError as exc:            # a mistake the reading cannot go on after
            self.record(exc)
            raise self.failure() from None
        self.checkpoint()
        return result

    def check_keys(self, data: dict, allowed, path: Path_, what: str) -> None:
        """Every unknown field of the mapping is reported. Reading goes on where an unknown field is
        ignored by what follows (the mapping's fields are read by name: `_read_by_name`); elsewhere
        the section stops as the reader stops."""
        found = []
        for key in data:
            try:
                super().check_keys({key: None}, allowed, path, what)    # type: ignore[misc]
            except ProblemError as exc:
                found.append(exc)
                meant = near_miss(key, allowed)
                if meant is not None and meant not in data:
                    self._misspellings.append((path, meant))
        for exc in found:
            self.record(exc)
        if found and not self._read_by_name(path):
            raise found[0]

    def _read_by_name(self, path: Path_) -> bool:
        return path == ()

    def _misspelt(self, exc: ProblemError) -> bool:
        """Whether `exc` is about a field the file does not have, that a misspelt key recorded already
        means: the field under the misspelling's own mapping, or, for a part's misspelling (while that
        part is read), the top-level field the part would have overridden (a part's `activation` is the
        network's)."""
        if not exc.field:
            return False
        for path, meant in self._misspellings:
            base = path
            if len(path) >= 2 and path[0] == "parts" and isinstance(path[1], int):
                if path[:2] != self._scope:
                    continue
                base = path[2:]
            fields = {path + (meant,), base + (meant,)}
            if base == ():
                fields.add(("network", meant))
            if any(format_path(f) == exc.field and not self._given(f) for f in fields):
                return True
        return False

    def _given(self, path: Path_) -> bool:
        """Whether the file has a value at `path`."""
        node: Any = self.doc.data
        for key in path:
            if isinstance(node, dict) and key in node:
                node = node[key]
            elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
                node = node[key]
            else:
                return False
        return True

    def number(self, value: Any, path: Path_) -> sp.Rational:
        """A bad number is recorded and read as 1, so that the rest of the field goes on."""
        try:
            return super().number(value, path)                           # type: ignore[misc]
        except ProblemError as exc:
            self.record(exc)
            return sp.Integer(1)


class Collector(Collecting, _Validator):
    """The problem reader, collecting its mistakes (module docstring); `problem()` raises them together."""

    def __init__(self, doc) -> None:
        super().__init__(doc)
        self._start_collecting()

    def problem(self):
        return self.collected(super().problem)

    def _read_by_name(self, path: Path_) -> bool:
        return _fields_read_by_name(path)

    # -- mistakes the reading goes on after ---------------------------------------------------------
    def merge(self, base: dict, part: dict, ppath: Path_) -> dict:
        self._scope = ppath                 # what is merged is the part read next
        return super().merge(base, part, ppath)

    def part(self, name: str, cfg: dict) -> Part | None:   # type: ignore[override]
        try:
            return super().part(name, cfg)
        except ProblemError as exc:            # network, weights, samples: the rest of the part depends on them
            self.record(exc)
            return None

    def activation(self, value: Any, path: Path_, g0: sp.Rational) -> Activation:
        try:
            return super().activation(value, path, g0)
        except ProblemError as exc:
            self.record(exc)
            return Activation("identity")


class GraphCollector(Collecting, _GraphReader):
    """The graph reader (graph.py), collecting its mistakes the same way: each input, node, parameter
    and field on its own; `problem()` raises them together."""

    def __init__(self, doc) -> None:
        super().__init__(doc)
        self._start_collecting()

    def problem(self):
        return self.collected(super().problem)

    def checkpoint(self, read=None) -> None:
        """With mistakes found, the nodes read without one are evaluated too (graph.forward_pass), so
        that a node too large or outside a domain is reported in the same run as the formula mistakes
        of the nodes after it (g4: `a: exp(exp(x))`, `b: 1/(a - a)`)."""
        if self.errors and read is not None:
            from .graph import forward_pass
            for exc in forward_pass(read())[3]:
                self.record(exc)
        super().checkpoint()


def _fields_read_by_name(path: Path_) -> bool:
    """Whether the mapping at `path` is read field by field, so that an unknown field in it is ignored:
    the problem itself, a part (parts[i]) and a network (network, parts[i].network)."""
    return (path == () or path == ("network",) or (len(path) == 2 and path[0] == "parts")
            or (len(path) == 3 and path[0] == "parts" and path[2] == "network"))
