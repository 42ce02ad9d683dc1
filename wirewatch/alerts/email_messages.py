"""Email notifications rendered: one message per notification, or a digest of many.

Each message is multipart/alternative: plain text first, then HTML from the Jinja2
template ``templates/email.html``, autoescaped (headlines and quotations are hostile text,
and only http(s) links ever become ``href``s).  The subject is one clean line,
so a headline holding CR/LF cannot add a header.  Each message says why it was sent and
carries its unsubscribe link in both bodies and in ``List-Unsubscribe`` (RFC 2369, with
RFC 8058 one-click); ``Auto-Submitted: auto-generated`` (RFC 3834) keeps vacation
auto-replies away.  Addressing (From, To, Message-ID, Date) is the sender's job (``email.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import jinja2

from wirewatch.alerts.notification import Notification, clean_text

__all__ = ["render_digest", "render_message"]

MAX_SUBJECT = 200
_PERIODS = {"hourly": "Hourly", "daily": "Daily"}

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("wirewatch.alerts", "templates"),
    autoescape=jinja2.select_autoescape(["html"], default_for_string=False, default=False),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%d %b %Y, %H:%M UTC") if moment else ""


_ENV.filters["when"] = _when


@dataclass(frozen=True, slots=True)
class _Group:
    """The notifications about one story (or a lone article), for the templates."""

    title: str | None
    coverage: str | None
    notes: tuple[Notification, ...]


def render_message(payload: Mapping[str, Any], *, unsubscribe_url: str) -> EmailMessage:
    """The message for one notification (an immediate email channel)."""
    note = Notification.from_payload(payload)
    subject = _subject(f"{note.label}: {note.headline}")
    intro = f"New for your saved query “{note.label}”:"
    group = _Group(title=note.story_title, coverage=_coverage(note), notes=(note,))
    return _message(subject, intro, [group], label=note.label, unsubscribe_url=unsubscribe_url)


def render_digest(
    subscription_query: str | None,
    payloads: Sequence[Mapping[str, Any]],
    *,
    period: str,
    unsubscribe_url: str,
) -> EmailMessage:
    """One message listing many notifications of one saved query, grouped by story:
    the stories with the newest news first, each story's articles newest first."""
    notes = [Notification.from_payload(p) for p in payloads]
    label = clean_text(subscription_query) or next((n.label for n in notes), "your saved query")
    groups = _groups(notes)
    word = _PERIODS.get(period, "Email")
    count = len(notes)
    subject = _subject(f"{label}: {count} new ({word.lower()} digest)")
    stories = sum(1 for g in groups if g.title)
    intro = f"{word} digest for your saved query “{label}”: {count} new " + (
        "notification" if count == 1 else "notifications"
    )
    intro += f" about {stories} {'story' if stories == 1 else 'stories'}." if stories else "."
    return _message(subject, intro, groups, label=label, unsubscribe_url=unsubscribe_url)


def _groups(notes: list[Notification]) -> list[_Group]:
    floor = datetime.min.replace(tzinfo=UTC)
    by_story: dict[object, list[Notification]] = {}
    for index, note in enumerate(sorted(notes, key=lambda n: n.when or floor, reverse=True)):
        by_story.setdefault(note.story_id if note.story_id is not None else ("alone", index), []).append(note)
    groups: list[_Group] = []
    for members in by_story.values():  # dicts keep insertion order: newest story first
        head = max(members, key=lambda n: (n.article_count or 0, n.when or floor))
        title = head.story_title or (head.headline if len(members) > 1 else None)
        groups.append(_Group(title=title, coverage=_coverage(head), notes=tuple(members)))
    return groups


def _coverage(note: Notification) -> str | None:
    parts: list[str] = []
    if note.article_count and note.article_count > 1:
        parts.append(f"{note.article_count} articles")
    if note.outlets:
        shown = ", ".join(note.outlets[:5]) + (" and others" if len(note.outlets) > 5 else "")
        parts.append(f"from {shown}")
    return " ".join(parts) or None


def _text_body(intro: str, groups: list[_Group], *, label: str, unsubscribe_url: str) -> str:
    """The plain-text part (plain text needs no escaping; the HTML part is the template's)."""
    blocks = [intro]
    for group in groups:
        if group.title:
            blocks.append(f"== {group.title}" + (f" ({group.coverage})" if group.coverage else "") + " ==")
        for note in group.notes:
            lines = [f"* {note.headline}"]
            byline = " · ".join(x for x in (note.outlet, _when(note.published)) if x)
            lines += [f"  {x}" for x in (byline, note.url) if x]
            if note.quote:
                lines.append(f"  {note.quote}" + (f" — {note.speaker}" if note.speaker else ""))
            blocks.append("\n".join(lines))
    blocks.append(
        f'-- \nYou receive this because you follow "{label}" on wirewatch.\nUnsubscribe: {unsubscribe_url}'
    )
    return "\n\n".join(blocks) + "\n"


def _subject(text: str) -> str:
    return clean_text(f"[wirewatch] {text}", limit=MAX_SUBJECT) or "[wirewatch]"


def _message(
    subject: str, intro: str, groups: list[_Group], *, label: str, unsubscribe_url: str
) -> EmailMessage:
    context = {
        "subject": subject,
        "intro": intro,
        "groups": groups,
        "label": label,
        "unsubscribe_url": unsubscribe_url,
    }
    message = EmailMessage()
    message["Subject"] = subject
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(_text_body(intro, groups, label=label, unsubscribe_url=unsubscribe_url))
    message.add_alternative(_ENV.get_template("email.html").render(context), subtype="html")
    return message
