"""Greek letters written by name: a weight, unit or parameter named theta4 prints θ_4 (LaTeX \\theta_{4}).

A name is a letter name followed by digits (theta, theta4, Lambda12). The letters the tool writes for
its own symbols are left as written: delta (δ is the backprop error), eta (η the learning rate) and
sigma (σ the sigmoid) would read as those, so a weight named eta1 prints eta1 (LaTeX eta_{1}).
"""
from __future__ import annotations

import re

LOWER = {"alpha": "α", "beta": "β", "gamma": "γ", "epsilon": "ε", "zeta": "ζ", "theta": "θ", "iota": "ι",
         "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "tau": "τ",
         "upsilon": "υ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω"}
UPPER = {"Gamma": "Γ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω"}
LETTERS = {**LOWER, **UPPER}
# the tool's own symbols (δ, Δ, η, σ): never made from a user's name
RESERVED = ("delta", "Delta", "eta", "sigma", "Sigma")
# every letter name a LaTeX answer may use, the reserved ones too (\eta is η wherever it is written)
LATEX_LETTERS = {**LETTERS, "delta": "δ", "Delta": "Δ", "eta": "η", "sigma": "σ", "Sigma": "Σ"}

_NAME = re.compile(r"^([A-Za-z]+?)(\d*)$")


def split(name: str) -> tuple[str, str] | None:
    """(letter name, digits) of a Greek name such as theta4, or None for any other name."""
    m = _NAME.match(name)
    if m and m.group(1) in LETTERS:
        return m.group(1), m.group(2)
    return None


def text(name: str) -> str | None:
    """θ_4 for theta4, θ_{12} for theta12, θ for theta; None for a name that is not Greek."""
    parts = split(name)
    if parts is None:
        return None
    letter, digits = parts
    sub = "" if not digits else f"_{digits}" if len(digits) == 1 else f"_{{{digits}}}"
    return LETTERS[letter] + sub


def latex(name: str) -> str | None:
    """\\theta_{4} for theta4, \\theta for theta; None for a name that is not Greek."""
    parts = split(name)
    if parts is None:
        return None
    letter, digits = parts
    return f"\\{letter}" + (f"_{{{digits}}}" if digits else "")


LATEX_COMMAND = re.compile(r"\\(" + "|".join(sorted(LATEX_LETTERS, key=len, reverse=True)) + r")(?![A-Za-z])")


def latex_to_unicode(s: str) -> str:
    """Every Greek letter command of a LaTeX text as its character: \\theta_4 → θ_4, \\eta → η."""
    return LATEX_COMMAND.sub(lambda m: LATEX_LETTERS[m.group(1)], s)


def as_named(text: str, names) -> str:
    """`text` with each Greek spelling of one of `names` written as that name: θ_0, θ_{0}, \\theta_0 and
    \\theta_{0} are theta0 where theta0 is a name (answers to a computation graph name its quantities so)."""
    for name in names:
        parts = split(name)
        if parts is None:
            continue
        letter, digits = parts
        head = rf"(?:\\{letter}(?![A-Za-z])|{LETTERS[letter]})"
        tail = rf"\s*(?:_\s*\{{\s*{digits}\s*\}}|_\s*{digits}|{digits})(?![0-9])" if digits else r"(?![_0-9])"
        text = re.sub(head + tail, name, text)
    return text
