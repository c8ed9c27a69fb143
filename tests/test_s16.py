"""Session 16, merge fixes: small things found while joining the session's branches."""
from __future__ import annotations

import pytest
from conftest import PROBLEMS

from symbackprop import load_problem
from symbackprop.errors import ProblemError
from symbackprop.graph import GRAPH_MODELS, load_graph


@pytest.mark.parametrize("name", ["padding.yaml", "quadratic.yaml"])
def test_load_problem_of_a_graph_model_says_it_is_a_graph(name):
    # every `model:` the commands read as a graph is one load_problem points to load_graph (a masked_mean file was
    # "not a model")
    with pytest.raises(ProblemError, match=r"model: this file is a computation graph \(model: \w+\)"):
        load_problem(PROBLEMS / name)
    assert load_graph(PROBLEMS / name) is not None


def test_not_a_model_lists_every_graph_model():
    with pytest.raises(ProblemError) as e:
        from symbackprop.problem import parse_problem
        parse_problem("model: cubic\n", "p.yaml")
    for model in GRAPH_MODELS:
        assert model in str(e.value)


def test_compiled_refuses_a_dropout_part_loudly():
    # one model for every sample cannot hold a mask per sample: an internal error naming the part, never a
    # SyntaxError from lambdify or a silently unmasked gradient
    from symbackprop.optimize import Compiled
    part = load_problem(PROBLEMS / "xor_dropout.yaml").parts[0]
    with pytest.raises(ValueError, match="dropout"):
        Compiled(part)
