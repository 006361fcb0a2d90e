"""Pool rules (E131, E132, E064, E068, E061), every avoidance case, replacements, the 212 records, E133."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

import pytest

from etender.hub.exchange.models import FeedEntry, Record
from etender.hub.exchange.selectors import feed_page
from etender.hub.experts import selectors, services
from etender.hub.experts.models import Avoidance, Member
from etender.kernel import clock
from etender.kernel import draw as algo
from etender.kernel.codes import make_uscc
from etender.kernel.errors import RuleViolation, RuleViolations

from .factories import ADMIN, EMPLOYERS, draw_payload, expert_data, make_expert, make_platform

pytestmark = pytest.mark.django_db


def codes(exc) -> set[str]:
    return {v.code for v in (exc.violations if isinstance(exc, RuleViolations) else [exc])}


def new_draw(platform, *, specialties=None, avoid=None, start=None, hours=8, lot="E3301062025000037001001"):
    p = draw_payload()
    return services.draw_create(actor=ADMIN, platform=platform, tender_code=p["tender_code"], lot_code=lot, evaluation_start=start or datetime.fromisoformat(p["evaluation_start"]),
                                duration_hours=hours, specialties_wanted=specialties or [{"code": "A01", "count": 5}], avoid=avoid or {})


def drawn(platform, **kw):
    d = new_draw(platform, **kw)
    return services.draw_execute(actor=ADMIN, platform=platform, draw=d, platform_nonce=secrets.token_hex(32))


# --------------------------------------------------------------------------- entry conditions and identity


@pytest.mark.parametrize(("over", "code"), [({"work_year": 7}, "E131"), ({"professional": "工程师", "title_level": ""}, "E131"), ({"title_level": "intermediate"}, "E131"),
                                            ({"id_card": "330106190001010030"}, "E068"), ({"id_card": "330106190013010036"}, "E068"), ({"company_code": "91330100MA2EX0001A"}, "E002")])
def test_entry_conditions_and_identity(over, code):
    with pytest.raises((RuleViolation, RuleViolations)) as e:
        make_expert(**over)
    assert code in codes(e.value)


def test_equivalent_level_and_title_words_are_accepted():
    assert make_expert(title_level="equivalent").title_level == "equivalent"
    assert make_expert(professional="教授级高级工程师", title_level="").title_level == "full_senior"
    assert services.title_level_of("副研究员") == "senior" and services.title_level_of("工程师") == "intermediate"


def test_duplicate_identity_and_unknown_specialty():
    e = make_expert(n=77)
    with pytest.raises(RuleViolation) as x:
        services.expert_create(actor=ADMIN, data=expert_data(n=77), specialty_codes=[("A0101", True)])
    assert x.value.code == "E064"
    with pytest.raises(RuleViolation) as x:
        services.expert_update(actor=ADMIN, expert=e, data={}, specialty_codes=[("Z9", True)])
    assert x.value.code == "E061"


def test_punishment_in_effect_blocks_activation_e132():
    e = make_expert()
    services.punishment_add(actor=ADMIN, expert=e, decided_on=clock.now().date() - timedelta(days=30), authority="浙江省发展和改革委员会", description="私下接触投标人", effective_until=clock.now().date() + timedelta(days=700))
    services.expert_set_status(actor=ADMIN, expert=e, status="suspended")
    with pytest.raises(RuleViolation) as x:
        services.expert_set_status(actor=ADMIN, expert=e, status="active")
    assert x.value.code == "E132"
    old = make_expert()
    services.punishment_add(actor=ADMIN, expert=old, decided_on=date(2019, 1, 1), authority="某局", description="迟到", effective_until=date(2020, 1, 1))
    services.expert_set_status(actor=ADMIN, expert=old, status="active")  # expired: fine


# --------------------------------------------------------------------------- avoidance


def pool(n=12, spec="A0101"):
    return [make_expert(specs=[(spec, True)]) for _ in range(n)]


def candidates_of(draw) -> set[int]:
    return set(draw.candidate_rows.values_list("expert_id", flat=True))


def test_every_avoidance_case_is_excluded_before_the_list_is_fixed():
    experts = pool(14)
    platform, _ = make_platform()
    bidder_employee, agency_employee, dept_staff, relative, interest, punished, away, suspended, named = experts[:9]
    bidder_employee.company_code = make_uscc("91330108MA2B7C8D9"); bidder_employee.save()  # noqa: E702
    agency_employee.company_code = make_uscc("91330100MA27XY4L2"); agency_employee.save()  # noqa: E702
    dept_staff.company, dept_staff.company_code = "杭州市西湖区住房和城乡建设局", ""; dept_staff.save()  # noqa: E702
    services.avoidance_add(actor=ADMIN, expert=relative, kind=Avoidance.Kind.RELATIVE, entity_code=make_uscc("91330110MA2CD4E5F"))
    services.avoidance_add(actor=ADMIN, expert=interest, kind=Avoidance.Kind.INTEREST, entity_name="浙江钱塘路桥集团有限公司")
    services.punishment_add(actor=ADMIN, expert=punished, decided_on=date(2025, 1, 1), authority="某局", description="违规", effective_until=None)
    start = clock.now() + timedelta(days=3)
    services.unavailability_add(actor=ADMIN, expert=away, starts_at=start - timedelta(hours=2), ends_at=start + timedelta(hours=1), reason="出差")
    services.expert_set_status(actor=ADMIN, expert=suspended, status="suspended")
    named.company = "浙江 明衡工程咨询有限公司"; named.company_code = ""; named.save()  # noqa: E702
    avoid = {"entity_codes": [make_uscc("91330108MA2B7C8D9"), make_uscc("91330100MA27XY4L2"), make_uscc("91330110MA2CD4E5F")],
             "entity_names": ["浙江钱塘路桥集团有限公司", "浙江明衡工程咨询有限公司"], "supervise_dept_code": "", "supervise_dept_name": "杭州市西湖区住房和城乡建设局"}
    d = new_draw(platform, specialties=[{"code": "A01", "count": 5}], avoid=avoid, start=start)
    assert candidates_of(d) == {e.pk for e in experts[9:]}
    assert d.excluded == {"employer": 3, "supervisor": 1, "declared": 2, "punished": 1, "unavailable": 1, "status": 1}


def test_too_few_after_avoidance_e060_and_overlap_between_specialties():
    platform, _ = make_platform()
    both = [make_expert(specs=[("A0101", True), ("C0201", False)]) for _ in range(4)]
    with pytest.raises(RuleViolation) as x:
        new_draw(platform, specialties=[{"code": "A0101", "count": 5}])
    assert x.value.code == "E060" and x.value.params == {"specialty": "A0101", "needed": 5, "eligible": 4}
    # 3 + 2 from the same four people: the second specialty could be left short whatever the order, so refused.
    with pytest.raises((RuleViolation, RuleViolations)) as x:
        new_draw(platform, specialties=[{"code": "A0101", "count": 3}, {"code": "C0201", "count": 2}])
    assert "E060" in codes(x.value)
    make_expert(specs=[("C0201", True)])
    d = drawn(platform, specialties=[{"code": "A0101", "count": 3}, {"code": "C0201", "count": 1}])
    assert len({m.expert_id for m in d.members.all()}) == 4 and len(both) == 4


def test_busy_on_another_committee_at_the_same_time():
    pool(6)
    platform, _ = make_platform()
    start = clock.now() + timedelta(days=5)
    first = drawn(platform, start=start, hours=8)
    busy = {m.expert_id for m in first.members.all()}
    second = new_draw(platform, specialties=[{"code": "A01", "count": 1}], start=start + timedelta(hours=4), lot="E3301062025000037001002")
    assert not candidates_of(second) & busy and second.excluded == {"busy": 5}
    later = new_draw(platform, specialties=[{"code": "A01", "count": 5}], start=start + timedelta(hours=9), lot="E3301062025000037001003")
    assert len(candidates_of(later)) == 6


# --------------------------------------------------------------------------- execute, replace, confirm, reveal


def test_replacement_takes_the_next_in_the_committed_order_and_skips_the_newly_ineligible():
    pool(10)
    platform, other_signer = make_platform()
    d = drawn(platform)
    key = algo.draw_key(bytes.fromhex(d.seed), bytes.fromhex(d.platform_nonce), d.candidates_digest)
    order = algo.order(key, "A01", d.candidates["A01"])
    assert [m.candidate for m in d.members.order_by("seq")] == order[:5]
    # The next in order has since declared an interest in a party: skipped with its reason, the one after is drawn.
    nxt = d.candidate_rows.get(candidate=order[5]).expert
    # A party that employs none of the pool (an employer code would also exclude its employees, which depend on test order).
    party = make_uscc("91330100MA2XY0001")
    services.avoidance_add(actor=ADMIN, expert=nxt, kind="interest", entity_code=party)
    d.avoid = {**d.avoid, "entity_codes": [party]}
    d.save()
    first = d.members.order_by("seq").first()
    new = services.draw_replace(actor=ADMIN, platform=platform, draw=d, ref=first.expert.ref, reason="因病")
    assert new.candidate == order[6] and new.skipped == [{"candidate": order[5], "reason": "declared"}] and new.position == 6
    assert Member.objects.get(pk=first.pk).status == "replaced"
    with pytest.raises(RuleViolation) as x:
        services.draw_replace(actor=ADMIN, platform=platform, draw=d, ref=first.expert.ref, reason="again")
    assert x.value.code == "E005"
    for m in d.members.exclude(status="replaced")[:3]:
        services.draw_replace(actor=ADMIN, platform=platform, draw=d, ref=m.expert.ref, reason="回避")
    with pytest.raises(RuleViolation) as x:
        services.draw_replace(actor=ADMIN, platform=platform, draw=d, ref=d.members.exclude(status="replaced").first().expert.ref, reason="回避")
    assert x.value.code == "E065"
    foreign, _ = make_platform("91330108MA2DDDDD0P")
    with pytest.raises(RuleViolation) as x:
        services.draw_replace(actor=ADMIN, platform=foreign, draw=d, ref=new.expert.ref, reason="x")
    assert x.value.code == "E067"
    assert other_signer is not None


def test_confirming_despite_a_new_conflict_is_refused_e132():
    pool(6)
    platform, _ = make_platform()
    d = drawn(platform, avoid={"entity_codes": [EMPLOYERS[3]], "entity_names": []})
    m = d.members.first()
    services.avoidance_add(actor=ADMIN, expert=m.expert, kind="relative", entity_code=EMPLOYERS[3])
    with pytest.raises(RuleViolation) as x:
        services.member_respond(actor=ADMIN, member=m, confirmed=True)
    assert x.value.code == "E132" and x.value.params == {"reason": "declared"}
    assert services.member_respond(actor=ADMIN, member=m, confirmed=False, reason="配偶在投标单位任职").status == "declined"


def test_committee_names_are_confidential_until_reveal_e133():
    pool(6)
    platform, _ = make_platform()
    d = drawn(platform)
    for m in d.members.all():
        services.member_respond(actor=ADMIN, member=m, confirmed=True)
    with pytest.raises(RuleViolation) as x:
        selectors.committee_public(d)
    assert x.value.code == "E133"
    assert selectors.proof(d)["committee"] is None and selectors.proof(d)["seed"] is None
    services.draw_reveal(actor=ADMIN, platform=platform, draw=d)
    d.refresh_from_db()
    assert len(selectors.committee_public(d)) == 5 and algo.verify(selectors.proof(d)).ok


def test_selected_expert_who_became_ineligible_is_replaced_at_once():
    experts = pool(8)
    platform, _ = make_platform()
    d = new_draw(platform)
    for e in experts:  # every pool member goes away after the commitment except three
        if e not in experts[:3]:
            services.expert_set_status(actor=ADMIN, expert=e, status="suspended")
    with pytest.raises(RuleViolation) as x:
        services.draw_execute(actor=ADMIN, platform=platform, draw=d, platform_nonce=secrets.token_hex(32))
    assert x.value.code == "E065"
    assert Member.objects.count() == 0  # nothing half-drawn


def test_nonce_and_state_errors():
    pool(6)
    platform, _ = make_platform()
    d = new_draw(platform)
    with pytest.raises(RuleViolation) as x:
        services.draw_execute(actor=ADMIN, platform=platform, draw=d, platform_nonce="ab" * 31)
    assert x.value.code == "E066"
    with pytest.raises(RuleViolation) as x:
        services.draw_reveal(actor=ADMIN, platform=platform, draw=d)
    assert x.value.code == "E007"
    with pytest.raises(RuleViolation) as x:
        new_draw(platform, start=clock.now() - timedelta(hours=1))
    assert x.value.code == "E009"


# --------------------------------------------------------------------------- data set 212


def test_pool_records_go_to_the_hubs_own_exchange_and_never_public():
    e = make_expert(specs=[("A0101", True), ("C0201", False)])
    recs = Record.objects.filter(dataset="212")
    assert recs.count() == 2 and {r.data["MAJOR_CODE"] for r in recs} == {"A0101", "C0201"}
    assert all(r.platform.kind == "hub" and r.platform.status == "pending" and r.region_code == "330106" for r in recs)
    items, _ = feed_page(after=0, limit=100, full=False)
    assert items and all(i["record"] == {"ID_CARD_TYPE": "01"} and i["key"] is None for i in items)
    full, _ = feed_page(after=0, limit=100, full=True)
    assert full[0]["record"]["EXPERT_NAME"] == e.name
    services.expert_update(actor=ADMIN, expert=e, data={}, specialty_codes=[("A0101", True)])
    assert Record.objects.get(dataset="212", key__endswith="C0201").deleted
    assert FeedEntry.objects.filter(dataset="212", op="delete").count() == 1
    services.expert_set_status(actor=ADMIN, expert=e, status="suspended")
    assert Record.objects.get(dataset="212", key__endswith="A0101").data["DMISSON"] == "0"


def test_records_without_tender_project_do_not_break_open_data_or_the_portal(client):
    from etender.hub.opendata.services import process_index_update

    e = make_expert()
    process_index_update()
    r = client.get("/api/ocds/release-package")
    assert r.status_code == 200 and e.name not in r.content.decode() and e.id_card not in r.content.decode()
    assert r.json()["releases"] == []
    r = client.get("/search/", {"q": e.name})
    assert r.status_code == 200 and e.id_card not in r.content.decode() and e.phone not in r.content.decode()


def test_import_refuses_unreadable_files_and_unknown_columns_e062():
    from .test_views import xlsx

    for content in (b"not a spreadsheet", xlsx([["专家身份证件号码", "专家姓名", "参评专业编号", "爱好"]]), xlsx([["专家姓名"]])):
        with pytest.raises(RuleViolation) as x:
            services.experts_import(actor=ADMIN, content=content)
        assert x.value.code == "E062"
