"""``wirewatch sources``: add with kind detection, list, remove, OPML import and export."""

from __future__ import annotations

import gzip
from pathlib import Path

from tests.support.cli import run_cli
from tests.support.httpserver import HTTPTestServer, Reply

ROOT = Path(__file__).resolve().parents[2]
WARC = ROOT / "wirewatch" / "demo_data" / "news-23pages.warc.gz"


def test_add_list_remove_and_opml_round_trip(tmp_path: Path) -> None:
    db = ["--db", str(tmp_path / "news.db")]
    added = [
        run_cli(["sources", "add", "https://example.org/rss.xml", "--every", "5m", *db, "--format", "json"]),
        run_cli(["sources", "add", "https://example.org/sitemap-news.xml", *db, "--format", "json"]),
        run_cli(["sources", "add", "https://example.org/2024/05/story", *db, "--format", "json"]),
        run_cli(["sources", "add", str(WARC), *db, "--format", "json"]),
        run_cli(["sources", "add", str(tmp_path), *db, "--format", "json"]),
    ]
    assert all(r.code == 0 for r in added), [r.stderr for r in added]
    kinds = [r.json()["kind"] for r in added]
    assert kinds == ["feed", "sitemap", "page", "warc", "folder"]
    assert added[0].json()["every_seconds"] == 300

    # adding the same URL again changes nothing
    again = run_cli(["sources", "add", "https://example.org/rss.xml", *db, "--format", "json"])
    assert again.json()["id"] == added[0].json()["id"]
    listed = run_cli(["sources", "list", *db, "--format", "json"]).json()
    assert len(listed) == 5

    opml = tmp_path / "sources.opml"
    assert run_cli(["sources", "export-opml", "-o", str(opml), *db]).code == 0
    other = ["--db", str(tmp_path / "other.db")]
    imported = run_cli(["sources", "import-opml", str(opml), *other, "--format", "json"])
    assert imported.code == 0, imported.stderr
    assert sorted((s["url"], s["kind"]) for s in imported.json()) == sorted(
        (s["url"], s["kind"]) for s in listed
    )

    removed = run_cli(["sources", "remove", str(added[1].json()["id"]), *db])
    assert removed.code == 0
    assert len(run_cli(["sources", "list", *db, "--format", "json"]).json()) == 4
    missing = run_cli(["sources", "remove", "9999", *db])
    assert missing.code == 2
    assert "9999" in missing.stderr


def test_bad_source_arguments_are_one_line_usage_errors(tmp_path: Path) -> None:
    db = ["--db", str(tmp_path / "news.db")]
    for args in (
        ["sources", "add", "ftp://example.org/feed"],
        ["sources", "add", str(tmp_path / "missing")],
        ["sources", "add", "https://example.org/feed", "--every", "often"],
    ):
        result = run_cli([*args, *db])
        assert result.code == 2, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr


def test_kind_is_detected_from_the_content_when_the_url_answers(
    http_server: HTTPTestServer, tmp_path: Path
) -> None:
    rss = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    urlset = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://a/</loc></url></urlset>'
    # addresses whose look says "page", whose content says otherwise
    http_server.route("/latest", Reply(body=rss, headers={"Content-Type": "text/xml"}))
    http_server.route(
        "/index.xml.gz", Reply(body=gzip.compress(urlset), headers={"Content-Type": "application/gzip"})
    )
    http_server.route("/story", Reply(body=b"<html><body><p>Hello</p></body></html>"))
    db = ["--db", str(tmp_path / "news.db"), "--format", "json"]
    env = {"WIREWATCH_ALLOW_NETWORKS": "127.0.0.0/8"}
    kinds = [
        run_cli(["sources", "add", http_server.url(path), *db], env=env).json()["kind"]
        for path in ("/latest", "/index.xml.gz", "/story")
    ]
    assert kinds == ["feed", "sitemap", "page"]
    forced = run_cli(["sources", "add", http_server.url("/story2"), "--kind", "feed", *db], env=env)
    assert forced.json()["kind"] == "feed"
    assert "/story2" not in http_server.paths()  # --kind: nothing fetched
