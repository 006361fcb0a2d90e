"""The draw API of interfaces.md (issue 5, items 1–7) through the real URL routing, signed like a trading platform."""

from __future__ import annotations

import secrets

import pytest

from etender.kernel import draw as algo

from .factories import EMPLOYERS, SignedClient, draw_payload, make_expert, make_platform

pytestmark = pytest.mark.django_db
API = "/api/experts/v1"


@pytest.fixture
def pool():
    return [make_expert(n=i, specs=[("A010101" if i % 2 else "A0102", True)]) for i in range(1, 15)]


@pytest.fixture
def hub(client):
    platform, signer = make_platform()
    return SignedClient(client, platform, signer)


def test_full_cycle_commit_execute_replace_confirm_reveal_verify(hub, pool, client):
    r = hub.post(f"{API}/draws", draw_payload(avoid={"entity_codes": [EMPLOYERS[1]], "entity_names": [], "supervise_dept_code": "", "supervise_dept_name": ""}))
    assert r.status_code == 201, r.content
    c = r.json()
    assert c["status"] == "committed" and len(c["commitment"]) == 64 and c["proof_url"].endswith(f"/experts/draws/{c['id']}/proof/")
    excluded = [e for e in pool if e.company_code == EMPLOYERS[1]]
    assert excluded and c["candidate_count"] == {"A01": len(pool) - len(excluded)}
    # Before the nonce: the proof has the list and the commitment, no seed, no selection.
    p = client.get(f"{API}/draws/{c['id']}/proof").json()
    assert p["seed"] is None and p["selected"] == [] and p["commitment"] == c["commitment"]
    nonce = secrets.token_hex(32)
    r = hub.post(f"{API}/draws/{c['id']}/execute", {"platform_nonce": nonce})
    assert r.status_code == 200, r.content
    d = r.json()
    assert d["status"] == "drawn" and len(d["members"]) == 5
    assert all(m["status"] == "notified" and m["name"] and m["mobile"] for m in d["members"])
    assert not {m["ref"] for m in d["members"]} & {e.ref for e in excluded}
    # Replacement, confirmations, reveal.
    out = d["members"][0]["ref"]
    r = hub.post(f"{API}/draws/{c['id']}/replacements", {"ref": out, "reason": "因病不能参加"})
    assert r.status_code == 200, r.content
    members = r.json()["members"]
    assert [m["status"] for m in members].count("replaced") == 1 and len(members) == 6
    for m in members:
        if m["status"] == "notified":
            assert hub.post(f"{API}/draws/{c['id']}/members/{m['ref']}/confirm", {"confirmed": True, "reason": ""}).status_code == 200
    # Names stay confidential until the reveal (E133).
    r = client.get(f"{API}/draws/{c['id']}/committee")
    assert r.status_code == 403 and r.json()["code"] == "E133"
    assert hub.post(f"{API}/draws/{c['id']}/reveal", {}).status_code == 200
    p = client.get(f"{API}/draws/{c['id']}/proof").json()
    assert p["seed"] and len(p["committee"]) == 5
    report = algo.verify(p)
    assert report.ok and not report.pending, report.problems
    assert len(client.get(f"{API}/draws/{c['id']}/committee").json()) == 5
    # Performance after the evaluation.
    ref = next(m["ref"] for m in members if m["status"] == "notified")
    r = hub.post(f"{API}/draws/{c['id']}/performance", {"ref": ref, "score": 92, "comment": "认真负责"})
    assert r.status_code == 200 and r.json()["score"] == 92


def test_unsigned_or_foreign_requests_are_refused(client, hub, pool):
    assert client.post(f"{API}/draws", draw_payload(), content_type="application/json").json()["code"] == "E015"
    c = hub.post(f"{API}/draws", draw_payload()).json()
    other, signer = make_platform("91330108MA2DDDDD0P")
    r = SignedClient(client, other, signer).get(f"{API}/draws/{c['id']}")
    assert r.status_code == 403 and r.json()["code"] == "E067"
    # A body changed after signing does not pass.
    bad = SignedClient(client, hub.platform, hub.signer)
    import json as _json

    raw = _json.dumps({"platform_nonce": "00" * 32}).encode()
    headers = bad._headers("POST", f"{API}/draws/{c['id']}/execute", raw)
    r = client.post(f"{API}/draws/{c['id']}/execute", _json.dumps({"platform_nonce": "11" * 32}), content_type="application/json", **headers)
    assert r.status_code == 403 and r.json()["code"] == "E013"


def test_plain_exchange_scheme_without_body_digest_is_accepted(client, pool):
    platform, signer = make_platform()
    r = SignedClient(client, platform, signer, with_digest=False).post(f"{API}/draws", draw_payload())
    assert r.status_code == 201, r.content


def test_too_few_candidates_unknown_specialty_and_bad_nonce(hub, pool):
    r = hub.post(f"{API}/draws", draw_payload(specialties=[{"code": "A0101", "count": 8}]))
    assert r.status_code == 409 and r.json()["code"] == "E060"
    r = hub.post(f"{API}/draws", draw_payload(specialties=[{"code": "Z99", "count": 1}]))
    assert r.status_code == 422 and r.json()["code"] == "E061"
    c = hub.post(f"{API}/draws", draw_payload()).json()
    r = hub.post(f"{API}/draws/{c['id']}/execute", {"platform_nonce": "xyz"})
    assert r.status_code == 422 and r.json()["code"] == "E066"


def test_a_draw_cannot_be_made_again_with_another_nonce(hub, pool):
    c = hub.post(f"{API}/draws", draw_payload()).json()
    nonce = secrets.token_hex(32)
    first = hub.post(f"{API}/draws/{c['id']}/execute", {"platform_nonce": nonce}).json()
    assert hub.post(f"{API}/draws/{c['id']}/execute", {"platform_nonce": nonce}).json()["members"] == first["members"]  # retry
    r = hub.post(f"{API}/draws/{c['id']}/execute", {"platform_nonce": secrets.token_hex(32)})
    assert r.status_code == 422 and r.json()["code"] == "E130"
    c2 = hub.post(f"{API}/draws", draw_payload(lot_code="E3301062025000037001002")).json()
    r = hub.post(f"{API}/draws/{c2['id']}/execute", {"platform_nonce": nonce})
    assert r.json()["code"] == "E130"


def test_specialty_table(client):
    items = client.get(f"{API}/specialties").json()["items"]
    assert {"code": "A0101", "name_zh": "建筑工程施工", "name_en": "Building construction", "parent": "A01", "level": 3} in items
