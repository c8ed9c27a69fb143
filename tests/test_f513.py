"""Session 13, F5 (trial t15 items 9, 11, 12): a misspelt field is one error line and the lines come in
line order; `derive` derives a shared (tied) weight; a count of 1 is said in the singular."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sympy as sp
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.errors import ProblemError
from symbackprop.graph import parse_graph
from symbackprop.messages import say, text_of
from symbackprop.problem import parse_problem
from symbackprop.rule_check import derive_for_part
from symbackprop.solution import solve
from symbackprop.symbolic_rules import PER_SAMPLE, N, delta_h, delta_o, eta

DATA = Path(__file__).parent / "data" / "f513"


def _errors(read, text: str, source: str = "p.yaml") -> list[ProblemError]:
    with pytest.raises(ProblemError) as info:
        read(text, source)
    return list(getattr(info.value, "errors", (info.value,)))


def _zh_words(line: str) -> list[str]:
    """English phrases left in a line said in Chinese, leaving out what it quotes and the file name."""
    text = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"", " ", line.split(": ", 1)[1])
    return re.findall(r"[A-Za-z]{2,}[ ']+[A-Za-z]{2,}", text)


# -- item 9: one misspelling, one line; the lines by line ------------------------------------------------

NET = """\
network: {inputs: [1, 2], bias: 0, layers: [[3], [4]], activation: sigmoid}
weights: {0: {3: 0.1, 4: 0.2}, 1: {3: 0.3}, 2: {3: 0.4}, 3: {4: 0.5}}
sample: {x: [1, 0], t: [1]}
loss: half_squared_error
learning_rate: 0.5
"""


def test_the_trial_file_gives_one_line_per_misspelling_in_line_order():
    errors = _errors(parse_problem, (DATA / "typo_key.yaml").read_text(), "typo_key.yaml")
    assert [(e.line, e.field) for e in errors] == [(1, "network.activaton"), (5, "lerning_rate")]
    assert "did you mean activation?" in str(errors[0]) and "did you mean learning_rate?" in str(errors[1])
    result = CliRunner().invoke(main, ["solve", str(DATA / "typo_key.yaml"), "--lang", "zh"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 and ":1: network.activaton" in lines[0] and ":5: lerning_rate" in lines[1]


@pytest.mark.parametrize("old, new, field, line", [
    ("activation: sigmoid}", "activaton: sigmoid}", "network.activaton", 1),
    ("inputs:", "input:", "network.input", 1),
    ("layers:", "layer:", "network.layer", 1),
    ("network:", "netwrok:", "netwrok", 1),
    ("weights:", "weigths:", "weigths", 2),
    ("sample:", "sampel:", "sampel", 3),
    ("loss:", "los:", "los", 4),
    ("loss:", "Loss:", "Loss", 4),             # a case-only difference is a near miss too
])
def test_any_misspelt_required_field_is_one_line(old, new, field, line):
    assert not _errors_or_none(NET)
    errors = _errors(parse_problem, NET.replace(old, new, 1))
    assert [(e.field, e.line) for e in errors] == [(field, line)], [str(e) for e in errors]
    assert "did you mean" in str(errors[0])


def _errors_or_none(text: str):
    try:
        parse_problem(text, "p.yaml")
    except ProblemError as exc:
        return exc
    return None


def test_without_the_misspelling_the_missing_field_is_still_reported():
    """The suppression is of the misspelling's consequence only: the same field missing with no near miss
    (or a far-off unknown key) is reported, and a misspelling does not hide another field's mistake."""
    errors = _errors(parse_problem, NET.replace(", activation: sigmoid", ""))
    assert [e.field for e in errors] == ["network.activation"]
    errors = _errors(parse_problem, NET.replace("activation: sigmoid", "zzzzzz: sigmoid"))
    assert [e.field for e in errors] == ["network.zzzzzz", "network.activation"]
    errors = _errors(parse_problem, NET.replace("activation:", "activaton:").replace("learning_rate: 0.5",
                                                                                        "learning_rate: -1"))
    assert [e.field for e in errors] == ["network.activaton", "learning_rate"]


def test_a_misspelling_beside_the_right_field_hides_nothing():
    """`activaton` next to `activation: sigmod`: the activation is given, so its own mistake is reported."""
    text = NET.replace("activation: sigmoid", "activation: sigmod, activaton: relu")
    errors = _errors(parse_problem, text)
    assert [e.field for e in errors] == ["network.activaton", "network.activation"]


PARTS = """\
network: {inputs: [1, 2], bias: 0, layers: [[3], [4]]}
weights: {0: {3: 0.1, 4: 0.2}, 1: {3: 0.3}, 2: {3: 0.4}, 3: {4: 0.5}}
sample: {x: [1, 0], t: [1]}
loss: half_squared_error
learning_rate: 0.5
parts:
  - {name: a, activaton: relu}
  - {name: b, activation: sigmoid, los: cross_entropy}
"""


def test_a_misspelling_in_a_part_hides_only_that_parts_missing_field():
    errors = _errors(parse_problem, PARTS)
    assert [(e.line, e.field) for e in errors] == [(7, "parts[0].activaton"), (8, "parts[1].los")]
    # part b without any activation: its own missing activation is reported (not hidden by a's misspelling)
    errors = _errors(parse_problem, PARTS.replace("activation: sigmoid, ", ""))
    assert [(e.line, e.field) for e in errors] == [(1, "network.activation"), (7, "parts[0].activaton"),
                                                   (8, "parts[1].los")]


GRAPH = """\
model: graph
inputs: {x: 2, w: 3}
nodes: {a: x*w, b: a**2}
output: b
"""


@pytest.mark.parametrize("old, new, field", [("nodes:", "node:", "node"), ("inputs:", "inpts:", "inpts")])
def test_a_misspelt_graph_field_is_one_line(old, new, field):
    parse_graph(GRAPH, "g.yaml")
    errors = _errors(parse_graph, GRAPH.replace(old, new), "g.yaml")
    assert [e.field for e in errors] == [field] and "did you mean" in str(errors[0])


def test_lines_are_printed_in_line_order():
    text = NET.replace("learning_rate: 0.5", "learning_rate: -1").replace("bias: 0,", "bias: 0, bias_input: 7,")
    text = text.replace("loss: half_squared_error", "loss: half_sqared_error")
    errors = _errors(parse_problem, text)
    assert [e.line for e in errors] == [1, 4, 5]


# -- item 12: a count of 1 in the singular ---------------------------------------------------------------

ONE_UNIT = """\
network: {inputs: [1], bias: 0, layers: [[3], [4]], activation: sigmoid}
weights: {0: {3: 0.1, 4: 0.2}, 1: {3: 0.3}, 3: {4: 0.5}}
sample: {x: [1], t: [1]}
loss: half_squared_error
learning_rate: 0.5
"""
MATRICES = """\
network: {inputs: [1, 2], bias: 0, layers: [[3, 4], [5]], activation: sigmoid}
weights:
  - {W: [[3, 4], [6, 5]], b: [1, -6]}
  - {W: [[2, 4]], b: [-4]}
sample: {x: [1, 0], t: [1]}
loss: half_squared_error
learning_rate: 1
"""
ONE_INPUT = MATRICES.replace("inputs: [1, 2]", "inputs: [1]").replace("[[3, 4], [6, 5]]", "[[3], [6]]").replace(
    "x: [1, 0]", "x: [1]")


@pytest.mark.parametrize("text, said", [
    (DATA.joinpath("badtarget.yaml").read_text(), "sample.t: expected 1 value, for the one output unit (4)"),
    (ONE_UNIT.replace("x: [1]", "x: [1, 0]"), "sample.x: expected 1 value, for the one input unit (1)"),
    (ONE_INPUT.replace("[[3], [6]]", "[[3, 1], [6]]"), "weights[0].W[0]: expected 1 value (for unit 1)"),
    (MATRICES.replace("[[2, 4]]", "[[2, 4], [1, 1]]"),
     "weights[1].W: expected 1 row (for unit 5) with 2 values (one per unit 3, 4)"),
    (ONE_INPUT.replace("[[3], [6]]", "[[3]]"),
     "weights[0].W: expected 2 rows (one per unit 3, 4), each with 1 value (for unit 1)"),
    (ONE_INPUT.replace("layers: [[3, 4], [5]]", "layers: [[3], [5]]").replace("[[3], [6]]", "[[3], [6]]")
     .replace("b: [1, -6]", "b: [1]").replace("[[2, 4]]", "[[2]]"),
     "weights[0].W: expected 1 row (for unit 3) with 1 value (for unit 1)"),
    (MATRICES.replace("b: [-4]", "b: [-4, 1]"), "weights[1].b: expected 1 bias weight (for unit 5)"),
    (MATRICES.replace("bias: 0,", "bias: 0, bias_input: -1,").replace("b: [-4]", "b: []"),
     "weights[1].b: expected 1 threshold θ (the weight from the bias input of −1, for unit 5)"),
])
def test_a_count_of_one_is_singular_in_english_and_said_in_chinese(text, said):
    errors = _errors(parse_problem, text)
    lines = [str(e) for e in errors]
    assert any(line.endswith(said) for line in lines), lines
    assert not any(re.search(r"\b1 (values|rows|bias weights|thresholds)\b", line) for line in lines), lines
    one = next(e for e in errors if str(e).endswith(said))
    zh = say(text_of(one), "zh")
    assert re.search(r"[\u4e00-\u9fff]", zh) and _zh_words(zh) == [], zh


def test_the_plural_is_kept_for_other_counts():
    errors = _errors(parse_problem, NET.replace("x: [1, 0]", "x: [1]"))
    assert [str(e).split(": ", 2)[2] for e in errors] == ["expected 2 values, one per input unit (1, 2)"]
    errors = _errors(parse_problem, NET.replace("t: [1]", "t: [1, 0]"))
    assert [str(e).split(": ", 2)[2] for e in errors] == ["expected 1 value, for the one output unit (4)"]


def test_rounding_to_one_place_is_singular():
    from symbackprop.answers.compare import Tolerance, compare_number
    from symbackprop.messages import msg
    assert msg("en", "diagnosis.one_unit_off_one", right="0.5").endswith("to 1 place the value is 0.5")
    # 0.46 to 1 place is 0.5: 0.4 (written to 1 place) is misrounded; 0.4351 to 2 places is 0.44, not 0.43
    match = compare_number(0.4, 1, 0.46, Tolerance(precision=1))
    assert (match.status, str(match.message)) == ("rounding", "rounded wrongly: 0.5 to 1 place")
    match = compare_number(0.43, 2, 0.4351, Tolerance(precision=2))
    assert (match.status, str(match.message)) == ("rounding", "rounded wrongly: 0.44 to 2 places")


# -- item 11: derive writes a shared (tied) parameter ------------------------------------------------------

SHARED = DATA / "neg_batch_shared.yaml"           # th = w_0_3 = w_0_4, thresholds (x_0 = −1), 2 samples, mean


def _solved(text: str) -> dict[str, sp.Expr]:
    psol = solve(parse_problem(text, "p.yaml")).parts[0]
    return {str(s.key): s.value for s in psol.steps}


def _at(expr: sp.Expr, values: dict[str, sp.Expr], samples: int) -> float:
    """A rule of the derivation evaluated with solve's δ of each unit and sample (the δ bases only)."""
    e = expr.xreplace({N: samples}).doit()
    bases = {PER_SAMPLE[delta_h]: "delta", PER_SAMPLE[delta_o]: "delta", delta_h: "delta", delta_o: "delta"}
    subs = {}
    for q in e.atoms(sp.Indexed):
        unit = str(q.indices[0])
        subs[q] = values[f"{bases[q.base]}_{unit}" + (f"@{q.indices[1]}" if len(q.indices) > 1 else "")]
    return float(sp.N(e.xreplace(subs), 30))


def test_the_shared_threshold_is_derived_and_agrees_with_solve_and_finite_differences():
    text = SHARED.read_text()
    dv = derive_for_part(parse_problem(text, "p.yaml").parts[0])
    (sh,) = dv.shared
    assert sh.name == "th" and sh.edges == (("0", "3"), ("0", "4"))
    assert sh.edge_rules == ("grad_hidden_weight", "grad_hidden_weight") and not sh.frozen
    values = _solved(text)
    # by hand: ∂E/∂w_0j = −(1/N)·Σ_n δ_j^(n)·x_0 with x_0 = −1 (δ = −∂E/∂net), so ∂E/∂th = ½·Σ_n (δ_3^(n) + δ_4^(n))
    by_hand = sum(float(values[f"delta_{u}@{n}"]) for u in "34" for n in (1, 2)) / 2
    grad = _at(sh.grad.rule, values, 2)
    assert grad == pytest.approx(by_hand, rel=1e-12)
    assert grad == pytest.approx(float(values["grad_shared_th"]), rel=1e-12)
    alpha = parse_problem(text, "p.yaml").parts[0].learning_rate          # 1/10
    update = _at(sh.update.rule.xreplace({eta: alpha}), values, 2)
    assert update == pytest.approx(-float(alpha) * grad, rel=1e-12)
    assert update == pytest.approx(float(values["update_shared_th"]), rel=1e-12)
    # finite differences of the mean loss in th (both tied edges moved together)
    h = sp.Rational(1, 10**6)
    loss = [_solved(text.replace("0: {3: 0.8, 4: 0.8,", f"0: {{3: {v}, 4: {v},"))["loss"] for v in (sp.Rational(4, 5) + h,
                                                                                                   sp.Rational(4, 5) - h)]
    assert float(sp.N((loss[0] - loss[1]) / (2 * h), 30)) == pytest.approx(grad, rel=1e-6)
    assert dv.ok and any(ch.id == "shared_th" and ch.distinct == 2 for ch in dv.checks)


@pytest.mark.parametrize("fmt, wanted", [
    ("text", ["Shared weights: th", "∂E/∂th = ∂E/∂w_{03} + ∂E/∂w_{04}", "(1/N)·Σ_n[1..N] (δ_3^(n) + δ_4^(n))",
              "Δth = -α·∂E/∂th = -(α/N)·Σ_n[1..N] (δ_3^(n) + δ_4^(n))", "2 values agree"]),
    pytest.param("markdown", ["Shared weights: th", r"\frac{\partial E}{\partial th} = \frac{\partial E}{\partial w_{03}}",
                  r"\Delta th = - \alpha \frac{\partial E}{\partial th}"], marks=pytest.mark.slow),
    pytest.param("latex", ["Shared weights: th", r"\frac{\partial E}{\partial w_{04}}", r"\Delta th &= - \alpha"],
                 marks=pytest.mark.slow),
])
def test_every_derive_format_has_the_shared_parameter(fmt, wanted):
    result = CliRunner().invoke(main, ["derive", str(SHARED), "--format", fmt])
    assert result.exit_code == 0, result.output
    for piece in wanted:
        assert piece in result.output, (piece, result.output[-1500:])


@pytest.mark.slow
def test_derive_json_and_chinese_have_the_shared_parameter():
    result = CliRunner().invoke(main, ["derive", str(SHARED), "--format", "json"])
    data = json.loads(result.output)["derivations"][0]
    th = data["shared"]["th"]
    assert th["edges"] == ["w_0_3", "w_0_4"] and th["frozen"] is False
    assert th["grad"]["text"].startswith("∂E/∂th = ∂E/∂w_{03} + ∂E/∂w_{04} = ")
    assert th["update"]["text"] == "Δth = -α·∂E/∂th = -(α/N)·Σ_n[1..N] (δ_3^(n) + δ_4^(n))"
    assert data["checks"]["shared_th"]["ok"] and data["checks"]["shared_th"]["values"] == 2
    zh = CliRunner().invoke(main, ["derive", str(SHARED), "--lang", "zh"]).output
    section = zh[zh.index("共享权重"):]
    assert "Δth = -α·∂E/∂th" in section and "th 是 2 个权重共用的一个参数" in section
    assert "1 个值" not in section and "2 个值一致" in section
    plain = CliRunner().invoke(main, ["derive", str(DATA.parent.parent.parent / "problems" / "xor.yaml"),
                                      "--format", "json"]).output
    assert "shared" not in json.loads(plain)["derivations"][0]          # no shared: nothing added


@pytest.mark.parametrize("name, shared", [
    pytest.param("shared_no_hidden.yaml", {"s": ("grad_output_weight", "grad_output_weight")},
                 marks=pytest.mark.slow),
    pytest.param("shared_across.yaml", {"s": ("grad_hidden_weight", "grad_output_weight")}, marks=pytest.mark.slow),
    pytest.param("shared_deep.yaml", {"s": ("grad_hidden_to_hidden_weight",) * 2, "o": ("grad_output_weight",) * 2,
                                      "h": ("grad_hidden_weight",) * 2, "b": ("grad_hidden_to_hidden_weight",) * 2},
                 marks=pytest.mark.slow),
])
def test_shared_edges_of_every_kind_are_derived_and_agree(name, shared):
    text = (DATA / name).read_text()
    dv = derive_for_part(parse_problem(text, name).parts[0])
    assert {sh.name: sh.edge_rules for sh in dv.shared} == shared
    values = _solved(text)
    samples = len(parse_problem(text, name).parts[0].samples)
    for sh in dv.shared:
        check = next(ch for ch in dv.checks if ch.id == f"shared_{sh.name}")
        assert check.ok and check.distinct == 2, check
        if not sh.grad.rule.atoms(sp.Indexed) - {q for q in sh.grad.rule.atoms(sp.Indexed)
                                                  if q.base in (delta_h, delta_o, PER_SAMPLE[delta_h],
                                                                PER_SAMPLE[delta_o])}:
            # a rule in δ only (a bias): evaluated here with solve's δ, independently of the check
            assert _at(sh.grad.rule, values, samples) == pytest.approx(float(values[f"grad_shared_{sh.name}"]),
                                                                       rel=1e-12)


@pytest.mark.slow
def test_a_frozen_shared_parameter_has_its_gradient_and_no_update():
    dv = derive_for_part(parse_problem((Path(__file__).parent / "data" / "lefta11" / "mazur.yaml").read_text(),
                                       "mazur.yaml").parts[0])
    assert [sh.frozen for sh in dv.shared] == [True, True]
    assert all(ch.ok and ch.distinct == 1 for ch in dv.checks if ch.id.startswith("shared_"))
    result = CliRunner().invoke(main, ["derive", str(Path(__file__).parent / "data" / "lefta11" / "mazur.yaml")])
    section = result.output[result.output.index("Shared weights: b1"):]
    assert "Δb1" not in section and "the file freezes it, so it is not updated" in section


def test_the_class_summary_title_says_one_in_the_singular():
    from symbackprop.messages import msg
    assert msg("en", "summary.title_one", submissions=1, graded=1) == "# Class summary: 1 submission, 1 graded"
    assert msg("en", "summary.title_skipped_one_entry", submissions=1, graded=0, skipped=1) == (
        "# Class summary: 1 submission, 0 graded, 1 other entry skipped")
    assert msg("en", "summary.title_skipped_entry", submissions=3, graded=2, skipped=1).endswith(
        "3 submissions, 2 graded, 1 other entry skipped")
    assert msg("zh", "summary.title_one", submissions=1, graded=1) == "# 全班汇总：1 份提交，已批改 1 份"
