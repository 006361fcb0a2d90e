"""Issuing and tracking instructions on the supervision platform (the hub part is in test_round_trip)."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation
from etender.kernel.platform_requests import verify_document
from etender.kernel.signing import platform_signer
from etender.supervision.directives import services
from etender.supervision.directives.models import Directive, Status
from etender.supervision.duties.models import Department, DepartmentStaff
from etender.supervision.monitor.models import Alert, TenderView

TENDER = "E3301062025000037001"
PASSWORD = "Etender-Test-2026"


@pytest.fixture
def staff(db, frozen_clock, settings):
    settings.ETENDER_PLATFORM_CODE = "11330000MB1234567X"
    User = get_user_model()
    jst = Department.objects.create(code="zj-jst", name="浙江省住房和城乡建设厅", region_code="330000", industries=["housing"])
    nb = Department.objects.create(code="nb-jt", name="宁波市交通运输局", region_code="330200", industries=["transport"])
    user = User.objects.create_user("zjt", password=PASSWORD, first_name="张监督")
    DepartmentStaff.objects.create(user=user, department=jst)
    other = User.objects.create_user("nbjt", password=PASSWORD)
    DepartmentStaff.objects.create(user=other, department=nb)
    return user, other


def actor(user) -> Actor:
    return Actor(user_id=user.pk, username=user.username)


def issue(user, **kw):
    args = {"kind": "suspend", "tender_code": TENDER, "reason": "投诉处理期间暂停", "due_hours": None, **kw}
    return services.directive_issue(actor=actor(user), **args)


def code(exc) -> str:
    return exc.value.code


def test_an_instruction_is_signed_with_due_times(staff, frozen_clock):
    user, _ = staff
    d = issue(user, due_hours=4, complaint_id=17)
    assert d.department.code == "zj-jst" and d.status == Status.PENDING and d.complaint_id == "17"
    assert verify_document(public_key=platform_signer().public_info()["public_key"], document=d.document, signature=d.signature)
    assert d.document["supervision"] == "11330000MB1234567X" and d.document["kind"] == "suspend"
    assert d.execute_due_at == d.issued_at + timedelta(hours=4) and d.ack_due_at == d.issued_at + timedelta(hours=2)


def test_answers_are_due_in_five_working_days(staff, frozen_clock):
    user, _ = staff
    # Monday 2026-03-02 09:00: five working days later is Monday 03-09, due at its end (24:00).
    d = issue(user, kind="inform", questions=["请说明资格条件依据"])
    assert d.execute_due_at.isoformat() == "2026-03-10T00:00:00+08:00"
    frozen_clock.set(d.issued_at.replace(month=9, day=30))  # before the National Day holidays (10-01 … 10-08)
    d = issue(user, kind="correct", correction="删除限定地域的资格条件")
    assert d.execute_due_at.isoformat() == "2026-10-14T00:00:00+08:00"


def test_required_fields_and_limits(staff):
    user, _ = staff
    for kw, expected in (
        ({"kind": "correct"}, "E001"),
        ({"kind": "inform", "questions": ["  "]}, "E001"),
        ({"kind": "arrest"}, "E001"),
        ({"reason": " "}, "E001"),
        ({"due_hours": 0}, "E058"),
        ({"due_hours": 721}, "E058"),
        ({"tender_code": ""}, "E001"),
    ):
        with pytest.raises(RuleViolation) as exc:
            issue(user, **kw)
        assert code(exc) == expected, kw
    assert Directive.objects.count() == 0


def test_only_department_staff_within_their_jurisdiction(staff, db):
    user, other = staff
    with pytest.raises(RuleViolation) as exc:
        issue(other)  # 宁波 does not cover a 330106 (杭州西湖) tender
    assert code(exc) == "E051"
    nobody = get_user_model().objects.create_user("citizen", password=PASSWORD)
    with pytest.raises(RuleViolation) as exc:
        issue(nobody)
    assert code(exc) == "E006"
    # With the monitoring read model the department's fields count too: housing does not cover a water project.
    TenderView.objects.create(code=TENDER, name="西湖水库加固工程", region_code="330106", industry="N76", tender_type="A05")
    with pytest.raises(RuleViolation) as exc:
        issue(user)
    assert code(exc) == "E051"
    TenderView.objects.filter(code=TENDER).update(industry="E47", tender_type="A01", name="文三路综合改造工程施工招标")
    assert issue(user).tender_name == "文三路综合改造工程施工招标"


def test_suspend_twice_or_resume_without_suspension_is_refused(staff):
    user, _ = staff
    with pytest.raises(RuleViolation) as exc:
        issue(user, kind="resume")
    assert code(exc) == "E054"
    issue(user)
    with pytest.raises(RuleViolation) as exc:
        issue(user)
    assert code(exc) == "E054"
    assert issue(user, kind="resume").kind == "resume"


def test_status_events_apply_once_and_never_move_back(staff):
    user, _ = staff
    d = issue(user)
    iid = d.instruction_id
    content = base64.b64encode("暂停通知".encode()).decode()
    import hashlib

    sha = hashlib.sha256("暂停通知".encode()).hexdigest()
    executed = {"instruction_id": iid, "kind": "executed", "at": "2026-03-02T09:00:05+08:00", "report": {"text": "已暂停", "outcome": "suspended", "attachments": [{"name": "通知.txt", "sha256": sha, "size": 12, "content": content}, {"name": "bad.txt", "sha256": "0" * 64, "size": 1, "content": content}]}, "report_signature": "c2ln"}
    assert services.status_apply(executed)
    assert not services.status_apply(executed)  # a duplicate changes nothing
    assert services.status_apply({"instruction_id": iid, "kind": "delivered", "at": "2026-03-02T09:00:01+08:00"})
    d.refresh_from_db()
    assert d.status == Status.EXECUTED and d.delivered_at is not None  # the late 'delivered' did not move it back
    assert d.report_text == "已暂停" and [f.name for f in d.files.all()] == ["通知.txt"]  # a file not matching its digest is dropped
    assert "content" not in d.report["attachments"][0]


def test_overdue_acknowledgement_and_execution_are_flagged_once_with_an_alert(staff, frozen_clock):
    user, _ = staff
    d = issue(user, due_hours=3)
    assert services.overdue_flag() == 0
    frozen_clock.advance(hours=2, seconds=1)
    assert services.overdue_flag() == 1
    assert services.overdue_flag() == 0
    frozen_clock.advance(hours=1)
    assert services.overdue_flag() == 1
    d.refresh_from_db()
    assert d.ack_overdue_at and d.execute_overdue_at
    assert Alert.objects.filter(dedupe_key__startswith=f"directive:{d.instruction_id}").count() == 2
    c = Client()
    c.login(username="zjt", password=PASSWORD)
    assert [x["instruction_id"] for x in c.get("/api/directives?overdue=true").json()] == [d.instruction_id]
    assert c.get(f"/api/directives/{d.instruction_id}").json()["ack_overdue"] is True


def test_pages_and_api(staff):
    user, other = staff
    c = Client()
    c.login(username="zjt", password=PASSWORD)
    page = c.get("/directives/new/?tender=" + TENDER)
    assert page.status_code == 200 and TENDER in page.content.decode()
    r = c.post("/directives/new/", {"kind": "suspend", "tender_code": TENDER, "reason": "投诉处理期间暂停", "due_hours": ""})
    assert r.status_code == 302
    d = Directive.objects.get()
    detail = c.get(r["Location"]).content.decode()
    assert d.instruction_id in detail
    r = c.post("/directives/new/", {"kind": "suspend", "tender_code": TENDER, "reason": "再次", "due_hours": ""})
    assert "E054" in r.content.decode()
    assert TENDER in c.get("/directives/").content.decode()
    r = c.post("/api/directives", {"kind": "resume", "tender_code": TENDER, "reason": "投诉已处理", "due_hours": 2}, content_type="application/json")
    assert r.status_code == 201 and r.json()["department"] == "zj-jst"
    r = c.post("/api/directives", {"kind": "terminate", "tender_code": TENDER, "reason": "x", "due_hours": 9999}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "E058"
    n = Client()
    n.login(username="nbjt", password=PASSWORD)
    assert n.get("/api/directives").json() == []  # another department's instructions are not shown
    assert n.get(f"/api/directives/{d.instruction_id}").status_code == 404
    assert n.get(f"/directives/{d.instruction_id}/").status_code == 404
