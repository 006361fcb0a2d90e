"""Pages of the public service portal: home, disclosure search and lists, record pages, platforms.

No login anywhere (电子办法 44: public information is free).  Views parse the
request, call ``query``/``selectors`` and render; a bad parameter is shown as a
coded message on the page with a 4xx status, never a 500.
"""

import dataclasses

from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.http import require_GET

from etender.kernel.errors import RuleViolation

from . import disclosure, query, selectors


def _violation(request, v: RuleViolation, template: str = "etender/error.html", **context):
    return render(request, template, {"violations": [v], "base_template": "portal/base.html", **context}, status=v.status)


@require_GET
def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "nav": "home",
            "announcements": selectors.latest("announcement", 8),
            "results": selectors.latest("result", 5),
            "publicity": selectors.latest("publicity", 5),
            "lists": [disclosure.BY_SLUG[s] for s in disclosure.DEFAULT_SCOPE],
        },
    )


def _choices(params):
    from etender.kernel import codes

    lang = get_language() or "zh-hans"
    regions = codes.region_choices(PROVINCE)
    if params is not None and params.region and params.region not in dict(regions):
        regions.append((params.region, disclosure.region_name(params.region) or params.region))
    return {
        "kinds": disclosure.KINDS,
        "regions": regions,
        "industries": codes.choices(codes.INDUSTRIES, lang),
        "categories": codes.choices(codes.CLASSIFICATIONS, lang),
        "platforms": selectors.platforms(),
    }


def _pager(current: int, pages: int) -> list[int]:
    """Page numbers to link, 0 for a gap: 1 … 4 5 [6] 7 8 … 20."""
    shown = {1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)}
    out: list[int] = []
    for n in sorted(shown):
        if out and n > out[-1] + 1:
            out.append(0)
        out.append(n)
    return out


#: The province whose regions the filter lists (any valid region code is accepted in the URL).
PROVINCE = "33"


@require_GET
def search(request, kind: str = ""):
    """``/search/`` and the lists by type (``/announcements/`` …): the same results, filters and paging."""
    fixed = disclosure.BY_SLUG.get(kind)
    context = {"nav": kind or "search", "fixed_kind": fixed, "action": request.path}
    try:
        params = query.parse(request.GET, kind=kind)
    except RuleViolation as v:
        context.update(_choices(None))
        context.update({"violations": [v], "raw": request.GET, "params": None, "current_sort": request.GET.get("sort", "")})
        template = "portal/_results.html" if request.htmx else "portal/search.html"
        return render(request, template, context, status=v.status)
    if fixed and not request.GET.get("q") and not request.GET.get("sort"):
        params = dataclasses.replace(params, sort="newest")
    page = selectors.search(params)
    context.update({"params": params, "page": page, "raw": request.GET, "pager": _pager(params.page, page.pages), "current_sort": params.sort})
    if request.htmx:
        return render(request, "portal/_results.html", context)
    context.update(_choices(params))
    return render(request, "portal/search.html", context)


@require_GET
def record(request, pk):
    try:
        entry = selectors.entry(pk)
    except RuleViolation as v:
        return _violation(request, v)
    lang = get_language() or "zh-hans"
    versions = selectors.versions(entry)
    shown = None
    if request.GET.get("version"):
        shown = selectors.version(entry, request.GET["version"])
        if shown is None:
            return _violation(request, RuleViolation("E040", detail_zh="version：没有这个版本", detail_en="version: no such version", field="version"))
    data = shown.data if shown is not None else entry.data
    kind = disclosure.BY_SLUG.get(entry.kind)
    first = {kind.title_field, kind.summary_field} if kind else set()
    fields = sorted(disclosure.public_fields(entry.dataset, data, lang), key=lambda f: f["name"] not in first)  # title and main text first
    changes = _changes(versions, entry.dataset)
    return render(
        request,
        "portal/record.html",
        {
            "nav": "search",
            "entry": entry,
            "kind": kind,
            "dataset": disclosure.dataset_of(entry.dataset),
            "fields": fields,
            "shown": shown,
            "versions": versions,
            "changes": changes,
            "related": selectors.related(entry),
        },
    )


def _changes(versions, dataset_no):
    """{version: the labels of the fields that changed from the previous version, joined}."""
    lang = get_language() or "zh-hans"
    out = {}
    ordered = sorted(versions, key=lambda v: v.version)
    for before, after in zip(ordered, ordered[1:], strict=False):
        changed = {n for n in set(before.data) | set(after.data) if before.data.get(n) != after.data.get(n)}
        out[after.version] = ("、" if not lang.startswith("en") else ", ").join(disclosure.labels(dataset_no, changed, lang))
    return out


@require_GET
def platforms(request):
    return render(request, "portal/platforms.html", {"nav": "platforms", "platforms": selectors.platforms()})


LOGIN_CONTEXT = {
    "base_template": "portal/base.html",
    "login_note": gettext_lazy("For the operators of this platform. Public information needs no account."),
}


# --------------------------------------------------------------------------- supervising departments (电子办法 47)

SECTION_LABELS = {
    "legal_basis": gettext_lazy("Legal basis"),
    "duties": gettext_lazy("Duties and powers"),
    "matters": gettext_lazy("Supervised matters"),
    "procedures": gettext_lazy("Procedures"),
    "time_limits": gettext_lazy("Time limits"),
    "data_exchange": gettext_lazy("Data-exchange requirements"),
    "contacts": gettext_lazy("Contacts"),
}


@require_GET
def supervision_departments(request):
    from . import supervision_duties

    sources = supervision_duties.sources()
    for s in sources:
        for d in s.departments:
            d["published_items"] = [str(SECTION_LABELS[x["kind"]]) for x in d["sections"] if x["kind"] in SECTION_LABELS]
    # Nothing to show from anybody and at least one platform away: the coded answer of the page is E090.
    status = 503 if sources and all(s.error and not s.departments for s in sources) else 200
    return render(request, "portal/supervision_departments.html", {"nav": "supervision", "sources": sources}, status=status)


@require_GET
def supervision_department(request, platform: str, code: str):
    from . import supervision_duties

    src = supervision_duties.source(platform)
    if src is None:
        return _violation(request, RuleViolation("E005", detail_zh=f"行政监督平台 {platform}", detail_en=f"supervision platform {platform}"))
    dept = next((d for d in src.departments if d["code"] == code), None)
    if dept is None:
        if src.error is not None:
            return _violation(request, src.error)
        return _violation(request, RuleViolation("E005", detail_zh=f"监督部门 {code}", detail_en=f"department {code}"))
    by_kind = {s["kind"]: s for s in dept["sections"]}
    items = [{"kind": k, "label": label, "section": by_kind.get(k)} for k, label in SECTION_LABELS.items()]
    order = {s["kind"]: i for i, s in enumerate(dept["sections"])}
    items.sort(key=lambda i: order.get(i["kind"], len(order) + list(SECTION_LABELS).index(i["kind"])))
    return render(request, "portal/supervision_department.html", {"nav": "supervision", "source": src, "dept": dept, "items": items, "public_url": (src.url.rstrip("/") + dept["url"]) if dept["url"].startswith("/") else ""})
