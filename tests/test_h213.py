"""Session 13, H2 (t17 items 2, 4 and 6).

- 6: a student who writes the problem's own δ definition as a link (δ_7 = −∂E/∂net_7 = … where
  δ = −∂E/∂net; in a batch δ_5^(1) = −∂J^{(1)}/∂net_5^{(1)}) has it read as ±δ, judged, with no unread note
  and no hint repeating the definition; inside working ∂E/∂net_7 is −δ_7 there.
Problems and the trial's answers are copied, trimmed, in tests/data/h213/ (t17 p/ and cls/, t16's mitchell).
"""
import math
from pathlib import Path

from symbackprop.answers import check_submission

DATA = Path(__file__).parent / "data" / "h213"
MITCHELL, ELU = DATA / "mitchell.yaml", DATA / "elu_bce.yaml"


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
    # Mitchell: δ_7 = −∂E/∂net_7 = (t_7 − o_7) o_7 (1 − o_7), with the hand value of test_g213
    v = verdicts(MITCHELL, (DATA / "def2.yaml").read_text(encoding="utf-8"), tmp_path)
    assert v["delta_7"].status == "correct" and not v["delta_7"].message, v["delta_7"]


def test_definition_with_the_wrong_sign_is_judged(tmp_path):
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
