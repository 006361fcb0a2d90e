"""National identifier formats and small code tables.

* 统一社会信用代码 (unified social credit code, GB 32100-2015);
* 行政区划代码 (administrative division codes, GB/T 2260) — the bundled table
  ``data/regions.json`` is a PARTIAL list (all provinces; 浙江省's cities; the
  districts and counties of 杭州市); other codes are accepted when they are
  structurally valid;
* the nested project / tender project / bid section codes (data sets 500–502);
* 统一交易标识码 (unified deal code, check character ISO/IEC 7064 MOD 37-2);
* lot classification and the small enumerations used by the tender forms.

Every validator normalises its input first (:func:`normalize_code`: Unicode
NFKC so full-width characters become ASCII, all whitespace removed, upper
case) and raises :class:`CodeError` with a machine-readable ``kind`` and a
Chinese and English message.  Store the normalised form.

This module does not import Django.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from importlib import resources
from types import MappingProxyType
from typing import Final, Literal
from zoneinfo import ZoneInfo

__all__ = [
    "CodeError",
    "ErrorKind",
    "normalize_code",
    # USCC
    "USCC_ALPHABET",
    "USCC_WEIGHTS",
    "USCC_AUTHORITY_TYPES",
    "normalize_uscc",
    "uscc_check_char",
    "make_uscc",
    "validate_uscc",
    "is_valid_uscc",
    # regions
    "validate_region_code",
    "region_name",
    "region_full_name",
    "region_choices",
    # nested project codes
    "make_project_code",
    "make_tender_project_code",
    "make_section_code",
    "validate_project_code",
    "validate_tender_project_code",
    "validate_section_code",
    # unified deal code
    "MOD37_ALPHABET",
    "mod37_2_check_char",
    "make_unified_deal_code",
    "validate_unified_deal_code",
    # classifications and tables
    "CLASSIFICATIONS",
    "validate_classification",
    "classification_label",
    "is_construction_works",
    "TENDER_MODES",
    "ORGANIZE_FORMS",
    "INDUSTRIES",
    "FUND_SOURCES",
    "CURRENCIES",
    "PRICE_UNITS",
    "label",
    "choices",
]

ErrorKind = Literal["length", "charset", "authority", "region", "check", "format", "nesting", "unknown"]


class CodeError(ValueError):
    """An identifier failed validation.

    ``kind`` is one of ``length``, ``charset``, ``authority``, ``region``,
    ``check`` (the USCC kinds), plus ``format`` (structure or value out of
    range), ``nesting`` (a child code not under its parent) and ``unknown``
    (not in a code table).  ``catalog_code`` is the matching code of
    ``etender.kernel.errors.CATALOG``: ``E002`` for credit codes, ``E003`` for
    division codes, ``E010`` for other code formats.
    """

    def __init__(self, kind: ErrorKind, message_zh: str, message_en: str, *, catalog_code: str = "E010") -> None:
        super().__init__(kind, message_zh, message_en)
        self.kind: ErrorKind = kind
        self.message_zh = message_zh
        self.message_en = message_en
        self.catalog_code = catalog_code

    def __str__(self) -> str:
        return f"{self.message_zh} ({self.message_en})"

    def __repr__(self) -> str:
        return f"CodeError({self.kind!r}, {self.message_zh!r}, {self.message_en!r})"


def normalize_code(value: str) -> str:
    """NFKC-normalise (full-width → ASCII), drop all whitespace, upper-case."""
    if not isinstance(value, str):
        raise TypeError(f"code must be a str, got {type(value).__name__}")
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def _is_digits(s: str) -> bool:
    return s.isascii() and s.isdigit()


# ---------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)

USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_USCC_VALUE: Final = {c: i for i, c in enumerate(USCC_ALPHABET)}
#: Weight of position i (0-based) is 3**i mod 31.
USCC_WEIGHTS: Final = tuple(pow(3, i, 31) for i in range(17))
assert USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

#: Registration authority (position 1) + organisation type (position 2), GB 32100-2015 appendix A.
USCC_AUTHORITY_TYPES: Final[Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        "11": ("机构编制：机关", "Establishment office: government organ"),
        "12": ("机构编制：事业单位", "Establishment office: public institution"),
        "13": ("机构编制：中央编办直接管理机构编制的群众团体", "Establishment office: mass organisation under the central office"),
        "19": ("机构编制：其他", "Establishment office: other"),
        "21": ("外交：外国常驻新闻机构", "Foreign affairs: resident foreign news agency"),
        "29": ("外交：其他", "Foreign affairs: other"),
        "31": ("司法行政：律师执业机构", "Justice: law firm"),
        "32": ("司法行政：公证处", "Justice: notary office"),
        "33": ("司法行政：基层法律服务所", "Justice: grassroots legal service office"),
        "34": ("司法行政：司法鉴定机构", "Justice: forensic appraisal institution"),
        "35": ("司法行政：仲裁委员会", "Justice: arbitration commission"),
        "39": ("司法行政：其他", "Justice: other"),
        "41": ("文化：外国在华文化中心", "Culture: foreign cultural centre in China"),
        "49": ("文化：其他", "Culture: other"),
        "51": ("民政：社会团体", "Civil affairs: social organisation"),
        "52": ("民政：民办非企业单位", "Civil affairs: private non-enterprise unit"),
        "53": ("民政：基金会", "Civil affairs: foundation"),
        "59": ("民政：其他", "Civil affairs: other"),
        "61": ("旅游：外国旅游部门常驻代表机构", "Tourism: resident office of a foreign tourism authority"),
        "62": ("旅游：港澳台地区旅游部门常驻内地（大陆）代表机构", "Tourism: resident office of a Hong Kong/Macao/Taiwan tourism authority"),
        "69": ("旅游：其他", "Tourism: other"),
        "71": ("宗教：宗教活动场所", "Religion: place of religious activity"),
        "72": ("宗教：宗教院校", "Religion: religious school"),
        "79": ("宗教：其他", "Religion: other"),
        "81": ("工会：基层工会", "Trade union: grassroots union"),
        "89": ("工会：其他", "Trade union: other"),
        "91": ("市场监管：企业", "Market regulation: enterprise"),
        "92": ("市场监管：个体工商户", "Market regulation: individual business"),
        "93": ("市场监管：农民专业合作社", "Market regulation: farmers' cooperative"),
        "A1": ("中央军委改革和编制办公室：军队事业单位", "CMC reform and establishment office: military public institution"),
        "A9": ("中央军委改革和编制办公室：其他", "CMC reform and establishment office: other"),
        "N1": ("农业：组级集体经济组织", "Agriculture: group-level collective economic organisation"),
        "N2": ("农业：村级集体经济组织", "Agriculture: village-level collective economic organisation"),
        "N3": ("农业：乡镇级集体经济组织", "Agriculture: township-level collective economic organisation"),
        "N9": ("农业：其他", "Agriculture: other"),
        "Y1": ("其他", "Other"),
    }
)

_USCC_NATIONAL_REGION: Final = "100000"  # used for organisations registered at national level


def _uscc_error(kind: ErrorKind, zh: str, en: str) -> CodeError:
    return CodeError(kind, zh, en, catalog_code="E002")


def normalize_uscc(code: str) -> str:
    """Normalised form of a credit code (see :func:`normalize_code`); does not validate."""
    return normalize_code(code)


def _uscc_charset(code: str) -> None:
    bad = sorted({c for c in code if c not in _USCC_VALUE})
    if bad:
        chars = " ".join(bad)
        raise _uscc_error(
            "charset",
            f"统一社会信用代码含有不允许的字符：{chars}（不使用 I、O、S、V、Z）",
            f"Unified social credit code contains invalid characters: {chars} (I, O, S, V and Z are not used)",
        )


def _uscc_check(first17: str) -> str:
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_check_char(first17: str) -> str:
    """The check character (position 18) for the first 17 characters of a credit code."""
    first17 = normalize_uscc(first17)
    if len(first17) != 17:
        raise _uscc_error(
            "length",
            f"统一社会信用代码前17位长度应为17，实际为{len(first17)}",
            f"The first part of a unified social credit code must have 17 characters, got {len(first17)}",
        )
    _uscc_charset(first17)
    return _uscc_check(first17)


def validate_uscc(code: str) -> None:
    """Validate a 统一社会信用代码; raise :class:`CodeError` (``catalog_code`` E002).

    Checks, in order: length 18 (``length``), alphabet (``charset``), the
    authority+type pair (``authority``), positions 3–8 a division code —
    ``100000`` for national registration or a structurally valid GB/T 2260 code,
    abolished codes included (``region``) — and the MOD 31 check character
    (``check``).  Input is normalised first; use :func:`normalize_uscc` to store it.
    """
    code = normalize_uscc(code)
    if len(code) != 18:
        raise _uscc_error(
            "length",
            f"统一社会信用代码应为18位，实际为{len(code)}位",
            f"A unified social credit code has 18 characters, got {len(code)}",
        )
    _uscc_charset(code)
    if code[:2] not in USCC_AUTHORITY_TYPES:
        raise _uscc_error(
            "authority",
            f"统一社会信用代码第1–2位登记管理部门和机构类别代码“{code[:2]}”无效",
            f"Registration authority and organisation type '{code[:2]}' (positions 1-2) is not valid",
        )
    region = code[2:8]
    if region != _USCC_NATIONAL_REGION:
        try:
            _check_region_structure(region)
        except CodeError:
            raise _uscc_error(
                "region",
                f"统一社会信用代码第3–8位登记管理机关行政区划码“{region}”无效",
                f"Administrative division code '{region}' (positions 3-8) is not valid",
            ) from None
    expected = _uscc_check(code[:17])
    if code[17] != expected:
        raise _uscc_error(
            "check",
            "统一社会信用代码校验码错误，请检查是否输错",
            "The check character of the unified social credit code is wrong; please check for typing errors",
        )


def is_valid_uscc(code: object) -> bool:
    """True when ``code`` is a str that passes :func:`validate_uscc`."""
    if not isinstance(code, str):
        return False
    try:
        validate_uscc(code)
    except CodeError:
        return False
    return True


def make_uscc(first17: str) -> str:
    """Complete 17 characters with their check character and validate the result."""
    code = normalize_uscc(first17)
    code += uscc_check_char(code)
    validate_uscc(code)
    return code


# ---------------------------------------------------------------------------
# 行政区划代码 (GB/T 2260)


@functools.cache
def _regions() -> Mapping[str, str]:
    path = resources.files("etender.kernel").joinpath("data").joinpath("regions.json")
    table = json.loads(path.read_text(encoding="utf-8"))["regions"]
    return MappingProxyType(dict(sorted(table.items())))


def _region_error(kind: ErrorKind, zh: str, en: str) -> CodeError:
    return CodeError(kind, zh, en, catalog_code="E003")


def _check_region_structure(code: str) -> None:
    if len(code) != 6:
        raise _region_error("length", f"行政区划代码应为6位数字，实际为{len(code)}位", f"A division code has 6 digits, got {len(code)}")
    if not _is_digits(code):
        raise _region_error("charset", "行政区划代码只能包含数字", "A division code contains digits only")
    if code[:2] + "0000" not in _regions():
        raise _region_error("region", f"行政区划代码“{code}”的省级代码不存在", f"Division code {code}: unknown province")
    if code in _regions():
        return
    city = int(code[2:4])
    if city > 90:
        raise _region_error("region", f"行政区划代码“{code}”的地级代码无效", f"Division code {code}: invalid prefecture part")


def validate_region_code(code: str) -> None:
    """Validate a 6-digit GB/T 2260 division code; raise :class:`CodeError` (E003).

    A code in the bundled table is valid.  The table is PARTIAL, so a code not
    in it is accepted when structurally valid: known province, prefecture part
    00 or 01–90, county part 00–99.  Abolished codes therefore pass too.
    """
    _check_region_structure(normalize_code(code))


def region_name(code: str) -> str | None:
    """Name of the division (e.g. ``"西湖区"``), or ``None`` if not in the table."""
    return _regions().get(normalize_code(code))


def region_full_name(code: str) -> str | None:
    """Name with its known parents, e.g. ``"浙江省杭州市西湖区"``; ``None`` if not in the table."""
    code = normalize_code(code)
    table = _regions()
    if code not in table:
        return None
    parts = [code[:2] + "0000", code[:4] + "00", code]
    names: list[str] = []
    for part in dict.fromkeys(parts):  # unique, in order
        if part in table:
            names.append(table[part])
    return "".join(names)


def region_choices(province: str | None = "33") -> list[tuple[str, str]]:
    """Form choices ``(code, full name)`` for the table entries of ``province`` (2 digits).

    The province itself comes first, then its cities and counties by code.
    ``province=None`` lists the 34 province-level divisions.
    """
    table = _regions()
    if province is None:
        return [(c, n) for c, n in table.items() if c.endswith("0000")]
    province = normalize_code(province)
    if len(province) != 2 or province + "0000" not in table:
        raise _region_error("region", f"省级行政区划代码“{province}”不存在", f"Unknown province code {province!r}")
    return [(c, region_full_name(c) or n) for c, n in table.items() if c.startswith(province)]


# ---------------------------------------------------------------------------
# Nested national codes: project (17) > tender project (20) > bid section (23)

PROJECT_CODE_PREFIX: Final = "E"  # 工程建设
PROJECT_YEARS: Final = range(1990, 2100)


def _int_arg(value: int, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if not low <= value <= high:
        raise CodeError("format", f"{name} 应在 {low}–{high} 之间，实际为 {value}", f"{name} must be between {low} and {high}, got {value}")
    return value


def _serial_part(part: str, what_zh: str, what_en: str) -> None:
    if not _is_digits(part):
        raise CodeError("charset", f"{what_zh}只能包含数字", f"The {what_en} contains digits only")
    if int(part) == 0:
        raise CodeError("format", f"{what_zh}不能为全零", f"The {what_en} may not be all zeros")


def _length(code: str, n: int, what_zh: str, what_en: str) -> None:
    if len(code) != n:
        raise CodeError("length", f"{what_zh}应为{n}位，实际为{len(code)}位", f"A {what_en} has {n} characters, got {len(code)}")


def validate_project_code(code: str) -> None:
    """Validate a 17-character project code ``E`` + region(6) + year(4) + serial(6)."""
    code = normalize_code(code)
    _length(code, 17, "项目编号", "project code")
    if code[0] != PROJECT_CODE_PREFIX:
        raise CodeError("format", "项目编号应以“E”（工程建设）开头", "A project code starts with 'E' (construction works)")
    if not _is_digits(code[1:]):
        raise CodeError("charset", "项目编号第2–17位只能包含数字", "Positions 2-17 of a project code are digits")
    try:
        _check_region_structure(code[1:7])
    except CodeError as exc:
        raise CodeError("region", f"项目编号中的{exc.message_zh}", f"Project code: {exc.message_en}") from None
    year = int(code[7:11])
    if year not in PROJECT_YEARS:
        raise CodeError("format", f"项目编号中的年份{year}无效", f"Project code: invalid year {year}")
    _serial_part(code[11:], "项目编号流水号", "project serial number")


def validate_tender_project_code(code: str, project_code: str | None = None) -> None:
    """Validate a 20-character tender project code (project code + 3-digit serial).

    With ``project_code`` also check that it is nested under that project (``nesting``).
    """
    code = normalize_code(code)
    _length(code, 20, "招标项目编号", "tender project code")
    validate_project_code(code[:17])
    _serial_part(code[17:], "招标项目流水号", "tender project serial number")
    if project_code is not None and code[:17] != normalize_code(project_code):
        raise CodeError("nesting", "招标项目编号不属于该项目", "The tender project code does not belong to this project")


def validate_section_code(code: str, tender_project_code: str | None = None) -> None:
    """Validate a 23-character bid section code (tender project code + 3-digit serial).

    With ``tender_project_code`` also check the nesting (``nesting``).
    """
    code = normalize_code(code)
    _length(code, 23, "标段（包）编号", "bid section code")
    validate_tender_project_code(code[:20])
    _serial_part(code[20:], "标段流水号", "bid section serial number")
    if tender_project_code is not None and code[:20] != normalize_code(tender_project_code):
        raise CodeError("nesting", "标段（包）编号不属于该招标项目", "The bid section code does not belong to this tender project")


def make_project_code(region: str, year: int, serial: int) -> str:
    """``E`` + division code + year + 6-digit serial (1–999999)."""
    region = normalize_code(region)
    validate_region_code(region)
    _int_arg(year, "year", PROJECT_YEARS.start, PROJECT_YEARS.stop - 1)
    _int_arg(serial, "serial", 1, 999_999)
    code = f"{PROJECT_CODE_PREFIX}{region}{year:04d}{serial:06d}"
    validate_project_code(code)
    return code


def make_tender_project_code(project_code: str, n: int) -> str:
    """Project code + 3-digit serial (1–999)."""
    project_code = normalize_code(project_code)
    validate_project_code(project_code)
    return f"{project_code}{_int_arg(n, 'n', 1, 999):03d}"


def make_section_code(tender_project_code: str, n: int) -> str:
    """Tender project code + 3-digit serial (1–999)."""
    tender_project_code = normalize_code(tender_project_code)
    validate_tender_project_code(tender_project_code)
    return f"{tender_project_code}{_int_arg(n, 'n', 1, 999):03d}"


# ---------------------------------------------------------------------------
# 统一交易标识码: <USCC>-<yyyyMMdd>-<serial6>-<check>, ISO/IEC 7064 MOD 37-2

MOD37_ALPHABET: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"
_MOD37_VALUE: Final = {c: i for i, c in enumerate(MOD37_ALPHABET)}
_TZ: Final = ZoneInfo("Asia/Shanghai")
_DEAL_RE: Final = re.compile(r"^([0-9A-Z]{18})-(\d{8})-(\d{6})-([0-9A-Z*])$")


def mod37_2_check_char(data: str) -> str:
    """ISO/IEC 7064 MOD 37-2 check character of ``data`` (characters 0-9, A-Z).

    Pure system, radix 2: the check character c makes
    Σ value(ch_i)·2^i ≡ 1 (mod 37), with the check character at i = 0.
    """
    p = 0
    for ch in data:
        try:
            v = _MOD37_VALUE[ch]
        except KeyError:
            raise CodeError("charset", f"字符“{ch}”不允许", f"Character {ch!r} is not allowed") from None
        if v == 36:
            raise CodeError("charset", "“*”只能作为校验码", "'*' may only be the check character")
        p = (p + v) * 2 % 37
    return MOD37_ALPHABET[(1 - p) % 37]


def make_unified_deal_code(platform_uscc: str, day: date, serial: int) -> str:
    """Unified deal code of a trading platform for ``day`` and ``serial`` (1–999999).

    ``day`` is a date; an aware datetime is converted to its Asia/Shanghai date.
    """
    platform_uscc = normalize_uscc(platform_uscc)
    validate_uscc(platform_uscc)
    if isinstance(day, datetime):
        if day.tzinfo is None or day.utcoffset() is None:
            raise ValueError("day must be a date or an aware datetime")
        day = day.astimezone(_TZ).date()
    if not isinstance(day, date):
        raise TypeError(f"day must be a date, got {type(day).__name__}")
    _int_arg(serial, "serial", 1, 999_999)
    body = f"{platform_uscc}{day:%Y%m%d}{serial:06d}"
    return f"{platform_uscc}-{day:%Y%m%d}-{serial:06d}-{mod37_2_check_char(body)}"


def validate_unified_deal_code(code: str) -> None:
    """Validate a 统一交易标识码 (36 characters with dashes).

    The platform part is validated as a credit code (errors keep their USCC
    kind), the date must exist, the serial be non-zero, and the MOD 37-2 check
    character over the 32 alphanumeric characters must match (``check``).
    """
    code = normalize_code(code)
    m = _DEAL_RE.match(code)
    if m is None:
        raise CodeError(
            "format",
            "统一交易标识码格式应为“18位平台统一社会信用代码-yyyyMMdd-6位流水号-校验码”",
            "A unified deal code has the form '<18-char platform credit code>-<yyyyMMdd>-<6-digit serial>-<check>'",
        )
    uscc, day, serial, check = m.groups()
    try:
        validate_uscc(uscc)
    except CodeError as exc:
        raise CodeError(exc.kind, f"统一交易标识码中的{exc.message_zh}", f"Unified deal code: {exc.message_en}") from None
    try:
        datetime.strptime(day, "%Y%m%d")
    except ValueError:
        raise CodeError("format", f"统一交易标识码中的日期“{day}”无效", f"Unified deal code: invalid date {day}") from None
    _serial_part(serial, "统一交易标识码流水号", "unified deal code serial number")
    if mod37_2_check_char(uscc + day + serial) != check:
        raise CodeError("check", "统一交易标识码校验码错误", "The check character of the unified deal code is wrong")


# ---------------------------------------------------------------------------
# Code tables

CodeTable = Mapping[str, tuple[str, str]]

#: Lot classification (标段分类代码): level 1 letter, then 2-digit levels, at most 7
#: characters.  A minimal project table — only A (工程), B (货物), C (服务) are used;
#: ``A08`` (施工) is what rule E113 (construction bid security cap) keys on.
CLASSIFICATIONS: Final[CodeTable] = MappingProxyType(
    {
        "A": ("工程", "Works"),
        "A01": ("房屋建筑", "Building works"),
        "A02": ("市政", "Municipal works"),
        "A03": ("勘察", "Survey"),
        "A04": ("设计", "Design"),
        "A05": ("监理", "Construction supervision"),
        "A08": ("施工", "Construction works"),
        "A10": ("工程总承包", "Engineering general contracting (EPC)"),
        "B": ("货物", "Goods"),
        "B01": ("设备", "Equipment"),
        "B02": ("材料", "Materials"),
        "C": ("服务", "Services"),
        "C01": ("咨询", "Consulting"),
        "C02": ("造价", "Cost consulting"),
    }
)
_CLASSIFICATION_RE: Final = re.compile(r"^[A-Z](?:\d{2}){0,3}$")
CONSTRUCTION_WORKS: Final = "A08"


def validate_classification(code: str) -> None:
    """Validate a lot classification code: letter + up to three 2-digit levels.

    The level-1 letter must be A, B or C and a level-2 prefix must be in
    :data:`CLASSIFICATIONS` (``unknown``); deeper levels are not checked.
    """
    code = normalize_code(code)
    if not 1 <= len(code) <= 7:
        raise CodeError("length", f"标段分类代码应为1–7位，实际为{len(code)}位", f"A classification code has 1 to 7 characters, got {len(code)}")
    if not _CLASSIFICATION_RE.match(code):
        raise CodeError("format", "标段分类代码格式应为一个字母加若干组两位数字", "A classification code is a letter followed by 2-digit groups")
    if code[0] not in CLASSIFICATIONS:
        raise CodeError("unknown", f"不使用标段分类“{code[0]}”（仅限A工程、B货物、C服务）", f"Classification {code[0]!r} is not used (only A works, B goods, C services)")
    if len(code) >= 3 and code[:3] not in CLASSIFICATIONS:
        raise CodeError("unknown", f"标段分类代码“{code[:3]}”不存在", f"Unknown classification code {code[:3]!r}")


def classification_label(code: str) -> tuple[str, str] | None:
    """(zh, en) name of the longest known prefix of ``code``, or ``None``."""
    code = normalize_code(code)
    for n in (3, 1):
        if len(code) >= n and code[:n] in CLASSIFICATIONS:
            return CLASSIFICATIONS[code[:n]]
    return None


def is_construction_works(code: str | None) -> bool:
    """True for 工程施工 lots (classification starting with ``A08``), the scope of rule E113."""
    return isinstance(code, str) and normalize_code(code).startswith(CONSTRUCTION_WORKS)


TENDER_MODES: Final[CodeTable] = MappingProxyType({"1": ("公开招标", "Open tendering"), "2": ("邀请招标", "Invited tendering")})

ORGANIZE_FORMS: Final[CodeTable] = MappingProxyType({"1": ("自行招标", "Self-organised"), "2": ("委托招标", "Commissioned agency")})

#: Project industry: a minimal project table keyed on GB/T 4754-2017
#: (国民经济行业分类) section letter + 2-digit division.  Not the official
#: data-standard industry list; extend as needed.
INDUSTRIES: Final[CodeTable] = MappingProxyType(
    {
        "D44": ("电力、热力生产和供应业", "Electricity and heat production and supply"),
        "D46": ("水的生产和供应业", "Water production and supply"),
        "E47": ("房屋建筑业", "Building construction"),
        "E48": ("土木工程建筑业", "Civil engineering"),
        "E49": ("建筑安装业", "Building installation"),
        "E50": ("建筑装饰、装修和其他建筑业", "Building decoration, renovation and other construction"),
        "G53": ("铁路运输业", "Railway transport"),
        "G54": ("道路运输业", "Road transport"),
        "G55": ("水上运输业", "Water transport"),
        "I65": ("软件和信息技术服务业", "Software and information technology services"),
        "N76": ("水利管理业", "Water conservancy management"),
        "N77": ("生态保护和环境治理业", "Ecological protection and environmental management"),
        "N78": ("公共设施管理业", "Public facilities management"),
        "P83": ("教育", "Education"),
        "Q84": ("卫生", "Health"),
    }
)

#: Source of funds: a project table following the categories of
#: 《必须招标的工程项目规定》 (国家发展改革委令第16号).
FUND_SOURCES: Final[CodeTable] = MappingProxyType(
    {
        "1": ("预算资金（政府投资）", "Government budget funds"),
        "2": ("国有企业事业单位资金", "Funds of state-owned enterprises or public institutions"),
        "3": ("国际组织或者外国政府贷款、援助资金", "Loans or aid from international organisations or foreign governments"),
        "4": ("非国有资金", "Non-state funds"),
        "9": ("其他", "Other"),
    }
)

CURRENCIES: Final[CodeTable] = MappingProxyType({"CNY": ("人民币", "Chinese yuan")})

PRICE_UNITS: Final[CodeTable] = MappingProxyType({"0": ("元", "yuan"), "1": ("万元", "10k yuan")})


def label(table: CodeTable, code: str, lang: str = "zh") -> str | None:
    """Name of ``code`` in ``table`` in ``lang`` (``"en…"`` for English, else Chinese)."""
    entry = table.get(code)
    if entry is None:
        return None
    return entry[1] if lang.startswith("en") else entry[0]


def choices(table: CodeTable, lang: str = "zh") -> list[tuple[str, str]]:
    """``(code, name)`` pairs of ``table`` in its order, for form fields."""
    i = 1 if lang.startswith("en") else 0
    return [(code, names[i]) for code, names in table.items()]
