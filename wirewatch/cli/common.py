"""What every command shares: settings, the store, output formats, one-line errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from wirewatch.config import Settings, load_settings
from wirewatch.errors import ExtractError, UsageError, WirewatchError
from wirewatch.sources import gunzip_bytes
from wirewatch.store import Store, open_store

F = TypeVar("F", bound=Callable[..., Any])


class WirewatchGroup(click.Group):
    """Turns every WirewatchError into a one-line message: exit 2 for usage, 1 otherwise."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            click.echo(f"wirewatch: {exc}", err=True)
            sys.exit(2)
        except WirewatchError as exc:
            click.echo(f"wirewatch: {exc}", err=True)
            sys.exit(1)


def db_option(func: F) -> F:
    return click.option(
        "--db",
        metavar="PATH",
        default=None,
        help="SQLite database file (default: setting `db`, env WIREWATCH_DB).",
    )(func)


def format_option(*choices: str) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(list(choices)),
            default=choices[0],
            show_default=True,
            help="Output format.",
        )(func)

    return decorate


def settings_for(db: str | None) -> Settings:
    return load_settings(overrides={"db": db} if db else None)


def store_for(settings: Settings) -> Store:
    return open_store(settings.db)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def read_input(file: str, cap: int) -> bytes:
    try:
        if file == "-":
            data = sys.stdin.buffer.read(cap + 1)
        else:
            with open(file, "rb") as handle:
                data = handle.read(cap + 1)
    except OSError as exc:
        raise UsageError(f"{file}: {exc.strerror or exc}") from None
    if data.startswith(b"\x1f\x8b"):
        data = gunzip_bytes(data, max_bytes=cap, location=file)
    if len(data) > cap:
        raise ExtractError(f"larger than {cap} bytes", document=file)
    return data
