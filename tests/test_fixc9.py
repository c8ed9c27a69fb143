"""Two checker defects of session 9's user trial (t9b): a WRONG verdict with an empty diagnosis, and a
plainly wrong value called a rounding that "shows no digit of the value".

The problem is the trial's p1.yaml (sigmoid 2-2-1, η = 0.5), worked by hand:
net_3 = 0.1 + 0.4 − 0.5·0.5 = 0.25, u_3 = σ(0.25) = 0.562177; net_4 = −0.2 + 0.3 + 0.2·0.5 = 0.2,
u_4 = σ(0.2) = 0.549834; net_5 = 0.05 + 0.6·0.562177 − 0.7·0.549834 = 0.002422, u_5 = 0.500606;
δ_5 = (u_5 − t)·u_5(1 − u_5) = −0.499394·0.249999 = −0.124848; Δw_45 = −η δ_5 u_4 = 0.034323.
η left out: 0.068646 (true δ), 0.12·0.549834 = 0.065980 from the student's δ_5 = −0.12: both 0.07 to 2 places.
"""
from __future__ import annotations

from dataclasses import replace

import pytest
import yaml
from conftest import DATA, PROBLEMS
from hypothesis import HealthCheck, given, settings, strategies as st

from symbackprop.answers import Grader, Rubric, check_submission
from symbackprop.answers.checker import require_reasons
from symbackprop.answers.compare import shows_no_digit
from symbackprop.errors import InternalError
from symbackprop.messages import say
from symbackprop.problem import load_problem

P1 = """\
title: sigmoid 2-2-1
network: {inputs: [1, 2], bias: 0, layers: [[3, 4], [5]], activation: sigmoid}
weights:
  0: {3: 0.1, 4: -0.2, 5: 0.05}
  1: {3: 0.4, 4: 0.3}
  2: {3: -0.5, 4: 0.2}
  3: {5: 0.6}
  4: {5: -0.7}
sample: {x: {1: 1, 2: 0.5}, t: {5: 1}}
loss: half_squared_error
learning_rate: 0.5
"""
DW45 = "\\Delta w_{45}"


@pytest.fixture(scope="module")
def p1(tmp_path_factory, parser):
    """A Grader of the trial's p1.yaml, and a function checking an answers dict against it."""
    root = tmp_path_factory.mktemp("fixc9")
    problem = root / "p1.yaml"
    problem.write_text(P1, encoding="utf-8")
    grader = Grader(load_problem(problem), Rubric(), parser=parser, warm=False)
    count = iter(range(1 << 30))

    def check(answers: dict) -> dict:
        path = root / f"a{next(count)}.yaml"
        path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
        reports, problems = grader.check(path)
        assert problems == []
        return {v.name: v for r in reports for v in r.verdicts}
    return check


# -- 1. η left out, from the student's own rounded δ: a reason, never an empty one -------------------

def test_eta_left_out_from_rounded_delta_is_named(p1):
    got = p1({"delta_5": -0.12, DW45: 0.07})
    assert got["δ_5"].status == "imprecise"
    v = got["Δw_{45}"]
    assert v.status == "wrong" and v.diagnosis == "eta_missing"
    assert say(v.message, "en") == "η left out of the update (η = 0.5)"
    assert "漏掉了 η" in say(v.message, "zh")


def test_eta_left_out_exact_still_named(p1):
    v = p1({"delta_5": -0.1248, DW45: 0.0686})["Δw_{45}"]
    assert v.status == "wrong" and v.diagnosis == "eta_missing"


def test_exact_mistake_beats_a_rounded_one(p1):
    # 0.0686 is η left out to the places asked; the sign slip (−0.0343) is nowhere near: η left out
    v = p1({DW45: 0.0686})["Δw_{45}"]
    assert v.diagnosis == "eta_missing"


# -- 2. "shows no digit" only for the value rounded to too few places -------------------------------

def test_plainly_wrong_value_is_not_a_rounding(p1):
    v = p1({DW45: 0.5})["Δw_{45}"]
    assert v.status == "wrong"
    assert "no digit" not in v.message
    assert say(v.message, "en") == ("not the expected value, and none of the mistakes the checker knows "
                                    "gives it")
    assert say(v.message, "zh").strip() and say(v.message, "zh") != say(v.message, "en")


@pytest.mark.parametrize("given, words", [
    ("0.0", "1 decimal place does not reach its first significant digit"),
    ("0", "0 decimal places do not reach its first significant digit"),
])
def test_value_rounded_to_no_digit_says_so_grammatically(p1, given, words):
    v = p1({DW45: yaml.safe_load(given) if given == "0" else float(given)})["Δw_{45}"]
    assert v.status == "wrong"
    assert say(v.message, "en") == "shows no digit of the value: " + words
    zh = say(v.message, "zh")
    assert "没有显示该值的任何一位数字" in zh and zh.startswith("没有")


@pytest.mark.parametrize("given, decimals, expected, no_digit", [
    (0.0, 1, 0.0343, True),        # 0.0343 to 1 place
    (0.0, 0, 0.0343, True),        # and to 0 places
    (0.5, 1, 0.0343, False),       # not any rounding of 0.0343
    (0.1, 1, 0.0343, False),
    (1.0, 0, 0.982, True),         # 0.982 to 0 places is 1
    (0.0, 0, 0.491, True),
    (1.0, 0, 0.491, False),        # 0.491 rounds to 0, not 1
    (0.1, 1, 0.0636, True),
    (0.2, 1, 0.0636, False),
    (-0.0, 1, -0.0343, True),
    (0.03, 2, 0.0343, False),      # 2 places reach its first digit: imprecise, not "no digit"
    (0.0, 4, 0.00003, False),      # the places asked: judged as usual
    (0.0, None, 0.0343, False),    # an expression: no places shown
])
def test_shows_no_digit(given, decimals, expected, no_digit):
    assert shows_no_digit(given, decimals, expected, 4) is no_digit


# -- no WRONG verdict without a reason -------------------------------------------------------------

def test_report_builder_refuses_a_wrong_verdict_without_reason(p1):
    v = p1({DW45: 0.5})["Δw_{45}"]
    require_reasons([v])                                   # has one: fine
    for empty in ("", "   "):
        with pytest.raises(InternalError, match="Δw_\\{45\\}"):
            require_reasons([replace(v, message=empty)])
    require_reasons([replace(v, status="correct", message="")])   # only WRONG verdicts must say why


CORPORA = [   # (problem, answers files) already in tests/data; p4 in the fast tier, the others slow (0.2-1.3 s each)
    (PROBLEMS / "xor.yaml", [DATA / "answers" / "xor_correct.yaml",
                             DATA / "follow_rounding" / "xsig_act_all_f.yaml",
                             DATA / "follow_rounding" / "xsig_net_all_f.yaml"]),
    (DATA / "sigmoid_321.yaml", [DATA / "follow_rounding" / "s321_net_all_f.yaml"]),
    (DATA / "follow_rounding" / "mine.yaml", [DATA / "follow_rounding" / "mine_gprime_all_f.yaml"]),
    (DATA / "follow_rounding" / "deep.yaml", [DATA / "follow_rounding" / "deep_net_all_f.yaml"]),
    (DATA / "trial8" / "p4.yaml", [DATA / "trial8" / "p4_ans.yaml"]),
    (DATA / "trial8" / "p5.yaml", [DATA / "trial8" / "p5_writeup.md"]),
]


@pytest.mark.parametrize("problem, files", [c if c[0].stem == "p4" else pytest.param(*c, marks=pytest.mark.slow)
                                            for c in CORPORA], ids=[c[0].stem for c in CORPORA])
def test_answer_corpora_have_no_wrong_verdict_without_reason(problem, files):
    seen = 0
    for f in files:
        reports, _ = check_submission(problem, f)       # require_reasons raises on an empty one
        for v in (v for r in reports for v in r.verdicts if v.status == "wrong"):
            seen += 1
            assert say(v.message, "en").strip(), (f.name, v.name)
            assert say(v.message, "zh").strip(), (f.name, v.name)
    assert seen or problem.stem == "xor"           # every file but the right answers has wrong ones


@pytest.fixture(scope="module")
def xor_truth(grader_of):
    """The items of xor.yaml's sigmoid part and their true values."""
    psol = next(p for p in grader_of(PROBLEMS / "xor.yaml").solution.parts if p.name == "sigmoid")
    return [(s.id, s.float_value) for s in psol.steps]


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_answers_never_get_an_empty_reason(grader_of, xor_truth, tmp_path_factory, data):
    """Any mix of right, rounded, scaled, negated and arbitrary values: every WRONG verdict says why."""
    answers = {}
    for qid, true in data.draw(st.lists(st.sampled_from(xor_truth), min_size=1, max_size=8, unique=True)):
        how = data.draw(st.sampled_from(["scale", "negate", "round", "any"]))
        value = (true * data.draw(st.sampled_from([0.5, 2, 1.1, 0.9, 10])) if how == "scale" else
                 -true if how == "negate" else true if how == "round" else
                 data.draw(st.floats(-5, 5, allow_nan=False)))
        answers[qid] = round(value, data.draw(st.integers(0, 5)))
    path = tmp_path_factory.mktemp("rand") / "a.yaml"
    path.write_text(yaml.safe_dump({"sigmoid": answers}), encoding="utf-8")
    reports, _ = grader_of(PROBLEMS / "xor.yaml").check(path)
    for v in (v for r in reports for v in r.verdicts if v.status == "wrong"):
        assert say(v.message, "en").strip() and say(v.message, "zh").strip(), v.name

