"""The arithmetic most answers are written in, read without latex2sympy2, into the very tree it builds.

Nearly every answer a class writes is numbers, `+ - × · /`, `\\frac`, parentheses, powers, `e^{…}`
and the placeholders of quantity names (`Q_{3}`). latex2sympy2 reads each such text in about 10 ms
once warm (its first parses, in a separate process that must import ANTLR first, take longer); this
reader takes about 0.1 ms. It is not a second reading of LaTeX: it follows latex2sympy2's grammar
(additive, mp, unary, postfix+, exp, comp) and calls the same SymPy constructors in the same order
as latex2sympy2's converters (`add_flat`, `mul_flat`, `Pow(…, evaluate=False)`, `exp(…)`), so the
tree is the one latex2sympy2 gives, node for node (tests/test_quick_reader.py compares the two on
every spelling the tests use and on generated texts). Anything outside that small grammar — any other
command, letter, bracket, relation, or a doubt about how latex2sympy2 would read it — is declined
(`read` returns None) and goes to latex2sympy2 as before. No eval: a hand-written recursive descent
over a whitelist of tokens, with bounded nesting.
"""
from __future__ import annotations

import re

import sympy as sp

# tokens: a number as latex2sympy2's lexer takes it (digits, or digits '.' digits; a comma, an
# exponent letter or a second point right after it is a doubt: declined); a placeholder Q_{n} or Q_n;
# the few commands; single characters
_TOKEN = re.compile(r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<num>\d*\.\d+|\d+)(?![\d.,E]|e(?!\s*\^))
  | (?P<sym>Q_(?:\{\d+\}|\d(?![\d.])))
  | (?P<cmd>\\[A-Za-z]+)
  | (?P<chr>[-+*/()^{}])
  | (?P<e>e)(?=\s*\^)
""", re.VERBOSE)
_COMMANDS = {r"\times": "*", r"\cdot": "*", r"\div": "/", r"\frac": "frac"}
MAX_DEPTH = 40          # nesting the reader follows; deeper texts go to latex2sympy2 with its own limits
MAX_TOKENS = 400


class _Decline(Exception):
    """The text is not in the small grammar: latex2sympy2 reads it."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise _Decline
        pos = m.end()
        kind = m.lastgroup
        if kind == "ws":
            continue
        value = m.group(kind)
        if kind == "cmd":
            if value not in _COMMANDS:
                raise _Decline
            kind, value = ("frac", value) if _COMMANDS[value] == "frac" else ("chr", _COMMANDS[value])
        out.append((kind, value))
        if len(out) > MAX_TOKENS:
            raise _Decline
    return out


# latex2sympy2's own helpers, as it defines them: one level of flattening on either side
def _add_flat(lh, rh):
    if lh.is_Add or rh.is_Add:
        args = (list(lh.args) if lh.is_Add else [lh]) + (list(rh.args) if rh.is_Add else [rh])
        return sp.Add(*args, evaluate=False)
    return sp.Add(lh, rh, evaluate=False)


def _mul_flat(lh, rh):
    if lh.is_Mul or rh.is_Mul:
        args = (list(lh.args) if lh.is_Mul else [lh]) + (list(rh.args) if rh.is_Mul else [rh])
        return sp.Mul(*args, evaluate=False)
    return sp.Mul(lh, rh, evaluate=False)


def _negate(x):
    """latex2sympy2's minus: a number is negated, anything else multiplied by −1."""
    return -x if x.func.is_Number else _mul_flat(sp.Integer(-1), x)


class _Reader:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def take(self, kind: str, value: str | None = None) -> str:
        tok = self.peek()
        if tok is None or tok[0] != kind or (value is not None and tok[1] != value):
            raise _Decline
        self.pos += 1
        return tok[1]

    def at(self, value: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] == "chr" and tok[1] == value

    def nested(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Decline

    # additive: additive (ADD | SUB) additive | mp   (left-associative)
    def additive(self):
        self.nested()
        lh = self.mp()
        while self.at("+") or self.at("-"):
            op = self.take("chr")
            rh = self.mp()
            lh = _add_flat(lh, rh if op == "+" else _negate(rh))
        self.depth -= 1
        return lh

    # mp: mp (MUL | CMD_TIMES | CMD_CDOT | DIV | CMD_DIV) mp | unary   (left-associative)
    def mp(self):
        lh = self.unary()
        while self.at("*") or self.at("/"):
            op = self.take("chr")
            rh = self.unary()
            lh = _mul_flat(lh, rh) if op == "*" else sp.Mul(lh, sp.Pow(rh, -1, evaluate=False), evaluate=False)
        return lh

    # unary: (ADD | SUB) unary | postfix+
    def unary(self):
        if self.at("+") or self.at("-"):
            op = self.take("chr")
            self.nested()
            inner = self.unary()
            self.depth -= 1
            return inner if op == "+" else _negate(inner)
        items = [self.exp()]
        while self._starts_postfix():
            items.append(self.exp())
        # convert_postfix_list: the first times the product of the rest, folded from the right
        result = items[-1]
        for item in reversed(items[:-1]):
            result = _mul_flat(item, result)
        return result

    def _starts_postfix(self) -> bool:
        tok = self.peek()
        return tok is not None and (tok[0] in ("num", "sym", "frac", "e") or tok == ("chr", "("))

    # exp: exp CARET (atom | L_BRACE expr R_BRACE) | comp   (one power: a chain of them is declined)
    def exp(self):
        symbol = (self.peek() or ("",))[0] == "sym"
        base = self.comp()
        if self.at("^"):
            self.take("chr", "^")
            base = sp.Pow(base, self.superscript(), evaluate=False)
            if self.at("^") or (self.peek() or ("", ""))[1] == "_":
                raise _Decline
        if symbol:
            self._not_a_call()
        return base

    def _not_a_call(self) -> None:
        """latex2sympy2 reads a name followed by one atom in parentheses, `Q_1(2)` or `Q_1^{2}(Q_2)`,
        as a function call (its `func` rule), and `Q_1(1 - Q_1)` as a product: the first is declined."""
        if not self.at("(") or (self.peek(1) or ("",))[0] not in ("num", "sym"):
            return
        i = 2                           # past "(" and the name or number: an atom may carry a power
        if self.peek(i) == ("chr", "^"):
            i += 1
            if self.peek(i) == ("chr", "{"):
                depth = 0
                while self.peek(i) is not None:
                    depth += {("chr", "{"): 1, ("chr", "}"): -1}.get(self.peek(i), 0)   # type: ignore[arg-type]
                    i += 1
                    if depth == 0:
                        break
            else:
                i += 1
        if self.peek(i) == ("chr", ")"):
            raise _Decline

    def superscript(self):
        tok = self.peek()
        if tok is None:
            raise _Decline
        if tok == ("chr", "{"):
            self.take("chr", "{")
            inner = self.additive()
            self.take("chr", "}")
            return inner
        if tok[0] == "num":
            self.pos += 1
            return sp.Rational(tok[1])
        if tok[0] == "sym":
            self.pos += 1
            return self.symbol(tok[1])
        raise _Decline

    @staticmethod
    def symbol(text: str):
        # latex2sympy2 names the symbol Q_n for one digit and Q_{nn} for more (its atom text rules)
        digits = text[2:].strip("{}")
        return sp.Symbol(f"Q_{digits}" if len(digits) == 1 else f"Q_{{{digits}}}")

    def comp(self):
        tok = self.peek()
        if tok is None:
            raise _Decline
        kind, value = tok
        if kind == "num":
            self.pos += 1
            return sp.Rational(value)
        if kind == "sym":
            self.pos += 1
            return self.symbol(value)
        if kind == "e":                 # e^{x}: latex2sympy2's handle_exp, which lets exp() evaluate
            self.pos += 1
            self.take("chr", "^")
            arg = self.superscript()
            if self.at("^"):
                raise _Decline
            return sp.exp(arg)
        if kind == "frac":
            self.pos += 1
            self.take("chr", "{")
            top = self.additive()
            self.take("chr", "}")
            self.take("chr", "{")
            bottom = self.additive()
            self.take("chr", "}")
            return sp.Mul(top, sp.Pow(bottom, -1, evaluate=False), evaluate=False)
        if tok == ("chr", "("):
            self.pos += 1
            inner = self.additive()
            self.take("chr", ")")
            return inner
        raise _Decline


def read(text: str):
    """The SymPy tree latex2sympy2 would build for `text`, or None when the text is not in the small
    grammar this reader follows (then latex2sympy2 reads it)."""
    try:
        tokens = _tokens(text)
        if not tokens:
            return None
        reader = _Reader(tokens)
        result = reader.additive()
        if reader.pos != len(tokens):
            return None
        return result
    except (_Decline, RecursionError):
        return None
