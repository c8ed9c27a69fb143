"""Issue 11: typed quantity keys (symbackprop/quantity.py) and the one place for topology (Part).

Every id of `solve --format json` is a `Key` written out by `str(key)` and read back by `Key.parse`;
the expected ids come from the golden fixtures (tests/data/golden/, written before the redesign) and
from the lecture's conventions typed in by hand here, never from the code under test. The topology
helpers are checked against the connections of problems/xor.yaml and problems/deep.yaml listed by hand.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, HAND_CHECKED, NETWORKS, PROBLEMS
from symbackprop.model import Assignment, Model
from symbackprop.problem import load_problem, parse_problem
from symbackprop.quantity import KINDS, PER_BATCH, Key
from symbackprop.solution import solve

GOLDEN = DATA / "golden"
FIXTURES = sorted(p for p in GOLDEN.glob("*.json") if p.stem != "derive_rules")


def _recorded_ids(path: Path) -> list[str]:
    return [q for part in json.loads(path.read_text(encoding="utf-8"))["parts"] for q in part["ids"]]


# -- ids <-> keys ------------------------------------------------------------------------------------

def test_fixtures_cover_every_problem_file():
    assert {p.stem for p in FIXTURES} == {p.stem for p in NETWORKS} - HAND_CHECKED and len(FIXTURES) >= 5


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_every_recorded_solve_id_round_trips(path: Path):
    """Every id `solve --format json` wrote before the redesign reads as a key that writes it back."""
    ids = _recorded_ids(path)
    assert len(ids) > 20
    for qid in ids:
        key = Key.parse(qid)
        assert key is not None, qid
        assert str(key) == qid
        assert key.step is None                          # today's solutions are one step: no t in the id
        assert (key.sample is not None) == ("@" in qid)


@pytest.mark.parametrize("qid, key", [
    ("net_3", Key("net", "3")),
    ("act_h1@2", Key("act", "h1", sample=1)),
    ("gprime_5", Key("gprime", "5")),
    ("delta_5@2", Key("delta", "5", sample=1)),
    ("input_i1@1", Key("input", "i1", sample=0)),
    ("target_7", Key("target", "7")),
    ("w_0_3", Key("w", "3", source="0")),
    ("w_h1_o2", Key("w", "o2", source="h1")),
    ("grad_w_0_3", Key("grad_w", "3", source="0")),
    ("update_w_4_5", Key("update_w", "5", source="4")),
    ("new_w_b_o1", Key("new_w", "o1", source="b")),
    ("loss", Key("loss")),
    ("loss@2", Key("loss", sample=1)),
    ("learning_rate", Key("learning_rate")),
])
def test_ids_name_the_quantity_they_say(qid: str, key: Key):
    """The lecture's ids, read by hand: kind, unit, the weight's source (from_to order), 1-based sample."""
    assert Key.parse(qid) == key
    assert str(key) == qid


@pytest.mark.parametrize("text", [
    # the brief's examples
    "delta_", "w_3", "net_3@0", "grad_w_0_3@1", "foo_3",
    # the same classes: no unit, an edge with one end, sample 0 or spelled otherwise, a per-batch
    # quantity with a sample, an unknown kind
    "", "@1", "net", "net_", "act_@1", "w_0_", "w__3", "grad_w_0", "new_w_3", "net_3_4", "w_0_3_4",
    "net_3@", "net_3@-1", "net_3@+1", "net_3@01", "net_3@1.0", "net_3@１", "net_3@²", "net_3@1@2",
    "net_3@" + "9" * 5000, "update_w_0_3@2", "w_0_3@1", "learning_rate@1", "loss@0", "loss_3",
    "Delta_5", "NET_3", "grad_5", "gp_5", "u_3", "delta_5 ", " delta_5", "delta_5\n", "delta_h-1",
    "net_h_1", "net_" + "1" * 7, "act_h" + "1" * 16, "delta_δ", "net_３",
])
def test_parse_refuses_malformed_ids(text: str):
    assert Key.parse(text) is None


@pytest.mark.parametrize("args, kw", [
    (("grad_w", "3"), {"source": "0", "sample": 0}),     # a weight's gradient is one for the batch
    (("w", "3"), {"source": "0", "sample": 1}),
    (("learning_rate",), {"sample": 0}),
    (("net", "a_b"), {}),                                 # "_" would make the id ambiguous
    (("net", "3 "), {}),
    (("net",), {}),
    (("w", "3"), {}),
    (("loss", "3"), {}),
    (("net", "3"), {"source": "1"}),
    (("foo", "3"), {}),
    (("net", "3"), {"sample": -1}),
    (("net", "3"), {"sample": True}),
    (("net", 3), {}),
])
def test_keys_without_an_id_are_refused(args, kw):
    """Every Key that can be built has an id that reads back as it: the others are refused at once."""
    with pytest.raises(ValueError):
        Key(*args, **kw)


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# the unit ids a problem file may use (fields.ID_RE): a name of letters and digits, or a number of up to 6 digits
UNITS = (st.text("0123456789", min_size=1, max_size=6)
         | st.builds(str.__add__, st.sampled_from(LETTERS), st.text(LETTERS + "0123456789", max_size=15)))


@st.composite
def keys(draw) -> Key:
    kind = draw(st.sampled_from(sorted(KINDS)))
    shape = KINDS[kind]
    unit = draw(UNITS) if shape != "alone" else None
    source = draw(UNITS) if shape == "edge" else None
    sample = None if kind in PER_BATCH else draw(st.none() | st.integers(0, 10**6))
    return Key(kind, unit, source, sample)


@settings(max_examples=300, deadline=None)
@given(keys())
@pytest.mark.slow
def test_generated_keys_round_trip(key: Key):
    qid = str(key)
    assert Key.parse(qid) == key
    assert Key.parse(qid + "x") != key


ID_CHARS = "abcdeghilnoprstuw_@0123456789" + "９²δ -\n"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ID_CHARS, max_size=24) | st.text(max_size=12))
@pytest.mark.slow
def test_parse_reads_only_canonical_ids(text: str):
    """Any text: `parse` never raises, and whatever it reads is spelled exactly as the key writes it
    (so two spellings never name one quantity)."""
    key = Key.parse(text)
    assert key is None or str(key) == text


def test_key_relations():
    d = Key("delta", "5", sample=1)
    assert d.like("gprime") == Key("gprime", "5", sample=1) and str(d.like("act")) == "act_5@2"
    assert d.whole == Key("delta", "5") and d.of_sample(0) == Key("delta", "5", sample=0)
    g = Key("grad_w", "3", source="0")
    assert g.like("w") == Key("w", "3", source="0") and g.edge == ("0", "3") and d.edge is None
    assert Key("w", "3", source="0").given and Key("input", "1").given and not g.given
    with pytest.raises(ValueError):
        g.like("delta")                                  # an edge quantity has no unit-only twin


# -- the solution carries keys -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def xor_relu():
    return solve(PROBLEMS / "xor.yaml").part("relu")


def test_steps_carry_their_keys(xor_relu):
    ids = json.loads((GOLDEN / "xor.json").read_text(encoding="utf-8"))["parts"][0]["ids"]
    assert [s.id for s in xor_relu.steps] == ids
    for s in xor_relu.steps:
        assert isinstance(s.key, Key) and s.key == Key.parse(s.id)
    assert xor_relu.names.text[xor_relu.step(Key("delta", "5")).symbol] == "δ_5"
    assert xor_relu.step(Key("w", "3", source="1")).value == 3           # w_13 = 3 in the lecture
    assert xor_relu.step(Key("learning_rate")).value == 1


def test_step_lookup_by_key_or_id(xor_relu):
    for s in xor_relu.steps:
        assert xor_relu.step(s.key) is s and xor_relu.step(s.id) is s and xor_relu.key(s.id) == s.key
    assert xor_relu.key("delta_output") is None                           # a general rule: no quantity
    with pytest.raises(KeyError):
        xor_relu.step(Key("delta", "9"))
    with pytest.raises(KeyError):
        xor_relu.step("delta_9")


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in NETWORKS if p.stem not in HAND_CHECKED], ids=lambda p: p.stem)
def test_every_problem_files_steps_carry_their_keys(path: Path):
    recorded = json.loads((GOLDEN / f"{path.stem}.json").read_text(encoding="utf-8"))["parts"]
    solution = solve(path)
    for part, rec in zip(solution.parts, recorded):
        assert [s.id for s in part.steps] == rec["ids"]
        assert all(s.key == Key.parse(s.id) for s in part.steps)
        batched = len(part.part.samples) > 1
        assert all(s.key.sample == (s.sample if batched else None) for s in part.steps)


def test_model_keys_carry_the_sample_only_in_a_batch():
    one = Model(load_problem(PROBLEMS / "xor.yaml").part("relu"))
    assert one.qid("net", "3", 0) == Key("net", "3")
    assert one.qid("loss", n=0) == Key("loss")
    batch = Model(load_problem(PROBLEMS / "minibatch.yaml").parts[0])
    assert str(batch.qid("delta", "o1", 1)) == "delta_o1@2"
    assert batch.qid("grad_w", "o1", source="h1") == Key("grad_w", "o1", source="h1")
    assert {str(a.key) for a in batch.forward} >= {"net_h1@1", "act_o2@2", "loss@1", "loss@2", "loss"}
    with pytest.raises(TypeError):
        Assignment("net_3", sp.Symbol("x"), sp.Integer(0), "forward")     # ids are made only from keys


def test_no_module_parses_ids_by_prefix():
    """The issue's rule, kept: code compares keys; no module slices an id by its kind's prefix."""
    kinds = "|".join(sorted(KINDS, key=len, reverse=True))
    pattern = re.compile(rf"""(?:startswith|replace)\(\(?["'](?:{kinds})_|partition\(["']@["']\)""")
    root = Path(__file__).resolve().parent.parent / "symbackprop"
    found = [f"{p.relative_to(root)}:{n}" for p in sorted(root.rglob("*.py")) if p.name != "quantity.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert found == []


# -- topology ----------------------------------------------------------------------------------------

def test_feeders_of_xor():
    part = load_problem(PROBLEMS / "xor.yaml").part("relu")
    # network: inputs 1, 2; bias 0; layers [[3, 4], [5]]
    assert part.feeders("3") == ("0", "1", "2")
    assert part.feeders("4") == ("0", "1", "2")
    assert part.feeders("5") == ("0", "3", "4")
    with pytest.raises(KeyError):
        part.feeders("1")                                # an input is fed by nothing
    assert part.batch_scale == 1


def test_feeders_of_deep():
    part = load_problem(PROBLEMS / "deep.yaml").parts[0]
    # inputs 1, 2; bias 0; layers [[3, 4], [5, 6], [7]]
    expected = {"3": ("0", "1", "2"), "4": ("0", "1", "2"), "5": ("0", "3", "4"), "6": ("0", "3", "4"),
                "7": ("0", "5", "6")}
    assert {j: part.feeders(j) for j in expected} == expected
    # the weights of the part are exactly these connections, bias first, in this order
    assert [(w.source, w.target) for w in part.weights] == [(i, j) for j, fs in expected.items() for i in fs]
    assert Model(part).prev == expected


def _net(extra: str) -> str:
    return ("network: {inputs: [1, 2], layers: [[3], [4]], activation: sigmoid}\n"
            "weights: {1: {3: 1}, 2: {3: 2}, 3: {4: 3}}\n"
            "loss: squared_error\n" + extra)


def test_feeders_without_a_bias():
    part = parse_problem(_net("sample: {x: {1: 1, 2: 0}, t: {4: 1}}\n")).parts[0]
    assert part.feeders("3") == ("1", "2") and part.feeders("4") == ("3",)


@pytest.mark.parametrize("extra, scale", [
    ("sample: {x: {1: 1, 2: 0}, t: {4: 1}}\n", sp.Integer(1)),
    ("samples: [{x: {1: 1, 2: 0}, t: {4: 1}}]\n", sp.Integer(1)),                     # a mean over one
    ("samples: [{x: {1: 1, 2: 0}, t: {4: 1}}, {x: {1: 0, 2: 1}, t: {4: 0}}, {x: {1: 1, 2: 1}, t: {4: 0}}]\n",
     sp.Rational(1, 3)),
    ("samples: [{x: {1: 1, 2: 0}, t: {4: 1}}, {x: {1: 0, 2: 1}, t: {4: 0}}]\nbatch_reduction: sum\n",
     sp.Integer(1)),
    ("samples: [{x: {1: 1, 2: 0}, t: {4: 1}}, {x: {1: 0, 2: 1}, t: {4: 0}}]\nbatch_reduction: mean\n",
     sp.Rational(1, 2)),
])
def test_batch_scale(extra: str, scale):
    part = parse_problem(_net(extra)).parts[0]
    assert part.batch_scale == scale and isinstance(part.batch_scale, sp.Rational)


def test_minibatch_scale_and_feeders():
    part = load_problem(PROBLEMS / "minibatch.yaml").parts[0]
    # two samples, batch_reduction: mean; inputs i1, i2; bias b; layers [[h1, h2], [o1, o2]]
    assert part.batch_scale == sp.Rational(1, 2)
    assert part.feeders("h2") == ("b", "i1", "i2") and part.feeders("o1") == ("b", "h1", "h2")


@settings(max_examples=300, deadline=None)
@given(UNITS | st.text(alphabet=LETTERS[:6] + "0129_ \n-é٣", max_size=18))
@pytest.mark.slow
def test_key_units_are_the_unit_ids_a_problem_file_may_use(text: str):
    """A unit id the problem reader accepts is one a key takes, and only those: no problem file can make
    an id that does not read back (a unit "h\\n" or "a_b" is refused where it is written)."""
    from symbackprop.fields import ID_RE
    accepted = ID_RE.fullmatch(text) is not None
    assert (Key.parse(f"net_{text}") is not None) == accepted
    assert (Key.parse(f"w_0_{text}") is not None) == accepted


@pytest.mark.parametrize("unit", ['"h\\n"', '"h_1"', '"1 "', "1234567", "-3"])
@pytest.mark.slow
def test_problem_file_refuses_unit_ids_without_a_key(unit: str, tmp_path: Path):
    """Refused as bad input (exit 2, one line naming the field), never an internal error."""
    import subprocess
    import sys
    path = tmp_path / "p.yaml"
    path.write_text(f"network: {{inputs: [1, 2], layers: [[{unit}], [4]], activation: sigmoid}}\n"
                    f"weights: {{1: {{{unit}: 1}}, 2: {{{unit}: 2}}, {unit}: {{4: 3}}}}\n"
                    "loss: squared_error\nsample: {x: {1: 1, 2: 0}, t: {4: 1}}\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", "from symbackprop.cli import run; run()", "solve", str(path),
                          "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    assert "network.layers[0][0]" in run.stderr and "is not a unit id" in run.stderr
    assert "Traceback" not in run.stderr


# -- the answer checker reads kinds and samples from keys ---------------------------------------------

@pytest.mark.slow
def test_diagnoses_pair_units_by_key(tmp_path: Path):
    """The mistakes tried for a step come from its key: g(net) for g'(net) of the same unit and sample,
    the g' of another unit of the same sample only (never of the other sample of the batch), the other
    δ convention only for a δ, the updated weight only in a δ that uses a weight."""
    from symbackprop.answers import Grader, Rubric
    from symbackprop.answers import diagnose
    grader = Grader(load_problem(PROBLEMS / "minibatch.yaml"), Rubric())
    try:
        ch = grader.checkers[grader.solution.parts[0].name]
        names = ch.psol.names.text
        sym = {s.id: s.symbol for s in ch.psol.steps}
        # δ_h1 of sample 2 = g'(net_h1^(2))·Σ_k w δ_k^(2): its g' swapped with net_h2's of sample 2 only
        found = {(code, words) for code, words, _ in diagnose._variants(ch, "delta_h1@2")}
        codes = {c for c, _ in found}
        assert {"other_convention", "g_not_gprime", "wrong_unit", "updated_weight"} <= codes and "sign" not in codes
        wrong_unit = [w for c, w in found if c == "wrong_unit"]
        assert wrong_unit == [diagnose.MESSAGES["wrong_unit"].format(used=names[sym["gprime_h2@2"]],
                                                                      right=names[sym["gprime_h1@2"]])]
        assert any(names[sym["net_h1@2"]] in w for c, w in found if c == "g_not_gprime")
        # a net: a sign slip or the bias input taken as 0, nothing about δ, g' or weights
        assert {c for c, _, _ in diagnose._variants(ch, "net_h1@1")} == {"sign", "bias_zero"}
        # the new weight: the old one kept, or Δw subtracted
        assert {"old_weight", "update_subtracted"} <= {c for c, _, _ in diagnose._variants(ch, "new_w_h1_o1")}
        assert ch.kind("delta_o1@2") == "delta" and ch.kind("w_b_h1") == "w" and ch.kind("delta_output") is None
    finally:
        grader.close()
