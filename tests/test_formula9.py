"""Session 9, issue 12 items 4-5 leftovers: the formula reader's own errors in Chinese, the facts a formula
loss declares (targets, half), and Greek unit names.

Expected texts are written by hand from the catalogue's sentences; numbers are computed here by hand
(math), never taken from the code under test."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
import sympy as sp
from click.testing import CliRunner
from conftest import ROOT

import symbackprop
from symbackprop import losses
from symbackprop.cli import main
from symbackprop.errors import ProblemError
from symbackprop.formula import MAX_DEPTH, MAX_LENGTH, MAX_NODES, Formula, FormulaError, Value
from symbackprop.messages import Said, say, text_of
from symbackprop.problem import parse_problem


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def english_words(text: str) -> list[str]:
    """Two English words in a row, outside what a line quotes ('…', "…"): none may be left in Chinese."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"", " ", text)
    return re.findall(r"[A-Za-z]{2,}[ ']+[A-Za-z]{2,}", text)


def has_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


ONE = """\
network: {{inputs: [1], bias: 0, layers: [[2]], activation: {act}}}
weights: {{0: {{2: 0.25}}, 1: {{2: 0.5}}}}
sample: {{x: {{1: 1}}, t: {{2: 0.5}}}}
loss: half_squared_error
"""

TWO = """\
network: {{inputs: [1, 2], bias: 0, layers: [[3], [4, 5]], activation: sigmoid{out}}}
weights: {{0: {{3: 0.1, 4: 0.2, 5: -0.3}}, 1: {{3: 0.5}}, 2: {{3: -0.4}}, 3: {{4: 0.7, 5: 0.6}}}}
sample: {{x: {{1: 1, 2: 0.5}}, t: {{4: {t4}, 5: {t5}}}}}
loss: {loss}
learning_rate: 0.5
"""


def two(loss: str, out: str = "", t4="1", t5="0") -> str:
    return TWO.format(loss=loss, out=out, t4=t4, t5=t5)


def refusal(text: str) -> ProblemError:
    with pytest.raises(ProblemError) as info:
        parse_problem(text, "p.yaml")
    return info.value


# -- 1. the formula reader's own errors, in English and in Chinese --------------------------------------

# (the activation's formula as YAML writes it, a part of the English reason, a part of the Chinese one,
# the column the reason names or None)
ACTIVATION_ERRORS = [
    ('"x.real"', "unexpected character '.' (attribute access is not allowed)", "意外的字符 '.'（不允许访问属性）", 2),
    ('"_x"', "unexpected character '_' (a name starts with a letter)", "'_'（名称须以字母开头）", 1),
    ('"x[0]"', "unexpected character '[' (indexing is not allowed)", "'['（不允许下标）", 2),
    ('"x = 1"', "unexpected character '='; allowed: numbers (3, -0.5, 1e-3), names", "意外的字符 '='；允许：数（3、-0.5、1e-3）", 3),
    ('"x $ 1"', "unexpected character '$'", "意外的字符 '$'", 3),
    ('"' + "+".join(["x"] * 120) + '"', f"formula too long: more than {MAX_NODES} numbers, names and operations",
     f"公式过长：数、名称和运算超过 {MAX_NODES} 个", None),
    ('"' + "(" * 31 + "x" + ")" * 31 + '"', f"formula nested too deeply: more than {MAX_DEPTH} levels",
     f"公式嵌套过深：超过 {MAX_DEPTH} 层", 31),
    ('"' + "x+" * 300 + 'x"', f"formula too long: 601 characters; at most {MAX_LENGTH}",
     f"公式过长：601 个字符；最多 {MAX_LENGTH} 个", None),
    ('"tanh(x"', "expected ')' to close the call of tanh, got end of the formula",
     "应为 ')'（闭合 tanh 的调用），实际为公式结尾", 7),
    ('"(x"', "expected ')' to close the '(' at column 1, got end of the formula", "闭合第 1 列的 '('", 3),
    ('"x x"', "unexpected 'x'; an operator (+ - * / ^) or the end was expected", "意外的 'x'；此处应为运算符", 3),
    ('"x + *"', "unexpected '*'; a number, a name, a function call or '(' was expected", "意外的 '*'；此处应为数、名称", 5),
    ('"foo(x)"', "unknown function 'foo'; functions: abs, cos", "未知的函数 'foo'；函数有：abs, cos", 1),
    ('"tanh(x, x)"', "tanh takes 1 argument, got 2", "tanh 接受 1 个参数，实际为 2 个", 1),
    ('"max(x)"', "max takes 2 arguments, got 1", "max 接受 2 个参数，实际为 1 个", 1),
    ('" "', "the formula is empty; allowed: numbers", "公式为空；允许：数", None),
    ('"x*1234567890123456789012345678901"', "number 12345678901234567890…(31 characters) has too many digits; at most 30",
     "位数过多；最多 30 位", 3),
    ('"x*1e99"', "exponent of 1e99 out of range; allowed -30 to 30", "1e99 的指数超出范围", 3),
    ('"y + x"', "unknown name 'y'; names allowed here: x", "未知的名称 'y'；此处允许的名称：x", 1),
    ('"x + tanh"', "unknown name 'tanh' (tanh is a function: call it as tanh(...))", "（tanh 是函数：请写成 tanh(...)）", 5),
    ('"x/0"', "division by zero", "除以零", 2),
    ('"x^x"', "the exponent must be a number (from -64 to 64)", "指数必须是数（-64 到 64）", 2),
    ('"x^100"', "exponent 100 too large; allowed -64 to 64", "指数 100 过大", 2),
    ('"x + 0^(-1)"', "division by zero (0 to a negative power)", "除以零（0 的负数次幂）", 6),
    ('"3"', "an activation formula must use x (the unit's net input)", "激活函数公式必须用到 x（单元的净输入）", None),
]


@pytest.mark.parametrize("formula, english, chinese, column", ACTIVATION_ERRORS,
                         ids=[f"act{i}" for i in range(len(ACTIVATION_ERRORS))])
def test_each_activation_formula_error_in_english_and_chinese(formula, english, chinese, column):
    err = refusal(ONE.format(act=f"{{formula: {formula}}}"))
    line = text_of(err)
    en = str(line)
    assert en.startswith("p.yaml:1: network.activation.formula: activation formula "), en
    assert english in en, en
    assert (f"column {column}: " in en) == (column is not None), en
    assert "\n" not in en
    zh = say(line, "zh")
    assert zh.startswith("p.yaml:1: network.activation.formula：激活函数公式 "), zh     # FILE:LINE kept
    assert chinese in zh, zh
    assert (f"第 {column} 列：" in zh) == (column is not None), zh
    assert english_words(zh) == [], zh


LOSS_ERRORS = [
    ('"t^2"', "a loss formula must use u (the output; t is its target)", "损失函数公式必须用到 u（输出；t 是它的目标值）", None),
    ('"(y - t)^2"', "unknown name 'y'; names allowed here: t, u", "未知的名称 'y'；此处允许的名称：t, u", 2),
    ('"u.t"', "unexpected character '.' (attribute access is not allowed)", "（不允许访问属性）", 2),
    ('"(u - t)^2/"', "unexpected end of the formula; a number, a name", "意外的公式结尾；此处应为数", 11),
]


@pytest.mark.parametrize("formula, english, chinese, column", LOSS_ERRORS, ids=[f"loss{i}" for i in range(len(LOSS_ERRORS))])
def test_each_loss_formula_error_in_english_and_chinese(formula, english, chinese, column):
    line = text_of(refusal(two(f"{{formula: {formula}}}")))
    assert str(line).startswith("p.yaml:4: loss.formula: loss formula ") and english in line, line
    assert (f"column {column}: " in line) == (column is not None), line
    zh = say(line, "zh")
    assert zh.startswith("p.yaml:4: loss.formula：损失函数公式 ") and chinese in zh, zh
    assert (f"第 {column} 列：" in zh) == (column is not None), zh
    assert english_words(zh) == [], zh


def _matrix(rows: int, cols: int, name: str) -> Value:
    return Value(sp.ImmutableMatrix(rows, cols, lambda r, c: sp.Symbol(f"{name}{r}{c}")), (rows, cols))


# the kinds only a computation graph meets (its matrices): the reader's reason said in each language
MATRIX_ERRORS = [
    ("A + x", "cannot add a 2×1 matrix to a 2×2 matrix", "不能把 2×1 矩阵加到 2×2 矩阵上"),
    ("A - s", "cannot subtract a scalar from a 2×2 matrix", "不能从 2×2 矩阵中减去标量"),
    ("x*A", "cannot multiply a 2×1 matrix by a 2×2 matrix: 1 column against 2 rows", "不能用 2×1 矩阵乘以 2×2 矩阵"),
    ("s/A", "cannot divide by a 2×2 matrix; only by a scalar", "不能除以 2×2 矩阵；只能除以标量"),
    ("A^2", "cannot raise a 2×2 matrix to a power", "不能对 2×2 矩阵求幂"),
    ("dot(A, x)", "dot takes two vectors of the same length; got a 2×2 matrix and a 2×1 matrix", "dot 接受两个等长的向量"),
    ("max(A, x)", "max of a 2×2 matrix and a 2×1 matrix: the shapes differ", "max 的参数为 2×2 矩阵和 2×1 矩阵：形状不同"),
    ("(" + "*".join(["A"] * 10) + ")" + "*x", "formula too large once written out", "公式展开后过大"),
]


@pytest.mark.parametrize("text, english, chinese", MATRIX_ERRORS, ids=[m[0][:12] for m in MATRIX_ERRORS])
def test_each_matrix_formula_error_in_english_and_chinese(text, english, chinese):
    names = {"A": _matrix(2, 2, "a"), "x": _matrix(2, 1, "x"), "s": Value(sp.Symbol("s"))}
    with pytest.raises(FormulaError) as info:
        Formula(text).build(names)
    why = info.value.text()
    assert isinstance(why, Said) and english in why, why
    zh = say(why, "zh")
    assert chinese in zh and has_chinese(zh) and english_words(zh) == [], zh


def test_a_formula_that_is_not_text_in_both_languages():
    with pytest.raises(FormulaError) as info:
        Formula(3)
    assert info.value.text() == "expected a formula (text), got int"
    assert say(info.value.text(), "zh") == "应为公式（文本），实际为 int"


def test_the_command_line_says_a_bad_formula_in_chinese_with_file_and_line(tmp_path):
    p = tmp_path / "f.yaml"
    p.write_text(ONE.format(act='{formula: "foo(x)"}'), encoding="utf-8")
    en = run("solve", p, env={"SYMBACKPROP_LANG": None})
    flag = run("solve", p, "--lang", "zh", env={"SYMBACKPROP_LANG": None})
    env = run("solve", p, env={"SYMBACKPROP_LANG": "zh"})
    assert en.exit_code == flag.exit_code == env.exit_code == 2
    assert en.output.strip() == (f"Error: {p}:1: network.activation.formula: activation formula 'foo(x)': column 1: "
                                 "unknown function 'foo'; functions: abs, cos, dot, elu, exp, gelu, identity, "
                                 "leaky_relu, ln, log, max, min, relu, sigmoid, sin, softplus, sqrt, sum, swish, tanh, "
                                 "transpose")
    assert flag.output == env.output
    assert flag.output.strip().startswith(f"错误：{p}:1: network.activation.formula：激活函数公式 'foo(x)'：第 1 列：未知的函数 'foo'")
    assert len(flag.output.strip().splitlines()) == 1 and "Traceback" not in flag.output


def test_a_loss_formula_kink_is_noted_in_chinese():
    part = parse_problem(two('{formula: "abs(u - t)"}'), "p.yaml").parts[0]
    note = losses.of(part).kink_note
    assert note == "the argument of abs, max or min in the loss formula is 0"
    assert say(note, "zh") == "损失函数公式中 abs、max 或 min 的参数为 0"


# -- 3. a formula loss declares its facts -------------------------------------------------------------

CE = dict(out=", output_activation: softmax")


def test_sum_to_one_gives_the_output_delta_its_short_form_as_cross_entropy():
    # softmax + −Σ t ln u with one-hot targets: δ_k = u_k − t_k (SymPy proves it with Σ t = 1)
    declared = symbackprop.solve(parse_problem(two('{formula: "-t*log(u)", name: my_ce, targets: sum_to_one}', **CE),
                                               "p.yaml"))
    undeclared = symbackprop.solve(parse_problem(two('{formula: "-t*log(u)", name: my_ce}', **CE), "p.yaml"))
    builtin = symbackprop.solve(parse_problem(two("cross_entropy", **CE), "p.yaml"))
    delta = [ln.strip() for ln in str(declared).splitlines() if ln.strip().startswith("δ_4 =")]
    assert delta and delta[0].startswith("δ_4 = u_4 - t_4 = "), delta
    assert delta == [ln.strip() for ln in str(builtin).splitlines() if ln.strip().startswith("δ_4 =")]
    long = [ln.strip() for ln in str(undeclared).splitlines() if ln.strip().startswith("δ_4 =")]
    assert long and not long[0].startswith("δ_4 = u_4 - t_4 ="), long
    # the value by hand: u_4 = softmax of (net_4, net_5), δ_4 = u_4 − 1
    u3 = 1 / (1 + math.exp(-(0.1 + 0.5 - 0.4 * 0.5)))
    n4, n5 = 0.2 + 0.7 * u3, -0.3 + 0.6 * u3
    u4 = math.exp(n4) / (math.exp(n4) + math.exp(n5))
    for sol in (declared, undeclared):
        assert math.isclose(sol.part("main").step("delta_4").float_value, u4 - 1, rel_tol=1e-12)


def test_sum_to_one_is_assumed_by_derive(tmp_path):
    path = tmp_path / "ce.yaml"
    path.write_text(two('{formula: "-t*log(u)", name: my_ce, targets: sum_to_one}', **CE), encoding="utf-8")
    r = run("derive", path)
    assert r.exit_code == 0, r.output
    assert "Assumed: targets sum to 1" in r.output, r.output
    assert "δ_k = ∂J/∂net_k = Σ_m[1..c] ∂J/∂u_m·∂u_m/∂net_k = u_k - t_k" in r.output, r.output


@pytest.mark.parametrize("targets, t4, t5, refused", [
    ("[0, 1]", "1", "0", None),
    ("[0, 1]", "2", "0", "target of unit 4 is 2; f needs targets in [0, 1]"),
    ("[0, null]", "5", "0", None),
    ("[0, null]", "1", "-1", "target of unit 5 is -1; f needs targets in 0 or more"),
    ("[null, 1]", "-7", "1", None),
    ("[null, 1]", "1", "3/2", "target of unit 5 is 3/2; f needs targets in 1 or less"),
    ("sum_to_one", "1", "-1", "target of unit 5 is -1; f needs targets in 0 or more"),
    ("any", "-9", "9", None),
])
def test_declared_target_ranges_are_checked_with_file_and_line(targets, t4, t5, refused):
    text = two(f'{{formula: "(u - t)^2", name: f, targets: {targets}}}', t4=t4, t5=t5)
    if refused is None:
        part = parse_problem(text, "p.yaml").parts[0]
        assert [v for _, v in part.samples[0].t] == [sp.Rational(t4), sp.Rational(t5)]
        return
    err = str(refusal(text))
    assert err.startswith("p.yaml:3: sample.t.") and refused in err, err


def test_target_facts_of_the_row():
    row = losses.of(parse_problem(two('{formula: "(u - t)^2", targets: [-1, 1]}'), "p.yaml").parts[0])
    assert (row.target_low, row.target_high, row.target_sum, row.half) == (-1, 1, None, False)
    assert row.constrains_targets
    row = losses.of(parse_problem(two('{formula: "-t*log(u)", targets: sum_to_one}', **CE), "p.yaml").parts[0])
    ce = losses.TABLE["cross_entropy"]
    assert (row.target_low, row.target_high, row.target_sum) == (ce.target_low, ce.target_high, ce.target_sum)
    row = losses.of(parse_problem(two('{formula: "(u - t)^2"}'), "p.yaml").parts[0])
    assert not row.constrains_targets and not row.half             # no facts unless declared


@pytest.mark.parametrize("formula, ok", [
    ("(u - t)^2/2", True), ("0.5*(u - t)^2", True), ("abs(u - t)/2", True), ("((u - t)^2 + (u - t)^4)/2", True),
    ("(u - t)^2", False), ("(u - t)^2/4", False), ("u/2 + t", False),
])
def test_half_is_accepted_only_for_a_half_formula(formula, ok):
    text = two(f'{{formula: "{formula}", half: true}}')
    if ok:
        assert losses.of(parse_problem(text, "p.yaml").parts[0]).half
    else:
        err = str(refusal(text))
        assert err.startswith("p.yaml:4: loss.half: half: true says the loss is 1/2 times a term") and formula in err


def _loss_by_hand() -> float:
    s = lambda v: 1 / (1 + math.exp(-v))                                     # noqa: E731
    u3 = s(0.1 + 0.5 * 1 - 0.4 * 0.5)
    u4, u5 = s(0.2 + 0.7 * u3), s(-0.3 + 0.6 * u3)
    return ((u4 - 1) ** 2 + u5 ** 2) / 2


@pytest.mark.parametrize("half, diagnosis", [(", half: true", "half_missing"),
                                             pytest.param("", "loss_doubled", marks=pytest.mark.slow)])
def test_a_declared_half_gives_the_left_out_half_diagnosis(tmp_path, half, diagnosis):
    p = tmp_path / "p.yaml"
    p.write_text(two(f'{{formula: "(u - t)^2/2"{half}}}'), encoding="utf-8")
    answers = tmp_path / "a.yaml"
    answers.write_text(f"loss: {2 * _loss_by_hand():.4f}\n", encoding="utf-8")
    r = run("check", p, answers, "--format", "json")
    item = [i for i in json.loads(r.output)["parts"][0]["items"] if i["id"] == "loss"][0]
    assert item["status"] == "wrong" and item["diagnosis"] == diagnosis, item


@pytest.mark.parametrize("loss, where, english, chinese", [
    ('{formula: "u", targets: 3}', "loss.targets", "targets of a loss formula are any (the default), sum_to_one",
     "损失函数公式的 targets 可为 any（默认）"),
    ('{formula: "u", targets: [0]}', "loss.targets", "or a range [low, high]", "或区间 [low, high]"),
    ('{formula: "u", targets: [null, null]}', "loss.targets", "got [null, null]", "得到 [null, null]"),
    ('{formula: "u", targets: ones}', "loss.targets", "got 'ones'", "得到 'ones'"),
    ('{formula: "u", targets: [1, 0]}', "loss.targets", "the range [1, 0] is empty", "区间 [1, 0] 为空"),
    ('{formula: "u", targets: [a, 1]}', "loss.targets[0]", "expected a number", "数"),
    ('{formula: "u", half: "yes"}', "loss.half", "true or false", "true"),
    ('{formula: "u", half: true}', "loss.half", "but the formula 'u' is not", "但公式 'u' 不是"),
])
def test_bad_loss_facts_are_one_line_errors_in_both_languages(loss, where, english, chinese):
    line = text_of(refusal(two(loss)))
    assert str(line).startswith(f"p.yaml:4: {where}: ") and english in line and "\n" not in line, line
    zh = say(line, "zh")
    assert zh.startswith(f"p.yaml:4: {where}：") and chinese in zh and has_chinese(zh), zh


def test_every_mistake_of_the_facts_is_reported_at_once():
    err = str(refusal(two('{formula: "u", targets: [a, b], half: 2}')))
    assert "loss.targets[0]" in err and "loss.targets[1]" in err and "loss.half" in err, err
    assert "is empty" not in err                # no second error made of the stand-in numbers


def test_the_docs_example_of_a_formula_loss_reads_as_documented():
    doc = (ROOT / "docs" / "problem-format.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- formula-loss-example -->\s*```yaml\n(.*?)```", doc, re.S)
    assert m, "docs/problem-format.md has the formula loss example"
    problem = parse_problem(m.group(1), "example.yaml")
    row = losses.of(problem.parts[0])
    assert row.target_sum == 1 and row.target_low == 0 and row.name == "my_cross_entropy"
    text = str(symbackprop.solve(problem))
    assert "δ_4 = u_4 - t_4 = " in text, text


def test_formula_loss_with_facts_survives_pickling():
    import pickle
    problem = parse_problem(two('{formula: "(u - t)^2/2", targets: [0, 1], half: true}'), "p.yaml")
    again = pickle.loads(pickle.dumps(problem))
    assert again.parts[0].loss_formula == problem.parts[0].loss_formula
    assert again.parts[0].loss_formula.half and again.parts[0].loss_formula.target_high == 1


# -- 2. Greek names for units and inputs --------------------------------------------------------------

GREEK_NET = """\
network: {inputs: [alpha, x2], bias: beta, layers: [[theta1, h], [lambda2]], activation: sigmoid}
weights:
  beta: {theta1: 0.1, h: -0.2, lambda2: 0.3}
  alpha: {theta1: 0.5, h: -0.4}
  x2: {theta1: 0.3, h: 0.6}
  theta1: {lambda2: 0.7}
  h: {lambda2: -0.5}
sample: {x: {alpha: 1, x2: -1}, t: {lambda2: 1}}
loss: half_squared_error
learning_rate: 0.5
"""


def _sig(v: float) -> float:
    return 1 / (1 + math.exp(-v))


def greek_by_hand() -> dict[str, float]:
    u_t = _sig(0.1 + 0.5 * 1 + 0.3 * -1)
    u_h = _sig(-0.2 - 0.4 * 1 + 0.6 * -1)
    net_l = 0.3 + 0.7 * u_t - 0.5 * u_h
    u_l = _sig(net_l)
    d_l = (u_l - 1) * u_l * (1 - u_l)
    return {"act_theta1": u_t, "act_h": u_h, "net_lambda2": net_l, "act_lambda2": u_l, "delta_lambda2": d_l,
            "delta_theta1": d_l * 0.7 * u_t * (1 - u_t), "grad_w_theta1_lambda2": d_l * u_t}


@pytest.fixture(scope="module")
def greek_file(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("greek") / "greek.yaml"
    p.write_text(GREEK_NET, encoding="utf-8")
    return p


def test_greek_units_in_text(greek_file):
    out = run("solve", greek_file).output
    assert "x_α = 1, x_{x2} = -1, t_{λ_2} = 1" in out, out
    assert "w_{β,θ_1} = 0.1, w_{α,θ_1} = 0.5" in out and "w_{β,h} = -0.2, w_{α,h} = -0.4" in out, out
    # the bias's term first, then the inputs as listed (alpha, x2): the network's order, not the ids'
    assert "net_{θ_1} = w_{β,θ_1}·x_β + w_{α,θ_1}·x_α + w_{x2,θ_1}·x_{x2}" in out, out
    assert "u_{θ_1} = g(net_{θ_1})" in out and "δ_{λ_2} = g'(net_{λ_2})·(u_{λ_2} - t_{λ_2})" in out, out
    assert "theta1" not in out and "lambda2" not in out and "alpha" not in out


@pytest.mark.parametrize("fmt", ["latex", pytest.param("markdown", marks=pytest.mark.slow)])   # the same LaTeX
def test_greek_units_in_latex_and_markdown(greek_file, fmt):
    out = run("solve", greek_file, "--format", fmt).output
    for piece in (r"u_{\theta_{1}}", r"\mathrm{net}_{\lambda_{2}}", r"x_{\alpha}", r"w_{\alpha,h}",
                  r"w_{\theta_{1},\lambda_{2}}", r"\delta_{\lambda_{2}}", r"t_{\lambda_{2}}"):
        assert piece in out, piece
    assert "theta1" not in out and "lambda2" not in out


def test_greek_units_in_html_keep_their_ids(greek_file):
    out = run("solve", greek_file, "--format", "html").output
    assert "<mi>θ</mi>" in out and "<mi>λ</mi>" in out and "<mi>α</mi>" in out and "<mi>β</mi>" in out
    assert 'data-step="act_theta1"' in out and 'data-step="w_alpha_theta1"' in out
    shown = re.sub(r'data-step="[^"]*"', "", out)
    assert "theta1" not in shown and "lambda2" not in shown


def test_greek_units_in_the_picture_and_the_weight_table(greek_file):
    out = run("solve", greek_file, "--format", "latex", "--standalone").output
    assert r"{$\alpha$};" in out and r"{$\theta_{1}$};" in out and r"{$\lambda_{2}$};" in out, out
    assert r"{$x2$};" in out and r"{$h$};" in out
    assert r"label=below:{\scriptsize bias $x_{\beta}$}" in out
    from symbackprop.render.picture import _table
    rows = _table(parse_problem(GREEK_NET, "g.yaml").parts[0], 4, "en")
    assert r"$\beta$ & $\theta_{1}$ & $0.1$ \\" in rows and r"$\theta_{1}$ & $\lambda_{2}$ & $0.7$ \\" in rows


def test_greek_units_keep_their_ids_and_values_in_json(greek_file):
    data = json.loads(run("solve", greek_file, "--format", "json").output)
    quantities = data["parts"][0]["quantities"]
    for qid, v in greek_by_hand().items():
        assert math.isclose(quantities[qid]["value"], v, rel_tol=1e-12), qid
    assert quantities["act_theta1"]["text"].startswith("u_{θ_1} = ")
    assert quantities["act_theta1"]["latex"].startswith(r"u_{\theta_{1}} = ")


def test_check_reads_greek_unit_names_as_written(greek_file, tmp_path):
    v = greek_by_hand()
    answers = tmp_path / "a.yaml"
    answers.write_text("\n".join([
        f"'u_{{\\theta_1}}': {v['act_theta1']:.4f}",
        f"'u_θ1': {v['act_theta1']:.4f}",
        f"'\\delta_{{\\lambda_2}}': {v['delta_lambda2']:.4f}",
        f"'δ_theta1': {v['delta_theta1']:.4f}",
        f"'net_λ2': {v['net_lambda2']:.4f}",
        f"'\\frac{{\\partial J}}{{\\partial w_{{\\theta_1 \\lambda_2}}}}': {v['grad_w_theta1_lambda2']:.4f}",
        f"'∂J/∂w_{{θ1,λ2}}': {v['grad_w_theta1_lambda2']:.4f}",
        f"'u_theta1': {v['act_theta1']:.4f}",
    ]) + "\n", encoding="utf-8")
    r = run("check", greek_file, answers, "--format", "json")
    data = json.loads(r.output)
    items = {i["id"]: i["status"] for i in data["parts"][0]["items"]}
    assert items == {"act_theta1": "correct", "delta_lambda2": "correct", "delta_theta1": "correct",
                     "net_lambda2": "correct", "grad_w_theta1_lambda2": "correct"}, r.output
    assert "not a quantity" not in r.output


def test_delta_eta_sigma_units_are_kept_as_written():
    text = GREEK_NET.replace("theta1", "eta1").replace("lambda2", "sigma")
    out = str(symbackprop.solve(parse_problem(text, "g.yaml")))
    assert "u_{eta1} = g(net_{eta1})" in out and "δ_{sigma}" in out and "η" in out, out
    assert "θ" not in out
