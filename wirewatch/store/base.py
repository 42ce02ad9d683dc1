"""The ``Store`` seam: what the pipeline, alerts and the web app may ask of storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol

from wirewatch.model import Article, Source
from wirewatch.query import Node

__all__ = ["AddResult", "SearchHit", "Store"]


@dataclass(frozen=True, slots=True)
class AddResult:
    """``new`` is False when the article was already stored; ``duplicate_of`` is its id then."""

    id: int
    new: bool
    duplicate_of: int | None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result; ``rank`` is higher for better text matches (0.0 without text)."""

    article: Article
    snippet: str
    rank: float


class Store(Protocol):
    def add_article(
        self, article: Article, *, content_hash: str | None = None, urls: Sequence[str] = ()
    ) -> AddResult: ...

    def knows_url(self, url: str) -> int | None: ...

    def get_article(self, article_id: int) -> Article | None: ...

    def search(
        self, query: str | Node, *, limit: int = 20, offset: int = 0, now: datetime | None = None
    ) -> list[SearchHit]: ...

    def count_articles(self) -> int: ...

    def add_source(self, source: Source) -> Source: ...

    def list_sources(self) -> list[Source]: ...

    def remove_source(self, id_or_url: int | str) -> bool: ...

    def get_http_cache(self, url: str) -> tuple[str | None, str | None] | None: ...

    def put_http_cache(self, url: str, etag: str | None, last_modified: str | None) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> Store: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
