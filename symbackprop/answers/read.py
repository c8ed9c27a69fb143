"""Reading a student's answers: an answers file (YAML or JSON) or a LaTeX/Markdown write-up.

An answers file maps quantity ids or names to a number or a LaTeX string; for a problem with
parts, the top-level keys are the part names. A write-up is read line by line: every equation
whose left side names a quantity is a chain to check; a line that mentions a part by name (ReLU,
Sigmoid) starts that part, as the lecture's printed solution does.
"""
from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from collections.abc import Mapping

from ..errors import SymbackpropError
from ..messages import joined, msg, said, text_of
from ..symbolic_rules import RULE_IDS
from ..problem import Problem
from ..solution import Solution
from ..yamlfile import MAX_DEPTH, MAX_NUMBER_CHARS, NumberSpelling, load_yaml, number_problem, parse_yaml, \
    read_limited, shown
from ..suggest import closest
from .checker import Answer
from .fullwidth import fold
from .latex import AnswerError, _Finder, normalize, split_equations, split_relations, unclosed_said
from .names import NameTable, canon, either, hint_for
from .steps import STEP_ID, StepNameError, heading_step, step_item_ids, step_names

WRITEUP_SUFFIXES = (".tex", ".md", ".markdown", ".txt")
MAX_BYTES = 1024 * 1024     # an answers file or a write-up (one student's answers fit in far less)
MAX_VALUES = 100_000        # values of an answers file, aliases expanded
MAX_LINES = 5000
MAX_LINE_CHARS = 5000       # one line of a write-up; a longer line is reported, not read
MAX_KEY_CHARS = 200         # a key of an answers file; no quantity's name is longer
_DECIMAL = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")


@dataclass
class Submission:
    """Answers per part, and what could not be read (each a line for the report)."""

    source: str
    answers: dict[str, list[Answer]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)    # per part: said in its report, not errors


class GivenAnswers(str):
    """Answers given as a mapping (the Python API's check_submission): the str is the name messages give
    it ("the answers given"), `text` the mapping as an answers file in YAML, read as one would be."""
    text: str


def given_answers(mapping, fn: str) -> GivenAnswers:
    """A mapping of answers ({"delta_7": 0.0912, "E": "0.0671"}, or part: {…}) as an answers file's YAML;
    ArgumentError for a name that is no text or a value that is no number, text or list of them."""
    import numbers
    import yaml
    from ..apiargs import ArgumentError

    def plain(value, key):
        if isinstance(value, Mapping):
            return {name(k): plain(v, k) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v, key) for v in value]
        if isinstance(value, str):
            return str(value)
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            return int(value)
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            return float(value)                       # numpy's float64 too
        raise ArgumentError(said("api.answer_value", fn=fn, name=shown(key), got=type(value).__name__))

    def name(key):
        if not isinstance(key, str):
            raise ArgumentError(said("api.answer_key", fn=fn, got=type(key).__name__))
        return str(key)

    out = GivenAnswers(said("api.answers_mapping"))
    out.text = yaml.safe_dump(plain(mapping, ""), allow_unicode=True, sort_keys=False, width=1 << 30)
    return out


def answers_document(path, what: str | None = None):
    """The YamlDocument of an answers file, or of answers given as a mapping (GivenAnswers)."""
    if isinstance(path, GivenAnswers):
        return parse_yaml(path.text, str(path), MAX_VALUES)
    return load_yaml(path, what=what, limit=MAX_BYTES, max_nodes=MAX_VALUES)


def read_submission(path: str | Path, problem: Problem, solution: Solution, part: str | None = None,
                    tables: dict[str, NameTable] | None = None) -> Submission:
    """An answers file or a write-up, by its suffix. `tables`: each part's NameTable, from whoever
    reads many submissions (the Grader builds them once); else built here."""
    if isinstance(path, GivenAnswers):                 # a mapping of answers (check_submission)
        return read_answers(path, problem, solution, part, tables)
    path = Path(path)
    if path.suffix.lower() in WRITEUP_SUFFIXES:
        return read_writeup(path, solution, part, [p.name for p in problem.parts], tables)
    return read_answers(path, problem, solution, part, tables)


_LEAD = re.compile(r"^([^=:：]{1,80})[:：]")     # a line's lead before its equations: `For $w_{35}$:`
_STEP_KEY = re.compile(r"step\s*[0-9]{1,9}", re.I)     # `step2:` over a step's answers (said by _step_items)


def _no_part(key: object, names: list[str]) -> str:
    """`sigmoid: no part of this name; the parts are main`, with the closest part name when one is close."""
    words = said("answers_file.no_part", item=str(key)[:MAX_KEY_CHARS], parts=", ".join(names))
    close = closest(str(key)[:MAX_KEY_CHARS], names)
    return said("hint.did_you_mean", first=words, close=close[0]) if close else words


def _part_hint(key: object, names: list[str]) -> str | None:
    """The part an answers file's key may mean: the part of that name in other letter case (Relu: relu), else
    the closest part name (sigmod: sigmoid); None when none is close or the problem has one part only."""
    if len(names) < 2:
        return None
    text = str(key)[:MAX_KEY_CHARS]
    same = [n for n in names if n.lower() == text.lower() and n != text]
    if same:
        return same[0]
    got = closest(text, names)
    return got[0] if got else None


def _near_part_word(lines: list[str], names: list[str]) -> tuple[str, int, str] | None:
    """In a write-up where no line names a part: the first word close to a part name (Sigmod: sigmoid), as
    (part, line number, word); None when there is none. Bounded: the first 20,000 words."""
    seen = 0
    for lineno, line in enumerate(lines, start=1):
        for m in re.finditer(r"(?<![A-Za-z\\])[A-Za-z][A-Za-z0-9_-]{2,40}", line):
            seen += 1
            if seen > 20_000:
                return None
            got = closest(m.group(0), names)
            if got:
                return got[0], lineno, m.group(0)
    return None


def _tables(solution: Solution, given: dict[str, NameTable] | None = None) -> dict[str, NameTable]:
    """Each part's NameTable: the ones given, else new ones (building them costs as much as reading a file)."""
    if given is not None:
        return given
    return {p.name: NameTable(p) for p in solution.parts}


def read_answers(path: Path, problem: Problem, solution: Solution, part: str | None = None,
                 given_tables: dict[str, NameTable] | None = None) -> Submission:
    source = str(path)
    doc = None
    if not isinstance(path, GivenAnswers) and path.suffix.lower() == ".json":
        data = _read_json(path)
    else:
        try:
            doc = answers_document(path, said("file.answers"))
        except SymbackpropError as exc:      # the message names file and line
            raise AnswerError(text_of(exc)) from None
        data = doc.data
    if data is None and doc is not None and _nothing_written(doc) and _has_comment(path):
        raise AnswerError(_only_comments(source, solution, part))     # `# nothing yet`: comments, no answer
    if data is None:
        raise AnswerError(said("answers_file.empty", source=source))
    if not isinstance(data, dict):
        raise AnswerError(said("answers_file.not_mapping", source=source))
    tables = _tables(solution, given_tables)
    sub = Submission(source)
    names = [p.name for p in solution.parts]
    nested: set[str] = set()                           # parts whose answers stand under their name
    every = [p.name for p in problem.parts]            # the file's parts, also those --part leaves out
    if part is not None or len(names) == 1:
        name = part if part is not None else names[0]
        if isinstance(data.get(name), dict):
            nested.add(name)
        groups = {name: data[name] if name in nested else data}
        # a section for a part that does not exist (`sigmoid:` beside `main:`, or alone): said, never dropped
        # (in a flat file, a key close to another part's name keeps its own hint: "did you mean the part sigmoid?")
        stray = [k for k in data if k != name and k not in every and k != "steps"
                 and not _STEP_KEY.fullmatch(str(k).strip())
                 and (name in nested or isinstance(data[k], dict) and tables[name].lookup(str(k)) is None
                      and _part_hint(k, every) is None)]
        for k in stray[:5]:
            sub.problems.append(_no_part(k, every))
        if stray and (name not in nested and len(stray) == len(data) or name in nested and not data[name]):
            raise AnswerError(said("answers_file.only_no_part", source=source, what=sub.problems[0]))   # nothing to check
        if name not in nested:
            groups = {name: {k: v for k, v in data.items() if k not in stray}}
    else:
        unknown = [k for k in data if k not in names]
        if unknown:       # each key that is no part, with the part it may mean (sigmod: sigmoid, Relu: relu)
            items = [said("hint.did_you_mean", first=shown(k), close=close) if (close := _part_hint(k, names))
                     else shown(k) for k in unknown[:5]]
            raise AnswerError(said("answers_file.parts", source=source, item=", ".join(items), parts=", ".join(names)))
        groups = {k: v for k, v in data.items()}
        nested = set(groups)
    for pname, items in groups.items():
        if not isinstance(items, dict):
            raise AnswerError(said("answers_file.part_not_mapping", source=source, part=pname))
        table = tables[pname]
        flat = pname not in nested                         # the part's answers are the top level
        out = sub.answers.setdefault(pname, [])
        named: dict[str, list[str]] = {}                   # quantity id -> the keys that name it
        for key, value in items.items():
            if _SURROGATE.search(str(key)) or isinstance(value, str) and _SURROGATE.search(value):
                sub.problems.append(said("answers_file.surrogate", part=pname,
                                         item=_SURROGATE.sub('?', shown(str(key))[1:-1])))
                continue
            label = shown(str(key))[1:-1] if len(str(key)) > 60 else str(key)
            if len(str(key)) > MAX_KEY_CHARS:
                sub.problems.append(said("answers_file.long_name", part=pname, item=label, chars=len(str(key))))
                continue
            folded = fold(str(key), strict=False)          # u₃, ｕ＿３ as u_3
            q = table.lookup(folded)
            if q is not None and step_names(table) is not None and step_names(table).superscript_step(folded, q):
                q = None                                   # Δw_{35}^{(2)}: step 2's Δθ, not today's Δw_{35}
            if q is None and (folded == "steps" or STEP_ID.match(folded) or step_names(table) is not None):
                path = (key,) if flat else (pname, key)
                before = len(out)
                if _step_items(sub, out, table, pname, folded, value, path, doc, source):
                    for a in out[before:]:                 # step 1 under today's id (step1.grad_w_2_4): noted
                        if not STEP_ID.match(a.qid):       # below where today's name answers it too
                            named.setdefault(a.qid, []).append(label)
                    continue                               # an optimizer step's answers (steps.py)
            if str(key) in RULE_IDS:                       # a general rule (delta_hidden: "g'(net_j)…")
                if not isinstance(value, str) or isinstance(value, NumberSpelling):
                    sub.problems.append(said("answers_file.rule_not_text", part=pname, item=str(key), got=shown(value)))
                else:
                    out.append(Answer(str(key), value, None, False))
                continue
            readings = table.readings(folded) if q is None else []
            if readings:                                   # w_123 with units 1, 12, 3, 23: which weight?
                sub.problems.append(said("answers_file.ambiguous_name", part=pname, item=label,
                                         readings=either(readings)))
                continue
            if q is None and isinstance(value, dict) and (close := _part_hint(key, every)):
                sub.problems.append(said("answers_file.part_suggest", part=pname, item=label, close=close))
                continue          # `sigmod:` over a part's answers, read with --part: the part meant
            if q is None or q.qid is None:
                kind, close = hint_for(table, folded) if q is None else ("close", [])
                if kind == "intermediate":                                # dL/du_5: a step towards δ_5
                    sub.problems.append(said("answers_file.intermediate", part=pname, item=label,
                                             output=close[0], delta=close[1]))
                    continue
                if not close and q is None and is_derivative(folded) and table.derivatives():
                    sub.problems.append(said("answers_file.unknown_derivative", part=pname, item=label,
                                             names=", ".join(table.derivatives())))      # dL/dn: how they are named
                    continue
                sub.problems.append(said("answers_file.unknown_suggest", part=pname, item=label, close=either(close))
                                    if close else said("answers_file.unknown", part=pname, item=label))
                continue
            named.setdefault(q.qid, []).append(label)      # u_3 and act_3: one quantity, answered twice
            line = doc.line_of((key,) if flat else (pname, key)) if doc is not None else None
            odd = number_problem(value)                    # 0x1F, 1:20, .inf, .nan, a 5000-digit integer
            if odd is not None:                            # answered, but not as a number we read: unreadable
                written = str(value) if isinstance(value, str) else shown(value)
                written = written if len(written) <= 40 else written[:40] + "…"
                out.append(Answer(q.qid, written, line, True, unreadable=odd))
                continue
            if isinstance(value, bool) or value is None or not isinstance(value, (int, float, str)):
                sub.problems.append(said("answers_file.not_number", part=pname, item=str(key), got=shown(value)))
                continue
            number = not isinstance(value, str)
            text = value
            if number:      # the number as written: 0.9820 shows four decimal places, repr(0.982) three
                written = doc.scalar_text((key,) if flat else (pname, key)) if doc is not None else None
                text = written if written is not None and _DECIMAL.match(written) else repr(value)
            elif isinstance(value, _JsonNumber):
                text, number = str(value), True
            out.append(Answer(q.qid, text, line, number))
        for labels in named.values():
            if len(labels) > 1:
                others = f"{len(labels) - 1} other keys" if len(labels) > 3 else ", ".join(labels[1:])
                sub.notes.setdefault(pname, []).append(f"{labels[0]} is answered again under {others}; the worst "
                                                       f"of these answers counts")
    return sub


def _step_answer(sub: Submission, out: list, pname: str, qid: str, key: object, value: object, path: tuple,
                 doc, lists: bool = False) -> None:
    """One step's answer (`qid` step2.new_w_3_5 or today's id at step 1) read as read_answers reads a value;
    with `lists`, a list too (a graph's whole matrix, G_1(A): its entries, graph_steps.py)."""
    line = doc.line_of(path) if doc is not None else None
    if lists and isinstance(value, list):
        def written(v, where):
            if isinstance(v, list):
                return [written(x, where + (n,)) for n, x in enumerate(v)]
            if isinstance(v, (int, float)) and not isinstance(v, bool) and doc is not None:
                return doc.scalar_text(where) or str(v)
            return v
        out.append(Answer(qid, written(value, path), line, True))
        return
    if isinstance(value, Mapping) and "value" in value:      # solve's JSON: {value, exact, display}
        value = value["value"]
        path = path + ("value",)
    odd = number_problem(value)
    if odd is not None:
        written = str(value) if isinstance(value, str) else shown(value)
        out.append(Answer(qid, written if len(written) <= 40 else written[:40] + "…", line, True, unreadable=odd))
        return
    if isinstance(value, bool) or value is None or not isinstance(value, (int, float, str)):
        sub.problems.append(said("answers_file.not_number", part=pname, item=str(key), got=shown(value)))
        return
    number, text = not isinstance(value, str), value
    if number:
        written = doc.scalar_text(path) if doc is not None else None
        text = written if written is not None and _DECIMAL.match(written) else repr(value)
    elif isinstance(value, _JsonNumber):
        text, number = str(value), True
    out.append(Answer(qid, text, line, number))


def _step_items(sub: Submission, out: list, table, pname: str, key: str, value: object, path: tuple, doc,
                source: str) -> bool:
    """An answers file's key of an optimizer step: `steps:` (a mapping {2: {new_w_3_5: …}} or solve's list
    [{step: 2, quantities: {…}}]), an id `step2.new_w_3_5`, or a step name (m_1(w_{35}), θ_2, w_{35}^{(2)}).
    Its answers go to `out`, what cannot be read to the submission's problems; False when the key is none."""
    names = step_names(table)
    lists = hasattr(names, "wholes")                          # a graph's: a whole matrix is a list
    m = STEP_ID.match(key)
    if key != "steps" and m is None:
        bare = _STEP_KEY.fullmatch(key.strip())
        if bare and isinstance(value, Mapping):           # `step2: {new_w_3_5: …}`: said, the rest is read
            t, first = re.sub(r"\D", "", bare.group(0)), next((str(k) for k in value), "new_w_3_5")
            sub.problems.append(said("steps.step_mapping", part=pname, item=key[:MAX_KEY_CHARS], t=t,
                                     example=first[:MAX_KEY_CHARS]))
            return True
        if names is None:
            return False
        try:
            qid = names.lookup(key)
        except StepNameError as exc:
            sub.problems.append(said("steps.in_part", part=pname, what=exc.args[0]))
            return True
        if qid is None:
            if re.match(r"s(?:t|[a-z]{0,3}p)", key, re.I):     # stp2.new_w_3_5: a step's id misspelt
                from ..suggest import closest
                close = closest(key, sorted(step_item_ids(table.psol)))
                if close:
                    label = shown(key)[1:-1] if len(key) > 60 else key
                    sub.problems.append(said("answers_file.unknown_suggest", part=pname, item=label, close=close[0]))
                    return True
            return False
        _step_answer(sub, out, pname, qid, key, value, path, doc, lists)
        return True
    if names is None:
        sub.problems.append(said("steps.no_run", name=f"{pname}: {key[:MAX_KEY_CHARS]}"))
        return True
    if m is not None:
        try:
            qid = names.from_id(int(m.group(1)), m.group(2).strip(), f"{pname}: {key[:MAX_KEY_CHARS]}")
        except StepNameError as exc:
            sub.problems.append(exc.args[0])
            return True
        _step_answer(sub, out, pname, qid, key, value, path, doc, lists)
        return True
    groups: list[tuple[object, object, tuple]] = []          # (step as written, its answers, their path)
    if isinstance(value, Mapping):
        groups = [(t, answers, path + (t,)) for t, answers in value.items()]
    elif isinstance(value, list) and all(isinstance(x, Mapping) and "step" in x for x in value):
        groups = [(x["step"], x.get("quantities", {k: v for k, v in x.items() if k != "step"}),
                   path + (n, "quantities" if "quantities" in x else None)) for n, x in enumerate(value)]
    else:
        sub.problems.append(said("steps.not_mapping", source=f"{source}: {pname}"))
        return True
    for t, answers, where in groups:
        where = tuple(w for w in where if w is not None)
        step = t if isinstance(t, int) and not isinstance(t, bool) else None
        if step is None and isinstance(t, str) and re.fullmatch(r"(?:step\s*)?[0-9]{1,9}", t.strip(), re.I):
            step = int(re.sub(r"\D", "", t))
        if step is None or not isinstance(answers, Mapping):
            sub.problems.append(said("steps.bad_step", source=f"{source}: {pname}", item=shown(t), steps=names.steps)
                                if step is None else said("steps.not_mapping", source=f"{source}: {pname}"))
            continue
        for ident, v in answers.items():
            name = f"{pname}: steps: {step}: {str(ident)[:MAX_KEY_CHARS]}"
            try:
                qid = names.from_id(step, fold(str(ident), strict=False), name, prefixed=False)
            except StepNameError as exc:
                sub.problems.append(exc.args[0])
                continue
            _step_answer(sub, out, pname, qid, ident, v, where + (ident,), doc, lists)
    return True


class _JsonNumber(str):
    """A JSON number as written."""


def _json_number(text: str) -> str:
    """A JSON number kept as written (0.9820 has four decimal places), or a NumberSpelling when it is
    too long or not finite (1e999), which read_answers refuses."""
    if len(text) > MAX_NUMBER_CHARS or not math.isfinite(float(text)):
        return NumberSpelling(text)
    return _JsonNumber(text)


def _nothing_written(doc) -> bool:
    """Whether YAML read no value at all: no document, or a document marker (`---`) with nothing after
    it (not a `null` written out)."""
    return doc.root is None or getattr(doc.root, "tag", "").endswith(":null") and doc.root.value == ""


def _has_comment(path: Path) -> bool:
    """Whether a file in which YAML read no value holds a comment line (`# nothing yet`): read again, as
    it was read a moment ago (bounded, a regular file)."""
    try:
        raw = read_limited(path, MAX_BYTES, said("file.answers"))
    except SymbackpropError:
        return False
    text = raw.decode("utf-8", "replace").lstrip("\ufeff")          # a byte-order mark before the first #
    return any(line.lstrip().startswith("#") for line in text.splitlines())


def _only_comments(source: str, solution: Solution, part: str | None) -> str:
    """The answers file holds only comments: say so, and what an answer line looks like, with an id of
    this problem (its first δ, else its first computed quantity) and, for several parts, their names."""
    names = [p.name for p in solution.parts]
    chosen = next((p for p in solution.parts if p.name == part), solution.parts[0])
    computed = [s for s in chosen.steps if s.section != "given"]
    example = next((s.id for s in computed if s.key.kind == "delta"), computed[0].id if computed else "loss")
    if part is None and len(names) > 1:
        return said("answers_file.only_comments_parts", source=source, example=example, part=names[0],
                    parts=", ".join(names))
    return said("answers_file.only_comments", source=source, example=example)


def _read_json(path: Path) -> object:
    try:
        raw = read_limited(path, MAX_BYTES, said("file.answers"))
    except SymbackpropError as exc:
        raise AnswerError(text_of(exc)) from None
    try:
        data = json.loads(raw.decode("utf-8"), parse_float=_json_number, parse_int=_json_number,
                          parse_constant=NumberSpelling, object_pairs_hook=_no_duplicate_keys)
    except _DuplicateKey as exc:
        raise AnswerError(said("answers_file.json_twice", source=str(path), item=shown(exc.args[0]))) from None
    except RecursionError:
        data = None
        deep = True
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AnswerError(said("answers_file.not_json", source=str(path), why=str(exc))) from None
    else:
        deep = _depth(data) > MAX_DEPTH
    if deep:
        raise AnswerError(said("answers_file.json_deep", source=str(path), most=MAX_DEPTH))
    try:                                  # "\ud800": a lone surrogate is no character; nothing could print it
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise AnswerError(said("answers_file.json_surrogate", source=str(path))) from None
    return data


_SURROGATE = re.compile("[\ud800-\udfff]")     # YAML's "\ud800" escape makes one; no text can hold it


class _DuplicateKey(Exception):
    pass


def _no_duplicate_keys(pairs: list) -> dict:
    """A JSON object, refused when a key repeats (json keeps the last one without a word; YAML refuses)."""
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _depth(data: object) -> int:
    """How deeply lists and mappings nest, without recursion."""
    deepest, stack = 0, [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            deepest = max(deepest, depth + 1)
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
    return deepest


_DELIMITERS = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"))


def math_segments(line: str) -> tuple[list[str], str]:
    """The math of a line ($$…$$, $…$, \\(…\\), \\[…\\], the first delimiter that closes, as the regex
    `\\$\\$(.+?)\\$\\$|\\$(.+?)\\$|\\\\\\((.+?)\\\\\\)|\\\\\\[(.+?)\\\\\\]` finds them), and the prose with each
    replaced by a space. One pass: each closing delimiter is searched for at most once per position
    passed, so `\\(` repeated 200,000 times costs no more than one search."""
    closers = {close: _Finder(line, close) for _, close in _DELIMITERS}
    newline, dollar, backslash = _Finder(line, "\n"), _Finder(line, "$"), _Finder(line, "\\")
    math: list[str] = []
    prose: list[str] = []
    i = done = 0
    n = len(line)
    while i < n:
        if line[i] not in "$\\":
            i = min((j for j in (dollar.find(i), backslash.find(i)) if j >= 0), default=n)
            continue
        for open_, close in _DELIMITERS:
            if not line.startswith(open_, i):
                continue
            start = i + len(open_)
            end = closers[close].find(start + 1)               # `.+?`: at least one character
            if end >= 0:
                nl = newline.find(start)
                if nl == -1 or nl >= end:                      # `.` does not cross a line end
                    math.append(line[start:end])
                    prose.append(line[done:i])
                    prose.append(" ")
                    i = done = end + len(close)
                    break
        else:
            i += 1
    prose.append(line[done:])
    return math, "".join(prose)


MAX_NOT_READ_SHOWN = 8     # lines named when no equation of a write-up is read


def _heading(titles: tuple[str, ...]) -> re.Pattern:
    """A line that is only a section heading of a solution (text, Markdown, LaTeX, HTML) with one of `titles`."""
    alt = "|".join(re.escape(t) for t in titles)
    return re.compile(rf"\s*(?:#+\s*|\\(?:paragraph|(?:sub)*section)\*?\{{|<h[1-6][^>]*>)?\s*(?:{alt})\b")


# the optimizer's sections of a solution (issue 13: its rule, the steps shown in full, the table of every step) are the
# run's working after the part's one update: read_writeup passes over them; a part heading ends them
_APPROX = re.compile(r"≈|\\approx\b")      # `g_t(A_{11}) ≈ -0.0313`: a value, not a line naming the parameter
_OPTIMIZER_HEADING = re.compile(_heading(tuple(msg(lang, "section.optimizer") for lang in ("en", "zh"))).pattern
                                + r"[^=]*$")
_TABLE_HEADING = _heading(tuple(msg(lang, "optimizer.table_title").split(":")[0].split("：")[0] for lang in ("en", "zh")))
_PART_HEADING = _heading(tuple(msg(lang, "solution.part_heading", name="", activations="", loss="", eta="")
                               .split(":")[0].strip() for lang in ("en", "zh")))

# a padded batch's sections (render/padding.py: the batch, the mask, where the gradient went, the unmasked mean) are
# the tool's own explanation around the graph's steps, with the mistake's numbers in it (h'_2 = …): read_writeup
# passes over each, up to the next heading (a marked one, or a graph section's title on a line of its own)
_ASIDE_HEADING = _heading(tuple(fold(msg(lang, f"padding.section.{k}"), strict=False) for lang in ("en", "zh")
                                for k in ("batch", "mask", "gradient", "unmasked")))      # as the lines are: folded
_MARKED_HEADING = re.compile(r"\s*(?:#+\s|\\(?:paragraph|(?:sub)*section)\*?\{|<h[1-6][^>]*>)")
_GRAPH_TITLES = {fold(msg(lang, k), strict=False) for lang in ("en", "zh")
                 for k in ("graph.given", "quadratic.forward", "quadratic.backward")}


def read_writeup(path: Path, solution: Solution | None, part: str | None = None,
                 part_names: list[str] | None = None, given_tables: dict[str, NameTable] | None = None,
                 prepare: Callable[[list[str]], list[str]] | None = None,
                 no_equation: str = "writeup.no_equation", matrices: bool = False,
                 written_as: Callable[[str], str] | None = None) -> Submission:
    """Each equation of a write-up whose left side names a quantity, as a chain to check. A line
    longer than MAX_LINE_CHARS is not read: it is reported in the submission's problems. `prepare`
    rewrites the lines first, as many as it gets (a graph's matrices, graph_names.matrices_in_lines); `no_equation`: the
    message id when no equation names a quantity; `matrices`: a matrix (`\\begin{bmatrix}`) left open on the
    right side is reported with its environment's name, not read (a graph's write-up); `written_as`: a text
    of the rewritten lines as the student wrote it (a graph's matrices), for the report's "given" column."""
    source = str(path)
    try:
        raw = read_limited(path, MAX_BYTES, said("file.writeup"))
    except SymbackpropError as exc:
        raise AnswerError(text_of(exc)) from None
    if b"\x00" in raw:
        raise AnswerError(said("writeup.binary", source=source))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise AnswerError(said("writeup.not_utf8", source=source)) from None
    raw_lines = text.splitlines()
    if len(raw_lines) > MAX_LINES:
        raise AnswerError(said("writeup.too_many_lines", source=source, lines=len(raw_lines), most=MAX_LINES))
    sub = Submission(source)
    for lineno, line in enumerate(raw_lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            sub.problems.append(said("writeup.line_too_long", line=lineno, chars=len(line), most=MAX_LINE_CHARS))
            raw_lines[lineno - 1] = ""
    raw_lines = [fold(line, strict=False) for line in raw_lines]     # ＝, ＄…＄, 所以 u_3 ＝ …: fullwidth.py
    if prepare is not None:
        raw_lines = prepare(raw_lines)
    lines = _join_continuations(raw_lines, _display_lines(raw_lines))
    tables = _tables(solution, given_tables)
    names = part_names or [p.name for p in solution.parts]
    current = part if part is not None else (names[0] if len(names) == 1 else None)
    display = _display_lines(lines)
    working = False                      # in a part's optimizer rule and notes, or its table (issue 13): the tool's working
    step: int | None = None              # the step a heading "Step 2" (第2步) set: plain names below it are that step's
    param: str | None = None             # the parameter the heading or a line (`For $w_{35}$:`) names, for m_t …
    runs = solution is not None and any(getattr(p, "run", None) is not None for p in getattr(solution, "parts", ())) \
        or any(getattr(t, "has_steps", lambda: False)() for t in tables.values())     # a graph's run (graph_steps.py)
    aside = False                        # in a padded batch's sections (_ASIDE_HEADING): the tool's explanation
    for lineno, line in enumerate(lines, start=1):
        if _ASIDE_HEADING.match(line):
            aside = True
            continue
        if aside:
            if not (_MARKED_HEADING.match(line) or line.strip() in _GRAPH_TITLES):
                continue
            aside = False
        if runs and (_OPTIMIZER_HEADING.match(line) or _TABLE_HEADING.match(line)):
            working, step = True, None
            continue
        if runs and (t := heading_step(line)) is not None:
            working, step = False, t
            names_of = step_names(tables[current]) if current in tables else None
            param = names_of.param_in(line) if names_of is not None else None
            continue
        if runs and step is not None and "=" not in line and not _APPROX.search(line) and current in tables and \
                (names_of := step_names(tables[current])) is not None and names_of.param_in(line) is not None:
            param = names_of.param_in(line)  # `For $w_{35}$:` names the parameter of the state names below it
            continue
        if runs and step is not None and "=" in line and current in tables and \
                (lead := _LEAD.match(line)) is not None and (names_of := step_names(tables[current])) is not None \
                and names_of.param_in(lead.group(1)) is not None:
            param = names_of.param_in(lead.group(1))   # `For $w_{35}$: $m_1 = …$`: this line's and those below
        if working:                      # passed over until a step's heading or the next part
            if len(names) > 1 and _PART_HEADING.match(line):
                for name in names:
                    if re.search(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", line, flags=re.I):
                        current, working, step, param = name, False, None, None
            if working:
                continue
        if step is not None and len(names) > 1 and _PART_HEADING.match(line):
            step = param = None          # a part's heading ends its steps
        math, prose = math_segments(line)
        math = _without_asides(line, math, prose)
        plain = False
        if not math:
            if display[lineno - 1]:          # a row of equation, gather, align… on a line of its own
                math = [line]
            elif _ROW.search(line):          # align* rows: `u_3 &= …`, `… \\`, \begin{align*} … \end{align*}
                math = _rows(line)
            else:                            # a line of its own: `So u_5 ≈ 0.4910`, `所以 net_5 ＝ …`
                found = _plain_equation(line, list(tables.values()) + _step_tables(tables, current, step, param)
                                        if runs else tables.values())
                if found is not None:
                    prose, rest = found      # a part named in the label (`Sigmoid: u_3 = …`) starts that part
                    math, plain = [rest], True
                elif current in tables:      # `w₃₅ᵒˡᵈ ＝ 2`: a name with a subscript given a number, but no quantity
                    unread = _unknown_value_line(line, tables[current], lineno)
                    if unread is not None:
                        sub.problems.append(unread)
        if len(names) > 1:                          # "… with the Sigmoid activation": that part starts
            named = [name for name in names
                     if re.search(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", prose, flags=re.I)]
            if len(named) == 1:              # a line naming several parts (dropout's note on both scalings, in
                current = named[0]           # the part `standard`: "… inverted scaling …") starts none of them
        if not math or current not in tables:
            continue
        table = tables[current]
        for segment in (row for piece in math for row in environment_rows(piece)):
            written = segment.strip()
            try:
                segment = normalize(segment, keep_ellipsis=True)     # 0.98\\ldots: cut short, see check.truncated
            except AnswerError:            # read as written: the item that holds it is unreadable, with the reason
                pass
            equations = split_equations(segment)
            shown = _as_written(written, equations)
            for n, equation in enumerate(equations):
                chain = split_relations(equation)
                if len(chain) < 2:
                    if plain and not n:
                        break                      # a plain line starts with an equation, or is prose
                    continue
                named = _step_item(table, chain[0][1], step, _rejoin(chain[1:]), lineno, sub, param) if runs else None
                if named is not None:            # a value of an optimizer step (steps.py), or said why not
                    if named:
                        rhs = _rejoin(chain[1:])
                        if not STEP_ID.match(named) and table.lookup(chain[0][1]) is None:
                            # today's item by a step's name (θ_1(w_{35}) = θ_0 − η·m̂_1/√… ≈ 0.9: w_{35}^new): its
                            # working is in the rule's symbols, the step's, which today's working knows not: the
                            # value is judged, as a step item's is
                            rhs = chain[-1][1]
                        sub.answers.setdefault(current, []).append(
                            Answer(named, rhs, lineno, shown=(written_as or str)(shown(n, chain))))
                    continue
                q = table.lookup(chain[0][1])
                readings = table.readings(chain[0][1]) if q is None else []
                if readings:                       # w_{123} = … with units 1, 12, 3, 23: said, not guessed
                    sub.problems.append(said("writeup.ambiguous_name", line=lineno, name=chain[0][1][:60],
                                             readings=either(readings)))
                    continue
                if q is None or q.qid is None:
                    # dL/dn, ∂L/∂net_5, ∂L/∂q; not a rule stated over a sum (∂f/∂p = Σ_g ∂f/∂g·∂g/∂p: the solution's note)
                    derivative = q is None and is_derivative(chain[0][1]) and not _SUM.search(_rejoin(chain[1:])) \
                        and not _partial(table, chain[0][1])       # a graph's local partial ∂q/∂x = 1: a step
                    if plain and not n and not derivative:
                        break
                    if q is None and _general_rule(chain[0][1], _rejoin(chain[1:]), table):
                        continue                   # net_j = Σ_i w_ij x_i − θ_j: a rule in prose, no answer
                    if q is None and getattr(table, "general_index", lambda _: False)(chain[0][1]):
                        continue                   # a graph's ∂L/∂z_i = ∂L/∂h_i·∂h_i/∂z_i: a rule (the ⊙ note), no answer
                    # a name with an index or an argument, a derivative (dL/dn, ∂E/∂y), or the loss written with
                    # another letter (E = …, J = …): said why it is not read, or which name it is close to
                    named = q is None and bool(derivative or re.search(r"_|\(", chain[0][1])
                                               or re.fullmatch(r"\s*[EJCL]\s*", chain[0][1]))
                    why = getattr(table, "why_not", None) if named else None     # a graph's ∂L/∂x of no parameter
                    reason = why(chain[0][1]) if why is not None else None
                    if reason:
                        sub.problems.append(said("writeup.not_read_why", line=lineno, name=chain[0][1][:60], why=reason))
                        continue
                    kind, close = hint_for(table, chain[0][1], derivative) if named else ("close", [])
                    if kind == "intermediate":     # ∂L/∂u_5: a step towards δ_5
                        sub.problems.append(said("writeup.intermediate", line=lineno, name=chain[0][1][:60],
                                                 output=close[0], delta=close[1]))
                        continue
                    if close:                      # close to a quantity's name: said, not read as it
                        sub.problems.append(said("writeup.unknown_suggest", line=lineno, name=chain[0][1][:60],
                                                 close=either(close)))
                    elif derivative and not _general_index(chain[0][1], table) and table.derivatives():
                        # a derivative close to none: which derivatives the problem has, and how they are named
                        sub.problems.append(said("writeup.unknown_derivative", line=lineno, name=chain[0][1][:60],
                                                 names=", ".join(table.derivatives())))
                    if plain and not n:
                        break
                    continue                       # a general statement (g'(x) = …) or a given symbol
                rhs = _rejoin(chain[1:])
                if matrices and _MATRIX_BEGIN.search(rhs):
                    why = unclosed_said(rhs)         # a matrix left open: said here, where its name is known
                    if why is not None:
                        sub.problems.append(said("writeup.unclosed", line=lineno, name=chain[0][1][:60], why=why))
                        continue
                sub.answers.setdefault(current, []).append(Answer(q.qid, rhs, lineno, shown=(written_as or str)(shown(n, chain))))
    if part is not None:
        sub.answers = {part: sub.answers.get(part, [])}
    if not any(sub.answers.values()):
        if current is None and len(names) > 1:
            why = said("writeup.no_part", source=source, parts=", ".join(names))
            near = _near_part_word(lines, names)        # `## Sigmod`: the part a line may have meant
            if near is not None:
                why = said("hint.did_you_mean", first=why, close=said("writeup.part_near", part=near[0], line=near[1], word=near[2]))
        else:
            example = _example_name(solution, current or names[0]) if no_equation == "writeup.no_equation" else None
            why = said("writeup.no_equation_named", source=source, example=example[0], plain=example[1]) if example else \
                said(no_equation, source=source)
        # every line that was not read, up to a few (the first alone hid the others: t13 #5)
        shown = sub.problems[:MAX_NOT_READ_SHOWN]
        more = len(sub.problems) - len(shown)
        raise AnswerError(joined([why] + shown + ([said("writeup.more_not_read", count=more)] if more else [])))
    return sub


class _StepTable:
    """A part's step names as _plain_equation asks for names: a text line `m_t(w_{35}) = … ≈ 0.05` under a step's
    heading, or `m_1(w_{35}) = 0.05`, starts with a quantity's name."""

    def __init__(self, names, step: int | None, param: str | None) -> None:
        self.names, self.step, self.param = names, step, param

    def lookup(self, name: str):
        try:
            if self.step is not None and self.names.today_key(name) is not None:
                return True              # net_2 of a per-sample step's one sample
            return self.names.lookup(name, self.step, self.param)
        except StepNameError:
            return True                  # a step's name, not read: _step_item says why


def _step_tables(tables: dict, current: str | None, step: int | None, param: str | None) -> list:
    names = step_names(tables[current]) if current in tables else None
    return [] if names is None else [_StepTable(names, step, param)]


def _step_item(table, name: str, step: int | None, rhs: str, lineno: int, sub: Submission,
               param: str | None = None) -> str | None:
    """The item a write-up's left side names as a value of an optimizer step: a step name (m_1(w_{35}), θ_2,
    w_{35}^{(2)}), or under a heading of step t a name with t (m_t, g_t(w_{35})) or one of today's names
    (w_{35}^{new}, Δw_{35}, net_3), as step t's. "" when the name is a step's but not read (said in the
    submission's problems, unless the line states a rule with no value); None for no step's name."""
    from .steps import value_of
    names = step_names(table)
    if names is None:
        return None
    try:
        if names.superscript_step(name, table.lookup(name)):
            return names.lookup(name, step, param)       # Δw_{35}^{(2)}: step 2's Δθ wherever it is written
        if step is not None:             # the problem's own names first (an activation written v_3 stays u_3's)
            key = names.today_key(name)
            if key is not None:
                return names.in_step(key, step, name.strip()[:60])
            return names.lookup(name, step, param)
        if table.lookup(name) is not None:
            return None
        return names.lookup(name)
    except StepNameError as exc:
        if value_of(rhs) is not None:     # a rule stated in symbols (m_t = β₁·m_{t−1} + …) is no answer
            sub.problems.append(said("steps.at_line", line=lineno, what=exc.args[0]))
        return ""


def _example_name(solution: Solution | None, part: str) -> tuple[str, str] | None:
    """The no-equation error's example: the part's first computed activation as the solution writes it
    (y_3 with activation_symbol y, u_3 by default), as LaTeX and as text; None without one."""
    for psol in solution.parts if solution is not None else ():
        if psol.name != part:
            continue
        for s in psol.steps:
            if s.key.kind == "act":
                return psol.names.latex[s.symbol], psol.names.text[s.symbol]
    return None


def read_graph_writeup(path: Path, names) -> Submission:
    """A computation graph's write-up: each equation whose left side names one of its items (`q = 3`,
    `\\frac{\\partial f}{\\partial x} = -4`, a matrix in bmatrix) under the one part `main`; `names`
    is the graph's graph_names.GraphNames (lookup and suggest, as a network's NameTable)."""
    from .graph_names import as_written_matrices, matrices_in_lines
    record: dict[str, str] = {}             # each matrix as a list -> as written, for the report to quote
    return read_writeup(Path(path), None, None, ["main"], {"main": _GraphHints(names)},
                        prepare=lambda lines: matrices_in_lines(lines, record),
                        no_equation="graph_writeup.no_equation", matrices=True,
                        written_as=lambda text: as_written_matrices(text, record))


class _GraphHints:
    """A graph's names (graph_names.GraphNames) as the write-up reader asks them, with its hints in the names
    the worked solution writes: `dL/dq` where the output is f is "did you mean ∂f/∂q?", a derivative by a
    name close to one of the graph's (`df/dxx`) the gradients by the closest names, another name its
    closest items (`grad_xx`: ∂f/∂x), and `derivatives()` the graph's gradients for a derivative close
    to none (`df/dn`)."""

    MAX_LISTED = 4

    def __init__(self, names) -> None:
        self.names = names

    def lookup(self, text: str):
        return self.names.lookup(text)

    def has_steps(self) -> bool:
        """Whether the graph trains (`optimizer:`, `steps:`): its write-up has an optimizer's steps."""
        return getattr(self.names.sol.problem, "training", None) is not None

    def step_names(self):
        """The graph run's step names (graph_steps.GraphStepNames), or None."""
        own = getattr(self.names, "step_names", None)
        return own() if callable(own) else None

    def readings(self, text: str) -> list[str]:
        return self.names.readings(text)

    def why_not(self, text: str) -> str | None:
        """Why a name is no item though it names the graph (∂L/∂x of an input that is no parameter), else None."""
        return self.names.why_not(text)

    def general_index(self, text: str) -> bool:
        """Whether a ∂-fraction is by an entry at an index letter (∂L/∂z_i: a rule, the ⊙ note), no item."""
        return self.names.general_index(text)

    def _shown(self, qid: str) -> str:
        from .graph_names import item_name
        return item_name(qid, self.names.sol)

    def suggest(self, text: str) -> list[str]:
        other = self.names.other_output(text)
        if other is not None:                                    # dL/dq where the output is f: ∂f/∂q
            return [self._shown(other)]
        by = _BY.search(canon(str(text)[:200]))
        if by is not None:                                       # ∂f/∂n: the gradients by the closest names
            grads = {qid[len("grad_"):]: qid for qid in self.names.ids if qid.startswith("grad_")}
            close = difflib.get_close_matches(by.group(1), sorted(grads), n=2)
            return [self._shown(grads[c]) for c in close]
        return [self._shown(qid) for qid in self.names.suggest(text)]

    def partial(self, text: str) -> bool:
        """Whether a derivative is of a node of the graph other than its output by a name of it (`∂q/∂x`,
        `dq/dz`): a local partial or a step of the student's own working, no item and no mistake."""
        found = self.names._fraction(text)
        return found is not None and found[1] != self.names.sol.problem.output

    def derivatives(self) -> list[str]:
        top = f"grad_{self.names.sol.problem.output}"
        grads = sorted(qid for qid in self.names.ids if qid.startswith("grad_") and qid != top)
        shown = [self._shown(qid) for qid in grads[:self.MAX_LISTED]]
        return shown + ["…"] if len(grads) > self.MAX_LISTED else shown


_BY = re.compile(r"^∂[^/]*/∂(.+)$")          # the name a canonical derivative ∂f/∂x is taken by
_DERIVATIVE = re.compile(r"∂[^\W\d_][^/∂\\]*/∂[^/∂]+")     # of a name, not of a function (∂\max/∂r: a kink's note)


def is_derivative(name: str) -> bool:
    """Whether a left side is written as a derivative, ∂- or d-fraction (`\\frac{\\partial L}{\\partial n}`,
    `\\frac{dL}{dn}`, `dL/dn`, `∂L/∂q`, `\\partial L / \\partial q`)."""
    return _DERIVATIVE.fullmatch(canon(str(name)[:MAX_KEY_CHARS])) is not None


def _partial(table, name: str) -> bool:
    """A graph's partial of one of its nodes (_GraphHints.partial); never for a network."""
    partial = getattr(table, "partial", None)
    return partial is not None and partial(name)


def _general_index(name: str, table) -> bool:
    """Whether a derivative is by a general index (∂L/∂net_j, ∂J/∂w_{jk}: letters that are no unit of the
    problem), as a statement of a rule writes it: no answer, and no hint."""
    m = re.fullmatch(r"∂[^/]*/∂[^_]*_([A-Za-z]{1,2})", canon(name))
    psol = getattr(table, "psol", None)
    if m is None or psol is None:
        return False
    units = {str(u) for u in (*psol.part.inputs, *(u for layer in psol.part.layers for u in layer))}
    return m.group(1) not in units and not set(m.group(1)) <= units


_MATRIX_BEGIN = re.compile(r"\\(?:begin|end)\s*\{\s*[pbBvV]?matrix\s*\}")


_RELATION_IN = re.compile(r"=|\\approx(?![A-Za-z])|≈")


# display environments whose rows are read like align* rows (`cases` is an answer's own construct)
_ENVIRONMENTS = r"(?:equation|align|aligned|alignat|alignedat|gather|gathered|eqnarray|multline|split|flalign|dmath)\*?"
_ENV_MARK = re.compile(rf"\\(?:begin|end)\s*\{{\s*{_ENVIRONMENTS}\s*\}}(?:\s*\{{\s*\d*\s*\}})?")
_TAGS = re.compile(r"\\(?:tag\*?|label|intertext|shortintertext)\s*\{[^{}]{0,200}\}|\\(?:nonumber|notag)(?![A-Za-z])")
_CASES = re.compile(r"\\(begin|end)\s*\{\s*[a-z]*cases\*?\s*\}")
_CONTINUES = re.compile(r"\s*(?:=|\\approx(?![A-Za-z]))")


def _display_lines(lines: list[str]) -> list[bool]:
    """Per line, whether it is inside a display environment (equation, align*, gather…) begun on an
    earlier line, or begins or ends one: its text is math even without $…$."""
    out, inside = [], False
    for line in lines:
        marks = list(_ENV_MARK.finditer(line))
        out.append(inside or bool(marks))
        for m in marks:
            inside = m.group(0).lstrip("\\").startswith("begin")
    return out


def environment_rows(text: str) -> list[str]:
    """The rows of a piece of math: environment marks (`\\begin{align*}`), `\\tag{1}`, `\\label{…}`,
    `\\nonumber`, `\\notag` and `\\intertext{…}` dropped, split at each `\\\\` outside braces and
    `cases`, alignment marks `&` removed outside `cases` (`&=&` is `=`); a row that starts with `=` or
    `\\approx` (a multline continuation) is joined to the row before."""
    if "\\" not in text and "&" not in text:
        return [text]
    text = _TAGS.sub(" ", _ENV_MARK.sub(" ", text))
    text = re.sub(r"(?<!\\)\\[\[\]]", " ", text)                 # a \\[ … \\] around the rows
    rows, current, depth, cases, i = [], [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            m = _CASES.match(text, i)
            if m:
                cases += 1 if m.group(1) == "begin" else -1 if cases else 0
                current.append(m.group(0))
                i = m.end()
                continue
            if text.startswith("\\\\", i) and depth <= 0 and not cases:
                rows.append("".join(current))
                current = []
                i += 2
                continue
            current.append(text[i:i + 2])          # an escaped character (\{, \&) stays as it is
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "&" and depth <= 0 and not cases:
            ch = " "
        current.append(ch)
        i += 1
    rows.append("".join(current))
    out: list[str] = []
    for row in rows:
        if not row.strip():
            continue
        if out and _CONTINUES.match(row):
            out[-1] = f"{out[-1].rstrip()} {row.strip()}"
        else:
            out.append(row.strip())
    return out or [""]


def _join_continuations(lines: list[str], display: list[bool] | None = None) -> list[str]:
    """An align* row that starts with `&` (`& = …`), or inside a display environment with `=` (a
    multline row), continues the equation of the line before; it is appended there and left blank,
    so that line numbers stay those of the file."""
    out: list[list[str]] = []
    head = None            # the line a run of `& = …` rows continues (rule, numbers, value on three rows)
    for n, line in enumerate(lines):
        rest = line.lstrip()[1:] if line.lstrip().startswith("&") else None
        # `&u_4 &= 0.5` (a flalign row) is a row of its own; `& = …` and `&\\approx …` continue
        starts = rest is not None and bool(_CONTINUES.match(rest) or "=" not in rest) or \
            bool(display and display[n] and _CONTINUES.match(line))
        if starts and head is not None and _RELATION_IN.search(out[head][0]):
            out[head][-1] = out[head][-1].rstrip().removesuffix("\\\\")
            out[head].append(" " + line.strip().lstrip("&"))
            out.append([""])
        else:
            out.append([line])
            head = len(out) - 1
    return ["".join(pieces) for pieces in out]


# what makes a line outside $…$ a row of an align*-like environment: an alignment & or a row end \\,
# or the environment's \begin / \end on the same line
_ROW = re.compile(rf"&|\\\\|\\(?:begin|end)\s*\{{\s*{_ENVIRONMENTS}\s*\}}")
_ENV = re.compile(r"\\(begin|end)\s*\{\s*([A-Za-z]+\*?)\s*\}(?:\s*\{\s*\d+\s*\})?|\\\\")
_ALIGNED_NAME = re.compile(rf"{_ENVIRONMENTS}\Z")
_ALIGN_AMP = re.compile(r"&\s*(?==|\\approx(?![A-Za-z])|≈)")


def _rows(line: str) -> list[str]:
    """The equations of a line of align*-like rows, each as one text: the environment's \\begin and
    \\end dropped, split at the row ends `\\\\` (not those of a cases or matrix inside a row), a row
    that starts with `&` joined to the row before, the alignment `&` before a relation dropped (a
    cases row keeps its &). One scan of the line."""
    rows: list[str] = []
    pos, inner = 0, 0                # inner: environments open inside a row (cases, array)
    pieces: list[str] = []
    for m in _ENV.finditer(line):
        if m.group(0) == "\\\\":
            if inner:
                continue
            pieces.append(line[pos:m.start()])
            rows.append("".join(pieces))
            pieces, pos = [], m.end()
        elif _ALIGNED_NAME.match(m.group(2)):
            pieces.append(line[pos:m.start()] + " ")
            pos = m.end()
        else:
            inner = inner + 1 if m.group(1) == "begin" else max(inner - 1, 0)
    pieces.append(line[pos:])
    rows.append("".join(pieces))
    joined: list[str] = []
    for row in rows:
        if row.lstrip().startswith("&") and joined and _RELATION_IN.search(joined[-1]):
            joined[-1] += " " + row.strip().lstrip("&")
        else:
            joined.append(row)
    rows = [_ALIGN_AMP.sub(" ", row).strip() for row in joined]
    return [row[_label_end(row):].strip() for row in rows if row]


# a label or connective before an equation on a line of its own: a Markdown bullet, quote or heading,
# a list number (1. 2) (a) iv.), a word and a colon (Answer:, Step 3:, **Sigmoid:**), So / Thus / …;
# Chinese labels (解：, 所以) are a `;` by then (fullwidth.fold)
_LABEL = re.compile(r"""\s*(?:
      [-*+•>]\s | \#{1,6}\s | [;:,] | \*\*
    | \(?(?:\d{1,3}|[A-Za-z]|[ivxIVX]{1,4})\)\s | \d{1,3}\.\s | [ivxIVX]{1,4}\.\s | [A-Za-z]\.\s
    | [A-Za-z][A-Za-z0-9 ]{0,30}(?::(?!=)|;)
    | \\text\s*\{[^{}]{0,40}\} | \\quad | \\qquad
    | (?:so|thus|hence|therefore|then|and|finally|now|next|also|i\.e\.|we\s+(?:get|have|find)|which\s+gives)
      (?![A-Za-z0-9_]) ,?
)""", re.X | re.I)
_MAX_LABELS = 6
_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{2,}(?![A-Za-z])")
# words that are mathematics, not prose: function names and the words of quantity names
_MATH_WORDS = frozenset("""net new sigma sigmoid relu tanh sinh cosh ln log exp sqrt max min step sgn sign
    approx times cdot frac div mathrm text left right delta eta partial prime""".split())


def _label_end(line: str) -> int:
    """Where the label or connectives before an equation end (0 when there are none)."""
    pos = 0
    for _ in range(_MAX_LABELS):
        m = _LABEL.match(line, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
    return pos


# a line that gives a name with a subscript or superscript a number: `w_{35}^{old} = 2`, `Δw_{35} ≈ -0.1`
_VALUE_LINE = re.compile(r"^\s*((?:\\?[A-Za-z]+\s*)?\\?[A-Za-z]+\s*(?:[_^]\s*(?:\{[^{}$=]{1,20}\}|[A-Za-z0-9+]))+)"
                         r"\s*(?:=|\\approx)\s*[-+]?\s*\d")


def _unknown_value_line(line: str, table: NameTable, lineno: int) -> str | None:
    """The message for a plain line that gives a number to a name with a subscript that is no quantity of
    the problem (`w₃₅ᵒˡᵈ ＝ 2`, folded to `w_{35}^{old} = 2`): said, with a hint when one is close, never
    dropped in silence. None for any other line (prose, a given symbol, a general rule)."""
    m = _VALUE_LINE.match(line[_label_end(line):])
    if m is None:
        return None
    name = m.group(1).strip()
    if table.lookup(name) is not None or table.readings(name):
        return None
    close = hint_for(table, name, derivative=False)[1]
    if close:
        return said("writeup.unknown_suggest", line=lineno, name=name[:60], close=either(close))
    return said("writeup.not_a_quantity", line=lineno, name=name[:60])


def _plain_equation(line: str, tables) -> tuple[str, str] | None:
    """A line outside math delimiters that is an equation: (its label, the rest), when the rest,
    after a label or connective (`So`, `- `, `1.`, `(a)`, `Answer:`; `所以` and `解：` are folded to
    `;`), starts with the name of a quantity of the problem and a relation (=, \\approx, ≈, 约) and
    is mathematics, not prose (no two words in a row after the name). Else None: prose that merely
    holds an `=` is not read."""
    pos = _label_end(line)
    label, rest = line[:pos], line[pos:].strip()
    if not rest or not _RELATION_IN.search(rest):
        return None
    try:
        text = normalize(rest)
    except AnswerError:
        text = rest
    equations = split_equations(text)
    if not equations:
        return None
    chain = split_relations(equations[0])
    if len(chain) < 2 or not (any(t.lookup(chain[0][1]) is not None for t in tables) or is_derivative(chain[0][1])):
        return None                  # a derivative that names nothing is read, for its hint: `∂L/∂q = -4`
    if _prose(rest[len(rest) - len(rest.lstrip()):]):
        return None
    return label, rest


# a math segment in parentheses right after a word of a sentence: `… evaluated at its kink ($p = r + 2$): …`;
# `;` is where fullwidth.fold left a run of Chinese (… 处求值（$q = 0$）)
_ASIDE = re.compile(r"(?:[A-Za-z]{2}|;)\s*\(\s*\$([^$\n]+)\$\s*\)")


def _without_asides(line: str, math: list[str], prose: str) -> list[str]:
    """The math of a line less the segments that stand in parentheses after a word of a sentence (the
    solution's kink note "… at its kink ($p = r + 2$): …", in any language): a condition said in passing,
    not an answer for p. A line that is no sentence (no two words in a row, no folded Chinese) keeps every
    segment."""
    if "($" not in line.replace(" ", "") or not (_prose(prose) or " ; " in prose):
        return math
    asides = {m.group(1) for m in _ASIDE.finditer(line)}
    return [m for m in math if m not in asides] if asides else math


def _prose(text: str) -> bool:
    """Whether a line reads as prose: two words in a row (`the output`, `is the loss`), neither of them
    mathematics (net, new, sigmoid, \\approx …) nor followed by a subscript or a bracket."""
    last = None
    for m in _WORD.finditer(text):
        word = m.group(0)
        after = text[m.end():m.end() + 1]
        if word.lower() in _MATH_WORDS or after in ("_", "^", "(", "{"):
            last = None
            continue
        if last is not None and not text[last:m.start()].strip():
            return True
        last = m.end()
    return False


def _as_written(written: str, equations: list[str]):
    """`shown(n, chain)`: the n-th of a segment's normalized `equations` (whose links are `chain`) as the
    student wrote it, for the report's "given" column: its right side as written when the equation as
    written has as many links and the same left side, else the equation as written; the whole segment
    when its equations as written cannot be matched one to one with the normalized ones (`0,4910, L = …`:
    the comma of a decimal splits the text as written)."""
    pieces: list[str] | None = [written]
    if len(equations) > 1:
        pieces = split_equations(written)
        if len(pieces) != len(equations) or any(_normalized(p) != e for p, e in zip(pieces, equations)):
            pieces = None

    def shown(n: int, chain: list[tuple[str, str]]) -> str:
        if pieces is None:
            return written
        links = split_relations(pieces[n])
        if len(links) == len(chain) and _normalized(links[0][1]) == chain[0][1].strip():
            return _rejoin(links[1:]).strip()
        return pieces[n].strip()

    return shown


def _normalized(text: str) -> str:
    """`normalize(text)` stripped, or the text itself when it cannot be normalized."""
    try:
        return normalize(text, keep_ellipsis=True).strip()
    except AnswerError:
        return text.strip()


_SUM = re.compile(r"\\sum(?![A-Za-z])|Σ|∑")


def _general_rule(name: str, rhs: str, table: NameTable) -> bool:
    """Whether an equation states a general formula, as the worked solution's prose does (`net_j = \\sum_i
    w_{ji} x_i - \\theta_j`, `\\tilde{u}_j = m_j u_j/(1 - p)`): its name's subscript is one index letter that is no
    unit of the problem (a superscript word after it, ^test, allowed), and its right side sums over an index or
    names another such index. Such a line names no quantity and is skipped, not reported "Not read"."""
    m = re.fullmatch(r"[^_]+_([A-Za-z])(?:\^[A-Za-z]+)?", canon(name))
    psol = getattr(table, "psol", None)         # a network's names (a graph's have their own: general_index)
    if m is None or psol is None:
        return False
    part = psol.part
    units = {str(u) for u in (*part.inputs, *(u for layer in part.layers for u in layer))}
    if m.group(1) in units:
        return False
    # a sum over an index, or a rule in other general names (dropout's ũ_j = m_j·u_j/(1 − p), ũ_j^test = u_j)
    return bool(_SUM.search(rhs)) or any(i not in units for i in _INDEX_IN.findall(canon(rhs)))


# a name's one-letter index in a rule's right side: u_j, m_j (`_j` not followed by more of a name)
_INDEX_IN = re.compile(r"_([A-Za-z])(?![A-Za-z0-9])")


def _rejoin(links: list[tuple[str, str]]) -> str:
    """The links after the left side, as one string again (the first relation dropped)."""
    out = []
    for n, (rel, piece) in enumerate(links):
        if n:
            out.append(r" \approx " if rel == "≈" else " = ")
        out.append(piece)
    return "".join(out)

