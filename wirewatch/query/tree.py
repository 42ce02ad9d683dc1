"""Query trees and the word rules shared by the parser, the matcher and the store."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

FIELDS = ("title", "source", "lang", "since", "until", "speaker", "entity", "story")
_DATE_ONLY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only, as SQL ``lower()`` does (for lang: and source:)."""
    return text.translate(_ASCII_LOWER)


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str


@dataclass(frozen=True, slots=True)
class DateValue:
    raw: str
    value: datetime | timedelta  # an absolute UTC datetime, or a span back from "now"

    @property
    def date_only(self) -> bool:
        return _DATE_ONLY_RE.fullmatch(self.raw) is not None


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: Term | Phrase | DateValue


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Node


Node = Term | Phrase | Field | And | Or | Not


# -- words ----------------------------------------------------------------------------

_WORD_CHAR: dict[str, bool] = {}


def _is_word_char(ch: str) -> bool:
    known = _WORD_CHAR.get(ch)
    if known is None:
        cat = unicodedata.category(ch)
        known = _WORD_CHAR[ch] = cat[0] in "LNM" or cat == "Co"
    return known


def word_tokens(text: str) -> list[str]:
    """Split like SQLite's unicode61 tokenizer: runs of letters, digits and marks."""
    out: list[str] = []
    start = -1
    for i, ch in enumerate(text):
        if _is_word_char(ch):
            if start < 0:
                start = i
        elif start >= 0:
            out.append(text[start:i])
            start = -1
    if start >= 0:
        out.append(text[start:])
    return out


def fold_token(token: str) -> str:
    decomposed = unicodedata.normalize("NFD", token)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()
