"""Session 16, task W (issue 14): a saturated output's loss and gradient (the logs clamped at −100, δ's limit), the
training limit's line, and `train --worked EPOCH:STEP` (the worked solution of one update of a run)."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.dense import Dense
from symbackprop.optimize import Compiled
from symbackprop.problem import parse_problem
from symbackprop.training import train
from helpers import XOR_SAMPLES


# -- 1. BCE at a saturated output -------------------------------------------------------------------------------

ONE_UNIT = """
network: {inputs: [1], bias: 0, layers: [[2]], activation: sigmoid}
weights: {0: {2: 0}, 1: {2: 50}}
samples:
  - {x: {1: 1}, t: {2: 1}}
  - {x: {1: 1}, t: {2: 0}}
loss: binary_cross_entropy
"""


def test_a_saturated_sigmoid_output_has_the_clamped_loss_and_the_limit_gradient():
    part = parse_problem(ONE_UNIT, "s.yaml").parts[0]
    # net = 50: u = 1/(1 + e^−50) = 1/(1 + 1.9e−22), exactly 1.0 in float64
    assert 1 / (1 + math.exp(-50.0)) == 1.0
    # by hand, each log clamped at −100: sample 1 (t = 1): −(1·ln 1 + 0·(−100)) = 0; sample 2 (t = 0):
    # −(0·ln 1 + 1·(−100)) = 100; J the mean: 50. δ = u − t: 0 and 1; ∂J/∂w = mean(δ·input): w_02 (bias 1) 1/2,
    # w_12 (x = 1) 1/2
    dense = Dense(part)
    x, t = dense.arrays(part.samples)
    with np.errstate(all="ignore"):
        loss, grads = dense.gradients(np.array([0.0, 50.0]), x, t)
    assert loss == 50.0
    assert grads.tolist() == [0.5, 0.5]
    # the fallback's lines raise there (math.log(0)); its limits=True lines give the same
    plain, limits = Compiled(part), Compiled(part, limits=True)
    with pytest.raises(ValueError):
        plain([0.0, 50.0], part.samples[1])
    with np.errstate(all="ignore"):
        assert limits([0.0, 50.0], part.samples[0]) == (0.0, [0.0, 0.0])
        assert limits([0.0, 50.0], part.samples[1]) == (100.0, [1.0, 1.0])


def test_a_saturated_softmax_output_has_the_clamped_cross_entropy():
    text = """
network: {inputs: [1], bias: 0, layers: [[2, 3]], activation: softmax}
weights: {0: {2: 0, 3: 0}, 1: {2: 800, 3: 0}}
samples:
  - {x: {1: 1}, t: {2: 0, 3: 1}}
  - {x: {1: 1}, t: {2: 1, 3: 0}}
loss: cross_entropy
"""
    part = parse_problem(text, "s.yaml").parts[0]
    dense = Dense(part)
    x, t = dense.arrays(part.samples)
    # u = softmax(800, 0) = (1, e^−800) = (1, 0) in float64. Sample 1: −(0·ln 1 + 1·(−100)) = 100; sample 2:
    # −(1·ln 1 + 0·(−100)) = 0; J = 50. δ = u − t: (1, −1) and (0, 0); ∂J/∂w = mean(δ·input): w_02, w_12 1/2;
    # w_03, w_13 −1/2
    with np.errstate(all="ignore"):
        given = {("0", "2"): 0.0, ("0", "3"): 0.0, ("1", "2"): 800.0, ("1", "3"): 0.0}
        loss, grads = dense.gradients(np.array([given[e] for e in dense.edges]), x, t)
    assert loss == 50.0
    got = dict(zip(dense.edges, grads.tolist()))
    assert got == {("0", "2"): 0.5, ("0", "3"): -0.5, ("1", "2"): 0.5, ("1", "3"): -0.5}


SATURATING = """
title: XOR that saturates
network: {inputs: [1, 2], bias: 0, layers: [[3, 4, 6, 7], [5]], activation: sigmoid}
init: {kind: uniform, v: 1, seed: 1}
""" + XOR_SAMPLES + """\
loss: binary_cross_entropy
optimizer: {name: sgd, lr: 200}
train: {epochs: 30, seed: 0}
"""


def test_a_run_whose_output_saturates_no_longer_diverges(monkeypatch):
    # found by experiment: this 2-4-1 run's output reaches exactly 1.0 (and 0.0) in epoch 1, where main's engine
    # gave J = NaN and stopped the run as "diverged"
    part = parse_problem(SATURATING, "s.yaml").parts[0]
    run = train(part, part.train)
    assert run.diverged_epoch is None and len(run.epochs) == 30
    assert all(math.isfinite(e.loss) for e in run.epochs)
    assert run.epochs[0].loss == 50.0          # two samples saturated right (0), two wrong (100 each): mean 50
    # the fallback (optimize.Compiled per sample) runs the same numbers
    import symbackprop.dense as dense_module
    monkeypatch.setattr(dense_module, "dense_or_none", lambda p: None)
    slow = train(part, part.train)
    assert [e.loss for e in slow.epochs] == pytest.approx([e.loss for e in run.epochs], abs=1e-9)
    for e in run.final:
        assert slow.final[e] == pytest.approx(run.final[e], abs=1e-9)


def _numpy_bce(w, x, t):
    """J and ∂J/∂w of the 2-4-1 sigmoid net with BCE (mean over the batch) in plain NumPy, the logs not clamped:
    w and the gradient by edge (i, j), whole numbers."""
    def sig(z):
        return 1 / (1 + np.exp(-z))
    value = w
    w1 = np.array([[value[(i, j)] for i in (0, 1, 2)] for j in (3, 4, 6, 7)])
    w2 = np.array([value[(i, 5)] for i in (0, 3, 4, 6, 7)])
    a0 = np.hstack([np.ones((len(x), 1)), x])
    h = sig(a0 @ w1.T)
    a1 = np.hstack([np.ones((len(x), 1)), h])
    u = sig(a1 @ w2)
    tt = t[:, 0]
    loss = np.mean(-(tt * np.log(u) + (1 - tt) * np.log(1 - u)))
    d2 = (-(tt / u) + (1 - tt) / (1 - u)) * u * (1 - u) / len(x)
    g2 = d2 @ a1
    d1 = np.outer(d2, w2[1:]) * h * (1 - h)
    g1 = d1.T @ a0
    grad = {(i, j): g1[r, c] for r, j in enumerate((3, 4, 6, 7)) for c, i in enumerate((0, 1, 2))}
    grad.update({(i, 5): g2[c] for c, i in enumerate((0, 3, 4, 6, 7))})
    return loss, grad


def test_where_nothing_saturates_the_numbers_are_the_plain_formulas():
    part = parse_problem(SATURATING, "s.yaml").parts[0]
    dense = Dense(part)
    edges = [(int(a), int(b)) for a, b in dense.edges]
    x, t = dense.arrays(part.samples)
    rng = np.random.default_rng(7)
    for _ in range(5):
        w = rng.uniform(-2, 2, 17)
        loss, grads = dense.gradients(w, x, t)
        want_loss, want = _numpy_bce(dict(zip(edges, w)), x, t)
        assert loss == pytest.approx(want_loss, abs=1e-15, rel=1e-15)
        assert grads.tolist() == pytest.approx([want[e] for e in edges], abs=1e-15, rel=1e-14)


# -- 2. the training limit's line ------------------------------------------------------------------------------

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"


def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _line_of(path: Path, start: str) -> int:
    """The 1-based line of `path` that starts with `start` (after its indentation)."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if line.strip().startswith(start))


def test_the_training_limit_names_the_line_of_the_field_to_blame(monkeypatch):
    from symbackprop import budget
    xor = PROBLEMS / "xor_train.yaml"
    # 9 weights × 4 samples × 2,000 epochs = 72,000 over a limit of 100: the epochs (one epoch, 36, fits)
    monkeypatch.setattr(budget, "MAX_TRAIN_DENSE", 100)
    got = run_cli("train", xor)
    assert got.exit_code == 2
    line = got.output.strip()
    assert "\n" not in line
    assert line.startswith(f"Error: {xor}:{_line_of(xor, 'epochs:')}: train.epochs: training run too large: "
                           "9 weights × 4 samples × 2,000 epochs = 72,000")
    # a limit of 30: one epoch alone (9 × 4 = 36) is over it: the data (the part's samples)
    monkeypatch.setattr(budget, "MAX_TRAIN_DENSE", 30)
    got = run_cli("train", xor)
    assert got.exit_code == 2
    assert got.output.strip().startswith(f"Error: {xor}:{_line_of(xor, 'samples:')}: samples: training run too large")


# -- 3. train --worked EPOCH:STEP --------------------------------------------------------------------------------

XOR_TRAIN = (PROBLEMS / "xor_train.yaml").read_text(encoding="utf-8")
EDGES = [(0, 3), (1, 3), (2, 3), (0, 4), (1, 4), (2, 4), (0, 5), (3, 5), (4, 5)]
X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])        # xor_train.yaml's samples, in order
T = np.array([0.0, 1.0, 1.0, 0.0])


def _gradient(w: dict, rows) -> dict:
    """∂J/∂w of the 2-2-1 sigmoid net (bias unit 0 of output 1), J = ½(t − u)² averaged over the batch `rows`,
    by the appendix's δ rules in NumPy: δ_5 = u_5(1 − u_5)(u_5 − t), δ_h = δ_5·w_h5·u_h(1 − u_h)."""
    def sig(z):
        return 1.0 / (1.0 + np.exp(-z))
    g = dict.fromkeys(EDGES, 0.0)
    for n in rows:
        x = {0: 1.0, 1: X[n, 0], 2: X[n, 1]}
        u = {h: sig(sum(w[(i, h)] * x[i] for i in (0, 1, 2))) for h in (3, 4)}
        u5 = sig(w[(0, 5)] + w[(3, 5)] * u[3] + w[(4, 5)] * u[4])
        d5 = u5 * (1 - u5) * (u5 - T[n])
        a = {0: 1.0, 3: u[3], 4: u[4]}
        for i in (0, 3, 4):
            g[(i, 5)] += d5 * a[i] / len(rows)
        for h in (3, 4):
            dh = d5 * w[(h, 5)] * u[h] * (1 - u[h])
            for i in (0, 1, 2):
                g[(i, h)] += dh * x[i] / len(rows)
    return g


def numpy_rerun(optimizer: str, settings: dict, epochs: int, batch: int, seed: int, every: int, factor: float,
                stop_at: int):
    """The run again in plain NumPy (not the code under test): shuffled by np.random.default_rng(seed) every
    epoch, mini-batches of `batch`, η = lr·factor^⌊(e − 1)/every⌋ in epoch e, the lecture's rules (momentum:
    v_t = γ·v_{t−1} + η·g_t, θ_t = θ_{t−1} − v_t; Adam: m, v, m̂ = m/(1 − β₁^t), v̂ = v/(1 − β₂^t),
    θ_t = θ_{t−1} − η·m̂/√(ε + v̂)). Returns (g, θ_t) of update `stop_at`, by edge."""
    w0 = {(0, 3): 0.5, (1, 3): 0.4, (2, 3): -0.6, (0, 4): -0.5, (1, 4): 0.7, (2, 4): 0.2,
          (0, 5): 0.3, (3, 5): 0.8, (4, 5): -0.3}
    theta = np.array([w0[e] for e in EDGES])
    m, v = np.zeros(9), np.zeros(9)
    rng = np.random.default_rng(seed)
    t = 0
    for epoch in range(1, epochs + 1):
        lr = settings["lr"] * factor ** ((epoch - 1) // every)
        order = rng.permutation(4)
        for start in range(0, 4, batch):
            t += 1
            gd = _gradient(dict(zip(EDGES, theta)), order[start:start + batch])
            g = np.array([gd[e] for e in EDGES])
            if optimizer == "sgd":
                theta = theta - lr * g
            elif optimizer == "momentum":
                v = settings["momentum"] * v + lr * g
                theta = theta - v
            else:
                b1, b2, eps = settings["beta1"], settings["beta2"], settings["eps"]
                m = b1 * m + (1 - b1) * g
                v = b2 * v + (1 - b2) * g * g
                theta = theta - lr * (m / (1 - b1 ** t)) / np.sqrt(eps + v / (1 - b2 ** t))
            if t == stop_at:
                return dict(zip(EDGES, g)), dict(zip(EDGES, theta))
    raise AssertionError("no such update")


def _variant(optimizer_line: str, batch: int, every: int, epochs: int = 6) -> str:
    text = XOR_TRAIN.replace("optimizer: {name: sgd, lr: 2}", optimizer_line)
    return text.replace("epochs: 2000\n  batch_size: 2", f"epochs: {epochs}\n  batch_size: {batch}\n"
                        f"  decay: {{kind: step, every: {every}, factor: 0.5}}")


CASES = [("sgd", "optimizer: {name: sgd, lr: 2}", {"lr": 2.0}, 2, 2, (3, 2)),
         pytest.param("momentum", "optimizer: {name: momentum, lr: 0.5, momentum: 0.9}",
                      {"lr": 0.5, "momentum": 0.9}, 1, 1, (3, 4), marks=pytest.mark.slow),
         pytest.param("adam", "optimizer: {name: adam, lr: 0.1}",
                      {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, 2, 2, (4, 1), marks=pytest.mark.slow)]


@pytest.mark.parametrize("optimizer,line,settings,batch,every,chosen", CASES)
def test_the_worked_step_agrees_with_a_numpy_rerun(optimizer, line, settings, batch, every, chosen):
    from symbackprop.evaluate import to_float
    from symbackprop.training import updates_per_epoch, worked_run
    import sympy as sp
    part = parse_problem(_variant(line, batch, every), "v.yaml").parts[0]
    epoch, step = chosen
    t = (epoch - 1) * updates_per_epoch(part, part.train) + step
    run = train(part, part.train, worked=t)
    assert (run.worked.epoch, run.worked.update, run.worked.t) == (epoch, step, t)
    wrun = worked_run(run)
    assert wrun.training.values["lr"] == sp.Rational(str(settings["lr"])) * sp.Rational(1, 2) ** ((epoch - 1) // every)
    assert wrun.training.values["lr"] != sp.Rational(str(settings["lr"]))         # decayed: not the base rate
    values = {str(k): to_float(sp.sympify(v)) for k, v in wrun.worked[t].step.values.items()}
    grads, new = numpy_rerun(optimizer, settings, epoch, batch, 0, every, 0.5, t)
    for i, j in EDGES:
        assert values[f"grad_w_{i}_{j}"] == pytest.approx(grads[(i, j)], abs=1e-12)
        assert values[f"new_w_{i}_{j}"] == pytest.approx(new[(i, j)], abs=1e-12)


def test_epoch_1_update_1_of_xor_train_by_hand_and_its_json():
    # the run's first batch: np.random.default_rng(0).permutation(4) = [2, 0, 1, 3]: samples 3 and 1
    assert np.random.default_rng(0).permutation(4).tolist()[:2] == [2, 0]
    got = run_cli("train", PROBLEMS / "xor_train.yaml", "--worked", "1:1", "--format", "json")
    assert got.exit_code == 0, got.output
    data = json.loads(got.output)["parts"][0]
    worked = data["worked"]
    assert {k: worked[k] for k in ("epoch", "update", "t", "samples")} == {"epoch": 1, "update": 1, "t": 1,
                                                                          "samples": [3, 1]}
    assert worked["agreement"] < 1e-12
    assert worked["optimizer"]["name"] == "sgd" and worked["optimizer"]["shown"] == [1]
    (step,) = worked["steps"]
    assert step["step"] == 1 and step["samples"] == [3, 1]
    q = step["quantities"]
    # by hand: sample 3 (x = (1, 0), t = 1): net_3 = 0.5 + 0.4 = 0.9, net_4 = −0.5 + 0.7 = 0.2; sample 1 (x = (0, 0),
    # t = 0): net_3 = 0.5, net_4 = −0.5. net_5 = 0.3 + 0.8·u_3 − 0.3·u_4; δ_5 = u_5(1 − u_5)(u_5 − t);
    # ∂J/∂w_05 = (δ_5^(1) + δ_5^(2))/2 ≈ (−0.073286 + 0.148145)/2 ≈ 0.0374; new w_05 = 0.3 − 2·0.0374 ≈ 0.2251
    def s(z):
        return 1 / (1 + math.exp(-z))
    d5 = []
    for n3, n4, target in ((0.9, 0.2, 1.0), (0.5, -0.5, 0.0)):
        u5 = s(0.3 + 0.8 * s(n3) - 0.3 * s(n4))
        d5.append(u5 * (1 - u5) * (u5 - target))
    assert d5 == pytest.approx([-0.073286, 0.148145], abs=1e-6)
    assert q["grad_w_0_5"]["value"] == pytest.approx(sum(d5) / 2, abs=1e-15)
    assert q["new_w_0_5"]["value"] == pytest.approx(0.3 - 2 * sum(d5) / 2, abs=1e-15)
    assert q["grad_w_0_5"]["text"].endswith("= 1×(-0.0733 + 0.1481)/2 ≈ 0.037")
    assert q["new_w_0_5"]["text"] == "θ_t(w_{05}) = θ_{t−1}(w_{05}) - η·g_t(w_{05}) = 0.3 - 2×0.0374 ≈ 0.225"
    assert q["w_0_5"]["value"] == 0.3 and q["w_0_5"]["exact"] == "3/10"
    # solve's ids: the batch's forward and backward pass (@n: the batch's n-th sample), the update, J before and after
    assert {"net_3@1", "act_5@2", "delta_5@1", "delta_3@2", "loss", "new_loss", "update_w_0_5", "grad_w_4_5",
            "new_w_2_4"} <= set(q)
    assert q["loss"]["display"] == "0.138"


MIXED = XOR_TRAIN.replace("train:\n  epochs: 2000", "parts:\n  - name: a\n  - name: b\ntrain:\n  epochs: 2000")
DIVERGING = """
network: {inputs: [1], bias: 0, layers: [[2]], activation: identity}
weights: {0: {2: 0}, 1: {2: 1}}
samples:
  - {x: {1: 10}, t: {2: 0}}
loss: half_squared_error
optimizer: {name: sgd, lr: 10}
train: {epochs: 200, shuffle: false}
"""


def test_worked_of_a_wrong_form_epoch_or_step_is_one_line_exit_2():
    xor = PROBLEMS / "xor_train.yaml"

    def said(*args, path=xor):
        got = run_cli("train", path, *args)
        assert got.exit_code == 2, got.output
        lines = got.output.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in got.output
        return lines[0]
    for bad in ("3", "a:b", "0:1", "1:0", "1:2:3"):
        assert said("--worked", bad) == (f"Error: --worked {bad}: write EPOCH:STEP, two whole numbers from 1 "
                                         "(update 2 of epoch 3: --worked 3:2)")
    assert said("--worked", "2001:1") == (f"Error: {xor}: --worked 2001:1: the run has 2000 epochs; choose an epoch "
                                          "from 1 to 2000")
    assert said("--worked", "1:3") == (f"Error: {xor}: --worked 1:3: an epoch has 2 updates (batches of 2 of the 4 "
                                       "training samples); choose a step from 1 to 2")
    # zh: the same line in Chinese
    zh = run_cli("train", xor, "--worked", "1:3", "--lang", "zh")
    assert zh.exit_code == 2 and "每轮有 2 次更新" in zh.output


@pytest.mark.slow
def test_worked_beyond_the_run_or_of_several_parts_is_one_line_exit_2(tmp_path):
    def said(*args, path):
        got = run_cli("train", path, *args)
        assert got.exit_code == 2, got.output
        lines = got.output.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in got.output
        return lines[0]
    stop = PROBLEMS / "xor_dev_stop.yaml"
    assert said("--worked", "900:1", path=stop) == (f"Error: {stop}: --worked 900:1: early stopping ended the run at "
                                                    "epoch 894; choose an epoch from 1 to 894")
    mixed = tmp_path / "mixed.yaml"
    mixed.write_text(MIXED, encoding="utf-8")
    assert said("--worked", "1:1", path=mixed) == (f"Error: {mixed}: --worked: parts a, b all train; choose one with "
                                                   "--part NAME")
    assert run_cli("train", mixed, "--part", "b", "--worked", "1:1", "--every", "500").exit_code == 0
    diverging = tmp_path / "diverging.yaml"
    diverging.write_text(DIVERGING, encoding="utf-8")
    ran = run_cli("train", diverging)
    assert ran.exit_code == 1 and "diverged" in ran.output
    last = int(re.search(r"Epoch (\d+) of 200: the loss is not finite", ran.output).group(1))
    assert said("--worked", f"{last + 1}:1", path=diverging) == (
        f"Error: {diverging}: --worked {last + 1}:1: the run diverged in epoch {last} (the loss is not finite) "
        "before this update; choose an update of an epoch before it")


@pytest.mark.parametrize("fmt", [pytest.param("markdown", marks=pytest.mark.slow), pytest.param("latex", marks=pytest.mark.slow),
                                 pytest.param("html", marks=pytest.mark.slow),
                                 pytest.param("text", marks=pytest.mark.slow)])
def test_every_format_has_the_worked_step(fmt):
    got = run_cli("train", PROBLEMS / "xor_train.yaml", "--worked", "1:2", "--format", fmt, "--every", "500")
    assert got.exit_code == 0, got.output
    assert "Worked step: epoch 1, update 2" in got.output
    assert "on samples 2 and 4 of the training set" in got.output        # the permutation's [2, 0 | 1, 3]
    assert got.output.index("Worked step") > got.output.index("Epochs")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_worked_step_compiles_to_pdf(tmp_path, lang):
    import shutil
    if shutil.which("pdflatex") is None and shutil.which("xelatex") is None:
        pytest.skip("no TeX engine")
    text = _variant("optimizer: {name: adam, lr: 0.1}", 2, 2)
    path = tmp_path / "adam.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "run.pdf"
    got = run_cli("train", path, "--worked", "3:2", "--lang", lang, "-o", out)
    assert got.exit_code == 0, got.output
    assert out.read_bytes().startswith(b"%PDF")


def test_cross_entropy_after_sigmoid_outputs_saturated_to_0():
    text = """
network: {inputs: [1], bias: 0, layers: [[2, 3]], activation: sigmoid, output_activation: sigmoid}
weights: {0: {2: 0, 3: 0}, 1: {2: 0, 3: -800}}
samples:
  - {x: {1: 1}, t: {2: 0, 3: 1}}
loss: cross_entropy
"""
    part = parse_problem(text, "s.yaml").parts[0]
    assert part.activations[-1].name == "sigmoid"
    dense = Dense(part)
    x, t = dense.arrays(part.samples)
    # u_2 = σ(0) = ½, u_3 = σ(−800) = 1/(1 + e^800) = 0.0 in float64. L = −(0·ln ½ + 1·(−100)) = 100 (the clamped
    # log). δ_2 = ∂L/∂u_2·g' = (−0/½)·¼ = 0; δ_3 = (−1/0)·0 is 0·∞, its limit −t(1 − u) = −1. ∂L/∂w_i3 = δ_3·input:
    # −1 for the bias and x = 1; ∂L/∂w_i2 = 0
    given = {("0", "2"): 0.0, ("0", "3"): 0.0, ("1", "2"): 0.0, ("1", "3"): -800.0}
    with np.errstate(all="ignore"):
        loss, grads = dense.gradients(np.array([given[e] for e in dense.edges]), x, t)
    assert loss == 100.0
    got = dict(zip(dense.edges, grads.tolist()))
    assert got == {("0", "2"): 0.0, ("1", "2"): 0.0, ("0", "3"): -1.0, ("1", "3"): -1.0}
