"""The rules of the award stage as pure functions (no ORM, no clock): periods and term checks.

Periods follow the Civil Code as ``kernel.calendar`` implements it (民法典 201: the start day is not
counted; 203: a period whose last day is a rest day ends on the next working day; an act is in time
strictly before 24:00 of the last day).  Every "N days" here is in calendar days, as the statutes say;
only W143 counts working days (评标委员会和评标方法暂行规定 40).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from etender.kernel.calendar import ChinaCalendar
from etender.kernel.errors import RuleViolation

PUBLISH_WITHIN_DAYS = 3  # 条例 54: publicity within 3 days of receiving the report
PUBLICITY_MIN_DAYS = 3  # 条例 54: publicity not shorter than 3 days
ANSWER_WITHIN_DAYS = 3  # 条例 54: objection answered within 3 days
CONTRACT_WITHIN_DAYS = 30  # 招标投标法 46 (the statute's calendar days prevail over 12号令 49)
REFUND_WITHIN_DAYS = 5  # 条例 57
REPORT_WITHIN_DAYS = 15  # 招标投标法 47
VALIDITY_MARGIN_WORKING_DAYS = 30  # 评标委员会和评标方法暂行规定 40 (W143)
PERFORMANCE_SECURITY_CAP = Decimal("0.10")  # 条例 58

#: 条例 55: the reasons that allow a state-funded project to pass over the first-ranked candidate.
PASS_REASONS = ("gave_up", "cannot_perform", "no_security", "illegal")


def deadline(cal: ChinaCalendar, start: datetime, days: int) -> datetime:
    """The instant a period of ``days`` calendar days from ``start`` has run out (act strictly before it)."""
    return cal.period_end(start, days)


def publicity_deadline(cal: ChinaCalendar, report_received_at: datetime) -> datetime:
    return deadline(cal, report_received_at, PUBLISH_WITHIN_DAYS)


def publicity_minimum_end(cal: ChinaCalendar, start: datetime) -> datetime:
    """The earliest end of a publicity starting at ``start``: 3 full days after the start day."""
    return deadline(cal, start, PUBLICITY_MIN_DAYS)


def check_publicity(*, cal: ChinaCalendar, report_received_at: datetime, start: datetime, end: datetime, late_reason: str) -> tuple[bool, list[RuleViolation]]:
    """(late, problems): E141 when the publicity is shorter than 3 days, or starts after the 3-day limit
    without a stated reason (a stated reason lets it go on, flagged as late, e.g. after a suspension)."""
    problems = []
    minimum = publicity_minimum_end(cal, start)
    if end < minimum:
        problems.append(RuleViolation("E141", detail_zh=f"公示结束时间不得早于{_local(minimum)}", detail_en=f"the publicity may not end before {_local(minimum)}", field="end_at", params={"minimum_end": minimum.isoformat()}))
    limit = publicity_deadline(cal, report_received_at)
    late = start >= limit
    if late and not late_reason.strip():
        problems.append(RuleViolation("E141", detail_zh=f"应在收到评标报告之日起3日内（{_local(limit)}前）公示；逾期须说明理由", detail_en=f"the publicity had to start within 3 days of receiving the report (before {_local(limit)}); state the reason for the delay", field="late_reason", params={"limit": limit.isoformat()}))
    return late, problems


def check_award(*, state_funded: bool, rank: int, higher_ranks_passed: list[int], reason: str) -> list[RuleViolation]:
    """E142: a state-funded project awards rank 1 unless one of the reasons of 条例 55 applies to every
    candidate passed over (the reason is stated for the first-ranked one)."""
    if rank == 1 or not state_funded:
        return []
    if reason not in PASS_REASONS:
        return [RuleViolation("E142", detail_zh="须说明排名第一的中标候选人不能中标的法定情形（放弃中标、不能履行合同、未提交履约保证金、查实存在影响中标结果的违法行为）", detail_en="state which reason of 条例 55 applies to the first-ranked candidate (gave up, cannot perform, no performance security, illegal conduct)", field="reason")]
    return []


def validity_end(cal: ChinaCalendar, bid_deadline: datetime | None, validity_days: int | None) -> datetime | None:
    """投标有效期 runs from the bid deadline (条例 25)."""
    if bid_deadline is None or not validity_days:
        return None
    return deadline(cal, bid_deadline, validity_days)


def validity_warning(cal: ChinaCalendar, now: datetime, ends: datetime | None) -> RuleViolation | None:
    """W143 when fewer than 30 working days are left of the bid validity."""
    if ends is None:
        return None
    left = cal.working_days_between(now, ends)
    if left < VALIDITY_MARGIN_WORKING_DAYS:
        return RuleViolation("W143", detail_zh=f"投标有效期于{_local(ends)}届满，仅余{left}个工作日，请要求投标人延长投标有效期", detail_en=f"the bid validity ends {_local(ends)}, {left} working days from now: ask the bidders to extend it", params={"working_days_left": left, "validity_ends": ends.isoformat()})
    return None


@dataclass(frozen=True)
class Terms:
    price: Decimal
    duration_days: int | None
    quality: str
    scope: str


def check_contract_terms(*, contract: Terms, bid: Terms, tender: Terms) -> list[RuleViolation]:
    """E145 naming each key term (条例 57: 标的、价款、质量、履行期限) that differs from the tender or the winning bid."""
    problems = []

    def bad(field: str, zh: str, en: str) -> None:
        problems.append(RuleViolation("E145", detail_zh=zh, detail_en=en, field=field, params={"term": field}))

    if contract.price != bid.price:
        bad("price", f"合同价款{contract.price}元与中标价{bid.price}元不一致", f"contract price {contract.price} differs from the winning bid {bid.price}")
    expected_duration = bid.duration_days or tender.duration_days
    if expected_duration and contract.duration_days != expected_duration:
        bad("duration_days", f"履行期限{contract.duration_days}日与投标文件{expected_duration}日不一致", f"duration {contract.duration_days} days differs from the bid's {expected_duration} days")
    if tender.duration_days and contract.duration_days and contract.duration_days > tender.duration_days:
        bad("duration_days", f"履行期限{contract.duration_days}日超过招标文件要求的{tender.duration_days}日", f"duration {contract.duration_days} days exceeds the tender's {tender.duration_days} days")
    expected_quality = (bid.quality or tender.quality).strip()
    if expected_quality and contract.quality.strip() != expected_quality:
        bad("quality", f"质量标准“{contract.quality}”与投标文件“{expected_quality}”不一致", f"quality '{contract.quality}' differs from the bid's '{expected_quality}'")
    if _norm(contract.scope) != _norm(tender.scope):
        bad("scope", "合同标的（范围）与招标文件不一致", "the scope differs from the tender documents")
    return problems


def check_performance_security(*, amount: Decimal, contract_price: Decimal) -> list[RuleViolation]:
    cap = (contract_price * PERFORMANCE_SECURITY_CAP).quantize(Decimal("0.01"))
    if amount > cap:
        return [RuleViolation("E147", detail_zh=f"{amount}元超过上限{cap}元", detail_en=f"{amount} exceeds the cap of {cap}", field="performance_security", params={"cap": str(cap)})]
    return []


def _norm(text: str) -> str:
    return "".join(text.split())


def _local(dt: datetime) -> str:
    from etender.kernel.calendar import TZ

    return dt.astimezone(TZ).strftime("%Y-%m-%d %H:%M")
