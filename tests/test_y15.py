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

XOR_HE = """\
title: XOR drawn and trained
network: {inputs: [1, 2], bias: 0, layers: [[3, 4], [5]], activation: sigmoid}
init: {kind: he, seed: 3}
samples:
  - {x: {1: 0, 2: 0}, t: {5: 0}}
  - {x: {1: 0, 2: 1}, t: {5: 1}}
  - {x: {1: 1, 2: 0}, t: {5: 1}}
  - {x: {1: 1, 2: 1}, t: {5: 0}}
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
