"""PDF: the standalone LaTeX document compiled by a real TeX engine found on the machine.

latexmk when present, else pdflatex (xelatex with ctex for Chinese), with a time limit. On failure the .tex and its log are kept beside the requested output.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import SymbackpropError
from ..solution import Solution
from . import latex

TEX_PACKAGES = ("texlive-latex-base texlive-latex-recommended texlive-pictures texlive-fonts-recommended "
                "latexmk")
CJK_PACKAGES = "texlive-xetex texlive-lang-chinese"
TIMEOUT = 180


class TexError(SymbackpropError):
    """No TeX engine, or the document did not compile."""


def engine_command(cjk: bool) -> list[str]:
    """The command that compiles doc.tex, or a TexError saying what to install."""
    engine = "xelatex" if cjk else "pdflatex"
    if shutil.which(engine) is None:
        pkgs = TEX_PACKAGES + (" " + CJK_PACKAGES if cjk else "")
        raise TexError(f"PDF output needs {engine}, which is not installed; on Debian or Ubuntu: "
                       f"sudo apt-get install {pkgs} (or write .tex and compile it yourself)")
    if shutil.which("latexmk"):
        return ["latexmk", "-xelatex" if cjk else "-pdf", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    return [engine, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]


@dataclass(frozen=True)
class Compiled:
    pdf: bytes
    log: str


def compile_tex(tex: str, keep: Path | None = None) -> Compiled:
    """Compile a standalone document. On failure keep `keep`.tex and `keep`.log and raise."""
    cjk = r"{ctexart}" in tex
    cmd = engine_command(cjk)
    with tempfile.TemporaryDirectory(prefix="symbackprop-") as tmp:
        work = Path(tmp)
        (work / "doc.tex").write_text(tex, encoding="utf-8")
        try:
            proc = subprocess.run(cmd, cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=TIMEOUT)
            ok = proc.returncode == 0 and (work / "doc.pdf").exists()
        except subprocess.TimeoutExpired:
            ok = False
        log = (work / "doc.log").read_text(encoding="utf-8", errors="replace") if (work / "doc.log").exists() else ""
        if ok:
            return Compiled((work / "doc.pdf").read_bytes(), log)
        first = next((line for line in log.splitlines() if line.startswith("!")), "no error line in the log")
        where = keep if keep is not None else Path(tempfile.mkdtemp(prefix="symbackprop-failed-")) / "solution"
        where.with_suffix(".tex").write_text(tex, encoding="utf-8")
        where.with_suffix(".log").write_text(log, encoding="utf-8")
        raise TexError(f"{cmd[0]} could not compile the solution: {first.strip()}; kept "
                       f"{where.with_suffix('.tex')} and {where.with_suffix('.log')}")


def overfull_boxes(log: str) -> list[str]:
    return re.findall(r"^(Overfull \\[hv]box.*)$", log, flags=re.M)


def render(solution: Solution, precision: int | None = None, lang: str = "en", output: str | None = None,
           **_) -> bytes:
    tex = latex.render(solution, precision=precision, lang=lang, standalone=True)
    keep = Path(output).with_suffix("") if output and output != "-" else None
    return compile_tex(tex, keep).pdf
