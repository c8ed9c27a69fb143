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


@pytest.mark.parametrize("spelling", ["E_total", pytest.param("'E_{total}'", marks=pytest.mark.slow)])
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


@pytest.mark.slow                 # fast: E_total in test_named_units_read_back
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


# -- 3. notation: {unit_names: true} ----------------------------------------------------------------------

def _mazur_by_hand() -> dict:
    """Mazur's example worked with floats, by the chain rule written out here (a second path to solve's
    SymPy): his published values are net_h1 = 0.3775, out_h1 = 0.593269992, out_o1 = 0.75136507,
    E_total = 0.298371109, w5+ = 0.35891648, w1+ = 0.149780716."""
    from math import exp
    s = lambda z: 1 / (1 + exp(-z))                                     # noqa: E731
    i1, i2, b1, b2, eta = 0.05, 0.10, 0.35, 0.60, 0.5
    net_h1, net_h2 = b1 + 0.15 * i1 + 0.20 * i2, b1 + 0.25 * i1 + 0.30 * i2
    h1, h2 = s(net_h1), s(net_h2)
    net_o1, net_o2 = b2 + 0.40 * h1 + 0.45 * h2, b2 + 0.50 * h1 + 0.55 * h2
    o1, o2 = s(net_o1), s(net_o2)
    d_o1, d_o2 = (o1 - 0.01) * o1 * (1 - o1), (o2 - 0.99) * o2 * (1 - o2)
    d_h1 = (d_o1 * 0.40 + d_o2 * 0.50) * h1 * (1 - h1)
    return {"net_h1": net_h1, "act_h1": h1, "act_o1": o1, "delta_o1": d_o1, "delta_h1": d_h1,
            "loss": (0.01 - o1) ** 2 / 2 + (0.99 - o2) ** 2 / 2,
            "new_w_h1_o1": 0.40 - eta * d_o1 * h1, "new_w_i1_h1": 0.15 - eta * d_h1 * i1}


def test_named_units_numbers_are_mazurs():
    """#3: the example file solves to Mazur's numbers (by hand above, and his published ones)."""
    code, out = _run("solve", NAMED, "--format", "json")
    assert code == 0, out
    got = {k: q["value"] for k, q in json.loads(out)["parts"][0]["quantities"].items()}
    for k, v in _mazur_by_hand().items():
        assert got[k] == pytest.approx(v, rel=1e-12), k
    assert round(got["loss"], 9) == 0.298371109 and round(got["new_w_h1_o1"], 8) == 0.35891648
    assert round(got["new_w_i1_h1"], 9) == 0.149780716


def test_named_units_are_written_by_their_own_names():
    """#3: i_1, h_1, o_1 (not x_{i1}, u_{h1}, u_{o1}), net_{h_1}, δ_{o_1}, the weights by their ids as the book."""
    code, text = _run("solve", NAMED)
    assert code == 0
    assert "net_{h_1} = b1·x_b + w_{i1,h1}·i_1 + w_{i2,h1}·i_2 = 0.35×1 + 0.15×0.05 + 0.2×0.1 = 0.3775" in text
    assert "h_1 = g(net_{h_1})" in text and "o_1 = g(net_{o_1})" in text
    assert "δ_{o_1} = g'(net_{o_1})·(o_1 - t_{o_1})" in text and "∂E_{total}/∂w_{h1,o1} = δ_{o_1}·h_1" in text
    assert "u_{" not in text and "x_{i" not in text
    _, tex = _run("solve", NAMED, "--format", "latex", "--fragment")
    assert r"\mathrm{net}_{h_{1}} &= b_{1} \cdot x_{b} + w_{i1,h1} \cdot i_{1}" in tex
    assert r"\delta_{o_{1}} \cdot h_{1}" in tex
    _, page = _run("solve", NAMED, "--format", "html")
    assert "<msub><mi>h</mi><mn>1</mn></msub>" in page
    from symbackprop.problem import load_problem
    from symbackprop.render.picture import picture
    part = load_problem(NAMED).parts[0]
    drawn = picture(part, 4)
    assert all(f"{{${n}_{{{d}}}$}}" in drawn for n in "iho" for d in "12"), drawn
    default = load_problem(MAZUR).parts[0]
    assert "{$h1$}" in picture(default, 4)                # without unit_names: the ids, as before


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", pytest.param("latex", marks=pytest.mark.slow), "html"])
def test_named_units_every_format(fmt):
    code, out = _run("solve", NAMED, "--format", fmt)
    assert code == 0 and len(out) > 1000, out[-300:]


def test_named_units_read_back(tmp_path, grader_of):
    """#3: check reads the own names (h_1, h_{1}), the ids (h1) and both in a subscript (net_{h_1}, δ_{o1})."""
    want = _mazur_by_hand()
    grader = grader_of(NAMED)
    for k, (name, qid) in enumerate([("h_1", "act_h1"), ("h1", "act_h1"), ("h_{1}", "act_h1"), ("o_1", "act_o1"),
                                     ("net_{h_1}", "net_h1"), ("net_{h1}", "net_h1"), ("\\delta_{o_1}", "delta_o1"),
                                     ("\\delta_{o1}", "delta_o1"), ("δ_{h_{1}}", "delta_h1"), ("E_total", "loss")]):
        ans = tmp_path / f"a{k}.yaml"
        ans.write_text(json.dumps({name: f"{want[qid]:.9f}"}), encoding="utf-8")
        reports, problems = grader.check(ans)
        got = {v.qid: v.status for r in reports for v in r.verdicts}
        assert got == {qid: "correct"} and not problems, (name, got, problems)


@pytest.mark.parametrize("fmt", ["md", pytest.param("tex", marks=pytest.mark.slow)])
def test_named_units_solution_checks_back(tmp_path, fmt):
    """#3: the worked solution, written out, checks back entirely right (55 of 55, nothing unread)."""
    out = tmp_path / f"s.{fmt}"
    assert _run("solve", NAMED, "-o", out)[0] == 0
    code, text = _run("check", NAMED, out)
    assert code == 0, text
    assert "Score: 55 / 55" in text and "Not read" not in text


@pytest.mark.parametrize("change, says", [
    ("unit_names: maybe", "unit_names is 'maybe'; use true"),
    ("unit_names: 1", "unit_names is 1; use true"),
])
def test_unit_names_takes_true_or_false(tmp_path, change, says):
    p = tmp_path / "n.yaml"
    p.write_text(NAMED.read_text(encoding="utf-8").replace("unit_names: true", change), encoding="utf-8")
    code, out = _run("solve", p)
    assert code == 2 and out.count("\n") == 1 and "n.yaml:22: notation.unit_names:" in out
    assert says in out


def test_unit_names_that_read_as_something_else(tmp_path):
    """#3: an own name must be one name only: e1 would be e_1 (e is Euler's number in an answer), and a unit
    1 under input_symbol h and a unit h1 would both be h_1: one line each, exit 2."""
    text = NAMED.read_text(encoding="utf-8")
    p = tmp_path / "e.yaml"
    p.write_text(text.replace("i1", "e1"), encoding="utf-8")
    code, out = _run("solve", p)
    assert code == 2 and "unit e1 would be written e_1" in out and out.count("\n") == 1
    p = tmp_path / "c.yaml"
    p.write_text(text.replace("[i1, i2]", '["1", i2]').replace("i1:", '"1":')
                 .replace("unit_names: true,", "unit_names: true, input_symbol: h,"), encoding="utf-8")
    code, out = _run("solve", p)
    assert code == 2 and "units 1 and h1 would both be written h_1" in out and out.count("\n") == 1


def test_default_output_without_unit_names():
    """#3 is opt-in: Mazur's file without it writes out_{h1}, x_{i1}, net_{h1} as before."""
    code, text = _run("solve", MAZUR)
    assert code == 0
    assert "net_{h1} = b1·x_b + w1·x_{i1} + w2·x_{i2}" in text and "out_{h1} = g(net_{h1})" in text


def test_report_typesets_own_names_and_comma_subscripts(tmp_path):
    """#1 and #3: a report sets net_{h_1}, δ_{o_1} and ∂E_{total}/∂w_{b,o1} as one formula each, subscripts
    nested as solve's LaTeX nests them (\\mathrm{net}_{h_{1}}), never half words half maths (net_{$h_1$})."""
    ans = tmp_path / "a.yaml"
    # by hand (Mazur): net_h1 = 0.35 + 0.15·0.05 + 0.20·0.10 = 0.3775
    ans.write_text('net_{h_1}: 0.3775\n"\\\\delta_{o_1}": 0.1384\n', encoding="utf-8")
    code, md = _run("check", NAMED, ans, "--format", "markdown")
    assert "| $\\mathrm{net}_{h_{1}}$ | `0.3775` |" in md and "| $\\delta_{o_{1}}$ |" in md
    assert "$\\partial E_{total}/\\partial w_{b,o1}$" in md and "{$" not in md
    _, tex = _run("solve", NAMED, "--format", "latex", "--fragment")
    assert r"\mathrm{net}_{h_{1}}" in tex and r"\delta_{o_{1}}" in tex
    _, page = _run("check", NAMED, ans, "--format", "html")
    assert '<msub><mi>net</mi><msub><mi>h</mi><mn>1</mn></msub></msub>' in page
