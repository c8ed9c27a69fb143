"""Output paths checked before any work: an output never replaces an input, never lands in the class
folder, never is another output, and can be written at all: proved by creating (and removing) a
temporary file where each output will go, since permission bits alone do not tell (root, /proc, a
read-only mount).

Paths are compared as the file system sees them: resolved (links followed) and, where both exist,
by `os.path.samefile`, so another spelling (a link, `a/../b`, other case on macOS or Windows) of an
input is caught. Two outputs that differ only in case are refused too: on macOS and Windows they
are one file.
"""
from __future__ import annotations

import os
import tempfile
import unicodedata
from pathlib import Path
from typing import Sequence

from .errors import SymbackpropError
from .messages import os_reason, said

Named = tuple[str, str]       # (what the user gave it as: "-o", "PROBLEM_FILE", …, the path)


class OutputPathError(SymbackpropError):
    """An output path that would overwrite an input or another output, or cannot be written."""


def check_outputs(outputs: Sequence[Named], inputs: Sequence[Named] = (), folders: Sequence[Named] = (),
                  output_dirs: Sequence[Named] = ()) -> None:
    """Refuse, with one line, an output file that is an input file, lies inside one of the input
    `folders`, is another output, or cannot be created; and an output folder inside an input folder
    or that cannot be made. '-' (stdout) is always fine."""
    outputs = [(label, path) for label, path in outputs if path != "-"]
    for label, path in outputs:
        for ilabel, ipath in inputs:
            if same_file(path, ipath):
                raise OutputPathError(said("output.is_input", label=label, path=path, input=ilabel, input_path=ipath))
    for label, path in list(outputs) + list(output_dirs):
        for flabel, fpath in folders:
            if inside(path, fpath):
                raise OutputPathError(said("output.in_input_folder", label=label, path=path, input=flabel,
                                           input_path=fpath))
    for i, (label, path) in enumerate(outputs):
        for olabel, opath in outputs[:i]:
            if same_file(path, opath) or _key(path) == _key(opath):
                raise OutputPathError(said("output.same_file", label=label, path=path, other=olabel, other_path=opath))
    for label, path in outputs:
        _writable_file(label, path)
    for label, path in output_dirs:
        _makeable_dir(label, path)


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether `a` and `b` name one file: the same resolved path, or (both existing) the same inode."""
    try:
        if os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b):
            return True
        return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))
    except (OSError, ValueError):
        return False


def inside(path: str | Path, folder: str | Path) -> bool:
    """Whether `path` is `folder` or lies anywhere under it (compared resolved, and by samefile)."""
    try:
        if not os.path.isdir(folder):
            return False
        here = Path(os.path.realpath(path))
        for candidate in (here, *here.parents):
            if same_file(candidate, folder):
                return True
    except (OSError, ValueError):
        return False
    return False


def _key(path: str) -> str:
    return unicodedata.normalize("NFC", os.path.realpath(path)).casefold()


def _writable_file(label: str, path: str) -> None:
    target = Path(path)
    if target.is_dir():
        raise OutputPathError(said("output.cannot_write", label=label, path=path, why=said("output.is_folder")))
    parent = target.parent
    if not parent.exists():
        raise OutputPathError(said("output.cannot_write", label=label, path=path, why=said("output.no_folder", folder=str(parent))))
    if not parent.is_dir():
        raise OutputPathError(said("output.cannot_write", label=label, path=path, why=said("output.not_folder", folder=str(parent))))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputPathError(said("output.cannot_write", label=label, path=path, why=said("output.no_permission", folder=str(parent))))
    _probe(label, path, parent, target.name)


def _makeable_dir(label: str, path: str) -> None:
    target = Path(path)
    if target.exists():
        if not target.is_dir():
            raise OutputPathError(said("output.cannot_write", label=label, path=path, why=said("output.exists_not_folder")))
        if not os.access(target, os.W_OK | os.X_OK):
            raise OutputPathError(said("output.cannot_write", label=label, path=path, why=said("output.no_permission_here")))
        _probe(label, path, target, "probe")
        return
    ancestor = target.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputPathError(said("output.cannot_write", label=label, path=path, why=said("output.not_folder", folder=str(ancestor))))
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputPathError(said("output.cannot_write", label=label, path=path, why=said("output.no_permission_make", folder=str(ancestor))))
    made = [target, *target.parents]
    made = made[:made.index(ancestor)] if ancestor in made else [target]     # the folders this run would make
    try:
        target.mkdir(parents=True)
    except OSError as exc:
        _remove(made)
        raise OutputPathError(said("output.cannot_make", label=label, path=path, why=_why(exc))) from None
    try:
        _probe(label, path, target, "probe")
    finally:
        _remove(made)                                # proved makeable; made again when the outputs are written


def _probe(label: str, path: str, folder: Path, name: str) -> None:
    """Prove that a file can be created in `folder`: create a temporary file there (as `_write` will) and
    remove it. Permission bits say nothing for root, a read-only mount or /proc."""
    try:
        fd, tmp = tempfile.mkstemp(dir=folder if str(folder) else ".", prefix=f".{name}.")
    except (OSError, ValueError) as exc:
        raise OutputPathError(said("output.cannot_write", label=label, path=path, why=_why(exc))) from None
    os.close(fd)
    try:
        os.unlink(tmp)
    except OSError:                                  # pragma: no cover - made a moment ago by us
        pass


def _remove(made: list[Path]) -> None:
    """Remove the empty folders a probe made, deepest first (never one that was there before)."""
    for folder in made:
        try:
            folder.rmdir()
        except OSError:
            pass


def _why(exc: BaseException) -> str:
    return os_reason(exc)


def check_not_folders(planned: Sequence[Named]) -> None:
    """Refuse a planned output file (one per student) where a folder already is: it could not be written."""
    for label, path in planned:
        if os.path.isdir(path):
            raise OutputPathError(said("output.folder_in_the_way", label=label, path=path))


def check_distinct(planned: Sequence[Named], others: Sequence[Named]) -> None:
    """Refuse a planned output file (one per student, known only once the class folder is read) that is
    one of `others` (inputs or other outputs), also only by case."""
    for label, path in planned:
        for olabel, opath in others:
            if opath != "-" and (same_file(path, opath) or _key(path) == _key(opath)):
                raise OutputPathError(said("output.would_be_same", label=label, path=path, other=olabel, other_path=opath))


def check_unique(planned: Sequence[Named]) -> None:
    """Refuse two planned output files that would be one file (also only by case or Unicode form)."""
    seen: dict[str, str] = {}
    for label, path in planned:
        key = _key(path)
        if key in seen:
            raise OutputPathError(said("output.would_be_one", label=label, path=path, other_path=seen[key]))
        seen[key] = path


# Names Windows reserves for devices, with any extension ("con.md", "COM1.html"), and the characters no
# file name may hold on Windows (and "/" nowhere).
_RESERVED = {"con", "prn", "aux", "nul", "conin$", "conout$", "clock$"} \
    | {f"{dev}{n}" for dev in ("com", "lpt") for n in list("0123456789") + ["¹", "²", "³"]}
_FORBIDDEN = set('<>:"/\\|?*')
MAX_STEM_BYTES = 150    # UTF-8 bytes of a stem made from a student's name: with its tag and suffix well under the
                        # 255 bytes (or UTF-16 units) a file name may have on every common file system


def safe_stem(name: str) -> str:
    """A file name stem, made from untrusted `name` (a student), that every OS accepts as one plain file
    in a folder: no path separator, no character Windows forbids, no control character, no reserved
    device name (CON, NUL, COM1…), no leading dot or space, no trailing dot or space, at most
    MAX_STEM_BYTES bytes. A name that had to change gets a tag of its own (8 hex digits of its SHA-256), so two
    names never become one file; a name that needs no change is kept as it is."""
    import hashlib
    out = "".join("_" if c in _FORBIDDEN or not c.isprintable() else c for c in name)
    out = out.rstrip(". ").lstrip(" ")
    if out.startswith("."):
        out = "_" + out[1:]
    if out.split(".")[0].rstrip(" ").casefold() in _RESERVED:
        out = "_" + out
    while len(out.encode("utf-8", "surrogatepass")) > MAX_STEM_BYTES:
        out = out[:-1].rstrip(". ")
    if not out:
        out = "student"
    if out != name:
        out += "-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return out


def student_file(folder: str | Path, student: str, suffix: str) -> Path:
    """DIR/<safe stem of student><suffix>, built with pathlib (never by joining strings with "/")."""
    return Path(folder) / f"{safe_stem(student)}{suffix}"
