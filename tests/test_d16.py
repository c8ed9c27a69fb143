"""Session 16, task D (issue 14): dropout, one step by hand (`dropout:`, symbackprop/dropout.py).

The numbers are checked against a NumPy forward pass written here with the mask of
problems/xor_dropout.yaml typed in (unit 3 kept, unit 4 dropped, p = 0.5), by central finite
differences of J in the weights and in each net (δ_j = ∂J/∂net_j, the file's dJ_dnet convention); the
test-time output by hand; a seeded mask against NumPy's own draw.
"""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sympy as sp
from click.testing import CliRunner

from conftest import PROBLEMS
from symbackprop import solve
from symbackprop.cli import main
from symbackprop.errors import ProblemError
from symbackprop.gradcheck import check_part
from symbackprop.problem import load_problem, parse_problem

FILE = PROBLEMS / "xor_dropout.yaml"
# problems/xor.yaml's weights, (from, to) -> value
W = {(0, 3): 1, (1, 3): 3, (2, 3): 4, (0, 4): -6, (1, 4): 6, (2, 4): 5, (0, 5): -4, (3, 5): 2, (4, 5): 4}
X = {1: 1.0, 2: 0.0}
T = 1.0
P = 0.5
MASK = {3: 1.0, 4: 0.0}


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def loss(w: dict, scaling: str, bump: dict | None = None) -> float:
    """J = ½(t − u_5)² of the masked forward pass; `bump` adds to a net (for δ by finite differences)."""
    bump = bump or {}
    s = 1 / (1 - P) if scaling == "inverted" else 1.0
    out = {0: 1.0, **X}
    for j in (3, 4):
        out[j] = MASK[j] * s * sigmoid(sum(w[(i, j)] * out[i] for i in (0, 1, 2)) + bump.get(j, 0.0))
    u5 = sigmoid(sum(w[(i, 5)] * out[i] for i in (0, 3, 4)) + bump.get(5, 0.0))
    return 0.5 * (T - u5) ** 2


def fd(f, h: float = 1e-6) -> float:
    return (f(h) - f(-h)) / (2 * h)


@pytest.fixture(scope="module")
def sol():
    return solve(FILE)


@pytest.mark.parametrize("scaling", ["standard", "inverted"])
def test_every_gradient_and_delta_agrees_with_finite_differences(sol, scaling):
    psol = sol.part(scaling)
    for (i, j) in W:
        want = fd(lambda h: loss({**W, (i, j): W[(i, j)] + h}, scaling))
        got = psol.step(f"grad_w_{i}_{j}").float_value
        assert got == pytest.approx(want, abs=1e-8), (i, j)
        # the update and the updated weight follow with η = 1
        assert psol.step(f"update_w_{i}_{j}").float_value == pytest.approx(-want, abs=1e-8)
        assert psol.step(f"new_w_{i}_{j}").float_value == pytest.approx(W[(i, j)] - want, abs=1e-8)
    for j in (3, 4, 5):
        want = fd(lambda h: loss(W, scaling, {j: h}))
        assert psol.step(f"delta_{j}").float_value == pytest.approx(want, abs=1e-8), j
    # the masked outputs the next layer reads
    s = 2.0 if scaling == "inverted" else 1.0
    assert psol.step("masked_3").float_value == pytest.approx(s * sigmoid(4), abs=1e-12)
    # the two scalings differ: inverted doubles ũ_3, so their output δ differ
    other = sol.part("inverted" if scaling == "standard" else "standard")
    assert psol.step("delta_5").float_value != pytest.approx(other.step("delta_5").float_value, abs=1e-3)


@pytest.mark.parametrize("scaling", ["standard", "inverted"])
def test_a_dropped_unit_has_delta_exactly_zero_and_its_weights_no_gradient(sol, scaling):
    psol = sol.part(scaling)
    assert psol.step("delta_4").value == 0 and psol.step("delta_4").value.is_Integer
    assert psol.step("masked_4").value == 0
    for i in (0, 1, 2):
        assert psol.step(f"grad_w_{i}_4").value == 0
    assert psol.step("grad_w_4_5").value == 0          # w_45 reads ũ_4 = 0
    # the kept unit's δ is not 0, and carries the mask m_3 (and 1/(1 − p) when inverted) in its rule
    d3 = psol.step("delta_3")
    assert d3.float_value != 0
    names = {psol.names.text[s] for s in d3.forms[-1].free_symbols}
    assert "m_3" in names and (("p" in names) == (scaling == "inverted"))
    # the mask and p are given values of their own
    assert psol.step("mask_4").value == 0 and psol.step("mask_3").value == 1
    assert psol.step("dropout_p_1").value == sp.Rational(1, 2)


def test_the_test_time_output_by_hand(sol):
    """No mask at test time. Standard: the hidden outputs ×(1 − p) = ½; inverted: as they are. With the
    weights as given: net_5 = −4 + 2·ũ_3 + 4·ũ_4, σ(4) and σ(0) = ½ the hidden outputs."""
    e = sp.exp
    s4, s0 = 1 / (1 + e(-4)), sp.Rational(1, 2)
    standard = 1 / (1 + e(-(-4 + 2 * s4 / 2 + 4 * s0 / 2)))
    inverted = 1 / (1 + e(-(-4 + 2 * s4 + 4 * s0)))
    for name, want in (("standard", standard), ("inverted", inverted)):
        psol = sol.part(name)
        got = psol.step("test_act_5")
        assert got.section == "test"
        assert sp.simplify(got.value - want) == 0, name
        assert psol.step("test_masked_4").float_value == pytest.approx(0.25 if name == "standard" else 0.5)
    assert sol.part("standard").step("test_act_5").float_value == pytest.approx(0.11733, abs=1e-5)
    assert sol.part("inverted").step("test_act_5").float_value == pytest.approx(sigmoid(-4 + 2 * sigmoid(4) + 2))


def test_the_gradient_check_applies_the_mask_and_agrees(sol):
    for psol in sol.parts:
        report = check_part(psol)
        assert report.ok, psol.name
        assert report.max_fd < 1e-8


SEEDED = """
network: {inputs: [1, 2], bias: 0, layers: [[3, 4, 5], [6]], activation: tanh, output_activation: identity}
weights:
  0: {3: 0.1, 4: -0.2, 5: 0.3, 6: 0.1}
  1: {3: 0.5, 4: -0.4, 5: 0.2}
  2: {3: -0.3, 4: 0.6, 5: 0.1}
  3: {6: 0.7}
  4: {6: 0.2}
  5: {6: -0.6}
samples:
  - {x: {1: 1, 2: 0}, t: {6: 1}}
  - {x: {1: 0, 2: 1}, t: {6: 0}}
  - {x: {1: 1, 2: 1}, t: {6: 1}}
loss: half_squared_error
dropout: {layer: 1, p: 0.25, seed: 7}
"""


def test_a_seeded_mask_is_numpys_draw_as_documented():
    part = parse_problem(SEEDED).parts[0]
    (d,) = part.dropout
    want = np.random.default_rng(7).random((3, 3)) < 1 - 0.25       # docs/problem-format.md
    assert d.masks == tuple(tuple(int(v) for v in row) for row in want)
    assert d.seed == 7 and d.scaling == "inverted"                 # the default scaling
    psol = solve(parse_problem(SEEDED)).parts[0]
    for n, row in enumerate(want):
        for j, keep in zip((3, 4, 5), row):
            assert psol.step(f"mask_{j}@{n + 1}").value == int(keep)
            if not keep:
                assert psol.step(f"delta_{j}@{n + 1}").value == 0
    assert check_part(psol).ok


BASE = """network: {inputs: [1, 2], bias: 0, layers: [[3, 4], [5]], activation: sigmoid}
weights: {0: {3: 1, 4: -6, 5: -4}, 1: {3: 3, 4: 6}, 2: {3: 4, 4: 5}, 3: {5: 2}, 4: {5: 4}}
sample: {x: {1: 1, 2: 0}, t: {5: 1}}
loss: half_squared_error
"""
DROP_LINE = BASE.count("\n") + 1


@pytest.mark.parametrize("dropout, field, words", [
    ("{layer: 1, p: 1, mask: [1, 0]}", "dropout.p", "outside [0, 1)"),
    ("{layer: 1, p: -0.5, mask: [1, 0]}", "dropout.p", "outside [0, 1)"),
    ("{layer: 1, p: 0.5, mask: [1, 0, 1]}", "dropout.mask", "a mask of 3 entries, but layer 1 has 2 units (3, 4)"),
    ("{layer: 1, p: 0.5, mask: [1, 2]}", "dropout.mask[1]", "not 0 or 1"),
    ("{layer: 2, p: 0.5, mask: [1]}", "dropout.layer", "is the output layer"),
    ("{layer: 0, p: 0.5, mask: [1, 0]}", "dropout.layer", "is the input layer"),
    ("{layer: 1, p: 0.5, scaling: invert, mask: [1, 0]}", "dropout.scaling", "did you mean inverted"),
    ("{layer: 1, p: 0.5, mask: [1, 0], seed: 3}", "dropout.seed", "mask and seed both"),
    ("{layer: 1, p: 0.5}", "dropout.mask", "missing"),
    ("{layer: 1, p: 0.5, mask: {3: 1}}", "dropout.mask", "no entry for unit 4"),
    ("{layer: 1, p: 0.5, mask: [[1, 0], [1, 1]]}", "dropout.mask", "2 rows"),
])
def test_each_mistake_is_one_line_with_its_field_and_line(dropout, field, words):
    with pytest.raises(ProblemError) as err:
        parse_problem(BASE + f"dropout: {dropout}\n", "f.yaml")
    assert err.value.field == field and err.value.line == DROP_LINE
    assert words in str(err.value) and "\n" not in str(err.value)


def test_the_mask_as_a_mapping_and_per_part():
    part = parse_problem(BASE + "dropout: {layer: 1, p: 0.5, scaling: standard, mask: {4: 0, 3: 1}}\n").parts[0]
    assert part.dropout[0].masks == ((1, 0),)
    problem = load_problem(FILE)
    assert [p.dropout[0].scaling for p in problem.parts] == ["standard", "inverted"]
    text = BASE + "dropout: {layer: 1, p: 0.5, mask: [1, 0]}\nparts:\n  - {name: drop}\n  - {name: none, dropout: []}\n"
    both = solve(parse_problem(text))
    assert both.part("drop").step("delta_4").value == 0 and not both.part("none").part.dropout
    assert both.part("none").step("delta_4").float_value != 0


def test_the_cli_says_a_mistake_in_chinese_too_and_exits_2(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text(BASE + "dropout: {layer: 1, p: 1.5, mask: [1, 0]}\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["solve", str(f), "--lang", "zh"])
    assert r.exit_code == 2
    assert f"bad.yaml:{DROP_LINE}: dropout.p" in r.output and "不在 [0, 1) 内" in r.output


def test_train_applies_dropout_now(tmp_path):
    # session 16, DT: `train` trains with dropout (tests/test_dt16.py) instead of refusing it in one line
    text = (PROBLEMS / "xor_train.yaml").read_text(encoding="utf-8") + "dropout: {layer: 1, p: 0.5, seed: 1}\n"
    f = tmp_path / "run.yaml"
    f.write_text(text.replace("epochs: 2000", "epochs: 3"), encoding="utf-8")
    r = CliRunner().invoke(main, ["train", str(f)])
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output
    assert "Dropout on hidden layer 1: p = 0.5" in r.output and "default_rng(1)" in r.output


@pytest.mark.slow
def test_every_format_shows_the_masked_pass_and_test_time():
    runner = CliRunner()
    out = runner.invoke(main, ["solve", str(FILE)]).output
    ut = "u\u0303"                # ũ: u and a combining tilde
    assert f"{ut}_4 = m_4·u_4 = 0×0.5 = 0" in out
    assert "δ_4 = δ_5·w_{45}·g'(net_4)·m_4/(1 - p) = -0.1293×4×0.25×0/(1 - 0.5) = 0" in out
    assert f"{ut}_3^test = u_3·(1 - p) = 0.9820×(1 - 0.5) ≈ 0.4910" in out
    assert "Test time: no dropout" in out and "δ is 0 (δ_4 = 0)" in out
    data = json.loads(runner.invoke(main, ["solve", str(FILE), "--format", "json"]).output)
    q = data["parts"][1]["quantities"]
    assert {"mask_3", "dropout_p_1", "masked_3", "test_masked_3", "test_net_5", "test_act_5"} <= set(q)
    assert q["test_act_5"]["section"] == "test"
    assert data["parts"][1]["settings"]["dropout"] == [{"layer": 1, "units": ["3", "4"], "p": 0.5, "p_exact": "1/2",
                                                          "scaling": "inverted", "masks": [[1, 0]], "seed": None}]
    for fmt, mark in (("latex", r"\tilde{u}_{3}"), ("markdown", r"\tilde{u}"), ("html", "test")):
        assert mark in runner.invoke(main, ["solve", str(FILE), "--format", fmt]).output, fmt


def test_files_without_dropout_have_no_dropout_steps():
    for psol in solve(PROBLEMS / "xor.yaml").parts:
        assert not psol.part.dropout
        kinds = {s.key.kind for s in psol.steps}
        assert not kinds & {"mask", "dropout_p", "masked", "test_net", "test_act", "test_masked"}
        assert all(s.section != "test" for s in psol.steps)


def test_check_grades_dropout_answers_and_names_the_slips():
    from symbackprop.answers import check_submission
    answers = {"inverted": {"u_3": 0.9820, "masked_3": 1.9640, "masked_4": 0, "delta_4": 0, "delta_3": -0.0091,
                            "grad_w_3_5": -0.2540, "test_act_5": 0.4910},
               "standard": {"masked_3": 0.9820, "delta_4": -0.0903, "test_masked_3": 0.9820}}
    reports, _ = check_submission(FILE, answers)
    by = {r.part: {v.qid: v for v in r.verdicts} for r in reports}
    assert all(v.status == "correct" for v in by["inverted"].values())
    assert by["standard"]["masked_3"].status == "correct"
    assert by["standard"]["delta_4"].diagnosis == "dropout_mask_missing"       # the dropped unit worked as kept
    assert by["standard"]["test_masked_3"].diagnosis == "dropout_test_scale_missing"
    reports, _ = check_submission(FILE, {"inverted": {"masked_3": 0.9820, "delta_3": -0.0046}})
    v = {v.qid: v for r in reports if r.part == "inverted" for v in r.verdicts}
    assert v["masked_3"].diagnosis == "dropout_scale_missing" and v["delta_3"].diagnosis == "dropout_scale_missing"


def test_the_docs_show_the_tools_own_output():
    """docs/training.md's "Dropout, one step by hand": the inverted part's whole output, and lines of the
    standard part's, as the tool prints them."""
    from conftest import ROOT
    text = (ROOT / "docs" / "training.md").read_text(encoding="utf-8")
    section = text.split("## Dropout, one step by hand", 1)[1].split("\n## ", 1)[0]
    blocks = section.split("```\n")[1::2]
    runner = CliRunner()
    inverted = runner.invoke(main, ["solve", str(FILE), "--part", "inverted"]).output
    standard = runner.invoke(main, ["solve", str(FILE), "--part", "standard"]).output.splitlines()
    assert blocks[1] == inverted
    excerpt = blocks[2].splitlines()
    assert len(excerpt) > 10 and all(line in standard for line in excerpt)


@pytest.mark.slow
def test_derive_gives_the_rules_without_dropout_and_checks_them():
    r = CliRunner().invoke(main, ["derive", str(FILE), "--part", "standard"])
    assert r.exit_code == 0, r.output
    assert "Checked on the network of the file" in r.output and "agree" in r.output


def test_the_picture_draws_the_dropped_unit_dashed():
    from symbackprop.render.picture import picture
    drawn = picture(load_problem(FILE).parts[0], 4)
    assert drawn.count("densely dashed") == 1 and "densely dashed, fill=black!15] (n1x1)" in drawn    # unit 4
    assert "densely dashed" not in picture(load_problem(PROBLEMS / "xor.yaml").parts[0], 4)
