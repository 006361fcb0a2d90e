"""The national data-set records (exchange standard v1) of this platform's business objects.

Pure functions of the stored objects: no writes.  Every value is a string, times
are Beijing time as ``YYYYMMDDHHMMSS`` and amounts are in 元 (``PRICE_UNIT`` 0).
Where the national set asks for something etender does not collect, the choice
made here is documented in docs/data-mapping.md ("National data sets").
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model

from etender.kernel.calendar import TZ

#: dom2001 主体类别: the party is identified by its 统一社会信用代码.
CODE_TYPE_USCC = "1"
#: dom26 主体角色.
ROLE_TENDERER, ROLE_AGENCY, ROLE_BIDDER = "01", "02", "03"
#: dom20 公告性质 1 正常公告; dom32 公告类型 1 招标公告.
NOTICE_NATURE_NORMAL, BULLETIN_TYPE_TENDER = "1", "1"


def ts(value: datetime | None) -> str:
    return value.astimezone(TZ).strftime("%Y%m%d%H%M%S") if value else ""


def amount(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def entity_nature(credit_code: str) -> str:
    """企业性质 (dom10005, not bundled nationally) derived from the 统一社会信用代码's registration authority.

    etender's table: 1 机关/事业单位 (authority 1, 机构编制), 3 企业 (authority 9, 市场监管),
    4 社会组织 (authority 5, 民政), 9 其他.
    """
    return {"1": "1", "9": "3", "5": "4"}.get(credit_code[:1], "9")


def trade_system_no() -> str:
    """交易系统编号 (12 characters), assigned at certification; until then derived from the operator's code."""
    configured = getattr(settings, "ETENDER_TRADE_SYSTEM_NO", "")
    return configured or settings.ETENDER_PLATFORM_CODE[2:14]


def page_url(path: str) -> str:
    base = (getattr(settings, "ETENDER_PUBLIC_URL", "") or "http://127.0.0.1").rstrip("/")
    return base + path


def person(user_id: int | None) -> str:
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        return "系统"
    return (user.get_full_name() or user.username)[:50]


def project_record(project) -> dict[str, str]:
    """500 项目."""
    return _clean(
        {
            "PROJECT_CODE": project.code,
            "PROJECT_NAME": project.name,
            "REGION_CODE": project.region_code,
            "RELATE_CODE": "0" if project.relate_code == "2" else project.relate_code,  # "2" was stored before 0.1.1
            "INVEST_PROJECT_CODE": project.invest_project_code,
            "ADDRESS": project.address,
            "LEGAL_PERSON": project.legal_person,
            "CLASS_VER_CODE": "1",
            "INDUSTRIES_TYPE": project.industry,
            "FUND_SOURCE": project.fund_source,
            "CONTRIBUTION_SCALE": project.contribution_scale,
            "PROJECT_SCALE": project.project_scale,
            "CONTACTOR": project.contact_name,
            "CONTACT_INFORMATION": project.contact_info,
            "APPROVAL_NAME": project.approval_name,
            "APPROVAL_NUMBER": project.approval_number,
            "APPROVAL_AUTHORITY": project.approval_authority,
            "CREATE_TIME": ts(project.created_at),
            "OPERATION_NAME": project.legal_person[:200],
        }
    )


def _organiser(tender):
    """Who organises the tendering: the agency, or the tenderer itself when self-organised (招标投标法 12)."""
    return (tender.agency, ROLE_AGENCY) if tender.agency_id else (tender.tenderer, ROLE_TENDERER)


def tender_record(tender) -> dict[str, str]:
    """501 招标项目."""
    from etender.trading.procedures.base import get as procedure

    tenderer = tender.tenderer
    organiser, organiser_role = _organiser(tender)
    return _clean(
        {
            "PROJECT_CODE": tender.project.code,
            "TENDER_PROJECT_CODE": tender.code,
            "TENDER_SELF_CODE": tender.self_code,
            "UNIFIED_DEAL_CODE": tender.lots.order_by("number").values_list("unified_deal_code", flat=True).first() or "",
            "IS_TO_LAW": "1" if tender.is_to_law else "0",
            "TENDER_PROJECT_NAME": tender.name,
            "TENDER_PROJECT_TYPE": tender.tender_type,
            "REGION_CODE": tender.region_code,
            "TENDER_CONTENT": tender.content,
            "OWNER_NAME": tender.project.legal_person,
            "TENDERER_NAME": tenderer.name,
            "TENDERER_CODE_TYPE": CODE_TYPE_USCC,
            "TENDERER_CODE": tenderer.credit_code,
            "ISUNION": "0",
            "TENDERER_ROLE": ROLE_TENDERER,
            "TENDER_AGENCY_NAME": organiser.name,
            "TENDER_AGENCY_CODE_TYPE": CODE_TYPE_USCC,
            "TENDER_AGENCY_CODE": organiser.credit_code,
            "TENDER_AGENCY_ROLE": organiser_role,
            "TENDER_MODE": procedure(tender.procedure).tender_mode,
            "TENDER_ORGANIZE_FORM": tender.organize_form,
            "CREATE_TIME": ts(tender.created_at),
            "SUPERVISE_DEPT_NAME": tender.supervise_dept_name,
            "SUPERVISE_DEPT_CODE": tender.supervise_dept_code,
            "APPROVE_DEPT_NAME": tender.approve_dept_name,
            "APPROVE_DEPT_CODE": tender.approve_dept_code,
            "REPORT_DUTY": tender.report_duty,
            "TENDERER_REGION_CODE": tenderer.region_code,
            "TENDERER_PROPERTY": entity_nature(tenderer.credit_code),
            "TENDER_AGENCY_REGION_CODE": organiser.region_code,
            "TENDER_AGENCY_PROPERTY": entity_nature(organiser.credit_code),
            "OPERATION_NAME": person(tender.created_by_id),
            "TRADE_SYSTEM_NO": trade_system_no(),
            "TRADE_SYSTEM_FEE": "0",
        }
    )


def lot_record(lot) -> dict[str, str]:
    """502 标段（包）."""
    from etender.trading.procedures.base import get as procedure

    tender = lot.tender
    return _clean(
        {
            "TENDER_PROJECT_CODE": tender.code,
            "BID_SECTION_CODE": lot.code,
            "BID_SECTION_NAME": lot.name,
            "BID_ECTION_NUM": str(lot.tender_count),
            "UNIFIED_DEAL_CODE": lot.unified_deal_code,
            "BID_TENDER_MODE": procedure(tender.procedure).tender_mode,
            "REGION_CODE": lot.region_code,
            "TRA_PLACE_CODE": lot.trade_place_code,
            "BID_SECTION_CONTENT": lot.content,
            "TENDER_PROJECT_CLASSIFY_CODE": lot.classification,
            "CONTRACT_RECKON_PRICE": amount(lot.estimated_price),
            "CURRENCY_CODE": lot.currency,
            "PRICE_UNIT": lot.price_unit,
            "BID_QUALIFICATION": lot.qualification,
            "BEGIN_DATE": lot.begin_date.strftime("%Y%m%d") if lot.begin_date else "",
            "LIMITE_TIME": str(lot.duration_days) if lot.duration_days else "",
            "CREATE_TIME": ts(lot.created_at),
        }
    )


def announcement_record(tender, *, published_by: int | None) -> dict[str, str]:
    """503 招标公告."""
    ann = tender.announcement
    lots = list(tender.lots.order_by("number"))
    tenderer = tender.tenderer
    agency = tender.agency
    return _clean(
        {
            "TENDER_PROJECT_CODE": tender.code,
            "NOTICE_BID_NUM": str(len(lots)),
            "BID_SECTION_CODES": ";".join(lot.code for lot in lots),
            "TRAD_CENTER_NAME": settings.ETENDER_TITLE,
            "UNIFIED_DEAL_CODES": ";".join(lot.unified_deal_code for lot in lots),
            "TENDER_SELF_CODE": tender.self_code or tender.code,
            "NOTICE_NAME": ann.title,
            "NOTICE_CONTENT": ann.content,
            "NOTICE_SEND_TIME": ts(ann.published_at),
            "NOTICE_MEDIA": ann.media or settings.ETENDER_TITLE,
            "URL": page_url(f"/tenders/{tender.pk}/"),
            "NOTICE_NATURE": NOTICE_NATURE_NORMAL,
            "BULLETIN_TYPE": BULLETIN_TYPE_TENDER,
            "DOC_GET_START_TIME": ts(tender.doc_get_start),
            "DOC_GET_END_TIME": ts(tender.doc_get_end),
            "TENDER_DOC_GET_METHOD": tender.doc_get_method or "登录交易平台免费下载，不设报名等前置条件",
            "BID_DOC_REFER_END_TIME": ts(tender.bid_deadline),
            "IS_POSTPONE": "0",
            "BID_OPEN_TIME": ts(tender.bid_open_time or tender.bid_deadline),
            "BID_OPEN_METHOD": "网上开标，投标人在线解密",
            "QUAL_TYPE": tender.evaluation_method,
            "BID_DOC_REFER_METHOD": tender.bid_submit_method or "通过交易平台在线递交加密的电子投标文件",
            "SYNDICATED_FLAG": "1" if tender.consortium_allowed else "0",
            "TENDERER_CODE": tenderer.credit_code,
            "TENDERER_NAME": tenderer.name,
            "TENDERER_ADDRESS": tenderer.address,
            "TENDERER_CONTACTOR": tenderer.contact_name,
            "TENDERER_PHONE_NUMBER": tenderer.contact_phone,
            "TENDERER_EMAIL": tenderer.email,
            "TENDER_AGENCY_CODE": agency.credit_code if agency else "",
            "TENDER_AGENCY_NAME": agency.name if agency else "",
            "TENDER_AGENCY_ADDRESS": agency.address if agency else "",
            "TENDER_AGENCY_CONTACTOR": agency.contact_name if agency else "",
            "TENDER_AGENCY_PHONE_NUMBER": agency.contact_phone if agency else "",
            "TENDER_AGENCY_EMAIL": agency.email if agency else "",
            "BULLETIN_DUTY": person(published_by),
            "BULLETIN_DUTY_CODE_TYPE": settings.ETENDER_TITLE[:50],
        }
    )


def clarification_record(clar) -> dict[str, str]:
    """504 澄清与修改."""
    tender = clar.tender
    lots = list(tender.lots.order_by("number"))
    first = lots[0] if lots else None
    return _clean(
        {
            "TENDER_PROJECT_CODE": tender.code,
            "BID_SECTION_CODE": ";".join(lot.code for lot in lots),
            "UNIFIED_DEAL_CODES": ";".join(lot.unified_deal_code for lot in lots),
            "DOC_NAME": clar.title,
            "BID_QUALIFICATION": first.qualification if first else "",
            "BID_DOC_REFER_END_TIME": ts(clar.new_deadline),
            "VALID_PERIOD": str(tender.bid_validity_days or ""),
            "BID_DOC_REFER_METHOD": tender.bid_submit_method or "通过交易平台在线递交加密的电子投标文件",
            "MARGIN_PAY_TYPE": "9",
            "PRICE_FORM_CODE": "1",
            "MARGIN_AMOUNT": amount(first.bid_security) if first and first.bid_security else "",
            "MARGIN_CURRENCY": first.currency if first and first.bid_security else "",
            "MARGIN_AMOUNT_UNIT": "0" if first and first.bid_security else "",
            "CONTROL_PRICE": amount(first.max_price) if first and first.max_price is not None else "",
            "CONTROL_PRICE_CURRENCY": first.currency if first and first.max_price is not None else "",
            "CONTROL_PRICE_UNIT": "0" if first and first.max_price is not None else "",
            "EVALUATING_METHOD": tender.evaluation_method or "见招标文件",
            "BID_OPEN_TIME": ts(clar.new_deadline),
            "BID_OPEN_PLACE": "网上开标（" + settings.ETENDER_TITLE + "）",
            "BID_OPEN_TYPE": "网上开标",
            "QUAL_TYPE": "2",
            "CLARIFY_TIME": ts(clar.published_at),
            "IS_POSTPONE": "1" if clar.new_deadline != clar.old_deadline else "0",
            "POST_OPEN_TIME": ts(clar.new_deadline) if clar.new_deadline != clar.old_deadline else "",
            "POST_OPEN_ADDRESS": ("网上开标（" + settings.ETENDER_TITLE + "）") if clar.new_deadline != clar.old_deadline else "",
            "CLARIFY_CONTENT": clar.content,
            "SUBMIT_TIME": ts(clar.published_at),
            "URL": page_url(f"/tenders/{tender.pk}/#clarification-{clar.number}"),
            "EVALUATION_TYPE": "1",
        }
    )


def opening_record(tender, opening_time: datetime) -> dict[str, str]:
    """506 开标记录: one per tender and opening time, covering every lot opened so far (re-sent as lots finish)."""
    from etender.trading.bids.models import OpeningRecord

    records = list(OpeningRecord.objects.filter(lot__tender=tender, opened_at=opening_time).select_related("lot").order_by("lot__number"))
    lines: list[str] = []
    for rec in records:
        lot = rec.lot
        lines.append(f"【{lot.code} {lot.name}】投标人{len(rec.rows)}家；最高投标限价：{rec.lot.max_price if rec.lot.max_price is not None else '无'}元")
        for i, row in enumerate(rec.rows, 1):
            price = f"投标报价{row['price']}元" if row.get("price") else "未解密"
            lines.append(f"{i}. {row['bidder']}（{row['bidder_code']}）{price}；状态：{row['status']}")
    agency = tender.agency
    return _clean(
        {
            "TENDER_PROJECT_CODE": tender.code,
            "BID_SECTION_CODES": ";".join(r.lot.code for r in records),
            "UNIFIED_DEAL_CODES": ";".join(r.lot.unified_deal_code for r in records),
            "NOTICE_NAME": f"{tender.name}开标记录",
            "BID_OPENING_ACTOR": "招标人、招标代理机构及投标人（在线参加）" if agency else "招标人及投标人（在线参加）",
            "BID_OPENING_CONTENT": "\n".join(lines),
            "BID_OPENING_ADDRESS": "网上开标（" + settings.ETENDER_TITLE + "）",
            "BID_OPENING_TIME": ts(opening_time),
            "URL": page_url(f"/lots/{records[0].lot_id}/record/") if records else page_url(f"/tenders/{tender.pk}/"),
            "OPEN_COMPERE": "交易平台自动主持",
            "TENDER_AGENCY_PERSON": agency.contact_name if agency else "无（自行招标）",
            "TENDERER_PERSON": tender.tenderer.contact_name,
        }
    )


def _clean(record: dict[str, Any]) -> dict[str, str]:
    """Drop empty optional values (absent, not ""), keep every value a string."""
    return {k: str(v) for k, v in record.items() if v is not None and v != ""}
