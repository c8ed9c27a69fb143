""""Did you mean sigmoid?": the known name closest to a misspelt one, as a hint appended to an error.

One place decides what counts as close (difflib, case-insensitive, bounded input), so that activations,
losses, fields, parts, formats and ids all suggest alike. The hint is appended to the message, so the
message itself is unchanged and a user (or a test) reading its start sees what it said before.
"""
from __future__ import annotations

import difflib
from typing import Iterable

from .messages import Said, said

MAX_CHARS = 100            # a longer "name" is no misspelling: compared by its start only
MAX_CHOICES = 5000         # difflib is quadratic in the worst case: a bounded list of known names
CUTOFF = 0.6


def closest(value: object, choices: Iterable[object], n: int = 1) -> list[str]:
    """Up to `n` of `choices` (as strings) closest to `value`, closest first; [] when none is close or
    `value` is one of them already (compared case-insensitively, as the readers compare names)."""
    text = str(value)[:MAX_CHARS].strip()
    known = [str(c) for c in list(choices)[:MAX_CHOICES]]
    if not text or not known:
        return []
    lowered = {c.lower(): c for c in reversed(known)}
    if text.lower() in lowered:
        return []
    got = difflib.get_close_matches(text.lower(), list(lowered), n=n, cutoff=CUTOFF)
    return [lowered[g] for g in got]


def with_hint(message: str, value: object, choices: Iterable[object]) -> str:
    """`message` followed by "(did you mean X?)" when a choice is close to `value`, else `message`."""
    got = closest(value, choices)
    if not got:
        return message
    return said("hint.did_you_mean", first=message, close=got[0])


def hint_of(value: object, choices: Iterable[object], quote: bool = False) -> Said | None:
    """The bare hint "Did you mean X?" (for a message that ends in a full stop; `quote`: 'X'), or None."""
    got = closest(value, choices)
    if not got:
        return None
    return said("hint.did_you_mean_sentence", close=repr(got[0]) if quote else got[0])
