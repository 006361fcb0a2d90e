"""What the portal publishes of each exchange data set, and how a record is shown.

Pure tables and functions over the exchange standard (``etender.kernel.exchange``):
which data sets become portal entries, under which type, with which title,
publication time and summary field, which fields are searched, and how a field
value is displayed (labels of code tables, Beijing times, region names).

Only :func:`etender.kernel.exchange.public_view` output ever reaches these
functions: restricted and secret fields are gone before anything here runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from etender.kernel import codes
from etender.kernel.calendar import TZ
from etender.kernel.exchange import CODE_TABLES, dataset


@dataclass(frozen=True)
class Kind:
    """A type of portal entry: one exchange data set."""

    slug: str
    dataset: str
    label: Any  # lazy translation
    plural: Any
    title_field: str
    time_field: str | None  # publication time (yyyyMMddHHmmss, Beijing), else the exchange time
    summary_field: str | None
    listed: bool  # in the default search scope and in the home page's sections
    order: int  # position in a tender's sequence (related records)


KINDS: tuple[Kind, ...] = (
    Kind("project", "500", _("Project"), _("Projects"), "PROJECT_NAME", "CREATE_TIME", "PROJECT_SCALE", False, 0),
    Kind("tender", "501", _("Tender project"), _("Tender projects"), "TENDER_PROJECT_NAME", "CREATE_TIME", "TENDER_CONTENT", True, 1),
    Kind("section", "502", _("Bid section"), _("Bid sections"), "BID_SECTION_NAME", "CREATE_TIME", "BID_SECTION_CONTENT", False, 2),
    Kind("announcement", "503", _("Tender announcement"), _("Tender announcements"), "NOTICE_NAME", "NOTICE_SEND_TIME", "NOTICE_CONTENT", True, 3),
    Kind("clarification", "504", _("Clarification or amendment"), _("Clarifications and amendments"), "DOC_NAME", "SUBMIT_TIME", "CLARIFY_CONTENT", True, 4),
    Kind("opening", "506", _("Bid opening record"), _("Bid opening records"), "NOTICE_NAME", "BID_OPENING_TIME", "BID_OPENING_CONTENT", True, 5),
    Kind("bidder", "507", _("Bidder (opening)"), _("Bidders (opening)"), "BIDDER_NAME", None, "PM_CERTIFICATES", False, 6),
    Kind("candidate", "510", _("Winning candidate"), _("Winning candidates"), "WIN_CANDIDATE_NAME", None, "EVALUATION_RESULT", False, 7),
    Kind("publicity", "511", _("Candidate publicity"), _("Candidate publicity"), "PUBLICITY_NAME", "PUBLICITY_START_TIME", "PUBLICITY_CONTENT", True, 8),
    Kind("result", "513", _("Award result"), _("Award results"), "NOTICE_NAME", "NOTICE_SEND_TIME", "NOTICE_CONTENT", True, 9),
    Kind("contract", "512", _("Contract"), _("Contracts"), "CONTRACT_NAME", "CONTRACT_SIGN_TIME", None, True, 10),
    Kind("complaint", "404", _("Complaint decision"), _("Complaint decisions"), "TENDER_PROJECT_NAME", "HANDLE_DATE", "HANDLE_RESULT", True, 11),  # from supervision platforms
)
BY_SLUG = {k.slug: k for k in KINDS}
BY_DATASET = {k.dataset: k for k in KINDS}
DEFAULT_SCOPE = tuple(k.slug for k in KINDS if k.listed)

#: Data sets kept secret until an event (kernel.exchange EMBARGO_EVENTS) that the portal can observe:
#: a bidder list is public once the opening record of its section has been exchanged, a winning
#: candidate once the candidate publicity of its section has started.  Other embargoed sets
#: (508 experts, 509 report, 519 fingerprints, 523 guarantees) have hardly a public field and are not published.
LIFTED_BY = {"507": "506", "510": "511"}

#: Field types whose text is searched (names, contents, identifiers); dates, numbers and codes are not.
_SEARCHED_TYPES = frozenset({"string"})
_NOT_SEARCHED = frozenset({"URL"})


def kind_of(dataset_no: str) -> Kind | None:
    return BY_DATASET.get(dataset_no)


def parse_time(value: object) -> datetime | None:
    """A national date-time (yyyyMMddHHmmss or yyyyMMdd, Beijing time) as an aware datetime."""
    if not isinstance(value, str):
        return None
    for fmt in ("%Y%m%d%H%M%S", "%Y%m%d"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=TZ)
        except ValueError:
            continue
    return None


def title_of(kind: Kind, view: dict[str, Any]) -> str:
    title = str(view.get(kind.title_field) or "").strip()
    if kind.slug == "candidate" and view.get("WIN_CANDIDATE_ORDER"):
        title = f"{title}（第{view['WIN_CANDIDATE_ORDER']}名）"
    return title[:600] or "—"


def section_codes(view: dict[str, Any]) -> list[str]:
    raw = view.get("BID_SECTION_CODES") or view.get("BID_SECTION_CODE") or ""
    return [s for s in str(raw).split(";") if s]


def search_text(kind: Kind, view: dict[str, Any]) -> tuple[str, str]:
    """(title text, body text) to be segmented: the title, and every other public text field."""
    ds = dataset(kind.dataset)
    body = []
    for f in ds.fields:
        value = view.get(f.name)
        if not isinstance(value, str) or not value or f.name == kind.title_field or f.name in _NOT_SEARCHED:
            continue
        if f.type in _SEARCHED_TYPES:
            body.append(value[:20_000])
    return str(view.get(kind.title_field) or ""), "\n".join(body)


# ---------------------------------------------------------------------------
# Display


def field_label(field, lang: str) -> str:
    """Chinese label of the national list; in English the national name, readable ("NOTICE_NAME" → "Notice name")."""
    if lang.startswith("en"):
        return field.name.replace("_", " ").capitalize()
    return field.zh


def display_value(field, value: str, lang: str) -> str:
    """A value as people read it: times in Beijing time, code-table labels, region names, lists."""
    en = lang.startswith("en")
    if field.type in ("date-time", "date"):
        dt = parse_time(value)
        if dt is not None:
            return dt.strftime("%Y-%m-%d %H:%M" if field.type == "date-time" else "%Y-%m-%d")
        return value
    parts = value.split(";") if field.multi else [value]
    shown = [_display_one(field, p, en) for p in parts]
    return "；".join(shown) if not en else "; ".join(shown)


def _display_one(field, value: str, en: bool) -> str:
    table = CODE_TABLES.get(field.table) if field.table else None
    if table is not None and table.check == "region":
        name = codes.region_full_name(value)
        return f"{value} {name}" if name else value
    if table is not None and table.values is not None and value in table.values:
        zh_label, en_label = table.values[value]
        return en_label if en else zh_label
    if field.table == "dom5001" or field.name == "TENDER_PROJECT_TYPE":
        label = codes.classification_label(value)
        if label:
            return f"{value} {label[1] if en else label[0]}"
    if field.name == "INDUSTRIES_TYPE":
        name = codes.label(codes.INDUSTRIES, value, "en" if en else "zh")
        if name:
            return f"{value} {name}"
    return value


def public_fields(dataset_no: str, view: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """The public fields present in ``view``, in national order, labelled and displayed."""
    ds = dataset(dataset_no)
    out = []
    for f in ds.fields:
        value = view.get(f.name)
        if value is None or value == "":
            continue
        out.append({"name": f.name, "label": field_label(f, lang), "label_zh": f.zh, "value": str(value), "display": display_value(f, str(value), lang)})
    return out


def dataset_of(dataset_no: str):
    return dataset(dataset_no)


def labels(dataset_no: str, names: set[str] | list[str], lang: str) -> list[str]:
    """Labels of the named fields, in national order."""
    return [field_label(f, lang) for f in dataset(dataset_no).fields if f.name in names]


def region_name(code: str) -> str:
    return (codes.region_full_name(code) or "") if code else ""


def industry_name(code: str, lang: str) -> str:
    return (codes.label(codes.INDUSTRIES, code, "en" if lang.startswith("en") else "zh") or "") if code else ""


def category_name(code: str, lang: str) -> str:
    if not code:
        return ""
    label = codes.classification_label(code)
    return (label[1] if lang.startswith("en") else label[0]) if label else ""
