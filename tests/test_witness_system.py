"""The whole ecosystem: the trading platforms' checkpoints are cosigned by the hub's witness over real HTTP.

Runs `etender demo` (hub, trading-a, trading-b, supervision on SQLite, with their
workers) on a random port offset and checks, from the outside only, that
trading-a's latest checkpoint is served with the hub's cosignature, which
verifies with the key the hub publishes, and that the hub shows what it
witnessed.  Run with ``-p no:django``.
"""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request

import pytest

from etender.kernel import checkpoint as notes



def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


@pytest.mark.slow
def test_trading_checkpoints_get_cosigned_by_the_hub(ecosystem):
    url = {name: ecosystem.url(name) for name in ("hub", "trading-a", "trading-b", "supervision")}
    ready = time.monotonic()
    key = get_json(url["hub"] + "/api/witness/v1/key")
    witness = notes.NoteVerifier.from_key(key["verifier_key"])
    assert witness.sig_type == notes.SIG_COSIGNATURE_V1
    for name in ("trading-a", "trading-b"):
        # the log's key is pinned from the hub's registry, not taken from the platform itself
        latest = get_json(url[name] + "/api/log/checkpoint")
        registered = {x["origin"]: x for x in get_json(url["hub"] + "/api/witness/v1/logs")}
        deadline = time.monotonic() + 60
        while latest["origin"] not in registered or not latest["cosignatures"]:
            assert time.monotonic() < deadline, (name, latest, registered, get_json(url[name] + "/api/log/witnesses"))
            time.sleep(0.5)
            latest = get_json(url[name] + "/api/log/checkpoint")
            registered = {x["origin"]: x for x in get_json(url["hub"] + "/api/witness/v1/logs")}
        log_v = notes.NoteVerifier.from_key(registered[latest["origin"]]["log_verifier_key"])
        cp = notes.parse_signed_checkpoint(latest["note"], [log_v, witness], required=[log_v.name, witness.name], origin=latest["origin"])
        assert cp.size == latest["size"] and cp.root.hex() == latest["root"]
        opened = notes.verify_note(latest["note"], [witness])
        stamp = opened.verified[0].timestamp
        assert abs(stamp - time.time()) < 600
        print(f"{name}: checkpoint {cp.size} cosigned by {witness.name} {time.monotonic() - ready:.1f} s after the demo was ready")
        # every checkpoint was submitted in order, each after the first with a consistency proof from the one before
        sizes = [c["size"] for c in get_json(url[name] + "/api/log/checkpoints") if c["size"] <= cp.size]
        history = [c["size"] for c in get_json(url["hub"] + "/api/witness/v1/checkpoints?origin=" + urllib.parse.quote(latest["origin"]))]
        assert sizes == history[: len(sizes)] and len(sizes) >= 2, (sizes, history)
        state = get_json(url[name] + "/api/log/witnesses")
        assert state[0]["size"] >= cp.size and state[0]["verifier_key"] == witness.verifier_key()
        assert registered[latest["origin"]]["size"] >= cp.size

    # the hub's page shows both logs and no alert
    with urllib.request.urlopen(urllib.request.Request(url["hub"] + "/witness/", headers={"Cookie": "django_language=zh-hans"}), timeout=10) as r:
        page = r.read().decode()
    assert "日志见证" in page and "暂无告警" in page
    assert "之江电子招标投标交易平台" in page and "钱塘数智招采交易平台" in page
    assert get_json(url["hub"] + "/api/witness/v1/alerts") == []
