"""Quotation-mark spans: where the text puts words between quotation marks.

Works on characters, before any parsing.  Handles straight and curly double quotes,
guillemets, and single quotes where they open and close a quotation (an apostrophe in
``don't``, ``the '90s`` or ``Jones' book`` is not a quote).  A quote left open at the end of
a paragraph stops there; when the next paragraph opens with a quotation mark it is the
same quotation going on (the convention for multi-paragraph quotes), which is recorded
as ``continues`` on the next span.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["MarkSpan", "find_marks"]

DOUBLE_OPEN = "“„«"
DOUBLE_CLOSE = "”»"
SINGLE_OPEN = "‘‹"
SINGLE_CLOSE = "’›"
# Characters after which a straight or single mark opens a quotation.
_OPEN_BEFORE = set(" \t\n([{—–-/:;“‘\"'«")
_DECADE = re.compile(r"['‘’]\d\ds\b")  # the '90s
_ELISION = re.compile(r"['‘’](?:tis|twas|em|cause|til|n)\b", re.IGNORECASE)  # 'em, rock 'n' roll
_MAX_SINGLE = 400  # a single-quoted quotation longer than this is more likely a misread
# The characters each scan stops at: the regex engine skips the rest of the text for us.
_DOUBLE_MARK = re.compile(f'[{DOUBLE_OPEN}{DOUBLE_CLOSE}"]')
_SINGLE_OPENER = re.compile(f"[{SINGLE_OPEN}']")
_SINGLE_CLOSER = re.compile(f"[{SINGLE_CLOSE}']")


class MarkSpan(NamedTuple):
    """[start, end) of a quotation, marks included (end is past the closing mark if any).

    ``double`` tells double marks (straight, curly, guillemets) from single ones;
    ``closed`` is False for a quote left open at the end of its paragraph; ``continues`` is
    True for a paragraph that goes on with the open quotation of the paragraph before.
    """

    start: int
    end: int
    double: bool = True
    closed: bool = True
    continues: bool = False


def _opens(text: str, i: int) -> bool:
    """A straight or single mark at ``i`` that can open: after a space/bracket, before a word."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before in _OPEN_BEFORE and not after.isspace()


def _closes(text: str, i: int) -> bool:
    """A straight or single mark at ``i`` that can close: after a non-space, not inside a word."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and not after.isalnum()


def _double_marks(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """(open index, close index or -1, closed) of double-quoted stretches in one paragraph."""
    out: list[tuple[int, int, bool]] = []
    open_at = -1
    for mark in _DOUBLE_MARK.finditer(text, start, end):
        i = mark.start()
        ch = text[i]
        if ch in DOUBLE_OPEN or (ch == '"' and open_at < 0 and _opens(text, i)):
            if open_at >= 0 and ch in DOUBLE_OPEN:
                # a second opening mark before any close: the first one was never closed
                out.append((open_at, i, False))
            open_at = i
        elif (ch in DOUBLE_CLOSE or ch == '"') and open_at >= 0:
            out.append((open_at, i + 1, True))
            open_at = -1
    if open_at >= 0:
        out.append((open_at, end, False))
    return out


def _single_marks(text: str, start: int, end: int, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Single-quoted stretches in one paragraph that lie outside every double-quoted one."""
    out: list[tuple[int, int]] = []
    i = start
    while (opener := _SINGLE_OPENER.search(text, i, end)) is not None:
        i = opener.start()
        ch = text[i]
        if ch in SINGLE_OPEN or (ch == "'" and _opens(text, i)):
            if _DECADE.match(text, i) or _ELISION.match(text, i) or any(s <= i < e for s, e in taken):
                i += 1
                continue
            close = next(
                (
                    m.start()
                    for m in _SINGLE_CLOSER.finditer(text, i + 1, min(end, i + _MAX_SINGLE))
                    if _closes(text, m.start()) and not _possessive(text, m.start())
                ),
                -1,
            )
            if close > i + 1 and not any(s < close + 1 and i < e for s, e in taken):
                out.append((i, close + 1))
                i = close + 1
                continue
        i += 1
    return out


def _possessive(text: str, j: int) -> bool:
    """``Jones' book``: an apostrophe after an s and before a lowercase word."""
    return text[j - 1] in "sS" and j + 2 < len(text) and text[j + 1] == " " and text[j + 2].islower()


def find_marks(text: str, paragraphs: list[tuple[int, int]]) -> list[MarkSpan]:
    """Quotation spans in ``text``, paragraph by paragraph ([start, end) paragraph spans)."""
    spans: list[MarkSpan] = []
    left_open = False
    for p_start, p_end in paragraphs:
        doubles = _double_marks(text, p_start, p_end)
        taken = [(s, e) for s, e, _ in doubles]
        singles = _single_marks(text, p_start, p_end, taken)
        found = [MarkSpan(s, e, True, closed) for s, e, closed in doubles]
        found += [MarkSpan(s, e, False, True) for s, e in singles]
        found.sort(key=lambda m: m.start)
        if found and left_open and found[0].start == p_start and found[0].double:
            first = found[0]
            found[0] = MarkSpan(first.start, first.end, True, first.closed, continues=True)
        left_open = bool(found) and not found[-1].closed
        spans.extend(found)
    return spans
