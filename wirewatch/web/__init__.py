"""The web edge: the JSON API, the live stream (SSE), feeds and WebSub callbacks."""

from __future__ import annotations
