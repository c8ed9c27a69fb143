"""Issue 9, files: a class folder is read only where it belongs, every entry is accounted for, one student
is one entry, outputs never replace an input, and the gradebook and summary are safe to open."""
import csv
import errno
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PROBLEMS, rows_of, snapshot

from symbackprop import classfolder
from symbackprop.classfolder import scan_class
from symbackprop.cli import main
from symbackprop.grade import find_submissions, md_text, safe_cell

XOR = PROBLEMS / "xor.yaml"
RIGHT = "relu: {u_3: 4, u_5: 4}\n"                  # two items right: 2 points
WRONG = "relu: {u_3: 5}\n"
SECRET = "TOPSECRET-4711"
# valid answers: were it followed, its text would come back as "given …" in the summary and Gradescope
SECRET_TEXT = f"relu: {{u_3: '{SECRET} root:x:0:0', u_5: '{SECRET}'}}\n"


def grade(*args, jobs=1):
    return CliRunner().invoke(main, ["grade", str(XOR), *map(str, args), "--jobs", str(jobs)])


def link(target, at: Path) -> None:
    try:
        os.symlink(target, at)
    except (OSError, NotImplementedError):               # Windows without the privilege
        pytest.skip("symbolic links are not available here")


def all_outputs(tmp_path: Path, result) -> str:
    """The CSV, the summary, the Gradescope files and the console, as one text."""
    texts = [result.output]
    for p in tmp_path.rglob("*"):
        if p.is_file() and p.suffix in (".csv", ".md", ".json") and "subs" not in p.parts:
            texts.append(p.read_text(encoding="utf-8"))
    return "\n".join(texts)


# -- 1. links never disclose a file from outside the folder ------------------------------------------
@pytest.fixture()
def linked(tmp_path):
    (tmp_path / "secret.yaml").write_text(SECRET_TEXT)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "answers.yaml").write_text(SECRET_TEXT)
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.yaml").write_text(RIGHT)
    link(tmp_path / "secret.yaml", subs / "eve.yaml")                      # a file outside
    (subs / "frank").mkdir()
    link(os.path.join("..", "..", "secret.yaml"), subs / "frank" / "answers.yaml")   # from a sub-folder
    link(outside, subs / "gina")                                          # a sub-folder that is a link
    link("alice.yaml", subs / "henry.yaml")                               # inside: followed
    (subs / "ivan").mkdir()
    link(os.path.join("..", "alice.yaml"), subs / "ivan" / "work.yaml")   # inside, from a sub-folder
    return subs


@pytest.mark.slow
def test_links_out_of_the_folder_are_reported_without_content(linked, tmp_path):
    before = snapshot(tmp_path)
    book, summary, gs = tmp_path / "book.csv", tmp_path / "summary.md", tmp_path / "gs"
    result = grade(linked, "-o", book, "--summary", summary, "--gradescope", gs)
    assert result.exit_code == 0, result.output
    rows = rows_of(book)
    for student in ("eve", "frank", "gina"):
        assert rows[student]["total"] == "0", rows[student]
        assert "outside the submissions folder" in rows[student]["note"]
        assert json.loads((gs / f"{student}.json").read_text())["score"] == 0
    # links that stay inside the folder are followed
    assert rows["alice"]["total"] == rows["henry"]["total"] == rows["ivan"]["total"] == "2"
    assert SECRET not in all_outputs(tmp_path, result)
    assert "root:x" not in all_outputs(tmp_path, result)
    after = snapshot(tmp_path)
    assert {k: after[k] for k in before} == before                       # every input as it was


def test_the_reader_is_given_the_vetted_path_with_no_link_inside_the_folder(linked):
    subs = dict(find_submissions(linked))
    assert set(subs) == {"alice", "henry", "ivan"}
    for student, path in subs.items():
        rel = Path(path).relative_to(linked)
        for i in range(1, len(rel.parts) + 1):              # no step inside the folder is a link
            assert not (linked.joinpath(*rel.parts[:i])).is_symlink(), (student, path)
    assert subs["henry"] == linked / "alice.yaml" and subs["ivan"] == linked / "alice.yaml"


@pytest.mark.slow
def test_a_link_to_a_device_or_fifo_is_never_opened(tmp_path):
    """Run as a separate process with a hard timeout: opening the FIFO would block for ever."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.yaml").write_text(RIGHT)
    os.mkfifo(subs / "pipe.yaml")
    os.mkfifo(tmp_path / "outer_pipe")
    link(tmp_path / "outer_pipe", subs / "piper.yaml")
    link("pipe.yaml", subs / "pipelink.yaml")
    (subs / "paul").mkdir()
    os.mkfifo(subs / "paul" / "answers.yaml")
    if os.path.exists("/dev/zero"):
        link("/dev/zero", subs / "zero.yaml")
    book = tmp_path / "book.csv"
    proc = subprocess.run([sys.executable, "-m", "symbackprop.cli", "grade", str(XOR), str(subs), "-o", str(book),
                           "--jobs", "1"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rows = rows_of(book)
    assert rows["alice"]["total"] == "2"
    assert "FIFO" in rows["pipe"]["note"] and "FIFO" in rows["pipelink"]["note"] and "FIFO" in rows["paul"]["note"]
    assert "outside the submissions folder" in rows["piper"]["note"]
    if (subs / "zero.yaml").is_symlink():
        assert "outside the submissions folder" in rows["zero"]["note"]
    assert "Traceback" not in proc.stderr


# -- 2. outputs never replace an input -------------------------------------------------------------
@pytest.fixture()
def setup(tmp_path):
    problem = tmp_path / "problem.yaml"
    problem.write_bytes(XOR.read_bytes())
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text("points: 2\n")
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "s1.yaml").write_text(RIGHT)
    (subs / "carol.yaml").write_text(WRONG)
    (subs / "dan").mkdir()
    (subs / "dan" / "answers.yaml").write_text(RIGHT)
    return tmp_path, problem, rubric, subs


def _refused(result, tmp_path, before, *words):
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    for w in words:
        assert w in result.output, result.output
    assert snapshot(tmp_path) == before                     # nothing written, nothing replaced


GRADE_CLASHES = [
    (lambda t, p, r, s: ["-o", s / "s1.yaml"], ["-o", "s1.yaml"]),
    (lambda t, p, r, s: ["-o", s / "dan" / "answers.yaml"], ["-o"]),
    (lambda t, p, r, s: ["-o", p], ["-o", "PROBLEM_FILE"]),
    (lambda t, p, r, s: ["-o", t / "x" / ".." / "problem.yaml"], ["PROBLEM_FILE"]),       # another spelling
    (lambda t, p, r, s: ["-o", t / "plink.yaml"], ["PROBLEM_FILE"]),                      # a link to it
    (lambda t, p, r, s: ["-o", t / "book.csv", "--rubric", r, "--summary", r], ["--summary", "--rubric"]),
    (lambda t, p, r, s: ["-o", s / "new.csv"], ["inside", "SUBMISSIONS_DIR"]),             # would be a student
    (lambda t, p, r, s: ["-o", s], ["SUBMISSIONS_DIR"]),
    (lambda t, p, r, s: ["-o", t / "b.csv", "--gradescope", s], ["--gradescope", "SUBMISSIONS_DIR"]),
    (lambda t, p, r, s: ["-o", t / "b.csv", "--gradescope", s / "dan"], ["--gradescope"]),
    (lambda t, p, r, s: ["-o", t / "b.csv", "--summary", t / "b.csv"], ["--summary", "same file as -o"]),
    (lambda t, p, r, s: ["-o", t / "gs" / "carol.json", "--gradescope", t / "gs"], ["carol.json", "-o"]),
    (lambda t, p, r, s: ["-o", t / "b.csv", "--summary", t / "gs" / "s1.json", "--gradescope", t / "gs"],
     ["s1.json", "--summary"]),
]


@pytest.mark.parametrize("make, words", GRADE_CLASHES)
def test_grade_refuses_outputs_that_are_inputs_before_any_work(setup, make, words, monkeypatch):
    tmp_path, problem, rubric, subs = setup
    (tmp_path / "x").mkdir()
    (tmp_path / "gs").mkdir()
    args = [str(a) for a in make(tmp_path, problem, rubric, subs)]
    if str(tmp_path / "plink.yaml") in args:
        link(problem, tmp_path / "plink.yaml")
    before = snapshot(tmp_path)

    def no_work(*args, **kwargs):
        raise AssertionError("graded although an output was refused")

    monkeypatch.setattr("symbackprop.grade.grade_all", no_work)
    result = CliRunner().invoke(main, ["grade", str(problem), str(subs), *args])
    _refused(result, tmp_path, before, *words)


def test_grade_refuses_a_problem_or_rubric_inside_the_submissions_folder(setup):
    tmp_path, problem, rubric, subs = setup
    (subs / "key.yaml").write_bytes(rubric.read_bytes())
    before = snapshot(tmp_path)
    result = CliRunner().invoke(main, ["grade", str(problem), str(subs), "--rubric", str(subs / "key.yaml"),
                                       "-o", str(tmp_path / "b.csv")])
    _refused(result, tmp_path, before, "--rubric", "inside SUBMISSIONS_DIR")


def test_outputs_differing_only_in_case_are_one_file_on_macos_and_windows(setup):
    tmp_path, problem, rubric, subs = setup
    before = snapshot(tmp_path)
    result = CliRunner().invoke(main, ["grade", str(problem), str(subs), "-o", str(tmp_path / "Book.csv"),
                                       "--summary", str(tmp_path / "book.CSV")])
    _refused(result, tmp_path, before, "same file")


@pytest.mark.parametrize("which", ["problem", "answers", "rubric", "answers-link"])
def test_check_refuses_to_write_over_its_inputs(setup, which):
    tmp_path, problem, rubric, subs = setup
    answers = subs / "s1.yaml"
    if which == "answers-link":
        link(answers, tmp_path / "alias.yaml")
    target = {"problem": problem, "answers": answers, "rubric": rubric, "answers-link": tmp_path / "alias.yaml"}[which]
    before = snapshot(tmp_path)
    result = CliRunner().invoke(main, ["check", str(problem), str(answers), "--rubric", str(rubric),
                                       "-o", str(target), "--format", "json"])
    _refused(result, tmp_path, before, "-o", "is the input")


@pytest.mark.parametrize("command", ["solve", "derive"])
def test_solve_and_derive_refuse_to_write_over_the_problem(setup, command):
    tmp_path, problem, rubric, subs = setup
    targets = [problem, tmp_path / "same" / ".." / "problem.yaml"]
    (tmp_path / "same").mkdir()
    if hasattr(os, "symlink"):
        try:
            os.symlink(problem, tmp_path / "plink.txt")
            targets.append(tmp_path / "plink.txt")
        except OSError:                                           # Windows without the privilege
            pass
    before = snapshot(tmp_path)
    for target in targets:
        result = CliRunner().invoke(main, [command, str(problem), "-o", str(target), "--format", "text"])
        _refused(result, tmp_path, before, "PROBLEM_FILE")


@pytest.mark.slow
def test_a_fine_run_writes_its_outputs_and_leaves_the_inputs(setup):
    tmp_path, problem, rubric, subs = setup
    before = snapshot(subs)
    gs = tmp_path / "out" / "gs"
    (tmp_path / "out").mkdir()
    result = CliRunner().invoke(main, ["grade", str(problem), str(subs), "-o", str(tmp_path / "out" / "book.csv"),
                                       "--summary", str(tmp_path / "out" / "summary.md"), "--gradescope", str(gs),
                                       "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert rows_of(tmp_path / "out" / "book.csv")["s1"]["total"] == "2"
    assert sorted(p.name for p in gs.iterdir()) == ["carol.json", "dan.json", "s1.json"]
    assert snapshot(subs) == before


# -- 3. one student is one entry -----------------------------------------------------------------------
@pytest.mark.slow
def test_two_entries_with_one_name_are_reported_never_merged(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.yaml").write_text(RIGHT)
    (subs / "alice.json").write_text(json.dumps({"relu": {"u_3": 5}}))
    (subs / "bob").mkdir()
    (subs / "bob" / "answers.yaml").write_text(RIGHT)
    (subs / "bob.yaml").write_text(RIGHT)
    (subs / "Carol.yaml").write_text(RIGHT)
    (subs / "carol.md").write_text("relu\n\nu_3 = 4\n")
    (subs / unicodedata.normalize("NFC", "zoé.yaml")).write_text(RIGHT)        # one name on macOS
    (subs / unicodedata.normalize("NFD", "zoé.json")).write_text(RIGHT)
    (subs / "dan").mkdir()
    (subs / "dan" / "a.yaml").write_text(RIGHT)
    (subs / "dan" / "b.md").write_text("relu\n\nu_3 = 4\n")
    (subs / "erin.yaml").write_text(RIGHT)
    book, gs = tmp_path / "book.csv", tmp_path / "gs"
    result = grade(subs, "-o", book, "--gradescope", gs)
    assert result.exit_code == 0, result.output
    rows = rows_of(book)
    assert rows["erin"]["total"] == "2"
    clashes = {"alice": ("alice.json", "alice.yaml"), "bob": ("bob", "bob.yaml"), "Carol": ("Carol.yaml", "carol.md")}
    for student, entries in clashes.items():
        assert rows[student]["total"] == "0" and all(e in rows[student]["note"] for e in entries), rows[student]
    zoe = [s for s in rows if unicodedata.normalize("NFC", s) == unicodedata.normalize("NFC", "zoé")]
    assert len(zoe) == 1 and rows[zoe[0]]["total"] == "0" and "2 entries" in rows[zoe[0]]["note"]
    assert "carol" not in rows                                     # one row per student, not per spelling
    assert rows["dan"]["total"] == "0" and "a.yaml" in rows["dan"]["note"] and "b.md" in rows["dan"]["note"]
    # one Gradescope file per student, so no two names collide on a case-insensitive disk
    names = [p.name for p in gs.iterdir()]
    assert len({n.casefold() for n in names}) == len(names) == 6


# -- 4. every entry is graded or listed with the reason ----------------------------------------------
@pytest.mark.slow
def test_every_entry_of_the_folder_is_graded_or_listed(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.yaml").write_text(RIGHT)
    (subs / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (subs / ".hidden.yaml").write_text(RIGHT)
    (subs / "__MACOSX").mkdir()
    (subs / "carol.pdf").write_bytes(b"%PDF-1.4")
    (subs / "empty").mkdir()
    (subs / "pdfonly").mkdir()
    (subs / "pdfonly" / "work.pdf").write_bytes(b"%PDF")
    link(".", subs / "selfdir")
    link("..", subs / "up")
    link("nowhere.yaml", subs / "dangling.yaml")
    link("loop_b.yaml", subs / "loop_a.yaml")
    link("loop_a.yaml", subs / "loop_b.yaml")
    link("gone", subs / "ghost")
    book, summary = tmp_path / "book.csv", tmp_path / "summary.md"
    result = grade(subs, "-o", book, "--summary", summary)
    assert result.exit_code == 0, result.output
    rows = rows_of(book)
    text = summary.read_text(encoding="utf-8")
    assert rows["alice"]["total"] == "2"
    for entry in os.listdir(subs):
        if entry == "alice.yaml":                                            # graded: its row has points
            continue
        mentioned = [r for r in rows.values() if entry in r["note"]]       # not graded: the reason names it
        assert mentioned, f"{entry} is in no row"
        assert md_text(entry) in text, f"{entry} is not in the summary"
    skipped = {s for s, r in rows.items() if r["note"].startswith("skipped: ")}
    assert skipped == {".DS_Store", ".hidden.yaml", "__MACOSX", "carol.pdf", "selfdir", "up", "ghost"}
    for s in skipped:
        assert rows[s]["total"] == "" and rows[s]["max"] == ""
    # these are students, not graded, with 0 points and the reason
    reasons = {"empty": "empty", "pdfonly": "no answers file", "dangling": "link to nothing",
               "loop_a": "loops", "loop_b": "loops"}
    for student, words in reasons.items():
        assert rows[student]["total"] == "0" and words in rows[student]["note"], rows[student]
    assert "selfdir" not in [r for r in rows if not rows[r]["note"].startswith("skipped")]   # no phantom student
    assert "Skipped (not submissions):" in text and "Not graded:" in text


def _deny(monkeypatch, denied: Path, function: str):
    """Make os.<function> raise PermissionError for one path only: what chmod 000 does to a non-root user."""
    real = getattr(os, function)

    def guarded(path, *args, **kwargs):
        if os.fspath(path) != "." and Path(os.fspath(path)).resolve() == denied.resolve():
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, function, guarded)


@pytest.mark.slow
def test_an_unreadable_sub_folder_or_file_is_a_row_not_a_crash(tmp_path, monkeypatch):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.yaml").write_text(RIGHT)
    (subs / "locked").mkdir()
    (subs / "locked" / "answers.yaml").write_text(RIGHT)
    (subs / "shut.yaml").write_text(RIGHT)
    _deny(monkeypatch, subs / "locked", "scandir")
    _deny(monkeypatch, subs / "shut.yaml", "open")
    book = tmp_path / "book.csv"
    result = grade(subs, "-o", book)
    assert result.exit_code == 0, result.output
    rows = rows_of(book)
    assert rows["alice"]["total"] == "2"
    assert rows["locked"]["total"] == "0" and "permission denied" in rows["locked"]["note"]
    assert rows["shut"]["total"] == "0" and "permission denied" in rows["shut"]["note"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads chmod-000 files")
def test_chmod_000_for_real(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.yaml").write_text(RIGHT)
    (subs / "locked").mkdir()
    (subs / "locked" / "answers.yaml").write_text(RIGHT)
    (subs / "shut.yaml").write_text(RIGHT)
    os.chmod(subs / "locked", 0)
    os.chmod(subs / "shut.yaml", 0)
    try:
        book = tmp_path / "book.csv"
        result = grade(subs, "-o", book)
        assert result.exit_code == 0, result.output
        rows = rows_of(book)
        assert "permission denied" in rows["locked"]["note"] and "permission denied" in rows["shut"]["note"]
    finally:
        os.chmod(subs / "locked", 0o755)
        os.chmod(subs / "shut.yaml", 0o644)


def test_an_unreadable_class_folder_is_one_line(tmp_path, monkeypatch):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.yaml").write_text(RIGHT)
    _deny(monkeypatch, subs, "scandir")
    result = grade(subs, "-o", tmp_path / "book.csv")
    assert result.exit_code == 2 and "permission denied" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_the_work_of_reading_a_folder_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(classfolder, "MAX_FOLDER_ENTRIES", 3)
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.yaml").write_text(RIGHT)
    (subs / "big").mkdir()
    for i in range(10):
        (subs / "big" / f"f{i}.txt.bak").write_text("x")
    scan = scan_class(subs)
    assert [s for s, _ in scan.submissions] == ["alice"]
    assert any("more than 3 entries" in u.reason for u in scan.unread if u.name == "big")
    monkeypatch.setattr(classfolder, "MAX_ENTRIES", 1)
    result = grade(subs, "-o", tmp_path / "book.csv")
    assert result.exit_code == 2 and "more than 1 entries" in result.output


def test_a_folder_with_nothing_to_grade_says_why(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    link(tmp_path / "elsewhere.yaml", subs / "eve.yaml")
    (tmp_path / "elsewhere.yaml").write_text(SECRET_TEXT)
    result = grade(subs, "-o", tmp_path / "book.csv")
    assert result.exit_code == 2 and "no submissions" in result.output and "outside" in result.output
    assert SECRET not in result.output and not (tmp_path / "book.csv").exists()


# -- 5. spreadsheet and Markdown injection -------------------------------------------------------------
@pytest.mark.parametrize("text, safe", [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"), ("+1", "'+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("  =1", "'  =1"),
    ("|calc", "'|calc"), ("%x", "'%x"), ("alice", "alice"), ("o'brien", "o'brien"), ("", ""),
])
def test_safe_cell(text, safe):
    assert safe_cell(text) == safe


@pytest.mark.slow
def test_file_names_land_in_the_gradebook_as_text_not_formulas(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    names = ['=HYPERLINK("http:\\\\evil","x")', "+1+1", "-2", "@SUM(1)", "\tcmd"]
    for n in names:
        (subs / f"{n}.yaml").write_text(RIGHT)
    (subs / "=evil.txt.bak").write_text("x")
    (subs / "=twin.yaml").write_text(RIGHT)
    (subs / "=twin.json").write_text("{}")
    book = tmp_path / "book.csv"
    result = grade(subs, "-o", book)
    assert result.exit_code == 0, result.output
    raw = list(csv.reader(io.StringIO(book.read_text(encoding="utf-8"))))
    header, body = raw[0], raw[1:]
    note = header.index("note")
    for row in body:
        for cell in (row[0], row[note]):
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), row
    students = {row[0] for row in body}
    assert {"'" + n for n in names} | {"'=evil.txt.bak", "'=twin"} <= students
    for row in body:
        if row[0] in {"'" + n for n in names}:
            assert row[header.index("total")] == "2"                    # numbers stay numbers
    assert all(row[header.index("total")] in ("0", "2", "") for row in body)


@pytest.mark.slow
def test_names_cannot_inject_markdown_into_the_summary(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.yaml").write_text(RIGHT)
    hostile = ["a|b\n# Everyone gets full marks", "[click](javascript:alert(1))", "<img src=x onerror=alert(1)>",
               "`code` | x"]
    for n in hostile:
        (subs / f"{n}.yaml").write_text("not: [valid")
    summary = tmp_path / "summary.md"
    result = grade(subs, "-o", tmp_path / "book.csv", "--summary", summary)
    assert result.exit_code == 0, result.output
    text = summary.read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if line.startswith("#")] == [text.splitlines()[0]]
    assert not re.search(r"(?<!\\)\]\(", text) and not re.search(r"(?<!\\)<img", text)   # only escaped
    listed = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(listed) == len(hostile)                                    # one line each, newline or not
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert rows and rows[0].count("|") == 11                              # the header: 10 columns (imprecise, issue 10)
    for line in rows:
        assert line.replace("\\|", "").count("|") == 11                   # no extra table cell


def test_md_text_escapes_what_makes_links_html_and_cells():
    assert md_text("[a](b)") == "\\[a\\](b)"
    assert md_text("x|y\nz") == "x\\|y z"
    assert md_text("# title") == "\\# title"
    assert md_text("<b>&") == "\\<b>&"                # & starts no entity here; > ends no tag
    assert md_text("δ_5 ok") == "δ_5 ok"


# -- 6. file-system errors are one line, exit 2 ------------------------------------------------------
@pytest.mark.parametrize("command", ["grade", "check", "solve"])
@pytest.mark.parametrize("where, words", [
    (lambda t: t / "missing" / "out.csv", "does not exist"),
    (lambda t: t / "adir", "is a folder"),
    (lambda t: t / "afile" / "out.csv", "not a folder"),
])
def test_unwritable_outputs_are_one_line_before_any_work(tmp_path, command, where, words, monkeypatch):
    (tmp_path / "adir").mkdir()
    (tmp_path / "afile").write_text("x")
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.yaml").write_text(RIGHT)

    def no_work(*args, **kwargs):
        raise AssertionError("worked although the output cannot be written")

    monkeypatch.setattr("symbackprop.problem.load_problem", no_work)
    monkeypatch.setattr("symbackprop.solution.solve", no_work)
    before = snapshot(tmp_path)
    out = str(where(tmp_path))
    args = {"grade": ["grade", str(XOR), str(subs), "-o", out], "check": ["check", str(XOR), str(subs / "alice.yaml"),
            "-o", out, "--format", "json"], "solve": ["solve", str(XOR), "-o", out, "--format", "text"]}[command]
    result = CliRunner().invoke(main, args)
    _refused(result, tmp_path, before, "cannot write", words)


def test_a_folder_without_write_permission_is_refused_up_front(tmp_path, monkeypatch):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.yaml").write_text(RIGHT)
    ro = tmp_path / "ro"
    ro.mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == ro else real(p, mode, **kw))
    before = snapshot(tmp_path)
    result = grade(subs, "-o", ro / "book.csv")
    _refused(result, tmp_path, before, "cannot write", "permission")
    result = grade(subs, "-o", tmp_path / "b.csv", "--gradescope", ro / "gs")
    _refused(result, tmp_path, before, "--gradescope", "permission")


@pytest.mark.slow
def test_a_write_that_fails_late_is_one_line_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    import tempfile
    real = tempfile.mkstemp

    def full_disk(*args, **kwargs):
        fd, name = real(*args, **kwargs)
        os.close(fd)
        r, w = os.pipe()                  # a descriptor whose write fails like a full disk: closed for writing
        os.close(r)
        os.close(w)
        return os.open(name, os.O_RDONLY), name

    monkeypatch.setattr(tempfile, "mkstemp", full_disk)
    result = CliRunner().invoke(main, ["solve", str(XOR), "-o", str(tmp_path / "x.txt")])
    assert result.exit_code == 2 and "cannot write" in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_gradescope_path_that_is_a_file_is_refused(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.yaml").write_text(RIGHT)
    (tmp_path / "gs").write_text("x")
    before = snapshot(tmp_path)
    result = grade(subs, "-o", tmp_path / "b.csv", "--gradescope", tmp_path / "gs")
    _refused(result, tmp_path, before, "--gradescope", "not a folder")


@pytest.mark.slow
def test_a_hard_link_is_not_read(tmp_path):
    """A hard link to a file outside (an archive unpacked as root can make one) cannot be told apart from
    the original, so no file with a second name is read."""
    (tmp_path / "secret.yaml").write_text(SECRET_TEXT)
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.yaml").write_text(RIGHT)
    try:
        os.link(tmp_path / "secret.yaml", subs / "eve.yaml")
    except (OSError, NotImplementedError):
        pytest.skip("no hard links here")
    book, gs = tmp_path / "book.csv", tmp_path / "gs"
    result = grade(subs, "-o", book, "--gradescope", gs)
    assert result.exit_code == 0, result.output
    rows = rows_of(book)
    assert rows["eve"]["total"] == "0" and "hard link" in rows["eve"]["note"]
    assert SECRET not in all_outputs(tmp_path, result)
