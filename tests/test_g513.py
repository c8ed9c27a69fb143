"""Session 13, task G5 (trial t16 items 3, 8, 9, 16, 17): an edge written with a comma in the problem's own
index order (weight: to_from), the Python API (a dict of answers, clear errors for wrong argument types,
print(report)), grade's counts and its rows not graded, and derive's rule of the input gradients."""
from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path

import pytest
import sympy as sp
from click.testing import CliRunner

import symbackprop
from symbackprop.answers import check_submission
from symbackprop.apiargs import ArgumentError
from symbackprop.cli import main
from symbackprop.problem import load_problem
from symbackprop.rule_check import check_input_gradient, derive_for_part, solution_values
from symbackprop.symbolic_rules import PER_SAMPLE, N, c, delta_h, delta_o, i, n_H, n_s, w_h, w_o

DATA = Path(__file__).parent / "data" / "g513"
ROOT = Path(__file__).parent.parent
MITCHELL = DATA / "mitchell.yaml"          # weight: to_from, delta: minus_dJ_dnet, 2-2-2-1 sigmoid
NIELSEN = DATA / "nielsen.yaml"            # unit_names, softsign, loss none, input_gradients


def sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v))


def mitchell_loss(x1: float = 0.5, x2: float = 1.0, w75: float = 1.1) -> tuple[float, float, float]:
    """E of tests/data/g513/mitchell.yaml by hand (plain floats), with o_5 and o_7: a second path to solve's."""
    o3 = sigmoid(0.1 + 0.3 * x1 - 0.4 * x2)
    o4 = sigmoid(-0.2 + 0.6 * x1 + 0.2 * x2)
    o5 = sigmoid(0.05 + 0.7 * o3 + 0.4 * o4)
    o6 = sigmoid(0.1 - 0.5 * o3 + 0.9 * o4)
    o7 = sigmoid(-0.1 + w75 * o5 - 0.8 * o6)
    return 0.5 * (0.9 - o7) ** 2, o5, o7


def central(f, v: float, h: float = 1e-6) -> float:
    return (f(v + h) - f(v - h)) / (2 * h)


def verdicts(reports) -> dict[str, str]:
    return {v.qid: v.status for r in reports for v in r.verdicts if v.points}


# -- item 3: w_{7,5} under weight: to_from ----------------------------------------------------------------

def _w75_answers() -> dict[str, float]:
    """∂E/∂w_75, Δw_75 and w_75^new to 4 places, by finite differences of the hand forward pass."""
    grad = central(lambda w: mitchell_loss(w75=w)[0], 1.1)       # ≈ −0.0589 (the trial's value)
    return {"grad": round(grad, 4), "update": round(-0.05 * grad, 4), "new": round(1.1 - 0.05 * grad, 4)}


@pytest.mark.parametrize("edge", ["7,5", "7, 5", "7 ,5", " 7 , 5 ", "75"])
def test_comma_and_space_spellings_of_an_edge_under_to_from(edge):
    want = _w75_answers()
    assert want == {"grad": -0.0589, "update": 0.0029, "new": 1.1029}      # the trial's numbers, by hand too
    answers = {rf"\frac{{\partial E}}{{\partial w_{{{edge}}}}}": want["grad"],
               rf"\Delta w_{{{edge}}}": want["update"], f"w_{{{edge}}}^{{new}}": want["new"]}
    reports, not_read = check_submission(MITCHELL, answers)
    assert not_read == []
    assert verdicts(reports) == {"grad_w_5_7": "correct", "update_w_5_7": "correct", "new_w_5_7": "correct"}


def test_the_other_index_order_is_a_hint_not_a_reading():
    # under to_from w_{5,7} would be the weight into 5 from 7, which the network does not have: never read as
    # w_75, but the hint names it and the convention
    reports, not_read = check_submission(MITCHELL, {r"\Delta w_{5,7}": 0.0029})
    assert verdicts(reports) == {}
    assert len(not_read) == 1 and "Δw_{75}" in not_read[0] and "w_{ji}" in not_read[0]


@pytest.mark.slow
def test_from_to_comma_still_read():
    # the control of the trial: soft3b (from_to) reads w_{3,6} as w_36
    reports, not_read = check_submission(DATA / "soft3b.yaml", {r"\Delta w_{3,6}": -0.1475, "w_{3,6}^{new}": 0.3525})
    assert not_read == [] and set(verdicts(reports)) == {"update_w_3_6", "new_w_3_6"}


@pytest.mark.slow
def test_unit_names_edge_with_the_units_as_shown():
    # nielsen: w_{i1,h1} = 1, η = 1, C = o_1: δ_h1 = g'(net_h1)·w_{h1,o1} = 2/(1 + 1.5)² = 0.32 by hand,
    # so Δw_{i1,h1} = −δ_h1·i_1 = −0.32 and w^new = 0.68; h_1 is how the solution writes unit h1
    for key in (r"\Delta w_{i_1,h_1}", r"\Delta w_{i_1, h_1}", r"\Delta w_{i1,h1}"):
        reports, not_read = check_submission(NIELSEN, {key: -0.32, "w_{i_1,h_1}^{new}": 0.68})
        assert not_read == [], key
        assert verdicts(reports) == {"update_w_i1_h1": "correct", "new_w_i1_h1": "correct"}, key


# -- item 8: the Python API ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_dict_of_answers_is_checked_as_the_same_answers_file(tmp_path):
    answers = {"delta_7": 0.0912, "E": "0.0671", r"\Delta w_{7,5}": 0.0029, "o_7": r"\sigma(0.1349) = 0.5337",
               "delta_8": 1}
    path = tmp_path / "a.yaml"
    path.write_text("delta_7: 0.0912\nE: '0.0671'\n'\\Delta w_{7,5}': 0.0029\n'o_7': '\\sigma(0.1349) = 0.5337'\n"
                    "delta_8: 1\n", encoding="utf-8")
    from_dict, not_read = check_submission(str(MITCHELL), answers)
    from_file, not_read_file = check_submission(str(MITCHELL), path)
    assert [(v.qid, v.status, v.score) for v in from_dict[0].verdicts] == \
        [(v.qid, v.status, v.score) for v in from_file[0].verdicts]
    assert verdicts(from_dict)["delta_7"] == "correct" and len(not_read) == 1 == len(not_read_file)
    assert "delta_8" in not_read[0]
    # nested under the part's name, as an answers file of parts writes it
    nested, _ = check_submission(MITCHELL, {"main": {"delta_7": 0.0912}})
    assert verdicts(nested) == {"delta_7": "correct"}


def test_a_dict_for_a_graph():
    # circuit.yaml: f = (x + y)·z at x = −2, y = 5, z = −4 (README): f = −12, ∂f/∂x = z = −4
    reports, not_read = check_submission(ROOT / "problems" / "circuit.yaml", {"f": -12, "grad_x": -4, "grad_z": 2})
    assert not_read == []
    assert verdicts(reports) == {"f": "correct", "grad_x": "correct", "grad_z": "wrong"}   # ∂f/∂z = x + y = 3


@pytest.mark.parametrize("call, arg", [
    (lambda: symbackprop.solve(3), "problem"),                   # never file descriptor 3
    (lambda: symbackprop.solve(None), "problem"),
    (lambda: symbackprop.solve({"x": 1}), "problem"),
    (lambda: symbackprop.solve(str(MITCHELL), parts=3), "parts"),
    (lambda: symbackprop.load_problem(3), "path"),
    (lambda: check_submission(3, "a.yaml"), "problem"),
    (lambda: check_submission(MITCHELL, 3), "answers"),
    (lambda: check_submission(MITCHELL, b"a.yaml"), "answers"),
    (lambda: check_submission(MITCHELL, {"delta_7": 0.1}, part=3), "part"),
    (lambda: check_submission(MITCHELL, {"delta_7": 0.1}, rubric=3), "rubric"),
    (lambda: check_submission(MITCHELL, {"delta_7": 0.1}, relative="1%"), "relative"),
    (lambda: check_submission(MITCHELL, {"delta_7": 0.1}, absolute=True), "absolute"),
    (lambda: check_submission(MITCHELL, {"delta_7": object()}), "answers['delta_7']"),
    (lambda: check_submission(MITCHELL, {"delta_7": None}), "answers['delta_7']"),
    (lambda: check_submission(MITCHELL, {7: 0.1}), "names of answers"),
])
def test_wrong_argument_types_give_one_clear_error(call, arg):
    with pytest.raises(ArgumentError) as err:
        call()
    assert isinstance(err.value, TypeError)
    text = str(err.value)
    assert arg in text and "must be" in text and "\n" not in text


@pytest.mark.slow
def test_solve_parts_as_one_name():
    sol = symbackprop.solve(ROOT / "problems" / "xor.yaml", parts="sigmoid")
    assert [p.part.name for p in sol.parts] == ["sigmoid"]


# -- item 9: print(report) ----------------------------------------------------------------------------------

def test_str_of_a_report_is_the_table_check_prints(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("delta_7: 0.0912\n'\\Delta w_{75}': '\\delta_7 o_5 = 0.0912 \\times 0.6465 = 0.0590'\n",
                    encoding="utf-8")
    reports, _ = check_submission(MITCHELL, path)
    text = str(reports[0])
    assert text.startswith("Part main: score ") and "η left out" in text and "PartReport(" not in text
    printed = CliRunner().invoke(main, ["check", str(MITCHELL), str(path)]).output
    assert text in printed                       # the same lines, in the same order, as `check` prints
    assert len(text) < len(printed)              # without the file name and the total line


# -- item 16: grade's counts and rows not graded --------------------------------------------------------------

@pytest.mark.slow
def test_grade_counts_agree_and_rows_not_graded_are_zero(tmp_path):
    book = tmp_path / "g.csv"
    result = CliRunner().invoke(main, ["grade", str(MITCHELL), str(DATA / "cls"), "-o", str(book)])
    err = result.stderr if hasattr(result, "stderr") else result.output
    # cls: ann.yaml, ben.md (graded), empty.md (no equation), liam/ (two answers files), kate.docx (skipped)
    progress = re.search(r"grading (\d+) submissions", err)
    title = re.search(r"Class summary: (\d+) submissions, (\d+) graded, 1 other entry skipped", result.output)
    assert progress and title, (err, result.output)
    assert int(progress.group(1)) == int(title.group(1)) == 4 and int(title.group(2)) == 2
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO(book.read_text(encoding="utf-8")))}
    items = [key for key in rows["ann"] if key not in ("student", "total", "max", "note")]
    for student in ("empty", "liam"):            # one rule for every row not graded, whatever the reason
        row = rows[student]
        assert row["total"] == "0" and row["max"] == "66" and row["note"]
        assert all(row[key] == "0" for key in items)
    assert rows["kate.docx"]["total"] == "" and rows["kate.docx"]["note"].startswith("skipped")
    assert float(rows["ann"]["total"]) > 0


# -- item 17: derive of the input gradients -------------------------------------------------------------------

def _derivation(path):
    return derive_for_part(load_problem(path).parts[0])


@pytest.mark.slow
def test_input_gradient_rule_by_hand_nielsen():
    # nielsen: softsign g(x) = x/(1+|x|), g'(x) = 1/(1+|x|)²; net_h1 = 0.5 + 1 − 3 = −1.5, net_h2 = −0.5 − 2 − 1 = −3.5;
    # C = o_1 (identity, loss none): δ_o1 = 1, δ_h1 = 2/2.5², δ_h2 = −1/4.5²
    d1, d2 = 2 / 2.5 ** 2, -1 / 4.5 ** 2
    w = {("i1", "h1"): 1, ("i1", "h2"): -2, ("i2", "h1"): 3, ("i2", "h2"): 1}

    def C(i1, i2):                               # the network by hand, for finite differences
        h1, h2 = (v / (1 + abs(v)) for v in (0.5 + i1 + 3 * i2, -0.5 - 2 * i1 + i2))
        return 0.2 + 2 * h1 - h2
    fd = (central(lambda v: C(v, -1), 1), central(lambda v: C(1, v), -1))
    dv = _derivation(NIELSEN)
    rule = dv.input_gradient.rule                # Σ_j δ_j·w_ji: evaluated with the hand δ and weights
    for r, unit in enumerate(("i1", "i2"), start=1):
        values = {delta_h[1]: d1, delta_h[2]: d2, w_h[1, r]: w[(unit, "h1")], w_h[2, r]: w[(unit, "h2")]}
        by_rule = float(rule.xreplace({i: r, n_H: 2}).doit().xreplace(values))
        assert by_rule == pytest.approx(fd[r - 1], abs=1e-8)
    assert fd[0] == pytest.approx(0.4188, abs=1e-4)            # the trial's ∂C/∂i_1 = 0.4188
    check = next(ch for ch in dv.checks if ch.id == "grad_input")
    assert check.ok and check.distinct == 2


@pytest.mark.slow
def test_input_gradient_minus_convention_two_hidden_layers():
    # Mitchell's δ = −∂E/∂net: ∂E/∂x_i = −Σ_j δ_j·w_ji; its check against solve, and solve against the hand E
    dv = _derivation(DATA / "mitchell_ig.yaml")
    assert dv.input_gradient.rule.could_extract_minus_sign()
    assert next(ch for ch in dv.checks if ch.id == "grad_input").ok
    sol = symbackprop.solve(DATA / "mitchell_ig.yaml").part("main")
    fd = central(lambda v: mitchell_loss(x1=v)[0], 0.5)
    assert sol.step("grad_x_1").float_value == pytest.approx(fd, abs=1e-9)


def test_a_wrong_input_gradient_rule_fails_its_check():
    path = ROOT / "problems" / "neuron_inputs.yaml"
    dv = _derivation(path)
    from dataclasses import replace
    rule = dv.input_gradient
    flipped = replace(dv, input_gradient=replace(rule, forms=rule.forms[:-1] + (-rule.forms[-1],)))
    values = solution_values(load_problem(path).parts[0], str(path))
    (check,) = check_input_gradient(flipped, values)
    assert not check.ok and check.distinct == 2


def test_input_gradient_without_hidden_layer():
    # neuron_inputs: f = σ(w0·x0 + w1·x1 + w2): ∂f/∂x_0 = σ'(net)·w0, the notes' 0.3932 (w0 = 2, net = 1)
    dv = _derivation(ROOT / "problems" / "neuron_inputs.yaml")
    s = sigmoid(1.0)
    values = {delta_o[1]: s * (1 - s), w_o[1, 1]: 2}
    value = float(dv.input_gradient.rule.xreplace({i: 1, c: 1}).doit().xreplace(values))
    assert value == pytest.approx(0.3932, abs=1e-4)
    assert next(ch for ch in dv.checks if ch.id == "grad_input").ok


@pytest.mark.slow
@pytest.mark.parametrize("name, scale", [("soft3b_ig.yaml", sp.Rational(1, 3)), ("soft3b_sum_ig.yaml", 1)])
def test_input_gradient_of_a_batch(name, scale):
    # a batch of 3: ∂J/∂x_i^(n) = (1/N or 1)·Σ_j δ_j^(n)·w_ij, the δ and weights of solve put in by hand here
    dv = _derivation(DATA / name)
    part = load_problem(DATA / name).parts[0]
    sol = symbackprop.solve(DATA / name).part("main")
    rule = dv.input_gradient.rule
    for n in range(3):
        for r, unit in enumerate(part.inputs, start=1):
            values = {}
            for q, u in enumerate(part.layers[0], start=1):
                values[PER_SAMPLE[delta_h][q, n + 1]] = sol.step(f"delta_{u}@{n + 1}").value
                values[w_h[q, r]] = next(w.value for w in part.weights if (w.source, w.target) == (unit, u))
            got = rule.xreplace({i: r, n_H: len(part.layers[0]), N: 3, n_s: n + 1}).doit().xreplace(values)
            by_hand = scale * sum(values[PER_SAMPLE[delta_h][q, n + 1]] * values[w_h[q, r]]
                                  for q in range(1, len(part.layers[0]) + 1))
            want = sol.step(f"grad_x_{unit}@{n + 1}").value
            assert float(got) == pytest.approx(float(by_hand), abs=1e-12)
            assert float(got) == pytest.approx(float(want), abs=1e-12)
    assert next(ch for ch in dv.checks if ch.id == "grad_input").distinct == 6


@pytest.mark.slow
def test_derive_every_format_has_the_input_gradients(tmp_path):
    runner = CliRunner()
    for fmt, marker in (("text", "Input gradients"), ("markdown", "### Input gradients"),
                        ("latex", r"\paragraph{Input gradients}"), ("html", "Input gradients")):
        out = runner.invoke(main, ["derive", str(NIELSEN), "--format", fmt])
        assert out.exit_code == 0 and marker in out.output, fmt
    data = json.loads(runner.invoke(main, ["derive", str(NIELSEN), "--format", "json"]).output)
    dv = data["derivations"][0]
    assert dv["checks"]["grad_input"]["ok"] and dv["input_gradient"]["text"].startswith("∂C/∂x_i = ")
    zh = runner.invoke(main, ["derive", str(NIELSEN), "--lang", "zh"]).output
    assert "输入的梯度" in zh and "输入不是参数" in zh
    plain = runner.invoke(main, ["derive", str(ROOT / "problems" / "xor.yaml")]).output
    assert "Input gradients" not in plain       # only a file with input_gradients: true
