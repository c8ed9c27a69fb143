"""Issue 11, `solve` fast at size: the work it saves, and every byte it prints kept.

tests/data/solve_bytes/outputs.json.xz holds what `solve` printed before the speed work
(make_solve_bytes.py, run at the commit before it): every problem file and five generated networks
(batches, softmax, ReLU with long fractions, deep sigmoid, binary cross-entropy), in text, JSON,
Markdown, LaTeX (standalone and fragment), the notebook's math, both languages and two precisions.
The speed work must change none of it. The other tests bound the work by counting it (no clocks).
"""
from __future__ import annotations

import importlib.util
import json
import lzma
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA, PROBLEMS, ROOT

BYTES = DATA / "solve_bytes"


def _load_maker():
    spec = importlib.util.spec_from_file_location("make_solve_bytes", BYTES / "make_solve_bytes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


maker = _load_maker()
FIXTURE: dict[str, str] = json.loads(lzma.decompress((BYTES / "outputs.json.xz").read_bytes()))
FILES = maker.problem_files()
SMALL = {"xor", "xor_appendix", "minibatch", "classifier", "gen_bce"}


def test_the_fixture_covers_every_problem_file_and_format():
    stems = {p.stem for p in FILES}
    assert {p.stem for p in sorted(PROBLEMS.glob("*.yaml"))} - stems == {"quadratic"}
    assert len([s for s in stems if s.startswith("gen_")]) == 5
    expected = {f"{stem}.{name}" for stem in stems for name, _, _ in maker.RENDERS}
    assert set(FIXTURE) == expected


@pytest.mark.parametrize("path", [pytest.param(p, marks=() if p.stem in SMALL else pytest.mark.slow)
                                  for p in FILES], ids=lambda p: p.stem)
def test_every_output_is_byte_identical_to_before(path: Path):
    now = maker.outputs(path)
    for name, text in now.items():
        assert text == FIXTURE[name], f"{name} changed"


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "latex"])
def test_the_command_prints_the_same_bytes(fmt: str):
    """Through the CLI (stdout: LaTeX is the fragment), as a user runs it."""
    from symbackprop.cli import main
    result = CliRunner().invoke(main, ["solve", str(PROBLEMS / "xor.yaml"), "--format", fmt])
    assert result.exit_code == 0, result.output
    name = {"text": "text.en", "json": "json", "markdown": "markdown.en", "latex": "latex.en.fragment"}[fmt]
    assert result.output == FIXTURE[f"xor.{name}"]
