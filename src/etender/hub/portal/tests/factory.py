"""Test data for the portal: a registered platform that signs batches, and whole tenders built from the
exchange standard's example records (one open tender from project to contract) under new codes and names."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from etender.kernel import codes
from etender.kernel.audit.actors import Actor
from etender.kernel.canonical import canonical
from etender.kernel.exchange import record_key
from etender.kernel.exchange.examples import EXAMPLES, example
from etender.hub.exchange import services

ACTOR = Actor.system("test")
EXAMPLE_NAME = "西湖区紫金港路（余杭塘路—文一西路）综合提升改造工程"
_EX = EXAMPLES["502"]
_EX_CODES = (EXAMPLES["500"]["PROJECT_CODE"], _EX["TENDER_PROJECT_CODE"], _EX["BID_SECTION_CODE"], _EX["UNIFIED_DEAL_CODE"])


class Platform:
    def __init__(self, serial: int, name: str):
        self.code = codes.make_uscc(f"91330100MA2{serial:06d}")
        self.name = name
        self.key = Ed25519PrivateKey.generate()
        self.public = base64.b64encode(self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
        self.sequence = 0

    def register(self) -> Platform:
        p = services.platform_register(actor=ACTOR, code=self.code, name=self.name, kind="trading", url="https://jy.example/", public_key=self.public)
        services.platform_set_status(actor=ACTOR, platform=p, status="active")
        return self

    def batch(self, envelopes: list[dict[str, Any]]) -> dict[str, Any]:
        self.sequence += 1
        body = {"platform": self.code, "sequence": self.sequence, "records": envelopes}
        return {**body, "signature": base64.b64encode(self.key.sign(canonical(body))).decode()}

    def send(self, envelopes: list[dict[str, Any]]) -> dict[str, Any]:
        body = self.batch(envelopes)
        return services.batch_ingest(actor=ACTOR, platform_code=body["platform"], sequence=body["sequence"], records=body["records"], signature=body["signature"])


def envelope(dataset_no: str, record: dict[str, str], op: str = "upsert") -> dict[str, Any]:
    if op == "delete":
        from etender.kernel.exchange import dataset

        record = {k: record[k] for k in dataset(dataset_no).key}
    return {"dataset": dataset_no, "key": record_key(dataset_no, record), "op": op, "record": record, "occurred_at": "2026-03-02T09:00:00+08:00"}


class Tender:
    """The example tender under serial ``n``: every data set's record, with codes, name, region and times replaced."""

    def __init__(self, n: int, name: str, *, region: str = "330106", industry: str = "E48", classify: str = "A08", platform_code: str | None = None, content: str | None = None, sent: str = "20260302090000"):
        self.project = codes.make_project_code(region, 2026, n)
        self.tender = codes.make_tender_project_code(self.project, 1)
        self.section = codes.make_section_code(self.tender, 1)
        self.deal = codes.make_unified_deal_code(platform_code or "91330106MA2H3K7Q1F", date(2026, 3, 2), n)
        self.name = name
        self.records: dict[str, dict[str, str]] = {}
        new = (self.project, self.tender, self.section, self.deal)
        for ds in EXAMPLES:
            rec = example(ds)
            for k, v in rec.items():
                for old, repl in zip(_EX_CODES[::-1], new[::-1], strict=True):  # longest codes first
                    v = v.replace(old, repl)
                rec[k] = v.replace(EXAMPLE_NAME, name)
            for field in ("REGION_CODE", "TRA_PLACE_CODE"):
                if field in rec:
                    rec[field] = region
            self.records[ds] = rec
        self.records["500"]["INDUSTRIES_TYPE"] = industry
        self.records["501"]["TENDER_PROJECT_TYPE"] = classify
        self.records["502"]["TENDER_PROJECT_CLASSIFY_CODE"] = classify
        self.records["503"]["NOTICE_SEND_TIME"] = sent
        if content is not None:
            self.records["503"]["NOTICE_CONTENT"] = content
            self.records["501"]["TENDER_CONTENT"] = content
            self.records["502"]["BID_SECTION_CONTENT"] = content

    def envelopes(self, *datasets: str) -> list[dict[str, Any]]:
        return [envelope(ds, self.records[ds]) for ds in datasets]
