"""Padding and the masked mean (`model: masked_mean`, issue 14): a mini-batch of sentences of different
lengths, padded to one length, each averaged over its real words only, read AS a computation graph.

The file gives a vocabulary of small embeddings (the pad token's too), the sentences as word lists,
`pad_to`, optional masks (else made from the lengths), the targets and a classifier on the mean embedding,
y_s = σ(w·h_s + b) with a binary cross-entropy (or ½(y − t)²), J the mean over the sentences. `masked_graph`
writes it as the graph's nodes, one step each of the lecture's recipe:

    x_si = e_word        the embedding at position i of sentence s (a row of the embedding table)
    z_si = M_si·x_si     1) the pads zeroed (M_si = 0 at a pad)
    S_s  = Σ_i z_si      2) summed
    n_s  = Σ_i M_si      the number of real words
    h_s  = S_s/n_s       3) divided by it
    a_s = w·h_s + b, y_s = σ(a_s), L_s, J = (L_1 + … + L_S)/S

so that solve, derive, check and grade are the graph's (graph.py), and every derivative SymPy's. The
embedding table's rows are inputs e<word> (`emovie`; the pad token `[pad]` is `epad`), parameters with w
and b. `unmasked` is the same batch averaged over all pad_to positions (every M_si = 1), the mistake the
worked solution computes next to the right one (render/padding.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import sympy as sp

from .fields import FieldReader
from .messages import said
from .usertext import DESCRIPTION_MAX, TITLE_MAX, sanitized
from .yamlfile import YamlDocument, shown

KEYS = ("title", "description", "model", "embeddings", "pad", "sentences", "pad_to", "masks", "targets", "w", "b",
        "loss", "precision")
LOSSES = ("bce", "half_squared")
PAD = "[pad]"
MAX_SENTENCES = 4
MAX_PAD_TO = 6
MAX_WORDS = 12          # the vocabulary, the pad token included
MAX_DIM = 3
WORD_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,14}$")


@dataclass(frozen=True)
class PaddedBatch:
    """A `model: masked_mean` file, read: `vocab` word -> embedding (a d×1 Matrix), in the file's order;
    `sentences` the real words of each; `masks` the rows of M (0/1), pad_to long."""

    title: str
    source: str
    vocab: dict
    pad: str
    sentences: tuple[tuple[str, ...], ...]
    pad_to: int
    masks: tuple[tuple[int, ...], ...]
    targets: tuple
    w: Any
    b: Any
    loss: str = "bce"
    precision: int = 4
    description: str = ""
    lines: tuple = ()       # (path, line) of the file's entries, for errors found later

    @property
    def dim(self) -> int:
        return next(iter(self.vocab.values())).shape[0]

    def tokens(self, s: int) -> list[str]:
        """Sentence s (from 0) padded to pad_to."""
        return list(self.sentences[s]) + [self.pad] * (self.pad_to - len(self.sentences[s]))

    def lengths(self) -> list[int]:
        return [sum(m) for m in self.masks]


def word_name(word: str) -> str:
    """The graph's name of a word's embedding: e + its letters and digits (movie: emovie; [pad]: epad)."""
    return "e" + "".join(ch for ch in word if ch.isalnum())


def is_masked_mean(doc: YamlDocument) -> bool:
    return isinstance(doc.data, dict) and doc.data.get("model") == "masked_mean"


class _Reader(FieldReader):
    def batch(self) -> PaddedBatch:
        data = self.doc.data
        self.check_keys(data, KEYS, (), said("padding.what"))
        for key in ("embeddings", "sentences", "targets", "w"):
            if key not in data:
                self.fail((key,), said("padding.missing", field=key))
        title = self.text(data, ("title",), TITLE_MAX) if "title" in data else sanitized(Path(self.doc.source).stem)
        description = self.text(data, ("description",), DESCRIPTION_MAX) if "description" in data else ""
        pad = data.get("pad", PAD)
        if not isinstance(pad, str) or not WORD_RE.match(word_name(pad)[1:] or "-"):
            self.fail(("pad",), said("padding.bad_pad", got=shown(pad)))
        vocab = self.vocabulary(data["embeddings"], pad)
        dim = next(iter(vocab.values())).shape[0]
        pad_to = data.get("pad_to")
        sentences = self.sentences(data["sentences"], vocab, pad)
        longest = max(len(s) for s in sentences)
        if pad_to is None:
            pad_to = longest
        elif isinstance(pad_to, bool) or not isinstance(pad_to, int) or pad_to < 1:
            self.fail(("pad_to",), said("padding.pad_to", got=shown(pad_to), most=MAX_PAD_TO))
        if pad_to > MAX_PAD_TO:
            self.fail(("pad_to",), said("padding.pad_to", got=shown(pad_to), most=MAX_PAD_TO))
        for s, words in enumerate(sentences):
            if len(words) > pad_to:
                self.fail(("sentences", s), said("padding.too_long", s=s + 1, count=len(words), pad_to=pad_to))
        masks = self.masks(data, sentences, pad_to) if "masks" in data else \
            tuple(tuple(1 if i < len(ws) else 0 for i in range(pad_to)) for ws in sentences)
        targets = self.targets(data["targets"], len(sentences))
        w = data["w"]
        if not isinstance(w, list) or len(w) != dim:
            self.fail(("w",), said("padding.w_size", got=shown(w), d=dim))
        w = sp.ImmutableMatrix([self.number(v, ("w", i)) for i, v in enumerate(w)])
        b = self.number(data.get("b", 0), ("b",)) if "b" in data else sp.Integer(0)
        loss = data.get("loss", "bce")
        if loss not in LOSSES:
            self.fail(("loss",), said("padding.loss", got=shown(loss), allowed=", ".join(LOSSES)))
        precision = data.get("precision", 4)
        if isinstance(precision, bool) or not isinstance(precision, int) or not 0 <= precision <= 15:
            self.fail(("precision",), said("graph_file.precision", got=shown(precision)))
        lines = tuple((p, self.doc.line_of(p)) for p in
                      [("embeddings", word) for word in data["embeddings"]] +
                      [("sentences", s) for s in range(len(sentences))] + [("w",), ("targets",)])
        return PaddedBatch(str(title), self.doc.source, vocab, pad, sentences, pad_to, masks, targets, w, b,
                           loss, precision, str(description), lines)

    def vocabulary(self, raw: Any, pad: str) -> dict:
        raw = self.mapping(raw, ("embeddings",), said("padding.embeddings_what"))
        if not raw:
            self.fail(("embeddings",), said("padding.no_words"))
        if len(raw) > MAX_WORDS:
            self.fail(("embeddings",), said("padding.too_many_words", count=len(raw), most=MAX_WORDS))
        vocab: dict = {}
        names: dict = {}
        dim = None
        for word, value in raw.items():
            path = ("embeddings", word)
            if not isinstance(word, str) or (word != pad and not WORD_RE.match(word)):
                self.fail(path, said("padding.bad_word", got=shown(word)))
            name = word_name(word)
            from .graph import CONSTANTS, RESERVED
            if name in RESERVED or name in CONSTANTS:
                self.fail(path, said("padding.reserved_name", word=word, name=name))
            if name in names:
                self.fail(path, said("padding.same_name", a=names[name], b=word, name=name))
            names[name] = word
            if not isinstance(value, list) or not value or any(isinstance(v, (list, dict)) for v in value):
                self.fail(path, said("padding.embedding_list", word=word, got=shown(value), most=MAX_DIM))
            if dim is None:
                if len(value) > MAX_DIM:
                    self.fail(path, said("padding.embedding_list", word=word, got=shown(value), most=MAX_DIM))
                dim = len(value)
            elif len(value) != dim:
                self.fail(path, said("padding.embedding_size", word=word, count=len(value), d=dim,
                                     first=next(iter(vocab))))
            vocab[word] = sp.ImmutableMatrix([self.number(v, path + (i,)) for i, v in enumerate(value)])
        if pad not in vocab:
            self.fail(("embeddings",), said("padding.no_pad_embedding", pad=pad))
        return vocab

    def sentences(self, raw: Any, vocab: dict, pad: str) -> tuple[tuple[str, ...], ...]:
        if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_SENTENCES:
            self.fail(("sentences",), said("padding.sentences", got=shown(raw), most=MAX_SENTENCES))
        out = []
        words = [w for w in vocab if w != pad]
        for s, sentence in enumerate(raw):
            path = ("sentences", s)
            if isinstance(sentence, str):
                sentence = sentence.split()
            if not isinstance(sentence, list) or not sentence:
                self.fail(path, said("padding.sentence", s=s + 1, got=shown(sentence)))
            real: list[str] = []
            for i, word in enumerate(sentence):
                if word == pad:
                    continue
                if any(v == pad for v in sentence[:i]):
                    self.fail(path, said("padding.word_after_pad", s=s + 1, word=shown(word), pad=pad))
                if not isinstance(word, str) or word not in vocab:
                    from .suggest import with_hint
                    self.fail(path, with_hint(said("padding.unknown_word", word=shown(word), s=s + 1,
                                                   words=", ".join(words)), word, words))
                real.append(word)
            if not real:
                self.fail(path, said("padding.only_pads", s=s + 1))
            out.append(tuple(real))
        return tuple(out)

    def masks(self, data: dict, sentences, pad_to: int) -> tuple[tuple[int, ...], ...]:
        raw = data["masks"]
        if not isinstance(raw, list) or len(raw) != len(sentences):
            self.fail(("masks",), said("padding.masks_count", got=shown(raw), count=len(sentences)))
        out = []
        for s, row in enumerate(raw):
            path = ("masks", s)
            if not isinstance(row, list) or len(row) != pad_to:
                self.fail(path, said("padding.mask_length", s=s + 1, count=len(row) if isinstance(row, list) else 1,
                                     pad_to=pad_to))
            for i, v in enumerate(row):
                if isinstance(v, bool) or v not in (0, 1):
                    self.fail(path + (i,), said("padding.mask_entry", s=s + 1, i=i + 1, got=shown(v)))
            want = [1 if i < len(sentences[s]) else 0 for i in range(pad_to)]
            for i, (v, real) in enumerate(zip(row, want)):
                if v != real:
                    key = "padding.mask_masks_word" if real else "padding.mask_keeps_pad"
                    self.fail(path + (i,), said(key, s=s + 1, i=i + 1, got=v,
                                                word=shown(sentences[s][i]) if real else ""))
            out.append(tuple(int(v) for v in row))
        return tuple(out)

    def targets(self, raw: Any, count: int) -> tuple:
        if not isinstance(raw, list) or len(raw) != count:
            self.fail(("targets",), said("padding.targets", got=shown(raw), count=count))
        return tuple(self.number(v, ("targets", s)) for s, v in enumerate(raw))


def read_padding(doc: YamlDocument) -> PaddedBatch:
    """Read and validate a `model: masked_mean` file: each mistake one FILE:LINE error."""
    return _Reader(doc).batch()


def unmasked(batch: PaddedBatch) -> PaddedBatch:
    """The same batch averaged over every position, pads too (every M_si = 1, so n_s = pad_to): the mistake."""
    return replace(batch, masks=tuple((1,) * batch.pad_to for _ in batch.sentences))


def node_texts(batch: PaddedBatch, divisor_pad_to: bool = False) -> dict[str, str]:
    """The graph's nodes as formulas (formula.py reads them): the lecture's three steps, then the classifier.
    `divisor_pad_to`: the mistake of dividing the masked sum by the padded length, n_s = pad_to."""
    nodes: dict[str, str] = {}
    count = len(batch.sentences)
    for s in range(count):
        k = s + 1
        for i, word in enumerate(batch.tokens(s)):
            nodes[f"x{k}{i + 1}"] = word_name(word)
            nodes[f"z{k}{i + 1}"] = f"m{k}{i + 1}*x{k}{i + 1}"
        nodes[f"S{k}"] = " + ".join(f"z{k}{i + 1}" for i in range(batch.pad_to))
        nodes[f"n{k}"] = str(batch.pad_to) if divisor_pad_to else " + ".join(f"m{k}{i + 1}" for i in range(batch.pad_to))
        nodes[f"h{k}"] = f"S{k}/n{k}"
    for k in range(1, count + 1):
        nodes[f"a{k}"] = f"dot(w, h{k}) + b"
        nodes[f"y{k}"] = f"sigmoid(a{k})"
        nodes[f"L{k}"] = (f"-(t{k}*ln(y{k}) + (1 - t{k})*ln(1 - y{k}))" if batch.loss == "bce"
                          else f"(y{k} - t{k})^2/2")
    nodes["J"] = "(" + " + ".join(f"L{k}" for k in range(1, count + 1)) + f")/{count}" if count > 1 else "L1"
    return nodes


def masked_graph(batch: PaddedBatch, divisor_pad_to: bool = False):
    """The batch as a graph.GraphProblem (its `padding` the batch), as graph.quadratic_graph reads a
    `model: quadratic` file: inputs the embedding table's rows, the mask's entries, w, b and the targets."""
    from .formula import Formula, Value
    from .graph import GraphProblem, Quantity, symbol_of
    lines = dict(batch.lines)
    quantities: dict[str, Quantity] = {}

    def given(name, value, path):
        shape = value.shape if isinstance(value, sp.MatrixBase) else ()
        quantities[name] = Quantity(name, "input", shape, symbol_of(name, shape), given=value, path=path,
                                    line=lines.get(path))

    for word, e in batch.vocab.items():
        given(word_name(word), e, ("embeddings", word))
    for s, row in enumerate(batch.masks):
        for i, m in enumerate(row):
            given(f"m{s + 1}{i + 1}", sp.Integer(m), ("masks", s))
    given("w", batch.w, ("w",))
    given("b", batch.b, ("b",))
    for s, t in enumerate(batch.targets):
        given(f"t{s + 1}", t, ("targets",))
    for name, text in node_texts(batch, divisor_pad_to).items():
        formula = Formula(text)
        rule = formula.build({n: Value(q.symbol, q.shape) for n, q in quantities.items()})
        path = ("sentences", int(name[1]) - 1) if name[0] in "xzSnh" and name[1:].isdigit() else ()
        quantities[name] = Quantity(name, "node", rule.shape, symbol_of(name, rule.shape), formula, rule.expr,
                                    path=path, line=lines.get(path))
    parameters = tuple(word_name(w) for w in batch.vocab) + ("w", "b")
    return GraphProblem(batch.title, batch.source, tuple(quantities.values()), parameters, "J", batch.precision,
                        batch.description, padding=batch)


_UNMASKED: dict = {}       # repr of a batch (its values) -> its unmasked graph's solution; the last few kept


def unmasked_solution(batch: PaddedBatch):
    """The batch's graph with every m_si = 1 (`unmasked`), solved: the mistake's values, once for the worked
    solution's text and JSON (render/padding.py) and for `check`'s diagnosis (answers/graph_answers.py)."""
    from .graph import solve_graph
    key = repr(batch)
    if key not in _UNMASKED:
        if len(_UNMASKED) >= 4:
            _UNMASKED.pop(next(iter(_UNMASKED)))
        _UNMASKED[key] = solve_graph(masked_graph(unmasked(batch)))
    return _UNMASKED[key]


_PAD_TO: dict = {}         # repr of a batch -> its graph divided by pad_to, solved; the last few kept


def pad_to_divisor_solution(batch: PaddedBatch):
    """The batch's graph with the pads zeroed but every sum divided by pad_to (n_s = pad_to, the masks kept),
    solved: the values of that mistake, for `check`'s diagnosis (answers/graph_answers.py)."""
    from .graph import solve_graph
    key = repr(batch)
    if key not in _PAD_TO:
        if len(_PAD_TO) >= 4:
            _PAD_TO.pop(next(iter(_PAD_TO)))
        _PAD_TO[key] = solve_graph(masked_graph(batch, divisor_pad_to=True))
    return _PAD_TO[key]
