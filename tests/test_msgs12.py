"""Session 12 (msgs): small message leftovers, each said in English and in Chinese.

1. `symbackprop list` joins a row's notes with the catalogue's separator ("; " in English, "；" in Chinese).
2. A loss-domain error under an unnamed formula output activation names it by its formula ('2*x'), not
   by the default name "formula"; a named formula keeps its name.
3. A graph answers file (YAML) with only comments says so, as the network side does.
4. The σ'(net) message on a unit with another activation names the activation in words (ReLU), not by id.
5. With `notation: {unit_names: true}`, a unit id that is also a weight's name is refused (FILE:LINE).

Worked by hand: tests/data/msgs12/unnamed_output_activation.yaml has u_5 = 2·net_5 with net_5 = −4 (bias
weight) + 2·u_3 and u_3 = σ(1 + 3·1 + 4·0) = σ(4) ≈ 0.98201, so net_5 ≈ −2.03597 and u_5 ≈ −4.07194 < 0:
ln(u_5) of binary cross-entropy is not real.
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.listing import render_list

DATA = Path(__file__).resolve().parent / "data" / "msgs12"
UNNAMED_OUT = DATA / "unnamed_output_activation.yaml"


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# -- 1. list: notes joined in the report's language ---------------------------------------------------
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_list_notes_joined_in_language(fmt):
    en = render_list(fmt, lang="en", what="activations")
    zh = render_list(fmt, lang="zh", what="activations")
    # leaky_relu has two notes: its alias and its parameter
    assert "also written lrelu; parameters (default) slope = 1/100" in en
    assert "也可写作 lrelu；参数（默认值）slope = 1/100" in zh
    assert "也可写作 lrelu; " not in zh


def test_list_cli_zh_separator():
    result = _run("list", "--lang", "zh")
    assert result.exit_code == 0
    assert "也可写作 lrelu；参数" in result.output


# -- 2. an unnamed formula output activation named by its formula ------------------------------------
@pytest.mark.parametrize("lang, named", [("en", "(output activation formula '2*x')"),
                                         ("zh", "（输出层激活函数公式 '2*x'）")])
def test_unnamed_output_activation_named_by_formula(lang, named):
    result = _run("solve", UNNAMED_OUT, "--lang", lang)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert f"{UNNAMED_OUT}:" in lines[0]
    assert named in lines[0]
    assert "(output activation formula)" not in lines[0] and "激活函数 formula" not in lines[0]
    # the value the message quotes is the hand-worked u_5 = 2·(−4 + 2σ(4)) < 0
    u5 = 2 * (-4 + 2 / (1 + math.exp(-4)))
    assert f"u_5 = {u5:.6g}" in lines[0]


def test_named_output_activation_keeps_its_name(tmp_path):
    path = tmp_path / "named.yaml"
    path.write_text(UNNAMED_OUT.read_text(encoding="utf-8").replace('{formula: "2*x"}',
                                                                     '{formula: "2*x", name: double}'),
                    encoding="utf-8")
    result = _run("solve", path)
    assert result.exit_code == 2
    assert "(output activation double)" in result.output


# -- 3. a graph answers file of comments only ---------------------------------------------------------
GRAPH = Path(__file__).resolve().parent / "data" / "gread11" / "kink.yaml"


@pytest.mark.parametrize("lang, says", [("en", "the file holds only comments, no answers"),
                                        ("zh", "文件中只有注释，没有答案")])
def test_graph_answers_only_comments(tmp_path, lang, says):
    answers = tmp_path / "answers.yaml"
    answers.write_text("# nothing yet\n  # grad_w: to do\n", encoding="utf-8")
    result = _run("check", GRAPH, answers, "--lang", lang)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and f"{answers}" in lines[0] and says in lines[0]
    assert "grad_" in lines[0]          # an answer line of this problem, as the example


@pytest.mark.parametrize("lang, says", [("en", "the file is empty"), ("zh", "文件是空的")])
def test_graph_answers_empty_still_empty(tmp_path, lang, says):
    answers = tmp_path / "answers.yaml"
    answers.write_text("\n", encoding="utf-8")
    result = _run("check", GRAPH, answers, "--lang", lang)
    assert result.exit_code == 2 and says in result.output


# -- 4. σ' on a unit with another activation: the activation in words --------------------------------
XOR = Path(__file__).resolve().parent.parent / "problems" / "xor.yaml"
IDENTITY = """network: {inputs: [1, 2], bias: 0, layers: [[3], [5]], activation: identity}
weights: {0: {3: 1, 5: -4}, 1: {3: 3}, 2: {3: 4}, 3: {5: 2}}
sample: {x: {1: 1, 2: 0}, t: {5: 1}}
loss: half_squared_error
learning_rate: 0.5
"""


@pytest.mark.parametrize("lang, says", [("en", "unit 3's activation is ReLU, so its derivative is not that one; "
                                                "write g'(net_3) or ReLU's own derivative"),
                                        ("zh", "单元 3 的激活函数是 ReLU，其导数不是这个；请写 g'(net_3) 或 ReLU 自己的导数")])
def test_sigma_prime_in_working_names_relu_in_words(tmp_path, lang, says):
    a = tmp_path / "q.md"
    a.write_text("$\\delta_3 = \\delta_5 w_{35} \\sigma'(net_3) = 6$\n", encoding="utf-8")
    result = _run("check", XOR, a, "--part", "relu", "--lang", lang)
    assert says in result.output, result.output
    assert "activation is relu" not in result.output and "激活函数是 relu" not in result.output


@pytest.mark.parametrize("lang, word", [("en", "identity"), ("zh", "恒等")])
def test_sigma_prime_in_a_general_rule_names_the_activation_in_the_language(tmp_path, lang, word):
    problem = tmp_path / "identity.yaml"
    problem.write_text(IDENTITY, encoding="utf-8")
    a = tmp_path / "g.yaml"
    a.write_text('delta_output: "(u_k - z_k) \\\\sigma\'(net_k)"\n', encoding="utf-8")
    result = _run("check", problem, a, "--lang", lang)
    unit_k = "unit k's activation is " if lang == "en" else "单元 k 的激活函数是"
    assert unit_k + word in result.output, result.output


# -- 5. unit_names: a unit w1 next to a weight (or shared parameter) named w1 ------------------------
CLASH = """network:
  inputs: [i1, i2]
  bias: b
  layers: [[w1, h2], [o1]]
  activation: sigmoid
weights:
  b: {w1: 0.35, h2: 0.35, o1: 0.6}
  i1: {w1: {value: 0.15, name: WNAME}, h2: 0.25}
  i2: {w1: 0.25, h2: 0.30}
  w1: {o1: 0.40}
  h2: {o1: 0.45}
sample: {x: {i1: 0.05, i2: 0.10}, t: {o1: 0.01}}
loss: half_squared_error
learning_rate: 0.5
notation: {unit_names: true}
"""
NOTATION_LINE = 15          # the line of `notation:` above, where the other unit_names clashes point


def _problem(tmp_path, text: str) -> Path:
    path = tmp_path / "clash.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("lang, says", [
    ("en", "with unit_names, unit w1 would be written w_1, as weight w_i1_w1 named w1 is"),
    ("zh", "使用 unit_names 时，单元 w1 会写作 w_1，与名为 w1 的权重 w_i1_w1 相同")])
def test_unit_names_refuses_a_unit_named_as_a_weight(tmp_path, lang, says):
    path = _problem(tmp_path, CLASH.replace("WNAME", "w1"))
    result = _run("solve", path, "--lang", lang)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert f"{path}:{NOTATION_LINE}: notation.unit_names" in lines[0]
    assert says in lines[0]


@pytest.mark.parametrize("lang, says", [("en", "unit w1 would be written w_1, as the shared parameter w1 is"),
                                        ("zh", "单元 w1 会写作 w_1，与共享参数 w1 相同")])
def test_unit_names_refuses_a_unit_named_as_a_shared_parameter(tmp_path, lang, says):
    text = CLASH.replace("WNAME", "v1") + "shared: {w1: [w_i2_w1, w_i1_h2]}\n"      # both edges 0.25
    result = _run("solve", _problem(tmp_path, text), "--lang", lang)
    assert result.exit_code == 2 and says in result.output, result.output


def test_unit_names_other_weight_name_and_no_unit_names_are_fine(tmp_path):
    # a weight named v1 is no unit's name; without unit_names the unit w1 is u_{w1}, not w_1
    assert _run("solve", _problem(tmp_path, CLASH.replace("WNAME", "v1"))).exit_code == 0
    text = CLASH.replace("WNAME", "w1").replace("notation: {unit_names: true}\n", "")
    assert _run("solve", _problem(tmp_path, text)).exit_code == 0
