"""The sections a padded batch (`model: masked_mean`, padding.py) adds to its graph's worked solution: before
the graph, the padded batch and its mask; after it, where the gradient went (the pads: exactly 0; a word used
at several positions: their sum), and what a mean over every position, pads included, would have done wrong,
computed by solving that graph too (padding.unmasked). Every number is the solutions' own."""
from __future__ import annotations

import sympy as sp

from ..document import Section, Table, Text
from ..messages import msg
from .graph import name_latex, name_text, shown
from .prose import Prose, Sym, joined_syms, sentence


def _name(n: str) -> Sym:
    return Sym(name_text(n), name_latex(n))


def _num(value, p: int) -> Sym:
    s, _ = shown(value, p)
    return Sym(str(s), s.latex)


def _fraction(value, p: int) -> Sym:
    """1/5 as a fraction (a share of a gradient), any other value as the steps show it."""
    if isinstance(value, sp.Rational) and not value.is_Integer:
        return Sym(str(value), sp.latex(value))
    return _num(value, p)


def _word(word: str) -> Text:
    """A word as a table cell; in LaTeX braced, so that [pad] at a row's start is not read as \\[length]."""
    from .latex import tex_escape
    return Text(word, latex="{" + tex_escape(word) + "}")


def _cell(sym: Sym) -> Text:
    """A table cell that is mathematics (a name, a matrix)."""
    return Prose("\ue0000\ue001", [sym])


def _grad(out: str, n: str) -> Sym:
    return Sym(f"∂{name_text(out)}/∂{name_text(n)}", rf"\partial {name_latex(out)}/\partial {name_latex(n)}")


def is_zero(value) -> bool:
    """Exactly 0: SymPy's zero in every entry (not a small number)."""
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    return all(e is sp.S.Zero for e in entries)


def positions(batch, word: str) -> list[tuple[int, int]]:
    """(s, i), from 1, of every position that holds `word`."""
    return [(s + 1, i + 1) for s in range(len(batch.sentences)) for i, t in enumerate(batch.tokens(s)) if t == word]


def before_sections(sol, lang: str) -> tuple[Section, ...]:
    """The padded batch (a table of tokens with the pad token, and n_s) and the mask M, then what the graph's
    names stand for."""
    batch = sol.problem.padding
    cols = tuple(str(i + 1) for i in range(batch.pad_to))
    head = (Text("s"),) + tuple(Text(c) for c in cols) + (_cell(Sym("n_s", "n_s")),)
    lengths = batch.lengths()
    rows = tuple((str(s + 1),) + tuple(_word(t) for t in batch.tokens(s)) + (str(lengths[s]),)
                 for s in range(len(batch.sentences)))
    mask_head = (Text("s"),) + tuple(Text(c) for c in cols)
    mask_rows = tuple((str(s + 1),) + tuple(str(m) for m in row) for s, row in enumerate(batch.masks))
    pad = batch.pad
    from ..padding import word_name
    example = next((w for w in batch.vocab if w != pad), pad)
    batch_notes = (sentence(lang, "padding.note.batch", count=len(batch.sentences), pad=pad, pad_to=batch.pad_to,
                            lengths=", ".join(str(n) for n in lengths)),)
    loss = (Sym("L_s = −(t_s·ln y_s + (1 − t_s)·ln(1 − y_s))", r"L_s = -(t_s \ln y_s + (1 - t_s) \ln(1 - y_s))")
            if batch.loss == "bce" else Sym("L_s = ½(y_s − t_s)²", r"L_s = \tfrac{1}{2}(y_s - t_s)^2"))
    mask_notes = (sentence(lang, "padding.note.mask", pad=pad, mask=Sym("m_si = 1", "m_{si} = 1"),
                           count=Sym("n_s = Σ_i m_si", r"n_s = \sum_i m_{si}")),
                  sentence(lang, "padding.note.names", word=example, e=_name(word_name(example)),
                           pad=pad, epad=_name(word_name(pad)), zero=Sym("z_si = m_si·x_si", r"z_{si} = m_{si} x_{si}"),
                           sum=Sym("S_s = Σ_i z_si", r"S_s = \sum_i z_{si}"), divide=Sym("h_s = S_s/n_s", "h_s = S_s/n_s")),
                  sentence(lang, "padding.note.loss_" + batch.loss, count=len(batch.sentences),
                           a=Sym("a_s = w·h_s + b", r"a_s = w \cdot h_s + b"), y=Sym("y_s = σ(a_s)", r"y_s = \sigma(a_s)"),
                           loss=loss))
    return (Section(Text(msg(lang, "padding.section.batch")), (), notes=batch_notes, table=Table(head, rows)),
            Section(Text(msg(lang, "padding.section.mask")), (), notes=mask_notes, table=Table(mask_head, mask_rows)))


def after_sections(sol, lang: str, p: int) -> tuple[Section, ...]:
    """Where the gradient went, and the unmasked mean's mistakes, computed."""
    from ..graph import evaluate
    from ..padding import word_name
    batch = sol.problem.padding
    out = sol.problem.output
    pad = batch.pad
    pad_name = word_name(pad)
    # -- the gradient of every position, and of the embedding table ------------------------------------
    pad_positions = [f"x{s}{i}" for s, i in positions(batch, pad)]
    zero = [n for n in pad_positions if is_zero(sol.gradients[n])]
    notes = []
    if pad_positions:
        notes.append(sentence(lang, "padding.note.pads_zero" if len(zero) == len(pad_positions)
                              else "padding.note.pads_not_zero",
                              grads=joined_syms([_grad(out, n) for n in pad_positions], " = "),
                              pad=pad, zero=_num(sp.Integer(0), p)))
    notes.append(sentence(lang, "padding.note.pad_row" if is_zero(sol.gradients[pad_name])
                          else "padding.note.pad_row_moves",
                          grad=_grad(out, pad_name), value=_num(sol.gradients[pad_name], p), pad=pad))
    head = (Text(msg(lang, "padding.col.word")), Text(msg(lang, "padding.col.positions")),
            _cell(Sym(f"∂{name_text(out)}/∂e", rf"\partial {name_latex(out)}/\partial e")))
    rows = []
    for word in batch.vocab:
        where = positions(batch, word)
        name = word_name(word)
        rows.append((_word(word), _cell(joined_syms([_name(f"x{s}{i}") for s, i in where])) if where else "–",
                     _cell(_num(sol.gradients[name], p))))
        if len(where) > 1 and word != pad:
            notes.append(sentence(lang, "padding.note.shared", word=word, count=len(where),
                                  grad=_grad(out, name),
                                  terms=Sym(" + ".join(_grad(out, f"x{s}{i}").plain for s, i in where),
                                            " + ".join(_grad(out, f"x{s}{i}").latex for s, i in where)),
                                  value=_num(sol.gradients[name], p)))
    gradient = Section(Text(msg(lang, "padding.section.gradient")), (), notes=tuple(notes),
                       table=Table(head, tuple(rows)))
    # -- the same batch, averaged over every position --------------------------------------------------
    from ..padding import unmasked_solution
    wrong = unmasked_solution(batch)
    k = batch.pad_to
    head = (Text("s"), _cell(Sym("n_s", "n_s")), _cell(Sym("h_s", "h_s")), _cell(Sym("h'_s", "h'_s")),
            _cell(Sym("y_s", "y_s")), _cell(Sym("y'_s", "y'_s")))
    rows = []
    notes = [sentence(lang, "padding.note.unmasked", pad_to=k,
                      rule=Sym(f"h'_s = ({' + '.join(f'x_s{i + 1}' for i in range(k))})/{k}",
                               f"h'_s = ({' + '.join(f'x_{{s{i + 1}}}' for i in range(k))})/{k}"),
                      m=Sym("m_si", "m_{si}"))]
    lengths = batch.lengths()
    for s in range(len(batch.sentences)):
        h, hw = sol.values[f"h{s + 1}"], wrong.values[f"h{s + 1}"]
        rows.append((str(s + 1), str(lengths[s]), _cell(_num(h, p)), _cell(_num(hw, p)),
                     _cell(_num(sol.values[f"y{s + 1}"], p)), _cell(_num(wrong.values[f"y{s + 1}"], p))))
        if lengths[s] < k:
            key = "padding.note.pulled_one" if k - lengths[s] == 1 else "padding.note.pulled"
            if lengths[s] == 1:                 # one real word: "1 real word", not "1 real words"
                key = key.replace("pulled", "pulled_word")
            notes.append(sentence(lang, key, s=s + 1, n=lengths[s], pads=k - lengths[s],
                                  wrong=Sym(f"h'_{s + 1} = {_num(hw, p).plain}", f"h'_{{{s + 1}}} = {_num(hw, p).latex}"),
                                  right=Sym(f"h_{s + 1} = {_num(h, p).plain}", f"h_{{{s + 1}}} = {_num(h, p).latex}"),
                                  pad=pad, e=Sym(f"{name_text(pad_name)} = {_num(batch.vocab[pad], p).plain}",
                                                 f"{name_latex(pad_name)} = {_num(batch.vocab[pad], p).latex}")))
    notes.append(sentence(lang, "padding.note.unmasked_loss",
                          wrong=Sym(f"{name_text(out)}' = {_num(wrong.values[out], p).plain}",
                                    f"{name_latex(out)}' = {_num(wrong.values[out], p).latex}"),
                          right=Sym(f"{name_text(out)} = {_num(sol.values[out], p).plain}",
                                    f"{name_latex(out)} = {_num(sol.values[out], p).latex}")))
    notes.append(sentence(lang, "padding.note.unmasked_pad", pad=pad,
                          grad=Sym(f"∂{name_text(out)}'/∂{name_text(pad_name)}",
                                   rf"\partial {name_latex(out)}'/\partial {name_latex(pad_name)}"),
                          value=_num(wrong.gradients[pad_name], p)))
    # a real word's share of ∂J/∂h_s: ∂h_s/∂S_s, by SymPy from each graph's h_s = S_s/n_s
    for s in range(len(batch.sentences)):
        if lengths[s] == k:
            continue
        right, bad = (evaluate(sp.diff(g.problem.get(f"h{s + 1}").rule[0], g.problem.get(f"S{s + 1}").symbol[0]),
                               g.env) for g in (sol, wrong))
        notes.append(sentence(lang, "padding.note.scale", s=s + 1, right=_fraction(right, p), wrong=_fraction(bad, p),
                              x=Sym(f"x{s + 1}1", f"x_{{{s + 1}1}}"),
                              grad=_grad(out, f"x{s + 1}1"), value=_num(sol.gradients[f"x{s + 1}1"], p),
                              gradw=Sym(f"∂{name_text(out)}'/∂{name_text(f'x{s + 1}1')}",
                                        rf"\partial {name_latex(out)}'/\partial {name_latex(f'x{s + 1}1')}"),
                              valuew=_num(wrong.gradients[f"x{s + 1}1"], p), dh=_grad(out, f"h{s + 1}"),
                              # the unmasked graph's own ∂J'/∂h'_s: the vector its word gets `wrong` of
                              dhw=Sym(f"∂{name_text(out)}'/∂h'{s + 1}",
                                      rf"\partial {name_latex(out)}'/\partial h'_{{{s + 1}}}"),
                              local=Sym(f"∂h{s + 1}/∂S{s + 1}", rf"\partial {name_latex(f'h{s + 1}')}/\partial "
                                        rf"{name_latex(f'S{s + 1}')}")))
    unmasked_section = Section(Text(msg(lang, "padding.section.unmasked")), (), notes=tuple(notes),
                               table=Table(head, tuple(rows)))
    return gradient, unmasked_section


def unmasked_data(sol) -> dict:
    """The JSON's `masked_mean`: the mask, n_s, and the unmasked mean's values (h', y', J', its gradients of the
    pad embedding and of each position), as floats."""
    from ..padding import word_name
    batch = sol.problem.padding
    from ..padding import unmasked_solution
    wrong = unmasked_solution(batch)

    def plain(v):
        if isinstance(v, sp.MatrixBase):
            return [float(e) for e in v]
        return float(v)
    out = sol.problem.output
    return {"pad": batch.pad, "pad_to": batch.pad_to, "tokens": [batch.tokens(s) for s in range(len(batch.sentences))],
            "mask": [list(m) for m in batch.masks], "lengths": batch.lengths(),
            "unmasked": {"h": [plain(wrong.values[f"h{s + 1}"]) for s in range(len(batch.sentences))],
                         "y": [plain(wrong.values[f"y{s + 1}"]) for s in range(len(batch.sentences))],
                         "loss": plain(wrong.values[out]),
                         "grad_pad": plain(wrong.gradients[word_name(batch.pad)]),
                         "grad": {n: plain(v) for n, v in wrong.gradients.items()
                                  if n.startswith("x") or n in [word_name(w) for w in batch.vocab]}}}
