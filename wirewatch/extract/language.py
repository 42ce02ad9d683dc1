"""The language of an article: a declared tag normalised, else a cheap stop-word guess."""

from __future__ import annotations

import re

__all__ = ["guess_language", "normalize_language"]

# The commonest function words of each language; a text's language is the one whose
# words it uses most.  Words shared by several languages are left out.


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOP_WORDS: dict[str, frozenset[str]] = {
    "en": _words("the and of to is that for with was on are as have be this by from has were which"),
    "de": _words("der die und das ist nicht mit sich auf für dem den ein eine auch es wird von zu"),
    "fr": _words("le la les et des est une dans pour que qui sur pas par au avec ce il sont du"),
    "es": _words("el los las del que por una con para como es su al se lo más pero fue"),
    "it": _words("il di che della per una sono gli con non è anche nel alla le del dei"),
    "pt": _words("os das dos que uma para com não por mais ao pelo foi ser também são"),
    "nl": _words("de het een van en niet dat zijn op te voor met ook wordt aan bij"),
}
_WORD = re.compile(r"[^\W\d_]+")
_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
_MIN_HITS = 3


def normalize_language(tag: str | None) -> str | None:
    """``en-GB`` → ``en``; None for anything that is not a language tag."""
    if not tag:
        return None
    tag = tag.strip()
    if not _TAG.match(tag):
        return None
    primary = re.split(r"[-_]", tag)[0].lower()
    return primary if len(primary) == 2 else None


def guess_language(text: str, *, sample_words: int = 400) -> str | None:
    """The language whose stop words ``text`` uses most, or None when too few match."""
    words = [w.lower() for w in _WORD.findall(text[: sample_words * 12])][:sample_words]
    best, best_hits = None, 0
    for language, stop_words in _STOP_WORDS.items():
        hits = sum(1 for word in words if word in stop_words)
        if hits > best_hits:
            best, best_hits = language, hits
    return best if best_hits >= _MIN_HITS else None
