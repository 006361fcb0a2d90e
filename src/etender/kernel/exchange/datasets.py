"""Data sets of the etender data-exchange standard v1 (issue "hub", item 1).

The field lists below are transcribed verbatim, one national field per line,
from the V4 lists of 《公共资源交易平台系统数据规范》 as implemented by a working
provincial platform (china-rules.md source S8: de-facto, not normative).  Each
line reads ``NAME(中文名[*],rules)`` where ``*`` marks a required field, and
the rules are ``len=N`` (exact length), ``≤N`` (maximum length) and the national
validators ``DateMatch``, ``NumberMatch``, ``EnumMatch``, ``domNNN`` (code
table), ``UniqueValue``, ``CannotModify``, ``AreaCodeMatch`` and
``TenderProjectCodeMatch``.

Everything etender decides on top of the national lists lives in the explicit
tables after them, so a reviewer can check each judgement on its own:

* :data:`CODE_TABLES` — which code tables are bundled (and enforced) and which
  are checked for length and charset only;
* ``_ENUM_OF``, ``_NUMBER_DIGITS``, ``_DATE_ONLY``, ``_MULTI``, ``_IDENT`` —
  enum tables, number precision, date-only fields, ``;``-separated lists and
  identifier formats;
* ``_DISCLOSURE`` — the disclosure class of every field, by basis
  (:data:`BASES`), and :data:`EMBARGO_EVENTS` for data sets that stay secret
  until a procedural event.

Nothing here reads ../shared at run time, and nothing imports Django.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from etender.kernel import codes

__all__ = [
    "BASES",
    "CODE_TABLES",
    "DATASETS",
    "DISCLOSURES",
    "EMBARGO_EVENTS",
    "RESERVED",
    "Basis",
    "CodeTable",
    "Dataset",
    "Disclosure",
    "Field",
    "FieldType",
    "ReservedDataset",
]

Disclosure = Literal["public", "restricted", "secret"]
FieldType = Literal["string", "date-time", "date", "number", "code"]
DISCLOSURES: Final[tuple[Disclosure, ...]] = ("public", "restricted", "secret")

# ---------------------------------------------------------------------------
# National field lists (V4), verbatim.

_SPECS: Final[dict[str, tuple[str, str, str, tuple[str, ...]]]] = {
    "212": (
        "V4", "EXPERT_BID_EVALUATION", "评标专家基本信息",
        (
            "ID_CARD(专家身份证件号码*,≤18)",
            "ID_CARD_TYPE(专家身份证件类型*,len=2,dom7)",
            "EXPERT_NAME(专家姓名*,≤50)",
            "SEX(性别*,len=1,dom51)",
            "BIRTHDAY(出生日期*,DateMatch)",
            "DUTY(职务,≤50)",
            "EDUCATION(最高学历*,≤50)",
            "PROFESSIONAL(职称*,≤50)",
            "ONWORK(是否在职*,len=1,EnumMatch)",
            "COMPANY(当前工作单位*,≤200)",
            "POST_ADDRESS(通讯地址,≤200)",
            "POSTCODE(邮政编码,len=6)",
            "INDUSTRY(所属行业*,len=3)",
            "AREA(所在地区*,len=9)",
            "WORK_YEAR(工作年限,NumberMatch)",
            "PHONE_NUMBER(手机*,≤50)",
            "OTHER_NUMBER(其他联系方式,≤50)",
            "DMISSON(是否可用*,len=1,EnumMatch)",
            "ENTER_DATE(入库时间*,DateMatch)",
            "BASE_TYPE(专家库类别*,len=1)",
            "MAJOR_CODE(参评专业编号*,≤7)",
            "IS_MAIN(是否主评专业*,len=1,EnumMatch)",
        ),
    ),
    "404": (
        "V4", "COMPLAINT_INFO", "投诉信息",
        (
            "TENDER_PROJECT_NAME(招标项目（采购项目）名称*,≤200)",
            "TENDER_PROJECT_CODE(招标项目（采购项目）编号*,len=20)",
            "BID_SECTION_CODE(标段（包）编号*,len=23)",
            "BID_SECTION_NAME(标段（包）名称*,≤500)",
            "UNIFIED_DEAL_CODE(统一交易标识码*,len=40)",
            "COMPLAINT_NAME(投诉者姓名*,≤100)",
            "COMPLAINT_PHONE(投诉者电话*,≤50)",
            "COMPLAINT_MAIL(投诉者邮箱*,≤100)",
            "COMPLAINTED_BODY_NAME(被投诉主体名称*,≤200)",
            "COMPLAINTED_BODY_TYPE(被投诉者类别*,len=1,dom2001)",
            "COMPLAINTED_BODY_CODE(被投诉主体代码*,≤18)",
            "DISSENT_REASON(依据和理由*)",
            "COMPLAINT_CONTENT(投诉内容*)",
            "COMPLAINT_DATE(投诉日期*,DateMatch)",
            "ACCEPT_DATE(受理日期*,DateMatch)",
            "HANDLE_RESULT(处理结果*)",
            "HANDLE_BASIS(处理依据*)",
            "HANDLE_DATE(处理时间*,DateMatch)",
            "CONFINED_ACTION(限制的行为*,≤2,dom1007)",
            "START_DATE(限制行为开始时间*,DateMatch)",
            "END_DATE(限制行为结束时间*,DateMatch)",
            "DEALING_UNIT(处理单位*,≤200)",
            "ENTER_CREDIT_PLAT(处理结果是否进入信用平台*,len=1,EnumMatch)",
            "SIGNATURE(处理人电子签名*)",
        ),
    ),
    "500": (
        "V4", "PROJECT", "项目",
        (
            "PROJECT_CODE(项目编号*,len=17,UniqueValue,CannotModify)",
            "PROJECT_NAME(项目名称*,≤600,UniqueValue)",
            "REGION_CODE(项目所在行政区域代码*,len=6,AreaCodeMatch)",
            "RELATE_CODE(项目类别关联代码*,len=1,EnumMatch)",
            "INVEST_PROJECT_CODE(投资项目统一代码,len=24)",
            "ADDRESS(项目地址*,≤2000)",
            "LEGAL_PERSON(项目法人*,≤200)",
            "CLASS_VER_CODE(分类版本代码*,len=1)",
            "INDUSTRIES_TYPE(项目行业分类*,len=3)",
            "FUND_SOURCE(资金来源*,≤1000)",
            "CONTRIBUTION_SCALE(出资比例,≤1000)",
            "PROJECT_SCALE(项目规模*,≤4000)",
            "CONTACTOR(联系人*,≤100)",
            "CONTACT_INFORMATION(联系方式*,≤100)",
            "APPROVAL_NAME(项目审批文件名称*,≤500)",
            "APPROVAL_NUMBER(项目审批文号,≤100)",
            "APPROVAL_AUTHORITY(项目审批单位,≤200)",
            "CREATE_TIME(项目建立时间*,DateMatch)",
            "OPERATION_NAME(信息录入人员*,≤200)",
        ),
    ),
    "501": (
        "V4", "TENDER_PROJECT", "招标项目",
        (
            "PROJECT_CODE(项目编号*,len=17)",
            "TENDER_PROJECT_CODE(招标项目编号*,len=20,UniqueValue,CannotModify)",
            "TENDER_SELF_CODE(招标项目编号,≤200)",
            "UNIFIED_DEAL_CODE(统一交易标识码,len=40)",
            "IS_TO_LAW(是否依法必须招标*,len=1,EnumMatch)",
            "TENDER_PROJECT_NAME(招标项目名称*,≤600,UniqueValue)",
            "TENDER_PROJECT_TYPE(招标项目类型*,len=3,dom10)",
            "REGION_CODE(招标项目所在行政区域代码*,len=6,AreaCodeMatch)",
            "TENDER_CONTENT(招标内容与范围及招标方案说明*)",
            "OWNER_NAME(项目业主名称,≤200)",
            "TENDERER_NAME(招标人名称*,≤2000)",
            "TENDERER_CODE_TYPE(招标人类别*,≤20,dom2001)",
            "TENDERER_CODE(招标人代码*,≤2000)",
            "ISUNION(是否联合招标*,len=1)",
            "TENDERER_ROLE(招标人角色*,len=2,dom26)",
            "TENDER_AGENCY_NAME(招标代理机构名称*,≤200)",
            "TENDER_AGENCY_CODE_TYPE(招标代理机构类别*,len=1,dom2001)",
            "TENDER_AGENCY_CODE(招标代理机构代码*,≤18)",
            "TENDER_AGENCY_ROLE(招标代理机构角色*,len=2,dom26)",
            "TENDER_MODE(招标方式*,len=1,dom1000)",
            "TENDER_ORGANIZE_FORM(招标组织形式*,len=1,dom21)",
            "CREATE_TIME(招标项目建立时间*,DateMatch)",
            "SUPERVISE_DEPT_NAME(监督部门名称*,≤200)",
            "SUPERVISE_DEPT_CODE(监督部门代码,≤18)",
            "APPROVE_DEPT_NAME(审核部门名称*,≤200)",
            "APPROVE_DEPT_CODE(审核部门代码,≤18)",
            "REPORT_DUTY(申报责任人*,≤200)",
            "TENDERER_REGION_CODE(招标人企业注册所在地*,len=6,AreaCodeMatch)",
            "TENDERER_PROPERTY(招标人企业性质*,len=1,dom10005)",
            "TENDER_AGENCY_REGION_CODE(招标代理机构企业注册所在地*,len=6,AreaCodeMatch)",
            "TENDER_AGENCY_PROPERTY(招标代理机构企业性质*,len=1,dom10005)",
            "OPERATION_NAME(信息录入人员*,≤200)",
            "TRADE_SYSTEM_NO(交易系统编号*,len=12)",
            "TRADE_SYSTEM_FEE(交易系统平台使用费*,NumberMatch)",
        ),
    ),
    "502": (
        "V4", "SECTION", "标段(包)",
        (
            "TENDER_PROJECT_CODE(招标项目编号*,len=20,TenderProjectCodeMatch)",
            "BID_SECTION_CODE(标段（包）编号*,len=23,UniqueValue,CannotModify)",
            "BID_SECTION_NAME(标段（包）名称*,≤500)",
            "BID_ECTION_NUM(标段（包）招标次数*,NumberMatch)",
            "UNIFIED_DEAL_CODE(统一交易标识码*,len=40)",
            "BID_TENDER_MODE(标段（包）招标方式*,len=1,dom1000)",
            "REGION_CODE(标段（包）所在行政区域代码*,len=6,AreaCodeMatch)",
            "TRA_PLACE_CODE(交易发生行政区域代码*,len=6,AreaCodeMatch)",
            "BID_SECTION_CONTENT(标段（包）内容*)",
            "TENDER_PROJECT_CLASSIFY_CODE(标段（包）分类代码*,≤30,dom5001)",
            "CONTRACT_RECKON_PRICE(标段合同估算价*,NumberMatch)",
            "CURRENCY_CODE(标段合同估算价币种代码*,len=3)",
            "PRICE_UNIT(标段合同估算价单位*,len=1,EnumMatch)",
            "BID_QUALIFICATION(投标人资格条件*)",
            "BEGIN_DATE(计划开工日期,DateMatch)",
            "LIMITE_TIME(工期,NumberMatch)",
            "CREATE_TIME(标段(包)建立时间*,DateMatch)",
        ),
    ),
    "503": (
        "V4", "TENDER_ANN_QUA_INQUERY_ANN", "招标公告与资格预审公告",
        (
            "TENDER_PROJECT_CODE(招标项目编号*,len=20,TenderProjectCodeMatch)",
            "NOTICE_BID_NUM(公告标段（包）数量*,NumberMatch)",
            "BID_SECTION_CODES(相关标段（包）编号*,len=23)",
            "TRAD_CENTER_NAME(交易中心名称,≤2000)",
            "UNIFIED_DEAL_CODES(统一交易标识码*,len=40)",
            "TENDER_SELF_CODE(招标编号*,≤600)",
            "NOTICE_NAME(公告标题*,≤600)",
            "NOTICE_CONTENT(公告内容*)",
            "NOTICE_SEND_TIME(公告发布时间*,DateMatch)",
            "NOTICE_MEDIA(公告发布媒体*,≤1000)",
            "URL(公告源URL*,≤500)",
            "NOTICE_NATURE(公告性质*,len=1,dom20)",
            "BULLETIN_TYPE(公告类型*,len=1,dom32)",
            "DOC_GET_START_TIME(招标文件/资格预审文件获取时间*,DateMatch)",
            "DOC_GET_END_TIME(招标文件/资格预审文件获取截至时间*,DateMatch)",
            "TENDER_DOC_GET_METHOD(招标文件/资格预审文件获取方法*,≤500)",
            "BID_DOC_REFER_END_TIME(投标文件/资格预审申请文件递交截止时间*,DateMatch)",
            "IS_POSTPONE(是否延期开标,len=1,EnumMatch)",
            "BID_OPEN_TIME(开标时间/开启时间*,DateMatch)",
            "BID_OPEN_METHOD(开标方式/文件开启方式)",
            "QUAL_TYPE(评审办法)",
            "DOC_PRICE(文件售价,NumberMatch)",
            "DOC_PRICE_CURRENCY(文件售价币种,len=3)",
            "DOC_PRICE_UNIT(文件售价单位,len=1,EnumMatch)",
            "BID_DOC_REFER_METHOD(投标文件/资格预审申请文件递交方法*,≤500)",
            "SYNDICATED_FLAG(是否允许联合体投标*,len=1,EnumMatch)",
            "TENDERER_CODE(招标人代码*,≤18)",
            "TENDERER_NAME(招标人名称*,≤200)",
            "TENDERER_ADDRESS(招标人地址*,≤200)",
            "TENDERER_CONTACTOR(招标人联系人*,≤100)",
            "TENDERER_PHONE_NUMBER(招标人联系电话*,≤20)",
            "TENDERER_EMAIL(招标人电子邮箱*,≤100)",
            "TENDER_AGENCY_CODE(招标代理机构代码,≤18)",
            "TENDER_AGENCY_NAME(招标代理机构名称,≤200)",
            "TENDER_AGENCY_ADDRESS(招标代理机构地址,≤200)",
            "TENDER_AGENCY_CONTACTOR(招标代理机构联系人,≤100)",
            "TENDER_AGENCY_PHONE_NUMBER(招标代理机构联系电话,≤20)",
            "TENDER_AGENCY_EMAIL(招标代理机构电子邮箱,≤100)",
            "OTHER_CONTENT(其他内容)",
            "BULLETIN_DUTY(公告发布责任人*,≤50)",
            "BULLETIN_DUTY_CODE_TYPE(交易平台验证责任人*,≤50)",
        ),
    ),
    "504": (
        "V4", "TENDER_FILE_CLARI_MODI", "招标文件/招标文件澄清与修改",
        (
            "TENDER_PROJECT_CODE(招标项目编号*,len=20,TenderProjectCodeMatch)",
            "BID_SECTION_CODE(相关标段（包）编号*,≤2000)",
            "UNIFIED_DEAL_CODES(相关统一交易标识码*,≤2000)",
            "DOC_NO(文件编号,len=26)",
            "DOC_NAME(文件名称*,≤600)",
            "BID_QUALIFICATION(投标资格*)",
            "BID_DOC_REFER_END_TIME(投标文件递交截止时间*,DateMatch)",
            "VALID_PERIOD(投标有效期*,NumberMatch)",
            "BID_DOC_REFER_METHOD(投标文件递交方法*)",
            "MARGIN_PAY_TYPE(投标保证金缴纳方式*,≤10,dom29)",
            "PRICE_FORM_CODE(价款形式代码*,len=1,EnumMatch)",
            "MARGIN_AMOUNT(投标保证金金额,NumberMatch)",
            "MARGIN_CURRENCY(投标保证金币种代码,len=3)",
            "MARGIN_AMOUNT_UNIT(投标保证金单位,len=1,EnumMatch)",
            "MARGIN_PERCENT(投标保证金比率或其他,≤200)",
            "CONTROL_PRICE(控制价（最高限价）（如有）,NumberMatch)",
            "CONTROL_PRICE_CURRENCY(控制价币种代码（如有）,len=3)",
            "CONTROL_PRICE_UNIT(控制价单位（如有）,len=1,EnumMatch)",
            "EVALUATING_METHOD(评标办法*)",
            "BID_OPEN_TIME(开标时间*,DateMatch)",
            "BID_OPEN_PLACE(开标地点*,≤200)",
            "BID_OPEN_TYPE(开标方式*)",
            "QUAL_TYPE(资格审查方式*,len=1,dom30)",
            "CLARIFY_TIME(答疑澄清时间*,DateMatch)",
            "IS_POSTPONE(是否延期*,len=1,EnumMatch)",
            "POST_OPEN_TIME(延期后开标时间,DateMatch)",
            "POST_OPEN_ADDRESS(延期后开标地点,≤200)",
            "CLARIFY_CONTENT(对文件澄清与修改的主要内容*)",
            "SUBMIT_TIME(递交时间*,DateMatch)",
            "URL(文件源URL*,≤500)",
            "EVALUATION_TYPE(评标方式*,len=1,dom31)",
        ),
    ),
    "506": (
        "V4", "BID_OPENING_RECORD", "开标记录",
        (
            "TENDER_PROJECT_CODE(招标项目编号*,len=20,TenderProjectCodeMatch)",
            "BID_SECTION_CODES(相关标段（包）编号*,≤2000)",
            "UNIFIED_DEAL_CODES(相关统一交易标识码*,len=40)",
            "NOTICE_NAME(开标记录标题*,≤600)",
            "BID_OPENING_ACTOR(开标参与人*,≤500)",
            "BID_OPENING_CONTENT(开标记录内容*)",
            "BID_OPENING_ADDRESS(开标地点*,≤200)",
            "BID_OPENING_TIME(开标时间*,DateMatch)",
            "URL(开标记录源URL*,≤500)",
            "OPEN_COMPERE(开标主持人*,≤600)",
            "TENDER_AGENCY_PERSON(开标代理机构代表*,≤600)",
            "TENDERER_PERSON(开标招标人代表*,≤600)",
        ),
    ),
    "507": (
        "V4", "TENDER_LIST", "投标人名单",
        (
            "TENDER_PROJECT_CODE(招标项目编号*,len=20,TenderProjectCodeMatch)",
            "BID_SECTION_CODE(标段（包）编号*,len=23)",
            "UNIFIED_DEAL_CODE(统一交易标识码*,len=40)",
            "BIDDER_NAME(投标人名称*,≤300)",
            "IS_LOST(是否失信人*,len=1,EnumMatch)",
            "BIDDER_CODE_TYPE(投标人类别*,len=1,dom2001)",
            "BIDDER_ORG_CODE(投标人代码*,≤200)",
            "BIDDER_ROLE(投标人角色*,len=2,dom26)",
            "BID_MANAGER(投标单位项目负责人*,≤100)",
            "PM_CODE(项目负责人证件号码*,≤18)",
            "PM_CERTIFICATES(项目负责人相关证书和编号*)",
            "IS_COMMIT_MARGIN(是否提交保证金*,len=1,EnumMatch)",
            "MARGIN_PAY_FORM(保证金递交方式*,≤20,dom29)",
            "PRICE_FORM_CODE(价款形式代码*,len=1,EnumMatch)",
            "OTHER_BID_PRICE(费率或其它类型报价,≤2000)",
            "MARGIN_RECEIVE_TIME(保证金递交时间*,DateMatch)",
            "UNION_ENTERPRISE_NAME(联合体名称（如有）,≤1000)",
            "UNION_ORGAN_SET_CODE(联合体组织机构代码证（联合体招标时填写）,≤500)",
            "UNION_CONTACT_NAME(联合体联系人（如有）,≤3000)",
            "UNION_CONTACT_PHONE(联合体联系电话（如有）,≤2000)",
            "BIDDER_INFO_VERSION(投标人信息版本,DateMatch)",
            "BID_PRICE(投标报价金额,NumberMatch)",
            "PRICE_CURRENCY(投标报价币种,len=3)",
            "PRICE_UNIT(投标报价单位,len=1,EnumMatch)",
            "TIME_LIMIT(投标工期,NumberMatch)",
            "CHECKIN_TIME(投标文件递交时间*,DateMatch)",
            "BIDDER_REGION_CODE(投标人企业注册所在地*,len=6,AreaCodeMatch)",
            "BIDDER_PROPERTY(投标人企业性质*,len=1,dom10005)",
            "BIDDER_OPERATION_PERSON(投标操作人员*,≤100)",
            "BIDDER_OPERATION_PERSON_ID(投标操作人员身份证,≤100)",
            "BIDDER_OPERATION_PERSON_CON(投标操作人联系方式*,≤100)",
        ),
    ),
    "508": (
        "V4", "BID_EVALUATION_EXPERT", "评标专家",
        (
            "TENDER_PROJECT_CODE(招标项目编号*,len=20,TenderProjectCodeMatch)",
            "BID_SECTION_CODE(标段（包）编号*,len=23)",
            "UNIFIED_DEAL_CODE(统一交易标识码*,len=40)",
            "EXPERT_TYPE(专家类别*,len=1,dom2007)",
            "EXPERT_NAME(专家姓名*,≤50)",
            "ID_CARD(专家身份证件号*,≤50)",
            "ID_CARD_TYPE(专家身份证件类型*,len=2,dom7)",
            "EXPERT_CHECK_IN_TIME(专家签到时间,DateMatch)",
            "IS_CHAIR_MAN(是否为评标组长*,len=1,EnumMatch)",
        ),
    ),
    "509": (
        "V4", "EVALUATION_REPORT", "评标报告",
        (
            "TENDER_PROJECT_CODE(招标项目编号*,len=20,TenderProjectCodeMatch)",
            "BID_SECTION_CODE(标段（包）编号*,len=23)",
            "UNIFIED_DEAL_CODE(统一交易标识码*,len=40)",
            "NOTICE_NAME(评标报告标题*,≤600)",
            "EVALUATION_CONTENT(评标报告正文*)",
            "SUBMIT_TIME(评标报告提交时间*,DateMatch)",
            "END_TIME(评标结束时间*,DateMatch)",
            "EVALUATION_RESULT(评标结果*,len=1,dom14)",
            "URL(报告源URL*,≤500)",
        ),
    ),
    "510": (
        "V4", "TENDER_CANDIDATE", "中标候选人",
        (
            "TENDER_PROJECT_CODE(招标项目编号*,len=20,TenderProjectCodeMatch)",
            "BID_SECTION_CODE(标段（包）编号*,len=23)",
            "UNIFIED_DEAL_CODE(统一交易标识码*,len=40)",
            "WIN_CANDIDATE_NAME(中标候选人名称*,≤200)",
            "BIDDER_CODE_TYPE(中标候选人类别*,len=1,dom2001)",
            "WIN_CANDIDATE_CODE(中标候选人代码*,≤200)",
            "BIDDER_ROLE(中标候选人角色*,len=2,dom26)",
            "WIN_CANDIDATE_ORDER(中标候选人排名*,NumberMatch)",
            "IS_FLOAT_RATE(是否采用下浮率*,len=1,EnumMatch)",
            "EVALUATION_RESULT(评分结果*)",
            "PRICE_FORM_CODE(价款形式代码*,len=1,EnumMatch)",
            "BID_PRICE(投标价格,NumberMatch)",
            "OTHER_BID_PRICE(费率或其它类型报价)",
            "PRICE_CURRENCY(价格币种代码,len=3)",
            "PRICE_UINT(价格单位,len=1,EnumMatch)",
            "QUALITY(质量*)",
            "EVALUATION_STATUS(评标情况*)",
            "WIN_CANDIDATE_QUALIFICATION(中标候选人响应招标文件的资格能力条件*)",
            "BIDDER_REGION_CODE(中标候选人人企业注册所在地*,len=6,AreaCodeMatch)",
            "BIDDER_PROPERTY(中标候选人企业性质*,len=1,dom10005)",
        ),
    ),
    "511": (
        "V4", "TENDER_CANDIDATE_ANNOUNCE", "中标候选人公示",
        (
            "TENDER_PROJECT_CODE(招标项目编号*,len=20,TenderProjectCodeMatch)",
            "BID_SECTION_CODES(相关标段（包）编号*)",
            "UNIFIED_DEAL_CODE(相关统一交易标识码*)",
            "PUBLICITY_NAME(公示标题*,≤600)",
            "PUBLICITY_CONTENT(公示内容*)",
            "PUBLICITY_REFER_TIME(公示提交时间*,DateMatch)",
            "NOTICE_MEDIA(公示发布媒体*,≤1000)",
            "URL(公示源URL*,≤500)",
            "PUBLICITY_TYPE(公示类型*,len=1,dom13)",
            "PUBLICITY_START_TIME(公示开始时间*,DateMatch)",
            "PUBLICITY_END_TIME(公示结束时间*,DateMatch)",
            "OBJECTION_METHOD(提出异议的渠道和方式*)",
            "OTHER_CONTENT(其他内容)",
            "BULLETIN_DUTY(公示发布责任人*,≤50)",
            "EXAMINER_NAME(交易平台数据验证责任人姓名*,≤50)",
            "FIRST_BIDDER_NAME(第一中标候选人名称,≤200)",
            "FIRST_BIDDER_CODE(第一中标候选人统一社会信用代码)",
            "SECOND_BIDDER_NAME(第二中标候选人名称,≤200)",
            "SECOND_BIDDER_CODE(第二中标候选人统一社会信用代码)",
            "THIRD_BIDDER_NAME(第三中标候选人名称,≤200)",
            "THIRD_BIDDER_CODE(第三中标候选人统一社会信用代码)",
        ),
    ),
    "512": (
        "V4", "CONTRACT_PERFORMANCE", "合同",
        (
            "TENDER_PROJECT_CODE(招标项目编号*,len=20,TenderProjectCodeMatch)",
            "BID_SECTION_CODE(标段（包）编号*,len=23)",
            "UNIFIED_DEAL_CODE(统一交易标识码*,len=40)",
            "CONTRACT_NAME(合同名称*,≤600)",
            "TENDERER_NAME(招标人名称*,≤2000)",
            "TENDER_CODE(招标人代码*,≤2000)",
            "BIDDER_NAME(中标人名称*,≤2000)",
            "BIDDER_CODE(中标人代码*,≤2000)",
            "CONTRACT_PRICE(合同金额,NumberMatch)",
            "PRICE_CURRENCY(金额币种代码,len=3)",
            "PRICE_UNIT(金额单位*,len=1,EnumMatch)",
            "PRICE_FORM_CODE(价款形式代码*,len=1,EnumMatch)",
            "OTHER_CONTRACT_PRICE(其它形式合同报价,≤2000)",
            "CONTRACT_CONTENT(合同主要内容*)",
            "LIMITE_TIME(合同期限,NumberMatch)",
            "QUALITY_REQUIRE(质量要求)",
            "SUBMIT_TIME(递交时间,DateMatch)",
            "CONTRACT_SIGN_TIME(合同签署时间*,DateMatch)",
            "CONTRACT_CODE(合同编号*,≤600)",
        ),
    ),
    "513": (
        "V4", "WIN_RESULT_ANNO", "中标结果公告",
        (
            "TENDER_PROJECT_CODE(招标项目编号*,len=20,TenderProjectCodeMatch)",
            "BID_SECTION_CODE(标段（包）编号*,len=23)",
            "UNIFIED_DEAL_CODE(统一交易标识码*,len=40)",
            "REGION_CODE(标段（包）所在行政区域代码*,len=6,AreaCodeMatch)",
            "TRA_PLACE_CODE(交易发生行政区域代码*,len=6)",
            "TENDER_AGENCY_NAME(招标代理机构名称,≤200)",
            "TENDER_AGENCY_CODE(招标代理机构代码*)",
            "NOTICE_NAME(公告标题*,≤600)",
            "NOTICE_CONTENT(公告内容*)",
            "NOTICE_SEND_TIME(公告发布时间*,DateMatch)",
            "NOTICE_MEDIA(公告发布媒体*,≤1000)",
            "URL(公告源URL*,≤500)",
            "NOTICE_NATURE(公告性质*,len=1,dom20)",
            "BULLETIN_TYPE(公告类型*,len=1,dom32)",
            "WIN_BIDDER_NAME(中标投标人名称*,≤200)",
            "BIDDER_CODE_TYPE(中标投标人类别*,≤30,dom2001)",
            "WIN_BIDDER_CODE(中标投标人代码*,≤2000)",
            "BIDDER_ROLE(中标投标人角色*,len=2,dom26)",
            "UNION_CODE(联合体代码,≤18)",
            "UNION_NAME(联合体名称,≤1000)",
            "PRICE_FORM_CODE(价款形式代码*,len=1,EnumMatch)",
            "BID_AMOUNT(中标金额,NumberMatch)",
            "BID_CURRENCY(价格币种代码,len=3)",
            "PRICE_UNIT(价格单位,len=1,EnumMatch)",
            "OTHER_BID_PRICE(费率或其它类型结果)",
            "OTHER_CONTENT(其他内容)",
            "BULLETIN_DUTY(公示发布责任人*,≤50)",
            "EXAMINER_NAME(交易平台数据验证责任人姓名*,≤50)",
            "BIDDER_REGION_CODE(中标投标人企业注册所在地*,len=6,AreaCodeMatch)",
            "BIDDER_PROPERTY(中标投标人企业性质*,len=1,dom10005)",
            "PROJECT_LEAD(项目负责人*,≤200)",
            "PROJECT_LEAD_ID(项目负责人身份证号码*,≤50)",
        ),
    ),
    "519": (
        "V4", "BID_DOC_CHARACT_CODE", "投标文件特征码",
        (
            "TENDER_PROJECT_CODE(招标项目编号*,len=20,TenderProjectCodeMatch)",
            "BID_SECTION_CODE(标段（包）编号*,len=23)",
            "UNIFIED_DEAL_CODES(相关统一交易标识码*)",
            "BIDDER_NAME(投标人名称*,≤200)",
            "BIDDER_CODE_TYPE(投标人类别*,len=1,dom2001)",
            "BIDDER_ORG_CODE(投标人代码*,≤18)",
            "BIDDER_ROLE(投标人角色*,len=2,dom26)",
            "BID_DOCUMENT_NAME(投标文件名称*,≤200)",
            "BID_DOCUMENT_SIDE(投标文件大小*,≤200)",
            "BID_DOCUMENT_MD5(投标文件MD5码*,≤200)",
            "TENDER_DOC_SUBMITTIME(投标文件提交时间*,DateMatch)",
            "CPU_ID(CPU序列号*,≤2000)",
            "HARD_DISK_SERIAL_NUMBER(硬盘序列号*,≤2000)",
            "MEMORY_SERIAL_NUMBER(内存序列号*,≤2000)",
            "NET_ID(IP地址*,≤200)",
            "MAC_ADDRESS(网卡MAC地址*,≤200)",
            "TENDER_DOCUMENTS_URL(投标文件URL*,≤500)",
            "VALUATION_XML(计价软硬件信息xml)",
            "MAKE_TOOL_XML(投标文件制作工具软硬件信息xml)",
        ),
    ),
    "523": (
        "V4", "LETTER_OF_GUARANTEE", "投标电子保函",
        (
            "TENDER_PROJECT_CODE(招标项目编号*,len=20,TenderProjectCodeMatch)",
            "BID_SECTION_CODE(标段（包）编号*,len=23)",
            "UNIFIED_DEAL_CODE(统一交易标识码*,len=40)",
            "BIDDER_NAME(投标人名称*,≤200)",
            "BIDDER_ORG_CODE(投标人代码*,≤18)",
            "UNION_ENTERPRISE_NAME(联合体名称（如有）,≤1000)",
            "UNION_ORGAN_SET_CODE(联合体组织机构代码证（联合体招标时填写）,≤500)",
            "GUARANTEE_FORM(保函形式,NumberMatch)",
            "GUARANTEE_TYPE(保函类型*,NumberMatch)",
            "GUARANTEE_NO(保函编号*,≤200)",
            "GUARANTEE_STATUS(保函状态*,≤200)",
            "BENEFICIARY(受益人*,≤200)",
            "INSURER(承保人*,≤200)",
            "GUARANTEE_AMOUNT(担保金额*,NumberMatch)",
            "GUARANTEE_COST(担保费用*,NumberMatch)",
            "CREATE_TIME(保函创建时间*,DateMatch)",
            "BEGIN_TIME(担保开始时间*,DateMatch)",
            "END_TIME(担保结束时间*,DateMatch)",
            "PURCHASE_METHOD(支付方式*,≤200)",
            "PURCHASE_TIME(支付时间*,DateMatch)",
            "LETTER_TIME(出函时间*,DateMatch)",
            "PROPOSER(申请人员*,≤200)",
            "PROPOSER_PHONE(申请人员联系方式*,≤200)",
            "PROPOSER_CARD_TYPE(证件类型*)",
            "PROPOSER_CODE(证件号码*,≤18)",
            "PURCHASE_ACCOUN(支付账号*,≤600)",
            "RATE(费率*,NumberMatch)",
            "GUARANTEE_URL(电子保单文件下载地址*,≤2000)",
            "GUARANTEE_MD5(电子保单文件md5码*,≤32)",
        ),
    ),
}

#: English titles of the data sets (etender's translation; the national lists have none).
_TITLES_EN: Final = {
    "212": "Evaluation experts (basic data)",
    "404": "Complaints",
    "500": "Project",
    "501": "Tender project",
    "502": "Bid section (lot)",
    "503": "Tender and pre-qualification announcement",
    "504": "Tender documents, clarifications and amendments",
    "506": "Bid opening record",
    "507": "Bidder list (opening details)",
    "508": "Evaluation experts",
    "509": "Evaluation report",
    "510": "Winning candidates",
    "511": "Winning-candidate publicity",
    "512": "Contract",
    "513": "Award result announcement",
    "519": "Bid-file fingerprints",
    "523": "Electronic bid guarantee",
}

#: Record key of each data set: the fields that identify a record for upsert and
#: delete.  Chosen by etender (the national lists name only the UniqueValue keys of
#: 500-502); every key field is a required field.
_KEYS: Final = {
    "212": ("ID_CARD", "MAJOR_CODE"),
    "404": ("TENDER_PROJECT_CODE", "COMPLAINT_DATE"),
    "500": ("PROJECT_CODE",),
    "501": ("TENDER_PROJECT_CODE",),
    "502": ("BID_SECTION_CODE",),
    "503": ("TENDER_PROJECT_CODE", "NOTICE_SEND_TIME"),
    "504": ("TENDER_PROJECT_CODE", "SUBMIT_TIME"),
    "506": ("TENDER_PROJECT_CODE", "BID_OPENING_TIME"),
    "507": ("BID_SECTION_CODE", "BIDDER_ORG_CODE"),
    "508": ("BID_SECTION_CODE", "ID_CARD"),
    "509": ("BID_SECTION_CODE",),
    "510": ("BID_SECTION_CODE", "WIN_CANDIDATE_CODE"),
    "511": ("TENDER_PROJECT_CODE", "PUBLICITY_START_TIME"),
    "512": ("BID_SECTION_CODE", "CONTRACT_CODE"),
    "513": ("BID_SECTION_CODE", "NOTICE_SEND_TIME"),
    "519": ("BID_SECTION_CODE", "BIDDER_ORG_CODE"),
    "523": ("BID_SECTION_CODE", "GUARANTEE_NO"),
}

# ---------------------------------------------------------------------------
# Code tables


@dataclass(frozen=True)
class CodeTable:
    """A code table referenced by a field.

    ``check`` says what is enforced: ``values`` (the bundled ``values``),
    ``structure`` (``pattern`` is the exact format of a value), ``region``
    (kernel.codes.validate_region_code) or ``charset`` (the table is not
    bundled: length and ``pattern`` — letters and digits — only).
    """

    name: str
    zh: str
    en: str
    values: Mapping[str, tuple[str, str]] | None
    pattern: str
    check: Literal["values", "structure", "region", "charset"]
    source: str


_ALNUM: Final = r"[0-9A-Za-z]+"


def _undefined(name: str, zh: str, en: str) -> CodeTable:
    return CodeTable(
        name,
        zh,
        en,
        None,
        _ALNUM,
        "charset",
        "National table not available to us: length and charset (ASCII letters and digits) checked only.",
    )


CODE_TABLES: Final[Mapping[str, CodeTable]] = MappingProxyType(
    {
        # EnumMatch tables, values as in the EnumMatch validator of S8.
        "TRUE_OR_FALSE": CodeTable(
            "TRUE_OR_FALSE",
            "是否",
            "Yes/no flag",
            MappingProxyType({"0": ("否", "No"), "1": ("是", "Yes")}),
            _ALNUM,
            "values",
            "EnumMatch TRUE_OR_FALSE of S8 (de-facto).",
        ),
        "PRICE_UNIT": CodeTable(
            "PRICE_UNIT",
            "价格单位",
            "Price unit",
            codes.PRICE_UNITS,
            _ALNUM,
            "values",
            "EnumMatch PRICE_UNIT of S8 (de-facto); identical to kernel.codes.PRICE_UNITS.",
        ),
        "PRICE_FORM_CODE": CodeTable(
            "PRICE_FORM_CODE",
            "价款形式",
            "Form of the price",
            MappingProxyType(
                {
                    "1": ("金额", "Amount"),
                    "2": ("费率/比率/优惠率/合格率等", "Rate, ratio, discount or pass rate"),
                    "3": ("单价", "Unit price"),
                    "9": ("其他形式", "Other form"),
                }
            ),
            _ALNUM,
            "values",
            "EnumMatch PRICE_FORM_CODE of S8 (de-facto).",
        ),
        "RELATE_CODE": CodeTable(
            "RELATE_CODE",
            "项目类别关联代码",
            "Project category link",
            MappingProxyType({"0": ("非固定资产类项目", "Not a fixed-asset project"), "1": ("固定资产类项目", "Fixed-asset project")}),
            _ALNUM,
            "values",
            "EnumMatch RELATE_CODE of S8 (de-facto); 1 requires INVEST_PROJECT_CODE (china-rules.md (C)).",
        ),
        # dom tables etender can define.
        "dom1000": CodeTable(
            "dom1000",
            "招标方式",
            "Tender mode",
            codes.TENDER_MODES,
            _ALNUM,
            "values",
            "kernel.codes.TENDER_MODES. The two modes are the only ones the law allows (招标投标法 10); "
            "the values 1/2 are etender's, the national numbering is unverified.",
        ),
        "dom21": CodeTable(
            "dom21",
            "招标组织形式",
            "Organisation of the tendering",
            codes.ORGANIZE_FORMS,
            _ALNUM,
            "values",
            "kernel.codes.ORGANIZE_FORMS. Self-organised or commissioned are the two forms of 招标投标法 12; "
            "the values 1/2 are etender's, the national numbering is unverified.",
        ),
        "dom5001": CodeTable(
            "dom5001",
            "标段（包）分类",
            "Lot classification",
            None,
            r"[A-E](?:[0-9]{2}){0,3}",
            "structure",
            "Structure only: level-1 letter A 工程 / B 货物 / C 服务 / D 产权 / E 土地, then up to three "
            "2-digit levels (china-rules.md (C)). The level-2+ table (发改法规〔2010〕1538号) is not bundled.",
        ),
        # Standards referenced by fields without a dom number.
        "GB/T 2260": CodeTable(
            "GB/T 2260",
            "行政区划代码",
            "Administrative division code",
            None,
            r"[0-9]{6}",
            "region",
            "AreaCodeMatch: kernel.codes.validate_region_code (bundled table is partial; structurally valid codes pass).",
        ),
        "GB/T 12406": CodeTable(
            "GB/T 12406",
            "币种代码",
            "Currency code",
            None,
            r"[0-9A-Z]{3}",
            "structure",
            "Format only: 3 upper-case letters or digits (alphabetic or numeric ISO 4217 / GB/T 12406 code); "
            "the table is not bundled.",
        ),
        # dom tables we cannot define honestly: length and charset only.
        "dom51": _undefined("dom51", "性别", "Sex"),
        "dom1007": _undefined("dom1007", "限制的行为", "Restricted conduct"),
        "dom7": _undefined("dom7", "身份证件类型", "Identity document type"),
        "dom10": _undefined("dom10", "招标项目类型", "Tender project type"),
        "dom13": _undefined("dom13", "公示类型", "Publicity type"),
        "dom14": _undefined("dom14", "评标结果", "Evaluation result"),
        "dom20": _undefined("dom20", "公告性质", "Nature of the announcement"),
        "dom26": _undefined("dom26", "主体角色", "Role of the party"),
        "dom29": _undefined("dom29", "保证金缴纳方式", "Form of the bid security"),
        "dom30": _undefined("dom30", "资格审查方式", "Qualification review method"),
        "dom31": _undefined("dom31", "评标方式", "Evaluation mode"),
        "dom32": _undefined("dom32", "公告类型", "Announcement type"),
        "dom2001": _undefined("dom2001", "主体类别", "Type of the party"),
        "dom2007": _undefined("dom2007", "专家类别", "Expert type"),
        "dom10005": _undefined("dom10005", "企业性质", "Nature of the enterprise"),
    }
)

#: EnumMatch field → its table (S8 assigns these; every EnumMatch field of the 15 sets is listed).
_ENUM_OF: Final = {
    "RELATE_CODE": "RELATE_CODE",
    "IS_TO_LAW": "TRUE_OR_FALSE",
    "IS_POSTPONE": "TRUE_OR_FALSE",
    "SYNDICATED_FLAG": "TRUE_OR_FALSE",
    "IS_LOST": "TRUE_OR_FALSE",
    "IS_COMMIT_MARGIN": "TRUE_OR_FALSE",
    "IS_CHAIR_MAN": "TRUE_OR_FALSE",
    "ONWORK": "TRUE_OR_FALSE",
    "DMISSON": "TRUE_OR_FALSE",
    "IS_MAIN": "TRUE_OR_FALSE",
    "ENTER_CREDIT_PLAT": "TRUE_OR_FALSE",
    "IS_FLOAT_RATE": "TRUE_OR_FALSE",
    "PRICE_FORM_CODE": "PRICE_FORM_CODE",
    "PRICE_UNIT": "PRICE_UNIT",
    "PRICE_UINT": "PRICE_UNIT",
    "DOC_PRICE_UNIT": "PRICE_UNIT",
    "MARGIN_AMOUNT_UNIT": "PRICE_UNIT",
    "CONTROL_PRICE_UNIT": "PRICE_UNIT",
}

#: Currency fields (len=3, no national validator) → GB/T 12406 format check.
_CURRENCY: Final = frozenset(
    {"CURRENCY_CODE", "DOC_PRICE_CURRENCY", "MARGIN_CURRENCY", "CONTROL_PRICE_CURRENCY", "PRICE_CURRENCY", "BID_CURRENCY"}
)

#: NumberMatch precision (integer digits, decimal digits).  Money and rates use
#: S8's 14.6; the integer fields follow S8 where it states them (502 BID_ECTION_NUM
#: 1, 502 LIMITE_TIME 5, 507 TIME_LIMIT 4, 512 LIMITE_TIME 4), otherwise 5 digits.
_MONEY: Final = (14, 6)
_NUMBER_DIGITS: Final = {
    ("502", "BID_ECTION_NUM"): (1, 0),
    ("502", "LIMITE_TIME"): (5, 0),
    ("507", "TIME_LIMIT"): (4, 0),
    ("512", "LIMITE_TIME"): (4, 0),
    ("503", "NOTICE_BID_NUM"): (5, 0),
    ("504", "VALID_PERIOD"): (5, 0),
    ("510", "WIN_CANDIDATE_ORDER"): (5, 0),
    ("523", "GUARANTEE_FORM"): (5, 0),
    ("523", "GUARANTEE_TYPE"): (5, 0),
    ("212", "WORK_YEAR"): (2, 0),
}

#: DateMatch fields with the date-only format yyyyMMdd (S8); all others are yyyyMMddHHmmss.
_DATE_ONLY: Final = frozenset({("502", "BEGIN_DATE"), ("212", "BIRTHDAY"), ("212", "ENTER_DATE")})
DATE_FORMATS: Final = {"date-time": "yyyyMMddHHmmss", "date": "yyyyMMdd"}

#: Fields holding several values separated by ";" (S8 splits these; an exact
#: length then applies to each value).
_MULTI: Final = frozenset(
    {
        ("501", "TENDERER_CODE_TYPE"),
        ("503", "BID_SECTION_CODES"),
        ("503", "UNIFIED_DEAL_CODES"),
        ("504", "BID_SECTION_CODE"),
        ("504", "UNIFIED_DEAL_CODES"),
        ("504", "MARGIN_PAY_TYPE"),
        ("506", "BID_SECTION_CODES"),
        ("506", "UNIFIED_DEAL_CODES"),
        ("507", "MARGIN_PAY_FORM"),
        ("511", "BID_SECTION_CODES"),
        ("511", "UNIFIED_DEAL_CODE"),
        ("513", "BIDDER_CODE_TYPE"),
        ("519", "UNIFIED_DEAL_CODES"),
    }
)

#: Identifier fields checked with kernel.codes (strict profile).
_IDENT: Final = {
    "PROJECT_CODE": "project",
    "TENDER_PROJECT_CODE": "tender_project",
    "BID_SECTION_CODE": "section",
    "BID_SECTION_CODES": "section",
    "UNIFIED_DEAL_CODE": "deal",
    "UNIFIED_DEAL_CODES": "deal",
}
IDENT_NAMES: Final = {
    "project": ("项目编号", "project code"),
    "tender_project": ("招标项目编号", "tender project code"),
    "section": ("标段（包）编号", "bid section code"),
    "deal": ("统一交易标识码", "unified deal code"),
}

# ---------------------------------------------------------------------------
# Disclosure


@dataclass(frozen=True)
class Basis:
    """Why a field has its disclosure class."""

    id: str
    disclosure: Disclosure
    zh: str
    en: str


BASES: Final[Mapping[str, Basis]] = MappingProxyType(
    {
        b.id: b
        for b in (
            Basis(
                "law41",
                "public",
                "电子招标投标办法第41条要求公开的事项（招标人、招标代理、项目名称/范围/规模/资金来源、投标人名称/资质/项目负责人、中标人/中标金额/签约时间/合同期限）",
                "An item 电子招标投标办法 art 41 requires to be published (tenderer, agent, project name/scope/scale/funds, "
                "bidder names/qualifications/project leads, winner/award amount/signing time/contract term)",
            ),
            Basis(
                "notice",
                "public",
                "依法必须发布的公告、公示的内容（招标公告、中标候选人公示、中标结果公告），或任何人可免费下载的招标文件内容（电子招标投标办法20）",
                "Content of a mandatory announcement or publicity (tender announcement, candidate publicity, result "
                "announcement) or of tender documents anyone may download free of charge (电子招标投标办法 20)",
            ),
            Basis(
                "opening",
                "public",
                "开标时公开宣读、开标记录公布的内容（招标投标法36；电子招标投标办法29–32）",
                "Read out at the public bid opening and published in the opening record (招标投标法 36; 电子招标投标办法 29–32)",
            ),
            Basis(
                "authority",
                "public",
                "行政机关以职务身份出现的名称、代码（投诉渠道，条例60）",
                "A government department acting in its official role (the complaint channel, 条例 60)",
            ),
            Basis(
                "decision",
                "public",
                "行政监督部门依法公布的投诉处理决定（电子招标投标办法47、51；政府信息公开条例）",
                "A complaint decision the supervising department publishes by law (电子招标投标办法 47, 51; open government information)",
            ),
            Basis(
                "link",
                "public",
                "关联、分类公开记录所需的编号、代码、类别、时间（不含个人信息）",
                "An identifier, code, classification or time that links or classifies public records (no personal data)",
            ),
            Basis(
                "person",
                "restricted",
                "无法定公开义务的自然人姓名（个人信息保护法6、13：仅为履行法定职责向监督部门提供）",
                "Name of a natural person with no duty to publish it (PIPL 6, 13: exchanged with supervision only, as a legal duty)",
            ),
            Basis(
                "internal",
                "restricted",
                "不在第41条公开清单内的过程或商业数据，仅供行政监督",
                "Process or commercial data outside the art-41 list, for supervision only",
            ),
            Basis(
                "expert",
                "restricted",
                "评标专家信息：中标结果确定前保密（招标投标法37、E133），之后仅供监督",
                "Evaluation-expert data: confidential until the award (招标投标法 37, E133), then for supervision only",
            ),
            Basis(
                "idno",
                "secret",
                "自然人身份证件号码（个人信息保护法28、51：敏感个人信息）",
                "Identity document number of a natural person (PIPL 28, 51: sensitive personal information)",
            ),
            Basis(
                "contact",
                "secret",
                "无法定公开义务的自然人电话或联系方式",
                "Telephone or other contact of a natural person with no duty to publish it",
            ),
            Basis(
                "account",
                "secret",
                "支付账号（个人信息保护法28金融账户；条例40(6)串标证据）",
                "Payment account (PIPL 28 financial account; evidence under 条例 40(6))",
            ),
            Basis(
                "device",
                "secret",
                "设备与网络指纹（CPU、硬盘、内存序列号、MAC、IP、软硬件信息），仅供串标分析按需知悉（条例40）",
                "Device and network fingerprints (CPU, disk, memory serials, MAC, IP, hardware data), need-to-know for "
                "collusion analysis only (条例 40)",
            ),
            Basis(
                "url",
                "secret",
                "投标文件下载地址：可直接取得含商业秘密的投标文件",
                "Download address of the bid document: it gives access to a document holding trade secrets",
            ),
        )
    }
)


@dataclass(frozen=True)
class EmbargoEvent:
    id: str
    zh: str
    en: str
    basis: str


#: Until its event has happened, every field of a data set with an embargo is secret.
EMBARGO_EVENTS: Final[Mapping[str, EmbargoEvent]] = MappingProxyType(
    {
        e.id: e
        for e in (
            EmbargoEvent(
                "bid_opening",
                "开标（即投标截止时间）",
                "bid opening (= the bid deadline)",
                "招标投标法 22, 28, 36; 电子招标投标办法 21, 27, 29; E117, E122",
            ),
            EmbargoEvent("candidate_publicity", "中标候选人公示开始", "start of the winning-candidate publicity", "条例 54"),
            EmbargoEvent("award", "中标结果确定", "award decided", "招标投标法 37; E133"),
        )
    }
)

_EMBARGO: Final = {
    "507": "bid_opening",
    "519": "bid_opening",
    "523": "bid_opening",
    "508": "award",
    "509": "candidate_publicity",
    "510": "candidate_publicity",
}

#: Disclosure basis of every field, per data set ({basis: "FIELD FIELD …"}).
_DISCLOSURE: Final[dict[str, dict[str, str]]] = {
    "212": {
        "link": "ID_CARD_TYPE",
        "expert": "EXPERT_NAME SEX BIRTHDAY DUTY EDUCATION PROFESSIONAL ONWORK COMPANY INDUSTRY AREA WORK_YEAR DMISSON "
        "ENTER_DATE BASE_TYPE MAJOR_CODE IS_MAIN",
        "idno": "ID_CARD",
        "contact": "POST_ADDRESS POSTCODE PHONE_NUMBER OTHER_NUMBER",
    },
    "404": {
        "link": "TENDER_PROJECT_CODE BID_SECTION_CODE UNIFIED_DEAL_CODE COMPLAINTED_BODY_TYPE COMPLAINTED_BODY_CODE "
        "CONFINED_ACTION ENTER_CREDIT_PLAT",
        "decision": "TENDER_PROJECT_NAME BID_SECTION_NAME COMPLAINTED_BODY_NAME DISSENT_REASON COMPLAINT_CONTENT COMPLAINT_DATE "
        "ACCEPT_DATE HANDLE_RESULT HANDLE_BASIS HANDLE_DATE START_DATE END_DATE DEALING_UNIT",
        "person": "COMPLAINT_NAME",
        "contact": "COMPLAINT_PHONE COMPLAINT_MAIL",
        "internal": "SIGNATURE",
    },
    "500": {
        "link": "PROJECT_CODE REGION_CODE RELATE_CODE INVEST_PROJECT_CODE CLASS_VER_CODE INDUSTRIES_TYPE CREATE_TIME",
        "law41": "PROJECT_NAME FUND_SOURCE PROJECT_SCALE",
        "notice": "ADDRESS LEGAL_PERSON CONTRIBUTION_SCALE APPROVAL_NAME APPROVAL_NUMBER APPROVAL_AUTHORITY",
        "person": "CONTACTOR OPERATION_NAME",
        "contact": "CONTACT_INFORMATION",
    },
    "501": {
        "link": "PROJECT_CODE TENDER_PROJECT_CODE TENDER_SELF_CODE UNIFIED_DEAL_CODE IS_TO_LAW TENDER_PROJECT_TYPE "
        "REGION_CODE TENDERER_CODE_TYPE TENDERER_CODE ISUNION TENDERER_ROLE TENDER_AGENCY_CODE_TYPE TENDER_AGENCY_CODE "
        "TENDER_AGENCY_ROLE TENDER_MODE TENDER_ORGANIZE_FORM CREATE_TIME TENDERER_REGION_CODE TENDERER_PROPERTY "
        "TENDER_AGENCY_REGION_CODE TENDER_AGENCY_PROPERTY TRADE_SYSTEM_NO",
        "law41": "TENDER_PROJECT_NAME TENDER_CONTENT TENDERER_NAME TENDER_AGENCY_NAME",
        "notice": "OWNER_NAME",
        "authority": "SUPERVISE_DEPT_NAME SUPERVISE_DEPT_CODE APPROVE_DEPT_NAME APPROVE_DEPT_CODE",
        "person": "REPORT_DUTY OPERATION_NAME",
        "internal": "TRADE_SYSTEM_FEE",
    },
    "502": {
        "link": "TENDER_PROJECT_CODE BID_SECTION_CODE BID_ECTION_NUM UNIFIED_DEAL_CODE BID_TENDER_MODE REGION_CODE "
        "TRA_PLACE_CODE TENDER_PROJECT_CLASSIFY_CODE CURRENCY_CODE PRICE_UNIT CREATE_TIME",
        "law41": "BID_SECTION_NAME BID_SECTION_CONTENT CONTRACT_RECKON_PRICE",
        "notice": "BID_QUALIFICATION BEGIN_DATE LIMITE_TIME",
    },
    "503": {
        "link": "TENDER_PROJECT_CODE BID_SECTION_CODES UNIFIED_DEAL_CODES TENDER_SELF_CODE NOTICE_NATURE BULLETIN_TYPE "
        "TENDERER_CODE TENDER_AGENCY_CODE",
        "notice": "NOTICE_BID_NUM TRAD_CENTER_NAME NOTICE_NAME NOTICE_CONTENT NOTICE_SEND_TIME NOTICE_MEDIA URL "
        "DOC_GET_START_TIME DOC_GET_END_TIME TENDER_DOC_GET_METHOD BID_DOC_REFER_END_TIME IS_POSTPONE BID_OPEN_TIME "
        "BID_OPEN_METHOD QUAL_TYPE DOC_PRICE DOC_PRICE_CURRENCY DOC_PRICE_UNIT BID_DOC_REFER_METHOD SYNDICATED_FLAG "
        "OTHER_CONTENT",
        "law41": "TENDERER_NAME TENDERER_ADDRESS TENDERER_CONTACTOR TENDERER_PHONE_NUMBER TENDERER_EMAIL "
        "TENDER_AGENCY_NAME TENDER_AGENCY_ADDRESS TENDER_AGENCY_CONTACTOR TENDER_AGENCY_PHONE_NUMBER TENDER_AGENCY_EMAIL",
        "person": "BULLETIN_DUTY BULLETIN_DUTY_CODE_TYPE",
    },
    "504": {
        "link": "TENDER_PROJECT_CODE BID_SECTION_CODE UNIFIED_DEAL_CODES DOC_NO",
        "notice": "DOC_NAME BID_QUALIFICATION BID_DOC_REFER_END_TIME VALID_PERIOD BID_DOC_REFER_METHOD MARGIN_PAY_TYPE "
        "PRICE_FORM_CODE MARGIN_AMOUNT MARGIN_CURRENCY MARGIN_AMOUNT_UNIT MARGIN_PERCENT CONTROL_PRICE "
        "CONTROL_PRICE_CURRENCY CONTROL_PRICE_UNIT EVALUATING_METHOD BID_OPEN_TIME BID_OPEN_PLACE BID_OPEN_TYPE "
        "QUAL_TYPE CLARIFY_TIME IS_POSTPONE POST_OPEN_TIME POST_OPEN_ADDRESS CLARIFY_CONTENT SUBMIT_TIME URL "
        "EVALUATION_TYPE",
    },
    "506": {
        "link": "TENDER_PROJECT_CODE BID_SECTION_CODES UNIFIED_DEAL_CODES",
        "opening": "NOTICE_NAME BID_OPENING_CONTENT BID_OPENING_ADDRESS BID_OPENING_TIME URL",
        "person": "BID_OPENING_ACTOR OPEN_COMPERE TENDER_AGENCY_PERSON TENDERER_PERSON",
    },
    "507": {
        "link": "TENDER_PROJECT_CODE BID_SECTION_CODE UNIFIED_DEAL_CODE BIDDER_CODE_TYPE BIDDER_ORG_CODE BIDDER_ROLE "
        "UNION_ORGAN_SET_CODE PRICE_CURRENCY PRICE_UNIT BIDDER_REGION_CODE BIDDER_PROPERTY",
        "law41": "BIDDER_NAME BID_MANAGER PM_CERTIFICATES UNION_ENTERPRISE_NAME",
        "opening": "PRICE_FORM_CODE OTHER_BID_PRICE BID_PRICE TIME_LIMIT",
        "internal": "IS_LOST IS_COMMIT_MARGIN MARGIN_PAY_FORM MARGIN_RECEIVE_TIME BIDDER_INFO_VERSION CHECKIN_TIME",
        "person": "UNION_CONTACT_NAME BIDDER_OPERATION_PERSON",
        "idno": "PM_CODE BIDDER_OPERATION_PERSON_ID",
        "contact": "UNION_CONTACT_PHONE BIDDER_OPERATION_PERSON_CON",
    },
    "508": {
        "link": "TENDER_PROJECT_CODE BID_SECTION_CODE UNIFIED_DEAL_CODE",
        "expert": "EXPERT_TYPE EXPERT_NAME ID_CARD_TYPE EXPERT_CHECK_IN_TIME IS_CHAIR_MAN",
        "idno": "ID_CARD",
    },
    "509": {
        "link": "TENDER_PROJECT_CODE BID_SECTION_CODE UNIFIED_DEAL_CODE",
        "notice": "EVALUATION_RESULT",
        "internal": "NOTICE_NAME EVALUATION_CONTENT SUBMIT_TIME END_TIME URL",
    },
    "510": {
        "link": "TENDER_PROJECT_CODE BID_SECTION_CODE UNIFIED_DEAL_CODE BIDDER_CODE_TYPE WIN_CANDIDATE_CODE BIDDER_ROLE "
        "PRICE_CURRENCY PRICE_UINT BIDDER_REGION_CODE BIDDER_PROPERTY",
        "notice": "WIN_CANDIDATE_NAME WIN_CANDIDATE_ORDER IS_FLOAT_RATE EVALUATION_RESULT PRICE_FORM_CODE BID_PRICE "
        "OTHER_BID_PRICE QUALITY EVALUATION_STATUS WIN_CANDIDATE_QUALIFICATION",
    },
    "511": {
        "link": "TENDER_PROJECT_CODE BID_SECTION_CODES UNIFIED_DEAL_CODE PUBLICITY_REFER_TIME PUBLICITY_TYPE "
        "FIRST_BIDDER_CODE SECOND_BIDDER_CODE THIRD_BIDDER_CODE",
        "notice": "PUBLICITY_NAME PUBLICITY_CONTENT NOTICE_MEDIA URL PUBLICITY_START_TIME PUBLICITY_END_TIME "
        "OBJECTION_METHOD OTHER_CONTENT FIRST_BIDDER_NAME SECOND_BIDDER_NAME THIRD_BIDDER_NAME",
        "person": "BULLETIN_DUTY EXAMINER_NAME",
    },
    "512": {
        "link": "TENDER_PROJECT_CODE BID_SECTION_CODE UNIFIED_DEAL_CODE CONTRACT_NAME TENDER_CODE BIDDER_CODE "
        "PRICE_CURRENCY PRICE_UNIT PRICE_FORM_CODE",
        "law41": "TENDERER_NAME BIDDER_NAME CONTRACT_PRICE OTHER_CONTRACT_PRICE LIMITE_TIME CONTRACT_SIGN_TIME",
        "internal": "CONTRACT_CONTENT QUALITY_REQUIRE SUBMIT_TIME CONTRACT_CODE",
    },
    "513": {
        "link": "TENDER_PROJECT_CODE BID_SECTION_CODE UNIFIED_DEAL_CODE REGION_CODE TRA_PLACE_CODE TENDER_AGENCY_CODE "
        "NOTICE_NATURE BULLETIN_TYPE BIDDER_CODE_TYPE WIN_BIDDER_CODE BIDDER_ROLE UNION_CODE PRICE_FORM_CODE "
        "BID_CURRENCY PRICE_UNIT BIDDER_REGION_CODE BIDDER_PROPERTY",
        "law41": "TENDER_AGENCY_NAME WIN_BIDDER_NAME UNION_NAME BID_AMOUNT OTHER_BID_PRICE PROJECT_LEAD",
        "notice": "NOTICE_NAME NOTICE_CONTENT NOTICE_SEND_TIME NOTICE_MEDIA URL OTHER_CONTENT",
        "person": "BULLETIN_DUTY EXAMINER_NAME",
        "idno": "PROJECT_LEAD_ID",
    },
    "519": {
        "link": "TENDER_PROJECT_CODE BID_SECTION_CODE UNIFIED_DEAL_CODES BIDDER_CODE_TYPE BIDDER_ORG_CODE BIDDER_ROLE",
        "law41": "BIDDER_NAME",
        "internal": "BID_DOCUMENT_NAME BID_DOCUMENT_SIDE BID_DOCUMENT_MD5 TENDER_DOC_SUBMITTIME",
        "device": "CPU_ID HARD_DISK_SERIAL_NUMBER MEMORY_SERIAL_NUMBER NET_ID MAC_ADDRESS VALUATION_XML MAKE_TOOL_XML",
        "url": "TENDER_DOCUMENTS_URL",
    },
    "523": {
        "link": "TENDER_PROJECT_CODE BID_SECTION_CODE UNIFIED_DEAL_CODE BIDDER_ORG_CODE UNION_ORGAN_SET_CODE",
        "law41": "BIDDER_NAME UNION_ENTERPRISE_NAME",
        "internal": "GUARANTEE_FORM GUARANTEE_TYPE GUARANTEE_NO GUARANTEE_STATUS BENEFICIARY INSURER GUARANTEE_AMOUNT "
        "GUARANTEE_COST CREATE_TIME BEGIN_TIME END_TIME PURCHASE_METHOD PURCHASE_TIME LETTER_TIME PROPOSER_CARD_TYPE "
        "RATE GUARANTEE_URL GUARANTEE_MD5",
        "person": "PROPOSER",
        "contact": "PROPOSER_PHONE",
        "idno": "PROPOSER_CODE",
        "account": "PURCHASE_ACCOUN",
    },
}

# ---------------------------------------------------------------------------
# Model


@dataclass(frozen=True)
class Field:
    """One national field with the rules etender enforces for it.

    ``length`` with ``exact`` is the length rule enforced (in Unicode
    characters; for a ``multi`` field with an exact length it applies to each
    ``;``-separated value); ``national_length`` is the rule as written in the
    national list (they differ only for the 统一交易标识码, see ``length_note``).
    ``table`` names a :data:`CODE_TABLES` entry, ``ident`` an identifier format
    of :data:`IDENT_NAMES`, ``digits`` the (integer, decimal) digits of a number.
    """

    name: str
    zh: str
    required: bool
    national_length: str | None
    length: int | None
    exact: bool
    type: FieldType
    table: str | None
    ident: str | None
    multi: bool
    digits: tuple[int, int] | None
    validators: tuple[str, ...]
    disclosure: Disclosure
    basis: str
    length_note: str | None = None

    @property
    def unique(self) -> bool:
        return "UniqueValue" in self.validators

    @property
    def immutable(self) -> bool:
        return "CannotModify" in self.validators

    @property
    def area_code(self) -> bool:
        return "AreaCodeMatch" in self.validators

    @property
    def needs_tender_project(self) -> bool:
        return "TenderProjectCodeMatch" in self.validators

    @property
    def date_format(self) -> str | None:
        return DATE_FORMATS.get(self.type)


@dataclass(frozen=True)
class Dataset:
    no: str
    version: str
    table: str
    zh: str
    en: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    embargo: str | None

    def field(self, name: object) -> Field | None:
        """The field called ``name``, or ``None``."""
        return self._by_name.get(name) if isinstance(name, str) else None

    @functools.cached_property
    def _by_name(self) -> Mapping[str, Field]:
        return MappingProxyType({f.name: f for f in self.fields})

    @property
    def title(self) -> str:
        return f"{self.no} {self.zh} / {self.en}"

    @property
    def key_disclosure(self) -> Disclosure:
        """The most confidential class among the key fields (an envelope's key is at least this confidential)."""
        classes = [self.field(k).disclosure for k in self.key]  # type: ignore[union-attr]
        return max(classes, key=DISCLOSURES.index)


@dataclass(frozen=True)
class ReservedDataset:
    no: str
    group: Literal["credit", "supervision"]
    table: str | None
    zh: str
    en: str


_UNNAMED_ZH: Final = "（名称待核实）"
_UNNAMED_EN: Final = "(name not in our references yet)"

#: Numbers reserved for later issues: credit (300-306) and supervision (400-404).
#: Names come from china-rules.md (C) and the national lists; unnamed numbers say so.
RESERVED: Final[Mapping[str, ReservedDataset]] = MappingProxyType(
    {
        r.no: r
        for r in (
            ReservedDataset("300", "credit", "VIOLATING_LAWS_RULES_INFO", "违法违规信息", "Violations of laws and rules"),
            ReservedDataset("301", "credit", None, _UNNAMED_ZH, _UNNAMED_EN),
            ReservedDataset("302", "credit", "BLACK_LIST", "黑名单信息", "Blacklist"),
            ReservedDataset("303", "credit", None, "撤销黑名单", "Blacklist revocation"),
            ReservedDataset("304", "credit", None, "奖励", "Rewards"),
            ReservedDataset("305", "credit", None, "履约", "Performance (credit)"),
            ReservedDataset("306", "credit", None, "社会信用", "Social credit"),
            ReservedDataset("400", "supervision", None, "行政监管事项", "Administrative supervision matters"),
            ReservedDataset("401", "supervision", None, _UNNAMED_ZH, _UNNAMED_EN),
            ReservedDataset("402", "supervision", "PROJECT_ALERTING_INFO", "项目报警信息", "Project alerts"),
            ReservedDataset("403", "supervision", None, _UNNAMED_ZH, _UNNAMED_EN),
        )
    }
)

# ---------------------------------------------------------------------------
# Parsing the national lines

_LINE_RE: Final = re.compile(r"^([A-Z][A-Z0-9_]*)\((.+)\)$")
_KNOWN_VALIDATORS: Final = ("UniqueValue", "CannotModify", "AreaCodeMatch", "TenderProjectCodeMatch")
_DEAL_NOTE: Final = (
    "The national list says len=40, but a 统一交易标识码 has 36 characters (18-8-6-1 with three dashes, "
    "kernel.codes; S8 generates the same): etender checks ≤40 plus the structure."
)


def _parse(no: str, line: str, basis_of: Mapping[str, str]) -> Field:
    m = _LINE_RE.match(line)
    if m is None:
        raise ValueError(f"{no}: cannot parse {line!r}")
    name, inner = m.groups()
    zh, *rules = inner.split(",")
    required = zh.endswith("*")
    zh = zh.removesuffix("*")
    national_length = length = None
    exact = False
    ftype: FieldType = "string"
    table = None
    validators: list[str] = []
    for rule in rules:
        if rule.startswith("len="):
            national_length, length, exact = rule, int(rule[4:]), True
        elif rule.startswith("≤"):
            national_length, length, exact = rule, int(rule[1:]), False
        elif rule == "DateMatch":
            ftype = "date" if (no, name) in _DATE_ONLY else "date-time"
        elif rule == "NumberMatch":
            ftype = "number"
        elif rule == "EnumMatch":
            ftype, table = "code", _ENUM_OF[name]
        elif rule.startswith("dom"):
            ftype, table = "code", rule
        elif rule in _KNOWN_VALIDATORS:
            validators.append(rule)
            if rule == "AreaCodeMatch":
                ftype, table = "code", "GB/T 2260"
        else:
            raise ValueError(f"{no}.{name}: unknown rule {rule!r}")
    if name in _CURRENCY:
        ftype, table = "code", "GB/T 12406"
    ident = _IDENT.get(name)
    note = None
    if ident == "deal" and exact:
        exact, note = False, _DEAL_NOTE
    digits = _NUMBER_DIGITS.get((no, name), _MONEY) if ftype == "number" else None
    basis = basis_of[name]
    return Field(
        name=name,
        zh=zh,
        required=required,
        national_length=national_length,
        length=length,
        exact=exact,
        type=ftype,
        table=table,
        ident=ident,
        multi=(no, name) in _MULTI,
        digits=digits,
        validators=tuple(validators),
        disclosure=BASES[basis].disclosure,
        basis=basis,
        length_note=note,
    )


def _build() -> Mapping[str, Dataset]:
    out: dict[str, Dataset] = {}
    for no, (version, table, zh, lines) in _SPECS.items():
        basis_of: dict[str, str] = {}
        for basis, names in _DISCLOSURE[no].items():
            if basis not in BASES:
                raise ValueError(f"{no}: unknown disclosure basis {basis!r}")
            for name in names.split():
                if name in basis_of:
                    raise ValueError(f"{no}.{name}: classified twice")
                basis_of[name] = basis
        fields = tuple(_parse(no, line, basis_of) for line in lines)
        names = [f.name for f in fields]
        if len(set(names)) != len(names):
            raise ValueError(f"{no}: duplicate field")
        if set(basis_of) != set(names):
            raise ValueError(f"{no}: disclosure table does not match the fields: {sorted(set(basis_of) ^ set(names))}")
        required = {f.name for f in fields if f.required}
        if not set(_KEYS[no]) <= required:
            raise ValueError(f"{no}: key fields must be required")
        for f in fields:
            if f.table is not None and f.table not in CODE_TABLES:
                raise ValueError(f"{no}.{f.name}: unknown code table {f.table}")
        out[no] = Dataset(no, version, table, zh, _TITLES_EN[no], fields, _KEYS[no], _EMBARGO.get(no))
    if set(out) & set(RESERVED):
        raise ValueError("a reserved data set is also defined")
    return MappingProxyType(out)


#: The defined data sets, by number, in national order.
DATASETS: Final[Mapping[str, Dataset]] = _build()
