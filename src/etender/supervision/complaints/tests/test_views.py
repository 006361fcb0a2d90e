"""The pages: lodging with files, the regulators' list with due dates, acting on a complaint, coded errors in place."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ..models import Complaint, Status
from .conftest import PASSWORD, TENDER, beijing


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


FORM = {
    "tender_code": TENDER, "matter": "other", "known_on": "2026-09-22", "respondent_type": "1",
    "request_text": "请求责令改正", "grounds": "条例第三十二条", "facts": "以特定行业业绩加分。",
    "complainant_name": "杭州余航市政工程有限公司", "complainant_phone": "13800138002", "complainant_email": "legal@yuhang.example",
}


def test_lodge_accept_decide_through_the_pages(clock, tender, bidder, regulator, other_regulator):
    party = login(bidder)
    r = party.post("/complaints/new/", {**FORM, "evidence": [SimpleUploadedFile("证据.pdf", b"%PDF evidence")]})
    assert r.status_code == 302, r.content.decode()[:2000]
    c = Complaint.objects.get()
    assert party.get(f"/complaints/{c.number}/evidence/{c.evidence.get().pk}/").status_code == 200
    staff = login(regulator)
    page = staff.get("/complaints/").content.decode()
    assert c.number in page and "2026-09-30" in page  # acceptance due (Mid-Autumn Festival on 25 Sep)
    assert login(other_regulator).get(f"/complaints/{c.number}/").status_code == 404
    assert party.post(f"/complaints/{c.number}/accept/").status_code == 403  # E088 for the complainant
    assert staff.post(f"/complaints/{c.number}/accept/").status_code == 302
    r = staff.post(f"/complaints/{c.number}/decide/", {"outcome": "dismissed", "handle_result": "", "handle_basis": "第二十条"})
    assert r.status_code == 422 and "E001" in r.content.decode()
    clock.set(beijing(2026, 10, 9, 10))
    assert staff.post(f"/complaints/{c.number}/decide/", {"outcome": "dismissed", "handle_result": "驳回投诉。", "handle_basis": "投诉处理办法第二十条", "confined_action": "0"}).status_code == 302
    c.refresh_from_db()
    assert c.status == Status.DECIDED and "驳回投诉" in staff.get(f"/complaints/{c.number}/").content.decode()


def test_coded_errors_on_the_form(clock, tender, bidder):
    party = login(bidder)
    r = party.post("/complaints/new/", FORM)
    assert r.status_code == 200 and "E087" in r.content.decode()
    clock.set(beijing(2026, 10, 9, 9))
    r = party.post("/complaints/new/", {**FORM, "evidence": [SimpleUploadedFile("证据.pdf", b"x")]})
    assert "E149" in r.content.decode()
    r = party.post("/complaints/new/", {**FORM, "matter": "evaluation_result", "known_on": "2026-10-08", "evidence": [SimpleUploadedFile("证据.pdf", b"x")]})
    assert "E085" in r.content.decode()
    assert not Complaint.objects.exists()


def test_history_shows_translated_step_labels(clock, tender, bidder, regulator):
    party = login(bidder)
    party.post("/complaints/new/", {**FORM, "evidence": [SimpleUploadedFile("证据.pdf", b"%PDF evidence")]})
    c = Complaint.objects.get()
    login(regulator).post(f"/complaints/{c.number}/accept/")
    page = party.get(f"/complaints/{c.number}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-kind="lodged">已提交<' in page and 'data-kind="accepted">已受理<' in page
    page = party.get(f"/complaints/{c.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-kind="lodged">Lodged<' in page


def test_the_lodging_entry_names_the_complainant_and_the_department_it_was_routed_to(clock, tender, bidder, regulator):
    party = login(bidder)
    party.post("/complaints/new/", {**FORM, "evidence": [SimpleUploadedFile("证据.pdf", b"%PDF evidence")]})
    c = Complaint.objects.get()
    name = bidder.get_full_name() or bidder.username
    page = party.get(f"/complaints/{c.number}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'<span class="step-actor">投诉人：{name}</span> · <span class="step-routed">受理部门：{c.department.name}</span>' in page
    page = party.get(f"/complaints/{c.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<span class="step-actor">complainant: {name}</span> · <span class="step-routed">routed to: {c.department.name}</span>' in page
