"""The supervising departments' published duties on the hub portal (电子办法 47), fetched from a real supervision
platform: shown with their source and fetch time, refreshed after an edit, and the last good copy (with E090)
while the supervision platform is down.  Screenshots: ``test-artifacts/supervision-departments*.png``.
"""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from etender.hub.exchange.models import Platform
from etender.kernel import clock
from etender.kernel.livetest import LiveService, free_port

from .. import supervision_duties
from ..models import SupervisionDutiesCopy

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[5] / "test-artifacts"
SUP_CODE = "11330000MB1JDPT00L"
SUP_NAME = "浙江省招标投标行政监督平台"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu"]


def public_key() -> str:
    raw = Ed25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def page(url: str) -> tuple[int, str]:
    req = urllib.request.Request(url, headers={"Accept-Language": "zh-hans"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


@pytest.fixture
def supervision(tmp_path):
    sup = LiveService("supervision", tmp_path, name="supervision-live", env={"ETENDER_PLATFORM_CODE": SUP_CODE})
    sup.manage("seed_duties")
    sup.start()
    yield sup
    sup.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_hub_shows_the_departments_of_a_live_supervision_platform_and_keeps_the_last_copy(tmp_path, supervision, chromium_path):
    hub = LiveService("hub", tmp_path, name="hub-live", env={"ETENDER_SUPERVISION_DUTIES_TTL": "0"})
    try:
        hub.manage("register_platform", SUP_CODE, SUP_NAME, public_key(), "--kind", "supervision", "--region", "330000", "--url", supervision.url, "--activate")
        hub.start()
        status, home = page(hub.url + "/")
        assert status == 200 and "/supervision-departments/" in home and "行政监督部门" in home

        status, html = page(hub.url + "/supervision-departments/")
        assert status == 200, html[:2000]
        for name in ("浙江省发展和改革委员会", "浙江省住房和城乡建设厅", "浙江省交通运输厅", "浙江省水利厅", "浙江省财政厅"):
            assert name in html
        assert SUP_NAME in html and "获取时间" in html and "E090" not in html

        # A department's staff edit a text on the supervision platform: the hub shows the new text (TTL 0 here).
        supervision.manage(
            "shell", "-c",
            "from django.apps import apps; S = apps.get_model('duties', 'DutySection'); S.objects.filter(department__code='zj-jst', kind='time_limits').update(body='投诉受理：收到投诉之日起3个工作日内决定。测试修改。', version=9)",
        )
        status, detail = page(hub.url + "/supervision-departments/" + SUP_CODE + "/zj-jst/")
        assert status == 200 and "测试修改" in detail
        for label in ("监督依据", "职责权限", "监管环节和事项", "程序", "时限", "信息交换要求", "联系方式"):
            assert label in detail, label

        from playwright.sync_api import sync_playwright

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
            ctx = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-hans"}, viewport={"width": 1280, "height": 900})
            tab = ctx.new_page()
            tab.goto(hub.url + "/")
            tab.get_by_role("link", name="行政监督部门").first.click()
            tab.wait_for_url("**/supervision-departments/")
            assert tab.locator("table.departments tbody tr").count() >= 5
            tab.screenshot(path=str(ARTIFACTS / "supervision-departments.png"), full_page=True)
            tab.get_by_role("link", name="浙江省住房和城乡建设厅").click()
            tab.wait_for_selector("#item-time_limits")
            assert "测试修改" in tab.locator("#item-time_limits").inner_text()
            tab.screenshot(path=str(ARTIFACTS / "supervision-department.png"), full_page=True)

            # The supervision platform goes down: the hub keeps showing the last copy, with E090 and its fetch time.
            supervision.kill()
            tab.goto(hub.url + "/supervision-departments/")
            assert "E090" in tab.locator(".supervision-unreachable").inner_text()
            assert tab.locator("table.departments tbody tr").count() >= 5
            tab.screenshot(path=str(ARTIFACTS / "supervision-departments-down.png"), full_page=True)
            browser.close()

        status, html = page(hub.url + "/supervision-departments/")
        assert status == 200 and "E090" in html and "浙江省水利厅" in html and "获取时间" in html
        status, detail = page(hub.url + "/supervision-departments/" + SUP_CODE + "/zj-jst/")
        assert status == 200 and "E090" in detail and "测试修改" in detail
    finally:
        hub.close()


@pytest.mark.django_db(transaction=True)
def test_fetch_keeps_the_last_good_copy_and_does_not_retry_within_the_ttl(tmp_path, supervision, monkeypatch):
    monkeypatch.setenv("ETENDER_SUPERVISION_DUTIES_TTL", "60")
    platform = Platform.objects.create(code=SUP_CODE, name=SUP_NAME, kind="supervision", url=supervision.url, public_key=public_key(), status="active", registered_at=clock.now())
    copy = supervision_duties.refresh(platform)
    assert copy.error_code == "" and copy.fetched_at is not None
    codes = [d["code"] for d in copy.data["departments"]]
    assert {"zj-fgw", "zj-jst", "zj-jtyst", "zj-slt", "zj-czt"} <= set(codes)
    jst = next(d for d in copy.data["departments"] if d["code"] == "zj-jst")
    assert {s["kind"] for s in jst["sections"]} == set(supervision_duties.SECTION_KINDS)

    supervision.kill()
    first_fetch = copy.fetched_at
    again = supervision_duties.refresh(platform)  # within the TTL: nothing is attempted
    assert again.error_code == "" and again.attempted_at == copy.attempted_at
    again = supervision_duties.refresh(platform, force=True)
    assert again.error_code == "E090" and again.fetched_at == first_fetch and again.data == copy.data

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    r = client.get("/supervision-departments/")
    assert r.status_code == 200 and "E090" in r.content.decode() and "浙江省交通运输厅" in r.content.decode()


def test_unreachable_without_a_copy_is_a_coded_503(db):
    Platform.objects.create(code=SUP_CODE, name=SUP_NAME, kind="supervision", url=f"http://127.0.0.1:{free_port()}", public_key=public_key(), status="active", registered_at=clock.now())
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    r = client.get("/supervision-departments/")
    assert r.status_code == 503 and "E090" in r.content.decode()
    r = client.get(f"/supervision-departments/{SUP_CODE}/zj-jst/")
    assert r.status_code == 503 and "E090" in r.content.decode()
    r = client.get("/supervision-departments/91330000NOSUCH0000/zj-jst/")
    assert r.status_code == 404 and "E005" in r.content.decode()
    assert SupervisionDutiesCopy.objects.get().error_code == "E090"


def test_a_non_answer_is_e090_and_no_platform_is_an_empty_page(db, live_server):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    r = client.get("/supervision-departments/")
    assert r.status_code == 200 and "尚无在本平台注册的行政监督平台" in r.content.decode()
    # The hub itself has no published-duties API: a 404 answer is not a copy.
    Platform.objects.create(code=SUP_CODE, name=SUP_NAME, kind="supervision", url=live_server.url, public_key=public_key(), status="active", registered_at=clock.now())
    r = client.get("/supervision-departments/")
    assert r.status_code == 503 and "E090" in r.content.decode()


def test_clean_keeps_only_what_the_page_shows():
    data = {"departments": [{"code": "d1", "name": "部门", "sections": [{"kind": "contacts", "body": "电话", "order": 2}, {"kind": "evil", "body": "x"}, {"kind": "duties", "body": "职责", "order": 1}], "industries": [{"code": "housing", "label": "房屋建筑"}]}]}
    (d,) = supervision_duties._clean(data)
    assert [s["kind"] for s in d["sections"]] == ["duties", "contacts"] and d["industries"] == ["房屋建筑"]
    for bad in ([], {"departments": "x"}, {"departments": [{"name": "no code"}]}):
        with pytest.raises(ValueError):
            supervision_duties._clean(bad)
