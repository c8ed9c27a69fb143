"""The weight-update rules: one row per optimizer, each a symbolic step from (∂J/∂w, η, state).

The backward walk (derive.py) gets the update Δw of every weight from a row of this table rather
than writing −η·∂J/∂w itself. A row names the state it carries from one step to the next (none for
plain gradient descent; a velocity for momentum, two moments for Adam) and its parameters with
their defaults (β …), so that an optimizer with state is one more row here: its `step` returns the
update and the new state, both as SymPy expressions in the gradient, η, the state and the parameters.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

import sympy as sp

from .fastops import times

State = Mapping[str, sp.Expr]
# (grad, eta, state, **params) -> (Δw, new state)
StepFunction = Callable[..., tuple[sp.Expr, dict[str, sp.Expr]]]


@dataclass(frozen=True)
class UpdateRule:
    """One row: how a weight moves, given its gradient, the learning rate and the rule's state."""

    name: str
    step: StepFunction
    formula: str
    state: tuple[str, ...] = ()                         # names of the state variables, e.g. ("v",)
    params: dict[str, sp.Expr] = field(default_factory=dict)   # hyperparameters and their defaults

    def update(self, grad: sp.Expr, eta: sp.Expr, state: State | None = None, *, frozen: bool = False,
               **params: sp.Expr) -> tuple[sp.Expr, dict[str, sp.Expr]]:
        """(Δw, new state) for one weight. A frozen weight does not move (Δw = 0) and keeps its state."""
        state = dict(state or {})
        missing = [s for s in self.state if s not in state]
        if missing:
            raise ValueError(f"update rule {self.name} needs its state {', '.join(missing)}")
        if frozen:
            return sp.Integer(0), state
        unknown = set(params) - set(self.params)
        if unknown:
            raise ValueError(f"update rule {self.name} has no parameter {', '.join(sorted(unknown))}")
        return self.step(grad, eta, state, **{**self.params, **params})

    def initial_state(self) -> dict[str, sp.Expr]:
        """The state before the first step: every state variable 0."""
        return {s: sp.Integer(0) for s in self.state}


def _sgd(grad: sp.Expr, eta: sp.Expr, state: State) -> tuple[sp.Expr, dict[str, sp.Expr]]:
    return times(-eta, grad), {}          # −η·grad (fastops: thousands of weights)


TABLE: dict[str, UpdateRule] = {
    "sgd": UpdateRule("sgd", _sgd, "Δw = −η·∂J/∂w"),
}
DEFAULT = "sgd"
NAMES = tuple(TABLE)
