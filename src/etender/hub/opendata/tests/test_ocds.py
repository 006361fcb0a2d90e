"""Open data in OCDS 1.1.5: records ingested as real signed batches, read over HTTP, validated offline with libcoveocds."""

from __future__ import annotations

import copy
import json
import warnings

import pytest
from django.test import Client

from etender.hub.opendata import merge
from etender.hub.opendata.testing import ORDER, process
from etender.kernel.exchange import fields, record_key
from etender.kernel.exchange.examples import EXAMPLES, example

from .conftest import PREFIX, send
from .ocds_offline import patched_release_schema, validate

pytestmark = pytest.mark.django_db

EXAMPLE_TP = EXAMPLES["501"]["TENDER_PROJECT_CODE"]
EXAMPLE_OCID = f"{PREFIX}-{EXAMPLE_TP}"


def envelope(no: str, record: dict) -> dict:
    return {"dataset": no, "key": record_key(no, record), "op": "upsert", "record": record, "occurred_at": "2025-03-10T09:00:00+08:00"}


def example_tender() -> list[dict]:
    """The exchange standard's example tender, every data set 500–523, in sending order."""
    return [envelope(no, example(no)) for no in ORDER]


def all_pages(client: Client, url: str = "/api/ocds/release-package?limit=7") -> list[dict]:
    releases: list[dict] = []
    while True:
        page = client.get(url).json()
        releases += page["releases"]
        if len(page["releases"]) < page_limit(url):
            return releases
        url = page["links"]["next"]


def page_limit(url: str) -> int:
    from urllib.parse import parse_qs, urlsplit

    return int(parse_qs(urlsplit(url).query).get("limit", ["100"])[0])


def jsonl(client: Client, url: str = "/api/ocds/releases.jsonl") -> list[dict]:
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in b"".join(r.streaming_content).decode().splitlines()]


def whole_package(client: Client) -> dict:
    package = client.get("/api/ocds/release-package?limit=1000").json()
    assert len(package["releases"]) < 1000
    return package


# ---------------------------------------------------------------------------
# Validity


def assert_valid(result: dict, *, package: dict) -> None:
    assert result["validation_errors"] == [], json.dumps(result["validation_errors"], ensure_ascii=False, indent=1)[:3000]
    assert result["additional_closed_codelist_values"] == {}, result["additional_closed_codelist_values"]
    assert result["additional_open_codelist_values"] == {}, result["additional_open_codelist_values"]
    assert result.get("conformance_errors") is None
    assert result["deprecated_fields"] == []
    assert result["additional_checks"] == {}, result["additional_checks"]
    # Nothing outside the extended schema, except the pagination links (not in the 1.1.5 package schema).
    extra = {(f["path"], f["field"]) for f in result["additional_fields"]}
    assert extra <= {("", "links")}, extra
    assert ("links" in package) == (extra == {("", "links")})


def test_release_and_record_packages_are_valid_ocds_with_the_extensions_applied(platform, client, tmp_path):
    send(platform, example_tender())
    generated = process(2, platform=platform.code, lots=2)
    send(platform, [e for no in ORDER for e in generated[no]])

    package = whole_package(client)
    releases = package["releases"]
    # The extension fields are there, so the validation below covers them.
    assert any(r.get("tender", {}).get("lots") for r in releases)
    assert any(r.get("bids", {}).get("details") for r in releases)
    assert package["extensions"] == [
        "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
        "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
    ]
    assert_valid(validate(package, tmp_path), package=package)
    assert len({(r["ocid"], r["id"]) for r in releases}) == len(releases)

    ocids = sorted({r["ocid"] for r in releases})
    assert len(ocids) == 2 and EXAMPLE_OCID in ocids
    for ocid in ocids:
        record_package = client.get("/api/ocds/record-package", {"ocid": ocid}).json()
        assert_valid(validate(record_package, tmp_path), package=record_package)
        record = record_package["records"][0]
        assert record["ocid"] == ocid and record["compiledRelease"]["tag"] == ["compiled"]
        assert {r["id"] for r in record["releases"]} == {r["id"] for r in releases if r["ocid"] == ocid}


def test_a_broken_package_is_reported_invalid(platform, client, tmp_path):
    """The validation can fail, and it fails on extension fields: the bids and lots schemas are applied."""
    send(platform, example_tender())
    package = whole_package(client)
    broken = copy.deepcopy(package)
    lot_release = next(r for r in broken["releases"] if r.get("tender", {}).get("lots"))
    lot_release["tender"]["lots"][0]["value"]["amount"] = "48602500"
    bid_release = next(r for r in broken["releases"] if r.get("bids"))
    bid_release["bids"]["details"][0]["status"] = "opened"
    del bid_release["bids"]["details"][0]["id"]
    del broken["releases"][0]["date"]
    result = validate(broken, tmp_path)
    errors = {(e["type"], e["path"]) for e in result["validation_errors"]}
    paths = " ".join(e["path"] + " " + e["description"] for e in result["validation_errors"])
    assert any(t == "number" and "/tender/lots/0/value/amount" in p for t, p in errors), paths
    assert "bids/details/0" in paths and "'id' is missing" in paths, paths
    assert "'date' is missing" in paths, paths
    assert "releases/bids/details/status" in result["additional_closed_codelist_values"]


# ---------------------------------------------------------------------------
# Mapping


def test_mapping_of_the_example_tender(platform, client):
    send(platform, example_tender())
    record = client.get("/api/ocds/record-package", {"ocid": EXAMPLE_OCID}).json()["records"][0]
    c = record["compiledRelease"]
    assert c["ocid"] == EXAMPLE_OCID == f"ocds-e7t3nd-{EXAMPLE_TP}"
    assert c["initiationType"] == "tender" and c["tag"] == ["compiled"]
    parties = {p["id"]: p for p in c["parties"]}
    # 统一社会信用代码: CN-SAIC for enterprises (authority 9), CN-USCC for the others (here a public institution, 12…).
    tenderer, agency = parties["CN-USCC-12330106MB0A12345Y"], parties["CN-SAIC-91330100MA27XY4L2M"]
    assert tenderer["identifier"] == {"scheme": "CN-USCC", "id": "12330106MB0A12345Y", "legalName": "杭州市西湖区城市建设发展中心"}
    assert tenderer["roles"] == ["buyer"] and agency["roles"] == ["procuringEntity"]  # 委托招标 (TENDER_ORGANIZE_FORM 2)
    assert tenderer["contactPoint"]["telephone"] == "0571-87000000" and tenderer["address"]["streetAddress"] == "杭州市西湖区三墩路1号"
    assert c["buyer"]["id"] == tenderer["id"] and c["tender"]["procuringEntity"]["id"] == agency["id"]
    winner = parties["CN-SAIC-91330108MA2B7C8D9C"]
    assert winner["roles"] == ["tenderer", "supplier"] and winner["name"] == "浙江通衢建设有限公司"
    tender = c["tender"]
    assert tender["id"] == EXAMPLE_TP and tender["procurementMethod"] == "open" and tender["mainProcurementCategory"] == "works"
    assert tender["tenderPeriod"] == {"startDate": "2025-03-10T09:00:00+08:00", "endDate": "2025-04-01T09:30:00+08:00"}
    assert tender["awardCriteria"] == "priceOnly" and tender["awardCriteriaDetails"] == "经评审的最低投标价法"
    assert tender["amendments"][0]["description"].startswith("一、工程量清单第3.2项")
    # Amounts in yuan: 4860.25 万元 and 4712.368 万元.
    (lot,) = tender["lots"]
    section = EXAMPLES["502"]["BID_SECTION_CODE"]
    assert lot["id"] == section and lot["value"] == {"amount": 48602500, "currency": "CNY"} and lot["status"] == "complete"
    assert lot["contractPeriod"] == {"startDate": "2025-05-01T00:00:00+08:00", "durationInDays": 300}
    (bid,) = c["bids"]["details"]
    assert bid["value"] == {"amount": 47123680, "currency": "CNY"} and bid["relatedLots"] == [section]
    assert bid["status"] == "valid" and bid["tenderers"] == [{"id": winner["id"], "name": winner["name"]}]  # 507 pending, then 510 valid
    (award,) = c["awards"]
    assert award["value"] == {"amount": 47123680, "currency": "CNY"} and award["status"] == "active"
    assert award["suppliers"] == [{"id": winner["id"], "name": winner["name"]}] and award["relatedLots"] == [section] and award["relatedBid"] == bid["id"]
    (contract,) = c["contracts"]
    assert contract["awardID"] == award["id"] and contract["dateSigned"] == "2025-04-25T15:00:00+08:00" and contract["value"]["amount"] == 47123680
    assert c["planning"]["budget"]["projectID"] == EXAMPLES["500"]["PROJECT_CODE"]
    tags = [r["tag"][0] for r in record["releases"]]
    assert {"planning", "tender", "tenderAmendment", "tenderUpdate", "award", "contract"} == set(tags)
    assert sorted(r["id"][:3] for r in record["releases"]) == ["500", "501", "502", "503", "504", "506", "507", "510", "511", "512", "513"]


def test_compiled_release_equals_ocdsmerge(platform, client):
    """Our merge gives what the reference implementation gives, on the schema patched with both extensions."""
    from ocdsmerge import Merger

    send(platform, example_tender())
    generated = process(5, platform=platform.code, lots=3, bidders=4)
    send(platform, [e for no in ORDER for e in generated[no]])
    update = copy.deepcopy(generated["507"][1])
    update["record"]["BID_PRICE"] = "4999.5"
    send(platform, [update, copy.deepcopy(generated["501"][0])])  # corrections: new versions, merged later
    merger = Merger(schema=patched_release_schema())
    ocids = {r["ocid"] for r in whole_package(client)["releases"]}
    assert len(ocids) == 2
    for ocid in ocids:
        record = client.get("/api/ocds/record-package", {"ocid": ocid}).json()["records"][0]
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # e.g. DuplicateIdValueWarning
            reference = merger.create_compiled_release(record["releases"])
        assert record["compiledRelease"] == reference
        assert merge.compile_release(record["releases"]) == reference


# ---------------------------------------------------------------------------
# Confidentiality


def restricted_values(envelopes: list[dict]) -> set[str]:
    """Values of restricted and secret fields that no public field of the same data contains."""
    public = [r["record"][f.name] for r in envelopes for f in fields(r["dataset"]) if f.disclosure == "public" and f.name in r["record"]]
    out = set()
    for r in envelopes:
        for f in fields(r["dataset"]):
            v = r["record"].get(f.name)
            if f.disclosure != "public" and v and not any(v in p for p in public):
                out.add(v)
    return out


def test_restricted_and_secret_fields_never_appear(platform, client):
    envelopes = example_tender()
    send(platform, envelopes)
    secrets = restricted_values(envelopes)
    # Among them the examples of the issue: bidder contact phone and ID numbers (507, 508, 513, 523), a contract code (512 key).
    assert {"13800138000", "33010819000101002X", "33010619000101001X", "33010219000101003X", "XHCJ-2025-SG-037-01", "王建平", "钱程"} <= secrets
    outputs = {
        "release package": json.dumps(whole_package(client), ensure_ascii=False),
        "record package": client.get("/api/ocds/record-package", {"ocid": EXAMPLE_OCID}).content.decode(),
        "jsonl": b"".join(client.get("/api/ocds/releases.jsonl").streaming_content).decode(),
        "page zh": client.get("/open-data/").content.decode(),
        "page en": client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="en").content.decode(),
    }
    for where, text in outputs.items():
        leaked = sorted(v for v in secrets if v in text)
        assert leaked == [], f"{where} shows {leaked}"
    assert "浙江通衢建设有限公司" in outputs["jsonl"]  # the checks looked at real content


def test_bidders_and_candidates_stay_secret_until_opening_and_publicity(platform, client):
    tender = process(3, platform=platform.code, lots=1)
    before = [e for no in ORDER if no not in ("506", "511", "513", "512") for e in tender[no]]
    send(platform, before)
    names = {e["record"]["BIDDER_NAME"] for e in tender["507"]}
    text = json.dumps(whole_package(client), ensure_ascii=False)
    assert not any(n in text for n in names) and "bids" not in text
    ocid = f"{PREFIX}-{tender['501'][0]['record']['TENDER_PROJECT_CODE']}"
    assert "bids" not in client.get("/api/ocds/record-package", {"ocid": ocid}).json()["records"][0]["compiledRelease"]

    send(platform, tender["506"])  # the opening record lifts the bidder list's embargo
    compiled = client.get("/api/ocds/record-package", {"ocid": ocid}).json()["records"][0]["compiledRelease"]
    assert {b["status"] for b in compiled["bids"]["details"]} == {"pending"} and len(compiled["bids"]["details"]) == 3
    assert {t["name"] for t in compiled["tender"]["tenderers"]} == names

    send(platform, tender["511"])  # the candidate publicity lifts the candidates' embargo
    compiled = client.get("/api/ocds/record-package", {"ocid": ocid}).json()["records"][0]["compiledRelease"]
    assert {b["status"] for b in compiled["bids"]["details"]} == {"valid"}


# ---------------------------------------------------------------------------
# Paging and bulk download


def test_paging_never_skips_or_repeats_releases_under_inserts(platform, client):
    one, two, three = (process(n, platform=platform.code, lots=2) for n in (11, 12, 13))
    send(platform, [e for no in ORDER if no != "506" for e in one[no]])  # bidder lists wait for their opening record
    corrected = copy.deepcopy(one["503"][0])
    corrected["record"]["NOTICE_CONTENT"] += "（更正）"
    between_pages = [
        lambda: send(platform, [e for no in ORDER for e in two[no]]),
        lambda: send(platform, one["506"]),  # lifts the embargo of bidder lists the reader has already passed
        lambda: send(platform, [corrected]),  # a new version: a new release
        lambda: send(platform, [e for no in ORDER[:6] for e in three[no]]),
        lambda: send(platform, [e for no in ORDER[6:] for e in three[no]]),
    ]
    seen: list[tuple[str, str]] = []
    url = "/api/ocds/release-package?limit=5"
    first_pages: list[tuple[str, str]] | None = None
    while True:
        page = client.get(url).json()
        seen += [(r["ocid"], r["id"]) for r in page["releases"]]
        url = page["links"]["next"]
        if between_pages:
            if first_pages is None:
                first_pages = list(seen)
            between_pages.pop(0)()
        elif len(page["releases"]) < 5:
            break
    assert len(seen) == len(set(seen)), "a release was returned twice"
    now = [(r["ocid"], r["id"]) for r in all_pages(client, "/api/ocds/release-package?limit=1000")]
    assert set(now) <= set(seen), f"skipped: {sorted(set(now) - set(seen))}"
    superseded = {(f"{PREFIX}-{one['501'][0]['record']['TENDER_PROJECT_CODE']}", f"503-{one['503'][0]['key']}-1")}
    assert set(seen) - set(now) == superseded
    bidders_one = {(o, i) for o, i in seen if i.startswith("507-") and o.endswith(one["501"][0]["record"]["TENDER_PROJECT_CODE"])}
    assert len(bidders_one) == 6 and not bidders_one & set(first_pages or [])


def test_jsonl_is_the_release_package_content(platform, client):
    send(platform, example_tender())
    for n in (21, 22):
        tender = process(n, platform=platform.code, lots=2)
        send(platform, [e for no in ORDER for e in tender[no]])
    paged = all_pages(client, "/api/ocds/release-package?limit=7")
    assert len(paged) > 40
    assert jsonl(client) == paged
    # Filters and cursors work the same way on both.
    ocid = paged[-1]["ocid"]
    assert jsonl(client, f"/api/ocds/releases.jsonl?ocid={ocid}") == all_pages(client, f"/api/ocds/release-package?limit=3&ocid={ocid}") == [r for r in paged if r["ocid"] == ocid]
    page = client.get("/api/ocds/release-package?limit=10").json()
    after = page["links"]["next"].split("after=")[1].split("&")[0]
    assert jsonl(client, f"/api/ocds/releases.jsonl?after={after}") == paged[10:]


# ---------------------------------------------------------------------------
# Input


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/ocds/release-package?limit=0", 400, "E035"),
        ("/api/ocds/release-package?limit=1001", 400, "E035"),
        ("/api/ocds/release-package?limit=ten", 400, "E035"),
        ("/api/ocds/release-package?after=-1", 400, "E035"),
        ("/api/ocds/release-package?after=1e3", 400, "E035"),
        ("/api/ocds/release-package?since=yesterday", 400, "E035"),
        ("/api/ocds/release-package?since=2025-03-10T09:00:00", 400, "E035"),  # no offset
        ("/api/ocds/release-package?since=0001-01-01T00:00:00%2B05:00", 400, "E035"),  # before year 1 in UTC
        ("/api/ocds/releases.jsonl?since=9999-12-31T23:59:59-05:00", 400, "E035"),  # after year 9999 in UTC
        ("/api/ocds/release-package?ocid=ocds-other1-E3301062025000037001", 400, "E036"),
        ("/api/ocds/release-package?ocid=ocds-e7t3nd-%3Cscript%3E", 400, "E036"),
        ("/api/ocds/release-package?limit=" + "9" * 50, 422, "E001"),
        ("/api/ocds/record-package", 400, "E036"),
        ("/api/ocds/record-package?ocid=ocds-e7t3nd-E3301062099000001001", 404, "E037"),
        ("/api/ocds/releases.jsonl?after=x", 400, "E035"),
        ("/api/ocds/releases.jsonl?ocid=nope", 400, "E036"),
    ],
)
def test_bad_query_parameters_give_coded_errors(client, url, status, code):
    r = client.get(url)
    assert r.status_code == status, r.content
    body = r.json()
    assert body["code"] == code and body["message_zh"] and body["message_en"]


def test_since_and_empty_feed(platform, client):
    assert client.get("/api/ocds/release-package").json()["releases"] == []
    assert jsonl(client) == []
    send(platform, example_tender())
    assert len(client.get("/api/ocds/release-package?since=2000-01-01T00:00:00Z").json()["releases"]) == 11
    assert client.get("/api/ocds/release-package?since=2999-01-01T00:00:00%2B08:00").json()["releases"] == []


def test_openapi_documents_the_endpoints(client):
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/ocds/release-package", "/api/ocds/record-package", "/api/ocds/releases.jsonl"):
        op = spec["paths"][path]["get"]
        assert op["summary"] and not op.get("security")
    params = {p["name"] for p in spec["paths"]["/api/ocds/release-package"]["get"]["parameters"]}
    assert params == {"after", "since", "limit", "ocid"}
    assert "application/x-ndjson" in spec["paths"]["/api/ocds/releases.jsonl"]["get"]["responses"]["200"]["content"]


@pytest.mark.parametrize("path", ["/api/ocds/release-package", "/api/ocds/record-package", "/api/ocds/releases.jsonl"])
def test_no_query_gives_a_server_error(client, platform, path):
    """Whatever the query string, the answer is the data or a coded 4xx."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    send(platform, example_tender())
    values = st.one_of(st.text(max_size=30), st.integers(-(10**20), 10**20).map(str), st.sampled_from([EXAMPLE_OCID, "2025-03-10T09:00:00+08:00", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "1e9", " 1"]))

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(st.dictionaries(st.sampled_from(["after", "since", "limit", "ocid", "other"]), values, max_size=4))
    def check(params):
        r = client.get(path, params)
        assert r.status_code < 500, (params, r.status_code)
        if r.status_code >= 400:
            assert r.json()["code"] in {"E001", "E035", "E036", "E037"}, (params, r.content)
        elif path.endswith(".jsonl"):
            b"".join(r.streaming_content)

    check()


@pytest.mark.django_db(transaction=True)
def test_paging_under_concurrent_writers():
    """Readers page while four platforms send processes (bidder lists before their opening records) at the same time."""
    import threading

    from django.db import connection

    from etender.hub.opendata.testing import SignedPlatform

    from .conftest import ACTOR

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL concurrency")
    senders = [SignedPlatform(40 + i) for i in range(4)]
    for s in senders:
        s.register(ACTOR)
    done = threading.Event()
    failures: list[BaseException] = []
    seen: list[tuple[str, str]] = []

    def reader():
        c = Client()
        url = "/api/ocds/release-package?limit=9"
        try:
            while True:
                finished = done.is_set()
                page = c.get(url).json()
                seen.extend((r["ocid"], r["id"]) for r in page["releases"])
                url = page["links"]["next"]
                if finished and len(page["releases"]) < 9:
                    break
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    def writer(k: int, sender: SignedPlatform):
        try:
            for i in range(3):
                tender = process(100 * k + i + 1, platform=sender.code, lots=2)
                sender.send(ACTOR, [e for no in ORDER if no != "506" for e in tender[no]])
                sender.send(ACTOR, tender["506"])
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)
        finally:
            connection.close()

    r = threading.Thread(target=reader)
    r.start()
    writers = [threading.Thread(target=writer, args=(k + 1, s)) for k, s in enumerate(senders)]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    done.set()
    r.join(timeout=120)
    assert not failures, failures
    assert len(seen) == len(set(seen)), "a release was returned twice"
    final = [(r["ocid"], r["id"]) for r in all_pages(Client(), "/api/ocds/release-package?limit=1000")]
    assert len(final) == 4 * 3 * 24 and set(seen) == set(final)
