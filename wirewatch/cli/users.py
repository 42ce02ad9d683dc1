"""``wirewatch users``: local accounts for the web app, and API tokens for scripts."""

from __future__ import annotations

import sys

import click

from wirewatch.cli.common import db_option, settings_for, store_for
from wirewatch.errors import UsageError
from wirewatch.web.security import hash_password, new_token

__all__ = ["users"]


@click.group()
def users() -> None:
    """Add accounts and make API tokens (the web app's first visit can make the first admin)."""


@users.command("add")
@click.argument("email")
@click.option("--name", required=True, help="Shown next to their replies (never the email).")
@click.option("--admin", is_flag=True, help="May manage sources.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin (else: prompt).")
@db_option
def add(email: str, name: str, admin: bool, password_stdin: bool, db: str | None) -> None:
    """Add an account with a password (hashed with argon2)."""
    if "@" not in email or any(c in email for c in "\r\n "):
        raise UsageError(f"not an email address: {email!r}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        raise UsageError("the password needs 8 or more characters")
    settings = settings_for(db)
    with store_for(settings) as store:
        if store.user_by_email(email) is not None:
            raise UsageError(f"an account for {email} exists")
        user = store.add_user(" ".join(name.split())[:80], email, hash_password(password), admin=admin)
    click.echo(f"account {user.id}: {user.name}{' (admin)' if user.is_admin else ''}")


@users.command("token")
@click.argument("email")
@click.option("--name", default="script", show_default=True, help="What the token is for.")
@db_option
def token(email: str, name: str, db: str | None) -> None:
    """Make an API token for EMAIL's account (printed this once; send it as Bearer)."""
    settings = settings_for(db)
    with store_for(settings) as store:
        user = store.user_by_email(email)
        if user is None:
            raise UsageError(f"no account for {email}")
        value = new_token()
        store.add_api_token(user.id, value, name[:80])
    click.echo(value)
