"""Issue 10: follow-through values rounded from the student's own full-precision numbers are right,
an exact known mistake beats "imprecise", a rounding that shows no digit of the value is wrong, and
a follow-through never contradicts the report's "first error".

The expected verdicts are computed here by hand: the student's written numbers are read from their
file, each moved by half a unit in its last place, and the step's rule (written out with `math`) is
evaluated at every corner of those intervals. A follow-through value is right when it lies within
the resulting interval widened by half a unit in the places asked (the rule docs/checking.md §2
states); each case also checks that the value is NOT the rounding of the rule at the written
numbers, the verdict the tool gave before ("rounded wrongly").
"""
import itertools

import pytest
import yaml
from conftest import DATA, PROBLEMS
from test_follow_through import NET_321, XOR_SIG

from symbackprop.answers import Grader, Rubric
from symbackprop.problem import load_problem

HERE = DATA / "follow_rounding"
GOOD = ("correct", "follow_through")


class _Graders(dict):
    """The module's graders, each made when a test first asks for it (the fast tier uses few of them)."""

    FILES = {"xor": PROBLEMS / "xor.yaml", "321": DATA / "sigmoid_321.yaml", "mine": HERE / "mine.yaml",
             "deep": HERE / "deep.yaml"}

    def __missing__(self, name: str) -> Grader:
        self[name] = Grader(load_problem(self.FILES[name]), Rubric(), warm=False)
        return self[name]


@pytest.fixture(scope="module")
def graders():
    made = _Graders()
    yield made
    for g in made.values():
        g.close()


def check(graders, key, path, part=None):
    reports, problems = graders[key].check(path, part)
    assert problems == []
    return reports[0]


def written(path, part=None):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data[part] if part else data


def places(text) -> int:
    return len(str(text).partition(".")[2])


def interval(rule, *texts):
    """The rule over the written numbers, each moved by half a unit in its last place: every corner."""
    ranges = [(float(t) - 0.5 * 10.0 ** -places(t), float(t) + 0.5 * 10.0 ** -places(t)) for t in texts]
    got = [rule(*corner) for corner in itertools.product(*ranges)]
    return min(got), max(got)


# (grader, part, answers file, item, rule of the item by hand, the items it uses, places asked)
EXAMPLES = [
    # g'(net_3) = u_3(1 − u_3) from u_3 = 0.9933: σ(5)(1 − σ(5)) = 0.006648 written 0.0066
    ("xor", "sigmoid", "xsig_net_all_f.yaml", "gprime_3", lambda u: u * (1 - u), ["act_3"], 4),
    # the 2-2-1 tanh/sigmoid net with g(net_5) for g'(net_5): δ_3 = g'(net_3) w_35 δ_5, w_35 = 0.8
    ("mine", None, "mine_gprime_all_f.yaml", "delta_3", lambda gp, d: gp * 0.8 * d, ["gprime_3", "delta_5"], 4),
    # ∂J/∂w_23 = δ_3 x_2 and ∂J/∂w_24 = δ_4 x_2, x_2 = 2 (0.1345 and −0.0193: plain WRONG before)
    ("mine", None, "mine_gprime_all_f.yaml", "grad_w_2_3", lambda d: d * 2, ["delta_3"], 4),
    ("mine", None, "mine_gprime_all_f.yaml", "grad_w_2_4", lambda d: d * 2, ["delta_4"], 4),
    # the textbook 3-2-1 net with net_4 + 1: Δw_05 = η δ_5 x_0 (δ = −∂J/∂net), η = 0.9
    ("321", None, "s321_net_all_f.yaml", "update_w_0_5", lambda d: 0.9 * d, ["delta_5"], 4),
    # xor sigmoid with u_3 = 0.9320: δ_5 = g'(net_5)(u_5 − t), t = 1
    ("xor", "sigmoid", "xsig_act_all_f.yaml", "delta_5", lambda gp, u: gp * (u - 1), ["gprime_5", "act_5"], 4),
    # the deep net (binary cross-entropy, t = 1, 5 places) with net_3 + 1: δ_7 = g'(net_7)(−t/u_7)
    ("deep", None, "deep_net_all_f.yaml", "delta_7", lambda gp, u: -gp / u, ["gprime_7", "act_7"], 5),
]


@pytest.mark.parametrize("key, part, name, item, rule, uses, asked", EXAMPLES,
                         ids=[f"{e[2]}:{e[3]}" for e in EXAMPLES])
@pytest.mark.slow
def test_a_follow_through_value_within_the_rounding_of_the_written_values_is_right(
        graders, key, part, name, item, rule, uses, asked):
    answers = written(HERE / name, part)
    texts = [answers[q] for q in uses]
    lo, hi = interval(rule, *texts)
    half = 0.5 * 10.0 ** -asked
    student = float(answers[item])
    assert lo - half <= student <= hi + half                       # within the interval, by hand
    centre = rule(*map(float, texts))
    assert round(centre, asked) != student                         # not the rounding of the written numbers
    report = check(graders, key, HERE / name, part)
    got = {v.qid: v for v in report.verdicts}
    assert got[item].status == "follow_through", got[item]
    assert "rounded wrongly" not in got[item].message


@pytest.mark.parametrize("key, part, name", [("xor", "sigmoid", "xsig_net_all_f.yaml"),
                                             ("xor", "sigmoid", "xsig_act_all_f.yaml"),
                                             pytest.param("mine", None, "mine_gprime_all_f.yaml", marks=pytest.mark.slow),
                                             pytest.param("321", None, "s321_net_all_f.yaml", marks=pytest.mark.slow),
                                             pytest.param("deep", None, "deep_net_all_f.yaml", marks=pytest.mark.slow)])
def test_work_from_one_mistake_rounded_from_full_precision_loses_only_that_mistake(graders, key, part, name):
    """The trial files: one mistake, everything after it computed at full precision and written to the
    places asked. Only the mistaken item loses its point."""
    report = check(graders, key, HERE / name, part)
    bad = {v.qid: (v.status, v.message) for v in report.verdicts if v.status not in GOOD}
    assert len(bad) == 1, bad
    assert report.score == report.max_score - 1


# -- the same class, on a hand-computed chain ---------------------------------------------------
def _mistakes():
    u5 = XOR_SIG.chain()["act_5"]
    u6 = NET_321.chain()["act_6"]
    slow = pytest.mark.slow                   # the 3-2-1 network: slow tier (xor keeps the fast cases)
    return [("xor", "sigmoid", XOR_SIG, {"net_3": 5.0}, "net_3"),
            ("xor", "sigmoid", XOR_SIG, {"act_3": 0.932}, "act_3"),
            ("xor", "sigmoid", XOR_SIG, {"gprime_5": u5}, "gprime_5"),        # g(net_5) for g'(net_5)
            ("xor", "sigmoid", XOR_SIG, {"net_5": 0.5}, "net_5"),
            pytest.param("321", "main", NET_321, {"net_4": 0.3}, "net_4", marks=slow),
            pytest.param("321", "main", NET_321, {"gprime_6": u6}, "gprime_6", marks=slow),
            pytest.param("321", "main", NET_321, {"act_5": 0.6}, "act_5", marks=slow)]


def _file(tmp_path, part, values, leave_out=()):
    f = tmp_path / "a.yaml"
    f.write_text(yaml.safe_dump({part: {q: f"{v:.4f}" for q, v in values.items() if q not in leave_out}}),
                 encoding="utf-8")
    return f


@pytest.mark.parametrize("key, part, net, wrong, first", _mistakes(), ids=lambda x: str(x)[:20])
def test_full_precision_and_step_by_step_rounding_earn_the_same(graders, tmp_path, key, part, net, wrong, first):
    """A student who keeps the calculator's digits and one who rounds every step to 4 places make the
    same mistake: both lose only the mistaken item, and leaving out the g' steps changes nothing else."""
    full = net.chain(wrong=wrong)                                   # every value at full precision
    stepwise = net.chain(written=set(full), wrong=wrong)            # each rounded before it is used
    scores = []
    for values in (full, stepwise):
        report = check(graders, key, _file(tmp_path, part, values), part)
        got = {v.qid: v.status for v in report.verdicts}
        assert got[first] == "wrong"
        assert {q: s for q, s in got.items() if s not in GOOD} == {first: "wrong"}, report.verdicts
        assert report.first_error == first
        scores.append(report.score)
        gps = [q for q in values if q.startswith("gprime_") and q != first]
        fewer = check(graders, key, _file(tmp_path, part, values, leave_out=gps), part)
        assert {v.qid: v.status for v in fewer.verdicts} == {q: s for q, s in got.items() if q not in gps}
    assert scores[0] == scores[1]


# -- an exact mistake beats "imprecise"; no digit shown is wrong ----------------------------------
@pytest.mark.parametrize("key, part, qid, text, status, diagnosis", [
    ("xor", "sigmoid", "new_w_3_5", "2", "wrong", "old_weight"),          # 2.1249: the old weight 2
    ("xor", "sigmoid", "new_w_3_5", 2, "wrong", "old_weight"),            # as a YAML number too
    ("xor", "sigmoid", "new_w_0_5", "-4", "wrong", "old_weight"),         # −3.8728: the old weight −4
    ("xor", "sigmoid", "new_w_4_5", "4", "wrong", "old_weight"),          # 4.0636: the old weight 4
    ("xor", "relu", "new_w_3_5", "2", "wrong", "old_weight"),
    pytest.param("321", "main", "new_w_4_6", "-0.3", "wrong", "old_weight",   # −0.2608 to 1 place: −0.3, the old w_46
                 marks=pytest.mark.slow),                                 # (3-2-1: slow tier; xor's cases stay fast)
    ("xor", "sigmoid", "new_w_3_5", "2.1", "imprecise", "imprecise"),     # rounded, and no mistake's value
    ("xor", "sigmoid", "new_w_3_5", "2.12", "imprecise", "imprecise"),
    pytest.param("321", "main", "new_w_4_6", "-0.26", "imprecise", "imprecise", marks=pytest.mark.slow),
    ("xor", "sigmoid", "act_3", "1", "wrong", None),                      # 0.9820 to 0 places: no digit of it
    ("xor", "sigmoid", "act_3", 1, "wrong", None),
    ("xor", "sigmoid", "update_w_4_5", "0.1", "wrong", None),            # 0.0636 to 1 place: no digit of it
    ("xor", "sigmoid", "act_5", "0", "wrong", None),                      # 0.4910
    ("xor", "sigmoid", "act_3", "0.98", "imprecise", "imprecise"),        # shows the digit 9
    ("xor", "sigmoid", "update_w_4_5", "0.06", "imprecise", "imprecise"),
    ("xor", "sigmoid", "delta_5", "-0.1", "imprecise", "imprecise"),      # −0.1272 shows its 1
])
def test_exact_mistakes_and_digitless_roundings(graders, tmp_path, key, part, qid, text, status, diagnosis):
    f = tmp_path / "a.yaml"
    f.write_text(yaml.safe_dump({part: {qid: text}}), encoding="utf-8")
    v = next(v for v in check(graders, key, f, part).verdicts if v.qid == qid)
    assert (v.status, v.diagnosis) == (status, diagnosis), v
    if status == "wrong" and diagnosis is None:
        assert "no digit" in v.message
    if diagnosis == "old_weight":
        assert v.credit == 0 and "the update Δw was not added" in v.message


# -- the follow-through names its source without contradicting the first error --------------------
def test_a_follow_through_from_a_later_error_does_not_call_it_the_first(graders, tmp_path):
    """net_5 wrong (the first error); δ_5 right; δ_4 wrong on its own; Δw_04 = −η δ_4 x_0 follows from δ_4."""
    f = tmp_path / "a.yaml"
    f.write_text(yaml.safe_dump({"sigmoid": {"net_5": "-0.0500", "delta_5": "-0.1272", "delta_4": "-0.2000",
                                             "update_w_0_4": "0.2000"}}), encoding="utf-8")
    report = check(graders, "xor", f, "sigmoid")
    got = {v.qid: v for v in report.verdicts}
    assert report.first_error == "net_5"
    assert (got["net_5"].status, got["delta_4"].status) == ("wrong", "wrong")
    assert got["update_w_0_4"].status == "follow_through"
    assert "follows from your δ_4 (wrong)" in got["update_w_0_4"].message
    assert "first error" not in got["update_w_0_4"].message


def test_a_follow_through_from_the_first_error_still_says_so(graders, tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text(yaml.safe_dump({"sigmoid": {"net_3": "5.0000", "act_3": "0.9933"}}), encoding="utf-8")
    report = check(graders, "xor", f, "sigmoid")
    act3 = next(v for v in report.verdicts if v.qid == "act_3")
    assert report.first_error == "net_3"
    assert act3.status == "follow_through" and "follows from your net_3 (the first error)" in act3.message
