"""wirewatch: a self-hosted, real-time news monitor — who said what, as it happens.

The public API is what ``__all__`` lists.  Stages that pull in heavy libraries are
imported on first use, so ``import wirewatch`` and the command line start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wirewatch.model import (
    Article,
    Entity,
    EntityKind,
    Hints,
    Quote,
    QuoteKind,
    RawDocument,
    Source,
    SourceKind,
    Speaker,
)

if TYPE_CHECKING:
    from wirewatch.enrich import find_quotes
    from wirewatch.extract import extract_article
    from wirewatch.stories import StoryClusterer

__all__ = [
    "Article",
    "Entity",
    "EntityKind",
    "Hints",
    "Quote",
    "QuoteKind",
    "RawDocument",
    "Source",
    "SourceKind",
    "Speaker",
    "StoryClusterer",
    "extract_article",
    "find_quotes",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "extract_article":
        from wirewatch.extract import extract_article

        return extract_article
    if name == "find_quotes":
        from wirewatch.enrich import find_quotes

        return find_quotes
    if name == "StoryClusterer":
        from wirewatch.stories import StoryClusterer

        return StoryClusterer
    raise AttributeError(f"module 'wirewatch' has no attribute {name!r}")
