"""Check the general rules on a concrete network: put its numbers into every rule and compare.

For every unit (and sample) of the network of a problem file, the general δ_k / δ_j rule, its
specialised form, and the ∂J/∂w and Δw rules are evaluated with that network's values (positions
in the layer as indices, the bias at index 0) and compared with the network's own solution. The
solution is the layer-wise chain rule of derive.py, itself checked against direct differentiation
and finite differences (gradcheck.py); the general rules come from `Sum`s over symbolic sizes, a
second code path.
"""
from __future__ import annotations

import random
from dataclasses import replace

import sympy as sp
import yaml

from . import losses
from .budget import check_budget
from .symbolic_rules import (GeneralDerivation, Rule, RuleCheck, c, delta_h, delta_o, eta, gprime, i, j, k, n_H, net_h,
                      net_o, t, w_o, x, y, z)
from .symbolic_rules import derive_general
from .problem import Part, Problem, parse_problem
from .solution import PartSolution, solve_part


def _close(a: sp.Expr, b: sp.Expr) -> float:
    """|a − b| / max(1, |b|), at 40 digits."""
    diff = abs(sp.N(a - b, 40))
    return float(diff / max(1, abs(sp.N(b, 40))))


def evaluate_rule(expr: sp.Expr, index: dict, values: dict, gprimes: dict) -> sp.Expr:
    """The rule at these indices: sums expanded, g'(net) and the indexed symbols replaced."""
    e = expr.xreplace(index).doit()
    e = e.replace(lambda a: a.func == gprime, lambda a: gprimes[a.args[0]])
    return e.xreplace(values)


class _Evaluator:
    """Values of one part's solution, by quantity id, looked up per sample."""

    def __init__(self, psol: PartSolution) -> None:
        self.psol = psol
        self.part = psol.part
        self.values = {s.id: s.value for s in psol.steps}
        self.batched = len(self.part.samples) > 1

    def get(self, base: str, n: int) -> sp.Expr:
        return self.values[f"{base}@{n + 1}" if self.batched else base]

    def weight(self, source: str, target: str) -> sp.Expr:
        return self.values.get(f"w_{source}_{target}", sp.Integer(0))   # absent: no connection

    def below(self, li: int) -> tuple[str, ...]:
        """The units feeding layer li, without the bias."""
        return self.part.inputs if li == 0 else self.part.layers[li - 1]

    def out(self, unit: str, n: int) -> sp.Expr:
        if unit in self.part.inputs:
            return self.get(f"input_{unit}", n)
        return self.get(f"act_{unit}", n)


def check_rules(derivation: GeneralDerivation, psol: PartSolution) -> tuple[RuleCheck, ...]:
    """Evaluate every rule of `derivation` on the network of `psol` and compare with its values."""
    ev = _Evaluator(psol)
    part = ev.part
    errors: dict[str, list[float]] = {r.id: [] for r in derivation.rules}
    grads: dict[str, dict[tuple[str, str], sp.Expr]] = {"grad_output_weight": {}, "grad_hidden_weight": {},
                                                        "update_output_weight": {}, "update_hidden_weight": {}}
    N = len(part.samples)
    scale = sp.Rational(1, N) if (N > 1 and part.batch_reduction == "mean") else sp.Integer(1)
    last = len(part.layers) - 1
    for n in range(N):
        for li, layer in enumerate(part.layers):
            out_layer = li == last
            below = ev.below(li)
            act = part.activations[li].name
            if out_layer:
                values = {}
                gprimes = {}
                for q, unit in enumerate(layer, start=1):
                    values[t[q]] = ev.get(f"target_{unit}", n)
                    values[z[q]] = ev.get(f"act_{unit}", n)
                    values[net_o[q]] = ev.get(f"net_{unit}", n)
                    if act != "softmax":
                        gprimes[net_o[q]] = ev.get(f"gprime_{unit}", n)
                sizes = {c: len(layer)}
                rule = derivation.rule("delta_output")
                for q, unit in enumerate(layer, start=1):
                    want = ev.get(f"delta_{unit}", n)
                    idx = {**sizes, k: q}
                    _compare(errors, rule, idx, values, gprimes, want, act, "output")
            else:
                above = part.layers[li + 1]
                values, gprimes = {}, {}
                for q, unit in enumerate(above, start=1):
                    values[delta_o[q]] = ev.get(f"delta_{unit}", n)
                for r, unit in enumerate(layer, start=1):
                    values[net_h[r]] = ev.get(f"net_{unit}", n)
                    values[y[r]] = ev.get(f"act_{unit}", n)
                    gprimes[net_h[r]] = ev.get(f"gprime_{unit}", n)
                    for q, unit_k in enumerate(above, start=1):
                        values[w_o[q, r]] = ev.weight(unit, unit_k)
                rule = derivation.rule("delta_hidden")
                for r, unit in enumerate(layer, start=1):
                    want = ev.get(f"delta_{unit}", n)
                    idx = {c: len(above), n_H: len(layer), j: r}
                    _compare(errors, rule, idx, values, gprimes, want, act, "hidden")
            # ∂J/∂w and Δw of the weights into this layer, sample n's share
            kind = "output" if out_layer else "hidden"
            for q, unit in enumerate(layer, start=1):
                feed = [(0, part.bias)] if part.bias is not None else []
                feed += list(enumerate(below, start=1))
                for r, src in feed:
                    if ("w_%s_%s" % (src, unit)) not in ev.values:
                        continue
                    x_value = sp.Integer(1) if src == part.bias else ev.out(src, n)
                    if out_layer:
                        vals = {delta_o[q]: ev.get(f"delta_{unit}", n), y[r]: x_value,
                                eta: part.learning_rate}
                        idx = {k: q, j: r}
                    else:
                        vals = {delta_h[q]: ev.get(f"delta_{unit}", n), x[r]: x_value,
                                eta: part.learning_rate}
                        idx = {j: q, i: r}
                    for what in ("grad", "update"):
                        rid = f"{what}_{kind}_weight"
                        # the per-sample rule before the δ rule is substituted into it
                        form = derivation.rule(rid).forms[1 if what == "update" else -1]
                        share = scale * evaluate_rule(form, idx, vals, {})
                        acc = grads[rid]
                        acc[(src, unit)] = acc.get((src, unit), sp.Integer(0)) + share
    frozen = {(w.source, w.target) for w in part.weights if w.frozen}
    for rid, acc in grads.items():
        what = rid.split("_")[0]
        for (src, unit), value in acc.items():
            if what == "update" and (src, unit) in frozen:
                continue                           # a frozen weight is not updated at all
            errors[rid].append(_close(value, ev.values[f"{what}_w_{src}_{unit}"]))
    return tuple(RuleCheck(rid, len(errs), max(errs, default=0.0)) for rid, errs in errors.items())


def _compare(errors: dict, rule: Rule, idx: dict, values: dict, gprimes: dict, want: sp.Expr,
             act: str, layer: str) -> None:
    """The general rule (g' from the solution) and its specialised form (g' from the table)."""
    errors[rule.id].append(_close(evaluate_rule(rule.rule, idx, values, gprimes), want))
    for label, form in rule.specialised:
        if label != act:
            continue
        errors[rule.id].append(_close(evaluate_rule(form, idx, values, {}), want))



def derive_for_parts(parts: list[Part], source: str = "<problem>", multi: bool | None = None
                     ) -> list[GeneralDerivation]:
    """`derive_for_part` for each part, after refusing the lot if over the size budget (budget.py)."""
    check_budget(source, parts, "derive", multi)
    return [derive_for_part(p, source) for p in parts]


def derive_for_part(part: Part, source: str = "<problem>") -> GeneralDerivation:
    """The general rules for a part's activations, loss and notation, checked on its network
    (refused first if over the size budget, budget.py)."""
    check_budget(source, [part], "derive", multi=False)
    derivation = derive_general(part.name, tuple(dict.fromkeys(part.activations[:-1])), part.activations[-1],
                                part.loss, part.notation)
    return replace(derivation, checks=check_rules(derivation, solve_part(part, source)))


def example_problem(layers: tuple[int, ...], activation: str, output_activation: str | None, loss: str,
                    delta: str = "dJ_dnet", weight: str = "from_to", seed: int = 0) -> Problem:
    """A network of the given sizes (inputs, hidden…, outputs) with seeded small weights, for
    checking the rules when no problem file is given. Built as a problem file and validated."""
    rng = random.Random(seed)

    def quarter() -> str:
        return str(rng.choice([v / 4 for v in range(-8, 9) if v]))

    units, ids = 1, []
    for size in layers:
        ids.append([str(u) for u in range(units, units + size)])
        units += size
    inputs, layer_ids = ids[0], ids[1:]
    weights: dict[str, dict[str, str]] = {}
    feeding = inputs
    for layer in layer_ids:
        for src in ["0"] + feeding:
            weights.setdefault(src, {}).update({dst: quarter() for dst in layer})
        feeding = layer
    outputs = layer_ids[-1]
    if losses.TABLE[loss].constrains_targets:      # one-hot targets fit every loss's target facts
        hot = rng.randrange(len(outputs))
        targets = {u: (1 if q == hot else 0) for q, u in enumerate(outputs)}
    else:
        targets = {u: str(rng.choice([v / 4 for v in range(0, 5)])) for u in outputs}
    network = {"inputs": inputs, "bias": "0", "layers": layer_ids, "activation": activation}
    if output_activation:
        network["output_activation"] = output_activation
    doc = {"title": "generated network", "network": network, "weights": weights,
           "sample": {"x": {u: quarter() for u in inputs}, "t": targets}, "loss": loss,
           "learning_rate": "1/2", "notation": {"delta": delta, "weight": weight}}
    return parse_problem(yaml.safe_dump(doc, sort_keys=False), "<generated network>")
