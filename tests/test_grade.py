"""`symbackprop grade`: a class folder into a gradebook, a summary and Gradescope results."""
import csv
import io
import json

import pytest
from click.testing import CliRunner
from conftest import DATA, PROBLEMS

from symbackprop.answers import Rubric
from symbackprop.cli import main
from symbackprop.grade import find_submissions, grade_all
from symbackprop.problem import load_problem

XOR = PROBLEMS / "xor.yaml"


@pytest.fixture()
def klass(tmp_path):
    d = tmp_path / "subs"
    d.mkdir()
    (d / "alice.yaml").write_bytes((DATA / "answers" / "xor_correct.yaml").read_bytes())
    (d / "bob.md").write_bytes((DATA / "lecture_solution.md").read_bytes())
    (d / "carol.yaml").write_text("relu: {u_3: 4, delta_5: 5, update_w_3_5: -20}\nsigmoid: {u_3: 0.9821}\n")
    (d / "eve.yaml").write_bytes(b"\x00\xff\xfe junk")
    (d / "mallory.json").write_text(json.dumps({"relu": {"u_3": "10^{10^{10}}", "loss": "{" * 5000}}))
    (d / "dave").mkdir()
    (d / "dave" / "answers.yaml").write_text("relu: {u_3: 4}\nsigmoid: {}\n")
    (d / "notes.txt.bak").write_text("ignored")
    return d


def read_csv(path):
    return {row["student"]: row for row in csv.DictReader(io.StringIO(path.read_text()))}


@pytest.mark.slow
def test_a_class_is_graded_into_a_gradebook(klass, tmp_path):
    before = {p: p.read_bytes() for p in klass.rglob("*") if p.is_file()}
    book, summary, gs = tmp_path / "book.csv", tmp_path / "summary.md", tmp_path / "gs"
    result = CliRunner().invoke(main, ["grade", str(XOR), str(klass), "-o", str(book), "--summary", str(summary),
                                       "--gradescope", str(gs), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    rows = read_csv(book)
    assert set(rows) == {"alice", "bob", "carol", "dave", "eve", "mallory", "notes.txt.bak"}
    # an entry that is not a submission is listed as skipped, with no points (issue 9)
    assert rows["notes.txt.bak"]["total"] == "" and rows["notes.txt.bak"]["note"].startswith("skipped: ")
    assert rows["alice"]["relu:delta_5"] == "1" and rows["alice"]["max"] == "80"
    # carol: δ_5 wrong, Δw_35 follows from it (full follow-through credit), u_3 misrounded (half credit)
    assert rows["carol"]["relu:delta_5"] == "0" and rows["carol"]["relu:update_w_3_5"] == "1"
    assert rows["carol"]["sigmoid:act_3"] == "0.5" and rows["carol"]["total"] == "2.5"
    assert "UTF-8" in rows["eve"]["note"] and rows["eve"]["total"] == "0"
    assert rows["mallory"]["total"] == "0"
    assert rows["dave"]["relu:act_3"] == "1"
    # the summary names the commonest wrong answers and diagnoses
    text = summary.read_text()
    assert "| relu | δ_5 |" in text and "`5` ×1" in text
    assert "eve:" in text
    # Gradescope: a test per item, with name, score, max_score, status, output
    data = json.loads((gs / "carol.json").read_text())
    assert data["score"] == 2.5
    t = next(t for t in data["tests"] if t["name"] == "relu: Δw_{35}")
    assert set(t) >= {"name", "score", "max_score", "status", "output"} and t["score"] == 1
    assert "follows from your δ_5" in t["output"]
    assert json.loads((gs / "eve.json").read_text())["score"] == 0
    # grading never changes a submission
    assert {p: p.read_bytes() for p in klass.rglob("*") if p.is_file()} == before


@pytest.mark.slow
def test_parallel_and_serial_grading_agree(klass):
    problem = load_problem(XOR)
    subs = find_submissions(klass)
    one = grade_all(problem, Rubric(), subs, jobs=1)
    two = grade_all(problem, Rubric(), subs, jobs=2)
    assert [(r.student, r.score, r.error) for r in one] == [(r.student, r.score, r.error) for r in two]


def test_an_interrupted_run_leaves_the_previous_gradebook(klass, tmp_path, monkeypatch):
    book = tmp_path / "book.csv"
    book.write_text("student,total\nold,1\n")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("symbackprop.grade.grade_all", interrupted)
    CliRunner().invoke(main, ["grade", str(XOR), str(klass), "-o", str(book)])
    assert book.read_text() == "student,total\nold,1\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".book")] == []


@pytest.mark.parametrize("make, words", [
    (lambda d: None, "no submissions"),
    (lambda d: d.rmdir(), "no such folder"),      # issue 12: a missing folder is said so
])
def test_bad_folders_exit_2(tmp_path, make, words):
    d = tmp_path / "empty"
    d.mkdir()
    make(d)
    result = CliRunner().invoke(main, ["grade", str(XOR), str(d), "-o", str(tmp_path / "b.csv")])
    assert result.exit_code == 2 and words in result.output


@pytest.mark.slow
def test_check_writes_gradescope_results_for_one_student(tmp_path):
    out = tmp_path / "results.json"
    result = CliRunner().invoke(main, ["check", str(XOR), str(DATA / "answers" / "xor_correct.yaml"),
                                       "--format", "gradescope", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    # by hand: the file answers 17 quantities of part relu and 6 of part sigmoid, all right, and the
    # default rubric gives 1 point each; the other quantities of the 40 per part are left out (0 of 1)
    assert data["score"] == 17 + 6
    passed = [t["name"] for t in data["tests"] if t["status"] == "passed"]
    assert passed == ["relu: u_3", "relu: u_4", "relu: u_5", "relu: L", "relu: δ_5", "relu: Δw_{05}",
                      "relu: Δw_{35}", "relu: Δw_{45}", "relu: w_{35}^new", "relu: δ_3", "relu: δ_4",
                      "relu: Δw_{03}", "relu: Δw_{13}", "relu: Δw_{23}", "relu: Δw_{04}", "relu: Δw_{14}",
                      "relu: Δw_{24}", "sigmoid: u_3", "sigmoid: u_4", "sigmoid: u_5", "sigmoid: L",
                      "sigmoid: δ_5", "sigmoid: Δw_{35}"]
    assert len(data["tests"]) == 2 * 40
    for t in data["tests"]:
        assert t["max_score"] == 1
        assert (t["status"], t["score"]) == (("passed", 1) if t["name"] in passed else ("failed", 0)), t
