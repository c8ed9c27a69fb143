"""Session 10 (fixa): a weight's name read one way only (issue 12 leftovers).

A subscript's comma says where a weight's two unit names split: `w_{1,23}` (1 → 23) is not `w_{12,3}`
(12 → 3). Without a comma a name is one weight only when exactly one split names a weight of the problem;
otherwise it is ambiguous and the readings are said. Worked by hand for MULTI (units 1, 12 → 3, 23 → 4,
no bias, sigmoid, ½(t - u)², x = (1, 0), t = 1):
  net_3 = 1·1 + (-1)·0 = 1, net_23 = 2·1 + 1·0 = 2, u_3 = σ(1) = 0.73106, u_23 = σ(2) = 0.88080,
  net_4 = u_3 - u_23 = -0.14974, u_4 = σ(net_4) = 0.46264, δ_4 = (u_4 - 1)u_4(1 - u_4) = -0.13359,
  δ_23 = δ_4·(-1)·u_23(1 - u_23) = 0.014026, δ_3 = δ_4·1·u_3(1 - u_3) = -0.026266,
  ∂J/∂w_{1,23} = δ_23·x_1 = 0.0140, ∂J/∂w_{12,3} = δ_3·x_12 = 0, ∂J/∂w_{12,23} = 0, ∂J/∂w_{13} = -0.0263.
`w_{123}` splits as 1|23 and 12|3, both weights: ambiguous. `w_{1223}` splits only as 12|23.
LETTERS (units a, ab → c, bc, h1 → o, bias 0): `w_{abc}` is a|bc or ab|c; `w_{0o}`, `w_{h1o}` one way.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.answers.names import NameTable
from symbackprop.cli import main
from symbackprop.solution import solve

MULTI = """title: multi-digit unit ids
network:
  inputs: [1, 12]
  layers: [[3, 23], [4]]
weights:
  1: {3: 1, 23: 2}
  12: {3: -1, 23: 1}
  3: {4: 1}
  23: {4: -1}
sample: {x: {1: 1, 12: 0}, t: {4: 1}}
loss: half_squared_error
learning_rate: 1
parts:
  - {name: p, activation: sigmoid}
"""

LETTERS = """title: letter unit ids
network:
  inputs: [a, ab]
  bias: 0
  layers: [[c, bc, h1], [o]]
weights:
  0: {c: 1, bc: 1, h1: 1, o: 1}
  a: {c: 1, bc: 2, h1: 1}
  ab: {c: -1, bc: 1, h1: 1}
  c: {o: 1}
  bc: {o: -1}
  h1: {o: 2}
sample: {x: {a: 1, ab: 0}, t: {o: 1}}
loss: half_squared_error
learning_rate: 1
parts:
  - {name: p, activation: sigmoid}
"""


@pytest.fixture(scope="module")
def multi_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fixa") / "multi.yaml"
    path.write_text(MULTI, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def multi_table(multi_file) -> NameTable:
    return NameTable(solve(str(multi_file)).parts[0])


def qid(table: NameTable, name: str) -> str | None:
    q = table.lookup(name)
    return None if q is None else q.qid


def test_multi_digit_names_read_one_way(multi_table):
    t = multi_table
    assert qid(t, "w_{1,23}") == "w_1_23" and qid(t, "w_{12,3}") == "w_12_3"
    assert qid(t, "w_{12, 3}") == "w_12_3"
    assert qid(t, "w_{13}") == qid(t, "w_{1,3}") == qid(t, "w_13") == "w_1_3"
    assert qid(t, "w_{1223}") == "w_12_23" and qid(t, "w_{234}") == "w_23_4"
    assert qid(t, r"\Delta w_{1,23}") == "update_w_1_23"
    assert qid(t, r"\frac{\partial J}{\partial w_{12,3}}") == "grad_w_12_3"
    for name in ("w_{123}", "w_{123}^{new}", r"\frac{\partial J}{\partial w_{123}}"):
        assert qid(t, name) is None
    assert set(t.readings("w_{123}")) == {"w_{1,23}", "w_{12,3}"}
    assert set(t.readings("w_{123}^{new}")) == {"w_{1,23}^new", "w_{12,3}^new"}
    assert t.readings("w_{1,23}") == [] and t.readings("w_{1223}") == []
    part = t.psol
    assert part.step("w_{1,23}").id == "w_1_23" and part.step("dJ/dw_1223").id == "grad_w_12_23"
    for name, shown in (("w_{123}", "w_{12,3} or w_{1,23}"), ("dJ/dw_123", "∂J/∂w_{12,3} or ∂J/∂w_{1,23}")):
        with pytest.raises(KeyError, match="is ambiguous in part p, it could name " + re.escape(shown)):
            part.step(name)


def test_check_judges_each_weight_and_says_ambiguous(multi_file, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("p:\n"
                       "  \\frac{\\partial J}{\\partial w_{1,23}}: 0.0140\n"
                       "  \\frac{\\partial J}{\\partial w_{12,3}}: 0.0140\n"
                       "  \\frac{\\partial J}{\\partial w_{1223}}: 0\n"
                       "  \\frac{\\partial J}{\\partial w_{13}}: -0.0263\n"
                       "  w_{123}^{new}: 1\n"
                       "  net_4: \"u_3 - w_{123}\"\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(multi_file), str(answers)])
    assert r.exit_code == 1, r.output
    rows = {line.split()[0]: line for line in r.output.splitlines() if line.startswith("  ∂J/∂w")}
    assert "correct" in rows["∂J/∂w_{1,23}"] and "WRONG" in rows["∂J/∂w_{12,3}"]
    assert "correct" in rows["∂J/∂w_{12,23}"] and "correct" in rows["∂J/∂w_{13}"]
    assert ("p: w_{123}^{new}: ambiguous, it could name w_{12,3}^new or w_{1,23}^new; "
            "write the two units with a comma") in r.output
    assert "w_{123} is ambiguous, it could name w_{12,3} or w_{1,23}" in r.output


@pytest.mark.slow
def test_write_up_and_chinese(multi_file, tmp_path):
    up = tmp_path / "w.md"
    up.write_text("$w_{123}^{new} = 3$\n\n$w_{1,23}^{new} = 3$\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(multi_file), str(up)])
    assert "line 1: w_{123}^{new}: ambiguous, it could name w_{12,3}^new or w_{1,23}^new" in r.output
    assert "w_{1,23}^new" in r.output and "WRONG" in r.output       # w_{1,23}^new = 2 - 0.0140 = 1.9860
    r = CliRunner().invoke(main, ["check", str(multi_file), str(up), "--lang", "zh"])
    assert "有歧义，可能指 w_{12,3}^new 或 w_{1,23}^new" in r.output, r.output


@pytest.mark.slow
def test_letter_ids(tmp_path):
    path = tmp_path / "letters.yaml"
    path.write_text(LETTERS, encoding="utf-8")
    t = NameTable(solve(str(path)).parts[0])
    assert qid(t, "w_{0o}") == qid(t, "w_{0,o}") == "w_0_o"
    assert qid(t, "w_{h1o}") == qid(t, "w_{h1,o}") == "w_h1_o"
    assert qid(t, "w_{0h1}") == "w_0_h1" and qid(t, "w_{abbc}") == "w_ab_bc"
    assert qid(t, "w_{a,bc}") == "w_a_bc" and qid(t, "w_{ab,c}") == "w_ab_c"
    assert qid(t, "w_{abc}") is None
    assert set(t.readings("w_{abc}")) == {"w_{a,bc}", "w_{ab,c}"}


# -- a transposed matrix is charged once ------------------------------------------------------------------------
SQUARE = """title: "L = |A x - t|^2"
model: graph
inputs:
  A: [[1, 2], [3, 4]]
  x: [1, -1]
  t: [0, 1]
parameters: [A]
nodes:
  r: A*x - t
  L: dot(r, r)
output: L
"""
# by hand: Ax = (-1, -1), r = (-1, -2), ∂L/∂r = 2r = (-2, -4), ∂L/∂A = ∂L/∂r xᵀ = [[-2, 2], [-4, 4]]
RECT = SQUARE.replace("[[1, 2], [3, 4]]", "[[1, 0, 2], [0, 1, -1]]").replace("x: [1, -1]", "x: [1, 2, -1]")
# by hand: Ax = (-1, 3), r = (-1, 2), ∂L/∂r = (-2, 4), ∂L/∂A = [[-2, -4, 2], [4, 8, -4]]


@pytest.mark.parametrize("text, given, charged", [
    (SQUARE, "[[-2, -4], [2, 4]]", {"grad_A_1_2"}),                    # the diagonal is right either way
    (RECT, "[[-2, 4], [-4, 8], [2, -4]]", {"grad_A_1_1"}),              # 3×2 for 2×3: every entry differs
])
def test_transposed_matrix_charged_once(text, given, charged, parser, tmp_path):
    from symbackprop.answers.graph_answers import GraphChecker
    from symbackprop.graph import parse_graph, solve_graph
    checker = GraphChecker(solve_graph(parse_graph(text, "g.yaml")), parser=parser)
    path = tmp_path / "a.yaml"
    path.write_text(f"grad_A: {given}\n", encoding="utf-8")
    reports, problems = checker.check_file(path)
    verdicts = {v.qid: v for v in reports[0].verdicts}
    assert problems == [] and all(v.diagnosis == "transposed" for v in verdicts.values() if v.status != "correct")
    assert {q for q, v in verdicts.items() if v.status == "wrong"} == charged
    first = next(iter(charged))
    others = [v for q, v in verdicts.items() if v.status != "correct" and q != first]
    assert others and all(v.status == "follow_through" and v.credit == 1.0 for v in others)
    named = {"grad_A_1_2": "∂L/∂A_{12}", "grad_A_1_1": "∂L/∂A_{11}"}[first]     # as the solution names them
    assert all(v.message == f"an entry of ∂L/∂A written transposed: charged once, at {named}" for v in others)


def test_only_a_comma_between_two_unit_names_is_kept():
    """A comma splits a weight's two unit names (w_{1,23} is not w_{12,3}); a stray comma (u_{3,}, u,_3, w_{1,,3})
    is dropped, so that every spelling of one name shares one entry (tests/test_bounds.py's 40,000 keys)."""
    from symbackprop.answers.names import canon
    assert canon("w_{1,23}") == "w_1,23" and canon("w_{12,3}") == "w_12,3"
    assert canon("w_{1, 23}") == "w_1,23"
    for stray in ("u_{3,}", "u,_3", "u_{,3}", "u_3,", "u{,}_{ }3,"):
        assert canon(stray) == "u_3", stray
    assert canon("w_{1,,3}") == "w_13"
