"""The stories stage: near-duplicates, online story clustering, and quote tracking.

Pure functions and small stateful objects over article mappings; nothing here touches
the store (the pipeline loads and saves the state).
"""

from __future__ import annotations

from wirewatch.stories.cluster import StoryClusterer, StorySummary

__all__ = ["StoryClusterer", "StorySummary"]
