"""Writes of the disclosure portal: the index of published records (电子办法 41, 44, 49).

``disclosure_index_records`` is called by ``exchange.services.batch_ingest`` with the
records it has just stored, inside the same transaction: a record is searchable on
the portal the moment its batch is committed, and a batch that fails leaves no
trace here either.

Only ``public_view`` of a record is kept.  Records of data sets with an embargo
are not stored at all until the event that lifts it has been exchanged (see
``disclosure.LIFTED_BY``); a candidate becomes visible at the start of its publicity.
The index is a projection of the exchange records, which are audited by the
ingestion itself, so it records no audit entry of its own (a rebuild does).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction

from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.exchange import public_view
from etender.hub.exchange.models import Platform, Record

from . import disclosure, searchindex
from .disclosure import Kind
from .models import Entry, EntryVersion
from .segment import index_tokens

__all__ = ["disclosure_index_records", "disclosure_reindex"]


class _Batch:
    """Look-ups shared by the records of one call (a batch often carries one tender project)."""

    def __init__(self) -> None:
        self.platforms: dict[int, Platform] = {}
        self.tenders: dict[str, dict[str, Any]] = {}
        self.projects: dict[str, dict[str, Any]] = {}

    def platform(self, platform_id: int) -> Platform:
        if platform_id not in self.platforms:
            self.platforms[platform_id] = Platform.objects.get(pk=platform_id)
        return self.platforms[platform_id]

    def _current(self, cache: dict[str, dict[str, Any]], dataset_no: str, key: str) -> dict[str, Any]:
        if not key:
            return {}
        if key not in cache:
            data = Record.objects.filter(dataset=dataset_no, key=key, deleted=False).values_list("data", flat=True).first()
            cache[key] = public_view(dataset_no, data) if isinstance(data, dict) else {}
        return cache[key]

    def tender(self, code: str) -> dict[str, Any]:
        return self._current(self.tenders, "501", code)

    def project(self, code: str) -> dict[str, Any]:
        return self._current(self.projects, "500", code)


def _context(view: dict[str, Any], dataset_no: str, batch: _Batch) -> dict[str, str]:
    """Tender project name, codes, region, industry and classification of a record, from itself and its 501/500."""
    tender_code = str(view.get("TENDER_PROJECT_CODE") or "") if dataset_no != "500" else ""
    tender = batch.tender(tender_code)
    project_code = str(view.get("PROJECT_CODE") or tender.get("PROJECT_CODE") or "")
    project = batch.project(project_code)
    region = view.get("REGION_CODE") or tender.get("REGION_CODE") or project.get("REGION_CODE") or ""
    category = view.get("TENDER_PROJECT_CLASSIFY_CODE") or view.get("TENDER_PROJECT_TYPE") or tender.get("TENDER_PROJECT_TYPE") or ""
    name = tender.get("TENDER_PROJECT_NAME") or (view.get("PROJECT_NAME") if dataset_no == "500" else "") or ""
    return {
        "tender_project_code": tender_code[:20],
        "project_code": project_code[:17],
        "project_name": str(name)[:600],
        "region_code": str(region)[:6],
        "industry_code": str(project.get("INDUSTRIES_TYPE") or "")[:8],
        "category": str(category)[:8],
    }


def _source(rec: Record, batch: _Batch) -> tuple[str, str]:
    code, name = getattr(rec, "origin_code", ""), getattr(rec, "origin_name", "")
    if code:
        return code, name or code
    p = batch.platform(rec.platform_id)
    return p.code, p.name


def _withdraw(rec: Record) -> None:
    entry = Entry.objects.filter(dataset=rec.dataset, key=rec.key).first()
    if entry is None:
        return
    entry.state = Entry.State.WITHDRAWN
    entry.version = rec.version
    entry.exchanged_at = rec.exchanged_at
    entry.data = {}
    entry.visible_from = None
    entry.save(update_fields=["state", "version", "exchanged_at", "data", "visible_from"])
    searchindex.clear(entry.pk)
    EntryVersion.objects.update_or_create(entry=entry, version=rec.version, defaults={"op": "delete", "title": "", "data": {}, "exchanged_at": rec.exchanged_at})


def _store(rec: Record, kind: Kind, batch: _Batch, *, visible_from: datetime | None = None, published_at: datetime | None = None) -> Entry:
    view = public_view(rec.dataset, rec.data, embargo_lifted=True)  # callers decide that the embargo, if any, has lifted
    title = disclosure.title_of(kind, view)
    if published_at is None and kind.time_field:
        published_at = disclosure.parse_time(view.get(kind.time_field))
    source_code, source_name = _source(rec, batch)
    fields = {
        "kind": kind.slug,
        "platform_id": rec.platform_id,
        "source_code": source_code[:18],
        "source_name": source_name[:200],
        "version": rec.version,
        "state": Entry.State.VISIBLE,
        "visible_from": visible_from,
        "title": title,
        "section_codes": ";".join(disclosure.section_codes(view)),
        "published_at": published_at or visible_from or rec.exchanged_at,
        "exchanged_at": rec.exchanged_at,
        "data": view,
        **_context(view, rec.dataset, batch),
    }
    entry = Entry.objects.filter(dataset=rec.dataset, key=rec.key).first()
    if entry is None:
        entry = Entry.objects.create(dataset=rec.dataset, key=rec.key, first_exchanged_at=rec.exchanged_at, **fields)
    else:
        for name, value in fields.items():
            setattr(entry, name, value)
        entry.save()
    _write_words(entry, kind)
    EntryVersion.objects.update_or_create(entry=entry, version=rec.version, defaults={"op": "upsert", "title": title, "data": view, "exchanged_at": rec.exchanged_at})
    return entry


def _write_words(entry: Entry, kind: Kind) -> None:
    title_text, body_text = disclosure.search_text(kind, entry.data)
    searchindex.write(entry, index_tokens(title_text), index_tokens(body_text))


def _events(rec: Record, event_dataset: str) -> list[dict[str, Any]]:
    """Current records of ``event_dataset`` (506 / 511) of the same tender project that cover ``rec``'s section."""
    tender = rec.data.get("TENDER_PROJECT_CODE") if isinstance(rec.data, dict) else None
    section = rec.data.get("BID_SECTION_CODE") if isinstance(rec.data, dict) else None
    if not isinstance(tender, str) or not isinstance(section, str):
        return []
    found = Record.objects.filter(dataset=event_dataset, deleted=False, key__startswith=f"{tender}|").values_list("data", flat=True)
    return [d for d in found if isinstance(d, dict) and section in disclosure.section_codes(d)]


def _index_embargoed(rec: Record, kind: Kind, batch: _Batch) -> None:
    """507 after the opening record of its section, 510 from the start of its section's candidate publicity."""
    events = _events(rec, disclosure.LIFTED_BY[rec.dataset])
    if not events:
        if Entry.objects.filter(dataset=rec.dataset, key=rec.key).exists():  # lifted earlier: an embargo does not come back
            _store(rec, kind, batch, **_kept_times(rec))
        return
    if rec.dataset == "507":
        times = [t for t in (disclosure.parse_time(e.get("BID_OPENING_TIME")) for e in events) if t]
        _store(rec, kind, batch, published_at=min(times) if times else None)
    else:
        starts = [t for t in (disclosure.parse_time(e.get("PUBLICITY_START_TIME")) for e in events) if t]
        start = min(starts) if starts else rec.exchanged_at
        _store(rec, kind, batch, visible_from=start, published_at=start)


def _kept_times(rec: Record) -> dict[str, Any]:
    entry = Entry.objects.filter(dataset=rec.dataset, key=rec.key).values("visible_from", "published_at").first() or {}
    return {"visible_from": entry.get("visible_from"), "published_at": entry.get("published_at")}


def _lift(event: Record, batch: _Batch) -> None:
    """An opening record (506) or candidate publicity (511) was exchanged: publish what it unlocks."""
    target = {v: k for k, v in disclosure.LIFTED_BY.items()}[event.dataset]
    kind = disclosure.kind_of(target)
    assert kind is not None
    for section in disclosure.section_codes(event.data):
        for rec in Record.objects.filter(dataset=target, deleted=False, key__startswith=f"{section}|"):
            _index_embargoed(rec, kind, batch)


def _refresh(tenders: set[str], projects: set[str], batch: _Batch) -> None:
    """A tender project (501) or project (500) changed: update the context columns of its entries (and, as the
    filter values are in the search vectors, their words)."""
    changed: set[int] = set()
    for code in projects:
        project = batch.project(code)
        entries = Entry.objects.filter(project_code=code).exclude(industry_code=str(project.get("INDUSTRIES_TYPE") or "")[:8])
        changed |= set(entries.values_list("pk", flat=True))
        entries.update(industry_code=str(project.get("INDUSTRIES_TYPE") or "")[:8])
    for code in tenders:
        tender = batch.tender(code)
        if not tender:
            continue
        project_code = str(tender.get("PROJECT_CODE") or "")[:17]
        project = batch.project(project_code)
        region, category = str(tender.get("REGION_CODE") or "")[:6], str(tender.get("TENDER_PROJECT_TYPE") or "")[:8]
        industry = str(project.get("INDUSTRIES_TYPE") or "")[:8]
        entries = Entry.objects.filter(tender_project_code=code)
        stale = entries.exclude(industry_code=industry) | entries.exclude(dataset__in=("501", "502", "513")).exclude(region_code=region) | entries.exclude(dataset="502").exclude(category=category)
        changed |= set(stale.values_list("pk", flat=True))
        entries.update(project_name=str(tender.get("TENDER_PROJECT_NAME") or "")[:600], project_code=project_code, industry_code=industry)
        entries.exclude(dataset__in=("501", "502", "513")).update(region_code=region)
        entries.exclude(dataset="502").update(category=category)
    for entry in Entry.objects.filter(pk__in=changed, state=Entry.State.VISIBLE):
        kind = disclosure.BY_SLUG.get(entry.kind)
        if kind is not None:
            _write_words(entry, kind)


@transaction.atomic
def disclosure_index_records(*, records: Iterable[Record]) -> int:
    """Publish, update or withdraw the portal entries of exchange records just stored (same transaction).

    Returns how many of the records belong to a published data set.
    """
    batch = _Batch()
    events: list[Record] = []
    tenders: set[str] = set()
    projects: set[str] = set()
    n = 0
    records = list(records)
    # Records of the same data set and key may repeat in a batch; only the last state counts, and it is the
    # one every Record object of that key now holds (they are the same row).
    for rec in records:
        kind = disclosure.kind_of(rec.dataset)
        if kind is None:
            continue
        n += 1
        if rec.deleted:
            _withdraw(rec)
        elif rec.dataset in disclosure.LIFTED_BY:
            _index_embargoed(rec, kind, batch)
        else:
            _store(rec, kind, batch)
        if rec.dataset == "501":
            tenders.add(rec.key)
        elif rec.dataset == "500":
            projects.add(rec.key)
        elif rec.dataset in ("506", "511") and not rec.deleted:
            events.append(rec)
    for event in events:
        _lift(event, batch)
    _refresh(tenders, projects, batch)
    return n


@transaction.atomic
def disclosure_reindex(*, actor: Actor, chunk: int = 500) -> int:
    """Rebuild the whole index from the current exchange records (e.g. after a change of the dictionary)."""
    count = 0
    datasets = [k.dataset for k in disclosure.KINDS]
    # Parents first, so that context columns are filled on the first pass.
    for dataset_no in sorted(datasets, key=lambda d: (d not in ("500", "501"), d)):
        ids = list(Record.objects.filter(dataset=dataset_no).order_by("pk").values_list("pk", flat=True))
        for i in range(0, len(ids), chunk):
            count += disclosure_index_records(records=Record.objects.filter(pk__in=ids[i : i + chunk]).order_by("pk"))
    audit_record(actor=actor, action="portal.reindexed", obj=None, data={"records": count})
    return count
