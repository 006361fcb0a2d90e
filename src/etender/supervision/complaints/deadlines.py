"""The statutory time limits of a complaint, as pure functions over dates (no ORM, no clock).

- Lodging (条例 60): within 10 days of the day the complainant knew or should have known.  A period in
  days, counted under 民法典 201/203: the day of knowing is not counted, a last day falling on a rest day
  moves to the next working day.  For matters that need an objection first (条例 22, 44, 54) the time the
  objection was pending — from the day it was raised to the day it was answered, or to the day the
  tenderer's answer period lapsed — is not counted (条例 60 para 2).
- Acceptance (条例 61): within 3 working days of the day the complaint was received.
- Decision (条例 61): within 30 working days of the day it was accepted; the working days of inspection,
  testing, appraisal or expert review are not counted.  A suspension from day S to day E excludes the
  working days S+1 … E (as a period, the starting day is not counted); while it is open the due date is
  unknown.
Each "due" is the last day on which the act is in time; the step is overdue from 00:00 of the next day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from etender.kernel.calendar import TZ, ChinaCalendar, default_calendar

LODGING_DAYS = 10
ACCEPTANCE_WORKING_DAYS = 3
DECISION_WORKING_DAYS = 30


def objection_pending_days(*, objection_on: date | None, answer_on: date | None, answer_days: int, today: date) -> int:
    """Calendar days the objection was pending: from raising it to its answer (or the lapse of the answer period)."""
    if objection_on is None:
        return 0
    lapse = objection_on + timedelta(days=answer_days)
    end = answer_on if answer_on is not None and answer_on <= lapse else lapse
    end = min(end, max(today, objection_on))
    return max(0, (end - objection_on).days)


def lodging_last_day(*, known_on: date, pending_days: int = 0, cal: ChinaCalendar | None = None) -> date:
    """The last day a complaint may be lodged (条例 60)."""
    return (cal or default_calendar()).period_last_day(known_on, LODGING_DAYS + pending_days)


def acceptance_due(*, received_on: date, cal: ChinaCalendar | None = None) -> date:
    """The last day to decide whether to accept (the 3rd working day after receipt)."""
    return (cal or default_calendar()).add_working_days(received_on, ACCEPTANCE_WORKING_DAYS)


def suspended_working_days(periods: Iterable[tuple[date, date]], cal: ChinaCalendar | None = None) -> int:
    """Working days of closed suspensions (started_on, ended_on): those in (started_on, ended_on]."""
    cal = cal or default_calendar()
    return sum(cal.working_days_between(s, e) for s, e in periods)


def decision_due(*, accepted_on: date, suspensions: Iterable[tuple[date, date | None]], cal: ChinaCalendar | None = None) -> date | None:
    """The last day for the written decision, or None while a suspension is open."""
    cal = cal or default_calendar()
    periods = list(suspensions)
    if any(end is None for _, end in periods):
        return None
    return cal.add_working_days(accepted_on, DECISION_WORKING_DAYS + suspended_working_days(periods, cal))  # type: ignore[arg-type]


def overdue_from(due: date) -> datetime:
    """The instant a step due on ``due`` becomes overdue: 00:00 (Beijing) of the next day."""
    return datetime.combine(due + timedelta(days=1), time(0), tzinfo=TZ)


def local_date(moment: datetime) -> date:
    return moment.astimezone(TZ).date()
