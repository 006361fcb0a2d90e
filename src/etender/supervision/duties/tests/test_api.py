from __future__ import annotations

import json

import pytest

from etender.kernel.audit.models import AuditEntry
from etender.kernel.web.models import ApiToken

from ..models import DutySection, SectionKind
from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

PUT = "/api/departments/zj-fgw/sections/duties"


def put(client, url, payload, **headers):
    return client.put(url, data=json.dumps(payload), content_type="application/json", **headers)


def test_department_list_is_public_and_hides_unpublished(client, departments, hidden_department):
    r = client.get("/api/departments")
    assert r.status_code == 200
    body = r.json()
    assert [d["code"] for d in body] == ["zj-fgw", "zj-jst", "zj-jtyst", "zj-slt", "zj-czt"]
    fgw = body[0]
    assert fgw["name"] == "浙江省发展和改革委员会"
    assert fgw["region_name"] == "浙江省"
    assert fgw["url"] == "/departments/zj-fgw/"
    assert {"code": "coordination", "label": "招标投标工作指导协调"} in fgw["industries"]


def test_department_detail_lists_every_item_in_order(client, departments):
    r = client.get("/api/departments/zj-jst", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    sections = r.json()["sections"]
    assert [s["kind"] for s in sections] == list(SectionKind.values)
    assert sections[0]["kind_label"] == "Legal basis"
    assert sections[0]["updated_by"] == "system:test" and sections[0]["version"] == 1
    assert "10日内" in sections[4]["body"]


def test_unknown_and_unpublished_departments_are_not_found(client, hidden_department):
    for code in ("nope", "zj-hidden"):
        r = client.get(f"/api/departments/{code}")
        assert r.status_code == 404
        assert r.json()["code"] == "E005"


def test_put_needs_sign_in(client, fgw):
    r = put(client, PUT, {"body": "x"})
    assert r.status_code == 401
    assert r.json()["code"] == "E008"


def test_put_by_a_non_staff_user_is_forbidden(client, fgw, outsider):
    client.login(username="citizen", password=PASSWORD)
    r = put(client, PUT, {"body": "篡改"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 403
    body = r.json()
    assert body["code"] == "E006"
    assert body["message"].startswith("You are not allowed to do this")
    assert body["message_zh"].startswith("无权执行此操作")
    assert "篡改" not in DutySection.objects.get(department=fgw, kind="duties").body


def test_put_by_staff_of_another_department_is_forbidden(client, departments, staff):
    client.login(username="fgw", password=PASSWORD)
    r = put(client, "/api/departments/zj-jst/sections/duties", {"body": "越权"})
    assert r.status_code == 403 and r.json()["code"] == "E006"


def test_put_by_staff_with_a_token(client, fgw, staff):
    _, key = ApiToken.issue(user=staff, name="ci")
    version = DutySection.objects.get(department=fgw, kind="duties").version
    r = put(client, PUT, {"title": "职责", "body": "新的职责说明", "version": version}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert r.status_code == 200, r.content
    out = r.json()
    assert (out["kind"], out["body"], out["version"], out["updated_by"]) == ("duties", "新的职责说明", version + 1, "王工")
    entry = AuditEntry.objects.filter(action="duties.section_updated").get()
    assert entry.username == "fgw" and entry.ip == "127.0.0.1"


def test_put_creates_a_missing_item_for_an_unpublished_department(client, hidden_department, superuser):
    client.login(username="root", password=PASSWORD)
    r = put(client, "/api/departments/zj-hidden/sections/legal_basis", {"body": "《招标投标法》"})
    assert r.status_code == 200 and r.json()["version"] == 1


def test_put_with_a_stale_version_conflicts(client, fgw, staff):
    client.login(username="fgw", password=PASSWORD)
    r = put(client, PUT, {"body": "x", "version": 0})
    assert r.status_code == 409
    assert r.json()["code"] == "E007" and r.json()["params"] == {"version": 1}


def test_put_validates_kind_and_body(client, fgw, staff):
    client.login(username="fgw", password=PASSWORD)
    r = put(client, "/api/departments/zj-fgw/sections/gossip", {"body": "x"})
    assert r.status_code == 422 and r.json()["code"] == "E001"
    r = put(client, PUT, {"body": " "})
    assert r.status_code == 422
    assert (r.json()["code"], r.json()["field"]) == ("E001", "body")
    r = put(client, "/api/departments/nope/sections/duties", {"body": "x"})
    assert r.status_code == 404 and r.json()["code"] == "E005"


def test_openapi_describes_the_paths(client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    spec = json.loads(r.content)
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    assert {"/api/departments", "/api/departments/{code}", "/api/departments/{code}/sections/{kind}"} <= set(paths)
    assert "put" in paths["/api/departments/{code}/sections/{kind}"]


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["service"] == "supervision"


def test_published_gives_every_published_department_with_its_items_in_one_answer(client, departments, hidden_department):
    r = client.get("/api/duties/v1/published")
    assert r.status_code == 200
    body = r.json()
    codes = [d["code"] for d in body["departments"]]
    assert hidden_department.code not in codes and "zj-jst" in codes and body["generated_at"]
    jst = next(d for d in body["departments"] if d["code"] == "zj-jst")
    assert [s["kind"] for s in jst["sections"]][:1] == ["legal_basis"] and all(s["body"] for s in jst["sections"])
