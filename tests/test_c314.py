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

import numpy as np
import pytest
from click.testing import CliRunner

from symbackprop.answers import Grader, check_submission
from symbackprop.cli import main
from symbackprop.grade import grade_all
from symbackprop.messages import catalogue
from symbackprop.problem import load_problem
from symbackprop.rubric import Rubric

UNIT = """\
title: One linear unit, three optimizer steps
network: {{inputs: [1], bias: 0, layers: [[2]], activation: identity}}
weights: {{0: {{2: 0}}, 1: {{2: 1}}}}
sample: {{x: {{1: 2}}, t: {{2: 0}}}}
loss: half_squared_error
optimizer: {optimizer}
steps: 3
"""
THETA0 = np.array([0.0, 1.0])                     # (b, w) = (w_02, w_12)


def _grads(theta):
    """(∂J/∂b, ∂J/∂w) = (u, 2u), u = b + 2w: J = ½u² with x = 2 and target 0."""
    u = theta[0] + 2 * theta[1]
    return np.array([u, 2 * u])


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


@pytest.mark.parametrize("case", list(CASES))
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
