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
_MARK = re.compile(r"[()\[\]{};,]")
# a `{` right after one of these is an argument or a group of LaTeX (`\frac{…}`, `_{…}`, `\text{…}`), no case form
_NOT_AFTER = re.compile(r"[A-Za-z0-9_^}\]\\]")


def _structure(text: str) -> tuple[dict[int, int], dict[int, list[tuple[int, str]]]]:
    """In one pass: each opening bracket's position -> the position of its closing one, and -> the `;` and `,`
    standing directly inside it (not inside a bracket within), as (position, character). A closing bracket
    with none open is passed over (brackets.closing_brackets)."""
    closing: dict[int, int] = {}
    inside: dict[int, list[tuple[int, str]]] = {}
    stack: list[int] = []
    for m in _MARK.finditer(text):
        ch, at = m.group(0), m.start()
        if ch in _OPEN:
            stack.append(at)
            inside[at] = []
        elif ch in _CLOSE:
            if stack:
                closing[stack.pop()] = at
        elif stack:
            inside[stack[-1]].append((at, ch))
    return closing, inside


def _rows(text: str, start: int, end: int, marks: list[tuple[int, str]]) -> list[tuple[str, str]] | None:
    """The rows of the case form `text[start:end]` (`v, c; v, c`, its direct `;` and `,` in `marks`) as
    (value, condition), or None when it is no case form: fewer than two rows, a row without a comma before
    a comparison, or a condition joined with & or |. Each row is cut at its last comma with a comparison
    after it (a decimal comma in the condition, `x > 0,5`, stays)."""
    if not any(ch == ";" for _, ch in marks):
        return None
    rows, commas, row_start = [], [], start
    for at, ch in [*marks, (end, ";")]:
        if ch == ",":
            commas.append(at)
            continue
        last = None
        for last in _COMPARISON.finditer(text, row_start, at):
            pass
        split = max((c for c in commas if last is not None and c < last.start()), default=None)
        if split is None:
            return None
        value, cond = text[row_start:split].strip(), text[split + 1:at].strip()
        if not value or "&" in cond or "|" in cond or _COMPARISON.search(value):
            return None
        rows.append((value, cond))
        commas, row_start = [], at + 1
    return rows


def text_cases(text: str) -> str:
    """Each case form `{value, condition; value, condition; …}` of `text` as a LaTeX `cases`; the rest, and
    any brace that is not such a form, unchanged. Work in proportion to the text (and the nesting of the
    braces that hold a `;` of their own)."""
    if ";" not in text or "{" not in text:
        return text
    closing, inside = _structure(text)
    out, pos = [], 0
    for i, marks in inside.items():
        end = closing.get(i)
        if text[i] != "{" or i < pos or end is None:
            continue
        j = i - 1
        while j >= 0 and text[j].isspace():
            j -= 1
        if j >= 0 and _NOT_AFTER.match(text[j]):
            continue
        rows = _rows(text, i + 1, end, marks)
        if rows is None:
            continue
        body = " \\\\ ".join(f"{value} & {cond}" for value, cond in rows)
        out += [text[pos:i], f"\\begin{{cases}} {body} \\end{{cases}}"]
        pos = end + 1
    out.append(text[pos:])
    return "".join(out)
