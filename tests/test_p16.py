"""Session 16, task P (issue 14, "Plots"): the loss curves of `train` as a PNG (render/plot.py, matplotlib, `--plot`)
and as a pgfplots figure in the LaTeX and PDF output. The plotted data are read back from the Figure and compared
with the run's own rows; the log axis, the kept epoch and the thinning are worked out here from the rows again."""
from __future__ import annotations

import math
import re
import shutil
import struct
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.problem import load_problem, parse_problem
from symbackprop.render import plot, render
from symbackprop.render.training import TrainReport
from symbackprop.training import train

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PROBLEMS = Path(__file__).resolve().parent.parent / "problems"

# xor_dev_stop.yaml with a shorter patience and a step decay every 10 epochs (27 epochs, kept 7)
SHORT = (PROBLEMS / "xor_dev_stop.yaml").read_text(encoding="utf-8").replace("patience: 200", "patience: 20") \
    .replace("every: 500", "every: 10")

# One linear unit u = w·x, x = 1e10, η = 1e30, as tests/test_x15.py works it by hand but with t = 0.5 (not a class: no
# accuracy): w ← w − η(wx − ½)x ≈ w(1 − 1e50), so J ≈ 5e119, 5e219, then the third epoch overflows: diverged at 3.
LINEAR = """\
title: diverges
network: {inputs: [1], layers: [[2]], activation: identity}
weights: {1: {2: 1}}
samples:
  - {x: {1: 1e10}, t: {2: 0.5}}
loss: half_squared_error
optimizer: {name: sgd, lr: 1e30}
train: {epochs: 50, shuffle: false}
"""


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def short():
    part = parse_problem(SHORT, "short.yaml").parts[0]
    return train(part, part.train)


@pytest.fixture(scope="module")
def diverged():
    part = parse_problem(LINEAR, "lin.yaml").parts[0]
    return train(part, part.train)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (its first, after the 8-byte signature)."""
    assert data[:8] == PNG_MAGIC and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


# -- the PNG ----------------------------------------------------------------------------------------------------------

def test_the_png_is_a_png_and_its_lines_are_the_runs_epochs(short):
    pytest.importorskip("matplotlib")
    rows = short.epochs
    # the run itself, worked from its rows: the kept epoch is the first of the lowest dev loss (early stopping on
    # the loss keeps each strict improvement), patience ran out 20 epochs later, the rate halves after every 10th
    decays = list(range(10, rows[-1].epoch, 10))
    best = min(r.dev_loss for r in rows)
    assert short.kept_epoch == next(r.epoch for r in rows if r.dev_loss == best)
    assert short.stopped_epoch == rows[-1].epoch == short.kept_epoch + 20
    fig, used = plot.loss_figure(short, "en", "t")
    assert used == "en"
    loss_ax, acc_ax = fig.axes                  # the targets are classes: a second panel of accuracies
    train_line, dev_line, *marks = loss_ax.get_lines()
    assert list(train_line.get_xdata()) == [r.epoch for r in rows]
    assert list(train_line.get_ydata()) == [r.loss for r in rows]          # exactly: every epoch, not the table's
    assert list(dev_line.get_ydata()) == [r.dev_loss for r in rows]
    assert loss_ax.get_yscale() == "linear"     # 0.04 to 0.14: less than two decades
    vertical = sorted(line.get_xdata()[0] for line in marks)
    assert vertical == sorted([short.kept_epoch, short.stopped_epoch, *decays])
    assert decays == [r.epoch for r in rows if "decayed" in r.marks] and len(decays) >= 2
    labels = [t.get_text() for t in loss_ax.get_legend().get_texts()]
    assert labels == ["training loss", "dev loss", f"kept by early stopping (epoch {short.kept_epoch})",
                      "rate decayed (after the epoch)", f"patience ran out (epoch {short.stopped_epoch})"]
    acc_train, acc_dev = acc_ax.get_lines()[:2]
    assert list(acc_train.get_ydata()) == [100 * r.accuracy for r in rows]
    assert list(acc_dev.get_ydata()) == [100 * r.dev_accuracy for r in rows]
    data, _ = plot.loss_png(short, "en", "t")
    assert png_size(data) == (8 * plot.DPI, 6 * plot.DPI)          # 1200 × 900: readable on a slide


def test_a_diverged_run_plots_its_finite_epochs_on_a_log_axis(diverged):
    pytest.importorskip("matplotlib")
    rows = diverged.epochs
    assert [r.epoch for r in rows] == [1, 2, 3] and not math.isfinite(rows[2].loss)
    assert rows[0].loss == pytest.approx(5e119, rel=1e-6) and rows[1].loss == pytest.approx(5e219, rel=1e-6)
    fig, _ = plot.loss_figure(diverged, "en")
    ax, = fig.axes                              # a linear unit's targets are not classes: no accuracy panel
    line = ax.get_lines()[0]
    assert list(line.get_xdata()) == [1, 2] and list(line.get_ydata()) == [rows[0].loss, rows[1].loss]
    assert ax.get_yscale() == "log"             # 5e119 to 5e219: a hundred decades
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["training loss", "diverged (epoch 3)"]


@pytest.mark.slow
def test_a_png_of_one_panel_and_one_without_a_cjk_font(diverged, short, monkeypatch):
    pytest.importorskip("matplotlib")
    assert png_size(plot.loss_png(diverged)[0]) == (8 * plot.DPI, int(4.5 * plot.DPI))
    monkeypatch.setattr(plot, "cjk_font", lambda text: None)       # drawn without a Chinese font: no crash
    data, used = plot.loss_png(short, "zh", "XOR")
    assert used == "en" and data.startswith(PNG_MAGIC)


def test_chinese_labels_and_no_cjk_font_falls_back_to_english(short, monkeypatch):
    pytest.importorskip("matplotlib")
    fig, used = plot.loss_figure(short, "zh", "XOR")
    if plot.cjk_font("训练损失") is not None:
        assert used == "zh"
        ax = fig.axes[0]
        assert ax.get_title() == "XOR：损失曲线" and fig.axes[1].get_xlabel() == "轮（epoch）"
        assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == ["训练损失", "验证损失"]
        assert plot.cjk_font("训练损失") in ax.title.get_fontfamily()
    monkeypatch.setattr(plot, "cjk_font", lambda text: None)       # a machine without a Chinese font
    fig, used = plot.loss_figure(short, "zh", "XOR")
    assert used == "en" and fig.axes[0].get_title() == "XOR: loss curves"


def test_a_font_of_placeholders_is_not_a_chinese_font(monkeypatch):
    font_manager = pytest.importorskip("matplotlib.font_manager")
    fonts = font_manager.fontManager.ttflist
    # a machine without a Chinese font: DejaVu Sans and matplotlib's Last Resort (a placeholder for every code point)
    kept = [f for f in fonts if f.name == "DejaVu Sans" or f.name.startswith("Last Resort")]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", kept)
    plot._font_covering.cache_clear()
    try:
        assert plot.cjk_font("训练损失") is None
    finally:
        plot._font_covering.cache_clear()


def test_the_log_axis_rule_from_the_rows(diverged, short):
    for run in (diverged, short):
        values = [v for r in run.epochs for v in (r.loss, r.dev_loss) if v is not None and math.isfinite(v)]
        assert plot.log_axis(run) == (max(values) / min(values) > 100)
    assert plot.log_axis(diverged) and not plot.log_axis(short)


# -- the CLI -----------------------------------------------------------------------------------------------------------

def test_without_matplotlib_plot_is_one_line_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)            # `import matplotlib` raises ImportError
    got = cli("train", PROBLEMS / "xor_dev_stop.yaml", "--plot", tmp_path / "c.png")
    assert got.exit_code == 2
    assert got.stderr.strip().splitlines() == [
        "Error: --plot draws the PNG with matplotlib, which is not installed; install it: pip install 'symbackprop[plot]'"]
    assert not (tmp_path / "c.png").exists() and got.stdout == ""
    got = cli("train", PROBLEMS / "xor_dev_stop.yaml", "--plot", tmp_path / "c.svg")
    assert got.exit_code == 2 and "give a name ending in .png" in got.stderr


@pytest.mark.slow
def test_cli_plot_writes_the_png_and_the_markdown_links_it(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    src = tmp_path / "short.yaml"
    src.write_text(SHORT, encoding="utf-8")
    (tmp_path / "out").mkdir()
    got = cli("train", src, "-o", tmp_path / "out" / "run.md", "--plot", tmp_path / "curves.png")
    assert got.exit_code == 0, got.output
    assert got.stderr.splitlines()[-1:] == [f"Loss curves: {tmp_path / 'curves.png'}"]   # (after matplotlib's
    # one line when it first builds its font cache)
    assert png_size((tmp_path / "curves.png").read_bytes()) == (1200, 900)
    md = (tmp_path / "out" / "run.md").read_text(encoding="utf-8")
    assert "![Loss curves](../curves.png)" in md          # relative to the Markdown file's folder
    assert "![" not in cli("train", src, "--format", "markdown").stdout      # no --plot: no image
    html = cli("train", src, "--format", "html", "--plot", tmp_path / "h.png").stdout
    assert "<img" not in html and "h.png" not in html     # the page loads nothing (its CSP)


# -- pgfplots ------------------------------------------------------------------------------------------------------

def coordinates(tex: str) -> list[list[tuple[int, float]]]:
    """The \\addplot coordinates of each curve (the ones with more than two points: not the vertical lines)."""
    out = []
    for block in re.findall(r"\\addplot\[[^\]]*\] coordinates \{(.*?)\};", tex, re.S):
        points = [(int(a), float(b)) for a, b in re.findall(r"\(([0-9]+),([-0-9.e+]+)\)", block)]
        if len(points) > 2:
            out.append(points)
    return out


def test_latex_has_every_epoch_of_a_short_run(short):
    tex = render(TrainReport("t", "short.yaml", (short,)), "latex", standalone=True)
    assert r"\usepackage{pgfplots}" in tex and r"\pgfplotsset{compat=1.16}" in tex
    assert r"\begin{axis}" in tex and "semilogyaxis" not in tex
    train_curve, dev_curve = coordinates(tex)
    assert [e for e, _ in train_curve] == [r.epoch for r in short.epochs]
    for (e, y), r in zip(train_curve, short.epochs):
        assert y == pytest.approx(r.loss, rel=1e-5)
    for (e, y), r in zip(dev_curve, short.epochs):
        assert y == pytest.approx(r.dev_loss, rel=1e-5)
    for e in (short.kept_epoch, short.stopped_epoch, 10, 20):     # a vertical line at each marked epoch
        assert re.search(rf"coordinates \{{\({e},[^)]*\) \({e},", tex)
    fragment = render(TrainReport("t", "short.yaml", (short,)), "latex", standalone=False)
    assert fragment.startswith("% symbackprop training run") and r"\usepackage{pgfplots}" in fragment.splitlines()[0]


def test_pgfplots_only_in_a_document_with_a_figure():
    # solve's LaTeX (its bytes pinned by tests/test_solve_speed.py) has no figure: its preamble stays as it was
    from symbackprop.render.latex import fragment, standalone_document
    assert "pgfplots" not in standalone_document("x", "en") and "pgfplots" not in fragment("x", "c")
    assert r"\usepackage{pgfplots}" in standalone_document("x", "en", plots=True)


def test_thinning_of_a_made_up_run():
    from types import SimpleNamespace
    from symbackprop.training import Epoch
    rows = tuple(Epoch(e, 1.0 / e, None, None, None, 0.1, ("decayed",) if e == 600 else ()) for e in range(1, 1202))
    assert plot.thinned(SimpleNamespace(epochs=rows[:500], kept_epoch=None)) == list(range(1, 501))
    # k = ⌈1201/500⌉ = 3: epochs 1, 4, 7, …, 1201 (= 1 + 3·400, the last), and 600 (decayed) and 77 (kept)
    assert plot.thinned(SimpleNamespace(epochs=rows, kept_epoch=77)) == sorted(set(range(1, 1202, 3)) | {600, 77})


@pytest.mark.slow
def test_a_long_run_is_thinned_to_about_500_epochs():
    part = load_problem(PROBLEMS / "xor_dev_stop.yaml").parts[0]
    run = train(part, part.train)
    n = len(run.epochs)
    assert n == 894 and run.kept_epoch == 694      # docs/training.md
    # k = ⌈894/500⌉ = 2: epochs 1, 3, 5, …, 893, and the marked ones: 500 (decayed), 694 (kept), 894 (stopped, last)
    expected = sorted(set(range(1, n + 1, 2)) | {500, 694, 894})
    tex = render(TrainReport("t", "x.yaml", (run,)), "latex", standalone=True)
    train_curve, dev_curve = coordinates(tex)
    assert [e for e, _ in train_curve] == expected == [e for e, _ in dev_curve]
    by_epoch = {r.epoch: r for r in run.epochs}
    assert all(y == pytest.approx(by_epoch[e].loss, rel=1e-5) for e, y in train_curve)
    assert "The figure shows 450 of the 894 epochs" in tex


@pytest.mark.slow
def test_the_figure_compiles_with_pdflatex_and_xelatex(short, diverged, tmp_path):
    if shutil.which("pdflatex") is None or shutil.which("xelatex") is None:
        pytest.skip("no TeX engine")
    part = load_problem(PROBLEMS / "xor_train.yaml").parts[0]
    long_run = train(part, part.train)
    assert plot.log_axis(long_run)
    for run, lang in ((short, "en"), (diverged, "en"), (long_run, "zh")):
        tex = render(TrainReport("t", "x.yaml", (run,)), "latex", standalone=True, lang=lang)
        assert ("semilogyaxis" in tex) == plot.log_axis(run)
        pdf = render(TrainReport("t", "x.yaml", (run,)), "pdf", lang=lang, output=str(tmp_path / "x.pdf"))
        assert pdf.startswith(b"%PDF")


@pytest.mark.slow
def test_several_parts_one_png_each_and_zh(tmp_path):
    pytest.importorskip("matplotlib")
    two = SHORT.replace("train:\n", "parts:\n  - {name: a}\n  - {name: b, optimizer: {name: sgd, lr: 1}}\ntrain:\n")
    src = tmp_path / "two.yaml"
    src.write_text(two, encoding="utf-8")
    got = cli("train", src, "--plot", tmp_path / "c.png", "--lang", "zh", "-o", tmp_path / "run.txt")
    assert got.exit_code == 0, got.output
    assert got.stderr.splitlines()[-2:] == [f"部分 a 的损失曲线：{tmp_path / 'c-a.png'}",
                                           f"部分 b 的损失曲线：{tmp_path / 'c-b.png'}"]
    assert png_size((tmp_path / "c-a.png").read_bytes())[0] == 1200 and (tmp_path / "c-b.png").exists()
    assert not (tmp_path / "c.png").exists()
