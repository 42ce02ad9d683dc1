"""Who said what, end to end: the real ``wirewatch`` command on real SQLite files.

Ingest runs extraction and enrichment (spaCy) in the worker, the store links speakers
across articles, and ``speakers``, ``search``, ``show`` and ``quotes`` read them back.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.support.cli import Result, run_cli

CASES = Path(__file__).resolve().parents[1] / "cases"
SEED = CASES / "nato-stoltenberg-page.txt"

PUTIN_A = """Kremlin says it will answer new sanctions

Vladimir V. Putin said on Tuesday that Russia would answer any new sanctions imposed by \
Western governments on its banks and energy companies.

"We will not be intimidated by threats from abroad," Vladimir V. Putin told reporters \
in Moscow after a meeting of his security council.
"""
PUTIN_B = """Russian economy is growing, Kremlin says

"The economy is growing faster than our critics expected," President Putin said at a \
meeting with government officials in Moscow on Friday.

The central bank has raised interest rates three times this year to slow inflation, \
which remains above its target.
"""


def cli(*args: str, db: Path, env: dict[str, str] | None = None) -> Result:
    result = run_cli([*args, "--db", str(db)], env=env)
    assert result.code == 0, result.stderr
    return result


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("seed") / "seed.db"
    summary = cli("ingest", str(SEED), "--workers", "1", "--format", "json", db=db).json()
    assert (summary["new"], summary["failed"], summary["warnings"]) == (1, 0, [])
    return db


def test_speakers_lists_stoltenberg_with_his_quotes_and_alias(seed_db: Path) -> None:
    speakers = cli("speakers", "--format", "json", db=seed_db).json()
    by_name = {s["canonical"]: s for s in speakers}
    stoltenberg = by_name["Jens Stoltenberg"]
    assert stoltenberg["quote_count"] >= 7
    assert "Stoltenberg" in stoltenberg["aliases"]
    assert speakers[0]["canonical"] == "Jens Stoltenberg"  # the most quoted first
    assert not any("Putin" in s["canonical"] for s in speakers)
    text = cli("speakers", "stolten", db=seed_db).stdout
    assert "Jens Stoltenberg" in text and "Stoltenberg" in text and "Lukashenko" not in text


def test_search_by_speaker_and_entity(seed_db: Path) -> None:
    def found(query: str) -> int:
        return len(cli("search", query, "--format", "json", db=seed_db).json())

    assert found("speaker:stoltenberg") == 1
    assert found('speaker:"jens stoltenberg"') == 1
    assert found("speaker:putin") == 0  # named in the quotes, never quoted
    assert found("entity:nato") == 1
    assert found("entity:putin") == 1
    assert found("entity:nato -speaker:stoltenberg") == 0


def test_show_includes_the_quotations_and_entities(seed_db: Path) -> None:
    article = cli("show", "1", "--format", "json", db=seed_db).json()
    quotes = article["quotes"]
    stoltenberg = [q for q in quotes if q["speaker"] and q["speaker"]["canonical"] == "Jens Stoltenberg"]
    assert len(stoltenberg) >= 7
    for quote in quotes:
        assert set(quote) == {
            "text",
            "kind",
            "cue",
            "span",
            "speaker",
            "confidence",
            "article_id",
            "appearances",
        }
        assert quote["article_id"] == 1
        start, end = quote["span"]
        assert article["text"][start:end] == quote["text"]
    assert {q["speaker"]["entity_id"] for q in stoltenberg} == {stoltenberg[0]["speaker"]["entity_id"]}
    entities = {e["canonical"]: e for e in article["entities"]}
    assert {"NATO", "Jens Stoltenberg", "Ukraine"} <= set(entities)
    assert entities["NATO"]["kind"] == "organization"
    text = cli("show", "1", db=seed_db).stdout
    assert "Quotations" in text and "— Jens Stoltenberg" in text
    # one article alone: its story is its own, each direct quotation appears once, here
    assert article["story"]["article_count"] == 1 and article["story_id"] == article["story"]["id"]
    direct = [q for q in quotes if q["kind"] == "direct"]
    assert direct and all([a["article_id"] for a in q["appearances"]] == [1] for q in direct)
    assert article["duplicates"] == []


def test_a_re_ingest_changes_nothing(seed_db: Path) -> None:
    before = dump(seed_db)
    summary = cli("ingest", str(SEED), "--workers", "1", "--format", "json", db=seed_db).json()
    assert (summary["new"], summary["duplicate"]) == (0, 1)
    assert dump(seed_db) == before


def test_one_speaker_across_two_articles_under_two_names(tmp_path: Path) -> None:
    db = tmp_path / "putin.db"
    for name, text in (("a.txt", PUTIN_A), ("b.txt", PUTIN_B)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        cli("ingest", str(tmp_path / name), "--workers", "1", db=db)
    speakers = cli("speakers", "putin", "--format", "json", db=db).json()
    assert len(speakers) == 1, speakers
    [putin] = speakers
    assert putin["canonical"] == "Vladimir V. Putin"
    assert "President Putin" in putin["aliases"]
    assert putin["quote_count"] >= 2
    assert len(cli("search", "speaker:putin", "--format", "json", db=db).json()) == 2


def test_enrichment_switched_off_stores_articles_without_quotes(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    cli("ingest", str(SEED), "--workers", "1", db=db, env={"WIREWATCH_ENRICH": "false"})
    article = cli("show", "1", "--format", "json", db=db).json()
    assert article["quotes"] == [] and article["entities"] == []
    assert "Stoltenberg" in article["text"]
    assert cli("speakers", "--format", "json", db=db).json() == []


def test_quotes_command_prints_the_quotation_shape() -> None:
    result = run_cli(["quotes", str(SEED), "--format", "json"])
    assert result.code == 0, result.stderr
    quotes = result.json()
    extracted = run_cli(["extract", str(SEED), "--format", "json"]).json()
    assert len(quotes) >= 8
    for quote in quotes:
        assert set(quote) == {"text", "kind", "cue", "span", "speaker", "confidence"}
        assert quote["kind"] in {"direct", "indirect", "mixed"}
        start, end = quote["span"]
        assert extracted["text"][start:end] == quote["text"]  # spans into the extracted text
        if quote["speaker"] is not None:
            assert set(quote["speaker"]) == {"name", "canonical", "span"}
    named = [q for q in quotes if q["speaker"] and q["speaker"]["canonical"] == "Jens Stoltenberg"]
    assert len(named) >= 7
    text = run_cli(["quotes", "-"], stdin=SEED.read_bytes())
    assert text.code == 0 and "— Jens Stoltenberg" in text.stdout


def test_quotes_command_refuses_a_missing_file_in_one_line() -> None:
    result = run_cli(["quotes", "/nonexistent/page.html"])
    assert result.code == 2
    assert result.stderr.count("\n") == 1 and "page.html" in result.stderr
