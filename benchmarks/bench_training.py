"""Training runs (issue 14's speed goals), each measured side by side with what it is compared to.

    python benchmarks/bench_training.py [--runs 3] [--only xor|mnist|memory]

- `xor`: 2,000 epochs of full-batch XOR (all four samples) on the lecture's 2-2-1 sigmoid net
  (problems/xor_sgd.yaml's part, plain gradient descent, η = 1), `training.train`. Goal: ≤ 2 s.
- `mnist`: a 784-32-10 net (sigmoid hidden layer, softmax outputs, cross-entropy) on 1,000 synthetic samples
  (pixels k/255, one-hot classes, Glorot-uniform weights, all seeded), 5 epochs of batch 32, SGD η = 0.1, J and
  the accuracy over the training set after each epoch, as `training.train` does; against the same run in PyTorch
  (the same weights, samples, batch order and epochs; torch.optim.SGD; CPU) when torch is importable, else the row
  says skipped. The Part is built here in Python (problem.Part with generated weights and samples), outside the
  timing. Goal: ≤ 10× PyTorch.
- `memory`: the peak of Python's allocations (tracemalloc) during the XOR run of 100 epochs and of 1,000 epochs.
  Goal: memory flat in the number of epochs (ratio ≈ 1).

Each row is the median of --runs runs of wall time (time.perf_counter) and of the process's CPU time. The machine
is shared: only ratios of things measured in one run mean much, and the benchmark asserts nothing.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

import numpy as np
import sympy as sp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from symbackprop import load_problem, training  # noqa: E402
from symbackprop.activations import Activation  # noqa: E402
from symbackprop.problem import Part, Sample, Training, Weight  # noqa: E402


def xor_part() -> Part:
    """problems/xor_sgd.yaml's part with all four XOR samples (targets 0, 1, 1, 0)."""
    part = load_problem(str(ROOT / "problems" / "xor_sgd.yaml")).parts[0]
    samples = tuple(Sample((("1", sp.Integer(a)), ("2", sp.Integer(b))), (("5", sp.Integer(a ^ b)),))
                    for a in (0, 1) for b in (0, 1))
    return replace(part, samples=samples)


def mnist_part(n: int = 1000, sizes=(784, 32, 10), seed: int = 0) -> Part:
    """A 784-32-10 sigmoid/softmax part with Glorot-uniform weights and n synthetic samples, all seeded."""
    rng = np.random.default_rng(seed)
    inputs = tuple(f"x{i}" for i in range(1, sizes[0] + 1))
    layers = tuple(tuple(f"h{li}u{j}" for j in range(1, s + 1)) for li, s in enumerate(sizes[1:], 1))
    weights, below = [], inputs
    for layer in layers:
        v = (6 / (len(below) + len(layer))) ** 0.5
        for j in layer:
            for i in ("b",) + below:
                weights.append(Weight(i, j, sp.Rational(round(float(rng.uniform(-v, v)) * 10**8), 10**8)))
        below = layer
    samples = []
    for _ in range(n):
        x = tuple((i, sp.Rational(int(p), 255)) for i, p in zip(inputs, rng.integers(0, 256, sizes[0])))
        c = int(rng.integers(0, sizes[-1]))
        samples.append(Sample(x, tuple((u, sp.Integer(int(q == c))) for q, u in enumerate(layers[-1]))))
    acts = (Activation("sigmoid"),) * (len(layers) - 1) + (Activation("softmax"),)
    return Part("mnist", inputs, "b", layers, acts, tuple(weights), tuple(samples), "cross_entropy",
                sp.Rational(1, 10), training=Training(settings=(("lr", sp.Rational(1, 10)),)))


def timed(fn, runs: int) -> tuple[float, float, object]:
    """(median wall s, median CPU s, the last result) of `runs` calls of fn."""
    walls, cpus, got = [], [], None
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        got = fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus), got


def torch_run(part: Part, epochs: int, batch: int, seed: int):
    """The mnist run in PyTorch: the same weights, samples and batch order as training.train (its generator)."""
    import torch
    from symbackprop.dense import Dense
    dense = Dense(part)
    x, t = dense.arrays(part.samples)
    w = np.array([float(wt.value) for wt in part.weights])
    mats = dense.matrices(w)
    xt, yt = torch.from_numpy(x), torch.from_numpy(t.argmax(axis=1))

    def run():
        layers = []                        # a fresh model each call: every run starts from the part's weights
        for m in mats:
            lin = torch.nn.Linear(m.shape[1] - 1, m.shape[0]).double()
            with torch.no_grad():
                lin.bias.copy_(torch.from_numpy(m[:, 0].copy()))
                lin.weight.copy_(torch.from_numpy(m[:, 1:].copy()))
            layers.append(lin)
        model = torch.nn.Sequential(layers[0], torch.nn.Sigmoid(), layers[1])
        opt = torch.optim.SGD(model.parameters(), lr=float(part.learning_rate))
        rng = np.random.default_rng(seed)
        rows = []
        for _ in range(epochs):
            order = rng.permutation(len(x))
            for start in range(0, len(x), batch):
                idx = torch.from_numpy(order[start:start + batch])
                opt.zero_grad()
                loss = torch.nn.functional.cross_entropy(model(xt[idx]), yt[idx])
                loss.backward()
                opt.step()
            with torch.no_grad():
                out = model(xt)
                rows.append((float(torch.nn.functional.cross_entropy(out, yt)),
                             float((out.argmax(1) == yt).double().mean())))
        return rows
    return run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", choices=("xor", "mnist", "memory"))
    args = ap.parse_args()
    rows = []
    if args.only in (None, "xor"):
        part = xor_part()
        wall, cpu, run = timed(lambda: training.train(part, training.TrainSettings(epochs=2000, seed=0)), args.runs)
        rows.append(("XOR 2-2-1 sigmoid, 2,000 epochs full batch", f"{wall:.3f} s wall, {cpu:.3f} s CPU",
                     "≤ 2 s", f"final J {run.epochs[-1].loss:.4g}, accuracy {run.epochs[-1].accuracy}"))
    if args.only in (None, "mnist"):
        part = mnist_part()
        settings = training.TrainSettings(epochs=5, batch_size=32, seed=0)
        wall, cpu, run = timed(lambda: training.train(part, settings), args.runs)
        ours = f"{wall:.3f} s wall, {cpu:.3f} s CPU"
        try:
            import torch
        except ImportError:
            rows.append(("784-32-10 softmax, 1,000 samples, 5 epochs, batch 32", ours, "≤ 10× PyTorch",
                         "PyTorch: skipped (torch not importable)"))
        else:
            twall, tcpu, trows = timed(torch_run(part, 5, 32, 0), args.runs)
            threads = torch.get_num_threads()
            rows.append(("784-32-10 softmax, 1,000 samples, 5 epochs, batch 32", ours, "≤ 10× PyTorch",
                         f"PyTorch {twall:.3f} s wall, {tcpu:.3f} s CPU: ratio {wall / twall:.2f}× wall, "
                         f"{cpu / tcpu:.2f}× CPU; J after epoch 5: ours {run.epochs[-1].loss:.6f}, "
                         f"torch {trows[-1][0]:.6f} ({threads} threads)"))
    if args.only in (None, "memory"):
        part = xor_part()
        peaks = {}
        kept = {}
        training.train(part, training.TrainSettings(epochs=1, seed=0))      # compile once, outside the measure
        for epochs in (100, 1000):
            tracemalloc.start()
            run = training.train(part, training.TrainSettings(epochs=epochs, seed=0))
            kept[epochs], peaks[epochs] = tracemalloc.get_traced_memory()   # what the run holds, and the peak
            tracemalloc.stop()
            del run
        work = {e: peaks[e] - kept[e] for e in peaks}
        rows.append(("peak memory (tracemalloc), XOR 100 vs 1,000 epochs",
                     f"peak {peaks[100] / 1024:.0f} KiB vs {peaks[1000] / 1024:.0f} KiB, of which the returned "
                     f"run (its table of epochs) {kept[100] / 1024:.0f} vs {kept[1000] / 1024:.0f} KiB",
                     "ratio ≈ 1", f"peak above the returned run: {work[100] / 1024:.0f} vs "
                     f"{work[1000] / 1024:.0f} KiB, ratio {work[1000] / work[100]:.2f}"))
    print("| run | time / memory | goal | compared |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
