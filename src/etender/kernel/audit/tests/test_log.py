"""The tamper-evident operation log on a real database (run under the trading settings)."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from etender.kernel import checkpoint as notes
from etender.kernel import merkle
from etender.kernel.audit import log
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.models import AuditEntry, Checkpoint, LogNode
from etender.kernel.audit.services import audit_record
from etender.kernel.verify_log import verify_lines

pytestmark = pytest.mark.django_db


def record(n: int, action: str = "test.event") -> list[AuditEntry]:
    out = []
    for i in range(n):
        with transaction.atomic():
            out.append(audit_record(actor=Actor(user_id=1, username="tester", ip="127.0.0.1"), action=action, data={"i": i, "hash": f"{i:064x}"}))
    return out


def verifier():
    return notes.NoteVerifier.from_key(log.verifier_key())


def test_leaves_are_dense_and_proofs_verify():
    entries = record(13)
    assert [e.seq for e in entries] == list(range(13))
    cp = log.checkpoint_issue(reason="test")
    parsed = notes.parse_signed_checkpoint(cp.note, [verifier()], required=[verifier().name])
    assert parsed.size == 13 and parsed.root.hex() == cp.root
    for e in entries:
        proof = log.inclusion(e.seq, 13)
        assert merkle.verify_inclusion(bytes.fromhex(e.leaf_hash), e.seq, 13, proof, parsed.root)
    record(7)
    cp2 = log.checkpoint_issue()
    assert merkle.verify_consistency(13, 20, bytes.fromhex(cp.root), bytes.fromhex(cp2.root), log.consistency(13, 20))


def test_checkpoint_issue_is_idempotent_per_size():
    record(3)
    a = log.checkpoint_issue()
    b = log.checkpoint_issue()
    assert a.pk == b.pk and Checkpoint.objects.count() == 1


def _without_maintenance(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL etender.log_maintenance = 'off'")
        cur.execute(sql, params)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET data = '{}'",
        "DELETE FROM audit_auditentry",
        "UPDATE audit_lognode SET hash = 'x'",
        "DELETE FROM audit_checkpoint",
        "TRUNCATE audit_auditentry CASCADE",
    ],
)
def test_database_refuses_changes_to_the_log(sql):
    record(2)
    log.checkpoint_issue()
    if sql.startswith("TRUNCATE") and connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(DatabaseError) as exc:
        _without_maintenance(sql)
    assert "append-only" in str(exc.value)
    assert AuditEntry.objects.count() == 2


def export() -> list[str]:
    return list(log.export_lines())


def test_verify_log_accepts_an_honest_log():
    record(10)
    log.checkpoint_issue()
    record(5)
    log.checkpoint_issue()
    report = verify_lines(export())
    assert report.ok and report.leaves == 15 and report.checkpoints == 2, report.problems


def test_rewriting_or_deleting_an_event_is_detected():
    record(10)
    earlier = log.checkpoint_issue()
    lines = export()
    # A superuser bypasses the triggers and rewrites entry 4 consistently (leaf, canonical and nodes).
    leaves = [json.loads(x) for x in lines if json.loads(x)["type"] == "leaf"]
    doc = json.loads(leaves[4]["canonical"])
    doc["data"]["hash"] = "f" * 64
    from etender.kernel.canonical import canonical

    forged = [json.dumps({"type": "key", "origin": log.origin(), "verifier_key": log.verifier_key()})]
    forged += [json.dumps({"type": "leaf", "seq": leaf["seq"], "canonical": canonical(doc).decode() if leaf["seq"] == 4 else leaf["canonical"]}) for leaf in leaves]
    report = verify_lines(forged, trusted_notes=[earlier.note])
    assert not report.ok and any("changed" in p for p in report.problems)
    # Deleting the last event.
    shortened = [x for x in lines if not (json.loads(x)["type"] == "leaf" and json.loads(x)["seq"] == 9)]
    report = verify_lines(shortened)
    assert not report.ok and any("deleted" in p for p in report.problems)
    # A forged checkpoint (signed by another key) is refused.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    rogue = notes.NoteSigner(log.origin(), Ed25519PrivateKey.generate())
    body = notes.Checkpoint(origin=log.origin(), size=10, root=b"\x00" * 32).body()
    report = verify_lines(lines, trusted_notes=[rogue.sign(body)])
    assert not report.ok


def test_concurrent_appends_stay_dense(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL concurrency")
    barrier = threading.Barrier(8)

    def work():
        try:
            barrier.wait(timeout=30)
            record(5)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seqs = sorted(AuditEntry.objects.values_list("seq", flat=True))
    assert seqs == list(range(40))
    cp = log.checkpoint_issue()
    assert merkle.root_from_leaves([bytes.fromhex(h) for h in AuditEntry.objects.order_by("seq").values_list("leaf_hash", flat=True)]).hex() == cp.root
    assert LogNode.objects.filter(level=0).count() == 40


def test_log_api():
    entries = record(6)
    log.checkpoint_issue()
    c = Client()
    cp = c.get("/api/log/checkpoint").json()
    assert cp["size"] == 6 and cp["note"].startswith(log.origin())
    r = c.get("/api/log/proof/inclusion", {"index": 2, "size": 6}).json()
    assert merkle.verify_inclusion(bytes.fromhex(r["leaf_hash"]), 2, 6, [bytes.fromhex(p) for p in r["proof"]], bytes.fromhex(cp["root"]))
    assert r["leaf_hash"] == entries[2].leaf_hash
    assert c.get("/api/log/proof/inclusion", {"index": 9, "size": 6}).json()["code"] == "E001"
    assert c.get("/api/log/proof/consistency", {"old": 7, "new": 6}).json()["code"] == "E001"
    assert c.get("/api/log/export").status_code == 401


def test_verify_log_cli_and_pinned_key(tmp_path):
    import subprocess
    import sys

    record(4)
    log.checkpoint_issue()
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(export()) + "\n", encoding="utf-8")
    ok = subprocess.run([sys.executable, "-m", "etender.cli", "verify-log", str(path), "--key", log.verifier_key()], capture_output=True, text=True)
    assert ok.returncode == 0 and "4 leaves, 1 checkpoints: OK" in ok.stdout, ok.stdout + ok.stderr
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = notes.NoteSigner(log.origin(), Ed25519PrivateKey.generate()).verifier_key()
    bad = subprocess.run([sys.executable, "-m", "etender.cli", "verify-log", str(path), "--key", other], capture_output=True, text=True)
    assert bad.returncode == 1 and "NOT OK" in bad.stdout
