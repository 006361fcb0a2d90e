"""docs/exchange-standard.md, generated from the data sets (a test keeps them equal)."""

from __future__ import annotations

import json

from etender.kernel.exchange.datasets import (
    BASES,
    CODE_TABLES,
    DATASETS,
    DISCLOSURES,
    EMBARGO_EVENTS,
    IDENT_NAMES,
    RESERVED,
    Field,
)
from etender.kernel.exchange.examples import example_envelope
from etender.kernel.exchange.schema import IDENT_PATTERNS, SCHEMA_BASE, schema_id
from etender.kernel.exchange.validate import ERROR_CODES

__all__ = ["exchange_markdown"]

_CHECK_LABEL = {
    "values": "values enforced",
    "structure": "format enforced",
    "region": "region validator",
    "charset": "length/charset only",
}


def _type_cell(f: Field) -> str:
    if f.type in ("date-time", "date"):
        cell = f"{f.type} `{f.date_format}`"
    elif f.type == "number":
        assert f.digits is not None
        i, d = f.digits
        cell = f"number (≤{i} integer, ≤{d} decimal digits)" if d else f"number (integer, ≤{i} digits)"
    elif f.type == "code" and f.table is not None:
        t = CODE_TABLES[f.table]
        cell = f"code · {t.name} {t.zh} ({_CHECK_LABEL[t.check]})"
    elif f.ident is not None:
        cell = f"string · {IDENT_NAMES[f.ident][1]}"
    else:
        cell = "string"
    if f.multi:
        cell += " · `;` list"
    return cell


def _length_cell(f: Field) -> str:
    if f.national_length is None:
        return "—"
    cell = f.national_length
    if f.multi and (f.exact or f.ident is not None):
        cell += " each"
    if f.length_note:
        cell += f" (checked ≤{f.length})"
    return cell


def _disclosure_cell(f: Field) -> str:
    strong = f"**{f.disclosure}**" if f.disclosure != "restricted" else f.disclosure
    return f"{strong} ({f.basis})"


def _intro() -> list[str]:
    return [
        "# Data-exchange standard v1 (数据交换标准 v1)",
        "",
        "Generated from `etender.kernel.exchange` by `python scripts/gen_docs.py`; do not edit by hand.",
        "",
        "## Introduction",
        "",
        "Trading platforms (交易平台) report the national public-resource trading data sets to the hub, the public service",
        "platform (公共服务平台, 电子招标投标办法 44–45), which shares them with the supervision platform and publishes what",
        "must be public. This standard fixes the record level: the data sets and their fields (national names), how each",
        "value is checked, how confidential each field is, and the envelope around one record. The Python package",
        "`etender.kernel.exchange` is the single source: the JSON Schemas (`all_schemas()`, `envelope_schema()`), the",
        "validator (`validate_record()`, `validate_envelope()`), the disclosure views (`public_view()`, `fields()`) and",
        "this document are generated from the same tables.",
        "",
        "Transport is not part of this module; the hub service implements it: envelopes travel in batches signed by the",
        "sending platform and serialised as canonical JSON (RFC 8785, `etender.kernel.canonical`); each platform numbers its",
        "envelopes with its own gap-free sequence number so the hub can detect loss and replay; the hub offers consumers",
        "a change feed in acceptance order. Endpoints, batch layout and signature suites are specified by the hub service.",
        "",
        f"Each schema has `$id` `{schema_id('{no}')}` (the envelope: `{schema_id('envelope')}`).",
        f"`{SCHEMA_BASE}` is a neutral default (`.example` is reserved); the hub passes its own `base_uri`.",
        "",
        "## Sources and how far to trust them",
        "",
        "- Field lists, lengths, required flags and national validators: the V4 lists of 《公共资源交易平台系统数据规范》",
        "  as implemented by a working provincial platform (china-rules.md source S8). They are de-facto, not normative: the",
        "  official V3/V4 documents were not available. V4 exists for all 15 data sets, so V4 is used throughout.",
        "- Date formats, number precision and `;`-separated lists follow the same implementation (S8 validators).",
        "- Code tables: only those etender can define honestly are enforced (see *Code tables*); the others are checked",
        "  for length and charset only.",
        "- Identifier structure (project/tender project/section codes, 统一交易标识码) is etender's `kernel.codes`. The",
        "  17 → 20 → 23 nesting is inferred, and S8 builds project codes differently (see *Identifiers*).",
        "",
    ]


def _conventions() -> list[str]:
    return [
        "## Value conventions",
        "",
        "| topic | rule |",
        "|---|---|",
        "| JSON type | Every field value is a JSON string, numbers and dates included (as in the national exchange; RFC 8785 never touches money). Anything else is X004. |",
        "| absent values | An optional field may be omitted, `null` or `\"\"`; all three mean \"no value\". A required field that is missing, `null`, empty or blank is X001. |",
        "| lengths | Counted in Unicode characters (code points), not bytes. `len=N` is exact, `≤N` a maximum. |",
        "| date-time | `yyyyMMddHHmmss`, Beijing time (Asia/Shanghai, no offset written); must be a real calendar time. |",
        "| date | `yyyyMMdd` (502 BEGIN_DATE only). |",
        "| number | Non-negative decimal string, no sign, no exponent, no thousands separator: money and rates ≤14 integer digits and ≤6 decimals; counts, ranks and periods are integers (digits per field below). |",
        "| lists | Fields marked `;` list hold several values separated by `;` without spaces; an exact length then applies to each value. |",
        "| identifiers | Canonical form: ASCII, upper case, no whitespace (normalise with `kernel.codes.normalize_code` before sending). |",
        "| unknown fields | Not allowed (X009); the schemas set `additionalProperties: false`. |",
        "",
    ]


def _identifiers() -> list[str]:
    lines = [
        "## Identifiers",
        "",
        "By default (`strict_codes=True`) identifiers are checked with `etender.kernel.codes` (structure, division code,",
        "year, check characters) and section codes must be nested under the record's TENDER_PROJECT_CODE, tender project",
        "codes under PROJECT_CODE (X003). `validate_record(..., strict_codes=False)` checks length and charset only, for",
        "platforms whose coding differs (S8, for one, builds PROJECT_CODE as industry + region + sequence, not `E` + region +",
        "year + serial); the schemas always describe the strict profile.",
        "",
        "| identifier | fields | strict format |",
        "|---|---|---|",
    ]
    users: dict[str, set[str]] = {}
    for ds in DATASETS.values():
        for f in ds.fields:
            if f.ident is not None:
                users.setdefault(f.ident, set()).add(f.name)
    for ident, (zh, en) in IDENT_NAMES.items():
        lines.append(f"| {zh} {en} | {', '.join(sorted(users.get(ident, ())))} | `{IDENT_PATTERNS[ident]}` |")
    lines += [
        "",
        "The national lists give the 统一交易标识码 fields `len=40`, but the code has 36 characters (18-character platform",
        "credit code, `yyyyMMdd`, 6-digit serial and an ISO/IEC 7064 MOD 37-2 check character, joined by `-`; S8 generates the",
        "same 36 characters). etender therefore checks `≤40` plus the structure.",
        "",
    ]
    return lines


def _code_tables() -> list[str]:
    used: dict[str, list[str]] = {}
    for ds in DATASETS.values():
        for f in ds.fields:
            if f.table is not None:
                used.setdefault(f.table, []).append(f"{ds.no}.{f.name}")
    lines = [
        "## Code tables",
        "",
        "| table | 中文 | check | values | source / note | used by |",
        "|---|---|---|---|---|---|",
    ]
    for name, t in CODE_TABLES.items():
        values = "; ".join(f"`{k}` {zh}" for k, (zh, _) in t.values.items()) if t.values else f"`{t.pattern}`"
        lines.append(f"| {name} | {t.zh} | {_CHECK_LABEL[t.check]} | {values} | {t.source} | {', '.join(used.get(name, []))} |")
    lines.append("")
    return lines


def _disclosure() -> list[str]:
    lines = [
        "## Disclosure",
        "",
        "Every field has one class:",
        "",
        "| class | meaning |",
        "|---|---|",
        "| **public** | May appear on the portal and in open data (`public_view()`). |",
        "| restricted | Exchanged with the supervision platform only; never published. |",
        "| **secret** | Never published; exchanged only toward supervision, on a need-to-know basis (the hub must keep it sealed and log every access). |",
        "",
        "The rule applied, in this order (the first that matches decides):",
        "",
        "1. **secret** — identity document numbers of natural persons, their telephone numbers and other contacts where",
        "   no law requires publication, payment accounts, device and network fingerprints (519) and the download address",
        "   of bid documents (个人信息保护法 28, 51; 条例 40); and every field of a record whose embargo has not been",
        "   lifted (see *Embargo*: bidders and prices before the opening, experts before the award).",
        "2. **public** — what 电子招标投标办法 41 lists; the content of mandatory announcements and publicity (招标公告,",
        "   开标记录, 中标候选人公示, 中标结果公告) and of tender documents anyone may download; government departments in",
        "   their official role; and identifiers, codes, classifications and times that link public records.",
        "3. **restricted** — everything else: natural-person names with no duty to publish them (data-entry staff,",
        "   responsible persons, operators), internal process data and commercial data (fees, guarantees, contract text).",
        "",
        "Organisation contacts in announcements (TENDERER_/TENDER_AGENCY_CONTACTOR, _PHONE_NUMBER, _EMAIL in 503) are public",
        "because art 41 (1) and (3) require them (个人信息保护法 13 (3), legal duty). The same kind of data elsewhere",
        "(500 CONTACT_INFORMATION, 507 UNION_CONTACT_PHONE) is secret: publishing it once does not make every copy public.",
        "",
        "Bases:",
        "",
        "| basis | class | 中文 | English |",
        "|---|---|---|---|",
    ]
    for b in BASES.values():
        lines.append(f"| {b.id} | {b.disclosure} | {b.zh} | {b.en} |")
    lines += [
        "",
        "**Embargo.** Some data sets exist before the moment the law allows their content to be known. Until the event",
        "has happened every field of such a record is secret (`effective_disclosure()`); `public_view()` returns nothing",
        "unless the caller passes `embargo_lifted=True`.",
        "",
        "| event | 中文 | legal basis | data sets |",
        "|---|---|---|---|",
    ]
    for e in EMBARGO_EVENTS.values():
        sets = ", ".join(no for no, ds in DATASETS.items() if ds.embargo == e.id)
        lines.append(f"| `{e.id}`: {e.en} | {e.zh} | {e.basis} | {sets} |")
    counts = {c: sum(1 for ds in DATASETS.values() for f in ds.fields if f.disclosure == c) for c in DISCLOSURES}
    lines += [
        "",
        "Notes for the hub:",
        "",
        "- A record about a bid withdrawn before the deadline (507, 519, 523) stays embargoed: that bidder never took part",
        "  in the opening.",
        "- Code fields classed public (BIDDER_ORG_CODE, WIN_CANDIDATE_CODE, …) hold an identity number when a natural",
        "  person bids (招标投标法 25 allows it for research projects); the sending platform must flag such records and the",
        "  hub must treat those codes as secret.",
        "- An envelope is as confidential as the most confidential field it carries, its key included (508's key holds",
        "  ID_CARD). An open change feed may show a key only where `public_key()` returns it (key fields public, embargo",
        "  lifted), and should leave embargoed records out altogether: even their number reveals how many bid (招标投标法 22).",
        f"- Totals: {', '.join(f'{n} {c}' for c, n in counts.items())} fields.",
        "",
    ]
    return lines


def _envelope() -> list[str]:
    example = json.dumps(example_envelope("502", "delete"), ensure_ascii=False, indent=2)
    lines = [
        "## Record envelope",
        "",
        "| field | rule |",
        "|---|---|",
        "| `dataset` | Data-set number as a string, one of the data sets below (reserved numbers are X009). |",
        "| `key` | The record key: the key fields' values joined by `\\|` (`%` → `%25`, `\\|` → `%7C` inside a value); must equal `record_key(dataset, record)`. |",
        "| `op` | `upsert` (insert or replace the record with this key) or `delete`. |",
        "| `record` | Upsert: the full record, checked by `validate_record()`. Delete: exactly the key fields. |",
        "| `source.platform` | 统一社会信用代码 of the sending trading platform (validated, canonical form). |",
        "| `source.occurred_at` | When the business event happened, RFC 3339 with an offset, e.g. `2025-03-10T09:00:00+08:00`. |",
        "",
        "No other fields are allowed. A delete of 502:",
        "",
        "```json",
        example,
        "```",
        "",
        "Record keys:",
        "",
        "| data set | key fields | key class | embargo |",
        "|---|---|---|---|",
    ]
    for no, ds in DATASETS.items():
        lines.append(f"| {no} {ds.zh} | {' + '.join(ds.key)} | {ds.key_disclosure} | {ds.embargo or '—'} |")
    lines.append("")
    return lines


def _errors() -> list[str]:
    lines = [
        "## Validation errors",
        "",
        "`validate_record()` and `validate_envelope()` return a list of `ExchangeError(code, field, message_zh, message_en)`;",
        "an empty list means valid. They never raise on bad input. Each field gets at most one error, checked in this",
        "order: presence (X001), JSON type (X004), length (X002), then date/number format (X004), code table or identifier",
        "(X003) or division code (X005). The cross-field, immutability and lookup checks follow.",
        "",
        "| code | 中文 | English |",
        "|---|---|---|",
    ]
    for code, (zh, en) in ERROR_CODES.items():
        lines.append(f"| {code} | {zh} | {en} |")
    lines += [
        "",
        "The caller provides `lookup(target, value) -> bool` and `previous` (the stored record with the same key):",
        "",
        "- UniqueValue: `lookup(\"500.PROJECT_NAME\", value)` returns true when a **different** record of 500 already uses",
        "  the value → X006.",
        "- TenderProjectCodeMatch: `lookup(\"501\", TENDER_PROJECT_CODE)` returns false when the tender project has not been",
        "  reported → X008 (child records wait for their 501).",
        "- CannotModify: a value different from `previous` → X007.",
        "- AreaCodeMatch: `kernel.codes.validate_region_code` → X005 (the bundled table is partial; structurally valid codes pass).",
        "- 500: RELATE_CODE `1` (fixed-asset project) requires INVEST_PROJECT_CODE → X001.",
        "",
    ]
    return lines


def _reserved() -> list[str]:
    lines = [
        "## Reserved data sets",
        "",
        "Numbered for later issues; records of these data sets are refused (X009) until they are defined.",
        "",
        "| no | group | national table | 中文名 | English |",
        "|---|---|---|---|---|",
    ]
    for no, r in RESERVED.items():
        lines.append(f"| {no} | {r.group} | {r.table or '—'} | {r.zh} | {r.en} |")
    lines.append("")
    return lines


def _datasets() -> list[str]:
    lines = ["## Data sets", ""]
    for no, ds in DATASETS.items():
        embargo = f"every field secret until `{ds.embargo}`, the classes below apply afterwards" if ds.embargo else "none"
        lines += [
            f"### {no} {ds.zh} — {ds.en}",
            "",
            f"National table `{ds.table}` ({ds.version}); schema `{schema_id(no)}`; key {' + '.join(ds.key)}; embargo: {embargo}.",
            "",
            "| national name | 中文名 | required | length | type / code table | disclosure | checks |",
            "|---|---|---|---|---|---|---|",
        ]
        for f in ds.fields:
            required = "✔" if f.required else ""
            checks = ", ".join(f.validators) or "—"
            lines.append(f"| {f.name} | {f.zh} | {required} | {_length_cell(f)} | {_type_cell(f)} | {_disclosure_cell(f)} | {checks} |")
        lines.append("")
    return lines


def exchange_markdown() -> str:
    """docs/exchange-standard.md."""
    parts = _intro() + _conventions() + _identifiers() + _code_tables() + _disclosure() + _envelope() + _errors() + _reserved() + _datasets()
    while parts and parts[-1] == "":
        parts.pop()
    return "\n".join(parts) + "\n"
