"""Issue 10, speed of grading, tested by what the speed comes from (never by timing):

- an answers file is read once, on libyaml's events, with every guarantee of the Python loader
  (lines, numbers as written, alias and depth caps, duplicate keys) and the Python loader's messages;
- a part's NameTable is built once per Grader, not per submission;
- a submission's LaTeX goes to the parser in one pipelined batch (`Parser.prefetch`), and results
  parsed elsewhere are charged to each submission as if it had parsed them itself;
- `grade` solves the problem once, in the parent, and parses each distinct LaTeX text once per
  class, whatever the jobs, with the same rows as `check` of each file alone; also under spawn.
Timings are in benchmarks/bench_grade.py.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from symbackprop import grade as grade_module
from symbackprop import yamlfile
from symbackprop.answers import Grader, Parser, Rubric, check_submission
from symbackprop.answers import names as names_module
from symbackprop.answers import quick
from symbackprop.answers.latex import WARM_UP
from symbackprop.errors import ProblemError
from symbackprop.grade import find_submissions, grade_all
from symbackprop.problem import load_problem

from conftest import PROBLEMS

XOR = PROBLEMS / "xor.yaml"
LIBYAML = getattr(yamlfile, "_CLoader", None) is not None
FORK = "fork" in mp.get_all_start_methods() and sys.platform.startswith("linux")


# -- YAML: one fast pass, the same guarantees ---------------------------------------------------------
DOCS = [
    "sigmoid:\n  u_3: 0.9820\n  u_4: 0.50\n  net_5: -3.6e-2\n  delta_5: '-0.1272'\n",
    "a: 0x1F\nb: 1:20\nc: .inf\nd: 017\ne: 1_000\nf: 2001-02-30\ng: 1e999\nh: +1.5\ni: -0.0\n",
    "base: &b {u_3: 0.982, u_4: 0.5}\nsigmoid:\n  <<: *b\n  u_5: 0.491\nrelu: *b\n",
    "- 1\n- [2, 3]\n- {x: y}\n",
    "text: |\n  two\n  lines\nq: \"\\u00e9\"\n",
    "# nothing\n",
    "",
]
REFUSED = [
    "a: 1\na: 2\n",                                        # a key given twice
    "[" * 150 + "]" * 150,                                 # nested too deeply
    "a: &a [1, 2, 3, 4, 5, 6, 7, 8]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n",
    "a: [1, 2\n",                                          # invalid: libyaml words it differently
    "a: b: c\n",
    "\ta: 1\n",
    "? [1]\n: 2\n",                                        # a key that is a list
    "a: !!python/object/apply:os.system [ls]\n",
]


def _outcome(loader, text: str, max_nodes: int = 200):
    try:
        doc = yamlfile._parse_with(loader, text, "f.yaml", max_nodes)
    except ProblemError as exc:
        return ("refused", str(exc))
    keys = list(doc.data) if isinstance(doc.data, dict) else []
    return ("read", repr(doc.data), [type(v).__name__ for v in (doc.data.values() if keys else [])],
            [(k, doc.line_of((k,)), doc.scalar_text((k,))) for k in keys],
            [(k, q, doc.line_of((k, q)), doc.scalar_text((k, q))) for k in keys if isinstance(doc.data[k], dict)
             for q in doc.data[k]])


@pytest.mark.skipif(not LIBYAML, reason="PyYAML without libyaml: only the Python loader exists")
@pytest.mark.parametrize("text", DOCS + REFUSED)
def test_the_libyaml_loader_reads_what_the_python_loader_reads(text):
    """Same data, types (NumberSpelling, text dates), lines and numbers as written; and a refusal
    through `parse_yaml` has the Python loader's own message, whichever loader refused first."""
    python = _outcome(yamlfile._Loader, text)
    fast = _outcome(yamlfile._CLoader, text)
    if python[0] == "read":
        assert fast == python
    else:
        assert fast[0] == "refused"
        with pytest.raises(ProblemError) as exc:
            yamlfile.parse_yaml(text, "f.yaml", 200)
        assert str(exc.value) == python[1]


def test_an_answers_file_keeps_its_numbers_as_written_and_lines():
    doc = yamlfile.parse_yaml(DOCS[0], "a.yaml")
    assert doc.scalar_text(("sigmoid", "u_3")) == "0.9820" and doc.data["sigmoid"]["u_3"] == 0.982
    assert doc.line_of(("sigmoid", "net_5")) == 4 and doc.scalar_text(("sigmoid", "u_4")) == "0.50"
    bomb = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdef", "bcdefg"))
    with pytest.raises(ProblemError, match="values once its aliases"):
        yamlfile.parse_yaml(bomb, "bomb.yaml", 100_000)


@pytest.mark.skipif(not LIBYAML, reason="PyYAML without libyaml")
def test_a_valid_file_is_read_once_by_libyaml_and_never_by_the_python_loader(monkeypatch):
    made = Counter()
    for cls in (yamlfile._Loader, yamlfile._CLoader):
        original = cls.__init__

        def init(self, *args, _original=original, _name=cls.__name__, **kw):
            made[_name] += 1
            _original(self, *args, **kw)

        monkeypatch.setattr(cls, "__init__", init)
    for text in DOCS:
        yamlfile.parse_yaml(text, "f.yaml")
    assert made == {"_CLoader": len(DOCS)}
    with pytest.raises(ProblemError):
        yamlfile.parse_yaml("a: 1\na: 2\n", "f.yaml")
    assert made["_Loader"] == 1                           # a refusal is worded by the Python loader


# -- name tables ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_name_tables_are_built_once_per_part_not_per_submission(tmp_path, monkeypatch):
    built = []
    original = names_module.NameTable.__init__

    def counting(self, psol):
        built.append(psol.name)
        original(self, psol)

    monkeypatch.setattr(names_module.NameTable, "__init__", counting)
    g = Grader(load_problem(XOR), Rubric(), warm=False)
    try:
        parts = sorted(built)
        assert parts == sorted(p.name for p in g.solution.parts)
        for n in range(6):
            f = tmp_path / f"s{n}.yaml"
            f.write_text(yaml.safe_dump({"sigmoid": {"u_3": 0.982, "u_4": 0.5 + n / 100}, "relu": {"u_3": 4}}))
            g.check(f)
        w = tmp_path / "w.md"
        w.write_text("Sigmoid: $u_3 = 0.982$\n\nReLU: $u_3 = 4$\n")
        g.check(w)
        assert sorted(built) == parts                     # still one per part
    finally:
        g.close()


# -- the parser: batches, sharing, charging -------------------------------------------------------
# texts outside quick.py's plain arithmetic (\sqrt, \exp, a syntax error), which the worker parses
TEXTS = [r"\frac{1}{2}(1-\sqrt{0.241})^{2}", r"\mathrm{step}(\sqrt{3}-1) + 2", r"\frac{1}{2}(1-\sqrt{0.241})^{2}",
         r"0.5 \cdot \sqrt{9.8}", r"1+(", r"\frac{1}{1+\exp(-4)}"]


@pytest.mark.slow
def test_prefetch_parses_each_distinct_text_once_and_parse_then_asks_nothing():
    with Parser() as ahead, Parser() as plain:
        assert ahead.prefetch(TEXTS) == 6               # 4 distinct + "1+(" + the argument 3-1 of step
        assert ahead.asked == 6
        for text in TEXTS:
            try:
                mine = ahead.parse(text)
            except Exception as exc:                    # "1+(": the same refusal either way
                with pytest.raises(type(exc), match=str(exc)[:20]):
                    plain.parse(text)
                continue
            assert mine == plain.parse(text)
        assert ahead.asked == 6                          # every parse was served from the batch
        assert ahead.prefetch(TEXTS) == 0


@pytest.mark.slow
def test_a_batch_stops_at_its_cpu_budget_and_leaves_the_rest_unparsed():
    with Parser() as p:
        assert p.prefetch([r"\sqrt{3}", r"\sqrt{10}"], budget=0.0) == 0
        assert p.cache == {} and p.asked == 0
        assert p.parse(r"\sqrt{10}") == ("pow", ("num", "10/1"), ("num", "1/2"))


@pytest.mark.slow
def test_results_parsed_elsewhere_cost_a_submission_what_they_cost_there():
    """A submission pays for each text it uses once, whoever parsed it: the budget runs out at the
    same answer as when the file is checked alone."""
    with Parser() as parent:
        texts = [r"\frac{1}{1+\exp(-4)}", r"0.491 \times (1 - \sqrt{0.241})"]
        found = parent.serve(texts)
        assert set(found) == set(texts) and all(cost > 0 for _, _, cost in found.values())
        child = Parser(fetch=lambda todo: {t: found[t] for t in todo if t in found})
        child.new_submission(5.0)
        child.prefetch(texts)
        assert not child.running                        # nothing parsed by the child itself
        child.parse(texts[0])
        child.parse(texts[0])                            # a second use in the same submission is free
        assert child.budget == pytest.approx(5.0 - found[texts[0]][2])
        child.new_submission(0.0)                       # no parsing time left: refused, as alone
        with pytest.raises(Exception, match="used up its parsing time"):
            child.parse(texts[1])
        child.close()


# -- grade: once per class, the same rows as check alone ------------------------------------------
# plain arithmetic (read by quick.py) and texts only latex2sympy2 reads (\exp, \sqrt)
ANSWERS = [
    {"u_3": r"\frac{1}{1+\exp(-4)}", "u_5": r"\frac{1}{1+e^{0.036}}", "L": r"\frac{1}{2}(1 - 0.491)^2",
     "delta_5": r"-(1-0.491)\times 0.2499", "u_4": 0.5},
    {"u_3": r"\frac{1}{1+e^{-4}}", "u_5": "0.491", "L": r"(1 - \sqrt{0.241})^2", "delta_5": r"-(1-0.491)\times 0.491"},
    {"u_3": "0.982", "u_5": r"\frac{1}{1 + e^{0.0360}}", "L": r"\frac{1}{2}(1 - 0.491)^2",
     "delta_3": r"-0.1272 \times \sqrt{4} \times 0.0177"},
]


def _class(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        data = {"sigmoid": ANSWERS[i % len(ANSWERS)]}
        if i % 2:
            (folder / f"s{i:02d}.json").write_text(json.dumps(data))
        else:
            (folder / f"s{i:02d}.yaml").write_text(yaml.safe_dump(data))
    return folder


def _rows(reports):
    return [(r.part, r.score, [(v.qid, v.status, v.credit, v.message) for v in r.verdicts], r.missing)
            for r in reports]


@pytest.fixture()
def parse_log(tmp_path, monkeypatch):
    """Every text latex2sympy2 parses, in this process and every process forked from it."""
    import latex2sympy2
    log = tmp_path / "parsed.log"
    original = latex2sympy2.latex2sympy

    def logged(text, *args, **kw):
        fd = os.open(str(log), os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, (json.dumps(text) + "\n").encode())
        finally:
            os.close(fd)
        return original(text, *args, **kw)

    monkeypatch.setattr(latex2sympy2, "latex2sympy", logged)

    def texts():
        lines = log.read_text().splitlines() if log.exists() else []
        return [t for t in map(json.loads, lines) if t not in WARM_UP]
    return texts


@pytest.mark.slow
@pytest.mark.skipif(not FORK, reason="counts parses in forked processes (Linux)")
@pytest.mark.parametrize("jobs", [1, 2])
def test_grade_parses_each_distinct_latex_text_once_per_class(tmp_path, parse_log, jobs):
    folder = _class(tmp_path / "class", 9)
    problem = load_problem(XOR)
    results = grade_all(problem, Rubric(), find_submissions(folder), part="sigmoid", jobs=jobs)
    parsed = Counter(parse_log())
    assert parsed and set(parsed.values()) == {1}, [t for t, n in parsed.items() if n > 1]
    not_plain = {a for d in ANSWERS for a in d.values() if isinstance(a, str) and quick.read(a) is None}
    assert not_plain and len(parsed) >= len(not_plain)
    assert not [t for t in parsed if quick.read(t) is not None]     # plain arithmetic never reaches latex2sympy2
    for r in results:                                     # the same rows as each file checked alone
        alone, problems = check_submission(problem, r.source, "sigmoid")
        assert r.status == "graded" and _rows(r.reports) == _rows(alone) and r.problems == problems


@pytest.mark.slow
def test_grade_under_spawn_gives_the_rows_of_check_alone(tmp_path):
    """macOS, Windows and Python 3.14 start workers without fork: the solution and the parsed texts
    reach them pickled, and nothing depends on inheriting the parent's memory."""
    folder = _class(tmp_path / "class", 4)
    problem = load_problem(XOR)
    results = grade_all(problem, Rubric(), find_submissions(folder), part="sigmoid", jobs=2,
                        context=mp.get_context("spawn"))
    for r in results:
        alone, problems = check_submission(problem, r.source, "sigmoid")
        assert r.status == "graded" and _rows(r.reports) == _rows(alone) and r.problems == problems


@pytest.mark.slow
def test_a_worker_builds_its_grader_from_the_parents_solution_without_solving(tmp_path, monkeypatch):
    from symbackprop import answers as answers_module
    from symbackprop.solution import solve
    problem = load_problem(XOR)
    solution = solve(problem, ["sigmoid"])

    def no_solving(*args, **kw):
        raise AssertionError("a worker solved the problem again")

    monkeypatch.setattr(answers_module, "solve", no_solving)
    grader = grade_module._init(problem, Rubric(), "sigmoid", solution)
    try:
        f = tmp_path / "a.yaml"
        f.write_text("u_3: 0.9820\nu_4: 0.5\n")
        result = grade_module._grade_one("a", str(f))
        assert result.status == "graded" and result.score == 2
        assert not grader.parser.running
    finally:
        grader.close()


@pytest.mark.slow
def test_a_worker_parses_for_itself_what_the_parent_could_not(tmp_path):
    """The parent's answer is only help: an empty answer (a text it gave up on) leaves the worker to
    parse with its own parser and the full limits, with the same verdicts."""
    problem = load_problem(XOR)
    asked = []
    grader = grade_module._init(problem, Rubric(), "sigmoid", None, lambda texts: asked.append(texts) or {})
    try:
        f = tmp_path / "a.yaml"
        f.write_text(yaml.safe_dump(ANSWERS[0]))
        result = grade_module._grade_one("a", str(f))
        alone, _ = check_submission(problem, f, "sigmoid")
        assert len(asked) == 1 and grader.parser.running
        assert _rows(result.reports) == _rows(alone)
    finally:
        grader.close()
