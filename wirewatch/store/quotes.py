"""Quotations and entities in SQLite: written with their article, read back with speakers.

``write_enrichment`` runs inside the article's transaction (nothing half-written).  Each
in-article entity and each resolved speaker is linked to one stored entity
(``linking.EntityLinker``); a speaker is also an entity the article names.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime

from wirewatch.model import Enrichment, Entity, EntityKind, Quote, QuoteKind, Speaker
from wirewatch.names import same_person
from wirewatch.store.base import SpeakerSummary
from wirewatch.store.linking import EntityLinker

__all__ = [
    "article_names",
    "entities_for_article",
    "get_entity",
    "list_speakers",
    "quotes_by_speaker",
    "quotes_for_article",
    "write_enrichment",
]

Span = tuple[int, int]
_QUOTE_COLUMNS = (
    "article_id",
    "text",
    "kind",
    "span_start",
    "span_end",
    "cue",
    "cue_start",
    "cue_end",
    "confidence",
    "speaker_name",
    "speaker_start",
    "speaker_end",
    "speaker_canonical",
    "speaker_entity_id",
)
_QUOTE_SELECT = (
    "SELECT q.*, e.canonical AS entity_canonical FROM quotes q "
    "LEFT JOIN entities e ON e.id = q.speaker_entity_id"
)


def speaker_names(speaker: Speaker) -> list[str]:
    """The spellings a resolved speaker adds to its person: the canonical, and the mention
    when it names the same person ("President Putin", not "he")."""
    if not speaker.canonical:
        return []
    names = [speaker.canonical]
    if (
        speaker.name != speaker.canonical
        and speaker.name[:1].isupper()
        and same_person(speaker.name, speaker.canonical)
    ):
        names.append(speaker.name)
    return names


def write_enrichment(conn: sqlite3.Connection, article_id: int, enrichment: Enrichment) -> None:
    linker = EntityLinker(conn)
    mentions: dict[int, list[Span]] = {}
    for entity in enrichment.entities:
        entity_id = linker.link(entity.kind, [entity.canonical, *entity.aliases])
        if entity_id is not None:
            mentions.setdefault(entity_id, []).extend(entity.mentions)
    rows: list[tuple[object, ...]] = []
    for quote in sorted(enrichment.quotes, key=lambda q: q.span):
        speaker = quote.speaker
        entity_id = linker.link(EntityKind.PERSON, speaker_names(speaker)) if speaker else None
        if entity_id is not None:
            mentions.setdefault(entity_id, [])
        rows.append(_quote_row(article_id, quote, entity_id))
    conn.executemany(
        "INSERT INTO article_entities (article_id, entity_id, mentions) VALUES (?, ?, ?)",
        [(article_id, e, json.dumps(sorted(set(spans)))) for e, spans in mentions.items()],
    )
    marks = ", ".join("?" * len(_QUOTE_COLUMNS))
    conn.executemany(f"INSERT INTO quotes ({', '.join(_QUOTE_COLUMNS)}) VALUES ({marks})", rows)  # noqa: S608


def _quote_row(article_id: int, quote: Quote, entity_id: int | None) -> tuple[object, ...]:
    speaker = quote.speaker
    cue_span = quote.cue_span or (None, None)
    speaker_span = speaker.span if speaker and speaker.span else (None, None)
    return (
        article_id,
        quote.text,
        quote.kind.value,
        quote.span[0],
        quote.span[1],
        quote.cue,
        cue_span[0],
        cue_span[1],
        float(quote.confidence),
        speaker.name if speaker else None,
        speaker_span[0],
        speaker_span[1],
        speaker.canonical if speaker else None,
        entity_id,
    )


# -- reading --------------------------------------------------------------------------


def quotes_for_article(conn: sqlite3.Connection, article_id: int) -> list[Quote]:
    rows = conn.execute(f"{_QUOTE_SELECT} WHERE q.article_id = ? ORDER BY q.span_start, q.id", (article_id,))
    return [_quote(r) for r in rows.fetchall()]


def quotes_by_speaker(conn: sqlite3.Connection, entity_id: int, limit: int) -> list[Quote]:
    rows = conn.execute(
        f"{_QUOTE_SELECT} JOIN articles a ON a.id = q.article_id WHERE q.speaker_entity_id = ? "
        "ORDER BY a.published_ts IS NULL, a.published_ts DESC, a.id DESC, q.span_start LIMIT ?",
        (entity_id, max(0, limit)),
    )
    return [_quote(r) for r in rows.fetchall()]


def entities_for_article(conn: sqlite3.Connection, article_id: int) -> list[Entity]:
    rows = conn.execute(
        "SELECT e.id, e.canonical, e.kind, ae.mentions FROM article_entities ae "
        "JOIN entities e ON e.id = ae.entity_id WHERE ae.article_id = ?",
        (article_id,),
    ).fetchall()
    aliases = _aliases(conn, [int(r["id"]) for r in rows])
    entities = [
        Entity(
            canonical=r["canonical"],
            kind=EntityKind(r["kind"]),
            aliases=tuple(a for a in aliases.get(int(r["id"]), []) if a != r["canonical"]),
            mentions=tuple((int(s), int(e)) for s, e in json.loads(r["mentions"])),
            id=int(r["id"]),
        )
        for r in rows
    ]
    return sorted(entities, key=lambda e: (e.mentions[0] if e.mentions else (1 << 62, 0), e.canonical))


def article_names(conn: sqlite3.Connection, article_id: int) -> dict[str, list[str]]:
    """The names ``speaker:`` and ``entity:`` search for one article (``match`` reads them)."""
    out: dict[str, list[str]] = {"speakers": [], "entities": []}
    rows = conn.execute(
        "SELECT DISTINCT ea.name, ea.entity_id IN (SELECT speaker_entity_id FROM quotes "
        "WHERE article_id = ? AND speaker_entity_id IS NOT NULL) AS spoke "
        "FROM article_entities ae JOIN entity_aliases ea ON ea.entity_id = ae.entity_id "
        "WHERE ae.article_id = ? ORDER BY ea.id",
        (article_id, article_id),
    )
    for name, spoke in rows:
        out["entities"].append(name)
        if spoke:
            out["speakers"].append(name)
    return out


def list_speakers(conn: sqlite3.Connection, query: str | None, limit: int) -> list[SpeakerSummary]:
    wanted = " ".join((query or "").casefold().split())  # "" is in every name: no filter
    rows = conn.execute(
        "SELECT e.id, e.canonical, e.kind, count(*) AS n, max(a.published_ts) AS last_ts, "
        "max(a.added_at) AS last_added FROM quotes q JOIN entities e ON e.id = q.speaker_entity_id "
        "JOIN articles a ON a.id = q.article_id WHERE ? = '' OR e.id IN "
        "(SELECT entity_id FROM entity_aliases WHERE instr(wirewatch_fold(alias), ?) > 0) "
        "GROUP BY e.id ORDER BY n DESC, e.canonical, e.id LIMIT ?",
        (wanted, wanted, max(0, limit)),
    ).fetchall()
    aliases = _aliases(conn, [int(r["id"]) for r in rows])
    out: list[SpeakerSummary] = []
    for r in rows:
        entity = Entity(
            canonical=r["canonical"],
            kind=EntityKind(r["kind"]),
            aliases=tuple(a for a in aliases.get(int(r["id"]), []) if a != r["canonical"]),
            id=int(r["id"]),
        )
        if r["last_ts"] is not None:
            last: datetime | None = datetime.fromtimestamp(float(r["last_ts"]), UTC)
        else:
            last = datetime.fromisoformat(r["last_added"]) if r["last_added"] else None
        out.append(SpeakerSummary(entity, int(r["n"]), last))
    return out


def get_entity(conn: sqlite3.Connection, entity_id: int) -> Entity | None:
    row = conn.execute("SELECT id, canonical, kind FROM entities WHERE id = ?", (entity_id,)).fetchone()
    if row is None:
        return None
    aliases = _aliases(conn, [entity_id]).get(entity_id, [])
    return Entity(
        canonical=row["canonical"],
        kind=EntityKind(row["kind"]),
        aliases=tuple(a for a in aliases if a != row["canonical"]),
        id=entity_id,
    )


def _aliases(conn: sqlite3.Connection, entity_ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for start in range(0, len(entity_ids), 500):
        chunk = entity_ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT entity_id, alias FROM entity_aliases WHERE entity_id IN ({marks}) ORDER BY id",  # noqa: S608
            chunk,
        ):
            out.setdefault(int(row[0]), []).append(row[1])
    return out


def _span(start: object, end: object) -> Span | None:
    return (int(start), int(end)) if isinstance(start, int) and isinstance(end, int) else None


def _quote(row: sqlite3.Row) -> Quote:
    speaker = None
    if row["speaker_name"] is not None:
        speaker = Speaker(
            name=row["speaker_name"],
            canonical=row["entity_canonical"] or row["speaker_canonical"],
            span=_span(row["speaker_start"], row["speaker_end"]),
            entity_id=row["speaker_entity_id"],
        )
    return Quote(
        text=row["text"],
        kind=QuoteKind(row["kind"]),
        span=(int(row["span_start"]), int(row["span_end"])),
        cue=row["cue"],
        cue_span=_span(row["cue_start"], row["cue_end"]),
        speaker=speaker,
        confidence=float(row["confidence"]),
        article_id=int(row["article_id"]),
        id=int(row["id"]),
        group_id=row["group_id"],
    )
