"""Seed the demo's expert pool (idempotent): 40 invented experts in several specialties, a pool administrator,
and a hub account for every expert (zj01–zj40, password ``Demo-2026!``), so whoever a demo draw picks can confirm
and sign in on the trading platforms.

Every person is synthetic: invented names, identity numbers with the impossible birth date 1900-01-01 (as in
kernel.exchange.examples), phone numbers of the 1380013xxxx test block, employers' credit codes made with
kernel.codes.make_uscc.  One expert works for the demo bidder 浙江通衢建设有限公司 (so draws for its lots avoid him).
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from etender.hub.experts import services
from etender.hub.experts.models import Avoidance, Expert
from etender.hub.experts.selectors import ADMIN_GROUP
from etender.kernel.audit.actors import Actor
from etender.kernel.codes import make_uscc

DEMO_PASSWORD = "Demo-2026!"
ADMIN_USERNAME = "zhuanjiaku"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜"
GIVEN = ["建华", "志强", "秀英", "国平", "丽君", "海涛", "文斌", "晓燕", "振宇", "慧敏", "立新", "雅琴", "永康", "淑芬", "卫东", "春梅", "明辉", "桂兰", "德胜", "静怡",
         "宏伟", "玉珍", "俊杰", "凤霞", "光明", "翠萍", "学军", "美玲", "晨阳", "佩华", "子恒", "若兰", "浩然", "雪梅", "景行", "碧云", "松涛", "慧琳", "一鸣", "安琪"]
EMPLOYERS = [
    ("浙江省建筑设计研究院有限公司", make_uscc("91330000MA2DM0001")),
    ("杭州市城市规划设计研究院", make_uscc("12330100MB2DM0002")),
    ("浙江大学建筑工程学院", make_uscc("12330000MB2DM0003")),
    ("浙江省交通规划设计研究院有限公司", make_uscc("91330000MA2DM0004")),
    ("中国电建集团华东勘测设计研究院有限公司", make_uscc("91330000MA2DM0005")),
    ("宁波市市政工程设计研究院", make_uscc("12330200MB2DM0006")),
    ("浙江省工程咨询有限公司", make_uscc("91330000MA2DM0007")),
    ("温州市建设工程造价管理站", make_uscc("12330300MB2DM0008")),
    ("浙江理工大学", make_uscc("12330000MB2DM0009")),
    ("浙江省信息化发展中心", make_uscc("12330000MB2DM0010")),
]
TONGQU = ("浙江通衢建设有限公司", make_uscc("91330108MA2B7C8D9"))
# (main specialty, other specialties, how many)
PLAN = [("A010101", ["A0103"], 9), ("A010201", ["A010202"], 5), ("A010301", ["C0603"], 4), ("A0201", ["A0202"], 6), ("A0301", [], 4), ("C0201", ["A0101"], 4),
        ("C030202", [], 3), ("B0301", ["C0401"], 3), ("C0601", [], 2)]
TITLES = [("正高级工程师", "full_senior"), ("高级工程师", "senior"), ("高级经济师", "senior"), ("教授", "full_senior"), ("副教授", "senior"), ("高级会计师", "senior")]
AREAS = ["330106000", "330102000", "330108000", "330110000", "330203000", "330302000", "330402000"]


class Command(BaseCommand):
    help = "Create the demo expert pool at the hub, its administrator and expert accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD)

    def handle(self, *args, **o):
        actor = Actor.system("seed")
        User = get_user_model()
        admin = User.objects.filter(username=ADMIN_USERNAME).first()
        if admin is None:
            admin = User.objects.create_user(username=ADMIN_USERNAME, password=o["password"], first_name="专家库管理员")
            admin.groups.add(Group.objects.get(name=ADMIN_GROUP))
        n = 0
        made: list[Expert] = []
        for main, others, count in PLAN:
            for _ in range(count):
                n += 1
                first17 = f"3301{n % 7 + 2:02d}19000101{n:03d}"
                id_card = first17 + services.id_check_char(first17)
                expert = Expert.objects.filter(id_card=id_card).first()
                if expert is None:
                    company, code = TONGQU if n == 2 else EMPLOYERS[n % len(EMPLOYERS)]
                    title, level = TITLES[n % len(TITLES)]
                    expert = services.expert_create(actor=actor, specialty_codes=[(main, True)] + [(c, False) for c in others], data={
                        "id_card": id_card, "name": SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)], "sex": "1" if n % 3 else "2", "birthday": date(1900, 1, 1),
                        "duty": "总工程师" if n % 5 == 0 else "", "education": "硕士研究生" if n % 2 else "大学本科", "professional": title, "title_level": level,
                        "company": company, "company_code": code, "industry": "E48" if main.startswith("A") else "M74", "area": AREAS[n % len(AREAS)],
                        "work_year": 8 + (n * 3) % 22, "phone": f"1380013{n:04d}", "post_address": f"浙江省杭州市示例路{n}号", "postcode": "310012",
                        "enter_date": date(2020 + n % 6, 1 + n % 12, 1 + n % 28),
                    })
                    if n % 9 == 4:
                        services.avoidance_add(actor=actor, expert=expert, kind=Avoidance.Kind.RELATIVE, entity_name="杭州余航市政工程有限公司", entity_code=make_uscc("91330110MA2CD4E5F"), note="配偶任该公司副总经理")
                made.append(expert)
        from django.contrib.auth.hashers import make_password

        hashed = make_password(o["password"])  # one hash for all demo accounts: 40 PBKDF2 rounds would slow the demo's start
        for i, expert in enumerate(made):
            if expert.user_id is None:
                services.expert_issue_account(actor=actor, expert=expert, username=f"zj{i + 1:02d}", password_hash=hashed)
        accounts = len(made)
        self.stdout.write(f"hub demo: {len(made)} experts, administrator {ADMIN_USERNAME}, expert accounts zj01–zj{accounts:02d}")
