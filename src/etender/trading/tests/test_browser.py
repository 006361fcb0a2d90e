"""Browser acceptance test: from the tenderer's registration of a project to the published opening record.

Real Debian Chromium driven by Playwright's sync API against pytest-django's
live server (a thread of this process, so the frozen clock is shared), real
bidder keys, the real offline CLI (``etender bid seal`` / ``unwrap``) in
subprocesses.  Assertions use element ids, the database and values (names,
prices, codes, hashes), not UI wording, except the final English heading.

Screenshots go to ``test-artifacts/browser/`` at the repository root.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import datetime

import pytest

from etender.kernel.calendar import TZ, default_calendar
from etender.trading import chronograph, testing
from etender.trading.bids.models import Bid, BidStatus, OpeningRecord
from etender.trading.tenders.models import DocumentDownload, LotStatus, Notification, Tender, TenderStatus

from .browser_helpers import Browsers, etender_cli, shot, sign_in, submit, write_private_key

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

TENDERER = "杭州市西湖区城市建设发展中心"
BIDDERS = ["浙江之江建设集团有限公司", "杭州钱塘市政工程有限公司", "浙江西子路桥建设有限公司"]
PRICES = ["11200000.00", "11050000.00", "10980000.00"]
SHOWN_PRICES = ["11,200,000.00", "11,050,000.00", "10,980,000.00"]
DOC_NAME = "招标文件.txt"
DOC_BYTES = "第一章 招标公告\n第二章 投标人须知\n第三章 评标办法\n".encode()


def beijing(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def fmt(dt: datetime) -> str:
    return dt.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def local_input(dt: datetime) -> str:
    """The value of an ``<input type=datetime-local>`` in Beijing time."""
    return dt.astimezone(TZ).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_tender_to_opening_record_in_the_browser(live_server, frozen_clock, chromium_path, tmp_path):
    cal = default_calendar()
    now = frozen_clock.now()
    assert fmt(now) == "2026-03-02 09:00"  # Monday

    tenderer = testing.make_party(TENDERER, ["tenderer"])
    bidders = [testing.make_party(name, ["bidder"], with_key=True) for name in BIDDERS]

    b = Browsers(chromium_path, live_server.url)
    try:
        # ------------------------------------------------------------------ 1. the tenderer
        _, tp = b.person("tenderer")
        sign_in(tp, tenderer.user.username, testing.PASSWORD, next_url="/projects/new/")
        assert tp.url.endswith("/projects/new/")

        project = testing.PROJECT_DATA
        for name in ("name", "address", "legal_person", "project_scale", "contact_name", "contact_info", "approval_name"):
            tp.fill(f"#main form [name={name}]", project[name])
        tp.select_option("#main form select[name=region_code]", "330106")
        tp.select_option("#main form select[name=industry]", "E48")
        tp.select_option("#main form select[name=fund_source]", index=0)  # the first fund source (government budget)
        shot(tp, "01-project-new")
        submit(tp, "#main form button[type=submit]")
        m = re.search(r"/projects/(\d+)/tenders/new/$", tp.url)
        assert m, f"not redirected to the new-tender form: {tp.url}\n{tp.inner_text('#main')[:2000]}"
        project_id = int(m.group(1))

        doc_get_end = beijing(2026, 3, 10, 17)
        deadline = beijing(2026, 3, 27, 9, 30)
        assert deadline.date() >= cal.period_last_day(now, 20)  # lawful: ≥ 20 days from the documents

        data = testing.tender_data(now)
        f = "#tender-form"
        tp.fill(f"{f} [name=name]", data["name"])
        tp.fill(f"{f} [name=content]", data["content"])
        tp.fill(f"{f} [name=supervise_dept_name]", data["supervise_dept_name"])
        tp.fill(f"{f} [name=approve_dept_name]", data["approve_dept_name"])
        tp.fill(f"{f} [name=report_duty]", data["report_duty"])
        tp.fill(f"{f} [name=doc_get_start]", local_input(now))
        tp.fill(f"{f} [name=doc_get_end]", local_input(doc_get_end))
        tp.fill(f"{f} [name=bid_deadline]", local_input(deadline))
        tp.fill(f"{f} [name=bid_validity_days]", "90")
        tp.fill(f"{f} [name=announcement_content]", data["announcement_content"])

        lots = [testing.lot_data(1), testing.lot_data(2, name="第2标段 施工", estimated_price="8000000.00", bid_security="150000.00", max_price="7900000.00", duration_days=300)]
        tp.click("#add-lot")
        assert tp.input_value("#id_lots-TOTAL_FORMS") == "2"
        for i, lot in enumerate(lots):
            p = f"{f} [name=lots-{i}-"
            tp.fill(f"{p}name]", lot["name"])
            tp.select_option(f"{p}classification]", "A08")
            tp.fill(f"{p}content]", lot["content"])
            tp.fill(f"{p}qualification]", lot["qualification"])
            tp.fill(f"{p}estimated_price]", str(lot["estimated_price"]))
            tp.fill(f"{p}bid_security]", str(lot["bid_security"]))
            tp.fill(f"{p}max_price]", str(lot["max_price"]))
            tp.fill(f"{p}duration_days]", str(lot["duration_days"]))
        shot(tp, "02-tender-new")
        submit(tp, f"{f} button[type=submit]")
        m = re.search(r"/tenders/(\d+)/$", tp.url)
        assert m, f"draft not saved: {tp.url}\n{tp.inner_text('#main')[:3000]}"
        tender = Tender.objects.get(pk=int(m.group(1)))
        assert tender.project_id == project_id
        assert tender.status == TenderStatus.DRAFT
        assert tender.bid_deadline == deadline and tender.doc_get_end == doc_get_end and tender.doc_get_start == now
        lot1, lot2 = tender.lots.order_by("number")
        assert (lot1.name, lot2.name) == (lots[0]["name"], lots[1]["name"])
        assert lot1.classification == lot2.classification == "A08"

        upload_form = f'form[action="/tenders/{tender.pk}/documents/"]'
        tp.set_input_files(f"{upload_form} input[type=file]", files=[{"name": DOC_NAME, "mimeType": "text/plain", "buffer": DOC_BYTES}])
        submit(tp, f"{upload_form} button[type=submit]")
        assert tp.locator(".doc-link").all_inner_texts() == [DOC_NAME]
        doc_sha = hashlib.sha256(DOC_BYTES).hexdigest()
        assert doc_sha in tp.inner_text("#main")
        shot(tp, "03-tender-draft")
        submit(tp, "#publish")
        tender.refresh_from_db()
        assert tender.status == TenderStatus.TENDERING, tp.inner_text("#main")[:2000]
        assert tp.locator("#publish").count() == 0
        assert tp.inner_text("#deadline") == fmt(deadline)
        assert tender.code in tp.inner_text("#main")
        shot(tp, "04-tender-published")

        # ------------------------------------------------------------------ 2. three bidders download the documents
        bpages = []
        for i, party in enumerate(bidders):
            _, page = b.person(f"bidder{i + 1}")
            sign_in(page, party.user.username, testing.PASSWORD, next_url=f"/tenders/{tender.pk}/")
            assert page.url.endswith(f"/tenders/{tender.pk}/")
            with page.expect_download() as info:
                page.click(".doc-link")
            download = info.value
            assert download.suggested_filename == DOC_NAME
            assert open(download.path(), "rb").read() == DOC_BYTES
            bpages.append(page)
        assert set(DocumentDownload.objects.filter(tender=tender).values_list("entity_id", flat=True)) == {p.entity.pk for p in bidders}
        shot(bpages[0], "05-bidder-tender-page")

        # ------------------------------------------------------------------ 3. a clarification with fewer than 15 days left
        clarified_at = beijing(2026, 3, 20, 10)
        frozen_clock.set(clarified_at)
        # 15 days counted from the next day end on Saturday 04-04; 04-05/06 are the Qingming holidays of 2026.
        expected_deadline = testing.local_at(cal.period_last_day(clarified_at, 15), 9, 30)
        assert expected_deadline > deadline

        tp.goto(f"/tenders/{tender.pk}/")
        clar_form = f'form[action="/tenders/{tender.pk}/clarifications/"]'
        tp.fill(f"{clar_form} [name=title]", "关于第1标段工程量清单的澄清")
        tp.fill(f"{clar_form} [name=content]", "第1标段工程量清单第3.2项数量更正为1200立方米。")
        assert tp.is_checked(f"{clar_form} [name=affects_preparation]")
        assert tp.input_value(f"{clar_form} [name=new_deadline]") == ""
        shot(tp, "06-clarification-form")
        submit(tp, f"{clar_form} button[type=submit]")

        tender.refresh_from_db()
        assert tender.bid_deadline == expected_deadline, (tender.bid_deadline, tp.inner_text("#main")[:2000])
        assert tender.bid_open_time == expected_deadline
        clar = tender.clarifications.get()
        assert (clar.old_deadline, clar.new_deadline) == (deadline, expected_deadline)
        shown = tp.inner_text(".clarification")
        assert re.search(re.escape(fmt(deadline)) + r"\s*→\s*" + re.escape(fmt(expected_deadline)), shown), shown
        assert tp.inner_text("#deadline") == fmt(expected_deadline)
        shot(tp, "07-clarification-published")

        for party, page in zip(bidders, bpages, strict=True):
            notes = Notification.objects.filter(entity=party.entity, tender=tender, kind="clarification")
            assert notes.count() == 1, f"{party.entity.name} got {notes.count()} clarification notifications"
            assert fmt(expected_deadline) in notes.get().title
        page = bpages[0]
        page.goto("/messages/")
        assert fmt(expected_deadline) in page.inner_text("#main")
        shot(page, "08-bidder-messages")

        # ------------------------------------------------------------------ 4. sealed offline, submitted in the browser
        envelopes = {}
        for i, (party, page, price) in enumerate(zip(bidders, bpages, PRICES, strict=True)):
            work = tmp_path / f"bidder{i + 1}"
            work.mkdir()
            keyfile = write_private_key(party, work / "bidder.key.json")
            bidfile = work / "技术标.txt"
            bidfile.write_text(f"{party.entity.name} 施工组织设计\n", encoding="utf-8")
            out = work / "bid.etenv"
            etender_cli("bid", "seal", "--key", str(keyfile), "--tender", tender.code, "--lot", lot1.code, "--bidder", party.entity.credit_code, "--price", price, "--file", str(bidfile), "--out", str(out), cwd=work)
            sha = hashlib.sha256(out.read_bytes()).hexdigest()
            envelopes[party.entity.pk] = (keyfile, out, sha)

            page.goto(f"/lots/{lot1.pk}/bid/")
            page.set_input_files("input[name=file]", str(out))
            submit(page, "#submit-bid")
            assert page.locator("#receipt").is_visible(), page.inner_text("#main")[:2000]
            assert sha in page.inner_text("#receipt")
            bid = Bid.objects.get(lot=lot1, bidder=party.entity)
            assert bid.status == BidStatus.SUBMITTED
        shot(bpages[-1], "09-bid-receipt")

        # ------------------------------------------------------------------ 5. the deadline passes; the online opening
        tender.refresh_from_db()
        frozen_clock.set(tender.bid_deadline)
        assert chronograph.tick() >= 1
        lot1.refresh_from_db()
        lot2.refresh_from_db()
        assert lot1.status == LotStatus.OPENING
        assert lot2.status == LotStatus.FAILED  # no bids

        for n, (party, page) in enumerate(zip(bidders, bpages, strict=True), start=1):
            page.goto(f"/lots/{lot1.pk}/opening/")
            assert page.locator("#opening-table tbody tr").count() == 3
            keyfile, out, _ = envelopes[party.entity.pk]
            dek = etender_cli("bid", "unwrap", "--key", str(keyfile), "--envelope", str(out), cwd=keyfile.parent).stdout.strip()
            page.fill("input[name=dek]", dek)
            if n == 1:
                shot(page, "10-opening-decrypt")
            submit(page, "#decrypt")
            assert page.locator("input[name=dek]").count() == 0, page.inner_text("#main")[:2000]
            assert Bid.objects.get(lot=lot1, bidder=party.entity).status == BidStatus.OPENED

        lot1.refresh_from_db()
        assert lot1.status == LotStatus.OPENED
        record = OpeningRecord.objects.get(lot=lot1)
        assert sorted(r["price"] for r in record.rows) == sorted(PRICES)

        page = bpages[-1]  # a bidder of lot 1 at the finished opening
        assert page.locator("#opening-table").is_visible()
        opening_rows = page.locator("#opening-table tbody tr").all_inner_texts()
        for name, price in zip(BIDDERS, SHOWN_PRICES, strict=True):
            assert any(name in r and price in r for r in opening_rows), (name, price, opening_rows)
        assert page.locator("#record-link").count() == 1
        shot(page, "11-opening-finished")

        page.click("#record-link")
        page.wait_for_url(f"**/lots/{lot1.pk}/record/")
        rows = page.locator("#record-table tbody tr").all_inner_texts()
        assert len(rows) == 3, rows
        for name, price in zip(BIDDERS, SHOWN_PRICES, strict=True):
            assert any(name in r and price in r for r in rows), (name, price, rows)
        assert lot1.code in page.inner_text("#main")
        assert record.content_sha256 in page.inner_text("#main")
        shot(page, "12-opening-record-zh")

        tp.goto(f"/tenders/{tender.pk}/")
        shot(tp, "13-tender-after-opening")

        # ------------------------------------------------------------------ 6. the record in English
        context = page.context
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        page.goto(f"/lots/{lot1.pk}/record/")
        assert page.inner_text("h1").strip() == "Opening record"
        assert page.locator("html").get_attribute("lang") == "en"
        rows = page.locator("#record-table tbody tr").all_inner_texts()
        assert all(any(p in r for r in rows) for p in SHOWN_PRICES), rows
        shot(page, "14-opening-record-en")

        assert not b.problems.page_errors, b.problems.page_errors
        assert not b.problems.server_errors, b.problems.server_errors
    finally:
        b.close()
