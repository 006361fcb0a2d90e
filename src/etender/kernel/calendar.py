"""Legal periods under the Civil Code (民法典 arts 200–204), Asia/Shanghai time.

How Chinese law counts a period expressed in days:

* art 201 — the day on which the period starts is not counted; counting starts
  on the following day (开始的当日不计入，自下一日开始计算);
* art 203 — if the last day of the period is a statutory rest day
  (法定休假日), the day after the rest ends becomes the last day; the period
  ends at 24:00 of its last day.  In practice (and in this module) rest days
  are the State Council public holidays *and* Saturdays/Sundays that are not
  adjusted working days (调休上班日);
* a period in working days (工作日) counts working days only.

Where the holiday data come from, for each calendar year, first match wins:

1. the maintained package ``chinesecalendar`` (import ``chinese_calendar``),
   for the years it covers (2004–2026 in 1.11.0; see :data:`PACKAGE_YEARS`);
2. the project's own file ``etender/kernel/data/holidays.json``;
3. ``extra`` year data an operator supplies at run time (see
   :func:`load_year_data`);
4. a *provisional* rule: Saturdays and Sundays plus the fixed-date holidays of
   《全国年节及纪念日放假办法》 as amended in 2024 (元旦 1 Jan, 劳动节 1–2 May,
   国庆节 1–3 Oct).  Lunar holidays (春节, 清明, 端午, 中秋), bridge days and
   adjusted working days are unknown, so results using such a year may be
   *earlier* than the lawful ones and must be flagged to the user.

Every method that looks at the calendar takes an optional ``trace``
(:class:`ProvisionalTrace`); each provisional day the method relies on is
recorded there, so callers can warn.  :meth:`ChinaCalendar.is_provisional`
and :meth:`ChinaCalendar.provisional_years` answer the question directly.

All ``datetime`` arguments must be timezone-aware (``ValueError`` otherwise);
they are converted to Asia/Shanghai before the calendar date is taken.
This module does not import Django.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar

__all__ = [
    "TZ",
    "PACKAGE_YEARS",
    "YearData",
    "ProvisionalTrace",
    "ChinaCalendar",
    "default_calendar",
    "load_year_data",
    "parse_year_data",
    "provisional_year_data",
]

TZ = ZoneInfo("Asia/Shanghai")

_ONE_DAY = timedelta(days=1)

#: Years for which ``chinesecalendar`` has official data (inclusive range).
PACKAGE_YEARS: range = range(
    min(d.year for d in chinese_calendar.holidays),
    max(d.year for d in chinese_calendar.holidays) + 1,
)
_PACKAGE_HOLIDAYS: frozenset[date] = frozenset(chinese_calendar.holidays)
_PACKAGE_WORKDAYS: frozenset[date] = frozenset(chinese_calendar.workdays)
_PACKAGE_SOURCE = f"chinesecalendar {getattr(chinese_calendar, '__version__', '?')}"

#: Fixed-date statutory holidays of 《全国年节及纪念日放假办法》 (2024 amendment),
#: as (month, day).  Lunar-calendar holidays are deliberately absent.
_FIXED_HOLIDAYS: tuple[tuple[int, int], ...] = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))
PROVISIONAL_SOURCE = (
    "provisional: weekends + fixed-date holidays of 《全国年节及纪念日放假办法》(2024) "
    "(元旦 1-1, 劳动节 5-1..5-2, 国庆节 10-1..10-3); lunar holidays and adjusted "
    "working days unknown"
)

# A rest stretch longer than this means the data are corrupt.
_MAX_REST_RUN = 366


@dataclass(frozen=True)
class YearData:
    """Official rest-day arrangement of one calendar year.

    ``holidays`` are the days off announced by the State Council (they may
    include weekend days); ``workdays`` are the adjusted working days
    (Saturdays/Sundays on which people work).  Every other weekday is a working
    day and every other Saturday/Sunday a rest day.
    """

    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str

    def check(self, year: int) -> None:
        """Raise ``ValueError`` unless the data are consistent for ``year``."""
        for d in self.holidays | self.workdays:
            if d.year != year:
                raise ValueError(f"{d.isoformat()} listed under year {year}")
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"dates both holiday and workday: {sorted(d.isoformat() for d in both)}")
        weekdays = [d.isoformat() for d in self.workdays if d.weekday() < 5]
        if weekdays:
            raise ValueError(f"adjusted working days must be Saturdays or Sundays: {sorted(weekdays)}")


class ProvisionalTrace:
    """Collects the provisional days a calculation relied on.

    Pass one instance as ``trace=`` to any number of :class:`ChinaCalendar`
    calls; afterwards :attr:`provisional` tells whether any result may be
    wrong because a year had no official holiday data.  Not shared between
    threads: create one per request or calculation.
    """

    def __init__(self) -> None:
        self._days: set[date] = set()

    def record(self, d: date) -> None:
        self._days.add(d)

    @property
    def provisional(self) -> bool:
        return bool(self._days)

    @property
    def days(self) -> frozenset[date]:
        return frozenset(self._days)

    @property
    def years(self) -> frozenset[int]:
        return frozenset(d.year for d in self._days)

    def message_zh(self) -> str:
        if not self._days:
            return ""
        years = "、".join(str(y) for y in sorted(self.years))
        return f"{years}年国务院节假日安排尚未收录，期间按暂定规则（仅周末及固定日期节日）计算，结果可能提前，请人工核对。"

    def message_en(self) -> str:
        if not self._days:
            return ""
        years = ", ".join(str(y) for y in sorted(self.years))
        return (
            f"No official holiday arrangement is recorded for {years}; the period was "
            "computed provisionally (weekends and fixed-date holidays only) and may end too early. "
            "Please check it manually."
        )

    def __repr__(self) -> str:
        return f"ProvisionalTrace(years={sorted(self.years)})"


# ---------------------------------------------------------------------------
# Loading year data


def _parse_dates(values: Any, what: str, year: int) -> frozenset[date]:
    if values is None:
        return frozenset()
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValueError(f"{year}: '{what}' must be a list of ISO dates")
    out: set[date] = set()
    for v in values:
        if isinstance(v, datetime):
            raise ValueError(f"{year}: '{what}' must contain dates, not datetimes")
        if isinstance(v, date):
            out.add(v)
            continue
        if not isinstance(v, str):
            raise ValueError(f"{year}: '{what}' contains a non-date value {v!r}")
        try:
            out.add(date.fromisoformat(v))
        except ValueError as exc:
            raise ValueError(f"{year}: '{what}' contains an invalid date {v!r}") from exc
    return frozenset(out)


def parse_year_data(obj: Mapping[str, Any]) -> dict[int, YearData]:
    """Parse the ``{"years": {"2027": {"holidays": [...], "workdays": [...], "source": "..."}}}`` shape.

    Raises ``ValueError`` on malformed or inconsistent data (a date outside its
    year, a date both holiday and workday, an adjusted working day that is not
    a Saturday or Sunday, a missing ``source``).
    """
    if not isinstance(obj, Mapping) or not isinstance(obj.get("years", None), Mapping):
        raise ValueError("holiday data must be an object with a 'years' object")
    result: dict[int, YearData] = {}
    for key, entry in obj["years"].items():
        try:
            year = int(key)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"invalid year key {key!r}") from exc
        if not isinstance(entry, Mapping):
            raise ValueError(f"{year}: entry must be an object")
        source = entry.get("source")
        if not isinstance(source, str) or not source.strip():
            raise ValueError(f"{year}: 'source' (the State Council notice) is required")
        data = YearData(
            holidays=_parse_dates(entry.get("holidays"), "holidays", year),
            workdays=_parse_dates(entry.get("workdays"), "workdays", year),
            source=source.strip(),
        )
        data.check(year)
        result[year] = data
    return result


def load_year_data(path: str | os.PathLike[str] | Traversable) -> dict[int, YearData]:
    """Load year data from a JSON file in the shape documented at :func:`parse_year_data`."""
    if isinstance(path, (str, os.PathLike)):
        with open(path, encoding="utf-8") as fh:
            obj = json.load(fh)
    else:
        obj = json.loads(path.read_text(encoding="utf-8"))
    return parse_year_data(obj)


@functools.cache
def _bundled_year_data() -> Mapping[int, YearData]:
    return load_year_data(resources.files("etender.kernel").joinpath("data").joinpath("holidays.json"))


@functools.cache
def provisional_year_data(year: int) -> YearData:
    """The provisional arrangement used for a year without official data."""
    return YearData(
        holidays=frozenset(date(year, m, d) for m, d in _FIXED_HOLIDAYS),
        workdays=frozenset(),
        source=PROVISIONAL_SOURCE,
    )


# ---------------------------------------------------------------------------
# Argument helpers


def _local_date(value: date | datetime, name: str = "date") -> date:
    """The Asia/Shanghai calendar date of ``value`` (dates pass through)."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
        return value.astimezone(TZ).date()
    if isinstance(value, date):
        return value
    raise TypeError(f"{name} must be a date or an aware datetime, got {type(value).__name__}")


def _count(value: int, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


# ---------------------------------------------------------------------------
# The calendar


class ChinaCalendar:
    """Working days and legal periods in mainland China.

    ``extra`` supplies official year data for years neither ``chinesecalendar``
    nor the bundled ``holidays.json`` covers (e.g. loaded with
    :func:`load_year_data` from a file an operator maintains).  ``bundled``
    replaces the bundled file's data (for tests; ``None`` loads the file).
    Instances are immutable and safe to share between threads.
    """

    def __init__(
        self,
        extra: Mapping[int, YearData] | None = None,
        *,
        bundled: Mapping[int, YearData] | None = None,
    ) -> None:
        self._bundled: dict[int, YearData] = dict(_bundled_year_data() if bundled is None else bundled)
        self._extra: dict[int, YearData] = dict(extra or {})
        for year, data in (*self._bundled.items(), *self._extra.items()):
            data.check(year)

    # -- data lookup -------------------------------------------------------

    def _year_data(self, year: int) -> YearData | None:
        """Official data for ``year`` other than the package's, or ``None``."""
        return self._bundled.get(year) or self._extra.get(year)

    def data_source(self, year: int) -> str:
        """Where the rest days of ``year`` come from (for display and audit)."""
        if year in PACKAGE_YEARS:
            return _PACKAGE_SOURCE
        data = self._year_data(year)
        return data.source if data is not None else PROVISIONAL_SOURCE

    def is_provisional(self, d: date | datetime) -> bool:
        """True when the year of ``d`` has no official holiday data."""
        year = _local_date(d).year
        return year not in PACKAGE_YEARS and self._year_data(year) is None

    def provisional_years(self, a: date | datetime, b: date | datetime) -> frozenset[int]:
        """The years between ``a`` and ``b`` (inclusive, either order) without official data."""
        ya, yb = sorted((_local_date(a, "a").year, _local_date(b, "b").year))
        return frozenset(y for y in range(ya, yb + 1) if y not in PACKAGE_YEARS and self._year_data(y) is None)

    # -- days --------------------------------------------------------------

    def is_working_day(self, d: date | datetime, *, trace: ProvisionalTrace | None = None) -> bool:
        """Whether ``d`` (a date, or an aware datetime taken in Asia/Shanghai) is a working day."""
        d = _local_date(d)
        if d.year in PACKAGE_YEARS:
            # Same rule as chinese_calendar.is_workday, without its per-call range scan.
            return d in _PACKAGE_WORKDAYS or (d.weekday() < 5 and d not in _PACKAGE_HOLIDAYS)
        data = self._year_data(d.year)
        if data is None:
            data = provisional_year_data(d.year)
            if trace is not None:
                trace.record(d)
        return d in data.workdays or (d.weekday() < 5 and d not in data.holidays)

    def next_working_day(self, d: date | datetime, *, trace: ProvisionalTrace | None = None) -> date:
        """``d`` itself if it is a working day, else the first working day after it."""
        d = _local_date(d)
        for _ in range(_MAX_REST_RUN):
            if self.is_working_day(d, trace=trace):
                return d
            d += _ONE_DAY
        raise RuntimeError(f"no working day within {_MAX_REST_RUN} days after {d.isoformat()}: holiday data corrupt")

    # -- periods -----------------------------------------------------------

    def period_last_day(
        self, start: date | datetime, days: int, *, trace: ProvisionalTrace | None = None
    ) -> date:
        """Last day of a period of ``days`` calendar days starting at ``start``.

        The start day is not counted (art 201), so the nominal last day is
        ``start + days``; if that is a rest day the period ends on the next
        working day (art 203).  An adjusted working Saturday/Sunday is a
        working day and does not move the end.  ``days`` must be >= 1.
        """
        first = _local_date(start, "start")
        days = _count(days, "days", 1)
        return self.next_working_day(first + timedelta(days=days), trace=trace)

    def period_end(self, start: date | datetime, days: int, *, trace: ProvisionalTrace | None = None) -> datetime:
        """The instant the period ends: 24:00 of its last day.

        Returned as 00:00 of the following day, aware, in Asia/Shanghai.  An act
        is in time if done strictly before this instant.
        """
        last = self.period_last_day(start, days, trace=trace)
        return datetime.combine(last + _ONE_DAY, time(0), tzinfo=TZ)

    def earliest_deadline(
        self, *, start: date | datetime, days: int, at: time, trace: ProvisionalTrace | None = None
    ) -> datetime:
        """The earliest lawful deadline at local time ``at`` for an "at least ``days`` days" rule.

        E.g. 《招标投标法》 art 24: from the day the tender documents start to be
        issued to the bid deadline at least 20 days — the deadline may fall on
        the last day of the 20-day period, so the result is
        ``period_last_day(start, days)`` at ``at`` (a naive local time),
        aware in Asia/Shanghai.
        """
        if not isinstance(at, time):
            raise TypeError(f"at must be a datetime.time, got {type(at).__name__}")
        if at.tzinfo is not None:
            raise ValueError("at must be a naive local (Asia/Shanghai) time")
        last = self.period_last_day(start, days, trace=trace)
        return datetime.combine(last, at, tzinfo=TZ)

    # -- working-day arithmetic ----------------------------------------------

    def add_working_days(self, start: date | datetime, n: int, *, trace: ProvisionalTrace | None = None) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself not counted).

        ``n`` must be >= 0; ``n == 0`` returns the start date unchanged.
        """
        d = _local_date(start, "start")
        n = _count(n, "n", 0)
        while n:
            d += _ONE_DAY
            if self.is_working_day(d, trace=trace):
                n -= 1
        return d

    def working_days_between(
        self, a: date | datetime, b: date | datetime, *, trace: ProvisionalTrace | None = None
    ) -> int:
        """Number of working days in the half-open interval (a, b]; 0 if ``b <= a``."""
        d, end = _local_date(a, "a"), _local_date(b, "b")
        count = 0
        while d < end:
            d += _ONE_DAY
            if self.is_working_day(d, trace=trace):
                count += 1
        return count


@functools.cache
def default_calendar() -> ChinaCalendar:
    """The shared calendar: chinesecalendar + bundled ``holidays.json``, no extra data."""
    return ChinaCalendar()
