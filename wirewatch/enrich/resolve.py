"""Who a speaker mention is, within one article: hand-written rules over spaCy's parse.

- A **name** resolves to the fullest form of that person in the article ("Stoltenberg" ->
  "Jens Stoltenberg"; see ``entities.find_name_mentions``).  A name that is a possessor
  ("Obama's spokesman") is not the speaker.
- A **role** ("the secretary general", "the president") resolves to the person introduced
  with that role: "NATO Secretary General Jens Stoltenberg", "Jens Stoltenberg, NATO's
  secretary general", "the president, Barack Obama".  Only definite, singular roles; the
  same head word, its other words among the introduction's, and "vice"/"deputy"/"former"
  only when both have them.  No introduction: None ("the president" is nobody's until the
  article says whose).  Indefinite or plural nominals ("a spokesman", "officials") and
  non-person nouns ("the ministry") stay None.
- A **pronoun** (he/she and their other cases) resolves to the nearest plausible person
  outside quotation marks: sentence by sentence backwards, up to ``WINDOW`` sentences and
  across paragraphs, preferring within a sentence the subject or the speaker of an
  attribution, then the most recent.  Gender is known only cheaply: a Mr./Mrs./Ms. title,
  or a pronoun already resolved to the person (a chain); unknown gender agrees with both.
  "I", "we", "they", "it" stay None: the writer, a group or an organisation.
- Confidence: the quote's own confidence times 1.0 for a full name, 0.95 for a shortened
  name, 0.85 for a name not seen in full, 0.75 for a role, 0.7 for a pronoun.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Container, Sequence
from dataclasses import replace
from typing import NamedTuple

from wirewatch.enrich.columns import Columns, ids, read_columns
from wirewatch.enrich.entities import NameMention, find_name_mentions
from wirewatch.enrich.nlp import ParsedText
from wirewatch.model import EntityKind, Quote, Span, Speaker
from wirewatch.names import same_person, strip_titles

__all__ = ["resolve_speakers"]

WINDOW = 3  # sentences back a pronoun may look for its antecedent
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "herself": "f"}
DEFINITE = frozenset({"the", "this", "that"})
STRICT_MODIFIERS = frozenset({"vice", "deputy", "former", "assistant", "under", "acting", "associate", "ex"})
ABBREVIATIONS = {
    "sen": "senator",
    "rep": "representative",
    "gov": "governor",
    "gen": "general",
    "pres": "president",
}
_PRONOUNS = frozenset(PRONOUN_GENDER)
PLURAL_TAGS = frozenset({"NNS", "NNPS"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
NAME, SHORT_NAME, OTHER_NAME, ROLE, PRONOUN = 1.0, 0.95, 0.85, 0.75, 0.7


class _Ref(NamedTuple):
    """A mention known to denote a person: a name, a resolved role or pronoun.

    This and the other records of the walk are named tuples: immutable, and made faster
    than frozen dataclasses (some hundred an article).
    """

    start: int
    sentence: int
    subject: bool
    canonical: str


class _Pronoun(NamedTuple):
    word: str  # lower case
    subject: bool


class _Role(NamedTuple):
    """What ``role_holder`` reads of a noun phrase ("the secretary general"), read once."""

    definite: bool  # opens with a definite word
    plural: bool
    nominal: bool  # headed by a noun or a proper noun
    subject: bool
    head: str  # the head word, lower case
    words: tuple[str, ...]  # without determiners and punctuation, abbreviations spelt out
    length: int  # characters

    @classmethod
    def of(cls, cols: Columns, start: int, end: int, heads: Container[str]) -> _Role:
        """The noun phrase of a paragraph's tokens ``start`` to ``end``.

        Its ``words`` are read only when its head word (spelt out) is one of ``heads``, the
        role words people were introduced with: ``role_holder`` finds no one otherwise.
        """
        root = cols.span_root(start, end)
        head = cols.word(root)
        words: list[str] = []
        if ABBREVIATIONS.get(head, head) in heads:
            words = [
                cols.word(t).rstrip(".")
                for t in range(start, end)
                if cols.pos_(t) not in {"DET", "PUNCT", "PART"} and cols.tag_(t) != "POS"
            ]
        return cls(
            definite=cols.word(start) in DEFINITE,
            plural=cols.tag_(root) in PLURAL_TAGS,
            nominal=cols.pos_(root) in {"NOUN", "PROPN"},
            subject=cols.dep_(root) in SUBJECT_DEPS,
            head=head,
            words=tuple(ABBREVIATIONS.get(w, w) for w in words),
            length=len(cols.span_text(start, end)),
        )


def _inside_any(spans: list[Span], points: list[int]) -> list[bool]:
    """For each point, whether one of ``spans`` holds it (the furthest end of those starting before)."""
    spans = sorted(spans)
    starts = [start for start, _ in spans]
    furthest = list(itertools.accumulate((end for _, end in spans), max, initial=-1))
    return [furthest[bisect.bisect_right(starts, p)] > p for p in points]


class _Article:
    def __init__(
        self,
        parsed: ParsedText,
        speaker_spans: list[Span],
        mentions: list[NameMention],
        columns: Sequence[Columns],
    ) -> None:
        self.parsed = parsed
        self.columns = columns
        self.starts = [p.start for p in parsed.paragraphs]
        self.mentions = mentions
        self.people = [m for m in self.mentions if m.kind == EntityKind.PERSON]
        self.gender: dict[str, str] = {m.cluster: m.gender for m in self.people if m.gender}
        self.quotations = [c.quoted for c in columns]
        self.sentence_starts: list[int] = []  # article offset of each sentence, in order
        for para, cols in zip(parsed.paragraphs, columns, strict=True):
            self.sentence_starts.extend(para.start + cols.idx[i] for i in cols.sent_starts)
        # role_holder's look-ups: the people by each word of their role, in text order, and
        # whether any person's name overlaps a span (spans by start, the furthest end so far)
        self.by_role_word: dict[str, list[tuple[NameMention, set[str]]]] = {}
        for m in self.people:
            role = {ABBREVIATIONS.get(w, w) for w in m.role}
            for word in role:
                self.by_role_word.setdefault(word, []).append((m, role))
        spans = sorted(m.span for m in self.people)
        self.people_starts = [start for start, _ in spans]
        self.furthest_end = list(itertools.accumulate((end for _, end in spans), max, initial=-1))
        self.refs: list[_Ref] = []
        self.resolved: dict[int, str | None] = {}  # pronoun or role token start -> canonical
        self.votes: Counter[tuple[str, str]] = Counter()
        self.events: list[tuple[int, NameMention | _Pronoun | _Role]] | None = None  # the same for both walks
        self.speaking: list[bool] = []  # each event inside a speaker mention?
        self.event_sentences: list[int] = []  # and in which sentence
        self._walk(speaker_spans)
        # Second pass: a person most often called "he" in the first is male, and so on.
        self.gender = {m.cluster: m.gender for m in self.people if m.gender}
        for (canonical, gender), n in self.votes.items():
            if canonical not in self.gender and n > self.votes[canonical, "f" if gender == "m" else "m"]:
                self.gender[canonical] = gender
        self.refs, self.resolved = [], {}
        self._walk(speaker_spans)

    def sentence(self, pos: int) -> int:
        return max(bisect.bisect_right(self.sentence_starts, pos) - 1, 0)

    def quoted(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos - self.starts[i] in self.quotations[i]

    def _events(self) -> list[tuple[int, NameMention | _Pronoun | _Role]]:
        """Names, he/she pronouns and definite noun phrases outside quotes, in text order."""
        events: list[tuple[int, NameMention | _Pronoun | _Role]] = [(m.span[0], m) for m in self.people]
        pronouns, definite = ids(_PRONOUNS), ids(DEFINITE)
        for para, cols in zip(self.parsed.paragraphs, self.columns, strict=True):
            for i in cols.positions(pronouns):
                if cols.pos_(i) == "PRON":
                    events.append(
                        (para.start + cols.idx[i], _Pronoun(cols.word(i), cols.dep_(i) in SUBJECT_DEPS))
                    )
            if not cols.positions(definite):
                continue  # no noun chunk can start with a definite word
            for start, end in cols.noun_chunks():
                pos = para.start + cols.idx[start]
                if cols.lower[start] in definite and not self.quoted(pos):  # quoted ones go below
                    role = _Role.of(cols, start, end, self.by_role_word)
                    if role.nominal:
                        events.append((pos, role))
        return sorted((e for e in events if not self.quoted(e[0])), key=lambda e: e[0])

    def _walk(self, speaker_spans: list[Span]) -> None:
        """Go through the article once, in order: names, then roles and pronouns resolved."""
        if self.events is None:
            self.events = self._events()
            self.speaking = _inside_any(speaker_spans, [start for start, _ in self.events])
            self.event_sentences = [self.sentence(start) for start, _ in self.events]
        for (start, item), speaker, sentence in zip(
            self.events, self.speaking, self.event_sentences, strict=True
        ):
            if isinstance(item, NameMention):
                canonical: str | None = item.cluster
                subject = item.subject
            elif isinstance(item, _Pronoun):
                canonical = self.antecedent(start, PRONOUN_GENDER[item.word])
                subject = item.subject
                if canonical:
                    self.votes[canonical, PRONOUN_GENDER[item.word]] += 1
                    if item.word in {"he", "she"}:
                        self.gender.setdefault(canonical, PRONOUN_GENDER[item.word])
            else:
                canonical = self.role_holder(item, start)
                subject = item.subject
            if not isinstance(item, NameMention):
                self.resolved[start] = canonical
            if canonical:
                self.refs.append(_Ref(start, sentence, subject or speaker, canonical))

    def antecedent(self, pos: int, gender: str | None) -> str | None:
        """The person a he/she at ``pos`` most plausibly is (see the module docstring)."""
        here = self.sentence(pos)
        group_sentence, fallback = -1, None
        for ref in reversed(self.refs):
            if ref.start >= pos:
                continue
            if here - ref.sentence > WINDOW:
                break
            if gender and self.gender.get(ref.canonical, gender) != gender:
                continue
            if ref.sentence != group_sentence:
                if fallback:
                    return fallback
                group_sentence = ref.sentence
            if ref.subject:
                return ref.canonical
            fallback = fallback or ref.canonical
        return fallback

    def role_holder(self, role: _Role, pos: int) -> str | None:
        """The person introduced with the role a definite, singular noun phrase names."""
        if role.plural or not role.definite:
            return None
        end = pos + role.length
        if self.furthest_end[bisect.bisect_left(self.people_starts, end)] > pos:
            return None  # a person's name overlaps the phrase
        if not role.words:
            return None
        head, modifiers = ABBREVIATIONS.get(role.head, role.head), set(role.words) - {role.head}
        before: NameMention | None = None
        after: NameMention | None = None
        for m, introduced in self.by_role_word.get(head, ()):
            if not modifiers <= introduced or introduced & STRICT_MODIFIERS != modifiers & STRICT_MODIFIERS:
                continue
            if m.span[0] < pos:
                before = m
            elif after is None:
                after = m
        found = before or after
        return found.cluster if found else None

    def tokens(self, span: Span) -> tuple[int, int, int] | None:
        """(paragraph, first token, end token) of the tokens a character span touches."""
        i = bisect.bisect_right(self.starts, span[0]) - 1
        if i < 0:
            return None
        para = self.parsed.paragraphs[i]
        found = para.doc.char_span(span[0] - para.start, span[1] - para.start, alignment_mode="expand")
        return None if found is None else (i, found.start, found.end)

    def by_name(self, name: str, pos: int) -> str | None:
        """The cluster a written name belongs to: the most recent one before ``pos``, else any."""
        matches = [m for m in self.people if same_person(name, m.cluster)]
        before = [m for m in matches if m.span[0] < pos]
        if before:
            return before[-1].cluster
        return matches[0].cluster if matches else None

    def pronoun(self, pos: int, word: str) -> str | None:
        if pos not in self.resolved:  # a pronoun the walk did not see: inside quotes, say
            self.resolved[pos] = self.antecedent(pos, PRONOUN_GENDER[word])
        return self.resolved[pos]

    def resolve(self, speaker: Speaker) -> tuple[str | None, float]:
        if speaker.span is None:
            name = strip_titles(speaker.name)
            return (self.by_name(name, len(self.parsed.text)) or name or None), OTHER_NAME
        start, end = speaker.span
        text = self.parsed.text[start:end]
        if text.strip().lower() in PRONOUN_GENDER:
            return self.pronoun(start + len(text) - len(text.lstrip()), text.strip().lower()), PRONOUN
        tokens = self.tokens(speaker.span)
        if tokens is None or tokens[1] == tokens[2]:
            return None, 1.0
        paragraph, first, last = tokens
        cols, offset = self.columns[paragraph], self.starts[paragraph]
        head = cols.span_root(first, last)
        inside = [
            m
            for m in self.people
            if start <= m.span[0] < end and self.parsed.text[m.span[1] : m.span[1] + 2] not in ("'s", "’s")
        ]
        root = offset + cols.idx[head]
        for m in sorted(inside, key=lambda m: not m.span[0] <= root < m.span[1]):
            return m.cluster, NAME if m.name == m.cluster else SHORT_NAME
        if cols.pos_(head) == "PROPN" and strip_titles(cols.span_text(first, last)):
            name = strip_titles(cols.span_text(first, last))
            others = [
                m.name for m in self.mentions if start <= m.span[0] < end and m.kind != EntityKind.PERSON
            ]
            return self.by_name(name, start) or (others[0] if others else name), OTHER_NAME
        pos = offset + cols.idx[first]
        role = _Role.of(cols, first, last, self.by_role_word)
        return (self.resolved[pos] if pos in self.resolved else self.role_holder(role, pos)), ROLE


def resolve_speakers(
    parsed: ParsedText,
    quotes: list[Quote],
    mentions: list[NameMention] | None = None,
    columns: Sequence[Columns] | None = None,
) -> list[Quote]:
    """The quotes with ``speaker.canonical`` filled where the mention resolves to a person.

    An unresolved speaker keeps ``canonical=None``; a canonical already set is kept.  The
    confidence is scaled by how the speaker was resolved (a quote's 0.0 counts as 1.0).
    ``mentions`` are ``find_name_mentions(parsed)`` and ``columns`` the paragraphs'
    ``Columns`` when the caller has them already.
    """
    spans = [q.speaker.span for q in quotes if q.speaker and q.speaker.span]
    if mentions is None:
        mentions = find_name_mentions(parsed)
    if columns is None:
        columns = read_columns(parsed)
    article = _Article(parsed, spans, mentions, columns)
    out = []
    for quote in quotes:
        speaker = quote.speaker
        if speaker is None or speaker.canonical is not None:
            out.append(quote)
            continue
        canonical, factor = article.resolve(speaker)
        if canonical is None:
            out.append(quote)
            continue
        base = quote.confidence if quote.confidence > 0 else 1.0
        out.append(replace(quote, speaker=replace(speaker, canonical=canonical), confidence=base * factor))
    return out
