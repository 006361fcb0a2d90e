"""The whole path over real HTTP: supervision (own process) → hub (own process) → this trading platform → back.

The supervision platform and the hub run as real service processes with their
own PostgreSQL databases (``LiveService``); the trading platform is this test
process, reading the hub's inbox with the worker's own function.  Clocks are
real: signed requests are checked within ±5 minutes.
"""

from __future__ import annotations

import time

import pytest

from etender.kernel.errors import RuleViolation
from etender.trading import testing
from etender.trading.bids import services as bid_services
from etender.trading.directives import services
from etender.trading.directives.models import InboxState, Instruction, Report

from .ecosystem import http, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def submit(party, lot):
    data, _ = testing.seal_bid(party, lot)
    return bid_services.bid_submit(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))


def test_suspend_and_resume_through_the_hub(eco, parties):
    tender, bidders = parties
    lot = tender.lots.first()
    iid = eco.issue("suspend", tender)
    inst = eco.receive(iid)
    tender.refresh_from_db()
    assert inst.kind == "suspend" and tender.suspended_at is not None and tender.suspension_ref == iid
    with pytest.raises(RuleViolation) as exc:
        submit(bidders[0], lot)
    assert exc.value.code == "E050"
    done = eco.wait_status(iid, "executed")
    assert done["delivered_at"] and done["acknowledged_at"] and done["outcome"] == "suspended"
    assert done["target_platform"] == services.platform_code()  # addressed to the tender's origin
    assert "已于" in done["report_text"]
    # A second suspension while this one is in effect is refused at the source.
    status, body = http(eco.sup.url, "POST", "/api/directives", token=eco.token, body={"kind": "suspend", "tender_code": tender.code, "reason": "x", "due_hours": 2})
    assert status == 409 and body["code"] == "E054"
    rid = eco.issue("resume", tender)
    eco.receive(rid)
    tender.refresh_from_db()
    assert tender.suspended_at is None
    assert submit(bidders[0], lot).committed_at is not None
    assert eco.wait_status(rid, "executed")["outcome"] == "resumed"
    # Nothing doubled anywhere.
    assert Instruction.objects.count() == 2 and Report.objects.filter(sent_at__isnull=False).count() == 4


def test_information_request_answered_with_a_file(eco, parties):
    tender, _ = parties
    iid = eco.issue("inform", tender, questions=["请说明资格条件的设置依据"], due_hours=48)
    inst = eco.receive(iid)
    assert eco.wait_status(iid, "acknowledged")["executed_at"] is None
    from django.core.files.uploadedfile import SimpleUploadedFile

    operator = testing.custodian_user("operator-rt", staff=True)
    services.instruction_answer(actor=testing.Actor.system(), user=operator, instruction=inst, text="依据行业标准设置。", files=[("依据.txt", SimpleUploadedFile("依据.txt", "行业标准第3条".encode()))])
    services.reports_send()
    done = eco.wait_status(iid, "executed")
    assert done["report_text"] == "依据行业标准设置。" and done["report"]["attachments"][0]["name"] == "依据.txt"


def test_restarts_and_duplicates_lose_and_double_nothing(eco, parties):
    tender, _ = parties
    # The hub is down when the department issues: the supervision worker keeps it and sends it later.
    eco.hub.kill()
    iid = eco.issue("suspend", tender)
    time.sleep(1.5)
    assert eco.tracked(iid)["status"] == "pending"
    # The supervision platform itself goes down too, and comes back.
    eco.sup.kill()
    eco.hub.start()
    eco.sup.start()
    eco.sup.start_worker()
    eco.wait_status(iid, "relayed")
    # The trading platform takes it (and acknowledges at once).
    inst = wait_until(lambda: (services.poll_hub(wait=0), Instruction.objects.filter(instruction_id=iid).first())[1], what="delivery")
    assert Report.objects.filter(instruction=inst, sent_at__isnull=False).count() == 2
    # The trading platform "restarts" having lost its cursor: the hub serves everything again, nothing doubles.
    InboxState.objects.update(cursor=0)
    assert services.poll_hub(wait=0) == 0
    assert Instruction.objects.count() == 1 and Report.objects.count() == 2
    Report.objects.update(sent_at=None)  # a report sent twice is answered as a duplicate
    assert services.reports_send() == 2
    done = eco.wait_status(iid, "executed")
    assert done["acknowledged_at"] and done["outcome"] == "suspended"
    # The hub dies while an answer waits to go out: it is kept and sent when the hub is back.
    qid = eco.issue("inform", tender, questions=["请提供暂停前的投标人名单"])
    ask = wait_until(lambda: (services.poll_hub(wait=0), Instruction.objects.filter(instruction_id=qid).first())[1], what="the request")
    eco.hub.kill()
    operator = testing.custodian_user("operator-restart", staff=True)
    services.instruction_answer(actor=testing.Actor.system(), user=operator, instruction=ask, text="暂停前共2家投标人。")
    assert services.reports_send() == 0
    assert Report.objects.get(instruction=ask, kind="executed").last_error
    eco.hub.start()
    Report.objects.update(next_attempt_at=None)
    assert services.reports_send() == 1
    assert eco.wait_status(qid, "executed")["report_text"] == "暂停前共2家投标人。"
    tender.refresh_from_db()
    assert tender.suspended_at is not None and Instruction.objects.count() == 2
