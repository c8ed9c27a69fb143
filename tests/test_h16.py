"""Session 16, task H (issue 14, user trial t24 items 1, 3, 5, 7): `train --worked` shows a worked step only where
its exact numbers reproduce the run's float step (else the "not worked" note), says the agreement by its size, notes
a log the run clamped at −100, and a dropout run's notes point to no section that is not there."""
from __future__ import annotations

import json
from dataclasses import replace

import mpmath
import numpy as np
import pytest
from click.testing import CliRunner

from symbackprop.cli import main
from helpers import XOR_TRAIN

# t24's div.yaml (its reg.yaml with η = 3): the loss grows to 5.4e197 but stays finite, so the run does not stop
DIV = """
title: Small regression y = x1 - 2 x2
network:
  inputs: [1, 2]
  bias: 0
  layers: [[3, 4, 5], [6]]
  activation: [tanh, identity]
init: {kind: he, seed: 2, bias: zero}
loss: half_squared_error
batch_reduction: mean
optimizer: {name: momentum, form: pytorch, lr: 3, momentum: 0.9}
train:
  epochs: 25
  batch_size: 3
  seed: 5
  data: reg.csv
  dev:
    - {x: {1: 0.5, 2: 0.5}, t: {6: -0.5}}
    - {x: {1: -1, 2: 0}, t: {6: -1}}
"""
REG_CSV = """x1,x2,t6
0.02,0.90,-1.7782
-0.71,0.90,-2.5063
-0.38,-0.15,-0.0696
0.66,-0.18,1.0186
0.10,-0.94,1.9890
0.51,0.08,0.3545
-0.34,0.58,-1.4943
-0.39,-0.09,-0.2076
-0.73,-0.19,-0.3444
-0.59,-0.48,0.3577
"""

# t24's sat.yaml (sigmoid net, BCE, η = 500, batch 1) with 3 epochs instead of 300: the plateau decay (patience 3)
# cannot act before epoch 4, so epochs 1–3 are the same as the trial's
SAT = "\ntitle: Saturating BCE\n" + XOR_TRAIN.replace("loss: half_squared_error\n", "loss: binary_cross_entropy\n") + """\
optimizer: {name: sgd, lr: 500}
train:
  epochs: 3
  batch_size: 1
  seed: 4
  dev:
    - {x: {1: 0.1, 2: 0.9}, t: {5: 1}}
    - {x: {1: 0.9, 2: 0.9}, t: {5: 0}}
  decay: {kind: plateau, patience: 3, factor: 0.5}
"""

# t24's dtrain.yaml (standard dropout, no dev set), 2 epochs instead of 40 (--worked 2:2 needs 2)
DROP = """
title: Dropout training, standard scaling
network:
  inputs: [1, 2, 3]
  bias: 0
  layers: [[4, 5, 6], [7]]
  activation: [tanh, sigmoid]
weights:
  0: {4: 0.1, 5: -0.2, 6: 0.3, 7: 0.05}
  1: {4: 0.5, 5: 0.4, 6: -0.3}
  2: {4: -0.6, 5: 0.2, 6: 0.7}
  3: {4: 0.3, 5: -0.5, 6: 0.1}
  4: {7: 0.8}
  5: {7: -0.6}
  6: {7: 0.4}
samples:
  - {x: {1: 0, 2: 0, 3: 1}, t: {7: 0}}
  - {x: {1: 1, 2: 0, 3: 0}, t: {7: 1}}
  - {x: {1: 0, 2: 1, 3: 1}, t: {7: 1}}
  - {x: {1: 1, 2: 1, 3: 0}, t: {7: 0}}
  - {x: {1: 0.5, 2: 0.5, 3: 0.5}, t: {7: 1}}
loss: binary_cross_entropy
batch_reduction: sum
optimizer: {name: momentum, lr: 0.3, momentum: 0.8}
dropout: {layer: 1, p: 0.4, scaling: standard, seed: 42}
train:
  epochs: 2
  batch_size: 2
  seed: 3
"""


def _train(tmp_path, text, *args, name="p.yaml"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "reg.csv").write_text(REG_CSV, encoding="utf-8")
    return CliRunner().invoke(main, ["train", str(tmp_path / name), *args])


# -- 1. the guard: a worked step that does not reproduce the run's step is not shown ------------------------------

def test_the_guard_accepts_the_run_s_own_step_and_refuses_one_off_by_more_than_1e_9(tmp_path):
    from symbackprop.problem import parse_problem
    from symbackprop.worked_update import AGREE_RELATIVE, disagreement
    from symbackprop.training import train, worked_run
    part = parse_problem(SAT, "s.yaml").parts[0]
    run = train(part, part.train, worked=2)                   # update 2 of epoch 1: far from saturation yet
    wrun = worked_run(run)
    assert disagreement(run, wrun) is None
    rec = run.worked
    scale = float(np.max(np.abs(rec.new_theta)))
    # a run's new weight 1e-7 of the largest magnitude away (100 times the tolerance): refused, that difference named
    off = rec.new_theta.copy()
    off[0] += 1e-7 * scale
    got = disagreement(replace(run, worked=replace(rec, new_theta=off)), wrun)
    assert got == pytest.approx(1e-7 * scale, rel=1e-6)
    # 1e-11 of it (float64 rounding's size, 1/100 of the tolerance): accepted
    off = rec.new_theta.copy()
    off[0] += 1e-11 * scale
    assert disagreement(replace(run, worked=replace(rec, new_theta=off)), wrun) is None
    # the gradients are held the same way
    grads = rec.grads.copy()
    gscale = float(np.max(np.abs(grads)))
    grads[1] += 100 * AGREE_RELATIVE * gscale
    assert disagreement(replace(run, worked=replace(rec, grads=grads)), wrun) is not None


@pytest.mark.slow
def test_a_run_heading_for_divergence_is_printed_and_its_worked_step_is_not_worked(tmp_path):
    r = _train(tmp_path, DIV, "--worked", "25:1")
    assert r.exit_code == 0, r.output
    worked = r.output.split("Worked step: epoch 25, update 1")[1]
    assert "--worked 25:1 is not worked" in worked and "does not reproduce the run's float step" in worked
    assert "agree" not in worked and "the same" not in worked and "Forward pass" not in worked
    r = _train(tmp_path, DIV, "--worked", "25:1", "--format", "json")
    assert r.exit_code == 0, r.output
    part = json.loads(r.output)["parts"][0]
    w = part["worked"]
    assert set(w) == {"epoch", "update", "t", "samples", "not_worked"} and (w["epoch"], w["t"]) == (25, 97)
    # the run's own weights stay finite (≈ 2.6e98: far beyond 30-digit floats' room for a 1 − u² near 0)
    assert all(abs(v) < 1e300 for v in part["final_weights"].values())
    # an update early in the same run is worked, and its note says how close it is
    r = _train(tmp_path, DIV, "--worked", "1:1")
    assert r.exit_code == 0 and "agree with these to" in r.output and "the same new weights" not in r.output


# -- 3. a log the run clamped at −100 ---------------------------------------------------------------------------

def _exact_bce(q, x, t):
    """J of one sample at the worked step's θ_{t−1} (its JSON w_* values), by mpmath at 60 digits."""
    mpmath.mp.dps = 60
    w = {k: mpmath.mpf(v["value"]) for k, v in q.items() if k.startswith("w_")}
    s = lambda z: 1 / (1 + mpmath.exp(-z))                      # noqa: E731
    u = {1: x[0], 2: x[1]}
    for h in (3, 4):
        u[h] = s(w[f"w_0_{h}"] + w[f"w_1_{h}"] * u[1] + w[f"w_2_{h}"] * u[2])
    y = s(w["w_0_5"] + w["w_3_5"] * u[3] + w["w_4_5"] * u[4])
    return -(t * mpmath.log(y) + (1 - t) * mpmath.log(1 - y))


def test_a_saturated_step_notes_the_run_s_clamped_loss(tmp_path):
    r = _train(tmp_path, SAT, "--worked", "3:2", "--format", "json")
    assert r.exit_code == 0, r.output
    w = json.loads(r.output)["parts"][0]["worked"]
    q = w["steps"][0]["quantities"]
    xs = [(0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 0)]
    (n,) = w["samples"]
    x1, x2, t = xs[n - 1]
    exact = _exact_bce(q, (x1, x2), t)
    assert exact > 100                                # a log below −100: the run clamps it
    assert q["loss"]["value"] == pytest.approx(float(exact), rel=1e-12)
    # its new weights are still the run's: the gradient of a clamped log is δ's limit, the exact δ
    assert w["agreement"] <= 1e-9 * max(abs(v["value"]) for k, v in q.items() if k.startswith("new_w"))
    r = _train(tmp_path, SAT, "--worked", "3:2")
    # the run's J: one sample, −ln of its output clamped at −100: min(exact, 100) = 100
    assert (f"the run's own J of the batch before the update is 100, where the worked step's exact J is "
            f"{float(exact):.10g}") in r.output
    assert "The gradients are the same" in r.output


@pytest.mark.slow
def test_the_clamped_loss_note_in_chinese(tmp_path):
    zh = _train(tmp_path, SAT, "--worked", "3:2", "--lang", "zh")
    assert zh.exit_code == 0 and "截断在 −100" in zh.output


# -- 2. and 4. a dropout run's notes -------------------------------------------------------------------------

def test_a_dropout_run_without_a_dev_set_names_only_the_training_set(tmp_path):
    r = _train(tmp_path, DROP)
    assert r.exit_code == 0 and "measured at test time, on the training set:" in r.output
    assert "dev set:" not in r.output


@pytest.mark.slow
def test_a_dropout_worked_step_points_to_no_test_time_section_and_no_dev_set_is_named(tmp_path):
    r = _train(tmp_path, DROP, "--worked", "2:2")
    assert r.exit_code == 0, r.output
    run, worked = r.output.split("Worked step: epoch 2, update 2")
    assert "measured at test time, on the training set:" in run and "dev set:" not in run
    assert "Test time" not in worked and "the last section" not in worked
    assert "^test = (1 − p)·u_j. The run measures its loss and accuracy after each epoch this way." in worked
    assert "agree with these to" in worked
    # with a dev set: both sets named
    with_dev = DROP + "  dev:\n    - {x: {1: 0.2, 2: 0.1, 3: 0.9}, t: {7: 0}}\n"
    r = _train(tmp_path, with_dev, name="d.yaml")
    assert r.exit_code == 0 and "on the training and the dev set" in r.output
    zh = _train(tmp_path, DROP, "--worked", "2:2", "--lang", "zh")
    assert zh.exit_code == 0 and "最后一节" not in zh.output and "训练集上计算" in zh.output
