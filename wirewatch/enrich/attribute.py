"""Speaker mentions and reported clauses, read off spaCy's dependency parse.

Everything here works on one paragraph's ``Doc`` and returns token index ranges
``[start, end)`` into it; ``quotes.py`` turns them into character spans.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wirewatch.enrich.cues import cue_class, cue_forms, inflections
from wirewatch.enrich.nlp import token_positions

__all__ = ["Cue", "find_cues", "speaker_by_order", "speaker_tokens", "trim_mention"]

Token = Any  # spacy.tokens.Token
Doc = Any  # spacy.tokens.Doc

_SUBJECTS = ("nsubj", "nsubjpass")
# Dependents of a subject's head that are not part of the mention itself.
_CUT = frozenset(("relcl", "appos", "acl", "punct", "advcl", "parataxis", "cc", "conj", "prep", "npadvmod"))
_CLIMB = frozenset(("conj", "advcl", "xcomp", "pcomp", "prep", "acl", "advmod"))
_RELATIVE = frozenset(("who", "which", "that", "whom"))
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


@dataclass(frozen=True, slots=True)
class Cue:
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


def trim_mention(token: Token) -> tuple[int, int]:
    """The mention headed by ``token``: its modifiers, without clauses, appositions or lists.

    "Stoltenberg, who spoke in advance…" → "Stoltenberg"; "John Smith, a doctor" → "John
    Smith"; "the head of the agency" keeps its "of" phrase.
    """
    lo = hi = token.i
    for child in token.lefts:
        if child.dep_ not in _CUT:
            lo = min(lo, child.left_edge.i)
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ == "of" and child.i == hi + 1:
            hi = max(hi, child.right_edge.i)
        elif child.dep_ in ("compound", "flat", "nummod") and child.i == hi + 1:
            hi = child.right_edge.i
        elif child.dep_ in _CUT or child.dep_ not in ("compound", "flat"):
            break
    doc = token.doc
    while lo < hi and doc[lo].text in _PUNCT_EDGE | {"\u201c", "\u201d", '"'}:
        lo += 1
    while hi > lo and doc[hi].text in _PUNCT_EDGE | {"\u201c", "\u201d", '"', "'s", "’s"}:
        hi -= 1
    return lo, hi + 1


def speaker_tokens(verb: Token) -> tuple[int, int] | None:
    """The subject mention of a cue verb, climbing through "…, adding", "and said", passives.

    Falls back to the noun phrase right after the verb in inverted attributions
    ("…," said Edward Leamer, an economist), which the parser often misreads.
    """
    node = verb
    for _ in range(4):
        for child in node.children:
            if child.dep_ in _SUBJECTS:
                if child.lower_ in _RELATIVE and node.dep_ == "relcl":
                    return trim_mention(node.head)
                if child.tag_ in ("WP", "WDT", "EX") or child.lower_ in ("there", "this", "that", "what"):
                    return None
                return trim_mention(child)
        if (
            node.dep_ in ("relcl", "acl")
            and node.tag_ in ("VBD", "VBZ")
            and node.head.pos_ in ("PROPN", "NOUN")
        ):
            return trim_mention(node.head)
        if node.dep_ not in _CLIMB or node.head is node:
            break
        node = node.head
    return speaker_by_order(verb)


def speaker_by_order(verb: Token) -> tuple[int, int] | None:
    """The speaker by word order alone, for when the parse gives none or one inside a quotation."""
    return _inverted_subject(verb) or _preverbal_subject(verb)


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


def _preverbal_subject(verb: Token) -> tuple[int, int] | None:
    """ "…" Gene Sperling, a top adviser, said: the first noun phrase between the quote and the verb.

    The parser often hangs such a subject on the quotation; the word order does not lie.
    """
    doc = verb.doc
    lo = verb.i
    while lo > verb.sent.start and doc[lo - 1].text not in _BOUNDARY and verb.i - lo < _MAX_SUBJECT:
        lo -= 1
    if lo == verb.i or verb.i - lo >= _MAX_SUBJECT:
        return None
    if doc[lo].pos_ == "ADP":  # "In a statement to the Observer, her adviser said"
        comma = next((t.i for t in doc[lo : verb.i] if t.text == ","), None)
        if comma is None:
            return None
        lo = comma + 1
    j = lo
    while j < verb.i and doc[j].pos_ in ("DET", "ADJ", "PRON") and doc[j].lower_ not in _PERSONAL:
        j += 1
    if j < verb.i and doc[j].lower_ in _PERSONAL and j == lo:
        return j, j + 1
    end = j
    while end < verb.i and (doc[end].pos_ in ("PROPN", "NOUN") or doc[end].tag_ == "NNP"):
        end += 1
    return (lo, end) if end > j else None


def _inverted_subject(verb: Token) -> tuple[int, int] | None:
    """ "…," said the secretary general / Continued Stone: the noun phrase after the verb."""
    doc = verb.doc
    before = doc[verb.i - 1] if verb.i > verb.sent.start else None
    if before is not None and before.text not in _OPENERS and before.lower_ not in ("also", "then"):
        return None  # "Flynn, an adviser, said Thursday": not inverted
    j = verb.i + 1
    if j < len(doc) and doc[j].lower_ in _PERSONAL:
        return j, j + 1
    last = -1
    while j < len(doc) and doc[j].pos_ in _NOMINAL and not doc[j].is_punct:
        if doc[j].pos_ in ("PROPN", "NOUN"):
            last = j
        j += 1
    if last <= verb.i or doc[verb.i + 1].lower_ in _TIME_WORDS:
        return None
    return verb.i + 1, last + 1


def _content_of(verb: Token) -> tuple[int, int] | None:
    """The reported clause of a speech verb: its clausal complement, or the clause it interrupts."""
    for child in verb.children:
        if child.dep_ == "ccomp":
            return _cut_tail(verb.doc, _edges(child, child), verb.i)
    objects = [c for c in verb.rights if c.dep_ in _OBJECTS or (c.dep_ == "prep" and c.lower_ in _ABOUT)]
    if verb.lower_ not in _EVALUATIVE_FORMS:
        objects = [c for c in objects if c.dep_ == "prep" and c.lower_ in ("of", "about")]
    if objects:  # "praised Christie's leadership", "calling him a loser", "said of waterboarding"
        first, last = objects[0], objects[-1]
        lo = first.i + 1 if first.dep_ == "prep" and len(objects) == 1 else first.left_edge.i
        return _trim(verb.doc, lo, last.right_edge.i + 1)
    if verb.dep_ == "parataxis" and verb.head.i < verb.i:
        return _trim(verb.doc, verb.head.left_edge.i, verb.left_edge.i)
    if verb.dep_ == "parataxis":  # "X said" hung on the clause after it
        return _cut_tail(verb.doc, _trim(verb.doc, verb.right_edge.i + 1, verb.head.right_edge.i + 1), verb.i)
    return None


def _cut_tail(doc: Doc, span: tuple[int, int] | None, verb: int) -> tuple[int, int] | None:
    """A reported clause without the side clause after it: '…NDAs, though she did not…'."""
    if span is None:
        return span
    lo, hi = span
    for k in range(max(lo + 2, verb + 1), hi - 1):
        nxt = doc[k + 1]
        if doc[k].text == "," and (nxt.lower_ in _SIDE_CLAUSE or (nxt.tag_ == "VBG" and nxt.dep_ == "advcl")):
            return _trim(doc, lo, k)
    return span


def _directive_content(verb: Token) -> tuple[int, int] | None:
    """ "called on Y to Z", "urged Y to Z": the object and its infinitive."""
    xcomp = next((c for c in verb.children if c.dep_ in ("xcomp", "ccomp")), None)
    if xcomp is None:
        return None
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "prep") and c.i < xcomp.i), None)
    start = obj.left_edge.i if obj is not None else xcomp.left_edge.i
    if obj is not None and obj.dep_ == "prep":
        start = obj.i + 1
    return _trim(verb.doc, start, xcomp.right_edge.i + 1)


def _edges(first: Token, last: Token) -> tuple[int, int] | None:
    return _trim(first.doc, first.left_edge.i, last.right_edge.i + 1)


def _trim(doc: Doc, lo: int, hi: int) -> tuple[int, int] | None:
    while lo < hi and ((doc[lo].is_punct and doc[lo].text not in "“\"'‘«") or doc[lo].is_space):
        lo += 1
    while hi > lo and (doc[hi - 1].is_space or doc[hi - 1].text in ",;:—–-"):
        hi -= 1
    return (lo, hi) if hi > lo else None


def _according(doc: Doc, i: int) -> Cue | None:
    """ "according to X, CLAUSE" or "CLAUSE, according to X"."""
    token = doc[i]
    if i + 1 >= len(doc) or doc[i + 1].lower_ != "to":
        return None
    to = doc[i + 1]
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    speaker = trim_mention(pobj) if pobj is not None else None
    phrase_lo, phrase_hi = i, (to.right_edge.i + 1 if pobj is not None else i + 2)
    sent = token.sent
    head = _trim(doc, sent.start, phrase_lo)
    tail = _trim(doc, phrase_hi, sent.end)
    if tail is not None and all(t.is_punct or t.is_space for t in doc[tail[0] : tail[1]]):
        tail = None
    # "The attack, according to X, killed 12": the clause runs round the phrase
    content = (head[0], tail[1]) if head and tail else head or tail
    return Cue(i, i + 2, "according", speaker, content)


def find_cues(doc: Doc) -> list[Cue]:
    """Every cue in a paragraph with its speaker mention and reported content (token ranges)."""
    cues: list[Cue] = []
    for i in token_positions(doc, _CUE_WORDS):
        token = doc[i]
        lower = token.lower_
        if lower == "according":
            cue = _according(doc, token.i)
            if cue is not None:
                cues.append(cue)
            continue
        if token.pos_ not in ("VERB", "AUX") and token.tag_[:2] != "VB":
            continue
        kind = cue_class(lower)
        if kind is None:
            continue
        speaker = speaker_tokens(token)
        if kind == "directive" or (lower.startswith("call") and _has_on(token)):
            content = _directive_content(token)
            end = token.i + 1
            if lower.startswith("call") and _has_on(token):
                end = token.i + 2
            if content is not None:
                cues.append(Cue(token.i, end, "directive", speaker, content))
                continue
            if kind == "directive":
                cues.append(Cue(token.i, end, "directive", speaker, None))
                continue
        pieces = _parenthetical(token, speaker) if kind == "speech" else None
        if pieces is not None:  # "The solution, the partner told them, was simple": two fragments
            cues.extend(Cue(token.i, token.i + 1, kind, speaker, piece) for piece in pieces)
            continue
        cues.append(Cue(token.i, token.i + 1, kind, speaker, _content_of(token)))
    return cues


_CUE_WORDS = frozenset((*cue_forms(), "according"))


def _parenthetical(verb: Token, speaker: tuple[int, int] | None) -> list[tuple[int, int]] | None:
    """The clause around an attribution set off by commas: "X, SPEAKER said, Y" → X and Y."""
    if speaker is None or any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children):
        return None
    doc, sent = verb.doc, verb.sent
    lo, hi = min(speaker[0], verb.i), max(speaker[1], verb.i + 1)
    while hi < sent.end and doc[hi].text != "," and hi - verb.i <= 3 and not doc[hi].is_punct:
        hi += 1  # "the partner told them,"
    if lo - 1 <= sent.start or hi >= sent.end - 1 or doc[lo - 1].text != "," or doc[hi].text != ",":
        return None
    before, after = _trim(doc, sent.start, lo - 1), _trim(doc, hi + 1, sent.end)
    if before is None or after is None or all(t.is_punct for t in doc[after[0] : after[1]]):
        return None
    return [before, after]


def _has_on(token: Token) -> bool:
    nxt = token.i + 1
    return nxt < len(token.doc) and token.doc[nxt].lower_ in ("on", "for")
