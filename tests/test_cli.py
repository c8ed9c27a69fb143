"""The command line: exit codes, messages, formats, options (click's CliRunner)."""
import json
import math

import pytest
from click.testing import CliRunner
from conftest import PROBLEMS

from symbackprop import __version__
from symbackprop.cli import main

XOR = str(PROBLEMS / "xor.yaml")


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_version_and_help():
    r = run("--version")
    assert r.exit_code == 0 and __version__ in r.output
    r = run("--help")
    assert r.exit_code == 0 and "solve" in r.output
    r = run("solve", "--help")
    assert r.exit_code == 0 and "--check" in r.output and "--precision" in r.output


@pytest.mark.slow
def test_solve_prints_the_worked_exercise():
    r = run("solve", XOR)
    assert r.exit_code == 0, r.output
    out = r.output
    # the lecture's steps, in its notation: rule = numbers = value
    assert "net_3 = w_{03}·x_0 + w_{13}·x_1 + w_{23}·x_2 = 1×1 + 3×1 + 4×0 = 4" in out
    assert "δ_5 = g'(net_5)·(u_5 - z_1) = 1×(4 - 1) = 3" in out
    assert "Δw_{35} = -η·δ_5·u_3 = -1×3×4 = -12" in out
    assert "L = (z_1 - u_5)²/2 = (1 - 4)²/2 = 4.5" in out
    # sigmoid part: rounded values are marked ≈ and negative numbers are parenthesised
    assert "u_3 = g(net_3) = 1/(1 + exp(-net_3)) = 1/(1 + exp(-4)) ≈ 0.9820" in out
    assert "Δw_{05} = -η·δ_5·x_0 = -1×(-0.1272)×1 ≈ 0.1272" in out
    assert "g'(0) is taken as 0" in out


@pytest.mark.slow
def test_part_and_precision():
    r = run("solve", XOR, "--part", "sigmoid", "--precision", "6")
    assert r.exit_code == 0
    assert "Part relu" not in r.output and "Part sigmoid" in r.output
    assert "≈ 0.982014" in r.output


@pytest.mark.slow
def test_json_contract():
    r = run("solve", XOR, "--format", "json")
    assert r.exit_code == 0
    data = json.loads(r.output)
    parts = {p["name"]: p for p in data["parts"]}
    assert set(parts) == {"relu", "sigmoid"}
    q = parts["relu"]["quantities"]
    for qid in ["net_3", "act_3", "loss", "delta_5", "grad_w_0_5", "update_w_0_5", "new_w_0_5",
                "update_w_1_3", "new_w_4_5"]:
        assert qid in q
    assert q["delta_5"]["value"] == 3.0 and q["delta_5"]["exact"] == "3"
    assert q["update_w_3_5"]["value"] == -12.0
    assert "\\delta_{5}" in q["delta_5"]["latex"]
    s = parts["sigmoid"]["quantities"]
    # full float64 precision, not the 4 places shown
    u3 = 1 / (1 + math.exp(-4))
    assert s["act_3"]["value"] == pytest.approx(u3, rel=1e-15)
    assert s["act_3"]["display"] == "0.9820"
    assert s["act_3"]["exact"] == "1/(exp(-4) + 1)"


@pytest.mark.slow
def test_json_ids_are_from_to_whatever_the_notation():
    r = run("solve", str(PROBLEMS / "xor_appendix.yaml"), "--format", "json")
    q = json.loads(r.output)["parts"][0]["quantities"]
    assert "update_w_3_5" in q and "update_w_5_3" not in q
    assert "\\Delta w_{53}" in q["update_w_3_5"]["latex"]      # printed in to_from order
    assert q["update_w_3_5"]["value"] == -12.0                 # the same update as in-class
    assert q["delta_5"]["value"] == -3.0                       # δ = −∂J/∂net


@pytest.mark.slow
def test_batch_quantities_carry_the_sample():
    r = run("solve", str(PROBLEMS / "minibatch.yaml"), "--format", "json")
    q = json.loads(r.output)["parts"][0]["quantities"]
    assert q["net_h1@1"]["sample"] == 1 and q["net_h1@2"]["sample"] == 2
    assert "sample" not in q["loss"] and "sample" not in q["update_w_i1_h1"]
    # J is the mean of the per-sample losses
    assert q["loss"]["value"] == pytest.approx((q["loss@1"]["value"] + q["loss@2"]["value"]) / 2, rel=1e-14)


@pytest.mark.slow
def test_output_file_and_format_from_suffix(tmp_path):
    out = tmp_path / "xor.json"
    r = run("solve", XOR, "-o", str(out))
    assert r.exit_code == 0 and r.output == ""
    assert json.loads(out.read_text())["parts"][0]["name"] == "relu"
    txt = tmp_path / "xor.txt"
    assert run("solve", XOR, "-o", str(txt)).exit_code == 0
    assert "Forward pass" in txt.read_text()


@pytest.mark.slow
def test_check_agrees_three_ways():
    r = run("solve", XOR, "--check")
    assert r.exit_code == 0
    assert r.output.count("three ways: all agree") == 2
    assert "grad_w_1_4: finite differences not comparable (net_4 = 0 is at a kink of ReLU)" in r.output


@pytest.mark.slow
def test_check_in_json():
    data = json.loads(run("solve", XOR, "--check", "--format", "json").output)
    check = data["parts"][0]["check"]
    assert check["ok"] is True
    assert check["gradients"]["grad_w_3_5"]["direct"] == 12.0
    assert check["gradients"]["grad_w_3_5"]["finite_difference"] == pytest.approx(12.0, rel=1e-8)


@pytest.mark.parametrize("args,words", [
    (["solve", "missing.yaml"], ["missing.yaml", "cannot read"]),
    (["solve", XOR, "--part", "tanh"], ["no part named 'tanh'", "relu, sigmoid"]),
    (["solve", XOR, "--precision", "99"], ["--precision"]),
    (["solve", XOR, "--format", "docx"], ["--format"]),
    (["solve", XOR, "-o", "out.docx"], ["out.docx", "suffix"]),
    (["solve", XOR, "-o", "/nonexistent-dir/x.txt"], ["cannot write"]),
])
def test_bad_usage_is_one_line_and_status_2(args, words):
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    for w in words:
        assert w in r.output


def test_bad_problem_file_is_one_line_and_status_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((PROBLEMS / "xor.yaml").read_text().replace("activation: relu", "activation: rleu"))
    r = CliRunner().invoke(main, ["solve", str(bad)])
    assert r.exit_code == 2
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert f"{bad}:" in lines[0] and "parts[0].activation" in lines[0] and "unknown activation 'rleu'" in lines[0]
