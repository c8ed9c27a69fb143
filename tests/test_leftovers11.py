"""Issue 11, leftovers from the trial and the review (session 8).

1. Each renderer escapes for its own format only: the terminal never shows a Markdown escape
   (`\\<stream end>`), Markdown never shows a student's or a name's text unescaped, HTML uses entities.
"""
from __future__ import annotations

import html
import json
import math
import os
from pathlib import Path

import pytest
import sympy as sp
import yaml
from click.testing import CliRunner

from symbackprop import activations
from symbackprop.cli import main
from symbackprop.document import Document, Math, Part, Section, Step, Text
from symbackprop.render import render
from symbackprop.render.markdown import md_words

ROOT = Path(__file__).resolve().parent.parent
XOR = ROOT / "problems" / "xor.yaml"
HOSTILE = "a<b> *c* _d_ [e](f) #g `h` \\i"


# -- 1. escaping for each format -------------------------------------------------------------------

def _broken_class(tmp_path: Path, student: str) -> Path:
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / f"{student}.yaml").write_text("a: [1,\n", encoding="utf-8")      # YAML ends inside a list
    (subs / "ok.yaml").write_text("sigmoid:\n  u_3: 0.5\n", encoding="utf-8")
    return subs


def test_the_grade_summary_on_the_terminal_shows_no_markdown_escape(tmp_path):
    student = "st<u>*_[x]#`" if os.name != "nt" else "st_[x]#`"     # < and * are no Windows file names
    subs = _broken_class(tmp_path, student)
    summary = tmp_path / "s.md"
    result = CliRunner().invoke(main, ["grade", str(XOR), str(subs), "-o", str(tmp_path / "b.csv"),
                                       "--summary", str(summary), "--part", "sigmoid", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "but found '<stream end>'" in out and "\\<" not in out and "\\[" not in out and "\\`" not in out
    assert f"- {student}: {student}.yaml:2: invalid YAML" in out
    # the file is Markdown: there the same text is escaped, so that no tag or link opens
    md = summary.read_text(encoding="utf-8")
    assert "but found '\\<stream end>'" in md and "'<stream end>'" not in md
    assert "\\[x]" in md and "\\`" in md


@pytest.mark.slow     # a second grade run (fast: test_the_grade_summary_on_the_terminal_shows_no_markdown_escape)
def test_a_wrong_answer_is_quoted_as_written_on_the_terminal(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ann.yaml").write_text("sigmoid:\n  u_3: '0.6|0.7'\n", encoding="utf-8")
    summary = tmp_path / "s.md"
    result = CliRunner().invoke(main, ["grade", str(XOR), str(subs), "-o", str(tmp_path / "b.csv"),
                                       "--summary", str(summary), "--part", "sigmoid", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("| sigmoid | u_3 "))
    assert "`0.6|0.7` ×1" in row
    md_row = next(line for line in summary.read_text(encoding="utf-8").splitlines()
                  if line.startswith("| sigmoid | u_3 "))
    assert "`0.6\\|0.7` ×1" in md_row                                 # GFM splits cells at a bare |


class _Math(Math):
    """Expressions as SymPy prints them; a substituted number as its display string."""

    def text(self, expr, values=None):
        return str(sp.sympify(expr).xreplace({s: sp.Symbol(v) for s, v in (values or {}).items()}))

    def latex(self, expr, values=None):
        return self.text(expr, values)

    def number(self, value, precision):
        return str(value)

    def value(self, step, precision, latex):
        return str(step.value), True


def _document(words: str) -> Document:
    step = Step("s", "x", value=1)
    section = Section(Text(f"section {words}"), (step,), notes=(Text(f"note {words}"),))
    part = Part(Text(f"part {words}"), (section,), _Math(), notes=(Text(f"convention {words}"),),
                closing=(Text(f"closing {words}"),))
    return Document(f"title {words}", (part,))


def test_text_shows_every_word_as_written():
    out = render(_document(HOSTILE), "text")
    for where in ("title", "part", "convention", "section", "note", "closing"):
        assert f"{where} {HOSTILE}" in out
    assert "\\<" not in out and "&lt;" not in out


def test_markdown_escapes_plain_words_so_they_read_as_written():
    out = render(_document(HOSTILE), "markdown")
    escaped = md_words(HOSTILE)
    for where in ("part", "convention", "section", "note", "closing"):
        assert f"{where} {escaped}" in out, where
    assert HOSTILE not in out
    assert escaped == "a\\<b> \\*c\\* \\_d\\_ \\[e\\](f) #g \\`h\\` \\i"
    # CommonMark: a backslash before ASCII punctuation shows the character; nothing else is escaped
    assert md_words("δ_k and half_squared_error") == "δ_k and half_squared_error"
    assert md_words("2*3") == "2\\*3" and md_words("\\*") == "\\\\\\*"
    assert md_words("costs $5 and $6") == "costs \\$5 and \\$6"          # no math in a notebook


def test_html_uses_entities_and_no_backslash():
    out = render(_document(HOSTILE), "html")
    for where in ("title", "part", "convention", "section", "note", "closing"):
        assert f"{where} {html.escape(HOSTILE, quote=True)}" in out, where
    assert "a\\<b" not in out and "<b>" not in out


def test_check_reports_escape_for_their_own_format_only_one_check(tmp_path, grader_of):
    """As below, with one check: the command's text report, and the Markdown and HTML reports rendered
    (as `check --format markdown|html` renders them) from the session grader's reports of the same file."""
    from symbackprop.render import report as report_render
    answers = tmp_path / "a.yaml"
    answers.write_text("sigmoid:\n  u_3: '<b>*x*_[y]#`z`'\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(XOR), str(answers), "--part", "sigmoid", "--format", "text"])
    assert r.exit_code == 1, r.output
    reports, problems = grader_of(XOR).check(answers, "sigmoid")
    assert report_render.render_text(reports, str(answers), problems) == r.output     # the command's own report
    outs = {"text": r.output, "markdown": report_render.render_markdown(reports, str(answers), problems),
            "html": report_render.render_html(reports, str(answers), problems)}
    assert "<b>*x*_[y]#`z`" in outs["text"] and "\\<" not in outs["text"] and "\\[" not in outs["text"]
    assert "&lt;b&gt;*x*_[y]#`z`" in outs["html"] and "<b>" not in outs["html"]
    md_row = next(line for line in outs["markdown"].splitlines() if line.startswith("| $u_3$"))
    assert "<b>*x*_[y]#`z`" in md_row                     # inside a code span: shown as written
    assert md_row.count("``") >= 2                        # fenced by more backquotes than any run inside


@pytest.mark.slow       # three check runs (fast: the test above)
def test_check_reports_escape_for_their_own_format_only(tmp_path):
    """A check report in text, Markdown and HTML, for an answer with every special character."""
    answers = tmp_path / "a.yaml"
    answers.write_text("sigmoid:\n  u_3: '<b>*x*_[y]#`z`'\n", encoding="utf-8")
    outs = {}
    for fmt in ("text", "markdown", "html"):
        r = CliRunner().invoke(main, ["check", str(XOR), str(answers), "--part", "sigmoid", "--format", fmt])
        assert r.exit_code == 1, r.output
        outs[fmt] = r.output
    assert "<b>*x*_[y]#`z`" in outs["text"] and "\\<" not in outs["text"] and "\\[" not in outs["text"]
    assert "&lt;b&gt;*x*_[y]#`z`" in outs["html"] and "<b>" not in outs["html"]
    md_row = next(line for line in outs["markdown"].splitlines() if line.startswith("| $u_3$"))
    assert "<b>*x*_[y]#`z`" in md_row                     # inside a code span: shown as written
    assert md_row.count("``") >= 2                        # fenced by more backquotes than any run inside


# -- 2. a loss counted twice is said so, a copied target only where it is one ------------------------

def _net(tmp_path: Path, loss: str, target: float = 0.3, activation: str = "sigmoid", **extra) -> Path:
    """A 2-2-1 net with a bias unit, the given activation (sigmoid) and loss."""
    doc = {"title": "t", "network": {"inputs": [1, 2], "bias": 0, "layers": [[3, 4], [5]], "activation": activation},
           "weights": {0: {3: 0.5, 4: -1, 5: 0.75}, 1: {3: 1.5, 4: 0.25}, 2: {3: -2, 4: 3}, 3: {5: -1.25},
                       4: {5: 2}},
           "sample": {"x": {1: 1, 2: 0.5}, "t": {5: target}}, "loss": loss, "learning_rate": 0.5, **extra}
    path = tmp_path / f"{loss}.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _value(solution, qid: str) -> float:
    """The value of `qid` in the problem's first part, as `solve --format json` states it (its `value`
    is the step's float_value); `solution`: the session's solve of the file (conftest.solution_of)."""
    return solution.parts[0].step(qid).float_value


def _checked(tmp_path: Path, problem: Path, answers: dict, lang: str = "en") -> dict:
    """{id: item} of `check --format json` on one part's answers."""
    f = tmp_path / "answers.yaml"
    f.write_text(yaml.safe_dump(answers), encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(problem), str(f), "--format", "json", "--lang", lang])
    assert r.exit_code in (0, 1), r.output
    return {item["id"]: item for part in json.loads(r.output)["parts"] for item in part["items"]}


def test_a_doubled_cross_entropy_is_twice_the_loss_not_a_copied_target(tmp_path, solution_of):
    CLASSIFIER = ROOT / "problems" / "classifier.yaml"
    J = _value(solution_of(CLASSIFIER), "loss")
    item = _checked(tmp_path, CLASSIFIER, {"main": {"J": round(2 * J, 4)}})["loss"]
    assert item["status"] == "wrong" and item["diagnosis"] == "loss_doubled"
    assert item["message"].startswith("twice the expected value: the loss counted twice")
    assert "t_7" not in item["message"]
    zh = _checked(tmp_path, CLASSIFIER, {"main": {"J": round(2 * J, 4)}}, lang="zh")["loss"]
    assert zh["diagnosis"] == "loss_doubled" and zh["message"].startswith("为正确值的两倍")


def test_a_target_really_copied_wrong_is_still_a_copied_target(tmp_path, solution_of):
    """J = −t_7 ln u_7 with t_7 = 0.5 written for 1: a target the loss accepts, copied wrong."""
    CLASSIFIER = ROOT / "problems" / "classifier.yaml"
    u7 = _value(solution_of(CLASSIFIER), "act_7")
    item = _checked(tmp_path, CLASSIFIER, {"main": {"J": round(-0.5 * math.log(u7), 4)}})["loss"]
    assert item["diagnosis"] == "given_copied"
    assert item["message"] == "uses t_7 = 0.5, the problem gives t_7 = 1"


def test_no_copied_target_outside_what_the_loss_accepts(tmp_path, solution_of):
    """Three times J would be t_7 = 3 written for 1, but cross-entropy's targets are ≥ 0 and sum to 1, so
    none is above 1: a target of 3 is no copy (and no factor of 2 explains the value either)."""
    CLASSIFIER = ROOT / "problems" / "classifier.yaml"
    J = _value(solution_of(CLASSIFIER), "loss")
    item = _checked(tmp_path, CLASSIFIER, {"main": {"J": round(3 * J, 4)}})["loss"]
    assert item["status"] == "wrong" and item["diagnosis"] != "given_copied"
    assert "t_7" not in item["message"]


# half squared error (half missing) stays fast (loss_doubled: test_a_doubled_cross_entropy_is_twice_the_loss_
# not_a_copied_target); the other losses repeat them (slow tier)
@pytest.mark.parametrize("loss, code", [pytest.param("binary_cross_entropy", "loss_doubled", marks=pytest.mark.slow),
                                        pytest.param("squared_error", "loss_doubled", marks=pytest.mark.slow),
                                        pytest.param("mse", "loss_doubled", marks=pytest.mark.slow), pytest.param("l1", "loss_doubled", marks=pytest.mark.slow),
                                        ("half_squared_error", "half_missing")])
def test_a_doubled_loss_of_any_loss_is_said_as_a_factor_of_two(tmp_path, solution_of, loss, code):
    problem = _net(tmp_path, loss)
    J = _value(solution_of(problem), "loss")
    item = _checked(tmp_path, problem, {"J": round(2 * J, 4)})["loss"]
    assert item["status"] == "wrong" and item["diagnosis"] == code, item
    assert item["message"].startswith("twice the expected value")
    # the right value is right, and an unrelated value gets no factor-of-2 diagnosis
    assert _checked(tmp_path, problem, {"J": round(J, 4)})["loss"]["status"] == "correct"
    other = _checked(tmp_path, problem, {"J": round(2 * J + 0.37, 4)})["loss"]
    assert other["diagnosis"] not in ("loss_doubled", "half_missing")


def test_a_batch_loss_summed_for_its_mean_says_so(tmp_path, solution_of):
    MINIBATCH = ROOT / "problems" / "minibatch.yaml"
    J1, J2 = _value(solution_of(MINIBATCH), "loss@1"), _value(solution_of(MINIBATCH), "loss@2")
    items = _checked(tmp_path, MINIBATCH, {"J": round(J1 + J2, 4)})
    item = items["loss"]
    assert item["diagnosis"] == "mean_missing", item
    assert item["message"] == "2 times the expected value: the sum of the 2 samples' losses, not their mean"


# -- 4. an activation from a SymPy function Python's math lacks ------------------------------------

def _add_sine_integral(monkeypatch) -> None:
    """The row a maintainer would add to activations.py: g = Si(x), the sine integral, g' = sin(x)/x
    (sinc): neither is in Python's math module."""
    row = activations.ActivationSpec(lambda x: sp.Si(x), lambda x, y: sp.sinc(x),
                                     description="g(x) = Si(x), g' = sinc(x)")
    monkeypatch.setitem(activations.TABLE, "sine_integral", row)
    monkeypatch.setattr(activations, "NAMES", tuple(activations.TABLE))


def _si(x: float) -> float:
    """Si(x) = ∫_0^x sin(s)/s ds by its power series (an oracle independent of SymPy and mpmath)."""
    return sum((-1) ** n * x ** (2 * n + 1) / ((2 * n + 1) * math.factorial(2 * n + 1)) for n in range(30))


def test_check_works_for_an_activation_built_from_functions_math_lacks(monkeypatch, tmp_path):
    _add_sine_integral(monkeypatch)
    problem = _net(tmp_path, "half_squared_error", activation="sine_integral")
    # what `solve --format json` states of each quantity: its value is the step's float_value
    from symbackprop.solution import solve
    q = {s.id: {"value": s.float_value} for s in solve(str(problem)).parts[0].steps}
    net3 = 0.5 + 1.5 * 1 - 2 * 0.5
    assert q["act_3"]["value"] == pytest.approx(_si(net3), rel=1e-12)
    assert q["gprime_3"]["value"] == pytest.approx(math.sin(net3) / net3, rel=1e-12)
    right = {k: f'{q[k]["value"]:.4f}' for k in ("act_3", "act_5", "gprime_5", "delta_5", "delta_3", "grad_w_3_5")}
    items = _checked(tmp_path, problem, right)
    assert all(items[k]["status"] == "correct" for k in right), items
    # a wrong δ_5, and later items that follow from it: recomputed with the student's own values
    delta5 = round(2 * q["delta_5"]["value"] + 0.3, 4)
    wrong = dict(right, delta_5=f"{delta5:.4f}", grad_w_3_5=f'{delta5 * q["act_3"]["value"]:.4f}')
    items = _checked(tmp_path, problem, wrong)
    assert items["delta_5"]["status"] == "wrong"
    assert items["grad_w_3_5"]["status"] == "follow_through", items["grad_w_3_5"]
    r = CliRunner().invoke(main, ["check", str(problem), str(tmp_path / "answers.yaml")])
    assert r.exit_code == 1 and "internal error" not in r.output


def test_a_rule_math_and_mpmath_both_lack_is_an_internal_error_not_a_wrong_answer():
    from symbackprop.answers.instances import compiled
    from symbackprop.errors import InternalError
    x = sp.Symbol("x")
    f = sp.Function("unheard_of")
    assert compiled((x,), sp.Si(x) + sp.polygamma(1, x) + sp.LambertW(x) + sp.Ei(x))(1.0) == pytest.approx(
        float(sp.N(sp.Si(1) + sp.polygamma(1, 1) + sp.LambertW(1) + sp.Ei(1), 20)), rel=1e-12)
    assert compiled((x,), sp.sin(x))(1.0) == math.sin(1.0)                   # math, as before
    with pytest.raises(InternalError):
        compiled((x,), f(x))


# -- 3. a quantity's unit and sample: the key is the one truth ----------------------------------------

@pytest.mark.parametrize("stem", ["xor", pytest.param("minibatch", marks=pytest.mark.slow)])
def test_unit_and_sample_are_the_keys_everywhere(stem):
    import dataclasses

    from symbackprop.derive import derive
    from symbackprop.model import Assignment, Model
    from symbackprop.solution import Step as SolutionStep
    from symbackprop.solution import solve
    for record in (Assignment, SolutionStep):        # no second copy that could disagree with the key
        assert not {"unit", "sample"} & {f.name for f in dataclasses.fields(record)}
    solution = solve(ROOT / "problems" / f"{stem}.yaml")
    batched = stem == "minibatch"
    for psol in solution.parts:
        model = Model(psol.part)
        records = list(psol.steps) + model.forward + derive(model)
        for r in records:
            assert (r.unit, r.sample) == (r.key.unit, r.key.sample)
        given = [s for s in psol.steps if s.section == "given"]
        computed = [s for s in psol.steps if s.section != "given"]
        if not batched:       # outside a batch no quantity has a sample, given or computed alike
            assert all(s.sample is None for s in psol.steps)
        else:                 # in a batch every per-sample quantity has its 0-based sample, given or computed
            assert {s.sample for s in given if s.key.kind in ("input", "target")} == {0, 1}
            assert {s.sample for s in computed if s.key.kind in ("net", "act", "delta")} == {0, 1}
            assert psol.step("loss").sample is None and psol.step("loss@2").sample == 1


# -- 5. one path: no wrappers kept for old callers -----------------------------------------------------

def test_the_old_wrappers_are_gone_and_every_math_substitutes_by_one_path():
    import inspect

    from symbackprop.render import steps, text
    from symbackprop.render.build import SolutionMath, check_lines  # noqa: F401  (its one home)
    from symbackprop.render.quadratic import QuadraticMath
    from symbackprop.render.rules import RulesMath
    assert not hasattr(text, "check_lines") and not hasattr(steps, "links") and not hasattr(steps, "chain")
    assert "hasattr" not in inspect.getsource(steps.step_links)
    for cls in (SolutionMath, RulesMath, QuadraticMath, _Math):
        assert Math in cls.__mro__ and callable(cls.substituted)
    # the base class's default: the last form, then the same with the numbers put in
    x, y = sp.symbols("x y")
    step = Step("s", y, forms=(2 * x,), numbers={x: 3}, value=6)
    assert steps.step_links(_Math(), step, 4) == [("", "y"), ("=", "2*x"), ("=", "2*3"), ("=", "6")]
