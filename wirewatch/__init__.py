"""wirewatch: a self-hosted, real-time news monitor — who said what, as it happens."""

from wirewatch.model import Article, Hints, RawDocument, Source, SourceKind

__all__ = ["Article", "Hints", "RawDocument", "Source", "SourceKind"]
__version__ = "0.1.0"
