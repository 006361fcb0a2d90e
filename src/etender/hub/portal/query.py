"""The search parameters of the portal (pages and API): parsed and checked once, with coded errors.

Anything a client sends either becomes a :class:`SearchParams` or raises
``RuleViolation`` E040 (bad filter), E041 (query too long) or E042 (page too deep).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from etender.kernel import codes
from etender.kernel.calendar import TZ
from etender.kernel.errors import RuleViolation

from .disclosure import BY_SLUG, DEFAULT_SCOPE
from .segment import query_tokens

MAX_QUERY = 100
MAX_TERMS = 12
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
#: Results beyond this rank cannot be paged to (E042): narrow the search instead.
MAX_RESULTS = 10_000
SORTS = ("relevance", "newest")

_INDUSTRY = re.compile(r"[A-T](?:[0-9]{2}){0,2}")
_CATEGORY = re.compile(r"[A-E](?:[0-9]{2}){0,3}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    tokens: tuple[str, ...] = ()
    kind: str = ""
    region: str = ""
    industry: str = ""
    category: str = ""
    platform: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    size: int = PAGE_SIZE
    sort: str = "relevance"
    scope: tuple[str, ...] = field(default=DEFAULT_SCOPE)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def region_prefix(self) -> str:
        """330000 → "33" (the province), 330100 → "3301" (the city), else the county itself."""
        if not self.region:
            return ""
        if self.region.endswith("0000"):
            return self.region[:2]
        if self.region.endswith("00"):
            return self.region[:4]
        return self.region

    @property
    def start(self) -> datetime | None:
        return datetime.combine(self.date_from, time.min, tzinfo=TZ) if self.date_from else None

    @property
    def end(self) -> datetime | None:
        """Exclusive: the day after ``to`` at 00:00 Beijing time."""
        return datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=TZ) if self.date_to else None

    def as_query(self, **changes) -> dict[str, str]:
        """The URL parameters of these results (for links to other pages), without empty ones."""
        values = {
            "q": self.q,
            "type": self.kind,
            "region": self.region,
            "industry": self.industry,
            "category": self.category,
            "platform": self.platform,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "sort": self.sort if self.sort != "relevance" else "",
            "page": str(self.page) if self.page != 1 else "",
        }
        values.update({k: str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v}


def _bad(name: str, zh: str, en: str) -> RuleViolation:
    return RuleViolation("E040", detail_zh=f"{name}：{zh}", detail_en=f"{name}: {en}", field=name)


def _text(params: Mapping[str, object], name: str) -> str:
    value = params.get(name)
    if isinstance(value, list | tuple):  # a QueryDict's getlist, or repeated API parameters: the last one counts
        value = value[-1] if value else ""
    if value is None:
        return ""
    return str(value).replace("\x00", "").strip()


def _date(name: str, value: str) -> date | None:
    if not value:
        return None
    if not _DATE.fullmatch(value):
        raise _bad(name, "日期格式应为YYYY-MM-DD", "a date is written YYYY-MM-DD")
    try:
        d = date.fromisoformat(value)
    except ValueError:
        raise _bad(name, "日期不存在", "no such date") from None
    if not 1990 <= d.year <= 2100:
        raise _bad(name, "日期应在1990年至2100年之间", "dates run from 1990 to 2100")
    return d


def _int(name: str, value: str, default: int, low: int, high: int | None = None) -> int:
    if not value:
        return default
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise _bad(name, "应为正整数", "must be a positive whole number")
    n = int(value)
    if n < low or (high is not None and n > high):
        raise _bad(name, f"应在{low}至{high}之间" if high else f"不能小于{low}", f"must be between {low} and {high}" if high else f"must be at least {low}")
    return n


def parse(params: Mapping[str, object], *, kind: str = "") -> SearchParams:
    """Check the parameters (``q, type, region, industry, category, platform, from, to, page, size, sort``).

    ``kind`` fixes the type (listing pages); a ``type`` parameter then must agree or be absent.
    """
    q = _text(params, "q")
    if len(q) > MAX_QUERY:
        raise RuleViolation("E041", detail_zh=f"最多{MAX_QUERY}个字符", detail_en=f"at most {MAX_QUERY} characters", field="q", params={"max": MAX_QUERY})
    tokens = tuple(query_tokens(q))
    if len(tokens) > MAX_TERMS:
        raise RuleViolation("E041", detail_zh=f"最多{MAX_TERMS}个词", detail_en=f"at most {MAX_TERMS} words", field="q", params={"max_terms": MAX_TERMS})

    chosen = _text(params, "type")
    if chosen and chosen not in BY_SLUG:
        raise _bad("type", f"应为{'、'.join(BY_SLUG)}之一", f"must be one of {', '.join(BY_SLUG)}")
    if kind:
        if chosen and chosen != kind:
            raise _bad("type", f"本页只列出{kind}", f"this page lists {kind} only")
        chosen = kind

    region = _text(params, "region")
    if region:
        try:
            codes.validate_region_code(region)
        except codes.CodeError as exc:
            raise RuleViolation("E040", detail_zh=f"region：{exc.message_zh}", detail_en=f"region: {exc.message_en}", field="region") from None
        region = codes.normalize_code(region)

    industry = _text(params, "industry").upper()
    if industry and not _INDUSTRY.fullmatch(industry):
        raise _bad("industry", "应为国民经济行业分类代码（如E48）", "must be a GB/T 4754 industry code (e.g. E48)")
    category = _text(params, "category").upper()
    if category and not _CATEGORY.fullmatch(category):
        raise _bad("category", "应为标段分类代码（如A08）", "must be a classification code (e.g. A08)")

    platform = _text(params, "platform").upper()
    if platform and not codes.is_valid_uscc(platform):
        raise _bad("platform", "应为交易平台的统一社会信用代码", "must be the platform's unified social credit code")

    date_from, date_to = _date("from", _text(params, "from")), _date("to", _text(params, "to"))
    if date_from and date_to and date_from > date_to:
        raise _bad("to", "截止日期早于起始日期", "the end date is before the start date")

    size = _int("size", _text(params, "size"), PAGE_SIZE, 1, MAX_PAGE_SIZE)
    page = _int("page", _text(params, "page"), 1, 1)
    if page * size > MAX_RESULTS:
        raise RuleViolation("E042", detail_zh=f"第{page}页超出前{MAX_RESULTS}条", detail_en=f"page {page} is beyond the first {MAX_RESULTS:,} results", field="page", params={"max_results": MAX_RESULTS})
    sort = _text(params, "sort") or "relevance"
    if sort not in SORTS:
        raise _bad("sort", "应为relevance（相关度）或newest（最新）", "must be relevance or newest")

    return SearchParams(
        q=q,
        tokens=tokens,
        kind=chosen,
        region=region,
        industry=industry,
        category=category,
        platform=platform,
        date_from=date_from,
        date_to=date_to,
        page=page,
        size=size,
        sort=sort,
        scope=(chosen,) if chosen else DEFAULT_SCOPE,
    )
