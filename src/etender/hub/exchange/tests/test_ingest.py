"""Platform registry, signed batch ingestion and the change feed of the hub."""

from __future__ import annotations

import base64
import threading

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection
from django.test import Client

from etender.kernel.audit.actors import Actor
from etender.kernel.canonical import canonical
from etender.kernel.codes import make_uscc
from etender.kernel.errors import RuleViolation
from etender.hub.exchange import selectors, services
from etender.hub.exchange.models import FeedEntry, Record

ACTOR = Actor.system("test")


class FakePlatform:
    def __init__(self, serial: int):
        self.code = make_uscc(f"91330100MA2{serial:06d}")
        self.key = Ed25519PrivateKey.generate()
        self.public = base64.b64encode(self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
        self.sequence = 0

    def register(self):
        p = services.platform_register(actor=ACTOR, code=self.code, name=f"平台{self.code[-4:]}", kind="trading", url="", public_key=self.public)
        services.platform_set_status(actor=ACTOR, platform=p, status="active")
        return p

    def batch(self, records, sequence=None):
        if sequence is None:
            self.sequence += 1
            sequence = self.sequence
        body = {"platform": self.code, "sequence": sequence, "records": records}
        return {**body, "signature": base64.b64encode(self.key.sign(canonical(body))).decode()}


def project(code: str, name: str = "杭州市西湖区文三路综合改造工程") -> dict:
    """A valid 500 record from the exchange standard's examples, under another code."""
    from etender.kernel.exchange import record_key
    from etender.kernel.exchange.examples import EXAMPLES

    record = {**EXAMPLES["500"], "PROJECT_CODE": code, "PROJECT_NAME": name}
    return {"dataset": "500", "key": record_key("500", record), "op": "upsert", "record": record, "occurred_at": "2026-03-02T09:00:00+08:00"}


def ingest(body):
    return services.batch_ingest(actor=ACTOR, platform_code=body["platform"], sequence=body["sequence"], records=body["records"], signature=body["signature"])


@pytest.fixture
def platform(db):
    p = FakePlatform(1)
    p.register()
    return p


def test_ingest_is_idempotent_and_refuses_forgery(platform):
    body = platform.batch([project("E3301062026000001")])
    assert ingest(body) == {"sequence": 1, "records": 1, "duplicate": False}
    assert ingest(body)["duplicate"] is True
    assert FeedEntry.objects.count() == 1
    tampered = {**body, "records": [project("E3301062026000001", "另一个名称")]}
    with pytest.raises(RuleViolation) as exc:
        ingest(tampered)
    assert exc.value.code == "E013"  # the signature no longer matches
    replay = platform.batch([project("E3301062026000002")], sequence=1)  # signed, but the sequence is taken
    with pytest.raises(RuleViolation) as exc:
        ingest(replay)
    assert exc.value.code == "E014"
    assert FeedEntry.objects.count() == 1 and Record.objects.count() == 1


def test_unknown_or_inactive_platforms_are_refused(db):
    stranger = FakePlatform(9)
    with pytest.raises(RuleViolation) as exc:
        ingest(stranger.batch([project("E3301062026000001")]))
    assert exc.value.code == "E015"


def test_invalid_records_are_refused_with_per_record_codes(platform):
    bad = project("E3301062026000001")
    del bad["record"]["PROJECT_NAME"]
    bad["record"]["REGION_CODE"] = "999999"
    with pytest.raises(RuleViolation) as exc:
        ingest(platform.batch([project("E3301062026000002"), bad]))
    assert exc.value.code == "E016"
    errors = exc.value.params["errors"]
    assert {e["index"] for e in errors} == {1} and {"X001", "X005"} <= {e["code"] for e in errors}
    assert all(e["message_zh"] and e["message_en"] for e in errors)
    assert not Record.objects.exists()


def test_registration_input_is_checked(db):
    with pytest.raises(RuleViolation) as exc:
        services.platform_register(actor=ACTOR, code="123", name="x", kind="trading", url="", public_key="AAAA")
    assert exc.value.code == "E002"
    with pytest.raises(RuleViolation) as exc:
        services.platform_register(actor=ACTOR, code=make_uscc("91330100MA2000077"), name="x", kind="trading", url="", public_key="not-a-key")
    assert exc.value.code == "E012"


def test_feed_over_http_and_public_scope(platform):
    ingest(platform.batch([project("E3301062026000001", "项目一"), project("E3301062026000002", "项目二")]))
    c = Client()
    page = c.get("/api/exchange/v1/feed", {"after": 0, "limit": 1}).json()
    assert [i["key"] for i in page["items"]] == ["E3301062026000001"] and page["next"] == 1
    page = c.get("/api/exchange/v1/feed", {"after": page["next"]}).json()
    assert [i["key"] for i in page["items"]] == ["E3301062026000002"]
    assert c.get("/api/exchange/v1/platforms").json()[0]["code"] == platform.code


@pytest.mark.django_db(transaction=True)
def test_feed_never_skips_under_concurrent_writers():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL concurrency")
    platforms = [FakePlatform(10 + i) for i in range(4)]
    for p in platforms:
        p.register()
    seen: list[int] = []
    done = threading.Event()

    def reader():
        cursor = 0
        while True:
            finished = done.is_set()  # read before the page: writes committed before "done" are then on it
            items, nxt = selectors.feed_page(after=cursor, limit=50, full=True)
            for it in items:
                assert it["seq"] == cursor + 1, f"gap after {cursor}: got {it['seq']}"
                cursor = it["seq"]
                seen.append(cursor)
            if finished and not items:
                break
        connection.close()

    failures: list[BaseException] = []

    def writer(k, p, n):
        try:
            for i in range(n):
                ingest(p.batch([project(f"E3301062026{k}{i + 1:05d}", name=f"并发项目{k}-{i}")]))
        except BaseException as exc:  # reported by the assertion below, not lost in the thread
            failures.append(exc)
        finally:
            connection.close()

    r = threading.Thread(target=reader)
    r.start()
    writers = [threading.Thread(target=writer, args=(k + 1, p, 15)) for k, p in enumerate(platforms)]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    done.set()
    r.join(timeout=60)
    assert not failures, failures
    assert seen == list(range(1, 61))


def test_a_whole_tender_in_one_batch_and_parents_first(platform):
    from etender.kernel.exchange import record_key
    from etender.kernel.exchange.examples import EXAMPLES

    def item(no):
        return {"dataset": no, "key": record_key(no, EXAMPLES[no]), "op": "upsert", "record": EXAMPLES[no], "occurred_at": "2026-03-02T09:00:00+08:00"}

    with pytest.raises(RuleViolation) as exc:  # a lot before its tender project: X008
        ingest(platform.batch([item("502")]))
    assert "X008" in {e["code"] for e in exc.value.params["errors"]}
    result = ingest(platform.batch([item("500"), item("501"), item("502"), item("503")]))
    assert result["records"] == 4
    assert list(FeedEntry.objects.values_list("dataset", flat=True)) == ["500", "501", "502", "503"]


def test_embargoed_data_is_not_in_the_public_feed(platform):
    from etender.kernel.exchange import record_key
    from etender.kernel.exchange.examples import EXAMPLES

    items = [{"dataset": no, "key": record_key(no, EXAMPLES[no]), "op": "upsert", "record": EXAMPLES[no], "occurred_at": "2026-03-02T09:00:00+08:00"} for no in ("500", "501", "502", "508")]
    ingest(platform.batch(items))
    public, _ = selectors.feed_page(after=0, limit=10, full=False)
    expert = next(i for i in public if i["dataset"] == "508")
    assert expert["key"] is None and expert["record"] == {}
    full, _ = selectors.feed_page(after=0, limit=10, full=True)
    assert next(i for i in full if i["dataset"] == "508")["record"]
