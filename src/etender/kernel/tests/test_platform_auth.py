"""Signed platform requests carry the time of the process clock, which is what the hub checks them against."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from etender.kernel import clock
from etender.kernel.platform_auth import HEADER_CONTENT, HEADER_SIGNATURE, HEADER_TIMESTAMP, signed_document, signed_headers
from etender.kernel.signing import Signer, verify


def test_timestamp_follows_the_process_clock():
    # Regression: with ETENDER_CLOCK_OFFSET (hub and trading moved days ahead) the platform signed with the real
    # time while the hub compared with its shifted clock, so every draw call after the offset failed with E009.
    at = datetime.now(UTC) + timedelta(days=5)
    signer = Signer(Ed25519PrivateKey.generate())
    with clock.use(clock.FrozenClock(at)):
        headers = signed_headers(signer=signer, platform_code="91330100MA2AAAAA0B", method="POST", path="/api/experts/v1/draws/x/reveal", body=b"{}")
    assert datetime.fromisoformat(headers[HEADER_TIMESTAMP]) == at
    doc = signed_document(method="POST", path="/api/experts/v1/draws/x/reveal", timestamp=headers[HEADER_TIMESTAMP], content_sha256=headers[HEADER_CONTENT])
    assert verify(doc, headers[HEADER_SIGNATURE], signer.public_info()["public_key"])
