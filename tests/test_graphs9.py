"""Issue 12 item 0, session 9: computation graphs (`model: graph`) get what networks have —
`check` of a write-up, `grade` of a class folder (every output, any --jobs, fair), follow-through
from the student's own wrong values, and `solve --check` that names a kink instead of a false
disagreement. Every expected number is worked by hand in the comments."""
from __future__ import annotations

import csv
import io
import json
import multiprocessing
import random

import pytest
from click.testing import CliRunner
from conftest import PROBLEMS

from symbackprop.answers import check_submission
from symbackprop.answers.graph_answers import GraphChecker, check_graph_answers
from symbackprop.answers.graph_names import GraphNames, bracket_list, matrices_as_lists
from symbackprop.cli import main
from symbackprop.graph import load_graph, parse_graph, solve_graph
from symbackprop.grade import class_results, grade_all, gradebook_csv, gradescope_results
from symbackprop.classfolder import scan_class
from symbackprop.graph_check import check_graph
from symbackprop.errors import SymbackpropError
from symbackprop.rubric import Rubric

CIRCUIT = PROBLEMS / "circuit.yaml"
QUADRATIC = PROBLEMS / "quadratic.yaml"

# f = (x + y)·z with x = −2, y = 5, z = −4: q = 3, f = −12; ∂f/∂q = z = −4, ∂f/∂z = q = 3,
# ∂f/∂x = ∂f/∂y = ∂f/∂q·1 = −4.
CIRCUIT_RIGHT = {"q": 3, "f": -12, "grad_q": -4, "grad_z": 3, "grad_x": -4, "grad_y": -4}

# A graph of our own: u = a·b, v = u + c, g = v² with a = 2, b = 3, c = −1:
# u = 6, v = 5, g = 25; ∂g/∂v = 2v = 10, ∂g/∂u = 10, ∂g/∂c = 10, ∂g/∂a = 10·b = 30, ∂g/∂b = 10·a = 20.
OWN = """\
title: own graph
model: graph
inputs: {a: 2, b: 3, c: -1}
nodes:
  u: a*b
  v: u + c
  g: v^2
output: g
"""


def write(tmp_path, name, text):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def by_id(report):
    return {v.qid: v for v in report.verdicts}


@pytest.fixture(scope="module")
def circuit():
    return solve_graph(load_graph(CIRCUIT))


@pytest.fixture(scope="module")
def quadratic():
    return solve_graph(load_graph(QUADRATIC))


@pytest.fixture(scope="module")
def own():
    return solve_graph(parse_graph(OWN, "own.yaml"))


def check(sol, path, rubric=None):
    reports, problems = check_graph_answers(sol, path, rubric)
    assert len(reports) == 1 and reports[0].part == "main"
    return reports[0], problems


# -- 1. write-ups -------------------------------------------------------------------------------------

def test_a_circuit_write_up_in_every_spelling_is_read_and_right(circuit, tmp_path):
    f = write(tmp_path, "w.md", "\n".join([
        "# The circuit",
        "Forward: $q = x + y = -2 + 5 = 3$ and $f = q z = 3 \\times (-4) = -12$.",
        "$$\\frac{\\partial f}{\\partial q} = z = -4$$",
        "∂f/∂z = q = 3",
        "- df/dx = ∂f/∂q · 1 = -4",
        "\\begin{align*}",
        "\\frac{df}{dy} &= -4",
        "\\end{align*}",
    ]) + "\n")
    report, problems = check(circuit, f)
    assert problems == []
    got = {k: (v.status, v.expected) for k, v in by_id(report).items()}
    assert got == {k: ("correct", float(x)) for k, x in CIRCUIT_RIGHT.items()}
    assert report.score == 6 == report.max_score and report.missing == ()


def test_a_wrong_value_in_a_write_up_is_wrong_and_a_sign_slip_is_named(circuit, tmp_path):
    f = write(tmp_path, "w.tex", "$q = 3$\n$\\frac{\\partial f}{\\partial x} = 4$\n$f = -13$\n")
    report, _ = check(circuit, f)
    v = by_id(report)
    assert v["q"].status == "correct"
    assert v["grad_x"].status == "wrong" and v["grad_x"].diagnosis == "sign"      # 4 for −4
    assert v["f"].status == "wrong" and v["f"].credit == 0
    assert report.score == 1 and set(report.missing) == {"grad_q", "grad_y", "grad_z"}


def test_a_rule_alone_in_a_write_up_earns_nothing(circuit, tmp_path):
    report, _ = check(circuit, write(tmp_path, "w.md", "$\\frac{\\partial f}{\\partial z} = q$\n"))
    v = by_id(report)["grad_z"]
    assert v.status == "wrong" and v.diagnosis == "no_value" and report.score == 0


def test_matrix_nodes_in_a_write_up_bmatrix_lists_and_entries(quadratic, tmp_path):
    # x = [1, 2, −1], A = [[1, 0, 2], [0, 1, −1], [1, 0.5, 0]]: M = xᵀA = [0, 1.5, 0], q = Mx = 3,
    # y = 3 + b·x + c = 3 + (0.5 − 2 − 2) + 1 = 0.5, L = 0.25; ∂L/∂y = 2(y − t) = −1,
    # ∂L/∂A = ∂L/∂y·xxᵀ = −[[1, 2, −1], [2, 4, −2], [−1, −2, 1]], ∂L/∂b = −x, ∂L/∂c = −1.
    f = write(tmp_path, "w.tex", "\n".join([
        "$M = x^T A = \\begin{bmatrix} 0 & 1.5 & 0 \\end{bmatrix}$",
        "$q = 3$, $y = 0.5$, $L = 0.25$",
        "$\\frac{\\partial L}{\\partial y} = 2(y - t) = -1$",
        "$\\frac{\\partial L}{\\partial A} = \\begin{bmatrix} -1 & -2 & 1 \\\\ -2 & -4 & 2 \\\\ 1 & 2 & -1 \\end{bmatrix}$",
        "grad_b = [-1, -2, 1]",
        "$\\frac{\\partial L}{\\partial c} = -1$",
        "$\\frac{\\partial L}{\\partial M_{2}} = -2$",
    ]) + "\n")
    report, problems = check(quadratic, f)
    v = by_id(report)
    assert problems == []
    assert [v[f"grad_A_{r}_{c}"].status for r in (1, 2, 3) for c in (1, 2, 3)] == ["correct"] * 9
    assert [v[f"grad_b_{i}"].value for i in (1, 2, 3)] == [-1, -2, 1]
    assert all(v[k].status == "correct" for k in ("M_1", "M_2", "M_3", "q", "y", "L", "grad_y", "grad_c", "grad_M_2"))
    assert set(report.missing) == {"grad_q", "grad_M_1", "grad_M_3"}


def test_a_matrix_entry_written_wrong_is_that_entry_alone(quadratic, tmp_path):
    f = write(tmp_path, "w.md", "$\\frac{\\partial L}{\\partial A_{12}} = 2$\n$dL/dA_{2,3} = 2$\n")
    v = by_id(check(quadratic, f)[0])
    assert v["grad_A_1_2"].status == "wrong" and v["grad_A_1_2"].diagnosis == "sign"     # −2 expected
    assert v["grad_A_2_3"].status == "correct"


def test_graph_names_and_matrices_read_by_hand(circuit, quadratic):
    ids = {"grad_A_1_2", "grad_b_2", "M_3", "grad_x", "q"}
    names = GraphNames(quadratic, ids)
    assert names.qid("\\frac{\\partial L}{\\partial A_{12}}") == "grad_A_1_2"
    assert names.qid("\\partial L / \\partial A_{1,2}") == "grad_A_1_2"
    assert names.qid("\\nabla_{b_2} L") == "grad_b_2"
    assert names.qid("M_{3}") == "M_3"
    assert names.qid("\\frac{\\partial y}{\\partial A_{12}}") is None        # y is not the output
    assert names.qid("A_{12}") is None                                      # a given: not an item listed
    assert GraphNames(circuit, {"grad_x", "q"}).qid("\\frac{\\mathrm{d}f}{\\mathrm{d}x}") == "grad_x"
    assert matrices_as_lists("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}") == "[[1, 2], [3, 4]]"
    assert bracket_list("[[1, \\max(2, 3)], [3, 4]]") == [["1", "\\max(2, 3)"], ["3", "4"]]
    assert bracket_list("[1, [2]]") is None and bracket_list("1, 2") is None


def test_a_name_close_to_an_item_is_said_not_read(circuit, tmp_path):
    report, problems = check(circuit, write(tmp_path, "w.md", "$q = 3$\n$grad_xx = -4$\n"))
    assert [v.qid for v in report.verdicts] == ["q"]
    assert len(problems) == 1 and "grad_x" in problems[0] and "line 2" in problems[0]


def test_a_write_up_with_no_equation_is_one_line_in_english_and_chinese(tmp_path):
    f = write(tmp_path, "w.md", "I did not finish.\n")
    for lang, words in (("en", "no equation names a quantity of this graph"), ("zh", "没有一个等式的左边是此计算图的量")):
        out = CliRunner().invoke(main, ["check", str(CIRCUIT), str(f), "--lang", lang])
        assert out.exit_code == 2 and words in out.output and "Traceback" not in out.output
        assert len(out.output.strip().splitlines()) == 1


def test_an_answers_file_of_another_kind_is_refused_in_english_and_chinese(tmp_path):
    f = write(tmp_path, "w.csv", "q,3\n")
    for lang, words in (("en", "or a write-up (.tex, .md, .markdown, .txt); not .csv"), ("zh", "不能是 .csv")):
        out = CliRunner().invoke(main, ["check", str(CIRCUIT), str(f), "--lang", lang])
        assert out.exit_code == 2 and words in out.output and len(out.output.strip().splitlines()) == 1


def test_a_binary_write_up_is_refused_in_one_line(tmp_path):
    f = tmp_path / "w.md"
    f.write_bytes(b"$q = 3$\x00\n")
    out = CliRunner().invoke(main, ["check", str(CIRCUIT), str(f)])
    assert out.exit_code == 2 and "Traceback" not in out.output and len(out.output.strip().splitlines()) == 1


# -- 2. follow-through -----------------------------------------------------------------------------

def test_a_wrong_q_used_correctly_downstream_follows_through(circuit, tmp_path):
    # q = 4 (wrong): f = q·z = −16 and ∂f/∂z = q = 4 are right from that q; ∂f/∂x = z = −4 needs no q.
    f = write(tmp_path, "a.yaml", "q: 4\nf: -16\ngrad_q: -4\ngrad_z: 4\ngrad_x: -4\ngrad_y: -4\n")
    report, _ = check(circuit, f)
    v = by_id(report)
    assert v["q"].status == "wrong" and report.first_error == "q"
    for qid in ("f", "grad_z"):
        assert v[qid].status == "follow_through" and v[qid].credit == 1 and v[qid].source == "q"
        assert v[qid].message == "follows from your q (the first error)"
    assert v["grad_x"].status == "correct" and report.score == 5


def test_follow_through_is_not_given_to_a_value_that_follows_from_nothing(circuit, tmp_path):
    # f = −15 is neither −12 nor q·z = 4·(−4) = −16; ∂f/∂z = 5 is neither 3 nor the student's q = 4
    report, _ = check(circuit, write(tmp_path, "a.yaml", "q: 4\nf: -15\ngrad_z: 5\n"))
    assert {k: v.status for k, v in by_id(report).items()} == {"q": "wrong", "f": "wrong", "grad_z": "wrong"}
    assert report.score == 0


def test_a_step_made_zero_by_the_students_values_shows_no_working(circuit, tmp_path):
    # q = 0: f = q·z = 0 follows, but a 0 shows no working (as for a network: "trivialised")
    v = by_id(check(circuit, write(tmp_path, "a.yaml", "q: 0\nf: 0\n"))[0])
    assert v["f"].status == "wrong"


def test_follow_through_credit_is_the_rubrics(circuit, tmp_path):
    f = write(tmp_path, "a.yaml", "q: 4\nf: -16\n")
    rubric = Rubric(credit={"follow_through": 0.5, "rounding": 0.5, "imprecise": 0.5, "slip": 0.5,
                            "other_convention": 1.0})
    report, _ = check(circuit, f, rubric)
    assert by_id(report)["f"].credit == 0.5 and report.score == 0.5


def test_follow_through_runs_down_a_graph_of_our_own(own, tmp_path):
    # u = 5 (wrong, 6 expected): v = u + c = 4, g = v² = 16, ∂g/∂v = 2v = 8, ∂g/∂u = 8,
    # ∂g/∂a = ∂g/∂u·b = 24, ∂g/∂b = ∂g/∂u·a = 16, ∂g/∂c = 8 — each from the student's own values.
    f = write(tmp_path, "w.md", "\n".join([
        "$u = a b = 5$", "$v = u + c = 4$", "$g = v^2 = 16$",
        "$\\frac{\\partial g}{\\partial v} = 2v = 8$", "$\\frac{\\partial g}{\\partial u} = 8$",
        "$\\frac{\\partial g}{\\partial a} = 24$", "$\\frac{\\partial g}{\\partial b} = 16$",
        "$\\frac{\\partial g}{\\partial c} = 8$"]) + "\n")
    report, _ = check(own, f)
    statuses = {k: v.status for k, v in by_id(report).items()}
    assert statuses == {"u": "wrong", "v": "follow_through", "g": "follow_through", "grad_v": "follow_through",
                        "grad_u": "follow_through", "grad_a": "follow_through", "grad_b": "follow_through",
                        "grad_c": "follow_through"}
    assert all(v.source == "u" for v in report.verdicts if v.status == "follow_through")
    assert report.score == 7 and report.max_score == 8


def test_follow_through_names_a_later_wrong_item_when_it_is_not_the_first(own, tmp_path):
    # u right; v = 6 wrong (5 expected); g = 36 follows from v; then ∂g/∂v = 11 is wrong (2v = 12 from v)
    # and ∂g/∂u = 11 follows from the student's own ∂g/∂v
    f = write(tmp_path, "a.yaml", "u: 6\nv: 6\ng: 36\ngrad_v: 11\ngrad_u: 11\n")
    v = by_id(check(own, f)[0])
    assert v["g"].status == "follow_through" and v["g"].message == "follows from your v (the first error)"
    assert v["grad_v"].status == "wrong"
    assert v["grad_u"].status == "follow_through" and v["grad_u"].source == "grad_v"
    assert v["grad_u"].message == "follows from your ∂g/∂v (wrong)"


def test_matrix_follow_through_from_a_wrong_scalar(quadratic, tmp_path):
    # y = 2 (0.5 expected): L = (2 − 1)² = 1, ∂L/∂y = 2, ∂L/∂A = 2·xxᵀ = [[2, 4, −2], [4, 8, −4], [−2, −4, 2]]
    f = write(tmp_path, "w.tex", "$y = 2$\n$L = 1$\n$\\frac{\\partial L}{\\partial y} = 2$\n"
              "$\\frac{\\partial L}{\\partial A} = \\begin{bmatrix} 2 & 4 & -2 \\\\ 4 & 8 & -4 \\\\ -2 & -4 & 2"
              " \\end{bmatrix}$\n")
    v = by_id(check(quadratic, f)[0])
    assert v["y"].status == "wrong"
    assert all(v[k].status == "follow_through" for k in v if k != "y")
    assert len(v) == 12


# -- 3. kinks in solve --check -----------------------------------------------------------------------

KINK = """\
title: kinks
model: graph
inputs: {x: 2, y: -2, w: 3}
nodes:
  s: x + y
  r: relu(s)
  f: w*r + x
output: f
"""


def test_a_relu_evaluated_at_its_kink_is_named_not_a_disagreement():
    # s = x + y = 0: relu has no derivative there; SymPy's step(0) is taken as 0, so ∂f/∂x = w·0 + 1 = 1,
    # while finite differences see the mean slope w/2 + 1 = 2.5. ∂f/∂w = r = 0 is at no kink.
    report = check_graph(solve_graph(parse_graph(KINK, "kink.yaml")))
    assert report.ok
    assert set(report.kinks) == {"grad_x", "grad_y"}
    assert report.rows["grad_x"]["backward"] == pytest.approx(1.0)
    assert report.rows["grad_x"]["finite_difference"] == pytest.approx(2.5, rel=1e-6)
    assert report.kinks["grad_x"] == "relu in node r is evaluated at its kink (s = 0)"
    assert "kink" not in report.rows["grad_w"]


@pytest.mark.parametrize("formula, inputs", [
    ("abs(x + y)", "{x: 2, y: -2}"), ("max(x, -y)", "{x: 2, y: -2}"), ("min(x, y + 4)", "{x: 2, y: -2}"),
    ("leaky_relu(x + y)", "{x: 2, y: -2}"),
])
def test_every_kind_of_kink_is_found(formula, inputs):
    text = f"title: k\nmodel: graph\ninputs: {inputs}\nnodes:\n  f: {formula}\noutput: f\n"
    report = check_graph(solve_graph(parse_graph(text, "k.yaml")))
    assert set(report.kinks) == {"grad_x", "grad_y"} and report.ok


def test_off_the_kink_nothing_is_said_and_every_file_keeps_its_check():
    text = KINK.replace("y: -2", "y: -1.5")                 # s = 0.5: a smooth point
    report = check_graph(solve_graph(parse_graph(text, "k.yaml")))
    assert report.kinks == {} and report.ok
    for path in (CIRCUIT, QUADRATIC, PROBLEMS / "sigmoid_gates.yaml"):
        r = check_graph(solve_graph(load_graph(path)))
        assert r.kinks == {} and r.ok and all("kink" not in row for row in r.rows.values())


def test_solve_check_prints_the_kink_in_english_and_chinese(tmp_path):
    f = write(tmp_path, "k.yaml", KINK)
    out = CliRunner().invoke(main, ["solve", str(f), "--check", "--format", "text"])
    assert out.exit_code == 0 and "all agree" in out.output
    assert "grad_x: finite differences not comparable (relu in node r is evaluated at its kink" in out.output
    zh = CliRunner().invoke(main, ["solve", str(f), "--check", "--format", "text", "--lang", "zh"])
    assert zh.exit_code == 0 and "有限差分不可比（节点 r 中的 relu 恰在其不可导点" in zh.output
    data = json.loads(CliRunner().invoke(main, ["solve", str(f), "--check", "--format", "json"]).output)
    assert data["check"]["ok"] is True and "kink" in data["check"]["gradients"]["grad_x"]


# -- 4. grade -----------------------------------------------------------------------------------------

def _class(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    write(folder, "alice.yaml", "q: 4\nf: -16\ngrad_q: -4\ngrad_z: 4\ngrad_x: -4\ngrad_y: -4\n")   # 5 / 6
    write(folder, "bob.md", "$q = 3$, $f = -12$\n$\\frac{\\partial f}{\\partial q} = -4$\n∂f/∂z = q = 3\n"
          "df/dx = -4\ndf/dy = -4\n")                                                               # 6 / 6
    write(folder, "carol.yaml", 'q: 3\nf: "-12"\ngrad_x: "\\\\frac{-8}{2}"\ngrad_z: 3.0\n')          # 4 / 6
    write(folder, "dan.md", "nothing here\n")                                                        # not graded
    write(folder, "erin.tex", "$q = 3$\n$\\frac{\\partial f}{\\partial x} = 4$\n")                 # 1 / 6
    return folder


HAND = {"alice": "5", "bob": "6", "carol": "4", "dan": "0", "erin": "1"}


def _rows(book: str) -> dict:
    return {r["student"]: r for r in csv.DictReader(io.StringIO(book))}


@pytest.mark.slow
def test_grade_of_a_graph_class_every_output(tmp_path):
    folder = _class(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(main, ["grade", str(CIRCUIT), str(folder), "-o", str(out / "book.csv"),
                                       "--summary", str(out / "summary.md"), "--gradescope", str(out / "gs"),
                                       "--feedback", str(out / "fb"), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    rows = _rows((out / "book.csv").read_text(encoding="utf-8"))
    assert {s: r["total"] for s, r in rows.items()} == HAND
    assert {r["max"] for r in rows.values()} == {"6"}
    assert rows["alice"]["q"] == "0" and rows["alice"]["f"] == "1"          # f follows through from q = 4
    assert "no equation names a quantity of this graph" in rows["dan"]["note"]
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# Class summary: 5 submissions, 4 graded")
    # f: answered by alice (follow-through), bob and carol (right); erin left it out
    assert "| main | f | 3 | 2 | 1 | 0 | 0 | 1 |" in summary
    gs = json.loads((out / "gs" / "alice.json").read_text(encoding="utf-8"))
    assert gs["score"] == 5.0 and any("follows from your q" in t["output"] for t in gs["tests"])
    assert (out / "fb" / "erin.md").exists() and (out / "fb" / "erin.html").exists()


def test_grade_of_a_graph_refuses_a_part_in_one_line(tmp_path):
    folder = _class(tmp_path)
    result = CliRunner().invoke(main, ["grade", str(CIRCUIT), str(folder), "-o", str(tmp_path / "b.csv"),
                                       "--part", "relu"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert not (tmp_path / "b.csv").exists()


def _alone(problem, path) -> tuple:
    try:
        reports, problems = check_submission(problem, path)
    except SymbackpropError as exc:                   # the row's note names the file by its own name
        return ("unreadable", str(exc).replace(str(path), path.name))
    return tuple((v.qid, v.status, v.credit, v.message) for v in reports[0].verdicts), reports[0].score, tuple(problems)


@pytest.mark.slow
@pytest.mark.parametrize("jobs, method", [(1, None), (2, None), (2, "spawn")])
def test_grading_a_graph_class_is_checking_each_file_alone_in_any_order(tmp_path, jobs, method):
    """Fairness, as tests/test_fairness.py for networks: a student's row is their file checked alone,
    whatever the order of the class, the number of workers and the start method (macOS, Windows: spawn)."""
    folder = _class(tmp_path)
    prob = load_graph(CIRCUIT)
    submissions = scan_class(folder).submissions
    alone = {s: _alone(CIRCUIT, p) for s, p in submissions}
    for seed in (1, 2):
        order = list(submissions)
        random.Random(seed).shuffle(order)
        context = multiprocessing.get_context(method) if method else None
        graded = grade_all(prob, Rubric(), order, jobs=jobs, context=context)
        for r in graded:
            if r.status != "graded":
                assert (r.status, r.error) == alone[r.student]
                continue
            got = (tuple((v.qid, v.status, v.credit, v.message) for v in r.reports[0].verdicts), r.reports[0].score,
                   tuple(r.problems))
            assert got == alone[r.student]
            assert r.max_score == 6
    book = gradebook_csv(class_results(graded, scan_class(folder).unread))
    assert {s: r["total"] for s, r in _rows(book).items()} == HAND
    assert gradescope_results(next(r for r in graded if r.student == "bob"))["score"] == 6.0


def test_one_checker_for_many_files_judges_each_as_alone(circuit, tmp_path):
    """The grading worker keeps one GraphChecker for every submission: nothing of one student's (their
    own values for follow-through) reaches the next."""
    a = write(tmp_path, "a.yaml", "q: 4\nf: -16\n")
    b = write(tmp_path, "b.yaml", "q: 3\nf: -16\n")
    checker = GraphChecker(circuit)
    try:
        first = by_id(checker.check_file(a)[0][0])
        second = by_id(checker.check_file(b)[0][0])
    finally:
        checker.close()
    assert first["f"].status == "follow_through"
    assert second["f"].status == "wrong"                # b's q is right: −16 follows from nothing of b's
    assert second == by_id(check(circuit, b)[0])


def test_matrix_rewriting_is_bounded_per_line():
    one = "\\begin{bmatrix} 1 & 2 \\end{bmatrix}"
    assert matrices_as_lists(one) == "[[1, 2]]"
    hostile = "\\begin{bmatrix}" * 300                        # no end: left as written, one search each
    assert matrices_as_lists(hostile) == hostile
    many = matrices_as_lists(" ".join([one] * 100))
    assert many.count("[[1, 2]]") == 64 and many.count("\\begin{bmatrix}") == 36     # MAX_MATRICES
    names = GraphNames(solve_graph(load_graph(CIRCUIT)), {"q"})
    assert names.qid("q" + " " * 300) is None                 # a left side past MAX_NAME_CHARS names nothing


def test_a_graph_submission_has_the_computing_time_budget_of_a_network(circuit, tmp_path, monkeypatch):
    """meter.py's budget holds for a graph's answers too: with none left, the file is over the limit
    (grade's row: over_limit), named, never graded in part."""
    import symbackprop.answers.graph_answers as ga
    from symbackprop.answers.meter import Meter, OverLimit
    monkeypatch.setattr(ga, "Meter", lambda parser: Meter(parser, 0.0))
    f = write(tmp_path, "a.yaml", "q: 3\n")
    with pytest.raises(OverLimit, match="a.yaml"):
        check_graph_answers(circuit, f)


def test_a_rule_on_one_line_and_its_value_on_a_later_one_is_the_value(circuit, tmp_path):
    v = by_id(check(circuit, write(tmp_path, "w.md", "$q = x + y$\n\n$q = 3$\n$f = q z$\n"))[0])
    assert v["q"].status == "correct" and v["q"].line == 3
    assert v["f"].diagnosis == "no_value"                       # a rule with no value after it earns nothing


@pytest.mark.slow
def test_a_rubric_item_of_no_graph_quantity_stops_grade_in_one_line(tmp_path):
    folder = _class(tmp_path)
    rubric = write(tmp_path, "rubric.yaml", "items: {qq: 2}\n")
    result = CliRunner().invoke(main, ["grade", str(CIRCUIT), str(folder), "-o", str(tmp_path / "b.csv"),
                                       "--rubric", str(rubric), "--jobs", "1"])
    assert result.exit_code == 2 and "'qq' is not a quantity of this problem" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "b.csv").exists()
