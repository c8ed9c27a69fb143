"""Session 15, task Y (user trial t22): what `train` says about drawn weights, its errors for graphs and
parts without `train:`, `init` that rounds every weight to 0, and wording. Expected values are worked out
here independently (NumPy draws as docs/training.md writes them; counts by hand)."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

from symbackprop.cli import main
from helpers import XOR_SAMPLES

XOR_HE = """\
title: XOR drawn and trained
network: {inputs: [1, 2], bias: 0, layers: [[3, 4], [5]], activation: sigmoid}
init: {kind: he, seed: 3}
""" + XOR_SAMPLES + """\
loss: half_squared_error
learning_rate: 1
train: {epochs: 3, shuffle: false}
"""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _write(tmp_path, text, name="p.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _he_draws(seed, sizes, places=4):
    """He draws by the docs' recipe: W (d_out × d_in) then b per layer, v = √(6/d_in)."""
    rng = np.random.default_rng(seed)
    out, vs = [], []
    for d_in, d_out in zip(sizes, sizes[1:]):
        v = math.sqrt(6 / d_in)
        vs.append(v)
        W = rng.uniform(-v, v, size=(d_out, d_in))
        b = rng.uniform(-v, v, size=d_out)
        out.append((np.round(W, places), np.round(b, places)))
    return out, vs


def test_train_of_drawn_weights_shows_the_init_and_the_starting_weights(tmp_path):
    path = _write(tmp_path, XOR_HE)
    (l1, l2), vs = _he_draws(3, [2, 2, 1])
    expected = {"w_0_3": l1[1][0], "w_1_3": l1[0][0, 0], "w_2_3": l1[0][0, 1],
                "w_0_4": l1[1][1], "w_1_4": l1[0][1, 0], "w_2_4": l1[0][1, 1],
                "w_0_5": l2[1][0], "w_3_5": l2[0][0, 0], "w_4_5": l2[0][0, 1]}
    res = run("train", path, "--format", "json")
    assert res.exit_code == 0, res.output
    part = json.loads(res.output)["parts"][0]
    init = part["settings"]["init"]
    assert (init["kind"], init["seed"]) == ("he", 3)
    assert [layer["v"] for layer in init["layers"]] == pytest.approx(vs, rel=1e-15)    # √3, √(6/2)=√3
    assert part["initial_weights"].keys() == expected.keys()
    for k, v in expected.items():
        assert part["initial_weights"][k] == pytest.approx(v, abs=1e-12)
    assert part["initial_weights"] != part["final_weights"]          # three epochs moved them
    text = run("train", path).output
    assert "Initialisation" in text and "seed 3" in text and "initial" in text
    assert "√3" in text
    row = next(line for line in text.splitlines() if line.split()[:1] == ["w_0_5"])
    assert float(row.split()[1]) == pytest.approx(l2[1][0], abs=1e-12)


def test_train_of_given_weights_has_no_initial_column(tmp_path):
    path = _write(tmp_path, XOR_HE.replace("init: {kind: he, seed: 3}\n", "weights: {0: {3: 0.5, 4: -0.5, 5: 0.3}, "
                  "1: {3: 0.4, 4: 0.7}, 2: {3: -0.6, 4: 0.2}, 3: {5: 0.8}, 4: {5: -0.4}}\n"))
    res = run("train", path, "--format", "json")
    assert res.exit_code == 0, res.output
    part = json.loads(res.output)["parts"][0]
    assert part["initial_weights"] is None and "init" not in part["settings"]
    assert "Initialisation" not in run("train", path).output


PROBLEMS = __import__("pathlib").Path(__file__).resolve().parent.parent / "problems"


def test_train_of_a_graph_with_train_gives_solves_error(tmp_path):
    text = (PROBLEMS / "quadratic_adagrad.yaml").read_text(encoding="utf-8") + "train: {epochs: 5}\n"
    path = _write(tmp_path, text)
    solved, trained = run("solve", path), run("train", path)
    assert trained.exit_code == solved.exit_code == 2
    assert "unknown field 'train' in a graph problem" in trained.output
    assert trained.output == solved.output                       # the very same line
    assert "has no train: field" not in trained.output
    plain = run("train", PROBLEMS / "quadratic_adagrad.yaml")     # a graph without train:
    assert plain.exit_code == 2 and "computation graph" in plain.output
    assert len(plain.output.strip().splitlines()) == 1


MIXED = XOR_HE.replace("train: {epochs: 3, shuffle: false}\n", "") + """\
parts:
  - {name: plain}
  - name: trained
    train: {epochs: 2}
"""


def test_part_without_train_names_the_parts_that_train(tmp_path):
    path = _write(tmp_path, MIXED)
    res = run("train", path, "--part", "plain")
    assert res.exit_code == 2
    assert "part plain has no train: field; the parts with one: trained" in res.output
    assert len(res.output.strip().splitlines()) == 1
    ran = run("train", path)                       # only `trained` runs; its heading names it
    assert ran.exit_code == 0, ran.output
    assert "Part trained" in ran.output and "Part plain" not in ran.output
    assert run("train", path, "--part", "trained").output == ran.output


UNIFORM = XOR_HE.replace("init: {kind: he, seed: 3}", "init: {kind: uniform, v: V, seed: 0, places: P}")


def test_init_whose_weights_all_round_to_0_is_refused(tmp_path):
    # |w| ≤ v = 0.001 < 0.005: every weight rounds to 0.00 at 2 places
    path = _write(tmp_path, UNIFORM.replace("V", "1e-3").replace("P", "2"))
    res = run("solve", path)
    assert res.exit_code == 2
    assert res.output.strip().splitlines() == [
        f"Error: {path}:3: init.places: every drawn weight rounds to 0 at 2 decimal places, so the hidden units "
        "would stay identical (a symmetric network); give more places (at most 15) or a larger v"]
    # the same v at 4 places: the draws (|w| ≤ 0.001) keep digits, not all 0
    assert run("solve", _write(tmp_path, UNIFORM.replace("V", "1e-3").replace("P", "4"), "q.yaml")).exit_code == 0


def test_a_fraction_v_is_shown_as_written(tmp_path):
    path = _write(tmp_path, UNIFORM.replace("V", "1/3").replace("P", "4"))
    text = run("solve", path).output
    assert "v = 1/3 ≈ 0.3333 (given)" in text
    assert r"v = \frac{1}{3} \approx 0.3333" in run("solve", path, "--format", "latex").output


ONE_DEV = XOR_HE.replace("train: {epochs: 3, shuffle: false}", """\
train:
  epochs: 1
  batch_size: 4
  dev: [{x: {1: 1, 2: 1}, t: {5: 0}}]
  early_stopping: {patience: 1}
  decay: {kind: plateau, patience: 1}""")


def test_counts_of_one_are_singular():
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as tmp:
        text = run("train", _write(Path(tmp), ONE_DEV)).output
        # 1 epoch, 4 samples in one batch of 4 (one update), 1 dev sample, patience 1 for both watchers
        assert "1 epoch; batches of 4 of the 4 training samples, one update an epoch." in text
        assert "Dev set: 1 sample," in text and "patience 1 epoch," in text and "after 1 epoch without" in text
        step = run("train", _write(Path(tmp), XOR_HE.replace("shuffle: false", "decay: {kind: step, every: 1}"),
                                   "s.yaml")).output
        assert "every epoch." in step and "every 1 epochs" not in step
        assert not any(w in text + step for w in ("1 epochs", "1 samples"))


@pytest.mark.parametrize("train, words", [
    ("train:", "train: expected train (a mapping), got null"),
    ("train: {epochs: 3, early_stopping: 3}", "got 3"),
    ("train: {epochs: 3, batch_size: 0}", "batch_size must be a whole number from 1 to 4; got 0"),   # 4 samples
    ("train: {epochs: 3, seed: -1}", "seed must be a whole number from 0 to 2^64 − 1; got -1"),
])
def test_train_mistakes_say_what_was_written_not_a_python_type(tmp_path, train, words):
    res = run("train", _write(tmp_path, XOR_HE.replace("train: {epochs: 3, shuffle: false}", train)))
    assert res.exit_code == 2
    assert len(res.output.strip().splitlines()) == 1 and words in res.output, res.output
    assert not any(t in res.output for t in ("NoneType", "got int", "got dict", "got list"))


def test_train_seed_takes_inits_range(tmp_path):
    # 2^32 (refused before) and 2^64 − 1 are seeds as for init.seed; 2^64 is not
    for seed in (2**32, 2**64 - 1):
        res = run("train", _write(tmp_path, XOR_HE.replace("shuffle: false", f"seed: {seed}")), "--format", "json")
        assert res.exit_code == 0 and json.loads(res.output)["parts"][0]["settings"]["seed"] == seed
    assert run("train", _write(tmp_path, XOR_HE.replace("shuffle: false", f"seed: {2**64}"))).exit_code == 2


def test_weight_tables_name_weights_as_solve_does_and_json_keeps_ids(tmp_path):
    path = _write(tmp_path, XOR_HE)
    latex = run("train", path, "--format", "latex").output
    assert "$w_{03}$ & " in latex and "$w_{45}$ & " in latex and "w\\_0\\_3" not in latex
    md = run("train", path, "--format", "markdown").output
    assert "| $w_{03}$ |" in md and "w\\_0\\_3" not in md
    html = run("train", path, "--format", "html").output
    assert "<msub><mi>w</mi><mn>03</mn></msub>" in html
    assert "   w_0_3  " in run("train", path).output                          # text: the id, as JSON
    assert "w_0_3" in json.loads(run("train", path, "--format", "json").output)["parts"][0]["final_weights"]


def test_every_epoch_in_latex_is_cut_into_tabulars_that_fill_a_page(tmp_path):
    # 60 epochs, every row: ⌈60/28⌉ = 3 tabulars of the epoch table (not 2 of 40, half a page each), and
    # one of the weights; zh's taller rows: ⌈60/22⌉ = 3 as well, 22 + 22 + 16 rows
    path = _write(tmp_path, XOR_HE.replace("epochs: 3", "epochs: 60"))
    latex = run("train", path, "--format", "latex", "--every", "1").output
    assert latex.count(r"\begin{tabular}") == 3 + 1
    chunks = latex.split(r"\begin{tabular}")[1:4]
    assert [c.split(r"\end{tabular}")[0].count(r"\\") - 1 for c in chunks] == [28, 28, 4]
    zh = run("train", path, "--format", "latex", "--every", "1", "--lang", "zh").output
    assert [c.split(r"\end{tabular}")[0].count(r"\\") - 1 for c in zh.split(r"\begin{tabular}")[1:4]] == [22, 22, 16]
