"""``extract_article``: HTML or plain text in, one clean ``Article`` out."""

from __future__ import annotations

import re

from wirewatch.errors import ExtractError
from wirewatch.extract.decode import decode_document, looks_binary
from wirewatch.extract.html import extract_paragraphs, parse_html
from wirewatch.extract.language import guess_language, normalize_language
from wirewatch.extract.metadata import PageMetadata, read_metadata
from wirewatch.extract.text import split_plain_text
from wirewatch.model import Article, Hints

__all__ = ["MAX_DOCUMENT_BYTES", "extract_article"]

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")
_HTML_SNIFF = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|p|div|br|span|a\s|article|section|h[1-6]|table|ul|script)\b",
    re.I,
)
_SNIFF_CHARS = 64 * 1024
# Fewer words than this is a fragment (a stray heading, an error page), not an article.
MIN_ARTICLE_WORDS = 5


def _is_html(text: str, media_type: str | None) -> bool:
    kind = (media_type or "").split(";")[0].strip().lower()
    if kind == "text/plain":
        return False
    if kind in _HTML_TYPES:
        return True
    return _HTML_SNIFF.search(text[:_SNIFF_CHARS]) is not None


def _without_title(paragraphs: list[str], title: str | None) -> list[str]:
    """The headline is the ``title`` field; a first paragraph repeating it is not body text."""
    if paragraphs and title and paragraphs[0].casefold() == " ".join(title.split()).casefold():
        return paragraphs[1:]
    return paragraphs


def extract_article(
    data: bytes | str,
    url: str | None = None,
    *,
    media_type: str | None = None,
    charset: str | None = None,
    hints: Hints | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Article:
    """Extract the article of one document.

    ``data`` is the page (bytes as received, or text); ``url`` where it came from (for
    relative canonical links and messages); ``media_type`` and ``charset`` what the
    transport declared, if anything (None: sniff).  ``hints`` (a feed entry's title,
    date, author, language) fill the fields the page itself does not give.  Raises
    ``ExtractError`` for empty, binary, oversized or article-less input.
    """
    document = url or "<input>"
    size = len(data)
    if isinstance(data, str) and size * 4 > max_bytes:
        size = len(data.encode("utf-8", errors="replace"))
    if size > max_bytes:
        raise ExtractError(f"document of {size} bytes is over the {max_bytes}-byte cap", document=document)
    if isinstance(data, bytes):
        if not data.strip():
            raise ExtractError("empty document", document=document)
        if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and looks_binary(data):
            raise ExtractError("binary data, not a text document", document=document)
        text = decode_document(data, charset)
    else:
        text = data
    if not text.strip():
        raise ExtractError("empty document", document=document)
    if looks_binary(text):
        raise ExtractError("binary data, not a text document", document=document)

    if _is_html(text, media_type):
        root = parse_html(text, document=document)
        meta = read_metadata(root, url)
        paragraphs = _without_title(extract_paragraphs(root, url=url, document=document), meta.title)
    else:
        title, paragraphs = split_plain_text(text)
        meta = PageMetadata(title=title)
    body = "\n\n".join(paragraphs)
    if len(body.split()) < MIN_ARTICLE_WORDS:
        raise ExtractError("no article text found", document=document)
    hints = hints or Hints()
    return Article(
        text=body,
        title=meta.title or hints.title,
        author=meta.author or hints.author,
        published=meta.published or hints.published,
        language=meta.language or normalize_language(hints.language) or guess_language(body),
        canonical_url=meta.canonical_url,
        site_name=meta.site_name,
        url=url,
    )
