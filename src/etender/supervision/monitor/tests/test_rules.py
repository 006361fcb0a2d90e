"""Each alert rule at its boundary, on the real holiday calendar (pure: no database)."""

from __future__ import annotations

from datetime import datetime

from etender.kernel.calendar import TZ, default_calendar

from .. import rules
from ..jurisdiction import region_prefix, scope_for
from ..rules import EventFacts, TenderFacts

CAL = default_calendar()


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def t14(d: datetime) -> str:
    return d.strftime("%Y%m%d%H%M%S")


def event(ds: str, record: dict, **tender) -> list[rules.Finding]:
    return rules.evaluate_event(EventFacts(dataset=ds, key="k", record=record, tender=TenderFacts(code="T1", **tender)), CAL)


def codes(findings) -> list[str]:
    return [f.rule_code for f in findings]


def test_e101_twenty_calendar_days_from_the_start_of_issuing():
    start = at(2026, 11, 4, 9)  # Wed; day 20 is Tue 24 Nov, a working day
    assert codes(event("503", {"DOC_GET_START_TIME": t14(start), "BID_DOC_REFER_END_TIME": t14(at(2026, 11, 24, 9, 0))})) == []
    short = event("503", {"DOC_GET_START_TIME": t14(start), "BID_DOC_REFER_END_TIME": t14(at(2026, 11, 23, 23, 59, 59))})
    assert codes(short) == ["E101"] and "2026-11-24" in short[0].message_zh and short[0].severity == "critical"
    assert event("503", {"DOC_GET_START_TIME": t14(start), "BID_DOC_REFER_END_TIME": t14(at(2026, 11, 23, 9))}, is_to_law=False) == []  # not a mandatory tender


def test_e101_a_last_day_on_a_weekend_moves_to_the_next_working_day():
    start = at(2026, 11, 2, 9)  # day 20 is Sun 22 Nov → Mon 23 Nov (民法典 203)
    assert CAL.period_last_day(start, 20).isoformat() == "2026-11-23"
    assert codes(event("503", {"DOC_GET_START_TIME": t14(start), "BID_DOC_REFER_END_TIME": t14(at(2026, 11, 22, 9))})) == ["E101"]
    assert codes(event("503", {"DOC_GET_START_TIME": t14(start), "BID_DOC_REFER_END_TIME": t14(at(2026, 11, 23, 9))})) == []


def test_e104_fifteen_days_between_the_clarification_and_the_deadline_day():
    published = at(2026, 11, 4, 10)
    assert codes(event("504", {"SUBMIT_TIME": t14(published), "BID_DOC_REFER_END_TIME": t14(at(2026, 11, 19, 9, 30))})) == []
    assert codes(event("504", {"SUBMIT_TIME": t14(published), "BID_DOC_REFER_END_TIME": t14(at(2026, 11, 18, 23, 59))})) == ["E104"]
    # without a deadline in the record, the tender's known opening time is used
    assert codes(event("504", {"SUBMIT_TIME": t14(published)}, bid_open_time=at(2026, 11, 18, 9, 30))) == ["E104"]


def test_e141_three_days_of_publicity():
    start = at(2026, 11, 23, 9)  # Mon → last day Thu 26 Nov
    assert codes(event("511", {"PUBLICITY_START_TIME": t14(start), "PUBLICITY_END_TIME": t14(at(2026, 11, 26, 17))})) == []
    assert codes(event("511", {"PUBLICITY_START_TIME": t14(start), "PUBLICITY_END_TIME": t14(at(2026, 11, 25, 23, 59, 59))})) == ["E141"]
    start = at(2026, 11, 25, 9)  # Wed → day 3 is Sat 28 → Mon 30 Nov
    assert codes(event("511", {"PUBLICITY_START_TIME": t14(start), "PUBLICITY_END_TIME": t14(at(2026, 11, 29, 23, 59))})) == ["E141"]
    assert codes(event("511", {"PUBLICITY_START_TIME": t14(start), "PUBLICITY_END_TIME": t14(at(2026, 11, 30, 0, 0))})) == []


def test_e145_contract_within_thirty_days_of_the_award():
    results = {"L1": at(2026, 11, 2, 9)}  # day 30: Wed 2 Dec
    assert codes(event("512", {"BID_SECTION_CODE": "L1", "CONTRACT_SIGN_TIME": t14(at(2026, 12, 2, 18))}, results=results)) == []
    late = event("512", {"BID_SECTION_CODE": "L1", "CONTRACT_SIGN_TIME": t14(at(2026, 12, 3, 9))}, results=results)
    assert codes(late) == ["E145"] and late[0].dedupe_key == "E145:L1"
    assert event("512", {"BID_SECTION_CODE": "L2", "CONTRACT_SIGN_TIME": t14(at(2027, 3, 1, 9))}, results=results) == []  # no result known for that lot


def test_e145_overdue_without_a_contract_and_the_same_key_as_the_late_one():
    t = TenderFacts(code="T1", results={"L1": at(2026, 11, 2, 9)})
    assert rules.evaluate_time(t, at(2026, 12, 2, 23, 59, 59), CAL) == []
    found = rules.evaluate_time(t, at(2026, 12, 3, 0, 0), CAL)
    assert codes(found) == ["E145"] and found[0].dedupe_key == "E145:L1"  # the late contract later does not raise a second alert
    t.contracts["L1"] = at(2026, 12, 5, 9)
    assert rules.evaluate_time(t, at(2026, 12, 9), CAL) == []


def test_e148_written_report_within_fifteen_days_when_the_data_shows_it():
    decided = at(2026, 11, 2, 9)  # day 15: Tue 17 Nov
    t = TenderFacts(code="T1", results={"L1": decided}, contracts={"L1": decided}, written_report_at=at(2026, 11, 17, 23, 59))
    assert rules.evaluate_time(t, at(2026, 12, 20), CAL) == []
    t.written_report_at = at(2026, 11, 18, 0, 0)
    assert codes(rules.evaluate_time(t, at(2026, 12, 20), CAL)) == ["E148"]
    t.written_report_at = None  # no data set carries the report: nothing is claimed
    assert rules.evaluate_time(t, at(2026, 12, 20), CAL) == []


def test_e081_opening_record_missing_two_hours_after_the_opening_time():
    t = TenderFacts(code="T1", bid_open_time=at(2026, 11, 25, 10))
    assert rules.evaluate_time(t, at(2026, 11, 25, 11, 59, 59), CAL) == []
    assert codes(rules.evaluate_time(t, at(2026, 11, 25, 12, 0), CAL)) == ["E081"]
    t.has_opening_record = True
    assert rules.evaluate_time(t, at(2026, 11, 26), CAL) == []


def test_e082_result_without_publicity():
    assert codes(event("513", {"BID_SECTION_CODE": "L1"})) == ["E082"]
    assert event("513", {"BID_SECTION_CODE": "L1"}, has_publicity=True) == []


def test_e110_restrictive_clauses_in_the_announcement():
    found = event("503", {"NOTICE_CONTENT": "投标人须在本市设立分公司，并在本地缴纳社保。"})
    assert codes(found) == ["E110", "E110"]
    assert [f.dedupe_key.rsplit(":", 1)[1] for f in found] == ["4", "5"]
    assert event("503", {"NOTICE_CONTENT": "投标人须具备建筑工程施工总承包三级及以上资质。"}) == []
    assert codes(event("504", {"CLARIFY_CONTENT": "指定品牌：某某牌电梯"})) == ["E110"]


def test_malformed_times_raise_nothing():
    assert event("503", {"DOC_GET_START_TIME": "2026-13-45", "BID_DOC_REFER_END_TIME": "x"}) == []
    assert rules.parse_time("20261125093000") == at(2026, 11, 25, 9, 30)
    assert rules.parse_time("2026-11-25T01:30:00Z") == at(2026, 11, 25, 9, 30)
    assert rules.parse_time(None) is None


def test_plugins_register_in_the_registry():
    @rules.event_rule("599")
    def custom(f, cal):
        return [rules.Finding("E001", "info", "测试", "test", "custom:" + f.key)]

    try:
        assert codes(event("599", {})) == ["E001"]
    finally:
        rules.EVENT_RULES.pop("599")


def test_jurisdiction_prefixes_and_fields():
    assert [region_prefix(r) for r in ("330000", "330100", "330106")] == ["33", "3301", "330106"]
    housing_zj = scope_for(region_codes=["330000"], fields=["housing"])
    assert housing_zj.covers(region_code="330106", industry="E47", tender_type="C01")
    assert housing_zj.covers(region_code="330106", industry="Q84", tender_type="A01")  # a hospital building: works type
    assert not housing_zj.covers(region_code="330106", industry="G54", tender_type="A08")  # a road: transport
    assert not housing_zj.covers(region_code="320100", industry="E47", tender_type="A01")  # another province
    hz = scope_for(region_codes=["330100"], fields=["transport"])
    assert hz.covers(region_code="330106", industry="G54", tender_type="A08") and not hz.covers(region_code="330206", industry="G54", tender_type="A08")
    assert scope_for(region_codes=["330000"], fields=["coordination"]).covers(region_code="331002", industry="", tender_type="")
    assert not scope_for(region_codes=[], fields=["coordination"]).covers(region_code="330106", industry="E47", tender_type="A01")
