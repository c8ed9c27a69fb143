"""Issue 12, user trial t10 (#9, #3 Mazur, #26, #5's message, #31, #27): a book's notation reads back in answers.

Expected values are worked by hand from the books' own numbers:
- Negnevitsky §6.4 (tests/data/nnames11/negnevitsky_alpha.yaml; x1 = x2 = 1, y_d = 0, bias input −1, α = 0.1):
  y_3 = σ(0.1) = 0.5250, y_4 = σ(2) = 0.8808, y_5 = σ(0.0389) = 0.5097, E = ½·0.5097² = 0.1299,
  δ_5 = y_5(1 − y_5)(y_d − y_5) = 0.5097·0.4903·(−0.5097) = −0.1274 (the book's e = y_d − y_5 = −0.5097),
  Δw_35 = α·y_3·δ_5 = 0.1·0.5250·(−0.1274) = −0.0067, Δw_45 = 0.1·0.8808·(−0.1274) = −0.0112,
  Δθ_5 = α·(−1)·δ_5 = 0.0127; with α left out Δw_35 = −0.0669, Δw_45 = −0.1122.
- Mazur's example (tests/data/nnames11/mazur.yaml): E_total = 0.298371109, ∂E_total/∂w5 = 0.082167041 (his post).
- problems/sigmoid_gates.yaml: s = 1, f = σ(1) = 0.7311.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "nnames11"
NEG_ALPHA = DATA / "negnevitsky_alpha.yaml"
MAZUR = DATA / "mazur.yaml"
XOR = ROOT / "problems" / "xor.yaml"
GATES = ROOT / "problems" / "sigmoid_gates.yaml"


def _check(grader, path: Path) -> tuple[dict, list[str]]:
    reports, problems = grader.check(path)
    return {v.qid: v for r in reports for v in r.verdicts}, problems


def _graph_check(parser, problem: Path, answers: Path) -> tuple[dict, list[str]]:
    from symbackprop.answers.graph_answers import GraphChecker
    from symbackprop.graph import load_graph, solve_graph
    checker = GraphChecker(solve_graph(load_graph(problem)), parser=parser)
    try:
        reports, problems = checker.check_file(answers)
    finally:
        checker.close()
    return {v.qid: v for v in reports[0].verdicts}, problems


def _run(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def test_learning_rate_symbol_is_printed_and_read(grader_of, tmp_path):
    """#9: `learning_rate_symbol: alpha` prints α (\\alpha) where η was printed, and \\alpha, α, alpha (and η)
    in a rule are the learning rate: Negnevitsky's Δw_35 = α·y_3·δ_5 is right."""
    from symbackprop.render import render
    solution = grader_of(NEG_ALPHA).solution          # solved once, for the printing and the checking
    text, tex = render(solution, "text"), render(solution, "latex")
    assert "α = 0.1" in text and "Δw_{35} = α·δ_5·y_3" in text and "Δw = −α·∂E/∂w = +α·δ_j·x_i" in text
    assert "η" not in text
    assert r"\alpha = 0.1" in tex and r"\eta" not in tex
    ans = tmp_path / "a.yaml"
    ans.write_text('"\\\\Delta w_{35}": "\\\\alpha \\\\cdot y_3 \\\\cdot \\\\delta_5 = 0.1 \\\\times 0.5250 \\\\times (-0.1274)'
                   ' = -0.0067"\n'
                   '"\\\\Delta \\\\theta_5": "α \\\\cdot (-1) \\\\cdot \\\\delta_5 = 0.0127"\n'
                   '"\\\\Delta w_{45}": "alpha \\\\cdot y_4 \\\\cdot \\\\delta_5 = -0.0112"\n'
                   '"\\\\Delta w_{13}": "\\\\eta \\\\, \\\\delta_3 x_1 = 0.0038"\n', encoding="utf-8")
    got, problems = _check(grader_of(NEG_ALPHA), ans)
    assert problems == []
    for qid in ("update_w_3_5", "update_w_0_5", "update_w_4_5", "update_w_1_3"):
        assert (got[qid].status, got[qid].message) == ("correct", ""), (qid, got[qid])
    wrong = tmp_path / "w.yaml"            # the rule's letter still counts: α·y_3 without δ_5 is not Δw_35
    wrong.write_text('"\\\\Delta w_{35}": "\\\\alpha y_3 = -0.0067"\n', encoding="utf-8")
    got, _ = _check(grader_of(NEG_ALPHA), wrong)
    assert got["update_w_3_5"].status != "correct"


def test_messages_in_the_files_letters(grader_of, tmp_path):
    """#9, #5: η left out is said as α left out; the ½ of the loss as ½(yd − y)², the file's letters."""
    ans = tmp_path / "m.yaml"
    ans.write_text('"\\\\Delta w_{35}": -0.0669\n"\\\\Delta w_{45}": -0.1122\nE: 0.2598\n"\\\\delta_5": -0.2548\n',
                   encoding="utf-8")
    got, _ = _check(grader_of(NEG_ALPHA), ans)
    assert got["update_w_3_5"].message == "α left out of the update (α = 0.1)"
    assert got["update_w_4_5"].status == "follow_through" and "α left out" in got["update_w_4_5"].message
    assert got["loss"].message == "twice the expected value: the ½ of the loss ½(yd − y)² left out"
    assert got["delta_5"].status == "follow_through"
    assert "½(yd − y)²" in got["delta_5"].message and "t − u" not in got["delta_5"].message
    from symbackprop.render.mathspans import spans   # a Markdown/HTML report sets it as maths, as ½(t − u)²
    assert (True, "½(yd − y)²") in spans(got["loss"].message)


def test_e_read_as_eulers_number_is_said(grader_of, tmp_path):
    """#9: Negnevitsky's δ_5 = y_5(1 − y_5)·e (e = y_d − y_5) has e read as 2.718…: the working is wrong,
    and the report says that e was Euler's number and what it would have had to be."""
    ans = tmp_path / "e.yaml"
    ans.write_text('"\\\\delta_5": "y_5(1-y_5) e = 0.5097 \\\\times 0.4903 \\\\times (-0.5097) = -0.1274"\n'
                   '"\\\\delta_3": "y_3(1-y_3) e = 0.0381"\n', encoding="utf-8")
    got, _ = _check(grader_of(NEG_ALPHA), ans)
    assert got["delta_5"].status != "correct"
    assert "e was read as Euler's number 2.718…" in got["delta_5"].message
    assert "e = yd_5 − y_5" in got["delta_5"].message
    assert "Euler" not in got["delta_3"].message        # a hidden unit's δ is no output's error times y(1 − y)


@pytest.mark.parametrize("symbol", ["e", "yd"])
def test_a_learning_rate_symbol_that_means_something_else_is_refused(tmp_path, symbol):
    """#9: the learning rate's letter may not be Euler's e or another symbol of the notation (yd, the
    target's): exit 2, one line naming the field."""
    text = NEG_ALPHA.read_text(encoding="utf-8").replace("learning_rate_symbol: alpha", f"learning_rate_symbol: {symbol}")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    code, out = _run("solve", bad)
    assert code == 2
    assert "learning_rate_symbol" in out and "already means something else" in out
    assert "Traceback" not in out


def test_total_loss_is_the_loss(grader_of, tmp_path):
    """#26: E_{total} (Mazur's name for the loss) is the loss E, also in ∂E_{total}/∂w_{35}; another subscript of
    the loss symbol (E_5) is not a quantity and gets "did you mean E?". (Negnevitsky's file, whose loss is E:
    ∂E/∂w_35 = −δ_5·y_3 = 0.1274·0.5250 = 0.0669.)"""
    ans = tmp_path / "t.yaml"
    ans.write_text('E_{total}: 0.1299\n"\\\\frac{\\\\partial E_{total}}{\\\\partial w_{35}}": 0.0669\nE_5: 0.1299\n',
                   encoding="utf-8")
    got, problems = _check(grader_of(NEG_ALPHA), ans)
    assert got["loss"].status == "correct" and got["grad_w_3_5"].status == "correct"
    assert problems == ["main: E_5: not a quantity of this problem (did you mean E?)"]


@pytest.mark.slow
def test_mazur_total_loss_is_the_loss(grader_of, tmp_path):
    """#26: E_{total} (Mazur's name) is the loss E, also in ∂E_{total}/∂w_5 and in a rule; another subscript
    of the loss (E_{o1}, one output's error) is not a quantity and gets "did you mean E?"."""
    ans = tmp_path / "t.yaml"
    ans.write_text('E_{total}: 0.298371109\n'
                   '"\\\\frac{\\\\partial E_{total}}{\\\\partial w_5}": 0.082167041\n'
                   '"w_6^+": "w_6 - \\\\eta \\\\frac{\\\\partial E_{\\\\text{total}}}{\\\\partial w_6} = 0.408666186"\n'
                   'E_{o1}: 0.274811083\n', encoding="utf-8")
    got, problems = _check(grader_of(MAZUR), ans)
    assert got["loss"].status == "correct" and got["grad_w_h1_o1"].status == "correct"
    assert (got["new_w_h2_o1"].status, got["new_w_h2_o1"].message) == ("correct", "")
    assert problems == ["main: E_{o1}: not a quantity of this problem (did you mean E?)"]


def test_graph_writeup_given_column_as_written(parser, tmp_path):
    """#31: a write-up's `f = \\sigma(1) = 0.73` is shown back as `\\sigma(1) = 0.73`, not \\mathrm{sigmoid}."""
    wu = tmp_path / "g.md"
    wu.write_text("$s = 1$\n\nf = \\sigma(1) = 0.7311\n", encoding="utf-8")
    got, problems = _graph_check(parser, GATES, wu)
    assert problems == []
    assert got["f"].given == "\\sigma(1) = 0.7311" and got["f"].status == "correct"


def test_half_of_the_loss_in_the_lectures_letters(grader, tmp_path):
    """#5: problems/xor.yaml writes its target z_1 (L = ½(z_1 − u_5)²): the ½ left out is said in its letters."""
    ans = tmp_path / "x.yaml"
    ans.write_text("relu:\n  L: 9\n", encoding="utf-8")
    got, _ = _check(grader, ans)
    assert got["loss"].message == "twice the expected value: the ½ of the loss ½(z − u)² left out"


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["tex", "md"])
def test_mazur_solution_checks_back_entirely_right(tmp_path, fmt):
    """#3 (Mazur): with `activation_symbol: out`, `target_symbol: target`, the worked solution checks back
    55 / 55, nothing unread, exit 0."""
    out = tmp_path / f"s.{fmt}"
    assert _run("solve", MAZUR, "-o", out)[0] == 0
    code, text = _run("check", MAZUR, out)
    assert code == 0, text
    assert "Score: 55 / 55" in text and "Not read" not in text and "working wrong" not in text


@pytest.mark.slow
def test_alpha_solution_checks_back_entirely_right(tmp_path):
    """#9: a solution printed with α reads back as entirely right."""
    out = tmp_path / "s.tex"
    assert _run("solve", NEG_ALPHA, "-o", out)[0] == 0
    code, text = _run("check", NEG_ALPHA, out)
    assert code == 0, text
    assert "Score: 40 / 40" in text and "Not read" not in text


@pytest.mark.slow
def test_tiny_values_as_the_docs_say(grader_of, parser, tmp_path):
    """#27 (docs/checking.md "Out of range"): a tiny final value is unreadable for a network where the
    expected value is not 0, read inside a chain; a graph judges it as the number it is."""
    ans = tmp_path / "n.yaml"
    ans.write_text('y_5: "10^{-400}"\nE: "0.1299 + 10^{-400}"\n', encoding="utf-8")
    got, _ = _check(grader_of(NEG_ALPHA), ans)
    assert got["act_5"].status == "unreadable" and "too small" in got["act_5"].message
    assert got["loss"].status == "correct"
    graph = tmp_path / "big.yaml"
    graph.write_text("model: graph\ninputs: {x: 1000}\nnodes:\n  a: exp(-x)\n  f: a + x\n", encoding="utf-8")
    gans = tmp_path / "g.yaml"
    gans.write_text('a: "10^{-400}"\nf: "10^{-400}"\n', encoding="utf-8")
    got, _ = _graph_check(parser, graph, gans)
    assert got["a"].status == "correct" and got["f"].status == "wrong"
