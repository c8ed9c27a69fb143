"""Problem files: YAML in, a frozen, validated `Problem` out.

Every value a user wrote is checked here, so that later stages can trust it; every mistake is a
`ProblemError` naming the file, the line, the field and what is allowed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import sympy as sp

from . import activations, greek, losses
from .activation_formula import formula_activation
from .activations import Activation
from .loss_formula import TARGET_WORDS, formula_loss, is_half, with_facts
from .budget import over_budget
from .usertext import DESCRIPTION_MAX, TITLE_MAX, sanitized
from .fields import FieldReader
from .errors import ProblemError
from .formula import FormulaError
from .messages import said
from .suggest import with_hint
from .quantity import Key
from .yamlfile import Path_, YamlDocument, format_path, load_yaml, parse_yaml, shown

SYMBOL_RE = re.compile(r"^[A-Za-z]{1,8}$")
# the loss may carry one subscript of letters or digits, as a book's E_total (E_{total}); kept as E_{total}
LOSS_SYMBOL_RE = re.compile(r"^([A-Za-z]{1,8})_(?:\{([A-Za-z0-9]{1,8})\}|([A-Za-z0-9]{1,8}))$")
PART_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,40}$")

TOP_KEYS = ("title", "description", "network", "weights", "sample", "samples", "batch_reduction",
            "loss", "learning_rate", "notation", "relu_derivative_at_zero", "precision", "sig_figs", "parts", "grading", "input_gradients", "shared",
            "optimizer", "steps", "update", "init", "train", "dropout")
PART_KEYS = ("name", "title", "description", "network", "activation", "output_activation",
             "weights", "sample", "samples", "batch_reduction", "loss", "learning_rate", "notation",
             "relu_derivative_at_zero", "precision", "sig_figs", "input_gradients", "shared",
             "optimizer", "steps", "update", "init", "train", "dropout")
NETWORK_KEYS = ("inputs", "bias", "layers", "activation", "output_activation", "bias_input")
NOTATION_CHOICES = {"weight": ("from_to", "to_from"), "delta": ("dJ_dnet", "minus_dJ_dnet"),
                    "target_index": ("unit", "position")}
# letters the answers reader already gives a meaning: Euler's number, g of g'(net), net, d of dE/dw
LR_SYMBOL_TAKEN = ("e", "g", "net", "d", "ln", "log", "exp", "max", "step", "new", "pi", "sqrt", "frac", "cdot",
                   "times", "tanh", "relu", "sigmoid", "sign", "sgn")
_STAND_IN_LOSS = "half_squared_error"      # no condition on targets or outputs: nothing more can fail
NOTATION_SYMBOLS = ("activation_symbol", "output_symbol", "target_symbol", "input_symbol",
                    "loss_symbol", "weight_symbol", "learning_rate_symbol")

# the name of a formula activation or loss written without `name` (the renderers name it by its formula)
UNNAMED_FORMULA = "formula"


@dataclass(frozen=True)
class Notation:
    """How the solution writes its symbols, and which δ sign convention it uses."""

    weight: str = "from_to"            # w_{ij} is i -> j; "to_from": w_{ji} is i -> j
    delta: str = "dJ_dnet"             # δ = ∂J/∂net; "minus_dJ_dnet": δ = −∂J/∂net
    activation_symbol: str = "u"
    output_symbol: str | None = None   # defaults to activation_symbol
    target_symbol: str = "t"
    target_index: str = "unit"         # t_5 (unit id) or z_1 (position among the outputs)
    input_symbol: str = "x"
    loss_symbol: str = "J"
    weight_symbol: str = "w"
    learning_rate_symbol: str = "eta"  # η; a book's own letter (alpha: α, as Negnevitsky writes Δw = α·y·δ)
    unit_names: bool = False           # each unit's output by its own name: unit h1 is h_1 (not u_{h1}), net_{h_1}

    @property
    def sign(self) -> int:
        """δ = sign · ∂J/∂net."""
        return 1 if self.delta == "dJ_dnet" else -1


TRAINING_KEYS = ("optimizer", "steps", "update")
UPDATE_CHOICES = ("per_batch", "per_sample")
# what a user may write for an update (the docs call per_sample online learning): the hint to the choice
UPDATE_WORDS = {"online": "hint.update_online", "stochastic": "hint.update_online", "sample": "hint.update_online",
                "batch": "hint.update_batch", "full_batch": "hint.update_batch", "minibatch": "hint.update_batch",
                "mini_batch": "hint.update_batch"}


def hinted(message, value: Any, choices) -> Any:
    """`message` with "(did you mean adam?)": a choice written in other case (`Adam`, `Per_Sample`: the enum
    fields of the file, form, update, batch_reduction, read as written), else the closest (suggest.py)."""
    if isinstance(value, str):
        for c in choices:
            if value != c and value.strip().lower() == c.lower():
                return said("hint.did_you_mean", first=message, close=c)
    return with_hint(message, value, choices)


def setting_hint(message, name: str, form: str, setting: str) -> Any:
    """An unknown setting of an optimizer, with where it is: torch's SGD spelling (`{name: sgd, momentum: 0.9,
    nesterov: true}`) is name: momentum or nesterov here; weight decay on the lecture's Adam is adamw or
    torch's form; a setting torch's form of the optimizer has is form: pytorch."""
    from . import optimizers
    if setting == "nesterov" and name in ("sgd", "momentum"):
        return said("hint.sgd_nesterov", first=message)
    if setting in ("momentum", "dampening") and name == "sgd":
        return said("hint.sgd_momentum", first=message)
    if form == "lecture":
        if setting == "weight_decay" and name == "adam":
            return said("hint.weight_decay_adam", first=message)
        if any(p.name == setting for p in optimizers.optimizer(name, "pytorch").params):
            return said("hint.pytorch_setting", first=message)
    return None
MAX_STEPS = 1000


@dataclass(frozen=True)
class Training:
    """`optimizer:`, `steps:` and `update:` of a part (issue 13): the optimizer's name and form, every setting
    by torch's name (defaults filled in; `lr` is the part's η), the number of steps and whether one update
    follows the whole batch (per_batch) or each sample in order (per_sample)."""

    optimizer: str = "sgd"
    form: str = "lecture"
    settings: tuple[tuple[str, sp.Rational], ...] = ()
    steps: int = 1
    update: str = "per_batch"

    @property
    def values(self) -> dict[str, sp.Rational]:
        return dict(self.settings)


@dataclass(frozen=True)
class Weight:
    source: str
    target: str
    value: sp.Rational
    name: str | None = None
    frozen: bool = False

    @property
    def key(self) -> Key:
        return Key("w", self.target, source=self.source)

    @property
    def id(self) -> str:
        """Always from_to, whatever the notation prints: `w_0_5`."""
        return str(self.key)


@dataclass(frozen=True)
class Sample:
    x: tuple[tuple[str, sp.Rational], ...]
    t: tuple[tuple[str, sp.Rational], ...]


@dataclass(frozen=True)
class Part:
    """One fully resolved exercise: a network, its parameters, data and settings."""

    name: str
    inputs: tuple[str, ...]
    bias: str | None
    layers: tuple[tuple[str, ...], ...]          # non-input layers; the last is the output layer
    activations: tuple[Activation, ...]          # one per entry of `layers`
    weights: tuple[Weight, ...]
    samples: tuple[Sample, ...]
    loss: str
    learning_rate: sp.Rational
    batch_reduction: str = "mean"
    notation: Notation = field(default_factory=Notation)
    relu_derivative_at_zero: sp.Rational = sp.Integer(0)
    precision: int = 4                           # decimal places shown, and the grading's precision
    sig_figs: int | None = None                  # significant figures shown instead of `precision` places
    input_gradients: bool = False                # also ∂J/∂x_i of every input unit (grad_x_<unit>)
    bias_input: sp.Rational = sp.Integer(1)      # the bias unit's output: 1, or −1 for net = Σ w·x − θ
    # tied weights: (parameter name, its edges (source, target)), one parameter on several edges
    shared: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    loss_formula: losses.Loss | None = None      # loss: {formula: ...}: its row (then `loss` is its name)
    # optimizer, steps, update (issue 13); None when the file gives none of them: one SGD step, as before
    training: Training | None = None
    # `init:` (issue 14): how the weights were drawn (init.Init); None when the file gives them
    init: Any = None
    train: Any = None                            # `train:` (issue 14): a training.TrainSettings (train_file.py)
    dropout: tuple = ()                          # `dropout:` (issue 14): dropout.Dropout of each hidden layer with one
    # where in the file each input of the computation was written: (origin, field path, line), origin one
    # of ("act", layer index), ("loss",), ("eta",), ("w", source, target), ("x", unit, sample index)
    written_at: tuple[tuple[tuple, str, int | None], ...] = field(default=(), compare=False, repr=False)

    @property
    def outputs(self) -> tuple[str, ...]:
        return self.layers[-1]

    @property
    def shown_precision(self) -> int:
        """The precision values are shown at: `precision` places, or a printing.SigFigs of `sig_figs`."""
        if self.sig_figs is None:
            return self.precision
        from .printing import SigFigs
        return SigFigs(self.sig_figs)

    @cached_property
    def _feeders(self) -> dict[str, tuple[str, ...]]:
        return feeders_of(self.inputs, self.bias, self.layers)

    def feeders(self, j: str) -> tuple[str, ...]:
        """The units that feed unit j (a unit of `layers`): the bias first, if any, then every unit of
        the layer below, in order. The one place the network's connections are spelled out."""
        return self._feeders[j]

    @cached_property
    def _written_at(self) -> dict[tuple, tuple[str, int | None]]:
        return {origin: (path, line) for origin, path, line in self.written_at}

    def where(self, origin: tuple) -> tuple[str | None, int | None]:
        """(field path, line) of the file's field an origin was read from (`written_at`), for an error
        found only while solving; (None, None) when not known (a part built in code)."""
        return self._written_at.get(origin, (None, None))

    @property
    def batch_scale(self) -> sp.Rational:
        """The factor of the summed sample losses in J: 1/N for a mean over N > 1 samples, else 1."""
        n = len(self.samples)
        return sp.Rational(1, n) if (n > 1 and self.batch_reduction == "mean") else sp.Integer(1)


def feeders_of(inputs: tuple[str, ...], bias: str | None,
               layers: tuple[tuple[str, ...], ...]) -> dict[str, tuple[str, ...]]:
    """Unit j -> the units that feed it (bias first, then the layer below), for every unit of `layers`;
    `Part.feeders` reads it, and the validator uses it before there is a Part."""
    out: dict[str, tuple[str, ...]] = {}
    below = tuple(inputs)
    for layer in layers:
        for j in layer:
            out[j] = ((bias,) if bias is not None else ()) + below
        below = tuple(layer)
    return out


@dataclass(frozen=True)
class Problem:
    title: str
    source: str
    parts: tuple[Part, ...]
    description: str = ""
    grading: Any = None            # rubric.Rubric: points, tolerance and credit for `check`

    def part(self, name: str) -> Part:
        for p in self.parts:
            if p.name == name:
                return p
        from .errors import ProblemError
        from .suggest import with_hint
        names = [p.name for p in self.parts]
        raise ProblemError(with_hint(said("problem.no_part", name=repr(name), parts=", ".join(names)), name, names),
                           source=self.source, field="parts")


def network_ids(problem: Problem, parts: list[str] | None = None) -> set[str]:
    """Every id a rubric's `items` may name: the quantities of the (chosen) parts, their optimizer steps' items
    (step2.new_w_3_5), and the general rules."""
    from .solution import solve
    from .symbolic_rules import RULE_IDS
    out = set(RULE_IDS)
    for p in solve(problem, parts).parts:
        out |= {s.id for s in p.steps}
        if p.run is not None:           # an optimizer step's items, step2.new_w_3_5 (answers/steps.py)
            per_step = [str(s.key.whole) for s in p.steps if s.key.kind in ("net", "act", "gprime", "delta", "input", "target")]
            out |= {f"step{rs.t}.{k}" for rs in p.run.steps for k in (*map(str, rs.values), *per_step)}
    return out


def load_problem(path: str | Path) -> Problem:
    """Read and validate a problem file; every mistake is reported at once (problem_errors.py)."""
    return problem_from_document(load_yaml(path))


def problem_from_document(doc: YamlDocument, command: str = "solve") -> Problem:
    """Validate an already parsed problem file, reporting every mistake at once (problem_errors.py). `command`
    "train": the symbolic budget (budget.over_budget) is not applied; a training run has its own limit
    (budget.check_training)."""
    from .problem_errors import Collector
    reader = Collector(doc)
    reader.command = command
    return reader.problem()


def parse_problem(text: str, source: str = "<string>") -> Problem:
    """Validate a problem given as YAML text (for notebooks and tests)."""
    return problem_from_document(parse_yaml(text, source))


def _choices(names) -> str:
    return ", ".join(names)


def _one(key: str, n: int) -> str:
    """The message id of a count: `key`, or its singular `key_one` when the count is 1 ("1 value")."""
    return key + "_one" if n == 1 else key


def _name_and_form(raw: Any) -> tuple[str, str] | None:
    """(name, form) of an `optimizer:` whose name and form are known (its settings may still be wrong)."""
    from . import optimizers
    if isinstance(raw, str):
        return (raw, optimizers.DEFAULT_FORM) if raw in optimizers.NAMES else None
    if isinstance(raw, dict) and isinstance(raw.get("name"), str) and raw["name"] in optimizers.NAMES:
        form = raw.get("form", optimizers.DEFAULT_FORM)
        return (raw["name"], form) if isinstance(form, str) and form in optimizers.FORMS else None
    return None


class _Validator(FieldReader):
    """Turns the raw YAML data into a Problem, raising at the first mistake."""

    command = "solve"          # "train": no symbolic budget (problem_from_document)

    def checkpoint(self) -> None:
        """Where the parts are read and the budget is next: a reader that collects mistakes
        (problem_errors.Collector) raises them here; this one has raised at the first already."""

    def guarded(self, read, stand_in=None) -> tuple[Any, bool]:
        """(read(), True). A collecting reader records the mistake `read` raises and gives
        (stand_in, False), so that a field's mistake does not hide the next field's."""
        return read(), True

    # -- the whole file ------------------------------------------------------------------------
    def problem(self) -> Problem:
        data = self.doc.data
        if data is None:
            self.fail((), said("problem.empty"))
        self.mapping(data, (), said("what.problem"))
        if "model" in data:
            from .graph import GRAPH_MODELS
            if data["model"] in GRAPH_MODELS:
                self.fail(("model",), said("problem.graph_model", model=data["model"]))
            self.fail(("model",), said("problem.not_a_model", got=shown(data['model'])))
        self.check_keys(data, TOP_KEYS, (), said("what.problem"))
        source = self.doc.source
        title, _ = self.guarded(lambda: self.text(data, ("title",), TITLE_MAX) if "title" in data
                                else sanitized(Path(source).stem), "")
        description, _ = self.guarded(lambda: self.text(data, ("description",), DESCRIPTION_MAX)
                                      if "description" in data else "", "")
        raw_parts = data.get("parts")
        base = {k: (v, (k,)) for k, v in data.items() if k not in ("parts", "grading")}
        if raw_parts is None:
            parts = [self.part("main", base)]
        else:
            if not isinstance(raw_parts, list) or not raw_parts:
                self.fail(("parts",), said("problem.parts_list"))
            parts, names = [], set()
            for i, rp in enumerate(raw_parts):
                self.mapping(rp, ("parts", i), said("what.part"))
                self.check_keys(rp, PART_KEYS, ("parts", i), said("what.part"))
                name = rp.get("name", f"part{i + 1}")
                if not isinstance(name, str) or not PART_NAME_RE.match(name):
                    self.fail(("parts", i, "name"), said("problem.part_name", got=shown(name)))
                if name in names:
                    self.fail(("parts", i, "name"), said("problem.part_twice", got=shown(name)))
                names.add(name)
                for key, limit in (("title", TITLE_MAX), ("description", DESCRIPTION_MAX)):
                    if key in rp:
                        self.text(rp, ("parts", i, key), limit)
                parts.append(self.part(name, self.merge(base, rp, ("parts", i))))
        self.checkpoint()
        refusal = (over_budget(parts, "solve", multi=raw_parts is not None)    # before anything is derived
                   if self.command != "train" else None)
        if refusal is not None:
            data_path = getattr(self, "data_paths", {}).get(refusal.part)
            self.fail(data_path if refusal.path == ("samples",) and data_path else refusal.path, refusal.message)
        problem = Problem(title=title, source=source, parts=tuple(parts), description=description)
        return replace(problem, grading=self.grading(data.get("grading"), problem))

    def grading(self, data: Any, problem: "Problem | None" = None):
        """The `grading:` section (points, tolerance, credit), every mistake of it at once with its line;
        with other mistakes in it, an item id that is no quantity of `problem` is said with them."""
        from .rubric import read_rubric
        return read_rubric(data, self.doc.source, doc=self.doc, path=("grading",),
                           known=None if problem is None else lambda: network_ids(problem))

    def merge(self, base: dict, part: dict, ppath: Path_) -> dict:
        """The part's settings: the top level overridden by the part's own fields."""
        merged = dict(base)
        for key, value in part.items():
            if key in ("name", "title", "description"):
                continue
            if key in ("activation", "output_activation"):
                merged[f"network.{key}"] = (value, ppath + (key,))
            elif key in ("sample", "samples"):
                merged.pop("sample", None)
                merged.pop("samples", None)
                merged[key] = (value, ppath + (key,))
            elif key == "weights":
                merged["weights_override"] = (value, ppath + (key,))
            elif key == "init":           # the part's weights all drawn: the top level's are not used
                merged.pop("weights", None)
                merged["init_own"] = True
                merged[key] = (value, ppath + (key,))
            elif key == "network":        # its own network: the top level's is kept for its weights
                if "network" in merged:
                    merged["network_base"] = merged["network"]
                merged["network_own"] = True
                merged[key] = (value, ppath + (key,))
            else:
                merged[key] = (value, ppath + (key,))
        return merged

    # -- one part ------------------------------------------------------------------------------
    def part(self, name: str, cfg: dict) -> Part | None:
        """One part. Every field that does not depend on another is checked even after a mistake in
        another (`guarded`); a check that depends on a field runs only when that field was read. The
        network's topology is needed by almost everything: a mistake in it ends the part."""
        if "network" not in cfg:
            self.fail(("network",), said("problem.no_network"))
        if "train" in cfg and cfg["train"][0] is None and len(cfg["train"][1]) > 1:   # `train: null` in a part (not
            cfg = {k: v for k, v in cfg.items() if k != "train"}     # the top level's): that part does not train
        net, npath = cfg["network"]
        self.mapping(net, npath, said("what.the_network"))
        self.check_keys(net, NETWORK_KEYS, npath, said("what.network"))
        inputs, bias, layers = self.topology(net, npath)
        units = set(inputs) | set(u for layer in layers for u in layer) | ({bias} if bias else set())
        self.origins: dict[tuple, Path_] = {}     # what solving reads -> the field it was read from
        self.target_paths: dict[tuple[int, str], Path_] = {}   # (sample, unit) -> where its target is written
        # bias_input: -1 makes the bias weights thresholds θ: the errors about them say so
        self.thresholds = not isinstance(net.get("bias_input"), bool) and net.get("bias_input") == -1

        loss_name, loss_ok = self.guarded(lambda: self.loss(cfg), _STAND_IN_LOSS)
        if loss_ok:
            self.guarded(lambda: self.loss_outputs(loss_name, layers[-1], cfg))
        g0, _ = self.guarded(lambda: self.relu_g0(cfg), sp.Integer(0))
        stand_in_acts = tuple(Activation("identity") for _ in layers)
        acts, _ = self.guarded(lambda: self.activations(cfg, net, npath, layers, loss_name, g0, loss_ok),
                               stand_in_acts)
        if loss_ok:
            self.guarded(lambda: self.check_outputs(layers, loss_name, cfg))

        self.drawn = None                          # init.Init where the weights are drawn (`init_weights`)
        weights, weights_ok = self.guarded(lambda: self.all_weights(cfg, inputs, bias, layers, units))
        def read_samples():
            return self.samples(cfg, inputs, layers[-1], self.loss_row(loss_name), loss_known=loss_ok)
        if "train" in cfg:                  # train.data: the samples from a CSV file (train_file.py)
            from . import train_file
            if isinstance(cfg["train"][0], dict) and "data" in cfg["train"][0]:
                self.data_paths = {**getattr(self, "data_paths", {}), name: cfg["train"][1] + ("data",)}
            samples, samples_ok = self.guarded(lambda: train_file.samples(self, cfg, inputs, layers[-1], read_samples))
        else:
            samples, samples_ok = self.guarded(read_samples)
        if samples_ok and loss_ok:
            self.guarded(lambda: self.check_targets(samples, loss_name, cfg))
        lr, lr_ok = self.guarded(lambda: self.learning_rate(cfg), sp.Integer(1))
        training = None
        if any(k in cfg for k in TRAINING_KEYS):
            training, _ = self.guarded(lambda: self.training(cfg, lr if lr_ok else None), None)
            if training is not None and "lr" in training.values:
                lr = training.values["lr"]
        train = None
        if "train" in cfg and samples_ok:
            train, _ = self.guarded(lambda: train_file.settings(self, cfg, inputs, layers[-1], self.loss_row(loss_name),
                                                                samples, training, lr if lr_ok else None), None)
        reduction, _ = self.guarded(lambda: self.batch_reduction(cfg), "mean")
        precision, _ = self.guarded(lambda: self.precision(cfg), 4)
        sig_figs, _ = self.guarded(lambda: self.sig_figs(cfg), None)
        notation, notation_ok = self.guarded(lambda: self.notation(cfg), Notation())
        if notation_ok and notation.unit_names:
            self.guarded(lambda: self.own_names(cfg, notation, inputs, bias, layers, weights if weights_ok else ()))
        gradients, _ = self.guarded(lambda: self.input_gradients(cfg), False)
        bias_input, _ = self.guarded(lambda: self.bias_input(net, npath, bias), sp.Integer(1))
        shared: tuple = ()
        if weights_ok:
            shared, _ = self.guarded(lambda: self.shared(cfg, weights), ())
            if shared and self.drawn is not None:       # a shared parameter drawn once: its first edge's draw
                first = {e: g[0] for _, g in shared for e in g if not set(g) & set(self.drawn.own)}
                value = {(w.source, w.target): w.value for w in weights}
                weights = tuple(replace(w, value=value[first[(w.source, w.target)]])
                                if (w.source, w.target) in first else w for w in weights)
        drop: tuple = ()
        if "dropout" in cfg and samples_ok:
            drop, _ = self.guarded(lambda: self.dropout(cfg, layers, len(samples), training), ())
        if not (weights_ok and samples_ok):
            return None         # only a collecting reader gets here, with the mistakes recorded
        return Part(name=name, inputs=inputs, bias=bias, layers=layers, activations=acts,
                    weights=weights, samples=samples, loss=loss_name, learning_rate=lr,
                    batch_reduction=reduction, notation=notation, relu_derivative_at_zero=g0,
                    precision=precision, sig_figs=sig_figs, input_gradients=gradients,
                    bias_input=bias_input, shared=shared,
                    loss_formula=self.loss_formula if loss_ok else None, training=training, init=self.drawn, train=train,
                    dropout=drop,
                    written_at=tuple((o, format_path(p), self.doc.line_of(p)) for o, p in self.origins.items()))

    def dropout(self, cfg: dict, layers, samples: int, training) -> tuple:
        """`dropout:` (dropout.py): one step by hand; `symbackprop train` draws a fresh mask per update
        (training.py; no `mask` or `seed` needed there); an optimizer's run of several steps in `solve` would need
        a fresh mask each step, which it does not draw: refused, one line."""
        from . import dropout
        train = self.command == "train"
        got = dropout.read(self, cfg, layers, samples, need_mask=not train)
        path = cfg["dropout"][1]
        if train:               # the run draws a fresh mask per update (training.py); the optimizer is the run's
            return got
        if training is not None:
            self.fail(path, said("dropout.optimizer"))
        return got

    def relu_g0(self, cfg: dict) -> sp.Rational:
        """`relu_derivative_at_zero`: g'(0) of relu, from 0 to 1."""
        if "relu_derivative_at_zero" not in cfg:
            return sp.Integer(0)
        v, p = cfg["relu_derivative_at_zero"]
        g0 = self.number(v, p)
        if not 0 <= g0 <= 1:
            self.fail(p, said("problem.relu_g0", got=self.as_written(g0, p)))
        return g0

    def all_weights(self, cfg: dict, inputs, bias, layers, units) -> tuple[Weight, ...]:
        """The part's weights: the top level's, overridden by the part's own `weights`."""
        if "init" in cfg:
            return self.init_weights(cfg, inputs, bias, layers, units)
        if "network_own" in cfg:
            return self.own_network_weights(cfg, inputs, bias, layers, units)
        if "weights" not in cfg:
            self.fail(("weights",), said("problem.no_weights"))
        weights = self.weights(*cfg["weights"], inputs, bias, layers, units)
        if "weights_override" in cfg:
            override = self.weights(*cfg["weights_override"], inputs, bias, layers, units, partial=True)
            by_key = {(w.source, w.target): w for w in weights}
            by_key.update({(w.source, w.target): w for w in override})
            weights = tuple(by_key[(w.source, w.target)] for w in weights)
        return weights

    def own_network_weights(self, cfg: dict, inputs, bias, layers, units) -> tuple[Weight, ...]:
        """The weights of a part that brings its own `network`: each edge of that network takes the part's own
        weight, else the top level's weight of the same two units (read against the top level's network, where
        there is one). The part's weights are checked against the part's network, and a weight that neither
        gives is missing at the part's `weights` (or `network`) line."""
        given: dict[tuple[str, str], Weight] = {}
        if "weights" in cfg:
            raw, wpath = cfg["weights"]
            if "network_base" in cfg and isinstance(cfg["network_base"][0], dict):
                top, tpath = cfg["network_base"]
                t_inputs, t_bias, t_layers = self.topology(top, tpath)
                t_units = set(t_inputs) | {u for layer in t_layers for u in layer} | ({t_bias} if t_bias else set())
                base = self.weights(raw, wpath, t_inputs, t_bias, t_layers, t_units, partial=True)
            else:
                base = self.weights(raw, wpath, inputs, bias, layers, units, partial=True)
            given = {(w.source, w.target): w for w in base}
        own_path = cfg["network"][1]
        if "weights_override" in cfg:
            raw, own_path = cfg["weights_override"]
            given.update({(w.source, w.target): w
                          for w in self.weights(raw, own_path, inputs, bias, layers, units, partial=True)})
        allowed = [(i, j) for j, feed in feeders_of(inputs, bias, layers).items() for i in feed]
        self.all_weights_given(allowed, given, bias, own_path)
        kept = set(allowed)     # a top-level weight of an edge this network has not was read, not used
        for origin in [o for o in self.origins if o[0] == "w" and (o[1], o[2]) not in kept]:
            del self.origins[origin]
        return tuple(given[k] for k in allowed)

    def init_weights(self, cfg: dict, inputs, bias, layers, units) -> tuple[Weight, ...]:
        """`init:` (init.py): every weight of the part's network drawn, then a part's own `weights` over the
        top level's draws. `weights` beside `init` in one place is refused at the `init` line."""
        from .init import draws
        raw, ipath = cfg["init"]
        if "weights" in cfg or ("init_own" in cfg and "weights_override" in cfg):
            self.fail(ipath, said("problem.init_and_weights"))
        settings = self.init_field(raw, ipath)
        drawn = draws(settings, inputs, bias, layers)
        allowed = [(i, j) for j, feed in feeders_of(inputs, bias, layers).items() for i in feed]
        for key in allowed:
            self.origins[("w",) + key] = ipath
        weights = {key: Weight(key[0], key[1], drawn[key]) for key in allowed}
        if "weights_override" in cfg:
            own = self.weights(*cfg["weights_override"], inputs, bias, layers, units, partial=True)
            weights.update({(w.source, w.target): w for w in own})
            settings = replace(settings, own=tuple((w.source, w.target) for w in own))
        if len(layers) > 1 and all(w.value == 0 for w in weights.values()):
            # every weight 0: the hidden units compute the same and are updated the same, forever
            where = ipath + ("places",) if isinstance(raw, dict) and "places" in raw else ipath
            self.fail(where, said("problem.init_all_zero", places=settings.places))
        self.drawn = settings
        return tuple(weights[k] for k in allowed)

    def init_field(self, raw: Any, path: Path_):
        """`init: glorot` or `init: {kind, v, seed, bias, places}` (init.py): v only for uniform, > 0; the seed a
        whole number from 0; bias `draw` (default) or `zero`; places 0 to 15 (default 4)."""
        from . import init
        if isinstance(raw, str) or not isinstance(raw, dict):
            if not isinstance(raw, str):
                self.mapping(raw, path, said("what.init"))
            kind = self.init_kind(raw, path)
            if kind == "uniform":
                self.fail(path, said("problem.init_v_missing"))
            return init.Init(kind)
        self.check_keys(raw, ("kind", "v", "seed", "bias", "places"), path, said("what.init"))
        if "kind" not in raw:
            self.fail(path, said("problem.init_no_kind", kinds=_choices(init.KINDS)))
        kind = self.init_kind(raw["kind"], path + ("kind",))
        v = None
        if kind == "uniform":
            if "v" not in raw:
                self.fail(path, said("problem.init_v_missing"))
            v = self.number(raw["v"], path + ("v",))
            if v <= 0:
                self.fail(path + ("v",), said("problem.init_v_positive", got=self.as_written(v, path + ("v",))))
        elif "v" in raw:
            self.fail(path + ("v",), said("problem.init_v_computed", kind=kind))
        seed = raw.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64:
            self.fail(path + ("seed",), said("problem.init_seed", got=shown(seed)))
        bias = raw.get("bias", "draw")
        if bias not in init.BIAS_CHOICES:
            self.fail(path + ("bias",), hinted(said("problem.init_bias", got=shown(bias),
                                                    allowed=_choices(init.BIAS_CHOICES)), bias, init.BIAS_CHOICES))
        places = raw.get("places", init.DEFAULT_PLACES)
        if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= init.MAX_PLACES:
            self.fail(path + ("places",), said("problem.init_places", got=shown(places), most=init.MAX_PLACES))
        return init.Init(kind, seed, v, bias, places)

    def init_kind(self, raw: Any, path: Path_) -> str:
        """An initialisation's kind: uniform, glorot or he (xavier and kaiming are hinted at their names here)."""
        from . import init
        if raw in init.KINDS:
            return raw
        message = said("problem.init_kind", got=shown(raw), allowed=_choices(init.KINDS))
        word = raw.strip().lower().replace("-", "_") if isinstance(raw, str) else ""
        other = {"xavier": "glorot", "xavier_uniform": "glorot", "glorot_uniform": "glorot", "kaiming": "he",
                 "kaiming_uniform": "he", "he_uniform": "he"}.get(word)
        self.fail(path, said("hint.did_you_mean", first=message, close=other) if other
                  else hinted(message, raw, init.KINDS))

    def learning_rate(self, cfg: dict) -> sp.Rational:
        """`learning_rate`: a positive number (1 if not given)."""
        if "learning_rate" not in cfg:
            return sp.Integer(1)
        v, p = cfg["learning_rate"]
        self.origins[("eta",)] = p
        lr = self.number(v, p)
        if lr <= 0:
            self.fail(p, said("problem.learning_rate", got=self.as_written(lr, p)))
        return lr

    # -- issue 13: optimizer, steps, update ------------------------------------------------------
    def training(self, cfg: dict, eta: sp.Rational | None) -> Training | None:
        """`optimizer:` (a name, or a mapping of name, form and settings by torch's names), `steps:` (1 to
        1000) and `update:` (per_batch or per_sample). η is `optimizer.lr` or `learning_rate` (both given
        and different: a mistake), else the form's default. `eta`: learning_rate as read (None: a mistake).
        Each field and each setting is checked on its own, so that several mistakes are reported together."""
        from . import optimizers
        name, form, given, ok = "sgd", optimizers.DEFAULT_FORM, {}, True
        lr_given = "learning_rate" in cfg
        known: tuple[str, str] | None = (name, form)
        if "optimizer" in cfg:
            raw, opath = cfg["optimizer"]
            got, ok = self.guarded(lambda: self.optimizer_field(raw, opath, eta if lr_given else None), None)
            if got is not None:
                name, form, given = got
            known = (name, form) if got is not None else _name_and_form(raw)
        lr_ok = True
        if lr_given and known is not None and not any(p.name == "lr" for p in optimizers.optimizer(*known).params):
            _, lr_ok = self.guarded(lambda: self.fail(cfg["learning_rate"][1], said(
                "problem.optimizer_no_lr", optimizer=known[0], form=known[1])))
        steps, steps_ok = self.guarded(lambda: self.steps(cfg), 1)
        update, update_ok = self.guarded(lambda: self.update(cfg), "per_batch")
        if not (ok and lr_ok):
            return None
        row = optimizers.optimizer(name, form)
        has_lr = any(p.name == "lr" for p in row.params)
        if lr_given and eta is None:
            return None
        if lr_given and has_lr:
            given.setdefault("lr", eta)
        values = optimizers.settings(name, form, given)
        if not (steps_ok and update_ok):
            return None
        return Training(name, form, tuple(values.items()), steps, update)

    def optimizer_field(self, raw: Any, path: Path_, eta: sp.Rational | None = None) -> tuple[str, str, dict]:
        """(name, form, settings given) of `optimizer:`; the name, the form and every setting checked on its
        own (optimizers.settings), an `lr` that is not the part's `learning_rate` (`eta`, None: not given or
        not read) too, their mistakes raised together (a collecting reader says them in line order)."""
        from . import optimizers
        from .problem_errors import ProblemErrors
        if isinstance(raw, str):
            return self.optimizer_name(raw, path), optimizers.DEFAULT_FORM, {}
        if not isinstance(raw, dict):
            self.fail(path, said("problem.optimizer_shape", got=shown(raw), allowed=", ".join(optimizers.NAMES)))
        if "name" not in raw:
            self.fail(path, said("problem.optimizer_no_name", allowed=", ".join(optimizers.NAMES)))
        found: list = []

        def attempt(read):
            """read(), True; a mistake kept in `found` (raised at once by a reader that stops at the first)."""
            before = getattr(self, "_recorded", 0)
            try:
                got = read()
            except ProblemError as exc:
                if not hasattr(self, "errors"):
                    raise
                found.append(exc)
                return None, False
            return got, getattr(self, "_recorded", 0) == before      # a bad number is recorded, read as 1

        name, _ = attempt(lambda: self.optimizer_name(raw["name"], path + ("name",)))
        form = raw.get("form", optimizers.DEFAULT_FORM)
        attempt(lambda: self.optimizer_form(form, path + ("form",)))
        if found:
            raise ProblemErrors(found) if len(found) > 1 else found[0]
        row = optimizers.optimizer(name, form)
        allowed = [("betas" if p.name == "beta1" else p.name) for p in row.params if p.name != "beta2"]
        given = {}
        for key, value in raw.items():
            if key in ("name", "form"):
                continue
            spath = path + (str(key),)

            def one(key=str(key), value=value, spath=spath):
                if key not in allowed:
                    message = said("optimizer.unknown_setting", optimizer=name, form=form, setting=key,
                                   allowed=", ".join(allowed))
                    self.fail(spath, setting_hint(message, name, form, key) or with_hint(message, key, allowed))
                if key == "betas":
                    if not isinstance(value, list) or len(value) != 2:
                        self.fail(spath, said("optimizer.betas_pair", optimizer=name, value=shown(value)))
                    return [self.number(v, spath + (i,)) for i, v in enumerate(value)]
                return self.number(value, spath)

            number, ok = attempt(one)
            if ok:
                _, ok = attempt(lambda key=str(key), number=number, spath=spath: self.setting(name, form, key,
                                                                                             number, spath))
            if ok and key == "lr" and eta is not None and number != eta:
                _, ok = attempt(lambda number=number, spath=spath: self.fail(spath, said(
                    "problem.optimizer_lr_twice", lr=self.as_written(number, spath),
                    eta=self.as_written(eta, self.origins.get(("eta",))))))
            if ok:
                given[str(key)] = number
        if found:
            raise ProblemErrors(found) if len(found) > 1 else found[0]
        return name, form, given

    def setting(self, name: str, form: str, key: str, number, path: Path_) -> None:
        """One setting in its range (optimizers.settings says what is allowed)."""
        from . import optimizers
        try:
            optimizers.settings(name, form, {key: number})
        except optimizers.OptimizerError as exc:
            fields = dict(exc.fields)
            if exc.key == "optimizer.out_of_range":           # the value as the file writes it: -1e-8, 0.5
                if key == "betas":
                    i = 0 if fields["setting"] == "beta1" else 1
                    fields["value"] = self.as_written(number[i], path + (i,))
                else:
                    fields["value"] = self.as_written(number, path)
            self.fail(path, said(exc.key, **fields))           # a catalogue message: said in --lang too

    def optimizer_form(self, form: Any, path: Path_) -> str:
        from . import optimizers
        if form not in optimizers.FORMS:
            self.fail(path, hinted(said("optimizer.unknown_form", form=form if isinstance(form, str) else shown(form),
                                        allowed=", ".join(optimizers.FORMS)), form, optimizers.FORMS))
        return form

    def optimizer_name(self, raw: Any, path: Path_) -> str:
        from . import optimizers
        if raw is None or (isinstance(raw, str) and not raw.strip()):       # `name: null`, `name:`, `name: ""`
            self.fail(path, said("optimizer.name_missing", allowed=", ".join(optimizers.NAMES)))
        if not isinstance(raw, str) or raw not in optimizers.NAMES:
            self.fail(path, hinted(said("optimizer.unknown", name=raw if isinstance(raw, str) else shown(raw),
                                        allowed=", ".join(optimizers.NAMES)), raw, optimizers.NAMES))
        return raw

    def steps(self, cfg: dict) -> int:
        """`steps`: the number of optimizer steps, 1 to 1000 (1 if not given)."""
        if "steps" not in cfg:
            return 1
        v, p = cfg["steps"]
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= MAX_STEPS:
            self.fail(p, said("problem.steps", got=shown(v), most=MAX_STEPS))
        return v

    def update(self, cfg: dict) -> str:
        """`update`: per_batch (the default: one update per mini-batch) or per_sample (one after each sample)."""
        if "update" not in cfg:
            return "per_batch"
        v, p = cfg["update"]
        if v not in UPDATE_CHOICES:
            message = said("problem.update", got=shown(v), allowed=", ".join(UPDATE_CHOICES))
            word = UPDATE_WORDS.get(v.strip().lower().replace("-", "_")) if isinstance(v, str) else None
            self.fail(p, said(word, first=message) if word else hinted(message, v, UPDATE_CHOICES))
        return v

    def batch_reduction(self, cfg: dict) -> str:
        """`batch_reduction`: mean (the default) or sum."""
        if "batch_reduction" not in cfg:
            return "mean"
        v, p = cfg["batch_reduction"]
        if v not in ("mean", "sum"):
            self.fail(p, said("problem.batch_reduction", got=shown(v)))
        return v

    def precision(self, cfg: dict) -> int:
        """`precision`: decimals shown, 0 to 15 (4 if not given)."""
        if "precision" not in cfg:
            return 4
        v, p = cfg["precision"]
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 15:
            self.fail(p, said("problem.precision", got=shown(v)))
        return v

    def sig_figs(self, cfg: dict) -> int | None:
        """`sig_figs`: significant figures shown, 1 to 15, instead of `precision` (None if not given)."""
        if "sig_figs" not in cfg:
            return None
        v, p = cfg["sig_figs"]
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 15:
            self.fail(p, said("problem.sig_figs", got=shown(v)))
        if "precision" in cfg:
            self.fail(p, said("problem.precision_and_sig_figs"))
        return v

    def topology(self, net: dict, npath: Path_):
        if "inputs" not in net:
            self.fail(npath + ("inputs",), said("problem.no_inputs"))
        if "layers" not in net:
            self.fail(npath + ("layers",), said("problem.no_layers"))
        raw_inputs = net["inputs"]
        if not isinstance(raw_inputs, list) or not raw_inputs:
            self.fail(npath + ("inputs",), said("problem.unit_list"))
        inputs = tuple(self.unit_id(u, npath + ("inputs", i)) for i, u in enumerate(raw_inputs))
        raw_layers = net["layers"]
        if not isinstance(raw_layers, list) or not raw_layers:
            self.fail(npath + ("layers",), said("problem.layer_list"))
        layers = []
        for li, layer in enumerate(raw_layers):
            if not isinstance(layer, list) or not layer:
                self.fail(npath + ("layers", li), said("problem.unit_list"))
            layers.append(tuple(self.unit_id(u, npath + ("layers", li, i)) for i, u in enumerate(layer)))
        bias = None
        if net.get("bias") is not None:
            bias = self.unit_id(net["bias"], npath + ("bias",))
        seen: dict[str, Path_] = {}
        all_ids = [(u, npath + ("inputs", i)) for i, u in enumerate(inputs)]
        all_ids += [(u, npath + ("layers", li, i)) for li, l in enumerate(layers) for i, u in enumerate(l)]
        if bias is not None:
            all_ids.append((bias, npath + ("bias",)))
        for u, p in all_ids:
            if u in seen:
                self.fail(p, said("problem.unit_twice", unit=u))
            seen[u] = p
        if sum(len(l) for l in layers) + len(inputs) > 5000:
            self.fail(npath, said("problem.too_many_units", most=5000))
        return inputs, bias, tuple(layers)

    def activation(self, value: Any, path: Path_, g0: sp.Rational) -> Activation:
        params: dict[str, sp.Expr] = {}
        if isinstance(value, dict) and "formula" in value:
            return self.activation_formula(value, path)
        if isinstance(value, dict):
            if "name" not in value:
                self.fail(path, said("problem.activation_name"))
            raw_params = {str(k): v for k, v in value.items() if k != "name"}
            value = value["name"]
        else:
            raw_params = {}
        if not isinstance(value, str):
            self.fail(path, said("problem.activation_not_text", known=_choices(activations.NAMES)))
        name = activations.ALIASES.get(value.lower(), value.lower())
        if name not in activations.TABLE:
            self.fail(path, with_hint(said("problem.unknown_activation", got=shown(value), known=_choices(activations.NAMES)),
                                       value, list(activations.NAMES) + list(activations.ALIASES)))
        spec = activations.TABLE[name]
        allowed = [k for k in spec.params if k != "g0"]
        for k, v in raw_params.items():
            if k not in allowed:
                key = "problem.unknown_parameter" + ("" if allowed else "_none") + ("_relu" if name == "relu" else "")
                self.fail(path + (k,), said(key, got=shown(k), name=name, allowed=_choices(allowed)))
            params[k] = self.number(v, path + (k,))
        full = dict(spec.params)
        full.update(params)
        if name == "relu":
            full["g0"] = g0
        return Activation(name, tuple(sorted(full.items())))

    def activation_formula(self, value: dict, path: Path_) -> Activation:
        """`{formula: "1.7159*tanh(2*x/3)", name: lecun}`: g of x read by formula.py, g' by SymPy."""
        name, spec = self.formula_field(value, path, "activation", ())
        return Activation(name, (), spec)

    def formula_field(self, value: dict, path: Path_, kind: str, facts: tuple[str, ...]) -> tuple[str, Any]:
        """(name, what formula.py made) of `{formula: ..., name: ...}` and the `facts` keys a `kind` of
        formula also takes: the one reader of the formula field of an activation and of a loss. The
        name is a word, not a built-in's; the formula is text; a FormulaError is the field's error,
        said in the report's language (its `column N:` too)."""
        table, aliases, build = ((activations.TABLE, activations.ALIASES, lambda t, n: formula_activation(t))
                                 if kind == "activation" else (losses.TABLE, losses.ALIASES, formula_loss))
        self.check_keys(value, ("formula", "name") + facts, path, said(f"what.{kind}_formula"))
        text, name = value["formula"], value.get("name", UNNAMED_FORMULA)
        if not isinstance(text, str):
            self.fail(path + ("formula",), said(f"problem.{kind}_formula_text", got=shown(text)))
        if (not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", name)
                or aliases.get(name.lower(), name.lower()) in table):
            self.fail(path + ("name",), said(f"problem.{kind}_formula_name", got=shown(name)))
        try:
            return name, build(text, name)
        except FormulaError as e:
            self.fail(path + ("formula",), said(f"problem.{kind}_formula", text=text, why=e.text()))

    def activations(self, cfg, net, npath, layers, loss_name, g0, loss_known: bool = True) -> tuple[Activation, ...]:
        """One activation per layer. When the loss could not be read (`loss_known` false) whether the
        output layer may go without one (the loss's own output activation) is unknown: not checked."""
        n = len(layers)
        act_value, act_path = cfg.get("network.activation", (net.get("activation"), npath + ("activation",)))
        out_value, out_path = cfg.get("network.output_activation",
                                      (net.get("output_activation"), npath + ("output_activation",)))
        per_layer: list[Activation | None] = [None] * n
        if isinstance(act_value, list):
            if len(act_value) not in (n, n - 1) or (len(act_value) == n - 1 and out_value is None and loss_known
                                                    and self.loss_row(loss_name).default_output_activation is None):
                self.fail(act_path, said("problem.activations_per_layer", layers=n, hidden=n - 1, got=len(act_value)))
            for i, v in enumerate(act_value):
                per_layer[i] = self.activation(v, act_path + (i,), g0)
        elif act_value is not None:
            a = self.activation(act_value, act_path, g0)
            per_layer = [a] * n
            if out_value is None and self.loss_row(loss_name).default_output_activation:
                per_layer[-1] = None      # the loss's own output activation, below
        if out_value is not None:
            per_layer[-1] = self.activation(out_value, out_path, g0)
        from_loss = per_layer[-1] is None and bool(self.loss_row(loss_name).default_output_activation)
        if from_loss:
            per_layer[-1] = Activation(self.loss_row(loss_name).default_output_activation)
        if per_layer[-1] is None and not loss_known:
            per_layer[-1] = Activation("identity")
        for i in range(n):
            self.origins[("act", i)] = (act_path + (i,) if isinstance(act_value, list) and i < len(act_value)
                                        else act_path)
        if out_value is not None:
            self.origins[("act", n - 1)] = out_path
        elif from_loss and "loss" in cfg:
            self.origins[("act", n - 1)] = cfg["loss"][1]      # the loss's own output activation
        for i, a in enumerate(per_layer):
            if a is None:
                self.fail(act_path, said("problem.no_activation", layer=i + 1, known=_choices(activations.NAMES)))
            if a.name == "softmax" and i < n - 1:
                self.fail(act_path, said("problem.softmax_hidden"))
        return tuple(per_layer)  # type: ignore[arg-type]

    def loss(self, cfg) -> str:
        self.loss_formula = None            # before any refusal: a collecting reader goes on past it
        if "loss" not in cfg:
            self.fail(("loss",), said("problem.no_loss", known=_choices(losses.NAMES)))
        v, p = cfg["loss"]
        self.origins[("loss",)] = p
        if isinstance(v, dict) and "formula" in v:
            self.loss_formula = self.formula_loss(v, p)
            return self.loss_formula.name
        if isinstance(v, dict):
            self.check_keys(v, ("name",), p, said("what.loss"))
            v, p = v.get("name"), p + ("name",)
        if not isinstance(v, str):
            self.fail(p, said("problem.loss_not_text", known=_choices(losses.NAMES)))
        name = losses.ALIASES.get(v.lower(), v.lower())
        if name not in losses.TABLE:
            self.fail(p, with_hint(said("problem.unknown_loss", got=shown(v), known=_choices(losses.NAMES)),
                                    v, list(losses.NAMES) + list(losses.ALIASES)))
        return name

    def formula_loss(self, value: dict, path: Path_) -> losses.Loss:
        """`{formula: "(u - t)^2/2", name: half_se, targets: [0, 1], half: true}`: a loss of one output u
        and its target t, summed over the outputs (loss_formula.py), with the facts the file declares."""
        _, row = self.formula_field(value, path, "loss", ("targets", "half"))
        low = high = None
        sum_to_one = False
        if "targets" in value:
            v, p = value["targets"], path + ("targets",)
            if v in TARGET_WORDS:
                sum_to_one = v == "sum_to_one"
            elif isinstance(v, list) and len(v) == 2 and any(b is not None for b in v):
                before = len(getattr(self, "errors", ()))        # a collecting reader goes on past a bad number
                low, high = (None if b is None else self.number(b, p + (i,)) for i, b in enumerate(v))
                if len(getattr(self, "errors", ())) != before:
                    low = high = None                               # its stand-in numbers are no range
                if low is not None and high is not None and low >= high:
                    self.fail(p, said("problem.loss_formula_range", low=str(low), high=str(high)))
            else:
                self.fail(p, said("problem.loss_formula_targets", got=shown(v)))
        half = value.get("half", False)
        if not isinstance(half, bool):
            self.fail(path + ("half",), said("problem.true_or_false"))
        if half and not is_half(row):
            self.fail(path + ("half",), said("problem.loss_formula_half", text=value["formula"]))
        return with_facts(row, low=low, high=high, sum_to_one=sum_to_one, half=half)

    def loss_row(self, name: str) -> losses.Loss:
        """The row of the loss just read: its formula's, or the table's."""
        formula = getattr(self, "loss_formula", None)
        return formula if formula is not None and formula.name == name else losses.TABLE[name]

    # -- weights -------------------------------------------------------------------------------
    def weights(self, raw, wpath, inputs, bias, layers, units, partial=False) -> tuple[Weight, ...]:
        prev = [inputs] + [l for l in layers[:-1]]
        allowed = [(i, j) for j, feed in feeders_of(inputs, bias, layers).items() for i in feed]
        allowed_set = set(allowed)
        given: dict[tuple[str, str], Weight] = {}
        if isinstance(raw, list):
            given = self.weight_matrices(raw, wpath, prev, bias, layers)
        else:
            self.mapping(raw, wpath, said("what.weights"))
            for src_raw, targets in raw.items():
                src = self.unit_id(src_raw, wpath + (str(src_raw),))
                spath = wpath + (str(src_raw),)
                if src not in units:
                    self.fail(spath, said("problem.no_such_unit", unit=src, units=_choices(sorted(units, key=_unit_key))))
                self.mapping(targets, spath, said("what.weights_out", unit=src))
                for dst_raw, spec in targets.items():
                    tpath = spath + (str(dst_raw),)
                    dst = self.unit_id(dst_raw, tpath)
                    if dst not in units:
                        self.fail(tpath, said("problem.no_such_unit", unit=dst, units=_choices(sorted(units, key=_unit_key))))
                    if (src, dst) not in allowed_set:
                        message = said("problem.not_a_connection", src=src, dst=dst)
                        if (dst, src) in allowed_set:          # 4: {3: …} for the weight from 3 to 4
                            message = said("problem.reversed_connection", first=message, src=dst, dst=src)
                        self.fail(tpath, message)
                    given[(src, dst)] = self.weight(src, dst, spec, tpath)
        if not partial:
            self.all_weights_given(allowed, given, bias, wpath)
            return tuple(given[k] for k in allowed)
        return tuple(given[k] for k in allowed if k in given)

    def all_weights_given(self, allowed, given, bias, path: Path_) -> None:
        """Refuse, at `path`, the first edge of `allowed` (in its order) that `given` has no weight for:
        a missing threshold where the bias unit's output is −1 (`thresholds`), else a missing weight."""
        for key in allowed:
            if key not in given:
                threshold = key[0] == bias and getattr(self, "thresholds", False)     # bias_input: -1
                self.fail(path, said("problem.missing_threshold" if threshold else "problem.missing_weight",
                                     src=key[0], dst=key[1]))

    def weight(self, src: str, dst: str, spec: Any, path: Path_) -> Weight:
        name, frozen = None, False
        if isinstance(spec, dict):
            self.check_keys(spec, ("value", "name", "frozen"), path, said("what.weight"))
            if "value" not in spec:
                self.fail(path, said("problem.weight_value"))
            name = spec.get("name")
            if name is not None and (not isinstance(name, str) or not re.match(r"^[A-Za-z][A-Za-z0-9]{0,7}$", name)):
                self.fail(path + ("name",), said("problem.weight_name", got=shown(name)))
            frozen = spec.get("frozen", False)
            if not isinstance(frozen, bool):
                self.fail(path + ("frozen",), said("problem.true_or_false"))
            spec, path = spec["value"], path + ("value",)
        self.origins[("w", src, dst)] = path
        return Weight(src, dst, self.number(spec, path), name, frozen)

    def weight_matrices(self, raw, wpath, prev, bias, layers) -> dict:
        if len(raw) != len(layers):
            self.fail(wpath, said("problem.matrices_per_layer", layers=len(layers), got=len(raw)))
        given = {}
        for li, entry in enumerate(raw):
            epath = wpath + (li,)
            self.mapping(entry, epath, said("what.layer_weights_shape"))
            self.check_keys(entry, ("W", "b", "frozen"), epath, said("what.layer_weights"))
            rows, cols = layers[li], prev[li]
            W = entry.get("W")
            if not isinstance(W, list) or len(W) != len(rows):
                shape = {(True, True): "_one_each", (True, False): "_one_row", (False, True): "_one_value"}
                self.fail(epath + ("W",), said("problem.matrix_rows" + shape.get((len(rows) == 1, len(cols) == 1), ""),
                                               rows=len(rows), row_units=_choices(rows),
                                               cols=len(cols), col_units=_choices(cols)))
            frozen = entry.get("frozen", False)
            if not isinstance(frozen, bool):
                self.fail(epath + ("frozen",), said("problem.true_or_false"))
            for r, row in enumerate(W):
                if not isinstance(row, list) or len(row) != len(cols):
                    self.fail(epath + ("W", r), said(_one("problem.matrix_row", len(cols)), cols=len(cols),
                                                                 col_units=_choices(cols)))
                for c, v in enumerate(row):
                    self.origins[("w", cols[c], rows[r])] = epath + ("W", r, c)
                    given[(cols[c], rows[r])] = Weight(cols[c], rows[r], self.number(v, epath + ("W", r, c)),
                                                       frozen=frozen)
            if bias is not None:
                b = entry.get("b")
                if not isinstance(b, list) or len(b) != len(rows):
                    key = "problem.threshold_weights" if getattr(self, "thresholds", False) else "problem.bias_weights"
                    self.fail(epath + ("b",), said(_one(key, len(rows)), rows=len(rows), row_units=_choices(rows)))
                for r, v in enumerate(b):
                    self.origins[("w", bias, rows[r])] = epath + ("b", r)
                    given[(bias, rows[r])] = Weight(bias, rows[r], self.number(v, epath + ("b", r)), frozen=frozen)
            elif "b" in entry:
                self.fail(epath + ("b",), said("problem.no_bias"))
        return given

    # -- data ----------------------------------------------------------------------------------
    def samples(self, cfg, inputs, outputs, loss: losses.Loss | None = None,
                loss_known: bool = True) -> tuple[Sample, ...]:
        """The sample or samples. When the loss could not be read (`loss_known` false), whether the
        targets are needed is unknown: a sample without them is not refused for it."""
        if "sample" in cfg and "samples" in cfg:
            self.fail(cfg["samples"][1], said("problem.sample_and_samples"))
        if "sample" in cfg:
            v, p = cfg["sample"]
            return (self.sample(v, p, inputs, outputs, loss, loss_known, 0),)
        if "samples" in cfg:
            v, p = cfg["samples"]
            if not isinstance(v, list) or not v:
                self.fail(p, said("problem.samples_list"))
            if len(v) > 1000:
                self.fail(p, said("problem.too_many_samples", most=1000))
            return tuple(self.sample(s, p + (i,), inputs, outputs, loss, loss_known, i) for i, s in enumerate(v))
        self.fail(("sample",), said("problem.no_sample"))

    def sample(self, raw, path, inputs, outputs, loss: losses.Loss | None = None, loss_known: bool = True,
               index: int = 0) -> Sample:
        self.mapping(raw, path, said("what.sample_shape"))
        self.check_keys(raw, ("x", "t"), path, said("what.sample"))
        out = []
        for key, ids, io in (("x", inputs, "input"), ("t", outputs, "output")):
            if key == "t" and not loss_known and "t" not in raw:
                out.append(())
                continue
            if key == "t" and loss is not None and not loss.takes_targets and loss_known:
                self.no_targets(raw, path, loss)
                out.append(())
                continue
            if key not in raw:
                self.fail(path + (key,), said(f"problem.no_{io}_values", units=_choices(ids)))
            vals = raw[key]
            if isinstance(vals, list):
                if len(vals) != len(ids):
                    self.fail(path + (key,), said(_one(f"problem.{io}_count", len(ids)), n=len(ids), units=_choices(ids)))
                vals = dict(zip(ids, vals))
            self.mapping(vals, path + (key,), said(f"what.{io}_values"))
            got = {}
            for k, v in vals.items():
                uid = self.unit_id(k, path + (key, str(k)))
                if uid not in ids:
                    self.fail(path + (key, str(k)), said(f"problem.not_{io}", unit=uid, units=_choices(ids)))
                got[uid] = self.number(v, path + (key, str(k)))
                if key == "t":          # where the value is written: a list's position, a mapping's key
                    self.target_paths[(index, uid)] = (path + (key, ids.index(uid)) if isinstance(raw[key], list)
                                                       else path + (key, str(k)))
                if key == "x":
                    self.origins[("x", uid, index)] = path + (key, str(k))
            for uid in ids:
                if uid not in got:
                    self.fail(path + (key,), said(f"problem.missing_{io}", unit=uid))
            out.append(tuple((uid, got[uid]) for uid in ids))
        return Sample(x=out[0], t=out[1])

    def check_outputs(self, layers, loss_name, cfg) -> None:
        """As many output units as the loss needs (the Loss row's min_outputs: cross-entropy over one
        softmax unit is always 0, so it is refused with a pointer to the loss meant for one output)."""
        loss = self.loss_row(loss_name)
        if len(layers[-1]) < loss.min_outputs:
            self.fail(cfg["loss"][1], said("problem.loss_min_outputs", loss=loss_name, least=loss.min_outputs,
                                           got=len(layers[-1]), instead=loss.one_output_instead))

    def check_targets(self, samples, loss_name, cfg) -> None:
        """Every target inside the range its loss accepts (the Loss row's target facts)."""
        loss = self.loss_row(loss_name)
        if loss_name == UNNAMED_FORMULA and loss.written:      # named by its formula, as the solution does
            loss = replace(loss, name=said("loss.unnamed_formula", formula=loss.written))
        path = cfg.get("samples", cfg.get("sample", (None, ("sample",))))[1]
        for n, s in enumerate(samples):
            for uid, v in s.t:
                why = loss.target_error(v)
                if why:         # at the sample's own target (sample 2's line, not `samples:`), as written
                    where = self.target_paths.get((n, uid), path)
                    self.fail(where, said("problem.target", unit=uid, value=self.as_written(v, where), why=why))

    # -- issue 12: loss none, input gradients, the bias input ------------------------------------
    def loss_outputs(self, loss_name: str, outputs: tuple[str, ...], cfg: dict) -> None:
        """A loss defined for a fixed number of output units (`none`: J is the one output's value)
        refuses a network with another number, at the loss's line."""
        want = self.loss_row(loss_name).outputs
        if want is not None and len(outputs) != want:
            self.fail(cfg["loss"][1], said("problem.loss_outputs", loss=loss_name, want=want, got=len(outputs),
                                           units=_choices(outputs)))

    def no_targets(self, raw: dict, path: Path_, loss: losses.Loss) -> None:
        """A loss without targets (`none`) refuses a sample that gives some: they would be shown and used nowhere."""
        if "t" in raw:
            self.fail(path + ("t",), said("problem.loss_no_targets", loss=loss.name))

    def input_gradients(self, cfg: dict) -> bool:
        """`input_gradients: true` asks for ∂J/∂x_i of every input unit too."""
        if "input_gradients" not in cfg:
            return False
        v, p = cfg["input_gradients"]
        if not isinstance(v, bool):
            self.fail(p, said("problem.true_or_false"))
        return v

    def bias_input(self, net: dict, npath: Path_, bias: str | None) -> sp.Rational:
        """`network.bias_input`: the bias unit's output, 1 (the default) or −1 (net = Σ w·x − θ)."""
        if "bias_input" not in net:
            return sp.Integer(1)
        p = npath + ("bias_input",)
        if bias is None:
            self.fail(p, said("problem.bias_input_no_bias"))
        v = net["bias_input"]
        if isinstance(v, bool) or v not in (1, -1):
            self.fail(p, said("problem.bias_input", got=shown(v)))
        return sp.Integer(v)

    def shared(self, cfg: dict, weights: tuple[Weight, ...]) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
        """`shared: {b1: [w_0_3, w_0_4]}`: one parameter on several edges (by their weight ids). Each
        edge is a connection, in one group only; a group has two edges or more whose given values
        (and frozen settings) agree; a name is letters then digits, unlike any weight's name."""
        if "shared" not in cfg:
            return ()
        raw, path = cfg["shared"]
        self.mapping(raw, path, said("what.shared"))
        by_edge = {(w.source, w.target): w for w in weights}
        taken = {w.name for w in weights if w.name}
        used: set[tuple[str, str]] = set()
        groups = []
        for name, edges in raw.items():
            gpath = path + (str(name),)
            if not isinstance(name, str) or not re.match(r"^[A-Za-z][A-Za-z0-9]{0,7}$", name) or name in taken:
                self.fail(gpath, said("problem.shared_name", got=shown(name)))
            if not isinstance(edges, list) or len(edges) < 2:
                self.fail(gpath, said("problem.shared_edges", name=name))
            keys = []
            for k, wid in enumerate(edges):
                key = Key.parse(wid) if isinstance(wid, str) else None
                edge = (key.source, key.unit) if key is not None and key.kind == "w" else None
                if edge not in by_edge:
                    message = said("problem.shared_not_weight", got=shown(wid))
                    if edge is not None and edge[::-1] in by_edge:     # w_4_3 for w_3_4: ids are w_<from>_<to>
                        message = said("hint.did_you_mean", first=message, close=str(by_edge[edge[::-1]].id))
                    self.fail(gpath + (k,), message)
                if edge in used:
                    self.fail(gpath + (k,), said("problem.shared_twice", got=wid))
                used.add(edge)
                keys.append(edge)
            first = by_edge[keys[0]]
            drawn = self.drawn is not None and not set(keys) & set(self.drawn.own)
            for k, edge in enumerate(() if drawn else keys):    # drawn (`init:`): all take the first's draw
                w = by_edge[edge]
                if w.value != first.value or w.frozen != first.frozen:
                    self.fail(gpath + (k,), said("problem.shared_values", name=name, first=edges[0],
                                                 first_value=self.as_written(first.value, self.origins.get(("w", *keys[0]))),
                                                 edge=edges[k], value=self.as_written(w.value, self.origins.get(("w", *edge)))))
            taken.add(name)
            groups.append((name, tuple(keys)))
        return tuple(groups)

    def notation(self, cfg) -> Notation:
        if "notation" not in cfg:
            return Notation()
        raw, path = cfg["notation"]
        self.mapping(raw, path, said("what.the_notation"))
        allowed = tuple(NOTATION_CHOICES) + NOTATION_SYMBOLS + ("unit_names",)
        self.check_keys(raw, allowed, path, said("what.notation"))
        kw = {}
        for key, value in raw.items():
            if key == "unit_names":
                if not isinstance(value, bool):
                    self.fail(path + (key,), said("problem.unit_names_choice", got=shown(value)))
            elif key in NOTATION_CHOICES:
                if value not in NOTATION_CHOICES[key]:
                    self.fail(path + (key,), with_hint(said("problem.notation_choice", setting=key, got=shown(value),
                                                             allowed=_choices(NOTATION_CHOICES[key])),
                                                        value, NOTATION_CHOICES[key]))
            elif key == "loss_symbol" and isinstance(value, str) and LOSS_SYMBOL_RE.match(value):
                m = LOSS_SYMBOL_RE.match(value)
                value = f"{m.group(1)}_{{{m.group(2) or m.group(3)}}}"         # E_total is E_{total}
            elif not isinstance(value, str) or not SYMBOL_RE.match(value):
                self.fail(path + (key,), said("problem.loss_symbol_name" if key == "loss_symbol"
                                              else "problem.symbol_name", got=shown(value)))
            kw[key] = value
        notation = Notation(**kw)
        if "learning_rate_symbol" in raw:
            self._learning_rate_symbol(notation, path + ("learning_rate_symbol",))
        return notation

    def own_names(self, cfg, notation: Notation, inputs, bias, layers, weights=()) -> None:
        """Under `unit_names`, each unit's output must have a name of its own that reads as nothing else: two
        units may not both be written h_1 (h1 and an input 1 written x_1 under input_symbol h), an own
        name's letters may not be one an answer already reads otherwise (e, g, d, net: e_1 is not Euler's e),
        and a unit w1 may not stand next to a weight (or a shared parameter) named w1: both are w_{1}."""
        from .notation import own_name
        path = cfg["notation"][1] + ("unit_names",)
        seen: dict[str, str] = {}
        owned = {u: own_name(u, notation, False) for u in [*inputs, *(v for layer in layers for v in layer)]}
        for u, own in owned.items():
            if own and re.match(r"(?:e|g|d|net)_", own):
                self.fail(path, said("problem.unit_names_taken", unit=u, name=own))
            sym = notation.input_symbol if u in inputs else notation.activation_symbol
            name = own or sym + ("_" + u if len(u) == 1 else "_{" + u + "}")
            if name in seen:
                self.fail(path, said("problem.unit_names_clash", a=seen[name], b=u, name=name))
            seen[name] = u
        for w in weights:
            if w.name and owned.get(w.name):
                self.fail(path, said("problem.unit_names_weight_clash", unit=w.name, name=owned[w.name],
                                     weight=str(w.key)))
        shared = cfg.get("shared", (None, None))[0]
        for group in shared if isinstance(shared, dict) else ():
            if isinstance(group, str) and owned.get(group):
                self.fail(path, said("problem.unit_names_shared_clash", unit=group, name=owned[group]))

    def _learning_rate_symbol(self, notation: Notation, path) -> None:
        """The learning rate's letter must read as nothing else: not e (Euler's number), g (g'), net, a letter
        the tool writes for its own symbols (δ, Δ, σ), nor another symbol of the notation."""
        lr = notation.learning_rate_symbol
        others = {notation.activation_symbol, notation.output_symbol, notation.target_symbol,
                  notation.input_symbol, notation.loss_symbol, notation.weight_symbol}
        if lr in others or lr in LR_SYMBOL_TAKEN or (lr != "eta" and lr in greek.RESERVED):
            self.fail(path, said("problem.learning_rate_symbol_taken", got=shown(lr)))


def _unit_key(u: str):
    return (0, int(u), "") if u.isdigit() else (1, 0, u)

