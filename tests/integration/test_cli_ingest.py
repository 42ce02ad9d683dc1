"""The ``wirewatch`` command on real files and a real SQLite database, as a user runs it."""

from __future__ import annotations

import gzip
import sqlite3
import zlib
from pathlib import Path

import pytest

from tests.support.cli import run_cli

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "wirewatch" / "demo_data"
SEED = DEMO / "nato-stoltenberg-page.txt"
GOOD_ARTICLE = (
    "<html><head><title>Council approves flood defences</title></head><body><article>"
    "<h1>Council approves flood defences</h1>"
    + "".join(
        f"<p>The city council approved new flood defences for the river district on Monday, "
        f"paragraph {i}, after a long debate about costs and the timetable for construction.</p>"
        for i in range(6)
    )
    + "</article></body></html>"
)


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def test_every_command_has_help() -> None:
    commands = [
        [],
        ["extract"],
        ["ingest"],
        ["search"],
        ["show"],
        ["demo"],
        ["sources"],
        ["sources", "add"],
        ["sources", "list"],
        ["sources", "remove"],
        ["sources", "import-opml"],
        ["sources", "export-opml"],
        ["quotes"],
        ["speakers"],
        ["stories"],
        ["story"],
        ["subscribe"],
        ["subscriptions"],
        ["subscriptions", "list"],
        ["subscriptions", "remove"],
        ["subscriptions", "pause"],
        ["subscriptions", "resume"],
        ["deliveries"],
        ["run"],
        ["users"],
        ["users", "add"],
        ["users", "token"],
    ]
    for command in commands:
        result = run_cli([*command, "--help"])
        assert result.code == 0, (command, result.stderr)
        assert "Usage:" in result.stdout


def test_extract_seed_page_as_json() -> None:
    result = run_cli(["extract", str(SEED), "--format", "json"])
    assert result.code == 0, result.stderr
    article = result.json()
    assert set(article) == {
        "title",
        "text",
        "author",
        "published",
        "language",
        "canonical_url",
        "site_name",
        "url",
    }
    assert article["title"] == "Stoltenberg: NATO Remains Committed to Supporting Ukraine"
    assert "He called on Belarussian President Alexander Lukashenko" in article["text"]
    assert "Leave A Reply" not in article["text"]


def test_extract_from_stdin_as_text() -> None:
    result = run_cli(["extract", "-", "--url", "https://example.org/flood"], stdin=GOOD_ARTICLE.encode())
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("Council approves flood defences")


def test_extract_missing_file_is_a_usage_error() -> None:
    result = run_cli(["extract", "/no/such/file.html"])
    assert result.code == 2
    assert "/no/such/file.html" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_ingest_demo_news_then_search_and_show(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    targets = [str(DEMO / n) for n in ("news-23pages.warc.gz", "npr-technology-feed.json", SEED.name)]
    first = run_cli(["ingest", *targets, "--db", str(db), "--format", "json", "--workers", "2"])
    assert first.code == 0, first.stdout + first.stderr
    summary = first.json()
    assert summary["failed"] == 0, summary["errors"]
    assert summary["seen"] == 23 + 25 + 1
    assert summary["new"] + summary["duplicate"] == summary["seen"]
    assert summary["new"] >= 45  # a few NPR entries may repeat one another

    hits = run_cli(["search", "title:Stoltenberg", "--db", str(db), "--format", "json"]).json()
    assert [h["title"] for h in hits] == ["Stoltenberg: NATO Remains Committed to Supporting Ukraine"]

    shown = run_cli(["show", str(hits[0]["id"]), "--db", str(db), "--format", "json"])
    assert shown.code == 0
    article = shown.json()
    for key in (
        "id",
        "url",
        "canonical_url",
        "title",
        "text",
        "author",
        "published",
        "language",
        "source",
        "fetched_at",
    ):
        assert key in article
    assert "Jens Stoltenberg" in article["text"]

    text_hits = run_cli(["search", '"secretary general" AND NATO', "--db", str(db)])
    assert text_hits.code == 0
    assert "Stoltenberg" in text_hits.stdout


def test_reingest_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    target = str(DEMO / "news-23pages.warc.gz")
    assert run_cli(["ingest", target, "--db", str(db), "--workers", "1"]).code == 0
    before = dump(db)
    again = run_cli(["ingest", target, "--db", str(db), "--format", "json", "--workers", "1"])
    assert again.code == 0
    assert again.json()["new"] == 0
    assert again.json()["duplicate"] == 23
    assert dump(db) == before


def test_search_reports_where_a_bad_query_fails(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    result = run_cli(["search", "(nato AND", "--db", str(db)])
    assert result.code == 2
    assert "^" in result.stderr  # points at the error


def bad_inputs(folder: Path) -> dict[str, Path]:
    """One file per kind of hostile input, and one good article among them."""
    files = {
        "good": folder / "good.html",
        "malformed_xml": folder / "malformed.xml",
        "laughs": folder / "laughs.xml",
        "laughs_one_line": folder / "laughs-one-line.xml",
        "bomb": folder / "bomb.html.gz",
        "empty": folder / "empty.html",
        "binary": folder / "binary.html",
        "malformed_html": folder / "malformed.html",
    }
    files["good"].write_text(GOOD_ARTICLE)
    files["malformed_xml"].write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Broken<item><title>x</channel>'
    )
    entities = "".join(
        f'<!ENTITY lol{i} "&lol{i - 1};&lol{i - 1};&lol{i - 1};&lol{i - 1};">' for i in range(1, 10)
    )
    multi_line = entities.replace("><", ">\n<")
    laughs_dtd = f'<!DOCTYPE rss [\n<!ENTITY lol0 "lol">\n{multi_line}\n]>'
    body = (
        '<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>'
    )
    files["laughs"].write_text(f'<?xml version="1.0"?>\n{laughs_dtd}\n{body}')
    one_line = f'<!DOCTYPE rss [<!ENTITY lol0 "lol">{entities}]>'
    files["laughs_one_line"].write_text(f'<?xml version="1.0"?>{one_line}{body}')
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 20)
    with open(files["bomb"], "wb") as handle:
        for _ in range(200):  # 200 MiB of zeros in about 200 KiB
            handle.write(compressor.compress(chunk))
        handle.write(compressor.flush())
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(bytes(range(256)) * 64)
    files["malformed_html"].write_text("<html><body><div><p>unclosed <b><i>" + "<div>" * 5000)
    return files


def test_bad_input_fails_one_document_at_a_time(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    files = bad_inputs(folder)
    db = tmp_path / "news.db"
    env = {
        "WIREWATCH_MAX_FILE_BYTES": str(8 * 1024 * 1024),
        "WIREWATCH_ALLOW_NETWORKS": "127.0.0.0/8",
        "WIREWATCH_FETCH_DEADLINE": "5",
    }
    result = run_cli(
        [
            "ingest",
            str(folder),
            str(tmp_path / "does-not-exist"),
            "ftp://example.org/news.xml",
            "http://127.0.0.1:9/unreachable",
            "http://news.nonexistent.invalid/feed.xml",
            "--db",
            str(db),
            "--format",
            "json",
            "--workers",
            "1",
        ],
        env=env,
    )
    assert result.code == 1, result.stderr
    summary = result.json()
    assert summary["new"] == 1  # the good article is stored despite its neighbours
    documents = " ".join(e["document"] for e in summary["errors"])
    for name in ("bomb", "empty", "binary", "malformed_xml", "laughs", "laughs_one_line"):
        assert str(files[name]) in documents, name
    for missing in (
        "does-not-exist",
        "ftp://example.org/news.xml",
        "http://127.0.0.1:9/unreachable",
        "http://news.nonexistent.invalid/feed.xml",
    ):
        assert missing in documents, missing
    for error in summary["errors"]:
        assert error["stage"] in {"source", "fetch", "extract"}, error
        assert error["message"] and "\n" not in error["message"], error
        assert "Traceback" not in error["message"]
    # the text output gives each failure one line naming the document and the stage
    again = run_cli(["ingest", str(folder), "--db", str(db)], env=env)
    lines = [line for line in again.stderr.splitlines() if line.strip()]
    assert any(str(files["bomb"]) in line and "source:" in line for line in lines), lines
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


@pytest.mark.parametrize("name", ["story.txt", "story.txt.gz"])
def test_ingest_plain_text_files(tmp_path: Path, name: str) -> None:
    data = SEED.read_bytes()
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    db = tmp_path / "news.db"
    result = run_cli(["ingest", str(path), "--db", str(db), "--format", "json"])
    assert result.code == 0, result.stderr
    assert result.json()["new"] == 1
    hits = run_cli(["search", "Lukashenko", "--db", str(db), "--format", "json"]).json()
    assert len(hits) == 1
    assert "Advertisement" not in hits[0]["text"]
