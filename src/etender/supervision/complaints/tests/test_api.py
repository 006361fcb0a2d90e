"""The complaints API: every endpoint through the real services, coded answers for bad input and other departments."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ..models import Complaint, Status
from .conftest import LOT, PASSWORD, TENDER, beijing

API = "/api/complaints/v1/complaints"

FORM = {
    "tender_code": TENDER, "matter": "other", "known_on": "2026-09-22", "respondent_type": "1",
    "request_text": "请求责令改正", "grounds": "条例第三十二条", "facts": "以特定行业业绩加分。",
    "complainant_name": "杭州余航市政工程有限公司", "complainant_phone": "13800138002", "complainant_email": "legal@yuhang.example",
}


def login(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert c.login(username=user.username, password=PASSWORD)
    return c


def evidence(name="证据.pdf", content=b"%PDF evidence"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def lodge(client, **over):
    data = {**FORM, **over}
    if "evidence" not in over:
        data["evidence"] = [evidence()]
    return client.post(API, data)


def code_of(r) -> str:
    return r.json()["code"]


@pytest.fixture
def lodged(clock, tender, bidder, regulator):
    r = lodge(login(bidder))
    assert r.status_code == 201, r.content.decode()
    return r.json()["number"]


def test_lodge_with_evidence_files(clock, tender, bidder):
    party = login(bidder)
    r = lodge(party, evidence=[evidence("a.pdf", b"one"), evidence("截图.png", b"two")])
    assert r.status_code == 201, r.content.decode()
    body = r.json()
    assert body["status"] == "lodged" and body["department_code"] == "zj-jst" and body["lot_code"] == LOT
    assert body["next_step"] == "acceptance" and body["due_on"] == "2026-09-30"  # 3 working days, Mid-Autumn Festival on 25 Sep
    assert [e["sha256"] for e in body["evidence"]] == [hashlib.sha256(b"one").hexdigest(), hashlib.sha256(b"two").hexdigest()]
    assert body["steps"][0]["kind"] == "lodged" and body["steps"][0]["label"] == "已提交"
    download = party.get(body["evidence"][1]["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"two"


@pytest.mark.parametrize(
    ("over", "code", "status"),
    [
        ({"evidence": []}, "E087", 422),
        ({"facts": "  "}, "E087", 422),
        ({"tender_code": "E3300000000000099"}, "E086", 422),
        ({"matter": "evaluation_result"}, "E085", 422),
        ({"matter": "tender_documents", "objection_on": "2026-09-23"}, "E089", 409),
        ({"known_on": "2026-09-01"}, "E149", 422),
        ({"known_on": "not a date"}, "E001", 422),
        ({"known_on": "2026-12-01"}, "E009", 422),
        ({"complainant_email": "nobody"}, "E001", 422),
        ({"matter": "gossip"}, "E001", 422),
        ({"lot_code": "X" * 40}, "E001", 422),
        ({"evidence": [SimpleUploadedFile("empty.pdf", b"")]}, "E001", 422),
    ],
)
def test_lodge_refusals_are_coded(clock, tender, bidder, over, code, status):
    r = lodge(login(bidder), **over)
    assert r.status_code == status, r.content.decode()
    assert code_of(r) == code
    assert not Complaint.objects.exists()


def test_lodge_missing_fields_and_anonymous(clock, tender, bidder):
    r = login(bidder).post(API, {"tender_code": TENDER})
    assert r.status_code == 422 and code_of(r) == "E001" and len(r.json()["errors"]) >= 4
    r = Client().post(API, {**FORM, "evidence": [evidence()]})
    assert r.status_code == 401 and code_of(r) == "E008"


def test_lists_for_regulators_and_complainants(clock, lodged, bidder, regulator, other_regulator):
    staff = login(regulator).get(API).json()
    assert [c["number"] for c in staff] == [lodged]
    assert staff[0]["overdue"] is False and staff[0]["due_on"] == "2026-09-30"
    assert [c["number"] for c in login(bidder).get(API).json()] == [lodged]
    assert login(other_regulator).get(API).json() == []
    clock.set(beijing(2026, 10, 9, 9))  # the acceptance was due on 30 September
    staff = login(regulator).get(API + "?overdue=true").json()
    assert [c["number"] for c in staff] == [lodged] and staff[0]["overdue"] is True
    assert login(regulator).get(API + "?overdue=false").json() == []
    assert login(regulator).get(API + "?status=decided").json() == []
    assert login(regulator).get(API + "?mine=true").json() == []
    r = login(regulator).get(API + "?status=bogus")
    assert r.status_code == 422 and code_of(r) == "E001"


def test_another_department_and_strangers_get_404(clock, lodged, bidder, other_regulator, django_user_model):
    other = login(other_regulator)
    for method, path, body in (
        ("get", f"{API}/{lodged}", None),
        ("post", f"{API}/{lodged}/accept", {}),
        ("post", f"{API}/{lodged}/refuse", {"reasons": "x"}),
        ("post", f"{API}/{lodged}/refer", {"department": "zj-fgw", "reasons": "x"}),
        ("post", f"{API}/{lodged}/decide", {"outcome": "dismissed", "handle_result": "x", "handle_basis": "y"}),
        ("post", f"{API}/{lodged}/clock/stop", {"reason": "appraisal"}),
        ("get", f"{API}/{lodged}/evidence/1", None),
    ):
        r = getattr(other, method)(path, body, content_type="application/json") if method == "post" else other.get(path)
        assert r.status_code == 404 and code_of(r) == "E005", (path, r.content)
    assert Complaint.objects.get().status == Status.LODGED
    assert login(bidder).get(f"{API}/TS2026999999").status_code == 404


def test_the_complainant_cannot_handle_their_complaint(clock, lodged, bidder):
    r = login(bidder).post(f"{API}/{lodged}/accept")
    assert r.status_code == 403 and code_of(r) == "E088"


def test_accept_request_answer_clock_and_decide(clock, lodged, bidder, regulator):
    staff, party = login(regulator), login(bidder)
    r = staff.post(f"{API}/{lodged}/accept")
    assert r.status_code == 200 and r.json()["status"] == "accepted" and r.json()["next_step"] == "decision"
    due = r.json()["decision_due"]
    assert staff.post(f"{API}/{lodged}/accept").json()["code"] == "E007"

    r = staff.post(f"{API}/{lodged}/requests", {"addressee": "complainant", "question": "请提供评分表原件", "due_days": 5}, content_type="application/json")
    assert r.status_code == 201, r.content
    req = r.json()["id"]
    bad = staff.post(f"{API}/{lodged}/requests", {"addressee": "nobody", "question": "?"}, content_type="application/json")
    assert bad.status_code == 422 and code_of(bad) == "E001"
    bad = staff.post(f"{API}/{lodged}/requests", {"addressee": "respondent", "question": "?", "due_days": 99}, content_type="application/json")
    assert bad.status_code == 422 and code_of(bad) == "E001"
    assert party.post(f"{API}/{lodged}/requests/999999/answer", {"answer": "x"}, content_type="application/json").json()["code"] == "E005"
    r = party.post(f"{API}/{lodged}/requests/{req}/answer", {"answer": "评分表原件见附件"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["answered_at"]
    assert party.post(f"{API}/{lodged}/requests/{req}/answer", {"answer": "again"}, content_type="application/json").json()["code"] == "E007"

    r = staff.post(f"{API}/{lodged}/clock/stop", {"reason": "expert_review", "note": "专家评审"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["clock_suspended"] is True and r.json()["decision_due"] is None
    assert staff.post(f"{API}/{lodged}/clock/stop", {"reason": "expert_review"}, content_type="application/json").json()["code"] == "E007"
    r = staff.post(f"{API}/{lodged}/decide", {"outcome": "dismissed", "handle_result": "驳回", "handle_basis": "第二十条"}, content_type="application/json")
    assert r.status_code == 409 and code_of(r) == "E007"
    clock.set(beijing(2026, 9, 30, 10))
    r = staff.post(f"{API}/{lodged}/clock/restart", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["decision_due"] > due  # 28–30 Sep stopped: 2 working days (29, 30) added
    assert staff.post(f"{API}/{lodged}/clock/restart", {}, content_type="application/json").json()["code"] == "E007"

    r = staff.post(f"{API}/{lodged}/decide", {"outcome": "maybe", "handle_result": "", "handle_basis": ""}, content_type="application/json")
    assert r.status_code == 422 and {e["field"] for e in r.json()["errors"]} == {"outcome", "handle_result", "handle_basis"}
    r = staff.post(f"{API}/{lodged}/decide", {"outcome": "dismissed", "handle_result": "驳回投诉。", "handle_basis": "投诉处理办法第二十条"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "decided" and r.json()["next_step"] is None
    kinds = [s["kind"] for s in r.json()["steps"]]
    assert kinds == ["lodged", "accepted", "information_requested", "information_answered", "clock_suspended", "clock_resumed", "decided"]
    assert all(s["label"] != s["kind"] for s in r.json()["steps"])
    assert Complaint.objects.get().published_at is not None


def test_refuse_and_refer(clock, tender, bidder, regulator, other_regulator):
    party = login(bidder)
    first, second = lodge(party).json()["number"], lodge(party).json()["number"]
    staff = login(regulator)
    r = staff.post(f"{API}/{first}/refuse", {"reasons": ""}, content_type="application/json")
    assert r.status_code == 422 and code_of(r) == "E001"
    r = staff.post(f"{API}/{first}/refuse", {"reasons": "不属于投诉受理范围"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "rejected" and r.json()["rejection_reasons"] == "不属于投诉受理范围"
    r = staff.post(f"{API}/{second}/refer", {"department": "no-such", "reasons": "x"}, content_type="application/json")
    assert r.status_code == 404 and code_of(r) == "E005"
    r = staff.post(f"{API}/{second}/refer", {"department": "zj-jst", "reasons": "x"}, content_type="application/json")
    assert r.status_code == 422 and code_of(r) == "E001"
    r = staff.post(f"{API}/{second}/refer", {"department": "zj-fgw", "reasons": "属发展改革部门职责"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["department_code"] == "zj-fgw" and r.json()["may_handle"] is False
    assert staff.get(f"{API}/{second}").status_code == 404  # now another department's complaint
    assert login(other_regulator).get(f"{API}/{second}").json()["may_handle"] is True


def test_bad_json_is_coded(clock, lodged, regulator):
    staff = login(regulator)
    r = staff.post(f"{API}/{lodged}/refuse", "not json", content_type="application/json")
    assert 400 <= r.status_code < 500 and r.json()["code"]
    r = staff.post(f"{API}/{lodged}/clock/stop", {"reason": "appraisal", "started_on": "yesterday"}, content_type="application/json")
    assert r.status_code == 422 and code_of(r) == "E001"


def test_openapi_documents_every_endpoint(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (API, API + "/{number}", API + "/{number}/accept", API + "/{number}/refuse", API + "/{number}/refer", API + "/{number}/requests", API + "/{number}/requests/{request_id}/answer", API + "/{number}/clock/stop", API + "/{number}/clock/restart", API + "/{number}/decide"):
        assert path in paths, path
    assert "multipart/form-data" in paths[API]["post"]["requestBody"]["content"]
