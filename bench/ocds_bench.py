#!/usr/bin/env python3
"""OCDS export rate of the hub's open data (issue 4, item 10), next to ocdskit measured in the same run.

    python bench/ocds_bench.py                              # 10,000 tender processes, throw-away SQLite file
    python bench/ocds_bench.py --processes 2000
    python scripts/with_postgres.py -- python bench/ocds_bench.py --postgres

N synthetic tender processes (``etender.hub.opendata.testing.process``: the exchange standard's
example tender under new codes, 1–2 bid sections, 3–5 bidders, every data set 500–523) are
written into a fresh hub database in the shape the ingestion service gives them (current
records and the gap-free feed, one batch per process; a sample is checked with the strict
validator), and the open data's derived index is brought up to date.  Figures:

- JSON Lines export: releases/s of ``GET /api/ocds/releases.jsonl`` (Django test client, the
  whole stream), and the peak Python memory of a second pass (tracemalloc) next to the size of
  the output: the export reads the feed in chunks and stays flat.
- compiled records: releases/s and records/s of our merge (``opendata.merge.compile_release``)
  over the releases of that JSONL, next to ocdskit's compile (``ocdskit.combine.merge``, Python
  API, OCDS 1.1.5 schema patched with the bids and lots extensions) on the same parsed releases;
  the compiled releases of both are compared.  Then ``ocdskit compile`` (CLI) on the JSONL file,
  and ``GET /api/ocds/record-package`` for a sample of processes (records/s, DB to HTTP body).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
import zipfile
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PREFIX = "ocds-b3nch0"


def setup_django(database_url: str, var_dir: str) -> None:
    os.environ["ETENDER_VAR_DIR"] = var_dir
    os.environ["ETENDER_DATABASE_URL"] = database_url
    os.environ["ETENDER_OCID_PREFIX"] = PREFIX
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etender.hub.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def generate(n: int) -> tuple[int, int]:
    """Records and feed entries of n processes, bulk-inserted; returns (records, feed entries)."""
    from django.db import transaction

    from etender.hub.exchange.models import FeedEntry, Platform, Record
    from etender.hub.opendata.testing import ORDER, SignedPlatform, process
    from etender.kernel.exchange import validate_record

    sender = SignedPlatform(1)
    platform = Platform.objects.create(code=sender.code, name="基准测试交易平台", kind="trading", public_key=sender.public, status="active", registered_at=datetime.now(UTC))
    start = datetime(2025, 3, 1, tzinfo=UTC)
    seq = 0
    records = entries = 0
    for base in range(1, n + 1, 500):
        batch_records: list[Record] = []
        stamps: list[datetime] = []
        for serial in range(base, min(base + 500, n + 1)):
            tender = process(serial, platform=sender.code, lots=1 + (serial % 3 == 0), bidders=3 + serial % 3)
            if serial <= 3:  # realistic: the sample passes the exchange standard's strict validator
                for no in ORDER:
                    for env in tender[no]:
                        assert validate_record(no, env["record"]) == [], (no, validate_record(no, env["record"]))
            at = start + timedelta(minutes=serial)
            for no in ORDER:
                for env in tender[no]:
                    batch_records.append(Record(platform=platform, dataset=no, key=env["key"], data=env["record"], exchanged_at=at))
                    stamps.append(at)
        with transaction.atomic():
            created = Record.objects.bulk_create(batch_records, batch_size=1000)
            feed = []
            for rec in created:
                seq += 1
                feed.append(FeedEntry(seq=seq, record=rec, platform=platform, dataset=rec.dataset, key=rec.key, op="upsert", version=1, data=rec.data, exchanged_at=rec.exchanged_at))
            FeedEntry.objects.bulk_create(feed, batch_size=1000)
        records += len(created)
        entries += len(feed)
    return records, entries


def patched_schema(data: Path) -> dict:
    import json_merge_patch

    with zipfile.ZipFile(data / "ocds-standard-1__1__5-schema.zip") as z:
        schema = json.loads(z.read("standard-1__1__5/schema/release-schema.json"))
    for ext in ("ocds_bid_extension-v1.1.5", "ocds_lots_extension-v1.1.5"):
        json_merge_patch.merge(schema, json.loads((data / ext / "release-schema.json").read_text(encoding="utf-8")))
    return schema


def export_jsonl(path: Path) -> tuple[int, float, int]:
    from django.test import Client

    client = Client()
    t0 = time.perf_counter()
    response = client.get("/api/ocds/releases.jsonl")
    assert response.status_code == 200
    lines = 0
    with open(path, "wb") as f:
        for chunk in response.streaming_content:
            f.write(chunk)
            lines += 1
    return lines, time.perf_counter() - t0, path.stat().st_size


def export_peak_memory() -> int:
    from django.test import Client

    tracemalloc.start()
    for _ in Client().get("/api/ocds/releases.jsonl").streaming_content:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--processes", type=int, default=10_000)
    ap.add_argument("--postgres", action="store_true", help="use $ETENDER_TEST_DATABASE_URL (scripts/with_postgres.py) instead of a SQLite file")
    ap.add_argument("--ocds-data", type=Path, default=ROOT.parent / "shared" / "data" / "ocds", help="directory with the 1.1.5 standard zip and the two extensions")
    ap.add_argument("--sample", type=int, default=300, help="record packages fetched over HTTP")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="ocds-bench-"))
    if args.postgres:
        url = os.environ.get("ETENDER_TEST_DATABASE_URL")
        if not url:
            ap.error("--postgres needs ETENDER_TEST_DATABASE_URL (run under scripts/with_postgres.py)")
        where = "PostgreSQL"
    else:
        url = f"sqlite:///{tmp / 'hub.sqlite3'}"
        where = f"SQLite ({tmp / 'hub.sqlite3'})"
    setup_django(url, str(tmp))

    t0 = time.perf_counter()
    n_records, n_entries = generate(args.processes)
    print(f"{args.processes:,} tender processes: {n_records:,} exchange records written to {where} in {time.perf_counter() - t0:.1f} s")
    from etender.hub.opendata.services import process_index_update

    t0 = time.perf_counter()
    process_index_update()
    print(f"derived index of the open data (opendata.Member, kept up to date by every request; here built at once): {time.perf_counter() - t0:.1f} s")

    jsonl = tmp / "releases.jsonl"
    n_releases, secs, size = export_jsonl(jsonl)
    print(f"\nJSONL export   GET /api/ocds/releases.jsonl: {n_releases:,} releases, {size / 1e6:.1f} MB in {secs:.1f} s = {n_releases / secs:,.0f} releases/s")
    peak = export_peak_memory()
    print(f"               peak Python memory of a second export (tracemalloc): {peak / 1e6:.1f} MB for {size / 1e6:.1f} MB of output")

    from ocdskit.combine import merge as ocdskit_merge

    from etender.hub.opendata.merge import compile_release

    with open(jsonl, encoding="utf-8") as f:
        releases = [json.loads(line) for line in f]
    schema = patched_schema(args.ocds_data)

    t0 = time.perf_counter()
    by_ocid: dict[str, list[dict]] = defaultdict(list)
    for r in releases:
        by_ocid[r["ocid"]].append(r)
    ours = {ocid: compile_release(rs) for ocid, rs in by_ocid.items()}
    ours_secs = time.perf_counter() - t0

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Individual releases carry no version; ocdskit guesses 1.0 for those without parties, so say 1.1.
        theirs = {c["ocid"]: c for c in ocdskit_merge(releases, schema=schema, force_version="1.1", ignore_version=True)}
    theirs_secs = time.perf_counter() - t0
    same = sum(ours[o] == theirs.get(o) for o in ours)

    n = len(ours)
    print(f"\nCompile ({n:,} records from {len(releases):,} parsed releases, in process)")
    print(f"  ours    opendata.merge.compile_release: {ours_secs:6.1f} s = {len(releases) / ours_secs:9,.0f} releases/s = {n / ours_secs:8,.0f} records/s")
    print(f"  ocdskit combine.merge (baseline)      : {theirs_secs:6.1f} s = {len(releases) / theirs_secs:9,.0f} releases/s = {n / theirs_secs:8,.0f} records/s")
    print(f"  identical compiled releases: {same:,} / {n:,}")

    schema_file = tmp / "release-schema-patched.json"
    schema_file.write_text(json.dumps(schema), encoding="utf-8")
    ocdskit_bin = Path(sys.executable).with_name("ocdskit")
    t0 = time.perf_counter()
    with open(jsonl, "rb") as inp, open(os.devnull, "wb") as out:
        # package-releases wraps the lines in a version-1.1 release package (see above), as docs/open-data.md tells users.
        packager = subprocess.Popen([str(ocdskit_bin), "package-releases"], stdin=inp, stdout=subprocess.PIPE)
        compiler = subprocess.run([str(ocdskit_bin), "compile", "--schema", str(schema_file)], stdin=packager.stdout, stdout=out, check=False)
        packager.stdout.close()
        assert packager.wait() == 0 and compiler.returncode == 0
    cli_secs = time.perf_counter() - t0
    print(f"  ocdskit package-releases | compile CLI: {cli_secs:6.1f} s = {len(releases) / cli_secs:9,.0f} releases/s (parse, merge, write)")

    from django.test import Client

    client = Client()
    sample = sorted(by_ocid)[: args.sample]
    t0 = time.perf_counter()
    for ocid in sample:
        r = client.get("/api/ocds/record-package", {"ocid": ocid})
        assert r.status_code == 200
    rp_secs = time.perf_counter() - t0
    print(f"\nGET /api/ocds/record-package ({len(sample)} processes, DB to response): {len(sample) / rp_secs:,.0f} records/s")
    return 0 if same == n else 1


if __name__ == "__main__":
    sys.exit(main())
