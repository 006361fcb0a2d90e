"""The verifiable random draw of evaluation experts, algorithm ``etender-draw-v1`` (pure; no Django).

Law: the committee's experts are drawn at random from the expert pool, by specialty, with every avoidance case
excluded; replacements are drawn the same way (招标投标法实施条例 45–46, rules E130–E132).  The public service
platform ("the hub") runs the draw for a trading platform; neither of the two can choose the result alone, and
anybody can recompute it afterwards (``etender verify-draw``).

Protocol (commit – nonce – reveal)
----------------------------------
1. **Commit.**  The hub fixes the *candidate list*: for every requested specialty code the pseudonymous ids of
   the eligible experts (per-draw ids, so one draw's ids say nothing about another's), sorted ascending (byte
   order of their UTF-8 text), with the count asked for.  It publishes

   - ``candidates_digest`` = hex SHA-256 of the RFC 8785 canonical JSON of the *statement*
     ``{"algorithm": "etender-draw-v1", "id": <draw id>, "tender_code": …, "lot_code": …,
     "counts": {code: n}, "candidates": {code: [id, …]}}``;
   - ``commitment`` = hex SHA-256 of a fresh 32-byte random ``seed``, which it keeps secret.

2. **Nonce.**  Only then does the trading platform send ``platform_nonce``, 32 random bytes (64 hex digits).
   It cannot predict the order (the seed is secret); the hub cannot steer it (the seed and the list are fixed).

3. **Draw.**  ``key = SHA-256(seed ‖ nonce ‖ bytes.fromhex(candidates_digest))``.  Each candidate ``c`` of specialty
   ``s`` gets the score ``HMAC-SHA256(key, utf8(s) ‖ 0x00 ‖ utf8(c))``; the *draw order* of ``s`` is its candidates
   sorted by (score, id), ascending.  Sorting by independent 256-bit pseudo-random scores is a uniformly random
   permutation (ties have probability < n²/2²⁵⁶ and are broken by the id, deterministically), so there is no
   modulo bias to correct as in a naive Fisher–Yates.

4. **Selection.**  Specialties are taken in ascending code order; for each, the first ``counts[s]`` candidates of
   its draw order that were not already selected (an expert may be a candidate of two specialties) are selected.
   ``selected`` is the concatenation, in that order.

5. **Replacement.**  When a member is replaced (declined, fell ill, must be avoided), the replacement is the first
   candidate in the draw order of the member's specialty that is neither selected, nor an earlier replacement,
   nor recorded as *skipped* (a candidate who since the commitment became unavailable or ineligible; the proof
   lists each skip with its reason code).

6. **Reveal.**  After the award result is published, the hub reveals the seed.  Verification checks
   ``SHA-256(seed) == commitment``, the statement digest, the canonical order of the lists, and recomputes the
   selection and every replacement.

:func:`verify` takes the public proof (``GET /api/experts/v1/draws/{id}/proof``) and says exactly what fails.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .canonical import canonical

ALGORITHM = "etender-draw-v1"
SEED_BYTES = 32
_HEX64 = re.compile(r"[0-9a-f]{64}")


class DrawError(ValueError):
    """The inputs of a draw are not usable (e.g. fewer candidates than asked)."""


def commitment(seed: bytes) -> str:
    """Hex SHA-256 of the seed: published before the draw."""
    return hashlib.sha256(seed).hexdigest()


def statement(*, draw_id: str, tender_code: str, lot_code: str, counts: Mapping[str, int], candidates: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The candidate statement whose digest is published before the draw (lists must already be canonical)."""
    return {
        "algorithm": ALGORITHM,
        "id": draw_id,
        "tender_code": tender_code,
        "lot_code": lot_code,
        "counts": {k: int(v) for k, v in counts.items()},
        "candidates": {k: list(v) for k, v in candidates.items()},
    }


def canonical_list(ids: Sequence[str]) -> list[str]:
    """The canonical order of a candidate list: ascending by the UTF-8 bytes of the ids."""
    return sorted(set(ids), key=lambda s: s.encode())


def candidates_digest(stmt: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(dict(stmt))).hexdigest()


def draw_key(seed: bytes, nonce: bytes, digest_hex: str) -> bytes:
    return hashlib.sha256(seed + nonce + bytes.fromhex(digest_hex)).digest()


def score(key: bytes, specialty: str, candidate: str) -> bytes:
    return hmac.new(key, specialty.encode() + b"\x00" + candidate.encode(), hashlib.sha256).digest()


def order(key: bytes, specialty: str, ids: Sequence[str]) -> list[str]:
    """The draw order of one specialty's candidates."""
    return sorted(ids, key=lambda c: (score(key, specialty, c), c.encode()))


def orders(key: bytes, candidates: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    return {s: order(key, s, ids) for s, ids in candidates.items()}


def select(draw_orders: Mapping[str, Sequence[str]], counts: Mapping[str, int]) -> list[tuple[str, str]]:
    """(specialty, candidate) pairs selected, in selection order; raises DrawError if a specialty runs short."""
    chosen: list[tuple[str, str]] = []
    taken: set[str] = set()
    for s in sorted(counts, key=lambda x: x.encode()):
        need = int(counts[s])
        got = [c for c in draw_orders.get(s, []) if c not in taken][:need]
        if len(got) < need:
            raise DrawError(f"specialty {s}: {len(got)} distinct candidates left, {need} needed")
        chosen += [(s, c) for c in got]
        taken.update(got)
    return chosen


def replacement(draw_order: Sequence[str], excluded: set[str]) -> str | None:
    """The next candidate of a specialty's draw order that is not excluded (members, earlier replacements, skips)."""
    return next((c for c in draw_order if c not in excluded), None)


def run(*, seed: bytes, nonce: bytes, digest_hex: str, candidates: Mapping[str, Sequence[str]], counts: Mapping[str, int]) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """Orders and selection of a draw."""
    o = orders(draw_key(seed, nonce, digest_hex), candidates)
    return o, select(o, counts)


# --------------------------------------------------------------------------- verification


@dataclass
class Report:
    ok: bool = True
    pending: bool = False  # the seed is not revealed yet: only the published parts could be checked
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.ok = False
        self.problems.append(message)


def _hex(value: Any, n: int) -> bytes | None:
    if not isinstance(value, str) or len(value) != 2 * n or not re.fullmatch(r"[0-9a-f]+", value):
        return None
    return bytes.fromhex(value)


def check_signature(proof: Mapping[str, Any], r: Report, pinned_key: str | None = None) -> None:
    """The hub signs the proof (Ed25519 over the canonical JSON without ``hub_signature``/``hub_key``)."""
    from .signing import verify as verify_sig

    sig, key = proof.get("hub_signature"), proof.get("hub_key")
    if sig is None:
        if pinned_key:
            r.fail("hub_signature: missing")
        return
    if pinned_key and key != pinned_key:
        r.fail("hub_key: not the pinned key of the hub")
    body = {k: v for k, v in proof.items() if k not in ("hub_signature", "hub_key")}
    if not isinstance(sig, str) or not isinstance(key, str) or not verify_sig(body, sig, pinned_key or key):
        r.fail("hub_signature: does not match the proof (the proof was altered after the hub signed it)")
    else:
        r.checked.append("hub signature")


def verify(proof: Mapping[str, Any], *, pinned_key: str | None = None) -> Report:
    """Recompute a draw from its public proof; the report names every part that does not check out.

    Fails on: an unknown algorithm; a seed that does not hash to the commitment (tampered seed or commitment);
    a candidate list or count that does not hash to ``candidates_digest`` (tampered candidate list); lists out of
    canonical order; a selection or replacement that does not follow from seed, nonce and list (tampered nonce or
    selection).
    """
    r = Report()
    check_signature(proof, r, pinned_key)
    if proof.get("algorithm") != ALGORITHM:
        r.fail(f"algorithm: {proof.get('algorithm')!r} is not {ALGORITHM}")
        return r
    candidates = proof.get("candidates")
    counts = proof.get("counts")
    if not isinstance(candidates, dict) or not isinstance(counts, dict) or not all(isinstance(v, list) and all(isinstance(c, str) for c in v) for v in candidates.values()):
        r.fail("candidates/counts: missing or malformed")
        return r
    if set(candidates) != set(counts):
        r.fail("counts: specialties differ from the candidate lists")
    for s, ids in candidates.items():
        if ids != canonical_list(ids):
            r.fail(f"candidate list {s}: not in canonical order or has duplicates")
    stmt = statement(draw_id=str(proof.get("id", "")), tender_code=str(proof.get("tender_code", "")), lot_code=str(proof.get("lot_code", "")), counts=counts, candidates=candidates)
    digest_hex = proof.get("candidates_digest")
    if not isinstance(digest_hex, str) or not _HEX64.fullmatch(digest_hex):
        r.fail("candidates_digest: not a hex SHA-256")
        return r
    if candidates_digest(stmt) != digest_hex:
        r.fail("candidate list: the candidates, counts or draw identifiers do not match candidates_digest (the candidate list was altered)")
    else:
        r.checked.append("candidate list matches candidates_digest")
    commit = proof.get("commitment")
    if not isinstance(commit, str) or not _HEX64.fullmatch(commit):
        r.fail("commitment: not a hex SHA-256")
        return r
    seed_hex, nonce_hex = proof.get("seed"), proof.get("platform_nonce")
    if seed_hex is None:
        r.pending = True
        r.checked.append("seed not revealed yet: selection not recomputed")
        return r
    seed = _hex(seed_hex, 32)
    if seed is None:
        r.fail("seed: not 32 bytes of lower-case hex")
        return r
    if commitment(seed) != commit:
        r.fail("seed: SHA-256(seed) differs from the published commitment (the seed was altered)")
        return r
    r.checked.append("seed matches commitment")
    nonce = _hex(nonce_hex, 32)
    if nonce is None:
        r.fail("platform_nonce: not 32 bytes of lower-case hex")
        return r
    try:
        o, chosen = run(seed=seed, nonce=nonce, digest_hex=digest_hex, candidates=candidates, counts=counts)
    except DrawError as exc:
        r.fail(f"selection: {exc}")
        return r
    expected = [c for _, c in chosen]
    selected = proof.get("selected")
    if selected != expected:
        r.fail(f"selection: published {selected} but seed, platform_nonce and candidates give {expected} (the selection or the platform_nonce was altered)")
    else:
        r.checked.append(f"selection of {len(expected)} recomputed")
    excluded = set(expected)
    for i, rep in enumerate(proof.get("replacements") or []):
        s = rep.get("specialty")
        if s not in o:
            r.fail(f"replacement {i + 1}: unknown specialty {s!r}")
            continue
        if rep.get("replaced") not in excluded:
            r.fail(f"replacement {i + 1}: {rep.get('replaced')!r} was not on the committee")
        skipped = [k.get("candidate") for k in rep.get("skipped") or []]
        for k in skipped:
            if k not in o[s]:
                r.fail(f"replacement {i + 1}: skipped {k!r} is not a candidate of {s}")
        # Skips must be a prefix of the remaining order: the hub may pass over only the candidates it reached first.
        remaining = [c for c in o[s] if c not in excluded]
        if skipped != remaining[: len(skipped)]:
            r.fail(f"replacement {i + 1}: the skipped candidates {skipped} are not the next ones of the draw order {remaining[: len(skipped)]}")
        excluded.update(skipped)
        expect = replacement(o[s], excluded)
        if rep.get("by") != expect:
            r.fail(f"replacement {i + 1}: published {rep.get('by')!r} but the draw order gives {expect!r}")
        if rep.get("by") is not None:
            excluded.add(rep.get("by"))
    if proof.get("replacements"):
        r.checked.append(f"{len(proof['replacements'])} replacement(s) recomputed")
    return r
