"""Signed platform requests: one signed document, the body digest header, the process clock, verification codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from etender.kernel import clock
from etender.kernel.errors import RuleViolation
from etender.kernel.platform_requests import HEADER_CONTENT, HEADER_PLATFORM, HEADER_SIGNATURE, HEADER_TIMESTAMP, signed_document, signed_headers, verify
from etender.kernel.signing import Signer
from etender.kernel.signing import verify as verify_signature

PATH = "/api/experts/v1/draws/x/reveal"
CODE = "91330100MA2AAAAA0B"


def test_timestamp_follows_the_process_clock():
    # Regression: with ETENDER_CLOCK_OFFSET (hub and trading moved days ahead) the platform signed with the real
    # time while the hub compared with its shifted clock, so every draw call after the offset failed with E009.
    at = datetime.now(UTC) + timedelta(days=5)
    signer = Signer(Ed25519PrivateKey.generate())
    with clock.use(clock.FrozenClock(at)):
        headers = signed_headers(signer=signer, code=CODE, method="POST", path=PATH, body=b"{}")
        verify(public_key=signer.public_info()["public_key"], method="POST", path=PATH, timestamp=headers[HEADER_TIMESTAMP], signature=headers[HEADER_SIGNATURE], content_sha256=headers[HEADER_CONTENT], body=b"{}")
    assert datetime.fromisoformat(headers[HEADER_TIMESTAMP]) == at
    doc = signed_document(method="POST", path=PATH, timestamp=headers[HEADER_TIMESTAMP], content_sha256=headers[HEADER_CONTENT])
    assert verify_signature(doc, headers[HEADER_SIGNATURE], signer.public_info()["public_key"])


def test_a_get_signs_the_exchange_feeds_plain_document():
    signer = Signer(Ed25519PrivateKey.generate())
    headers = signed_headers(signer=signer, code=CODE, method="get", path="/api/exchange/v1/feed?after=0")
    assert HEADER_CONTENT not in headers and headers[HEADER_PLATFORM] == CODE
    plain = {"method": "GET", "path": "/api/exchange/v1/feed?after=0", "timestamp": headers[HEADER_TIMESTAMP]}
    assert verify_signature(plain, headers[HEADER_SIGNATURE], signer.public_info()["public_key"])


def test_verification_refuses_a_changed_body_path_key_or_stale_time():
    signer, other = Signer(Ed25519PrivateKey.generate()), Signer(Ed25519PrivateKey.generate())
    key = signer.public_info()["public_key"]
    h = signed_headers(signer=signer, code=CODE, method="POST", path=PATH, body=b'{"a":1}')
    args = {"method": "POST", "path": PATH, "timestamp": h[HEADER_TIMESTAMP], "signature": h[HEADER_SIGNATURE], "content_sha256": h[HEADER_CONTENT]}
    verify(public_key=key, body=b'{"a":1}', **args)
    cases = [
        ({"public_key": key, "body": b'{"a":2}', **args}, "E013"),  # body changed after signing
        ({"public_key": key, "body": b'{"a":1}', **args, "path": PATH + "?x=1"}, "E013"),
        ({"public_key": other.public_info()["public_key"], "body": b'{"a":1}', **args}, "E013"),
        ({"public_key": key, "body": b'{"a":1}', **args, "content_sha256": None}, "E013"),  # digest dropped: another document
        ({"public_key": key, "body": b'{"a":1}', **args, "timestamp": "2020-01-01T00:00:00+08:00"}, "E009"),
        ({"public_key": key, "body": b'{"a":1}', **args, "timestamp": "yesterday"}, "E009"),
        ({"public_key": key, "body": b'{"a":1}', **args, "timestamp": clock.now().replace(tzinfo=None).isoformat()}, "E009"),
    ]
    for kwargs, code in cases:
        with pytest.raises(RuleViolation) as e:
            verify(**kwargs)
        assert e.value.code == code, kwargs
