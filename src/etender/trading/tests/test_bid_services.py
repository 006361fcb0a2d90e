"""Sealed bids: acceptance, refusals by rule code, receipts, online decryption and blame (电子办法 26–31)."""

from __future__ import annotations

import base64
import io
import zipfile
from datetime import timedelta

import pytest

from etender.kernel import envelope
from etender.kernel.errors import RuleViolation
from etender.kernel.signing import platform_signer, verify
from etender.trading import chronograph, testing
from etender.trading.bids import services
from etender.trading.bids.models import Bid, BidEnvelope, BidStatus, OpeningRecord
from etender.trading.tenders.models import LotStatus

pytestmark = pytest.mark.django_db


def submit(party, lot, price="11000000.00", **kw):
    data, dek = testing.seal_bid(party, lot, price=price)
    env = services.bid_submit(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data), **kw)
    return env, dek


def b64(dek: bytes) -> str:
    return base64.b64encode(dek).decode()


@pytest.fixture
def lot(tender):
    return tender.lots.get(number=1)


def test_receipt_is_signed_and_binds_the_envelope(lot, bidders):
    env, _ = submit(bidders[0], lot)
    assert env.receipt["envelope_sha256"] == env.sha256 and env.receipt["lot"] == lot.code
    assert verify(env.receipt, env.receipt_signature, platform_signer().public_info()["public_key"])
    tampered = {**env.receipt, "received_at": "2020-01-01T00:00:00+00:00"}
    assert not verify(tampered, env.receipt_signature, platform_signer().public_info()["public_key"])


def test_e120_unsealed_files_are_refused(lot, bidders):
    party = bidders[0]
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("bid.json", "{}")
    for payload in (plain.getvalue(), b"%PDF-1.7 plain bid", b""):
        with pytest.raises(RuleViolation) as exc:
            services.bid_upload(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(payload))
        assert exc.value.code == "E120"
    assert not BidEnvelope.objects.exists()


def test_e120_envelope_for_another_lot_or_key(lot, bidders, tender):
    party = bidders[0]
    other_lot = tender.lots.get(number=2)
    data, _ = testing.seal_bid(party, other_lot)
    with pytest.raises(RuleViolation) as exc:
        services.bid_upload(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))
    assert exc.value.code == "E120"
    stranger_keys = envelope.generate_bidder_keys()
    data, _ = testing.seal_bid(party, lot, keys=stranger_keys)
    with pytest.raises(RuleViolation) as exc:
        services.bid_upload(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))
    assert exc.value.code == "E120" and exc.value.params["reason"] == envelope.REASON_BAD_SIGNATURE


def test_e121_commit_after_deadline_and_unfinished_upload_counts_as_withdrawn(lot, bidders, tender, frozen_clock):
    party = bidders[0]
    data, _ = testing.seal_bid(party, lot)
    env = services.bid_upload(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))
    frozen_clock.set(tender.bid_deadline)
    with pytest.raises(RuleViolation) as exc:
        services.bid_commit(actor=party.actor, entity=party.entity, envelope_id=env.pk)
    assert exc.value.code == "E121"
    with pytest.raises(RuleViolation) as exc:
        submit(bidders[1], lot)
    assert exc.value.code == "E121"
    env.refresh_from_db()
    assert env.committed_at is None and Bid.objects.get(pk=env.bid_id).status == BidStatus.INCOMPLETE


def test_modification_replaces_the_bid(lot, bidders):
    first, _ = submit(bidders[0], lot, price="11000000.00")
    second, dek = submit(bidders[0], lot, price="10500000.00")
    first.refresh_from_db()
    assert first.superseded and not second.superseded
    assert second.receipt["replaces"] == [first.sha256]
    assert Bid.objects.get(pk=second.bid_id).current == second


def test_withdrawal_before_deadline_and_e123_after(lot, bidders, tender, frozen_clock):
    env, _ = submit(bidders[0], lot)
    bid = Bid.objects.get(pk=env.bid_id)
    services.bid_withdraw(actor=bidders[0].actor, entity=bidders[0].entity, bid=bid)
    bid.refresh_from_db()
    assert bid.status == BidStatus.WITHDRAWN and not bid.security_forfeitable
    env2, _ = submit(bidders[1], lot)
    bid2 = Bid.objects.get(pk=env2.bid_id)
    frozen_clock.set(tender.bid_deadline + timedelta(seconds=1))
    with pytest.raises(RuleViolation) as exc:
        services.bid_withdraw(actor=bidders[1].actor, entity=bidders[1].entity, bid=bid2)
    assert exc.value.code == "E123"
    services.bid_withdraw(actor=bidders[1].actor, entity=bidders[1].entity, bid=bid2, accept_forfeit=True)
    bid2.refresh_from_db()
    assert bid2.status == BidStatus.REVOKED and bid2.security_forfeitable


def test_e118_related_bidders(lot, bidders, tenderer, frozen_clock):
    submit(bidders[0], lot)
    same_rep = testing.make_party("同一法人的另一公司", ["bidder"], with_key=True, legal_rep_id=bidders[0].entity.credit_code)
    with pytest.raises(RuleViolation) as exc:
        submit(same_rep, lot)
    assert exc.value.code == "E118"
    subsidiary = testing.make_party("之江建设全资子公司", ["bidder"], with_key=True, controller_code=bidders[0].entity.credit_code)
    with pytest.raises(RuleViolation) as exc:
        submit(subsidiary, lot)
    assert exc.value.code == "E118"
    tenderers_sub = testing.make_party("招标人下属公司", ["bidder"], with_key=True, controller_code=tenderer.entity.credit_code)
    with pytest.raises(RuleViolation) as exc:
        submit(tenderers_sub, lot)
    assert exc.value.code == "E118"


def test_e119_operator_and_its_companies_may_not_bid(lot, frozen_clock):
    from django.conf import settings

    from etender.trading.accounts.models import Entity

    operator = testing.make_party("平台运营公司", ["bidder"], with_key=True, code=settings.ETENDER_PLATFORM_CODE)
    Entity.objects.filter(pk=operator.entity.pk).update(is_platform_operator=True)
    with pytest.raises(RuleViolation) as exc:
        submit(operator, lot)
    assert exc.value.code == "E119"
    controlled = testing.make_party("运营公司控股企业", ["bidder"], with_key=True, controller_code=settings.ETENDER_PLATFORM_CODE)
    with pytest.raises(RuleViolation) as exc:
        submit(controlled, lot)
    assert exc.value.code == "E119"


def test_e124_consortium_rules(tenderer, bidders, frozen_clock):
    tender = testing.published_tender(tenderer, lots=1, data={"consortium_allowed": True})
    lot = tender.lots.get()
    member = bidders[3].entity.credit_code
    with pytest.raises(RuleViolation) as exc:
        submit(bidders[0], lot, consortium_members=[member], joint_agreement=False)
    assert exc.value.code == "E124"
    submit(bidders[0], lot, consortium_members=[member], joint_agreement=True)
    with pytest.raises(RuleViolation) as exc:
        submit(bidders[3], lot)  # the member bids alone as well
    assert exc.value.code == "E124"
    with pytest.raises(RuleViolation) as exc:
        submit(bidders[1], lot, consortium_members=[member], joint_agreement=True)  # and in a second consortium
    assert exc.value.code == "E124"


def test_e122_nothing_decrypts_before_the_deadline(lot, bidders, tender, frozen_clock):
    env, dek = submit(bidders[0], lot)
    bid = Bid.objects.get(pk=env.bid_id)
    with pytest.raises(RuleViolation) as exc:
        services.bid_decrypt(actor=bidders[0].actor, entity=bidders[0].entity, bid=bid, dek=b64(dek))
    assert exc.value.code == "E122"
    frozen_clock.set(tender.bid_deadline - timedelta(seconds=1))
    with pytest.raises(RuleViolation) as exc:
        services.bid_decrypt(actor=bidders[0].actor, entity=bidders[0].entity, bid=bid, dek=b64(dek))
    assert exc.value.code == "E122"


def _to_opening(lot, bidders, tender, frozen_clock, n=3):
    deks = {}
    for i, party in enumerate(bidders[:n]):
        _, dek = submit(party, lot, price=f"{11000000 - i * 10000}.00")
        deks[party.entity.pk] = dek
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPENING
    return deks


def test_e127_wrong_key_can_be_retried_within_the_window(lot, bidders, tender, frozen_clock):
    deks = _to_opening(lot, bidders, tender, frozen_clock)
    party = bidders[0]
    bid = party.entity.bids.get(lot=lot)
    with pytest.raises(RuleViolation) as exc:
        services.bid_decrypt(actor=party.actor, entity=party.entity, bid=bid, dek=b64(b"\x01" * 32))
    assert exc.value.code == "E127"
    with pytest.raises(RuleViolation) as exc:
        services.bid_decrypt(actor=party.actor, entity=party.entity, bid=bid, dek="not-a-key")
    assert exc.value.code == "E127"
    services.bid_decrypt(actor=party.actor, entity=party.entity, bid=bid, dek=b64(deks[party.entity.pk]))
    bid.refresh_from_db()
    assert bid.status == BidStatus.OPENED and str(bid.price) == "11000000.00"


def test_e127_blame_platform_when_stored_file_changed(lot, bidders, tender, frozen_clock):
    deks = _to_opening(lot, bidders, tender, frozen_clock)
    victim = bidders[1]
    bid = victim.entity.bids.get(lot=lot)
    path = bid.current.file.path
    with open(path, "r+b") as f:
        f.seek(100)
        byte = f.read(1)
        f.seek(100)
        f.write(bytes([byte[0] ^ 1]))
    services.bid_decrypt(actor=victim.actor, entity=victim.entity, bid=bid, dek=b64(deks[victim.entity.pk]))
    bid.refresh_from_db()
    assert bid.status == BidStatus.DEEMED_WITHDRAWN and "平台" in bid.failure and not bid.security_forfeitable
    # The opening goes on for the others.
    for party in (bidders[0], bidders[2]):
        services.bid_decrypt(actor=party.actor, entity=party.entity, bid=party.entity.bids.get(lot=lot), dek=b64(deks[party.entity.pk]))
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPENED
    rows = {r["bidder_code"]: r for r in OpeningRecord.objects.get(lot=lot).rows}
    assert rows[victim.entity.credit_code]["status"] == BidStatus.DEEMED_WITHDRAWN
    assert rows[bidders[0].entity.credit_code]["price"] == "11000000.00"


def test_e127_blame_bidder_when_content_is_not_a_bid(lot, bidders, tender, frozen_clock):
    party = bidders[0]
    out = io.BytesIO()
    envelope.seal(plaintext=io.BytesIO(b"not a zip"), out=out, tender=tender.code, lot=lot.code, bidder=party.entity.credit_code, recipient_public=party.keys.encryption_public, signing_private=party.keys.signing_private)
    services.bid_submit(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(out.getvalue()))
    dek = envelope.unwrap_dek(io.BytesIO(out.getvalue()), encryption_private=party.keys.encryption_private)
    for other in bidders[1:3]:
        submit(other, lot)
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    bid = party.entity.bids.get(lot=lot)
    services.bid_decrypt(actor=party.actor, entity=party.entity, bid=bid, dek=b64(dek))
    bid.refresh_from_db()
    assert bid.status == BidStatus.REVOKED and bid.security_forfeitable


def test_window_closing_revokes_undecrypted_bids(lot, bidders, tender, frozen_clock):
    deks = _to_opening(lot, bidders, tender, frozen_clock)
    party = bidders[0]
    services.bid_decrypt(actor=party.actor, entity=party.entity, bid=party.entity.bids.get(lot=lot), dek=b64(deks[party.entity.pk]))
    frozen_clock.set(lot.opening_ends_at)
    chronograph.tick()
    lot.refresh_from_db()
    statuses = sorted(r["status"] for r in OpeningRecord.objects.get(lot=lot).rows)
    assert lot.status == LotStatus.OPENED and statuses == [BidStatus.OPENED, BidStatus.REVOKED, BidStatus.REVOKED]


def test_opening_record_is_signed(lot, bidders, tender, frozen_clock):
    deks = _to_opening(lot, bidders, tender, frozen_clock)
    for party in bidders[:3]:
        services.bid_decrypt(actor=party.actor, entity=party.entity, bid=party.entity.bids.get(lot=lot), dek=b64(deks[party.entity.pk]))
    record = OpeningRecord.objects.get(lot=lot)
    doc = services.opening_record_document(record)
    assert verify(doc, record.signature, platform_signer().public_info()["public_key"])
    assert record.opened_at == tender.bid_deadline  # E126: opened at the deadline


def test_receipt_is_provable_in_the_log_against_the_next_checkpoint(lot, bidders, tender, frozen_clock):
    from etender.kernel import checkpoint as notes
    from etender.kernel import merkle
    from etender.kernel.audit import log
    from etender.kernel.audit.models import Checkpoint

    env, _ = submit(bidders[0], lot)
    index = env.receipt["log_index"]
    assert env.receipt["log_origin"] == log.origin()
    for party in bidders[1:3]:
        submit(party, lot)
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()  # submission closed: a checkpoint is issued
    cp = Checkpoint.objects.filter(reason="lot.opening_started").get()
    verifier = notes.NoteVerifier.from_key(log.verifier_key())
    parsed = notes.parse_signed_checkpoint(cp.note, [verifier], required=[verifier.name])
    assert merkle.verify_inclusion(bytes.fromhex(env.receipt["log_leaf_hash"]), index, parsed.size, log.inclusion(index, parsed.size), parsed.root)
    assert Checkpoint.objects.filter(reason="tender.published").exists()
