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

_STOP_WORDS = """
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
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

# Capitalised words that are not names: calendar words and sentence-level fillers.
_NOT_NAMES = """
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december today yesterday tomorrow
"""
NOT_NAMES = frozenset(_NOT_NAMES.split())

TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?|\d+(?:[.,]\d+)+")
SENTENCE_END = frozenset('.!?:;"“”\n')


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """An article as bags of terms: ``words`` for the topic, ``names`` for the event."""

    words: dict[str, float]
    names: dict[str, float]
    shown: Counter[str]  # the names as written ("Reid", "NATO"), for story summaries
    length: int  # content words in title and text


def normalise_word(token: str) -> str:
    """Lower-case, drop a possessive, and fold a plain plural (``quakes`` -> ``quake``)."""
    word = token.lower().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    elif "'" in word:
        word = word.split("'", 1)[0]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _shouting(text: str) -> bool:
    """True when most words of the start are in capitals (a headline then names nothing)."""
    tokens = [m.group() for m in TOKEN.finditer(text[:400])]
    return bool(tokens) and sum(1 for t in tokens if t.isupper()) > len(tokens) // 2


def _tokens(text: str, names: bool) -> tuple[list[str], list[str], list[str]]:
    """Content words of ``text``, the names among them, and those names as written."""
    words: list[str] = []
    found: list[str] = []
    shown: list[str] = []
    names = names and not _shouting(text)
    for match in TOKEN.finditer(text):
        token = match.group()
        if token[0].isdigit():
            number = token.replace(",", "")
            words.append(number)
            if names and len(number) >= 2:
                found.append(number)
            continue
        word = normalise_word(token)
        if len(word) < 2 or word in STOP_WORDS:
            continue
        words.append(word)
        if not names or not token[0].isupper() or word in NOT_NAMES:
            continue
        start = match.start()
        before = text[max(0, start - 3) : start].rstrip(" \t'\u2018(")
        if (before and before[-1] not in SENTENCE_END) or (token.isupper() and len(token) > 1):
            found.append(word)  # mid-sentence capital, or an acronym anywhere
            shown.append(token)
    return words, found, shown


def article_features(
    title: str,
    text: str,
    *,
    title_weight: float = 2.0,
    name_weight: float = 1.0,
    lead_chars: int = 300,
    lead_weight: float = 1.0,
) -> ArticleFeatures:
    """Features of one article.

    Headline words count ``1 + title_weight`` times, words in the first ``lead_chars``
    characters of the text ``1 + lead_weight`` times (the lead says who, where and what
    happened; the rest adds background), and each name ``name_weight`` more times.
    Text in lower case only (pre-processed snippets) has no names.
    """
    has_case = any(ch.isupper() for ch in title[:200] + text[:2000])
    cut = len(text)
    if 0 < lead_chars < len(text):
        cut = text.find(" ", lead_chars)
        cut = len(text) if cut < 0 else cut
    title_words, title_names, title_shown = _tokens(title, has_case)
    lead_words, lead_names, lead_shown = _tokens(text[:cut], has_case)
    rest_words, rest_names, rest_shown = _tokens(text[cut:], has_case)
    words: dict[str, float] = dict(Counter(rest_words))
    names: dict[str, float] = dict(Counter(rest_names))
    for word in lead_words:
        words[word] = words.get(word, 0.0) + 1 + lead_weight
    for word in title_words:
        words[word] = words.get(word, 0.0) + 1 + title_weight
    for name in lead_names + title_names:
        names[name] = names.get(name, 0.0) + 1 + lead_weight
    if name_weight:
        for name, count in names.items():
            if not name[0].isdigit():
                words[name] = words.get(name, 0.0) + name_weight * count
    shown = Counter(title_shown + lead_shown + rest_shown)
    return ArticleFeatures(words, names, shown, len(title_words) + len(lead_words) + len(rest_words))
