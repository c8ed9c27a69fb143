"""Session 13, G4 (t16 items 4, 7 and 13): a copied given nobody wrote is never reported (the written
numbers decide); a rule of the other δ convention from a student whose δs are in this problem's
convention is a sign slip in the rule, and numbers that follow it faithfully are no sign slip; leaky
ReLU's g' taken as the plain ReLU's mask or at the default slope 0.01, and an extra g' factor on the
output δ of softmax/sigmoid + cross-entropy, are named."""
import math
import re
from fractions import Fraction
from pathlib import Path

import pytest

from symbackprop.answers import check_submission
from symbackprop.answers.copied import signed_literals
from symbackprop.render import report

DATA = Path(__file__).parent / "data" / "g413"
MITCHELL, SOFT, BCE = DATA / "mitchell.yaml", DATA / "soft3b.yaml", DATA / "bce.yaml"
LEAKY = DATA / "leaky_small.yaml"     # leaky ReLU (slope 0.1) 2-2-1, identity output: the fast cases


def sig(x):
    return 1 / (1 + math.exp(-x))


def mitchell():
    """Mitchell 2-2-2-1 sigmoid, δ = −∂E/∂net, worked by hand (the values the answers files use)."""
    o3, o4 = sig(0.1 + 0.3 * 0.5 - 0.4 * 1), sig(-0.2 + 0.6 * 0.5 + 0.2 * 1)
    o5, o6 = sig(0.05 + 0.7 * o3 + 0.4 * o4), sig(0.1 - 0.5 * o3 + 0.9 * o4)
    o7 = sig(-0.1 + 1.1 * o5 - 0.8 * o6)
    d7 = (0.9 - o7) * o7 * (1 - o7)
    d5, d6 = o5 * (1 - o5) * 1.1 * d7, o6 * (1 - o6) * -0.8 * d7
    d4 = o4 * (1 - o4) * (0.4 * d5 + 0.9 * d6)
    return dict(o4=o4, o5=o5, d7=d7, d5=d5, d6=d6, d4=d4, grad_w75=-d7 * o5, dw75=0.05 * d7 * o5)


def soft_sample(x, t):
    """soft3b: leaky ReLU (slope 0.1) 2-3, softmax 3, cross-entropy; δ = ∂J/∂net = u − t at the outputs."""
    W1, b1 = [[0.4, -0.6], [-0.3, 0.5], [0.2, 0.1]], [0.1, -0.1, 0]
    W2, b2 = [[0.5, -0.4, 0.3], [-0.2, 0.6, 0.1], [0.3, 0.2, -0.5]], [0, 0.1, -0.2]
    net_h = [sum(w * xi for w, xi in zip(row, x)) + b for row, b in zip(W1, b1)]
    u_h = [n if n > 0 else 0.1 * n for n in net_h]
    net_o = [sum(w * u for w, u in zip(row, u_h)) + b for row, b in zip(W2, b2)]
    e = [math.exp(n) for n in net_o]
    u_o = [v / sum(e) for v in e]
    d_o = [u - ti for u, ti in zip(u_o, t)]
    back3 = sum(W2[k][0] * d_o[k] for k in range(3))        # Σ_k w_3k δ_k into hidden unit 3
    return dict(net_h=net_h, u_o=u_o, d_o=d_o, back3=back3)


def check(problem, answers):
    reports, problems = check_submission(problem, DATA / answers)
    (r,) = reports
    return {v.qid: v for v in r.verdicts}, report.render_text(reports, answers, problems)


def key(said):
    return getattr(said, "key", None)


# -- item 4: a copy nobody wrote --------------------------------------------------------------------
def test_the_values_the_answers_use():
    m = mitchell()
    assert round(m["o4"] * (1 - m["o4"]), 4) == 0.2445
    assert (round(m["d5"], 4), round(m["d6"], 4), round(m["d4"], 4)) == (0.0229, -0.0176, -0.0016)
    # δ_6 put in with the wrong sign: 0.2445(0.4·0.0229 + 0.9·0.0176) = 0.0061, as ivy wrote
    assert round(0.2445 * (0.4 * 0.0229 + 0.9 * 0.0176), 4) == 0.0061
    # w_64 copied as 0.8: −0.0012
    assert round(0.2445 * (0.4 * 0.0229 + 0.8 * -0.0176), 4) == -0.0012
    assert (round(m["d7"], 4), round(m["o5"], 4), round(m["grad_w75"], 4)) == (0.0912, 0.6465, -0.0589)
    assert round(0.0912 * 0.6465, 4) == 0.0590 and round(m["dw75"], 4) == 0.0029


def test_a_sign_slip_in_the_numbers_is_no_copy_of_the_given():
    by, text = check(MITCHELL, "ivy.yaml")
    d4 = by["delta_4"]
    assert d4.status == "wrong" and d4.diagnosis != "given_copied"
    assert "uses w_{64}" not in text and "given_copied" not in text
    assert "sign slip in the substituted numbers" in str(d4.message), text


def test_a_sign_written_with_the_number_is_a_copy():
    by, text = check(MITCHELL, "ivy_sign.yaml")                 # `(-0.9) \times (-0.0176)`
    assert by["delta_4"].diagnosis == "given_copied"
    assert "uses w_{64} = -0.9, the problem gives w_{64} = 0.9" in text, text


def test_another_number_written_is_still_a_copy():
    by, text = check(MITCHELL, "ivy_other.yaml")                # 0.8 for 0.9
    assert by["delta_4"].diagnosis == "given_copied"
    assert "uses w_{64} = 0.8, the problem gives w_{64} = 0.9" in text, text


def test_signed_literals():
    assert signed_literals(r"0.4 \times 0.0229 + 0.9 \times 0.0176") == {
        Fraction("0.4"), Fraction("0.0229"), Fraction("0.9"), Fraction("0.0176")}
    got = signed_literals(r"(0.5 \times (-0.7380) - 0.2 \times 0.5115)")
    assert {str(x) for x in got} == {"1/2", "-369/500", "-1/5", "1023/2000"}


# -- item 7: the rule's sign, said once -------------------------------------------------------------
def test_the_rule_sign_of_a_student_in_this_convention():
    by, text = check(MITCHELL, "jay.yaml")                      # δ_7 = 0.0912 written, then ∂E/∂w = δ_7 o_5
    v = by["grad_w_5_7"]
    assert v.status == "wrong" and v.diagnosis == "sign"
    (rule,) = [lk for lk in v.links if lk.kind == "rule"]
    assert key(rule.message) == "answer.rule_sign_slip_named" and "δ_7" in str(rule.message)
    assert all(lk.ok for lk in v.links if lk.kind == "numbers")     # they follow the rule faithfully
    assert "other δ convention\"" not in text and "the rule of the other δ convention" not in text
    assert "sign slip in the substituted numbers" not in text, text


def test_the_numbers_put_in_tell_the_convention():
    by, text = check(MITCHELL, "jay_nodelta.yaml")              # no δ written: 0.0912 is this problem's δ_7
    v = by["grad_w_5_7"]
    assert key(v.message) == "answer.rule_sign_slip_numbers"
    assert "the rule of the other δ convention" not in text
    assert "sign slip in the substituted numbers" not in text, text


def test_an_update_with_the_other_conventions_sign():
    by, text = check(MITCHELL, "jay_dw.yaml")                   # Δw = −η δ_7 o_5 where δ = −∂E/∂net
    v = by["update_w_5_7"]
    assert v.status == "wrong"
    assert any(key(lk.message) == "answer.rule_sign_slip_named" for lk in v.links)
    assert "sign slip in the substituted numbers" not in text, text


def test_a_student_in_the_other_convention_is_not_told_a_sign_slip():
    by, text = check(MITCHELL, "jay_other.yaml")
    assert by["delta_7"].status == "other_convention"
    assert "sign slip in the rule" not in text, text


# -- item 13: leaky ReLU and the extra g' factor ----------------------------------------------------
def leaky_small():
    """leaky_small.yaml by hand: net_3 = 0.1 − 0.5 + 0.2·0.5 = −0.3 (g' = 0.1), net_4 = 0.55 (g' = 1),
    u_5 = 0.05 + 0.7·(−0.03) − 0.4·0.55 = −0.191, δ_5 = u_5 − t_5 = −1.191, δ_3 = g'(net_3)·w_35·δ_5."""
    net3, net4 = 0.1 - 0.5 * 1 + 0.2 * 0.5, -0.2 + 0.6 * 1 + 0.3 * 0.5
    u3, u4 = 0.1 * net3, net4
    d5 = 0.05 + 0.7 * u3 - 0.4 * u4 - 1
    return net3, net4, d5


def test_leaky_relu_slips_are_named_fast():
    net3, net4, d5 = leaky_small()
    assert net3 < 0 < net4
    assert round(0.1 * 0.7 * d5, 4) == -0.0834 and round(0.01 * 0.7 * d5, 4) == -0.0083
    by, text = check(LEAKY, "leaky_small_ans.yaml")
    assert by["gprime_3"].diagnosis == "leaky_as_relu", text
    assert "g'(net_3) taken as 0, the plain ReLU's derivative for a negative net; leaky ReLU's there is its " \
           "slope 0.1" in text
    assert by["gprime_4"].diagnosis not in ("leaky_as_relu", "leaky_default_slope")     # net_4 > 0
    assert by["delta_3"].diagnosis == "leaky_default_slope"       # δ_3 = −0.0083, worked with g' = 0.01
    by, text = check(LEAKY, "leaky_small_ans2.yaml")
    assert by["gprime_3"].diagnosis == "leaky_default_slope"
    assert "g'(net_3) taken as 0.01, leaky ReLU's usual default slope; this problem's slope is 0.1" in text


@pytest.mark.slow
def test_leaky_relu_slips_are_named():
    s1, s2, s3 = (soft_sample([1, 2], [1, 0, 0]), soft_sample([-1, 0.5], [0, 1, 0]),
                  soft_sample([2, -1], [0, 0, 1]))
    assert s1["net_h"][0] < 0 and s2["net_h"][0] < 0 and s3["net_h"][0] > 0     # g' = 0.1, 0.1, 1
    by, text = check(SOFT, "leaky.yaml")
    assert by["gprime_3@1"].diagnosis == "leaky_default_slope"
    assert "taken as 0.01, leaky ReLU's usual default slope; this problem's slope is 0.1" in text, text
    assert by["gprime_3@2"].diagnosis == "leaky_as_relu"
    assert "taken as 0, the plain ReLU's derivative for a negative net" in text
    assert "shows no digit" not in text
    # net_3^(3) > 0: 0 there is no slip of leaky ReLU's negative side
    assert by["gprime_3@3"].diagnosis not in ("leaky_as_relu", "leaky_default_slope")


@pytest.mark.slow
def test_a_delta_worked_with_the_default_slope():
    s1 = soft_sample([1, 2], [1, 0, 0])
    assert round(0.1 * s1["back3"], 4) == -0.0403 and round(0.01 * s1["back3"], 4) == -0.0040
    by, _ = check(SOFT, "leaky_delta.yaml")
    assert by["delta_3@1"].diagnosis == "leaky_default_slope"


@pytest.mark.slow
def test_an_extra_gprime_on_softmax_cross_entropy():
    s1 = soft_sample([1, 2], [1, 0, 0])
    u6 = s1["u_o"][0]
    assert round(u6, 4) == 0.2620 and round(s1["d_o"][0], 4) == -0.7380
    assert round((u6 - 1) * u6 * (1 - u6), 4) == -0.1427           # mia's δ_6^(1) with σ' multiplied in
    by, text = check(SOFT, "mia.md")
    v = by["delta_6@1"]
    assert v.diagnosis == "extra_gprime" and key(v.message) == "diagnosis.extra_gprime"
    assert any(lk.kind == "rule" and key(lk.message) == "diagnosis.extra_gprime" for lk in v.links)
    assert "the rule does not give" not in text, text
    assert by["delta_7@1"].status == "follow_through"                 # charged once


def test_an_extra_gprime_on_sigmoid_binary_cross_entropy():
    u = sig(0.1 + 0.3 * 0.5 - 0.4 * 1)
    assert round(u - 1, 4) == -0.5374 and round((u - 1) * u * (1 - u), 4) == -0.1336
    by, text = check(BCE, "bce_extra.yaml")
    assert by["delta_3"].diagnosis == "extra_gprime", text


@pytest.mark.parametrize("msg", ["diagnosis.leaky_as_relu", "diagnosis.leaky_default_slope",
                                 "diagnosis.extra_gprime", "answer.rule_sign_slip_named",
                                 "answer.rule_sign_slip", "answer.rule_sign_slip_numbers"])
def test_new_messages_in_both_catalogues(msg):
    from symbackprop.messages import en, zh
    en_t, zh_t = en.MESSAGES[msg], zh.MESSAGES[msg]
    assert en_t and zh_t and set(re.findall(r"\{(\w+)\}", en_t)) == set(re.findall(r"\{(\w+)\}", zh_t))
