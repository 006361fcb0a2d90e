"""Writes of the expert pool and of the verifiable draws (docs/experts.md).

Pool: entry conditions (≥ 8 years and a senior title or equivalent, E131), punishments (E132), avoidance
declarations, unavailable periods, accounts; every change is also recorded in the hub's own exchange as data set
212 (one record per expert and specialty), so it is forwarded to the upper-level hub like any platform's records.

Draws: commit (candidate list + seed commitment) → execute with the trading platform's nonce → replacements →
reveal, following ``etender.kernel.draw`` (algorithm etender-draw-v1).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from etender.kernel import clock
from etender.kernel import draw as algo
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.codes import CodeError, normalize_uscc, validate_region_code, validate_uscc
from etender.kernel.errors import RuleViolation, RuleViolations, raise_all
from etender.kernel.events import publish_on_commit

from . import specialties
from .models import Avoidance, Draw, DrawCandidate, Expert, ExpertAccess, ExpertSpecialty, Member, Performance, Punishment, Unavailability

SENIOR_LEVELS = (Expert.TitleLevel.FULL_SENIOR, Expert.TitleLevel.SENIOR, Expert.TitleLevel.EQUIVALENT)
MIN_WORK_YEARS = 8
MAX_PER_SPECIALTY = 50

#: Why a pool expert is not a candidate of a draw (counted per draw; the codes appear in proofs' skips).
REASONS = {
    "status": ("不在可抽取状态（暂停、退出）", "not active (suspended or retired)"),
    "entry": ("不再符合入库条件", "no longer meets the entry conditions"),
    "punished": ("受过处罚且仍在限制期内", "punished and still excluded"),
    "employer": ("与招标人、代理机构或投标人同一单位", "works for the tenderer, the agency or a bidder"),
    "supervisor": ("行政监督部门工作人员", "staff of the supervising department"),
    "declared": ("申报的近亲属或利害关系", "declared close relative or economic interest"),
    "unavailable": ("评标时间不可参加", "not available at the evaluation time"),
    "busy": ("同一时间已在其他评标委员会", "on another committee at the same time"),
}


# --------------------------------------------------------------------------- validation helpers

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_char(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def validate_id_card(value: str) -> date:
    """GB 11643 resident identity card number: 17 digits, a valid birth date, the check character. Returns the birth date."""
    v = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", v):
        raise RuleViolation("E068", detail_zh="须为18位", detail_en="18 characters expected", field="id_card")
    try:
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        raise RuleViolation("E068", detail_zh="出生日期无效", detail_en="invalid date of birth", field="id_card") from None
    if id_check_char(v[:17]) != v[17]:
        raise RuleViolation("E068", detail_zh="校验码错误", detail_en="wrong check character", field="id_card")
    return born


def title_level_of(professional: str) -> str:
    """The level of a title as written (正高级工程师 → full senior; 高级经济师, 副教授 → senior; else intermediate/none)."""
    t = professional or ""
    if any(k in t for k in ("正高", "教授级", "研究员")) and "副研究员" not in t:
        return Expert.TitleLevel.FULL_SENIOR
    if "教授" in t and "副教授" not in t:
        return Expert.TitleLevel.FULL_SENIOR
    if any(k in t for k in ("高级", "副教授", "副研究员", "副主任")):
        return Expert.TitleLevel.SENIOR
    if any(k in t for k in ("同等", "相当")):
        return Expert.TitleLevel.EQUIVALENT
    if t.strip():
        return Expert.TitleLevel.INTERMEDIATE
    return Expert.TitleLevel.NONE


def _norm_name(name: str) -> str:
    return re.sub(r"\s+", "", (name or "").replace("（", "(").replace("）", ")"))


def _entry_violation(work_year: int, title_level: str) -> RuleViolation | None:
    if work_year < MIN_WORK_YEARS:
        return RuleViolation("E131", detail_zh=f"从事相关专业领域工作满8年（现为{work_year}年）", detail_en=f"8 years of work in the field required ({work_year} given)", field="work_year")
    if title_level not in SENIOR_LEVELS:
        return RuleViolation("E131", detail_zh="须具有高级职称或者同等专业水平", detail_en="a senior title or an equivalent professional level is required", field="title_level")
    return None


def _punishment_in_effect(expert: Expert, on: date) -> Punishment | None:
    return next((p for p in expert.punishments.all() if p.decided_on <= on and (p.effective_until is None or p.effective_until >= on)), None)


EXPERT_FIELDS = (
    "id_card", "id_card_type", "name", "sex", "birthday", "duty", "education", "professional", "title_level", "onwork", "company", "company_code",
    "post_address", "postcode", "industry", "area", "work_year", "phone", "other_number", "enter_date", "base_type",
)


def _clean(data: dict[str, Any], *, current: Expert | None = None) -> tuple[dict[str, Any], list[RuleViolation]]:
    """Normalise and check an expert's fields; returns (clean data, every violation found)."""
    out: dict[str, Any] = {}
    problems: list[RuleViolation] = []

    def text(name: str, max_len: int, required: bool = False) -> str:
        v = str(data.get(name) or "").strip()
        if required and not v:
            problems.append(RuleViolation("E001", detail_zh=f"{name} 必填", detail_en=f"{name} is required", field=name))
        if len(v) > max_len:
            problems.append(RuleViolation("E001", detail_zh=f"{name} 不超过{max_len}字", detail_en=f"{name}: at most {max_len} characters", field=name))
        return v[:max_len]

    out["id_card"] = text("id_card", 18, True).upper()
    out["id_card_type"] = text("id_card_type", 2) or "01"
    born = None
    if out["id_card"] and out["id_card_type"] == "01":
        try:
            born = validate_id_card(out["id_card"])
        except RuleViolation as exc:
            problems.append(exc)
    if out["id_card"]:
        dup = Expert.objects.filter(id_card=out["id_card"])
        if current is not None:
            dup = dup.exclude(pk=current.pk)
        if dup.exists():
            problems.append(RuleViolation("E064", field="id_card"))
    out["name"] = text("name", 50, True)
    out["sex"] = str(data.get("sex") or "").strip()
    if out["sex"] not in ("1", "2"):
        problems.append(RuleViolation("E001", detail_zh="性别：1 男，2 女", detail_en="sex: 1 male, 2 female", field="sex"))
    birthday = data.get("birthday") or born
    if isinstance(birthday, datetime):
        birthday = birthday.date()
    if not isinstance(birthday, date):
        problems.append(RuleViolation("E009", detail_zh="出生日期", detail_en="date of birth", field="birthday"))
    elif born is not None and birthday != born:
        problems.append(RuleViolation("E068", detail_zh="出生日期与证件号码不一致", detail_en="the date of birth differs from the one in the number", field="birthday"))
    out["birthday"] = birthday
    out["duty"] = text("duty", 50)
    out["education"] = text("education", 50, True)
    out["professional"] = text("professional", 50, True)
    out["title_level"] = str(data.get("title_level") or "") or title_level_of(out["professional"])
    if out["title_level"] not in Expert.TitleLevel.values:
        problems.append(RuleViolation("E001", detail_zh="职称级别无效", detail_en="invalid title level", field="title_level"))
    out["onwork"] = bool(data.get("onwork", True))
    out["company"] = text("company", 200, True)
    code = normalize_uscc(str(data.get("company_code") or "")) if data.get("company_code") else ""
    if code:
        try:
            validate_uscc(code)
        except CodeError as exc:
            problems.append(RuleViolation("E002", detail_zh=exc.message_zh, detail_en=exc.message_en, field="company_code"))
    out["company_code"] = code
    out["post_address"] = text("post_address", 200)
    out["postcode"] = text("postcode", 6)
    if out["postcode"] and not re.fullmatch(r"\d{6}", out["postcode"]):
        problems.append(RuleViolation("E001", detail_zh="邮政编码为6位数字", detail_en="postcode: 6 digits", field="postcode"))
    out["industry"] = text("industry", 3, True)
    if out["industry"] and not re.fullmatch(r"[A-Z0-9]{3}", out["industry"]):
        problems.append(RuleViolation("E001", detail_zh="所属行业为3位代码（如 E48）", detail_en="industry: a 3-character code (e.g. E48)", field="industry"))
    out["area"] = text("area", 9, True)
    if out["area"]:
        if not re.fullmatch(r"\d{9}", out["area"]):
            problems.append(RuleViolation("E003", detail_zh="所在地区为9位代码", detail_en="area: 9 digits", field="area"))
        else:
            try:
                validate_region_code(out["area"][:6])
            except CodeError as exc:
                problems.append(RuleViolation("E003", detail_zh=exc.message_zh, detail_en=exc.message_en, field="area"))
    try:
        out["work_year"] = int(data.get("work_year"))
        if not 0 <= out["work_year"] <= 99:
            raise ValueError
    except (TypeError, ValueError):
        out["work_year"] = 0
        problems.append(RuleViolation("E001", detail_zh="工作年限为0–99的整数", detail_en="years of work: an integer 0–99", field="work_year"))
    out["phone"] = text("phone", 50, True)
    out["other_number"] = text("other_number", 50)
    enter = data.get("enter_date") or clock.now().date()
    if isinstance(enter, datetime):
        enter = enter.date()
    if not isinstance(enter, date):
        problems.append(RuleViolation("E009", detail_zh="入库时间", detail_en="date of entry", field="enter_date"))
    out["enter_date"] = enter
    out["base_type"] = text("base_type", 1) or "1"
    if not any(p.field in ("work_year", "title_level") for p in problems):
        if (v := _entry_violation(out["work_year"], out["title_level"])) is not None:
            problems.append(v)
    return out, problems


def _clean_specialties(items: list[tuple[str, bool]]) -> tuple[list[tuple[str, bool]], list[RuleViolation]]:
    problems: list[RuleViolation] = []
    seen: dict[str, bool] = {}
    for code, main in items:
        code = (code or "").strip().upper()
        if not specialties.is_valid(code):
            problems.append(RuleViolation("E061", detail_zh=code or "（空）", detail_en=code or "(empty)", field="specialties"))
            continue
        seen[code] = seen.get(code, False) or bool(main)
    if not seen and not problems:
        problems.append(RuleViolation("E001", detail_zh="至少一个评标专业", detail_en="at least one specialty", field="specialties"))
    out = list(seen.items())
    if out and sum(m for _, m in out) != 1:
        first = next((c for c, m in out if m), out[0][0])
        out = [(c, c == first) for c, _ in out]
    return out, problems


# --------------------------------------------------------------------------- data set 212 in the hub's own exchange


def _hub_platform():
    """The exchange registry row that stands for this hub as the origin of its own records (never active: it takes no batches)."""
    from etender.hub.exchange.models import Platform
    from etender.kernel.signing import platform_signer

    code = settings.ETENDER_HUB_CODE
    platform = Platform.objects.filter(code=code).first()
    if platform is None:
        platform = Platform.objects.create(
            code=code, name=settings.ETENDER_TITLE, kind=Platform.Kind.HUB, status=Platform.Status.PENDING,
            public_key=platform_signer().public_info()["public_key"], registered_at=clock.now(),
        )
    return platform


def record_212(expert: Expert, spec: ExpertSpecialty) -> dict[str, str]:
    rec = {
        "ID_CARD": expert.id_card,
        "ID_CARD_TYPE": expert.id_card_type,
        "EXPERT_NAME": expert.name,
        "SEX": expert.sex,
        "BIRTHDAY": expert.birthday.strftime("%Y%m%d"),
        "DUTY": expert.duty,
        "EDUCATION": expert.education,
        "PROFESSIONAL": expert.professional,
        "ONWORK": "1" if expert.onwork else "0",
        "COMPANY": expert.company,
        "POST_ADDRESS": expert.post_address,
        "POSTCODE": expert.postcode,
        "INDUSTRY": expert.industry,
        "AREA": expert.area,
        "WORK_YEAR": str(expert.work_year),
        "PHONE_NUMBER": expert.phone,
        "OTHER_NUMBER": expert.other_number,
        "DMISSON": "1" if expert.status == Expert.Status.ACTIVE else "0",
        "ENTER_DATE": expert.enter_date.strftime("%Y%m%d"),
        "BASE_TYPE": expert.base_type,
        "MAJOR_CODE": spec.code,
        "IS_MAIN": "1" if spec.is_main else "0",
    }
    return {k: v for k, v in rec.items() if v != ""}


def _exchange(expert: Expert, *, gone: list[tuple[str, str]] = ()) -> None:
    """Record the expert's 212 records (upserts) and the withdrawn ones (``gone``: (ID_CARD, MAJOR_CODE)) in the feed."""
    from etender.hub.exchange.models import FeedEntry, Record
    from etender.hub.exchange.services import _next_feed_seq, _unique_values
    from etender.kernel.exchange import record_key, validate_envelope

    platform = _hub_platform()
    now = clock.now()
    items = [("upsert", record_212(expert, s)) for s in expert.specialties.all()]
    items += [("delete", {"ID_CARD": i, "MAJOR_CODE": c}) for i, c in gone]
    problems = []
    for op, rec in items:
        env = {"dataset": "212", "key": record_key("212", rec), "op": op, "record": rec, "source": {"platform": platform.code, "occurred_at": now.isoformat()}}
        problems += [{"code": e.code, "field": e.field, "message_zh": e.message_zh, "message_en": e.message_en} for e in validate_envelope(env)]
    if problems:
        raise RuleViolation("E016", params={"errors": problems}, detail_zh=problems[0]["message_zh"], detail_en=problems[0]["message_en"])
    seq = _next_feed_seq()
    for op, rec in items:
        key = record_key("212", rec)
        existing = Record.objects.filter(dataset="212", key=key).first()
        if existing is None and op == "delete":
            continue
        fields = {"data": rec, "exchanged_at": now, "deleted": op == "delete", "origin_code": platform.code, "origin_name": platform.name, "region_code": expert.region_code}
        if existing is None:
            row = Record.objects.create(platform=platform, dataset="212", key=key, **fields)
        else:
            row = existing
            row.version += 1
            for name, value in fields.items():
                setattr(row, name, value)
            row.save(update_fields=["version", *fields])
        FeedEntry.objects.create(seq=seq, record=row, platform=platform, dataset="212", key=key, op=op, version=row.version, data=rec, exchanged_at=now, origin_code=platform.code, origin_name=platform.name, region_code=expert.region_code)
        _unique_values(row)
        seq += 1


# --------------------------------------------------------------------------- the pool


def _new_ref() -> str:
    while True:
        ref = "EXP-" + secrets.token_hex(6).upper()
        if not Expert.objects.filter(ref=ref).exists():
            return ref


@transaction.atomic
def expert_create(*, actor: Actor, data: dict[str, Any], specialty_codes: list[tuple[str, bool]], exchange: bool = True) -> Expert:
    clean, problems = _clean(data)
    specs, spec_problems = _clean_specialties(specialty_codes)
    raise_all(problems + spec_problems)
    now = clock.now()
    expert = Expert.objects.create(ref=_new_ref(), created_at=now, updated_at=now, **clean)
    ExpertSpecialty.objects.bulk_create(ExpertSpecialty(expert=expert, code=c, is_main=m) for c, m in specs)
    if exchange:
        _exchange(expert)
    audit_record(actor=actor, action="experts.expert_created", obj=expert, data={"ref": expert.ref, "specialties": [c for c, _ in specs]})
    return expert


@transaction.atomic
def expert_update(*, actor: Actor, expert: Expert, data: dict[str, Any], specialty_codes: list[tuple[str, bool]]) -> Expert:
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    clean, problems = _clean({**{f: getattr(expert, f) for f in EXPERT_FIELDS}, **data}, current=expert)
    specs, spec_problems = _clean_specialties(specialty_codes)
    raise_all(problems + spec_problems)
    before = [(expert.id_card, s.code) for s in expert.specialties.all()]
    for name, value in clean.items():
        setattr(expert, name, value)
    expert.updated_at = clock.now()
    expert.save()
    expert.specialties.all().delete()
    ExpertSpecialty.objects.bulk_create(ExpertSpecialty(expert=expert, code=c, is_main=m) for c, m in specs)
    now_keys = {(expert.id_card, c) for c, _ in specs}
    _exchange(expert, gone=[k for k in before if k not in now_keys])
    audit_record(actor=actor, action="experts.expert_updated", obj=expert, data={"ref": expert.ref, "fields": sorted(data)})
    return expert


@transaction.atomic
def expert_set_status(*, actor: Actor, expert: Expert, status: str, note: str = "") -> Expert:
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if status not in Expert.Status.values:
        raise RuleViolation("E001", field="status")
    if status == Expert.Status.ACTIVE:
        if (v := _entry_violation(expert.work_year, expert.title_level)) is not None:
            raise v
        if (p := _punishment_in_effect(expert, clock.now().date())) is not None:
            raise RuleViolation("E132", detail_zh=f"{p.authority} {p.decided_on:%Y-%m-%d} 处罚仍在限制期内", detail_en=f"punishment of {p.decided_on:%Y-%m-%d} by {p.authority} still in effect", field="status")
    expert.status, expert.status_note, expert.updated_at = status, note[:300], clock.now()
    expert.save(update_fields=["status", "status_note", "updated_at"])
    _exchange(expert)
    audit_record(actor=actor, action=f"experts.expert_{status}", obj=expert, data={"ref": expert.ref, "note": note[:300]})
    return expert


@transaction.atomic
def unavailability_add(*, actor: Actor, expert: Expert, starts_at: datetime, ends_at: datetime, reason: str = "") -> Unavailability:
    if ends_at <= starts_at:
        raise RuleViolation("E009", detail_zh="结束时间须晚于开始时间", detail_en="the end must be after the start", field="ends_at")
    row = Unavailability.objects.create(expert=expert, starts_at=starts_at, ends_at=ends_at, reason=reason[:200])
    audit_record(actor=actor, action="experts.unavailability_added", obj=expert, data={"from": starts_at.isoformat(), "until": ends_at.isoformat()})
    return row


@transaction.atomic
def unavailability_remove(*, actor: Actor, row: Unavailability) -> None:
    audit_record(actor=actor, action="experts.unavailability_removed", obj=row.expert, data={"from": row.starts_at.isoformat()})
    row.delete()


@transaction.atomic
def avoidance_add(*, actor: Actor, expert: Expert, kind: str, entity_code: str = "", entity_name: str = "", note: str = "") -> Avoidance:
    if kind not in Avoidance.Kind.values:
        raise RuleViolation("E001", detail_zh="回避类型无效", detail_en="invalid kind", field="kind")
    code = normalize_uscc(entity_code) if entity_code else ""
    if code:
        try:
            validate_uscc(code)
        except CodeError as exc:
            raise RuleViolation("E002", detail_zh=exc.message_zh, detail_en=exc.message_en, field="entity_code") from None
    if not code and not entity_name.strip():
        raise RuleViolation("E001", detail_zh="须填写单位统一社会信用代码或名称", detail_en="the entity's credit code or name is required", field="entity_code")
    row = Avoidance.objects.create(expert=expert, kind=kind, entity_code=code, entity_name=entity_name.strip()[:200], note=note[:300], declared_at=clock.now())
    audit_record(actor=actor, action="experts.avoidance_declared", obj=expert, data={"kind": kind, "entity_code": code})
    return row


@transaction.atomic
def avoidance_remove(*, actor: Actor, row: Avoidance) -> None:
    audit_record(actor=actor, action="experts.avoidance_removed", obj=row.expert, data={"kind": row.kind, "entity_code": row.entity_code})
    row.delete()


@transaction.atomic
def punishment_add(*, actor: Actor, expert: Expert, decided_on: date, authority: str, description: str, effective_until: date | None = None) -> Punishment:
    if effective_until is not None and effective_until < decided_on:
        raise RuleViolation("E009", detail_zh="限制期截止日早于处罚日期", detail_en="the end of the exclusion is before the decision", field="effective_until")
    if not authority.strip() or not description.strip():
        raise RuleViolation("E001", detail_zh="处罚机关和内容必填", detail_en="authority and description are required", field="authority")
    row = Punishment.objects.create(expert=expert, decided_on=decided_on, authority=authority.strip()[:200], description=description.strip()[:500], effective_until=effective_until, recorded_at=clock.now())
    audit_record(actor=actor, action="experts.punishment_recorded", obj=expert, data={"decided_on": decided_on.isoformat(), "until": effective_until.isoformat() if effective_until else None})
    return row


@transaction.atomic
def expert_issue_account(*, actor: Actor, expert: Expert, username: str, password: str = "", password_hash: str = ""):
    """The administrator gives the expert a hub account (to confirm draws and to sign in on trading platforms).

    ``password_hash`` (already hashed, e.g. one hash for many demo accounts) replaces ``password`` for seeding.
    """
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    User = get_user_model()
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if expert.user_id is not None:
        raise RuleViolation("E007", detail_zh="该专家已有账号", detail_en="the expert already has an account", field="username")
    username = (username or "").strip()
    if not re.fullmatch(r"[\w.@+-]{3,150}", username):
        raise RuleViolation("E001", detail_zh="用户名为3–150个字母、数字或 . @ + - _", detail_en="user name: 3–150 letters, digits or . @ + - _", field="username")
    if User.objects.filter(username=username).exists():
        raise RuleViolation("E011", detail_zh=username, detail_en=username, field="username")
    if not password_hash:
        try:
            validate_password(password)
        except ValidationError as exc:
            raise RuleViolation("E001", detail_zh="；".join(exc.messages), detail_en="; ".join(exc.messages), field="password") from None
    user = User.objects.create_user(username=username, password=None if password_hash else password, first_name=expert.name)
    if password_hash:
        user.password = password_hash
        user.save(update_fields=["password"])
    expert.user = user
    expert.save(update_fields=["user"])
    audit_record(actor=actor, action="experts.account_issued", obj=expert, data={"ref": expert.ref, "username": username})
    return user


def access_record(*, actor: Actor, what: str, expert: Expert | None = None, draw: Draw | None = None, platform: str = "") -> None:
    """Log a reading of secret expert data (who, when, what), locally and in the operation log."""
    with transaction.atomic():
        ExpertAccess.objects.create(expert=expert, draw=draw, at=clock.now(), user_id=actor.user_id, username=actor.username, platform=platform, ip=actor.ip, what=what[:100])
        audit_record(actor=actor, action="experts.secret_read", obj=expert or draw, data={"what": what[:100], "platform": platform})


# --------------------------------------------------------------------------- import (openpyxl)

_EXTRA_COLUMNS = {
    "COMPANY_CODE": ("company_code", "工作单位统一社会信用代码"),
    "TITLE_LEVEL": ("title_level", "职称级别"),
}
_212_TO_FIELD = {
    "ID_CARD": "id_card", "ID_CARD_TYPE": "id_card_type", "EXPERT_NAME": "name", "SEX": "sex", "BIRTHDAY": "birthday", "DUTY": "duty",
    "EDUCATION": "education", "PROFESSIONAL": "professional", "ONWORK": "onwork", "COMPANY": "company", "POST_ADDRESS": "post_address",
    "POSTCODE": "postcode", "INDUSTRY": "industry", "AREA": "area", "WORK_YEAR": "work_year", "PHONE_NUMBER": "phone",
    "OTHER_NUMBER": "other_number", "DMISSON": "dmisson", "ENTER_DATE": "enter_date", "BASE_TYPE": "base_type",
    "MAJOR_CODE": "major_code", "IS_MAIN": "is_main",
}
_TITLE_LEVEL_WORDS = {"正高级": "full_senior", "副高级": "senior", "高级": "senior", "同等专业水平": "equivalent", "中级": "intermediate", "无": "none"}


def import_columns() -> dict[str, str]:
    """Header text (212 field name or its Chinese label, or one of ours) → model field."""
    from etender.kernel.exchange import DATASETS

    out: dict[str, str] = {}
    for f in DATASETS["212"].fields:
        target = _212_TO_FIELD[f.name]
        out[f.name] = target
        out[f.zh] = target
    for name, (target, zh) in _EXTRA_COLUMNS.items():
        out[name], out[zh] = target, target
    return out


def _cell_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value or "").strip().replace("-", "").replace("/", "").replace(".", "")
    if re.fullmatch(r"\d{8}", s):
        try:
            return date(int(s[:4]), int(s[4:6]), int(s[6:8]))
        except ValueError:
            return None
    return None


def _flag(value: Any, default: bool) -> bool:
    s = str(value if value is not None else "").strip()
    if s in ("1", "是", "Y", "y", "true", "True"):
        return True
    if s in ("0", "否", "N", "n", "false", "False"):
        return False
    return default


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass
class ImportResult:
    created: list[Expert]
    rows: int


def experts_import(*, actor: Actor, content: bytes, filename: str = "") -> ImportResult:
    """Import an xlsx sheet: header row of 212 field names or Chinese labels; one row per expert and specialty.

    All or nothing: if any row is bad, nothing is stored and E063 lists every bad row with its coded errors.
    """
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
    except Exception as exc:  # openpyxl raises many kinds (zip, xml, key errors) for a file that is not xlsx
        raise RuleViolation("E062", detail_zh=f"不是有效的 xlsx 文件（{type(exc).__name__}）", detail_en=f"not a valid xlsx file ({type(exc).__name__})", field="file") from None
    columns = import_columns()
    if not rows:
        raise RuleViolation("E062", detail_zh="文件为空", detail_en="the file is empty", field="file")
    header = [_cell_text(h) for h in rows[0]]
    mapping = {i: columns[h] for i, h in enumerate(header) if h in columns}
    unknown = [h for h in header if h and h not in columns]
    missing = [f for f in ("id_card", "name", "major_code") if f not in mapping.values()]
    if missing or unknown:
        raise RuleViolation("E062", detail_zh=f"缺少列：{', '.join(missing) or '无'}；无法识别的列：{', '.join(unknown) or '无'}", detail_en=f"missing columns: {', '.join(missing) or 'none'}; unknown columns: {', '.join(unknown) or 'none'}", field="file", params={"missing": missing, "unknown": unknown})
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    errors: list[dict[str, Any]] = []
    count = 0
    for n, raw in enumerate(rows[1:], start=2):
        if all(v is None or _cell_text(v) == "" for v in raw):
            continue
        count += 1
        values = {mapping[i]: v for i, v in enumerate(raw) if i in mapping}
        groups[_cell_text(values.get("id_card")).upper() or f"row{n}"].append((n, values))
    with transaction.atomic():
        created: list[Expert] = []
        for _id, items in groups.items():
            first_row, v = items[0]
            level = _cell_text(v.get("title_level"))
            data = {
                **{k: _cell_text(v.get(k)) for k in ("id_card", "id_card_type", "name", "sex", "duty", "education", "professional", "company", "company_code", "post_address", "postcode", "industry", "area", "phone", "other_number", "base_type")},
                "birthday": _cell_date(v.get("birthday")) if v.get("birthday") not in (None, "") else None,
                "enter_date": _cell_date(v.get("enter_date")) if v.get("enter_date") not in (None, "") else None,
                "work_year": _cell_text(v.get("work_year")) or None,
                "onwork": _flag(v.get("onwork"), True),
                "title_level": _TITLE_LEVEL_WORDS.get(level, level),
            }
            specs = [(_cell_text(row.get("major_code")).upper(), _flag(row.get("is_main"), False)) for _, row in items]
            active = _flag(v.get("dmisson"), True)
            try:
                with transaction.atomic():
                    expert = expert_create(actor=actor, data=data, specialty_codes=specs, exchange=False)
                    if not active:
                        expert.status = Expert.Status.SUSPENDED
                        expert.save(update_fields=["status"])
                    created.append(expert)
            except (RuleViolation, RuleViolations) as exc:
                for violation in exc.violations if isinstance(exc, RuleViolations) else [exc]:
                    d = violation.as_dict()
                    errors.append({"row": first_row, "rows": [r for r, _ in items], "code": d["code"], "field": d["field"], "message_zh": d["message_zh"], "message_en": d["message_en"]})
        if errors:
            transaction.set_rollback(True)
            raise RuleViolation("E063", detail_zh=f"{len({e['row'] for e in errors})}行有错误", detail_en=f"{len({e['row'] for e in errors})} bad row(s)", field="file", params={"errors": errors})
        for expert in created:
            _exchange(expert)
        audit_record(actor=actor, action="experts.imported", data={"file": filename[:200], "experts": len(created), "rows": count})
    return ImportResult(created=created, rows=count)


# --------------------------------------------------------------------------- draws


@dataclass
class Context:
    """What a draw excludes: its time window and the parties and department to avoid."""

    start: datetime
    end: datetime
    codes: set[str]
    names: set[str]
    dept_code: str
    dept_name: str
    draw_id: str | None = None

    @classmethod
    def of(cls, draw: Draw) -> Context:
        a = draw.avoid or {}
        return cls(
            start=draw.evaluation_start,
            end=draw.evaluation_start + timedelta(hours=draw.duration_hours),
            codes={normalize_uscc(c) for c in a.get("entity_codes") or [] if c},
            names={_norm_name(n) for n in a.get("entity_names") or [] if n},
            dept_code=normalize_uscc(a.get("supervise_dept_code") or ""),
            dept_name=_norm_name(a.get("supervise_dept_name") or ""),
            draw_id=draw.id,
        )


def _busy(ctx: Context) -> set[int]:
    """Experts on another committee (notified or confirmed) whose evaluation overlaps the window."""
    rows = Member.objects.filter(status__in=[Member.Status.NOTIFIED, Member.Status.CONFIRMED], draw__evaluation_start__lt=ctx.end, draw__evaluation_start__gt=ctx.start - timedelta(days=31))
    if ctx.draw_id:
        rows = rows.exclude(draw_id=ctx.draw_id)
    return {eid for eid, start, hours in rows.values_list("expert_id", "draw__evaluation_start", "draw__duration_hours") if start + timedelta(hours=hours) > ctx.start}


def ineligible(expert: Expert, ctx: Context, busy: set[int]) -> str | None:
    """The first reason (REASONS) why the expert may not sit on this committee, or None."""
    if expert.status != Expert.Status.ACTIVE:
        return "status"
    if _entry_violation(expert.work_year, expert.title_level) is not None:
        return "entry"
    if _punishment_in_effect(expert, ctx.start.date()) is not None:
        return "punished"
    if (expert.company_code and expert.company_code in ctx.codes) or _norm_name(expert.company) in ctx.names:
        return "employer"
    if (ctx.dept_code and expert.company_code == ctx.dept_code) or (ctx.dept_name and _norm_name(expert.company) == ctx.dept_name):
        return "supervisor"
    avoid_names = ctx.names | ({ctx.dept_name} if ctx.dept_name else set())
    avoid_codes = ctx.codes | ({ctx.dept_code} if ctx.dept_code else set())
    for a in expert.avoidances.all():
        if (a.entity_code and a.entity_code in avoid_codes) or (a.entity_name and _norm_name(a.entity_name) in avoid_names):
            return "declared"
    for u in expert.unavailable.all():
        if u.starts_at < ctx.end and u.ends_at > ctx.start:
            return "unavailable"
    if expert.pk in busy:
        return "busy"
    return None


def candidate_id(draw_id: str, expert: Expert) -> str:
    """The expert's pseudonymous id in one draw (keyed by the hub's secret: unlinkable across draws)."""
    key = hashlib.sha256(("etender-draw-candidate:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, f"{draw_id}:{expert.ref}".encode(), hashlib.sha256).hexdigest()[:16]


def _pool_query(codes: list[str]):
    q = Q()
    for c in codes:
        q |= Q(specialties__code__startswith=c)
    return Expert.objects.filter(q).distinct().prefetch_related("specialties", "avoidances", "punishments", "unavailable")


def _feasibility(candidates: dict[str, list[str]], counts: dict[str, int]) -> list[RuleViolation]:
    """Every specialty must be fillable whatever the order: its candidates minus the most that earlier specialties could take."""
    problems = []
    order = sorted(counts, key=lambda s: s.encode())
    for i, s in enumerate(order):
        mine = set(candidates[s])
        taken = sum(min(counts[t], len(mine & set(candidates[t]))) for t in order[:i])
        if len(mine) - taken < counts[s]:
            problems.append(RuleViolation("E060", detail_zh=f"专业 {s}：需 {counts[s]} 人，符合条件 {len(mine)} 人" + (f"（其中可能已被其他专业抽中 {taken} 人）" if taken else ""), detail_en=f"specialty {s}: {counts[s]} needed, {len(mine)} eligible" + (f" (of whom up to {taken} may be drawn for other specialties)" if taken else ""), field="specialties", params={"specialty": s, "needed": counts[s], "eligible": len(mine)}))
    return problems


def _own(draw: Draw, platform) -> None:
    if draw.platform_id != platform.pk:
        raise RuleViolation("E067")


@transaction.atomic
def draw_create(*, actor: Actor, platform, tender_code: str, lot_code: str, evaluation_start: datetime, duration_hours: int, specialties_wanted: list[dict[str, Any]], avoid: dict[str, Any],
                unified_deal_code: str = "", tender_name: str = "", lot_name: str = "", region_code: str = "", evaluation_place: str = "") -> Draw:
    """Fix the candidate list and commit to a fresh seed (step 1 of etender-draw-v1)."""
    problems: list[RuleViolation] = []
    if not tender_code.strip() or not lot_code.strip():
        problems.append(RuleViolation("E001", detail_zh="招标项目编号和标段编号必填", detail_en="tender and lot codes are required", field="lot_code"))
    if evaluation_start.tzinfo is None:
        problems.append(RuleViolation("E009", detail_zh="须带时区", detail_en="a time zone offset is required", field="evaluation_start"))
    elif evaluation_start < clock.now():
        problems.append(RuleViolation("E009", detail_zh="评标时间已过", detail_en="the evaluation time has passed", field="evaluation_start"))
    if not 1 <= int(duration_hours) <= 24 * 14:
        problems.append(RuleViolation("E001", detail_zh="评标时长1–336小时", detail_en="duration: 1–336 hours", field="duration_hours"))
    counts: dict[str, int] = {}
    for item in specialties_wanted or []:
        code, n = str(item.get("code") or "").strip().upper(), item.get("count")
        if not specialties.is_valid(code):
            problems.append(RuleViolation("E061", detail_zh=code or "（空）", detail_en=code or "(empty)", field="specialties"))
        elif not isinstance(n, int) or not 1 <= n <= MAX_PER_SPECIALTY:
            problems.append(RuleViolation("E001", detail_zh=f"{code}：人数1–{MAX_PER_SPECIALTY}", detail_en=f"{code}: count 1–{MAX_PER_SPECIALTY}", field="specialties"))
        elif code in counts:
            problems.append(RuleViolation("E001", detail_zh=f"{code} 重复", detail_en=f"{code} given twice", field="specialties"))
        else:
            counts[code] = n
    if not specialties_wanted:
        problems.append(RuleViolation("E001", detail_zh="至少一个专业", detail_en="at least one specialty", field="specialties"))
    for c in (avoid or {}).get("entity_codes") or []:
        try:
            validate_uscc(normalize_uscc(c))
        except CodeError as exc:
            problems.append(RuleViolation("E002", detail_zh=f"{c}：{exc.message_zh}", detail_en=f"{c}: {exc.message_en}", field="avoid.entity_codes"))
    raise_all(problems)

    draw_id = secrets.token_hex(16)
    seed = secrets.token_bytes(algo.SEED_BYTES)
    avoid = {"entity_codes": sorted({normalize_uscc(c) for c in avoid.get("entity_codes") or [] if c}), "entity_names": list(avoid.get("entity_names") or []),
             "supervise_dept_code": avoid.get("supervise_dept_code") or "", "supervise_dept_name": avoid.get("supervise_dept_name") or ""}
    draw = Draw(id=draw_id, platform=platform, tender_code=tender_code.strip()[:40], lot_code=lot_code.strip()[:40], unified_deal_code=unified_deal_code[:40], tender_name=tender_name[:300],
                lot_name=lot_name[:500], region_code=region_code[:6], evaluation_start=evaluation_start, evaluation_place=evaluation_place[:300], duration_hours=duration_hours,
                counts=counts, avoid=avoid, seed=seed.hex(), commitment=algo.commitment(seed), candidates={}, candidates_digest="", created_at=clock.now())
    ctx = Context.of(draw)
    busy = _busy(ctx)
    excluded: dict[str, int] = defaultdict(int)
    rows: list[tuple[Expert, str, str]] = []
    cands: dict[str, list[str]] = {c: [] for c in counts}
    for expert in _pool_query(list(counts)):
        reason = ineligible(expert, ctx, busy)
        if reason:
            excluded[reason] += 1
            continue
        cid = candidate_id(draw_id, expert)
        codes = [s.code for s in expert.specialties.all()]
        for wanted in counts:
            if any(specialties.covers(wanted, c) for c in codes):
                cands[wanted].append(cid)
                rows.append((expert, cid, wanted))
    raise_all(_feasibility(cands, counts))
    draw.candidates = {s: algo.canonical_list(ids) for s, ids in sorted(cands.items())}
    draw.candidates_digest = algo.candidates_digest(algo.statement(draw_id=draw_id, tender_code=draw.tender_code, lot_code=draw.lot_code, counts=counts, candidates=draw.candidates))
    draw.excluded = dict(excluded)
    draw.save()
    DrawCandidate.objects.bulk_create(DrawCandidate(draw=draw, expert=e, candidate=cid, specialty=s) for e, cid, s in rows)
    audit_record(actor=actor, action="experts.draw_committed", obj=draw, data={"tender_code": draw.tender_code, "lot_code": draw.lot_code, "commitment": draw.commitment, "candidates_digest": draw.candidates_digest, "counts": counts}, checkpoint=True)
    publish_on_commit("experts.draw_committed", {"draw": draw_id})
    return draw


def _orders(draw: Draw) -> dict[str, list[str]]:
    key = algo.draw_key(bytes.fromhex(draw.seed), bytes.fromhex(draw.platform_nonce), draw.candidates_digest)
    return algo.orders(key, draw.candidates)


def _experts_by_candidate(draw: Draw) -> dict[str, Expert]:
    rows = DrawCandidate.objects.filter(draw=draw).select_related("expert").prefetch_related("expert__avoidances", "expert__punishments", "expert__unavailable", "expert__specialties")
    return {r.candidate: r.expert for r in rows}


def _replace(draw: Draw, member: Member, reason: str, orders: dict[str, list[str]], by_candidate: dict[str, Expert]) -> Member:
    """Step 5 of etender-draw-v1: the next eligible candidate of the member's specialty; ineligible ones are skipped with their reason."""
    members = list(draw.members.all())
    excluded = {m.candidate for m in members} | {k["candidate"] for m in members for k in m.skipped}
    ctx = Context.of(draw)
    busy = _busy(ctx)
    skipped: list[dict[str, str]] = []
    chosen = None
    for c in orders[member.specialty]:
        if c in excluded:
            continue
        why = ineligible(by_candidate[c], ctx, busy)
        if why:
            skipped.append({"candidate": c, "reason": why})
            excluded.add(c)
            continue
        chosen = c
        break
    if chosen is None:
        raise RuleViolation("E065", detail_zh=member.specialty, detail_en=member.specialty, params={"specialty": member.specialty})
    now = clock.now()
    member.status, member.reason = Member.Status.REPLACED, (member.reason or reason)[:300]
    member.save(update_fields=["status", "reason"])
    return Member.objects.create(draw=draw, expert=by_candidate[chosen], candidate=chosen, specialty=member.specialty, position=orders[member.specialty].index(chosen),
                                 seq=max(m.seq for m in members) + 1, notified_at=now, replaces=member, skipped=skipped)


def _valid_nonce(nonce: str) -> str:
    n = (nonce or "").strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", n):
        raise RuleViolation("E066", field="platform_nonce")
    return n


@transaction.atomic
def draw_execute(*, actor: Actor, platform, draw: Draw, platform_nonce: str) -> Draw:
    """Steps 2–4: take the platform's nonce and draw; selected experts who became ineligible since the commitment are replaced at once."""
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    _own(draw, platform)
    nonce = _valid_nonce(platform_nonce)
    if draw.status != Draw.Status.COMMITTED:
        if draw.platform_nonce == nonce:
            return draw  # a retry of the same request
        raise RuleViolation("E130", detail_zh="该次抽取已完成，不得以新的随机数重新抽取", detail_en="this draw has been made; it cannot be made again with another nonce", field="platform_nonce")
    if Draw.objects.filter(platform_nonce=nonce).exists():
        raise RuleViolation("E130", detail_zh="随机数已被其他抽取使用", detail_en="this nonce was already used for another draw", field="platform_nonce")
    draw.platform_nonce = nonce
    orders = _orders(draw)
    try:
        chosen = algo.select(orders, draw.counts)
    except algo.DrawError as exc:  # excluded by the feasibility check at commit; kept as a coded refusal
        raise RuleViolation("E060", detail_zh=str(exc), detail_en=str(exc)) from None
    by_candidate = _experts_by_candidate(draw)
    now = clock.now()
    for i, (s, c) in enumerate(chosen):
        Member.objects.create(draw=draw, expert=by_candidate[c], candidate=c, specialty=s, position=orders[s].index(c), seq=i, notified_at=now)
    draw.status, draw.drawn_at = Draw.Status.DRAWN, now
    draw.save(update_fields=["platform_nonce", "status", "drawn_at"])
    ctx, busy = Context.of(draw), _busy(Context.of(draw))
    for m in list(draw.members.all()):
        if (why := ineligible(by_candidate[m.candidate], ctx, busy)) is not None:
            _replace(draw, m, f"{why}: {REASONS[why][1]}", orders, by_candidate)
    audit_record(actor=actor, action="experts.draw_executed", obj=draw, data={"platform_nonce": nonce, "selected": [c for _, c in chosen]}, checkpoint=True)
    publish_on_commit("experts.draw_executed", {"draw": draw.id})
    return draw


@transaction.atomic
def draw_replace(*, actor: Actor, platform, draw: Draw, ref: str, reason: str) -> Member:
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    _own(draw, platform)
    if draw.status != Draw.Status.DRAWN:
        raise RuleViolation("E007", detail_zh="只有已抽取、未公开的抽取可以补抽", detail_en="replacements only between the draw and the reveal")
    member = draw.members.filter(expert__ref=ref).exclude(status=Member.Status.REPLACED).first()
    if member is None:
        raise RuleViolation("E005", detail_zh=ref, detail_en=ref, field="ref")
    if not (reason or "").strip():
        raise RuleViolation("E001", detail_zh="须说明更换理由", detail_en="a reason is required", field="reason")
    new = _replace(draw, member, reason.strip(), _orders(draw), _experts_by_candidate(draw))
    audit_record(actor=actor, action="experts.member_replaced", obj=draw, data={"replaced": member.candidate, "by": new.candidate, "skipped": new.skipped, "reason": reason[:300]})
    publish_on_commit("experts.member_replaced", {"draw": draw.id})
    return new


@transaction.atomic
def member_respond(*, actor: Actor, member: Member, confirmed: bool, reason: str = "") -> Member:
    """The expert confirms or declines (on the hub, or through the trading platform)."""
    member = Member.objects.select_for_update().select_related("draw", "expert").get(pk=member.pk)
    if member.draw.status != Draw.Status.DRAWN or member.status == Member.Status.REPLACED:
        raise RuleViolation("E007")
    target = Member.Status.CONFIRMED if confirmed else Member.Status.DECLINED
    if member.status == target:
        return member
    if member.status == Member.Status.DECLINED:
        raise RuleViolation("E007", detail_zh="已谢绝，不能再确认", detail_en="already declined")
    if confirmed:
        expert = Expert.objects.prefetch_related("avoidances", "punishments", "unavailable").get(pk=member.expert_id)
        ctx = Context.of(member.draw)
        if (why := ineligible(expert, ctx, _busy(ctx))) is not None:
            raise RuleViolation("E132", detail_zh=f"{REASONS[why][0]}，请谢绝", detail_en=f"{REASONS[why][1]}: decline instead", params={"reason": why})
    elif not (reason or "").strip():
        raise RuleViolation("E001", detail_zh="谢绝须说明理由", detail_en="a reason is required to decline", field="reason")
    member.status, member.responded_at, member.reason = target, clock.now(), (reason or "").strip()[:300]
    member.save(update_fields=["status", "responded_at", "reason"])
    audit_record(actor=actor, action=f"experts.member_{target}", obj=member.draw, data={"candidate": member.candidate})
    publish_on_commit("experts.member_responded", {"draw": member.draw_id, "status": target})
    return member


@transaction.atomic
def draw_reveal(*, actor: Actor, platform, draw: Draw) -> Draw:
    """Step 6: after the award result is published the seed (and the committee's names) become public."""
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    _own(draw, platform)
    if draw.status == Draw.Status.REVEALED:
        return draw
    if draw.status != Draw.Status.DRAWN:
        raise RuleViolation("E007", detail_zh="尚未抽取", detail_en="not drawn yet")
    draw.status, draw.revealed_at = Draw.Status.REVEALED, clock.now()
    draw.save(update_fields=["status", "revealed_at"])
    audit_record(actor=actor, action="experts.draw_revealed", obj=draw, data={"seed": draw.seed}, checkpoint=True)
    publish_on_commit("experts.draw_revealed", {"draw": draw.id})
    return draw


@transaction.atomic
def performance_record(*, actor: Actor, platform, draw: Draw, ref: str, score: int, comment: str = "") -> Performance:
    _own(draw, platform)
    if draw.status == Draw.Status.COMMITTED:
        raise RuleViolation("E007")
    if not isinstance(score, int) or not 0 <= score <= 100:
        raise RuleViolation("E001", detail_zh="评分为0–100的整数", detail_en="score: an integer 0–100", field="score")
    member = draw.members.filter(expert__ref=ref, status=Member.Status.CONFIRMED).first()
    if member is None:
        raise RuleViolation("E005", detail_zh=f"{ref} 不是已确认的评委", detail_en=f"{ref} is not a confirmed member", field="ref")
    perf, _ = Performance.objects.update_or_create(member=member, defaults={"score": score, "comment": (comment or "")[:1000], "recorded_at": clock.now()})
    audit_record(actor=actor, action="experts.performance_recorded", obj=member.expert, data={"draw": draw.id, "score": score})
    return perf
