"""People, organisations and places named in an article, one Entity per canonical name.

spaCy's NER finds the names (PERSON -> person; ORG -> organization; GPE, LOC, FAC ->
place; NORP, "Russian", is an adjective or a group, not something to follow, and is left
out).  People are then grouped by ``names.same_person`` ("Stoltenberg" joins "Jens
Stoltenberg"), and a lone capitalised surname of a known person counts as that person
whatever label NER gave it (the small model often calls "Stoltenberg" an ORG).  The
canonical name is the fullest form in the article (``names.canonical_name``).

``find_name_mentions`` is shared with ``resolve``: the mentions in text order, with the
role words a person was introduced with ("NATO Secretary General Jens Stoltenberg",
"Jens Stoltenberg, NATO's secretary general").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import Any

from wirewatch.enrich.nlp import ParsedText, sentence_starts, token_positions
from wirewatch.model import Entity, EntityKind, Span
from wirewatch.names import canonical_name, person_key, same_person, strip_titles, title_gender

__all__ = ["NameMention", "find_entities", "find_name_mentions", "quoted_mask"]

KINDS = {
    "PERSON": EntityKind.PERSON,
    "ORG": EntityKind.ORGANIZATION,
    "GPE": EntityKind.PLACE,
    "LOC": EntityKind.PLACE,
    "FAC": EntityKind.PLACE,
}
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
OPENING, CLOSING = "“«", "”»"
_QUOTE_MARK = re.compile('[“«”»"]')


@dataclass(frozen=True, slots=True)
class NameMention:
    """One name in the text: ``name`` without titles, ``cluster`` its entity's canonical."""

    name: str
    span: Span
    kind: EntityKind
    sentence: int  # index of the sentence in the whole article
    subject: bool  # subject of its clause
    quoted: bool  # inside quotation marks: someone talking about the person
    role: tuple[str, ...] = ()  # role words it was introduced with, lower case
    gender: str | None = None  # from a title: "m" / "f"
    cluster: str = ""


def quoted_mask(text: str) -> list[bool]:
    """Per character: inside quotation marks?  Reset at each paragraph (the caller's text).

    A mark opens (“, «, or " when none is open) or closes (”, », or " when one is open);
    the marks themselves count as inside, and so does a stray closing mark.
    """
    mask = [False] * len(text)
    opened = -1  # where the open quotation began
    for match in _QUOTE_MARK.finditer(text):
        i = match.start()
        char = text[i]
        if char in OPENING or (char == '"' and opened < 0):
            opened = i if opened < 0 else opened
            continue
        start = i if opened < 0 else opened
        mask[start : i + 1] = [True] * (i + 1 - start)
        opened = -1
    if opened >= 0:
        mask[opened:] = [True] * (len(text) - opened)
    return mask


def _words(tokens: Any) -> tuple[str, ...]:
    return tuple(
        t.lower_.rstrip(".")
        for t in tokens
        if t.pos_ not in {"DET", "PUNCT", "PART"} and t.tag_ != "POS" and not t.like_num
    )


def _role_before(doc: Any, start: int, end: int) -> tuple[Any, ...]:
    """Tokens modifying the name from the left: "NATO Secretary General" (Jens Stoltenberg)."""
    i = start - 1
    while i >= 0 and start - i <= 6:
        tok = doc[i]
        if tok.is_sent_end or tok.pos_ not in {"PROPN", "NOUN", "ADJ"} or not tok.i < tok.head.i < end:
            break
        i -= 1
    return tuple(doc[i + 1 : start])


def _role_apposed(doc: Any, start: int, end: int) -> tuple[Any, ...]:
    """ "Jens Stoltenberg, NATO's secretary general" or "the president, Barack Obama"."""
    for tok in doc[start:end]:
        for child in tok.children:
            if child.dep_ == "appos" and child.i >= end and child.pos_ == "NOUN":
                return tuple(t for t in child.subtree if t.i <= child.i)
    root = doc[start:end].root
    if root.dep_ == "appos" and root.head.pos_ == "NOUN" and root.head.i < start:
        return tuple(t for t in root.head.subtree if t.i <= root.head.i)
    return ()


def find_name_mentions(parsed: ParsedText) -> list[NameMention]:
    """Every named entity mention in text order, people grouped (``cluster``)."""
    mentions: list[NameMention] = []
    sentence_base = 0
    paragraphs = []
    for para in parsed.paragraphs:
        doc = para.doc
        mask = quoted_mask(parsed.text[para.start : para.end])  # doc.text would rebuild it token by token
        sent_index: list[int] = []  # token -> sentence in the article
        starts = sentence_starts(doc)
        for n, (first, end) in enumerate(zip(starts, [*starts[1:], len(doc)], strict=True)):
            sent_index.extend([sentence_base + n] * (end - first))
        sentence_base += len(starts)
        taken: set[int] = set()
        paragraphs.append((para.start, doc, mask, sent_index, taken))
        for ent in doc.ents:
            kind = KINDS.get(ent.label_)
            end = ent.end
            while end > ent.start + 1 and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct):
                end -= 1
            span = doc[ent.start : end]
            name = strip_titles(span.text) if kind == EntityKind.PERSON else span.text
            if kind is None or not name or (kind == EntityKind.PLACE and span.root.tag_ == "JJ"):
                continue
            role: tuple[str, ...] = ()
            gender = None
            if kind == EntityKind.PERSON:
                before = _role_before(doc, ent.start, end)
                gender = title_gender(" ".join(t.text for t in (*before, *span)))
                own = {w.lower().rstrip(".") for w in name.split()}
                role = _words(before) + tuple(w for w in _words(span) if w not in own)
                role = role or _words(_role_apposed(doc, ent.start, end))
            start_char = para.start + span.start_char
            mentions.append(
                NameMention(
                    name=name.removeprefix("the ").removeprefix("The ")
                    if kind != EntityKind.PERSON
                    else name,
                    span=(start_char, start_char + len(span.text)),
                    kind=kind,
                    sentence=sent_index[ent.start],
                    subject=span.root.dep_ in SUBJECT_DEPS,
                    quoted=mask[span.start_char],
                    role=role,
                    gender=gender,
                )
            )
            taken.update(range(ent.start, ent.end))
    # Lone capitalised words spelling a known person's surname, whatever NER said.
    surnames = {m.name.split()[-1] for m in mentions if m.kind == EntityKind.PERSON and " " in m.name}
    lone_non_person = {m.span[0] for m in mentions if m.kind != EntityKind.PERSON and " " not in m.name}
    by_start = {m.span[0]: m for m in mentions}  # names never share a first character
    for start, doc, mask, sent_index, taken in paragraphs:
        for i in token_positions(doc, frozenset(surnames), lower=False) if surnames else ():
            tok = doc[i]
            if tok.text in surnames and (tok.i not in taken or start + tok.idx in lone_non_person):
                by_start[start + tok.idx] = NameMention(
                    name=tok.text,
                    span=(start + tok.idx, start + tok.idx + len(tok.text)),
                    kind=EntityKind.PERSON,
                    sentence=sent_index[tok.i],
                    subject=tok.dep_ in SUBJECT_DEPS,
                    quoted=mask[tok.idx],
                )
    return _cluster_people(sorted(by_start.values(), key=lambda m: m.span))


class _Cluster:
    """The mentions taken for one person, with what a newcomer is checked against."""

    def __init__(self, first: NameMention) -> None:
        self.members = [first]
        self.names = {first.name}  # same_person is checked once per distinct name
        self.genders = {first.gender}
        self.spans = [first.span]  # sorted

    def add(self, mention: NameMention) -> None:
        self.members.append(mention)
        self.names.add(mention.name)
        self.genders.add(mention.gender)
        bisect.insort(self.spans, mention.span)

    def last_before(self, span: Span) -> Span | None:
        i = bisect.bisect_left(self.spans, span)
        return self.spans[i - 1] if i else None


def _cluster_people(mentions: list[NameMention]) -> list[NameMention]:
    """Give each person mention its cluster: fuller names first, then lone surnames."""
    people = [m for m in mentions if m.kind == EntityKind.PERSON]
    known: dict[tuple[str, str], bool] = {}  # an article repeats a handful of names

    def same(a: str, b: str) -> bool:
        if (a, b) not in known:
            known[a, b] = same_person(a, b)
        return known[a, b]

    lengths = {m.name: len(person_key(m.name).split()) for m in people}
    clusters: list[_Cluster] = []
    for m in sorted(people, key=lambda m: -lengths[m.name]):
        candidates = [
            c
            for c in clusters
            if all(same(m.name, name) for name in c.names) and _gender_ok(m.gender, c.genders)
        ]
        if not candidates:
            clusters.append(_Cluster(m))
            continue
        before = [(last, c) for c in candidates if (last := c.last_before(m.span)) is not None]
        best = max(before, key=lambda pair: pair[0])[1] if before else candidates[0]
        best.add(m)
    names = {}
    for c in clusters:
        canonical = canonical_name(o.name for o in c.members) or c.members[0].name
        gender = next((o.gender for o in c.members if o.gender), None)
        for o in c.members:
            names[o.span] = (canonical, gender)
    return [
        replace(m, cluster=names[m.span][0], gender=m.gender or names[m.span][1]) if m.span in names else m
        for m in mentions
    ]


def _gender_ok(gender: str | None, genders: set[str | None]) -> bool:
    return gender is None or genders <= {None, gender}


def find_entities(parsed: ParsedText, mentions: list[NameMention] | None = None) -> list[Entity]:
    """One Entity per person, organisation or place, in order of first mention.

    ``mentions`` are ``find_name_mentions(parsed)`` when the caller has them already.
    """
    groups: dict[tuple[EntityKind, str], list[NameMention]] = {}
    for m in find_name_mentions(parsed) if mentions is None else mentions:
        key = m.cluster if m.kind == EntityKind.PERSON else " ".join(m.name.lower().split())
        groups.setdefault((m.kind, key), []).append(m)
    entities = []
    for (kind, key), group in groups.items():
        if kind == EntityKind.PERSON:
            canonical = key
        else:
            canonical = max((m.name for m in group), key=lambda n: (sum(c.isupper() for c in n), len(n)))
        aliases = tuple(dict.fromkeys(m.name for m in group if m.name != canonical))
        entities.append(Entity(canonical, kind, aliases, tuple(m.span for m in group)))
    return entities
