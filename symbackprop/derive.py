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
                    steps.append(Assignment(model.qid("gprime", j, n), model.gprime(j, n), local, section, j, n))
            for idx, j in enumerate(layer):
                if li == len(layers) - 1:
                    delta = _output_delta(model, n, idx, s)
                else:
                    # ∂J/∂u_j = Σ_k ∂J/∂net_k · ∂net_k/∂u_j, with ∂J/∂net_k = s·δ_k
                    dJ_du = sp.Add(*[s * model.delta(k, n) * sp.diff(model.net_terms[(k, n)][j], model.out(j, n))
                                     for k in layers[li + 1]])
                    # δ_j = s·∂J/∂u_j·g'(net_j); s is applied to the sum first, where SymPy folds
                    # s·s = 1 term by term, so both conventions read g'(net_j)·Σ_k w_kj δ_k
                    steps.append(Assignment(model.qid("delta", j, n), model.delta(j, n),
                                            (s * dJ_du) * model.gprime(j, n), section, j, n))
                    continue
                steps.append(Assignment(model.qid("delta", j, n), model.delta(j, n), delta, section, j, n))
        steps.extend(_weight_steps(model, layer, section))
    return steps


def _output_delta(model: Model, n: int, idx: int, s: int) -> sp.Expr:
    """δ_k = s·∂J_n/∂net_k = s·Σ_m ∂J_n/∂u_m · ∂u_m/∂net_k for the idx-th output unit k."""
    part = model.part
    act = part.activations[-1]
    outs = [model.out(k, n) for k in part.outputs]
    loss_rule = model.rule_of[model.sample_loss(n)]
    if act.elementwise:       # ∂u_m/∂net_k = 0 for m ≠ k, g'(net_k) for m = k
        # s multiplies ∂J/∂u_k first, where SymPy folds it in: (t_k − u_k)·g'(net_k) for s = −1
        return (s * sp.diff(loss_rule, outs[idx])) * model.gprime(part.outputs[idx], n)
    return s * sp.Add(*[sp.diff(loss_rule, outs[m]) * softmax_jacobian(outs, m, idx) for m in range(len(outs))])


def _weight_steps(model: Model, layer, section: str) -> list[Assignment]:
    s = model.part.notation.sign
    # ∂J/∂J_n: 1/N for a mean over the batch, 1 for a sum or a single sample
    dJ_dJn = [sp.diff(model.rule_of[model.loss], model.sample_loss(n)) if model.batched else 1
              for n in range(model.n_samples)]
    grads, updates = [], []
    for j in layer:
        for i in model.prev[j]:
            w = model.w[(i, j)]
            terms = []
            for n in range(model.n_samples):
                terms.append(dJ_dJn[n] * s * model.delta(j, n) * sp.diff(model.net_terms[(j, n)][i], w))
            # factor_terms pulls out the batch's 1/N and the convention's sign: −(δ^(1)x^(1) + …)/2
            grad = sp.factor_terms(sp.Add(*terms))
            gsym = model.symbol("grad", j, source=i)
            grads.append(Assignment(model.qid("grad_w", j, source=i), gsym, grad, section, j))
            frozen = model.weights[(i, j)].frozen
            usym = model.symbol("update", j, source=i)
            update = sp.Integer(0) if frozen else -model.eta * grad
            updates.append(Assignment(model.qid("update_w", j, source=i), usym, update, section, j))
            updates.append(Assignment(model.qid("new_w", j, source=i), model.symbol("new", j, source=i), w + usym, "updated", j))
    new = [a for a in updates if a.section == "updated"]
    return grads + [a for a in updates if a.section != "updated"] + new
