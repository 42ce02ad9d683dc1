"""kill -9 in the middle of a batch ingest: no damage, no half article, a re-run completes it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.support.cli import run_cli

DOCUMENTS = 240


def write_batch(folder: Path) -> None:
    folder.mkdir()
    for i in range(DOCUMENTS):
        paragraphs = "".join(
            f"<p>Report {i}, part {p}: the regional assembly of district {i} voted on measure {i * 7 + p} "
            f"after hearing {p + 3} witnesses, and the chair said the vote would stand.</p>"
            for p in range(8)
        )
        (folder / f"report-{i:04d}.html").write_text(
            f"<html><head><title>Assembly report {i}</title></head>"
            f"<body><article><h1>Assembly report {i}</h1>{paragraphs}</article></body></html>"
        )


def count_articles(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_kill_during_batch_then_rerun_completes(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    write_batch(folder)
    db = tmp_path / "news.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "wirewatch", "ingest", str(folder), "--db", str(db), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while count_articles(db) < 10 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored = count_articles(db)
    assert 0 < stored < DOCUMENTS, f"the kill should land mid-batch, found {stored}"

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # the full-text index matches the articles exactly: no article without its index rows
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        half = conn.execute(
            "SELECT count(*) FROM articles WHERE text = '' OR title IS NULL OR content_hash = ''"
        ).fetchone()[0]
        assert half == 0

    rerun = run_cli(["ingest", str(folder), "--db", str(db), "--format", "json", "--workers", "1"])
    assert rerun.code == 0, rerun.stderr
    summary = rerun.json()
    assert summary["new"] == DOCUMENTS - stored
    assert summary["duplicate"] == stored
    assert count_articles(db) == DOCUMENTS
