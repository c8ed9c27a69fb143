"""Session 16, task F (issue 14, trial t23): `train --worked` at an update whose exact solution cannot be computed
(a saturated output, values beyond the exact limit), `--plot` of a diverged run, the pgfplots x range, the worked
step's words with `shuffle: false`, and wording of train/padding/dropout/CSV messages."""
from __future__ import annotations

import json
import math

import mpmath
import pytest
import numpy as np
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.optimize import parameters
from symbackprop.problem import parse_problem
from symbackprop.training import train

# t23's in/sat.yaml: the 2-2-1 XOR net (+ a fifth sample), sigmoid, BCE, momentum with lr 200: outputs saturate
SAT = """title: Saturating
network:
  inputs: [1, 2]
  bias: 0
  layers: [[3, 4], [5]]
  activation: sigmoid
  output_activation: sigmoid
weights:
  0: {3: 0.1, 4: -0.2, 5: 0.05}
  1: {3: 0.3, 4: -0.4}
  2: {3: 0.25, 4: 0.6}
  3: {5: 0.7}
  4: {5: -0.5}
samples:
  - {x: {1: 0, 2: 0}, t: {5: 0}}
  - {x: {1: 0, 2: 1}, t: {5: 1}}
  - {x: {1: 1, 2: 0}, t: {5: 1}}
  - {x: {1: 1, 2: 1}, t: {5: 0}}
  - {x: {1: 0.9, 2: 0.1}, t: {5: 1}}
loss: bce
optimizer: {name: momentum, lr: 200, momentum: 0.9}
train:
  epochs: 300
  batch_size: 2
  seed: 7
"""

# t23's in/div.yaml: a 1-3-1 tanh/identity regression, SGD lr 5: diverges in epoch 49
DIV = """title: Diverging regression
network:
  inputs: [1]
  bias: 0
  layers: [[2, 3, 4], [5]]
  activation: tanh
  output_activation: identity
init: {kind: glorot, seed: 11}
samples:
  - {x: {1: -1}, t: {5: 1}}
  - {x: {1: -0.5}, t: {5: 0.25}}
  - {x: {1: 0}, t: {5: 0}}
  - {x: {1: 0.5}, t: {5: 0.25}}
  - {x: {1: 1}, t: {5: 1}}
  - {x: {1: 0.25}, t: {5: 0.0625}}
loss: mse
optimizer: {name: sgd, lr: 5}
train:
  epochs: 400
  batch_size: 4
  seed: 3
  dev: [{x: {1: 0.75}, t: {5: 0.5625}}, {x: {1: -0.25}, t: {5: 0.0625}}]
"""


def _cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _theta_before(text: str, t: int):
    """The run's θ_{t−1} and the batch of update t (the tool's float64 run, recorded for --worked)."""
    part = parse_problem(text, "p.yaml").parts[0]
    rec = train(part, part.train, worked=t).worked
    return rec.theta, rec.samples, part


# -- 1. --worked where the exact solution cannot be computed ------------------------------------------------------

def test_worked_at_a_saturated_output_prints_the_run_and_says_why(tmp_path):
    f = tmp_path / "sat.yaml"
    f.write_text(SAT.replace("epochs: 300", "epochs: 6"))      # the same first 6 epochs, the run shorter
    # update 16 = epoch 6, update 1 (3 updates an epoch: batches of 2 of 5 samples)
    theta, samples, part = _theta_before(SAT, 16)
    # independently: the output's net of the batch's samples at θ_15 (optimize.parameters' order below); at 30 digits
    # sigmoid is exactly 1 (or 0) for a sample of the batch, so that BCE's ln(1 − u_5) (or ln u_5) is ln 0 (even
    # with its own target: the exact loss has 0·ln 0 there)
    assert [str(p.key) for p in parameters(part)] == ["w_0_3", "w_1_3", "w_2_3", "w_0_4", "w_1_4", "w_2_4",
                                                      "w_0_5", "w_3_5", "w_4_5"]
    w = dict(zip(["03", "13", "23", "04", "14", "24", "05", "35", "45"], map(float, theta)))
    xs = {0: (0, 0), 1: (0, 1), 2: (1, 0), 3: (1, 1), 4: (0.9, 0.1)}
    saturated = []
    with mpmath.workdps(30):
        assert 1 / (1 + mpmath.exp(-70)) != 1 and 1 / (1 + mpmath.exp(-80)) == 1    # 30 digits: 1 from net ≈ 69
        for k in samples:
            x1, x2 = xs[k]
            u3, u4 = (float(1 / (1 + mpmath.exp(-(w["0" + h] + w["1" + h] * x1 + w["2" + h] * x2))))
                      for h in ("3", "4"))
            net5 = w["05"] + w["35"] * u3 + w["45"] * u4
            u5 = 1 / (1 + mpmath.exp(-mpmath.mpf(net5)))
            if u5 == 1 or u5 == 0:
                saturated.append(k)
    assert saturated                         # so the exact loss's ln(1 − u_5) is ln 0 at 30 digits
    got = _cli("train", f, "--worked", "6:1")
    assert got.exit_code == 0, got.output
    out = got.output
    assert "Final weights" in out or "Weights" in out   # the run itself is printed
    head = out.index("Worked step: epoch 6, update 1")
    note = out[head:]
    assert "--worked 6:1 is not worked" in note and "update 16 of the run" in note and "saturates" in note
    assert "1 - u_5" in note and "−100" in note
    assert "Error" not in out
    # JSON: the worked object says so; zh says it in Chinese
    data = json.loads(_cli("train", f, "--worked", "6:1", "--format", "json").output)
    worked = data["parts"][0]["worked"]
    assert (worked["epoch"], worked["update"], worked["t"]) == (6, 1, 16)
    assert worked["samples"] == [k + 1 for k in samples] and "saturates" in worked["not_worked"]
    zh = _cli("train", f, "--worked", "6:1", "--lang", "zh")
    assert zh.exit_code == 0 and "未给出详细步骤" in zh.output
    # into a file: the note on stderr too (CliRunner mixes it into output)
    got = _cli("train", f, "--worked", "6:1", "-o", tmp_path / "o.md")
    assert got.exit_code == 0 and "--worked 6:1 is not worked" in got.output
    assert "--worked 6:1 is not worked" in (tmp_path / "o.md").read_text(encoding="utf-8")


def test_worked_just_before_divergence_prints_the_run_and_says_the_values_are_too_large(tmp_path):
    f = tmp_path / "div.yaml"
    f.write_text(DIV)
    # 6 samples in batches of 4: 2 updates an epoch; 49:1 is update 97
    theta, samples, part = _theta_before(DIV, 97)
    # independently: the error of the batch's first sample at θ_96 by a NumPy forward pass (tanh hidden, identity
    # output); mse's loss of a sample (u − t)² (one output) is beyond 1e300, the exact solution's limit, and the note
    # gives it
    w = dict(zip([str(p.key) for p in parameters(part)], np.array(theta, dtype=float)))
    x = {0: -1, 1: -0.5, 2: 0, 3: 0.5, 4: 1, 5: 0.25}[samples[0]]
    t = {0: 1, 1: 0.25, 2: 0, 3: 0.25, 4: 1, 5: 0.0625}[samples[0]]
    u = w["w_0_5"] + sum(w[f"w_{h}_5"] * np.tanh(w[f"w_0_{h}"] + w[f"w_1_{h}"] * x) for h in (2, 3, 4))
    loss = (u - t) ** 2
    assert math.isfinite(loss) and loss > 1e300
    got = _cli("train", f, "--worked", "49:1")
    assert got.exit_code == 1, got.output             # the run diverged (epoch 49): 1, as without --worked
    note = got.output[got.output.index("Worked step: epoch 49, update 1"):]
    assert "--worked 49:1 is not worked" in note and "update 97 of the run" in note and "1e300" in note
    assert f"loss@1 is ≈ {loss:.3e}" in note
    assert "Error" not in got.output
    assert "diverged" in got.output[:got.output.index("Worked step")]
    data = json.loads(_cli("train", f, "--worked", "49:1", "--format", "json").output)
    assert data["parts"][0]["worked"]["not_worked"].startswith("--worked 49:1 is not worked")
    assert data["parts"][0]["diverged_epoch"] == 49


# -- 4. the worked step's words with shuffle: false ---------------------------------------------------------------

def _unshuffled() -> str:
    """t23's in/sum.yaml with fewer epochs: SAT at η = 0.5, 3 epochs, the file's order, J the batch's sum."""
    return (SAT.replace("lr: 200", "lr: 0.5").replace("epochs: 300", "epochs: 3")
            .replace("  seed: 7\n", "  seed: 7\n  shuffle: false\n").replace("loss: bce\n", "loss: bce\nbatch_reduction: sum\n"))


def test_worked_with_shuffle_false_says_the_files_order(tmp_path):
    # t23's in/sum.yaml with fewer epochs: batches of 2 of 5 samples, not shuffled: update 2 of every epoch is on
    # samples 3 and 4 (the file's order), update 3 on sample 5 alone
    f = tmp_path / "sum.yaml"
    f.write_text(_unshuffled())
    out = _cli("train", f, "--worked", "2:2").output
    assert "on samples 3 and 4 of the training set (in the file's order: shuffle is false)" in out
    assert "shuffled" not in out


@pytest.mark.slow
def test_worked_with_shuffle_false_one_sample_and_shuffled(tmp_path):
    f = tmp_path / "sum.yaml"
    f.write_text(_unshuffled())
    out = _cli("train", f, "--worked", "2:3").output
    assert "on sample 5 of the training set (in the file's order: shuffle is false); J is its loss" in out
    # shuffled (the file as it is): the run's shuffled order
    f.write_text(SAT.replace("lr: 200", "lr: 0.5").replace("epochs: 300", "epochs: 3"))
    assert "(in the run's shuffled order)" in _cli("train", f, "--worked", "2:2").output


# -- 2. --plot of a run whose losses reach 1e308 before it diverges -----------------------------------------------

@pytest.mark.slow
def test_the_png_of_a_diverged_run_draws_its_finite_epochs_without_a_warning():
    pytest.importorskip("matplotlib")
    import warnings
    from symbackprop.render import plot
    part = parse_problem(DIV, "div.yaml").parts[0]
    run = train(part, part.train)
    rows = run.epochs
    # the run: the training loss of epoch 49 is not finite, its dev loss ≈ 5.7e307 is (the largest finite ones)
    assert run.diverged_epoch == 49 and not math.isfinite(rows[-1].loss) and 1e307 < rows[-1].dev_loss < 1e308
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, _ = plot.loss_figure(run, "en")
        ax, = fig.axes
        train_line, dev_line = ax.get_lines()[:2]
        data, _ = plot.loss_png(run, "en")
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], [str(w.message) for w in caught]
    assert data.startswith(b"\x89PNG")
    # every finite epoch on its line: training 1..48, dev 1..49
    assert list(train_line.get_xdata()) == list(range(1, 49))
    assert list(train_line.get_ydata()) == [r.loss for r in rows[:48]]
    assert list(dev_line.get_xdata()) == list(range(1, 50))
    assert list(dev_line.get_ydata()) == [r.dev_loss for r in rows]
    # and inside the axis's range (not an empty plot): from below the smallest to above the largest
    lo, hi = ax.get_ylim()
    assert ax.get_yscale() == "log" and math.isfinite(hi)
    assert lo < min(r.loss for r in rows[:48]) and hi > rows[-1].dev_loss


# -- 3. the pgfplots figure's x range: lines at the first and last epoch inside the frame -------------------------

def _x_range_and_marks(tex: str):
    import re
    xmin = float(re.search(r"xmin=([-0-9.e]+)", tex).group(1))
    xmax = float(re.search(r"xmax=([-0-9.e]+)", tex).group(1))
    # the vertical lines: \addplot[style] coordinates {(e,ymin) (e,ymax)} with the same e twice
    marks = [float(a) for a, b in re.findall(r"coordinates \{\(([0-9.]+),[^)]*\) \(([0-9.]+),[^)]*\)\};", tex)
             if a == b]
    return xmin, xmax, marks


def test_pgfplots_pads_the_epoch_axis_so_that_marks_at_the_ends_show():
    from symbackprop.render import plot
    part = parse_problem(DIV, "div.yaml").parts[0]
    run = train(part, part.train)
    xmin, xmax, marks = _x_range_and_marks(plot.pgfplots(run))
    assert marks == [49.0]                   # "diverged" at the run's last epoch
    assert xmin < 1 and xmax > 49            # so inside the frame, not on it
    # early stopping on the dev loss: epoch 1 kept, patience (2) running out at epoch 3, the last: w_02 = 1 goes to
    # 0.8, 0.64, 0.512 (u = w_02, ∂J/∂w_02 = 2u, η = 0.1), so the dev loss (w_02 − 5)² grows each epoch; a dev loss that
    # only rises after epoch 1 (the dev target far from where training goes: x = 0 everywhere, t = 0 vs dev t = 5)
    stop = parse_problem("""
network: {inputs: [1], bias: 0, layers: [[2]], activation: identity}
weights: {0: {2: 1}, 1: {2: 0}}
samples: [{x: {1: 0}, t: {2: 0}}]
loss: mse
optimizer: {name: sgd, lr: 0.1}
train:
  epochs: 50
  dev: [{x: {1: 0}, t: {2: 5}}]
  early_stopping: {metric: loss, patience: 2}
""", "stop.yaml").parts[0]
    srun = train(stop, stop.train)
    assert (srun.kept_epoch, srun.stopped_epoch, len(srun.epochs)) == (1, 3, 3)
    xmin, xmax, marks = _x_range_and_marks(plot.pgfplots(srun))
    assert sorted(marks) == [1.0, 3.0] and xmin < 1 and xmax > 3


# -- 6. wording --------------------------------------------------------------------------------------------------

def test_train_of_a_masked_mean_file_names_its_model_and_line(tmp_path):
    f = tmp_path / "pad.yaml"
    # a masked_mean file (t23's in/pad.yaml's form): `model:` on line 2
    f.write_text('title: Padding\nmodel: masked_mean\npad: "<p>"\nembeddings: {a: [1, 2], b: [0, 1], "<p>": [3, -2]}\n'
                 "sentences: [a, a b]\npad_to: 2\ntargets: [1, 0]\nw: [0.5, -0.5]\nb: 0\nloss: bce\n", encoding="utf-8")
    solved = _cli("solve", f)
    assert solved.exit_code == 0                            # a good masked_mean file
    assert "Sentence 1 has 1 real word and 1 pad:" in solved.output     # "a" padded to 2 positions
    got = _cli("train", f)
    assert got.exit_code == 2
    assert got.output.strip() == (f"Error: {f}:2: model: masked_mean is a computation graph model; train: is for "
                                  "networks only (docs/training.md)")


def test_padding_and_dropout_say_one_word_one_row_one_entry():
    from symbackprop.messages import msg
    # the messages themselves: singular forms where the count is 1
    assert "1 real word and 3 pads" in msg("en", "padding.note.pulled_word", s=3, pads=3, wrong="w", right="r", e="e")
    assert "1 real word and 1 pad:" in msg("en", "padding.note.pulled_word_one", s=3, wrong="w", right="r", e="e")
    # a dropout mask of 1 row for 2 samples, and a row of 1 entry for 2 units
    base = """
network: {inputs: [1], bias: 0, layers: [[2, 3], [4]], activation: tanh, output_activation: identity}
weights: {0: {2: 0.1, 3: 0.2, 4: 0.3}, 1: {2: 0.5, 3: -0.5}, 2: {4: 1}, 3: {4: -1}}
samples: [{x: {1: 1}, t: {4: 0}}, {x: {1: -1}, t: {4: 1}}]
loss: mse
dropout: [{layer: 1, p: 0.5, mask: MASK}]
"""
    from symbackprop.errors import ProblemError
    with pytest.raises(ProblemError, match=r"the mask has 1 row; give one row per sample \(2\)"):
        parse_problem(base.replace("MASK", "[[1, 0]]"), "d.yaml")
    with pytest.raises(ProblemError, match=r"a mask of 1 entry, but layer 1 has 2 units"):
        parse_problem(base.replace("MASK", "[1]"), "d.yaml")
    with pytest.raises(ProblemError, match=r"the mask has 3 rows"):
        parse_problem(base.replace("MASK", "[[1, 0], [1, 1], [0, 1]]"), "d.yaml")


def test_a_csv_number_with_a_huge_exponent_is_out_of_range_not_not_a_number(tmp_path):
    (tmp_path / "c.csv").write_text("x1,t2\n0,0\n1,1e400\n", encoding="utf-8")
    (tmp_path / "p.yaml").write_text("""
network: {inputs: [1], bias: 0, layers: [[2]], activation: identity}
weights: {0: {2: 0}, 1: {2: 1}}
loss: mse
optimizer: {name: sgd, lr: 0.1}
train: {epochs: 2, data: c.csv}
""", encoding="utf-8")
    got = _cli("train", tmp_path / "p.yaml")
    assert got.exit_code == 2
    assert "c.csv:3: column t2: '1e400' is out of range: exponent 400; allowed -30 to 30" in got.output
    assert "not a number" not in got.output
    (tmp_path / "c.csv").write_text("x1,t2\n0,0\n1,oops\n", encoding="utf-8")
    assert "c.csv:3: column t2: 'oops' is not a number" in _cli("train", tmp_path / "p.yaml").output


def test_the_epoch_tables_note_says_what_it_shows(tmp_path):
    # a regression run (a linear output: no accuracy) of 3 epochs: every epoch, the loss only
    f = tmp_path / "r.yaml"
    f.write_text("""
network: {inputs: [1], bias: 0, layers: [[2]], activation: identity}
weights: {0: {2: 0}, 1: {2: 1}}
samples: [{x: {1: 1}, t: {2: 2}}]
loss: mse
optimizer: {name: sgd, lr: 0.1}
train: {epochs: 12}
""", encoding="utf-8")
    out = _cli("train", f).output
    assert "Every epoch (12); the loss after the epoch, on the whole set." in out and "accuracy" not in out
    # --every 20 on 12 epochs: no 20th epoch; the note says the first 5 and the last (6 rows), no "one every 20"
    out = _cli("train", f, "--every", "20").output
    assert "6 of 12 epochs: the first 5, every marked one and the last" in out and "one every 20" not in out
    # --every 5: epochs 1-5, 10 and the last (12): "one every 5 epochs" is true
    assert "7 of 12 epochs: the first 5, one every 5 epochs" in _cli("train", f, "--every", "5").output
    # classes (XOR's sigmoid output and BCE): loss and accuracy
    assert "Every epoch (3); loss and accuracy after the epoch" in _cli("train", _xor(tmp_path)).output


def _xor(tmp_path):
    f = tmp_path / "x.yaml"
    f.write_text(SAT.replace("epochs: 300", "epochs: 3").replace("lr: 200", "lr: 0.5"))
    return f
