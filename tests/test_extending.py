"""Issue 11, "done when": adding an activation built from SymPy functions touches activations.py only,
a loss losses.py only, and a language one catalogue file.

Each test adds a row at runtime, where the one file would hold it (activations.TABLE/ALIASES/NAMES,
losses.TABLE/ALIASES/NAMES, a catalogue module on the messages package's path), and then runs every
command on a problem that uses it: solve in every format, solve --check, derive and check. The values
are compared with a forward pass and `sympy.diff` written here, and with central finite differences,
so that nothing expected comes from the code under test.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import math
import warnings
from pathlib import Path

import pytest
import sympy as sp
import yaml
from click.testing import CliRunner

from symbackprop import activations, losses, messages
from symbackprop.cli import main

# A 2-2-1 net with a bias unit, as problems/xor.yaml, with weights that keep no net at a kink.
WEIGHTS = {(0, 3): 0.5, (1, 3): 1.5, (2, 3): -2, (0, 4): -1, (1, 4): 0.25, (2, 4): 3,
           (0, 5): 0.75, (3, 5): -1.25, (4, 5): 2}
X = {1: 1, 2: sp.Rational(1, 2)}
TARGET = sp.Rational(3, 10)
ETA = sp.Rational(1, 2)
TEXT_FORMATS = ("text", "json", "latex", "markdown", "html")


def _problem(tmp_path: Path, activation: str, loss: str, name: str = "new") -> Path:
    doc = {
        "title": "A network with a row added at runtime",
        "network": {"inputs": [1, 2], "bias": 0, "layers": [[3, 4], [5]]},
        "weights": {i: {j: v for (a, j), v in WEIGHTS.items() if a == i} for i in (0, 1, 2, 3, 4)},
        "sample": {"x": {1: 1, 2: 0.5}, "t": {5: 0.3}},
        "loss": loss,
        "learning_rate": 0.5,
        "parts": [{"name": name, "activation": activation}],
    }
    path = tmp_path / "extended.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _reference(g, loss_of) -> dict[str, float]:
    """Every net, output, δ and gradient of the 2-2-1 net with activation g and per-sample loss
    loss_of(u, t), by a forward pass written out here and `sympy.diff` with respect to each weight."""
    w = {k: sp.Symbol(f"w_{k[0]}_{k[1]}") for k in WEIGHTS}
    x = {0: sp.Integer(1), **X}
    net3 = sum(w[(i, 3)] * x[i] for i in (0, 1, 2))
    net4 = sum(w[(i, 4)] * x[i] for i in (0, 1, 2))
    u3, u4 = g(net3), g(net4)
    net5 = w[(0, 5)] + w[(3, 5)] * u3 + w[(4, 5)] * u4
    u5 = g(net5)
    J = loss_of(u5, TARGET)
    at = {w[k]: sp.nsimplify(v) for k, v in WEIGHTS.items()}
    out = {"net_3": net3, "net_4": net4, "net_5": net5, "act_3": u3, "act_4": u4, "act_5": u5, "loss": J}
    values = {k: float(sp.N(e.subs(at), 30)) for k, e in out.items()}
    for k in WEIGHTS:
        grad = float(sp.N(sp.diff(J, w[k]).subs(at), 30))
        values[f"grad_w_{k[0]}_{k[1]}"] = grad
        values[f"new_w_{k[0]}_{k[1]}"] = WEIGHTS[k] - float(ETA) * grad
    # δ = ∂J/∂net (the default convention), by the chain through a stand-in symbol for each net
    n = sp.Symbol("n")
    for unit, net in (("5", net5),):
        values[f"delta_{unit}"] = float(sp.N(sp.diff(loss_of(g(n), TARGET), n).subs(n, net.subs(at)), 30))
    return values


def _finite_differences(g_float, loss_float) -> dict[str, float]:
    """∂J/∂w by central differences on a float forward pass (an oracle independent of SymPy)."""
    def J(ws):
        x = {0: 1.0, 1: 1.0, 2: 0.5}
        u3 = g_float(sum(ws[(i, 3)] * x[i] for i in (0, 1, 2)))
        u4 = g_float(sum(ws[(i, 4)] * x[i] for i in (0, 1, 2)))
        return loss_float(g_float(ws[(0, 5)] + ws[(3, 5)] * u3 + ws[(4, 5)] * u4), 0.3)
    h, out = 1e-6, {}
    for k in WEIGHTS:
        up, down = dict(WEIGHTS), dict(WEIGHTS)
        up[k] += h
        down[k] -= h
        out[f"grad_w_{k[0]}_{k[1]}"] = (J(up) - J(down)) / (2 * h)
    return out


def _run(args: list[str], code: int = 0) -> str:
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == code, (args, result.exit_code, result.output)
    return result.output


def _solve_every_format(path: Path, tmp_path: Path, extra: tuple[str, ...] = ()) -> dict:
    """solve in every text format (each non-empty, none naming an error) and the JSON's quantities."""
    outputs = {}
    for fmt in TEXT_FORMATS:
        out = _run(["solve", str(path), "--format", fmt, *extra])
        assert out.strip() and "Traceback" not in out, fmt
        outputs[fmt] = out
    return json.loads(outputs["json"])["parts"][0]["quantities"], outputs


def _assert_values(quantities: dict, expected: dict[str, float], rel: float = 1e-9) -> None:
    for qid, value in expected.items():
        assert quantities[qid]["value"] == pytest.approx(value, rel=rel, abs=1e-12), qid


def _check_answers(path: Path, tmp_path: Path, expected: dict[str, float]) -> None:
    """check credits the reference values in full (exit 0) and finds a wrong δ wrong (exit 1)."""
    right = {qid: round(v, 6) for qid, v in expected.items() if qid.startswith(("delta_", "grad_w_", "new_w_"))}
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(right), encoding="utf-8")
    report = json.loads(_run(["check", str(path), str(answers), "--format", "json"]))
    assert report, report
    wrong = dict(right, delta_5=round(-2 * right["delta_5"] - 0.5, 6))
    answers.write_text(yaml.safe_dump(wrong), encoding="utf-8")
    _run(["check", str(path), str(answers)], code=1)


# -- an activation: activations.py only ----------------------------------------------------------------

def _probit(x):
    return sp.erfc(-x / sp.sqrt(2)) / 2


# Rows a maintainer would add to activations.py: (name, alias, the row, g in SymPy, g in floats).
# arctan uses functions every backend knows; probit, the normal CDF, uses erfc, which NumPy lacks.
NEW_ACTIVATIONS = {
    "arctan": ("atan", activations.ActivationSpec(lambda x: sp.atan(x), lambda x, y: 1 / (1 + x**2),
                                                  description="g(x) = arctan x, g' = 1/(1 + x^2)"),
               sp.atan, math.atan),
    "probit": ("normal_cdf", activations.ActivationSpec(
                   _probit, lambda x, y: sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi),
                   description="g(x) = Phi(x) = erfc(-x/sqrt 2)/2, g' = phi(x)"),
               _probit, lambda v: math.erfc(-v / math.sqrt(2)) / 2),
}


def _add_activation(monkeypatch, name: str = "arctan") -> None:
    """Add the row where activations.py would hold it: TABLE, ALIASES and NAMES."""
    alias, row, _, _ = NEW_ACTIVATIONS[name]
    monkeypatch.setitem(activations.TABLE, name, row)
    monkeypatch.setitem(activations.ALIASES, alias, name)
    monkeypatch.setattr(activations, "NAMES", tuple(activations.TABLE))


@pytest.mark.parametrize("name", NEW_ACTIVATIONS)
def test_the_new_activation_row_is_its_own_derivative(monkeypatch, name):
    _add_activation(monkeypatch, name)
    spec, x = activations.TABLE[name], sp.Symbol("x", real=True)
    assert sp.simplify(sp.diff(spec.value(x), x) - spec.derivative(x, spec.value(x))) == 0


@pytest.mark.parametrize("name", ["arctan", pytest.param("probit", marks=pytest.mark.slow)])
def test_an_activation_added_to_activations_py_works_in_every_command(monkeypatch, tmp_path, name):
    _add_activation(monkeypatch, name)
    alias, _, g, g_float = NEW_ACTIVATIONS[name]
    half = lambda u, t: (t - u) ** 2 / 2
    path = _problem(tmp_path, alias, "half_squared_error")
    quantities, outputs = _solve_every_format(path, tmp_path)
    expected = _reference(g, half)
    _assert_values(quantities, expected)
    _assert_values(quantities, _finite_differences(g_float, half), rel=1e-6)
    x = sp.Symbol("x")
    assert quantities["gprime_5"]["value"] == pytest.approx(float(sp.diff(g(x), x).subs(x, expected["net_5"])))
    assert name in outputs["text"]
    _check_answers(path, tmp_path, expected)


# the same row in the other commands: the standalone LaTeX, the gradient check and derive (slow tier;
# derive in a language added as one file stays fast: test_a_language_added_as_one_catalogue_file)
@pytest.mark.slow
@pytest.mark.parametrize("name", NEW_ACTIVATIONS)
def test_an_activation_added_to_activations_py_works_in_derive_and_the_check(monkeypatch, tmp_path, name):
    _add_activation(monkeypatch, name)
    alias, _, g, g_float = NEW_ACTIVATIONS[name]
    path = _problem(tmp_path, alias, "half_squared_error")
    _run(["solve", str(path), "-o", str(tmp_path / "standalone.tex")])     # with the picture of the net
    assert "\\begin{document}" in (tmp_path / "standalone.tex").read_text(encoding="utf-8")
    assert "all agree" in _run(["solve", str(path), "--check"])
    derived = json.loads(_run(["derive", str(path), "--format", "json"]))
    assert name in json.dumps(derived)
    _run(["derive", "--activation", name, "--layers", "2,2,1"])


def test_an_unknown_activation_still_names_the_added_row(monkeypatch, tmp_path):
    _add_activation(monkeypatch)
    path = _problem(tmp_path, "arctangent", "half_squared_error")
    out = _run(["solve", str(path)], code=2)
    assert "arctan" in out and "arctangent" in out


# -- a loss: losses.py only ----------------------------------------------------------------------------

def _log_cosh(u, t):
    return sp.Add(*[sp.log(sp.cosh(uk - tk)) for uk, tk in zip(u, t)])


def _add_log_cosh(monkeypatch) -> None:
    """The row a maintainer would add to losses.py: J = Σ_k ln cosh(u_k − t_k)."""
    row = losses.Loss("log_cosh", _log_cosh, "sum_k ln cosh(u_k - t_k)")
    monkeypatch.setitem(losses.TABLE, "log_cosh", row)
    monkeypatch.setitem(losses.ALIASES, "logcosh", "log_cosh")
    monkeypatch.setattr(losses, "NAMES", tuple(losses.TABLE))


@pytest.mark.slow
def test_a_loss_added_to_losses_py_works_in_every_command(monkeypatch, tmp_path):
    _add_log_cosh(monkeypatch)
    sigmoid = lambda x: 1 / (1 + sp.exp(-x))
    log_cosh = lambda u, t: sp.log(sp.cosh(u - t))
    path = _problem(tmp_path, "sigmoid", "logcosh")
    quantities, outputs = _solve_every_format(path, tmp_path)
    expected = _reference(sigmoid, log_cosh)
    _assert_values(quantities, expected)
    fd = _finite_differences(lambda v: 1 / (1 + math.exp(-v)), lambda u, t: math.log(math.cosh(u - t)))
    _assert_values(quantities, fd, rel=1e-6)
    assert "log_cosh" in outputs["text"]
    assert "all agree" in _run(["solve", str(path), "--check"])
    derived = json.loads(_run(["derive", str(path), "--format", "json"]))
    assert "log_cosh" in json.dumps(derived)
    _run(["derive", "--loss", "log_cosh", "--layers", "2,2,1"])
    _check_answers(path, tmp_path, expected)


@pytest.mark.slow
def test_a_new_activation_and_a_new_loss_together(monkeypatch, tmp_path):
    _add_activation(monkeypatch)
    _add_log_cosh(monkeypatch)
    path = _problem(tmp_path, "arctan", "log_cosh")
    quantities, _ = _solve_every_format(path, tmp_path)
    _assert_values(quantities, _reference(sp.atan, lambda u, t: sp.log(sp.cosh(u - t))))
    assert "all agree" in _run(["solve", str(path), "--check"])
    _run(["derive", str(path)])


# -- a language: one catalogue file --------------------------------------------------------------------

def test_a_language_added_as_one_catalogue_file(monkeypatch, tmp_path):
    """A catalogue file `fr.py` dropped beside en.py and zh.py (here: in a folder on the package's
    path) is a `--lang` choice of every command, and its sentences are the ones said."""
    from symbackprop.messages import en
    book = dict(en.MESSAGES)
    book["section.forward"] = "Propagation avant"
    book["derive.document_title"] = "{title} : règles générales"
    book["gradcheck.agree"] = "tout concorde"
    folder = tmp_path / "catalogues"
    folder.mkdir()
    (folder / "fr.py").write_text(f"MESSAGES = {book!r}\n", encoding="utf-8")
    monkeypatch.setattr(messages, "__path__", [*messages.__path__, str(folder)])
    monkeypatch.setattr(messages, "_CATALOGUES", dict(messages._CATALOGUES))   # the loaded ones, restored after
    assert "fr" in messages.languages()

    xor = str(Path(__file__).resolve().parent.parent / "problems" / "xor.yaml")
    with warnings.catch_warnings():
        warnings.simplefilter("error", messages.MissingMessage)   # every id is in the new file
        checked = _run(["solve", xor, "--part", "sigmoid", "--lang", "fr", "--check"])
        assert "tout concorde" in checked and "Propagation avant" in checked      # the solution, then the check
    monkeypatch.undo()
    assert "fr" not in messages.languages() and "fr" not in messages._CATALOGUES


@pytest.mark.slow      # the other commands in the added language, and HTML (fast: `solve --check`, the test above)
def test_a_language_added_as_one_catalogue_file_in_every_command(monkeypatch, tmp_path):
    from symbackprop.messages import en
    book = dict(en.MESSAGES)
    book["section.forward"] = "Propagation avant"
    book["derive.document_title"] = "{title} : règles générales"
    folder = tmp_path / "catalogues"
    folder.mkdir()
    (folder / "fr.py").write_text(f"MESSAGES = {book!r}\n", encoding="utf-8")
    monkeypatch.setattr(messages, "__path__", [*messages.__path__, str(folder)])
    monkeypatch.setattr(messages, "_CATALOGUES", dict(messages._CATALOGUES))
    xor = str(Path(__file__).resolve().parent.parent / "problems" / "xor.yaml")
    with warnings.catch_warnings():
        warnings.simplefilter("error", messages.MissingMessage)
        assert "Propagation avant" in _run(["solve", xor, "--part", "sigmoid", "--lang", "fr"])
        assert "Propagation avant" in _run(["solve", xor, "--part", "sigmoid", "--lang", "fr", "--format", "html"])
        assert "règles générales" in _run(["derive", xor, "--lang", "fr"])
        answers = tmp_path / "answers.yaml"
        answers.write_text("delta_5: 1\n", encoding="utf-8")
        _run(["check", xor, str(answers), "--part", "sigmoid", "--lang", "fr"], code=1)


def test_the_gradient_check_evaluates_sympy_functions_numpy_lacks():
    """The finite differences of `solve --check` run in NumPy; a function NumPy has no name for (erfc,
    of the probit row) is evaluated number by number, with NaN where it is undefined, not a crash."""
    import numpy as np

    from symbackprop.gradcheck import LossGraph
    a, b = sp.symbols("a b", real=True)
    J = sp.erfc(a) * b + sp.log(b)
    graph = LossGraph(J, [a, b])
    grid = np.array([[0.5, -1.0, 0.3], [2.0, 3.0, -1.0]])
    got = np.asarray(graph.float_values(grid), dtype=np.float64)
    want = [math.erfc(x) * y + math.log(y) if y > 0 else math.nan for x, y in grid.T]
    assert np.allclose(got, want, equal_nan=True)


@pytest.mark.slow       # lists and differentiates every row: about 2 s
def test_a_new_row_keeps_the_suites_name_lists_true(monkeypatch):
    """The tests that quote the tables' lists ("known: …", `symbackprop list`) read the tables as they are:
    a row added to activations.py and one to losses.py make no other test file wrong (issue 11: one file)."""
    _add_activation(monkeypatch)
    _add_log_cosh(monkeypatch)
    from test_cli12 import test_list_derivatives_agree_with_sympy_diff, test_list_formats_and_language
    from test_zh_errors import CORPUS, _error, expected_en, text_of
    corpus = dict(CORPUS)
    for cid in ("unknown_activation", "unknown_loss", "no_activation", "loss_not_text"):
        line = str(text_of(_error(corpus[cid])))      # read afresh: test_zh_errors keeps its cases' errors
        assert line == expected_en(cid)
        assert "arctan" in line or "log_cosh" in line
    test_list_derivatives_agree_with_sympy_diff()
    test_list_formats_and_language()


@pytest.mark.slow       # a fresh interpreter: the row must be in activations.py before the package reads it
def test_an_activation_added_to_activations_py_is_a_graph_function(tmp_path):
    """A row of activations.py is a function graph formulas may call (formula.py reads the table): the row is
    added where the file would hold it, before anything else of the package is imported."""
    graph = tmp_path / "g.yaml"
    graph.write_text("title: g\nmodel: graph\ninputs: {x: 3}\nparameters: [x]\nnodes:\n  f: softsign(x)\n",
                     encoding="utf-8")
    script = (
        "import sympy as sp, symbackprop.activations as a\n"
        "a.TABLE['softsign'] = a.ActivationSpec(lambda x: x / (1 + sp.Abs(x)), lambda x, y: (1 - sp.Abs(y))**2)\n"
        "a.NAMES = tuple(a.TABLE)\n"
        "from symbackprop import solve\n"
        f"g = solve({str(graph)!r})\n"
        "print(g.values['f'], g.gradients['x'])\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env={k: v for k, v in os.environ.items() if k != "SYMBACKPROP_LANG"})
    assert proc.returncode == 0, proc.stderr
    # softsign(3) = 3/4; its derivative 1/(1 + 3)² = 1/16
    assert proc.stdout.split() == ["3/4", "1/16"]


def _softsign_problem(tmp_path):
    text = (Path(__file__).resolve().parent.parent / "problems" / "xor.yaml").read_text(encoding="utf-8").split("parts:")[0]
    path = tmp_path / "soft.yaml"
    path.write_text(text + "parts:\n  - {name: ss, activation: softsign}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("derivative, agrees", [
    (lambda x, y: (1 - sp.Abs(y)) ** 2, True),          # softsign' = 1/(1 + |x|)² = (1 − |g|)²: right
    (lambda x, y: 1 - sp.Abs(y), False),                # a wrong derivative is still found wrong
])
def test_a_row_whose_second_derivative_jumps_is_checked_right_at_its_jump(monkeypatch, tmp_path, derivative, agrees):
    """softsign x/(1 + |x|) is differentiable at 0, but g'' jumps there; net_4 = −6 + 6 = 0 in xor's numbers.
    The central difference at h = 1e-6 is then off by about 3e-6 (order h): `solve --check` takes finer steps
    where they converge to the chain rule's value, and only there."""
    from symbackprop.gradcheck import check_part
    from symbackprop.solution import solve
    row = activations.ActivationSpec(lambda x: x / (1 + sp.Abs(x)), derivative)
    monkeypatch.setitem(activations.TABLE, "softsign", row)
    monkeypatch.setattr(activations, "NAMES", tuple(activations.TABLE))
    psol = solve(_softsign_problem(tmp_path)).parts[0]
    assert psol.step("net_4").value == 0
    assert check_part(psol).ok is agrees
