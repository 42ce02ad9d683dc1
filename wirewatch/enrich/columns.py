"""Each paragraph's token annotations as Python lists, read off spaCy once per article.

The rules read a few annotations of most tokens.  Through spaCy's objects every read
makes a ``Token`` afresh (``doc[i]``, ``for t in doc``, ``.head``, ``.children``) and looks
its string up, and that cost more than the rules themselves.  ``Doc.to_array`` hands the
same annotations over as integers, all of them in one call per paragraph; numpy then
turns each annotation into one list for the whole article (a call costs more than its
cells on a paragraph's few dozen tokens), cut into the paragraphs' lists.  Words, tags
and labels are spaCy's string ids: a scan compares them with the ``ids`` of the strings
it looks for, a single read gets the string (``word``, ``pos_``, ``tag_``, ``dep_``).  A
few annotations stay with spaCy's tokens, read one at a time: ``like_num`` (seldom read)
and the edges of a subtree (``left_edge``, ``right_edge``: spaCy computes them its own
way for non-projective parses).
"""

from __future__ import annotations

import bisect
import itertools
import re
from functools import cache, cached_property
from typing import Any

from wirewatch.enrich.nlp import ParsedText

__all__ = ["Columns", "Quoted", "hashes", "ids", "read_columns"]

# The annotations copied out, as to_array's attribute names: five string ids and five
# numbers kept as lists (HEAD is an offset there), then what entities and sentences are
# read from.
_ATTRS = ("LOWER", "ORTH", "POS", "TAG", "DEP", "HEAD", "IDX", "LENGTH", "IS_PUNCT", "IS_SPACE")
_READ_FROM = ("ENT_TYPE", "ENT_IOB", "SENT_START")
_COLUMNS = tuple(name.lower() for name in _ATTRS)
_HEAD = _ATTRS.index("HEAD")
# spaCy's English noun_chunks: the parts of speech and labels of a base noun phrase's head
_NP_HEADS = frozenset(("NOUN", "PROPN", "PRON"))
_NP_LABELS = frozenset(
    ("oprd", "nsubj", "dobj", "nsubjpass", "pcomp", "pobj", "dative", "appos", "attr", "ROOT")
)
_CONJ = frozenset(("conj",))
_LABELS: dict[int, str] = {}  # the model's parts of speech, tags and labels by id: some hundred


@cache
def ids(strings: frozenset[str]) -> frozenset[int]:
    """The ids spaCy stores ``strings`` under in a doc's columns (a symbol's number, else a hash)."""
    from spacy.strings import get_string_id

    return frozenset(get_string_id(s) for s in strings)


def hashes(words: frozenset[str]) -> frozenset[int]:
    """``words`` as ``nlp.token_positions`` looks them up: by hash, so that unlike with ``ids``
    a word spelt like one of spaCy's symbols ("LAW", stored under its number) is not found."""
    from spacy.strings import hash_string  # type: ignore[attr-defined]  # Cython, no stub

    return frozenset(hash_string(word) for word in words)


@cache
def _attr_ids() -> list[int]:
    from spacy.attrs import IDS

    return [IDS[name] for name in (*_ATTRS, *_READ_FROM)]


def read_columns(parsed: ParsedText) -> list[Columns]:
    """The ``Columns`` of each paragraph of ``parsed``, in order."""
    import numpy as np

    if not parsed.paragraphs:
        return []
    tables = [para.doc.to_array(_attr_ids()) for para in parsed.paragraphs]
    sizes = [len(table) for table in tables]
    bounds = list(itertools.accumulate(sizes, initial=0))
    table = np.concatenate(tables)
    numbers = table[:, _HEAD:].astype(np.int64)  # to_array's are unsigned
    numbers[:, 0] += np.arange(len(table)) - np.repeat(bounds[:-1], sizes)  # HEAD: offset -> index
    ids_, numbers_ = table[:, :_HEAD].T.tolist(), numbers[:, : len(_ATTRS) - _HEAD].T.tolist()
    lists = dict(zip(_COLUMNS, [*ids_, *numbers_], strict=True))
    types, iob, sent_start = table[:, -3], numbers[:, -2], numbers[:, -1]
    starts = np.flatnonzero(sent_start == 1).tolist()
    ents = _entities(iob, types, bounds)
    columns = []
    for para, a, b in zip(parsed.paragraphs, bounds, bounds[1:], strict=False):
        later = starts[bisect.bisect_right(starts, a) : bisect.bisect_left(starts, b)]
        own = ents[bisect.bisect_left(ents, (a,)) : bisect.bisect_left(ents, (b,))]
        columns.append(
            Columns(
                para.doc,
                parsed.text[para.start : para.end],
                {name: values[a:b] for name, values in lists.items()},
                [0, *(start - a for start in later)] if b > a else [],
                [(start - a, end - a, label) for start, end, label in own],
            )
        )
    return columns


def _entities(iob: Any, types: Any, bounds: list[int]) -> list[tuple[int, int, int]]:
    """(start, end, label id) of the entities, as ``doc.ents`` reads the IOB tags of each doc.

    An entity begins on a B tag (3) with a label and goes on over the I tags (1) after it,
    within its paragraph; an I tag anywhere else is an error, as for spaCy.
    """
    import numpy as np

    begins = np.flatnonzero((iob == 3) & (types != 0))
    stops = np.append(np.flatnonzero(iob != 1), len(iob))  # the first token past each entity
    ends = np.minimum(
        stops[np.searchsorted(stops, begins, side="right")],
        np.asarray(bounds)[np.searchsorted(bounds, begins, side="right")],
    )
    if int((ends - begins - 1).sum()) != int((iob == 1).sum()):
        raise ValueError("an entity goes on that never began")
    return list(zip(begins.tolist(), ends.tolist(), types[begins].tolist(), strict=True))


OPENING, CLOSING = "“«", "”»"
_QUOTE_MARK = re.compile('[“«”»"]')


class Quoted:
    """Which characters of a text are inside quotation marks: ``offset in Quoted(text)``.

    Reset at each paragraph (the caller's text).  A mark opens (“, «, or " when none is
    open) or closes (”, », or " when one is open); the marks themselves count as inside,
    and so does a stray closing mark.  Kept as the quoted stretches, not a flag per
    character: a paragraph has a few.
    """

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        opened = -1  # where the open quotation began
        for match in _QUOTE_MARK.finditer(text):
            i = match.start()
            char = text[i]
            if char in OPENING or (char == '"' and opened < 0):
                opened = i if opened < 0 else opened
                continue
            self.starts.append(i if opened < 0 else opened)
            self.ends.append(i + 1)
            opened = -1
        if opened >= 0:
            self.starts.append(opened)
            self.ends.append(len(text))

    def __contains__(self, offset: int) -> bool:
        k = bisect.bisect_right(self.starts, offset) - 1
        return k >= 0 and offset < self.ends[k]


class Columns:
    """A paragraph's words, tags, labels, heads, offsets, sentences and entities.

    ``text`` is the paragraph's text, the doc's own (``doc.text`` would rebuild it token
    by token); ``idx`` and ``length`` place each token in it.  ``lower``, ``orth``, ``pos``,
    ``tag`` and ``dep`` hold string ids, ``head`` token indices (``token.head.i``),
    ``is_punct`` and ``is_space`` spaCy's flags (0 or 1), ``sent_starts`` the first token of
    each sentence (``doc.sents``).
    """

    lower: list[int]
    orth: list[int]
    pos: list[int]
    tag: list[int]
    dep: list[int]
    head: list[int]
    idx: list[int]
    length: list[int]
    is_punct: list[int]
    is_space: list[int]

    def __init__(
        self,
        doc: Any,
        text: str,
        lists: dict[str, list[int]],
        sent_starts: list[int],
        ents: list[tuple[int, int, int]],
    ) -> None:
        self.doc, self.text, self.sent_starts, self._ents = doc, text, sent_starts, ents
        for name, values in lists.items():
            setattr(self, name, values)
        self._children: list[list[int]] | None = None

    @cached_property
    def quoted(self) -> Quoted:
        """Which of the paragraph's characters are inside quotation marks (read once: the
        mentions and the resolver both ask)."""
        return Quoted(self.text)

    def __len__(self) -> int:
        return len(self.lower)

    def _label(self, value: int) -> str:
        label = _LABELS.get(value)
        if label is None:
            label = _LABELS[value] = str(self.doc.vocab.strings[value])
        return label

    def word(self, i: int) -> str:
        """``token.lower_``."""
        return str(self.doc.vocab.strings[self.lower[i]])

    def pos_(self, i: int) -> str:
        return self._label(self.pos[i])

    def tag_(self, i: int) -> str:
        return self._label(self.tag[i])

    def dep_(self, i: int) -> str:
        return self._label(self.dep[i])

    def token_text(self, i: int) -> str:
        """``token.text``."""
        return self.text[self.idx[i] : self.idx[i] + self.length[i]]

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text``."""
        return self.text[self.idx[start] : self.idx[end - 1] + self.length[end - 1]]

    def positions(self, words: frozenset[int], column: str = "lower") -> list[int]:
        """The tokens whose ``lower`` (or other ``column``) is one of ``words``, in order."""
        return [i for i, word in enumerate(getattr(self, column)) if word in words]

    def children(self, i: int) -> list[int]:
        """``token.children``: the tokens headed by token ``i``, in order."""
        if self._children is None:
            self._children = [[] for _ in self.head]
            for child, head in enumerate(self.head):
                if head != child:
                    self._children[head].append(child)
        return self._children[i]

    def lefts(self, i: int) -> list[int]:
        return [child for child in self.children(i) if child < i]

    def rights(self, i: int) -> list[int]:
        return [child for child in self.children(i) if child > i]

    def subtree(self, i: int) -> list[int]:
        """``token.subtree``: the token and its descendants, in spaCy's order."""
        tokens = [t for child in self.lefts(i) for t in self.subtree(child)]
        tokens.append(i)
        tokens.extend(t for child in self.rights(i) for t in self.subtree(child))
        return tokens

    def left_edge(self, i: int) -> int:
        return int(self.doc[i].left_edge.i)

    def right_edge(self, i: int) -> int:
        return int(self.doc[i].right_edge.i)

    def sentence(self, i: int) -> tuple[int, int]:
        """``token.sent`` as [start, end) token indices."""
        starts = self.sent_starts
        k = bisect.bisect_right(starts, i)
        return starts[k - 1], starts[k] if k < len(starts) else len(self)

    def span_root(self, start: int, end: int) -> int:
        """``doc[start:end].root.i``: a sentence root inside, else the token fewest steps from
        its root among those headed from outside (a lone punctuation or space token last)."""
        head = self.head
        for i in range(start, end):
            if head[i] == i:
                return i
        best, root = len(self), start
        for i in range(start, end):
            if not start <= head[i] < end and (steps := self._steps_to_root(i)) < best:
                best, root = steps, i
        return root

    def _steps_to_root(self, i: int) -> int:
        if (self.is_space[i] or self.is_punct[i]) and not self.children(i):
            return len(self) - 1
        steps = 0
        while self.head[i] != i:
            i = self.head[i]
            steps += 1
        return steps

    def ents(self) -> list[tuple[int, int, str]]:
        """``doc.ents`` as (start, end, label)."""
        return [(start, end, self._label(label)) for start, end, label in self._ents]

    def like_num(self, i: int) -> bool:
        return bool(self.doc[i].like_num)

    def sentence_index(self, i: int) -> int:
        """Which of the paragraph's sentences token ``i`` is in."""
        return bisect.bisect_right(self.sent_starts, i) - 1

    def sentence_end(self, i: int) -> bool:
        """``token.is_sent_end``."""
        return i + 1 == len(self) or self.sentence_index(i + 1) != self.sentence_index(i)

    def noun_chunks(self) -> list[tuple[int, int]]:
        """spaCy's English ``doc.noun_chunks`` as token ranges, from the columns.

        The same rule as ``spacy/lang/en/syntax_iterators.py``: a noun or pronoun heading a
        noun phrase (or conjoined to one) from its left edge, no chunk inside the last one.
        """
        nominal, np_labels, conj = ids(_NP_HEADS), ids(_NP_LABELS), ids(_CONJ)
        pos, dep, head = self.pos, self.dep, self.head
        chunks: list[tuple[int, int]] = []
        last = -1
        for i, label in enumerate(dep):
            if pos[i] not in nominal or (label not in np_labels and label not in conj):
                continue
            if label in conj:
                up = head[i]
                while dep[up] in conj and head[up] < up:
                    up = head[up]
                if dep[up] not in np_labels:
                    continue
            left = self.left_edge(i)
            if left > last:
                last = i
                chunks.append((left, i + 1))
        return chunks
