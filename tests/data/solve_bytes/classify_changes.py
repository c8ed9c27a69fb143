"""Classify every line that differs between two solve_bytes fixtures (outputs.json.xz).

Made for the one regeneration of session 8's fix round (exact rounding, ≈ for rounded values,
Piecewise printed as maths), and extended in session 9 for the prose (issue 12's printing): every
changed line must be one of
  digits    only displayed numbers differ, each by one unit of its last digit, away from zero
            (a tie of the exact value, once rounded from the float, now a half away from zero);
  approx    "=" became "≈" (or \\approx) before a rounded value, with or without such digits;
  piecewise the Python syntax `(a if c else b)` became max(a, b)/min(a, b) or `{a, c; b, ¬c}`
            (LaTeX's cases form is unchanged), with or without the two above;
  prose     (session 9, issue 12's printing) a heading or note of the prose, where only
            (a) a loss or activation identifier became words (half_squared_error → half squared
            error, 半平方误差 in Chinese; relu → ReLU; leaky_relu → leaky ReLU; none → none (the output itself); identity
            → 恒等 in Chinese), and (b) a symbol of
            the words became maths ($i$, $\\delta$ in LaTeX and Markdown; a setting's name a code
            span in Markdown): the two sides agree once names are put back and maths markup dropped;
  other     anything else: must be none.
A line may have several kinds ("approx+digits"); each is checked link by link.
Usage: python classify_changes.py OLD.json.xz NEW.json.xz [--show N] [--issue12 | --prose10 | --prec10 | --derive10
| --nprint11]
Each regeneration is classified against the fixture before it, one flag at a time:
(--issue12: session 9's regeneration, the kinds of `classify12`: signs, ln, small, places.)
(--prose10: session 10's one formula, one maths span: the kind `one-span` of `one_span_change`.)
(--prec10: session 10's given values shown as written and exact displays, the kinds of `classify_prec10`:
 given, exact, half, places, approx.)
(--derive10: session 10's factor and term order and weight subscripts, `classify_derive10`: order, comma.)
(--nprint11: session 11's network printing, `nprint11_change`: caption, threshold, formula, tied.)
"""
from __future__ import annotations

import json
import lzma
import re
import sys
from collections import Counter
from decimal import Decimal
from fractions import Fraction

# a number shown as a value: not an index or a sample (net_4, w_{04}, ^(3), ^{(3)}), which are words
NUMBER = re.compile(r"(?<![\w{.])(?<!\^\()(?<!\^\{\()-?\d+(?:\.\d+)?(?:e[+-]\d+)?")
PIECEWISE_OLD = re.compile(r" if .* else ")
PIECEWISE_NEW = re.compile(r"\b(?:max|min)\(|\{[^{}]*, [^{}]*; ")


def _load(path: str) -> dict[str, str]:
    return json.loads(lzma.decompress(open(path, "rb").read()))


def _ulp(s: str) -> Decimal:
    mant = s.split("e")[0]
    places = len(mant.split(".")[1]) if "." in mant else 0
    exp = int(s.split("e")[1]) if "e" in s else 0
    return Decimal(1).scaleb(exp - places)


def _digits_only(old: str, new: str) -> bool | None:
    """True: the lines differ only in numbers that moved one last unit away from zero; None: the
    words differ; False: numbers differ otherwise."""
    if NUMBER.sub("#", old) != NUMBER.sub("#", new):
        return None
    for a, b in zip(NUMBER.findall(old), NUMBER.findall(new)):
        if a == b:
            continue
        if _ulp(a) != _ulp(b) or abs(Decimal(b)) - abs(Decimal(a)) != _ulp(a):
            return False
    return True


LINK = re.compile(r" (&\\approx|&=|\\approx|=|≈) ")
APPROX = {"=": "≈", "&=": r"&\approx"}


# (b): the lines of prose, in every format: a part heading, a note (convention), a section title
PROSE_LINE = re.compile(r"(Part |部分 |## |### |- |\\subsection\*\{|  \\item |\\paragraph\{)")
# (a): each built-in loss or activation said in words (en, zh), back to its identifier
NAME_WORDS = {"binary cross-entropy": "binary_cross_entropy", "二元交叉熵": "binary_cross_entropy",
              "cross-entropy": "cross_entropy", "交叉熵": "cross_entropy",
              "half squared error": "half_squared_error", "半平方误差": "half_squared_error",
              "leaky ReLU": "leaky_relu", "ReLU": "relu", "恒等": "identity",
              "none (the output itself)": "none", "无（即输出本身）": "none"}
NAME_WORD = re.compile("|".join(re.escape(w) for w in sorted(NAME_WORDS, key=len, reverse=True)))


def _prose_normal(line: str) -> str:
    """A prose line with names as identifiers and no maths or code markup: `$i$` → i, `$\\delta$` → δ,
    `$\\to$` → →, `\\_` → _, a code span's backquotes dropped."""
    line = line.replace(r"$\to$", "→").replace(r"$\delta$", "δ").replace("\\_", "_")
    line = re.sub(r"\$([A-Za-z])\$", r"\1", line).replace("`", "")
    return NAME_WORD.sub(lambda m: NAME_WORDS[m.group(0)], line)


def prose_change(old: str, new: str) -> bool:
    """Whether a changed line is prose that differs only by names said in words and symbols set as maths."""
    return bool(PROSE_LINE.match(old) and PROSE_LINE.match(new)) and _prose_normal(old) == _prose_normal(new)


def classify(old: str, new: str) -> str:
    """The kinds of change of one line, link by link (`lhs = rule = numbers ≈ value`): e.g.
    "approx+digits", or "other"."""
    a, b = LINK.split(old), LINK.split(new)
    if len(a) != len(b):
        return "other"
    kinds = set()
    for i, (x, y) in enumerate(zip(a, b)):
        if x == y:
            continue
        if i % 2:                                   # a relation
            if APPROX.get(x) != y and not (x == "=" and y == r"\approx"):
                return "other"
            kinds.add("approx")
        elif _digits_only(x, y):
            kinds.add("digits")
        elif PIECEWISE_OLD.search(x) and PIECEWISE_NEW.search(y) and not PIECEWISE_OLD.search(y):
            kinds.add("piecewise")
        else:
            return "other"
    return "+".join(sorted(kinds)) or "other"


# -- issue 12's printing changes (session 9): classify12 ---------------------------------------------
#   signs    a number put into a rule is bracketed and signed as a textbook writes it: (-a) bare as a
#            function argument or at the start of a sum/bracket/fraction, -(-a) → a, x - (-a) → x + a,
#            x + (-a) → x - a, -0 → 0 (numberslots.py); applied here to the OLD line by regexes of its own;
#   ln       LaTeX's \log became \ln;
#   small    a number in e-notation became the same number as a plain decimal (4e-02 → 0.04);
#   places   an operand put into a rule (not the value after the last = or ≈) is shown with more
#            places, and the old operand is the new one rounded half-up to the old number of places
#            (the step did not add up as printed: printing.operands_that_add_up).

_NUM = r"\d+(?:\.\d+)?(?:e[+-]\d+)?"


def _signs_text(s: str) -> str:
    """The old text's substituted numbers as numberslots.resolve writes them (text)."""
    s = re.sub(rf"(?<![\w)])-\((-?){_NUM}\)(?![\^²])", lambda m: m.group(0)[3:-1] if m.group(1) else m.group(0), s)
    s = re.sub(rf" - \(-({_NUM})\)(?![\^²])", r" + \1", s)
    s = re.sub(rf" \+ \(-({_NUM})\)(?![\^²])", r" - \1", s)
    s = re.sub(rf"(^|[(,] ?|= )\((-{_NUM})\)(?![\^²])", r"\1\2", s)
    s = re.sub(r"(^|[(,] ?|= )-(0(?:\.0+)?)(?![\d.e])", r"\1\2", s)
    return s


def _signs_latex(s: str) -> str:
    """The old LaTeX's substituted numbers as numberslots.resolve writes them (LaTeX)."""
    s = re.sub(rf"(^|[{{(&=] ?)- \\left\((-)({_NUM})\\right\)(?!\^)", r"\1\3", s)
    s = re.sub(rf"(\S) - \\left\(-({_NUM})\\right\)(?!\^)", r"\1 + \2", s)
    s = re.sub(rf" \+ \\left\(-({_NUM})\\right\)(?!\^)", r" - \1", s)
    s = re.sub(rf"(^|\\left\(|[{{,&=] ?)\\left\((-{_NUM})\\right\)(?!\^)", r"\1\2", s)
    s = re.sub(r"(^|[{(&=] ?)- (0(?:\.0+)?)(?![\d.e])", r"\1\2", s)
    return s


# a number as NUMBER finds it, and also right after a brace (e^{0.0486}, \\frac{1}{2}): not an index (w_{04}, w_{4,10})
NUMBER12 = re.compile(r"(?<![\w.,])(?<!_\{)(?<!\^\()(?<!\^\{\()-?\d+(?:\.\d+)?(?:e[+-]\d+)?")
# a rule that is one symbol: `= net_13 = (-0.0077) ≈ -0.0077` printed its bracketed value beside the value
_LONE_TEXT = re.compile(rf"= \((-{_NUM})\) (≈|=) \1(?![\d])")
_LONE_LATEX = re.compile(rf"= \\left\((-{_NUM})\\right\) (\\approx|=) \1(?![\d])")


def _number_pairs(old: str, new: str) -> list[tuple[str, str, bool]] | None:
    """The numbers of two lines side by side, with whether each is an operand (before the last = or ≈
    of its line); None if the lines differ otherwise."""
    if NUMBER12.sub("#", old) != NUMBER12.sub("#", new):
        return None
    cut = max(new.rfind(" = "), new.rfind(" ≈ "), new.rfind(r"\approx "), new.rfind("&= "))
    pairs = []
    for ma, mb in zip(NUMBER12.finditer(old), NUMBER12.finditer(new)):
        pairs.append((ma.group(0), mb.group(0), mb.start() < cut))
    return pairs


def _rounded(x: str, like: str) -> bool:
    """Whether `like` and `x` can be roundings of one number (each to its own last digit): the old
    operand and the same operand shown with more places, both rounded from its exact value."""
    return abs(Decimal(x) - Decimal(like)) <= (_ulp(x) + _ulp(like)) / 2


def classify12(old: str, new: str) -> str:
    """The kinds of change of one line made by issue 12's printing work (above), or "other"."""
    kinds = set()
    was = old
    if r"\log" in was and r"\log" not in new:
        was = was.replace(r"\log", r"\ln")
        kinds.add("ln")
    latex = "\\" in new
    signed = (_LONE_LATEX if latex else _LONE_TEXT).sub(r"\2 \1", was)
    signed = _signs_latex(signed) if latex else _signs_text(signed)
    if signed != was:
        kinds.add("signs")
    pairs = _number_pairs(signed, new)
    if pairs is None:
        return "other"
    for a, b, operand in pairs:
        if a == b:
            continue
        if Decimal(a.lstrip("-")) == Decimal(b.lstrip("-")) and a.startswith("-") == b.startswith("-") and "e" in a:
            kinds.add("small")
        elif operand and "e" not in b and _rounded(b, a):
            kinds.add("places")
        else:
            return "other"
    return "+".join(sorted(kinds)) or "other"


# -- session 10's derive/solve order (branch s10-derive): classify_derive10 ----------------------------
#   order    the factors of a product or the terms of a sum are the same, in another order (the
#            teacher's: g'(net_j)·δ_k·w_jk, constants and g' first; a net's Σ_i w_ij·u_i and a hidden
#            δ's Σ_k δ_k·w_jk in the network's order, not by unit id), with the numbers put into the
#            rule following their symbols (a negative one then bracketed, or its sign said by the
#            sum: x + (−a)·b is x − a·b), and a term whose number is 0 keeping no sign;
#   comma    a weight's subscript of two units that are not both single digits got a comma:
#            w_{0o} → w_{0,o}, w_{1\alpha} → w_{1,\alpha} (the lines agree once subscripts lose commas).
# A LaTeX step broken over rows is compared as one line (its rows may break elsewhere now).

_SUBSCRIPT = re.compile(r"_\{((?:[^{}]|\{[^{}]*\})*)\}")
_SEPARATORS = re.compile(r"(·|×| \\cdot | \\times |/)")


def _no_commas(line: str) -> str:
    """The line with every subscript's commas and spaces dropped (w_{0,o} and w_{0o} alike)."""
    return _SUBSCRIPT.sub(lambda m: "_{" + m.group(1).replace(",", "").replace(" ", "") + "}", line)


def _subscript_commas(line: str) -> int:
    return sum(m.group(1).count(",") for m in _SUBSCRIPT.finditer(line))


def _group(s: str, i: int) -> int:
    """The end of the balanced {…} group that starts at s[i]."""
    depth = 0
    for j in range(i, len(s)):
        depth += (s[j] == "{") - (s[j] == "}")
        if depth == 0:
            return j + 1
    raise ValueError(s)


def _fraction(f: str):
    """\\frac{A}{B} as its two sums put in order, or None."""
    if not f.startswith(r"\frac{"):
        return None
    mid = _group(f, 5)
    if mid >= len(f) or f[mid] != "{" or _group(f, mid) != len(f):
        return None
    return ("frac", _canon_sum(f[6:mid - 1]), _canon_sum(f[mid + 1:-1]))


def _top_split(s: str, seps: re.Pattern) -> list[str]:
    """`s` split at `seps` outside every bracket ((), {}, \\left( … \\right)), the separators kept."""
    out, depth, at, i = [], 0, 0, 0
    while i < len(s):
        if s.startswith(r"\left(", i):
            depth, i = depth + 1, i + 6
            continue
        if s.startswith(r"\right)", i):
            depth, i = depth - 1, i + 7
            continue
        c = s[i]
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        elif depth == 0:
            m = seps.match(s, i)
            if m and m.end() > m.start():
                out += [s[at:i], m.group(0)]
                at = i = m.end()
                continue
        i += 1
    return out + [s[at:]]


_TERM_SEPARATORS = re.compile(r" \+ | - ")


def _inner(factor: str) -> str | None:
    """The inside of a bracketed factor, (…) or \\left(…\\right), or None."""
    if factor.startswith(r"\left(") and factor.endswith(r"\right)"):
        inner = factor[6:-7]
    elif factor.startswith("(") and factor.endswith(")"):
        inner = factor[1:-1]
    else:
        return None
    return inner if len(_top_split(inner, re.compile(r"(?!)"))) == 1 and _balanced(inner) else None


def _balanced(s: str) -> bool:
    depth = 0
    for c in s.replace(r"\left(", "(").replace(r"\right)", ")"):
        depth += (c in "({[") - (c in ")}]")
        if depth < 0:
            return False
    return depth == 0


def _canon_sum(s: str):
    """A sum as the sorted terms it adds, each (sign, sorted factors); a number's sign and brackets
    moved into its term's sign, and a term whose number is 0 unsigned."""
    s = s.strip()
    parts = _top_split(s, _TERM_SEPARATORS)
    terms = []
    first = parts[0]
    sign = 1
    if first.startswith("- "):
        first, sign = first[2:], -1
    elif first.startswith("-") and not re.match(r"-\d", first):
        first, sign = first[1:], -1
    items = [(sign, first)] + [(1 if parts[i].strip() == "+" else -1, parts[i + 1]) for i in range(1, len(parts) - 1, 2)]
    for sign, term in items:
        factors, zero = [], False
        pieces = _top_split(term.strip(), _SEPARATORS)
        divide = False
        for piece in pieces:
            if _SEPARATORS.fullmatch(piece):
                divide = piece == "/"
                continue
            f = piece.strip()
            inner = _inner(f)
            if inner is not None and re.fullmatch(r"-?\d+(?:\.\d+)?(?:e[+-]\d+)?", inner.strip()):
                f = inner.strip()
            if re.fullmatch(r"-\d+(?:\.\d+)?(?:e[+-]\d+)?", f):
                sign, f = -sign, f[1:]
            if re.fullmatch(r"0(?:\.0+)?", f):
                zero = True
            elif _fraction(f) is not None:
                f = _fraction(f)
            elif inner is not None and not re.fullmatch(r"\d+(?:\.\d+)?(?:e[+-]\d+)?", f):
                f = ("(", _canon_sum(inner))
            factors.append(("/" if divide else "", f))
        terms.append((0 if zero else sign, tuple(sorted(factors, key=repr))))
    return tuple(sorted(terms, key=repr))


def _same_but_order(old: str, new: str) -> bool:
    """Whether two links of a step are the same sum of the same products, in another order."""
    try:
        return _canon_sum(old) == _canon_sum(new)
    except (IndexError, ValueError):
        return False


def classify_derive10(old: str, new: str) -> str:
    """The kinds of change of one line made by session 10's derive/solve order work (above), or "other"."""
    kinds = set()
    a, b = _no_commas(old), _no_commas(new)
    if _subscript_commas(old) != _subscript_commas(new):
        kinds.add("comma")
    if a == b:
        return "+".join(sorted(kinds)) or "other"
    x, y = LINK.split(a.replace("&", "")), LINK.split(b.replace("&", ""))
    if len(x) != len(y):
        return "other"
    for i, (p, q) in enumerate(zip(x, y)):
        if p == q:
            continue
        if i % 2 or not _same_but_order(p, q):
            return "other"
        kinds.add("order")
    return "+".join(sorted(kinds)) or "other"


def _rows(lines: list[str]) -> list[str]:
    """LaTeX's steps one a line: a continuation row `  &= …` or `  &\\approx …` joined to its step."""
    out: list[str] = []
    for line in lines:
        if line.startswith("  &") and out:
            out[-1] = out[-1].removesuffix(" \\\\") + " " + line[3:].removesuffix(" \\\\")
        else:
            out.append(line.removesuffix(" \\\\"))
    return out


def _json_string(line: str) -> str:
    """A JSON render's line `"text": "…",` as its string; other lines as they are."""
    try:
        got = json.loads("{" + line.strip().rstrip(",") + "}")
    except ValueError:
        return line
    values = list(got.values())
    return values[0] if len(values) == 1 and isinstance(values[0], str) else line


def json_ties(old: dict[str, str], new: dict[str, str]) -> Counter:
    """For the JSON renders: each quantity whose `display` changed, by what its `exact` says —
    "exact tie" (a rational exactly half-way at the shown places), "not a tie" (must be none),
    "30-digit float" (no exact value kept) or "irrational" (an exact expression)."""
    out: Counter = Counter()
    for key in sorted(set(old) & set(new)):
        if not key.endswith((".json", ".json.p2")):
            continue
        a, b = json.loads(old[key]), json.loads(new[key])
        for pa, pb in zip(a["parts"], b["parts"]):
            for qid, qa in pa["quantities"].items():
                qb = pb["quantities"][qid]
                if qa["display"] == qb["display"]:
                    continue
                if ISSUE12:            # issue 12 changed only how a display is written (4e-02 → 0.04)
                    same = Decimal(qa["display"]) == Decimal(qb["display"])
                    out["same number" if same else "not a tie"] += 1
                    continue
                exact = qb["exact"]
                if exact is None:
                    out["30-digit float"] += 1
                    continue
                try:
                    frac = Fraction(exact)
                except ValueError:
                    out["irrational"] += 1
                    continue
                places = _ulp(qb["display"])
                out["exact tie" if (abs(frac) / Fraction(places)) % 1 == Fraction(1, 2) else "not a tie"] += 1
    return out


# -- session 10 (prose10): one formula, one maths span --------------------------------------------------
#   one-span  a prose line (PROSE_LINE) whose maths spans changed only in where their $ stand: spans that
#             an operator alone joined became one ($x_{0}$ = $-1$ → $x_{0} = -1$; g'(0) = $0.5$ →
#             $g'(0) = 0.5$), or a number of the words became maths (taken as 0 → taken as $0$): the
#             two lines are equal once every $ is dropped, and the new line has no more spans' worth of
#             words outside maths than the old (each changed $ moved into or joined a formula).
def one_span_change(old: str, new: str) -> bool:
    """Whether a changed line is prose whose maths spans were only joined into one formula, or gained a number."""
    if not (PROSE_LINE.match(old) and PROSE_LINE.match(new)) or old.replace("$", "") != new.replace("$", ""):
        return False
    outside = [re.sub(r"\$[^$]*\$", "", line) for line in (old, new)]
    return len(outside[1]) < len(outside[0])


#   bias-index the bias note's net_j = Σ_i w_ij·x_i − θ_j written in the file's weight order: w_ji where the
#             weights note says "w_{ji} is the weight from unit i to unit j" (weights: to_from), with or
#             without a one-span change in the same line.
BIAS_INDEX = ((r"\sum_i w_{ji} x_i", r"\sum_i w_{ij} x_i"), ("Σ_i w_ji·x_i", "Σ_i w_ij·x_i"))


def bias_index_change(old: str, new: str) -> bool:
    """Whether the line is the bias note whose Σ_i w·x now has the file's index order (ji), and otherwise
    the old line or a one-span change of it."""
    if not any(a in new and b in old for a, b in BIAS_INDEX):
        return False
    for a, b in BIAS_INDEX:
        new = new.replace(a, b)
    return new == old or one_span_change(old, new)


# -- session 10's given values and exact displays (--prec10): classify_prec10 -------------------------
#   given    a number became a value the problem file gives (an input, a target, a weight, η), written
#            as the file writes it, and the old number is it rounded (printing.format_given);
#   exact    the same number with the zeros that ended it dropped, now "=" (0.00001000 → 0.00001:
#            an exact value shown with all its digits);
#   half     a value of exactly half a unit of the last place keeps its digits (≈ 0.01 → = 0.005 at
#            precision 2; 0.5 at precision 0): the old number is the new one rounded half up;
#   places   an operand put into a rule (before the last = or ≈) is shown with other places, both
#            roundings of one number (with the givens exact, the operands that make the step add up changed);
#   approx   "≈" became "=" before a value that one of the above made exact (never the other way).

def _given_values(renders: dict[str, str]) -> dict[str, set[Fraction]]:
    """Per problem (the part of a render's key before its format), the exact values its JSON calls given."""
    out: dict[str, set[Fraction]] = {}
    for key, text in renders.items():
        if not key.endswith(".json"):
            continue
        got = out.setdefault(key[:-len(".json")], set())
        for part in json.loads(text)["parts"]:
            for q in part["quantities"].values():
                if q["section"] == "given" and q["exact"] is not None:
                    got.add(Fraction(q["exact"]))
    return out


_RELATION10 = re.compile(r"(&\\approx|\\approx|≈|&=|=)")


def _relations(line: str) -> list[str]:
    return [("=" if r.endswith("=") else "≈") for r in _RELATION10.findall(line)]


def classify_prec10(old: str, new: str, given: set[Fraction]) -> str:
    """The kinds of change of one line made by session 10's given values and exact displays (above), or "other"."""
    pa, pb = _RELATION10.split(old), _RELATION10.split(new)
    if len(pa) != len(pb):
        return "other"
    kinds = set()
    made_exact = False           # a value after a relation that became exact
    for i in range(1, len(pa), 2):                 # the relations: only ≈ → = (the new relation put in the old line)
        if _relations(pa[i]) != _relations(pb[i]):
            if not (_relations(pa[i]) == ["≈"] and _relations(pb[i]) == ["="]):
                return "other"
            kinds.add("approx")
        pa[i] = pb[i]
    pairs = _number_pairs("".join(pa), new)
    if pairs is None:
        return "other"
    for a, b, operand in pairs:
        if a == b:
            continue
        fa, fb = Fraction(a), Fraction(b)
        if (fb in given or -fb in given) and _rounded(a, b):      # a sign may be folded: x - 0.2 for x + (-0.2)
            kind = "given"
        elif fa == fb:
            kind = "places" if operand else "exact"
        elif "e" not in b and abs(fb) * 2 == _ulp(a) and Decimal(a) == Decimal(b).quantize(_ulp(a), "ROUND_HALF_UP"):
            kind = "half"
        elif operand and "e" not in a + b and _rounded(a, b):
            kind = "places"
        else:
            return "other"
        kinds.add(kind)
        made_exact = made_exact or (not operand and kind != "places")
    if "approx" in kinds and not (made_exact or kinds & {"given", "exact", "half"}):
        return "other"                             # ≈ → = only where a value became exact
    return "+".join(sorted(kinds)) or "other"


#   picture  a line of a TikZ picture of the network (render/picture.py's new sizes: wider pictures beside
#            a weight table, taller ones with labels, bias nodes by their layer) where only the
#            coordinates, a label's rotation, the picture's unit lengths or the labels' font changed.
_TIKZ_LINE = re.compile(r"^(  \\node\[|  \\draw\[|\\begin\{tikzpicture\})")
_TIKZ_NUMBERS = [(re.compile(r"\((-?[\d.]+), (-?[\d.]+)\)"), "(#, #)"), (re.compile(r"rotate=-?[\d.]+"), "rotate=#"),
                 (re.compile(r"x=[\d.]+cm, y=[\d.]+cm"), "x=#cm, y=#cm"), (re.compile(r"font=\\(?:scriptsize|tiny)"), "font=#")]


def picture_change(old: str, new: str) -> bool:
    """Whether a changed line is a TikZ line of the network picture that differs only in its geometry."""
    if not (_TIKZ_LINE.match(old) and _TIKZ_LINE.match(new)):
        return False
    for pattern, stand_in in _TIKZ_NUMBERS:
        old, new = pattern.sub(stand_in, old), pattern.sub(stand_in, new)
    return old == new


def json_displays10(old: dict[str, str], new: dict[str, str]) -> Counter:
    """For the JSON renders: each quantity whose `display` changed: "given" (a given value, now its exact
    value), "exact" (a computed value whose display is now its exact value) or "not a tie" (must be none)."""
    out: Counter = Counter()
    for key in sorted(set(old) & set(new)):
        if not key.endswith((".json", ".json.p2")):
            continue
        a, b = json.loads(old[key]), json.loads(new[key])
        for pa, pb in zip(a["parts"], b["parts"]):
            for qid, qa in pa["quantities"].items():
                qb = pb["quantities"][qid]
                if qa["display"] == qb["display"]:
                    continue
                exact = qb["exact"] is not None and Fraction(qb["display"]) == Fraction(qb["exact"])
                out[("given" if qb["section"] == "given" else "exact") if exact else "not a tie"] += 1
    return out


# -- session 11 (nprint): issue 12's network printing, `--nprint11` ------------------------------------
#   caption    the bias node's caption names the unit by its symbol, in the document's language:
#              `{\scriptsize bias 0}` → `{\scriptsize bias $x_{0}$}` (`偏置 $x_{0}$` in Chinese), nothing else;
#   threshold  the threshold note says which weight θ_j is: `θ_j` → `θ_j = w_{j0}` (or w_{0j}), nothing else;
#   formula    an activation formula without a name is named by its formula in the part heading:
#              `formula` → `x/10` ($\frac{x}{10}$), nothing else;
#   tied       a tied edge of a shared parameter is written by the parameter's name (w_{03} → b1, b_{1}),
#              and its given value is left out of the Given line (or its row of the notebook's givens).
_CAPTION_OLD = re.compile(r"\{\\scriptsize bias ([A-Za-z0-9]+)\}")
_CAPTION_NEW = re.compile(r"\{\\scriptsize (?:bias|偏置) \$[A-Za-z]+_\{([A-Za-z0-9]+)\}\$\}")
_THRESHOLD = re.compile(r"(θ_j|\\theta_j) = w_\{(?:0j|j0)\}")


def _tied(stem: str) -> dict[str, tuple[str, str]]:
    """{edge name as printed (w_{03}): (parameter in text, in LaTeX)} of a problem file's `shared`."""
    import yaml
    from pathlib import Path
    path = Path(__file__).resolve().parents[3] / "problems" / f"{stem}.yaml"
    if not path.exists():
        return {}
    shared = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("shared") or {}
    out = {}
    for name, edges in shared.items():
        m = re.fullmatch(r"([A-Za-z]+)(\d*)", name)
        latex = f"{m.group(1)}_{{{m.group(2)}}}" if m and m.group(2) else name
        for e in edges:
            _, a, b = e.split("_")
            out[f"w_{{{a}{b}}}" if len(a) == len(b) == 1 else f"w_{{{a},{b}}}"] = (name, latex)
    return out


def nprint11_change(old: str, new: str, tied: dict) -> str | None:
    """The kind of a changed line of session 11's network printing (above), or None."""
    if _CAPTION_OLD.search(old) and _CAPTION_OLD.sub("#", old) == _CAPTION_NEW.sub("#", new) and \
            _CAPTION_OLD.search(old).group(1) == _CAPTION_NEW.search(new).group(1):
        return "caption"
    if _THRESHOLD.search(new) and _THRESHOLD.sub(lambda m: m.group(1), new) == old:
        return "threshold"
    if "formula" in old:
        head, _, tail = old.partition("formula")
        middle = new[len(head):len(new) - len(tail)] if new.startswith(head) and new.endswith(tail) else ""
        if "x" in middle and "formula" not in middle:
            return "formula"
    if tied:
        dropped = old
        for edge in tied:                          # the Given line: a tied edge's entry left out
            dropped = re.sub(r"\$?" + re.escape(edge) + r" = [-0-9.]+\$?, ", "", dropped)
        renamed = old
        for edge, (text, latex) in tied.items():
            renamed = renamed.replace(edge, latex if "\\" in old or "$" in old else text)
        if new in (dropped, renamed):
            return "tied"
    return None


def _without_tied_givens(lines: list[str], tied: dict) -> tuple[list[str], int]:
    """A notebook's lines without the given rows of tied edges (`w_{03} &= 0.5 \\`), and how many."""
    kept = [x for x in lines if not any(x.startswith(edge + " &= ") for edge in tied)]
    return kept, len(lines) - len(kept)


ISSUE12 = False
NPRINT11 = False
PROSE10 = False
PREC10 = False
DERIVE10 = False


def main(argv: list[str]) -> int:
    global ISSUE12, PROSE10, PREC10, DERIVE10, NPRINT11
    ISSUE12 = "--issue12" in argv
    NPRINT11 = "--nprint11" in argv
    PROSE10 = "--prose10" in argv
    PREC10 = "--prec10" in argv
    DERIVE10 = "--derive10" in argv
    old, new = _load(argv[0]), _load(argv[1])
    givens = _given_values(new) if PREC10 else {}
    show = int(argv[argv.index("--show") + 1]) if "--show" in argv else 5
    counts: Counter = Counter()
    examples: dict[str, list] = {}
    if set(old) != set(new):
        print("renders differ:", sorted(set(old) ^ set(new)))
        counts["other"] += 1
    for key in sorted(set(old) & set(new)):
        a, b = old[key].splitlines(), new[key].splitlines()
        if ISSUE12 or PREC10 or DERIVE10:      # a LaTeX step broken over rows may fit one row now: compare steps
            a, b = _rows(a), _rows(b)
        tied = _tied(key.split(".")[0]) if NPRINT11 else {}
        if tied and len(a) != len(b):
            a, gone = _without_tied_givens(a, tied)
            counts["tied"] += gone
        if len(a) != len(b):
            counts["other"] += 1
            examples.setdefault("other", []).append((key, f"{len(a)} lines", f"{len(b)} lines"))
            continue
        for x, y in zip(a, b):
            if x != y:
                kind = ((nprint11_change(x, y, tied) or "other") if NPRINT11 else
                        "one-span" if PROSE10 and one_span_change(x, y) else
                        "bias-index" if PROSE10 and bias_index_change(x, y) else
                        "prose" if prose_change(x, y) else
                        "picture" if PREC10 and picture_change(x, y) else
                        classify_prec10(_json_string(x), _json_string(y), givens.get(key.split(".")[0], set()))
                        if PREC10 else
                        classify12(_json_string(x), _json_string(y)) if ISSUE12 else
                        classify_derive10(_json_string(x), _json_string(y)) if DERIVE10 else classify(x, y))
                counts[kind] += 1
                examples.setdefault(kind, []).append((key, x, y))
    renders = sum(1 for k in set(old) & set(new) if old[k] != new[k])
    print(f"renders: {len(new)}, changed: {renders}")
    for kind in sorted(counts, key=lambda k: (k == "other", k)):
        print(f"{kind}: {counts[kind]} lines")
        for key, x, y in examples.get(kind, [])[:show]:
            print(f"  [{key}]\n    - {x[:300]}\n    + {y[:300]}")
    ties = json_displays10(old, new) if PREC10 else json_ties(old, new)
    print("JSON displays changed, by their exact value:", dict(sorted(ties.items())))
    return 1 if counts["other"] or ties["not a tie"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
