"""Session 13 (r3): the rules of a network with several hidden layers are built once per derivation
(GeneralDerivation.deeper), and `derive --format json` gives each of them the units it runs over, its
lhs's srepr, its printed chain and the check that covers it (new keys; the old ones are unchanged)."""
from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from conftest import PROBLEMS
from symbackprop.cli import main


def _run(*args: str):
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.output


def test_deep_json_gives_the_units_of_the_problem():
    """deep.yaml, read here with plain YAML: inputs [1, 2], layers [[3, 4], [5, 6], [7]] (two hidden
    layers, then the output). So l (a unit of a hidden layer above a hidden layer) runs over 5, 6; j (a
    unit of a hidden layer below one) over 3, 4; an input-to-hidden weight goes from i in 1, 2 into j of
    the first hidden layer, 3, 4."""
    raw = yaml.safe_load((PROBLEMS / "deep.yaml").read_text(encoding="utf-8"))["network"]
    inputs = [str(u) for u in raw["inputs"]]
    hidden = [[str(u) for u in layer] for layer in raw["layers"][:-1]]
    assert hidden == [["3", "4"], ["5", "6"]]         # the file as the docstring reads it
    code, out = _run("derive", str(PROBLEMS / "deep.yaml"), "--format", "json")
    assert code == 0, out
    dv = json.loads(out)["derivations"][0]
    assert dv["input_units"] == inputs and dv["hidden_units"] == hidden
    deeper = dv["deeper_rules"]
    below, above = hidden[0], hidden[1]
    assert deeper["net_hidden_later"]["units"] == {"l": above}
    for key in ("delta_hidden_below_hidden", "grad_hidden_to_hidden_weight", "update_hidden_to_hidden_weight"):
        assert deeper[key]["units"] == {"j": below, "l": above}, key
    assert deeper["update_input_to_hidden_weight"]["units"] == {"i": inputs, "j": hidden[0]}
    # every check named is one the derivation ran, and agreed; the net of a later layer is not a check
    assert deeper["net_hidden_later"]["check"] is None
    for key, r in deeper.items():
        if r["check"] is not None:
            assert dv["checks"][r["check"]]["ok"], key
        # the chain starts at the lhs of the rule's LaTeX and ends at its written-out form (same printer)
        lhs, rhs = r["latex"].split(" = ", 1)
        assert r["chain_latex"].startswith(lhs + " = "), key
        assert "Indexed" in r["lhs_srepr"] or "Derivative" in r["lhs_srepr"], key
        # the old keys are all still there
        assert {"text", "latex", "srepr", "specialised"} <= set(r), key
    # the chains of Δw_jl: lhs, −η·∂J/∂w, −η·δ_l·u_j, then the form written out with δ_l
    upd = deeper["update_hidden_to_hidden_weight"]["chain_latex"].split(" = ")
    assert len(upd) == 4 and upd[1] == r"- \eta \frac{\partial J}{\partial w_{jl}}", upd


@pytest.mark.slow           # a derivation of its own (not the memo's): about a second
def test_deeper_rules_are_built_once_per_derivation(monkeypatch):
    """One derivation of deep.yaml, its check and all of text, Markdown and JSON: deeper_rules runs once."""
    from symbackprop import rule_check, symbolic_rules
    from symbackprop.problem import load_problem
    from symbackprop.render import render
    calls = []
    real = symbolic_rules.deeper_rules

    def counted(dv, reference=False):
        calls.append(dv.name)
        return real(dv, reference)

    monkeypatch.setattr(rule_check, "deeper_rules", counted)
    monkeypatch.setattr(symbolic_rules, "deeper_rules", counted)
    part = load_problem(PROBLEMS / "deep.yaml").parts[0]
    dv = rule_check._derive_for_part(part)
    for fmt in ("text", "markdown", "json"):
        assert render([dv], fmt, lang="en")
    assert calls == [dv.name]
    assert {ch.id for ch in dv.checks} >= {"grad_hidden_to_hidden_weight", "update_hidden_to_hidden_weight"}


def test_one_hidden_layer_has_no_deeper_rules():
    from symbackprop.problem import load_problem
    from symbackprop.rule_check import derive_for_part
    dv = derive_for_part(load_problem(PROBLEMS / "xor.yaml").parts[0])
    assert dv.deeper is None and len(dv.hidden_units) == 1
