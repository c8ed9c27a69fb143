"""Formatting noise around a number and exponent/number notations (issue 10, the reader): each spelling a
teacher reads at once is read to its value in every path (answers file, JSON, write-up line, chain), or
refused with a hint naming the likely reading — never silently another number.

Expected values are computed here by hand (`math`), never by the reader: for problems/xor.yaml, part
sigmoid, net_3 = 4, u_3 = σ(4), u_4 = 0.5, net_5 = -4 + 2σ(4) + 4·0.5, δ_5 = (u_5 - 1)u_5(1 - u_5), and the
problem asks for 4 decimal places.
"""
import json
import math

import pytest
import yaml

from symbackprop.answers.ahead import answer_texts
from symbackprop.answers.checker import Answer
from symbackprop.answers.expr import evaluate
from symbackprop.answers.latex import AnswerError, normalize
from symbackprop.answers.names import NameTable


def sig(v):
    return 1 / (1 + math.exp(-v))


U3 = sig(4)                              # 0.98201…
NET5 = -4 + 2 * U3 + 4 * 0.5             # -0.035972…
U5 = sig(NET5)                           # 0.49100…
GP5 = U5 * (1 - U5)                      # 0.24991…
DELTA5 = (U5 - 1) * GP5                  # -0.12720…
LOSS = 0.5 * (1 - U5) ** 2               # 0.12953…
NEW_W05 = -4 - DELTA5                    # -3.87279…


def _verdict(grader, tmp_path, qid, text, suffix=".yaml"):
    f = tmp_path / f"a{suffix}"
    if suffix == ".json":
        f.write_text(json.dumps({qid: text}), encoding="utf-8")
    else:
        f.write_text(yaml.safe_dump({qid: text}, allow_unicode=True), encoding="utf-8")
    reports, problems = grader.check(f, "sigmoid")
    found = [v for v in reports[0].verdicts if v.qid == qid]
    assert found, (text, problems)
    return found[0]


# (qid, text, status, value the verdict holds) — the brief's samples first, then more of the same classes
READ = [
    # exponents without braces: a single signed integer after ^ or ** is the exponent
    ("act_3", r"9.820\times10^-1", "correct", 0.982),
    ("act_3", r"9.8\times10^-1", "imprecise", 0.98),           # 2 places: 0.98 (0.982 is 0.9820, right: issue 13)
    ("act_3", "9.820 x10^-1", "correct", 0.982),
    ("act_3", "9.8 x10^-1", "imprecise", 0.98),
    ("act_3", "9.820*10**-1", "correct", 0.982),
    ("act_3", "9.8*10**-1", "imprecise", 0.98),
    ("act_3", "9.820 X 10^-1", "correct", 0.982),
    ("act_3", r"9.820\cdot10^-1", "correct", 0.982),
    ("act_3", "9.820·10^-1", "correct", 0.982),                   # a middle dot before 10^ is a product
    ("act_3", r"98.20\times10^ -2", "correct", 0.982),
    ("update_w_0_3", r"4.5\times10^-3", "correct", 0.0045),
    ("update_w_0_3", r"45\times10^-4", "correct", 0.0045),
    ("act_3", "1/(1+e^-4)", "correct", U3),
    ("act_3", r"\frac{1}{1+e^-4}", "correct", U3),
    ("act_3", "(1+e^-4)^-1", "correct", U3),
    ("act_3", "(1+e^{-4})**-1", "correct", U3),
    ("act_3", "e^-2", "wrong", math.exp(-2)),                    # read as e^{-2}, which is no u_3
    ("act_4", "2^-1", "correct", 0.5),
    # an ellipsis after the digits: "and more digits", the value cut short there
    ("act_3", r"0.9820\ldots", "correct", 0.982),
    ("act_3", r"0.9820\dots", "correct", 0.982),
    ("act_3", r"0.9820\cdots", "correct", 0.982),
    ("act_3", "0.9820…", "correct", 0.982),
    ("act_3", "0.98201...", "correct", 0.98201),
    ("net_5", r"-0.0359\ldots", "correct", -0.036),               # -0.035972… cut short at 4 places
    ("net_5", "-0.0359…", "correct", -0.036),
    ("net_5", "-0.0359", "rounding", -0.0359),                    # without the ellipsis: rounded wrongly
    ("net_5", r"-0.0358\ldots", "wrong", -0.0358),                # neither cut short nor rounded
    ("act_3", r"0.9821\ldots", "rounding", 0.9821),
    ("act_3", r"0.98\ldots", "imprecise", 0.98),
    # trailing marks and rounding notes: dropped
    ("act_3", r"0.9820 \checkmark", "correct", 0.982),
    ("act_3", "0.9820 ✓", "correct", 0.982),
    ("act_3", r"0.9820 \quad (4 d.p.)", "correct", 0.982),
    ("act_3", r"0.9820\qquad", "correct", 0.982),
    ("act_3", r"0.9820\;(4\text{ d.p.})", "correct", 0.982),
    ("act_3", "0.9820 (to 4 dp)", "correct", 0.982),
    ("act_3", "0.9820 (3 s.f.)", "correct", 0.982),               # the note is ignored, the places count
    ("act_3", "0.98 (2 s.f.)", "imprecise", 0.98),
    ("act_3", r"0.9820\text{(rounded)}", "correct", 0.982),
    ("act_3", r"0.9820 \hfill (rounded to 4 d.p.)", "correct", 0.982),
    ("act_3", "0.9820 to 4 d.p.", "correct", 0.982),
    ("act_3", "0.9820 (approx.)", "correct", 0.982),
    ("act_3", r"\boxed{0.9820}\ \checkmark", "correct", 0.982),
    ("update_w_0_3", r"4.5\times10^-3 \checkmark", "correct", 0.0045),
    # wrappers
    ("act_3", r"\num{0.9820}", "correct", 0.982),
    ("act_3", r"\SI{0.9820}{}", "correct", 0.982),
    ("net_3", r"\num{4}", "correct", 4.0),
    ("net_3", r"{\bf 4.0}", "correct", 4.0),
    ("net_3", r"{\rm 4.0}", "correct", 4.0),
    ("net_3", r"{\it 4.0}", "correct", 4.0),
    ("net_3", r"\underline{4.0}", "correct", 4.0),
    ("net_3", r"\color{red}{4}", "correct", 4.0),
    ("net_3", r"{\color{red} 4}", "correct", 4.0),
    ("net_3", r"\textcolor{red}{4}", "correct", 4.0),
    ("act_3", r"\textcolor[rgb]{1,0,0}{0.9820}", "correct", 0.982),
    ("act_3", r"\color{blue}\num{0.9820}", "correct", 0.982),
    ("act_3", r"{\bf 0.9820} (4 d.p.)", "correct", 0.982),
    ("act_3", r"\mathbf{0.9820}\quad\text{(4 d.p.)}", "correct", 0.982),
    ("w_0_4", r"\text{-}6", "correct", -6.0),
    ("w_0_4", r"\mathrm{-}6", "correct", -6.0),
    ("w_0_4", r"\textrm{−}6", "correct", -6.0),
    # per cent and per mille: the places are the value's (98.2% shows 3)
    ("act_3", r"98.20\%", "correct", 0.982),
    ("act_3", "98.20%", "correct", 0.982),
    ("act_3", "98%", "imprecise", 0.98),
    ("act_3", "982.0‰", "correct", 0.982),
    ("net_5", "-36.0‰", "correct", -0.036),
    ("update_w_0_3", "4.5‰", "correct", 0.0045),
    ("update_w_0_3", r"4.5\permil", "correct", 0.0045),
    # roots: an odd root of a negative number is real
    ("new_w_0_5", r"\sqrt[3]{-58.0868}", "correct", -(58.0868 ** (1 / 3))),
    ("w_0_4", r"\sqrt[3]{-216}", "correct", -6.0),
    ("net_3", r"\sqrt[3]{64}", "correct", 4.0),
    ("net_3", r"-\sqrt[3]{-64}", "correct", 4.0),
    ("net_3", r"\sqrt[4]{256}", "correct", 4.0),
    ("net_3", r"\sqrt[5]{1024}", "correct", 4.0),
    # chains
    ("act_3", r"\sigma(4) = 0.98201\ldots \approx 0.9820", "correct", 0.982),
    ("act_3", r"\sigma(4) = 0.9820\ldots", "correct", 0.982),
    ("delta_5", r"(u_5 - z_1) u_5 (1 - u_5) = \ldots = -0.1272\ldots", "correct", -0.1272),
]


@pytest.mark.parametrize("qid, text, status, value", READ)
def test_each_spelling_is_read_to_its_value(grader, tmp_path, qid, text, status, value):
    v = _verdict(grader, tmp_path, qid, text)
    assert v.status == status, (text, v.message)
    assert v.value == pytest.approx(value, rel=1e-9, abs=1e-12), text


@pytest.mark.parametrize("qid, text, status, value", [r for r in READ if r[1] in (
    r"9.82\times10^-1", r"0.9820\ldots", r"-0.0359\ldots", r"\num{4}", r"{\bf 4.0}", "982.0‰", r"\sqrt[3]{-216}",
    r"0.9820 \quad (4 d.p.)", r"\text{-}6")])
def test_json_answers_read_the_same(grader, tmp_path, qid, text, status, value):
    v = _verdict(grader, tmp_path, qid, text, ".json")
    assert (v.status, v.value) == (status, pytest.approx(value, rel=1e-9, abs=1e-12))


# (qid, text, words the message must hold): unreadable, with the likely reading named
REFUSED = [
    ("act_3", r"0.982 \pm 0.001", "did you mean 0.982?"),
    ("act_3", "0.982 ± 0.001", "did you mean 0.982?"),
    ("delta_5", r"-0.1272 \mp 0.0001", "did you mean -0.1272?"),
    ("net_3", r"\sqrt[4]{-256}", "not a real number"),
    ("net_3", r"\sqrt{-16}", "square root of a negative number"),
    ("w_0_4", "(-216)^{1/3}", r"\sqrt[3]"),
    ("net_3", r"\overline{4}", r"\overline is not read"),
    ("act_3", r"0.\overline{3}", "repeating decimal"),
    ("act_5", "e^-0.036", "did you mean ^{-0.036}?"),
    ("act_3", "10^-3x", "did you mean ^{-3}x or ^{-3x}?"),
]


@pytest.mark.parametrize("qid, text, words", REFUSED)
def test_a_spelling_in_doubt_is_unreadable_with_a_hint(grader, tmp_path, qid, text, words):
    v = _verdict(grader, tmp_path, qid, text)
    assert v.status == "unreadable" and v.value is None, text
    assert words in v.message, v.message


def test_writeup_lines_read_the_same_spellings(grader, tmp_path):
    f = tmp_path / "w.md"
    f.write_text("\n".join([
        r"$\delta_5 = (u_5 - z_1) u_5 (1 - u_5) = ... = -0.1272\ldots$",
        r"$u_3 = 0.9820\ldots, u_4 = 0.5$ \checkmark",
        r"$net_5 = -0.0359\ldots$ and $net_3 = {\bf 4.0}$",
        r"So u_5 = 0.4910 \quad (4 d.p.)",
        r"\begin{align*}",
        r"L &= \frac{1}{2}(1 - u_5)^2 = 0.1295\,\checkmark \\",
        r"g'(net_5) &= \num{0.2499} \\",
        r"w_{05}^{new} &= -3.8728\ldots",
        r"\end{align*}",
        r"$\Delta w_{05} = 1.272\times10^-1$, $\Delta w_{35} = 0.1249 \pm 0.0001$",
    ]), encoding="utf-8")
    reports, problems = grader.check(f, "sigmoid")
    got = {v.qid: (v.status, v.value) for v in reports[0].verdicts}
    for qid, value in [("delta_5", -0.1272), ("act_3", 0.982), ("act_4", 0.5), ("net_5", -0.036), ("net_3", 4.0),
                       ("act_5", 0.491), ("loss", 0.1295), ("gprime_5", 0.2499), ("new_w_0_5", -3.8728),
                       ("update_w_0_5", 0.1272)]:
        assert got[qid][0] == "correct", (qid, got[qid])
        assert got[qid][1] == pytest.approx(value, abs=1e-12), qid
    assert got["update_w_3_5"] == ("unreadable", None)
    assert not [v for v in reports[0].verdicts if "not read" in v.message], "an elided `...` link is no link"
    # the expected values, by hand, are what the right answers above round
    assert round(DELTA5, 4) == -0.1272 and round(U5, 4) == 0.491 and round(LOSS, 4) == 0.1295
    assert round(GP5, 4) == 0.2499 and round(NEW_W05, 4) == -3.8728 and round(NET5, 4) == -0.036


@pytest.mark.parametrize("text", [r"10^{-3}", r"10^{-3}x", r"\overline{4}", r"2^{10}", r"u_{3}^{2}"])
def test_braced_exponents_and_overline_are_left_as_they_are(text):
    assert normalize(text) == text


@pytest.mark.parametrize("text, normalized", [
    ("10^-3", "10^{-3}"), ("e^-2", "e^{-2}"), ("2**-1", "2^{-1}"), ("10^ - 3", "10^{-3}"),
    ("9.82 x10^-1", r"9.82 \times 10^{-1}"), (r"0.9820\ldots", "0.9820"), ("0.9820…", "0.9820"),
    (r"\text{-}12", "-12"), (r"\mathrm{-}12", "-12"), (r"\num{0.982}", "0.982"),
])
def test_normalize(text, normalized):
    assert normalize(text) == normalized


def test_an_ellipsis_is_kept_for_a_writeup_line_and_only_after_a_number():
    assert normalize(r"u_3 = 0.98\ldots, u_4 = 0.5", keep_ellipsis=True) == r"u_3 = 0.98\ldots, u_4 = 0.5"
    assert normalize(r"u_3 = 0.98\dots", keep_ellipsis=True) == r"u_3 = 0.98\ldots"
    # subscripts are no numbers: `u_1 \cdots u_3` keeps its dots
    assert r"\cdots" in normalize(r"u_1 \cdots u_3")


def test_real_roots_by_hand():
    assert float(evaluate(("pow", ("num", "-1728"), ("num", "1/3")), {})) == pytest.approx(-12.0, rel=1e-15)
    assert float(evaluate(("pow", ("num", "-32"), ("num", "1/5")), {})) == pytest.approx(-2.0, rel=1e-15)
    for even in ("1/2", "1/4"):
        with pytest.raises(AnswerError, match="not a real number"):
            evaluate(("pow", ("num", "-16"), ("num", even)), {})
    with pytest.raises(AnswerError, match="fractional power"):          # (-8)^{2/3}: not a root
        evaluate(("pow", ("num", "-8"), ("num", "2/3")), {})


def test_the_forecast_passes_an_elided_link_over(xor):
    table = NameTable(xor.parts[1])
    texts = answer_texts(Answer("delta_5", r"(u_5 - z_1) u_5 (1 - u_5) = \ldots = -0.1272\ldots"), table)
    assert texts and not any("ldots" in t or "..." in t for t in texts)
