"""Session 13, F5 (trial t15 items 9, 11, 12): a misspelt field is one error line and the lines come in
line order; `derive` derives a shared (tied) weight; a count of 1 is said in the singular."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.errors import ProblemError
from symbackprop.graph import parse_graph
from symbackprop.messages import say, text_of
from symbackprop.problem import parse_problem

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
