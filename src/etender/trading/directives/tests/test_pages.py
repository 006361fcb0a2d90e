"""Trading pages of supervisory instructions: who sees them, the banner, the operator's answer form."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from etender.trading import testing
from etender.trading.directives.models import Instruction

from .helpers import HubKey


@pytest.fixture
def hub(settings, db):
    return HubKey(settings)


def test_banner_list_and_answer(hub, tender, tenderer, bidders):
    hub.send("suspend", tender.code)
    inform = hub.send("inform", tender.code, questions=["请说明开标安排"])
    c = Client()
    c.force_login(tenderer.user)
    page = c.get(f"/tenders/{tender.pk}/").content.decode()
    assert 'id="suspension-banner"' in page and "本项目已被行政监督部门暂停" in page
    lot = tender.lots.first()
    bidder = Client()
    bidder.force_login(bidders[0].user)
    assert 'id="suspension-banner"' in bidder.get(f"/lots/{lot.pk}/bid/").content.decode()
    listing = c.get("/directives/").content.decode()
    assert "要求说明情况" in listing and "暂停招标投标活动" in listing
    assert 'id="answer-form"' not in c.get(f"/directives/{inform.pk}/").content.decode()  # the tenderer reads, the operator answers
    assert "暂无指令" in bidder.get("/directives/").content.decode()  # a bidder sees no instruction
    assert bidder.get(f"/directives/{inform.pk}/").status_code == 404
    operator = Client()
    operator.force_login(testing.custodian_user("operator-page", staff=True))
    assert 'id="answer-form"' in operator.get(f"/directives/{inform.pk}/").content.decode()
    r = operator.post(f"/directives/{inform.pk}/", {"text": "", "files": []})
    assert "This field is required" in r.content.decode() or "这个字段是必填项" in r.content.decode()
    r = operator.post(f"/directives/{inform.pk}/", {"text": "开标于投标截止时间在线进行。", "files": [SimpleUploadedFile("安排.txt", "开标安排".encode()), SimpleUploadedFile("名单.txt", "名单".encode())]})
    assert r.status_code == 302
    inform.refresh_from_db()
    assert inform.status == Instruction.Status.EXECUTED and inform.attachments.count() == 2
    api = operator.get("/api/directives").json()
    assert {i["kind"] for i in api} == {"suspend", "inform"}
