"""The pure-Python meaning of a query over an article dict (the store compiles the same tree to SQL).

The dict is ``Article.to_dict()`` plus ``speakers`` (the names, canonical and aliases, of
the speakers of its quotations) and ``entities`` (the names of the entities it names),
each a list of strings (``Store.article_names`` gives both, a person's titles stripped);
``speaker:``/``entity:`` match words within one name.  ``story:N`` matches ``story_id``, or
any number in ``stories`` when given (a story's id and the ids of those merged into it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from wirewatch.query.tree import (
    And,
    DateValue,
    Field,
    Node,
    Not,
    Or,
    Phrase,
    Term,
    ascii_lower,
    fold_token,
    word_tokens,
)

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
    needle = [fold_token(t) for t in word_tokens(value.text)]
    prefix = isinstance(value, Term) and value.prefix
    return bool(needle) and any(_contains(f, needle, prefix) for f in fields)


def match(
    node: Node,
    doc: Mapping[str, object],
    *,
    now: datetime | None = None,
    cache: dict[str, list[str]] | None = None,
) -> bool:
    """Whether an article dict (``Article.to_dict`` shape) matches: the meaning of search.

    ``cache`` (an empty dict, then passed again) keeps the doc's folded tokens between calls
    when many queries are matched against one doc.
    """
    cache = {} if cache is None else cache

    def tokens(key: str) -> list[str]:
        if key not in cache:
            cache[key] = [fold_token(t) for t in word_tokens(str(doc.get(key) or ""))]
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


def _date_hit(name: str, value: DateValue, doc: Mapping[str, object], now: datetime) -> bool:
    published = _as_utc(doc.get("published"))
    if published is None:
        return False
    bound, inclusive = resolve_date(value, now, end=name == "until")
    if name == "since":
        return published >= bound
    return published <= bound if inclusive else published < bound


def _field_hit(
    field: Field, doc: Mapping[str, object], tokens: Callable[[str], list[str]], now: datetime
) -> bool:
    name, value = field.name, field.value
    if isinstance(value, DateValue):
        return _date_hit(name, value, doc, now)
    if name == "title":
        return _text_hit(value, [tokens("title")])
    if name in ("speaker", "entity"):
        names = doc.get("speakers" if name == "speaker" else "entities")
        names = names if isinstance(names, list | tuple) else ()
        return _text_hit(value, [[fold_token(t) for t in word_tokens(str(n))] for n in names])
    if name == "story":
        stories = doc.get("stories") or [doc.get("story_id")]
        stories = stories if isinstance(stories, list | tuple) else ()
        return value.text.isdigit() and int(value.text) in stories
    wanted = ascii_lower(value.text)
    if name == "lang":
        lang = ascii_lower(str(doc.get("language") or ""))
        return lang == wanted or lang.startswith(wanted + "-")
    keys = ("source", "url", "canonical_url", "site_name")
    return any(wanted in ascii_lower(str(doc.get(k) or "")) for k in keys)
