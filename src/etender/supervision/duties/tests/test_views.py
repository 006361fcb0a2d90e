from __future__ import annotations

import pytest

from etender.kernel.audit.models import AuditEntry

from ..models import DutySection
from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

EDIT = "/departments/zj-fgw/sections/duties/edit/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return response.content.decode()


def test_home_in_chinese_by_default(client, departments):
    page = text(client.get("/"))
    assert '<html lang="zh-hans">' in page
    for s in ("行政监督部门职责公开", "监管职责公开", "投诉处理时限", "3个工作日", "浙江省发展和改革委员会", "已公开 7 / 7 项", "登录"):
        assert s in page, s


def test_home_in_english_by_cookie(client, departments):
    client.cookies["django_language"] = "en"
    page = text(client.get("/"))
    assert '<html lang="en">' in page
    for s in ("Published duties of the supervising departments", "Complaint time limits", "7 of 7 items published", "浙江省发展和改革委员会", "Sign in"):
        assert s in page, s
    assert "投诉处理时限" not in page


def test_department_page_in_both_languages(client, fgw):
    page = text(client.get("/departments/zj-fgw/"))
    for s in ("法律依据", "职责权限", "监管环节和事项", "信息交换要求", "最后更新", "系统（预置文本）", "国家发展改革委令第16号", "https://fzggw.zj.gov.cn"):
        assert s in page, s
    assert "编辑" not in page
    page = text(client.get("/departments/zj-fgw/", HTTP_ACCEPT_LANGUAGE="en"))
    for s in ("Legal basis", "Duties and powers", "Data-exchange requirements", "Last updated", "the system (default text)", "Not published yet."):
        assert s in page, s


def test_unpublished_department_is_hidden_from_the_public(client, hidden_department, superuser):
    assert client.get("/departments/zj-hidden/").status_code == 404
    assert "未公开的监督部门" not in text(client.get("/"))
    client.login(username="root", password=PASSWORD)
    page = text(client.get("/departments/zj-hidden/"))
    assert "未公开" in page and "尚未公开。" in page


def test_staff_see_edit_buttons_only_on_their_department(client, departments, staff):
    client.login(username="fgw", password=PASSWORD)
    assert EDIT in text(client.get("/departments/zj-fgw/"))
    assert "/sections/duties/edit/" not in text(client.get("/departments/zj-jst/"))


def test_edit_needs_sign_in(client, fgw):
    r = client.get(EDIT)
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next=")
    r = client.get(EDIT, **HTMX)
    assert r.status_code == 200 and r["HX-Redirect"].startswith("/accounts/login/?next=")


def test_edit_by_non_staff_is_forbidden(client, fgw, outsider):
    client.login(username="citizen", password=PASSWORD)
    r = client.get(EDIT)
    assert r.status_code == 403
    assert "无权操作" in text(r)
    r = client.post(EDIT, {"title": "", "body": "篡改", "version": 1})
    assert r.status_code == 403
    assert "篡改" not in DutySection.objects.get(department=fgw, kind="duties").body
    assert not AuditEntry.objects.filter(action="duties.section_updated").exists()


def test_inline_edit_with_htmx(client, fgw, staff, frozen_clock):
    client.login(username="fgw", password=PASSWORD)
    form = client.get(EDIT, **HTMX)
    assert form.status_code == 200
    assert "<html" not in text(form) and 'name="body"' in text(form) and "保存并公开" in text(form)
    version = DutySection.objects.get(department=fgw, kind="duties").version

    r = client.post(EDIT, {"title": "职责", "body": "第一段\n\n第二段", "version": version}, **HTMX)
    assert r.status_code == 200
    fragment = text(r)
    assert "<html" not in fragment
    assert "<p>第一段</p>" in fragment and "已保存。" in fragment
    assert "最后更新：2026-03-02 09:00，更新人：王工" in fragment
    entry = AuditEntry.objects.get(action="duties.section_updated")
    assert entry.username == "fgw" and entry.ip == "127.0.0.1"

    cancel = client.get("/departments/zj-fgw/sections/duties/", **HTMX)
    assert cancel.status_code == 200 and "第二段" in text(cancel) and "<html" not in text(cancel)


def test_edit_without_javascript(client, fgw, staff):
    client.login(username="fgw", password=PASSWORD)
    page = client.get(EDIT, HTTP_ACCEPT_LANGUAGE="en")
    assert "<html" in text(page) and "Save and publish" in text(page)
    version = DutySection.objects.get(department=fgw, kind="duties").version
    r = client.post(EDIT, {"title": "", "body": "新的职责", "version": version})
    assert r.status_code == 302 and r["Location"] == "/departments/zj-fgw/#duties"
    page = text(client.get(r["Location"]))
    assert "新的职责" in page and "已保存。" in page and "更新人：王工" in page
    assert client.get("/departments/zj-fgw/sections/duties/").status_code == 302


def test_stale_edit_shows_the_coded_error(client, fgw, staff):
    client.login(username="fgw", password=PASSWORD)
    r = client.post(EDIT, {"title": "", "body": "过期的修改", "version": 0}, **HTMX)
    assert r.status_code == 200
    assert "E007" in text(r) and "请刷新后再编辑" in text(r)
    assert "过期的修改" not in DutySection.objects.get(department=fgw, kind="duties").body


def test_unknown_item_or_department(client, departments, superuser):
    client.login(username="root", password=PASSWORD)
    assert client.get("/departments/zj-fgw/sections/gossip/edit/").status_code == 404
    assert client.get("/departments/nope/sections/duties/edit/").status_code == 404
    assert client.get("/departments/nope/").status_code == 404


def test_login_page_and_sign_in(client, staff):
    page = text(client.get("/accounts/login/?next=/departments/zj-fgw/"))
    assert "查阅公开的监督职责无需登录" in page and "监管职责公开" in page
    r = client.post("/accounts/login/", {"username": "fgw", "password": PASSWORD, "next": "/departments/zj-fgw/"})
    assert r.status_code == 302 and r["Location"] == "/departments/zj-fgw/"
    page = text(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Reading the published duties needs no account." in page
