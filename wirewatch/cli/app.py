"""The ``wirewatch`` command group."""

from __future__ import annotations

import click

from wirewatch import __version__
from wirewatch.cli.alerts import deliveries, subscribe, subscriptions
from wirewatch.cli.articles import extract, ingest, search, show
from wirewatch.cli.common import WirewatchGroup
from wirewatch.cli.demo import demo
from wirewatch.cli.quotes import quotes, speakers
from wirewatch.cli.run import run
from wirewatch.cli.sources import sources
from wirewatch.cli.stories import stories, story
from wirewatch.cli.users import users


@click.group(cls=WirewatchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wirewatch")
def cli() -> None:
    """wirewatch: a self-hosted, real-time news monitor — who said what, as it happens."""


for command in (
    extract,
    quotes,
    ingest,
    search,
    show,
    speakers,
    stories,
    story,
    sources,
    subscribe,
    subscriptions,
    deliveries,
    run,
    users,
    demo,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="wirewatch")
