"""Applying pages of the change feed: read model, event rules, exactly once, alerts."""

from __future__ import annotations

from datetime import datetime

import pytest

from etender.kernel.audit.actors import Actor
from etender.kernel.audit.models import AuditEntry
from etender.kernel.calendar import TZ
from etender.kernel.errors import RuleViolation

from .. import selectors, services
from ..models import Alert, FeedCursor, FeedEvent, TenderView
from .feeddata import RESTRICTIVE, Feed, codes, later_record, tender_records


def apply(items: list[dict]) -> int:
    after = FeedCursor.objects.get_or_create(pk=1)[0].position
    return services.feed_apply(after=after, items=items, next_position=items[-1]["seq"])


@pytest.fixture
def feed(db):
    return Feed()


def test_a_tender_enters_the_read_model_with_its_lots_and_stage(feed):
    assert apply(feed.items(tender_records(1))) == 4
    t = TenderView.objects.get(code=codes(1)[1])
    assert (t.region_code, t.industry, t.tender_type, t.stage) == ("330106", "E48", "A08", "tendering")
    assert t.platform_code == "91330100MA2AAAAA0B" and t.tenderer_name and [lot.code for lot in t.lots] == [codes(1)[2]]
    assert t.bid_open_time == datetime(2026, 11, 30, 9, 30, tzinfo=TZ)
    apply(feed.items([later_record("506", 1), later_record("511", 1), later_record("513", 1)]))
    t.refresh_from_db()
    assert t.stage == "awarded" and t.opened_at and t.publicity_start
    assert list(FeedEvent.objects.filter(tender_code=t.code).values_list("dataset", flat=True)) == ["501", "502", "503", "506", "511", "513"]


def test_short_bid_period_and_restrictive_clauses_raise_alerts_as_the_event_arrives(feed):
    apply(feed.items(tender_records(2, doc_start=datetime(2026, 11, 4, 9, tzinfo=TZ), deadline=datetime(2026, 11, 20, 9, 30, tzinfo=TZ), notice=RESTRICTIVE)))
    alerts = Alert.objects.filter(tender_code=codes(2)[1]).order_by("rule_code", "dedupe_key")
    assert [a.rule_code for a in alerts] == ["E101", "E110", "E110"]
    assert all(a.event_seq == 4 and a.status == "open" and a.source == "rule" for a in alerts)


def test_a_page_applied_twice_changes_nothing_and_a_stale_page_is_ignored(feed):
    items = feed.items(tender_records(3, deadline=datetime(2026, 11, 10, 9, tzinfo=TZ)))
    assert services.feed_apply(after=0, items=items, next_position=4) == 4
    assert services.feed_apply(after=0, items=items, next_position=4) == 0  # another worker read the same page: cursor moved
    assert services.feed_apply(after=4, items=items, next_position=4) == 0  # re-delivered entries: known by seq
    assert FeedEvent.objects.count() == 4 and Alert.objects.count() == 1 and FeedCursor.objects.get().position == 4


def test_result_without_publicity_and_late_contract(feed):
    apply(feed.items(tender_records(4)))
    apply(feed.items([later_record("513", 4, NOTICE_SEND_TIME="20261102090000")]))
    assert list(Alert.objects.values_list("rule_code", flat=True)) == ["E082"]
    apply(feed.items([later_record("512", 4, CONTRACT_SIGN_TIME="20261203090000")]))
    assert sorted(Alert.objects.values_list("rule_code", flat=True)) == ["E082", "E145"]
    t = TenderView.objects.get(code=codes(4)[1])
    assert t.stage == "contracted"


def test_time_rules_raise_once(feed):
    apply(feed.items(tender_records(5, deadline=datetime(2026, 11, 30, 9, 30, tzinfo=TZ))))
    assert services.evaluate_time_rules(datetime(2026, 11, 30, 11, 29, tzinfo=TZ)) == 0
    assert services.evaluate_time_rules(datetime(2026, 11, 30, 11, 30, tzinfo=TZ)) == 1
    assert services.evaluate_time_rules(datetime(2026, 11, 30, 12, 30, tzinfo=TZ)) == 0
    assert list(Alert.objects.values_list("rule_code", flat=True)) == ["E081"]


def test_alert_raise_is_idempotent_by_dedupe_key(db):
    kw = dict(tender_code="", rule_code="E083", severity="critical", message_zh="测试", message_en="test", source="complaints", dedupe_key="x:1")
    a, created = services.alert_raise(**kw)
    b, again = services.alert_raise(**{**kw, "message_zh": "其他"})
    assert created and not again and a.pk == b.pk and Alert.objects.count() == 1
    with pytest.raises(RuleViolation) as exc:
        services.alert_raise(**{**kw, "dedupe_key": "x:2", "severity": "urgent"})
    assert exc.value.code == "E001"


def test_alert_workflow_needs_notes_to_resolve(users, feed):
    apply(feed.items(tender_records(6, deadline=datetime(2026, 11, 10, 9, tzinfo=TZ))))
    alert = Alert.objects.get()
    jst = Actor(user_id=users["jst"].pk, username="jst")
    services.alert_update(actor=jst, alert=alert, status="in_progress", assignee_username="jst")
    with pytest.raises(RuleViolation) as exc:
        services.alert_update(actor=jst, alert=alert, status="resolved")
    assert exc.value.code == "E084"
    with pytest.raises(RuleViolation) as exc:
        services.alert_update(actor=jst, alert=alert, assignee_username="citizen")
    assert exc.value.code == "E084"
    a = services.alert_update(actor=jst, alert=alert, status="resolved", resolution="已约谈招标人，责令顺延投标截止时间。")
    assert (a.status, a.assignee.username) == ("resolved", "jst")
    with pytest.raises(RuleViolation) as exc:  # outside the jurisdiction (Ningbo)
        services.alert_update(actor=Actor(user_id=users["nb"].pk, username="nb"), alert=alert, status="open")
    assert exc.value.code == "E080"


def test_a_late_opening_record_closes_its_missing_record_alert_and_keeps_the_lateness_visible(feed):
    apply(feed.items(tender_records(7, deadline=datetime(2026, 11, 30, 9, 30, tzinfo=TZ))))
    assert services.evaluate_time_rules(datetime(2026, 11, 30, 11, 30, tzinfo=TZ)) == 1
    alert = Alert.objects.get(rule_code="E081")
    apply(feed.items([later_record("506", 7)], at=datetime(2026, 11, 30, 12, 5, tzinfo=TZ)))
    alert.refresh_from_db()
    assert (alert.status, alert.severity) == ("resolved", "critical")
    assert "开标记录（506）已于2026-11-30 12:05到达（迟到35分钟" in alert.resolution and "(35 min late" in alert.resolution
    assert "未见开标记录" in alert.message_zh  # the alert itself still says what was missing
    entry = AuditEntry.objects.get(action="monitor.alert_auto_resolved")
    assert entry.data["late_minutes"] == 35 and entry.data["dataset"] == "506"
    # no new alert after a restart: the key stays taken and the record is on record now
    assert services.evaluate_time_rules(datetime(2026, 12, 1, 9, tzinfo=TZ)) == 0
    assert Alert.objects.filter(rule_code="E081").count() == 1


def test_the_overdue_panel_no_longer_lists_a_settled_alert(users, feed):
    apply(feed.items(tender_records(8, tender_type="A01", deadline=datetime(2026, 11, 30, 9, 30, tzinfo=TZ))))
    services.evaluate_time_rules(datetime(2026, 11, 30, 14, tzinfo=TZ))
    assert [a.rule_code for a in selectors.dashboard(users["jst"])["overdue"]] == ["E081"]
    apply(feed.items([later_record("506", 8)], at=datetime(2026, 12, 2, 16, 0, tzinfo=TZ)))
    data = selectors.dashboard(users["jst"])
    assert data["overdue"] == [] and data["overdue_count"] == 0
    assert "迟到2天4小时" in Alert.objects.get().resolution


def test_no_opening_alert_for_an_opening_record_that_came_first(feed):
    apply(feed.items(tender_records(9, deadline=datetime(2026, 11, 30, 9, 30, tzinfo=TZ))))
    rec = later_record("506", 9)
    del rec["record"]["TENDER_PROJECT_CODE"]  # named by its lot only: still the tender's opening record
    apply(feed.items([rec]))
    assert FeedEvent.objects.get(dataset="506").tender_code == codes(9)[1]
    assert services.evaluate_time_rules(datetime(2026, 11, 30, 18, tzinfo=TZ)) == 0
    assert not Alert.objects.exists()


def test_a_late_publicity_record_closes_the_result_alert_only_if_the_publicity_came_first(feed):
    apply(feed.items(tender_records(10)))
    apply(feed.items([later_record("506", 10), later_record("513", 10, NOTICE_SEND_TIME="20261210090000")], at=datetime(2026, 12, 10, 9, 5, tzinfo=TZ)))
    alert = Alert.objects.get(rule_code="E082")
    apply(feed.items([later_record("511", 10, PUBLICITY_START_TIME="20261204000000", PUBLICITY_END_TIME="20261207235959")], at=datetime(2026, 12, 10, 9, 20, tzinfo=TZ)))
    alert.refresh_from_db()
    assert alert.status == "resolved" and "中标候选人公示记录（511，公示自2026-12-04 00:00起）" in alert.resolution

    apply(feed.items(tender_records(11)))
    apply(feed.items([later_record("513", 11, NOTICE_SEND_TIME="20261210090000")]))
    apply(feed.items([later_record("511", 11, PUBLICITY_START_TIME="20261211000000", PUBLICITY_END_TIME="20261214235959")]))
    assert Alert.objects.get(tender_code=codes(11)[1], rule_code="E082").status == "open"  # the publicity really came after the result


def test_a_contract_record_signed_in_time_closes_the_missing_contract_alert(feed):
    apply(feed.items(tender_records(12)))
    apply(feed.items([later_record("506", 12), later_record("511", 12), later_record("513", 12, NOTICE_SEND_TIME="20261102090000")]))
    assert services.evaluate_time_rules(datetime(2026, 12, 3, 0, 0, tzinfo=TZ)) == 1
    apply(feed.items([later_record("512", 12, CONTRACT_SIGN_TIME="20261201150000")], at=datetime(2026, 12, 3, 1, 0, tzinfo=TZ)))
    a = Alert.objects.get(rule_code="E145")
    assert a.status == "resolved" and a.severity == "warning" and "迟到1小时0分钟" in a.resolution

    apply(feed.items(tender_records(13)))
    apply(feed.items([later_record("506", 13), later_record("511", 13), later_record("513", 13, NOTICE_SEND_TIME="20261102090000")]))
    services.evaluate_time_rules(datetime(2026, 12, 3, 0, 0, tzinfo=TZ))
    apply(feed.items([later_record("512", 13, CONTRACT_SIGN_TIME="20261203090000")]))
    assert Alert.objects.get(tender_code=codes(13)[1], rule_code="E145").status == "open"  # signed late: a real breach
