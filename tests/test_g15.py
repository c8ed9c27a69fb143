"""Session 15, task G (issue 13, user trial t21 items 1, 2, 3, 5): check of optimizer steps.

The problems are t21's, copied as strings. Values worked by hand in the comments.

UNIT: y = w_02 + w_12·x, x = 2, t = 0, J = ½(y − t)², Adam (lecture) η = 0.1. Step 1: y = 0.5 + 2 = 2.5,
g_1 = (y·1, y·x) = (2.5, 5); Adam's first step moves each by η·sign(g) (m̂ = g, v̂ = g²):
θ_1 = (0.4, 0.9). Step 2: y = 0.4 + 1.8 = 2.2, g_2(w_12) = 2.2·2 = 4.4.
"""
from __future__ import annotations

import math

import pytest

from symbackprop.answers import check_submission
from helpers import T21, quadratic_graph

UNIT = """\
title: one linear unit, Adam
network: {inputs: [1], bias: 0, layers: [[2]], activation: identity}
weights: {0: {2: 0.5}, 1: {2: 1}}
sample: {x: {1: 2}, t: {2: 0}}
loss: half_squared_error
optimizer: {name: adam, lr: 0.1}
steps: 3
"""
GRADED = UNIT + "grading:\n  items: {new_w_0_2: 1, new_w_1_2: 1, grad_w_1_2: 1, step2.grad_w_1_2: 1}\n"

# x = 2, t = 3, (w, b) = (0.5, 0): y = 1, ∂L/∂w = 2(y − t)x = −8, ∂L/∂b = 2(y − t) = −4; Adagrad (torch) moves
# each by η = 0.1 against its gradient's sign at step 1: θ_1 = (0.6, 0.1)
GRAPH = """\
title: A linear model as a graph, two Adagrad steps
model: graph
inputs: {x: 2, w: 0.5, b: 0, t: 3}
parameters: [w, b]
nodes: {y: w*x + b, L: (y - t)^2}
output: L
optimizer: {name: adagrad, lr: 0.1, form: pytorch}
steps: 2
"""


def _check(tmp_path, problem: str, answers: str, name: str = "a.yaml"):
    p = tmp_path / "p.yaml"
    p.write_text(problem, encoding="utf-8")
    a = tmp_path / name
    a.write_text(answers, encoding="utf-8")
    reports, problems = check_submission(p, a)
    assert not problems, problems
    return reports[0], {v.qid: v for v in reports[0].verdicts}


# -- item 1: a step-1 value by any name the docs list is today's item ----------------------------------------

@pytest.mark.parametrize("name,answers", [
    ("a.md", "## Step 1\n$w_{12}^{(1)} = 0.9000$\n$g_1(w_{12}) = 5$\n"),
    pytest.param("a.md", "$\\theta_1(w_{12}) = 0.9000$\n\n$g_1(w_{12}) = 5$\n", marks=pytest.mark.slow),
    pytest.param("a.md", "## Step 1\nFor $w_{12}$:\n$g_t = 5$\n$\\theta_t = 0.9000$\n", marks=pytest.mark.slow),
    ("a.yaml", '"\\\\theta_1(w_{12})": 0.9000\n"g_1(w_{12})": 5\n'),
    pytest.param("a.yaml", '"w_{12}^{(1)}": 0.9000\n"g^{(1)}(w_{12})": 5\n', marks=pytest.mark.slow),
    ("a.yaml", "step1.new_w_1_2: 0.9000\nstep1.grad_w_1_2: 5\n"),     # the ids: the same verdicts
])
def test_step_one_by_any_name_is_todays_item(tmp_path, name, answers):
    report, v = _check(tmp_path, GRADED, answers, name)
    assert v["new_w_1_2"].status == "correct" and v["grad_w_1_2"].status == "correct"
    assert "step1.new_w_1_2" not in v and "step1.grad_w_1_2" not in v
    assert "new_w_1_2" not in report.missing and "grad_w_1_2" not in report.missing
    assert report.score == 2          # the rubric's points of new_w_1_2 and grad_w_1_2


def test_graph_step_one_gradient_by_name_is_todays_item(tmp_path):
    report, v = _check(tmp_path, GRAPH, "## Step 1\n$g_1(w) = -8$\n$\\frac{\\partial L}{\\partial b} = -4$\n"
                                        "$w^{(1)} = 0.6000$\n", "a.md")
    assert v["grad_w"].status == "correct" and v["grad_b"].status == "correct"
    assert v["step1.new_w"].status == "correct"           # a graph has no today's new_w: θ_1 is a step item
    assert report.notes == () and "grad_w" not in report.missing and "grad_b" not in report.missing


# -- item 2: one value, one verdict: a step value near 0 at the places asked --------------------------------

# t21's graph: y = xᵀAx + b·x + c at x = (1, −0.5) (p/g_adagrad_lecture.yaml); θ_1(c) worked in _theta1_c
GRAPH_ADAGRAD = quadratic_graph("{name: adagrad, lr: 0.1}", 3, title="graph adagrad lecture", **T21)


def _theta1_c() -> float:
    # by hand: xᵀAx = 0.5·1 + (−1 + 0.25)·1·(−0.5) + 2·0.25 = 0.5 + 0.375 + 0.5 = 1.375; b·x = 0.3 + 0.1 = 0.4;
    # y = 1.375 + 0.4 + 0.1 = 1.875, ∂L/∂c = 2(y − t) = 1.75; lecture Adagrad: G_1 = 3.0625,
    # θ_1 = 0.1 − 0.1·1.75/√(3.0625 + 1e-8) = 1.633e-10 (η short by ε only)
    return 0.1 - 0.1 * 1.75 / math.sqrt(3.0625 + 1e-8)


@pytest.mark.parametrize("answer,status", [
    ("step1.new_c: 0.0000\n", "correct"),                 # the 4 places asked
    pytest.param("'c^{(1)}': 0.0000\n", "correct", marks=pytest.mark.slow),
    ("step1.new_c: 0.0000000002\n", "correct"),          # significant figures, right as far as they go
    pytest.param("step1.new_c: 0.0001\n", "rounding", marks=pytest.mark.slow),    # one unit off at the places asked
    ("step1.new_c: 0.0000000005\n", "wrong"),            # a figure written that is wrong
])
def test_graph_theta_near_zero_at_the_places_asked(tmp_path, answer, status):
    assert 1e-10 < _theta1_c() < 2e-10
    report, v = _check(tmp_path, GRAPH_ADAGRAD, answer)
    assert v["step1.new_c"].status == status, v["step1.new_c"].message
    assert "13" not in v["step1.new_c"].message          # never "the problem asks for 13" (it asks for 4)


def test_bare_zero_is_judged_as_todays_item_is(tmp_path):
    # a bare 0 for a value ≈ 1e-10: the graph's step item (θ_1(c) = 1.633e-10) gets the verdict today's w_{02}^new
    # (θ_1(w_02) ≈ 1.1e-10, below) gets for the same 0, whatever compare.py's rule for it is
    _, graph = _check(tmp_path, GRAPH_ADAGRAD, "step1.new_c: 0\n")
    _, net = _check(tmp_path, UNIT.replace("{0: {2: 0.5}", "{0: {2: 0.1}"), "new_w_0_2: 0\n")
    assert graph["step1.new_c"].status == net["new_w_0_2"].status
    assert "13" not in str(graph["step1.new_c"].message)


def test_network_theta_near_zero_same_verdict_by_id_and_name(tmp_path):
    # UNIT with w_02 = 0.1: Adam's step 1 moves it by η·g/√(g² + ε) = 0.1·(1 − ε/(2g²)), to just above 0
    problem = UNIT.replace("{0: {2: 0.5}", "{0: {2: 0.1}")
    # y = 0.1 + 2 = 2.1, g(w_02) = 2.1, θ_1 = 0.1 − 0.1·2.1/√(4.41 + 1e-8) ≈ 1.1e-10: 0.0000 at the 4 places asked
    assert 0 < 0.1 - 0.1 * 2.1 / math.sqrt(4.41 + 1e-8) < 5e-10
    for answer in ("new_w_0_2: 0.0000\n", "step1.new_w_0_2: 0.0000\n", "'w_{02}^{(1)}': 0.0000\n",
                   "'\\theta_1(w_{02})': 0.0000\n"):
        _, v = _check(tmp_path, problem, answer)
        assert v["new_w_0_2"].status == "correct", (answer, v["new_w_0_2"].message)
    _, v = _check(tmp_path, problem, "step1.m_w_0_2: 0.2100\nstep1.v_w_0_2: 0.0044\n")   # 0.1·2.1, 0.001·4.41
    assert v["step1.m_w_0_2"].status == "correct" and v["step1.v_w_0_2"].status == "correct"


# -- item 3: g_t from the student's own θ_{t−1}, within the rounding of the θ's they wrote -------------------
# Bias correction left out at step 1 (m̂ = m, v̂ = v): θ_1(w_12) = 1 − 0.1·0.5/√0.025 = 0.683772,
# θ_1(w_02) = 0.5 − 0.1·0.25/√0.00625 = 0.183772. g_2(w_12) = x·(y − t) = 2·(θ_02 + 2·θ_12).

def _g2(theta02: float, theta12: float) -> float:
    return 2 * (theta02 + 2 * theta12)


@pytest.mark.parametrize("answers,status", [
    # θ_02 = 0.4 (right), θ_12 = 0.6838 written, 0.683772 carried: g_2 = 3.535089 ("3.5351"; 3.5352 from the
    # written 0.6838); 0.6838 ± 0.00005 moves g_2 by ± 4·0.00005 = 0.0002: 3.5351 follows, 3.5360 does not
    ({"new_w_0_2": "0.4", "new_w_1_2": "0.6838", "step2.grad_w_1_2": "3.5351"}, "follow_through"),
    pytest.param({"new_w_0_2": "0.4", "new_w_1_2": "0.6838", "step2.grad_w_1_2": "3.5360"}, "wrong",
                 marks=pytest.mark.slow),
    # both θ's without bias correction: g_2 = 3.102633 carried ("3.1026"), 3.1028 from the written ones,
    # ± (2 + 4)·0.00005 = 0.0003
    pytest.param({"new_w_0_2": "0.1838", "new_w_1_2": "0.6838", "step2.grad_w_1_2": "3.1026"}, "follow_through",
                 marks=pytest.mark.slow),
    ({"new_w_0_2": "0.1838", "new_w_1_2": "0.6838", "step2.grad_w_1_2": "3.1034"}, "wrong"),
])
def test_gradient_follows_within_the_rounding_of_the_thetas(tmp_path, answers, status):
    assert round(_g2(0.4, 1 - 0.05 / math.sqrt(0.025)), 4) == 3.5351 and round(_g2(0.4, 0.6838), 4) == 3.5352
    assert round(_g2(0.5 - 0.025 / math.sqrt(0.00625), 1 - 0.05 / math.sqrt(0.025)), 4) == 3.1026
    text = "".join(f"{k}: {v}\n" for k, v in answers.items())
    _, v = _check(tmp_path, UNIT, text)
    assert v["step2.grad_w_1_2"].status == status, v["step2.grad_w_1_2"].message


@pytest.mark.slow
def test_gradient_follows_in_a_write_up(tmp_path):
    md = "## Step 1\n$w_{02}^{(1)} = 0.1838$\n$w_{12}^{(1)} = 0.6838$\n\n## Step 2\n$g_t(w_{12}) = 3.1026$\n"
    _, v = _check(tmp_path, UNIT, md, "a.md")
    assert v["new_w_0_2"].status == "wrong" and v["new_w_0_2"].diagnosis == "bias_correction"
    assert v["step2.grad_w_1_2"].status == "follow_through"


# -- item 4 (t21 item 5): the closest mistake, charged once, never a number the student did not write --------
# two samples (x, t) = (1, 2), (2, 0), y = w_02 + w_12·x, ½(y − t)², SGD η = 0.1, per batch (mean).
# The run: g_1 = mean((−1)·(1, 1), 2·(1, 2)) = (0.5, 1.5): θ_1 = (−0.05, 0.85).
# Online (one update per sample), step 1 on sample 1 alone: g = (−1, −1), θ_1 = (0.1, 1.1) exactly;
# step 2 on sample 2 from (0.1, 1.1): y = 2.3, g = (2.3, 4.6), θ_2 = (−0.13, 0.64).
# Δw subtracted: w_12 − Δw = 1 + 0.15 = 1.15 — "1.1" only as one of its two roundings.
PER_BATCH = """\
network: {inputs: [1], bias: 0, layers: [[2]], activation: identity}
weights: {0: {2: 0}, 1: {2: 1}}
samples:
  - {x: {1: 1}, t: {2: 2}}
  - {x: {1: 2}, t: {2: 0}}
loss: half_squared_error
optimizer: {name: sgd, lr: 0.1}
update: per_batch
steps: 2
"""


def test_an_exact_mistake_wins_over_one_by_rounding(tmp_path):
    _, short = _check(tmp_path, PER_BATCH, "new_w_1_2: 1.1\n")
    _, full = _check(tmp_path, PER_BATCH, "new_w_1_2: 1.1000\n")
    assert full["new_w_1_2"].status == "wrong" and full["new_w_1_2"].diagnosis not in (None, "update_sign")
    online = full["new_w_1_2"].diagnosis                  # 1.1000: only online gives it
    assert online == "online_updates"
    assert short["new_w_1_2"].status == "wrong" and short["new_w_1_2"].diagnosis == online


def test_a_mistake_charged_once_for_the_student_who_makes_it_throughout(tmp_path):
    report, v = _check(tmp_path, PER_BATCH, "new_w_0_2: 0.1\nnew_w_1_2: 1.1\n"
                                            "step2.new_w_0_2: -0.13\nstep2.new_w_1_2: 0.64\n")
    code = v["new_w_0_2"].diagnosis
    assert v["new_w_0_2"].status == "wrong" and code is not None
    for q in ("new_w_1_2", "step2.new_w_0_2", "step2.new_w_1_2"):
        assert v[q].status == "follow_through" and v[q].diagnosis == code, (q, v[q].message)
    assert sum(x.status == "wrong" for x in report.verdicts) == 1


def test_a_short_answer_is_not_quoted_as_the_mistakes_value(tmp_path):
    # g for g² at step 1: v_1 = 0.001·5 = 0.005, v̂_1 = 5, θ_1(w_12) = 1 − 0.1·5/√5 = 0.77639 ("0.8" to 1 place)
    theta = 1 - 0.1 * 5 / math.sqrt(5 + 1e-8)
    assert round(theta, 4) == 0.7764 and round(theta, 1) == 0.8
    _, v = _check(tmp_path, UNIT, "new_w_0_2: 0.4\nnew_w_1_2: 0.8\n")
    got = v["new_w_1_2"]
    assert got.status == "wrong" and got.diagnosis == "g_for_g2", got.message
    assert "0.7764" not in str(got.message) and "= 0.8 " in str(got.message)


def test_solutions_step_one_working_reads_back(tmp_path):
    # the worked step 1 (θ_t(w_{12}) = θ_{t−1}(w_{12}) − η·m̂_t/(√v̂_t + ε) = … ≈ 0.9000) is today's w_{12}^new:
    # its working is the rule's, judged by its value; the LaTeX solution reads back at full marks
    from click.testing import CliRunner
    from symbackprop.cli import main
    p = tmp_path / "p.yaml"
    p.write_text(GRADED, encoding="utf-8")
    tex = tmp_path / "s.tex"
    assert CliRunner().invoke(main, ["solve", str(p), "--format", "latex", "--fragment", "-o", str(tex)]).exit_code == 0
    assert "\\theta_{t}(w_{12})" in tex.read_text(encoding="utf-8")
    reports, problems = check_submission(p, tex)
    assert not problems and all(v.status == "correct" for v in reports[0].verdicts), \
        [(v.qid, v.status, v.message) for v in reports[0].verdicts if v.status != "correct"]
    assert {v.qid: v for v in reports[0].verdicts}["new_w_1_2"].status == "correct"
