"""One exception tree for wirewatch.

Every error names the document it is about and the pipeline stage that raised it, so a
batch can record it on that one document and go on::

    WirewatchError                 base; .document, .stage, str() = "DOC: stage: message"
    ├── UsageError                 bad arguments or settings (CLI exit code 2)
    │   ├── SettingsError          a setting that does not parse or validate
    │   └── QueryError             a search query that does not parse (.position)
    ├── SourceError                stage "source": a feed, sitemap, WARC or file unreadable
    │   └── UnsupportedSourceError not a kind of source wirewatch reads (scheme, format)
    ├── FetchError                 stage "fetch": the HTTP request failed
    │   ├── BlockedAddressError    the address dialled is private/loopback/... and not allowed
    │   ├── TooLargeError          the decoded body passed the size cap
    │   ├── DeadlineError          the total deadline for the request passed
    │   ├── TooManyRedirectsError  the redirect cap was passed
    │   ├── HTTPStatusError        a 4xx/5xx answer (.status)
    │   └── RobotsDisallowedError  robots.txt forbids the URL
    ├── ExtractError               stage "extract": no article could be got from the bytes
    ├── EnrichError                stage "enrich": quotations/entities could not be found
    └── StoreError                 stage "store": the database refused or is unusable
"""

from __future__ import annotations


class WirewatchError(Exception):
    """Base of every error wirewatch raises on purpose."""

    stage: str = "wirewatch"

    def __init__(self, message: str, *, document: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.document = document

    def __str__(self) -> str:
        where = f"{self.document}: " if self.document else ""
        return f"{where}{self.stage}: {self.message}"


class UsageError(WirewatchError):
    stage = "usage"


class SettingsError(UsageError):
    stage = "settings"


class QueryError(UsageError):
    """A query that does not parse; ``position`` is the 0-based offset of the fault."""

    stage = "query"

    def __init__(self, message: str, *, query: str, position: int) -> None:
        super().__init__(message)
        self.query = query
        self.position = position

    def __str__(self) -> str:
        pointer = " " * self.position + "^"
        return f"query: {self.message} at position {self.position}\n  {self.query}\n  {pointer}"


class SourceError(WirewatchError):
    stage = "source"


class UnsupportedSourceError(SourceError):
    pass


class FetchError(WirewatchError):
    stage = "fetch"


class BlockedAddressError(FetchError):
    pass


class TooLargeError(FetchError):
    pass


class DeadlineError(FetchError):
    pass


class TooManyRedirectsError(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, message: str, *, status: int, document: str | None = None) -> None:
        super().__init__(message, document=document)
        self.status = status


class RobotsDisallowedError(FetchError):
    pass


class ExtractError(WirewatchError):
    stage = "extract"


class EnrichError(WirewatchError):
    stage = "enrich"


class StoreError(WirewatchError):
    stage = "store"
