"""Supervision platforms send complaint decisions (404) only, and only for tenders in their jurisdiction."""

from __future__ import annotations

import pytest

from etender.kernel.errors import RuleViolation
from etender.kernel.exchange import record_key
from etender.kernel.exchange.examples import EXAMPLES
from etender.hub.exchange.models import Record

from .test_ingest import FakePlatform, ingest
from .test_scopes_and_upward import register, whole_tender


def item(ds: str, **changes) -> dict:
    rec = {**EXAMPLES[ds], **changes}
    return {"dataset": ds, "key": record_key(ds, rec), "op": "upsert", "record": rec, "occurred_at": "2026-11-25T10:00:00+08:00"}


@pytest.fixture
def fed(db):
    trading = FakePlatform(21)
    register(trading, "trading")
    ingest(trading.batch(whole_tender()))  # tender E3301062025000037001 in 330106
    return trading


def test_supervision_platform_sends_404_in_its_jurisdiction(fed):
    sup = FakePlatform(22)
    register(sup, "supervision", "330000")
    assert ingest(sup.batch([item("404")]))["records"] == 1
    rec = Record.objects.get(dataset="404")
    assert rec.origin_code == sup.code and rec.region_code == "330106"


def test_supervision_platform_outside_its_jurisdiction_or_other_data_sets_is_refused(fed):
    sup = FakePlatform(23)
    register(sup, "supervision", "320000")
    with pytest.raises(RuleViolation) as exc:
        ingest(sup.batch([item("404")]))
    assert exc.value.code == "E006" and exc.value.params["errors"][0]["field"] == "TENDER_PROJECT_CODE"
    local = FakePlatform(24)
    register(local, "supervision", "330100")
    with pytest.raises(RuleViolation) as exc:
        ingest(local.batch([item("503", NOTICE_SEND_TIME="20250402090000")]))
    assert exc.value.code == "E006" and exc.value.params["errors"][0]["field"] == "dataset"
    assert not Record.objects.filter(dataset="404").exists()


def test_trading_platforms_do_not_send_404(fed):
    with pytest.raises(RuleViolation) as exc:
        ingest(fed.batch([item("404")]))
    assert exc.value.code == "E006"
