"""Grading defects a user trial found after issue 11 (tests/data/trial11 holds the trial's small files).

Expected values are the trial's, checked by hand: p1_softmax (δ = ∂L/∂net) has δ_5 = 0.4777,
δ_6 = −0.6062, δ_7 = 0.1285, u_3 = 0.3775, η = 0.5, Δw_35 = −η δ_5 u_3 = −0.0902; p4_elu has
net_3 = 0.1 + 1 − 2 = −0.9, u_3 = e^−0.9 − 1 = −0.5934, g'(net_3) = u_3 + 1 = 0.4066; p2_bce_batch's
net_5 of sample 1 is −0.1·1 + 0.3·1 + 0.3·0 − 0.2·1 = 0 exactly.
"""
import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.answers import check_submission
from symbackprop.answers.expr import evaluate
from symbackprop.answers.latex import AnswerError
from symbackprop.cli import main

DATA = Path(__file__).parent / "data" / "trial11"
P1, P2, P3, P4 = (DATA / f for f in ("p1_softmax.yaml", "p2_bce_batch.yaml", "p3_regress.yaml", "p4_elu.yaml"))
XOR = Path(__file__).parent.parent / "problems" / "xor.yaml"


@pytest.fixture()
def check(grader_of):
    return lambda *args, **kw: _check(grader_of, *args, **kw)


def _check(grader_of, problem, answers: dict | str, tmp_path, part=None, name="a.yaml"):
    """The verdicts of one answers file (a mapping written as JSON, or a write-up's text), by id, from the
    session's grader of the problem (conftest.grader_of: the verdicts of the file checked alone)."""
    path = tmp_path / name
    path.write_text(json.dumps(answers) if isinstance(answers, dict) else answers, encoding="utf-8")
    reports, problems = grader_of(problem).check(path, part)
    assert problems == [], problems
    return reports[0], {v.qid: v for v in reports[0].verdicts}


NEGATED = {"delta_5": "-0.4777", "delta_6": "0.6062", "delta_7": "-0.1285",
           "update_w_3_5": "-0.0902", "update_w_3_6": "0.1144", "update_w_3_7": "-0.0243"}


# -- 1. the other δ convention, with its general rules --------------------------------------------------
def test_trial_b5_other_convention_with_its_output_rule_is_recognised(check, tmp_path):
    import yaml
    answers = yaml.safe_load((DATA / "b5.yaml").read_text(encoding="utf-8"))
    rep, v = check(P1, answers, tmp_path)
    for q in ("delta_5", "delta_6", "delta_7"):
        assert v[q].status == "other_convention" and v[q].full_marks, v[q]
        assert "others do not" not in v[q].message
    for q in ("update_w_3_5", "update_w_3_6", "update_w_3_7"):
        assert v[q].status == "correct", v[q]
    rule = v["delta_output"]
    assert rule.status == "other_convention" and rule.credit == 1.0 and rule.diagnosis == "other_convention", rule
    assert "other convention" in rule.message
    assert any("every δ has the opposite sign" in n for n in rep.notes)


@pytest.mark.parametrize("rid, text", [
    ("update_output_weight", "\\eta \\delta_k u_j"),                # Δw = +ηδy: the other convention's update
    ("grad_output_weight", "-\\delta_k u_j"),                      # ∂L/∂w = −δy in the other convention
    ("delta_output", "(t_k - u_k)"),
])
def test_other_convention_rules_are_right_rules_beside_negated_deltas(check, tmp_path, rid, text):
    rep, v = check(P1, {**NEGATED, rid: text}, tmp_path)
    assert all(v[q].status == "other_convention" for q in ("delta_5", "delta_6", "delta_7")), v
    assert v[rid].credit == 1.0 and v[rid].status in ("correct", "other_convention"), v[rid]


def test_a_rule_of_this_convention_beside_negated_deltas_makes_them_slips_with_a_true_reason(check, tmp_path):
    answers = {"delta_5": "-0.4777", "delta_6": "0.6062", "delta_7": "-0.1285", "delta_output": "u_k - t_k"}
    rep, v = check(P1, answers, tmp_path)
    assert v["delta_output"].status == "correct"
    for q in ("delta_5", "delta_6", "delta_7"):
        assert v[q].status == "wrong" and "others do not" not in v[q].message, v[q]
    assert "your rule for the output δ has this problem's sign" in v["delta_5"].message


def test_the_output_rule_alone_with_the_opposite_sign_earns_nothing(check, tmp_path):
    rep, v = check(P1, {"delta_output": "t_k - u_k"}, tmp_path)
    assert v["delta_output"].status == "wrong" and v["delta_output"].diagnosis == "rule"
    assert "opposite sign" in v["delta_output"].message


def test_a_hidden_rule_with_the_opposite_sign_is_no_convention(check, tmp_path):
    # δ_j = g'(net_j) Σ_k w_jk δ_k holds in both conventions: its negative is wrong in either
    rep, v = check(P1, {**NEGATED, "delta_hidden": "-g'(net_j)\\sum_k w_{jk}\\delta_k"}, tmp_path)
    assert v["delta_hidden"].status == "wrong" and v["delta_hidden"].diagnosis == "rule"
    assert all(v[q].status == "other_convention" for q in ("delta_5", "delta_6", "delta_7"))


# -- 2. the tool's own worked solution reads back as right (a name after a cases row break) ---------------
def solve_fragment(problem: Path, tmp_path, fmt: str = "latex") -> Path:
    extra = ["--fragment"] if fmt == "latex" else []
    r = CliRunner().invoke(main, ["solve", str(problem), "--format", fmt, *extra], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    out = tmp_path / f"rt_{problem.stem}.{'tex' if fmt == 'latex' else 'md'}"
    out.write_text(r.output, encoding="utf-8")
    return out


# every graph file of problems/, and the trial t10's graphs with matrices, kinks, multi-letter names
# (tests/data/gread11), and an unrolled RNN whose nodes are named with digits (tests/data/gcheck12)
GRAPHS = sorted(p for p in (XOR.parent).glob("*.yaml") if "\nmodel: graph" in "\n" + p.read_text(encoding="utf-8")) + \
    [Path(__file__).parent / "data" / "gread11" / f for f in ("quad.yaml", "lin.yaml", "kink.yaml",
                                                            "cs231n_staged.yaml")] + \
    [Path(__file__).parent / "data" / "gcheck12" / "rnn.yaml"]       # session 12: nodes h_{2}, a_{2} in the links


def test_every_graph_file_of_problems_is_read_back():
    assert {p.name for p in GRAPHS} >= {"circuit.yaml", "quadratic.yaml", "sigmoid_gates.yaml", "kink.yaml", "rnn.yaml"}


@pytest.mark.slow
@pytest.mark.parametrize("problem, fmt", [(P4, "latex"), (P3, "latex")] +
                         [(g, fmt) for g in GRAPHS for fmt in ("latex", "markdown")],
                         ids=lambda v: v.stem if isinstance(v, Path) else v)
def test_the_tools_own_latex_reads_back_entirely_right(problem, fmt, tmp_path, parser):
    """`solve F -o s.tex; check F s.tex` (and .md): full marks, every item read, no working judged wrong;
    a graph's links too, none left unjudged (session 13: a dot product of two vectors is a scalar's working)."""
    tex = solve_fragment(problem, tmp_path, fmt)
    if problem in GRAPHS:
        from symbackprop.answers.graph_answers import check_graph_answers
        from symbackprop.graph import load_graph, solve_graph
        reports, problems = check_graph_answers(solve_graph(load_graph(problem)), tex, parser=parser)
    else:
        reports, problems = check_submission(problem, tex)
    assert problems == []
    for rep in reports:
        bad = [(v.qid, v.status, v.message) for v in rep.verdicts if not v.full_marks or "not read" in v.message
               or v.message.startswith("the value is right but")
               or any(not lk.ok for lk in v.links)]      # session 13: no link unjudged (v · h is judged)
        assert not bad, bad
        assert rep.score == rep.max_score and not rep.missing


def test_a_name_right_after_a_cases_row_break_is_read(check, tmp_path):
    line = ("$g'(net_3) = \\begin{cases} 1 & \\text{for}\\: net_3 > 0 \\\\u_3 + 1 & \\text{otherwise} "
            "\\end{cases} = 0.4066$\n")
    rep, v = check(P4, line, tmp_path, name="a.md")
    assert v["gprime_3"].status == "correct" and not any(not lk.ok for lk in v["gprime_3"].links), v["gprime_3"]
    wrong = line.replace("\\\\u_3 + 1", "\\\\u_3 + 2").replace("0.4066", "1.4066")
    rep, v = check(P4, wrong, tmp_path, name="b.md")
    assert v["gprime_3"].status == "wrong"


# -- 3. a sum of written numbers whose exact value is 0 ------------------------------------------------------
def test_a_sum_of_decimals_that_is_exactly_zero_is_read(check, tmp_path):
    text = "$net_5^{(1)} = (-0.1) \\times 1 + 0.3 \\times 1 + 0.3 \\times 0 + (-0.2) \\times 1 = 0$\n"
    rep, v = check(P2, text, tmp_path, name="a.md")
    assert v["net_5@1"].status == "correct" and "not read" not in v["net_5@1"].message, v["net_5@1"]
    assert [lk.ok for lk in v["net_5@1"].links if lk.kind == "numbers"] == [True]


@pytest.mark.parametrize("node, value", [
    (("add", [("num", "0.1"), ("num", "0.2"), ("num", "-0.3")]), 0),
    (("add", [("num", "0.3"), ("num", "-0.3"), ("pow", ("num", "10"), ("num", "-50"))]), 10.0 ** -50),
    (("add", [("mul", [("num", "-0.1"), ("num", "1")]), ("mul", [("num", "0.3"), ("num", "1")]),
              ("mul", [("num", "0.3"), ("num", "0")]), ("mul", [("num", "-0.2"), ("num", "1")])]), 0),
])
def test_exact_sums_of_written_numbers(node, value):
    assert float(evaluate(node, {})) == value


def test_a_sum_that_cancels_beyond_the_evaluated_digits_is_still_refused():
    big = ("pow", ("num", "10"), ("num", "100"))
    node = ("add", [("add", [("num", "4.5"), big]), ("mul", [("num", "-1"), big])])
    with pytest.raises(AnswerError, match="cancel"):
        evaluate(node, {})
    with pytest.raises(AnswerError, match="cancel"):        # a quantity in the sum: no exact value to take
        evaluate(("add", [("sym", "Q_1"), ("num", "4.5"), ("mul", [("num", "-1"), big])]), {"Q_1": 10**100})


# -- 4. the expected column shows the specialised short form ------------------------------------------------
# p3_regress (three parts, two hidden layers: the costliest grader to build) is the slow tier's, in this file
@pytest.mark.parametrize("problem, part, text, shown", [
    (P2, None, "t_k - z_k", "δ_k = t_k - z_k"),                 # sigmoid + BCE
    pytest.param(P3, "base", "u_k - t_k", "δ_k = u_k - t_k", marks=pytest.mark.slow),   # identity + ½SE
])
def test_expected_column_shows_the_short_specialised_rule(check, tmp_path, problem, part, text, shown):
    rep, v = check(problem, {"delta_output": text} if part is None else {part: {"delta_output": text}}, tmp_path,
                   part=part)
    assert v["delta_output"].expected_text == shown and v["delta_output"].status == "correct"


def test_expected_column_keeps_the_general_rule_where_it_is_shorter(check, tmp_path):
    rep, v = check(XOR, {"sigmoid": {"delta_output": "(u_k - z_k) g'(net_k)"}}, tmp_path, part="sigmoid")
    assert v["delta_output"].expected_text == "δ_k = g'(net_k)·(u_k - z_k)" and v["delta_output"].status == "correct"


# -- 5. one max per problem -----------------------------------------------------------------------------------
def test_rules_answered_do_not_change_a_students_max(check, tmp_path):
    rep_plain, _ = check(P1, {"delta_5": "0.4777"}, tmp_path, name="a.yaml")
    rep_rules, v = check(P1, {"delta_5": "0.4777", "delta_output": "u_k - t_k",
                              "delta_hidden": "g'(net_j)\\sum_k w_{jk}\\delta_k"}, tmp_path, name="b.yaml")
    assert rep_plain.max_score == rep_rules.max_score == 63
    assert rep_rules.score == rep_plain.score == 1
    assert v["delta_output"].status == "correct" and v["delta_output"].points == 0


def test_a_rubric_that_lists_a_rule_counts_it_for_every_student_of_one_grader(tmp_path, grader_of, parser):
    """As below, with one Grader of the rubric (as `grade` makes) on the session's solution of P1."""
    from symbackprop.answers import Grader, load_rubric
    from symbackprop.rubric import Rubric
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text("grading:\n  items: {delta_5: 1, delta_output: 2}\n", encoding="utf-8")
    shared = grader_of(P1)
    grader = Grader(shared.problem, load_rubric(rubric, shared.problem.grading or Rubric()), parser=parser,
                    warm=False, solution=shared.solution)
    for name, answers, score in (("a.yaml", {"delta_5": "0.4777"}, 1), ("b.yaml", {"delta_output": "u_k - t_k"}, 2)):
        path = tmp_path / name
        path.write_text(json.dumps(answers), encoding="utf-8")
        reports, _ = grader.check(path)
        assert (reports[0].score, reports[0].max_score) == (score, 3)


@pytest.mark.slow      # check_submission builds a grader per student (fast: the test above, one grader)
def test_a_rubric_that_lists_a_rule_counts_it_for_every_student(tmp_path):
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text("grading:\n  items: {delta_5: 1, delta_output: 2}\n", encoding="utf-8")
    for name, answers, score in (("a.yaml", {"delta_5": "0.4777"}, 1), ("b.yaml", {"delta_output": "u_k - t_k"}, 2)):
        path = tmp_path / name
        path.write_text(json.dumps(answers), encoding="utf-8")
        reports, _ = check_submission(P1, path, rubric=rubric)
        assert (reports[0].score, reports[0].max_score) == (score, 3)


@pytest.mark.slow
def test_grade_gives_every_student_the_same_max(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    students = {"alice": {"delta_5": "0.4777", "delta_output": "u_k - t_k",
                          "delta_hidden": "g'(net_j)\\sum_k w_{jk}\\delta_k"},
                "bob": {"delta_5": "0.4777", "delta_output": "t_k - u_k"},
                "carol": {"delta_5": "0.4777"}}
    for name, answers in students.items():
        (folder / f"{name}.yaml").write_text(json.dumps(answers), encoding="utf-8")
    book, gs, summary = tmp_path / "gb.csv", tmp_path / "gs", tmp_path / "summary.md"
    r = CliRunner().invoke(main, ["grade", str(P1), str(folder), "-o", str(book), "--gradescope", str(gs),
                                  "--summary", str(summary), "--jobs", "1"], catch_exceptions=False)
    assert r.exit_code in (0, 1), r.output
    rows = list(csv.DictReader(book.open(encoding="utf-8")))
    assert {row["max"] for row in rows} == {"63"}
    for name in students:
        result = json.loads((gs / f"{name}.json").read_text(encoding="utf-8"))
        assert sum(t["max_score"] for t in result["tests"]) == 63, name
    assert "/ 63" in summary.read_text(encoding="utf-8")


# -- 6. g written for g' in a general rule ----------------------------------------------------------------------
@pytest.mark.parametrize("problem, part, rid, text", [
    (P1, None, "update_hidden_weight", "-\\eta x_i g(net_j) \\sum_k \\delta_k w_{jk}"),   # the trial's
    pytest.param(P3, "base", "delta_hidden", "g(net_j) \\sum_k \\delta_k w_{jk}", marks=pytest.mark.slow),
    pytest.param(P3, "base", "delta_output", "(u_k - t_k) g(net_k)", marks=pytest.mark.slow),
    (XOR, "sigmoid", "update_output_weight", "-\\eta (u_k - z_k) g(net_k) u_j"),
])
def test_g_for_gprime_in_a_rule_is_read_and_diagnosed(check, tmp_path, problem, part, rid, text):
    rep, v = check(problem, {rid: text} if part is None else {part: {rid: text}}, tmp_path, part=part)
    assert v[rid].status == "wrong" and v[rid].diagnosis == "g_not_gprime", v[rid]
    assert "used where g'(net_" in v[rid].message


def test_g_in_a_right_sigmoid_rule_is_right(check, tmp_path):
    # σ'(net) = g(net)(1 − g(net)): a rule written with g itself, rightly
    rep, v = check(XOR, {"sigmoid": {"delta_hidden": "g(net_j)(1 - g(net_j)) \\sum_k w_{jk}\\delta_k"}}, tmp_path,
                   part="sigmoid")
    assert v["delta_hidden"].status == "correct", v["delta_hidden"]


# p3_regress: slow tier; a plain "rule" diagnosis stays fast in
# test_the_output_rule_alone_with_the_opposite_sign_earns_nothing
@pytest.mark.slow
def test_g_that_is_no_slip_is_plainly_wrong(check, tmp_path):
    rep, v = check(P3, {"base": {"delta_hidden": "g(net_j) w_{jk}"}}, tmp_path, part="base")
    assert v["delta_hidden"].status == "wrong" and v["delta_hidden"].diagnosis == "rule"


# -- 7. "give A, not B": B is always what the student wrote -------------------------------------------------------
def test_give_a_not_b_always_has_the_students_value_as_b(check, tmp_path):
    answers = {"update_w_3_5": "-\\eta \\delta_5 u_3 = -0.5 \\times 0.4777 \\times 0.5 = -0.1194",   # numbers wrong
               "update_w_3_6": "-0.5 \\times (-0.6062) \\times 0.3775 = 0.1154"}                      # arithmetic
    rep, v = check(P1, answers, tmp_path)
    numbers = v["update_w_3_5"].message
    assert "the substituted numbers give -0.1194" in numbers and "the right value is -0.0902" in numbers
    assert ", not -0.0902" not in numbers
    assert "the numbers give 0.1144, not 0.1154" in v["update_w_3_6"].message
