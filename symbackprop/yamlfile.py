"""Read an untrusted file: regular files only, at most a stated size, YAML with `safe_load`
semantics and bounded work, keeping the line of every field for messages.

The bounds, each refused with one line naming the file (and line when known):
- a file is read only when it is a regular file (not a FIFO, device or folder), and never more
  than `MAX_BYTES` + 1 bytes of it;
- YAML nests at most `MAX_DEPTH` lists and mappings, and has at most `MAX_NODES` values counted
  with every alias expanded (an alias bomb is refused, counted in time linear in the file);
- numbers are read only in decimal spellings; everything else YAML 1.1 would turn into a number
  (0x1F, 0b101, 017, 1:20, 1_000, .inf, .nan, a 5000-digit integer) is kept as its text, a
  `NumberSpelling`, which each reader refuses where it needs a number; dates stay text.
"""
from __future__ import annotations

import math
import os
import re
import reprlib
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import ProblemError
from .messages import os_reason, said

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 100               # lists and mappings inside each other
MAX_NODES = 1_000_000         # values of a document, with every alias expanded
MAX_NUMBER_CHARS = 100        # the longest number we read
Path_ = tuple                 # a field path: keys and list indices

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")


def format_path(path: Path_) -> str:
    """Mapping keys are strings, list positions ints: ('parts', 0, 'loss') -> 'parts[0].loss'."""
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else ("." if out else "") + str(key)
    return out


class _AsWritten(reprlib.Repr):
    """reprlib's bounded repr, with YAML's spellings where Python's differ: true, false, null, and a mapping
    as `{value: 0.5}` (a plain key unquoted), as the user wrote them in the file."""

    def repr_bool(self, x: bool, level: int) -> str:
        return "true" if x else "false"

    def repr_NoneType(self, x: None, level: int) -> str:
        return "null"

    def repr_dict(self, x: dict, level: int) -> str:
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        items = []
        for n, (key, value) in enumerate(x.items()):
            if n >= self.maxdict:
                items.append("...")
                break
            k = key if isinstance(key, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,30}", key) \
                and key not in ("true", "false", "null", "yes", "no", "on", "off") else self.repr1(key, level - 1)
            items.append(f"{k}: {self.repr1(value, level - 1)}")
        return "{" + ", ".join(items) + "}"


_SHORT = _AsWritten()
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlevel = 60, 60, 3
_SHORT.maxlist = _SHORT.maxdict = _SHORT.maxtuple = _SHORT.maxset = 4


def shown(value: Any) -> str:
    """`value` as the user wrote it in YAML (true, null, {value: 0.5}; a string quoted), cut to a few dozen
    characters in bounded work: a message quotes what the user wrote without copying a huge (or
    alias-expanded) value into it."""
    if isinstance(value, str) and not type(value) is str:
        value = str(value)
    return _SHORT.repr(value)


class NumberSpelling(str):
    """A scalar that YAML 1.1 would read as a number, in a spelling we do not read as one (0x1F, 0b101,
    017, 1:20, 1_000, .inf, .nan, 1.0e+999, or more than MAX_NUMBER_CHARS characters). It is kept as the
    text written, so a title `12:30` stays `12:30`; where a number is needed, `problem` says why not."""

    @property
    def problem(self) -> str:
        """Why this is not a number we accept, and what to write instead."""
        s = self.lstrip("+-").lower()
        if len(self) > MAX_NUMBER_CHARS:
            why = said("number.too_many_chars", chars=len(self), most=MAX_NUMBER_CHARS)
        elif s.lstrip(".") in ("inf", "nan", "infinity"):
            why = said("number.infinite")
        elif "_" in s:
            why = said("number.separators")
        elif s.startswith("0x"):
            why = said("number.hexadecimal")
        elif s.startswith("0b"):
            why = said("number.binary")
        elif ":" in s:
            why = said("number.base60")
        elif s[:1] == "0" and s[1:2].isdigit() and "." not in s and "e" not in s:
            why = said("number.octal")
        elif _FLOAT.match(self):
            why = said("number.too_large")
        else:
            why = said("number.not_decimal")
        return said("number.spelling", value=shown(str(self)), why=why)


class WrittenFloat(float):
    """A decimal read from the file, with its text as written: a float holds about 16 digits, and a given
    value written with 17 (6.8813735870195432) is read exactly from its text (fields.FieldReader.number)."""

    def __new__(cls, value: float, written: str) -> "WrittenFloat":
        self = super().__new__(cls, value)
        self.written = written
        return self

    def __reduce__(self):
        return (WrittenFloat, (float(self), self.written))


def number_problem(value: Any) -> str | None:
    """Why a value read from a file is not a finite number we accept, or None when it is one (or is not
    number-like at all: text, a list…, which the caller refuses in its own words)."""
    if isinstance(value, NumberSpelling):
        return value.problem
    if isinstance(value, float) and not math.isfinite(value):
        return said("number.not_finite", value=repr(value))
    return None


class _Refused(yaml.MarkedYAMLError):
    """A document we will not read (too deep, too large, a complex key): not invalid YAML."""


class _Bounds:
    """What both loaders add to PyYAML: nesting and values counted while composing (refused past the
    bounds before the rest is read), and numbers and dates read without the constructors' unbounded
    or surprising conversions."""

    def _start_counting(self, max_nodes: int) -> None:
        self._depth = 0
        self._count = 0
        self._max_nodes = max_nodes

    def compose_node(self, parent, index):
        event = self.peek_event()
        self._count += 1
        if self._depth >= MAX_DEPTH:
            raise _Refused(None, None, said("yaml.too_deep", most=MAX_DEPTH),
                           event.start_mark)
        if self._count > self._max_nodes:
            raise _Refused(None, None, said("yaml.too_many_values", most=self._max_nodes), event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node):
        text = self.construct_scalar(node)
        if len(text) <= MAX_NUMBER_CHARS and _INT.match(text):
            return int(text)
        return NumberSpelling(text)

    def construct_yaml_float(self, node):
        text = self.construct_scalar(node)
        if len(text) <= MAX_NUMBER_CHARS and _FLOAT.match(text):
            value = float(text)
            if math.isfinite(value):
                return WrittenFloat(value, text)
        return NumberSpelling(text)

    def construct_yaml_timestamp(self, node):
        return self.construct_scalar(node)          # a title 2001-02-30 is text, not a (bad) date


class _Loader(_Bounds, yaml.SafeLoader):
    """SafeLoader, all in Python, with the bounds of `_Bounds`: the reference, and what gives every
    error message (so that a message never depends on whether libyaml is installed)."""

    def __init__(self, stream: str, max_nodes: int = MAX_NODES) -> None:
        super().__init__(stream)
        self._start_counting(max_nodes)


try:                                     # libyaml, when PyYAML was built with it (the wheels are)
    from yaml._yaml import CParser as _CParser
except ImportError:                      # pragma: no cover - PyYAML without libyaml
    _CParser = None


if _CParser is not None:
    class _CLoader(_Bounds, yaml.composer.Composer, _CParser, yaml.constructor.SafeConstructor,
                   yaml.resolver.Resolver):
        """The same loader on libyaml's events: libyaml scans and parses (about 10x faster than
        PyYAML's Python scanner), and PyYAML's own composer, with the bounds of `_Bounds`, builds
        the nodes from those events, so nesting and size are refused as the events arrive and
        every node keeps its line (event marks) and its text as written."""

        def __init__(self, stream: str, max_nodes: int = MAX_NODES) -> None:
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._start_counting(max_nodes)
else:                                    # pragma: no cover
    _CLoader = None

_LOADERS = [c for c in (_Loader, _CLoader) if c is not None]
for _cls in _LOADERS:
    _cls.add_constructor("tag:yaml.org,2002:int", _Bounds.construct_yaml_int)
    _cls.add_constructor("tag:yaml.org,2002:float", _Bounds.construct_yaml_float)
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _Bounds.construct_yaml_timestamp)

_MERGE = "tag:yaml.org,2002:merge"


class YamlDocument:
    """The parsed data of one file plus an index of its node tree, which knows the line of each field.

    The index (for every mapping node its keys as written, with their line and value node) is built
    once, before the data is constructed, so that a lookup costs the length of the path."""

    def __init__(self, data: Any, root: Node | None, source: str,
                 index: dict[Node, dict[str | None, tuple[int, Node]]] | None = None) -> None:
        self.data, self.root, self.source = data, root, source
        self._index = index if index is not None else _index(root, source)[0]

    def line_of(self, path: Path_) -> int | None:
        """The 1-based line of the deepest node along `path` that exists."""
        return self._walk(path)[1]

    def scalar_text(self, path: Path_) -> str | None:
        """A scalar exactly as written (0.9820 keeps its trailing zero), or None."""
        node, _, complete = self._walk(path)
        return node.value if complete and isinstance(node, ScalarNode) else None

    def _key(self, node: MappingNode, key: str, seen: set | None = None) -> tuple[int, Node] | None:
        """The entry of `key` in a mapping, else in the mappings it merges (`<<: *base`)."""
        keys = self._index.get(node, {})
        if key in keys:
            return keys[key]
        merged = keys.get(None)          # the value of a merge key
        if merged is None:
            return None
        seen = set() if seen is None else seen
        sources = merged[1].value if isinstance(merged[1], SequenceNode) else [merged[1]]
        for src in sources:
            if isinstance(src, MappingNode) and src not in seen:
                seen.add(src)
                found = self._key(src, key, seen)
                if found is not None:
                    return found
        return None

    def _walk(self, path: Path_):
        node = self.root
        if node is None:
            return None, None, False
        line = node.start_mark.line + 1
        for key in path:
            nxt = None
            if isinstance(node, MappingNode):
                entry = self._key(node, str(key))
                if entry is not None:
                    line, nxt = entry
            elif isinstance(node, SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
                nxt = node.value[key]
                line = nxt.start_mark.line + 1
            if nxt is None:
                return node, line, False
            node = nxt
        return node, line, True

    def error(self, path: Path_, message: str) -> ProblemError:
        return ProblemError(message, source=self.source, field=format_path(path) or None,
                            line=self.line_of(path))


def _index(root: Node | None, source: str) -> tuple[dict, int]:
    """One pass over the distinct nodes: each mapping's keys (refusing a key given twice or a key that
    is a list or mapping), and the document's size with aliases expanded (refusing a cycle).
    Linear in the node graph: a node reached again through an alias is not walked again."""
    index: dict[Node, dict[str | None, tuple[int, Node]]] = {}
    size: dict[Node, int] = {}
    if root is None:
        return index, 0
    # iterative depth-first walk; a node is entered once ("open"), and sized when its children are
    stack: list[tuple[Node, Path_, bool]] = [(root, (), False)]
    open_: set[Node] = set()
    while stack:
        node, path, done = stack.pop()
        if done:
            open_.discard(node)
            kids = _children(node)
            size[node] = 1 + sum(size[k] for k in kids)
            continue
        if node in size:
            continue
        if node in open_:
            raise ProblemError(said("yaml.alias_cycle"), source=source,
                               field=format_path(path) or None, line=node.start_mark.line + 1)
        open_.add(node)
        stack.append((node, path, True))
        if isinstance(node, MappingNode):
            keys: dict[str | None, tuple[int, Node]] = {}
            for knode, vnode in node.value:
                if not isinstance(knode, ScalarNode):
                    raise ProblemError(said("yaml.key_not_scalar"), source=source,
                                       field=format_path(path) or None, line=knode.start_mark.line + 1)
                key = knode.value
                if key in keys and knode.tag != _MERGE:
                    raise ProblemError(said("yaml.key_twice"), source=source,
                                       field=format_path(path + (key,)), line=knode.start_mark.line + 1)
                keys.setdefault(key, (knode.start_mark.line + 1, vnode))
                if knode.tag == _MERGE:
                    keys.setdefault(None, (knode.start_mark.line + 1, vnode))
            index[node] = keys
            for knode, vnode in reversed(node.value):
                stack.append((vnode, path + (knode.value,), False))
                stack.append((knode, path, False))
        elif isinstance(node, SequenceNode):
            for i in range(len(node.value) - 1, -1, -1):
                stack.append((node.value[i], path + (i,), False))
    return index, size[root]


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return node.value
    return []


_KINDS = {stat.S_IFIFO: "fifo", stat.S_IFCHR: "device", stat.S_IFBLK: "device", stat.S_IFSOCK: "socket",
          stat.S_IFDIR: "folder"}        # message ids under kind.


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    return said("kind." + _KINDS.get(stat.S_IFMT(mode), "not_regular"))


def read_limited(path: str | Path, limit: int = MAX_BYTES, what: str | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, else a ProblemError naming the file.

    Anything but a regular file (a FIFO, /dev/zero, a folder) is refused before it is read; the
    file is opened without blocking (a FIFO swapped in after the check cannot hang us) and checked
    again, and at most limit + 1 bytes are read, enough to tell that it is too large."""
    source, what = str(path), what or said("file.problem")
    try:
        kind = _not_regular(os.stat(path).st_mode)
        if kind is not None:
            raise ProblemError(said("yaml.not_a_file", kind=kind, what=what), source=source)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as fh:
            kind = _not_regular(os.fstat(fh.fileno()).st_mode)
            if kind is not None:
                raise ProblemError(said("yaml.not_a_file", kind=kind, what=what), source=source)
            raw = fh.read(limit + 1)
    except ProblemError:
        raise
    except OSError as exc:
        raise ProblemError(said("yaml.cannot_read", why=os_reason(exc)), source=source) from None
    if len(raw) > limit:
        raise ProblemError(said("yaml.too_large", most=limit, what=what), source=source)
    return raw


def load_yaml(path: str | Path, what: str | None = None, limit: int = MAX_BYTES,
              max_nodes: int = MAX_NODES) -> YamlDocument:
    """Read and parse `path` (at most `limit` bytes, `max_nodes` values with aliases expanded);
    every failure is a ProblemError naming the file (and line)."""
    source = str(path)
    raw = read_limited(path, limit, what)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProblemError(said("yaml.not_utf8", byte=exc.start), source=source) from None
    return parse_yaml(text, source, max_nodes)


def parse_yaml(text: str, source: str, max_nodes: int = MAX_NODES) -> YamlDocument:
    """Compose the node tree once (depth and size bounded), index it, then construct the data.

    With libyaml, a document is read once on libyaml's events; one it refuses (or any failure) is
    read again by the Python loader, whose refusal is the message: what is accepted, and every
    message, are the Python loader's, only faster."""
    if _CLoader is not None and not _NON_PRINTABLE.search(text):
        try:
            return _parse_with(_CLoader, text, source, max_nodes)
        except (ProblemError, yaml.YAMLError):
            pass
    return _parse_with(_Loader, text, source, max_nodes)


_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE      # what the Python reader refuses as binary data


def _parse_with(loader_class, text: str, source: str, max_nodes: int) -> YamlDocument:
    try:
        loader = loader_class(text, max_nodes)
    except yaml.reader.ReaderError as exc:    # a control character or a NUL: binary data, not YAML text
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
        raise ProblemError(said("yaml.control_character", code=f"{exc.character:04x}")
                           if isinstance(exc.character, int) else said("yaml.not_text", why=exc.reason),
                           source=source, line=line) from None
    try:
        try:
            root = loader.get_single_node()
        except _Refused as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
            raise ProblemError(said("yaml.not_read", problem=exc.problem), source=source, line=line) from None
        index, expanded = _index(root, source)
        if expanded > max_nodes:
            raise ProblemError(said("yaml.aliases_expanded", n=expanded, most=max_nodes),
                               source=source)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or exc.context or "invalid YAML"
        raise ProblemError(said("yaml.invalid", what=what), source=source, line=line) from None
    except yaml.YAMLError as exc:
        raise ProblemError(said("yaml.invalid", what=str(exc)), source=source) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:   # a constructor's own failure
        raise ProblemError(said("yaml.bad_value", why=shown(str(exc))), source=source) from None
    finally:
        loader.dispose()
    return YamlDocument(data, root, source, index)
