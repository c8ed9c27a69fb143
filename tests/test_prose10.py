"""Issue 12 leftovers (session 10): prose and reports typeset as maths.

1. One formula is one maths span: the threshold note says $x_{0} = -1$, never $x_{0}$ = $-1$, and no
   prose of any problem file, in any format or language, leaves an = between two maths spans.
2. `solve --check`'s lines set their numbers, h and the net inputs at a kink as maths (plain text kept).
3. A check report's diagnoses, failed links, first error and items left out set their symbols as maths
   in Markdown ($…$) and HTML (MathML); a student's quoted text stays words.

Every expected string is written here by hand from the catalogue's wording.
"""
from __future__ import annotations

import html as html_module
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.gradcheck import CheckReport, GradientCheck
from symbackprop.messages import said
from symbackprop.render import mathspans
from symbackprop.render.build import check_lines, check_texts
from symbackprop.render.prose import Sym, net_sym, number_sym, sentence

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ROOT / "problems"
MML = '<math xmlns="http://www.w3.org/1998/Math/MathML"'
NET = Sym("net_j = Σ_i w_ij·x_i − θ_j", r"\mathrm{net}_j = \sum_i w_{ij} x_i - \theta_j")


# -- 1. one formula, one span ---------------------------------------------------------------------------------

def test_the_threshold_note_is_one_formula_in_every_format():
    t = sentence("en", "note.bias_input", bias=Sym("x_0", "x_{0}"), value=Sym("-1", "-1"), net=NET,
                 theta=Sym("θ_j", r"\theta_j"))
    assert t.plain.startswith("The bias input is x_0 = -1, so net_j = Σ_i w_ij·x_i − θ_j: the weight θ_j")
    assert t.markdown.startswith(r"The bias input is $x_{0} = -1$, so $\mathrm{net}_j = ")
    assert t.latex.startswith(r"The bias input is $x_{0} = -1$, so $\mathrm{net}_j = ")
    assert t.html.startswith(f'The bias input is {MML} alttext="x_0 = -1"><mrow><msub><mi>x</mi><mn>0</mn></msub>'
                             "<mo>=</mo><mo>−</mo><mn>1</mn></mrow></math>, so ")
    zh = sentence("zh", "note.bias_input", bias=Sym("x_0", "x_{0}"), value=Sym("-1", "-1"), net=NET,
                  theta=Sym("θ_j", r"\theta_j"))
    assert zh.markdown.startswith(r"偏置输入为 $x_{0} = -1$，因此 $\mathrm{net}_j = ")


def test_a_marked_symbol_and_a_value_joined_by_an_operator_are_one_span():
    """g'(0) = {g0} of a formula activation's kink; Code pieces and words between pieces are never joined."""
    t = sentence("en", "note.formula_kink", act="relu6", g0=Sym("0.5", "0.5"), where=Sym("net_3 = 0", r"\mathrm{net}_{3} = 0"))
    assert t.plain == "relu6 has no derivative at 0; the value SymPy's derivative takes there, g'(0) = 0.5, " \
                      "is used at net_3 = 0."
    assert t.markdown == (r"relu6 has no derivative at 0; the value SymPy's derivative takes there, $g'(0) = 0.5$, "
                          r"is used at $\mathrm{net}_{3} = 0$.")
    assert "$g'(0) = 0.5$" in sentence("zh", "note.formula_kink", act="relu6", g0=Sym("0.5", "0.5"),
                                       where=Sym("net_3 = 0", "x")).markdown
    # two pieces with words between stay two spans
    two = sentence("en", "note.delta", delta=Sym("a", "a"), which="w", update=Sym("b", "b"), xi=Sym("x_i", "x_i"))
    assert two.markdown == "$a$ (w), so $b$, where $x_i$ is the input of the weight."


# -- 2. the gradient check -----------------------------------------------------------------------------------

def test_check_numbers_and_net_names_as_latex():
    assert number_sym("3.7e-42") == Sym("3.7e-42", r"3.7 \times 10^{-42}")
    assert number_sym("1e-06") == Sym("1e-06", "10^{-6}")
    assert number_sym("0.0e+00") == Sym("0.0e+00", "0")
    assert number_sym("-2.5e+03").latex == r"-2.5 \times 10^{3}"
    assert number_sym("6.00002") == Sym("6.00002", "6.00002")
    assert net_sym("net_4") == Sym("net_4", r"\mathrm{net}_{4}")
    assert net_sym("net_4^(3)") == Sym("net_4^(3)", r"\mathrm{net}_{4}^{(3)}")


REPORT = CheckReport("relu", (GradientCheck("grad_w_3_5", 0.5, 0.5, 0.5),
                              GradientCheck("grad_w_0_4", 0.0, 0.0, 6.00002,
                                            said("gradcheck.kink_at", net="net_4", value="0", activation="leaky_relu"))),
                     max_direct=3.7e-42, max_fd=2.5e-11, step=1e-6)


def test_the_check_section_typesets_its_numbers_and_keeps_its_plain_text():
    lines = check_texts(REPORT)
    assert check_lines(REPORT) == [
        "Check: 2 gradients, three ways: all agree",
        "  chain rule vs direct sympy.diff of the substituted loss: largest relative difference 3.7e-42",
        "  chain rule vs central finite differences (h = 1e-06): largest relative difference 2.5e-11",
        "  grad_w_0_4: finite differences not comparable (net_4 = 0 is at a kink of leaky ReLU); chain rule 0, "
        "direct 0, finite difference 6.00002"]
    assert [t.markdown for t in lines] == [
        "Check: 2 gradients, three ways: all agree",
        r"  chain rule vs direct sympy.diff of the substituted loss: largest relative difference $3.7 \times 10^{-42}$",
        r"  chain rule vs central finite differences ($h = 10^{-6}$): largest relative difference $2.5 \times 10^{-11}$",
        r"  `grad_w_0_4`: finite differences not comparable ($\mathrm{net}_{4} = 0$ is at a kink of leaky ReLU); "
        r"chain rule $0$, direct $0$, finite difference $6.00002$"]
    assert lines[2].latex == (r" chain rule vs central finite differences ($h = 10^{-6}$): largest relative difference "
                              r"$2.5 \times 10^{-11}$")
    assert lines[3].latex.startswith(r" grad\_w\_0\_4: finite differences not comparable ($\mathrm{net}_{4} = 0$")
    assert (f'({MML} alttext="h = 1e-06"><mrow><mi>h</mi><mo>=</mo><msup><mn>10</mn><mrow><mo>−</mo><mn>6</mn>'
            "</mrow></msup></mrow></math>)") in lines[2].html
    zh = check_texts(REPORT, "zh")
    assert zh[2].markdown == r"  链式法则 与 中心有限差分（$h = 10^{-6}$）：最大相对误差 $2.5 \times 10^{-11}$"
    assert r"（$\mathrm{net}_{4} = 0$ 位于 leaky ReLU 的不可导点（kink））" in zh[3].markdown


# -- 3. reports: the symbols of a diagnosis --------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("g(net_5) used where g'(net_5) belongs", r"$g(\mathrm{net}_5)$ used where $g'(\mathrm{net}_5)$ belongs"),
    ("g'(0) = 1 used for ReLU at net = 0; this problem takes g'(0) = 0",
     r"$g'(0) = 1$ used for ReLU at $\mathrm{net} = 0$; this problem takes $g'(0) = 0$"),
    ("the updated weight w_{35}^new used; δ uses the weights of the forward pass (w_{35})",
     r"the updated weight $w_{35}^{\text{new}}$ used; $\delta$ uses the weights of the forward pass ($w_{35}$)"),
    ("Δw subtracted: the new weight is w + Δw (Δw already carries the minus of −η∂J/∂w)",
     r"$\Delta w$ subtracted: the new weight is $w + \Delta w$ ($\Delta w$ already carries the minus of "
     r"$-\eta\partial J/\partial w$)"),
    ("twice the expected value: the ½ of the loss ½(t − u)² left out",
     r"twice the expected value: the $\tfrac{1}{2}$ of the loss $\tfrac{1}{2}(t - u)^{2}$ left out"),
    ("First error: ∂L/∂w_{05}", r"First error: $\partial L/\partial w_{05}$"),
    ("uses x_1 = 0.5, the problem gives x_1 = 1", "uses $x_1 = 0.5$, the problem gives $x_1 = 1$"),
    ("该δ的符号反了", r"该$\delta$的符号反了"),
    # words, and numbers on their own, stay words
    ("right to 2 decimal places; the problem asks for 4", "right to 2 decimal places; the problem asks for 4"),
    ("the bias input taken as 0; it is 1", "the bias input taken as 0; it is 1"),
    # a student's quoted text is never maths
    ("the link `δ_5 = 3` was not read", r"the link \`δ_5 = 3\` was not read"),
    ("w_{45}^new: rule “w_{45} - \\Delta w_{45}”: x", r"$w_{45}^{\text{new}}$: rule “w_{45} - \Delta w_{45}”: x"),
])
def test_report_sentences_typeset_their_symbols_in_markdown(text, expected):
    assert mathspans.markdown(text, cell=True) == expected


def test_report_sentences_in_html_are_mathml_with_the_plain_text_as_alttext():
    got = mathspans.html("g(net_5) used where <b> g'(net_5) belongs")
    assert got == (f'{MML} alttext="g(net_5)"><mrow><mi>g</mi><mo stretchy="false">(</mo><msub><mi>net</mi><mn>5</mn>'
                   '</msub><mo stretchy="false">)</mo></mrow></math> used where &lt;b&gt; '
                   f'{MML} alttext="g&#x27;(net_5)"><mrow><mi>g</mi><mo lspace="0" rspace="0">′</mo><mo stretchy="false">'
                   '(</mo><msub><mi>net</mi><mn>5</mn></msub><mo stretchy="false">)</mo></mrow></math> belongs')


def test_no_backslash_of_a_students_text_reaches_the_maths():
    """The LaTeX is built from the formula's own small alphabet: a name with a macro in it is not a formula."""
    for text in (r"w_{\href{x}{y}}", r"\delta_5 = 3", "δ_{5}\\x", "x_1^{\\mathrm{a}}"):
        for maths, piece in mathspans.spans(text):
            assert not maths or "\\" not in piece, (text, piece)
    # a name glued to a student's macro is part of the student's LaTeX: all of it stays words (session 12, t14 #4)
    assert re.findall(r"\$[^$]*\$", mathspans.markdown(r"δ_5\href{javascript:x}{y}")) == []
    assert re.findall(r"\$[^$]*\$", mathspans.markdown(r"δ_5 \href{javascript:x}{y}")) == [r"$\delta_5$"]


# -- slow: every problem file, every prose format and language ---------------------------------------------------

# code set verbatim (the initialisation's NumPy lines, `rng = numpy.random.default_rng(0)`) is code, not a formula:
# left out of the prose as the maths is
def _without_texttt(line: str) -> str:
    out, i = [], 0
    while (j := line.find("\\texttt{", i)) >= 0:
        out.append(line[i:j])
        depth, k = 1, j + len("\\texttt{")
        while k < len(line) and depth:
            depth += {"{": 1, "}": -1}.get(line[k], 0)
            k += 1
        i = k
    return "".join(out) + line[i:]


def _markdown_prose(text: str) -> list[str]:
    out, block = [], False
    for line in text.splitlines():
        if line.strip() == "$$":
            block = not block
        elif not (block or line.startswith(("$$", "# ")) or not line.strip()):
            out.append(re.sub(r"`[^`]*`", "", re.sub(r"\$[^$]*\$", "", line.replace("\\$", ""))))
    return out


def _latex_prose(text: str) -> list[str]:
    out, skip = [], False
    for line in text.splitlines():
        skip = skip or line.startswith((r"\begin{align*}", r"\begin{tikzpicture}"))
        if not skip and not line.startswith((r"\section*", "%")):
            out.append(re.sub(r"\$[^$]*\$", "", _without_texttt(line).replace("\\$", "")))
        skip = skip and not line.startswith((r"\end{align*}", r"\end{tikzpicture}"))
    return out


def _html_prose(text: str) -> list[str]:
    body = re.sub(r"<h1>.*?</h1>", "", text.split("<body>", 1)[1])
    body = re.sub(r"<[^>]+>", "\n", re.sub(r"<math.*?</math>|<code>.*?</code>", "", body, flags=re.S))
    return [html_module.unescape(line) for line in body.splitlines() if line.strip()]


@pytest.mark.slow
def test_no_prose_splits_a_formula_into_several_spans():
    """Every problem file (networks and graphs) with --check, in Markdown, LaTeX and HTML, in English and
    Chinese: outside the maths, the prose (notes, headings, the check) has no = or ≈ (each belongs to a
    formula set whole as maths). The threshold file's note, once `$x_{0}$ = $-1$`, is one formula."""
    bad = []
    for path in sorted(PROBLEMS.glob("*.yaml")):
        for lang in ("en", "zh"):
            for fmt, prose in (("markdown", _markdown_prose), ("latex", _latex_prose), ("html", _html_prose)):
                args = ["solve", str(path), "--format", fmt, "--lang", lang, "--check"]
                result = CliRunner().invoke(main, args + (["--fragment"] if fmt == "latex" else []))
                assert result.exit_code == 0, (path.name, fmt, result.output)
                if path.name == "threshold.yaml":
                    assert ("$x_{0} = -1$" if fmt != "html" else 'alttext="x_0 = -1"') in result.output
                bad += [(path.name, lang, fmt, line) for line in prose(result.output) if re.search("[=≈]", line)]
    assert not bad


@pytest.mark.slow
def test_solve_check_in_markdown_typesets_the_check(tmp_path):
    out = CliRunner().invoke(main, ["solve", str(PROBLEMS / "xor.yaml"), "--part", "relu", "--check",
                                    "--format", "markdown"])
    assert out.exit_code == 0, out.output
    assert re.search(r"^  chain rule vs central finite differences \(\$h = 10\^\{-6\}\$\): largest relative "
                     r"difference \$[0-9]\.[0-9] \\times 10\^\{-[0-9]+\}\$$", out.output, re.M), out.output
    assert (r"  `grad_w_0_4`: finite differences not comparable ($\mathrm{net}_{4} = 0$ is at a kink of ReLU); "
            r"chain rule $0$, direct $0$, finite difference $6.00002$") in out.output
    text = CliRunner().invoke(main, ["solve", str(PROBLEMS / "xor.yaml"), "--part", "relu", "--check"]).output
    assert "  chain rule vs central finite differences (h = 1e-06): largest relative difference" in text
    assert "$" not in text


@pytest.mark.slow
def test_a_check_report_typesets_its_diagnoses(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("relu:\n  delta_4: 12\n  delta_3: -30\nsigmoid:\n  delta_5: -0.2499\n", encoding="utf-8")
    md = CliRunner().invoke(main, ["check", str(PROBLEMS / "xor.yaml"), str(answers), "--format", "markdown"]).output
    assert (r"| $\delta_4$ | `12` | 0 | WRONG | $g'(0) = 1$ used for ReLU at $\mathrm{net} = 0$; this problem takes "
            r"$g'(0) = 0$ |") in md
    assert (r"| $\delta_3$ | `-30` | 6 | WRONG | the updated weight $w_{35}^{\text{new}}$ used; $\delta$ uses the "
            r"weights of the forward pass ($w_{35}$) |") in md
    assert r"WRONG | $g(\mathrm{net}_5)$ used where $g'(\mathrm{net}_5)$ belongs |" in md
    assert "First error: $\\delta_4$" in md or "First error: $\\delta_3$" in md
    page = CliRunner().invoke(main, ["check", str(PROBLEMS / "xor.yaml"), str(answers), "--format", "html"]).output
    assert (f'<td>{MML} alttext="g(net_5)"><mrow><mi>g</mi><mo stretchy="false">(</mo><msub><mi>net</mi><mn>5</mn>'
            "</msub>") in page
    text = CliRunner().invoke(main, ["check", str(PROBLEMS / "xor.yaml"), str(answers)]).output
    assert "g(net_5) used where g'(net_5) belongs" in text and "$" not in text


@pytest.mark.slow
def test_the_bias_note_writes_the_sum_in_the_files_weight_order():
    """threshold.yaml writes w_{ji} (the weight from unit i to unit j): the note's sum is Σ_i w_ji·x_i."""
    md = CliRunner().invoke(main, ["solve", str(PROBLEMS / "threshold.yaml"), "--format", "markdown"]).output
    assert "- $w_{ji}$ is the weight from unit $i$ to unit $j$." in md
    assert (r"- The bias input is $x_{0} = -1$, so $\mathrm{net}_j = \sum_i w_{ji} x_i - \theta_j$: the weight "
            r"$\theta_j = w_{j0}$ from the bias to unit $j$ is a threshold") in md


@pytest.mark.parametrize("text", ["act_3 is not a quantity of this problem", "write relu_derivative_at_zero: 0.5",
                                  "grad_w_0_4 and half_squared_error", "foo_bar_baz"])
def test_identifiers_stay_words(text):
    assert all(not maths for maths, _ in mathspans.spans(text)), mathspans.spans(text)


def test_derive_and_the_gradient_check_write_differences_alike():
    """render/rules.error_number (derive's check line) is number_sym of its text: the digits of the mantissa
    as printed (1.0, not left out), a bare 1 left out, and inf/nan as symbols, for both."""
    from symbackprop.render.rules import error_number
    assert error_number(1e-5) == number_sym("1.0e-05") == Sym("1.0e-05", r"1.0 \times 10^{-5}")
    assert error_number(8.7e-33) == Sym("8.7e-33", r"8.7 \times 10^{-33}")
    assert error_number(0.0) == Sym("0.0e+00", "0")
    assert error_number(float("inf")) == number_sym("inf") == Sym("inf", r"\infty")
    assert number_sym("-inf").latex == r"-\infty" and error_number(float("nan")).latex == r"\mathrm{NaN}"
