"""Display environments, row breaks, tags, updated-weight spellings and rules with given numbers.

Expected values are the exercise's (problems/xor.yaml), worked out by hand. Sigmoid: u_3 = σ(4) =
0.9820, u_4 = 0.5, net_5 = −0.036, u_5 = 0.4910, L = ½(1 − u_5)² = 0.1295, g'(net_5) = 0.2499,
δ_5 = (u_5 − 1)u_5(1 − u_5) = −0.1272, δ_3 = −0.0045, Δw_13 = Δw_03 = 0.0045, w_35^new = 2.1249,
w_45^new = 4.0636. ReLU: net_3 = u_3 = 4, L = 4.5, δ_5 = 3. The target z_1 = 1 and x_1 = 1 are given.
"""
import json

import pytest

from symbackprop.answers.read import environment_rows



def _check(grader, tmp_path, name, text, part="sigmoid"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    reports, problems = grader.check(f, part)
    return {v.qid: v for v in reports[0].verdicts}, problems


@pytest.mark.slow
def test_a_mid_line_row_break_splits_align_rows(grader, tmp_path):
    got, _ = _check(grader, tmp_path, "a.tex", "\\begin{align*}\n"
                    "\\Delta w_{13} &= 0.0045 \\\\ \\Delta w_{03} &= 4{,}5 \\cdot 10^{-3}\n\\end{align*}\n")
    assert got["update_w_1_3"].status == "correct" and got["update_w_1_3"].line == 2
    assert got["update_w_0_3"].status == "correct" and got["update_w_0_3"].line == 2


def test_row_breaks_in_dollars_and_without_environment(grader, tmp_path):
    got, _ = _check(grader, tmp_path, "b.md", "$u_3 = 0.9820 \\\\ u_4 = 0.5$\n"
                    "net_5 &= -0.036 \\\\ u_5 &= 0.4910\n")
    assert {q: (v.status, v.line) for q, v in got.items()} == {
        "act_3": ("correct", 1), "act_4": ("correct", 1), "net_5": ("correct", 2), "act_5": ("correct", 2)}


@pytest.mark.parametrize("end", ["\\tag{1}", "\\tag*{(a)}", "\\label{eq:u3}", "\\nonumber", "\\notag",
                                 "\\label{x} \\nonumber"])
def test_tags_at_a_row_end_are_dropped(grader, tmp_path, end):
    got, _ = _check(grader, tmp_path, "t.tex", f"\\begin{{align*}}\nu_3 &= 0.9820 {end} \\\\\n"
                    f"u_4 &= 0.5 {end}\n\\end{{align*}}\n$$L = 0.1295 {end}$$\n")
    assert {q: v.status for q, v in got.items()} == {"act_3": "correct", "act_4": "correct", "loss": "correct"}


def test_prose_rows_between_rows(grader, tmp_path):
    got, _ = _check(grader, tmp_path, "p.tex", "\\begin{align*}\nu_3 &= 0.9820 \\\\\n\\intertext{and so}\n"
                    "\\text{hence} \\\\\nu_4 &= 0.5 \\\\ \\text{so} \\\\ u_5 &= 0.4910\n\\end{align*}\n")
    assert {q: v.status for q, v in got.items()} == {"act_3": "correct", "act_4": "correct", "act_5": "correct"}


ENVIRONMENTS = [
    ("equation", "\\begin{equation}\nu_3 = 0.9820\n\\end{equation}\n"),
    ("equation*", "\\begin{equation*}\nu_3 = 0.9820\n\\end{equation*}\n"),
    ("gather", "\\begin{gather}\nu_3 = 0.9820 \\\\\nu_4 = 0.5\n\\end{gather}\n"),
    ("gather*", "\\begin{gather*}\nu_3 = 0.9820 \\\\\nu_4 = 0.5\n\\end{gather*}\n"),
    ("aligned in $$", "$$\n\\begin{aligned}\nu_3 &= 0.9820 \\\\\nu_4 &= 0.5\n\\end{aligned}\n$$\n"),
    ("aligned in \\[\\]", "\\[\\begin{aligned} u_3 &= 0.9820 \\\\ u_4 &= 0.5 \\end{aligned}\\]\n"),
    ("eqnarray*", "\\begin{eqnarray*}\nu_3 &=& 0.9820 \\\\\nu_4 &=& 0.5\n\\end{eqnarray*}\n"),
    ("multline*", "\\begin{multline*}\nu_3 = \\frac{1}{1+e^{-4}} \\\\\n= 0.9820\n\\end{multline*}\n"),
    ("split", "\\begin{equation}\\begin{split}\nu_3 &= 0.9820 \\\\\nu_4 &= 0.5\n\\end{split}\\end{equation}\n"),
    ("flalign*", "\\begin{flalign*}\n&u_3 &= 0.9820 & \\\\\n&u_4 &= 0.5 &\n\\end{flalign*}\n"),
    ("one line align*", "\\begin{align*} u_3 &= 0.9820 \\end{align*}\n"),
    ("one line equation", "\\begin{equation} u_3 = 0.9820 \\end{equation}\n"),
]


@pytest.mark.parametrize("name,text", ENVIRONMENTS, ids=[e[0] for e in ENVIRONMENTS])
def test_environments_are_read(grader, tmp_path, name, text):
    got, _ = _check(grader, tmp_path, "e.tex", text)
    assert got["act_3"].status == "correct"
    if "u_4" in text:
        assert got["act_4"].status == "correct"


def test_a_multline_chain_keeps_its_rule():
    assert environment_rows("L = \\frac12(1-u_5)^2 \\\\ = 0.1295") == ["L = \\frac12(1-u_5)^2 = 0.1295"]


def test_cases_inside_an_answer_keep_their_rows():
    text = ("$$g'(net_3) = \\begin{cases} 1 & \\text{for } net_3 > 0 \\\\ 0 & \\text{otherwise} \\end{cases}"
            " = 1$$\n")
    assert environment_rows("a = \\begin{cases} 1 & x \\\\ 0 & y \\end{cases}") == [
        "a = \\begin{cases} 1 & x \\\\ 0 & y \\end{cases}"]
    assert environment_rows(text.strip("$\n")) == [text.strip("$\n")]


UPDATED = ["w^{new}_{35}", "w_{35}^{+}", "w_{35}'", "w'_{35}", "w_{35}^{\\text{new}}", "w_{35}^{\\mathrm{new}}",
           "w_{35}^{(new)}", "w^{\\text{new}}_{35}"]


@pytest.mark.parametrize("key", UPDATED)
def test_updated_weight_spellings_as_keys(grader, tmp_path, key):
    got, problems = _check(grader, tmp_path, "k.json", json.dumps({key: 2.1249, "w_{45}^{new}": 4.0636}))
    assert got["new_w_3_5"].status == "correct", problems


@pytest.mark.parametrize("key", UPDATED)
def test_updated_weight_spellings_as_left_sides(grader, tmp_path, key):
    got, _ = _check(grader, tmp_path, "k.md", f"${key} = w_{{35}} - \\eta \\delta_5 u_3 = 2 + 0.1249 = 2.1249$\n")
    assert got["new_w_3_5"].status == "correct"


def test_prime_and_plus_on_other_quantities_are_not_new_weights(grader, tmp_path):
    got, problems = _check(grader, tmp_path, "n.json", json.dumps({"u_3'": 0.9820, "u_4^{+}": 0.5, "u_5": 0.4910}))
    assert set(got) == {"act_5"}
    assert sum("not a quantity" in p for p in problems) == 2


@pytest.mark.parametrize("key,hint", [("\\sigma'(net_5)", "g'(net_5)"), ("J", "L"), ("\\sigma'(net_3)", "g'(net_3)"),
                                      ("w_{35}^{(1)}^{x}", "w_{35}")])
def test_close_names_get_a_hint(grader, tmp_path, key, hint):
    _, problems = _check(grader, tmp_path, "h.json", json.dumps({key: 0.25, "u_3": 0.9820}))
    said = [p for p in problems if "not a quantity" in p]
    assert len(said) == 1 and f"did you mean {hint}" in said[0], said


def test_close_left_side_of_a_writeup_gets_a_hint(grader, tmp_path):
    got, problems = _check(grader, tmp_path, "h.md", "$\\sigma'(net_5) = 0.2499$\n$u_3 = 0.9820$\n")
    assert set(got) == {"act_3"}
    assert any("line 1" in p and "did you mean g'(net_5)" in p for p in problems)


@pytest.mark.parametrize("qid,text,part", [
    ("loss", "\\frac12(1-u_5)^2 = \\frac12(1-0.4910)^2 = 0.1295", "sigmoid"),
    ("delta_5", "(u_5-1)u_5(1-u_5) = (0.4910-1)(0.4910)(1-0.4910) = -0.1272", "sigmoid"),
    ("delta_5", "(u_5-z_1)u_5(1-u_5) = -0.1272", "sigmoid"),
    ("net_3", "w_{03} \\cdot 1 + 3 x_1 + w_{23} x_2 = 4", "relu"),             # w_13 = 3 written as its number
    ("net_3", "w_{03} x_0 + w_{13} \\cdot 1 + w_{23} \\cdot 0 = 4", "relu"),   # x_1 = 1, x_2 = 0
    ("delta_5", "(u_5 - 1) g'(net_5) = 3", "relu"),
])
def test_a_rule_with_given_numbers_substituted_is_right(grader, tmp_path, qid, text, part):
    got, _ = _check(grader, tmp_path, "r.json", json.dumps({qid: text}), part)
    assert got[qid].status == "correct", got[qid].message


@pytest.mark.parametrize("qid,text,part", [
    ("loss", "\\frac12(2-u_5)^2 = 0.1295", "sigmoid"),            # 2 is no given value's number
    ("delta_5", "(u_5-1)u_5 = -0.1272", "sigmoid"),              # g' missing: wrong whatever is substituted
    ("net_3", "w_{03} + 4 x_1 + w_{23} x_2 = 4", "relu"),         # 4 is w_23, not w_13
])
def test_a_wrong_rule_with_numbers_stays_wrong(grader, tmp_path, qid, text, part):
    got, _ = _check(grader, tmp_path, "r.json", json.dumps({qid: text}), part)
    assert got[qid].status != "correct"
    assert "rule does not give" in got[qid].message or got[qid].diagnosis == "rule"


def test_the_rule_alone_with_a_given_number_has_no_value(grader, tmp_path):
    got, _ = _check(grader, tmp_path, "r.yaml", "loss: '\\frac12(1-u_5)^2'\n")
    assert got["loss"].diagnosis == "no_value" and got["loss"].message.startswith("no value:")
