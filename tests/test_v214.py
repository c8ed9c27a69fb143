"""Session 14, V2 (issue 13, trial t19 items 5, 8–11, 13–15): `grade` with step ids in a rubric, the class summary's
step items, and the messages of `check` on optimizer steps.

The numbers are worked by hand here, on one linear unit u = b + w·x with x = 2, target 0, b = 0, w = 1 and
J = ½u² (∂J/∂b = u, ∂J/∂w = 2u), trained by Adam (lr 0.1, β₁ 0.9, β₂ 0.999, ε 1e-8):
  step 1: u = 2, g_w = 4, m_1 = 0.4, v_1 = 0.016, m̂_1 = 4, v̂_1 = 16, θ_1(w) = 1 − 0.1·4/4 = 0.9; b: g = 2, θ_1(b) = −0.1
  step 2: u = −0.1 + 2·0.9 = 1.7, g_w = 3.4, m_2 = 0.9·0.4 + 0.1·3.4 = 0.7,
          v_2 = 0.999·0.016 + 0.001·11.56 = 0.027544, m̂_2 = 0.7/0.19 = 3.68421, v̂_2 = 0.027544/0.001999 = 13.7789,
          θ_2(w) = 0.9 − 0.1·3.68421/√13.7789 = 0.9 − 0.099251 = 0.80075
"""
from __future__ import annotations

import csv
import io
import json
import math

import pytest
from click.testing import CliRunner

from symbackprop.cli import main

UNIT = """\
title: One linear unit, two Adam steps
network: {inputs: [1], bias: 0, layers: [[2]], activation: identity}
weights: {0: {2: 0}, 1: {2: 1}}
sample: {x: {1: 2}, t: {2: 0}}
loss: half_squared_error
optimizer: {name: adam, lr: 0.1}
steps: 2
"""
M1, V1, THETA1 = 0.4, 0.016, 0.9
M2 = 0.9 * M1 + 0.1 * 3.4
V2 = 0.999 * V1 + 0.001 * 3.4 ** 2
THETA2 = THETA1 - 0.1 * (M2 / (1 - 0.9 ** 2)) / math.sqrt(V2 / (1 - 0.999 ** 2) + 1e-8)


def _write(tmp_path, name, text):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# -- item 5: grade accepts a rubric's step ids, as check does; the summary shows the steps' items --------------

RUBRIC = "items: {new_w_1_2: 2, step1.m_w_1_2: 1, step2.m_w_1_2: 2, step2.new_w_1_2: 3}\n"


def _class(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    # ann: all right; bob: m_2 without m_1 carried over (0.1·3.4 = 0.34) and θ_2 wrong
    _write(subs, "ann.yaml", f"new_w_1_2: {THETA1:.4f}\nstep1.m_w_1_2: {M1}\nstep2.m_w_1_2: {M2:.4f}\n"
                             f"step2.new_w_1_2: {THETA2:.4f}\n")
    _write(subs, "bob.yaml", f"new_w_1_2: {THETA1:.4f}\nstep1.m_w_1_2: {M1}\nstep2.m_w_1_2: 0.34\n"
                             f"step2.new_w_1_2: 0.5\n")
    return subs


def _check_score(problem, answers, *extra):
    out = _run("check", problem, answers, "--format", "json", *extra)
    assert out.exit_code in (0, 1), out.output
    doc = json.loads(out.output)
    return sum(p["score"] for p in doc["parts"]), sum(p["max_score"] for p in doc["parts"])


@pytest.mark.slow
def test_grade_takes_step_ids_from_a_rubric_file_as_check_does(tmp_path):
    problem = _write(tmp_path, "p.yaml", UNIT)
    rubric = _write(tmp_path, "rubric.yaml", RUBRIC)
    subs = _class(tmp_path)
    book = tmp_path / "gb.csv"
    out = _run("grade", problem, subs, "-o", book, "--rubric", rubric)
    assert out.exit_code == 0, out.output
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO(book.read_text(encoding="utf-8")))}
    assert {"step1.m_w_1_2", "step2.m_w_1_2", "step2.new_w_1_2"} <= set(rows["ann"])
    assert rows["ann"]["total"] == "8" and rows["ann"]["max"] == "8"
    assert rows["bob"]["step2.m_w_1_2"] == "0" and rows["bob"]["step2.new_w_1_2"] == "0"
    for name in ("ann", "bob"):                       # grade = check alone with the same rubric
        score, top = _check_score(problem, subs / f"{name}.yaml", "--rubric", rubric)
        assert float(rows[name]["total"]) == score and float(rows[name]["max"]) == top


@pytest.mark.slow
def test_grade_takes_step_ids_from_the_problems_grading(tmp_path):
    problem = _write(tmp_path, "p.yaml", UNIT + "grading:\n  " + RUBRIC)
    subs = _class(tmp_path)
    book = tmp_path / "gb.csv"
    out = _run("grade", problem, subs, "-o", book)
    assert out.exit_code == 0, out.output
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO(book.read_text(encoding="utf-8")))}
    assert rows["ann"]["step2.new_w_1_2"] == "3" and rows["bob"]["total"] == "3"


def test_grades_check_of_a_rubric_knows_step_ids(tmp_path):
    """The parent's check of the rubric's ids (grade.rubric_ids_known, before any worker) takes step ids, and the
    problem's points count them: 2 + 1 + 2 + 3 = 8."""
    from symbackprop.errors import SymbackpropError
    from symbackprop.grade import problem_max, rubric_ids_known
    from symbackprop.problem import load_problem
    from symbackprop.rubric import read_rubric
    from symbackprop.solution import solve
    import yaml
    solution = solve(load_problem(_write(tmp_path, "p.yaml", UNIT)))
    rubric = read_rubric(yaml.safe_load(RUBRIC), "rubric.yaml", "rubric")
    rubric_ids_known(solution, rubric)
    assert problem_max(solution, rubric) == 8
    typo = read_rubric({"items": {"step2.new_w_1_9": 1}}, "rubric.yaml", "rubric")
    with pytest.raises(SymbackpropError, match="step2.new_w_1_9"):
        rubric_ids_known(solution, typo)


@pytest.mark.slow
def test_a_misspelt_step_id_in_a_rubric_is_still_refused(tmp_path):
    problem = _write(tmp_path, "p.yaml", UNIT)
    rubric = _write(tmp_path, "rubric.yaml", "items: {step2.new_w_1_9: 1}\n")
    out = _run("grade", problem, _class(tmp_path), "-o", tmp_path / "gb.csv", "--rubric", rubric)
    assert out.exit_code == 2 and "step2.new_w_1_9" in out.output


def test_the_summary_counts_step_items_without_points(tmp_path):
    """No rubric: the steps' items earn no points, yet the summary counts them, bob's m_2 missed (in process:
    grade's rows are check's, test_grade_takes_step_ids_from_a_rubric_file_as_check_does)."""
    from symbackprop.answers import Grader
    from symbackprop.grade import StudentResult, summary_markdown
    from symbackprop.problem import load_problem
    from symbackprop.rubric import Rubric
    subs = _class(tmp_path)
    grader = Grader(load_problem(_write(tmp_path, "p.yaml", UNIT)), Rubric(), warm=False)
    try:
        results = [StudentResult(name, str(subs / f"{name}.yaml"), reports=grader.check(subs / f"{name}.yaml")[0])
                   for name in ("ann", "bob")]
    finally:
        grader.close()
    summary = summary_markdown(results)
    rows = {cells[1]: cells for cells in (line.split(" | ") for line in summary.splitlines()) if len(cells) > 5}
    m2 = next(v for k, v in rows.items() if k.startswith("step 2: m_t"))
    assert m2[2:7] == ["2", "1", "0", "0", "1"]       # answered 2, right 1, missed 1
    assert "state_not_carried" in m2[-1]
    m1 = next(v for k, v in rows.items() if k.startswith("step 1: m_t"))
    assert m1[2:4] == ["2", "2"]


# -- items 9, 10, 11, 13: what is not read is said, with the id or name meant ------------------------------------

def _not_read(tmp_path, text, *extra, name="a.yaml"):
    answers = _write(tmp_path, name, text)
    out = _run("check", _write(tmp_path, "p.yaml", UNIT), answers, "--format", "json", *extra)
    assert out.exit_code in (0, 1), out.output
    doc = json.loads(out.output)
    return doc["not_read"], {i["id"]: i for p in doc["parts"] for i in p["items"]}


def test_a_step2_mapping_is_one_line_and_the_rest_is_checked(tmp_path):
    not_read, items = _not_read(tmp_path, f"step2:\n  new_w_1_2: {THETA2:.4f}\nnew_w_1_2: {THETA1:.4f}\n")
    assert len(not_read) == 1
    assert "steps: {2: {new_w_1_2: ...}}" in not_read[0] and "step2.new_w_1_2" in not_read[0]
    assert items["new_w_1_2"]["status"] == "correct"


def test_misspelt_step_ids_and_names_get_the_one_meant(tmp_path):
    text = ("stp2.new_w_1_2: 0.8\nstep2.new_w_12: 0.8\nstep2.m_hat_w_1_2: 3.7\nsteps: {2: {m_w12: 0.7}}\n"
            "m_1(w_{21}): 0.4\n")
    not_read, _ = _not_read(tmp_path, text)
    said = {line.split(": ")[1].split(":")[0]: line for line in not_read}
    assert said["stp2.new_w_1_2"].endswith("(did you mean step2.new_w_1_2?)")
    assert said["step2.new_w_12"].endswith("(did you mean step2.new_w_1_2?)")
    assert said["step2.m_hat_w_1_2"].endswith("(did you mean step2.mhat_w_1_2?)")
    assert any(line.endswith("(did you mean m_w_1_2?)") for line in not_read)      # under steps: 2: the bare id
    assert any(line.endswith("(did you mean m_1(w_{12})?)") for line in not_read)  # w_21: the edge reversed


def test_another_optimizers_state_is_said_in_yaml_and_write_ups(tmp_path):
    not_read, _ = _not_read(tmp_path, "G_1(w_{12}): 16\n")
    assert len(not_read) == 1 and "G is the state of adagrad" in not_read[0] and "(adam) keeps m, v, m̂, v̂" in not_read[0]
    not_read, _ = _not_read(tmp_path, "## Step 1\n\n$m_1(w_{12}) = 0.4$\n\n$G_1(w_{12}) = 16$\n", name="a.md")
    assert len(not_read) == 1 and "line 5" in not_read[0] and "G is the state of adagrad" in not_read[0]


def test_the_name_the_parameter_message_is_translated_for_yaml(tmp_path):
    not_read, _ = _not_read(tmp_path, "m_1: 0.4\nG_1(w_{12}): 16\nstep2:\n  new_w_1_2: 0.8\n", "--lang", "zh")
    assert len(not_read) == 3
    assert all(not any(word in line for word in ("this part", "state of", "answers go")) for line in not_read), not_read
    assert any("请写明是哪一个" in line for line in not_read)


# -- item 8: a diagnosis quotes a small state value to its significant figures ----------------------------------

SIGMOID = """\
title: One sigmoid unit, two Adam steps
network: {inputs: [1], bias: 0, layers: [[2]], activation: sigmoid}
weights: {0: {2: 0}, 1: {2: 1}}
sample: {x: {1: 1}, t: {2: 0}}
loss: half_squared_error
optimizer: {name: adam, lr: 0.1}
steps: 2
"""


def test_a_diagnosis_quotes_small_values_to_significant_figures(tmp_path):
    # u = σ(1), J = ½u²: g_w = u·u(1 − u)·x = 0.143735…; v_1 with g for g² is (1 − β₂)·g = 0.000143735…,
    # which at 4 places would be 0.0001 (the run's v_1 = 0.001·g² = 0.0000207 is far from it)
    u = 1 / (1 + math.exp(-1))
    g = u * u * (1 - u)
    wrong = 0.001 * g
    assert f"{wrong:.4g}" == "0.0001437"
    problem = _write(tmp_path, "p.yaml", SIGMOID)
    answers = _write(tmp_path, "a.yaml", f"step1.v_w_1_2: {wrong:.7f}\n")
    out = _run("check", problem, answers)
    assert out.exit_code == 1, out.output
    assert f"v_1(w_{{12}}) = {wrong:.4g} comes from" in out.output, out.output


# -- item 14: Markdown and HTML typeset an optimizer diagnosis's formulas whole -------------------------------------

def test_markdown_sets_an_optimizer_diagnosis_as_maths(tmp_path):
    # bias correction left out at step 1: θ_1 = 1 − 0.1·m_1/√v_1 = 1 − 0.1·0.4/√0.016 = 0.68377 (m_1, v_1 as above)
    wrong = THETA1 + 0.1 - 0.1 * M1 / math.sqrt(V1)
    assert abs(wrong - 0.68377) < 1e-5
    problem = _write(tmp_path, "p.yaml", UNIT)
    answers = _write(tmp_path, "a.yaml", f"new_w_1_2: {wrong:.4f}\nstep1.mhat_w_1_2: {M1:.4f}\n")
    out = _run("check", problem, answers, "--format", "markdown")
    assert out.exit_code == 1, out.output
    text = out.output
    assert "bias correction left out" in text
    assert r"$\hat{m}_t = m_t/(1 - \beta _{1}^t)$" in text, text         # the rule whole, β₁^t inside
    assert "$\\beta$₁" not in text and " m̂_t" not in text and "m̂" not in text, text
    assert r"step 1: $\hat{m}_t(w_{12})$" in text
    html = _run("check", problem, answers, "--format", "html").output
    assert "m̂_t = m_t/(1 - β₁^t)" in html and "<math" in html         # MathML, the plain rule its alttext


# -- item 15: θ_0 written w_{12}^{(0)} is the given weight; `For $w_{12}$:` before a line's values names it ----------

def test_the_weight_before_step_one_is_judged_as_the_given_weight(tmp_path):
    right = _run("check", _write(tmp_path, "p.yaml", UNIT), _write(tmp_path, "a.yaml", "w_{12}^{(0)}: 1\n"),
                 "--show-given")
    assert right.exit_code == 0 and "w_{12} (given)" in right.output and "correct" in right.output, right.output
    wrong = _run("check", tmp_path / "p.yaml", _write(tmp_path, "b.yaml", "w_{12}^{(0)}: 1.5\n"))
    assert "w_{12} = 1.5 (the problem gives 1)" in wrong.output, wrong.output


def test_for_the_parameter_on_the_line_of_its_values(tmp_path):
    text = (f"## Step 1\n\nFor $w_{{12}}$: $m_1 = {M1}$, $v_1 = {V1}$\n\n$\\hat{{m}}_1 = 4$\n\n"
            f"## Step 2\n\nFor $w_{{02}}$: $g_2 = 1.7000$\n")
    not_read, items = _not_read(tmp_path, text, name="a.md")
    assert not_read == []
    assert items["step1.m_w_1_2"]["status"] == "correct" and items["step1.v_w_1_2"]["status"] == "correct"
    assert items["step1.mhat_w_1_2"]["status"] == "correct"        # the line below: still w_{12}
    assert items["step2.grad_w_0_2"]["status"] == "correct"        # g_2(b) = u = −0.1 + 2·0.9 = 1.7 (1.7000 to 4 places)


def test_a_state_name_in_a_run_that_keeps_none(tmp_path):
    problem = _write(tmp_path, "p.yaml", UNIT.replace("name: adam", "name: sgd"))
    out = _run("check", problem, _write(tmp_path, "a.yaml", "m_1(w_{12}): 0.4\n"), "--format", "json")
    not_read = json.loads(out.output)["not_read"]
    assert len(not_read) == 1 and "m is the state of adam, adamw" in not_read[0] and "(sgd) keeps none" in not_read[0]
