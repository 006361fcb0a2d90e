"""The pool administrator's pages, the expert's invitations and the public proof page (Django test client)."""

from __future__ import annotations

import io
import secrets

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from openpyxl import Workbook

from etender.hub.experts import services
from etender.hub.experts.models import Expert, ExpertAccess, Member
from etender.hub.experts.selectors import ADMIN_GROUP
from etender.kernel.audit.models import AuditEntry

from .factories import ADMIN, draw_payload, expert_data, make_expert, make_platform

pytestmark = pytest.mark.django_db
PASSWORD = "Zx-2026-admin!"


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_user(username="pool", password=PASSWORD, first_name="管理员")
    user.groups.add(Group.objects.get(name=ADMIN_GROUP))
    assert client.login(username="pool", password=PASSWORD)
    return client


def test_only_pool_administrators_see_the_pool(client):
    make_expert()
    assert client.get("/experts/").status_code == 302  # sign in first
    get_user_model().objects.create_user(username="someone", password=PASSWORD)
    client.login(username="someone", password=PASSWORD)
    r = client.get("/experts/")
    assert r.status_code == 403 and "E006" in r.content.decode()


def test_list_search_and_detail_are_logged(admin_client):
    e = make_expert(name="欧阳明远", specs=[("C030201", True)])
    make_expert(specs=[("A0101", True)])
    page = admin_client.get("/experts/", {"specialty": "C03"}).content.decode()
    assert "欧阳明远" in page and page.count("<tr>") == 2  # header + one expert
    r = admin_client.get(f"/experts/pool/{e.ref}/")
    assert r.status_code == 200 and e.id_card in r.content.decode() and e.phone in r.content.decode()
    access = ExpertAccess.objects.filter(expert=e, what="expert detail").get()
    assert access.username == "pool" and access.ip
    assert AuditEntry.objects.filter(action="experts.secret_read", object_id=str(e.pk)).exists()


def test_create_refuses_entry_conditions_with_e131(admin_client):
    data = expert_data(work_year=5)
    form = {**{k: v for k, v in data.items() if v is not None}, "main_specialty": "A0101", "birthday": "1900-01-01", "enter_date": "2024-01-01"}
    r = admin_client.post("/experts/new/", form)
    assert r.status_code == 200 and "E131" in r.content.decode() and not Expert.objects.exists()
    form["work_year"] = 12
    r = admin_client.post("/experts/new/", form)
    assert r.status_code == 302 and Expert.objects.get().work_year == 12


def test_status_punishment_and_account_forms(admin_client):
    e = make_expert()
    admin_client.post(f"/experts/pool/{e.ref}/", {"form": "punishment", "punishment-decided_on": "2026-01-10", "punishment-authority": "浙江省发展和改革委员会", "punishment-description": "评标中未客观公正履行职务", "punishment-effective_until": ""})
    admin_client.post(f"/experts/pool/{e.ref}/", {"form": "status", "status-status": "suspended", "status-note": "受处罚"})
    r = admin_client.post(f"/experts/pool/{e.ref}/", {"form": "status", "status-status": "active", "status-note": ""})
    assert "E132" in r.content.decode()
    assert Expert.objects.get(pk=e.pk).status == "suspended"
    r = admin_client.post(f"/experts/pool/{e.ref}/", {"form": "account", "account-username": "zj-test", "account-password": "Zx-2026-expert!"})
    assert r.status_code == 302 and Expert.objects.get(pk=e.pk).user.username == "zj-test"


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_page_lists_every_bad_row_and_imports_nothing(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    header = ["专家身份证件号码", "专家姓名", "性别", "最高学历", "职称", "当前工作单位", "所属行业", "所在地区", "工作年限", "手机", "参评专业编号", "是否主评专业"]
    good = expert_data(n=501)
    bad = expert_data(n=502)
    rows = [header,
            [good["id_card"], good["name"], "1", "本科", "高级工程师", "甲单位", "E48", "330106000", 10, good["phone"], "A0101", "1"],
            [bad["id_card"], bad["name"], "2", "本科", "工程师", "乙单位", "E48", "330106000", 10, bad["phone"], "A0101", "1"],
            ["33010619000101000X", "某人", "1", "本科", "高级工程师", "丙单位", "E48", "330106000", 20, "13800000000", "Q99", "1"]]
    r = admin_client.post("/experts/import/", {"file": SimpleUploadedFile("pool.xlsx", xlsx(rows))})
    page = r.content.decode()
    assert r.status_code == 200 and "E063" in page and not Expert.objects.exists()
    assert "<td>3</td><td class=\"mono\">E131</td>" in page and "<td>4</td><td class=\"mono\">E068</td>" in page and "E061" in page
    r = admin_client.post("/experts/import/", {"file": SimpleUploadedFile("pool.xlsx", xlsx(rows[:2]))})
    assert r.status_code == 302 and Expert.objects.get().name == good["name"]


def test_invitations_confirm_and_decline(client):
    experts = [make_expert() for _ in range(7)]
    platform, _ = make_platform()
    p = draw_payload()
    from datetime import datetime

    draw = services.draw_create(actor=ADMIN, platform=platform, tender_code=p["tender_code"], lot_code=p["lot_code"], evaluation_start=datetime.fromisoformat(p["evaluation_start"]), duration_hours=8, specialties_wanted=p["specialties"], avoid={}, tender_name=p["tender_name"])
    services.draw_execute(actor=ADMIN, platform=platform, draw=draw, platform_nonce=secrets.token_hex(32))
    member = Member.objects.filter(draw=draw).first()
    services.expert_issue_account(actor=ADMIN, expert=member.expert, username="zj-a", password="Zx-2026-expert!")
    assert client.login(username="zj-a", password="Zx-2026-expert!")
    page = client.get("/experts/me/").content.decode()
    assert p["tender_name"] in page
    r = client.post(f"/experts/me/{member.pk}/respond/", {"answer": "decline", "reason": ""}, follow=True)
    assert "E001" in r.content.decode()
    client.post(f"/experts/me/{member.pk}/respond/", {"answer": "confirm", "reason": ""})
    assert Member.objects.get(pk=member.pk).status == "confirmed"
    other = next(m for m in Member.objects.filter(draw=draw) if m.pk != member.pk)
    assert client.post(f"/experts/me/{other.pk}/respond/", {"answer": "confirm"}).status_code == 404
    assert len(experts) == 7


def test_public_proof_page_and_json(client):
    for _ in range(6):
        make_expert()
    platform, _ = make_platform()
    from datetime import datetime

    p = draw_payload()
    draw = services.draw_create(actor=ADMIN, platform=platform, tender_code=p["tender_code"], lot_code=p["lot_code"], evaluation_start=datetime.fromisoformat(p["evaluation_start"]), duration_hours=8, specialties_wanted=p["specialties"], avoid={})
    services.draw_execute(actor=ADMIN, platform=platform, draw=draw, platform_nonce=secrets.token_hex(32))
    page = client.get(f"/experts/draws/{draw.id}/proof/").content.decode()
    assert draw.commitment in page and "E133" in page and draw.seed not in page
    assert not any(m.expert.name in page for m in draw.members.all())
    data = client.get(f"/experts/draws/{draw.id}/proof/", HTTP_ACCEPT="application/json").json()
    assert data["seed"] is None and data["commitment"] == draw.commitment and data["hub_signature"]
