"""The outbox to the hub over real HTTP: in order, exactly once, through hub downtime."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import json
from urllib.parse import urlparse

import pytest
from django.db import connection

from etender.kernel.signing import platform_signer
from etender.trading.outbox import services
from etender.trading.outbox.models import OutboxEntry

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    """The real hub service in its own process and its own PostgreSQL database."""

    def __init__(self, tmp_path):
        url = os.environ["ETENDER_DATABASE_URL"]
        self.db = f"hub_{os.getpid()}_{int(time.time() * 1000) % 10**8}"
        with connection.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{self.db}"')
        u = urlparse(url)
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("ETENDER_")}, "ETENDER_DATABASE_URL": u._replace(path="/" + self.db).geturl(), "ETENDER_VAR_DIR": str(tmp_path / "hub"), "ETENDER_INSTANCE": "hub-test"}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.manage("migrate", "--no-input", "-v", "0")
        self.proc = None

    def manage(self, *args):
        r = subprocess.run([sys.executable, "-m", "etender.cli", "manage", "hub", *args], env=self.env, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout

    def start(self):
        self.proc = subprocess.Popen([sys.executable, "-m", "etender.cli", "serve", "hub", "--port", str(self.port), "--no-migrate", "--workers", "1"], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        for _ in range(200):
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("hub did not start")

    def kill(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=30) as r:
            return json.loads(r.read().decode("utf-8"))

    def post(self, path, body):
        req = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.kill()
        with connection.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')


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
