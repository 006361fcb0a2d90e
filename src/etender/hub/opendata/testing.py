"""Synthetic tender processes for the tests and bench/ocds_bench.py.

Each process is the example tender of the exchange standard (``kernel.exchange.examples``)
under its own codes: project (500), tender project (501), ``lots`` bid sections (502),
announcement (503), clarification (504), opening record (506), bidder lists (507), experts
(508), evaluation reports (509), candidates (510), candidate publicity (511), results (513),
contracts (512), bid-file fingerprints (519) and guarantees (523).  Every record passes the
strict validator of the exchange standard.
"""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal
from typing import Any

from etender.kernel import codes
from etender.kernel.exchange import record_key
from etender.kernel.exchange.examples import example

__all__ = ["SignedPlatform", "bidder", "process"]

#: Data sets in the order a trading platform sends them.
ORDER = ("500", "501", "502", "503", "504", "506", "507", "508", "509", "510", "511", "513", "512", "519", "523")


def bidder(n: int) -> tuple[str, str]:
    """(credit code, name) of the n-th synthetic bidder (n ≥ 0)."""
    return codes.make_uscc(f"91330108MA2{n:06d}"[:17]), f"浙江第{n + 1}建设工程有限公司"


def _envelope(no: str, record: dict[str, Any], occurred_at: str = "2025-03-10T09:00:00+08:00") -> dict[str, Any]:
    return {"dataset": no, "key": record_key(no, record), "op": "upsert", "record": record, "occurred_at": occurred_at}


def process(serial: int, *, platform: str, lots: int = 1, bidders: int = 3, region: str = "330106", year: int = 2025) -> dict[str, list[dict[str, Any]]]:
    """Envelopes of one tender process, by data set (in sending order)."""
    project = codes.make_project_code(region, year, serial)
    tp = codes.make_tender_project_code(project, 1)
    sections = [codes.make_section_code(tp, i + 1) for i in range(lots)]
    deals = [codes.make_unified_deal_code(platform, date(year, 3, 10), (serial * 10 + i) % 999_999 + 1) for i in range(lots)]
    out: dict[str, list[dict[str, Any]]] = {no: [] for no in ORDER}
    name = f"西湖区第{serial}号道路综合提升改造工程"

    r = example("500") | {"PROJECT_CODE": project, "PROJECT_NAME": name}
    out["500"].append(_envelope("500", r))
    r = example("501") | {"PROJECT_CODE": project, "TENDER_PROJECT_CODE": tp, "TENDER_PROJECT_NAME": name + "施工", "UNIFIED_DEAL_CODE": deals[0]}
    out["501"].append(_envelope("501", r))
    for i, (section, deal) in enumerate(zip(sections, deals, strict=True)):
        estimate = Decimal(4860) + serial % 97 + i
        r = example("502") | {"TENDER_PROJECT_CODE": tp, "BID_SECTION_CODE": section, "UNIFIED_DEAL_CODE": deal, "BID_SECTION_NAME": f"{name}施工（{i + 1}标段）", "CONTRACT_RECKON_PRICE": str(estimate)}
        out["502"].append(_envelope("502", r))
    joined_sections, joined_deals = ";".join(sections), ";".join(deals)
    out["503"].append(_envelope("503", example("503") | {"TENDER_PROJECT_CODE": tp, "BID_SECTION_CODES": joined_sections, "UNIFIED_DEAL_CODES": joined_deals, "NOTICE_BID_NUM": str(lots)}))
    out["504"].append(_envelope("504", example("504") | {"TENDER_PROJECT_CODE": tp, "BID_SECTION_CODE": joined_sections, "UNIFIED_DEAL_CODES": joined_deals}))
    out["506"].append(_envelope("506", example("506") | {"TENDER_PROJECT_CODE": tp, "BID_SECTION_CODES": joined_sections, "UNIFIED_DEAL_CODES": joined_deals}))
    for i, (section, deal) in enumerate(zip(sections, deals, strict=True)):
        codes_ = {"TENDER_PROJECT_CODE": tp, "BID_SECTION_CODE": section, "UNIFIED_DEAL_CODE": deal}
        field_set = [bidder((serial * 7 + i * 3 + b) % 900_000) for b in range(bidders)]
        prices = [Decimal("4712.368") + serial % 50 + b * Decimal("37.7") for b in range(bidders)]
        for (code, bname), price in zip(field_set, prices, strict=True):
            out["507"].append(_envelope("507", example("507") | codes_ | {"BIDDER_ORG_CODE": code, "BIDDER_NAME": bname, "BID_PRICE": str(price)}))
            out["519"].append(_envelope("519", example("519") | {"TENDER_PROJECT_CODE": tp, "BID_SECTION_CODE": section, "UNIFIED_DEAL_CODES": deal, "BIDDER_ORG_CODE": code, "BIDDER_NAME": bname}))
            out["523"].append(_envelope("523", example("523") | codes_ | {"BIDDER_ORG_CODE": code, "BIDDER_NAME": bname, "GUARANTEE_NO": f"BH{serial:08d}{i:02d}{code[-4:]}"}))
        out["508"].append(_envelope("508", example("508") | codes_))
        out["509"].append(_envelope("509", example("509") | codes_))
        for rank, ((code, bname), price) in enumerate(zip(field_set[:3], prices[:3], strict=False), start=1):
            out["510"].append(_envelope("510", example("510") | codes_ | {"WIN_CANDIDATE_CODE": code, "WIN_CANDIDATE_NAME": bname, "WIN_CANDIDATE_ORDER": str(rank), "BID_PRICE": str(price)}))
        winner, win_price = field_set[0], prices[0]
        out["513"].append(
            _envelope("513", example("513") | codes_ | {"WIN_BIDDER_CODE": winner[0], "WIN_BIDDER_NAME": winner[1], "BID_AMOUNT": str(win_price), "NOTICE_SEND_TIME": f"20250410{(9 + i) % 24:02d}0000"})
        )
        out["512"].append(
            _envelope("512", example("512") | codes_ | {"BIDDER_CODE": winner[0], "BIDDER_NAME": winner[1], "CONTRACT_PRICE": str(win_price), "CONTRACT_CODE": f"XHCJ-{serial}-{i + 1}"})
        )
        if i == 0:
            publicity = example("511") | {"TENDER_PROJECT_CODE": tp, "BID_SECTION_CODES": joined_sections, "UNIFIED_DEAL_CODE": joined_deals}
            for place, (code, bname) in zip(("FIRST", "SECOND", "THIRD"), field_set[:3], strict=False):
                publicity |= {f"{place}_BIDDER_CODE": code, f"{place}_BIDDER_NAME": bname}
            out["511"].append(_envelope("511", publicity))
    return out


class SignedPlatform:
    """A trading platform with a real Ed25519 key that signs its batches like the outbox does."""

    def __init__(self, serial: int = 1):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self.code = codes.make_uscc(f"91330106MA2H{serial:05d}")
        self.key = Ed25519PrivateKey.generate()
        self.public = base64.b64encode(self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
        self.sequence = 0

    def register(self, actor) -> None:
        from etender.hub.exchange import services

        platform = services.platform_register(actor=actor, code=self.code, name=f"交易平台{self.code[-4:]}", kind="trading", url="", public_key=self.public)
        services.platform_set_status(actor=actor, platform=platform, status="active")

    def send(self, actor, envelopes: list[dict[str, Any]]) -> dict[str, Any]:
        """Sign a batch and hand it to the hub's ingestion service."""
        from etender.hub.exchange import services
        from etender.kernel.canonical import canonical

        self.sequence += 1
        body = {"platform": self.code, "sequence": self.sequence, "records": envelopes}
        signature = base64.b64encode(self.key.sign(canonical(body))).decode()
        return services.batch_ingest(actor=actor, platform_code=self.code, sequence=self.sequence, records=envelopes, signature=signature)
