"""Every quotation in an article, with its kind, cue and speaker mention.

``find_quotes(text)`` puts three readings together, paragraph by paragraph:

* quotation marks (``marks.py``): the direct quotations;
* cues read off the dependency parse (``attribute.py``): "X said CLAUSE", "according to
  X", "X called on Y to …" give the speaker mention and the reported clause; a reported
  clause holding quotation marks is a mixed quotation and swallows them;
* a direct quotation takes the speaker of the nearest cue in its own sentence (on its own
  line), else of a colon lead ('Mr. Christie gloated: "…"', 'Rep. Gowdy (R-S.C.): "…"'), of
  the fragment before it in the paragraph ("A," he said. "B."), of a paragraph ending in
  "…went on to say:", of an attribution in the sentence next to it, of the quotation it
  continues (multi-paragraph quotes, and a paragraph that is only a quotation after an
  attributed one), or of a sign-off line below it ("- Bernie Sanders.").
* a quoted stretch of fewer than ``SHORT_WORDS`` words that does not stand as an utterance
  ('"No," he said') is a quoted term or title, not a quotation.

Nothing is guessed: a quotation with no cue near it has no speaker.  The resolver
(``resolve.py``) then fills ``speaker.canonical``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import cached_property

from wirewatch.enrich.attribute import Cue, find_cues, speaker_by_order, speaker_tokens
from wirewatch.enrich.columns import Columns, read_columns
from wirewatch.enrich.cues import REPORT_NOUNS, cue_class
from wirewatch.enrich.entities import NameMention
from wirewatch.enrich.marks import MarkSpan, find_marks
from wirewatch.enrich.nlp import Paragraph, ParsedText, parse_text
from wirewatch.model import Quote, QuoteKind, Speaker

__all__ = ["find_quotes", "quote_kind"]

Span = tuple[int, int]
_QUOTE_CHARS = frozenset('"“”„«»')
_HEADLINE = re.compile(r"([A-Z][\w.'’-]*(?:[ \u00a0][A-Z][\w.'’-]*){0,3}):[ \u00a0]+(\S.*)")
_SIGN_OFF = re.compile(r"[-—–]+[ \u00a0]*([A-Z][\w.'’-]*(?:[ \u00a0][A-Z][\w.'’-]*){0,4})(?:[,.].*)?")
_LAST_WORD = re.compile(r"(\w+)\s*,\s*$")  # 'he said, "No."'
MAX_NAME_WORDS = 8  # "Rep. Trey Gowdy (R-S.C.):" before a quotation names its speaker
_WORD = re.compile(r"\w+")
SHORT_WORDS = 6  # a quoted stretch shorter than this must look like an utterance to count
MAX_HEADLINE = 200
_STATEMENT = REPORT_NOUNS | {"following", "follows"}  # a colon after these hands on the speaker
# A paragraph that is only a quotation, after one whose quotation had a speaker, goes on
# with that speaker (the news convention for a speaker's next paragraph).
SOLO_INHERITS = True
_PAST = 1 << 62  # sorts after any character offset


@dataclass(slots=True)
class _Found:
    span: Span
    cue: Cue | None = None
    speaker: Span | None = None
    cue_span: Span | None = None
    cue_text: str | None = None
    confidence: float = 0.5
    mark: MarkSpan | None = None


def quote_kind(fragment: str) -> QuoteKind:
    """Direct when enclosed in double quotation marks, mixed when holding some, else indirect."""
    core = fragment.strip().rstrip(".,;:!?… ").strip()
    if not any(c in _QUOTE_CHARS for c in core):
        return QuoteKind.INDIRECT
    if fragment.strip()[:1] in '"“„«' and core[-1:] in '"”»':
        return QuoteKind.DIRECT
    return QuoteKind.MIXED


def _start(mark: MarkSpan) -> int:
    return mark.start


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


class _Paragraph:
    """One paragraph's doc and columns, its cues and marks, in article character offsets."""

    def __init__(self, text: str, para: Paragraph, marks: list[MarkSpan], cols: Columns) -> None:
        self.text, self.start, self.doc, self.marks = text, para.start, para.doc, marks
        self.end = para.start + len(cols.text)  # para.end, without asking spaCy again
        self.cols = cols
        self.cues = find_cues(cols)
        self.lead_in: _Found | None = None

    @cached_property
    def sents(self) -> list[Span]:
        """The sentences' character spans: read only where there is a cue or a quotation mark."""
        starts = self.cols.sent_starts
        return [self.chars(bounds) for bounds in zip(starts, [*starts[1:], len(self.cols)], strict=True)]

    def closing_cue(self) -> _Found | None:
        """The attribution a paragraph ending in a colon hands to the next one ("She went on:")."""
        if not self.text[self.start : self.end].rstrip().endswith(":"):
            return None
        cues = [c for c in self.cues if c.kind in ("speech", "directive") and self.speaker(c) is not None]
        if cues:
            return self.found((0, 0), cues[-1], 0.75)
        # "Trump issued the following statement:": who did it speaks in the next paragraph
        last = self.cols.sentence(len(self.cols) - 1)[0]
        if not any(self.cols.word(i) in _STATEMENT for i in range(last, len(self.cols))):
            return None
        colon = _colon_speaker(self, (self.end, self.end), verb_only=True)
        if colon is None:
            return None
        return _Found((0, 0), None, colon[0], colon[1], self.text[slice(*colon[1])], 0.7)

    def chars(self, tokens: tuple[int, int]) -> Span:
        idx, length, last = self.cols.idx, self.cols.length, tokens[1] - 1
        return self.start + idx[tokens[0]], self.start + idx[last] + length[last]

    def in_mark(self, span: Span) -> MarkSpan | None:
        if not self.marks:  # most paragraphs
            return None
        return next((m for m in self.marks if _overlap(span, (m.start, m.end)) > 0), None)

    def sentence_of(self, pos: int) -> int:
        """The sentence holding character ``pos``; the last one for a character between sentences."""
        k = bisect.bisect_right(self.sents, (pos, _PAST)) - 1  # the sentences are in order
        return k if k >= 0 and pos < self.sents[k][1] else len(self.sents) - 1

    def speaker(self, cue: Cue) -> Span | None:
        if cue.speaker is None:
            return None
        span = self.chars(cue.speaker)
        if self.in_mark(span):  # "said on Fox's “Fox and Friends”": the parse took a quoted name
            by_order = speaker_by_order(self.cols, cue.start)
            span = self.chars(by_order) if by_order else span
        return None if self.in_mark(span) else span

    def found(self, span: Span, cue: Cue, confidence: float) -> _Found:
        cue_span = self.chars((cue.start, cue.end))
        return _Found(span, cue, self.speaker(cue), cue_span, self.text[slice(*cue_span)], confidence)


def _read_paragraph(par: _Paragraph, previous: _Found | None) -> list[_Found]:
    """Direct, mixed and indirect quotations of one paragraph, with their attributions."""
    direct: dict[int, _Found] = {m.start: _Found((m.start, m.end), mark=m) for m in par.marks}
    reported: list[_Found] = []
    speech_cues: list[Cue] = []
    for cue in par.cues:
        cue_span = par.chars((cue.start, cue.end))
        if par.in_mark(cue_span):
            continue  # a speech verb inside a quotation is the quoted speaker's
        if cue.kind in ("speech", "directive"):
            speech_cues.append(cue)
        if cue.content is None:
            continue
        span = par.chars(cue.content)
        inside = [m for m in par.marks if _overlap(span, (m.start, m.end)) > 0]
        host = next(
            (m for m in inside if _overlap(span, (m.start, m.end)) >= 0.8 * (span[1] - span[0])), None
        )
        if host is not None:
            if (
                cue.kind in ("speech", "directive", "according")  # 'According to X, "…"'
                and host.start in direct
                and direct[host.start].cue is None
            ):
                direct[host.start] = replace(par.found(direct[host.start].span, cue, 0.9), mark=host)
            continue
        sent_end = par.sents[par.sentence_of(cue_span[0])][1]
        later = [m for m in par.marks if span[1] <= m.start < sent_end and _runs_on(par, span[1], m.start)]
        swallowed = inside + [m for m in later[:1] if m not in inside]
        if swallowed:
            span = (span[0], max(span[1], *(m.end for m in swallowed)))
            for m in swallowed:
                direct.pop(m.start, None)
        if len(_WORD.findall(par.text[slice(*span)])) < 2:
            continue
        confidence = 0.75 if cue.kind in ("speech", "according", "directive") else 0.5
        reported.append(par.found(span, cue, confidence))
    out: list[_Found] = []
    for start in sorted(direct):
        item = direct[start]
        if item.cue is None:
            _attribute_direct(par, item, speech_cues, out[-1] if out else previous)
        if len(_WORD.findall(par.text[slice(*item.span)])) < SHORT_WORDS and not _utterance(par, item.span):
            continue  # a quoted term or title, not a quotation
        out.append(item)
    return sorted(out + reported, key=lambda f: f.span)


def _runs_on(par: _Paragraph, end: int, mark_start: int) -> bool:
    """Whether a quotation after a reported clause continues it ('said the plan is "a disaster"').

    Not when a cue or a colon introduces the quotation on its own ('…, O'Malley said: "No."').
    """
    if par.text[end:mark_start].rstrip().endswith(":"):
        return False
    return not any(end <= par.chars((c.start, c.end))[0] < mark_start for c in par.cues)


def _utterance(par: _Paragraph, span: Span) -> bool:
    """A short quotation that stands as said: '"No," he said', 'said: "No."', not 'its "marbling"'."""
    inner = par.text[span[0] : span[1]].rstrip("\"”»’' ")
    before = par.text[max(par.start, span[0] - 2) : span[0]].strip()
    if before.endswith(":"):
        return True
    opens = span[0] == par.start or before[-1:] in (".", "!", "?", "") or span[0] in (s for s, _ in par.sents)
    said = _LAST_WORD.search(par.text[max(par.start, span[0] - 30) : span[0]])
    introduced = said is not None and cue_class(said.group(1).lower()) in ("speech", "directive")
    return inner[-1:] in ",.!?…—-" and (opens or introduced)


def _attribute_direct(par: _Paragraph, item: _Found, cues: list[Cue], before: _Found | None) -> None:
    """Give a direct quotation the speaker of a cue near it, or leave it without one."""
    span, mark = item.span, item.mark
    first, last = par.sentence_of(span[0]), par.sentence_of(max(span[0], span[1] - 1))
    near = [c for c in cues if first <= par.sentence_of(par.chars((c.start, c.end))[0]) <= last]
    near = [c for c in near if "\n" not in par.text[slice(*_gap(par.chars((c.start, c.end)), span))]]
    if near:
        cue = min(near, key=lambda c: _distance(par.chars((c.start, c.end)), span))
        _take(item, par.found(span, cue, 0.85))
        return
    if mark is not None and mark.continues and before is not None and before.speaker is not None:
        _take(item, before, 0.75)
        return
    colon = _colon_speaker(par, span)
    if colon is not None:
        item.speaker, item.cue_span, item.confidence = colon[0], colon[1], 0.7
        item.cue_text = par.text[slice(*colon[1])]
        return
    if before is not None and before.speaker is not None and before.span[0] >= par.start:
        _take(item, before, 0.75)
        return
    opens_paragraph = span[0] == par.start
    if opens_paragraph and par.lead_in is not None:
        _take(item, par.lead_in, 0.75)
        return
    for index in (first - 1, last + 1):
        if 0 <= index < len(par.sents):
            near = [c for c in cues if par.sentence_of(par.chars((c.start, c.end))[0]) == index]
            near = [c for c in near if par.speaker(c) is not None]
            if near:
                _take(item, par.found(span, near[-1] if index < first else near[0], 0.7))
                return
    quoted_before = before is not None and any(c in _QUOTE_CHARS for c in par.text[slice(*before.span)])
    if (
        SOLO_INHERITS
        and opens_paragraph
        and quoted_before
        and before is not None
        and before.speaker is not None
    ):
        _take(item, before, 0.6)


def _colon_speaker(par: _Paragraph, span: Span, verb_only: bool = False) -> tuple[Span, Span] | None:
    """(speaker, cue) of a quotation after a colon: 'Mr. Christie gloated: "…"', 'Jo Lott, author: "…"'
    (that second form, a bare name, not when ``verb_only``)."""
    lead = par.text[par.start : span[0]].rstrip()
    if not lead.endswith(":"):
        return None
    colon = par.start + len(lead) - 1
    token = par.doc.char_span(colon - par.start, colon - par.start + 1)
    if token is None:
        return None
    root = token.sent.root
    if not (root.pos_ in ("VERB", "AUX") and root.i < token.start):
        # the parser made the quotation the sentence: the clause before the colon has the verb
        before = range(token.start - 1, token.sent.start - 1, -1)
        root = next((par.doc[i] for i in before if par.cols.pos_(i) == "VERB"), root)
    if root.pos_ in ("VERB", "AUX") and par.chars((root.i, root.i + 1))[0] < colon:
        subject = speaker_tokens(par.cols, root.i)
        if subject is not None and not par.in_mark(par.chars(subject)):
            return par.chars(subject), par.chars((root.i, root.i + 1))
    if verb_only:
        return None
    sentence_start = par.chars((token.sent.start, token.sent.start + 1))[0]
    name = par.text[sentence_start:colon].strip()
    if (
        name[:1].isupper()
        and len(_WORD.findall(name)) <= MAX_NAME_WORDS
        and not par.in_mark((sentence_start, colon))
    ):
        return (sentence_start, sentence_start + len(name)), (colon, colon + 1)
    return None


def _take(item: _Found, other: _Found, confidence: float | None = None) -> None:
    item.cue, item.speaker, item.cue_span, item.cue_text = (
        other.cue,
        other.speaker,
        other.cue_span,
        other.cue_text,
    )
    item.confidence = confidence if confidence is not None else other.confidence


def _gap(a: Span, b: Span) -> Span:
    return (a[1], b[0]) if a[1] <= b[0] else (b[1], a[0])


def _distance(a: Span, b: Span) -> int:
    return max(0, b[0] - a[1], a[0] - b[1])


def _headline(text: str, parsed: ParsedText) -> Quote | None:
    """ "Stoltenberg: NATO Remains Committed…" on the first line is an attribution."""
    if not parsed.paragraphs:
        return None
    start = parsed.paragraphs[0].start
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    match = _HEADLINE.fullmatch(text[start:line_end].rstrip())
    if match is None or line_end - start > MAX_HEADLINE:
        return None
    name = (start + match.start(1), start + match.end(1))
    span = (start + match.start(2), start + match.end(2))
    speaker = Speaker(text[slice(*name)], None, name)
    fragment = text[slice(*span)]
    return Quote(fragment, quote_kind(fragment), span, ":", (name[1], name[1] + 1), speaker, 0.7)


def _proper(mention: str) -> str | None:
    """The mention as canonical name until the resolver runs: proper names only."""
    words = mention.split()
    if (
        words
        and all(w[:1].isupper() for w in words)
        and words[0].lower() not in ("he", "she", "the", "i", "we")
    ):
        return mention
    return None


def find_quotes(
    text: str,
    *,
    parsed: ParsedText | None = None,
    mentions: list[NameMention] | None = None,
    columns: list[Columns] | None = None,
) -> list[Quote]:
    """Every quotation in ``text``; spans are [start, end) offsets with ``text[start:end] == quote.text``.

    ``mentions`` are ``entities.find_name_mentions(parsed)`` and ``columns``
    ``columns.read_columns(parsed)`` when the caller has them already.
    """
    parsed = parsed if parsed is not None else parse_text(text)
    text = parsed.text
    columns = read_columns(parsed) if columns is None else columns
    spans = [(p.start, p.start + len(cols.text)) for p, cols in zip(parsed.paragraphs, columns, strict=True)]
    marks = find_marks(text, spans)
    headline = _headline(text, parsed)
    found: list[_Found] = []
    previous: _Found | None = None
    lead_in: _Found | None = None
    for para, cols, (_, end) in zip(parsed.paragraphs, columns, spans, strict=True):
        first = bisect.bisect_left(marks, para.start, key=_start)  # marks are in text order
        own = marks[first : bisect.bisect_left(marks, end, key=_start)]
        sign_off = _SIGN_OFF.fullmatch(text[para.start : end])
        if sign_off and previous is not None and previous.speaker is None and previous.mark is not None:
            # "“…”⏎⏎- Bernie Sanders." signs the quotation above
            previous.speaker = (para.start + sign_off.start(1), para.start + sign_off.end(1))
            previous.cue_span, previous.cue_text, previous.confidence = (para.start, para.start + 1), "-", 0.7
        reader = _Paragraph(text, para, own, cols)
        reader.lead_in = lead_in
        items = _read_paragraph(reader, previous)
        lead_in = reader.closing_cue()
        if headline is not None:
            items = [f for f in items if _overlap(f.span, headline.span) == 0]
        found.extend(items)
        previous = items[-1] if items else None
    quotes = [headline] if headline is not None else []
    for f in found:
        fragment = text[slice(*f.span)]
        speaker = None
        if f.speaker is not None:
            name = text[slice(*f.speaker)]
            speaker = Speaker(name, None, f.speaker)
        kind = quote_kind(fragment)
        quotes.append(Quote(fragment, kind, f.span, f.cue_text, f.cue_span, speaker, f.confidence))
    return _resolve(parsed, quotes, mentions, columns)


def _resolve(
    parsed: ParsedText, quotes: list[Quote], mentions: list[NameMention] | None, columns: list[Columns]
) -> list[Quote]:
    """Canonical speakers from the resolver; without it, a proper-name mention stands for itself."""
    try:
        from wirewatch.enrich.resolve import resolve_speakers
    except ImportError:  # pragma: no cover - the resolver ships with this module
        return [_self_named(q) for q in quotes]
    return list(resolve_speakers(parsed, quotes, mentions, columns))


def _self_named(quote: Quote) -> Quote:
    if quote.speaker is None:
        return quote
    return replace(quote, speaker=replace(quote.speaker, canonical=_proper(quote.speaker.name)))
