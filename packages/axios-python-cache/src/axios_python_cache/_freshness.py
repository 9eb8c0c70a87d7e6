"""RFC 9111 arithmetic: HTTP-dates, Cache-Control directives, age and freshness lifetime.

Written here instead of taken from hishel, whose age ignores the ``Age`` header
and whose date parser accepts what is not an HTTP-date (a ``UTC`` zone, a
numeric offset it then drops), so an invalid ``Expires`` could keep a response
fresh. Pure functions of header values and times; no I/O.
"""

from __future__ import annotations

import datetime
import functools
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

__all__ = [
    "HEURISTIC_STATUSES",
    "Directives",
    "always_revalidate",
    "delta_seconds",
    "field_map",
    "freshness_lifetime",
    "initial_age",
    "parse_cache_control",
    "parse_http_date",
    "stale_prohibited",
]

Directives = Mapping[str, "str | None"]
FieldMap = Mapping[str, Sequence[str]]

_DAYS: Final = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_LONG_DAYS: Final = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip
_MONTH: Final = f"({'|'.join(_MONTHS)})"
_TIME: Final = r"(\d\d):(\d\d):(\d\d)"
# RFC 9110 section 5.6.7: HTTP-date is case-sensitive and always GMT.
_IMF_FIXDATE: Final = re.compile(rf"{_DAYS}, (\d\d) {_MONTH} (\d{{4}}) {_TIME} GMT")
_RFC850_DATE: Final = re.compile(rf"{_LONG_DAYS}, (\d\d)-{_MONTH}-(\d\d) {_TIME} GMT")
_ASCTIME_DATE: Final = re.compile(rf"{_DAYS} {_MONTH} ([ \d]\d) {_TIME} (\d{{4}})")
_DIRECTIVE: Final = re.compile(
    r"""\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^,"]*))?\s*(?:,|$)"""
)
_DELTA_MAX: Final = 2**31  # RFC 9111 section 1.2.2: larger values mean "this many"
_HEURISTIC_FRACTION: Final = 0.1  # of the time since Last-Modified (RFC 9111 section 4.2.2)
_HEURISTIC_MAX: Final = 7 * 24 * 3600.0
# RFC 9110 section 15.1: statuses cacheable without explicit freshness information.
HEURISTIC_STATUSES: Final = frozenset({200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501})


@functools.lru_cache(maxsize=512)  # a response's Date and Expires recur across responses
def parse_http_date(value: str | None, now: float | None = None) -> float | None:
    """Seconds since the epoch for an HTTP-date (IMF-fixdate, rfc850 or asctime), else None.

    Anything else (another time zone, a number, an empty value, a day that does
    not exist) is not an HTTP-date. A two-digit rfc850 year more than 50 years
    ahead of ``now`` means the century before, as RFC 9110 section 5.6.7 asks.
    """
    if not value:
        return None
    value = value.strip()
    if match := _IMF_FIXDATE.fullmatch(value):
        day, month, year, hour, minute, second = match.groups()
    elif match := _RFC850_DATE.fullmatch(value):
        day, month, short_year, hour, minute, second = match.groups()
        this_year = time.gmtime(time.time() if now is None else now).tm_year
        year_number = this_year - this_year % 100 + int(short_year)
        if year_number > this_year + 50:
            year_number -= 100
        year = str(year_number)
    elif match := _ASCTIME_DATE.fullmatch(value):
        month, day, hour, minute, second, year = match.groups()
    else:
        return None
    try:  # datetime refuses a day or a time that does not exist (31 Feb, 25:00)
        moment = datetime.datetime(
            int(year),
            _MONTHS.index(month) + 1,
            int(day),
            int(hour),
            int(minute),
            min(int(second), 59),  # a leap second counts as the second before
            tzinfo=datetime.timezone.utc,
        )
    except ValueError:
        return None
    return moment.timestamp()


def parse_cache_control(values: Iterable[str]) -> dict[str, str | None]:
    """Cache-Control directives of every field line: lower-cased name -> argument or None.

    The first occurrence of a directive wins (RFC 9111 section 4.2.1); quoted
    arguments are unquoted.
    """
    directives: dict[str, str | None] = {}
    for value in values:
        for match in _DIRECTIVE.finditer(value):
            name, argument = match.group(1).lower(), match.group(2)
            if name in directives:
                continue
            if argument is not None and argument.startswith('"'):
                argument = re.sub(r"\\(.)", r"\1", argument[1:-1])
            directives[name] = None if argument is None else argument.strip()
    return directives


def delta_seconds(argument: str | None) -> int | None:
    """A directive's delta-seconds argument, or None when absent or not a non-negative integer."""
    if argument is None or not argument.isdigit() or not argument.isascii():
        return None
    return min(int(argument), _DELTA_MAX)


def field_map(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Header pairs grouped by lower-cased name, values in order."""
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name.lower(), []).append(value)
    return fields


def _first(fields: FieldMap, name: str) -> str | None:
    values = fields.get(name)
    return values[0] if values else None


def freshness_lifetime(
    fields: FieldMap, directives: Directives, status_code: int, *, shared: bool
) -> float:
    """Seconds a response stays fresh (RFC 9111 section 4.2.1); 0 when it never is.

    s-maxage (shared caches), then max-age, then Expires minus Date, then the
    Last-Modified heuristic for heuristically cacheable or ``public`` responses.
    An invalid max-age or s-maxage, and an Expires that is not an HTTP-date,
    mean already stale (sections 4.2.1 and 5.3).
    """
    if shared and "s-maxage" in directives:
        return float(delta_seconds(directives["s-maxage"]) or 0)
    if "max-age" in directives:
        return float(delta_seconds(directives["max-age"]) or 0)
    if "expires" in fields:
        expires = parse_http_date(_first(fields, "expires"))
        date = parse_http_date(_first(fields, "date"))
        if expires is None or date is None:
            return 0.0
        return max(0.0, expires - date)
    if status_code in HEURISTIC_STATUSES or "public" in directives:
        modified = parse_http_date(_first(fields, "last-modified"))
        date = parse_http_date(_first(fields, "date"))
        if modified is not None and date is not None and modified < date:
            return min(_HEURISTIC_MAX, (date - modified) * _HEURISTIC_FRACTION)
    return 0.0


def initial_age(fields: FieldMap, request_time: float, response_time: float) -> float:
    """The corrected initial age of a response received at ``response_time`` (RFC 9111 4.2.3).

    The larger of the apparent age (receipt time minus Date) and the ``Age``
    header plus the request's round-trip time. An invalid Age is ignored; a
    list keeps its first member (section 5.1).
    """
    date = parse_http_date(_first(fields, "date"))
    apparent_age = 0.0 if date is None else max(0.0, response_time - date)
    raw_age = _first(fields, "age")
    age_value = delta_seconds(raw_age.split(",", 1)[0].strip()) if raw_age else None
    response_delay = max(0.0, response_time - request_time)
    return max(apparent_age, (age_value or 0) + response_delay)


def always_revalidate(directives: Directives) -> bool:
    """True for a bare ``no-cache``: the response may be stored but used only once validated.

    ``no-cache="field"`` only keeps the named fields out of the cache.
    """
    return "no-cache" in directives and directives["no-cache"] is None


def stale_prohibited(directives: Directives, *, shared: bool) -> bool:
    """True when a directive forbids serving this response stale (RFC 9111 section 4.2.4)."""
    if "must-revalidate" in directives or always_revalidate(directives):
        return True
    return shared and ("proxy-revalidate" in directives or "s-maxage" in directives)
