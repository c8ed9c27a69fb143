"""The `symbackprop` command: thin click commands over the library, and its one error boundary.

A `SymbackpropError` (bad problem file, bad option) becomes one line on stderr and exit status 2;
exit status 1 means "checked and found wrong"; 0 is success. Heavy modules (SymPy) are imported
inside the commands so that `--help` and `--version` stay instant.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from . import __version__
from .errors import SymbackpropError


class InputError(click.ClickException):
    """A user's mistake: printed as one line, exit status 2."""

    exit_code = 2


def _write(text: str | bytes, output: str) -> None:
    """Write to stdout, or atomically to a file (an interrupted run leaves the old file intact)."""
    if output == "-":
        click.echo(text, nl=False)
        return
    target = Path(output)
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)        # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, target)
    except OSError as exc:
        raise InputError(f"{output}: cannot write: {exc.strerror or exc}") from None


def _format_for(fmt: str | None, output: str) -> str:
    from .render import SUFFIXES
    if fmt:
        return fmt
    if output != "-":
        suffix = Path(output).suffix.lower()
        if suffix in SUFFIXES:
            return SUFFIXES[suffix]
        if suffix:
            raise InputError(f"{output}: cannot tell the format from the suffix {suffix!r}; "
                             f"use --format ({', '.join(SUFFIXES.values())}) or one of {', '.join(SUFFIXES)}")
    return "text"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="symbackprop")
def main() -> None:
    """Derive, solve and check backpropagation exercises.

    \b
    Examples:
      symbackprop solve problems/xor.yaml
      symbackprop solve problems/xor.yaml --part sigmoid --precision 6
      symbackprop solve problems/xor.yaml --format json -o xor.json
      symbackprop solve problems/xor.yaml --check
      symbackprop solve problems/xor.yaml -o xor.pdf --lang zh
      symbackprop solve problems/xor.yaml --format latex --fragment > xor-steps.tex
    """


@main.command()
@click.argument("problem", metavar="PROBLEM_FILE")
@click.option("--part", "parts", multiple=True, metavar="NAME",
              help="Solve only this part (repeat for several). Default: every part.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "latex", "markdown", "pdf"]), default=None,
              help="Output format. Default: from the -o suffix (.txt, .json, .tex, .md, .pdf), else text.")
@click.option("--precision", type=click.IntRange(0, 15), default=None, metavar="N",
              help="Decimal places shown (default: the file's `precision`, else 4). "
                   "JSON values always keep full float64 precision.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the labels and prose (zh: Chinese with the English terms).")
@click.option("--standalone/--fragment", default=None,
              help="LaTeX: a complete document with a picture of the network (default for -o .tex), or a "
                   "fragment to \\input into your own document, using only amsmath/amssymb (default on stdout).")
@click.option("-o", "--output", default="-", metavar="FILE", help="Write here instead of stdout ('-').")
@click.option("--check", is_flag=True,
              help="Also verify every gradient three ways: chain rule, direct sympy.diff of the "
                   "substituted loss, and central finite differences. Exit 1 if they disagree.")
def solve(problem: str, parts: tuple[str, ...], fmt: str | None, precision: int | None, lang: str,
          standalone: bool | None, output: str, check: bool) -> None:
    """Solve PROBLEM_FILE: forward pass, loss, every δ, gradient, Δw and updated weight, each as
    rule = numbers substituted = value, in the notation of the file."""
    fmt = _format_for(fmt, output)
    if fmt == "pdf" and output == "-":
        raise InputError("PDF output needs a file: add -o FILE.pdf")
    if standalone is None:
        standalone = output != "-"
    try:
        from .render import render
        from .solution import solve as solve_problem
        solution = solve_problem(problem, list(parts) or None)
        reports = None
        if check:
            from .check import check_part
            reports = [check_part(p) for p in solution.parts]
        text = render(solution, fmt, precision=precision, checks=reports, lang=lang, standalone=standalone,
                      output=output)
    except SymbackpropError as exc:
        raise InputError(str(exc)) from None
    _write(text, output)
    if reports is not None and not all(r.ok for r in reports):
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
