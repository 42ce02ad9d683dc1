"""Link the people, organisations and places of one article to the entities already stored.

A person is found by ``wirewatch.names``: an entity with an alias of the same key
("Vladimir V. Putin" = "Vladimir Putin"); else, by surname, the *one* stored person the
name can mean ("President Putin" → "Vladimir V. Putin" when there is one Putin; with two,
a lone surname is not linked to either: never a guess).  Organisations and places match
by their case-folded name and kind.  Every spelling becomes an alias; a person's
canonical name is the fullest of them (``names.canonical_name``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from wirewatch.model import EntityKind
from wirewatch.names import canonical_name, person_key, same_person, strip_titles

__all__ = ["EntityLinker", "entity_key", "search_name"]


def entity_key(kind: EntityKind, name: str) -> str:
    """The comparison key of a name: ``person_key`` for people, case-folded words otherwise."""
    if kind is EntityKind.PERSON:
        return person_key(name)
    return " ".join(name.casefold().split())


def search_name(kind: EntityKind, alias: str) -> str:
    """The words ``speaker:``/``entity:`` look in: a person's name without titles."""
    return (strip_titles(alias) or alias) if kind is EntityKind.PERSON else alias


def _like_suffix(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "% " + escaped


class EntityLinker:
    """Finds or creates entities inside one open transaction on ``conn``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._seen: dict[tuple[EntityKind, tuple[str, ...]], int | None] = {}

    def link(self, kind: EntityKind, names: Iterable[str]) -> int | None:
        """The entity id for one thing named ``names`` (the fullest first); None if unnamed."""
        spellings = _unique(n for n in names if entity_key(kind, n))
        if not spellings:
            return None
        memo = (kind, tuple(spellings))
        if memo in self._seen:
            return self._seen[memo]
        if kind is EntityKind.PERSON:
            entity_id = self._find_person(spellings)
        else:
            entity_id = self._find_by_key(kind, [entity_key(kind, n) for n in spellings])
        if entity_id is None:
            cursor = self._conn.execute(
                "INSERT INTO entities (canonical, kind) VALUES (?, ?)", (spellings[0], kind.value)
            )
            entity_id = int(cursor.lastrowid or 0)
        self._add_aliases(entity_id, kind, spellings)
        self._seen[memo] = entity_id
        return entity_id

    # -- finding --------------------------------------------------------------------------

    def _find_by_key(self, kind: EntityKind, keys: Sequence[str]) -> int | None:
        for key in keys:
            row = self._conn.execute(
                "SELECT min(ea.entity_id) FROM entity_aliases ea JOIN entities e ON e.id = ea.entity_id "
                "WHERE ea.key = ? AND e.kind = ?",
                (key, kind.value),
            ).fetchone()
            if row[0] is not None:
                return int(row[0])
        return None

    def _find_person(self, names: Sequence[str]) -> int | None:
        full = [n for n in names if len(person_key(n).split()) > 1]
        if full:
            found = self._find_by_key(EntityKind.PERSON, [person_key(n) for n in full])
            if found is not None:
                return found
        primary = full[0] if full else names[0]
        surname = person_key(primary).split()[-1]
        rows = self._conn.execute(
            "SELECT ea.entity_id, ea.alias, ea.key FROM entity_aliases ea "
            "JOIN entities e ON e.id = ea.entity_id "
            "WHERE e.kind = 'person' AND (ea.key = ? OR ea.key LIKE ? ESCAPE '\\') ORDER BY ea.entity_id",
            (surname, _like_suffix(surname)),
        ).fetchall()
        full_aliases: dict[int, list[str]] = {}
        lone: set[int] = set()
        for entity_id, alias, key in rows:
            if len(key.split()) > 1:
                full_aliases.setdefault(int(entity_id), []).append(alias)
            else:
                lone.add(int(entity_id))
        lone -= set(full_aliases)
        if full:  # a full name: the one stored person it can be, by the names module's rules
            fits = [e for e, aliases in full_aliases.items() if any(same_person(primary, a) for a in aliases)]
            if not full_aliases:  # known so far only by the surname: that one, if unique
                fits = sorted(lone)
        else:  # a lone surname: the one known person of that name; if none or several
            # (ambiguous), the entity of the unresolved surname itself
            fits = list(full_aliases) if len(full_aliases) == 1 else sorted(lone)
        return fits[0] if len(fits) == 1 else None

    # -- aliases and the canonical name ---------------------------------------------------

    def _add_aliases(self, entity_id: int, kind: EntityKind, names: Sequence[str]) -> None:
        self._conn.executemany(
            "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, key, name) VALUES (?, ?, ?, ?)",
            [(entity_id, name, entity_key(kind, name), search_name(kind, name)) for name in names],
        )
        if kind is not EntityKind.PERSON:
            return
        aliases = [
            r[0]
            for r in self._conn.execute(
                "SELECT alias FROM entity_aliases WHERE entity_id = ? ORDER BY id", (entity_id,)
            )
        ]
        best = canonical_name(aliases) or aliases[0]
        self._conn.execute(
            "UPDATE entities SET canonical = ? WHERE id = ? AND canonical != ?", (best, entity_id, best)
        )
        self._conn.execute(
            "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, key, name) VALUES (?, ?, ?, ?)",
            (entity_id, best, person_key(best), search_name(kind, best)),
        )


def _unique(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    for raw in names:
        name = " ".join(raw.split())
        if name and name not in out:
            out.append(name)
    return out
