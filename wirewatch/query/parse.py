"""Query text to tree (with errors that point at the fault), and tree back to text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from wirewatch.errors import QueryError
from wirewatch.query.tree import FIELDS, And, DateValue, Field, Node, Not, Or, Phrase, Term, word_tokens

KEYWORDS = ("AND", "OR", "NOT")
_FIELD_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(.*)", re.DOTALL)
_RELATIVE_RE = re.compile(r"(\d{1,6})([hdw])")
_DATE_ONLY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_STOP = frozenset(' \t\n\r\f\v()"')

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
    if name == "story" and not (isinstance(value, Term) and value.text.isascii() and value.text.isdigit()):
        raise _error("story: takes a story number, as in story:12", text, value_pos)
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
