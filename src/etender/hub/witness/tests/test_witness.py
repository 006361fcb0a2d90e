"""The hub as witness (c2sp.org/tlog-witness): real Ed25519 keys, real RFC 6962 logs, PostgreSQL."""

from __future__ import annotations

import base64
import os
import threading

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etender.kernel import checkpoint as notes
from etender.kernel import merkle
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.models import AuditEntry
from etender.kernel.canonical import canonical
from etender.kernel.codes import make_uscc
from etender.kernel.events import subscribe
from etender.kernel.tlog_witness import request_body
from etender.hub.exchange import services as exchange
from etender.hub.witness import keys
from etender.hub.witness.models import WitnessAlert, WitnessedCheckpoint, WitnessedLog

ACTOR = Actor.system("test")
URL = "/api/witness/v1/add-checkpoint"


class PlatformLog:
    """A trading platform's operation log: a real Merkle tree signed with the platform's registered Ed25519 key."""

    def __init__(self, serial: int, *, origin: str | None = None, key: Ed25519PrivateKey | None = None):
        self.code = make_uscc(f"91330100MA2{serial:06d}")
        self.key = key or Ed25519PrivateKey.generate()
        self.public = base64.b64encode(self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
        self.origin = origin or f"platform-{serial}.example/audit/v1"
        self.signer = notes.NoteSigner(self.origin, self.key)
        self.tree = merkle.MemoryNodes()
        self.serial = serial

    def register(self, status: str = "active"):
        p = exchange.platform_register(actor=ACTOR, code=self.code, name=f"交易平台{self.serial}", kind="trading", url="", public_key=self.public)
        if status != "pending":
            exchange.platform_set_status(actor=ACTOR, platform=p, status=status)
        return p

    def grow(self, n: int, tag: str = "") -> PlatformLog:
        for _ in range(n):
            i = self.tree.size
            self.tree.append(canonical({"v": 1, "log": self.origin, "seq": i, "action": f"bid.received{tag}", "data": {"n": i}}))
        return self

    @property
    def size(self) -> int:
        return self.tree.size

    def note(self, size: int | None = None) -> str:
        size = self.size if size is None else size
        return self.signer.sign(notes.Checkpoint(self.origin, size, self.tree.root(size)).body())

    def proof(self, old: int, new: int | None = None) -> list[bytes]:
        new = self.size if new is None else new
        return merkle.consistency_proof(old, new, self.tree) if 0 < old < new else []

    def body(self, old: int, size: int | None = None, proof: list[bytes] | None = None, note: str | None = None) -> bytes:
        size = self.size if size is None else size
        return request_body(old, self.proof(old, size) if proof is None else proof, self.note(size) if note is None else note)

    def copy(self, upto: int, tag: str) -> PlatformLog:
        """The same key and origin, the first ``upto`` leaves, then leaves of its own: a fork."""
        other = PlatformLog(self.serial, origin=self.origin, key=self.key)
        for i in range(upto):
            other.tree.append_hash(self.tree.node(0, i))
        return other


def add(client: Client, body: bytes):
    return client.post(URL, data=body, content_type="text/plain")


def witness_verifier() -> notes.NoteVerifier:
    return notes.NoteVerifier.from_key(Client().get("/api/witness/v1/key").json()["verifier_key"])


def assert_cosigned(platform: PlatformLog, size: int, answer: str) -> int:
    """The answer is a valid cosignature of the witness's published key over the platform's checkpoint; its timestamp."""
    w = witness_verifier()
    cp = notes.parse_signed_checkpoint(platform.note(size) + answer, [platform.signer.verifier(), w], required=[platform.origin, w.name], origin=platform.origin)
    assert (cp.size, cp.root) == (size, platform.tree.root(size))
    (cosig,) = [v for v in notes.verify_note(platform.note(size) + answer, [w]).verified]
    return cosig.timestamp


@pytest.fixture
def platform(db) -> PlatformLog:
    p = PlatformLog(1)
    p.register()
    return p


def test_happy_path_cosigns_only_consistent_extensions(platform, client):
    platform.grow(5)
    r = add(client, platform.body(0))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/plain")
    answer = r.content.decode()
    assert answer.startswith("— " + keys.witness_name() + " ") and answer.count("\n") == 1
    assert_cosigned(platform, 5, answer)
    platform.grow(6)
    r = add(client, platform.body(5))
    assert r.status_code == 200, r.content
    assert_cosigned(platform, 11, r.content.decode())
    log = WitnessedLog.objects.get(origin=platform.origin)
    assert (log.size, log.root) == (11, platform.tree.root(11).hex())
    assert log.note == platform.note(11) + r.content.decode()
    assert list(WitnessedCheckpoint.objects.filter(log=log).values_list("size", flat=True)) == [5, 11]
    listed = client.get("/api/witness/v1/logs").json()
    assert [(x["origin"], x["platform_code"], x["size"], x["root"]) for x in listed] == [(platform.origin, platform.code, 11, platform.tree.root(11).hex())]
    assert listed[0]["log_verifier_key"] == platform.signer.verifier_key()
    history = client.get("/api/witness/v1/checkpoints", {"origin": platform.origin}).json()
    assert [c["size"] for c in history] == [5, 11]
    # the hub's own tamper-evident log records the enrolment and every cosignature
    assert list(AuditEntry.objects.filter(action__startswith="witness.").order_by("seq").values_list("action", flat=True)) == ["witness.log_enrolled", "witness.cosigned", "witness.cosigned"]
    assert not WitnessAlert.objects.exists()


def test_key_endpoint_and_key_file(db, client):
    body = client.get("/api/witness/v1/key").json()
    v = notes.NoteVerifier.from_key(body["verifier_key"])
    assert v.sig_type == notes.SIG_COSIGNATURE_V1 and v.name == body["name"] == keys.witness_name()
    assert body["key_id"] == v.key_id.hex() and base64.b64decode(body["public_key"]) == v.public_raw
    assert os.stat(keys.key_path()).st_mode & 0o777 == 0o600


def test_a_retry_gets_the_same_cosignature_and_changes_nothing(platform, client):
    platform.grow(7)
    first = add(client, platform.body(0))
    assert first.status_code == 200
    # the answer was lost: the client sends the same request again and learns the witness already has size 7
    again = add(client, platform.body(0))
    assert again.status_code == 409 and again["Content-Type"] == "text/x.tlog.size" and again.content == b"7\n"
    assert again["X-Etender-Error"] == "E033"
    # with the old size the witness holds, it gets the very same cosignature back
    retry = add(client, platform.body(7))
    assert retry.status_code == 200 and retry.content == first.content
    assert WitnessedCheckpoint.objects.count() == 1 and not WitnessAlert.objects.exists()


def test_stale_old_size_is_answered_with_the_witness_size(platform, client):
    platform.grow(3)
    r = add(client, platform.body(2))  # the witness has nothing yet: its size is 0
    assert (r.status_code, r.content) == (409, b"0\n")
    assert add(client, platform.body(0)).status_code == 200
    platform.grow(8)
    r = add(client, platform.body(1))
    assert (r.status_code, r.content) == (409, b"3\n")
    r = add(client, platform.body(3))
    assert r.status_code == 200
    assert WitnessedLog.objects.get().size == 11


def test_smaller_checkpoints_are_refused(platform, client):
    platform.grow(9)
    assert add(client, platform.body(0, size=4)).status_code == 200
    assert add(client, platform.body(4)).status_code == 200
    r = add(client, platform.body(9, size=4, proof=[]))  # old size above the checkpoint's: malformed
    assert r.status_code == 400 and r.json()["code"] == "E030"
    r = add(client, platform.body(4, size=4))  # the earlier checkpoint, again: the witness has moved on
    assert (r.status_code, r.content) == (409, b"9\n")
    assert WitnessedLog.objects.get().size == 9 and not WitnessAlert.objects.exists()


def test_forged_signatures_are_refused(platform, client):
    platform.grow(4)
    impostor = notes.NoteSigner(platform.origin, Ed25519PrivateKey.generate())  # same name, another key
    note = impostor.sign(notes.Checkpoint(platform.origin, 4, platform.tree.root(4)).body())
    r = add(client, platform.body(0, note=note))
    assert r.status_code == 404 and r.json()["code"] == "E031"  # no registered key of that origin signed it
    assert add(client, platform.body(0)).status_code == 200  # enrolled now, with the registered key
    platform.grow(2)
    r = add(client, platform.body(4, note=impostor.sign(notes.Checkpoint(platform.origin, 6, platform.tree.root(6)).body())))
    assert r.status_code == 403 and r.json()["code"] == "E032"
    # the right key's line over another root: the signature does not verify
    genuine = platform.note(6)
    text, sigs = notes.parse_note(genuine)
    tampered = notes.Checkpoint(platform.origin, 6, bytes(32)).body() + "\n" + sigs[0].line
    r = add(client, platform.body(4, note=tampered))
    assert r.status_code == 403 and r.json()["code"] == "E032"
    assert WitnessedLog.objects.get().size == 4 and not WitnessAlert.objects.exists()


def test_unknown_and_inactive_logs(db, client):
    stranger = PlatformLog(2).grow(3)  # not registered at the hub
    r = add(client, stranger.body(0))
    assert r.status_code == 404 and r.json()["code"] == "E031"
    suspended = PlatformLog(3).grow(3)
    suspended.register(status="suspended")
    assert add(client, suspended.body(0)).status_code == 404
    pending = PlatformLog(4).grow(3)
    pending.register(status="pending")
    assert add(client, pending.body(0)).status_code == 404
    assert not WitnessedLog.objects.exists()


def test_one_log_per_platform_and_origins_cannot_be_taken_over(platform, client):
    platform.grow(3)
    assert add(client, platform.body(0)).status_code == 200
    second = PlatformLog(1, origin="platform-1.example/another-log/v1", key=platform.key).grow(3)
    r = add(client, second.body(0))
    assert r.status_code == 404 and r.json()["code"] == "E031"
    other = PlatformLog(5, origin=platform.origin).grow(5)  # another registered platform claims the origin
    other.register()
    r = add(client, other.body(3))
    assert r.status_code == 403 and r.json()["code"] == "E032"


def test_witness_enrol_binds_an_origin_in_advance(db, client):
    from django.core.management import call_command

    owner, squatter = PlatformLog(6), PlatformLog(7, origin="platform-6.example/audit/v1")
    owner.register()
    squatter.register()
    call_command("witness_enrol", owner.code, owner.origin, stdout=open(os.devnull, "w"))
    r = add(client, squatter.grow(2).body(0))
    assert r.status_code == 403 and r.json()["code"] == "E032"
    assert add(client, owner.grow(2).body(0)).status_code == 200


def test_fork_of_the_same_size_is_refused_and_raises_an_alert(platform, client, django_capture_on_commit_callbacks):
    events = []
    unsubscribe = subscribe("witness.", lambda name, payload: events.append((name, payload)))
    try:
        platform.grow(11)
        assert add(client, platform.body(0, size=6)).status_code == 200
        assert add(client, platform.body(6)).status_code == 200
        fork = platform.copy(8, "-rewritten").grow(3, "-rewritten")  # same key and origin, a different size-11 tree
        assert fork.size == 11 and fork.tree.root(11) != platform.tree.root(11)
        with django_capture_on_commit_callbacks(execute=True):
            r = add(client, fork.body(11))
        assert r.status_code == 409 and r.content == b"11\n" and r["X-Etender-Error"] == "E033"
        alert = WitnessAlert.objects.get()
        assert r["X-Etender-Alert"] == str(alert.pk)
        assert (alert.kind, alert.witnessed_size, alert.submitted_size) == ("fork", 11, 11)
        assert alert.witnessed_root == platform.tree.root(11).hex() and alert.submitted_root == fork.tree.root(11).hex()
        # the evidence stands on its own: both notes open with the log's registered key
        log_v = notes.NoteVerifier.from_key(alert.log_verifier_key)
        a = notes.parse_signed_checkpoint(alert.witnessed_note, [log_v, witness_verifier()], required=[platform.origin, keys.witness_name()])
        b = notes.parse_signed_checkpoint(alert.submitted_note, [log_v], required=[platform.origin])
        assert a.size == b.size and a.root != b.root
        assert [n for n, _ in events] == ["witness.alert_raised"] and events[0][1]["id"] == alert.pk
        # the same fork again is counted, not duplicated, and not published twice
        with django_capture_on_commit_callbacks(execute=True):
            assert add(client, fork.body(11)).status_code == 409
        alert.refresh_from_db()
        assert alert.occurrences == 2 and WitnessAlert.objects.count() == 1 and len(events) == 1
        # an earlier size witnessed with another root is a fork too, whatever old size is sent
        r = add(client, fork.body(0, size=6))
        assert r.status_code == 409 and WitnessAlert.objects.count() == 1  # size 6 is shared: leaves 0–7 are the same
        early_fork = platform.copy(2, "-x").grow(4, "-x")
        r = add(client, early_fork.body(0, size=6))
        assert r.status_code == 409 and WitnessAlert.objects.filter(submitted_size=6, kind="fork").count() == 1
        # the witness stays where it was
        log = WitnessedLog.objects.get()
        assert (log.size, log.root) == (11, platform.tree.root(11).hex())
        # visible to everyone: API and page
        listed = Client().get("/api/witness/v1/alerts").json()
        assert [x["kind"] for x in listed] == ["fork", "fork"] and listed[0]["id"] == alert.pk
        assert listed[0]["witnessed_note"] == alert.witnessed_note and listed[0]["submitted_note"] == fork.note(11)
        assert listed[0]["witness_verifier_key"] == keys.verifier_key()
        assert Client().get("/api/witness/v1/alerts", {"after": alert.pk}).json()[0]["submitted_size"] == 6
        assert Client().get(f"/api/witness/v1/alerts/{alert.pk}").json()["platform_code"] == platform.code
        assert Client().get("/api/witness/v1/alerts/999999").status_code == 404
        page = Client().get("/witness/").content.decode()
        assert "告警" in page and "交易平台1" in page and f"alert-{alert.pk}" in page and "同一树大小的两个不同根哈希" in page
        page_en = Client(HTTP_ACCEPT_LANGUAGE="en").get("/witness/").content.decode()
        assert "two different roots for one tree size" in page_en and "Witnessed logs" in page_en
        assert AuditEntry.objects.filter(action="witness.alert_raised").count() == 2
    finally:
        unsubscribe()


def test_a_rewritten_history_is_refused_and_raises_an_alert(platform, client):
    platform.grow(6)
    assert add(client, platform.body(0)).status_code == 200  # the witness holds size 6 (not a power of two)
    # the operator rewrites entry 2 below the witnessed size, keeps appending, and the platform signs on as usual
    rewritten = platform.copy(2, "").grow(1, "-changed").grow(3)
    for i in range(3, 6):
        assert rewritten.tree.node(0, i) == platform.tree.node(0, i)
    rewritten.grow(4)
    r = add(client, rewritten.body(6))  # the proof the rewritten log computes from its own tree
    assert r.status_code == 422 and r.json()["code"] == "E034"
    alert = WitnessAlert.objects.get()
    assert r.json()["params"]["alert"] == alert.pk
    assert alert.kind == "inconsistent" and (alert.witnessed_size, alert.submitted_size, alert.old_size) == (6, 10, 6)
    assert alert.implied_old_root == rewritten.tree.root(6).hex() != alert.witnessed_root
    # anyone can re-check: the proof rebuilds the signed new root, from an old root the witness never cosigned
    proof = [base64.b64decode(p) for p in alert.proof]
    assert merkle.consistency_roots(6, 10, proof) == (rewritten.tree.root(6), rewritten.tree.root(10))
    assert not merkle.verify_consistency(6, 10, bytes.fromhex(alert.witnessed_root), rewritten.tree.root(10), proof)
    assert WitnessedLog.objects.get().size == 6
    # the honest continuation is still cosigned
    platform.grow(4)
    assert add(client, platform.body(6)).status_code == 200


def test_a_bad_proof_is_refused_without_blaming_the_log(platform, client):
    """Anyone can send a genuine checkpoint with a garbage proof: refused (E034), but that is no evidence against the log."""
    platform.grow(6)
    assert add(client, platform.body(0)).status_code == 200
    platform.grow(5)
    proof = platform.proof(6)
    for bad in ([bytes(32)] * len(proof), proof[:-1], [*proof, proof[0]], list(reversed(proof))):
        r = add(client, platform.body(6, proof=bad))
        assert r.status_code in (422, 400), r.content
        assert r.json()["code"] in ("E034", "E030")
    assert not WitnessAlert.objects.exists()
    log = WitnessedLog.objects.get()
    assert log.size == 6 and log.last_refusal_code == "E034"
    assert add(client, platform.body(6)).status_code == 200


def test_a_rewrite_below_a_power_of_two_is_refused(platform, client):
    """Known limit (docs/witness.md): from a power-of-two size the proof does not carry the old root, so no alert."""
    platform.grow(8)
    assert add(client, platform.body(0)).status_code == 200
    rewritten = platform.copy(3, "").grow(5, "-changed").grow(2)
    r = add(client, rewritten.body(8))
    assert r.status_code == 422 and r.json()["code"] == "E034"
    assert WitnessedLog.objects.get().size == 8


GARBAGE = [
    b"",
    b"\x00\xff\xfe",
    b"old 0\n",
    b"old 0\nplatform-1.example/audit/v1\n1\n",
    b"old -1\n\nx\n",
    b"old 01\n\nx\n",
    b"new 0\n\nx\n",
    b"old 18446744073709551616\n\nplatform-1.example/audit/v1\n1\nAAAA\n\n\xe2\x80\x94 a AAAA\n",
    b"old 1\nnot base64!\n\nplatform-1.example/audit/v1\n1\nAAAA\n",
    b"old 1\nAAAA\n\nplatform-1.example/audit/v1\n2\nAAAA\n",
    "old 0\n\nplatform-1.example/audit/v1\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— platform-1.example/audit/v1 AAAA\n".encode(),
    b"old 0\n\n" + b"x" * 70000,
]


@pytest.mark.parametrize("body", GARBAGE)
def test_garbage_gets_a_coded_4xx(platform, client, body):
    r = add(client, body)
    assert 400 <= r.status_code < 500
    assert r.json()["code"] in ("E030", "E004")


def test_too_many_proof_lines_and_a_proof_from_zero(platform, client):
    platform.grow(3)
    r = add(client, request_body(0, [], platform.note()).replace(b"old 0\n", b"old 0\n" + b"".join(base64.b64encode(bytes(32)) + b"\n" for _ in range(64))))
    assert r.status_code == 400 and r.json()["code"] == "E030"
    r = add(client, platform.body(0, proof=[bytes(32)]))
    assert r.status_code == 400 and r.json()["code"] == "E030"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=st.sampled_from([b"", b"old 0\n", b"old 3\n", b"old 0\n\n"]), junk=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_fuzz_never_a_server_error(platform, prefix, junk):
    r = Client().post(URL, data=prefix + junk, content_type="text/plain")
    assert r.status_code in (400, 403, 404, 409, 422), (r.status_code, prefix + junk)


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_never_roll_the_witness_back():
    """The race of the tlog-witness spec: check and update are atomic, so the witnessed size only grows."""
    p = PlatformLog(8)
    p.register()
    p.grow(5)
    assert add(Client(), p.body(0)).status_code == 200
    for round_ in range(4):
        base = p.size
        p.grow(3)
        small = p.body(base)
        p.grow(4)
        large = p.body(base)
        results: dict[str, int] = {}
        barrier = threading.Barrier(2)

        def send(name, body):
            from django.db import connection

            barrier.wait()
            try:
                results[name] = add(Client(), body).status_code
            finally:
                connection.close()

        threads = [threading.Thread(target=send, args=("small", small)), threading.Thread(target=send, args=("large", large))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results.values()) == [200, 409], (round_, results)
        log = WitnessedLog.objects.get()
        expected = base + 3 if results["small"] == 200 else base + 7
        assert log.size == expected
        if log.size < p.size:  # catch up for the next round
            assert add(Client(), p.body(log.size)).status_code == 200
    assert not WitnessAlert.objects.exists()


def test_page_without_logs_in_both_languages(db, client):
    page = client.get("/witness/").content.decode()
    assert "日志见证" in page and "暂无告警" in page and keys.verifier_key() in page
    page_en = client.get("/witness/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log witness" in page_en and "No alerts" in page_en


def test_consistency_roots_is_the_verifier_in_reverse():
    t = merkle.MemoryNodes()
    for i in range(70):
        t.append(b"leaf %d" % i)
    for n in range(2, 71):
        for m in range(1, n):
            p = merkle.consistency_proof(m, n, t)
            roots = merkle.consistency_roots(m, n, p)
            if m & (m - 1) == 0:
                assert roots is None
            else:
                assert roots == (t.root(m), t.root(n))
    assert merkle.consistency_roots(3, 3, []) is None and merkle.consistency_roots(0, 3, []) is None
    assert merkle.consistency_roots(3, 6, "garbage") is None and merkle.consistency_roots(3, 6, [b"short"]) is None
