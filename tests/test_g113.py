"""Session 13, task G1 (user trial t16, items 1, 10 and 12): sums over an index in a student's working.

Item 1: the batch mean written as a bounded sum, `\\frac{1}{3}\\sum_{n=1}^{3} J^{(n)}`, was "working wrong".
Item 10: sums over the samples (Σ_n … ^{(n)}) or over the units above (Σ_k w_{k5}δ_k) were never read, and the
hint blamed the student's index ("did you mean w_{75} or w_{54}?"). They are now written out over the
problem's own samples and units and judged as any other working (answers/sums.py); a sum that cannot be
written out gets one neutral line. Item 12: a general rule's `w_{kh}` was cut short as "w_{k".

Every number here is worked out in this file (math, by hand, and a finite difference), never by the package,
from tests/data/g113/mitchell.yaml (a 2-2-2-1 sigmoid net, δ = −∂E/∂net, weights to_from) and soft3b.yaml
(2-3-3, leaky ReLU slope 0.1, softmax + cross-entropy, a batch of 3 with the mean, weights from_to).
"""
import json
import math

import pytest
from conftest import DATA

HERE = DATA / "g113"
MITCHELL = HERE / "mitchell.yaml"
SOFT = HERE / "soft3b.yaml"


def r4(x):
    return round(x, 4)


def sig(v):
    return 1 / (1 + math.exp(-v))


# -- Mitchell: x = (0.5, 1), t = 0.9, bias input 1 (weights "0: …") -------------------------------------------
O3 = sig(0.1 + 0.3 * 0.5 - 0.4 * 1)
O4 = sig(-0.2 + 0.6 * 0.5 + 0.2 * 1)
O5 = sig(0.05 + 0.7 * O3 + 0.4 * O4)
O6 = sig(0.1 - 0.5 * O3 + 0.9 * O4)
O7 = sig(-0.1 + 1.1 * O5 - 0.8 * O6)
E = 0.5 * (0.9 - O7) ** 2
D7 = O7 * (1 - O7) * (0.9 - O7)                      # δ_7 = −∂E/∂net_7
D5, D6 = O5 * (1 - O5) * 1.1 * D7, O6 * (1 - O6) * -0.8 * D7
assert (r4(E), r4(D7), r4(D5), r4(D6)) == (0.0671, 0.0912, 0.0229, -0.0176)      # the trial's numbers

# -- soft3b: leaky ReLU (0.1), softmax + CE, the mean over 3 samples ----------------------------------------
W1 = [[0.4, -0.6], [-0.3, 0.5], [0.2, 0.1]]
B1 = [0.1, -0.1, 0]
W2 = [[0.5, -0.4, 0.3], [-0.2, 0.6, 0.1], [0.3, 0.2, -0.5]]
B2 = [0, 0.1, -0.2]
SAMPLES = [([1, 2], 0), ([-1, 0.5], 1), ([2, -1], 2)]


def leaky(v):
    return v if v > 0 else 0.1 * v


def sample_loss(x, cls, w36=None):
    """J^(n), and the hidden outputs u_3..u_5 and the softmax outputs u_6..u_8, with w_36 (W2[0][0]) replaced."""
    w2 = [row[:] for row in W2]
    if w36 is not None:
        w2[0][0] = w36
    h = [leaky(sum(W1[j][i] * x[i] for i in range(2)) + B1[j]) for j in range(3)]
    z = [sum(w2[k][j] * h[j] for j in range(3)) + B2[k] for k in range(3)]
    m = max(z)
    s = sum(math.exp(v - m) for v in z)
    u = [math.exp(v - m) / s for v in z]
    return -math.log(u[cls]), h, u


JN = [sample_loss(x, c)[0] for x, c in SAMPLES]
J = sum(JN) / 3
assert r4(J) == 1.1632 and [r4(v) for v in JN] == [1.3393, 0.7689, 1.3813]
# ∂J/∂w_36 by a central difference, and as the trial's student wrote it: the mean of δ_6^(n) u_3^(n)
H = 1e-6
DJ36 = (sum(sample_loss(x, c, 0.5 + H)[0] for x, c in SAMPLES)
        - sum(sample_loss(x, c, 0.5 - H)[0] for x, c in SAMPLES)) / (3 * 2 * H)
assert r4(DJ36) == 0.2951


def check(grader_of, tmp_path, problem, answers, name="a.yaml"):
    f = tmp_path / name
    f.write_text(answers if isinstance(answers, str) else json.dumps(answers), encoding="utf-8")
    reports, _ = grader_of(problem).check(f, "main")
    return reports[0], {v.qid: v for v in reports[0].verdicts}


def only(verdicts):
    assert len(verdicts) == 1, verdicts
    return next(iter(verdicts.values()))


def clean(v):
    """Correct, every link read and right, nothing said."""
    return v.status == "correct" and v.message == "" and all(lk.ok and lk.kind != "unread" for lk in v.links)


# item 1: the mean as a sum, every way a student writes it
MEANS = [
    r"\frac{1}{3}\sum_{n=1}^{3} J^{(n)} = \frac{1}{3}(%s + %s + %s)" % tuple(f"{r4(v):.4f}" for v in JN),
    r"\frac{1}{N}\sum_{n} J^{(n)}",
    r"\frac{1}{N}\sum_{n=1}^{N} J^{n}",
    r"\frac{\sum_n J^{(n)}}{3}",
    r"\frac{1}{3}\left(\sum\limits_{n=1}^{3} J^{(n)}\right)",
    r"\frac{1}{3} Σ_n J^{(n)}",
]


@pytest.mark.parametrize("text", [MEANS[0]] + [pytest.param(t, marks=pytest.mark.slow) for t in MEANS[1:]])
def test_the_batch_mean_written_as_a_sum_is_correct(grader_of, tmp_path, text):
    x = only(check(grader_of, tmp_path, SOFT, {"J": f"{text} = {r4(J):.4f}"})[1])
    assert clean(x), (x.status, x.message)


@pytest.mark.slow
def test_a_sum_is_judged_not_only_read(grader_of, tmp_path):
    """The written-out sum is the student's rule: the sum without 1/N gives 3 J (their value), a sum over two
    of the three samples does not give J (its value is the right J, so the working alone is wrong)."""
    x = only(check(grader_of, tmp_path, SOFT, {"J": rf"\sum_{{n=1}}^{{3}} J^{{(n)}} = {r4(3 * J):.4f}"})[1])
    assert x.status == "wrong" and "3 times" in x.message, x.message
    x = only(check(grader_of, tmp_path, SOFT, {"J": rf"\frac{{1}}{{3}}\sum_{{n=1}}^{{2}} J^{{(n)}} = {r4(J):.4f}"})[1])
    assert x.status != "correct" and "the rule does not give J" in x.message, x.message


@pytest.mark.slow
def test_a_gradient_as_the_mean_over_samples_and_a_delta_over_the_units_above(grader_of, tmp_path):
    """Σ_n δ_6^(n) u_3^(n) over the batch, and δ_3^(1) = g'(net_3^(1)) Σ_k w_{3k} δ_k with δ_k of the item's
    own sample (weights from_to: w_{3k} leaves 3)."""
    _, v = check(grader_of, tmp_path, SOFT, {
        r"\frac{\partial J}{\partial w_{36}}": rf"\frac{{1}}{{3}}\sum_{{n=1}}^{{3}} \delta_6^{{(n)}} u_3^{{(n)}} = {r4(DJ36)}",
        r"\delta_3^{(1)}": r"g'(net_3^{(1)}) \sum_k w_{3k}\delta_k = -0.0403"})
    assert all(clean(x) for x in v.values()), [(x.qid, x.status, x.message) for x in v.values()]


def test_delta_written_as_mitchells_sum_over_the_units_above(grader_of, tmp_path):
    """δ_5 = o_5(1 − o_5) Σ_k w_{k5} δ_k: k runs over the units 5 feeds (only 7 here), bounded or not; E as
    ½ Σ_k (t_k − o_k)² over the outputs."""
    _, v = check(grader_of, tmp_path, MITCHELL, {
        r"\delta_5": rf"o_5(1-o_5)\sum_{{k}} w_{{k5}}\delta_k = {r4(D5)}",
        r"\delta_6": rf"o_6 (1 - o_6) \sum_{{k=7}}^{{7}} w_{{k6}} \delta_k = {r4(D6)}",
        "E": rf"\frac{{1}}{{2}}\sum_k (t_k - o_k)^2 = {r4(E)}"})
    assert all(clean(x) for x in v.values()), [(x.qid, x.status, x.message) for x in v.values()]


@pytest.mark.slow
def test_a_sum_over_the_wrong_units_is_judged_wrong_working(grader_of, tmp_path):
    """Σ_k w_{5k} δ_k is, weights to_from, w_{53}δ_3 + w_{54}δ_4: the weights into 5, not out of it. With the
    right value written, the working alone is wrong; no hint about the index's spelling."""
    _, v = check(grader_of, tmp_path, MITCHELL, {r"\delta_5": rf"o_5(1-o_5)\sum_k w_{{5k}}\delta_k = {r4(D5)}"})
    x = only(v)
    assert x.status != "correct" and "the rule does not give" in x.message and "did you mean" not in x.message


def test_a_sum_that_cannot_be_written_out_says_so_neutrally(grader_of, tmp_path):
    _, v = check(grader_of, tmp_path, MITCHELL, {r"\delta_5": rf"o_5(1-o_5)\sum_q w_{{zq}}\delta_q = {r4(D5)}"})
    x = only(v)
    assert x.status == "correct" and x.credit == 1.0
    assert "a sum over q is not read" in x.message and "did you mean" not in x.message
    assert "not a quantity" not in x.message


@pytest.fixture(scope="module")
def tables(grader_of):
    from symbackprop.answers.names import NameTable
    return {p: NameTable(grader_of(p).solution.parts[0]) for p in (MITCHELL, SOFT)}


@pytest.mark.parametrize("text, written", [
    (r"o_5(1-o_5)\sum_k w_{k5}\delta_k", r"o_5(1-o_5)((w_{75}\delta_{7}))"),
    (r"o_3(1-o_3)\sum_{k=5}^{6} w_{k3}\delta_k - 1", r"o_3(1-o_3)((w_{53}\delta_{5}) + (w_{63}\delta_{6}))- 1"),
    (r"\sum_{k=1}^{K} w_{k4}\delta_k", r"((w_{54}\delta_{5}) + (w_{64}\delta_{6}))"),
    (r"\sum_{k=1}^{3} k^2", r"\sum_{k=1}^{3} k^2"),                  # the index a number: the reader's own
    (r"\sum_{k \in \text{downstream}(3)} w_{k3}\delta_k", r"((w_{53}\delta_{5}) + (w_{63}\delta_{6}))"),
])
def test_written_out_over_the_units(tables, text, written):
    from symbackprop.answers.sums import expand_sums
    assert expand_sums(text, tables[MITCHELL]) == written


@pytest.mark.parametrize("text, written", [
    (r"\frac{1}{N}\sum_{n} J^{n}", r"\frac{1}{3}((J^{(1)}) + (J^{(2)}) + (J^{(3)}))"),
    (r"\frac{1}{3}\Big(\sum_{n=1}^3 J^{(n)}\Big)", r"\frac{1}{3}\Big(((J^{(1)}) + (J^{(2)}) + (J^{(3)}))\Big)"),
    (r"\sum_k w_{3k}\delta_k", r"((w_{36}\delta_{6}) + (w_{37}\delta_{7}) + (w_{38}\delta_{8}))"),
    (r"\sum_n \sum_k w_{3k}\delta_k^{(n)}",
     "(" + " + ".join(f"(((w_{{36}}\\delta_{{6}}^{{({n})}}) + (w_{{37}}\\delta_{{7}}^{{({n})}}) + "
                      f"(w_{{38}}\\delta_{{8}}^{{({n})}})))" for n in (1, 2, 3)) + ")"),
])
def test_written_out_over_the_samples(tables, text, written):
    from symbackprop.answers.sums import expand_sums
    assert expand_sums(text, tables[SOFT], 0).replace(" ", "") == written.replace(" ", "")


@pytest.mark.slow
def test_a_general_rule_with_mitchells_h_is_named_whole(grader_of, tmp_path):
    """Item 12: `w_{kh}` (Mitchell's h for a hidden unit) is named as written, never cut to `w_{k`, with the
    letter to write instead."""
    from symbackprop.answers import Grader, load_rubric
    from symbackprop.problem import load_problem
    from symbackprop.rubric import Rubric
    grader = Grader(load_problem(MITCHELL), load_rubric(HERE / "rubric_m.yaml", Rubric()), warm=False,
                    parser=grader_of(MITCHELL).parser)
    for text, name in ((r"g'(net_j)\sum_{k} w_{kh}\delta_k", "w_{kh}"),
                       ((HERE / "rule_h.yaml").read_text(encoding="utf-8").split(": ", 1)[1].strip().strip("'"), "o_h")):
        f = tmp_path / "r.yaml"
        f.write_text(json.dumps({"delta_hidden": text}), encoding="utf-8")
        reports, _ = grader.check(f, "main")
        v = {x.qid: x for x in reports[0].verdicts}["delta_hidden"]
        assert v.status == "unreadable"
        assert v.message.startswith(f"{name}: h is not an index letter") and "write j for a hidden unit" in v.message
        assert "w_{k " not in v.message + " "


@pytest.mark.parametrize("text, said", [
    (r"g'(net_j)\sum_{k} w_{kh}\delta_k", "w_{kh}: h is not an index letter of these rules: write j for a hidden unit"),
    (r"o_h(1-o_h)\sum_k w_{kj}\delta_k", "o_h: h is not an index letter of these rules: write j for a hidden unit"),
    (r"g'(net_o)(t_o - o_o)", "net_o: o is not an index letter of these rules: write k for an output unit"),
    (r"g'(net_j)\sum_m w_{jm}\delta_m", "w_{jm}: m is not an index letter of these rules (use k for an output unit"),
])
def test_a_rule_name_with_another_index_letter(text, said):
    """Checked before any name is looked up, so the table is not needed: the name whole, and the letter to use."""
    from symbackprop.answers.latex import AnswerError
    from symbackprop.answers.rule_answers import prepare_rule
    with pytest.raises(AnswerError) as e:
        prepare_rule(text, {})
    assert str(e.value).startswith(said)


def test_the_new_messages_are_in_both_catalogues():
    from symbackprop.messages import en, zh
    for key in ("reader.sum_not_written_out", "rule_answer.not_an_index", "rule_answer.hidden_index",
                "rule_answer.output_index"):
        assert key in en.MESSAGES and key in zh.MESSAGES


def test_nested_sums_without_bounds_are_tried_within_a_budget(tables):
    """Four nested sums with no bounds would try 12^4 terms: the tries are bounded, and the one line is neutral."""
    from symbackprop.answers.latex import AnswerError
    from symbackprop.answers.sums import expand_sums
    with pytest.raises(AnswerError) as e:
        expand_sums(r"\sum_a\sum_b\sum_c\sum_d w_{ab}w_{cd}\delta_a^{(b)}", tables[SOFT], 0)
    assert str(e.value).startswith("a sum over a is not read") and "did you mean" not in str(e.value)
