"""Exchange records of synthetic tenders (valid against the exchange standard) and feed items made from them."""

from __future__ import annotations

from datetime import date, datetime

from etender.kernel.calendar import TZ
from etender.kernel.codes import make_unified_deal_code
from etender.kernel.exchange import record_key
from etender.kernel.exchange.examples import EXAMPLES

TRADING = "91330100MA2AAAAA0B"
RESTRICTIVE = "投标人须在本市设立分公司，并在本地缴纳社保。"


def _t(d: datetime) -> str:
    return d.astimezone(TZ).strftime("%Y%m%d%H%M%S")


def codes(n: int, region: str = "330106") -> tuple[str, str, str]:
    project = f"E{region}2026{n:06d}"
    return project, project + "001", project + "001001"


def tender_records(n: int, *, region: str = "330106", industry: str = "E48", tender_type: str = "A08", doc_start: datetime | None = None, deadline: datetime | None = None, notice: str = "") -> list[dict]:
    """500, 501, 502, 503 of tender ``n`` (parents first)."""
    project, tender, lot = codes(n, region)
    deal = make_unified_deal_code("91330106MA2H3K7Q1F", date(2026, 11, 2), n)
    doc_start = doc_start or datetime(2026, 11, 4, 9, 0, tzinfo=TZ)
    deadline = deadline or datetime(2026, 11, 30, 9, 30, tzinfo=TZ)
    recs = [
        ("500", {**EXAMPLES["500"], "PROJECT_CODE": project, "PROJECT_NAME": f"第{n}号道路综合提升改造工程", "REGION_CODE": region, "INDUSTRIES_TYPE": industry}),
        ("501", {**EXAMPLES["501"], "PROJECT_CODE": project, "TENDER_PROJECT_CODE": tender, "TENDER_PROJECT_NAME": f"第{n}号道路综合提升改造工程施工", "UNIFIED_DEAL_CODE": "",
                 "REGION_CODE": region, "TENDER_PROJECT_TYPE": tender_type, "TENDER_SELF_CODE": f"T2026-{n:06d}"}),
        ("502", {**EXAMPLES["502"], "TENDER_PROJECT_CODE": tender, "BID_SECTION_CODE": lot, "UNIFIED_DEAL_CODE": deal, "REGION_CODE": region, "TRA_PLACE_CODE": region}),
        ("503", {**EXAMPLES["503"], "TENDER_PROJECT_CODE": tender, "BID_SECTION_CODES": lot, "UNIFIED_DEAL_CODES": deal, "TENDER_SELF_CODE": f"T2026-{n:06d}",
                 "NOTICE_SEND_TIME": _t(doc_start), "DOC_GET_START_TIME": _t(doc_start), "DOC_GET_END_TIME": _t(doc_start.replace(day=doc_start.day + 5)),
                 "BID_DOC_REFER_END_TIME": _t(deadline), "BID_OPEN_TIME": _t(deadline), "NOTICE_CONTENT": "1. 招标条件：本招标项目已批准建设。" + notice}),
    ]
    return [envelope(ds, {k: v for k, v in rec.items() if v != ""}) for ds, rec in recs]


def later_record(ds: str, n: int, region: str = "330106", **fields) -> dict:
    project, tender, lot = codes(n, region)
    deal = make_unified_deal_code("91330106MA2H3K7Q1F", date(2026, 11, 2), n)
    rec = {**EXAMPLES[ds], "TENDER_PROJECT_CODE": tender}
    for name in ("BID_SECTION_CODE", "BID_SECTION_CODES"):
        if name in rec:
            rec[name] = lot
    for name in ("UNIFIED_DEAL_CODE", "UNIFIED_DEAL_CODES"):
        if name in rec:
            rec[name] = deal
    if "REGION_CODE" in rec:
        rec["REGION_CODE"] = region
    rec.update(fields)
    return envelope(ds, {k: v for k, v in rec.items() if v != ""})


def envelope(ds: str, rec: dict) -> dict:
    return {"dataset": ds, "key": record_key(ds, rec), "op": "upsert", "record": rec, "occurred_at": "2026-11-25T09:00:00+08:00"}


class Feed:
    """Feed items as the hub's supervision scope serves them, for tests that apply pages directly."""

    def __init__(self):
        self.seq = 0

    def items(self, envelopes: list[dict], *, at: datetime | None = None, region: str = "330106", origin: str = TRADING) -> list[dict]:
        out = []
        for e in envelopes:
            self.seq += 1
            out.append({"seq": self.seq, "dataset": e["dataset"], "key": e["key"], "op": "upsert", "version": 1, "platform": origin, "platform_name": "之江电子招标投标交易平台",
                        "origin": origin, "origin_name": "之江电子招标投标交易平台", "region": e["record"].get("REGION_CODE") or region,
                        "exchanged_at": (at or datetime(2026, 11, 25, 10, 0, tzinfo=TZ)).isoformat(), "record": e["record"]})
        return out
