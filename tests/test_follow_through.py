"""Issue 10: follow-through does not depend on which middle steps a student wrote, and the report's
"first error" is the first wrong item.

The student's numbers and the values that follow from them are computed here by hand (`math`, the
textbook formulas of a network with one hidden layer and one output), a second code path to the
SymPy one: a student makes one mistake, computes everything else from their own numbers, and writes
down some of the steps, rounded to 4 places. Every written step computed from the mistake is
follow-through, whichever others were written; every one that is not, is right.
"""
import json
import math
import random

import pytest
from conftest import DATA

from symbackprop.answers import Grader, Rubric
from symbackprop.problem import load_problem

NET321 = DATA / "sigmoid_321.yaml"


# -- the networks, by hand ------------------------------------------------------------------------
class Net:
    """A network with inputs, one hidden layer, one output unit and a bias unit 0, as in the files."""

    def __init__(self, inputs, hidden, out, w, x, t, eta, act, sign, g0=0.0):
        self.inputs, self.hidden, self.out = inputs, hidden, out
        self.w, self.x, self.t, self.eta, self.act, self.sign, self.g0 = w, x, t, eta, act, sign, g0

    def g(self, net):
        return 1 / (1 + math.exp(-net)) if self.act == "sigmoid" else max(net, 0.0)

    def gp(self, net, u):
        if self.act == "sigmoid":
            return u * (1 - u)
        return 1.0 if net > 0 else 0.0 if net < 0 else self.g0

    def chain(self, written=(), wrong=None, half_missing=False):
        """Every quantity as the student computes it: `wrong` replaces a step's value by the student's
        mistaken number, a `written` step is rounded to 4 places (what the student writes and then
        uses), one not written keeps the calculator's digits. `half_missing`: J = (t − u)², no ½."""
        wrong = wrong or {}
        v = {}

        def put(q, value):
            value = wrong.get(q, value)
            v[q] = round(value, 4) if q in written else value
            return v[q]

        w, o, s, eta = self.w, self.out, self.sign, self.eta
        k = 2.0 if half_missing else 1.0
        xs = {0: 1.0, **self.x}
        for j in self.hidden:
            put(f"net_{j}", w[0, j] + sum(w[i, j] * xs[i] for i in self.inputs))
        for j in self.hidden:
            put(f"act_{j}", self.g(v[f"net_{j}"]))
        us = {0: 1.0, **{j: v[f"act_{j}"] for j in self.hidden}}
        put(f"net_{o}", w[0, o] + sum(w[j, o] * us[j] for j in self.hidden))
        u = put(f"act_{o}", self.g(v[f"net_{o}"]))
        put("loss", k * 0.5 * (self.t - u) ** 2)
        gp = put(f"gprime_{o}", self.gp(v[f"net_{o}"], u))
        d = put(f"delta_{o}", s * k * gp * (u - self.t))          # s = +1: δ = ∂J/∂net; −1: δ = −∂J/∂net
        for i in [0] + self.hidden:                                 # in the solution's order
            put(f"grad_w_{i}_{o}", s * d * us[i])
        for i in [0] + self.hidden:
            put(f"update_w_{i}_{o}", -eta * s * d * us[i])
        for i in [0] + self.hidden:
            put(f"new_w_{i}_{o}", w[i, o] + v[f"update_w_{i}_{o}"])
        for j in self.hidden:
            put(f"gprime_{j}", self.gp(v[f"net_{j}"], v[f"act_{j}"]))
        for j in self.hidden:
            put(f"delta_{j}", d * w[j, o] * v[f"gprime_{j}"])        # the same in both conventions
        ins = [(i, j) for j in self.hidden for i in [0] + self.inputs]
        for i, j in ins:
            put(f"grad_w_{i}_{j}", s * v[f"delta_{j}"] * xs[i])
        for i, j in ins:
            put(f"update_w_{i}_{j}", -eta * s * v[f"delta_{j}"] * xs[i])
        for i, j in ins:
            put(f"new_w_{i}_{j}", w[i, j] + v[f"update_w_{i}_{j}"])
        return v


def _xor(act):
    w = {(0, 3): 1, (1, 3): 3, (2, 3): 4, (0, 4): -6, (1, 4): 6, (2, 4): 5, (0, 5): -4, (3, 5): 2, (4, 5): 4}
    return Net([1, 2], [3, 4], 5, w, {1: 1.0, 2: 0.0}, 1.0, 1.0, act, +1, g0=0.0)


XOR_SIG, XOR_RELU = _xor("sigmoid"), _xor("relu")
# the textbook's 3-2-1 example: Err_6 = O_6(1 − O_6)(T_6 − O_6), i.e. δ = −∂J/∂net; η = 0.9
NET_321 = Net([1, 2, 3], [4, 5], 6,
              {(0, 4): -0.4, (1, 4): 0.2, (2, 4): 0.4, (3, 4): -0.5, (0, 5): 0.2, (1, 5): -0.3, (2, 5): 0.1,
               (3, 5): 0.2, (0, 6): 0.1, (4, 6): -0.3, (5, 6): -0.2}, {1: 1.0, 2: 0.0, 3: 1.0}, 1.0, 0.9,
              "sigmoid", -1)


def test_the_hand_computation_is_the_textbook_one():
    """The 3-2-1 file's values are the book's (O_6 = 0.474, Err_6 = 0.1311 from its rounded O_6, w_46 → −0.261)."""
    v = NET_321.chain()
    assert round(v["net_4"], 3) == -0.7 and round(v["net_5"], 3) == 0.1
    assert round(v["act_6"], 3) == 0.474 and round(v["delta_6"], 3) == 0.131
    assert round(v["delta_5"], 4) == -0.0065 and round(v["delta_4"], 4) == -0.0087
    assert round(v["new_w_4_6"], 3) == -0.261 and round(v["new_w_0_6"], 3) == 0.218


# -- checking ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def graders(grader, parser):
    """xor.yaml's grader is conftest's; the 3-2-1 network's shares the session's parser."""
    return {"xor": grader, "321": Grader(load_problem(NET321), Rubric(), warm=False, parser=parser)}


CASES = {"sigmoid": ("xor", "sigmoid", XOR_SIG), "relu": ("xor", "relu", XOR_RELU), "main": ("321", "main", NET_321)}


def report_of(graders, tmp_path, case, answers, name="a.yaml"):
    """The report on `answers` (qid -> a number, written with its 4 places, or a LaTeX string)."""
    key, part, _ = CASES[case]
    lines = [f"{part}:"]
    for q, a in answers.items():
        lines.append(f"  {q}: {a:.4f}" if isinstance(a, float) else f"  {q}: {json.dumps(a)}")
    f = tmp_path / name
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reports, problems = graders[key].check(f, part)
    assert problems == []
    return reports[0]


def statuses(report):
    return {v.qid: v.status for v in report.verdicts}


def expected_statuses(net, written, wrong):
    """The written steps (less those the mistake moves to within a rounding of the right value, where
    which verdict is fair is a question of rounding, not of follow-through), the student's numbers,
    and right, wrong or follow-through for each, decided by hand: a step whose number the mistake
    changed follows through, any other is right."""
    written = set(written)
    while True:
        student, clean, true = net.chain(written, wrong), net.chain(written), net.chain()
        moved = {q for q in written if abs(student[q] - clean[q]) > 1e-9}
        edge = {q for q in moved - set(wrong) if 0.3e-4 < abs(student[q] - true[q]) < 0.7e-4}
        if not edge:
            break
        written -= edge
    out = {q: "wrong" if q in wrong else "follow_through" if q in moved and abs(student[q] - true[q]) > 0.5e-4
           else "correct" for q in written}
    return written, student, out


ALL = {case: list(net.chain()) for case, (_, _, net) in CASES.items()}

# one mistake per scenario, and the steps always written (the probe: what must follow through)
SCENARIOS = [
    # the issue's case: net_6 wrong, then u_6, L and δ_6 = u_6(1 − u_6)(t − u_6) with g'(net_6) not written
    ("main", {"net_6": -0.2}, ["act_6", "loss", "delta_6"]),
    ("main", {"net_6": -0.2}, ["delta_6", "delta_4", "update_w_4_6", "new_w_5_6", "new_w_1_4"]),
    ("main", {"act_4": 0.4}, ["gprime_4", "delta_4", "new_w_3_4", "act_6"]),     # g'(net_4) from the wrong u_4
    ("main", {"delta_6": 0.2}, ["new_w_4_6", "delta_5", "new_w_0_5"]),           # no Δw, no g' written
    ("sigmoid", {"net_5": 0.5}, ["delta_5", "new_w_3_5", "delta_3", "delta_4"]),
    ("sigmoid", {"net_3": 3.0}, ["gprime_3", "delta_3", "update_w_1_3"]),         # g'(net_3) from u_3 = σ(3)
    ("sigmoid", {"gprime_5": 0.3}, ["delta_5", "new_w_4_5", "delta_4", "new_w_0_4"]),
    ("relu", {"net_3": 5.0}, ["act_5", "loss", "delta_5", "new_w_3_5", "delta_3", "new_w_1_3"]),
    ("relu", {"delta_5": 5.0}, ["new_w_3_5", "delta_3", "new_w_0_3"]),
]


@pytest.mark.parametrize("case, wrong, probe", SCENARIOS)
@pytest.mark.slow
def test_follow_through_does_not_depend_on_the_middle_steps_written(graders, tmp_path, case, wrong, probe):
    """The wrong step, the probed steps, and random choices of the others; the same verdicts each time."""
    net = CASES[case][2]
    (bad,) = wrong
    later = [q for q in ALL[case] if q not in probe and q != bad and not q.startswith(("learning", "w_", "input",
                                                                                       "target"))]
    rng = random.Random(f"{case}{bad}")
    choices = [set(), set(later)] + [{q for q in later if rng.random() < 0.5} for _ in range(4)]
    follow = set()
    for n, extra in enumerate(choices):
        written, student, want = expected_statuses(net, {bad, *probe, *extra}, wrong)
        assert set(probe) <= written
        report = report_of(graders, tmp_path, case, {q: student[q] for q in written}, f"s{n}.yaml")
        got = statuses(report)
        assert got == want, sorted(written)
        assert report.first_error == bad
        follow |= {q for q, s in want.items() if s == "follow_through"}
        for v in report.verdicts:
            if v.status == "follow_through":
                bad_name = next(b.name for b in report.verdicts if b.qid == bad)
                assert v.message.startswith(f"follows from your {bad_name} (the first error)"), v
    assert set(probe) <= follow       # every probed step really was computed from the mistake


def test_the_issues_case_by_the_numbers(graders, tmp_path):
    """net_6 = −0.2 (it is −0.1045): u_6 = σ(−0.2), L = ½(1 − u_6)², δ_6 = u_6(1 − u_6)(1 − u_6)."""
    u6 = round(1 / (1 + math.exp(0.2)), 4)
    loss = round(0.5 * (1 - u6) ** 2, 4)
    d6 = round(u6 * (1 - u6) * (1 - u6), 4)
    assert (u6, loss, d6) == (0.4502, 0.1511, 0.1361)
    report = report_of(graders, tmp_path, "main", {"net_6": -0.2, "act_6": u6, "loss": loss, "delta_6": d6})
    assert statuses(report) == {"net_6": "wrong", "act_6": "follow_through", "loss": "follow_through",
                                "delta_6": "follow_through"}
    assert "net_6" in next(v.message for v in report.verdicts if v.qid == "delta_6")
    assert report.score == 3


def test_a_chain_written_out_follows_through_too(graders, tmp_path):
    """δ_6 as rule = numbers = value from the student's u_6, and a new weight straight from δ_6 (no Δw)."""
    u6, d6 = 0.4502, 0.1361
    u4 = round(1 / (1 + math.exp(0.7)), 4)
    new46 = round(-0.3 + 0.9 * d6 * u4, 4)
    report = report_of(graders, tmp_path, "main", {
        "net_6": -0.2, "act_6": u6,
        "delta_6": f"u_6(1-u_6)(t_6-u_6) = {u6}(1-{u6})(1-{u6}) = {d6}",
        "new_w_4_6": f"w_{{46}} + \\eta \\delta_6 u_4 = -0.3 + 0.9 \\times {d6} \\times {u4} = {new46}"})
    got = statuses(report)
    assert got == {"net_6": "wrong", "act_6": "follow_through", "delta_6": "follow_through",
                   "new_w_4_6": "follow_through"}, report.verdicts
    assert all(lk.ok for v in report.verdicts for lk in v.links)


def test_a_wrong_step_stays_wrong_whatever_is_left_out(graders, tmp_path):
    """Follow-through is for what follows from the student's numbers, not for any number: δ_6 that
    follows neither from the true u_6 nor from the student's is wrong, with or without g'(net_6)."""
    for extra in ({}, {"gprime_6": 0.2476}):
        report = report_of(graders, tmp_path, "main", {"net_6": -0.2, "act_6": 0.4502, **extra, "delta_6": 0.1500})
        assert statuses(report)["delta_6"] == "wrong"


# -- the loss without its ½ ----------------------------------------------------------------------------
@pytest.mark.parametrize("case", ["sigmoid", "main"])
@pytest.mark.parametrize("written", [
    ["loss", "delta_o", "update_w_h_o", "delta_h", "new_w_1_h"],
    ["loss", "update_w_h_o", "new_w_0_o", "delta_h"],                   # no δ_o: Δw from the doubled δ_o
    ["loss", "new_w_h_o", "new_w_1_h"],                                 # no δ, no Δw
])
def test_the_loss_without_its_half_is_charged_once(graders, tmp_path, case, written):
    net = CASES[case][2]
    o, h = net.out, net.hidden[0]
    qs = {q.replace("_o", f"_{o}").replace("_h", f"_{h}") for q in written}
    student = net.chain(qs, half_missing=True)
    true = net.chain()
    report = report_of(graders, tmp_path, case, {q: student[q] for q in qs})
    got = statuses(report)
    assert got.pop("loss") == "wrong"
    assert abs(student["loss"] - 2 * true["loss"]) < 1e-4
    assert got == {q: "follow_through" for q in qs - {"loss"}}, report.verdicts
    loss_name = next(v.name for v in report.verdicts if v.qid == "loss")
    assert all(f"follows from your {loss_name} (the first error)" in v.message
               for v in report.verdicts if v.qid != "loss"), report.verdicts
    if f"delta_{o}" in qs:          # the step that shows the ½ left out says so
        assert next(v for v in report.verdicts if v.qid == f"delta_{o}").diagnosis == "half_missing"
    assert report.first_error == "loss"


@pytest.mark.parametrize("case", ["sigmoid", "main"])
def test_the_half_left_out_without_the_loss_is_charged_once_whatever_is_written(graders, tmp_path, case):
    """L not written: the first step that shows the doubled δ is wrong; what follows it is follow-through,
    whether δ_o was written (then Δw follows from it) or not (then Δw shows the same mistake again)."""
    net = CASES[case][2]
    o, h = net.out, net.hidden[0]
    wrong_counts = []
    for qs in ({f"delta_{o}", f"update_w_{h}_{o}", f"new_w_0_{o}", f"delta_{h}"},
               {f"grad_w_{h}_{o}", f"update_w_{h}_{o}", f"new_w_0_{o}", f"delta_{h}"},
               {f"update_w_{h}_{o}", f"update_w_0_{o}", f"delta_{h}"}):
        student = net.chain(qs, half_missing=True)
        report = report_of(graders, tmp_path, case, {q: student[q] for q in qs})
        got = statuses(report)
        first = min(qs, key=lambda q: list(ALL[case]).index(q))
        assert got.pop(first) == "wrong" and report.first_error == first
        assert set(got.values()) == {"follow_through"}, report.verdicts
        wrong_counts.append(sum(v.status == "wrong" for v in report.verdicts))
    assert wrong_counts == [1, 1, 1]


# -- degenerate cases stay without credit ----------------------------------------------------------------
def test_a_step_made_zero_through_unwritten_steps_earns_nothing(graders, tmp_path):
    """ReLU: net_3 = −1 makes u_3 = 0, net_5 = −4, u_5 = 0, L = ½(1 − 0)² from a wrong 0, and through
    g'(net_5) = 0 δ_5 = 0, Δw = 0 and w^new the old weight: trivial, no follow-through, whether the
    0s that make them so were written or are only the student's own values of unwritten steps."""
    steps = {"act_5": 0.0, "loss": 0.5, "delta_5": 0.0, "update_w_0_5": 0.0, "new_w_0_5": -4.0}
    for left_out in ((), ("act_5",), ("act_5", "delta_5"), ("act_5", "delta_5", "update_w_0_5")):
        answers = {"net_3": -1.0, **{q: a for q, a in steps.items() if q not in left_out}}
        report = report_of(graders, tmp_path, "relu", answers)
        assert statuses(report)["net_3"] == "wrong"
        for v in report.verdicts[1:]:
            assert (v.status, v.diagnosis) == ("wrong", "trivialised"), (left_out, v)
    alone = report_of(graders, tmp_path, "relu", {"net_3": -1.0, "new_w_0_5": -4.0}, "b.yaml")
    assert next(v for v in alone.verdicts if v.qid == "new_w_0_5").diagnosis == "trivialised"


def test_more_wrong_steps_do_not_raise_a_trivial_score(graders, tmp_path):
    base = {"new_w_0_5": -4.0, "new_w_3_5": 2.0}
    alone = report_of(graders, tmp_path, "relu", base)
    more = report_of(graders, tmp_path, "relu", {"net_3": -1.0, "delta_5": 0.0, **base}, "b.yaml")
    assert more.score <= alone.score == 0


# -- the first error ----------------------------------------------------------------------------------
def test_the_first_error_is_the_first_wrong_item_not_an_imprecise_one(graders, tmp_path):
    """u_3 = 0.98 (imprecise) and u_4 = 0.5000, then δ_5 wrong: the first error is δ_5."""
    report = report_of(graders, tmp_path, "sigmoid", {"act_3": "0.98", "act_5": "0.4910", "delta_5": -0.2})
    got = statuses(report)
    assert got == {"act_3": "imprecise", "act_5": "correct", "delta_5": "wrong"}
    assert report.first_error == "delta_5"


@pytest.mark.parametrize("answers, first", [
    ({"act_3": "0.98", "act_5": 0.9}, "act_5"),                            # imprecise, then a wrong value
    ({"act_3": "0.9821", "act_5": 0.9}, "act_5"),                          # misrounded, then wrong
    ({"act_3": "0.98", "act_4": "0.5"}, None),                             # nothing wrong: no first error
    ({"net_3": "3 + 2 = 4", "act_5": 0.9}, "act_5"),                       # a right value, a slip in its working
])
def test_only_a_wrong_item_is_a_first_error(graders, tmp_path, answers, first):
    report = report_of(graders, tmp_path, "sigmoid", answers)
    assert report.first_error == first, report.verdicts
    assert {v.status for v in report.verdicts} - {"correct", "wrong"}      # the case has what it is about
    from symbackprop.render.report import render_text
    text = render_text([report], "a.yaml", [])
    assert (f"First error: {first.replace('act_', 'u_')}" in text) if first else "First error" not in text


def test_the_first_error_is_in_the_solutions_order_not_the_files(graders, tmp_path):
    f = tmp_path / "late.md"
    f.write_text("Sigmoid: $\\delta_5 = -0.2$, $u_3 = 0.98$, $net_5 = 0.5$\n", encoding="utf-8")
    reports, _ = graders["xor"].check(f, "sigmoid")
    assert reports[0].first_error == "net_5"


def test_follow_through_rounded_too_far_is_imprecise_not_wrong(graders, tmp_path):
    """Consistent work from the student's own wrong net_6, rounded to fewer places than asked, is judged
    like a right value rounded so: imprecise (and names the first error), never wrong; a number that
    follows from nothing stays wrong."""
    u6 = 1 / (1 + math.exp(0.2))
    report = report_of(graders, tmp_path, "main", {"net_6": -0.2, "act_6": f"{u6:.3f}",
                                                   "loss": f"{0.5 * (1 - round(u6, 3)) ** 2:.2f}",
                                                   "delta_6": "0.15"})
    got = {v.qid: v for v in report.verdicts}
    assert (got["act_6"].status, got["loss"].status) == ("imprecise", "imprecise")
    assert "follows from your net_6" in got["act_6"].message and "3 decimal places" in got["act_6"].message
    assert got["delta_6"].status == "wrong"
    assert report.first_error == "net_6"
