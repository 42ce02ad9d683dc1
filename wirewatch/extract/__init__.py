"""Extraction stage: HTML or plain text in, one clean article (text + metadata) out.

``extract_article`` is the whole API; ``is_clutter`` is the page-machinery classifier it
uses, exported for the other stages that meet stray lines ("Subscribe now") in text.
"""

from wirewatch.extract.article import MAX_DOCUMENT_BYTES, extract_article
from wirewatch.extract.clutter import clutter_score, is_clutter

__all__ = ["MAX_DOCUMENT_BYTES", "clutter_score", "extract_article", "is_clutter"]
