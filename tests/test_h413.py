"""Session 13, task H4 (trial t17 items 5 and 11's first three bullets): derive on a network whose weights
are frozen or tied (the update rule not checked, said so, exit 0), and problem-file errors that show numbers
as the file writes them, hint the reversed edge id, and name the sample and its line."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.symbolic_rules import RuleCheck

DATA = Path(__file__).parent / "data" / "h413"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


# ---------------------------------------------------------------- item 5: derive with frozen or tied weights

def test_frozen_hidden_layer_derives_with_exit_0_and_says_why():
    # relu_frozen.yaml: the input-to-hidden layer is frozen, so no Δw_ij is computed at all; ∂J/∂w_ij still is
    # (3 hidden units × (2 inputs + bias) = 9 gradients) and its rule is checked on them
    rc, out, err = run("derive", str(DATA / "relu_frozen.yaml"))
    assert rc == 0, (out, err)
    assert err == ""
    update_section = out.split("Update of an input-to-hidden weight")[1]
    assert "these weights are frozen" in update_section
    assert "no such weights" not in out
    grad_section = out.split("Gradient of an input-to-hidden weight")[1].split("Update of")[0]
    assert "9 values agree" in grad_section


def test_frozen_check_in_json_and_chinese():
    rc, out, _ = run("derive", str(DATA / "relu_frozen.yaml"), "--format", "json")
    assert rc == 0
    checks = json.loads(out)["derivations"][0]["checks"]
    assert checks["update_hidden_weight"] == {"compared": 0, "values": 0, "max_error": 0.0, "ok": True,
                                              "not_checked": "frozen"}
    assert checks["grad_hidden_weight"]["values"] == 9 and "not_checked" not in checks["grad_hidden_weight"]
    rc, out, _ = run("derive", str(DATA / "relu_frozen.yaml"), "--lang", "zh")
    assert rc == 0 and "这些权重已冻结" in out


@pytest.mark.slow
def test_frozen_between_hidden_layers_and_tied_output_weights():
    # deep_frozen.yaml: the weights between the two hidden layers (2×(2+1) = 6) are frozen
    rc, out, _ = run("derive", str(DATA / "deep_frozen.yaml"), "--format", "json")
    assert rc == 0
    checks = json.loads(out)["derivations"][0]["checks"]
    assert checks["update_hidden_to_hidden_weight"]["not_checked"] == "frozen"
    assert checks["grad_hidden_to_hidden_weight"]["values"] == 6
    # tied_out.yaml: every weight into the output (bias too) is one shared parameter v, updated once
    rc, out, _ = run("derive", str(DATA / "tied_out.yaml"))
    assert rc == 0, out
    assert "these weights are tied" in out.split("Update of a hidden-to-output weight")[1]


def test_a_rule_that_compared_nothing_for_no_reason_is_still_not_ok():
    assert not RuleCheck("update_hidden_weight", 0, 0.0, 0).ok
    assert RuleCheck("update_hidden_weight", 0, 0.0, 0, "frozen").ok
    assert not RuleCheck("update_hidden_weight", 3, 0.5, 3).ok


# ---------------------------------------------------------------- item 11: problem-file errors

def error_of(tmp_path: Path, name: str, *edits: tuple[str, str], lang: str = "en") -> str:
    text = (DATA / name).read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    rc, out, err = run("solve", str(path), "--lang", lang)
    assert rc == 2 and out == "", (rc, out, err)
    assert "Traceback" not in err
    return err


def line_of(name: str, needle: str) -> int:
    """The 1-based line of the file that holds `needle` (worked out from the text, not from the tool)."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


@pytest.mark.parametrize("first, second, shown", [
    ("2: {4: 0.5}", "3: {4: 0.4}", ("0.5", "0.4")),              # the trial's: not 1/2 and 2/5
    ("2: {4: 0.50}", "3: {4: 0.40}", ("0.50", "0.40")),          # a trailing zero kept
    ("2: {4: 1/3}", "3: {4: 0.4}", ("1/3", "0.4")),              # a fraction written as one
    ("2: {4: 5e-1}", "3: {4: -2}", ("5e-1", "-2")),
])
def test_shared_values_error_shows_numbers_as_written(tmp_path, first, second, shown):
    err = error_of(tmp_path, "shared_values.yaml", ("2: {4: 0.5}", first), ("3: {4: 0.4}", second))
    assert f"w_2_4 is {shown[0]} but w_3_4 is {shown[1]}" in err
    assert "1/2" not in err and "2/5" not in err


def test_shared_values_in_weight_matrices_are_shown_as_written(tmp_path):
    # weights as matrices: W[0][0] is w_1_2 … the two tied output weights written 0.25 and 0.75
    text = """title: m
network: {inputs: [1], bias: 0, layers: [[2, 3], [4]], activation: tanh, output_activation: identity}
weights:
  - {W: [[0.5], [0.2]], b: [0, 0]}
  - {W: [[0.25, 0.75]], b: [0]}
shared: {v: [w_2_4, w_3_4]}
sample: {x: [1], t: [0]}
loss: half_squared_error
"""
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    rc, _, err = run("solve", str(path))
    assert rc == 2 and "w_2_4 is 0.25 but w_3_4 is 0.75" in err and ":6:" in err


@pytest.mark.parametrize("value, shown", [("1.50", "1.50"), ("3/2", "3/2"), ("-1", "-1")])
def test_other_range_errors_show_numbers_as_written(tmp_path, value, shown):
    err = error_of(tmp_path, "bce_target.yaml", ("learning_rate: 0.1", f"learning_rate: -{value.lstrip('-')}"))
    assert f"got -{value.lstrip('-')}" in err


@pytest.mark.parametrize("written, hint", [
    ("[w_2_4, w_4_3]", "did you mean w_3_4?"),       # the trial's
    ("[w_4_2, w_3_4]", "did you mean w_2_4?"),       # the first one reversed
    ("[w_4_0, w_0_4]", "did you mean w_0_4?"),       # the bias's edge reversed
])
def test_reversed_shared_edge_gets_a_hint(tmp_path, written, hint):
    err = error_of(tmp_path, "shared_reversed.yaml", ("[w_2_4, w_4_3]", written))
    assert "is not a weight of the network" in err and hint in err


def test_unknown_shared_edge_that_is_no_reversed_edge_gets_no_hint(tmp_path):
    err = error_of(tmp_path, "shared_reversed.yaml", ("[w_2_4, w_4_3]", "[w_2_4, w_1_4]"))
    assert "'w_1_4' is not a weight of the network" in err and "did you mean" not in err


def test_reversed_edge_in_weights_mapping_gets_a_hint(tmp_path):
    # bce_target.yaml's weights 3: {5: 0.8}; written the other way round, 5: {3: 0.8}
    err = error_of(tmp_path, "bce_target.yaml", ("  3: {5: 0.8}", "  5: {3: 0.8}"))
    assert "5 -> 3 is not a connection" in err
    assert "did you mean the weight from unit 3 to unit 5, written 3: {5: …}?" in err
    err = error_of(tmp_path, "bce_target.yaml", ("  3: {5: 0.8}", "  5: {3: 0.8}"), lang="zh")
    assert "从单元 3 到单元 5 的权重" in err


def test_bad_target_points_at_its_sample_and_line(tmp_path):
    # the trial's: sample 2 (samples[1]) has t: {5: 2}, on its own line 11, not `samples:` on line 9
    err = error_of(tmp_path, "bce_target.yaml")
    line = line_of("bce_target.yaml", "t: {5: 2}")
    assert line == 11 and line_of("bce_target.yaml", "samples:") == 9
    assert f"bce_target.yaml:{line}: samples[1].t.5: target of unit 5 is 2;" in err


@pytest.mark.parametrize("edit, where, shown", [
    (("t: {5: 2}", "t: [1.50]"), "samples[1].t[0]", "1.50"),                     # a list of targets
    (("t: {5: 1}}", "t: {5: -0.5}}"), "samples[0].t.5", "-0.5"),                 # the first sample
])
def test_bad_target_in_other_spellings(tmp_path, edit, where, shown):
    err = error_of(tmp_path, "bce_target.yaml", edit)
    line = line_of("bce_target.yaml", edit[0])
    assert f":{line}: {where}: target of unit 5 is {shown};" in err


def test_bad_target_of_a_single_sample(tmp_path):
    err = error_of(tmp_path, "bce_target.yaml",
                   ("samples:\n  - {x: {1: 1, 2: 1}, t: {5: 1}}\n  - {x: {1: -1, 2: 0.5}, t: {5: 2}}",
                    "sample:\n  x: {1: 1, 2: 1}\n  t: {5: 1.25}"), ("batch_reduction: mean\n", ""))
    assert ":11: sample.t.5: target of unit 5 is 1.25;" in err
