"""wirewatch: a self-hosted, real-time news monitor — who said what, as it happens.

The public API is what ``__all__`` lists.  Stages that pull in heavy libraries are
imported on first use, so ``import wirewatch`` and the command line start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wirewatch.model import Article, Hints, RawDocument, Source, SourceKind

if TYPE_CHECKING:
    from wirewatch.extract import extract_article

__all__ = ["Article", "Hints", "RawDocument", "Source", "SourceKind", "extract_article"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "extract_article":
        from wirewatch.extract import extract_article

        return extract_article
    raise AttributeError(f"module 'wirewatch' has no attribute {name!r}")
