"""Issue 11's safety net: `solve` and `derive` keep every output through the redesign.

The fixtures in tests/data/golden/ hold today's outputs: per part of every problem file that `solve`
accepts, the quantity ids in order with each `value` and `exact` (not the prose or LaTeX, which the
redesign may reword), and the SymPy form of every rule `derive` prints for the activation/loss
combinations the tests use. They were written by tests/data/golden/make_golden.py from the code as it
was before the redesign, so they are not a second opinion on their own: the values were checked
independently elsewhere — tests/test_xor.py by hand from the lecture, finite differences in
tests/test_gradients.py, the rules against the appendix in tests/test_general.py. Their job is to guard
the redesign: any id renamed, reordered, added or dropped, or any number changed, fails here.
Regenerate them only for a deliberate change of the numbers, never to make a refactor pass.
"""
from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest
import sympy as sp

from conftest import DATA, HAND_CHECKED, NETWORKS, PROBLEMS

GOLDEN = DATA / "golden"
FIXED = [p for p in NETWORKS if p.stem not in HAND_CHECKED]        # the network files with a fixture


def _load_maker():
    spec = importlib.util.spec_from_file_location("make_golden", GOLDEN / "make_golden.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


maker = _load_maker()


def _fixture(name: str) -> dict:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


def test_every_solvable_problem_file_has_a_fixture():
    """A new network problem file gets a fixture too; the computation graphs (model: graph) solve to a JSON
    of their own (tests/test_graph.py checks their numbers by hand) and have none."""
    assert [p.name for p in maker.solve_files()] == [p.name for p in NETWORKS]
    assert len(FIXED) >= 5
    assert {p.stem for p in FIXED} == {p.stem for p in GOLDEN.glob("*.json")} - {"derive_rules"}
    graphs = [p for p in sorted(PROBLEMS.glob("*.yaml")) if p not in NETWORKS]
    for path in graphs:
        code, out = maker._invoke(["solve", str(path), "--format", "json"])
        assert code == 0 and json.loads(out)["model"] == "graph"


@pytest.mark.parametrize("path", [p if p.stem in ("xor", "xor_appendix") else pytest.param(p, marks=pytest.mark.slow)
                                  for p in FIXED], ids=lambda p: p.stem)      # every file in CI
def test_solve_outputs_are_unchanged(path: Path):
    golden = _fixture(f"{path.stem}.json")
    now = maker.solve_snapshot(path)
    assert [p["name"] for p in now["parts"]] == [p["name"] for p in golden["parts"]]
    for part_now, part_golden in zip(now["parts"], golden["parts"]):
        name = part_golden["name"]
        assert part_now["ids"] == part_golden["ids"], f"{path.name} part {name}: ids or their order changed"
        assert part_golden["ids"] == list(part_golden["quantities"])
        for qid in part_golden["ids"]:
            want, got = part_golden["quantities"][qid], part_now["quantities"][qid]
            assert got["exact"] == want["exact"], f"{path.name} {name} {qid}: exact"
            assert isinstance(got["value"], float) and math.isfinite(got["value"])
            assert got["value"] == want["value"], f"{path.name} {name} {qid}: value"


def test_the_fixture_holds_the_lecture_numbers():
    """A spot check that the fixture is the lecture's solution, not just any output (values from
    tests/test_xor.py, worked by hand in the lecture)."""
    parts = {p["name"]: p["quantities"] for p in _fixture("xor.json")["parts"]}
    assert round(parts["sigmoid"]["act_3"]["value"], 4) == 0.9820
    assert parts["relu"]["net_4"]["exact"] == "0"
    assert len(parts["relu"]) > 50


def _same(a: str, b: str) -> bool:
    """Whether two srepr strings (our own output and fixture, never user text) are sympify-equal."""
    x, y = sp.sympify(a), sp.sympify(b)
    return x == y or sp.simplify(x - y) == 0


@pytest.mark.slow
@pytest.mark.parametrize("key", [k for k in maker.derive_args()
                                 if k.removeprefix("file:").removesuffix(".yaml") not in HAND_CHECKED])
def test_derive_rules_are_unchanged(key: str):
    golden = _fixture("derive_rules.json")[key]
    now = maker.derive_snapshot(maker.derive_args()[key])
    assert [d["name"] for d in now] == [d["name"] for d in golden]
    for d_now, d_golden in zip(now, golden):
        assert d_now["assumptions"] == d_golden["assumptions"]
        assert list(d_now["rules"]) == list(d_golden["rules"])
        for rid, want in d_golden["rules"].items():
            got = d_now["rules"][rid]
            assert _same(got["lhs_srepr"], want["lhs_srepr"]), f"{key} {rid}: left side"
            assert _same(got["srepr"], want["srepr"]), f"{key} {rid}: rule"
            assert [s["activation"] for s in got["specialised"]] == [s["activation"] for s in want["specialised"]]
            for s_now, s_want in zip(got["specialised"], want["specialised"]):
                assert _same(s_now["srepr"], s_want["srepr"]), f"{key} {rid}: specialised for {s_want['activation']}"
