"""Tests for etender.kernel.codes."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from etender.kernel import codes
from etender.kernel.codes import (
    CLASSIFICATIONS,
    CURRENCIES,
    FUND_SOURCES,
    INDUSTRIES,
    MOD37_ALPHABET,
    ORGANIZE_FORMS,
    PRICE_UNITS,
    TENDER_MODES,
    USCC_ALPHABET,
    USCC_AUTHORITY_TYPES,
    CodeError,
    choices,
    classification_label,
    is_construction_works,
    is_valid_uscc,
    label,
    make_project_code,
    make_section_code,
    make_tender_project_code,
    make_unified_deal_code,
    make_uscc,
    mod37_2_check_char,
    normalize_uscc,
    region_choices,
    region_full_name,
    region_name,
    uscc_check_char,
    validate_classification,
    validate_project_code,
    validate_region_code,
    validate_section_code,
    validate_tender_project_code,
    validate_unified_deal_code,
    validate_uscc,
)

# ---------------------------------------------------------------------------
# 统一社会信用代码

# Codes as published (business licences, the GB 32100 example); their check
# characters were verified with the algorithm before being written here.
PUBLISHED = [
    "91350100M000100Y43",
    "91330100799655058B",
    "914403001922038216",
    "9144030071526726XG",
    "91110108551385082Q",
]


def kind_of(fn, *args, **kwargs) -> str:
    with pytest.raises(CodeError) as info:
        fn(*args, **kwargs)
    err = info.value
    assert err.message_zh and err.message_en
    assert err.message_zh != err.message_en
    return err.kind


def test_weights_are_powers_of_three() -> None:
    assert codes.USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(USCC_ALPHABET) == 31 and not set("IOSVZ") & set(USCC_ALPHABET)


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_valid(code: str) -> None:
    validate_uscc(code)
    assert is_valid_uscc(code)
    assert uscc_check_char(code[:17]) == code[17]
    assert make_uscc(code[:17]) == code


def test_generated_codes() -> None:
    # Hangzhou enterprise, national-level organ, Zhejiang social organisation.
    for first17 in ("91330106MA2CFKKK0", "11100000000013100", "51330000MJ8700001", "N2330110MF0000001"):
        code = make_uscc(first17)
        assert len(code) == 18 and is_valid_uscc(code)


def test_check_char_31_maps_to_zero() -> None:
    # Find a prefix whose weighted sum is 0 mod 31: check char must be "0", not "31".
    base = "9133010600000000"
    for c in USCC_ALPHABET:
        if uscc_check_char(base + c) == "0":
            assert is_valid_uscc(base + c + "0")
            break
    else:  # pragma: no cover
        pytest.fail("no prefix with check character 0")


def test_normalisation() -> None:
    assert normalize_uscc(" 91330100 799655058b\n") == "91330100799655058B"
    assert normalize_uscc("９１３３０１００７９９６５５０５８Ｂ") == "91330100799655058B"  # full-width
    validate_uscc("91330100799655058b")
    assert is_valid_uscc(" 9133 0100 7996 5505 8B ")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("91330100799655058", "length"),
        ("91330100799655058BB", "length"),
        ("", "length"),
        ("91330100799655058I", "charset"),
        ("9133010079965505OB", "charset"),
        ("91330100-99655058B", "charset"),
        ("94330100799655058B", "authority"),  # 9 + 4 not a type of market regulation
        ("B1330100799655058B", "authority"),
        ("91990100799655058B", "region"),  # province 99
        ("9133A100799655058B", "region"),  # letter in the division code
        ("91339900799655058B", "region"),  # prefecture part 99
        ("91330100799655058C", "check"),
    ],
)
def test_uscc_error_kinds(code: str, kind: str) -> None:
    assert kind_of(validate_uscc, code) == kind
    assert not is_valid_uscc(code)


def test_uscc_error_carries_catalog_code_and_messages() -> None:
    with pytest.raises(CodeError) as info:
        validate_uscc("91330100799655058C")
    err = info.value
    assert err.catalog_code == "E002"
    assert isinstance(err, ValueError)
    assert "校验码" in err.message_zh and "check character" in err.message_en
    assert err.message_zh in str(err)


def test_check_char_helpers_reject_bad_input() -> None:
    assert kind_of(uscc_check_char, "9133") == "length"
    assert kind_of(uscc_check_char, "9133010079965505O") == "charset"
    assert kind_of(make_uscc, "95330100799655058") == "authority"
    assert not is_valid_uscc(None)
    assert not is_valid_uscc(91330100799655058)


def test_all_authority_pairs_accepted() -> None:
    assert len(USCC_AUTHORITY_TYPES) == 36
    for pair in USCC_AUTHORITY_TYPES:
        assert is_valid_uscc(make_uscc(pair + "330100" + "MA0000001"))


uscc_first17 = st.builds(
    lambda pair, region, body: pair + region + body,
    st.sampled_from(sorted(USCC_AUTHORITY_TYPES)),
    st.sampled_from(["330100", "330106", "110000", "100000", "440300", "330183", "659001"]),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
)


@settings(max_examples=300)
@given(first17=uscc_first17, pos=st.integers(0, 17), data=st.data())
def test_any_single_substitution_rejected(first17: str, pos: int, data: st.DataObject) -> None:
    code = make_uscc(first17)
    new = data.draw(st.sampled_from(USCC_ALPHABET).filter(lambda c: c != code[pos]))
    changed = code[:pos] + new + code[pos + 1 :]
    assert not is_valid_uscc(changed)


def test_mod31_detects_every_single_substitution_exhaustively() -> None:
    # Every weight is invertible mod 31 (a prime), so any change of one of
    # the 17 characters changes the check character.
    code = make_uscc("91330106MA2CFKKK0")
    for pos in range(17):
        for c in USCC_ALPHABET:
            if c != code[pos]:
                changed = code[:pos] + c + code[pos + 1 : 17]
                assert uscc_check_char(changed) != code[17]


# ---------------------------------------------------------------------------
# 行政区划代码


def test_region_table() -> None:
    provinces = region_choices(None)
    assert len(provinces) == 34
    assert provinces[0] == ("110000", "北京市") and provinces[-1] == ("820000", "澳门特别行政区")
    assert region_name("330000") == "浙江省"
    assert region_name("330106") == "西湖区"
    assert region_name("331100") == "丽水市"
    assert region_name("330103") is None  # abolished 下城区: not in the table
    assert region_full_name("330182") == "浙江省杭州市建德市"
    assert region_full_name("110000") == "北京市"


def test_region_choices_zhejiang() -> None:
    ch = region_choices()
    assert ch[0] == ("330000", "浙江省")
    assert ("330100", "浙江省杭州市") in ch
    assert ("330114", "浙江省杭州市钱塘区") in ch
    assert sum(1 for c, _ in ch if c.endswith("00") and c != "330000") == 11
    assert sum(1 for c, _ in ch if c.startswith("3301") and not c.endswith("00")) == 13
    assert [c for c, _ in ch] == sorted(c for c, _ in ch)
    assert kind_of(region_choices, "99") == "region"


@pytest.mark.parametrize("code", ["330106", "330000", "110101", "330103", "469001", "659001", "330183", " 330106 "])
def test_valid_region_codes(code: str) -> None:
    validate_region_code(code)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("33010", "length"),
        ("3301066", "length"),
        ("33O106", "charset"),
        ("990100", "region"),
        ("100000", "region"),  # national level: allowed inside credit codes only
        ("339100", "region"),
    ],
)
def test_invalid_region_codes(code: str, kind: str) -> None:
    with pytest.raises(CodeError) as info:
        validate_region_code(code)
    assert info.value.kind == kind
    assert info.value.catalog_code == "E003"


# ---------------------------------------------------------------------------
# Nested project codes


def test_nested_codes_round_trip() -> None:
    p = make_project_code("330106", 2026, 42)
    assert p == "E3301062026000042" and len(p) == 17
    t = make_tender_project_code(p, 1)
    assert t == p + "001" and len(t) == 20
    s = make_section_code(t, 12)
    assert s == t + "012" and len(s) == 23
    validate_project_code(p)
    validate_tender_project_code(t, p)
    validate_section_code(s, t)
    validate_section_code(s.lower())


@pytest.mark.parametrize(
    ("fn", "code", "kind"),
    [
        (validate_project_code, "E330106202600004", "length"),
        (validate_project_code, "F3301062026000042", "format"),
        (validate_project_code, "E33010620260000A2", "charset"),
        (validate_project_code, "E9901062026000042", "region"),
        (validate_project_code, "E3301061899000042", "format"),  # year
        (validate_project_code, "E3301062026000000", "format"),  # zero serial
        (validate_tender_project_code, "E3301062026000042000", "format"),
        (validate_tender_project_code, "E330106202600004200", "length"),
        (validate_tender_project_code, "E3301062026000042O01", "charset"),
        (validate_section_code, "E330106202600004200100", "length"),
        (validate_section_code, "E3301062026000042001000", "format"),
        (validate_section_code, "X3301062026000042001001", "format"),
    ],
)
def test_nested_code_errors(fn, code: str, kind: str) -> None:
    assert kind_of(fn, code) == kind


def test_nesting_checked() -> None:
    p1 = make_project_code("330106", 2026, 1)
    p2 = make_project_code("330106", 2026, 2)
    t1 = make_tender_project_code(p1, 1)
    assert kind_of(validate_tender_project_code, t1, p2) == "nesting"
    s = make_section_code(t1, 1)
    assert kind_of(validate_section_code, s, make_tender_project_code(p1, 2)) == "nesting"


def test_make_nested_rejects_bad_arguments() -> None:
    assert kind_of(make_project_code, "990100", 2026, 1) == "region"
    assert kind_of(make_project_code, "330106", 2026, 0) == "format"
    assert kind_of(make_project_code, "330106", 2026, 1_000_000) == "format"
    assert kind_of(make_tender_project_code, "E3301062026000001", 1000) == "format"
    assert kind_of(make_section_code, "E3301062026000001", 1) == "length"
    with pytest.raises(TypeError):
        make_project_code("330106", "2026", 1)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# 统一交易标识码 (ISO/IEC 7064 MOD 37-2)

PLATFORM = "91330100799655058B"


def test_mod37_2_reference_example() -> None:
    # ISO/IEC 7064 example for MOD 37-2.
    assert mod37_2_check_char("G123498654321") == "H"


def test_mod37_2_definition() -> None:
    # Σ value·2^(i-1) over all characters, check character at i = 1, is 1 mod 37.
    for data in ("0", "A", "ZZZZ", PLATFORM + "20260501000001"):
        full = data + mod37_2_check_char(data)
        total = sum(MOD37_ALPHABET.index(c) * pow(2, i, 37) for i, c in enumerate(reversed(full)))
        assert total % 37 == 1


def test_unified_deal_code_round_trip() -> None:
    code = make_unified_deal_code(PLATFORM, date(2026, 5, 1), 1)
    assert code.startswith(PLATFORM + "-20260501-000001-")
    assert len(code) == 36
    validate_unified_deal_code(code)
    validate_unified_deal_code(code.lower())
    # An aware datetime is taken in Asia/Shanghai.
    at = datetime(2026, 4, 30, 16, 30, tzinfo=timezone.utc)  # 2026-05-01 00:30 local
    assert make_unified_deal_code(PLATFORM, at, 1) == code
    with pytest.raises(ValueError):
        make_unified_deal_code(PLATFORM, datetime(2026, 5, 1, 9), 1)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("91330100799655058B-20260501-000001", "format"),
        ("91330100799655058B20260501000001X", "format"),
        ("91330100799655058C-20260501-000001-0", "check"),  # USCC kind kept
        ("91330100799655058B-20260231-000001-0", "format"),  # no 31 February
        ("91330100799655058B-20260501-000000-0", "format"),
    ],
)
def test_unified_deal_code_errors(code: str, kind: str) -> None:
    assert kind_of(validate_unified_deal_code, code) == kind


def test_unified_deal_code_wrong_check() -> None:
    code = make_unified_deal_code(PLATFORM, date(2026, 5, 1), 7)
    wrong = next(c for c in MOD37_ALPHABET if c != code[-1])
    assert kind_of(validate_unified_deal_code, code[:-1] + wrong) == "check"


@settings(max_examples=300)
@given(
    first17=uscc_first17,
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    serial=st.integers(1, 999_999),
    data=st.data(),
)
def test_unified_deal_code_single_substitution(first17: str, day: date, serial: int, data: st.DataObject) -> None:
    code = make_unified_deal_code(make_uscc(first17), day, serial)
    validate_unified_deal_code(code)
    positions = [i for i, c in enumerate(code) if c != "-"]
    assert len(positions) == 33
    pos = data.draw(st.sampled_from(positions))
    alphabet = MOD37_ALPHABET if pos == len(code) - 1 else MOD37_ALPHABET[:36]
    new = data.draw(st.sampled_from(alphabet).filter(lambda c: c != code[pos]))
    changed = code[:pos] + new + code[pos + 1 :]
    with pytest.raises(CodeError):
        validate_unified_deal_code(changed)


@settings(max_examples=300)
@given(
    data_str=st.text(alphabet=MOD37_ALPHABET[:36], min_size=1, max_size=40),
    data=st.data(),
)
def test_mod37_2_detects_single_substitution(data_str: str, data: st.DataObject) -> None:
    pos = data.draw(st.integers(0, len(data_str) - 1))
    new = data.draw(st.sampled_from(MOD37_ALPHABET[:36]).filter(lambda c: c != data_str[pos]))
    assume(new != data_str[pos])
    changed = data_str[:pos] + new + data_str[pos + 1 :]
    assert mod37_2_check_char(changed) != mod37_2_check_char(data_str)


def test_mod37_2_rejects_bad_characters() -> None:
    assert kind_of(mod37_2_check_char, "AB-C") == "charset"
    assert kind_of(mod37_2_check_char, "AB*C") == "charset"


# ---------------------------------------------------------------------------
# Classifications and tables


@pytest.mark.parametrize("code", ["A", "A08", "a08", "A0801", "A080101", "B01", "C02", "C0299"])
def test_valid_classifications(code: str) -> None:
    validate_classification(code)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("", "length"),
        ("A08010101", "length"),
        ("A8", "format"),
        ("A0", "format"),
        ("08", "format"),
        ("A08X", "format"),
        ("D01", "unknown"),
        ("E", "unknown"),
        ("A99", "unknown"),
    ],
)
def test_invalid_classifications(code: str, kind: str) -> None:
    assert kind_of(validate_classification, code) == kind


def test_construction_works() -> None:
    assert is_construction_works("A08")
    assert is_construction_works("a0801")
    assert not is_construction_works("A01")
    assert not is_construction_works("A")
    assert not is_construction_works(None)
    assert classification_label("A0801") == ("施工", "Construction works")
    assert classification_label("A77") == ("工程", "Works")
    assert classification_label("Z") is None


def test_tables_are_bilingual_and_read_only() -> None:
    for table in (CLASSIFICATIONS, TENDER_MODES, ORGANIZE_FORMS, INDUSTRIES, FUND_SOURCES, CURRENCIES, PRICE_UNITS, USCC_AUTHORITY_TYPES):
        assert table
        for code, (zh, en) in table.items():
            assert code and zh and en and zh != en
        with pytest.raises(TypeError):
            table["X"] = ("x", "y")  # type: ignore[index]
    for code in INDUSTRIES:
        assert len(code) == 3
    assert TENDER_MODES == {"1": ("公开招标", "Open tendering"), "2": ("邀请招标", "Invited tendering")}
    assert label(PRICE_UNITS, "1") == "万元"
    assert label(PRICE_UNITS, "1", "en") == "10k yuan"
    assert label(CURRENCIES, "USD") is None
    assert choices(ORGANIZE_FORMS, "en") == [("1", "Self-organised"), ("2", "Commissioned agency")]


def test_no_django_imports() -> None:
    import re
    from pathlib import Path

    import etender.kernel.calendar as calendar_module

    for module in (codes, calendar_module):
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+django", source, re.MULTILINE)
