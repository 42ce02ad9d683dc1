"""The wirewatch query language: one parser, one meaning for search, alerts and feeds.

Grammar (precedence NOT > AND > OR; adjacent items are ANDed)::

    query   := or
    or      := and ("OR" and)*
    and     := unary (["AND"] unary)*
    unary   := ("NOT" | "-") unary | "(" or ")" | leaf
    leaf    := word | word* | "a phrase" | field:word | field:word* | field:"a phrase"

Fields: ``title:`` ``source:`` ``lang:`` ``since:`` ``until:`` ``speaker:`` ``entity:``
``story:`` (a story's number: its articles, and those of stories merged into it).
Dates are ISO dates or datetimes (naive means UTC) or relative (``7d``, ``24h``, ``2w``),
resolved against a clock when the query runs.  ``match`` is the pure-Python meaning of
a query over an article dict; the store compiles the same tree to SQL.
"""

from __future__ import annotations

from wirewatch.query.match import match, resolve_date
from wirewatch.query.parse import field_position, format_query, parse_query
from wirewatch.query.tree import (
    FIELDS,
    And,
    DateValue,
    Field,
    Node,
    Not,
    Or,
    Phrase,
    Term,
    ascii_lower,
    word_tokens,
)

__all__ = [
    "FIELDS",
    "And",
    "DateValue",
    "Field",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "Term",
    "ascii_lower",
    "field_position",
    "format_query",
    "match",
    "parse_query",
    "resolve_date",
    "word_tokens",
]
