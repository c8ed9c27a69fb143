"""Session 16, task DT (issue 14): `symbackprop train` with dropout (training.py, dense.py's `keep`). The run is
compared with a NumPy loop written here from the documented rule (docs/training.md, "Training with dropout"): the
shuffle from np.random.default_rng(train.seed), the masks from a generator of their own,
np.random.default_rng(dropout.seed or train.seed), `rng.random((batch, units)) < 1 − p` per update; the loss
and accuracy of each epoch at test time."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.problem import problem_from_document
from symbackprop.training import draw_batch_masks, train, updates_per_epoch, worked_run
from symbackprop.yamlfile import parse_yaml

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"
FILE = PROBLEMS / "xor_dropout_train.yaml"
HIDDEN, OUT = ["3", "4", "5", "6"], ["7"]


def variant(epochs: int, batch: int, seed: int, drop: str) -> str:
    text = FILE.read_text(encoding="utf-8")
    text = text.replace("dropout: {layer: 1, p: 0.25, scaling: inverted, mask: [1, 1, 0, 1]}", "dropout: " + drop)
    return text.replace("epochs: 3000\n  batch_size: 2\n  shuffle: true\n  seed: 0",
                        f"epochs: {epochs}\n  batch_size: {batch}\n  shuffle: true\n  seed: {seed}")


def part_of(text: str, command: str = "train"):
    return problem_from_document(parse_yaml(text, "v.yaml"), command=command).parts[0]


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def matrices(part):
    """W1 (4 × [bias, x1, x2]) and W2 (1 × [bias, u3..u6]) of the file's given weights."""
    w = {(x.source, x.target): float(x.value) for x in part.weights}
    w1 = np.array([[w[(i, j)] for i in ("0", "1", "2")] for j in HIDDEN])
    w2 = np.array([[w[(i, j)] for i in ["0"] + HIDDEN] for j in OUT])
    return w1, w2


DATA_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
DATA_T = np.array([[0.0], [1.0], [1.0], [0.0]])


def forward(w1, w2, x, factor):
    """sigmoid 2-4-1, the hidden outputs times `factor` before the output layer reads them."""
    a0 = np.hstack([np.ones((len(x), 1)), x])
    u1 = sig(a0 @ w1.T)
    a1 = np.hstack([np.ones((len(x), 1)), u1 * factor])
    return a0, u1, a1, sig(a1 @ w2.T)


def test_measure(w1, w2, p, scaling):
    """J (mean of ½(t − u)²) and accuracy over the four samples at test time: no mask, ×(1 − p) if standard."""
    _, _, _, u = forward(w1, w2, DATA_X, (1 - p) if scaling == "standard" else 1.0)
    return float(np.mean(0.5 * (DATA_T - u) ** 2)), float(np.mean((u >= 0.5) == (DATA_T == 1.0)))


test_measure.__test__ = False


def numpy_run(w1, w2, epochs, batch, seed, mask_seed, p, scaling, eta=2.0, record=None):
    """The run by the documented rule; (each epoch's test-time loss, W1, W2, the masks of update `record`)."""
    shuffle, masks_rng = np.random.default_rng(seed), np.random.default_rng(mask_seed)
    scale = 1 / (1 - p) if scaling == "inverted" else 1.0
    losses, t, kept = [], 0, None
    for _ in range(epochs):
        order = shuffle.permutation(4)
        for start in range(0, 4, batch):
            t += 1
            chosen = order[start:start + batch]
            m = masks_rng.random((len(chosen), 4)) < 1 - p
            if t == record:
                kept = m.astype(int)
            x, target = DATA_X[chosen], DATA_T[chosen]
            a0, u1, a1, u2 = forward(w1, w2, x, m * scale)
            b = len(chosen)
            k = 1.0 / b if b > 1 else 1.0
            d2 = (u2 - target) * u2 * (1 - u2)
            d1 = (d2 @ w2[:, 1:]) * m * scale * u1 * (1 - u1)
            w2 = w2 - eta * k * (d2.T @ a1)
            w1 = w1 - eta * k * (d1.T @ a0)
        losses.append(test_measure(w1, w2, p, scaling)[0])
    return losses, w1, w2, kept


@pytest.mark.parametrize("scaling,drop_seed,batch,seed", [("standard", None, 3, 5), ("inverted", 7, 2, 0)])
def test_the_run_is_the_documented_numpy_loop(scaling, drop_seed, batch, seed):
    p = 0.5
    drop = f"{{layer: 1, p: {p}, scaling: {scaling}" + (f", seed: {drop_seed}}}" if drop_seed is not None else "}")
    part = part_of(variant(6, batch, seed, drop))
    run = train(part, part.train)
    w1, w2 = matrices(part)
    losses, w1, w2, _ = numpy_run(w1, w2, 6, batch, seed, seed if drop_seed is None else drop_seed, p, scaling)
    assert [r.loss for r in run.epochs] == pytest.approx(losses, abs=1e-12, rel=0)
    for r, j in enumerate(HIDDEN):
        for c, i in enumerate(("0", "1", "2")):
            assert run.final[(i, j)] == pytest.approx(w1[r, c], abs=1e-12, rel=0)
    for c, i in enumerate(["0"] + HIDDEN):
        assert run.final[(i, "7")] == pytest.approx(w2[0, c], abs=1e-12, rel=0)
    # the masks changed the run: without dropout the same loop gives other weights
    plain = train(part_of(variant(6, batch, seed, "[]")), part.train)
    assert max(abs(plain.final[e] - run.final[e]) for e in run.final) > 1e-3


def test_one_epoch_measured_at_test_time_by_hand():
    # standard scaling, p = 0.5: after the epoch the loss and accuracy are those of the final weights with every
    # hidden output halved and no mask, not those of the training-mode forward pass
    # hidden output halved and no mask, not those of the training-mode forward pass; the dev set's the same way
    dev = "  dev: [{x: {1: 0.1, 2: 0.9}, t: {7: 1}}, {x: {1: 0.8, 2: 0.7}, t: {7: 0}}]\n"
    part = part_of(variant(1, 4, 0, "{layer: 1, p: 0.5, scaling: standard}") + dev)
    run = train(part, part.train)
    w = run.final
    w1 = np.array([[w[(i, j)] for i in ("0", "1", "2")] for j in HIDDEN])
    w2 = np.array([[w[(i, j)] for i in ["0"] + HIDDEN] for j in OUT])
    loss, accuracy = test_measure(w1, w2, 0.5, "standard")
    (row,) = run.epochs
    assert row.loss == pytest.approx(loss, abs=1e-15) and row.accuracy == accuracy
    _, _, _, u = forward(w1, w2, np.array([[0.1, 0.9], [0.8, 0.7]]), 0.5)
    assert row.dev_loss == pytest.approx(float(np.mean(0.5 * (np.array([[1.0], [0.0]]) - u) ** 2)), abs=1e-15)
    assert row.dev_accuracy == float(np.mean((u >= 0.5) == np.array([[True], [False]])))
    unscaled = test_measure(w1, w2, 0.5, "inverted")[0]       # the outputs not halved: another J
    assert abs(unscaled - loss) > 1e-3


def test_the_expected_inverted_output_is_the_test_time_output():
    # E[m·u/(1 − p)] = u: the mean over many of the run's masks of the inverted hidden output ≈ the test-time one
    part = part_of(variant(1, 4, 0, "{layer: 1, p: 0.25}"))
    (m,) = draw_batch_masks(np.random.default_rng(3), part, 200_000)
    u = sig(np.array([0.3, -1.2, 0.8, 2.0]))
    mean = (m * u / 0.75).mean(axis=0)
    assert mean == pytest.approx(u, abs=5e-3)
    assert m.mean() == pytest.approx(0.75, abs=5e-3)


def test_the_worked_step_uses_that_updates_masks_and_agrees_with_the_run():
    from symbackprop.evaluate import to_float
    from symbackprop.quantity import Key
    part = part_of(variant(3, 2, 0, "{layer: 1, p: 0.5, scaling: inverted, mask: [1, 1, 1, 1]}"))
    epoch, step = 2, 2
    t = (epoch - 1) * updates_per_epoch(part, part.train) + step
    run = train(part, part.train, worked=t)
    w1, w2 = matrices(part)
    _, _, _, masks = numpy_run(w1, w2, 3, 2, 0, 0, 0.5, "inverted", record=t)
    assert run.worked.masks == (tuple(tuple(r) for r in masks.tolist()),)
    assert 0 in masks                                   # some unit is dropped in this update (else nothing shown)
    wrun = worked_run(run)
    ws = wrun.worked[t]
    values = {str(k): to_float(sp.sympify(v)) for k, v in ws.step.values.items()}
    for n, (i, j) in enumerate((w.source, w.target) for w in part.weights):
        assert values[f"new_w_{i}_{j}"] == pytest.approx(float(run.worked.new_theta[n]), abs=1e-12, rel=0)
    psol = ws.solution
    for r, row in enumerate(masks.tolist()):
        for k, j in enumerate(HIDDEN):
            assert psol.step(Key("mask", j, None, r)).value == row[k]
            if row[k] == 0:
                assert psol.step(Key("masked", j, None, r)).value == 0
                assert psol.step(Key("delta", j, None, r)).value == 0


def test_worked_json_agrees_and_says_the_dropout(tmp_path):
    f = tmp_path / "v.yaml"
    f.write_text(variant(3, 2, 0, "{layer: 1, p: 0.25, scaling: inverted, mask: [1, 1, 0, 1]}"), encoding="utf-8")
    r = CliRunner().invoke(main, ["train", str(f), "--worked", "2:1", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)["parts"][0]
    assert data["worked"]["agreement"] < 1e-12
    assert data["settings"]["dropout"] == {"layers": [{"layer": 1, "p": 0.25, "scaling": "inverted"}],
                                           "mask_seed": 0, "measured": "test_time"}
    r = CliRunner().invoke(main, ["train", str(f)])
    assert r.exit_code == 0, r.output
    assert "np.random.default_rng(0) a generator of its own" in r.output
    assert "measured at test time" in r.output
    r = CliRunner().invoke(main, ["train", str(f), "--lang", "zh"])
    assert "测试模式" in r.output and "np.random.default_rng(0)" in r.output


@pytest.mark.slow
def test_the_problem_file_learns_xor_with_dropout():
    # what the file's comment says: after its 3000 epochs every sample is right (test-time accuracy 100%)
    r = CliRunner().invoke(main, ["train", str(FILE), "--format", "json"])
    assert r.exit_code == 0, r.output
    epochs = json.loads(r.output)["parts"][0]["epochs"]
    assert len(epochs) == 3000 and epochs[-1]["accuracy"] == 1.0 and epochs[0]["accuracy"] < 1.0
    # docs/training.md's settings block is the tool's own output
    text = (PROBLEMS.parent / "docs" / "training.md").read_text(encoding="utf-8")
    section = text.split("## Training with dropout", 1)[1].split("\n## ", 1)[0]
    block = section.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    out = CliRunner().invoke(main, ["train", str(FILE), "--every", "1000"]).output.splitlines()
    assert len(block) == 8 and all(line in out for line in block)


def test_solve_still_needs_a_mask_and_refuses_an_optimizer_with_dropout(tmp_path):
    f = tmp_path / "v.yaml"
    f.write_text(variant(2, 2, 0, "{layer: 1, p: 0.5}"), encoding="utf-8")
    r = CliRunner().invoke(main, ["solve", str(f)])
    assert r.exit_code == 2 and "dropout.mask" in r.output and len(r.output.strip().splitlines()) == 1
    assert CliRunner().invoke(main, ["train", str(f), "--every", "1"]).exit_code == 0   # train draws its own
    f.write_text(variant(2, 2, 0, "{layer: 1, p: 0.5, mask: [1, 0, 1, 1]}").replace(
        "learning_rate: 2", "optimizer: {name: sgd, lr: 2}"), encoding="utf-8")
    r = CliRunner().invoke(main, ["solve", str(f)])
    assert r.exit_code == 2 and "optimizer" in r.output and len(r.output.strip().splitlines()) == 1
    r = CliRunner().invoke(main, ["train", str(f), "--every", "1", "--format", "json"])
    assert r.exit_code == 0, r.output                                    # the run's optimizer with dropout


def test_the_per_sample_fallback_refuses_dropout_in_one_line(tmp_path, monkeypatch):
    # a part the matrix engine does not fit (dense.Unsupported) would train per sample (optimize.Compiled), which
    # draws no masks: refused in one line, exit 2
    import symbackprop.dense as dense
    monkeypatch.setattr(dense, "dense_or_none", lambda part: None)
    f = tmp_path / "v.yaml"
    f.write_text(variant(2, 2, 0, "{layer: 1, p: 0.5}"), encoding="utf-8")
    r = CliRunner().invoke(main, ["train", str(f)])
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert len(r.output.strip().splitlines()) == 1 and "matrix engine only" in r.output
    f.write_text(variant(2, 2, 0, "[]"), encoding="utf-8")
    assert CliRunner().invoke(main, ["train", str(f)]).exit_code == 0          # without dropout: per sample


TWO = """\
network: {inputs: [1, 2], bias: 0, layers: [[3, 4, 5], [6, 7], [8]], activation: tanh}
weights:
  0: {3: 0.1, 4: -0.2, 5: 0.3, 6: 0.05, 7: -0.1, 8: 0.2}
  1: {3: 0.5, 4: -0.4, 5: 0.2}
  2: {3: -0.3, 4: 0.6, 5: 0.1}
  3: {6: 0.7, 7: -0.5}
  4: {6: 0.2, 7: 0.4}
  5: {6: -0.6, 7: 0.3}
  6: {8: 0.9}
  7: {8: -0.8}
samples:
  - {x: {1: 0.2, 2: 0.9}, t: {8: 0.5}}
  - {x: {1: -0.7, 2: 0.1}, t: {8: -0.3}}
  - {x: {1: 0.4, 2: -0.5}, t: {8: 0.1}}
loss: half_squared_error
optimizer: {name: momentum, lr: 0.3, momentum: 0.9}
dropout: [{layer: 2, p: 0.5, scaling: standard}, {layer: 1, p: 0.3, seed: 11}]
train: {epochs: 4, batch_size: 2, seed: 2}
"""


@pytest.mark.slow
def test_two_dropped_layers_draw_in_layer_order_and_the_worked_step_agrees():
    # masks from default_rng(11) (layer 1's seed), layer 1's draw then layer 2's each update; momentum's state is
    # carried into the worked step; the run's J of the update's batch after it is the worked step's new loss
    part = part_of(TWO)
    assert [d.layer for d in part.dropout] == [1, 2]
    t = 5                                   # epoch 3, update 1 (2 updates an epoch: batches of 2 and 1)
    run = train(part, part.train, worked=t)
    rng = np.random.default_rng(11)
    sizes = [2, 1] * 3
    for size in sizes[:t - 1]:
        rng.random((size, 3))
        rng.random((size, 2))
    m1, m2 = rng.random((2, 3)) < 0.7, rng.random((2, 2)) < 0.5
    assert run.worked.masks == (tuple(map(tuple, m1.astype(int).tolist())), tuple(map(tuple, m2.astype(int).tolist())))
    wrun = worked_run(run)
    from symbackprop.evaluate import to_float
    values = {str(k): to_float(sp.sympify(v)) for k, v in wrun.worked[t].step.values.items()}
    for n, w in enumerate(part.weights):
        assert values[f"new_w_{w.source}_{w.target}"] == pytest.approx(float(run.worked.new_theta[n]), abs=1e-12,
                                                                         rel=0)
    assert values["new_loss"] == pytest.approx(run.worked.new_loss, abs=1e-12, rel=0)
