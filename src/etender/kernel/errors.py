"""Coded errors shared by every etender service.

Every refusal the system gives carries a code from the rules table
(``E1xx``/``W1xx``, see docs/errors.md and ../shared/reference/china-rules.md)
or, for malformed input that no article of law speaks about, a generic
``E0xx`` code.  The same code and the same Chinese/English message appear in
the API error body and in the form error of the web UI.

Services raise :class:`RuleViolation`; the API layer maps it to an HTTP
status and the views render it next to the offending field.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.utils import translation

# code -> (zh, en, http status)
CATALOG: dict[str, tuple[str, str, int]] = {
    # Generic input and access errors (no article of law; E0xx).
    "E001": ("输入数据不合法", "Invalid input", 422),
    "E002": ("统一社会信用代码无效", "Invalid unified social credit code", 422),
    "E003": ("行政区划代码无效", "Invalid administrative division code", 422),
    "E004": ("文件过大", "File too large", 413),
    "E005": ("对象不存在", "Not found", 404),
    "E006": ("无权执行此操作", "You are not allowed to do this", 403),
    "E007": ("当前状态不允许此操作", "Not allowed in the current state", 409),
    "E008": ("需要登录", "Sign-in required", 401),
    "E009": ("日期时间无效", "Invalid date or time", 422),
    "E010": ("编号格式无效", "Invalid code format", 422),
    "E011": ("该代码已注册", "Already registered", 409),
    "E012": ("密钥文件无效", "Invalid key file", 422),
    "W010": ("该年度法定节假日安排尚未载入，期限暂按周末和固定日期节日计算，请核对", "The official holiday schedule of that year is not loaded yet: periods are computed with weekends and fixed-date holidays only; please check them", 200),
    "E013": ("数据交换批次签名无效", "The exchange batch signature is not valid", 403),
    "E014": ("批次序号已用于不同内容（重放或伪造）", "This batch sequence was used for different content (replay or forgery)", 409),
    "E015": ("平台未登记或未启用", "The platform is not registered or not active", 403),
    "E016": ("交换数据校验未通过", "Exchanged records failed validation", 422),
    # Entity registry and single sign-on through the public service platform (docs/identity.md).
    "E020": ("公共服务平台暂时无法访问，请稍后再试", "The public service platform cannot be reached; try again later", 503),
    "E021": ("登录请求已失效或不匹配，请重新登录", "The sign-in request has expired or does not match; sign in again", 400),
    "E022": ("公共服务平台的身份令牌无效", "The identity token of the public service platform is not valid", 401),
    "E023": ("公共服务平台未同意登录", "The public service platform did not allow the sign-in", 403),
    "E024": ("本平台未配置公共服务平台统一身份认证", "Sign-in with the public service platform is not configured on this platform", 404),
    "E025": ("该市场主体已被暂停", "The market entity is suspended", 403),
    "E026": ("该账号不属于任何市场主体", "This account does not belong to a market entity", 403),
    "E027": ("本平台已有同一统一社会信用代码的主体，须经公共服务平台核验后方可关联", "An entity with this credit code is already registered on this platform: it can be joined only after the public service platform has verified the entity", 409),
    "E028": ("数字证书或公钥无效", "Invalid digital certificate or public key", 422),
    "E029": ("有效期无效或已届满", "The validity period is not valid or has ended", 422),
    "E030": ("见证请求格式错误", "Malformed witness request", 400),
    "E031": ("日志未在见证方登记（来源未知）", "Unknown log: no registered, active platform signs this origin", 404),
    "E032": ("检查点未经该日志登记的密钥有效签名", "The checkpoint is not validly signed by the log's registered key", 403),
    "E033": ("与见证方已记录的检查点冲突", "Conflicts with the checkpoint the witness holds for this log", 409),
    "E034": ("一致性证明未通过验证", "The consistency proof does not verify", 422),
    # Open data (OCDS) of the public service platform (docs/open-data.md).
    "E035": ("开放数据查询参数无效", "Invalid open-data query parameter", 400),
    "E036": ("ocid 无效：须为本平台前缀加招标项目编号", "Invalid ocid: this publisher's prefix and a tender project code expected", 400),
    "E037": ("该 ocid 无公开数据", "No open data for this ocid", 404),
    # Disclosure portal of the public service platform (docs/portal.md).
    "E040": ("检索条件无效", "Invalid search parameter", 422),
    "E041": ("检索词过长", "The search words are too long", 422),
    "E042": ("只能翻阅前10000条结果，请缩小检索范围", "Only the first 10,000 results can be paged through; narrow the search", 422),
    "E043": ("该记录已被来源交易平台撤回", "The source platform has withdrawn this record", 410),
    # Supervisory instructions (电子招标投标办法 52; docs/supervision.md).
    "E050": ("该招标项目已被行政监督部门暂停，暂不能办理此事项", "A supervising department has suspended this tender: no further step is possible until it is resumed", 409),
    "E051": ("该招标项目不在本部门（平台）的监督管辖范围内", "The tender is outside the jurisdiction of your department (or platform)", 403),
    "E052": ("公共服务平台没有该招标项目的交易平台数据，无法确定指令的接收平台", "The hub has no record of this tender from a trading platform, so it cannot address the instruction", 404),
    "E053": ("指令编号已用于不同内容", "This instruction id was used for different content", 409),
    "E054": ("指令与招标项目当前状态不符", "The instruction does not fit the tender's current state", 409),
    "E055": ("只有被指令的交易平台可以报告该指令的办理情况", "Only the addressed trading platform may report on this instruction", 403),
    "E056": ("指令未经公共服务平台有效签名，不予接收", "The instruction does not carry a valid signature of the public service platform: refused", 403),
    "E057": ("该指令已办结", "This instruction has already been executed", 409),
    "E058": ("办理时限无效（1至720小时）", "Invalid time limit (1 to 720 hours)", 422),
    "E059": ("只有登记并启用的监督平台可以发出监督指令", "Only a registered, active supervision platform may send supervisory instructions", 403),
    # Supervision monitoring (docs/supervision.md).
    "E080": ("该招标项目不存在或不在您所在部门的监督范围内", "No such tender in your department's jurisdiction", 404),
    "E081": ("开标时间已过，未见开标记录", "The opening time has passed without an opening record", 409),
    "E082": ("中标结果公告前未见中标候选人公示", "A result was announced without a prior publicity of the candidates", 409),
    "E083": ("交易平台操作日志检查点不一致（见证告警）", "The trading platform's log checkpoints are inconsistent (witness alert)", 409),
    "E084": ("告警状态变更无效：办结或撤销须填写处理说明", "Invalid alert change: resolving or dismissing needs resolution notes", 422),
    # Online evaluation on the trading platform (docs/evaluation.md).
    "E070": ("评标委员会尚未就绪：成员须全部确认、签到并产生组长", "The committee is not ready: every member must confirm and check in, and a chair must be chosen", 409),
    "E071": ("须先处理评标中的待决事项（澄清、有效投标不足3个的决定、评标时间）", "Pending evaluation matters must be settled first (clarifications, the decision on fewer than 3 valid bids, the evaluation time)", 409),
    "E072": ("评分超出设定的分值范围", "A score is outside its configured range", 422),
    "E073": ("评分表已签署，不能修改", "The score sheet is signed and can no longer be changed", 409),
    "E074": ("公共服务平台专家抽取服务出错或不可用", "The expert draw service of the public service platform failed or cannot be reached", 502),
    # Complaints to the supervising departments (条例 60–61; docs/supervision.md).
    "E085": ("该投诉事项须先向招标人提出异议，并附异议及其答复（或答复期限届满）", "This matter needs a prior objection to the tenderer: show the objection and its answer (or the lapse of the answer period)", 422),
    "E086": ("监督平台未掌握该招标项目（编号有误或尚未报送）", "The supervision platform knows no such tender (wrong code, or not exchanged yet)", 422),
    "E087": ("投诉应当有明确的请求和必要的证明材料", "A complaint needs a clear request and the necessary evidence", 422),
    "E088": ("该投诉不属于您所在监督部门处理", "This complaint is handled by another supervising department", 403),
    "E089": ("异议答复期限尚未届满，暂不能就该事项投诉", "The tenderer's period to answer the objection has not ended yet: the complaint cannot be lodged now", 409),
    "E090": ("行政监督平台暂时无法访问，未能获取最新的监督职责信息", "The supervision platform cannot be reached: its published duties could not be fetched", 503),
    # Expert pool and verifiable draws of the public service platform (docs/experts.md).
    "E060": ("符合条件的专家人数不足，无法抽取", "Fewer eligible experts than requested: the draw cannot be made", 409),
    "E061": ("评标专家专业代码无效", "Unknown evaluation specialty code", 422),
    "E062": ("专家导入文件无法读取或缺少表头", "The expert import file cannot be read or lacks its header row", 422),
    "E063": ("专家导入文件有错误行，未导入任何数据", "The expert import file has invalid rows: nothing was imported", 422),
    "E064": ("该身份证件号码的专家已在库", "An expert with this identity document number is already in the pool", 409),
    "E065": ("该专业已无可递补的候选专家", "No candidate of this specialty is left for a replacement", 409),
    "E066": ("交易平台随机数无效：须为32字节十六进制", "Invalid platform nonce: 32 bytes in hex expected", 422),
    "E067": ("该抽取不属于本交易平台", "This draw belongs to another trading platform", 403),
    "E068": ("居民身份证号码无效", "Invalid resident identity card number", 422),
    # Award stage: candidate publicity, objections and the award (条例 54–55; docs/award.md).
    "E075": ("中标候选人公示期间的异议尚未答复，定标暂停", "An objection raised during the candidate publicity is unanswered: the award is paused", 409),
    "E076": ("中标候选人公示期尚未结束，不能定标", "The candidate publicity has not ended: no winner can be decided yet", 409),
    "E077": ("对评标结果的异议应当在中标候选人公示期间提出", "Objections to the evaluation result must be raised during the candidate publicity", 409),
    "E078": ("尚未收到评标委员会提交的评标报告", "No submitted evaluation report has been received", 409),
    # Rules table (A), china-rules.md.
    "E101": ("投标截止距招标文件开始发出不足20日", "Less than 20 days between the start of issuing the tender documents and the bid deadline", 422),
    "E102": ("文件发售期少于5日", "The document issuing period is shorter than 5 days", 422),
    "E103": ("资格预审申请文件提交时间不足5日", "Less than 5 days to prepare the pre-qualification application", 422),
    "E104": ("澄清修改距投标截止不足15日，须顺延截止时间", "Clarification or amendment less than 15 days before the bid deadline: the deadline must be extended", 422),
    "E105": ("资格预审澄清不足3日", "Pre-qualification clarification less than 3 days before its deadline", 422),
    "E106": ("异议未答复，招标投标活动暂停", "An objection is unanswered: the tendering is paused", 409),
    "E107": ("公告未在指定媒介同步发布/内容不一致", "Announcement not published in the designated media or contents differ", 422),
    "W108": ("未使用标准文本", "The national standard document text is not used", 200),
    "E109": ("通过资格预审不足3家，应重新招标", "Fewer than 3 applicants passed pre-qualification: re-tender", 409),
    "E110": ("招标文件含排斥限制性条款", "The tender documents contain an unreasonable restrictive clause", 422),
    "E111": ("未载明投标有效期", "The bid validity period is not stated", 422),
    "E112": ("投标保证金超过估算价2%", "Bid security exceeds 2% of the estimated price", 422),
    "E113": ("施工投标保证金超过80万元", "Bid security for construction works exceeds 800,000 yuan", 422),
    "E114": ("不得设置最低投标限价", "A minimum bid price may not be set", 422),
    "E115": ("不得组织单个/部分投标人踏勘", "A site visit may not be organised for one or some bidders only", 422),
    "E116": ("不得设置投标报名等前置条件", "No registration, approval or fee may be required before downloading the documents", 422),
    "E117": ("截标前禁止查询下载人信息", "Who downloaded the documents may not be revealed before the bid deadline", 403),
    "E118": ("关联投标人不得参加同一标段", "Related bidders may not bid for the same lot", 409),
    "E119": ("平台运营机构及关联方不得投标", "The platform operator and its related parties may not bid", 403),
    "E120": ("投标文件未按规定加密，拒收", "The bid is not sealed (encrypted) as required and is refused", 422),
    "E121": ("已过投标截止时间，拒收", "The bid deadline has passed: bid refused", 409),
    "E122": ("截标前禁止解密提取", "No bid may be decrypted or extracted before the bid deadline", 403),
    "E123": ("截标后撤销投标，保证金可不退", "Revoking a bid after the deadline: the bid security may be kept", 409),
    "E124": ("联合体成员重复投标/变更", "A consortium member bids more than once in the lot", 409),
    "E125": ("投标人少于3个，不得开标", "Fewer than 3 bidders: the bids may not be opened", 409),
    "E126": ("开标时间须与截标时间一致", "The opening time must equal the bid deadline", 422),
    "E127": ("投标文件解密失败", "The bid could not be decrypted", 422),
    "E128": ("未生成/公开开标记录", "The opening record was not generated or published", 409),
    "E129": ("评标委员会人数/专家比例不合规", "Evaluation committee size or expert share is not lawful", 422),
    "E130": ("专家须随机抽取", "Experts must be drawn at random", 422),
    "E131": ("专家资格不符", "The expert does not meet the entry conditions", 422),
    "E132": ("专家存在回避情形", "The expert must be avoided", 422),
    "E133": ("评委名单未到公开时点", "The committee list may not be disclosed yet", 403),
    "W134": ("评标时间须延长", "The evaluation time must be extended", 200),
    "E135": ("被更换专家评审结论无效", "Conclusions of a replaced expert are void", 409),
    "E136": ("否决投标", "Bid rejected", 422),
    "W137": ("报价可能低于成本，需澄清", "The price may be below cost: clarification required", 200),
    "E138": ("澄清超出投标文件范围", "The clarification goes beyond the bid", 422),
    "W139": ("有效投标不足3个，须论证", "Fewer than 3 valid bids: the committee must decide and record why", 200),
    "E140": ("中标候选人超过3个/未签字", "More than 3 candidates or the report is not signed", 422),
    "E141": ("候选人公示期少于3日", "Candidate publicity shorter than 3 days", 422),
    "E142": ("国有资金项目须确定排名第一", "State-funded projects must award the first-ranked candidate", 422),
    "W143": ("临近投标有效期届满", "The bid validity period is about to expire", 200),
    "E144": ("未通知未中标人", "Unsuccessful bidders were not notified", 409),
    "E145": ("合同签订超过30日/实质性条款不一致", "Contract signed after 30 days or its terms differ", 422),
    "E146": ("投标保证金退还超期", "Bid security refunded late", 409),
    "E147": ("履约保证金超过合同金额10%", "Performance security exceeds 10% of the contract price", 422),
    "E148": ("书面报告超过15日", "Written report later than 15 days", 409),
    "E149": ("投诉超过10日时限", "Complaint filed after the 10-day limit", 422),
    "E150": ("数据电文缺少电子签名", "The electronic record lacks an electronic signature", 422),
    "E151": ("操作日志缺失", "Operation log missing", 500),
    "W152": ("归档未满保存期限不得销毁", "Archives may not be destroyed before the retention period ends", 200),
    "E153": ("网络日志留存不足6个月", "Network logs kept less than 6 months", 500),
    "E154": ("服务器须设在境内", "Servers must be located in China", 500),
    "E155": ("不得强制购买指定工具软件", "Buying a specific tool may not be required", 422),
}

# code -> legal basis (china-rules.md, table A)
BASIS: dict[str, str] = {
    "E101": "招标投标法 24", "E102": "条例 16", "E103": "条例 17", "E104": "招标投标法 23; 条例 21", "E105": "条例 21",
    "E106": "条例 22", "E107": "条例 15, 63; 电子办法 17", "W108": "条例 15", "E109": "条例 19", "E110": "招标投标法 18, 20; 条例 32",
    "E111": "条例 25", "E112": "条例 26", "E113": "工程建设项目施工招标投标办法 37", "E114": "条例 27", "E115": "条例 28",
    "E116": "电子办法 20, 54(3)", "E117": "招标投标法 22; 电子办法 21", "E118": "条例 34", "E119": "电子办法 23", "E120": "电子办法 26",
    "E121": "招标投标法 28; 电子办法 27", "E122": "电子办法 27", "E123": "条例 35", "E124": "条例 37", "E125": "招标投标法 28; 条例 44",
    "E126": "招标投标法 34; 电子办法 29–30", "E127": "电子办法 31", "E128": "招标投标法 36; 电子办法 32", "E129": "招标投标法 37",
    "E130": "条例 45–46", "E131": "招标投标法 37", "E132": "条例 46", "E133": "招标投标法 37", "W134": "条例 48", "E135": "条例 48",
    "E136": "条例 51", "W137": "条例 51(5)", "E138": "招标投标法 39; 条例 52", "W139": "评标委员会和评标方法暂行规定 27",
    "E140": "条例 53", "E141": "条例 54", "E142": "条例 55", "W143": "评标委员会和评标方法暂行规定 40", "E144": "招标投标法 45",
    "E145": "招标投标法 46; 条例 57", "E146": "条例 57", "E147": "条例 58", "E148": "招标投标法 47", "E149": "条例 60–61",
    "E150": "电子办法 40", "E151": "电子办法 49", "W152": "政府采购法 42", "E153": "网络安全法 21", "E154": "电子办法 10",
    "E155": "电子办法 8–9, 54–55",
    "E080": "电子办法 48", "E081": "电子办法 29–30, 48", "E082": "条例 54", "E083": "电子办法 44, 49",
    "E085": "条例 60; 条例 22, 44, 54", "E087": "条例 60", "E089": "条例 22, 54, 60", "E090": "电子办法 47",
    "E075": "条例 54", "E076": "条例 54–55", "E077": "条例 54, 60", "E078": "条例 53–54",
    "E025": "电子办法 45", "E027": "电子办法 45", "E028": "电子办法 44(4); 电子签名法 16", "E029": "电子签名法 13",
}


def catalog_markdown() -> str:
    """docs/errors.md, generated from the catalogue (a test keeps them equal)."""
    lines = [
        "# Error codes",
        "",
        "Generated from `etender.kernel.errors` by `python scripts/gen_docs.py`; do not edit by hand.",
        "",
        "Every refusal carries one code. API error bodies look like",
        '`{"code": "E121", "message": "…", "message_zh": "…", "message_en": "…", "field": "…", "params": {…}, "errors": [...]}`',
        "and forms show the same code and message next to the field. `E0xx` are generic input and access errors;",
        "`E1xx`/`W1xx` are the rules of ../shared/reference/china-rules.md table (A).",
        "",
        "| code | HTTP | legal basis | 中文 | English |",
        "|---|---|---|---|---|",
    ]
    for code, (zh, en, status) in CATALOG.items():
        lines.append(f"| {code} | {status} | {BASIS.get(code, '—')} | {zh} | {en} |")
    return "\n".join(lines) + "\n"


def message(code: str, lang: str | None = None) -> str:
    """The catalogue message of ``code`` in ``lang`` (default: the active language)."""
    zh, en, _ = CATALOG[code]
    lang = lang or translation.get_language() or "zh-hans"
    return en if lang.startswith("en") else zh


@dataclass
class RuleViolation(Exception):
    """A refusal with a catalogue code.

    ``detail_zh``/``detail_en`` add the specifics (which item, which date);
    ``field`` names the input that caused it so forms can show the error in
    place; ``params`` carries machine-readable values for API clients.
    """

    code: str
    detail_zh: str = ""
    detail_en: str = ""
    field: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in CATALOG:
            raise KeyError(f"unknown error code {self.code}")
        super().__init__(self.code, self.detail_en or CATALOG[self.code][1])

    @property
    def status(self) -> int:
        return CATALOG[self.code][2]

    def text(self, lang: str | None = None) -> str:
        lang = lang or translation.get_language() or "zh-hans"
        base = message(self.code, lang)
        detail = self.detail_en if lang.startswith("en") else self.detail_zh
        sep = ": " if lang.startswith("en") else "："
        return f"{base}{sep}{detail}" if detail else base

    def __str__(self) -> str:  # "E121 已过投标截止时间，拒收"
        return f"{self.code} {self.text()}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.text(),
            "message_zh": self.text("zh-hans"),
            "message_en": self.text("en"),
            "field": self.field,
            "params": self.params,
        }


class RuleViolations(Exception):
    """Several violations found at once (e.g. validating a whole tender)."""

    def __init__(self, violations: list[RuleViolation]):
        self.violations = violations
        super().__init__("; ".join(str(v) for v in violations))

    @property
    def status(self) -> int:
        return max(v.status for v in self.violations)


def raise_all(violations: list[RuleViolation]) -> None:
    if len(violations) == 1:
        raise violations[0]
    if violations:
        raise RuleViolations(violations)


def violations_of(exc: Exception) -> list[RuleViolation]:
    if isinstance(exc, RuleViolations):
        return exc.violations
    if isinstance(exc, RuleViolation):
        return [exc]
    return []
