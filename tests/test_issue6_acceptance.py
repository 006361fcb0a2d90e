"""Issue 6 acceptance, end to end over real processes, real HTTP and Chromium in Chinese.

A regulator of 浙江省住房和城乡建设厅 (demo account ``zjt``) keeps the monitoring dashboard of the supervision
platform open while the tenderer of trading platform A publishes a new tender (API) and then a clarification of it
(browser): both reach the open dashboard through the hub's change feed without a reload, and the tender's timeline
shows the clarification.  An interested party (the hub account ``tongqu``, signed in on the supervision platform
with single sign-on) lodges a complaint with evidence; the regulator accepts it and suspends the tender from the
complaint page.  The instruction travels supervision → hub → trading-a, which executes and acknowledges it (the
tracking page on the supervision platform shows it executed, with the platform's report); the tenderer's next
clarification is refused with E050 and the tender page shows the suspension banner.  The regulator decides the
complaint and resumes the tender; the clarification now goes through; the decision (data set 404) appears on the
hub portal's complaint list and search, without the complainant's phone or e-mail.

Processes: the whole ``etender demo`` on free ports (the shared ``ecosystem`` fixture, tests/ecosystem.py) —
hub, trading-a, trading-b and supervision, each with its worker.  Screenshots: ``test-artifacts/issue6/``.
"""

from __future__ import annotations

import json
import random
import re
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ART = ROOT / "test-artifacts" / "issue6"
CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
PASSWORD = "Demo-2026!"
TZ = timezone(timedelta(hours=8))
WAIT_MS = 30_000  # upper bound for anything that crosses the hub (normally well under a second); not a timing assertion


def shot(page, name: str) -> None:
    ART.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ART / f"{name}.png"), full_page=True)


def api(method: str, url: str, tok: str, body=None, files=None):
    import httpx

    r = httpx.request(method, url, headers={"Authorization": f"Bearer {tok}"}, json=body if files is None else None, files=files, timeout=30)
    assert r.status_code < 300, (url, r.status_code, r.text)
    return r.json()


def api_token(eco, instance: str, username: str) -> str:
    out = eco.manage(instance, "shell", "-c", f"from django.contrib.auth import get_user_model; from etender.kernel.web.models import ApiToken; print(ApiToken.issue(user=get_user_model().objects.get(username='{username}'), name='issue6-acceptance')[1])")
    return out.strip().splitlines()[-1]


def draft_tender(base: str, tok: str, name: str) -> dict:
    """A works tender of 杭州市余杭区 (330110, industry E48) drafted through the trading platform's API, with its documents."""
    now = datetime.now(TZ)
    project = api("POST", base + "/api/projects", tok, {
        "name": name, "region_code": "330110", "industry": "E48", "address": "杭州市余杭区" + name, "legal_person": "杭州市西湖区城市建设发展中心",
        "fund_source": "财政资金", "project_scale": "约1.8公里", "contact_name": "王工", "contact_info": "0571-87000000", "approval_name": "关于" + name + "的批复",
    })
    deadline = (now + timedelta(days=40)).replace(hour=9, minute=30, second=0, microsecond=0)
    tender = api("POST", base + "/api/tenders", tok, {
        "project_id": project["id"], "name": name + "施工招标", "content": name + "施工，含道路、排水及附属工程。",
        "supervise_dept_name": "浙江省住房和城乡建设厅", "approve_dept_name": "杭州市发展和改革委员会", "report_duty": "王工",
        "doc_get_start": (now + timedelta(minutes=1)).isoformat(), "doc_get_end": (now + timedelta(days=12)).replace(hour=17, minute=0).isoformat(),
        "bid_deadline": deadline.isoformat(), "bid_validity_days": 90,
        "announcement_content": name + "施工招标公告：投标人须具备市政公用工程施工总承包二级及以上资质。",
        "lots": [{"name": "第1标段 施工", "content": "道路及排水工程施工", "classification": "A08", "estimated_price": "9600000.00", "qualification": "市政公用工程施工总承包二级及以上", "bid_security": "150000.00", "max_price": "9400000.00", "duration_days": 300}],
    })
    api("POST", base + f"/api/tenders/{tender['id']}/documents", tok, files={"file": ("招标文件.txt", "第一章 招标公告\n第二章 投标人须知\n".encode(), "text/plain")})
    return tender


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def sign_in_local(page, base: str, form: str, username: str, next_path: str) -> None:
    page.goto(base + next_path)
    page.fill(f"{form} [name=username]", username)
    page.fill(f"{form} [name=password]", PASSWORD)
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def mark_page(page) -> None:
    """Leaves a marker in the page's JavaScript world; a reload or navigation would remove it."""
    page.evaluate("window.__issue6_no_reload = true")


def still_same_page(page) -> bool:
    return page.evaluate("window.__issue6_no_reload === true")


def publish_clarification(page, title: str, content: str) -> None:
    page.fill("[name=title]", title)
    page.fill("[name=content]", content)
    with page.expect_navigation():
        page.click("form[action$='/clarifications/'] button[type=submit]")


@pytest.mark.slow
@pytest.mark.browser
def test_regulator_watches_suspends_through_a_complaint_and_the_decision_reaches_the_hub_portal(ecosystem, chromium_path, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    eco = ecosystem
    hub, trading, sup = eco.url("hub"), eco.url("trading-a"), eco.url("supervision")
    serial = random.randrange(1000, 9999)
    name = f"良渚大道{serial}号段综合提升工程"
    tok = api_token(eco, "trading-a", "tenderer")
    tender = draft_tender(trading, tok, name)
    errors: list[str] = []

    def watch(page) -> None:
        page.on("pageerror", lambda e: errors.append(f"page error {page.url}: {e}"))
        page.on("response", lambda r: errors.append(f"{r.request.method} {r.url} -> {r.status}") if r.status >= 500 else None)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            def person():
                ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 1000})
                ctx.set_default_timeout(WAIT_MS)
                page = ctx.new_page()
                watch(page)
                return page

            # ---- 1. The regulator watches live: the dashboard stays open while the tender is published and clarified.
            reg = person()
            sign_in_local(reg, sup, "#main form", "zjt", "/accounts/login/?next=/monitor/")
            expect(reg.locator("h1")).to_have_text("实时监测")
            assert "浙江省住房和城乡建设厅" in reg.inner_text("#main")
            reg.wait_for_function("document.body.dataset.applied !== undefined")  # the page's own refresh has run
            tenders_before = int(reg.inner_text("#fig-tenders"))
            position_before = int(reg.inner_text("#feed-position"))
            mark_page(reg)
            shot(reg, "01-dashboard-before")

            published = api("POST", trading + f"/api/tenders/{tender['id']}/publish", tok)
            code = published["code"]
            reg.wait_for_function(f"Number(document.getElementById('fig-tenders').textContent) > {tenders_before}")
            reg.wait_for_function(f"Number(document.getElementById('feed-position').textContent) > {position_before}")
            assert still_same_page(reg), "the dashboard was reloaded"
            reg.wait_for_function("document.querySelector('#chart-stages canvas') !== null")
            shot(reg, "02-dashboard-new-tender-live")

            # The tenderer publishes a clarification in the trading platform's browser UI.
            ten = person()
            sign_in_local(ten, trading, "#main form", "tenderer", f"/login/?next=/tenders/{tender['id']}/")
            expect(ten.locator("#main h1")).to_contain_text(name)
            position_before = int(reg.inner_text("#feed-position"))
            publish_clarification(ten, "关于第1标段工程量清单的澄清", "第五章工程量清单第12项“雨水检查井”数量由36座更正为38座，其余不变。")
            expect(ten.locator("#main")).to_contain_text("关于第1标段工程量清单的澄清")
            shot(ten, "03-trading-clarification-1")
            reg.wait_for_function(f"Number(document.getElementById('feed-position').textContent) > {position_before}")
            assert still_same_page(reg), "the dashboard was reloaded"
            shot(reg, "04-dashboard-clarification-live")

            # The tender's timeline shows every exchanged record, the clarification (504) among them.
            reg.goto(sup + f"/monitor/tenders/{code}/")
            expect(reg.locator("#tender-code")).to_have_text(code)
            expect(reg.locator("#timeline tr.event[data-dataset='504']")).to_have_count(1)
            for ds in ("501", "503"):
                expect(reg.locator(f"#timeline tr.event[data-dataset='{ds}']")).not_to_have_count(0)
            shot(reg, "05-timeline")

            # ---- 2. An interested party lodges a complaint: the hub account tongqu, single sign-on on supervision.
            party = person()
            party.goto(sup + "/accounts/login/?next=/complaints/")
            party.click("#sso-login")
            party.wait_for_url(hub + "/identity/login/**")
            party.fill("#identity-login [name=username]", "tongqu")
            party.fill("#identity-login [name=password]", PASSWORD)
            party.click("#identity-login button[type=submit]")
            party.wait_for_url(re.compile(re.escape(sup) + r"/.*"))
            party.goto(sup + "/complaints/")
            party.click("#lodge-link")
            evidence = tmp_path / "证据-情况说明.pdf"
            evidence.write_bytes(b"%PDF-1.4 statement of the facts, 2 pages")
            party.fill("#id_tender_code", code)
            party.select_option("#id_matter", "other")
            party.fill("#id_known_on", datetime.now(TZ).date().isoformat())
            party.fill("#id_request_text", "请求责令暂停招标活动，调查招标代理机构泄露潜在投标人名称的行为。")
            party.fill("#id_grounds", "《招标投标法实施条例》第二十二条、《招标投标法》第二十二条：招标人不得向他人透露已获取招标文件的潜在投标人的名称、数量。")
            party.fill("#id_facts", "本公司获取招标文件后，接到自称其他投标人的电话，对方掌握本公司已获取招标文件的情况。")
            party.set_input_files("#id_evidence", str(evidence))
            party.fill("#id_complainant_name", "浙江通衢建设有限公司")
            party.fill("#id_complainant_phone", "13900139006")
            party.fill("#id_complainant_email", "legal@tongqu.example.cn")
            shot(party, "06-complaint-lodge")
            party.click("#complaint-submit")
            party.wait_for_selector("#complaint-status")
            number = party.locator("h1 .mono").inner_text().strip()
            expect(party.locator("#complaint-status")).to_contain_text("已提交")
            shot(party, "07-complaint-lodged")

            # ---- 3. The regulator accepts it and suspends the tender from the complaint page.
            ten.goto(trading + f"/tenders/{tender['id']}/")  # the tenderer prepares the next clarification meanwhile
            ten.fill("[name=title]", "关于投标保证金缴纳方式的澄清")
            ten.fill("[name=content]", "投标保证金可采用银行保函或保证保险方式缴纳。")
            reg.goto(sup + "/complaints/")
            row = reg.locator(f"tr[data-number='{number}']")
            expect(row).to_contain_text(code)
            shot(reg, "08-complaints-list")
            row.locator("a").first.click()
            reg.click("#accept-btn")
            expect(reg.locator("#complaint-status")).to_contain_text("已受理")
            reg.fill("#tender-instructions [name=reason]", "投诉已受理，依据《招标投标法实施条例》第六十二条，投诉处理期间暂停招标投标活动。")
            reg.click("#suspend-tender-btn")
            expect(reg.locator("#tender-suspended")).to_be_visible()
            shot(reg, "09-complaint-accepted-suspended")

            # The tracking page: relayed, delivered, acknowledged and executed by trading-a, with its signed report.
            with reg.expect_navigation():
                reg.click("#tender-suspended")  # the complaint page links to the instruction
            expect(reg.locator("h1")).to_contain_text("暂停")
            suspend_url = reg.url

            def reached(page, status: str) -> bool:
                page.reload()
                return status in page.inner_text("#directive-status")

            poll(lambda: reached(reg, "已执行"), "the suspension executed at supervision")
            done = steps_done(reg)
            assert all(done[step] for step in ("公共服务平台已转发", "已送达交易平台", "已确认收到", "已执行")), done
            assert "已于" in reg.inner_text("#report")
            shot(reg, "10-directive-executed")

            # ---- 4. The tender cannot move: the clarification prepared before the suspension is refused (E050).
            with ten.expect_navigation():
                ten.click("form[action$='/clarifications/'] button[type=submit]")
            expect(ten.locator("#main")).to_contain_text("E050")
            banner = ten.locator("#suspension-banner")
            expect(banner).to_be_visible()
            assert "暂停" in banner.inner_text() and "第六十二条" in banner.inner_text()
            assert ten.locator("form[action$='/clarifications/'] button[type=submit]").is_disabled()
            shot(ten, "11-trading-suspended-E050")
            detail = get_json(trading + f"/api/tenders/{tender['id']}")
            assert [c["title"] for c in detail["clarifications"]] == ["关于第1标段工程量清单的澄清"]

            # ---- 5. The regulator decides the complaint and resumes the tender.
            reg.goto(sup + f"/complaints/{number}/")
            reg.select_option("#id_outcome", "upheld")
            reg.fill("#id_handle_result", "投诉成立，责令招标代理机构改正，对相关责任人依法处理，招标活动恢复进行。")
            reg.fill("#id_handle_basis", "《招标投标法》第二十二条、《招标投标法实施条例》第六十二条")
            reg.click("#decide-btn")
            expect(reg.locator("#decision")).to_be_visible()
            expect(reg.locator("#complaint-status")).to_contain_text("已作出处理决定")
            reg.fill("#tender-instructions [name=reason]", "投诉已处理完毕，恢复招标投标活动。")
            reg.click("#resume-tender-btn")
            expect(reg.locator("#tender-suspended")).to_have_count(0)
            shot(reg, "12-complaint-decided-resumed")
            reg.goto(sup + f"/directives/?tender={code}")
            reg.locator("a[href*='/directives/']").filter(has_text=re.compile("恢复")).first.click()
            expect(reg.locator("h1")).to_contain_text("恢复")
            assert reg.url != suspend_url
            poll(lambda: reached(reg, "已执行"), "the resumption executed at supervision")
            shot(reg, "13-directive-resume-executed")

            # The step works again.
            ten.goto(trading + f"/tenders/{tender['id']}/")
            expect(ten.locator("#suspension-banner")).to_have_count(0)
            publish_clarification(ten, "关于投标保证金缴纳方式的澄清", "投标保证金可采用银行保函或保证保险方式缴纳。")
            expect(ten.locator("#main")).not_to_contain_text("E050")
            expect(ten.locator("#main")).to_contain_text("关于投标保证金缴纳方式的澄清")
            shot(ten, "14-trading-resumed-clarification-2")
            detail = get_json(trading + f"/api/tenders/{tender['id']}")
            assert [c["title"] for c in detail["clarifications"]] == ["关于第1标段工程量清单的澄清", "关于投标保证金缴纳方式的澄清"]

            # ---- 6. The decision appears on the hub portal (complaint list and search), without the contacts.
            pub = person()

            def on_portal() -> bool:
                pub.goto(hub + "/complaints/")
                return name in pub.inner_text("#main")

            poll(on_portal, "the decision on the hub portal")
            shot(pub, "15-hub-complaints-list")
            pub.locator("#main a").filter(has_text=name).first.click()
            text = pub.inner_text("#main")
            assert "投诉成立，责令招标代理机构改正" in text and code in text
            for secret in ("13900139006", "legal@tongqu.example.cn"):
                assert secret not in pub.content(), secret
            shot(pub, "16-hub-complaint-decision")
            pub.goto(hub + "/search/?q=" + urllib.parse.quote("招标代理机构改正"))
            expect(pub.locator("#main")).to_contain_text(name)
            shot(pub, "17-hub-search")
        finally:
            browser.close()
    assert not errors, errors


def steps_done(page) -> dict[str, bool]:
    """The tracking table of an instruction: step label -> whether it has a time."""
    rows = page.eval_on_selector_all("#main table tr", "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))")
    return {r[0]: r[1] not in ("", "—") for r in rows if len(r) >= 2 and r[0] and not r[0] == "环节"}


def poll(check, what: str, attempts: int = 60) -> None:
    """Retries a page check (each attempt reloads; at most ~30 s) — for steps that go through the hub's workers."""
    import time

    for _ in range(attempts):
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")
