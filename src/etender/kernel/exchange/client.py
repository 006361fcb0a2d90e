"""The sending side of the batch protocol (``POST /api/exchange/v1/batches``, docs/hub-exchange.md §2).

A batch is ``{platform, sequence, records[], signature}``; the signature is Ed25519 by the sender's registered key
(``kernel.signing.platform_signer``) over the RFC 8785 canonical JSON of ``{platform, sequence, records}``.  Each
record is ``{dataset, key, op, record, occurred_at}`` (a hub forwarding upwards adds ``origin``).  The senders
(the trading outbox, the supervision platform's complaint outbox, a hub forwarding its feed upwards) keep their own
queues, batch membership and back-off; this module builds, signs and posts a batch and reads the hub's answer.
No Django.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

BATCH_PATH = "/api/exchange/v1/batches"
TIMEOUT = 30.0
REFUSAL_CODES = ("E016", "E006")  # per-record errors; a key the hub gives to another platform


def batch_record(*, dataset: str, key: str, op: str, record: dict[str, Any], occurred_at: datetime, origin: dict[str, str] | None = None) -> dict[str, Any]:
    out = {"dataset": dataset, "key": key, "op": op, "record": record, "occurred_at": occurred_at.isoformat()}
    if origin is not None:
        out["origin"] = origin
    return out


def batch_body(*, platform: str, sequence: int, records: list[dict[str, Any]], signer=None) -> dict[str, Any]:
    """The signed batch (``signer``: a kernel.signing.Signer, default this instance's ``platform_signer()``)."""
    if signer is None:
        from etender.kernel.signing import platform_signer

        signer = platform_signer()
    body = {"platform": platform, "sequence": sequence, "records": records}
    return {**body, "signature": signer.sign(body)}


def post_batch(hub_url: str, body: dict[str, Any], *, timeout: float = TIMEOUT) -> tuple[int, dict[str, Any]]:
    """POST a batch; (HTTP status, the hub's JSON answer).  Network errors: (0, {"message": ...}); an error answer
    that is not JSON: (status, {"message": its first 2,000 characters})."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(hub_url.rstrip("/") + BATCH_PATH, data=data, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            answer = json.loads(raw.decode("utf-8"))
        except ValueError:
            return e.code, {"message": raw[:2000].decode("utf-8", "replace")}
        return e.code, answer if isinstance(answer, dict) else {"message": str(answer)[:2000]}
    except (OSError, ValueError) as exc:
        return 0, {"message": repr(exc)}


@dataclass(frozen=True)
class BatchResult:
    """The hub's answer to one batch."""

    status: int
    answer: dict[str, Any]
    size: int
    refused: list[int] = field(default_factory=list)

    @property
    def delivered(self) -> bool:
        return self.status == 200

    @property
    def refusal(self) -> bool:
        """The hub refused records for good (E016 / E006): set them aside instead of retrying the batch."""
        return self.status in (403, 422) and self.answer.get("code") in REFUSAL_CODES

    @property
    def error(self) -> str:
        return f"HTTP {self.status} {self.answer.get('code', '')} {self.answer.get('message', '')}"


def refused_indexes(status: int, answer: dict[str, Any], n: int) -> list[int]:
    """Which records of a refused batch the hub will never take (the indexes its E016 / E006 answer names)."""
    if status not in (403, 422) or answer.get("code") not in REFUSAL_CODES:
        return []
    return sorted({e.get("index") for e in (answer.get("params") or {}).get("errors", []) if isinstance(e.get("index"), int) and 0 <= e["index"] < n})


def send_batch(hub_url: str, *, platform: str, sequence: int, records: list[dict[str, Any]], signer=None, timeout: float = TIMEOUT) -> BatchResult:
    """Sign and post one batch; a retry with the same arguments is byte-for-byte the same request."""
    status, answer = post_batch(hub_url, batch_body(platform=platform, sequence=sequence, records=records, signer=signer), timeout=timeout)
    return BatchResult(status=status, answer=answer, size=len(records), refused=refused_indexes(status, answer, len(records)))
