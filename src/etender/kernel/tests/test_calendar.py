"""Tests for etender.kernel.calendar (民法典 arts 201/203 periods)."""

from __future__ import annotations

import json
from importlib import resources
from datetime import date, datetime, time, timedelta, timezone

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etender.kernel.calendar import (
    PACKAGE_YEARS,
    TZ,
    ChinaCalendar,
    ProvisionalTrace,
    YearData,
    default_calendar,
    load_year_data,
    parse_year_data,
)

cal = default_calendar()


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


# ---------------------------------------------------------------------------
# Data sources


def test_package_coverage_and_default_is_cached() -> None:
    assert 2025 in PACKAGE_YEARS and 2026 in PACKAGE_YEARS
    assert default_calendar() is cal
    assert cal.data_source(2026).startswith("chinesecalendar")
    assert cal.data_source(2099).startswith("provisional")


def test_bundled_file_loads_and_invents_nothing() -> None:
    # The shipped file must parse; it may only hold official years.
    bundled = load_year_data(resources.files("etender.kernel").joinpath("data").joinpath("holidays.json"))
    for year, data in bundled.items():
        assert year not in PACKAGE_YEARS
        assert "国务院办公厅" in data.source


# ---------------------------------------------------------------------------
# Known days (chinesecalendar data, State Council notices for 2025 and 2026)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 1), False),  # 元旦
        (date(2026, 1, 4), True),  # Sunday, adjusted working day
        (date(2026, 2, 14), True),  # Saturday before 春节, adjusted working day
        (date(2026, 2, 17), False),  # 春节 (正月初一)
        (date(2026, 2, 23), False),  # last day of the 9-day Spring Festival break
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday, adjusted working day
        (date(2026, 9, 20), True),  # Sunday, adjusted working day
        (date(2026, 9, 25), False),  # 中秋
        (date(2026, 10, 1), False),  # 国庆
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday, adjusted working day
        (date(2026, 10, 11), False),  # ordinary Sunday
        (date(2025, 10, 8), False),
        (date(2025, 10, 11), True),  # Saturday, adjusted working day
        (date(2025, 3, 8), False),  # ordinary Saturday
        (date(2025, 3, 10), True),
    ],
)
def test_known_days(day: date, working: bool) -> None:
    assert cal.is_working_day(day) is working
    assert not cal.is_provisional(day)


def test_aware_datetime_is_taken_in_shanghai() -> None:
    # 2026-09-30 17:00 UTC is 2026-10-01 01:00 in Shanghai: National Day.
    assert cal.is_working_day(datetime(2026, 9, 30, 15, 59, tzinfo=timezone.utc)) is True
    assert cal.is_working_day(datetime(2026, 9, 30, 17, 0, tzinfo=timezone.utc)) is False


def test_naive_datetime_rejected() -> None:
    with pytest.raises(ValueError):
        cal.is_working_day(datetime(2026, 1, 5, 9))
    with pytest.raises(ValueError):
        cal.period_last_day(datetime(2026, 1, 5, 9), 20)
    with pytest.raises(ValueError):
        cal.period_end(datetime(2026, 1, 5, 9), 20)
    with pytest.raises(ValueError):
        cal.earliest_deadline(start=datetime(2026, 1, 5, 9), days=20, at=time(9))


def test_bad_counts_rejected() -> None:
    with pytest.raises(ValueError):
        cal.period_last_day(date(2026, 1, 5), 0)
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 1, 5), -1)
    with pytest.raises(TypeError):
        cal.period_last_day(date(2026, 1, 5), True)
    with pytest.raises(TypeError):
        cal.period_last_day(date(2026, 1, 5), 2.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        cal.earliest_deadline(start=sh(2026, 1, 5), days=20, at=time(9, tzinfo=TZ))


# ---------------------------------------------------------------------------
# Calendar-day periods


def test_start_day_not_counted() -> None:
    # 2026-03-02 (Mon) + 5 days: counting starts 03-03, 5th day is 03-07 (Sat) -> Mon 03-09.
    assert cal.period_last_day(date(2026, 3, 2), 4) == date(2026, 3, 6)
    assert cal.period_last_day(date(2026, 3, 2), 5) == date(2026, 3, 9)


def test_last_day_sunday_moves_to_monday() -> None:
    assert date(2025, 3, 9).weekday() == 6
    assert cal.period_last_day(date(2025, 2, 17), 20) == date(2025, 3, 10)


def test_last_day_adjusted_working_saturday_does_not_move() -> None:
    assert date(2026, 10, 10).weekday() == 5
    assert cal.period_last_day(date(2026, 9, 20), 20) == date(2026, 10, 10)
    # ... nor an adjusted working Sunday.
    assert cal.period_last_day(date(2026, 9, 10), 10) == date(2026, 9, 20)


def test_national_day_week_2026() -> None:
    # Nominal last day 10-01; the holiday runs to 10-07; the period ends 10-08.
    assert cal.period_last_day(date(2026, 9, 11), 20) == date(2026, 10, 8)
    for d in range(1, 8):
        start = date(2026, 10, d) - timedelta(days=20)
        assert cal.period_last_day(start, 20) == date(2026, 10, 8)


def test_spring_festival_2026() -> None:
    assert cal.period_last_day(date(2026, 1, 27), 20) == date(2026, 2, 24)
    # Last day on the adjusted working Saturday before the break stays.
    assert cal.period_last_day(date(2026, 1, 25), 20) == date(2026, 2, 14)


def test_period_end_is_midnight_after_last_day() -> None:
    end = cal.period_end(sh(2026, 9, 11, 10, 0), 20)
    assert end == sh(2026, 10, 9, 0, 0)
    assert end.tzinfo is TZ and end.utcoffset() == timedelta(hours=8)
    # The start instant is converted to Shanghai first: 2026-09-10 16:30 UTC is 09-11 00:30 local.
    assert cal.period_end(datetime(2026, 9, 10, 16, 30, tzinfo=timezone.utc), 20) == end


def test_earliest_deadline() -> None:
    d = cal.earliest_deadline(start=sh(2026, 9, 11, 16, 45), days=20, at=time(9, 30))
    assert d == sh(2026, 10, 8, 9, 30)
    # Not moved when the last day is a working day.
    assert cal.earliest_deadline(start=sh(2026, 3, 2, 9), days=20, at=time(9, 30)) == sh(2026, 3, 23, 9, 30)


# ---------------------------------------------------------------------------
# Working-day arithmetic


def test_add_working_days_across_national_day() -> None:
    assert cal.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert cal.add_working_days(date(2026, 9, 30), 2) == date(2026, 10, 9)
    assert cal.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)  # adjusted Saturday
    assert cal.add_working_days(date(2026, 9, 30), 4) == date(2026, 10, 12)
    assert cal.add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)


def test_add_working_days_year_boundary() -> None:
    # 2026-01-01..03 off, Sunday 01-04 is an adjusted working day.
    assert cal.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 4)
    assert cal.add_working_days(date(2025, 12, 31), 2) == date(2026, 1, 5)


def test_working_days_between() -> None:
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 7)) == 0
    assert cal.working_days_between(date(2026, 10, 8), date(2026, 10, 8)) == 0
    assert cal.working_days_between(date(2026, 10, 9), date(2026, 10, 8)) == 0
    # (a, b]: a excluded, b included.
    assert cal.working_days_between(date(2026, 10, 7), date(2026, 10, 8)) == 1
    assert cal.working_days_between(date(2026, 10, 8), date(2026, 10, 9)) == 1
    # A whole year agrees with the package's own count.
    expected = len(chinese_calendar.get_workdays(date(2025, 1, 1), date(2025, 12, 31)))
    assert cal.working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == expected


# ---------------------------------------------------------------------------
# Provisional years and supplied data


def test_2027_is_provisional() -> None:
    trace = ProvisionalTrace()
    assert cal.is_provisional(date(2027, 1, 1))
    assert not cal.is_provisional(date(2026, 12, 31))
    assert cal.is_working_day(date(2027, 1, 1), trace=trace) is False  # 元旦, Friday
    assert trace.provisional and trace.years == {2027}
    assert "2027" in trace.message_zh() and "2027" in trace.message_en()
    assert cal.is_working_day(date(2027, 5, 3)) is True  # Monday; 5-3 is no longer statutory
    assert cal.is_working_day(date(2027, 10, 1)) is False
    assert cal.provisional_years(date(2026, 12, 1), date(2028, 1, 1)) == {2027, 2028}
    assert cal.provisional_years(date(2026, 1, 1), date(2026, 12, 31)) == frozenset()


def test_trace_records_only_provisional_days_used() -> None:
    trace = ProvisionalTrace()
    assert cal.period_last_day(date(2026, 12, 1), 20, trace=trace) == date(2026, 12, 21)
    assert not trace.provisional
    assert trace.message_zh() == "" and trace.message_en() == ""
    # 2026-12-31 (Thu) + 1 working day: Fri 2027-01-01 is 元旦, weekend, Mon 01-04.
    assert cal.add_working_days(date(2026, 12, 31), 1, trace=trace) == date(2027, 1, 4)
    assert trace.provisional and trace.years == {2027}
    assert date(2027, 1, 1) in trace.days


# Synthetic data for tests only: NOT an official arrangement.
FAKE_2027 = YearData(
    holidays=frozenset({date(2027, 1, 1), date(2027, 1, 4)}),
    workdays=frozenset({date(2027, 1, 9)}),
    source="test data",
)


def test_extra_data_overrides_provisional_rule() -> None:
    c = ChinaCalendar(extra={2027: FAKE_2027}, bundled={})
    assert not c.is_provisional(date(2027, 6, 1))
    assert c.data_source(2027) == "test data"
    trace = ProvisionalTrace()
    assert c.is_working_day(date(2027, 1, 4), trace=trace) is False
    assert c.is_working_day(date(2027, 1, 9), trace=trace) is True  # working Saturday
    assert c.is_working_day(date(2027, 5, 2), trace=trace) is False  # ordinary Sunday
    assert c.is_working_day(date(2027, 10, 1), trace=trace) is True  # data say nothing: plain Friday
    assert not trace.provisional
    assert c.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 5)
    # Still provisional for other years.
    assert c.is_provisional(date(2028, 1, 1))


def test_source_precedence() -> None:
    other = YearData(holidays=frozenset(), workdays=frozenset(), source="bundled")
    c = ChinaCalendar(extra={2027: FAKE_2027}, bundled={2027: other})
    assert c.data_source(2027) == "bundled"
    assert c.is_working_day(date(2027, 1, 4)) is True
    # The package wins for the years it covers.
    fake_2026 = YearData(holidays=frozenset({date(2026, 3, 2)}), workdays=frozenset(), source="x")
    c = ChinaCalendar(extra={2026: fake_2026})
    assert c.is_working_day(date(2026, 3, 2)) is True


def test_load_year_data(tmp_path) -> None:
    path = tmp_path / "h.json"
    path.write_text(
        json.dumps(
            {
                "years": {
                    "2027": {
                        "holidays": ["2027-01-01", "2027-01-04"],
                        "workdays": ["2027-01-09"],
                        "source": "test data",
                    }
                }
            }
        ),
        encoding="utf-8",
    )
    data = load_year_data(path)
    assert data == {2027: FAKE_2027}
    assert load_year_data(str(path)) == data


@pytest.mark.parametrize(
    "years",
    [
        {"2027": {"holidays": ["2028-01-01"], "workdays": [], "source": "x"}},  # wrong year
        {"2027": {"holidays": ["2027-01-09"], "workdays": ["2027-01-09"], "source": "x"}},  # both
        {"2027": {"holidays": [], "workdays": ["2027-01-04"], "source": "x"}},  # Monday as workday
        {"2027": {"holidays": ["2027-02-30"], "workdays": [], "source": "x"}},  # not a date
        {"2027": {"holidays": "2027-01-01", "workdays": [], "source": "x"}},  # not a list
        {"2027": {"holidays": [], "workdays": []}},  # no source
        {"abc": {"holidays": [], "workdays": [], "source": "x"}},
    ],
)
def test_parse_year_data_rejects_bad_data(years: dict) -> None:
    with pytest.raises(ValueError):
        parse_year_data({"years": years})


def test_parse_year_data_requires_years() -> None:
    with pytest.raises(ValueError):
        parse_year_data({})


def test_inconsistent_extra_rejected() -> None:
    bad = YearData(holidays=frozenset({date(2028, 1, 1)}), workdays=frozenset(), source="x")
    with pytest.raises(ValueError):
        ChinaCalendar(extra={2027: bad})


# ---------------------------------------------------------------------------
# Properties (range spans both ends of the package's coverage)

dates = st.dates(min_value=date(2003, 6, 1), max_value=date(2028, 6, 30))
day_counts = st.integers(min_value=1, max_value=120)


@settings(max_examples=200, deadline=None)
@given(start=dates, a=day_counts, b=day_counts)
def test_period_last_day_monotone_in_days(start: date, a: int, b: int) -> None:
    a, b = sorted((a, b))
    assert cal.period_last_day(start, a) <= cal.period_last_day(start, b)


@settings(max_examples=200, deadline=None)
@given(s1=dates, s2=dates, days=day_counts)
def test_period_last_day_monotone_in_start(s1: date, s2: date, days: int) -> None:
    s1, s2 = sorted((s1, s2))
    assert cal.period_last_day(s1, days) <= cal.period_last_day(s2, days)


@settings(max_examples=200, deadline=None)
@given(start=dates, days=day_counts)
def test_period_last_day_is_first_working_day_on_or_after_nominal(start: date, days: int) -> None:
    last = cal.period_last_day(start, days)
    nominal = start + timedelta(days=days)
    assert cal.is_working_day(last)
    assert last >= nominal
    assert cal.working_days_between(nominal - timedelta(days=1), last - timedelta(days=1)) == 0
    assert cal.period_end(sh(start.year, start.month, start.day, 12), days) == sh(
        *(last + timedelta(days=1)).timetuple()[:3]
    )


@settings(max_examples=200, deadline=None)
@given(start=dates, n=st.integers(min_value=0, max_value=60))
def test_add_working_days_counts_exactly(start: date, n: int) -> None:
    result = cal.add_working_days(start, n)
    assert cal.working_days_between(start, result) == n
    if n:
        assert cal.is_working_day(result)
        assert cal.working_days_between(start, result - timedelta(days=1)) == n - 1


@settings(max_examples=100, deadline=None)
@given(start=dates, days=day_counts)
def test_trace_matches_is_provisional(start: date, days: int) -> None:
    trace = ProvisionalTrace()
    last = cal.period_last_day(start, days, trace=trace)
    nominal = start + timedelta(days=days)
    used = [nominal + timedelta(days=i) for i in range((last - nominal).days + 1)]
    assert trace.provisional == any(cal.is_provisional(d) for d in used)


def test_matches_package_for_every_covered_day() -> None:
    d, end = date(PACKAGE_YEARS.start, 1, 1), date(PACKAGE_YEARS.stop - 1, 12, 31)
    while d <= end:
        assert cal.is_working_day(d) is chinese_calendar.is_workday(d), d
        d += timedelta(days=1)
