"""What a contributor trial found missing (issue 11): a graph solution's Python API as the README describes it,
`python -m symbackprop`, and a missing catalogue message said in one line."""
import os
import subprocess
import sys
import warnings

import pytest

import symbackprop
from symbackprop import messages

from conftest import PROBLEMS


@pytest.fixture(scope="module")
def circuit():
    return symbackprop.solve(PROBLEMS / "circuit.yaml")      # f = (x + y)·z, x = −2, y = 5, z = −4


def test_a_graph_step_by_id_or_by_name_as_written(circuit):
    # ∂f/∂x = z = −4, by hand
    for name in ("grad_x", "df/dx", "∂f/∂x", r"\frac{\partial f}{\partial x}", "dx"):
        assert circuit.step(name).id == "grad_x" and circuit.step(name).value == -4
    assert circuit.step("q").value == 3


def test_a_graph_step_that_is_none_says_which_is_close(circuit):
    with pytest.raises(KeyError, match=r"no step named 'grad_w' \(did you mean grad_\w or grad_\w\?\)"):
        circuit.step("grad_w")
    with pytest.raises(KeyError, match="use an id of `solve --format json`"):
        circuit.step("nothing at all like it")


def test_a_graph_has_its_one_part_main_and_a_short_repr(circuit):
    assert circuit.part("main") is circuit
    with pytest.raises(KeyError, match="no part named 'relu'; parts are main"):
        circuit.part("relu")
    assert repr(circuit) == "<GraphSolution circuit.yaml: output f, 10 steps>"
    assert str(circuit).splitlines()[0] == "A circuit: f = (x + y)·z" and "q = x + y = -2 + 5 = 3" in str(circuit)


def test_a_missing_catalogue_message_is_one_line():
    messages.one_line_warnings()
    line = warnings.formatwarning("message 'note.delta' missing from the 'xx' catalogue; said in English",
                                  messages.MissingMessage, "prose.py", 164, "source line")
    assert line == "warning: message 'note.delta' missing from the 'xx' catalogue; said in English\n"
    other = warnings.formatwarning("something", UserWarning, "f.py", 3, "x = 1")
    assert other.startswith("f.py:3: UserWarning: something")


@pytest.mark.slow       # a fresh interpreter
def test_python_dash_m_runs_the_command():
    env = {k: v for k, v in os.environ.items() if k != "SYMBACKPROP_LANG"}
    proc = subprocess.run([sys.executable, "-m", "symbackprop", "solve", str(PROBLEMS / "circuit.yaml")],
                          capture_output=True, text=True, encoding="utf-8", timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "f = q·z = 3 × (-4) = -12" in proc.stdout
