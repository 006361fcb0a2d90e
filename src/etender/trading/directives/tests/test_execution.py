"""Receiving and executing supervisory instructions on the trading platform (real services, real signatures)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.uploadedfile import SimpleUploadedFile

from etender.kernel.errors import RuleViolation
from etender.kernel.platform_requests import verify_document
from etender.kernel.signing import Signer, platform_signer
from etender.trading import chronograph, testing
from etender.trading.bids import services as bid_services
from etender.trading.bids.models import Bid
from etender.trading.directives import services
from etender.trading.directives.models import Instruction, Report
from etender.trading.tenders import services as tender_services
from etender.trading.tenders.models import LotStatus, Objection, Tender, TenderStatus

from .helpers import SYSTEM, HubKey


@pytest.fixture
def hub(settings, db):
    return HubKey(settings)


def submit(party, lot):
    data, _ = testing.seal_bid(party, lot)
    return bid_services.bid_submit(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))


def code_of(exc) -> str:
    return exc.value.code


def test_suspend_refuses_every_step_with_e050_and_holds_the_deadline(hub, tender, tenderer, bidders, frozen_clock):
    lot = tender.lots.first()
    submit(bidders[0], lot)
    inst = hub.send("suspend", tender.code)
    tender.refresh_from_db()
    assert tender.suspended_at is not None and tender.suspension_ref == inst.instruction_id
    assert tender.next_check is None
    assert inst.status == Instruction.Status.EXECUTED and inst.outcome == "suspended"
    reports = {r.kind: r for r in Report.objects.filter(instruction=inst)}
    assert set(reports) == {"acknowledged", "executed"}
    for r in reports.values():  # signed by this platform's key for the hub to check
        assert verify_document(public_key=platform_signer().public_info()["public_key"], document=r.body, signature=r.signature)
    steps = [
        lambda: submit(bidders[1], lot),
        lambda: bid_services.bid_withdraw(actor=bidders[0].actor, entity=bidders[0].entity, bid=Bid.objects.get(bidder=bidders[0].entity)),
        lambda: tender_services.clarification_publish(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender, title="澄清", content="第二章修改"),
        lambda: tender_services.objection_raise(actor=bidders[2].actor, entity=bidders[2].entity, tender=tender, content="资格条件过高"),
    ]
    for step in steps:
        with pytest.raises(RuleViolation) as exc:
            step()
        assert code_of(exc) == "E050"
    # The deadline passes while suspended: nothing closes, nothing opens.
    deadline = tender.bid_deadline
    left = deadline - tender.suspended_at
    frozen_clock.set(deadline + timedelta(days=3))
    assert chronograph.tick() == 0
    tender.refresh_from_db()
    assert tender.status == TenderStatus.TENDERING and lot.__class__.objects.get(pk=lot.pk).status == LotStatus.TENDERING
    # Resumed: the time that was left is given back; the paused events continue.
    resume = hub.send("resume", tender.code)
    tender.refresh_from_db()
    assert tender.suspended_at is None and resume.outcome == "resumed"
    assert tender.bid_deadline == resume.executed_at + left and tender.next_check == tender.bid_deadline
    submit(bidders[1], lot)
    submit(bidders[2], lot)
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    assert lot.__class__.objects.get(pk=lot.pk).status == LotStatus.OPENING


def test_publish_and_draft_steps_of_a_suspended_draft_are_refused(hub, tenderer):
    draft = testing.published_tender(tenderer, publish=False)
    hub.send("suspend", draft.code)
    for step in (
        lambda: tender_services.tender_publish(actor=tenderer.actor, acting_entity=tenderer.entity, tender=draft),
        lambda: tender_services.document_upload(actor=tenderer.actor, acting_entity=tenderer.entity, tender=draft, name="补充.txt", file=SimpleUploadedFile("补充.txt", b"x")),
    ):
        with pytest.raises(RuleViolation) as exc:
            step()
        assert code_of(exc) == "E050"
    hub.send("resume", draft.code)
    assert tender_services.tender_publish(actor=tenderer.actor, acting_entity=tenderer.entity, tender=draft).status == TenderStatus.TENDERING


def test_an_objection_answer_is_refused_while_suspended_and_works_after(hub, tender, tenderer, bidders):
    obj = tender_services.objection_raise(actor=bidders[0].actor, entity=bidders[0].entity, tender=tender, content="评标办法不清")
    hub.send("suspend", tender.code)
    with pytest.raises(RuleViolation) as exc:
        tender_services.objection_answer(actor=tenderer.actor, acting_entity=tenderer.entity, objection=obj, answer="已澄清")
    assert code_of(exc) == "E050"
    hub.send("resume", tender.code)
    assert tender_services.objection_answer(actor=tenderer.actor, acting_entity=tenderer.entity, objection=obj, answer="已澄清").status == Objection.Status.ANSWERED


def test_a_suspension_during_the_opening_extends_the_decryption_window(hub, tender, bidders, frozen_clock):
    lot = tender.lots.first()
    for b in bidders[:3]:
        submit(b, lot)
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    lot.refresh_from_db()
    ends = lot.opening_ends_at
    frozen_clock.advance(minutes=10)
    hub.send("suspend", tender.code)
    bid = Bid.objects.filter(lot=lot).first()
    with pytest.raises(RuleViolation) as exc:
        bid_services.bid_decrypt(actor=bidders[0].actor, entity=bidders[0].entity, bid=Bid.objects.get(lot=lot, bidder=bidders[0].entity), dek="00" * 32)
    assert code_of(exc) == "E050"
    frozen_clock.set(ends + timedelta(hours=5))
    chronograph.tick()
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPENING and bid.status == "submitted"
    resume = hub.send("resume", tender.code)
    lot.refresh_from_db()
    assert lot.opening_ends_at == resume.executed_at + timedelta(minutes=50)


def test_terminate_cancels_the_tender_and_its_lots(hub, tender, bidders):
    lot = tender.lots.first()
    submit(bidders[0], lot)
    inst = hub.send("terminate", tender.code)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.CANCELLED and set(tender.lots.values_list("status", flat=True)) == {LotStatus.CANCELLED}
    assert inst.outcome == "terminated" and tender.next_check is None
    with pytest.raises(RuleViolation) as exc:
        submit(bidders[1], lot)
    assert code_of(exc) == "E007"
    assert hub.send("suspend", tender.code).outcome == "not_applicable"


def test_duplicate_delivery_is_harmless(hub, tender):
    env = hub.envelope("suspend", tender.code)
    first, created = hub.deliver(env)
    again, created_again = hub.deliver(env)
    assert created and not created_again and first.pk == again.pk
    assert Instruction.objects.count() == 1 and Report.objects.count() == 2


def test_only_what_the_hub_signed_for_this_platform_is_accepted(hub, tender, settings):
    forger = Signer(Ed25519PrivateKey.generate())  # e.g. a supervision platform signing directly
    for env, signer in (
        (hub.envelope("suspend", tender.code), forger),
        (hub.envelope("suspend", tender.code, target="91330108MA2DDDDD0P"), None),
    ):
        with pytest.raises(RuleViolation) as exc:
            hub.deliver(env, signer=signer)
        assert code_of(exc) == "E056"
    env = hub.envelope("suspend", tender.code)
    sig = hub.signer.sign(env)
    env["instruction"]["kind"] = "terminate"  # tampered after signing
    with pytest.raises(RuleViolation) as exc:
        services.instruction_receive(actor=SYSTEM, seq=99, envelope=env, hub_signature=sig, key=services.hub_key())
    assert code_of(exc) == "E056"
    assert Instruction.objects.count() == 0
    assert Tender.objects.get(pk=tender.pk).suspended_at is None


def test_operators_answer_corrections_and_information_requests(hub, tender, tenderer):
    inst = hub.send("inform", tender.code, questions=["请说明资格条件设置依据", "请提供开标记录"])
    assert inst.status == Instruction.Status.RECEIVED and Report.objects.filter(instruction=inst).count() == 1
    with pytest.raises(RuleViolation) as exc:
        services.instruction_answer(actor=tenderer.actor, user=tenderer.user, instruction=inst, text="说明")
    assert code_of(exc) == "E006"
    operator = testing.custodian_user("operator-1", staff=True)
    with pytest.raises(RuleViolation) as exc:
        services.instruction_answer(actor=SYSTEM, user=operator, instruction=inst, text="   ")
    assert code_of(exc) == "E001"
    with pytest.raises(RuleViolation) as exc:
        services.instruction_answer(actor=SYSTEM, user=operator, instruction=inst, text="说明", files=[("big.bin", SimpleUploadedFile("big.bin", b"0" * (services.MAX_ATTACHMENT_BYTES + 1)))])
    assert code_of(exc) == "E004"
    services.instruction_answer(actor=SYSTEM, user=operator, instruction=inst, text="资格条件依据行业标准设置。", files=[("依据.txt", SimpleUploadedFile("依据.txt", "行业标准".encode()))])
    inst.refresh_from_db()
    assert inst.status == Instruction.Status.EXECUTED and inst.answered_by == operator
    executed = Report.objects.get(instruction=inst, kind="executed")
    assert executed.body["text"] == "资格条件依据行业标准设置。" and executed.body["attachments"][0]["name"] == "依据.txt"
    with pytest.raises(RuleViolation) as exc:
        services.instruction_answer(actor=SYSTEM, user=operator, instruction=inst, text="再答一次")
    assert code_of(exc) == "E057"
    correction = hub.send("correct", tender.code, correction="删除第二章中限定地域的资格条件")
    assert correction.status == Instruction.Status.RECEIVED and correction.correction.startswith("删除")
