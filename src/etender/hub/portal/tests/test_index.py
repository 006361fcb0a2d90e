"""The disclosure index: written in the ingestion transaction, searched in Chinese, public fields only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from etender.kernel.calendar import TZ
from etender.kernel.errors import RuleViolation
from etender.kernel.exchange import DATASETS, public_view
from etender.hub.exchange.models import Record
from etender.hub.portal import query, selectors
from etender.hub.portal.models import Entry

from .factory import Platform, Tender, envelope

pytestmark = pytest.mark.django_db

ALL = ("500", "501", "502", "503", "504", "506", "507", "508", "509", "510", "511", "512", "513", "519", "523")
#: Values of restricted or secret fields of the example records (persons, ID numbers, phones, accounts, devices).
NOT_PUBLIC = ("王建平", "李敏", "赵磊", "陈静", "周涛", "钱程", "吴志刚", "33010619000101001X", "33010819000101002X", "13800138000", "33050161000000000123", "BFEBFBFF000906EA", "192.0.2.15", "XHCJ-2025-SG-037-01")


def find(q: str = "", **filters) -> list[Entry]:
    return selectors.search(query.parse({"q": q, **filters})).items


def titles(q: str = "", **filters) -> list[str]:
    return [e.title for e in find(q, **filters)]


@pytest.fixture
def a(frozen_clock):
    return Platform(1, "杭州市公共资源电子交易平台").register()


@pytest.fixture
def b(frozen_clock):
    return Platform(2, "宁波市公共资源电子交易平台").register()


def test_a_whole_tender_is_published_with_public_fields_only(a):
    t = Tender(1, "西湖区紫金港路综合提升改造工程", content="本次招标范围为紫金港路综合提升改造工程，包括道路拓宽、排水管网改造及绿化提升。")
    a.send(t.envelopes(*ALL))
    kinds = dict(Entry.objects.values_list("dataset", "kind"))
    assert kinds == {"500": "project", "501": "tender", "502": "section", "503": "announcement", "504": "clarification", "506": "opening", "507": "bidder", "510": "candidate", "511": "publicity", "512": "contract", "513": "result"}
    for e in Entry.objects.all():
        public = {f.name for f in DATASETS[e.dataset].fields if f.disclosure == "public"}
        assert set(e.data) <= public, e.dataset
        assert e.data == public_view(e.dataset, Record.objects.get(dataset=e.dataset, key=e.key).data, embargo_lifted=True)
        assert e.source_code == a.code and e.source_name == "杭州市公共资源电子交易平台"
        assert e.region_code == "330106" and e.industry_code == "E48" and e.project_code == t.project
        assert e.tender_project_code == (t.tender if e.dataset != "500" else "")
        for secret in NOT_PUBLIC:
            assert secret not in str(e.data) and secret not in e.title, (e.dataset, secret)
        for v in e.versions.all():
            assert secret not in str(v.data)
    for secret in NOT_PUBLIC:
        assert find(secret) == [], secret
        assert find(secret, type="bidder") == [] and find(secret, type="project") == []
    ann = Entry.objects.get(dataset="503")
    assert ann.title == "西湖区紫金港路综合提升改造工程施工招标公告"
    assert ann.published_at.astimezone(TZ).isoformat() == "2026-03-02T09:00:00+08:00"
    assert ann.category == "A08" and ann.project_name == "西湖区紫金港路综合提升改造工程施工"


def test_chinese_search_finds_words_inside_text(a):
    t1 = Tender(1, "西湖区紫金港路综合提升改造工程", content="本次招标范围为紫金港路综合提升改造工程，包括道路拓宽、排水管网改造及绿化提升。")
    t2 = Tender(2, "萧山区瓜沥镇中心小学新建工程", content="新建教学楼、综合楼及风雨操场，总建筑面积约2.1万平方米。")
    a.send(t1.envelopes("500", "501", "502", "503") + t2.envelopes("500", "501", "502", "503"))
    assert titles("道路", type="announcement") == ["西湖区紫金港路综合提升改造工程施工招标公告"]
    assert titles("紫金港路", type="announcement") == ["西湖区紫金港路综合提升改造工程施工招标公告"]
    assert titles("瓜沥 小学", type="announcement") == ["萧山区瓜沥镇中心小学新建工程施工招标公告"]
    assert titles("小学 道路", type="announcement") == []  # every word must match
    # same publication time: the later entry (higher id) first
    assert titles("招标公告", type="announcement") == ["萧山区瓜沥镇中心小学新建工程施工招标公告", "西湖区紫金港路综合提升改造工程施工招标公告"]
    assert set(titles(t1.tender)) == {"西湖区紫金港路综合提升改造工程施工", "西湖区紫金港路综合提升改造工程施工招标公告"}  # codes are searchable
    assert titles("ＡＢ１２３ 紫金港") == []
    assert titles("中心小学新建") != []  # a phrase cut into several words
    assert titles("教学楼", type="announcement") == ["萧山区瓜沥镇中心小学新建工程施工招标公告"]


def test_title_matches_rank_first_then_newest(a, frozen_clock):
    older = Tender(1, "拱墅区道路照明节能改造工程", sent="20260301090000")
    newer = Tender(2, "余杭区中泰街道公园建设工程", content="含园区道路及停车场建设", sent="20260302090000")
    a.send(older.envelopes("500", "501", "502", "503") + newer.envelopes("500", "501", "502", "503"))
    assert titles("道路", type="announcement") == ["拱墅区道路照明节能改造工程施工招标公告", "余杭区中泰街道公园建设工程施工招标公告"]
    assert titles("道路", type="announcement", sort="newest") == ["余杭区中泰街道公园建设工程施工招标公告", "拱墅区道路照明节能改造工程施工招标公告"]
    assert titles("", type="announcement") == ["余杭区中泰街道公园建设工程施工招标公告", "拱墅区道路照明节能改造工程施工招标公告"]


def test_filters(a, b):
    a.send(Tender(1, "西湖区文三路改造工程", region="330106", industry="E48", classify="A08").envelopes("500", "501", "502", "503"))
    a.send(Tender(2, "上城区望江小学监理服务", region="330102", industry="P83", classify="A05", sent="20260305100000").envelopes("500", "501", "502", "503"))
    b.send(Tender(3, "鄞州区东部新城学校设备采购", region="330212", industry="P83", classify="B01", sent="20260310100000", platform_code=b.code).envelopes("500", "501", "502", "503"))
    ann = {"type": "announcement"}
    assert len(titles(**ann)) == 3
    assert titles(region="330106", **ann) == ["西湖区文三路改造工程施工招标公告"]
    assert len(titles(region="330100", **ann)) == 2  # the city: its counties
    assert len(titles(region="330000", **ann)) == 3  # the province
    assert titles(region="330200", **ann) == ["鄞州区东部新城学校设备采购施工招标公告"]
    assert len(titles(industry="P83", **ann)) == 2 and len(titles(industry="P", **ann)) == 2
    assert titles(category="B", **ann) == ["鄞州区东部新城学校设备采购施工招标公告"]
    assert titles(category="A05", **ann) == ["上城区望江小学监理服务施工招标公告"]
    assert titles(platform=b.code, **ann) == ["鄞州区东部新城学校设备采购施工招标公告"]
    assert len(titles(platform=a.code, **ann)) == 2
    assert titles(**{"from": "2026-03-05", "to": "2026-03-05"}, **ann) == ["上城区望江小学监理服务施工招标公告"]
    assert len(titles(**{"from": "2026-03-05"}, **ann)) == 2
    assert titles(**{"to": "2026-03-01"}, **ann) == []
    assert titles("学校", industry="P83", platform=b.code, **ann) == ["鄞州区东部新城学校设备采购施工招标公告"]
    assert titles("学校", platform=a.code, **ann) == []
    assert {e.kind for e in find("")} <= set(query.DEFAULT_SCOPE)  # projects and sections only on request
    assert len(titles(type="project")) == 3


def test_paging_is_stable_and_complete(a, frozen_clock):
    for i in range(1, 24):
        a.send(Tender(i, f"第{i}号道路养护工程" if i % 3 else f"第{i}号公园绿化工程", content="含道路修补", sent="20260302090000").envelopes("500", "501", "502", "503"))
    for sort in ("relevance", "newest"):
        seen = []
        for page in (1, 2, 3):
            result = selectors.search(query.parse({"q": "道路", "type": "announcement", "size": "10", "page": str(page), "sort": sort}))
            assert result.total == 23 and result.pages == 3
            seen += [e.pk for e in result.items]
        assert len(seen) == len(set(seen)) == 23, sort
    first = find("道路", type="announcement", size="30")
    in_title = ["道路" in e.title for e in first]
    assert in_title == sorted(in_title, reverse=True) and sum(in_title) == 16  # title matches (i not divisible by 3) first
    assert selectors.search(query.parse({"q": "道路", "type": "announcement", "page": "9"})).items == []


def test_updates_and_deletes_are_reflected(a, frozen_clock):
    t = Tender(1, "西湖区文三路改造工程")
    a.send(t.envelopes("500", "501", "502", "503"))
    ann = Entry.objects.get(dataset="503")
    frozen_clock.advance(hours=1)
    t.records["503"]["NOTICE_NAME"] = "西湖区文三路改造工程施工招标公告（变更）"
    t.records["503"]["NOTICE_CONTENT"] = "投标截止时间顺延至2026年4月10日，招标范围增加雨污分流。"
    a.send(t.envelopes("503"))
    ann.refresh_from_db()
    assert ann.version == 2 and ann.title.endswith("（变更）")
    assert ann.exchanged_at > ann.first_exchanged_at
    assert titles("雨污分流") == [ann.title] and titles("变更") == [ann.title]
    assert [v.version for v in selectors.versions(ann)] == [2, 1]
    assert selectors.version(ann, 1).data["NOTICE_NAME"] == "西湖区文三路改造工程施工招标公告"

    a.send([envelope("503", t.records["503"], op="delete")])
    ann.refresh_from_db()
    assert ann.state == Entry.State.WITHDRAWN and ann.data == {}
    assert titles("雨污分流") == [] and titles("文三路", type="announcement") == []
    with pytest.raises(RuleViolation) as exc:
        selectors.entry(ann.pk)
    assert exc.value.code == "E043" and exc.value.status == 410
    assert titles("文三路", type="tender") == ["西湖区文三路改造工程施工"]  # the rest of the tender stays


def test_embargoed_bidders_and_candidates(a, frozen_clock):
    t = Tender(1, "西湖区文三路改造工程")
    a.send(t.envelopes("500", "501", "502", "503", "507", "510"))
    assert not Entry.objects.filter(dataset__in=("507", "510")).exists()  # nothing of them is stored before the event
    assert find("浙江通衢建设", type="bidder") == [] and find("浙江通衢建设", type="candidate") == []

    a.send(t.envelopes("506"))  # the opening record of the section: the bidder list is public
    assert titles("浙江通衢建设", type="bidder") == ["浙江通衢建设有限公司"]
    bidder = Entry.objects.get(dataset="507")
    assert "PM_CODE" not in bidder.data and "BIDDER_OPERATION_PERSON_CON" not in bidder.data and bidder.data["BID_PRICE"] == "4712.368"
    assert find("浙江通衢建设", type="candidate") == []

    start = frozen_clock.now() + timedelta(days=2)
    t.records["511"]["PUBLICITY_START_TIME"] = start.astimezone(TZ).strftime("%Y%m%d%H%M%S")
    a.send(t.envelopes("511"))  # publicity announced, starting in two days
    assert Entry.objects.filter(dataset="510").exists()
    assert find("浙江通衢建设", type="candidate") == []
    cand = Entry.objects.get(dataset="510")
    with pytest.raises(RuleViolation) as exc:
        selectors.entry(cand.pk)
    assert exc.value.code == "E005"
    frozen_clock.advance(days=2)
    assert titles("浙江通衢建设", type="candidate") == ["浙江通衢建设有限公司（第1名）"]
    assert selectors.entry(cand.pk).pk == cand.pk

    t.records["507"]["BID_PRICE"] = "4700"
    a.send(t.envelopes("507"))  # an update after the opening stays public
    assert Entry.objects.get(dataset="507").data["BID_PRICE"] == "4700"


def test_not_published_data_sets_stay_out(a):
    t = Tender(1, "西湖区文三路改造工程")
    a.send(t.envelopes("500", "501", "502", "503", "506", "508", "509", "519", "523"))
    assert not Entry.objects.filter(dataset__in=("508", "509", "519", "523")).exists()


def test_context_follows_the_tender_project(a):
    t = Tender(1, "西湖区文三路改造工程", industry="E48")
    a.send(t.envelopes("501", "503"))  # the project (500) comes later
    ann = Entry.objects.get(dataset="503")
    assert ann.industry_code == "" and ann.project_name == "西湖区文三路改造工程施工"
    assert titles("文三路", industry="E48") == []
    a.send(t.envelopes("500"))
    ann.refresh_from_db()
    assert ann.industry_code == "E48"
    assert titles("文三路", industry="E48", type="announcement") == [ann.title] == titles("", industry="E48", type="announcement")
    t.records["501"]["TENDER_PROJECT_NAME"] = "西湖区文三路综合改造工程施工"
    t.records["501"]["REGION_CODE"] = "330102"
    a.send(t.envelopes("501"))
    ann.refresh_from_db()
    assert ann.project_name == "西湖区文三路综合改造工程施工" and ann.region_code == "330102"
    assert titles("文三路", region="330102", type="announcement") == [ann.title] == titles("", region="330102", type="announcement")
    assert titles("文三路", region="330106", type="announcement") == []


def test_a_refused_batch_leaves_no_trace(a):
    t = Tender(1, "西湖区文三路改造工程")
    bad = t.envelopes("500", "501", "503")
    del bad[2]["record"]["NOTICE_NAME"]
    with pytest.raises(RuleViolation):
        a.send(bad)
    assert not Entry.objects.exists()


def test_reindex_rebuilds_the_same_index(a):
    t = Tender(1, "西湖区文三路改造工程", content="道路拓宽")
    a.send(t.envelopes(*ALL))
    before = sorted(Entry.objects.values_list("dataset", "key", "title", "region_code", "industry_code"))
    Entry.objects.all().delete()
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("portal_reindex", stdout=out)
    assert "portal: 11 records indexed" in out.getvalue()  # the 15 data sets less 508, 509, 519, 523
    assert sorted(Entry.objects.values_list("dataset", "key", "title", "region_code", "industry_code")) == before
    assert titles("道路", type="announcement") == ["西湖区文三路改造工程施工招标公告"]


@pytest.mark.parametrize(
    "params,code",
    [
        ({"q": "道" * 101}, "E041"),
        ({"type": "tenders"}, "E040"),
        ({"region": "999999"}, "E040"),
        ({"region": "33010"}, "E040"),
        ({"industry": "48"}, "E040"),
        ({"category": "Z9"}, "E040"),
        ({"platform": "91330100MA2000001X"}, "E040"),
        ({"from": "2026-02-30"}, "E040"),
        ({"from": "20260301"}, "E040"),
        ({"from": "2026-03-05", "to": "2026-03-01"}, "E040"),
        ({"page": "0"}, "E040"),
        ({"page": "-1"}, "E040"),
        ({"page": "abc"}, "E040"),
        ({"page": "１"}, "E040"),
        ({"page": "501"}, "E042"),
        ({"size": "101"}, "E040"),
        ({"sort": "oldest"}, "E040"),
    ],
)
def test_bad_parameters_are_coded(params, code):
    with pytest.raises(RuleViolation) as exc:
        query.parse(params)
    assert exc.value.code == code and 400 <= exc.value.status < 500


def test_good_parameters():
    p = query.parse({"q": "  道路\x00 施工 ", "region": "330100", "page": "500", "type": "result", "industry": "e48"})
    assert p.tokens == ("道路", "施工") and p.region_prefix == "3301" and p.offset == 9980 and p.scope == ("result",) and p.industry == "E48"
    assert query.parse({"q": "，。、"}).tokens == ()


@pytest.mark.parametrize("in_title", [4, 16])
def test_ranking_is_the_same_when_matches_exceed_the_count_limit(a, monkeypatch, in_title):
    """Above the count limit the groups are read along the date index; the order must not change."""
    for i in range(1, 24):
        a.send(Tender(i, f"第{i}号道路养护工程" if i <= in_title else f"第{i}号公园绿化工程", content="含道路修补", sent=f"202603{i:02d}090000").envelopes("500", "501", "502", "503"))
    expected = [e.pk for e in find("道路", type="announcement", size="12")]
    assert len(expected) == 12
    monkeypatch.setattr(query, "MAX_RESULTS", 12)
    monkeypatch.setattr(selectors, "MAX_RESULTS", 12)
    got = []
    for page in (1, 2, 3):
        result = selectors.search(query.parse({"q": "道路", "type": "announcement", "size": "4", "page": str(page)}))
        assert result.total == 12 and result.total_is_lower_bound
        got += [e.pk for e in result.items]
    assert got == expected
    with pytest.raises(RuleViolation) as exc:
        query.parse({"q": "道路", "size": "4", "page": "4"})
    assert exc.value.code == "E042"
