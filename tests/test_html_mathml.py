"""Issue 12, HTML output: every step of `solve`/`derive` as MathML (render/mathml.py), a page that is
well-formed XML, and, in headless Chromium, a page that is not blank and whose numbers are the JSON's."""
from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from symbackprop.render.mathml import math, mathml_row

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = sorted((ROOT / "problems").glob("*.yaml"))
M = "{http://www.w3.org/1998/Math/MathML}"


def _xml(latex: str) -> ET.Element:
    node, unknown = mathml_row(latex)
    assert unknown == [], unknown
    return ET.fromstring(math([node]))


def _tags(el: ET.Element) -> list[str]:
    return [e.tag.removeprefix(M) for e in el.iter()]


def _tokens(el: ET.Element) -> list[tuple[str, str]]:
    return [(e.tag.removeprefix(M), e.text or "") for e in el.iter() if e.tag.removeprefix(M) in ("mi", "mn", "mo", "mtext")]


# -- the translator, worked by hand ---------------------------------------------------------------------
def test_a_fraction_with_scripts_and_greek():
    el = _xml(r"\frac{\partial L}{\partial w_{13}}")
    assert _tags(el) == ["math", "mfrac", "mrow", "mi", "mi", "mrow", "mi", "msub", "mi", "mn"]
    assert _tokens(el) == [("mi", "∂"), ("mi", "L"), ("mi", "∂"), ("mi", "w"), ("mn", "13")]


def test_a_negative_value_in_parentheses_keeps_its_digits_and_sign():
    el = _xml(r"\left(-0.1272\right) \times 0.9820 \approx -0.1249")
    assert _tokens(el) == [("mo", "("), ("mo", "−"), ("mn", "0.1272"), ("mo", ")"), ("mo", "×"), ("mn", "0.9820"),
                           ("mo", "≈"), ("mo", "−"), ("mn", "0.1249")]


def test_delta_eta_primes_names_and_superscripts():
    el = _xml(r"g'(\mathrm{net}_{5}) = - \eta \cdot \delta_{5} + w_{35}^{\text{new}} + e^{- 4}")
    toks = _tokens(el)
    assert toks[:2] == [("mi", "g"), ("mo", "′")] and ("mi", "net") in toks and ("mi", "η") in toks and ("mi", "δ") in toks
    assert ("mtext", "new") in toks and "msubsup" in _tags(el) and "msup" in _tags(el)


def test_sums_take_limits_under_and_over():
    el = _xml(r"\sum_{m=1}^{c} t_{m}")
    under = el.find(f".//{M}munderover")
    assert [c.tag.removeprefix(M) for c in under] == ["mo", "mrow", "mi"] and under[0].text == "∑"


def test_cases_and_matrices_become_tables():
    cases = _xml(r"\begin{cases} 1 & \text{for}\: \mathrm{net}_{j} > 0 \\\frac{1}{10} & \text{otherwise} \end{cases}")
    assert len(cases.findall(f".//{M}mtr")) == 2 and len(cases.findall(f".//{M}mtd")) == 4
    matrix = _xml(r"\begin{bmatrix}1 \\ 2 \\ -1\end{bmatrix}\ (3\times1)")
    assert len(matrix.findall(f".//{M}mtr")) == 3 and _tokens(matrix)[0] == ("mo", "[")


def test_scientific_values_stay_one_number():
    assert _tokens(_xml("1.034e-08"))[0] == ("mn", "1.034e-08")


def test_an_unknown_command_is_shown_and_reported_never_dropped():
    node, unknown = mathml_row(r"a \frobnicate b")
    assert unknown == [r"\frobnicate"] and r"<mtext>\frobnicate</mtext>" in node


def test_deep_nesting_is_shown_as_source_without_recursing_further():
    node, unknown = mathml_row("{" * 5000 + "x" + "}" * 5000)
    assert unknown == ["nesting deeper than 40"] and "x" in "".join(ET.fromstring(math([node])).itertext())
    assert node.count("<mrow>") <= 41


def test_markup_in_the_input_is_escaped():
    node, _ = mathml_row(r"<script>alert(1)</script> & \text{<b>&amp;</b>}")
    el = ET.fromstring(math([node], alttext='"<x>" & y'))
    assert "<script" not in node and el.get("alttext") == '"<x>" & y'
    assert "".join(t for _, t in _tokens(el)) == "<script>alert(1)</script>&<b>&amp;</b>"   # as text, not markup


LATEX_SOURCES = st.lists(st.sampled_from(list("\\{}_^&'()[]-+=<>ab1.2 ") + [
    "\\frac", "\\left", "\\right", "\\begin{cases}", "\\end{cases}", "\\begin{bmatrix}", "\\text{", "\\\\",
    "\\sum", "\\delta", "\\mathrm{"]), max_size=40).map("".join)


@pytest.mark.slow      # 300 sources; the fast tier draws 40 of them (the next test)
@settings(max_examples=300, deadline=None)
@given(LATEX_SOURCES)
def test_any_input_gives_well_formed_mathml(source):
    node, _ = mathml_row(source)
    ET.fromstring(math([node], alttext=source))


@settings(max_examples=40, deadline=None)
@given(LATEX_SOURCES)
def test_any_of_a_few_inputs_gives_well_formed_mathml(source):
    node, _ = mathml_row(source)
    ET.fromstring(math([node], alttext=source))


# -- every page the tool writes ------------------------------------------------------------------------
def _run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """The installed CLI, as CI runs it (a hang becomes a failure)."""
    return subprocess.run([sys.executable, "-m", "symbackprop.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout, cwd=ROOT)


@pytest.mark.slow
@pytest.mark.parametrize("path", PROBLEMS, ids=lambda p: p.stem)
@pytest.mark.parametrize("command", ["solve", "derive"])
def test_every_page_is_well_formed_with_mathml_for_every_step(path, command, tmp_path):
    out = tmp_path / "page.html"
    r = _run(command, str(path), "-o", str(out))
    assert r.returncode == 0, r.stderr
    page = out.read_text(encoding="utf-8")
    root = ET.fromstring(page)                               # the whole page is well-formed XML (XHTML syntax)
    maths = list(root.iter(f"{M}math"))
    steps = [e for e in root.iter() if e.get("data-step")]
    assert steps and len(maths) >= len(steps)
    assert all(len(m) for m in maths)                       # never an empty formula
    assert "<mtext>\\" not in page                           # every LaTeX command was understood
    assert "<script" not in page and "http-equiv=\"Content-Security-Policy\"" in page
    assert "src=" not in page and "href=" not in page        # nothing to fetch


# -- in a browser -----------------------------------------------------------------------------------------
def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but chromium is not installed: .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (Debian: apt-get install chromium); CI installs it")
    return exe


def _browser(exe: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    """Headless Chromium, its own throw-away profile, no network use needed (a hang becomes a failure)."""
    return subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-extensions",
                           "--no-first-run", f"--user-data-dir={profile}", *args], capture_output=True, timeout=180)


def test_without_chromium_ci_fails_and_a_developer_run_skips(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true but chromium is not installed"):
        _chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed"):
        _chromium()


def _pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and unfiltered rows of an 8-bit, non-interlaced PNG (what Chromium writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, head = 8, b"", None
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    width, height, depth, color, _, _, interlace = head
    assert depth == 8 and interlace == 0 and color in (2, 6)
    bpp = 3 if color == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, [bytes(r[k] for k in range(0, len(r), bpp)) for r in rows]   # red channel


class _StepNumbers(HTMLParser):
    """Per data-step element: its MathML tokens (tag, text) in order; and every <mn> of the page. An optimizer
    run's sections (issue 13: from its heading to the part's end) show each step's own quantities under the same
    ids: kept apart in `run_steps`; their notes' numbers measure the run (tests/test_o213.py), not a quantity."""

    def __init__(self) -> None:
        super().__init__()
        self.steps: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.stack: list[str | None] = []
        self.part = ""
        self.tag: str | None = None
        self.numbers: list[str] = []
        self.run_steps: list[tuple[str, str]] = []
        self.in_run = False
        self.in_note = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-part" in attrs:
            self.part = attrs["data-part"] or ""
            self.in_run = False
        self.in_note = self.in_note or (tag == "p" and self.in_run)
        step = attrs.get("data-step")
        self.stack.append(step)
        if step is not None and self.in_run:
            self.run_steps.append((self.part, step))
            step = None
            self.stack[-1] = None
        if step is not None:
            self.steps[(self.part, step)] = []
        self.tag = tag

    def handle_endtag(self, tag):
        self.in_note = self.in_note and tag != "p"
        if self.stack:
            self.stack.pop()
        self.tag = None

    def handle_data(self, data):
        if self.tag == "h3" and data.strip() in ("Optimizer", "优化器/Optimizer"):
            self.in_run = True
        if self.tag not in ("mi", "mn", "mo", "mtext") or not data.strip():
            return
        if self.tag == "mn" and not self.in_note:
            self.numbers.append(data.strip())
        current = next((s for s in reversed(self.stack) if s is not None), None)
        if current is not None:
            self.steps[(self.part, current)].append((self.tag, data.strip()))


def _value_shown(tokens: list[tuple[str, str]]) -> tuple[str, list[str]]:
    """The relation before a step's value (= or ≈) and the value's numbers, signs applied."""
    last = max(i for i, t in enumerate(tokens) if t[0] == "mo" and t[1] in ("=", "≈"))
    numbers, sign = [], ""
    for tag, text in tokens[last + 1:]:
        if tag == "mo" and text == "−":
            sign = "-"
        elif tag == "mn":
            numbers.append(sign + text)
            sign = ""
        elif tag == "mtext" or (tag == "mo" and text == "("):   # the shape note of a matrix: (3×1)
            break
    return tokens[last][1], numbers


def _flat(value) -> list[float]:
    return [x for row in value for x in (row if isinstance(row, list) else [row])] if isinstance(value, list) \
        else [value]


def _decimals(shown: str) -> int:
    mantissa = shown.split("e")[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0


def _agrees(shown: str, value: float) -> bool:
    """`shown` is `value` rounded to the places it shows (significant digits in scientific form)."""
    x = float(shown)
    if "e" in shown:
        return abs(x - value) <= 0.5 * 10 ** (int(shown.split("e")[1]) - _decimals(shown)) * 1.000001
    return abs(x - value) <= 0.5 * 10 ** -_decimals(shown) + 1e-12


BROWSER_CASES = [p.stem for p in PROBLEMS]


@pytest.mark.slow
@pytest.mark.parametrize("name", BROWSER_CASES)
def test_chromium_renders_the_page_and_its_numbers_are_the_json(name, tmp_path):
    exe = _chromium()
    path = ROOT / "problems" / f"{name}.yaml"
    page = tmp_path / f"{name}.html"
    r = _run("solve", str(path), "-o", str(page))
    assert r.returncode == 0, r.stderr
    data = json.loads(_run("solve", str(path), "--format", "json").stdout)

    shot = tmp_path / f"{name}.png"
    _browser(exe, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri())
    width, height, rows = _pixels(shot.read_bytes())
    assert (width, height) == (1000, 1400)
    values = [v for row in rows for v in row]
    mean = sum(values) / len(values)
    variance = sum((v - mean) ** 2 for v in values) / len(values)
    assert variance > 100, f"the screenshot of {name} looks blank (variance {variance:.1f})"
    assert sum(v < 128 for v in values) > 0.005 * len(values)        # some ink: text and formulas

    dom = _browser(exe, tmp_path / "profile", "--dump-dom", page.as_uri()).stdout.decode("utf-8")
    assert "<math" in dom and "parsererror" not in dom
    parsed = _StepNumbers()
    parsed.feed(dom)
    parts = data["parts"] if "parts" in data else [dict(name="", quantities=data["quantities"],
                                                         settings=dict(precision=data["precision"]),
                                                         # a graph's optimizer run (session 14): as a part's
                                                         optimizer=data.get("optimizer", {}),
                                                         steps=data.get("steps", []))]
    every_value: list[float] = []
    checked = 0
    for part in parts:
        precision = part["settings"]["precision"]
        # an optimizer run (issue 13): its settings (β₁ = 0.9) and every step's quantities are on the page too
        every_value += [v for v in part.get("optimizer", {}).get("settings", {}).values() if isinstance(v, (int, float))]
        every_value += [v for s in part.get("steps", []) for q in s["quantities"].values() for v in _flat(q["value"])]
        # weights drawn by `init:` (session 15): each layer's bound v is on the page too
        every_value += [layer["v"] for layer in part["settings"].get("init", {}).get("layers", [])]
        # a padded batch (session 16, model: masked_mean): the unmasked mean's values its last section prints
        unmasked = data.get("masked_mean", {}).get("unmasked", {})
        every_value += [x for v in [unmasked.get(k, []) for k in ("h", "y", "loss", "grad_pad")] +
                        list(unmasked.get("grad", {}).values()) for x in _flat(v)]
        for key, q in part["quantities"].items():
            every_value += _flat(q["value"])
            tokens = parsed.steps.get((part["name"], key))
            if tokens is None:
                continue
            relation, shown = _value_shown(tokens)
            expected = _flat(q["value"])
            assert len(shown) == len(expected), (key, tokens)
            for s, v in zip(shown, expected):
                assert _agrees(s, v), (key, s, v)
                # exact values may be shorter; rounded ones have `precision` places, but for a value too
                # small for them, shown by its first significant digits (issue 12: 0.00002855, not 2.855e-05)
                if "e" not in s and abs(v) >= 0.5 * 10 ** -precision:
                    assert _decimals(s) == precision if relation == "≈" else _decimals(s) <= precision, (key, s)
                    assert relation == "≈" or float(s) == pytest.approx(v, abs=1e-12) \
                        or _decimals(s) == precision, (key, s, v)     # "= 0.1966" after a rule with numbers
            checked += 1
    steps_with_values = [k for k in parsed.steps if any(k == (p["name"], q) for p in parts for q in p["quantities"])]
    assert checked == len(steps_with_values) and checked >= 5
    # every decimal number on the page is some quantity's value at the precision shown
    for shown in parsed.numbers:
        if "." in shown or "e" in shown:
            assert any(_agrees(shown, abs(v)) for v in every_value), shown


# -- check reports --------------------------------------------------------------------------------------
def _check_report(tmp_path: Path, answers: str) -> str:
    given = tmp_path / "answers.yaml"
    given.write_text(answers, encoding="utf-8")
    out = tmp_path / "report.html"
    r = _run("check", str(ROOT / "problems" / "xor.yaml"), str(given), "--part", "sigmoid", "-o", str(out))
    assert r.returncode in (0, 1), r.stderr
    return out.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_check_report_typesets_each_formula_below_its_source(tmp_path):
    page = _check_report(tmp_path, "sigmoid:\n  u_3: '\\frac{1}{1+e^{-4}}'\n  net_5: '-0.0360'\n"
                                   "  delta_5: '0.2499 \\times (0.4910 - 1)'\n  u_5: '<b>\\frac{1}{2}</b>'\n"
                                   "  u_4: '\\weird{1}'\n")
    # the students' formulas, each below its source (the report's own symbols, δ_5 in the item column, are MathML too)
    fragments = [f[len("<br>"):] for f in re.findall(r"<br><math .*?</math>", page, re.S)]
    assert len(fragments) == 3                      # u_3, delta_5 and u_5; not the bare number, not \weird
    trees = [ET.fromstring(f) for f in fragments]
    assert trees[0].get("alttext") == "\\frac{1}{1+e^{-4}}" and trees[0].find(f"{M}mfrac") is not None
    assert "<code>-0.0360</code></td>" in page and "<code>\\weird{1}</code></td>" in page
    assert "<b>" not in page and "&lt;b&gt;" in page
    assert "Formulas are shown as the LaTeX you wrote and, below it, typeset." in page


@pytest.mark.slow
def test_chromium_renders_a_check_report(tmp_path):
    exe = _chromium()
    page = tmp_path / "report.html"
    page.write_text(_check_report(tmp_path, "sigmoid:\n  u_3: '\\frac{1}{1+e^{-4}}'\n"), encoding="utf-8")
    dom = _browser(exe, tmp_path / "profile", "--dump-dom", page.as_uri()).stdout.decode("utf-8")
    assert "<mfrac>" in dom and "0.9820" in dom
