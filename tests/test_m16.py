"""Session 16, task M (issue 14): padding and the masked mean, one step by hand (`model: masked_mean`,
padding.py, read as a computation graph; render/padding.py's sections).

Every gradient is compared with central finite differences of a NumPy forward pass written here, from the
file's numbers alone (never the tool's graph); the pads' gradients must be SymPy's exact zero; the unmasked
mean's values are worked out by hand below."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from click.testing import CliRunner

from symbackprop.answers import check_submission
from symbackprop.cli import main
from symbackprop.errors import ProblemError
from symbackprop.graph import load_graph, parse_graph, solve_graph
from symbackprop.messages import catalogue

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "problems" / "padding.yaml"
TEXT = FILE.read_text(encoding="utf-8")

# problems/padding.yaml's numbers, typed again here (the test's own copy)
E = {"I": [0.5, 0], "love": [2, 0], "this": [0, 0.5], "interesting": [1, 0], "movie": [0.5, 0.5],
     "great": [2, -0.5], "is": [0, 0], "bad": [-1, 2], "[pad]": [-1, 1]}
SENTENCES = [["I", "love", "this", "interesting", "movie"], ["great", "movie"], ["this", "movie", "is", "bad"]]
W, B, T, PAD_TO = [1.0, -1.0], 0.0, [1.0, 1.0, 0.0], 5


def forward(E, w, b, masked=True, loss="bce"):
    """J of the batch in NumPy: each sentence padded to 5; h_s its (masked or not) mean embedding."""
    total = 0.0
    for s, words in enumerate(SENTENCES):
        tokens = words + ["[pad]"] * (PAD_TO - len(words))
        mask = [1.0 if i < len(words) else 0.0 for i in range(PAD_TO)] if masked else [1.0] * PAD_TO
        x = np.array([E[t] for t in tokens], dtype=float)
        h = (np.array(mask)[:, None] * x).sum(axis=0) / sum(mask)
        y = 1 / (1 + math.exp(-(float(np.dot(w, h)) + b)))
        t = T[s]
        total += -(t * math.log(y) + (1 - t) * math.log(1 - y)) if loss == "bce" else (y - t) ** 2 / 2
    return total / len(SENTENCES)


def numeric_gradients(masked=True, loss="bce", step=1e-6):
    """name -> central finite differences of `forward` by each entry of e<word>, w, b."""
    out = {}
    base = {k: np.array(v, dtype=float) for k, v in E.items()}
    for word in E:
        g = []
        for i in range(2):
            up = {k: v.copy() for k, v in base.items()}
            down = {k: v.copy() for k, v in base.items()}
            up[word][i] += step
            down[word][i] -= step
            g.append((forward(up, W, B, masked, loss) - forward(down, W, B, masked, loss)) / (2 * step))
        out["e" + "".join(c for c in word if c.isalnum())] = g
    out["w"] = [(forward(base, [W[0] + step * (i == 0), W[1] + step * (i == 1)], B, masked, loss)
                 - forward(base, [W[0] - step * (i == 0), W[1] - step * (i == 1)], B, masked, loss)) / (2 * step)
                for i in range(2)]
    out["b"] = [(forward(base, W, B + step, masked, loss) - forward(base, W, B - step, masked, loss)) / (2 * step)]
    return out


@pytest.fixture(scope="module")
def sol():
    return solve_graph(load_graph(FILE))


def floats(v):
    return [float(e) for e in v] if isinstance(v, sp.MatrixBase) else [float(v)]


def test_every_gradient_agrees_with_finite_differences_of_a_numpy_forward_pass(sol):
    assert float(sol.values["J"]) == pytest.approx(forward(E, W, B), rel=1e-12)
    fd = numeric_gradients()
    assert set(fd) == set(sol.problem.parameters)
    for name, want in fd.items():
        assert floats(sol.gradients[name]) == pytest.approx(want, abs=1e-8), name
    # not a test that cannot fail: the mean over all 5 positions has other gradients
    assert not np.allclose(numeric_gradients(masked=False)["egreat"], fd["egreat"], atol=1e-4)


def test_pads_get_exactly_zero_and_words_sum_their_positions(sol):
    pads = ["x23", "x24", "x25", "x35"]                  # sentence 2: 3 pads, sentence 3: 1
    for n in pads + ["epad"]:
        assert all(e is sp.S.Zero for e in sol.gradients[n]), n           # SymPy's zero, not 1e-17
    for n in ["x11", "x21", "x22", "x34"]:
        assert not any(e == 0 for e in sol.gradients[n]), n
    # movie at x15, x22, x32: its row sums the three; each position's gradient is ∂J/∂h_s / n_s
    total = sol.gradients["x15"] + sol.gradients["x22"] + sol.gradients["x32"]
    assert floats(sol.gradients["emovie"]) == pytest.approx(floats(total), abs=1e-25)
    assert floats(sol.gradients["x22"]) == pytest.approx([v / 2 for v in floats(sol.gradients["h2"])], abs=1e-25)
    # the masked means by hand: h2 = (great + movie)/2 = ([2, -0.5] + [0.5, 0.5])/2 = [1.25, 0]
    assert sol.values["h2"] == sp.Matrix([sp.Rational(5, 4), 0])
    # h3 = (this + movie + is + bad)/4 = ([0, 0.5] + [0.5, 0.5] + [0, 0] + [-1, 2])/4 = [-0.5, 3]/4
    assert sol.values["h3"] == sp.Matrix([sp.Rational(-1, 8), sp.Rational(3, 4)])


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_the_worked_solution_says_it_and_the_unmasked_mean_is_computed(sol):
    result = run("solve", FILE)
    assert result.exit_code == 0
    out = result.output
    assert "  2  great  movie  [pad]        [pad]  [pad]    2" in out           # the padded batch
    assert "  2  1  1  0  0  0" in out                                         # the mask
    assert "∂J/∂x23 = ∂J/∂x24 = ∂J/∂x25 = ∂J/∂x35 = 0" in out
    assert "∂J/∂epad = [0; 0]" in out
    assert "∂J/∂emovie = ∂J/∂x15 + ∂J/∂x22 + ∂J/∂x32" in out
    # by hand: h'2 = (great + movie + 3·pad)/5 = ([2.5, 0] + [-3, 3])/5 = [-0.1, 0.6];
    #          h'3 = (this + movie + is + bad + pad)/5 = ([-0.5, 3] + [-1, 1])/5 = [-0.3, 0.8]; h'1 = h1
    assert "h'_2 = [-0.1; 0.6] instead of h_2 = [1.25; 0]" in out
    assert "h'_3 = [-0.3; 0.8] instead of h_3 = [-0.125; 0.75]" in out
    assert "gets 1/5 of the unmasked sentence's gradient ∂J'/∂h'2 instead of 1/2 of ∂J/∂h2" in out
    assert "gets 1/5 of the unmasked sentence's gradient ∂J'/∂h'3 instead of 1/4 of ∂J/∂h3" in out
    # docs/training.md's block is this output, lines left out marked …
    doc = (ROOT / "docs" / "training.md").read_text(encoding="utf-8").split("## Padding and the masked mean")[1]
    block = doc.split("```text\n")[1].split("```")[0]
    shown = [line for line in block.splitlines() if line.strip() and "…" not in line]
    assert len(shown) > 60 and all(line in out.splitlines() for line in shown), \
        [line for line in shown if line not in out.splitlines()][:3]
    # the unmasked graph itself (what those lines print), against the NumPy pass without a mask
    from symbackprop.padding import unmasked_solution
    wrong = unmasked_solution(sol.problem.padding)
    assert floats(wrong.values["J"]) == pytest.approx([forward(E, W, B, masked=False)], rel=1e-12)
    fd = numeric_gradients(masked=False)
    for name, want in fd.items():
        assert floats(wrong.gradients[name]) == pytest.approx(want, abs=1e-8), name
    assert abs(fd["epad"][0]) > 0.05                       # the pad's row would move


@pytest.mark.slow
def test_the_json_holds_the_mask_and_the_unmasked_values():
    result = run("solve", FILE, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)["masked_mean"]
    assert data["mask"] == [[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [1, 1, 1, 1, 0]] and data["lengths"] == [5, 2, 4]
    bad = data["unmasked"]
    assert sum(bad["h"], []) == pytest.approx([0.8, 0.2, -0.1, 0.6, -0.3, 0.8], abs=1e-15)
    assert bad["loss"] == pytest.approx(forward(E, W, B, masked=False), rel=1e-12)
    fd = numeric_gradients(masked=False)
    assert bad["grad_pad"] == pytest.approx(fd["epad"], abs=1e-8) and abs(bad["grad_pad"][0]) > 0.05
    # a real word's gradient without the mask: ∂J'/∂h'_s · 1/5 (finite differences of the unmasked J by egreat)
    assert bad["grad"]["x21"] == pytest.approx(fd["egreat"], abs=1e-8)


def test_check_reads_a_students_right_and_wrong_answers(sol, tmp_path):
    right = {"h2": [[1.25], [0]], "grad_x23": [[0], [0]], "grad_epad": [[0], [0]],
             "grad_emovie": [[round(float(v), 6)] for v in sol.gradients["emovie"]]}
    reports, _ = check_submission(FILE, right)
    assert {v.qid: v.status for v in reports[0].verdicts if v.status != "missing"} == {
        "h2_1": "correct", "h2_2": "correct", "grad_x23_1": "correct", "grad_x23_2": "correct",
        "grad_epad_1": "correct", "grad_epad_2": "correct", "grad_emovie_1": "correct", "grad_emovie_2": "correct"}
    # the unmasked mean's h'2 and a pad that got the gradient of a real word: wrong
    wrong = dict(right, h2=[[-0.1], [0.6]], grad_x23=[[round(float(v), 6)] for v in sol.gradients["x22"]])
    reports, _ = check_submission(FILE, wrong)
    verdicts = {v.qid: v for v in reports[0].verdicts if v.status != "missing"}
    got = {q: v.status for q, v in verdicts.items()}
    assert got["h2_1"] == got["h2_2"] == got["grad_x23_1"] == "wrong" and got["grad_emovie_1"] == "correct"
    # each says why: h'_2 is the unmasked mean's value (by hand above: [-0.1, 0.6]); a pad's gradient is 0
    assert verdicts["h2_1"].diagnosis == verdicts["h2_2"].diagnosis == "unmasked_mean"
    assert "the value of an unmasked mean (-0.1)" in verdicts["h2_1"].message
    assert "at a pad ([pad]), where the gradient is exactly 0" in verdicts["grad_x23_1"].message
    # a wrong value no mistake of these gives is not said to be one
    reports, _ = check_submission(FILE, {"h2": [[1.5], [0]]})
    assert next(v for v in reports[0].verdicts if v.qid == "h2_1").diagnosis != "unmasked_mean"


def _error(old: str, new: str) -> ProblemError:
    assert old in TEXT, old
    with pytest.raises(ProblemError) as info:
        parse_graph(TEXT.replace(old, new, 1), "pad.yaml")
    return info.value


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("old, new, needle, says", [
    ("[great, movie]", "[great, movie, is, this, bad, I]", "[great, movie, is", "sentence 2 has 6 words, longer than pad_to = 5"),
    ("[great, movie]", "[great, moive]", "[great, moive]", "did you mean movie?"),
    ("bad: [-1, 2]", "bad: [-1, 2, 3]", "bad: [-1, 2, 3]", "the embedding of bad has 3 numbers; every embedding has d = 2"),
    ("pad_to: 5", "pad_to: 0", "pad_to: 0", "pad_to is 0; expected a whole number from 1 to 6"),
    ("targets:", "masks: [[1, 1, 1, 1, 1], [1, 1, 0, 0], [1, 1, 1, 1, 0]]\ntargets:", "masks:",
     "the mask of sentence 2 has 4 entries; expected pad_to = 5"),
    ("targets:", "masks: [[1, 1, 1, 1, 1], [1, 1, 0, 0, 0.5], [1, 1, 1, 1, 0]]\ntargets:", "masks:",
     "entry 5 of the mask of sentence 2 is 0.5; a mask entry is 0 (a pad) or 1 (a real word)"),
    ("targets:", "masks: [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 1, 1, 1, 0]]\ntargets:", "masks:",
     "entry 3 of the mask of sentence 2 is 1 but position 3 is a pad"),
    ("targets:", "masks: [[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [1, 0, 1, 1, 0]]\ntargets:", "masks:",
     "entry 2 of the mask of sentence 3 is 0 but position 2 holds the word 'movie'"),
    ('  "[pad]": [-1, 1]\n', "", "embeddings:", "the pad token [pad] has no embedding"),
])
def test_each_mistake_is_one_line_with_its_line(old, new, needle, says):
    exc = _error(old, new)
    text = TEXT.replace(old, new, 1)
    assert exc.line == _line(text, needle), str(exc)
    assert says in str(exc) and "\n" not in str(exc)


def test_the_cli_says_a_mistake_in_one_line_exit_2_in_both_languages(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(TEXT.replace("pad_to: 5", "pad_to: 3"), encoding="utf-8")
    line = _line(TEXT, "[I, love, this")
    result = run("solve", bad)
    assert result.exit_code == 2
    err = result.output.strip()
    assert err.endswith(f"bad.yaml:{line}: sentences[0]: sentence 1 has 5 words, longer than pad_to = 3; shorten it "
                        "or raise pad_to") and "\n" not in err
    result = run("solve", bad, "--lang", "zh")
    assert result.exit_code == 2 and "第 1 个句子有 5 个词，比 pad_to = 3 长" in result.output


def test_every_new_message_is_in_both_catalogues():
    en, zh = catalogue("en"), catalogue("zh")
    ids = [k for k in en if k.startswith("padding.")]
    assert len(ids) > 40 and all(k in zh for k in ids)


@pytest.mark.slow
def test_half_squared_loss_and_every_format(tmp_path):
    text = TEXT.replace("loss: bce", "loss: half_squared")
    sol = solve_graph(parse_graph(text, "p.yaml"))
    for name, want in numeric_gradients(loss="half_squared").items():
        assert floats(sol.gradients[name]) == pytest.approx(want, abs=1e-8), name
    for fmt in ("markdown", "latex", "html"):
        out = tmp_path / f"p.{fmt}"
        assert run("solve", FILE, "--format", fmt, "-o", out).exit_code == 0
        assert "[pad]" in out.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", ["md", "tex", "txt"])
def test_the_own_solution_checks_back_with_no_line_unread(fmt, lang, tmp_path):
    """The batch's sections (the unmasked mean's h'_2 = …, the pads' ∂J/∂x23 = … = 0) are the tool's explanation:
    `check` of the worked solution passes over them and reads every step at full marks."""
    out = tmp_path / f"s.{fmt}"
    assert run("solve", FILE, "--lang", lang, "-o", out).exit_code == 0
    checked = run("check", FILE, out).output
    assert "Score: 187 / 187" in checked and "Not read" not in checked, checked[-1500:]


@pytest.mark.slow
def test_derive_gives_the_wide_gradients_by_value():
    out = run("derive", FILE).output
    assert "∂J/∂epad: long (in the node names a line of it has 209 characters, too wide for a page: at most 100); " \
           "its value is [0; 0]" in out
    assert "∂J/∂eI = [m11·w_1·" in out                 # a narrow one in the node names, its mask entry in it
    assert "Check: 21 gradient entries, three ways: all agree" in out
