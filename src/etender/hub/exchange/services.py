"""Writes of the exchange: platform registry and batch ingestion (电子办法 43–45)."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import connection, transaction

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.canonical import canonical, digest
from etender.kernel.codes import CodeError, normalize_uscc, validate_uscc
from etender.kernel.errors import RuleViolation
from etender.kernel.events import publish_on_commit
from etender.kernel.exchange import client as exchange_client

from .models import Batch, FeedEntry, ForwardState, Platform, Record, UniqueValue

MAX_BATCH_RECORDS = 500
FEED_LOCK = 0x68756266  # "hubf"


@transaction.atomic
def platform_register(*, actor: Actor, code: str, name: str, kind: str, url: str, public_key: str, region_code: str = "") -> Platform:
    """A platform asks to be registered; the hub's staff activates it after checking who it is."""
    code = normalize_uscc(code)
    try:
        validate_uscc(code)
    except CodeError as exc:
        raise RuleViolation("E002", detail_zh=exc.message_zh, detail_en=exc.message_en, field="code") from None
    if kind not in Platform.Kind.values:
        raise RuleViolation("E001", detail_zh="平台类型无效", detail_en="unknown platform kind", field="kind")
    try:
        raw = base64.b64decode(public_key, validate=True)
        Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, TypeError):
        raise RuleViolation("E012", detail_zh="签名公钥无效（应为 Base64 编码的 Ed25519 公钥）", detail_en="invalid signing key (base64 Ed25519 public key expected)", field="public_key") from None
    if region_code:
        from etender.kernel.codes import validate_region_code

        try:
            validate_region_code(region_code)
        except CodeError as exc:
            raise RuleViolation("E003", detail_zh=exc.message_zh, detail_en=exc.message_en, field="region_code") from None
    if Platform.objects.filter(code=code).exists():
        raise RuleViolation("E011", detail_zh=code, detail_en=code, field="code")
    platform = Platform.objects.create(code=code, name=name.strip()[:200], kind=kind, url=url[:200], public_key=base64.b64encode(raw).decode(), region_code=region_code, registered_at=clock.now())
    audit_record(actor=actor, action="platform.registered", obj=platform, data={"code": code, "kind": kind})
    return platform


@transaction.atomic
def platform_set_status(*, actor: Actor, platform: Platform, status: str) -> Platform:
    if status not in Platform.Status.values:
        raise RuleViolation("E001", field="status")
    platform.status = status
    platform.save(update_fields=["status"])
    audit_record(actor=actor, action=f"platform.{status}", obj=platform, data={})
    return platform


def _verify(platform: Platform, body: dict[str, Any], signature: str) -> None:
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(platform.public_key)).verify(base64.b64decode(signature), canonical(body))
    except (InvalidSignature, ValueError, TypeError):
        raise RuleViolation("E013") from None


def _validate(platform: Platform, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per-record coded errors of the exchange standard (kernel.exchange); empty means every record is valid."""
    from etender.kernel.exchange import validate_envelope

    from etender.kernel.exchange import DATASETS

    # What the checks need from the database, fetched once per batch (not once per record).
    pairs = {(r.get("dataset"), r.get("key")) for r in records if isinstance(r.get("dataset"), str) and isinstance(r.get("key"), str)}
    previous_of = {(d, k): data for d, k, data in Record.objects.filter(dataset__in={d for d, _ in pairs}, key__in={k for _, k in pairs}).values_list("dataset", "key", "data") if (d, k) in pairs}
    parents = {str((r.get("record") or {}).get("TENDER_PROJECT_CODE")) for r in records if isinstance(r.get("record"), dict)}
    stored_parents = set(Record.objects.filter(dataset="501", key__in=parents, deleted=False).values_list("key", flat=True))
    wanted = {
        (r["dataset"], f.name, str(r["record"][f.name]))
        for r in records
        if isinstance(r.get("dataset"), str) and r["dataset"] in DATASETS and isinstance(r.get("record"), dict)
        for f in DATASETS[r["dataset"]].fields
        if f.unique and isinstance(r["record"].get(f.name), str)
    }
    holders: dict[tuple[str, str, str], set[str]] = {}
    for d, f, v, k in UniqueValue.objects.filter(value__in={v for _, _, v in wanted}).values_list("dataset", "field", "value", "key"):
        holders.setdefault((d, f, v), set()).add(k)

    problems: list[dict[str, Any]] = []
    for i, item in enumerate(records):
        envelope = {
            "dataset": item.get("dataset"),
            "key": item.get("key"),
            "op": item.get("op", "upsert"),
            "record": item.get("record"),
            "source": {"platform": platform.code, "occurred_at": item.get("occurred_at")},
        }
        dataset, key = envelope["dataset"], envelope["key"]
        previous = previous_of.get((dataset, key)) if isinstance(dataset, str) and isinstance(key, str) else None

        def lookup(name: str, value: str, _key=key, _batch=records[:i]) -> bool:
            if "." in name:  # uniqueness: does another current record (stored, or earlier in this batch) use this value?
                ds, field = name.split(".", 1)
                if holders.get((ds, field, value), set()) - {_key}:
                    return True
                return any(r.get("dataset") == ds and r.get("key") != _key and (r.get("record") or {}).get(field) == value for r in _batch)
            # parent exists (the 501 tender project, whose key is its code), stored or earlier in this batch
            return (name == "501" and value in stored_parents) or any(
                r.get("dataset") == name and r.get("op", "upsert") != "delete" and (r.get("record") or {}).get("TENDER_PROJECT_CODE") == value for r in _batch
            )

        for err in validate_envelope(envelope, lookup=lookup, previous=previous):
            problems.append({"index": i, "code": err.code, "field": err.field, "message_zh": err.message_zh, "message_en": err.message_en})
    return problems


#: Data sets only supervision platforms send (a supervising department's complaint decision, 电子办法 51).
SUPERVISION_DATASETS = frozenset({"404"})


def _sender_refusals(platform: Platform, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """E006 per record: a supervision platform sends 404 only, for tenders within its jurisdiction
    (their 501 region under its region code); nobody else sends 404 (hubs forward what they received)."""
    from .selectors import region_prefix

    out: list[dict[str, Any]] = []
    prefix = region_prefix(platform.region_code) if platform.kind == Platform.Kind.SUPERVISION else ""
    for i, item in enumerate(records):
        dataset = item.get("dataset")
        if platform.kind == Platform.Kind.SUPERVISION:
            if dataset not in SUPERVISION_DATASETS:
                out.append({"index": i, "code": "E006", "field": "dataset", "message_zh": f"监督平台只能报送投诉信息（404），不能报送 {dataset}", "message_en": f"a supervision platform sends complaint records (404) only, not {dataset}"})
                continue
            tender = (item.get("record") or {}).get("TENDER_PROJECT_CODE") if isinstance(item.get("record"), dict) else None
            region = Record.objects.filter(dataset="501", key=str(tender), deleted=False).values_list("region_code", flat=True).first()
            if region is None or not region.startswith(prefix):
                out.append({"index": i, "code": "E006", "field": "TENDER_PROJECT_CODE", "message_zh": f"招标项目 {tender} 不在本监督平台辖区内", "message_en": f"tender {tender} is not within this supervision platform's jurisdiction"})
        elif dataset in SUPERVISION_DATASETS and platform.kind != Platform.Kind.HUB:
            out.append({"index": i, "code": "E006", "field": "dataset", "message_zh": "投诉信息（404）由行政监督平台报送", "message_en": "complaint records (404) come from supervision platforms"})
    return out


def _next_feed_seq() -> int:
    """The next feed position, under a lock held until commit.

    Writers are serialised from here to their commit, so a reader that has
    seen position n can never later find a smaller position appear: the feed
    has no gaps that fill in behind a cursor (the ProZorro feed's failure).
    SQLite transactions are serialised anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [FEED_LOCK])
    last = FeedEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    return last + 1


def _origin(platform: Platform, origin: Any) -> tuple[str, str]:
    """Where a record comes from: the sender, or for a lower-level hub the trading platform it names."""
    if platform.kind == Platform.Kind.HUB and isinstance(origin, dict) and origin.get("platform"):
        return str(origin["platform"])[:18], str(origin.get("name") or "")[:200]
    return platform.code, platform.name


def _region(dataset: str, record: dict[str, Any], batch_regions: dict[str, str]) -> str:
    """The record's region: its own REGION_CODE, else its tender project's (stored or earlier in the batch)."""
    tender = record.get("TENDER_PROJECT_CODE")
    region = record.get("REGION_CODE")
    if not isinstance(region, str) or not region:
        region = batch_regions.get(tender) if isinstance(tender, str) else None
        if region is None and isinstance(tender, str):
            region = Record.objects.filter(dataset="501", key=tender).values_list("region_code", flat=True).first()
    region = region if isinstance(region, str) else ""
    if dataset == "501" and isinstance(tender, str):
        batch_regions[tender] = region
    return region[:6]


def _unique_values(rec: Record) -> None:
    """Keep the UniqueValue index in step with the record's current version."""
    from etender.kernel.exchange import DATASETS

    UniqueValue.objects.filter(dataset=rec.dataset, key=rec.key).delete()
    if rec.deleted or rec.dataset not in DATASETS:
        return
    UniqueValue.objects.bulk_create(
        UniqueValue(dataset=rec.dataset, field=f.name, value=str(rec.data[f.name])[:2000], key=rec.key)
        for f in DATASETS[rec.dataset].fields
        if f.unique and rec.data.get(f.name) not in (None, "")
    )


@transaction.atomic
def batch_ingest(*, actor: Actor, platform_code: str, sequence: int, records: list[dict[str, Any]], signature: str) -> dict[str, Any]:
    """Store a signed batch once: a retry gets the same answer, a forged or replayed one is refused and nothing is stored."""
    platform = Platform.objects.filter(code=platform_code, status=Platform.Status.ACTIVE).first()
    if platform is None:
        raise RuleViolation("E015")
    if not isinstance(records, list) or not 1 <= len(records) <= MAX_BATCH_RECORDS:
        raise RuleViolation("E001", detail_zh=f"每批1至{MAX_BATCH_RECORDS}条记录", detail_en=f"1–{MAX_BATCH_RECORDS} records per batch", field="records")
    body = {"platform": platform_code, "sequence": sequence, "records": records}
    _verify(platform, body, signature)
    d = digest(body)
    existing = Batch.objects.filter(platform=platform, sequence=sequence).first()
    if existing:
        if existing.digest != d:
            raise RuleViolation("E014", params={"sequence": sequence})
        return {"sequence": sequence, "records": existing.records, "duplicate": True}
    problems = _validate(platform, records)
    refused = _sender_refusals(platform, records)
    if refused and not problems:
        raise RuleViolation("E006", detail_zh=refused[0]["message_zh"], detail_en=refused[0]["message_en"], params={"errors": refused})
    if problems:
        raise RuleViolation("E016", params={"errors": problems}, detail_zh=f"{len(problems)}处错误", detail_en=f"{len(problems)} problem(s)")
    now = clock.now()
    Batch.objects.create(platform=platform, sequence=sequence, digest=d, records=len(records), received_at=now)
    seq = _next_feed_seq()
    regions: dict[str, str] = {}
    stored: list[Record] = []
    for index, item in enumerate(records):
        op = item.get("op", "upsert")
        origin_code, origin_name = _origin(platform, item.get("origin"))
        region = _region(item["dataset"], item["record"], regions)
        fields = {"data": item["record"], "exchanged_at": now, "deleted": op == "delete", "origin_code": origin_code, "origin_name": origin_name, "region_code": region}
        rec, created = Record.objects.get_or_create(dataset=item["dataset"], key=item["key"], defaults={"platform": platform, **fields})
        if not created:
            if rec.platform_id != platform.pk:
                raise RuleViolation("E006", detail_zh=f"记录 {item['key']} 属于其他平台", detail_en=f"record {item['key']} belongs to another platform", params={"errors": [{"index": index, "code": "E006", "field": "key", "message_zh": f"记录 {item['key']} 属于其他平台", "message_en": f"record {item['key']} belongs to another platform"}]})
            rec.version += 1
            for name, value in fields.items():
                setattr(rec, name, value)
            rec.save(update_fields=["version", *fields])
        FeedEntry.objects.create(seq=seq, record=rec, platform=platform, dataset=rec.dataset, key=rec.key, op=op, version=rec.version, data=rec.data, exchanged_at=now, origin_code=origin_code, origin_name=origin_name, region_code=region)
        _unique_values(rec)
        seq += 1
        stored.append(rec)
    from etender.hub.portal.services import disclosure_index_records  # the portal's index, in this transaction

    disclosure_index_records(records=stored)
    audit_record(actor=actor, action="exchange.batch_received", obj=platform, data={"sequence": sequence, "records": len(records), "digest": d})
    publish_on_commit("exchange.batch_received", {"platform": platform_code, "sequence": sequence})
    return {"sequence": sequence, "records": len(records), "duplicate": False}


# --------------------------------------------------------------------------- upward interconnection (电子办法 45)

FORWARD_BATCH = 200
FORWARD_MAX_BACKOFF = 30


def _forward_state():
    state, _ = ForwardState.objects.get_or_create(pk=1)
    return state


@transaction.atomic
def _forward_plan() -> tuple[int, list[FeedEntry]] | None:
    """The pending batch of feed entries (fixed before its first attempt), or a new one after the last forwarded."""
    state = ForwardState.objects.select_for_update().get(pk=_forward_state().pk)
    if state.pending_first is None:
        seqs = list(FeedEntry.objects.filter(seq__gt=state.forwarded).order_by("seq").values_list("seq", flat=True)[:FORWARD_BATCH])
        if not seqs:
            return None
        state.pending_first, state.pending_last = seqs[0], seqs[-1]
        state.save(update_fields=["pending_first", "pending_last"])
    entries = list(FeedEntry.objects.filter(seq__gte=state.pending_first, seq__lte=state.pending_last).order_by("seq"))
    return state.pending_first, entries


def forward_body(sequence: int, entries: list[FeedEntry]) -> dict[str, Any]:
    records = [exchange_client.batch_record(dataset=e.dataset, key=e.key, op=e.op, record=e.data, occurred_at=e.exchanged_at, origin={"platform": e.origin_code, "name": e.origin_name}) for e in entries]
    return exchange_client.batch_body(platform=settings.ETENDER_HUB_CODE, sequence=sequence, records=records)


def forward(*, max_batches: int = 20) -> int:
    """Send this hub's feed, in order, to ``ETENDER_UPPER_HUB_URL``; returns how many records went up."""

    upper = getattr(settings, "ETENDER_UPPER_HUB_URL", "")
    if not upper:
        return 0
    state = _forward_state()
    if state.next_attempt_at and clock.now() < state.next_attempt_at:
        return 0
    sent = 0
    for _ in range(max_batches):
        plan = _forward_plan()
        if plan is None:
            break
        sequence, entries = plan
        status, answer = exchange_client.post_batch(upper, forward_body(sequence, entries))
        if status == 200:
            ForwardState.objects.filter(pk=state.pk).update(forwarded=entries[-1].seq, pending_first=None, pending_last=None, attempts=0, next_attempt_at=None, last_error="", last_success_at=clock.now())
            sent += len(entries)
            continue
        attempts = ForwardState.objects.get(pk=state.pk).attempts + 1
        wait = min(2**attempts, FORWARD_MAX_BACKOFF)
        ForwardState.objects.filter(pk=state.pk).update(attempts=attempts, next_attempt_at=clock.now() + timedelta(seconds=wait), last_error=f"batch {sequence}: HTTP {status} {str(answer)[:2000]}")
        break
    return sent


def forward_if_pending() -> int:
    """``forward`` when the feed has entries not yet sent up; one cheap query when idle."""
    if not getattr(settings, "ETENDER_UPPER_HUB_URL", ""):
        return 0
    if not FeedEntry.objects.filter(seq__gt=_forward_state().forwarded).exists():
        return 0
    return forward()
