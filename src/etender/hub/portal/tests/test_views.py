"""Portal pages and API in Chinese and English: search, lists, record pages, platforms; never a 500."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from etender.hub.portal.models import Entry

from .factory import Platform, Tender, envelope
from .test_index import ALL, NOT_PUBLIC

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def published(frozen_clock):
    a = Platform(1, "杭州市公共资源电子交易平台").register()
    b = Platform(2, "宁波市公共资源电子交易平台").register()
    t = Tender(1, "西湖区紫金港路综合提升改造工程", content="本次招标范围为紫金港路综合提升改造工程，包括道路拓宽、排水管网改造及绿化提升。")
    a.send(t.envelopes(*ALL))
    u = Tender(2, "鄞州区东部新城学校设备采购", region="330212", industry="P83", classify="B01", platform_code=b.code, content="采购课桌椅及多媒体教学设备。")
    b.send(u.envelopes("500", "501", "502", "503"))
    return {"a": a, "b": b, "t": t, "u": u}


def en(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_search_page_in_chinese(client, published):
    r = client.get("/search/", {"q": "道路"})
    page = text(r)
    assert r.status_code == 200 and '<html lang="zh-hans">' in page
    assert "信息公开查询" in page and "<mark>道路</mark>" in page
    assert "西湖区紫金港路综合提升改造工程施工招标公告" in page and "鄞州区" not in page.split('id="results"')[1]
    assert "来源平台：杭州市公共资源电子交易平台" in page and "交换时间" in page
    assert re.search(r"第 1–\d+ 条，共 \d+ 条", page)
    for secret in NOT_PUBLIC:
        assert secret not in page


def test_search_page_in_english(client, published):
    page = text(en(client).get("/search/", {"q": "学校", "type": "announcement"}))
    assert '<html lang="en">' in page and "Disclosure search" in page and "Source platform" in page
    assert "Results 1–1 of 1" in page and "鄞州区东部新城<mark>学校</mark>设备采购施工招标公告" in page and "Source platform: 宁波市" in page
    assert "来源平台" not in page and "信息公开查询" not in page


def test_nothing_found_says_so(client, published):
    page = text(client.get("/search/", {"q": "不存在的词语组合", "type": "announcement"}))
    assert 'id="no-results"' in page and "没有与“不存在的词语组合”相符的记录" in page
    assert "Nothing matches" in text(en(Client()).get("/search/", {"q": "不存在的词语组合"}))


@pytest.mark.parametrize(
    "params,code",
    [({"q": "路" * 200}, "E041"), ({"region": "12"}, "E040"), ({"from": "2026-13-01"}, "E040"), ({"page": "x"}, "E040"), ({"page": "9999"}, "E042"), ({"type": "<script>"}, "E040")],
)
def test_bad_parameters_show_a_coded_message(client, published, params, code):
    r = client.get("/search/", params)
    assert r.status_code == 422
    page = text(r)
    assert f"<strong>{code}</strong>" in page and 'id="search-error"' in page and "<script>" not in page
    r = client.get("/api/portal/search", params)
    assert r.status_code == 422 and r.json()["code"] == code


def test_htmx_gets_the_results_only(client, published):
    r = client.get("/search/", {"q": "道路", "type": "announcement"}, HTTP_HX_REQUEST="true")
    page = text(r)
    assert r.status_code == 200 and "<html" not in page and 'id="result-list"' in page
    r = client.get("/search/", {"region": "x"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "<html" not in text(r) and "E040" in text(r)


def test_lists_by_type(client, published):
    for path, title in [("/announcements/", "招标公告"), ("/results/", "中标结果公告"), ("/publicity/", "中标候选人公示"), ("/openings/", "开标记录"), ("/clarifications/", "澄清与修改"), ("/contracts/", "合同"), ("/tenders/", "招标项目")]:
        r = client.get(path)
        assert r.status_code == 200, path
        assert f"<h1>{title}</h1>" in text(r), path
    page = text(client.get("/announcements/"))
    assert page.index("鄞州区东部新城学校设备采购施工招标公告") < page.index("西湖区紫金港路综合提升改造工程施工招标公告")  # newest first
    assert client.get("/announcements/", {"type": "result"}).status_code == 422


def test_record_page_shows_public_fields_source_and_related(client, published):
    ann = Entry.objects.get(dataset="503", title__startswith="西湖区")
    r = client.get(f"/records/{ann.pk}/")
    page = text(r)
    assert r.status_code == 200
    assert "公告标题" in page and "公告内容" in page and "招标人名称" in page  # national Chinese labels
    assert "来源平台" in page and "杭州市公共资源电子交易平台" in page and "交换时间" in page
    assert ann.exchanged_at.astimezone().strftime("%Y-%m-%d") in page
    assert "2026-03-02 09:00" in page  # NOTICE_SEND_TIME shown as a time
    assert "浙江省杭州市西湖区" in page
    for secret in NOT_PUBLIC:
        assert secret not in page, secret
    assert "BULLETIN_DUTY" not in page  # restricted field: not even its label
    related = page.split('id="related"')[1]
    for t in ("澄清与修改", "开标记录", "中标候选人公示", "中标结果公告", "合同"):
        assert t in related, t
    assert related.index("开标记录") < related.index("中标候选人公示") < related.index("中标结果公告")
    page = text(en(client).get(f"/records/{ann.pk}/"))
    assert "Notice name" in page and "Source platform" in page and "Same tender project" in page and "公告标题" not in page


def test_version_history_on_the_record_page(client, published):
    t, a = published["t"], published["a"]
    t.records["503"]["NOTICE_CONTENT"] = "招标范围调整：增加雨污分流改造。"
    a.send(t.envelopes("503"))
    ann = Entry.objects.get(dataset="503", title__startswith="西湖区")
    page = text(client.get(f"/records/{ann.pk}/"))
    assert "版本 2" in page and "版本 1" in page and "已修改：公告内容" in page
    old = text(client.get(f"/records/{ann.pk}/", {"version": "1"}))
    assert 'id="old-version"' in old and "包括道路拓宽" in old
    assert client.get(f"/records/{ann.pk}/", {"version": "9"}).status_code == 422
    assert client.get(f"/records/{ann.pk}/", {"version": "abc"}).status_code == 422


def test_withdrawn_and_unknown_records(client, published):
    t, a = published["t"], published["a"]
    ann = Entry.objects.get(dataset="503", title__startswith="西湖区")
    a.send([envelope("503", t.records["503"], op="delete")])
    r = client.get(f"/records/{ann.pk}/")
    assert r.status_code == 410 and "E043" in text(r) and "撤回" in text(r)
    assert client.get(f"/api/portal/records/{ann.pk}").status_code == 410
    for bad in ("999999", "99999999999999999999999"):
        assert client.get(f"/records/{bad}/").status_code == 404
        assert client.get(f"/api/portal/records/{bad}").status_code == 404
    assert client.get("/api/portal/records/abc").status_code == 404


def test_platforms_page(client, published):
    page = text(client.get("/platforms/"))
    assert "已注册的交易平台" in page and "杭州市公共资源电子交易平台" in page and published["b"].code in page
    assert f"/search/?platform={published['b'].code}" in page
    assert "Registered trading platforms" in text(en(client).get("/platforms/"))


def test_home_shows_the_latest_announcements(client, published):
    page = text(client.get("/"))
    latest = page.split('id="latest-announcements"')[1].split("</ul>")[0]
    assert latest.index("鄞州区东部新城学校设备采购施工招标公告") < latest.index("西湖区紫金港路综合提升改造工程施工招标公告")
    assert "西湖区紫金港路综合提升改造工程施工中标结果公告" in page
    for link in set(re.findall(r'href="(/[^"#]*)"', page)):
        if not link.startswith("/static/"):
            assert client.get(link).status_code == 200, link


def test_api_search_and_record(client, published):
    r = client.get("/api/portal/search", {"q": "道路", "type": "announcement"})
    assert r.status_code == 200
    body = r.json()
    assert body["words"] == ["道路"] and body["total"] == 1 and body["pages"] == 1
    item = body["items"][0]
    assert item["title"] == "西湖区紫金港路综合提升改造工程施工招标公告"
    assert item["source_platform"] == {"code": published["a"].code, "name": "杭州市公共资源电子交易平台"}
    assert item["region_name"] == "浙江省杭州市西湖区" and item["exchanged_at"] and item["url"] == f"/records/{item['id']}/"
    r = client.get("/api/portal/search", {"from": "2026-03-01", "to": "2026-03-31", "platform": published["b"].code, "size": "5"})
    assert [i["title"] for i in r.json()["items"]] == ["鄞州区东部新城学校设备采购施工招标公告"]  # its 501 was created in 2025
    rec = client.get(f"/api/portal/records/{item['id']}").json()
    assert {f["name"] for f in rec["fields"]} >= {"NOTICE_NAME", "NOTICE_CONTENT", "TENDERER_NAME"}
    assert "BULLETIN_DUTY" not in {f["name"] for f in rec["fields"]}
    assert [v["version"] for v in rec["versions"]] == [1]
    assert [x["type"] for x in rec["related"]][:3] == ["project", "tender", "section"]
    raw = json.dumps(rec, ensure_ascii=False)
    for secret in NOT_PUBLIC:
        assert secret not in raw
    spec = client.get("/api/openapi.json").json()
    assert "/api/portal/search" in spec["paths"] and "/api/portal/records/{record_id}" in spec["paths"]


NASTY = ["", " ", "\x00", "%00", "'", '"', "\\", "' OR 1=1 --", "&", "|", "!", ":*", "a:A", "()", "NEAR(a b)", "title:x", "{title}:x", "*", "^", "-1", "1e9", "9" * 40, "道" * 100, "😀", "\ud7ff", "NULL", "<b>", "%", "_", "\t\n"]


def test_no_input_makes_a_500(client, published):
    for value in NASTY:
        for name in ("q", "type", "region", "industry", "category", "platform", "from", "to", "page", "size", "sort"):
            for url in ("/search/", "/api/portal/search", "/announcements/"):
                r = client.get(url, {name: value})
                assert r.status_code < 500, (url, name, value, r.status_code)
                assert r.status_code in (200, 422), (url, name, value, r.status_code)
        r = client.get(f"/api/portal/records/{value}")
        assert r.status_code < 500, value


def test_the_complaint_decisions_list_says_the_supervising_departments_publish_them(client, published):
    intro = lambda page: page.split('id="list-intro">')[1].split("</p>")[0]  # noqa: E731
    zh = intro(text(client.get("/complaints/")))
    assert "行政监督部门通过行政监督平台公布的投诉处理决定" in zh and "第五十一条、第四十七条" in zh and "交易平台报送" not in zh
    english = intro(text(en(Client()).get("/complaints/")))
    assert "Complaint decisions published by the supervising departments" in english and "arts. 51 and 47" in english and "trading platform" not in english
    assert "交易平台报送" in intro(text(client.get("/results/"))) and "投诉处理决定" not in intro(text(client.get("/results/")))
    assert "检索范围还包括行政监督部门公布的投诉处理决定" in intro(text(client.get("/search/")))
