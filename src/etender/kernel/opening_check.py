"""Re-checking an opening from published evidence (`etender verify-opening`), without trusting the platform.

Evidence (``GET /api/lots/{id}/opening-evidence``): each bid's envelope
header, the data key it was opened with, the shares each custodian released,
and the custodians' per-tender private keys published after the opening.
The check, per bid:

1. an opened bid's data key matches the commitment the bidder signed;
2. every published custodian key decrypts from the header exactly the share
   that custodian released (so a custodian who released a wrong value, and a
   bidder who wrapped a wrong share, can be told apart);
3. any ``threshold`` correct shares reconstruct the committed data key.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from etender.kernel import envelope


@dataclass
class OpeningReport:
    bids: int = 0
    checked_shares: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.bids > 0


def _check_close(closed: dict[str, Any], pinned_key: str | None, report: OpeningReport) -> None:
    """The close-of-submission entry is in the platform's signed log (inclusion proof against a checkpoint)."""
    import json

    from etender.kernel import checkpoint as notes
    from etender.kernel import merkle

    leaf = json.loads(closed["leaf"])
    if leaf.get("action") != "lot.opening_started" or leaf.get("data", {}).get("receipts") != closed["receipts"]:
        report.problems.append("the close-of-submission record does not match its log entry")
    key = pinned_key or closed.get("log_key")
    if pinned_key and closed.get("log_key") != pinned_key:
        report.problems.append("the evidence names another log key than the pinned one")
    if not closed.get("checkpoint") or not key:
        report.problems.append("no signed checkpoint covers the close of submission")
        return
    try:
        verifier = notes.NoteVerifier.from_key(key)
        cp = notes.parse_signed_checkpoint(closed["checkpoint"], [verifier], required=[verifier.name])
    except (notes.NoteError, ValueError) as exc:
        report.problems.append(f"the checkpoint is not validly signed: {exc}")
        return
    proof = [bytes.fromhex(p) for p in closed.get("proof", [])]
    if not merkle.verify_inclusion(merkle.leaf_hash(closed["leaf"].encode("utf-8")), int(closed["log_index"]), cp.size, proof, cp.root):
        report.problems.append("the close-of-submission entry is not in the signed log")


def verify_opening(evidence: dict[str, Any], *, pinned_key: str | None = None) -> OpeningReport:
    """Check the evidence; ``pinned_key`` is the platform's log key obtained out of band (recommended)."""
    report = OpeningReport()
    custodians = {c["index"]: c for c in evidence.get("custodians", [])}
    closed = evidence.get("submission_closed")
    if closed is None:
        report.problems.append("no record of the close of submission in the operation log")
    else:
        _check_close(closed, pinned_key, report)
        present = {b.get("envelope_sha256") for b in evidence.get("bids", [])}
        for receipt in closed["receipts"]:
            if receipt not in present:
                report.problems.append(f"receipt {receipt[:16]}… was logged at the close but its bid is missing from the opening")
    for bid in evidence.get("bids", []):
        report.bids += 1
        who = bid.get("bidder")
        if closed is not None and bid.get("envelope_sha256") not in closed["receipts"]:
            report.problems.append(f"{who}: its envelope is not among the receipts logged when submission closed (backdated or substituted)")
        header = bid.get("header")
        if not header:
            report.problems.append(f"{who}: no envelope header")
            continue
        dek = base64.b64decode(bid["dek"]) if bid.get("dek") else None
        if bid.get("status") == "opened":
            if dek is None or not envelope.verify_dek(header, dek):
                report.problems.append(f"{who}: opened, but the published data key does not match the signed commitment")
        released = {s["index"]: base64.b64decode(s["share"]) for s in bid.get("shares", [])}
        derived: dict[int, bytes] = {}
        for index, c in custodians.items():
            if not c.get("private_key"):
                continue
            try:
                _, share = envelope.decrypt_share(header, custodian_index=index, custodian_private=base64.b64decode(c["private_key"]))
            except envelope.EnvelopeError as exc:
                report.problems.append(f"{who}: custodian {index}'s published key does not open its share ({exc.reason}): the bidder's share was wrapped wrongly")
                continue
            derived[index] = share
            report.checked_shares += 1
            if index in released and released[index] != share:
                report.problems.append(f"{who}: custodian {index} released a share that differs from the one in the envelope")
        if dek is not None and len(derived) >= int(evidence.get("threshold") or 2):
            try:
                if envelope.combine_shares(header, list(derived.items())) != dek:
                    report.problems.append(f"{who}: the custodians' shares reconstruct a different key")
            except envelope.EnvelopeError as exc:
                report.problems.append(f"{who}: the custodians' shares do not reconstruct the committed key ({exc.reason})")
    return report
