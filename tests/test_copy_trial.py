"""Issue 10, TA trial t2 (a 2-2-1 network with large values): charged-once defects.

1. a given copied wrong with no working, ambiguous at its first item (net_3 = 397: w_13 = 13 or w_03 = 37),
   pinned down by a later item (w_13^new), is charged once, at the first item;
3. a value's reason in names (`1 \\text{ since } net_3 > 0`) is read and checked at the student's values;
5. a follow-through through a value that repeats a mistake charged elsewhere names that value and where
   the mistake was charged ("follows from your Δw_{13} (η left out, charged at Δw_{05})").
The expected numbers are worked out here from the problem's givens, not by the code under test.
"""
from __future__ import annotations

from fractions import Fraction as F
from pathlib import Path

import pytest

from symbackprop.answers import Grader, Rubric
from symbackprop.problem import load_problem

DATA = Path(__file__).resolve().parent / "data" / "copy3"
ETA = F(1, 100)
X1, X2, T = 35, 20, 100
W = {"03": 2, "13": 12, "23": -3, "04": -5, "14": 4, "24": 7, "05": 3, "35": 12, "45": -2}   # linear part


@pytest.fixture(scope="module")
def grader():
    g = Grader(load_problem(DATA / "problem.yaml"), Rubric())
    yield g
    g.close()


def _report(grader, path, part=None):
    reports, _ = grader.check(path, part)
    return {r.part: r for r in reports}


def _write(tmp_path, name, text):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def _num(x: F) -> str:
    """The exact decimal of x (a denominator of 2s and 5s), as a student writes it."""
    x = F(x)
    places = 0
    while (x * 10 ** places).denominator != 1:
        places += 1
    sign, whole = ("-" if x < 0 else ""), abs(x * 10 ** places).numerator
    digits = str(whole).rjust(places + 1, "0")
    return sign + (digits[:-places] + "." + digits[-places:] if places else digits)


def _linear(w: dict) -> dict:
    """Every quantity of the linear part, with the weights `w` (a student's copy or the true ones)."""
    n3 = w["03"] + w["13"] * X1 + w["23"] * X2
    n4 = w["04"] + w["14"] * X1 + w["24"] * X2
    n5 = w["05"] + w["35"] * n3 + w["45"] * n4
    d5 = n5 - T
    d3, d4 = d5 * W["35"], d5 * W["45"]
    v = {"net_3": n3, "net_4": n4, "net_5": n5, "delta_5": d5, "delta_3": d3, "delta_4": d4}
    for i, x in (("0", 1), ("1", X1), ("2", X2)):
        for j, d in (("3", d3), ("4", d4)):
            v[f"update_w_{i}_{j}"] = -ETA * d * x
            v[f"new_w_{i}_{j}"] = w[i + j] - ETA * d * x
    return v


# -- 1. a given copied wrong, shown only by a later item ------------------------------------------------
@pytest.mark.slow
def test_carol_copy_charged_once_at_net_3(grader):
    reps = _report(grader, DATA / "carol.yaml")
    lin = reps["linear"]
    got = {v.qid: v for v in lin.verdicts}
    assert got["net_3"].status == "wrong"
    assert got["net_3"].diagnosis == "given_copied"
    assert "uses w_{13} = 13, the problem gives w_{13} = 12" in got["net_3"].message
    assert got["new_w_1_3"].status == "follow_through", got["new_w_1_3"]
    # everything else is right (net_4 and the g' do not depend on w_13) or follows through
    assert all(v.status in ("correct", "follow_through") for q, v in got.items() if q != "net_3"), got
    assert sum(v.status == "wrong" for v in got.values()) == 1
    assert lin.first_error == "net_3"
    assert lin.score == 39 and reps["relu"].score == 40          # 79 / 80, as a teacher gives


def test_carol_with_working_still_charged_once(grader):
    got = {v.qid: v for v in _report(grader, DATA / "carol2.md", "linear")["linear"].verdicts}
    assert got["net_3"].diagnosis == "given_copied"
    assert all(v.status in ("correct", "follow_through") for q, v in got.items() if q != "net_3"), got
    assert got["new_w_1_3"].status == "follow_through"


def _copy_answers(copy: dict, with_new: bool) -> str:
    v = _linear({**W, **copy})
    keys = ["net_3", "net_4", "net_5", "delta_5", "delta_3", "update_w_2_3", "update_w_0_3", "new_w_0_3"]
    if with_new:
        keys.append("new_w_2_3")
    return "linear:\n" + "".join(f"  {k}: {_num(F(v[k]))}\n" for k in keys)


def test_another_copy_pinned_later_is_charged_at_the_first_item(grader, tmp_path):
    # w_23 = -4 for -3: net_3 = 342, which w_03 = -18 explains too; w_23^new = -4 + Δw_23 pins w_23
    f = _write(tmp_path, "s.yaml", _copy_answers({"23": -4}, with_new=True))
    got = {v.qid: v for v in _report(grader, f, "linear")["linear"].verdicts}
    assert got["net_3"].diagnosis == "given_copied"
    assert "uses w_{23} = -4, the problem gives w_{23} = -3" in got["net_3"].message
    assert got["new_w_2_3"].status == "follow_through"
    assert "w_{23} = -4 (copied wrong, charged at net_3)" in got["new_w_2_3"].message
    # w_03 was not the copy: its update is still 2 + Δw_03, following from net_3
    assert got["new_w_0_3"].status == "follow_through"
    assert "w_{03}" not in got["new_w_0_3"].message
    assert sum(v.status == "wrong" for v in got.values()) == 1


def test_an_ambiguous_copy_not_pinned_names_no_given(grader, tmp_path):
    f = _write(tmp_path, "s.yaml", _copy_answers({"23": -4}, with_new=False))
    got = {v.qid: v for v in _report(grader, f, "linear")["linear"].verdicts}
    assert got["net_3"].status == "wrong"
    assert got["net_3"].diagnosis is None           # w_03 = -18 or w_23 = -4: no guess
    assert got["net_4"].status == "correct"
    assert all(v.status == "follow_through" for q, v in got.items() if q not in ("net_3", "net_4")), got


# -- 3. a reason in names ----------------------------------------------------------------------------
@pytest.mark.slow
def test_mia_reasons_in_names_and_in_cases(grader):
    got = {v.qid: v for v in _report(grader, DATA / "mia.tex")["relu"].verdicts}
    assert got["gprime_3"].status == "correct", got["gprime_3"]        # 1 \text{ since } net_3 > 0
    assert got["gprime_5"].status == "correct"                          # cases with net_5 > 0
    assert got["gprime_4"].status == "correct"                          # 0 \text{ since } -5 < 0
    assert all(v.status == "correct" for v in got.values())


@pytest.mark.parametrize("lines,qid,status,words", [
    (["$g'(net_3) = 1 \\text{ since } 4 > 0$"], "gprime_3", "correct", ""),
    (["$g'(net_3) = 1 \\text{ because } net_3 \\geq 0$"], "gprime_3", "correct", ""),
    (["$g'(net_4) = 0 \\text{ since } net_4 \\le 0$"], "gprime_4", "correct", ""),
    # a false reason: wrong, saying so (never unreadable), with the value it was checked at
    (["$g'(net_4) = 0 \\text{ since } net_4 > 0$"], "gprime_4", "wrong", "the reason `net_4 > 0` is false: net_4 = -5"),
    (["$g'(net_3) = 1 \\text{ since } net_3 < 0$"], "gprime_3", "wrong", "is false: net_3 = 362"),
    (["$g'(net_3) = 1 \\text{ since } 0 > 4$"], "gprime_3", "wrong", "the reason `0 > 4` is false"),
    # checked at the student's own values: their net_4 = 5 makes g'(net_4) = 1 follow through
    (["$net_4 = 5$", "$g'(net_4) = 1 \\text{ since } net_4 > 0$"], "gprime_4", "follow_through", "net_4"),
    (["$net_4 = 5$", "$g'(net_4) = 0 \\text{ since } net_4 < 0$"], "gprime_4", "wrong",
     "is false: net_4 = 5 (your value)"),
    # a reason that is no comparison is not read (its message says so)
    (["$g'(net_3) = 1 \\text{ since } net_3 \\text{ is positive}$"], "gprime_3", "unreadable", "reason"),
    (["$g'(net_3) = 1 \\text{ since } z_3 > 0$"], "gprime_3", "unreadable", "not a quantity"),
])
@pytest.mark.slow
def test_reasons(grader, tmp_path, lines, qid, status, words):
    f = _write(tmp_path, "r.md", "\n".join(lines) + "\n")
    got = {v.qid: v for v in _report(grader, f, "relu")["relu"].verdicts}
    assert got[qid].status == status, got[qid]
    assert words in got[qid].message, got[qid].message


# -- 5. the step a charged-once mistake follows from ---------------------------------------------------
def test_grace_new_weights_name_their_own_update(grader):
    got = {v.qid: v for v in _report(grader, DATA / "grace.yaml", "linear")["linear"].verdicts}
    assert got["update_w_0_5"].status == "wrong" and got["update_w_0_5"].diagnosis == "eta_missing"
    assert got["new_w_0_5"].message == "follows from your Δw_{05} (the first error)"
    for i, j in (("1", "3"), ("0", "3"), ("2", "4"), ("3", "5"), ("4", "5")):
        v = got[f"new_w_{i}_{j}"]
        assert v.status == "follow_through"
        assert v.message == f"follows from your Δw_{{{i}{j}}} (η left out, charged at Δw_{{05}})", v.message


def test_updated_weight_names_the_delta_it_follows_from(grader, tmp_path):
    # δ_3 and δ_4 computed with the updated w_35, w_45 (charged at δ_3); ∂L/∂w_14, Δw_14, w_14^new from δ_4
    v = _linear(W)
    d5 = v["delta_5"]
    new35 = W["35"] - ETA * d5 * v["net_3"]
    new45 = W["45"] - ETA * d5 * v["net_4"]
    d3, d4 = d5 * new35, d5 * new45
    ans = {"delta_5": d5, "delta_3": d3, "delta_4": d4, "grad_w_1_4": d4 * X1, "update_w_1_4": -ETA * d4 * X1,
           "new_w_1_4": W["14"] - ETA * d4 * X1}
    f = _write(tmp_path, "u.yaml", "linear:\n" + "".join(f"  {k}: {_num(F(x))}\n" for k, x in ans.items()))
    got = {q: x for q, x in ((x.qid, x) for x in _report(grader, f, "linear")["linear"].verdicts)}
    assert got["delta_3"].diagnosis == "updated_weight" and got["delta_3"].status == "wrong"
    assert got["delta_4"].status == "follow_through"
    assert got["grad_w_1_4"].message == "follows from your δ_4 (the updated weight used, charged at δ_3)"
    assert got["update_w_1_4"].message == "follows from your δ_4 (the updated weight used, charged at δ_3)"   # Δw = −ηδx
    assert got["new_w_1_4"].message == "follows from your Δw_{14} (the updated weight used, charged at δ_3)"
