"""Every ``tests/cases/*.expect.json`` against ``extract_article`` (cases as files)."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from wirewatch.extract import extract_article

CASES = Path(__file__).resolve().parents[2] / "cases"
EXPECTS = sorted(CASES.glob("*.expect.json"))


def test_the_seed_case_is_there() -> None:
    assert (CASES / "nato-stoltenberg-page.expect.json") in EXPECTS
    assert len(EXPECTS) >= 5


@pytest.mark.parametrize("expect_path", EXPECTS, ids=lambda p: p.name.removesuffix(".expect.json"))
def test_case(expect_path: Path) -> None:
    expect: dict[str, Any] = json.loads(expect_path.read_text("utf-8"))
    data = (CASES / expect["input"]).read_bytes()
    if expect["input"].endswith(".gz"):
        data = gzip.decompress(data)
    article = extract_article(data, expect.get("url"), media_type=expect.get("media_type"))
    for field in ("title", "canonical_url", "site_name", "language"):
        if field in expect:
            assert getattr(article, field) == expect[field], field
    if "published" in expect:
        wanted = expect["published"]
        assert article.published == (datetime.fromisoformat(wanted) if wanted else None)
    if "paragraphs" in expect:
        assert len(article.paragraphs) == expect["paragraphs"]
    for text in expect.get("present", []):
        assert text in article.text, f"missing: {text!r}"
    lowered = article.text.lower()
    for text in expect.get("absent", []):
        assert text.lower() not in lowered, f"clutter kept: {text!r}"
    assert "\n\n\n" not in article.text
