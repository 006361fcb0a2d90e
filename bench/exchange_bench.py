#!/usr/bin/env python3
"""Hub ingestion rate and change-feed lag (issue 4), each next to a baseline measured in the same run.

    python scripts/with_postgres.py -- python bench/exchange_bench.py            # 20,000 records
    python scripts/with_postgres.py -- python bench/exchange_bench.py --records 5000

A real hub (gunicorn, 2 workers) on its own PostgreSQL database receives signed
batches of 200 records over HTTP from a client that signs them like a trading
platform does.  Figures:

- ingestion: records/s accepted with Ed25519 verification, per-record
  validation against the exchange standard (parents, uniqueness, immutable
  fields) and the gap-free feed; baseline: the same records inserted as JSON
  rows by plain INSERTs over one psycopg connection (no checks), the floor.
- feed lag: a reader long-polls ``/api/exchange/v1/feed?wait=`` while batches
  arrive; lag = when the reader holds the record − when the POST that stored
  it returned; p50/p99.  Baseline: the round trip of ``GET /healthz``.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import psycopg  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from etender.kernel.canonical import canonical  # noqa: E402
from etender.kernel.codes import make_unified_deal_code, make_uscc  # noqa: E402
from etender.kernel.exchange import record_key  # noqa: E402
from etender.kernel.exchange.examples import EXAMPLES  # noqa: E402

BATCH = 200


def post(url: str, body: dict) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode(), headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=120) as r:
        return json.loads(r.read())


def records(n_tenders: int, start: int) -> list[dict]:
    """3 records per tender: project 500, tender project 501, lot 502 (parents first)."""
    out = []
    for n in range(start, start + n_tenders):
        project = f"E3301062026{n:06d}"
        tender = project + "001"
        for ds, rec in (
            ("500", {**EXAMPLES["500"], "PROJECT_CODE": project, "PROJECT_NAME": f"西湖区第{n}号道路综合提升改造工程"}),
            ("501", {**EXAMPLES["501"], "PROJECT_CODE": project, "TENDER_PROJECT_CODE": tender, "TENDER_PROJECT_NAME": f"西湖区第{n}号道路综合提升改造工程施工", "UNIFIED_DEAL_CODE": ""}),
            ("502", {**EXAMPLES["502"], "TENDER_PROJECT_CODE": tender, "BID_SECTION_CODE": tender + "001", "UNIFIED_DEAL_CODE": make_unified_deal_code("91330106MA2H3K7Q1F", date(2026, 3, 10), n)}),
        ):
            rec = {k: v for k, v in rec.items() if v != ""}
            out.append({"dataset": ds, "key": record_key(ds, rec), "op": "upsert", "record": rec, "occurred_at": "2026-03-10T09:00:00+08:00"})
    return out


class Platform:
    def __init__(self):
        self.code = make_uscc("91330100MA2BENCH0")
        self.key = Ed25519PrivateKey.generate()
        self.public = base64.b64encode(self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
        self.sequence = 0

    def batch(self, recs: list[dict]) -> dict:
        self.sequence += 1
        body = {"platform": self.code, "sequence": self.sequence, "records": recs}
        return {**body, "signature": base64.b64encode(self.key.sign(canonical(body))).decode()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=20_000)
    args = ap.parse_args()
    base_url = os.environ.get("ETENDER_TEST_DATABASE_URL")
    if not base_url:
        sys.exit("run under scripts/with_postgres.py (needs ETENDER_TEST_DATABASE_URL)")
    db = f"bench_hub_{os.getpid()}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    u = urlparse(base_url)
    db_url = u._replace(path="/" + db).geturl()
    var = tempfile.mkdtemp(prefix="bench-hub-")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ETENDER_")}, "ETENDER_DATABASE_URL": db_url, "ETENDER_VAR_DIR": var, "ETENDER_INSTANCE": "bench-hub"}
    cli = [sys.executable, "-m", "etender.cli"]
    subprocess.run([*cli, "manage", "hub", "migrate", "--no-input", "-v", "0"], env=env, check=True)
    platform = Platform()
    subprocess.run([*cli, "manage", "hub", "register_platform", platform.code, "基准测试交易平台", platform.public, "--activate"], env=env, check=True, stdout=subprocess.DEVNULL)
    port = 18000 + os.getpid() % 1000
    server = subprocess.Popen([*cli, "serve", "hub", "--port", str(port), "--no-migrate", "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=open(Path(var) / "server.log", "w"))
    print(f"hub log: {Path(var) / 'server.log'}", file=sys.stderr)
    hub = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                get(hub + "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        n_tenders = max(1, args.records // 3)
        recs = records(n_tenders, 1)
        batches = [platform.batch(recs[i : i + BATCH]) for i in range(0, len(recs), BATCH)]

        # Ingestion.
        t0 = time.perf_counter()
        for b in batches:
            status, answer = post(hub + "/api/exchange/v1/batches", b)
            assert status == 200, str(answer)[:2000]
        ingest = len(recs) / (time.perf_counter() - t0)

        # Baseline: the same rows by plain INSERTs, no verification or validation.
        with psycopg.connect(db_url) as conn:
            conn.execute("CREATE TEMP TABLE floor (dataset text, key text, data jsonb)")
            t0 = time.perf_counter()
            with conn.cursor() as cur:
                for i in range(0, len(recs), BATCH):
                    cur.executemany("INSERT INTO floor VALUES (%s, %s, %s)", [(r["dataset"], r["key"] + "x", json.dumps(r["record"], ensure_ascii=False)) for r in recs[i : i + BATCH]])
                    conn.commit()
            floor = len(recs) / (time.perf_counter() - t0)

        # Feed lag: a long-polling reader while a writer posts small batches.
        cursor = len(recs)  # the feed holds exactly the ingested records, seq 1..n
        posted: dict[str, float] = {}
        seen: dict[str, float] = {}
        done = threading.Event()
        extra = records(200, n_tenders + 1)
        wanted = {r["key"] for r in extra}

        def reader():
            nonlocal cursor
            while not wanted <= seen.keys():
                page = get(hub + f"/api/exchange/v1/feed?after={cursor}&limit=500&wait=5")
                at = time.perf_counter()
                for item in page["items"]:
                    seen.setdefault(item["key"], at)
                cursor = page["next"]
            done.set()

        thread = threading.Thread(target=reader, daemon=True)
        thread.start()
        for i in range(0, len(extra), 3):
            chunk = extra[i : i + 3]
            status, answer = post(hub + "/api/exchange/v1/batches", platform.batch(chunk))
            now = time.perf_counter()
            assert status == 200, str(answer)[:2000]
            for r in chunk:
                posted[r["key"]] = now
            time.sleep(0.01)
        done.wait(timeout=60)
        lags = [max(0.0, seen[k] - posted[k]) for k in posted]
        rtts = []
        for _ in range(200):
            t = time.perf_counter()
            get(hub + "/healthz")
            rtts.append(time.perf_counter() - t)

        def pct(xs, p):
            xs = sorted(xs)
            return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] * 1000

        print(f"hub ingestion over HTTP, {len(recs)} records in batches of {BATCH} (2 cores, PostgreSQL)")
        print(f"  etender (Ed25519 verify + validation + gap-free feed): {ingest:10.0f} records/s")
        print(f"  baseline (plain INSERTs, no checks, same rows):       {floor:10.0f} records/s")
        print(f"change-feed lag, {len(lags)} records, reader long-polling")
        print(f"  etender feed lag:        p50 {pct(lags, 50):6.1f} ms   p99 {pct(lags, 99):6.1f} ms   max {max(lags) * 1000:6.1f} ms")
        print(f"  baseline GET /healthz:   p50 {pct(rtts, 50):6.1f} ms   p99 {pct(rtts, 99):6.1f} ms")
        print(f"  mean lag {statistics.mean(lags) * 1000:.1f} ms")
    finally:
        server.terminate()
        server.wait(timeout=20)
        with psycopg.connect(base_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
