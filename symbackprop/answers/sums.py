"""Sums over an index inside an item's working, read by writing them out over the problem's own units or
samples: `\\frac{1}{3}\\sum_{n=1}^{3} J^{(n)}` is `\\frac{1}{3}((J^{(1)}) + (J^{(2)}) + (J^{(3)}))`,
`o_5(1-o_5)\\sum_k w_{k5}\\delta_k` is `o_5(1-o_5)((w_{75}\\delta_7))` on a net where only unit 7 is fed by 5.

A sum with bounds (`\\sum_{k=6}^{8}`, `\\sum_{n=1}^{N}` with N the batch's size) runs over them; one without
(`\\sum_k`, `\\sum_{n}`), or with a bound in another letter (`\\sum_{k=1}^{K}`), runs over every unit and
sample number for which each name of its body is one of this problem's quantities (as many of them as at the
best value), which is how the student's index reads on this network. The body is what follows the index up to a `+`, `-`, `=` or `,` outside brackets,
or the bracket that closes around the sum, as it is read in print. The index is put in where it stands as an
index: in a subscript or superscript (`w_{k5}`, `\\delta_k`, `J^{(n)}`). The text written out is then read
and judged as any other working. A sum whose index is used as a number in its body (`\\sum_{k=1}^{3} k`) is
left to the reader as it was; one over units or samples that cannot be written out (no unit or sample takes
the index) is AnswerError with one neutral line: the value alone is then judged."""
from __future__ import annotations

import re

from ..messages import said
from .names import NameTable

MAX_TERMS = 50                     # terms one sum may be written out into (expr.MAX_SUM_TERMS)
MAX_CHARS = 20_000                 # the longest a text may grow to by writing its sums out
MAX_TRIES = 400                    # terms tried for the values of indices without bounds, in one text

# \sum, \sum\limits, \displaystyle\sum; its index spec: _{n=1}^{3}, ^{3}_{n=1}, _{n}, _n
_SUM = re.compile(r"\\sum(?:\\limits|\\nolimits)?\s*")
# (`\sum_{k \in \text{outputs}}`, Mitchell's k ∈ downstream(j): a set in words, read as no bounds)
_LOW = re.compile(r"_\s*(?:\{\s*([A-Za-z])\s*(?:=\s*([0-9]+)\s*|(?:\\in(?![A-Za-z])|∈)(?:\{[^{}]*\}|[^{}])*)?\}|([A-Za-z]))")
_HIGH = re.compile(r"\^\s*(?:\{\s*([0-9]+|[A-Za-z])\s*\}|([0-9]|[A-Za-z]))")
# a subscript or superscript: braced (one level of braces inside) or a single character
_SCRIPT = re.compile(r"([_^])\s*(\{(?:[^{}]|\{[^{}]*\})*\}|[A-Za-z0-9])")
_STOPS = "+-=,;"


def _spec(text: str, pos: int) -> tuple[str, int | None, str | None, int] | None:
    """The index, its low bound, its high bound (digits or a letter) and where the body starts, for the
    spec after a `\\sum` at `pos`; None when there is no index."""
    low = high = None
    m = _LOW.match(text, pos)
    if m is None:
        h = _HIGH.match(text, pos)
        m = _LOW.match(text, h.end()) if h else None
        if m is None:
            return None
        high = h.group(1) or h.group(2)
        end = m.end()
    else:
        end = m.end()
        h = _HIGH.match(text, end)
        if h is not None:
            high, end = h.group(1) or h.group(2), h.end()
    index = m.group(1) or m.group(3)
    if m.group(2) is not None:
        low = int(m.group(2))
    return index, low, high, end


def _body_end(text: str, start: int) -> int:
    """Where the body of a sum starting at `start` ends: at a `+ - = , ;` outside brackets (not one that
    opens the body, nor a sign right after `^`, `_`, `\\times` …), or the bracket closing around the sum."""
    depth, i = 0, start
    while i < len(text) and text[i].isspace():
        i += 1
    if i < len(text) and text[i] in "+-":
        i += 1                                          # the body's own sign: \sum_k -w_k
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            m = re.match(r"\\(?:left|right|big|Big|bigg|Bigg)[lr]?(?![A-Za-z])", text[i:])
            if m:
                after = text[i + m.end():].lstrip()[:1]
                if depth == 0 and (after in (")", "]") or m.group(0).startswith("\\right")):
                    return i                                # \right), \Big) closing around the sum
                i += m.end()
                continue
            m = re.match(r"\\[A-Za-z]+|\\.", text[i:])
            i += m.end() if m else 1
            continue
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            if depth == 0:
                return i
            depth -= 1
        elif depth == 0 and ch in _STOPS:
            before = text[:i].rstrip()
            if not before.endswith(("^", "_", "\\times", "\\cdot", "*", "(")):
                return i
        i += 1
    return i


def _put(body: str, index: str, value: str) -> str:
    """The body with `value` for the index wherever it stands as an index (a subscript or superscript; a
    superscript that is the index alone is the sample's, J^{n} as J^{(n)}); a value of more than one digit beside another index gets a comma (w_{k5} with k = 12: w_{12,5})."""
    letter = re.compile(rf"(?<![A-Za-z\\]){re.escape(index)}(?![A-Za-z])")

    def inner(m: re.Match) -> str:
        s, i, e = m.string, m.start(), m.end()
        left = "," if len(value) > 1 and i > 0 and s[i - 1].isalnum() else ""
        right = "," if len(value) > 1 and e < len(s) and s[e].isalnum() else ""
        return f"{left}{value}{right}"

    def script(m: re.Match) -> str:
        arg = m.group(2)
        if m.group(1) == "^" and arg.strip("{} ") == index:
            return "^{(" + value + ")}"                # J^{n}, J^n: the sample's, as J^{(n)}
        if arg.startswith("{"):
            return m.group(1) + "{" + letter.sub(inner, arg[1:-1]) + "}"
        return m.group(1) + ("{" + value + "}" if arg == index else arg)

    return _SCRIPT.sub(script, body)


def _names_read(body: str, table: NameTable, sample: int | None, depth: int, work: list[int]) -> tuple[int, bool]:
    """How many quantity names a written-out term reads (its own sums written out), and whether any name in
    it is none of the problem's, or one of its sums cannot be written out."""
    from .latex import AnswerError, prepare_names       # latex imports this module
    work[0] -= 1
    if work[0] < 0:
        raise AnswerError("")
    try:
        text, _ = _expand(body, table, sample, depth, work)
    except AnswerError:
        if work[0] < 0:
            raise
        return 0, True
    return prepare_names(text, table, sample)


def _values(body: str, index: str, table: NameTable, sample: int | None, depth: int, work: list[int]) -> list[str]:
    """The values an unbounded index takes on this problem: every unit and sample number at which each
    name of the body is a quantity, and as many as at the best value (J^{(6)} names nothing here)."""
    part = table.psol.part
    units = [u for u in ([part.bias] if part.bias is not None else []) + list(part.inputs)
             + [j for layer in part.layers for j in layer] if u is not None]
    candidates = list(dict.fromkeys([str(u) for u in units] + [str(n) for n in range(1, len(part.samples) + 1)]))
    read = {}
    for c in candidates:
        count, unknown = _names_read(_put(body, index, c), table, sample, depth + 1, work)
        if not unknown and count:
            read[c] = count
    if not read:
        return []
    best = max(read.values())
    return [c for c in candidates if read.get(c) == best]


def _high(high: str | None, table: NameTable) -> int | None:
    if high is None:
        return None
    if high.isdigit():
        return int(high)
    if high in ("N", "m", "M", "B") and table.batched:       # the batch's size
        return len(table.psol.part.samples)
    return None


_BATCH_SIZE = re.compile(r"(?<![\\A-Za-z_^])(?<![_^]\{)N(?![A-Za-z_])")


def _as_number(body: str, index: str) -> bool:
    """Whether the index stands in the body outside every subscript and superscript (`\\sum_{k=1}^{3} k^2`)."""
    bare = _SCRIPT.sub(" ", body)
    return re.search(rf"(?<![A-Za-z\\]){re.escape(index)}(?![A-Za-z])", bare) is not None


def _not_written(index: str):
    from .latex import AnswerError                      # latex imports this module
    return AnswerError(said("reader.sum_not_written_out", index=index))


def expand_sums(text: str, table: NameTable, sample: int | None = None) -> str:
    """`text` with every sum over an index it can read written out as its terms (module doc); the text
    unchanged when it has none, or a sum the reader itself reads (its index a number in the body);
    AnswerError for a sum over units or samples that cannot be written out."""
    if "\\sum" not in text:
        return text
    from .latex import AnswerError                      # latex imports this module
    first = _spec(text, _SUM.search(text).end())
    try:
        out, over_samples = _expand(text, table, sample, 0, [MAX_TRIES])
    except AnswerError as e:
        if str(e):
            raise
        raise _not_written(first[0] if first else "?") from None   # too much to try: one neutral line
    if len(out) > MAX_CHARS:
        raise _not_written(_spec(text, _SUM.search(text).end())[0])
    if over_samples and table.lookup("N") is None:        # \frac{1}{N}: N is the batch's size
        out = _BATCH_SIZE.sub(str(len(table.psol.part.samples)), out)
    return out


def _expand(text: str, table: NameTable, sample: int | None, depth: int, work: list[int]) -> tuple[str, bool]:
    """`text` with its sums written out, the outermost first (its terms' own sums then, as their index is
    known), and whether one ran over the samples."""
    m = _SUM.search(text)
    if m is None:
        return text, False
    spec = _spec(text, m.end())
    if spec is None or depth > 3:
        return text, False
    index, low, high, body_start = spec
    end = _body_end(text, body_start)
    body = text[body_start:end].strip()
    if not body or _as_number(body, index) or _put(body, index, "0") == body:
        return text, False
    top = _high(high, table)
    if low is not None and top is not None:
        if top - low + 1 > MAX_TERMS or top < low:
            raise _not_written(index)
        values = [str(v) for v in range(low, top + 1)]
    elif top is None and (high is None or not high.isdigit()):
        # \sum_k, or bounds in letters (\sum_{k=1}^{K}): over the values the problem gives the index
        values = [v for v in _values(body, index, table, sample, depth, work) if low is None or int(v) >= low]
        if not values or len(values) > MAX_TERMS:
            raise _not_written(index)
    else:
        raise _not_written(index)
    over_samples = table.batched and all(v.isdigit() and 1 <= int(v) <= len(table.psol.part.samples)
                                         for v in values) \
        and re.search(rf"\^\s*\{{?\s*\(?\s*{re.escape(index)}(?![A-Za-z])", body) is not None
    terms = []
    for v in values:
        term, inner = _expand(_put(body, index, v), table, sample, depth + 1, work)
        terms.append(f"({term})")
        over_samples = over_samples or inner
        if sum(map(len, terms)) > MAX_CHARS:
            raise _not_written(index)
    rest, later = _expand(text[end:], table, sample, depth, work)
    return f"{text[:m.start()]}({' + '.join(terms)}){rest}", over_samples or later
