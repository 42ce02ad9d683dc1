"""One settings table: name, default, type, help, secret.

Values come from the environment (``WIREWATCH_<NAME>``) over a ``wirewatch.toml`` file
over the defaults below; they are checked when loaded, and secrets are masked when
printed.  Settings are passed explicitly (``Settings`` is a frozen value), never global.
Every setting is documented in ``docs/settings.md`` (a test checks it).
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from wirewatch.errors import SettingsError, UsageError

__all__ = ["SETTINGS", "Setting", "Settings", "load_settings", "parse_duration"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> int:
    """``90``, ``30s``, ``5m``, ``2h``, ``1d`` → seconds (a poll interval, a cap period)."""
    match = _DURATION.match(text)
    if not match:
        raise UsageError(f"not a duration: {text!r} (use e.g. 30s, 5m, 2h, 1d)")
    return round(float(match.group(1)) * _UNIT_SECONDS[match.group(2) or "s"])


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str
    secret: bool = False


def _networks(value: str) -> tuple[Network, ...]:
    items = [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
    try:
        return tuple(ipaddress.ip_network(v, strict=False) for v in items)
    except ValueError as exc:
        raise SettingsError(f"allow_networks: {exc}") from None


def _positive_float(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError("must be positive")
    return number


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError("must be positive")
    return number


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _port(value: str) -> int:
    number = int(value)
    if not 0 < number < 65536:
        raise ValueError("not a port number (1-65535)")
    return number


def _base_url(value: str) -> str:
    url = value.strip().rstrip("/")
    if any(c.isspace() or not c.isprintable() for c in url):
        raise ValueError(f"spaces or control characters in a URL: {value!r}")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"not an http(s) base URL: {value!r}")
    return url


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "wirewatch.db", str, "Path of the SQLite database file."),
    Setting(
        "allow_networks",
        (),
        _networks,
        "CIDRs that outbound fetches may reach although they are private, loopback or "
        "link-local (comma-separated, e.g. `127.0.0.0/8,::1/128`). Empty: only public "
        "addresses.",
    ),
    Setting(
        "user_agent",
        "wirewatch/0.1 (+https://github.com/wirewatch/wirewatch; news monitor)",
        str,
        "The User-Agent sent with every request, and the name matched in robots.txt.",
    ),
    Setting(
        "fetch_deadline",
        30.0,
        _positive_float,
        "Total seconds one request may take, redirects and body included.",
    ),
    Setting("fetch_connect_timeout", 10.0, _positive_float, "Seconds to wait for a TCP/TLS connection."),
    Setting(
        "max_body_bytes",
        10 * 1024 * 1024,
        _positive_int,
        "Cap on a response body after decompression, in bytes.",
    ),
    Setting("max_redirects", 5, int, "How many redirects one request follows."),
    Setting("per_host_concurrency", 2, _positive_int, "How many requests run at once against one host."),
    Setting("total_concurrency", 16, _positive_int, "How many requests run at once in all."),
    Setting("respect_robots", True, _bool, "Obey robots.txt for the User-Agent above."),
    Setting(
        "max_file_bytes",
        50 * 1024 * 1024,
        _positive_int,
        "Cap on one local file (after gzip decompression), in bytes.",
    ),
    Setting(
        "max_document_bytes",
        10 * 1024 * 1024,
        _positive_int,
        "Cap on one document handed to extraction, in bytes.",
    ),
    Setting("parse_timeout", 10.0, _positive_float, "Seconds one feed or sitemap may take to parse."),
    Setting(
        "poll_interval",
        900.0,
        _positive_float,
        "Seconds between polls of a source added without `--every`; `wirewatch run` adapts it "
        "to how often the source publishes (a quarter to four times this).",
    ),
    Setting(
        "min_poll_interval",
        60.0,
        _positive_float,
        "No source is polled more often than this, in seconds (whatever `--every` says).",
    ),
    Setting(
        "push_subject",
        "mailto:wirewatch@localhost",
        str,
        "The contact (`mailto:` or `https:` URL) sent to Web Push services with each push (VAPID).",
    ),
    Setting(
        "delivery_timeout",
        10.0,
        _positive_float,
        "Seconds one webhook or Web Push delivery may take before it counts as failed and is retried.",
    ),
    Setting(
        "enrich",
        True,
        _bool,
        "Find quotations, speakers and entities in each ingested article (spaCy; the slowest "
        "stage). Off: articles are stored without them.",
    ),
    Setting(
        "public_url",
        "http://127.0.0.1:8000",
        _base_url,
        "The address at which users reach this wirewatch, used in the links it sends out "
        "(Atom feed URLs, unsubscribe links in email).",
    ),
    Setting("smtp_host", "localhost", str, "The SMTP server that sends email notifications."),
    Setting("smtp_port", 25, _port, "Its port (25, or 587 for submission with STARTTLS)."),
    Setting(
        "smtp_starttls",
        False,
        _bool,
        "Upgrade the SMTP connection with STARTTLS (certificate checked) before logging in "
        "and sending; the send fails if the server does not offer it.",
    ),
    Setting(
        "smtp_user",
        "",
        str,
        "User name to log in to the SMTP server with. Empty: no login. The password is only "
        "sent over STARTTLS, or to a server on this machine.",
    ),
    Setting("smtp_password", "", str, "Password for `smtp_user`.", secret=True),
    Setting(
        "smtp_from",
        "wirewatch@localhost",
        str,
        "The sender address (From) of email notifications.",
    ),
    Setting(
        "smtp_timeout",
        30.0,
        _positive_float,
        "Seconds to wait for the SMTP server at each step of sending one message.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True, slots=True)
class Settings:
    db: str
    allow_networks: tuple[Network, ...]
    user_agent: str
    fetch_deadline: float
    fetch_connect_timeout: float
    max_body_bytes: int
    max_redirects: int
    per_host_concurrency: int
    total_concurrency: int
    respect_robots: bool
    max_file_bytes: int
    max_document_bytes: int
    parse_timeout: float
    poll_interval: float
    min_poll_interval: float
    push_subject: str
    delivery_timeout: float
    enrich: bool
    public_url: str
    smtp_host: str
    smtp_port: int
    smtp_starttls: bool
    smtp_user: str
    smtp_password: str
    smtp_from: str
    smtp_timeout: float

    def replace(self, **changes: Any) -> Settings:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, value in changes.items():
            if name not in values:
                raise SettingsError(f"unknown setting {name!r}")
            values[name] = _parse(_BY_NAME[name], value) if isinstance(value, str) else value
        return Settings(**values)

    def describe(self) -> dict[str, str]:
        """Each setting as a printable string, secrets masked."""
        out: dict[str, str] = {}
        for setting in SETTINGS:
            value = getattr(self, setting.name)
            if setting.secret and value:
                out[setting.name] = "********"
            elif isinstance(value, tuple):
                out[setting.name] = ",".join(str(v) for v in value)
            else:
                out[setting.name] = str(value)
        return out


def _parse(setting: Setting, raw: str) -> Any:
    try:
        return setting.parse(raw)
    except SettingsError:
        raise
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{setting.name}: {exc}") from None


def load_settings(
    *,
    env: Mapping[str, str] | None = None,
    toml_path: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Defaults, then ``wirewatch.toml`` (if present), then ``WIREWATCH_*``, then overrides."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    path = toml_path or Path(env.get("WIREWATCH_CONFIG", "wirewatch.toml"))
    if path.is_file():
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{path}: {exc}") from None
        for name, value in table.items():
            if name not in _BY_NAME:
                raise SettingsError(f"{path}: unknown setting {name!r}")
            values[name] = _parse(_BY_NAME[name], value if isinstance(value, str) else _toml_str(value))
    for setting in SETTINGS:
        raw = env.get(f"WIREWATCH_{setting.name.upper()}")
        if raw is not None:
            values[setting.name] = _parse(setting, raw)
    for name, value in (overrides or {}).items():
        if name not in _BY_NAME:
            raise SettingsError(f"unknown setting {name!r}")
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            values[name] = _parse(_BY_NAME[name], _toml_str(list(value)))
        else:
            values[name] = _parse(_BY_NAME[name], value) if isinstance(value, str) else value
    return Settings(**values)


def _toml_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)
