"""Session 16, task I (issue 14, user trial t24 items 2, 4, 6, 7): a sample's superscript ^{(n)} raised whole in
LaTeX/Markdown, the padding note naming the unmasked graph's gradient, the PDF worked step's Given line breaking
inside the margin, the missing-mask error naming the layer and its units."""
from __future__ import annotations

import math
import os
import shutil
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ROOT / "problems"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def loose_superscripts(text: str) -> list[str]:
    """Every `^(` outside \\text{…}: a superscript of which only "(" is raised."""
    text = re.sub(r"\\text\{[^{}]*\}", "", text)
    return [text[max(0, m.start() - 40):m.end() + 20] for m in re.finditer(r"\^\(", text)]


# -- item 2: ^(n) ------------------------------------------------------------------------------------------------
def test_formula_latex_raises_the_whole_sample_mark():
    from symbackprop.render.optimizer import _formula_latex
    assert _formula_latex("^(n)") == "^{(n)}"
    assert _formula_latex("^(12)") == "^{(12)}"
    assert "^(" not in _formula_latex("δ_3^(1)")


@pytest.fixture(scope="module")
def worked(tmp_path_factory):
    """(fmt, full) -> `train problems/xor_train.yaml --worked 700:2 --format fmt` (the docs' command, full), or
    the same file run for 5 epochs, `--worked 5:2` (fast: its weights are 16-digit floats too), each run once."""
    done = {}
    folder = tmp_path_factory.mktemp("worked")
    short = folder / "xor_train5.yaml"
    text = (PROBLEMS / "xor_train.yaml").read_text(encoding="utf-8")
    assert "  epochs: 2000\n" in text
    short.write_text(text.replace("  epochs: 2000\n", "  epochs: 5\n"), encoding="utf-8")

    def get(fmt: str, full: bool = False) -> str:
        if (fmt, full) not in done:
            out = folder / f"x{int(full)}.{fmt}"
            args = (PROBLEMS / "xor_train.yaml", "--worked", "700:2") if full else (short, "--worked", "5:2")
            result = run("train", *args, "--format", fmt, "-o", out)
            assert result.exit_code == 0, result.output
            done[fmt, full] = out.read_text(encoding="utf-8")
        return done[fmt, full]
    return get


@pytest.mark.parametrize("fmt, full", [("latex", False), ("markdown", False),
                                       pytest.param("latex", True, marks=pytest.mark.slow),
                                       pytest.param("markdown", True, marks=pytest.mark.slow)])
def test_train_worked_has_no_loose_superscript(worked, fmt, full):
    text = worked(fmt, full)
    # the note that names the batch's samples: ^{(1)} is sample 1, ^{(2)} is sample 4 (the run's order)
    assert "$^{(n)}$ is the batch's n-th sample" in text
    assert "$^{(1)}$ is sample" in text and "$^{(2)}$ is sample" in text
    assert loose_superscripts(text) == []


@pytest.mark.slow
def test_no_loose_superscript_in_any_problem_or_worked_step(tmp_path):
    outputs = []
    for fmt in ("latex", "markdown"):
        for problem in sorted(PROBLEMS.glob("*.yaml")):
            out = tmp_path / f"{problem.stem}.{fmt}"
            result = run("solve", problem, "--format", fmt, "-o", out)
            assert result.exit_code in (0, 1), (problem.name, result.output)
            outputs.append((problem.name, out.read_text(encoding="utf-8")))
        for problem, worked in (("xor_dropout_train.yaml", "2:1"), ("xor_dev_stop.yaml", "2:1")):
            out = tmp_path / f"w_{problem}.{fmt}"
            result = run("train", PROBLEMS / problem, "--worked", worked, "--format", fmt, "-o", out)
            assert result.exit_code == 0, result.output
            outputs.append((problem, out.read_text(encoding="utf-8")))
    assert [(name, loose) for name, text in outputs for loose in loose_superscripts(text)] == []


# -- item 4: the unmasked mean's share of which gradient -----------------------------------------------------------
def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def test_padding_note_names_the_unmasked_sentence_gradient():
    out = run("solve", PROBLEMS / "padding.yaml").output
    # by hand, problems/padding.yaml: w = [1, -1], b = 0, BCE, J the mean over 3 sentences, sentence 2 ("great
    # movie", t = 1) padded to 5 with [pad] = [-1, 1]:
    #   masked   h2  = ([2, -0.5] + [0.5, 0.5])/2 = [1.25, 0]            y2  = σ(1.25)
    #   unmasked h'2 = ([2, -0.5] + [0.5, 0.5] + 3·[-1, 1])/5 = [-0.1, 0.6]   y'2 = σ(-0.7)
    # ∂J/∂h2 = (y2 − 1)/3·w, ∂J'/∂h'2 = (y'2 − 1)/3·w; a real word x21 gets 1/2 of the first, 1/5 of the second.
    dh = (sigmoid(1.25) - 1) / 3
    dh_unmasked = (sigmoid(-0.7) - 1) / 3
    line = next(ln for ln in out.splitlines() if "A real word of sentence 2" in ln)
    assert "gets 1/5 of the unmasked sentence's gradient ∂J'/∂h'2 instead of 1/2 of ∂J/∂h2" in line
    shown = re.search(r"∂J'/∂x21 = \[(\S+); (\S+)\] instead of ∂J/∂x21 = \[(\S+); (\S+)\]", line)
    assert shown, line
    got = [float(v) for v in shown.groups()]
    # the shown ∂J'/∂x21 is 1/5 of ∂J'/∂h'2 (= [-0.2227, 0.2227]), not 1/5 of ∂J/∂h2 (= [-0.0742, 0.0742])
    assert got[:2] == pytest.approx([dh_unmasked / 5, -dh_unmasked / 5], abs=5e-5)
    assert abs(got[0] - dh / 5) > 0.02
    assert got[2:] == pytest.approx([dh / 2, -dh / 2], abs=5e-5)


# -- item 7: the missing mask's message names the layer and its units ---------------------------------------------
NOMASK = """title: dropout on a 2-3-2 network
network: {inputs: [1, 2], bias: 0, layers: [[3, 4, 5], [6, 7]], activation: [relu, identity]}
weights:
  0: {3: 0.1, 4: 0.2, 5: -0.1, 6: 0.0, 7: 0.5}
  1: {3: 1, 4: -0.5, 5: 0.5}
  2: {3: 0.5, 4: 1, 5: 2}
  3: {6: 1, 7: -1}
  4: {6: 0.5, 7: 2}
  5: {6: -2, 7: 1}
sample: {x: {1: 1, 2: 2}, t: {6: 1, 7: 0}}
loss: half_squared_error
learning_rate: 0.5
dropout: {layer: 1, p: 0.5MASK}
"""


@pytest.mark.parametrize("mask, lang, want", [
    ("", "en", "give mask, one 0 or 1 for each of layer 1's units 3, 4, 5, in that order (1 keeps"),
    ("", "zh", "第 1 层的单元 3, 4, 5 按此顺序各一个 0 或 1"),
    (", mask: 1", "en", "a mask is a list of one 0 or 1 for each of layer 1's units (3, 4, 5), a list of such"),
    (", mask: 1", "zh", "掩码是第 1 层的单元（3, 4, 5）各一个 0 或 1 的列表"),
])
def test_mask_message_names_the_layer_and_its_units(tmp_path, mask, lang, want):
    path = tmp_path / "nomask.yaml"
    path.write_text(NOMASK.replace("MASK", mask), encoding="utf-8")
    result = CliRunner().invoke(main, ["solve", str(path), "--lang", lang])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and want in lines[0], result.output
    assert "(3: 3" not in lines[0] and "（3 个：" not in lines[0]


# -- item 6: the PDF worked step's Given line breaks inside the margin ----------------------------------------------
def test_worked_given_line_is_ragged_and_broken_between_values(worked):
    tex = worked("latex")
    given = tex.split(r"\paragraph{Given}", 1)[1].split(r"\paragraph", 1)[0].strip()
    assert given.startswith(r"{\raggedright $") and given.endswith(r"$.\par}")
    values = given[len(r"{\raggedright "):-len(r".\par}")].split(", ")
    # a break point (", " between two formulas) after each value: η, 9 weights, x1, x2, t5 of 2 samples
    assert len(values) == 1 + 9 + 6 and all(v.startswith("$") and v.endswith("$") for v in values)
    # the run's weights in full (16 or 17 significant digits), each a formula of its own
    long = [v for v in values if re.fullmatch(r"\$w_\{\d\d\} = -?\d\.\d{14,17}\$", v)]
    assert len(long) == 9, values
    # solve's Given line stays one justified paragraph (its bytes are pinned by test_solve_speed)
    solved = run("solve", PROBLEMS / "xor.yaml", "--format", "latex").output
    assert r"\raggedright" not in solved.split(r"\paragraph{Given}", 1)[1].split(r"\paragraph", 1)[0]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdflatex") is None and not os.environ.get("CI"), reason="no TeX engine")
def test_worked_step_pdf_has_no_overfull_line(worked):
    from symbackprop.render.pdf import compile_tex, overfull_boxes
    tex = worked("latex", full=True)
    done = compile_tex(tex)
    assert done.pdf.startswith(b"%PDF")
    # the Given paragraph's source lines: no overfull box there (the training plot's own, lines ~93, is not ours)
    first = tex.splitlines().index(r"\paragraph{Given}") + 1
    given = set(range(first, first + 3))
    spans = [tuple(int(n) for n in re.search(r"lines (\d+)--(\d+)", box).groups()) for box in overfull_boxes(done.log)
             if "lines" in box]
    assert [s for s in spans if given & set(range(s[0], s[1] + 1))] == []


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_not_worked_note_raises_the_sample_mark(tmp_path, fmt):
    from test_f16 import SAT                        # the saturating BCE run whose update 16 (6:1) is not worked
    f = tmp_path / "sat.yaml"
    f.write_text(SAT.replace("epochs: 300", "epochs: 6"))
    out = tmp_path / f"o.{fmt}"
    result = run("train", f, "--worked", "6:1", "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "is not worked" in text and "$^{(n)}$ the n-th" in text and "$u_5^{(1)} = 0$" in text
    assert loose_superscripts(text) == [] and "textasciicircum" not in text
