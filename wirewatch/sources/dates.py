"""Read the dates feeds and sitemaps really carry, into tz-aware UTC datetimes.

Order: ISO 8601 / W3C-DTF (``datetime.fromisoformat``), then a small tokenizing reader
that knows RFC 822 and its common corruptions: month before day
(``Sat, Dec 16 2023 02:02:33 PM``), 12-hour clocks, ``Z``/``GMT``/US zone names, and
day and month names in the languages news feeds are written in (an explicit table, not
dateparser: measured on ``mer, 16 nov 2022 00:38:15 +0100``, the table takes about
11 µs a date, dateparser about 3.7 ms, some 300 times more).  A date without a zone is taken as UTC.
A date that cannot be read gives None, never an exception.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

__all__ = ["parse_date"]

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "jan january gen gennaio janv janvier januar jänner ene enero janeiro januari sty styczeń",
        "feb february febbraio fév févr février februar febrero fev fevereiro februari lut luty",
        "mar march marzo mars märz mär marzo março maart maa marzec",
        "apr april aprile avr avril abr abril kwi kwiecień",
        "may mag maggio mai mayo maio mei maj",
        "jun june giu giugno juin juni junio jun junho cze czerwiec",
        "jul july lug luglio juil juillet juli julio julho lip lipiec",
        "aug august ago agosto août aoû aou augusti sie sierpień",
        "sep sept september set settembre septembre septiembre setembro wrz wrzesień",
        "oct october ott ottobre octobre okt oktober octubre out outubro paź październik",
        "nov november novembre nov noviembre novembro lis listopad",
        "dec december dic dicembre déc décembre dez dezember diciembre dezembro grudzień gru",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS.setdefault(_name, _number)

_ZONES = {
    "z": 0, "ut": 0, "utc": 0, "gmt": 0, "wet": 0,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    "bst": 1, "cet": 1, "cest": 2, "met": 1, "mez": 1, "mesz": 2, "eet": 2, "eest": 3,
}  # fmt: skip

_DAY_NAMES = (
    "mon tue wed thu fri sat sun monday tuesday wednesday thursday friday saturday sunday "
    "lun mar mer gio ven sab dom lunedì martedì mercoledì giovedì venerdì sabato domenica "
    "jeu sam dim lundi mardi mercredi jeudi vendredi samedi dimanche "
    "mo di mi do fr sa so montag dienstag mittwoch donnerstag freitag samstag sonntag "
    "mié jue vie sáb lunes martes miércoles jueves viernes sábado domingo "
    "seg ter qua qui sex segunda terça quarta quinta sexta"
)
_DAYS = frozenset(_DAY_NAMES.split())
_TOKEN = re.compile(
    r"(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)"
    r"|(?P<offset>(?<![\w:])[+-]\d{2}:?\d{2}\b)"
    r"|(?P<number>\d+)"
    r"|(?P<word>[^\W\d_]+)"
)
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})\b")
_MAX_LEN = 200


def parse_date(text: str | None) -> datetime | None:
    """The instant ``text`` names, in UTC, or None when it cannot be read."""
    if not text:
        return None
    text = text.strip()[:_MAX_LEN]
    try:
        return _to_utc(datetime.fromisoformat(text.replace("z", "Z")))
    except ValueError:
        pass
    try:
        return _read_tokens(text)
    except (ValueError, OverflowError):
        return None


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _read_tokens(text: str) -> datetime | None:  # noqa: PLR0912 - one branch per token kind
    year = month = day = None
    hour = minute = second = 0
    pm: bool | None = None
    offset: timedelta | None = None
    months: list[tuple[bool, int]] = []
    numeric = _NUMERIC_DATE.match(text)
    if numeric:  # 16/11/2022 or 16.11.2022: day first, as everywhere but the US
        day, month, year = (int(g) for g in numeric.groups())
        text = text[numeric.end() :]
    for match in _TOKEN.finditer(text.lower()):
        kind, token = match.lastgroup, match.group()
        if kind == "time":
            clock = _CLOCK.match(token)
            if clock:
                hour, minute, second = (int(g or 0) for g in clock.groups())
        elif kind == "offset":
            digits = token[1:].replace(":", "")
            delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            offset = -delta if token[0] == "-" else delta
        elif kind == "number":
            number = int(token)
            if len(token) == 4 and year is None:
                year = number
            elif day is None and 1 <= number <= 31:
                day = number
            elif year is None and len(token) == 2:
                year = 2000 + number if number < 70 else 1900 + number
        elif kind == "word":
            word = token.rstrip(".")
            if word in ("am", "pm"):
                pm = word == "pm"
            elif word in _ZONES and offset is None:
                offset = timedelta(hours=_ZONES[word])
            elif word in _MONTHS or (len(word) > 3 and word[:3] in _MONTHS):
                months.append((word in _DAYS, _MONTHS.get(word) or _MONTHS[word[:3]]))
    if month is None and months:  # "mar" is March, and Tuesday in Italian, French, Spanish
        month = min(months, key=lambda m: m[0])[1]
    if year is None or month is None or day is None:
        return None
    if pm is not None and 1 <= hour <= 12:
        hour = hour % 12 + (12 if pm else 0)
    zone = timezone(offset) if offset is not None else UTC
    return datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(UTC)
