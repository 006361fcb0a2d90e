"""The outbox to the hub over real HTTP: in order, exactly once, through hub downtime."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from etender.kernel.livetest import LiveService
from etender.kernel.signing import platform_signer
from etender.trading.outbox import services
from etender.trading.outbox.models import OutboxEntry

pytestmark = pytest.mark.django_db(transaction=True)


class Hub(LiveService):
    """The real hub service in its own process and its own PostgreSQL database."""

    def __init__(self, tmp_path):
        super().__init__("hub", tmp_path, name="hub-test")


@pytest.fixture
def hub(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for the hub's own database")
    h = Hub(tmp_path)
    h.start()
    status, body = h.post("/api/exchange/v1/platforms", {"code": settings.ETENDER_PLATFORM_CODE, "name": "之江电子招标投标交易平台", "kind": "trading", "public_key": platform_signer().public_info()["public_key"]})
    assert status == 201, body
    h.manage("platform_status", settings.ETENDER_PLATFORM_CODE, "active")
    settings.ETENDER_HUB_URL = h.url
    yield h
    h.close()


def feed(hub, after=0):
    items, cursor = [], after
    while True:
        page = hub.get(f"/api/exchange/v1/feed?after={cursor}&limit=500")
        if not page["items"]:
            return items
        items += page["items"]
        cursor = page["next"]


def queue_tender(n: int) -> None:
    """Queue the records of one tender (the exchange standard's examples, renumbered), in one transaction."""
    from django.db import transaction

    from etender.kernel.exchange.examples import EXAMPLES

    project = f"E3301062026{n:06d}"
    tender = project + "001"
    lot = tender + "001"
    with transaction.atomic():
        services.outbox_add(dataset="500", record={**EXAMPLES["500"], "PROJECT_CODE": project, "PROJECT_NAME": f"项目{n}"})
        services.outbox_add(dataset="501", record={**EXAMPLES["501"], "PROJECT_CODE": project, "TENDER_PROJECT_CODE": tender, "TENDER_PROJECT_NAME": f"招标项目{n}"})
        services.outbox_add(dataset="502", record={**EXAMPLES["502"], "TENDER_PROJECT_CODE": tender, "BID_SECTION_CODE": lot})


def test_batches_reach_the_hub_feed_in_order_exactly_once(hub, frozen_clock):
    queue_tender(1)
    queue_tender(2)
    assert services.deliver() == 6
    items = feed(hub)
    assert [i["dataset"] for i in items] == ["500", "501", "502"] * 2
    assert [i["seq"] for i in items] == list(range(items[0]["seq"], items[0]["seq"] + 6))
    # A retried batch is answered without storing anything twice; a forged one is refused.
    first = OutboxEntry.objects.order_by("id").first()
    body = services.batch_body(first.batch, list(OutboxEntry.objects.filter(batch=first.batch).order_by("id")))
    status, answer = hub.post("/api/exchange/v1/batches", body)
    assert status == 200 and answer["duplicate"] is True
    forged = {**body, "records": body["records"][:1]}
    status, answer = hub.post("/api/exchange/v1/batches", forged)
    assert status == 403 and answer["code"] == "E013"
    assert len(feed(hub)) == 6


def test_hub_downtime_loses_and_duplicates_nothing(hub, frozen_clock):
    queue_tender(1)
    assert services.deliver() == 3
    hub.kill()
    for n in range(2, 60):
        queue_tender(n)
    assert services.deliver() == 0  # the hub is down: nothing lost, the error is kept
    state = services.backlog()
    assert state["undelivered"] == 58 * 3 and state["last_error"]
    assert services.deliver() == 0  # backing off
    hub.start()
    frozen_clock.advance(seconds=600)
    assert services.deliver() == 58 * 3
    items = feed(hub)
    assert len(items) == 59 * 3
    assert len({(i["dataset"], i["key"], i["version"]) for i in items}) == 59 * 3  # exactly once
    assert services.backlog()["undelivered"] == 0


def test_a_record_the_hub_refuses_is_set_aside_and_the_rest_goes_on(hub, frozen_clock):
    """No poison pill: a record the hub will never take (here a lot whose tender project it has never seen) is kept
    with the hub's reason for the operator; the records around it are delivered in order."""
    from django.db import transaction

    from etender.kernel.exchange.examples import EXAMPLES

    queue_tender(1)
    with transaction.atomic():
        services.outbox_add(dataset="502", record={**EXAMPLES["502"], "TENDER_PROJECT_CODE": "E3301062026999999001", "BID_SECTION_CODE": "E3301062026999999001001"})
    queue_tender(2)
    assert services.deliver() == 6
    assert [i["dataset"] for i in feed(hub)] == ["500", "501", "502"] * 2
    refused = OutboxEntry.objects.get(rejected_at__isnull=False)
    assert refused.key == "E3301062026999999001001" and "X008" in refused.rejection
    assert services.backlog()["undelivered"] == 0 and services.backlog()["refused"] == 1
    assert services.deliver_if_pending() == 0


# --------------------------------------------------------------------------- the business changes feed the outbox


@pytest.fixture
def lifecycle(frozen_clock):
    """A real tender taken through publication, a deadline-moving clarification and the opening of lot 1."""
    import base64

    from etender.trading import chronograph, testing
    from etender.trading.bids import services as bid_services
    from etender.trading.tenders import services as tender_services

    tenderer = testing.make_party("杭州市西湖区城市建设发展中心", ["tenderer"], code="12330106MB0A12345Y")
    bidders = [testing.make_party(n, ["bidder"], with_key=True) for n in ("浙江之江建设集团有限公司", "杭州钱塘市政工程有限公司", "浙江西子路桥建设有限公司")]
    tender = testing.published_tender(tenderer)
    frozen_clock.set(tender.bid_deadline - __import__("datetime").timedelta(days=3))
    tender_services.clarification_publish(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender, title="第1号澄清与修改", content="工程量清单第3.2项雨水管道管径由DN800更正为DN1000。")
    tender.refresh_from_db()
    lot = tender.lots.get(number=1)
    deks = {}
    for i, party in enumerate(bidders):
        data, dek = testing.seal_bid(party, lot, price=f"{11000000 - i * 100000}.00")
        bid_services.bid_submit(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))
        deks[party.entity.pk] = dek
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    for party in bidders:
        bid_services.bid_decrypt(actor=party.actor, entity=party.entity, bid=party.entity.bids.get(lot=lot), dek=base64.b64encode(deks[party.entity.pk]).decode())
    return tender


def test_publication_clarification_and_opening_are_queued_as_valid_national_records(lifecycle):
    from etender.kernel.exchange import validate_record

    tender = lifecycle
    entries = list(OutboxEntry.objects.order_by("id"))
    assert [e.dataset for e in entries] == ["500", "501", "502", "502", "503", "504", "506"]
    for e in entries:
        assert validate_record(e.dataset, e.record) == [], (e.dataset, e.record)
    by = {e.dataset: e.record for e in entries}
    assert by["501"]["TENDER_PROJECT_CODE"] == tender.code and by["501"]["TENDERER_PROPERTY"] == "1"  # 12…: 事业单位
    assert by["503"]["NOTICE_NAME"] == tender.announcement.title
    assert by["503"]["BID_SECTION_CODES"].split(";") == [lot.code for lot in tender.lots.order_by("number")]
    assert by["504"]["IS_POSTPONE"] == "1" and by["504"]["CLARIFY_CONTENT"].startswith("工程量清单")
    assert "浙江之江建设集团有限公司" in by["506"]["BID_OPENING_CONTENT"] and "11000000" in by["506"]["BID_OPENING_CONTENT"]


def test_a_publication_the_hub_would_refuse_is_refused_with_every_missing_field(frozen_clock):
    from etender.kernel.errors import RuleViolation
    from etender.trading import testing
    from etender.trading.tenders import services as tender_services
    from etender.trading.tenders.models import TenderStatus

    tenderer = testing.make_party("杭州市西湖区城市建设发展中心", ["tenderer"])
    tender = testing.published_tender(tenderer, publish=False)
    type(tenderer.entity).objects.filter(pk=tenderer.entity.pk).update(email="", address="")  # registered before the rule
    tender.tenderer.refresh_from_db()
    with pytest.raises(RuleViolation) as exc:
        tender_services.tender_publish(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender)
    assert exc.value.code == "E016"
    assert {e["field"] for e in exc.value.params["errors"]} == {"TENDERER_ADDRESS", "TENDERER_EMAIL"}
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT and not OutboxEntry.objects.exists()


def test_the_lifecycle_reaches_the_hub_feed(hub, lifecycle):
    """The platform's own records, delivered over HTTP, validated by the hub and served on its feed."""
    assert services.deliver() == 7
    items = feed(hub)
    assert [i["dataset"] for i in items] == ["500", "501", "502", "502", "503", "504", "506"]
    public_506 = items[-1]["record"]
    assert "BID_OPENING_CONTENT" in public_506 and "OPEN_COMPERE" not in public_506  # restricted stays home
    assert services.backlog()["undelivered"] == 0


@pytest.mark.slow
def test_kill_9_for_60_s_in_the_middle_of_10000_events(hub):
    """The acceptance run: events keep coming while the hub is SIGKILLed for 60 s; every record arrives exactly once, in order."""
    import threading

    from django.db import connections

    total_tenders = 3334  # × 3 records = 10,002 events
    produced = threading.Event()
    errors: list[BaseException] = []

    def produce():
        try:
            for n in range(1, total_tenders + 1):
                queue_tender(n)
                if n % 50 == 0:
                    time.sleep(0.05)  # a steady stream, not one burst
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            produced.set()
            connections.close_all()

    def delivered_count() -> int:
        return OutboxEntry.objects.filter(delivered_at__isnull=False).count()

    producer = threading.Thread(target=produce)
    producer.start()
    killed_at = None
    restarted = False
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        services.deliver_if_pending()
        if killed_at is None and delivered_count() >= 3000:
            hub.kill()  # kill -9 of the hub, mid-stream
            killed_at = time.monotonic()
        if killed_at is not None and not restarted and time.monotonic() - killed_at >= 60:
            hub.start()
            restarted = True  # delivery resumes by itself at the next back-off step (≤ 30 s)
        if produced.is_set() and restarted and not OutboxEntry.objects.filter(delivered_at__isnull=True).exists():
            break
        time.sleep(0.02)
    producer.join()
    assert not errors, errors
    assert killed_at is not None and restarted
    assert OutboxEntry.objects.count() == total_tenders * 3 == 10002
    assert services.backlog()["undelivered"] == 0
    items = feed(hub)
    assert len(items) == 10002
    assert len({(i["dataset"], i["key"]) for i in items}) == 10002 and {i["version"] for i in items} == {1}  # exactly once
    assert [i["seq"] for i in items] == list(range(items[0]["seq"], items[0]["seq"] + 10002))  # no gaps
    expected = [e.key for e in OutboxEntry.objects.order_by("id")]
    assert [i["key"] for i in items] == expected  # in the order of the business changes
