"""The decided complaint goes to a real hub as data set 404, signed like the trading outbox does, and is
published on the hub's portal (on the tender's related records, searchable) without the complainant's contacts."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from django.test import override_settings

from etender.kernel.exchange import record_key
from etender.kernel.exchange.examples import EXAMPLES
from etender.supervision.monitor.tests.live import SUPERVISION_CODE, TradingPlatform, http, start_hub

from .. import outbox, services
from ..models import HubOutbox
from .conftest import TENDER, actor_for, beijing, lodge_kwargs


@pytest.fixture
def hub(transactional_db, tmp_path):
    h = start_hub(tmp_path)  # supervision platform registered with this process's key, jurisdiction 330000
    yield h
    h.close()


def test_decision_is_published_on_the_hub_portal(hub, clock, tender, bidder, regulator):
    trading = TradingPlatform(hub)
    trading.send([{"dataset": ds, "key": record_key(ds, EXAMPLES[ds]), "op": "upsert", "record": EXAMPLES[ds], "occurred_at": "2026-01-05T09:00:00+08:00"} for ds in ("500", "501", "502")])
    clock.set(beijing(2026, 9, 24, 9))
    c = services.complaint_lodge(actor=actor_for(bidder), **lodge_kwargs())
    c = services.complaint_accept(actor=actor_for(regulator), complaint=c)
    clock.set(beijing(2026, 10, 20, 15))
    services.complaint_decide(actor=actor_for(regulator), complaint=c, outcome="upheld", handle_result="投诉成立，责令招标人修改招标文件第三章评分标准后重新招标。", handle_basis="《招标投标法实施条例》第二十三条")

    with override_settings(ETENDER_HUB_URL="", ETENDER_PLATFORM_CODE=SUPERVISION_CODE):
        assert outbox.deliver() == 0  # no hub configured: nothing sent, nothing lost
    with override_settings(ETENDER_HUB_URL=hub.url, ETENDER_PLATFORM_CODE=SUPERVISION_CODE):
        assert outbox.deliver() == 1
        assert outbox.deliver() == 0
    assert HubOutbox.objects.get().delivered_at is not None

    status, body = http(hub.url + "/api/portal/search?" + urllib.parse.urlencode({"q": "重新招标", "type": "complaint"}))
    assert status == 200, body
    items = json.loads(body)["items"]
    assert [i["dataset"] for i in items] == ["404"] and items[0]["tender_project_code"] == TENDER
    assert items[0]["exchanged_by"]["code"] == SUPERVISION_CODE
    status, body = http(hub.url + f"/api/portal/records/{items[0]['id']}")
    record = json.loads(body)
    text = json.dumps(record, ensure_ascii=False)
    assert "责令招标人修改招标文件" in text and "浙江省住房和城乡建设厅" in text
    for secret in ("13800138002", "legal@yuhang.example", "杭州余航市政工程有限公司", "COMPLAINT_PHONE", "COMPLAINT_MAIL", "SIGNATURE"):
        assert secret not in text, secret
    assert record["fields"]
    assert any(r["dataset"] == "501" for r in record["related"])  # shown with the tender's records
    status, page = http(hub.url + record["url"])
    html = page.decode()
    assert status == 200 and "投诉处理决定" in html and "13800138002" not in html and "legal@yuhang.example" not in html
    # the tender's own record lists the decision among its related records
    tender_items = json.loads(http(hub.url + "/api/portal/search?" + urllib.parse.urlencode({"q": TENDER, "type": "tender"}))[1])["items"]
    tender_record = json.loads(http(hub.url + f"/api/portal/records/{tender_items[0]['id']}")[1])
    assert any(r["dataset"] == "404" for r in tender_record["related"])
