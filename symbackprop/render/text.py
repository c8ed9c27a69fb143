"""Plain-text worked solution for the terminal."""
from __future__ import annotations

from ..solution import Solution
from .prose import note, part_heading, section_title
from .steps import chain


def render(solution: Solution, precision: int | None = None, checks=None, lang: str = "en", **_) -> str:
    lines = [solution.title, "=" * len(solution.title)]
    for pi, psol in enumerate(solution.parts):
        p = psol.part.precision if precision is None else precision
        lines += ["", part_heading(psol, lang, p)]
        lines += [f"  {note(psol, n, lang)}" for n in psol.conventions]
        for section, steps in psol.sections():
            lines += ["", section_title(section, lang)]
            if section == "given":
                lines.append("  " + ", ".join(chain(psol, s, p) for s in steps))
                continue
            lines += ["  " + chain(psol, s, p) for s in steps]
        if checks is not None:
            lines += ["", *check_lines(checks[pi])]
    return "\n".join(lines) + "\n"


def check_lines(report) -> list[str]:
    """The three-way gradient check of one part, for people."""
    n = len(report.gradients)
    verdict = "all agree" if report.ok else "DISAGREEMENT"
    lines = [f"Check: {n} gradients, three ways: {verdict}",
             f"  chain rule vs direct sympy.diff of the substituted loss: "
             f"largest relative difference {report.max_direct:.1e}",
             f"  chain rule vs central finite differences (h = {report.step:g}): "
             f"largest relative difference {report.max_fd:.1e}"]
    for g in report.kinks:
        lines.append(f"  {g.id}: finite differences not comparable ({g.kink}); chain rule {g.chain:.6g}, "
                     f"direct {g.direct:.6g}, finite difference {g.finite_difference:.6g}")
    return lines
