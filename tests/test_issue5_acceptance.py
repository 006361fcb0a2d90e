"""Issue 5 acceptance, end to end over real processes, real HTTP and Chromium in Chinese.

Five experts DRAWN by the hub (commitment first, then the platform's nonce) sign in on trading platform A with their
hub accounts (single sign-on), confirm, check in, elect a chair, score the four opened bids of the demo's opened
tender independently and sign; the chair compiles the report, all sign, the chair submits.  The tenderer publishes
the candidate publicity; the publicity lasts at least 3 days, so hub and trading are restarted with the same
``ETENDER_CLOCK_OFFSET`` (their only notion of "now", kernel/clock.py) five days ahead; the tenderer then decides
the winner, sends the notices and both sides sign the contract.  The hub portal shows the publicity, the result
(with the committee's names, only now) and the contract — never ID numbers or phone numbers.  Finally the public
proof of the draw, fetched from the hub, passes ``etender verify-draw``; copies with a changed seed or candidate
list fail it.

Processes: the demo's hub and trading-a (``etender.demo.prepare`` on a fresh var dir, then ``etender serve`` and
``etender worker`` for each with the demo's environment), on free ports.  Screenshots: ``test-artifacts/issue5/``.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ART = ROOT / "test-artifacts" / "issue5"
CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
PASSWORD = "Demo-2026!"
TZ = timezone(timedelta(hours=8))
INSTANCES = ("hub", "trading-a")
TENDER = "西溪湿地周边道路提升工程施工招标"  # seed_demo's opened tender on trading-a: four opened bids
BIDDERS = {"浙江之江建设集团有限公司": "bidder1", "杭州钱塘市政工程有限公司": "bidder2", "浙江西子路桥建设有限公司": "bidder3", "宁波甬城建设有限公司": "bidder4"}
PM_ID = "330106198203154517"  # a candidate's project manager's ID number: to the supervisor only, never published

# Prepares the demo's hub and trading-a only (migrate, seed, platform registration, SSO client, expert pool) and
# writes each instance's environment and port as the demo computes them.
PREPARE = """
import json, sys
from pathlib import Path
import etender.demo as d
d.INSTANCES[:] = [i for i in d.INSTANCES if i.name in %r]
var = Path(sys.argv[1])
d.prepare(var)
Path(sys.argv[2]).write_text(json.dumps({i.name: {"service": i.service, "port": d.port(i), "env": d._env(i, var)} for i in d.INSTANCES}))
""" % (INSTANCES,)


class Services:
    """Hub and trading-a of the demo as our own processes, restartable with a clock offset."""

    def __init__(self, var_dir: Path):
        self.var_dir = var_dir
        # hub 23000–24990, trading-a 23101–25091: clear of tests/ecosystem.py's offsets and of the ephemeral ports
        self.port_offset = random.randrange(0, 200) * 10 + 15000
        env = {k: v for k, v in os.environ.items() if not k.startswith("ETENDER_")}
        env["ETENDER_DEMO_PORT_OFFSET"] = str(self.port_offset)
        spec = var_dir.parent / "instances.json"
        r = subprocess.run([sys.executable, "-c", PREPARE, str(var_dir), str(spec)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
        self.spec = json.loads(spec.read_text())
        self.procs: list[subprocess.Popen] = []
        self.clock_offset = 0

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.spec[name]['port']}"

    def env(self, name: str) -> dict[str, str]:
        return {**self.spec[name]["env"], "ETENDER_CLOCK_OFFSET": str(self.clock_offset)}

    def start(self, clock_offset: int = 0) -> None:
        self.clock_offset = clock_offset
        for name in INSTANCES:
            info = self.spec[name]
            for args in (["serve", info["service"], "--name", name, "--port", str(info["port"]), "--no-migrate", "--workers", "2"], ["worker", info["service"], "--name", name]):
                log = open(self.var_dir.parent / f"{name}-{args[0]}-{clock_offset}.log", "w")
                self.procs.append(subprocess.Popen([sys.executable, "-m", "etender.cli", *args], cwd=ROOT, env=self.env(name), stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        for name in INSTANCES:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(self.url(name) + "/healthz", timeout=2)
                    break
                except OSError:
                    assert time.monotonic() < deadline, f"{name} did not start"
                    time.sleep(0.2)

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)
        self.procs = []

    def shell(self, name: str, code: str) -> str:
        r = subprocess.run([sys.executable, "-m", "etender.cli", "manage", self.spec[name]["service"], "--name", name, "shell", "-c", code], cwd=ROOT, env=self.env(name), capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout.strip().splitlines()[-1]


@pytest.fixture
def services(tmp_path):
    started = time.monotonic()
    s = Services(tmp_path / "demo")
    s.prepared_in = round(time.monotonic() - started, 1)
    yield s
    s.stop()


def get_json(url: str) -> tuple[int, dict]:
    req = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def verify_draw(source: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "etender.cli", "verify-draw", source], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
@pytest.mark.browser
def test_drawn_experts_evaluate_and_the_award_completes_with_a_verifiable_draw(services, chromium_path, tmp_path):
    from playwright.sync_api import sync_playwright

    timings: dict[str, float] = {"prepare the demo's hub and trading-a": services.prepared_in}
    t0 = t = time.monotonic()

    def lap(stage: str) -> None:
        nonlocal t
        now = time.monotonic()
        timings[stage] = round(now - t, 1)
        t = now

    services.start()
    lap("start hub + trading-a")
    hub, trading = services.url("hub"), services.url("trading-a")
    problems: list[str] = []

    # Secrets of the pool that must never reach the portal: every expert's ID number and phone numbers.
    secrets_ = json.loads(services.shell("hub", "import json; from etender.hub.experts.models import Expert; print(json.dumps([[e.id_card, e.phone, e.other_number] for e in Expert.objects.all()]))"))
    secret_strings = {s for row in secrets_ for s in row if s} | {PM_ID}
    assert len(secret_strings) > 40

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        shots = 0

        def person(who: str):
            ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}, accept_downloads=True)
            ctx.set_default_timeout(30_000)
            page = ctx.new_page()
            page.on("pageerror", lambda e: problems.append(f"{who}: page error {page.url}: {e}"))
            page.on("response", lambda r: problems.append(f"{who}: {r.request.method} {r.url} -> {r.status}") if r.status >= 500 else None)
            return page

        def shot(page, name: str) -> None:
            nonlocal shots
            ART.mkdir(parents=True, exist_ok=True)
            shots += 1
            page.screenshot(path=str(ART / f"{shots:02d}-{name}.png"), full_page=True)

        def submit(page, selector: str) -> None:
            with page.expect_navigation():
                page.click(selector)

        def sign_in(page, username: str, then: str) -> None:
            page.goto(trading + "/login/?next=" + then)
            page.fill("#main input[name=username]", username)
            page.fill("#main input[name=password]", PASSWORD)
            submit(page, "#main form button[type=submit]")
            assert "/login/" not in page.url, page.inner_text("#main")

        try:
            # ---------------------------------------------------------------- 1. the tenderer asks the hub for a draw
            tp = person("tenderer")
            sign_in(tp, "tenderer", "/")
            submit(tp, f"a:has-text('{TENDER}')")
            committee_link = tp.locator("a[href$='/committee/']").first
            lot_id = int(re.search(r"/lots/(\d+)/committee/", committee_link.get_attribute("href")).group(1))
            submit(tp, f"a[href='/lots/{lot_id}/committee/']")
            assert tp.inner_text("#main h1") == "评标委员会"
            tp.locator("input[name=specialty_code]").first.fill("A01")  # 道路/市政 works: 22 pool experts match
            tp.locator("input[name=specialty_count]").first.fill("5")
            start = (datetime.now(TZ) + timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M")
            tp.fill("input[name=evaluation_start]", start)
            assert tp.is_checked("input[name=draw_mode][value=random]")
            shot(tp, "committee-form")
            submit(tp, "#committee-create")
            assert "评标委员会的组成已确定" in tp.inner_text(".messages"), tp.inner_text("#main")
            submit(tp, "#draw-request")
            commitment = tp.inner_text("#commitment").strip()
            assert re.fullmatch(r"[0-9a-f]{64}", commitment), commitment
            proof_url = tp.locator("a[href*='/proof']").first.get_attribute("href")
            draw_id = re.search(r"/draws/([^/]+)/proof", proof_url).group(1)
            # The commitment is public before the draw: the hub's proof has it, without seed and selection.
            status, proof = get_json(f"{hub}/api/experts/v1/draws/{draw_id}/proof")
            assert status == 200 and proof["commitment"] == commitment and proof["seed"] is None and not proof["selected"]
            shot(tp, "committee-committed")
            submit(tp, "#draw-execute")
            assert tp.locator("#members tbody tr").count() == 5, tp.inner_text("#main")
            members_text = tp.inner_text("#members")
            shot(tp, "committee-drawn")
            lap("committee, commitment, draw")

            # Who was drawn (the hub notifies them; the test reads the hub's records to know which account to use).
            drawn = json.loads(services.shell("hub", f"import json; from etender.hub.experts.models import Draw; d = Draw.objects.get(pk={draw_id!r}); print(json.dumps([[m.expert.user.username, m.expert.name, m.expert.company] for m in d.members.order_by('seq')], ensure_ascii=False))"))
            assert len(drawn) == 5 and all(u.startswith("zj") for u, _, _ in drawn)
            for _, name, _ in drawn:
                assert name in members_text
            names = [n for _, n, _ in drawn]
            status, body = get_json(f"{hub}/api/experts/v1/draws/{draw_id}/committee")
            assert status >= 400 and body.get("code") == "E133", body  # names confidential until the result (E133)
            status, proof = get_json(f"{hub}/api/experts/v1/draws/{draw_id}/proof")
            assert len(proof["selected"]) == 5 and proof["seed"] is None
            assert verify_draw(f"{hub}/api/experts/v1/draws/{draw_id}/proof").returncode == 3  # PENDING before the reveal

            # ---------------------------------------------------------------- 2. the experts sign in with their hub accounts
            experts = []
            for n, (username, name, _) in enumerate(drawn):
                ep = person(username)
                ep.goto(trading + "/login/")
                assert ep.inner_text("#sso-login") == "使用公共服务平台账号登录"
                ep.click("#sso-login")
                ep.wait_for_url(hub + "/identity/login/**")
                ep.fill("#identity-login [name=username]", username)
                ep.fill("#identity-login [name=password]", PASSWORD)
                if n == 0:
                    shot(ep, "expert-hub-sign-in")
                ep.click("#identity-login button[type=submit]")
                ep.wait_for_url(trading + "/**")
                assert ep.inner_text("header .user .who") == name
                ep.goto(trading + "/evaluation/")
                if n == 0:
                    shot(ep, "expert-my-evaluations")
                submit(ep, "#my-seats a.btn")
                submit(ep, "#confirm")
                submit(ep, "#check-in")
                experts.append(ep)
            chair = experts[0]
            chair.reload()
            submit(chair, "#chair-set")
            chair.reload()
            shot(chair, "room-ready")
            submit(chair, "#begin")
            assert "评标中" in chair.inner_text("#room-status")
            shot(chair, "room-started")
            lap("five experts: SSO, confirm, check in, chair")

            # ---------------------------------------------------------------- 3. independent scores, signed
            bid_ids = [int(x.get_attribute("name").split("_")[1]) for x in chair.locator("input[name^=technical_]").all()]
            assert len(bid_ids) == 4
            for n, ep in enumerate(experts):
                ep.reload()
                for k, bid in enumerate(bid_ids):
                    ep.fill(f"input[name=technical_{bid}]", str(36 - k * 2 + n % 2))
                    ep.fill(f"input[name=commercial_{bid}]", str(16 - k))
                submit(ep, "#sheet-sign")
                assert ep.locator("#sheet-signed").count() == 1, ep.inner_text(".messages")
            shot(experts[4], "sheets-signed")

            # ---------------------------------------------------------------- 4. report: compiled, signed by all, submitted
            submit(chair, "#report-prepare")
            assert chair.locator("#report tbody tr").count() == 3
            for ep in experts:
                ep.reload()
                submit(ep, "#report-sign")
            chair.reload()
            submit(chair, "#report-submit")
            assert chair.locator("#report-submitted").count() == 1
            shot(chair, "report-submitted")
            with chair.expect_download() as dl:
                chair.click("#report-submitted a")
            assert open(dl.value.path(), "rb").read(5) == b"%PDF-"
            lap("scores, report")

            # ---------------------------------------------------------------- 5. candidate publicity
            tp.goto(f"{trading}/lots/{lot_id}/award/")
            legends = tp.locator("#publicity-form legend").all_inner_texts()
            assert len(legends) == 3, tp.inner_text("#main")
            ranked = [next(b for b in BIDDERS if b in legend) for legend in legends]
            price = re.search(r"投标报价([\d,]+)\.00元", legends[0]).group(1).replace(",", "")  # the winner's price, as the portal writes it
            for rank in (1, 2, 3):
                tp.fill(f"input[name=c{rank}_project_manager]", ["王建军", "李国华", "陈晓东"][rank - 1])
                tp.fill(f"input[name=c{rank}_pm_certificates]", f"一级建造师（市政公用工程）浙1332008{rank}00001")
                tp.fill(f"input[name=c{rank}_pm_id_number]", PM_ID)
                tp.fill(f"textarea[name=c{rank}_qualification]", "市政公用工程施工总承包二级，安全生产许可证有效")
            shot(tp, "publicity-form")
            submit(tp, "#publish-publicity")
            assert tp.locator("#publicity tbody tr").count() == 3, tp.inner_text("#main")
            assert PM_ID not in tp.inner_text("#publicity")
            shot(tp, "publicity-published")

            portal = person("public")

            def portal_record(listing: str, must: list[str]):
                """Open the tender's newest record in a portal listing once it arrived; return its text."""
                deadline = time.monotonic() + 30
                while True:
                    portal.goto(f"{hub}/{listing}/")
                    link = portal.locator(f"a[href^='/records/']:has-text('{TENDER[:6]}')")
                    if link.count():
                        link.first.click()
                        portal.wait_for_load_state()
                        text = portal.inner_text("body")
                        if all(m in text for m in must):
                            return text
                    assert time.monotonic() < deadline, f"{listing}: not on the portal: {must}"
                    time.sleep(0.5)

            portal_record("publicity", [*ranked, "王建军", "李国华", "陈晓东", price, "一级建造师"])
            html = portal.content()
            for secret in secret_strings:
                assert secret not in html, secret
            for name in names:
                assert name not in html, name  # committee names only with the result
            shot(portal, "portal-publicity")
            lap("publicity, on the portal")

            # ---------------------------------------------------------------- 6. days pass: restart both with the same offset
            end_at = datetime.fromisoformat(services.shell("trading-a", f"from etender.trading.award.models import Publicity; print(Publicity.objects.get(lot_id={lot_id}).end_at.isoformat())"))
            assert end_at - datetime.now(TZ) >= timedelta(days=3)  # ≥ 3 days (条例 54)
            offset = int((end_at - datetime.now(TZ)).total_seconds()) + 600
            services.stop()
            services.start(clock_offset=offset)
            lap(f"restart with ETENDER_CLOCK_OFFSET={offset}")

            # ---------------------------------------------------------------- 7. award, notices, contract
            deadline = time.monotonic() + 30
            while True:  # the worker's award chronograph ends the publicity
                tp.goto(f"{trading}/lots/{lot_id}/award/")
                if tp.locator("#decide").count():
                    break
                assert time.monotonic() < deadline, tp.inner_text("#main")
                time.sleep(0.5)
            shot(tp, "publicity-ended")
            submit(tp, "#decide")
            assert tp.inner_text("#winner") == ranked[0]
            submit(tp, "#send-notices")
            assert tp.locator("#notices li").count() == 4
            shot(tp, "notices-sent")
            submit(tp, "#draft-contract")
            submit(tp, "#sign-contract")
            wp = person("winner")
            sign_in(wp, BIDDERS[ranked[0]], f"/lots/{lot_id}/award/")
            assert "中标通知书" in wp.inner_text("#notices")
            submit(wp, "#sign-contract")
            assert "双方已签署" in wp.inner_text("#contract-status")
            shot(wp, "contract-signed")
            loser = person("loser")
            sign_in(loser, BIDDERS[ranked[2]], f"/lots/{lot_id}/award/")
            assert "中标结果通知书" in loser.inner_text("#notices") or "结果通知" in loser.inner_text("#notices")
            lap("award, notices, contract")

            # ---------------------------------------------------------------- 8. the portal after the result
            portal_record("results", [ranked[0], price, "王建军", *names])
            html = portal.content()
            for secret in secret_strings:
                assert secret not in html, secret
            shot(portal, "portal-result")
            portal_record("contracts", [ranked[0], price])
            html = portal.content()
            for secret in secret_strings:
                assert secret not in html, secret
            shot(portal, "portal-contract")

            # ---------------------------------------------------------------- 9. the draw proof, revealed, verifies
            deadline = time.monotonic() + 60
            while True:  # the platform asks the hub to reveal once the result is announced
                status, proof = get_json(f"{hub}/api/experts/v1/draws/{draw_id}/proof")
                if proof.get("seed"):
                    break
                assert time.monotonic() < deadline, proof
                time.sleep(0.5)
            status, body = get_json(f"{hub}/api/experts/v1/draws/{draw_id}/committee")
            assert status == 200 and sorted(m["name"] for m in body) == sorted(names), body
            portal.goto(proof_url)
            shot(portal, "proof-revealed")
            lap("portal checks, reveal")
        finally:
            browser.close()

    saved = tmp_path / "proof.json"
    saved.write_text(json.dumps(proof, ensure_ascii=False))
    ok = verify_draw(str(saved))
    assert ok.returncode == 0 and ok.stdout.strip().splitlines()[-1] == "OK", ok.stdout + ok.stderr
    assert verify_draw(f"{hub}/api/experts/v1/draws/{draw_id}/proof").returncode == 0

    bad_seed = json.loads(saved.read_text())
    bad_seed["seed"] = ("0" if bad_seed["seed"][0] != "0" else "1") + bad_seed["seed"][1:]
    (tmp_path / "bad-seed.json").write_text(json.dumps(bad_seed))
    r = verify_draw(str(tmp_path / "bad-seed.json"))
    assert r.returncode == 1 and r.stdout.strip().splitlines()[-1] == "NOT OK", r.stdout + r.stderr
    assert re.search(r"^FAIL seed: .*commitment", r.stderr, re.M), r.stderr

    bad_list = json.loads(saved.read_text())
    spec = sorted(bad_list["candidates"])[0]
    bad_list["candidates"][spec] = sorted(bad_list["candidates"][spec][:-1] + ["0" * 16])
    (tmp_path / "bad-list.json").write_text(json.dumps(bad_list))
    r2 = verify_draw(str(tmp_path / "bad-list.json"))
    assert r2.returncode == 1 and r2.stdout.strip().splitlines()[-1] == "NOT OK", r2.stdout + r2.stderr
    assert re.search(r"^FAIL candidate list: .*candidates_digest", r2.stderr, re.M), r2.stderr
    lap("verify-draw: OK, tampered seed and list fail")

    print("\nverify-draw OK:\n" + ok.stdout + "\ntampered seed:\n" + r.stderr + "\ntampered list:\n" + r2.stderr)
    print("timings (s):", timings, "total", round(time.monotonic() - t0, 1))
    assert not problems, problems
