"""Writes of the published duties; every write is audited (电子办法 49)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.codes import CodeError, validate_region_code
from etender.kernel.errors import RuleViolation, raise_all

from .models import Department, DepartmentStaff, DutySection, Industry, SectionKind
from .selectors import user_can_edit

User = get_user_model()

CODE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TITLE_MAX = 200
BODY_MAX = 20_000


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _editor(actor: Actor, department: Department):
    """The acting user, if they may edit ``department``; raise E008/E006 otherwise."""
    if actor.user_id is None:
        raise RuleViolation("E008")
    user = User.objects.filter(pk=actor.user_id).first()
    if not user_can_edit(user, department):
        raise RuleViolation(
            "E006",
            detail_zh=f"只有{department.name}的工作人员可以修改其公开的监督职责",
            detail_en=f"only staff of {department.name} may edit its published duties",
        )
    return user


def _check_department(*, code: str, name: str, region_code: str, industries: list[str]) -> list[RuleViolation]:
    problems: list[RuleViolation] = []
    if not CODE_RE.fullmatch(code or "") or len(code) > 40:
        problems.append(RuleViolation("E010", detail_zh="部门代码只能包含小写字母、数字和连字符", detail_en="the department code may only contain lower-case letters, digits and hyphens", field="code"))
    if not (name or "").strip():
        problems.append(RuleViolation("E001", detail_zh="必须填写部门名称", detail_en="the name is required", field="name"))
    try:
        validate_region_code(region_code)
    except CodeError as exc:
        problems.append(RuleViolation("E003", detail_zh=exc.message_zh, detail_en=exc.message_en, field="region_code"))
    unknown = [i for i in industries if i not in Industry.values]
    if unknown:
        problems.append(RuleViolation("E001", detail_zh=f"未知的监督领域：{', '.join(unknown)}", detail_en=f"unknown supervised fields: {', '.join(unknown)}", field="industries"))
    return problems


@transaction.atomic
def department_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    region_code: str,
    industries: list[str] | None = None,
    address: str = "",
    phone: str = "",
    complaint_phone: str = "",
    email: str = "",
    website: str = "",
    published: bool = False,
    order: int = 100,
) -> Department:
    industries = list(dict.fromkeys(industries or []))
    raise_all(_check_department(code=code, name=name, region_code=region_code, industries=industries))
    if Department.objects.filter(code=code).exists():
        raise RuleViolation("E011", detail_zh=f"部门代码 {code}", detail_en=f"department code {code}", field="code")
    try:
        with transaction.atomic():
            dept = Department.objects.create(
                code=code,
                name=name.strip(),
                region_code=region_code,
                industries=industries,
                address=address,
                phone=phone,
                complaint_phone=complaint_phone,
                email=email,
                website=website,
                published=published,
                order=order,
            )
    except IntegrityError:  # a concurrent create of the same code won
        raise RuleViolation("E011", detail_zh=f"部门代码 {code}", detail_en=f"department code {code}", field="code") from None
    audit_record(actor=actor, action="duties.department_created", obj=dept, data={"code": code, "name": dept.name, "published": published})
    return dept


@transaction.atomic
def department_staff_add(*, actor: Actor, department: Department, user) -> DepartmentStaff:
    """Let ``user`` edit the published duties of ``department``."""
    membership, created = DepartmentStaff.objects.get_or_create(user=user, department=department)
    if created:
        audit_record(actor=actor, action="duties.staff_added", obj=department, data={"user": user.get_username()})
    return membership


@transaction.atomic
def duty_section_update(
    *,
    actor: Actor,
    department: Department,
    kind: str,
    body: str,
    title: str = "",
    version: int | None = None,
) -> DutySection:
    """Publish a new text for one item of art 47 of ``department`` (create it if missing).

    Only the department's staff (or a superuser) may do this (E006).  When
    ``version`` is given it must be the version the editor started from, so
    that two editors do not silently overwrite each other (E007).  Saving an
    unchanged text changes nothing and records nothing.
    """
    user = _editor(actor, department)
    title = (title or "").strip()
    body = (body or "").replace("\r\n", "\n").strip()
    problems: list[RuleViolation] = []
    if kind not in SectionKind.values:
        problems.append(RuleViolation("E001", detail_zh=f"未知的公开事项：{kind}", detail_en=f"unknown item: {kind}", field="kind"))
    if len(title) > TITLE_MAX:
        problems.append(RuleViolation("E001", detail_zh=f"标题不得超过{TITLE_MAX}字", detail_en=f"the title may have at most {TITLE_MAX} characters", field="title"))
    if not body:
        problems.append(RuleViolation("E001", detail_zh="必须填写正文", detail_en="the text is required", field="body"))
    elif len(body) > BODY_MAX:
        problems.append(RuleViolation("E001", detail_zh=f"正文不得超过{BODY_MAX}字", detail_en=f"the text may have at most {BODY_MAX} characters", field="body"))
    raise_all(problems)

    section = DutySection.objects.select_for_update().filter(department=department, kind=kind).first()
    current = section.version if section else 0
    if version is not None and version != current:
        who = section.updated_by_name if section else ""
        raise RuleViolation(
            "E007",
            detail_zh=f"该内容已被{who or '他人'}修改（版本 {current}），请刷新后再编辑",
            detail_en=f"it was changed by {who or 'someone else'} (version {current}); reload and edit again",
            field="body",
            params={"version": current},
        )
    if section is not None and section.title == title and section.body == body:
        return section

    previous = _digest(section.body) if section else None
    if section is None:
        section = DutySection(department=department, kind=kind, order=SectionKind.position(kind))
    section.title = title
    section.body = body
    section.version = current + 1
    section.updated_at = clock.now()
    section.updated_by = user
    section.updated_by_name = user.get_full_name() or user.get_username()
    section.save()
    audit_record(
        actor=actor,
        action="duties.section_updated",
        obj=section,
        data={"department": department.code, "kind": kind, "version": section.version, "title": title, "body_sha256": _digest(body), "previous_sha256": previous},
    )
    return section


@dataclass
class SeedResult:
    departments_created: list[str] = field(default_factory=list)
    sections_written: int = 0


@transaction.atomic
def duties_seed(*, actor: Actor, departments: list[dict[str, Any]], force: bool = False) -> SeedResult:
    """Create the default departments and their texts (see ``seed_data``).

    Existing departments and sections are left as their staff edited them,
    unless ``force`` is set, which puts the default texts back.
    """
    result = SeedResult()
    for entry in departments:
        info = {k: v for k, v in entry.items() if k != "sections"}
        dept = Department.objects.filter(code=info["code"]).first()
        if dept is None:
            dept = department_create(actor=actor, **info)
            result.departments_created.append(dept.code)
        written = []
        for kind, (title, body) in entry["sections"].items():
            section = DutySection.objects.select_for_update().filter(department=dept, kind=kind).first()
            if section is not None and (not force or (section.title, section.body) == (title, body)):
                continue
            if section is None:
                section = DutySection(department=dept, kind=kind, order=SectionKind.position(kind))
            section.title, section.body = title, body
            section.version += 1
            section.updated_at = clock.now()
            section.updated_by = None
            section.updated_by_name = actor.username
            section.save()
            written.append(kind)
        if written:
            audit_record(actor=actor, action="duties.sections_seeded", obj=dept, data={"kinds": written, "force": force})
            result.sections_written += len(written)
    return result
