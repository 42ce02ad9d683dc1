#!/usr/bin/env python3
"""Live latency: from the moment the feed serves a new item to the moment a webhook has it.

    .venv/bin/python benchmarks/bench_live.py [--rates 1,50] [--seconds 10] [--queries 1000] [--enrich]

A real news site on 127.0.0.1 whose feed gains items at a steady rate, a real webhook
receiver, ``wirewatch run`` in a subprocess with ``--queries`` saved queries (all but one
match nothing, so matching must use the index), polling every 0.2 s.  For each item, the
clock starts when the feed first serves it and stops when the receiver has the signed
notification.  Prints p50, p99 and max per rate.  Enrichment (spaCy) is off unless
``--enrich``: at 50 articles a second it is the one stage that cannot keep up on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.cli import run_cli  # noqa: E402
from tests.support.httpserver import RecordedRequest, Reply, serve_http  # noqa: E402
from tests.support.live import LIVE_ENV, LiveProcess  # noqa: E402
from tests.support.webhooks import WebhookReceiver  # noqa: E402

SYLLABLES = ["ka", "lo", "mi", "ru", "te", "sa", "no", "vi", "de", "po", "ga", "zu", "fe", "ri", "bo", "ne"]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def page(n: int) -> bytes:
    # every item its own story: its own made-up words and names, so nothing clusters them
    rng = random.Random(n)
    words = " ".join(word(rng) for _ in range(60))
    names = " ".join(word(rng).title() for _ in range(6))
    return (
        f"<html><head><title>Report {n}: {names}</title></head><body><article>"
        f"<h1>Report {n}</h1><p>{names} {words}. The wirebench desk filed report {n}.</p>"
        "</article></body></html>"
    ).encode()


class Site:
    def __init__(self) -> None:
        self.items: list[int] = []
        self.first_served: dict[int, float] = {}
        self.lock = threading.Lock()

    def feed(self, request: RecordedRequest) -> Reply:
        now = time.monotonic()
        with self.lock:
            items = self.items[-100:]  # a busy feed: its newest hundred items
            for n in items:
                self.first_served.setdefault(n, now)
        entries = "".join(
            f"<item><title>Report {n}</title><link>{self.base}/p/{n}</link></item>" for n in items
        )
        body = (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>bench</title>{entries}</channel></rss>'
        )
        return Reply(body=body.encode(), headers={"Content-Type": "application/rss+xml"})

    def page(self, request: RecordedRequest) -> Reply:
        return Reply(body=page(int(request.path.rsplit("/", 1)[1])), headers={"Content-Type": "text/html"})

    base = ""


def measure(rate: float, seconds: float, queries: int, enrich: bool) -> dict[str, float]:
    site = Site()
    arrivals: dict[int, float] = {}
    with serve_http() as server, serve_http() as hooks, tempfile.TemporaryDirectory() as tmp:
        site.base = server.url("").rstrip("/")
        server.route("/feed.xml", site.feed)
        receiver = WebhookReceiver()

        def hook(request: RecordedRequest) -> Reply:
            reply = receiver(request)
            if reply.status < 300:
                n = int(json.loads(request.body)["article"]["title"].split()[1].rstrip(":"))
                arrivals.setdefault(n, time.monotonic())
            return reply

        hooks.route("/hook", hook)
        for n in range(int(rate * seconds) + 10):
            server.route(f"/p/{n}", site.page)
        db = Path(tmp) / "bench.db"
        env = {**LIVE_ENV, "WIREWATCH_ENRICH": "true" if enrich else "false"}
        env["WIREWATCH_PER_HOST_CONCURRENCY"] = "8"  # one busy host serves all 50 pages a second
        sub = run_cli(
            [
                "subscribe",
                "wirebench",
                "--webhook",
                hooks.url("/hook"),
                "--cap",
                "10000",
                "--format",
                "json",
                "--db",
                str(db),
            ],
            env=env,
        )
        receiver.secret = sub.json()["channels"][0]["secret"]
        conn_queries = [(f"zzq{i} OR speaker:nobody{i}",) for i in range(queries - 1)]
        import sqlite3

        conn = sqlite3.connect(db)
        with conn:
            conn.executemany(
                "INSERT INTO subscriptions (query, created_at) VALUES (?, datetime('now'))", conn_queries
            )
        conn.close()
        run_cli(["sources", "add", site.base + "/feed.xml", "--kind", "feed", "--db", str(db)], env=env)
        with LiveProcess(db, env={k: v for k, v in env.items() if k.startswith("WIREWATCH_")}):
            time.sleep(2.0)  # warm: first poll, workers up
            total = int(rate * seconds)
            start = time.monotonic()
            for n in range(total):
                target = start + n / rate
                time.sleep(max(0.0, target - time.monotonic()))
                with site.lock:
                    site.items.append(n)
            deadline = time.monotonic() + 60
            while len(arrivals) < total and time.monotonic() < deadline:
                time.sleep(0.05)
    latencies = sorted(arrivals[n] - site.first_served[n] for n in arrivals if n in site.first_served)
    if not latencies:
        return {"rate": rate, "received": 0}
    return {
        "rate": rate,
        "sent": int(rate * seconds),
        "received": len(latencies),
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "max_ms": 1000 * latencies[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="1,50")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--enrich", action="store_true")
    args = parser.parse_args()
    for rate in (float(r) for r in args.rates.split(",")):
        result = measure(rate, args.seconds, args.queries, args.enrich)
        print(json.dumps(result))


if __name__ == "__main__":
    main()
