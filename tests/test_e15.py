"""Session 15 (issue 14), the training engine: dense.Dense (the network as matrices, forward and backward over a
batch in NumPy) against a second path, optimize.Compiled (the part's one-sample SymPy model lambdified, called per
sample and summed here as the reduction says), and a run's step against `solve`'s worked step (the symbolic path);
the fallback to Compiled, the accuracy over a set, and the size limit of a run."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from symbackprop import budget, training
from symbackprop.activations import Activation
from symbackprop.dense import Dense, Unsupported, dense_or_none
from symbackprop.errors import ProblemError
from symbackprop.optimize import Compiled
from symbackprop.problem import Part, Sample, Weight, load_problem, parse_problem
from symbackprop.quantity import Key
from symbackprop.training import TrainSettings, predicted_class, train, with_weights

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"


NETWORK_FILES = sorted(f.name for f in PROBLEMS.glob("*.yaml")
                       if "\nmodel: " not in f.read_text(encoding="utf-8"))     # a computation graph is none (graph, masked_mean)
FILES = [f if f == "xor.yaml" else pytest.param(f, marks=pytest.mark.slow) for f in NETWORK_FILES]


def compiled_batch(part: Part, w, samples, c: Compiled | None = None):
    """J and ∂J/∂w of `samples` by the second path: Compiled per sample, summed, times 1/B for a mean."""
    c = c or Compiled(part)
    loss, grads = 0.0, np.zeros(len(w))
    for s in samples:
        j, g = c(list(w), s)
        loss += j
        grads += g
    scale = 1.0 / len(samples) if part.batch_reduction == "mean" else 1.0
    return loss * scale, grads * scale


def random_samples(part: Part, rng, n: int):
    """n samples: each a sample of the part's (its targets, which the loss constrains) with random inputs."""
    out = []
    for _ in range(n):
        s = part.samples[int(rng.integers(len(part.samples)))]
        x = tuple((i, sp.Rational(int(rng.integers(-200, 201)), 100)) for i, _ in s.x)
        out.append(Sample(x, s.t))
    return out


def agree(part: Part, seed: int = 0, n: int = 3, scale: float = 1.0):
    rng = np.random.default_rng(seed)
    dense, c = Dense(part), Compiled(part)
    for trial in range(2):
        w = rng.uniform(-scale, scale, len(part.weights))
        samples = random_samples(part, rng, n) if trial else list(part.samples)
        x, t = dense.arrays(samples)
        j, g = dense.gradients(w, x, t)
        cj, cg = compiled_batch(part, w, samples, c)
        assert j == pytest.approx(cj, rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(g, cg, rtol=1e-12, atol=1e-12)
        # the outputs, which the accuracy is measured on
        _, u = dense.loss_and_outputs(w, x, t)
        np.testing.assert_allclose(u, [c.outputs(list(w), s) for s in samples], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", FILES)
def test_dense_equals_compiled_on_every_network_part_of_problems(name):
    for part in load_problem(str(PROBLEMS / name)).parts:
        assert dense_or_none(part) is not None, "every network part of problems/ runs on the dense engine"
        # Dense.gradients without masks is the network without dropout, as Compiled (which has none: one model
        # for every sample) of the part without it; dropout's masks in Dense: tests/test_dt16.py
        agree(replace(part, dropout=()), seed=len(name))


def net(activation: str, loss: str, extra: str = "", outputs: int = 1) -> Part:
    """A 2-3-K net (K = outputs) with the given activations and loss, two samples."""
    outs = [6, 7, 8][:outputs]
    t1 = ", ".join(f"{k}: {1 if n == 0 else 0}" for n, k in enumerate(outs))
    t2 = ", ".join(f"{k}: {1 if n == len(outs) - 1 else 0}" for n, k in enumerate(outs))
    w_out = ", ".join(f"{k}: {0.1 * (n + 1)}" for n, k in enumerate(outs))
    text = f"""\
network: {{inputs: [1, 2], bias: 0, layers: [[3, 4, 5], {outs}], activation: {activation}}}
weights:
  0: {{3: 0.1, 4: -0.2, 5: 0.3, {w_out}}}
  1: {{3: 0.5, 4: 0.25, 5: -0.5}}
  2: {{3: -0.3, 4: 0.4, 5: 0.2}}
  3: {{{w_out}}}
  4: {{{", ".join(f"{k}: {-0.2 * (n + 1)}" for n, k in enumerate(outs))}}}
  5: {{{", ".join(f"{k}: {0.3 - 0.1 * n}" for n, k in enumerate(outs))}}}
samples:
  - {{x: {{1: 0.5, 2: -1}}, t: {{{t1}}}}}
  - {{x: {{1: 1, 2: 0.25}}, t: {{{t2}}}}}
loss: {loss}
learning_rate: 0.5
{extra}"""
    return parse_problem(text, "n.yaml").parts[0]


CASES = [
    ("[tanh, sigmoid]", "binary_cross_entropy", "", 1),
    ("[{name: leaky_relu, slope: 0.1}, {name: elu, alpha: 0.5}]", "l1", "batch_reduction: sum\n", 2),
    ("[gelu, softplus]", "mse", "", 3),
    ("[swish, identity]", "squared_error", "", 2),
    ("[{formula: \"x/(1 + abs(x))\"}, softmax]", "cross_entropy", "", 3),
    ("[relu, identity]", "half_squared_error", "relu_derivative_at_zero: 0.5\n", 1),
]


@pytest.mark.parametrize("activation, loss, extra, outputs",
                         [CASES[0]] + [pytest.param(*c, marks=pytest.mark.slow) for c in CASES[1:]])
def test_dense_equals_compiled_for_the_tables_activations_and_losses(activation, loss, extra, outputs):
    agree(net(activation, loss, extra, outputs), seed=outputs, scale=2.0)


def test_relu_at_zero_takes_the_parts_derivative_and_bias_minus_one():
    # net_3 = w_03·x_0 + w_13·x_1 + w_23·x_2 with x_0 = −1: w_03 = 0.5, x = (0.5, 0) gives net_3 = −0.5 + 0.5 = 0 exactly,
    # where g'(0) is relu_derivative_at_zero (0.5) and not NumPy's or SymPy's own choice
    part = net("[relu, identity]", "half_squared_error", "relu_derivative_at_zero: 0.5\n")
    part = replace(part, bias_input=sp.Integer(-1))
    w = np.array([float(v.value) for v in part.weights])
    w[[n for n, v in enumerate(part.weights) if (v.source, v.target) == ("0", "3")][0]] = 0.5
    w[[n for n, v in enumerate(part.weights) if (v.source, v.target) == ("1", "3")][0]] = 1.0
    sample = Sample((("1", sp.Rational(1, 2)), ("2", sp.Integer(0))), (("6", sp.Integer(1)),))
    dense = Dense(part)
    x, t = dense.arrays([sample])
    _, g = dense.gradients(w, x, t)
    cj, cg = compiled_batch(part, w, [sample])
    np.testing.assert_allclose(g, cg, rtol=0, atol=1e-15)
    # by hand: u_3 = 0, δ_6 = u_6 − t with u_6 the output; δ_3 = w_36·δ_6·g'(0) = w_36·δ_6·½; ∂J/∂w_13 = δ_3·x_1
    mats, _, nets, outs = dense.forward(w, x)
    assert nets[0][0, 0] == 0.0
    delta6 = outs[1][0, 0] - 1.0
    w36 = w[[n for n, v in enumerate(part.weights) if (v.source, v.target) == ("3", "6")][0]]
    at = [n for n, v in enumerate(part.weights) if (v.source, v.target) == ("1", "3")][0]
    assert g[at] == pytest.approx(w36 * delta6 * 0.5 * 0.5, abs=1e-15)


def test_softmax_cross_entropy_delta_is_p_minus_t():
    # the δ SymPy builds from the tables (Σ_m ∂L/∂u_m·u_m(δ_mk − u_k)) is u_k·Σt − t_k: p − t for one-hot targets;
    # so ∂J/∂b_k of the output bias is p_k − t_k for one sample
    part = net("[sigmoid, softmax]", "cross_entropy", "", 3)
    dense = Dense(part)
    w = np.array([float(v.value) for v in part.weights])
    x, t = dense.arrays(part.samples[:1])
    _, g = dense.gradients(w, x, t)
    p = dense.forward(w, x)[3][-1][0]
    for k, unit in enumerate(("6", "7", "8")):
        at = [n for n, v in enumerate(part.weights) if (v.source, v.target) == ("0", unit)][0]
        assert g[at] == pytest.approx(p[k] - t[0, k], abs=1e-15)
    assert p.sum() == pytest.approx(1.0, abs=1e-15)


# -- the run's step against solve's worked step (the symbolic path) -------------------------------------------

@pytest.mark.parametrize("name, part_name, epochs", [
    ("xor_sgd.yaml", "main", 3),
    pytest.param("classifier.yaml", "main", 2, marks=pytest.mark.slow),
    pytest.param("xor.yaml", "relu", 2, marks=pytest.mark.slow),
])
def test_a_step_of_a_run_is_solves_worked_step(name, part_name, epochs):
    # full batch, no shuffle: step k of the run is one update from the weights after k − 1 epochs; solve's worked
    # step of the part at those weights (with_weights) must give the run's weights after k epochs
    part = [p for p in load_problem(str(PROBLEMS / name)).parts if p.name == part_name][0]
    part = replace(part, training=None)
    before = train(part, TrainSettings(epochs=epochs - 1, shuffle=False)).final if epochs > 1 else None
    after = train(part, TrainSettings(epochs=epochs, shuffle=False)).final
    at = with_weights(part, before) if before is not None else part
    psol = solve_part_of(at)
    for (i, j), v in after.items():
        assert v == pytest.approx(float(psol.step(Key("new_w", j, source=i)).value), rel=1e-12, abs=1e-12)


def solve_part_of(part: Part):
    from symbackprop.solution import solve_part
    return solve_part(part, "<test>")


# -- the fallback, and both engines over a whole run ---------------------------------------------------------

def test_a_whole_run_is_the_same_on_both_engines(monkeypatch):
    # mini-batches in a shuffled order, momentum, a shared bias and a frozen weight: the dense run and the run on
    # optimize.Compiled (the engine of the parts dense.py does not compute) agree weight by weight
    text = (PROBLEMS / "shared_bias.yaml").read_text(encoding="utf-8")
    text = text.replace("sample: {x: {1: 1, 2: 0.5}, t: {5: 1}}", "samples:\n"
                        "  - {x: {1: 1, 2: 0.5}, t: {5: 1}}\n  - {x: {1: 0, 2: 1}, t: {5: 0}}\n"
                        "  - {x: {1: -1, 2: 0.25}, t: {5: 1}}\n")
    text = text.replace("3: {5: 0.8}", "3: {5: {value: 0.8, frozen: true}}")
    text += "optimizer: {name: momentum, lr: 0.5, momentum: 0.9}\n"
    part = parse_problem(text, "s.yaml").parts[0]
    settings = TrainSettings(epochs=4, batch_size=2, seed=3, dev=part.samples[:2])
    dense = train(part, settings)
    import symbackprop.dense as dense_module
    monkeypatch.setattr(dense_module, "dense_or_none", lambda p: None)
    slow = train(part, settings)
    assert dense.final.keys() == slow.final.keys()
    for e in dense.final:
        assert dense.final[e] == pytest.approx(slow.final[e], abs=1e-12)
    assert dense.final[("3", "5")] == 0.8                                       # frozen
    assert dense.final[("0", "3")] == dense.final[("0", "4")] != 0.5           # shared, and trained
    for a, b in zip(dense.epochs, slow.epochs):
        assert a.loss == pytest.approx(b.loss, abs=1e-12)
        assert a.dev_loss == pytest.approx(b.dev_loss, abs=1e-12)
        assert (a.accuracy, a.dev_accuracy) == (b.accuracy, b.dev_accuracy)


def hidden_softmax_part() -> Part:
    """A 2-2-1 net with softmax in the hidden layer: Compiled computes it (Model writes softmax for any layer),
    dense.py does not."""
    part = parse_problem((PROBLEMS / "xor_sgd.yaml").read_text(encoding="utf-8"), "x.yaml").parts[0]
    acts = (Activation("softmax"), part.activations[1])
    return replace(part, activations=acts, training=None)


def test_a_part_dense_does_not_compute_falls_back_to_compiled():
    part = hidden_softmax_part()
    with pytest.raises(Unsupported, match="softmax in a hidden layer"):
        Dense(part)
    run = train(part, TrainSettings(epochs=3))
    # by hand: plain gradient descent, η = 1 (the file's sgd), Compiled's gradient of the one sample each epoch
    c = Compiled(part)
    w = [float(v.value) for v in part.weights]
    for _ in range(3):
        _, g = c(w, part.samples[0])
        w = [a - 1.0 * b for a, b in zip(w, g)]
    assert list(run.final.values()) == pytest.approx(w, abs=1e-12)


def test_weights_not_one_per_connection_are_unsupported():
    part = load_problem(str(PROBLEMS / "xor_sgd.yaml")).parts[0]
    with pytest.raises(Unsupported, match="one per connection"):
        Dense(replace(part, weights=part.weights[1:]))


# -- the accuracy of a set, as arrays -------------------------------------------------------------------------

def test_accuracy_of_a_set_is_predicted_class_row_by_row():
    rng = np.random.default_rng(5)
    for k, targets in [(1, [0.0, 1.0]), (1, [-1.0, 1.0]), (3, None), (1, [0.0, 0.5])]:
        for _ in range(20):
            n = int(rng.integers(1, 6))
            u = rng.uniform(-1, 1.5, (n, k))
            if targets is None:
                t = np.eye(k)[rng.integers(0, k, n)]
                if rng.integers(2):
                    t[0] = [0.5, 0.5, 0.0]                     # no class: the set has no accuracy
            else:
                t = rng.choice(targets, (n, 1))
            signed = k == 1 and bool((t == -1.0).any())       # the set's classes: −1/1 where a target is −1
            got = [predicted_class(list(a), list(b), signed) for a, b in zip(u, t)]
            want = None if any(g is None for g in got) else sum(p == q for p, q in got) / n
            assert training._accuracy(u, t, signed) == want


def test_accuracy_without_targets_is_none():
    assert training._accuracy(np.zeros((2, 1)), np.zeros((2, 0)), False) is None


# -- the size limit of a run ------------------------------------------------------------------------------------

def big_part(weights: int, samples: int) -> Part:
    """A 1-K-1 identity net of about `weights` weights (no bias), `samples` samples (no model built)."""
    k = weights // 2
    hidden = tuple(f"h{n}" for n in range(k))
    ws = tuple(Weight("x", h, sp.Integer(1)) for h in hidden) + tuple(Weight(h, "y", sp.Integer(1)) for h in hidden)
    smp = (Sample((("x", sp.Integer(1)),), (("y", sp.Integer(0)),)),) * samples
    return Part("big", ("x",), None, (hidden, ("y",)), (Activation("identity"),) * 2, ws, smp,
                "half_squared_error", sp.Integer(1))


def test_a_run_over_the_size_limit_is_one_line_before_any_work():
    # 784-32-10 on 1,000 samples for 5 epochs: 25,450 × 1,000 × 5 = 127,250,000, allowed
    assert budget.over_training(big_part(25_450, 1_000), 5, 0, dense=True) is None
    # 2,000 weights × (1,000 + 1,000 dev) samples × 1,300 epochs = 5,200,000,000 > 5,000,000,000
    part = big_part(2_000, 1_000)
    refusal = budget.over_training(part, 1_300, 1_000, dense=True)
    assert refusal is not None and refusal.path == ("train", "epochs")
    assert "2,000 weights × 2,000 samples × 1,300 epochs = 5,200,000,000" in refusal.message
    assert "\n" not in refusal.message
    assert budget.over_training(part, 1_250, 1_000, dense=True) is None        # 5,000,000,000: at the limit
    with pytest.raises(ProblemError) as got:
        train(part, TrainSettings(epochs=1_300, dev=part.samples), source="big.yaml")
    assert str(got.value).startswith("big.yaml") and "train.epochs" in str(got.value)
    # on the compiled model: its one-sample model must fit solve's budget, and a lower limit
    assert budget.over_training(big_part(800, 1), 1, 0, dense=False).path == ("network", "layers")
    assert budget.over_training(big_part(100, 1_000), 501, 0, dense=False).path == ("train", "epochs")
    assert budget.over_training(big_part(100, 1_000), 500, 0, dense=False) is None


def test_train_on_the_engine_builds_no_sympy_model(monkeypatch):
    # the dense engine needs the tables' rows only: the whole network's SymPy model (model.Model) is never built
    import symbackprop.model as model

    def refuse(self, part):
        raise AssertionError("model.Model built")
    part = replace(load_problem(str(PROBLEMS / "xor_sgd.yaml")).parts[0], training=None)
    monkeypatch.setattr(model.Model, "__init__", refuse)
    run = train(part, TrainSettings(epochs=2))
    assert run.updates == 2
    with pytest.raises(AssertionError, match="model.Model built"):
        Compiled(part)                                   # the check can fail: Compiled does build it


@pytest.mark.slow
def test_the_steps_of_a_shuffled_mini_batch_epoch_are_solves_worked_steps():
    # XOR's four samples, batches of 2 in the seeded order: step 1 is solve's step on the first two samples of the
    # order at the given weights, step 2 solve's step on the other two at the weights step 1 gave
    part = replace(load_problem(str(PROBLEMS / "xor_sgd.yaml")).parts[0], training=None)
    part = replace(part, samples=tuple(Sample((("1", sp.Integer(a)), ("2", sp.Integer(b))), (("5", sp.Integer(a ^ b)),))
                                       for a in (0, 1) for b in (0, 1)))
    n = len(part.samples)
    assert n == 4
    order = [int(i) for i in np.random.default_rng(5).permutation(n)]
    run = train(part, TrainSettings(epochs=1, batch_size=2, seed=5))
    weights = {(w.source, w.target): float(w.value) for w in part.weights}
    at = part
    for start in range(0, n, 2):
        chosen = tuple(part.samples[i] for i in order[start:start + 2])
        psol = solve_part_of(replace(at, samples=chosen))
        weights = {(i, j): float(psol.step(Key("new_w", j, source=i)).value) for i, j in weights}
        at = with_weights(part, weights)
    for e, v in run.final.items():
        assert v == pytest.approx(weights[e], rel=1e-12, abs=1e-12)


def test_the_size_limits_lines_are_said_in_english_and_chinese():
    from symbackprop.messages import msg
    fields = dict(weights="2,000 weights", samples="2,000 samples", epochs="1,300", work="5,200,000,000",
                  most="5,000,000,000", docs="docs/problem-format.md#size-limits", what="(800 + 401) × 1 = 1,201")
    for key in ("training.too_large", "training.model_too_large"):
        en, zh = msg("en", key, **fields), msg("zh", key, **fields)
        assert "{" not in en + zh and en != zh and "most" not in zh
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
