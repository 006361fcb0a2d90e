"""Reads of the disclosure portal: search, record pages, latest lists.

Every read goes through :func:`published`, the one place that decides what the
public may see: entries in state ``visible`` whose ``visible_from`` (if any) has
passed.  Withdrawn entries answer E043, unknown or not-yet-visible ones E005.

Ranking: with a query, entries that have every query word in their title come
first, the others after; within each group the newest first (then the highest
id, so paging is stable).  Without a query, or with ``sort=newest``: newest first.
Counts stop at ``query.MAX_RESULTS``; below that the matches are read through the
GIN indexes and sorted, above it the date index is walked (the matches are then
dense), so no query ranks every match (see docs/portal.md).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q, QuerySet, Value

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


@contextmanager
def _bitmap_scans(on: bool):
    """On PostgreSQL, make the planner reach the matches through the GIN indexes (bitmap scans) and sort them.

    Its estimates for ``tsvector @@ tsquery`` combined with other filters are often far off (a word that is
    common overall may never occur with the type asked for); it then walks the date index row by row,
    reading each row's search vector from TOAST, and at a million rows takes seconds to find nothing.
    Used where the number of matches is known to be small (≤ ``MAX_RESULTS``) and for the capped counts.
    """
    if not on or connection.vendor != "postgresql":
        yield
        return
    settings = ("enable_indexscan", "enable_seqscan", "work_mem")
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL enable_indexscan = off")
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL work_mem = '32MB'")  # exact bitmaps: no rechecks reading search vectors from TOAST
        yield
        # Inside an outer transaction the savepoint's release would keep them; after an error its rollback undoes them.
        for name in settings:
            cur.execute(f"SET LOCAL {name} TO DEFAULT")


def _count(qs: QuerySet[Entry], *, text: bool = False) -> tuple[int, bool]:
    """Matches up to MAX_RESULTS, and whether there are more (selecting no column, so that PostgreSQL can count
    from the index and the visibility map)."""
    with _bitmap_scans(text):
        rows = qs.order_by().values(one=Value(1)) if connection.vendor == "postgresql" else qs.order_by().values("id")
        n = rows[: MAX_RESULTS + 1].count()
    return (MAX_RESULTS, True) if n > MAX_RESULTS else (n, False)


def _ids(qs: QuerySet[Entry], start: int, stop: int, *, few: bool = False) -> list[int]:
    """Ids of ranks ``start``–``stop`` of ``qs`` in the order newest first; ``few``: the matches are few."""
    if stop <= start:
        return []
    with _bitmap_scans(few):
        return list(qs.order_by(*NEWEST).values_list("id", flat=True)[start:stop])


def _text_filtered(params: SearchParams, now: datetime | None) -> tuple[QuerySet[Entry], list[str]]:
    """For a search with words: the ORM filters and the filter lexemes.

    On PostgreSQL the search vectors carry type, region, industry, classification and platform
    (``searchindex.filter_terms``), and only withdrawn-free, visible entries have vectors (a withdrawn entry's
    are cleared; only candidates can be stored before they are visible): what is left for the table is the
    date range and, when candidates are searched, their ``visible_from``.
    """
    if connection.vendor != "postgresql":
        return _filtered(params, now), []
    qs = Entry.objects.all()
    if "candidate" in params.scope:
        qs = qs.filter(Q(visible_from__isnull=True) | Q(visible_from__lte=now or clock.now()))
    if params.start:
        qs = qs.filter(published_at__gte=params.start)
    if params.end:
        qs = qs.filter(published_at__lt=params.end)
    return qs, searchindex.query_terms(params)


def search(params: SearchParams, *, now: datetime | None = None) -> SearchPage:
    """One page of results for ``params`` (already checked by ``query.parse``)."""
    off, size = params.offset, params.size
    words = list(params.tokens)
    if not words:
        base = _filtered(params, now)
        total, capped = _count(base)
        ids = _ids(base, off, off + size)
    else:
        base, terms = _text_filtered(params, now)
        matches = base.filter(searchindex.match(words, "all", terms))
        total, capped = _count(matches, text=True)
        if params.sort == "newest":
            ids = _ids(matches, off, off + size, few=not capped)
        elif not capped:
            # Few matches: rank them all in one statement, every word in the title first, then newest.
            in_title = searchindex.title_rank(words)
            with _bitmap_scans(True):
                ids = list(matches.annotate(in_title=in_title).order_by("-in_title", *NEWEST).values_list("id", flat=True)[off : off + size])
        else:
            # Many matches: group 1 (every word in the title) fills the first ranks, group 2 (the others) follows;
            # each group is read newest first, through the GIN index when it is small, else along the date index.
            in_title, title_capped = _count(base.filter(searchindex.match(words, "title", terms)), text=True)
            ids = _ids(base.filter(searchindex.match(words, "title", terms)), off, min(off + size, in_title), few=not title_capped)
            if len(ids) < size and not title_capped:
                skip = max(0, off - in_title)
                ids += _ids(base.filter(searchindex.match(words, "rest", terms)), skip, skip + size - len(ids))
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
