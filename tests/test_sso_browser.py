"""Acceptance (issue 4, item 7): a user registered once at the hub signs in on both trading platforms and on supervision.

The whole ecosystem runs as real processes (``etender demo --port-offset``, SQLite,
gunicorn); Debian Chromium drives it through Playwright.  A new market entity
and its first user register through the hub's form; the same account then signs
in on trading-a (through the hub's sign-in page), trading-b and supervision
(single sign-on: the hub session is reused), and each platform shows the user
with the entity.  Local staff accounts still sign in with their passwords.
Screenshots: ``test-artifacts/sso/``.
"""

from __future__ import annotations

import json
import random
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ART = ROOT / "test-artifacts" / "sso"
CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
DEMO_PASSWORD = "Demo-2026!"


@pytest.fixture(scope="module")
def demo(ecosystem):
    return {name: ecosystem.url(name) for name in ("hub", "trading-a", "trading-b", "supervision")}


def shot(page, name: str) -> None:
    ART.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ART / f"{name}.png"), full_page=True)


def who(page) -> str:
    return page.inner_text("header .user .who")


@pytest.mark.slow
@pytest.mark.browser
def test_one_hub_account_signs_in_on_every_platform(demo, chromium_path):
    from playwright.sync_api import sync_playwright

    from etender.kernel.codes import make_uscc

    serial = random.randrange(100000, 999999)
    code = make_uscc(f"91330106MA2{serial:06d}")
    entity_name = f"浙江之江测试建设有限公司{serial}"
    username, password, person = f"zj{serial}", "Zj-Test-2026!", "周明"
    errors: list[str] = []

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
            ctx.set_default_timeout(20_000)
            page = ctx.new_page()
            page.on("pageerror", lambda e: errors.append(f"page error {page.url}: {e}"))
            page.on("response", lambda r: errors.append(f"{r.request.method} {r.url} -> {r.status}") if r.status >= 500 else None)

            # 1. Register at the hub: the entity and its first user, one form.
            page.goto(demo["hub"] + "/identity/register/")
            form = "#register-form"
            page.fill(f"{form} [name=credit_code]", code)
            page.fill(f"{form} [name=name]", entity_name)
            page.check(f"{form} [name=roles][value=bidder]")
            page.check(f"{form} [name=roles][value=tenderer]")
            page.fill(f"{form} [name=legal_representative]", "周大为")
            page.select_option(f"{form} select[name=region_code]", "330106")
            page.fill(f"{form} [name=address]", "杭州市西湖区文三路100号")
            page.fill(f"{form} [name=email]", "office@zhijiang-test.example.cn")
            page.fill(f"{form} [name=contact_name]", "吴芳")
            page.fill(f"{form} [name=contact_phone]", "0571-86001234")
            page.fill(f"{form} [name=full_name]", person)
            page.fill(f"{form} [name=username]", username)
            page.fill(f"{form} [name=password]", password)
            page.fill(f"{form} [name=password2]", "something else")
            page.click(f"{form} button[type=submit]")
            # a coded error next to the field, the rest kept
            assert "E001 两次输入的密码不一致" in page.inner_text(f"{form} .has-error")
            shot(page, "01-hub-register-error")
            page.fill(f"{form} [name=password]", password)
            page.fill(f"{form} [name=password2]", password)
            page.click(f"{form} button[type=submit]")
            page.wait_for_url("**/identity/entity/")
            assert page.inner_text("#entity-name") == entity_name
            assert page.inner_text("#entity-code") == code
            assert page.inner_text("#entity-status") == "待核验"
            assert who(page) == person
            shot(page, "02-hub-my-entity")

            # the look-up API sees it, not yet verified, without contacts
            with urllib.request.urlopen(f"{demo['hub']}/api/identity/v1/entities/{code}", timeout=10) as r:
                body = json.loads(r.read())
            assert body["name"] == entity_name and body["verified"] is False and body["contacts"] is None

            # sign out of the hub, so that the first platform sends us through the hub's sign-in page
            page.click("header .user form[action$='logout/'] button")
            page.wait_for_load_state()
            assert page.locator("header .user .who").count() == 0

            # 2. Trading platform A: the hub button, the hub's sign-in page, back signed in.
            page.goto(demo["trading-a"] + "/login/")
            assert page.inner_text("#sso-login") == "使用公共服务平台账号登录"
            assert page.locator("#main form [name=password]").count() == 1  # local sign-in is still there
            shot(page, "03-trading-a-login")
            page.click("#sso-login")
            page.wait_for_url(demo["hub"] + "/identity/login/**")
            shot(page, "04-hub-sign-in")
            page.fill("#identity-login [name=username]", username)
            page.fill("#identity-login [name=password]", password)
            page.click("#identity-login button[type=submit]")
            page.wait_for_url(demo["trading-a"] + "/entity/")
            assert page.inner_text("#main h1") == entity_name
            assert code in page.inner_text("#main")
            assert who(page) == person
            shot(page, "05-trading-a-signed-in")

            # 3. Trading platform B: one click, no password (the hub session is reused).
            page.goto(demo["trading-b"] + "/login/")
            page.click("#sso-login")
            page.wait_for_url(demo["trading-b"] + "/entity/")
            assert page.inner_text("#main h1") == entity_name
            assert who(page) == person
            shot(page, "06-trading-b-signed-in")

            # 4. Supervision: the same account, as a market entity's user.
            page.goto(demo["supervision"] + "/accounts/login/")
            assert page.inner_text("#sso-login") == "使用公共服务平台账号登录"
            page.click("#sso-login")
            page.wait_for_url(demo["supervision"] + "/me/")
            assert page.inner_text("#me-entity") == entity_name
            assert page.inner_text("#me-name") == person and who(page) == person
            shot(page, "07-supervision-signed-in")

            # 5. Local staff accounts still sign in with their passwords (another browser, no hub session).
            staff = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}).new_page()
            staff.on("response", lambda r: errors.append(f"{r.request.method} {r.url} -> {r.status}") if r.status >= 500 else None)
            staff.goto(demo["trading-a"] + "/login/")
            staff.fill("#main form [name=username]", "admin")
            staff.fill("#main form [name=password]", DEMO_PASSWORD)
            staff.click("#main form button[type=submit]")
            staff.wait_for_load_state()
            assert staff.locator("header .user .who").count() == 1 and "/login/" not in staff.url
            shot(staff, "08-trading-a-local-admin")
            staff.goto(demo["supervision"] + "/accounts/login/")
            staff.fill("#main form [name=username]", "fgw")
            staff.fill("#main form [name=password]", DEMO_PASSWORD)
            staff.click("#main form button[type=submit]")
            staff.wait_for_load_state()
            assert staff.locator("header .user .who").count() == 1 and "/accounts/login/" not in staff.url
            shot(staff, "09-supervision-local-staff")

            # 6. In English too.
            en = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
            en.goto(demo["trading-b"] + "/login/")  # Accept-Language: en
            assert en.get_attribute("html", "lang") == "en"
            assert en.inner_text("#sso-login") == "Sign in with the public service platform account"
            shot(en, "10-trading-b-login-en")
        finally:
            browser.close()
    assert not errors, errors
