"""Session 15, task X (trial t22's items 1, 2, 3, 7, 8, 9): `train` is bound by the training run's limit, not by
solve's symbolic budget; a run whose loss stops being finite ends there (exit 1, valid JSON, no warnings);
decay defaults; the early-stopping count; min_lr above lr and a CSV column given twice are refused."""
from __future__ import annotations

import json
import math
import warnings

import pytest
import sympy as sp
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.problem import parse_problem
from symbackprop.training import train
from helpers import XOR_TRAIN


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- item 1: solve's budget (700 (weights + units) × samples) is not train's ----------------------------------------

XOR_CSV = "x1,x2,t5\n" + "".join(f"{a},{b},{a ^ b}\n" for _ in range(15) for a in (0, 1) for b in (0, 1))   # 60 rows
XOR60 = """\
title: XOR, 60 rows
network: {inputs: [1, 2], bias: 0, layers: [[3, 4], [5]], activation: sigmoid}
weights: {0: {3: 0.5, 4: -0.5, 5: 0.3}, 1: {3: 0.4, 4: 0.7}, 2: {3: -0.6, 4: 0.2}, 3: {5: 0.8}, 4: {5: -0.3}}
loss: half_squared_error
optimizer: {name: sgd, lr: 0.5}
train: {epochs: 3, batch_size: 10, data: xor60.csv}
"""


def test_train_is_not_bound_by_solves_budget(tmp_path):
    # (9 weights + 3 units) × 60 samples = 720 > 700: solve refuses it, train runs all 3 epochs (9 × 60 × 3 ≪ 5e9)
    write(tmp_path, "xor60.csv", XOR_CSV)
    problem = write(tmp_path, "xor60.yaml", XOR60)
    got = run("train", problem, "--format", "json")
    assert got.exit_code == 0, got.output
    data = json.loads(got.output)["parts"][0]
    assert data["settings"]["train_samples"] == 60 and len(data["epochs"]) == 3
    assert data["updates"] == 3 * 6                      # 60 / 10 batches an epoch
    refused = run("solve", problem)
    assert refused.exit_code == 2
    line = refused.output.strip().splitlines()[-1]
    # the samples are train.data's (line 6), not a `samples:` field at line 1
    assert "xor60.yaml:6: train.data:" in line and "720" in line and "symbackprop train has its own limit" in line


def test_training_limit_still_refuses_a_huge_run(tmp_path):
    # 9 weights × 60 samples × 100000 epochs = 54,000,000 ≤ 5e9 on the engine: fine; the compiled limit is not hit
    # either. A run over the engine's limit: a 2-200-1 net (801 weights) on 60 samples for 100000 epochs
    # = 4,806,000,000 fits; 2-300-1 (1201 weights) × 60 × 100000 = 7,206,000,000 does not.
    write(tmp_path, "xor60.csv", XOR_CSV)
    hidden = list(range(3, 303))
    text = (XOR60.replace("layers: [[3, 4], [5]]", f"layers: [{hidden}, [999]]")
            .replace("weights: {0: {3: 0.5, 4: -0.5, 5: 0.3}, 1: {3: 0.4, 4: 0.7}, 2: {3: -0.6, 4: 0.2}, "
                     "3: {5: 0.8}, 4: {5: -0.3}}", "init: {kind: glorot, seed: 0}")
            .replace("xor60.csv", "big.csv").replace("epochs: 3", "epochs: 100000"))
    write(tmp_path, "big.csv", XOR_CSV.replace("t5", "t999"))
    got = run("train", write(tmp_path, "big.yaml", text))
    assert got.exit_code == 2
    assert "train.epochs" in got.output and "7,206,000,000" in got.output


# -- item 2: a run that diverges -------------------------------------------------------------------------------------

# One linear unit u = w·x, no bias, one sample x = 1e10, t = 0: J = ½(wx)², ∂J/∂w = w·x², so SGD gives
# w ← w(1 − η·x²) = w(1 − 1e50) with η = 1e30 (the largest exponent a file may write). From w_0 = 1:
# w_1 ≈ −1e50, u = −1e60, J ≈ 5e119; w_2 ≈ 1e100, u = 1e110, J ≈ 5e219; w_3 ≈ −1e150, u = −1e160, u² = 1e320
# overflows (float64 ends near 1.8e308): the run stops at epoch 3 of 50.
LINEAR = """\
title: diverges
network: {inputs: [1], layers: [[2]], activation: identity}
weights: {1: {2: 1}}
samples:
  - {x: {1: 1e10}, t: {2: 0}}
loss: half_squared_error
optimizer: {name: sgd, lr: 1e30}
train: {epochs: 50, shuffle: false}
"""


def test_diverged_run_stops_at_the_epoch_and_exits_1(tmp_path):
    problem = write(tmp_path, "lin.yaml", LINEAR)
    with warnings.catch_warnings():
        warnings.simplefilter("error")             # a NumPy RuntimeWarning would fail here
        got = run("train", problem)
    assert got.exit_code == 1
    assert "Epoch 3 of 50: the loss is not finite: the run diverged; try a smaller learning rate" in got.output
    assert "RuntimeWarning" not in got.output
    out = tmp_path / "lin.json"
    assert run("train", problem, "-o", out).exit_code == 1
    data = json.loads(out.read_text(encoding="utf-8"), parse_constant=lambda c: pytest.fail(f"bare {c} in JSON"))
    p = data["parts"][0]
    assert [e["epoch"] for e in p["epochs"]] == [1, 2, 3] and p["diverged_epoch"] == 3
    assert p["epochs"][0]["loss"] == pytest.approx(0.5 * (1e50 * 1e10) ** 2)
    assert p["epochs"][1]["loss"] == pytest.approx(0.5 * (1e100 * 1e10) ** 2)
    assert p["epochs"][2]["loss"] is None and p["epochs"][2]["marks"] == ["diverged"]
    assert p["final_weights"]["w_1_2"] == pytest.approx(-1e150)


# One sigmoid unit u = σ(w·x), w = 1, binary cross-entropy. Training sample x = 0, t = 1: u = ½, J = ln 2, and
# ∂J/∂w = (u − t)·x = 0, so w stays 1 and every epoch's training J is ln 2. Dev sample x = 100, t = 0: σ(100) is
# 1.0 in float64 (1 − 3.7e-44 rounds to 1), so its J = −ln(1 − u) = −ln 0 = ∞ every epoch.
SATURATED = """\
title: dev loss not finite
network: {inputs: [1], layers: [[2]], activation: sigmoid}
weights: {1: {2: 1}}
samples:
  - {x: {1: 0}, t: {2: 1}}
loss: binary_cross_entropy
optimizer: {name: sgd, lr: 1}
train:
  epochs: 4
  dev: [{x: {1: 100}, t: {2: 0}}]
  early_stopping: {patience: 1}
  decay: {kind: plateau, patience: 0}
"""


# Session 16: SATURATED's dev loss is no longer ∞: the loss's logs are clamped at −100, as torch's BCELoss, so its
# J is 100 (docs/training.md, "A saturated output"). A dev loss that is ∞: one unit u = e^(w·x) (a formula
# activation), w = 1, ½(t − u)². Training sample x = 0, t = 1: u = 1, J = 0, ∂J/∂w = (u − t)·u·x = 0, so w stays 1
# and every epoch's training J is 0. Dev sample x = 1000, t = 0: e^1000 overflows to ∞, J = ∞ every epoch.
NOT_FINITE = SATURATED.replace("activation: sigmoid", 'activation: {formula: "exp(x)"}').replace(
    "binary_cross_entropy", "half_squared_error").replace("x: {1: 100}", "x: {1: 1000}")


def test_dev_value_not_finite_is_never_best_nor_counted(tmp_path):
    got = run("train", write(tmp_path, "sat.yaml", NOT_FINITE), "--format", "json")
    assert got.exit_code == 0, got.output                  # the training loss is finite: the run goes on
    p = json.loads(got.output, parse_constant=lambda c: pytest.fail(f"bare {c} in JSON"))["parts"][0]
    assert [e["loss"] for e in p["epochs"]] == [0.0] * 4
    assert [e["dev_loss"] for e in p["epochs"]] == [None] * 4            # ∞ is written null
    assert all(e["marks"] == [] for e in p["epochs"])                    # never best, never a decay, never a stop
    assert p["kept_epoch"] is None and p["stopped_epoch"] is None and p["diverged_epoch"] is None
    assert [e["lr"] for e in p["epochs"]] == [1.0] * 4


def test_finite_dev_values_still_watched():
    # the same unit with a dev sample whose loss is finite (x = 1, t = 0: J = −ln(1 − σ(1)) = ln(1 + e) every
    # epoch, as w stays 1): epoch 1 is best, epoch 2 does not improve and patience 1 ends the run there
    part = parse_problem(SATURATED.replace("x: {1: 100}", "x: {1: 1}")).parts[0]
    r = train(part, part.train)
    assert [e.dev_loss for e in r.epochs] == pytest.approx([math.log(1 + math.e)] * 2)
    assert r.kept_epoch == 1 and r.stopped_epoch == 2


# -- item 3: decay defaults ------------------------------------------------------------------------------------------

XOR = "title: xor\n" + XOR_TRAIN + "optimizer: {name: sgd, lr: 2}\n"
DEV = "  dev: [{x: {1: 0, 2: 1}, t: {5: 1}}]\n"


def test_plateau_patience_defaults_to_10():
    d = parse_problem(XOR + "train:\n  epochs: 3\n" + DEV + "  decay: {kind: plateau}\n").parts[0].train.decay
    assert (d.patience, float(d.factor), d.metric, d.min_delta, float(d.min_lr)) == (10, 0.5, "loss", 0.0, 0.0)


def test_step_decay_needs_every(tmp_path):
    got = run("train", write(tmp_path, "s.yaml", XOR + "train:\n  epochs: 3\n  decay: {kind: step}\n"))
    assert got.exit_code == 2
    line = got.output.strip()
    assert len(line.splitlines()) == 1 and "s.yaml:13: train.decay.every: missing" in line


# -- item 4: the stop message's count -------------------------------------------------------------------------------

def test_patience_0_stops_after_one_epoch_and_says_1_epoch(tmp_path):
    # the saturated unit of SATURATED with a finite dev loss: w stays 1, so the dev loss is the same every epoch:
    # epoch 1 is best, epoch 2 does not improve (equal is not better) and patience 0 stops there: 1 epoch
    text = SATURATED.replace("x: {1: 100}", "x: {1: 1}").replace("patience: 1}", "patience: 0}")
    got = run("train", write(tmp_path, "p0.yaml", text))
    assert got.exit_code == 0, got.output
    assert "ended the run after epoch 2 of 4: 1 epoch without improvement." in got.output
    got = run("train", write(tmp_path, "p3.yaml", text.replace("patience: 0}", "patience: 3}")))
    # patience 3: epochs 2, 3, 4 do not improve: the run stops after epoch 4 with 3 epochs in a row
    assert "ended the run after epoch 4 of 4: 3 epochs in a row without improvement." in got.output


# -- item 5: min_lr not below lr; a CSV column twice ----------------------------------------------------------------

def test_min_lr_not_below_lr_is_refused(tmp_path):
    text = XOR + "train:\n  epochs: 3\n" + DEV + "  decay: {kind: plateau, min_lr: 5}\n"
    got = run("train", write(tmp_path, "m.yaml", text))
    assert got.exit_code == 2
    assert "m.yaml:14: train.decay.min_lr: min_lr 5 is not below the learning rate 2" in got.output
    assert "lr = 2" not in got.output and len(got.output.strip().splitlines()) == 1
    # equal to lr: no decay could happen either; below it is fine
    assert run("train", write(tmp_path, "m2.yaml", text.replace("min_lr: 5", "min_lr: 2"))).exit_code == 2
    assert parse_problem(text.replace("min_lr: 5", "min_lr: 1.5")).parts[0].train.decay.min_lr == sp.Rational(3, 2)


def test_csv_column_twice_is_refused(tmp_path):
    write(tmp_path, "dup.csv", "x1,x1,x2,t5\n0,0,0,0\n0,1,1,1\n")
    text = XOR.replace("samples:\n", "").replace("  - {x: {1: 0, 2: 0}, t: {5: 0}}\n", "")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("  - ")) + "\n"
    got = run("train", write(tmp_path, "d.yaml", text + "train: {epochs: 2, data: dup.csv}\n"))
    assert got.exit_code == 2
    assert "dup.csv:1: column 'x1' twice" in got.output and len(got.output.strip().splitlines()) == 1


def test_solve_budget_note_in_chinese(tmp_path):
    write(tmp_path, "xor60.csv", XOR_CSV)
    got = run("solve", write(tmp_path, "xor60.yaml", XOR60), "--lang", "zh")
    assert got.exit_code == 2
    assert "xor60.yaml:6: train.data" in got.output and "symbackprop train 有自己的限制" in got.output
