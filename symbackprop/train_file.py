"""`train:` of a problem file (issue 14): a training run's settings read into training.TrainSettings.

Every field is checked on its own, with its line (FILE:LINE: train.field: what is wrong; what is allowed),
as the rest of the problem file is (problem.py). The training samples are the part's own (`sample:` /
`samples:`), or the rows of a CSV file named by `train.data`; the dev samples are `train.dev` (written as
`samples:`) or the rows of `train.dev_data`. A CSV file has a header row naming its columns `x<input id>`
and `t<output id>` (`x1,x2,t5`), any order; every other row is one sample of numbers. Read with the csv
module; never evaluated.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import sympy as sp

from .errors import ProblemError
from .messages import said
from .suggest import with_hint
from .yamlfile import shown

KEYS = ("epochs", "batch_size", "shuffle", "seed", "dev", "data", "dev_data", "early_stopping", "decay")
EARLY_KEYS = ("patience", "metric", "min_delta")
DECAY_KEYS = {"step": ("kind", "every", "factor"),
              "plateau": ("kind", "patience", "factor", "metric", "min_delta", "min_lr")}
MAX_EPOCHS = 100000
MAX_ROWS = 1000                          # as `samples:` (problem.py)


def _hinted(message, value, choices):
    from .problem import hinted
    return hinted(message, value, choices)


def _whole(reader, value: Any, path, low: int, high: int | None) -> int:
    """A whole number from `low` to `high` (None: no upper limit)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        reader.fail(path, said("train.whole_range", field=path[-1], low=low,
                               high="∞" if high is None else "2^64 − 1" if high == 2**64 - 1 else high,
                               got=shown(value)))
    return value


def _metric(reader, raw: dict, path) -> str:
    from .training import METRICS
    value = raw.get("metric", "loss")
    if value not in METRICS:
        reader.fail(path + ("metric",), _hinted(said("train.metric", got=shown(value), allowed=", ".join(METRICS)),
                                                value, METRICS))
    return value


def _non_negative(reader, raw: dict, path, key: str) -> sp.Rational:
    if key not in raw:
        return sp.Integer(0)
    number = reader.number(raw[key], path + (key,))
    if number < 0:
        reader.fail(path + (key,), said("train.non_negative", field=key, got=reader.as_written(number, path + (key,))))
    return number


def _factor(reader, raw: dict, path) -> sp.Rational:
    if "factor" not in raw:
        return sp.Rational(1, 2)
    number = reader.number(raw["factor"], path + ("factor",))
    if not 0 < number < 1:
        reader.fail(path + ("factor",), said("train.factor", got=reader.as_written(number, path + ("factor",))))
    return number


def _raw(cfg: dict) -> tuple[dict, tuple]:
    return cfg["train"]


def csv_path(reader, value: Any, path) -> Path:
    """The CSV file `value` names, relative to the problem file's folder."""
    if not isinstance(value, str) or not value.strip():
        reader.fail(path, said("train.data_path", got=shown(value)))
    return Path(reader.doc.source).parent / value.strip()


def read_csv(reader, value: Any, path, inputs, outputs) -> tuple:
    """The samples of the CSV file `value` (train.data, train.dev_data at `path`): a header `x<input>` and
    `t<output>` columns, a row of numbers per sample."""
    from .problem import Sample
    file = csv_path(reader, value, path)
    columns = [f"x{u}" for u in inputs] + [f"t{u}" for u in outputs]
    try:
        with open(file, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        from .messages import os_reason
        why = os_reason(exc) if isinstance(exc, OSError) else str(exc)
        reader.fail(path, said("train.csv_unreadable", path=str(file), why=why))
    source = str(file)
    rows = [(n, r) for n, r in enumerate(rows, 1) if any(c.strip() for c in r)]
    if not rows:
        raise ProblemError(said("train.csv_no_rows", columns=",".join(columns)), source=source, line=1)
    (hline, header), body = rows[0], rows[1:]
    names = [c.strip() for c in header]
    for k, name in enumerate(names):
        if name in names[:k]:
            raise ProblemError(said("train.csv_column_twice", column=shown(name), allowed=", ".join(columns)),
                               source=source, line=hline)
        if name not in columns:
            unknown = said("train.csv_unknown_column", column=shown(name), allowed=", ".join(columns))
            same = [c for c in columns if c.lower() == name.lower()]     # X1 for x1: closest() takes it as x1 itself
            raise ProblemError(said("hint.did_you_mean", first=unknown, close=same[0]) if same
                               else with_hint(unknown, name, columns), source=source, line=hline)
    for name in columns:
        if name not in names:
            raise ProblemError(said("train.csv_missing_column", column=name, allowed=", ".join(columns)),
                               source=source, line=hline)
    if not body:
        raise ProblemError(said("train.csv_no_rows", columns=",".join(columns)), source=source, line=hline)
    if len(body) > MAX_ROWS:
        raise ProblemError(said("train.csv_too_many", most=MAX_ROWS), source=source, line=body[MAX_ROWS][0])
    where = {name: names.index(name) for name in columns}
    samples = []
    for line, row in body:
        if len(row) != len(names):
            raise ProblemError(said("train.csv_row_length", n=len(row), columns=len(names)), source=source, line=line)
        got = {}
        for name in columns:
            cell = row[where[name]].strip()
            number = _cell_number(cell)
            exp = _exponent_outside(cell) if number is None else None
            if exp is not None:         # a number, but outside what a problem file takes (1e400: not "not a number")
                raise ProblemError(said("train.csv_exponent_range", column=name, got=shown(cell), exp=exp,
                                        most=_max_exponent()), source=source, line=line)
            if number is None:
                raise ProblemError(said("train.csv_not_number", column=name, got=shown(cell)), source=source, line=line)
            got[name] = number
        samples.append(Sample(x=tuple((u, got[f"x{u}"]) for u in inputs), t=tuple((u, got[f"t{u}"]) for u in outputs)))
    return tuple(samples)


def _max_exponent() -> int:
    from .fields import MAX_EXPONENT
    return MAX_EXPONENT


def _exponent_outside(cell: str) -> str | None:
    """The exponent of a decimal cell written with one beyond ±MAX_EXPONENT (1e400, 2.5E-99), else None."""
    from .fields import DECIMAL_RE, MAX_EXPONENT
    if len(cell) <= 60 and DECIMAL_RE.match(cell):
        _, _, exp = cell.lower().partition("e")
        if exp and abs(int(exp)) > MAX_EXPONENT:
            return exp
    return None


def _cell_number(cell: str) -> sp.Rational | None:
    """A CSV cell as an exact number (a decimal, 1e-3 or p/q, as the problem file writes numbers); None if it
    is none."""
    from .fields import DECIMAL_RE, FRACTION_RE, MAX_EXPONENT
    if len(cell) <= 60 and DECIMAL_RE.match(cell):
        mant, _, exp = cell.lower().partition("e")
        if not exp or abs(int(exp)) <= MAX_EXPONENT:
            return sp.Rational(cell.lower())
    if len(cell) <= 60 and FRACTION_RE.match(cell) and int(cell.split("/")[1]) != 0:
        p, q = cell.split("/")
        return sp.Rational(int(p), int(q))
    return None


def samples(reader, cfg: dict, inputs, outputs, read_samples):
    """The part's training samples: the rows of `train.data` when it is given (then not `sample`/`samples`),
    else `read_samples()` (the file's own)."""
    raw, path = _raw(cfg)
    if not isinstance(raw, dict) or "data" not in raw:
        return read_samples()
    for key in ("sample", "samples"):
        if key in cfg:
            reader.fail(cfg[key][1], said("train.data_and_samples", field=key))
    return read_csv(reader, raw["data"], path + ("data",), inputs, outputs)


def _dev(reader, raw: dict, path, inputs, outputs, loss) -> tuple:
    if "dev" in raw and "dev_data" in raw:
        reader.fail(path + ("dev_data",), said("train.dev_twice"))
    if "dev_data" in raw:
        return read_csv(reader, raw["dev_data"], path + ("dev_data",), inputs, outputs)
    if "dev" not in raw:
        return ()
    value, dpath = raw["dev"], path + ("dev",)
    if not isinstance(value, list) or not value:
        reader.fail(dpath, said("train.dev_list"))
    if len(value) > MAX_ROWS:
        reader.fail(dpath, said("problem.too_many_samples", most=MAX_ROWS))
    # reading a sample records where the training samples' values are written: keep those
    origins, targets = dict(reader.origins), dict(reader.target_paths)
    try:
        return tuple(reader.sample(s, dpath + (i,), inputs, outputs, loss, True, i) for i, s in enumerate(value))
    finally:
        reader.origins, reader.target_paths = origins, targets


def _classes(samples) -> bool:
    from .training import predicted_class
    return all(predicted_class([float(v) for _, v in s.t], [float(v) for _, v in s.t]) is not None for s in samples)


def settings(reader, cfg: dict, inputs, outputs, loss, train_samples, training, lr=None):
    """`train:` as a training.TrainSettings, every field checked with its line. `train_samples`: the part's
    training samples; `training`: its optimizer (problem.Training, None: SGD with η); `lr`: the learning rate
    (None: not known), which a plateau decay's min_lr must be below."""
    from .training import Decay, EarlyStopping, TrainSettings
    from .problem import Training
    raw, path = _raw(cfg)
    reader.mapping(raw, path, said("train.what.train"))
    reader.check_keys(raw, KEYS, path, said("train.what.train"))
    if "epochs" not in raw:
        reader.fail(path + ("epochs",), said("train.no_epochs", most=MAX_EPOCHS))
    epochs = _whole(reader, raw["epochs"], path + ("epochs",), 1, MAX_EPOCHS)
    n = len(train_samples)
    batch = raw.get("batch_size")
    if isinstance(batch, int) and not isinstance(batch, bool) and batch > n:
        reader.fail(path + ("batch_size",), said("train.batch_too_big", got=batch, n=n))
    if batch is not None or "batch_size" in raw:      # at most the training samples: the bound said is n
        batch = _whole(reader, raw["batch_size"], path + ("batch_size",), 1, n)
    shuffle = raw.get("shuffle", True)
    if not isinstance(shuffle, bool):
        reader.fail(path + ("shuffle",), said("train.shuffle", got=shown(shuffle)))
    seed = _whole(reader, raw["seed"], path + ("seed",), 0, 2**64 - 1) if "seed" in raw else 0   # as init.seed
    dev = _dev(reader, raw, path, inputs, outputs, loss)
    early = None
    if "early_stopping" in raw:
        epath = path + ("early_stopping",)
        e = reader.mapping(raw["early_stopping"], epath, said("train.what.early_stopping"))
        reader.check_keys(e, EARLY_KEYS, epath, said("train.what.early_stopping"))
        patience = _whole(reader, e["patience"], epath + ("patience",), 0, None) if "patience" in e else 10
        metric = _metric(reader, e, epath)
        early = EarlyStopping(metric, patience, float(_non_negative(reader, e, epath, "min_delta")))
        _watched(reader, epath, metric, dev)
    decay = None
    if "decay" in raw:
        dpath = path + ("decay",)
        d = reader.mapping(raw["decay"], dpath, said("train.what.decay"))
        if "kind" not in d:
            reader.fail(dpath + ("kind",), said("train.decay_no_kind", allowed=", ".join(DECAY_KEYS)))
        kind = d["kind"]
        if kind not in DECAY_KEYS:
            reader.fail(dpath + ("kind",), _hinted(said("train.decay_kind", got=shown(kind),
                                                        allowed=", ".join(DECAY_KEYS)), kind, DECAY_KEYS))
        reader.check_keys(d, DECAY_KEYS[kind], dpath, said("train.what.decay_kind", kind=kind))
        factor = _factor(reader, d, dpath)
        if kind == "step":
            if "every" not in d:
                reader.fail(dpath + ("every",), said("train.decay_no_every"))
            every = _whole(reader, d["every"], dpath + ("every",), 1, None)
            decay = Decay("step", factor, every=every)
        else:
            patience = (_whole(reader, d["patience"], dpath + ("patience",), 0, None) if "patience" in d
                        else Decay.patience)           # 10, as torch's ReduceLROnPlateau
            metric = _metric(reader, d, dpath)
            min_lr = _non_negative(reader, d, dpath, "min_lr")
            if lr is not None and min_lr > 0 and min_lr >= lr:
                written = reader.as_written(min_lr, dpath + ("min_lr",))
                reader.fail(dpath + ("min_lr",), said("train.min_lr_above", got=written, lr=reader.as_written(lr, None)))
            decay = Decay("plateau", factor, patience=patience, metric=metric,
                          min_delta=float(_non_negative(reader, d, dpath, "min_delta")), min_lr=min_lr)
            _watched(reader, dpath, metric, dev)
        opt = training or Training()
        if training is not None and "lr" not in training.values:
            reader.fail(dpath, said("train.decay_no_lr", optimizer=opt.optimizer, form=opt.form))
    return TrainSettings(epochs=epochs, batch_size=batch, shuffle=shuffle, seed=seed, dev=dev,
                         early_stopping=early, decay=decay, places=_places(reader, cfg, raw, path))


def _places(reader, cfg: dict, raw: dict, path) -> tuple:
    """(what, field, line) of the fields the run's size limit may blame (budget.check_training): the epochs, the
    training data (train.data, else the part's samples), the network's layers."""
    from .yamlfile import format_path
    data = (path + ("data",) if "data" in raw else
            next((cfg[k][1] for k in ("samples", "sample") if k in cfg), path))
    layers = cfg["network"][1] + ("layers",) if "network" in cfg else path
    return tuple((what, format_path(p), reader.doc.line_of(p))
                 for what, p in (("epochs", path + ("epochs",)), ("data", data), ("layers", layers)))


def _watched(reader, path, metric: str, dev) -> None:
    """A watcher of the dev set needs one, and its accuracy needs dev targets that are classes."""
    if not dev:
        reader.fail(path, said("train.no_dev", field=path[-1]))
    if metric == "accuracy" and not _classes(dev):
        reader.fail(path + ("metric",), said("train.no_classes"))
