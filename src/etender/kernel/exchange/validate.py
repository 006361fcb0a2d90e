"""Record and envelope validation, record keys and disclosure views.

:func:`validate_record` never raises on bad input: whatever it is given
(wrong types, unknown data sets, junk), it returns a list of
:class:`ExchangeError`.  Exceptions from the caller's ``lookup`` propagate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from etender.kernel import codes
from etender.kernel.exchange.datasets import (
    CODE_TABLES,
    DATASETS,
    DISCLOSURES,
    IDENT_NAMES,
    RESERVED,
    Dataset,
    Disclosure,
    Field,
)

__all__ = [
    "ERROR_CODES",
    "ExchangeError",
    "Lookup",
    "OPS",
    "dataset",
    "effective_disclosure",
    "fields",
    "public_key",
    "public_view",
    "record_key",
    "validate_envelope",
    "validate_record",
]

#: ``lookup(target, value)``: ``target`` is a data-set number (``"501"``: does a
#: record with key ``value`` exist there?) or ``"<no>.<FIELD>"`` (``"500.PROJECT_NAME"``:
#: is ``value`` already used by a *different* record of that data set?).
Lookup = Callable[[str, str], bool]

#: code -> (zh, en) of the exchange error codes.
ERROR_CODES: Final[Mapping[str, tuple[str, str]]] = {
    "X001": ("必填字段为空", "Required value missing or empty"),
    "X002": ("长度不符合规定", "Length rule violated"),
    "X003": ("值不在代码表或值域内（含编号结构、校验码、层级关系）", "Value outside the code table or domain (incl. identifier structure, check character, nesting)"),
    "X004": ("格式错误（日期、数值、JSON 类型）", "Format error (date, number, JSON type)"),
    "X005": ("行政区划代码无效", "Invalid administrative division code"),
    "X006": ("值不唯一", "Value is not unique"),
    "X007": ("不可修改的字段被修改", "An immutable field was changed"),
    "X008": ("上级招标项目不存在（未报送）", "Parent tender project missing (not reported yet)"),
    "X009": ("未知的字段或数据集", "Unknown field or data set"),
}

OPS: Final = ("upsert", "delete")
_ENVELOPE_KEYS: Final = ("dataset", "key", "op", "record", "source")
_SOURCE_KEYS: Final = ("platform", "occurred_at")
_KEY_SEP: Final = "|"


@dataclass(frozen=True)
class ExchangeError:
    """One validation error: an ``X00n`` code, the offending field (national name, or
    ``None`` for the whole record) and a Chinese and an English message."""

    code: str
    field: str | None
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "field": self.field, "message_zh": self.message_zh, "message_en": self.message_en}

    def __str__(self) -> str:
        where = f"[{self.field}] " if self.field else ""
        return f"{self.code} {where}{self.message_zh} ({self.message_en})"


def _err(code: str, field: str | None, zh: str, en: str) -> ExchangeError:
    return ExchangeError(code, field, zh, en)


def _label(f: Field) -> tuple[str, str]:
    return f"{f.zh}（{f.name}）", f.name


# ---------------------------------------------------------------------------
# Data sets


def _resolve(no: object) -> tuple[Dataset | None, ExchangeError | None]:
    if isinstance(no, str) and no in DATASETS:
        return DATASETS[no], None
    if isinstance(no, str) and no in RESERVED:
        r = RESERVED[no]
        return None, _err(
            "X009",
            None,
            f"数据集 {no}（{r.zh}）已预留，尚未定义，暂不交换",
            f"Data set {no} ({r.en}) is reserved and not defined yet; it cannot be exchanged",
        )
    shown = no if isinstance(no, str) else repr(no)
    return None, _err("X009", None, f"未知的数据集：{shown}", f"Unknown data set: {shown}")


def dataset(no: str) -> Dataset:
    """The :class:`Dataset` numbered ``no``; ``KeyError`` for unknown or reserved numbers."""
    ds, error = _resolve(no)
    if ds is None:
        raise KeyError(error.message_en if error else no)
    return ds


def fields(dataset_no: str, disclosure: Disclosure | None = None) -> tuple[Field, ...]:
    """The fields of a data set in national order, optionally only those of one disclosure class.

    The class is the declared one, i.e. the class after any embargo of the data
    set has been lifted (see :func:`effective_disclosure`).
    """
    if disclosure is not None and disclosure not in DISCLOSURES:
        raise ValueError(f"disclosure must be one of {DISCLOSURES}, got {disclosure!r}")
    ds = dataset(dataset_no)
    return tuple(f for f in ds.fields if disclosure is None or f.disclosure == disclosure)


def effective_disclosure(dataset_no: str, field: str, *, embargo_lifted: bool = False) -> Disclosure:
    """The disclosure class of ``field`` now: ``secret`` while the data set's embargo holds."""
    ds = dataset(dataset_no)
    f = ds.field(field)
    if f is None:
        raise KeyError(f"{dataset_no}.{field}")
    if ds.embargo is not None and not embargo_lifted:
        return "secret"
    return f.disclosure


def public_view(dataset_no: str, record: Mapping[str, Any], *, embargo_lifted: bool = False) -> dict[str, Any]:
    """Only the public fields of ``record`` (unknown fields are dropped too).

    For a data set with an embargo (507, 508, 509, 510, 519, 523) the result is
    empty until the caller states that the embargo event has happened.
    """
    ds = dataset(dataset_no)
    if ds.embargo is not None and not embargo_lifted:
        return {}
    public = {f.name for f in ds.fields if f.disclosure == "public"}
    return {k: v for k, v in record.items() if k in public}


def public_key(dataset_no: str, key: str, *, embargo_lifted: bool = False) -> str | None:
    """``key`` if it may be shown publicly (e.g. in an open change feed), else ``None``.

    A key is public only when every key field is public and the data set's
    embargo (if any) is lifted: a 507 key names a bidder before the opening,
    a 508 key holds an expert's ID number.
    """
    ds = dataset(dataset_no)
    if ds.embargo is not None and not embargo_lifted:
        return None
    return key if ds.key_disclosure == "public" else None


def record_key(dataset_no: str, record: Mapping[str, Any]) -> str:
    """The record key: the key fields' values joined by ``|`` (``%`` and ``|`` inside a value are
    percent-escaped).  ``ValueError`` if a key field is missing or not a non-empty string."""
    ds = dataset(dataset_no)
    parts = []
    for name in ds.key:
        value = record.get(name)
        if not isinstance(value, str) or not value:
            raise ValueError(f"{dataset_no}: key field {name} missing")
        parts.append(value.replace("%", "%25").replace(_KEY_SEP, "%7C"))
    return _KEY_SEP.join(parts)


# ---------------------------------------------------------------------------
# Field checks

_DIGITS_RE: Final = {"date-time": re.compile(r"[0-9]{14}"), "date": re.compile(r"[0-9]{8}")}
_STRPTIME: Final = {"date-time": "%Y%m%d%H%M%S", "date": "%Y%m%d"}
_RELAXED_IDENT: Final = {
    "project": re.compile(r"[0-9A-Z]+"),
    "tender_project": re.compile(r"[0-9A-Z]+"),
    "section": re.compile(r"[0-9A-Z]+"),
    "deal": re.compile(r"[0-9A-Z*-]+"),
}
_IDENT_VALIDATORS: Final[Mapping[str, Callable[[str], None]]] = {
    "project": codes.validate_project_code,
    "tender_project": codes.validate_tender_project_code,
    "section": codes.validate_section_code,
    "deal": codes.validate_unified_deal_code,
}
_TABLE_RE: Final = {name: re.compile(t.pattern) for name, t in CODE_TABLES.items()}


def number_pattern(digits: tuple[int, int]) -> str:
    """Regular expression of a number with at most ``digits`` (integer, decimal) digits."""
    i, d = digits
    return f"[0-9]{{1,{i}}}" if d == 0 else f"[0-9]{{1,{i}}}(?:\\.[0-9]{{1,{d}}})?"


def _elements(f: Field, value: str) -> list[str]:
    return value.split(";") if f.multi else [value]


def _check_field(f: Field, value: object, strict: bool) -> ExchangeError | None:
    """First error of one present field value, or ``None``.  Absent optional values pass."""
    zh, en = _label(f)
    if value is None or value == "":
        if f.required:
            return _err("X001", f.name, f"{zh}为必填项", f"{en} is required")
        return None
    if not isinstance(value, str):
        return _err("X004", f.name, f"{zh}的值必须是字符串", f"{en} must be a JSON string, got {type(value).__name__}")
    if f.required and not value.strip():
        return _err("X001", f.name, f"{zh}为必填项，不能只含空白", f"{en} is required and may not be blank")
    # Length (Unicode characters).
    if f.length is not None:
        # Exact lengths, and the maximum of an identifier list (e.g. 503 UNIFIED_DEAL_CODES ≤40: one
        # 统一交易标识码 per lot), apply to each value; other maxima to the whole text.
        each = f.multi and (f.exact or f.ident is not None)
        items = _elements(f, value) if each else [value]
        for item in items:
            n = len(item)
            if f.exact and n != f.length:
                each = "每项" if f.multi else ""
                return _err("X002", f.name, f"{zh}{each}长度应为{f.length}，实际为{n}", f"{en} must have exactly {f.length} characters{' per value' if f.multi else ''}, got {n}")
            if not f.exact and n > f.length:
                return _err("X002", f.name, f"{zh}{'每项' if each else ''}长度不得超过{f.length}，实际为{n}", f"{en} may have at most {f.length} characters{' per value' if each else ''}, got {n}")
    # Type.
    if f.type in ("date-time", "date"):
        fmt = f.date_format
        ok = _DIGITS_RE[f.type].fullmatch(value) is not None
        if ok:
            try:
                datetime.strptime(value, _STRPTIME[f.type])
            except ValueError:
                ok = False
        if not ok:
            return _err("X004", f.name, f"{zh}应为有效的{fmt}格式时间（北京时间）", f"{en} must be a valid {fmt} time (Beijing time)")
        return None
    if f.type == "number":
        assert f.digits is not None
        if re.fullmatch(number_pattern(f.digits), value) is None:
            i, d = f.digits
            zh_d = f"，小数不超过{d}位" if d else "，且为整数"
            en_d = f" and at most {d} decimals" if d else ", an integer"
            return _err("X004", f.name, f"{zh}应为非负数字串，整数部分不超过{i}位{zh_d}", f"{en} must be a non-negative decimal string with at most {i} integer digits{en_d}")
        return None
    if f.type == "code" and f.table is not None:
        return _check_code(f, value)
    if f.ident is not None:
        return _check_ident(f, value, strict)
    return None


def _check_code(f: Field, value: str) -> ExchangeError | None:
    zh, en = _label(f)
    table = CODE_TABLES[f.table]  # type: ignore[index]
    for item in _elements(f, value):
        if table.check == "region":
            if _TABLE_RE[table.name].fullmatch(item) is None:
                return _err("X005", f.name, f"{zh}应为6位数字的行政区划代码", f"{en} must be a 6-digit administrative division code")
            try:
                codes.validate_region_code(item)
            except codes.CodeError as exc:
                return _err("X005", f.name, f"{zh}：{exc.message_zh}", f"{en}: {exc.message_en}")
        elif table.check == "values":
            assert table.values is not None
            if item not in table.values:
                allowed = "、".join(table.values)
                return _err("X003", f.name, f"{zh}的值“{item}”不在代码表{table.name}（{allowed}）中", f"{en}: {item!r} is not in code table {table.name} ({', '.join(table.values)})")
        elif _TABLE_RE[table.name].fullmatch(item) is None:
            what_zh = "格式" if table.check == "structure" else "字符（仅限字母和数字）"
            what_en = "format" if table.check == "structure" else "characters (letters and digits only)"
            return _err("X003", f.name, f"{zh}的值“{item}”不符合代码表{table.name}的{what_zh}", f"{en}: {item!r} does not match the {what_en} of code table {table.name}")
    return None


def _check_ident(f: Field, value: str, strict: bool) -> ExchangeError | None:
    zh, en = _label(f)
    kind_zh, kind_en = IDENT_NAMES[f.ident]  # type: ignore[index]
    for item in _elements(f, value):
        if not strict:
            if _RELAXED_IDENT[f.ident].fullmatch(item) is None:  # type: ignore[index]
                return _err("X003", f.name, f"{zh}只能包含大写字母和数字", f"{en} may contain upper-case letters and digits only")
            continue
        if codes.normalize_code(item) != item:
            return _err("X003", f.name, f"{zh}应为规范形式（半角、大写、无空白）", f"{en} must be in canonical form (ASCII, upper case, no whitespace)")
        try:
            _IDENT_VALIDATORS[f.ident](item)  # type: ignore[index]
        except codes.CodeError as exc:
            return _err("X003", f.name, f"{zh}不是有效的{kind_zh}：{exc.message_zh}", f"{en} is not a valid {kind_en}: {exc.message_en}")
    return None


# ---------------------------------------------------------------------------
# Records


def validate_record(
    dataset: str,
    record: dict,
    *,
    lookup: Lookup | None = None,
    previous: dict | None = None,
    strict_codes: bool = True,
) -> list[ExchangeError]:
    """Validate one record of data set ``dataset``; an empty list means valid.

    Per field, in national order, at most one error: X001 (required), X004
    (not a string), X002 (length), then X004 (date, number), X003 (code table,
    identifier format) or X005 (division code).  Then the cross-field checks: nesting of
    section codes under TENDER_PROJECT_CODE and of TENDER_PROJECT_CODE under
    PROJECT_CODE (X003), INVEST_PROJECT_CODE when RELATE_CODE is 1 (X001),
    CannotModify against ``previous`` (X007), and with ``lookup`` UniqueValue
    (``lookup("<no>.<FIELD>", value)`` true → X006) and TenderProjectCodeMatch
    (``lookup("501", code)`` false → X008).  Unknown fields: X009.

    ``strict_codes=False`` checks project, tender project, section and unified
    deal codes for length and charset only, for platforms whose coding differs
    from kernel.codes (the national structure is unverified).
    """
    ds, error = _resolve(dataset)
    if ds is None:
        return [error]  # type: ignore[list-item]
    if not isinstance(record, Mapping):
        return [_err("X004", None, "记录必须是 JSON 对象", f"A record must be a JSON object, got {type(record).__name__}")]
    errors: list[ExchangeError] = []
    for key in record:
        if ds.field(key) is None:
            shown = key if isinstance(key, str) else repr(key)
            errors.append(_err("X009", shown, f"数据集 {ds.no} 没有字段 {shown}", f"Data set {ds.no} has no field {shown}"))
    ok: dict[str, str] = {}  # fields present and individually valid
    for f in ds.fields:
        value = record.get(f.name)
        e = _check_field(f, value, strict_codes)
        if e is not None:
            errors.append(e)
        elif isinstance(value, str) and value != "":
            ok[f.name] = value
    errors.extend(_cross_field(ds, ok, strict_codes))
    if isinstance(previous, Mapping):
        for f in ds.fields:
            if f.immutable and f.name in ok and f.name in previous and previous[f.name] != ok[f.name]:
                zh, en = _label(f)
                errors.append(_err("X007", f.name, f"{zh}不可修改（原值“{previous[f.name]}”）", f"{en} cannot be modified (was {previous[f.name]!r})"))
    if lookup is not None:
        for f in ds.fields:
            if f.name not in ok:
                continue
            zh, en = _label(f)
            if f.unique and bool(lookup(f"{ds.no}.{f.name}", ok[f.name])):
                errors.append(_err("X006", f.name, f"{zh}“{ok[f.name]}”已被其他记录使用", f"{en} {ok[f.name]!r} is already used by another record"))
            if f.needs_tender_project and not bool(lookup("501", ok[f.name])):
                errors.append(_err("X008", f.name, f"招标项目“{ok[f.name]}”尚未报送（须先报送数据集501）", f"Tender project {ok[f.name]!r} has not been reported (data set 501 first)"))
    return errors


def _cross_field(ds: Dataset, ok: Mapping[str, str], strict: bool) -> list[ExchangeError]:
    errors: list[ExchangeError] = []
    if strict:
        tender = ok.get("TENDER_PROJECT_CODE")
        project = ok.get("PROJECT_CODE")
        if tender is not None and project is not None and not tender.startswith(project):
            errors.append(_err("X003", "TENDER_PROJECT_CODE", "招标项目编号不属于该项目编号", "TENDER_PROJECT_CODE is not nested under PROJECT_CODE"))
        if tender is not None:
            for f in ds.fields:
                if f.ident == "section" and f.name in ok:
                    if any(not s.startswith(tender) for s in _elements(f, ok[f.name])):
                        errors.append(_err("X003", f.name, "标段（包）编号不属于该招标项目", f"{f.name} is not nested under TENDER_PROJECT_CODE"))
    if ds.no == "500" and ok.get("RELATE_CODE") == "1" and "INVEST_PROJECT_CODE" not in ok:
        errors.append(_err("X001", "INVEST_PROJECT_CODE", "固定资产类项目（RELATE_CODE=1）必须填写投资项目统一代码", "INVEST_PROJECT_CODE is required when RELATE_CODE is 1 (fixed-asset project)"))
    return errors


# ---------------------------------------------------------------------------
# Envelopes

_OCCURRED_RE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})")


def _prefixed(errors: Iterable[ExchangeError], prefix: str) -> list[ExchangeError]:
    return [ExchangeError(e.code, f"{prefix}.{e.field}" if e.field else prefix, e.message_zh, e.message_en) for e in errors]


def validate_envelope(
    envelope: dict,
    *,
    lookup: Lookup | None = None,
    previous: dict | None = None,
    strict_codes: bool = True,
) -> list[ExchangeError]:
    """Validate a record envelope ``{"dataset", "key", "op", "record", "source"}``.

    ``op="upsert"`` validates the record with :func:`validate_record` (field
    names prefixed ``record.``); ``op="delete"`` requires the record to carry
    exactly the key fields.  ``key`` must equal :func:`record_key` of the record,
    ``source.platform`` be a valid 统一社会信用代码 and ``source.occurred_at`` an
    RFC 3339 time with an offset.
    """
    if not isinstance(envelope, Mapping):
        return [_err("X004", None, "信封必须是 JSON 对象", f"An envelope must be a JSON object, got {type(envelope).__name__}")]
    errors: list[ExchangeError] = []
    for k in envelope:
        if k not in _ENVELOPE_KEYS:
            shown = k if isinstance(k, str) else repr(k)
            errors.append(_err("X009", shown, f"信封没有字段 {shown}", f"Envelopes have no field {shown}"))
    for k in _ENVELOPE_KEYS:
        if k not in envelope:
            errors.append(_err("X001", k, f"信封缺少 {k}", f"Envelope field {k} is missing"))
    ds, error = _resolve(envelope.get("dataset"))
    if "dataset" in envelope and error is not None:
        errors.append(ExchangeError(error.code, "dataset", error.message_zh, error.message_en))
    op = envelope.get("op")
    if "op" in envelope and op not in OPS:
        errors.append(_err("X003", "op", "op 只能是 upsert 或 delete", "op must be 'upsert' or 'delete'"))
    errors.extend(_check_source(envelope.get("source"), "source" in envelope))
    record = envelope.get("record")
    if "record" in envelope and not isinstance(record, Mapping):
        errors.append(_err("X004", "record", "record 必须是 JSON 对象", "record must be a JSON object"))
        record = None
    if ds is None or record is None or op not in OPS:
        return errors
    if op == "upsert":
        record_errors = validate_record(ds.no, record, lookup=lookup, previous=previous, strict_codes=strict_codes)  # type: ignore[arg-type]
    else:
        record_errors = []
        for k in record:
            if k not in ds.key:
                shown = k if isinstance(k, str) else repr(k)
                record_errors.append(_err("X009", shown, "删除操作只能携带记录键字段", f"A delete carries the key fields only, not {shown}"))
        for name in ds.key:
            e = _check_field(ds.field(name), record.get(name), strict_codes)  # type: ignore[arg-type]
            if e is not None:
                record_errors.append(e)
    errors.extend(_prefixed(record_errors, "record"))
    key = envelope.get("key")
    if "key" in envelope:
        try:
            expected = record_key(ds.no, record)
        except ValueError:
            expected = None
        if not isinstance(key, str):
            errors.append(_err("X004", "key", "key 必须是字符串", "key must be a string"))
        elif expected is not None and key != expected:
            errors.append(_err("X003", "key", f"key 与记录的键字段不一致，应为“{expected}”", f"key does not match the record's key fields; expected {expected!r}"))
    return errors


def _check_source(source: object, present: bool) -> list[ExchangeError]:
    if not present:
        return []
    if not isinstance(source, Mapping):
        return [_err("X004", "source", "source 必须是 JSON 对象", "source must be a JSON object")]
    errors: list[ExchangeError] = []
    for k in source:
        if k not in _SOURCE_KEYS:
            shown = k if isinstance(k, str) else repr(k)
            errors.append(_err("X009", f"source.{shown}", f"source 没有字段 {shown}", f"source has no field {shown}"))
    platform = source.get("platform")
    if platform is None:
        errors.append(_err("X001", "source.platform", "缺少交易平台统一社会信用代码", "source.platform is missing"))
    elif not isinstance(platform, str):
        errors.append(_err("X004", "source.platform", "source.platform 必须是字符串", "source.platform must be a string"))
    else:
        try:
            if codes.normalize_uscc(platform) != platform:
                raise codes.CodeError("format", "应为规范形式（半角、大写、无空白）", "must be in canonical form (ASCII, upper case, no whitespace)")
            codes.validate_uscc(platform)
        except codes.CodeError as exc:
            errors.append(_err("X003", "source.platform", f"交易平台统一社会信用代码无效：{exc.message_zh}", f"source.platform is not a valid credit code: {exc.message_en}"))
    occurred = source.get("occurred_at")
    if occurred is None:
        errors.append(_err("X001", "source.occurred_at", "缺少发生时间", "source.occurred_at is missing"))
    elif not isinstance(occurred, str) or _OCCURRED_RE.fullmatch(occurred) is None or not _iso_ok(occurred):
        errors.append(_err("X004", "source.occurred_at", "发生时间应为带时区偏移的 RFC 3339 时间", "source.occurred_at must be an RFC 3339 time with an offset"))
    return errors


def _iso_ok(value: str) -> bool:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None
    except ValueError:
        return False
