"""Issue 10, last trial (reason4): reasons written with `=`, and `cases` of numbers with named conditions.

2. everything after a reason word (`\\text{ since }`, because, as) is the reason, never chain links: a
   relation there is the reason's comparison (`g'(net_4) = 1 \\text{ since } net_4 = 0`);
3. a `cases` whose every row value is a number is a value with reasons: the row whose condition holds at
   the student's own values (else the true ones) gives the value judged; a cases with names in its
   values stays a rule.
Expected values are worked out here by hand from problems/xor.yaml (x = (1, 0), t = 1, ReLU, g'(0) = 0):
net_3 = 1 + 3 = 4, net_4 = -6 + 6 = 0, u_3 = 4, u_4 = 0, net_5 = -4 + 2*4 + 4*0 = 4, u_5 = 4,
delta_5 = (4 - 1) * 1 = 3, delta_3 = 3 * 2 * 1 = 6, delta_4 = 3 * 4 * 0 = 0.
"""
from __future__ import annotations

import pytest

from symbackprop.answers.latex import cases_rows, split_relations


def _verdicts(grader, tmp_path, name, text):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    reports, _ = grader.check(f, "relu")
    return {v.qid: v for v in reports[0].verdicts}


def _yaml(grader, tmp_path, items: dict[str, str]):
    """An answers file for the relu part, each value a LaTeX string (written as YAML single-quoted)."""
    body = "".join(f"  \"{k}\": '{v}'\n" for k, v in items.items())
    return _verdicts(grader, tmp_path, "a.yaml", "relu:\n" + body)


# -- 2. a reason's own relation -------------------------------------------------------------------------

@pytest.mark.parametrize("text, links", [
    ("g'(net_4) = 1 \\text{ since } net_4 = 0", [("", "g'(net_4)"), ("=", "1 \\text{ since } net_4 = 0")]),
    ("u_3 = 4 \\text{ since } net_3 = 4", [("", "u_3"), ("=", "4 \\text{ since } net_3 = 4")]),
    ("1 \\text{because} net_3 = 4", [("", "1 \\text{because} net_3 = 4")]),
    ("u_3 = 1 + 3 = 4 \\mathrm{as} net_3 \\approx 4", [("", "u_3"), ("=", "1 + 3"), ("=", "4 \\mathrm{as} net_3 \\approx 4")]),
    ("u_3 = 4", [("", "u_3"), ("=", "4")]),                    # no reason: split as before
])
def test_relations_after_a_reason_word_are_the_reasons(text, links):
    assert split_relations(text) == links


@pytest.mark.slow
def test_d5_write_up(grader, tmp_path):
    got = _verdicts(grader, tmp_path, "d5.tex",
                    "ReLU part\n$g'(net_3) = 1 \\text{ since } net_3 = 0$\n$g'(net_4) = 1 \\text{ since } net_4 = 0$\n"
                    "$u_3 = 4 \\text{ since } net_3 = 4$\n")
    assert got["gprime_4"].status == "wrong" and got["gprime_4"].value == 1      # not the reason's 0
    assert "was not read" not in got["gprime_4"].message
    assert got["gprime_3"].status == "wrong"
    assert "the reason `net_3 = 0` is false: net_3 = 4" in got["gprime_3"].message
    assert "was not read" not in got["gprime_3"].message
    assert got["act_3"].status == "correct" and got["act_3"].message == ""


def test_d6_answers_file(grader, tmp_path):
    got = _yaml(grader, tmp_path, {"g'(net_3)": "1 \\text{ since } net_3 = 0", "u_3": "4 \\text{ since } net_3 = 4",
                                   "g'(net_5)": "1 \\text{ since } net_5 \\neq 0"})
    assert got["gprime_3"].status == "wrong"
    assert "the reason `net_3 = 0` is false: net_3 = 4" in got["gprime_3"].message
    assert "not read" not in got["gprime_3"].message
    assert got["act_3"].status == "correct" and got["act_3"].message == ""
    assert got["gprime_5"].status == "correct"


@pytest.mark.parametrize("qid, key, text, status, words", [
    ("gprime_4", "g'(net_4)", "0 \\text{ since } net_4 = 0", "correct", ""),
    ("gprime_4", "g'(net_4)", "0 \\text{since} net_4 \\geq 0", "correct", ""),      # 0 ≥ 0 holds; g'(0) = 0 here
    ("gprime_4", "g'(net_4)", "0 \\text{ as } net_4 \\le 0", "correct", ""),
    ("gprime_3", "g'(net_3)", "1 \\text{ because } net_3 \\geq 0", "correct", ""),
    ("gprime_3", "g'(net_3)", "1 \\text{since} net_3 \\le 0", "wrong", "the reason `net_3 \\le 0` is false: net_3 = 4"),
    ("gprime_3", "g'(net_3)", "1 \\text{ since } net_3 = 4", "correct", ""),
    ("act_4", "u_4", "0 \\text{ since } net_4 = 0", "correct", ""),
    ("act_4", "u_4", "5 \\text{ since } net_4 = 0", "wrong", ""),                # the value, not the reason's 0
    ("act_5", "u_5", "4 \\text{ since } net_5 = 4", "correct", ""),
    ("act_5", "u_5", "4 \\text{ since } net_5 = 3", "wrong", "the reason `net_5 = 3` is false: net_5 = 4"),
    ("act_3", "u_3", "u_3 = 4 \\text{ since } net_3 > 0", "correct", ""),
])
@pytest.mark.slow
def test_reasons_with_relations(grader, tmp_path, qid, key, text, status, words):
    got = _yaml(grader, tmp_path, {key: text})[qid]
    assert got.status == status, got
    assert "not read" not in got.message
    if words:
        assert words in got.message, got.message
    elif status == "correct":
        assert got.message == "", got.message


def test_a_reason_at_the_students_own_value(grader, tmp_path):
    """The reason's names are taken at the student's own values: net_4 = 1 written before makes
    `since net_4 = 1` true for this student (the value is then judged on its own)."""
    got = _yaml(grader, tmp_path, {"net_4": "1", "g'(net_4)": "1 \\text{ since } net_4 = 1"})
    assert "is false" not in got["gprime_4"].message


# -- 3. cases of numbers with named conditions ---------------------------------------------------------

def test_cases_rows_reads_rows_and_conditions():
    rows = cases_rows("\\begin{cases} 4 & \\text{for } net_5 > 0 \\\\ 0 & \\text{otherwise} \\end{cases}")
    assert rows == [("4", ("net_5", ">", "0", "net_5 > 0")), ("0", None)]
    rows = cases_rows("\\begin{cases} 12 & net_4 > 0 \\\\ 0 & net_4 \\leq 0 \\end{cases}")
    assert rows == [("12", ("net_4", ">", "0", "net_4 > 0")), ("0", ("net_4", "<=", "0", "net_4 \\leq 0"))]
    assert cases_rows("3 \\cdot \\begin{cases} 1 & x > 0 \\end{cases}") is None     # not the whole link


def test_d1_cases(grader, tmp_path):
    got = _yaml(grader, tmp_path, {
        "u_3": "\\begin{cases} net_3 & net_3 > 0 \\\\ 0 & \\text{otherwise} \\end{cases}",
        "u_5": "\\begin{cases} 4 & \\text{for } net_5 > 0 \\\\ 0 & \\text{otherwise} \\end{cases}",
        "delta_4": "\\begin{cases} 12 & net_4 > 0 \\\\ 0 & net_4 \\leq 0 \\end{cases}",
        "delta_3": "\\begin{cases} 6 & net_3 < 0 \\\\ 0 & \\text{otherwise} \\end{cases}",
    })
    assert got["act_5"].status == "correct" and "rule" not in got["act_5"].message
    assert got["delta_4"].status == "correct"
    assert got["delta_3"].status == "wrong" and got["delta_3"].value == 0        # the otherwise row: 0, not 6
    assert got["act_3"].status == "wrong"          # a name in a row value: still a rule (no value given)


@pytest.mark.parametrize("qid, key, text, status, value", [
    ("act_4", "u_4", "\\begin{cases} 0 & net_4 \\leq 0 \\\\ 7 & net_4 > 0 \\end{cases}", "correct", 0),
    ("act_4", "u_4", "\\begin{cases} 7 & net_4 \\geq 0 \\\\ 0 & \\text{otherwise} \\end{cases}", "wrong", 7),
    ("gprime_3", "g'(net_3)", "\\begin{cases} 1 & net_3 > 3 \\\\ 0 & \\text{else} \\end{cases}", "correct", 1),
    ("delta_3", "delta_3", "\\begin{cases} \\frac{12}{2} & net_3 > 0 \\\\ 0 & \\text{otherwise} \\end{cases}",
     "correct", 6),
    ("delta_3", "delta_3", "\\begin{cases} 6 & net_3 = 4 \\\\ 0 & net_3 \\neq 4 \\end{cases}", "correct", 6),
])
def test_cases_of_numbers(grader, tmp_path, qid, key, text, status, value):
    got = _yaml(grader, tmp_path, {key: text})[qid]
    assert got.status == status, got
    assert got.value == pytest.approx(value)


def test_cases_row_chosen_at_the_students_own_value(grader, tmp_path):
    """The student wrote net_4 = 2: the row for net_4 > 0 is theirs, and u_4 = 2 follows from it."""
    got = _yaml(grader, tmp_path, {"net_4": "2", "u_4": "\\begin{cases} 2 & net_4 > 0 \\\\ 0 & \\text{otherwise} \\end{cases}"})
    assert got["act_4"].value == 2
    assert got["act_4"].status in ("follow_through", "correct"), got["act_4"]
    assert got["net_4"].status == "wrong"


def test_cases_where_no_row_holds_is_wrong(grader, tmp_path):
    got = _yaml(grader, tmp_path, {"u_4": "\\begin{cases} 0 & net_4 < 0 \\\\ 6 & net_4 > 0 \\end{cases}"})["act_4"]
    assert got.status == "wrong"
    assert "no case holds" in got.message and "net_4 = 0" in got.message


def test_cases_with_names_in_values_stays_a_rule(grader, tmp_path):
    got = _yaml(grader, tmp_path, {"u_4": "\\begin{cases} net_4 & net_4 > 0 \\\\ 0 & \\text{otherwise} \\end{cases}"})
    assert got["act_4"].status != "correct"
    assert any(lk.kind == "rule" for lk in got["act_4"].links)


def test_cases_that_is_the_quantitys_own_rule_stays_a_rule(grader, tmp_path):
    """g'(net_4) written as ReLU's derivative itself (its definition, nothing evaluated) is the rule, as
    the worked solution writes it: it earns nothing on its own (tests/test_fairness.py)."""
    got = _yaml(grader, tmp_path, {"g'(net_4)": "\\begin{cases} 1 & \\text{if } net_4 > 0 \\\\ 0 & \\text{if } net_4 \\le 0 \\end{cases}"})
    assert got["gprime_4"].status == "wrong" and got["gprime_4"].credit == 0
    assert any(lk.kind == "rule" and lk.ok for lk in got["gprime_4"].links)
