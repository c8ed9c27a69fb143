"""Session 13, H2 (t17 items 2, 4 and 6).

- 6: a student who writes the problem's own δ definition as a link (δ_7 = −∂E/∂net_7 = … where
  δ = −∂E/∂net; in a batch δ_5^(1) = −∂J^{(1)}/∂net_5^{(1)}) has it read as ±δ, judged, with no unread note
  and no hint repeating the definition; inside working ∂E/∂net_7 is −δ_7 there.
Problems and the trial's answers are copied, trimmed, in tests/data/h213/ (t17 p/ and cls/, t16's mitchell).
"""
import math
from pathlib import Path

import pytest

from symbackprop.answers import check_submission
from symbackprop.messages import catalogue

DATA = Path(__file__).parent / "data" / "h213"
MITCHELL, ELU, SOFTPLUS = DATA / "mitchell.yaml", DATA / "elu_bce.yaml", DATA / "softplus.yaml"


def sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def verdicts(problem, text: str, tmp_path) -> dict:
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    reports, _ = check_submission(problem, path)
    return {v.qid: v for r in reports for v in r.verdicts}


# elu_bce by hand: ELU α = 0.5 hidden, sigmoid output, per-sample δ_5 = t − y (δ = −∂J^(n)/∂net, BCE + sigmoid)
def elu(x: float) -> float:
    return x if x > 0 else 0.5 * (math.exp(x) - 1)


def elu_sample(x1: float, x2: float, t: float) -> tuple[float, float]:
    n3, n4 = 0.2 + 0.5 * x1 - 1.0 * x2, -0.3 - 0.4 * x1 + 0.6 * x2
    y5 = sig(0.1 + 0.8 * elu(n3) - 0.7 * elu(n4))
    d5 = t - y5
    d3 = (1 if n3 > 0 else elu(n3) + 0.5) * 0.8 * d5
    return d5, d3


# -- item 6 ------------------------------------------------------------------------------------------
def test_own_definition_read_as_delta(tmp_path):
    d5, d3 = elu_sample(1, 1, 1)
    d5b, _ = elu_sample(-1, 0.5, 0)
    assert (round(d5, 4), round(d3, 4), round(d5b, 4)) == (0.4926, 0.1460, -0.4012)
    v = verdicts(ELU, (DATA / "def1.yaml").read_text(encoding="utf-8"), tmp_path)
    for qid in ("delta_5@1", "delta_5@2", "delta_3@1"):
        assert v[qid].status == "correct", v[qid]
        assert all(lk.kind != "unread" for lk in v[qid].links) and not v[qid].message, v[qid]


@pytest.mark.slow
def test_definition_with_the_wrong_sign_is_judged(tmp_path):
    # Mitchell: δ_7 = −∂E/∂net_7 = (t_7 − o_7) o_7 (1 − o_7), with the hand value of test_g213
    v = verdicts(MITCHELL, (DATA / "def2.yaml").read_text(encoding="utf-8"), tmp_path)
    assert v["delta_7"].status == "correct" and not v["delta_7"].message, v["delta_7"]
    # −∂E/∂net_7 = (o_7 − t_7)·o_7(1 − o_7): the rule gives −δ_7; the value −0.0912 is wrong (δ_7 = 0.0912 here)
    v = verdicts(MITCHELL, "'\\delta_7': '-\\frac{\\partial E}{\\partial net_7} = (o_7 - t_7) o_7 (1 - o_7) = -0.0912'\n",
                 tmp_path)
    assert v["delta_7"].status == "wrong"
    assert all(lk.kind != "unread" for lk in v["delta_7"].links)
    # ∂E/∂net_7 inside working is −δ_7 here: ∂E/∂w_75 = ∂E/∂net_7 · o_5 is the right rule
    v = verdicts(MITCHELL, "'\\frac{\\partial E}{\\partial w_{75}}': '\\frac{\\partial E}{\\partial net_7} o_5 = 0.5'\n",
                 tmp_path)
    (item,) = v.values()
    rule = item.links[0]
    assert rule.kind == "rule" and rule.ok, item


# -- item 2 ------------------------------------------------------------------------------------------
# softplus (bias input −1, threshold net = Σ w·x − θ): x_1 = 2, hidden softplus, output sigmoid, f = u_4
def softplus_deltas() -> tuple[float, float, float]:
    sp = lambda z: math.log1p(math.exp(z))                              # noqa: E731
    n2, n3 = 1.5 * 2 - 0.5, -1.0 * 2 + 0.5
    n4 = 0.4 * sp(n2) + 0.4 * sp(n3) - 0.2
    d4 = sig(n4) * (1 - sig(n4))                                         # δ_4 = ∂f/∂net_4 (loss none)
    return d4 * 0.4 * sig(n2), d4 * 0.4 * sig(n3), d4


def test_sum_of_products_of_rounded_values_is_right(tmp_path):
    d2, d3, _ = softplus_deltas()
    true = 1.5 * d2 - 1.0 * d3                                          # ∂f/∂x_1 = δ_2 w_12 + δ_3 w_13
    assert (round(d2, 4), round(d3, 4), round(true, 4)) == (0.0756, 0.0149, 0.0984)
    assert round(0.0756 * 1.5 - 0.0149, 4) == 0.0985                    # exact from the rounded δs
    v = verdicts(SOFTPLUS, (DATA / "sp_stu.yaml").read_text(encoding="utf-8"), tmp_path)
    item = v["grad_x_1"]
    assert item.status == "correct" and item.message == catalogue("en")["diagnosis.rounded_earlier"], item


@pytest.mark.slow
def test_sum_of_products_other_ways(tmp_path):
    # the class: products worked first, the rule left out, the δs given earlier as answers
    for text in ("'\\frac{\\partial f}{\\partial x_1}': '\\delta_2 w_{12} + \\delta_3 w_{13} = "
                 "0.0756 \\times 1.5 + 0.0149 \\times (-1) = 0.1134 - 0.0149 = 0.0985'\n",
                 "'\\frac{\\partial f}{\\partial x_1}': '0.0756 \\times 1.5 - 0.0149 = 0.0985'\n",
                 "'\\delta_2': 0.0756\n'\\delta_3': 0.0149\n'\\frac{\\partial f}{\\partial x_1}': "
                 "'\\delta_2 w_{12} + \\delta_3 w_{13} = 0.0756 \\times 1.5 + 0.0149 \\times (-1) = 0.0985'\n"):
        item = verdicts(SOFTPLUS, text, tmp_path)["grad_x_1"]
        assert item.status == "correct", (text, item)
    # a value the numbers do not give stays an arithmetic slip
    item = verdicts(SOFTPLUS, "'\\frac{\\partial f}{\\partial x_1}': '0.0756 \\times 1.5 - 0.0149 = 0.0987'\n",
                    tmp_path)["grad_x_1"]
    assert item.status == "wrong" and item.diagnosis == "arithmetic", item


# -- item 4 ------------------------------------------------------------------------------------------
def test_mixed_conventions_said_and_charged_once(tmp_path):
    d5a, d3a = elu_sample(1, 1, 1)
    d5b, d3b = elu_sample(-1, 0.5, 0)
    # amy_mixed: δ_5^(1), δ_5^(2), δ_3^(1) negated (δ = ∂J/∂net), δ_3^(2) in this problem's convention
    assert (round(-d5a, 4), round(-d5b, 4), round(-d3a, 4), round(d3b, 4)) == (-0.4926, 0.4012, -0.1460, -0.0721)
    v = verdicts(ELU, (DATA / "amy_mixed.yaml").read_text(encoding="utf-8"), tmp_path)
    deltas = {q: v[q] for q in ("delta_5@1", "delta_5@2", "delta_3@1", "delta_3@2")}
    assert [q for q, x in deltas.items() if x.status == "wrong"] == ["delta_5@1"], deltas
    assert deltas["delta_3@2"].status == "correct"
    for q in ("delta_5@1", "delta_5@2"):
        words = str(deltas[q].message)
        assert "3 of 4" in words and "δ_3^(2)" in words and "the others do not" not in words, words
    assert deltas["delta_5@2"].status == "follow_through" and deltas["delta_5@2"].source == "delta_5@1"
    assert deltas["delta_3@1"].status == "follow_through"


@pytest.mark.slow
def test_own_definition_other_spellings(tmp_path):
    # the same definition as ∂ on one line, as a d-fraction, with the character ∂
    for left in ("-\\partial E/\\partial net_7", "-\\frac{dE}{dnet_7}", "-∂E/∂net_7"):
        item = verdicts(MITCHELL, f"'\\delta_7': '{left} = (t_7 - o_7) o_7 (1 - o_7) = 0.0912'\n", tmp_path)["delta_7"]
        assert item.status == "correct" and all(lk.kind != "unread" for lk in item.links), (left, item)
