"""Feed scopes of signed platform requests, record origin and region, and upward forwarding to a real upper-level hub."""

from __future__ import annotations

import base64

import pytest
from django.db import connection
from django.test import Client

from etender.kernel import clock
from etender.kernel.canonical import canonical
from etender.kernel.exchange import record_key
from etender.kernel.exchange.examples import EXAMPLES
from etender.kernel.livetest import LiveService
from etender.kernel.signing import platform_signer
from etender.hub.exchange import services
from etender.hub.exchange.models import FeedEntry, Platform, Record

from .test_ingest import ACTOR, FakePlatform, ingest

TENDER = "E3301062025000037001"


def whole_tender() -> list[dict]:
    out = []
    for ds in ("500", "501", "502", "506"):
        rec = EXAMPLES[ds]
        out.append({"dataset": ds, "key": record_key(ds, rec), "op": "upsert", "record": rec, "occurred_at": "2025-04-01T09:30:00+08:00"})
    return out


def signed_get(client: Client, platform: FakePlatform, path: str, *, timestamp: str | None = None, key=None):
    ts = timestamp or clock.now().isoformat()
    sig = base64.b64encode((key or platform.key).sign(canonical({"method": "GET", "path": path, "timestamp": ts}))).decode()
    return client.get(path, HTTP_X_ETENDER_PLATFORM=platform.code, HTTP_X_ETENDER_TIMESTAMP=ts, HTTP_X_ETENDER_SIGNATURE=sig)


def register(p: FakePlatform, kind: str, region: str = "") -> Platform:
    pl = services.platform_register(actor=ACTOR, code=p.code, name=f"{kind}{p.code[-4:]}", kind=kind, url="", public_key=p.public, region_code=region)
    return services.platform_set_status(actor=ACTOR, platform=pl, status="active")


@pytest.fixture
def fed(db):
    trading = FakePlatform(11)
    trading.register()
    ingest(trading.batch(whole_tender()))
    return trading


def test_records_keep_their_origin_and_region(fed):
    for rec in Record.objects.all():
        assert rec.origin_code == fed.code and rec.region_code == "330106", rec.dataset  # 506 inherits its tender project's region
    item = Client().get("/api/exchange/v1/feed?after=0").json()["items"][-1]
    assert item["dataset"] == "506" and item["origin"] == fed.code and item["region"] == "330106"


def test_supervision_sees_restricted_fields_within_its_jurisdiction_only(fed):
    c = Client()
    public = c.get("/api/exchange/v1/feed?after=0").json()["items"]
    assert "OPEN_COMPERE" not in public[-1]["record"]  # restricted: not public
    zhejiang = FakePlatform(21)
    register(zhejiang, "supervision", "330000")
    full = signed_get(c, zhejiang, "/api/exchange/v1/feed?after=0").json()["items"]
    assert len(full) == 4 and full[-1]["record"]["OPEN_COMPERE"] == "周涛"
    ningbo = FakePlatform(22)
    register(ningbo, "supervision", "330200")
    assert signed_get(c, ningbo, "/api/exchange/v1/feed?after=0").json()["items"] == []  # another city's records
    other_trading = FakePlatform(23)
    register(other_trading, "trading")
    assert "OPEN_COMPERE" not in signed_get(c, other_trading, "/api/exchange/v1/feed?after=0").json()["items"][-1]["record"]


def test_bad_platform_signatures_are_refused_with_codes(fed):
    c = Client()
    sup = FakePlatform(31)
    register(sup, "supervision", "330000")
    r = signed_get(c, sup, "/api/exchange/v1/feed?after=0", key=FakePlatform(32).key)
    assert r.status_code == 403 and r.json()["code"] == "E013"
    r = signed_get(c, sup, "/api/exchange/v1/feed?after=0", timestamp="2020-01-01T00:00:00+08:00")
    assert r.status_code == 422 and r.json()["code"] == "E009"
    r = signed_get(c, sup, "/api/exchange/v1/feed?after=0", timestamp="yesterday")
    assert r.status_code == 422
    r = signed_get(c, sup, "/api/exchange/v1/feed?after=5")  # the signature covers the query: replaying it elsewhere fails
    assert r.status_code == 200
    ts = clock.now().isoformat()
    sig = base64.b64encode(sup.key.sign(canonical({"method": "GET", "path": "/api/exchange/v1/feed?after=0", "timestamp": ts}))).decode()
    r = c.get("/api/exchange/v1/feed?after=1", HTTP_X_ETENDER_PLATFORM=sup.code, HTTP_X_ETENDER_TIMESTAMP=ts, HTTP_X_ETENDER_SIGNATURE=sig)
    assert r.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_municipal_hub_forwards_its_feed_to_the_provincial_hub_exactly_once(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the upper hub needs its own PostgreSQL database")
    trading = FakePlatform(41)
    trading.register()
    ingest(trading.batch(whole_tender()))
    upper = LiveService("hub", tmp_path, name="province-hub")
    try:
        upper.start()
        upper.manage("register_platform", settings.ETENDER_HUB_CODE, "杭州市招标投标公共服务平台", platform_signer().public_info()["public_key"], "--kind", "hub", "--activate")
        settings.ETENDER_UPPER_HUB_URL = "http://127.0.0.1:1"  # the province is unreachable first: nothing is lost
        assert services.forward() == 0
        from etender.hub.exchange.models import ForwardState

        assert ForwardState.objects.get().last_error
        ForwardState.objects.update(next_attempt_at=None)
        settings.ETENDER_UPPER_HUB_URL = upper.url
        assert services.forward_if_pending() == 4
        assert services.forward_if_pending() == 0
        ingest(trading.batch([{**whole_tender()[-1], "record": {**EXAMPLES["506"], "BID_OPENING_CONTENT": "更正：共3家投标人"}}]))
        assert services.forward() == 1
        items = upper.get("/api/exchange/v1/feed?after=0")["items"]
        assert [i["dataset"] for i in items] == ["500", "501", "502", "506", "506"]
        assert {i["platform"] for i in items} == {settings.ETENDER_HUB_CODE}  # sent by the municipal hub
        assert {i["origin"] for i in items} == {trading.code}  # from the trading platform (电子办法 49: the source is shown)
        assert items[-1]["version"] == 2 and items[-1]["record"]["BID_OPENING_CONTENT"] == "更正：共3家投标人"
        # A retry of a forwarded batch is recognised, not stored twice.
        first = FeedEntry.objects.order_by("seq")[:4]
        status, answer = upper.post("/api/exchange/v1/batches", services.forward_body(first[0].seq, list(first)))
        assert status == 200 and answer["duplicate"] is True
        assert len(upper.get("/api/exchange/v1/feed?after=0")["items"]) == 5
    finally:
        upper.close()
