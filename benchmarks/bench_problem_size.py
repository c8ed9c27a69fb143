"""How the cost of each command grows with the size of a problem file (issue 9's size limits).

Generates fully connected networks (widths, depth, samples in the batch, activation, exact
fractions with many digits), writes each as a problem file, and runs the real commands on it in a
fresh process, recording wall time and peak memory (max RSS):

- `solve FILE --format json`              the layer-wise derivation and exact evaluation
- `solve FILE --check`                    plus direct sympy.diff of the substituted loss and finite differences
- `derive FILE`                           the general rules, checked on the file's network
- `check FILE empty-answers.yaml`         builds the Checker (what `grade` does once per worker)

Each run is given --timeout seconds (default 120); past it the row says "> timeout". The budget
(symbackprop/budget.py) refuses large files up front, so the commands run with it switched off
(except with --limits) to see what they would cost; each row prints the cost units it assigns.

    python benchmarks/bench_problem_size.py            # the table of docs/benchmarks.md
    python benchmarks/bench_problem_size.py --quick    # a few small rows

POSIX only (it reads each child's max RSS with os.wait4).
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def network(sizes: list[int], activation: str = "tanh", output_activation: str | None = "sigmoid",
            loss: str = "half_squared_error", samples: int = 1, fraction_digits: int = 0, seed: int = 0) -> dict:
    """A problem file (as data) for a fully connected network of `sizes` units per layer, with a
    bias; weights are two-place decimals, or fractions p/q of `fraction_digits` digits each."""
    rng = random.Random(seed)

    def number(scale: int = 100) -> object:
        if fraction_digits:
            lo, hi = 10 ** (fraction_digits - 1), 10 ** fraction_digits - 1
            return f"{rng.randint(-lo, lo)}/{rng.randint(lo, hi)}"
        return rng.randint(-scale, scale) / (2 * scale)

    layers_w = []
    for a, b in zip(sizes, sizes[1:]):
        layers_w.append({"W": [[number() for _ in range(a)] for _ in range(b)], "b": [number() for _ in range(b)]})
    n_out = sizes[-1]
    onehot = loss in ("cross_entropy", "binary_cross_entropy")
    data = []
    for _ in range(samples):
        x = [number() for _ in range(sizes[0])]
        if onehot:
            hot = rng.randrange(n_out)
            t = [1 if q == hot else 0 for q in range(n_out)]
        else:
            t = [rng.randint(0, 4) / 4 for _ in range(n_out)]
        data.append({"x": x, "t": t})
    ids, start = [], 1
    for s in sizes:
        ids.append(list(range(start, start + s)))
        start += s
    net = {"inputs": ids[0], "bias": 0, "layers": ids[1:], "activation": activation}
    if output_activation:
        net["output_activation"] = output_activation
    doc = {"title": "generated", "network": net, "weights": layers_w, "loss": loss, "learning_rate": 0.5}
    if samples == 1:
        doc["sample"] = data[0]
    else:
        doc["samples"] = data
    return doc


def run(args: list[str], timeout: float, budget: bool = False) -> tuple[float | None, float]:
    """Wall seconds (None past the timeout) and max RSS in MB of `symbackprop args` (budget on or off)."""
    code = "import sys, symbackprop.budget as b, symbackprop.cli as c; b._DISABLED = sys.argv[1] == 'off'; " \
           "sys.argv[1:2] = []; c.main(prog_name='symbackprop')"
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, "on" if budget else "off", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(proc.pid, 0)
            return None, usage.ru_maxrss / 1024
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        err = proc.stderr.read().decode(errors="replace").strip().splitlines()
        raise RuntimeError(f"{args}: exit {code}: {err[-1] if err else ''}")
    return elapsed, usage.ru_maxrss / 1024


CASES = [
    # (label, network arguments, commands)
    ("2-2-1 sigmoid", dict(sizes=[2, 2, 1]), ("solve", "check", "derive", "grader")),
    ("4-8-8-3 tanh+softmax, 4 samples", dict(sizes=[4, 8, 8, 3], output_activation="softmax", loss="cross_entropy",
                                             samples=4), ("solve", "check", "derive", "grader")),
    ("5-3-3-3-2 tanh (3×3 hidden)", dict(sizes=[5, 3, 3, 3, 2]), ("solve", "check", "derive", "grader")),
    ("5-5-5-5-2 tanh (3×5 hidden)", dict(sizes=[5, 5, 5, 5, 2]), ("solve", "check")),
    ("5-12-12-12-2 tanh (3×12 hidden)", dict(sizes=[5, 12, 12, 12, 2]), ("solve", "check")),
    ("20-20-1 tanh", dict(sizes=[20, 20, 1]), ("solve", "derive", "grader")),
    ("50-50-1 tanh", dict(sizes=[50, 50, 1]), ("solve", "derive", "grader")),
    ("70-70-1 tanh", dict(sizes=[70, 70, 1]), ("solve", "derive", "grader")),
    ("100-100-1 tanh", dict(sizes=[100, 100, 1]), ("solve",)),
    # issue 11's sizes for `solve` (bench_solve_time.py --sizes times them against the import floor)
    ("8-20-20-20-8 tanh", dict(sizes=[8, 20, 20, 20, 8]), ("solve",)),
    ("16-40-40-40-16 tanh", dict(sizes=[16, 40, 40, 40, 16]), ("solve",)),
    ("50-50-1 relu", dict(sizes=[50, 50, 1], activation="relu", output_activation="identity"), ("solve", "grader")),
    ("20-20-1 tanh, 8 samples", dict(sizes=[20, 20, 1], samples=8), ("solve", "derive", "grader")),
    ("20-20-1 tanh, 32 samples", dict(sizes=[20, 20, 1], samples=32), ("solve", "grader")),
    ("4-8-8-3 tanh+softmax, 64 samples", dict(sizes=[4, 8, 8, 3], output_activation="softmax", loss="cross_entropy",
                                              samples=64), ("solve", "grader")),
    ("10-10-10-10-1 relu, 30-digit fractions", dict(sizes=[10, 10, 10, 10, 1], activation="relu",
                                                    output_activation="identity", fraction_digits=30), ("solve",)),
    ("10×6 relu, 30-digit fractions", dict(sizes=[10] * 6 + [1], activation="relu", output_activation="identity",
                                           fraction_digits=30), ("solve",)),
]
# Shapes near the limits of symbackprop/budget.py (python benchmarks/bench_problem_size.py --limits):
# deep tanh, many samples, softmax, ReLU, long fractions; the cost column says whether the budget
# accepts each one for the command measured (some rows are just over the limit of 700 units: the cost
# just past it).
LIMITS = [
    ("5-12×5-2 tanh", dict(sizes=[5] + [12] * 5 + [2]), ("solve", "grader")),
    ("3-8×10-1 tanh", dict(sizes=[3] + [8] * 10 + [1]), ("solve", "grader")),
    ("4-8-8-3 softmax, 6 samples", dict(sizes=[4, 8, 8, 3], output_activation="softmax", loss="cross_entropy",
                                        samples=6), ("solve", "grader")),
    ("2-2-1 sigmoid, 83 samples", dict(sizes=[2, 2, 1], activation="sigmoid", samples=83), ("solve", "grader")),
    ("20-20-20-3 tanh+softmax", dict(sizes=[20, 20, 20, 3], output_activation="softmax", loss="cross_entropy"),
     ("solve", "grader")),
    ("4-10×6-2 relu", dict(sizes=[4] + [10] * 6 + [2], activation="relu", output_activation="identity"),
     ("solve", "grader")),
    ("4-8-8-3 softmax, 4 samples, 30-digit fractions", dict(sizes=[4, 8, 8, 3], output_activation="softmax",
                                                           loss="cross_entropy", samples=4, fraction_digits=30),
     ("solve", "grader")),
    ("4-8-8-3 relu, 4 samples, 30-digit fractions", dict(sizes=[4, 8, 8, 3], activation="relu",
                                                        output_activation="identity", samples=4, fraction_digits=30),
     ("solve", "grader")),
    ("5-12×4-2 tanh", dict(sizes=[5] + [12] * 4 + [2]), ("derive",)),
    ("4-8-8-3 softmax, 4 samples", dict(sizes=[4, 8, 8, 3], output_activation="softmax", loss="cross_entropy",
                                        samples=4), ("derive",)),
    ("2-2-1 sigmoid, 58 samples", dict(sizes=[2, 2, 1], activation="sigmoid", samples=58), ("derive",)),
    ("5-3-3-3-2 tanh", dict(sizes=[5, 3, 3, 3, 2]), ("check",)),
    ("4-4-4-3 softmax", dict(sizes=[4, 4, 4, 3], output_activation="softmax", loss="cross_entropy"), ("check",)),
    ("2-2-1 sigmoid, 66 samples", dict(sizes=[2, 2, 1], activation="sigmoid", samples=66), ("check",)),
    ("10-6-6-1 tanh", dict(sizes=[10, 6, 6, 1]), ("check",)),
    ("3-3-3-3-3-1 tanh", dict(sizes=[3, 3, 3, 3, 3, 1]), ("check",)),
]
QUICK = {"2-2-1 sigmoid", "4-8-8-3 tanh+softmax, 4 samples", "20-20-1 tanh"}

COMMANDS = {
    "solve": lambda f, a: ["solve", f, "--format", "json"],
    "check": lambda f, a: ["solve", f, "--check", "--format", "json"],
    "derive": lambda f, a: ["derive", f, "--format", "json"],
    "grader": lambda f, a: ["check", f, a, "--format", "json"],
}


def cost_of(path: str, command: str) -> str:
    """The budget's counts for the file, and whether it accepts the file for `command`."""
    from symbackprop import budget
    from symbackprop.problem import load_problem
    budget._DISABLED = True
    parts = load_problem(path).parts
    budget._DISABLED = False
    costs = [budget.part_cost(p) for p in parts]
    verdict = budget.over_budget(parts, {"grader": "solve"}.get(command, command))
    return ", ".join(f"{c.weights:,} w × {c.samples} s = {c.work:,} units; direct {c.direct:,}; "
                     f"{c.exact_digits:,} digits" for c in costs) + ("; over budget" if verdict else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--only", default=None, help="run the cases whose label contains one of these texts (a|b)")
    ap.add_argument("--limits", action="store_true", help="the shapes near the limits")
    opts = ap.parse_args()
    print("| network | cost units | command | seconds | max RSS (MB) |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        answers = os.path.join(tmp, "answers.yaml")
        Path(answers).write_text("{}\n")
        for label, kw, commands in (LIMITS if opts.limits else CASES):
            if opts.quick and label not in QUICK or opts.only and not any(o in label for o in opts.only.split("|")):
                continue
            path = os.path.join(tmp, "p.yaml")
            Path(path).write_text(yaml.safe_dump(network(**kw), sort_keys=False))
            for cmd in commands:
                cost = cost_of(path, cmd)
                secs, mb = run(COMMANDS[cmd](path, answers), opts.timeout)
                shown = f"> {opts.timeout:.0f}" if secs is None else f"{secs:.1f}"
                print(f"| {label} | {cost} | {COMMANDS[cmd]('FILE', 'ANSWERS')[0]} "
                      f"{' '.join(COMMANDS[cmd]('FILE', 'ANSWERS')[2:])} | {shown} | {mb:.0f} |", flush=True)


if __name__ == "__main__":
    main()
