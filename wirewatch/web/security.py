"""The web app's safety: passwords, sessions, CSRF, and the headers of every answer.

* Passwords are hashed with argon2id (argon2-cffi's defaults: memory-hard).
* A session is a random token in one cookie, ``ww_session``: HttpOnly, SameSite=Strict,
  Secure when served over https; only its SHA-256 is stored.  It is the only cookie.
* Every form and every API write from a page carries the session's CSRF token (a hidden
  field, or the ``X-CSRF-Token`` header); scripts use an API token (``Authorization:
  Bearer``) instead, which no browser sends by itself.
* Every answer has a strict Content-Security-Policy with a fresh nonce for our own
  scripts (no inline handlers, nothing from elsewhere: no third-party requests at all),
  ``X-Content-Type-Options``, ``Referrer-Policy: same-origin`` and ``frame-ancestors 'none'``.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response

__all__ = [
    "SESSION_COOKIE",
    "SESSION_SECONDS",
    "SecurityHeaders",
    "csrf_ok",
    "hash_password",
    "new_token",
    "verify_password",
]

SESSION_COOKIE = "ww_session"
SESSION_SECONDS = 30 * 86400
_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected and given) and hmac.compare_digest(str(expected), str(given))


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


class SecurityHeaders(BaseHTTPMiddleware):
    """A nonce per request (``request.state.nonce``) and the safety headers on each answer."""

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        nonce = secrets.token_urlsafe(16)
        request.state.nonce = nonce
        response = await call_next(request)
        if request.url.path.startswith("/api/docs"):  # Swagger UI loads its own assets
            response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
        else:
            response.headers["Content-Security-Policy"] = content_security_policy(nonce)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"  # nothing to other sites; our forms keep Origin
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        return response
