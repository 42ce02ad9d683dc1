"""fetch: one polite, safe HTTP client for everything wirewatch fetches.

``Fetcher.fetch(url)`` returns a ``FetchResult`` or raises a ``FetchError`` subclass
(see ``wirewatch.errors``).  ``Transport`` is the seam to the network: the default,
``HTTPCoreTransport``, dials only addresses it has checked (``address.py``).
"""

from wirewatch.fetch.address import blocked_reason, check_address, literal_address
from wirewatch.fetch.client import Fetcher, FetchResult, PostResult
from wirewatch.fetch.transport import HTTPCoreTransport, RawResponse, Request, Transport

__all__ = [
    "FetchResult",
    "Fetcher",
    "HTTPCoreTransport",
    "PostResult",
    "RawResponse",
    "Request",
    "Transport",
    "blocked_reason",
    "check_address",
    "literal_address",
]
