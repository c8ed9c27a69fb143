"""Grading throughput: a generated class of 200 submissions × 20 answers, numbers and LaTeX mixed.

    python benchmarks/bench_grade.py [--students 200] [--jobs 2]

Baseline: calling latex2sympy2 on every answer one by one (what a naive grader does before it has
compared anything). symbackprop: `grade_all`, which reads numbers without a parser, parses each
distinct LaTeX answer once per worker, checks and diagnoses every item, on every core.
Target (issue 5): at least 10x the baseline's throughput in answers per second.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# What students write for the sigmoid part of the lecture's exercise: right and wrong, as LaTeX.
LATEX = {
    "act_3": [r"\frac{1}{1+e^{-4}}", r"\frac{1}{1+e^{-4}}", r"0.982", r"\frac{1}{1+\exp(-4)}"],
    "act_5": [r"\frac{1}{1+e^{0.036}}", r"\frac{1}{1+e^{-0.04}}", r"\frac{1}{1 + e^{0.0360}}"],
    "loss": [r"\frac{1}{2}(1 - 0.491)^2", r"\frac{1}{2}(1-0.4910)^2", r"(1 - 0.491)^2"],
    "gprime_5": [r"0.491 \times (1 - 0.491)", r"u_5 (1 - u_5)", r"0.491(1-0.491)"],
    "delta_5": [r"-(1-0.491)\times 0.2499", r"-(1 - 0.491) \cdot 0.2499", r"(1-0.491)\times 0.2499",
                r"-(1-0.491)\times 0.491"],
    "delta_3": [r"-0.1272 \times 2 \times 0.0177", r"-0.1272 \cdot 2 \cdot 0.0177", r"-0.1272 \times 2 \times 0.25"],
    "update_w_3_5": [r"-1 \times (-0.1272) \times 0.982", r"0.1272 \times 0.982"],
    "update_w_1_3": [r"-1 \times (-0.0045) \times 1", r"0.0045"],
}
NUMBERS = {"act_4": ["0.5"], "net_3": ["4"], "net_4": ["0"], "net_5": ["-0.036", "-0.04", "-0.0360"],
           "gprime_3": ["0.0177", "0.0176"], "gprime_4": ["0.25"], "delta_4": ["-0.1272", "-0.1275"],
           "update_w_0_5": ["0.1272"], "update_w_4_5": ["0.0636", "0.0638"], "update_w_0_3": ["0.0045"],
           "update_w_0_4": ["0.1272", "-0.1272"], "update_w_2_3": ["0"]}


def make_class(folder: Path, students: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    count = 0
    for s in range(students):
        answers = {}
        for qid, forms in LATEX.items():
            answers[qid] = rng.choice(forms)
        for qid, forms in NUMBERS.items():
            answers[qid] = float(rng.choice(forms))
        count += len(answers)
        (folder / f"student{s:03d}.json").write_text(json.dumps({"sigmoid": answers}))
    return count


def baseline(folder: Path, limit: int) -> tuple[float, int]:
    """latex2sympy2 on every answer, one by one, in this process (only `limit` files: it is slow)."""
    from symbackprop.answers.compat import provide_typing_io
    provide_typing_io()                      # latex2sympy2's antlr4 runtime on Python 3.13+
    from latex2sympy2 import latex2sympy
    start = time.perf_counter()
    n = 0
    for path in sorted(folder.iterdir())[:limit]:
        for text in json.loads(path.read_text())["sigmoid"].values():
            latex2sympy(str(text))
            n += 1
    return time.perf_counter() - start, n


def ours(folder: Path, jobs: int) -> float:
    from symbackprop.answers import Rubric
    from symbackprop.grade import find_submissions, grade_all
    from symbackprop.problem import load_problem
    problem = load_problem(ROOT / "problems" / "xor.yaml")
    subs = find_submissions(folder)
    start = time.perf_counter()
    results = grade_all(problem, Rubric(), subs, part="sigmoid", jobs=jobs)
    elapsed = time.perf_counter() - start
    assert all(r.error is None for r in results), [r.error for r in results if r.error][:3]
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--baseline-files", type=int, default=40,
                    help="files the baseline parses (its rate is per answer, so a sample is enough)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        total = make_class(folder, args.students)
        b_time, b_answers = baseline(folder, args.baseline_files)
        o_time = ours(folder, args.jobs)
    b_rate, o_rate = b_answers / b_time, total / o_time
    print(f"class: {args.students} submissions, {total} answers ({total // args.students} each)")
    print(f"baseline (latex2sympy2 on every answer): {b_rate:8.1f} answers/s  ({b_answers} answers in {b_time:.1f} s)")
    print(f"symbackprop grade ({args.jobs} jobs):     {o_rate:8.1f} answers/s  ({total} answers in {o_time:.1f} s, "
          f"checked and diagnosed)")
    print(f"speed-up: {o_rate / b_rate:.1f}x (target: at least 10x)")


if __name__ == "__main__":
    main()
