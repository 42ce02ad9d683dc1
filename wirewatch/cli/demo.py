"""``wirewatch demo``: the whole system on bundled real news, in a temporary database.

A local news site on 127.0.0.1 releases the bundled pages (the 23-page WARC and the seed
page) a few at a time through a feed; ``wirewatch run``'s scheduler polls it, and the web
app shows the articles, quotations and stories arriving.  The first visit is signed in as
a demo reader.  Loopback is allowed for that local site only.  Ctrl-C stops everything.
``--once`` instead ingests everything at once and prints what was found.
"""

from __future__ import annotations

import asyncio
import html
import io
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any

import click
import uvicorn

from wirewatch.cli.common import settings_for
from wirewatch.cli.run import _Server
from wirewatch.config import Settings
from wirewatch.model import RawDocument, Source, SourceKind
from wirewatch.pipeline import ingest as run_ingest
from wirewatch.pipeline.live import Runner
from wirewatch.sources import read_warc
from wirewatch.store import Store, open_store
from wirewatch.web.api import create_app
from wirewatch.web.security import hash_password, new_token

__all__ = ["demo"]

DEMO_FILES = ("news-23pages.warc.gz", "npr-technology-feed.json", "nato-stoltenberg-page.txt")
DEMO_QUERIES = (
    '"secretary general"',
    "title:impeachment",
    "stadia OR google",
    "trade AND china -title:trump",
    "speaker:stoltenberg",
)
DEMO_EMAIL = "demo@wirewatch.invalid"
RELEASE_EVERY = 4.0  # seconds between batches of the local site
RELEASE_BATCH = 3


def _data() -> Path:
    return Path(str(resources.files("wirewatch") / "demo_data"))


def _pages() -> list[tuple[str, bytes, str]]:
    """(title, body, media type) of each bundled page: the seed page first, then the WARC's."""
    seed = (_data() / "nato-stoltenberg-page.txt").read_bytes()
    pages = [("Stoltenberg: NATO Remains Committed to Supporting Ukraine", seed, "text/plain; charset=utf-8")]
    with (_data() / "news-23pages.warc.gz").open("rb") as stream:
        for item in read_warc(io.BytesIO(stream.read()), location="demo.warc.gz"):
            if isinstance(item, RawDocument) and item.content:
                pages.append((item.url or item.location, item.content, item.media_type or "text/html"))
    return pages


class _Site:
    """The local news site: ``/feed.xml`` lists the pages released so far."""

    def __init__(self) -> None:
        self.pages = _pages()
        self.released = 0
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                body, media = site.answer(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", media)
                payload = body or b"not found"
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, path: str) -> tuple[bytes | None, str]:
        with self.lock:
            released = self.released
        if path == "/feed.xml":
            items = "".join(
                f"<item><title>{html.escape(self.pages[i][0])}</title><link>{self.base}/a/{i}</link>"
                f"<guid>{self.base}/a/{i}</guid></item>"
                for i in reversed(range(released))
            )
            feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Demo news</title>{items}'
            feed += "</channel></rss>"
            return feed.encode(), "application/rss+xml"
        if path.startswith("/a/") and path[3:].isdigit() and int(path[3:]) < released:
            _, body, media = self.pages[int(path[3:])]
            return body, media
        return None, "text/plain"

    def release(self, count: int) -> bool:
        with self.lock:
            self.released = min(len(self.pages), self.released + count)
            return self.released < len(self.pages)


@contextmanager
def _serving(site: _Site) -> Iterator[None]:
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        site.server.shutdown()
        site.server.server_close()


@click.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Web app port.")
@click.option("--once", is_flag=True, help="Ingest everything at once, print what was found, and stop.")
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the demo database in this folder instead of a temporary one.",
)
def demo(port: int, once: bool, keep: Path | None) -> None:
    """Run the whole system on bundled real news: watch it arrive at the printed URL."""
    with tempfile.TemporaryDirectory(prefix="wirewatch-demo-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if once:
            _once(settings_for(str(folder / "demo.db")))
            return
        asyncio.run(_live(folder / "demo.db", port))


async def _live(db: Path, port: int) -> None:
    site = _Site()
    settings = settings_for(str(db)).replace(
        allow_networks="127.0.0.1/32",  # the local demo site only
        respect_robots=False,
        min_poll_interval=1.0,
        poll_interval=2.0,
        public_url=f"http://127.0.0.1:{port}" if port else "http://127.0.0.1:8000",
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with _serving(site), open_store(settings.db) as store:
        _prepare(store, site)
        runner = Runner(store, settings, workers=os.cpu_count() or 1)
        app = create_app(runner, stop=stop, demo_email=DEMO_EMAIL)
        server = _Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
        )
        serving = asyncio.create_task(server.serve())
        running = asyncio.create_task(runner.run(stop))
        while not server.started and not serving.done():
            await asyncio.sleep(0.05)
        if not server.started:
            stop.set()
        else:
            bound = server.servers[0].sockets[0].getsockname()[1]
            runner.public_url = f"http://127.0.0.1:{bound}"
            click.secho(
                f"wirewatch demo: open http://127.0.0.1:{bound}/  (Ctrl-C stops)", bold=True, err=True
            )
            click.echo(
                f"  news arrive from a local site ({len(site.pages)} bundled pages, a few at a time)",
                err=True,
            )
        while not stop.is_set():
            more = site.release(RELEASE_BATCH)
            if not more:
                await stop.wait()
                break
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RELEASE_EVERY)
        server.should_exit = True
        await asyncio.gather(serving, running, return_exceptions=True)
    click.echo("wirewatch demo: stopped", err=True)


def _prepare(store: Store, site: _Site) -> None:
    if store.user_by_email(DEMO_EMAIL) is None:
        store.add_user("Demo reader", DEMO_EMAIL, hash_password(new_token()), admin=True)
    store.add_source(
        Source(url=f"{site.base}/feed.xml", kind=SourceKind.FEED, title="Demo news", every_seconds=2)
    )


def _once(settings: Settings) -> None:
    targets = [str(_data() / name) for name in DEMO_FILES]
    click.secho("wirewatch demo: ingesting bundled real news", bold=True)
    for target in targets:
        click.echo(f"  {Path(target).name}")
    with open_store(settings.db) as store:
        summary = run_ingest(targets, store, settings, workers=os.cpu_count() or 1)
        click.echo(
            f"\nseen {summary.seen}, new {summary.new}, duplicate {summary.duplicate}, "
            f"failed {summary.failed}  (database: {settings.db})"
        )
        for error in summary.errors:
            click.echo(f"  {error}")
        for query in DEMO_QUERIES:
            hits = store.search(query, limit=3)
            click.secho(f"\n$ wirewatch search '{query}'", fg="cyan")
            for hit in hits:
                click.echo(f"  {hit.article.id:>4}  {hit.article.title}")
            if not hits:
                click.echo("  (no match)")
        click.secho("\n$ wirewatch speakers", fg="cyan")
        for speaker in store.list_speakers(limit=5):
            click.echo(f"  {speaker.quote_count:>4}  {speaker.entity.canonical}")
        click.secho("\n$ wirewatch stories", fg="cyan")
        for story in store.list_stories(limit=5):
            outlets = ", ".join(story.outlets[:3]) or "-"
            click.echo(f"  {story.id:>4}  {story.title}  [{story.article_count}: {outlets}]")
        seed = store.search('title:"Stoltenberg"', limit=1)
        if seed:
            article = seed[0].article
            click.secho(f"\n$ wirewatch show {article.id}", fg="cyan")
            click.echo(article.title)
            click.echo()
            click.echo(article.text)
