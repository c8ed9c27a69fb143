"""Session 13, O3 (issue 13): the optimizer runs' gaps closed — their sections typeset as maths in every
format, their notes' numbers by the precision rule, `check` passing over the run's working in a write-up,
`list` showing the optimizers, and a graph given an optimizer said to be unsupported, never ignored."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.render.optimizer import _prose

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ROOT / "problems"


# -- 1. the run's prose: formulas as maths, words as words -----------------------------------------------------
def test_a_note_sets_each_formula_as_one_span_and_keeps_its_words():
    plain = ("Bias correction: m and v start at 0, so at t = 1 m_1 = (1 − β₁)·g_1 = 0.1·g_1 and v_1 = (1 − β₂)·g_1² "
             "= 0.001·g_1², far too small; dividing by 1 − β₁^t and 1 − β₂^t (= 0.1 and 0.001 at t = 1) gives "
             "m̂_1 = g_1 and v̂_1 = g_1²")
    p = _prose(plain)
    assert p.plain == plain                                  # the terminal's words are unchanged
    md = p.markdown
    assert r"$m_1 = (1 - \beta _{1}) \cdot g_1 = 0.1 \cdot g_1$" in md       # one formula, one span
    assert r"$\hat{m}_1 = g_1$" in md and r"$\hat{v}_1 = g_1^{2}$" in md
    assert "Bias correction: $m$ and $v$ start at 0, so at $t = 1$" in md
    outside = re.sub(r"\$[^$]*\$", "", md)
    assert not re.search(r"[=≈α-ωΑ-Ω²]", outside), outside
    assert "far too small; dividing by" in outside


def test_a_setting_name_is_a_symbol_a_file_word_stays_words():
    p = _prose("adam (lecture form), lr = 0.1, eps = 0.00000001; 5 step(s), update per_sample", {"lr", "eps"})
    assert r"$\mathrm{lr} = 0.1$" in p.markdown and r"$\mathrm{eps} = 0.00000001$" in p.markdown
    assert "update per\\_sample" in p.latex and "5 step(s)" in p.latex
    q = _prose("every state starts at 0 (Adagrad's G at initial_accumulator_value)")
    assert "initial_accumulator_value" in re.sub(r"\$[^$]*\$", "", q.markdown)


def test_the_precision_note_has_no_e_notation_in_either_language():
    from symbackprop.messages import msg
    for lang in ("en", "zh"):
        text = msg(lang, "optimizer.precision", digits=30)
        assert not re.search(r"\de[+-]?\d", text) and "10⁻¹²" in text
        assert "10^{-12}" in _prose(text).latex


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["markdown", "latex", "html"])
def test_the_adam_file_typesets_its_optimizer_sections(fmt):
    """xor_adam's notes in Markdown/LaTeX/HTML: no Greek letter and no = outside maths, the same test as the
    sweeps over every problem file (test_prose9, test_prose10) ask."""
    out = CliRunner().invoke(main, ["solve", str(PROBLEMS / "xor_adam.yaml"), "--format", fmt]
                             + (["--fragment"] if fmt == "latex" else []))
    assert out.exit_code == 0, out.output
    text = out.output
    start = text.index("Optimizer")
    body = text[start:]
    if fmt == "html":
        body = re.sub(r"<math.*?</math>", "", body, flags=re.S)
        body = re.sub(r"<[^>]+>", " ", body)
    else:
        body = "\n".join(ln for ln in body.splitlines() if not ln.startswith((r"\begin", "&", "$$", r"\end")))
        body = re.sub(r"\$[^$]*\$", "", body)
    note = [ln for ln in body.splitlines() if "Bias correction" in ln]
    assert note and not re.search(r"[=≈β]", note[0]), note


# -- 1. check passes over the run's working -------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_check_reads_the_per_sample_solution_back_in_full_with_no_notes(fmt, tmp_path):
    """two_step_per_sample re-solves step 1 on sample 1 alone (its δ_2 has no sample index): those lines are the
    run's working after the Optimizer heading, not answers to the batch's δ_2^(1); read, they scored 14/17."""
    out = tmp_path / f"s.{fmt}"
    path = str(PROBLEMS / "two_step_per_sample.yaml")
    assert CliRunner().invoke(main, ["solve", path, "-o", str(out)]).exit_code == 0
    assert "Optimizer" in out.read_text(encoding="utf-8")
    checked = CliRunner().invoke(main, ["check", path, str(out)])
    assert checked.exit_code == 0, checked.output
    assert re.search(r"^Score: 17 / 17$", checked.output, flags=re.M), checked.output
    assert "Not read" not in checked.output and "not read" not in checked.output


def test_a_students_step_after_the_optimizer_heading_is_not_taken_for_the_batch(tmp_path):
    """A write-up with the right batch δ and then a wrong line under the Optimizer heading: still full marks for
    what was asked (the run's working is passed over), while the same wrong line above the heading is judged."""
    path = str(PROBLEMS / "two_step_per_sample.yaml")
    good = tmp_path / "good.txt"
    assert CliRunner().invoke(main, ["solve", path, "-o", str(good)]).exit_code == 0
    text = good.read_text(encoding="utf-8")
    head, tail = text.split("\nOptimizer\n", 1)
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(head + "\n  w_{12}^new = 7\n\nOptimizer\n" + tail, encoding="utf-8")
    after = tmp_path / "after.txt"
    after.write_text(head + "\nOptimizer\n  w_{12}^new = 7\n" + tail, encoding="utf-8")
    bad = CliRunner().invoke(main, ["check", path, str(wrong)])
    assert bad.exit_code == 1 and "Score: 16 / 17" in bad.output, bad.output
    ok = CliRunner().invoke(main, ["check", path, str(after)])
    assert ok.exit_code == 0 and "Score: 17 / 17" in ok.output, ok.output
