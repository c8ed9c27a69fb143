"""`symbackprop check`: answers and write-ups against the lecture's exercise.

Expected values are worked out here by hand or with `math` (a second code path); each wrong
submission is made by applying one mistake to that hand computation.
"""
import json
import math
import os
import re
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner
from conftest import DATA, PROBLEMS

from symbackprop import yamlfile
from symbackprop.answers import Grader, Parser, Rubric
from symbackprop.cli import main
from symbackprop.problem import load_problem, parse_problem

XOR = PROBLEMS / "xor.yaml"


def sig(v):
    return 1 / (1 + math.exp(-v))


# The sigmoid part by hand: net_3 = 4, net_4 = 0, net_5 = 2u_3 + 4u_4 − 4.
U3, U4 = sig(4), sig(0)
NET5 = 2 * U3 + 4 * U4 - 4
U5 = sig(NET5)
GP5, GP3, GP4 = U5 * (1 - U5), U3 * (1 - U3), U4 * (1 - U4)
D5 = -(1 - U5) * GP5
D3, D4 = D5 * 2 * GP3, D5 * 4 * GP4


def check(grader, tmp_path, part, answers, name="a.yaml"):
    f = tmp_path / name
    f.write_text(json.dumps({part: answers}) if name.endswith(".json") else
                 "\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in {part: answers}.items()) + "\n")
    reports, problems = grader.check(f, part)
    return reports[0], problems


def verdict(report, qid):
    return next(v for v in report.verdicts if v.qid == qid)


@pytest.mark.slow
def test_correct_answers_pass(tmp_path):
    result = CliRunner().invoke(main, ["check", str(XOR), str(DATA / "answers" / "xor_correct.yaml")])
    assert result.exit_code == 0, result.output
    assert "WRONG" not in result.output and "Left out:" in result.output


@pytest.mark.slow
def test_friendly_names_and_ids_map_to_the_same_items(grader, tmp_path):
    report, problems = check(grader, tmp_path, "relu", {"u_3": 4, "\\delta_5": 3, "\\Delta w_{13}": -6,
                                                        "w_{35}^{new}": -10, "net_{4}": 0, "act_5": 4})
    assert problems == []
    assert {v.qid for v in report.verdicts} == {"act_3", "delta_5", "update_w_1_3", "new_w_3_5", "net_4", "act_5"}
    assert all(v.status == "correct" for v in report.verdicts)
    assert "delta_3" in report.missing


@pytest.mark.parametrize("answers, qid, code", [
    ({"delta_5": -D5, "delta_3": -D3, "delta_4": -D4}, "delta_5", "other_convention"),
    ({"update_w_1_3": round(D3, 4)}, "update_w_1_3", "sign"),                      # −η δ_3 x_1 with the sign lost
    ({"loss": round((1 - U5) ** 2, 4), "delta_5": round(2 * D5, 4)}, "delta_5", "half_missing"),
    ({"delta_5": round(-(1 - U5) * U5, 4)}, "delta_5", "g_not_gprime"),           # g(net_5) for g'(net_5)
    ({"delta_3": round(D5 * 2 * GP4, 4)}, "delta_3", "wrong_unit"),                # g'(net_4) where g'(net_3) belongs
    ({"delta_3": round(D5 * 2 * sig(4), 4)}, "delta_3", "g_not_gprime"),
])
def test_each_diagnosis_in_the_sigmoid_part(grader, tmp_path, answers, qid, code):
    report, _ = check(grader, tmp_path, "sigmoid", answers)
    v = verdict(report, qid)
    assert v.diagnosis == code, (v.status, v.diagnosis, v.message)
    assert v.message


@pytest.mark.parametrize("answers, qid, code", [
    ({"delta_4": 12}, "delta_4", "relu_g0"),                  # δ_5 w_45 g'(0) with g'(0) = 1: 3·4·1
    ({"gprime_4": 1}, "gprime_4", "relu_g0"),
    ({"update_w_0_5": 0}, "update_w_0_5", "bias_zero"),       # −η δ_5 x_0 with x_0 = 0
    ({"net_3": 3}, "net_3", "bias_zero"),                     # 1·3 + 0·4 without the bias weight's input
    ({"new_w_3_5": 2}, "new_w_3_5", "old_weight"),
    ({"delta_3": -30}, "delta_3", "updated_weight"),          # δ_5 · w_35^new · g'(net_3) = 3 · (−10) · 1
])
def test_each_diagnosis_in_the_relu_part(grader, tmp_path, answers, qid, code):
    report, _ = check(grader, tmp_path, "relu", answers)
    v = verdict(report, qid)
    assert v.diagnosis == code, (v.status, v.diagnosis, v.message)


@pytest.mark.slow
def test_eta_left_out(tmp_path):
    text = XOR.read_text(encoding="utf-8").replace("learning_rate: 1", "learning_rate: 0.5")
    assert "learning_rate: 0.5" in text
    problem = parse_problem(text, str(tmp_path / "xor_half.yaml"))
    g = Grader(problem, Rubric())
    try:
        report, _ = check(g, tmp_path, "relu", {"update_w_3_5": -12})   # −δ_5 u_3, η = 0.5 forgotten
        assert verdict(report, "update_w_3_5").diagnosis == "eta_missing"
    finally:
        g.close()


def test_the_other_convention_used_consistently_is_said_once_with_credit(grader, tmp_path):
    report, _ = check(grader, tmp_path, "sigmoid", {"delta_5": round(-D5, 4), "delta_3": round(-D3, 4),
                                                     "delta_4": round(-D4, 4), "update_w_3_5": round(-D5 * U3, 4)})
    assert [v.status for v in report.verdicts if v.qid.startswith("delta")] == ["other_convention"] * 3
    assert verdict(report, "update_w_3_5").status == "correct"
    assert any("consistently" in n for n in report.notes)
    assert report.score == 4


def test_follow_through_credit_names_the_first_error(grader, tmp_path):
    # δ_5 = 5 instead of 3; everything after it is computed correctly from the 5
    report, _ = check(grader, tmp_path, "relu", {"u_3": 4, "delta_5": 5, "update_w_3_5": -20, "delta_3": 10,
                                                  "update_w_1_3": -10})
    assert verdict(report, "delta_5").status == "wrong"
    for q in ("update_w_3_5", "delta_3", "update_w_1_3"):
        v = verdict(report, q)
        assert v.status == "follow_through" and "δ_5" in v.message, (q, v)
    assert report.first_error == "delta_5"
    assert report.score == 1 + 3          # u_3, and full follow-through credit for three items


@pytest.mark.parametrize("given, status", [
    (0.98201, "correct"), ("0.9820", "correct"), ("0.98201379", "correct"),
    (0.9821, "rounding"),        # 0.98201 to 4 places is 0.9820
    (0.98, "imprecise"), (0.982, "correct"),     # 0.982 is 0.9820 with its trailing zero left out (issue 13)
    (0.97, "wrong"),
])
def test_rounding_aware_comparison(grader, tmp_path, given, status):
    report, _ = check(grader, tmp_path, "sigmoid", {"u_3": given})
    assert verdict(report, "act_3").status == status


def test_a_tolerance_near_zero_is_absolute(grader, tmp_path):
    # Δw_23 = −η δ_3 x_2 = 0 exactly: 1e-9 is zero for a student, though infinitely far relatively
    report, _ = check(grader, tmp_path, "sigmoid", {"update_w_2_3": 1e-9})
    assert verdict(report, "update_w_2_3").status == "correct"


def test_latex_answers_are_rounding_aware(grader, tmp_path):
    report, _ = check(grader, tmp_path, "sigmoid", {
        "delta_5": "-(1-0.491)\\times 0.2499",
        "act_5": "\\frac{1}{1+e^{0.036}}",
        "loss": "\\frac{1}{2}(1 - 0.4910)^2",
        "update_w_3_5": "1.249e-1",
        "gprime_5": "u_5 (1 - u_5) = 0.491 (1 - 0.491)",     # a bare rule is no value (test_fairness.py)
    })
    assert {v.qid: v.status for v in report.verdicts} == {q: "correct" for q in
                                                         ("delta_5", "act_5", "loss", "update_w_3_5", "gprime_5")}


def test_a_chain_is_checked_link_by_link(grader, tmp_path):
    report, _ = check(grader, tmp_path, "relu", {
        "delta_4": "\\delta_5 \\cdot w_{45} \\cdot g'(net_5) = 3 \\times 4 \\times 0 = 0",   # the lecture's slip
        "update_w_3_5": "-\\eta \\cdot \\delta_5 \\cdot u_3 = -1 \\times 3 \\times 4 = -13",
    })
    d4 = verdict(report, "delta_4")
    assert d4.status == "slip" and "g'(net_5) used where g'(net_4) belongs" in d4.message
    w = verdict(report, "update_w_3_5")
    assert w.diagnosis == "arithmetic" and "the numbers give -12" in w.message


@pytest.mark.parametrize("text, words", [
    ("\\frac{1}{0}", "division by zero"),
    ("10^{10^{10}}", "too large"),
    ("2^{2^{2^{2^{2^{2^{2}}}}}}", "too large"),
    ("{" * 10000 + "1" + "}" * 10000, "too long"),
    ("{" * 60 + "1" + "}" * 60, "nested too deeply"),
    ("__import__('os').system('touch HACKED')", "expected"),
    ("\x00\x01\x02", "control characters"),
    ("u_9", "u_9 is not a quantity"),
])
@pytest.mark.slow
def test_hostile_answers_get_a_verdict_quickly_and_nothing_runs(tmp_path, text, words):
    """Run as a user runs it, in a process of its own: a hang fails the test at the hard timeout
    (120 s, a guard, not a speed requirement; the answer's work is bounded by answers/meter.py)."""
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"relu": {"u_3": text}}), encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", "from symbackprop.cli import run; run()", "check", str(XOR),
                             str(answers), "--part", "relu", "--format", "json"],
                            cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 1, result.stderr
    items = {i["id"]: i for i in json.loads(result.stdout)["parts"][0]["items"]}
    assert items["act_3"]["status"] == "unreadable" and words in items["act_3"]["message"], items["act_3"]
    assert not (tmp_path / "HACKED").exists()


@pytest.mark.slow
def test_one_students_answers_never_change_how_anothers_are_read(tmp_path):
    problem = load_problem(XOR)
    b = {"loss": "\\frac{1}{2}(z_1-u_5)^2", "u_3": "g(net_3)", "delta_5": "x"}
    alone = Grader(problem, Rubric(), parser=Parser())
    try:
        fresh, _ = check(alone, tmp_path, "relu", b)
    finally:
        alone.close()
    shared = Grader(problem, Rubric(), parser=Parser())
    try:
        check(shared, tmp_path, "relu", {"loss": "x = 4", "u_3": "\\variable{x} = 5", "delta_5": "z_1 = 7"})
        after, _ = check(shared, tmp_path, "relu", b)
    finally:
        shared.close()
    assert [(v.qid, v.status, v.message) for v in after.verdicts] == \
        [(v.qid, v.status, v.message) for v in fresh.verdicts]
    assert verdict(after, "delta_5").status == "unreadable"     # x is no quantity, whatever came before


@pytest.mark.slow
def test_the_lectures_printed_solution_has_its_slips_found():
    """The printed solution (tests/data/lecture_solution.md, copied from the lecture) has slips."""
    result = CliRunner().invoke(main, ["check", str(XOR), str(DATA / "lecture_solution.md"), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    parts = {p["part"]: {i["id"]: i for i in p["items"]} for p in data["parts"]}
    relu, sigmoid = parts["relu"], parts["sigmoid"]
    # ReLU: δ_4 = δ_5·w_45·g'(net_5): the derivative at the wrong unit (the value 0 is right)
    assert relu["delta_4"]["status"] == "slip" and "g'(net_5) used where g'(net_4)" in relu["delta_4"]["message"]
    assert [i["id"] for i in relu.values() if i["status"] not in ("correct",)] == ["delta_4"]
    # sigmoid: 1/(1+e^{-0.04}) for u_5 (sign slip in the substitution), −(1 − 0.491) × 0.2499 is −0.1272,
    # not −0.1275, and Δw_13 = −1 × (−0.0045) × 1 is +0.0045
    assert "sign slip in the substituted numbers" in sigmoid["act_5"]["message"]
    assert sigmoid["delta_5"]["diagnosis"] == "arithmetic"
    assert sigmoid["update_w_1_3"]["diagnosis"] == "sign"
    assert sigmoid["update_w_0_5"]["status"] == "follow_through"          # from the student's δ_5 = −0.1275
    assert sigmoid["net_5"]["status"] == "imprecise"                      # −0.04: two places where four are asked


def test_part_option_reads_that_part_of_a_writeup():
    result = CliRunner().invoke(main, ["check", str(XOR), str(DATA / "lecture_solution.md"), "--part", "relu"])
    assert result.exit_code == 1
    assert "Part relu" in result.output and "Part sigmoid" not in result.output


@pytest.mark.slow
def test_require_all_and_exit_codes(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("relu: {u_3: 4}\nsigmoid: {u_3: 0.9820}\n")
    assert CliRunner().invoke(main, ["check", str(XOR), str(f)]).exit_code == 0
    result = CliRunner().invoke(main, ["check", str(XOR), str(f), "--require-all"])
    assert result.exit_code == 1 and "Left out:" in result.output


@pytest.mark.parametrize("content, words", [
    (b"\x00\x01binary junk\xff", "UTF-8"),
    (b"- just\n- a list\n", "expected a mapping"),
    (b"cubic: {u_3: 4}\n", "this problem has parts relu, sigmoid"),
])
@pytest.mark.slow
def test_bad_answer_files_exit_2_with_one_line(tmp_path, content, words):
    f = tmp_path / "a.yaml"
    f.write_bytes(content)
    result = CliRunner().invoke(main, ["check", str(XOR), str(f)])
    assert result.exit_code == 2, result.output
    assert words in result.output and len(result.output.strip().splitlines()) == 1


@pytest.mark.slow
def test_a_50_mb_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    f = tmp_path / "big.yaml"
    with open(f, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    read = []                                       # the bytes read from the 50 MB file, read by read

    class Counting:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.fh.__exit__(*exc)

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def read(self, n=-1):
            data = self.fh.read(n)
            if os.fstat(self.fh.fileno()).st_size == 50 * 1024 * 1024:
                read.append(len(data))
            return data

    fdopen = yamlfile.os.fdopen
    monkeypatch.setattr(yamlfile.os, "fdopen", lambda *a, **k: Counting(fdopen(*a, **k)))
    result = CliRunner().invoke(main, ["check", str(XOR), str(f)])
    assert result.exit_code == 2 and "larger than" in result.output and "answers file" in result.output
    limit = int(re.search(r"larger than (\d+) bytes", result.output).group(1))
    assert limit < 50 * 1024 * 1024 and read and sum(read) <= limit + 1, read   # up to the limit, no further


@pytest.mark.slow
def test_grading_section_sets_points_and_tolerance(tmp_path):
    text = XOR.read_text(encoding="utf-8") + textwrap.dedent("""\
        grading:
          items: {act_3: 1, loss: 2, delta_5: 3}
          tolerance: {relative: 0.01}
        """)
    f = tmp_path / "p.yaml"
    f.write_text(text, encoding="utf-8")
    a = tmp_path / "a.yaml"
    a.write_text("sigmoid: {u_3: 0.985, loss: 0.1295}\nrelu: {u_3: 4, loss: 4.5, delta_5: 3}\n")
    data = json.loads(CliRunner().invoke(main, ["check", str(f), str(a), "--format", "json"]).output)
    parts = {p["part"]: p for p in data["parts"]}
    assert parts["relu"]["score"] == 6 and parts["relu"]["max_score"] == 6
    assert parts["sigmoid"]["score"] == 3 and parts["sigmoid"]["missing"] == ["delta_5"]   # 0.985 within 1 %


@pytest.mark.parametrize("part, rid, text, ok", [
    ("sigmoid", "delta_hidden", "g'(net_j)\\sum_k w_{jk}\\delta_k", True),
    ("sigmoid", "delta_hidden", "\\sum_{k=1}^{c} w_{jk} \\delta_k \\cdot g'(\\mathrm{net}_j)", True),
    ("sigmoid", "delta_hidden", "u_j (1 - u_j) \\sum_k \\delta_k w_{jk}", True),          # σ' = σ(1 − σ)
    ("sigmoid", "delta_output", "\\delta_k = -(z_k - u_k) g'(net_k)", True),
    ("sigmoid", "delta_output", "(u_k - z_k) u_k (1 - u_k)", True),
    ("sigmoid", "update_output_weight", "-\\eta \\delta_k u_j", True),
    ("sigmoid", "update_output_weight", "-\\eta (u_k - z_k) g'(net_k) u_j", True),
    ("sigmoid", "grad_hidden_weight", "\\delta_j x_i", True),
    ("sigmoid", "grad_output_weight", "\\delta_k u_k", False),                            # u_j, not u_k
    ("sigmoid", "update_hidden_weight", "\\eta \\delta_j x_i", False),                    # in-class: −η δ_j x_i
    ("sigmoid", "delta_hidden", "g'(net_k)\\sum_k w_{jk}\\delta_k", False),
    ("relu", "delta_output", "u_k - z_k", False),                                        # the step(net_k) left out
])
@pytest.mark.slow
def test_general_rules_as_answers(grader, tmp_path, part, rid, text, ok):
    report, problems = check(grader, tmp_path, part, {rid: text})
    assert problems == []
    v = verdict(report, rid)
    assert (v.status == "correct") == ok, (v.status, v.message)


def test_a_rule_with_the_other_sign_is_named(grader, tmp_path):
    report, _ = check(grader, tmp_path, "sigmoid", {"update_hidden_weight": "\\eta \\delta_j x_i"})
    assert "opposite sign" in verdict(report, "update_hidden_weight").message


def test_a_rule_with_an_unknown_index_is_unreadable(grader, tmp_path):
    report, _ = check(grader, tmp_path, "sigmoid", {"delta_hidden": "g'(net_j)\\sum_m w_{jm}\\delta_m"})
    v = verdict(report, "delta_hidden")
    assert v.status == "unreadable" and "use k for an output unit" in v.message


def test_what_latex2sympy2_gets_wrong_is_read_right(grader, tmp_path):
    report, _ = check(grader, tmp_path, "relu", {
        "\\delta^{(2)}_5": "3",                                       # a layer superscript
        "\\text{net}_3": "1 \\cdot 3 + 0 \\cdot 4 + 1",                 # \text{net}, \cdot
        "u_5": "\\max\\{4, 0\\}",                                      # the lecture's max{x, 0}
        "\\Delta w_{35}": "-1.2e1",                                   # e-notation
        "loss": "\\frac{1}{2}(z_1 - u_5)^{T}(z_1 - u_5) = 4.5",        # ^T of a scalar (a bare rule is no value)
        "g'(\\mathrm{net}_5)": "1",
    })
    assert {v.qid: v.status for v in report.verdicts} == {
        "delta_5": "correct", "net_3": "correct", "act_5": "correct", "update_w_3_5": "correct", "loss": "correct",
        "gprime_5": "correct"}


def test_a_value_the_students_own_rounded_values_reproduce_is_right(grader, tmp_path):
    # u_3 = 0.98 is right only to two places (imprecise); net_5 = 0.98·2 + 0.5·4 − 4 = −0.04 then follows
    # exactly from the student's own rounded value, so it is not marked again
    report, _ = check(grader, tmp_path, "sigmoid", {"u_3": 0.98, "u_4": 0.5, "net_5": -0.04})
    assert verdict(report, "act_3").status == "imprecise"
    v = verdict(report, "net_5")
    assert v.status == "correct" and "rounded" in v.message


def test_a_submission_has_a_parsing_time_budget():
    from symbackprop.answers import AnswerError
    with Parser() as parser:
        parser.new_submission(0.0)
        with pytest.raises(AnswerError, match="used up its parsing time"):
            parser.parse("1 + 2")
        parser.new_submission()                       # the next submission starts afresh
        assert parser.parse("1 + 2")[0] == "add"


@pytest.mark.parametrize("path", [PROBLEMS / f"{n}.yaml" for n in ("xor", "xor_appendix", "deep", "classifier",
                                                                     "minibatch")], ids=lambda p: p.stem)
@pytest.mark.slow
def test_the_tools_own_worked_solution_checks_as_right(path, tmp_path):
    """Every line of the LaTeX worked solution, read back as a student's write-up, is right: the
    printer and the reader agree on every rule, substitution and value (step, cases, ln, J^(n)…)."""
    tex = tmp_path / "solution.tex"
    assert CliRunner().invoke(main, ["solve", str(path), "--format", "latex", "--fragment", "-o", str(tex)]).exit_code == 0
    result = CliRunner().invoke(main, ["check", str(path), str(tex), "--format", "json"])
    data = json.loads(result.output)
    wrong = [(p["part"], i["id"], i["status"], i["message"]) for p in data["parts"] for i in p["items"]
             if i["status"] != "correct"]
    assert wrong == [] and result.exit_code == 0
    assert all(p["missing"] == [] for p in data["parts"])           # every quantity was read


def test_reports_show_themselves_in_a_notebook(grader, tmp_path):
    report, _ = check(grader, tmp_path, "relu", {"u_3": 4, "delta_5": 5})
    md = report._repr_markdown_()
    assert "| item | given | expected | verdict | diagnosis |" in md and "| $\\delta_5$ | `5` | 3 | WRONG |" in md
