"""A webhook receiver as a subscriber would write one, per the Standard Webhooks spec.

It checks the signature (HMAC-SHA256 over ``id.timestamp.body`` with the secret's
base64 key), refuses a timestamp more than five minutes off, and keeps the ids it has
accepted: a replayed message is refused (409), a tampered one too (401).  Written here
from the spec, not with wirewatch's own signing code, so that a mistake there shows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tests.support.httpserver import RecordedRequest, Reply

TOLERANCE = 300


@dataclass
class WebhookReceiver:
    secret: str | None = None  # whsec_...; set once the subscription is made
    status: int = 204  # what to answer to a valid, new message (500: pretend to be down)
    accepted: list[dict[str, Any]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # accepted webhook-ids, in order
    refused: list[tuple[int, str]] = field(default_factory=list)
    attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        if self.secret is None:
            return 500, "receiver has no secret yet"
        msg_id = headers.get("webhook-id", "")
        stamp = headers.get("webhook-timestamp", "")
        signatures = headers.get("webhook-signature", "")
        if not msg_id or not stamp.isdigit() or not signatures:
            return 400, "missing webhook headers"
        if abs(time.time() - int(stamp)) > TOLERANCE:
            return 401, "timestamp too old or too new"
        key = base64.b64decode(self.secret.removeprefix("whsec_"))
        expected = base64.b64encode(
            hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
        )
        ok = any(
            version == "v1" and hmac.compare_digest(base64.b64decode(sig), base64.b64decode(expected))
            for version, _, sig in (part.partition(",") for part in signatures.split())
        )
        if not ok:
            return 401, "bad signature"
        if msg_id in self.ids:
            return 409, "replayed message"
        return 0, ""

    def __call__(self, request: RecordedRequest) -> Reply:
        headers = {k.lower(): v for k, v in request.headers}
        with self.lock:
            self.attempts += 1
            code, why = self.check(headers, request.body)
            if code:
                self.refused.append((code, why))
                return Reply(status=code, body=why.encode())
            if self.status >= 300:
                return Reply(status=self.status, body=b"down")
            self.ids.append(headers["webhook-id"])
            self.accepted.append(json.loads(request.body))
        return Reply(status=self.status)

    def wait(self, count: int, timeout: float = 60.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.accepted) >= count:
                    return list(self.accepted)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} webhooks, got {len(self.accepted)}; refused {self.refused}")
