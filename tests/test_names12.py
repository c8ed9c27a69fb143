"""Session 12, issue 12 (names): how names and symbols are written.

1. A report (`check`, `grade`: Markdown, HTML) typesets a computation graph's names as `solve` does: x1w1 and
   out as one symbol (\\mathit{x1w1}), w1 as w_{1}, never the product x·1·w·1.
2. A notation symbol of several letters is one symbol in LaTeX (\\mathit{out}); the loss may carry one
   subscript (E_total is E_{total}), read back as E_{total}, E_total or E_{\\text{total}}.
3. `notation: {unit_names: true}` writes each unit's output by its own name (h1: h_1), net_{h_1}, w_{i_1,h_1}.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main

ROOT = Path(__file__).resolve().parent.parent
MAZUR = ROOT / "tests" / "data" / "nnames11" / "mazur.yaml"
NAMED = ROOT / "problems" / "named_units.yaml"

GRAPH = """\
title: names
model: graph
inputs: {x1: 2, w1: 3, x2: -1, w2: 4}
nodes:
  x1w1: x1*w1
  x2w2: x2*w2
  s: x1w1 + x2w2
  out: s*s
output: out
"""


def _run(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def _maths(md: str) -> list[str]:
    return re.findall(r"\$([^$]+)\$", md)


def test_report_typesets_graph_names_as_solve_does(tmp_path):
    """#1: every name of the report's table is one maths span whose LaTeX is the one `solve --format markdown`
    writes for it (read from solve's own output, a second path), x1w1 and out as one symbol each."""
    problem = tmp_path / "g.yaml"
    problem.write_text(GRAPH, encoding="utf-8")
    answers = tmp_path / "a.yaml"
    # by hand: x1w1 = 2·3 = 6, s = 6 + (-4) = 2, out = s² = 4, ∂out/∂x1w1 = 2s = 4, ∂out/∂w1 = 4·x1 = 8
    answers.write_text("x1w1: 6\nout: 10\ngrad_x1w1: 4\ngrad_w1: 12\n", encoding="utf-8")
    code, md = _run("check", problem, answers, "--format", "markdown")
    assert code == 1, md
    code, solved = _run("solve", problem, "--format", "markdown")
    assert code == 0
    # solve's LaTeX of each name, from its forward lines "$$ NAME = ..." and its gradients' fractions
    forward = dict(re.findall(r"^\$\$ (\\mathit\{(\w+)\}|\w) = ", solved, re.M))
    assert {"x1w1", "out"} <= set(forward.values())
    cells = [line.split("|")[1].strip() for line in md.splitlines() if line.startswith("| $")]
    assert cells[0] == "$" + r"\mathit{x1w1}" + "$" and r"\mathit{x1w1}" in solved
    assert cells[1] == "$" + r"\mathit{out}" + "$" and r"\mathit{out} = s \cdot s" in solved
    assert cells[2] == r"$\partial \mathit{out}/\partial \mathit{x1w1}$"
    assert cells[3] == r"$\partial \mathit{out}/\partial w_{1}$" and r"\partial w_{1}}" in solved
    assert not any("x1w1" in m and r"\mathit{x1w1}" not in m for m in _maths(md))
    code, page = _run("check", problem, answers, "--format", "html")
    assert '<mi mathvariant="italic">x1w1</mi>' in page and '<mi mathvariant="italic">out</mi>' in page
    assert "<mi>x</mi><mn>1</mn><mi>w</mi>" not in page


def test_report_keeps_the_network_names():
    """#1: a network's names are typeset as before: net upright, one letter as is, a subscript braced."""
    from symbackprop.render.mathspans import to_latex
    assert to_latex("g'(net_5)") == r"g'(\mathrm{net}_5)"
    assert to_latex("∂L/∂w_{35}") == r"\partial L/\partial w_{35}"
    assert to_latex("w_{35}^new") == r"w_{35}^{\text{new}}"
    assert to_latex("out_{h1}") == r"\mathit{out}_{h1}"       # a notation's word is one symbol, as solve sets it
    assert to_latex("2e5 + x") == "2e5 + x"                    # a number's exponent is no name


def test_multi_letter_symbols_are_one_symbol_in_latex():
    """#2: Mazur's out and target are \\mathit{out}, \\mathit{target} in LaTeX (never o·u·t); one letter as is."""
    from symbackprop.notation import symbol_latex
    assert symbol_latex("u") == "u" and symbol_latex("E_{total}") == "E_{total}"
    assert symbol_latex("out") == r"\mathit{out}" and symbol_latex("Err_{1}") == r"\mathit{Err}_{1}"
    code, tex = _run("solve", MAZUR, "--format", "latex", "--fragment")
    assert code == 0
    assert r"\mathit{out}_{h1}" in tex and r"\mathit{target}_{o1} = 0.01" in tex
    assert not re.search(r"(?<!mathit\{)out_\{", tex)


def _mazur_total(tmp_path, spelling: str) -> Path:
    p = tmp_path / "mt.yaml"
    p.write_text(MAZUR.read_text(encoding="utf-8").replace("loss_symbol: E,", f"loss_symbol: {spelling},"),
                 encoding="utf-8")
    return p


@pytest.mark.parametrize("spelling", ["E_total", "'E_{total}'"])
def test_loss_symbol_with_a_subscript(tmp_path, spelling):
    """#2: loss_symbol E_total (or E_{total}) is written E_{total} in every format; the loss is Mazur's
    E_total = 0.298371109 (his worked value); JSON ids and values are those of loss_symbol E."""
    p = _mazur_total(tmp_path, spelling)
    code, text = _run("solve", p)
    assert code == 0, text
    assert "E_{total} = (target_{o1} - out_{o1})²/2" in text and "≈ 0.298371109" in text
    assert "∂E_{total}/∂w5 = δ_{o1}·out_{h1}" in text
    _, tex = _run("solve", p, "--format", "latex", "--fragment")
    assert "E_{total} &=" in tex and r"\frac{\partial E_{total}}{\partial w_{5}}" in tex
    _, md = _run("solve", p, "--format", "markdown")
    assert r"\frac{\partial E_{total}}{\partial w_{5}}" in md
    _, now = _run("solve", p, "--format", "json")
    _, before = _run("solve", MAZUR, "--format", "json")
    ids = lambda d: [(k, q["value"]) for part in json.loads(d)["parts"] for k, q in part["quantities"].items()]  # noqa: E731
    assert ids(now) == ids(before) and dict(ids(now))["loss"] == pytest.approx(0.298371109, abs=5e-10)


def test_loss_with_a_subscript_is_read_back(tmp_path, grader_of):
    """#2: E_{total}, E_total, E_{\\text{total}} name the loss E_{total} in an answers file."""
    p = _mazur_total(tmp_path, "E_total")
    grader = grader_of(p)
    for k, spelling in enumerate(["E_{total}", "E_total", "E_{\\text{total}}"]):
        ans = tmp_path / f"a{k}.yaml"
        ans.write_text(json.dumps({spelling: 0.298371109}), encoding="utf-8")
        reports, problems = grader.check(ans)
        got = {v.qid: v.status for r in reports for v in r.verdicts}
        assert got == {"loss": "correct"} and not problems, (spelling, got, problems)


@pytest.mark.parametrize("bad", ["E_to-tal", "E__t", "E_{total", "E_abcdefghi", "Etotalsum_x"])
def test_bad_loss_symbol_is_one_line(tmp_path, bad):
    """#2: a loss symbol that is none of those is one line naming the file, line, field and what is allowed."""
    p = _mazur_total(tmp_path, f"'{bad}'")
    code, out = _run("solve", p)
    assert code == 2
    line = out.strip()
    assert "\n" not in line and "mt.yaml:19: notation.loss_symbol:" in line
    assert "with at most one subscript" in line and "E_total" in line and "Traceback" not in line


def test_other_symbols_still_take_letters_only(tmp_path):
    p = tmp_path / "mt.yaml"
    p.write_text(MAZUR.read_text(encoding="utf-8").replace("activation_symbol: out", "activation_symbol: out_x"),
                 encoding="utf-8")
    code, out = _run("solve", p)
    assert code == 2 and "notation.activation_symbol: 'out_x' is not a symbol name" in out
