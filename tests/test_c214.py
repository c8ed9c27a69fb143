"""Issue 13, "Checking" (C2): the diagnoses of a student's optimizer step (answers/optimizer_diagnose.py).

Every wrong value below is worked out in this file from the wrong formula, by hand in NumPy, on one linear
unit u = b + w·x with x = 2, target 0, b = 0, w = 1 and J = ½(u − 0)² (`_grads`): never by the module.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

from symbackprop import optimize
from symbackprop.answers.optimizer_diagnose import diagnose_step
from symbackprop.messages import catalogue
from symbackprop.problem import parse_problem
from symbackprop.quantity import Key

from helpers import UNIT_X2 as UNIT, unit_x2_grads as _grads  # noqa: E402  (x = 2, target 0, J = ½u²)
W = Key("w", "2", source="1")                  # the weight w (b is w_0_2)
THETA0 = np.array([0.0, 1.0])                  # (b, w)


@lru_cache(maxsize=None)
def _run(optimizer: str):
    part = parse_problem(UNIT.format(optimizer=optimizer), "p.yaml").parts[0]
    run = optimize.run_part(part)
    return run, next(p for p in run.params if p.key == W)


def _codes(optimizer, t, what, value, given=None):
    run, p = _run(optimizer)
    return [d.code for d in diagnose_step(run, t, p, what, value, given)]


def _first(optimizer, t, what, value, given=None):
    run, p = _run(optimizer)
    got = diagnose_step(run, t, p, what, value, given)
    assert got, f"no diagnosis of {value} for {what} at step {t}"
    return got[0]


def _sgd(lr, steps):
    """Plain SGD by hand: [(θ_{t−1}, g_t, θ_t)] of w for t = 1 … steps."""
    theta, out = THETA0.copy(), []
    for _ in range(steps):
        g = _grads(theta)
        new = theta - lr * g
        out.append((theta[1], g[1], new[1]))
        theta = new
    return out


def _adagrad_lecture(lr, eps, steps):
    """The lecture's Adagrad by hand: [(θ_{t−1}, g_t, G_{t−1}, G_t, θ_t)] of w."""
    theta, G, out = THETA0.copy(), np.zeros(2), []
    for _ in range(steps):
        g = _grads(theta)
        G_new = G + g ** 2
        new = theta - lr / np.sqrt(G_new + eps) * g
        out.append((theta[1], g[1], G[1], G_new[1], new[1]))
        theta, G = new, G_new
    return out


# -- each mistake, with its value worked from the wrong formula -------------------------------------

ADAM = "{name: adam, lr: 0.1}"                         # lecture form: θ − η·m̂/√(v̂ + ε), β = (0.9, 0.999)


def test_bias_correction_forgotten_adam():
    g = 4.0                                             # g_1 of w
    m, v = 0.1 * g, 0.001 * g ** 2                      # m_1, v_1 (from 0)
    both = 1 - 0.1 * m / np.sqrt(v + 1e-8)              # m̂ = m, v̂ = v
    d = _first(ADAM, 1, "new", round(both, 4))
    assert d.code == "bias_correction"
    assert "m̂_t = m_t; v̂_t = v_t" in d.message and "m̂_t = m_t/(1 - β₁^t)" in d.message
    assert f"θ_1(w_{{12}}) = {both:.4f}" in d.message
    only_v = 1 - 0.1 * (m / 0.1) / np.sqrt(v + 1e-8)    # m̂ corrected, v̂ = v: a step of about 3.16·η
    assert _codes(ADAM, 1, "new", round(only_v, 4)) == ["bias_correction"]
    # m̂ written as m: "m̂ = m" (its own line), never the reading with v̂ = v too, which gives the same m̂
    got = _first(ADAM, 1, "mhat", round(m, 4))
    assert got.code == "bias_correction" and "v̂" not in got.message.split(" comes from ")[1].split(";")[0]


def test_eps_inside_and_outside_the_root():
    # torch's Adagrad: θ − η·g/(√G + ε); ε = 0.1 so that its place shows at 4 places
    g = 4.0
    inside = 1 - 0.1 * g / np.sqrt(g ** 2 + 0.1)
    d = _first("{name: adagrad, lr: 0.1, eps: 0.1, form: pytorch}", 1, "new", round(inside, 4))
    assert d.code == "eps_inside" and "sqrt(G_t + ε)" in d.message.replace("ε + G_t", "G_t + ε")
    # the lecture's: θ − η·g/√(G + ε), a student's ε outside
    outside = 1 - 0.1 * g / (np.sqrt(g ** 2) + 0.1)
    assert _codes("{name: adagrad, lr: 0.1, eps: 0.1}", 1, "new", round(outside, 4)) == ["eps_outside"]
    # RMSprop (lecture: ε inside), the update Δθ
    eg2 = 0.1 * g ** 2
    delta = -0.01 * g / (np.sqrt(eg2) + 0.1)
    assert _codes("{name: rmsprop, lr: 0.01, eps: 0.1}", 1, "update", round(delta, 6)) == ["eps_outside"]


def test_weights_swapped():
    g1 = 4.0
    # RMSprop's E[g²]_1 = γ·0 + (1 − γ)·g², swapped: (1 − γ)·0 + γ·g²
    assert _codes("{name: rmsprop, lr: 0.01}", 1, "Eg2", 0.9 * g1 ** 2) == ["weights_swapped"]
    # Adam's m_2 = β₁·m_1 + (1 − β₁)·g_2, swapped: 0.1·m_1 + 0.9·g_2 with the right m_1 = 0.1·g_1
    run, p = _run(ADAM)
    g2 = float(run.value(2, p.kind("grad")))
    theta1 = 1 - 0.1 * (0.1 * g1 / 0.1) / np.sqrt(0.001 * g1 ** 2 / 0.001 + 1e-8)     # θ_1 of w: 1 − η
    b1 = 0 - 0.1 * (0.1 * 2.0 / 0.1) / np.sqrt(0.001 * 2.0 ** 2 / 0.001 + 1e-8)
    assert g2 == pytest.approx(_grads(np.array([b1, theta1]))[1], rel=1e-12)       # the run's g_2, by hand
    assert _codes(ADAM, 2, "m", round(0.1 * (0.1 * g1) + 0.9 * g2, 4)) == ["weights_swapped"]
    # the lecture's momentum: v_1 = γ·v_0 + η·g_1, γ and η exchanged: η·0 + γ·g_1
    d = _first("{name: momentum, lr: 0.1, momentum: 0.9}", 1, "velocity", 0.9 * g1)
    assert d.code == "weights_swapped" and "comes from v_t = η·v_{t−1} + g_t·γ;" in d.message


def test_g_for_g_squared_and_back():
    g = 4.0
    assert _codes("{name: adagrad, lr: 0.1}", 1, "G", g) == ["g_for_g2"]                # G_1 = g, not g²
    assert _codes(ADAM, 1, "v", round(0.001 * g, 4)) == ["g_for_g2"]                    # v_1 = (1 − β₂)·g
    assert _codes(ADAM, 1, "m", round(0.1 * g ** 2, 4)) == ["g2_for_g"]                 # m_1 = (1 − β₁)·g²


def test_state_not_carried_over():
    steps = _adagrad_lecture(0.1, 1e-8, 2)
    _, g2, G1, G2, _ = steps[1]
    assert _codes("{name: adagrad, lr: 0.1}", 2, "G", round(g2 ** 2, 4)) == ["state_not_carried"]
    theta1 = steps[0][4]
    fresh = theta1 - 0.1 / np.sqrt(g2 ** 2 + 1e-8) * g2          # θ_2 from G_1 taken as 0
    run, p = _run("{name: adagrad, lr: 0.1}")
    # 0.8000 (θ_1 − η·sign(g_2)): written to 4 places, not 0.8, which is the right 0.8352 to one place
    d, = diagnose_step(run, 2, p, "new", round(fresh, 4), decimals=4)
    assert d.code == "state_not_carried" and "G_1 = 0 (the values before step 1) where G_1 = 16" in d.message
    assert diagnose_step(run, 2, p, "new", round(fresh, 4)) == []


def test_state_not_carried_over_is_not_tried_at_step_one():
    # at t = 1 the state before the step IS its initial value: a wrong G_1 is never "not carried over"
    g = 4.0
    for value in (g ** 2 + 1, 2 * g ** 2, 0.0):
        assert "state_not_carried" not in _codes("{name: adagrad, lr: 0.1}", 1, "G", value)


def test_old_weight_used_twice_and_gradient_reused():
    (w0, g1, w1), (_, g2, w2) = _sgd(0.1, 2)
    # θ_2 = θ_0 − η·g_2: the update added to the weight before the previous step
    d = _first("{name: sgd, lr: 0.1}", 2, "new", round(w0 - 0.1 * g2, 4))
    assert d.code == "old_weight_twice" and "θ_0 = 1" in d.message
    # g_2 taken at θ_0: the previous step's gradient g_1 reused, for g_2 and in θ_2
    assert _codes("{name: sgd, lr: 0.1}", 2, "grad", g1) == ["grad_reused"]
    assert _codes("{name: sgd, lr: 0.1}", 2, "new", round(w1 - 0.1 * g1, 4)) == ["grad_reused"]
    # not at step 1
    assert "old_weight_twice" not in _codes("{name: sgd, lr: 0.1}", 1, "new", round(w0 + 0.1 * g1, 4))


def test_sign_flipped_and_eta_left_out():
    (w0, g1, _), = _sgd(0.1, 1)
    assert _codes("{name: sgd, lr: 0.1}", 1, "new", round(w0 + 0.1 * g1, 4)) == ["sign_flipped"]
    assert _codes("{name: sgd, lr: 0.1}", 1, "update", round(0.1 * g1, 4)) == ["sign_flipped"]
    d = _first("{name: sgd, lr: 0.1}", 1, "new", round(w0 - g1, 4))
    assert d.code == "eta_missing" and "(η = 0.1)" in d.message
    # no η in the lecture's AdaDelta: never "η left out"
    assert all(d != "eta_missing" for d in _codes("{name: adadelta}", 1, "new", 1 - 4.0))


def test_momentum_form_eta_inside_or_outside():
    (_, g1, _), (_, _, _) = _sgd(0.1, 2)
    # the lecture's momentum: v_t = γ·v_{t−1} + η·g_t; torch's buffer b_t = μ·b_{t−1} + g_t (η outside)
    run, p = _run("{name: momentum, lr: 0.1, momentum: 0.9}")
    w1 = 1 - 0.1 * g1                                                # v_1 = η·g_1, θ_1 = θ_0 − v_1
    b1 = 0 - 0.1 * 2.0
    g2 = _grads(np.array([b1, w1]))[1]
    assert float(run.value(2, p.kind("grad"))) == pytest.approx(g2, rel=1e-12)
    d = _first("{name: momentum, lr: 0.1, momentum: 0.9}", 2, "velocity", round(0.9 * g1 + g2, 4))
    assert d.code == "momentum_form" and "η outside" in d.message
    # the other way round: torch's form, a student's v_1 = η·g_1
    assert _codes("{name: momentum, lr: 0.1, momentum: 0.9, form: pytorch}", 1, "velocity",
                  round(0.1 * g1, 4)) == ["momentum_form"]


def test_adadelta_eps_and_a_tie():
    # the lecture's AdaDelta (ε = 1e-6 inside both roots), t = 1: Δθ = −√(0 + ε)/√(E[g²] + ε)·g; with ε
    # outside both, −(√0 + ε)/(√E[g²] + ε)·g
    g, eps = 4.0, 1e-6
    eg2 = 0.1 * g ** 2
    outside = -(0 + eps) / (np.sqrt(eg2) + eps) * g
    run, p = _run("{name: adadelta}")
    assert [d.code for d in diagnose_step(run, 1, p, "delta", outside)] == ["eps_outside"]
    # the lecture's momentum, v_1 = g_1: η left out and torch's buffer (η outside v) give the same number;
    # the other form is named (the order of _variants), once
    assert _codes("{name: momentum, lr: 0.1, momentum: 0.9}", 1, "velocity", g) == ["momentum_form"]


# -- what is not a mistake --------------------------------------------------------------------------

@pytest.mark.parametrize("optimizer, what", [
    (ADAM, "new"), (ADAM, "m"), ("{name: adagrad, lr: 0.1}", "G"), ("{name: sgd, lr: 0.1}", "update"),
    ("{name: momentum, lr: 0.1}", "velocity")])
def test_right_value_gets_none(optimizer, what):
    run, p = _run(optimizer)
    for t in (1, 2):
        key = p.kind(what)
        assert diagnose_step(run, t, p, what, round(float(run.value(t, key)), 4)) == []
        assert diagnose_step(run, t, p, what, float(run.value(t, key))) == []


def test_random_wrong_value_gets_none():
    rng = np.random.default_rng(13)
    for optimizer in (ADAM, "{name: adagrad, lr: 0.1}", "{name: sgd, lr: 0.1}"):
        for value in rng.uniform(-7, 7, 5):
            assert _codes(optimizer, 2, "new", round(float(value), 4) + 0.00003) == []


def test_follow_through_from_the_students_own_state():
    _, g2, _, _, _ = _adagrad_lecture(0.1, 1e-8, 2)[1]
    own_G1 = 20.0                                       # their G_1 (wrong: it is 16)
    assert _codes("{name: adagrad, lr: 0.1}", 2, "G", round(own_G1 + g2 ** 2, 4), {"G": own_G1}) == []
    assert _codes("{name: adagrad, lr: 0.1}", 2, "G", round(own_G1 + g2, 4), {"G": own_G1}) == ["g_for_g2"]


def test_messages_in_both_catalogues():
    en, zh = catalogue("en"), catalogue("zh")
    keys = [k for k in en if k.startswith("diagnosis.opt_")]
    assert len(keys) == 19 and all(k in zh for k in keys)          # 13, and session 14 V1's 6 of the samples


def test_bad_what_and_step():
    run, p = _run("{name: sgd, lr: 0.1}")
    with pytest.raises(ValueError, match="not a quantity"):
        diagnose_step(run, 1, p, "m", 0.5)
    with pytest.raises(ValueError, match="not a step"):
        diagnose_step(run, 4, p, "new", 0.5)
