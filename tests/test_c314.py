"""Session 14, C3 (issue 13, "Checking"): the optimizer diagnoses (answers/optimizer_diagnose.py) in `check`'s
report, and follow-through across optimizer steps, end to end through the command line.

Every expected number here is worked in this file by NumPy from the formulas (the right one, or the wrong one a
mistake has), on one linear unit u = b + w·x with x = 2, target 0, b = 0, w = 1 and J = ½u², so that
∂J/∂b = u and ∂J/∂w = 2u (`_grads`); never taken from the code under test.
"""
from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from symbackprop.answers import Grader, check_submission
from symbackprop.answers.steps import OPTIMIZER_MISTAKES
from symbackprop.cli import main
from symbackprop.grade import grade_all
from symbackprop.messages import catalogue
from symbackprop.problem import load_problem
from symbackprop.rubric import Rubric

from helpers import UNIT_X2, unit_x2_grads as _grads  # noqa: E402  (x = 2, target 0, J = ½u²)
UNIT = "title: One linear unit, three optimizer steps\n" + UNIT_X2
THETA0 = np.array([0.0, 1.0])                     # (b, w) = (w_02, w_12)


# -- the optimizers by hand: each a step (θ_{t−1}, g_t, state before, t) -> (θ_t, state after) -----------

def sgd(lr):
    return lambda th, g, s, t: (th - lr * g, {})


def adagrad(lr, eps, form="lecture"):
    def step(th, g, s, t):
        G = s.get("G", 0) + g ** 2
        new = th - lr * g / np.sqrt(G + eps) if form == "lecture" else th - lr * g / (np.sqrt(G) + eps)
        return new, {"G": G}
    return step


def rmsprop(lr, alpha=0.9, eps=1e-8):
    """The lecture's (Ruder's) RMSprop: E[g²]_t = α·E[g²]_{t−1} + (1 − α)·g², θ −= η·g/√(E[g²] + ε)."""
    def step(th, g, s, t):
        e = alpha * s.get("Eg2", 0) + (1 - alpha) * g ** 2
        return th - lr * g / np.sqrt(e + eps), {"Eg2": e}
    return step


def adam(lr, b1=0.9, b2=0.999, eps=1e-8):
    """The lecture's Adam: m, v, m̂ = m/(1 − β₁^t), v̂ = v/(1 − β₂^t), θ −= η·m̂/√(v̂ + ε)."""
    def step(th, g, s, t):
        m = b1 * s.get("m", 0) + (1 - b1) * g
        v = b2 * s.get("v", 0) + (1 - b2) * g ** 2
        mh, vh = m / (1 - b1 ** t), v / (1 - b2 ** t)
        return th - lr * mh / np.sqrt(vh + eps), {"m": m, "v": v, "mhat": mh, "vhat": vh}
    return step


def by_hand(step, steps, own=None):
    """[{theta (θ_{t−1}), g, state (before), new (θ_t), after (state)}] for t = 1 … steps, each a (b, w)
    array; `own` {t: θ_t of w} puts a student's own θ_t of w in place of the run's after step t."""
    theta, state, out = THETA0.copy(), {}, []
    for t in range(1, steps + 1):
        g = _grads(theta)
        new, after = step(theta, g, state, t)
        out.append({"theta": theta, "g": g, "state": state, "new": new, "after": after})
        theta, state = new.copy(), after
        if own and t in own:
            theta[1] = own[t]
    return out


# -- running the command -----------------------------------------------------------------------------

def _problem(tmp_path, optimizer: str):
    p = tmp_path / "p.yaml"
    p.write_text(UNIT.format(optimizer=optimizer), encoding="utf-8")
    return p


def _answers(tmp_path, text: str, name: str = "a.yaml"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def _check_json(problem, answers, *extra):
    out = CliRunner().invoke(main, ["check", str(problem), str(answers), "--format", "json", *extra])
    assert out.exit_code in (0, 1), out.output
    doc = json.loads(out.output)
    return out.exit_code, {i["id"]: i for p in doc["parts"] for i in p["items"]}


def _check_text(problem, answers, *extra):
    out = CliRunner().invoke(main, ["check", str(problem), str(answers), *extra])
    assert out.exit_code in (0, 1), out.output
    return out.exit_code, out.output


# -- 1. each mistake class of issue 13 in check's report ------------------------------------------------

def _case_bias_correction():
    """Adam (lecture), θ_2 with m̂ and v̂ taken as m and v: θ_1 − η·m_2/√(v_2 + ε) from the right m_2, v_2."""
    s2 = by_hand(adam(0.1), 2)[1]
    wrong = s2["theta"][1] - 0.1 * s2["after"]["m"][1] / np.sqrt(s2["after"]["v"][1] + 1e-8)
    return "{name: adam, lr: 0.1}", "step2.new_w_1_2", wrong, "θ_2(w_{12})"


def _case_bias_correction_step_one():
    """The same at step 1, answered under today's id Δw_{02}: −η·m_1/√(v_1 + ε) = −0.1·0.2/√0.004 ≈ −0.3162."""
    s1 = by_hand(adam(0.1), 1)[0]
    wrong = -0.1 * s1["after"]["m"][0] / np.sqrt(s1["after"]["v"][0] + 1e-8)
    return "{name: adam, lr: 0.1}", "update_w_0_2", wrong, "Δθ_1(w_{02})"


def _case_eps_inside():
    """torch's Adagrad (ε outside the root) with ε = 0.1, θ_2 worked with ε inside: θ_1 − η·g_2/√(G_2 + ε)."""
    s2 = by_hand(adagrad(0.1, 0.1, "pytorch"), 2)[1]
    wrong = s2["theta"][1] - 0.1 * s2["g"][1] / np.sqrt(s2["after"]["G"][1] + 0.1)
    return "{name: adagrad, lr: 0.1, eps: 0.1, form: pytorch}", "step2.new_w_1_2", wrong, "θ_2(w_{12})"


def _case_eps_outside():
    """The lecture's RMSprop (ε inside the root) with ε = 0.1, θ_2 worked with ε outside: η·g_2/(√E_2 + ε)."""
    s2 = by_hand(rmsprop(0.1, eps=0.1), 2)[1]
    wrong = s2["theta"][1] - 0.1 * s2["g"][1] / (np.sqrt(s2["after"]["Eg2"][1]) + 0.1)
    return "{name: rmsprop, lr: 0.1, eps: 0.1}", "step2.new_w_1_2", wrong, "θ_2(w_{12})"


def _case_weights_swapped():
    """The lecture's RMSprop (γ = 0.9), E[g²]_2 with γ and 1 − γ exchanged: 0.1·E[g²]_1 + 0.9·g_2²."""
    s2 = by_hand(rmsprop(0.01), 2)[1]
    wrong = 0.1 * s2["state"]["Eg2"][1] + 0.9 * s2["g"][1] ** 2
    return "{name: rmsprop, lr: 0.01}", "step2.Eg2_w_1_2", wrong, "E[g²]_2(w_{12})"


def _case_g_for_g2():
    """The lecture's Adagrad, G_2 = G_1 + g_2 (g, not g²): 16 + 3.4 = 19.4."""
    s2 = by_hand(adagrad(0.1, 1e-8), 2)[1]
    wrong = s2["state"]["G"][1] + s2["g"][1]
    return "{name: adagrad, lr: 0.1}", "step2.G_w_1_2", wrong, "G_2(w_{12})"


def _case_state_not_carried():
    """Adam, m_2 worked from m_1 = 0 (the state not carried over): β₁·0 + (1 − β₁)·g_2 = 0.1·3.4."""
    s2 = by_hand(adam(0.1), 2)[1]
    return "{name: adam, lr: 0.1}", "step2.m_w_1_2", 0.1 * s2["g"][1], "m_2(w_{12})"


def _case_old_weight_twice():
    """SGD, θ_2 = θ_0 − η·g_2 (the update added to the weight before the previous step): 1 − 0.1·2."""
    h = by_hand(sgd(0.1), 2)
    return "{name: sgd, lr: 0.1}", "step2.new_w_1_2", h[0]["theta"][1] - 0.1 * h[1]["g"][1], "θ_2(w_{12})"


CASES = {"bias_correction": _case_bias_correction, "bias_correction@1": _case_bias_correction_step_one,
         "eps_inside": _case_eps_inside, "eps_outside": _case_eps_outside,
         "weights_swapped": _case_weights_swapped, "g_for_g2": _case_g_for_g2,
         "state_not_carried": _case_state_not_carried, "old_weight_twice": _case_old_weight_twice}


def _zh_words(code: str) -> str:
    """The Chinese catalogue's own words of a diagnosis: its message up to the first field or colon."""
    template = catalogue("zh")[f"diagnosis.opt_{code}"]
    return template.split("{")[0].split("：")[0]


FAST = ("bias_correction", "bias_correction@1", "g_for_g2")      # the others in the slow tier (~0.06 s each)


@pytest.mark.parametrize("case", [c if c in FAST else pytest.param(c, marks=pytest.mark.slow) for c in CASES])
def test_each_mistake_is_diagnosed_in_check(case, tmp_path):
    code = case.split("@")[0]
    optimizer, qid, wrong, name = CASES[case]()
    problem = _problem(tmp_path, optimizer)
    answers = _answers(tmp_path, f"{qid}: {wrong:.4f}\n")
    rc, items = _check_json(problem, answers)
    item = items[qid]
    assert rc == 1 and item["status"] == "wrong" and item["diagnosis"] == code, item
    # the message shows the student's value worked from the wrong formula, and the right rule
    assert f"{name} = {wrong:.4f}" in item["message"] and "the rule is" in item["message"], item["message"]
    assert abs(item["expected"] - wrong) > 1e-3                  # a wrong value the check can see
    # the text report, in English and in Chinese: the same diagnosis on the item's row
    rc, text = _check_text(problem, answers)
    row = next(line for line in text.splitlines() if f"{wrong:.4f}" in line and "WRONG" in line)
    assert item["message"].split(":")[0] in row, text
    rc, text = _check_text(problem, answers, "--lang", "zh")
    row = next(line for line in text.splitlines() if f"{wrong:.4f}" in line and "错误" in line)
    assert _zh_words(code) in row and f"{name} = {wrong:.4f}" in row, text


def test_a_right_step_value_gets_no_diagnosis(tmp_path):
    # the same items right (by hand) are correct: the diagnosis is for a wrong value only
    for case in ("eps_inside", "g_for_g2", "old_weight_twice"):
        optimizer, qid, _, _ = CASES[case]()
        step = {"eps_inside": adagrad(0.1, 0.1, "pytorch"), "g_for_g2": adagrad(0.1, 1e-8),
                "old_weight_twice": sgd(0.1)}[case]
        s2 = by_hand(step, 2)[1]
        right = s2["after"]["G"][1] if qid.startswith("step2.G_") else s2["new"][1]
        rc, items = _check_json(_problem(tmp_path, optimizer), _answers(tmp_path, f"{qid}: {right:.4f}\n"))
        assert rc == 0 and items[qid]["status"] == "correct" and items[qid]["diagnosis"] is None, items[qid]


def test_names_and_write_ups_get_the_diagnosis_too(tmp_path):
    # the g-for-g² G_2 and the old-weight-twice θ_2, by name in an answers file and in a Markdown write-up
    opt, _, g_wrong, _ = CASES["g_for_g2"]()
    problem = _problem(tmp_path, opt)
    rc, items = _check_json(problem, _answers(tmp_path, f"'G_2(w_{{12}})': {g_wrong:.4f}\n"))
    assert items["step2.G_w_1_2"]["diagnosis"] == "g_for_g2", items
    s2 = by_hand(adagrad(0.1, 1e-8), 2)[1]                     # G_1 = 16, g_2 = 3.4
    md = _answers(tmp_path, f"## Step 2\n\n$G_t(w_{{12}}) = 16 + 3.4 = {g_wrong:.4f}$\n\n"
                            f"$w_{{12}}^{{new}} = {s2['new'][1]:.4f}$\n", "w.md")
    rc, items = _check_json(problem, md)
    assert items["step2.G_w_1_2"]["diagnosis"] == "g_for_g2" and items["step2.new_w_1_2"]["status"] == "correct"


# -- 2. follow-through across steps, end to end ---------------------------------------------------------

ADAGRAD = "{name: adagrad, lr: 0.1}"
OWN_THETA1 = 0.7            # a student's θ_1 of w (the run's: 1 − 0.1·4/√16 = 0.9)


def _own_step_two():
    """Step 2 of the lecture's Adagrad from the student's θ_1 = (−0.1, 0.7): u = 1.3, g_2 = 2.6, G_2 = 16 +
    2.6² = 22.76 and θ_2 = 0.7 − 0.1·2.6/√22.76; and from the run's θ_1 = (−0.1, 0.9): g_2 = 3.4."""
    own = by_hand(adagrad(0.1, 1e-8), 2, own={1: OWN_THETA1})[1]
    true = by_hand(adagrad(0.1, 1e-8), 2)[1]
    assert np.isclose(own["g"][1], 2.6) and np.isclose(true["g"][1], 3.4)
    return own, true


def test_step_two_right_from_a_wrong_step_one_follows_through(tmp_path):
    own, true = _own_step_two()
    problem = _problem(tmp_path, ADAGRAD)
    answers = _answers(tmp_path, f"new_w_1_2: {OWN_THETA1:.4f}\nstep2.grad_w_1_2: {own['g'][1]:.4f}\n"
                                 f"step2.G_w_1_2: {own['after']['G'][1]:.4f}\n"
                                 f"step2.new_w_1_2: {own['new'][1]:.4f}\n")
    rc, items = _check_json(problem, answers)
    assert items["new_w_1_2"]["status"] == "wrong"
    for q in ("step2.grad_w_1_2", "step2.G_w_1_2", "step2.new_w_1_2"):
        assert items[q]["status"] == "follow_through" and items[q]["credit"] == 1.0, items[q]
        assert "w_{12}^new" in items[q]["message"] and items[q]["diagnosis"] is None
    assert abs(own["new"][1] - true["new"][1]) > 1e-3          # not the run's values


def test_a_mistake_at_step_two_is_diagnosed_from_the_students_own_step_one(tmp_path):
    own, true = _own_step_two()
    problem = _problem(tmp_path, ADAGRAD)
    # G_2 = G_1 + g_2 with their own g_2 = 2.6 (at their θ_1): 18.6, where from the run's g_2 it is 19.4; their
    # θ_2 from their G_2 follows through within the step
    g_own = own["state"]["G"][1] + own["g"][1]
    theta_own = OWN_THETA1 - 0.1 * own["g"][1] / np.sqrt(g_own + 1e-8)
    assert abs(g_own - (true["state"]["G"][1] + true["g"][1])) > 0.5
    # a write-up: step 1's θ_1 under its heading, then step 2's lines by the names students write
    md = _answers(tmp_path, "\n".join([
        "## Step 1", f"$w_{{12}}^{{new}} = {OWN_THETA1:.4f}$", "## Step 2",
        f"$G_t(w_{{12}}) = 16 + {own['g'][1]:.1f} = {g_own:.4f}$", f"$\\theta_t(w_{{12}}) = {theta_own:.4f}$"]), "w.md")
    rc, items = _check_json(problem, md)
    g2 = items["step2.G_w_1_2"]
    assert g2["status"] == "wrong" and g2["diagnosis"] == "g_for_g2" and f"= {g_own:.4f} comes from" in g2["message"]
    assert items["step2.new_w_1_2"]["status"] == "follow_through", items["step2.new_w_1_2"]
    rc, text = _check_text(problem, md, "--lang", "zh")
    assert _zh_words("g_for_g2") in text and f"G_2(w_{{12}}) = {g_own:.4f}" in text, text
    # θ_2 worked with G_1 taken as 0 (the state not carried over) from their θ_1: 0.7 − 0.1·2.6/√(2.6² + ε)
    fresh = OWN_THETA1 - 0.1 * own["g"][1] / np.sqrt(own["g"][1] ** 2 + 1e-8)
    rc, items = _check_json(problem, _answers(tmp_path, f"new_w_1_2: {OWN_THETA1:.4f}\nstep2.new_w_1_2: {fresh:.4f}\n"))
    item = items["step2.new_w_1_2"]
    assert item["diagnosis"] == "state_not_carried" and f"θ_2(w_{{12}}) = {fresh:.4f}" in item["message"], item


def _student(rng, n: int):
    """One student's answers (a YAML file or a Markdown write-up) with the kinds of step 2 they hold, worked by
    NumPy: θ_1 of w right or their own; g_2, G_2 and θ_2 right from their own θ_1, or with a mistake of issue 13
    worked from it (g for g² in G_2, the state not carried over in θ_2), or a stray number."""
    theta1 = 0.9 if rng.random() < 0.3 else round(float(rng.uniform(0.55, 0.85)), 2)
    own = by_hand(adagrad(0.1, 1e-8), 2, own={1: theta1})[1]
    g, G1 = own["g"][1], own["state"]["G"][1]
    G2 = {"right": G1 + g ** 2, "g_for_g2": G1 + g, "stray": float(rng.uniform(30, 40))}
    g_kind, t_kind = rng.choice(list(G2)), rng.choice(["right", "state_not_carried", "stray"])
    G = G2[g_kind]
    theta2 = {"right": theta1 - 0.1 * g / np.sqrt(G + 1e-8),
              "state_not_carried": theta1 - 0.1 * g / np.sqrt(g ** 2 + 1e-8),
              "stray": float(rng.uniform(-2, -1))}[t_kind]
    values = [("new_w_1_2", r"w_{12}^{new}", theta1), ("step2.grad_w_1_2", r"g_2(w_{12})", g),
              ("step2.G_w_1_2", r"G_2(w_{12})", G), ("step2.new_w_1_2", r"\theta_2(w_{12})", theta2)]
    values = [v for v in values if rng.random() < 0.85 or v[0] == "step2.new_w_1_2"]
    if n % 2:
        text = "".join(f"{q}: {x:.4f}\n" for q, _, x in values)
        return f"s{n}.yaml", text, (g_kind, t_kind)
    return f"s{n}.md", "".join(f"${name} = {x:.4f}$\n\n" for _, name, x in values), (g_kind, t_kind)


def _class(tmp_path, size: int, seed: int):
    rng = np.random.default_rng(seed)
    folder = tmp_path / "class"
    folder.mkdir()
    subs, kinds = [], []
    for n in range(size):
        name, text, kind = _student(rng, n)
        f = folder / name
        f.write_text(text, encoding="utf-8")
        subs.append((f.stem, f))
        kinds.append(kind)
    return subs, kinds


def _rows(reports):
    return [(r.part, r.score, sorted((v.qid, v.status, v.credit, v.diagnosis, str(v.message)) for v in r.verdicts))
            for r in reports]


def test_grade_of_a_class_is_check_of_each_alone(tmp_path):
    """A Grader reused for a small class, in every order, gives each student what check gives their file alone."""
    problem = _problem(tmp_path, ADAGRAD)
    subs, _ = _class(tmp_path, 3, seed=14)
    alone = {name: _rows(check_submission(problem, f)[0]) for name, f in subs}
    statuses = {s for rows in alone.values() for _, _, vs in rows for _, s, *_ in vs}
    assert "follow_through" in statuses and "wrong" in statuses
    grader = Grader(load_problem(problem), Rubric(), warm=False)
    try:
        for order in itertools.permutations(subs):
            for name, f in order:
                assert _rows(grader.check(f)[0]) == alone[name], name
    finally:
        grader.close()


@pytest.mark.slow
def test_grade_of_a_class_is_check_of_each_alone_with_jobs(tmp_path):
    """grade_all (worker processes, one or two) in two orders: every row is check of that file alone, on a class
    whose step-2 answers follow through from their own θ_1 or carry a mistake worked from it."""
    problem = _problem(tmp_path, ADAGRAD)
    subs, kinds = _class(tmp_path, 12, seed=13)
    assert {"g_for_g2"} <= {k for k, _ in kinds} and {"state_not_carried"} <= {k for _, k in kinds}
    alone = {name: _rows(check_submission(problem, f)[0]) for name, f in subs}
    diagnoses = {d for rows in alone.values() for _, _, vs in rows for _, _, _, d, _ in vs}
    assert {"g_for_g2", "state_not_carried"} <= diagnoses, diagnoses
    loaded = load_problem(problem)
    for jobs, order in ((1, subs), (2, subs[::-1]), (2, subs)):
        results = grade_all(loaded, Rubric(), order, None, jobs)
        assert [r.error for r in results] == [None] * len(order)
        for r in results:
            assert _rows(r.reports) == alone[r.student], (jobs, r.student)


# -- 3. docs/checking.md's examples are check's real outputs -----------------------------------------------

DOC = Path(__file__).parent.parent / "docs" / "checking.md"


def _doc_section(start: str, stop: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    begin = text.index(start)
    return text[begin:text.index(stop, begin + len(start))]


def _doc_problem(tmp_path, optimizer: str):
    """The doc's example problem (its yaml block) with this optimizer."""
    section = _doc_section("### Diagnoses of an optimizer's step", "## 4. The report")
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    lines = [f"optimizer: {optimizer}" if ln.startswith("optimizer:") else ln for ln in block.splitlines()]
    p = tmp_path / "doc.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def _table_rows():
    section = _doc_section("### Diagnoses of an optimizer's step", "## 4. The report")
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        code = cells[0].strip("`")
        optimizer, answer = re.findall(r"`([^`]+)`", cells[1])[:2]
        rows.append((code, optimizer, answer, cells[2].strip('"')))
    return rows


def test_the_docs_table_has_a_row_for_each_mistake():
    codes = {code for code, *_ in _table_rows()}
    assert codes == {"bias_correction", "eps_inside", "eps_outside", "weights_swapped", "g_for_g2", "g2_for_g",
                     "state_not_carried", "old_weight_twice", "grad_reused", "momentum_form", "sign_flipped",
                     "eta_missing"}
    assert codes == OPTIMIZER_MISTAKES                # the codes check charges once
    # the doc's worked numbers, by hand: Adam's θ_1 with m̂ = m, v̂ = v; Adagrad's ε outside; SGD's θ_2 from θ_0
    assert round(1 - 0.1 * 0.4 / math.sqrt(0.016 + 1e-8), 4) == 0.6838
    assert round(1 - 0.1 * 4 / (math.sqrt(16) + 0.1), 4) == 0.9024 and round(1 - 0.1 * 4 / math.sqrt(16.1), 4) == 0.9003


@pytest.mark.parametrize("row", [0] + [pytest.param(n, marks=pytest.mark.slow) for n in range(1, 14)])
def test_the_docs_table_is_checks_output(row, tmp_path):
    code, optimizer, answer, message = _table_rows()[row]
    qid = answer.split(":")[0]
    rc, items = _check_json(_doc_problem(tmp_path, optimizer), _answers(tmp_path, answer + "\n"))
    assert rc == 1 and items[qid]["diagnosis"] == code and items[qid]["message"] == message, items[qid]


def test_the_docs_follow_through_example_is_checks_output(tmp_path):
    section = _doc_section("**Follow-through across steps.**", "## 2. The tolerance model")
    md = section.split("```markdown\n", 1)[1].split("```", 1)[0]
    shown = section.split("```text\n", 1)[1].split("```", 1)[0]
    rc, out = _check_text(_doc_problem(tmp_path, ADAGRAD), _answers(tmp_path, md, "w.md"))
    got = {" ".join(line.split()) for line in out.splitlines()}
    for line in shown.splitlines():
        assert " ".join(line.split()) in got, (line, out)


def test_a_mistake_of_method_is_charged_once(tmp_path):
    """Adam with bias correction left out everywhere: Δθ_1(w_12) = −0.1·m_1/√(v_1 + ε) = −0.3162 (today's id, wrong),
    θ_1 = 0.6838 from it, m̂_1 written as m_1 for both weights, and θ_2 worked the same way from the student's own
    θ_1 (g_2 at it by NumPy): charged at Δw_{12} only, the rest follow through."""
    s1 = by_hand(adam(0.1), 1)[0]
    d1 = round(-0.1 * s1["after"]["m"][1] / np.sqrt(s1["after"]["v"][1] + 1e-8), 4)
    own = by_hand(adam(0.1), 2, own={1: 1 + d1})[1]
    theta2 = (1 + d1) - 0.1 * own["after"]["m"][1] / np.sqrt(own["after"]["v"][1] + 1e-8)
    assert abs(theta2 - by_hand(adam(0.1), 2)[1]["theta"][1]) > 0.1
    problem = _problem(tmp_path, "{name: adam, lr: 0.1}")
    answers = _answers(tmp_path, f"update_w_1_2: {d1:.4f}\nnew_w_1_2: {1 + d1:.4f}\n"
                                 f"step1.mhat_w_0_2: {s1['after']['m'][0]:.4f}\nstep1.mhat_w_1_2: {s1['after']['m'][1]:.4f}\n"
                                 f"step2.new_w_1_2: {theta2:.4f}\n")
    rc, items = _check_json(problem, answers)
    assert items["update_w_1_2"]["status"] == "wrong" and items["update_w_1_2"]["diagnosis"] == "bias_correction"
    for q in ("step1.mhat_w_0_2", "step1.mhat_w_1_2", "step2.new_w_1_2"):
        assert items[q]["status"] == "follow_through" and items[q]["diagnosis"] == "bias_correction", items[q]
        assert "charged once" in items[q]["message"] and "Δw_{12}" in items[q]["message"], items[q]
    assert f"θ_2(w_{{12}}) = {theta2:.4f}" in items["step2.new_w_1_2"]["message"]
    # today's items of step 1: Δθ_1 of both weights with the same mistake, charged at the first; θ_1 from the
    # second names both (Δθ_1(w_02) = −0.1·0.2/√(0.004 + ε) = −0.3162 too: m_1 = 0.1·2, v_1 = 0.001·2²)
    d0 = round(-0.1 * s1["after"]["m"][0] / np.sqrt(s1["after"]["v"][0] + 1e-8), 4)
    rc, items = _check_json(problem, _answers(tmp_path, f"update_w_0_2: {d0:.4f}\nupdate_w_1_2: {d1:.4f}\n"
                                                        f"new_w_1_2: {1 + d1:.4f}\n", "c.yaml"))
    assert items["update_w_0_2"]["status"] == "wrong" and items["update_w_1_2"]["status"] == "follow_through"
    assert "charged once" in items["update_w_1_2"]["message"], items["update_w_1_2"]
    assert items["new_w_1_2"]["message"] == \
        "follows from your Δw_{12} (bias correction left out, charged at Δw_{02})", items["new_w_1_2"]
    # a different mistake later is charged on its own (g² for g in m_2, from the right θ_1)
    s2 = by_hand(adam(0.1), 2)[1]
    m2 = 0.9 * s2["state"]["m"][1] + 0.1 * s2["g"][1] ** 2
    rc, items = _check_json(problem, _answers(tmp_path, f"step1.mhat_w_0_2: 0.2\nstep2.m_w_1_2: {m2:.4f}\n", "b.yaml"))
    assert items["step2.m_w_1_2"]["status"] == "wrong" and items["step2.m_w_1_2"]["diagnosis"] == "g2_for_g"
