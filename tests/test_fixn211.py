"""Issue 12, user trial t11 (#2, #3, #6): names a problem file accepts read back inside rules.

- #2: a shared parameter or a weight's own name without a digit (`c`, `b`, `bb`) is one quantity inside a
  rule, alone and in ∂f/∂c, Δc, c^{new}: the tool's own worked solution checks back with full marks.
- #3: the kink note of a graph's worked solution ("… at its kink ($p = r + 2$): …") is prose, not an entry.
- #6: a Unicode Greek letter inside a rule (θ_0, θ0) is read as its LaTeX name (\\theta_0), so a wrong rule
  written with θ is judged.

Expected values are worked by hand:
- conv.yaml: x_0 = 1, x_1 = 2, x_2 = 0.5, x_3 = −1; c = 0.1, k_1 = 0.5, k_2 = −1, w_34 = 0 (frozen), so
  net_4 = c·x_0 + k_1·x_1 + k_2·x_2 + w_34·x_3 = 0.1 + 1 − 0.5 + 0 = 0.6, while c·x_0 + k_1·x_1 = 1.1.
- ng.yaml: z = θ0 + θ1·x1 + θ2·x2 = −3 + 1 + 2.5 = 0.5, while θ0 + x1 = −2.
- kink.yaml: p = 1·2 = 2, q = −2·2 + 4 = 0, r = relu(0) = 0, m = max(2, 0 + 2) = 2 (a tie), f = 2·4 = 8.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main

DATA = Path(__file__).resolve().parent / "data" / "fixn211"
CONV = DATA / "conv.yaml"            # t11's 1-D convolution: shared {k1, k2, c}, loss none, input gradients
FAUSETT_B = DATA / "fausett_b.yaml"  # Fausett Ex. 6.1 with the output bias named b
KINK = DATA / "kink.yaml"            # a graph with a relu and a max evaluated at their kinks
NG = DATA / "ng.yaml"                # Ng's logistic regression cost, parameters theta0..theta2


def _round_trip(problem: Path, tmp_path: Path, *extra: str) -> str:
    """`solve problem -o s.md` then `check problem s.md`, in-process: the check's output (exit 0 asserted)."""
    out = tmp_path / f"{problem.stem}_solution.md"
    runner = CliRunner()
    solved = runner.invoke(main, ["solve", str(problem), "-o", str(out), *extra])
    assert solved.exit_code == 0, solved.output
    checked = runner.invoke(main, ["check", str(problem), str(out)])
    assert checked.exit_code == 0, checked.output
    return checked.output


def _graph_verdicts(checker, path: Path) -> dict[str, list[str]]:
    reports, _ = checker.check_file(path)
    out: dict[str, list[str]] = {}
    for r in reports:
        for v in r.verdicts:
            out.setdefault(v.qid, []).append(v.status)
    return out


def _scores(output: str) -> list[tuple[str, str]]:
    return re.findall(r"^Score: (\S+) / (\S+)$", output, flags=re.M)


@pytest.mark.slow
def test_shared_parameter_without_digit_reads_back(tmp_path):
    """conv.yaml's own solution prints `c \\cdot x_{0} + …`, `\\Delta c`, `c^{new}`: every entry right, no link
    unread (was 51/52: "unknown symbol c")."""
    output = _round_trip(CONV, tmp_path)
    assert _scores(output) == [("52", "52")]
    assert "unknown symbol" not in output and "not read" not in output
    assert "working wrong" not in output


def test_rule_with_shared_name_is_judged(grader_of, tmp_path):
    """A rule naming the shared bias c is read and judged: the full rule is right; one that leaves out the
    k_2 x_2 and w_34 x_3 terms (1.1, not 0.6) is "working wrong" with a right value."""
    right = tmp_path / "right.md"
    right.write_text("$net_4 = c x_0 + k_1 x_1 + k_2 x_2 + w_{34} x_3 = 0.6$\n", encoding="utf-8")
    wrong = tmp_path / "wrong.md"
    wrong.write_text("$net_4 = c \\cdot x_0 + k_1 x_1 = 0.6$\n", encoding="utf-8")
    grader = grader_of(CONV)
    reports, _ = grader.check(right)
    (v,) = [v for r in reports for v in r.verdicts if v.qid == "net_4"]
    assert v.status == "correct" and v.credit == 1
    reports, _ = grader.check(wrong)
    (v,) = [v for r in reports for v in r.verdicts if v.qid == "net_4"]
    assert v.status == "slip" and "net_4" in v.message      # "working wrong: the rule does not give net_4"
    assert "unknown symbol" not in v.message


@pytest.mark.slow
@pytest.mark.parametrize("name", ["b", "bb", "b2b"])
def test_other_bare_shared_names_read_back(tmp_path, name):
    """The shared bias named b, bb (not b·b) or b2b (letters around a digit, printed as written)."""
    problem = tmp_path / f"conv_{name}.yaml"
    problem.write_text(CONV.read_text(encoding="utf-8").replace(" c: [w_0_4", f" {name}: [w_0_4"), encoding="utf-8")
    output = _round_trip(problem, tmp_path)
    assert _scores(output) == [("52", "52")]
    assert "unknown symbol" not in output and "not read" not in output


@pytest.mark.slow
def test_weight_named_without_digit_reads_back(tmp_path):
    """fausett_b.yaml names the output bias weight `b`: both parts' own solutions read back in full
    (was 39.5/40, "unknown symbol b")."""
    output = _round_trip(FAUSETT_B, tmp_path)
    assert _scores(output) == [("80", "80")]
    assert "unknown symbol" not in output and "working wrong" not in output


@pytest.mark.slow
def test_kink_note_is_not_an_entry(tmp_path):
    """kink.yaml's solution notes "… at its kink ($q = 0$)" and "($p = r + 2$)": not answers for q and p
    (was "p: WRONG, the rule does not give p" and "q is answered twice")."""
    output = _round_trip(KINK, tmp_path)
    assert _scores(output) == [("13", "13")]
    assert "answered twice" not in output and "WRONG" not in output


@pytest.mark.slow
def test_kink_note_in_chinese_is_not_an_entry(tmp_path):
    """The same note in `--lang zh` (full-width parentheses after Chinese text)."""
    output = _round_trip(KINK, tmp_path, "--lang", "zh")
    assert _scores(output) == [("13", "13")]
    assert "answered twice" not in output and "WRONG" not in output


def test_kink_notes_are_asides_not_entries(graph_checker_of, tmp_path):
    """The solution's two kink notes as it prints them (English and Chinese), with p and q answered on lines
    of their own: p and q are each read once and right; a bare `$p = r + 2$` on a line of its own is still
    an entry (judged: the rule does not give p)."""
    notes = [
        "$\\operatorname{relu}$ in node $r$ is evaluated at its kink ($q = 0$): there the derivative is a "
        "convention, and the one taken is $\\operatorname{relu}'(0) = 0$.",
        "$\\max$ in node $m$ is evaluated at its kink ($p = r + 2$): there the derivative is a convention.",
        "节点 $m$ 中的 $\\max$ 恰在其不可导点（kink）处求值（$p = r + 2$）：此处的导数是一种约定。",
        "$p = 2$", "$q = 0$",
    ]
    path = tmp_path / "notes.md"
    path.write_text("\n".join(notes) + "\n", encoding="utf-8")
    reports, _ = graph_checker_of(KINK).check_file(path)
    verdicts = {v.qid: v.status for r in reports for v in r.verdicts}
    assert verdicts["p"] == "correct" and verdicts["q"] == "correct"
    assert not [n for r in reports for n in r.notes if "twice" in n]        # each read once: line 4, line 5
    bare = tmp_path / "bare.md"
    bare.write_text("$p = r + 2$\n", encoding="utf-8")
    assert _graph_verdicts(graph_checker_of(KINK), bare)["p"] != ["correct"]


def test_unicode_theta_in_rule_is_read(graph_checker_of, tmp_path):
    """`z = θ_0 + θ_1 x_1 + θ_2 x_2 = …` is read and right; `z = θ0 + x1 = 0.5` (−2 by its rule) is judged
    "working wrong", not passed as correct with the rule unread."""
    right = tmp_path / "right.md"
    right.write_text("z = θ_0 + θ_1 x_1 + θ_2 x_2 = -3 + 1 + 2.5 = 0.5\n", encoding="utf-8")
    wrong = tmp_path / "wrong.md"
    wrong.write_text("z = θ0 + x1 = 0.5\n", encoding="utf-8")
    checker = graph_checker_of(NG)
    reports, _ = checker.check_file(right)
    (v,) = [v for r in reports for v in r.verdicts if v.qid == "z"]
    assert v.status == "correct" and v.credit == 1
    assert not any("not read" in str(v.message or "") for r in reports for v in r.verdicts)
    reports, _ = checker.check_file(wrong)
    (v,) = [v for r in reports for v in r.verdicts if v.qid == "z"]
    assert v.status == "slip" and "not read" not in str(v.message)
