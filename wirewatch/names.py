"""Person names: one key per person, whatever titles, initials or case a mention carries.

Shared by the enrich stage (resolving mentions in one article) and the store (one
canonical speaker across articles), so both mean the same by "the same person":

- ``strip_titles("NATO Secretary General Jens Stoltenberg") == "Jens Stoltenberg"``
- ``person_key("President Vladimir V. Putin") == "vladimir putin"``
- ``same_person("Putin", "Vladimir V. Putin")``, not ``same_person("Michelle Obama", "Barack Obama")``
- ``canonical_name(["Putin", "Vladimir Putin", "Vladimir V. Putin"]) == "Vladimir V. Putin"``:
  the fullest form, middle initials included.

Every function takes any string and never raises.  Rules are hand-written.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["canonical_name", "last_name_key", "person_key", "same_person", "strip_titles", "title_gender"]

# Honorifics and offices written before a name; "the" and "of" join them ("Secretary of State").
TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "professor",
        "sir",
        "dame",
        "lord",
        "lady",
        "madam",
        "sen",
        "senator",
        "rep",
        "representative",
        "congressman",
        "congresswoman",
        "gov",
        "governor",
        "president",
        "vice",
        "secretary",
        "general",
        "gen",
        "minister",
        "prime",
        "chancellor",
        "mayor",
        "judge",
        "justice",
        "rev",
        "reverend",
        "former",
        "then",
        "candidate",
        "nominee",
        "chairman",
        "chairwoman",
        "chair",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "sheikh",
        "ambassador",
        "attorney",
        "director",
        "chief",
        "executive",
        "ceo",
        "commissioner",
        "speaker",
        "leader",
        "deputy",
        "foreign",
        "defense",
        "defence",
        "interior",
        "finance",
        "state",
        "majority",
        "minority",
        "col",
        "colonel",
        "lt",
        "capt",
        "captain",
        "adm",
        "admiral",
        "sgt",
        "sergeant",
        "cmdr",
        "commander",
        "officer",
        "detective",
        "inspector",
        "rabbi",
        "imam",
        "hon",
        "honourable",
        "honorable",
        "mp",
        "mep",
        "premier",
        "emir",
        "sultan",
        "ayatollah",
        "archbishop",
        "bishop",
        "cardinal",
        "father",
        "brother",
        "sister",
        "lt.",
        "gov.",
        "sen.",
        "rep.",
        "dr.",
        "mr.",
        "mrs.",
        "ms.",
        "the",
        "a",
        "an",
        "of",
        "then-secretary",
    ]
)
# Title words that are also common surnames: kept when they end the name ("Steve King").
SURNAME_TITLES = frozenset(
    ["king", "bishop", "prince", "judge", "major", "marshal", "dean", "chancellor", "justice", "brother"]
)
SUFFIXES = frozenset(["jr", "jr.", "sr", "sr.", "ii", "iii", "iv"])
PARTICLES = frozenset(
    [
        "de",
        "del",
        "della",
        "der",
        "den",
        "di",
        "da",
        "du",
        "des",
        "la",
        "le",
        "van",
        "von",
        "bin",
        "ibn",
        "al",
        "el",
        "abu",
        "ter",
        "dos",
        "das",
        "y",
    ]
)
MALE_TITLES = frozenset(["mr", "sir", "lord", "king", "prince", "father", "brother"])
FEMALE_TITLES = frozenset(["mrs", "ms", "miss", "dame", "lady", "madam", "queen", "princess", "sister"])
_SEGMENT_BREAK = re.compile(r"[,;()\[\]]|\s[-–—]\s")
_EDGE_PUNCT = "\"'“”‘’«».,:!?*"
_POSSESSIVE = re.compile(r"['’]s$")
_INITIAL = re.compile(r"(?:\w\.)+\w?\.?|\w")
# The functions below are pure and see the same few names over and over (every pair of
# mentions in an article is compared): cached, they cost a dict look-up.
_CACHE = 8192


@lru_cache(maxsize=_CACHE)
def _word(token: str) -> str:
    """The bare lower-case word of a token: "Mr." -> "mr", "Putin’s" -> "putin"."""
    token = token.strip(_EDGE_PUNCT)
    token = _POSSESSIVE.sub("", token)
    return token.strip(_EDGE_PUNCT).lower()


def _is_initial(token: str) -> bool:
    word = token.strip(_EDGE_PUNCT)
    return bool(_INITIAL.fullmatch(word)) and len(word.replace(".", "")) <= 2


def _clean(token: str) -> str:
    """A token as shown in a name: quotes and possessive dropped, an initial keeps its dot."""
    token = token.strip('"“”‘’«»,:;!?*')
    token = _POSSESSIVE.sub("", token)
    return token.strip("'’") if token.endswith(("'", "’")) else token


def _name_tokens(segment: str) -> list[str]:
    tokens = [t for t in segment.split() if _word(t) and _clean(t)]
    cased = any(c.isupper() for c in segment)
    last = len(tokens) - 1
    while last > 0 and _word(tokens[last]) in SUFFIXES:
        last -= 1

    def namelike(i: int) -> bool:
        word = _word(tokens[i])
        if word in SUFFIXES:
            return False
        if word in TITLES and not (word in SURNAME_TITLES and i == last):
            return False
        if not cased or tokens[i].strip(_EDGE_PUNCT)[:1].isupper():
            return True
        return word in PARTICLES and i + 1 < len(tokens)

    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if namelike(i):
            j = i
            while j < len(tokens) and namelike(j):
                j += 1
            while j > i and _word(tokens[j - 1]) in PARTICLES:  # a name does not end in "de"
                j -= 1
            if j > i:
                runs.append((i, j))
            i = max(j, i + 1)
        else:
            i += 1
    if not runs:
        return []
    after_title = [
        r for r in runs if r[0] > 0 and _word(tokens[r[0] - 1]) in TITLES - {"the", "a", "an", "of"}
    ]
    start, end = (after_title or runs)[0]
    if cased and tokens[start].strip(_EDGE_PUNCT)[:1].islower() and _word(tokens[start]) in PARTICLES:
        start += 1
    return [_clean(t) for t in tokens[start:end]]


@lru_cache(maxsize=_CACHE)
def strip_titles(name: str) -> str:
    """The name without titles, offices and apposition; "" when only a role is left.

    "NATO Secretary General Jens Stoltenberg" -> "Jens Stoltenberg"; "Mr. Obama" -> "Obama";
    "Jens Stoltenberg, NATO's secretary general" -> "Jens Stoltenberg";
    "the secretary general" -> "".
    """
    text = unicodedata.normalize("NFC", str(name))
    for segment in _SEGMENT_BREAK.split(text):
        tokens = _name_tokens(segment)
        if tokens:
            return " ".join(tokens)
    return ""


@lru_cache(maxsize=_CACHE)
def title_gender(name: str) -> str | None:
    """ "m" or "f" when a title says so (Mr., Mrs., Ms., Sir, Queen...), else None."""
    for token in str(name).split():
        word = _word(token)
        if word in MALE_TITLES:
            return "m"
        if word in FEMALE_TITLES:
            return "f"
    return None


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    kept = "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept).lower()


@lru_cache(maxsize=_CACHE)
def _key_tokens(name: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """(full name words folded to ascii-ish lower case, middle initials)."""
    words: list[str] = []
    initials: set[str] = set()
    for token in strip_titles(name).replace("-", " ").split():
        folded = _fold(token)
        if not folded or folded in SUFFIXES:
            continue
        if _is_initial(token) or len(folded) == 1:
            initials.add(folded)
        else:
            words.append(folded)
    while words and words[-1] in PARTICLES:  # "de" left alone once an initial went
        words.pop()
    return tuple(words), frozenset(initials)


def person_key(name: str) -> str:
    """A comparison key: titles, middle initials, accents, case and punctuation dropped.

    "Vladimir V. Putin" and "President Vladimir Putin" -> "vladimir putin";
    "President Putin" -> "putin".  Idempotent: ``person_key(person_key(x)) == person_key(x)``.
    """
    key = " ".join(_key_tokens(name)[0])
    for _ in range(8):  # folding can make a title of a name ("Añ" -> "an"): settle on a fixed point
        again = " ".join(_key_tokens(key)[0])
        if again == key:
            break
        key = again
    return key


def last_name_key(name: str) -> str:
    """The last name as ``same_person`` compares it first ("" for none): names with different
    keys are never one person, so a caller can group names by key before comparing them."""
    words = _key_tokens(name)[0]
    return words[-1] if words else ""


def same_person(a: str, b: str) -> bool:
    """Whether two names can denote one person (symmetric).

    A lone surname matches the fuller name with that surname ("Putin" ~ "Vladimir V. Putin");
    two fuller names need the same first and last names, and agree on the middle ones and
    initials where both have them ("Michelle Obama" !~ "Barack Obama").  Titles that give
    a gender must not disagree ("Mr. Clinton" !~ "Mrs. Clinton").
    """
    (wa, ia), (wb, ib) = _key_tokens(a), _key_tokens(b)
    if not wa or not wb or wa[-1] != wb[-1]:
        return False
    ga, gb = title_gender(a), title_gender(b)
    if ga and gb and ga != gb:
        return False
    if len(wa) == 1 or len(wb) == 1:
        return True
    if wa[0] != wb[0]:
        return False
    if not (set(wa) <= set(wb) or set(wb) <= set(wa)):
        return False
    return not (ia and ib and ia != ib)


def _fullness(name: str, count: int, first_seen: int) -> tuple[int, int, int, int, int]:
    words, initials = _key_tokens(name)
    proper = int(any(c.isupper() for c in name) and not name.isupper())
    return (len(words), len(initials), proper, count, -first_seen)


def canonical_name(names: Iterable[str]) -> str:
    """The fullest proper form among aliases of one person, titles stripped.

    Most full name words first, then most initials ("Vladimir V. Putin" over "Vladimir
    Putin" over "Putin"), then proper case, then the most frequent, then the first seen.
    "" when no alias holds a name.
    """
    forms: Counter[str] = Counter()
    order: dict[str, int] = {}
    for raw in names:
        form = strip_titles(raw)
        if form:
            forms[form] += 1
            order.setdefault(form, len(order))
    if not forms:
        return ""
    return max(forms, key=lambda f: _fullness(f, forms[f], order[f]))
