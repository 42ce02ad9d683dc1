"""A faster matcher for the model's ``attribute_ruler``: the same rules, looked up by tag.

``en_core_web_sm``'s attribute ruler (tag -> POS and morphology, a few word exceptions)
runs its 179 rules through spaCy's general ``Matcher``, which costs as much as the whole
shared tok2vec.  Every rule is one or two tokens tested on TAG, LOWER, DEP or IS_SPACE
with a plain value, IN, NOT_IN or REGEX, so candidates can be found by a dictionary look-up on
the tag and the lower-case form; a token's one-token matches depend on those four values
alone and are remembered per key.  ``AttributeTable(ruler).match`` returns the matches in
the ruler's own format and order (rule by rule, later rules win).  ``AttributeWriter``
then sets POS, MORPH and LEMMA through arrays, in that order, instead of token by token
(a doc with a match that sets TAG or DEP goes through the ruler's own writer): the
annotations are identical.  A rule using anything else makes ``AttributeTable`` refuse
(``ValueError``) and the ruler keeps its own matcher.

Most tokens start no rule over several tokens, and the one-token rules they match write
only to themselves, so what they end with is known from their key alone: the
``AttributeAnnotator`` remembers that outcome per key and writes a doc's columns in one
pass, without listing its matches (straight into the doc's tokens where ``_tokens.pyx``
was compiled at install); a doc with any other token goes through the ruler.
"""

from __future__ import annotations

import re
from typing import Any

from wirewatch.enrich.compiled import compiled

__all__ = ["ANNOTATOR", "AttributeAnnotator", "AttributeTable", "AttributeWriter", "speed_up_attribute_ruler"]

KNOWN = 200_000  # (tag, word, dep, space) keys whose candidate rules are remembered
COLUMNS = ["TAG", "LOWER", "DEP", "IS_SPACE"]  # what the rules test
ANNOTATOR = "wirewatch_annotator"  # the ruler's attribute holding its AttributeAnnotator
MORPH_COLUMN = 1  # of the writer's POS, MORPH, LEMMA

_tokens = compiled("_tokens")  # None: Doc.from_array writes the columns
_KEYS = frozenset({"TAG", "LOWER", "DEP", "IS_SPACE"})
_Rule = tuple[int, int, tuple[tuple[tuple[str, Any], ...], ...]]  # (rule index, match id, token specs)
_Known = tuple[list[tuple[int, int]], list[_Rule]]  # one-token matches, longer candidate rules


def _fits(columns: dict[str, list[int]], i: int, spec: tuple[tuple[str, Any], ...], strings: Any) -> bool:
    """Whether token ``i`` passes the tests of ``spec`` (values as string hashes, as in the doc)."""
    for key, want in spec:
        value = columns[key][i]
        if isinstance(want, tuple):
            op, values = want
            if op == "REGEX":
                if not values.search(strings[value]):
                    return False
            elif (value in values) != (op == "IN"):
                return False
        elif value != want:
            return False
    return True


def _spec(token_pattern: dict[str, Any], strings: Any) -> tuple[tuple[str, Any], ...]:
    if not token_pattern or set(token_pattern) - _KEYS:
        raise ValueError(f"attribute rule not supported: {token_pattern}")
    out: list[tuple[str, Any]] = []
    for key, test in token_pattern.items():
        want: Any
        if isinstance(test, dict):
            if len(test) != 1 or next(iter(test)) not in ("IN", "NOT_IN", "REGEX"):
                raise ValueError(f"attribute rule not supported: {token_pattern}")
            op, values = next(iter(test.items()))
            want = (op, re.compile(values) if op == "REGEX" else frozenset(_hash(v, strings) for v in values))
        elif not isinstance(test, str | bool):
            raise ValueError(f"attribute rule not supported: {token_pattern}")
        else:
            want = _hash(test, strings)
        out.append((key, want))
    return tuple(out)


def _values(want: Any) -> frozenset[int] | None:
    """The values a test accepts when it lists them: a plain value or IN."""
    if isinstance(want, int):
        return frozenset([want])
    if isinstance(want, tuple) and want[0] == "IN":
        return frozenset(want[1])
    return None


def _hash(value: str | bool, strings: Any) -> int:
    """A test value as ``Doc.to_array`` gives it: a string's hash, a flag's 0 or 1."""
    if isinstance(value, bool):
        return int(value)
    return int(strings.add(value))


class AttributeTable:
    """The ruler's rules indexed by the first token's tag or lower-case form."""

    def __init__(self, ruler: Any) -> None:
        self.strings = ruler.vocab.strings
        self.by_both: dict[tuple[int, int], list[_Rule]] = {}
        self.by_tag: dict[int, list[_Rule]] = {}
        self.by_lower: dict[int, list[_Rule]] = {}
        self.by_dep: dict[int, list[_Rule]] = {}
        self.on_space: list[_Rule] = []
        self.anywhere: list[_Rule] = []
        self.known: dict[tuple[int, int, int, int], _Known] = {}
        strings = ruler.vocab.strings
        for index, rule in enumerate(ruler.patterns):
            match_id = strings[str(index)]
            for pattern in rule["patterns"]:
                specs = tuple(_spec(t, strings) for t in pattern)
                entry = (index, match_id, specs)
                first = dict(specs[0])
                tags, words = _values(first.get("TAG")), _values(first.get("LOWER"))
                if tags and words:
                    for key in ((t, w) for t in tags for w in words):
                        self.by_both.setdefault(key, []).append(entry)
                elif tags:
                    for tag in tags:
                        self.by_tag.setdefault(tag, []).append(entry)
                elif words:
                    for word in words:
                        self.by_lower.setdefault(word, []).append(entry)
                elif _values(first.get("DEP")):
                    for dep in _values(first.get("DEP")) or ():
                        self.by_dep.setdefault(dep, []).append(entry)
                elif first.get("IS_SPACE") == 1 and "TAG" not in first:
                    self.on_space.append(entry)
                else:
                    self.anywhere.append(entry)
        # A word no rule names, nor matches by pattern, starts the same rules as any other
        # such word: its key drops the word (0, the empty string's hash), so the few hundred
        # (tag, dep) pairs of a language are sorted out once, not each new word.
        self.rule_words = frozenset(w for _, w in self.by_both) | frozenset(self.by_lower)
        first_tests = [dict(specs[0]).get("LOWER") for _, _, specs in self._entries()]
        self.word_patterns = [t[1] for t in first_tests if isinstance(t, tuple) and t[0] == "REGEX"]
        self.words_shared = not any(
            isinstance(t, tuple) and t[0] == "NOT_IN" for t in first_tests
        ) and not any(p.search("") for p in self.word_patterns)
        self.own_key: dict[int, bool] = {}

    def _entries(self) -> list[_Rule]:
        buckets = [
            *self.by_both.values(),
            *self.by_tag.values(),
            *self.by_lower.values(),
            *self.by_dep.values(),
        ]
        return [entry for bucket in buckets for entry in bucket] + self.on_space + self.anywhere

    def _own_key(self, word: int) -> bool:
        """Whether rules look at this word (by name or pattern): then it keys its own entry."""
        own = self.own_key.get(word)
        if own is None:
            text = self.strings[word]
            own = word in self.rule_words or any(p.search(text) for p in self.word_patterns)
            if len(self.own_key) >= KNOWN:
                self.own_key.clear()
            self.own_key[word] = own
        return own

    def candidates(self, tag: int, word: int, dep: int, space: int) -> list[_Rule]:
        """The rules a token with these values may start (sorted out and remembered by ``match``)."""
        found = (
            self.by_both.get((tag, word), [])
            + self.by_tag.get(tag, [])
            + self.by_lower.get(word, [])
            + self.by_dep.get(dep, [])
            + (self.on_space if space else [])
            + self.anywhere
        )
        return found

    def keys(self, table: list[list[int]]) -> list[tuple[int, int, int, int]]:
        """Each token's key from its (TAG, LOWER, DEP, IS_SPACE) row: the word left out (0)
        where no rule looks at it."""
        if not self.words_shared:
            return [(tag, word, dep, space) for tag, word, dep, space in table]
        own_key, sort_word = self.own_key, self._own_key
        own = {
            w
            for w in {row[1] for row in table}
            if own_key.get(w, False) or (w not in own_key and sort_word(w))
        }
        return [(tag, word if word in own else 0, dep, space) for tag, word, dep, space in table]

    def match(self, doc: Any) -> list[tuple[int, int, int, int]]:
        """(rule index, match id, start, end) of every match, sorted as the ruler sorts them."""
        if not len(doc):
            return []
        table = doc.to_array(COLUMNS).tolist()
        known, sort_out = self.known, self._sort_out
        per_token = [known.get(key) or sort_out(key) for key in self.keys(table)]
        found = [
            (index, match_id, i, i + 1)
            for i, (singles, _) in enumerate(per_token)
            for index, match_id in singles
        ]
        starts = [i for i, (_, longer) in enumerate(per_token) if longer]
        if starts:
            found.extend(self._longer(table, starts, [per_token[i][1] for i in starts]))
        found.sort()
        return found

    def _longer(
        self, table: list[list[int]], starts: list[int], rules: list[list[_Rule]]
    ) -> set[tuple[int, int, int, int]]:
        """The matches of rules over more than one token, from the tokens that may start them."""
        columns = {k: [r[j] for r in table] for j, k in enumerate(("TAG", "LOWER", "DEP", "IS_SPACE"))}
        found = set()
        for i, candidates in zip(starts, rules, strict=True):
            for index, match_id, specs in candidates:
                end = i + len(specs)
                if end <= len(table) and all(
                    _fits(columns, i + k, spec, self.strings) for k, spec in enumerate(specs) if k
                ):
                    found.add((index, match_id, i, end))
        return found

    def _sort_out(self, key: tuple[int, int, int, int]) -> _Known:
        """A token's one-token matches and the longer rules it may start (its own test passed)."""
        columns = {k: [v] for k, v in zip(("TAG", "LOWER", "DEP", "IS_SPACE"), key, strict=True)}
        singles, longer = [], []
        for index, match_id, specs in self.candidates(*key):
            if not _fits(columns, 0, specs[0], self.strings):
                continue
            if len(specs) > 1:
                longer.append((index, match_id, specs))
            else:
                singles.append((index, match_id))
        if len(self.known) >= KNOWN:
            self.known.clear()
        known = (list(dict.fromkeys(singles)), longer)
        self.known[key] = known
        return known


class AttributeWriter:
    """The ruler's ``set_annotations``: POS, MORPH and LEMMA written as arrays, not token by token.

    Matches are applied in the ruler's order (later rules win).  From the first match that
    sets anything else (TAG or DEP: whitespace tokens, the ruler's last rules), the rest go
    through the ruler's own ``set_annotations``, in order, after the arrays are written.
    """

    def __init__(self, ruler: Any) -> None:
        from spacy.attrs import LEMMA, MORPH, POS

        self.ruler = ruler
        self.set_annotations = ruler.set_annotations
        self.names = ["POS", "MORPH", "LEMMA"]
        self.attr_ids = [POS, MORPH, LEMMA]
        columns = {POS: 0, MORPH: MORPH_COLUMN, LEMMA: 2}
        # per rule: the token it sets (an index into the match) and (column, value) pairs,
        # or None when it sets something no column holds
        self.writes: list[tuple[int, tuple[tuple[int, Any], ...]] | None] = [
            (ruler.indices[i], tuple((columns[a], v) for a, v in attrs.items()))
            if set(attrs) <= set(columns)
            else None
            for i, attrs in enumerate(ruler.attrs)
        ]

    def __call__(self, doc: Any, matches: list[tuple[int, int, int, int]]) -> None:
        if not matches:
            return
        writes = self.writes
        plain = next((n for n, match in enumerate(matches) if writes[match[0]] is None), len(matches))
        if plain:
            array = doc.to_array(self.names)
            for attr_id, _, start, end in matches[:plain]:
                index, pairs = writes[attr_id]  # type: ignore[misc]  # plain: not None
                token = (start if index >= 0 else end) + index
                if not start <= token < end:
                    self.set_annotations(doc, matches)  # the ruler's own error message
                    return
                for column, value in pairs:
                    array[token, column] = value
            doc.from_array(self.names, array)
        if plain < len(matches):
            self.set_annotations(doc, matches[plain:])


class AttributeAnnotator:
    """The ruler run over docs, writing each token's remembered outcome where it can.

    A token's outcome is the (column, value) pairs its one-token matches leave, applied in
    rule order (later rules win), or None when it may start a longer rule or matches one
    that sets an attribute the annotator does not write: then its doc goes through the
    ruler (``match`` and the writer).  Compiled, it writes what the ruler's rules set (POS,
    MORPH, LEMMA, TAG, DEP) as spaCy's ``set_token_attrs`` does; otherwise POS, MORPH and
    LEMMA through ``Doc.from_array``.
    """

    def __init__(self, ruler: Any, table: AttributeTable, writer: AttributeWriter) -> None:
        from spacy.attrs import DEP, TAG

        self.ruler, self.table, self.writer = ruler, table, writer
        self.attr_ids = writer.attr_ids + ([TAG, DEP] if _tokens is not None else [])
        self.column_of = {attr: column for column, attr in enumerate(self.attr_ids)}
        self.outcomes: dict[tuple[int, int, int, int], tuple[tuple[int, Any], ...] | None] = {}

    def __call__(self, docs: Any) -> None:
        import numpy as np

        table, outcomes, outcome = self.table, self.outcomes, self._outcome
        names, attr_ids = self.writer.names, self.attr_ids
        for doc in docs:
            if not len(doc):
                continue
            found = [
                outcomes[k] if k in outcomes else outcome(k)
                for k in table.keys(doc.to_array(COLUMNS).tolist())
            ]
            if None in found:
                self.ruler(doc)
                continue
            if not any(found):
                continue
            if _tokens is not None:
                _tokens.write_token_attrs(doc, found, attr_ids)  # None is ruled out above
                continue
            rows = doc.to_array(names).tolist()
            for row, pairs in zip(rows, found, strict=True):
                for column, value in pairs:  # type: ignore[union-attr]  # None is ruled out above
                    row[column] = value
            doc.from_array(names, np.array(rows, dtype=np.uint64))

    def _outcome(self, key: tuple[int, int, int, int]) -> tuple[tuple[int, Any], ...] | None:
        singles, longer = self.table.known.get(key) or self.table._sort_out(key)
        result: tuple[tuple[int, Any], ...] | None = None
        if not longer:
            column_of = self.column_of
            written: dict[int, Any] = {}
            for index, _ in sorted(singles):
                attrs = self.ruler.attrs[index]
                if self.ruler.indices[index] not in (0, -1) or not set(attrs) <= column_of.keys():
                    break
                written.update((column_of[attr], value) for attr, value in attrs.items())
            else:
                result = tuple(sorted(written.items()))
                if MORPH_COLUMN in written:  # as Doc.from_array does, once per key
                    vocab = self.ruler.vocab
                    vocab.morphology.add(vocab.strings[written[MORPH_COLUMN]])
        if len(self.outcomes) >= KNOWN:
            self.outcomes.clear()
        self.outcomes[key] = result
        return result


def speed_up_attribute_ruler(nlp: Any) -> None:
    """Give the pipeline's attribute ruler the table look-up, and its ``ANNOTATOR``
    attribute the ``AttributeAnnotator``; leave it as is when it cannot."""
    if "attribute_ruler" not in nlp.pipe_names:
        return
    ruler = nlp.get_pipe("attribute_ruler")
    try:
        table = AttributeTable(ruler)
    except ValueError:
        return
    writer = AttributeWriter(ruler)
    ruler.match = table.match
    ruler.set_annotations = writer
    setattr(ruler, ANNOTATOR, AttributeAnnotator(ruler, table, writer))
