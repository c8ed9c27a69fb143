"""Reading a student's answers: an answers file (YAML or JSON) or a LaTeX/Markdown write-up.

An answers file maps quantity ids or names to a number or a LaTeX string; for a problem with
parts, the top-level keys are the part names. A write-up is read line by line: every equation
whose left side names a quantity is a chain to check; a line that mentions a part by name (ReLU,
Sigmoid) starts that part, as the lecture's printed solution does.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SymbackpropError
from ..general import RULE_IDS
from ..problem import Problem
from ..solution import Solution
from ..yamlfile import MAX_BYTES, load_yaml, read_limited
from .check import Answer
from .latex import AnswerError, normalize, split_equations, split_relations
from .names import NameTable

WRITEUP_SUFFIXES = (".tex", ".md", ".markdown", ".txt")
MAX_LINES = 5000


@dataclass
class Submission:
    """Answers per part, and what could not be read (each a line for the report)."""

    source: str
    answers: dict[str, list[Answer]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def read_submission(path: str | Path, problem: Problem, solution: Solution, part: str | None = None) -> Submission:
    """An answers file or a write-up, by its suffix."""
    path = Path(path)
    if path.suffix.lower() in WRITEUP_SUFFIXES:
        return read_writeup(path, solution, part, [p.name for p in problem.parts])
    return read_answers(path, problem, solution, part)


def _tables(solution: Solution) -> dict[str, NameTable]:
    return {p.name: NameTable(p) for p in solution.parts}


def read_answers(path: Path, problem: Problem, solution: Solution, part: str | None = None) -> Submission:
    source = str(path)
    doc = None
    if path.suffix.lower() == ".json":
        data = _read_json(path)
    else:
        try:
            doc = load_yaml(path, what="an answers file")
        except SymbackpropError as exc:      # the message names file and line
            raise AnswerError(str(exc)) from None
        data = doc.data
    if not isinstance(data, dict):
        raise AnswerError(f"{source}: expected a mapping of quantity ids or names to answers")
    tables = _tables(solution)
    sub = Submission(source)
    names = [p.name for p in solution.parts]
    if part is not None:
        data = data.get(part, data) if isinstance(data.get(part), dict) else data
        groups = {part: data}
    elif len(names) == 1:
        groups = {names[0]: data.get(names[0], data) if isinstance(data.get(names[0]), dict) else data}
    else:
        unknown = [k for k in data if k not in names]
        if unknown:
            raise AnswerError(f"{source}: {unknown[0]!r}: this problem has parts {', '.join(names)}; put each "
                              f"part's answers under its name, or choose one with --part")
        groups = {k: v for k, v in data.items()}
    for pname, items in groups.items():
        if not isinstance(items, dict):
            raise AnswerError(f"{source}: {pname}: expected a mapping of quantity ids or names to answers")
        table = tables[pname]
        flat = not isinstance(data.get(pname), dict)       # the part's answers are the top level
        out = sub.answers.setdefault(pname, [])
        for key, value in items.items():
            q = table.lookup(str(key))
            if str(key) in RULE_IDS:                       # a general rule (delta_hidden: "g'(net_j)…")
                if not isinstance(value, str):
                    sub.problems.append(f"{pname}: {key!s}: a rule is LaTeX text, got {value!r}")
                else:
                    out.append(Answer(str(key), value, None, False))
                continue
            if q is None or q.qid is None:
                sub.problems.append(f"{pname}: {key!s}: not a quantity of this problem")
                continue
            if isinstance(value, bool) or value is None or not isinstance(value, (int, float, str)):
                sub.problems.append(f"{pname}: {key!s}: expected a number or a LaTeX string, got {value!r}")
                continue
            if isinstance(value, float) and value != value:
                sub.problems.append(f"{pname}: {key!s}: not a number")
                continue
            number = not isinstance(value, str)
            text = value
            if number:      # the number as written: 0.9820 shows four decimal places, repr(0.982) three
                written = doc.scalar_text((key,) if flat else (pname, key)) if doc is not None else None
                text = written if written is not None else repr(value)
            elif isinstance(value, _JsonNumber):
                text, number = str(value), True
            line = doc.line_of((key,) if flat else (pname, key)) if doc is not None else None
            out.append(Answer(q.qid, text, line, number))
    return sub


class _JsonNumber(str):
    """A JSON number as written."""


def _read_json(path: Path) -> object:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise AnswerError(f"{path}: {size} bytes; an answers file may have at most {MAX_BYTES}")
        # numbers keep their text (0.9820 has four decimal places)
        return json.loads(path.read_bytes().decode("utf-8"), parse_float=_JsonNumber, parse_int=_JsonNumber)
    except OSError as exc:
        raise AnswerError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AnswerError(f"{path}: not a JSON file ({exc})") from None


_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$|\\\((.+?)\\\)|\\\[(.+?)\\\]")


def read_writeup(path: Path, solution: Solution, part: str | None = None,
                 part_names: list[str] | None = None) -> Submission:
    """Each equation of a write-up whose left side names a quantity, as a chain to check."""
    source = str(path)
    try:
        raw = read_limited(path)
    except OSError as exc:
        raise AnswerError(f"{source}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise AnswerError(f"{source}: larger than {MAX_BYTES} bytes, the most a write-up may have")
    if b"\x00" in raw:
        raise AnswerError(f"{source}: a binary file, not a LaTeX or Markdown write-up")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise AnswerError(f"{source}: not UTF-8 text") from None
    lines = _join_continuations(text.splitlines())
    if len(lines) > MAX_LINES:
        raise AnswerError(f"{source}: {len(lines)} lines; a write-up may have at most {MAX_LINES}")
    tables = _tables(solution)
    names = part_names or [p.name for p in solution.parts]
    current = part if part is not None else (names[0] if len(names) == 1 else None)
    sub = Submission(source)
    for lineno, line in enumerate(lines, start=1):
        math = [next(g for g in m.groups() if g is not None) for m in _MATH.finditer(line)]
        prose = _MATH.sub(" ", line)
        if len(names) > 1:                          # "… with the Sigmoid activation": that part starts
            for name in names:
                if re.search(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", prose, flags=re.I):
                    current = name
        if not math and "=" in line and "\\" in line or "&=" in line:
            # an align* row: drop the alignment & before = and the row end \\ (a cases row keeps its &)
            row = re.sub(r"&\s*(?==)", " ", line).strip()
            math = [row.removesuffix("\\\\").strip().lstrip("-*").strip()]
        if not math or current not in tables:
            continue
        table = tables[current]
        for segment in math:
            for equation in split_equations(normalize(segment)):
                chain = split_relations(equation)
                if len(chain) < 2:
                    continue
                q = table.lookup(chain[0][1])
                if q is None or q.qid is None:
                    continue                       # a general statement (g'(x) = …) or a given symbol
                rhs = _rejoin(chain[1:])
                sub.answers.setdefault(current, []).append(Answer(q.qid, rhs, lineno))
    if part is not None:
        sub.answers = {part: sub.answers.get(part, [])}
    if not any(sub.answers.values()):
        if current is None and len(names) > 1:
            raise AnswerError(f"{source}: no line names a part ({', '.join(names)}); choose one with --part")
        raise AnswerError(f"{source}: no equation names a quantity of this problem (like u_3 = …)")
    return sub


def _join_continuations(lines: list[str]) -> list[str]:
    """An align* row that starts with `&` (`& = …`) continues the equation of the line before; it is
    appended there and left blank, so that line numbers stay those of the file."""
    out: list[list[str]] = []
    head = None            # the line a run of `& = …` rows continues (rule, numbers, value on three rows)
    for line in lines:
        if line.lstrip().startswith("&") and head is not None and "=" in out[head][0]:
            out[head][-1] = out[head][-1].rstrip().removesuffix("\\\\")
            out[head].append(" " + line.strip().lstrip("&"))
            out.append([""])
        else:
            out.append([line])
            head = len(out) - 1
    return ["".join(pieces) for pieces in out]


def _rejoin(links: list[tuple[str, str]]) -> str:
    """The links after the left side, as one string again (the first relation dropped)."""
    out = []
    for n, (rel, piece) in enumerate(links):
        if n:
            out.append(r" \approx " if rel == "≈" else " = ")
        out.append(piece)
    return "".join(out)
