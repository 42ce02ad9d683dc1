"""Tell page machinery ("Subscribe now", "- Advertisement -", cookie notices) from article text.

A scored feature model over one line or paragraph.  The weights are set by hand, each
with its reason, and checked by the held-out wording in ``tests/unit/extract``; no site's
lines are listed here, only the vocabulary and the shape such lines share everywhere:

* an invitation to act (subscribe, sign up, follow us, share this, click here, download
  the app, read more, accept) -- the page talking to its reader;
* consent and privacy vocabulary (cookies, consent, opt out, privacy policy);
* comment-form vocabulary (leave a reply, comments are closed, your email address will
  not be published, required fields are marked);
* ad markers, when they are (nearly) the whole line ("Advertisement", "Sponsored");
* shape: short, no sentence-final punctuation, imperative first word, second person,
  link-like tokens;

against a prior for prose: reporting verbs (said, told, according to) and quotation
marks are what news sentences are made of, and long punctuated lines are rarely clutter.
"""

from __future__ import annotations

import re

__all__ = ["CLUTTER_THRESHOLD", "clutter_score", "is_clutter"]

CLUTTER_THRESHOLD = 2.5

# Each pattern is a category; a line scores each category once.
_CALL_TO_ACTION = re.compile(
    r"\b(?:subscribe|subscription|sign[- ]?(?:up|in)|log[- ]?in|register (?:now|here|today|for free)"
    r"|follow us|share (?:this|on|via|the|article|story)|download (?:the|our) app|get (?:the|our) app"
    r"|click (?:here|to|on)|tap (?:here|to)|read (?:more|next|also)|see (?:more|also)|more stories"
    r"|newsletters?|get (?:the latest|real[- ]?time|breaking|instant|our)|(?:news|push|breaking) alerts?"
    r"|notifications|join (?:us|our|now|the conversation)|accept(?: all)?(?: cookies)?$|watch (?:now|live)"
    r"|listen (?:now|live)|support (?:our|us) journalism|donate (?:now|today)|unlock|free trial|paywall)\b",
    re.I,
)
_CONSENT = re.compile(
    r"\b(?:cookies?|consent|opt[- ]?out|opt[- ]?in|privacy (?:policy|settings|notice)"
    r"|terms of (?:use|service)|personali[sz]e|gdpr|tracking technologies|manage (?:preferences|settings))\b",
    re.I,
)
_COMMENT_FORM = re.compile(
    r"\b(?:leave an? (?:reply|comment)|comments? (?:are|is) closed|post (?:a )?comment|add (?:a|your) comment"
    r"|email address will not be published|required fields are marked|be the first to comment"
    r"|no comments yet|cancel reply|log in to comment|view comments|show comments)\b",
    re.I,
)
_AD_MARKER = re.compile(
    r"^[\W_]*(?:advertisement|advertising|sponsored(?: content| post| links?| stories)?|paid (?:content|post)"
    r"|promoted(?: content| stories)?|ad|ads by \w+|story continues below(?: advertisement)?"
    r"|continue reading below|partner content)[\W_]*$",
    re.I,
)
_IMPERATIVE_FIRST = frozenset(
    re.findall(
        r"\w+",
        "subscribe sign follow share download click tap read see log register join get try watch listen "
        "accept allow agree like visit support donate continue enable upgrade install check learn find "
        "discover explore save tell send print email comment reply",
    )
)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|yours|you'll)\b", re.I)
_LINKISH = re.compile(r"https?://|www\.|\.com\b|(?:^|\s)[@#]\w|[»›→|]|\bclick\b", re.I)
_REPORTING = re.compile(
    r"\b(?:said|says|told|tells|according to|announced|added|stated|reported|noted|warned|claimed"
    r"|explained|insisted|argued|wrote|asked|replied|confirmed|denied)\b",
    re.I,
)
_QUOTE_MARKS = re.compile(r"[“”„«»]|\"\w|\w[.,!?]?\"")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def clutter_score(line: str) -> float:
    """Higher is more like page machinery; ``is_clutter`` cuts at ``CLUTTER_THRESHOLD``."""
    text = " ".join(line.split())
    if not text:
        return 0.0
    words = _WORD.findall(text)
    return _vocabulary(text) + _shape(text, words) - _prose(text, words)


def _vocabulary(text: str) -> float:
    """What the line talks about; each category counts once."""
    score = 0.0
    if _AD_MARKER.match(text):
        score += 4.0  # a line that is only an ad marker is never prose
    if _COMMENT_FORM.search(text):
        score += 4.0  # comment-form phrases do not occur in reporting
    if _CONSENT.search(text):
        score += 3.0  # consent vocabulary is rare in news and near-certain in banners
    actions = {m.group(0).lower() for m in _CALL_TO_ACTION.finditer(text)}
    return score + min(2.0 * len(actions), 4.0)  # invitations to act; two different ones are decisive


def _shape(text: str, words: list[str]) -> float:
    """How the line is built: buttons and prompts are short, imperative and talk to "you"."""
    score = 0.0
    if words and words[0].lower() in _IMPERATIVE_FIRST:
        score += 1.0  # imperative mood: the page addresses its reader
    if _SECOND_PERSON.search(text):
        score += 1.0
    if _LINKISH.search(text):
        score += 1.0
    if text[-1] not in ".!?\"'”’»:;)":
        score += 0.75  # no sentence-final punctuation: a label or a button
    if len(words) <= 3:
        score += 0.5
    elif len(words) <= 8:
        score += 0.25
    return score


def _prose(text: str, words: list[str]) -> float:
    """The prior for news prose, subtracted from the score."""
    score = 0.0
    if _REPORTING.search(text):
        score += 2.0  # reported speech is the substance of news
    if _QUOTE_MARKS.search(text):
        score += 1.0
    if len(words) >= 25 and text[-1] in '.!?"”’':
        score += 1.5  # a long, finished sentence
    return score


def is_clutter(line: str) -> bool:
    """True when ``line`` is page machinery rather than article text."""
    return clutter_score(line) >= CLUTTER_THRESHOLD
