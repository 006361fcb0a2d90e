"""Each rule of table (A) in scope triggers its code (pure checks, no database)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

import pytest

from etender.kernel.calendar import TZ, ChinaCalendar
from etender.trading.procedures import rules
from etender.trading.procedures.base import Procedure

CAL = ChinaCalendar()


def at(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def plan(**kw) -> rules.TenderPlan:
    base = dict(
        is_to_law=True,
        doc_get_start=at(2026, 3, 2),
        doc_get_end=at(2026, 3, 10, 17),
        bid_deadline=at(2026, 3, 27, 9, 30),
        bid_open_time=at(2026, 3, 27, 9, 30),
        bid_validity_days=90,
        lots=[rules.LotPlan(number=1, classification="A08", estimated_price=Decimal("12000000"), bid_security=Decimal("200000"))],
    )
    base.update(kw)
    return rules.TenderPlan(**base)


class Open(Procedure):
    key = "rules-test"
    tender_mode = "1"
    name_zh = name_en = "test"


def codes(p: rules.TenderPlan) -> list[str]:
    return [v.code for v in Open().publication_checks(p, CAL)]


def test_lawful_plan_has_no_violation():
    assert codes(plan()) == []


def test_e101_bid_period_shorter_than_20_days():
    # 2026-03-02 + 20 days = 03-22 (Sunday) -> last day moves to Monday 03-23.
    assert "E101" in codes(plan(bid_deadline=at(2026, 3, 22, 9), bid_open_time=at(2026, 3, 22, 9)))
    assert "E101" not in codes(plan(bid_deadline=at(2026, 3, 23, 9), bid_open_time=at(2026, 3, 23, 9)))


def test_e101_only_for_tenders_required_by_law():
    assert "E101" not in codes(plan(is_to_law=False, bid_deadline=at(2026, 3, 12, 9), bid_open_time=at(2026, 3, 12, 9)))


def test_e101_last_day_on_a_holiday_moves_to_next_working_day():
    # Documents from 2026-09-11: the 20th day is 10-01 (National Day); the holiday runs to 10-07, so the last day is 10-08.
    start = at(2026, 9, 11)
    last = CAL.period_last_day(start, 20)
    assert last == datetime(2026, 10, 8).date()
    assert "E101" in codes(plan(doc_get_start=start, doc_get_end=at(2026, 9, 18, 17), bid_deadline=at(2026, 10, 7, 9), bid_open_time=at(2026, 10, 7, 9)))
    assert "E101" not in codes(plan(doc_get_start=start, doc_get_end=at(2026, 9, 18, 17), bid_deadline=at(2026, 10, 8, 9), bid_open_time=at(2026, 10, 8, 9)))


def test_e102_documents_available_less_than_5_days():
    assert "E102" in codes(plan(doc_get_end=at(2026, 3, 6, 17)))
    assert "E102" not in codes(plan(doc_get_end=at(2026, 3, 9, 17)))


def test_e102_exact_boundary_with_weekend():
    last = CAL.period_last_day(at(2026, 3, 2), 5)
    assert last.isoformat() == "2026-03-09"  # 03-07 is Saturday
    assert "E102" in codes(plan(doc_get_end=at(2026, 3, 8, 23, 59)))


def test_e103_prequalification_application_time():
    p = plan(preq_doc_end=at(2026, 3, 9, 17), preq_deadline=at(2026, 3, 12, 9))
    assert "E103" in codes(p)
    assert "E103" not in codes(plan(preq_doc_end=at(2026, 3, 9, 17), preq_deadline=at(2026, 3, 16, 9)))


def test_e111_bid_validity_must_be_stated():
    assert "E111" in codes(plan(bid_validity_days=None))
    assert "E111" in codes(plan(bid_validity_days=0))


def test_e112_security_over_2_percent():
    lots = [rules.LotPlan(number=1, classification="C01", estimated_price=Decimal("1000000"), bid_security=Decimal("20000.01"))]
    assert codes(plan(lots=lots)) == ["E112"]
    lots = [rules.LotPlan(number=1, classification="C01", estimated_price=Decimal("1000000"), bid_security=Decimal("20000.00"))]
    assert codes(plan(lots=lots)) == []


def test_e113_construction_security_cap():
    lots = [rules.LotPlan(number=1, classification="A08", estimated_price=Decimal("100000000"), bid_security=Decimal("800000.01"))]
    assert codes(plan(lots=lots)) == ["E113"]
    lots[0].classification = "A05"  # supervision services: only the 2% cap
    assert codes(plan(lots=lots)) == []


def test_e114_minimum_bid_price_forbidden():
    lots = [rules.LotPlan(number=1, classification="A08", estimated_price=Decimal("12000000"), bid_security=Decimal(0), min_price=Decimal("9000000"))]
    assert codes(plan(lots=lots)) == ["E114"]


def test_e116_no_download_preconditions():
    assert codes(plan(download_preconditions=["报名审核"])) == ["E116"]


def test_e126_opening_time_equals_deadline():
    assert codes(plan(bid_open_time=at(2026, 3, 27, 14))) == ["E126"]


@pytest.mark.parametrize(
    "text,item",
    [
        ("在本市有类似业绩的加5分", 1),
        ("投标设备须为指定品牌A公司产品", 2),
        ("投标人须为国有企业", 3),
        ("中标后须在本市设立分公司", 4),
        ("投标人须在本地缴纳社保", 5),
        ("投标人注册地须在本市", 6),
        ("投标人须在本地注册", 6),
    ],
)
def test_e110_restrictive_clauses(text, item):
    found = rules.scan_restrictive({"qualification": f"资格要求：{text}。"})
    assert [v.code for v in found] == ["E110"]
    assert found[0].params["item"] == item
    assert f"第{item}项" in found[0].detail_zh


def test_e110_clean_text_passes():
    assert rules.scan_restrictive({"q": "具备市政公用工程施工总承包二级及以上资质，近三年无重大质量事故。"}) == []


def test_e104_clarification_less_than_15_days_extends():
    published = at(2026, 3, 20, 10)
    deadline = at(2026, 3, 27, 9, 30)
    new, problems = rules.check_clarification(published_at=published, deadline=deadline, new_deadline=None, affects_preparation=True, cal=CAL)
    assert problems == []
    # 15 days after 03-20 is 04-04 (Saturday, Qingming weekend); 04-05/06 are holidays -> 04-07.
    assert new == datetime.combine(CAL.period_last_day(published, 15), time(9, 30), tzinfo=TZ)
    assert new.date().isoformat() == "2026-04-07"


def test_e104_chosen_deadline_too_early_is_refused():
    published = at(2026, 3, 20, 10)
    _, problems = rules.check_clarification(published_at=published, deadline=at(2026, 3, 27, 9, 30), new_deadline=at(2026, 4, 1, 9, 30), affects_preparation=True, cal=CAL)
    assert [v.code for v in problems] == ["E104"]


def test_e104_not_affecting_preparation_keeps_deadline():
    deadline = at(2026, 3, 27, 9, 30)
    new, problems = rules.check_clarification(published_at=at(2026, 3, 20, 10), deadline=deadline, new_deadline=None, affects_preparation=False, cal=CAL)
    assert (new, problems) == (deadline, [])


def test_e106_objection_less_than_10_days_before_deadline():
    deadline = at(2026, 3, 27, 9, 30)
    assert [v.code for v in rules.check_objection_timing(raised_at=at(2026, 3, 18, 10), deadline=deadline, cal=CAL)] == ["E106"]
    assert rules.check_objection_timing(raised_at=at(2026, 3, 16, 10), deadline=deadline, cal=CAL) == []
