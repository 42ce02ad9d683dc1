"""Storage: the ``Store`` seam and its SQLite implementation (PostgreSQL comes later)."""

from __future__ import annotations

from wirewatch.errors import StoreError
from wirewatch.store.base import AddResult, SearchHit, SpeakerSummary, Store
from wirewatch.store.sqlite import SQLiteStore, content_hash_of
from wirewatch.store.urls import normalize_url

__all__ = [
    "AddResult",
    "SQLiteStore",
    "SearchHit",
    "SpeakerSummary",
    "Store",
    "content_hash_of",
    "normalize_url",
    "open_store",
]


def open_store(location: str) -> Store:
    """Open (and migrate) the store at ``location``: a SQLite path or ``":memory:"``."""
    if location.startswith(("postgres://", "postgresql://")):
        raise StoreError("PostgreSQL is not supported yet", document=location)
    if location.startswith("sqlite:///"):
        location = location[len("sqlite:///") :]
    return SQLiteStore(location)
