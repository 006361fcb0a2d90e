"""Each step of a complaint, and each statutory time limit exactly at its boundary (2026 holidays)."""

from __future__ import annotations

from datetime import date

import pytest

from etender.kernel.errors import RuleViolation
from etender.kernel.exchange import public_view, validate_record

from .. import services
from ..models import Complaint, HubOutbox, InformationRequest, Status, Step
from .conftest import LOT, TENDER, actor_for, beijing, feed_items, lodge_kwargs


def lodge(user, **over) -> Complaint:
    return services.complaint_lodge(actor=actor_for(user), **lodge_kwargs(**over))


def code_of(call) -> str:
    with pytest.raises(RuleViolation) as exc:
        call()
    return exc.value.code


# --------------------------------------------------------------------- lodging: 10 calendar days of knowing


def test_lodged_complaint_is_routed_and_dated(clock, tender, bidder, departments):
    c = lodge(bidder)
    assert c.number == "TS2026000001" and c.status == Status.LODGED
    assert c.department.code == "zj-jst"  # industry E48 (civil works): the field departments before the coordinating one; buildings first
    assert (c.lot_code, c.deal_code) == (LOT, feed_items()[2]["record"]["UNIFIED_DEAL_CODE"])
    assert c.respondent_name and c.respondent_code  # the tenderer, from the read model
    assert c.evidence.count() == 1 and c.evidence.get().sha256
    assert c.received_on == date(2026, 9, 24) and c.accept_due == date(2026, 9, 30)  # Fri 25 Sep is the Mid-Autumn Festival


def test_tender_of_no_field_goes_to_the_coordinating_department(clock, departments, bidder):
    from etender.supervision.monitor.services import feed_apply

    feed_apply(after=0, items=feed_items(**{"500": {"INDUSTRIES_TYPE": "I65"}}), next_position=3)  # software: no such department seeded
    assert lodge(bidder).department.code == "zj-fgw"


def test_ten_days_around_national_day(clock, tender, bidder):
    # Known on Tue 22 Sep: day 10 is Fri 2 Oct, a holiday; the period ends on the next working day, Thu 8 Oct.
    clock.set(beijing(2026, 10, 8, 23, 59))
    assert lodge(bidder).lodging_last_day == date(2026, 10, 8)
    clock.set(beijing(2026, 10, 9, 0, 1))
    assert code_of(lambda: lodge(bidder)) == "E149"


def test_ten_days_around_spring_festival(clock, tender, bidder):
    # Known on Fri 6 Feb: day 10 is Mon 16 Feb, inside the Spring Festival (15–23 Feb); last day Tue 24 Feb.
    clock.set(beijing(2026, 2, 24, 17))
    assert lodge(bidder, known_on=date(2026, 2, 6)).lodging_last_day == date(2026, 2, 24)
    clock.set(beijing(2026, 2, 25, 9))
    assert code_of(lambda: lodge(bidder, known_on=date(2026, 2, 6))) == "E149"


def test_ordinary_ten_days(clock, tender, bidder):
    clock.set(beijing(2026, 11, 20, 9))  # known Tue 10 Nov: day 10 is Fri 20 Nov
    assert lodge(bidder, known_on=date(2026, 11, 10)).lodging_last_day == date(2026, 11, 20)
    clock.set(beijing(2026, 11, 21, 9))
    assert code_of(lambda: lodge(bidder, known_on=date(2026, 11, 10))) == "E149"


def test_objection_first_matters(clock, tender, bidder):
    clock.set(beijing(2026, 9, 14, 10))
    assert code_of(lambda: lodge(bidder, matter="tender_documents", known_on=date(2026, 9, 10))) == "E085"
    # objection on Fri 11 Sep, no answer yet: the tenderer has until 14 Sep
    assert code_of(lambda: lodge(bidder, matter="tender_documents", known_on=date(2026, 9, 10), objection_on=date(2026, 9, 11))) == "E089"
    # an answer date without the answer
    assert code_of(lambda: lodge(bidder, matter="evaluation_result", known_on=date(2026, 9, 10), objection_on=date(2026, 9, 11), objection_answer_on=date(2026, 9, 14))) == "E085"


def test_objection_pending_days_are_not_counted(clock, tender, bidder):
    kw = dict(matter="tender_documents", known_on=date(2026, 9, 10), objection_on=date(2026, 9, 11), objection_answer_on=date(2026, 9, 14), objection_answer="招标文件无误。")
    # 10 days from 10 Sep plus the 3 days the objection was pending: last day Wed 23 Sep
    clock.set(beijing(2026, 9, 23, 22))
    assert lodge(bidder, **kw).lodging_last_day == date(2026, 9, 23)
    clock.set(beijing(2026, 9, 24, 8))
    assert code_of(lambda: lodge(bidder, **kw)) == "E149"


def test_unanswered_objection_counts_until_the_answer_period_lapses(clock, tender, bidder):
    clock.set(beijing(2026, 9, 15, 10))
    c = lodge(bidder, matter="evaluation_result", known_on=date(2026, 9, 10), objection_on=date(2026, 9, 11))
    assert c.lodging_last_day == date(2026, 9, 23)


def test_opening_objection_is_answered_on_the_spot(clock, tender, bidder):
    clock.set(beijing(2026, 9, 21, 10))
    c = lodge(bidder, matter="opening", known_on=date(2026, 9, 11), objection_on=date(2026, 9, 11), objection_answer_on=date(2026, 9, 11), objection_answer="当场答复：开标程序合法。")
    assert c.lodging_last_day == date(2026, 9, 21)


def test_request_evidence_tender_and_dates(clock, tender, bidder):
    assert code_of(lambda: lodge(bidder, evidence=[])) == "E087"
    assert code_of(lambda: lodge(bidder, request_text=" ")) == "E087"
    assert code_of(lambda: lodge(bidder, tender_code="E3301062025000099001")) == "E086"
    assert code_of(lambda: lodge(bidder, known_on=date(2026, 9, 25))) == "E009"
    assert code_of(lambda: lodge(bidder, complainant_email="no-mail")) == "E001"
    assert code_of(lambda: lodge(bidder, lot_code="E3301062025000037001999")) == "E005"
    assert not Complaint.objects.exists()


# --------------------------------------------------------------------- acceptance: 3 working days


def test_acceptance_due_on_the_third_working_day_across_national_day(clock, tender, bidder, regulator):
    clock.set(beijing(2026, 9, 30, 15))
    c = lodge(bidder)
    # working days after Wed 30 Sep: Thu 8 Oct, Fri 9 Oct, Sat 10 Oct (an adjusted working day) → due 10 Oct
    assert c.accept_due == date(2026, 10, 10)
    assert services.overdue_flag(now=beijing(2026, 10, 10, 23, 59)) == 0
    assert services.overdue_flag(now=beijing(2026, 10, 11, 0, 0)) == 1  # before the 4th working day, Mon 12 Oct
    assert services.overdue_flag(now=beijing(2026, 10, 12, 9)) == 0  # idempotent
    c.refresh_from_db()
    assert c.acceptance_overdue_at is not None
    from etender.supervision.monitor.models import Alert

    assert Alert.objects.filter(source="complaints", tender_code=TENDER).count() == 1


def test_accept_on_day_three_is_in_time_day_four_is_late(clock, tender, bidder, regulator):
    clock.set(beijing(2026, 9, 30, 15))
    in_time, late = lodge(bidder), lodge(bidder)
    clock.set(beijing(2026, 10, 10, 17))
    services.complaint_accept(actor=actor_for(regulator), complaint=in_time)
    clock.set(beijing(2026, 10, 12, 9))
    services.complaint_accept(actor=actor_for(regulator), complaint=late)
    assert Step.objects.get(complaint=in_time, kind="accepted").note == ""
    assert "late" in Step.objects.get(complaint=late, kind="accepted").note


def test_reject_and_refer(clock, tender, bidder, regulator, other_regulator, departments):
    c = lodge(bidder)
    assert code_of(lambda: services.complaint_accept(actor=actor_for(other_regulator), complaint=c)) == "E088"
    assert code_of(lambda: services.complaint_accept(actor=actor_for(bidder), complaint=c)) == "E088"
    assert code_of(lambda: services.complaint_reject(actor=actor_for(regulator), complaint=c, reasons="")) == "E001"
    clock.set(beijing(2026, 9, 25, 9))
    c = services.complaint_refer(actor=actor_for(regulator), complaint=c, department=departments["zj-fgw"], reasons="涉及多个行业，由发展改革部门协调")
    assert c.department.code == "zj-fgw" and c.received_on == date(2026, 9, 25) and c.accept_due == date(2026, 9, 30)
    c = services.complaint_reject(actor=actor_for(other_regulator), complaint=c, reasons="投诉人不是利害关系人")
    assert c.status == Status.REJECTED
    assert code_of(lambda: services.complaint_accept(actor=actor_for(other_regulator), complaint=c)) == "E007"


# --------------------------------------------------------------------- decision: 30 working days, suspensions


def _accepted(clock, bidder, regulator, on=(2026, 2, 2)) -> Complaint:
    clock.set(beijing(*on, 9))
    c = lodge(bidder, known_on=date(2026, 1, 28))
    return services.complaint_accept(actor=actor_for(regulator), complaint=c)


def test_decision_due_on_working_day_thirty_across_spring_festival(clock, tender, bidder, regulator):
    c = _accepted(clock, bidder, regulator)
    # 30 working days after Mon 2 Feb, with the Spring Festival (15–23 Feb) and the adjusted Saturdays
    assert c.decision_due == date(2026, 3, 20)
    assert services.overdue_flag(now=beijing(2026, 3, 20, 23, 59)) == 0  # working day 30
    assert services.overdue_flag(now=beijing(2026, 3, 23, 9)) == 1  # working day 31 (Mon 23 Mar)
    c.refresh_from_db()
    assert c.decision_overdue_at is not None


def test_expert_review_stops_the_clock(clock, tender, bidder, regulator):
    c = _accepted(clock, bidder, regulator)
    clock.set(beijing(2026, 2, 3, 10))
    services.suspension_start(actor=actor_for(regulator), complaint=c, reason="expert_review", note="组织专家复核业绩")
    c.refresh_from_db()
    assert c.decision_due is None and c.clock_suspended
    assert services.overdue_flag(now=beijing(2026, 4, 30)) == 0  # no due date while suspended
    assert code_of(lambda: services.complaint_decide(actor=actor_for(regulator), complaint=c, outcome="dismissed", handle_result="驳回", handle_basis="第二十条")) == "E007"
    clock.set(beijing(2026, 2, 10, 16))
    services.suspension_end(actor=actor_for(regulator), complaint=c)
    c.refresh_from_db()
    # 4, 5, 6, 9, 10 Feb (5 working days) are not counted: 35 working days after 2 Feb
    assert c.decision_due == date(2026, 3, 27)
    assert services.overdue_flag(now=beijing(2026, 3, 27, 23, 59)) == 0
    assert services.overdue_flag(now=beijing(2026, 3, 28, 0, 0)) == 1


def test_information_requests(clock, tender, bidder, regulator):
    c = _accepted(clock, bidder, regulator)
    req = services.information_request_send(actor=actor_for(regulator), complaint=c, addressee="complainant", question="请提供业绩证明原件扫描件")
    assert req.due_on == date(2026, 2, 9)
    services.information_request_answer(actor=actor_for(bidder), request=req, answer="已上传合同扫描件。")
    assert InformationRequest.objects.get(pk=req.pk).answered_at is not None
    other = services.information_request_send(actor=actor_for(regulator), complaint=c, addressee="respondent", question="请说明评分依据")
    assert code_of(lambda: services.information_request_answer(actor=actor_for(bidder), request=other, answer="x")) == "E088"
    services.information_request_answer(actor=actor_for(regulator), request=other, answer="招标人书面说明已收到。")


def test_decision_queues_a_valid_signed_404_without_contacts_in_public(clock, tender, bidder, regulator):
    c = _accepted(clock, bidder, regulator)
    clock.set(beijing(2026, 3, 20, 15))
    c = services.complaint_decide(actor=actor_for(regulator), complaint=c, outcome="dismissed", handle_result="投诉缺乏事实根据，驳回投诉。", handle_basis="《工程建设项目招标投标活动投诉处理办法》第二十条第（一）项")
    assert c.status == Status.DECIDED
    entry = HubOutbox.objects.get()
    assert entry.dataset == "404" and validate_record("404", entry.record) == []
    assert entry.record["COMPLAINT_DATE"] == "20260202090000" and entry.record["HANDLE_DATE"] == "20260320150000"
    from etender.kernel.signing import platform_signer, verify

    unsigned = {k: v for k, v in entry.record.items() if k != "SIGNATURE"}
    assert verify(unsigned, entry.record["SIGNATURE"], platform_signer().public_info()["public_key"])
    public = public_view("404", entry.record)
    assert "COMPLAINT_PHONE" not in public and "COMPLAINT_MAIL" not in public and "COMPLAINT_NAME" not in public
    assert public["HANDLE_RESULT"] == "投诉缺乏事实根据，驳回投诉。"
    assert "13800138002" not in repr(public) and "legal@yuhang.example" not in repr(public)
    assert code_of(lambda: services.complaint_decide(actor=actor_for(regulator), complaint=c, outcome="dismissed", handle_result="x", handle_basis="y")) == "E007"
