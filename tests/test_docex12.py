"""Every YAML block of the docs that shows a problem file runs as written (session 12, task X4).

A ```yaml block of the documents below is one of:
- a whole problem file: `symbackprop solve` must exit 0;
- a fragment, its first line `# fragment of problems/NAME.yaml` (optionally `, under FIELD` or
  `, under FIELD.SUB`): its fields replace the same fields of that file (at FIELD when given; `samples`
  replaces `sample` and `sig_figs` replaces `precision`, and the other way round), and the result must solve;
- an answers file, its first line `# answers for problems/NAME.yaml`: `symbackprop check` must read it
  (exit 0 or 1, never the exit 2 of a file it cannot read).
A block that is none of these fails the test, so a new example cannot go untested.
"""
from __future__ import annotations

import json
import re

import pytest
import yaml
from click.testing import CliRunner
from conftest import PROBLEMS, ROOT

from symbackprop.cli import main

DOCS = ["README.md", "docs/problem-format.md", "docs/tutorial.md", "docs/derivation.md", "docs/checking.md"]
FENCE = re.compile(r"^```yaml[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
FRAGMENT = re.compile(r"#\s*fragment of (problems/[\w.-]+\.yaml)(?:,\s*under\s+([\w.]+))?")
ANSWERS = re.compile(r"#\s*answers for (problems/[\w.-]+\.yaml)")
ALTERNATIVES = {"sample": "samples", "samples": "sample", "precision": "sig_figs", "sig_figs": "precision"}


def blocks():
    out = []
    for doc in DOCS:
        text = (ROOT / doc).read_text(encoding="utf-8")
        for n, m in enumerate(FENCE.finditer(text)):
            line = text.count("\n", 0, m.start()) + 1
            out.append((f"{doc}:{line}", m.group(1)))
    return out


BLOCKS = blocks()
# one fast case per kind (a whole network file, a whole graph, a fragment at the top level, a fragment under
# a field, an answers file); every other block is in the slow tier
FAST = {"docs/problem-format.md:1", "docs/problem-format.md:2", "docs/problem-format.md:3"}


def kind(body: str):
    first = body.lstrip().splitlines()[0] if body.strip() else ""
    if m := FRAGMENT.match(first):
        return "fragment", m.group(1), m.group(2)
    if m := ANSWERS.match(first):
        return "answers", m.group(1), None
    return "whole", None, None


def merged(body: str, base: str, under: str | None) -> dict:
    doc = yaml.safe_load((ROOT / base).read_text(encoding="utf-8"))
    frag = yaml.safe_load(body)
    assert isinstance(frag, dict) and frag, "a fragment is a mapping of fields"
    place = doc
    for key in (under.split(".") if under else []):
        place = place.setdefault(key, {})
    for key, value in frag.items():
        place.pop(ALTERNATIVES.get(key), None)
        place[key] = value
    return doc


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def solve_block(where: str, body: str, tmp_path, *more):
    what, base, under = kind(body)
    path = tmp_path / "block.yaml"
    if what == "fragment":
        path.write_text(yaml.safe_dump(merged(body, base, under), sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
    else:
        path.write_text(body, encoding="utf-8")
    return run("solve", path, *more)


def quantities(result) -> dict:
    """{part name: {id: exact value}} of `solve --format json`."""
    data = json.loads(result.output)
    return {p["name"]: {k: v.get("exact") for k, v in p["quantities"].items()} for p in data["parts"]}


def _param(i, where, body):
    marks = [] if f"{where.split(':')[0]}:{i}" in FAST else [pytest.mark.slow]
    return pytest.param(where, body, marks=marks, id=where)


def _numbered():
    count, out = {}, []
    for where, body in BLOCKS:
        doc = where.split(":")[0]
        count[doc] = count.get(doc, 0) + 1
        out.append(_param(count[doc], where, body))
    return out


def test_the_docs_have_the_blocks_this_test_expects():
    found = {doc: sum(1 for w, _ in BLOCKS if w.startswith(doc + ":")) for doc in DOCS}
    # the XOR file, the activation formulas, the formula loss, weights as a mapping and its per-weight
    # options and as matrices, sample, samples, the optional top-level fields, the two graphs, …: at
    # least one example for every field of the reference
    assert found["docs/problem-format.md"] >= 20, found
    kinds = {kind(body)[0] for _, body in BLOCKS}
    assert kinds == {"whole", "fragment", "answers"}


@pytest.mark.parametrize("where, body", _numbered())
def test_every_yaml_block_runs_as_written(where, body, tmp_path):
    what, base, _ = kind(body)
    if what == "answers":
        answers = tmp_path / "answers.yaml"
        answers.write_text(body, encoding="utf-8")
        r = run("check", ROOT / base, answers)
        assert r.exit_code in (0, 1), f"{where}: {r.output}"
        return
    if what == "fragment":
        assert (ROOT / base).is_file(), f"{where}: the fragment names {base}, which does not exist"
    r = solve_block(where, body, tmp_path)
    assert r.exit_code == 0, f"{where} ({what}): {r.output}"
