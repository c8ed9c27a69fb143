"""Session 15, task A (issue 13): a value written as its rounding to the places asked with the trailing zeros
left out is right; a note where a parameter's name is a letter of the optimizer's rule."""
from __future__ import annotations

import json
import math
import textwrap

import pytest
from click.testing import CliRunner

from symbackprop.answers import check_submission
from symbackprop.answers.compare import Tolerance, compare_number
from symbackprop.cli import main
from helpers import quadratic_graph


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


# -- 1. trailing zeros left out ------------------------------------------------------------------------------

@pytest.mark.parametrize("given, decimals, expected, status", [
    (0.13, 2, 0.129996, "correct"),          # 0.129996 to 4 places: 0.1300
    (-0.05, 2, -0.0499999999975, "correct"),  # -0.0500
    (0.98, 2, 0.98201, "imprecise"),         # 0.9820: 0.98 says less than that
    (0.982, 3, 0.98201, "correct"),          # 0.9820 without its last 0
    (0.05, 2, 0.0512, "imprecise"),          # 0.0512 to 4 places is 0.0512: right to 2 places only
    (0.051, 3, 0.0512, "imprecise"),
    (0.13, 2, 0.12994, "imprecise"),         # 0.1299 to 4 places: 0.13 is not it
    (0.1, 1, 0.1299, "imprecise"),           # 0.1299 to 1 place
    (0, 0, 0.00004, "correct"),              # 0.0000 to 4 places
    (1, 0, 0.99996, "correct"),              # 1.0000
    (1, 0, 0.982, ""),                       # 0.9820: 1 shows no digit of it, as before
])
def test_the_rounding_without_its_trailing_zeros(given, decimals, expected, status):
    assert compare_number(given, decimals, expected, Tolerance(precision=4)).status == status


def test_the_rounding_at_significant_figures():
    # 1.49996 at 4 significant figures is 1.500, 3 decimal places (steps.StepChecker.tol_for): 1.5 says that
    assert compare_number(1.5, 1, 1.49996, Tolerance(precision=3)).status == "correct"
    # by hand: 1.4996 to 3 places is 1.500 (…96 rounds up), so 1.5 is right there too; 1.4994 is 1.499
    assert compare_number(1.5, 1, 1.4996, Tolerance(precision=3)).status == "correct"
    assert compare_number(1.5, 1, 1.4994, Tolerance(precision=3)).status == "imprecise"


def test_follow_through_interval_takes_the_same_rule():
    from symbackprop.answers.compare import compare_within
    tol = Tolerance(precision=4)

    def compare(v, d, target):
        return compare_number(v, d, target, tol)
    # the centre's own 4-place rounding without its zeros is right: 0.049996 is 0.0500, so 0.05
    assert compare_within(compare, 0.05, 2, 0.049996, (1e-4, 1e-4), tol).status == "correct"
    # the student's own values give 0.04993 ± 0.0001: 0.0500 (4 places) lies in it and is right; 0.05 is only
    # some point of the interval, not the centre's rounding (0.0499): imprecise, as before (test_gjudge11's
    # 0.355 from h = 0.701)
    assert compare(0.05, 2, 0.04993).status == "imprecise"
    assert compare_within(compare, 0.05, 2, 0.04993, (1e-4, 1e-4), tol).status == "imprecise"
    assert compare_within(compare, 0.0500, 4, 0.04993, (1e-4, 1e-4), tol).status == "correct"
    # 0.98 for 0.98201 ± 0.0001 (0.98191 … 0.98211, every point 0.9819 … 0.9821 at 4 places): right to 2 only
    assert compare_within(compare, 0.98, 2, 0.98201, (1e-4, 1e-4), tol).status == "imprecise"


ADAGRAD = """\
    title: One weight, Adagrad
    model: graph
    inputs: {x: 1, w: 0.5, t: 0}
    parameters: [w]
    nodes:
      y: w*x
      L: (y - t)^2
    output: L
    optimizer: {name: adagrad, lr: 0.05, eps: 1e-10}
    steps: 1
    """


def test_adagrad_first_step_written_without_trailing_zeros_is_right(tmp_path):
    problem = _write(tmp_path, "ag.yaml", ADAGRAD)
    # by hand: g = 2(w·x − t)·x = 1, G = 1, Δθ = −η·g/√(G + ε) = −0.05/√(1 + 1e-10) = −0.0499999999975
    delta = -0.05 / math.sqrt(1 + 1e-10)
    assert f"{delta:.4f}" == "-0.0500" and abs(delta + 0.0499999999975) < 1e-15
    answers = _write(tmp_path, "a.yaml", "step1.update_w: -0.05\nstep1.new_w: 0.45\nstep1.grad_w: 1\n")
    out = _run("check", problem, answers)
    assert out.exit_code == 0, out.output
    assert "imprecise" not in out.output
    reports, problems = check_submission(problem, answers)
    by = {v.qid: v for v in reports[0].verdicts}
    assert problems == []
    assert by["step1.update_w"].status == "correct" and by["step1.new_w"].status == "correct"
    assert by["step1.update_w"].expected == pytest.approx(delta, abs=1e-15)
    # 4 places, with the zeros, is right as before; 2 places of a value that is not x.xx00 stays imprecise
    fewer = _write(tmp_path, "b.yaml", "step1.update_w: -0.0500\nstep1.new_w: 0.4\n")
    by = {v.qid: v for v in check_submission(problem, fewer)[0][0].verdicts}
    assert by["step1.update_w"].status == "correct"
    assert by["step1.new_w"].status == "imprecise"            # 0.4500: 0.4 is right to 1 place only


def test_graph_and_network_values_follow_the_same_rule(tmp_path):
    # p = σ(4) = 0.98201…: 0.9820 to 4 places
    p = 1 / (1 + math.exp(-4))
    assert f"{p:.4f}" == "0.9820"
    graph = _write(tmp_path, "g.yaml", """\
        model: graph
        inputs: {s: 4}
        nodes:
          p: sigmoid(s)
        """)
    for given, status in (("0.982", "correct"), ("0.98", "imprecise"), ("0.9820", "correct")):
        answers = _write(tmp_path, "a.yaml", f"p: {given}\n")
        by = {v.qid: v for v in check_submission(graph, answers)[0][0].verdicts}
        assert by["p"].status == status, given
    # the lecture's network (problems/xor.yaml, part sigmoid): u_3 = σ(net_3) = σ(4)
    from conftest import PROBLEMS
    for given, status in (("0.982", "correct"), ("0.98", "imprecise")):
        answers = _write(tmp_path, "n.yaml", f"sigmoid:\n  u_3: {given}\n")
        data = json.loads(_run("check", PROBLEMS / "xor.yaml", answers, "--format", "json").output)
        items = {i["id"]: i for part in data["parts"] for i in part["items"]}
        assert items["act_3"]["status"] == status, given


# -- 2. a parameter whose name is a letter of the optimizer's rule ------------------------------------------

QUADRATIC = quadratic_graph("{OPTIMIZER}", 1, title="The lecture's quadratic form")

NAMES = """\
    model: graph
    inputs: {x: 2, theta: 0.5, m: -1, v: 0.3, k: 1, t: 1}
    parameters: [PARAMS]
    nodes:
      y: theta*x + m*v + k
      L: (y - t)^2
    optimizer: {name: adam, lr: 0.1}
    steps: 1
    """


def _solve(path, *args):
    out = _run("solve", path, *args)
    assert out.exit_code == 0, out.output
    return out.output


def test_torch_momentum_buffer_b_and_a_parameter_b(tmp_path):
    torch = _write(tmp_path, "q.yaml", QUADRATIC.replace("{OPTIMIZER}", "{name: momentum, lr: 0.01, momentum: 0.9, "
                                                                         "form: pytorch}"))
    text = _solve(torch)
    assert "b_t(b_1) = b_{t−1}(b_1)·μ + g_t(b_1)" in text      # the print the note explains
    note = ("Here b is the name of a parameter and also a letter of the rule: in b_t(b_1), b_t is the rule's "
            "quantity and b_1, in the brackets, is the parameter")
    assert text.count(note) == 1 and text.count("Here ") == 1
    assert text.index(note) < text.index("Step 1 of 1")          # in the optimizer section
    zh = _solve(torch, "--lang", "zh")
    assert zh.count("此处 b 既是参数名，也是更新规则中的字母：在 b_t(b_1) 中，b_t 是规则中的量，括号中的 b_1 是参数") == 1
    assert "Here" not in zh
    for fmt, words in (("markdown", "$b_t(b_1)$"), ("latex", "$b_t(b_1)$"), ("html", 'alttext="b_t(b_1)"')):
        out = _solve(torch, "--format", fmt)
        assert out.count("is the name of a parameter and also a letter of the rule") == 1, fmt
        assert words in out, fmt
    # the lecture's momentum keeps its velocity in v: no letter of the rule (v, g, θ) names a parameter
    lecture = _write(tmp_path, "l.yaml", QUADRATIC.replace("{OPTIMIZER}", "{name: momentum, lr: 0.01, momentum: 0.9}"))
    text = _solve(lecture)
    assert "v_t(b_1)" in text and "letter of the rule" not in text and "Here " not in text


def test_adam_parameters_named_theta_m_v(tmp_path):
    clash = _write(tmp_path, "n.yaml", NAMES.replace("PARAMS", "theta, m, k"))
    text = _solve(clash)
    assert "m_t(m) = " in text and "θ_t(θ) = " in text
    note = ("Here θ, m are names of parameters and also letters of the rule: in θ_t(θ), m_t(m), the symbol before "
            "the brackets is the rule's quantity and the one in the brackets is the parameter")
    assert text.count(note) == 1 and text.count("Here ") == 1
    assert _solve(clash, "--lang", "zh").count("此处 θ，m 既是参数名，也是更新规则中的字母：在 θ_t(θ)，m_t(m) 中") == 1
    one = _write(tmp_path, "one.yaml", NAMES.replace("PARAMS", "v, k"))
    assert _solve(one).count("Here v is the name of a parameter and also a letter of the rule: in v_t(v), v_t is "
                             "the rule's quantity and v, in the brackets, is the parameter") == 1
    none = _write(tmp_path, "none.yaml", NAMES.replace("PARAMS", "k"))
    text = _solve(none)
    assert "m_t(k)" in text and "letter of the rule" not in text
    assert "参数名" not in _solve(none, "--lang", "zh")


@pytest.mark.slow
def test_a_network_whose_weights_are_written_m_with_adam(tmp_path):
    from conftest import PROBLEMS
    text = (PROBLEMS / "xor_adam.yaml").read_text(encoding="utf-8")
    renamed = text.replace("notation: {weight: from_to,", "notation: {weight_symbol: m, weight: from_to,")
    assert renamed != text
    out = _solve(_write(tmp_path, "m.yaml", renamed.replace("\nsteps: 5", "\nsteps: 1")))
    assert "m_t(m_{03}) = β₁·m_{t−1}(m_{03})" in out
    assert out.count("Here m is the name of a parameter and also a letter of the rule: in m_t(m_{03}), m_t is the "
                     "rule's quantity and m_{03}, in the brackets, is the parameter") == 1
    plain = _solve(_write(tmp_path, "w.yaml", text.replace("\nsteps: 5", "\nsteps: 1")))
    assert "m_t(w_{03})" in plain and "letter of the rule" not in plain
