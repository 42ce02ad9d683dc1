"""Plain text to article: the headline line, then the paragraphs with the clutter lines dropped."""

from __future__ import annotations

import re

from wirewatch.extract.clutter import is_clutter

__all__ = ["split_plain_text"]

_MAX_TITLE_WORDS = 25
_MAX_TITLE_CHARS = 250
_WRAP_WIDTH = 60  # hard-wrapped text: lines about this long that do not end a sentence
_BLOCKS = re.compile(r"\n\s*\n")


def _looks_like_headline(line: str) -> bool:
    return (
        len(line) <= _MAX_TITLE_CHARS
        and len(line.split()) <= _MAX_TITLE_WORDS
        and not line.endswith((".", ",", ";"))
        and not is_clutter(line)
    )


def _paragraphs(block: str) -> list[str]:
    lines = [" ".join(line.split()) for line in block.splitlines()]
    lines = [line for line in lines if line]
    wrapped = len(lines) > 1 and all(
        len(line) >= _WRAP_WIDTH and not line.endswith((".", "!", "?", "”", '"')) for line in lines[:-1]
    )
    return [" ".join(lines)] if wrapped else lines


def split_plain_text(text: str) -> tuple[str | None, list[str]]:
    """(title or None, paragraphs) of a plain-text page; clutter lines are left out."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [p for block in _BLOCKS.split(text) for p in _paragraphs(block)]
    title = None
    if paragraphs and _looks_like_headline(paragraphs[0]) and len(paragraphs) > 1:
        title = paragraphs.pop(0)
    return title, [p for p in paragraphs if not is_clutter(p)]
