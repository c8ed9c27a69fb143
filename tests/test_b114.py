"""Session 14, B1 (issue 13): the float run's display written without SymPy (printing.format_float, the same text
as format_value), `list optimizers`' settings written as the tool writes numbers, and the optimizer's setting
errors reported together, each FILE:LINE."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from symbackprop.printing import format_float, format_value

ROOT = Path(__file__).resolve().parent.parent


# -- 1. format_float is format_value of the float ---------------------------------------------------

def _floats(seed: int, n: int) -> list[float]:
    """Floats over 26 decades, half-way points of every precision 0–9 exactly and nearly, values that round
    up to the next power of ten (9.9995e-5), the edges of the fast path (1e-12, half a unit, 1e8)."""
    rng = random.Random(seed)
    xs = [10 ** rng.uniform(-14, 13) * rng.choice((1, -1)) for _ in range(n)]
    for p in range(10):
        for _ in range(n // 50):
            m = rng.randint(0, 10**6)
            xs += [(m + 0.5) / 10**p, -(m + 0.5) / 10**p, (m + 0.5 + rng.uniform(-2e-3, 2e-3)) / 10**p,
                   9.9995 * 10.0 ** -rng.randint(1, 14), (rng.randint(1000, 9999) + 0.5) * 10.0 ** -rng.randint(5, 18),
                   0.5 / 10**p, 1 / 10**p, float(rng.randint(-100, 100))]
    return xs + [0.0, -0.0, 1e-12, 1.01e-12, 0.99e-12, 1e8, 1e12, 1e13, float("inf"), float("nan")]


def _check_floats(xs: list[float]) -> None:
    for x in xs:
        if x != x or x in (float("inf"), float("-inf")):
            continue                                   # the run's values are finite (format_value's domain)
        for p in range(10):
            assert format_float(x, p) == format_value(sp.Float(x), p, x)[0], (x, p)


def test_format_float_is_format_value():
    """The second path is format_value itself (Fractions, the exact binary value rounded half-up)."""
    _check_floats(_floats(1, 50))


@pytest.mark.slow
def test_format_float_is_format_value_many():
    _check_floats(_floats(2, 5000))           # 13,000 floats, 10 precisions each


def test_format_float_examples():
    """By hand: 0.12345 is 0.1234500000000000041… in binary, 4 places: 0.1235; 1.5e-7 at 4 places keeps its
    first 4 significant digits, 0.0000001500; 0.0000099996 under half a unit too: 4 digits 9999.6·10⁻⁹ round up
    to 1000·10⁻⁸, 0.00001000; 0.000099996 is over half a unit: 4 places, 0.0001."""
    assert format_float(0.12345, 4) == "0.1235"
    assert format_float(-2.0, 4) == "-2.0000"
    assert format_float(1.5e-7, 4) == "0.0000001500"
    assert format_float(0.0000099996, 4) == "0.00001000"
    assert format_float(0.000099996, 4) == "0.0001"
    assert format_float(0.5, 0) == "0.5"          # half a unit of the last place: its first digit, not ≈ 1


@pytest.mark.slow
def test_json_display_of_steps_not_shown(tmp_path):
    """Every float quantity of a run's JSON (steps not shown in full) shows format_value of its value."""
    text = (ROOT / "problems" / "xor_adam.yaml").read_text(encoding="utf-8")
    src = tmp_path / "p.yaml"
    src.write_text(text.replace("steps: 5", "steps: 12"), encoding="utf-8")
    from symbackprop.render import render
    from symbackprop.solution import solve
    data = json.loads(render(solve(str(src)), "json"))
    part = data["parts"][0]
    seen = 0
    for step in part["steps"][1:]:
        for q in step["quantities"].values():
            assert q["exact"] is None
            assert q["display"] == format_value(sp.Float(q["value"]), part["settings"]["precision"], q["value"])[0]
            seen += 1
    assert seen > 100


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "symbackprop.cli", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, encoding="utf-8")


# -- 2. `list optimizers` writes settings as solve's optimizer line does -------------------------------

def _solve_line_settings(name: str, form: str, tmp_path: Path) -> str:
    """The settings of solve's optimizer line for a part trained by `name` in `form` with its defaults."""
    src = tmp_path / f"{name}_{form}.yaml"
    text = (ROOT / "problems" / "xor_adam.yaml").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.startswith(("optimizer:", "steps:"))]
    src.write_text("\n".join(lines + [f"optimizer: {{name: {name}, form: {form}}}", "steps: 1", ""]), encoding="utf-8")
    out = run_cli("solve", str(src))
    assert out.returncode == 0, out.stderr
    head = f"  {name} ({form} form), "
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith(head))
    return line[len(head):].split("; ")[0]


class _Out:
    def __init__(self, stdout: str) -> None:
        self.stdout = stdout


def listed(*args: str) -> _Out:
    """`symbackprop list optimizers ARGS` in this process."""
    from click.testing import CliRunner
    from symbackprop.cli import main
    got = CliRunner().invoke(main, ["list", "optimizers", *args])
    assert got.exit_code == 0, got.output
    return _Out(got.output)


def _listed_defaults(output: str, name: str, form: str, word: str) -> str:
    lines = output.splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.strip().startswith(f"{name} ({form})"))
    return lines[i + 1].strip()[len(word) + 1:]


def test_list_settings_are_written_as_solve_writes_them(tmp_path):
    """Every optimizer's defaults (optimizers.py's specs): the listed text is solve's optimizer line's (Adam's eps
    1e-8 is 0.00000001 in both, not 1e-08) and the listed number is the spec's default, in EN and zh; JSON gives
    numbers."""
    from symbackprop import optimizers
    en, zh = listed(), listed("--lang", "zh")
    data = json.loads(listed("--format", "json").stdout)["optimizers"]
    assert "1e-08" not in en.stdout and "1e-08" not in zh.stdout and "e-" not in en.stdout.split("Optimizers")[1]
    for name in optimizers.NAMES:
        for form in optimizers.FORMS:
            row = optimizers.optimizer(name, form)
            text = _listed_defaults(en.stdout, name, form, "defaults")
            assert _listed_defaults(zh.stdout, name, form, "默认值") == text
            pairs = dict(kv.split(" = ") for kv in text.split(", "))
            assert list(pairs) == [p.name for p in row.params]
            for p in row.params:                  # the text is the default exactly (a decimal, no exponent)
                assert sp.Rational(pairs[p.name]) == p.default, (name, form, p.name)
            js = next(r for r in data if r["name"] == name and r["form"] == form)
            assert js["defaults"] == {p.name: float(p.default) for p in row.params}
    assert "eps = 0.00000001" in _listed_defaults(en.stdout, "adam", "lecture", "defaults")


@pytest.mark.slow
def test_list_settings_are_solves_line(tmp_path):
    """The same text as solve's optimizer line for the same settings (two optimizers: solve is slow to run)."""
    en = listed()
    for name, form in (("adam", "lecture"), ("adagrad", "pytorch")):
        text = _listed_defaults(en.stdout, name, form, "defaults")
        assert _solve_line_settings(name, form, tmp_path) == text, (name, form)


# -- 3 and 4. the optimizer's setting errors: each one line FILE:LINE, together, in line order -----------

BASE = "".join(ln for ln in (ROOT / "problems" / "xor_adam.yaml").read_text(encoding="utf-8").splitlines(True)
               if not ln.startswith(("#", "optimizer:", "steps:", "notation:", "           target_index")))


def solve_errors(tmp_path: Path, tail: str, lang: str = "en") -> tuple[int, list[str], str]:
    """(exit code, stderr lines, path) of `solve` in this process on BASE followed by `tail`."""
    from click.testing import CliRunner
    from symbackprop.cli import main
    src = tmp_path / "bad.yaml"
    src.write_text(BASE + tail, encoding="utf-8")
    got = CliRunner().invoke(main, ["solve", str(src), "--lang", lang])
    assert got.exception is None or isinstance(got.exception, SystemExit), got.exception
    return got.exit_code, got.stderr.strip().splitlines(), str(src)


def _line_of(text: str, needle: str) -> int:
    """The 1-based line of the file where `needle` is (the file is BASE + the tail)."""
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_three_optimizer_mistakes_are_three_lines(tmp_path, lang):
    """lr that is not learning_rate, beta2 = 1 (β in [0, 1)) and an unknown setting: all three, each at its line,
    in line order, the lr mismatch said with both numbers as written (0.1 and 0.5, not 1/10 and 1/2)."""
    tail = "learning_rate: 0.5\noptimizer:\n  name: adam\n  lr: 0.1\n  betas: [0.9, 1]\n  foo: 3\n"
    code, lines, src = solve_errors(tmp_path, tail, lang)
    text = BASE + tail
    assert code == 2
    assert len(lines) == 3, lines
    want = [_line_of(text, "  lr: 0.1"), _line_of(text, "  betas:"), _line_of(text, "  foo: 3")]
    for line, n, field in zip(lines, want, ("optimizer.lr", "optimizer.betas", "optimizer.foo")):
        assert f"{src}:{n}: {field}" in line, (line, n)
    assert "0.1" in lines[0] and "0.5" in lines[0] and "1/10" not in lines[0]
    assert "beta2 = 1" in lines[1] and "[0, 1)" in lines[1]
    assert "foo" in lines[2] and "lr, betas, eps" in lines[2]
    if lang == "zh":               # the catalogue's Chinese, not English (the range message was English before)
        assert all("：" in ln for ln in lines) and "超出范围" in lines[1] and "out of range" not in lines[1]


def test_lr_mismatch_alone_and_no_lr_with_a_setting_error(tmp_path):
    """The mismatch alone is still one line; learning_rate for an optimizer without lr (AdaDelta's lecture form)
    is said together with a bad setting of the mapping."""
    code, lines, src = solve_errors(tmp_path, "learning_rate: 0.5\noptimizer: {name: adam, lr: 0.1}\n")
    assert code == 2 and len(lines) == 1 and "optimizer.lr = 0.1 and learning_rate = 0.5 differ" in lines[0]
    code, lines, src = solve_errors(tmp_path, "learning_rate: 0.5\noptimizer: {name: adadelta, rho: 2}\n")
    assert code == 2 and len(lines) == 2, lines
    assert ": learning_rate:" in lines[0] and "optimizer.rho" in lines[1] and "[0, 1]" in lines[1]


BAD = [
    # (what, the file's tail, the field named, words of what is wrong / allowed)
    ("negative lr", "optimizer: {name: sgd, lr: -0.1}\n", "optimizer.lr", ["-0.1", "(0, ∞)"]),
    ("negative learning_rate", "optimizer: sgd\nlearning_rate: -0.1\n", "learning_rate", ["-0.1"]),
    ("beta1 over 1", "optimizer: {name: adam, betas: [1.5, 0.9]}\n", "optimizer.betas", ["1.5", "[0, 1)"]),
    ("beta2 negative", "optimizer: {name: adam, betas: [0.9, -0.5]}\n", "optimizer.betas", ["-0.5", "[0, 1)"]),
    ("momentum 1", "optimizer: {name: momentum, momentum: 1}\n", "optimizer.momentum", ["[0, 1)"]),
    ("unknown optimizer", "optimizer: adamm\n", "optimizer", ["adamm", "adamw"]),
    ("steps 0", "optimizer: adam\nsteps: 0\n", "steps", ["1000"]),
    ("steps 1001", "optimizer: adam\nsteps: 1001\n", "steps", ["1001", "1000"]),
    ("update weird", "optimizer: adam\nupdate: weird\n", "update", ["weird", "per_batch, per_sample"]),
    ("form keras", "optimizer: {name: adam, form: keras}\n", "optimizer.form", ["keras", "lecture, pytorch"]),
    ("betas of three", "optimizer: {name: adam, betas: [0.9, 0.99, 0.999]}\n", "optimizer.betas", ["[β1, β2]"]),
    ("eps negative", "optimizer: {name: adam, eps: -1e-8}\n", "optimizer.eps", ["-1e-8", "(0, ∞)"]),
    ("a string for lr", "optimizer: {name: adam, lr: fast}\n", "optimizer.lr", ["fast"]),
    ("a string for momentum", "optimizer: {name: momentum, momentum: high}\n", "optimizer.momentum", ["high"]),
    ("optimizer a list", "optimizer: [adam, 0.1]\n", "optimizer", ["adam", "sgd"]),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("what,tail,field,words", BAD, ids=[b[0] for b in BAD])
def test_bad_setting_is_one_line(tmp_path, what, tail, field, words, lang):
    code, lines, src = solve_errors(tmp_path, tail, lang)
    assert code == 2
    assert len(lines) == 1, lines
    line = lines[0]
    assert "Traceback" not in line
    n = _line_of(BASE + tail, field.split(".")[0] + ":")          # the field's line (a flow mapping: one line)
    sep = "：" if lang == "zh" else ": "
    assert f"{src}:{n}: {field}{sep}" in line, (line, n)
    for w in words:
        assert w in line, (w, line)
    if lang == "zh":
        assert not any(w in line for w in ("out of range", "must be", "expected", "unknown"))
