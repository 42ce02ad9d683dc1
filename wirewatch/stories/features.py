"""What an article is about, as countable features: words, headline words, names, numbers.

``article_features(title, text)`` turns one article into two bags of terms:

- ``words``: lower-cased content words of title and text (stop words out, a light plural
  rule), the headline's words counted extra, capitalised names counted extra;
- ``names``: the capitalised names alone (``"Tara"``, ``"Reid"``, ``"Betty Ford"`` as
  words), plus numbers that look like years, magnitudes or tolls, the signal that tells
  two events of the same kind apart (two earthquakes share "quake" and "magnitude", not
  the place or the magnitude).

No statistics are learned here: the stop-word list and the rules are hand-written, the
document frequencies are learned online by the clusterer from its own stream.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

__all__ = ["ArticleFeatures", "article_features"]

STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can cannot could couldn did didn do does doesn doing
    don down during each few for from further had hadn has hasn have haven having he her here
    hers herself him himself his how i if in into is isn it its itself just let ll me more most
    mustn my myself no nor not now of off on once only or other ought our ours ourselves out over
    own re s same shan she should shouldn so some such t than that the their theirs them
    themselves then there these they this those through to too under until up very was wasn we
    were weren what when where which while who whom why will with won would wouldn you your
    yours yourself yourselves ve d m y said says say told according new one two also like get
    got just would could us per via mr mrs ms dr st
    """.split()
)

# Capitalised words that are not names: calendar words and sentence-level fillers.
NOT_NAMES = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december today yesterday tomorrow
    """.split()
)

TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?|\d+(?:[.,]\d+)+")
SENTENCE_END = frozenset('.!?:;"“”\n')


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """An article as bags of terms: ``words`` for the topic, ``names`` for the event."""

    words: Counter[str]
    names: Counter[str]
    length: int  # content words in title and text
    years: frozenset[str]  # four-digit years named (1900-2099): a date tells events apart


def normalise_word(token: str) -> str:
    """Lower-case, drop a possessive, and fold a plain plural (``quakes`` -> ``quake``)."""
    word = token.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    elif "'" in word:
        word = word.split("'", 1)[0]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _is_number(token: str) -> bool:
    return token[0].isdigit()


def _tokens(text: str, names: bool) -> tuple[list[str], list[str]]:
    """Content words of ``text`` and the capitalised names among them (``names=False``: none)."""
    words: list[str] = []
    found: list[str] = []
    upper = sum(1 for m in TOKEN.finditer(text[:400]) if m.group().isupper())
    total = sum(1 for _ in TOKEN.finditer(text[:400]))
    shouting = total > 0 and upper > total // 2  # an all-caps headline names nothing
    for match in TOKEN.finditer(text):
        token = match.group()
        if _is_number(token):
            number = token.replace(",", "")
            words.append(number)
            if names and len(number) >= 2:
                found.append(number)
            continue
        word = normalise_word(token)
        if len(word) < 2 or word in STOP_WORDS:
            continue
        words.append(word)
        if not names or shouting or not token[0].isupper() or word in NOT_NAMES:
            continue
        start = match.start()
        before = text[max(0, start - 3) : start].rstrip(" \t'‘(")
        if before and before[-1] not in SENTENCE_END:
            found.append(word)
        elif token.isupper() and len(token) > 1:
            found.append(word)  # an acronym opens the sentence: still a name
    return words, found


def article_features(
    title: str,
    text: str,
    title_weight: float = 2.0,
    name_weight: float = 1.0,
    lead_chars: int = 0,
    lead_weight: float = 0.0,
) -> ArticleFeatures:
    """Features of one article; ``title`` counts ``title_weight`` extra times."""
    has_case = any(ch.isupper() for ch in title[:200] + text[:2000])
    title_words, title_names = _tokens(title, has_case)
    cut = text.find(" ", lead_chars) if lead_chars and len(text) > lead_chars else len(text) if lead_chars else 0
    cut = len(text) if cut < 0 else cut
    lead_words, lead_names = _tokens(text[:cut], has_case)
    text_words, text_names = _tokens(text[cut:], has_case)
    words: Counter[str] = Counter(text_words)
    names: Counter[str] = Counter(text_names)
    for word in lead_words:
        words[word] += 1 + lead_weight
    for name in lead_names:
        names[name] += 1 + lead_weight
    text_words = lead_words + text_words
    for word in title_words:
        words[word] += 1 + title_weight
    for name in title_names:
        names[name] += 1 + lead_weight
    if name_weight:
        for name in names:
            if not _is_number(name):
                words[name] += name_weight * names[name]
    years = frozenset(w for w in title_words + text_words if len(w) == 4 and w[:2] in ("19", "20") and w.isdigit())
    return ArticleFeatures(words, names, len(title_words) + len(text_words), years)
