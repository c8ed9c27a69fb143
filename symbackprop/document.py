"""One document model for everything the tool writes out as worked mathematics.

A worked solution (`solve`), the general rules (`derive`) and the matrix example (`derive` on a
`model: quadratic` file) are each turned into a `Document` by a small builder (render/build.py,
render/rules.py, render/quadratic.py); one renderer per format (render/text.py, markdown.py,
latex.py, pdf.py) then prints any document. A document is data: titles and notes as words, and
steps as SymPy objects (symbol, rule forms, numbers substituted, value); how an expression prints
is the `Math` of its part.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol


class Math(Protocol):
    """How the expressions and values of one part print (names, index order, multiplication sign)."""

    def text(self, expr: Any, values: Mapping | None = None) -> str:
        """`expr` as plain text; `values`: display strings put in for its symbols."""

    def latex(self, expr: Any, values: Mapping | None = None) -> str:
        """`expr` as LaTeX math; `values` as for `text`."""

    def number(self, value: Any, precision: int) -> str:
        """A number substituted into a rule, as shown."""

    def value(self, step: "Step", precision: int, latex: bool) -> tuple[str, bool]:
        """The step's value as shown, and whether that display is exact (= rather than ≈)."""

    def substituted(self, step: "Step", precision: int, latex: bool) -> tuple[str, str]:
        """The step's last form, and the same with its numbers put in (`number`), as text or LaTeX.
        A Math that keeps formatted values prints both at once instead (render/build.SolutionMath)."""
        show = self.latex if latex else self.text
        return (show(step.forms[-1]),
                show(step.forms[-1], {s: self.number(v, precision) for s, v in step.numbers.items()}))


@dataclass(frozen=True)
class Text:
    """Words: `plain` for the terminal; `latex` for LaTeX text mode (None: `plain`, escaped);
    `markdown` (None: `plain`, escaped); `html`, markup with MathML (None: `plain`, escaped)."""

    plain: str
    latex: str | None = None
    markdown: str | None = None
    html: str | None = None


@dataclass(frozen=True)
class Step:
    """`symbol = forms… = forms[-1] with numbers = value`; `alternatives`: the rule written for
    special cases, (label, form). A rule without numbers has `numbers` and `value` None."""

    id: str
    symbol: Any
    forms: tuple = ()
    numbers: Mapping | None = None          # value of each symbol of forms[-1], put in as a link
    value: Any = None                       # a SymPy number or matrix
    float_value: float | None = None
    alternatives: tuple[tuple[str, Any], ...] = ()
    source: Any = field(default=None, compare=False, repr=False)   # what it was built from, for its Math's caches


@dataclass(frozen=True)
class Table:
    """A table of numbers (an optimizer's steps): a header of `Text` cells (a weight's name as mathematics)
    and rows of plain cells (numbers as printed, `1,2`), each column right-aligned. Text prints it as
    aligned columns, Markdown as a pipe table, HTML as <table>, LaTeX as a longtable-free tabular."""

    head: tuple[Text, ...]
    rows: tuple[tuple[str | Text, ...], ...]     # a `Text` cell: words or a name as mathematics
    keep: int = 1                           # columns a table split across pages repeats (t, the samples)
    chunk: int | None = None                # LaTeX: rows a tabular at most (None: latex.TABLE_ROWS)


@dataclass(frozen=True)
class Figure:
    """A picture after a section's notes (a training run's loss curves): `latex` makes its LaTeX when LaTeX or
    PDF is printed (a pgfplots axis: the document's preamble then loads pgfplots); `markdown`, an image
    reference (a PNG written beside it), or None. Text and HTML show nothing of it."""

    latex: Callable[[], str] | None = None
    markdown: str | None = None


@dataclass(frozen=True)
class Section:
    """A titled list of steps, then notes (a check of the rule, …). `inline`: the steps are short
    facts (the given values) written on one line. `table`: a table after the notes; `figure`: a picture
    between the notes and the table. `ragged`: the inline facts are long (a run's 16-digit weights), set ragged
    right so that LaTeX breaks the line between them inside the margin."""

    title: Text
    steps: tuple[Step, ...]
    inline: bool = False
    notes: tuple[Text, ...] = ()
    table: Table | None = None
    figure: Figure | None = None
    ragged: bool = False


@dataclass(frozen=True)
class Part:
    """A heading, notes (conventions), sections, and closing lines (checks). `picture`: a TikZ
    picture of the network, for standalone LaTeX only."""

    heading: Text | None
    sections: tuple[Section, ...]
    math: Math
    precision: int = 4
    notes: tuple[Text, ...] = ()
    closing: tuple[Text, ...] = ()
    picture: Callable[[], str] | None = None   # called by standalone LaTeX only: no other format pays for it
    label: str = ""                          # a short name (the notebook display)


@dataclass(frozen=True)
class Document:
    title: str
    parts: tuple[Part, ...]
    lang: str = "en"
    kind: str = ""                           # solution, rules, quadratic: what it was built from
    description: str = ""                    # what it is, in a word or two (a LaTeX fragment's comment)

    def steps(self):
        """Every (part, section, step), in order."""
        for part in self.parts:
            for section in part.sections:
                for step in section.steps:
                    yield part, section, step
