"""Quote tracking: the same quotation reported by several outlets is one quote.

Outlets copy a quotation exactly, or edit it lightly: a dropped "and", "we'll" for "we
will", a sentence cut short.  Two quotations are the same when their words (case and
punctuation aside) are equal, or when the shorter one's word pairs lie mostly inside the
longer one's (``SAME_QUOTE``) and it has at least ``MIN_WORDS`` words: a two-word
fragment ("very good") recurs everywhere without being one quotation.
"""

from __future__ import annotations

import itertools
import re

__all__ = ["MIN_WORDS", "SAME_QUOTE", "quote_key", "quote_similarity", "same_quote"]

MIN_WORDS = 5
SAME_QUOTE = 0.7
_WORD = re.compile(r"\w+(?:['’]\w+)?")
_CONTRACTIONS = {"n't": " not", "'ll": " will", "'re": " are", "'ve": " have", "'m": " am"}
_CONTRACTION = re.compile(r"(n't|'ll|'re|'ve|'m)\b")


def _words(text: str) -> list[str]:
    folded = text.casefold().replace("’", "'").replace("won't", "will not").replace("can't", "cannot")
    folded = _CONTRACTION.sub(lambda m: _CONTRACTIONS[m.group(1)], folded)
    return [w.replace("'", "") for w in _WORD.findall(folded)]


def quote_key(text: str) -> str:
    """The comparison key of a quotation: its words, case-folded, contractions spelled out."""
    return " ".join(_words(text))


def _pairs(words: list[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(words))


def quote_similarity(a: str, b: str) -> float:
    """How much of the shorter quotation lies in the longer one, by word pairs (0.0 to 1.0)."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    if wa == wb:
        return 1.0
    if min(len(wa), len(wb)) < MIN_WORDS:
        return 0.0
    pa, pb = _pairs(wa), _pairs(wb)
    return len(pa & pb) / min(len(pa), len(pb))


def same_quote(a: str, b: str) -> bool:
    return quote_similarity(a, b) >= SAME_QUOTE
