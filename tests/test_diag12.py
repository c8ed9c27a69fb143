"""Session 12, user trial t12: diagnoses and follow-through of network answers (task W1).

Every expected number is worked out here by hand from the givens (in the comments), never by the code
under test.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from symbackprop.answers import Grader, Rubric
from symbackprop.problem import load_problem

# p/relu_kink.yaml of the trial: 2 outputs, mse. net_3 = 1 + 2 − 1 = 2, net_4 = −2 + 1 + 1 = 0 (the kink),
# u_5 = net_5 = 0.5 + 1·2 + 2·0 = 2.5, u_6 = net_6 = 0 − 2 + 3·0 = −2.
# J = ((1 − 2.5)² + (0 + 2)²)/2 = (2.25 + 4)/2 = 3.125; δ_5 = (2/2)(2.5 − 1) = 1.5, δ_6 = −2.
# The sum of squares instead of the mean: J = 6.25, δ_5 = 2(u_5 − t_5) = 3, δ_6 = −4, δ_3 = 3·1 + (−4)(−1) = 7.
RELU_KINK = """\
title: ReLU network with a unit exactly at its kink
network:
  inputs: [1, 2]
  bias: 0
  layers: [[3, 4], [5, 6]]
  activation: relu
  output_activation: identity
weights:
  0: {3: 1, 4: -2, 5: 0.5, 6: 0}
  1: {3: 2, 4: 1}
  2: {3: -1, 4: 1}
  3: {5: 1, 6: -1}
  4: {5: 2, 6: 3}
sample: {x: {1: 1, 2: 1}, t: {5: 1, 6: 0}}
loss: mse
learning_rate: 0.1
relu_derivative_at_zero: 0.5
"""

# three linear outputs u = 1, 2, 3 with targets 0: J = (1 + 4 + 9)/3 = 14/3, δ_k = (2/3)u_k;
# summed: J = 14, δ_k = 2u_k (2, 4, 6): 3 times each
K3 = """\
title: three linear outputs
network:
  inputs: [1]
  bias: 0
  layers: [[2, 3, 4]]
  activation: identity
weights:
  0: {2: 0, 3: 0, 4: 0}
  1: {2: 1, 3: 2, 4: 3}
sample: {x: {1: 1}, t: {2: 0, 3: 0, 4: 0}}
loss: mse
learning_rate: 0.1
"""


def _grader(tmp_path: Path, name: str, text: str) -> Grader:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return Grader(load_problem(f), Rubric())


def _check(grader: Grader, tmp_path: Path, name: str, text: str, part=None) -> dict:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    reports, _ = grader.check(f, part)
    return {v.qid: v for r in reports for v in r.verdicts}


def _check_once(tmp_path: Path, problem: str, answers: str, answers_name: str = "a.yaml") -> dict:
    """The verdicts of one answers file on a problem of its own (a grader made for it, and closed)."""
    g = _grader(tmp_path, "p.yaml", problem)
    try:
        return _check(g, tmp_path, answers_name, answers)
    finally:
        g.close()


@pytest.fixture(scope="module")
def relu_kink(tmp_path_factory):
    g = _grader(tmp_path_factory.mktemp("relu"), "relu_kink.yaml", RELU_KINK)
    yield g
    g.close()


# -- item 2: an mse's mean over the outputs taken as a sum ------------------------------------------------
def test_sum_of_squares_deltas_charged_once_then_follow(relu_kink, tmp_path):
    got = _check(relu_kink, tmp_path, "pam.yaml", "delta_5: 3\ndelta_6: -4\n")
    assert got["delta_5"].status == "wrong"
    assert got["delta_5"].diagnosis == "mean_units_missing"
    assert "twice the expected value" in got["delta_5"].message
    assert "uses t_5" not in got["delta_5"].message          # no target nobody wrote
    assert got["delta_6"].status == "follow_through", got["delta_6"]


def test_summed_loss_then_deltas_follow(relu_kink, tmp_path):
    got = _check(relu_kink, tmp_path, "eve.yaml", "loss: 6.25\ndelta_5: 3\n")
    assert got["loss"].diagnosis == "mean_units_missing"
    assert got["delta_5"].status == "follow_through", got["delta_5"]


def test_write_up_with_the_rule_2_u_minus_t(relu_kink, tmp_path):
    text = ("$J = (1-2.5)^2 + (0+2)^2 = 6.25$\n\n$\\delta_5 = 2(u_5 - t_5) = 3$\n\n"
            "$\\delta_6 = 2(u_6 - t_6) = -4$\n\n$\\delta_3 = 3 \\times 1 + (-4)(-1) = 7$\n")
    got = _check(relu_kink, tmp_path, "nia.md", text)
    assert got["loss"].status == "wrong"
    assert [q for q, v in got.items() if v.status == "wrong"] == ["loss"]
    assert all("uses t_" not in str(v.message) for v in got.values())
    assert got["delta_3"].status == "follow_through"


@pytest.mark.slow
def test_three_outputs_three_times(tmp_path):
    got = _check_once(tmp_path, K3, "loss: 14\ndelta_2: 2\ndelta_3: 4\ndelta_4: 6\n", "a.yaml")
    assert got["loss"].diagnosis == "mean_units_missing"
    assert "3 times the expected value" in got["loss"].message
    assert [got[q].status for q in ("delta_2", "delta_3", "delta_4")] == ["follow_through"] * 3


# -- item 3: a given copied wrong once, then used as the problem gives it -------------------------------
PROBLEMS = Path(__file__).resolve().parent.parent / "problems"


@pytest.fixture(scope="module")
def xor():
    g = Grader(load_problem(PROBLEMS / "xor.yaml"), Rubric())
    yield g
    g.close()


# gus.md of the trial: w_35 = 3 copied once in net_5 (−4 + 3·0.9820 + 4·0.5 = 0.946), everything after from
# it; then w_35^new = 2 + Δw_35 with the problem's w_35 = 2 and the student's own Δw_35 = 0.0554
GUS = """\
$net_5 = -4 + 3 \\times 0.9820 + 4 \\times 0.5 = 0.946$
$u_5 = \\frac{1}{1+e^{-0.946}} = 0.7203$
$\\delta_5 = 0.7203 (1 - 0.7203)(0.7203 - 1) = -0.0564$
$\\Delta w_{35} = -1 \\times (-0.0564) \\times 0.9820 = 0.0554$
"""


@pytest.mark.parametrize("line", ["$w_{35}^{new} = 2 + 0.0554 = 2.0554$",
                                  pytest.param("$w_{35}^{new} = 2.0554$", marks=pytest.mark.slow),
                                  pytest.param("$w_{35}^{new} = 3 + 0.0554 = 3.0554$", marks=pytest.mark.slow)])
def test_updated_weight_from_the_given_or_the_copy_follows(xor, tmp_path, line):
    got = _check(xor, tmp_path, "gus.md", GUS + line + "\n", "sigmoid")
    assert got["net_5"].diagnosis == "given_copied"
    assert got["new_w_3_5"].status == "follow_through", got["new_w_3_5"]
    assert [q for q, v in got.items() if v.status == "wrong"] == ["net_5"]


@pytest.mark.slow
def test_updated_weight_from_neither_is_still_wrong(xor, tmp_path):
    # 2.5554 is neither 2 + 0.0554 nor 3 + 0.0554
    got = _check(xor, tmp_path, "gus.md", GUS + "$w_{35}^{new} = 2.5554$\n", "sigmoid")
    assert got["new_w_3_5"].status == "wrong"


# -- item 9: a batch averaged where the problem sums it, and the reverse ---------------------------------
# one linear unit u = w_12·x (w_12 = 1), ½(t − u)², samples x = 1, 2, 3 with t = 0:
# J^(s) = ½x², summed 0.5 + 2 + 4.5 = 7 (mean 7/3 = 2.3333); ∂J/∂w_12 = Σ u·x = 1 + 4 + 9 = 14 (mean 4.6667);
# Δw_12 = −0.1·14 = −1.4 (mean −0.4667)
BATCH = """\
title: three samples through one linear unit
network:
  inputs: [1]
  bias: 0
  layers: [[2]]
  activation: identity
weights:
  0: {{2: 0}}
  1: {{2: 1}}
samples:
  - {{x: {{1: 1}}, t: {{2: 0}}}}
  - {{x: {{1: 2}}, t: {{2: 0}}}}
  - {{x: {{1: 3}}, t: {{2: 0}}}}
loss: half_squared_error
batch_reduction: {reduction}
learning_rate: 0.1
"""


@pytest.mark.parametrize("reduction,answers,code", [
    ("sum", "loss: 2.3333\ngrad_w_1_2: 4.6667\nupdate_w_1_2: -0.4667\n", "batch_mean_taken"),
    pytest.param("mean", "loss: 7\ngrad_w_1_2: 14\nupdate_w_1_2: -1.4\n", "mean_missing", marks=pytest.mark.slow),
])
def test_batch_reduction_slip_charged_once(tmp_path, reduction, answers, code):
    got = _check_once(tmp_path, BATCH.format(reduction=reduction), answers, "ivy.yaml")
    assert got["loss"].status == "wrong" and got["loss"].diagnosis == code
    assert ("1/3 of the expected value" if reduction == "sum" else "3 times the expected value") in got["loss"].message
    assert got["grad_w_1_2"].status == "follow_through", got["grad_w_1_2"]
    assert got["update_w_1_2"].status == "follow_through", got["update_w_1_2"]


# -- item 8: a frozen weight updated, a tied edge updated on its own, and the hint for a tied edge's Δw ---
# net_3 = 0.5·1 + 1·1 + 1·2 = 3.5 = u_3, δ_3 = u_3 − t = 3.5 (½(t − u)²); ∂J/∂w_03 = 3.5 (frozen: Δw_03 = 0,
# as a free weight −0.1·3.5 = −0.35); ∂J/∂w_13 = 3.5·1, ∂J/∂w_23 = 3.5·2 = 7, tied as s: ∂J/∂s = 10.5,
# s^new = 1 − 1.05 = −0.05; each edge on its own: w_13^new = 1 − 0.35 = 0.65, w_23^new = 1 − 0.7 = 0.3
FROZEN_TIED = """\
title: a frozen bias weight and two tied weights
network:
  inputs: [1, 2]
  bias: 0
  layers: [[3]]
  activation: identity
weights:
  0: {3: {value: 0.5, frozen: true}}
  1: {3: 1}
  2: {3: 1}
shared: {s: [w_1_3, w_2_3]}
sample: {x: {1: 1, 2: 2}, t: {3: 0}}
loss: half_squared_error
learning_rate: 0.1
"""


def test_frozen_and_tied_updates_are_named(tmp_path):
    g = _grader(tmp_path, "ft.yaml", FROZEN_TIED)
    try:
        f = tmp_path / "hal.yaml"
        f.write_text("update_w_0_3: -0.35\nnew_w_1_3: 0.65\nnew_w_2_3: 0.3\n\"\\\\Delta w_{13}\": -0.35\n",
                     encoding="utf-8")
        reports, sub = g.check(f, None)
    finally:
        g.close()
    got = {v.qid: v for r in reports for v in r.verdicts}
    assert got["update_w_0_3"].diagnosis == "frozen_updated"
    assert "is frozen" in got["update_w_0_3"].message
    assert got["new_w_1_3"].status == "wrong" and got["new_w_1_3"].diagnosis == "tied_separately"
    assert "tied to s" in got["new_w_1_3"].message
    assert got["new_w_2_3"].status == "follow_through"          # the same mistake, charged once
    hints = " ".join(str(p) for p in sub)
    assert "did you mean Δs (w_{13} is tied to s" in hints, hints


# -- item 14: common slips named ---------------------------------------------------------------------
# Mazur's 2-2-2 sigmoid example (values from his worked post, not from this code): out_h1 = 0.593269992,
# out_h2 = 0.596884378, δ_o1 = 0.138498562, δ_o2 = −0.038098236 (δ = ∂E/∂net, ½ squared error).
# δ_h1 = out_h1(1 − out_h1)(δ_o1·w5 + δ_o2·w7) = 0.241300709·(0.055399425 − 0.019049118) = 0.008771;
# with δ_o2·w7 left out: 0.241300709·0.055399425 = 0.013368.
# δ_h2 without g': δ_o1·w6 + δ_o2·w8 = 0.062324353 − 0.020954030 = 0.041370 (0.041371 from the rounded δs)
MAZUR = """\
title: Mazur's step-by-step example
network:
  inputs: [i1, i2]
  bias: b
  layers: [[h1, h2], [o1, o2]]
  activation: sigmoid
weights:
  b: {h1: 0.35, h2: 0.35, o1: 0.60, o2: 0.60}
  i1: {h1: 0.15, h2: 0.25}
  i2: {h1: 0.20, h2: 0.30}
  h1: {o1: 0.40, o2: 0.50}
  h2: {o1: 0.45, o2: 0.55}
sample: {x: {i1: 0.05, i2: 0.10}, t: {o1: 0.01, o2: 0.99}}
loss: half_squared_error
learning_rate: 0.5
precision: 6
"""


@pytest.fixture(scope="module")
def mazur(tmp_path_factory):
    g = _grader(tmp_path_factory.mktemp("mazur"), "mazur.yaml", MAZUR)
    yield g
    g.close()


@pytest.mark.parametrize("h2", [pytest.param("0.041370", marks=pytest.mark.slow), "0.041371"])
def test_hidden_delta_one_term_and_without_gprime(mazur, tmp_path, h2):
    got = _check(mazur, tmp_path, "kit.yaml", f"delta_h1: 0.013368\ndelta_h2: {h2}\n")
    assert got["delta_h1"].diagnosis == "sum_incomplete"
    assert "the term δ_{o2}·" in got["delta_h1"].message
    assert got["delta_h2"].diagnosis == "gprime_missing"
    assert "g'(net_{h2}) left out" in got["delta_h2"].message


@pytest.mark.slow
def test_a_value_far_from_every_mistake_stays_unexplained(mazur, tmp_path):
    got = _check(mazur, tmp_path, "kit.yaml", "delta_h2: 0.041470\n")      # 0.041370 + 1e-4: no mistake
    assert got["delta_h2"].diagnosis is None


# one linear unit u_2 = 2·x_1 = 2, t = 1, squared error (t − u)²: δ_2 = 2(u − t) = 2, Δw_12 = −0.1·2·1 = −0.2;
# the 2 left out: δ_2 = 1, and then Δw_12 = −0.1 follows from it
SQUARED = """\
title: squared error without its half
network:
  inputs: [1]
  bias: 0
  layers: [[2]]
  activation: identity
weights:
  0: {2: 0}
  1: {2: 2}
sample: {x: {1: 1}, t: {2: 1}}
loss: squared_error
learning_rate: 0.1
"""

# a ReLU unit below its kink: net_2 = −1, u_2 = 0, net_3 = 1·u_2 = 0, u_3 = σ(0) = 0.5,
# δ_3 = (u_3 − t)·u_3(1 − u_3) = −0.5·0.25 = −0.125, δ_2 = g'(net_2)·w_23·δ_3 = 0;
# the mask forgotten (g' taken as 1): δ_2 = −0.125 (g'(net_3) = 0.25 for it would give −0.03125)
MASKED = """\
title: a ReLU unit switched off
network:
  inputs: [1]
  bias: 0
  layers: [[2], [3]]
  activation: relu
  output_activation: sigmoid
weights:
  0: {2: 0, 3: 0}
  1: {2: -1}
  2: {3: 1}
sample: {x: {1: 1}, t: {3: 1}}
loss: half_squared_error
learning_rate: 0.1
"""

# the trial's tanh neuron: net_4 = 0.1 + 0.5·1 − 0.3·2 + 0.2·(−1) = −0.2, u_4 = tanh(−0.2) = −0.197375,
# ∂f/∂x_1 = (1 − u_4²)·w_14 = 0.961043·0.5 = 0.4805; with g for g': u_4·w_14 = −0.0987; without g': 0.5
NEURON = """\
title: tanh neuron, gradients of its output by weights and inputs
network:
  inputs: [1, 2, 3]
  bias: 0
  layers: [[4]]
  activation: tanh
weights:
  0: {4: 0.1}
  1: {4: 0.5}
  2: {4: -0.3}
  3: {4: 0.2}
sample: {x: {1: 1, 2: 2, 3: -1}}
loss: none
input_gradients: true
notation: {loss_symbol: f}
"""


@pytest.mark.parametrize("problem,answers,qid,code,words,after", [
    (SQUARED, "delta_2: 1\nupdate_w_1_2: -0.1\n", "delta_2", "square_two_missing", "the 2 of the square", "update_w_1_2"),
    (MASKED, "delta_2: -0.125\n", "delta_2", "gprime_missing", "mask forgotten", None),
    (NEURON, "grad_x_1: -0.0987\n", "grad_x_1", "g_not_gprime", "g(net_4) used where g'(net_4)", None),
    pytest.param(NEURON, "grad_x_1: 0.5\n", "grad_x_1", "gprime_missing", "g'(net_4) left out", None,
                 marks=pytest.mark.slow),
])
def test_common_slips(tmp_path, problem, answers, qid, code, words, after):
    got = _check_once(tmp_path, problem, answers, "a.yaml")
    assert got[qid].status == "wrong" and got[qid].diagnosis == code, got[qid]
    assert words in got[qid].message
    if after:
        assert got[after].status == "follow_through", got[after]


# -- item 4: the other δ convention's output rule with σ' written out --------------------------------------
# problems/xor.yaml has δ = ∂L/∂net: δ_k = (u_k − z_k)·u_k(1 − u_k) for σ; the other convention negates it.
# δ_5 = 0.1272 and Δw_35 = 0.1249 are the values of the trial's ned.yaml in that other convention.
@pytest.mark.parametrize("rule", [pytest.param("(z_k - u_k) g'(net_k)", marks=pytest.mark.slow),
                                  "(z_k - u_k) u_k (1 - u_k)",
                                  pytest.param("-(u_k - z_k) u_k (1 - u_k)", marks=pytest.mark.slow)])
def test_other_convention_rule_in_any_equal_form(xor, tmp_path, rule):
    text = f'sigmoid:\n  delta_output: "{rule}"\n  delta_5: 0.1272\n  "\\\\Delta w_{{35}}": 0.1249\n  delta_3: 0.0045\n'
    got = _check(xor, tmp_path, "ned.yaml", text, "sigmoid")
    assert got["delta_output"].status == "other_convention", got["delta_output"]


@pytest.mark.slow
def test_this_conventions_sigma_rule_stays_correct(xor, tmp_path):
    got = _check(xor, tmp_path, "ok.yaml", 'sigmoid:\n  delta_output: "(u_k - z_k) u_k (1 - u_k)"\n', "sigmoid")
    assert got["delta_output"].status == "correct"


def test_a_wrong_rule_is_no_copied_target(tmp_path):
    # K3: δ_2 = (2/3)(u_2 − t_2) = 0.6667; the rule u_2 − t_2 = 1 is 3/2 of it, which no known mistake gives.
    # The student's own (wrong) rule explains the number: never "uses t_2 = -0.5" (a target nobody wrote)
    got = _check_once(tmp_path, K3, "$\\delta_2 = u_2 - t_2 = 1$\n", "a.md")
    assert got["delta_2"].status == "wrong"
    assert got["delta_2"].diagnosis != "given_copied", got["delta_2"]
    assert "uses t_2" not in str(got["delta_2"].message)
