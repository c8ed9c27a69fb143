"""Bounded reading of untrusted files (issue 9): regular files only, read up to a limit; YAML depth,
alias-expanded size and number spellings; linear passes over write-up lines and answers.

Inputs that used to hang run in a subprocess with a generous timeout, so that a regression fails
instead of hanging; nothing here measures time."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROBLEMS

from symbackprop.answers.read import read_answers
from symbackprop.errors import SymbackpropError
from symbackprop.problem import load_problem, parse_problem

XOR = PROBLEMS / "xor.yaml"
HANG_GUARD = 120          # seconds: a hang becomes a failure, not a speed requirement


def run(*args: str | Path) -> subprocess.CompletedProcess:
    """The command in a fresh process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "symbackprop.cli", *map(str, args)], capture_output=True,
                          text=True, timeout=HANG_GUARD, cwd=str(Path(__file__).resolve().parent.parent))


def one_line_error(proc: subprocess.CompletedProcess, *words: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr[-2000:]
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def xor_problem():
    return load_problem(XOR)


@pytest.fixture(scope="module")
def xor_solution():
    from symbackprop.solution import solve
    return solve(XOR)


# -- numbers ------------------------------------------------------------------------------------
ODD_NUMBERS = [(".inf", "not a finite number"), ("-.Inf", "not a finite number"), (".nan", "not a finite number"),
               (".NaN", "not a finite number"), ("0x1F", "hexadecimal"), ("-0x1f", "hexadecimal"),
               ("0b101", "binary"), ("1:20", "base-60"), ("-1:20:30.5", "base-60"), ("1__0", "digit separators"),
               ("1_000", "digit separators"), ("1_0.5", "digit separators"), ("017", "octal"),
               ("1" * 5000, "has 5000 characters"), ("1" * 101, "has 101 characters"),
               ("!!float 1e999", "not a finite number"), ("!!int 0o17", "not a decimal number")]


@pytest.mark.parametrize("spelling, why", ODD_NUMBERS)
def test_an_answer_in_an_odd_number_spelling_is_reported_not_read(tmp_path, xor_problem, xor_solution, spelling, why):
    f = tmp_path / "a.yaml"
    f.write_text(f"relu:\n  u_4: 0\n  u_3: {spelling}\n", encoding="utf-8")
    sub = read_answers(f, xor_problem, xor_solution)
    # answered, so it is an item of the report: unreadable, with the reason as its message
    assert [a.qid for a in sub.answers["relu"]] == ["act_4", "act_3"] and sub.problems == []
    assert sub.answers["relu"][0].unreadable is None
    odd = sub.answers["relu"][1]
    assert why in odd.unreadable and "write numbers as decimals" in odd.unreadable and len(odd.unreadable) < 300
    assert len(odd.text) <= 41


@pytest.mark.parametrize("written", ["4", "4.0", "+4", "4.", "0.9820", "-0.5", "1.5e+3", "-0", ".5"])
def test_decimal_answers_keep_their_written_text(tmp_path, xor_problem, xor_solution, written):
    f = tmp_path / "a.yaml"
    f.write_text(f"relu:\n  u_3: {written}\n", encoding="utf-8")
    sub = read_answers(f, xor_problem, xor_solution)
    (ans,) = sub.answers["relu"]
    assert not sub.problems and ans.number and ans.text == written
    float(ans.text)                  # what the checker does with a number's text


@pytest.mark.parametrize("number, why", [("NaN", "not a finite number"), ("Infinity", "not a finite number"),
                                         ("-Infinity", "not a finite number"), ("1e999", "not a finite number"),
                                         ("1" * 5000, "has 5000 characters")])
def test_json_numbers_that_are_not_finite_are_reported(tmp_path, xor_problem, xor_solution, number, why):
    f = tmp_path / "a.json"
    f.write_text('{"relu": {"u_4": 0, "u_3": %s}}' % number, encoding="utf-8")
    sub = read_answers(f, xor_problem, xor_solution)
    assert [a.qid for a in sub.answers["relu"]] == ["act_4", "act_3"] and sub.problems == []
    assert why in sub.answers["relu"][1].unreadable


@pytest.mark.slow
def test_check_reports_odd_numbers_in_its_output_without_a_traceback(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("relu:\n  u_3: 0x1F\n  u_4: .inf\n  net_3: 1:20\n  u_5: 4\n", encoding="utf-8")
    proc = run("check", XOR, f)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    rows = {line.split()[0]: line for line in proc.stdout.splitlines() if line.startswith("  ") and line.split()}
    assert "unreadable" in rows["u_3"] and "'0x1F' is hexadecimal" in rows["u_3"]
    assert "unreadable" in rows["u_4"] and "'.inf' is not a finite number" in rows["u_4"]
    assert "unreadable" in rows["net_3"] and "'1:20' is a base-60 number" in rows["net_3"]


@pytest.mark.parametrize("spelling, why", ODD_NUMBERS)
def test_a_problem_file_number_in_an_odd_spelling_is_refused(spelling, why):
    text = XOR.read_text(encoding="utf-8").replace("learning_rate: 1\n", f"learning_rate: {spelling}\n")
    with pytest.raises(SymbackpropError) as err:
        parse_problem(text, "p.yaml")
    msg = str(err.value)
    assert msg.startswith("p.yaml:16: learning_rate: ") and why in msg and len(msg) < 300


@pytest.mark.parametrize("old, new", [
    ("learning_rate: 1\n", "learning_rate: {v}\n"),
    ("  0: {3: 1, 4: -6, 5: -4}\n", "  0: {{3: {v}, 4: -6, 5: -4}}\n"),
    ("sample: {x: {1: 1, 2: 0}, t: {5: 1}}\n", "sample: {{x: {{1: {v}, 2: 0}}, t: {{5: 1}}}}\n")])
@pytest.mark.slow
def test_solve_refuses_odd_numbers_everywhere_in_a_problem(tmp_path, old, new):
    text = XOR.read_text(encoding="utf-8")
    assert old in text
    for v in ("0x1F", ".inf", "1" * 5000):
        f = tmp_path / "p.yaml"
        f.write_text(text.replace(old, new.format(v=v)), encoding="utf-8")
        one_line_error(run("solve", f), "p.yaml:", "write numbers as decimals")


def test_a_date_like_or_clock_like_title_is_text(tmp_path):
    text = XOR.read_text(encoding="utf-8")
    for title in ("2001-02-30", "12:30", "0x1F", "2001-02-28 10:00:00"):
        prob = parse_problem(text.replace("title: XOR with a 2-2-1 network, one backpropagation step",
                                          f"title: {title}"), "p.yaml")
        assert prob.title == title


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "0x1F", "1" * 5000])
@pytest.mark.parametrize("field", ["items: {{u_3: {v}}}", "tolerance: {{relative: {v}}}",
                                   "tolerance: {{absolute: {v}}}", "credit: {{rounding: {v}}}"])
def test_rubric_values_must_be_finite_decimals(tmp_path, field, value):
    from symbackprop.answers import load_rubric
    from symbackprop.rubric import Rubric
    f = tmp_path / "r.yaml"
    f.write_text("grading:\n  " + field.format(v=value) + "\n", encoding="utf-8")
    with pytest.raises(SymbackpropError) as err:
        load_rubric(f, Rubric())
    assert "r.yaml" in str(err.value) and "write numbers as decimals" in str(err.value)
    # the same in a problem file's grading section, with its line
    text = XOR.read_text(encoding="utf-8") + "grading:\n  " + field.format(v=value) + "\n"
    with pytest.raises(SymbackpropError) as err:
        parse_problem(text, "p.yaml")
    assert str(err.value).startswith("p.yaml:") and "write numbers as decimals" in str(err.value)


@pytest.mark.slow
def test_check_refuses_a_nan_rubric_with_one_line(tmp_path):
    r = tmp_path / "r.yaml"
    r.write_text("grading:\n  items: {act_3: .nan}\n", encoding="utf-8")
    a = tmp_path / "a.yaml"
    a.write_text("relu:\n  u_3: 4\n", encoding="utf-8")
    one_line_error(run("check", XOR, a, "--rubric", r), "r.yaml", "grading.items.act_3", "not a finite number")


# -- nesting and aliases ------------------------------------------------------------------------
BOMB = "\n".join(['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'] +
                 [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]) + "\n"


def test_the_alias_bomb_is_small():
    assert len(BOMB) < 1000


@pytest.mark.slow
@pytest.mark.parametrize("role", ["problem", "answers", "rubric", "grading"])
def test_an_alias_bomb_is_refused_in_every_file(tmp_path, role):
    f = tmp_path / "bomb.yaml"
    ok = tmp_path / "a.yaml"
    ok.write_text("relu:\n  u_3: 4\n", encoding="utf-8")
    if role == "grading":         # inside an otherwise valid problem file
        f.write_text(XOR.read_text(encoding="utf-8") + "bomb:\n" + "".join("  " + ln + "\n" for ln in BOMB.splitlines()),
                     encoding="utf-8")
    else:
        f.write_text(BOMB, encoding="utf-8")
    args = {"problem": ("solve", f), "answers": ("check", XOR, f), "rubric": ("check", XOR, ok, "--rubric", f),
            "grading": ("solve", f)}[role]
    one_line_error(run(*args), "bomb.yaml", "aliases", "at most")


def test_merge_keys_share_settings_and_lines_stay_right():
    from symbackprop.yamlfile import parse_yaml
    doc = parse_yaml("base: &b {learning_rate: 0x1F, loss: x}\nparts:\n  - <<: *b\n    name: p\n"
                     "    loss: half_squared_error\n", "m.yaml")
    assert doc.data["parts"][0]["loss"] == "half_squared_error"
    assert doc.line_of(("parts", 0, "loss")) == 5
    assert doc.scalar_text(("parts", 0, "learning_rate")) == "0x1F"      # found through the merge
    assert doc.line_of(("parts", 0, "learning_rate")) == 1
    src = XOR.read_text(encoding="utf-8").replace(
        "parts:\n  - {name: relu, activation: relu}\n  - {name: sigmoid, activation: sigmoid}\n",
        "parts:\n  - &p {name: relu, activation: relu, learning_rate: 1}\n  - {<<: *p, name: sigmoid, "
        "activation: sigmoid}\n")
    assert "<<: *p" in src
    merged, plain = parse_problem(src, "m.yaml"), load_problem(XOR)
    assert merged.parts == plain.parts


@pytest.mark.parametrize("text, why", [("a: &a [*a]\n", "contains it"), ("? [1, 2]\n: 3\n", "a key must be text"),
                                       ("a: 1\nb: 2\na: 3\n", "given twice")])
def test_cycles_complex_keys_and_duplicates_are_refused(text, why):
    from symbackprop.yamlfile import parse_yaml
    with pytest.raises(SymbackpropError) as err:
        parse_yaml(text, "x.yaml")
    assert why in str(err.value) and str(err.value).startswith("x.yaml")


@pytest.mark.parametrize("depth", [101, 10_000])
@pytest.mark.slow
def test_deep_yaml_is_refused_with_its_line(tmp_path, depth):
    f = tmp_path / "deep.yaml"
    f.write_text("title: t\nx: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    one_line_error(run("solve", f), "deep.yaml:2:", "nested more than 100 levels")
    one_line_error(run("check", XOR, f), "deep.yaml:2:", "nested more than 100 levels")


def test_a_hundred_levels_are_read():
    from symbackprop.yamlfile import parse_yaml
    doc = parse_yaml("[" * 100 + "]" * 100, "ok.yaml")
    assert doc.data == [] or isinstance(doc.data, list)


@pytest.mark.parametrize("depth", [101, 5_000, 100_000])
@pytest.mark.slow
def test_deep_json_is_refused(tmp_path, depth):
    f = tmp_path / "deep.json"
    f.write_text('{"relu": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")
    one_line_error(run("check", XOR, f), "deep.json", "nested more than 100 levels")


@pytest.mark.slow
def test_many_keys_naming_one_quantity_cost_one_index(tmp_path):
    import itertools
    pads = ["".join(p) for n in range(4) for p in itertools.product("{} ,", repeat=n)]
    keys = [f"u{a}_{b}3{c}" for a, b, c in itertools.islice(itertools.product(pads, repeat=3), 40_000)]
    f = tmp_path / "many.yaml"
    f.write_text("relu:\n" + "".join(f'  "{k}": 4\n' for k in keys), encoding="utf-8")
    assert f.stat().st_size < 1024 * 1024
    proc = run("check", XOR, f, "--part", "relu")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "u_3" in proc.stdout and "correct" in proc.stdout


# -- files that are not regular files -------------------------------------------------------------
def special_files(tmp_path: Path) -> list[Path]:
    out = [tmp_path]                                        # a folder
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "fifo.yaml"
        os.mkfifo(fifo)
        out.append(fifo)
        for suffix in (".json", ".md"):
            p = tmp_path / f"fifo{suffix}"
            os.mkfifo(p)
            out.append(p)
    out += [Path(p) for p in ("/dev/zero", "/dev/urandom") if os.path.exists(p)]
    return out


@pytest.mark.slow
def test_fifos_devices_and_folders_are_refused_before_reading(tmp_path):
    ok = tmp_path / "ok.yaml"
    ok.write_text("relu:\n  u_3: 4\n", encoding="utf-8")
    d = tmp_path / "d"
    d.mkdir()
    for special in special_files(d):
        name = special.name
        one_line_error(run("solve", special), name, "not a file")
        one_line_error(run("check", XOR, special), name, "not a file")
        one_line_error(run("check", XOR, ok, "--rubric", special), name, "not a file")


@pytest.mark.slow
def test_read_limited_refuses_a_huge_file_without_reading_it(tmp_path):
    from symbackprop.yamlfile import read_limited
    f = tmp_path / "huge.json"
    with open(f, "wb") as fh:                  # sparse where the file system allows: 4 GB, no data
        fh.truncate(4 * 1024 ** 3)
    with pytest.raises(SymbackpropError) as err:
        read_limited(f, 1000, "an answers file")
    assert "larger than 1000 bytes" in str(err.value)
    proc = run("check", XOR, f)
    one_line_error(proc, "huge.json", "larger than 1048576 bytes")


# -- write-ups ------------------------------------------------------------------------------------
HOSTILE_LINES = {
    "parentheses": "$u_3 = " + "(" * 200_000 + "4" + ")" * 200_000 + "$",
    "open_math": "\\(" * 200_000,
    "max": "$u_3 = " + "\\max{" * 200_000 + "$",
    "escaped_max": "$u_3 = " + "\\max\\{" * 100_000 + "$",
    "dollars": "$" + "a=1, " * 100_000,
    "cases": "$u_3 = " + "\\begin{cases}" * 50_000 + "$",
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(HOSTILE_LINES))
def test_a_line_too_long_is_reported_in_the_row(tmp_path, kind):
    f = tmp_path / "w.md"
    f.write_text("$u_4 = 0$\n" + HOSTILE_LINES[kind] + "\n", encoding="utf-8")
    proc = run("check", XOR, f, "--part", "relu")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "line 2: " in proc.stdout and "a line may have at most 5000: not read" in proc.stdout
    alone = tmp_path / "alone.md"
    alone.write_text(HOSTILE_LINES[kind] + "\n", encoding="utf-8")
    one_line_error(run("check", XOR, alone, "--part", "relu"), "alone.md", "line 1: ", "at most 5000")


@pytest.mark.slow
def test_front_end_passes_finish_on_huge_hostile_text():
    """Every pass of the front end, on 400 KB of each hostile pattern: linear, so this ends."""
    code = r"""
from symbackprop.answers import latex as L
from symbackprop.answers.names import canon, TOKEN
from symbackprop.answers.read import math_segments, _join_continuations
pats = ["(", "((", "( (", "\\(", "$", "\\max{", "\\max\\{", "\\begin{cases}", "\\mathrm{step}(", "x=1,",
        "a ", "net_{a", "g'(", "\\delta^{(", ". So ", "&", "1e"]
for p in pats:
    t = p * (400_000 // len(p))
    L.normalize(t); L.split_equations(t); L.split_relations(t); L._cut_cases(t); math_segments(t)
    L._cut_calls(t + ")" * t.count("(")); TOKEN.sub("", t); canon(t)
    canon("\\frac{\\partial a" + " " * 400_000 + "b}{\\partial x}")
    _join_continuations([t, "& = 1"] * 3)
print("done")
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG_GUARD)
    assert proc.returncode == 0 and proc.stdout.strip() == "done", proc.stderr[-2000:]


@pytest.mark.parametrize("text, expected", [
    ("((x))", "(x)"), ("( ( (x) ) )", "(x)"), ("f((a)(b))", "f((a)(b))"), ("((a+(b)))", "((a+(b)))"),
    ("(((x))", "((x)"), ("((x)))", "(x))"), ("(((x)) + 1)", "((x) + 1)"),
    ("\\max\\{a, 0\\}", "\\max(a, 0)"), ("\\max{a, 0}", "\\max(a, 0)"), ("\\max{ \\max{a}", "\\max( \\max{a)"),
    ("\\max{a\n}", "\\max{a\n}"),
])
def test_normalize_rewrites_as_before(text, expected):
    from symbackprop.answers.latex import normalize
    assert normalize(text) == expected


@pytest.mark.parametrize("line, math, prose", [
    ("$a$ and \\(b\\)", ["a", "b"], "  and  "), ("$$x$", ["$x"], " "), ("\\(x", [], "\\(x"),
    ("$$a$$ $b$ \\[c\\]", ["a", "b", "c"], "     "), ("$ $", [" "], " "), ("$$", [], "$$"),
])
def test_math_delimiters_as_the_regex_found_them(line, math, prose):
    from symbackprop.answers.read import math_segments
    assert math_segments(line) == (math, prose)


def test_split_equations_joins_commas_inside_a_formula():
    from symbackprop.answers.latex import split_equations
    assert split_equations("u_3 = \\max(1, 2), u_4 = 0") == ["u_3 = \\max(1, 2)", "u_4 = 0"]
    assert split_equations("u_3 = 1, 2, 3") == ["u_3 = 1, 2, 3"]
    assert split_equations("x=1," * 3) == ["x=1", "x=1", "x=1"]


def test_long_keys_are_not_quantities(tmp_path, xor_problem, xor_solution):
    f = tmp_path / "a.yaml"
    f.write_text(json.dumps({"relu": {"u_3" + " " * 300: 4, "u_4": 0}}), encoding="utf-8")
    sub = read_answers(f, xor_problem, xor_solution)
    assert [a.qid for a in sub.answers["relu"]] == ["act_4"]
    assert len(sub.problems) == 1 and "not a quantity of this problem" in sub.problems[0]
    assert len(sub.problems[0]) < 200
