"""The chain of one document step, `symbol = rule = numbers ≈ value`, in text or LaTeX: the one
place that decides which links a step shows (formatting only)."""
from __future__ import annotations

from ..document import Math, Step

Links = list[tuple[str, str]]


def step_links(math: Math, step: Step, precision: int, latex: bool = False) -> Links:
    """[(relation, expression), …]: the symbol (relation ''), then each form, the last form with
    the numbers put in, and the value (= when its display is exact, else ≈). A link that prints
    like the one before it is dropped; when the value prints like the numbers put in (a rule that
    is a single symbol), that link takes the value's relation, so a rounded value is never `=`."""
    show = math.latex if latex else math.text
    out = [("", show(step.symbol))]
    forms = [show(f) for f in step.forms[:-1]]
    if step.forms and step.numbers is not None:
        forms += math.substituted(step, precision, latex)       # the rule, then the rule with numbers
    elif step.forms:
        forms.append(show(step.forms[-1]))
    for f in forms:
        if f != out[-1][1]:
            out.append(("=", f))
    if step.value is not None:
        value, exact = math.value(step, precision, latex)
        rel = "=" if exact else (r"\approx" if latex else "≈")
        if out[-1][1] != value:
            out.append((rel, value))
        elif len(out) > 1:          # the numbers put in are the rounded value itself: `= net_5 ≈ 0.18`
            out[-1] = (rel, value)
    return out


def joined(links: Links) -> str:
    """The links as one line: `a = b ≈ c`."""
    return " ".join(f"{rel} {expr}" if rel else expr for rel, expr in links)


def aligned(links: Links) -> str:
    """The links as one row of an align/aligned environment: `a &= b ≈ c`."""
    if len(links) == 1:
        return f"{links[0][1]} &"
    (_, lhs), (rel, first) = links[0], links[1]
    return f"{lhs} &{rel} {first}" + "".join(f" {r} {e}" for r, e in links[2:])


def broken(links: Links) -> list[str]:
    """The links as rows, one link a row: `a &= b`, `&≈ c`."""
    if len(links) <= 2:
        return [aligned(links)]
    return [aligned(links[:2])] + [f"&{r} {e}" for r, e in links[2:]]


def inline(links_list: list[Links]) -> str:
    """Short facts as inline LaTeX math: `$w_{03} = 1$, $x_{1} = 1$, …`."""
    return ", ".join(f"${ls[0][1]} = {ls[-1][1]}$" for ls in links_list)

