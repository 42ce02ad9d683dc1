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


def test_process_document_returns_the_enrichment_with_the_article() -> None:
    from wirewatch.model import RawDocument

    raw = RawDocument(location=str(SEED), content=SEED.read_bytes(), media_type="text/plain")
    processed = workers.process_document(raw, 10_000_000, True)
    assert processed.article is not None and processed.error is None and processed.warning is None
    assert processed.enrichment is not None and processed.enrichment.quotes
    off = workers.process_document(raw, 10_000_000, False)
    assert off.article is not None and off.article.text == processed.article.text
    assert off.enrichment is None
