"""The change feed of a real hub consumed by the supervision worker process: live alerts, witness state, SIGKILL."""

from __future__ import annotations

import random
import threading
import time
from datetime import datetime

import pytest
from django.db import close_old_connections

from etender.kernel.calendar import TZ

from ..models import Alert, FeedCursor, FeedEvent, PlatformWitness
from .feeddata import RESTRICTIVE, codes, tender_records
from .live import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

SHORT = dict(doc_start=datetime(2026, 11, 4, 9, tzinfo=TZ), deadline=datetime(2026, 11, 20, 9, 30, tzinfo=TZ))  # 16 days: E101


def hub_last_seq(hub) -> int:
    items, after = [], 0
    while True:
        page = hub.get(f"/api/exchange/v1/feed?after={after}&limit=1000")
        if not page["items"]:
            return after
        items += page["items"]
        after = page["next"]


def test_events_and_alerts_arrive_live_with_the_witness_state(ecosystem):
    hub, trading, worker = ecosystem
    worker.start()
    trading.send(tender_records(1))
    wait_for(lambda: FeedEvent.objects.count() == 4, what=f"the first tender ({worker.errors()})")
    # an alert appears as soon as the worker has the event: measured, not asserted (docs/supervision.md)
    trading.send(tender_records(2, **SHORT))
    sent = time.monotonic()
    wait_for(lambda: Alert.objects.filter(rule_code="E101").exists(), what="the E101 alert")
    print(f"\nalert visible {time.monotonic() - sent:.3f} s after the hub accepted the batch")
    assert Alert.objects.get(rule_code="E101").tender_code == codes(2)[1]
    # the platform's log checkpoint covering those events gets cosigned: the timeline shows them witnessed
    trading.witness()
    wait_for(lambda: PlatformWitness.objects.filter(platform_code=trading.code, size=trading.witnessed).exists(), what="the witness state")
    from .. import selectors

    events = selectors.events_of(selectors.tender_by_code(codes(2)[1]))
    assert all(v["witnessed"] for v in selectors.witnessed_map(events).values())
    trading.send(tender_records(3))
    wait_for(lambda: FeedEvent.objects.filter(tender_code=codes(3)[1]).count() == 3)
    later = selectors.events_of(selectors.tender_by_code(codes(3)[1]))
    assert not any(v["witnessed"] for v in selectors.witnessed_map(later).values())  # logged after the last cosigned checkpoint
    # a fork of the platform's log reported by the hub's witness becomes one alert
    assert trading.fork() == 409
    wait_for(lambda: Alert.objects.filter(rule_code="E083").exists(), what="the witness alert")
    a = Alert.objects.get(rule_code="E083")
    assert a.platform_code == trading.code and a.severity == "critical" and a.source == "witness"


def test_sigkill_of_the_worker_mid_run_loses_no_event_and_duplicates_no_alert(ecosystem):
    hub, trading, worker = ecosystem
    n_tenders = 40
    expected: dict[str, set[str]] = {}
    errors: list[BaseException] = []

    def write():
        try:
            for n in range(1, n_tenders + 1):
                kind = n % 4
                kw = SHORT if kind == 1 else {}
                notice = RESTRICTIVE if kind == 2 else ""
                trading.send(tender_records(n, notice=notice, **kw))
                expected[codes(n)[1]] = {"E101"} if kind == 1 else ({"E110"} if kind == 2 else set())
                time.sleep(random.uniform(0.0, 0.08))
        except BaseException as exc:  # noqa: BLE001 - fail the test, not the thread
            errors.append(exc)

    worker.start()
    writer = threading.Thread(target=write)
    writer.start()
    kills = 0
    while writer.is_alive():
        time.sleep(random.uniform(0.4, 1.2))
        worker.kill()  # SIGKILL: no clean-up, possibly inside a transaction
        kills += 1
        time.sleep(random.uniform(0.1, 0.6))
        worker.start()
    writer.join()
    assert not errors, errors
    last = hub_last_seq(hub)
    close_old_connections()
    wait_for(lambda: FeedCursor.objects.filter(position=last).exists(), timeout=120, what=f"the worker to catch up to {last}")
    worker.kill()
    assert kills >= 2
    assert list(FeedEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, last + 1))  # every event once, in order
    assert last == 4 * n_tenders
    for tender, rules in expected.items():
        got = list(Alert.objects.filter(tender_code=tender).values_list("rule_code", flat=True))
        want = {"E101": ["E101"], "E110": ["E110", "E110"]}.get(next(iter(rules), ""), [])
        assert sorted(got) == want, (tender, got)
    assert Alert.objects.count() == sum(1 for r in expected.values() if "E101" in r) + 2 * sum(1 for r in expected.values() if "E110" in r)
