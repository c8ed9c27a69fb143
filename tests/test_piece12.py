"""Session 12, Y2: the text solution's case form of a piecewise g' read back.

The text solution writes leaky ReLU's g' as `{1, net_5 > 0; 1/10, net_5 ≤ 0}` (printing.py's Piecewise); the
answer reader now reads it as a `cases` (answers/textcases.py rewrites the text, nothing is evaluated), judged at
the student's own values. deep.yaml's txt/md/tex solutions check back with no link unread.

Values worked here in plain Python for problems/deep.yaml (x_0 = 1 carries the biases w_0j):
  net_3 = 0.1 + 0.6·1 + 0.3·0.5 = 0.85, net_4 = −0.1 − 0.4·1 + 0.9·0.5 = −0.05, u = tanh(net);
  net_5 = 0.2 + 0.8·u_3 + 0.5·u_4 ≈ 0.72788 > 0, net_6 = 0.05 − 0.7·u_3 + 0.4·u_4 ≈ −0.45373 ≤ 0;
  leaky ReLU with slope 1/10: g'(net_5) = 1, g'(net_6) = 1/10.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.answers.textcases import text_cases
from symbackprop.cli import main

DEEP = Path(__file__).resolve().parent.parent / "problems" / "deep.yaml"

U3, U4 = math.tanh(0.1 + 0.6 * 1 + 0.3 * 0.5), math.tanh(-0.1 - 0.4 * 1 + 0.9 * 0.5)
NET5 = 0.2 + 0.8 * U3 + 0.5 * U4
NET6 = 0.05 - 0.7 * U3 + 0.4 * U4


def _check(tmp_path, lines: list[str]) -> str:
    sub = tmp_path / "w.txt"
    sub.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(DEEP), str(sub)])
    assert result.exit_code in (0, 1), result.output
    return result.output


def _verdict(output: str, item: str) -> str:
    rows = [line for line in output.splitlines() if line.startswith(f"  {item} ")]
    assert len(rows) == 1, output
    return rows[0]


def test_text_case_form_becomes_cases_and_other_braces_stay():
    assert text_cases(r"{1, net_5 > 0; 1/10, net_5 \le 0}") == \
        r"\begin{cases} 1 & net_5 > 0 \\ 1/10 & net_5 \le 0 \end{cases}"
    # a value with a comma inside brackets, a decimal comma in the condition: cut at the right comma
    assert text_cases(r"= {max(a, b), x > 0,5; 0, x \le 0,5}") == \
        r"= \begin{cases} max(a, b) & x > 0,5 \\ 0 & x \le 0,5 \end{cases}"
    for kept in (r"\frac{1}{2}", r"\{1, x > 0; 2, x \le 0\}", "{1, 2; 3, 4}", r"\text{a, x > 0; b, x < 0}",
                 "{1, x > 0}", "{1, (x > 0) & (y > 0); 0, x <= 0}"):
        assert text_cases(kept) == kept


def test_text_case_form_read_at_the_students_values(tmp_path):
    assert NET5 > 0 >= NET6               # the rows that hold: the first for net_5, the second for net_6
    out = _check(tmp_path, [
        f"net_5 = {NET5:.5f}",
        f"net_6 = {NET6:.5f}",
        "g'(net_5) = {1, net_5 > 0; 1/10, net_5 ≤ 0} = 1",
        f"g'(net_6) = {{1, net_6 > 0; 1/10, net_6 ≤ 0}} = {{1, {NET6:.5f} > 0; 1/10, {NET6:.5f} ≤ 0}} = 0.1",
    ])
    assert "not read" not in out and "unread" not in out, out
    for item in ("net_5", "net_6", "g'(net_5)", "g'(net_6)"):
        assert _verdict(out, item).endswith("correct"), out


def test_a_wrong_case_value_is_marked_wrong(tmp_path):
    out = _check(tmp_path, [
        f"net_5 = {NET5:.5f}",
        f"net_6 = {NET6:.5f}",
        # the rule with 1/2 where 1 belongs: at net_5 > 0 it gives 0.5, not 1
        "g'(net_5) = {1/2, net_5 > 0; 1/10, net_5 ≤ 0}",
        # the numbers' row that holds (−0.45373 ≤ 0) says 1/2, not 1/10
        f"g'(net_6) = {{1, {NET6:.5f} > 0; 1/2, {NET6:.5f} ≤ 0}}",
    ])
    assert "not read" not in out and "unread" not in out, out
    five, six = _verdict(out, "g'(net_5)"), _verdict(out, "g'(net_6)")
    assert "WRONG" in five and "0.5" in five, out
    assert "WRONG" in six, out


ELU = Path(__file__).resolve().parent / "data" / "trial11" / "p4_elu.yaml"


def test_a_case_value_with_a_quantity_name_is_read_at_the_students_value(tmp_path):
    """ELU (α = 1): net_3 = 0.1·1 + 1·1 − 1·2 = −0.9 ≤ 0, u_3 = e^−0.9 − 1, g'(net_3) = u_3 + 1 = e^−0.9 ≈ 0.40657;
    the row `u_3 - 1` instead gives e^−0.9 − 2, wrong."""
    u3 = math.exp(0.1 * 1 + 1 * 1 - 1 * 2) - 1
    sub = tmp_path / "w.txt"
    for row, value, verdict in (("u_3 + 1", u3 + 1, "correct"), ("u_3 - 1", u3 - 1, "WRONG")):
        sub.write_text(f"net_3 = -0.9\nu_3 = {u3:.5f}\n"     # the rule, then the value it gives (rule = value)
                       f"g'(net_3) = {{1, net_3 > 0; {row}, net_3 ≤ 0}} = {value:.4f}\n", encoding="utf-8")
        out = CliRunner().invoke(main, ["check", str(ELU), str(sub)]).output
        assert "not read" not in out and "unread" not in out, out
        line = _verdict(out, "g'(net_3)")
        assert verdict in line, out
        if verdict == "correct":
            assert f"{u3 + 1:.4f}" in line, out      # the expected value shown: e^−0.9 ≈ 0.4066


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["txt", "md", "tex"])
def test_deep_solution_checks_back_with_no_unread_link(fmt, tmp_path):
    out = tmp_path / f"s.{fmt}"
    runner = CliRunner()
    solved = runner.invoke(main, ["solve", str(DEEP), "-o", str(out)])
    assert solved.exit_code == 0, solved.output
    if fmt == "txt":                      # the case form this file is about is there to be read
        assert re.search(r"g'\(net_5\) = \{1, net_5 > 0; 1/10, net_5 ≤ 0\}", out.read_text(encoding="utf-8"))
    checked = runner.invoke(main, ["check", str(DEEP), str(out)])
    assert checked.exit_code == 0, checked.output
    assert re.search(r"^Score: (\S+) / \1$", checked.output, flags=re.M), checked.output
    assert "not read" not in checked.output and "unread" not in checked.output, checked.output
    for item in ("g'(net_5)", "g'(net_6)"):
        assert _verdict(checked.output, item).endswith("correct"), checked.output
