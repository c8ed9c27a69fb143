"""What every worker process does so that it never outlives its parent or a budget.

A worker watches its parent from a thread and exits when the parent is gone (on every start
method: a changed parent pid on POSIX, the parent's process sentinel everywhere), and it caps its
own memory and CPU where the operating system allows, so that a hostile input can neither leave a
process running nor exhaust the machine.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
from multiprocessing.connection import wait

try:                                  # POSIX only; Windows has no resource module
    import resource
except ImportError:                   # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

WATCH_INTERVAL = 0.2                  # seconds between two looks at the parent


def become_worker() -> None:
    """Set up a worker: Ctrl-C is the parent's to handle (no tracebacks from workers), and the
    worker exits at once when its parent dies, even if the parent was killed with SIGKILL."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)      # not the handler a forked child inherits from cli.py
    threading.Thread(target=_watch, args=(os.getppid(), mp.parent_process()), daemon=True,
                     name="symbackprop-lifeline").start()


def _watch(ppid: int, parent) -> None:
    sentinel = getattr(parent, "sentinel", None)
    while True:
        if sentinel is not None:
            try:
                if wait([sentinel], timeout=WATCH_INTERVAL):
                    os._exit(0)
            except OSError:
                os._exit(0)
        else:                                          # pragma: no cover - no parent process object
            threading.Event().wait(WATCH_INTERVAL)
        # a forked sibling may hold the sentinel's other end open, so also watch the parent pid
        if os.name != "nt" and os.getppid() != ppid:
            os._exit(0)


def _vm_bytes() -> int | None:
    """This process's virtual memory size, where the system tells it (Linux)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def limit_memory(extra: int) -> int | None:
    """Let this process grow by at most `extra` bytes of address space from now (Linux: RLIMIT_AS);
    an allocation past it raises MemoryError. Returns the limit set, or None where none can be."""
    if resource is None:
        return None
    now = _vm_bytes()
    if now is None:
        return None
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = now + extra if hard == resource.RLIM_INFINITY else min(now + extra, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    except (ValueError, OSError):                      # pragma: no cover
        return None
    return soft


def cpu_limited() -> bool:
    """Whether `limit_cpu` works here (POSIX), so that CPU time, not wall-clock time, can decide."""
    return resource is not None and hasattr(resource, "RLIMIT_CPU")


def limit_cpu(seconds: float) -> None:
    """Let this process use at most `seconds` more CPU time (POSIX: RLIMIT_CPU, then SIGXCPU ends
    it): the backstop for a computation that holds the interpreter so the watcher cannot run."""
    if resource is None or not hasattr(resource, "RLIMIT_CPU"):
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime + seconds) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    except (ValueError, OSError):                      # pragma: no cover
        pass
