"""``wirewatch run``: the live process: poll, store, match, deliver, serve the API."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Iterator

import click
import uvicorn

from wirewatch.cli.alerts import public_url
from wirewatch.cli.common import db_option, settings_for, store_for
from wirewatch.config import SETTINGS
from wirewatch.pipeline.live import Runner
from wirewatch.web.api import create_app

__all__ = ["run"]

SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: ``run`` stops everything together."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve the API on.")
@click.option(
    "--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free)."
)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1, 64),
    help="Processes for extraction and NLP (default: the number of cores).",
)
@db_option
def run(host: str, port: int, workers: int | None, db: str | None) -> None:
    """Watch every source, store what is new, and deliver it to subscribers as it arrives.

    Polls each source on its schedule (conditional GET, backoff on errors, WebSub where a
    feed offers it), matches new articles against the saved queries, sends webhooks, email
    and Web Push from the outbox, and serves the API, the live stream (/api/stream) and
    Atom feeds. Sources and subscriptions added by other commands are picked up at once.
    Ctrl-C stops it cleanly; deliveries not yet sent are sent after a restart.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings_for(db)  # a bad setting fails here, with its one-line message
    asyncio.run(_run(settings_db=db, host=host, port=port, workers=workers or os.cpu_count() or 1))


async def _run(*, settings_db: str | None, host: str, port: int, workers: int) -> None:
    settings = settings_for(settings_db)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with store_for(settings) as store:
        configured = settings.public_url != SETTINGS_BY_NAME["public_url"].default
        runner = Runner(store, settings, workers=workers, public_url=public_url(settings))
        app = create_app(runner, stop=stop)
        config = uvicorn.Config(
            app, host=host, port=port, log_level="warning", lifespan="off", timeout_graceful_shutdown=2
        )
        server = _Server(config)
        serving = asyncio.create_task(server.serve())
        running = asyncio.create_task(runner.run(stop))
        while not server.started and not serving.done():
            await asyncio.sleep(0.05)
        if server.started:
            bound = server.servers[0].sockets[0].getsockname()[1] if server.servers else port
            if not configured:  # links (WebSub callbacks, feeds) name the address really served
                runner.public_url = f"http://{host}:{bound}"
            click.echo(f"wirewatch: serving on http://{host}:{bound} (database {settings.db})", err=True)
        await stop.wait()
        server.should_exit = True
        await asyncio.gather(serving, running, return_exceptions=True)
    click.echo("wirewatch: stopped", err=True)
