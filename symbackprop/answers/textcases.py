"""The text solution's case form read as a `cases`: `{1, net_5 > 0; 1/10, net_5 \\le 0}` (how
printing.py writes a Piecewise in plain text, after fullwidth.fold turned ≤ into `\\le`) is rewritten as
`\\begin{cases} 1 & net_5 > 0 \\\\ 1/10 & net_5 \\le 0 \\end{cases}`, which the LaTeX reader already reads
as a Piecewise (latex._cut_cases) and the checker judges row by row at the student's values. Only text is
rewritten: nothing of the answer is evaluated here."""
from __future__ import annotations

import re

# a comparison in a row's condition, as it stands once fold and the unicode table have run
_COMPARISON = re.compile(r">=|<=|\\geq?(?![A-Za-z])|\\leq?(?![A-Za-z])|\\neq?(?![A-Za-z])|>|<")
_OPEN, _CLOSE = "([{", ")]}"
# a `{` right after one of these is an argument or a group of LaTeX (`\frac{…}`, `_{…}`, `\text{…}`), no case form
_NOT_AFTER = re.compile(r"[A-Za-z0-9_^}\]\\]")


def _top_level(text: str, sep: str) -> list[int]:
    """The indices where `sep` stands in `text` outside every bracket."""
    found, depth = [], 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
        elif ch == sep and depth == 0:
            found.append(i)
    return found


def _rows(body: str) -> list[tuple[str, str]] | None:
    """The rows of a case form's body `v, c; v, c` as (value, condition), or None when it is no case form:
    fewer than two rows, a row without a comma before a comparison, or a condition joined with & or |."""
    cuts = _top_level(body, ";")
    if not cuts:
        return None
    rows = []
    for start, end in zip([-1] + cuts, cuts + [len(body)]):
        row = body[start + 1:end]
        split = None
        for i in reversed(_top_level(row, ",")):      # the last comma with a comparison after it (0,5 stays)
            if _COMPARISON.search(row[i + 1:]):
                split = i
                break
        if split is None:
            return None
        value, cond = row[:split].strip(), row[split + 1:].strip()
        if not value or "&" in cond or "|" in cond or _COMPARISON.search(value):
            return None
        rows.append((value, cond))
    return rows


def text_cases(text: str) -> str:
    """Each case form `{value, condition; value, condition; …}` of `text` as a LaTeX `cases`; the rest, and
    any brace that is not such a form, unchanged."""
    if ";" not in text or "{" not in text:
        return text
    out, pos, i = [], 0, 0
    while True:
        i = text.find("{", i)
        if i < 0:
            break
        before = text[:i].rstrip()
        depth, end = 0, -1
        for j in range(i, len(text)):
            if text[j] in _OPEN:
                depth += 1
            elif text[j] in _CLOSE:
                depth -= 1
                if depth == 0:
                    end = j
                    break
        rows = None
        if end > 0 and not (before and _NOT_AFTER.match(before[-1])):
            rows = _rows(text[i + 1:end])
        if rows is None:
            i += 1
            continue
        body = " \\\\ ".join(f"{value} & {cond}" for value, cond in rows)
        out += [text[pos:i], f"\\begin{{cases}} {body} \\end{{cases}}"]
        pos = i = end + 1
    out.append(text[pos:])
    return "".join(out)
