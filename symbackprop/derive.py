"""Backpropagation by the chain rule along the model's graph, done by `sympy.diff`.

Walking the layers from the output back, for every unit j of every sample n:

    ∂J_n/∂net_j = Σ_m ∂J_n/∂u_m · ∂u_m/∂net_j                  (output layer)
    ∂J_n/∂net_j = Σ_k ∂J_n/∂net_k · ∂net_k/∂u_j · g'(net_j)     (hidden layers)
    ∂J/∂w_ij   = Σ_n ∂J/∂J_n · ∂J_n/∂net_j · ∂net_j/∂w_ij

Each ∂ of a rule is `sympy.diff` of that rule; ∂J_n/∂net_k of the layer after is the symbol δ_k
(times the sign of the convention), so every rule stays in the named intermediates of one layer
and the cost grows linearly with the number of weights. With δ = s·∂J/∂net (s = +1 for
`dJ_dnet`, −1 for `minus_dJ_dnet`) the same walk gives either convention's rules.
"""
from __future__ import annotations

import sympy as sp

from .activations import softmax_jacobian
from .model import Assignment, Model


def derive(model: Model) -> list[Assignment]:
    """The backward assignments: g'(net_j), δ_j, ∂J/∂w, Δw and the updated weights, in order."""
    part, s = model.part, model.part.notation.sign
    steps: list[Assignment] = []
    layers = part.layers
    for li in reversed(range(len(layers))):
        layer, act = layers[li], part.activations[li]
        section = "output" if li == len(layers) - 1 else "hidden"
        for n in range(model.n_samples):
            if act.elementwise:
                for j in layer:
                    local = act.derivative(model.net(j, n), model.out(j, n))
                    steps.append(Assignment(model.qid(f"gprime_{j}", n), model.gprime(j, n), local, section, j, n))
            for idx, j in enumerate(layer):
                if li == len(layers) - 1:
                    dJ_dnet = _output_dJ_dnet(model, n, idx)
                else:
                    downstream = layers[li + 1]
                    dJ_dnet = sp.Add(*[s * model.delta(k, n) * sp.diff(_net_rule(model, k, n), model.out(j, n))
                                       for k in downstream]) * model.gprime(j, n)
                steps.append(Assignment(model.qid(f"delta_{j}", n), model.delta(j, n), s * dJ_dnet, section, j, n))
        steps.extend(_weight_steps(model, layer, section))
    return steps


def _net_rule(model: Model, j: str, n: int) -> sp.Expr:
    return sp.Add(*[model.w[(i, j)] * model.out(i, n) for i in model.prev[j]])


def _output_dJ_dnet(model: Model, n: int, idx: int) -> sp.Expr:
    """∂J_n/∂net_k for the idx-th output unit: Σ_m ∂J_n/∂u_m · ∂u_m/∂net_k."""
    part = model.part
    act = part.activations[-1]
    outs = [model.out(k, n) for k in part.outputs]
    loss_rule = next(a.rule for a in model.forward if a.symbol == model.sample_loss(n))
    if act.elementwise:       # ∂u_m/∂net_k = 0 for m ≠ k, g'(net_k) for m = k
        return sp.diff(loss_rule, outs[idx]) * model.gprime(part.outputs[idx], n)
    return sp.Add(*[sp.diff(loss_rule, outs[m]) * softmax_jacobian(outs, m, idx) for m in range(len(outs))])


def _weight_steps(model: Model, layer, section: str) -> list[Assignment]:
    part, s = model.part, model.part.notation.sign
    batch_rule = next((a.rule for a in model.forward if a.id == "loss" and model.batched), None)
    grads, updates = [], []
    for j in layer:
        for i in model.prev[j]:
            w = model.w[(i, j)]
            terms = []
            for n in range(model.n_samples):
                dJ_dJn = sp.diff(batch_rule, model.sample_loss(n)) if batch_rule is not None else 1
                terms.append(dJ_dJn * s * model.delta(j, n) * sp.diff(_net_rule(model, j, n), w))
            grad = sp.Add(*terms)
            gsym = model.symbol("grad", j, source=i)
            grads.append(Assignment(f"grad_w_{i}_{j}", gsym, grad, section, j))
            frozen = model.weights[(i, j)].frozen
            usym = model.symbol("update", j, source=i)
            update = sp.Integer(0) if frozen else -model.eta * grad
            updates.append(Assignment(f"update_w_{i}_{j}", usym, update, section, j))
            updates.append(Assignment(f"new_w_{i}_{j}", model.symbol("new", j, source=i), w + usym, "updated", j))
    new = [a for a in updates if a.section == "updated"]
    return grads + [a for a in updates if a.section != "updated"] + new
