"""Reading a class folder: which entries are students' submissions, and why the others are not.

A class folder is untrusted (often unzipped from students' archives and graded as root), so links
are followed only to places inside the folder, nothing but a regular file is ever opened, a student
is exactly one file or one folder, and every entry of the folder ends up either as a submission or
in the list of entries not graded, with the reason. Nothing here reads a file's content.
"""
from __future__ import annotations

import errno
import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .answers.read import WRITEUP_SUFFIXES
from .errors import SymbackpropError
from .messages import joined, os_reason, said

ANSWER_SUFFIXES = (".yaml", ".yml", ".json") + WRITEUP_SUFFIXES
MAX_SUBMISSIONS = 5000          # submissions graded in one run
MAX_ENTRIES = 20000             # entries looked at in the class folder
MAX_FOLDER_ENTRIES = 1000       # entries looked at in one student's folder
# what archivers and file managers leave behind: listed as skipped, never a student
OS_METADATA = {"__macosx": "folder.macos_metadata", "thumbs.db": "folder.windows_thumbnails",
               "desktop.ini": "folder.windows_settings"}          # the message id of what each one is


@dataclass(frozen=True)
class Unread:
    """An entry that is not graded. `student` is True when it is a student's submission that could
    not be graded (a row with 0 points), False when it is not a submission at all (skipped)."""

    name: str           # the student; for a skipped entry, the entry's own name
    source: str         # the entry, as a path spelled from the folder given
    reason: str         # one line, naming the entry; never any of its content
    student: bool


@dataclass
class ClassFolder:
    """The submissions to grade, as (student, vetted path), and every other entry with its reason."""

    submissions: list[tuple[str, Path]] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)


def student_key(name: str) -> str:
    """The name as a case-insensitive, normalising file system sees it (macOS, Windows): two students
    with one key would share one Gradescope file and are one student's two entries."""
    return unicodedata.normalize("NFC", name).casefold()


def scan_class(folder: str | Path) -> ClassFolder:
    """Every entry of `folder`, sorted: a submission (student, path to open) or an `Unread` with the reason.

    The path of a submission spells the vetted target from the folder given, with no link left in
    the part inside the folder, so the reader opens what was checked."""
    given = Path(folder)
    if not str(folder):                     # Path("") is ".": an empty argument is no folder at all
        raise SymbackpropError(said("classfolder.empty_path"))
    try:
        root = Path(os.path.realpath(given, strict=True))
        is_dir = stat.S_ISDIR(os.stat(root).st_mode)
    except (OSError, RuntimeError, ValueError) as exc:
        raise SymbackpropError(_not_found(folder, exc)) from None
    if not is_dir:
        raise SymbackpropError(said("classfolder.is_a_file", folder=str(folder)) if os.path.isfile(root)
                               else said("classfolder.not_a_folder", folder=str(folder)))
    try:
        names = _list(given, MAX_ENTRIES)
    except OSError as exc:
        raise SymbackpropError(said("folder.cannot_read", entry=str(folder), why=_why(exc))) from None
    if len(names) > MAX_ENTRIES:
        raise SymbackpropError(said("classfolder.too_many_entries", folder=str(folder), entries=MAX_ENTRIES,
                                    most=MAX_SUBMISSIONS))
    found: list[tuple[str, str, Path | str]] = []      # (student, entry, path or reason)
    out = ClassFolder()
    for name in sorted(names):
        entry = _entry(given, root, name)
        if isinstance(entry, Unread):
            out.unread.append(entry)
        else:
            found.append(entry)
    by_key: dict[str, list[tuple[str, str, Path | str]]] = {}
    for item in found:
        by_key.setdefault(student_key(item[0]), []).append(item)
    for group in by_key.values():
        student, entry, what = group[0]
        if len(group) > 1:
            entries = ", ".join(_shown(e) for _, e, _ in group)
            out.unread.append(Unread(student, str(given / entry), said("folder.two_entries", entries=entries,
                                                                       n=len(group)), True))
        elif isinstance(what, str):
            out.unread.append(Unread(student, str(given / entry), what, True))
        else:
            out.submissions.append((student, what))
    if not out.submissions:
        reasons = [u.reason for u in out.unread[:3]] + (["…"] if len(out.unread) > 3 else [])
        fields = dict(folder=str(folder), suffixes=", ".join(ANSWER_SUFFIXES))
        raise SymbackpropError(said("classfolder.none_graded", **fields, why=joined(reasons)) if reasons
                               else said("classfolder.no_submissions", **fields))
    if len(out.submissions) > MAX_SUBMISSIONS:
        raise SymbackpropError(said("classfolder.too_many", folder=str(folder), n=len(out.submissions), most=MAX_SUBMISSIONS))
    return out


def _not_found(folder: str | Path, exc: BaseException) -> str:
    """Why the class folder itself cannot be found: it does not exist (nor does a folder on its way), a
    link of its path leads nowhere or loops, or the system's reason."""
    if isinstance(exc, FileNotFoundError):
        return said("classfolder.missing", folder=str(folder))
    if isinstance(exc, NotADirectoryError):
        return said("classfolder.under_a_file", folder=str(folder))
    return said("classfolder.cannot_open", folder=str(folder), why=os_reason(exc, lower=True))


def _entry(given: Path, root: Path, name: str) -> Unread | tuple[str, str, Path | str]:
    """One entry of the class folder: skipped, or (student, entry name, vetted path or reason)."""
    source = str(given / name)
    if name.startswith("."):
        return Unread(name, source, said("folder.hidden", entry=_shown(name)), False)
    if name.casefold() in OS_METADATA:
        return Unread(name, source, said("folder.entry", entry=_shown(name), why=said(OS_METADATA[name.casefold()])),
                      False)
    answer = _is_answers_name(name)
    student = Path(name).stem if answer else name
    target = _resolve(given / name)
    if isinstance(target, str):                              # a link that loops or leads nowhere
        return (student, name, said("folder.entry_not_read", entry=_shown(name), why=target)) if answer \
            else Unread(name, source, said("folder.entry", entry=_shown(name), why=target), False)
    if target == root or target in root.parents:
        return Unread(name, source, said("folder.link_to_itself" if target == root else "folder.link_around_it",
                                         entry=_shown(name)), False)
    kind = _kind(target)
    if root not in target.parents:
        where = said("folder.link_out_folder" if kind == "folder" else "folder.link_out_file", entry=_shown(name))
        if answer or kind == "folder":
            return (name if kind == "folder" else student), name, where
        return Unread(name, source, where, False)
    vetted = given.joinpath(*target.relative_to(root).parts)
    if kind == "folder":
        return name, name, _student_folder(given, root, vetted, name)
    if kind != "file":
        return (student, name, said("folder.entry_not_read", entry=_shown(name), why=kind)) if answer \
            else Unread(name, source, said("folder.entry_not_read", entry=_shown(name), why=kind), False)
    if not answer:
        return Unread(name, source, said("folder.not_answers", entry=_shown(name), suffixes=", ".join(ANSWER_SUFFIXES)),
                      False)
    if not _is_answers_name(target.name):
        return student, name, said("folder.link_not_answers", entry=_shown(name), target=_shown(target.name))
    problem = _unreadable(target)
    return student, name, said("folder.entry", entry=_shown(name), why=problem) if problem else vetted


def _student_folder(given: Path, root: Path, folder: Path, name: str) -> Path | str:
    """The one answers file in a student's folder, vetted like an entry of the class folder, or why not."""
    shown = _shown(name) + "/"
    try:
        names = _list(folder, MAX_FOLDER_ENTRIES)
    except OSError as exc:
        return said("folder.cannot_read", entry=shown, why=_why(exc))
    if len(names) > MAX_FOLDER_ENTRIES:
        return said("folder.too_many_entries", entry=shown, most=MAX_FOLDER_ENTRIES)
    answers = sorted(n for n in names if not n.startswith(".") and _is_answers_name(n))
    if not answers:
        return said("folder.empty" if not names else "folder.no_answers_file", entry=shown,
                    suffixes=", ".join(ANSWER_SUFFIXES))
    if len(answers) > 1:
        listed = ", ".join(_shown(n) for n in answers[:5]) + (", …" if len(answers) > 5 else "")
        return said("folder.several_files", entry=shown, n=len(answers), listed=listed)
    shown += _shown(answers[0])
    target = _resolve(folder / answers[0])
    if isinstance(target, str):
        return said("folder.entry_not_read", entry=shown, why=target)
    if root not in target.parents:
        return said("folder.link_out_file", entry=shown)
    kind = _kind(target)
    if kind != "file":
        return said("folder.a_folder", entry=shown) if kind == "folder" else \
            said("folder.entry_not_read", entry=shown, why=kind)
    if not _is_answers_name(target.name):
        return said("folder.link_not_answers", entry=shown, target=_shown(target.name))
    problem = _unreadable(target)
    return said("folder.entry", entry=shown, why=problem) if problem else given.joinpath(*target.relative_to(root).parts)


def _is_answers_name(name: str) -> bool:
    path = Path(name)
    return path.suffix.lower() in ANSWER_SUFFIXES and bool(path.stem) and not name.startswith(".")


def _list(folder: Path, limit: int) -> list[str]:
    """The names in `folder`, at most limit + 1 of them (so that a huge folder costs little)."""
    names = []
    with os.scandir(folder) as it:
        for entry in it:
            names.append(entry.name)
            if len(names) > limit:
                break
    return names


def _resolve(path: Path) -> Path | str:
    """Where `path` leads with every link followed, or why it leads nowhere."""
    try:
        return Path(os.path.realpath(path, strict=True))
    except RuntimeError:                                         # older Pythons, on a loop
        return said("folder.link_loops")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return said("folder.link_loops")
        if isinstance(exc, FileNotFoundError):
            return said("folder.link_dangles")
        return said("folder.file_cannot_read", why=_why(exc))
    except ValueError:                                           # a NUL or the like: not from a listing
        return said("folder.bad_name")


def _kind(target: Path) -> str:
    """'file', 'folder', or words for anything else (which is never opened)."""
    try:
        mode = os.stat(target).st_mode
    except OSError as exc:
        return said("folder.file_cannot_read", why=_why(exc))
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return said("folder.kind_fifo")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return said("folder.kind_device")
    if stat.S_ISSOCK(mode):
        return said("folder.kind_socket")
    return said("folder.kind_other")


def _unreadable(target: Path) -> str | None:
    """None if the regular file `target` opens for reading; else why not. Opened without blocking and
    without following a link, and checked to be a regular file again once open; nothing is read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return said("folder.became_link")
        return said("folder.file_cannot_read", why=_why(exc))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return said("folder.not_regular")
        if st.st_nlink > 1:               # a hard link: its other names may lie outside the folder
            return said("folder.hard_link", n=st.st_nlink)
    finally:
        os.close(fd)
    return None


def _why(exc: OSError) -> str:
    return os_reason(exc, lower=True)


def _shown(name: str) -> str:
    """An entry's name for a message: control characters (a newline in a file name) made visible."""
    if name.isprintable():
        return name
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)
