"""Session 13, task F1 (user trial t15, items 1 and 10): the other δ convention with the student's own
rounded values, and the hint for ∂E/∂net_j where this problem's δ_j is −∂E/∂net_j.

Item 1: a student who uses δ = ∂E/∂net consistently in a δ = −∂E/∂net problem writes δ_6 = 1.3696 and
then δ_3 = δ_6·w_63·(1 − y_3²) from their own rounded δ_6: 0.7897, where the exact value negated is 0.7898.
That δ_3 is right in the other convention from their own values, so it counts with the negated δs.

The numbers are worked out here by hand (math, not the package) from tests/data/f113/tanh.yaml: tanh
hidden units 3, 4, 5, identity output 6, x = (1, −2), t = 0.5, η = 0.5, δ = −∂E/∂net, E = ½(t − z)².
"""
import json
import math

import pytest
from conftest import DATA

HERE = DATA / "f113"
TANH = HERE / "tanh.yaml"
BATCH = HERE / "tanh_batch.yaml"
W0 = {3: 0.1, 4: -0.1, 5: 0.2, 6: 0.3}
W1 = {3: 0.5, 4: -0.3, 5: 0.8}
W2 = {3: 0.2, 4: 0.4, 5: -0.5}
W6 = {3: 0.6, 4: -0.7, 5: 0.9}
ETA = 0.5


def r4(x):
    return round(x, 4)


def forward(x1, x2, t):
    """(y, z_6, δ_6, δ_j) in this problem's convention δ = −∂E/∂net = (t − z)·1 at the identity output."""
    y = {j: math.tanh(W0[j] + W1[j] * x1 + W2[j] * x2) for j in (3, 4, 5)}
    z = W0[6] + sum(W6[j] * y[j] for j in y)
    d6 = t - z
    return y, z, d6, {j: d6 * W6[j] * (1 - y[j] ** 2) for j in y}


Y, Z6, D6, D = forward(1, -2, 0.5)
assert (r4(Z6), r4(D6), r4(D[3])) == (1.8696, -1.3696, -0.7898)
OWN3 = r4(r4(-D6) * W6[3] * (1 - Y[3] ** 2))      # the other convention's δ_3 from the student's rounded δ_6
assert OWN3 == 0.7897 != r4(-D[3])                 # one unit off the exact value negated: the case of t15 #1
DW63 = ETA * D6 * Y[3]                             # Δw_63 = ηδ_6 y_3 here (= −ηδ'_6 y_3 in the other one)
assert r4(DW63) == -0.1352


def check(grader_of, tmp_path, problem, answers, name="a.yaml"):
    f = tmp_path / name
    f.write_text(answers if isinstance(answers, str) else json.dumps(answers), encoding="utf-8")
    reports, _ = grader_of(problem).check(f, "main")
    return reports[0], {v.qid: v for v in reports[0].verdicts}


def test_minimal_other_convention_from_own_rounded_delta(grader_of, tmp_path):
    r, v = check(grader_of, tmp_path, TANH,
                 {"delta_6": r4(-D6), "update_w_3_6": r4(DW63), "delta_3": OWN3})
    assert {q: x.status for q, x in v.items()} == \
        {"delta_6": "other_convention", "update_w_3_6": "correct", "delta_3": "other_convention"}
    assert all(x.credit == 1.0 for x in v.values())
    assert r.first_error is None
    assert any("every δ has the opposite sign" in str(n) for n in r.notes)
    assert "follows" not in str(v["delta_3"].message) and v["delta_3"].source is None


def test_full_write_up_credited_in_full(grader_of, tmp_path):
    r, v = check(grader_of, tmp_path, TANH, (HERE / "bo.md").read_text(encoding="utf-8"), "bo.md")
    assert len(v) == 8
    for q, x in v.items():
        assert x.credit == 1.0 and x.status in ("correct", "other_convention"), (q, x.status, str(x.message))
        assert "other δ convention" not in str(x.message)      # no "working wrong: the rule of the other …"
    assert {q for q, x in v.items() if x.status == "other_convention"} == {"delta_6", "delta_3", "delta_4"}
    assert r.first_error is None


def test_sign_slip_with_own_rounded_follow_through_still_charged(grader_of, tmp_path):
    # control: δ_6 negated and Δw_63 computed from it by this problem's rule (negated too): a sign slip at
    # δ_6; δ_3 = 0.7897 from it follows through
    r, v = check(grader_of, tmp_path, TANH,
                 {"delta_6": r4(-D6), "update_w_3_6": r4(-DW63), "delta_3": OWN3})
    assert (v["delta_6"].status, v["delta_6"].diagnosis) == ("wrong", "sign")
    assert v["update_w_3_6"].status == "follow_through" and v["delta_3"].status == "follow_through"
    assert r.first_error == "delta_6"
    # the reason names the negated Δw, not "the others do not" (δ_3 has the opposite sign too)
    assert "Δw_{63}" in str(v["delta_6"].message) and "the others do not" not in str(v["delta_6"].message)


def test_one_hidden_delta_truly_slipped_still_charged(grader_of, tmp_path):
    # control: δ_6 right, δ_3 alone negated (exact value), Δw_31 computed from it by this problem's rule
    r, v = check(grader_of, tmp_path, TANH,
                 {"delta_6": r4(D6), "update_w_3_6": r4(DW63), "delta_3": r4(-D[3]),
                  "update_w_1_3": r4(-ETA * D[3] * 1)})
    assert (v["delta_3"].status, v["delta_3"].diagnosis) == ("wrong", "sign")
    assert v["delta_6"].status == "correct" and v["update_w_1_3"].status == "follow_through"
    assert r.first_error == "delta_3"


def test_second_pass_keeps_own_rounded_delta_in_the_convention(grader_of, tmp_path):
    # the convention decided by Δw_63, Δw_64; Δw_31 computed from δ_3 by this problem's rule (+ηδ'x): a sign
    # slip on Δw_31 itself, naming δ_3, the δ it is computed from; δ_3 keeps its credit
    dw64 = ETA * D6 * Y[4]
    r, v = check(grader_of, tmp_path, TANH,
                 {"delta_6": r4(-D6), "update_w_3_6": r4(DW63), "update_w_4_6": r4(dw64), "delta_3": OWN3,
                  "update_w_1_3": r4(ETA * OWN3 * 1)})
    assert v["delta_3"].status == "other_convention" and v["delta_6"].status == "other_convention"
    assert (v["update_w_1_3"].status, v["update_w_1_3"].diagnosis) == ("wrong", "sign")
    assert "δ_3" in str(v["update_w_1_3"].message)
    assert r.first_error == "update_w_1_3"


@pytest.mark.slow
def test_batch_every_delta_from_own_rounded_values(grader_of, tmp_path):
    # tanh_batch.yaml: the same net, samples (1, −2; t 0.5) and (−1, 0.5; t −0.5), the mean of the losses
    samples = [forward(1, -2, 0.5), forward(-1, 0.5, -0.5)]
    answers, off = {}, 0
    for n, (y, z, d6, d) in enumerate(samples, 1):
        answers[f"delta_6@{n}"] = r4(-d6)
        for j in (3, 4, 5):
            own = r4(r4(-d6) * W6[j] * (1 - y[j] ** 2))
            answers[f"delta_{j}@{n}"] = own
            off += own != r4(-d[j])
    assert off == 3            # δ_3^(1), δ_3^(2), δ_4^(2) are one unit off the exact value negated
    # Δw_{63} = η·mean_n(δ_6^(n) y_3^(n)) and Δw_{31} = η·mean_n(δ_3^(n) x_1^(n)): one sign in both conventions
    answers["update_w_3_6"] = r4(ETA * sum(s[2] * s[0][3] for s in samples) / 2)
    answers["update_w_1_3"] = r4(ETA * (samples[0][3][3] * 1 + samples[1][3][3] * -1) / 2)
    r, v = check(grader_of, tmp_path, BATCH, answers)
    for q, x in v.items():
        assert x.credit == 1.0, (q, x.status, str(x.message))
    assert sum(x.status == "other_convention" for x in v.values()) == 8
    assert r.first_error is None


@pytest.mark.slow
@pytest.mark.parametrize("slipped", ["delta_3@2", "delta_5@1"])
def test_batch_one_delta_truly_slipped(grader_of, tmp_path, slipped):
    # control: every δ right but one hidden δ of one sample, negated: a sign slip there, in either sample
    samples = [forward(1, -2, 0.5), forward(-1, 0.5, -0.5)]
    answers = {}
    for n, (y, z, d6, d) in enumerate(samples, 1):
        answers[f"delta_6@{n}"] = r4(d6)
        for j in (3, 4, 5):
            answers[f"delta_{j}@{n}"] = r4(d[j])
    answers[slipped] = -answers[slipped]
    answers["update_w_3_6"] = r4(ETA * sum(s[2] * s[0][3] for s in samples) / 2)
    r, v = check(grader_of, tmp_path, BATCH, answers)
    assert (v[slipped].status, v[slipped].diagnosis) == ("wrong", "sign")
    assert r.first_error == slipped
    assert all(x.status == "correct" for q, x in v.items() if q != slipped)


# -- item 10: ∂E/∂net_j hinted with this problem's δ definition, for every unit, both conventions ----------

def _table(path):
    from symbackprop.answers.names import NameTable
    from symbackprop.solution import solve
    return NameTable(solve(str(path)).parts[0])


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    # the same net with δ = ∂E/∂net (the in-class convention): written here, not a second data file
    plus = tmp_path_factory.mktemp("f113") / "tanh_plus.yaml"
    plus.write_text(TANH.read_text(encoding="utf-8").replace("delta: minus_dJ_dnet", "delta: dJ_dnet"),
                    encoding="utf-8")
    return {"minus": _table(TANH), "plus": _table(plus)}


@pytest.mark.parametrize("unit", [3, 4, 5, 6])
@pytest.mark.parametrize("written", ["∂E/∂net_{u}", "\\frac{{\\partial E}}{{\\partial net_{u}}}", "dE/dnet{u}"])
def test_a_derivative_by_a_net_says_this_problems_delta(tables, unit, written):
    from symbackprop.answers.names import hint_for
    name = written.format(u=unit)
    # δ = −∂E/∂net here: ∂E/∂net_j is −δ_j
    assert hint_for(tables["minus"], name) == \
        ("close", [f"−δ_{unit}, as δ_{unit} = −∂E/∂net_{unit} in this problem"])
    # δ = ∂E/∂net: ∂E/∂net_j is δ_j (a student writing δ_j = −∂E/∂net_j reads that their minus negates it)
    assert hint_for(tables["plus"], name) == ("close", [f"δ_{unit}, as δ_{unit} = ∂E/∂net_{unit} in this problem"])


@pytest.mark.slow
@pytest.mark.parametrize("unit,n", [(6, 1), (3, 2)])
def test_a_samples_derivative_by_a_net_is_by_that_samples_loss(unit, n):
    from symbackprop.answers.names import hint_for
    got = hint_for(_table(BATCH), f"\\frac{{\\partial E}}{{\\partial net_{unit}^{{({n})}}}}")
    assert got == ("close", [f"−δ_{unit}^({n}), as δ_{unit}^({n}) = −∂E^({n})/∂net_{unit}^({n}) in this problem"])


def test_the_trial_write_up_hint_and_the_other_direction(grader_of, tmp_path):
    r, v = check(grader_of, tmp_path, TANH, (HERE / "bo.md").read_text(encoding="utf-8"), "bo.md")
    said = str(v["delta_6"].message)
    assert "(did you mean −δ_6, as δ_6 = −∂E/∂net_6 in this problem?)" in said, said
    assert "did you mean δ_6?" not in said
    # a student writing δ_6 = −∂E/∂net_6 where δ = ∂E/∂net: the hint says this problem's definition
    plus = tmp_path / "tanh_plus.yaml"
    plus.write_text(TANH.read_text(encoding="utf-8").replace("delta: minus_dJ_dnet", "delta: dJ_dnet"),
                    encoding="utf-8")
    write_up = (f"$\\delta_6 = -\\frac{{\\partial E}}{{\\partial net_6}} = t_6 - z_6 = 0.5 - 1.8696 = {r4(D6)}$\n"
                f"$\\Delta w_{{63}} = \\eta \\delta_6 y_3 = 0.5 \\times ({r4(D6)}) \\times 0.1974 = {r4(DW63)}$\n"
                f"$\\delta_3 = \\delta_6 w_{{63}} (1-y_3^2) = {r4(D6)} \\times 0.6 \\times 0.9610 = {-OWN3}$\n")
    r, v = check(grader_of, tmp_path, plus, write_up, "m.md")
    said = str(v["delta_6"].message)
    assert "(did you mean δ_6, as δ_6 = ∂E/∂net_6 in this problem?)" in said, said
    # and in the other convention of that problem (δ' = −∂E/∂net) both δs and Δw_63 earn full credit
    assert all(x.credit == 1.0 for x in v.values()), {q: x.status for q, x in v.items()}
    assert v["delta_6"].status == v["delta_3"].status == "other_convention"


def test_output_delta_from_own_rounded_output(grader_of, tmp_path):
    # problems/xor.yaml, part sigmoid (δ = ∂L/∂net, sigmoid output, t = 1): u_5 = 0.4910 written as 0.49,
    # and δ_5 = (t − u_5)u_5(1 − u_5) = 0.51·0.49·0.51 = 0.1274 from it (the exact value negated is 0.1272);
    # Δw_35, Δw_45 right: the other convention, δ_5 credited in full (as before this change: a guard that the
    # own-values reading of a hidden δ keeps the output δ's)
    from conftest import PROBLEMS
    sig = lambda v: 1 / (1 + math.exp(-v))          # noqa: E731
    u3, u4 = sig(4), sig(0)
    u5 = sig(-4 + 2 * u3 + 4 * u4)
    d5 = (u5 - 1) * u5 * (1 - u5)
    own = r4((1 - 0.49) * 0.49 * (1 - 0.49))
    assert (r4(u5), r4(-d5), own) == (0.491, 0.1272, 0.1274)
    f = tmp_path / "a.yaml"
    f.write_text(json.dumps({"sigmoid": {"u_5": 0.49, "delta_5": own, "update_w_3_5": r4(-d5 * u3),
                                         "update_w_4_5": r4(-d5 * u4)}}), encoding="utf-8")
    reports, _ = grader_of(PROBLEMS / "xor.yaml").check(f, "sigmoid")
    v = {x.qid: x for x in reports[0].verdicts}
    assert (v["delta_5"].status, v["delta_5"].credit) == ("other_convention", 1.0)
    assert v["update_w_3_5"].status == v["update_w_4_5"].status == "correct"
