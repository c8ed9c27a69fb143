"""The network of one part as a SymPy graph of named intermediate symbols.

Every unit j of every sample n has its own symbols net_j and u_j; the graph is a list of
assignments `symbol := rule`, each rule written in the symbols of the layer before (never the whole
network expanded), so that its size grows linearly with the number of weights.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from . import losses
from .activations import softmax_value
from .fastops import times
from .problem import Part
from .quantity import Key

# SymPy orders the factors of a product by symbol name. The rank prefix of each internal name makes
# that canonical order the one the lecture's printed solution writes: −η·δ_5·u_3, δ_5·w_{35}·g'(net_3)
# (a product of symbols; g' before a sum, as in g'(net_5)·(u_5 − z_1)). After the kind, each unit is named by its place in the network (`Model.position`), so that
# the terms of a sum (a net, a hidden δ's Σ_k δ_k·w_jk) sort in the network's order, not by unit id.
RANK = {"eta": "0", "delta": "1", "w": "2", "gp": "3", "net": "4", "u": "5", "x": "5", "t": "6",
        "loss": "7", "grad": "8", "gradx": "8", "update": "8",
        "new": "9", "sw": "2", "sgrad": "8", "supdate": "8", "snew": "9",
        # dropout (dropout.py): the mask m_j, p, the output the next layer reads ũ_j, and the test-time pass
        "m": "3", "p": "0", "ut": "5", "tnet": "4", "tu": "5", "tut": "5"}

# the quantity kind (quantity.KINDS) of each kind of given symbol: its key in a solution and in the rule check
GIVEN_KINDS = {"w": "w", "eta": "learning_rate", "x": "input", "t": "target", "sw": "shared", "m": "mask",
               "p": "dropout_p"}

# g as a function symbol, for the step "u_j = g(net_j) = <formula>".
g = sp.Function("g")


@dataclass(frozen=True)
class SymInfo:
    """What an internal symbol stands for: its kind, unit(s) and sample (None: not per sample)."""

    kind: str
    unit: str | None = None
    source: str | None = None          # for weights and their gradients: the unit they come from
    sample: int | None = None          # 0-based; shown 1-based


@dataclass(frozen=True)
class Assignment:
    """`symbol := rule`, one quantity of the solution; `key` says which (its id is `str(key)`, its unit
    and sample are the key's: the key is the one truth)."""

    key: Key
    symbol: sp.Symbol
    rule: sp.Expr
    section: str
    forms: tuple[sp.Expr, ...] = ()     # extra symbolic forms shown before `rule`, e.g. g(net_3)
    # a simpler form equal to `rule` (δ_k = u_k − t_k), shown in its place; the value is still `rule`'s,
    # so that the exact value a solution prints does not depend on how the rule is presented
    simple: sp.Expr | None = None

    @property
    def shown(self) -> sp.Expr:
        """The rule as a solution shows it: the simple form where there is one."""
        return self.rule if self.simple is None else self.simple

    def __post_init__(self) -> None:
        if not isinstance(self.key, Key):
            raise TypeError(f"Assignment.key must be a quantity.Key, not {type(self.key).__name__}")

    @property
    def id(self) -> str:
        """The JSON id (`net_3`, `delta_5@2`): made from the key only here, at the output boundary."""
        return str(self.key)

    @property
    def unit(self) -> str | None:
        """The unit of the quantity (the target unit of a weight's), from its key."""
        return self.key.unit

    @property
    def sample(self) -> int | None:
        """The 0-based sample of the quantity in a batch, from its key: None outside a batch and for
        what is one for the whole batch (a weight, its gradient and update, the batch loss)."""
        return self.key.sample


def network_positions(part: Part) -> dict[str, int]:
    """Each unit's place in the network: the bias first, then the inputs and every layer in order
    (the order of `Part.feeders`, and of the layers' units), the order a teacher sums in."""
    units = ([part.bias] if part.bias is not None else []) + list(part.inputs)
    units += [j for layer in part.layers for j in layer]
    return {u: i for i, u in enumerate(units)}


class Model:
    """Symbols and forward rules of a part's network."""

    def __init__(self, part: Part) -> None:
        self.part = part
        self.info: dict[sp.Symbol, SymInfo] = {}
        self._symbols: dict[tuple, sp.Symbol] = {}      # symbol() by its arguments: made once each
        self.n_samples = len(part.samples)
        self.batched = self.n_samples > 1
        self.position = network_positions(part)
        self._width = len(str(len(self.position)))
        self.eta = self.symbol("eta")
        self.w = {(w.source, w.target): self.symbol("w", w.target, source=w.source) for w in part.weights}
        self.weights = {(w.source, w.target): w for w in part.weights}
        self.act_of: dict[str, object] = {}
        self.layer_of: dict[str, int] = {u: 0 for u in part.inputs}
        for li, layer in enumerate(part.layers):
            for j in layer:
                self.act_of[j] = part.activations[li]
                self.layer_of[j] = li + 1
        self.prev: dict[str, tuple[str, ...]] = {j: part.feeders(j) for j in self.act_of}
        self.bias_symbol = self.symbol("x", part.bias) if part.bias is not None else None
        # tied weights: each shared parameter's symbol, and the parameter of each tied edge
        self.shared = {name: self.symbol("sw", name) for name, _ in part.shared}
        self.tied = {edge: name for name, edges in part.shared for edge in edges}
        # dropout (dropout.py): each unit of a dropped-out layer -> its layer's Dropout and place in the layer
        self.dropped: dict[str, tuple[object, int]] = {
            j: (d, k) for d in part.dropout for k, j in enumerate(part.layers[d.layer - 1])}
        self.forward = self._forward()
        self.test_time = self._test_time() if part.dropout else []

    # -- symbols -------------------------------------------------------------------------------
    def symbol(self, kind: str, unit: str | None = None, *, source: str | None = None,
               sample: int | None = None) -> sp.Symbol:
        key = (kind, unit, source, sample)
        sym = self._symbols.get(key)
        if sym is None:
            parts = [RANK[kind] + kind] + [self._sort_name(p) for p in (source, unit) if p is not None]
            name = "_".join(parts) + (f"@{sample}" if sample is not None else "")
            sym = self._symbols[key] = sp.Symbol(name, real=True)
            self.info.setdefault(sym, SymInfo(kind, unit, source, sample))
        return sym

    def _sort_name(self, unit: str) -> str:
        """A unit in an internal name: its network position, zero-padded, then its id (`03:h1`);
        a shared parameter's name (not a unit) as it is."""
        at = self.position.get(unit)
        return unit if at is None else f"{at:0{self._width}d}:{unit}"

    def per_sample(self, n: int) -> int | None:
        return n if self.batched else None

    def net(self, j: str, n: int) -> sp.Symbol:
        return self.symbol("net", j, sample=self.per_sample(n))

    def out(self, j: str, n: int) -> sp.Symbol:
        """The output of unit j in sample n: x_i for inputs and the bias, u_j otherwise."""
        if j == self.part.bias:
            return self.bias_symbol  # type: ignore[return-value]
        kind = "x" if self.layer_of[j] == 0 else "u"
        return self.symbol(kind, j, sample=self.per_sample(n))

    def fed(self, j: str, n: int) -> sp.Symbol:
        """What unit j gives the layer after it in sample n: ũ_j of a dropped-out layer, else `out(j, n)`."""
        if j in self.dropped:
            return self.symbol("ut", j, sample=self.per_sample(n))
        return self.out(j, n)

    def mask(self, j: str, n: int) -> sp.Symbol:
        return self.symbol("m", j, sample=self.per_sample(n))

    def dropout_p(self, layer: int) -> sp.Symbol:
        """p of the dropout on hidden layer `layer` (1-based); its unit is the layer's number."""
        return self.symbol("p", str(layer))

    def target(self, k: str, n: int) -> sp.Symbol:
        return self.symbol("t", k, sample=self.per_sample(n))

    def gprime(self, j: str, n: int) -> sp.Symbol:
        return self.symbol("gp", j, sample=self.per_sample(n))

    def delta(self, j: str, n: int) -> sp.Symbol:
        return self.symbol("delta", j, sample=self.per_sample(n))

    def sample_loss(self, n: int) -> sp.Symbol:
        return self.symbol("loss", sample=self.per_sample(n))

    @property
    def loss(self) -> sp.Symbol:
        """J, the loss the weights are updated for (the batch loss with several samples)."""
        return self.symbol("loss") if self.batched else self.sample_loss(0)

    def qid(self, kind: str, unit: str | None = None, n: int | None = None, *, source: str | None = None) -> Key:
        """The key of a quantity of sample n (0-based): its id is `net_3`, or `net_3@2` for the second
        sample of a batch; outside a batch (or with n None) the key has no sample."""
        return Key(kind, unit, source, n if (n is not None and self.batched) else None)

    # -- the forward graph ---------------------------------------------------------------------
    def _forward(self) -> list[Assignment]:
        part, steps = self.part, []
        for li, layer in enumerate(part.layers):
            act = part.activations[li]
            for n in range(self.n_samples):
                for j in layer:
                    # net_j^(n) = Σ_i w_ij·u_i^(n): term i is the only one with w_ij or u_i (backward.py)
                    rule = sp.Add(*[times(self.w[(i, j)], self.fed(i, n)) for i in self.prev[j]])
                    steps.append(Assignment(self.qid("net", j, n), self.net(j, n), rule, "forward"))
                nets = [self.net(j, n) for j in layer]
                for k, j in enumerate(layer):
                    value = softmax_value(nets, k) if not act.elementwise else act.value(nets[k])
                    forms = () if not act.elementwise else (g(nets[k]),)
                    steps.append(Assignment(self.qid("act", j, n), self.out(j, n), value, "forward", forms))
                steps += [self._masked(j, n) for j in layer if j in self.dropped]
        loss = losses.of(part)
        for n in range(self.n_samples):
            u = [self.out(k, n) for k in part.outputs]
            t = [self.target(k, n) for k in part.outputs] if loss.takes_targets else []
            steps.append(Assignment(self.qid("loss", n=n), self.sample_loss(n), loss.per_sample(u, t), "loss"))
        if self.batched:
            total = part.batch_scale * sp.Add(*[self.sample_loss(n) for n in range(self.n_samples)])
            steps.append(Assignment(Key("loss"), self.loss, total, "loss"))
        return steps

    def _masked(self, j: str, n: int) -> Assignment:
        """ũ_j = m_j·u_j (standard) or m_j·u_j/(1 − p) (inverted): what the next layer reads in training."""
        d, _ = self.dropped[j]
        rule = self.mask(j, n) * self.out(j, n)
        if d.scaling == "inverted":
            rule = rule / (1 - self.dropout_p(d.layer))
        return Assignment(self.qid("masked", j, n), self.fed(j, n), rule, "forward")

    def _test_time(self) -> list[Assignment]:
        """The forward pass at test time, from the first dropped-out layer on, with the weights as given: no
        mask; a dropped-out layer's output ũ_j^test = (1 − p)·u_j (standard) or u_j (inverted), and the nets
        and outputs of the layers after it again (net_k^test, u_k^test)."""
        part, steps = self.part, []
        first = min(d.layer for d in part.dropout)
        for n in range(self.n_samples):
            fed: dict[str, sp.Symbol] = {}          # what each unit gives the next layer at test time

            def test_fed(i: str, n: int = n) -> sp.Expr:
                return fed[i] if i in fed else self.out(i, n)
            for li in range(first - 1, len(part.layers)):
                layer, act = part.layers[li], part.activations[li]
                if li + 1 == first:
                    outs = [self.out(j, n) for j in layer]
                else:
                    nets = []
                    for j in layer:
                        sym = self.symbol("tnet", j, sample=self.per_sample(n))
                        rule = sp.Add(*[times(self.w[(i, j)], test_fed(i)) for i in self.prev[j]])
                        steps.append(Assignment(self.qid("test_net", j, n), sym, rule, "test"))
                        nets.append(sym)
                    outs = [self.symbol("tu", j, sample=self.per_sample(n)) for j in layer]
                    for k, j in enumerate(layer):
                        value = softmax_value(nets, k) if not act.elementwise else act.value(nets[k])
                        forms = () if not act.elementwise else (g(nets[k]),)
                        steps.append(Assignment(self.qid("test_act", j, n), outs[k], value, "test", forms))
                for k, j in enumerate(layer):
                    fed[j] = outs[k]
                    if j in self.dropped:
                        d, _ = self.dropped[j]
                        sym = self.symbol("tut", j, sample=self.per_sample(n))
                        rule = (1 - self.dropout_p(d.layer)) * outs[k] if d.scaling == "standard" else outs[k]
                        steps.append(Assignment(self.qid("test_masked", j, n), sym, rule, "test"))
                        fed[j] = sym
        return steps

    def given(self) -> dict[sp.Symbol, sp.Expr]:
        """The values the problem gives: weights, η, inputs, targets and the bias input (1, or −1)."""
        values: dict[sp.Symbol, sp.Expr] = {self.eta: self.part.learning_rate}
        for key, sym in self.w.items():
            values[sym] = self.weights[key].value
        for name, edges in self.part.shared:
            values[self.shared[name]] = self.weights[edges[0]].value
        if self.bias_symbol is not None:
            values[self.bias_symbol] = self.part.bias_input
        for n, s in enumerate(self.part.samples):
            for i, v in s.x:
                values[self.out(i, n)] = v
            for k, v in s.t:
                values[self.target(k, n)] = v
        for d in self.part.dropout:
            values[self.dropout_p(d.layer)] = d.p
            for n, row in enumerate(d.masks):
                for j, m in zip(self.part.layers[d.layer - 1], row):
                    values[self.mask(j, n)] = sp.Integer(m)
        return values
