"""Tests for etender.kernel.exchange (data-exchange standard v1)."""

from __future__ import annotations

import copy
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etender.kernel.exchange import (
    BASES,
    CODE_TABLES,
    DATASETS,
    DISCLOSURES,
    ERROR_CODES,
    RESERVED,
    SCHEMA_BASE,
    ExchangeError,
    all_schemas,
    effective_disclosure,
    envelope_schema,
    exchange_markdown,
    fields,
    public_key,
    public_view,
    record_key,
    schema,
    validate_envelope,
    validate_record,
)
from etender.kernel.exchange.examples import EXAMPLES, PLATFORM, example, example_envelope

REQUESTED = ["212", "404", "500", "501", "502", "503", "504", "506", "507", "508", "509", "510", "511", "512", "513", "519", "523"]

#: Number of fields in each national V4 line (guards the transcription).
FIELD_COUNTS = {
    "212": 22, "404": 24, "500": 19, "501": 34, "502": 17, "503": 41, "504": 31, "506": 12, "507": 31, "508": 9,
    "509": 9, "510": 20, "511": 21, "512": 19, "513": 32, "519": 19, "523": 29,
}  # fmt: skip

TENDER = EXAMPLES["501"]["TENDER_PROJECT_CODE"]


def codes_of(errors: list[ExchangeError]) -> list[tuple[str, str | None]]:
    return [(e.code, e.field) for e in errors]


def has_cjk(s: str) -> bool:
    return any(unicodedata.name(c, "").startswith("CJK") for c in s)


# ---------------------------------------------------------------------------
# Data sets


def test_the_requested_data_sets_are_defined_from_v4():
    assert list(DATASETS) == REQUESTED
    for no, ds in DATASETS.items():
        assert ds.version == "V4"
        assert len(ds.fields) == FIELD_COUNTS[no], no
        assert ds.zh and ds.en and ds.table.isupper()


def test_reserved_numbers_are_named_and_refused():
    assert set(RESERVED) == {str(n) for n in [*range(300, 307), *range(400, 404)]}
    assert {r.group for no, r in RESERVED.items() if no.startswith("3")} == {"credit"}
    assert {r.group for no, r in RESERVED.items() if no.startswith("4")} == {"supervision"}
    assert RESERVED["302"].table == "BLACK_LIST" and RESERVED["402"].table == "PROJECT_ALERTING_INFO"
    for no, r in RESERVED.items():
        assert r.zh and r.en
        errors = validate_record(no, {})
        assert codes_of(errors) == [("X009", None)]
        assert "reserved" in errors[0].message_en and "预留" in errors[0].message_zh
        with pytest.raises(KeyError):
            schema(no)


def test_key_fields_are_required_and_fields_unique():
    for ds in DATASETS.values():
        required = {f.name for f in ds.fields if f.required}
        assert set(ds.key) <= required
        assert len({f.name for f in ds.fields}) == len(ds.fields)


def test_types_and_tables_follow_the_national_validators():
    for ds in DATASETS.values():
        for f in ds.fields:
            if f.table is not None:
                assert f.table in CODE_TABLES
                assert f.type == "code"
            if f.type == "number":
                assert f.digits is not None
            if f.area_code:
                assert f.table == "GB/T 2260"
            if f.date_format:
                assert f.type in ("date", "date-time")
    assert DATASETS["502"].field("BEGIN_DATE").type == "date"
    assert DATASETS["502"].field("CREATE_TIME").type == "date-time"
    assert DATASETS["501"].field("TENDER_MODE").table == "dom1000"
    assert DATASETS["500"].field("PROJECT_CODE").validators == ("UniqueValue", "CannotModify")
    assert DATASETS["502"].field("TENDER_PROJECT_CODE").needs_tender_project


def test_unified_deal_code_length_deviation_is_recorded():
    f = DATASETS["502"].field("UNIFIED_DEAL_CODE")
    assert f.national_length == "len=40" and f.length == 40 and not f.exact and f.length_note
    assert len(EXAMPLES["502"]["UNIFIED_DEAL_CODE"]) == 36


# ---------------------------------------------------------------------------
# Disclosure


def test_every_field_has_a_class_from_its_basis():
    for ds in DATASETS.values():
        for f in ds.fields:
            assert f.disclosure in DISCLOSURES
            assert BASES[f.basis].disclosure == f.disclosure


@pytest.mark.parametrize(
    ("no", "name"),
    [
        ("519", "CPU_ID"),
        ("519", "HARD_DISK_SERIAL_NUMBER"),
        ("519", "MEMORY_SERIAL_NUMBER"),
        ("519", "MAC_ADDRESS"),
        ("519", "NET_ID"),
        ("519", "TENDER_DOCUMENTS_URL"),
        ("508", "ID_CARD"),
        ("507", "PM_CODE"),
        ("507", "BIDDER_OPERATION_PERSON_ID"),
        ("507", "BIDDER_OPERATION_PERSON_CON"),
        ("513", "PROJECT_LEAD_ID"),
        ("523", "PROPOSER_CODE"),
        ("523", "PROPOSER_PHONE"),
        ("523", "PURCHASE_ACCOUN"),
        ("500", "CONTACT_INFORMATION"),
    ],
)
def test_secret_fields(no, name):
    assert DATASETS[no].field(name).disclosure == "secret"


def test_identity_numbers_and_personal_phones_are_secret_everywhere():
    for ds in DATASETS.values():
        for f in ds.fields:
            if ("身份证" in f.zh or "证件号" in f.zh) and "类型" not in f.zh:  # the number, not the document type
                assert f.disclosure == "secret", (ds.no, f.name)
            if ("电话" in f.zh or "联系方式" in f.zh) and f.basis != "law41":
                assert f.disclosure == "secret", (ds.no, f.name)


def test_article_41_items_are_public():
    assert DATASETS["501"].field("TENDERER_NAME").disclosure == "public"
    assert DATASETS["503"].field("TENDERER_PHONE_NUMBER").disclosure == "public"  # art 41 (1): contact
    assert DATASETS["503"].field("TENDER_AGENCY_CONTACTOR").disclosure == "public"  # art 41 (3)
    assert DATASETS["507"].field("BIDDER_NAME").disclosure == "public"  # art 41 (4), after the opening
    assert DATASETS["507"].field("BID_MANAGER").disclosure == "public"
    assert DATASETS["513"].field("BID_AMOUNT").disclosure == "public"  # art 41 (5)
    assert DATASETS["512"].field("CONTRACT_SIGN_TIME").disclosure == "public"
    assert DATASETS["512"].field("CONTRACT_CONTENT").disclosure == "restricted"


def test_embargo_expert_identity_until_award_and_prices_until_opening():
    assert effective_disclosure("508", "EXPERT_NAME") == "secret"
    assert effective_disclosure("508", "EXPERT_NAME", embargo_lifted=True) == "restricted"
    assert effective_disclosure("508", "ID_CARD", embargo_lifted=True) == "secret"
    assert effective_disclosure("507", "BID_PRICE") == "secret"
    assert effective_disclosure("507", "BID_PRICE", embargo_lifted=True) == "public"
    assert DATASETS["508"].embargo == "award"
    assert DATASETS["507"].embargo == DATASETS["519"].embargo == DATASETS["523"].embargo == "bid_opening"
    assert DATASETS["503"].embargo is None


@pytest.mark.parametrize("no", REQUESTED)
def test_public_view_drops_restricted_and_secret_fields(no):
    record = example(no)
    record["NOT_A_NATIONAL_FIELD"] = "x"
    view = public_view(no, record, embargo_lifted=True)
    public = {f.name for f in fields(no, "public")}
    assert set(view) == public & set(record)
    for name in view:
        assert DATASETS[no].field(name).disclosure == "public"
    hidden = {f.name for f in DATASETS[no].fields if f.disclosure != "public"} & set(record)
    assert not hidden & set(view)
    if DATASETS[no].embargo:
        assert public_view(no, record) == {}
    else:
        assert public_view(no, record) == view


def test_public_view_of_the_opening_details():
    view = public_view("507", example("507"), embargo_lifted=True)
    assert view["BIDDER_NAME"] == "浙江通衢建设有限公司" and view["BID_PRICE"] == "4712.368"
    for name in ("PM_CODE", "BIDDER_OPERATION_PERSON", "BIDDER_OPERATION_PERSON_ID", "BIDDER_OPERATION_PERSON_CON", "CHECKIN_TIME"):
        assert name not in view


def test_fields_by_class():
    assert {f.name for f in fields("519", "secret")} >= {"CPU_ID", "HARD_DISK_SERIAL_NUMBER", "MEMORY_SERIAL_NUMBER", "MAC_ADDRESS"}
    total = sum(len(fields("503", c)) for c in DISCLOSURES)
    assert total == len(fields("503")) == 41
    with pytest.raises(ValueError):
        fields("503", "confidential")  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        fields("999")


def test_public_key():
    assert public_key("502", "k") == "k"
    assert public_key("507", "k") is None
    assert public_key("507", "k", embargo_lifted=True) == "k"
    assert public_key("508", "k", embargo_lifted=True) is None  # holds ID_CARD
    assert DATASETS["508"].key_disclosure == "secret"


# ---------------------------------------------------------------------------
# JSON Schema, structural checks (no jsonschema needed)


@pytest.mark.parametrize("no", REQUESTED)
def test_schema_structure(no):
    s = schema(no)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["$id"] == f"https://etender.example/exchange/v1/{no}.json"
    assert DATASETS[no].zh in s["title"] and DATASETS[no].en in s["title"]
    assert s["type"] == "object" and s["additionalProperties"] is False
    assert set(s["required"]) <= set(s["properties"])
    assert s["x-etender-key"] == list(DATASETS[no].key)
    for name, p in s["properties"].items():
        assert p["x-etender-national-name"] == name
        assert p["x-etender-disclosure"] in DISCLOSURES
        assert p["x-etender-disclosure-basis"] in BASES
        assert p["type"] in ("string", ["string", "null"])
        assert (p["type"] == "string") == (name in s["required"])
        for k in ("maxLength", "minLength"):
            if k in p:
                assert isinstance(p[k], int) and p[k] >= 0
        if "maxLength" in p and "minLength" in p:
            assert p["minLength"] <= p["maxLength"]
        if "pattern" in p:
            re.compile(p["pattern"])
        if "enum" in p:
            assert all(v is None or isinstance(v, str) for v in p["enum"])
        f = DATASETS[no].field(name)
        if f.length is not None and f.exact and not f.multi and f.required:
            assert p["minLength"] == p["maxLength"] == f.length


def test_schemas_are_fresh_and_base_uri_can_be_overridden():
    a = schema("503")
    a["properties"].clear()
    assert schema("503")["properties"]
    s = all_schemas(base_uri="https://hub.example.gov.cn/x/")
    assert list(s) == REQUESTED
    assert s["502"]["$id"] == "https://hub.example.gov.cn/x/502.json"
    assert envelope_schema(base_uri="https://hub.example.gov.cn/x/")["$id"] == "https://hub.example.gov.cn/x/envelope.json"
    assert SCHEMA_BASE == "https://etender.example/exchange/v1/"


def test_envelope_schema_structure():
    s = envelope_schema()
    assert s["required"] == ["dataset", "key", "op", "record", "source"]
    assert s["properties"]["op"]["enum"] == ["upsert", "delete"]
    assert s["properties"]["dataset"]["enum"] == REQUESTED
    assert len(s["allOf"]) == 2 * len(REQUESTED)
    refs = {b["then"]["properties"]["record"].get("$ref") for b in s["allOf"]} - {None}
    assert refs == {f"{no}.json" for no in REQUESTED}


# ---------------------------------------------------------------------------
# JSON Schema, meta-validation (jsonschema)


def _validators():
    jsonschema = pytest.importorskip("jsonschema")
    referencing = pytest.importorskip("referencing")
    schemas = all_schemas()
    registry = referencing.Registry().with_resources([(s["$id"], referencing.Resource.from_contents(s)) for s in schemas.values()])
    cls = jsonschema.Draft202012Validator
    return cls, {no: cls(s) for no, s in schemas.items()}, cls(envelope_schema(), registry=registry)


def test_every_schema_is_valid_json_schema():
    cls, _, _ = _validators()
    for s in [*all_schemas().values(), envelope_schema()]:
        cls.check_schema(s)


@pytest.mark.parametrize("no", REQUESTED)
def test_examples_pass_their_schema_and_envelope_schema(no):
    _, per_set, envelope = _validators()
    assert list(per_set[no].iter_errors(example(no))) == []
    for op in ("upsert", "delete"):
        assert list(envelope.iter_errors(example_envelope(no, op))) == []


def test_envelope_schema_checks_the_record_through_ref():
    _, _, envelope = _validators()
    env = example_envelope("502")
    env["record"]["BID_ECTION_NUM"] = "12"  # one digit allowed
    assert not envelope.is_valid(env)
    env = example_envelope("502", "delete")
    env["record"]["BID_SECTION_NAME"] = "x"  # a delete carries the key only
    assert not envelope.is_valid(env)
    env = example_envelope("502")
    env["source"]["platform"] = "not a credit code"
    assert not envelope.is_valid(env)


def test_schema_enforces_relate_code_rule():
    _, per_set, _ = _validators()
    record = example("500")
    del record["INVEST_PROJECT_CODE"]
    assert not per_set["500"].is_valid(record)
    record["RELATE_CODE"] = "0"
    assert per_set["500"].is_valid(record)


# ---------------------------------------------------------------------------
# Validator: valid records


@pytest.mark.parametrize("no", REQUESTED)
def test_realistic_example_is_valid(no):
    calls = []

    def lookup(target, value):
        calls.append((target, value))
        return target == "501"  # the parent exists, no value is taken by another record

    assert validate_record(no, example(no), lookup=lookup, previous=example(no)) == []
    assert validate_envelope(example_envelope(no)) == []
    assert validate_envelope(example_envelope(no, "delete")) == []
    parent = DATASETS[no].field("TENDER_PROJECT_CODE")
    if parent is not None and parent.needs_tender_project:
        assert ("501", TENDER) in calls


def test_absent_optional_values_may_be_omitted_null_or_empty():
    record = example("502")
    record["BEGIN_DATE"] = None
    record["LIMITE_TIME"] = ""
    del record["CURRENCY_CODE"]
    assert codes_of(validate_record("502", record)) == [("X001", "CURRENCY_CODE")]
    del record["BEGIN_DATE"]
    record["CURRENCY_CODE"] = "156"  # numeric GB/T 12406 code
    assert validate_record("502", record) == []


def test_lists_are_separated_by_semicolons():
    record = example("503")
    second = TENDER + "002"
    record["BID_SECTION_CODES"] = f"{EXAMPLES['502']['BID_SECTION_CODE']};{second}"
    assert validate_record("503", record) == []
    record["BID_SECTION_CODES"] = f"{EXAMPLES['502']['BID_SECTION_CODE']},{second}"
    assert codes_of(validate_record("503", record)) == [("X002", "BID_SECTION_CODES")]


def test_relaxed_codes_accept_other_platforms_coding():
    # S8 builds PROJECT_CODE as industry (3) + region (6) + sequence (8).
    record = example("501")
    record["PROJECT_CODE"] = "E48330106" + "00000037"
    record["TENDER_PROJECT_CODE"] = record["PROJECT_CODE"] + "001"
    assert {e.code for e in validate_record("501", record)} == {"X003"}
    assert validate_record("501", record, strict_codes=False) == []
    record["UNIFIED_DEAL_CODE"] = "lower-case"
    assert codes_of(validate_record("501", record, strict_codes=False)) == [("X003", "UNIFIED_DEAL_CODE")]


# ---------------------------------------------------------------------------
# Validator: every error code


def _mutated(no, **changes):
    record = example(no)
    for k, v in changes.items():
        if v is KeyError:
            record.pop(k, None)
        else:
            record[k] = v
    return record


SECTION = EXAMPLES["502"]["BID_SECTION_CODE"]

CASES = [
    # X001 required
    ("500", {"PROJECT_NAME": KeyError}, "X001", "PROJECT_NAME"),
    ("500", {"PROJECT_NAME": None}, "X001", "PROJECT_NAME"),
    ("500", {"PROJECT_NAME": " \u3000 "}, "X001", "PROJECT_NAME"),
    ("500", {"INVEST_PROJECT_CODE": KeyError}, "X001", "INVEST_PROJECT_CODE"),  # RELATE_CODE is 1
    # X002 length
    ("500", {"PROJECT_CODE": "E33010620250000371"}, "X002", "PROJECT_CODE"),
    ("500", {"PROJECT_NAME": "工" * 601}, "X002", "PROJECT_NAME"),
    ("519", {"BIDDER_ORG_CODE": "9" * 19}, "X002", "BIDDER_ORG_CODE"),
    ("503", {"BID_SECTION_CODES": SECTION + ";" + SECTION[:-1]}, "X002", "BID_SECTION_CODES"),
    # X003 code table, identifier format, nesting
    ("501", {"TENDER_MODE": "3"}, "X003", "TENDER_MODE"),
    ("503", {"SYNDICATED_FLAG": "Y"}, "X003", "SYNDICATED_FLAG"),
    ("507", {"BIDDER_ROLE": "0-"}, "X003", "BIDDER_ROLE"),
    ("502", {"TENDER_PROJECT_CLASSIFY_CODE": "F08"}, "X003", "TENDER_PROJECT_CLASSIFY_CODE"),
    ("502", {"CURRENCY_CODE": "cny"}, "X003", "CURRENCY_CODE"),
    ("502", {"UNIFIED_DEAL_CODE": "91330106MA2H3K7Q1F-20250310-000058-Z"}, "X003", "UNIFIED_DEAL_CODE"),
    ("502", {"BID_SECTION_CODE": TENDER[:-1] + "2" + "001"}, "X003", "BID_SECTION_CODE"),
    ("502", {"BID_SECTION_CODE": "e" + SECTION[1:]}, "X003", "BID_SECTION_CODE"),
    ("501", {"PROJECT_CODE": "E3301062025000038"}, "X003", "TENDER_PROJECT_CODE"),
    # X004 JSON type, date, number
    ("502", {"CONTRACT_RECKON_PRICE": 4860.25}, "X004", "CONTRACT_RECKON_PRICE"),
    ("502", {"CONTRACT_RECKON_PRICE": "-1"}, "X004", "CONTRACT_RECKON_PRICE"),
    ("502", {"CONTRACT_RECKON_PRICE": "1.1234567"}, "X004", "CONTRACT_RECKON_PRICE"),
    ("502", {"CONTRACT_RECKON_PRICE": "4,860.25"}, "X004", "CONTRACT_RECKON_PRICE"),
    ("502", {"LIMITE_TIME": "300.5"}, "X004", "LIMITE_TIME"),
    ("502", {"CREATE_TIME": "20250230102000"}, "X004", "CREATE_TIME"),
    ("502", {"CREATE_TIME": "2025-03-05 10:20"}, "X004", "CREATE_TIME"),
    ("502", {"BEGIN_DATE": "20250501000000"}, "X004", "BEGIN_DATE"),
    ("502", {"CREATE_TIME": "２０２５０３０５１０２０００"}, "X004", "CREATE_TIME"),
    ("508", {"IS_CHAIR_MAN": True}, "X004", "IS_CHAIR_MAN"),
    # X005 region
    ("502", {"REGION_CODE": "990106"}, "X005", "REGION_CODE"),
    ("507", {"BIDDER_REGION_CODE": "33A108"}, "X005", "BIDDER_REGION_CODE"),
    # X009 unknown field
    ("507", {"OPEN_STATUS": "ok"}, "X009", "OPEN_STATUS"),
]


@pytest.mark.parametrize(("no", "changes", "code", "field"), CASES)
def test_error_codes(no, changes, code, field):
    errors = validate_record(no, _mutated(no, **changes))
    assert (code, field) in codes_of(errors), errors
    for e in errors:
        assert e.code in ERROR_CODES
        assert e.message_zh and e.message_en and has_cjk(e.message_zh)


def test_x006_uniqueness_reported_by_lookup():
    taken = {("500.PROJECT_NAME", EXAMPLES["500"]["PROJECT_NAME"])}
    errors = validate_record("500", example("500"), lookup=lambda t, v: (t, v) in taken)
    assert codes_of(errors) == [("X006", "PROJECT_NAME")]


def test_x007_immutable_field_changed():
    previous = example("502")
    previous["BID_SECTION_CODE"] = TENDER + "009"
    previous["BID_SECTION_NAME"] = "旧名称"  # may change
    assert codes_of(validate_record("502", example("502"), previous=previous)) == [("X007", "BID_SECTION_CODE")]


def test_x008_parent_tender_project_missing():
    seen = []

    def lookup(target, value):
        seen.append((target, value))
        return False

    errors = validate_record("507", example("507"), lookup=lookup)
    assert codes_of(errors) == [("X008", "TENDER_PROJECT_CODE")]
    assert seen == [("501", TENDER)]
    assert "501" in errors[0].message_en


def test_lookup_is_not_asked_about_invalid_values():
    seen = []
    record = _mutated("502", TENDER_PROJECT_CODE="bad")
    validate_record("502", record, lookup=lambda t, v: seen.append((t, v)) or True)
    assert all(t != "501" for t, _ in seen)


def test_x009_unknown_data_sets():
    for junk in ("505", "", "500 ", None, 500, ["500"]):
        assert codes_of(validate_record(junk, {})) == [("X009", None)]  # type: ignore[arg-type]


def test_record_must_be_an_object():
    for junk in (None, [], "PROJECT_CODE", 1):
        assert codes_of(validate_record("500", junk)) == [("X004", None)]  # type: ignore[arg-type]


def test_all_error_codes_are_reachable():
    seen = {code for _, _, code, _ in CASES} | {"X006", "X007", "X008"}
    assert seen == set(ERROR_CODES)
    for zh, en in ERROR_CODES.values():
        assert has_cjk(zh) and en


# ---------------------------------------------------------------------------
# Envelopes and keys


def test_record_key():
    assert record_key("502", example("502")) == SECTION
    assert record_key("507", example("507")) == f"{SECTION}|{EXAMPLES['507']['BIDDER_ORG_CODE']}"
    record = example("523")
    record["GUARANTEE_NO"] = "BH|12%"
    assert record_key("523", record) == f"{SECTION}|BH%7C12%25"
    with pytest.raises(ValueError):
        record_key("502", {})


ENVELOPE_CASES = [
    (lambda e: e.pop("key"), "X001", "key"),
    (lambda e: e.update(key="E0"), "X003", "key"),
    (lambda e: e.update(op="insert"), "X003", "op"),
    (lambda e: e.update(dataset="302"), "X009", "dataset"),
    (lambda e: e.update(extra=1), "X009", "extra"),
    (lambda e: e.update(record=[]), "X004", "record"),
    (lambda e: e["source"].update(platform=PLATFORM[:-1] + "0"), "X003", "source.platform"),
    (lambda e: e["source"].update(platform=PLATFORM.lower()), "X003", "source.platform"),
    (lambda e: e["source"].update(occurred_at="2025-03-10T09:00:00"), "X004", "source.occurred_at"),
    (lambda e: e["source"].update(occurred_at="20250310090000"), "X004", "source.occurred_at"),
    (lambda e: e["source"].pop("platform"), "X001", "source.platform"),
    (lambda e: e["record"].pop("BID_SECTION_NAME"), "X001", "record.BID_SECTION_NAME"),
    (lambda e: e["record"].update(REGION_CODE="990106"), "X005", "record.REGION_CODE"),
]


@pytest.mark.parametrize(("change", "code", "field"), ENVELOPE_CASES)
def test_envelope_errors(change, code, field):
    env = example_envelope("502")
    change(env)
    assert (code, field) in codes_of(validate_envelope(env))


def test_delete_envelope_carries_only_the_key():
    env = example_envelope("507", "delete")
    assert set(env["record"]) == {"BID_SECTION_CODE", "BIDDER_ORG_CODE"}
    assert validate_envelope(env) == []
    env["record"]["BID_PRICE"] = "1"
    assert codes_of(validate_envelope(env)) == [("X009", "record.BID_PRICE")]
    env = example_envelope("507", "delete")
    del env["record"]["BIDDER_ORG_CODE"]
    assert ("X001", "record.BIDDER_ORG_CODE") in codes_of(validate_envelope(env))


def test_envelope_passes_lookup_and_previous_through():
    env = example_envelope("507")
    assert codes_of(validate_envelope(env, lookup=lambda t, v: False)) == [("X008", "record.TENDER_PROJECT_CODE")]
    previous = example("502")
    previous["BID_SECTION_CODE"] = TENDER + "009"
    assert codes_of(validate_envelope(example_envelope("502"), previous=previous)) == [("X007", "record.BID_SECTION_CODE")]


# ---------------------------------------------------------------------------
# Property tests: junk never raises


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=3),
    max_leaves=8,
)
dataset_numbers = st.sampled_from([*REQUESTED, *RESERVED]) | st.text(max_size=5) | st.integers() | st.none()
interesting_strings = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"[0-9]{1,16}(\.[0-9]{1,8})?", fullmatch=True),
    st.from_regex(r"E[0-9]{16,22}", fullmatch=True),
    st.sampled_from(["", " ", "0", "1", "CNY", "A08", "330106", "20250230000000", ";", "；", "\x00", "Ｅ３３", "9" * 2001]),
)


def _is_error_list(result) -> bool:
    return isinstance(result, list) and all(isinstance(e, ExchangeError) and e.code in ERROR_CODES for e in result)


@settings(max_examples=300, deadline=None)
@given(no=dataset_numbers, record=json_values | st.dictionaries(st.text(max_size=30), json_values, max_size=6))
def test_junk_records_never_raise(no, record):
    result = validate_record(no, record)
    assert _is_error_list(result)
    assert result  # a junk record is never valid (required fields missing, or not an object)


@settings(max_examples=300, deadline=None)
@given(envelope=json_values | st.fixed_dictionaries({}, optional={k: json_values for k in ("dataset", "key", "op", "record", "source", "x")}))
def test_junk_envelopes_never_raise(envelope):
    result = validate_envelope(envelope)
    assert _is_error_list(result) and result


@st.composite
def mutated_records(draw):
    no = draw(st.sampled_from(REQUESTED))
    record = example(no)
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from([f.name for f in DATASETS[no].fields]) | st.text(max_size=8))
        if draw(st.booleans()):
            record[name] = draw(interesting_strings)
        else:
            record[name] = draw(json_values)
    previous = draw(st.none() | st.just(example(no)) | json_values)
    return no, record, previous


_SCHEMA_CACHE: dict = {}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated_records(), strict=st.booleans())
def test_mutated_records_never_raise_and_validator_is_never_looser_than_schema(case, strict):
    no, record, previous = case
    before = copy.deepcopy(record)
    result = validate_record(no, record, previous=previous, lookup=lambda t, v: t == "501", strict_codes=strict)
    assert _is_error_list(result)
    assert record == before  # the validator does not mutate its input
    if not result and strict:
        try:
            import jsonschema
        except ImportError:  # pragma: no cover - the structural tests still run
            return
        if no not in _SCHEMA_CACHE:
            _SCHEMA_CACHE[no] = jsonschema.Draft202012Validator(schema(no))
        assert _SCHEMA_CACHE[no].is_valid(record), record


# ---------------------------------------------------------------------------
# Documentation


def test_markdown_covers_every_data_set_and_field():
    md = exchange_markdown()
    assert md.startswith("# Data-exchange standard v1")
    assert "RFC 8785" in md and "sequence number" in md and "change feed" in md
    for no, ds in DATASETS.items():
        assert f"### {no} {ds.zh}" in md
        for f in ds.fields:
            assert f"| {f.name} | {f.zh} |" in md
    for no in RESERVED:
        assert f"| {no} |" in md
    for code in ERROR_CODES:
        assert f"| {code} |" in md
    assert exchange_markdown() == md  # deterministic


def test_markdown_is_registered_for_generation(repo_root):
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_docs", repo_root / "scripts" / "gen_docs.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert gen.GENERATED["docs/exchange-standard.md"] is exchange_markdown


@pytest.fixture
def repo_root():
    import pathlib

    return pathlib.Path(__file__).resolve().parents[4]
