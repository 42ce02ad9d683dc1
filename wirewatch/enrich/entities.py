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
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from wirewatch.enrich.columns import Columns, Quoted, hashes, read_columns
from wirewatch.enrich.nlp import ParsedText
from wirewatch.model import Entity, EntityKind, Span
from wirewatch.names import (
    canonical_name,
    last_name_key,
    person_key,
    same_person,
    strip_titles,
    title_gender,
)

__all__ = ["NameMention", "Quoted", "find_entities", "find_name_mentions"]

KINDS = {
    "PERSON": EntityKind.PERSON,
    "ORG": EntityKind.ORGANIZATION,
    "GPE": EntityKind.PLACE,
    "LOC": EntityKind.PLACE,
    "FAC": EntityKind.PLACE,
}
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


class NameMention(NamedTuple):
    """One name in the text: ``name`` without titles, ``cluster`` its entity's canonical.

    A named tuple, not a frozen dataclass: as immutable, and made several times faster
    (a frozen dataclass sets each field through ``object.__setattr__``), for every name
    in every article.
    """

    name: str
    span: Span
    kind: EntityKind
    sentence: int  # index of the sentence in the whole article
    subject: bool  # subject of its clause
    quoted: bool  # inside quotation marks: someone talking about the person
    role: tuple[str, ...] = ()  # role words it was introduced with, lower case
    gender: str | None = None  # from a title: "m" / "f"
    cluster: str = ""

    def clustered(self, cluster: str, gender: str | None) -> NameMention:
        """The mention given its cluster (and its gender, unless it has one): ``_replace``
        spelt out, a few times faster, for every person in every article."""
        return NameMention(
            self.name,
            self.span,
            self.kind,
            self.sentence,
            self.subject,
            self.quoted,
            self.role,
            self.gender or gender,
            cluster,
        )


def _words(cols: Columns, tokens: Iterable[int]) -> tuple[str, ...]:
    return tuple(
        cols.word(i).rstrip(".")
        for i in tokens
        if cols.pos_(i) not in {"DET", "PUNCT", "PART"} and cols.tag_(i) != "POS" and not cols.like_num(i)
    )


def _role_before(cols: Columns, start: int, end: int) -> range:
    """Tokens modifying the name from the left: "NATO Secretary General" (Jens Stoltenberg)."""
    i = start - 1
    while i >= 0 and start - i <= 6:
        if cols.sentence_end(i) or cols.pos_(i) not in {"PROPN", "NOUN", "ADJ"} or not i < cols.head[i] < end:
            break
        i -= 1
    return range(i + 1, start)


def _role_apposed(cols: Columns, start: int, end: int, root: int) -> list[int]:
    """ "Jens Stoltenberg, NATO's secretary general" or "the president, Barack Obama"."""
    for tok in range(start, end):
        for child in cols.children(tok):
            if cols.dep_(child) == "appos" and child >= end and cols.pos_(child) == "NOUN":
                return [t for t in cols.subtree(child) if t <= child]
    head = cols.head[root]
    if cols.dep_(root) == "appos" and cols.pos_(head) == "NOUN" and head < start:
        return [t for t in cols.subtree(head) if t <= head]
    return []


def find_name_mentions(parsed: ParsedText, columns: Sequence[Columns] | None = None) -> list[NameMention]:
    """Every named entity mention in text order, people grouped (``cluster``).

    ``columns`` are ``read_columns(parsed)`` when the caller has them already.
    """
    mentions: list[NameMention] = []
    sentence_base = 0
    paragraphs = []
    columns = read_columns(parsed) if columns is None else columns
    for para, cols in zip(parsed.paragraphs, columns, strict=True):
        quoted = cols.quoted
        taken: set[int] = set()
        paragraphs.append((para.start, cols, quoted, sentence_base, taken))
        for ent_start, ent_end, label in cols.ents():
            kind = KINDS.get(label)
            if kind is None:
                continue
            end = ent_end
            while end > ent_start + 1 and (cols.tag_(end - 1) == "POS" or cols.is_punct[end - 1]):
                end -= 1
            text = cols.span_text(ent_start, end)
            name = strip_titles(text) if kind == EntityKind.PERSON else text
            root = cols.span_root(ent_start, end)
            if not name or (kind == EntityKind.PLACE and cols.tag_(root) == "JJ"):
                continue
            role: tuple[str, ...] = ()
            gender = None
            if kind == EntityKind.PERSON:
                before = _role_before(cols, ent_start, end)
                gender = title_gender(" ".join(cols.token_text(i) for i in range(before.start, end)))
                own = {w.lower().rstrip(".") for w in name.split()}
                role = _words(cols, before) + tuple(
                    w for w in _words(cols, range(ent_start, end)) if w not in own
                )
                role = role or _words(cols, _role_apposed(cols, ent_start, end, root))
            start_char = para.start + cols.idx[ent_start]
            mentions.append(
                NameMention(
                    name=name.removeprefix("the ").removeprefix("The ")
                    if kind != EntityKind.PERSON
                    else name,
                    span=(start_char, start_char + len(text)),
                    kind=kind,
                    sentence=sentence_base + cols.sentence_index(ent_start),
                    subject=cols.dep_(root) in SUBJECT_DEPS,
                    quoted=cols.idx[ent_start] in quoted,
                    role=role,
                    gender=gender,
                )
            )
            taken.update(range(ent_start, ent_end))
        sentence_base += len(cols.sent_starts)
    # Lone capitalised words spelling a known person's surname, whatever NER said.
    surnames = {m.name.split()[-1] for m in mentions if m.kind == EntityKind.PERSON and " " in m.name}
    lone_non_person = {m.span[0] for m in mentions if m.kind != EntityKind.PERSON and " " not in m.name}
    by_start = {m.span[0]: m for m in mentions}  # names never share a first character
    spellings = hashes(frozenset(surnames))
    for start, cols, quoted, base, taken in paragraphs:
        for i in cols.positions(spellings, "orth") if surnames else ():
            text = cols.token_text(i)
            at = start + cols.idx[i]
            if text in surnames and (i not in taken or at in lone_non_person):
                by_start[at] = NameMention(
                    name=text,
                    span=(at, at + len(text)),
                    kind=EntityKind.PERSON,
                    sentence=base + cols.sentence_index(i),
                    subject=cols.dep_(i) in SUBJECT_DEPS,
                    quoted=cols.idx[i] in quoted,
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

    lengths = {name: len(person_key(name).split()) for name in {m.name for m in people}}
    clusters: list[_Cluster] = []
    by_last_name: dict[str, list[_Cluster]] = {}  # only a cluster with the same last name can match
    for m in sorted(people, key=lambda m: -lengths[m.name]):
        last_name = last_name_key(m.name)
        candidates = [
            c
            for c in by_last_name.get(last_name, [])
            if all(same(m.name, name) for name in c.names) and _gender_ok(m.gender, c.genders)
        ]
        if not candidates:
            clusters.append(_Cluster(m))
            by_last_name.setdefault(last_name, []).append(clusters[-1])
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
    return [m.clustered(*names[m.span]) if m.span in names else m for m in mentions]


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
