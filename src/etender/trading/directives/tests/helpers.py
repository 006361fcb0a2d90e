"""A stand-in for the hub's countersignature in in-process tests (the live tests use the real hub)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.signing import Signer
from etender.trading.directives import services

SYSTEM = Actor.system()


class HubKey:
    def __init__(self, settings):
        self.signer = Signer(Ed25519PrivateKey.generate())
        self.public = self.signer.public_info()["public_key"]
        settings.ETENDER_HUB_DIRECTIVES_KEY = self.public
        self.seq = 0
        self.settings = settings

    def envelope(self, kind: str, tender_code: str, *, target: str | None = None, **extra) -> dict:
        now = clock.now()
        doc = {
            "type": "etender-supervisory-instruction",
            "version": 1,
            "id": uuid.uuid4().hex,
            "supervision": "11330000MB1234567X",
            "department": {"code": "zj-zjt", "name": "浙江省住房和城乡建设厅", "region_code": "330000"},
            "kind": kind,
            "tender_code": tender_code,
            "lot_code": None,
            "reason": "投诉处理期间，依据电子招标投标办法第五十二条暂停招标投标活动",
            "correction": "",
            "questions": [],
            "issued_at": now.isoformat(),
            "ack_due_at": (now + timedelta(hours=2)).isoformat(),
            "execute_due_at": (now + timedelta(hours=24)).isoformat(),
            "complaint_id": None,
            "issued_by": "张监督",
            **extra,
        }
        return {"type": "etender-supervisory-instruction", "version": 1, "hub": "12330000MB0000000E", "target": target or self.settings.ETENDER_PLATFORM_CODE, "relayed_at": now.isoformat(), "instruction": doc, "supervision_signature": "c2lnbmF0dXJl"}

    def deliver(self, envelope: dict, *, signer: Signer | None = None):
        self.seq += 1
        return services.instruction_receive(actor=SYSTEM, seq=self.seq, envelope=envelope, hub_signature=(signer or self.signer).sign(envelope), key=services.hub_key())

    def send(self, kind: str, tender_code: str, **extra):
        return self.deliver(self.envelope(kind, tender_code, **extra))[0]
