"""The pipeline's enrich step: its failure costs the quotations, never the article."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirewatch.config import load_settings
from wirewatch.errors import EnrichError
from wirewatch.model import Enrichment
from wirewatch.pipeline import ingest, workers
from wirewatch.store import open_store

SEED = Path(__file__).resolve().parents[1] / "cases" / "nato-stoltenberg-page.txt"


def test_an_enrichment_failure_stores_the_article_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(text: str) -> Enrichment:
        raise EnrichError("the parser gave up")

    def broken_batch(texts: list[str], batch: int) -> list[Enrichment]:
        raise EnrichError("the parser gave up")

    # the one fault no real input gives reliably
    monkeypatch.setattr(workers, "enrich_text", broken)
    monkeypatch.setattr(workers, "enrich_texts", broken_batch)
    settings = load_settings(env={}, overrides={"db": str(tmp_path / "w.db")})
    with open_store(settings.db) as store:
        summary = ingest([str(SEED)], store, settings, workers=1)
        assert (summary.new, summary.failed) == (1, 0)
        [warning] = summary.warnings
        assert warning.stage == "enrich" and warning.message == "the parser gave up"
        assert str(SEED) in warning.document
        [article_id] = summary.new_ids
        assert store.get_article(article_id) is not None
        assert store.quotes_for_article(article_id) == []
    assert summary.to_dict()["warnings"] == [warning.to_dict()]


def test_one_article_failing_its_enrichment_costs_the_others_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    poison = "The council met on Tuesday. POISON. The mayor said the budget would pass."
    (folder / "poison.txt").write_text(poison + "\n\nIt passed by six votes to three.\n", encoding="utf-8")
    real_text, real_texts = workers.enrich_text, workers.enrich_texts
    batches: list[int] = []

    def fussy(text: str) -> Enrichment:
        if "POISON" in text:
            raise EnrichError("the parser gave up")
        return real_text(text)

    def fussy_batch(texts: list[str], batch: int) -> list[Enrichment]:
        batches.append(len(texts))
        if any("POISON" in text for text in texts):
            raise EnrichError("the parser gave up")
        return list(real_texts(texts, batch=batch))

    monkeypatch.setattr(workers, "enrich_text", fussy)
    monkeypatch.setattr(workers, "enrich_texts", fussy_batch)
    settings = load_settings(env={}, overrides={"db": str(tmp_path / "w.db")})
    with open_store(settings.db) as store:
        summary = ingest([str(folder)], store, settings, workers=1)
        assert (summary.new, summary.failed) == (2, 0)
        assert batches == [2]  # enriched together, then one by one after the fault
        [warning] = summary.warnings
        assert warning.stage == "enrich" and "poison.txt" in warning.document
        quotes = {len(store.quotes_for_article(i)) > 0 for i in summary.new_ids}
        assert quotes == {True, False}  # the seed page kept its quotations


def test_a_duplicate_costs_no_enrichment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(env={}, overrides={"db": str(tmp_path / "w.db")})
    with open_store(settings.db) as store:
        first = ingest([str(SEED)], store, settings, workers=1)
        assert first.new == 1

        def must_not_run(text: str) -> Enrichment:
            raise AssertionError("enrichment ran on an article that is stored already")

        monkeypatch.setattr(workers, "enrich_text", must_not_run)
        again = ingest([str(SEED)], store, settings, workers=1)
        assert (again.new, again.duplicate, again.failed, again.warnings) == (0, 1, 0, [])
