"""Reads of the open data: the hub's current exchange records as OCDS releases, in feed order.

Only the current version of each record (``etender.hub.exchange.models.Record``) is published,
and only through :func:`etender.kernel.exchange.public_view` / :func:`public_key`: restricted and
secret fields never reach the mapping.

**Order and paging.**  Releases are listed in the order of the exchange feed (``FeedEntry.seq``,
assigned under a lock held until commit, so no position ever fills in behind a reader).  A
release stands at the feed position of its record's current version, except when it could not
be published there yet:

* a bidder list entry (507) or a winning candidate (510) recorded before its embargo was lifted
  stands at the position of the first opening record (506) or candidate publicity (511) that
  covers its bid section;
* a project (500) recorded before its tender project (501) stands at the position of the first
  version of that tender project.

So the cursor ``after=<position>`` never skips a release and never returns one twice, whatever
is exchanged between two pages (a corrected record is a new release: its version is in the id).

Reads go up to the feed position of the derived index (:mod:`.models`), never beyond: the API
brings the index up to date (``services.process_index_update``) before it reads.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.db.models import Max, Min, Q

from etender.hub.exchange.models import FeedEntry, Record
from etender.kernel.errors import RuleViolation
from etender.kernel.exchange import public_key, public_view

from . import conf
from .mapping import GATED_BY, MAPPED, Context, Meta, build_releases, split
from .models import IndexState, Member

#: Feed entries read per query.
CHUNK: Final = 500
MAX_LIMIT: Final = 1000
DEFAULT_LIMIT: Final = 100
_TP_RE: Final = re.compile(r"[0-9A-Z]{1,40}")
_GATES: Final = tuple(sorted(set(GATED_BY.values())))

_ROW_FIELDS: Final = (
    "seq",
    "dataset",
    "key",
    "op",
    "version",
    "record_id",
    "record__version",
    "record__deleted",
    "record__data",
    "record__exchanged_at",
)


@dataclass(frozen=True)
class _Rec:
    """A current record version, ready to be mapped."""

    pk: int
    dataset: str
    key: str
    version: int
    data: dict[str, Any]
    exchanged_at: datetime


def _releases(ctx: Context, rec: _Rec, *, ocids: tuple[str, ...] = (), lifted: bool = False) -> list[dict[str, Any]]:
    """The releases of one record version: public fields only."""
    data = rec.data if isinstance(rec.data, dict) else {}
    view = public_view(rec.dataset, data, embargo_lifted=lifted)
    if not view:
        return []
    meta = Meta(rec.dataset, public_key(rec.dataset, rec.key, embargo_lifted=lifted), rec.pk, rec.version, rec.exchanged_at)
    return build_releases(ctx, meta, view, ocids=ocids)


def _tp(dataset: str, key: str, data: object) -> str | None:
    if dataset == "501":
        return key
    tp = data.get("TENDER_PROJECT_CODE") if isinstance(data, dict) else None
    return tp if isinstance(tp, str) and tp else None


def _current_seqs(record_ids) -> dict[int, int]:
    """Feed position of the current version of each record (its last feed entry)."""
    rows = FeedEntry.objects.filter(record_id__in=record_ids).values("record_id").annotate(last=Max("seq"))
    return {r["record_id"]: r["last"] for r in rows}


def _first_upserts(records) -> dict[str, int]:
    """key -> feed position of the first version, of the records in ``records`` (a Record queryset)."""
    keys = dict(records.values_list("id", "key"))
    rows = FeedEntry.objects.filter(record_id__in=list(keys), op="upsert").values("record_id").annotate(first=Min("seq"))
    return {keys[r["record_id"]]: r["first"] for r in rows}


def _gates(tps: set[str]) -> dict[tuple[str, str], int]:
    """(506|511, bid section) -> feed position of the first opening record / candidate publicity covering it."""
    if not tps:
        return {}
    gate_records = Member.objects.filter(tender_project__in=sorted(tps), dataset__in=_GATES).values("record_id")
    out: dict[tuple[str, str], int] = {}
    for seq, dataset, data in FeedEntry.objects.filter(record_id__in=gate_records, op="upsert").values_list("seq", "dataset", "data"):
        for section in split(data.get("BID_SECTION_CODES") if isinstance(data, dict) else None):
            k = (dataset, section)
            if k not in out or seq < out[k]:
                out[k] = seq
    return out


def _recs(queryset) -> list[_Rec]:
    return [_Rec(r["id"], r["dataset"], r["key"], r["version"], r["data"], r["exchanged_at"]) for r in queryset.values("id", "dataset", "key", "version", "data", "exchanged_at")]


def _record_ids_of(tp: str):
    """Records of one tender project: the project (500) above it, the 501 itself and everything under it."""
    project = Member.objects.filter(dataset="501", tender_project=tp).values_list("project", flat=True).first()
    q = Q(tender_project=tp)
    if project:
        q |= Q(dataset="500", project=project)
    return Member.objects.filter(q).values("record_id")


def _map_chunk(ctx: Context, rows: list[dict[str, Any]], only_tp: str | None) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """``(feed position, releases standing there)`` for each feed entry of ``rows`` (in order)."""
    tps: set[str] = set()
    projects: set[str] = set()
    for r in rows:
        tp = _tp(r["dataset"], r["key"], r["record__data"])
        if tp:
            tps.add(tp)
        if r["dataset"] == "500":
            projects.add(r["key"])
    # Tender projects under the projects of this chunk (a project is in every such ocid).
    under: dict[str, list[str]] = defaultdict(list)
    if projects:
        for key, project in Member.objects.filter(dataset="501", project__in=sorted(projects), record__deleted=False).values_list("tender_project", "project"):
            if only_tp is None or key == only_tp:
                under[project].append(key)
    first_501 = _first_upserts(Record.objects.filter(dataset="501", key__in=sorted(tps | {k for keys in under.values() for k in keys})))
    gates = _gates(tps)
    opened_at: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for k, seq in gates.items():
        opened_at[seq].append(k)
    # Records waiting for a gate that opens in this chunk.
    waiting: dict[tuple[str, str], list[_Rec]] = defaultdict(list)
    waiting_projects: dict[str, list[_Rec]] = defaultdict(list)
    lifted_sections: dict[str, set[str]] = defaultdict(set)
    opening_projects: set[str] = set()
    for r in rows:
        if r["op"] != "upsert":
            continue
        for gate_ds, section in opened_at.get(r["seq"], ()):
            lifted_sections[gate_ds].add(section)
        if r["dataset"] == "501" and first_501.get(r["key"]) == r["seq"] and not r["record__deleted"]:
            project = r["record__data"].get("PROJECT_CODE") if isinstance(r["record__data"], dict) else None
            if isinstance(project, str) and project:
                opening_projects.add(project)
    q = Q()
    for ds, gate_ds in GATED_BY.items():
        if lifted_sections[gate_ds]:
            q |= Q(dataset=ds, section__in=sorted(lifted_sections[gate_ds]))
    if opening_projects:
        q |= Q(dataset="500", project__in=sorted(opening_projects))
    seq_of: dict[int, int] = {}
    if q:
        recs = _recs(Record.objects.filter(id__in=Member.objects.filter(q).values("record_id"), deleted=False))
        seq_of = _current_seqs([rec.pk for rec in recs])
        for rec in sorted(recs, key=lambda x: seq_of.get(x.pk, 0)):
            if rec.dataset == "500":
                waiting_projects[rec.key].append(rec)
            else:
                waiting[(GATED_BY[rec.dataset], rec.data.get("BID_SECTION_CODE"))].append(rec)

    for r in rows:
        seq, ds = r["seq"], r["dataset"]
        out: list[dict[str, Any]] = []
        current = r["op"] == "upsert" and r["version"] == r["record__version"] and not r["record__deleted"]
        if current and ds in MAPPED:
            rec = _Rec(r["record_id"], ds, r["key"], r["version"], r["record__data"], r["record__exchanged_at"])
            if ds == "500":
                ocids = tuple(tp for tp in sorted(under.get(r["key"], ())) if first_501.get(tp, seq) < seq)
                if ocids:
                    out += _releases(ctx, rec, ocids=ocids)
            elif ds in GATED_BY:
                section = rec.data.get("BID_SECTION_CODE") if isinstance(rec.data, dict) else None
                if gates.get((GATED_BY[ds], section), seq) < seq:
                    out += _releases(ctx, rec, lifted=True)
            else:
                out += _releases(ctx, rec)
        if r["op"] == "upsert":
            if ds == "501" and first_501.get(r["key"]) == seq and not r["record__deleted"] and (only_tp is None or r["key"] == only_tp):
                project = r["record__data"].get("PROJECT_CODE") if isinstance(r["record__data"], dict) else None
                for rec in waiting_projects.get(project, ()):
                    if seq_of.get(rec.pk, seq) < seq:
                        out += _releases(ctx, rec, ocids=(r["key"],))
            for gate in opened_at.get(seq, ()):
                for rec in waiting.get(gate, ()):
                    if seq_of.get(rec.pk, seq) < seq:
                        out += _releases(ctx, rec, lifted=True)
        yield seq, out


def _rows(*, after: int, upto: int, limit: int, only_tp: str | None) -> list[dict[str, Any]]:
    qs = FeedEntry.objects.filter(seq__gt=after, seq__lte=upto, dataset__in=MAPPED)
    if only_tp is not None:
        qs = qs.filter(record_id__in=_record_ids_of(only_tp))
    return list(qs.order_by("seq").values(*_ROW_FIELDS)[:limit])


def release_page(*, after: int = 0, limit: int = DEFAULT_LIMIT, tender_project: str | None = None, upto: int | None = None) -> tuple[list[dict[str, Any]], int]:
    """Releases after feed position ``after``: at least ``limit`` unless the feed ends (the releases
    standing at one position are never split), and the position to continue from.  Nothing after
    ``upto`` (default: the position of the derived index) is read."""
    ctx = conf.context()
    upto = indexed_position() if upto is None else min(upto, indexed_position())
    out: list[dict[str, Any]] = []
    cursor = after
    chunk = min(CHUNK, limit + 20)
    while True:
        rows = _rows(after=cursor, upto=upto, limit=chunk, only_tp=tender_project)
        for seq, releases in _map_chunk(ctx, rows, tender_project):
            out += releases
            cursor = seq
            if len(out) >= limit:
                return out, cursor
        if len(rows) < chunk:
            return out, cursor
        chunk = CHUNK


def iter_releases(*, after: int = 0, tender_project: str | None = None, upto: int | None = None) -> Iterator[dict[str, Any]]:
    """Every release after ``after`` up to ``upto`` (default: the derived index's position at the start), read in chunks (flat memory)."""
    upto = indexed_position() if upto is None else min(upto, indexed_position())
    cursor = after
    while cursor < upto:
        releases, nxt = release_page(after=cursor, limit=CHUNK, tender_project=tender_project, upto=upto)
        yield from releases
        if nxt == cursor:
            break
        cursor = nxt


def indexed_position() -> int:
    """The feed position up to which the derived index is complete (and open data can be read)."""
    return IndexState.objects.filter(pk=1).values_list("position", flat=True).first() or 0


def position_since(moment: datetime) -> int:
    """The cursor just before the first feed entry exchanged at or after ``moment``."""
    first = FeedEntry.objects.filter(exchanged_at__gte=moment).aggregate(m=Min("seq"))["m"]
    return first - 1 if first is not None else FeedEntry.objects.aggregate(m=Max("seq"))["m"] or 0


def record_releases(tender_project: str) -> list[dict[str, Any]] | None:
    """All current releases of one contracting process, oldest first; ``None`` if the tender project is unknown."""
    if not Record.objects.filter(dataset="501", key=tender_project, deleted=False).exists():
        return None
    ctx = conf.context()
    recs = _recs(Record.objects.filter(id__in=_record_ids_of(tender_project), deleted=False))
    seq_of = _current_seqs([r.pk for r in recs])
    gates = _gates({tender_project})
    placed: list[tuple[str, int, int, dict[str, Any]]] = []
    for rec in recs:
        position = seq_of.get(rec.pk, 0)
        if rec.dataset in GATED_BY:
            gate = gates.get((GATED_BY[rec.dataset], rec.data.get("BID_SECTION_CODE") if isinstance(rec.data, dict) else None))
            if gate is None:
                continue
            releases = _releases(ctx, rec, lifted=True)
            position = max(position, gate)
        elif rec.dataset == "500":
            releases = _releases(ctx, rec, ocids=(tender_project,))
        else:
            releases = _releases(ctx, rec)
        placed += [(rel["date"], position, i, rel) for i, rel in enumerate(releases)]
    placed.sort(key=lambda p: p[:3])
    return [p[3] for p in placed]


def tender_project_of(ocid: str) -> str:
    """The tender project code of an ocid of this publisher; E036 otherwise."""
    prefix = conf.ocid_prefix() + "-"
    code = ocid[len(prefix) :] if ocid.startswith(prefix) else ""
    if not _TP_RE.fullmatch(code):
        raise RuleViolation(
            "E036",
            detail_zh=f"应为“{prefix}招标项目编号”",
            detail_en=f"expected '{prefix}<tender project code>'",
            field="ocid",
            params={"prefix": conf.ocid_prefix()},
        )
    return code


def parse_int(value: str | None, *, field: str, default: int, low: int, high: int) -> int:
    if value is None or value == "":
        return default
    if not re.fullmatch(r"[0-9]{1,18}", value) or not low <= int(value) <= high:
        raise RuleViolation("E035", detail_zh=f"{field} 应为 {low}–{high} 的整数", detail_en=f"{field} must be an integer from {low} to {high}", field=field)
    return int(value)


def parse_since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}T.*", value) or not 1900 <= moment.year <= 9000:
        raise RuleViolation("E035", detail_zh="since 应为带时区偏移的 RFC 3339 时间", detail_en="since must be an RFC 3339 time with an offset", field="since")
    return moment


def published_tender_projects() -> int:
    return Record.objects.filter(dataset="501", deleted=False).count()


def last_exchange() -> datetime | None:
    return FeedEntry.objects.aggregate(m=Max("exchanged_at"))["m"]
