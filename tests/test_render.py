"""Renderers: LaTeX (standalone and fragment), Markdown, the network picture, the notebook display,
and PDFs compiled by a real TeX engine (skipped where none is installed, never skipped in CI)."""
import os
import re
import shutil

import pytest
from click.testing import CliRunner
from conftest import NETWORKS, PROBLEMS

from symbackprop.cli import main
from symbackprop.printing import format_value
from symbackprop.render import render
from symbackprop.render.build import SolutionMath, solution_step
from symbackprop.render.steps import step_links
from symbackprop.solution import solve

HAVE_TEX = shutil.which("pdflatex") is not None
needs_tex = pytest.mark.skipif(not HAVE_TEX and not os.environ.get("CI"),
                               reason="no TeX engine; .ci/run installs one so CI always compiles")

# What a fragment may use: TeX/LaTeX core and amsmath/amssymb.
FRAGMENT_MACROS = {"section", "subsection", "paragraph", "begin", "end", "item", "mathrm", "operatorname", "text",
                   "cdot", "times", "approx", "frac", "partial", "delta", "eta", "Delta", "left", "right", "max",
                   "to", "_", "input", "usepackage", "ln", "log", "exp", "tanh", "sqrt", "pi",
                   "erf", "min", "Sigma", "textbf", "sum", "bmatrix", "top"}


@pytest.fixture(scope="module")
def xor():
    return solve(PROBLEMS / "xor.yaml")


def align_rows(tex: str):
    for block in re.findall(r"\\begin\{align\*\}\n(.*?)\n\\end\{align\*\}", tex, flags=re.S):
        yield from block.split(" \\\\\n")


def links(psol, step, precision: int, latex: bool = False):
    """The links of one step of a worked solution, as every renderer makes them."""
    return step_links(SolutionMath(psol.names, psol), solution_step(step), precision, latex)


def number_mismatches(solution, tex: str) -> list[str]:
    """Where the LaTeX disagrees with the computed solution: a row whose final value, or a number
    substituted into it, is not the solution's (empty when every number is right)."""
    rows = list(align_rows(tex))
    by_lhs = {}
    for psol in solution.parts:
        for step in psol.steps:
            by_lhs.setdefault(links(psol, step, 4, latex=True)[0][1], []).append((psol, step))
    found = []
    if len(rows) != sum(1 for p in solution.parts for s in p.steps if s.section != "given"):
        found.append(f"{len(rows)} rows")
    seen = {}
    for row in rows:
        lhs = row.split(" &", 1)[0].strip()
        k = seen.get(lhs, 0)
        seen[lhs] = k + 1
        if k >= len(by_lhs.get(lhs, ())):
            found.append(f"{lhs}: no such step")
            continue
        psol, step = by_lhs[lhs][k]                 # the k-th time this lhs appears: part k
        value = format_value(step.value, 4)[0]
        if not re.search(rf"(=|\\approx) {re.escape(value)}$", row.replace("\n  &", "")):
            found.append(f"{lhs}: value is not {value}")
        for v in step.leaves.values():              # the numbers substituted (a minus may fold: x - (-3) → x + 3)
            if format_value(v, 4)[0].lstrip("-") not in row:
                found.append(f"{lhs}: substituted {format_value(v, 4)[0]} missing")
    return found


@pytest.mark.slow
def test_every_number_in_the_latex_is_the_computed_one(xor):
    """The value ending each step, and every number substituted into it, are the solution's."""
    assert number_mismatches(xor, render(xor, "latex", standalone=False)) == []


@pytest.mark.slow
def test_a_wrong_number_would_be_caught(xor):
    """The check above reports a tampered row, and only it: Δw_35 = −12 printed as −13, and u_3 = 4
    substituted as 5."""
    tex = render(xor, "latex", standalone=False)
    row = next(r for r in align_rows(tex) if r.startswith(r"\Delta w_{35}"))
    assert row.endswith("= -12")
    tampered = tex.replace(row, row[:-len("-12")] + "-13")
    assert number_mismatches(xor, tampered) == [r"\Delta w_{35}: value is not -12"]
    substituted = tex.replace(row, row.replace(r"- 1 \times 3 \times 4", r"- 1 \times 3 \times 5"))
    assert substituted != tex
    assert number_mismatches(xor, substituted) == [r"\Delta w_{35}: substituted 4 missing"]   # u_3 = 4


def test_fragment_uses_only_amsmath_macros(xor):
    tex = render(xor, "latex", standalone=False)
    assert r"\documentclass" not in tex and "tikz" not in tex
    used = set(re.findall(r"\\([A-Za-z]+)", tex))
    assert used <= FRAGMENT_MACROS, used - FRAGMENT_MACROS


def test_standalone_has_the_network_picture(xor):
    tex = render(xor, "latex", standalone=True)
    assert tex.startswith(r"\documentclass") and r"\end{document}" in tex
    pic = tex[tex.index(r"\begin{tikzpicture}"):tex.index(r"\end{tikzpicture}")]
    part = xor.part("relu").part
    nodes = re.findall(r"\\node\[[^\]]*\] \((\w+)\) at", pic)
    assert len(nodes) == len(part.inputs) + sum(len(layer) for layer in part.layers) + 1   # + the bias
    edges = re.findall(r"\\draw\[[^\]]*\] \((\w+)\) -- node\[[^\]]*\] \{\$([^$]*)\$\} \((\w+)\)", pic)
    assert sorted(v for _, v, _ in edges) == sorted(format_value(w.value, 4)[0] for w in part.weights)


def test_chinese_labels(xor):
    tex = render(xor, "latex", standalone=True, lang="zh")
    assert r"\documentclass[11pt]{ctexart}" in tex
    assert "前向计算/Forward" in tex and "损失/Loss" in tex


def test_markdown(xor):
    md = render(xor, "markdown")
    assert md.startswith("# XOR")
    assert "### Forward pass" in md
    assert r"$$ \Delta w_{35} = - \eta \cdot \delta_{5} \cdot u_{3} = - 1 \times 3 \times 4 = -12 $$" in md


def test_notebook_display(xor):
    """Jupyter shows the worked solution: the lecture's headings and numbers (typed here from the
    lecture, not produced by render())."""
    md = xor._repr_markdown_()
    assert md.startswith("# XOR with a 2-2-1 network, one backpropagation step\n")
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert headings[1].startswith("## Part relu") and "## Part sigmoid" in headings[8]
    for section in ("Given", "Forward pass", "Loss", r"Output layer: $\delta$ and updates",
                    r"Hidden layers: $\delta$ and updates", "Updated weights"):      # δ typeset as maths
        assert headings.count(f"### {section}") == 2, section            # once per part
    assert r"\frac{1}{1 + e^{- 4}} \approx 0.9820 $$" in md                  # u_3 of the sigmoid part
    assert r"= - 1 \times 3 \times 4 = -12 $$" in md                        # Δw_35 of the relu part
    latex = xor._repr_latex_()
    assert latex.startswith("$$\\begin{aligned}") and latex.endswith("\\end{aligned}$$")
    assert r"\delta_{5} &= g'(\mathrm{net}_{5}) \cdot \left(u_{5} - z_{1}\right)" in latex


@pytest.mark.slow
def test_cli_formats_and_suffixes(tmp_path):
    r = CliRunner().invoke(main, ["solve", str(PROBLEMS / "xor.yaml"), "--format", "latex"])
    assert r.exit_code == 0 and r"\documentclass" not in r.output        # stdout: a fragment
    r = CliRunner().invoke(main, ["solve", str(PROBLEMS / "xor.yaml"), "--format", "latex", "--standalone"])
    assert r.output.startswith(r"\documentclass")
    out = tmp_path / "xor.tex"
    assert CliRunner().invoke(main, ["solve", str(PROBLEMS / "xor.yaml"), "-o", str(out)]).exit_code == 0
    assert out.read_text().startswith(r"\documentclass")                  # .tex: standalone
    md = tmp_path / "xor.md"
    assert CliRunner().invoke(main, ["solve", str(PROBLEMS / "xor.yaml"), "-o", str(md)]).exit_code == 0
    assert md.read_text().startswith("# XOR")
    r = CliRunner().invoke(main, ["solve", str(PROBLEMS / "xor.yaml"), "--format", "pdf"])
    assert r.exit_code == 2 and "-o FILE.pdf" in r.output


@pytest.mark.slow
def test_pdf_without_tex_says_what_to_install(tmp_path, monkeypatch):
    import symbackprop.render.pdf as pdf
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    r = CliRunner().invoke(main, ["solve", str(PROBLEMS / "xor.yaml"), "-o", str(tmp_path / "x.pdf")])
    assert r.exit_code == 2
    assert "pdflatex" in r.output and "apt-get install texlive-latex-base" in r.output
    assert not (tmp_path / "x.pdf").exists()


@needs_tex
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.slow
def test_xor_compiles_without_errors_or_overfull_boxes(xor, lang):
    from symbackprop.render.pdf import compile_tex, overfull_boxes
    done = compile_tex(render(xor, "latex", standalone=True, lang=lang))
    assert done.pdf.startswith(b"%PDF")
    assert overfull_boxes(done.log) == []


@needs_tex
@pytest.mark.parametrize("path", NETWORKS, ids=lambda p: p.name)
@pytest.mark.slow
def test_every_problem_compiles(path, tmp_path):
    from symbackprop.render.pdf import compile_tex, overfull_boxes
    out = tmp_path / "s.pdf"
    r = CliRunner().invoke(main, ["solve", str(path), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"%PDF")
    assert overfull_boxes(compile_tex(render(solve(path), "latex", standalone=True)).log) == []


@needs_tex
@pytest.mark.slow
def test_failed_compile_keeps_tex_and_log(tmp_path):
    from symbackprop.render.pdf import TexError, compile_tex
    with pytest.raises(TexError, match="Undefined control sequence") as info:
        compile_tex("\\documentclass{article}\\begin{document}\\nosuchmacro\\end{document}\n", tmp_path / "bad")
    assert (tmp_path / "bad.failed.tex").exists() and (tmp_path / "bad.failed.log").exists()
    assert "bad.failed.tex" in str(info.value)


DERIVE_CASES = [(p, "en") for p in sorted(PROBLEMS.glob("*.yaml"))] + \
    [(PROBLEMS / "xor.yaml", "zh"), (PROBLEMS / "quadratic.yaml", "zh")]      # xelatex + ctex is slow


@needs_tex
@pytest.mark.parametrize("path, lang", DERIVE_CASES, ids=lambda v: getattr(v, "name", v))
@pytest.mark.slow
def test_every_derivation_compiles(path, lang, tmp_path):
    """`derive` on every problem (the general rules, or the matrix example) compiles cleanly."""
    out = tmp_path / "d.tex"
    r = CliRunner().invoke(main, ["derive", str(path), "-o", str(out), "--lang", lang])
    assert r.exit_code == 0, r.output
    from symbackprop.render.pdf import compile_tex, overfull_boxes
    done = compile_tex(out.read_text(encoding="utf-8"))
    assert done.pdf.startswith(b"%PDF") and overfull_boxes(done.log) == []


@pytest.mark.parametrize("path", [PROBLEMS / "xor.yaml", PROBLEMS / "quadratic.yaml"], ids=lambda p: p.name)
@pytest.mark.slow
def test_derive_fragment_uses_only_amsmath(path):
    tex = CliRunner().invoke(main, ["derive", str(path), "--format", "latex", "--fragment"]).output
    assert r"\documentclass" not in tex
    assert set(re.findall(r"\\([A-Za-z]+)", tex)) <= FRAGMENT_MACROS
