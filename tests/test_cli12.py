"""Issue 12's rough edges for new users: printing a solution, steps by written name, the README's
snippets, `symbackprop list`, "did you mean …?" hints and shell completion."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PROBLEMS, ROOT

import symbackprop
from symbackprop.cli import main
from symbackprop.stepname import StepNotFound
from symbackprop.suggest import closest

XOR = str(PROBLEMS / "xor.yaml")


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def xor():
    return symbackprop.solve(XOR)


# -- 1. printing a solution -------------------------------------------------------------------------
def test_print_solution_is_the_worked_solution(xor):
    text = str(xor)
    assert text == run("solve", XOR).output          # what `symbackprop solve` prints, byte for byte
    # the lecture's numbers, worked by hand (GUIDE §4): ReLU δ_5 = 3, sigmoid u_3 = 1/(1+e^-4) ≈ 0.9820
    assert "δ_5 = g'(net_5)·(u_5 - z_1) = 1×(4 - 1) = 3" in text
    assert "u_3 = g(net_3) = 1/(1 + exp(-net_3)) = 1/(1 + exp(-4)) ≈ 0.9820" in text
    assert "Part relu" in text and "Part sigmoid" in text
    assert len(text) < 10_000                      # the worked solution, not a repr of SymPy trees


def test_print_part_is_that_part_only(xor):
    text = str(xor.part("sigmoid"))
    assert text.startswith("Part sigmoid: activation sigmoid")
    assert "Part relu" not in text
    assert "≈ 0.9820" in text and "max(" not in text
    # the same lines as `solve --part sigmoid`
    cli = run("solve", XOR, "--part", "sigmoid").output
    assert text.strip() in cli


def test_reprs_are_short(xor):
    assert repr(xor) == "<Solution xor.yaml: parts relu, sigmoid>"
    assert repr(xor.part("relu")) == f"<PartSolution relu: {len(xor.part('relu').steps)} steps>"
    one = symbackprop.solve(XOR, parts=["sigmoid"])
    assert repr(one) == "<Solution xor.yaml: parts sigmoid>"


# -- 2. steps by the names people write --------------------------------------------------------------
@pytest.mark.parametrize("name, qid", [
    ("act_3", "act_3"), ("u_3", "act_3"), ("u3", "act_3"), ("u_{3}", "act_3"),
    ("\\delta_5", "delta_5"), ("δ_5", "delta_5"), ("δ5", "delta_5"), ("\\delta_{5}", "delta_5"),
    ("dL/dw_35", "grad_w_3_5"), ("dJ/dw_35", "grad_w_3_5"), ("∂L/∂w_35", "grad_w_3_5"),
    ("\\frac{\\partial L}{\\partial w_{35}}", "grad_w_3_5"), ("dL/dw_{13}", "grad_w_1_3"),
    ("\\Delta w_{13}", "update_w_1_3"), ("Δw_13", "update_w_1_3"), ("w_{35}^{new}", "new_w_3_5"),
    ("w35^new", "new_w_3_5"), ("w35", "w_3_5"), ("net3", "net_3"), ("net_4", "net_4"),
    ("g'(net_5)", "gprime_5"), ("L", "loss"), ("J", "loss"), ("z_1", "target_5"), ("η", "learning_rate"),
])
def test_step_accepts_written_names(xor, name, qid):
    step = xor.part("sigmoid").step(name)
    assert step.id == qid


def test_step_by_name_is_the_same_step_as_by_id(xor):
    part = xor.part("sigmoid")
    assert part.step("\\delta_5") is part.step("delta_5")
    assert abs(part.step("δ_5").float_value - (-0.12717)) < 1e-4     # the lecture's δ_5 ≈ −0.1272


def test_step_follows_the_problems_notation():
    # xor_appendix writes the loss J and its own symbols: J is the loss there, and L names nothing else
    sol = symbackprop.solve(PROBLEMS / "xor_appendix.yaml")
    part = sol.parts[0]
    loss = next(s for s in part.steps if s.key.kind == "loss")
    assert part.step(part.names.text[loss.symbol]) is loss
    assert part.step("loss") is loss


@pytest.mark.parametrize("name, hint", [("dJ/dw_99", "∂L/∂w_{"), ("\\delta_55", "δ_5"), ("net_33", "net_3")])
def test_unknown_step_says_did_you_mean(xor, name, hint):
    with pytest.raises(KeyError) as info:
        xor.part("sigmoid").step(name)
    message = str(info.value)
    assert isinstance(info.value, StepNotFound)
    assert message.startswith(f"part sigmoid has no step named {name!r}")
    assert "did you mean" in message and hint in message


def test_unknown_step_without_a_close_name(xor):
    with pytest.raises(KeyError) as info:
        xor.part("relu").step("zz")
    assert "did you mean" not in str(info.value) and "act_3" in str(info.value)
    with pytest.raises(KeyError):
        xor.part("relu").step("u" * 100_000)          # a huge name is looked up and refused, never rewritten


def test_unknown_part_says_did_you_mean(xor):
    with pytest.raises(KeyError) as info:
        xor.part("sigmiod")
    assert str(info.value) == "no part named 'sigmiod'; parts are relu, sigmoid (did you mean sigmoid?)"


# -- 3. the README's snippets run as written ---------------------------------------------------------
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def _python_blocks(path: Path) -> list[str]:
    return FENCE.findall(path.read_text(encoding="utf-8"))


def test_the_readme_has_python_blocks_and_names_existing_files():
    blocks = _python_blocks(ROOT / "README.md")
    assert blocks, "README.md's Python section lost its ```python block"
    for block in blocks:
        for name in re.findall(r"[\"']([\w./-]+\.(?:yaml|yml|json|md|tex))[\"']", block):
            assert (ROOT / name).is_file(), f"README names {name}, which is not in the repository"


@pytest.mark.slow
@pytest.mark.parametrize("doc", [d for d in DOCS if _python_blocks(d)], ids=lambda p: p.name)
def test_doc_python_blocks_run(doc, tmp_path):
    """Every ```python block of a document, in order, in one fresh interpreter (the blocks of a page
    build on each other), in a folder holding the repository's problems/ and examples/. docs/checking.md
    names a student's file `answers.yaml`: the folder has one (the example answers)."""
    shutil.copytree(ROOT / "problems", tmp_path / "problems")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copy(ROOT / "examples" / "xor_answers.yaml", tmp_path / "answers.yaml")
    code = "\n".join(_python_blocks(doc))
    script = tmp_path / "snippet.py"
    script.write_text(code, encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    r = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                       encoding="utf-8", timeout=300, env=env)
    assert r.returncode == 0, f"{doc.name}'s Python blocks failed:\n{r.stderr[-3000:]}"
    if doc.name == "README.md":
        assert "Part sigmoid" in r.stdout and "≈ 0.9820" in r.stdout      # print(sol.part("sigmoid"))


def test_example_answers_check_as_their_comment_says(grader_of):
    reports, not_read = grader_of(XOR).check(ROOT / "examples" / "xor_answers.yaml")   # the session's solved xor
    assert not not_read
    by_part = {r.part: r for r in reports} if hasattr(reports[0], "part") else dict(zip(("relu", "sigmoid"), reports))
    sig = {v.name: v for v in by_part["sigmoid"].verdicts}
    assert sig["δ_5"].status != "correct"                              # the sign slip on purpose
    assert all(v.status == "correct" for v in by_part["relu"].verdicts)


# -- 5. "did you mean …?" -------------------------------------------------------------------------------
def test_closest_is_bounded_and_case_blind():
    assert closest("sigmiod", ["sigmoid", "tanh"]) == ["sigmoid"]
    assert closest("SIGMOD", ["sigmoid", "tanh"]) == ["sigmoid"]
    assert closest("sigmoid", ["sigmoid", "tanh"]) == []            # a known name needs no hint
    assert closest("xyzzy", ["sigmoid", "tanh"]) == []
    assert closest("s" * 10**6, ["sigmoid"]) == []                  # compared by its start only


def _problem(tmp_path, old, new, count=1):
    text = (PROBLEMS / "xor.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "p.yaml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("old, new, start, hint", [
    ("activation: sigmoid}", "activation: sigmiod}", ":24: parts[1].activation: unknown activation 'sigmiod'",
     "(did you mean sigmoid?)"),
    ("activation: relu}", "activation: rleu}", ":23: parts[0].activation: unknown activation 'rleu'",
     "(did you mean relu?)"),
    ("loss: half_squared_error", "loss: half_sqared_error", ":15: loss: unknown loss 'half_sqared_error'",
     "(did you mean half_squared_error?)"),
    ("learning_rate: 1", "learnin_rate: 1", ":16: learnin_rate: unknown field 'learnin_rate' in a problem",
     "(did you mean learning_rate?)"),
    ("notation: {weight: from_to", "notation: {weight: from_too", "notation.weight: unknown weight notation",
     "(did you mean from_to?)"),
    ("  inputs: [1, 2]", "  input: [1, 2]", "network.input: unknown field 'input'", "(did you mean inputs?)"),
])
def test_problem_file_misspellings_get_a_hint(tmp_path, old, new, start, hint):
    path = _problem(tmp_path, old, new)
    r = run("solve", path)
    assert r.exit_code == 2
    line = r.output.strip().splitlines()[0]           # the first mistake, as the reader gives it alone
    assert start in line and line.endswith(hint), line


def test_a_far_name_gets_no_hint(tmp_path):
    r = run("solve", _problem(tmp_path, "activation: sigmoid}", "activation: xyzzy}"))
    assert r.exit_code == 2 and "unknown activation 'xyzzy'" in r.output and "did you mean" not in r.output


def test_hint_in_chinese(tmp_path):
    r = run("solve", _problem(tmp_path, "activation: sigmoid}", "activation: sigmiod}"), "--lang", "zh")
    assert r.exit_code == 2 and "你是指 sigmoid 吗" in r.output


def test_part_option_misspelt():
    r = run("solve", XOR, "--part", "sigmiod")
    assert r.exit_code == 2
    assert "no part named 'sigmiod'; parts are relu, sigmoid (did you mean sigmoid?)" in r.output


def test_format_option_misspelt():
    r = run("solve", XOR, "--format", "jsn")
    assert r.exit_code == 2
    assert "'jsn' is not one of 'text', 'json', 'latex', 'markdown', 'pdf', 'html'. Did you mean 'json'?" in r.output
    r = run("solve", XOR, "--format", "jsn", "--lang", "zh")
    assert r.exit_code == 2 and "你是指 'json' 吗" in r.output
    r = run("solve", XOR, "--format", "xyzzy")
    assert r.exit_code == 2 and "Did you mean" not in r.output


def test_derive_options_misspelt():
    r = run("derive", "--activation", "sigmod")
    assert r.exit_code == 2 and "(did you mean sigmoid?)" in r.output
    r = run("derive", "--loss", "cross_entropi")
    assert r.exit_code == 2 and "(did you mean cross_entropy?)" in r.output


def test_check_ids_misspelt(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("sigmoid:\n  delta_55: -0.1272\n  u_3: 0.9820\n", encoding="utf-8")
    r = run("check", XOR, str(answers), "--part", "sigmoid")
    assert "delta_55" in r.output and "did you mean" in r.output


# -- 4. symbackprop list ---------------------------------------------------------------------------------
# The formulas as a teacher writes them, typed here by hand (not produced by the code under test).
ACTIVATION_LINES = {
    "sigmoid": ["g(x) = 1/(1 + exp(-x))", "g'(x) = g·(1 - g)"],
    "tanh": ["g(x) = tanh(x)", "g'(x) = 1 - g²"],
    "relu": ["g(x) = max(x, 0)", "g'(x) = step(x)"],
    "identity": ["g(x) = x", "g'(x) = 1"],
    "softplus": ["g(x) = ln(exp(x) + 1)", "g'(x) = 1/(1 + exp(-x))"],
    "softmax": ["∂u_k/∂x_k = u_k·(1 - u_k)", "∂u_m/∂x_k (m ≠ k) = -u_k·u_m"],
}
LOSS_LINES = {
    "half_squared_error": ["J = Σ_k (t_k - u_k)²/2", "∂J/∂u_k = u_k - t_k"],
    "squared_error": ["J = Σ_k (t_k - u_k)²", "∂J/∂u_k = -2·(t_k - u_k)"],
    "mse": ["J = (1/K) Σ_k (t_k - u_k)²", "∂J/∂u_k = -2·(t_k - u_k)/K"],
    "l1": ["J = Σ_k |t_k - u_k|", "∂J/∂u_k = -sign(t_k - u_k)"],
    "cross_entropy": ["J = -Σ_k t_k·ln(u_k)", "∂J/∂u_k = -t_k/u_k"],
    "binary_cross_entropy": ["J = -Σ_k (t_k·ln(u_k) + (1 - t_k)·ln(1 - u_k))"],
}


def _entries(text: str) -> dict[str, list[str]]:
    """The text listing's lines grouped by the name that starts each entry."""
    out: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"^  (\w+)\s{2,}(.*)$", line)
        if m:
            current = m.group(1)
            out[current] = [m.group(2)]
        elif current and line.startswith("    "):
            out[current].append(line.strip())
        else:
            current = None
    return out


def test_list_shows_every_activation_and_loss_with_formulas():
    from symbackprop import activations, losses
    r = run("list")
    assert r.exit_code == 0
    entries = _entries(r.output)
    assert set(entries) == set(activations.NAMES) | set(losses.NAMES)
    for name, lines in {**ACTIVATION_LINES, **LOSS_LINES}.items():
        for line in lines:
            assert line in entries[name], (name, line, entries[name])
    assert "also written logistic" in " ".join(entries["sigmoid"])
    assert "slope = 1/100" in " ".join(entries["leaky_relu"])
    assert "default output activation softmax" in " ".join(entries["cross_entropy"])


def test_list_derivatives_agree_with_sympy_diff():
    """Each activation's g'(x) as listed (its srepr, g read as g(x)) is d/dx of its listed g(x), checked at
    points on both sides of 0; each loss's ∂J/∂u_k is ∂/∂u_k of its term."""
    import sympy as sp
    data = json.loads(run("list", "--format", "json").output)
    x, g = sp.Symbol("x", real=True), sp.Symbol("g")
    checked = 0
    for row in data["activations"]:
        if row["name"] in ("relu", "softmax"):          # relu(x, g0) is our own function; softmax a layer
            continue
        params = {sp.Symbol(p): sp.Rational(1, 3) for p in row["parameters"]}
        value = sp.sympify(row["formula_srepr"]).subs(params)        # our own output, read in a test
        shown = sp.sympify(row["derivatives_srepr"][0]).subs(params).subs(g, value)
        for point in (sp.Rational(-3, 2), sp.Rational(7, 5)):
            want = sp.diff(value, x).subs(x, point)
            assert abs(float(shown.subs(x, point)) - float(want)) < 1e-12, row["name"]
        checked += 1
    # every row of the table but relu and softmax (a row added to activations.py is checked too)
    from symbackprop.activations import NAMES
    assert checked == len([n for n in NAMES if n not in ("relu", "softmax")]) >= 8
    u, t = sp.Symbol("u_k", real=True), sp.Symbol("t_k", real=True)
    for row in data["losses"]:
        term = sp.sympify(row["formula_srepr"])
        shown = sp.sympify(row["derivatives_srepr"][0]).subs(sp.Symbol("K", positive=True), 1)
        for uu, tt in ((sp.Rational(1, 4), sp.Rational(1, 2)), (sp.Rational(2, 3), sp.Rational(1, 5))):
            want = sp.diff(term, u).subs({u: uu, t: tt})
            assert abs(float(shown.subs({u: uu, t: tt})) - float(want)) < 1e-12, row["name"]


def test_list_formats_and_language():
    md = run("list", "losses", "--format", "markdown").output
    assert md.startswith("## Losses") and "| `cross_entropy` |" in md and r"\frac{\partial J}{\partial u_k}" in md
    data = json.loads(run("list", "--format", "json").output)
    from symbackprop.losses import NAMES
    listed = [r["name"] for r in data["losses"]]
    assert listed == list(NAMES)            # every row of losses.py, in its order (a row added there is listed)
    assert {"half_squared_error", "squared_error", "mse", "l1", "cross_entropy", "binary_cross_entropy",
            "none"} <= set(listed)
    none = next(r for r in data["losses"] if r["name"] == "none")           # the one output's value, not a sum
    assert none["formula"] == "J = u_k" and none["derivatives"] == ["∂J/∂u_k = 1"]
    ce = next(r for r in data["losses"] if r["name"] == "cross_entropy")
    assert ce["formula"] == "J = -Σ_k t_k·ln(u_k)" and ce["derivatives"] == ["∂J/∂u_k = -t_k/u_k"]
    assert ce["aliases"] == ["ce"]
    zh = run("list", "--lang", "zh").output
    assert "激活函数" in zh and "损失函数" in zh and "g'(x) = g·(1 - g)" in zh
    r = run("list", "--format", "jsn")
    assert r.exit_code == 2 and "Did you mean 'json'?" in r.output
    r = run("list", "lossses")
    assert r.exit_code == 2 and "Did you mean 'losses'?" in r.output


# -- 7. shell completion -----------------------------------------------------------------------------------
def _complete(words: str, cword: int) -> list[str]:
    env = {"_SYMBACKPROP_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    r = CliRunner().invoke(main, [], env=env, prog_name="symbackprop")
    assert r.exit_code == 0
    return r.output.splitlines()


@pytest.mark.parametrize("shell, marker", [("bash", "complete -o nosort -F _symbackprop_completion symbackprop"),
                                            ("zsh", "compdef _symbackprop_completion symbackprop"),
                                            ("fish", "complete --no-files --command symbackprop")])
def test_completion_script_is_produced(shell, marker):
    r = CliRunner().invoke(main, [], env={"_SYMBACKPROP_COMPLETE": f"{shell}_source"}, prog_name="symbackprop")
    assert r.exit_code == 0 and marker in r.output and "_SYMBACKPROP_COMPLETE" in r.output


def test_completion_completes_commands_options_and_files():
    assert _complete("symbackprop so", 1) == ["plain,solve"]
    assert _complete("symbackprop li", 1) == ["plain,list"]
    assert set(_complete("symbackprop ", 1)) == {"plain,check", "plain,derive", "plain,grade", "plain,list",
                                                  "plain,solve", "plain,train"}
    assert _complete("symbackprop solve problems/xor.yaml --form", 3) == ["plain,--format"]
    formats = _complete("symbackprop solve problems/xor.yaml --format ", 4)
    assert formats == [f"plain,{f}" for f in ("text", "json", "latex", "markdown", "pdf", "html")]
    assert _complete("symbackprop solve prob", 2) == ["file,prob"]          # the shell completes the path
    assert _complete("symbackprop grade p.yaml sub", 3) == ["file,sub"]


@pytest.mark.slow
def test_completion_through_the_installed_command():
    exe = shutil.which("symbackprop", path=os.path.dirname(sys.executable)) or shutil.which("symbackprop")
    if exe is None:
        pytest.skip("the console script is not installed next to this Python")
    env = {**os.environ, "_SYMBACKPROP_COMPLETE": "bash_complete", "COMP_WORDS": "symbackprop so", "COMP_CWORD": "1"}
    r = subprocess.run([exe], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.split() == ["plain,solve"]
    env = {**os.environ, "_SYMBACKPROP_COMPLETE": "bash_source"}
    r = subprocess.run([exe], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "_symbackprop_completion" in r.stdout


# -- 6. every mistake of a problem file at once ------------------------------------------------------------
SIX_MISTAKES = [("learning_rate: 1", "learnin_rate: 1"), ("loss: half_squared_error", "loss: half_sqared_error"),
                ("activation: relu}", "activation: rleu}"), ("3: 1, 4: -6", "3: one, 4: -6"),
                ("weight: from_to", "weight: fromto"), ("activation: sigmoid}", "activation: sigmiod}")]


def _xor_with(tmp_path, edits, name="p.yaml"):
    text = (PROBLEMS / "xor.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_mistake_is_reported_with_its_line(tmp_path):
    path = _xor_with(tmp_path, SIX_MISTAKES)
    r = run("solve", str(path))
    assert r.exit_code == 2
    lines = r.output.strip().removeprefix("Error: ").splitlines()
    # the lines of xor.yaml, counted by hand: learning_rate 16, loss 15, relu part 23, weights row 0 is 9,
    # notation 19, sigmoid part 24
    # in line order (session 13, F5)
    assert [ln.split(": ")[0] for ln in lines] == [f"{path}:{n}" for n in (9, 15, 16, 19, 23, 24)]
    assert "unknown field 'learnin_rate'" in lines[2] and "expected a number" in lines[0]
    assert "unknown weight notation 'fromto'" in lines[3] and "'rleu'" in lines[4] and "'sigmiod'" in lines[5]


@pytest.mark.parametrize("k", range(len(SIX_MISTAKES)))
def test_the_first_line_is_the_error_of_that_mistake_alone(tmp_path, k):
    """Each mistake alone gives one line; with the others after it in the file, its line is still there
    as written, and the first line of the whole report is the mistake of the earliest line alone."""
    alone = run("solve", str(_xor_with(tmp_path, [SIX_MISTAKES[k]], "alone.yaml"))).output.strip()
    assert alone.count("\n") == 0 and alone.startswith("Error: ")
    everything = run("solve", str(_xor_with(tmp_path, SIX_MISTAKES, "alone.yaml"))).output.strip()
    assert alone.removeprefix("Error: ") in [ln.removeprefix("Error: ") for ln in everything.splitlines()]
    # the lines are in line order (session 13, F5): the first is the mistake of the earliest line, the
    # weights row (line 9), alone
    first = run("solve", str(_xor_with(tmp_path, [SIX_MISTAKES[3]], "alone.yaml"))).output.strip()
    assert everything.splitlines()[0] == first


def test_a_mistake_the_rest_depends_on_stops_that_section_only(tmp_path):
    # an unknown notation field: the notation is not read further (no second error from it), the
    # activation mistake after it is still found
    path = _xor_with(tmp_path, [("weight: from_to", "colour: red, weight: from_to"),
                                ("activation: sigmoid}", "activation: sigmiod}")])
    lines = run("solve", str(path)).output.strip().splitlines()
    assert len(lines) == 2
    assert "notation.colour: unknown field 'colour'" in lines[0] and "'sigmiod'" in lines[1]


def test_a_top_level_mistake_shared_by_the_parts_is_reported_once(tmp_path):
    lines = run("solve", str(_xor_with(tmp_path, [("3: 1, 4: -6", "3: one, 4: -6")]))).output.strip().splitlines()
    assert len(lines) == 1 and "weights.0.3" in lines[0]


def test_at_most_twenty_mistakes_then_a_count(tmp_path):
    text = (PROBLEMS / "xor.yaml").read_text(encoding="utf-8")
    text += "".join(f"extra_{i}: 1\n" for i in range(30))
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    r = run("solve", str(path))
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 21
    assert all(re.match(rf"(Error: )?{re.escape(str(path))}:\d+: extra_\d+: unknown field", ln) for ln in lines[:20])
    assert lines[20] == "… and 10 more (the first 20 are shown)"
    zh = run("solve", str(path), "--lang", "zh").output.strip().splitlines()
    assert len(zh) == 21 and zh[20] == "……还有 10 处（只列出前 20 处）"


def test_the_library_error_keeps_the_first_mistake_and_lists_all(tmp_path):
    from symbackprop.errors import ProblemError
    from symbackprop.problem import load_problem
    from symbackprop.problem_errors import ProblemErrors
    path = _xor_with(tmp_path, SIX_MISTAKES[:2])
    with pytest.raises(ProblemError) as info:
        load_problem(path)
    err = info.value
    assert isinstance(err, ProblemErrors) and len(err.errors) == 2
    assert (err.line, err.field) == (15, "loss")              # the earlier line first (session 13, F5)
    assert str(err).splitlines() == [str(e) for e in err.errors]
    one = _xor_with(tmp_path, SIX_MISTAKES[:1], "one.yaml")
    with pytest.raises(ProblemError) as info:
        load_problem(one)
    assert not isinstance(info.value, ProblemErrors)          # one mistake: the reader's own error, as before
