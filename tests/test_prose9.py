"""Issue 12, printing: prose typesets its symbols in italics (maths) in the formats that have them, and
names losses and activations in words ("half squared error", not half_squared_error), in both languages.

The expected sentences are written here by hand from the lecture's wording, not produced by the renderers.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from symbackprop import activations, losses
from symbackprop.messages import MARK, catalogue, msg
from symbackprop.render import render
from symbackprop.render.prose import Code, Sym, sentence

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ROOT / "problems"

# the built-in names that are identifiers of two or more words: prose must say them in words
SNAKE = sorted(n for n in (*losses.NAMES, *activations.NAMES) if "_" in n)
MML = '<math xmlns="http://www.w3.org/1998/Math/MathML"'


def _mi(sym: str) -> str:
    return f'{MML} alttext="{sym}"><mi>{sym}</mi></math>'


W_IJ = f'{MML} alttext="w_{{ij}}"><msub><mi>w</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub></math>'


# -- the markup: a catalogue marks a symbol *i*; msg says it plainly, prose typesets it -------------------

def test_msg_says_a_marked_symbol_plainly():
    assert msg("en", "note.weights", w="w_13") == "w_13 is the weight from unit i to unit j."
    assert msg("zh", "note.weights", w="w_13") == "w_13 表示从单元 i 到单元 j 的权重。"
    assert msg("en", "section.output") == "Output layer: δ and updates"


def test_every_language_marks_the_same_symbols():
    """A translation marks the symbols English marks (so that each is typeset in every language)."""
    en, zh = catalogue("en"), catalogue("zh")
    differ = {k: (MARK.findall(en[k]), MARK.findall(zh[k])) for k in en
              if k in zh and sorted(MARK.findall(en[k])) != sorted(MARK.findall(zh[k]))}
    assert not differ


def test_the_markup_leaves_products_and_formulas_alone():
    """`q*z`, `2*x/3` and `M*M` in messages are formulas, not marked symbols."""
    for text in ("f: q*z", "1.7159*tanh(2*x/3)", "write M*M for a matrix product", "x*sigmoid(x)", "a * b * c"):
        assert MARK.sub(r"\1", text) == text, text


def test_sentence_typesets_symbols_and_escapes_words_in_each_format():
    """Words (a file's part name among them) are escaped for each format; symbols become maths."""
    t = sentence("en", "solution.part_heading", name="a<b>$*_", activations="ReLU", loss="half squared error",
                 eta=Sym("η = 0.5", r"\eta = 0.5"))
    assert t.plain == "Part a<b>$*_: activation ReLU, loss half squared error, η = 0.5"
    assert t.latex == r"Part a<b>\$*\_: activation ReLU, loss half squared error, $\eta = 0.5$"
    assert t.markdown == r"Part a\<b>\$\*\_: activation ReLU, loss half squared error, $\eta = 0.5$"
    assert t.html == ("Part a&lt;b&gt;$*_: activation ReLU, loss half squared error, "
                      f'{MML} alttext="η = 0.5"><mrow><mi>η</mi><mo>=</mo><mn>0.5</mn></mrow></math>')


def test_a_setting_name_is_code_where_the_format_has_code():
    t = sentence("en", "note.relu_kink", gp=Sym("g'(0)", "g'(0)"), g0="0", setting=Code("relu_derivative_at_zero"),
                 where=Sym("net_4 = 0", r"\mathrm{net}_{4} = 0"))
    assert t.plain == "ReLU has no derivative at 0; g'(0) is taken as 0 (relu_derivative_at_zero), used at net_4 = 0."
    assert t.markdown == (r"ReLU has no derivative at 0; $g'(0)$ is taken as 0 (`relu_derivative_at_zero`), "
                          r"used at $\mathrm{net}_{4} = 0$.")
    assert "(<code>relu_derivative_at_zero</code>)" in t.html
    assert r"(relu\_derivative\_at\_zero)" in t.latex


# -- one exact sentence per format, worked by hand ----------------------------------------------------------

def test_text_keeps_symbols_plain_and_names_the_loss_in_words(xor):
    out = render(xor, "text")
    assert "\nPart relu: activation ReLU, loss half squared error, η = 1\n" in out
    assert "\n  w_{ij} is the weight from unit i to unit j.\n" in out
    assert "\nOutput layer: δ and updates\n" in out


def test_markdown_sets_symbols_in_dollars(xor):
    out = render(xor, "markdown")
    assert "\n## Part relu: activation ReLU, loss half squared error, $\\eta = 1$\n" in out
    assert "\n- $w_{ij}$ is the weight from unit $i$ to unit $j$.\n" in out
    assert "\n### Output layer: $\\delta$ and updates\n" in out
    zh = render(xor, "markdown", lang="zh")
    assert "\n## 部分 relu: 激活函数 ReLU, 损失函数 半平方误差, $\\eta = 1$\n" in zh
    assert "\n- $w_{ij}$ 表示从单元 $i$ 到单元 $j$ 的权重。\n" in zh


def test_latex_sets_symbols_in_dollars(xor):
    out = render(xor, "latex", standalone=False)
    assert "\n\\subsection*{Part relu: activation ReLU, loss half squared error, $\\eta = 1$}\n" in out
    assert "\n  \\item $w_{ij}$ is the weight from unit $i$ to unit $j$.\n" in out
    zh = render(xor, "latex", lang="zh", standalone=True)
    assert "\n  \\item $w_{ij}$ 表示从单元 $i$ 到单元 $j$ 的权重。\n" in zh


def test_html_sets_symbols_as_mathml(xor):
    out = render(xor, "html")
    assert f"<li>{W_IJ} is the weight from unit {_mi('i')} to unit {_mi('j')}.</li>" in out
    assert f"<h3>Output layer: {_mi('δ')} and updates</h3>" in out
    assert ("<h2>Part relu: activation ReLU, loss half squared error, "
            f'{MML} alttext="η = 1"><mrow><mi>η</mi><mo>=</mo><mn>1</mn></mrow></math></h2>') in out


def test_the_appendix_order_states_its_own_weight(xor_appendix):
    out = render(xor_appendix, "markdown")
    assert "\n- $w_{ji}$ is the weight from unit $i$ to unit $j$.\n" in out


def test_notebook_markdown_is_the_markdown(xor):
    assert "- $w_{ij}$ is the weight from unit $i$ to unit $j$." in xor._repr_markdown_()


def test_a_graph_note_typesets_its_rule_and_parameters():
    from symbackprop.graph import load_graph, solve_graph
    out = render(solve_graph(load_graph(PROBLEMS / "circuit.yaml")), "markdown")
    # the circuit has a node q: the sum's stand-in is p (render/graph.py dummy_names)
    assert ("Each step sums over the nodes that use $p$: $\\partial f/\\partial p = \\sum_{g} \\partial f/\\partial g "
            "\\cdot \\partial g/\\partial p$ (for a matrix node $g$, over its entries); a gradient has the shape of "
            "its quantity. Parameters: $x, y, z$.") in out


def test_json_conventions_stay_plain_text(xor):
    import json
    data = json.loads(render(xor, "json"))
    assert "w_{ij} is the weight from unit i to unit j." in data["parts"][0]["conventions"]


# -- loss and activation names in words beyond the solution --------------------------------------------------

def _derive(path: Path):
    """The general rules of every part of a network file, as `symbackprop derive` makes them."""
    from symbackprop.problem import load_problem
    from symbackprop.rule_check import derive_for_parts
    prob = load_problem(path)
    return derive_for_parts(list(prob.parts), prob.source, multi=len(prob.parts) > 1)


@pytest.mark.slow          # (derives deep.yaml; tests/test_fixm9.py names xor's network in words in the fast tier)
def test_derive_names_the_network_in_words():
    dvs = _derive(PROBLEMS / "deep.yaml")
    text = render(dvs, "text")
    assert "  hidden: tanh, leaky ReLU; output: sigmoid; loss: binary cross-entropy\n" in text
    assert "with leaky ReLU:" in text
    md = render(dvs, "markdown")
    assert r"- $\delta = \partial J/\partial \mathrm{net}$ (in-class convention)" in md
    assert "### Output layer: $\\delta_k$\n" in md
    assert r"\text{(leaky ReLU)}" in md
    zh = render(dvs, "text", lang="zh")
    assert "二元交叉熵" in zh and "binary_cross_entropy" not in zh


def test_list_notes_name_the_loss_in_words():
    from symbackprop.listing import render_list
    out = render_list("text")
    assert "output layer only; with cross-entropy, δ_k = u_k − t_k" in out
    assert "default output activation softmax" in out
    assert "  leaky_relu  " in out          # the name column: what a problem file writes
    assert "仅用于输出层；与交叉熵一起时" in render_list("text", lang="zh")


def test_check_names_the_kinked_activation_in_words(tmp_path):
    problem = tmp_path / "kink.yaml"
    problem.write_text("title: kink\nnetwork: {inputs: [1], bias: 0, layers: [[2], [3]], activation: leaky_relu}\n"
                       "weights: {0: {2: 0, 3: 0.5}, 1: {2: 1}, 2: {3: 1}}\n"
                       "sample: {x: {1: 0}, t: {3: 1}}\nloss: half_squared_error\nlearning_rate: 1\n",
                       encoding="utf-8")
    from symbackprop.gradcheck import check_part
    from symbackprop.solution import solve
    sol = solve(problem)
    checks = [check_part(p) for p in sol.parts]
    out = render(sol, "text", checks=checks)
    assert "(net_2 = 0 is at a kink of leaky ReLU)" in out
    assert "leaky_relu" not in out
    assert "leaky ReLU 的不可导点" in render(sol, "text", checks=checks, lang="zh")


# -- every problem file, every format, both languages --------------------------------------------------------

_GREEK = re.compile(r"[α-ωΑ-Ω∂Σ]")
_LOOSE = re.compile(r"\bunit [ij]\b|单元 [ij] |\bthat use [qg]\b|node [gq]\b")


def _solutions():
    from symbackprop.graph import load_graph, solve_graph
    from symbackprop.solution import solve
    out = []
    for path in sorted(PROBLEMS.glob("*.yaml")):
        graph = "\nmodel: " in path.read_text(encoding="utf-8")
        out.append((path.stem, solve_graph(load_graph(path)) if graph else solve(path)))
    return out


def _prose(fmt: str, out: str) -> list[str]:
    """The prose of an output (headings but the title, notes), with its maths and code removed."""
    if fmt == "markdown":
        lines = [ln for ln in out.splitlines() if ln.startswith(("## ", "### ", "- "))]
        return [re.sub(r"\$[^$]*\$|`[^`]*`", "", ln) for ln in lines]
    if fmt == "latex":
        lines = [ln for ln in out.splitlines() if ln.startswith((r"\subsection*", r"  \item", r"\paragraph"))]
        return [re.sub(r"\$[^$]*\$", "", ln) for ln in lines]
    found = re.findall(r"<(h2|h3|li|p)>(.*?)</\1>", out)
    return [re.sub(r"<math\b.*?</math>|<code>.*?</code>", "", body) for _, body in found]


@pytest.mark.slow
def test_every_output_says_names_in_words_and_sets_symbols_as_maths():
    for stem, sol in _solutions():
        for lang in ("en", "zh"):
            for fmt in ("text", "markdown", "latex", "html"):
                out = render(sol, fmt, lang=lang)
                bare = re.sub(r"`[^`]*`|<code>.*?</code>", "", out)
                for name in SNAKE:
                    assert name not in bare, (stem, lang, fmt, name)
                if fmt == "text":
                    continue
                for line in _prose(fmt, out):
                    assert not _GREEK.search(line) and not _LOOSE.search(line), (stem, lang, fmt, line)


@pytest.mark.slow
def test_derive_of_every_network_says_names_in_words():
    for path in sorted(PROBLEMS.glob("*.yaml")):
        if "\nmodel: " in path.read_text(encoding="utf-8"):
            continue
        dvs = _derive(path)
        for lang in ("en", "zh"):
            for fmt in ("text", "markdown", "html"):
                out = render(dvs, fmt, lang=lang)
                for name in SNAKE:
                    assert name not in out, (path.stem, lang, fmt, name)
                if fmt != "text":
                    for line in _prose(fmt, out):
                        assert not _GREEK.search(line), (path.stem, lang, fmt, line)


@pytest.mark.slow
def test_the_cli_writes_the_words(tmp_path):
    """The installed command (CI installs the package) prints the same heading."""
    r = subprocess.run([sys.executable, "-m", "symbackprop.cli", "solve", str(PROBLEMS / "xor.yaml"), "--format",
                        "markdown"], capture_output=True, text=True, timeout=120, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    assert "## Part sigmoid: activation sigmoid, loss half squared error, $\\eta = 1$" in r.stdout


def test_a_part_name_cannot_forge_a_symbol():
    """The private characters prose uses to place its maths, in a file's part name, stay inert words."""
    t = sentence("en", "solution.part_heading", name="x\ue0000\ue001y", activations="ReLU", loss="L1",
                 eta=Sym("η = 1", r"\eta = 1"))
    assert t.plain == "Part x\ufffd0\ufffdy: activation ReLU, loss L1, η = 1"
    assert t.markdown.endswith(r"loss L1, $\eta = 1$") and t.markdown.count("$") == 2


def test_the_fixture_classifier_explains_only_prose_changes():
    """classify_changes.py's "prose" kind: names said in words and symbols set as maths, in prose lines only."""
    sys.path.insert(0, str(ROOT / "tests" / "data" / "solve_bytes"))
    try:
        from classify_changes import prose_change
    finally:
        sys.path.pop(0)
    assert prose_change(r"\subsection*{Part a: activation relu $\to$ softmax, loss cross\_entropy, $\eta = 1$}",
                        r"\subsection*{Part a: activation ReLU $\to$ softmax, loss cross-entropy, $\eta = 1$}")
    assert prose_change("- $w_{ij}$ 表示从单元 i 到单元 j 的权重。", "- $w_{ij}$ 表示从单元 $i$ 到单元 $j$ 的权重。")
    assert not prose_change("Part a: loss half_squared_error, η = 1", "Part a: loss half squared error, η = 2")
    assert not prose_change("  u_3 = relu(net_3) = 4", "  u_3 = ReLU(net_3) = 4")          # a step, not prose
    assert not prose_change("- unit i to unit j", "- unit $j$ to unit $i$")
