"""The console script ends with os._exit after its work (cli.run): output, exit codes and exit
handlers must be exactly those of a normal exit."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import yaml

from conftest import PROBLEMS

XOR = PROBLEMS / "xor.yaml"


def _run(args, cwd=None):
    env = dict(os.environ)
    return subprocess.run([sys.executable, "-m", "symbackprop.cli", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", timeout=300, env=env, cwd=cwd)


@pytest.mark.slow
def test_all_output_is_written_and_the_exit_code_kept(tmp_path):
    proc = _run(["solve", XOR, "--format", "json"])
    assert proc.returncode == 0 and proc.stderr == ""
    data = json.loads(proc.stdout)                          # the whole document, flushed before the exit
    assert {p["name"] for p in data["parts"]} >= {"relu", "sigmoid"}
    out = tmp_path / "s.json"
    assert _run(["solve", XOR, "-o", out]).returncode == 0
    assert json.loads(out.read_text(encoding="utf-8")) == data


@pytest.mark.slow
def test_exit_codes_of_a_wrong_answer_bad_input_and_usage(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text(yaml.safe_dump({"relu": {"u_3": 5}}), encoding="utf-8")
    wrong = _run(["check", XOR, answers, "--part", "relu"])
    assert wrong.returncode == 1 and "u_3" in wrong.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("network: [", encoding="utf-8")
    broken = _run(["solve", bad])
    assert broken.returncode == 2 and len(broken.stderr.strip().splitlines()) == 1 and "Traceback" not in broken.stderr
    assert _run(["solve"]).returncode == 2                  # usage: click's own exit code
    assert _run(["--version"]).returncode == 0


def test_exit_handlers_still_run(tmp_path):
    """Child processes are stopped and atexit handlers run (os._exit alone would skip them)."""
    marker = tmp_path / "ran"
    script = (f"import atexit, sys; from pathlib import Path; atexit.register(lambda: Path({str(marker)!r}).write_text('x'));"
              f"sys.argv = ['symbackprop', '--version']; from symbackprop.cli import run; run()")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "symbackprop" in proc.stdout
    assert marker.read_text() == "x"


@pytest.mark.slow
def test_a_closed_pipe_is_not_an_error_of_ours():
    proc = subprocess.Popen([sys.executable, "-m", "symbackprop.cli", "solve", str(XOR)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.read(10)
    proc.stdout.close()
    _, err = proc.communicate(timeout=300)
    assert b"Traceback" not in err
