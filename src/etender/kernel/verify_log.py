"""Offline verification of an exported operation log (`etender verify-log`).

Input: the JSON lines of ``GET /api/log/export`` — a ``key`` line (origin and
C2SP verifier key), ``leaf`` lines (index and canonical JSON) and
``checkpoint`` lines (signed notes).  Checks, without trusting the platform:

1. leaf indices are dense from 0 and every canonical text is canonical JSON
   (RFC 8785) naming the same log and its own index;
2. every checkpoint is signed by the log's key, names the log's origin, and
   its root equals the root recomputed from the leaves at its size;
3. optionally, a checkpoint held from earlier (``--trusted``: e.g. from a bid
   receipt or a witness) is consistent with the log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from etender.kernel import checkpoint as notes
from etender.kernel import merkle
from etender.kernel.canonical import canonical


@dataclass
class Report:
    leaves: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.leaves > 0


def verify_lines(lines: Iterable[str], *, trusted_notes: list[str] | None = None, pinned_key: str | None = None) -> Report:
    """Verify an export; ``pinned_key`` (the log's C2SP verifier key obtained out of band) overrides the export's own."""
    report = Report()
    key_line = None
    leaves: list[tuple[int, str]] = []
    cps: list[str] = []
    for n, raw in enumerate(lines, start=1):
        raw = raw.strip()
        if not raw:
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError:
            report.problems.append(f"line {n}: not JSON")
            continue
        kind = item.get("type")
        if kind == "key":
            key_line = item
        elif kind == "leaf":
            leaves.append((item.get("seq"), item.get("canonical", "")))
        elif kind == "checkpoint":
            cps.append(item.get("note", ""))
    if key_line is None:
        report.problems.append("no key line: cannot check signatures")
        return report
    origin = key_line["origin"]
    if pinned_key and pinned_key != key_line.get("verifier_key"):
        report.problems.append("the export's key is not the pinned key")
    try:
        verifier = notes.NoteVerifier.from_key(pinned_key or key_line["verifier_key"])
    except (notes.NoteError, ValueError, KeyError) as exc:
        report.problems.append(f"bad verifier key: {exc}")
        return report

    tree = merkle.MemoryNodes()
    for expected, (seq, text) in enumerate(sorted(leaves, key=lambda x: (x[0] if isinstance(x[0], int) else -1))):
        if seq != expected:
            report.problems.append(f"leaf index {seq}: expected {expected} (a missing or extra leaf)")
            break
        try:
            doc = json.loads(text)
        except json.JSONDecodeError:
            report.problems.append(f"leaf {seq}: canonical text is not JSON")
            break
        if canonical(doc).decode("utf-8") != text:
            report.problems.append(f"leaf {seq}: text is not in canonical form")
        if doc.get("seq") != seq or doc.get("log") != origin:
            report.problems.append(f"leaf {seq}: names index {doc.get('seq')} of log {doc.get('log')!r}")
        tree.append(text.encode("utf-8"))
        report.leaves += 1

    roots: dict[int, bytes] = {}
    for note in cps + list(trusted_notes or []):
        try:
            cp = notes.parse_signed_checkpoint(note, [verifier], required=[verifier.name])
        except notes.NoteError as exc:
            report.problems.append(f"checkpoint: {exc}")
            continue
        report.checkpoints += 1
        if cp.origin != origin:
            report.problems.append(f"checkpoint {cp.size}: origin {cp.origin!r} is not {origin!r}")
            continue
        if cp.size > report.leaves:
            report.problems.append(f"checkpoint {cp.size}: larger than the log ({report.leaves} leaves): entries were deleted")
            continue
        actual = merkle.root(cp.size, tree) if cp.size else merkle.empty_root()
        if actual != cp.root:
            report.problems.append(f"checkpoint {cp.size}: signed root {cp.root.hex()} differs from the log's {actual.hex()}: entries were changed")
        if cp.size in roots and roots[cp.size] != cp.root:
            report.problems.append(f"two different signed roots for size {cp.size} (split view)")
        roots[cp.size] = cp.root
    return report
