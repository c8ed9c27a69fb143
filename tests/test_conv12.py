"""Session 12, task X3 (user trial t13): the other δ convention's signs, and grading a multi-part class.

Item 2: ∂L/∂w, Δw and w^new have the same sign in both δ conventions (∂L/∂w = ∂L/∂net·u = −δ'u when
δ' = −∂L/∂net). Once a student's negated δs are accepted as the other convention, a ∂L/∂w computed from
them by this problem's rule (+δ'u) is a sign slip, never a follow-through from a δ that earned its credit.
The expected values are worked out here by hand (math, not the package) from the network of xor.yaml:
sigmoid part, x = (1, 0), t = 1, w_03 = 1, w_13 = 3, w_35 = 2, w_45 = 4, w_05 = −4, η = 1.
"""
import json
import math

import pytest
from conftest import PROBLEMS


def sig(v):
    return 1 / (1 + math.exp(-v))


U3, U4 = sig(1 + 3), sig(-6 + 6)             # net_3 = 4, net_4 = 0
U5 = sig(-4 + 2 * U3 + 4 * U4)
D5 = (U5 - 1) * U5 * (1 - U5)                 # ∂L/∂net_5 = (u_5 − t) g'(net_5) = −0.1272
D3 = D5 * 2 * U3 * (1 - U3)                   # ∂L/∂net_3 = −0.0045
D4 = D5 * 4 * U4 * (1 - U4)                   # ∂L/∂net_4 = −0.1272
G45, G35, G05 = D5 * U4, D5 * U3, D5 * 1      # ∂L/∂w = ∂L/∂net_5 · input: −0.0636, −0.1249, −0.1272
assert (round(D5, 4), round(D3, 4), round(D4, 4), round(G45, 4)) == (-0.1272, -0.0045, -0.1272, -0.0636)


def r4(x):
    return round(x, 4)


def check(grader, tmp_path, answers, part="sigmoid"):
    f = tmp_path / "a.yaml"
    f.write_text(json.dumps({part: answers}), encoding="utf-8")
    reports, _ = grader.check(f, part)
    return reports[0], {v.qid: v for v in reports[0].verdicts}


def deltas(sign):
    """The three δs: sign +1 is ∂L/∂net (xor.yaml's convention), −1 is −∂L/∂net."""
    return {"delta_5": r4(sign * D5), "delta_3": r4(sign * D3), "delta_4": r4(sign * D4)}


# every combination of the signs of the δs, ∂L/∂w_45 and Δw_45 (+1: right in xor.yaml's δ = ∂L/∂net;
# −1 negated). ∂L/∂w_45 and Δw_45 have one right sign whatever the δ convention, and each is computed from
# δ_5 (∂L/∂w_45 = δ_5 u_4, Δw_45 = −η δ_5 u_4, as the solution writes them). By hand, with the δs right,
# each negated one of the two is wrong on its own. With the δs negated:
#  - both right: the other convention (Δw = +ηδ'u), everything credited;
#  - one right, the other negated: one piece of evidence each way (the right one says the convention, the
#    negated one is this problem's rule on the negated δ_5): read as a sign slip on δ_5 (docs/checking.md),
#    charged there, the other δs and the negated item follow from it;
#  - both negated: this problem's rules on negated δs, a sign slip on δ_5, the rest follow.
CASES = [
    # (δ sign, g sign, Δw sign): {item: status}, the score of 5
    ((1, 1, 1), {"grad_w_4_5": "correct", "update_w_4_5": "correct"}, 5),
    ((1, -1, 1), {"grad_w_4_5": "wrong", "update_w_4_5": "correct"}, 4),
    ((1, 1, -1), {"grad_w_4_5": "correct", "update_w_4_5": "wrong"}, 4),
    ((1, -1, -1), {"grad_w_4_5": "wrong", "update_w_4_5": "wrong"}, 3),
    ((-1, 1, 1), {"delta_5": "other_convention", "delta_3": "other_convention", "grad_w_4_5": "correct",
                  "update_w_4_5": "correct"}, 5),
    ((-1, -1, 1), {"delta_5": "wrong", "delta_3": "follow_through", "grad_w_4_5": "follow_through",
                   "update_w_4_5": "correct"}, 4),
    ((-1, 1, -1), {"delta_5": "wrong", "delta_3": "follow_through", "grad_w_4_5": "correct",
                   "update_w_4_5": "follow_through"}, 4),
    ((-1, -1, -1), {"delta_5": "wrong", "delta_3": "follow_through", "grad_w_4_5": "follow_through",
                    "update_w_4_5": "follow_through"}, 4),
]


@pytest.mark.parametrize("problem, own", [("xor.yaml", 1), ("xor_appendix.yaml", -1)])
@pytest.mark.parametrize("signs, expected, score", CASES, ids=[str(c[0]) for c in CASES])
def test_every_combination_of_signs(grader_of, tmp_path, problem, own, signs, expected, score):
    # `own`: the problem's δ is ∂L/∂net (xor.yaml) or −∂L/∂net (xor_appendix.yaml, Δw = +ηδy); the δ sign of
    # a case is relative to it, ∂L/∂w_45 and Δw_45 are the same numbers in both problems
    sd, sg, sw = signs
    answers = deltas(own * sd) | {"grad_w_4_5": r4(sg * G45), "update_w_4_5": r4(sw * -G45)}
    r, v = check(grader_of(PROBLEMS / problem), tmp_path, answers)
    for q, status in expected.items():
        assert v[q].status == status, (q, v[q])
    for q in ("grad_w_4_5", "update_w_4_5"):
        if v[q].status == "wrong":
            assert v[q].diagnosis in ("sign", "update_subtracted"), v[q]
    if sd == -1 and v["delta_5"].status == "wrong":
        assert v["delta_5"].diagnosis == "sign" and r.first_error == "delta_5"
    assert r.score == score, [(x.qid, x.status) for x in r.verdicts]


def test_trial_t13_wang_the_other_convention_and_a_sign_slipped_gradient(grader, tmp_path):
    # cls/xors/wang.yaml: δs negated (the other convention, shown by Δw_35 and w_35^new right: Δw_35 = −G35 =
    # 0.1249, w_35^new = 2.1249), and ∂L/∂w_45 = δ_5'·u_4 = 0.1272·0.5 = 0.0636: in that convention
    # ∂L/∂w_45 = −δ_5'·u_4 = −0.0636, so a sign slip, which the δ_5 credited as right cannot carry
    answers = deltas(-1) | {"update_w_3_5": r4(-G35), "new_w_3_5": r4(2 - G35), "grad_w_4_5": r4(-G45)}
    assert (answers["update_w_3_5"], answers["new_w_3_5"], answers["grad_w_4_5"]) == (0.1249, 2.1249, 0.0636)
    r, v = check(grader, tmp_path, answers)
    assert {q: v[q].status for q in deltas(-1)} == dict.fromkeys(deltas(-1), "other_convention")
    g = v["grad_w_4_5"]
    assert g.status == "wrong" and g.diagnosis == "sign" and g.source is None, g
    assert "follows" not in g.message and "other δ convention (δ = −∂L/∂net)" in g.message and "δ_5" in g.message
    assert r.first_error == "grad_w_4_5"
    assert v["update_w_3_5"].status == v["new_w_3_5"].status == "correct"
    assert r.score == 5 and r.max_score > 5


def test_in_the_convention_both_this_problems_rules_on_the_negated_delta_are_wrong(grader, tmp_path):
    # the convention shown by three right values (Δw_35, w_35^new, Δw_05 = −G05 = 0.1272); ∂L/∂w_45 = +δ'u
    # = 0.0636 and Δw_45 = −η δ'u = −0.0636 are this problem's rules on the negated δ_5: in the other
    # convention ∂L/∂w_45 = −δ'u = −0.0636 and Δw_45 = +η δ'u = 0.0636, so each is a sign slip (the
    # solution computes each from δ_5, so neither follows from the other). Before the fix both followed
    # through from the credited δ_5, for full marks.
    answers = deltas(-1) | {"update_w_3_5": r4(-G35), "new_w_3_5": r4(2 - G35), "update_w_0_5": r4(-G05),
                            "grad_w_4_5": r4(-G45), "update_w_4_5": r4(G45)}
    r, v = check(grader, tmp_path, answers)
    assert v["delta_5"].status == "other_convention"
    for q in ("grad_w_4_5", "update_w_4_5"):
        assert v[q].status == "wrong" and v[q].source is None and "follows" not in v[q].message, v[q]
    assert r.score == 6


def test_a_new_weight_from_the_negated_delta_by_this_problems_rules_is_wrong(grader, tmp_path):
    # w_45^new = 4 + (−η·δ_5'·u_4) = 4 − 0.0636 = 3.9364 by this problem's rule on the negated δ; the right
    # one (either convention) is 4 − G45 = 4.0636. With the convention shown by three right values, wrong.
    answers = deltas(-1) | {"update_w_3_5": r4(-G35), "new_w_3_5": r4(2 - G35), "update_w_0_5": r4(-G05),
                            "new_w_4_5": r4(4 + G45)}
    assert answers["new_w_4_5"] == 3.9364
    r, v = check(grader, tmp_path, answers)
    assert v["delta_5"].status == "other_convention"
    assert v["new_w_4_5"].status == "wrong" and v["new_w_4_5"].source is None, v["new_w_4_5"]
    assert r.score == 6


def test_the_appendix_convention_too(grader_of, tmp_path):
    # xor_appendix.yaml: δ = −∂L/∂net, so its δ_5 is −D5 = 0.1272 and Δw = +η δ y. A student in the other
    # convention (δ = ∂L/∂net) writes δ_5 = −0.1272 …, Δw_35 = 0.1249 and w_35^new = 2.1249 (right), and
    # ∂L/∂w_45 = −δ·y_4 = 0.0636, this problem's rule on their δ: the true ∂L/∂w_45 is G45 = −0.0636
    g = grader_of(PROBLEMS / "xor_appendix.yaml")
    answers = deltas(1) | {"update_w_3_5": r4(-G35), "new_w_3_5": r4(2 - G35), "grad_w_4_5": r4(-G45)}
    r, v = check(g, tmp_path, answers)
    assert v["delta_5"].status == "other_convention" and v["delta_5"].expected == pytest.approx(-D5)
    assert v["grad_w_4_5"].status == "wrong" and v["grad_w_4_5"].diagnosis == "sign", v["grad_w_4_5"]
    assert "other δ convention (δ = ∂J/∂net)" in v["grad_w_4_5"].message     # the appendix's other one (loss J)
    assert r.score == 5


# -- item 8: grading a two-part problem without --part ---------------------------------------------------

def _class(tmp_path):
    d = tmp_path / "cls"
    d.mkdir()
    (d / "ola.yaml").write_text("delta_5: 3\n", encoding="utf-8")            # no part named
    (d / "wang.yaml").write_text("u_5: 0.49\n", encoding="utf-8")
    (d / "li.md").write_text("$u_3 = 4$\n", encoding="utf-8")                 # a write-up, no part heading
    return d


def _grade(*args):
    from click.testing import CliRunner

    from symbackprop.cli import main
    return CliRunner().invoke(main, ["grade", *[str(a) for a in args]])


@pytest.mark.parametrize("lang, words", [("en", ["no submission could be graded", "3 of the 3",
                                                 "--part relu or --part sigmoid", "nothing was written"]),
                                         ("zh", ["没有一份提交能批改", "--part relu 或 --part sigmoid"])])
def test_a_two_part_class_without_part_says_what_to_do_and_writes_nothing(tmp_path, lang, words):
    d = _class(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    book, fb, summ = out / "book.csv", out / "fb", out / "summary.md"
    r = _grade(PROBLEMS / "xor.yaml", d, "-o", book, "--feedback", fb, "--summary", summ, "--jobs", "1",
               "--lang", lang)
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)         # no traceback
    hint = [line for line in r.output.splitlines() if "--part relu" in line and words[0] in line]
    assert len(hint) == 1, r.output                                          # one line says it
    for w in words:
        assert w in hint[0], (w, hint[0])
    # the summary lists each submission's reason, and no empty table of items
    assert r.output.count("--part") >= 4 and "|---|" not in r.output and "| part |" not in r.output
    assert ("Nothing was graded" if lang == "en" else "没有批改任何提交") in r.output
    # no gradebook of zeros, no feedback for students with no grade, no summary file
    assert not book.exists() and not summ.exists() and not (fb.exists() and any(fb.iterdir()))


def test_with_part_the_same_class_is_graded(tmp_path):
    d = tmp_path / "cls"
    d.mkdir()
    (d / "ola.yaml").write_text("delta_5: 3\n", encoding="utf-8")
    (d / "bad.yaml").write_bytes(b"\x00\xff junk")                             # unread, but not everyone
    book, fb = tmp_path / "book.csv", tmp_path / "fb"
    r = _grade(PROBLEMS / "xor.yaml", d, "--part", "relu", "-o", book, "--feedback", fb, "--jobs", "1")
    assert r.exit_code == 0, r.output
    assert book.exists() and (fb / "ola.md").exists() and "|---|" in r.output
    assert "no submission could be graded" not in r.output


def test_nothing_graded_for_another_reason_says_so(tmp_path):
    d = tmp_path / "cls"
    d.mkdir()
    (d / "bad.yaml").write_bytes(b"\x00\xff junk")
    book = tmp_path / "book.csv"
    r = _grade(PROBLEMS / "xor.yaml", d, "--part", "relu", "-o", book, "--jobs", "1")
    assert r.exit_code == 2 and not book.exists(), r.output
    line = [x for x in r.output.splitlines() if "no submission could be graded" in x]
    assert len(line) == 1 and "--part" not in line[0] and "1 not graded" in line[0], r.output
    assert "UTF-8" in r.output                                                # the reason, in the summary


def test_the_summary_of_a_class_with_nothing_graded_has_no_table():
    from symbackprop.grade import StudentResult, summary_markdown, summary_text
    from symbackprop.messages import said
    results = [StudentResult("ola", "ola.yaml", error=said("writeup.no_part", source="ola.md", parts="relu, sigmoid"))]
    for text in (summary_markdown(results), summary_text(results, lang="zh")):
        assert "|---|" not in text and "ola" in text
    assert "Nothing was graded" in summary_markdown(results)
