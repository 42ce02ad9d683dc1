"""Bytes to text: a wrong or missing charset still gives readable text."""

from __future__ import annotations

import codecs

from wirewatch.extract import extract_article
from wirewatch.extract.decode import decode_document, looks_binary

PROSE = (
    "Le président a déclaré « nous resterons unis » devant les élèves du lycée. "
    "Café, thé et crème brûlée étaient servis à l’issue de la réunion – sans discours."
)


def test_bom_wins() -> None:
    assert decode_document(codecs.BOM_UTF8 + "café".encode()) == "café"
    assert decode_document(codecs.BOM_UTF16_LE + "café".encode("utf-16-le")) == "café"


def test_transport_charset_is_used_when_the_bytes_fit_it() -> None:
    assert decode_document("Tschüß".encode("iso-8859-15"), "iso-8859-15") == "Tschüß"
    assert decode_document("Привет мир".encode("koi8-r"), "koi8-r") == "Привет мир"


def test_utf8_page_declared_as_latin1_is_read_as_utf8() -> None:
    data = f'<html><head><meta charset="iso-8859-1"></head><body><p>{PROSE}</p></body></html>'.encode()
    assert PROSE in decode_document(data, "latin-1")
    assert PROSE in decode_document(data)


def test_meta_charset_when_no_transport_charset() -> None:
    data = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><p>Привет</p>'
    assert "Привет" in decode_document(data.encode("cp1251"))


def test_undeclared_cp1252_page_is_readable() -> None:
    data = f"<html><body><p>{PROSE}</p><p>{PROSE}</p></body></html>".encode("cp1252")
    assert PROSE in decode_document(data)


def test_undeclared_cp1252_article_through_the_api() -> None:
    data = f"<html><body><article><p>{PROSE}</p><p>{PROSE}</p></article></body></html>".encode("cp1252")
    assert "« nous resterons unis »" in extract_article(data).text


def test_wrong_transport_charset_that_does_not_fit_falls_through() -> None:
    # the transport says UTF-8 but the bytes are cp1252: not valid UTF-8, so it is guessed
    data = PROSE.encode("cp1252")
    assert decode_document(data, "utf-8") == PROSE


def test_binary_detection() -> None:
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert not looks_binary("Привет мир, это обычный текст.".encode())
    assert not looks_binary(PROSE)


def test_short_undeclared_western_page_is_read_as_cp1252() -> None:
    # a statistical guesser calls this cp1257 and turns "é" into "ķ"
    data = "<p>Café owners marched to the mairie, naïvely hopeful.</p>".encode("cp1252")
    assert "Café" in decode_document(data)
    assert "naïvely" in decode_document(data)


def test_undeclared_cyrillic_and_central_european_pages_are_not_taken_for_western() -> None:
    russian = ("<p>Министр заявил, что переговоры продолжатся в среду.</p>" * 3).encode("cp1251")
    polish = ("<p>Zażółć gęślą jaźń, powiedział minister w środę.</p>" * 3).encode("cp1250")
    assert "Министр" in decode_document(russian)
    assert "gęślą" in decode_document(polish)
