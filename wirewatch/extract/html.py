"""HTML to article paragraphs: a cheap pre-clean, trafilatura in precision mode, a clutter pass.

Measured on the 181 pages of the extraction development set (see ``eval/`` and
``benchmarks/bench_extract.py``): dropping the elements that never hold article text
*before* trafilatura sees the tree gives the same F1 as trafilatura's precision mode on the
raw page in about half the CPU time, because trafilatura's XPath pruning passes walk every
element of the tree several times.  ``<head>`` goes too, after the metadata is read from it.

trafilatura then runs in two steps.  Its main pass alone ("fast") gives the same text as
its whole cascade (main pass, then readability and justext as fallbacks) on about nine
pages in ten, for about 60% of the cost; the cascade runs only when the main pass's result
is one the fallback could change (see ``_confident``).  On the development set the text
is the same as the whole cascade's on all 181 pages.
"""

from __future__ import annotations

import unicodedata

import lxml.etree
import lxml.html
import trafilatura
from lxml.html import HtmlElement
from trafilatura.external import SANITIZED_XPATH
from trafilatura.settings import Document, Extractor

from wirewatch.errors import ExtractError
from wirewatch.extract.clutter import CLUTTER_THRESHOLD, clutter_score

__all__ = ["NEVER_CONTENT", "extract_paragraphs", "parse_html", "strip_non_content"]

# Elements whose text is never article text.  trafilatura drops all of them too, but only
# after its raw-tree passes have walked them.  Not <form>: some sites wrap the whole page in one.
NEVER_CONTENT = (
    "script", "style", "noscript", "template", "svg", "math", "iframe", "link", "object", "embed",
    "canvas", "picture", "source", "video", "audio", "head", "nav", "aside", "footer", "button",
    "input", "select", "textarea", "menu", "dialog",
)  # fmt: skip

_MAX_CLUTTER_WORDS = 30
# Precision mode, no comments, tables kept, no metadata (``metadata.py`` reads it).  The main
# pass alone ("fast") costs about 60% of the whole cascade and gives the same text on most
# pages; the cascade with its fallback runs only when the main pass's result is doubtful.
# Both are read-only: trafilatura copies an Extractor before changing it.
_MAIN_PASS = Extractor(output_format="python", fast=True, precision=True, comments=False, tables=True)
_WITH_FALLBACK = Extractor(output_format="python", fast=False, precision=True, comments=False, tables=True)
# A main pass this long (about 150 words: several paragraphs) found the article.
_CONFIDENT_CHARS = 1000
# trafilatura's own tests for a result its fallback should look at: page machinery left in
# the result, and paragraph text
_MACHINERY = lxml.etree.XPath(SANITIZED_XPATH)
_PARAGRAPH_TEXT = lxml.etree.XPath(".//p//text()")
_PARSER = lxml.html.HTMLParser(
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    collect_ids=False,
    no_network=True,
    huge_tree=False,
)
# lxml.html picks each element's Python class with a Python callback (so that <form> gets
# FormElement, <input> InputElement...), called every time an element is touched from
# Python: trafilatura touches hundreds of thousands per page set.  Nothing here or in
# trafilatura uses the form classes' extra methods, so every element is a plain
# HtmlElement, chosen in C.
_PARSER.set_element_class_lookup(
    lxml.etree.ElementDefaultClassLookup(
        element=HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)


def parse_html(text: str, *, document: str) -> HtmlElement:
    """Parse ``text``; anything lxml cannot make a tree of is an ``ExtractError``."""
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", errors="replace"), parser=_PARSER)
    except (lxml.etree.LxmlError, ValueError, RecursionError, MemoryError) as exc:
        raise ExtractError(f"unparsable HTML ({type(exc).__name__})", document=document) from None
    if not isinstance(root, HtmlElement):
        raise ExtractError("unparsable HTML", document=document)
    return root


def strip_non_content(root: HtmlElement) -> None:
    """Remove, in place, the elements listed in ``NEVER_CONTENT`` (tail text is kept)."""
    for element in list(root.iter(*NEVER_CONTENT)):
        if element.getparent() is not None:
            element.drop_tree()


def extract_paragraphs(root: HtmlElement, *, url: str | None, document: str) -> list[str]:
    """The article's paragraphs, clutter removed; ``root`` is consumed (changed in place)."""
    strip_non_content(root)
    # trafilatura copies the tree it is given, so ``root`` stays intact for a second pass
    found = _run_trafilatura(root, _MAIN_PASS, document=document)
    if found is None or not _confident(found, root):
        found = _run_trafilatura(root, _WITH_FALLBACK, document=document)
    text = unicodedata.normalize("NFC", found.text or "") if found is not None else ""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return [line for line in lines if line and not _leftover_clutter(line)]


def _run_trafilatura(root: HtmlElement, options: Extractor, *, document: str) -> Document | None:
    try:
        found = trafilatura.bare_extraction(root, options=options)
    except RecursionError:
        raise ExtractError("HTML nested too deeply", document=document) from None
    except (lxml.etree.LxmlError, ValueError) as exc:
        raise ExtractError(f"HTML extraction failed ({type(exc).__name__})", document=document) from None
    return found if isinstance(found, Document) else None


def _confident(found: Document, root: HtmlElement) -> bool:
    """Whether trafilatura's fallback (readability, then justext) could not improve ``found``.

    The fallback replaces the main pass only when that pass is short, holds page machinery
    (asides, figures, forms...), has no paragraphs, or when readability finds at least twice
    as much text.  The first three are trafilatura's own tests, read off the result; the last
    would need readability's run, so it is bounded: readability cannot find more than the
    page holds, so a result with half the page's text is safe, and so is a long one
    (``_CONFIDENT_CHARS``): a main pass that found several paragraphs found the article.
    """
    body = found.body
    chars = len(" ".join((found.text or "").split()))
    if body is None or chars < _MAIN_PASS.min_extracted_size or _MACHINERY(body):
        return False
    if not _PARAGRAPH_TEXT(body) or len(body.findall(".//table")) > len(body.findall(".//p")):
        return False
    return chars >= _CONFIDENT_CHARS or 2 * chars >= len(" ".join(root.text_content().split()))


def _leftover_clutter(paragraph: str) -> bool:
    """A paragraph trafilatura kept is dropped only on more evidence than a bare text line:
    short (long paragraphs are prose) and a margin over the classifier's threshold."""
    return (
        len(paragraph.split()) <= _MAX_CLUTTER_WORDS and clutter_score(paragraph) >= CLUTTER_THRESHOLD + 0.5
    )
