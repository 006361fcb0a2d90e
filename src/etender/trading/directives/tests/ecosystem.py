"""The hub and the supervision platform as real processes, for the round-trip and browser tests."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from etender.kernel.livetest import LiveService
from etender.kernel.signing import platform_signer
from etender.trading.directives import services
from etender.trading.directives.models import Instruction
from etender.trading.tenders.models import Tender

SUPERVISION_CODE = "11330000002482166X"

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
