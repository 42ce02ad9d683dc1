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
from dataclasses import dataclass, replace
from typing import Any

from wirewatch.enrich.entities import NameMention, find_name_mentions, quoted_mask
from wirewatch.enrich.nlp import ParsedText, sentence_starts, token_positions
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
NAME, SHORT_NAME, OTHER_NAME, ROLE, PRONOUN = 1.0, 0.95, 0.85, 0.75, 0.7


@dataclass(frozen=True, slots=True)
class _Ref:
    """A mention known to denote a person: a name, a resolved role or pronoun."""

    start: int
    sentence: int
    subject: bool
    canonical: str


def _role_words(tokens: Any) -> tuple[str, ...]:
    words = [
        t.lower_.rstrip(".") for t in tokens if t.pos_ not in {"DET", "PUNCT", "PART"} and t.tag_ != "POS"
    ]
    return tuple(ABBREVIATIONS.get(w, w) for w in words)


class _Article:
    def __init__(self, parsed: ParsedText, speaker_spans: list[Span], mentions: list[NameMention]) -> None:
        self.parsed = parsed
        self.starts = [p.start for p in parsed.paragraphs]
        self.mentions = mentions
        self.people = [m for m in self.mentions if m.kind == EntityKind.PERSON]
        self.gender: dict[str, str] = {m.cluster: m.gender for m in self.people if m.gender}
        self.masks = [quoted_mask(parsed.text[p.start : p.end]) for p in parsed.paragraphs]
        self.sentence_starts: list[int] = []  # article offset of each sentence, in order
        for para in parsed.paragraphs:
            self.sentence_starts.extend(para.start + para.doc[i].idx for i in sentence_starts(para.doc))
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
        self.events: list[tuple[int, str, Any]] | None = None  # the same for both walks
        self.speaking: list[bool] = []  # each event inside a speaker mention?
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
        if i < 0:
            return False
        offset = pos - self.starts[i]
        return 0 <= offset < len(self.masks[i]) and self.masks[i][offset]

    def _events(self) -> list[tuple[int, str, Any]]:
        """Names, he/she pronouns and definite noun phrases outside quotes, in text order."""
        events: list[tuple[int, str, Any]] = [(m.span[0], "name", m) for m in self.people]
        for para in self.parsed.paragraphs:
            for i in token_positions(para.doc, _PRONOUNS):
                tok = para.doc[i]
                if tok.lower_ in PRONOUN_GENDER and tok.pos_ == "PRON":
                    events.append((para.start + tok.idx, "pronoun", tok))
            if not token_positions(para.doc, DEFINITE):
                continue  # no noun chunk can start with a definite word
            for chunk in para.doc.noun_chunks:
                if chunk[0].lower_ in DEFINITE and chunk.root.pos_ in {"NOUN", "PROPN"}:
                    events.append((para.start + chunk.start_char, "role", chunk))
        return sorted((e for e in events if not self.quoted(e[0])), key=lambda e: e[0])

    def _walk(self, speaker_spans: list[Span]) -> None:
        """Go through the article once, in order: names, then roles and pronouns resolved."""
        if self.events is None:
            self.events = self._events()
            self.speaking = [any(s <= e[0] < end for s, end in speaker_spans) for e in self.events]
        for (start, what, item), speaker in zip(self.events, self.speaking, strict=True):
            if what == "name":
                canonical: str | None = item.cluster
                subject = item.subject
            elif what == "pronoun":
                canonical = self.antecedent(start, PRONOUN_GENDER[item.lower_])
                subject = item.dep_ in {"nsubj", "nsubjpass"}
                if canonical:
                    self.votes[canonical, PRONOUN_GENDER[item.lower_]] += 1
                    if item.lower_ in {"he", "she"}:
                        self.gender.setdefault(canonical, PRONOUN_GENDER[item.lower_])
            else:
                canonical = self.role_holder(item, start)
                subject = item.root.dep_ in {"nsubj", "nsubjpass"}
            if what != "name":
                self.resolved[start] = canonical
            if canonical:
                self.refs.append(_Ref(start, self.sentence(start), subject or speaker, canonical))

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

    def role_holder(self, chunk: Any, pos: int) -> str | None:
        """The person introduced with the role a definite, singular noun phrase names."""
        if chunk.root.tag_ in PLURAL_TAGS or chunk[0].lower_ not in DEFINITE:
            return None
        end = pos + len(chunk.text)
        if self.furthest_end[bisect.bisect_left(self.people_starts, end)] > pos:
            return None  # a person's name overlaps the phrase
        words = _role_words(chunk)
        if not words:
            return None
        head, modifiers = (
            ABBREVIATIONS.get(chunk.root.lower_, chunk.root.lower_),
            set(words) - {chunk.root.lower_},
        )
        before: NameMention | None = None
        after: NameMention | None = None
        for m, role in self.by_role_word.get(head, ()):
            if not modifiers <= role or role & STRICT_MODIFIERS != modifiers & STRICT_MODIFIERS:
                continue
            if m.span[0] < pos:
                before = m
            elif after is None:
                after = m
        found = before or after
        return found.cluster if found else None

    def tokens(self, span: Span) -> Any:
        i = bisect.bisect_right(self.starts, span[0]) - 1
        if i < 0:
            return None
        para = self.parsed.paragraphs[i]
        return para.doc.char_span(span[0] - para.start, span[1] - para.start, alignment_mode="expand")

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
        span = self.tokens(speaker.span)
        if span is None or len(span) == 0:
            return None, 1.0
        inside = [
            m
            for m in self.people
            if start <= m.span[0] < end and self.parsed.text[m.span[1] : m.span[1] + 2] not in ("'s", "’s")
        ]
        root = self.starts[bisect.bisect_right(self.starts, start) - 1] + span.root.idx
        for m in sorted(inside, key=lambda m: not m.span[0] <= root < m.span[1]):
            return m.cluster, NAME if m.name == m.cluster else SHORT_NAME
        if span.root.pos_ == "PROPN" and strip_titles(span.text):
            name = strip_titles(span.text)
            others = [
                m.name for m in self.mentions if start <= m.span[0] < end and m.kind != EntityKind.PERSON
            ]
            return self.by_name(name, start) or (others[0] if others else name), OTHER_NAME
        pos = self.starts[bisect.bisect_right(self.starts, start) - 1] + span.start_char
        return (self.resolved[pos] if pos in self.resolved else self.role_holder(span, pos)), ROLE


def resolve_speakers(
    parsed: ParsedText, quotes: list[Quote], mentions: list[NameMention] | None = None
) -> list[Quote]:
    """The quotes with ``speaker.canonical`` filled where the mention resolves to a person.

    An unresolved speaker keeps ``canonical=None``; a canonical already set is kept.  The
    confidence is scaled by how the speaker was resolved (a quote's 0.0 counts as 1.0).
    ``mentions`` are ``find_name_mentions(parsed)`` when the caller has them already.
    """
    spans = [q.speaker.span for q in quotes if q.speaker and q.speaker.span]
    article = _Article(parsed, spans, find_name_mentions(parsed) if mentions is None else mentions)
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
