"""Chinese and full-width typing, read as the ASCII LaTeX it stands for.

Students who type with a Chinese input method write `ｕ＿３ ＝ ０．９８２０`, `0。982`, `√3`, `(1-4)²`,
`½`, `max｛4，0｝`, `约 0.49`, `0.9820（保留4位小数）`; the IME turns `\\` into `、` and `_` into `——`.
`fold` rewrites all of that into what the LaTeX reader understands, before anything else reads it.
Where a spelling can mean two numbers (`4½`: 4.5 or 4 × ½ = 2), the answer is unreadable with a
"did you mean" hint, never silently one of them. Every pass here is a single regex scan or a linear
loop over the text, so the work is bounded by the text's length.
"""
from __future__ import annotations

import re
import unicodedata

from ..messages import said
from .brackets import closing_brackets

# -- one character for one character (or a short ASCII spelling) ----------------------------------
_TABLE: dict[int, str] = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}   # ！ … ～ → ! … ~
_TABLE.update({
    0xFF0C: ", ",            # ， a separator, never a decimal comma (Chinese writes 0.5, not 0,5)
    0xFF5E: "～",            # ～ kept: "about" (see _APPROX), handled below
    0xFFE5: "$",             # ￥: the IME's shift-4, the `$` of a Markdown formula
    0x3000: " ",             # 全角 space
    0xFE50: ", ", 0xFE51: ", ", 0xFE52: ".", 0xFE54: ";", 0xFE55: ":", 0xFE59: "(", 0xFE5A: ")",
    0xFE5B: "{", 0xFE5C: "}", 0xFE5D: "(", 0xFE5E: ")", 0xFE61: "*", 0xFE62: "+", 0xFE63: "-", 0xFE66: "=",
    0x3010: "[", 0x3011: "]", 0x3014: "(", 0x3015: ")", 0x3016: "[", 0x3017: "]", 0x300A: "<", 0x300B: ">",
    0x2236: ":", 0xFE30: ":",
    0x00D7: r"\times ", 0x2715: r"\times ", 0x2716: r"\times ", 0x2A09: r"\times ", 0x2A2F: r"\times ",
    0x00F7: r"\div ",
    0x00B7: r"\cdot ", 0x22C5: r"\cdot ", 0x2219: r"\cdot ", 0x2022: r"\cdot ", 0x30FB: r"\cdot ", 0x2027: r"\cdot ",
    0x2217: "*", 0x2044: "/", 0x2215: "/", 0x2211: r"\sum ", 0x03A3: r"\sum ",
    0x2212: "-", 0x2013: "-", 0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2015: "-",   # — (U+2014) below
    0x2248: r"\approx ", 0x2252: r"\approx ", 0x2243: r"\approx ", 0x2245: r"\approx ", 0x223C: r"\approx ",
    0x2264: r"\le ", 0x2266: r"\le ", 0x2265: r"\ge ", 0x2267: r"\ge ",
    0x2018: "'", 0x2019: "'", 0x2032: "'", 0x201C: '"', 0x201D: '"',
    0x00A0: " ", 0x202F: " ", 0x205F: " ", 0x200B: "", 0x200C: "", 0x200D: "", 0xFEFF: "",
    **{c: " " for c in range(0x2000, 0x200B)},
})

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# letters too, as phones and input methods give them: w₃₅ⁿᵉʷ is w_{35}^{new}, xᵢ is x_{i}
_SUPER = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀ",
                  "0123456789+-()abcdefghijklmnoprstuvwxyzT"))
_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", "0123456789+-()aehijklmnoprstuvx"))
_VULGAR = "¼½¾⅐⅑⅒⅓⅔⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞"
_ROOTS = {"√": "", "∛": "[3]", "∜": "[4]"}
# LaTeX commands a student may start with the IME's `、` (its backslash key): `、frac{1}{2}`, `、delta_5`
_COMMANDS = ("frac|dfrac|tfrac|cdot|times|div|delta|Delta|eta|sigma|sqrt|approx|max|min|exp|ln|log|left|right|"
             "mathrm|text|partial|sum|prime|cdots|pm|le|ge|leq|geq|infty|quad|boxed|mathbf")

_EM_DASHES = re.compile(r"—{2,}")
_SUBSCRIPT_DASH = re.compile(r"(?<=[A-Za-z])\s*—{2}\s*(?=[0-9A-Za-z{])")     # u——3: the IME's `_`
_FRACTION_SCRIPT = re.compile(r"(\d\s*)?(?<![⁰¹²³⁴⁵⁶⁷⁸⁹])([⁰¹²³⁴⁵⁶⁷⁸⁹]+)/([₀₁₂₃₄₅₆₇₈₉]+)")   # ¹⁄₂
_FRACTION_CHAR = re.compile(rf"(\d\s*)?([{_VULGAR}])")
_SUPER_RUN = re.compile(f"[{''.join(_SUPER)}]+")
_SUB_RUN = re.compile(f"[{''.join(_SUB)}]+")
_ROOT = re.compile(r"([√∛∜])\s*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_BACKSLASH = re.compile(rf"、\s*(?=(?:{_COMMANDS})(?![A-Za-z]))")
_STOP = re.compile(r"。")
_BARE_MAX = re.compile(r"(?<![\\A-Za-z])(max|min)(?=\s*[({])")
_ROUNDING = r"保留|小数|四舍五入|精确|有效数字|近似|取整|约|位数|左右"
_NOTE_CHARS = rf"[\s{_HAN}0-9.,:%]"
# a rounding note is short (at most 40 characters each side of its key word): bounded work per position
_NOTE = re.compile(rf"[(\[] ?(?=[{_HAN}]){_NOTE_CHARS}{{0,40}}?(?:{_ROUNDING}){_NOTE_CHARS}{{0,40}}[)\]]")  # （保留4位小数）
_TRAILING_NOTE = re.compile(rf"(?<![\d.])(?=[{_HAN}])[\s{_HAN}0-9]{{0,40}}?(?:{_ROUNDING})(?:[\s{_HAN}0-9]{{0,40}}[{_HAN}])?\s*\Z")
# a note glued to the number it qualifies (`0.1249左右`, `约0.1249左右`): dropped where it ends the value
_GLUED_NOTE = re.compile(r"(?<=[0-9])[ \t]{0,4}(?:左右|上下)(?=\s*(?:\Z|[,;:$&)\]}]|\\\\))")
_TEXT_HAN = re.compile(rf"\\(?:text|mbox|textrm|mathrm|textnormal)\s*\{{([^{{}}]*[{_HAN}][^{{}}]*)\}}")
_APPROX_WORD = re.compile(r"约等于|约为|大约为|大约|大概|约|～")
_LEADING_APPROX = re.compile(r"^\s*(?:\\approx(?![A-Za-z])\s*)+")
_EQ_APPROX = re.compile(r"(=|\\approx)\s*\\approx(?![A-Za-z])")
_EQUALS_WORD = re.compile(r"等于")
_LABEL = re.compile(rf"^\s*(?:[{_HAN}]+\s*[:,]|解|答|所以|因此|因而|故|则|即|得|可得|于是|那么|从而|由此可得|由此得)\s*")
_HAN_RUN = re.compile(rf"[{_HAN}](?:[{_HAN}\s:,]*[{_HAN}])?[\s:,]*")
# the hint's example equation; the checker puts the item's own name in its place (checker.py)
EQUATION_HINT = "u_3 = …"
_LEADING_BULLET = re.compile(r"^(\s*)[•●◦▪]\s+")


def _fail(strict: bool, message: str) -> None:
    """An unreadable answer (strict), with the hint; else nothing: the answer that holds it will say it."""
    if strict:
        from .latex import AnswerError       # latex.py imports this module: no import at load time
        raise AnswerError(message)


def fold(text: str, strict: bool = True) -> str:
    """`text` with full-width and IME spellings replaced by the ASCII LaTeX they stand for.

    `strict` (an answer's value): what is ambiguous (`4½`) or not mathematics (Chinese text left
    over) raises AnswerError with a hint. Otherwise (a whole write-up line, or an answers-file key)
    such spots are left as they are for the answer that holds them to report, and a Chinese phrase
    before an equation (`所以 u_3 = …`) becomes a separator `;` between equations."""
    if text.isascii():
        return _BARE_MAX.sub(r"\\\1", text) if "max" in text or "min" in text else text
    text = _LEADING_BULLET.sub(r"\1", text)
    text = text.translate(_TABLE)
    text = _dashes(text, strict)
    text = _FRACTION_SCRIPT.sub(lambda m: _fraction(m, m.group(2).translate(_DIGITS), m.group(3).translate(_DIGITS),
                                                    strict), text)
    text = _FRACTION_CHAR.sub(lambda m: _fraction(m, *_vulgar(m.group(2)), strict), text)
    if any(r in text for r in _ROOTS):
        text = _roots(text, strict)
    text = _SUPER_RUN.sub(lambda m: "^{" + "".join(_SUPER[c] for c in m.group(0)) + "}", text)
    text = _SUB_RUN.sub(lambda m: "_{" + "".join(_SUB[c] for c in m.group(0)) + "}", text)
    text = _BACKSLASH.sub(r"\\", text).replace("、", ", ")
    text = _full_stops(text, strict)
    text = _BARE_MAX.sub(r"\\\1", text)
    if re.search(f"[{_HAN}～]", text):
        text = _chinese(text, strict)
    return _LEADING_APPROX.sub("", text)      # 约 0.49, ≈ 0.49: the value


_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉", "01234567890123456789")


def _vulgar(ch: str) -> tuple[str, str]:
    """½ → ("1", "2"), from the character's own decomposition `<fraction> 0031 2044 0032`."""
    codes = unicodedata.decomposition(ch).split()[1:]
    num, _, den = "".join(chr(int(c, 16)) for c in codes).partition("⁄")
    return num, den


def _fraction(m: re.Match, num: str, den: str, strict: bool) -> str:
    if m.group(1):                       # 4½: 4 + ½ = 4.5 to a reader, 4 × ½ = 2 to the parser
        whole = m.group(1).strip()
        value = int(whole) + int(num) / int(den)
        _fail(strict, said("reader.mixed_number", written=m.group(0).strip(), value=f"{value:g}", whole=whole,
                           num=num, den=den))
        return m.group(0)
    return f"\\frac{{{num}}}{{{den}}}"


def _dashes(text: str, strict: bool) -> str:
    """— alone is a minus; —— after a name (u——3) is the IME's underscore; —— elsewhere is unclear."""
    if "—" not in text:
        return text
    text = _SUBSCRIPT_DASH.sub("_", text)

    def other(m: re.Match) -> str:
        _fail(strict, said("reader.chinese_dash"))
        return m.group(0)

    return _EM_DASHES.sub(other, text).replace("—", "-") if strict else \
        re.sub(r"(?<!—)—(?!—)", "-", text)


def _roots(text: str, strict: bool) -> str:
    """√3, √ 3, √0.25, √(3), √{3} → \\sqrt{…}; the radicand is the number or bracket right after √
    (nested roots too: one pass, brackets matched once). `√3²` (√(3²) or (√3)²?) and a √ before
    anything else are unclear: a hint, not a guess."""
    closing = closing_brackets(text, "({", ")}")
    heads: dict[int, tuple[int, str]] = {}    # where a √ starts -> (where its radicand starts, \\sqrt…)
    closes: dict[int, int] = {}               # where a radicand ends -> how many } go there
    for m in _ROOT.finditer(text):
        start = m.end()
        num = _NUMBER.match(text, start)
        close = closing.get(start)
        end = num.end() if num is not None else (close + 1 if close is not None else None)
        if end is None or (num is not None and re.match(r"\s*(?:\^|[⁰¹²³⁴⁵⁶⁷⁸⁹⁻])", text[end:end + 8])):
            _fail(strict, said("reader.root_power" if end is not None else "reader.root_nothing", root=m.group(1)))
            continue
        braced = text[start] == "{"
        heads[m.start()] = (start, f"\\sqrt{_ROOTS[m.group(1)]}" + ("" if braced else "{"))
        if not braced:
            closes[end] = closes.get(end, 0) + 1
    out, pos = [], 0
    for at in sorted(set(heads) | set(closes)):
        out.append(text[pos:at])
        pos = at
        out.append("}" * closes.get(at, 0))
        if at in heads:
            pos, head = heads[at]
            out.append(head)
    out.append(text[pos:])
    return "".join(out)


def _full_stops(text: str, strict: bool) -> str:
    """。 between two digits (0。982) is the IME's decimal point; at the end it ends a sentence; anywhere
    else it separates sentences (a write-up) or is unclear (an answer)."""
    if "。" not in text:
        return text

    tail = len(text.rstrip(" 。$"))          # from here on only full stops, spaces and a closing $

    def stop(m: re.Match) -> str:
        i = m.start()
        if 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
            return "."
        if i >= tail:
            return " "
        _fail(strict, said("reader.chinese_stop"))
        return "; "

    return _STOP.sub(stop, text)


def _chinese(text: str, strict: bool) -> str:
    """Chinese words: 约 / 约为 / ～ (about), 等于 (equals), rounding notes (dropped), labels and
    connectives before an equation (解：, 所以). Any other Chinese text in an answer is unreadable."""
    text = _TEXT_HAN.sub(r" \1 ", text)
    text = _GLUED_NOTE.sub(" ", text)
    text = _NOTE.sub(" ", text)
    if re.search(f"[{_HAN}]", text[-100:]):
        head, tail = text[:-100], text[-100:]
        cut = _TRAILING_NOTE.sub("", tail)
        text = head + (cut.rstrip(" ,;:") if cut != tail else tail)
    text = _APPROX_WORD.sub(r" \\approx ", text)
    text = _EQUALS_WORD.sub(" = ", text)
    text = _EQ_APPROX.sub(r" \\approx ", text)
    if strict:
        text = _LABEL.sub("", text, count=1)
        left = re.search(f"[{_HAN}]+", text)
        if left:
            _fail(strict, said("reader.chinese_text", text=left.group(0), example=EQUATION_HINT))
        return text

    last = text.rfind("=")

    def run(m: re.Match) -> str:          # a phrase before an equation separates it from the one before
        return " ; " if m.end() <= last else m.group(0)

    return _HAN_RUN.sub(run, text)
