"""Plain-text worked solution for the terminal."""
from __future__ import annotations

from ..messages import msg
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
            lines += ["", *check_lines(checks[pi], lang)]
    return "\n".join(lines) + "\n"


def check_lines(report, lang: str = "en") -> list[str]:
    """The three-way gradient check of one part, for people."""
    n = len(report.gradients)
    verdict = msg(lang, "gradcheck.agree" if report.ok else "gradcheck.disagree")
    lines = [msg(lang, "gradcheck.summary", n=n, verdict=verdict),
             "  " + msg(lang, "gradcheck.direct", diff=f"{report.max_direct:.1e}"),
             "  " + msg(lang, "gradcheck.finite", h=f"{report.step:g}", diff=f"{report.max_fd:.1e}")]
    for g in report.kinks:
        lines.append("  " + msg(lang, "gradcheck.kink", id=g.id, kink=g.kink, chain=f"{g.chain:.6g}",
                                direct=f"{g.direct:.6g}", fd=f"{g.finite_difference:.6g}"))
    return lines
