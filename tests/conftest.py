import csv
import gc
import io
import os
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import settings

# Property tests are derandomised by default, so that CI and every run draw the same examples (a
# failure is reproducible from the commit alone); HYPOTHESIS_PROFILE=explore draws fresh ones.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# LaTeX parser workers are forked on Linux: latex2sympy2 loaded and warmed up once here is inherited by
# every worker the tests start, which would each import it again otherwise (about 0.3 s of CPU per
# worker, and the fast tier starts dozens). Tests of the worker's own import (a broken install, Python
# 3.13's missing typing.io) run it under spawn or in a fresh interpreter, so they still import it afresh.
if sys.platform.startswith("linux"):
    from symbackprop.answers.latex import _load_latex2sympy2
    _load_latex2sympy2()


def pytest_collection_finish(session):
    """Once every test module is imported (SymPy, latex2sympy2, the package, the collected tests), move
    what is alive to the collector's permanent generation: those objects live as long as the run, and
    the full collections a long run makes would otherwise walk all of them again each time (about 8% of
    the fast tier's CPU). Objects the tests make later are collected as usual."""
    gc.collect()
    gc.freeze()


ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ROOT / "problems"
DATA = Path(__file__).resolve().parent / "data"
# problems/ holds networks, and computation graphs (`model: graph`: the circuit, the sigmoid gates, the
# lecture's matrix example); the old `model: quadratic` form of the matrix example is kept in tests/data/graph
GRAPHS = [p for p in sorted(PROBLEMS.glob("*.yaml")) if "\nmodel: " in p.read_text(encoding="utf-8")]
NETWORKS = [p for p in sorted(PROBLEMS.glob("*.yaml")) if p not in GRAPHS]
# network files added after the golden and byte fixtures were made (issue 12): their numbers are checked by
# hand in their own test files (tests/test_formula_act.py), never by a fixture the code under test wrote
HAND_CHECKED: set[str] = {"named_units",   # new problem files whose numbers are only checked by hand (test_names12.py)
                          "two_step_per_sample", "xor_adam",      # issue 13: tests/test_o213.py
                          # session 14, Q1: one file per optimizer on XOR, checked by hand in tests/test_q114.py
                          "xor_sgd", "xor_momentum", "xor_nesterov", "xor_adagrad", "xor_rmsprop", "xor_adadelta",
                          "xor_adamw",
                          "xor_init",    # session 15, I: weights drawn by `init:`, checked in tests/test_i15.py
                          # session 15, F: training runs (train:); solve's one step checked by hand in tests/test_f15.py
                          "xor_train", "xor_dev_stop",
                          "xor_dropout",   # session 16, D: dropout, checked by finite differences in tests/test_d16.py
                          "xor_dropout_train"}   # session 16, DT: training with dropout, tests/test_dt16.py
QUADRATIC_MODEL = DATA / "graph" / "quadratic_model.yaml"


@pytest.fixture(autouse=True)
def _english_unless_asked(monkeypatch):
    """SYMBACKPROP_LANG (the default of --lang) set where the tests run would make English outputs Chinese:
    every test starts without it, and sets it itself when it is what is tested."""
    monkeypatch.delenv("SYMBACKPROP_LANG", raising=False)


@pytest.fixture(scope="session")
def xor_problem():
    from symbackprop.problem import load_problem
    return load_problem(PROBLEMS / "xor.yaml")


@pytest.fixture(scope="session")
def xor(xor_problem):
    from symbackprop.solution import solve
    return solve(xor_problem)


@pytest.fixture(scope="session")
def xor_appendix():
    from symbackprop.solution import solve
    return solve(PROBLEMS / "xor_appendix.yaml")


@pytest.fixture(scope="session")
def parser():
    """The session's LaTeX parser: one worker (started by the first LaTeX answer) for every grader the
    fixtures make. What it keeps is each text's parse, which is the same for every problem and student;
    each submission's budget is reset when it is checked."""
    from symbackprop.answers import Parser
    p = Parser()
    yield p
    p.close()


@pytest.fixture(scope="module")
def grader(xor_problem, xor, parser):
    """A Grader of problems/xor.yaml with the default rubric, one per test module, so that the verdicts
    a grader remembers stay within a module; it takes the session's solution of xor.yaml and parser."""
    from symbackprop.answers import Grader, Rubric
    return Grader(xor_problem, Rubric(), warm=False, solution=xor, parser=parser)


@pytest.fixture(scope="session")
def grader_of(parser):
    """`grader_of(problem_file)`: one Grader per problem file, with the problem's own rubric, for the whole
    session. Tests that check many small answers files against a few problems solve each problem, build
    its checkers and derive its general rules (on the first rule answered) once instead of once per
    check_submission. A grader's verdicts for a file are those of the file checked alone, in any order
    (tests/test_fairness.py), so sharing one changes no verdict."""
    from symbackprop.answers import Grader, Rubric
    from symbackprop.problem import load_problem
    made: dict[Path, Grader] = {}

    def make(problem: Path) -> Grader:
        key = Path(problem).resolve()
        if key not in made:
            loaded = load_problem(key)
            made[key] = Grader(loaded, loaded.grading or Rubric(), parser=parser, warm=False)
        return made[key]
    return make


@pytest.fixture(scope="module")
def graph_checker_of(parser):
    """`graph_checker_of(source)`: one GraphChecker per graph for the module, made when first asked for, on the
    session's parser. `source` is a graph's problem file (a Path) or its YAML text (a str, read as the file
    `name`). Nothing a checker keeps depends on a student (its random problems serve every answer), so the tests
    of a module share it; each is closed when the module ends."""
    from symbackprop.answers.graph_answers import GraphChecker
    from symbackprop.graph import load_graph, parse_graph, solve_graph
    made: dict = {}

    def make(source, name: str = "graph.yaml"):
        key = Path(source).resolve() if isinstance(source, Path) else source
        if key not in made:
            graph = load_graph(key) if isinstance(key, Path) else parse_graph(key, name)
            made[key] = GraphChecker(solve_graph(graph), parser=parser)
        return made[key]
    yield make
    for checker in made.values():
        checker.close()


class GraphChecked(NamedTuple):
    """One answers file checked against a graph: the first report's verdicts by id, what was not read, the reports."""

    verdicts: dict
    problems: list
    reports: list


def check_graph(checker, tmp_path: Path, text: str, suffix: str = ".yaml") -> GraphChecked:
    """`text` written as an answers file (`suffix` .yaml) or a write-up (.md, .tex) and checked by `checker`."""
    path = tmp_path / f"answers{suffix}"
    path.write_text(text, encoding="utf-8")
    reports, problems = checker.check_file(path)
    return GraphChecked({v.qid: v for v in reports[0].verdicts}, problems, reports)


@pytest.fixture(scope="session")
def solution_of():
    """`solution_of(problem_file)`: solve() of a network's problem file, once per session for each file
    and content (tests of several modules read minibatch.yaml's values). A Solution is not changed by
    reading or rendering it; tests that change one make a copy (dataclasses.replace)."""
    from symbackprop.solution import solve
    made: dict = {}

    def get(path):
        key = (Path(path).resolve(), Path(path).read_bytes())
        if key not in made:
            made[key] = solve(str(key[0]))
        return made[key]
    return get


def rows_of(book: Path) -> dict[str, dict[str, str]]:
    """A gradebook CSV's rows by student."""
    return {row["student"]: row for row in csv.DictReader(io.StringIO(book.read_text(encoding="utf-8")))}


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry under root: a file's bytes, a link's target, a folder's marker (to show nothing changed)."""
    out: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath, name)
            key = str(p.relative_to(root))
            if p.is_symlink():
                out[key] = "-> " + os.readlink(p)
            elif p.is_dir():
                out[key] = "dir"
            elif p.is_file():
                out[key] = p.read_bytes()
            else:
                out[key] = "special"
    return out


def expanded_loss(part, wsyms):
    """J(w): the loss with every layer expanded, built from the problem alone with SymPy's ordinary
    arithmetic (an oracle independent of the model and of gradcheck's graph); also every net and
    each sample's loss."""
    import sympy as sp

    from symbackprop import losses
    loss = losses.of(part)
    total, nets = [], []
    # dropout on a hidden layer (1-based): the next layer reads m_j·u_j, divided by 1 − p under inverted scaling
    dropped = {d.layer: d for d in getattr(part, "dropout", ())}
    for n, sample in enumerate(part.samples):
        out = dict(sample.x)
        out[part.bias] = part.bias_input              # 1, or −1 for net = Σ w·x − θ
        prev = list(part.inputs)
        for li, layer in enumerate(part.layers):
            act = part.activations[li]
            layer_nets = [sp.Add(*[wsyms[(i, j)] * out[i] for i in [part.bias] + prev]) for j in layer]
            nets += layer_nets
            exps = [sp.exp(v) for v in layer_nets]
            for k, j in enumerate(layer):
                out[j] = act.value(layer_nets[k]) if act.elementwise else exps[k] / sp.Add(*exps)
                if li + 1 in dropped:
                    d = dropped[li + 1]
                    out[j] = d.masks[n][k] * out[j] / ((1 - d.p) if d.scaling == "inverted" else 1)
            prev = list(layer)
        t = dict(sample.t)                              # none for `loss: none` (J is the output itself)
        total.append(loss.per_sample([out[k] for k in part.outputs], [t.get(k, 0) for k in part.outputs]))
    J = sp.Add(*total)
    return (J / len(part.samples) if part.batch_reduction == "mean" else J), nets, total


def check_json(problem: Path, answers: Path, *extra: str) -> dict:
    """`symbackprop check PROBLEM ANSWERS --format json` through Click, its report as data (exit 0 or 1)."""
    import json
    from click.testing import CliRunner
    from symbackprop.cli import main
    r = CliRunner().invoke(main, ["check", str(problem), str(answers), "--format", "json", *extra])
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.output)


def report_items(report: dict) -> dict:
    """A check report's items of every part, by id."""
    return {it["id"]: it for part in report["parts"] for it in part["items"]}


def own_solution_report(problem: Path, out: Path, *solve_args: str) -> dict:
    """`solve PROBLEM -o OUT` (its format from OUT's suffix unless `--format` is given), then check OUT against
    PROBLEM: the check report of the tool's own solution, as data."""
    from click.testing import CliRunner
    from symbackprop.cli import main
    solved = CliRunner().invoke(main, ["solve", str(problem), *solve_args, "-o", str(out)])
    assert solved.exit_code == 0, solved.output
    return check_json(problem, out)


def assert_full_marks_no_notes(report: dict) -> None:
    """Every item of the report right, every link ok, nothing unread and no message: a clean read-back."""
    assert report["score"] == report["max_score"] and not report["not_read"], report["not_read"]
    for it in report_items(report).values():
        assert not it["message"] and all(lk["ok"] for lk in it["links"]), it
