"""Which tenders a supervising department covers: the mapping table and region matching (pure).

A department's jurisdiction (条例 4; 电子办法 47–48) has two parts:

* **fields** — the duty industries of ``supervision.duties.Industry`` mapped to the exchange codes of the
  tenders: 项目行业分类 ``INDUSTRIES_TYPE`` (data set 500, codes of ``kernel.codes.INDUSTRIES``) and
  招标项目类型 ``TENDER_PROJECT_TYPE`` (data set 501, the first three characters of the lot classification,
  ``kernel.codes.CLASSIFICATIONS``).  A tender is in a field when its industry code **or** its tender type is
  listed for that field; ``*`` means every tender (the coordinating roles of 发展改革, 条例 4 para. 1).
* **regions** — GB/T 2260 codes.  A department of a province covers every city and district of it, a city
  department its districts: the code is reduced to its significant prefix (330000 → ``33``, 330100 → ``3301``,
  330106 → ``330106``) and a tender's 招标项目所在行政区域代码 must start with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ALL = "*"

#: duty industry → (INDUSTRIES_TYPE codes, TENDER_PROJECT_TYPE codes).  The only place this mapping lives.
FIELD_MAP: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # 发展改革: guidance and coordination of all tendering, major projects, electronic tendering systems
    "coordination": (frozenset({ALL}), frozenset({ALL})),
    "major_projects": (frozenset({ALL}), frozenset({ALL})),
    "e_platforms": (frozenset({ALL}), frozenset({ALL})),
    # 工业和信息化: industrial and information projects
    "industry": (frozenset({"I65"}), frozenset()),
    # E48 土木工程建筑业 (civil engineering: roads, bridges, tunnels, pipelines, water works) is shared by the
    # departments of works: each of them sees it, as in practice the project's approval names one of them.
    # 住房城乡建设: buildings and municipal works — by industry and by the works type of the lots
    "housing": (frozenset({"E47", "E48", "E49", "E50", "D46", "N78"}), frozenset({"A01", "A02"})),
    # 交通运输: highways, roads and waterways
    "transport": (frozenset({"G54", "G55", "E48"}), frozenset()),
    # 铁道: railway works
    "railway": (frozenset({"G53", "E48"}), frozenset()),
    # 水利: water conservancy works
    "water": (frozenset({"N76", "E48"}), frozenset()),
    # 商务: international tendering of electromechanical products (goods)
    "commerce": (frozenset(), frozenset({"B01"})),
    # 财政: government procurement policy in construction projects — goods and services of works projects
    "procurement": (frozenset(), frozenset({"B01", "B02", "C01", "C02"})),
}


def region_prefix(region_code: str) -> str:
    """330000 → "33", 330100 → "3301", 330106 → "330106"."""
    code = (region_code or "").strip()
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


@dataclass(frozen=True)
class Scope:
    """A resolved jurisdiction: region prefixes and code sets (``ALL`` inside a set = everything)."""

    regions: frozenset[str]
    industries: frozenset[str]
    tender_types: frozenset[str]

    @property
    def everything(self) -> bool:
        return ALL in self.industries or ALL in self.tender_types

    def covers(self, *, region_code: str, industry: str, tender_type: str) -> bool:
        if not any((region_code or "").startswith(p) for p in self.regions if p):
            return False
        if self.everything:
            return True
        return (industry or "") in self.industries or (tender_type or "") in self.tender_types

    def union(self, other: Scope) -> Scope:
        return Scope(self.regions | other.regions, self.industries | other.industries, self.tender_types | other.tender_types)


EMPTY = Scope(frozenset(), frozenset(), frozenset())


def scope_for(*, region_codes: Iterable[str], fields: Iterable[str], extra_industries: Iterable[str] = (), extra_tender_types: Iterable[str] = ()) -> Scope:
    """The scope of one department: its regions and the codes of its duty fields (plus explicit extra codes)."""
    industries: set[str] = set(extra_industries)
    types: set[str] = set(extra_tender_types)
    for f in fields:
        inds, tts = FIELD_MAP.get(f, (frozenset(), frozenset()))
        industries |= inds
        types |= tts
    return Scope(frozenset(region_prefix(r) for r in region_codes if r), frozenset(industries), frozenset(types))
