"""Reading validated fields from a YAML document (numbers, texts, unit ids, mappings), each mistake
raised as one FILE:LINE error. Shared by every kind of problem file (problem.py, quadratic.py)."""
from __future__ import annotations

import math
import re
from typing import Any

import sympy as sp

from . import greek
from .messages import said, text_of
from .suggest import closest
from .usertext import check_text
from .yamlfile import Path_, YamlDocument, number_problem, shown

ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,15}$|^[0-9]{1,6}$")
DECIMAL_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$")
FRACTION_RE = re.compile(r"^[+-]?\d{1,30}/\d{1,30}$")
MAX_EXPONENT = 30


# a Greek character as the name a unit id spells it with (θ → theta); δ, η, σ, Σ are the tool's own
_GREEK_NAMES = {char: name for name, char in greek.LETTERS.items()}
_WRAPPING = re.compile(r"[_{}\s]")          # what a name written as it prints adds: θ_{1}, x_1


def unit_id_problem(value: Any) -> str:
    """Why `value` is not a unit id, with the id to write where the value is a name written as it prints
    (θ1, θ_1, \\theta_1 → theta1, which prints θ_1; x_1 → x1, or the unit 1); else what an id is."""
    if not isinstance(value, str) or not value.strip():
        return said("field.not_unit_id", got=shown(value))
    text = greek.latex_to_unicode(value.strip())
    spelled = _WRAPPING.sub("", "".join(_GREEK_NAMES.get(c, c) for c in text))
    if spelled != value and ID_RE.fullmatch(spelled) and not spelled.isdigit():
        prints = greek.text(spelled)
        if prints is not None:
            return said("field.unit_id_as_printed", got=shown(value), suggestion=spelled, prints=prints)
        numbered = re.fullmatch(r"[A-Za-z]+_\{?([0-9]{1,6})\}?", text)        # x_1: the unit 1, or x1
        if numbered:
            return said("field.unit_id_plain", got=shown(value), suggestion=spelled,
                        number=str(int(numbered.group(1))))
    if any(c == "_" or ord(c) > 127 for c in value) or len(value) > 16:
        return said("field.unit_id_letters", got=shown(value))
    return said("field.not_unit_id", got=shown(value))


def decimal_or_fraction(value: sp.Rational) -> str:
    """2/5 -> '0.4', -3 -> '-3', 1/3 -> '1/3': a decimal where the denominator has only the factors 2 and 5
    (and it is at most 30 digits long), else the fraction."""
    value = sp.Rational(value)
    q, places = int(value.q), 0
    while q % 10 == 0 or q % 2 == 0 or q % 5 == 0:
        if places >= 30:
            return str(value)
        q = q // 2 if q % 2 == 0 else q // 5 if q % 5 == 0 else q
        places += 1
    if q != 1:
        return str(value)
    digits = abs(int(value * 10 ** places))
    whole, frac = divmod(digits, 10 ** places)
    text = str(whole) + (("." + str(frac).rjust(places, "0").rstrip("0")) if places and frac else "")
    return ("-" if value < 0 else "") + text


class FieldReader:
    """Reads the fields of a YAML document one by one, raising a FILE:LINE error at the first mistake."""

    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc

    def fail(self, path: Path_, message: str):
        raise self.doc.error(path, message)

    # -- scalars -------------------------------------------------------------------------------
    def number(self, value: Any, path: Path_) -> sp.Rational:
        """An exact number: int, decimal (0.15 is read as 3/20), 'p/q' or '1.5e-3'."""
        if isinstance(value, bool) or value is None:
            self.fail(path, said("field.expected_number", got=shown(value)))
        odd = number_problem(value)          # 0x1F, 1:20, .inf, a 5000-digit integer…
        if odd is not None:
            self.fail(path, odd)
        if isinstance(value, int):
            if abs(value) >= 10**30:
                self.fail(path, said("field.number_too_large", most=30))
            return sp.Integer(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                self.fail(path, said("field.expected_finite", got=shown(value)))
            written = getattr(value, "written", "").strip()        # the file's own digits, all of them
            value = written if DECIMAL_RE.match(written) else repr(value)
        if isinstance(value, str):
            s = value.strip()
            if len(s) <= 60 and DECIMAL_RE.match(s):
                mant, _, exp = s.lower().partition("e")
                if exp and abs(int(exp)) > MAX_EXPONENT:
                    self.fail(path, said("field.exponent_range", exp=exp, most=MAX_EXPONENT))
                return sp.Rational(s.lower())
            if FRACTION_RE.match(s):
                p, q = s.split("/")
                if int(q) == 0:
                    self.fail(path, said("field.division_by_zero"))
                return sp.Rational(int(p), int(q))
        self.fail(path, said("field.not_a_number", got=shown(value)))

    def as_written(self, value: sp.Rational, path: Path_ | None) -> str:
        """A number read from `path` as the file wrote it (0.5, not 1/2), for an error message; where that
        text is not found, the number as a decimal if it has a short one (0.4), else as p/q."""
        text = self.doc.scalar_text(path) if path is not None else None
        if text is not None and text.strip():
            return text.strip()
        return decimal_or_fraction(value)

    def text(self, data: dict, path: Path_, limit: int) -> str:
        """A title (one line) or description (`path` ends in its key), checked by usertext.check_text."""
        key = path[-1]
        try:
            return check_text(data[key], self.doc.scalar_text(path), limit=limit, single_line=key == "title",
                              what=key)
        except ValueError as exc:
            self.fail(path, text_of(exc))

    def unit_id(self, value: Any, path: Path_) -> str:
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not ID_RE.fullmatch(str(value)):
            self.fail(path, unit_id_problem(value))
        return str(value)

    def mapping(self, value: Any, path: Path_, what: str) -> dict:
        if not isinstance(value, dict):
            self.fail(path, said("field.not_mapping", what=what, got=shown(value)))
        return value

    def check_keys(self, data: dict, allowed, path: Path_, what: str) -> None:
        for key in data:
            if str(key) not in allowed:
                message = said("field.unknown_key", field=shown(str(key)), what=what, allowed=", ".join(allowed))
                meant = near_miss(key, allowed)
                self.fail(path + (str(key),), said("hint.did_you_mean", first=message, close=meant) if meant
                          else message)


def near_miss(key: Any, allowed) -> str | None:
    """The allowed field a misspelt `key` most likely means: the closest (suggest.closest), or the one it
    equals but for case (`Loss` for `loss`: a field's name is matched exactly); None when none is near."""
    got = closest(key, allowed)
    if got:
        return got[0]
    same = [a for a in allowed if str(a).lower() == str(key).strip().lower()]
    return str(same[0]) if same else None
