"""Hostile titles and descriptions, and PDF output that never fails obscurely or clobbers files (issue 9).

Every title is either typeset (checked in the PDF's text when pdftotext is installed) or refused
at load time with one line naming the file, the line and the field. A failed compile keeps its
.tex and log under new names only; the engine never runs with shell escape.
"""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PROBLEMS, QUADRATIC_MODEL

from symbackprop.cli import main
from symbackprop.errors import ProblemError
from symbackprop.problem import parse_problem
from symbackprop.render import pdf
from symbackprop.render.latex import FALLBACK_MACRO, standalone_document, tex_escape
from symbackprop.render.markdown import md_escape

HAVE_TEX = shutil.which("pdflatex") is not None and shutil.which("xelatex") is not None
needs_tex = pytest.mark.skipif(not HAVE_TEX and not os.environ.get("CI"),
                               reason="no TeX engine; .ci/run installs one so CI always compiles")
XOR = (PROBLEMS / "xor.yaml").read_text(encoding="utf-8")
QUADRATIC = QUADRATIC_MODEL.read_text(encoding="utf-8")      # model: quadratic (problems/quadratic.yaml is a graph)
TITLE_LINE = re.compile(r"^title:.*$", re.M)


def with_title(source: str, title_yaml: str) -> str:
    """The problem file with its `title:` line replaced (the title stays on line 3 of xor.yaml)."""
    return TITLE_LINE.sub(lambda _: "title: " + title_yaml, source, count=1)


def title_line(source: str) -> int:
    return source[:TITLE_LINE.search(source).start()].count("\n") + 1


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(args):
    """The command in a real process (a hang becomes a failure, not a stuck test run)."""
    return subprocess.run([sys.executable, "-m", "symbackprop.cli", *map(str, args)], capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def one_line_error(r) -> str:
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    return lines[0]


# -- refused at load time, with the line ------------------------------------------------------------

REFUSED = {
    "NUL": (r'"before\0after"', "U+0000"),
    "escape sequence": (r'"\e[31mred"', "U+001B"),
    "bell": (r'"ding\a"', "U+0007"),
    "C1 CSI": (r'"a\x9b2J"', "U+009B"),
    "DEL": (r'"a\x7f"', "U+007F"),
    "200 KB": ('"' + "A" * 200_000 + '"', "at most 300"),
    "301 characters": ('"' + "é" * 301 + '"', "at most 300"),
    "a list": ("[1, 2]", "expected text"),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_bad_titles_are_refused_at_load_time_with_the_line(case):
    title, words = REFUSED[case]
    text = with_title(XOR, title)
    with pytest.raises(ProblemError) as info:
        parse_problem(text, "bad.yaml")
    message = str(info.value)
    assert message.startswith(f"bad.yaml:{title_line(text)}: title: ") and "\n" not in message
    assert words in message
    assert len(message) < 400          # a 200 KB title is not echoed back


@pytest.mark.parametrize("command", ["solve", "derive"])
@pytest.mark.parametrize("case", ["NUL", "200 KB"])
@pytest.mark.slow
def test_cli_refuses_bad_titles_in_one_line_with_status_2(tmp_path, command, case):
    path = write(tmp_path, with_title(XOR, REFUSED[case][0]))
    line = one_line_error(run_cli([command, path, "-o", tmp_path / "out.pdf"]))
    assert f"{path}:{title_line(path.read_text(encoding='utf-8'))}: title:" in line
    assert not (tmp_path / "out.pdf").exists()


def test_the_quadratic_example_checks_its_title_too():
    with pytest.raises(ProblemError, match=r"q\.yaml:\d+: title: .*U\+0000"):
        from symbackprop.quadratic import read_quadratic
        from symbackprop.yamlfile import parse_yaml
        read_quadratic(parse_yaml(with_title(QUADRATIC, r'"a\0"'), "q.yaml"))


def test_descriptions_and_part_titles_are_checked():
    with pytest.raises(ProblemError, match=r"description: the description has 10001 characters; at most 10000"):
        parse_problem(XOR + f'\ndescription: "{"d" * 10_001}"\n', "p.yaml")
    with pytest.raises(ProblemError, match=r"description: .*U\+0000"):
        parse_problem(XOR + '\ndescription: "x\\0"\n', "p.yaml")
    text = XOR.replace("  - {name: relu, activation: relu}", '  - {name: relu, activation: relu,\n     title: "bad\\0"}', 1)
    assert text != XOR
    with pytest.raises(ProblemError) as info:
        parse_problem(text, "p.yaml")
    line = text[:text.index('title: "bad')].count("\n") + 1
    assert str(info.value).startswith(f"p.yaml:{line}: parts[0].title: ")
    # a description keeps its paragraphs; 10,000 characters are allowed
    prob = parse_problem(XOR + '\ndescription: "first\\n\\nsecond"\n', "p.yaml")
    assert prob.description == "first\n\nsecond"
    assert len(parse_problem(XOR + f'\ndescription: "{"d" * 10_000}"\n', "p.yaml").description) == 10_000


@pytest.mark.parametrize("title,expected", [
    (r'"first line\n\nsecond paragraph"', "first line second paragraph"),
    (r'"tab\there"', "tab here"),
    ("|\n  block\n\n  scalar\n", "block scalar"),
    ("2001-02-03", "2001-02-03"),            # a date stays as written
    ("1e3", "1e3"),                          # so does a number
    ('"' + "é" * 300 + '"', "é" * 300),      # 300 characters are allowed
])
def test_titles_are_one_line_as_written(title, expected):
    assert parse_problem(with_title(XOR, title), "p.yaml").title == expected


def test_a_default_title_from_an_odd_file_name_is_cleaned(tmp_path):
    from symbackprop.problem import load_problem
    name = "odd\x1bname" if os.name != "nt" else "odd name"
    path = write(tmp_path, TITLE_LINE.sub("", XOR, count=1), name + ".yaml")
    title = load_problem(path).title
    assert "\x1b" not in title and title.startswith("odd")


# -- LaTeX and Markdown of any title ----------------------------------------------------------------

def test_every_latex_special_is_escaped():
    specials = "#$%&~_^\\{}"
    out = tex_escape(specials + r" \input{/etc/passwd} \write18{rm -rf ~}")
    # what is left once the escapes are taken out has no active character
    rest = re.sub(r"\\(textbackslash|textasciitilde|textasciicircum)\{\}|\\[#$%&_{}]", "", out)
    assert not set(rest) & set(specials), out
    assert r"\input" not in out and r"\write18" not in out


@pytest.mark.parametrize("text,expected", [
    ("Задача", FALLBACK_MACRO + "{Задача}"),
    ("αβγ", FALLBACK_MACRO + "{αβγ}"),
    ("Übung", "Übung"),                              # Latin Modern has it
    ("中文", "中文"),                                  # ctex typesets it
    ("smile 😀", r"smile \texttt{[U+1F600]}"),        # no font has it: shown as its code point
    ("ا", r"\texttt{[U+0627]}"),
    ("a\n\nb\tc", "a b c"),
    ("x\x00y", r"x\texttt{[U+0000]}y"),               # even if it got past the loader
])
def test_tex_escape_sets_each_character_in_a_font_that_has_it(text, expected):
    assert tex_escape(text) == expected


def test_documents_choose_their_engine_from_their_text():
    ascii_doc = standalone_document("plain text\n", "en")
    assert ascii_doc.startswith(r"\documentclass[11pt]{article}") and not pdf.wants_xelatex(ascii_doc)
    greek = standalone_document(tex_escape("αβγ") + "\n", "en")
    assert greek.startswith("% !TEX program = xelatex\n") and pdf.wants_xelatex(greek)
    assert r"\usepackage{fontspec}" in greek and r"\newfontfamily\symbackpropfallbackfont" in greek
    cjk = standalone_document(tex_escape("中文") + "\n", "en")
    assert r"{ctexart}" in cjk and pdf.wants_xelatex(cjk)


@pytest.mark.slow
def test_markdown_titles_cannot_break_the_page(tmp_path):
    hostile = '"# <script>alert(1)</script> *x* [a](javascript:b) $\\\\x$ | `c`\\n\\n# second"'
    path = write(tmp_path, with_title(XOR, hostile))
    r = CliRunner().invoke(main, ["solve", str(path), "--format", "markdown"])
    assert r.exit_code == 0, r.output
    first = r.output.splitlines()[0]
    assert first.startswith("# \\#") and r.output.splitlines()[1] == ""
    assert "<script>" not in r.output and r"\<script\>" in first
    assert "$" not in first.replace(r"\$", "") and "*x*" not in first and "[a]" not in first
    assert md_escape("a_b") == r"a\_b"


@pytest.mark.slow
def test_text_output_keeps_the_title_on_one_line(tmp_path):
    path = write(tmp_path, with_title(XOR, r'"one\n\ntwo"'))
    r = CliRunner().invoke(main, ["solve", str(path)])
    assert r.output.splitlines()[:2] == ["one two", "======="]
    r = CliRunner().invoke(main, ["solve", str(path), "--format", "json"])
    assert json.loads(r.output)["title"] == "one two"


# -- failed compiles keep their files under new names -----------------------------------------------

def failing_engine(monkeypatch, script: str = "") -> None:
    """Replace the TeX engine by a program that writes a log and fails."""
    code = ("import os, sys; open('doc.log', 'w').write('! Forced failure ' + "
            "os.environ.get('shell_escape', 'unset') + '.\\nl.1 ...\\n'); " + script + "sys.exit(1)")
    monkeypatch.setattr(pdf, "engine_command", lambda cjk: [sys.executable, "-c", code])


@pytest.mark.parametrize("command", ["solve", "derive"])
@pytest.mark.slow
def test_a_failed_pdf_never_overwrites_files(tmp_path, monkeypatch, command):
    failing_engine(monkeypatch)
    tex, log = tmp_path / "notes.tex", tmp_path / "notes.log"
    tex.write_bytes(b"my own notes\r\n\x00")
    log.write_bytes(b"my own log")
    out = tmp_path / "notes.pdf"
    r = CliRunner().invoke(main, [command, str(PROBLEMS / "xor.yaml"), "-o", str(out)])
    assert r.exit_code == 3 and "Traceback" not in r.output      # our LaTeX failed, not the input (t12 item 6)
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Forced failure" in lines[0]
    assert f"kept {tmp_path / 'notes.failed.tex'} and {tmp_path / 'notes.failed.log'}" in lines[0]
    assert tex.read_bytes() == b"my own notes\r\n\x00" and log.read_bytes() == b"my own log"
    assert (tmp_path / "notes.failed.tex").read_text(encoding="utf-8").startswith(r"\documentclass")
    assert "Forced failure" in (tmp_path / "notes.failed.log").read_text(encoding="utf-8")
    assert not out.exists()
    # a second failure keeps both the first failure's files and its own
    first = (tmp_path / "notes.failed.log").read_bytes()
    r = CliRunner().invoke(main, [command, str(PROBLEMS / "xor.yaml"), "-o", str(out)])
    assert r.exit_code == 3 and str(tmp_path / "notes.failed-1.tex") in r.output
    assert (tmp_path / "notes.failed.log").read_bytes() == first
    assert (tmp_path / "notes.failed-1.log").exists()


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_a_link_named_like_a_failure_file_is_not_followed(tmp_path, monkeypatch):
    failing_engine(monkeypatch)
    victim = tmp_path / "elsewhere" / "victim.txt"
    victim.parent.mkdir()
    (tmp_path / "notes.failed.tex").symlink_to(victim)            # dangling: opening it would create victim
    (tmp_path / "notes.failed-1.log").symlink_to(victim)
    with pytest.raises(pdf.TexError) as info:
        pdf.compile_tex("\\documentclass{article}\n", tmp_path / "notes")
    assert not victim.exists()
    assert f"kept {tmp_path / 'notes.failed-2.tex'} and {tmp_path / 'notes.failed-2.log'}" in str(info.value)
    assert not (tmp_path / "notes.failed-1.tex").exists()       # not left behind without its log


def test_failure_files_go_to_a_temporary_folder_when_the_output_folder_is_gone(tmp_path, monkeypatch):
    failing_engine(monkeypatch)
    with pytest.raises(pdf.TexError) as info:
        pdf.compile_tex("\\documentclass{article}\n", tmp_path / "missing" / "notes")
    message = str(info.value)
    assert "\n" not in message and "cannot write beside" in message
    kept = Path(re.search(r"kept (\S+\.failed\.tex) and", message).group(1))
    assert kept.read_text(encoding="utf-8") == "\\documentclass{article}\n"
    shutil.rmtree(kept.parent)


@pytest.mark.parametrize("command", ["solve", "derive"])
@pytest.mark.parametrize("suffix", ["pdf", "tex"])
def test_output_into_a_missing_folder_is_refused_before_any_work(tmp_path, monkeypatch, command, suffix):
    monkeypatch.setattr(pdf, "engine_command", lambda cjk: pytest.fail("compiled although -o cannot be written"))
    out = tmp_path / "nonexistent" / f"x.{suffix}"
    r = CliRunner().invoke(main, [command, str(PROBLEMS / "xor.yaml"), "-o", str(out)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "does not exist" in lines[0] and str(out) in lines[0]


def test_output_that_is_a_folder_is_refused(tmp_path):
    r = CliRunner().invoke(main, ["solve", str(PROBLEMS / "xor.yaml"), "-o", str(tmp_path), "--format", "pdf"])
    assert r.exit_code == 2 and "is a folder" in r.output and "Traceback" not in r.output


# -- no shell escape, bounded time ------------------------------------------------------------------

@pytest.mark.parametrize("latexmk", [True, False])
@pytest.mark.parametrize("cjk", [True, False])
def test_the_engine_command_turns_shell_escape_off(monkeypatch, latexmk, cjk):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None if name == "latexmk" and not latexmk else "/bin/" + name)
    cmd = pdf.engine_command(cjk)
    flags = [a.split("=", 1)[-1].lstrip("-") for a in cmd]                 # -latexoption=-x -> x
    assert not {"shell-escape", "enable-write18", "shell-restricted"} & set(flags)
    assert any(a.endswith("-no-shell-escape") for a in cmd)
    if latexmk:
        assert cmd[:2] == ["latexmk", "-norc"]      # no rc file can switch it back on
    assert cmd[-1] == "doc.tex"


def test_the_engine_runs_with_shell_escape_off_in_its_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("shell_escape", "t")         # as a hostile texmf.cnf or environment would
    failing_engine(monkeypatch)
    with pytest.raises(pdf.TexError, match="Forced failure f"):
        pdf.compile_tex("\\documentclass{article}\n", tmp_path / "n")


@pytest.mark.skipif(os.name == "nt", reason="process groups are POSIX")
@pytest.mark.slow
def test_a_hung_engine_is_stopped_with_everything_it_started(tmp_path, monkeypatch):
    pidfile = tmp_path / "grandchild.pid"
    code = ("import subprocess, sys, time; "
            "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']); "
            f"open({str(pidfile)!r}, 'w').write(str(p.pid)); time.sleep(600)")
    monkeypatch.setattr(pdf, "engine_command", lambda cjk: [sys.executable, "-c", code])
    monkeypatch.setattr(pdf, "TIMEOUT", 3)
    with pytest.raises(pdf.TexError, match="did not finish within 3 s"):
        pdf.compile_tex("\\documentclass{article}\n", tmp_path / "n")
    pid = int(pidfile.read_text())
    try:
        os.kill(pid, 0)
        state = Path(f"/proc/{pid}/status").read_text() if Path(f"/proc/{pid}/status").exists() else "State: Z"
        assert "State:\tZ" in state or "State: Z" in state, "the engine's child still runs"
    except ProcessLookupError:
        pass


@needs_tex
@pytest.mark.slow
def test_write18_in_a_document_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    doc = ("\\documentclass{article}\\begin{document}\n"
           f"\\immediate\\write18{{touch {marker}}}\nx\n\\end{{document}}\n")
    done = pdf.compile_tex(doc)
    assert done.pdf.startswith(b"%PDF") and not marker.exists()


# -- every hostile title becomes a PDF that shows it ------------------------------------------------

TYPESET = {
    "blank line": (r'"first\n\nsecond"', "first second"),
    "tab": (r'"tab\tthen"', "tab then"),
    "Cyrillic": ('"Задача: сеть 2-2-1"', "Задача: сеть 2-2-1"),
    "Greek": ('"Άσκηση αβγ"', "Άσκηση αβγ"),
    "accents": ('"Übung für Ærøskøbing, naïve"', "Übung für Ærøskøbing, naïve"),
    "CJK in en": ('"中文 title"', "中文 title"),
    "emoji": ('"smile 😀 done"', "smile [U+1F600] done"),
    "specials": (r'"# $ % & ~ _ ^ \\ { }"', "# $ % & ~ _ ^ \\ { }"),
    "input": (r'"\\input{/etc/passwd}"', "\\input{/etc/passwd}"),
    "write18": (r'"\\immediate\\write18{touch MARKER}"', "\\immediate\\write18{touch"),
}


def pdf_text(path: Path) -> str | None:
    """The PDF's text without spaces (pdftotext guesses them from the glyphs' positions)."""
    if shutil.which("pdftotext") is None:
        return None
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, encoding="utf-8", timeout=120)
    return "".join(out.stdout.split())


def visible(shown: str, pdf_text: str) -> bool:
    """Whether `shown` is in the text, spaces aside. pdflatex's OT1 fonts draw ~ and ^ as the accents
    ˜ ˆ and _ as a rule, which has no text; xelatex documents have the characters themselves."""
    shown = "".join(shown.split())
    return shown in pdf_text or shown.replace("_", "") in pdf_text.replace("˜", "~").replace("ˆ", "^")


@needs_tex
@pytest.mark.slow
@pytest.mark.parametrize("command", ["solve", "derive"])
@pytest.mark.parametrize("case", TYPESET, ids=list(TYPESET))
def test_hostile_titles_compile_and_show(tmp_path, command, case):
    title, shown = TYPESET[case]
    marker = tmp_path / "ran"
    title = title.replace("MARKER", str(marker).replace("\\", "/"))
    path = write(tmp_path, with_title(XOR, title))
    out = tmp_path / "out.pdf"
    r = run_cli([command, path, "-o", out])
    assert r.returncode == 0, r.stderr
    assert out.read_bytes().startswith(b"%PDF") and not marker.exists()
    text = pdf_text(out)
    if text is not None:
        assert visible(shown, text), text[:300]


@needs_tex
@pytest.mark.slow
def test_hostile_title_in_chinese_and_in_the_matrix_example(tmp_path):
    title = '"Задача αβγ 😀 # $ % & ~ _ ^ \\\\ { } 中文"'
    shown = "Задача αβγ [U+1F600] # $ % & ~ _ ^ \\ { } 中文"
    xor = write(tmp_path, with_title(XOR, title), "x.yaml")
    quad = write(tmp_path, with_title(QUADRATIC, title), "q.yaml")
    for args in (["solve", xor, "--lang", "zh"], ["derive", xor, "--lang", "zh"], ["derive", quad],
                 ["derive", quad, "--lang", "zh"]):
        out = tmp_path / "out.pdf"
        r = run_cli([*args, "-o", out])
        assert r.returncode == 0, (args, r.stderr)
        text = pdf_text(out)
        if text is not None:
            assert "".join(shown.split()) in text, (args, text[:300])
        out.unlink()


@needs_tex
@pytest.mark.slow
def test_a_character_the_fonts_lack_is_shown_as_its_code_point(tmp_path):
    # U+4E02 is a CJK ideograph that ctex's Fandol fonts lack: the engine's log says so, and the
    # document is compiled once more with the code point instead of a blank
    done = pdf.compile_tex(standalone_document(tex_escape("丂 and 中") + "\n", "en"))
    assert done.pdf.startswith(b"%PDF") and "Missing character" not in done.log
