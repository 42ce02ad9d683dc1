"""Bytes to text: BOM, transport charset, ``<meta charset>``, UTF-8, then a guess.

A declared charset is trusted only when the bytes are valid in it, and a declared
single-byte Western charset (latin-1, cp1252, ascii) loses to valid UTF-8 with non-ASCII
bytes: many pages say ISO-8859-1 but are stored as UTF-8, and decoding them as declared
turns every curly quote into three letters.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["decode_document", "looks_binary"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
# Single-byte charsets that decode any bytes at all, so "it decoded" proves nothing.
_PERMISSIVE = {"latin-1", "iso8859-1", "cp1252", "ascii", "iso8859-15"}
_GUESS_BYTES = 64 * 1024
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def _try(data: bytes, encoding: str | None) -> str | None:
    if encoding is None:
        return None
    if encoding in _PERMISSIVE and not data.isascii() and _try(data, "utf-8") is not None:
        return None  # valid UTF-8 with non-ASCII bytes: the declaration is wrong
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_document(data: bytes, charset: str | None = None) -> str:
    """Decode ``data``; ``charset`` is what the transport declared, if anything."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    text = _try(data, _codec(charset))
    if text is not None:
        return text
    match = _META_CHARSET.search(data[:4096])
    text = _try(data, _codec(match.group(1).decode("ascii")) if match else None)
    if text is not None:
        return text
    text = _try(data, "utf-8")
    if text is not None:
        return text
    return _western(data) or _guess(data)


_WESTERN_PUNCTUATION = set("‘’‚“”„–—…«»€£°·•×´¨©®™§¶¿¡")


def _western(data: bytes) -> str | None:
    """cp1252, the web's default for undeclared pages, when the bytes read as Western text.

    Statistical guessers misname short Western pages (cp1252 read as cp1257 turns "é"
    into "ķ").  Western text is mostly ASCII letters with a few accented ones and typical
    punctuation; text in another single-byte charset read as cp1252 is not (Cyrillic gives
    nearly all non-ASCII letters, Central European gives symbols such as "¹" or "³").
    """
    try:
        text = data[:_GUESS_BYTES].decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = sum(1 for c in text if c.isalpha())
    foreign = [c for c in text if ord(c) > 127]
    if not letters or len(foreign) > letters * 0.15:
        return None
    if any(not (c.isalpha() or c in _WESTERN_PUNCTUATION) for c in foreign):
        return None
    return data.decode("cp1252", errors="replace")


def _guess(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:_GUESS_BYTES]).best()
    encoding = _codec(best.encoding) if best is not None else None
    if encoding is not None:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode("cp1252", errors="replace")


def looks_binary(data: bytes | str) -> bool:
    """NUL bytes, or mostly control characters: not a text document."""
    sample = data[:8192]
    if not sample:
        return False
    if isinstance(sample, bytes):
        # C0 controls only: 0x80-0x9f are ordinary UTF-8 continuation bytes
        return b"\x00" in sample or len(_CONTROL_BYTES.findall(sample)) > len(sample) * 0.1
    return "\x00" in sample or len(_CONTROL_CHARS.findall(sample)) > len(sample) * 0.1
