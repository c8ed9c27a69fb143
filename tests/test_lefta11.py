"""Issue 12, session 11 (lefta): small leftovers on the network side.

1. An unnamed formula loss is named by its formula in the solution's heading, and an unnamed formula
   activation or loss by its formula in `solve --check`'s kink lines (not by the default name "formula").
2. With `learning_rate_symbol: alpha`, the update-subtracted diagnosis says −α∂E/∂w, and general-rule
   answers read \\alpha, α and alpha as the learning rate (\\eta and η stay accepted).
3. A rule link with the learning rate written as its number (Mazur's w_5 − 0.5·∂E/∂w_5, η = 0.5) is right.

Expected values are worked by hand:
- tests/data/nnames11/negnevitsky_alpha.yaml (shared with test_nnames11.py, so that a run solves it once; Negnevitsky §6.4, α = 0.1): w_35 = −1.2, Δw_35 = α·y_3·δ_5 =
  0.1·0.5250·(−0.1274) = −0.0067, so w_35^new = −1.2067, and Δw_35 subtracted gives −1.2 + 0.0067 = −1.1933.
- tests/data/lefta11/mazur.yaml (Mazur's post, η = 0.5): ∂E/∂w5 = 0.082167041, w5+ = 0.4 − 0.5·0.082167041 =
  0.358916480 (0.35891648 in the post); ∂E/∂w7 = −0.022602540, w7+ = 0.5 + 0.5·0.022602540 = 0.511301270.
- tests/data/lefta11/abs_kinks.yaml: net_3 = 1 − 1 + 0 = 0 (the kink of |x|), u_5 = −4 = t_5 (the kink of |u − t|).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main

DATA = Path(__file__).resolve().parent / "data" / "lefta11"
NEG_ALPHA = DATA.parent / "nnames11" / "negnevitsky_alpha.yaml"     # its grader is shared with test_nnames11
MAZUR = DATA / "mazur.yaml"
ABS_KINKS = DATA / "abs_kinks.yaml"
UNNAMED_LOSS = DATA / "unnamed_loss.yaml"


def _check(grader, path: Path) -> dict:
    reports, problems = grader.check(path)
    assert problems == []
    return {v.qid: v for r in reports for v in r.verdicts}


def _solve(*args) -> str:
    result = CliRunner().invoke(main, ["solve", *[str(a) for a in args]])
    assert result.exit_code == 0, result.output
    return result.output


# -- 1. unnamed formulas named by their formula ------------------------------------------------------
@pytest.mark.slow
def test_an_unnamed_formula_loss_is_named_by_its_formula_in_the_heading(solution_of, tmp_path):
    from symbackprop.render import render
    solution = solution_of(UNNAMED_LOSS)
    text, tex = render(solution, "text"), render(solution, "latex")
    assert "Part main: activation sigmoid, loss (u - t)²/2, η = 0.5" in text
    assert r"loss $\frac{\left(u - t\right)^{2}}{2}$" in tex
    assert "loss formula" not in text
    zh = render(solution, "text", lang="zh")
    assert "损失函数 (u - t)²/2" in zh and "损失函数 formula" not in zh
    named = tmp_path / "named.yaml"          # a named formula loss keeps its name
    named.write_text(UNNAMED_LOSS.read_text(encoding="utf-8").replace(
        'loss: {formula: "(u - t)^2/2"}', 'loss: {formula: "(u - t)^2/2", name: half_se}'), encoding="utf-8")
    assert "loss half_se, η = 0.5" in render(solution_of(named), "text")


@pytest.mark.slow
def test_check_kink_lines_name_unnamed_formulas_by_their_formula():
    out = _solve(ABS_KINKS, "--check")
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("grad_w_1_3:"))
    assert "net_3 = 0 is at a kink of |x|;" in line                      # inside a joined pair of kinks
    assert "a kink of the |t - u| loss" in line
    assert "formula" not in line.replace("loss formula is 0", "")       # the loss's kink note says "loss formula"
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("grad_w_0_5:"))
    assert "a kink of the |t - u| loss" in line and "net_3" not in line
    md = _solve(ABS_KINKS, "--check", "--format", "markdown")
    assert r"is at a kink of $\left|{x}\right|$" in md and r"a kink of the $\left|{t - u}\right|$ loss" in md
    zh = _solve(ABS_KINKS, "--check", "--lang", "zh")
    line = next(ln for ln in zh.splitlines() if ln.strip().startswith("grad_w_1_3"))
    assert "位于 |x| 的不可导点" in line and "|t - u| 损失的不可导点" in line
    assert "损失函数公式中 abs、max 或 min 的参数为 0" in line and "the argument" not in line


# -- 2. the notation's learning-rate letter -----------------------------------------------------------
def test_update_subtracted_is_said_with_the_files_letter(grader_of, tmp_path):
    ans = tmp_path / "s.yaml"
    ans.write_text('"w_{35}^{new}": -1.1933\n', encoding="utf-8")
    got = _check(grader_of(NEG_ALPHA), ans)["new_w_3_5"]
    assert got.status != "correct"
    assert "Δw subtracted" in got.message and "−α∂E/∂w" in got.message and "η" not in got.message


@pytest.mark.slow
def test_general_rules_read_the_files_learning_rate_letter(grader_of, tmp_path):
    ans = tmp_path / "r.yaml"
    ans.write_text('update_output_weight: "\\\\alpha \\\\delta_k y_j"\n'
                   'update_hidden_weight: "α δ_j x_i"\n', encoding="utf-8")
    got = _check(grader_of(NEG_ALPHA), ans)
    assert got["update_output_weight"].status == "correct", got["update_output_weight"]
    assert got["update_hidden_weight"].status == "correct", got["update_hidden_weight"]
    ans.write_text('update_output_weight: "alpha \\\\delta_k y_j"\n'
                   'update_hidden_weight: "\\\\eta \\\\delta_j x_i"\n', encoding="utf-8")
    got = _check(grader_of(NEG_ALPHA), ans)
    assert got["update_output_weight"].status == "correct", got["update_output_weight"]
    assert got["update_hidden_weight"].status == "correct", got["update_hidden_weight"]   # η still read
    ans.write_text('update_output_weight: "\\\\alpha y_j"\n', encoding="utf-8")       # δ_k left out
    assert _check(grader_of(NEG_ALPHA), ans)["update_output_weight"].status != "correct"


# -- 3. the learning rate's value in place of its symbol in a rule ----------------------------------
def test_a_rule_with_eta_written_as_its_number_is_right(grader_of, tmp_path):
    ans = tmp_path / "m.yaml"
    ans.write_text('"w_5^+": "w_5 - 0.5 \\\\frac{\\\\partial E}{\\\\partial w_5} = 0.4 - 0.5 \\\\times 0.082167041'
                   ' = 0.358916480"\n'
                   '"w_7^+": "w_7 - 0.5 \\\\frac{\\\\partial E}{\\\\partial w_7} = 0.511301270"\n'
                   '"w_6^+": "w_6 - 0.4 \\\\frac{\\\\partial E}{\\\\partial w_6} = 0.408666186"\n'
                   '"w_8^+": "w_8 + 0.5 \\\\frac{\\\\partial E}{\\\\partial w_8} = 0.561370121"\n', encoding="utf-8")
    got = _check(grader_of(MAZUR), ans)
    for qid in ("new_w_h1_o1", "new_w_h1_o2"):                       # w5, w7: η = 0.5 written as 0.5
        assert (got[qid].status, got[qid].message) == ("correct", ""), (qid, got[qid])
    for qid in ("new_w_h2_o1", "new_w_h2_o2"):                       # w6 with 0.4 (not η), w8 with +η
        assert got[qid].status != "correct", (qid, got[qid])
        assert "the rule does not give" in got[qid].message, (qid, got[qid])
