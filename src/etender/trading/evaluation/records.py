"""Data sets 508 评标专家 and 509 评标报告 of the evaluation (exchange standard v1).

Choices where the national set asks for something the platform does not hold (docs/evaluation.md):

- ``EXPERT_TYPE`` (dom2007, table not bundled): ``1`` expert of the comprehensive pool, ``2`` tenderer's representative.
- ``ID_CARD``/``ID_CARD_TYPE``: the trading platform never receives an expert's identity number (the hub keeps it in
  data set 212).  508 carries the hub's expert reference with type ``99`` (其他: 专家库编号), which the hub resolves;
  a representative is identified as ``U<platform>-<user id>``.  Both are secret-class fields (idno) and 508 is
  embargoed at the hub until the award.
- ``EVALUATION_RESULT`` (dom14, table not bundled): ``1`` candidates recommended, ``2`` all bids rejected.
"""

from __future__ import annotations

from etender.trading.outbox.records import _clean, page_url, ts

from .models import Seat


def expert_record(committee, seat: Seat) -> dict[str, str]:
    """508 评标专家 (one per member)."""
    from django.conf import settings

    lot = committee.lot
    if seat.kind == Seat.Kind.EXPERT:
        id_card, expert_type = seat.expert_ref, "1"
    else:
        id_card, expert_type = f"U{settings.ETENDER_PLATFORM_CODE[-6:]}-{seat.user_id}", "2"
    return _clean(
        {
            "TENDER_PROJECT_CODE": lot.tender.code,
            "BID_SECTION_CODE": lot.code,
            "UNIFIED_DEAL_CODE": lot.unified_deal_code,
            "EXPERT_TYPE": expert_type,
            "EXPERT_NAME": seat.name[:50],
            "ID_CARD": id_card[:50],
            "ID_CARD_TYPE": "99",
            "EXPERT_CHECK_IN_TIME": ts(seat.checked_in_at),
            "IS_CHAIR_MAN": "1" if seat.is_chair else "0",
        }
    )


def report_text(report) -> str:
    doc = report.content
    lines = [f"{doc['title']}", f"评标办法：{doc['method_name']}；评标地点：{doc['place']}；基准价：{doc.get('benchmark') or '无'}元"]
    lines.append("评标委员会：" + "、".join(f"{m['pseudonym']}（{m['kind_zh']}{'，组长' if m['is_chair'] else ''}）" for m in doc["members"]))
    for b in doc["bids"]:
        lines.append(f"{b['bidder']}（{b['bidder_code']}）投标报价{b['price']}元：{b['conclusion']}")
    if doc.get("few_bids_decision"):
        lines.append(f"有效投标不足3个，评标委员会决定{'继续评标' if doc['few_bids_decision'] == 'continue' else '否决全部投标'}：{doc.get('few_bids_reason', '')}")
    if doc["failed"]:
        lines.append("评标结果：否决全部投标，不推荐中标候选人。")
    else:
        for c in doc["candidates"]:
            lines.append(f"第{c['rank']}中标候选人：{c['bidder']}，投标报价{c['price']}元" + (f"，得分{c['score']}" if c.get("score") else ""))
    for s in report.signatures.select_related("seat").order_by("seat__position"):
        if not s.agrees:
            lines.append(f"{s.seat.pseudonym}不同意意见：{s.dissent}")
    lines.append(f"报告SHA-256：{report.content_sha256}")
    return "\n".join(lines)


def report_record(report) -> dict[str, str]:
    """509 评标报告."""
    committee = report.committee
    lot = committee.lot
    return _clean(
        {
            "TENDER_PROJECT_CODE": lot.tender.code,
            "BID_SECTION_CODE": lot.code,
            "UNIFIED_DEAL_CODE": lot.unified_deal_code,
            "NOTICE_NAME": report.content["title"][:600],
            "EVALUATION_CONTENT": report_text(report),
            "SUBMIT_TIME": ts(report.submitted_at),
            "END_TIME": ts(report.submitted_at),
            "EVALUATION_RESULT": "2" if report.failed else "1",
            "URL": page_url(f"/evaluation/{committee.pk}/report/"),
        }
    )
