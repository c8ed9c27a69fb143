"""Session 12, task A (issue 12): messages of the answer reader and the formula parser.

1. a derivative on a write-up's left side that names no quantity (`$dL/dn = 0.5$`) gets "did you mean …?";
2. an unclosed environment, \\left or brace in an answer says what is unclosed, in en and zh;
3. `e^(-x)` / `e**(-x)` in a formula says "write exp(-x) for e^(-x)" (a graph's own name e stays a name).
"""
from __future__ import annotations

import sympy as sp
import pytest
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.formula import FormulaError, Value, parse_formula
from symbackprop.messages import say

SLOW = pytest.mark.slow
NETWORK = """title: t
network: {inputs: [1], bias: 0, layers: [[2]]}
weights: {0: {2: 1}, 1: {2: 2}}
sample: {x: {1: 1}, t: {2: 1}}
learning_rate: 1
"""


def _run(*args):
    r = CliRunner().invoke(main, [*args])
    return r.exit_code, r.output


# -- 3. Euler's e in a formula ------------------------------------------------------------------------

@pytest.mark.parametrize("formula,written,exp", [
    ("1/(1 + e^(-x))", "e^(-x)", "exp(-x)"),
    ("1/(1 + e**(-x))", "e**(-x)", "exp(-x)"),
    pytest.param("1/(1 + e^-x)", "e^-x", "exp(-x)", marks=SLOW),
    pytest.param("x*e^(2*x - 1)", "e^(2*x - 1)", "exp(2*x - 1)", marks=SLOW),
])
def test_activation_formula_with_e_power_says_exp(tmp_path, formula, written, exp):
    f = tmp_path / "p.yaml"
    f.write_text(NETWORK + f'loss: half_squared_error\nparts:\n  - name: p\n    activation: {{formula: "{formula}"}}\n')
    code, out = _run("solve", str(f))
    assert code == 2 and "Traceback" not in out
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1, out
    # FILE:LINE of the formula (line 9 of the file), the field, and the spelling to write for the one written
    assert lines[0].startswith(f"Error: {f}:9: parts[0].activation.formula: ")
    assert f"write {exp} for {written}" in lines[0]
    # the column is that of the e (1-based), as the formula reader counts
    assert f"column {formula.index('e') + 1}:" in lines[0]


def test_loss_formula_with_e_power_says_exp(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(NETWORK + 'loss: {formula: "log(1 + e^(u - t))"}\nactivation: sigmoid\n'.replace(
        "activation: sigmoid\n", "") + "parts:\n  - {name: p, activation: sigmoid}\n")
    code, out = _run("solve", str(f))
    assert code == 2 and f"{f}:6: loss.formula" in out and "write exp(u - t) for e^(u - t)" in out, out


def test_e_alone_says_exp_1_and_zh(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(NETWORK + 'loss: half_squared_error\nparts:\n  - {name: p, activation: {formula: "e*x"}}\n')
    code, out = _run("solve", str(f))
    assert code == 2 and "exp(1)" in out, out
    code, out = _run("solve", str(f), "--lang", "zh")
    assert code == 2 and "exp(1)" in out and "自然常数" in out, out


def test_graph_formula_e_power_says_exp(tmp_path):
    f = tmp_path / "g.yaml"
    f.write_text("model: graph\ninputs: {x: 1}\nnodes:\n  s: 1/(1 + e^(-x))\noutput: s\n")
    code, out = _run("solve", str(f))
    assert code == 2 and f"{f}:4: nodes.s" in out and "write exp(-x) for e^(-x)" in out, out
    code, out = _run("solve", str(f), "--lang", "zh")
    assert code == 2 and "请把 e^(-x) 写成 exp(-x)" in out, out


def test_a_name_e_stays_that_name():
    """Where the names include e (a graph's own input or node), e^(-2) is that name to a power: e = 2
    gives 2^-2 = 1/4, not Euler's e^-2 (and no hint: the formula is read)."""
    e, x = sp.symbols("e x")
    value = parse_formula("e^(-2)", {"e": Value(e), "x": Value(x)})
    assert value.expr == e ** (-2)
    assert value.expr.subs({e: 2}) == sp.Rational(1, 4)
    assert parse_formula("e**(-2)", {"e": Value(e)}).expr == e ** (-2)
    assert parse_formula("e*x", {"e": Value(e), "x": Value(x)}).expr == e * x


def test_exp_itself_is_read():
    x = sp.Symbol("x")
    assert parse_formula("exp(-x)", {"x": Value(x)}).expr == sp.exp(-x)
    with pytest.raises(FormulaError) as err:
        parse_formula("e^(-x)", {"x": Value(x)})
    assert "write exp(-x) for e^(-x)" in say(err.value.text(), "en")


# -- 2. an unclosed construct in an answer ----------------------------------------------------------

XOR = "problems/xor.yaml"
QUADRATIC = "problems/quadratic.yaml"


@pytest.fixture(scope="module")
def checker_of(grader_of, parser):
    """`checker_of(problem_file)`: the session's grader of a network, or one GraphChecker per graph file for
    the module (nothing either keeps depends on a student): each problem is solved once."""
    from symbackprop.answers.graph_answers import GraphChecker
    from symbackprop.graph import load_graph, solve_graph
    graphs: dict = {}

    def make(problem):
        if problem not in (XOR, "problems/xor_appendix.yaml"):
            if problem not in graphs:
                graphs[problem] = GraphChecker(solve_graph(load_graph(problem)), parser=parser)
            return lambda path, part: graphs[problem].check_file(path)
        return grader_of(problem).check
    yield make
    for checker in graphs.values():
        checker.close()


def _verdicts(checker_of, problem, path, part=None):
    """The verdicts by id and what was not read, from the module's checker of the problem."""
    reports, not_read = checker_of(problem)(path, part)
    return {v.qid: v for v in reports[0].verdicts}, [str(p) for p in not_read]



@pytest.mark.parametrize("text,said", [
    (r"\begin{bmatrix} 1 & 2 \\ 3 & 4", r"\begin{bmatrix} is not closed: \end{bmatrix} is missing"),
    pytest.param(r"\begin{cases} 4 & net_3 > 0", r"\begin{cases} is not closed: \end{cases} is missing", marks=SLOW),
    pytest.param(r"4 \end{cases}", r"\end{cases} closes nothing: \begin{cases} is missing", marks=SLOW),
    pytest.param(r"\begin{bmatrix} 4 \end{pmatrix}", r"\begin{bmatrix} is closed by \end{pmatrix}: write \end{bmatrix}", marks=SLOW),
    (r"\left(4", r"\left( is not closed: a \right is missing (in `\left(4`)"),
    pytest.param(r"\frac{1}{2", "{ is not closed: a } is missing (in `\\frac{1}{2`)", marks=SLOW),
    pytest.param(r"\max\{4, 0", r"\{ is not closed: a \} is missing (in `\max\{4, 0`)", marks=SLOW),
    pytest.param("(2+2 = 4", "( is not closed: a ) is missing (in `(2+2 = 4`)", marks=SLOW),
    pytest.param("｛4", "{ is not closed: a } is missing (in `{4`)", marks=SLOW),             # full-width, as an input method types it
])
def test_unclosed_answer_says_what_and_where(checker_of, tmp_path, text, said):
    f = tmp_path / "a.json"
    import json
    f.write_text(json.dumps({"relu": {"u_3": text}}), encoding="utf-8")
    got, _ = _verdicts(checker_of, XOR, f, "relu")
    assert got["act_3"].status == "unreadable" and got["act_3"].message == said


def test_unclosed_in_chinese(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text('relu:\n  u_3: "\\\\begin{bmatrix} 1 & 2"\n  u_4: "\\\\left(0"\n', encoding="utf-8")
    code, out = _run("check", XOR, str(f), "--part", "relu", "--lang", "zh")
    assert code == 1 and "Traceback" not in out
    assert "\\begin{bmatrix} 没有闭合：缺少 \\end{bmatrix}" in out, out
    assert "\\left( 没有闭合：缺少 \\right" in out, out


@pytest.mark.parametrize("text,status", [
    ("4)", "correct"), (r"4 \right)", "correct"), ("4}", "correct"),      # a closer with nothing open: as before
    pytest.param(r"\left(4\right)", "correct", marks=SLOW), pytest.param(r"\left(4)", "correct", marks=SLOW),
    pytest.param(r"\max\{4, 0\}", "correct", marks=SLOW),
    pytest.param(r"\begin{cases} 4 & net_3 > 0 \\ 0 & \text{otherwise} \end{cases}", "correct", marks=SLOW),
])
def test_closed_answers_read_as_before(checker_of, tmp_path, text, status):
    import json
    f = tmp_path / "a.json"
    f.write_text(json.dumps({"relu": {"u_3": text}}), encoding="utf-8")
    got, _ = _verdicts(checker_of, XOR, f, "relu")
    assert got["act_3"].status == status, got["act_3"].message


def test_graph_writeup_matrix_left_open_is_said_by_its_line(checker_of, tmp_path):
    f = tmp_path / "g.md"
    f.write_text("$y = 0.5$\n"
                 "$$\\frac{\\partial L}{\\partial A} = \\begin{bmatrix} 1 & 2 & 3 \\\\ 3 & 4 & 5 \\\\ 1 & 1 & 1$$\n"
                 "$q = {3$\n", encoding="utf-8")
    got, not_read = _verdicts(checker_of, QUADRATIC, f)
    assert got["y"].status == "correct"
    assert got["q"].status == "unreadable" and got["q"].message == "{ is not closed: a } is missing (in `{3`)"
    assert any(p.startswith("line 2: ") and "\\begin{bmatrix} is not closed: \\end{bmatrix} is missing" in p
               for p in not_read), not_read
    # a matrix that is closed is read: its nine entries are items (the entries are wrong values here)
    f.write_text("$$\\frac{\\partial L}{\\partial A} = \\begin{bmatrix} 1 & 2 & 3 \\\\ 3 & 4 & 5 \\\\ 1 & 1 & 1"
                 "\\end{bmatrix}$$\n", encoding="utf-8")
    got, not_read = _verdicts(checker_of, QUADRATIC, f)
    assert sum(k.startswith("grad_A_") for k in got) == 9 and not not_read, not_read


# -- 1. a derivative that names no quantity, in a write-up --------------------------------------------

CIRCUIT = "problems/circuit.yaml"


def _not_read(checker_of, problem, text, tmp_path, part=None):
    """What line 3 of a write-up (`text`, after two lines the problem reads or passes over) gives as not read."""
    f = tmp_path / "w.md"
    f.write_text("$u_3 = 4$\n$q = 3$\n" + text + "\n", encoding="utf-8")
    _, not_read = _verdicts(checker_of, problem, f, part)
    return [line for line in not_read if "line 3" in line]


@pytest.mark.parametrize("text,hint", [
    # δ_5 = ∂L/∂net_5 in the in-class convention (problems/xor.yaml, notation.delta: dJ_dnet); the hint says
    # that definition (session 13, F1: so that a student of the other convention reads this problem's sign)
    (r"$\frac{\partial L}{\partial net_5} = 3$", "(did you mean δ_5, as δ_5 = ∂L/∂net_5 in this problem?)"),
    pytest.param("$dL/dnet5 = 3$", "(did you mean δ_5, as δ_5 = ∂L/∂net_5 in this problem?)", marks=SLOW),
    pytest.param(r"$\frac{dL}{d\,net_3} = 0$", "(did you mean δ_3, as δ_3 = ∂L/∂net_3 in this problem?)",
                 marks=SLOW),
    # the other letter on top: the weight's gradient in the problem's letter
    pytest.param("$dJ/dw_{35} = -12$", "(did you mean ∂L/∂w_{35}?)", marks=SLOW),
    # a kind the problem has, for a unit it has not
    pytest.param(r"$\delta_9 = 3$", "(did you mean δ_5 or δ_4?)", marks=SLOW),
    # close to nothing: the problem's derivatives, as the solution names them
    ("$dL/dn = 0.5$", "its derivatives are named as the solution writes them: ∂L/∂w_{05}, δ_5 = ∂L/∂net_5"),
    pytest.param(r"$\frac{\partial L}{\partial n} = 0.5$", "∂L/∂w_{05}, δ_5 = ∂L/∂net_5", marks=SLOW),
    pytest.param("dL/dn = 0.5", "∂L/∂w_{05}, δ_5 = ∂L/∂net_5", marks=SLOW),                     # a plain line
])
def test_network_derivative_left_sides_get_a_hint(checker_of, tmp_path, text, hint):
    said = _not_read(checker_of, XOR, text, tmp_path, part="relu")
    assert len(said) == 1 and hint in said[0] and "not a quantity of this problem" in said[0], said


@SLOW
def test_appendix_convention_names_delta_with_its_sign(checker_of, tmp_path):
    """δ = −∂J/∂net in the appendix's notation (problems/xor_appendix.yaml): the hint says so. With no
    equation read, the file's error carries the hint."""
    from symbackprop.answers.latex import AnswerError
    f = tmp_path / "w.md"
    f.write_text("$dJ/dn = 0.5$\n", encoding="utf-8")
    with pytest.raises(AnswerError) as err:
        _verdicts(checker_of, "problems/xor_appendix.yaml", f, "relu")
    assert "line 1: dJ/dn: not a quantity of this problem" in str(err.value)
    assert "∂J/∂w_{50}, δ_5 = −∂J/∂net_5" in str(err.value)


@pytest.mark.parametrize("text,hint", [
    ("$dL/dq = -4$", "(did you mean ∂f/∂q?)"),                         # circuit's output is f
    pytest.param(r"$\frac{\partial L}{\partial q} = -4$", "(did you mean ∂f/∂q?)", marks=SLOW),
    pytest.param("∂L/∂q = -4", "(did you mean ∂f/∂q?)", marks=SLOW),                           # a plain line
    pytest.param("$df/dxx = -4$", "(did you mean ∂f/∂x?)", marks=SLOW),
    pytest.param("$grad_xx = -4$", "(did you mean ∂f/∂x or ∂f/∂z?)", marks=SLOW),               # item names, not ids
    ("$df/dn = 1$", "its derivatives are named as the solution writes them: ∂f/∂q, ∂f/∂x, ∂f/∂y, ∂f/∂z"),
])
def test_graph_derivative_left_sides_get_a_hint(checker_of, tmp_path, text, hint):
    said = _not_read(checker_of, CIRCUIT, text, tmp_path)
    assert len(said) == 1 and hint in said[0], said


@SLOW
def test_derivative_hint_in_chinese(tmp_path):
    f = tmp_path / "w.md"
    f.write_text("$u_3 = 4$\n$dL/dn = 0.5$\n", encoding="utf-8")
    code, out = _run("check", XOR, str(f), "--part", "relu", "--lang", "zh")
    assert code == 1 and "Traceback" not in out
    assert "第 2 行：dL/dn：不是本题中的量；本题的导数按解答的写法命名：∂L/∂w_{05}, δ_5 = ∂L/∂net_5" in out, out


@pytest.mark.parametrize("text", [
    r"$\frac{\partial L}{\partial net_j} = \delta_j$",            # a general statement: no answer, no hint
    pytest.param(r"$\delta_k = (u_k - z_k) g'(net_k)$", marks=SLOW),
    pytest.param("The derivative dL/dq = -4 is the gradient of the loss", marks=SLOW),      # prose
])
def test_general_statements_and_prose_get_no_hint(checker_of, tmp_path, text):
    assert _not_read(checker_of, XOR, text, tmp_path, part="relu") == []


def test_graph_rule_stated_over_a_sum_gets_no_hint(checker_of, tmp_path):
    """The worked solution's note `∂f/∂p = Σ_g ∂f/∂g·∂g/∂p` (p no name of the graph) states the rule: read back
    with no hint, as the solution must read back entirely right."""
    text = r"Each step sums over the nodes that use $p$: $\partial f/\partial p = \sum_{g} \partial f/\partial g \cdot \partial g/\partial p$"
    assert _not_read(checker_of, CIRCUIT, text, tmp_path) == []


def test_a_units_own_derivative_and_a_graphs_local_partial(checker_of, tmp_path):
    """∂u_5/∂net_5 is g'(net_5) ("did you mean g'(net_5)?", not δ_5); a graph's local partial ∂q/∂x (q = x + y)
    is a step of the working, no item and no hint."""
    said = _not_read(checker_of, XOR, r"$\frac{\partial u_5}{\partial net_5} = 1$", tmp_path, part="relu")
    assert len(said) == 1 and "(did you mean g'(net_5)?)" in said[0], said
    assert _not_read(checker_of, CIRCUIT, r"$\frac{\partial q}{\partial x} = 1$", tmp_path) == []
    assert _not_read(checker_of, CIRCUIT, "dq/dx = 1", tmp_path) == []


def test_answers_file_derivative_keys_get_the_same_hints(checker_of, tmp_path):
    import json
    f = tmp_path / "k.json"
    f.write_text(json.dumps({"relu": {"u_3": 4, "dL/dn": 0.5, "\\frac{\\partial L}{\\partial net_5}": 3}}))
    got, not_read = _verdicts(checker_of, XOR, f, "relu")
    assert set(got) == {"act_3"}
    assert "relu: dL/dn: not a quantity of this problem; its derivatives are named as the solution writes them: " \
           "∂L/∂w_{05}, δ_5 = ∂L/∂net_5" in not_read, not_read
    assert "relu: \\frac{\\partial L}{\\partial net_5}: not a quantity of this problem (did you mean δ_5, as δ_5 = ∂L/∂net_5 in this problem?)" \
        in not_read       # the hint with this problem's δ definition (session 13, F1)


def test_a_function_differentiated_is_no_name(checker_of, tmp_path):
    """The kink note of a graph's solution, `∂\\max/∂r = ∂\\max/∂s = step(0) = 0.5`: a function's derivative,
    no quantity's; no hint (the solution reads back entirely right: tests/test_trial11_fixes.py)."""
    text = r"the one taken is $\partial \max/\partial r = \partial \max/\partial s = \operatorname{step}(0) = 0.5$."
    assert _not_read(checker_of, CIRCUIT, text, tmp_path) == []
