"""PDF of any document: its standalone LaTeX document compiled by a real TeX engine found on the machine.

latexmk when present, else pdflatex (xelatex for documents whose first line asks for it: Chinese,
or titles in other scripts), always without shell escape and with a time limit. A failed compile
keeps the .tex and its log beside the requested output under new names (notes.failed.tex,
notes.failed-1.tex, …), never over an existing file.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import InternalError, SymbackpropError
from . import latex

TEX_PACKAGES = ("texlive-latex-base texlive-latex-recommended texlive-pictures texlive-fonts-recommended "
                "latexmk")
CJK_PACKAGES = "texlive-xetex texlive-lang-chinese fonts-dejavu-core"
TIMEOUT = 180                   # seconds a compile may take
MAX_KEPT = 100                  # notes.failed.tex, notes.failed-1.tex … notes.failed-99.tex, then a temp folder
# Turn shell escape off in kpathsea too (an environment variable overrides texmf.cnf), and keep TeX
# from writing anywhere but its working folder.
SAFE_ENV = {"shell_escape": "f", "openout_any": "p"}


class TexError(SymbackpropError):
    """No TeX engine, or the document did not compile."""


class TexCompileError(TexError, InternalError):
    """The engine ran on the document symbackprop wrote and did not make a PDF (a LaTeX error, or no
    end within the time allowed): symbackprop's fault, not the input's, so exit status 3 (cli.py)."""


def wants_xelatex(tex: str) -> bool:
    """Documents in Chinese (ctexart) or with fontspec fonts need xelatex; the others pdflatex."""
    return tex.startswith(latex.XELATEX_MAGIC) or r"{ctexart}" in tex or r"{fontspec}" in tex


def engine_command(cjk: bool) -> list[str]:
    """The command that compiles doc.tex (never with shell escape), or a TexError saying what to install."""
    engine = "xelatex" if cjk else "pdflatex"
    if shutil.which(engine) is None:
        pkgs = TEX_PACKAGES + (" " + CJK_PACKAGES if cjk else "")
        raise TexError(f"PDF output needs {engine}, which is not installed; on Debian or Ubuntu: "
                       f"sudo apt-get install {pkgs} (or write .tex and compile it yourself)")
    flags = ["-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error"]
    if shutil.which("latexmk"):
        # -norc: no latexmkrc of the user or the system can switch shell escape back on
        return ["latexmk", "-norc", "-xelatex" if cjk else "-pdf"] + [f"-latexoption={f}" for f in flags] + ["doc.tex"]
    return [engine] + flags + ["doc.tex"]


@dataclass(frozen=True)
class Compiled:
    pdf: bytes
    log: str


def _run(cmd: list[str], work: Path) -> tuple[int | None, str]:
    """Run the engine in `work`; on timeout end it and everything it started. (exit status or None, output)"""
    env = dict(os.environ, **SAFE_ENV)
    new_group = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if sys.platform == "win32" \
        else {"start_new_session": True}
    with subprocess.Popen(cmd, cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, **new_group) as proc:
        try:
            out, _ = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            if sys.platform == "win32":
                proc.kill()
            else:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            proc.communicate()
            return None, ""
    return proc.returncode, out.decode("utf-8", errors="replace")


def _compile_once(tex: str, cmd: list[str]) -> tuple[bytes | None, str, str]:
    """(the PDF or None, the log, why it failed)."""
    with tempfile.TemporaryDirectory(prefix="symbackprop-") as tmp:
        work = Path(tmp)
        (work / "doc.tex").write_text(tex, encoding="utf-8")
        status, output = _run(cmd, work)
        log = (work / "doc.log").read_text(encoding="utf-8", errors="replace") if (work / "doc.log").exists() else ""
        if status == 0 and (work / "doc.pdf").exists():
            return (work / "doc.pdf").read_bytes(), log, ""
    if status is None:
        return None, log, f"did not finish within {TIMEOUT} s"
    first = next((line for line in log.splitlines() if line.startswith("!")), None)
    if first is None:
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        first = lines[-1] if lines else "no error line in the log"
    return None, log, first.strip()


MISSING_CHAR = re.compile(r"^Missing character: There is no (.) ", re.M)


def _replace_missing(tex: str, log: str) -> str:
    """Characters the engine found no glyph for (its log says so) shown as their code points instead."""
    for ch in sorted(set(MISSING_CHAR.findall(log))):
        if not ch.isascii():
            tex = tex.replace(ch, rf"\texttt{{[U+{ord(ch):04X}]}}")
    return tex


def compile_tex(tex: str, keep: Path | None = None) -> Compiled:
    """Compile a standalone document. On failure keep its .tex and log beside `keep` (a path without
    suffix: notes → notes.failed.tex, notes.failed.log) and raise a TexError saying where."""
    cmd = engine_command(wants_xelatex(tex))
    try:
        pdf, log, why = _compile_once(tex, cmd)
        if pdf is not None and MISSING_CHAR.search(log):
            fixed = _replace_missing(tex, log)        # fonts differ between machines: one more pass
            if fixed != tex:
                tex = fixed
                pdf, log, why = _compile_once(tex, cmd)
    except OSError as exc:
        raise TexError(f"could not run {cmd[0]}: {exc.strerror or exc}") from None
    if pdf is not None:
        return Compiled(pdf, log)
    kept = keep_failure(tex, log, keep)
    raise TexCompileError(f"{cmd[0]} could not compile the document: {why}; {kept}")


def _create(path: Path, text: str) -> None:
    """Write a new file; FileExistsError if anything (even a dangling link) has that name."""
    fh = open(path, "x", encoding="utf-8")          # O_CREAT | O_EXCL: fails before touching anything
    try:
        with fh:
            fh.write(text)
    except OSError:
        path.unlink(missing_ok=True)                # ours, half written (a full disk)
        raise


def _keep_beside(tex: str, log: str, stem: Path) -> tuple[Path, Path] | None:
    for n in range(MAX_KEPT):
        suffix = ".failed" if n == 0 else f".failed-{n}"
        tex_path, log_path = stem.with_name(stem.name + suffix + ".tex"), stem.with_name(stem.name + suffix + ".log")
        if os.path.lexists(log_path):
            continue
        try:
            _create(tex_path, tex)
        except FileExistsError:
            continue
        try:
            _create(log_path, log)
        except FileExistsError:
            tex_path.unlink()
            continue
        except OSError:
            tex_path.unlink(missing_ok=True)
            raise
        return tex_path, log_path
    return None


def keep_failure(tex: str, log: str, keep: Path | None) -> str:
    """Keep the failed document and its log, never over an existing file; say where, in words."""
    reason = ""
    if keep is not None:
        try:
            kept = _keep_beside(tex, log, keep)
            if kept:
                return f"kept {kept[0]} and {kept[1]}"
            reason = f"{MAX_KEPT} earlier failures are kept beside {keep}; "
        except OSError as exc:
            reason = f"cannot write beside {keep} ({exc.strerror or exc}); "
    try:
        folder = Path(tempfile.mkdtemp(prefix="symbackprop-failed-"))
        kept = _keep_beside(tex, log, folder / "document")
    except OSError as exc:
        return f"{reason}could not keep the .tex and log either: {exc.strerror or exc}"
    return f"{reason}kept {kept[0]} and {kept[1]}" if kept else f"{reason}kept nothing"


def overfull_boxes(log: str) -> list[str]:
    return re.findall(r"^(Overfull \\[hv]box.*)$", log, flags=re.M)


def render(obj, output: str | None = None, **settings) -> bytes:
    """`obj` (anything render/build.py builds a document of) as a PDF: its standalone LaTeX, compiled;
    on failure the .tex and log are kept beside `output`."""
    settings.pop("standalone", None)
    tex = latex.render(obj, standalone=True, **settings)
    keep = Path(output).with_suffix("") if output and output != "-" else None
    return compile_tex(tex, keep).pdf
