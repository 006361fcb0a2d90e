"""Restrictive clauses a text scan can find (E110: 招标投标法 18, 20; 条例 32; 1117号(三); 16号令).

One table for every service: the trading platform refuses them before publication, the supervision platform
scans the published texts again (a platform may not check, or may be another operator's).
"""

from __future__ import annotations

import re

#: (item, zh, en, pattern) of each restrictive clause.
RESTRICTIVE_CLAUSES: list[tuple[int, str, str, re.Pattern[str]]] = [
    (
        1,
        "以特定行政区域或者特定行业的业绩、奖项作为加分条件或者中标条件",
        "track record or awards in a particular region used for bonus points or as an award condition",
        re.compile(r"(本地|当地|本省|本市|本县|本区|省内|市内|县内)[^。；;\n]{0,15}(业绩|奖项|获奖)[^。；;\n]{0,15}(加分|加\d+分|优先|中标条件)"),
    ),
    (
        2,
        "限定或者指定特定的专利、商标、品牌、原产地或者供应商",
        "a named patent, trademark, brand, origin or supplier",
        re.compile(r"(指定|限定|特定|唯一)[^。；;\n]{0,6}(品牌|厂家|厂商|生产商|供应商|专利|商标|原产地)"),
    ),
    (
        3,
        "非法限定投标人的所有制形式或者组织形式",
        "a required form of ownership or organisation",
        re.compile(r"(仅限|只限|必须为|必须是|须为|限于|只接受)[^。；;\n]{0,6}(国有|民营|私营|外资|集体|央企|国企)"),
    ),
    (
        4,
        "要求在本地设立分支机构",
        "a local branch office required",
        re.compile(r"(本地|当地|本省|本市|本县|本区|省内|市内)[^。；;\n]{0,10}(设立|设有|成立|注册)[^。；;\n]{0,6}(分支机构|分公司|子公司|办事处|服务网点)"),
    ),
    (
        5,
        "要求在本地缴纳税收或者社会保险",
        "local tax or social-security payments required",
        re.compile(r"(本地|当地|本省|本市|本县|本区|省内|市内)[^。；;\n]{0,10}(纳税|缴税|缴纳税|社保|社会保险)"),
    ),
    (
        6,
        "限定投标人注册地",
        "the bidder's registered address restricted",
        re.compile(
            r"(注册地|注册地址|工商注册)[^。；;\n]{0,8}(须|必须|应|应当|限)[^。；;\n]{0,6}(在|位于|为|于)[^。；;\n]{0,6}(本地|当地|本省|本市|本县|本区|省内|市内)"
            r"|(须|必须|应|应当)[^。；;\n]{0,4}(在本地|在当地|在本省|在本市|在本县|在省内|在市内)注册"
        ),
    ),
]


def restrictive_items(text: str) -> list[tuple[int, str, str, str]]:
    """(item, zh, en, the words found) of every restrictive clause in ``text``."""
    out = []
    for item, zh, en, pattern in RESTRICTIVE_CLAUSES:
        m = pattern.search(text or "")
        if m:
            out.append((item, zh, en, m.group(0)))
    return out
