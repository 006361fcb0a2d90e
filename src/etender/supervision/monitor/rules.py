"""The alert rules: pure functions over plain facts, in a registry (plugins).

Event rules run when a feed entry is applied (``EVENT_RULES[dataset]``); time rules run on every periodic
pass over the tenders still in progress (``TIME_RULES``).  Neither touches the ORM or the clock: the caller
passes the facts, ``now`` and the calendar.  Each rule returns :class:`Finding` objects; the dedupe key makes
raising them idempotent (``services.alert_raise``).  Periods are counted with ``kernel.calendar`` as the law
says: calendar days under 民法典 201/203 (start day not counted, a last day on a rest day moves to the next
working day) for E101, E104, E141, E145 and E148; the missing-record rules (E081, E082) are not legal periods.

Add a rule from anywhere with ``@event_rule("5xx")`` or ``@time_rule`` before the worker starts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from etender.kernel.calendar import TZ, ChinaCalendar
from etender.kernel.restrictive import restrictive_items

MIN_BID_DAYS = 20  # 招标投标法 24
MIN_CLARIFICATION_DAYS = 15  # 条例 21
MIN_PUBLICITY_DAYS = 3  # 条例 54
CONTRACT_DAYS = 30  # 招标投标法 46 (calendar days; the statute prevails over 12号令 49)
REPORT_DAYS = 15  # 招标投标法 47
OPENING_RECORD_GRACE = timedelta(hours=2)  # the opening record is sent when a lot's opening finishes (decryption window)


@dataclass(frozen=True)
class Finding:
    rule_code: str
    severity: str  # info / warning / critical
    message_zh: str
    message_en: str
    dedupe_key: str
    lot_code: str = ""


@dataclass
class TenderFacts:
    """What the rules may know about one tender (from the read model)."""

    code: str
    is_to_law: bool = True
    bid_open_time: datetime | None = None
    has_opening_record: bool = False
    has_publicity: bool = False
    results: dict[str, datetime] = field(default_factory=dict)  # lot code -> 513 notice time
    contracts: dict[str, datetime] = field(default_factory=dict)  # lot code -> 512 sign time
    written_report_at: datetime | None = None


@dataclass
class EventFacts:
    dataset: str
    key: str
    record: dict
    tender: TenderFacts


def parse_time(value) -> datetime | None:
    """A data-set time: ``YYYYMMDDHHMMSS`` (Beijing time), ``YYYYMMDD`` or RFC 3339; None if absent or malformed."""
    if not value or not isinstance(value, str):
        return None
    v = value.strip()
    try:
        if re.fullmatch(r"\d{14}", v):
            return datetime.strptime(v, "%Y%m%d%H%M%S").replace(tzinfo=TZ)
        if re.fullmatch(r"\d{8}", v):
            return datetime.strptime(v, "%Y%m%d").replace(tzinfo=TZ)
        d = datetime.fromisoformat(v.replace("Z", "+00:00"))
        return d if d.tzinfo else d.replace(tzinfo=TZ)
    except ValueError:
        return None


def _day(d: datetime) -> str:
    return d.astimezone(TZ).strftime("%Y-%m-%d")


def _hm(d: datetime) -> str:
    return d.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


EventRule = Callable[[EventFacts, ChinaCalendar], list[Finding]]
TimeRule = Callable[[TenderFacts, datetime, ChinaCalendar], list[Finding]]
EVENT_RULES: dict[str, list[EventRule]] = {}
TIME_RULES: list[TimeRule] = []


def event_rule(*datasets: str):
    def register(fn: EventRule) -> EventRule:
        for ds in datasets:
            EVENT_RULES.setdefault(ds, []).append(fn)
        return fn

    return register


def time_rule(fn: TimeRule) -> TimeRule:
    TIME_RULES.append(fn)
    return fn


def evaluate_event(facts: EventFacts, cal: ChinaCalendar) -> list[Finding]:
    out: list[Finding] = []
    for fn in EVENT_RULES.get(facts.dataset, []):
        out.extend(fn(facts, cal))
    return out


def evaluate_time(tender: TenderFacts, now: datetime, cal: ChinaCalendar) -> list[Finding]:
    out: list[Finding] = []
    for fn in TIME_RULES:
        out.extend(fn(tender, now, cal))
    return out


# -- legal periods ---------------------------------------------------------------------------------------


def bid_period_short(doc_start: datetime, deadline: datetime, cal: ChinaCalendar) -> str | None:
    """E101: the earliest lawful deadline day if ``deadline`` falls before it (20 days, 招标投标法 24)."""
    earliest = cal.period_last_day(doc_start, MIN_BID_DAYS)
    return earliest.isoformat() if deadline.astimezone(TZ).date() < earliest else None


@event_rule("503")
def e101_short_bid_period(f: EventFacts, cal: ChinaCalendar) -> list[Finding]:
    start, deadline = parse_time(f.record.get("DOC_GET_START_TIME")), parse_time(f.record.get("BID_DOC_REFER_END_TIME"))
    if not f.tender.is_to_law or not start or not deadline:
        return []
    earliest = bid_period_short(start, deadline, cal)
    if earliest is None:
        return []
    return [Finding("E101", "critical",
                    f"招标文件{_day(start)}开始发出，投标截止{_hm(deadline)}，不足20日（最早可定于{earliest}）",
                    f"tender documents issued from {_day(start)}, bid deadline {_hm(deadline)}: less than 20 days (earliest lawful day {earliest})",
                    f"E101:{f.tender.code}:{f.key}")]


def clarification_late(published: datetime, deadline: datetime, cal: ChinaCalendar) -> datetime | None:
    """E104: the earliest lawful deadline if a clarification published at ``published`` leaves fewer than 15 days."""
    at: time = deadline.astimezone(TZ).time().replace(tzinfo=None)
    earliest = cal.earliest_deadline(start=published, days=MIN_CLARIFICATION_DAYS, at=at)
    return earliest if deadline < earliest else None


@event_rule("504")
def e104_late_clarification(f: EventFacts, cal: ChinaCalendar) -> list[Finding]:
    published = parse_time(f.record.get("SUBMIT_TIME"))
    deadline = parse_time(f.record.get("BID_DOC_REFER_END_TIME")) or f.tender.bid_open_time
    if not published or not deadline:
        return []
    earliest = clarification_late(published, deadline, cal)
    if earliest is None:
        return []
    return [Finding("E104", "warning",
                    f"澄清或修改于{_hm(published)}发出，距投标截止{_hm(deadline)}不足15日；如影响投标文件编制，截止时间应顺延至{_hm(earliest)}以后",
                    f"clarification issued {_hm(published)}, less than 15 days before the deadline {_hm(deadline)}; if it affects bid preparation the deadline must move to {_hm(earliest)} or later",
                    f"E104:{f.tender.code}:{f.key}")]


def publicity_short(start: datetime, end: datetime, cal: ChinaCalendar) -> str | None:
    """E141: the last day the publicity must reach if it ends before it (3 days, 条例 54)."""
    last = cal.period_last_day(start, MIN_PUBLICITY_DAYS)
    return last.isoformat() if end.astimezone(TZ).date() < last else None


@event_rule("511")
def e141_short_publicity(f: EventFacts, cal: ChinaCalendar) -> list[Finding]:
    start, end = parse_time(f.record.get("PUBLICITY_START_TIME")), parse_time(f.record.get("PUBLICITY_END_TIME"))
    if not start or not end:
        return []
    last = publicity_short(start, end, cal)
    if last is None:
        return []
    return [Finding("E141", "critical",
                    f"中标候选人公示{_hm(start)}至{_hm(end)}，少于3日（应至少持续到{last}）",
                    f"candidate publicity from {_hm(start)} to {_hm(end)}: shorter than 3 days (must last until the end of {last})",
                    f"E141:{f.tender.code}:{f.key}")]


def contract_late(notice: datetime, signed: datetime, cal: ChinaCalendar) -> str | None:
    """E145: the last lawful day if the contract was signed after it (30 days from the award notice, 招标投标法 46)."""
    last = cal.period_last_day(notice, CONTRACT_DAYS)
    return last.isoformat() if signed.astimezone(TZ).date() > last else None


@event_rule("512")
def e145_late_contract(f: EventFacts, cal: ChinaCalendar) -> list[Finding]:
    lot = f.record.get("BID_SECTION_CODE") or ""
    signed, notice = parse_time(f.record.get("CONTRACT_SIGN_TIME")), f.tender.results.get(lot)
    if not signed or not notice:
        return []
    last = contract_late(notice, signed, cal)
    if last is None:
        return []
    return [Finding("E145", "critical",
                    f"标段{lot}中标结果{_day(notice)}公告，合同{_day(signed)}签订，超过30日（最迟{last}）",
                    f"lot {lot}: result announced {_day(notice)}, contract signed {_day(signed)}: more than 30 days (last day {last})",
                    f"E145:{lot}", lot_code=lot)]


@time_rule
def e145_contract_overdue(t: TenderFacts, now: datetime, cal: ChinaCalendar) -> list[Finding]:
    out = []
    for lot, notice in sorted(t.results.items()):
        if lot in t.contracts:
            continue
        end = cal.period_end(notice, CONTRACT_DAYS)
        if now >= end:
            out.append(Finding("E145", "warning",
                               f"标段{lot}中标结果{_day(notice)}公告，30日期限已于{_day(end - timedelta(days=1))}届满，仍未见合同",
                               f"lot {lot}: result announced {_day(notice)}; the 30-day period ended on {_day(end - timedelta(days=1))} and no contract is on record",
                               f"E145:{lot}", lot_code=lot))
    return out


def report_late(decided: datetime, reported: datetime, cal: ChinaCalendar) -> bool:
    """E148: the written report was submitted after the 15 days from deciding the winner (招标投标法 47)."""
    return reported >= cal.period_end(decided, REPORT_DAYS)


@time_rule
def e148_late_report(t: TenderFacts, now: datetime, cal: ChinaCalendar) -> list[Finding]:
    """Only where the data shows the report: no exchange data set carries the written report yet (docs/supervision.md)."""
    if not t.results or t.written_report_at is None:
        return []
    decided = min(t.results.values())
    if not report_late(decided, t.written_report_at, cal):
        return []
    return [Finding("E148", "warning",
                    f"中标人于{_day(decided)}确定，书面报告{_day(t.written_report_at)}提交，超过15日",
                    f"winner decided {_day(decided)}, written report submitted {_day(t.written_report_at)}: later than 15 days",
                    f"E148:{t.code}")]


# -- missing mandatory records --------------------------------------------------------------------------


def _e081_key(code: str, open_time: datetime) -> str:
    return f"E081:{code}:{open_time.astimezone(TZ):%Y%m%d%H%M}"


@time_rule
def e081_missing_opening_record(t: TenderFacts, now: datetime, cal: ChinaCalendar) -> list[Finding]:
    if t.bid_open_time is None or t.has_opening_record or now < t.bid_open_time + OPENING_RECORD_GRACE:
        return []
    return [Finding("E081", "critical",
                    f"开标时间{_hm(t.bid_open_time)}已过2小时，未见开标记录（506）",
                    f"the opening time {_hm(t.bid_open_time)} passed more than 2 hours ago and no opening record (506) is on record",
                    _e081_key(t.code, t.bid_open_time))]


@event_rule("513")
def e082_result_without_publicity(f: EventFacts, cal: ChinaCalendar) -> list[Finding]:
    if f.tender.has_publicity:
        return []
    lot = f.record.get("BID_SECTION_CODE") or ""
    return [Finding("E082", "critical",
                    f"标段{lot}已发布中标结果公告，但未见中标候选人公示（511）",
                    f"lot {lot}: a result was announced without a candidate publicity (511) on record",
                    f"E082:{lot}", lot_code=lot)]


# -- the awaited record arrives (closers) -------------------------------------------------------------------
# A missing-record alert says "not on record yet".  When the record arrives, the alert has done its work: a closer
# (registered with ``@closes("5xx")``, evaluated when an event of that data set is applied) returns a
# :class:`Closure` per open alert it settles; the service resolves it with the note, keeping message and severity,
# so the alert's history still shows that the record came late.  A closer never settles a real breach (a contract
# signed after the 30 days, a publicity that began after the result): those alerts stay open.


@dataclass(frozen=True)
class OpenAlert:
    rule_code: str
    dedupe_key: str
    raised_at: datetime


@dataclass(frozen=True)
class Closure:
    dedupe_key: str
    note_zh: str
    note_en: str
    late_minutes: int


Closer = Callable[[EventFacts, datetime, list[OpenAlert], ChinaCalendar], list[Closure]]
CLOSERS: dict[str, list[Closer]] = {}


def closes(*datasets: str):
    def register(fn: Closer) -> Closer:
        for ds in datasets:
            CLOSERS.setdefault(ds, []).append(fn)
        return fn

    return register


def evaluate_arrival(facts: EventFacts, arrived_at: datetime, open_alerts: list[OpenAlert], cal: ChinaCalendar) -> list[Closure]:
    """The open alerts of ``facts.tender`` that the arrival of this record settles."""
    out: list[Closure] = []
    for fn in CLOSERS.get(facts.dataset, []):
        out.extend(fn(facts, arrived_at, open_alerts, cal))
    return out


def delay_text(minutes: int) -> tuple[str, str]:
    """A delay in words (zh, en): minutes below an hour, hours and minutes below a day, else days and hours."""
    minutes = max(0, minutes)
    if minutes < 60:
        return f"{minutes}分钟", f"{minutes} min"
    if minutes < 24 * 60:
        return f"{minutes // 60}小时{minutes % 60}分钟", f"{minutes // 60} h {minutes % 60} min"
    days, rest = divmod(minutes, 24 * 60)
    return f"{days}天{rest // 60}小时", f"{days} d {rest // 60} h"


def _late(arrived_at: datetime, due: datetime) -> int:
    return max(0, int((arrived_at - due).total_seconds() // 60))


def lot_codes(record: dict) -> set[str]:
    raw = ";".join(str(record.get(name) or "") for name in ("BID_SECTION_CODE", "BID_SECTION_CODES"))
    return {c.strip() for c in raw.replace(",", ";").split(";") if c.strip()}


@closes("506")
def e081_opening_record_arrived(f: EventFacts, arrived_at: datetime, open_alerts: list[OpenAlert], cal: ChinaCalendar) -> list[Closure]:
    out = []
    for a in open_alerts:
        if a.rule_code != "E081" or not a.dedupe_key.startswith(f"E081:{f.tender.code}:"):
            continue
        opening = parse_time(a.dedupe_key.rsplit(":", 1)[1] + "00")
        due = opening + OPENING_RECORD_GRACE if opening else a.raised_at
        minutes = _late(arrived_at, due)
        zh, en = delay_text(minutes)
        out.append(Closure(a.dedupe_key,
                           f"开标记录（506）已于{_hm(arrived_at)}到达（迟到{zh}，应于{_hm(due)}前到达），告警自动关闭",
                           f"the opening record (506) arrived at {_hm(arrived_at)} ({en} late; expected by {_hm(due)}); alert closed automatically",
                           minutes))
    return out


@closes("511")
def e082_publicity_record_arrived(f: EventFacts, arrived_at: datetime, open_alerts: list[OpenAlert], cal: ChinaCalendar) -> list[Closure]:
    """Only a publicity that began before the lot's result was announced: else the result really came first."""
    start = parse_time(f.record.get("PUBLICITY_START_TIME"))
    lots = lot_codes(f.record)
    out = []
    for a in open_alerts:
        lot = a.dedupe_key.split(":", 1)[1] if a.rule_code == "E082" else ""
        if not lot or (lots and lot not in lots):
            continue
        notice = f.tender.results.get(lot)
        if start is None or (notice is not None and start >= notice):
            continue
        minutes = _late(arrived_at, a.raised_at)
        zh, en = delay_text(minutes)
        out.append(Closure(a.dedupe_key,
                           f"中标候选人公示记录（511，公示自{_hm(start)}起）已于{_hm(arrived_at)}到达（晚于中标结果公告记录{zh}），告警自动关闭",
                           f"the candidate publicity record (511, publicity from {_hm(start)}) arrived at {_hm(arrived_at)} ({en} after the result record); alert closed automatically",
                           minutes))
    return out


@closes("512")
def e145_contract_record_arrived(f: EventFacts, arrived_at: datetime, open_alerts: list[OpenAlert], cal: ChinaCalendar) -> list[Closure]:
    """The "no contract after 30 days" alert, when the contract was in fact signed within the 30 days."""
    lot = f.record.get("BID_SECTION_CODE") or ""
    signed, notice = parse_time(f.record.get("CONTRACT_SIGN_TIME")), f.tender.results.get(lot)
    if not lot or not signed or not notice or contract_late(notice, signed, cal) is not None:
        return []
    out = []
    for a in open_alerts:
        if a.rule_code != "E145" or a.dedupe_key != f"E145:{lot}":
            continue
        due = cal.period_end(notice, CONTRACT_DAYS)
        minutes = _late(arrived_at, due)
        zh, en = delay_text(minutes)
        out.append(Closure(a.dedupe_key,
                           f"合同记录（512）已于{_hm(arrived_at)}到达（迟到{zh}）；合同于{_day(signed)}签订，未超过30日，告警自动关闭",
                           f"the contract record (512) arrived at {_hm(arrived_at)} ({en} late); the contract was signed on {_day(signed)}, within the 30 days; alert closed automatically",
                           minutes))
    return out


# -- restrictive clauses (E110) -----------------------------------------------------------------------------
# The six items of 条例 32 / 1117号 (etender.kernel.restrictive, as the trading platform checks them before
# publication); supervision scans the published texts again because a platform may not check (or may be another's).

SCANNED_TEXTS = {"503": ("NOTICE_CONTENT", "OTHER_CONTENT"), "504": ("CLARIFY_CONTENT", "BID_QUALIFICATION"), "502": ("BID_QUALIFICATION", "BID_SECTION_CONTENT")}


@event_rule("502", "503", "504")
def e110_restrictive_clauses(f: EventFacts, cal: ChinaCalendar) -> list[Finding]:
    out = []
    for name in SCANNED_TEXTS.get(f.dataset, ()):
        for item, zh, en, words in restrictive_items(f.record.get(name) or ""):
            out.append(Finding("E110", "warning",
                               f"{f.dataset} {name} 第{item}项：{zh}（“{words}”）",
                               f"{f.dataset} {name} item {item}: {en} (“{words}”)",
                               f"E110:{f.tender.code}:{f.dataset}:{f.key}:{name}:{item}"))
    return out
