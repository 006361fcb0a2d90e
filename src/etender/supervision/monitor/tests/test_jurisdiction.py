"""Staff see only their jurisdiction, through the selectors, the API and the pages; every view is logged."""

from __future__ import annotations

import pytest
from django.test import Client

from .. import selectors, services
from ..models import AccessLog, Alert, FeedCursor
from .conftest import PASSWORD
from .feeddata import RESTRICTIVE, Feed, codes, tender_records

# tender 1: Hangzhou 西湖区, civil engineering works; tender 2: Ningbo 鄞州区, buildings; tender 3: Hangzhou, road transport
HZ_WORKS, NB_BUILDING, HZ_ROAD = codes(1)[1], codes(2, "330212")[1], codes(3)[1]


@pytest.fixture
def fed(users):
    feed = Feed()
    items = feed.items(tender_records(1, notice=RESTRICTIVE) + tender_records(2, region="330212", industry="E47", tender_type="A01", notice=RESTRICTIVE) + tender_records(3, industry="G54", notice=RESTRICTIVE))
    services.feed_apply(after=FeedCursor.objects.get_or_create(pk=1)[0].position, items=items, next_position=items[-1]["seq"])
    return users


def visible(user) -> set[str]:
    return set(selectors.tenders_in_jurisdiction(user).values_list("code", flat=True))


def test_selectors_limit_each_department_to_its_regions_and_fields(fed):
    assert visible(fed["jst"]) == {HZ_WORKS, NB_BUILDING}  # province, works of buildings and civil engineering
    assert visible(fed["nb"]) == {NB_BUILDING}  # Ningbo covers its districts only
    assert visible(fed["hzjt"]) == {HZ_WORKS, HZ_ROAD}  # Hangzhou transport: its districts, roads and civil works
    assert visible(fed["fgw"]) == {HZ_WORKS, NB_BUILDING, HZ_ROAD}  # coordination
    assert visible(fed["citizen"]) == set()
    hz_road = selectors.tender_by_code(HZ_ROAD)
    assert hz_road.platform_code and hz_road.tenderer_name and not selectors.in_jurisdiction(fed["jst"], hz_road)
    assert selectors.in_jurisdiction(fed["hzjt"], hz_road) and not selectors.in_jurisdiction(fed["nb"], None)


def login(username: str) -> Client:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def test_the_api_answers_404_e080_outside_the_jurisdiction_and_logs_every_view(fed):
    nb = login("nb")
    assert [t["code"] for t in nb.get("/api/monitor/v1/tenders").json()] == [NB_BUILDING]
    for path in (f"/api/monitor/v1/tenders/{HZ_WORKS}", f"/api/monitor/v1/tenders/{HZ_WORKS}/timeline", "/api/monitor/v1/tenders/NO-SUCH-CODE"):
        r = nb.get(path)
        assert r.status_code == 404 and r.json()["code"] == "E080", path
    other_alert = Alert.objects.filter(tender_code=HZ_WORKS).first()
    r = nb.get(f"/api/monitor/v1/alerts/{other_alert.pk}")
    assert r.status_code == 404 and r.json()["code"] == "E080"
    r = nb.patch(f"/api/monitor/v1/alerts/{other_alert.pk}", {"status": "dismissed", "resolution": "x"}, content_type="application/json")
    assert r.status_code == 404 and r.json()["code"] == "E080"
    assert {a["tender_code"] for a in nb.get("/api/monitor/v1/alerts").json()} == {NB_BUILDING}
    timeline = nb.get(f"/api/monitor/v1/tenders/{NB_BUILDING}/timeline").json()
    assert [e["dataset"] for e in timeline] == ["501", "502", "503"] and all(e["exchanged_at"] and e["witnessed"] is False for e in timeline)
    log = AccessLog.objects.filter(username="nb")
    assert log.filter(kind="tender", record=HZ_WORKS, allowed=False).exists() and log.filter(kind="timeline", record=NB_BUILDING, allowed=True).exists()
    assert log.filter(kind="alert", record=str(other_alert.pk), allowed=False).exists()
    # users of no department get nothing at all
    r = login("citizen").get("/api/monitor/v1/tenders")
    assert r.status_code == 403 and r.json()["code"] == "E006"
    assert Client().get("/api/monitor/v1/tenders").status_code == 401


def test_alerts_through_the_api(fed):
    jst = login("jst")
    alerts = jst.get("/api/monitor/v1/alerts").json()
    mine = next(a for a in alerts if a["tender_code"] == NB_BUILDING)
    r = jst.patch(f"/api/monitor/v1/alerts/{mine['id']}", {"status": "resolved"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "E084"
    r = jst.patch(f"/api/monitor/v1/alerts/{mine['id']}", {"status": "resolved", "resolution": "已责令修改招标公告", "assignee": "nb"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "resolved" and r.json()["assignee"] == "nb"


def test_pages_answer_404_e080_outside_the_jurisdiction(fed):
    nb = login("nb")
    r = nb.get(f"/monitor/tenders/{HZ_WORKS}/")
    assert r.status_code == 404 and "E080" in r.content.decode()
    r = nb.get(f"/monitor/tenders/{NB_BUILDING}/")
    assert r.status_code == 200 and NB_BUILDING in r.content.decode()
    other_alert = Alert.objects.filter(tender_code=HZ_ROAD).first()
    assert nb.get(f"/monitor/alerts/{other_alert.pk}/").status_code == 404
    page = nb.get("/monitor/tenders/").content.decode()
    assert NB_BUILDING in page and HZ_WORKS not in page and HZ_ROAD not in page
    dash = nb.get("/monitor/").content.decode()
    assert HZ_WORKS not in dash and "echarts.min.js" in dash
    assert nb.get("/monitor/data.json").json()["tender_count"] == 1
    assert login("citizen").get("/monitor/").status_code == 403
    assert Client().get("/monitor/").status_code == 302  # to the sign-in page


def test_alert_page_resolves_with_notes(fed):
    jst = login("jst")
    alert = Alert.objects.filter(tender_code=NB_BUILDING).first()
    r = jst.post(f"/monitor/alerts/{alert.pk}/", {"status": "resolved", "assignee": "", "resolution": ""})
    assert r.status_code == 422 and "E084" in r.content.decode()
    r = jst.post(f"/monitor/alerts/{alert.pk}/", {"status": "resolved", "assignee": "jst", "resolution": "已核实并责令改正"})
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.assignee.username == "jst"


def test_the_access_log_is_for_department_heads(fed):
    login("nb").get(f"/monitor/tenders/{HZ_WORKS}/")
    assert login("nb").get("/monitor/access-log/").status_code == 403
    assert login("nb").get("/api/monitor/v1/access-log").status_code == 403
    page = login("jst").get("/monitor/access-log/").content.decode()  # head of 住房城乡建设厅, not of Ningbo's bureau
    assert "nb" not in [row["username"] for row in login("jst").get("/api/monitor/v1/access-log").json()]
    assert "access-log" in page
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "r@example.invalid", PASSWORD)
    assert root
    rows = login("root").get("/api/monitor/v1/access-log").json()
    assert any(r["username"] == "nb" and r["record"] == HZ_WORKS and r["allowed"] is False for r in rows)
