"""Reads of the disclosure portal: search, record pages, latest lists.

Every read goes through :func:`published`, the one place that decides what the
public may see: entries in state ``visible`` whose ``visible_from`` (if any) has
passed.  Withdrawn entries answer E043, unknown or not-yet-visible ones E005.

Ranking: with a query, entries that have every query word in their title come
first, the others after; within each group the newest first (then the highest
id, so paging is stable).  Without a query, or with ``sort=newest``: newest first.
Both orders are served by index scans with LIMIT, so neither needs to rank every
match (see docs/portal.md); counts stop at ``query.MAX_RESULTS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from etender.kernel import clock
from etender.kernel.errors import RuleViolation

from . import disclosure, searchindex
from .models import Entry, EntryVersion
from .query import MAX_RESULTS, SearchParams


def published(now: datetime | None = None) -> QuerySet[Entry]:
    """Entries the public may see now."""
    now = now or clock.now()
    return Entry.objects.filter(state=Entry.State.VISIBLE).filter(Q(visible_from__isnull=True) | Q(visible_from__lte=now))


def _filtered(params: SearchParams, now: datetime | None) -> QuerySet[Entry]:
    qs = published(now)
    if len(params.scope) == 1:
        qs = qs.filter(kind=params.scope[0])
    else:
        qs = qs.filter(kind__in=params.scope)
    if params.region:
        prefix = params.region_prefix
        qs = qs.filter(region_code=prefix) if len(prefix) == 6 else qs.filter(region_code__startswith=prefix)
    if params.industry:
        qs = qs.filter(industry_code__startswith=params.industry)
    if params.category:
        qs = qs.filter(category__startswith=params.category)
    if params.platform:
        qs = qs.filter(source_code=params.platform)
    if params.start:
        qs = qs.filter(published_at__gte=params.start)
    if params.end:
        qs = qs.filter(published_at__lt=params.end)
    return qs


NEWEST = ("-published_at", "-id")


@dataclass
class SearchPage:
    params: SearchParams
    items: list[Entry]
    total: int
    total_is_lower_bound: bool  # more than MAX_RESULTS matched: ``total`` is MAX_RESULTS

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.params.size))

    @property
    def first(self) -> int:
        return self.params.offset + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.params.offset + len(self.items)


def _count(qs: QuerySet[Entry]) -> tuple[int, bool]:
    n = qs.order_by().values("id")[: MAX_RESULTS + 1].count()
    return (MAX_RESULTS, True) if n > MAX_RESULTS else (n, False)


def _ids(qs: QuerySet[Entry], start: int, stop: int) -> list[int]:
    return list(qs.order_by(*NEWEST).values_list("id", flat=True)[start:stop]) if stop > start else []


def search(params: SearchParams, *, now: datetime | None = None) -> SearchPage:
    """One page of results for ``params`` (already checked by ``query.parse``)."""
    base = _filtered(params, now)
    off, size = params.offset, params.size
    if not params.tokens:
        total, capped = _count(base)
        ids = _ids(base, off, off + size)
    else:
        total, capped = _count(base.filter(searchindex.match(list(params.tokens))))
        if params.sort == "newest":
            ids = _ids(base.filter(searchindex.match(list(params.tokens))), off, off + size)
        else:
            # Group 1 (every word in the title) fills the first ranks; group 2 follows.  Reading group 1 up to
            # the end of this page tells how many of its entries precede group 2 without counting all of them.
            first = _ids(base.filter(searchindex.match(list(params.tokens), "title")), 0, off + size)
            ids = first[off:]
            if len(ids) < size:
                skip = max(0, off - len(first))
                ids += _ids(base.filter(searchindex.match(list(params.tokens), "rest")), skip, skip + size - len(ids))
    by_id = Entry.objects.select_related("platform").in_bulk(ids)
    return SearchPage(params=params, items=[by_id[i] for i in ids if i in by_id], total=total, total_is_lower_bound=capped)


def entry(entry_id: object, *, now: datetime | None = None) -> Entry:
    """A published entry by id: E005 when there is none (or not yet), E043 when its platform withdrew it."""
    try:
        pk = int(str(entry_id))
    except ValueError:
        raise RuleViolation("E005", detail_zh="公开记录不存在", detail_en="no such published record") from None
    if not 1 <= pk < 2**63:
        raise RuleViolation("E005", detail_zh="公开记录不存在", detail_en="no such published record")
    found = published(now).select_related("platform").filter(pk=pk).first()
    if found is not None:
        return found
    withdrawn = Entry.objects.filter(pk=pk, state=Entry.State.WITHDRAWN).first()
    if withdrawn is not None:
        raise RuleViolation("E043", params={"withdrawn_at": withdrawn.exchanged_at.isoformat()})
    raise RuleViolation("E005", detail_zh="公开记录不存在", detail_en="no such published record")


def versions(e: Entry) -> list[EntryVersion]:
    """Every version the portal has shown, newest first."""
    return list(e.versions.all())


def version(e: Entry, number: object) -> EntryVersion | None:
    try:
        n = int(str(number))
    except ValueError:
        return None
    if not 1 <= n < 2**31:
        return None
    return e.versions.filter(version=n).first()


def related(e: Entry, *, now: datetime | None = None) -> list[Entry]:
    """The other published records of the same tender project in procedural order
    (tender project → announcement → clarifications → opening → bidders → candidates → publicity → result → contract);
    for a project (500), its tender projects."""
    qs = published(now).select_related("platform").exclude(pk=e.pk)
    if e.tender_project_code:
        qs = qs.filter(tender_project_code=e.tender_project_code)
    elif e.dataset == "500":
        qs = qs.filter(project_code=e.project_code, dataset="501")
    else:
        return []
    order = {k.slug: k.order for k in disclosure.KINDS}
    items = list(qs.order_by("published_at", "id")[:200])
    items.sort(key=lambda x: (order.get(x.kind, 99), x.published_at, x.pk))
    if e.project_code and e.dataset != "500":
        project = published(now).filter(dataset="500", project_code=e.project_code).first()
        if project is not None:
            items.insert(0, project)
    return items


def latest(kind: str, n: int = 8, *, now: datetime | None = None) -> list[Entry]:
    return list(published(now).filter(kind=kind).select_related("platform").order_by(*NEWEST)[:n])


def platforms():
    """The active registered platforms (exchange registry), for the platforms page and the filter."""
    from etender.hub.exchange.selectors import platforms_public

    return list(platforms_public())
