"""Session 15, task F (issue 14): the problem file's `train:` field (train_file.py), `symbackprop train` and its
output in every format (render/training.py). Numbers are compared with training.train's own rows run here (a
second path: the library call against the command's JSON), with a NumPy loop written here for one run, and
with values worked out by hand in comments."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.errors import ProblemError
from symbackprop.problem import load_problem, parse_problem
from symbackprop.training import train
from helpers import XOR_TRAIN

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"

# a 1-1 linear unit u = b + w·x, J = ½(u − t)² (mean over the batch); the samples lie on t = 1 + 2x
UNIT = """\
network: {inputs: [1], bias: 0, layers: [[2]], activation: identity}
weights: {0: {2: 0}, 1: {2: 0}}
samples:
  - {x: {1: 0}, t: {2: 1}}
  - {x: {1: 1}, t: {2: 3}}
  - {x: {1: 2}, t: {2: 5}}
loss: half_squared_error
learning_rate: 0.1
"""

XOR = XOR_TRAIN + "learning_rate: 2\n"
DEV = "  dev: [{x: {1: 0.1, 2: 0.1}, t: {5: 0}}, {x: {1: 0.9, 2: 0.2}, t: {5: 1}}]\n"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write(tmp_path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error(text: str) -> str:
    with pytest.raises(ProblemError) as exc:
        parse_problem(text, "p.yaml")
    return str(exc.value)


# -- reading train: --------------------------------------------------------------------------------

def test_fields_read_into_settings():
    part = parse_problem(XOR + "train:\n  epochs: 7\n  batch_size: 3\n  shuffle: false\n  seed: 4\n" + DEV +
                         "  early_stopping: {patience: 2, metric: accuracy, min_delta: 0.01}\n"
                         "  decay: {kind: plateau, patience: 1, factor: 0.25, metric: loss, min_lr: 0.1}\n").parts[0]
    s = part.train
    assert (s.epochs, s.batch_size, s.shuffle, s.seed) == (7, 3, False, 4)
    assert len(s.dev) == 2 and [float(v) for _, v in s.dev[1].x] == [0.9, 0.2]
    assert (s.early_stopping.metric, s.early_stopping.patience, s.early_stopping.min_delta) == ("accuracy", 2, 0.01)
    d = s.decay
    assert (d.kind, d.patience, float(d.factor), d.metric, float(d.min_lr)) == ("plateau", 1, 0.25, "loss", 0.1)
    # defaults: whole batch, shuffled, seed 0, no dev set, no watchers; step decay's factor ½ (every is required)
    s = parse_problem(XOR + "train: {epochs: 3, decay: {kind: step, every: 2}}\n").parts[0].train
    assert (s.batch_size, s.shuffle, s.seed, s.dev, s.early_stopping) == (None, True, 0, (), None)
    assert (s.decay.every, float(s.decay.factor)) == (2, 0.5)


def test_a_file_without_train_and_parts():
    assert parse_problem(XOR).parts[0].train is None
    prob = parse_problem(XOR + "train: {epochs: 5}\nparts:\n  - {name: a}\n  - {name: b, train: {epochs: 9}}\n")
    assert [p.train.epochs for p in prob.parts] == [5, 9]


@pytest.mark.parametrize("train, field, words", [
    ("5", "train", "train"),
    ("{epochs: 0}", "train.epochs", "from 1 to 100000"),
    ("{epochs: 100001}", "train.epochs", "from 1 to 100000"),
    ("{batch_size: 2}", "train.epochs", "missing"),
    ("{epochs: 2, batch_size: 0}", "train.batch_size", "from 1 to"),
    ("{epochs: 2, batch_size: 5}", "train.batch_size", "more than the 4 training samples"),
    ("{epochs: 2, shuffle: 1}", "train.shuffle", "true or false"),
    ("{epochs: 2, seed: -1}", "train.seed", "whole number"),
    ("{epochs: 2, epoch: 3}", "train.epoch", "did you mean epochs"),
    ("{epochs: 2, early_stopping: {patience: -1}}", "train.early_stopping.patience", "from 0"),
    ("{epochs: 2, early_stopping: {patience: 1}}", "train.early_stopping", "dev set"),
    ("{epochs: 2, early_stopping: {patiense: 1}}", "train.early_stopping.patiense", "did you mean patience"),
    ("{epochs: 2, early_stopping: {metric: acuracy}}", "train.early_stopping.metric", "did you mean accuracy"),
    ("{epochs: 2, decay: {kind: step, factor: 1}}", "train.decay.factor", "between 0 and 1"),
    ("{epochs: 2, decay: {kind: step, factor: 0}}", "train.decay.factor", "between 0 and 1"),
    ("{epochs: 2, decay: {kind: step, every: 0}}", "train.decay.every", "from 1"),
    ("{epochs: 2, decay: {kind: stpe}}", "train.decay.kind", "did you mean step"),
    ("{epochs: 2, decay: {factor: 0.5}}", "train.decay.kind", "step, plateau"),
    ("{epochs: 2, decay: {kind: step, patience: 2}}", "train.decay.patience", "allowed: kind, every, factor"),
    ("{epochs: 2, decay: {kind: plateau}}", "train.decay", "dev set"),
    ("{epochs: 2, decay: {kind: plateau, min_lr: -1}}", "train.decay.min_lr", "0 or more"),
    ("{epochs: 2, dev: []}", "train.dev", "list of samples"),
    ("{epochs: 2, dev: [{x: {1: 0, 7: 1}, t: {5: 0}}]}", "train.dev[0].x.7", "not an input"),
    ("{epochs: 2, dev: [{x: {1: 0, 2: 1}, t: {3: 0}}]}", "train.dev[0].t.3", "5"),
])
def test_each_mistake_one_line_with_its_line(train, field, words):
    text = XOR + "train: " + train + "\n"
    got = error(text)
    assert got.startswith(f"p.yaml:{text.count(chr(10))}: {field}: "), got
    assert words in got and "\n" not in got


def test_the_field_line_in_block_style():
    got = error(XOR + "train:\n  epochs: 10\n  batch_size: 0\n")
    assert got.startswith(f"p.yaml:{XOR.count(chr(10)) + 3}: train.batch_size:"), got


def test_accuracy_needs_classes():
    # targets 0.3 and 0.7 are no classes (training.predicted_class: None): metric accuracy refused, loss allowed
    text = UNIT + "train: {epochs: 2, dev: [{x: {1: 3}, t: {2: 0.3}}], early_stopping: {metric: accuracy}}\n"
    got = error(text)
    assert "train.early_stopping.metric" in got and "classes" in got
    parse_problem(text.replace("accuracy", "loss"))


def test_decay_refused_for_the_lectures_adadelta():
    got = error(XOR.replace("learning_rate: 2\n", "optimizer: adadelta\n") + "train: {epochs: 2, decay: {kind: step, every: 1}}\n")
    assert "train.decay:" in got and "adadelta" in got and "no" not in got.split("train.decay:")[0]


def test_cli_mistake_exit_2(tmp_path):
    r = run("train", write(tmp_path, XOR + "train: {epochs: 2, batch_size: 0}\n"))
    assert r.exit_code == 2 and "train.batch_size" in r.output and "Traceback" not in r.output
    r = run("train", write(tmp_path, XOR, "none.yaml"))
    assert r.exit_code == 2 and "no train: field" in r.output and len(r.output.strip().splitlines()) == 1


# -- CSV -------------------------------------------------------------------------------------------

def csv_problem(tmp_path, rows: str, dev: str | None = None) -> Path:
    (tmp_path / "d.csv").write_text(rows, encoding="utf-8")
    train = "train:\n  epochs: 3\n  data: d.csv\n"
    if dev is not None:
        (tmp_path / "dev.csv").write_text(dev, encoding="utf-8")
        train += "  dev_data: dev.csv\n"
    text = XOR.split("samples:")[0] + "loss: half_squared_error\nlearning_rate: 2\n" + train
    return write(tmp_path, text)


def test_csv_read_any_column_order(tmp_path):
    path = csv_problem(tmp_path, "x1,x2,t5\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n", "t5, x2 ,x1\n1,0.5,0.25\n")
    part = load_problem(path).parts[0]
    assert [[float(v) for _, v in s.x] + [float(v) for _, v in s.t] for s in part.samples] == \
        [[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]]
    (dev,) = part.train.dev
    assert [float(v) for _, v in dev.x] == [0.25, 0.5] and [float(v) for _, v in dev.t] == [1]
    # the same run as with the samples written in the file
    inline = parse_problem(XOR + "train: {epochs: 3}\n").parts[0]
    assert train(part, part.train).final == train(inline, inline.train).final


@pytest.mark.parametrize("rows, line, words", [
    ("x1,t5\n0,0\n", 1, "no column x2"),
    ("x1,x2,t5,y\n0,0,0,1\n", 1, "unknown column 'y'"),
    ("x1,x2,t6\n0,0,0\n", 1, "unknown column 't6'"),
    ("x1,x2,t5\n0,0,0\n1,oops,1\n", 3, "column x2: 'oops' is not a number"),
    ("x1,x2,t5\n0,0,0\n1,1\n", 3, "2 cells"),
    ("x1,x2,t5\n", 1, "no samples"),
    ("", 1, "no samples"),
])
def test_csv_mistakes_name_file_row_and_column(tmp_path, rows, line, words):
    path = csv_problem(tmp_path, rows)
    with pytest.raises(ProblemError) as exc:
        load_problem(path)
    got = str(exc.value)
    assert got.startswith(f"{tmp_path / 'd.csv'}:{line}: ") and words in got, got


def test_csv_missing_file_and_twice(tmp_path):
    path = csv_problem(tmp_path, "x1,x2,t5\n0,0,0\n")
    (tmp_path / "d.csv").unlink()
    r = run("train", path)
    assert r.exit_code == 2 and "train.data" in r.output and "cannot read the CSV file" in r.output
    got = error(XOR + "train: {epochs: 2, data: d.csv}\n")
    assert "samples:" in got and "train.data gives the training samples" in got
    text = XOR.split("samples:")[0] + "loss: half_squared_error\ntrain: {epochs: 2, data: 3}\n"
    got = error(text)
    assert got.startswith(f"p.yaml:{text.count(chr(10))}: train.data: ") and "CSV file" in got, got


# -- the command's output ----------------------------------------------------------------------------

@pytest.mark.slow
def test_the_xor_file_learns_xor():
    r = run("train", PROBLEMS / "xor_train.yaml", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    (part,) = data["parts"]
    last = part["epochs"][-1]
    assert last["epoch"] == part["settings"]["epochs"] == len(part["epochs"])
    assert last["accuracy"] == 1.0 and last["loss"] < 0.01
    # second path: the network with the final weights classifies every XOR sample, computed here by hand
    w = part["final_weights"]
    sig = lambda z: 1 / (1 + math.exp(-z))            # noqa: E731
    for x1, x2, t in ((0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 0)):
        u3 = sig(w["w_0_3"] + w["w_1_3"] * x1 + w["w_2_3"] * x2)
        u4 = sig(w["w_0_4"] + w["w_1_4"] * x1 + w["w_2_4"] * x2)
        u5 = sig(w["w_0_5"] + w["w_3_5"] * u3 + w["w_4_5"] * u4)
        assert (u5 >= 0.5) == bool(t)


@pytest.mark.slow
def test_the_dev_file_stops_early_and_prints_the_kept_weights():
    prob = load_problem(PROBLEMS / "xor_dev_stop.yaml")
    part = prob.parts[0]
    rows = train(part, part.train)
    assert rows.stopped_epoch is not None and rows.stopped_epoch < part.train.epochs
    assert rows.stopped_epoch - rows.kept_epoch == part.train.early_stopping.patience
    assert any("decayed" in e.marks for e in rows.epochs)
    data = json.loads(run("train", PROBLEMS / "xor_dev_stop.yaml", "--format", "json").output)["parts"][0]
    assert (data["stopped_epoch"], data["kept_epoch"]) == (rows.stopped_epoch, rows.kept_epoch)
    assert data["kept_weights"] == {f"w_{a}_{b}": v for (a, b), v in rows.kept.items()}
    assert data["epochs"][rows.stopped_epoch - 1]["marks"] == ["stopped"]
    text = run("train", PROBLEMS / "xor_dev_stop.yaml").output
    assert f"kept (epoch {rows.kept_epoch})" in text
    assert f"after epoch {rows.stopped_epoch} of {part.train.epochs}" in text
    kept = dict(re.findall(r"^\s+(w_\d_\d)\s+\S+\s+(\S+)$", text, re.M))
    assert kept and all(abs(float(kept[k]) - v) <= 1e-7 * max(1, abs(v)) for k, v in data["kept_weights"].items())
    assert re.search(rf"^\s+{rows.kept_epoch}\s.*best \(kept\)$", text, re.M)
    assert re.search(rf"^\s+{rows.stopped_epoch}\s.*patience ran out$", text, re.M)


def test_a_run_against_a_loop_written_here(tmp_path):
    # full batch, no shuffle, the mean of ½(u − t)²: ∂J/∂b = mean(u − t), ∂J/∂w = mean((u − t)·x)
    r = run("train", write(tmp_path, UNIT + "train: {epochs: 30, shuffle: false}\n"), "--format", "json")
    data = json.loads(r.output)["parts"][0]
    x, t, b, w = np.array([0.0, 1, 2]), np.array([1.0, 3, 5]), 0.0, 0.0
    for epoch in data["epochs"]:
        e = b + w * x - t
        b, w = b - 0.1 * e.mean(), w - 0.1 * (e * x).mean()
        assert epoch["loss"] == pytest.approx((0.5 * (b + w * x - t) ** 2).mean(), rel=1e-12)
        assert epoch["accuracy"] is None and epoch["lr"] == 0.1
    assert data["final_weights"] == pytest.approx({"w_0_2": b, "w_1_2": w}, rel=1e-12)


@pytest.mark.slow
def test_every_and_the_rows_line():
    text = run("train", PROBLEMS / "xor_train.yaml").output
    rows = re.findall(r"^\s+(\d+)\s+\d", text, re.M)
    epochs = [int(e) for e in rows if int(e) <= 2000]
    assert len(epochs) <= 50 and epochs[:5] == [1, 2, 3, 4, 5] and epochs[-1] == 2000
    assert "the first 5, one every 50 epochs" in text
    text = run("train", PROBLEMS / "xor_train.yaml", "--every", "500").output
    assert [int(e) for e in re.findall(r"^\s+(\d+)\s+\d\.", text, re.M)] == [1, 2, 3, 4, 5, 500, 1000, 1500, 2000]
    assert "9 of 2000 epochs" in text and "one every 500 epochs" in text


# the unit of UNIT learns t = 1 + 2x; a dev sample at x = 3 with t = 0 is best before any training and worse after
# every epoch: after epoch 1, b = 0.1·mean(1, 3, 5) = 0.3 and w = 0.1·mean(0, 3, 10) = 13/30, so u(3) = 1.6 and
# the dev loss is ½·1.6² = 1.28, and it grows from there: epoch 1 is kept, and patience 3 runs out at epoch 4
STOP = UNIT + "train:\n  epochs: 50\n  shuffle: false\n  dev: [{x: {1: 3}, t: {2: 0}}]\n  early_stopping: {patience: 3}\n"


def test_early_stopping_by_hand(tmp_path):
    path = write(tmp_path, STOP)
    data = json.loads(run("train", path, "--format", "json").output)["parts"][0]
    assert data["epochs"][0]["dev_loss"] == pytest.approx(1.28, rel=1e-12)
    assert [e["marks"] for e in data["epochs"]] == [["best"], [], [], ["stopped"]]
    assert (data["kept_epoch"], data["stopped_epoch"]) == (1, 4)
    assert data["kept_weights"] == pytest.approx({"w_0_2": 0.3, "w_1_2": 13 / 30}, rel=1e-12)
    part = load_problem(path).parts[0]             # a second path: the library's rows
    rows = train(part, part.train)
    assert [e.dev_loss for e in rows.epochs] == [e["dev_loss"] for e in data["epochs"]]
    text = run("train", path).output
    assert re.search(r"^\s+1\s.*best \(kept\)$", text, re.M) and re.search(r"^\s+4\s.*patience ran out$", text, re.M)
    assert "kept (epoch 1)" in text and "after epoch 4 of 50" in text
    kept = dict(re.findall(r"^\s+(w_\d_\d)\s+\S+\s+(\S+)$", text, re.M))
    assert kept == {"w_0_2": "0.3", "w_1_2": "0.43333333"}


def test_every_on_a_short_run(tmp_path):
    path = write(tmp_path, UNIT + "train: {epochs: 120}\n")
    text = run("train", path).output           # 120 epochs: one every 5 (at most about 50 rows)
    assert [int(e) for e in re.findall(r"^\s+(\d+)\s+\d", text, re.M)] == [1, 2, 3, 4] + list(range(5, 121, 5))
    text = run("train", path, "--every", "50").output
    assert [int(e) for e in re.findall(r"^\s+(\d+)\s+\d", text, re.M)] == [1, 2, 3, 4, 5, 50, 100, 120]
    assert "8 of 120 epochs: the first 5, one every 50 epochs" in text
    assert len(json.loads(run("train", path, "--every", "50", "--format", "json").output)["parts"][0]["epochs"]) == 120
    text = run("train", path, "--every", "1").output
    assert "Every epoch (120)" in text


def test_zh(tmp_path):
    r = run("train", write(tmp_path, STOP, "stop.yaml"), "--lang", "zh")
    assert r.exit_code == 0 and "训练过程" in r.output and "耐心耗尽" in r.output and "保留" in r.output
    r = run("train", write(tmp_path, XOR + "train: {epochs: 0}\n"), "--lang", "zh")
    assert r.exit_code == 2 and "train.epochs" in r.output and "整数" in r.output


@pytest.mark.parametrize("fmt, marker", [("markdown", "| epoch"), ("html", "<table"), ("latex", r"\begin{tabular}")])
def test_every_format_renders(tmp_path, fmt, marker):
    r = run("train", write(tmp_path, XOR + "train:\n  epochs: 4\n  early_stopping: {patience: 1}\n" + DEV), "--format", fmt)
    assert r.exit_code == 0, r.output
    assert marker in r.output


def test_part_chooses(tmp_path):
    path = write(tmp_path, XOR + "parts:\n  - {name: a, train: {epochs: 2}}\n  - {name: b, train: {epochs: 3}}\n"
                 "  - {name: c}\n")
    data = json.loads(run("train", path, "--format", "json").output)
    assert [(p["name"], len(p["epochs"])) for p in data["parts"]] == [("a", 2), ("b", 3)]      # c has no train:
    data = json.loads(run("train", path, "--format", "json", "--part", "b").output)
    assert [p["name"] for p in data["parts"]] == ["b"]
    r = run("train", path, "--part", "c")
    assert r.exit_code == 2 and "no train: field" in r.output
    r = run("train", path, "--part", "bb")
    assert r.exit_code == 2 and "did you mean b" in r.output
    text = run("train", path).output
    assert "Part a" in text and "Part b" in text


def test_output_file_by_suffix(tmp_path):
    out = tmp_path / "run.json"
    r = run("train", write(tmp_path, XOR + "train: {epochs: 3}\n"), "-o", out)
    assert r.exit_code == 0 and len(json.loads(out.read_text(encoding="utf-8"))["parts"][0]["epochs"]) == 3


@pytest.mark.slow
def test_pdf(tmp_path):
    out = tmp_path / "run.pdf"
    r = run("train", PROBLEMS / "xor_dev_stop.yaml", "-o", out)
    if r.exit_code == 3 and "LaTeX" in r.output:
        pytest.skip("no LaTeX here")
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["xor_train", "xor_dev_stop"])
def test_solve_of_the_new_files_by_hand(name):
    """The files' `solve` (one full-batch SGD step, lr 2, J the mean of ½(u − t)² over the four XOR samples),
    against a forward and backward pass written here: net_3 of sample 2 is 0.5·1 + 0.4·0 − 0.6·1 = −0.1."""
    r = run("solve", PROBLEMS / f"{name}.yaml", "--format", "json")
    assert r.exit_code == 0, r.output
    q = json.loads(r.output)["parts"][0]["quantities"]
    assert q["net_3@2"]["value"] == pytest.approx(-0.1, abs=1e-15)
    W1 = np.array([[0.5, 0.4, -0.6], [-0.5, 0.7, 0.2]])       # rows: units 3, 4; columns: bias, x1, x2
    w2 = np.array([0.3, 0.8, -0.3])                            # bias, u3, u4 → unit 5
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    t = np.array([0.0, 1, 1, 0])
    sig = lambda z: 1 / (1 + np.exp(-z))                      # noqa: E731
    h = sig(np.c_[np.ones(4), X] @ W1.T)
    u = sig(np.c_[np.ones(4), h] @ w2)
    assert q["loss"]["value"] == pytest.approx((0.5 * (u - t) ** 2).mean(), rel=1e-12)
    d5 = (u - t) * u * (1 - u)
    g2 = (np.c_[np.ones(4), h] * d5[:, None]).mean(axis=0)
    d_h = d5[:, None] * w2[1:] * h * (1 - h)
    g1 = np.einsum("nj,ni->ji", d_h, np.c_[np.ones(4), X]) / 4
    for (src, dst), g in {("0", "5"): g2[0], ("3", "5"): g2[1], ("4", "5"): g2[2], ("0", "3"): g1[0, 0],
                          ("1", "3"): g1[0, 1], ("2", "4"): g1[1, 2]}.items():
        assert q[f"grad_w_{src}_{dst}"]["value"] == pytest.approx(g, rel=1e-12)
    assert q["new_w_3_5"]["value"] == pytest.approx(0.8 - 2 * g2[1], rel=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("name, every", [("xor_train", "500"), ("xor_dev_stop", "200")])
def test_the_docs_runs_are_what_the_command_prints(name, every):
    doc = (PROBLEMS.parent / "docs" / "training.md").read_text(encoding="utf-8")
    assert run("train", PROBLEMS / f"{name}.yaml", "--every", every).output in doc
