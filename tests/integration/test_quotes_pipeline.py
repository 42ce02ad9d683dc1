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

    monkeypatch.setattr(workers, "enrich_text", broken)  # the one fault no real input gives reliably
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


def test_extract_then_enrich_in_two_steps() -> None:
    from wirewatch.model import RawDocument

    raw = RawDocument(location=str(SEED), content=SEED.read_bytes(), media_type="text/plain")
    article, error = workers.extract_document(raw, 10_000_000)
    assert article is not None and error is None
    processed = workers.enrich_document(article, str(SEED))
    assert processed.warning is None
    assert processed.enrichment is not None and processed.enrichment.quotes


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
