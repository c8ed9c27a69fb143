"""Numbers students write that were misread or crashed the checker (issue 10, a student's trial):
each is read to its value or refused as unreadable with a hint, never an internal error and never
another number. Expected values are the exercise's, by hand: ReLU L = 9/2, Δw_35 = −12; sigmoid
u_3 = σ(4) = 0.982014, u_5 = 0.491008.
"""
import json
import random

import pytest




def judge_many(grader, tmp_path, part, qid, texts):
    """Each text as the answer to `qid`, one answers file each: the verdicts, in order."""
    out = []
    for n, text in enumerate(texts):
        path = tmp_path / f"a{n}.json"
        path.write_text(json.dumps({part: {qid: text}}), encoding="utf-8")
        reports, problems = grader.check(path, part)
        assert problems == []
        out.append(next(v for v in reports[0].verdicts if v.qid == qid))
    return out


# -- 1. a number beyond a float inside an expression: out of range, never a crash ----------------------
HUGE_INSIDE = ["4.5e400/1e400", "\\frac{4.5 \\times 10^{400}}{10^{400}}", "4.5 \\times 10^{400} \\times 10^{-400}",
               "\\frac{4.5\\times10^{310}}{10^{310}}", "4.5 + 10^{400} - 10^{400}", "(4.5e305 + 1)/1e305",
               "\\frac{9 \\times 10^{301}}{2 \\times 10^{301}}", "-10^{400} + 10^{400} + 4.5"]


@pytest.mark.slow
def test_a_huge_number_inside_an_expression_is_out_of_range(grader, tmp_path):
    for text, v in zip(HUGE_INSIDE, judge_many(grader, tmp_path, "relu", "loss", HUGE_INSIDE)):
        assert v.status == "unreadable" and v.message.startswith("out of range") and "too large" in v.message, \
            (text, v.status, v.message)
        assert v.value is None and v.credit == 0


def test_a_huge_rounded_decimal_inside_an_expression_is_out_of_range(grader, tmp_path):
    texts = ["\\frac{0.9820\\times10^{400}}{10^{400}}", "0.98201e350 \\cdot 10^{-350}"]
    for text, v in zip(texts, judge_many(grader, tmp_path, "sigmoid", "act_3", texts)):
        assert v.status == "unreadable" and v.message.startswith("out of range"), (text, v.status, v.message)


def test_sums_that_cancel_beyond_the_evaluated_digits_are_refused_not_zero(grader, tmp_path):
    # 4.5 + 10^{100} - 10^{100} is 4.5; a 40-digit evaluation of (4.5 + 10^{100}) - 10^{100} gives 0
    texts = ["(4.5 + 10^{100}) - 10^{100}", "4.5 + 10^{100} - 10^{100}"]
    verdicts = judge_many(grader, tmp_path, "relu", "loss", texts)
    assert verdicts[0].status == "unreadable" and "cancel" in verdicts[0].message, verdicts[0]
    assert verdicts[1].status in ("correct", "unreadable") and verdicts[1].value in (4.5, None)


def test_in_range_expressions_with_big_numbers_still_read(grader, tmp_path):
    texts = ["\\frac{4.5 \\times 10^{200}}{10^{200}}", "4.5e299/1e299", "-6 + 6 + 4.5"]
    for text, v in zip(texts, judge_many(grader, tmp_path, "relu", "loss", texts)):
        assert v.status == "correct", (text, v.status, v.message)


@pytest.mark.slow
def test_random_huge_spellings_never_give_an_internal_error(grader, tmp_path):
    rng = random.Random(10)
    mantissas = ["4.5", "0.9820", "1", "9", "-4.5", "1.5"]
    forms = ["{m}e{k}", "{m}e{k}/1e{j}", "{m} \\times 10^{{{k}}}", "\\frac{{{m} \\times 10^{{{k}}}}}{{10^{{{j}}}}}",
             "{m} \\times 10^{{{k}}} \\times 10^{{{j}}}", "{m} + 10^{{{k}}} - 10^{{{j}}}", "{m}E{k} \\cdot {m}E{j}",
             "({m} \\times 10^{{{k}}})^2", "\\sqrt{{{m}e{k}}}"]
    texts = []
    for _ in range(60):
        k, j = rng.choice([308, 309, 310, 400, 999, -308, -400, -999, 300, 301]), rng.choice([308, 310, 400, 999, -400])
        texts.append(rng.choice(forms).format(m=rng.choice(mantissas), k=k, j=j))
    allowed = {"correct", "imprecise", "rounding", "wrong", "unreadable", "slip"}
    for text, v in zip(texts, judge_many(grader, tmp_path, "relu", "loss", texts)):
        assert v.status in allowed, (text, v)
        assert v.value is None or abs(v.value) < 1e301, (text, v)


# -- 2. spellings with more than one reading: unreadable, with the readings ------------------------------
# (part, quantity, typed, words the message must hold)
MISREADS = [
    ("relu", "update_w_3_5", "1.525.225", "did you mean 1525225"),
    ("relu", "update_w_3_5", "-1.525.225", "did you mean 1525225"),
    ("sigmoid", "act_3", "0.98.20", "did you mean 0.9820"),
    ("sigmoid", "act_3", "0.9.820", "did you mean 0.9820"),
    ("relu", "loss", "4.5.0", "did you mean 4.50"),
    ("relu", "loss", "1.000.000", "did you mean 1000000"),
    ("relu", "loss", "762'612.5", "did you mean 762612.5"),
    ("relu", "loss", "-1'525.225", "did you mean 1525.225"),
    ("relu", "loss", "1'000'000", "did you mean 1000000"),
    ("relu", "loss", "4'5", "did you mean 45 or 4.5"),
    ("relu", "loss", "45'", "did you mean 45"),
    ("relu", "loss", "4.5'", "did you mean 4.5"),
    ("relu", "loss", "4·5", "did you mean 4.5 or 4 \\cdot 5"),
    ("relu", "update_w_3_5", "-12·0", "did you mean 12.0 or 12 \\cdot 0"),
    ("relu", "update_w_3_5", "-1\\mathbf{2}", "did you mean -12"),
    ("relu", "update_w_3_5", "\\mathbf{-1}\\mathbf{2}", "did you mean -12"),
    ("relu", "update_w_3_5", "-1\\text{2}", "did you mean -12"),
    ("relu", "loss", "762.612,5", "did you mean 762612.5"),
    ("relu", "update_w_3_5", "-1.525,225", "did you mean -1525.225"),
    ("relu", "loss", "1.235,0", "did you mean 1235.0"),
    ("relu", "loss", "\\frac{1}{2}(1 - 4)^2 = 4.5.0", "did you mean 4.50"),
]


@pytest.mark.parametrize("part, qid, text, words", MISREADS, ids=[m[2] for m in MISREADS])
def test_a_number_with_two_readings_is_unreadable_with_a_hint(grader, tmp_path, part, qid, text, words):
    (v,) = judge_many(grader, tmp_path, part, qid, [text])
    assert v.status == "unreadable" and v.value is None and v.credit == 0, (text, v.status, v.message)
    assert words in v.message, v.message


# read as before: a prime after a name, a middle dot with spaces or U+22C5, an ellipsis, a sentence's full stop
STILL_READ = [
    ("relu", "delta_5", "3 · 1", "correct"), ("relu", "delta_5", "3⋅1", "correct"), ("relu", "delta_5", "3∙1", "correct"),
    ("relu", "delta_5", "3×1", "correct"), ("relu", "loss", "4.5.", "correct"),
    ("sigmoid", "act_3", "0.98201...", "correct"),
    ("sigmoid", "gprime_5", "g'(net_5) = 0.2499", "correct"),
    ("sigmoid", "gprime_5", "u_5(1 - u_5) = 0.2499", "correct"),
    ("relu", "update_w_3_5", "-12", "correct"), ("relu", "update_w_3_5", "\\mathbf{-12}", "correct"),
    ("relu", "loss", "4{,}5", "correct"), ("relu", "loss", "1,000.5", "wrong"),
]


@pytest.mark.parametrize("part, qid, text, status", STILL_READ, ids=[m[2] for m in STILL_READ])
def test_spellings_with_one_reading_are_still_read(grader, tmp_path, part, qid, text, status):
    (v,) = judge_many(grader, tmp_path, part, qid, [text])
    assert v.status == status, (text, v.status, v.message)
