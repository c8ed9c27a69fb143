"""Session 14, C1 (issue 13, "Checking"): `check` reads answers for any optimizer step and for the optimizer's
state, by id (`step2.new_w_1_2`, `steps: {2: {...}}`, solve's list) and by the names students write (m_1(w_{12}),
\\hat{m}_2, θ_2, w_{12}^{(2)}, under a heading "Step 2" m_t, g_t, w^{new}); judges them against the run; follows
through from a student's own earlier steps. Every expected value here is worked by hand (in the comments) or by
NumPy from the formulas, never taken from the code under test."""
from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from symbackprop.answers import Grader, check_submission
from symbackprop.cli import main
from symbackprop.problem import load_problem
from symbackprop.rubric import Rubric

HERE = Path(__file__).parent
DATA = HERE / "data" / "c114"
LINE = DATA / "adam_line.yaml"          # y = w_02 + w_12·x, samples (1, 2), (2, 0), mean of ½(y − t)², Adam lr 0.1
ONE = DATA / "adagrad_one.yaml"         # y = w_12·x, sample (1, 3), ½(y − t)², Adagrad lr 0.5


def adam_by_hand(steps: int, theta0=(0.0, 1.0), written: dict | None = None):
    """The lecture's Adam on the linear unit by NumPy, from the formulas: g = mean((y − t)·[1, x]);
    m = β₁m + (1 − β₁)g, v = β₂v + (1 − β₂)g², m̂ = m/(1 − β₁^t), v̂ = v/(1 − β₂^t), θ −= η·m̂/√(v̂ + ε).
    `written`: {t: θ_t} replacing the run's θ after step t (a student's own values)."""
    x, tt = np.array([1.0, 2.0]), np.array([2.0, 0.0])
    b1, b2, eta, eps = 0.9, 0.999, 0.1, 1e-8
    theta, m, v = np.array(theta0, dtype=float), np.zeros(2), np.zeros(2)
    out = []
    for t in range(1, steps + 1):
        r = theta[0] + theta[1] * x - tt
        g = np.array([r.mean(), (r * x).mean()])
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mh, vh = m / (1 - b1 ** t), v / (1 - b2 ** t)
        new = theta - eta * mh / np.sqrt(vh + eps)
        out.append({"g": g, "m": m.copy(), "v": v.copy(), "mhat": mh, "vhat": vh, "theta": new,
                    "loss": float((r * r / 2).mean())})
        theta = np.array((written or {}).get(t, new), dtype=float)
    return out


HAND = adam_by_hand(3)


def test_by_hand_matches_the_docs_example():
    # docs/optimizers.md's worked run: g_1 = (0.5, 1.5), m_1 = (0.05, 0.15), θ_1 ≈ (−0.1, 0.9), loss 1.25
    assert np.allclose(HAND[0]["g"], [0.5, 1.5]) and np.allclose(HAND[0]["m"], [0.05, 0.15])
    assert np.allclose(HAND[0]["theta"], [-0.1, 0.9], atol=1e-6) and HAND[0]["loss"] == 1.25


@pytest.fixture(scope="module")
def line_grader():
    g = Grader(load_problem(LINE), Rubric(), warm=False)
    yield g
    g.close()


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _verdicts(reports):
    return {v.qid: v for r in reports for v in r.verdicts}


def test_answers_file_ids_per_step(line_grader, tmp_path):
    s2, s3 = HAND[1], HAND[2]
    f = _write(tmp_path, "a.yaml", f"""
step2.new_w_1_2: {s2['theta'][1]:.6f}
step2.m_w_0_2: {s2['m'][0]:.6f}
steps:
  3:
    v_w_1_2: {s3['v'][1]:.8f}
    mhat_w_0_2: {s3['mhat'][0]:.6f}
    new_w_0_2: 1.5
""")
    reports, problems = line_grader.check(f)
    got = _verdicts(reports)
    assert not problems, problems
    for q in ("step2.new_w_1_2", "step2.m_w_0_2", "step3.v_w_1_2", "step3.mhat_w_0_2"):
        assert got[q].status == "correct", (q, got[q])
    bad = got["step3.new_w_0_2"]
    assert bad.status == "wrong" and "step 3" in bad.name and "w_{02}" in bad.name, bad
    assert math.isclose(bad.expected, s3["theta"][0], rel_tol=1e-9)


def test_solve_json_list_shape_is_read(tmp_path):
    # solve's JSON: steps: [{step, quantities: {id: {value, …}}}]; the value of each is the number
    f = _write(tmp_path, "a.json", '{"steps": [{"step": 2, "quantities": {"grad_w_1_2": {"value": %r}, '
                                   '"vhat_w_0_2": %r}}]}' % (float(HAND[1]["g"][1]), float(HAND[1]["vhat"][0])))
    reports, problems = check_submission(LINE, f)
    got = _verdicts(reports)
    assert not problems and got["step2.grad_w_1_2"].status == "correct" and got["step2.vhat_w_0_2"].status == "correct"


@pytest.mark.parametrize("key, said", [
    ("step0.new_w_1_2", "no step 0; this part's run has steps 1 to 3"),
    ("step4.m_w_1_2", "no step 4"),
    ("step2.q_w_1_2", "q_w_1_2 is no quantity of step 2"),
    ("m_7(w_{12})", "no step 7"),
    ("m_1", "trains 2 parameters"),
])
def test_unknown_step_or_id_is_one_line(line_grader, tmp_path, key, said):
    f = _write(tmp_path, "a.yaml", f"'{key}': 0.5\nloss: 1.25\n")
    reports, problems = line_grader.check(f)
    assert len(problems) == 1 and said in problems[0], problems
    assert _verdicts(reports)["loss"].status == "correct"


def test_step_without_an_optimizer_is_said(tmp_path):
    f = _write(tmp_path, "a.yaml", "step2.new_w_3_5: 2.1\n")
    _, problems = check_submission(HERE.parent / "problems" / "xor.yaml", f, part="sigmoid")
    assert len(problems) == 1 and "no optimizer run" in problems[0], problems


def test_ambiguous_state_name_says_how_to_write_it(line_grader, tmp_path):
    f = _write(tmp_path, "w.md", "$m_1 = 0.05$\n")
    with pytest.raises(Exception) as err:                   # nothing else read: the file's one line says why
        line_grader.check(f)
    assert "trains 2 parameters" in str(err.value) and "m_1(w_{02})" in str(err.value)


def test_names_students_write(line_grader, tmp_path):
    s1, s2 = HAND[0], HAND[1]
    f = _write(tmp_path, "w.md", "\n".join([
        f"$m_1(w_{{12}}) = {s1['m'][1]:.4f}$",
        f"$\\hat{{m}}_{{2}}(w_{{12}}) = {s2['mhat'][1]:.4f}$",
        f"$\\hat{{v}}_2(w_{{02}}) = {s2['vhat'][0]:.6f}$",
        f"$\\theta_2(w_{{12}}) = {s2['theta'][1]:.4f}$",
        f"$w_{{12}}^{{(2)}} = {s2['theta'][1]:.4f}$",
        f"$\\Delta w_{{02}}^{{(2)}} = {s2['theta'][0] - s1['theta'][0]:.4f}$",
        f"$g_2(w_{{02}}) = {s2['g'][0]:.4f}$",
        "## Step 3",
        f"$v_t(w_{{12}}) = 0.999 \\times {HAND[1]['v'][1]:.6f} + {HAND[2]['g'][1]:.4f}^2 \\times 0.001 "
        f"\\approx {HAND[2]['v'][1]:.6f}$",
        f"$w_{{12}}^{{new}} = {HAND[2]['theta'][1]:.4f}$",
        f"$\\Delta w_{{02}} = {HAND[2]['theta'][0] - HAND[1]['theta'][0]:.4f}$",
        f"$\\frac{{\\partial J}}{{\\partial w_{{12}}}} = {HAND[2]['g'][1]:.4f}$",
    ]))
    reports, problems = line_grader.check(f)
    got = _verdicts(reports)
    assert not problems, problems
    want = {"step1.m_w_1_2", "step2.mhat_w_1_2", "step2.vhat_w_0_2", "step2.new_w_1_2", "step2.update_w_0_2",
            "step2.grad_w_0_2", "step3.v_w_1_2", "step3.new_w_1_2", "step3.update_w_0_2", "step3.grad_w_1_2"}
    assert want <= set(got), set(got)
    assert all(got[q].status == "correct" for q in want), {q: (got[q].status, got[q].message) for q in want}


def test_chinese_heading_and_theta_zero(tmp_path):
    # Adagrad on y = w·x, x = 1, t = 3, η = 0.5: g_1 = −2, G_1 = 4, θ_1 = 1 + 0.5·2/2 = 1.5;
    # g_2 = −1.5, G_2 = 6.25 (ε moves θ_1 by ~1e-9: 6.2500 to the 4 places asked), θ_2 = 1.5 + 0.5·1.5/2.5 = 1.8; one parameter: G_2 and θ_2 need none named
    f = _write(tmp_path, "w.md", "第2步\n\n$G_t = 4 + 2.25 = 6.2500$\n\n$\\theta_t = 1.8000$\n\n$\\theta_0 = 1$\n\n$G_1 = 4$\n")
    reports, problems = check_submission(ONE, f)
    got = _verdicts(reports)
    assert not problems, problems
    assert got["step2.G_w_1_2"].status == "correct" and got["step2.new_w_1_2"].status == "correct"
    assert got["step1.G_w_1_2"].status == "correct" and got["w_1_2"].status == "correct"


def test_wrong_step_two_from_own_step_one_is_follow_through(line_grader, tmp_path):
    # θ_1(w_12) written 0.8 (the run: 0.9): step 2 recomputed by NumPy from (θ_1(w_02) = −0.1, θ_1(w_12) = 0.8)
    # with the run's m_1, v_1 (the student wrote none): their g_2, m_2 and θ_2 follow through
    own = adam_by_hand(2, written={1: [HAND[0]["theta"][0], 0.8]})[1]
    assert abs(own["theta"][1] - HAND[1]["theta"][1]) > 1e-3          # a difference the check can see
    f = _write(tmp_path, "a.yaml", f"""
step1.new_w_1_2: 0.8
step2.grad_w_1_2: {own['g'][1]:.6f}
step2.m_w_1_2: {own['m'][1]:.6f}
step2.new_w_1_2: {own['theta'][1]:.6f}
step2.new_w_0_2: {own['theta'][0]:.6f}
""")
    reports, _ = line_grader.check(f)
    got = _verdicts(reports)
    assert got["new_w_1_2"].status == "wrong"                     # step 1's θ_1 is today's w_12^new
    for q in ("step2.grad_w_1_2", "step2.m_w_1_2", "step2.new_w_1_2", "step2.new_w_0_2"):
        assert got[q].status == "follow_through", (q, got[q].status, got[q].message)
        assert "w_{12}^new" in got[q].message or "w_{12}" in got[q].message, got[q].message
    # the same step-2 numbers with θ_1 written right are wrong: nothing to follow from
    f2 = _write(tmp_path, "b.yaml", f"step2.new_w_1_2: {own['theta'][1]:.6f}\n")
    assert _verdicts(line_grader.check(f2)[0])["step2.new_w_1_2"].status == "wrong"


def test_follow_through_from_own_state(line_grader, tmp_path):
    # m_1(w_12) written 0.25 (the run: 0.15): m_2 = 0.9·0.25 + 0.1·g_2 with the run's g_2 (θ_1 as the run's)
    g2 = HAND[1]["g"][1]
    f = _write(tmp_path, "a.yaml", f"step1.m_w_1_2: 0.25\nstep2.m_w_1_2: {0.9 * 0.25 + 0.1 * g2:.6f}\n")
    got = _verdicts(line_grader.check(f)[0])
    assert got["step1.m_w_1_2"].status == "wrong"
    assert got["step2.m_w_1_2"].status == "follow_through" and "step 1" in got["step2.m_w_1_2"].message


def test_grade_is_check_of_each_alone(line_grader, tmp_path):
    """Per-student verdicts do not depend on the other students or their order (a Grader reused)."""
    s2 = HAND[1]
    texts = [f"step1.new_w_1_2: 0.8\nstep2.new_w_1_2: {s2['theta'][1]:.4f}\n",
             f"step2.m_w_1_2: {s2['m'][1]:.6f}\nstep2.new_w_1_2: 2\n",
             f"step1.m_w_1_2: 0.25\nstep2.m_w_1_2: {0.9 * 0.25 + 0.1 * s2['g'][1]:.6f}\n"]
    files = [_write(tmp_path, f"s{n}.yaml", t) for n, t in enumerate(texts)]
    alone = {}
    for f in files:
        reports, _ = check_submission(LINE, f)
        alone[f] = {q: (v.status, v.credit) for q, v in _verdicts(reports).items()}
    for order in itertools.permutations(files):
        for f in order:
            got = {q: (v.status, v.credit) for q, v in _verdicts(line_grader.check(f)[0]).items()}
            assert got == alone[f], (f.name, got, alone[f])


def test_own_solution_reads_back_in_full(tmp_path):
    out = tmp_path / "s.md"
    runner = CliRunner()
    assert runner.invoke(main, ["solve", str(ONE), "--steps", "all", "-o", str(out)]).exit_code == 0
    reports, problems = check_submission(ONE, out)
    steps = [v for r in reports for v in r.verdicts if v.qid.startswith("step")]
    assert not problems and all(v.status == "correct" for r in reports for v in r.verdicts)
    # g, G, θ of steps 1–3, the loss of steps 2 and 3 and each re-solved step's forward and backward pass
    assert {"step3.G_w_1_2", "step3.new_w_1_2", "step2.net_2", "step3.delta_2"} <= {v.qid for v in steps}


@pytest.mark.slow
def test_own_solution_reads_back_through_the_command(tmp_path):
    out = tmp_path / "s.tex"
    runner = CliRunner()
    assert runner.invoke(main, ["solve", str(ONE), "--steps", "all", "-o", str(out)]).exit_code == 0
    checked = runner.invoke(main, ["check", str(ONE), str(out)])
    assert checked.exit_code == 0 and "Not read" not in checked.output, checked.output[-1500:]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["md", "tex", "txt"])
@pytest.mark.parametrize("problem", ["xor_adam", "two_step_per_sample"])
def test_problems_solutions_with_every_step_read_back(problem, fmt, tmp_path):
    out = tmp_path / f"s.{fmt}"
    path = HERE.parent / "problems" / f"{problem}.yaml"
    assert CliRunner().invoke(main, ["solve", str(path), "--steps", "all", "-o", str(out)]).exit_code == 0
    reports, problems = check_submission(path, out)
    assert not problems, problems
    bad = [(v.qid, v.status, v.message) for r in reports for v in r.verdicts if v.status != "correct"]
    assert not bad, bad
    assert any(v.qid.startswith("step2.") for r in reports for v in r.verdicts)    # the text format's lines too


def test_report_rows_exit_status_and_rubric_points(tmp_path):
    # θ_2(w_12) of the run ≈ 0.8020 (docs/optimizers.md table; HAND by NumPy): 0.9500 is wrong
    assert abs(HAND[1]["theta"][1] - 0.8020) < 5e-5
    wrong = _write(tmp_path, "a.yaml", "step2.new_w_1_2: 0.9500\n")
    runner = CliRunner()
    out = runner.invoke(main, ["check", str(LINE), str(wrong)])
    assert out.exit_code == 1 and "step 2: θ_t(w_{12})" in out.output and "WRONG" in out.output, out.output
    right = _write(tmp_path, "b.yaml", "step2.new_w_1_2: 0.8020\n")
    assert runner.invoke(main, ["check", str(LINE), str(right)]).exit_code == 0
    # a rubric listing the step item gives it points (and an id of no step is refused)
    rubric = _write(tmp_path, "r.yaml", "items: {step2.new_w_1_2: 3, loss: 1}\n")
    reports, _ = check_submission(LINE, right, rubric=rubric)
    assert reports[0].max_score == 4 and reports[0].score == 3
    bad = _write(tmp_path, "r2.yaml", "items: {step9.new_w_1_2: 3}\n")
    refused = runner.invoke(main, ["check", str(LINE), str(right), "--rubric", str(bad)])
    assert refused.exit_code == 2 and "step9.new_w_1_2" in refused.output, refused.output


def test_follow_through_within_a_step(line_grader, tmp_path):
    # step 1 of w_12: g_1 = 1.5, v_1 = 0.001·2.25, v̂_1 = 2.25. m_1 written 0.25 (the run: 0.15) → their
    # m̂_1 = 0.25/(1 − 0.9) = 2.5 and θ_1 = 1 − 0.1·2.5/√(2.25 + 1e-8) = 0.833333 (the run: 0.9)
    theta = 1 - 0.1 * 2.5 / math.sqrt(2.25 + 1e-8)
    f = _write(tmp_path, "a.yaml", f"step1.m_w_1_2: 0.25\nstep1.mhat_w_1_2: 2.5\nstep1.vhat_w_1_2: 2.25\n"
                                   f"'\\theta_1(w_{{12}})': {theta:.6f}\n")
    got = _verdicts(line_grader.check(f)[0])
    assert got["step1.m_w_1_2"].status == "wrong" and got["step1.vhat_w_1_2"].status == "correct"
    assert got["step1.mhat_w_1_2"].status == "follow_through", got["step1.mhat_w_1_2"]
    # θ_1(w_{12}) is today's item w_{12}^new (session 15: one item whatever its name), still judged from their m_1
    assert got["new_w_1_2"].status == "follow_through" and "m_t(w_{12})" in got["new_w_1_2"].message


def test_heading_or_line_names_the_parameter(line_grader, tmp_path):
    # with two parameters m_t alone is ambiguous; a heading or a line that names w_12 (or w_02) settles it
    s2 = HAND[1]
    f = _write(tmp_path, "w.md", "\n".join([
        "## Step 2, $w_{12}$", f"$m_t = {s2['m'][1]:.4f}$",
        "For $w_{02}$:", f"$\\hat{{m}}_t = {s2['mhat'][0]:.4f}$", f"$\\theta_t = {s2['theta'][0]:.4f}$"]))
    reports, problems = line_grader.check(f)
    got = _verdicts(reports)
    assert not problems, problems
    assert {q: got[q].status for q in ("step2.m_w_1_2", "step2.mhat_w_0_2", "step2.new_w_0_2")} == \
        dict.fromkeys(("step2.m_w_1_2", "step2.mhat_w_0_2", "step2.new_w_0_2"), "correct")


def test_to_from_names_the_weight_as_the_problem_writes_it(tmp_path):
    # notation weight: to_from: the weight from unit 1 to unit 2 is w_{21}; w_{12} is none of the part's
    problem = _write(tmp_path, "p.yaml", LINE.read_text(encoding="utf-8") + "notation: {weight: to_from}\n")
    f = _write(tmp_path, "w.md", f"$m_1(w_{{21}}) = 0.15$\n$w_{{21}}^{{(2)}} = {HAND[1]['theta'][1]:.4f}$\n"
                                 "$m_1(w_{12}) = 0.15$\n")
    reports, problems = check_submission(problem, f)
    got = _verdicts(reports)
    assert got["step1.m_w_1_2"].status == "correct" and got["step2.new_w_1_2"].status == "correct"
    assert len(problems) == 1 and "w_12 is no parameter this part trains" in problems[0] and "w_{21}" in problems[0]


@pytest.mark.slow
@pytest.mark.parametrize("fmt, lang", [("md", "en"), ("tex", "en"), ("md", "zh")])
def test_batch_solution_with_every_step_reads_back(fmt, lang, tmp_path):
    # two samples per step: the re-solved steps show each sample's loss J^(1), J^(2) under "Step 2: Loss"
    out = tmp_path / f"s.{fmt}"
    assert CliRunner().invoke(main, ["solve", str(LINE), "--steps", "all", "--lang", lang, "-o", str(out)]).exit_code == 0
    reports, problems = check_submission(LINE, out)
    assert not problems, problems
    assert all(v.status == "correct" for r in reports for v in r.verdicts)
    assert {"step2.loss@1", "step3.loss", "step3.vhat_w_1_2"} <= {v.qid for r in reports for v in r.verdicts}


def test_values_that_overflow_or_leave_the_domain_are_judged_not_crashed(line_grader, tmp_path):
    # v_1 = −5 makes √(v̂ + ε) no real number; θ_1 = 1e300 overflows ½(y − t)²: both wrong, step 2 judged
    f = _write(tmp_path, "a.yaml", "step1.v_w_1_2: -5\nstep1.new_w_1_2: 1e300\nstep2.new_w_1_2: 3\n"
                                   "step2.m_w_1_2: 0\n")
    got = _verdicts(line_grader.check(f)[0])
    assert got["step1.v_w_1_2"].status == "wrong" and got["step2.new_w_1_2"].status == "wrong"


@pytest.mark.slow
@pytest.mark.parametrize("form", ["lecture", "pytorch"])
@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw"])
def test_every_optimizer_solution_reads_back(name, form, tmp_path):
    """Every optimizer in both forms: its worked solution with every step (the rule's own letters, the look-ahead
    point of the lecture's Nesterov) reads back with every item right and nothing unread."""
    text = LINE.read_text(encoding="utf-8").replace("{name: adam, lr: 0.1}", f"{{name: {name}, form: {form}}}")
    problem = _write(tmp_path, "p.yaml", text)
    out = tmp_path / "s.md"
    assert CliRunner().invoke(main, ["solve", str(problem), "--steps", "all", "-o", str(out)]).exit_code == 0
    reports, problems = check_submission(problem, out)
    assert not problems, problems
    bad = [(v.qid, v.status, v.message) for r in reports for v in r.verdicts if v.status != "correct"]
    assert not bad and any(v.qid.startswith("step3.") for r in reports for v in r.verdicts), bad


def test_one_place_judges_a_wrong_step_value(tmp_path, monkeypatch):
    # the hook a diagnosis plugs into (answers/optimizer_diagnose.py): its message becomes the verdict's
    from symbackprop.answers import steps
    from symbackprop.messages import said
    seen = []

    def diagnose(self, t, key, value, own, written, decimals=None, charged=()):   # charged: session 15
        seen.append((t, str(key), value, written.get((t, key))))
        return "hooked", said("steps.wrong", value="(hooked)")
    monkeypatch.setattr(steps.StepChecker, "diagnose", diagnose)
    f = _write(tmp_path, "a.yaml", "step2.m_w_1_2: 5\n")
    reports, _ = check_submission(LINE, f)
    v = _verdicts(reports)["step2.m_w_1_2"]
    assert v.status == "wrong" and "(hooked)" in v.message and seen == [(2, "m_w_1_2", 5.0, 5.0)]
    assert v.diagnosis == "hooked"
