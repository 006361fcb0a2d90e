"""Checks of the rules table (china-rules.md, part A) that apply up to bid opening.

Pure functions over plain data: no ORM, no clock.  Each returns the
violations it finds (empty list = lawful) so a form can show them all at
once; procedure plugins choose which checks apply to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal

from etender.kernel.calendar import TZ, ChinaCalendar
from etender.kernel.codes import is_construction_works
from etender.kernel.errors import RuleViolation
from etender.kernel.restrictive import restrictive_items

SECURITY_RATE = Decimal("0.02")  # 条例 26
CONSTRUCTION_SECURITY_CAP = Decimal("800000")  # 工程建设项目施工招标投标办法 37
MIN_BID_DAYS = 20  # 招标投标法 24
MIN_DOC_DAYS = 5  # 条例 16
MIN_PREQ_DAYS = 5  # 条例 17
MIN_CLARIFICATION_DAYS = 15  # 条例 21
MIN_OBJECTION_DAYS = 10  # 条例 22
ANSWER_OBJECTION_DAYS = 3  # 条例 22


@dataclass
class LotPlan:
    number: int
    classification: str
    estimated_price: Decimal
    bid_security: Decimal = Decimal(0)
    max_price: Decimal | None = None
    min_price: Decimal | None = None


@dataclass
class TenderPlan:
    is_to_law: bool
    doc_get_start: datetime | None
    doc_get_end: datetime | None
    bid_deadline: datetime | None
    bid_open_time: datetime | None
    bid_validity_days: int | None
    lots: list[LotPlan] = field(default_factory=list)
    download_preconditions: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # field name -> text to scan (E110)
    preq_doc_end: datetime | None = None
    preq_deadline: datetime | None = None


def _fmt(dt: datetime | None) -> str:
    return dt.astimezone(TZ).strftime("%Y-%m-%d %H:%M") if dt else ""


def check_required_times(plan: TenderPlan) -> list[RuleViolation]:
    out = []
    for name in ("doc_get_start", "doc_get_end", "bid_deadline", "bid_open_time"):
        if getattr(plan, name) is None:
            out.append(RuleViolation("E009", detail_zh="必须填写", detail_en="required", field=name))
    if out:
        return out
    if plan.doc_get_end < plan.doc_get_start:  # type: ignore[operator]
        out.append(RuleViolation("E009", detail_zh="文件获取截止时间早于开始时间", detail_en="documents end before they start", field="doc_get_end"))
    if plan.doc_get_start > plan.bid_deadline:  # type: ignore[operator]
        out.append(RuleViolation("E009", detail_zh="文件获取开始时间晚于投标截止时间", detail_en="documents start after the bid deadline", field="doc_get_start"))
    return out


def check_bid_period(plan: TenderPlan, cal: ChinaCalendar) -> list[RuleViolation]:
    """E101: ≥ 20 days from the start of issuing documents to the deadline (mandatory tenders)."""
    if not plan.is_to_law or not plan.doc_get_start or not plan.bid_deadline:
        return []
    earliest = cal.period_last_day(plan.doc_get_start, MIN_BID_DAYS)
    deadline_day = plan.bid_deadline.astimezone(TZ).date()
    if deadline_day < earliest:
        return [
            RuleViolation(
                "E101",
                detail_zh=f"最早可定于{earliest:%Y-%m-%d}",
                detail_en=f"the earliest lawful deadline day is {earliest:%Y-%m-%d}",
                field="bid_deadline",
                params={"earliest_day": earliest.isoformat()},
            )
        ]
    return []


def check_doc_period(plan: TenderPlan, cal: ChinaCalendar) -> list[RuleViolation]:
    """E102: documents available for ≥ 5 days."""
    if not plan.doc_get_start or not plan.doc_get_end:
        return []
    earliest = cal.period_last_day(plan.doc_get_start, MIN_DOC_DAYS)
    if plan.doc_get_end.astimezone(TZ).date() < earliest:
        return [
            RuleViolation(
                "E102",
                detail_zh=f"文件获取截止不得早于{earliest:%Y-%m-%d}",
                detail_en=f"documents must stay available until at least {earliest:%Y-%m-%d}",
                field="doc_get_end",
                params={"earliest_day": earliest.isoformat()},
            )
        ]
    return []


def check_preq_period(plan: TenderPlan, cal: ChinaCalendar) -> list[RuleViolation]:
    """E103: ≥ 5 days from the end of issuing pre-qualification documents to the application deadline."""
    if not plan.preq_doc_end or not plan.preq_deadline:
        return []
    earliest = cal.period_last_day(plan.preq_doc_end, MIN_PREQ_DAYS)
    if plan.preq_deadline.astimezone(TZ).date() < earliest:
        return [
            RuleViolation(
                "E103",
                detail_zh=f"申请截止不得早于{earliest:%Y-%m-%d}",
                detail_en=f"the application deadline may not be before {earliest:%Y-%m-%d}",
                field="preq_deadline",
            )
        ]
    return []


def check_bid_validity(plan: TenderPlan) -> list[RuleViolation]:
    """E111: the bid validity period must be stated."""
    if not plan.bid_validity_days:
        return [RuleViolation("E111", field="bid_validity_days")]
    return []


def check_security(plan: TenderPlan) -> list[RuleViolation]:
    """E112 (≤ 2% of the estimate) and E113 (construction works ≤ 800,000 yuan)."""
    out = []
    for lot in plan.lots:
        cap = (lot.estimated_price * SECURITY_RATE).quantize(Decimal("0.01"))
        if lot.bid_security > cap:
            out.append(
                RuleViolation(
                    "E112",
                    detail_zh=f"第{lot.number}标段上限为{cap}元",
                    detail_en=f"lot {lot.number}: at most {cap} yuan",
                    field=f"lots.{lot.number}.bid_security",
                    params={"lot": lot.number, "cap": str(cap)},
                )
            )
        if is_construction_works(lot.classification) and lot.bid_security > CONSTRUCTION_SECURITY_CAP:
            out.append(
                RuleViolation(
                    "E113",
                    detail_zh=f"第{lot.number}标段",
                    detail_en=f"lot {lot.number}",
                    field=f"lots.{lot.number}.bid_security",
                    params={"lot": lot.number, "cap": str(CONSTRUCTION_SECURITY_CAP)},
                )
            )
    return out


def check_price_limits(plan: TenderPlan) -> list[RuleViolation]:
    """E114: no minimum bid price; a maximum price, if any, is published with the announcement."""
    out = []
    for lot in plan.lots:
        if lot.min_price is not None:
            out.append(RuleViolation("E114", detail_zh=f"第{lot.number}标段", detail_en=f"lot {lot.number}", field=f"lots.{lot.number}.min_price"))
        if lot.max_price is not None and lot.max_price <= 0:
            out.append(RuleViolation("E001", detail_zh="最高投标限价须大于0", detail_en="the maximum price must be positive", field=f"lots.{lot.number}.max_price"))
    return out


def check_download_preconditions(plan: TenderPlan) -> list[RuleViolation]:
    """E116: nothing but platform registration may stand before downloading the documents."""
    if plan.download_preconditions:
        return [
            RuleViolation(
                "E116",
                detail_zh="、".join(plan.download_preconditions),
                detail_en=", ".join(plan.download_preconditions),
                field="download_preconditions",
            )
        ]
    return []


def check_opening_time(plan: TenderPlan) -> list[RuleViolation]:
    """E126: the opening takes place at the bid deadline."""
    if plan.bid_open_time and plan.bid_deadline and plan.bid_open_time != plan.bid_deadline:
        return [RuleViolation("E126", field="bid_open_time")]
    return []


def scan_restrictive(texts: dict[str, str]) -> list[RuleViolation]:
    """E110: find restrictive clauses; reports the item and the words found."""
    out = []
    for field_name, text in texts.items():
        for item, zh, en, words in restrictive_items(text):
            out.append(
                RuleViolation(
                    "E110",
                    detail_zh=f"第{item}项：{zh}（“{words}”）",
                    detail_en=f"item {item}: {en} (“{words}”)",
                    field=field_name,
                    params={"item": item, "match": words},
                )
            )
    return out


def earliest_clarified_deadline(published_at: datetime, deadline: datetime, cal: ChinaCalendar) -> datetime:
    """The earliest lawful deadline after a clarification published at ``published_at`` (条例 21).

    It keeps the deadline's time of day on the last day of a 15-day period.
    """
    at: time = deadline.astimezone(TZ).timetz().replace(tzinfo=None)
    return cal.earliest_deadline(start=published_at, days=MIN_CLARIFICATION_DAYS, at=at)


def check_clarification(
    *, published_at: datetime, deadline: datetime, new_deadline: datetime | None, affects_preparation: bool, cal: ChinaCalendar
) -> tuple[datetime, list[RuleViolation]]:
    """E104: returns the deadline that applies after the clarification, or the violation.

    With fewer than 15 days left, a clarification that may affect bid
    preparation extends the deadline: to ``new_deadline`` if given and late
    enough, otherwise to the earliest lawful deadline.
    """
    target = new_deadline or deadline
    if new_deadline is not None and new_deadline < deadline:
        return deadline, [RuleViolation("E009", detail_zh="不得提前投标截止时间", detail_en="the deadline may not be brought forward", field="new_deadline")]
    if not affects_preparation:
        return target, []
    earliest = earliest_clarified_deadline(published_at, deadline, cal)
    if target >= earliest:
        return target, []
    if new_deadline is not None:
        return deadline, [
            RuleViolation(
                "E104",
                detail_zh=f"截止时间最早为{_fmt(earliest)}",
                detail_en=f"the deadline must be at least {_fmt(earliest)}",
                field="new_deadline",
                params={"earliest": earliest.isoformat()},
            )
        ]
    return earliest, []


def check_objection_timing(*, raised_at: datetime, deadline: datetime, cal: ChinaCalendar) -> list[RuleViolation]:
    """E106 (条例 22): objections to the tender documents come ≥ 10 days before the deadline."""
    if deadline.astimezone(TZ).date() < cal.period_last_day(raised_at, MIN_OBJECTION_DAYS):
        return [
            RuleViolation(
                "E106",
                detail_zh="对招标文件的异议应当在投标截止时间10日前提出",
                detail_en="objections to the tender documents must be raised at least 10 days before the bid deadline",
                field="content",
            )
        ]
    return []

