"""A pool of worker processes whose parent enforces a time limit per task.

`concurrent.futures` cannot stop one task: a submission that runs too long would hold its worker
(and the class) for ever. Here the parent gives each worker one task at a time, kills a worker
whose task passes its deadline, starts a replacement, and reports the task as over the limit; a
worker that dies reports its task as crashed. Workers exit when the parent dies (lifeline.py),
and every worker is gone when `run` returns or raises (Ctrl-C included).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any, Callable, Iterable

from .errors import InternalError

STARTUP = 300.0          # seconds a worker may take to get ready (imports, solving the problem)
STOP_GRACE = 5.0         # seconds a worker has to exit after being told to stop


class WorkerFailed(Exception):
    """A worker could not get ready: carries the exception it raised while setting up."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass
class _Slot:
    proc: Any
    conn: Any
    ready: bool = False                # waiting for a task
    up: bool = False                   # has set itself up (said "ready" once)
    task: int | None = None
    deadline: float = 0.0


@dataclass
class Outcome:
    """What became of one task: "done" with the worker's value, "timeout", or "crashed" (exit code)."""

    kind: str
    value: Any = None
    exitcode: int | None = None


@dataclass
class Pool:
    """`jobs` workers, each running `serve(conn, *args)` (see `worker_loop`), one task at a time.
    `answer(question)`: what the parent replies to a worker that asks ("ask", question) during a task
    (`ask`); it must not raise, and its time counts against that task's limit."""

    serve: Callable[..., None]
    args: tuple
    jobs: int
    limit: float
    context: Any = None
    slots: list[_Slot] = field(default_factory=list)
    answer: Callable[[Any], Any] | None = None

    def _spawn(self) -> _Slot:
        ctx = self.context or mp.get_context()
        mine, theirs = ctx.Pipe()
        inherited = mine if ctx.get_start_method() == "fork" else None
        # not daemonic: a grading worker starts its own parser process; it exits with us (lifeline.py)
        proc = ctx.Process(target=self.serve, args=(theirs, inherited) + self.args, daemon=False)
        proc.start()
        theirs.close()
        return _Slot(proc, mine)

    def _retire(self, slot: _Slot, kill: bool = True) -> None:
        if kill:
            slot.proc.kill()
        slot.proc.join(STOP_GRACE)
        if slot.proc.is_alive():                       # pragma: no cover - did not stop when told
            slot.proc.kill()
            slot.proc.join()
        slot.conn.close()
        if slot in self.slots:
            self.slots.remove(slot)

    def run(self, tasks: Iterable[Any], done: Callable[[int, Outcome], None]) -> None:
        """Run every task; call `done(index, outcome)` as each ends, in the order they end."""
        queue = deque(enumerate(tasks))
        try:
            self.slots = [self._spawn() for _ in range(min(self.jobs, len(queue)))]
            while queue or any(s.task is not None for s in self.slots):
                now = time.monotonic()
                for slot in self.slots:
                    if slot.ready and slot.task is None and queue:
                        index, task = queue.popleft()
                        slot.conn.send(task)
                        slot.task, slot.deadline = index, time.monotonic() + self.limit
                busy = [s.deadline for s in self.slots if s.task is not None]
                timeout = max(0.0, min(busy) - now) if busy else STARTUP
                handles = [s.conn for s in self.slots] + [s.proc.sentinel for s in self.slots]
                ready = wait(handles, timeout)
                for slot in list(self.slots):
                    if slot.conn in ready and self._receive(slot, done):
                        continue
                    if slot.proc.sentinel in ready or not slot.proc.is_alive():
                        self._lost(slot, queue, done, "crashed")
                    elif slot.task is not None and time.monotonic() >= slot.deadline:
                        self._lost(slot, queue, done, "timeout")
                if not ready and not busy:
                    raise WorkerFailed(RuntimeError(f"no worker got ready within {STARTUP:g} s"))
            for slot in self.slots:
                try:
                    slot.conn.send(None)                   # stop: the worker closes its own children
                except OSError:
                    pass
            for slot in list(self.slots):
                self._retire(slot, kill=False)
        finally:
            for slot in list(self.slots):              # an exception or Ctrl-C: no worker left behind
                self._retire(slot)

    def _receive(self, slot: _Slot, done: Callable[[int, Outcome], None]) -> bool:
        """Handle a message from a worker; False when the worker has gone (EOF)."""
        try:
            kind, value = slot.conn.recv()
        except (EOFError, OSError):
            return False
        if kind == "ready":
            slot.ready = slot.up = True
        elif kind == "ask" and slot.task is not None:
            try:
                slot.conn.send(("answer", self.answer(value) if self.answer is not None else None))
            except OSError:                            # the worker is gone: seen as crashed next
                pass
        elif kind == "failed":
            raise WorkerFailed(value)
        elif kind in ("done", "last") and slot.task is not None:
            index, slot.task = slot.task, None
            slot.ready = kind == "done"                # "last": the worker exits; no new task for it
            done(index, Outcome("done", value))
        return True

    def _lost(self, slot: _Slot, queue: deque, done: Callable[[int, Outcome], None], kind: str) -> None:
        """A worker that died or ran over: report its task, and start a replacement if work is left."""
        index = slot.task
        self._retire(slot, kill=kind == "timeout")   # a dead worker is joined, for its exit code
        outcome = Outcome(kind, exitcode=slot.proc.exitcode)
        if not slot.up:                                # a fault in setting up would recur in every replacement
            raise WorkerFailed(RuntimeError(f"a worker stopped while starting (exit code {outcome.exitcode})"))
        if index is not None:
            done(index, outcome)
        if queue:
            self.slots.append(self._spawn())


def ask(conn: Any, question: Any) -> Any:
    """From a worker, during a task: the parent's `Pool.answer` to `question`, or None."""
    try:
        conn.send(("ask", question))
        kind, value = conn.recv()
    except (EOFError, OSError):        # the parent is gone: exit quietly, as the lifeline would
        os._exit(0)
    return value if kind == "answer" else None


def worker_loop(conn: Any, inherited: Any, setup: Callable[[], Any], work: Callable[[Any, Any], tuple[Any, bool]]) -> None:
    """The body of a worker: set up once (`setup()` → state), then answer tasks until told to stop.
    `work(state, task)` returns (value, keep_going); a worker that should not go on (its memory is
    suspect) exits after answering and is replaced. An InternalError from `work` stops the whole run
    (the parent raises it as WorkerFailed), as a failure to set up does."""
    if inherited is not None:          # fork: our copy of the parent's end, else no EOF ever
        inherited.close()
    from . import lifeline
    lifeline.become_worker()
    try:
        state = setup()
    except BaseException as exc:       # the parent re-raises it: e.g. a part the problem lacks
        try:
            conn.send(("failed", exc))
        except Exception:              # pragma: no cover - an exception that cannot be pickled
            conn.send(("failed", RuntimeError(f"{type(exc).__name__}: {exc}")))
        return
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            break
        if task is None:
            break
        try:
            value, keep_going = work(state, task)
        except InternalError as exc:   # a fault every task would meet (the LaTeX reader cannot start):
            conn.send(("failed", exc))  # the parent stops the run with it, in one line
            break
        conn.send(("done" if keep_going else "last", value))
        if not keep_going:
            break
    close = getattr(state, "close", None)
    if close is not None:
        close()
    os._exit(0)                        # skip interpreter teardown: nothing left to flush
