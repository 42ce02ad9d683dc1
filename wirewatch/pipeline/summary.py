"""What an ingest run reports: counts, and one line per document that failed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wirewatch.errors import WirewatchError

__all__ = ["DocumentError", "IngestSummary"]


@dataclass(frozen=True, slots=True)
class DocumentError:
    """One document that could not be ingested, and the stage where it failed."""

    document: str
    stage: str
    message: str

    def __str__(self) -> str:
        return f"{self.document}: {self.stage}: {self.message}"

    @classmethod
    def from_exception(cls, exc: BaseException, *, document: str) -> DocumentError:
        """The error on ``document``: the pipeline's name for it (path, URL, archive record)."""
        if isinstance(exc, WirewatchError):
            return cls(document, exc.stage, exc.message)
        return cls(document, "internal", f"{type(exc).__name__}: {exc}")

    def to_dict(self) -> dict[str, str]:
        return {"document": self.document, "stage": self.stage, "message": self.message}


@dataclass(slots=True)
class IngestSummary:
    """Counts over the documents of one run: seen = new + duplicate + failed.

    ``warnings`` are problems with documents that were stored all the same (an article
    whose quotations could not be found is stored without them: stage ``enrich``).
    """

    seen: int = 0
    new: int = 0
    duplicate: int = 0
    near_duplicate: int = 0  # of the duplicates, copies with other wording (not the same text)
    submitted: int = 0  # documents handed out to be fetched or stored (not known before)
    failed: int = 0
    errors: list[DocumentError] = field(default_factory=list)
    warnings: list[DocumentError] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)

    def record_error(self, error: DocumentError) -> None:
        self.failed += 1
        self.errors.append(error)

    def record_error_text(self, document: str, message: str) -> None:
        self.record_error(DocumentError(document, "internal", message))

    def source_failed(self, location: str) -> str | None:
        """The error of the source itself (its feed, sitemap or page), not of one of its documents."""
        for error in self.errors:
            if error.document == location:
                return f"{error.stage}: {error.message}"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "seen": self.seen,
            "new": self.new,
            "duplicate": self.duplicate,
            "near_duplicate": self.near_duplicate,
            "failed": self.failed,
            "errors": [e.to_dict() for e in self.errors],
            "warnings": [w.to_dict() for w in self.warnings],
        }
