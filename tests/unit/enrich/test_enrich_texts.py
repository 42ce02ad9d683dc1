"""Articles enriched together get what each gets alone, in order."""

from __future__ import annotations

import gzip
from pathlib import Path

from wirewatch.enrich import enrich_text, enrich_texts
from wirewatch.extract import extract_article

CASES = Path(__file__).parents[2] / "cases"


def _texts() -> list[str]:
    pages = sorted(CASES.glob("*.html.gz"))
    texts = [extract_article(gzip.decompress(p.read_bytes())).text for p in pages]
    texts.insert(2, (CASES / "nato-stoltenberg-page.txt").read_text(encoding="utf-8"))
    return [*texts, "", "“Nothing,” she said."]


def test_together_as_alone() -> None:
    texts = _texts()
    alone = [enrich_text(text) for text in texts]
    for batch in (1, 3, 8):
        together = list(enrich_texts(texts, batch=batch))
        assert together == alone
    assert sum(len(e.quotes) for e in alone) > 20 and sum(len(e.entities) for e in alone) > 40
