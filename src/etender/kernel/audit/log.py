"""The tamper-evident operation log: every audit entry is a leaf of an RFC 6962 Merkle tree.

- Leaves get dense indices (``seq``) under a database lock, in the
  transaction of the operation they record.
- Complete subtree hashes are stored as they become complete
  (``LogNode``), so roots and proofs cost O(log n) lookups.
- Checkpoints are C2SP signed notes over (origin, size, root), signed with
  the instance's Ed25519 key; issued at the important moments of the
  process and periodically by the worker.
- Database triggers refuse UPDATE, DELETE and TRUNCATE on the log tables
  (migration 0003).  Someone able to bypass them (a database superuser)
  still cannot rewrite history unnoticed: every earlier checkpoint — held by
  receipt holders and, with the hub issue, by witnesses — stops being
  consistent with the log.
"""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from etender.kernel import checkpoint as notes
from etender.kernel import clock, merkle
from etender.kernel.canonical import canonical
from etender.kernel.signing import platform_signer

from .models import AuditEntry, Checkpoint, LogNode

LOCK_KEY = 0x65_74_6C_6F_67  # "etlog": the advisory lock that serialises appends on PostgreSQL


def origin() -> str:
    return getattr(settings, "ETENDER_LOG_ORIGIN", None) or f"etender.local/{settings.ETENDER_INSTANCE}/audit/v1"


class DbNodes:
    """merkle.NodeSource over the LogNode table (with a per-call cache)."""

    def __init__(self):
        self.cache: dict[tuple[int, int], bytes] = {}

    def node(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key not in self.cache:
            row = LogNode.objects.filter(level=level, index=index).values_list("hash", flat=True).first()
            if row is None:
                raise KeyError(key)
            self.cache[key] = bytes.fromhex(row)
        return self.cache[key]


def leaf_document(entry: AuditEntry, seq: int) -> dict[str, Any]:
    return {
        "v": 1,
        "log": origin(),
        "seq": seq,
        "ts": entry.occurred_at.isoformat(),
        "actor": {"user": entry.username, "entity": entry.entity_code, "ip": entry.ip},
        "action": entry.action,
        "object": f"{entry.object_type}:{entry.object_id}" if entry.object_type else "",
        "data": entry.data,
    }


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    # SQLite: every write transaction is BEGIN IMMEDIATE (settings), so appends are already serial.


def size() -> int:
    last = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", flat=True).first()
    return 0 if last is None else last + 1


def append(entry: AuditEntry) -> AuditEntry:
    """Insert the (unsaved) ``entry`` as the next leaf and store the subtree hashes it completes.

    Rows are only ever inserted: the triggers refuse every UPDATE.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("the log is appended inside the operation's transaction")
    _lock()
    seq = size()
    raw = canonical(leaf_document(entry, seq))
    leaf = merkle.leaf_hash(raw)
    entry.seq, entry.canonical, entry.leaf_hash = seq, raw.decode("utf-8"), leaf.hex()
    entry.save(force_insert=True)
    new = merkle.new_nodes(seq, leaf, DbNodes())
    LogNode.objects.bulk_create([LogNode(level=lv, index=ix, hash=h.hex()) for lv, ix, h in new])
    return entry


def root(tree_size: int) -> bytes:
    return merkle.root(tree_size, DbNodes())


def note_signer() -> notes.NoteSigner:
    return platform_signer().note_signer(origin())


def verifier_key() -> str:
    return note_signer().verifier_key()


def checkpoint_issue(*, reason: str = "") -> Checkpoint:
    """Sign a checkpoint of the log as it is now (idempotent per size)."""
    with transaction.atomic():
        _lock()
        n = size()
        existing = Checkpoint.objects.filter(size=n).first()
        if existing:
            return existing
        r = root(n)
        body = notes.Checkpoint(origin=origin(), size=n, root=r).body()
        return Checkpoint.objects.create(size=n, root=r.hex(), note=note_signer().sign(body), reason=reason, created_at=clock.now())


def checkpoint_if_due(*, every_seconds: int = 60, every_events: int = 100) -> Checkpoint | None:
    """Called by the worker: a checkpoint when enough time or events have passed since the last one."""
    last = Checkpoint.objects.order_by("-size").first()
    n = size()
    if last and last.size == n:
        return None
    if last is None or n - last.size >= every_events or (clock.now() - last.created_at).total_seconds() >= every_seconds:
        return checkpoint_issue(reason="periodic")
    return None


def inclusion(index: int, tree_size: int) -> list[bytes]:
    return merkle.inclusion_proof(index, tree_size, DbNodes())


def consistency(old_size: int, new_size: int) -> list[bytes]:
    return merkle.consistency_proof(old_size, new_size, DbNodes())


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def export_lines():
    """The log as JSON lines for `etender verify-log`: leaves, then checkpoints, then the verifier key."""
    import json

    yield json.dumps({"type": "key", "origin": origin(), "verifier_key": verifier_key()}, ensure_ascii=False)
    for seq, text in AuditEntry.objects.filter(seq__isnull=False).order_by("seq").values_list("seq", "canonical").iterator():
        yield json.dumps({"type": "leaf", "seq": seq, "canonical": text}, ensure_ascii=False)
    for note in Checkpoint.objects.order_by("size").values_list("note", flat=True):
        yield json.dumps({"type": "checkpoint", "note": note}, ensure_ascii=False)

