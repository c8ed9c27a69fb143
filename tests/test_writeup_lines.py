"""Issue 10: write-up lines outside math delimiters, align rows with \\approx, bare function names
(tanh(0.6), ln(0.5)), and a chain whose middle link cannot be read.

Expected values are those of `symbackprop solve problems/xor.yaml --format json` (sigmoid part):
net_3 = 4, u_3 ≈ 0.9820, u_4 = 0.5, net_5 ≈ -0.0360, u_5 ≈ 0.4910, L ≈ 0.1295, g'(net_5) ≈ 0.2499,
δ_5 ≈ -0.1272, δ_4 ≈ -0.1272, δ_3 ≈ -0.0045, w_35^new ≈ 2.1249; for the tanh problem below, by hand:
net_4 = 0.1 + 0.5 = 0.6, y_4 = tanh(0.6) ≈ 0.5370, y_5 ≈ 0.5079, J = -ln(0.5079) ≈ 0.6775.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.answers import Grader, OverLimit, Rubric
from symbackprop.answers.read import read_submission
from symbackprop.cli import main
from symbackprop.problem import load_problem

ROOT = Path(__file__).resolve().parent.parent
XOR = ROOT / "problems" / "xor.yaml"
C, W, U = "correct", "wrong", "unreadable"

TANH = """\
title: tanh hidden layer, sigmoid output, cross-entropy
network:
  inputs: [1, 2]
  bias: 0
  layers: [[3, 4], [5]]
  activation: [tanh, sigmoid]
weights:
  0: {3: 0.2, 4: 0.1, 5: -0.207}
  1: {3: 0.3, 4: 0.5}
  2: {3: -0.4, 4: 0.7}
  3: {5: 0.4}
  4: {5: 0.1}
sample: {x: {1: 1, 2: 0}, t: {5: 1}}
loss: binary_cross_entropy
learning_rate: 0.5
notation: {weight: to_from, delta: minus_dJ_dnet, activation_symbol: y, target_symbol: t}
"""


@pytest.fixture(scope="module")
def xor_grader(grader):
    return grader                     # conftest's: the session's solution of xor.yaml, this module's verdicts


@pytest.fixture(scope="module")
def tanh_grader(tmp_path_factory):
    f = tmp_path_factory.mktemp("tanh") / "tanh.yaml"
    f.write_text(TANH, encoding="utf-8")
    g = Grader(load_problem(f), Rubric())
    yield g
    g.close()


def _check(grader, tmp_path, name, text, part="sigmoid"):
    f = tmp_path / name
    f.write_text(textwrap.dedent(text), encoding="utf-8")
    reports, problems = grader.check(f, part)
    return {v.qid: v for v in reports[0].verdicts}, problems


# -- 1. plain lines ------------------------------------------------------------------------------------
IME_LINES = """\
# Sigmoid 部分

ｎｅｔ＿３ ＝ １×１＋３×１＋４×０ ＝ ４
所以 net_5 ＝ －4＋2×0.9820＋4×0.5 ＝ －0.0360
u_5 ≈ 0.4910
δ_4 ＝ －0.1272×4×0.25 ＝ －0.1272
δ_3 约为 －0.0045
w_{35}^{new} ＝ 2＋0.1249 ＝ 2.1249
"""


def test_the_teachers_ime_lines_are_all_read_on_their_lines(xor_grader, tmp_path):
    got, problems = _check(xor_grader, tmp_path, "ime.md", IME_LINES)
    assert problems == []
    assert {q: (v.status, v.line) for q, v in got.items()} == {
        "net_3": (C, 3), "net_5": (C, 4), "act_5": (C, 5), "delta_4": (C, 6), "delta_3": (C, 7),
        "new_w_3_5": (C, 8)}


@pytest.mark.parametrize("suffix", [".md", ".txt", ".tex"])
def test_labels_and_connectives_before_a_plain_equation(xor_grader, tmp_path, suffix):
    text = """\
    Solution for the sigmoid part.

    So u_3 = 0.9820
    - u_4 = 0.5
    1. L = 0.1295.
    (a) g'(net_5) = 0.2499
    Thus, δ_5 ＝ －0.1272
    解：net_4 ＝ 0
    * net_3 = 5
    Answer: w_{35}^{new} = 2.5
    """
    got, problems = _check(xor_grader, tmp_path, "w" + suffix, text)
    assert problems == []
    assert {q: (v.status, v.line) for q, v in got.items()} == {
        "act_3": (C, 3), "act_4": (C, 4), "loss": (C, 5), "gprime_5": (C, 6), "delta_5": (C, 7),
        "net_4": (C, 8), "net_3": (W, 9), "new_w_3_5": (W, 10)}


def test_prose_that_holds_an_equals_sign_is_not_read(xor_grader, tmp_path):
    text = """\
    The output u_5 = 0.1 is what we found first.
    L = the loss of the network
    where u_3 = g(net_3) is the output of unit 3
    x = 5 and y = 6
    u_3 = 0.9820
    """
    got, problems = _check(xor_grader, tmp_path, "p.md", text)
    assert problems == [] and {q: (v.status, v.line) for q, v in got.items()} == {"act_3": (C, 5)}


def test_a_line_with_math_is_read_once(xor_grader, tmp_path):
    f = tmp_path / "m.md"
    f.write_text("Sigmoid\n\nu_3 = 0.9 and so $u_3 = 0.9820$\n$u_4 = 0.5$ u_4 = 0.7\n", encoding="utf-8")
    sub = read_submission(f, xor_grader.problem, xor_grader.solution, "sigmoid")
    assert [(a.qid, a.text, a.line) for a in sub.answers["sigmoid"]] == [("act_3", "0.9820", 3), ("act_4", "0.5", 4)]


def test_a_file_of_one_plain_line_is_checked(tmp_path):
    f = tmp_path / "one.md"
    f.write_text("u_5 ＝ 0.4910\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(XOR), str(f), "--part", "sigmoid"])
    assert r.exit_code == 0, r.output
    assert "u_5" in r.output and "correct" in r.output and "inside $" not in r.output


def test_a_plain_line_names_its_part(xor_grader, tmp_path):
    text = "ReLU: u_3 = 4\nSigmoid: u_3 = 0.9820\n"
    f = tmp_path / "parts.md"
    f.write_text(text, encoding="utf-8")
    sub = read_submission(f, xor_grader.problem, xor_grader.solution)
    assert [(a.qid, a.text) for a in sub.answers["relu"]] == [("act_3", "4")]
    assert [(a.qid, a.text) for a in sub.answers["sigmoid"]] == [("act_3", "0.9820")]


# -- 2. align rows with \approx ---------------------------------------------------------------------------
@pytest.mark.parametrize("rel", [r"&\approx", r"& \approx", "&≈", "& ≈"])
def test_an_align_row_with_approx_is_read(xor_grader, tmp_path, rel):
    text = f"\\begin{{align*}}\nu_3 &= 0.9820 \\\\\nu_5 {rel} 0.4910\n\\end{{align*}}\n"
    got, problems = _check(xor_grader, tmp_path, "a.tex", text)
    assert problems == [] and {q: (v.status, v.line) for q, v in got.items()} == {"act_3": (C, 2), "act_5": (C, 3)}


def test_align_on_one_line_and_approx_continuations(xor_grader, tmp_path):
    text = r"""
    \begin{align*} u_3 &= 0.9820 \\ u_5 &\approx 0.4910 \end{align*}
    \begin{align*}
    L &= \frac{1}{2}(1 - 0.4910)^2 \\
      & \approx 0.1295 \\
    \delta_5 &\approx 0.2499 \times (0.4910 - 1) \\
      &≈ -0.1272
    \end{align*}
    """
    got, problems = _check(xor_grader, tmp_path, "b.tex", text)
    assert problems == []
    assert {q: (v.status, v.line) for q, v in got.items()} == {
        "act_3": (C, 2), "act_5": (C, 2), "loss": (C, 4), "delta_5": (C, 6)}
    assert len(got["loss"].links) == 2 and len(got["delta_5"].links) == 2     # numbers and value, both read


def test_an_approx_row_keeps_its_numbers(xor_grader, tmp_path):
    text = "\\begin{align*}\nL &\\approx \\frac{1}{2}(1 - 0.4910)^2 \\\\\n  &\\approx 0.1395\n\\end{align*}\n"
    got, _ = _check(xor_grader, tmp_path, "c.tex", text)
    assert got["loss"].status == W and got["loss"].diagnosis == "arithmetic"


# -- 3. function names without a backslash ----------------------------------------------------------------
@pytest.mark.slow
def test_bare_tanh_and_ln_are_the_functions(tanh_grader, tmp_path):
    text = """\
    $y_4 ＝ tanh(0.6) ≈ ０．５３７０$
    $J ＝ －ln(0.5079) ≈ 0.6775$
    $net_4 = 0.1 + 0.5 = 0.6$
    $y_3 = Tanh(0.5) = 0.4621$
    """
    got, problems = _check(tanh_grader, tmp_path, "t.md", text, None)
    assert problems == []
    assert {q: v.status for q, v in got.items()} == {"act_4": C, "loss": C, "net_4": C, "act_3": C}
    assert all(not v.message for v in got.values())


@pytest.mark.parametrize("answer, status", [
    (r"tanh(0.6)", C), (r"tanh\left(0.6\right) \approx 0.5370", C), (r"tanh (0.6) = 0.5370", C),
    (r"tanh(0.6) \approx 0.4621", W), (r"\frac{e^{0.6} - exp(-0.6)}{exp(0.6) + exp(-0.6)}", C),
    (r"sinh(0.6) / cosh(0.6) = 0.5370", C), (r"sqrt(0.2884) \approx 0.5370", C),
])
@pytest.mark.slow
def test_bare_function_spellings(tanh_grader, tmp_path, answer, status):
    f = tmp_path / "a.json"
    f.write_text('{"y_4": %s}' % __import__("json").dumps(answer), encoding="utf-8")
    reports, _ = tanh_grader.check(f)
    (v,) = reports[0].verdicts
    assert v.status == status, (answer, v.message)


@pytest.mark.parametrize("answer, status", [
    ("sigmoid(4) = 0.9820", C), ("sigma(4) \\approx 0.9820", C), ("max(0.9820, 0)", C),
    ("exp(0) - 0.0180", C), ("\\frac{1}{1 + exp(-4)}", C), ("ln(2.67)", W), ("log(2.6698)", C),
])
@pytest.mark.slow
def test_bare_functions_on_xor(xor_grader, tmp_path, answer, status):
    f = tmp_path / "a.yaml"
    f.write_text(f"u_3: '{answer}'\n", encoding="utf-8")
    reports, _ = xor_grader.check(f, "sigmoid")
    (v,) = reports[0].verdicts
    assert v.status == status, (answer, v.message)


def test_words_and_names_are_not_taken_for_functions(xor_grader, tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("relu:\n  u_3: 'relu(net_3) = relu(4) = 4'\n  u_4: 'ReLU(0) = 0'\n", encoding="utf-8")
    reports, _ = xor_grader.check(f, "relu")
    assert {v.qid: v.status for v in reports[0].verdicts} == {"act_3": C, "act_4": C}


@pytest.mark.parametrize("answer, word, hint", [
    ("tanh 0.6", "tanh", "\\tanh"), ("-ln 0.5079", "ln", "\\ln"), ("arctan(3)", "arctan", None),
])
@pytest.mark.slow
def test_an_unknown_word_is_named(tanh_grader, tmp_path, answer, word, hint):
    f = tmp_path / "a.yaml"
    f.write_text(f"J: '{answer}'\n", encoding="utf-8")
    reports, _ = tanh_grader.check(f)
    (v,) = reports[0].verdicts
    assert v.status == U and f"`{word}`" in v.message and "·".join(word) in v.message, v.message
    assert "unknown symbol" not in v.message
    if hint:
        assert f"write {hint}" in v.message


# -- 4. a chain whose middle link cannot be read ------------------------------------------------------------
@pytest.mark.parametrize("answer, status, note", [
    (r"\frac{1}{1+e^{-4}} = 1 / (1 + tanh 4) \approx 0.9820", C, "1 / (1 + tanh 4)"),
    (r"g(net_3) = arctan(3) = 0.9820", C, "arctan(3)"),
    (r"\frac{1}{1+e^{-4}} = 4½ = 0.9820", C, "4½"),
    (r"w_{99} = 0.9820", C, "w_{99}"),
    (r"\frac{1}{1+e^{-4}} = foo bar = 0.5", W, "foo bar"),
])
def test_an_unread_middle_link_is_noted_and_the_value_graded(xor_grader, tmp_path, answer, status, note):
    f = tmp_path / "a.json"
    f.write_text(__import__("json").dumps({"sigmoid": {"u_3": answer}}, ensure_ascii=False), encoding="utf-8")
    reports, _ = xor_grader.check(f, "sigmoid")
    (v,) = reports[0].verdicts
    assert v.status == status and v.diagnosis != "working", v
    assert f"the link `{note}` was not read" in v.message
    assert [lk.kind for lk in v.links if not lk.ok][-1:] == ["unread"] or status == W
    if status == C:
        assert v.credit == 1.0


def test_a_chain_whose_last_link_cannot_be_read_stays_unreadable(xor_grader, tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("sigmoid:\n  u_3: '\\frac{1}{1+e^{-4}} = 0.9820 = foo'\n  u_4: 'tanh 0.6 = bar'\n", encoding="utf-8")
    reports, _ = xor_grader.check(f, "sigmoid")
    got = {v.qid: v for v in reports[0].verdicts}
    assert got["act_3"].status == U and "`foo`" in got["act_3"].message and got["act_3"].credit == 0
    assert got["act_4"].status == U


def test_a_slip_elsewhere_in_the_chain_still_counts(xor_grader, tmp_path):
    """The unread link is not judged; a wrong link that was read still is."""
    f = tmp_path / "a.yaml"
    f.write_text("sigmoid:\n  u_3: '\\frac{1}{1+e^{-3}} = foo bar = 0.9820'\n", encoding="utf-8")
    reports, _ = xor_grader.check(f, "sigmoid")
    (v,) = reports[0].verdicts
    assert v.status == "slip" and v.diagnosis == "working" and "was not read" in v.message


def test_an_unread_link_in_a_writeup(xor_grader, tmp_path):
    got, _ = _check(xor_grader, tmp_path, "w.md", "$u_3 = g(4) = sigma of 4 = 0.9820$\n")
    assert got["act_3"].status == C and "was not read" in got["act_3"].message


@pytest.mark.slow
def test_an_unread_link_that_spends_the_budget_makes_the_submission_over_the_limit(tmp_path, monkeypatch):
    """A middle link whose parse uses up the submission's time is not passed over: over the limit."""
    from symbackprop.answers import meter
    monkeypatch.setattr(meter.time, "process_time", lambda: 0.0)
    g = Grader(load_problem(XOR), Rubric())
    try:
        ask = g.parser._ask
        slow = "x^{2} + 7"

        def fake(text):
            if text.strip() == slow:
                return ("error", "too complex to read: more than 3 s of computing time", 6.0, False)
            r = ask(text)
            return (r[0], r[1], 0.0, r[3])
        monkeypatch.setattr(g.parser, "_ask", fake)
        monkeypatch.setattr(g.parser, "prefetch", lambda *a, **k: 0)
        f = tmp_path / "a.yaml"
        f.write_text(f"sigmoid:\n  u_3: '\\frac{{1}}{{1+e^{{-4}}}} = {slow} = 0.9820'\n  u_4: '0.5'\n",
                     encoding="utf-8")
        with pytest.raises(OverLimit, match="computing time"):
            g.check(f, "sigmoid")
        # within the budget, the same time-out is a link not read; that verdict is not remembered
        monkeypatch.setattr(g.parser, "_ask", lambda text: ("error", "too complex to read", 1.0, False)
                            if text.strip() == slow else (lambda r: (r[0], r[1], 0.0, r[3]))(ask(text)))
        reports, _ = g.check(f, "sigmoid")
        v = {v.qid: v for v in reports[0].verdicts}["act_3"]
        assert v.status == C and "was not read: too complex" in v.message
        assert not any(k[0] == "act_3" for k in g.checkers["sigmoid"].right)
    finally:
        g.close()


def test_no_value_and_rules_are_unchanged(xor_grader, tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("sigmoid:\n  u_3: 'g(net_3) = foo bar'\n  u_4: 'u_4'\n", encoding="utf-8")
    reports, _ = xor_grader.check(f, "sigmoid")
    got = {v.qid: v for v in reports[0].verdicts}
    assert got["act_3"].status == U                   # nothing but a rule and an unread link: no value to grade
    assert got["act_4"].diagnosis == "no_value" and got["act_4"].credit == 0


@pytest.mark.slow
def test_grade_of_a_class_is_the_check_of_each_file(tmp_path):
    """Fairness (issue 9) with unread links: each file graded as when checked alone."""
    from symbackprop import grade
    subs = tmp_path / "subs"
    subs.mkdir()
    texts = {"a": "u_3 = 1/(1 + tanh 4) = 0.9820\n", "b": "$u_3 = foo = 0.9820$\n", "c": "u_3 = foo = 0.98\n",
             "d": "u_3 = 0.9820\n"}
    for name, text in texts.items():
        (subs / f"{name}.md").write_text(text, encoding="utf-8")
    alone = {}
    for name in texts:
        r = CliRunner().invoke(main, ["check", str(XOR), str(subs / f"{name}.md"), "--part", "sigmoid",
                                      "--format", "json"])
        assert r.exit_code in (0, 1), r.output
        alone[name] = __import__("json").loads(r.output)["parts"][0]["score"]
    book = tmp_path / "book.csv"
    r = CliRunner().invoke(main, ["grade", str(XOR), str(subs), "--part", "sigmoid", "-o", str(book), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    import csv
    rows = {row["student"]: row for row in csv.DictReader(book.open(encoding="utf-8"))}
    assert {k: float(rows[k]["total"]) for k in texts} == alone == {"a": 1.0, "b": 1.0, "c": 0.5, "d": 1.0}
    assert grade is not None


@pytest.mark.parametrize("answer, words", [
    ("\\frac{1}{2}(1 - 0.4910)^2 = e^{1000} = 0.1295", "too large"),     # read, but no number: not passed over
    ("\\frac{1}{2}(1 - 0.4910)^2 = 10^{-400} = 0.1295", "too small"),
    ("4½", "did you mean 4.5"),                                        # one link: its own reason
    ("0.1295。L", "decimal point"),
])
def test_what_is_not_passed_over(xor_grader, tmp_path, answer, words):
    f = tmp_path / "a.json"
    f.write_text(__import__("json").dumps({"sigmoid": {"L": answer}}, ensure_ascii=False), encoding="utf-8")
    reports, _ = xor_grader.check(f, "sigmoid")
    (v,) = reports[0].verdicts
    assert v.status == U and words in v.message and "was not read" not in v.message, v.message
