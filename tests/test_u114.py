"""Session 14, U1: the layout and precision of the optimizer's sections of a worked solution (trial t18,
issue 13): setting names as words, the per-step table as a table, states shown with the digits the next
line uses, and the display slips of the step output."""
from __future__ import annotations

import re
import shutil

import pytest
import sympy as sp

from symbackprop import optimizers
from symbackprop.render import render
from symbackprop.solution import solve

# a 2-2-1 tanh net, two samples (trial t18's p/adam_lec.yaml, its optimizer given per test)
from helpers import LINEAR, TANH_221  # noqa: E402  (LINEAR: problems/two_step_per_sample.yaml's network)
NET = "title: u1\n" + TANH_221
ADAM_LEC = NET + "optimizer: {name: adam, lr: 0.1}\nsteps: 3\n"


def every_setting(name: str, form: str) -> str:
    """The optimizer line with every setting of `name` in `form` given (a nonzero value where it may be one)."""
    row = optimizers.optimizer(name, form)
    given = {}
    for p in row.params:
        v = p.default if p.default != 0 else sp.Rational(1, 10)
        if name == "nesterov" and p.name == "dampening":    # torch's Nesterov needs dampening 0
            v = sp.Integer(0)
        if name == "nesterov" and p.name == "momentum" and v == 0:
            v = sp.Rational(9, 10)
        if name in ("sgd", "momentum") and p.name == "momentum" and v == 0:
            v = sp.Rational(9, 10)
        given[p.name] = v
    items = [f"name: {name}", f"form: {form}"]
    if "beta1" in given:
        items.append(f"betas: [{float(given.pop('beta1'))}, {float(given.pop('beta2'))}]")
    items += [f"{k}: {float(v)!r}" for k, v in given.items()]
    return "optimizer: {" + ", ".join(items) + "}\nsteps: 2\n"


def _write(tmp_path, text: str, name: str = "p.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# a word with underscores (weight_decay) set as subscripts: \mathrm{weight}_\mathrm{decay}, weight_{decay},
# MathML's <msub><mi>weight</mi>
_SUBSCRIPTED = re.compile(r"_\s*\\mathrm\{[A-Za-z]{2,}\}|_\{[A-Za-z]{3,}\}")


def _settings_ok(sol, settings_names):
    tex, md, html = render(sol, "latex"), render(sol, "markdown"), render(sol, "html")
    for doc in (tex, md):
        assert not _SUBSCRIPTED.search(doc), _SUBSCRIPTED.search(doc)
    assert not re.search(r"<mi>[A-Za-z]{2,}</mi></msub>", html)
    for name in settings_names:
        if "_" in name:
            escaped = name.replace("_", r"\_")
            assert rf"\text{{{escaped}}}" in tex and rf"\text{{{escaped}}}" in md
            assert f"<mtext>{name}</mtext>" in html


def test_setting_names_are_words_adagrad_pytorch(tmp_path):
    sol = solve(_write(tmp_path, LINEAR + every_setting("adagrad", "pytorch")))
    _settings_ok(sol, ["lr_decay", "weight_decay", "initial_accumulator_value"])
    # a file's word in the notes' words is code, not words whose underscores a viewer may take for emphasis
    assert "`initial_accumulator_value`" in render(sol, "markdown")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("latexmk") is None, reason="no latexmk")
@pytest.mark.parametrize("name", optimizers.NAMES)
@pytest.mark.parametrize("form", optimizers.FORMS)
def test_every_optimizer_builds_a_pdf(tmp_path, name, form):
    text = NET + every_setting(name, form)
    sol = solve(_write(tmp_path, text))
    row = optimizers.optimizer(name, form)
    _settings_ok(sol, [p.name for p in row.params])
    pdf = render(sol, "pdf", output=str(tmp_path / "out.pdf"))
    assert pdf[:5] == b"%PDF-"


# -- item 10: the "Every step" table is a table in every format ---------------------------------------

ONLINE_FROZEN = """\
title: online
network: {inputs: [1], bias: 0, layers: [[2]], activation: identity}
weights: {0: {2: 0}, 1: {2: {value: 0.8, frozen: true}}}
samples:
  - {x: {1: 1}, t: {2: 2}}
  - {x: {1: 2}, t: {2: 0}}
loss: half_squared_error
optimizer: {name: sgd, lr: 0.1}
update: per_sample
steps: 3
"""


@pytest.fixture(scope="module")
def online(tmp_path_factory):
    return solve(_write(tmp_path_factory.mktemp("online"), ONLINE_FROZEN))


def test_the_table_is_a_table_in_every_format(online):
    # by hand: b = w_02 moves by −η·(u − t), u = b + 0.8·x, the frozen w_12 = 0.8 stays (sample 1, 2, 1):
    # step 1 (x 1, t 2): u = 0.8, Δb = −0.1·(0.8 − 2) = 0.12; step 2 (x 2, t 0): u = 0.12 + 1.6 = 1.72,
    # Δb = −0.172, b = −0.052; step 3 (x 1, t 2): u = 0.748, Δb = 0.1252, b = 0.0732;
    # J_1 before step 3 = ½·(0.748 − 2)² = 0.783752, after = ½·(0.8732 − 2)² = 0.634839
    b_after = ["0.1200", "-0.0520", "0.0732"]
    md = render(online, "markdown")
    table = md[md.index("| $t$ |"):].split("\n\n")[0].splitlines()
    assert table[1] == "|" + "|".join(["---:"] * 6) + "|"
    assert table[0] == r"| $t$ | samples | sample's $J_n$ before | $J_n$ after | $w_{02}$ | $w_{12}$ |"
    rows = [[c.strip() for c in r.strip("|").split("|")] for r in table[2:]]
    assert [r[0] for r in rows] == ["1", "2", "3"] and [r[1] for r in rows] == ["1", "2", "1"]
    assert [r[4] for r in rows] == b_after
    assert [r[5] for r in rows] == ["0.8"] * 3          # a weight that never moves: the same digits every row
    html = render(online, "html")
    assert html.count('<table class="steps">') == 1 and html.count("<tr>") == 4
    assert '<td>0.0732</td><td>0.8</td></tr>' in html and "<th" in html and 'alttext="w_{02}"' in html
    tex = render(online, "latex")
    assert r"\begin{tabular}{rrrrrr}" in tex
    assert r"$t$ & samples & sample's $J_n$ before & $J_n$ after & $w_{02}$ & $w_{12}$ \\ \hline" in tex
    assert r"$3$ & $1$ & $0.7838$ & $0.6348$ & $0.0732$ & $0.8$" in tex and r"& $0.0732$ & $0.8$ \\" in tex and r"w\_\{" not in tex
    text = render(online, "text")
    lines = text[text.index("Every step"):].splitlines()[1:5]
    assert len({len(line) for line in lines}) == 1                      # aligned columns
    assert lines[3].split() == ["3", "1", lines[3].split()[2], lines[3].split()[3], "0.0732", "0.8"]
    zh = render(online, "text", lang="zh")
    assert "该样本 J_n 之前" in zh


def test_a_wide_long_table_is_split_into_tabulars_a_page_can_hold():
    from symbackprop.document import Table, Text
    from symbackprop.render.latex import TABLE_COLUMNS, TABLE_ROWS, table_latex
    n_rows, n_cols = TABLE_ROWS + 5, TABLE_COLUMNS + 3
    table = Table(tuple(Text(f"c{i}") for i in range(2 + n_cols)),
                  tuple(tuple([str(r), "1"] + [f"0.{r:04d}"] * n_cols) for r in range(n_rows)), 2)
    lines = table_latex(table)
    heads = [i for i, line in enumerate(lines) if line.startswith(r"\begin{tabular}")]
    assert len(heads) == 4                                  # 2 column groups × 2 row groups
    widths = [len(lines[i].split("{")[2].rstrip("}")) for i in heads]
    assert widths == [2 + TABLE_COLUMNS] * 2 + [2 + 3] * 2
    body = [line for line in lines if line.startswith("$")]
    assert len(body) == 2 * n_rows and all(line.count("&") + 1 in (2 + TABLE_COLUMNS, 5) for line in body)


# -- item 9: a value shown and then used is shown with the digits the next line needs -----------------

def _exact(text: str):
    """A printed arithmetic expression (numbers, + - × / ², ^, sqrt, parentheses) as an exact Fraction
    (a square root to 60 digits): the student's calculation from the printed numbers, no eval."""
    from decimal import Decimal, getcontext
    from fractions import Fraction
    getcontext().prec = 60
    tokens = re.findall(r"sqrt|[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?|[-+×/()²^·]", text.replace(" ", ""))
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else None

    def take():
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def expr():
        v = term()
        while peek() in ("+", "-"):
            v = v + term() if take() == "+" else v - term()
        return v

    def term():
        v = factor()
        while peek() in ("×", "/", "·"):
            v = v * factor() if take() in ("×", "·") else v / factor()
        return v

    def factor():
        if peek() == "-":
            take()
            return -factor()
        v = atom()
        while peek() in ("²", "^"):
            v = v ** 2 if take() == "²" else v ** int(take())
        return v

    def atom():
        t = take()
        if t == "(":
            v = expr()
            assert take() == ")"
            return v
        if t == "sqrt":
            assert take() == "("
            v = expr()
            assert take() == ")"
            return Fraction(Decimal(v.numerator) / Decimal(v.denominator)).limit_denominator(10 ** 40) \
                if v == 0 else Fraction((Decimal(v.numerator) / Decimal(v.denominator)).sqrt())
        return Fraction(t)
    v = expr()
    assert pos == len(tokens), text
    return v


def _rounds_to(x, printed: str) -> bool:
    """Whether x rounded half-up to the printed number's decimals is the printed number."""
    from fractions import Fraction
    places = len(printed.partition(".")[2])
    scaled = abs(x) * 10 ** places
    n = int(scaled + Fraction(1, 2))
    return Fraction(n * (1 if x >= 0 else -1), 10 ** places) == Fraction(printed)


@pytest.mark.slow
def test_adam_step_2_adds_up_from_the_printed_numbers(tmp_path):
    text = render(solve(_write(tmp_path, ADAM_LEC), steps=(2,)), "text")
    lines, printed = _printed_lines(text, "Step 2 of 3")
    assert len(lines) == 9 * 5                       # m, v, m̂, v̂, θ of the 9 weights
    for line in lines:
        links = re.split(r" (=|≈) ", line)
        numbers, value = links[-3], links[-1]
        assert _rounds_to(_exact(numbers), value), line
    # the worked example of the trial: v_1(w_03) = 0.001·g_1² = 0.000169629 (g_1 = −0.41186), and
    # v_2 = 0.999·v_1 + 0.001·g_2² with g_2 = −0.15668: 0.000169459 + 0.0000245486 = 0.000194008
    v_line = next(line for line in lines if line.startswith("v_t(w_{03})"))
    assert v_line.endswith("= 0.999×0.00016963 + (-0.15668)²×(1 - 0.999) ≈ 0.00019401"), v_line
    vhat = next(line for line in lines if line.startswith("v̂_t(w_{03})"))
    assert "= 0.00019401/(1 - 0.999²)" in vhat
    _put_in_as_printed(lines, printed)
    # step 2's forward pass: the output unit's line with the weights' 4 places as the other lines have them
    # (w_05, w_35, w_45 after Adam's step 1 ≈ 0.3 + 0.1, 0.8 + 0.1, −0.9 + 0.1), only u widened
    net5 = next(line for line in text.splitlines() if line.strip().startswith("net_5^(1) =")
                and "0.4000" in line)
    assert " = 0.4000×1 + 0.9000×" in net5 and " - 0.8000×" in net5, net5


def _put_in_as_printed(lines, printed):
    """A number put in for a value of the step is that value as printed (its line's value)."""
    for line in lines:
        lhs, rule, numbers = re.split(r" (?:=|≈) ", line)[:3]
        for name in re.findall(r"[^\s·×/()+\-²]+\(w_\{\d+\}\)", rule):
            if name in printed and name != lhs:
                assert printed[name].lstrip("-") in numbers, (name, printed[name], line)


def _printed_lines(text, title):
    block = text[text.index(title):text.index("Every step")].splitlines()[1:]
    lines = [line.strip() for line in block if " = " in line and "(w_{" in line and "Loss" not in line]
    printed = {}
    for line in block:
        m = re.match(r"\s*(\S+\(w_\{\d+\}\)) (?:.* )?[=≈] (-?[0-9.]+)$", line)
        if m:
            printed[m.group(1)] = m.group(2)
    return lines, printed


def test_a_small_state_is_printed_with_the_digits_the_next_line_uses(tmp_path):
    # one linear unit, Adam (lr 0.1): the fast tier's case of the test above; g_1(b) = mean(u − t) with
    # u = 1·x: (1 − 2 + 2 − 0)/2 = 0.5, g_1(w) = (1·(−1) + 2·2)/2 = 1.5; v_1 = 0.001·g² = 0.00025, 0.00225
    text = render(solve(_write(tmp_path, LINEAR + "optimizer: {name: adam, lr: 0.1}\nsteps: 2\n"), steps=(2,)),
                  "text")
    lines, printed = _printed_lines(text, "Step 2 of 2")
    assert len(lines) == 2 * 5
    for line in lines:
        links = re.split(r" (=|≈) ", line)
        assert _rounds_to(_exact(links[-3]), links[-1]), line
    _put_in_as_printed(lines, printed)
    v_line = next(line for line in lines if line.startswith("v_t(w_{02})"))
    assert "= 0.999×0.00025 + " in v_line
    small = [v for k, v in printed.items() if 0 < abs(float(v)) < 0.01]
    assert small and all(len(v.lstrip("-0.")) >= 4 for v in small), printed     # 4 significant figures


# -- item 13: display slips ---------------------------------------------------------------------------

def test_step_1_moves_every_parameter_by_eta_said_once(tmp_path):
    # Adam's step 1: Δθ = −η·g/√(g² + ε) with g = 0.5 and 1.5 (the linear unit above): |Δθ| = η·(1 − ~1e-7)
    sol = solve(_write(tmp_path, LINEAR + "optimizer: {name: adam, lr: 0.1}\nsteps: 2\n"))
    text, zh = render(sol, "text"), render(sol, "text", lang="zh")
    # t20 item 3 (W2): |Δθ| = 1·η reads "by η each"
    assert "by η each, although |g_1| ranged from 0.5 to 1.5" in text and "1·η" not in text
    assert "各移动了 η，而" in zh and "1·η" not in zh


def test_a_per_sample_step_names_its_one_sample(online):
    text = render(online, "text")
    assert "Step 1 of 3 (sample 1)" in text and "(samples" not in text


def test_a_re_solved_step_is_headed_by_what_it_holds(tmp_path):
    sol = solve(_write(tmp_path, ONLINE_FROZEN), steps=(2,))
    text = render(sol, "text")
    assert "Step 2: Output layer: δ and gradients" in text and "δ and updates" not in text[text.index("Step 2:"):]
    assert "Step 2 of 3 (sample 2)" in text


@pytest.mark.slow
def test_a_re_solved_step_is_headed_by_what_it_holds_and_keeps_the_kink_note(tmp_path):
    from pathlib import Path
    xor = (Path(__file__).resolve().parent.parent / "problems" / "xor.yaml").read_text(encoding="utf-8")
    xor = xor.replace("learning_rate: 1\n", "learning_rate: 0.1\n")      # trial t18's p/xor_adam.yaml
    xor += "optimizer: {name: adam, betas: [0.9, 0.999], eps: 1e-8, form: pytorch}\nsteps: 3\n"
    sol = solve(_write(tmp_path, xor), parts=["relu"], steps=(3,))
    text = render(sol, "text")
    # net_4 = −6·1 + 6·1 + 5·0 = 0 at the start; g'(0) = 0 gives w_04, w_14, w_24 zero gradients, so Adam
    # leaves them (m = v = 0, Δ = 0): net_4 is 0 at step 3 too, and its note is there
    step3 = text[text.index("Step 3: Forward pass"):text.index("Step 3: Loss")]
    assert "net_4 = w_{04}·x_0 + w_{14}·x_1 + w_{24}·x_2 = -6×1 + 6×1 + 5×0 = 0" in step3
    assert "g'(0) is taken as 0" in step3 and "net_4 = 0" in step3.splitlines()[-2]
    assert "Step 3: Output layer: δ and gradients" in text and "Step 3: Hidden layers: δ and gradients" in text
    assert "Step 3: Output layer: δ and updates" not in text
    md, html, tex = render(sol, "markdown"), render(sol, "html"), render(sol, "latex")
    assert "Output layer: $\\delta$ and gradients" in md and "Output layer: $\\delta$ and gradients" in tex
    assert "and gradients" in html
    zh = render(sol, "text", lang="zh")
    assert "第 3 步：输出层：δ 与梯度" in zh
