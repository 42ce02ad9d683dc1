"""The compiled SQL binds every value; FTS5 strings are made of quoted tokens only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wirewatch.query import Phrase, Term, parse_query
from wirewatch.store.search import compile_search, fts_string

NOW = datetime(2024, 5, 3, tzinfo=UTC)


def test_fts_string_quotes_each_token() -> None:
    assert fts_string(Term("NATO")) == '"NATO"'
    assert fts_string(Term("stolt", prefix=True)) == '"stolt"*'
    assert fts_string(Phrase("secretary general"), "title") == 'title : "secretary general"'
    assert fts_string(Term('NEAR("a')) == '"NEAR a"'
    assert fts_string(Term("*")) is None


@pytest.mark.parametrize("query", ["'; DROP TABLE articles;", "robert' OR 1=1", "source:x'OR'1'='1"])
def test_user_text_never_reaches_the_sql(query: str) -> None:
    compiled = compile_search(parse_query(query), now=NOW, limit=5, offset=0)
    assert "DROP" not in compiled.sql and "'1'" not in compiled.sql
    assert compiled.sql.count("?") == len(compiled.params)


def test_ranked_only_with_a_positive_text_part() -> None:
    assert compile_search(parse_query("nato lang:en"), now=NOW, limit=5, offset=0).ranked
    assert not compile_search(parse_query("lang:en -nato"), now=NOW, limit=5, offset=0).ranked


def test_speaker_and_entity_bind_an_fts_string_of_quoted_tokens() -> None:
    compiled = compile_search(
        parse_query("""speaker:"o'brien; DROP" entity:nato*"""), now=NOW, limit=5, offset=0
    )
    assert "DROP" not in compiled.sql and "brien" not in compiled.sql
    assert '"o brien DROP"' in compiled.params and '"nato"*' in compiled.params
    assert compiled.sql.count("?") == len(compiled.params)
    assert not compiled.ranked
