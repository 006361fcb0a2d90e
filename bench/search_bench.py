#!/usr/bin/env python3
"""Disclosure search at scale (issue 4): query latency of the portal's search at 1,000,000 records.

    python scripts/with_postgres.py -- .venv/bin/python bench/search_bench.py               # PostgreSQL, 1M rows
    .venv/bin/python bench/search_bench.py --backend sqlite --rows 1000000                  # SQLite FTS5
    python scripts/with_postgres.py -- .venv/bin/python bench/search_bench.py --rows 100000 --queries 200

A throw-away database (PostgreSQL: a new database on the server of
``ETENDER_TEST_DATABASE_URL``; SQLite: a file in a temporary directory) is
migrated with the hub's real migrations, then filled with synthetic but
realistic published records (announcements, clarifications, opening records,
publicity, results, contracts of Zhejiang tenders: real division codes and
names, roads and towns, owners, works/supervision/design/goods, 标段 …, with
announcement texts of 400–700 characters).  The search words are real jieba
output (``etender.hub.portal.segment.index_tokens``): each title is cut on its
own, each text is cut per sentence with a cache (the texts are assembled from
sentences, so the 1M texts share their sentences); the throughput of cutting
whole documents without a cache is measured separately and reported, because
that is what a real bulk load costs.

Queries (1–3 words, with and without filters, page 1 and deep pages, both
orders) go through the portal's own code path: ``query.parse`` (jieba on the
query) and ``selectors.search`` (count up to 10,000, the page's ids, the rows).
The baseline, in the same run and on the same data, is the obvious portal
without a search index: every word as ``LIKE '%word%'`` over the title and the
public fields, the same filters, count and page.  Figures are printed; nothing
is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

# ----------------------------------------------------------------------------- vocabulary

PLACES = (
    "文三路 文一西路 紫金港路 莫干山路 天目山路 之江路 钱江路 滨江大道 江南大道 机场路 秋涛路 德胜路 石桥路 留和路 古墩路 "
    "良渚街道 瓜沥镇 塘栖镇 径山镇 闲林街道 仓前街道 五常街道 转塘街道 闻堰街道 义桥镇 河上镇 戴村镇 新登镇 场口镇 "
    "南浔镇 练市镇 乌镇 濮院镇 西塘镇 干窑镇 乍浦镇 海盐武原街道 许村镇 长安镇 柯桥街道 钱清街道 崧厦街道 店口镇 枫桥镇 "
    "甘霖镇 儒岙镇 横店镇 巍山镇 佛堂镇 廿三里街道 芝英镇 古山镇 东钱湖镇 梅山街道 春晓街道 石浦镇 西周镇 丹城街道 "
    "鹿城区五马街道 龙湾区永中街道 瓯北街道 柳市镇 乐成街道 塘下镇 飞云街道 灵溪镇 龙港 椒江区海门街道 路桥街道 "
    "泽国镇 大溪镇 杜桥镇 白鹤镇 平桥镇 千岛湖镇 汾口镇 莲都区碧湖镇 龙渊街道 遂昌妙高街道 衢江区廿里镇 江山双塔街道"
).split()
OBJECTS = {
    "道路": "道路全长约{n}公里，红线宽度{m}米，主要建设内容包括道路、排水、照明、绿化及交通设施工程。",
    "桥梁": "新建桥梁{k}座，桥梁总长约{h}米，含下部结构、上部结构、桥面系及附属工程。",
    "隧道": "隧道全长约{h}米，按双向四车道标准建设，含主体结构、机电、消防及装饰工程。",
    "污水管网": "新建污水管网约{n}公里，管径DN300至DN800，含检查井、泵站及道路修复。",
    "雨水管网": "新建雨水管网约{n}公里，含雨水口、检查井及出水口工程，实施雨污分流改造。",
    "供水管网": "改造供水管网约{n}公里，更换老旧管道及阀门，提升供水安全保障能力。",
    "综合管廊": "综合管廊全长约{n}公里，纳入给水、电力、通信及燃气管线，含监控与消防系统。",
    "河道": "河道整治长度约{n}公里，含清淤疏浚、护岸加固、生态修复及慢行步道。",
    "堤防": "加固堤防约{n}公里，含堤身加高培厚、防渗处理及堤顶道路。",
    "公园": "公园用地面积约{a}公顷，建设内容包括园路、广场、景观绿化、照明及配套用房。",
    "小学": "新建小学规模{c}个班，总建筑面积约{w}平方米，含教学楼、综合楼、风雨操场及运动场。",
    "中学": "新建中学规模{c}个班，总建筑面积约{w}平方米，含教学楼、实验楼、食堂及宿舍。",
    "幼儿园": "新建幼儿园规模{k}个班，总建筑面积约{w}平方米，含室外活动场地及配套工程。",
    "医院": "医院总建筑面积约{w}平方米，设置床位{c}张，含门急诊、医技及住院楼。",
    "卫生院": "卫生院业务用房改扩建，总建筑面积约{w}平方米，含设备安装及室外配套。",
    "体育馆": "体育馆总建筑面积约{w}平方米，设置座位约{c}个，含主馆、训练馆及配套用房。",
    "图书馆": "图书馆总建筑面积约{w}平方米，含阅览、藏书、展陈及智能化系统。",
    "安置房": "安置房总建筑面积约{w}平方米，住宅{c}套，含地下室、配套用房及室外工程。",
    "老旧小区": "涉及住宅{c}幢，改造内容包括屋面防水、外立面整治、管线改造、加装电梯及环境提升。",
    "农贸市场": "农贸市场建筑面积约{w}平方米，含摊位改造、给排水、通风及消防设施。",
    "停车场": "建设停车泊位约{c}个，含充电桩、智能道闸及照明工程。",
    "变电站": "新建110千伏变电站一座，主变容量2×50兆伏安，含土建及电气安装工程。",
    "光伏电站": "建设分布式光伏电站，装机容量约{k}兆瓦，含组件、逆变器及并网工程。",
    "污水处理厂": "污水处理规模{k}万吨每日，含预处理、生化处理、深度处理及污泥处置。",
    "自来水厂": "供水规模{k}万吨每日，含取水、净水、加压泵站及自控系统。",
    "垃圾中转站": "中转规模{c}吨每日，含压缩设备、除臭系统及配套用房。",
    "养老院": "养老院总建筑面积约{w}平方米，设置床位{c}张，含护理、康复及生活用房。",
    "消防站": "二级普通消防站，总建筑面积约{w}平方米，含车库、训练塔及附属用房。",
    "社区服务中心": "社区服务中心总建筑面积约{w}平方米，含党群服务、养老托幼及文体活动用房。",
    "产业园": "产业园用地面积约{a}公顷，含标准厂房、研发楼及道路管网等基础设施。",
    "美丽乡村": "村庄环境整治，含道路硬化、污水治理、立面改造及公共空间提升。",
    "未来社区": "未来社区场景建设，含邻里中心、智慧服务平台及公共空间改造。",
    "海绵城市": "海绵城市改造，含透水铺装、下凹式绿地、雨水花园及调蓄设施。",
    "信息系统": "建设业务信息系统一套，含软件开发、数据迁移、等级保护测评及运维服务。",
    "数据中心": "数据中心机房建设，含机柜、供配电、精密空调、消防及动环监控系统。",
    "路灯": "更换路灯约{c}盏，采用LED光源并建设智能照明控制系统。",
}
INDUSTRY = {"小学": "P83", "中学": "P83", "幼儿园": "P83", "医院": "Q84", "卫生院": "Q84", "污水管网": "N77", "污水处理厂": "N77", "河道": "N76", "堤防": "N76",
            "自来水厂": "D46", "供水管网": "D46", "变电站": "D44", "光伏电站": "D44", "公园": "N78", "路灯": "N78", "信息系统": "I65", "数据中心": "I65",
            "安置房": "E47", "老旧小区": "E47", "图书馆": "E47", "体育馆": "E47", "养老院": "E47", "消防站": "E47", "社区服务中心": "E47"}
ACTIVITIES = "新建 改建 扩建 改扩建 提升改造 综合整治 维修 养护 修缮 迁建 一期 二期 配套".split()
SERVICES = (  # word, classification code, qualification
    ("施工", "A08", "市政公用工程施工总承包二级及以上"),
    ("施工", "A08", "建筑工程施工总承包二级及以上"),
    ("施工", "A08", "水利水电工程施工总承包三级及以上"),
    ("监理", "A05", "工程监理综合资质或市政公用工程监理乙级及以上"),
    ("设计", "A04", "市政行业（道路工程）专业乙级及以上工程设计"),
    ("勘察", "A03", "工程勘察专业类（岩土工程）乙级及以上"),
    ("勘察设计", "A04", "工程勘察专业类乙级及以上和相应工程设计"),
    ("工程总承包", "A10", "相应工程设计资质和施工总承包"),
    ("EPC总承包", "A10", "相应工程设计资质和施工总承包"),
    ("造价咨询", "C02", "工程造价咨询企业"),
    ("全过程工程咨询", "C01", "工程监理综合资质或相应工程设计"),
    ("设备采购", "B01", "所投设备的生产或经营"),
    ("材料采购", "B02", "所投材料的生产或经营"),
    ("货物采购", "B", "相应货物的生产或经营"),
    ("检测服务", "C", "检验检测机构资质认定"),
)
LOTS = ("", "", "", "（一标段）", "（二标段）", "（三标段）", "第1标段", "第2标段", "（重新招标）")
DEPTS = ("城市建设发展中心", "交通运输局", "教育局", "水利局", "卫生健康局", "住房和城乡建设局", "农业农村局", "城市管理局", "国有资产投资集团有限公司", "城投集团有限公司", "建设投资发展有限公司", "水务集团有限公司")
AGENCY_WORDS = "明衡 信达 中汇 天平 建银 华诚 正信 联合 众诚 宏泰 金诚 立信 恒信 中咨 科信 国诚 之江 钱塘 中海 求是".split()
BIDDER_WORDS = "通衢 余航 钱塘 东方 宏润 大成 中天 华东 之江 宁建 新世纪 恒立 龙元 舜江 耀华 瑞泰 中成 广厦 宝业 精工 天和 海天 新盛 丰源".split()
BIDDER_TYPES = ("建设有限公司", "市政工程有限公司", "路桥集团有限公司", "建筑工程有限公司", "工程咨询有限公司", "设计研究院有限公司", "科技股份有限公司", "环境工程有限公司")
KINDS = (  # kind, dataset, share, title suffix
    ("announcement", "503", 0.50, ("招标公告", "招标公告", "资格预审公告", "招标公告（二次）")),
    ("clarification", "504", 0.10, ("招标文件第1号澄清与修改", "招标文件第2号澄清与修改", "答疑补遗")),
    ("opening", "506", 0.10, ("开标记录",)),
    ("publicity", "511", 0.10, ("中标候选人公示",)),
    ("result", "513", 0.15, ("中标结果公告",)),
    ("contract", "512", 0.05, ("合同",)),
)
COMMON = ("施工", "道路", "工程", "监理", "设计", "采购", "改造", "招标公告", "中标结果公告", "公示")
SPAN_DAYS = 3 * 365
END = datetime(2026, 3, 1, tzinfo=UTC)


class Corpus:
    """Deterministic synthetic records; ``fragments`` are the sentences a text is assembled from."""

    def __init__(self, seed: int):
        from etender.kernel import codes

        self.rng = random.Random(seed)
        regions = codes.region_choices("33")
        self.counties = [(c, codes.region_name(c), codes.region_name(c[:4] + "00") or "") for c, _ in regions if not c.endswith("00")]
        self.cities = sorted({c[:4] + "00" for c, _, _ in self.counties})
        self.agencies = [f"浙江{w}工程咨询有限公司" for w in AGENCY_WORDS] + [f"杭州{w}招标代理有限公司" for w in AGENCY_WORDS[:10]]
        self.bidders = [f"浙江{w}{t}" for w in BIDDER_WORDS for t in BIDDER_TYPES]

    def row(self, i: int, kinds_cum) -> dict:
        r = self.rng
        u = r.random()
        kind = next(k for k in kinds_cum if u <= k[0])[1]
        slug, ds, suffixes = kind
        county, county_name, city_name = r.choice(self.counties)
        place = r.choice(PLACES) if r.random() < 0.7 else ""
        obj = r.choice(list(OBJECTS))
        activity = r.choice(ACTIVITIES)
        service, classification, qual = r.choice(SERVICES)
        lot = r.choice(LOTS)
        project = f"{county_name}{place}{obj}{activity}工程" if classification[0] == "A" else f"{county_name}{place}{obj}{activity}项目"
        title = f"{project}{service}{lot}{r.choice(suffixes)}"
        owner = f"{city_name}{county_name}{r.choice(DEPTS)}"
        agency = r.choice(self.agencies)
        published = END - timedelta(seconds=r.randrange(SPAN_DAYS * 86400))
        n = dict(n=f"{r.randint(5, 99) / 10}", m=r.choice((12, 16, 18, 24, 30, 36, 40, 50)), k=r.randint(1, 12), h=r.randrange(80, 2000, 10), a=f"{r.randint(5, 300) / 10}", c=r.randrange(6, 600, 6), w=r.randrange(2000, 90000, 500))
        d1 = published.strftime("%Y年%m月%d日")
        frags = [
            "一、招标条件：本招标项目",
            project,
            f"已由{county_name}发展和改革局批准建设，项目业主为{owner}，建设资金来自{r.choice(('财政资金', '自筹资金', '专项债券资金', '国有企业自有资金'))}，",
            "项目已具备招标条件，现对该项目进行公开招标。",
            "二、项目概况与招标范围：" + OBJECTS[obj].format(**n),
            f"三、投标人资格要求：投标人须具备{qual}资质，并在人员、设备、资金等方面具备相应的能力。",
            f"四、招标文件的获取：凡有意参加投标者，请于{d1}起登录交易平台免费下载招标文件。",
            "五、投标文件的递交：投标人应在投标截止时间前通过交易平台递交电子投标文件，逾期送达的投标文件将被拒收。",
            "六、发布公告的媒介：本次招标公告同时在中国招标投标公共服务平台、浙江省公共资源交易服务平台上发布。",
            f"七、联系方式：招标人：{owner}；招标代理机构：{agency}。",
        ]
        winner = r.choice(self.bidders)
        if slug in ("opening", "publicity", "result", "contract"):
            others = r.sample(self.bidders, 2)
            frags.insert(5, f"投标人：{winner}、{others[0]}、{others[1]}；第一中标候选人：{winner}，投标报价{r.randint(50, 90000) / 10}万元。")
        tender_code = f"E{county}{published.year}{i + 1:06d}001"[:20]
        data = {"TENDER_PROJECT_CODE": tender_code, "NOTICE_NAME": title, "NOTICE_CONTENT": "".join(frags), "TENDERER_NAME": owner, "TENDER_AGENCY_NAME": agency}
        if slug in ("result", "contract", "publicity"):
            data["WIN_BIDDER_NAME"] = winner
        return {
            "dataset": ds,
            "key": f"{tender_code}|{i}",
            "kind": slug,
            "title": title[:600],
            "project_name": project + service,
            "tender_project_code": tender_code,
            "project_code": tender_code[:17],
            "region_code": county,
            "industry_code": INDUSTRY.get(obj, "E48"),
            "category": classification,
            "published_at": published,
            "data": data,
            "frags": frags,
        }


@lru_cache(maxsize=500_000)
def frag_tokens(text: str) -> tuple[str, ...]:
    from etender.hub.portal.segment import index_tokens

    return tuple(index_tokens(text))


def tokens_of(row: dict) -> tuple[list[str], list[str]]:
    from etender.hub.portal.segment import index_tokens

    title = index_tokens(row["title"])
    body: dict[str, None] = {}
    for f in row["frags"]:
        for t in frag_tokens(f):
            body.setdefault(t, None)
    for v in row["data"].values():
        if len(v) < 60:
            for t in frag_tokens(v):
                body.setdefault(t, None)
    return title, list(body)


# ----------------------------------------------------------------------------- database


def setup(backend: str, tmp: Path) -> str:
    os.environ["ETENDER_VAR_DIR"] = str(tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "etender.hub.settings"
    if backend == "postgresql":
        import psycopg

        server = os.environ.get("ETENDER_TEST_DATABASE_URL")
        if not server:
            sys.exit("search_bench: run under scripts/with_postgres.py (or set ETENDER_TEST_DATABASE_URL), or use --backend sqlite")
        name = f"search_bench_{os.getpid()}"
        with psycopg.connect(server, autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        url = urlparse(server)._replace(path="/" + name).geturl()
    else:
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["ETENDER_DATABASE_URL"] = url
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return url


def platforms(n: int = 12) -> list[tuple[int, str, str]]:
    from etender.kernel import codes
    from etender.hub.exchange.models import Platform

    names = ("杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水", "省级")
    objs = [Platform(code=codes.make_uscc(f"91330100MA2{i:06d}"), name=f"{names[i % len(names)]}公共资源电子交易平台", kind="trading", public_key="AA==", status="active", registered_at=END) for i in range(n)]
    Platform.objects.bulk_create(objs)
    return [(p.pk, p.code, p.name) for p in Platform.objects.order_by("pk")]


COLUMNS = ("dataset", "key", "kind", "platform_id", "source_code", "source_name", "version", "state", "visible_from", "title", "project_name", "tender_project_code", "project_code", "section_codes", "region_code", "industry_code", "category", "published_at", "exchanged_at", "first_exchanged_at", "data")


def values(row: dict, plat) -> tuple:
    pid, code, name = plat
    return (row["dataset"], row["key"], row["kind"], pid, code, name, 1, "visible", None, row["title"], row["project_name"], row["tender_project_code"], row["project_code"], "", row["region_code"], row["industry_code"], row["category"], row["published_at"], row["published_at"], row["published_at"], json.dumps(row["data"], ensure_ascii=False))


def load_postgresql(rows_iter, plats, rng) -> dict:
    from django.db import connection

    from types import SimpleNamespace

    from etender.hub.portal.searchindex import filter_terms, tsvector_literal

    timings: dict[str, float] = {}
    with connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'portal_entry' AND indexname NOT IN ('portal_entry_pkey', 'portal_entry_record')")
        indexes = cur.fetchall()
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute("ALTER TABLE portal_entry DROP CONSTRAINT portal_entry_record")
    raw = connection.connection  # psycopg 3
    t0 = time.perf_counter()
    gen = 0.0
    with raw.cursor() as cur:
        with cur.copy(f"COPY portal_entry ({', '.join(COLUMNS)}, search, title_search) FROM STDIN") as copy:
            for row in rows_iter:
                g0 = time.perf_counter()
                title, body = tokens_of(row)
                plat = rng.choice(plats)
                terms = filter_terms(SimpleNamespace(kind=row["kind"], region_code=row["region_code"], industry_code=row["industry_code"], category=row["category"], source_code=plat[1]))
                vec, title_vec = tsvector_literal(title, body, terms), tsvector_literal(title, terms)
                v = values(row, plat)
                gen += time.perf_counter() - g0
                copy.write_row((*v, vec, title_vec))
    raw.commit()
    timings["generate+segment"] = gen
    timings["copy"] = time.perf_counter() - t0 - gen
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        t = time.perf_counter()
        cur.execute("ALTER TABLE portal_entry ADD CONSTRAINT portal_entry_record UNIQUE (dataset, key)")
        for name, ddl in indexes:
            t1 = time.perf_counter()
            cur.execute(ddl)
            if name in ("portal_entry_search", "portal_entry_title_search"):
                timings[f"GIN {name.removeprefix('portal_entry_')}"] = time.perf_counter() - t1
        timings["all indexes"] = time.perf_counter() - t
        t = time.perf_counter()
        cur.execute("VACUUM ANALYZE portal_entry")
        timings["vacuum analyze"] = time.perf_counter() - t
    return timings


def load_sqlite(rows_iter, plats, rng) -> dict:
    from django.db import connection, transaction

    timings: dict[str, float] = {"generate+segment": 0.0, "insert": 0.0}
    cols = ", ".join(COLUMNS)
    marks = ", ".join(["%s"] * len(COLUMNS))
    batch: list[tuple] = []
    fts: list[tuple] = []

    def flush():
        t = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(f"INSERT INTO portal_entry ({cols}) VALUES ({marks})", [b[0] for b in batch])
            cur.execute("SELECT max(id) FROM portal_entry")
            last = cur.fetchone()[0]
            first = last - len(batch) + 1
            cur.executemany("INSERT INTO portal_entry_fts (rowid, title, body) VALUES (%s, %s, %s)", [(first + j, b[1], b[2]) for j, b in enumerate(batch)])
        timings["insert"] += time.perf_counter() - t
        batch.clear()

    for row in rows_iter:
        g0 = time.perf_counter()
        title, body = tokens_of(row)
        in_title = set(title)
        batch.append((values(row, rng.choice(plats)), " ".join(title), " ".join(t for t in body if t not in in_title)))
        timings["generate+segment"] += time.perf_counter() - g0
        if len(batch) >= 20_000:
            flush()
    if batch:
        flush()
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
        cur.execute("INSERT INTO portal_entry_fts(portal_entry_fts) VALUES ('optimize')")
    timings["analyze+optimize"] = time.perf_counter() - t
    return timings


def sizes(backend: str) -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cur:
        if backend == "postgresql":
            cur.execute(
                "SELECT pg_size_pretty(pg_total_relation_size('portal_entry')), pg_size_pretty(pg_relation_size('portal_entry_search')),"
                " pg_size_pretty(pg_relation_size('portal_entry_title_search')), pg_size_pretty(pg_relation_size('portal_entry')), version()"
            )
            total, gin, title_gin, heap, version = cur.fetchone()
            return {"table with indexes and TOAST": total, "GIN search": gin, "GIN title_search": title_gin, "heap": heap, "server": version.split(" on ")[0]}
        cur.execute("PRAGMA page_count")
        pages = cur.fetchone()[0]
        cur.execute("PRAGMA page_size")
        size = pages * cur.fetchone()[0]
        import sqlite3

        return {"database file": f"{size / 2**20:.0f} MB", "server": f"SQLite {sqlite3.sqlite_version}"}


# ----------------------------------------------------------------------------- queries


def make_queries(n: int, corpus: Corpus, plats, seed: int) -> list[dict]:
    r = random.Random(seed)
    medium = list(OBJECTS) + [c[1] for c in corpus.counties[:40]] + ["监理服务", "勘察设计", "造价咨询", "幼儿园", "老旧小区", "雨污分流", "二标段"]
    rare = PLACES + [b[2:6] for b in corpus.bidders[:60]] + ["廿三里", "千岛湖"]
    out = []
    for i in range(n):
        terms = r.choices((1, 2, 3), weights=(45, 40, 15))[0]
        pool = [r.choice(COMMON), r.choice(medium), r.choice(medium), r.choice(rare)]
        if terms == 1:
            words = [r.choices(pool, weights=(40, 25, 10, 25))[0]]
        else:
            words = list(dict.fromkeys(r.sample(pool, terms)))
        q: dict[str, str] = {"q": " ".join(words)}
        if r.random() < 0.35:
            for f in r.sample(("type", "region", "date", "platform", "industry"), r.randint(1, 2)):
                if f == "type":
                    q["type"] = r.choice(("announcement", "result", "publicity", "opening"))
                elif f == "region":
                    q["region"] = r.choice(corpus.cities)
                elif f == "date":
                    start = END - timedelta(days=r.randrange(30, SPAN_DAYS))
                    q["from"], q["to"] = start.date().isoformat(), (start + timedelta(days=90)).date().isoformat()
                elif f == "industry":
                    q["industry"] = r.choice(("E48", "P83", "N77", "E47"))
                else:
                    q["platform"] = r.choice(plats)[1]
        u = r.random()
        q["page"] = "1" if u < 0.75 else ("50" if u < 0.95 else "400")
        if r.random() < 0.2:
            q["sort"] = "newest"
        out.append(q)
    return out


def run_index(q: dict) -> int:
    from etender.hub.portal import query, selectors

    page = selectors.search(query.parse(q))
    return page.total


def run_like(q: dict, backend: str) -> int:
    """The baseline: no index, every word as LIKE '%…%' over the title and the public fields; same filters, count and page."""
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    from etender.hub.portal import query, selectors
    from etender.hub.portal.models import Entry

    p = query.parse(q)
    qs = selectors._filtered(p, None)
    text = "(portal_entry.title || ' ' || portal_entry.data::text)" if backend == "postgresql" else "(portal_entry.title || ' ' || portal_entry.data)"
    for w in p.q.split():
        qs = qs.filter(RawSQL(f"{text} LIKE %s", ["%" + w.replace("%", r"\%").replace("_", r"\_") + "%"], output_field=BooleanField()))
    total, _ = selectors._count(qs)
    ids = selectors._ids(qs, p.offset, p.offset + p.size)
    Entry.objects.select_related("platform").in_bulk(ids)
    return total


def percentiles(times: list[float]) -> str:
    if len(times) < 2:
        return "n/a"
    q = statistics.quantiles(times, n=100, method="inclusive")
    return f"{q[49] * 1000:9.1f} {q[94] * 1000:9.1f} {q[98] * 1000:9.1f} {max(times) * 1000:9.1f}"


def timed(fn, queries) -> tuple[list[float], list[int]]:
    times, totals = [], []
    for q in queries:
        t = time.perf_counter()
        totals.append(fn(q))
        times.append(time.perf_counter() - t)
    return times, totals


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--baseline", type=int, default=60, help="queries (a subset of the same queries) run without the index")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--explain", action="append", default=[], help='print the plans of one query, e.g. \'{"q": "道路", "page": "50"}\'')
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="search-bench-"))
    setup(args.backend, tmp)
    from django.db import connection

    from etender.hub.portal.segment import index_tokens, tokenizer

    tokenizer()
    corpus = Corpus(args.seed)
    rng = random.Random(args.seed + 1)
    plats = platforms()

    # Cutting whole documents, no cache: what a real bulk load of 1M texts costs in segmentation.
    probe = Corpus(args.seed + 7)
    cum = []
    acc = 0.0
    for k in KINDS:
        acc += k[2]
        cum.append((acc, (k[0], k[1], k[3])))
    cum[-1] = (1.0, cum[-1][1])
    docs = [probe.row(i, cum) for i in range(5000)]
    t = time.perf_counter()
    chars = 0
    for d in docs:
        index_tokens(d["title"])
        index_tokens(d["data"]["NOTICE_CONTENT"])
        chars += len(d["title"]) + len(d["data"]["NOTICE_CONTENT"])
    seg = time.perf_counter() - t

    print(f"search_bench: {args.backend}, {args.rows:,} records, seed {args.seed}", flush=True)
    print(f"segmentation of whole documents (no cache): {len(docs) / seg:,.0f} docs/s, {chars / seg / 1000:,.0f}k chars/s, "
          f"avg {chars / len(docs):.0f} chars → {args.rows / (len(docs) / seg) / 60:.1f} min per {args.rows:,} on one core", flush=True)

    rows = (corpus.row(i, cum) for i in range(args.rows))
    t = time.perf_counter()
    timings = (load_postgresql if args.backend == "postgresql" else load_sqlite)(rows, plats, rng)
    total = time.perf_counter() - t
    print(f"load: {total:,.0f} s in all — " + ", ".join(f"{k} {v:,.1f} s" for k, v in timings.items()), flush=True)
    print("size: " + ", ".join(f"{k} {v}" for k, v in sizes(args.backend).items()), flush=True)
    if args.backend == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SHOW shared_buffers")
            sb = cur.fetchone()[0]
            cur.execute("SHOW work_mem")
            print(f"server settings: shared_buffers {sb}, work_mem {cur.fetchone()[0]} (defaults of scripts/with_postgres.py)", flush=True)

    queries = make_queries(args.queries, corpus, plats, args.seed + 2)
    for q in queries[:20]:  # warm-up (jieba, connection, caches)
        run_index(q)
    times, totals = timed(run_index, queries)
    groups = {
        "all queries": list(range(len(queries))),
        "1 word": [i for i, q in enumerate(queries) if len(q["q"].split()) == 1],
        "2–3 words": [i for i, q in enumerate(queries) if len(q["q"].split()) > 1],
        "with filters": [i for i, q in enumerate(queries) if set(q) & {"type", "region", "from", "platform", "industry"}],
        "page 1": [i for i, q in enumerate(queries) if q["page"] == "1"],
        "page 50 (offset 980)": [i for i, q in enumerate(queries) if q["page"] == "50"],
        "page 400 (offset 7,980)": [i for i, q in enumerate(queries) if q["page"] == "400"],
        "sort=newest": [i for i, q in enumerate(queries) if q.get("sort") == "newest"],
    }
    print(f"\nqueries through query.parse + selectors.search (count ≤ 10,000, page ids, rows); median matches {statistics.median(totals):,.0f}")
    print(f"{'':34} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'max ms':>9}")
    for name, idx in groups.items():
        print(f"{'index: ' + name:34} {len(idx):5} {percentiles([times[i] for i in idx])}")

    subset = queries[: args.baseline]
    if subset:
        like_times, like_totals = timed(lambda q: run_like(q, args.backend), subset)
        index_times = times[: len(subset)]
        print(f"{'index: baseline subset':34} {len(subset):5} {percentiles(index_times)}")
        print(f"{'baseline LIKE, same subset':34} {len(subset):5} {percentiles(like_times)}")
        differ = sum(1 for a, b in zip(totals, like_totals, strict=False) if a != b)
        print(f"(counts differ on {differ} of {len(subset)} queries: LIKE matches substrings, the index dictionary words)")
    slow = sorted(range(len(queries)), key=lambda i: -times[i])[:8]
    print("\nslowest: " + "; ".join(f"{times[i] * 1000:.0f} ms {queries[i]} ({totals[i]:,})" for i in slow))
    print(f"example queries: {queries[:5]}")
    for raw in args.explain:
        explain(json.loads(raw), args.backend)


def explain(q: dict, backend: str) -> None:
    """The SQL the search runs for ``q``, each statement with its plan and timing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t = time.perf_counter()
        run_index(q)
        total = time.perf_counter() - t
    print(f"\nEXPLAIN {q}: {total * 1000:.1f} ms in {len(ctx.captured_queries)} statements")
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cur:
        for item in ctx.captured_queries:
            sql = item["sql"]
            print(f"-- {float(item['time']) * 1000:.1f} ms: {sql[:400]}")
            if not sql.startswith("SELECT"):
                if sql.startswith("SET"):
                    cur.execute(sql)
                continue
            if backend == "postgresql":
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            else:
                cur.execute("EXPLAIN QUERY PLAN " + sql)
            print("\n".join("   " + " | ".join(str(c) for c in r) for r in cur.fetchall()))


if __name__ == "__main__":
    main()
