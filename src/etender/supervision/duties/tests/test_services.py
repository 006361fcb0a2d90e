from __future__ import annotations

from datetime import UTC, datetime

import pytest

from etender.kernel.audit.actors import Actor
from etender.kernel.audit.models import AuditEntry
from etender.kernel.audit.selectors import audit_for
from etender.kernel.errors import RuleViolation, RuleViolations

from ..models import DutySection, SectionKind
from ..seed_data import DEPARTMENTS
from ..services import department_create, duties_seed, duty_section_update
from .conftest import actor_for

pytestmark = pytest.mark.django_db


def test_staff_edit_publishes_a_new_version_and_is_audited(fgw, staff, frozen_clock):
    before = DutySection.objects.get(department=fgw, kind="duties")
    section = duty_section_update(actor=actor_for(staff), department=fgw, kind="duties", title="职责", body="  第一条\r\n第二条  ", version=before.version)

    assert section.body == "第一条\n第二条"
    assert section.version == before.version + 1
    assert section.updated_at == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert section.updated_by == staff
    assert section.updated_by_name == "王工"
    entries = list(audit_for(section))
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.action, entry.username, entry.user_id, entry.ip) == ("duties.section_updated", "fgw", staff.pk, "10.0.0.8")
    assert entry.data["department"] == "zj-fgw" and entry.data["kind"] == "duties" and entry.data["version"] == section.version
    assert entry.data["previous_sha256"] and entry.data["body_sha256"] != entry.data["previous_sha256"]


def test_a_missing_item_is_created_on_first_edit(hidden_department, superuser):
    section = duty_section_update(actor=actor_for(superuser), department=hidden_department, kind="contacts", body="联系电话：0571-00000000", version=0)
    assert (section.version, section.order, section.title) == (1, SectionKind.position("contacts"), "")
    assert audit_for(section).get().data["previous_sha256"] is None


def test_unchanged_text_records_nothing(fgw, staff):
    section = DutySection.objects.get(department=fgw, kind="matters")
    count = AuditEntry.objects.count()
    same = duty_section_update(actor=actor_for(staff), department=fgw, kind="matters", title=section.title, body=section.body)
    assert same.version == section.version
    assert AuditEntry.objects.count() == count


def test_outsider_and_other_departments_staff_are_refused(departments, staff, outsider):
    for user, dept in ((outsider, departments["zj-fgw"]), (staff, departments["zj-jst"])):
        count = AuditEntry.objects.count()
        with pytest.raises(RuleViolation) as exc:
            duty_section_update(actor=actor_for(user), department=dept, kind="duties", body="篡改")
        assert exc.value.code == "E006"
        assert AuditEntry.objects.count() == count
        assert "篡改" not in DutySection.objects.get(department=dept, kind="duties").body


def test_anonymous_actor_must_sign_in(fgw):
    with pytest.raises(RuleViolation) as exc:
        duty_section_update(actor=Actor(user_id=None, username="anonymous"), department=fgw, kind="duties", body="x")
    assert exc.value.code == "E008"


def test_inactive_staff_is_refused(fgw, staff):
    staff.is_active = False
    staff.save()
    with pytest.raises(RuleViolation) as exc:
        duty_section_update(actor=actor_for(staff), department=fgw, kind="duties", body="x")
    assert exc.value.code == "E006"


def test_superuser_may_edit_any_department(departments, superuser):
    section = duty_section_update(actor=actor_for(superuser), department=departments["zj-slt"], kind="contacts", body="新的联系方式")
    assert section.body == "新的联系方式"


def test_stale_version_is_refused(fgw, staff):
    current = DutySection.objects.get(department=fgw, kind="procedures").version
    duty_section_update(actor=actor_for(staff), department=fgw, kind="procedures", body="甲的修改", version=current)
    with pytest.raises(RuleViolation) as exc:
        duty_section_update(actor=actor_for(staff), department=fgw, kind="procedures", body="乙的修改", version=current)
    assert exc.value.code == "E007"
    assert exc.value.params == {"version": current + 1}
    assert DutySection.objects.get(department=fgw, kind="procedures").body == "甲的修改"


def test_invalid_input_is_refused_with_fields(fgw, staff):
    with pytest.raises(RuleViolations) as exc:
        duty_section_update(actor=actor_for(staff), department=fgw, kind="gossip", title="x" * 201, body="   ")
    assert {(v.code, v.field) for v in exc.value.violations} == {("E001", "kind"), ("E001", "title"), ("E001", "body")}


def test_department_create_checks_its_input(db):
    actor = Actor.system("test")
    with pytest.raises(RuleViolations) as exc:
        department_create(actor=actor, code="Bad Code", name=" ", region_code="990000", industries=["astrology"])
    assert {(v.code, v.field) for v in exc.value.violations} == {("E010", "code"), ("E001", "name"), ("E003", "region_code"), ("E001", "industries")}
    dept = department_create(actor=actor, code="hz-jsj", name="杭州市城乡建设委员会", region_code="330100", industries=["housing", "housing"])
    assert dept.industries == ["housing"]
    assert audit_for(dept).get().action == "duties.department_created"
    with pytest.raises(RuleViolation) as dup:
        department_create(actor=actor, code="hz-jsj", name="重复", region_code="330100")
    assert dup.value.code == "E011"


def test_seed_fills_every_item_of_art_47_for_five_departments(departments):
    assert set(departments) == {"zj-fgw", "zj-jst", "zj-jtyst", "zj-slt", "zj-czt"}
    names = {d.name for d in departments.values()}
    assert {"浙江省发展和改革委员会", "浙江省住房和城乡建设厅", "浙江省交通运输厅", "浙江省水利厅", "浙江省财政厅"} == names
    for dept in departments.values():
        assert dept.published and dept.region_code == "330000"
        kinds = list(dept.sections.order_by("order").values_list("kind", flat=True))
        assert kinds == list(SectionKind.values)
        limits = dept.sections.get(kind="time_limits").body
        for phrase in ("10日内", "3个工作日", "30个工作日", "第六十条", "第六十一条"):
            assert phrase in limits, (dept.code, phrase)
        assert "招标投标法" in dept.sections.get(kind="legal_basis").body
        assert "电子招标投标办法" in dept.sections.get(kind="legal_basis").body


def test_seed_keeps_edits_unless_forced(fgw, staff):
    duty_section_update(actor=actor_for(staff), department=fgw, kind="contacts", body="咨询电话：0571-00000000")
    again = duties_seed(actor=Actor.system("test"), departments=DEPARTMENTS)
    assert (again.departments_created, again.sections_written) == ([], 0)
    assert DutySection.objects.get(department=fgw, kind="contacts").body == "咨询电话：0571-00000000"

    forced = duties_seed(actor=Actor.system("test"), departments=DEPARTMENTS, force=True)
    assert forced.sections_written == 1
    restored = DutySection.objects.get(department=fgw, kind="contacts")
    assert "官方网站" in restored.body and restored.updated_by is None
    assert AuditEntry.objects.filter(action="duties.sections_seeded", object_id=str(fgw.pk)).count() == 2
