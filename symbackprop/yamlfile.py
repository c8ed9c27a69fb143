"""Read an untrusted YAML file with `safe_load`, keeping the line of every field for messages."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import ProblemError

MAX_BYTES = 5 * 1024 * 1024
Path_ = tuple  # a field path: keys and list indices


def format_path(path: Path_) -> str:
    """Mapping keys are strings, list positions ints: ('parts', 0, 'loss') -> 'parts[0].loss'."""
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else ("." if out else "") + key
    return out


class YamlDocument:
    """The parsed data of one file plus its node tree, which knows the line of each field."""

    def __init__(self, data: Any, root: yaml.Node | None, source: str) -> None:
        self.data, self.root, self.source = data, root, source

    def line_of(self, path: Path_) -> int | None:
        """The 1-based line of the deepest node along `path` that exists."""
        return self._walk(path)[1]

    def scalar_text(self, path: Path_) -> str | None:
        """A scalar exactly as written (0.9820 keeps its trailing zero), or None."""
        node, _, complete = self._walk(path)
        return node.value if complete and isinstance(node, yaml.ScalarNode) else None

    def _walk(self, path: Path_):
        node, line = self.root, None
        if node is None:
            return None, None, False
        line = node.start_mark.line + 1
        for key in path:
            nxt = None
            if isinstance(node, yaml.MappingNode):
                for knode, vnode in node.value:
                    if str(knode.value) == str(key):
                        nxt = vnode
                        line = knode.start_mark.line + 1
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
                nxt = node.value[key]
                line = nxt.start_mark.line + 1
            if nxt is None:
                return node, line, False
            node = nxt
        return node, line, True

    def error(self, path: Path_, message: str) -> ProblemError:
        return ProblemError(message, source=self.source, field=format_path(path) or None,
                            line=self.line_of(path))


def _find_duplicate_key(node: yaml.Node, path: Path_ = ()) -> tuple[Path_, int] | None:
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for knode, vnode in node.value:
            key = str(knode.value)
            if key in seen:
                return path + (key,), knode.start_mark.line + 1
            seen.add(key)
            found = _find_duplicate_key(vnode, path + (key,))
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found = _find_duplicate_key(item, path + (i,))
            if found:
                return found
    return None


def read_limited(path: Path, limit: int = MAX_BYTES) -> bytes:
    """At most limit + 1 bytes of a file: enough to tell that it is too large, without reading it all."""
    with open(path, "rb") as fh:
        return fh.read(limit + 1)


def load_yaml(path: str | Path, what: str = "a problem file") -> YamlDocument:
    """Read and parse `path`; every failure is a ProblemError naming the file (and line)."""
    source = str(path)
    p = Path(path)
    try:
        if p.is_dir():
            raise ProblemError("is a folder, not a problem file", source=source)
        raw = read_limited(p)
    except ProblemError:
        raise
    except OSError as exc:
        raise ProblemError(f"cannot read the file: {exc.strerror or exc}", source=source) from None
    if len(raw) > MAX_BYTES:
        raise ProblemError(f"file is larger than {MAX_BYTES} bytes, the most {what} may have", source=source)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProblemError(f"not UTF-8 text (byte {exc.start})", source=source) from None
    return parse_yaml(text, source)


def parse_yaml(text: str, source: str) -> YamlDocument:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or exc.context or "invalid YAML"
        raise ProblemError(f"invalid YAML: {what}", source=source, line=line) from None
    except yaml.YAMLError as exc:
        raise ProblemError(f"invalid YAML: {exc}", source=source) from None
    if root is not None:
        dup = _find_duplicate_key(root)
        if dup:
            dpath, line = dup
            raise ProblemError("this key is given twice; give each field once", source=source,
                               field=format_path(dpath), line=line)
    return YamlDocument(data, root, source)
