"""The loss curves of a training run (issue 14): a PNG drawn by matplotlib, and a pgfplots figure for LaTeX and PDF.

Both show the training loss and the dev loss (with a dev set) against the epoch, and vertical lines at the epoch
early stopping kept, the epoch where patience ran out, the epochs after which the rate decayed (at most
MAX_DECAY_LINES of them) and a diverged run's last epoch. The y-axis is logarithmic when the losses span more than
LOG_DECADES decades (`log_axis`). The PNG has every epoch, and a second panel with the accuracies (in %) where the
targets are classes; the pgfplots figure has the losses only, thinned to at most about PGF_POINTS epochs so that
LaTeX stays fast (`thinned`). A value that is not finite (a diverged run's last loss) is left out: a run that
diverged shows its finite epochs.

matplotlib is optional (`pip install 'symbackprop[plot]'`): only the PNG needs it (`require`), and it is imported
when a PNG is drawn. The figure is a matplotlib `Figure` drawn by the Agg canvas: no screen, no pyplot, no global
state (rcParams, the current figure) changed. Chinese labels need a font with CJK glyphs (`cjk_font`); without one
the PNG's labels are in English (`loss_plot` says which language it used).
"""
from __future__ import annotations

import io
import math
from functools import lru_cache

from ..errors import SymbackpropError
from ..messages import msg, said

LOG_DECADES = 2             # a log y-axis when the largest loss is more than 10^2 times the smallest (all > 0)
PGF_POINTS = 500            # epochs of the pgfplots figure at most (besides the marked ones)
MAX_DECAY_LINES = 20        # a schedule that decays more often has no lines, a legend entry saying how many
DPI = 150                   # 8 × 4.5 inches: 1200 × 675 pixels (one panel), readable on a slide

# Fonts with the simplified Chinese glyphs, the ones of common systems first (Debian/Ubuntu, Windows, macOS);
# any other installed font that covers the labels is taken after them.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC",
             "STHeiti", "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "SimSun", "AR PL UMing CN",
             "AR PL UKai CN", "AR PL SungtiL GB", "AR PL KaitiM GB")


# A font that maps this many code points draws a placeholder for each (matplotlib's own Last Resort font maps all
# 1,114,112): never a Chinese font. The largest real fonts have about 65,000 glyphs.
PLACEHOLDER_FONT = 200_000


class PlotUnavailable(SymbackpropError):
    """--plot without matplotlib installed."""


def require() -> None:
    """matplotlib can be imported, else a PlotUnavailable saying how to install it (one line, exit 2)."""
    from importlib import import_module
    try:
        import_module("matplotlib")
    except ImportError:
        raise PlotUnavailable(said("plot.no_matplotlib")) from None


# -- what is drawn: shared by the PNG and the pgfplots figure -----------------------------------------

def curve(run, key: str, scale: float = 1.0) -> tuple[list[int], list[float]]:
    """(epochs, values) of one column of the run (`loss`, `dev_loss`, `accuracy`, `dev_accuracy`), every epoch
    whose value is there and finite, the value times `scale`."""
    xs, ys = [], []
    for r in run.epochs:
        v = getattr(r, key)
        if v is not None and math.isfinite(v):
            xs.append(r.epoch)
            ys.append(v * scale)
    return xs, ys


def _losses(run) -> list[float]:
    return curve(run, "loss")[1] + curve(run, "dev_loss")[1]


def log_axis(run) -> bool:
    """Whether the losses are drawn on a log axis: all of them above 0 and the largest more than 10^LOG_DECADES
    times the smallest (the run's interesting end would be a flat line on a linear axis)."""
    values = _losses(run)
    return bool(values) and min(values) > 0 and max(values) > 10 ** LOG_DECADES * min(values)


def has_accuracy(run) -> bool:
    """Whether the targets are classes: some epoch has an accuracy."""
    return any(r.accuracy is not None or r.dev_accuracy is not None for r in run.epochs)


def marked_lines(run, lang: str) -> list[tuple[str, list[int], str]]:
    """The vertical lines: (kind, epochs, legend label) for the epoch kept, the rate's decays, patience running
    out and divergence, each kind present in the run."""
    out = []
    if run.kept_epoch is not None:
        out.append(("best", [run.kept_epoch], msg(lang, "plot.mark.best", epoch=run.kept_epoch)))
    decayed = [r.epoch for r in run.epochs if "decayed" in r.marks]
    if decayed and len(decayed) <= MAX_DECAY_LINES:
        out.append(("decayed", decayed, msg(lang, "plot.mark.decayed")))
    elif decayed:       # too many to draw: a legend entry without lines says so (the table marks each)
        out.append(("decayed", [], msg(lang, "plot.mark.decayed_many", count=len(decayed))))
    if run.stopped_epoch is not None:
        out.append(("stopped", [run.stopped_epoch], msg(lang, "plot.mark.stopped", epoch=run.stopped_epoch)))
    if run.diverged_epoch is not None:
        out.append(("diverged", [run.diverged_epoch], msg(lang, "plot.mark.diverged", epoch=run.diverged_epoch)))
    return out


def y_limits(run, log: bool, values: list[float] | None = None) -> tuple[float, float] | None:
    """The loss axis's range: the finite losses (`values`, else every finite loss of the run) with a margin (a
    factor 1.5 on a log axis, 5 % of the span on a linear one), finite however large the losses (a diverged run's
    last ones near 1e308: the margin is left out where it would overflow, a log axis's bottom where it would be 0);
    None without a finite loss."""
    values = _losses(run) if values is None else values
    if not values:
        return None
    lo, hi = min(values), max(values)
    if log:
        ymin, ymax = lo / 1.5, hi * 1.5
    else:
        pad = (hi - lo) * 0.05 or abs(hi) * 0.1 or 1.0
        ymin, ymax = lo - pad, hi + pad
    if not math.isfinite(ymax):
        ymax = hi
    if not math.isfinite(ymin) or (log and ymin <= 0):      # the padding overflowed, or underflowed to 0
        ymin = lo
    if ymin == ymax:                        # one value (and no room for a margin): a range around it all the same
        ymin, ymax = (ymin / 2, ymax) if log else (ymin - 1, ymax)
    return ymin, ymax


X_MIN = 0.5                 # the epoch axis starts half an epoch before the first: a line at epoch 1 shows


def x_max(last: int) -> float:
    """The epoch axis's right end: half an epoch and 2 % after the last, so that a line there (patience ran out, the
    run diverged, the weights kept) is not on the frame; the same in the PNG and the pgfplots figure."""
    return last + 0.5 + 0.02 * last


def thinned(run, limit: int = PGF_POINTS) -> list[int]:
    """The epochs the pgfplots figure has: every epoch of a run of at most `limit`, else every k-th (k = ⌈n/limit⌉,
    from the first) with the last, the one kept and every one marked decayed, stopped or diverged."""
    rows = run.epochs
    if len(rows) <= limit:
        return [r.epoch for r in rows]
    k = -(-len(rows) // limit)
    last = rows[-1].epoch
    return [r.epoch for r in rows if (r.epoch - 1) % k == 0 or r.epoch in (last, run.kept_epoch)
            or {"decayed", "stopped", "diverged"} & set(r.marks)]


def _title(title: str, part: str | None, lang: str) -> str:
    return msg(lang, "plot.title_part", title=title, part=part) if part else msg(lang, "plot.title", title=title)


# -- the PNG (matplotlib) ------------------------------------------------------------------------

_STYLE = {"best": ("tab:green", "--"), "decayed": ("tab:gray", ":"), "stopped": ("tab:red", "-."),
          "diverged": ("black", "-")}


def _labels(lang: str) -> list[str]:
    keys = ("plot.epoch", "plot.loss", "plot.loss_log", "plot.train_loss", "plot.dev_loss", "plot.accuracy",
            "plot.train_accuracy", "plot.dev_accuracy", "plot.mark.decayed")
    return [msg(lang, k) for k in keys]


@lru_cache(maxsize=8)
def _font_covering(chars: frozenset) -> str | None:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font
    fonts = {}
    for f in font_manager.fontManager.ttflist:
        fonts.setdefault(f.name, f.fname)
    order = [n for n in CJK_FONTS if n in fonts] + sorted(n for n in fonts if n not in CJK_FONTS)
    for name in order:
        if name.startswith("Last Resort"):
            continue
        try:
            charmap = FT2Font(fonts[name]).get_charmap()
        except (OSError, RuntimeError, ValueError):
            continue
        if len(charmap) < PLACEHOLDER_FONT and all(ord(c) in charmap for c in chars):
            return name
    return None


def cjk_font(text: str) -> str | None:
    """The family name of an installed font (matplotlib's list of them) with a glyph for every CJK character of
    `text`: the common Chinese fonts first (CJK_FONTS), then any other but a font of placeholders (Last Resort,
    which matplotlib ships); None when there is none."""
    from .latex import needs_cjk
    chars = frozenset(c for c in text if needs_cjk(c))
    return _font_covering(chars) if chars else None


def _finite_log_locator(**options):
    """matplotlib's LogLocator without the ticks it puts beyond float64 (10^309 … = inf, next to a diverged run's
    losses near 1e308), which overflow with a RuntimeWarning and then crash its tick formatter."""
    import numpy as np
    from matplotlib.ticker import LogLocator

    class FiniteLogLocator(LogLocator):
        def tick_values(self, vmin, vmax):
            with np.errstate(over="ignore", invalid="ignore"):
                ticks = np.asarray(super().tick_values(vmin, vmax))
            return ticks[np.isfinite(ticks)]

    return FiniteLogLocator(**options)


def loss_figure(run, lang: str = "en", title: str = "", part: str | None = None):
    """The figure of `run` (module docstring) as a matplotlib Figure on the Agg canvas, and the language of its
    labels: `lang`, or English where `lang`'s labels need a CJK font the machine lacks. Its first axes hold the
    losses (a line per curve, then the vertical lines), the second (where the targets are classes) the
    accuracies in %."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.ticker import MaxNLocator
    from .latex import needs_cjk
    heading = _title(title, part, lang)
    labels = "".join(_labels(lang)) + "".join(m[2] for m in marked_lines(run, lang))
    if lang != "en" and needs_cjk(labels) and cjk_font(labels) is None:
        lang = "en"                        # no font for the labels: English ones, never boxes
        heading = _title(title, part, lang)
        labels = "".join(_labels(lang))
    cjk = cjk_font(heading + labels) or cjk_font(labels) or cjk_font(heading)
    family = ["DejaVu Sans"] + ([cjk] if cjk else [])   # DejaVu Sans for Latin, digits, Greek; the CJK font for the rest
    font = FontProperties(family=family)
    accuracy = has_accuracy(run)
    fig = Figure(figsize=(8, 6 if accuracy else 4.5), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    if accuracy:
        ax, acc = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": (2, 1)})
    else:
        ax, acc = fig.subplots(), None
    log = log_axis(run)
    dots = {"marker": "o", "markersize": 3} if len(run.epochs) <= 30 else {}     # a short run: each epoch a dot
    ax.plot(*curve(run, "loss"), color="tab:blue", linewidth=1.5, label=msg(lang, "plot.train_loss"), **dots)
    if run.settings.dev:
        ax.plot(*curve(run, "dev_loss"), color="tab:orange", linewidth=1.5, label=msg(lang, "plot.dev_loss"), **dots)
    limits = y_limits(run, log)
    if limits is not None:      # its own range, set first: the log scale's autoscaled margins overflow near 1e308
        ax.set_ylim(*limits)    # (a RuntimeWarning and an empty plot)
    if log:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(_finite_log_locator())
        ax.yaxis.set_minor_locator(_finite_log_locator(subs="auto"))
    for kind, epochs, label in marked_lines(run, lang):
        color, style = _STYLE[kind]
        for k, e in enumerate(epochs):
            ax.axvline(e, color=color, linestyle=style, linewidth=1, label=label if k == 0 else "_nolegend_")
        if not epochs:
            ax.plot([], [], color=color, linestyle=style, linewidth=1, label=label)
    ax.set_ylabel(msg(lang, "plot.loss_log" if log else "plot.loss"), fontproperties=font)
    ax.set_title(heading, fontproperties=font)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(prop=font, loc="best")
    bottom = ax
    if acc is not None:
        acc.plot(*curve(run, "accuracy", 100.0), color="tab:blue", linewidth=1.2,
                 label=msg(lang, "plot.train_accuracy"))
        if any(r.dev_accuracy is not None for r in run.epochs):
            acc.plot(*curve(run, "dev_accuracy", 100.0), color="tab:orange", linewidth=1.2,
                     label=msg(lang, "plot.dev_accuracy"))
        for kind, epochs, _ in marked_lines(run, lang):
            for e in epochs:
                acc.axvline(e, color=_STYLE[kind][0], linestyle=_STYLE[kind][1], linewidth=1)
        acc.set_ylim(-5, 105)
        acc.set_ylabel(msg(lang, "plot.accuracy"), fontproperties=font)
        acc.grid(True, alpha=0.3)
        acc.legend(prop=font, loc="lower right")
        bottom = acc
    bottom.set_xlabel(msg(lang, "plot.epoch"), fontproperties=font)
    last = run.epochs[-1].epoch if run.epochs else 1
    bottom.xaxis.set_major_locator(MaxNLocator(integer=True))      # epochs are whole numbers
    bottom.set_xlim(X_MIN, x_max(last))     # a margin: the line where patience ran out is the last epoch
    return fig, lang


def loss_png(run, lang: str = "en", title: str = "", part: str | None = None) -> tuple[bytes, str]:
    """The PNG of `loss_figure` as bytes, and the language of its labels."""
    import warnings
    fig, used = loss_figure(run, lang, title, part)
    out = io.BytesIO()
    with warnings.catch_warnings():        # a title's glyph no font has is a box, never a warning
        warnings.simplefilter("ignore", UserWarning)
        fig.savefig(out, format="png", dpi=DPI)
    fig.clear()
    return out.getvalue(), used


def loss_plot(run, path: str, lang: str = "en", title: str = "", part: str | None = None) -> str:
    """Write the PNG of `run` to `path`; the language of its labels (`loss_figure`)."""
    data, used = loss_png(run, lang, title, part)
    with open(path, "wb") as fh:
        fh.write(data)
    return used


# -- the pgfplots figure (LaTeX, PDF) ------------------------------------------------------------------

_PGF_STYLE = {"best": "green!50!black, dashed", "decayed": "gray, dotted", "stopped": "red, dash dot",
              "diverged": "black"}


def _coordinate(x: float) -> str:
    return f"{x:.6g}"


def pgfplots(run, lang: str = "en") -> str:
    """The loss curves as a pgfplots `axis` (`semilogyaxis` where `log_axis`) in a tikzpicture: the training and dev
    loss at the `thinned` epochs as `\\addplot coordinates`, a legend, and the marked epochs as vertical lines.
    Needs \\usepackage{pgfplots} (latex.py's preamble adds it to a document with a figure)."""
    from .latex import tex_escape
    shown = set(thinned(run))
    log = log_axis(run)
    curves = []
    for key, style, label in (("loss", "blue", "plot.train_loss"), ("dev_loss", "orange, densely dashed",
                                                                      "plot.dev_loss")):
        if key == "dev_loss" and not run.settings.dev:
            continue
        xs, ys = curve(run, key)
        points = [(x, y) for x, y in zip(xs, ys) if x in shown]
        if points:
            curves.append((style, points, msg(lang, label)))
    values = [float(_coordinate(y)) for _, points, _ in curves for _, y in points]
    if not values:
        return ""
    ymin, ymax = y_limits(run, log, values)
    last = run.epochs[-1].epoch
    env = "semilogyaxis" if log else "axis"
    ylabel = msg(lang, "plot.loss_log" if log else "plot.loss")
    options = [r"width=0.95\linewidth", "height=7cm", f"xlabel={{{tex_escape(msg(lang, 'plot.epoch'))}}}",
               f"ylabel={{{tex_escape(ylabel)}}}", f"xmin={_coordinate(X_MIN)}", f"xmax={_coordinate(x_max(last))}",
               f"ymin={_coordinate(ymin)}", f"ymax={_coordinate(ymax)}", "legend pos=north east",
               "legend cell align=left", "legend style={font=\\footnotesize}", "grid=major",
               "grid style={gray!25}", "scaled x ticks=false", "xticklabel style={/pgf/number format/1000 sep={}}"]
    if not log:                             # 0.08, not 8·10^{-2}
        options += ["scaled y ticks=false", "yticklabel style={/pgf/number format/fixed, /pgf/number format/precision=4}"]
    out = [r"\begin{center}", r"\begin{tikzpicture}", rf"\begin{{{env}}}[{', '.join(options)}]"]
    for style, points, label in curves:
        out.append(rf"\addplot[{style}, thick, no markers] coordinates {{")
        out += [" ".join(f"({x},{_coordinate(y)})" for x, y in points[i:i + 8]) for i in range(0, len(points), 8)]
        out += ["};", rf"\addlegendentry{{{tex_escape(label)}}}"]
    for kind, epochs, label in marked_lines(run, lang):
        for k, e in enumerate(epochs):
            forget = "" if k == 0 else ", forget plot"
            out.append(rf"\addplot[{_PGF_STYLE[kind]}{forget}] coordinates "
                       f"{{({e},{_coordinate(ymin)}) ({e},{_coordinate(ymax)})}};")
            if k == 0:
                out.append(rf"\addlegendentry{{{tex_escape(label)}}}")
        if not epochs:
            out += [rf"\addlegendimage{{{_PGF_STYLE[kind]}}}", rf"\addlegendentry{{{tex_escape(label)}}}"]
    out += [rf"\end{{{env}}}", r"\end{tikzpicture}", r"\end{center}"]
    if len(shown) < len(run.epochs):
        out.append(tex_escape(msg(lang, "plot.thinned", shown=len(shown), n=len(run.epochs))) + "\n")
    return "\n".join(out)
