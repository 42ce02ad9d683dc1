"""Compile a query tree to one SQLite statement over ``articles`` and its FTS5 index.

Every node becomes a SQL boolean expression that is never NULL, so NOT and OR mean the
same across full-text and metadata parts, at any nesting.  A text leaf becomes
``a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)`` with an FTS5
string made only of quoted tokens, so user input cannot break FTS5 syntax.  The text
leaves that are not negated, ORed together, give the bm25 rank and the snippet.
``speaker:`` and ``entity:`` match words of an entity's names (``entity_aliases_fts``,
the same tokenizer, over every alias with a person's titles stripped; the canonical name
is always one of the aliases): a speaker of one of the article's quotations, or an
entity the article names.  Every value is a bound
parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from wirewatch.query import (
    And,
    DateValue,
    Field,
    Node,
    Not,
    Or,
    Phrase,
    Term,
    ascii_lower,
    format_query,
    resolve_date,
    word_tokens,
)

__all__ = ["HIT_CLOSE", "HIT_OPEN", "CompiledSearch", "compile_search", "fts_string"]

HIT_OPEN, HIT_CLOSE = "[", "]"  # around the matched words in a snippet
_FTS_HIT = "a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
_SOURCE_TEXT = (
    "lower(coalesce(a.source, '') || char(10) || coalesce(a.url, '') || char(10) || "
    "coalesce(a.canonical_url, '') || char(10) || coalesce(a.site_name, ''))"
)
_LANG = "lower(coalesce(a.language, ''))"
# articles quoting / naming an entity one of whose names (aliases) matches the FTS5 string
_ENTITY_SQL = {
    "speaker": (
        "a.id IN (SELECT article_id FROM quotes WHERE speaker_entity_id IN ("
        "SELECT entity_id FROM entity_aliases WHERE id IN ("
        "SELECT rowid FROM entity_aliases_fts WHERE entity_aliases_fts MATCH ?)))"
    ),
    "entity": (
        "a.id IN (SELECT article_id FROM article_entities WHERE entity_id IN ("
        "SELECT entity_id FROM entity_aliases WHERE id IN ("
        "SELECT rowid FROM entity_aliases_fts WHERE entity_aliases_fts MATCH ?)))"
    ),
}


@dataclass(frozen=True, slots=True)
class CompiledSearch:
    sql: str
    params: tuple[object, ...]
    ranked: bool  # True when a text part gives a bm25 rank and a snippet


def fts_string(value: Term | Phrase, column: str | None = None) -> str | None:
    """An FTS5 query for one leaf: its tokens quoted as one phrase; None if it has none."""
    tokens = word_tokens(value.text)
    if not tokens:
        return None
    body = '"' + " ".join(t.replace('"', '""') for t in tokens) + '"'
    if isinstance(value, Term) and value.prefix:
        body += "*"
    return f"{column} : {body}" if column else body


@dataclass
class _Compiler:
    text: str
    now: datetime
    params: list[object] = field(default_factory=list)
    positive: list[str] = field(default_factory=list)

    def expr(self, node: Node, negated: bool = False) -> str:
        if isinstance(node, And | Or):
            joiner = " AND " if isinstance(node, And) else " OR "
            return "(" + joiner.join(self.expr(n, negated) for n in node.items) + ")"
        if isinstance(node, Not):
            return f"(NOT {self.expr(node.item, not negated)})"
        if isinstance(node, Term | Phrase):
            return self.text_leaf(fts_string(node), negated)
        return self.field(node, negated)

    def text_leaf(self, fts: str | None, negated: bool) -> str:
        if fts is None:
            return "0"
        if not negated:
            self.positive.append(fts)
        self.params.append(fts)
        return _FTS_HIT

    def field(self, node: Field, negated: bool) -> str:
        name, value = node.name, node.value
        if isinstance(value, DateValue):
            bound, inclusive = resolve_date(value, self.now, end=name == "until")
            op = ">=" if name == "since" else ("<=" if inclusive else "<")
            self.params.append(bound.timestamp())
            return f"(a.published_ts IS NOT NULL AND a.published_ts {op} ?)"
        if name == "title":
            return self.text_leaf(fts_string(value, "title"), negated)
        if name in _ENTITY_SQL:
            return self.names(name, value)
        if name == "story":
            return self.story(value)
        wanted = ascii_lower(value.text)
        if name == "lang":
            self.params.extend([wanted, len(wanted) + 1, wanted + "-"])
            return f"({_LANG} = ? OR substr({_LANG}, 1, ?) = ?)"
        self.params.append(wanted)
        return f"(instr({_SOURCE_TEXT}, ?) > 0)"

    def names(self, name: str, value: Term | Phrase) -> str:
        names = fts_string(value)
        if names is None:
            return "0"
        self.params.append(names)
        return _ENTITY_SQL[name]

    def story(self, value: Term | Phrase) -> str:
        """A story's articles: its own, and (through ``merged_into``) those it absorbed."""
        number = int(value.text) if value.text.isdigit() else -1
        self.params.extend([number, number])
        return "(a.story_id = coalesce((SELECT merged_into FROM stories WHERE id = ?), ?))"


def compile_search(
    node: Node, *, now: datetime, limit: int, offset: int, text: str | None = None
) -> CompiledSearch:
    """One SELECT returning article columns, then ``score`` (bm25) and ``snip`` (snippet)."""
    compiler = _Compiler(text if text is not None else format_query(node), now)
    where = compiler.expr(node)
    params: list[object] = []
    if compiler.positive:
        rank_match = " OR ".join(f"({p})" for p in compiler.positive)
        source = (
            "SELECT a.*, m.score, m.snip FROM articles a LEFT JOIN ("
            "SELECT rowid AS rid, bm25(articles_fts) AS score, "
            "snippet(articles_fts, -1, ?, ?, '…', 24) AS snip "
            "FROM articles_fts WHERE articles_fts MATCH ?) m ON m.rid = a.id"
        )
        params += [HIT_OPEN, HIT_CLOSE, rank_match]
        order = "m.score IS NULL, m.score, a.published_ts IS NULL, a.published_ts DESC, a.id DESC"
    else:
        source = "SELECT a.*, NULL AS score, NULL AS snip FROM articles a"
        order = "a.published_ts IS NULL, a.published_ts DESC, a.id DESC"
    params += compiler.params
    params += [max(0, limit), max(0, offset)]
    sql = f"{source} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"  # fixed fragments; values bound
    return CompiledSearch(sql, tuple(params), bool(compiler.positive))
