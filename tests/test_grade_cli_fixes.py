"""`symbackprop grade` as a teacher found it (issue 10): every output proved writable before any grading,
a summary that tells follow-through apart from right, and a `max` on every row of the gradebook."""
import os
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, PROBLEMS, rows_of, snapshot

from symbackprop.cli import main

XOR = PROBLEMS / "xor.yaml"
RIGHT = "relu: {u_3: 4, delta_5: 3}\n"
LINUX_PROC = sys.platform.startswith("linux") and os.path.isdir("/proc/self")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture()
def subs(tmp_path):
    d = tmp_path / "subs"
    d.mkdir()
    (d / "alice.yaml").write_text(RIGHT)
    (d / "bob.yaml").write_text("relu: {u_3: 5}\n")
    return d


def no_grading(monkeypatch):
    def graded(*args, **kwargs):
        raise AssertionError("graded although an output cannot be written")
    monkeypatch.setattr("symbackprop.grade.grade_all", graded)


def refused(result, root: Path, before, *words):
    """Exit 2, one line naming the option, no traceback, no grading, nothing written under root."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "grading" not in result.output, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    for w in words:
        assert w in lines[0], result.output
    assert snapshot(root) == before


# -- 1. every output is proved writable before any work -------------------------------------------------
@pytest.mark.skipif(not LINUX_PROC, reason="needs Linux's /proc, where no file can be made")
@pytest.mark.parametrize("option, where", [
    ("--feedback", "/proc/symbackprop-x"),               # the teacher's case: refused only after grading
    ("--gradescope", "/proc/symbackprop-x"),
    ("--feedback", "/proc/self/symbackprop-x/y"),
    ("--summary", "/proc/symbackprop-summary.md"),
    ("-o", "/proc/symbackprop-book.csv"),
])
def test_an_output_that_cannot_be_made_under_proc_is_refused_before_grading(subs, tmp_path, monkeypatch,
                                                                            option, where):
    # as root, os.access says /proc is writable; only making a file there tells
    no_grading(monkeypatch)
    before = snapshot(tmp_path)
    args = ["-o", tmp_path / "gb2.csv", option, where] if option != "-o" else [option, where]
    result = run("grade", XOR, subs, *args)
    refused(result, tmp_path, before, option, where, "cannot")
    assert not os.path.exists(where)


@pytest.mark.skipif(not LINUX_PROC, reason="needs Linux's /proc, where no file can be made")
def test_the_teachers_run_writes_no_gradebook_and_grades_nothing(subs, tmp_path):
    """Unpatched, end to end: `grade … --feedback /proc/x -o gb2.csv` used to grade, then fail and keep gb2.csv."""
    before = snapshot(tmp_path)
    result = run("grade", XOR, subs, "--feedback", "/proc/x", "-o", tmp_path / "gb2.csv", "--jobs", "1")
    refused(result, tmp_path, before, "--feedback /proc/x", "cannot")
    assert not (tmp_path / "gb2.csv").exists()


def _unwritable(monkeypatch, folder: Path):
    """`folder` refuses new files although its permission bits allow them (a read-only mount, root)."""
    real = tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        if Path(kwargs.get("dir") or ".").resolve() == folder.resolve():
            raise OSError(30, "Read-only file system")
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


@pytest.mark.parametrize("option", ["-o", "--summary", "--gradescope", "--feedback"])
def test_an_existing_folder_that_refuses_files_is_found_before_grading(subs, tmp_path, monkeypatch, option):
    ro = tmp_path / "ro"
    ro.mkdir()
    target = {"-o": ro / "book.csv", "--summary": ro / "summary.md", "--gradescope": ro,
              "--feedback": ro}[option]
    _unwritable(monkeypatch, ro)
    no_grading(monkeypatch)
    before = snapshot(tmp_path)
    args = [option, target] if option == "-o" else ["-o", tmp_path / "book.csv", option, target]
    result = run("grade", XOR, subs, *args)
    refused(result, tmp_path, before, option, "cannot write", "Read-only file system")


def test_a_new_folder_that_cannot_be_made_is_found_before_grading(subs, tmp_path, monkeypatch):
    real = Path.mkdir
    blocked = tmp_path / "out"

    def mkdir(self, *args, **kwargs):
        if Path(self).resolve() == blocked.resolve() or blocked.resolve() in Path(self).resolve().parents:
            raise PermissionError(13, "Permission denied")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    no_grading(monkeypatch)
    before = snapshot(tmp_path)
    result = run("grade", XOR, subs, "-o", tmp_path / "book.csv", "--feedback", blocked / "fb")
    refused(result, tmp_path, before, "--feedback", "cannot make this folder", "Permission denied")


@pytest.mark.skipif(not LINUX_PROC, reason="needs Linux's /proc, where no file can be made")
def test_the_folders_a_check_made_are_removed_when_another_output_is_refused(subs, tmp_path, monkeypatch):
    no_grading(monkeypatch)
    before = snapshot(tmp_path)
    result = run("grade", XOR, subs, "-o", tmp_path / "book.csv", "--gradescope", tmp_path / "new" / "deep" / "gs",
                 "--feedback", "/proc/x")
    refused(result, tmp_path, before, "--feedback")
    assert not (tmp_path / "new").exists()                     # proved makeable, then removed: nothing written


def test_a_student_file_where_a_folder_stands_is_refused_before_grading(subs, tmp_path, monkeypatch):
    for option, name in (("--feedback", "alice.md"), ("--gradescope", "bob.json")):
        out = tmp_path / option.strip("-")
        (out / name).mkdir(parents=True)
        no_grading(monkeypatch)
        before = snapshot(tmp_path)
        result = run("grade", XOR, subs, "-o", tmp_path / "book.csv", option, out)
        refused(result, tmp_path, before, option, name, "folder")


@pytest.mark.slow
def test_a_folder_that_vanishes_during_grading_still_leaves_no_gradebook(subs, tmp_path, monkeypatch):
    """Proved makeable before grading, but a file took its place meanwhile: exit 2 and nothing written,
    since the folders are made before the gradebook is written."""
    import symbackprop.grade as grade
    real = grade.grade_all
    fb = tmp_path / "fb"

    def grade_then_block(*args, **kwargs):
        out = real(*args, **kwargs)
        fb.write_text("not a folder")
        return out

    monkeypatch.setattr(grade, "grade_all", grade_then_block)
    result = run("grade", XOR, subs, "-o", tmp_path / "book.csv", "--summary", tmp_path / "s.md",
                 "--feedback", fb, "--jobs", "1")
    assert result.exit_code == 2, result.output
    assert "--feedback" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "book.csv").exists() and not (tmp_path / "s.md").exists()


@pytest.mark.slow
def test_a_run_that_can_write_everything_makes_its_folders(subs, tmp_path):
    fb, gs = tmp_path / "a" / "b" / "fb", tmp_path / "c" / "gs"
    result = run("grade", XOR, subs, "-o", tmp_path / "book.csv", "--feedback", fb, "--gradescope", gs, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in fb.iterdir()) == ["alice.html", "alice.md", "bob.html", "bob.md"]
    assert sorted(p.name for p in gs.iterdir()) == ["alice.json", "bob.json"]
    # the checks left no temporary file behind
    assert [p for p in tmp_path.rglob(".*")] == []


@pytest.mark.parametrize("command", ["check", "solve"])
def test_check_and_solve_refuse_an_unwritable_output_before_any_work(subs, tmp_path, monkeypatch, command):
    ro = tmp_path / "ro"
    ro.mkdir()
    _unwritable(monkeypatch, ro)

    def no_work(*args, **kwargs):
        raise AssertionError("worked although the output cannot be written")

    monkeypatch.setattr("symbackprop.problem.load_problem", no_work)
    monkeypatch.setattr("symbackprop.solution.solve", no_work)
    monkeypatch.setattr("symbackprop.answers.check_submission", no_work)
    before = snapshot(tmp_path)
    args = {"check": ["check", XOR, subs / "alice.yaml", "-o", ro / "r.json"],
            "solve": ["solve", XOR, "-o", ro / "s.txt"]}[command]
    result = run(*args)
    refused(result, tmp_path, before, "-o", "cannot write")


@pytest.mark.skipif(not LINUX_PROC, reason="needs Linux's /proc, where no file can be made")
def test_check_refuses_an_output_under_proc_before_any_work(subs, tmp_path):
    result = run("check", XOR, subs / "alice.yaml", "-o", "/proc/symbackprop-report.txt")
    assert result.exit_code == 2 and "-o /proc/symbackprop-report.txt: cannot write" in result.output
    assert "relu" not in result.output                       # no report was made, let alone printed


# -- 2. the summary: right is right on its own; follow-through has its own column ------------------------
def summary_cells(text: str, part: str) -> dict[str, list[str]]:
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("| part | item |"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    out = {}
    for line in lines:
        if line.startswith(f"| {part} |"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            out[cells[1]] = dict(zip(columns, cells))
    return out


def test_follow_through_is_not_counted_as_right_and_has_its_own_column(tmp_path):
    d = tmp_path / "subs"
    d.mkdir()
    # relu: δ_5 = 3, Δw_35 = −12, δ_3 = 6, δ_4 = 0. δ_5 = 6 (the ½ left out) carries to Δw_35 = −24, δ_3 = 12.
    (d / "s1.yaml").write_text("delta_5: 3\nupdate_w_3_5: -12\ndelta_3: 6\ndelta_4: 0\n")
    (d / "s2.yaml").write_text("delta_5: 6\nupdate_w_3_5: -24\ndelta_3: 12\ndelta_4: 0\n")
    (d / "s3.yaml").write_text("delta_5: 6\nupdate_w_3_5: -24\ndelta_3: 12\n")
    (d / "s4.yaml").write_text("delta_5: 3\nupdate_w_3_5: -13\n")
    book, summary = tmp_path / "book.csv", tmp_path / "summary.md"
    result = run("grade", XOR, d, "--part", "relu", "-o", book, "--summary", summary, "--jobs", "1")
    assert result.exit_code == 0, result.output
    text = summary.read_text(encoding="utf-8")
    cells = summary_cells(text, "relu")
    counts = {item: [row[c] for c in ("answered", "right", "follow-through", "missed", "left out")]
              for item, row in cells.items()}
    assert counts == {"δ_5": ["4", "2", "0", "2", "0"],
                      "Δw_{35}": ["4", "1", "2", "1", "0"],     # −24 twice is follow-through, −13 is missed
                      "δ_3": ["3", "1", "2", "0", "1"],
                      "δ_4": ["2", "2", "0", "0", "2"]}
    # sorted by missed, then follow-through, then left out
    assert list(cells) == ["δ_5", "Δw_{35}", "δ_3", "δ_4"]
    # the wrong answers and diagnoses are those of the misses, not of the follow-through answers
    assert "`-13` ×1" in cells["Δw_{35}"]["commonest wrong answers"]
    assert "-24" not in cells["Δw_{35}"]["commonest wrong answers"]
    assert cells["δ_3"]["commonest wrong answers"] == "" and cells["δ_3"]["commonest diagnoses"] == ""
    assert "`6` ×2" in cells["δ_5"]["commonest wrong answers"]
    # the column's meaning is said above the table
    assert "follow-through:" in text and "missed: answered, neither right nor follow-through" in text
    # the gradebook still credits follow-through in full
    rows = rows_of(book)
    assert rows["s2"]["update_w_3_5"] == "1" and rows["s2"]["delta_3"] == "1" and rows["s2"]["delta_5"] == "0"


@pytest.mark.slow
def test_follow_through_in_the_sigmoid_part_of_a_two_part_class(tmp_path):
    d = tmp_path / "subs"
    d.mkdir()
    # sigmoid: δ_5 = −0.1272; written doubled, Δw_35, δ_3, δ_4 follow from it
    (d / "ann.yaml").write_text("sigmoid:\n  delta_5: -0.2544\n  update_w_3_5: 0.2498\n  delta_4: -0.2544\n"
                                "  delta_3: -0.0090\n")
    (d / "ben.yaml").write_text("sigmoid:\n  delta_5: -0.1272\n  update_w_3_5: 0.1249\n  delta_4: -0.1272\n"
                                "  delta_3: -0.0045\n")
    (d / "cy.yaml").write_text("sigmoid:\n  delta_5: -0.1272\n  update_w_3_5: 0.1249\n  delta_4: 0.5\n")
    result = run("grade", XOR, d, "-o", tmp_path / "book.csv", "--summary", tmp_path / "s.md", "--jobs", "1")
    assert result.exit_code == 0, result.output
    cells = summary_cells((tmp_path / "s.md").read_text(encoding="utf-8"), "sigmoid")
    got = {item: (row["right"], row["follow-through"], row["missed"]) for item, row in cells.items()}
    assert got == {"δ_5": ("2", "0", "1"), "δ_4": ("1", "1", "1"), "Δw_{35}": ("2", "1", "0"),
                   "δ_3": ("1", "1", "0")}
    # one miss each: δ_4 (also a follow-through) before δ_5; no miss, one follow-through each: δ_3 (left out
    # by cy) before Δw_35
    assert list(cells) == ["δ_4", "δ_5", "δ_3", "Δw_{35}"]


# -- 3. a row not graded is out of the problem's points ----------------------------------------------------
@pytest.mark.slow
def test_rows_not_graded_have_the_problems_max(tmp_path):
    d = tmp_path / "subs"
    d.mkdir()
    (d / "alice.yaml").write_bytes((DATA / "answers" / "xor_correct.yaml").read_bytes())
    (d / "eve.yaml").write_bytes(b"\x00\xff\xfe junk")                    # read by a worker: not UTF-8
    (d / "empty").mkdir()                                                # a student's folder with no file
    (d / "dup").mkdir()                                                  # two answers files: neither graded
    (d / "dup" / "a.yaml").write_text(RIGHT)
    (d / "dup" / "b.yaml").write_text(RIGHT)
    (d / "notes.txt.bak").write_text("not a submission")
    book = tmp_path / "book.csv"
    result = run("grade", XOR, d, "-o", book, "--jobs", "1")
    assert result.exit_code == 0, result.output
    rows = rows_of(book)
    assert rows["alice"]["max"] == "80"                                  # 40 items in each of the 2 parts
    for student, words in {"eve": "UTF-8", "empty": "empty", "dup": "a.yaml"}.items():
        assert rows[student]["total"] == "0" and rows[student]["max"] == "80", rows[student]
        assert words in rows[student]["note"], rows[student]
    assert rows["notes.txt.bak"]["max"] == "" and rows["notes.txt.bak"]["total"] == ""    # not a student


def test_rows_not_graded_have_the_rubrics_max_of_the_part_graded(tmp_path):
    d = tmp_path / "subs"
    d.mkdir()
    (d / "only.yaml").write_bytes(b"\x00\xff\xfe junk")
    (d / "twin.yaml").write_text(RIGHT)
    (d / "twin.json").write_text("{}")
    # one submission graded (whose own items the rubric does not list: no report's max comes from them);
    # with none graded at all, nothing is written and grade exits 2 (tests/test_conv12.py)
    (d / "zed.yaml").write_text("relu: {net_3: 4}\n")
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text("items: {act_3: 2, delta_5: 3, loss: 5}\n")
    book = tmp_path / "book.csv"
    result = run("grade", XOR, d, "--part", "relu", "--rubric", rubric, "-o", book, "--jobs", "1")
    assert result.exit_code == 0, result.output
    rows = rows_of(book)
    assert {s: (r["total"], r["max"]) for s, r in rows.items()} == {"only": ("0", "10"), "twin": ("0", "10"),
                                                                   "zed": ("0", "10")}
    assert "twin.json" in rows["twin"]["note"] and "UTF-8" in rows["only"]["note"]
