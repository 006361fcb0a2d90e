"""JSON Schema (draft 2020-12) of the data sets and of the record envelope.

The schemas describe the strict (kernel.codes) profile.  They are a little
looser than :func:`~etender.kernel.exchange.validate.validate_record`, never
stricter: JSON Schema cannot express calendar dates, check characters,
division-code tables, the per-value length of some ``;`` lists or the nesting
of codes, so a record the validator accepts always passes its schema.
"""

from __future__ import annotations

from typing import Any, Final

from etender.kernel.exchange.datasets import CODE_TABLES, DATASETS, Dataset, Field
from etender.kernel.exchange.validate import OPS, dataset, number_pattern

__all__ = [
    "DIALECT",
    "IDENT_PATTERNS",
    "SCHEMA_BASE",
    "all_schemas",
    "envelope_schema",
    "property_schema",
    "schema",
    "schema_id",
]

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

#: Neutral default (``.example`` is reserved, RFC 2606); the hub passes its own base.
SCHEMA_BASE: Final = "https://etender.example/exchange/v1/"

#: Exact formats of the identifiers in the strict profile (kernel.codes).
IDENT_PATTERNS: Final = {
    "project": "E[0-9]{16}",
    "tender_project": "E[0-9]{19}",
    "section": "E[0-9]{22}",
    "deal": "[0-9A-HJ-NPQRTUWXY]{18}-[0-9]{8}-[0-9]{6}-[0-9A-Z*]",
}
_USCC_PATTERN: Final = "^[0-9A-HJ-NPQRTUWXY]{18}$"
_RFC3339_PATTERN: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})$"
_DATE_PATTERNS: Final = {"date-time": "[0-9]{14}", "date": "[0-9]{8}"}


def schema_id(name: str, base_uri: str = SCHEMA_BASE) -> str:
    """``$id`` of schema ``name`` (a data-set number or ``"envelope"``)."""
    return f"{base_uri}{name}.json"


def _core(f: Field) -> str | None:
    """Regular expression of one value (one element of a ``;`` list), unanchored; ``None`` if free."""
    if f.type in _DATE_PATTERNS:
        return _DATE_PATTERNS[f.type]
    if f.type == "number":
        assert f.digits is not None
        return number_pattern(f.digits)
    if f.type == "code" and f.table is not None:
        table = CODE_TABLES[f.table]
        return None if table.check == "values" else table.pattern
    if f.ident is not None:
        return IDENT_PATTERNS[f.ident]
    return None


def property_schema(f: Field) -> dict[str, Any]:
    """The JSON Schema of one field, with the ``x-etender-*`` annotations."""
    s: dict[str, Any] = {"title": f.zh, "type": "string" if f.required else ["string", "null"]}
    table = CODE_TABLES[f.table] if f.table is not None else None
    core = _core(f)
    if f.multi and core is not None:
        body: str | None = f"(?:{core})(?:;(?:{core}))*"
    elif f.multi and f.exact and f.length is not None:
        body = f"[^;]{{{f.length}}}(?:;[^;]{{{f.length}}})*"
    else:
        body = core
    if f.length is not None and not (f.multi and f.exact):
        s["maxLength"] = f.length
    if f.required:
        s["minLength"] = f.length if (f.exact and not f.multi and f.length is not None) else 1
    if table is not None and table.check == "values":
        assert table.values is not None
        s["enum"] = list(table.values) + ([] if f.required else ["", None])
    elif body is not None:
        s["pattern"] = f"^(?:{body})$" if f.required else f"^(?:{body})?$"
    elif f.required:
        s["pattern"] = r"\S"
    elif f.exact and f.length is not None:
        s["pattern"] = f"^(?:[\\s\\S]{{{f.length}}})?$"
    s["x-etender-national-name"] = f.name
    s["x-etender-type"] = f.type
    if f.national_length is not None:
        s["x-etender-length"] = f.national_length
    if f.date_format is not None:
        s["x-etender-format"] = f.date_format
    if f.digits is not None:
        s["x-etender-digits"] = list(f.digits)
    if f.table is not None:
        s["x-etender-code-table"] = f.table
    if f.ident is not None:
        s["x-etender-identifier"] = f.ident
    if f.multi:
        s["x-etender-list-separator"] = ";"
    if f.validators:
        s["x-etender-validators"] = list(f.validators)
    s["x-etender-disclosure"] = f.disclosure
    s["x-etender-disclosure-basis"] = f.basis
    return s


def _dataset_schema(ds: Dataset, base_uri: str) -> dict[str, Any]:
    s: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": schema_id(ds.no, base_uri),
        "title": ds.title,
        "description": (
            f"National table {ds.table} ({ds.version}); etender data-exchange standard v1. "
            "All values are JSON strings; absent values are omitted, null or empty."
        ),
        "type": "object",
        "properties": {f.name: property_schema(f) for f in ds.fields},
        "required": [f.name for f in ds.fields if f.required],
        "additionalProperties": False,
        "x-etender-dataset": ds.no,
        "x-etender-national-table": ds.table,
        "x-etender-spec-version": ds.version,
        "x-etender-key": list(ds.key),
        "x-etender-embargo": ds.embargo,
    }
    if ds.no == "500":
        s["if"] = {"properties": {"RELATE_CODE": {"const": "1"}}, "required": ["RELATE_CODE"]}
        s["then"] = {"required": ["INVEST_PROJECT_CODE"], "properties": {"INVEST_PROJECT_CODE": {"type": "string", "minLength": 1}}}
    return s


def schema(dataset_no: str, *, base_uri: str = SCHEMA_BASE) -> dict[str, Any]:
    """JSON Schema of data set ``dataset_no`` (a fresh dict); ``KeyError`` for unknown or reserved numbers."""
    return _dataset_schema(dataset(dataset_no), base_uri)


def all_schemas(*, base_uri: str = SCHEMA_BASE) -> dict[str, dict[str, Any]]:
    """The schemas of all defined data sets, keyed by number (the envelope: :func:`envelope_schema`)."""
    return {no: _dataset_schema(ds, base_uri) for no, ds in DATASETS.items()}


def envelope_schema(*, base_uri: str = SCHEMA_BASE) -> dict[str, Any]:
    """JSON Schema of the record envelope.

    An upsert's ``record`` is checked against ``{no}.json`` by ``$ref`` (resolve
    it with the schemas of :func:`all_schemas`); a delete's ``record`` carries
    exactly the key fields.
    """
    branches: list[dict[str, Any]] = []
    for no, ds in DATASETS.items():
        for op in OPS:
            if op == "upsert":
                record: dict[str, Any] = {"$ref": f"{no}.json"}
            else:
                record = {
                    "type": "object",
                    "properties": {k: property_schema(ds.field(k)) for k in ds.key},  # type: ignore[arg-type]
                    "required": list(ds.key),
                    "additionalProperties": False,
                }
            branches.append(
                {
                    "if": {"properties": {"dataset": {"const": no}, "op": {"const": op}}, "required": ["dataset", "op"]},
                    "then": {"properties": {"record": record}},
                }
            )
    return {
        "$schema": DIALECT,
        "$id": schema_id("envelope", base_uri),
        "title": "记录信封 / Record envelope",
        "description": "One record of one data set, as a trading platform sends it to the hub (etender data-exchange standard v1).",
        "type": "object",
        "properties": {
            "dataset": {"title": "数据集编号", "type": "string", "enum": list(DATASETS)},
            "key": {"title": "记录键", "type": "string", "minLength": 1},
            "op": {"title": "操作", "enum": list(OPS)},
            "record": {"title": "记录", "type": "object"},
            "source": {
                "title": "来源",
                "type": "object",
                "properties": {
                    "platform": {"title": "交易平台统一社会信用代码", "type": "string", "pattern": _USCC_PATTERN},
                    "occurred_at": {"title": "业务发生时间", "type": "string", "format": "date-time", "pattern": _RFC3339_PATTERN},
                },
                "required": ["platform", "occurred_at"],
                "additionalProperties": False,
            },
        },
        "required": ["dataset", "key", "op", "record", "source"],
        "additionalProperties": False,
        "allOf": branches,
    }
