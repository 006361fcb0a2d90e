#!/usr/bin/env python3
"""Monitoring alert latency (issue 6: "an alert appears within 1 s of the event reaching the hub"), next to the
hub's own change-feed lag for the same records, measured in the same run.

    python scripts/with_postgres.py -- python bench/alert_bench.py                 # 200 tenders
    python scripts/with_postgres.py -- python bench/alert_bench.py --tenders 50 --gap 0.1

Real processes, each on its own PostgreSQL database: the hub (gunicorn, 2 workers), the supervision platform's web
server (gunicorn, 1 worker) and its worker (`etender worker supervision`), registered at the hub as kind
``supervision`` for region 330000 with the instance's own signing key, as docs/supervision.md §1.2 says.  A client
that signs like a trading platform posts one batch per tender (500, 501, 502, 503 — the records of
monitor/tests/feeddata.py), every tender with a bid period of 16 days, so the worker raises E101 for its 503.

- alert latency: when the alert row is visible (committed) in the supervision database − when the hub's answer to
  the POST of the batch was received.  The alerts are read by polling the supervision database directly every
  ``--poll`` seconds (one indexed SELECT over psycopg): cheaper than signing in and paging
  ``/api/monitor/v1/alerts``, and what the API and pages show is exactly these committed rows.
- baseline: the hub's feed lag for the same 503 records — a reader long-polls ``GET /api/exchange/v1/feed?wait=``
  while the batches arrive; lag = when the reader holds the record − when the POST returned.  The difference is
  what the supervision platform adds (its poll interval, page apply, rules, commit).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import psycopg  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from etender.kernel.calendar import TZ  # noqa: E402
from etender.kernel.canonical import canonical  # noqa: E402
from etender.kernel.codes import make_uscc  # noqa: E402
from etender.kernel.livetest import free_port  # noqa: E402
from etender.kernel.signing import Signer  # noqa: E402
from etender.supervision.monitor.tests.feeddata import codes, tender_records  # noqa: E402

SUPERVISION_CODE = make_uscc("11330000MB1BENCH0")
CLI = [sys.executable, "-m", "etender.cli"]


def http(url: str, body: dict | None = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {}, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


class Platform:
    """A trading platform: its own Ed25519 key, signed batches with a rising sequence (hub-exchange.md §2)."""

    def __init__(self):
        self.code = make_uscc("91330100MA2ALERT0")
        self.key = Ed25519PrivateKey.generate()
        self.public = base64.b64encode(self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
        self.sequence = 0

    def batch(self, recs: list[dict]) -> dict:
        self.sequence += 1
        body = {"platform": self.code, "sequence": self.sequence, "records": recs}
        return {**body, "signature": base64.b64encode(self.key.sign(canonical(body))).decode()}


class Instance:
    """One service instance: its own database and var directory; web server and worker as child processes."""

    def __init__(self, service: str, name: str, base_url: str, var: Path, env: dict[str, str] | None = None):
        self.service, self.name = service, name
        self.db = f"bench_{name.replace('-', '_')}_{os.getpid()}"
        with psycopg.connect(base_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db}"')
        self.db_url = urlparse(base_url)._replace(path="/" + self.db).geturl()
        self.var = var / name
        self.var.mkdir(parents=True)
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("ETENDER_")}, "ETENDER_DATABASE_URL": self.db_url,
                    "ETENDER_VAR_DIR": str(self.var), "ETENDER_INSTANCE": name, **(env or {})}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.procs: list[subprocess.Popen] = []

    def manage(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([*CLI, "manage", self.service, *args], env=self.env, stdout=subprocess.DEVNULL, stderr=open(self.var / "manage.log", "a"))

    def serve(self, workers: int) -> None:
        self.procs.append(subprocess.Popen([*CLI, "serve", self.service, "--port", str(self.port), "--no-migrate", "--workers", str(workers)],
                                           env=self.env, stdout=subprocess.DEVNULL, stderr=open(self.var / "server.log", "w")))
        for _ in range(600):
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start (log: {self.var / 'server.log'})")

    def worker(self) -> None:
        self.procs.append(subprocess.Popen([*CLI, "worker", self.service], env=self.env, stdout=subprocess.DEVNULL, stderr=open(self.var / "worker.log", "w")))

    def stop(self) -> None:
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def waited(procs: list[subprocess.Popen], what: str) -> None:
    for p in procs:
        if p.wait(timeout=600) != 0:
            sys.exit(f"{what} failed: {p.args}")


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tenders", type=int, default=200, help="tenders sent, one batch of 4 records each, each raising one E101 alert")
    ap.add_argument("--gap", type=float, default=0.05, help="seconds between two batches (0.05: about 20 tenders/s, 80 records/s)")
    ap.add_argument("--poll", type=float, default=0.005, help="seconds between two reads of the supervision database")
    args = ap.parse_args()
    base_url = os.environ.get("ETENDER_TEST_DATABASE_URL")
    if not base_url:
        sys.exit("run under scripts/with_postgres.py (needs ETENDER_TEST_DATABASE_URL)")
    var = Path(tempfile.mkdtemp(prefix="bench-alert-"))
    print(f"logs: {var}", file=sys.stderr)
    hub = Instance("hub", "bench-hub", base_url, var)
    sup = Instance("supervision", "bench-supervision", base_url, var)
    sup.env.update({"ETENDER_HUB_URL": hub.url, "ETENDER_PLATFORM_CODE": SUPERVISION_CODE})
    try:
        waited([hub.manage("migrate", "--no-input", "-v", "0"), sup.manage("migrate", "--no-input", "-v", "0")], "migrate")
        platform = Platform()
        # the supervision instance's signing key (kernel.signing.platform_signer: <var>/<instance>.signing-key)
        sup_key = Signer.load_or_create(sup.var / f"{sup.name}.signing-key").public_info()["public_key"]
        waited([hub.manage("register_platform", platform.code, "基准测试交易平台", platform.public, "--activate"),
                hub.manage("register_platform", SUPERVISION_CODE, "浙江省招标投标行政监督平台（基准）", sup_key, "--kind", "supervision", "--region", "330000", "--activate")], "register_platform")
        hub.serve(workers=2)
        sup.serve(workers=1)
        sup.worker()

        # Warm-up: one tender through the whole chain (processes loaded, connections open, cursor row exists).
        start = datetime.now(TZ).replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=7)
        start = start.replace(day=min(start.day, 20))  # feeddata adds 5 to the day of the month
        short = dict(doc_start=start, deadline=start + timedelta(days=16, minutes=30))  # 16 < 20 days: E101
        status, answer = http(hub.url + "/api/exchange/v1/batches", platform.batch(tender_records(1, **short)))
        assert status == 200, answer
        db = psycopg.connect(sup.db_url, autocommit=True)
        deadline = time.monotonic() + 120
        while not db.execute("SELECT 1 FROM monitor_alert WHERE rule_code = 'E101'").fetchone():
            if time.monotonic() > deadline:
                sys.exit(f"no alert after the warm-up; see {sup.var / 'worker.log'}")
            time.sleep(0.05)
        last_id = db.execute("SELECT max(id) FROM monitor_alert").fetchone()[0]
        _, page = http(hub.url + "/api/exchange/v1/feed?after=0&limit=1000")
        cursor = page["next"]

        n = args.tenders
        tenders = list(range(2, n + 2))
        wanted = {codes(t)[1] for t in tenders}
        posted: dict[str, float] = {}
        in_feed: dict[str, float] = {}
        alerted: dict[str, float] = {}
        other_alerts: list[str] = []
        done = threading.Event()

        def feed_reader():
            nonlocal cursor
            while not done.is_set() and not wanted <= in_feed.keys():
                _, page = http(hub.url + f"/api/exchange/v1/feed?after={cursor}&limit=1000&wait=5")
                at = time.perf_counter()
                for item in page["items"]:
                    if item["dataset"] == "503":
                        in_feed.setdefault(item["key"], at)
                cursor = page["next"]

        def alert_reader():
            nonlocal last_id
            with psycopg.connect(sup.db_url, autocommit=True) as conn:
                while not done.is_set() and not wanted <= alerted.keys():
                    rows = conn.execute("SELECT id, tender_code, rule_code FROM monitor_alert WHERE id > %s ORDER BY id", (last_id,)).fetchall()
                    at = time.perf_counter()
                    for id_, tender, rule in rows:
                        last_id = id_
                        if rule == "E101":
                            alerted.setdefault(tender, at)
                        else:
                            other_alerts.append(rule)
                    time.sleep(args.poll)

        readers = [threading.Thread(target=feed_reader, daemon=True), threading.Thread(target=alert_reader, daemon=True)]
        for t in readers:
            t.start()
        keys: dict[str, str] = {}  # tender code -> key of its 503
        t_send = time.perf_counter()
        for t in tenders:
            recs = tender_records(t, **short)
            status, answer = http(hub.url + "/api/exchange/v1/batches", platform.batch(recs))
            at = time.perf_counter()
            assert status == 200, str(answer)[:2000]
            posted[codes(t)[1]] = at
            keys[codes(t)[1]] = recs[-1]["key"]
            time.sleep(args.gap)
        sent_for = time.perf_counter() - t_send
        wait_until = time.monotonic() + 120
        while not (wanted <= alerted.keys() and set(keys.values()) <= in_feed.keys()) and time.monotonic() < wait_until:
            time.sleep(0.05)
        done.set()
        missing_alerts = wanted - alerted.keys()
        missing_feed = set(keys.values()) - in_feed.keys()
        if missing_alerts or missing_feed:
            sys.exit(f"not seen after 120 s: {len(missing_alerts)} alerts, {len(missing_feed)} feed entries; see {var}")
        alert_lag = [max(0.0, alerted[c] - posted[c]) for c in wanted]
        feed_lag = [max(0.0, in_feed[keys[c]] - posted[c]) for c in wanted]
        overhead = [a - f for a, f in zip((alerted[c] - posted[c] for c in wanted), (in_feed[keys[c]] - posted[c] for c in wanted))]
        within = sum(1 for x in alert_lag if x <= 1.0)

        def row(label: str, xs: list[float]) -> str:
            return f"  {label:<44} p50 {pct(xs, 50):7.1f} ms   p95 {pct(xs, 95):7.1f} ms   p99 {pct(xs, 99):7.1f} ms   max {max(xs) * 1000:7.1f} ms"

        print(f"alert latency, {n} tenders × 4 records (one batch each, {len(tenders) * 4 / sent_for:.0f} records/s over {sent_for:.1f} s), "
              f"each raising E101 (2 cores, PostgreSQL; other processes may be running: load average {os.getloadavg()[0]:.1f})")
        print(row("supervision alert visible (DB poll):", alert_lag))
        print(row("baseline: hub feed lag of the same 503s:", feed_lag))
        print(row("supervision overhead (alert − feed):", overhead))
        print(f"  alerts within 1 s of the hub accepting the batch: {within}/{n}; other alerts raised meanwhile: {len(other_alerts)} {sorted(set(other_alerts))}")
        # Where the tail comes from: the worker's periodic pass (every 1 s) runs the time rules over every tender not
        # yet contracted, and the fast loop that polls the feed waits meanwhile.
        probe = "import time; from etender.supervision.monitor import services as s; s.evaluate_time_rules(); t = time.perf_counter(); s.evaluate_time_rules(); print(time.perf_counter() - t)"
        out = subprocess.run([*CLI, "manage", "supervision", "shell", "-c", probe], env=sup.env, capture_output=True, text=True, timeout=300)
        if out.returncode == 0:
            print(f"  one pass of the time rules over the {n + 1} tenders (second call; the worker runs it every TIME_RULES_EVERY = 5 s and its feed polling waits meanwhile): {float(out.stdout.split()[-1]) * 1000:.0f} ms")
        db.close()
    finally:
        sup.stop()
        hub.stop()
        with psycopg.connect(base_url, autocommit=True) as conn:
            for inst in (hub, sup):
                conn.execute(f'DROP DATABASE IF EXISTS "{inst.db}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
