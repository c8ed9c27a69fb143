"""The computing time one submission may cost, whoever computes it.

A submission is charged the CPU time of the process that checks it and of the LaTeX parser's
worker (which the Parser charges per answer), not wall-clock time: a loaded machine must not cost a
student marks. Work that prepares the problem once for every student (the mistaken variants of a
step, the general rules derived for the part) is not charged, so that a student pays the same in
`grade` as in `check` alone.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator

from ..errors import SymbackpropError
from ..messages import said

SECONDS = 5.0        # CPU seconds one submission may cost (an honest write-up of problems/ costs about 1.5)


class OverLimit(SymbackpropError):
    """A submission that needs more computing time than one submission may have."""


class Meter:
    """Charges this process's CPU time to the parser's budget for the current submission, and
    stops the submission (OverLimit) once the budget is spent."""

    def __init__(self, parser, seconds: float = SECONDS) -> None:
        self.parser, self.seconds = parser, seconds
        parser.new_submission(seconds)
        self._mark = time.process_time()
        self._shared = 0.0

    def clock(self) -> float:
        """This process's CPU time charged so far (shared work left out), to measure a piece of work."""
        return time.process_time() - self._shared

    def charge(self, seconds: float) -> None:
        """Charge work this submission did not do itself but would have done alone (a verdict reused)."""
        self.parser.budget -= seconds

    def tick(self) -> None:
        """Charge the time since the last tick; OverLimit when the submission's time is used up."""
        now = time.process_time()
        self.parser.budget -= now - self._mark
        self._mark = now
        if self.parser.budget <= 0:
            raise OverLimit(said("grade.over_cpu", seconds=f"{self.seconds:g}"))

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Work done once for every student (not charged to this one)."""
        start = time.process_time()
        try:
            yield
        finally:
            spent = time.process_time() - start
            self._mark += spent
            self._shared += spent


class _Free:
    """No meter: a Checker used on its own (tests, notebooks) is not timed."""

    def tick(self) -> None:
        pass

    def clock(self) -> float:
        return 0.0

    def charge(self, seconds: float) -> None:
        pass

    @contextmanager
    def shared(self) -> Iterator[None]:
        yield


FREE = _Free()
