from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from etender.kernel.exchange import dataset

from . import conf, selectors
from .mapping import EXTENSIONS

#: What each published data set becomes (field paths of OCDS; docs/open-data.md has the full table).
PUBLISHED = (
    ("500", "planning.budget, planning.rationale, planning.documents"),
    ("501", "tender (title, description, procurementMethod, mainProcurementCategory), buyer, tender.procuringEntity, parties"),
    ("502", "tender.lots (value, contractPeriod)"),
    ("503", "tender.tenderPeriod, tender.documents (tenderNotice), parties (address, contactPoint)"),
    ("504", "tender.amendments, tender.documents (clarifications), tender.awardCriteria"),
    ("506", "tender.documents"),
    ("507", "bids.details (pending), tender.tenderers, parties (tenderer)"),
    ("510", "bids.details (valid)"),
    ("511", "tender.documents (evaluationReports)"),
    ("513", "awards (value, suppliers, relatedLots), parties (supplier)"),
    ("512", "contracts (awardID, value, dateSigned)"),
)


@require_GET
def index(request):
    """What the platform publishes as open data, under which terms, where to download it and how to check it."""
    prefix = conf.ocid_prefix()
    en = (get_language() or "").startswith("en")
    rows = [(no, dataset(no).en if en else dataset(no).zh, paths) for no, paths in PUBLISHED]
    return render(
        request,
        "opendata/index.html",
        {
            "nav": "opendata",
            "prefix": prefix,
            "placeholder_prefix": prefix == conf.PLACEHOLDER_PREFIX,
            "extensions": EXTENSIONS,
            "rows": rows,
            "tender_projects": selectors.published_tender_projects(),
            "last_exchange": selectors.last_exchange(),
            "license": conf.license_url(),
            "publisher": conf.publisher(),
            "package_url": request.build_absolute_uri(reverse("api:ocds_release_package")),
            "jsonl_url": request.build_absolute_uri(reverse("api:ocds_releases_jsonl")),
            "record_url": request.build_absolute_uri(reverse("api:ocds_record_package")),
        },
    )
