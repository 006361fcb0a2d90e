"""The double-envelope flow through the command-line tools and the HTTP API, for both suites (issue 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from etender.kernel.web.models import ApiToken
from etender.trading import chronograph, testing
from etender.trading.bids.models import Bid, OpeningRecord
from etender.trading.tenders import services as tender_services
from etender.trading.tenders.models import Custodian, LotStatus

pytestmark = [pytest.mark.django_db(transaction=True)]


def cli(*args: str, cwd) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETENDER_")}
    r = subprocess.run([sys.executable, "-m", "etender.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"{args}: {r.stdout}\n{r.stderr}"
    return r.stdout


@pytest.mark.parametrize("suite", ["intl", "gm"])
def test_custodian_flow_through_the_cli(suite, tenderer, frozen_clock, live_server, tmp_path):
    import httpx

    url = live_server.url
    tender = testing.published_tender(tenderer, lots=1, publish=False)
    users = testing.custodian_users(tenderer, ("tenderer", "operator", "independent"), prefix=f"{suite}-custodian")
    tender_services.custodians_assign(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender, suite=suite, threshold=2, custodians=[{"role": r, "username": u.username} for r, u in zip(("tenderer", "operator", "independent"), users)])
    tokens = {u.username: ApiToken.issue(user=u, name="cli")[1] for u in users}
    for c in Custodian.objects.filter(tender=tender).order_by("index"):
        prefix = tmp_path / f"c{c.index}"
        cli("custodian", "keygen", "--suite", suite, "--out", str(prefix), cwd=tmp_path)
        cli("custodian", "register", "--url", url, "--token", tokens[c.user.username], "--custodian-id", str(c.pk), "--key", f"{prefix}.key.json", cwd=tmp_path)
    tender = tender_services.tender_publish(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender)
    lot = tender.lots.get()
    anon = httpx.Client(base_url=url, timeout=60)
    (tmp_path / "custodians.json").write_text(json.dumps(anon.get(f"/api/tenders/{tender.pk}/custodians").json()), encoding="utf-8")

    for i in range(3):
        party = testing.make_party(f"{suite}命令行投标人{i}有限公司", ["bidder"])
        token = ApiToken.issue(user=party.user, name="cli")[1]
        prefix = tmp_path / f"b{i}"
        cli("bid", "keygen", "--suite", suite, "--out", str(prefix), cwd=tmp_path)
        pub = json.loads((tmp_path / f"b{i}.pub.json").read_text())
        r = httpx.post(f"{url}/api/entities/me/keys", json={"key": pub}, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 201, r.text
        (tmp_path / "bid.txt").write_text("技术标与商务标", encoding="utf-8")
        cli("bid", "seal", "--key", f"{prefix}.key.json", "--tender", tender.code, "--lot", lot.code, "--bidder", party.entity.credit_code, "--price", f"{8_800_000 + i}", "--file", str(tmp_path / "bid.txt"), "--custodians", str(tmp_path / "custodians.json"), "--out", str(tmp_path / f"b{i}.etenv"), cwd=tmp_path)
        with open(tmp_path / f"b{i}.etenv", "rb") as f:
            r = httpx.post(f"{url}/api/lots/{lot.pk}/bids", files={"file": ("bid.etenv", f, "application/octet-stream")}, headers={"Authorization": f"Bearer {token}"}, timeout=60)
        assert r.status_code == 201, r.text
        assert r.json()["receipt"]["log_index"] >= 0

    # Before the deadline a custodian gets nothing to decrypt.
    c1 = Custodian.objects.get(tender=tender, index=1)
    r = httpx.get(f"{url}/api/lots/{lot.pk}/envelope-headers", headers={"Authorization": f"Bearer {tokens[c1.user.username]}"})
    assert r.status_code == 403 and r.json()["code"] == "E122"

    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    for index in (1, 3):  # custodian 2 is absent; no bidder decrypts
        c = Custodian.objects.get(tender=tender, index=index)
        out = cli("custodian", "release", "--url", url, "--token", tokens[c.user.username], "--lot", str(lot.pk), "--index", str(index), "--key", str(tmp_path / f"c{index}.key.json"), cwd=tmp_path)
        assert "released 3 shares" in out
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPENED
    assert sorted(r["price"] for r in OpeningRecord.objects.get(lot=lot).rows) == ["8800000.00", "8800001.00", "8800002.00"]
    assert set(Bid.objects.filter(lot=lot).values_list("opened_by", flat=True)) == {"custodians"}

    for c in Custodian.objects.filter(tender=tender).order_by("index"):
        cli("custodian", "publish-key", "--url", url, "--token", tokens[c.user.username], "--tender", str(tender.pk), "--key", str(tmp_path / f"c{c.index}.key.json"), cwd=tmp_path)
    out = cli("verify-opening", "--url", url, "--lot", str(lot.pk), cwd=tmp_path)
    assert "3 bids, 9 shares re-derived: OK" in out
