"""etender-draw-v1 (kernel.draw): uniform, reproducible, and every tampering is named; `etender verify-draw`."""

from __future__ import annotations

import copy
import json
import secrets
import subprocess
import sys
from collections import Counter
from itertools import permutations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from etender.kernel import draw
from etender.kernel.signing import Signer


def make_proof(candidates: dict[str, list[str]], counts: dict[str, int], *, seed: bytes | None = None, nonce: bytes | None = None, sign: Signer | None = None) -> dict:
    seed = seed or secrets.token_bytes(32)
    nonce = nonce or secrets.token_bytes(32)
    cands = {s: draw.canonical_list(v) for s, v in sorted(candidates.items())}
    stmt = draw.statement(draw_id="d1", tender_code="T", lot_code="L", counts=counts, candidates=cands)
    digest = draw.candidates_digest(stmt)
    orders, chosen = draw.run(seed=seed, nonce=nonce, digest_hex=digest, candidates=cands, counts=counts)
    proof = {
        "id": "d1", "algorithm": draw.ALGORITHM, "tender_code": "T", "lot_code": "L", "commitment": draw.commitment(seed), "candidates_digest": digest,
        "candidates": cands, "counts": counts, "platform_nonce": nonce.hex(), "seed": seed.hex(), "selected": [c for _, c in chosen], "replacements": [],
    }
    if sign is not None:
        proof = {**proof, "hub_signature": sign.sign(proof), "hub_key": sign.public_info()["public_key"]}
    return proof


ids = st.lists(st.text("0123456789abcdef", min_size=4, max_size=8), min_size=1, max_size=30, unique=True)


@settings(max_examples=150, deadline=None)
@given(a=ids, b=ids, n_a=st.integers(1, 5), n_b=st.integers(1, 5), data=st.data())
def test_reproducible_counts_honoured_no_duplicates(a, b, n_a, n_b, data):
    n_a, n_b = min(n_a, len(a)), min(n_b, max(1, len(set(b) - set(a))))
    if len(set(b) - set(a)) < n_b:
        return
    proof = make_proof({"A01": a, "B02": b}, {"A01": n_a, "B02": n_b})
    report = draw.verify(proof)
    assert report.ok and not report.pending, report.problems
    sel = proof["selected"]
    assert len(sel) == len(set(sel)) == n_a + n_b
    assert set(sel[:n_a]) <= set(a) and set(sel[n_a:]) <= set(b)
    again = make_proof({"A01": a, "B02": b}, {"A01": n_a, "B02": n_b}, seed=bytes.fromhex(proof["seed"]), nonce=bytes.fromhex(proof["platform_nonce"]))
    assert again["selected"] == sel


def test_orders_are_uniform_over_permutations():
    """4 candidates: all 24 orders, each about 1/24 of 24,000 draws (chi-square, 23 d.o.f., p≈0.001 bound 49.7)."""
    cands = ["c1", "c2", "c3", "c4"]
    counts = Counter(tuple(draw.order(draw.draw_key(secrets.token_bytes(32), secrets.token_bytes(32), "00" * 32), "A", cands)) for _ in range(24000))
    assert set(counts) == set(permutations(cands))
    chi2 = sum((n - 1000) ** 2 / 1000 for n in counts.values())
    assert chi2 < 49.7, chi2


def test_nonce_changes_the_order_and_neither_party_controls_it():
    seed = secrets.token_bytes(32)
    cands = [f"c{i:02d}" for i in range(30)]
    firsts = {draw.order(draw.draw_key(seed, secrets.token_bytes(32), "11" * 32), "A", cands)[0] for _ in range(300)}
    assert len(firsts) > 20  # a fixed seed with fresh nonces still spreads over the candidates


def test_replacements_follow_the_committed_order_and_skips_must_be_next():
    proof = make_proof({"A01": [f"e{i}" for i in range(10)]}, {"A01": 3})
    key = draw.draw_key(bytes.fromhex(proof["seed"]), bytes.fromhex(proof["platform_nonce"]), proof["candidates_digest"])
    order = draw.order(key, "A01", proof["candidates"]["A01"])
    rest = [c for c in order if c not in proof["selected"]]
    proof["replacements"] = [{"specialty": "A01", "replaced": proof["selected"][0], "by": rest[1], "skipped": [{"candidate": rest[0], "reason": "unavailable"}]}]
    assert draw.verify(proof).ok
    cheat = copy.deepcopy(proof)
    cheat["replacements"][0] = {"specialty": "A01", "replaced": proof["selected"][0], "by": rest[2], "skipped": [{"candidate": rest[1], "reason": "busy"}]}
    r = draw.verify(cheat)
    assert not r.ok and any("not the next ones" in p for p in r.problems)
    cheat["replacements"][0] = {"specialty": "A01", "replaced": proof["selected"][0], "by": rest[3], "skipped": []}
    assert any("draw order gives" in p for p in draw.verify(cheat).problems)


def tampered(proof: dict, what: str) -> dict:
    p = copy.deepcopy(proof)
    if what == "seed":
        p["seed"] = secrets.token_hex(32)
    elif what == "candidates":
        p["candidates"]["A01"] = draw.canonical_list(p["candidates"]["A01"][:-1] + ["ffffffff"])
    elif what == "nonce":
        p["platform_nonce"] = secrets.token_hex(32)
    elif what == "selection":
        p["selected"] = [next(c for c in p["candidates"]["A01"] if c not in p["selected"])] + p["selected"][1:]
    return p


@pytest.mark.parametrize(("what", "message"), [("seed", "seed: SHA-256(seed) differs"), ("candidates", "candidate list: "), ("nonce", "selection: published"), ("selection", "selection: published")])
def test_tampering_is_named(what, message):
    proof = make_proof({"A01": [f"{i:08x}" for i in range(12)]}, {"A01": 5})
    r = draw.verify(tampered(proof, what))
    assert not r.ok and any(p.startswith(message) for p in r.problems), r.problems


def test_unrevealed_proof_is_pending_not_ok_or_failed():
    proof = make_proof({"A01": ["a1", "a2", "a3"]}, {"A01": 2})
    proof["seed"], proof["selected"] = None, []
    r = draw.verify(proof)
    assert r.ok and r.pending


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etender.cli", "verify-draw", *args], capture_output=True, text=True, timeout=60)


def test_verify_draw_command(tmp_path):
    signer = Signer(Ed25519PrivateKey.generate())
    proof = make_proof({"A01": [f"{i:08x}" for i in range(12)], "C03": [f"c{i:07x}" for i in range(6)]}, {"A01": 5, "C03": 2}, sign=signer)
    good = tmp_path / "proof.json"
    good.write_text(json.dumps(proof), encoding="utf-8")
    r = cli(str(good), "--key", signer.public_info()["public_key"])
    assert r.returncode == 0 and r.stdout.strip().endswith("OK"), r.stdout + r.stderr
    for what in ("seed", "candidates", "nonce", "selection"):
        bad = tmp_path / f"{what}.json"
        bad.write_text(json.dumps(tampered(proof, what)), encoding="utf-8")
        r = cli(str(bad))
        assert r.returncode == 1 and "NOT OK" in r.stdout, (what, r.stdout, r.stderr)
        assert "hub_signature: does not match" in r.stderr
    r = cli(str(good), "--key", Signer(Ed25519PrivateKey.generate()).public_info()["public_key"])
    assert r.returncode == 1 and "hub_key: not the pinned key" in r.stderr
    unrevealed = make_proof({"A01": ["a1", "a2", "a3"]}, {"A01": 2})
    (tmp_path / "pending.json").write_text(json.dumps(dict(unrevealed, seed=None, selected=[])), encoding="utf-8")
    r = cli(str(tmp_path / "pending.json"))
    assert r.returncode == 3 and "PENDING" in r.stdout
    assert cli(str(tmp_path / "missing.json")).returncode == 2
