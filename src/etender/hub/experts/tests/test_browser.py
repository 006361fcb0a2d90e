"""Chromium: the pool administrator searches the pool, imports a spreadsheet (bad rows listed, then a good one),
opens an expert; an expert confirms an invitation; anyone reads the public proof page (Chinese, then English)."""

from __future__ import annotations

import os
import secrets
from datetime import datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from etender.hub.experts import services
from etender.hub.experts.models import Expert
from etender.hub.experts.selectors import ADMIN_GROUP

from .factories import ADMIN, draw_payload, expert_data, make_expert, make_platform
from .test_views import xlsx

ARTIFACTS = Path(__file__).resolve().parents[5] / "test-artifacts"
PASSWORD = "Zx-2026-admin!"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pool_import_invitation_and_proof_in_the_browser(live_server, chromium_path, tmp_path):
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(exist_ok=True)
    admin = get_user_model().objects.create_user(username="pool", password=PASSWORD, first_name="专家库管理员")
    # A transactional test may run after another one flushed the tables: the group of data migration 0002 is then gone
    # (the permission comes back with post_migrate), so make sure it is there.
    group, _ = Group.objects.get_or_create(name=ADMIN_GROUP)
    group.permissions.add(Permission.objects.get(content_type__app_label="experts", codename="manage_pool"))
    admin.groups.add(group)
    experts = [make_expert(specs=[("A010101" if i % 3 else "C030201", True)], name=n) for i, n in enumerate(["周明远", "李慧敏", "王建华", "陈晓燕", "赵振宇", "孙立新", "吴雅琴", "郑永康"])]
    header = ["专家身份证件号码", "专家姓名", "性别", "最高学历", "职称", "当前工作单位", "所属行业", "所在地区", "工作年限", "手机", "参评专业编号", "是否主评专业"]
    a, b = expert_data(n=601), expert_data(n=602)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([header, [a["id_card"], "林一鸣", "1", "本科", "高级工程师", "甲设计院", "E48", "330106000", 10, a["phone"], "A0201", "1"],
                          [b["id_card"], "何若兰", "2", "本科", "工程师", "乙设计院", "E48", "330106000", 6, b["phone"], "A0201", "1"]]))
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([header, [a["id_card"], "林一鸣", "1", "本科", "高级工程师", "甲设计院", "E48", "330106000", 10, a["phone"], "A0201", "1"],
                           [a["id_card"], "林一鸣", "1", "本科", "高级工程师", "甲设计院", "E48", "330106000", 10, a["phone"], "A0202", "0"]]))
    platform, _ = make_platform()
    p = draw_payload(specialties=[{"code": "A0101", "count": 5}])
    draw = services.draw_create(actor=ADMIN, platform=platform, tender_code=p["tender_code"], lot_code=p["lot_code"], evaluation_start=datetime.fromisoformat(p["evaluation_start"]), duration_hours=8,
                                specialties_wanted=p["specialties"], avoid={}, tender_name=p["tender_name"], lot_name=p["lot_name"], evaluation_place=p["evaluation_place"])
    services.draw_execute(actor=ADMIN, platform=platform, draw=draw, platform_nonce=secrets.token_hex(32))
    member = draw.members.order_by("seq").first()
    services.expert_issue_account(actor=ADMIN, expert=member.expert, username="zj01", password="Zx-2026-expert!")

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=chromium_path, args=["--no-sandbox", "--headless=new", "--disable-gpu", "--no-first-run"])
    errors: list[str] = []
    try:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("response", lambda r: errors.append(f"{r.url} -> {r.status}") if r.status >= 500 else None)
        page.goto("/accounts/login/?next=/experts/")
        page.fill("input[name=username]", "pool")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("#main form button[type=submit], #main form input[type=submit]")
        assert page.locator("h1").inner_text() == "综合评标专家库"
        page.select_option("#specialty", "C03")
        with page.expect_navigation():
            page.click("form.filters button[type=submit]")
        assert page.locator("#pool-table tbody tr").count() == 3
        page.select_option("#specialty", "")
        with page.expect_navigation():
            page.click("form.filters button[type=submit]")
        page.screenshot(path=str(ARTIFACTS / "experts-pool.png"), full_page=True)
        # Import: two bad rows' worth of errors, nothing imported; then the good file.
        with page.expect_navigation():
            page.click("nav.nav >> text=导入")
        page.set_input_files("input[name=file]", str(bad))
        with page.expect_navigation():
            page.click("#import-form button[type=submit]")
        assert "E063" in page.locator("#import-form").inner_text()
        assert page.locator("#import-errors tbody tr").first.inner_text().split("\t")[:2] == ["3", "E131"]
        page.screenshot(path=str(ARTIFACTS / "experts-import-errors.png"), full_page=True)
        assert not Expert.objects.filter(name="林一鸣").exists()
        page.set_input_files("input[name=file]", str(good))
        with page.expect_navigation():
            page.click("#import-form button[type=submit]")
        assert "已从 2 行导入 1 名专家" in page.locator(".messages").inner_text()
        imported = Expert.objects.get(name="林一鸣")
        assert sorted(imported.specialties.values_list("code", flat=True)) == ["A0201", "A0202"]
        page.goto(f"/experts/pool/{experts[0].ref}/")
        assert page.locator("#expert-name").inner_text() == "周明远" and "保密信息" in page.locator(".notice").first.inner_text()
        page.screenshot(path=str(ARTIFACTS / "experts-detail.png"), full_page=True)
        page.goto(f"/experts/draws/{draw.id}/")
        assert page.locator("#members-table tbody tr").count() == 5
        page.screenshot(path=str(ARTIFACTS / "experts-draw-admin.png"), full_page=True)
        # The expert confirms.
        page.context.clear_cookies()
        page.goto("/accounts/login/?next=/experts/me/")
        page.fill("input[name=username]", "zj01")
        page.fill("input[name=password]", "Zx-2026-expert!")
        with page.expect_navigation():
            page.click("#main form button[type=submit], #main form input[type=submit]")
        card = page.locator(f"#invitation-{member.pk}")
        assert p["tender_name"] in card.inner_text()
        with page.expect_navigation():
            card.locator("button[value=confirm]").click()
        assert page.locator(f"#invitation-{member.pk} .answer").inner_text().startswith("已确认")
        page.screenshot(path=str(ARTIFACTS / "experts-invitations.png"), full_page=True)
        # The public proof: no names before the reveal; then revealed, recomputed, names shown.
        page.context.clear_cookies()
        page.goto(f"/experts/draws/{draw.id}/proof/")
        assert page.locator("#commitment").inner_text() == draw.commitment
        assert "E133" in page.locator("#committee").inner_text() and member.expert.name not in page.content()
        page.screenshot(path=str(ARTIFACTS / "experts-proof-drawn.png"), full_page=True)
        services.draw_reveal(actor=ADMIN, platform=platform, draw=draw)
        page.reload()
        assert page.locator("#seed").inner_text() == draw.seed
        assert "已复算" in page.locator("#check").inner_text()
        assert member.expert.name in page.locator("#committee").inner_text()
        page.screenshot(path=str(ARTIFACTS / "experts-proof-revealed.png"), full_page=True)
        with page.expect_navigation():
            page.click("form.lang button[value=en]")
        assert page.locator("h1").inner_text() == "Proof of the expert draw" and "recomputed" in page.locator("#check").inner_text()
        page.screenshot(path=str(ARTIFACTS / "experts-proof-en.png"), full_page=True)
        assert errors == []
    finally:
        from django.db import connections

        connections.close_all()
        browser.close()
        pw.stop()
