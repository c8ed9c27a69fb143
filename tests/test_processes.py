"""Processes of `check` and `grade`: no worker outlives its parent, Ctrl-C and SIGTERM stop cleanly,
--jobs is capped, a submission over its limit or hitting a bug of ours gets its own row.

Faults are injected with `TrapRubric`: a rubric that, in the parent (fork) and when unpickled in a
worker (spawn, forkserver), makes `Grader.check` misbehave for submissions named boom*, hang*,
hog* or crash*. Waits are on conditions with generous timeouts, never fixed sleeps.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop import grade as grade_module
from symbackprop import supervise
from symbackprop.answers import Grader, Rubric
from symbackprop.cli import main
from symbackprop.grade import find_submissions, grade_all
from symbackprop.problem import load_problem

from conftest import PROBLEMS

XOR = PROBLEMS / "xor.yaml"
LINUX = Path("/proc/self/stat").exists()
needs_proc = pytest.mark.skipif(not LINUX, reason="lists processes through /proc")
# answers that keep latex2sympy2 busy until the 3 s per-answer timeout: a parser worker stays up
BUSY = {"relu": {q: f"\\binom{{9999999{i}}}{{4999999{i}}}" for i, q in enumerate(["u_3", "u_4", "u_5", "delta_5"])}}


# -- fault injection that reaches workers on every start method ---------------------------------
def _arm(setattr=setattr) -> None:
    original = Grader.check
    if getattr(original, "trapped", False):
        return

    def check(self, path, part=None):
        name = Path(path).stem
        if name.startswith("boom"):
            raise KeyError("injected")
        if name.startswith("hang"):
            threading.Event().wait()                 # never returns: only the parent's limit ends it
        if name.startswith("hog"):
            hog = bytearray(600 * 2**20)             # twice the memory one submission may add
            hog[::4096] = b"x" * len(hog[::4096])
        if name.startswith("crash"):
            os._exit(70)
        return original(self, path, part)

    check.trapped = True
    setattr(Grader, "check", check)


def _armed_rubric() -> Rubric:
    _arm()
    return Rubric()


@dataclass(frozen=True)
class TrapRubric(Rubric):
    """A plain rubric that arms the trap wherever it is unpickled."""

    def __reduce__(self):
        return (_armed_rubric, ())


@pytest.fixture()
def trap(monkeypatch) -> Rubric:
    _arm(lambda obj, name, value: monkeypatch.setattr(obj, name, value))   # the parent, and forked workers
    return TrapRubric()


def make_class(folder: Path, names: list[str], answers: dict | None = None) -> Path:
    folder.mkdir(exist_ok=True)
    for n in names:
        (folder / f"{n}.yaml").write_text(json.dumps(answers or {"relu": {"u_3": 4, "delta_5": 3}}))
    return folder


# -- processes seen through /proc (Linux) -------------------------------------------------------
def _stat(pid: int) -> tuple[str, int] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1])              # state, parent pid


def descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            st = _stat(int(entry.name))
            if st:
                children.setdefault(st[1], []).append(int(entry.name))
    out, todo = set(), [root]
    while todo:
        for c in children.get(todo.pop(), []):
            out.add(c)
            todo.append(c)
    return out


def alive(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[0] not in ("Z", "X")


def wait_for(condition, timeout: float = 60.0) -> bool:
    """Poll a condition until it holds or `timeout` passes (a guard against hangs, not a speed test)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _as_from_a_terminal() -> None:
    # A shell without job control starts background commands with SIGINT ignored, and an ignored
    # signal stays ignored across exec (Python then installs no Ctrl-C handler): a suite run as
    # `pytest &` would otherwise send its Ctrl-C to a grade that cannot hear it. A user's terminal
    # gives the command the default disposition, so the tests do too.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def cli(*args: str, **kw) -> subprocess.Popen:
    if os.name == "posix":
        kw.setdefault("preexec_fn", _as_from_a_terminal)
    return subprocess.Popen([sys.executable, "-m", "symbackprop.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kw)


# -- orphans --------------------------------------------------------------------------------------
@needs_proc
@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_check_leaves_no_worker_when_killed(tmp_path, sig):
    answers = tmp_path / "busy.yaml"
    answers.write_text(json.dumps(BUSY))
    proc = cli("check", str(XOR), str(answers))
    try:
        assert wait_for(lambda: len(descendants(proc.pid)) >= 1), "the parser worker never started"
        workers = descendants(proc.pid)
        proc.send_signal(sig)
        proc.wait(timeout=60)
        assert wait_for(lambda: not any(alive(p) for p in workers)), [p for p in workers if alive(p)]
        err = proc.stderr.read().decode()
        assert "Traceback" not in err
        if sig == signal.SIGTERM:
            assert proc.returncode == 143 and "terminated" in err
    finally:
        proc.kill()
        proc.wait()


@needs_proc
@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_grade_leaves_no_worker_when_killed(tmp_path, sig):
    # Enough busy submissions that the work outlasts the workers' start on a loaded machine (with three, the
    # fourth process could start as the last submission finished, so the signal came after the gradebook).
    subs = make_class(tmp_path / "subs", [f"s{i:02d}" for i in range(12)], BUSY)
    book = tmp_path / "book.csv"
    book.write_text("student,total\nold,1\n")
    proc = cli("grade", str(XOR), str(subs), "-o", str(book), "--jobs", "2")
    try:
        # two grading workers, each with its parser worker
        assert wait_for(lambda: len(descendants(proc.pid)) >= 4), descendants(proc.pid)
        workers = descendants(proc.pid)
        proc.send_signal(sig)
        proc.wait(timeout=60)
        assert wait_for(lambda: not any(alive(p) for p in workers)), [p for p in workers if alive(p)]
        err = proc.stderr.read().decode()
        assert "Traceback" not in err
        assert book.read_text() == "student,total\nold,1\n"
        if sig == signal.SIGTERM:
            assert proc.returncode == 143 and "terminated; gradebook not written" in err
    finally:
        proc.kill()
        proc.wait()


@needs_proc
@pytest.mark.slow
def test_ctrl_c_stops_grade_quietly_and_keeps_the_old_gradebook(tmp_path):
    # Enough busy submissions that the work outlasts the workers' start on a loaded machine (with three, the
    # fourth process could start as the last submission finished, so the signal came after the gradebook).
    subs = make_class(tmp_path / "subs", [f"s{i:02d}" for i in range(12)], BUSY)
    book = tmp_path / "book.csv"
    book.write_bytes(b"student,total\r\nold,1\r\n")
    proc = cli("grade", str(XOR), str(subs), "-o", str(book), "--jobs", "2", start_new_session=True)
    try:
        assert wait_for(lambda: len(descendants(proc.pid)) >= 4), descendants(proc.pid)
        workers = descendants(proc.pid)
        os.killpg(proc.pid, signal.SIGINT)            # what the terminal does: the whole group
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 130, err
        text = err.decode()
        assert "interrupted; gradebook not written" in text and "Traceback" not in text, text
        assert book.read_bytes() == b"student,total\r\nold,1\r\n"
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".book")] == []
        assert wait_for(lambda: not any(alive(p) for p in workers)), [p for p in workers if alive(p)]
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.slow
def test_a_parser_worker_exits_when_its_parent_is_killed(tmp_path):
    """The parser worker of a grading worker killed with SIGKILL (the parent's limit) does not live on."""
    if not LINUX:
        pytest.skip("lists processes through /proc")
    code = ("import sys, time\n"
            "from symbackprop.answers import Parser\n"
            "p = Parser(); p.warm(); p._await_ready()\n"
            "print(p._proc.pid, flush=True)\n"
            "time.sleep(600)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    try:
        worker = int(proc.stdout.readline())
        assert alive(worker)
        proc.kill()
        proc.wait(timeout=60)
        assert wait_for(lambda: not alive(worker))
    finally:
        proc.kill()
        proc.wait()


# -- how many processes ---------------------------------------------------------------------------
def test_jobs_is_capped_at_the_submissions_and_the_cores(tmp_path, monkeypatch):
    started = []
    spawn = supervise.Pool._spawn

    def counting(self):
        started.append(1)
        return spawn(self)

    monkeypatch.setattr(supervise.Pool, "_spawn", counting)
    subs = find_submissions(make_class(tmp_path / "subs", ["a", "b", "c"]))
    results = grade_all(load_problem(XOR), Rubric(), subs, part="relu", jobs=64)
    assert [r.status for r in results] == ["graded"] * 3 and all(r.score > 0 for r in results)
    assert 1 <= len(started) <= min(3, os.cpu_count() or 1)
    assert grade_module.worker_count(64, 3) == min(3, os.cpu_count() or 1)
    assert grade_module.worker_count(None, 1000) == (os.cpu_count() or 1)


@pytest.mark.slow
def test_no_parser_is_started_for_answers_without_latex(tmp_path):
    sub = make_class(tmp_path / "subs", ["numbers"]) / "numbers.yaml"
    grader = grade_module._init(load_problem(XOR), Rubric(), "relu")
    try:
        result = grade_module._grade_one("numbers", str(sub))
        assert result.status == "graded" and result.score > 0
        assert not grader.parser.running
        (tmp_path / "latex.yaml").write_text(json.dumps({"relu": {"u_3": "\\max(4, 0)"}}))
        assert grade_module._grade_one("latex", str(tmp_path / "latex.yaml")).status == "graded"
        assert grader.parser.running                   # started by the first LaTeX answer
    finally:
        grader.close()


# -- limits ---------------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_submission_over_the_time_limit_gets_its_own_row(tmp_path, trap, monkeypatch):
    monkeypatch.setattr(grade_module, "SECONDS", 5.0)
    subs = find_submissions(make_class(tmp_path / "subs", ["alice", "hang", "zoe"]))
    results = grade_all(load_problem(XOR), trap, subs, part="relu", jobs=2)
    rows = {r.student: r for r in results}
    assert rows["hang"].status == "over_limit" and "exceeded the 5 s limit" in rows["hang"].error
    assert rows["hang"].reports == []
    for name in ("alice", "zoe"):                     # the others are graded, the same as alone
        assert rows[name].status == "graded" and rows[name].error is None
        assert rows[name].score == results[0].score > 0


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="the memory limit is enforced on Linux")
@pytest.mark.slow
def test_a_submission_over_the_memory_limit_gets_its_own_row(tmp_path, trap):
    subs = find_submissions(make_class(tmp_path / "subs", ["alice", "hog", "zoe"]))
    results = grade_all(load_problem(XOR), trap, subs, part="relu", jobs=1)
    rows = {r.student: r for r in results}
    assert rows["hog"].status == "over_limit" and "300 MB memory limit" in rows["hog"].error
    assert rows["alice"].status == rows["zoe"].status == "graded" and rows["zoe"].score == rows["alice"].score > 0


@pytest.mark.slow
def test_a_worker_that_dies_costs_only_its_submission(tmp_path, trap):
    subs = find_submissions(make_class(tmp_path / "subs", ["alice", "crash", "zoe"]))
    results = grade_all(load_problem(XOR), trap, subs, part="relu", jobs=1)
    rows = {r.student: r for r in results}
    assert rows["crash"].status == "internal_error"
    assert "not the student's fault" in rows["crash"].error and "exit code 70" in rows["crash"].error
    assert rows["alice"].status == rows["zoe"].status == "graded" and rows["zoe"].score == rows["alice"].score > 0


# -- internal errors ------------------------------------------------------------------------------
@pytest.mark.slow
def test_an_internal_error_has_its_own_status_a_log_and_exit_3(tmp_path, trap):
    subs = make_class(tmp_path / "subs", ["alice", "boom"])
    book = tmp_path / "book.csv"
    result = CliRunner().invoke(main, ["grade", str(XOR), str(subs), "-o", str(book), "--jobs", "1"])
    assert result.exit_code == 3, result.output
    rows = book.read_text().splitlines()
    boom = next(r for r in rows if r.startswith("boom,"))
    assert "internal error (not the student's fault): KeyError" in boom
    assert next(r for r in rows if r.startswith("alice,")).split(",")[-1] == ""      # alice: graded, no note
    log = tmp_path / "book.log"
    text = log.read_text()
    assert "== boom" in text and "Traceback (most recent call last)" in text and "KeyError: 'injected'" in text
    assert "alice" not in text
    assert str(log) in result.output.strip().splitlines()[-1]


@pytest.mark.slow
def test_internal_errors_and_limits_with_the_spawn_start_method(tmp_path, monkeypatch):
    """macOS and Windows start workers with spawn: nothing is inherited, the trap arrives pickled."""
    monkeypatch.setattr(grade_module, "SECONDS", 20.0)
    subs = find_submissions(make_class(tmp_path / "subs", ["alice", "boom", "hang", "zoe"]))
    results = grade_all(load_problem(XOR), TrapRubric(), subs, part="relu", jobs=2, context=mp.get_context("spawn"))
    rows = {r.student: r for r in results}
    assert rows["boom"].status == "internal_error" and "KeyError: 'injected'" in rows["boom"].traceback
    assert rows["hang"].status == "over_limit"
    assert rows["alice"].status == rows["zoe"].status == "graded" and rows["zoe"].score == rows["alice"].score > 0


def test_a_student_result_built_the_old_way_still_has_a_status():
    assert grade_module.StudentResult("a", "a.yaml").status == "graded"
    assert grade_module.StudentResult("a", "a.yaml", error="bad file").status == "unreadable"


@pytest.mark.slow
@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_the_latex_reader_works_under_every_start_method(method):
    """macOS and Windows spawn (and Python 3.14 on Linux defaults to forkserver): the parser worker
    must not rely on fork, and must read the same answer the same way."""
    import multiprocessing as mp
    from symbackprop.answers.latex import Parser
    if method not in mp.get_all_start_methods():
        pytest.skip(f"{method} is not available here")
    with Parser(start_method=method) as p, Parser() as q:
        # \\sqrt: outside quick.py's arithmetic, so the text goes to the worker
        assert p.parse("\\frac{1}{2}(1-\\sqrt{0.241})^{2}") == q.parse("\\frac{1}{2}(1-\\sqrt{0.241})^{2}")
        assert p.running
