"""Session 13, task H4 (trial t17 items 5 and 11's first three bullets): derive on a network whose weights
are frozen or tied (the update rule not checked, said so, exit 0), and problem-file errors that show numbers
as the file writes them, hint the reversed edge id, and name the sample and its line."""
from __future__ import annotations

import json
import re
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
