"""The whole path over real HTTP: supervision (own process) → hub (own process) → this trading platform → back.

The supervision platform and the hub run as real service processes with their
own PostgreSQL databases (``LiveService``); the trading platform is this test
process, reading the hub's inbox with the worker's own function.  Clocks are
real: signed requests are checked within ±5 minutes.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from etender.kernel.errors import RuleViolation
from etender.kernel.livetest import LiveService
from etender.kernel.signing import platform_signer
from etender.trading import testing
from etender.trading.bids import services as bid_services
from etender.trading.directives import services
from etender.trading.directives.models import InboxState, Instruction, Report
from etender.trading.outbox import services as outbox
from etender.trading.tenders.models import Tender

SUPERVISION_CODE = "11330000002482166X"

pytestmark = pytest.mark.django_db(transaction=True)


def http(base: str, method: str, path: str, *, token: str = "", body=None):
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def wait_until(fn, *, timeout: float = 60.0, what: str = ""):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = fn()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Ecosystem:
    def __init__(self, tmp_path, settings):
        self.hub = LiveService("hub", tmp_path, name="hub-directives")
        self.hub.start()
        status, body = self.hub.post("/api/exchange/v1/platforms", {"code": settings.ETENDER_PLATFORM_CODE, "name": "之江电子招标投标交易平台", "kind": "trading", "public_key": platform_signer().public_info()["public_key"]})
        assert status == 201, body
        self.hub.manage("platform_status", settings.ETENDER_PLATFORM_CODE, "active")
        settings.ETENDER_HUB_URL = self.hub.url
        settings.ETENDER_HUB_DIRECTIVES_KEY = ""
        self.sup = LiveService("supervision", tmp_path, name="supervision-directives", env={"ETENDER_HUB_URL": self.hub.url, "ETENDER_PLATFORM_CODE": SUPERVISION_CODE})
        self.sup.manage("seed_demo")
        key = self.sup.manage("shell", "-c", "from etender.kernel.signing import platform_signer; print(platform_signer().public_info()['public_key'])").strip().splitlines()[-1]
        self.hub.manage("register_platform", SUPERVISION_CODE, "浙江省招标投标行政监督平台", key, "--kind", "supervision", "--region", "330000", "--activate")
        self.token = self.sup.manage("shell", "-c", "from django.contrib.auth import get_user_model; from etender.kernel.web.models import ApiToken; print(ApiToken.issue(user=get_user_model().objects.get(username='fgw'), name='test')[1])").strip().splitlines()[-1]
        self.sup.start()
        self.sup.start_worker()

    def issue(self, kind: str, tender: Tender, **extra) -> str:
        status, body = http(self.sup.url, "POST", "/api/directives", token=self.token, body={"kind": kind, "tender_code": tender.code, "reason": "依据电子招标投标办法第五十二条", "due_hours": 2, **extra})
        assert status == 201, body
        return body["instruction_id"]

    def tracked(self, iid: str) -> dict:
        status, body = http(self.sup.url, "GET", f"/api/directives/{iid}", token=self.token)
        assert status == 200, body
        return body

    def receive(self, iid: str) -> Instruction:
        def got():
            services.poll_hub(wait=2)
            return Instruction.objects.filter(instruction_id=iid).first()

        return wait_until(got, what=f"instruction {iid} on the trading platform")

    def wait_status(self, iid: str, status: str) -> dict:
        return wait_until(lambda: (lambda d: d if d["status"] == status else None)(self.tracked(iid)), what=f"{iid} {status} at supervision")

    def close(self):
        self.sup.close()
        self.hub.close()


@pytest.fixture
def eco(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the hub and the supervision platform need their own PostgreSQL databases")
    e = Ecosystem(tmp_path, settings)
    yield e
    e.close()


@pytest.fixture
def parties(eco):
    tenderer = testing.make_party("杭州市西湖区城市建设发展中心", ["tenderer"])
    bidders = [testing.make_party(n, ["bidder"], with_key=True) for n in ("浙江之江建设集团有限公司", "杭州钱塘市政工程有限公司")]
    tender = testing.published_tender(tenderer)
    assert outbox.deliver() > 0  # the hub now holds the 501 record: it knows where the tender comes from
    return tender, bidders


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
