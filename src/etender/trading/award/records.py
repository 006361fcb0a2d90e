"""National data-set records of the award stage: 510 candidates, 511 publicity, 513 result, 512 contract.

Pure functions of the stored objects, in the conventions of ``trading.outbox.records`` (strings,
Beijing ``yyyyMMddHHmmss`` times, amounts in 元 with PRICE_UNIT 0).  The hub's ``public_view``
decides what reaches the portal: ID numbers (513 PROJECT_LEAD_ID) are secret, the people who
published are restricted; names, prices and project leads are public (电子办法 41).
"""

from __future__ import annotations

from django.conf import settings

from etender.trading.outbox.records import (
    CODE_TYPE_USCC,
    NOTICE_NATURE_NORMAL,
    ROLE_BIDDER,
    _clean,
    amount,
    entity_nature,
    page_url,
    person,
    ts,
)

#: dom13 公示类型: 1 中标候选人公示; dom32 公告类型: 3 中标结果公告 (as in the exchange examples).
PUBLICITY_TYPE_CANDIDATES, BULLETIN_TYPE_RESULT = "1", "3"
PRICE_FORM_AMOUNT, PRICE_UNIT_YUAN = "1", "0"
ORDINALS = ("FIRST", "SECOND", "THIRD")


def candidate_record(c) -> dict[str, str]:
    """510 中标候选人."""
    lot = c.publicity.lot
    e = c.entity
    return _clean(
        {
            "TENDER_PROJECT_CODE": lot.tender.code,
            "BID_SECTION_CODE": lot.code,
            "UNIFIED_DEAL_CODE": lot.unified_deal_code,
            "WIN_CANDIDATE_NAME": e.name,
            "BIDDER_CODE_TYPE": CODE_TYPE_USCC,
            "WIN_CANDIDATE_CODE": e.credit_code,
            "BIDDER_ROLE": ROLE_BIDDER,
            "WIN_CANDIDATE_ORDER": str(c.rank),
            "IS_FLOAT_RATE": "0",
            "EVALUATION_RESULT": c.score or f"排名第{c.rank}",
            "PRICE_FORM_CODE": PRICE_FORM_AMOUNT,
            "BID_PRICE": amount(c.price),
            "PRICE_CURRENCY": lot.currency,
            "PRICE_UINT": PRICE_UNIT_YUAN,
            "QUALITY": c.quality,
            "EVALUATION_STATUS": c.evaluation_status,
            "WIN_CANDIDATE_QUALIFICATION": f"{c.qualification}；项目负责人{c.project_manager}，{c.pm_certificates}",
            "BIDDER_REGION_CODE": e.region_code,
            "BIDDER_PROPERTY": entity_nature(e.credit_code),
        }
    )


def publicity_text(p) -> str:
    """The public text of the publicity (10号令 6)."""
    lines = []
    for c in p.candidates.order_by("rank"):
        duration = f"{c.duration_days}日历天" if c.duration_days else "按招标文件"
        lines.append(
            f"第{c.rank}中标候选人：{c.entity.name}；投标报价：{amount(c.price)}元；质量：{c.quality}；工期：{duration}；"
            f"评标情况：{c.evaluation_status}（{c.score}）；项目负责人：{c.project_manager}（{c.pm_certificates}）；"
            f"资格能力条件：{c.qualification}"
        )
    return "\n".join(lines)


def publicity_record(p) -> dict[str, str]:
    """511 中标候选人公示."""
    lot = p.lot
    cands = list(p.candidates.order_by("rank"))
    record = {
        "TENDER_PROJECT_CODE": lot.tender.code,
        "BID_SECTION_CODES": lot.code,
        "UNIFIED_DEAL_CODE": lot.unified_deal_code,
        "PUBLICITY_NAME": p.title,
        "PUBLICITY_CONTENT": publicity_text(p),
        "PUBLICITY_REFER_TIME": ts(p.published_at),
        "NOTICE_MEDIA": settings.ETENDER_TITLE,
        "URL": page_url(f"/publicities/{p.pk}/"),
        "PUBLICITY_TYPE": PUBLICITY_TYPE_CANDIDATES,
        "PUBLICITY_START_TIME": ts(p.start_at),
        "PUBLICITY_END_TIME": ts(p.end_at),
        "OBJECTION_METHOD": p.objection_method,
        "OTHER_CONTENT": p.other_content,
        "BULLETIN_DUTY": person(p.published_by_id),
        "EXAMINER_NAME": settings.ETENDER_TITLE[:50],
    }
    for name, c in zip(ORDINALS, cands):
        record[f"{name}_BIDDER_NAME"] = c.entity.name
        record[f"{name}_BIDDER_CODE"] = c.entity.credit_code
    return _clean(record)


def result_text(award, expert_names: list[tuple[str, bool]]) -> str:
    w = award.winner
    lot = award.lot
    lines = [
        f"中标人：{w.entity.name}（统一社会信用代码{w.entity.credit_code}）",
        f"中标价：{amount(w.price)}元；工期：{w.duration_days or lot.duration_days or '按招标文件'}日历天；质量：{w.quality}",
        f"项目负责人：{w.project_manager}（{w.pm_certificates}）",
    ]
    if award.pass_reason:
        lines.append(f"未确定排名第一的中标候选人的理由：{award.get_pass_reason_display()}。{award.pass_note}")
    if expert_names:
        lines.append("评标委员会成员：" + "、".join(f"{n}（组长）" if chair else n for n, chair in expert_names))
    return "\n".join(lines)


def result_record(award, *, published_by: int | None, expert_names: list[tuple[str, bool]]) -> dict[str, str]:
    """513 中标结果公告."""
    lot = award.lot
    tender = lot.tender
    w = award.winner
    organiser = tender.agency or tender.tenderer
    return _clean(
        {
            "TENDER_PROJECT_CODE": tender.code,
            "BID_SECTION_CODE": lot.code,
            "UNIFIED_DEAL_CODE": lot.unified_deal_code,
            "REGION_CODE": lot.region_code,
            "TRA_PLACE_CODE": lot.trade_place_code,
            "TENDER_AGENCY_NAME": organiser.name,
            "TENDER_AGENCY_CODE": organiser.credit_code,
            "NOTICE_NAME": f"{tender.name}（{lot.name}）中标结果公告",
            "NOTICE_CONTENT": result_text(award, expert_names),
            "NOTICE_SEND_TIME": ts(award.result_published_at),
            "NOTICE_MEDIA": settings.ETENDER_TITLE,
            "URL": page_url(f"/lots/{lot.pk}/award/"),
            "NOTICE_NATURE": NOTICE_NATURE_NORMAL,
            "BULLETIN_TYPE": BULLETIN_TYPE_RESULT,
            "WIN_BIDDER_NAME": w.entity.name,
            "BIDDER_CODE_TYPE": CODE_TYPE_USCC,
            "WIN_BIDDER_CODE": w.entity.credit_code,
            "BIDDER_ROLE": ROLE_BIDDER,
            "PRICE_FORM_CODE": PRICE_FORM_AMOUNT,
            "BID_AMOUNT": amount(w.price),
            "BID_CURRENCY": lot.currency,
            "PRICE_UNIT": PRICE_UNIT_YUAN,
            "BULLETIN_DUTY": person(published_by),
            "EXAMINER_NAME": settings.ETENDER_TITLE[:50],
            "BIDDER_REGION_CODE": w.entity.region_code,
            "BIDDER_PROPERTY": entity_nature(w.entity.credit_code),
            "PROJECT_LEAD": w.project_manager,
            "PROJECT_LEAD_ID": w.pm_id_number,
        }
    )


def contract_record(contract) -> dict[str, str]:
    """512 合同."""
    award = contract.award
    lot = award.lot
    tender = lot.tender
    w = award.winner.entity
    return _clean(
        {
            "TENDER_PROJECT_CODE": tender.code,
            "BID_SECTION_CODE": lot.code,
            "UNIFIED_DEAL_CODE": lot.unified_deal_code,
            "CONTRACT_NAME": contract.name,
            "TENDERER_NAME": tender.tenderer.name,
            "TENDER_CODE": tender.tenderer.credit_code,
            "BIDDER_NAME": w.name,
            "BIDDER_CODE": w.credit_code,
            "CONTRACT_PRICE": amount(contract.price),
            "PRICE_CURRENCY": lot.currency,
            "PRICE_UNIT": PRICE_UNIT_YUAN,
            "PRICE_FORM_CODE": PRICE_FORM_AMOUNT,
            "CONTRACT_CONTENT": f"合同标的：{contract.scope}；价款{amount(contract.price)}元；工期{contract.duration_days}日历天；质量{contract.quality}；履约保证金{amount(contract.performance_security) or '0'}元",
            "LIMITE_TIME": str(contract.duration_days),
            "QUALITY_REQUIRE": contract.quality,
            "SUBMIT_TIME": ts(contract.signed_at),
            "CONTRACT_SIGN_TIME": ts(contract.signed_at),
            "CONTRACT_CODE": contract.code,
        }
    )
