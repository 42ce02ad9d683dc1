"""Speaker mentions and reported clauses, read off spaCy's dependency parse.

Everything here works on one paragraph's ``Columns`` (tokens by index, see ``columns.py``)
and returns token index ranges ``[start, end)`` into it; ``quotes.py`` turns them into
character spans.
"""

from __future__ import annotations

from typing import NamedTuple

from wirewatch.enrich.columns import Columns, ids
from wirewatch.enrich.cues import cue_class, cue_forms, inflections

__all__ = ["Cue", "find_cues", "speaker_by_order", "speaker_tokens", "trim_mention"]

_SUBJECTS = ("nsubj", "nsubjpass")
# Dependents of a subject's head that are not part of the mention itself.
_CUT = frozenset(("relcl", "appos", "acl", "punct", "advcl", "parataxis", "cc", "conj", "prep", "npadvmod"))
_CLIMB = frozenset(("conj", "advcl", "xcomp", "pcomp", "prep", "acl", "advmod"))
_RELATIVE = frozenset(("who", "which", "that", "whom"))
_EMPTY_SUBJECTS = frozenset(("there", "this", "that", "what"))  # "that is what he said": no speaker
# Verbs whose object is what they said about someone: "praised Christie's leadership".
_EVALUATIVE_FORMS = frozenset(
    form
    for base in (
        "praise",
        "criticize",
        "accuse",
        "describe",
        "call",
        "deny",
        "slam",
        "blast",
        "attack",
        "mock",
        "defend",
        "dismiss",
        "blame",
        "condemn",
        "denounce",
        "endorse",
        "thank",
        "applaud",
        "reject",
        "question",
    )
    for form in inflections(base)
)
_SIDE_CLAUSE = frozenset(
    ("though", "although", "while", "whereas", "according", "citing", "adding", "saying")
)
_OBJECTS = frozenset(("dobj", "oprd", "xcomp", "dative", "attr"))
_ABOUT = frozenset(("of", "about", "as", "for", "on", "over", "against", "that"))
_PUNCT_EDGE = set(" ,;:—–-\n\t")
_MENTION_OPENERS = frozenset(_PUNCT_EDGE | {"\u201c", "\u201d", '"'})  # dropped from a mention's start
_MENTION_CLOSERS = frozenset(_MENTION_OPENERS | {"'s", "’s"})  # and from its end


class Cue(NamedTuple):
    """A cue in a paragraph: its tokens, its class, its speaker and its reported content.

    ``speaker`` and ``content`` are token ranges or None; ``kind`` is "speech", "belief",
    "directive" or "according".
    """

    start: int
    end: int
    kind: str
    speaker: tuple[int, int] | None
    content: tuple[int, int] | None

    @property
    def head(self) -> int:
        return self.start


def trim_mention(cols: Columns, token: int) -> tuple[int, int]:
    """The mention headed by ``token``: its modifiers, without clauses, appositions or lists.

    "Stoltenberg, who spoke in advance…" → "Stoltenberg"; "John Smith, a doctor" → "John
    Smith"; "the head of the agency" keeps its "of" phrase.
    """
    lo = hi = token
    for child in cols.lefts(token):
        if cols.dep_(child) not in _CUT:
            lo = min(lo, cols.left_edge(child))
    for child in cols.rights(token):
        if cols.dep_(child) == "prep" and cols.word(child) == "of" and child == hi + 1:
            hi = max(hi, cols.right_edge(child))
        elif cols.dep_(child) in ("compound", "flat", "nummod") and child == hi + 1:
            hi = cols.right_edge(child)
        elif cols.dep_(child) in _CUT or cols.dep_(child) not in ("compound", "flat"):
            break
    while lo < hi and cols.token_text(lo) in _MENTION_OPENERS:
        lo += 1
    while hi > lo and cols.token_text(hi) in _MENTION_CLOSERS:
        hi -= 1
    return lo, hi + 1


def speaker_tokens(cols: Columns, verb: int) -> tuple[int, int] | None:
    """The subject mention of a cue verb, climbing through "…, adding", "and said", passives.

    Falls back to the noun phrase right after the verb in inverted attributions
    ("…," said Edward Leamer, an economist), which the parser often misreads.
    """
    head = cols.head
    node = verb
    for _ in range(4):
        for child in cols.children(node):
            if cols.dep_(child) in _SUBJECTS:
                if cols.word(child) in _RELATIVE and cols.dep_(node) == "relcl":
                    return trim_mention(cols, head[node])
                if cols.tag_(child) in ("WP", "WDT", "EX") or cols.word(child) in _EMPTY_SUBJECTS:
                    return None
                return trim_mention(cols, child)
        if (
            cols.dep_(node) in ("relcl", "acl")
            and cols.tag_(node) in ("VBD", "VBZ")
            and cols.pos_(head[node]) in ("PROPN", "NOUN")
        ):
            return trim_mention(cols, head[node])
        if cols.dep_(node) not in _CLIMB or head[node] == node:
            break
        node = head[node]
    return speaker_by_order(cols, verb)


def speaker_by_order(cols: Columns, verb: int) -> tuple[int, int] | None:
    """The speaker by word order alone, for when the parse gives none or one inside a quotation."""
    return _inverted_subject(cols, verb) or _preverbal_subject(cols, verb)


_OPENERS = frozenset(("”", '"', "’", "'", "»", ":", ",", "—", "--", "-"))
_TIME_WORDS = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday today yesterday tonight last this
    earlier later recently morning afternoon evening night week month year
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
_NOMINAL = frozenset(("DET", "PROPN", "NOUN", "ADJ", "NUM"))
_PERSONAL = frozenset(("he", "she", "they", "i", "we", "it"))


_BOUNDARY = frozenset(("“", "”", '"', ":", ";", "(", ")", "—", "--"))
_MAX_SUBJECT = 25  # tokens between a closing quotation mark and the verb


def _preverbal_subject(cols: Columns, verb: int) -> tuple[int, int] | None:
    """ "…" Gene Sperling, a top adviser, said: the first noun phrase between the quote and the verb.

    The parser often hangs such a subject on the quotation; the word order does not lie.
    """
    sent_start = cols.sentence(verb)[0]
    lo = verb
    while lo > sent_start and cols.token_text(lo - 1) not in _BOUNDARY and verb - lo < _MAX_SUBJECT:
        lo -= 1
    if lo == verb or verb - lo >= _MAX_SUBJECT:
        return None
    if cols.pos_(lo) == "ADP":  # "In a statement to the Observer, her adviser said"
        comma = next((k for k in range(lo, verb) if cols.token_text(k) == ","), None)
        if comma is None:
            return None
        lo = comma + 1
    j = lo
    while j < verb and cols.pos_(j) in ("DET", "ADJ", "PRON") and cols.word(j) not in _PERSONAL:
        j += 1
    if j < verb and cols.word(j) in _PERSONAL and j == lo:
        return j, j + 1
    end = j
    while end < verb and (cols.pos_(end) in ("PROPN", "NOUN") or cols.tag_(end) == "NNP"):
        end += 1
    if end == j and verb - j <= 4:  # "screenwriter/VERB Cole Haddon wrote": a name ends the run
        name = next((k for k in range(j, verb) if cols.pos_(k) == "PROPN"), verb)
        if j < name <= j + 2 and all(cols.pos_(k) == "PROPN" for k in range(name, verb)):
            return lo, verb
    return (lo, end) if end > j else None


def _inverted_subject(cols: Columns, verb: int) -> tuple[int, int] | None:
    """ "…," said the secretary general / Continued Stone: the noun phrase after the verb."""
    if (
        verb > cols.sentence(verb)[0]
        and cols.token_text(verb - 1) not in _OPENERS
        and cols.word(verb - 1) not in ("also", "then")
    ):
        return None  # "Flynn, an adviser, said Thursday": not inverted
    j = verb + 1
    if j < len(cols) and cols.word(j) in _PERSONAL:
        return j, j + 1
    last = -1
    while j < len(cols) and (cols.pos_(j) in _NOMINAL or _capitalised(cols, j)) and not cols.is_punct[j]:
        if cols.pos_(j) in ("PROPN", "NOUN") or _capitalised(cols, j):
            last = j
        j += 1
    if last <= verb or cols.word(verb + 1) in _TIME_WORDS:
        return None
    return verb + 1, last + 1


def _capitalised(cols: Columns, i: int) -> bool:
    """A capitalised word the tagger took for something else ('said Skelly/ADV')."""
    text = cols.token_text(i)
    return text[:1].isupper() and text[1:].islower() and cols.pos_(i) not in _FUNCTION


_FUNCTION = frozenset(("ADP", "CCONJ", "SCONJ", "DET", "PRON", "AUX", "PART", "PUNCT", "NUM", "SYM"))


def _content_of(cols: Columns, verb: int) -> tuple[int, int] | None:
    """The reported clause of a speech verb: its clausal complement, or the clause it interrupts."""
    head = cols.head
    for child in cols.children(verb):
        if cols.dep_(child) == "ccomp":
            return _cut_tail(cols, _trim(cols, cols.left_edge(child), cols.right_edge(child) + 1), verb)
    objects = [
        c
        for c in cols.rights(verb)
        if cols.dep_(c) in _OBJECTS or (cols.dep_(c) == "prep" and cols.word(c) in _ABOUT)
    ]
    if cols.word(verb) not in _EVALUATIVE_FORMS:
        objects = [c for c in objects if cols.dep_(c) == "prep" and cols.word(c) in ("of", "about")]
    if objects:  # "praised Christie's leadership", "calling him a loser", "said of waterboarding"
        first, last = objects[0], objects[-1]
        lo = first + 1 if cols.dep_(first) == "prep" and len(objects) == 1 else cols.left_edge(first)
        return _trim(cols, lo, cols.right_edge(last) + 1)
    if cols.dep_(verb) == "parataxis" and head[verb] < verb:
        return _trim(cols, cols.left_edge(head[verb]), cols.left_edge(verb))
    if cols.dep_(verb) == "parataxis":  # "X said" hung on the clause after it
        return _cut_tail(cols, _trim(cols, cols.right_edge(verb) + 1, cols.right_edge(head[verb]) + 1), verb)
    return None


def _cut_tail(cols: Columns, span: tuple[int, int] | None, verb: int) -> tuple[int, int] | None:
    """A reported clause without the side clause after it: '…NDAs, though she did not…'."""
    if span is None:
        return span
    lo, hi = span
    for k in range(max(lo + 2, verb + 1), hi - 1):
        if cols.token_text(k) == "," and (
            cols.word(k + 1) in _SIDE_CLAUSE or (cols.tag_(k + 1) == "VBG" and cols.dep_(k + 1) == "advcl")
        ):
            return _trim(cols, lo, k)
    return span


def _directive_content(cols: Columns, verb: int) -> tuple[int, int] | None:
    """ "called on Y to Z", "urged Y to Z": the object and its infinitive."""
    xcomp = next((c for c in cols.children(verb) if cols.dep_(c) in ("xcomp", "ccomp")), None)
    if xcomp is None:
        return None
    obj = next((c for c in cols.children(verb) if cols.dep_(c) in ("dobj", "prep") and c < xcomp), None)
    start = cols.left_edge(obj) if obj is not None else cols.left_edge(xcomp)
    if obj is not None and cols.dep_(obj) == "prep":
        start = obj + 1
    return _trim(cols, start, cols.right_edge(xcomp) + 1)


def _trim(cols: Columns, lo: int, hi: int) -> tuple[int, int] | None:
    while lo < hi and ((cols.is_punct[lo] and cols.token_text(lo) not in "“\"'‘«") or cols.is_space[lo]):
        lo += 1
    while hi > lo and (cols.is_space[hi - 1] or cols.token_text(hi - 1) in ",;:—–-"):
        hi -= 1
    return (lo, hi) if hi > lo else None


def _according(cols: Columns, i: int) -> Cue | None:
    """ "according to X, CLAUSE" or "CLAUSE, according to X"."""
    if i + 1 >= len(cols) or cols.word(i + 1) != "to":
        return None
    to = i + 1
    pobj = next((c for c in cols.children(to) if cols.dep_(c) == "pobj"), None)
    speaker = trim_mention(cols, pobj) if pobj is not None else None
    phrase_lo, phrase_hi = i, (cols.right_edge(to) + 1 if pobj is not None else i + 2)
    sent_start, sent_end = cols.sentence(i)
    head = _trim(cols, sent_start, phrase_lo)
    tail = _trim(cols, phrase_hi, sent_end)
    if tail is not None and all(cols.is_punct[k] or cols.is_space[k] for k in range(*tail)):
        tail = None
    # "The attack, according to X, killed 12": the clause runs round the phrase
    content = (head[0], tail[1]) if head and tail else head or tail
    return Cue(i, i + 2, "according", speaker, content)


def find_cues(cols: Columns) -> list[Cue]:
    """Every cue in a paragraph with its speaker mention and reported content (token ranges)."""
    cues: list[Cue] = []
    for i in cols.positions(ids(_CUE_WORDS)):
        lower = cols.word(i)
        if lower == "according":
            cue = _according(cols, i)
            if cue is not None:
                cues.append(cue)
            continue
        if lower == "put":  # "as Tom Ridge put it, …": a speech cue for the quotation beside it
            if i + 1 < len(cols) and cols.word(i + 1) == "it" and cols.pos_(i) == "VERB":
                cues.append(Cue(i, i + 2, "speech", speaker_tokens(cols, i), None))
            continue
        if cols.pos_(i) not in ("VERB", "AUX") and cols.tag_(i)[:2] != "VB":
            continue
        kind = cue_class(lower)
        if kind is None:
            continue
        speaker = speaker_tokens(cols, i)
        if kind == "directive" or (lower.startswith("call") and _has_on(cols, i)):
            content = _directive_content(cols, i)
            end = i + 1
            if lower.startswith("call") and _has_on(cols, i):
                end = i + 2
            if content is not None:
                cues.append(Cue(i, end, "directive", speaker, content))
                continue
            if kind == "directive":
                cues.append(Cue(i, end, "directive", speaker, None))
                continue
        pieces = _parenthetical(cols, i, speaker) if kind == "speech" else None
        if pieces is not None:  # "The solution, the partner told them, was simple": two fragments
            cues.extend(Cue(i, i + 1, kind, speaker, piece) for piece in pieces)
            continue
        cues.append(Cue(i, i + 1, kind, speaker, _content_of(cols, i)))
    return cues


_CUE_WORDS = frozenset((*cue_forms(), "according", "put"))


def _parenthetical(cols: Columns, verb: int, speaker: tuple[int, int] | None) -> list[tuple[int, int]] | None:
    """The clause around an attribution set off by commas: "X, SPEAKER said, Y" → X and Y."""
    if speaker is None or any(cols.dep_(c) == "ccomp" and c > verb for c in cols.children(verb)):
        return None
    sent_start, sent_end = cols.sentence(verb)
    lo, hi = min(speaker[0], verb), max(speaker[1], verb + 1)
    while hi < sent_end and cols.token_text(hi) != "," and hi - verb <= 3 and not cols.is_punct[hi]:
        hi += 1  # "the partner told them,"
    if (
        lo - 1 <= sent_start
        or hi >= sent_end - 1
        or cols.token_text(lo - 1) != ","
        or cols.token_text(hi) != ","
    ):
        return None
    before, after = _trim(cols, sent_start, lo - 1), _trim(cols, hi + 1, sent_end)
    if before is None or after is None or all(cols.is_punct[k] for k in range(*after)):
        return None
    return [before, after]


def _has_on(cols: Columns, token: int) -> bool:
    return token + 1 < len(cols) and cols.word(token + 1) in ("on", "for")
