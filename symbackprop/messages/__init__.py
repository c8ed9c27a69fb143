"""Every sentence the tool says to people, one catalogue per language, keyed by message id.

A catalogue is a module of this package named by its language code (en.py, zh.py) holding one
dict, MESSAGES = {id: template}; a template takes named fields, `{score}`, filled by `msg`. Adding
a language is adding one catalogue file: LANGUAGES, and so every `--lang` choice, lists the files
present (`languages()` looks at the package's folder each time it is asked). English is the reference: a message missing from another catalogue is said in English
with a warning (tests/test_messages.py requires every English id in every catalogue).

Library code that builds an English sentence for a report (a diagnosis) returns it as `said(id,
**fields)`: a `str` equal to the English sentence, which keeps its id and fields so that a report
in another language can say it again (`say(text, lang)`).
"""
from __future__ import annotations

import errno
import pkgutil
import re
import string
import warnings
from importlib import import_module
from typing import Callable, Mapping

from ..errors import SymbackpropError

REFERENCE = "en"


def languages() -> tuple[str, ...]:
    """The language codes that have a catalogue file in this package, sorted: read from the folder
    (every entry of the package's path) when asked, so that nothing else holds a list of languages."""
    return tuple(sorted({m.name for m in pkgutil.iter_modules(__path__)
                         if re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?", m.name)}))


LANGUAGES: tuple[str, ...] = languages()       # the languages at import, for code that wants a constant

_CATALOGUES: dict[str, Mapping[str, str]] = {}        # lang -> its MESSAGES, loaded once


class MissingMessage(UserWarning):
    """A catalogue lacks a message id that English has: the message was said in English."""


def catalogue(lang: str) -> Mapping[str, str]:
    """The messages of `lang` ({id: template}); a language with no catalogue is a usage error."""
    if lang not in _CATALOGUES:
        known = languages()
        if lang not in known:
            raise SymbackpropError(f"--lang {lang!r}: no such language; choose from {', '.join(known)}")
        _CATALOGUES[lang] = import_module(f".{lang}", __name__).MESSAGES
    return _CATALOGUES[lang]


def placeholders(template: str) -> frozenset[str]:
    """The names of the fields a template takes: `{score} / {max}` → {score, max}."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


# A symbol in a template's words is marked *i* (a letter or Greek letter, with an optional _subscript
# and an optional '(0)): `msg` says it plainly (i); prose typesets it in each format (render/prose.py).
MARK = re.compile(r"(?<![\w*\\])\*([A-Za-zα-ωΑ-ΩΔ∂](?:_[A-Za-z0-9]+)?(?:'\([0-9]\))?)\*(?![\w*])")


def one_line_warnings() -> None:
    """Say a MissingMessage as one line, `warning: message 'x' missing from the 'xx' catalogue; said in English`
    (the command line), not as Python shows a warning (its file, line and source); other warnings as before."""
    if getattr(warnings.formatwarning, "_one_line", False):
        return
    shown = warnings.formatwarning

    def formatwarning(message, category, filename, lineno, line=None):
        if isinstance(category, type) and issubclass(category, MissingMessage):
            return f"warning: {message}\n"
        return shown(message, category, filename, lineno, line)
    formatwarning._one_line = True
    warnings.formatwarning = formatwarning


def _template(lang: str, key: str) -> str:
    book = catalogue(lang)
    template = book.get(key)
    if template is None:
        template = catalogue(REFERENCE)[key]
        if lang != REFERENCE:
            warnings.warn(f"message {key!r} missing from the {lang!r} catalogue; said in English",
                          MissingMessage, stacklevel=3)
    return template


def msg(lang: str, key: str, **fields: object) -> str:
    """Message `key` in `lang` with its fields filled in, its marked symbols (*i*) as plain text. A key
    missing from `lang` is said in English with a MissingMessage warning; a key missing from English is
    a bug of ours (KeyError)."""
    template = MARK.sub(r"\1", _template(lang, key))
    return template.format(**fields) if fields else template.format()


def marked(lang: str, key: str, mark: Callable[[str], str], **fields: object) -> str:
    """Message `key` as `msg` says it, but each marked symbol (*i*) written `mark(symbol)`, so that a
    renderer can typeset it (render/prose.py); `mark` must return no brace."""
    template = MARK.sub(lambda m: mark(m.group(1)), _template(lang, key))
    return template.format(**fields)


def words(lang: str, prefix: str) -> dict[str, str]:
    """Every message under `prefix.` in `lang`, by the rest of its id: words("en", "status")["wrong"]."""
    keys = [k for k in catalogue(REFERENCE) if k.startswith(prefix + ".")]
    return {k[len(prefix) + 1:]: msg(lang, k) for k in keys}


class Said(str):
    """An English sentence that remembers its message id and fields, so that it can be said again in
    another language (`say`); everywhere else it is the plain string it equals."""

    key: str | None
    fields: dict

    def __new__(cls, text: str, key: str | None = None, fields: dict | None = None) -> "Said":
        self = super().__new__(cls, text)
        self.key, self.fields = key, dict(fields or {})
        return self

    def __reduce__(self):                       # pickles across processes (grade workers) with its id
        return (type(self), (str(self), self.key, self.fields))


class Template(Said):
    """A catalogue template as an English string (`MESSAGES["sign"]`) whose `.format(**fields)` gives a
    `Said`: code written for plain format strings keeps working and its sentences become translatable."""

    def format(self, *args: object, **fields: object) -> Said:  # type: ignore[override]
        if args:
            return Said(str.format(self, *args, **fields))
        return said(self.key or "", **fields) if self.key else Said(str.format(self, **fields))


def said(key: str, **fields: object) -> Said:
    """Message `key` in English, keeping its id and fields (see `Said`)."""
    return Said(msg(REFERENCE, key, **fields), key, fields)


def templates(prefix: str) -> dict[str, Template]:
    """The English templates under `prefix.`, by the rest of their id, each a `Template`:
    templates("diagnosis")["sign"].format() is said("diagnosis.sign")."""
    book = catalogue(REFERENCE)
    return {k[len(prefix) + 1:]: Template(book[k], k) for k in book if k.startswith(prefix + ".")}


def text_of(exc: BaseException) -> str:
    """An exception's message as it was raised: a `Said` stays one (so that a report can say it again in
    its language), where `str(exc)` would make it a plain string."""
    if len(exc.args) == 1 and isinstance(exc.args[0], Said):
        return exc.args[0]
    return str(exc)


def joined(sentences: "list[str]") -> str:
    """Sentences joined by "; " (in English): one alone is kept as it is; several become a `Said`
    of the catalogue's joiner, so that each of them stays translatable."""
    if not sentences:
        return ""
    if len(sentences) == 1:
        return sentences[0]
    return said("joined", first=sentences[0], rest=joined(sentences[1:]))


def joined_in(lang: str, sentences: "list[str]") -> str:
    """Sentences said in `lang` already, joined by that language's joiner ("; " in English)."""
    out = ""
    for n, s in enumerate(reversed(list(sentences))):
        out = s if n == 0 else msg(lang, "joined", first=s, rest=out)
    return out


def replaced(text: str, old: str, new: str) -> str:
    """`text` with `old` in it written `new` (as str.replace), a `Said` staying one: `old` is replaced in
    the fields that hold it, so that the message can still be said in another language."""
    if text == old:
        return new
    if old not in text:
        return text                     # nothing to replace: a `Said` stays one (and translatable)
    if isinstance(text, Said) and text.key and old in text:
        return said(text.key, **{k: replaced(v, old, new) if isinstance(v, str) else v for k, v in text.fields.items()})
    return text.replace(old, new)


def say(text: str, lang: str) -> str:
    """`text` in `lang`: a `Said` is said again from the catalogue; any other text (a student's, or a
    sentence not yet in the catalogue) is returned as it is. Every character of the fields survives
    (the marks of `_tight` are characters the sentence does not hold)."""
    if lang == REFERENCE or not isinstance(text, Said) or not text.key:
        return text
    words = {k for k, v in text.fields.items() if isinstance(v, Said) and v.key}
    fields = {k: say(v, lang) if k in words else v for k, v in text.fields.items()}
    plain = msg(lang, text.key, **fields)
    marks = _free_marks(plain) if words else None
    if marks is None:
        return plain
    opened, closed = marks
    return _tight(msg(lang, text.key, **{k: opened + v + closed if k in words else v for k, v in fields.items()}),
                  marks)


# A catalogue's own words put into another of its sentences are marked while it is formatted, so that the
# space a template keeps around a field (for a name or a number) is dropped where the word and its
# neighbour are both CJK ("意外的 {got}" with got = "公式结尾" → "意外的公式结尾"); text that is not the
# catalogue's (a student's answer, a path) is never touched. The marks are two private-use characters
# that the sentence does not hold (U+E010 and U+E011 unless a user's text has them), so that no character
# a user wrote is taken for a mark and removed.
_CJK = "[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
_MARKS = [chr(c) for c in range(0xE010, 0xF900)]       # the Private Use Area, past U+E00F
_MARK_SET = frozenset(_MARKS)


def _free_marks(text: str) -> tuple[str, str] | None:
    """Two private-use characters absent from `text` (the first two free from U+E010 on), or None when
    `text` holds all of them but one (then the sentence is said without tightening)."""
    present = set(text)
    free = [c for c in _MARKS if c not in present][:2] if not present.isdisjoint(_MARK_SET) else _MARKS[:2]
    return (free[0], free[1]) if len(free) == 2 else None


def _tight(text: str, marks: tuple[str, str]) -> str:
    """`text` without the spaces between a marked catalogue word and a CJK neighbour, marks removed."""
    opened, closed = (re.escape(m) for m in marks)
    text = re.sub(f"(?<={_CJK}) {opened}(?={_CJK})", marks[0], text)
    text = re.sub(f"(?<={_CJK}){closed} (?={_CJK})", marks[1], text)
    return text.replace(marks[0], "").replace(marks[1], "")


# the operating system's reasons a file cannot be read or written that are common enough to say in the
# report's language (the catalogue's ids os.NAME); any other keeps the system's own text
OS_REASONS = {errno.ENOENT: "ENOENT", errno.EACCES: "EACCES", errno.EISDIR: "EISDIR", errno.ENOTDIR: "ENOTDIR"}


def os_reason(exc: BaseException, lower: bool = False) -> str:
    """Why an OS call failed, for a message: a common errno (no such file, permission denied, a folder,
    not a folder) as a catalogue message (`said`, so that it is said in the report's language); any
    other error as the system says it (`strerror`, else the exception's text). `lower`: the reason
    inside a sentence ("cannot read: permission denied")."""
    name = OS_REASONS.get(getattr(exc, "errno", None)) if isinstance(exc, OSError) else None
    if name is not None:
        return said(f"os.{name}.lower" if lower else f"os.{name}")
    text = exc.strerror if isinstance(exc, OSError) and exc.strerror else None
    if text is None:
        return type(exc).__name__.lower() if lower and isinstance(exc, OSError) else str(exc)
    return text.lower() if lower else text
