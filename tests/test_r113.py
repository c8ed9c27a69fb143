"""Session 13, R1: one piece of code for what the answer readers wrote several times (names.hint_for,
names.read_primes, derivative_hint as the one ∂L/∂net → δ reader, the bias weights filed once for θ_j,
cli.joined_or through names.either). These tests cover the callers whose behaviour the merge reached
and no earlier test pinned; the expected names are the problem files' own (δ_5, w_{50}, b5)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import PROBLEMS

from symbackprop.answers import AnswerError, Parser
from symbackprop.answers.names import NameTable, hint_for
from symbackprop.cli import joined_or, main
from symbackprop.solution import solve

XOR = PROBLEMS / "xor.yaml"
THRESHOLD = PROBLEMS / "threshold.yaml"        # bias_input −1: θ_5 is the weight w_{50}


@pytest.fixture(scope="module")
def threshold():
    return NameTable(solve(str(THRESHOLD)).parts[0])


@pytest.mark.parametrize("name", ["∂J/∂net_5", "\\frac{\\partial C}{\\partial net_5}", "∂E_{total}/∂net_5", "dJ/dnet5"])
def test_a_derivative_by_a_net_input_is_its_delta_for_every_reader(threshold, name):
    # δ_5 = ∂J/∂net_5 (the problem's loss is J): whatever letter the loss is written with (C, E_total, the
    # loss's own J) the hint is δ_5; before the merge suggest knew only J, L, E and said ∂J/∂w_{50} for C
    # (session 13, F1: the hint now says this problem's definition, δ_5 = ∂J/∂net_5)
    said = "δ_5, as δ_5 = ∂J/∂net_5 in this problem"
    assert hint_for(threshold, name) == ("close", [said])
    assert threshold.suggest(name) == [said]


def test_a_derivative_by_an_output_is_a_step_and_by_its_own_net_is_g_prime(threshold):
    assert hint_for(threshold, "∂J/∂u_5") == ("intermediate", ["u_5", "δ_5"])
    assert hint_for(threshold, "∂J/∂u_5", derivative=False)[0] == "close"       # a rule over a sum: no step said
    assert threshold.suggest("\\frac{\\partial u_5}{\\partial net_5}") == ["g'(net_5)"]


def test_a_delta_by_a_net_inside_working_gets_the_delta_hint(tmp_path):
    # the checker's reader (inside working) now gives derivative_hint's δ as the others do: it said no hint
    # for ∂C/∂net_5 before (suggest's own ∂/∂net reader knew only L, J and E)
    a = tmp_path / "a.md"
    a.write_text("$w_{35}^{new} = w_{35} - \\eta \\frac{\\partial C}{\\partial net_5} u_3 = 0.5$\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(XOR), str(a), "--part", "sigmoid"])
    assert r.exit_code == 1, r.output
    assert "\\frac{\\partial C}{\\partial net_5} is not a quantity of this problem (did you mean δ_5, as δ_5 = ∂L/∂net_5 in this problem?)" in r.output, r.output


def test_theta_is_the_filed_bias_weight_also_when_the_weight_has_a_name(tmp_path, threshold):
    assert threshold.suggest("theta_5") == ["w_{50}"] and threshold.suggest("θ_9") == ["w_{50}", "w_{40}"]
    named = tmp_path / "named.yaml"
    named.write_text(THRESHOLD.read_text(encoding="utf-8").replace("5: 0.3}", "5: {value: 0.3, name: b5}}"),
                     encoding="utf-8")
    table = NameTable(solve(str(named)).parts[0])
    # b5 keeps its own name (no θ_5 spelling is filed for it), but θ_5 written for it is still read as b5
    assert "θ_5" not in table.by_key and table.lookup("b5") is not None
    assert table.suggest("θ_5") == ["b5"] and table.suggest("Δtheta_3") == ["Δw_{30}"]


def test_a_rule_s_prime_letter_is_read_by_the_shared_reader():
    from symbackprop.answers.rule_answers import RuleChecker
    from symbackprop.problem import Notation
    from symbackprop.symbolic_rules import derive_general
    from symbackprop import activations

    def act(name):
        return activations.Activation(name, tuple(sorted(activations.TABLE[name].params.items())))
    dv = derive_general("main", (act("tanh"),), act("sigmoid"), "half_squared_error", Notation())
    parser = Parser()
    try:
        rules = RuleChecker(dv, parser)
        assert rules.primes("f'(net_{k}) + \\sigma'(net_k)") == " g'(net_k)  +  g'(net_k) "
        assert rules.primes("\\tanh^{\\prime}(net_{j})") == " g'(net_j) "
        with pytest.raises(AnswerError, match=r"sigma'\(net_j\): unit j's activation is tanh"):
            rules.primes("\\sigma'(net_j)")
    finally:
        parser.close()


def test_joined_or_is_either_said_in_the_language():
    # the catalogues' names.or: "{first} or {rest}" (en), "{first} 或 {rest}" (zh)
    assert joined_or("en", ["--part a", "--part b", "--part c"]) == "--part a or --part b or --part c"
    assert joined_or("zh", ["--part a", "--part b", "--part c"]) == "--part a 或 --part b 或 --part c"
    assert joined_or("zh", ["--part a"]) == "--part a"
