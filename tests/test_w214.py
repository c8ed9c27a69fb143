"""Session 14, W2 (issue 13; trial t20 items 2, 3, 4): the Optimizer section's notes fit the run (the state
clause only where the optimizer has a state, Adagrad's only for Adagrad; a graph's notes name its loss L; the
bias-correction note in the rule's own g̃_1 with weight decay; "by η each"), the zh notes all in Chinese."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from symbackprop.cli import main

ROOT = Path(__file__).resolve().parent.parent
QUADRATIC = (ROOT / "problems" / "quadratic.yaml").read_text(encoding="utf-8")


def _solve(tmp_path, extra: str, *args) -> str:
    f = tmp_path / "g.yaml"
    f.write_text(QUADRATIC + extra, encoding="utf-8")
    out = CliRunner().invoke(main, ["solve", str(f), *args])
    assert out.exit_code == 0, out.output
    return out.output


def _optimizer_notes(text: str) -> str:
    return text[text.index("Optimizer") if "Optimizer" in text else text.index("优化器"):]


def test_state_clause_only_where_the_optimizer_has_a_state(tmp_path):
    sgd = _solve(tmp_path, "optimizer: {name: sgd, lr: 0.01}\nsteps: 2\n")
    mom = _solve(tmp_path, "optimizer: {name: momentum, lr: 0.01, momentum: 0.9}\nsteps: 2\n")
    ada = _solve(tmp_path, "optimizer: {name: adagrad, lr: 0.01, form: pytorch, "
                           "initial_accumulator_value: 0.5}\nsteps: 2\n")
    assert "starts at" not in sgd and "initial_accumulator_value)" not in sgd          # SGD has no state
    assert "at step t; every state starts at 0\n" in mom and "Adagrad" not in mom.split("every state")[1][:40]
    assert "G starts at initial_accumulator_value = 0.5" in ada and "every state starts" not in ada


def test_a_graph_says_its_loss_L_and_eta_each(tmp_path):
    text = _solve(tmp_path, "optimizer: {name: adagrad, lr: 0.01}\nsteps: 2\n")
    notes = _optimizer_notes(text)
    assert "(L after a step whose new parameters" in notes and "(J after" not in notes
    # torch Adagrad at t = 1 with G_0 = 0: Δθ = −η·g/(√(g²) + ε), |Δθ| = η·|g|/(|g| + 1e-10) → η for |g| ≥ 1
    assert "with a nonzero gradient by η each, although" in notes and "1·η" not in notes


def test_torch_adam_weight_decay_bias_correction_in_g_tilde(tmp_path):
    text = _solve(tmp_path, "optimizer: {name: adam, lr: 0.01, form: pytorch, weight_decay: 0.1}\nsteps: 2\n")
    note = next(line for line in text.splitlines() if "Bias correction" in line)
    # the rule averages g̃_t = g_t + λ·θ_{t−1}: every g_1 of the note is g̃_1
    assert "(1 − β₁)·g̃_1" in note and "m̂ g̃_1 and v̂ g̃_1²" in note
    assert "g_1" not in note.replace("g̃_1", "")
    plain = _solve(tmp_path, "optimizer: {name: adam, lr: 0.01}\nsteps: 2\n")
    note = next(line for line in plain.splitlines() if "Bias correction" in line)
    assert "(1 − β₁)·g_1" in note and "g̃" not in note


def test_zh_notes_have_no_english(tmp_path):
    zh = _solve(tmp_path, "optimizer: {name: adam, lr: 0.01, form: pytorch, weight_decay: 0.1}\nsteps: 2\n",
                "--lang", "zh")
    about = next(line for line in zh.splitlines() if "状态只含" in line)
    assert " is " not in about and "m̂ 为 g̃_1，v̂ 为 g̃_1²" in about
    assert "第 1 步 时" not in zh and "所有状态从 0 开始" in zh and "Adagrad" not in zh.split("所有状态")[1][:30]
