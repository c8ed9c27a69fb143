"""The lecture's in-class exercise, values worked out by hand (not by the code under test).

2-2-1 network, x = (1, 0), target 1, η = 1, L = ½(z_1 − u_5)², δ = ∂L/∂net.
The lecture's printed solution has slips (δ_4 written with g'(net_5); sigmoid δ_5 ≈ −0.1275 from
rounded intermediates; Δw_13 with the wrong sign); these values are computed afresh.
"""
import math

import pytest
import sympy as sp
from conftest import PROBLEMS

ROOT_XOR = PROBLEMS / "xor.yaml"


def value(sol, part, qid):
    return sol.part(part).step(qid).value


# ReLU part, by hand:
#   net_3 = 1·1 + 3·1 + 4·0 = 4, net_4 = −6 + 6 + 0 = 0, u_3 = 4, u_4 = 0
#   net_5 = −4 + 2·4 + 4·0 = 4, u_5 = 4, L = ½(1 − 4)² = 4.5
#   δ_5 = −(1 − 4)·1 = 3; δ_3 = 3·2·1 = 6; δ_4 = 3·4·g'(0) = 0 (g'(0) = 0)
#   Δw = −η δ_j (input): Δw_05 = −3, Δw_35 = −12, Δw_45 = 0, Δw_03 = −6, Δw_13 = −6, Δw_23 = 0
RELU = {"net_3": 4, "net_4": 0, "act_3": 4, "act_4": 0, "net_5": 4, "act_5": 4,
        "loss": sp.Rational(9, 2), "gprime_5": 1, "gprime_3": 1, "gprime_4": 0,
        "delta_5": 3, "delta_3": 6, "delta_4": 0,
        "grad_w_0_5": 3, "grad_w_3_5": 12, "grad_w_4_5": 0,
        "update_w_0_5": -3, "update_w_3_5": -12, "update_w_4_5": 0,
        "update_w_0_3": -6, "update_w_1_3": -6, "update_w_2_3": 0,
        "update_w_0_4": 0, "update_w_1_4": 0, "update_w_2_4": 0,
        "new_w_0_5": -7, "new_w_3_5": -10, "new_w_4_5": 4, "new_w_0_3": -5, "new_w_1_3": -3,
        "new_w_2_3": 4, "new_w_0_4": -6, "new_w_1_4": 6, "new_w_2_4": 5}


@pytest.mark.parametrize("qid,expected", sorted(RELU.items()))
def test_relu_part_exact_integers(xor, qid, expected):
    v = value(xor, "relu", qid)
    assert v == expected
    assert v.is_Rational, "inputs are integers, so every ReLU value is exact"


def sig(x):
    return 1 / (1 + math.exp(-x))


def hand_sigmoid():
    u3, u4 = sig(4), sig(0)
    net5 = -4 + 2 * u3 + 4 * u4
    u5 = sig(net5)
    d5 = -(1 - u5) * u5 * (1 - u5)
    d3 = d5 * 2 * u3 * (1 - u3)
    d4 = d5 * 4 * u4 * (1 - u4)
    v = {"act_3": u3, "act_4": u4, "net_5": net5, "act_5": u5, "loss": 0.5 * (1 - u5) ** 2,
         "gprime_5": u5 * (1 - u5), "gprime_3": u3 * (1 - u3), "gprime_4": 0.25,
         "delta_5": d5, "delta_3": d3, "delta_4": d4}
    inputs = {"0": 1.0, "1": 1.0, "2": 0.0, "3": u3, "4": u4}
    w = {("0", "3"): 1, ("1", "3"): 3, ("2", "3"): 4, ("0", "4"): -6, ("1", "4"): 6, ("2", "4"): 5,
         ("0", "5"): -4, ("3", "5"): 2, ("4", "5"): 4}
    delta = {"3": d3, "4": d4, "5": d5}
    for (i, j), wv in w.items():
        v[f"grad_w_{i}_{j}"] = delta[j] * inputs[i]
        v[f"update_w_{i}_{j}"] = -1 * delta[j] * inputs[i]
        v[f"new_w_{i}_{j}"] = wv - delta[j] * inputs[i]
    return v


@pytest.mark.parametrize("qid,expected", sorted(hand_sigmoid().items()))
def test_sigmoid_part_matches_hand_computation(xor, qid, expected):
    assert float(value(xor, "sigmoid", qid)) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_sigmoid_values_are_exact_expressions_in_exp(xor):
    u3 = value(xor, "sigmoid", "act_3")
    assert u3 == 1 / (1 + sp.exp(-4))
    assert value(xor, "sigmoid", "act_4") == sp.Rational(1, 2)


def test_printed_solution_slips_are_not_reproduced(xor):
    # the lecture prints δ_5 ≈ −0.1275 and Δw_13 ≈ −0.0045; the correct values differ
    assert float(value(xor, "sigmoid", "delta_5")) == pytest.approx(-0.127207, abs=1e-6)
    assert float(value(xor, "sigmoid", "update_w_1_3")) == pytest.approx(+0.0044936, abs=1e-7)


def test_relu_solution_states_the_g0_convention(xor):
    from symbackprop.render.prose import note
    relu, sig = xor.part("relu"), xor.part("sigmoid")
    text = " ".join(note(relu, n, "en").plain for n in relu.conventions)
    assert "g'(0) is taken as 0" in text and "net_4 = 0" in text
    assert not any(n.kind == "kink" for n in sig.conventions)


def test_relu_g0_setting_changes_delta_4():
    from symbackprop.problem import parse_problem
    from symbackprop.solution import solve
    text = (ROOT_XOR.read_text() + "\n").replace("relu_derivative_at_zero: 0", "relu_derivative_at_zero: 1")
    sol = solve(parse_problem(text, "xor-g0.yaml"))
    # δ_4 = δ_5·w_45·g'(0) = 3·4·1 = 12, Δw_14 = −12·x_1 = −12
    assert value(sol, "relu", "delta_4") == 12
    assert value(sol, "relu", "update_w_1_4") == -12


@pytest.mark.parametrize("part", ["relu", "sigmoid"])
@pytest.mark.slow
def test_appendix_convention_gives_the_same_updates(xor, xor_appendix, part):
    a, b = xor.part(part), xor_appendix.part(part)
    for step in a.steps:
        if step.id.startswith(("update_", "new_", "grad_", "net_", "act_", "loss")):
            assert sp.simplify(b.step(step.id).value - step.value) == 0, step.id
        if step.id.startswith("delta_"):
            # δ = −∂J/∂net in the appendix: the opposite sign
            assert sp.simplify(b.step(step.id).value + step.value) == 0, step.id
