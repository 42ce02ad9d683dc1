"""``wirewatch run`` with real peers on 127.0.0.1: a news site whose feed gains items, a
webhook receiver that checks signatures, an SSE client, a WebSub hub, a Web Push service.

Each test starts the real command in a subprocess on its own database, as a user would,
and watches what the peers receive.
"""

from __future__ import annotations

import html
import json
import sqlite3
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.httpserver import HTTPTestServer, RecordedRequest, Reply, serve_http
from tests.support.live import LIVE_ENV, LiveProcess
from tests.support.webhooks import WebhookReceiver

STORIES = {
    "vilnius": (
        "NATO pledges long-term support for Ukraine in Vilnius",
        "Allied leaders meeting in Vilnius pledged long-term military support for Ukraine on Tuesday. "
        '"We will support Ukraine for as long as it takes," NATO Secretary General Jens Stoltenberg '
        "told reporters after the first day of the summit in the Lithuanian capital.",
    ),
    "harbour": (
        "Harbour reopens after the storm",
        "The city harbour reopened on Wednesday after three days of storms that closed the port to "
        "shipping. The port authority said ferries to the islands would run to the usual timetable.",
    ),
    "budget": (
        "Parliament passes the budget",
        "Parliament passed the budget on Thursday after a night of debate, the speaker said. The vote "
        "was 201 to 180, with two members abstaining, and the finance minister welcomed the result.",
    ),
    "sanctions": (
        "Kremlin vows to answer new sanctions",
        '"We will not be intimidated by threats from abroad," Vladimir V. Putin told reporters in '
        "Moscow on Friday, after Western governments announced new sanctions on Russian banks.",
    ),
}


def page(key: str) -> bytes:
    title, text = STORIES[key]
    return (
        f"<html><head><title>{html.escape(title)}</title></head><body><article><h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(text)}</p><p>More reporting on this story will follow as it develops, "
        f"our correspondents said.</p></article></body></html>"
    ).encode()


class NewsSite:
    """A feed that gains items as the test goes (``publish``), with its pages."""

    def __init__(self, server: HTTPTestServer, hub: str | None = None) -> None:
        self.server = server
        self.base = server.url("").rstrip("/")
        self.items: list[str] = []
        self.hub = hub
        self.lock = threading.Lock()
        server.route("/feed.xml", self.feed)
        for key in STORIES:
            server.route(f"/news/{key}", Reply(body=page(key), headers={"Content-Type": "text/html"}))

    def rss(self) -> bytes:
        with self.lock:
            items = list(self.items)
        entries = "".join(
            f"<item><title>{html.escape(STORIES[k][0])}</title><link>{self.base}/news/{k}</link>"
            f"<guid>{self.base}/news/{k}</guid></item>"
            for k in reversed(items)
        )
        hub = f'<atom:link rel="hub" href="{self.hub}"/>' if self.hub else ""
        return (
            '<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
            f"<title>Local news</title><link>{self.base}/</link>{hub}"
            f'<atom:link rel="self" href="{self.base}/feed.xml"/>{entries}</channel></rss>'
        ).encode()

    def feed(self, request: RecordedRequest) -> Reply:
        return Reply(body=self.rss(), headers={"Content-Type": "application/rss+xml"})

    def publish(self, key: str) -> None:
        with self.lock:
            self.items.append(key)


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with serve_http() as server:
        yield NewsSite(server)


@pytest.fixture
def receiver_server() -> Iterator[HTTPTestServer]:
    with serve_http() as server:
        yield server


def cli(db: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = run_cli([*args, "--db", str(db)], env={**LIVE_ENV, **(env or {})})
    assert result.code == 0, result.stdout + result.stderr
    return result.stdout


def subscribe_webhook(db: Path, query: str, url: str) -> dict[str, object]:
    return json.loads(cli(db, "subscribe", query, "--webhook", url, "--format", "json"))


def test_a_new_feed_item_reaches_the_webhook_once_signed(
    site: NewsSite, receiver_server: HTTPTestServer, tmp_path: Path
) -> None:
    db = tmp_path / "live.db"
    receiver = WebhookReceiver()
    receiver_server.route("/hook", receiver)
    sub = subscribe_webhook(db, "speaker:stoltenberg OR nato", receiver_server.url("/hook"))
    receiver.secret = sub["channels"][0]["secret"]  # type: ignore[index]
    site.publish("harbour")
    cli(db, "sources", "add", site.server.url("/feed.xml"), "--kind", "feed")
    with LiveProcess(db):
        time.sleep(1.0)  # polled at least once: the harbour story matches nothing
        site.publish("vilnius")  # the feed gains an item while run is running
        [message] = receiver.wait(1)
        assert message["article"]["title"] == STORIES["vilnius"][0]
        assert message["quote"]["speaker"] == "Jens Stoltenberg"
        assert message["subscription"]["query"] == "speaker:stoltenberg OR nato"
        time.sleep(1.0)
        assert len(receiver.accepted) == 1  # one story, one notification
        sources = json.loads(cli(db, "sources", "list", "--format", "json"))
        assert sources[0]["health"]["last_success"] is not None
        assert sources[0]["health"]["error_count"] == 0
    # the receiver refuses a replay of what it accepted, and a tampered copy
    request = next(r for r in receiver_server.requests_to("/hook") if r.method == "POST")
    headers = {k.lower(): v for k, v in request.headers}
    assert receiver.check(headers, request.body) == (409, "replayed message")
    assert receiver.check(headers, request.body.replace(b"Vilnius", b"Vilnjus"))[0] == 401
    deliveries = json.loads(cli(db, "deliveries", "--format", "json"))
    assert [(d["status"], d["channel"]) for d in deliveries] == [("sent", "webhook")]


def read_sse(
    url: str, *, last_event_id: str | None, count: int, timeout: float = 60.0
) -> list[tuple[str, dict]]:
    request = urllib.request.Request(url, headers={"Last-Event-ID": last_event_id} if last_event_id else {})
    events: list[tuple[str, dict]] = []
    deadline = time.monotonic() + timeout
    with urllib.request.urlopen(request, timeout=timeout) as stream:
        event_id, data = "", ""
        while len(events) < count and time.monotonic() < deadline:
            line = stream.readline().decode().rstrip("\n")
            if line.startswith("id: "):
                event_id = line[4:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and data:
                events.append((event_id, json.loads(data)))
                data = ""
    return events


def test_the_live_stream_resumes_after_a_disconnect_and_misses_nothing(
    site: NewsSite, tmp_path: Path
) -> None:
    db = tmp_path / "stream.db"
    cli(db, "sources", "add", site.server.url("/feed.xml"), "--kind", "feed")
    with LiveProcess(db) as live:
        site.publish("vilnius")
        [(first_id, first)] = read_sse(f"{live.base}/api/stream?after=0", last_event_id=None, count=1)
        assert first["article"]["title"] == STORIES["vilnius"][0]
        # disconnected: three stories arrive meanwhile
        for key in ("harbour", "budget", "sanctions"):
            site.publish(key)
        deadline = time.monotonic() + 60
        while live.get("/api/health")["last_event"] < 4 and time.monotonic() < deadline:
            time.sleep(0.1)
        missed = read_sse(f"{live.base}/api/stream", last_event_id=first_id, count=3)
    titles = [e["article"]["title"] for _, e in missed]
    assert sorted(titles) == sorted(STORIES[k][0] for k in ("harbour", "budget", "sanctions"))
    assert [int(i) for i, _ in missed] == [int(first_id) + 1, int(first_id) + 2, int(first_id) + 3]


def test_a_websub_hub_pushes_content_that_is_stored_and_delivered(tmp_path: Path) -> None:
    db = tmp_path / "websub.db"
    pushes: list[tuple[str, str, str]] = []  # the hub's subscriptions: (callback, topic, secret)
    with serve_http() as hub_server, serve_http() as site_server:
        site = NewsSite(site_server, hub=hub_server.url("/hub"))

        def hub(request: RecordedRequest) -> Reply:
            form = dict(urllib.parse.parse_qsl(request.body.decode()))
            if form.get("hub.mode") == "subscribe":
                pushes.append((form["hub.callback"], form["hub.topic"], form["hub.secret"]))
            return Reply(status=202)

        hub_server.route("/hub", hub)
        cli(db, "sources", "add", site_server.url("/feed.xml"), "--kind", "feed", "--every", "1h")
        with LiveProcess(db) as live:
            deadline = time.monotonic() + 30
            while not pushes and time.monotonic() < deadline:
                time.sleep(0.1)
            assert pushes, "wirewatch did not subscribe to the hub"
            callback, topic, secret = pushes[0]
            assert topic == site_server.url("/feed.xml") and callback.startswith(live.base)
            # the hub verifies the intent: wirewatch echoes the challenge for its topic only
            query = urllib.parse.urlencode(
                {
                    "hub.mode": "subscribe",
                    "hub.topic": topic,
                    "hub.challenge": "xyz123",
                    "hub.lease_seconds": "3600",
                }
            )
            with urllib.request.urlopen(f"{callback}?{query}", timeout=10) as reply:
                assert reply.read() == b"xyz123"
            bad = urllib.parse.urlencode(
                {"hub.mode": "subscribe", "hub.topic": "http://evil/", "hub.challenge": "x"}
            )
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(f"{callback}?{bad}", timeout=10)
            # content distribution: the new item arrives by push (the source is polled hourly)
            site.publish("budget")
            body = site.rss()
            for signature, expect_new in (("sha256=" + "0" * 64, False), (None, True)):
                import hashlib
                import hmac

                sig = signature or "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
                request = urllib.request.Request(
                    callback,
                    data=body,
                    headers={"Content-Type": "application/rss+xml", "X-Hub-Signature": sig},
                )
                with urllib.request.urlopen(request, timeout=10) as reply:
                    assert reply.status in (200, 202)
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and expect_new and live.get("/api/health")["articles"] == 0:
                    time.sleep(0.1)
                assert (live.get("/api/health")["articles"] == 1) is expect_new
    conn = sqlite3.connect(db)
    try:
        [(title,)] = conn.execute("SELECT title FROM articles").fetchall()
    finally:
        conn.close()
    assert title == STORIES["budget"][0]


def test_kill_9_with_deliveries_pending_sends_each_exactly_once_after_restart(
    site: NewsSite, receiver_server: HTTPTestServer, tmp_path: Path
) -> None:
    db = tmp_path / "crash.db"
    up, down = WebhookReceiver(), WebhookReceiver(status=500)
    receiver_server.route("/up", up)
    receiver_server.route("/down", down)
    up.secret = subscribe_webhook(db, "reporting", receiver_server.url("/up"))["channels"][0]["secret"]  # type: ignore[index]
    down.secret = subscribe_webhook(db, "reporting", receiver_server.url("/down"))["channels"][0]["secret"]  # type: ignore[index]
    cli(db, "sources", "add", site.server.url("/feed.xml"), "--kind", "feed")
    for key in ("vilnius", "harbour", "budget"):
        site.publish(key)
    live = LiveProcess(db)
    try:
        up.wait(3)
        deadline = time.monotonic() + 30
        while down.attempts < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        live.kill()  # kill -9 with the /down deliveries pending
    pending = json.loads(cli(db, "deliveries", "--status", "pending", "--format", "json"))
    assert len(pending) == 3
    down.status = 204
    # retries back off (5 s and more): make them due now, as time passing would
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE deliveries SET next_attempt_ts = 0 WHERE status = 'pending'")
    conn.close()
    with LiveProcess(db):
        down.wait(3)
        time.sleep(1.0)
    assert len(up.ids) == len(set(up.ids)) == 3  # nothing acknowledged was sent again
    assert len(down.ids) == len(set(down.ids)) == 3
    assert sorted(d["key"] for d in pending) == sorted(down.ids)
    statuses = {d["status"] for d in json.loads(cli(db, "deliveries", "--format", "json"))}
    assert statuses == {"sent"}


def test_email_and_web_push_reach_their_receivers_from_run(site: NewsSite, tmp_path: Path) -> None:
    import email as email_lib
    import email.policy
    from dataclasses import dataclass, field
    from typing import Any

    from aiosmtpd.controller import Controller

    from tests.support.live import free_port
    from tests.support.pushservice import BrowserKeys, serve_push

    @dataclass
    class Mailbox:
        received: list[Any] = field(default_factory=list)

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            self.received.append(email_lib.message_from_bytes(envelope.content, policy=email.policy.default))
            return "250 Message accepted"

    db = tmp_path / "channels.db"
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        cli(db, "subscribe", "speaker:stoltenberg", "--email", "analyst@example.org")
        cli(db, "sources", "add", site.server.url("/feed.xml"), "--kind", "feed")
        env = {"WIREWATCH_SMTP_HOST": "127.0.0.1", "WIREWATCH_SMTP_PORT": str(port)}
        with serve_push() as push, LiveProcess(db, env=env) as live:
            browser = BrowserKeys.generate()
            server_key = live.get("/api/push/key")["public_key"]
            target = json.loads(push.subscribe(browser, server_key))
            with pytest.raises(urllib.error.HTTPError):  # no account, no subscription
                live.post("/api/push/subscriptions", {"query": "speaker:stoltenberg", "subscription": target})
            added = run_cli(
                ["users", "add", "me@example.org", "--name", "Me", "--password-stdin", "--db", str(db)],
                env=LIVE_ENV,
                stdin=b"correct horse battery\n",
            )
            assert added.code == 0, added.stderr
            token = cli(db, "users", "token", "me@example.org").strip()
            live.post(
                "/api/push/subscriptions",
                {"query": "speaker:stoltenberg", "subscription": target},
                token=token,
            )
            site.publish("harbour")
            site.publish("vilnius")
            deadline = time.monotonic() + 60
            while (not mailbox.received or not push.messages) and time.monotonic() < deadline:
                time.sleep(0.1)
            [message] = mailbox.received
            [pushed] = push.messages
    finally:
        controller.stop()
    assert message["To"] == "analyst@example.org"
    assert STORIES["vilnius"][0] in message["Subject"]
    assert message["List-Unsubscribe"].startswith(f"<{live.base}/unsubscribe/")
    text = message.get_body(("plain",)).get_content()
    assert "Jens Stoltenberg" in text and "for as long as it takes" in text
    assert pushed.payload["article"]["title"] == STORIES["vilnius"][0]  # decrypted with the browser's key
    assert pushed.payload["quote"]["speaker"] == "Jens Stoltenberg"
    assert pushed.claims["aud"] == push.origin


def test_an_atom_feed_per_query_and_commands_beside_a_running_run(site: NewsSite, tmp_path: Path) -> None:
    import feedparser

    db = tmp_path / "feed.db"
    with LiveProcess(db) as live:
        # a subscription made while run is running is live at once
        public = {"WIREWATCH_PUBLIC_URL": live.base}  # where users reach it: the links say so
        sub = json.loads(cli(db, "subscribe", "stoltenberg", "--feed", "--format", "json", env=public))
        feed_url = sub["channels"][0]["feed_url"]
        assert feed_url.startswith(live.base + "/feeds/") and feed_url.endswith(".atom")
        site.publish("vilnius")
        site.publish("budget")
        cli(db, "ingest", site.server.url("/feed.xml"), "--workers", "1")  # a one-shot ingest beside run
        with urllib.request.urlopen(feed_url, timeout=10) as reply:
            assert reply.headers["Content-Type"].startswith("application/atom+xml")
            parsed = feedparser.parse(reply.read())
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(live.base + "/feeds/not-a-token.atom", timeout=10)
    assert parsed.bozo == 0 and parsed.version == "atom10"
    assert [e.title for e in parsed.entries] == [STORIES["vilnius"][0]]


def test_a_hung_source_delays_no_other_and_its_errors_back_off(site: NewsSite, tmp_path: Path) -> None:
    db = tmp_path / "hung.db"
    site.server.route("/slow.xml", Reply(body=site.rss(), delay=30.0))
    cli(db, "sources", "add", site.server.url("/slow.xml"), "--kind", "feed")
    cli(db, "sources", "add", site.server.url("/feed.xml"), "--kind", "feed")
    with LiveProcess(db) as live:
        time.sleep(0.5)
        site.publish("budget")
        deadline = time.monotonic() + 30
        while live.get("/api/health")["articles"] == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert live.get("/api/health")["articles"] == 1
        # stored while the hung feed was still in flight (its deadline had not yet run out)
        hung = next(s for s in live.get("/api/sources") if s["url"].endswith("/slow.xml"))
        assert hung["health"]["last_error"] is None and hung["health"]["last_success"] is None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            sources = {s["url"]: s for s in live.get("/api/sources")}
            if sources[site.server.url("/slow.xml")]["health"]["error_count"]:
                break
            time.sleep(0.2)
    slow = sources[site.server.url("/slow.xml")]["health"]
    assert slow["error_count"] == 1 and "deadline" in slow["last_error"]
    assert sources[site.server.url("/feed.xml")]["health"]["error_count"] == 0
