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


@pytest.mark.parametrize("formula, kinks", [
    ("x/(1+abs(x))", ()),         # g' = 1/(1 + |x|)²: 1 on both sides of 0
    ("x*abs(x)", ()),             # g' = 2|x|: 0 on both sides
    ("abs(x)", (0,)),             # g' = sign x: −1 and 1
    ("relu(x)", (0,)),
    ("max(x, 0.1*x)", (0,)),      # 0.1 and 1
])
def test_an_abs_that_leaves_the_formula_differentiable_is_no_kink(formula, kinks):
    from symbackprop.activation_formula import formula_activation
    assert formula_activation(formula).kinks == kinks


def test_a_smooth_formula_at_zero_has_no_kink_note_and_its_check_agrees(tmp_path):
    from symbackprop.gradcheck import check_part
    text = (PROBLEMS / "xor.yaml").read_text(encoding="utf-8").split("parts:")[0]
    path = tmp_path / "soft.yaml"
    path.write_text(text + 'parts:\n  - {name: ss, activation: {formula: "x/(1+abs(x))"}}\n', encoding="utf-8")
    psol = symbackprop.solve(path).parts[0]
    assert psol.step("net_4").value == 0                       # −6 + 6, xor's numbers
    assert psol.step("gprime_4").value == 1                    # 1/(1 + 0)²
    assert not [n for n in psol.conventions if n.kind == "kink"]
    assert check_part(psol).ok
