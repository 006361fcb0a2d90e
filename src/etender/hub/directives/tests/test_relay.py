"""The instruction relay: who may send, where it goes, signatures, idempotency, inbox and status cursors."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
from django.test import Client

from etender.hub.directives.models import Directive, StatusEvent
from etender.hub.exchange.tests.test_ingest import FakePlatform, ingest
from etender.hub.exchange.tests.test_scopes_and_upward import register, whole_tender
from etender.kernel import clock
from etender.kernel.canonical import canonical
from etender.kernel.platform_requests import signed_document, signed_headers, verify_document
from etender.kernel.signing import Signer, platform_signer

TENDER = "E3301062025000037001"


def sign(platform: FakePlatform, doc: dict) -> str:
    return base64.b64encode(platform.key.sign(canonical(doc))).decode()


def instruction(sup: FakePlatform, **over) -> dict:
    return {"id": uuid.uuid4().hex, "supervision": sup.code, "department": {"code": "zj-fgw", "name": "浙江省发展和改革委员会"}, "kind": "suspend", "tender_code": TENDER, "lot_code": None, "reason": "投诉处理期间暂停", "issued_at": clock.now().isoformat(), **over}


def post_instruction(c: Client, sup: FakePlatform, doc: dict, *, signer: FakePlatform | None = None):
    return c.post("/api/directives/v1/instructions", {"instruction": doc, "signature": sign(signer or sup, doc)}, content_type="application/json")


def signed(c: Client, p: FakePlatform, method: str, path: str, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    h = signed_headers(code=p.code, method=method, path=path, body=data, signer=Signer(p.key))
    headers = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in h.items()}
    if method == "GET":
        return c.get(path, **headers)
    return c.post(path, data, content_type="application/json", **headers)


def report(trading: FakePlatform, iid: str, kind: str, **over) -> dict:
    body = {"instruction": iid, "platform": trading.code, "kind": kind, "at": clock.now().isoformat(), "text": "", "outcome": "", "attachments": [], **over}
    return {"report": body, "signature": sign(trading, body)}


@pytest.fixture
def world(db):
    trading = FakePlatform(11)
    trading.register()
    ingest(trading.batch(whole_tender()))
    sup = FakePlatform(21)
    register(sup, "supervision", "330000")
    return trading, sup


def test_an_instruction_is_addressed_to_the_tenders_origin_and_countersigned(world):
    trading, sup = world
    c = Client()
    doc = instruction(sup)
    r = post_instruction(c, sup, doc)
    assert r.status_code == 201, r.content
    assert r.json()["target"] == trading.code and r.json()["duplicate"] is False
    items = signed(c, trading, "GET", "/api/directives/v1/inbox?after=0").json()["items"]
    assert len(items) == 1
    env = items[0]["envelope"]
    assert env["target"] == trading.code and env["instruction"] == doc
    assert verify_document(public_key=platform_signer().public_info()["public_key"], document=env, signature=items[0]["hub_signature"])
    assert c.get("/api/directives/v1/key").json()["public_key"] == platform_signer().public_info()["public_key"]


def test_retry_is_harmless_and_other_content_under_the_same_id_is_refused(world):
    trading, sup = world
    c = Client()
    doc = instruction(sup)
    assert post_instruction(c, sup, doc).status_code == 201
    again = post_instruction(c, sup, doc)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    forged = post_instruction(c, sup, {**doc, "kind": "terminate"})
    assert forged.status_code == 409 and forged.json()["code"] == "E053"
    assert Directive.objects.count() == 1
    assert len(signed(c, trading, "GET", "/api/directives/v1/inbox?after=0").json()["items"]) == 1


def test_only_registered_supervision_platforms_with_their_own_key(world):
    trading, sup = world
    c = Client()
    r = post_instruction(c, sup, instruction(sup), signer=FakePlatform(99))
    assert r.status_code == 403 and r.json()["code"] == "E013"
    stranger = FakePlatform(22)
    r = post_instruction(c, stranger, instruction(stranger))
    assert r.status_code == 403 and r.json()["code"] == "E015"
    r = post_instruction(c, trading, instruction(trading))  # a trading platform cannot instruct
    assert r.status_code == 403 and r.json()["code"] == "E059"
    assert Directive.objects.count() == 0


def test_outside_the_jurisdiction_or_unknown_tender_is_refused(world):
    _, _sup = world
    c = Client()
    ningbo = FakePlatform(23)
    register(ningbo, "supervision", "330200")
    r = post_instruction(c, ningbo, instruction(ningbo))
    assert r.status_code == 403 and r.json()["code"] == "E051"
    r = post_instruction(c, _sup, instruction(_sup, tender_code="E3301062025000099001"))
    assert r.status_code == 404 and r.json()["code"] == "E052"
    r = post_instruction(c, _sup, instruction(_sup, kind="arrest"))
    assert r.status_code == 422 and r.json()["code"] == "E001"


def test_inbox_and_status_need_the_right_signed_caller(world):
    trading, sup = world
    c = Client()
    assert c.get("/api/directives/v1/inbox?after=0").status_code == 403  # unsigned
    assert signed(c, sup, "GET", "/api/directives/v1/inbox?after=0").status_code == 403  # not a trading platform
    assert signed(c, trading, "GET", "/api/directives/v1/status?after=0").status_code == 403
    ts = clock.now().isoformat()
    sig = base64.b64encode(trading.key.sign(canonical(signed_document(method="GET", path="/api/directives/v1/inbox?after=0", timestamp=ts)))).decode()
    r = c.get("/api/directives/v1/inbox?after=5", HTTP_X_ETENDER_PLATFORM=trading.code, HTTP_X_ETENDER_TIMESTAMP=ts, HTTP_X_ETENDER_SIGNATURE=sig)
    assert r.status_code == 403 and r.json()["code"] == "E013"  # the signature covers the cursor


def test_acknowledgement_and_execution_flow_back_to_the_issuer_in_order(world):
    trading, sup = world
    c = Client()
    doc = instruction(sup)
    post_instruction(c, sup, doc)
    page = signed(c, trading, "GET", "/api/directives/v1/inbox?after=0").json()
    assert page["next"] == 1
    assert signed(c, trading, "GET", "/api/directives/v1/inbox?after=1").json()["items"] == []
    early = signed(c, trading, "POST", "/api/directives/v1/reports", report(trading, doc["id"], "executed"))
    assert early.status_code == 409 and early.json()["code"] == "E007"
    ack = report(trading, doc["id"], "acknowledged")
    assert signed(c, trading, "POST", "/api/directives/v1/reports", ack).status_code == 201
    assert signed(c, trading, "POST", "/api/directives/v1/reports", ack).json()["duplicate"] is True
    other = FakePlatform(12)
    other.register()
    r = signed(c, other, "POST", "/api/directives/v1/reports", report(other, doc["id"], "acknowledged"))
    assert r.status_code == 403 and r.json()["code"] == "E055"
    ex = report(trading, doc["id"], "executed", text="已暂停", outcome="suspended")
    assert signed(c, trading, "POST", "/api/directives/v1/reports", ex).status_code == 201
    changed = report(trading, doc["id"], "executed", text="另一份", outcome="suspended")
    assert signed(c, trading, "POST", "/api/directives/v1/reports", changed).json()["code"] == "E053"
    events = signed(c, sup, "GET", "/api/directives/v1/status?after=0").json()["items"]
    assert [e["kind"] for e in events] == ["relayed", "delivered", "acknowledged", "executed"]
    assert [e["seq"] for e in events] == [1, 2, 3, 4]
    assert events[-1]["report"]["text"] == "已暂停"
    assert signed(c, sup, "GET", "/api/directives/v1/status?after=4").json()["items"] == []
    other_sup = FakePlatform(24)
    register(other_sup, "supervision", "330000")
    assert signed(c, other_sup, "GET", "/api/directives/v1/status?after=0").json()["items"] == []  # only its own instructions
    assert StatusEvent.objects.count() == 4
