"""The wirewatch query language: one parser, one meaning for search, alerts and feeds.

Grammar (precedence NOT > AND > OR; adjacent items are ANDed)::

    query   := or
    or      := and ("OR" and)*
    and     := unary (["AND"] unary)*
    unary   := ("NOT" | "-") unary | "(" or ")" | leaf
    leaf    := word | word* | "a phrase" | field:word | field:word* | field:"a phrase"

Fields: ``title:`` ``source:`` ``lang:`` ``since:`` ``until:`` ``speaker:`` ``entity:``.
Dates are ISO dates or datetimes (naive means UTC) or relative (``7d``, ``24h``, ``2w``),
resolved against a clock when the query runs.  ``match`` is the pure-Python meaning of
a query over an article dict; the store compiles the same tree to SQL.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from wirewatch.errors import QueryError

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

FIELDS = ("title", "source", "lang", "since", "until", "speaker", "entity")
KEYWORDS = ("AND", "OR", "NOT")
_FIELD_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(.*)", re.DOTALL)
_RELATIVE_RE = re.compile(r"(\d{1,6})([hdw])")
_DATE_ONLY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_STOP = frozenset(' \t\n\r\f\v()"')
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only, as SQL ``lower()`` does (for lang: and source:)."""
    return text.translate(_ASCII_LOWER)


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str


@dataclass(frozen=True, slots=True)
class DateValue:
    raw: str
    value: datetime | timedelta  # an absolute UTC datetime, or a span back from "now"

    @property
    def date_only(self) -> bool:
        return _DATE_ONLY_RE.fullmatch(self.raw) is not None


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: Term | Phrase | DateValue


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Node


Node = Term | Phrase | Field | And | Or | Not


# -- words ----------------------------------------------------------------------------

_WORD_CHAR: dict[str, bool] = {}


def _is_word_char(ch: str) -> bool:
    known = _WORD_CHAR.get(ch)
    if known is None:
        cat = unicodedata.category(ch)
        known = _WORD_CHAR[ch] = cat[0] in "LNM" or cat == "Co"
    return known


def word_tokens(text: str) -> list[str]:
    """Split like SQLite's unicode61 tokenizer: runs of letters, digits and marks."""
    out: list[str] = []
    start = -1
    for i, ch in enumerate(text):
        if _is_word_char(ch):
            if start < 0:
                start = i
        elif start >= 0:
            out.append(text[start:i])
            start = -1
    if start >= 0:
        out.append(text[start:])
    return out


def _fold(token: str) -> str:
    decomposed = unicodedata.normalize("NFD", token)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


# -- tokenizer ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # "(", ")", "AND", "OR", "NOT", "-", "leaf"
    pos: int
    node: Node | None = None


def _error(message: str, text: str, pos: int) -> QueryError:
    return QueryError(message, query=text, position=pos)


def _read_phrase(text: str, i: int) -> tuple[str, int]:
    end = text.find('"', i + 1)
    if end < 0:
        raise _error("unterminated quote", text, i)
    return text[i + 1 : end], end + 1


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            toks.append(_Tok(ch, i))
            i += 1
        elif ch == '"':
            phrase, i_next = _read_phrase(text, i)
            if word_tokens(phrase):
                toks.append(_Tok("leaf", i, Phrase(phrase)))
            i = i_next
        elif ch == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != ")":
            toks.append(_Tok("-", i))
            i += 1
        else:
            j = i
            while j < n and text[j] not in _STOP:
                j += 1
            tok, i = _word(text, i, j)
            if tok is not None:
                toks.append(tok)
    return toks


def _word(text: str, start: int, end: int) -> tuple[_Tok | None, int]:
    word = text[start:end]
    if word in KEYWORDS:
        return _Tok(word, start), end
    field = _FIELD_RE.fullmatch(word)
    if field is None or field.group(2).startswith("//"):  # a URL is a word, not a field
        term = _term(word)
        return (_Tok("leaf", start, term) if term else None), end
    name, rest = field.group(1).lower(), field.group(2)
    if name not in FIELDS:
        raise _error(f"unknown field {field.group(1)!r} (fields: {', '.join(FIELDS)})", text, start)
    value_pos = start + len(name) + 1
    value: Term | Phrase | DateValue | None
    if not rest and end < len(text) and text[end] == '"':
        phrase, end = _read_phrase(text, end)
        value = Phrase(phrase) if word_tokens(phrase) else None
    elif not rest:
        raise _error(f"{name}: needs a value", text, value_pos)
    elif name in ("since", "until"):
        value = _date(rest, text, value_pos, name)
    else:
        value = _term(rest)
    if value is None:
        raise _error(f"{name}: needs a word to look for", text, value_pos)
    if isinstance(value, DateValue) != (name in ("since", "until")):
        raise _error(f"{name}: takes a date, not a phrase", text, value_pos)
    return _Tok("leaf", start, Field(name, value)), end


def _term(word: str) -> Term | None:
    stripped = word.rstrip("*")
    if not word_tokens(stripped):
        return None
    return Term(stripped, prefix=len(stripped) != len(word))


def _date(raw: str, text: str, pos: int, name: str) -> DateValue:
    rel = _RELATIVE_RE.fullmatch(raw)
    if rel:
        return DateValue(raw, int(rel.group(1)) * _UNITS[rel.group(2)])
    try:
        value = datetime.fromisoformat(raw) if raw[:1].isdigit() else None
    except ValueError:
        value = None
    if value is None:
        raise _error(f"bad date {raw!r} for {name}: (use 2024-01-31, 2024-01-31T12:00, 7d or 24h)", text, pos)
    return DateValue(raw, value.replace(tzinfo=UTC) if value.tzinfo is None else value)


# -- parser ---------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, toks: list[_Tok]) -> None:
        self.text, self.toks, self.i = text, toks, 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.i += 1
            self.expect_operand(tok)
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> Node:
        items = [self.parse_unary()]
        while (tok := self.peek()) is not None and tok.kind not in (")", "OR"):
            if tok.kind == "AND":
                self.i += 1
                self.expect_operand(tok)
            items.append(self.parse_unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def expect_operand(self, op: _Tok) -> None:
        nxt = self.peek()
        if nxt is None or nxt.kind in (")", "AND", "OR"):
            raise _error(f"{op.kind} needs something after it", self.text, op.pos)

    def parse_unary(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise _error("query ends too early", self.text, len(self.text))
        if tok.kind in ("AND", "OR"):
            raise _error(f"{tok.kind} needs something before it", self.text, tok.pos)
        self.i += 1
        if tok.kind in ("NOT", "-"):
            self.expect_operand(_Tok("NOT", tok.pos))
            return Not(self.parse_unary())
        if tok.kind == "(":
            if (nxt := self.peek()) is not None and nxt.kind == ")":
                raise _error("empty parentheses", self.text, tok.pos)
            if nxt is None:
                raise _error("unbalanced parenthesis: '(' is never closed", self.text, tok.pos)
            inner = self.parse_or()
            close = self.peek()
            if close is None or close.kind != ")":
                raise _error("unbalanced parenthesis: '(' is never closed", self.text, tok.pos)
            self.i += 1
            return inner
        if tok.kind == ")":
            raise _error("unbalanced parenthesis: ')' without '('", self.text, tok.pos)
        assert tok.node is not None
        return tok.node


def parse_query(text: str) -> Node:
    """Parse ``text`` into a query tree; raise ``QueryError`` pointing at the fault."""
    toks = _tokenize(text)
    if not toks:
        raise _error("empty query", text, 0)
    parser = _Parser(text, toks)
    node = parser.parse_or()
    if (extra := parser.peek()) is not None:  # only a stray ")" can stop the loops early
        raise _error("unbalanced parenthesis: ')' without '('", text, extra.pos)
    if not _positive(node):
        first_not = next(tok.pos for tok in toks if tok.kind in ("NOT", "-"))
        raise _error("a query cannot be only NOT terms: add something to look for", text, first_not)
    return node


def _positive(node: Node) -> bool:
    """True when some leaf is not under a NOT: a query made only of NOTs selects nothing."""
    if isinstance(node, Not):
        return False
    if isinstance(node, And | Or):
        return any(_positive(n) for n in node.items)
    return True


def field_position(text: str, name: str) -> int:
    """Offset of the first ``name:`` field in ``text`` (0 when absent), for error pointers."""
    for tok in _tokenize(text):
        if isinstance(tok.node, Field) and tok.node.name == name:
            return tok.pos
    return 0


# -- formatter ------------------------------------------------------------------------


def format_query(node: Node) -> str:
    """The canonical text of a query tree: ``parse_query(format_query(n)) == n``."""
    if isinstance(node, Term):
        return node.text + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return f'"{node.text}"'
    if isinstance(node, Field):
        value = node.value
        return f"{node.name}:" + (value.raw if isinstance(value, DateValue) else format_query(value))
    if isinstance(node, Not):
        return "-" + _group(node.item)
    if isinstance(node, And):
        return " ".join(_group(n) for n in node.items)
    return " OR ".join(_group(n) for n in node.items)


def _group(node: Node) -> str:
    return f"({format_query(node)})" if isinstance(node, And | Or) else format_query(node)


# -- matcher --------------------------------------------------------------------------


def resolve_date(value: DateValue, now: datetime, *, end: bool) -> tuple[datetime, bool]:
    """The bound a date stands for: (instant, inclusive).  ``until:DATE`` covers the day."""
    if isinstance(value.value, timedelta):
        return now - value.value, True
    if end and value.date_only:
        return value.value + timedelta(days=1), False
    return value.value, True


def _as_utc(value: object) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _contains(haystack: list[str], needle: list[str], prefix: bool) -> bool:
    n = len(needle)
    for i in range(len(haystack) - n + 1):
        if haystack[i : i + n - 1] == needle[:-1]:
            last = haystack[i + n - 1]
            if last == needle[-1] or (prefix and last.startswith(needle[-1])):
                return True
    return False


def _text_hit(value: Term | Phrase, fields: list[list[str]]) -> bool:
    needle = [_fold(t) for t in word_tokens(value.text)]
    prefix = isinstance(value, Term) and value.prefix
    return bool(needle) and any(_contains(f, needle, prefix) for f in fields)


def match(node: Node, doc: Mapping[str, object], *, now: datetime | None = None) -> bool:
    """Whether an article dict (``Article.to_dict`` shape) matches: the meaning of search."""
    cache: dict[str, list[str]] = {}

    def tokens(key: str) -> list[str]:
        if key not in cache:
            cache[key] = [_fold(t) for t in word_tokens(str(doc.get(key) or ""))]
        return cache[key]

    def run(n: Node) -> bool:
        if isinstance(n, Term | Phrase):
            return _text_hit(n, [tokens("title"), tokens("text")])
        if isinstance(n, And):
            return all(run(i) for i in n.items)
        if isinstance(n, Or):
            return any(run(i) for i in n.items)
        if isinstance(n, Not):
            return not run(n.item)
        return _field_hit(n, doc, tokens, now or datetime.now(UTC))

    return run(node)


def _field_hit(
    field: Field, doc: Mapping[str, object], tokens: Callable[[str], list[str]], now: datetime
) -> bool:
    name, value = field.name, field.value
    if isinstance(value, DateValue):
        published = _as_utc(doc.get("published"))
        if published is None:
            return False
        bound, inclusive = resolve_date(value, now, end=name == "until")
        if name == "since":
            return published >= bound
        return published <= bound if inclusive else published < bound
    if name == "title":
        return _text_hit(value, [tokens("title")])
    if name in ("speaker", "entity"):
        text = format_query(field)
        raise _error(f"{name}: is not searchable yet (quotations come with issue #3)", text, 0)
    wanted = ascii_lower(value.text)
    if name == "lang":
        lang = ascii_lower(str(doc.get("language") or ""))
        return lang == wanted or lang.startswith(wanted + "-")
    keys = ("source", "url", "canonical_url", "site_name")
    return any(wanted in ascii_lower(str(doc.get(k) or "")) for k in keys)
