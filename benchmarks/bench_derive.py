"""Time the layer-wise derivation against direct `sympy.diff` of the substituted loss.

For fully connected networks with three hidden layers of growing width (about 100 to 2,000
weights), time deriving and evaluating every gradient layer by layer (what `symbackprop solve`
does), and, where it finishes within --direct-budget seconds, direct `sympy.diff` of the whole
substituted loss for every weight (what `--check` does as its independent cross-check).

    python benchmarks/bench_derive.py            # prints a Markdown table
    python benchmarks/bench_derive.py --quick    # smaller sizes, for a smoke run
    python benchmarks/bench_derive.py --cli      # `symbackprop derive` for every activation x loss

Targets (issue 3): doubling the weights costs at most 2.3x the time; layer-wise is at least 100x
faster than direct diff on a network with three hidden layers.

Target (issue 11, --cli): `symbackprop derive --activation A --loss L` takes at most 1.5 s wall for
every hidden activation A and loss L, and for every problem file; timed as the command users run,
each beside `python -c "import sympy, numpy"` (the import floor) in the same round, so that the
ratio means something on a shared machine.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sympy as sp  # noqa: E402
from sympy.core.cache import clear_cache  # noqa: E402
import yaml  # noqa: E402

from symbackprop.gradcheck import direct_gradients, substituted_loss  # noqa: E402

try:
    import resource              # CPU time of children; not on Windows, where the CPU column is empty
except ImportError:  # pragma: no cover
    resource = None
from symbackprop.problem import parse_problem  # noqa: E402
from symbackprop.solution import solve_part  # noqa: E402


def network(width: int, n_in: int = 5, n_out: int = 2, hidden: int = 3, seed: int = 0) -> dict:
    rng = random.Random(seed)
    inputs = [f"i{k}" for k in range(n_in)]
    layers = [[f"h{d}u{k}" for k in range(width)] for d in range(hidden)] + [[f"o{k}" for k in range(n_out)]]
    weights, prev = {}, inputs
    for layer in layers:
        for src in ["b"] + prev:
            weights.setdefault(src, {}).update({dst: rng.randint(-50, 50) / 100 for dst in layer})
        prev = layer
    return {"network": {"inputs": inputs, "bias": "b", "layers": layers, "activation": "tanh",
                        "output_activation": "sigmoid"},
            "weights": weights,
            "sample": {"x": {i: rng.randint(-100, 100) / 100 for i in inputs},
                       "t": {o: rng.randint(0, 1) for o in layers[-1]}},
            "loss": "half_squared_error", "learning_rate": 0.1}


def layerwise(part) -> float:
    clear_cache()        # cold SymPy cache: each size pays for its own expressions
    start = time.perf_counter()
    psol = solve_part(part)
    n = sum(1 for s in psol.steps if s.id.startswith("grad_"))
    assert n == len(part.weights)
    return time.perf_counter() - start


def _direct(part, queue) -> None:
    start = time.perf_counter()
    keys = [(w.source, w.target) for w in part.weights]
    wsyms = {k: sp.Symbol(f"w_{k[0]}_{k[1]}", real=True) for k in keys}
    J, _ = substituted_loss(part, wsyms)
    direct_gradients(J, [wsyms[k] for k in keys], {wsyms[(w.source, w.target)]: w.value for w in part.weights})
    queue.put(time.perf_counter() - start)


def direct(part, budget: float) -> float | None:
    """Seconds for direct diff of every weight, or None if over budget (run in a worker process)."""
    queue = mp.get_context("fork").Queue()
    proc = mp.get_context("fork").Process(target=_direct, args=(part, queue))
    proc.start()
    proc.join(budget)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None
    return queue.get()


ROOT = Path(__file__).resolve().parent.parent


def _timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, of the child; NaN without `resource`) of one run of cmd."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN) if resource else None
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    if before is None:
        return wall, float("nan")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cli_table(runs: int) -> None:
    """`symbackprop derive` for every hidden activation x loss and every problem file, each run
    `runs` times alternating with the import floor; medians, and the ratio to the floor's median."""
    from symbackprop import activations, losses
    exe = shutil.which("symbackprop")
    derive = ([exe] if exe else [sys.executable, "-m", "symbackprop.cli"]) + ["derive"]
    floor_cmd = [sys.executable, "-c", "import sympy, numpy"]
    cases = [(f"{a} + {l}", ["--activation", a, "--loss", l])
             for a in activations.NAMES if a != "softmax" for l in losses.NAMES]
    cases += [(p.name, [str(p.relative_to(ROOT))]) for p in sorted((ROOT / "problems").glob("*.yaml"))]
    print("| derive | wall (s) | CPU (s) | import floor wall (s) | floor CPU (s) | wall / floor | CPU / floor CPU |")
    print("|---|---|---|---|---|---|---|")
    worst = (0.0, "")
    for label, args in cases:
        ours, floor = [], []
        for _ in range(runs):
            floor.append(_timed(floor_cmd))
            ours.append(_timed(derive + args))
        w, c = statistics.median(x[0] for x in ours), statistics.median(x[1] for x in ours)
        f, fc = statistics.median(x[0] for x in floor), statistics.median(x[1] for x in floor)
        worst = max(worst, (w, label))
        print(f"| {label} | {w:.2f} | {c:.2f} | {f:.2f} | {fc:.2f} | {w / f:.2f}× | {c / fc:.2f}× |", flush=True)
    print(f"\nslowest: {worst[1]}, {worst[0]:.2f} s wall (target at most 1.5 s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--direct-budget", type=float, default=300.0, help="seconds allowed for direct diff per size")
    ap.add_argument("--cli", action="store_true", help="time `symbackprop derive` for every activation x loss")
    ap.add_argument("--runs", type=int, default=3, help="--cli: runs of each command (medians)")
    args = ap.parse_args()
    if args.cli:
        cli_table(args.runs)
        return
    widths = [3, 5, 8] if args.quick else [3, 5, 8, 12, 17, 24, 34]
    print("| hidden layers × width | weights | layer-wise (s) | direct diff (s) | direct / layer-wise | "
          "time ratio to previous size | weight ratio |")
    print("|---|---|---|---|---|---|---|")
    prev = None
    for w in widths:
        part = parse_problem(yaml.safe_dump(network(w))).parts[0]
        n = len(part.weights)
        t = min(layerwise(part) for _ in range(3))
        d = direct(part, args.direct_budget) if n <= 250 else None
        ratio = f"{d / t:.0f}×" if d else "—"
        dtext = f"{d:.2f}" if d else (f"over {args.direct_budget:g}" if n <= 250 else "not run")
        growth = f"{t / prev[1]:.2f}" if prev else "—"
        wr = f"{n / prev[0]:.2f}" if prev else "—"
        print(f"| 3 × {w} | {n} | {t:.3f} | {dtext} | {ratio} | {growth} | {wr} |", flush=True)
        prev = (n, t)


if __name__ == "__main__":
    main()
