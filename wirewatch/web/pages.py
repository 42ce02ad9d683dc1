"""The pages people see: live, article, speaker, story, search, subscriptions, sources.

Server-rendered with Jinja2 (autoescaped), a little JavaScript from ``/static`` under a
nonce, nothing from anywhere else.  Article text is shown as text: the quotations are
marked in it, the result is passed through nh3 with a short allow-list before it is sent,
so nothing from a page we read can become markup or script here.
"""

from __future__ import annotations

import time
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import nh3
from fastapi import APIRouter, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from wirewatch.alerts.channels import email_channel, feed_channel, subscription_json, webhook_channel
from wirewatch.config import parse_duration
from wirewatch.errors import QueryError, UsageError, WirewatchError
from wirewatch.model import Article, Quote, Source, SourceKind, Subscription
from wirewatch.pipeline.live import Runner
from wirewatch.query import parse_query
from wirewatch.sources import parse_opml
from wirewatch.store.accounts import User
from wirewatch.web.security import (
    SESSION_COOKIE,
    SESSION_SECONDS,
    csrf_ok,
    hash_password,
    new_token,
    verify_password,
)

__all__ = ["TEMPLATES", "pages_router", "session_of"]

TEMPLATES = Jinja2Templates(directory=str(Path(str(resources.files("wirewatch.web") / "templates"))))
ALLOWED_TAGS = {"p", "mark", "a", "span"}
ALLOWED_ATTRIBUTES = {"mark": {"class", "title"}, "a": {"href"}, "span": {"class"}}
MAX_REPLY = 4000


def session_of(request: Request, runner: Runner) -> tuple[User | None, str | None]:
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 200:
        return None, None
    found = runner.store.session_user(token, time.time())
    return found if found is not None else (None, None)


def render_body(article: Article, quotes: list[Quote]) -> Markup:
    """The article text as paragraphs with its quotations marked, sanitised."""
    text = article.text
    spans = sorted((q.span[0], q.span[1], q) for q in quotes if 0 <= q.span[0] < q.span[1] <= len(text))
    marks: list[tuple[int, int, Quote]] = []
    for start, end, quote in spans:  # no overlaps: the first wins
        if not marks or start >= marks[-1][1]:
            marks.append((start, end, quote))
    out: list[str] = []
    pos = 0
    for start, end, quote in marks:
        out.append(str(escape(text[pos:start])))
        who = quote.speaker.canonical or quote.speaker.name if quote.speaker else "speaker unknown"
        out.append(f'<mark class="quote" title="{escape(who)}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(str(escape(text[pos:])))
    html = "".join(out)
    paragraphs = [p for p in html.split("\n\n") if p.strip()]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    clean = nh3.clean(body, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel=None)
    return Markup(clean)  # noqa: S704 - escaped above, then sanitised by nh3


def pages_router(runner: Runner, *, demo_email: str | None = None) -> APIRouter:  # noqa: PLR0915
    """The pages (one route each).  ``demo_email``: the demo's account, signed in on a first visit."""
    router = APIRouter()
    store = runner.store

    def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        user, csrf = session_of(request, runner)
        if user is None and demo_email and request.method == "GET":
            demo_user = store.user_by_email(demo_email)
            if demo_user is not None:
                return sign_in(demo_user, request, request.url.path)
        context.update(user=user, csrf=csrf or "", nonce=request.state.nonce, public_url=runner.public_url)
        return TEMPLATES.TemplateResponse(request, name, context, status_code=status)

    def signed_in(request: Request, form_csrf: str | None) -> User:
        user, csrf = session_of(request, runner)
        if user is None:
            raise HTTPException(401, "sign in first")
        if not csrf_ok(csrf, form_csrf):
            raise HTTPException(403, "the form has expired: reload the page and try again")
        return user

    def same_origin(request: Request) -> None:
        """Forms posted before signing in: no session to hold a CSRF token, so the browser's
        Origin must be ours (the session cookie is SameSite=Strict as well)."""
        origin = request.headers.get("origin")
        if origin is not None and origin.rstrip("/") != str(request.base_url).rstrip("/"):
            raise HTTPException(403, "cross-site form refused")

    def sign_in(user: User, request: Request, target: str = "/") -> Response:
        token, csrf = new_token(), new_token()
        store.create_session(user.id, token, csrf, time.time() + SESSION_SECONDS)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=SESSION_SECONDS,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
        return response

    # -- reading -----------------------------------------------------------------------

    @router.get("/", response_class=HTMLResponse)
    async def live(request: Request) -> Response:
        items = []
        for story in store.list_stories(limit=30):
            quote = None
            for article in reversed(store.story_articles(story.id, limit=20)):
                named = [
                    q for q in store.quotes_for_article(article.id or 0) if q.speaker and q.speaker.canonical
                ]
                if named:
                    quote = named[0]
                    break
            items.append({"story": story, "quote": quote})
        return page(request, "live.html", stories=items, last_event=store.last_event_id())

    @router.get("/articles/{article_id}", response_class=HTMLResponse)
    async def article_page(request: Request, article_id: int) -> Response:
        article = store.get_article(article_id)
        if article is None:
            return page(request, "message.html", 404, heading="Not found", text="No such article.")
        quotes = store.quotes_for_article(article_id)
        story = store.get_story(article.story_id) if article.story_id is not None else None
        original = article.canonical_url or article.url
        original = original if original and original.startswith(("http://", "https://")) else None
        return page(
            request,
            "article.html",
            article=article,
            body=render_body(article, quotes),
            quotes=quotes,
            entities=store.entities_for_article(article_id),
            story=story,
            original=original,
        )

    @router.get("/speakers", response_class=HTMLResponse)
    async def speakers(request: Request) -> Response:
        return page(request, "speakers.html", speakers=store.list_speakers(limit=200))

    @router.get("/speakers/{entity_id}", response_class=HTMLResponse)
    async def speaker(request: Request, entity_id: int) -> Response:
        entity = store.get_entity(entity_id)
        if entity is None:
            return page(request, "message.html", 404, heading="Not found", text="No such speaker.")
        quotes = store.quotes_by_speaker(entity_id, limit=200)
        articles: dict[int, Article] = {}
        rows = []
        for quote in quotes:
            aid = quote.article_id or 0
            if aid not in articles:
                found = store.get_article(aid)
                if found is None:
                    continue
                articles[aid] = found
            rows.append((quote, articles[aid]))
        days = Counter(a.published.date().isoformat() for _, a in rows if a.published)
        follow = f'speaker:"{entity.canonical}"'
        return page(
            request,
            "speaker.html",
            entity=entity,
            quotes=rows,
            timeline=sorted(days.items(), reverse=True)[:30],
            follow_query=follow,
        )

    @router.get("/stories/{story_id}", response_class=HTMLResponse)
    async def story_page(request: Request, story_id: int) -> Response:
        story = store.get_story(story_id)
        if story is None:
            return page(request, "message.html", 404, heading="Not found", text="No such story.")
        if story.id != story_id:
            return RedirectResponse(f"/stories/{story.id}", status_code=301)
        articles = store.story_articles(story.id)
        tracked = store.tracked_quotes(story.id)
        return page(
            request,
            "story.html",
            story=story,
            articles=articles,
            tracked=[t for t in tracked if t[1]],
            replies=store.replies(story.id),
        )

    @router.post("/stories/{story_id}/replies")
    async def reply(request: Request, story_id: int, text: str = Form(""), csrf: str = Form("")) -> Response:
        user = signed_in(request, csrf)
        story = store.get_story(story_id)
        body = " ".join(text.split())[:MAX_REPLY] if "\n" not in text else text.strip()[:MAX_REPLY]
        if story is None or not body:
            raise HTTPException(400, "an empty reply, or no such story")
        store.add_reply(story.id, user.id, body)
        return RedirectResponse(f"/stories/{story.id}#replies", status_code=303)

    @router.get("/search", response_class=HTMLResponse)
    async def search(request: Request, q: str = "") -> Response:
        q = q[:2000]
        hits: list[Any] = []
        error = None
        if q.strip():
            try:
                hits = store.search(q, limit=50)
            except QueryError as exc:
                error = str(exc)
        return page(request, "search.html", q=q, hits=hits, error=error)

    # -- subscriptions -------------------------------------------------------------------

    @router.get("/subscriptions", response_class=HTMLResponse)
    async def subscriptions(request: Request, q: str = "") -> Response:
        user, _ = session_of(request, runner)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        return page(
            request, "subscriptions.html", subscriptions=store.list_subscriptions(str(user.id)), query=q
        )

    @router.post("/subscriptions")
    async def subscribe(
        request: Request,
        query: str = Form(""),
        channel: str = Form("feed"),
        target: str = Form(""),
        csrf: str = Form(""),
    ) -> Response:
        user = signed_in(request, csrf)
        try:
            parse_query(query)
        except QueryError as exc:
            return page(request, "subscriptions.html", 400, subscriptions=[], query=query, error=str(exc))
        try:
            if channel == "email":
                made = email_channel(target)
            elif channel == "webhook":
                made = webhook_channel(target)
            elif channel in ("feed", "push"):  # push without JavaScript falls back to a feed
                made = feed_channel()
            else:
                raise UsageError(f"unknown channel {channel!r}")
        except UsageError:
            raise HTTPException(400, "give an email address or an http(s) webhook URL") from None
        stored = store.add_subscription(Subscription(query=query, channels=(made,), owner=str(user.id)))
        created = subscription_json(stored, runner.public_url, reveal=True)
        return page(
            request,
            "subscriptions.html",
            subscriptions=store.list_subscriptions(str(user.id)),
            created=created,
            query="",
        )

    @router.post("/subscriptions/{sub_id}/{action}")
    async def change_subscription(
        request: Request, sub_id: int, action: str, csrf: str = Form("")
    ) -> Response:
        user = signed_in(request, csrf)
        sub = store.get_subscription(sub_id)
        if sub is None or sub.owner != str(user.id) or action not in ("pause", "resume", "delete"):
            raise HTTPException(404, "no such subscription")
        if action == "delete":
            store.remove_subscription(sub_id)
        else:
            store.set_subscription_paused(sub_id, action == "pause")
        return RedirectResponse("/subscriptions", status_code=303)

    # -- sources ---------------------------------------------------------------------------

    @router.get("/sources", response_class=HTMLResponse)
    async def sources(request: Request) -> Response:
        return page(request, "sources.html", sources=store.list_sources())

    def admin(request: Request, csrf: str) -> User:
        user = signed_in(request, csrf)
        if not user.is_admin:
            raise HTTPException(403, "only an administrator manages sources")
        return user

    @router.post("/sources")
    async def add_source(
        request: Request, url: str = Form(""), every: str = Form(""), csrf: str = Form("")
    ) -> Response:
        admin(request, csrf)
        url = url.strip()
        if not url.startswith(("http://", "https://")):
            return page(
                request, "sources.html", 400, sources=store.list_sources(), error="an http(s) URL is needed"
            )
        try:
            seconds = parse_duration(every) if every.strip() else None
        except WirewatchError as exc:
            return page(request, "sources.html", 400, sources=store.list_sources(), error=str(exc))
        store.add_source(Source(url=url, kind=SourceKind.FEED, every_seconds=seconds))
        return RedirectResponse("/sources", status_code=303)

    @router.post("/sources/opml")
    async def import_opml(request: Request, opml: UploadFile, csrf: str = Form("")) -> Response:
        admin(request, csrf)
        data = await opml.read(5 * 1024 * 1024 + 1)
        try:
            found = parse_opml(data[: 5 * 1024 * 1024], location=opml.filename or "upload.opml")
        except WirewatchError as exc:
            return page(request, "sources.html", 400, sources=store.list_sources(), error=str(exc))
        for source in found:
            store.add_source(source)
        return RedirectResponse("/sources", status_code=303)

    @router.post("/sources/{source_id}/delete")
    async def remove_source(request: Request, source_id: int, csrf: str = Form("")) -> Response:
        admin(request, csrf)
        store.remove_source(source_id)
        return RedirectResponse("/sources", status_code=303)

    # -- accounts --------------------------------------------------------------------------

    @router.get("/login", response_class=HTMLResponse)
    async def login_page(request: Request) -> Response:
        if store.user_count() == 0:
            return RedirectResponse("/setup", status_code=303)
        return page(request, "login.html", setup=False)

    @router.post("/login")
    async def login(request: Request, email: str = Form(""), password: str = Form("")) -> Response:
        same_origin(request)
        user = store.user_by_email(email[:320])
        if user is None or not verify_password(user.password_hash, password[:1000]):
            return page(request, "login.html", 401, setup=False, error="Wrong email or password.")
        return sign_in(user, request)

    @router.get("/setup", response_class=HTMLResponse)
    async def setup_page(request: Request) -> Response:
        if store.user_count():
            return RedirectResponse("/login", status_code=303)
        return page(request, "login.html", setup=True)

    @router.post("/setup")
    async def setup(
        request: Request, name: str = Form(""), email: str = Form(""), password: str = Form("")
    ) -> Response:
        same_origin(request)
        if store.user_count():
            raise HTTPException(403, "the first account exists: sign in")
        name, email = " ".join(name.split())[:80], email.strip()[:320]
        if not name or "@" not in email or len(password) < 8:
            return page(
                request, "login.html", 400, setup=True, error="A name, an email and 8 or more characters."
            )
        user = store.add_user(name, email, hash_password(password[:1000]), admin=True)
        return sign_in(user, request)

    @router.post("/logout")
    async def logout(request: Request, csrf: str = Form("")) -> Response:
        signed_in(request, csrf)
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            store.delete_session(token)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return router
