"""The one module that talks to latex2sympy2: our front end, a worker process, and a plain-data result.

latex2sympy2 gets wrong what students write in backprop answers (multi-letter `net`, `g'(x)`,
`\\approx`, `1.5e-3`, `\\max\\{x, 0\\}`), keeps module-global state that an `=` writes into, and can
be made to work without end (`10^{10^{10}}` evaluated exactly). So:

- the front end (`normalize`, `split_relations`) rewrites the text first: quantity names become
  placeholders `Q_{n}` (see names.py), relations are split here and never reach the parser;
- the parser runs in a worker process, with its globals reset before every answer, and is killed
  and restarted when an answer takes longer than a time limit;
- the worker sends back a tree of plain tuples (`Node`), never a SymPy object: unpickling SymPy
  would rebuild, and so evaluate, `Pow(10, 10**10)` in our process. expr.py evaluates the tuples
  with bounds.
"""
from __future__ import annotations

import multiprocessing as mp
import re
import signal
import sys
import time
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterator

from .. import greek
from ..errors import InternalError, SymbackpropError
from ..lifeline import cpu_limited as lifeline_cpu_limited
from ..messages import said
from . import numbers
from .brackets import closing_brackets, unclosed
from .fullwidth import fold
from .textcases import text_cases
from .brackets import split_top_level
from .names import NameTable, canon, delta_of_derivative

MAX_CHARS = 2000          # one answer (a whole chain)
MAX_DEPTH = 40            # nesting of braces and parentheses
MAX_NODES = 400           # size of a parsed expression
TIMEOUT = 3.0             # seconds for one parse
BUDGET = 5.0              # CPU seconds for one whole submission (meter.py; an honest write-up needs about 1.5)
STARTUP = 60.0            # seconds for the worker to import latex2sympy2
AHEAD_BUDGET = 1.0        # CPU seconds `Parser.serve` spends on one asker's texts …
AHEAD_LIMIT = 0.5         # … and on one text (whole seconds where the CPU is limited: ~1-2 s)
MEMORY = 300 * 2**20      # bytes the parser worker may grow by (Linux), beyond latex2sympy2 loaded

_COMMAND_ARGUMENT = re.compile(r"\\[A-Za-z]+\s*\{")
Node = tuple              # ("num", "p/q") ("sym", name) ("const", "E") ("add"|"mul", [nodes]) ("pow", b, e) ("fn", name, [nodes])


class AnswerError(SymbackpropError):
    """An answer that cannot be read: the message says what is wrong with it."""


class ReaderUnavailable(InternalError):
    """The LaTeX reader cannot start here (latex2sympy2 fails to import): no answer's fault."""


# -- front end -----------------------------------------------------------------------------------
_REMOVE = re.compile(r"\\left(?![a-z])|\\right(?![a-z])|\\[,;:!]|\\quad|\\qquad|\\displaystyle|~|\$")
_FONT_NET = re.compile(r"\\(?:mathrm|text|operatorname|textrm|mathit|rm)\s*\{\s*(net|new)\s*\}")
_ENOTATION = re.compile(r"(?<![\w.}])(\d+(?:\.\d*)?|\.\d+)[eE]([+-]?\d{1,3})(?![\w^])")
# Greek letters and ∂ typed as characters (operators, dashes, primes and full-width signs: fullwidth.fold)
_UNICODE = {"δ": r"\delta ", "Δ": r"\Delta ", "η": r"\eta ", "σ": r"\sigma ", "∂": r"\partial "}
# every other Greek letter a name may use (θ_0 is \theta_0, θ0 is \theta0): greek.py's; Σ stays a sum sign.
# A space only before a letter, which would else glue to the command (θx is \theta x, not \thetax)
_GREEK_CHARS = {ch: name for name, ch in greek.LETTERS.items()}
_GREEK_CHAR = re.compile("[" + "".join(_GREEK_CHARS) + "]")


def check_size(text: str, what: str = "answer") -> None:
    if len(text) > MAX_CHARS:
        raise AnswerError(said("reader.too_long", chars=len(text), most=MAX_CHARS)
                          if what == "answer" else f"{what} too long ({len(text)} characters; at most {MAX_CHARS})")
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
        raise AnswerError(said("reader.control_characters") if what == "answer" else
                          f"{what} contains control characters (binary data?)")
    depth = deepest = 0
    for ch in text:
        if ch in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "})]":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise AnswerError(said("reader.too_deep", depth=deepest, most=MAX_DEPTH) if what == "answer"
                          else f"{what} nested too deeply ({deepest} levels; at most {MAX_DEPTH})")
    why = unclosed_said(fold(text, strict=False))      # ｛ typed with an input method is { here too
    if why is not None:                # \begin{bmatrix} … with no \end: said by name, not as the parser's failure
        raise AnswerError(why)


def normalize(text: str, keep_ellipsis: bool = False) -> str:
    """`_normalize`, remembered for short texts: a pure function of the text, called for every link of
    every answer, and a class writes the same links again and again (at most 8192 texts of up to 2000
    characters are kept)."""
    if len(text) > 2000:
        return _normalize(text, keep_ellipsis)
    return _normalize_remembered(text, keep_ellipsis)


def unclosed_said(text: str):
    """Why `text` cannot be read when it leaves something open (brackets.unclosed): the environment by its
    name (`\\begin{bmatrix} is not closed: \\end{bmatrix} is missing`), the `\\left(`, `{`, `\\{` or `(`
    with the text around it; None when everything opened is closed. A closer with nothing open is not
    reported (`4)` has always read as 4)."""
    found = unclosed(text)
    if found is None:
        return None
    if found.kind == "env":
        return said("reader.unclosed_environment", name=found.name)
    if found.kind == "env_end":
        return said("reader.unopened_environment", name=found.name)
    if found.kind == "env_mismatch":
        return said("reader.mismatched_environment", name=found.name, other=found.other)
    if found.kind == "left":
        return said("reader.unclosed_left", opener=found.opener, at=found.at)
    return said("reader.unclosed_bracket", opener=found.opener, closer=found.closer, at=found.at)


def _normalize(text: str, keep_ellipsis: bool = False) -> str:
    """What latex2sympy2 gets wrong, rewritten: Chinese and full-width typing (fullwidth.py), fonts
    around net, unicode, e-notation, \\max\\{\\}, and the spellings of a number (numbers.py: digit
    groups, decimal commas, wrappers, `\\frac92`, formatting noise, exponents without braces).
    `keep_ellipsis`: an ellipsis after digits is kept as `\\ldots` (a write-up line, whose answers
    are read again), else dropped."""
    text = fold(text)                     # Chinese and full-width typing (fullwidth.py)
    for u, tex in _UNICODE.items():
        text = text.replace(u, tex)
    text = _GREEK_CHAR.sub(lambda m: f"\\{_GREEK_CHARS[m.group(0)]}" + (" " if m.end() < len(text) and
                           text[m.end()].isalpha() else ""), text)
    text = numbers.noise(text, keep_ellipsis)    # \checkmark, (4 d.p.), \num{}, {\bf 4.0}, \color, 0.98\ldots, ‰
    text = numbers.exponents(text)               # 10^-3, 9.82*10**-1, 9.82 x10^-1
    text = numbers.before_spacing(text)          # 1\,000 is 1000: before the thin space is dropped
    text = _REMOVE.sub(" ", text)
    text = numbers.parenthesised_exponents(text)    # 2^\left(-1\right): its \left and \right just went
    text = _FONT_NET.sub(r"\1", text)
    text = bare_functions(text)                  # tanh(0.6), ln(0.5), sqrt(2): the functions, not t·a·n·h
    text = numbers.unwrap(text)                  # \boxed{…}, \mathbf{4.5}, \text{}, \mathrm{e}, \frac92, \sqrt3
    # \operatorname{step}(x) is beyond latex2sympy2; \mathrm{step}(x) it reads as a function
    text = re.sub(r"\\operatorname\s*\{\s*(step|sgn|sign|relu|ReLU|sigmoid)\s*\}", r"\\mathrm{\1}", text)
    text = re.sub(r"\\(sgn|sign)(?![A-Za-z])", r"\\mathrm{\1}", text)
    text = re.sub(r"\\[dt]frac", r"\\frac", text)
    text = re.sub(r"\^\s*(?:\{\s*(?:T|\\top|\\intercal)\s*\}|T(?![A-Za-z])|\\top)", "", text)   # a scalar is its own transpose
    text = text.replace("^{\\prime}", "'").replace("^\\prime", "'")
    text = _max_calls(text, _MAX_ESCAPED, "\\}")        # the lecture's max\{x, 0\}
    text = _max_calls(text, _MAX_BRACED, "}")
    text = text_cases(text)                      # the text solution's {1, net_5 > 0; 1/10, net_5 ≤ 0}
    # ln is what backprop means by log (and what SymPy prints as \log); latex2sympy2 reads \log as log10
    text = re.sub(r"\\log(?![A-Za-z])", r"\\ln", text)
    # f((x)) is a product for latex2sympy2: drop parentheses that only wrap parentheses
    text = _collapse_parentheses(text)
    text = _HALF_OF.sub(r"\\frac{\1}{\2}", text)   # 1/2 (t - u)^2 is ½(t − u)², not 1/(2(t − u)²)
    text = numbers.commas(text)                  # 0,9820 and 4{,}5 are decimals; 1,000 stays in doubt
    text = _ENOTATION.sub(lambda m: f"({m.group(1)}\\times 10^{{{m.group(2)}}})", text)
    return numbers.ends(text)


_normalize_remembered = lru_cache(maxsize=8192)(_normalize)


# a function's name typed without its backslash: a whole word (no letter or backslash before it) right
# before an opening parenthesis; tanh(0.6) is t·a·n·h·(0.6) to latex2sympy2
_BARE_FUNCTION = re.compile(r"(?<![\\A-Za-z])(tanh|sinh|cosh|ln|log|exp|sqrt|sigmoid|sigma|max|min|relu|step)"
                            r"(?=\s*\()", re.I)
_AS_LATEX = {"sigmoid": "\\mathrm{sigmoid}", "sigma": "\\mathrm{sigmoid}", "relu": "\\mathrm{relu}",
             "step": "\\mathrm{step}"}
_SQRT_PAREN = re.compile(r"\\sqrt\s*\(")


# a number over a number right before a parenthesis, as typed: `1/2 (t - u)^2`. A teacher reads ½(t − u)²;
# latex2sympy2's grammar (and quick.py, which follows it) would read 1/(2·(t − u)²)
_HALF_OF = re.compile(r"(?<![\w.})\\^_])(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)(?=\s*(?:\(|\\left\s*\())")


def bare_functions(text: str) -> str:
    """`tanh(0.6)`, `ln(0.5079)`, `exp(-4)`, `sigmoid(4)`, `relu(4)`, `max(4, 0)` as the LaTeX functions
    (`\\tanh(0.6)` …), and `sqrt(2)` (or `\\sqrt(2)`) as `\\sqrt{2}`. Only a whole word right before `(`:
    quantity names (net_3) and words (\\text{step size}) are left alone."""
    if "(" not in text:
        return text
    text = _BARE_FUNCTION.sub(lambda m: _AS_LATEX.get(m.group(1).lower(), "\\" + m.group(1).lower()), text)
    if "\\sqrt" not in text:
        return text
    closing = closing_brackets(text)
    out, pos = [], 0
    for m in _SQRT_PAREN.finditer(text):
        end = closing.get(m.end() - 1)
        if m.start() < pos or end is None:
            continue
        out += [text[pos:m.start()], "\\sqrt{", text[m.end():end], "}"]
        pos = end + 1
    out.append(text[pos:])
    return "".join(out)


_KNOWN_COMMANDS = frozenset("tanh sinh cosh ln log exp sqrt sigma max min".split())
_BARE_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{2,}(?![A-Za-z])")
_UNKNOWN_SYMBOL = re.compile(r"unknown symbol ([A-Za-z])\Z")


# what the parser (latex2sympy2, or its worker refusing a tree) says, as catalogue messages: the English
# words are the parser's own, so that an English report reads as before
_PARSER_SAYS = (
    (re.compile(r"I don't understand this"), "reader.parser_not_understood"),
    (re.compile(r"I expected something else here"), "reader.parser_expected_else"),
    (re.compile(r"I expected one of these: (?P<tokens>.*)"), "reader.parser_expected_one_of"),
    (re.compile(r"missing (?P<what>.*)"), "reader.parser_missing"),
    (re.compile(r"empty expression"), "reader.empty"),
    (re.compile(r"too complex to read: more than (?P<seconds>\S+) s of computing time"), "reader.too_complex"),
    (re.compile(r"the parser stopped on this answer"), "reader.parser_stopped"),
    (re.compile(r"too large to read within (?P<mb>\d+) MB"), "reader.too_large_memory"),
    (re.compile(r"expression too large \(more than (?P<most>\d+) parts\)"), "reader.too_many_parts"),
    (re.compile(r"a list of values, where one value was expected"), "reader.list_of_values"),
    (re.compile(r"a relation \(=, <, >\) inside an expression"), "reader.relation_inside"),
    (re.compile(r"(?P<kind>\w+) is not something an answer can contain"), "reader.cannot_contain"),
    (re.compile(r"Unrecognized symbol"), "reader.parser_unrecognized_symbol"),
)


def parser_message(text: str) -> str:
    """The parser's message for an expression it did not read, as a catalogue message when it is one we
    know (the same English words), else as it is."""
    for pattern, key in _PARSER_SAYS:
        m = pattern.fullmatch(text)
        if m is not None:
            return said(key, **m.groupdict())
    return text


def explain_unknown(text: str, message: str) -> str:
    """"unknown symbol t" said as the word the student wrote: `tanh` is read as t·a·n·h (a product of
    letters), with the spelling that is read (\\tanh). Other messages are returned as they are."""
    m = _UNKNOWN_SYMBOL.search(message)
    if m is None:
        return message
    for w in _BARE_WORD.finditer(text):
        word = w.group(0)
        if m.group(1) not in word or word.lower() in ("net", "new", "text", "mathrm", "left", "right"):
            continue
        letters = "·".join(word)
        if word.lower() in _KNOWN_COMMANDS:
            return said("reader.word_as_letters", word=word, letters=letters, command=f"\\{word.lower()}")
        if word.lower() in _AS_LATEX:
            return said("reader.word_as_letters", word=word, letters=letters, command=_AS_LATEX[word.lower()])
        return said("reader.word_not_understood", word=word, letters=letters)
    return message


_MAX_ESCAPED = re.compile(r"\\(max|min)\s*\\\{")
_MAX_BRACED = re.compile(r"\\(max|min)\s*\{")


class _Finder:
    """`text.find(needle, start)` for ascending starts in linear total time: a result is reused while the
    start has not passed it, and a needle not found once is not searched for again (also read.py's)."""

    def __init__(self, text: str, needle: str) -> None:
        self.text, self.needle, self.at = text, needle, None

    def find(self, start: int) -> int:
        if self.at is None or (self.at != -1 and start > self.at):
            self.at = self.text.find(self.needle, start)
        return self.at


def _max_calls(text: str, head: re.Pattern, close: str) -> str:
    """`\\max\\{a, b\\}` → `\\max(a, b)`: what `re.sub(head + "(.*?)" + close)` does, in one pass (that
    regex searches to the end of the text again for every unclosed head: `\\max{` 200,000 times)."""
    closer, newline = _Finder(text, close), _Finder(text, "\n")
    out, pos = [], 0
    for m in head.finditer(text):
        if m.start() < pos:
            continue
        end = closer.find(m.end())
        if end < 0:
            break
        nl = newline.find(m.end())
        if nl != -1 and nl < end:            # `.` does not cross a line end: this head has no match
            continue
        out += [text[pos:m.start()], "\\", m.group(1), "(", text[m.end():end], ")"]
        pos = end + len(close)
    out.append(text[pos:])
    return "".join(out)


def _collapse_parentheses(text: str) -> str:
    """Parentheses that only wrap parentheses, dropped: `((x))` and `( (x) )` → `(x)`. What repeating
    `re.sub(r"\\(\\s*\\(([^()]*)\\)\\s*\\)", r"(\\1)")` until nothing changes gives, in one pass: a pair
    collapses when its content is free of parentheses, or is blank around one pair that collapses."""
    if "(" not in text:
        return text
    stack: list[int] = []                    # opening positions of the open pairs
    kids: dict[int, int] = {}                # opening position -> number of pairs directly inside
    kid: dict[int, int] = {}                 # opening position -> the last pair directly inside
    close_of: dict[int, int] = {}
    start: dict[int, int] = {}               # a collapsing pair -> where the content it keeps starts
    end: dict[int, int] = {}                 # … and ends (plain ints: no container per pair)
    for m in _PAREN.finditer(text):
        i = m.start()
        if text[i] == "(":
            stack.append(i)
        elif stack:
            o = stack.pop()
            close_of[o] = i
            n = kids.get(o, 0)
            if n == 0:
                start[o], end[o] = o + 1, i
            elif n == 1:
                k = kid[o]
                if k in start and not text[o + 1:k].strip() and not text[close_of[k] + 1:i].strip():
                    start[o], end[o] = start[k], end[k]
            if stack:
                kids[stack[-1]] = kids.get(stack[-1], 0) + 1
                kid[stack[-1]] = o
    out, pos = [], 0
    for o in sorted(start):
        if o < pos:                          # inside a pair already written
            continue
        out += [text[pos:o], "(", text[start[o]:end[o]], ")"]
        pos = close_of[o] + 1
    out.append(text[pos:])
    return "".join(out)


_PAREN = re.compile(r"[()]")
_RELATION = re.compile(r"=|\\approx|\\simeq|\\doteq")


def split_relations(text: str) -> list[tuple[str, str]]:
    """`a = b \\approx c` → [("", a), ("=", b), ("≈", c)], splitting only outside braces and parentheses.
    Everything after a reason word (`\\text{ since }`, because, as) belongs to the reason, so a relation
    there is the reason's comparison, never a link: `g'(net_4) = 1 \\text{ since } net_4 = 0` is two links;
    so is a relation in a case's condition (`\\begin{cases} 6 & net_3 = 4 \\\\ … \\end{cases}`)."""
    parts, depth, start, rel = [], 0, 0, ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and depth == 0 and _BECAUSE.match(text, i):
            break                                # the rest is the last link's reason
        if ch == "\\" and text.startswith(_BEGIN_CASES, i):
            end = text.find(_END_CASES, i)       # a case's condition (`6 & net_3 = 4`) is no link
            if end >= 0:
                i = end + len(_END_CASES)
                continue
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        elif depth == 0:
            m = _RELATION.match(text, i)
            if m and not text.startswith("\\approx", i - 1):
                parts.append((rel, text[start:i].strip()))
                rel = "≈" if m.group(0) != "=" else "="
                i = m.end()
                start = i
                continue
        i += 1
    parts.append((rel, text[start:].strip()))
    return parts


def split_equations(text: str) -> list[str]:
    """Several equations in one line (`u_3 = 4, u_4 = 0`; `… = 4. So u_3 = …`) as separate texts."""
    pieces = split_top_level(text, ",;")
    out: list[str] = []
    for piece in pieces:
        out += [p for p in re.split(r"\.\s+(?:So|so|Thus|thus|Hence|hence|因此|所以)\b|\\text\{\s*(?:so|thus)\s*\}", piece)]
    merged: list[list[str]] = []
    for p in (p.strip().rstrip(".") for p in out):
        if not p:
            continue
        if merged and "=" not in p and "\\approx" not in p:
            merged[-1].append(p)              # a comma inside a formula, not between equations
        else:
            merged.append([p])
    return [", ".join(m) for m in merged]


@dataclass(frozen=True)
class Prepared:
    """An expression with quantity names replaced by placeholders Q_{n}, and what they stand for."""

    text: str                 # what the parser gets
    names: dict[str, str]     # placeholder symbol name as parsed ("Q_3", "Q_12") -> canonical quantity name
    unknown: tuple[str, ...]  # names that look like quantities but are none of this problem's


def prepare(expr: str, table: NameTable, sample: int | None = None, with_sums: bool = True) -> Prepared:
    """Replace every quantity name with a placeholder the parser treats as one symbol. `sample`: the 0-based
    sample of the item the text belongs to (net_4^{(1)} in a batch), whose per-sample quantities a name
    without a sample names (x_1 there is x_1^(1)); None where the item is not one sample's."""
    names: dict[str, str] = {}
    unknown: list[str] = []
    placeholders: dict[str, str] = {}

    def sub(m: re.Match, named: str | None = None) -> str:
        token = m.group(0)
        key = named or canon(token)
        q = table.lookup(key if named else token)
        if q is None and not named and (own := table.in_sample(token, sample)) is not None:
            key, q = own, table.lookup(own)
        if q is None and not named and (delta := delta_of_derivative(table, token, sample)) is not None:
            # the problem's own definition written out (−∂E/∂net_7 where δ = −∂E/∂net): ±δ_7, whichever
            # convention the student states by it (∂E/∂net_7 there is −δ_7, the other convention's δ)
            shown = sub(m, delta[0].qid)
            return f" ({shown}) " if delta[1] > 0 else f" (-{shown}) "
        if q is None:
            if "_" in key or token.startswith("\\frac"):
                unknown.append(token.strip())
            return token
        if key not in placeholders:
            placeholders[key] = f"Q_{{{len(placeholders) + 1}}}"
            names[placeholders[key].replace("{", "").replace("}", "")] = key
        return f" {placeholders[key]} "

    why = numbers.doubt(expr)                # 1,000  4\\frac{1}{2}  0.98 20: unreadable, with the readings
    if why is not None:
        raise AnswerError(why)
    if with_sums:                            # \sum_{n=1}^{3} J^{(n)}, \sum_k w_{k5}\delta_k: written out (sums.py)
        from .sums import expand_sums
        expr = expand_sums(expr, table, sample)
    expr = table.primes(expr)                  # σ'(net_3), f'(net_3): g'(net_3)
    text = table.token.sub(sub, expr)          # TOKEN, with the problem's multi-letter symbols (yd_5)
    # the loss symbol alone (J), or a sample's loss in a batch (J^{(2)})
    loss = re.escape(table.loss_symbol)
    text = re.sub(rf"(?<![\\A-Za-z]){loss}(?:\s*\^\s*\{{\s*\(\s*\d+\s*\)\s*\}})?(?![A-Za-z_])", sub, text)
    # the learning rate by the notation's letter (learning_rate_symbol: alpha): \\alpha, α, alpha
    if table.lookup("learning_rate") is not None:
        text = table.learning_rate.sub(lambda m: sub(m, "learning_rate"), text)
    # an activation's parameter (ELU's α, a leaky ReLU's slope): the problem's value, exactly
    for pattern, value in getattr(table, "parameters", ()):
        text = pattern.sub(lambda m, v=value: f" \\left({v}\\right) ", text)
    return Prepared(text, names, tuple(unknown))


def prepare_names(expr: str, table: NameTable, sample: int | None = None) -> tuple[int, bool]:
    """How many quantity names a text reads, and whether it has a name that is none of the problem's
    (sums.py, trying the values of a sum's index on a term whose sums are written out); a text the reader
    doubts reads none."""
    try:
        prepared = prepare(expr, table, sample, with_sums=False)
    except AnswerError:
        return 0, True
    return len(prepared.names), bool(prepared.unknown)


_CALL = re.compile(r"\\mathrm\{(step|relu|ReLU|sgn|sign|sigmoid|H)\}\s*\(")


def _cut_calls(text: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """Replace each `\\mathrm{step}(…)` by a placeholder F_{n}; return the calls by placeholder.
    One pass from left to right: a call's argument (with any calls inside it) is skipped as a whole."""
    calls: dict[str, tuple[str, str]] = {}
    out, pos = [], 0
    while True:
        m = _CALL.search(text, pos)
        if not m:
            out.append(text[pos:])
            return "".join(out), calls
        depth, end = 1, m.end()
        while end < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        if depth:
            raise AnswerError(said("reader.unbalanced", command=f"\\mathrm{{{m.group(1)}}}"))
        ph = f"F_{{{len(calls) + 1}}}"
        calls[ph.replace("{", "").replace("}", "")] = (f"\\mathrm{{{m.group(1)}}}", text[m.end():end - 1])
        out += [text[pos:m.start()], f" {ph} "]
        pos = end


_BEGIN_CASES, _END_CASES = "\\begin{cases}", "\\end{cases}"
_OTHERWISE = re.compile(r"(\\text\{\s*(otherwise|else)\s*\})?")
_COND = re.compile(r"^\s*(?:\\text\{\s*(?:for|if|when)\s*\}\s*(?:\\:|\\ )?)?(.*?)(>=|<=|\\geq?|\\leq?|>|<|=)(.*)$", re.S)
_OPS = {"\\ge": ">=", "\\geq": ">=", "\\le": "<=", "\\leq": "<=", "\\ne": "!=", "\\neq": "!="}


_BECAUSE = re.compile(r"\\(?:text|mathrm|textrm)\s*\{\s*(?:since|because|as)\s*\}")


def without_reason(piece: str) -> str:
    """A link with a reason after it (`1 \\text{ since } 4 > 0`, as for a ReLU's g'): the value before it,
    when the condition is in numbers and holds; AnswerError when it does not hold or is not in numbers.
    (The checker uses `split_reason`, which also reads a reason in names.)"""
    value, reason = split_reason(piece)
    if reason is None:
        return piece
    lhs, op, rhs, cond = reason
    a, b = _NUMERIC_SIDE.fullmatch(lhs.strip()), _NUMERIC_SIDE.fullmatch(rhs.strip())
    if a is None or b is None:
        raise AnswerError(said("reader.reason_in_numbers", cond=cond[:40]))
    if not holds(Fraction(a.group(0)), op, Fraction(b.group(0))):
        raise AnswerError(said("reader.reason_does_not_hold", cond=cond[:40]))
    return value


_NUMERIC_SIDE = re.compile(r"[+-]?\d+(?:\.\d+)?")
_REASON = re.compile(r"\s*(.+?)\s*(>=|<=|\\geq?|\\leq?|\\neq|\\ne|>|<|=)\s*(.+?)\s*[.,;]?\s*", re.S)


def split_reason(piece: str) -> tuple[str, tuple[str, str, str, str] | None]:
    """A link with a reason after it (`1 \\text{ since } net_3 > 0`): the value before the reason, and the
    reason as (left side, operator, right side, the condition as written), or None when there is no
    reason. The sides are left as LaTeX for the checker to read (numbers or quantity names); a reason
    that is no comparison (`since it is positive`) is AnswerError."""
    m = _BECAUSE.search(piece)
    if m is None or _BEGIN_CASES in piece:
        return piece, None
    value, cond = piece[:m.start()], piece[m.end():]
    c = _REASON.fullmatch(cond)
    if c is None or not c.group(1).strip() or not c.group(3).strip():
        raise AnswerError(said("reader.reason_not_comparison", cond=cond.strip()[:40]))
    op = _OPS.get(c.group(2), c.group(2))
    return value, (c.group(1), op, c.group(3), cond.strip().rstrip(".,;").strip())


_CASE_WORD = re.compile(r"\s*(?:\\text\{\s*(?:for|if|when)\s*\}\s*(?:\\:|\\ )?)?")


def cases_rows(piece: str) -> list[tuple[str, tuple[str, str, str, str] | None]] | None:
    """The rows of a link that is one `\\begin{cases} … \\end{cases}` and nothing else, each as (its value
    as LaTeX, its condition as a reason (left side, operator, right side, as written) or None for
    `\\text{otherwise}`), so that a cases whose values are numbers can be judged as a value with its
    reason; None when the link is not a single cases. A row whose condition is not a comparison is
    AnswerError."""
    text = piece.strip()
    if not (text.startswith(_BEGIN_CASES) and text.endswith(_END_CASES)):
        return None
    body = text[len(_BEGIN_CASES):-len(_END_CASES)]
    if _BEGIN_CASES in body or _END_CASES in body:
        return None
    rows: list[tuple[str, tuple[str, str, str, str] | None]] = []
    for row in body.split("\\\\"):
        if not row.strip():
            continue
        value, _, cond = row.partition("&")
        if _OTHERWISE.fullmatch(cond.strip()):
            rows.append((value.strip(), None))
            continue
        cond = cond[_CASE_WORD.match(cond).end():]
        c = _REASON.fullmatch(cond)
        if c is None or not c.group(1).strip() or not c.group(3).strip():
            raise AnswerError(said("reader.bad_case"))
        rows.append((value.strip(), (c.group(1), _OPS.get(c.group(2), c.group(2)), c.group(3),
                                     cond.strip().rstrip(".,;").strip())))
    return rows or None


def holds(a, op: str, b) -> bool:
    """`a op b` for one of the relations a reason or a case may state (`>`, `\\geq`, `=`, `\\neq` …)."""
    return {">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b, "=": a == b, "!=": a != b}[op]


def _cut_cases(text: str) -> tuple[str, dict[str, list]]:
    """Replace each `\\begin{cases} a & \\text{for} x > 0 \\\\ b & \\text{otherwise} \\end{cases}` by a
    placeholder; return its rows as (value text, (lhs, op, rhs) or None for "otherwise")."""
    found: dict[str, list] = {}

    def cut(body: str) -> str:
        rows = []
        for row in body.split("\\\\"):
            if not row.strip():
                continue
            value, _, cond = row.partition("&")
            c = _COND.match(cond)
            if c:
                rows.append((value, (c.group(1), _OPS.get(c.group(2), c.group(2)), c.group(3))))
            elif _OTHERWISE.fullmatch(cond.strip()):
                rows.append((value, None))
            else:
                raise AnswerError(said("reader.bad_case"))
        ph = f"K_{{{len(found) + 1}}}"
        found[ph.replace("{", "").replace("}", "")] = rows
        return f" {ph} "

    # each \begin{cases} up to the first \end{cases} after it (as the regex `\\begin\{cases\}(.*?)\\end\{cases\}`
    # with re.S finds them); an unclosed one stops the search instead of starting it again from every later one
    out, pos = [], 0
    while True:
        start = text.find(_BEGIN_CASES, pos)
        end = text.find(_END_CASES, start + len(_BEGIN_CASES)) if start >= 0 else -1
        if end < 0:
            out.append(text[pos:])
            return "".join(out), found
        out += [text[pos:start], cut(text[start + len(_BEGIN_CASES):end])]
        pos = end + len(_END_CASES)


def _put_back(node: Node, inner: dict[str, Node]) -> Node:
    if node[0] == "sym" and node[1] in inner:
        return inner[node[1]]
    return tuple(_put_back(p, inner) if isinstance(p, tuple) else
                 [_put_back(a, inner) for a in p] if isinstance(p, list) else p for p in node)


# -- the worker ----------------------------------------------------------------------------------
# parsed when a worker starts (while the problem is being solved), not charged to any answer. One text:
# more would warm ANTLR up further, but on a loaded machine the parser is then ready later than the solution
WARM_UP = (r"\frac{1}{2}(1-0.5)^{2} \times e^{-1}",)


class NotAnAnswer(ValueError):
    """A tree `_to_node` refuses (too large, a list, a relation, a Derivative …): its words are a message for the student."""


def _to_node(expr, budget: list[int]) -> Node:
    """A SymPy tree as plain tuples, refusing what an answer has no use for."""
    import sympy as sp
    budget[0] -= 1
    if budget[0] < 0:
        raise NotAnAnswer(f"expression too large (more than {MAX_NODES} parts)")
    if isinstance(expr, (list, tuple)):
        raise NotAnAnswer("a list of values, where one value was expected")
    if expr is sp.E:
        return ("const", "E")
    if expr is sp.pi:
        return ("const", "pi")
    if isinstance(expr, sp.Integer) or isinstance(expr, sp.Rational):
        return ("num", f"{expr.p}/{expr.q}")
    if isinstance(expr, sp.Float):
        return ("num", str(expr))
    if isinstance(expr, sp.Symbol):
        # Q_{1} is Q_1 (the placeholders' names); a command keeps its argument's braces: `\\text{exact}`,
        # never the glued `\\textexact`, in what is said about it
        if _COMMAND_ARGUMENT.match(expr.name):
            return ("sym", expr.name)
        return ("sym", expr.name.replace("{", "").replace("}", ""))
    if isinstance(expr, sp.Add):
        return ("add", [_to_node(a, budget) for a in expr.args])
    if isinstance(expr, sp.Mul):
        return ("mul", [_to_node(a, budget) for a in expr.args])
    if isinstance(expr, sp.Pow):
        return ("pow", _to_node(expr.base, budget), _to_node(expr.exp, budget))
    if isinstance(expr, sp.exp):
        return ("pow", ("const", "E"), _to_node(expr.args[0], budget))
    if isinstance(expr, sp.Sum) and len(expr.limits) == 1:
        var, low, high = expr.limits[0]
        return ("sum", var.name, _to_node(low, budget), _to_node(high, budget), _to_node(expr.function, budget))
    if isinstance(expr, sp.Function) or isinstance(expr, (sp.Max, sp.Min)):
        name = getattr(expr.func, "__name__", str(expr.func))
        return ("fn", name, [_to_node(a, budget) for a in expr.args])
    if isinstance(expr, sp.Basic) and expr.is_Relational:
        raise NotAnAnswer("a relation (=, <, >) inside an expression")
    raise NotAnAnswer(f"{type(expr).__name__} is not something an answer can contain")


def _load_latex2sympy2():
    """Import latex2sympy2 on any supported Python (compat.py gives its antlr4 runtime the `typing.io`
    that 3.13 removed) and warm its parser up. Its import-time warnings are not the user's business."""
    import warnings
    from .compat import provide_typing_io
    provide_typing_io()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import latex2sympy2
    try:
        latex2sympy2.latex2sympy(r"\frac{1}{2}(1-0.5)^{2} \times e^{-1}")     # warm the parser up
    except Exception:                                                        # pragma: no cover
        pass
    return latex2sympy2


def _one_line(exc: BaseException) -> str:
    """An exception as one line for the parent: its type, message and the file and line it came from."""
    import traceback
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        where = frames[-1]
        parts = re.split(r"[\\/]", where.filename)
        text += f" (in {'/'.join(parts[-2:])}, line {where.lineno})"
    return text[:300]


def _worker(conn, inherited=None) -> None:
    """Parse texts one by one; every answer starts from fresh latex2sympy2 globals. The worker
    exits when its parent dies (lifeline.py), may grow by at most MEMORY bytes, and each parse
    has TIMEOUT + 1 s of CPU even if no parent is left to stop it."""
    if inherited is not None:         # fork: our copy of the parent's end, else we never see EOF
        inherited.close()
    from .. import lifeline
    lifeline.become_worker()
    try:
        latex2sympy2 = _load_latex2sympy2()
    except Exception as exc:          # a broken install, or a Python that its runtime does not support
        conn.send(("failed", _one_line(exc)))
        return
    try:
        for text in WARM_UP:
            latex2sympy2.latex2sympy(text)                                    # warm the parser up
    except Exception:                                                        # pragma: no cover
        pass
    lifeline.limit_memory(MEMORY)
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        # one text, or ("batch", texts, CPU seconds, CPU seconds per text): a reply per text, as each is
        # parsed, and once the batch has used its seconds the rest are "skipped" unparsed
        texts, budget, limit = message[1:] if isinstance(message, tuple) else ([message], None, TIMEOUT)
        spent = 0.0
        for text in texts:
            if budget is not None and spent >= budget:
                conn.send(("skipped", None, 0.0))
                continue
            answer = _parse_one(latex2sympy2, lifeline, text, limit)
            spent += answer[2]
            conn.send(answer)


# what a student is told when latex2sympy2 fails on a text with an error of Python's (a TypeError …) rather than
# one of its own messages: `delta_5` after `*` once gave "argument of type 'Symbol' is not iterable"
UNREADABLE = "the LaTeX reader cannot read this expression"
# a Greek letter's name written without its backslash (greek.py's letters, the longest first)
_BARE_GREEK = re.compile(r"(?<![\\A-Za-z])(" + "|".join(sorted(greek.LATEX_LETTERS, key=len, reverse=True))
                         + r")(?![A-Za-z])")


def _unreadable(text: str) -> str:
    """UNREADABLE, with the likely cause when the text names a Greek letter without its backslash."""
    m = _BARE_GREEK.search(text)
    return UNREADABLE if m is None else f"{UNREADABLE}: write {m.group(1)} with its backslash, \\{m.group(1)}"


def _parse_one(latex2sympy2, lifeline, text: str, limit: float = TIMEOUT) -> tuple[str, object, float]:
    """(status, tree or message, CPU seconds) for one text, from fresh latex2sympy2 globals, within
    `limit` + 1 s of CPU time (past it, SIGXCPU ends the worker: the Parser reports the time-out)."""
    latex2sympy2.variances, latex2sympy2.var, latex2sympy2.VARIABLE_VALUES = {}, {}, {}
    latex2sympy2.is_real = None
    lifeline.limit_cpu(limit + 1)
    start = time.process_time()
    try:
        answer: tuple[str, object] = ("ok", _to_node(latex2sympy2.latex2sympy(text), [MAX_NODES]))
    except MemoryError:
        answer = ("error", f"too large to read within {MEMORY // 2**20} MB")
    except Exception as exc:
        if type(exc) in (Exception, NotAnAnswer):   # latex2sympy2's own messages (it raises plain Exception:
            # "I expected something else here") and the tree's refusals (_to_node: "a relation … inside an expression")
            answer = ("error", str(exc).splitlines()[0][:200] or "not readable")
        else:                         # a failure inside latex2sympy2 or SymPy: Python's words are no message for a student
            answer = ("error", _unreadable(text))
    return answer + (time.process_time() - start,)      # the CPU time is charged to the budget


_CPU_LIMITED = lifeline_cpu_limited()
_CPU_SIGNALS = tuple(-getattr(signal, name) for name in ("SIGXCPU", "SIGKILL") if hasattr(signal, name))


class Parser:
    """latex2sympy2 in a worker process, with a time limit per answer (TIMEOUT of CPU time where it
    can be limited, else wall-clock), a budget per submission (BUDGET: CPU time, which meter.py also
    charges the checking to) and a cache of results, each charged to a submission once."""

    def __init__(self, timeout: float = TIMEOUT, start_method: str | None = None, fetch=None) -> None:
        """`start_method`: how the worker starts; default fork on Linux (fast: latex2sympy2 is imported
        once), the platform's own elsewhere (macOS and Windows spawn: fork is unsafe or absent there).
        `fetch(texts) -> {text: result}`: where `prefetch` gets results from instead of parsing them
        here (grade's workers ask the parent, which parses each distinct text once per class)."""
        self.timeout = timeout
        self.fetch = fetch
        self.start_method = start_method or ("fork" if sys.platform.startswith("linux") else None)
        self.budget = BUDGET          # what is left for the current submission (reset by `new_submission`)
        self.cache: dict[str, tuple[str, object, float]] = {}   # text -> (status, tree or message, CPU cost)
        self._charged: set[str] = set()                         # texts the current submission has paid for
        self._recording: list[str] | None = None
        self._proc = None
        self._conn = None
        self._ready = False
        self.asked = 0                # texts sent to latex2sympy2 so far (each distinct text once, unless it timed out)
        self.broken: str | None = None     # why the worker cannot start, once it has failed to

    def _start(self) -> None:
        ctx = mp.get_context(self.start_method)
        self._conn, child = ctx.Pipe()
        inherited = self._conn if ctx.get_start_method() == "fork" else None
        proc = ctx.Process(target=_worker, args=(child, inherited), daemon=True)
        try:
            proc.start()
        finally:
            child.close()
        self._proc = proc
        self._ready = False

    def _await_ready(self) -> None:
        """Wait for the worker's "ready": its start-up (imports) is not charged to any answer. A worker
        that cannot start (latex2sympy2 fails to import, or the process dies first) is no answer's
        fault and would fail again for every answer: ReaderUnavailable, with the reason in one line."""
        why = None
        try:
            if self._conn.poll(STARTUP):
                kind, detail = self._conn.recv()
                if kind == "ready":
                    self._ready = True
                    return
                why = str(detail)
        except (EOFError, OSError):
            proc = self._proc
            if proc is not None:
                proc.join(5)
            why = f"its process stopped while starting (exit code {proc.exitcode if proc else None})"
        self.close()
        if why is not None:
            self.broken = (f"the LaTeX reader (latex2sympy2) could not start on Python "
                           f"{sys.version.split()[0]}: {why}")
            raise ReaderUnavailable(self.broken)
        raise AnswerError(said("reader.did_not_start", seconds=f"{STARTUP:g}"))

    def new_submission(self, budget: float = BUDGET) -> None:
        """Parsing time for the next submission: a submission of many slow answers cannot hang a class."""
        self.budget = budget
        self._charged = set()

    def warm(self) -> None:
        """Start the worker now, so that importing latex2sympy2 overlaps with other work."""
        if self._proc is None or not self._proc.is_alive():
            self._start()

    def close(self) -> None:
        """Stop the worker (it is started again when needed)."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.join()
            self._proc = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def running(self) -> bool:
        """Whether a worker process exists now (it is started lazily, by the first parse)."""
        return self._proc is not None and self._proc.is_alive()

    def __enter__(self) -> "Parser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def recording(self) -> Iterator[list[str]]:
        """The texts parsed inside the block (cached or not), for `charge` when a result is reused."""
        outer, self._recording = self._recording, []
        try:
            yield self._recording
        finally:
            if outer is not None:
                outer.extend(self._recording)
            self._recording = outer

    def charge(self, texts) -> None:
        """Charge the current submission for texts whose result is reused without parsing (a right
        answer remembered from another student), as if it had parsed them itself."""
        for text in texts:
            entry = self.cache.get(text)
            if entry is not None and text not in self._charged:
                self.budget -= entry[2]
                self._charged.add(text)

    def parse(self, text: str) -> Node:
        """The tree of one expression (no relations), or AnswerError. Calls of step, relu, sgn and
        sigmoid, which latex2sympy2 reads as products when the argument is not a single atom, are
        cut out first, their arguments parsed on their own and put back as function nodes."""
        text, cases = _cut_cases(text)
        text, calls = _cut_calls(text)
        if self._recording is not None:
            self._recording.append(text)
        if text not in self.cache:
            self._quick(text)
        if text in self.cache:
            status, value, _ = self.cache[text]
            # a text this submission has not parsed yet costs it what it cost the first time, whoever
            # parsed it then: the budget runs out at the same answer as when the file is checked alone
            if text not in self._charged and self.budget <= 0:
                raise AnswerError(said("reader.budget_spent"))
            self.charge([text])
        else:
            status, value, cost, lasting = self._ask(text)
            self.budget -= cost           # CPU, not wall-clock: a loaded machine does not cost students answers
            if lasting:                   # the parser's own answer; never a time-out, which load can cause
                self.cache[text] = (status, value, cost)
                self._charged.add(text)
        if status != "ok":
            raise AnswerError(parser_message(str(value)))
        if not calls and not cases:
            return value  # type: ignore[return-value]
        inner = {ph: ("fn", name, [self.parse(arg)]) for ph, (name, arg) in calls.items()}
        for ph, rows in cases.items():
            branches = []
            for val, cond in rows:
                test = None
                if cond is not None:
                    lhs, op, rhs = cond
                    test = (op, self.parse(lhs), self.parse(rhs))
                branches.append((self.parse(val), test))
            inner[ph] = ("cases", branches)
        return _put_back(value, inner)  # type: ignore[arg-type]

    def prefetch(self, texts, budget: float = BUDGET, limit: float | None = None) -> int:
        """Parse, in one round trip, every text not yet in the cache (and the arguments of the calls
        and cases cut out of it, as `parse` would), so that later `parse` calls find them cached; each
        is charged to a submission only when that submission parses it. Pipelined: the texts go in one
        message, the results come back one by one, each within the per-answer limit (or `limit` CPU
        seconds, when only ahead of need). At most `budget` CPU seconds are spent (the rest is left
        unparsed); a text that times out or stops the worker ends the batch and is not cached, to be
        parsed when needed, within the full limit. Returns how many texts were parsed."""
        todo: list[str] = []
        seen: set[str] = set()
        for text in texts:
            self._uncached(text, todo, seen)
        if not todo:
            return 0
        if self.fetch is not None:
            found = self.fetch(todo)
            self.share(found)
            return len(found)
        self._ensure_worker()
        wall = self._wall()
        try:
            self._conn.send(("batch", todo, budget, min(limit or self.timeout, self.timeout)))
        except OSError:
            self.close()
            return 0
        parsed = 0
        for text in todo:
            try:
                if not self._conn.poll(wall):
                    self.close()
                    break
                status, value, cpu = self._conn.recv()
            except (EOFError, OSError):
                self.close()
                break
            if status == "skipped":
                continue
            self.asked += 1
            self.cache[text] = (status, value, cpu)
            parsed += 1
        return parsed

    def _uncached(self, text: str, todo: list[str], seen: set[str]) -> None:
        """The texts `parse(text)` would send to the worker that are not cached yet, added to `todo`."""
        try:
            cut, cases = _cut_cases(text)
            cut, calls = _cut_calls(cut)
        except AnswerError:
            return
        if cut.strip() and cut not in self.cache and cut not in seen and not self._quick(cut):
            seen.add(cut)
            todo.append(cut)
        for _, arg in calls.values():
            self._uncached(arg, todo, seen)
        for rows in cases.values():
            for value, cond in rows:
                for piece in (value,) + ((cond[0], cond[2]) if cond is not None else ()):
                    self._uncached(piece, todo, seen)

    def _quick(self, text: str) -> bool:
        """Read `text` with quick.py, latex2sympy2's tree without latex2sympy2, when it is plain arithmetic:
        cached like a parse, with its own (tiny) CPU cost; False when latex2sympy2 must read it."""
        from . import quick               # SymPy: imported by whoever checks answers anyway
        start = time.process_time()
        tree = quick.read(text)
        if tree is None:
            return False
        try:
            entry: tuple[str, object] = ("ok", _to_node(tree, [MAX_NODES]))
        except ValueError as exc:        # what the worker says of a tree it refuses, in the same words
            entry = ("error", str(exc).splitlines()[0][:200])
        self.cache[text] = entry + (time.process_time() - start,)
        return True

    def serve(self, texts: list[str], budget: float = AHEAD_BUDGET,
              limit: float = AHEAD_LIMIT) -> dict[str, tuple[str, object, float]]:
        """For another Parser's `fetch`: the results of `texts` (as its `prefetch` cut them), parsed here
        once (`prefetch`: at most `budget` CPU seconds in all, `limit` per text) and then taken from the
        cache. A text not parsed here (past those bounds) is left out, for the asker to parse itself
        within the full limits: whoever serves many askers is never held long by one of them."""
        self.prefetch(texts, budget, limit)
        return {t: self.cache[t] for t in texts if t in self.cache}

    def share(self, results: dict[str, tuple[str, object, float]]) -> None:
        """Take results parsed by another Parser (the same reader, the same texts): each is charged to a
        submission when it parses that text, as if this Parser had parsed it (see `parse`)."""
        for text, entry in results.items():
            self.cache.setdefault(text, entry)

    def _ensure_worker(self) -> None:
        """A worker that is ready for texts, or ReaderUnavailable when it cannot start (said once)."""
        if self.broken is not None:
            raise ReaderUnavailable(self.broken)
        if self._proc is None or not self._proc.is_alive():
            self.close()
            self._start()
        if not self._ready:
            self._await_ready()

    def _wall(self) -> float:
        # Where the worker's CPU time can be limited (POSIX), that limit decides — a busy machine does
        # not cost a student an answer — and the wall-clock wait is only a generous backstop.
        return max(10 * self.timeout, 30.0) if _CPU_LIMITED else self.timeout

    def _ask(self, text: str) -> tuple[str, object, float, bool]:
        """(status, tree or message, CPU seconds charged, whether the outcome depends on the text alone)."""
        if not text.strip():
            return ("error", "empty expression", 0.0, True)
        if self.budget <= 0:
            raise AnswerError(said("reader.budget_spent"))
        self._ensure_worker()
        self.asked += 1
        wall = self._wall()
        too_complex = ("error", f"too complex to read: more than {self.timeout:g} s of computing time",
                       float(self.timeout), False)
        try:
            self._conn.send(text)
            ready = self._conn.poll(wall)
        except OSError:
            self.close()
            return ("error", "the parser stopped on this answer", 0.0, False)
        if not ready:
            self.close()                  # a parse that does not end: kill it, start afresh next time
            return too_complex
        try:
            status, value, cpu = self._conn.recv()
        except (EOFError, OSError):
            proc = self._proc
            if proc is not None:
                proc.join(5)
            cpu_out = proc is not None and proc.exitcode in _CPU_SIGNALS
            self.close()
            return too_complex if cpu_out else ("error", "the parser stopped on this answer", float(self.timeout),
                                                False)
        return (status, value, cpu, True)
