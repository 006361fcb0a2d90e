"""Getting this log's checkpoints cosigned by the hub's witness (c2sp.org/tlog-witness, docs/witness.md).

``submit_to_witness`` runs in the worker after ``checkpoint_if_due``.  It
sends every checkpoint the witness has not cosigned yet, oldest first, each
with the RFC 6962 consistency proof from the size the witness holds, checks
the cosignature it gets back against the pinned witness key and stores it
beside the checkpoint (:class:`Cosignature`); the log API then serves the
cosigned note.  A ``409`` tells the size the witness really holds: the
client adopts it and retries at once with a proof from there.  Any other
failure (hub down, platform not registered yet, …) backs off exponentially,
up to 5 minutes, and loses nothing: the next pass resumes from the stored
state.

The witness is the hub, ``ETENDER_HUB_URL`` + ``/api/witness/v1``.  Its
verifier key is the setting or environment variable ``ETENDER_WITNESS_KEY``
if given; otherwise it is fetched from ``GET …/key`` at first contact and
pinned in :class:`WitnessState` (trust on first use; set the key to pin it
out of band).
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from etender.kernel import checkpoint as notes
from etender.kernel import clock
from etender.kernel.tlog_witness import SIZE_CONTENT_TYPE, RequestError, parse_size, request_body, signature_lines

from . import log
from .models import Checkpoint, Cosignature, WitnessState

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5  # the worker also runs the chronograph: never hang it for long
MAX_BACKOFF_SECONDS = 300


class WitnessFailure(Exception):
    """The witness did not cosign (network, refusal, a bad answer); the worker backs off and retries."""


def witness_url() -> str:
    """The witness's submission prefix, or "" if this instance has no hub (and on the hub itself)."""
    hub = getattr(settings, "ETENDER_HUB_URL", "") or ""
    if not hub or getattr(settings, "ETENDER_SERVICE", "") == "hub":
        return ""
    return hub.rstrip("/") + "/api/witness/v1"


def pinned_key() -> str:
    return getattr(settings, "ETENDER_WITNESS_KEY", "") or os.environ.get("ETENDER_WITNESS_KEY", "")


def _request(url: str, *, body: bytes | None = None) -> tuple[int, str, str]:
    """(status, content type, text); raises WitnessFailure when the witness cannot be reached."""
    req = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET", headers={"Content-Type": "text/plain; charset=utf-8"} if body is not None else {})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read(1 << 20).decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read(1 << 20).decode("utf-8", "replace")
    except (OSError, ValueError) as exc:
        raise WitnessFailure(f"{url}: {exc!r}") from None


def _verifier(state: WitnessState) -> notes.NoteVerifier:
    """The witness's key: the configured one, else the one pinned at first contact."""
    key = pinned_key() or state.verifier_key
    if not key:
        status, _, text = _request(state.url + "/key")
        if status != 200:
            raise WitnessFailure(f"GET {state.url}/key: HTTP {status} {text[:300]}")
        try:
            key = json.loads(text)["verifier_key"]
        except (ValueError, KeyError, TypeError):
            raise WitnessFailure(f"GET {state.url}/key: no verifier key in the answer") from None
    try:
        verifier = notes.NoteVerifier.from_key(key)
    except notes.NoteError as exc:
        raise WitnessFailure(f"witness key {key!r}: {exc}") from None
    if verifier.sig_type != notes.SIG_COSIGNATURE_V1:
        raise WitnessFailure(f"witness key {key!r} is not a cosignature/v1 key")
    if state.verifier_key != key:
        WitnessState.objects.filter(pk=state.pk).update(verifier_key=key)
        state.verifier_key = key
    return verifier


def _error(status: int, content_type: str, text: str) -> str:
    try:
        body = json.loads(text)
        return f"HTTP {status} {body.get('code', '')} {body.get('message_en', body.get('message', ''))} {json.dumps(body.get('params', {}), ensure_ascii=False)[:500]}"
    except (ValueError, AttributeError):
        return f"HTTP {status} {content_type} {text[:300]!r}"


def _store(cp: Checkpoint, answer: str, verifier: notes.NoteVerifier) -> Cosignature:
    """Check the witness's answer over our checkpoint and keep its cosignature line."""
    try:
        lines = signature_lines(answer)
        opened = notes.verify_note(cp.note + "".join(lines), [log.note_signer().verifier(), verifier])
        notes.Checkpoint.parse(opened.body)
    except (RequestError, notes.NoteError) as exc:
        raise WitnessFailure(f"the witness's answer for size {cp.size} does not verify: {exc}") from None
    cosig = next((v for v in opened.verified if v.name == verifier.name and v.key_id == verifier.key_id), None)
    if cosig is None or cosig.timestamp is None:
        raise WitnessFailure(f"the witness's answer for size {cp.size} carries no cosignature of {verifier.name}")
    line = next(s.line for s in notes.parse_note(cp.note + "".join(lines))[1] if (s.name, s.key_id) == (verifier.name, verifier.key_id))
    try:
        with transaction.atomic():
            found, _ = Cosignature.objects.get_or_create(
                checkpoint=cp, witness=verifier.name, key_id=verifier.key_id.hex(), defaults={"timestamp": cosig.timestamp, "line": line, "received_at": clock.now()}
            )
    except IntegrityError:  # another worker stored it meanwhile
        found = Cosignature.objects.get(checkpoint=cp, witness=verifier.name, key_id=verifier.key_id.hex())
    return found


def _submit(state: WitnessState, *, max_checkpoints: int) -> int:
    verifier = None
    done = conflicts = 0
    while done < max_checkpoints:
        cp = Checkpoint.objects.filter(size__gt=state.size).order_by("size").first()
        if cp is None:
            break
        verifier = verifier or _verifier(state)  # contact the witness only when there is something to submit
        old = state.size
        proof = log.consistency(old, cp.size) if old > 0 else []
        status, content_type, text = _request(state.url + "/add-checkpoint", body=request_body(old, proof, cp.note))
        if status == 200:
            _store(cp, text, verifier)
            state.size = cp.size
            WitnessState.objects.filter(pk=state.pk).update(size=cp.size)
            done += 1
            continue
        if status == 409 and content_type.split(";")[0].strip() == SIZE_CONTENT_TYPE:
            try:
                size = parse_size(text[:-1] if text.endswith("\n") else "?")
            except RequestError:
                raise WitnessFailure(f"HTTP 409 with a malformed size {text[:100]!r}") from None
            if size == old or conflicts >= 3:
                raise WitnessFailure(f"HTTP 409: the witness refuses size {cp.size} at its size {size} (a fork of this log? see the hub's witness alerts)")
            if size > log.size():
                raise WitnessFailure(f"HTTP 409: the witness holds tree size {size}, this log has only {log.size()} entries: entries were lost or the log was replaced")
            conflicts += 1
            state.size = size
            WitnessState.objects.filter(pk=state.pk).update(size=size)
            continue
        raise WitnessFailure(f"checkpoint {cp.size}: {_error(status, content_type, text)}")
    return done


def submit_to_witness(*, max_checkpoints: int = 20) -> int:
    """Worker hook: get pending checkpoints cosigned by the hub's witness; returns how many were cosigned."""
    url = witness_url()
    if not url:
        return 0
    state, _ = WitnessState.objects.get_or_create(url=url)
    now = clock.now()
    if state.next_attempt_at and now < state.next_attempt_at:
        return 0
    try:
        done = _submit(state, max_checkpoints=max_checkpoints)
    except WitnessFailure as exc:
        attempts = state.attempts + 1
        wait = min(2 ** (attempts - 1), MAX_BACKOFF_SECONDS)
        logger.warning("witness: %s (retry in %s s)", exc, wait)
        WitnessState.objects.filter(pk=state.pk).update(attempts=attempts, next_attempt_at=clock.now() + timedelta(seconds=wait), last_error=str(exc)[:2000])
        return 0
    if done or state.attempts:
        WitnessState.objects.filter(pk=state.pk).update(attempts=0, next_attempt_at=None, last_error="", last_success_at=clock.now())
    return done
