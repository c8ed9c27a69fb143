"""How students spell a number, rewritten for latex2sympy2 — or refused when the spelling is in doubt.

latex2sympy2 reads a space as a product and `d,ddd` as a thousands group, so `0,9820` became 0,
`1\\,000` became 0 and `4\\frac{1}{2}` became 2. Here, in front of the parser:

- spellings with one reading are rewritten to it: a decimal comma (`0,9820`, `4{,}5`), digit groups
  of three joined by a thin space (`12\\,345`) or by commas (`7,425,000`), wrappers around a value
  (`\\boxed{…}`, `\\mathbf{4.5}`, `\\text{}`, `\\(…\\)`, a leading `\\approx`, a trailing `.`), `\\frac92`,
  `\\sqrt3`, `\\mathrm{e}`, `\\sigma(…)`;
- spellings with two readings (`1,000`, `4\\frac{1}{2}`, `0.98 20`, `4 .5`, `1 + 9 \\over 2`) are left
  for `doubt`, which says why the answer is unreadable and which readings it could mean.

Every function here is one pass of regular expressions without nested repetition: linear in the text.
"""
from __future__ import annotations

import re

from ..messages import said
from .brackets import closing_brackets

# -- spacing: digit groups --------------------------------------------------------------------------
_GROUP_SEP = r"(?:\\[,;: ]|~|\{\\,\}|\\thinspace(?![A-Za-z])\s*)"
_SPACED_GROUPS = re.compile(rf"(?<![\d.]){'([1-9][0-9]{0,2})'}((?:{_GROUP_SEP}[0-9]{{3}})+)(?![0-9])")
_SEP = re.compile(_GROUP_SEP)
# SI/ISO groups in the decimal part: threes from the decimal point, the last group three digits or one
# (`0.124\,919`, `0.982\,0`); `0.123\,45` (a last group of two) stays apart, for `doubt` to refuse
_DECIMAL_GROUPS = re.compile(rf"(?<![\d.])([0-9]*\.[0-9]{{3}})((?:{_GROUP_SEP}[0-9]{{3}})*{_GROUP_SEP}[0-9](?:[0-9]{{2}})?)"
                             rf"(?![0-9])(?!{_GROUP_SEP}[0-9])")
_LEFT_RIGHT_DOT = re.compile(r"\\(?:left|right)\s*\.")


def before_spacing(text: str) -> str:
    """Digit groups of three joined by a thin space (`1\\,000`, `12\\,345\\,678`, `1\\ 000`, `1~000`) as
    one integer, and in the decimal part (`0.124\\,919`, `0.982\\,0`: see _DECIMAL_GROUPS) as one decimal,
    before spacing commands are dropped (then `1 000` would be a product); `\\left.` and
    `\\right.` (invisible delimiters) dropped; `\\ ` (a control space) a space."""
    text = _SPACED_GROUPS.sub(lambda m: m.group(1) + _SEP.sub("", m.group(2)), text)
    text = _DECIMAL_GROUPS.sub(lambda m: m.group(1) + _SEP.sub("", m.group(2)), text)
    text = _LEFT_RIGHT_DOT.sub(" ", text)
    # a control space `\ ` is a space; a row break `\\` (of a cases inside the answer) stays one
    return re.sub(r"\\\\|\\ ", lambda m: m.group(0) if m.group(0) == "\\\\" else " ", text)


# -- wrappers around a value ------------------------------------------------------------------------
_OUTER = (("\\(", "\\)"), ("\\[", "\\]"))
_BOXED = re.compile(r"\\(?:boxed|fbox|framebox)\s*\{")
_MATH_FONTS = r"mathrm|mathbf|mathit|mathsf|mathtt|mathnormal|boldsymbol|bm|operatorname"
_TEXT_FONTS = r"text|textrm|textbf|textit|textsf|texttt|textnormal|textup|mbox|mathrm"
# a math font around digits and operators only (`\mathbf{4.5}`, `\mathbf{9/2}`): the braces alone stay
_FONT_AROUND_NUMBER = re.compile(rf"\\(?:{_MATH_FONTS}|{_TEXT_FONTS})\s*\{{([-+*/0-9.,\s()]*)\}}")
_EMPTY_TEXT = re.compile(rf"\\(?:{_TEXT_FONTS})\s*\{{\s*\}}")
_EULER = re.compile(rf"\\(?:{_MATH_FONTS}|{_TEXT_FONTS})\s*\{{\s*e\s*\}}")
_EXP = re.compile(rf"\\(?:{_MATH_FONTS}|{_TEXT_FONTS})\s*\{{\s*exp\s*\}}")
_FRAC_VARIANT = re.compile(r"\\(?:cfrac(?:\s*\[[lrc]\])?|dfrac|tfrac)(?![A-Za-z])")
_FRAC_TOKENS = re.compile(r"\\frac\s*([0-9A-Za-z])\s*([0-9A-Za-z])(?![0-9.])")   # \frac92, \frac 92, \frac ab
_FRAC_FIRST = re.compile(r"\\frac\s*([0-9A-Za-z])\s*\{")                          # \frac9{2}
_FRAC_SECOND = re.compile(r"\\frac\s*(\{[^{}]*\})\s*([0-9A-Za-z])(?![0-9.])")     # \frac{9}2
_SQRT_TOKEN = re.compile(r"\\sqrt\s*([0-9A-Za-z])(?![0-9.A-Za-z])")               # \sqrt3, \sqrt 3
_OVER = re.compile(r"(^|\{)\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*\\over(?![A-Za-z])\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(\}|$)")
_SIGMA_CALL = re.compile(r"\\sigma\s*\(")
_PERCENT = re.compile(r"(?<=[0-9.])\s*\\?%")          # 98.20% is 98.20 × 10^-2: 0.9820, four places


def unwrap(text: str) -> str:
    """Wrappers that do not change a value, dropped: `\\(…\\)` and `\\[…\\]` around the whole answer,
    `\\boxed{…}`, fonts around a number (`\\mathbf{4.5}`, `\\text{4.5}`), empty `\\text{}`; `\\mathrm{e}`
    as e, `\\mathrm{exp}` as \\exp; the fraction variants and single-token arguments (`\\cfrac`,
    `\\tfrac92`, `\\frac 92`, `\\sqrt3`) as `\\frac{9}{2}`, `\\sqrt{3}`; `a \\over b` between two
    numbers as `\\frac{a}{b}`; `\\sigma(…)` as the sigmoid at any argument; `45 \\%` as `45\\%`."""
    stripped = text.strip()
    for open_, close in _OUTER:
        if stripped.startswith(open_) and stripped.endswith(close) and len(stripped) >= 4:
            text = stripped = stripped[2:-2].strip()
    text = _BOXED.sub("{", text)                 # the braces stay: the box's content is one group
    text = _EULER.sub(" e", text)
    text = _EXP.sub("\\\\exp", text)
    text = _FONT_AROUND_NUMBER.sub(lambda m: f"{{{m.group(1)}}}" if re.search("[0-9]", m.group(1)) else m.group(0),
                                   text)
    text = _EMPTY_TEXT.sub(" ", text)
    text = _FRAC_VARIANT.sub(r"\\frac", text)
    text = _FRAC_TOKENS.sub(r"\\frac{\1}{\2}", text)
    text = _FRAC_FIRST.sub(r"\\frac{\1}{", text)
    text = _FRAC_SECOND.sub(r"\\frac\1{\2}", text)
    text = _SQRT_TOKEN.sub(r"\\sqrt{\1}", text)
    text = _OVER.sub(r"\1\\frac{\2}{\3}\4", text)
    text = text.replace("\\ast", "*")
    text = _SIGMA_CALL.sub(r"\\mathrm{sigmoid}(", text)    # latex2sympy2 reads \sigma(4) but not \sigma(-4)
    return _PERCENT.sub(r" \\times 10^{-2}", text)


# -- commas in numbers ------------------------------------------------------------------------------
_COMMA_RUN = re.compile(r"(?<![0-9.])([0-9]+)((?:(?:,|\{,\})[0-9]+)+)(\.[0-9]+)?(?![0-9])")
_GROUP = re.compile(r",|\{,\}")
_MULTI_ARG = re.compile(r"(?:\\|(?<![A-Za-z]))(?:max|min|Max|Min)\}?\s*$")


def _contexts(text: str) -> tuple[set[int], set[int]]:
    """(the positions inside a subscript `_{…}`, the positions of argument-separating commas): a comma
    at the top of `\\max(…)`'s or `\\min(…)`'s parentheses separates arguments, unless the same list
    also has a comma followed by a space — then only those separate (`\\max(0,5, 0)` is max(0.5, 0))."""
    subscript: set[int] = set()
    separators: set[int] = set()
    stack: list[tuple[str, list[int]]] = []
    start_sub: list[int] = []
    for i, ch in enumerate(text):
        if ch in "({[":
            if ch == "{" and i and text[i - 1] == "_":
                kind = "sub"
                start_sub.append(i)
            elif ch == "(" and _MULTI_ARG.search(text, max(0, i - 12), i):
                kind = "args"
            else:
                kind = "plain"
            stack.append((kind, []))
        elif ch in ")}]" and stack:
            kind, commas = stack.pop()
            if kind == "sub":
                subscript.update(range(start_sub.pop(), i + 1))
            elif kind == "args":
                spaced = [c for c in commas if c + 1 < len(text) and text[c + 1].isspace()]
                separators.update(spaced if spaced and len(spaced) < len(commas) else commas)
        elif ch == "," and stack and not (i and text[i - 1] == "{" and text[i + 1:i + 2] == "}"):
            stack[-1][1].append(i)
    return subscript, separators


def commas(text: str) -> str:
    """Commas inside a number: a single decimal comma (`0,9820`, `-0,1272`, `4{,}5`, `12,5`) becomes a
    decimal point, keeping its places; groups of three (`7,425,000`, `1,000.5`) the integer. A comma
    that is a separator (`\\max(4,0)`, `w_{1,3}`) stays. Where both readings are possible (`1,000`:
    one thousand, or 1.000?) or neither fits (`1,2,3`), the commas become `{,}`, for `doubt` to refuse."""
    if "," not in text:
        return text
    subscript, separators = _contexts(text)
    out, pos = [], 0
    for m in _COMMA_RUN.finditer(text):
        commas_at = [g.start() for g in _GROUP.finditer(text, m.start(), m.end())]
        if m.start() in subscript or any(c in separators for c in commas_at):
            continue
        head, groups, tail = m.group(1), _GROUP.split(m.group(2))[1:], m.group(3) or ""
        thousands = 1 <= len(head) <= 3 and head[0] != "0" and all(len(g) == 3 for g in groups)
        if len(groups) == 1 and not tail and not thousands:
            new = f"{head}.{groups[0]}"                          # 0,9820  12,5  1234,567
        elif thousands and (len(groups) > 1 or tail):
            new = head + "".join(groups) + tail                 # 7,425,000  1,000.5
        else:
            new = "{,}".join([head] + groups) + tail            # 1,000  1,2,3: in doubt
        out += [text[pos:m.start()], new]
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


# -- the ends of an answer --------------------------------------------------------------------------
_LEADING_RELATION = re.compile(r"^\s*(?:=|\\approx(?![A-Za-z])|\\simeq(?![A-Za-z])|\\doteq(?![A-Za-z]))\s*")


def ends(text: str) -> str:
    """A leading `=` or `\\approx` (`≈ 0.982` as a whole answer) and a trailing `.`, `,` or `;` (the end of
    the sentence) dropped; braces around the whole answer (a boxed equation) dropped."""
    for _ in range(8):                           # {\approx 4.5}.  is 4.5: peel until nothing changes
        before = text
        text = _LEADING_RELATION.sub("", text).rstrip(" \t\r\n.,;:").strip()     # "4." is 4 either way
        if text.startswith("{") and text.endswith("}") and _closes_at_end(text):
            text = text[1:-1].strip()
        if text == before:
            break
    return text


def _closes_at_end(text: str) -> bool:
    """Whether the `{` at the start of `text` is closed by its last character."""
    depth = 0
    for i, ch in enumerate(text):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0:
            return i == len(text) - 1
    return False


# -- what stays in doubt ----------------------------------------------------------------------------
_SCRIPTS = re.compile(r"[_^]\s*(?:\{[^{}]*\}|\\?[A-Za-z0-9])")
_TEXTS = re.compile(r"\\(?:text|mathrm|textrm|mbox)\s*\{[^{}]*\}")
_DOUBT_COMMA = re.compile(r"(?<![0-9])[0-9]+(?:\{,\}[0-9]+)+(?:\.[0-9]+)?")
_LITERAL = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_SPACED = re.compile(rf"(?<![0-9.]){_LITERAL}(?:\s+{_LITERAL})+(?![0-9.])")
_MIXED = re.compile(r"(?<![\w.])(-?)([0-9]+)\s*\\frac\s*\{\s*([0-9]+)\s*\}\s*\{\s*([0-9]+)\s*\}")
_BARE_SIGNED_EXPONENT = re.compile(r"\^\s*([-+])\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)([A-Za-z]{0,8})")
_BARE_ARGUMENT = re.compile(r"\\(?:frac|sqrt)\s*[0-9]{2}")


def _either(options: list[str]) -> str:
    """Readings said as alternatives: `a or b or c` (a catalogue message, so that each language says "or")."""
    return options[0] if len(options) == 1 else said("doubt.or", first=options[0], rest=_either(options[1:]))


def doubt(text: str) -> str | None:
    """Why a normalized piece of an answer is unreadable because a number in it has two readings, with
    the readings ("did you mean …?"); None when every number has one reading."""
    scan = _TEXTS.sub(" ", _SCRIPTS.sub(" X ", text))      # digits of subscripts and exponents are no numbers here
    m = _DOUBT_COMMA.search(scan)
    if m:
        written = m.group(0).replace("{,}", ",")
        groups = written.split(".")[0].split(",")
        if len(groups) == 2 and len(groups[1]) == 3:
            return said("doubt.thousands_comma", written=written,
                        readings=_either([f"{''.join(groups)}{written[len(groups[0]) + 4:]}", f"{groups[0]}.{groups[1]}"]))
        return said("doubt.commas", written=written, reading="".join(groups))
    m = _MIXED.search(scan)
    if m:
        sign, whole, num, den = m.groups()
        mixed = f"{sign}({whole} + {num}/{den})" if sign else f"{whole} + {num}/{den}"
        return said("doubt.mixed", written=f"{sign}{whole}\\frac{{{num}}}{{{den}}}",
                    readings=_either([mixed, f"{sign}{whole} × {num}/{den}"]),
                    writes=_either([f"{sign}({whole} + \\frac{{{num}}}{{{den}}})",
                                    f"{sign}{whole} \\cdot \\frac{{{num}}}{{{den}}}"]))
    m = _SPACED.search(scan)
    if m:
        parts = m.group(0).split()
        joined = "".join(parts)
        product = said("doubt.a_product", reading=" \\cdot ".join(parts))
        readings = _either([said("doubt.one_number", reading=joined), product]) if joined.count(".") <= 1 else product
        return said("doubt.spaced", written=m.group(0), readings=readings)
    m = _BARE_ARGUMENT.search(scan)
    if m:
        return said("doubt.bare_argument", written=m.group(0), command=m.group(0)[:5].strip())
    m = _BARE_SIGNED_EXPONENT.search(text)
    if m:
        sign, num, letters = m.groups()
        options = _either([f"^{{{sign}{num}}}{letters}", f"^{{{sign}{num}{letters}}}"]) if letters \
            else f"^{{{sign}{num}}}"
        return said("doubt.bare_exponent", written=m.group(0).strip(), readings=options)
    if re.search(r"\\overline(?![A-Za-z])", text):
        return said("doubt.overline")
    if re.search(r"\\over(?![A-Za-z])", scan):
        return said("doubt.over")
    return None


# -- misreadings visible only in the text as typed (before full-width folding) ---------------------
_FONTS_ANY = rf"(?:{_MATH_FONTS}|{_TEXT_FONTS})"
# a number not inside a name's subscript or an exponent: not after a letter, `_`, `^`, `\`, `_{`, `^{`
_NUMBER_START = r"(?<![A-Za-z_^\\0-9.])(?<!_\{)(?<!\^\{)"
_RUN = re.compile(rf"{_NUMBER_START}[0-9](?:[0-9.]|'(?=[0-9.]|$|[^A-Za-z(]))*")
_EUROPEAN = re.compile(rf"{_NUMBER_START}(-?)([1-9][0-9]{{0,2}}(?:\.[0-9]{{3}})+),([0-9]+)(?![0-9.,])")
_MIDDLE_DOT = re.compile(r"([0-9]+)\u00b7(?!10\s*(?:\^|\*\*))([0-9]+)")   # 9.82·10^{-1}: a product
_GLUED = re.compile(rf"[0-9]\}}?\s*\\{_FONTS_ANY}\s*\{{\s*[-+]?[0-9]")
_FONT_GROUP = re.compile(rf"\\{_FONTS_ANY}\s*\{{([^{{}}]*)\}}")


def typed_doubt(text: str) -> str | None:
    """Why an answer as typed is unreadable because a number in it has no single reading, with the
    readings it could have ("did you mean …?"); None when there is none. Checked on the text as the
    student typed it: several decimal points (`1.525.225`), an apostrophe in or after a number (Swiss
    thousands `762'612.5`, a stray prime `45'`; `g'(x)` after a name is a derivative), a middle dot
    U+00B7 between digits (`4·5`: a British decimal point or a product?), European grouping
    (`762.612,5`), and a digit glued to a wrapped number (`-1\\mathbf{2}` prints as −12, reads as −2)."""
    m = _EUROPEAN.search(text)
    if m:
        sign, head, tail = m.groups()
        return said("doubt.european", written=m.group(0), reading=f"{sign}{head.replace('.', '')}.{tail}")
    m = _MIDDLE_DOT.search(text)
    if m:
        a, b = m.groups()
        return said("doubt.middle_dot", written=m.group(0), readings=_either([f"{a}.{b}", f"{a} \\cdot {b}"]))
    for m in _RUN.finditer(text):
        run = m.group(0)
        body = run.rstrip(".")          # the end of a sentence (4.5.) or an ellipsis (0.98201...), read elsewhere
        if "'" in body:
            parts = [p for p in body.split("'") if p]
            joined = "".join(parts)
            if body.endswith("'") and len(parts) == 1:
                return said("doubt.prime", written=body, reading=joined)
            grouped = len(parts) > 1 and all(len(p.split('.')[0]) == 3 for p in parts[1:])
            return said("doubt.apostrophe", written=body, readings=joined if grouped else
                        _either([joined, parts[0] + '.' + ''.join(parts[1:]).replace('.', '')]))
        if body.count(".") >= 2:
            head, *groups = body.split(".")
            options = []
            if 1 <= len(head) <= 3 and head[0] != "0" and all(len(g) == 3 for g in groups):
                options.append(head + "".join(groups))
            options.append(f"{head}.{''.join(groups)}")
            return said("doubt.several_points", written=body, readings=_either(options))
    m = _GLUED.search(text)
    if m:
        plain = re.sub(r"\s+", "", _FONT_GROUP.sub(lambda g: g.group(1), text))
        return said("doubt.glued", written=text.strip()[:60], reading=plain[:40])
    return None


# -- formatting noise around a number, and exponents without braces (issue 10) ----------------------
# Marks a teacher reads past: a tick, an ellipsis after the digits ("and more digits"), a rounding
# note at the end (`\quad (4 d.p.)`, `(to 4 dp)`, `\text{(rounded)}`), siunitx's `\num{}`/`\SI{}{}`,
# old font switches (`{\bf 4.0}`), colour (`\color{red}{4.5}`), `\underline{}`, a sign in a text font
# (`\text{-}12`). Each is one regex pass without nested repetition: linear in the text.
_ELLIPSIS_MARK = r"(?:\\(?:ldots|dots|cdots|dotsc|dotso|dotsb|dotsm)(?![A-Za-z])|\u2026|\.{3,})"
_ELLIPSIS = re.compile(rf"({_NUMBER_START}(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))[ \t]*{_ELLIPSIS_MARK}")
_TICK = re.compile(r"\\(?:checkmark|tick)(?![A-Za-z])|[\u2713\u2714\u2611]")
_SPACING_CMD = re.compile(r"\\(?:hfill|enspace|enskip)(?![A-Za-z])|\\hspace\*?\s*\{[^{}]{0,40}\}")
_NOTE_UNIT = (r"(?:d\.?\s?p\.?|s\.?\s?f\.?|decimal[ \t]{1,4}places?|decimals|dec\.?\s?pl(?:aces)?\.?|"
              r"significant[ \t]{1,4}(?:figures?|digits)|sig\.?\s?figs?\.?)")
# spacing inside a note: blanks, and the control and thin spaces `\ `, `\,`, `\;`, `\:` (`(4\ \text{d.p.})`)
_SP = r"(?:[ \t]|\\[ ,;:])"
_NOTE = (rf"(?:(?:(?:rounded|correct|accurate|given|exact|exactly){_SP}{{1,4}})?(?:(?:to|at){_SP}{{1,4}})?[0-9]{{1,2}}"
         rf"{_SP}{{0,4}}{_NOTE_UNIT}|rounded(?:{_SP}{{1,4}}(?:off|up|down))?|approx\.?|approximately|"
         rf"exact(?:ly)?(?:{_SP}{{1,4}}value)?)")
_NOTE_TEXT = re.compile(rf"\\(?:text|textrm|textit|textnormal|mbox|mathrm)[ \t]{{0,4}}\{{[ \t]{{0,4}}([(\[]?[ \t]{{0,4}}"
                        rf"(?:{_NOTE}|{_NOTE_UNIT})[ \t]{{0,4}}[)\]]?)[ \t]{{0,4}}\}}", re.I)
_NOTE_END = r"(?=\s*(?:\Z|[,;$&]|\\\\))"
_ROUNDING_NOTE = re.compile(rf"(?:{_SP}{{0,8}}[(\[]{_SP}{{0,4}}{_NOTE}{_SP}{{0,4}}[)\]]|(?<=[0-9}}]){_SP}{{1,8}}{_NOTE})"
                            rf"{_NOTE_END}", re.I)
_SIUNITX = re.compile(r"\\(?:num|SI|qty)\s*(?:\[[^\[\]{}]{0,80}\])?\s*\{")
_SI_EMPTY_UNIT = re.compile(r"(\\(?:SI|qty)\s*(?:\[[^\[\]{}]{0,80}\])?\s*\{[^{}]*\})\s*\{\s*\}")
_FONT_SWITCH = re.compile(r"\\(?:bf|rm|it|sf|tt|sl|em|bfseries|itshape|rmfamily|upshape|normalfont|"
                          r"boldmath)(?![A-Za-z])(?!\s*\{\s*(?:net|new)(?![A-Za-z]))")
_COLOR = re.compile(r"\\color\s*(?:\[[^\[\]{}]{0,40}\])?\s*\{[^{}]{0,40}\}")
_COLOR_WRAP = re.compile(r"\\(?:textcolor|colorbox)\s*(?:\[[^\[\]{}]{0,40}\])?\s*\{[^{}]{0,40}\}\s*\{"
                         r"|\\fcolorbox\s*\{[^{}]{0,40}\}\s*\{[^{}]{0,40}\}\s*\{"
                         r"|\\(?:underline|uline|emph|hl|highlight)\s*\{")
_SIGN_IN_FONT = re.compile(rf"\\(?:{_MATH_FONTS}|{_TEXT_FONTS})\s*\{{\s*([-+])\s*\}}")
# the sign alone, or in a text font (`4.5\text{\textperthousand}`, `4.5\mbox{‰}`)
_IN_TEXT = r"\\(?:text|textrm|textnormal|mbox|mathrm)\s*\{{\s*{}\s*\}}"
_PER_MILLE_SIGN = r"(?:\u2030|\\permil(?![A-Za-z])|\\textperthousand(?![A-Za-z]))"
_PER_TEN_THOUSAND_SIGN = r"(?:\u2031|\\textpertenthousand(?![A-Za-z]))"
_PER_MILLE = re.compile(rf"(?<=[0-9.])\s*(?:{_PER_MILLE_SIGN}|{_IN_TEXT.format(_PER_MILLE_SIGN)})")
_PER_TEN_THOUSAND = re.compile(rf"(?<=[0-9.])\s*(?:{_PER_TEN_THOUSAND_SIGN}|{_IN_TEXT.format(_PER_TEN_THOUSAND_SIGN)})")
_BEFORE_PM = re.compile(r"([-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*\Z")
_PLUS_MINUS = re.compile(r"\\(?:pm|mp)(?![A-Za-z])|[\u00b1\u2213]")


def noise(text: str, keep_ellipsis: bool = False) -> str:
    """Formatting a teacher reads past, dropped: a tick (`\\checkmark`), a rounding note at the end of an
    equation (`\\quad (4 d.p.)`, `(to 4 dp)`, `(3 s.f.)`, `\\text{(rounded)}`), `\\hfill`, `\\hspace{}`;
    wrappers that do not change a value (`\\num{0.982}`, `\\SI{0.982}{}`, `{\\bf 4.0}`, `\\underline{4.5}`,
    `\\color{red}{4.5}`, `\\textcolor{red}{4.5}`); a sign in a text font (`\\text{-}12` is −12); per mille
    (`9.82‰` is 9.82 × 10^-3). An ellipsis right after digits (`0.9820\\ldots`, `0.9820…`) is dropped, or
    written `\\ldots` (`keep_ellipsis`: a write-up's line, whose answers are read again and need to know
    that the digits were cut short, see `truncated`). `\\overline` is no wrapper (a repeating decimal, a
    mean): it is left for the parser to refuse."""
    pm = _PLUS_MINUS.search(text)
    if pm:
        from .latex import AnswerError       # latex.py imports this module: no import at load time
        before = _BEFORE_PM.search(text, max(0, pm.start() - 60), pm.start())
        raise AnswerError(said("answer.plus_minus_before", value=before.group(1)) if before else
                          said("answer.plus_minus"))
    text = _TICK.sub(" ", text)
    text = _SPACING_CMD.sub(" ", text)
    text = _NOTE_TEXT.sub(r" \1 ", text)
    text = _ROUNDING_NOTE.sub("", text)
    text = _SI_EMPTY_UNIT.sub(r"\1", text)
    text = _SIUNITX.sub("{", text)
    text = _COLOR.sub(" ", text)
    text = _COLOR_WRAP.sub("{", text)
    text = _FONT_SWITCH.sub(" ", text)
    text = _SIGN_IN_FONT.sub(r"\1", text)
    text = _PER_MILLE.sub(r" \\times 10^{-3}", text)
    text = _PER_TEN_THOUSAND.sub(r" \\times 10^{-4}", text)
    return _ELLIPSIS.sub(r"\1\\ldots" if keep_ellipsis else r"\1", text)


_ONLY_ELLIPSIS = re.compile(rf"\s*(?:{_ELLIPSIS_MARK}|\\vdots(?![A-Za-z]))\s*")


def elided(piece: str) -> bool:
    """Whether a link of a chain is only an ellipsis (`… = ... = -0.1272`): working left out, not a link."""
    return bool(_ONLY_ELLIPSIS.fullmatch(piece))


_TRUNCATED = re.compile(r"[0-9]\s*\\ldots[\s.,;:$}]*\Z")


def truncated(text: str) -> bool:
    """Whether an answer ends in digits cut short by an ellipsis (`-0.0359\\ldots`, `0.98…`): the digits
    written are the value truncated (or rounded) there."""
    try:
        return bool(_TRUNCATED.search(noise(text, keep_ellipsis=True)))
    except Exception:        # ± and the like: the answer is refused elsewhere, with the reason
        return False


# a single signed integer after ^ or ** is the exponent (`10^-3`, `e^-2`, `9.82*10**-1`); `10^-3x`
# (a letter or more after it) and `10^{-3}` are left as they are
_BARE_EXPONENT = re.compile(r"(?:\^|\*\*)[ \t]*([-+][ \t]*[0-9]+|[0-9]+)(?![0-9.]|[ \t]*[A-Za-z{(\[_])")
_POWER_STARS = re.compile(r"\*\*(?=[ \t]*[{(])")
_TIMES_X = re.compile(r"(?<=[0-9.])[ \t]*(?:[xX]|\*(?!\*))[ \t]*(?=10[ \t]*(?:\^|\*\*))")


def exponents(text: str) -> str:
    """Exponents written without braces as one: `10^-3` → `10^{-3}`, `9.82*10**-1` → `9.82*10^{-1}`,
    `9.82 x10^-1` → `9.82 \\times 10^{-1}` (an x between a number and 10^ is a times sign); `**` before a
    bracket is `^`."""
    if "^" not in text and "**" not in text:
        return text
    text = _TIMES_X.sub(r" \\times ", text)
    text = _BARE_EXPONENT.sub(lambda m: "^{" + re.sub(r"[ \t]", "", m.group(1)) + "}", text)
    return parenthesised_exponents(_POWER_STARS.sub("^", text))


_PAREN_EXPONENT = re.compile(r"\^[ \t]*\(")


def parenthesised_exponents(text: str) -> str:
    """`^(…)` as the exponent `^{(…)}`: a teacher (and a calculator) reads the whole parenthesised group
    as the exponent (`2^(-1)`, `e^(-4)`, `(1+e^{-4})^(-1)`, nested `e^(2^(-1))`); latex2sympy2 refuses
    it. A `(` without its `)` is left for the parser to refuse. One pass with a stack: linear."""
    if "^" not in text or "(" not in text:
        return text
    closing = closing_brackets(text)
    inserts: dict[int, str] = {}
    for m in _PAREN_EXPONENT.finditer(text):
        end = closing.get(m.end() - 1)
        if end is not None:
            inserts[m.end() - 1] = inserts.get(m.end() - 1, "") + "{"
            inserts[end + 1] = "}" + inserts.get(end + 1, "")
    if not inserts:
        return text
    out, pos = [], 0
    for at in sorted(inserts):
        out += [text[pos:at], inserts[at]]
        pos = at
    out.append(text[pos:])
    return "".join(out)
