"""Every Python a user has (3.10–3.14) and every way a worker can start (fork, spawn, forkserver).

Python 3.13 removed `typing.io`, which latex2sympy2's pinned antlr4 runtime (4.7.2) imports. This
machine's Python still has it, so a `sitecustomize` on PYTHONPATH takes it away in a subprocess,
exactly as 3.13 does ("No module named 'typing.io'; 'typing' is not a package"), and `check` must
give the same verdicts there as here. macOS and Windows start workers with spawn, Python 3.14 on
Linux with forkserver: the parser worker and the grading pool are run under those too. A LaTeX
reader that cannot start at all is an internal error in one line (exit 3), never a class of
"unreadable" answers. Subprocesses have generous timeouts that turn a hang into a failure.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import PROBLEMS

ROOT = Path(__file__).resolve().parent.parent
XOR = PROBLEMS / "xor.yaml"
HANG_GUARD = 180                      # seconds: a hang becomes a failure, not a speed assertion

# Python 3.13 as far as antlr4 4.7.2 can tell: no typing.io, no typing.re
SIMULATE_313 = """\
import sys, typing
for _name in ("io", "re"):
    sys.modules.pop("typing." + _name, None)
    if hasattr(typing, _name):
        delattr(typing, _name)
"""

# answers whose verdicts a teacher can tell from the problem alone (u_3 = 4, u_5 = 4, L = 4.5, δ_5 = 3,
# Δw_35 = −12 for ReLU; u_3 = σ(4) ≈ 0.9820, u_4 = 0.5 for sigmoid)
ANSWERS = {
    "relu": {                            # \sqrt and \exp: outside quick.py, so latex2sympy2 must read them
        "u_3": "\\sqrt{16}",
        "u_5": "\\frac{9}{2} - \\frac{1}{2}",
        "loss": "\\frac{1}{2}(1-4)^2",
        "delta_5": "2 + 2",
        "\\Delta w_{35}": "-3 \\times 4",
        "\\delta_3": "\\frac{7}{3}",
    },
    "sigmoid": {
        "u_3": "\\frac{1}{1+\\exp(-4)}",
        "u_4": "\\frac{1}{1 + e^{0}}",
        "u_5": "\\frac{1}{1+e^{0.036}}",
    },
}
EXPECTED = {
    ("relu", "act_3"): "correct", ("relu", "act_5"): "correct", ("relu", "loss"): "correct",
    ("relu", "delta_5"): "wrong", ("relu", "update_w_3_5"): "correct", ("relu", "delta_3"): "wrong",
    ("sigmoid", "act_3"): "correct", ("sigmoid", "act_4"): "correct", ("sigmoid", "act_5"): "correct",
}


def _env(*paths: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(p) for p in paths] + [env["PYTHONPATH"]] if env.get("PYTHONPATH")
                                        else [str(p) for p in paths])
    return env


def _simulation(tmp_path: Path) -> Path:
    folder = tmp_path / "py313"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(SIMULATE_313, encoding="utf-8")
    return folder


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    code = "import sys; from symbackprop.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                          timeout=HANG_GUARD, cwd=str(ROOT))


def _verdicts(report_json: str) -> dict[tuple[str, str], str]:
    data = json.loads(report_json)
    return {(part["part"], v["id"]): v["status"] for part in data["parts"] for v in part["items"]}


# -- typing.io, as Python 3.13 and later lack it ---------------------------------------------------
@pytest.mark.slow
def test_the_simulation_removes_typing_io_as_python_313_does(tmp_path):
    """The simulated interpreter fails `from typing.io import TextIO` with 3.13's own error, and so,
    without our shim, cannot import latex2sympy2: the test below would catch a missing shim."""
    env = _env(_simulation(tmp_path))
    for line in ("from typing.io import TextIO", "import typing.re", "import latex2sympy2"):
        proc = subprocess.run([sys.executable, "-c", line], capture_output=True, text=True, env=env, timeout=HANG_GUARD)
        assert proc.returncode != 0, line
        assert "No module named 'typing." in proc.stderr and "'typing' is not a package" in proc.stderr, proc.stderr


@pytest.mark.slow
def test_the_shim_gives_typing_io_back_only_where_it_is_missing(tmp_path):
    code = ("import typing; from symbackprop.answers.compat import provide_typing_io; added = provide_typing_io();"
            "from typing.io import TextIO, IO, BinaryIO; from typing.re import Pattern, Match;"
            "assert TextIO is typing.TextIO and Pattern is typing.Pattern and Match is typing.Match;"
            "import latex2sympy2; print(sorted(added))")
    simulated = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env=_env(_simulation(tmp_path)), timeout=HANG_GUARD)
    assert simulated.returncode == 0, simulated.stderr
    assert simulated.stdout.split("\n")[-2] == "['typing.io', 'typing.re']"
    native = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG_GUARD)
    assert native.returncode == 0, native.stderr
    # the real pseudo-modules are left alone where they exist (up to 3.12), given back where not (3.13+)
    assert native.stdout.split("\n")[-2] == ("[]" if sys.version_info < (3, 13) else "['typing.io', 'typing.re']")


@pytest.mark.slow
def test_check_on_simulated_python_313_gives_the_verdicts_of_this_python(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(ANSWERS, allow_unicode=True), encoding="utf-8")
    args = ["check", str(XOR), str(answers), "--format", "json"]
    here = _run(args)
    simulated = _run(args, _env(_simulation(tmp_path)))
    for proc in (here, simulated):
        assert proc.returncode == 1, proc.stderr          # checked, and δ_5 and δ_3 are wrong
        assert "Traceback" not in proc.stderr and "typing" not in proc.stderr, proc.stderr
    assert _verdicts(simulated.stdout) == _verdicts(here.stdout)
    got = _verdicts(simulated.stdout)
    assert {key: got.get(key) for key in EXPECTED} == EXPECTED


@pytest.mark.slow
def test_grade_on_simulated_python_313_gives_the_gradebook_of_this_python(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ada.yaml").write_text(yaml.safe_dump({"relu": ANSWERS["relu"]}), encoding="utf-8")
    (folder / "bo.yaml").write_text(yaml.safe_dump({"relu": {"u_3": "\\frac{7}{3}", "u_5": "2^2"}}), encoding="utf-8")
    books = []
    for env in (None, _env(_simulation(tmp_path))):
        book = tmp_path / f"book{len(books)}.csv"
        proc = _run(["grade", str(XOR), str(folder), "--part", "relu", "-o", str(book), "--jobs", "2"], env)
        assert proc.returncode == 0, proc.stderr
        books.append(book.read_text(encoding="utf-8"))
    assert books[1] == books[0]
    lines = books[1].splitlines()
    rows = {line.split(",")[0]: dict(zip(lines[0].split(","), line.split(","))) for line in lines[1:]}
    assert rows["ada"]["act_3"] == "1" and rows["ada"]["delta_5"] == "0" and rows["ada"]["note"] == ""
    assert rows["bo"]["act_3"] != "1" and rows["bo"]["act_5"] == "1" and rows["bo"]["note"] == ""   # read, not unreadable


# -- a reader that cannot start: one line, exit 3 ---------------------------------------------------
def _broken_reader(tmp_path: Path) -> Path:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "latex2sympy2.py").write_text("raise ImportError('simulated broken install')\n", encoding="utf-8")
    return folder


@pytest.mark.slow
def test_check_with_a_reader_that_cannot_start_is_one_line_and_exit_3(tmp_path):
    env = _env(_broken_reader(tmp_path))
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({"relu": {"u_3": 4, "u_5": "\\sqrt{16}"}}), encoding="utf-8")
    proc = _run(["check", str(XOR), str(answers)], env)
    assert proc.returncode == 3
    assert proc.stdout == ""                                   # no report in which every LaTeX answer is "unreadable"
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("internal error") and "LaTeX reader" in lines[0]
    assert "ImportError: simulated broken install" in lines[0] and "latex2sympy2.py, line 1" in lines[0]
    # numbers need no reader: a numbers-only file is still checked
    numbers = tmp_path / "numbers.yaml"
    numbers.write_text(yaml.safe_dump({"relu": {"u_3": 4, "u_5": 4}}), encoding="utf-8")
    ok = _run(["check", str(XOR), str(numbers), "--part", "relu"], env)
    assert ok.returncode == 0, ok.stderr


@pytest.mark.slow
def test_grade_with_a_reader_that_cannot_start_stops_in_one_line(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("ada", "bo", "cy"):
        (folder / f"{name}.yaml").write_text(yaml.safe_dump({"relu": {"u_3": "\\sqrt{16}"}}), encoding="utf-8")
    book = tmp_path / "book.csv"
    proc = _run(["grade", str(XOR), str(folder), "-o", str(book), "--jobs", "2"], _env(_broken_reader(tmp_path)))
    assert proc.returncode == 3
    last = proc.stderr.strip().splitlines()[-1]
    assert "Traceback" not in proc.stderr, proc.stderr
    assert last.startswith("internal error") and "simulated broken install" in last and "gradebook not written" in last
    assert not book.exists()


def test_a_parser_that_cannot_start_says_why_and_does_not_retry(tmp_path, monkeypatch):
    """Under spawn the worker imports afresh with our sys.path, where latex2sympy2 is broken."""
    from symbackprop.answers.latex import AnswerError, Parser, ReaderUnavailable
    from symbackprop.errors import InternalError
    monkeypatch.syspath_prepend(str(_broken_reader(tmp_path)))
    with Parser(start_method="spawn") as p:
        with pytest.raises(ReaderUnavailable, match="simulated broken install") as info:
            p.parse("\\sqrt{2}")                               # not plain arithmetic: the worker
        assert isinstance(info.value, InternalError) and not isinstance(info.value, AnswerError)
        assert not p.running
        with pytest.raises(ReaderUnavailable):                 # at once: no new worker for each answer
            p.parse("\\sqrt{3}")
        assert not p.running


# -- start methods: spawn (macOS, Windows) and forkserver (Python 3.14 on Linux) ----------------------
@pytest.mark.slow
@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_check_verdicts_are_the_same_under_every_start_method(tmp_path, method):
    from symbackprop.answers import Grader, Parser, Rubric
    from symbackprop.problem import load_problem
    if method not in mp.get_all_start_methods():
        pytest.skip(f"{method} is not available here")
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(ANSWERS), encoding="utf-8")
    problem = load_problem(XOR)

    def verdicts(parser):
        grader = Grader(problem, problem.grading or Rubric(), parser=parser)
        try:
            reports, problems = grader.check(answers)
            assert parser.running                           # the LaTeX went through this worker
        finally:
            grader.close()
        assert problems == []
        return {(r.part, v.qid): (v.status, v.score) for r in reports for v in r.verdicts}

    other = verdicts(Parser(start_method=method))
    assert other == verdicts(Parser())
    assert {key: other[key][0] for key in EXPECTED} == EXPECTED


@pytest.mark.slow
def test_under_spawn_an_answer_over_the_time_limit_kills_the_worker_and_the_next_gets_a_new_one():
    from symbackprop.answers.latex import AnswerError, Parser
    with Parser(start_method="spawn") as p:
        assert p.parse("\\sqrt{49}") == ("pow", ("num", "49/1"), ("num", "1/2"))
        first = p._proc.pid
        with pytest.raises(AnswerError, match="too complex"):
            p.parse("\\binom{99999990}{49999990}")           # latex2sympy2 computes it exactly: no end in sight
        assert not p.running                                  # killed, not left computing
        assert p.parse("\\sqrt{81}") == ("pow", ("num", "81/1"), ("num", "1/2"))
        assert p.running and p._proc.pid != first


@pytest.mark.slow
@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_grading_under_spawn_or_forkserver_gives_the_gradebook_of_the_default_start_method(tmp_path, method):
    """The pool and each worker's parser both spawn (macOS), or both use forkserver (Linux from
    Python 3.14), with LaTeX answers, a wrong one and a number: the rows equal those of the
    platform's default start method."""
    if method not in mp.get_all_start_methods():
        pytest.skip(f"{method} is not available here")
    from symbackprop.answers import Rubric
    from symbackprop.grade import find_submissions, grade_all, gradebook_csv
    from symbackprop.problem import load_problem
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ada.yaml").write_text(yaml.safe_dump({"relu": ANSWERS["relu"]}), encoding="utf-8")
    (folder / "bo.yaml").write_text(yaml.safe_dump({"relu": {"u_3": "\\frac{7}{3}", "u_5": 4}}), encoding="utf-8")
    (folder / "cy.yaml").write_text(yaml.safe_dump({"relu": {"u_3": "\\frac{1}{1+", "loss": "4.5"}}), encoding="utf-8")
    problem = load_problem(XOR)
    subs = find_submissions(folder)
    spawned = grade_all(problem, problem.grading or Rubric(), subs, part="relu", jobs=2,
                        context=mp.get_context(method))
    default = grade_all(problem, problem.grading or Rubric(), subs, part="relu", jobs=2)
    assert [r.status for r in spawned] == ["graded"] * 3
    assert gradebook_csv(spawned) == gradebook_csv(default)
    rows = {r.student: r for r in spawned}
    status = {(r.student, v.qid): v.status for r in spawned for rep in r.reports for v in rep.verdicts}
    assert status[("ada", "act_3")] == "correct" and status[("ada", "delta_5")] == "wrong"
    assert status[("bo", "act_3")] == "wrong" and status[("cy", "act_3")] == "unreadable"
    assert status[("cy", "loss")] == "correct" and rows["cy"].problems == []


def test_a_grading_worker_starts_its_parser_as_the_pool_starts_workers():
    """With a spawn pool (as on macOS) the parser of each grading worker spawns too: nothing forks."""
    from symbackprop import grade as grade_module
    from symbackprop.answers import Rubric
    from symbackprop.problem import load_problem
    grader = grade_module._init(load_problem(XOR), Rubric(), "relu", start_method="spawn")
    try:
        assert grader.parser.start_method == "spawn" and not grader.parser.running
    finally:
        grader.close()
