"""Exchange records (national data sets 500–513) → OCDS 1.1.5 releases with the bids and lots extensions.

Pure functions, no ORM and no clock: the selectors hand in the **public view** of a record
(:func:`etender.kernel.exchange.public_view`) and its metadata, and get releases back.  Each
release is built from one record version only, so its content never changes while its id
(``<dataset>-<key>-<version>``) stays the same.  The mapping table and every decision are in
docs/open-data.md.

* One contracting process (``ocid``) per tender project (招标项目, data set 501):
  ``<prefix>-<TENDER_PROJECT_CODE>``; its bid sections (标段/包, 502) are lots.
* Parties are identified by their 统一社会信用代码 (GB 32100): scheme ``CN-SAIC`` (org-id.guide's
  list for enterprises registered with market regulation, registration authority code ``9``), else
  ``CN-USCC`` (local scheme for the other registration authorities, not on org-id.guide).
* Amounts in yuan: ``PRICE_UNIT`` ``0`` is 元, ``1`` is 万元 (× 10,000); no unit, no amount.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from etender.kernel import codes
from etender.kernel.calendar import TZ

__all__ = [
    "EXTENSIONS",
    "GATED_BY",
    "MAPPED",
    "OCDS_VERSION",
    "Context",
    "Meta",
    "amount_in_yuan",
    "award_id",
    "build_releases",
    "ocds_date",
    "organization",
    "release_date",
]

OCDS_VERSION: Final = "1.1"

#: Canonical extension.json URLs (OCDS extension registry, tag v1.1.5).
EXTENSIONS: Final = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
)

#: Data sets that become releases.  508 (experts), 509 (evaluation report), 519 (bid-file
#: fingerprints) and 523 (guarantees) have (almost) no public field and are never published.
MAPPED: Final = ("500", "501", "502", "503", "504", "506", "507", "510", "511", "512", "513")

#: Embargoed data sets and the data set whose first record covering the bid section lifts the
#: embargo: the bidder list (507) is public from the opening record (506) of its section, the
#: winning candidates (510) from the start of the candidate publicity (511).
GATED_BY: Final = {"507": "506", "510": "511"}

_SCHEME_SAIC: Final = "CN-SAIC"
_SCHEME_USCC: Final = "CN-USCC"
_SCHEME_LOCAL: Final = "X-ETENDER"


@dataclass(frozen=True)
class Context:
    """What every release needs besides the record: the ocid prefix and the hub's key for hashed ids."""

    prefix: str
    secret: bytes

    def ocid(self, tender_project_code: str) -> str:
        return f"{self.prefix}-{tender_project_code}"


@dataclass(frozen=True)
class Meta:
    """The exchange metadata of one current record version."""

    dataset: str
    key: str | None  # the record key if it is public (kernel.exchange.public_key), else None
    pk: int
    version: int
    exchanged_at: datetime


# ---------------------------------------------------------------------------
# Values


def ocds_date(value: object) -> str | None:
    """``yyyyMMddHHmmss`` / ``yyyyMMdd`` (Beijing time, as in the national data sets) → RFC 3339."""
    fmt = {14: "%Y%m%d%H%M%S", 8: "%Y%m%d"}.get(len(value)) if isinstance(value, str) and value.isdigit() else None
    if fmt is None:
        return None
    try:
        return datetime.strptime(value, fmt).replace(tzinfo=TZ).isoformat(timespec="seconds")
    except ValueError:
        return None


def release_date(dt: datetime) -> str:
    """A release date: the exchange time in Beijing time, to the second (one format, so dates sort as strings)."""
    return dt.astimezone(TZ).replace(microsecond=0).isoformat(timespec="seconds")


def amount_in_yuan(value: object, unit: object) -> int | float | None:
    """A national amount in yuan: unit ``0`` 元, ``1`` 万元; anything else (or no unit) gives ``None``."""
    if not isinstance(value, str) or not value:
        return None
    factor = {"0": 1, "1": 10000}.get(unit) if isinstance(unit, str) else None
    if factor is None:
        return None
    try:
        yuan = Decimal(value) * factor
    except InvalidOperation:
        return None
    if not yuan.is_finite() or yuan < 0:
        return None
    return int(yuan) if yuan == yuan.to_integral_value() else float(yuan)


_ALPHA3: Final = re.compile(r"[A-Z]{3}")


def currency(code: object) -> str | None:
    """ISO 4217 alphabetic code; missing means CNY, the numeric ``156`` and the common ``RMB`` are CNY."""
    if code is None or code == "":
        return "CNY"
    if not isinstance(code, str):
        return None
    code = code.strip().upper()
    if code in ("156", "RMB"):
        return "CNY"
    return code if _ALPHA3.fullmatch(code) else None


def value(amount: object, unit: object, cur: object) -> dict[str, Any] | None:
    yuan = amount_in_yuan(amount, unit)
    c = currency(cur)
    if yuan is None or c is None:
        return None
    return {"amount": yuan, "currency": c}


def split(value: object) -> list[str]:
    """A ``;``-separated national list (half- or full-width semicolons), without blanks or repeats."""
    if not isinstance(value, str):
        return []
    return list(dict.fromkeys(p.strip() for p in re.split("[;；]", value) if p.strip()))


def days(value: object) -> int | None:
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def url(value: object) -> str | None:
    """Only absolute http(s) URLs (Document.url has format ``uri``)."""
    if isinstance(value, str) and re.fullmatch(r"https?://[^\s<>\"]+", value):
        return value
    return None


def category(code: object) -> str | None:
    """mainProcurementCategory of a national classification (dom5001 / dom10 first letter)."""
    if not isinstance(code, str) or not code:
        return None
    if code[:3] in ("A03", "A04", "A05"):  # 勘察, 设计, 监理: services around works
        return "services"
    return {"A": "works", "B": "goods", "C": "services"}.get(code[0])


def award_criteria(method: object) -> str | None:
    """awardCriteria of the evaluation method (评标办法) named in a clarification (504)."""
    if not isinstance(method, str):
        return None
    if "最低投标价" in method or "最低评标价" in method:
        return "priceOnly"
    if "综合评估" in method or "综合评分" in method:
        return "ratedCriteria"
    return None


def _text(*parts: tuple[str, object]) -> str | None:
    lines = [f"{label}{v}" for label, v in parts if isinstance(v, str) and v.strip()]
    return "\n".join(lines) or None


def _clean(obj: Any) -> Any:
    """Drop ``None``, empty strings, empty objects and empty arrays (OCDS: omit what is unknown)."""
    if type(obj) is dict:
        out = {}
        for k, v in obj.items():
            if type(v) is dict or type(v) is list:
                v = _clean(v)
                if v:
                    out[k] = v
            elif v is not None and v != "":
                out[k] = v
        return out
    if type(obj) is list:
        out_list = []
        for v in obj:
            if type(v) is dict or type(v) is list:
                v = _clean(v)
                if v:
                    out_list.append(v)
            elif v is not None and v != "":
                out_list.append(v)
        return out_list
    return obj


# ---------------------------------------------------------------------------
# Organisations


def organization(ctx: Context, code: object, name: object) -> tuple[str, dict[str, Any]] | None:
    """``(party id, partial party)`` of an organisation named in a record.

    A valid 统一社会信用代码 becomes the identifier (``CN-SAIC`` when registered with market
    regulation, i.e. its first character is ``9``; else ``CN-USCC``).  Anything else (an old
    organisation code, a person's identity number) is not published: the id is an HMAC of the
    code (of the name when there is no code), stable on this hub.
    """
    name = name.strip() if isinstance(name, str) else ""
    code = codes.normalize_uscc(code) if isinstance(code, str) else ""
    if not name and not code:
        return None
    if codes.is_valid_uscc(code):
        scheme = _SCHEME_SAIC if code[0] == "9" else _SCHEME_USCC
        party_id = f"{scheme}-{code}"
        party: dict[str, Any] = {"id": party_id, "name": name or code, "identifier": {"scheme": scheme, "id": code, "legalName": name or None}}
    else:
        digest = hmac.new(ctx.secret, (f"code:{code}" if code else f"name:{name}").encode(), hashlib.sha256).hexdigest()[:20]
        party_id = f"{_SCHEME_LOCAL}-{digest}"
        party = {"id": party_id, "name": name or party_id}
    return party_id, party


def _orgs(ctx: Context, codes_value: object, names_value: object) -> list[tuple[str, dict[str, Any]]]:
    """Several organisations from ``;``-lists of codes and names (joint tenderers, consortia)."""
    code_list, name_list = split(codes_value), split(names_value)
    n = max(len(code_list), len(name_list))
    out = []
    for i in range(n):
        code = code_list[i] if i < len(code_list) else ""
        name = name_list[i] if i < len(name_list) else ""
        org = organization(ctx, code, name)
        if org is not None:
            out.append(org)
    return out


def _ref(party: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": party["id"], "name": party["name"]}


def _region(code: object) -> dict[str, Any] | None:
    if not isinstance(code, str) or not code:
        return None
    return {"region": codes.region_full_name(code) or code, "countryName": "中国"}


def award_id(section: object, supplier_ids: Iterable[str]) -> str:
    """The award of a bid section to its winner(s): the same id from the result (513) and the contract (512)."""
    return f"{section}-{'+'.join(supplier_ids) or 'award'}"


def bid_id(section: object, party_id: str) -> str:
    """A bid: one bidder in one bid section (the bidder list 507 and the candidates 510 give the same id)."""
    return f"{section}-{party_id}"


# ---------------------------------------------------------------------------
# Releases


_TAGS: Final = {
    "500": ("planning", "planningUpdate"),
    "501": ("planning", "planningUpdate"),
    "502": ("planning", "planningUpdate"),
    "503": ("tender", "tenderUpdate"),
    "504": ("tenderAmendment", "tenderAmendment"),
    "506": ("tenderUpdate", "tenderUpdate"),
    "507": ("tenderUpdate", "tenderUpdate"),
    "510": ("tenderUpdate", "tenderUpdate"),
    "511": ("tenderUpdate", "tenderUpdate"),
    "513": ("award", "awardUpdate"),
    "512": ("contract", "contractUpdate"),
}


def release_id(meta: Meta) -> str:
    """``<dataset>-<record key>-<version>``; the hub's row number stands in for a key that is not public."""
    return f"{meta.dataset}-{meta.key if meta.key is not None else f'r{meta.pk}'}-{meta.version}"


def build_releases(ctx: Context, meta: Meta, view: Mapping[str, Any], *, ocids: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The release(s) of one record version.

    ``view`` must be the record's public view.  A project (500) belongs to every tender project
    under it: pass their codes as ``ocids`` (one release each); every other data set names its
    tender project itself.
    """
    builder = _BUILDERS.get(meta.dataset)
    if builder is None:
        return []
    if meta.dataset == "500":
        tender_projects = sorted(set(ocids))
    else:
        tp = view.get("TENDER_PROJECT_CODE")
        tender_projects = [tp] if isinstance(tp, str) and tp else []
    out = []
    for tp in tender_projects:
        body = builder(ctx, meta, view, tp)
        first, later = _TAGS[meta.dataset]
        release = {
            "ocid": ctx.ocid(tp),
            "id": release_id(meta),
            "date": release_date(meta.exchanged_at),
            "tag": [first if meta.version == 1 else later],
            "initiationType": "tender",
            "language": "zh",
            **body,
        }
        out.append(_clean(release))
    return out


def _project(ctx: Context, meta: Meta, v: Mapping[str, Any], tp: str) -> dict[str, Any]:
    approval = _text(("审批文号：", v.get("APPROVAL_NUMBER")), ("审批单位：", v.get("APPROVAL_AUTHORITY")), ("投资项目统一代码：", v.get("INVEST_PROJECT_CODE")))
    return {
        "planning": {
            "rationale": v.get("PROJECT_SCALE"),
            "budget": {
                "id": v.get("PROJECT_CODE"),
                "project": v.get("PROJECT_NAME"),
                "projectID": v.get("PROJECT_CODE"),
                "description": _text(
                    ("资金来源：", v.get("FUND_SOURCE")),
                    ("出资比例：", v.get("CONTRIBUTION_SCALE")),
                    ("项目地址：", v.get("ADDRESS")),
                    ("项目法人：", v.get("LEGAL_PERSON")),
                ),
            },
            "documents": [{"id": f"500-{v.get('PROJECT_CODE')}-approval", "title": v.get("APPROVAL_NAME"), "description": approval}] if v.get("APPROVAL_NAME") else [],
        },
    }


def _tender_project(ctx: Context, meta: Meta, v: Mapping[str, Any], tp: str) -> dict[str, Any]:
    tenderers = _orgs(ctx, v.get("TENDERER_CODE"), v.get("TENDERER_NAME"))
    agency = organization(ctx, v.get("TENDER_AGENCY_CODE"), v.get("TENDER_AGENCY_NAME"))
    commissioned = v.get("TENDER_ORGANIZE_FORM") == "2" or (v.get("TENDER_ORGANIZE_FORM") not in ("1", "2") and agency is not None)
    parties: dict[str, dict[str, Any]] = {}

    def add(org: tuple[str, dict[str, Any]], roles: list[str], region: object = None) -> None:
        pid, party = org
        entry = parties.setdefault(pid, {**party, "roles": [], "address": _region(region)})
        entry["roles"] = list(dict.fromkeys([*entry["roles"], *roles]))

    for org in tenderers:
        add(org, ["buyer"] if commissioned else ["buyer", "procuringEntity"], v.get("TENDERER_REGION_CODE"))
    procuring = None
    if commissioned and agency is not None:
        add(agency, ["procuringEntity"], v.get("TENDER_AGENCY_REGION_CODE"))
        procuring = agency[1]
    elif tenderers:
        procuring = tenderers[0][1]
    supervisor = organization(ctx, v.get("SUPERVISE_DEPT_CODE"), v.get("SUPERVISE_DEPT_NAME"))
    if supervisor is not None:
        add(supervisor, ["reviewBody"])
    mode = v.get("TENDER_MODE")
    return {
        "parties": list(parties.values()),
        "buyer": _ref(tenderers[0][1]) if tenderers else None,
        "tender": {
            "id": tp,
            "title": v.get("TENDER_PROJECT_NAME"),
            "description": v.get("TENDER_CONTENT"),
            "status": "planning",
            "procuringEntity": _ref(procuring) if procuring else None,
            "procurementMethod": {"1": "open", "2": "limited"}.get(mode),
            "procurementMethodDetails": codes.label(codes.TENDER_MODES, mode) if isinstance(mode, str) else None,
            "mainProcurementCategory": category(v.get("TENDER_PROJECT_TYPE")),
        },
    }


def _section(ctx: Context, meta: Meta, v: Mapping[str, Any], tp: str) -> dict[str, Any]:
    begin = ocds_date(v.get("BEGIN_DATE"))
    return {
        "tender": {
            "id": tp,
            "lots": [
                {
                    "id": v.get("BID_SECTION_CODE"),
                    "title": v.get("BID_SECTION_NAME"),
                    "description": _text(("", v.get("BID_SECTION_CONTENT")), ("投标人资格条件：", v.get("BID_QUALIFICATION"))),
                    "value": value(v.get("CONTRACT_RECKON_PRICE"), v.get("PRICE_UNIT"), v.get("CURRENCY_CODE")),
                    "contractPeriod": {"startDate": begin, "durationInDays": days(v.get("LIMITE_TIME"))},
                }
            ],
        }
    }


def _document(meta: Meta, v: Mapping[str, Any], *, title: str, description: str | None, published: str, sections: list[str], document_type: str | None) -> dict[str, Any]:
    return {
        "id": f"{meta.dataset}-{meta.key if meta.key is not None else f'r{meta.pk}'}",
        "documentType": document_type,
        "title": v.get(title),
        "description": v.get(description) if description else None,
        "url": url(v.get("URL")),
        "datePublished": ocds_date(v.get(published)),
        "language": "zh",
        "relatedLots": sections,
    }


def _contact(ctx: Context, code: object, name: object, address: object, person: object, phone: object, email: object) -> dict[str, Any] | None:
    org = organization(ctx, code, name)
    if org is None:
        return None
    _, party = org
    mail = email if isinstance(email, str) and re.fullmatch(r"[^@\s]+@[^@\s]+", email) else None
    return {**party, "address": {"streetAddress": address}, "contactPoint": {"name": person, "telephone": phone, "email": mail}}


def _announcement(ctx: Context, meta: Meta, v: Mapping[str, Any], tp: str) -> dict[str, Any]:
    sections = split(v.get("BID_SECTION_CODES"))
    # Parties without roles: 501 says who buys and who manages the procurement; merging keeps those roles.
    parties = [
        _contact(ctx, v.get("TENDERER_CODE"), v.get("TENDERER_NAME"), v.get("TENDERER_ADDRESS"), v.get("TENDERER_CONTACTOR"), v.get("TENDERER_PHONE_NUMBER"), v.get("TENDERER_EMAIL")),
        _contact(ctx, v.get("TENDER_AGENCY_CODE"), v.get("TENDER_AGENCY_NAME"), v.get("TENDER_AGENCY_ADDRESS"), v.get("TENDER_AGENCY_CONTACTOR"), v.get("TENDER_AGENCY_PHONE_NUMBER"), v.get("TENDER_AGENCY_EMAIL")),
    ]
    return {
        "parties": [p for p in parties if p],
        "tender": {
            "id": tp,
            "status": "active",
            "tenderPeriod": {"startDate": ocds_date(v.get("DOC_GET_START_TIME")) or ocds_date(v.get("NOTICE_SEND_TIME")), "endDate": ocds_date(v.get("BID_DOC_REFER_END_TIME"))},
            "submissionMethod": ["electronicSubmission"],
            "submissionMethodDetails": v.get("BID_DOC_REFER_METHOD"),
            "documents": [_document(meta, v, title="NOTICE_NAME", description="NOTICE_CONTENT", published="NOTICE_SEND_TIME", sections=sections, document_type="tenderNotice")],
            "lots": [{"id": s, "status": "active"} for s in sections],
        },
    }


def _clarification(ctx: Context, meta: Meta, v: Mapping[str, Any], tp: str) -> dict[str, Any]:
    sections = split(v.get("BID_SECTION_CODE"))
    method = v.get("EVALUATING_METHOD")
    return {
        "tender": {
            "id": tp,
            "tenderPeriod": {"endDate": ocds_date(v.get("BID_DOC_REFER_END_TIME"))},
            "awardCriteria": award_criteria(method),
            "awardCriteriaDetails": method,
            "amendments": [
                {
                    "id": f"504-{meta.key if meta.key is not None else f'r{meta.pk}'}",
                    "date": ocds_date(v.get("SUBMIT_TIME")) or ocds_date(v.get("CLARIFY_TIME")),
                    "rationale": v.get("DOC_NAME"),
                    "description": v.get("CLARIFY_CONTENT"),
                }
            ],
            "documents": [_document(meta, v, title="DOC_NAME", description="CLARIFY_CONTENT", published="SUBMIT_TIME", sections=sections, document_type="clarifications")],
        }
    }


def _opening(ctx: Context, meta: Meta, v: Mapping[str, Any], tp: str) -> dict[str, Any]:
    sections = split(v.get("BID_SECTION_CODES"))
    return {
        "tender": {
            "id": tp,
            "documents": [_document(meta, v, title="NOTICE_NAME", description="BID_OPENING_CONTENT", published="BID_OPENING_TIME", sections=sections, document_type=None)],
        }
    }


def _bid_parts(ctx: Context, v: Mapping[str, Any], tp: str, *, code_field: str, name_field: str, unit_field: str, status: str, extra: dict[str, Any]) -> dict[str, Any]:
    section = v.get("BID_SECTION_CODE")
    org = organization(ctx, v.get(code_field), v.get(name_field))
    if not isinstance(section, str) or org is None:
        return {}
    pid, party = org
    price = value(v.get("BID_PRICE"), v.get(unit_field), v.get("PRICE_CURRENCY")) if v.get("PRICE_FORM_CODE") == "1" else None
    bid = {"id": bid_id(section, pid), "status": status, "tenderers": [_ref(party)], "relatedLots": [section], "value": price, **extra}
    return {
        "parties": [{**party, "roles": ["tenderer"], "address": _region(v.get("BIDDER_REGION_CODE"))}],
        "tender": {"id": tp, "tenderers": [_ref(party)]},
        "bids": {"details": [bid]},
    }


def _bidder(ctx: Context, meta: Meta, v: Mapping[str, Any], tp: str) -> dict[str, Any]:
    return _bid_parts(ctx, v, tp, code_field="BIDDER_ORG_CODE", name_field="BIDDER_NAME", unit_field="PRICE_UNIT", status="pending", extra={})


def _candidate(ctx: Context, meta: Meta, v: Mapping[str, Any], tp: str) -> dict[str, Any]:
    order = v.get("WIN_CANDIDATE_ORDER")
    org = organization(ctx, v.get("WIN_CANDIDATE_CODE"), v.get("WIN_CANDIDATE_NAME"))
    doc = {
        "id": f"510-{bid_id(v.get('BID_SECTION_CODE'), org[0] if org else 'candidate')}",
        "documentType": "evaluationReports",
        "title": f"第{order}中标候选人" if isinstance(order, str) and order else "中标候选人",
        "description": _text(
            ("评分结果：", v.get("EVALUATION_RESULT")),
            ("评标情况：", v.get("EVALUATION_STATUS")),
            ("质量：", v.get("QUALITY")),
            ("资格能力条件：", v.get("WIN_CANDIDATE_QUALIFICATION")),
            ("费率或其它类型报价：", v.get("OTHER_BID_PRICE")),
        ),
        "language": "zh",
    }
    return _bid_parts(ctx, v, tp, code_field="WIN_CANDIDATE_CODE", name_field="WIN_CANDIDATE_NAME", unit_field="PRICE_UINT", status="valid", extra={"documents": [doc]})


def _publicity(ctx: Context, meta: Meta, v: Mapping[str, Any], tp: str) -> dict[str, Any]:
    sections = split(v.get("BID_SECTION_CODES"))
    return {
        "tender": {
            "id": tp,
            "documents": [_document(meta, v, title="PUBLICITY_NAME", description="PUBLICITY_CONTENT", published="PUBLICITY_START_TIME", sections=sections, document_type="evaluationReports")],
        }
    }


def _suppliers(ctx: Context, v: Mapping[str, Any], code_field: str, name_field: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Party ids and parties of the winner(s); a winner bid, so it is a tenderer too."""
    orgs = _orgs(ctx, v.get(code_field), v.get(name_field))
    return [pid for pid, _ in orgs], [{**party, "roles": ["tenderer", "supplier"]} for _, party in orgs]


def _result(ctx: Context, meta: Meta, v: Mapping[str, Any], tp: str) -> dict[str, Any]:
    section = v.get("BID_SECTION_CODE")
    supplier_ids, parties = _suppliers(ctx, v, "WIN_BIDDER_CODE", "WIN_BIDDER_NAME")
    if parties and len(parties) == 1:
        parties[0]["address"] = _region(v.get("BIDDER_REGION_CODE"))
    amount = value(v.get("BID_AMOUNT"), v.get("PRICE_UNIT"), v.get("BID_CURRENCY")) if v.get("PRICE_FORM_CODE") == "1" else None
    award = {
        "id": award_id(section, supplier_ids),
        "title": v.get("NOTICE_NAME"),
        "description": _text(("", v.get("NOTICE_CONTENT")), ("费率或其它类型结果：", v.get("OTHER_BID_PRICE"))),
        "status": "active",
        "date": ocds_date(v.get("NOTICE_SEND_TIME")),
        "value": amount,
        "suppliers": [_ref(p) for p in parties],
        "relatedLots": [section],
        "relatedBid": bid_id(section, supplier_ids[0]) if len(supplier_ids) == 1 else None,
        "documents": [_document(meta, v, title="NOTICE_NAME", description=None, published="NOTICE_SEND_TIME", sections=[section], document_type="awardNotice")],
    }
    return {"parties": parties, "awards": [award], "tender": {"id": tp, "lots": [{"id": section, "status": "complete"}]}}


def _contract(ctx: Context, meta: Meta, v: Mapping[str, Any], tp: str) -> dict[str, Any]:
    section = v.get("BID_SECTION_CODE")
    supplier_ids, parties = _suppliers(ctx, v, "BIDDER_CODE", "BIDDER_NAME")
    aid = award_id(section, supplier_ids)
    amount = value(v.get("CONTRACT_PRICE"), v.get("PRICE_UNIT"), v.get("PRICE_CURRENCY")) if v.get("PRICE_FORM_CODE") == "1" else None
    contract = {
        # CONTRACT_CODE is not public (for supervision only): the hub's row number identifies the contract.
        "id": f"{section}-contract-{meta.pk}",
        "awardID": aid,
        "title": v.get("CONTRACT_NAME"),
        "description": _text(("其它形式合同报价：", v.get("OTHER_CONTRACT_PRICE"))),
        "status": "active",
        "dateSigned": ocds_date(v.get("CONTRACT_SIGN_TIME")),
        "value": amount,
        "period": {"durationInDays": days(v.get("LIMITE_TIME"))},
    }
    return {
        "parties": parties,
        "awards": [{"id": aid, "suppliers": [_ref(p) for p in parties], "relatedLots": [section]}],
        "contracts": [contract],
    }


_BUILDERS: Final = {
    "500": _project,
    "501": _tender_project,
    "502": _section,
    "503": _announcement,
    "504": _clarification,
    "506": _opening,
    "507": _bidder,
    "510": _candidate,
    "511": _publicity,
    "512": _contract,
    "513": _result,
}
