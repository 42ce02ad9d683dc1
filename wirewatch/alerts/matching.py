"""Matching new articles against every saved query, without looping over all of them.

Each query gets *anchors*: features of which a matching article must have at least one
(a word of a positive term, a word of a ``speaker:`` or ``entity:`` name, a story).  An
AND needs only its most selective child's anchors, an OR all of its children's, a NOT none
(so it cannot be anchored).  The index maps each anchor to the queries it anchors; an
article's features select the candidate queries, and only those run the real matcher
(``wirewatch.query.match``, the meaning of search).  Queries that cannot be anchored (only
a negation, dates or ``source:``) are checked on every article; they are rare.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from wirewatch.query import And, Field, Node, Or, Phrase, Term, match, parse_query, word_tokens
from wirewatch.query.tree import fold_token

__all__ = ["QueryIndex", "doc_features"]

Anchor = tuple[str, str]  # ("w", word) | ("s", speaker word) | ("e", entity word) | ("story", id)
_NAME_KINDS = {"speaker": "s", "entity": "e"}


def _rarest(words: list[str]) -> str:
    return max(words, key=len)  # the longest word: a cheap stand-in for the rarest


def _words_anchor(kind: str, value: Term | Phrase) -> frozenset[Anchor] | None:
    if isinstance(value, Term) and value.prefix:
        return None  # a prefix is not a word of the article
    words = [fold_token(w) for w in word_tokens(value.text)]
    return frozenset({(kind, _rarest(words))}) if words else None


def _field_anchors(node: Field) -> frozenset[Anchor] | None:
    value = node.value
    if not isinstance(value, Term | Phrase):
        return None  # since: and until: hold dates
    if node.name in _NAME_KINDS:
        return _words_anchor(_NAME_KINDS[node.name], value)
    if node.name == "title":
        return _words_anchor("w", value)
    if node.name == "story":
        return frozenset({("story", value.text)})
    return None  # source: and lang: match parts of a field


def anchors(node: Node) -> frozenset[Anchor] | None:
    """Features one of which every matching article has; None when there are none."""
    if isinstance(node, Term | Phrase):
        return _words_anchor("w", node)
    if isinstance(node, Field):
        return _field_anchors(node)
    if isinstance(node, And):
        options = [a for a in (anchors(i) for i in node.items) if a is not None]
        return min(options, key=len) if options else None
    if isinstance(node, Or):
        union: set[Anchor] = set()
        for item in node.items:
            found = anchors(item)
            if found is None:
                return None
            union |= found
        return frozenset(union)
    return None  # NOT: what an article lacks is no anchor


def doc_features(doc: Mapping[str, object], cache: dict[str, list[str]] | None = None) -> set[Anchor]:
    """The anchors an article dict has (the ``wirewatch.query.match`` dict); ``cache``
    receives the folded words of its title and text, as ``match`` keeps them."""
    features: set[Anchor] = set()
    cache = {} if cache is None else cache
    for key in ("title", "text"):
        if key not in cache:
            cache[key] = [fold_token(w) for w in word_tokens(str(doc.get(key) or ""))]
        features.update(("w", w) for w in cache[key])
    for key, kind in (("speakers", "s"), ("entities", "e")):
        names = doc.get(key)
        if isinstance(names, list | tuple):
            for name in names:
                features.update((kind, fold_token(w)) for w in word_tokens(str(name)))
    stories = doc.get("stories") or [doc.get("story_id")]
    if isinstance(stories, list | tuple):
        features.update(("story", str(s)) for s in stories if s is not None)
    return features


@dataclass(frozen=True, slots=True)
class _Entry:
    key: int
    node: Node


class QueryIndex:
    """Saved queries by id; ``matches(doc)`` gives the ids of those the article matches."""

    def __init__(self, queries: Iterable[tuple[int, str]] = ()) -> None:
        self._postings: dict[Anchor, list[_Entry]] = {}
        self._unanchored: list[_Entry] = []
        self._size = 0
        for key, text in queries:
            self.add(key, text)

    def __len__(self) -> int:
        return self._size

    def add(self, key: int, query: str | Node) -> None:
        """Index one query (a QueryError propagates for a malformed one)."""
        node = parse_query(query) if isinstance(query, str) else query
        entry = _Entry(key, node)
        found = anchors(node)
        if found is None:
            self._unanchored.append(entry)
        else:
            for anchor in found:
                self._postings.setdefault(anchor, []).append(entry)
        self._size += 1

    def candidates(self, doc: Mapping[str, object]) -> list[int]:
        """The queries the article could match (a superset of those it does)."""
        return sorted({e.key for e in self._candidate_entries(doc)})

    def _candidate_entries(
        self, doc: Mapping[str, object], cache: dict[str, list[str]] | None = None
    ) -> list[_Entry]:
        seen: dict[int, _Entry] = {}
        for feature in doc_features(doc, cache):
            for entry in self._postings.get(feature, ()):
                seen.setdefault(id(entry), entry)
        for entry in self._unanchored:
            seen.setdefault(id(entry), entry)
        return list(seen.values())

    def matches(self, doc: Mapping[str, object], *, now: datetime | None = None) -> list[int]:
        cache: dict[str, list[str]] = {}  # the doc's words, folded once for all the queries
        candidates = self._candidate_entries(doc, cache)
        hits = {e.key for e in candidates if match(e.node, doc, now=now, cache=cache)}
        return sorted(hits)
