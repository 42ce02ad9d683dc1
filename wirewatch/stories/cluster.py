"""Online story clustering: each article joins a live story or starts one, as it arrives.

Draft: tuned below.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from wirewatch.stories.features import article_features

__all__ = ["StoryClusterer", "StorySummary", "make"]


@dataclass(frozen=True, slots=True)
class StorySummary:
    """What a story is: a headline, when it ran, who ran it, what it is about."""

    id: str
    title: str
    first_seen: datetime | None
    last_seen: datetime | None
    outlets: tuple[str, ...]
    entities: tuple[str, ...]
    terms: tuple[str, ...]
    size: int


@dataclass(slots=True)
class _Story:
    id: str
    terms: dict[str, float] = field(default_factory=dict)
    names: dict[str, float] = field(default_factory=dict)
    size: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    title: str = ""
    outlets: Counter[str] = field(default_factory=Counter)
    members: list[str] = field(default_factory=list)
    norm: float = 1.0
    fit_sum: float = 0.0
    fit_n: int = 0
    seq: int = 0
    years: set[str] = field(default_factory=set)
    norm_docs: int = 0


@dataclass(slots=True)
class _Doc:
    id: str
    terms: dict[str, float]  # sublinear tf, L2-normalised (idf applied at comparison)
    names: dict[str, float]
    length: int
    years: frozenset[str]
    published: datetime | None
    title: str
    outlet: str | None
    live: int = 0  # live stories sharing a term with it


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _unit(counts: Mapping[str, float]) -> dict[str, float]:
    weights = {t: 1.0 + math.log(c) for t, c in counts.items() if c > 0}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


class StoryClusterer:
    """Single-pass clustering of a news stream into stories (see the module docstring)."""

    def __init__(
        self,
        *,
        threshold: float = 0.3,
        threshold_short: float = 0.3,
        short_words: int = 60,
        name_weight: float = 0.3,
        name_floor: float = 0.0,
        min_names: int = 3,
        title_weight: float = 2.0,
        name_boost: float = 1.0,
        window_days: float = 7.0,
        max_terms: int = 100,
        query_terms: int = 20,
        merge_threshold: float = 0.6,
        relative: float = 0.0,
        merge_floor: float = 0.1,
        merge_candidates: int = 5,
        margin: float = 0.0,
        year_factor: float = 1.0,
        lead_chars: int = 0,
        sparse_stories: int = 0,
        threshold_sparse: float = 0.2,
        lead_weight: float = 0.0,
        margin_floor: float = 0.1,
    ) -> None:
        self.margin = margin
        self.year_factor = year_factor
        self.lead_chars = lead_chars
        self.sparse_stories = sparse_stories
        self.threshold_sparse = threshold_sparse
        self.lead_weight = lead_weight
        self.margin_floor = margin_floor
        self.merge_floor = merge_floor
        self.merge_candidates = merge_candidates
        self.relative = relative
        self.threshold = threshold
        self.threshold_short = threshold_short
        self.short_words = short_words
        self.name_weight = name_weight
        self.name_floor = name_floor
        self.min_names = min_names
        self.title_weight = title_weight
        self.name_boost = name_boost
        self.window = timedelta(days=window_days)
        self.max_terms = max_terms
        self.query_terms = query_terms
        self.merge_threshold = merge_threshold
        self.merges: list[tuple[str, str]] = []
        self._df: Counter[str] = Counter()
        self._docs = 0
        self._stories: dict[str, _Story] = {}
        self._postings: dict[str, set[str]] = {}
        self._assigned: dict[str, str] = {}
        self._parent: dict[str, str] = {}
        self._now: datetime | None = None
        self._seq = 0

    # ---------------------------------------------------------------- public
    def add(self, article: Mapping[str, Any]) -> str:
        """Assign ``article`` to a story (a live one or a new one) and return the story id."""
        doc = self._doc(article)
        best, best_score, ranked = self._best_story(doc)
        if best is not None and best_score < self._needed(doc, best) and self.margin:
            second = max((sc for sid, sc in ranked if sid != best.id), default=0.0)
            if best_score >= self.margin_floor and best_score >= self.margin * second:
                best_score = self._needed(doc, best)
        if best is None or best_score < self._needed(doc, best):
            story_id = self._new_story(doc)
        else:
            story_id = best.id
            best.fit_sum += best_score
            best.fit_n += 1
        self._join(story_id, doc)
        self._merge_around(story_id, ranked)
        return self._find(story_id)

    def restore(self, article: Mapping[str, Any], story_id: str) -> None:
        """Put an already-assigned article back into the state, without deciding anything."""
        doc = self._doc(article)
        story_id = self._find(story_id)
        if story_id not in self._stories:
            self._seq += 1
            self._stories[story_id] = _Story(story_id, seq=self._seq)
        self._join(story_id, doc)

    def final_clusters(self) -> dict[str, str]:
        """Article id -> story id, after the late merges."""
        return {article: self._find(story) for article, story in self._assigned.items()}

    def story(self, story_id: str) -> StorySummary:
        """A summary of the story ``story_id`` (or of the story it was merged into)."""
        story = self._stories[self._find(story_id)]
        idf = self._idf
        terms = sorted(story.terms, key=lambda t: (-story.terms[t] * idf(t), t))
        names = sorted(story.names, key=lambda t: (-story.names[t] * idf(t), t))
        return StorySummary(
            id=story.id,
            title=story.title,
            first_seen=story.first_seen,
            last_seen=story.last_seen,
            outlets=tuple(sorted(story.outlets)),
            entities=tuple(names[:10]),
            terms=tuple(terms[:10]),
            size=story.size,
        )

    # ------------------------------------------------------------- internals
    def _idf(self, term: str) -> float:
        return math.log((self._docs + 1) / (self._df[term] + 1)) + 1.0

    def _doc(self, article: Mapping[str, Any]) -> _Doc:
        title, text = _text(article.get("title")), _text(article.get("text"))
        feats = article_features(
            title, text, self.title_weight, self.name_boost, self.lead_chars, self.lead_weight
        )
        names = feats.names
        for key in ("entities", "speakers"):
            extra = article.get(key)
            if isinstance(extra, Iterable) and not isinstance(extra, str):
                for name in extra:
                    for part in _text(name).lower().split():
                        if len(part) > 1:
                            names[part] += 1
        published = _parse_time(article.get("published"))
        if published is not None and (self._now is None or published > self._now):
            self._now = published
        self._docs += 1
        self._df.update(feats.words.keys() | names.keys())
        outlet = article.get("outlet")
        return _Doc(
            id=str(article.get("id")),
            terms=_unit(feats.words),
            names=_unit(names),
            length=feats.length,
            years=feats.years,
            published=published if published is not None else self._now,
            title=title.strip(),
            outlet=outlet if isinstance(outlet, str) and outlet else None,
        )

    def _threshold(self, doc: _Doc) -> float:
        if self.sparse_stories and doc.live <= self.sparse_stories:
            return self.threshold_sparse
        return self.threshold_short if doc.length < self.short_words else self.threshold

    def _needed(self, doc: _Doc, story: _Story) -> float:
        needed = self._threshold(doc)
        if self.relative and story.fit_n:
            needed = max(needed, self.relative * story.fit_sum / story.fit_n)
        return needed

    def _norm(self, bag: Mapping[str, float]) -> float:
        idf = self._idf
        return math.sqrt(sum((w * idf(t)) ** 2 for t, w in bag.items())) or 1.0

    def _story_norm(self, story: _Story) -> float:
        if story.norm_docs == 0 or self._docs > story.norm_docs * 1.1:
            story.norm = self._norm(story.terms)
            story.norm_docs = self._docs
        return story.norm

    def _cosine(self, a: Mapping[str, float], b: Mapping[str, float]) -> float:
        if len(a) > len(b):
            a, b = b, a
        idf = self._idf
        dot = 0.0
        for t, w in a.items():
            v = b.get(t)
            if v is not None:
                i = idf(t)
                dot += w * v * i * i
        if dot == 0.0:
            return 0.0
        return dot / (self._norm(a) * self._norm(b))

    def _word_scores(self, doc: _Doc) -> dict[str, float]:
        """Cosine of ``doc`` with every live story that shares a term, via the postings."""
        idf = self._idf
        acc: dict[str, float] = {}
        stories = self._stories
        for t, w in doc.terms.items():
            posting = self._postings.get(t)
            if not posting:
                continue
            i = idf(t)
            q = w * i * i
            for sid in posting:
                acc[sid] = acc.get(sid, 0.0) + q * stories[sid].terms[t]
        norm = self._norm(doc.terms)
        scores: dict[str, float] = {}
        for sid, dot in acc.items():
            story = stories[sid]
            if self._live(story, doc.published):
                scores[sid] = dot / (norm * self._story_norm(story))
        return scores

    def _live(self, story: _Story, when: datetime | None) -> bool:
        if when is None or story.last_seen is None:
            return True
        return abs(when - story.last_seen) <= self.window

    def _best_story(self, doc: _Doc) -> tuple[_Story | None, float, list[tuple[str, float]]]:
        scores = self._word_scores(doc)
        doc.live = len(scores)
        sparse = bool(self.sparse_stories) and doc.live <= self.sparse_stories
        name_floor = 0.0 if sparse else self.name_floor
        ranked = sorted(scores, key=lambda sid: (-scores[sid], sid))[: self.query_terms]
        best: _Story | None = None
        best_score = -1.0
        seen: list[tuple[str, float]] = []
        for sid in ranked:
            story = self._stories[sid]
            score = scores[sid]
            if self.name_weight and len(doc.names) >= self.min_names and story.names:
                names = self._cosine(doc.names, story.names)
                if names < name_floor:
                    continue
                score = (1 - self.name_weight) * score + self.name_weight * names
            if doc.years and story.years and not doc.years & story.years:
                score *= self.year_factor
            seen.append((sid, score))
            if score > best_score:
                best, best_score = story, score
        return best, best_score, seen

    def _new_story(self, doc: _Doc) -> str:
        story_id = doc.id
        while story_id in self._stories or story_id in self._parent:
            story_id += "+"
        self._seq += 1
        self._stories[story_id] = _Story(story_id, seq=self._seq)
        return story_id

    def _join(self, story_id: str, doc: _Doc) -> None:
        story = self._stories[story_id]
        self._assigned[doc.id] = story_id
        story.members.append(doc.id)
        story.size += 1
        for t, w in doc.terms.items():
            story.terms[t] = story.terms.get(t, 0.0) + w
        for t, w in doc.names.items():
            story.names[t] = story.names.get(t, 0.0) + w
        story.years |= doc.years
        if doc.published is not None:
            if story.first_seen is None or doc.published < story.first_seen:
                story.first_seen = doc.published
            if story.last_seen is None or doc.published > story.last_seen:
                story.last_seen = doc.published
        if not story.title and doc.title:
            story.title = doc.title
        if doc.outlet:
            story.outlets[doc.outlet] += 1
        self._cap(story)
        story.norm_docs = 0
        for t in story.terms:
            self._postings.setdefault(t, set()).add(story_id)

    def _cap(self, story: _Story) -> None:
        for bag in (story.terms, story.names):
            if len(bag) > 2 * self.max_terms:
                idf = self._idf
                keep = sorted(bag, key=lambda t: (-bag[t] * idf(t), t))[: self.max_terms]
                dropped = bag.keys() - set(keep)
                kept = {t: bag[t] for t in keep}
                bag.clear()
                bag.update(kept)
                if bag is story.terms:
                    for t in dropped:
                        posting = self._postings.get(t)
                        if posting is not None:
                            posting.discard(story.id)

    def _story_similarity(self, a: _Story, b: _Story) -> float:
        words = self._cosine(a.terms, b.terms)
        if self.name_weight and len(a.names) >= self.min_names and len(b.names) >= self.min_names:
            names = self._cosine(a.names, b.names)
            if names < self.name_floor:
                return 0.0
            words = (1 - self.name_weight) * words + self.name_weight * names
        if a.years and b.years and not a.years & b.years:
            words *= self.year_factor
        return words

    def _merge_around(self, story_id: str, ranked: list[tuple[str, float]]) -> None:
        """Merge into one the stories that the new article shows to be one."""
        if not self.merge_threshold or self.merge_threshold >= 1.0:
            return
        story = self._stories[story_id]
        floor = self.merge_floor
        for other_id, score in sorted(ranked, key=lambda x: (-x[1], x[0]))[: self.merge_candidates]:
            if other_id == story.id or score < floor or other_id not in self._stories:
                continue
            other = self._stories[other_id]
            if self._story_similarity(story, other) >= self.merge_threshold:
                story = self._merge(story, other)

    def _merge(self, a: _Story, b: _Story) -> _Story:
        keep, gone = (a, b) if a.seq < b.seq else (b, a)
        for t in gone.terms:
            posting = self._postings.get(t)
            if posting is not None:
                posting.discard(gone.id)
        for t, w in gone.terms.items():
            keep.terms[t] = keep.terms.get(t, 0.0) + w
        for t, w in gone.names.items():
            keep.names[t] = keep.names.get(t, 0.0) + w
        keep.members.extend(gone.members)
        keep.years |= gone.years
        keep.size += gone.size
        keep.outlets.update(gone.outlets)
        keep.fit_sum += gone.fit_sum
        keep.fit_n += gone.fit_n
        for when in (gone.first_seen, gone.last_seen):
            if when is not None:
                if keep.first_seen is None or when < keep.first_seen:
                    keep.first_seen = when
                if keep.last_seen is None or when > keep.last_seen:
                    keep.last_seen = when
        if not keep.title:
            keep.title = gone.title
        del self._stories[gone.id]
        self._parent[gone.id] = keep.id
        self.merges.append((gone.id, keep.id))
        self._cap(keep)
        keep.norm_docs = 0
        for t in keep.terms:
            self._postings.setdefault(t, set()).add(keep.id)
        return keep

    def _find(self, story_id: str) -> str:
        while story_id in self._parent:
            story_id = self._parent[story_id]
        return story_id


def make(**params: Any) -> StoryClusterer:
    """A fresh clusterer, for the shared scorer (``--system wirewatch.stories.cluster:make``)."""
    return StoryClusterer(**params)
