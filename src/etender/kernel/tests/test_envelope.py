"""Tests of the sealed bid envelope, format v1 (real crypto, no mocks).

Besides round trips and tamper detection, this file contains a small
independent reader/writer written from docs/envelope-v1.md only
(``_spec_encode`` / ``_spec_decode``) so that the specification and the
implementation cannot drift apart silently, and a pinned test vector
(vectors/envelope-v1-intl.json).  Regenerate the vector only for a deliberate
format change:  ``PYTHONPATH=src python -m etender.kernel.tests.test_envelope``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import struct
import tracemalloc
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etender.kernel import envelope as env
from etender.kernel.envelope import (
    REASON_BAD_SIGNATURE,
    REASON_CORRUPT,
    REASON_NOT_ENVELOPE,
    REASON_UNSUPPORTED,
    REASON_WRONG_KEY,
    BidderKeys,
    BidPackageError,
    EnvelopeError,
    EnvelopeInfo,
    build_bid_package,
    generate_bidder_keys,
    inspect,
    key_id,
    keys_from_json,
    keys_to_json,
    open_envelope,
    read_bid_package,
    seal,
    unwrap_dek,
)

VECTOR_PATH = Path(__file__).parent / "vectors" / "envelope-v1-intl.json"

KEYS = generate_bidder_keys()
OTHER_KEYS = generate_bidder_keys()
TENDER = "T-2025-0001"
LOT = "L1"
BIDDER = "91110000600037341L"
WHEN = datetime(2025, 3, 1, 9, 30, 0, tzinfo=UTC)
SMALL_CHUNK = 64


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def seal_bytes(
    plaintext: bytes,
    *,
    chunk_size: int = SMALL_CHUNK,
    keys: BidderKeys = KEYS,
    tender: str = TENDER,
    lot: str = LOT,
) -> tuple[bytes, EnvelopeInfo]:
    out = io.BytesIO()
    info = seal(
        plaintext=io.BytesIO(plaintext),
        out=out,
        tender=tender,
        lot=lot,
        bidder=BIDDER,
        recipient_public=keys.encryption_public,
        signing_private=keys.signing_private,
        created_at=WHEN,
        chunk_size=chunk_size,
    )
    return out.getvalue(), info


def open_bytes(envelope: bytes, dek: bytes) -> bytes:
    out = io.BytesIO()
    open_envelope(envelope=io.BytesIO(envelope), dek=dek, out=out)
    return out.getvalue()


def dek_of(envelope: bytes, keys: BidderKeys = KEYS) -> bytes:
    return unwrap_dek(io.BytesIO(envelope), encryption_private=keys.encryption_private)


def split(envelope: bytes) -> tuple[bytes, bytes, bytes]:
    """(header bytes, ciphertext, trailer incl. its length) per the spec layout."""
    (hlen,) = struct.unpack(">I", envelope[7:11])
    header_bytes = envelope[11 : 11 + hlen]
    header = json.loads(header_bytes)
    p, c = header["plaintext_size"], header["chunk_size"]
    n = max(1, -(-p // c))
    ct_len = p + 16 * n
    start = 11 + hlen
    return header_bytes, envelope[start : start + ct_len], envelope[start + ct_len :]


def join(header_bytes: bytes, ciphertext: bytes, trailer: bytes, version: int = 1) -> bytes:
    return b"ETENV\x00" + bytes([version]) + struct.pack(">I", len(header_bytes)) + header_bytes + ciphertext + trailer


def reason(exc_info: pytest.ExceptionInfo[EnvelopeError]) -> str:
    return exc_info.value.reason


# ---------------------------------------------------------------------------
# Independent implementation written from docs/envelope-v1.md
# ---------------------------------------------------------------------------


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def _spec_commitment(dek: bytes, header: dict[str, Any]) -> str:
    ctx = rfc8785.dumps({"bidder": header["bidder"], "lot": header["lot"], "tender": header["tender"]})
    return hashlib.sha256(b"etender-dek-commit-v1" + dek + ctx).hexdigest()


def _spec_kek(shared: bytes, epk: bytes, recipient_pub: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=epk + recipient_pub, info=b"etender-envelope-v1 wrap").derive(shared)


def _spec_encode(header: dict[str, Any], dek: bytes, plaintext: bytes, signing_private: bytes) -> bytes:
    """Write an envelope for an already complete header (recipients etc. filled in)."""
    hb = rfc8785.dumps(header)
    hd = hashlib.sha256(hb).digest()
    c, p = header["chunk_size"], len(plaintext)
    assert header["plaintext_size"] == p
    n = max(1, -(-p // c))
    prefix = base64.b64decode(header["nonce_prefix"])
    ct = b""
    for i in range(n):
        nonce = prefix + struct.pack(">I", i)
        aad = hd + (b"\x01" if i == n - 1 else b"\x00")
        ct += AESGCM(dek).encrypt(nonce, plaintext[i * c : (i + 1) * c], aad)
    manifest = {
        "header_sha256": hd.hex(),
        "ciphertext_sha256": hashlib.sha256(ct).hexdigest(),
        "tender": header["tender"],
        "lot": header["lot"],
        "bidder": header["bidder"],
        "created_at": header["created_at"],
    }
    sig = Ed25519PrivateKey.from_private_bytes(signing_private).sign(
        b"etender-envelope-v1 manifest\x00" + rfc8785.dumps(manifest)
    )
    tb = rfc8785.dumps({"manifest": manifest, "signature": _b64(sig)})
    return join(hb, ct, struct.pack(">I", len(tb)) + tb)


def _spec_wrap(dek: bytes, recipient_pub: bytes, eph_priv: bytes, nonce: bytes) -> dict[str, Any]:
    eph = X25519PrivateKey.from_private_bytes(eph_priv)
    epk = eph.public_key().public_bytes_raw()
    kek = _spec_kek(eph.exchange(X25519PublicKey.from_public_bytes(recipient_pub)), epk, recipient_pub)
    return {
        "kind": "bidder",
        "key_id": hashlib.sha256(recipient_pub).digest()[:16].hex(),
        "epk": _b64(epk),
        "nonce": _b64(nonce),
        "wrapped_dek": _b64(AESGCM(kek).encrypt(nonce, dek, None)),
    }


def _spec_decode(data: bytes, encryption_private: bytes, signing_public: bytes) -> tuple[dict[str, Any], bytes]:
    """Read, verify and decrypt an envelope; return (header, plaintext)."""
    assert data[:6] == b"ETENV\x00" and data[6] == 1
    (hlen,) = struct.unpack(">I", data[7:11])
    hb = data[11 : 11 + hlen]
    header = json.loads(hb)
    assert rfc8785.dumps(header) == hb
    priv = X25519PrivateKey.from_private_bytes(encryption_private)
    pub = priv.public_key().public_bytes_raw()
    (rcp,) = [
        r for r in header["recipients"]
        if r["kind"] == "bidder" and r["key_id"] == hashlib.sha256(pub).digest()[:16].hex()
    ]
    epk = base64.b64decode(rcp["epk"])
    kek = _spec_kek(priv.exchange(X25519PublicKey.from_public_bytes(epk)), epk, pub)
    dek = AESGCM(kek).decrypt(base64.b64decode(rcp["nonce"]), base64.b64decode(rcp["wrapped_dek"]), None)
    assert _spec_commitment(dek, header) == header["dek_commitment"]
    hd = hashlib.sha256(hb).digest()
    c, p = header["chunk_size"], header["plaintext_size"]
    n = max(1, -(-p // c))
    prefix = base64.b64decode(header["nonce_prefix"])
    pos = 11 + hlen
    ct_start = pos
    pt = b""
    for i in range(n):
        final = i == n - 1
        size = (p - (n - 1) * c if final else c) + 16
        pt += AESGCM(dek).decrypt(
            prefix + struct.pack(">I", i), data[pos : pos + size], hd + (b"\x01" if final else b"\x00")
        )
        pos += size
    ct = data[ct_start:pos]
    (tlen,) = struct.unpack(">I", data[pos : pos + 4])
    tb = data[pos + 4 : pos + 4 + tlen]
    assert pos + 4 + tlen == len(data)
    trailer = json.loads(tb)
    assert rfc8785.dumps(trailer) == tb
    manifest = trailer["manifest"]
    assert manifest["header_sha256"] == hd.hex()
    assert manifest["ciphertext_sha256"] == hashlib.sha256(ct).hexdigest()
    Ed25519PublicKey.from_public_bytes(signing_public).verify(
        base64.b64decode(trailer["signature"]), b"etender-envelope-v1 manifest\x00" + rfc8785.dumps(manifest)
    )
    return header, pt


# ---------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "chunk_size"),
    [
        (0, SMALL_CHUNK),
        (1, SMALL_CHUNK),
        (SMALL_CHUNK, SMALL_CHUNK),
        (SMALL_CHUNK + 1, SMALL_CHUNK),
        (3 * SMALL_CHUNK, SMALL_CHUNK),
        (0, env.DEFAULT_CHUNK_SIZE),
        (env.DEFAULT_CHUNK_SIZE, env.DEFAULT_CHUNK_SIZE),
        (env.DEFAULT_CHUNK_SIZE + 1, env.DEFAULT_CHUNK_SIZE),
    ],
)
def test_round_trip(size: int, chunk_size: int) -> None:
    plaintext = bytes((i * 7 + 3) % 256 for i in range(min(size, 4096))) * (size // 4096 + 1)
    plaintext = plaintext[:size]
    data, info = seal_bytes(plaintext, chunk_size=chunk_size)

    chunks = max(1, -(-size // chunk_size))
    header_bytes, ciphertext, trailer = split(data)
    assert len(ciphertext) == size + 16 * chunks
    assert info.size == len(data)
    assert info.file_sha256 == hashlib.sha256(data).hexdigest()
    assert info.header_sha256 == hashlib.sha256(header_bytes).hexdigest()
    assert info.ciphertext_sha256 == hashlib.sha256(ciphertext).hexdigest()
    assert info.header["plaintext_size"] == size
    assert info.header["chunk_size"] == chunk_size
    assert "plaintext_sha256" not in info.header

    inspected = inspect(io.BytesIO(data), signing_public=KEYS.signing_public)
    assert inspected == info
    assert inspect(io.BytesIO(data)) == info  # no key needed for structure

    dek = dek_of(data)
    assert len(dek) == 32
    out = io.BytesIO()
    opened = open_envelope(envelope=io.BytesIO(data), dek=dek, out=out)
    assert out.getvalue() == plaintext
    assert opened == info
    # The independent spec reader agrees.
    assert _spec_decode(data, KEYS.encryption_private, KEYS.signing_public)[1] == plaintext


def test_header_fields() -> None:
    data, info = seal_bytes(b"hello", tender="招标-1", lot="标段一")
    h = info.header
    assert set(h) == {
        "format", "version", "suite", "tender", "lot", "bidder", "created_at", "chunk_size",
        "nonce_prefix", "plaintext_size", "dek_commitment", "recipients", "signer",
    }
    assert (h["format"], h["version"], h["suite"]) == ("etender-envelope", 1, "intl-v1")
    assert (h["tender"], h["lot"], h["bidder"]) == ("招标-1", "标段一", BIDDER)
    assert h["created_at"] == "2025-03-01T09:30:00Z"
    assert h["recipients"][0]["kind"] == "bidder"
    assert h["recipients"][0]["key_id"] == key_id(KEYS.encryption_public)
    assert h["signer"] == {"kind": "ed25519", "key_id": key_id(KEYS.signing_public)}
    assert data.startswith(b"ETENV\x00\x01")
    header_bytes, _, _ = split(data)
    assert header_bytes == rfc8785.dumps(h)
    assert info.manifest == {
        "header_sha256": info.header_sha256,
        "ciphertext_sha256": info.ciphertext_sha256,
        "tender": "招标-1",
        "lot": "标段一",
        "bidder": BIDDER,
        "created_at": "2025-03-01T09:30:00Z",
    }


def test_created_at_is_converted_to_utc_and_must_be_aware() -> None:
    out = io.BytesIO()
    beijing = timezone(timedelta(hours=8))
    info = seal(
        plaintext=io.BytesIO(b"x"), out=out, tender=TENDER, lot=LOT, bidder=BIDDER,
        recipient_public=KEYS.encryption_public, signing_private=KEYS.signing_private,
        created_at=datetime(2025, 3, 1, 17, 30, 5, 123456, tzinfo=beijing),
    )
    assert info.header["created_at"] == "2025-03-01T09:30:05Z"
    with pytest.raises(ValueError, match="timezone-aware"):
        seal(
            plaintext=io.BytesIO(b"x"), out=io.BytesIO(), tender=TENDER, lot=LOT, bidder=BIDDER,
            recipient_public=KEYS.encryption_public, signing_private=KEYS.signing_private,
            created_at=datetime(2025, 3, 1),
        )


def test_seal_starts_at_current_position_and_requires_seekable_input() -> None:
    src = io.BytesIO(b"SKIPpayload")
    src.seek(4)
    out = io.BytesIO()
    seal(
        plaintext=src, out=out, tender=TENDER, lot=LOT, bidder=BIDDER,
        recipient_public=KEYS.encryption_public, signing_private=KEYS.signing_private, chunk_size=3,
    )
    assert open_bytes(out.getvalue(), dek_of(out.getvalue())) == b"payload"

    class Pipe(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, b: Any) -> int:
            return 0

    with pytest.raises(ValueError, match="seekable"):
        seal(
            plaintext=Pipe(), out=io.BytesIO(), tender=TENDER, lot=LOT, bidder=BIDDER,
            recipient_public=KEYS.encryption_public, signing_private=KEYS.signing_private,
        )


def test_seal_argument_validation() -> None:
    common: dict[str, Any] = dict(
        tender=TENDER, lot=LOT, bidder=BIDDER,
        recipient_public=KEYS.encryption_public, signing_private=KEYS.signing_private,
    )
    with pytest.raises(ValueError):
        seal(plaintext=io.BytesIO(b""), out=io.BytesIO(), **{**common, "tender": ""})
    with pytest.raises(ValueError):
        seal(plaintext=io.BytesIO(b""), out=io.BytesIO(), chunk_size=0, **common)
    with pytest.raises(ValueError):
        seal(plaintext=io.BytesIO(b""), out=io.BytesIO(), chunk_size=env.MAX_CHUNK_SIZE + 1, **common)
    with pytest.raises(ValueError):
        seal(plaintext=io.BytesIO(b""), out=io.BytesIO(), **{**common, "recipient_public": b"short"})
    with pytest.raises(ValueError, match="usable"):  # low-order point: all-zero shared secret
        seal(plaintext=io.BytesIO(b""), out=io.BytesIO(), **{**common, "recipient_public": bytes(32)})


def test_each_seal_uses_fresh_randomness() -> None:
    a, ia = seal_bytes(b"same bid")
    b, ib = seal_bytes(b"same bid")
    assert a != b
    assert ia.header["nonce_prefix"] != ib.header["nonce_prefix"]
    assert ia.header["dek_commitment"] != ib.header["dek_commitment"]
    assert dek_of(a) != dek_of(b)


class _HashSink:
    """A write-only stream that keeps nothing but a hash."""

    def __init__(self) -> None:
        self.sha = hashlib.sha256()
        self.count = 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.count += len(data)
        return len(data)


def test_50mb_stream_has_flat_memory(tmp_path: Path) -> None:
    size = 50 * 1000 * 1000
    src_path = tmp_path / "bid.zip"
    expected = hashlib.sha256()
    block = hashlib.sha256(b"seed").digest() * (1 << 15)  # 1 MiB
    with src_path.open("wb") as f:
        written = 0
        while written < size:
            piece = block[: size - written]
            f.write(piece)
            expected.update(piece)
            written += len(piece)
    del block
    env_path = tmp_path / "bid.etenv"

    tracemalloc.start()
    try:
        with src_path.open("rb") as src, env_path.open("wb") as dst:
            info = seal(
                plaintext=src, out=dst, tender=TENDER, lot=LOT, bidder=BIDDER,
                recipient_public=KEYS.encryption_public, signing_private=KEYS.signing_private,
            )
        seal_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        with env_path.open("rb") as f:
            assert inspect(f, signing_public=KEYS.signing_public) == info
        inspect_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        with env_path.open("rb") as f:
            dek = unwrap_dek(f, encryption_private=KEYS.encryption_private)
        sink = _HashSink()
        with env_path.open("rb") as f:
            open_envelope(envelope=f, dek=dek, out=sink)  # type: ignore[arg-type]
        open_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert info.size == env_path.stat().st_size
    assert sink.count == size and sink.sha.hexdigest() == expected.hexdigest()
    limit = 8 * 1024 * 1024
    assert seal_peak < limit, seal_peak
    assert inspect_peak < limit, inspect_peak
    assert open_peak < limit, open_peak


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    plaintext=st.binary(min_size=0, max_size=2500),
    chunk_size=st.integers(min_value=1, max_value=700),
)
def test_property_round_trip(plaintext: bytes, chunk_size: int) -> None:
    data, info = seal_bytes(plaintext, chunk_size=chunk_size)
    assert inspect(io.BytesIO(data), signing_public=KEYS.signing_public) == info
    assert open_bytes(data, dek_of(data)) == plaintext


# ---------------------------------------------------------------------------
# Keys and wrong keys
# ---------------------------------------------------------------------------


def test_wrong_private_key() -> None:
    data, _ = seal_bytes(b"bid")
    with pytest.raises(EnvelopeError) as e:
        unwrap_dek(io.BytesIO(data), encryption_private=OTHER_KEYS.encryption_private)
    assert reason(e) == REASON_WRONG_KEY


def test_wrapped_dek_for_our_key_id_but_not_unwrappable() -> None:
    data, info = seal_bytes(b"bid")
    header = json.loads(json.dumps(info.header))
    header["recipients"][0]["wrapped_dek"] = _b64(bytes(48))
    with pytest.raises(EnvelopeError) as e:
        unwrap_dek(header, encryption_private=KEYS.encryption_private)
    assert reason(e) == REASON_WRONG_KEY


def test_wrong_dek() -> None:
    data, _ = seal_bytes(b"bid" * 100)
    for bad in (bytes(32), OTHER_KEYS.encryption_private, dek_of(data)[:31], dek_of(data) + b"\x00"):
        out = io.BytesIO()
        with pytest.raises(EnvelopeError) as e:
            open_envelope(envelope=io.BytesIO(data), dek=bad, out=out)
        assert reason(e) == REASON_WRONG_KEY
        assert out.getvalue() == b""  # nothing written before the key is known good


def test_unwrap_accepts_header_sources() -> None:
    data, info = seal_bytes(b"bid" * 50)
    dek = dek_of(data)
    header_end = 11 + struct.unpack(">I", data[7:11])[0]
    for source in (io.BytesIO(data), data, data[:header_end], info.header, info):
        assert unwrap_dek(source, encryption_private=KEYS.encryption_private) == dek
    with pytest.raises(EnvelopeError) as e:
        unwrap_dek(data[: header_end - 1], encryption_private=KEYS.encryption_private)
    assert reason(e) == REASON_NOT_ENVELOPE


def test_keys_json_round_trip() -> None:
    full = keys_to_json(KEYS, include_private=True)
    assert full["type"] == "etender-bidder-keys" and full["suite"] == "intl-v1"
    assert full["key_id"] == key_id(KEYS.encryption_public)
    assert keys_from_json(json.loads(json.dumps(full))) == KEYS

    public = keys_to_json(KEYS, include_private=False)
    assert "encryption_private" not in public and "signing_private" not in public
    pub_keys = keys_from_json(public)
    assert pub_keys.encryption_private is None and pub_keys.signing_private is None
    assert pub_keys == KEYS.public_only()
    assert not pub_keys.has_private
    with pytest.raises(ValueError):
        keys_to_json(pub_keys, include_private=True)
    assert repr(KEYS.signing_private) not in repr(KEYS)
    assert repr(KEYS.encryption_private) not in repr(KEYS)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(type="something-else"),
        lambda d: d.update(suite="gm-v1"),
        lambda d: d.update(encryption_public=_b64(b"\x01" * 31)),
        lambda d: d.update(signing_public="not base64!"),
        lambda d: d.pop("signing_public"),
        lambda d: d.update(key_id="00" * 16),
        lambda d: d.update(encryption_private=_b64(OTHER_KEYS.encryption_private)),
        lambda d: d.update(signing_private=_b64(OTHER_KEYS.signing_private)),
        lambda d: d.update(signing_private=_b64(b"\x00" * 33)),
    ],
)
def test_keys_from_json_rejects_malformed(mutate: Any) -> None:
    data = keys_to_json(KEYS, include_private=True)
    mutate(data)
    with pytest.raises(ValueError):
        keys_from_json(data)
    with pytest.raises(ValueError):
        keys_from_json([])  # type: ignore[arg-type]


def test_key_id() -> None:
    assert key_id(KEYS.encryption_public) == hashlib.sha256(KEYS.encryption_public).hexdigest()[:32]
    with pytest.raises(ValueError):
        key_id(b"\x00" * 31)


# ---------------------------------------------------------------------------
# Tampering and malformed files
# ---------------------------------------------------------------------------


def test_flipped_ciphertext_byte() -> None:
    data, _ = seal_bytes(b"A" * 300)
    header_bytes, ciphertext, trailer = split(data)
    dek = dek_of(data)
    for pos in (0, len(ciphertext) // 2, len(ciphertext) - 1):
        bad = bytearray(ciphertext)
        bad[pos] ^= 0x01
        tampered = join(header_bytes, bytes(bad), trailer)
        with pytest.raises(EnvelopeError) as e:
            open_bytes(tampered, dek)
        assert reason(e) == REASON_CORRUPT
        with pytest.raises(EnvelopeError) as e:
            inspect(io.BytesIO(tampered))
        assert reason(e) == REASON_CORRUPT


def test_truncated_final_chunk() -> None:
    data, _ = seal_bytes(b"B" * 300)
    header_bytes, ciphertext, trailer = split(data)
    dek = dek_of(data)
    for cut in (1, 10, 16 + 5):
        truncated = join(header_bytes, ciphertext[:-cut], b"")
        with pytest.raises(EnvelopeError) as e:
            inspect(io.BytesIO(truncated))
        assert reason(e) == REASON_NOT_ENVELOPE
        with pytest.raises(EnvelopeError) as e:
            open_bytes(truncated, dek)
        assert reason(e) in (REASON_NOT_ENVELOPE, REASON_CORRUPT)
        # Dropping bytes but keeping the trailer is refused too.
        with pytest.raises(EnvelopeError):
            inspect(io.BytesIO(join(header_bytes, ciphertext[:-cut], trailer)))
        with pytest.raises(EnvelopeError):
            open_bytes(join(header_bytes, ciphertext[:-cut], trailer), dek)
    # Trailer missing entirely, or cut short.
    for bad in (data[: -len(trailer)], data[:-1], data[:20]):
        with pytest.raises(EnvelopeError) as e:
            inspect(io.BytesIO(bad))
        assert reason(e) == REASON_NOT_ENVELOPE


def test_removed_last_chunk() -> None:
    data, _ = seal_bytes(b"C" * (SMALL_CHUNK * 3))
    header_bytes, ciphertext, trailer = split(data)
    dek = dek_of(data)
    without_last = ciphertext[: 2 * (SMALL_CHUNK + 16)]
    for tampered in (join(header_bytes, without_last, trailer), join(header_bytes, without_last, b"")):
        with pytest.raises(EnvelopeError) as e:
            inspect(io.BytesIO(tampered))
        assert reason(e) in (REASON_NOT_ENVELOPE, REASON_CORRUPT)
        with pytest.raises(EnvelopeError) as e:
            open_bytes(tampered, dek)
        assert reason(e) in (REASON_NOT_ENVELOPE, REASON_CORRUPT)


def test_final_flag_detects_truncation_even_with_matching_header() -> None:
    """A header claiming fewer bytes cannot make a non-final chunk pass as final."""
    plaintext = b"D" * (SMALL_CHUNK * 2)
    data, info = seal_bytes(plaintext)
    header = dict(info.header, plaintext_size=SMALL_CHUNK)
    dek = dek_of(data)
    _, ciphertext, _ = split(data)
    hb = rfc8785.dumps(header)
    # Re-sign a consistent manifest so only the AEAD can notice.
    first = ciphertext[: SMALL_CHUNK + 16]
    manifest = {
        "header_sha256": hashlib.sha256(hb).hexdigest(),
        "ciphertext_sha256": hashlib.sha256(first).hexdigest(),
        "tender": TENDER, "lot": LOT, "bidder": BIDDER, "created_at": header["created_at"],
    }
    sig = Ed25519PrivateKey.from_private_bytes(KEYS.signing_private).sign(
        b"etender-envelope-v1 manifest\x00" + rfc8785.dumps(manifest)
    )
    tb = rfc8785.dumps({"manifest": manifest, "signature": _b64(sig)})
    forged = join(hb, first, struct.pack(">I", len(tb)) + tb)
    inspect(io.BytesIO(forged), signing_public=KEYS.signing_public)  # structurally fine
    with pytest.raises(EnvelopeError) as e:
        open_bytes(forged, dek)
    assert reason(e) == REASON_CORRUPT


def test_reordered_chunks() -> None:
    data, _ = seal_bytes(b"E" * SMALL_CHUNK + b"F" * SMALL_CHUNK + b"G")
    header_bytes, ciphertext, trailer = split(data)
    n = SMALL_CHUNK + 16
    swapped = ciphertext[n : 2 * n] + ciphertext[:n] + ciphertext[2 * n :]
    tampered = join(header_bytes, swapped, trailer)
    with pytest.raises(EnvelopeError) as e:
        open_bytes(tampered, dek_of(data))
    assert reason(e) == REASON_CORRUPT
    with pytest.raises(EnvelopeError) as e:
        inspect(io.BytesIO(tampered))
    assert reason(e) == REASON_CORRUPT


def test_swapped_header_from_another_envelope() -> None:
    a, _ = seal_bytes(b"bid A" * 40)
    b, _ = seal_bytes(b"bid B" * 40)
    ha, ca, ta = split(a)
    hb, cb, tb = split(b)
    for tampered in (join(hb, ca, ta), join(hb, ca, tb), join(ha, cb, tb)):
        with pytest.raises(EnvelopeError) as e:
            inspect(io.BytesIO(tampered), signing_public=KEYS.signing_public)
        assert reason(e) == REASON_CORRUPT
        for dek in (dek_of(a), dek_of(b)):
            with pytest.raises(EnvelopeError) as e:
                open_bytes(tampered, dek)
            assert reason(e) in (REASON_WRONG_KEY, REASON_CORRUPT)


def test_edited_header_is_detected() -> None:
    data, info = seal_bytes(b"bid")
    _, ciphertext, trailer = split(data)
    edited = rfc8785.dumps(dict(info.header, tender="T-OTHER"))
    tampered = join(edited, ciphertext, trailer)
    with pytest.raises(EnvelopeError) as e:
        inspect(io.BytesIO(tampered))
    assert reason(e) == REASON_CORRUPT
    with pytest.raises(EnvelopeError) as e:
        open_bytes(tampered, dek_of(data))
    assert reason(e) == REASON_WRONG_KEY  # commitment binds tender/lot/bidder


def test_signature_with_another_key() -> None:
    data, _ = seal_bytes(b"bid")
    with pytest.raises(EnvelopeError) as e:
        inspect(io.BytesIO(data), signing_public=OTHER_KEYS.signing_public)
    assert reason(e) == REASON_BAD_SIGNATURE


def test_bad_signature_bytes() -> None:
    data, info = seal_bytes(b"bid")
    header_bytes, ciphertext, _ = split(data)
    sig = bytearray(info.signature)
    sig[0] ^= 1
    tb = rfc8785.dumps({"manifest": info.manifest, "signature": _b64(bytes(sig))})
    tampered = join(header_bytes, ciphertext, struct.pack(">I", len(tb)) + tb)
    inspect(io.BytesIO(tampered))  # without a key only structure is checked
    with pytest.raises(EnvelopeError) as e:
        inspect(io.BytesIO(tampered), signing_public=KEYS.signing_public)
    assert reason(e) == REASON_BAD_SIGNATURE


def test_signed_by_other_bidder_claiming_our_key_id() -> None:
    """Someone else's signature over the right manifest fails against our key."""
    data, info = seal_bytes(b"bid")
    header_bytes, ciphertext, _ = split(data)
    sig = Ed25519PrivateKey.from_private_bytes(OTHER_KEYS.signing_private).sign(
        b"etender-envelope-v1 manifest\x00" + rfc8785.dumps(info.manifest)
    )
    tb = rfc8785.dumps({"manifest": info.manifest, "signature": _b64(sig)})
    tampered = join(header_bytes, ciphertext, struct.pack(">I", len(tb)) + tb)
    with pytest.raises(EnvelopeError) as e:
        inspect(io.BytesIO(tampered), signing_public=KEYS.signing_public)
    assert reason(e) == REASON_BAD_SIGNATURE


def _plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("bid.json", "{}")
    return buf.getvalue()


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        b"ETEN",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        _plain_zip(),
        b"ETENV\x00\x01",
        b"ETENV\x00\x01\x00\x00\x00\x00",
        b"ETENV\x00\x01\xff\xff\xff\xff",
        b"ETENV\x00\x01\x00\x00\x00\x02{}",
        b"ETENV\x00\x01\x00\x00\x00\x04null",
        b"ETENV\x00\x01\x00\x00\x00\x03\xff\xfe\xfd",
    ],
)
def test_not_an_envelope(blob: bytes) -> None:
    with pytest.raises(EnvelopeError) as e:
        inspect(io.BytesIO(blob))
    assert reason(e) == REASON_NOT_ENVELOPE
    with pytest.raises(EnvelopeError) as e:
        open_envelope(envelope=io.BytesIO(blob), dek=bytes(32), out=io.BytesIO())
    assert reason(e) == REASON_NOT_ENVELOPE


def test_unknown_version_byte() -> None:
    data, _ = seal_bytes(b"bid")
    for version in (0, 2, 255):
        tampered = data[:6] + bytes([version]) + data[7:]
        with pytest.raises(EnvelopeError) as e:
            inspect(io.BytesIO(tampered))
        assert reason(e) == REASON_UNSUPPORTED
        with pytest.raises(EnvelopeError) as e:
            unwrap_dek(tampered, encryption_private=KEYS.encryption_private)
        assert reason(e) == REASON_UNSUPPORTED


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"suite": "gm-v1"}, REASON_UNSUPPORTED),
        ({"version": 2}, REASON_UNSUPPORTED),
        ({"signer": {"kind": "sm2", "key_id": "00" * 16}}, REASON_UNSUPPORTED),
        ({"format": "other"}, REASON_NOT_ENVELOPE),
        ({"chunk_size": 0}, REASON_NOT_ENVELOPE),
        ({"chunk_size": env.MAX_CHUNK_SIZE + 1}, REASON_NOT_ENVELOPE),
        ({"plaintext_size": -1}, REASON_NOT_ENVELOPE),
        ({"plaintext_size": True}, REASON_NOT_ENVELOPE),
        ({"nonce_prefix": _b64(b"1234567")}, REASON_NOT_ENVELOPE),
        ({"dek_commitment": "AB" * 32}, REASON_NOT_ENVELOPE),
        ({"created_at": "2025-03-01 09:30:00"}, REASON_NOT_ENVELOPE),
        ({"created_at": "2025-02-30T09:30:00Z"}, REASON_NOT_ENVELOPE),
        ({"recipients": []}, REASON_NOT_ENVELOPE),
        ({"recipients": [{"kind": "custodian"}]}, REASON_NOT_ENVELOPE),  # no bidder entry left
        ({"tender": ""}, REASON_NOT_ENVELOPE),
        ({"lot": 5}, REASON_NOT_ENVELOPE),
    ],
)
def test_invalid_header_fields(change: dict[str, Any], expected: str) -> None:
    data, info = seal_bytes(b"bid")
    _, ciphertext, trailer = split(data)
    tampered = join(rfc8785.dumps(dict(info.header, **change)), ciphertext, trailer)
    with pytest.raises(EnvelopeError) as e:
        inspect(io.BytesIO(tampered))
    assert reason(e) == expected


def test_non_canonical_header_and_trailing_data() -> None:
    data, info = seal_bytes(b"bid")
    _, ciphertext, trailer = split(data)
    pretty = json.dumps(info.header, indent=1).encode()
    with pytest.raises(EnvelopeError) as e:
        inspect(io.BytesIO(join(pretty, ciphertext, trailer)))
    assert reason(e) == REASON_NOT_ENVELOPE
    with pytest.raises(EnvelopeError) as e:
        inspect(io.BytesIO(data + b"\x00"))
    assert reason(e) == REASON_NOT_ENVELOPE
    with pytest.raises(EnvelopeError) as e:
        open_bytes(data + b"junk", dek_of(data))
    assert reason(e) == REASON_NOT_ENVELOPE


def test_unknown_recipient_kinds_and_members_are_ignored() -> None:
    """Additive extension: a v1 reader skips recipient kinds and header members it does not know."""
    dek = bytes(range(32))
    plaintext = b"extension test " * 20
    header = {
        "format": "etender-envelope", "version": 1, "suite": "intl-v1",
        "tender": TENDER, "lot": LOT, "bidder": BIDDER, "created_at": "2025-03-01T09:30:00Z",
        "chunk_size": 50, "nonce_prefix": _b64(b"\x07" * 8), "plaintext_size": len(plaintext),
        "recipients": [
            {"kind": "custodian", "index": 1, "threshold": 2, "share": "opaque"},
            _spec_wrap(dek, KEYS.encryption_public, b"\x11" * 32, b"\x22" * 12),
        ],
        "signer": {"kind": "ed25519", "key_id": key_id(KEYS.signing_public)},
        "x-future": {"anything": [1, 2, 3]},
    }
    header["dek_commitment"] = _spec_commitment(dek, header)
    data = _spec_encode(header, dek, plaintext, KEYS.signing_private)
    info = inspect(io.BytesIO(data), signing_public=KEYS.signing_public)
    assert info.header == header
    assert dek_of(data) == dek
    assert open_bytes(data, dek) == plaintext


# ---------------------------------------------------------------------------
# Bid package
# ---------------------------------------------------------------------------

FORM = {
    "tender": TENDER,
    "lot": LOT,
    "bidder": BIDDER,
    "price": "1234567.89",
    "currency": "CNY",
    "duration_days": 180,
    "quality": "合格",
    "notes": None,
}


def test_bid_package_is_deterministic_and_readable(tmp_path: Path) -> None:
    doc = tmp_path / "技术标.pdf"
    doc.write_bytes(b"%PDF-1.7 tech")
    files_a: dict[str, bytes | Path] = {"商务标.pdf": b"%PDF-1.7 biz", "技术标.pdf": doc, "sub/a.txt": b"a"}
    files_b: dict[str, bytes | Path] = {"sub/a.txt": b"a", "技术标.pdf": b"%PDF-1.7 tech", "商务标.pdf": b"%PDF-1.7 biz"}
    pkg = build_bid_package(FORM, files_a)
    assert pkg == build_bid_package(dict(reversed(list(FORM.items()))), files_b)
    with zipfile.ZipFile(io.BytesIO(pkg)) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert infos[0].filename == "bid.json"
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
        assert json.loads(zf.read("bid.json")) == FORM
        assert zf.read("files/技术标.pdf") == b"%PDF-1.7 tech"
    form, names = read_bid_package(pkg)
    assert form == FORM
    assert names == sorted(["商务标.pdf", "技术标.pdf", "sub/a.txt"])
    assert read_bid_package(io.BytesIO(pkg)) == (form, names)
    p = tmp_path / "pkg.zip"
    p.write_bytes(pkg)
    assert read_bid_package(p) == (form, names)


def test_bid_form_defaults() -> None:
    pkg = build_bid_package({"tender": "T", "lot": "L", "bidder": BIDDER, "price": "0"}, {})
    form, names = read_bid_package(pkg)
    assert form == {
        "tender": "T", "lot": "L", "bidder": BIDDER, "price": "0", "currency": "CNY",
        "duration_days": None, "quality": None, "notes": None,
    }
    assert names == []


@pytest.mark.parametrize(
    "change",
    [
        {"price": 12.5},
        {"price": "1e5"},
        {"price": "-1"},
        {"price": "01.5"},
        {"currency": "USD"},
        {"bidder": "12345"},
        {"bidder": "91110000600037341O"},
        {"duration_days": "30"},
        {"duration_days": True},
        {"duration_days": -1},
        {"quality": 3},
        {"tender": ""},
        {"extra": 1},
    ],
)
def test_bid_form_validation(change: dict[str, Any]) -> None:
    with pytest.raises(BidPackageError):
        build_bid_package({**FORM, **change}, {})


@pytest.mark.parametrize("name", ["", "../x", "/abs", "a//b", "a/./b", "a\\b", "C:x", "a\x00b", "a\nb"])
def test_bid_package_refuses_unsafe_names(name: str) -> None:
    with pytest.raises(BidPackageError):
        build_bid_package(FORM, {name: b"x"})


def test_bid_package_refuses_case_duplicates() -> None:
    with pytest.raises(BidPackageError):
        build_bid_package(FORM, {"A.pdf": b"1", "a.pdf": b"2"})


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    "blob",
    [
        b"not a zip",
        _zip({"files/a.pdf": b"x"}),
        _zip({"bid.json": b"{not json"}),
        _zip({"bid.json": b"[]"}),
        _zip({"bid.json": json.dumps({**FORM, "price": 1}).encode()}),
        _zip({"bid.json": json.dumps(FORM).encode(), "evil.exe": b"x"}),
        _zip({"bid.json": json.dumps(FORM).encode(), "files/../x": b"x"}),
        _zip({"bid.json": b'{"tender":"a","tender":"b"}'}),
    ],
)
def test_read_bid_package_rejects(blob: bytes) -> None:
    with pytest.raises(BidPackageError):
        read_bid_package(blob)


# ---------------------------------------------------------------------------
# Pinned vector
# ---------------------------------------------------------------------------


def _vector_bytes(label: str, n: int) -> bytes:
    return hashlib.sha256(b"etender-envelope-v1 test vector " + label.encode()).digest()[:n]


def make_vector() -> dict[str, Any]:
    """Build the pinned vector from fixed keys and nonces through the private deterministic hook."""
    enc = X25519PrivateKey.from_private_bytes(_vector_bytes("encryption key", 32))
    sig = Ed25519PrivateKey.from_private_bytes(_vector_bytes("signing key", 32))
    keys = BidderKeys(
        enc.private_bytes_raw(), enc.public_key().public_bytes_raw(),
        sig.private_bytes_raw(), sig.public_key().public_bytes_raw(),
    )
    form = {
        "tender": "E3301000001000001001",
        "lot": "001",
        "bidder": "91330100MA27WXY12K",
        "price": "1288000.00",
        "currency": "CNY",
        "duration_days": 365,
        "quality": "合格",
        "notes": "含税价",
    }
    files = {"商务标.txt": "报价一览表\n".encode(), "technical.txt": b"Technical proposal.\n" * 4}
    plaintext = build_bid_package(form, files)
    randomness = env._SealRandomness(
        dek=_vector_bytes("dek", 32),
        nonce_prefix=_vector_bytes("nonce prefix", 8),
        ephemeral_private=_vector_bytes("ephemeral key", 32),
        wrap_nonce=_vector_bytes("wrap nonce", 12),
    )
    created_at = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    chunk_size = 256
    out = io.BytesIO()
    info = env._seal(
        plaintext=io.BytesIO(plaintext), out=out, tender=form["tender"], lot=form["lot"],
        bidder=form["bidder"], recipient_public=keys.encryption_public,
        signing_private=keys.signing_private, created_at=created_at, chunk_size=chunk_size,
        randomness=randomness,
    )
    envelope = out.getvalue()
    header_bytes, ciphertext, _ = split(envelope)
    return {
        "description": (
            "etender sealed bid envelope format v1, suite intl-v1: a pinned vector. All inputs are "
            "given; an implementation of docs/envelope-v1.md fed these inputs must produce exactly "
            "'envelope' (Ed25519 signatures are deterministic). Binary values are standard base64 "
            "unless named *_hex or *_sha256."
        ),
        "inputs": {
            "bid_form": form,
            "files": {name: _b64(data) for name, data in files.items()},
            "plaintext": _b64(plaintext),
            "tender": form["tender"],
            "lot": form["lot"],
            "bidder": form["bidder"],
            "created_at": "2025-01-02T03:04:05Z",
            "chunk_size": chunk_size,
            "encryption_private": _b64(keys.encryption_private),
            "signing_private": _b64(keys.signing_private),
            "dek": _b64(randomness.dek),
            "nonce_prefix": _b64(randomness.nonce_prefix),
            "ephemeral_private": _b64(randomness.ephemeral_private),
            "wrap_nonce": _b64(randomness.wrap_nonce),
        },
        "expected": {
            "encryption_public": _b64(keys.encryption_public),
            "signing_public": _b64(keys.signing_public),
            "encryption_key_id": key_id(keys.encryption_public),
            "signing_key_id": key_id(keys.signing_public),
            "header": header_bytes.decode("utf-8"),
            "header_sha256": info.header_sha256,
            "ciphertext_sha256": info.ciphertext_sha256,
            "chunk_count": max(1, -(-len(plaintext) // chunk_size)),
            "ciphertext_size": len(ciphertext),
            "manifest": info.manifest,
            "signature": _b64(info.signature),
            "file_sha256": info.file_sha256,
            "size": info.size,
            "envelope": _b64(envelope),
        },
    }


def test_pinned_vector() -> None:
    pinned = json.loads(VECTOR_PATH.read_text(encoding="utf-8"))
    assert make_vector() == pinned, "format drift: the envelope v1 output changed"

    inputs, expected = pinned["inputs"], pinned["expected"]
    data = base64.b64decode(expected["envelope"])
    plaintext = base64.b64decode(inputs["plaintext"])
    enc_priv = base64.b64decode(inputs["encryption_private"])
    sig_pub = base64.b64decode(expected["signing_public"])
    assert hashlib.sha256(data).hexdigest() == expected["file_sha256"]
    assert len(data) == expected["size"]

    # Public API on the pinned bytes.
    info = inspect(io.BytesIO(data), signing_public=sig_pub)
    assert info.file_sha256 == expected["file_sha256"]
    dek = unwrap_dek(data, encryption_private=enc_priv)
    assert dek == base64.b64decode(inputs["dek"])
    assert open_bytes(data, dek) == plaintext
    form, names = read_bid_package(plaintext)
    assert form == inputs["bid_form"]
    assert names == sorted(inputs["files"])

    # Independent spec-level reader and writer agree byte for byte.
    header, pt = _spec_decode(data, enc_priv, sig_pub)
    assert pt == plaintext
    assert rfc8785.dumps(header).decode() == expected["header"]
    rebuilt_header = {
        "format": "etender-envelope", "version": 1, "suite": "intl-v1",
        "tender": inputs["tender"], "lot": inputs["lot"], "bidder": inputs["bidder"],
        "created_at": inputs["created_at"], "chunk_size": inputs["chunk_size"],
        "nonce_prefix": inputs["nonce_prefix"], "plaintext_size": len(plaintext),
        "recipients": [
            _spec_wrap(
                dek, base64.b64decode(expected["encryption_public"]),
                base64.b64decode(inputs["ephemeral_private"]), base64.b64decode(inputs["wrap_nonce"]),
            )
        ],
        "signer": {"kind": "ed25519", "key_id": expected["signing_key_id"]},
    }
    rebuilt_header["dek_commitment"] = _spec_commitment(dek, rebuilt_header)
    signing_private = base64.b64decode(inputs["signing_private"])
    assert _spec_encode(rebuilt_header, dek, plaintext, signing_private) == data


if __name__ == "__main__":  # pragma: no cover - regenerate the pinned vector deliberately
    VECTOR_PATH.parent.mkdir(parents=True, exist_ok=True)
    VECTOR_PATH.write_text(json.dumps(make_vector(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {VECTOR_PATH}")
