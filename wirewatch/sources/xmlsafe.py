"""Defuse hostile XML before any parser sees it.

``strip_declarations`` removes every ``<!DOCTYPE …>`` (with its internal subset, wherever
the ``[`` is and however it is laid out, on one line or many) and every stray
``<!ENTITY …>`` declaration with a linear byte scanner: no regex backtracking, no
parser involved.  Without a DTD an entity reference such as ``&lol9;`` cannot expand, so
a "billion laughs" document stays the size it was sent at.

``safe_xml_parser`` is the one lxml configuration wirewatch uses: no entities resolved,
no network, no DTD loaded, libxml2's size limits kept (``huge_tree=False``).
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

__all__ = ["as_utf8", "safe_xml_parser", "strip_declarations"]

_DECL = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_OUTSIDE = re.compile(rb"[>\[\"']")  # inside the DOCTYPE, before any internal subset
_INSIDE = re.compile(rb"[\]\"']|<!--")  # inside the internal subset
_XML_ENCODING = re.compile(rb"^(<\?xml[^>]{0,200}?)\sencoding\s*=\s*[\"'][^\"']*[\"']")
_UTF16_32 = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)


def as_utf8(data: bytes) -> bytes:
    """Re-encode a UTF-16/32 document to UTF-8 so byte-level scanning sees its markup.

    The encoding pseudo-attribute of the XML declaration is dropped (UTF-8 is the
    default), so a parser does not decode the bytes a second time.
    """
    for mark, codec in _UTF16_32:
        if data.startswith(mark):
            text = data.decode(codec, errors="replace").lstrip("\ufeff")
            return _XML_ENCODING.sub(rb"\1", text.encode("utf-8"), count=1)
    return data


def strip_declarations(data: bytes) -> bytes:
    """Remove DOCTYPE declarations (internal subset included) and ENTITY declarations.

    An unterminated declaration swallows the rest of the document: what follows it was
    never going to be well-formed, and keeping it could keep entity definitions alive.
    """
    if b"<!" not in data:
        return data
    out: list[bytes] = []
    pos = 0
    while True:
        match = _DECL.search(data, pos)
        if match is None:
            out.append(data[pos:])
            break
        out.append(data[pos : match.start()])
        end = _declaration_end(data, match.end())
        if end < 0:
            break
        pos = end
    return b"".join(out)


def _declaration_end(data: bytes, pos: int) -> int:
    """Index just past the ``>`` closing the declaration opened before ``pos``, or -1."""
    in_subset = False
    while True:
        pattern = _INSIDE if in_subset else _OUTSIDE
        match = pattern.search(data, pos)
        if match is None:
            return -1
        token = match.group()
        if token in (b'"', b"'"):
            close = data.find(token, match.end())
            if close < 0:
                return -1
            pos = close + 1
        elif token == b"<!--":
            close = data.find(b"-->", match.end())
            if close < 0:
                return -1
            pos = close + 3
        elif token == b"[":
            in_subset = True
            pos = match.end()
        elif token == b"]":
            in_subset = False
            pos = match.end()
        else:  # b">"
            return match.end()


def safe_xml_parser() -> etree.XMLParser:
    """An lxml parser that never expands entities, loads DTDs or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        recover=False,
    )
