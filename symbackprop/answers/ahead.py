"""Which texts checking an answer will give the LaTeX parser, so that they can be parsed ahead, all
in one round trip (latex.Parser.prefetch), instead of one round trip per text.

It runs the front end of `Checker._read` (check.normalized, check.chain_links; a single number needs
no parser; quantity names to placeholders), and is only a forecast: a text it misses is parsed
when the checker needs it, and a text it adds is parsed for nothing but charged to no one.
"""
from __future__ import annotations

import re
from pathlib import Path

from .checker import Answer, _sample_of, chain_links, normalized
from .compare import written_number
from .latex import AnswerError, check_size, prepare
from .names import NameTable
from .numbers import elided

MAX_AHEAD = 200          # texts of one submission parsed ahead (the rest, if any, when they are needed)
# what only latex2sympy2 reads (quick.py reads plain arithmetic): roots, named functions, sums, calls
_NEEDS_READER = re.compile(r"\\(?:sqrt|exp|ln|log|max|min|tanh|sinh|cosh|sigma|sum|prod|binom|operatorname"
                           r"|mathrm\s*\{\s*(?:step|relu|ReLU|sgn|sign|sigmoid|H)\s*\})(?![A-Za-z])"
                           r"|(?<![A-Za-z\\])(?:exp|tanh|ln|log|max|min|sqrt|sigma|relu|step)\s*[({]|√|∑")


def answer_texts(answer: Answer, table: NameTable) -> list[str]:
    """The texts (one per link of the chain) checking `answer` parses; [] for a number, or an answer
    refused before any parsing."""
    if answer.number or answer.unreadable is not None:
        return []
    try:
        check_size(answer.text)
        text, _ = normalized(answer.text)
        if any(spelling is not None and written_number(spelling) is not None for spelling in (answer.text, text)):
            return []                                     # one number: no parser
        parts, broken = chain_links(answer.text, text)
        out = []
        for n, (_, piece) in enumerate(parts):
            if n in broken or (n < len(parts) - 1 and elided(piece)):   # passed over, as _read does
                continue
            prepared = prepare(piece, table, _sample_of(answer.qid))
            if not prepared.unknown:
                out.append(prepared.text)
        return out
    except (AnswerError, RecursionError):
        return []


def likely_needs_reader(path: str | Path, limit: int = 1 << 20) -> bool:
    """Whether a submission file's text shows something only latex2sympy2 reads, so that its worker is
    worth starting before the problem is solved (its start then overlaps the solving). Only a forecast:
    a text it misses starts the worker when it is met, and a worker started for nothing is stopped."""
    from .read import GivenAnswers
    if isinstance(path, GivenAnswers):                # answers given as a mapping: their text
        return _NEEDS_READER.search(path.text) is not None
    try:
        if not Path(path).is_file():                  # a FIFO or a device is never opened here
            return False
        with open(path, "rb") as f:
            raw = f.read(limit).decode("utf-8", errors="replace")
    except OSError:
        return False                                  # read_submission says what is wrong with the file
    return _NEEDS_READER.search(raw) is not None


MAX_REMEMBERED = 20000   # answers whose texts a Grader remembers (a class repeats the same answers)


def submission_texts(answers: dict[str, list[Answer]], tables: dict[str, NameTable],
                     memo: dict | None = None) -> list[str]:
    """The distinct texts of a submission's answers (per part, with that part's names), in order, at
    most MAX_AHEAD. `memo`: the texts of answers already forecast, by (part, answer text): a pure
    function of the text and the part's names, kept by the caller (the Grader) for its class."""
    out: dict[str, None] = {}
    for part, items in answers.items():
        table = tables.get(part)
        if table is None:
            continue
        for answer in items:
            key = (part, answer.text, answer.number, answer.unreadable)
            texts = memo.get(key) if memo is not None else None
            if texts is None:
                texts = answer_texts(answer, table)
                if memo is not None and len(memo) < MAX_REMEMBERED:
                    memo[key] = texts
            for text in texts:
                out.setdefault(text, None)
                if len(out) >= MAX_AHEAD:
                    return list(out)
    return list(out)
