"""The HTTP API of ``wirewatch run``: JSON under ``/api/``, the live stream, Atom feeds,
and the WebSub callback.

The live stream is Server-Sent Events: one ``article`` event per stored article, its id
the event log's id, so a client that reconnects with ``Last-Event-ID`` gets everything it
missed, in order, and nothing twice.  ``?subscription=ID`` narrows it to one saved query.
Without ``Last-Event-ID`` (or ``?after=``) a client starts from now.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from wirewatch.alerts.atom import render_feed
from wirewatch.alerts.channels import (
    email_channel,
    feed_channel,
    feed_url,
    subscription_json,
    webhook_channel,
)
from wirewatch.alerts.unsubscribe import unsubscribe_channel_id, verify_unsubscribe_token
from wirewatch.errors import QueryError, UsageError, WirewatchError
from wirewatch.model import Channel, ChannelKind, Source, SourceKind, Subscription
from wirewatch.pipeline.live import Runner
from wirewatch.query import parse_query
from wirewatch.store.accounts import User
from wirewatch.web.pages import TEMPLATES, pages_router, session_of
from wirewatch.web.security import SecurityHeaders, csrf_ok

__all__ = ["create_app"]

STATIC = Path(str(resources.files("wirewatch.web") / "static"))
HEARTBEAT = 15.0  # seconds between keep-alive comments on an idle stream
STREAM_POLL = 0.25  # seconds between looks at the event log for other processes' articles
MAX_EVENT_BYTES = 64 * 1024


class SubscriptionIn(BaseModel):
    query: str = Field(min_length=1, max_length=2000)
    name: str | None = Field(default=None, max_length=200)
    webhook: str | None = Field(default=None, max_length=2000)
    email: str | None = Field(default=None, max_length=320)
    feed: bool = False
    cap_per_hour: int = Field(default=60, ge=1, le=10_000)


class PushKeys(BaseModel):
    p256dh: str = Field(min_length=1, max_length=200)
    auth: str = Field(min_length=1, max_length=100)


class PushSubscriptionIn(BaseModel):
    endpoint: str = Field(min_length=1, max_length=2000)
    keys: PushKeys


class PushIn(BaseModel):
    """Follow a query on this device: the query and the browser's PushSubscription."""

    query: str = Field(min_length=1, max_length=2000)
    name: str | None = Field(default=None, max_length=200)
    subscription: PushSubscriptionIn


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class SourceIn(BaseModel):
    url: str = Field(min_length=1, max_length=2000)
    kind: SourceKind = SourceKind.FEED
    every_seconds: int | None = Field(default=None, ge=1)
    title: str | None = Field(default=None, max_length=300)


def _sse(event_id: int, payload: dict[str, Any]) -> bytes:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return f"id: {event_id}\nevent: article\ndata: {data}\n\n".encode()


def create_app(  # noqa: PLR0915 - one route each
    runner: Runner, *, stop: asyncio.Event | None = None, demo_email: str | None = None
) -> FastAPI:
    app = FastAPI(title="wirewatch", docs_url=None, openapi_url="/api/openapi.json", redoc_url=None)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    store = runner.store
    stopping = stop or asyncio.Event()

    @app.exception_handler(QueryError)
    async def query_error(_request: Request, exc: QueryError) -> JSONResponse:
        """A query that does not parse: 400 with the message pointing at the fault."""
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(WirewatchError)
    async def wirewatch_error(_request: Request, exc: WirewatchError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=400)

    def api_user(request: Request, *, write: bool) -> User:
        """Who calls: an API token (``Authorization: Bearer``), or a signed-in page whose
        writes carry the session's CSRF token in ``X-CSRF-Token``."""
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            user = store.api_token_user(header[7:].strip()[:200])
            if user is None:
                raise HTTPException(401, "unknown API token")
            return user
        user, csrf = session_of(request, runner)
        if user is None:
            raise HTTPException(401, "sign in, or send an API token")
        if write and not csrf_ok(csrf, request.headers.get("x-csrf-token")):
            raise HTTPException(403, "missing or wrong X-CSRF-Token")
        return user

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        """The API's reference, rendered here from its OpenAPI document (no outside scripts)."""
        schema = app.openapi()
        rows = []
        for path, methods in sorted(schema.get("paths", {}).items()):
            for method, spec in methods.items():
                summary = spec.get("summary") or ""
                doc = (spec.get("description") or "").split("\n\n")[0]
                rows.append((method.upper(), path, summary, doc))
        return TEMPLATES.TemplateResponse(
            request, "api_docs.html", {"rows": rows, "nonce": request.state.nonce, "user": None, "csrf": ""}
        )

    @app.get("/sw.js", include_in_schema=False)
    async def service_worker() -> FileResponse:
        return FileResponse(
            STATIC / "sw.js", media_type="text/javascript", headers={"Cache-Control": "no-cache"}
        )

    @app.get("/api/health")
    async def health() -> dict[str, Any]:
        return {"ok": True, "articles": store.count_articles(), "last_event": store.last_event_id()}

    # -- the live stream -------------------------------------------------------------

    @app.get("/api/stream")
    async def stream(
        request: Request, subscription: int | None = None, after: int | None = None
    ) -> StreamingResponse:
        header = request.headers.get("last-event-id", "").strip()
        start = int(header) if header.isdigit() else after if after is not None else store.last_event_id()

        async def events() -> AsyncIterator[bytes]:
            last = start
            idle = 0.0
            yield b"retry: 1000\n\n"
            while not stopping.is_set() and not await request.is_disconnected():
                found = store.events_since(last, subscription_id=subscription, limit=200)
                for event_id, payload in found:
                    last = event_id
                    yield _sse(event_id, payload)
                if found:
                    idle = 0.0
                    continue
                if subscription is not None:  # events of other queries also move the cursor
                    last = max(last, min(store.last_event_id(), last + 200))
                async with runner.new_article:
                    try:
                        await asyncio.wait_for(runner.new_article.wait(), STREAM_POLL)
                        idle = 0.0
                    except TimeoutError:
                        idle += STREAM_POLL
                if idle >= HEARTBEAT:
                    idle = 0.0
                    yield b": keep-alive\n\n"

        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return StreamingResponse(events(), media_type="text/event-stream", headers=headers)

    # -- reading: what the pages show ------------------------------------------------------

    @app.get("/api/search")
    async def search(q: str, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        """Articles matching a query in the search language (as ``wirewatch search``)."""
        hits = store.search(q[:2000], limit=min(max(1, limit), 200), offset=max(0, offset))
        return [{**h.article.to_dict(), "snippet": h.snippet, "rank": h.rank} for h in hits]

    @app.get("/api/articles/{article_id}")
    async def article(article_id: int) -> dict[str, Any]:
        """One article with its story, copies, quotations (and where each appeared) and entities."""
        found = store.get_article(article_id)
        if found is None:
            raise HTTPException(404, "no such article")
        quotes = store.quotes_for_article(article_id)
        story = store.get_story(found.story_id) if found.story_id is not None else None
        return {
            **found.to_dict(),
            "story": story.to_dict() if story else None,
            "duplicates": [d.to_dict() for d in store.duplicates_of(article_id)],
            "quotes": [
                {
                    **q.to_dict(),
                    "appearances": [a.to_dict() for a in store.quote_appearances(q.group_id)]
                    if q.group_id
                    else [],
                }
                for q in quotes
            ],
            "entities": [e.to_dict() for e in store.entities_for_article(article_id)],
        }

    @app.get("/api/stories")
    async def stories(q: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        """Stories, latest activity first; with ``q``, those with an article matching it."""
        found = store.list_stories(q[:2000] if q else None, limit=min(max(1, limit), 200))
        return [s.to_dict() for s in found]

    @app.get("/api/stories/{story_id}")
    async def story(story_id: int) -> dict[str, Any]:
        """One story: its articles, and its replies (authors' names only)."""
        found = store.get_story(story_id)
        if found is None:
            raise HTTPException(404, "no such story")
        return {
            **found.to_dict(),
            "articles": [a.brief() for a in store.story_articles(found.id)],
            "replies": [
                {
                    "id": r.id,
                    "author": r.author,
                    "text": r.text,
                    "created_at": r.created_at.isoformat() if r.created_at else None,
                }
                for r in store.replies(found.id)
            ],
        }

    @app.post("/api/stories/{story_id}/replies", status_code=201)
    async def reply(request: Request, story_id: int, body: ReplyIn) -> dict[str, Any]:
        """Reply on a story, as the caller (their name is shown, never their email)."""
        user = api_user(request, write=True)
        found = store.get_story(story_id)
        if found is None:
            raise HTTPException(404, "no such story")
        made = store.add_reply(found.id, user.id, body.text.strip())
        return {"id": made.id, "author": made.author, "text": made.text}

    @app.get("/api/speakers")
    async def speakers(q: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """People quoted, most quoted first (as ``wirewatch speakers``)."""
        return [s.to_dict() for s in store.list_speakers(q, limit=min(max(1, limit), 500))]

    @app.get("/api/speakers/{entity_id}")
    async def speaker(entity_id: int, limit: int = 50) -> dict[str, Any]:
        """A speaker with their quotations, newest first."""
        entity = store.get_entity(entity_id)
        if entity is None:
            raise HTTPException(404, "no such speaker")
        quotes = store.quotes_by_speaker(entity_id, limit=min(max(1, limit), 500))
        return {**entity.to_dict(), "quotes": [q.to_dict() for q in quotes]}

    # -- sources -----------------------------------------------------------------------

    @app.get("/api/sources")
    async def sources() -> list[dict[str, Any]]:
        return [s.to_dict() for s in store.list_sources()]

    @app.post("/api/sources", status_code=201)
    async def add_source(request: Request, body: SourceIn) -> dict[str, Any]:
        if not api_user(request, write=True).is_admin:
            raise HTTPException(403, "only an administrator manages sources")
        source = store.add_source(
            Source(url=body.url, kind=body.kind, title=body.title, every_seconds=body.every_seconds)
        )
        return source.to_dict()

    @app.delete("/api/sources/{source_id}", status_code=204)
    async def remove_source(request: Request, source_id: int) -> Response:
        if not api_user(request, write=True).is_admin:
            raise HTTPException(403, "only an administrator manages sources")
        if not store.remove_source(source_id):
            raise HTTPException(404, "no such source")
        return Response(status_code=204)

    # -- subscriptions -------------------------------------------------------------------

    @app.get("/api/subscriptions")
    async def subscriptions(request: Request) -> list[dict[str, Any]]:
        """The caller's saved queries."""
        user = api_user(request, write=False)
        return [s.to_dict() for s in store.list_subscriptions(str(user.id))]

    @app.post("/api/subscriptions", status_code=201)
    async def subscribe(request: Request, body: SubscriptionIn) -> dict[str, Any]:
        """Save a query with its channels; the webhook secret is in this answer only."""
        user = api_user(request, write=True)
        parse_query(body.query)
        made: list[Channel] = []
        try:
            if body.webhook:
                made.append(webhook_channel(body.webhook))
            if body.email:
                made.append(email_channel(body.email))
        except UsageError as exc:
            raise HTTPException(400, str(exc)) from None
        if body.feed:
            made.append(feed_channel())
        made.append(Channel(ChannelKind.STREAM))
        stored = store.add_subscription(
            Subscription(
                query=body.query,
                channels=tuple(made),
                name=body.name,
                cap_per_hour=body.cap_per_hour,
                owner=str(user.id),
            )
        )
        return subscription_json(stored, runner.public_url, reveal=True)

    @app.delete("/api/subscriptions/{subscription_id}", status_code=204)
    async def unsubscribe(request: Request, subscription_id: int) -> Response:
        user = api_user(request, write=True)
        sub = store.get_subscription(subscription_id)
        if sub is None or sub.owner != str(user.id) or not store.remove_subscription(subscription_id):
            raise HTTPException(404, "no such subscription")
        return Response(status_code=204)

    @app.get("/api/push/key")
    async def push_key() -> dict[str, str]:
        """The VAPID public key a browser subscribes with (``applicationServerKey``)."""
        return {"public_key": runner.vapid.application_server_key}

    @app.post("/api/push/subscriptions", status_code=201)
    async def push_subscribe(request: Request, body: PushIn) -> dict[str, Any]:
        """Follow a query on this device (the browser's PushSubscription)."""
        user = api_user(request, write=True)
        parse_query(body.query)
        if not body.subscription.endpoint.startswith(("https://", "http://")):
            raise HTTPException(400, "subscription: the push endpoint must be an http(s) URL")
        target = body.subscription.model_dump_json()
        channel = Channel(ChannelKind.PUSH, target=target)
        stored = store.add_subscription(
            Subscription(query=body.query, channels=(channel,), name=body.name, owner=str(user.id))
        )
        return stored.to_dict()

    @app.get("/api/deliveries")
    async def deliveries(
        request: Request, limit: int = 50, status: str | None = None
    ) -> list[dict[str, Any]]:
        """The caller's recent deliveries (an administrator's: everyone's)."""
        user = api_user(request, write=False)
        found = store.list_deliveries(limit=min(max(1, limit), 1000), status=status)
        if not user.is_admin:
            mine = {s.id for s in store.list_subscriptions(str(user.id))}
            found = [d for d in found if d.subscription_id in mine]
        return [d.to_dict() for d in found]

    # -- Atom feeds and unsubscribe links --------------------------------------------

    @app.get("/feeds/{token}.atom")
    async def feed(token: str) -> Response:
        found = store.channel_by_feed_token(token) if len(token) <= 100 else None
        if found is None:
            raise HTTPException(404, "no such feed")
        sub, channel = found
        assert channel.id is not None
        payloads = [d.payload for d in store.feed_deliveries(channel.id, limit=100)]
        body = render_feed(
            feed_id=sub.id or 0,
            title=f"wirewatch: {sub.name or sub.query}",
            self_url=feed_url(runner.public_url, token),
            entries=payloads,
            updated=sub.created_at or datetime.now(UTC),
        )
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    def _unsubscribe(token: str) -> int:
        channel_id = unsubscribe_channel_id(token)
        channel = store.get_channel(channel_id) if channel_id is not None else None
        if channel is None or verify_unsubscribe_token(token, channel.secret) != channel_id:
            raise HTTPException(404, "this unsubscribe link is not valid (or was already used)")
        assert channel_id is not None
        return channel_id

    @app.get("/unsubscribe/{token}")
    async def unsubscribe_page(token: str) -> Response:
        _unsubscribe(token)
        form = (
            '<!doctype html><html lang="en"><meta charset="utf-8"><title>Unsubscribe</title>'
            '<form method="post"><p>Stop these emails?</p>'
            '<button type="submit">Unsubscribe</button></form></html>'
        )
        return Response(form, media_type="text/html; charset=utf-8")

    @app.post("/unsubscribe/{token}")
    async def unsubscribe_now(token: str) -> Response:
        """One-click unsubscribe (RFC 8058): the channel is removed."""
        store.delete_channel(_unsubscribe(token))
        return Response(
            '<!doctype html><html lang="en"><meta charset="utf-8"><title>Unsubscribed</title>'
            "<p>You are unsubscribed.</p></html>",
            media_type="text/html; charset=utf-8",
        )

    # -- WebSub callback -------------------------------------------------------------------

    @app.get("/websub/{source_id}")
    async def websub_verify(source_id: int, request: Request) -> Response:
        params = request.query_params
        mode, topic = params.get("hub.mode", ""), params.get("hub.topic", "")
        challenge = params.get("hub.challenge", "")
        if mode == "denied":
            return Response(status_code=200)
        if not challenge or not runner.websub_verify(source_id, mode, topic, params.get("hub.lease_seconds")):
            raise HTTPException(404, "unknown subscription")
        return PlainTextResponse(challenge)

    @app.post("/websub/{source_id}")
    async def websub_content(source_id: int, request: Request) -> Response:
        body = await request.body()
        signature = request.headers.get("x-hub-signature")  # "sha256=<hex HMAC of the body>"
        # a content push with a bad signature is acknowledged and dropped (WebSub §8)
        runner.websub_accept(source_id, body, signature)
        return Response(status_code=202)

    app.include_router(pages_router(runner, demo_email=demo_email))
    return app
