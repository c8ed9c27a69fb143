"""Issue 10 (values): significant figures for large values, a given value copied wrong charged once,
w_35^(1), the summary's wrong answers, the first error, and numeric conditions.

Expected values are worked by hand. tests/data/values/big.yaml (identity activations, x = (100, 50),
η = 0.001): net_3 = u_3 = 35 + 700 + 500 = 1235, net_4 = u_4 = −2 + 300 − 200 = 98,
net_5 = u_5 = −48 + 1235 + 49 = 1236, L = 1235²/2 = 762612.5, δ_5 = 1235, ∂L/∂w_35 = 1235² = 1525225,
Δw_35 = −1525.225, w_35^new = 1 − 1525.225 = −1524.225, δ_4 = 1235 × 0.5 = 617.5.
problems/xor.yaml, sigmoid, with w_45 = 3 copied for 4: net_5 = −4 + 2(0.982) + 3(0.5) = −0.536,
u_5 = σ(−0.536) = 0.3691, δ_5 = u_5(1 − u_5)(u_5 − 1) = −0.1469, Δw_45 = −δ_5 × 0.5 = 0.0735,
w_45^new = 3 + 0.0735 = 3.0735, δ_4 = δ_5 × 3 × 0.25 = −0.1102.
"""
import json
from pathlib import Path

import pytest

from symbackprop.answers import Grader, Rubric
from symbackprop.answers.compare import Tolerance, compare_number, written_number
from symbackprop.problem import load_problem

DATA = Path(__file__).resolve().parent / "data"
TOL = Tolerance()


@pytest.fixture(scope="module")
def big():
    g = Grader(load_problem(DATA / "values" / "big.yaml"), Rubric(), warm=False)
    yield g
    g.close()


def _check(grader, tmp_path, name, text, part):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    reports, problems = grader.check(f, part)
    return reports[0], {v.qid: v for v in reports[0].verdicts}, problems


# -- 1. significant figures --------------------------------------------------------------------------
@pytest.mark.parametrize("qid,answer,status,words", [
    ("grad_w_3_5", "1.53 \\times 10^{6}", "imprecise", "right to 3 significant figures"),
    ("grad_w_3_5", "1.53e6", "imprecise", "right to 3 significant figures"),
    ("grad_w_3_5", "1525000", "imprecise", "right to 4 significant figures"),
    ("grad_w_3_5", "1530000", "imprecise", "right to 3 significant figures"),
    ("grad_w_3_5", "1.5252 \\times 10^{6}", "imprecise", "right to 5 significant figures"),
    ("grad_w_3_5", "1525225", "correct", ""),
    ("grad_w_3_5", "1500000", "wrong", "too few figures"),          # 2 figures: never the answer
    ("grad_w_3_5", "1.5e6", "wrong", "too few figures"),
    ("grad_w_3_5", "1.52e6", "rounding", "1530000 to 3 significant figures"),
    ("grad_w_3_5", "1520000", "rounding", "1530000 to 3 significant figures"),
    ("grad_w_3_5", "1.54e6", "wrong", ""),                           # more than one unit off
    ("update_w_3_5", "-1525", "imprecise", "right to 0 decimal places"),   # as 0.98 for 0.982
    ("update_w_3_5", "-1530", "imprecise", "right to 3 significant figures"),
    ("update_w_3_5", "-1.53\\times10^{3}", "imprecise", "right to 3 significant figures"),
    ("update_w_3_5", "-1.53e3", "imprecise", "right to 3 significant figures"),
    ("update_w_3_5", "-1500", "wrong", "too few figures"),
    ("update_w_3_5", "1530", "wrong", ""),                           # the sign
    ("update_w_3_5", "-1526", "rounding", "-1525 to 0 places"),
    ("loss", "7.63e5", "imprecise", "right to 3 significant figures"),
    ("loss", "762600", "imprecise", "right to 4 significant figures"),   # 762610 would be 5
    ("new_w_3_5", "-1524", "imprecise", "right to 0 decimal places"),
    ("new_w_3_5", "-1520", "imprecise", "right to 3 significant figures"),
    ("delta_4", "620", "wrong", "too few figures"),                  # 617.5 to 2 figures
    ("delta_4", "618", "imprecise", "right to 0 decimal places"),
])
def test_large_values_by_significant_figures(big, tmp_path, qid, answer, status, words):
    _, got, problems = _check(big, tmp_path, "a.json", json.dumps({qid: answer}), "linear")
    assert not problems
    v = got[qid]
    assert v.status == status, v
    assert words in v.message


def test_a_chain_rounded_to_significant_figures_has_right_arithmetic(big, tmp_path):
    _, got, _ = _check(big, tmp_path, "c.json", json.dumps({
        "grad_w_3_5": "1235 \\times 1235 = 1.53 \\times 10^{6}",
        "update_w_3_5": "-0.001 \\times 1235 \\times 1235 = -1530"}), "linear")
    assert got["grad_w_3_5"].status == "imprecise" and got["update_w_3_5"].status == "imprecise"
    _, got, _ = _check(big, tmp_path, "d.json", json.dumps({"grad_w_3_5": "1235 \\times 1235 = 1.63 \\times 10^{6}"}),
                       "linear")
    assert got["grad_w_3_5"].status == "wrong" and got["grad_w_3_5"].diagnosis == "arithmetic"


def test_yaml_numbers_in_scientific_notation(big, tmp_path):
    _, got, _ = _check(big, tmp_path, "y.yaml", "linear:\n  grad_w_3_5: 1.53e+6\n  loss: 1.0e3\n", "linear")
    assert got["grad_w_3_5"].status == "imprecise"
    assert got["loss"].status == "wrong"


def test_small_integers_keep_the_decimal_place_policy():
    # 10 for 9.8 is 9.8 to 0 places (imprecise, as before); 20 for 15.25 shows 1 figure: wrong
    assert compare_number(10, 0, 9.8, TOL).status == "imprecise"
    assert compare_number(20, 0, 15.25, TOL).status == ""
    assert compare_number(0.98, 2, 0.98201, TOL).status == "imprecise"
    assert written_number("1.53e6", figures=True)[1] == -4 and written_number("1530000", figures=True)[1] == 0
    assert written_number("1.53e6")[1] == 0
    assert written_number("8.056e-4")[1] == 7


# -- 2. a given value copied wrong, charged once -----------------------------------------------------
COPIED = ("sigmoid:\n"
          "  net_5: \"-4 + 2 \\\\cdot 0.982 + 3 \\\\cdot 0.5 = -0.536\"\n"
          "  u_5: 0.3691\n  delta_5: -0.1469\n  update_w_4_5: 0.0735\n  new_w_4_5: 3.0735\n  delta_4: -0.1102\n")


@pytest.mark.slow
def test_a_copied_weight_is_charged_once(grader, tmp_path):
    rep, got, _ = _check(grader, tmp_path, "c.yaml", COPIED, "sigmoid")
    assert got["net_5"].status == "wrong" and got["net_5"].diagnosis == "given_copied"
    assert "uses w_{45} = 3, the problem gives w_{45} = 4" in got["net_5"].message
    for q in ("act_5", "delta_5", "update_w_4_5", "new_w_4_5", "delta_4"):
        assert got[q].status == "follow_through", got[q]
        assert "net_5" in got[q].message
    assert rep.first_error == "net_5"


def test_a_copied_weight_shown_by_plain_values_only(grader, tmp_path):
    rep, got, _ = _check(grader, tmp_path, "p.yaml", "sigmoid:\n  net_5: -0.536\n  new_w_4_5: 3.0735\n"
                         "  delta_4: -0.1102\n", "sigmoid")
    assert got["net_5"].diagnosis == "given_copied"
    assert got["new_w_4_5"].status == got["delta_4"].status == "follow_through"


def test_a_copy_used_only_in_backprop(grader, tmp_path):
    # w_45 = 3 only in the backward pass: δ_4 = −0.1272 × 3 × 0.25 = −0.0954, w_45^new = 3 + 0.0636
    rep, got, _ = _check(grader, tmp_path, "b.yaml", "sigmoid:\n  delta_4: -0.0954\n  new_w_4_5: 3.0636\n",
                         "sigmoid")
    wrong = [v for v in got.values() if v.status == "wrong"]
    assert len(wrong) == 1 and wrong[0].diagnosis == "given_copied"
    assert all(v.status == "follow_through" for v in got.values() if v.status != "wrong")


def test_a_rough_value_is_not_taken_for_a_copy(grader, tmp_path):
    # 0.1 for Δw_45 = 0.0636: η = 2 would give 0.127, which rounds to 0.1, but a 1-place value proves nothing
    _, got, _ = _check(grader, tmp_path, "r.yaml", "sigmoid:\n  update_w_4_5: 0.1\n", "sigmoid")
    assert got["update_w_4_5"].diagnosis != "given_copied"


def test_right_substituted_numbers_are_no_copy(grader, tmp_path):
    _, got, _ = _check(grader, tmp_path, "s.yaml",
                       "sigmoid:\n  net_5: \"-4 + 2 \\\\cdot 0.982 + 4 \\\\cdot 0.5 = -0.536\"\n", "sigmoid")
    assert got["net_5"].diagnosis == "arithmetic"


# -- 3. w_35^(1) ----------------------------------------------------------------------------------
def test_a_numbered_superscript_on_a_weight_is_never_the_given_weight(grader, tmp_path):
    _, got, problems = _check(grader, tmp_path, "w.json", json.dumps({"w_{35}^{(1)}": 2.1249, "u_3": 0.9820}),
                              "sigmoid")
    assert set(got) == {"act_3"}
    said = [p for p in problems if "w_{35}^{(1)}" in p]
    assert len(said) == 1 and "w_{35}^new" in said[0] and "w_{35} (the given weight)" in said[0]
    # a layer superscript on δ stays what it was
    _, got, _ = _check(grader, tmp_path, "d.json", json.dumps({"\\delta^{(2)}_5": -0.1272}), "sigmoid")
    assert got["delta_5"].status == "correct"


# -- 4. the summary counts a chain and its plain value as one answer ----------------------------------
def test_summary_groups_a_chain_with_its_plain_value(tmp_path):
    from symbackprop.grade import summary_markdown
    from symbackprop.answers.checker import Link, Verdict, PartReport

    class R:
        def __init__(self, reps):
            self.reports, self.error, self.skipped, self.student, self.score = reps, None, False, "s", 0.0

    def rep(given, links):
        v = Verdict("act_5", "u_5", given, 0.491, "0.4910", "wrong", 1.0, 0.0, links=links, value=0.3691)
        return PartReport("sigmoid", (v,), (), 1.0, item_points={"act_5": 1.0})

    chain = rep("\\frac{1}{1+e^{0.536}} = 0.3691", (Link("", "\\frac{1}{1+e^{0.536}}", "numbers", False),
                                                    Link("=", "0.3691", "value", True)))
    plain = rep("0.3691", (Link("", "0.3691", "value", True),))
    text = summary_markdown([R([chain]), R([plain])])
    assert "0.3691` ×2" in text or "0.3691 ×2" in text, text


# -- 5. the first error -----------------------------------------------------------------------------
def test_first_error_is_never_a_rule_without_value(grader, tmp_path):
    rep, got, _ = _check(grader, tmp_path, "f.md", "$u_3 = g(net_3)$\n$u_5 = 0.3$\n", "sigmoid")
    assert got["act_3"].diagnosis == "no_value"
    assert rep.first_error == "act_5"


# -- 6. cases and reasons with numeric conditions ------------------------------------------------------
@pytest.mark.parametrize("line,qid,status", [
    ("$g'(net_3) = \\begin{cases}1 & 4>0 \\\\ 0 & \\text{otherwise}\\end{cases}$", "gprime_3", "correct"),
    ("$g'(net_4) = \\begin{cases}1 & 0>0 \\\\ 0 & \\text{otherwise}\\end{cases}$", "gprime_4", "correct"),
    ("$g'(net_5) = \\begin{cases}1 & \\text{for } 4 > 0 \\\\ 0 & \\text{otherwise}\\end{cases}$", "gprime_5", "correct"),
    ("$g'(net_4) = \\begin{cases}1 & 0 \\geq 0 \\\\ 0 & \\text{otherwise}\\end{cases}$", "gprime_4", "wrong"),
    ("$g'(net_3) = 1 \\text{ since } 4 > 0$", "gprime_3", "correct"),
    ("$g'(net_4) = 1 \\text{ since } 0 > 0$", "gprime_4", "wrong"),            # a false reason (issue 10)
    ("$g'(net_5) = 1 \\text{ since } net_5 > 0$", "gprime_5", "correct"),      # a reason in names is read
])
@pytest.mark.slow
def test_numeric_conditions(grader, tmp_path, line, qid, status):
    _, got, _ = _check(grader, tmp_path, "g.md", line + "\n", "relu")
    assert got[qid].status == status, got[qid]
    if status == "unreadable" or (status == "wrong" and "since" in line):
        assert "reason" in got[qid].message or "condition" in got[qid].message
