"""Grading speed: a generated class of 200 submissions × 20 answers, numbers and LaTeX mixed.

    python benchmarks/bench_grade.py [--students 200] [--rounds 3] [--skip-check]

Everything is measured side by side in one run, `--rounds` times, and reported as ratios (the
machine may be shared: only ratios of things measured together mean anything):

- baseline: latex2sympy2 on every answer one by one, in this process, warmed up (what a naive
  grader does before it has compared anything); answers per second;
- `grade_all` with 1 and with 2 jobs, start-up removed: the class minus a class of its first
  submission alone (solving, starting processes and parsing that submission's LaTeX), so the rate
  is the marginal one of checking and diagnosing every item;
- how many texts latex2sympy2 parsed for the whole class (counted in every process: the parser
  workers are forked from here on Linux) against the distinct LaTeX strings of the class;
- `symbackprop check` of one file against `python -c "import sympy, numpy"`, as subprocesses.

Two classes: "common" (the few dozen expressions a class writes) and "varied" (each student's own
rounding: over a hundred distinct strings).

Goals (issue 10): at least 15x the baseline; 2 jobs at least 1.7x as fast as 1; each distinct LaTeX
string parsed once per class; `check` of one file at most 1.5x `python -c "import sympy, numpy"`.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
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
# each student's own rounding of the numbers they substitute: many more distinct strings
U5 = ("0.491", "0.4910", "0.49", "0.4911", "0.4909", "0.5")
VARIED = {
    "act_3": [rf"\frac{{1}}{{1+e^{{-{n}}}}}" for n in ("4", "4.0", "4.00")] + [r"\frac{1}{1+\exp(-4)}", "0.982"],
    "act_5": [rf"\frac{{1}}{{1+e^{{{x}}}}}" for x in ("0.036", "0.0360", "0.03597", "0.0359", "0.04", "-0.04", "0.035")],
    "loss": [rf"\frac{{1}}{{2}}(1 - {u})^2" for u in U5],
    "delta_5": [rf"-(1-{u})\times {g}" for u in U5 for g in ("0.2499", "0.25", "0.24992", "0.2498", "0.250", "0.2")],
    "delta_3": [rf"-0.1272 \times {w} \times {g}" for w in ("2", "2.0", "2.00", "2.000")
                for g in ("0.0177", "0.01768", "0.018", "0.0176", "0.01767")],
    "update_w_3_5": [rf"-1 \times (-{d}) \times {u}" for d in ("0.1272", "0.127", "0.12722", "0.1273", "0.13")
                     for u in ("0.982", "0.9820", "0.98")],
    "gprime_5": [rf"{u} \times (1 - {u})" for u in U5],
    "update_w_1_3": [rf"-1 \times (-{d}) \times 1" for d in ("0.0045", "0.00450", "0.0044", "0.0046")],
}


def make_class(folder: Path, students: int, seed: int = 1, varied: bool = False) -> tuple[int, set[str]]:
    """Write the class (even students as YAML, odd as JSON); return the answers and distinct LaTeX strings."""
    import yaml
    rng = random.Random(seed)
    count, strings = 0, set()
    forms = {**LATEX, **(VARIED if varied else {})}
    for s in range(students):
        answers = {}
        for qid, options in forms.items():
            answers[qid] = rng.choice(options)
            strings.add(answers[qid])
        for qid, options in NUMBERS.items():
            answers[qid] = float(rng.choice(options))
        count += len(answers)
        data = {"sigmoid": answers}
        if s % 2:
            (folder / f"student{s:03d}.json").write_text(json.dumps(data))
        else:
            (folder / f"student{s:03d}.yaml").write_text(yaml.safe_dump(data))
    return count, strings


def _answers(path: Path) -> list:
    import yaml
    data = json.loads(path.read_text()) if path.suffix == ".json" else yaml.safe_load(path.read_text())
    return list(data["sigmoid"].values())


def baseline(folder: Path, limit: int) -> float:
    """Answers per second of latex2sympy2 on every answer, one by one (the first `limit` files)."""
    from symbackprop.answers.compat import provide_typing_io
    provide_typing_io()                      # latex2sympy2's antlr4 runtime on Python 3.13+
    from latex2sympy2 import latex2sympy
    texts = [str(a) for path in sorted(folder.iterdir())[:limit] for a in _answers(path)]
    start = time.perf_counter()
    for text in texts:
        latex2sympy(text)
    return len(texts) / (time.perf_counter() - start)


def grade_seconds(folder: Path, jobs: int, first_only: bool = False) -> tuple[float, float]:
    """Wall seconds and CPU seconds (this process and every process it started) of `grade_all`."""
    from symbackprop.answers import Rubric
    from symbackprop.grade import find_submissions, grade_all
    from symbackprop.problem import load_problem
    problem = load_problem(ROOT / "problems" / "xor.yaml")
    subs = find_submissions(folder)[:1 if first_only else None]
    import resource
    cpu = lambda: time.process_time() + sum(getattr(resource.getrusage(resource.RUSAGE_CHILDREN), f)  # noqa: E731
                                            for f in ("ru_utime", "ru_stime"))
    start, cpu0 = time.perf_counter(), cpu()
    results = grade_all(problem, Rubric(), subs, part="sigmoid", jobs=jobs)
    elapsed, used = time.perf_counter() - start, cpu() - cpu0
    assert all(r.error is None for r in results), [r.error for r in results if r.error][:3]
    return elapsed, used


class ParseLog:
    """Every text latex2sympy2 parses, in this process and in every process forked from it."""

    def __init__(self, path: Path) -> None:
        import latex2sympy2
        self.path, self.module, self.original = path, latex2sympy2, latex2sympy2.latex2sympy
        log = str(path)

        def logged(text, *args, **kwargs):
            fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
            try:
                os.write(fd, (json.dumps(text) + "\n").encode())
            finally:
                os.close(fd)
            return self.original(text, *args, **kwargs)

        latex2sympy2.latex2sympy = logged

    def texts(self) -> list[str]:
        from symbackprop.answers.latex import WARM_UP
        lines = self.path.read_text().splitlines() if self.path.exists() else []
        return [t for t in map(json.loads, lines) if t not in WARM_UP]

    def close(self) -> None:
        self.module.latex2sympy = self.original


def check_ratio(folder: Path, rounds: int) -> list[float]:
    """Wall time of `symbackprop check` of one file over `python -c "import sympy, numpy"`, side by side."""
    exe = Path(sys.executable).parent / "symbackprop"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "symbackprop.cli"]
    one = sorted(folder.iterdir())[0]
    check = cmd + ["check", str(ROOT / "problems" / "xor.yaml"), str(one), "--part", "sigmoid"]
    imports = [sys.executable, "-c", "import sympy, numpy"]
    # as installed: pip compiles every module to bytecode, as SymPy's and NumPy's are; a shell with
    # PYTHONDONTWRITEBYTECODE would otherwise make `check` compile ours (about 0.08 s) on every run
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "symbackprop")], env=env,
                   stdout=subprocess.DEVNULL, check=True)
    ratios = []
    for _ in range(rounds):
        t = time.perf_counter()
        subprocess.run(imports, check=True, env=env)
        base = time.perf_counter() - t
        t = time.perf_counter()
        subprocess.run(check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        ratios.append((time.perf_counter() - t) / base)
    return ratios


def measure(name: str, students: int, rounds: int, baseline_files: int, varied: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        total, strings = make_class(folder, students, varied=varied)
        per = total // students
        baseline(folder, 2)                                   # warm latex2sympy2 up
        rows = []
        for _ in range(rounds):
            b = baseline(folder, baseline_files)
            one = {j: grade_seconds(folder, j, first_only=True) for j in (1, 2)}
            log = ParseLog(Path(tmp) / "parsed.log")
            try:
                full = {j: grade_seconds(folder, j) for j in (1, 2)}
                parsed = log.texts()
            finally:
                log.close()
                (Path(tmp) / "parsed.log").unlink(missing_ok=True)
            cpu = {j: full[j][1] - one[j][1] for j in (1, 2)}
            one = {j: one[j][0] for j in (1, 2)}
            full = {j: full[j][0] for j in (1, 2)}
            rate = {j: (students - 1) * per / max(full[j] - one[j], 1e-9) for j in (1, 2)}
            rows.append(dict(baseline=b, rate1=rate[1], rate2=rate[2], full1=full[1], full2=full[2],
                             cpu1=cpu[1], cpu2=cpu[2],
                             parsed=len(parsed) / 2, distinct_parsed=len(set(parsed))))
        return dict(name=name, students=students, answers=total, strings=len(strings), rows=rows)


def report(m: dict) -> None:
    print(f"\n== class '{m['name']}': {m['students']} submissions, {m['answers']} answers, "
          f"{m['strings']} distinct LaTeX answers")
    print("round | baseline ans/s | 1 job ans/s | 2 jobs ans/s | 1 job / baseline | 2 jobs / baseline | "
          "2 jobs / 1 job | CPU s, 1 job | CPU s, 2 jobs | texts parsed per run | distinct")
    for n, r in enumerate(m["rows"], 1):
        print(f"{n} | {r['baseline']:.0f} | {r['rate1']:.0f} | {r['rate2']:.0f} | {r['rate1'] / r['baseline']:.1f}x | "
              f"{r['rate2'] / r['baseline']:.1f}x | {r['rate2'] / r['rate1']:.2f}x | {r['cpu1']:.2f} | {r['cpu2']:.2f} | "
              f"{r['parsed']:.0f} | "
              f"{r['distinct_parsed']}")
    best = statistics.median(r["rate2"] / r["baseline"] for r in m["rows"])
    jobs = statistics.median(r["rate2"] / r["rate1"] for r in m["rows"])
    work = statistics.median(r["cpu2"] / r["cpu1"] for r in m["rows"])
    print(f"median: 2 jobs {best:.1f}x the baseline (goal >= 15x); 2 jobs {jobs:.2f}x 1 job (goal >= 1.7x); "
          f"CPU of 2 jobs / CPU of 1 job {work:.2f} (1.0: no work done twice)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--baseline-files", type=int, default=40,
                    help="files the baseline parses (its rate is per answer, so a sample is enough)")
    ap.add_argument("--skip-check", action="store_true", help="do not time `symbackprop check`")
    args = ap.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, varied in (("common", False), ("varied", True)):
        report(measure(name, args.students, args.rounds, args.baseline_files, varied))
    if not args.skip_check:
        with tempfile.TemporaryDirectory() as tmp:
            make_class(Path(tmp), 1)
            ratios = check_ratio(Path(tmp), max(5, args.rounds))
        print(f"\n`check` of one file / `python -c \"import sympy, numpy\"`: "
              f"{', '.join(f'{r:.2f}' for r in ratios)}; median {statistics.median(ratios):.2f}x (goal <= 1.5x)")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
