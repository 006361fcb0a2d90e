"""Tests of the sealed bid envelope, format v2 ("double envelope"), suites intl and gm.

Real crypto, no mocks.  Like the v1 tests, this file has a small independent
writer/reader built from docs/envelope-v2.md only (``_spec_*``): it uses
``cryptography`` directly, pure-Python ``gmssl`` for SM2 and its own
GF(2^128) arithmetic, never :mod:`etender.kernel.suites`, so that the
specification, the implementation and the pinned vectors
(vectors/envelope-v2-intl.json, vectors/envelope-v2-gm.json) cannot drift
apart silently.  Regenerate the vectors only for a deliberate format change:
``PYTHONPATH=src python -m etender.kernel.tests.test_envelope_v2``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import itertools
import json
import struct
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gmssl.func
import pytest
import rfc8785
from Cryptodome.Protocol.SecretSharing import Shamir
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from gmssl import sm2 as pure_sm2
from gmssl import sm3 as pure_sm3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etender.kernel import envelope as env
from etender.kernel import shamir
from etender.kernel.envelope import (
    REASON_BAD_SIGNATURE,
    REASON_CORRUPT,
    REASON_NOT_ENVELOPE,
    REASON_UNSUPPORTED,
    REASON_WRONG_KEY,
    BidderKeys,
    CustodianKey,
    CustodianKeyPair,
    EnvelopeError,
    EnvelopeInfo,
    build_bid_package,
    check_custodians,
    combine_shares,
    decrypt_share,
    find_bad_shares,
    generate_bidder_keys,
    generate_custodian_keys,
    inspect,
    key_id,
    keys_from_json,
    keys_to_json,
    open_envelope,
    read_bid_package,
    seal,
    seal_v2,
    unwrap_dek,
    verify_dek,
)

VECTOR_DIR = Path(__file__).parent / "vectors"
SUITE_NAMES = ("intl", "gm")
TENDER = "E3301000001000001001"
LOT = "E3301000001000001001001"
BIDDER = "91330100MA27WXY12K"
WHEN = datetime(2025, 3, 1, 9, 30, 0, tzinfo=UTC)
SMALL_CHUNK = 64
ROLES = ("招标人 开标负责人", "平台运营方", "公证处", "监督机构")


class Party:
    """A bidder and four custodians of one suite (tests use the first 3 or all 4)."""

    def __init__(self, suite: str) -> None:
        self.suite = suite
        self.keys = generate_bidder_keys(suite)
        self.other = generate_bidder_keys(suite)
        self.custodian_pairs = [generate_custodian_keys(suite) for _ in ROLES]

    def custodians(self, n: int = 3) -> list[CustodianKey]:
        return [pair.custodian_key(i + 1, ROLES[i]) for i, pair in enumerate(self.custodian_pairs[:n])]

    def private(self, index: int) -> bytes:
        return self.custodian_pairs[index - 1].private


PARTIES = {name: Party(name) for name in SUITE_NAMES}
BOTH = pytest.mark.parametrize("suite", SUITE_NAMES)


def seal_bytes(
    plaintext: bytes,
    suite: str,
    *,
    n: int = 3,
    t: int = 2,
    chunk_size: int = SMALL_CHUNK,
    tender: str = TENDER,
    keys: BidderKeys | None = None,
) -> tuple[bytes, EnvelopeInfo]:
    party = PARTIES[suite]
    keys = keys or party.keys
    out = io.BytesIO()
    info = seal_v2(
        plaintext=io.BytesIO(plaintext), out=out, tender=tender, lot=LOT, bidder=BIDDER, suite=suite,
        bidder_encryption_public=keys.encryption_public, signing_private=keys.signing_private,
        custodians=party.custodians(n), threshold=t, created_at=WHEN, chunk_size=chunk_size,
    )
    return out.getvalue(), info


def open_bytes(envelope: bytes, dek: bytes) -> bytes:
    out = io.BytesIO()
    open_envelope(envelope=io.BytesIO(envelope), dek=dek, out=out)
    return out.getvalue()


def shares_of(envelope: Any, suite: str, indices: Any) -> list[tuple[int, bytes]]:
    party = PARTIES[suite]
    return [decrypt_share(envelope, custodian_index=i, custodian_private=party.private(i)) for i in indices]


def split(envelope: bytes) -> tuple[bytes, bytes, bytes]:
    """(header bytes, ciphertext, trailer incl. its length) per the spec layout."""
    (hlen,) = struct.unpack(">I", envelope[7:11])
    header_bytes = envelope[11 : 11 + hlen]
    header = json.loads(header_bytes)
    p, c = header["plaintext_size"], header["chunk_size"]
    ct_len = p + 16 * max(1, -(-p // c))
    start = 11 + hlen
    return header_bytes, envelope[start : start + ct_len], envelope[start + ct_len :]


def join(header_bytes: bytes, ciphertext: bytes, trailer: bytes, version: int = 2) -> bytes:
    return b"ETENV\x00" + bytes([version]) + struct.pack(">I", len(header_bytes)) + header_bytes + ciphertext + trailer


def reason(exc_info: pytest.ExceptionInfo[EnvelopeError]) -> str:
    return exc_info.value.reason


PLAIN = bytes(range(256)) * 3 + b"tail"


# ---------------------------------------------------------------------------
# Independent implementation written from docs/envelope-v2.md
# ---------------------------------------------------------------------------


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def _spec_hash(suite: str, data: bytes) -> bytes:
    if suite == "intl":
        return hashlib.sha256(data).digest()
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


def _spec_key_id(suite: str, public: bytes) -> str:
    return _spec_hash(suite, public)[:16].hex()


def _spec_commitment(suite: str, dek: bytes, header: dict[str, Any]) -> str:
    ctx = rfc8785.dumps({"bidder": header["bidder"], "lot": header["lot"], "tender": header["tender"]})
    return _spec_hash(suite, b"etender-dek-commit-v2\x00" + dek + ctx).hex()


def _spec_context(header: dict[str, Any], kind: str, index: int, kid: str) -> bytes:
    return b"etender-envelope-v2 wrap\x00" + rfc8785.dumps(
        {
            "bidder": header["bidder"], "dek_commitment": header["dek_commitment"], "index": index,
            "key_id": kid, "kind": kind, "lot": header["lot"], "tender": header["tender"],
        }
    )


def _spec_sm3_hex(data: bytes) -> str:
    return pure_sm3.sm3_hash(list(data))


def _pure(private_hex: str, public: bytes, mode: int = 1) -> pure_sm2.CryptSM2:
    obj = pure_sm2.CryptSM2(private_key=private_hex, public_key="ff", mode=mode)
    obj.public_key = public[1:].hex()  # no 04 prefix in gmssl; set after __init__ (its lstrip("04") is lossy)
    return obj


@contextlib.contextmanager
def _fixed_gmssl_k(k: bytes) -> Iterator[None]:
    saved = gmssl.func.random_hex
    gmssl.func.random_hex = lambda n: k.hex()
    try:
        yield
    finally:
        gmssl.func.random_hex = saved


_G_HEX = (
    "32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7"
    "bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0"
)


def _spec_sm2_public(private: bytes) -> bytes:
    obj = pure_sm2.CryptSM2(private_key=private.hex(), public_key="ff")
    return b"\x04" + bytes.fromhex(obj._kg(int(private.hex(), 16), _G_HEX))


def _spec_x25519_public(private: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()


def _spec_wrap(suite: str, key: bytes, recipient: bytes, context: bytes, ephemeral: bytes) -> bytes:
    if suite == "intl":
        e = X25519PrivateKey.from_private_bytes(ephemeral)
        epk = e.public_key().public_bytes_raw()
        okm = HKDF(hashes.SHA256(), 28, salt=epk + recipient, info=b"etender-envelope-v2 intl-v2 wrap").derive(
            e.exchange(X25519PublicKey.from_public_bytes(recipient))
        )
        return epk + AESGCM(okm[:16]).encrypt(okm[16:], key, context)
    message = key + bytes.fromhex(_spec_sm3_hex(context))
    with _fixed_gmssl_k(ephemeral):
        return b"\x04" + _pure("01", recipient, mode=1).encrypt(message)


def _spec_unwrap(suite: str, blob: bytes, private: bytes, context: bytes) -> bytes:
    if suite == "intl":
        r = X25519PrivateKey.from_private_bytes(private)
        epk = blob[:32]
        okm = HKDF(
            hashes.SHA256(), 28, salt=epk + r.public_key().public_bytes_raw(), info=b"etender-envelope-v2 intl-v2 wrap"
        ).derive(r.exchange(X25519PublicKey.from_public_bytes(epk)))
        return AESGCM(okm[:16]).decrypt(okm[16:], blob[32:], context)
    # GB/T 32918.4 decryption with pure-Python point arithmetic, C1 || C3 || C2.
    assert blob[0] == 0x04
    c1, c3, c2 = blob[1:65], blob[65:97], blob[97:]
    obj = pure_sm2.CryptSM2(private_key=private.hex(), public_key="ff")
    xy = obj._kg(int(private.hex(), 16), c1.hex())
    t = bytes.fromhex(pure_sm3.sm3_kdf(xy.encode(), len(c2)))
    message = bytes(a ^ b for a, b in zip(c2, t, strict=True))
    assert _spec_sm3_hex(bytes.fromhex(xy[:64]) + message + bytes.fromhex(xy[64:])) == c3.hex(), "C3 mismatch"
    assert message[-32:].hex() == _spec_sm3_hex(context), "context mismatch"
    return message[:-32]


def _spec_sign(suite: str, private: bytes, data: bytes, k: bytes | None) -> bytes:
    if suite == "intl":
        return Ed25519PrivateKey.from_private_bytes(private).sign(data)
    assert k is not None
    return bytes.fromhex(_pure(private.hex(), _spec_sm2_public(private)).sign_with_sm3(data, k.hex()))


def _spec_verify(suite: str, public: bytes, data: bytes, sig: bytes) -> None:
    if suite == "intl":
        Ed25519PublicKey.from_public_bytes(public).verify(sig, data)
    else:
        assert _pure("01", public).verify_with_sm3(sig.hex(), data)


def _spec_aead(suite: str, key: bytes, nonce: bytes, data: bytes, aad: bytes, *, decrypt: bool = False) -> bytes:
    if suite == "intl":
        return (AESGCM(key).decrypt if decrypt else AESGCM(key).encrypt)(nonce, data, aad)
    if decrypt:
        d = Cipher(algorithms.SM4(key), modes.GCM(nonce, data[-16:])).decryptor()
        d.authenticate_additional_data(aad)
        return d.update(data[:-16]) + d.finalize()
    e = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    e.authenticate_additional_data(aad)
    out = e.update(data) + e.finalize()
    return out + e.tag


def _gf_mul(a: int, b: int) -> int:
    """GF(2^128) with x^128 + x^7 + x^2 + x + 1, integers read big-endian, bit 0 = x^0."""
    z = 0
    for i in range(128):
        if (b >> i) & 1:
            z ^= a << i
    for bit in range(254, 127, -1):
        if (z >> bit) & 1:
            z ^= 0x87 << (bit - 128) | 1 << bit
    return z


def _spec_shares(dek: bytes, t: int, n: int, coefficients: list[bytes]) -> list[tuple[int, bytes]]:
    poly = [int.from_bytes(dek, "big")] + [int.from_bytes(c, "big") for c in coefficients]
    assert len(poly) == t
    out = []
    for i in range(1, n + 1):
        y, power = 0, 1
        for coeff in poly:
            y ^= _gf_mul(coeff, power)
            power = _gf_mul(power, i)
        out.append((i, y.to_bytes(16, "big")))
    return out


def _spec_encode(
    suite: str, header: dict[str, Any], dek: bytes, plaintext: bytes, signing_private: bytes, sign_k: bytes | None
) -> bytes:
    """Write an envelope for an already complete header (recipients etc. filled in)."""
    hb = rfc8785.dumps(header)
    hd = _spec_hash(suite, hb)
    c, p = header["chunk_size"], len(plaintext)
    assert header["plaintext_size"] == p
    n = max(1, -(-p // c))
    prefix = base64.b64decode(header["nonce_prefix"])
    ct = b"".join(
        _spec_aead(suite, dek, prefix + struct.pack(">I", i), plaintext[i * c : (i + 1) * c],
                   hd + (b"\x01" if i == n - 1 else b"\x00"))
        for i in range(n)
    )
    manifest = {
        "header_hash": hd.hex(), "ciphertext_hash": _spec_hash(suite, ct).hex(),
        "dek_commitment": header["dek_commitment"], "tender": header["tender"], "lot": header["lot"],
        "bidder": header["bidder"], "created_at": header["created_at"],
    }
    sig = _spec_sign(suite, signing_private, b"etender-envelope-v2 manifest\x00" + rfc8785.dumps(manifest), sign_k)
    tb = rfc8785.dumps({"manifest": manifest, "signature": _b64(sig)})
    return join(hb, ct, struct.pack(">I", len(tb)) + tb)


def _spec_decode(
    data: bytes, *, signing_public: bytes, bidder_private: bytes | None = None,
    custodian_privates: dict[int, bytes] | None = None,
) -> tuple[dict[str, Any], bytes, bytes]:
    """Read, verify and decrypt an envelope by the bidder or the custodian path; return (header, plaintext, dek)."""
    assert data[:6] == b"ETENV\x00" and data[6] == 2
    (hlen,) = struct.unpack(">I", data[7:11])
    hb = data[11 : 11 + hlen]
    header = json.loads(hb)
    assert rfc8785.dumps(header) == hb and header["version"] == 2
    suite = {"intl-v2": "intl", "gm-v2": "gm"}[header["suite"]]
    if bidder_private is not None:
        pub = _spec_x25519_public(bidder_private) if suite == "intl" else _spec_sm2_public(bidder_private)
        kid = _spec_key_id(suite, pub)
        (entry,) = [r for r in header["recipients"] if r["kind"] == "bidder" and r["key_id"] == kid]
        dek = _spec_unwrap(suite, base64.b64decode(entry["wrapped_dek"]), bidder_private,
                           _spec_context(header, "bidder", 0, kid))
    else:
        assert custodian_privates is not None
        shares = []
        for index, private in custodian_privates.items():
            (entry,) = [r for r in header["recipients"] if r["kind"] == "custodian" and r["index"] == index]
            share = _spec_unwrap(suite, base64.b64decode(entry["wrapped_share"]), private,
                                 _spec_context(header, "custodian", index, entry["key_id"]))
            shares.append((index, share))
        assert len(shares) >= header["threshold"]
        dek = bytes(Shamir.combine(shares))
    assert _spec_commitment(suite, dek, header) == header["dek_commitment"]
    hd = _spec_hash(suite, hb)
    c, p = header["chunk_size"], header["plaintext_size"]
    n = max(1, -(-p // c))
    prefix = base64.b64decode(header["nonce_prefix"])
    pos = ct_start = 11 + hlen
    pt = b""
    for i in range(n):
        final = i == n - 1
        size = (p - (n - 1) * c if final else c) + 16
        pt += _spec_aead(suite, dek, prefix + struct.pack(">I", i), data[pos : pos + size],
                         hd + (b"\x01" if final else b"\x00"), decrypt=True)
        pos += size
    ct = data[ct_start:pos]
    (tlen,) = struct.unpack(">I", data[pos : pos + 4])
    tb = data[pos + 4 : pos + 4 + tlen]
    assert pos + 4 + tlen == len(data)
    trailer = json.loads(tb)
    assert rfc8785.dumps(trailer) == tb
    manifest = trailer["manifest"]
    assert manifest["header_hash"] == hd.hex()
    assert manifest["ciphertext_hash"] == _spec_hash(suite, ct).hex()
    assert manifest["dek_commitment"] == header["dek_commitment"]
    assert header["signer"]["key_id"] == _spec_key_id(suite, signing_public)
    _spec_verify(suite, signing_public, b"etender-envelope-v2 manifest\x00" + rfc8785.dumps(manifest),
                 base64.b64decode(trailer["signature"]))
    return header, pt, dek


# ---------------------------------------------------------------------------
# Round trips, bidder path
# ---------------------------------------------------------------------------


@BOTH
@pytest.mark.parametrize("size", [0, 1, SMALL_CHUNK, SMALL_CHUNK + 1, 3 * SMALL_CHUNK])
def test_round_trip_bidder_path(suite: str, size: int) -> None:
    plaintext = (PLAIN * 2)[:size]
    data, info = seal_bytes(plaintext, suite)
    party = PARTIES[suite]
    header_bytes, ciphertext, _ = split(data)
    chunks = max(1, -(-size // SMALL_CHUNK))
    assert len(ciphertext) == size + 16 * chunks
    assert info.size == len(data) and info.file_sha256 == hashlib.sha256(data).hexdigest()
    assert info.header_sha256 == hashlib.sha256(header_bytes).hexdigest()
    assert info.ciphertext_sha256 == hashlib.sha256(ciphertext).hexdigest()
    assert info.header_hash == _spec_hash(suite, header_bytes).hex() == info.manifest["header_hash"]
    assert info.ciphertext_hash == _spec_hash(suite, ciphertext).hex()
    assert (info.version, info.suite, info.threshold) == (2, f"{suite}-v2", 2)
    assert [c["index"] for c in info.custodians] == [1, 2, 3]

    assert inspect(io.BytesIO(data), signing_public=party.keys.signing_public) == info
    assert inspect(io.BytesIO(data)) == info
    dek = unwrap_dek(io.BytesIO(data), encryption_private=party.keys.encryption_private)
    assert len(dek) == 16 and verify_dek(info, dek)
    out = io.BytesIO()
    assert open_envelope(envelope=io.BytesIO(data), dek=dek, out=out) == info
    assert out.getvalue() == plaintext
    if size:  # the spec reader agrees, by either path
        assert _spec_decode(data, signing_public=party.keys.signing_public,
                            bidder_private=party.keys.encryption_private)[1:] == (plaintext, dek)
        privs = {i: party.private(i) for i in (1, 3)}
        assert _spec_decode(data, signing_public=party.keys.signing_public, custodian_privates=privs)[1] == plaintext


@BOTH
def test_header_fields(suite: str) -> None:
    data, info = seal_bytes(b"bid", suite)
    party = PARTIES[suite]
    h = info.header
    assert set(h) == {
        "format", "version", "suite", "tender", "lot", "bidder", "created_at", "chunk_size", "nonce_prefix",
        "plaintext_size", "dek_commitment", "threshold", "recipients", "signer",
    }
    assert (h["format"], h["version"], h["suite"], h["threshold"]) == ("etender-envelope", 2, f"{suite}-v2", 2)
    assert data.startswith(b"ETENV\x00\x02")
    assert split(data)[0] == rfc8785.dumps(h)
    bidder_entry, *custodian_entries = h["recipients"]
    assert set(bidder_entry) == {"kind", "key_id", "wrapped_dek"}
    assert bidder_entry["key_id"] == key_id(party.keys.encryption_public) == party.keys.encryption_key_id
    blob_size = {"intl": 64, "gm": 145}[suite]
    assert len(base64.b64decode(bidder_entry["wrapped_dek"])) == blob_size
    assert [set(c) for c in custodian_entries] == [{"kind", "index", "name", "key_id", "wrapped_share"}] * 3
    for i, entry in enumerate(custodian_entries, start=1):
        assert (entry["kind"], entry["index"], entry["name"]) == ("custodian", i, ROLES[i - 1])
        assert entry["key_id"] == party.custodian_pairs[i - 1].key_id == _spec_key_id(suite, party.custodian_pairs[i - 1].public)
        assert len(base64.b64decode(entry["wrapped_share"])) == blob_size
    assert h["signer"] == {"kind": {"intl": "ed25519", "gm": "sm2"}[suite], "key_id": party.keys.signing_key_id}
    assert set(info.manifest) == {"header_hash", "ciphertext_hash", "dek_commitment", "tender", "lot", "bidder", "created_at"}
    assert info.manifest["dek_commitment"] == h["dek_commitment"]
    assert info.custodians == [{"index": i, "name": ROLES[i - 1], "key_id": custodian_entries[i - 1]["key_id"]} for i in (1, 2, 3)]


@BOTH
def test_each_seal_uses_fresh_randomness(suite: str) -> None:
    a, ia = seal_bytes(b"same bid", suite)
    b, ib = seal_bytes(b"same bid", suite)
    assert a != b and ia.header["dek_commitment"] != ib.header["dek_commitment"]
    assert ia.header["nonce_prefix"] != ib.header["nonce_prefix"]
    assert shares_of(a, suite, [1]) != shares_of(b, suite, [1])


# ---------------------------------------------------------------------------
# Custodian path
# ---------------------------------------------------------------------------


@BOTH
@pytest.mark.parametrize(("t", "n"), [(2, 3), (3, 4)])
def test_any_t_of_n_custodians_open_and_t_minus_1_fail(suite: str, t: int, n: int) -> None:
    data, info = seal_bytes(PLAIN, suite, n=n, t=t)
    all_shares = shares_of(data, suite, range(1, n + 1))
    dek = unwrap_dek(data, encryption_private=PARTIES[suite].keys.encryption_private)
    for k in range(t, n + 1):
        for subset in itertools.combinations(all_shares, k):
            assert combine_shares(info, list(subset)) == dek
    assert open_bytes(data, combine_shares(data, all_shares[:t])) == PLAIN
    for subset in itertools.combinations(all_shares, t - 1):
        with pytest.raises(EnvelopeError) as e:
            combine_shares(info, list(subset))
        assert reason(e) == REASON_WRONG_KEY
        # Interpolating anyway gives a value that is not the DEK.
        assert not verify_dek(info, shamir.combine(subset))


@BOTH
def test_bidder_key_lost_custodians_open(suite: str) -> None:
    """The bidder never unwraps: two custodians decrypt their shares locally, the platform combines and opens."""
    data, info = seal_bytes(PLAIN, suite)
    header_only = data[: 11 + struct.unpack(">I", data[7:11])[0]]
    uploaded = [
        decrypt_share(header_only, custodian_index=1, custodian_private=PARTIES[suite].private(1)),
        decrypt_share(info.header, custodian_index=2, custodian_private=PARTIES[suite].private(2)),
    ]
    dek = combine_shares(info, uploaded)
    assert open_bytes(data, dek) == PLAIN


@BOTH
def test_one_custodian_absent(suite: str) -> None:
    data, info = seal_bytes(PLAIN, suite)
    for absent in (1, 2, 3):
        present = [i for i in (1, 2, 3) if i != absent]
        assert open_bytes(data, combine_shares(info, shares_of(data, suite, present))) == PLAIN


@BOTH
def test_corrupted_share_is_detected_and_blamed(suite: str) -> None:
    data, info = seal_bytes(PLAIN, suite)
    good = shares_of(data, suite, [1, 2, 3])
    index, value = good[1]
    forged = (index, bytes([value[0] ^ 0x80]) + value[1:])  # custodian 2 uploads a wrong value
    for combo in ([good[0], forged], [forged, good[2]], [good[0], forged, good[2]]):
        with pytest.raises(EnvelopeError) as e:
            combine_shares(info, combo)
        assert reason(e) == REASON_WRONG_KEY
    # The other two still open, and the blame helper names custodian 2.
    assert open_bytes(data, combine_shares(info, [good[0], good[2]])) == PLAIN
    dek, bad = find_bad_shares(info, [good[0], forged, good[2]])
    assert bad == [2] and open_bytes(data, dek) == PLAIN
    assert find_bad_shares(info, good) == (dek, [])
    with pytest.raises(EnvelopeError) as e:
        find_bad_shares(info, [good[0], forged])
    assert reason(e) == REASON_WRONG_KEY


def test_bidder_wrapped_a_bad_share() -> None:
    """A malicious bidder's envelope (valid signature) whose share 1 is off the polynomial: blame is provable."""
    suite, party = "gm", PARTIES["gm"]
    dek, coefficient = b"\x11" * 16, b"\x22" * 16
    shares = _spec_shares(dek, 2, 3, [coefficient])
    shares[0] = (1, b"\x44" * 16)  # the correct share 1 is 0x11 ^ 0x22 = 0x33 in every byte
    header = _vector_header(suite, dek, PLAIN, party.keys, party.custodians(3), 2, shares, eph=b"\x05" * 32)
    data = _spec_encode(suite, header, dek, PLAIN, party.keys.signing_private, b"\x07" * 32)
    info = inspect(io.BytesIO(data), signing_public=party.keys.signing_public)  # the upload check cannot see it
    got = shares_of(data, suite, [1, 2, 3])
    assert got[0] == (1, b"\x44" * 16)  # custodian 1 decrypts faithfully what the bidder wrapped
    with pytest.raises(EnvelopeError) as e:
        combine_shares(info, got[:2])
    assert reason(e) == REASON_WRONG_KEY
    assert find_bad_shares(info, got) == (dek, [1])
    assert open_bytes(data, combine_shares(info, got[1:])) == PLAIN


def test_sealer_refuses_inconsistent_shares(monkeypatch: pytest.MonkeyPatch) -> None:
    real_split = shamir.split

    def broken(secret: bytes, t: int, n: int) -> list[tuple[int, bytes]]:
        shares = real_split(secret, t, n)
        return shares[:-1] + [(n, bytes(16))]

    monkeypatch.setattr(shamir, "split", broken)
    with pytest.raises(RuntimeError, match="self-check"):
        seal_bytes(b"bid", "intl")


@BOTH
def test_decrypt_share_errors(suite: str) -> None:
    data, info = seal_bytes(b"bid", suite)
    party = PARTIES[suite]
    for index, private in ((1, party.private(2)), (9, party.private(1)), (0, party.private(1)),
                           (1, party.keys.encryption_private), (1, party.custodian_pairs[3].private)):
        with pytest.raises(EnvelopeError) as e:
            decrypt_share(data, custodian_index=index, custodian_private=private)
        assert reason(e) == REASON_WRONG_KEY
    # A custodian key is not a bidder key and vice versa.
    with pytest.raises(EnvelopeError) as e:
        unwrap_dek(data, encryption_private=party.private(1))
    assert reason(e) == REASON_WRONG_KEY
    with pytest.raises(EnvelopeError) as e:
        unwrap_dek(data, encryption_private=party.other.encryption_private)
    assert reason(e) == REASON_WRONG_KEY
    # Swapping wrapped shares between custodian entries (even in a header dict, unsigned) does not work.
    header = json.loads(json.dumps(info.header))
    r = header["recipients"]
    r[1]["wrapped_share"], r[2]["wrapped_share"] = r[2]["wrapped_share"], r[1]["wrapped_share"]
    r[1]["key_id"], r[2]["key_id"] = r[2]["key_id"], r[1]["key_id"]
    with pytest.raises(EnvelopeError) as e:
        decrypt_share(header, custodian_index=1, custodian_private=party.private(2))
    assert reason(e) == REASON_WRONG_KEY  # the share is bound to its slot (index) in the context
    # Combining: malformed input is a programming error, too few shares is an opening failure.
    good = shares_of(data, suite, [1, 2])
    for bad in ([good[0], good[0]], [(4, good[0][1]), good[1]], [(1, b"short"), good[1]]):
        with pytest.raises(ValueError):
            combine_shares(info, bad)


@BOTH
def test_wrapped_key_moved_from_another_envelope(suite: str) -> None:
    """Wrapped keys are bound to the DEK commitment of their own envelope."""
    a, ia = seal_bytes(b"bid A", suite)
    b, ib = seal_bytes(b"bid B", suite)
    header = json.loads(json.dumps(ib.header))
    header["recipients"] = ia.header["recipients"]
    with pytest.raises(EnvelopeError) as e:
        unwrap_dek(header, encryption_private=PARTIES[suite].keys.encryption_private)
    assert reason(e) == REASON_WRONG_KEY
    with pytest.raises(EnvelopeError) as e:
        decrypt_share(header, custodian_index=1, custodian_private=PARTIES[suite].private(1))
    assert reason(e) == REASON_WRONG_KEY


# ---------------------------------------------------------------------------
# Tampering
# ---------------------------------------------------------------------------


@BOTH
def test_tampered_ciphertext(suite: str) -> None:
    data, _ = seal_bytes(PLAIN, suite)
    header_bytes, ciphertext, trailer = split(data)
    dek = unwrap_dek(data, encryption_private=PARTIES[suite].keys.encryption_private)
    for pos in (0, len(ciphertext) // 2, len(ciphertext) - 1):
        bad = bytearray(ciphertext)
        bad[pos] ^= 1
        tampered = join(header_bytes, bytes(bad), trailer)
        for action in (lambda: inspect(io.BytesIO(tampered)), lambda: open_bytes(tampered, dek)):
            with pytest.raises(EnvelopeError) as e:
                action()
            assert reason(e) == REASON_CORRUPT
    n = SMALL_CHUNK + 16
    swapped = ciphertext[n : 2 * n] + ciphertext[:n] + ciphertext[2 * n :]
    with pytest.raises(EnvelopeError) as e:
        open_bytes(join(header_bytes, swapped, trailer), dek)
    assert reason(e) == REASON_CORRUPT
    for cut in (ciphertext[:-1], ciphertext[:-n]):
        with pytest.raises(EnvelopeError) as e:
            inspect(io.BytesIO(join(header_bytes, cut, trailer)))
        assert reason(e) in (REASON_NOT_ENVELOPE, REASON_CORRUPT)


@BOTH
@pytest.mark.parametrize(
    "change",
    [
        {"tender": "E3301000001000001999"},
        {"threshold": 1},
        {"created_at": "2025-03-01T09:30:01Z"},
        {"x-extra": "unknown members are still covered by the header hash"},
    ],
)
def test_tampered_header(suite: str, change: dict[str, Any]) -> None:
    data, info = seal_bytes(PLAIN, suite)
    _, ciphertext, trailer = split(data)
    tampered = join(rfc8785.dumps(dict(info.header, **change)), ciphertext, trailer)
    with pytest.raises(EnvelopeError) as e:
        inspect(io.BytesIO(tampered), signing_public=PARTIES[suite].keys.signing_public)
    assert reason(e) == REASON_CORRUPT
    dek = unwrap_dek(data, encryption_private=PARTIES[suite].keys.encryption_private)
    with pytest.raises(EnvelopeError) as e:
        open_bytes(tampered, dek)
    assert reason(e) == (REASON_WRONG_KEY if "tender" in change else REASON_CORRUPT)


@BOTH
def test_tampered_custodian_set(suite: str) -> None:
    """Replacing a custodian (e.g. the platform swapping in its own key) breaks the header hash."""
    data, info = seal_bytes(PLAIN, suite)
    _, ciphertext, trailer = split(data)
    header = json.loads(json.dumps(info.header))
    header["recipients"][3]["key_id"] = PARTIES[suite].custodian_pairs[3].key_id
    with pytest.raises(EnvelopeError) as e:
        inspect(io.BytesIO(join(rfc8785.dumps(header), ciphertext, trailer)))
    assert reason(e) == REASON_CORRUPT


@BOTH
def test_tampered_manifest_and_signature(suite: str) -> None:
    data, info = seal_bytes(PLAIN, suite)
    party = PARTIES[suite]
    suite_obj = env.get_suite(suite)
    header_bytes, ciphertext, _ = split(data)

    def with_trailer(manifest: dict[str, Any], sig: bytes) -> bytes:
        tb = rfc8785.dumps({"manifest": manifest, "signature": _b64(sig)})
        return join(header_bytes, ciphertext, struct.pack(">I", len(tb)) + tb)

    # Manifest fields that disagree with the header or the ciphertext.
    for name, value in (("created_at", "2025-03-01T09:30:01Z"), ("dek_commitment", "00" * 32),
                        ("ciphertext_hash", "00" * 32), ("header_hash", "00" * 32), ("bidder", "X")):
        manifest = dict(info.manifest, **{name: value})
        sig = suite_obj.sign(party.keys.signing_private, env.MANIFEST_SIGNING_CONTEXT_V2 + rfc8785.dumps(manifest))
        with pytest.raises(EnvelopeError) as e:
            inspect(io.BytesIO(with_trailer(manifest, sig)), signing_public=party.keys.signing_public)
        assert reason(e) == REASON_CORRUPT
    # Flipped signature bits, another signer's signature, the wrong verification key, a key of the other suite.
    bad = bytearray(info.signature)
    bad[10] ^= 1
    other_sig = suite_obj.sign(party.other.signing_private, env.MANIFEST_SIGNING_CONTEXT_V2 + rfc8785.dumps(info.manifest))
    v1_context_sig = suite_obj.sign(party.keys.signing_private, env.MANIFEST_SIGNING_CONTEXT + rfc8785.dumps(info.manifest))
    for blob in (with_trailer(info.manifest, bytes(bad)), with_trailer(info.manifest, other_sig),
                 with_trailer(info.manifest, v1_context_sig)):
        inspect(io.BytesIO(blob))  # structure alone is fine
        with pytest.raises(EnvelopeError) as e:
            inspect(io.BytesIO(blob), signing_public=party.keys.signing_public)
        assert reason(e) == REASON_BAD_SIGNATURE
    other_suite = PARTIES["gm" if suite == "intl" else "intl"]
    for key in (party.other.signing_public, other_suite.keys.signing_public, b"\x04" + bytes(64)):
        with pytest.raises(EnvelopeError) as e:
            inspect(io.BytesIO(data), signing_public=key)
        assert reason(e) == REASON_BAD_SIGNATURE


def _v2_header(suite: str = "intl") -> tuple[dict[str, Any], bytes, bytes]:
    data, info = seal_bytes(b"bid", suite)
    _, ciphertext, trailer = split(data)
    return json.loads(json.dumps(info.header)), ciphertext, trailer


def _edit_recipients(edit: Any) -> Any:
    def apply(h: dict[str, Any]) -> None:
        edit(h["recipients"])
    return apply


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda h: h.update(suite="intl-v1"), REASON_UNSUPPORTED),
        (lambda h: h.update(suite="gm-v3"), REASON_UNSUPPORTED),
        (lambda h: h.update(signer={"kind": "sm2", "key_id": "00" * 16}), REASON_UNSUPPORTED),
        (lambda h: h.update(version=1), REASON_UNSUPPORTED),
        (lambda h: h.update(version=3), REASON_UNSUPPORTED),
        (lambda h: h.update(threshold=0), REASON_NOT_ENVELOPE),
        (lambda h: h.update(threshold=4), REASON_NOT_ENVELOPE),
        (lambda h: h.pop("threshold"), REASON_NOT_ENVELOPE),
        (lambda h: h.update(threshold=True), REASON_NOT_ENVELOPE),
        (_edit_recipients(lambda r: r.pop(0)), REASON_NOT_ENVELOPE),  # no bidder entry
        (_edit_recipients(lambda r: r.pop(1)), REASON_NOT_ENVELOPE),  # indices 2, 3: gap
        (_edit_recipients(lambda r: r[2].update(index=1)), REASON_NOT_ENVELOPE),
        (_edit_recipients(lambda r: r[2].update(key_id=r[1]["key_id"])), REASON_NOT_ENVELOPE),
        (_edit_recipients(lambda r: r[1].update(name="")), REASON_NOT_ENVELOPE),
        (_edit_recipients(lambda r: r[1].pop("name")), REASON_NOT_ENVELOPE),
        (_edit_recipients(lambda r: r[1].update(wrapped_share=_b64(bytes(63)))), REASON_NOT_ENVELOPE),
        (_edit_recipients(lambda r: r[0].update(wrapped_dek=_b64(bytes(48)))), REASON_NOT_ENVELOPE),
        (_edit_recipients(lambda r: r[0].update(key_id="AB" * 16)), REASON_NOT_ENVELOPE),
        (_edit_recipients(lambda r: r.append("x")), REASON_NOT_ENVELOPE),
        (_edit_recipients(lambda r: r.clear()), REASON_NOT_ENVELOPE),
        (lambda h: h.update(nonce_prefix=_b64(bytes(7))), REASON_NOT_ENVELOPE),
        (lambda h: h.update(chunk_size=0), REASON_NOT_ENVELOPE),
        (lambda h: h.update(created_at="2025-02-30T09:30:00Z"), REASON_NOT_ENVELOPE),
        (lambda h: h.update(lot=""), REASON_NOT_ENVELOPE),
    ],
)
def test_invalid_v2_header(edit: Any, expected: str) -> None:
    header, ciphertext, trailer = _v2_header()
    edit(header)
    tampered = join(rfc8785.dumps(header), ciphertext, trailer)
    with pytest.raises(EnvelopeError) as e:
        inspect(io.BytesIO(tampered))
    assert reason(e) == expected, str(e.value)


def test_dropped_last_custodian_is_caught_by_the_header_hash() -> None:
    """Indices 1, 2 with threshold 2 are structurally valid; the signed header hash catches the change."""
    header, ciphertext, trailer = _v2_header()
    header["recipients"].pop()
    with pytest.raises(EnvelopeError) as e:
        inspect(io.BytesIO(join(rfc8785.dumps(header), ciphertext, trailer)))
    assert reason(e) == REASON_CORRUPT


def test_version_byte_must_match_header() -> None:
    v2, _ = seal_bytes(b"bid", "intl")
    with pytest.raises(EnvelopeError) as e:
        inspect(io.BytesIO(v2[:6] + b"\x01" + v2[7:]))
    assert reason(e) == REASON_UNSUPPORTED
    with pytest.raises(EnvelopeError) as e:
        inspect(io.BytesIO(v2[:6] + b"\x03" + v2[7:]))
    assert reason(e) == REASON_UNSUPPORTED


@BOTH
def test_unknown_recipient_kinds_and_members_are_ignored(suite: str) -> None:
    party = PARTIES[suite]
    dek = b"\x42" * 16
    header = _vector_header(suite, dek, PLAIN, party.keys, party.custodians(3), 2,
                            _spec_shares(dek, 2, 3, [b"\x01" * 16]), eph=b"\x09" * 32)
    header["recipients"].insert(1, {"kind": "timelock", "round": 123, "ciphertext": "opaque"})
    header["x-future"] = {"anything": [1, 2]}
    data = _spec_encode(suite, header, dek, PLAIN, party.keys.signing_private, b"\x03" * 32)
    info = inspect(io.BytesIO(data), signing_public=party.keys.signing_public)
    assert info.header == header and len(info.custodians) == 3
    assert unwrap_dek(data, encryption_private=party.keys.encryption_private) == dek
    assert combine_shares(info, shares_of(data, suite, [2, 3])) == dek
    assert open_bytes(data, dek) == PLAIN


@BOTH
def test_wrong_dek(suite: str) -> None:
    data, info = seal_bytes(PLAIN, suite)
    dek = unwrap_dek(data, encryption_private=PARTIES[suite].keys.encryption_private)
    for bad in (bytes(16), dek[:15], dek + b"\x00", dek * 2):
        out = io.BytesIO()
        with pytest.raises(EnvelopeError) as e:
            open_envelope(envelope=io.BytesIO(data), dek=bad, out=out)
        assert reason(e) == REASON_WRONG_KEY and out.getvalue() == b""
        assert not verify_dek(info, bad)
    with pytest.raises(TypeError):
        open_envelope(envelope=io.BytesIO(data), dek=dek.hex(), out=io.BytesIO())  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# v1 compatibility
# ---------------------------------------------------------------------------


def test_v1_pinned_vector_still_opens_through_the_v2_reader() -> None:
    pinned = json.loads((VECTOR_DIR / "envelope-v1-intl.json").read_text(encoding="utf-8"))
    data = base64.b64decode(pinned["expected"]["envelope"])
    enc_priv = base64.b64decode(pinned["inputs"]["encryption_private"])
    sig_pub = base64.b64decode(pinned["expected"]["signing_public"])
    info = inspect(io.BytesIO(data), signing_public=sig_pub)
    assert (info.version, info.suite, info.threshold, info.custodians) == (1, "intl-v1", None, [])
    assert info.header_hash == info.header_sha256 and info.ciphertext_hash == info.ciphertext_sha256
    dek = unwrap_dek(data, encryption_private=enc_priv)
    assert len(dek) == 32 and verify_dek(data, dek) and not verify_dek(data, dek[:16])
    assert open_bytes(data, dek) == base64.b64decode(pinned["inputs"]["plaintext"])
    with pytest.raises(EnvelopeError) as e:
        decrypt_share(data, custodian_index=1, custodian_private=enc_priv)
    assert reason(e) == REASON_WRONG_KEY
    with pytest.raises(EnvelopeError) as e:
        combine_shares(data, [])
    assert reason(e) == REASON_WRONG_KEY


def test_v1_and_v2_side_by_side_with_the_same_intl_keys() -> None:
    keys = PARTIES["intl"].keys
    out = io.BytesIO()
    seal(plaintext=io.BytesIO(PLAIN), out=out, tender=TENDER, lot=LOT, bidder=BIDDER,
         recipient_public=keys.encryption_public, signing_private=keys.signing_private)
    v1 = out.getvalue()
    v2, _ = seal_bytes(PLAIN, "intl")
    for data, size in ((v1, 32), (v2, 16)):
        inspect(io.BytesIO(data), signing_public=keys.signing_public)
        dek = unwrap_dek(data, encryption_private=keys.encryption_private)
        assert len(dek) == size and open_bytes(data, dek) == PLAIN


# ---------------------------------------------------------------------------
# Keys and arguments
# ---------------------------------------------------------------------------


def test_gm_key_files() -> None:
    keys = PARTIES["gm"].keys
    full = keys_to_json(keys, include_private=True)
    assert full["suite"] == "gm-v1" and full["key_id"] == keys.encryption_key_id
    assert len(base64.b64decode(full["encryption_public"])) == 65
    assert keys_from_json(json.loads(json.dumps(full))) == keys
    public = keys_from_json(keys_to_json(keys, include_private=False))
    assert public == keys.public_only() and public.suite == "gm" and not public.has_private
    assert keys.encryption_key_id == hashes_sm3(keys.encryption_public)[:32]
    assert keys_to_json(PARTIES["intl"].keys, include_private=False)["suite"] == "intl-v1"  # unchanged
    for mutate in (
        lambda d: d.update(suite="intl-v1"),
        lambda d: d.update(encryption_private=full["signing_private"]),
        lambda d: d.update(encryption_public=_b64(b"\x04" + bytes(64))),
        lambda d: d.update(signing_key_id="00" * 16),
        lambda d: d.update(suite="gm"),
    ):
        data = dict(full)
        mutate(data)
        with pytest.raises(ValueError):
            keys_from_json(data)
    with pytest.raises(ValueError):
        BidderKeys(keys.signing_private, keys.encryption_public, keys.signing_private, keys.signing_public, "gm")
    with pytest.raises(ValueError):
        generate_bidder_keys("sm9")


def hashes_sm3(data: bytes) -> str:
    return _spec_hash("gm", data).hex()


def test_custodian_keys() -> None:
    pair = generate_custodian_keys("gm")
    assert isinstance(pair, CustodianKeyPair) and len(pair.public) == 65 and pair.private.hex() not in repr(pair)
    ck = pair.custodian_key(2, "公证处")
    assert ck == CustodianKey(index=2, name="公证处", public=pair.public, key_id=key_id(pair.public))
    assert key_id(pair.public, "gm") == pair.key_id
    with pytest.raises(ValueError):
        key_id(pair.public, "intl")


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"suite": "sm9"}, ValueError),
        ({"threshold": 0}, ValueError),
        ({"threshold": 4}, ValueError),
        ({"threshold": 2.0}, ValueError),
        ({"custodians": []}, ValueError),
        ({"custodians": "c"}, ValueError),
        ({"tender": ""}, ValueError),
        ({"chunk_size": 0}, ValueError),
        ({"bidder_encryption_public": b"\x04" + bytes(64)}, ValueError),  # not on the curve
        ({"bidder_encryption_public": bytes(32)}, ValueError),  # an intl key for a gm envelope
        ({"signing_private": bytes(32)}, ValueError),  # SM2 d = 0
    ],
)
def test_seal_v2_argument_validation(change: dict[str, Any], error: type[Exception]) -> None:
    party = PARTIES["gm"]
    args: dict[str, Any] = dict(
        plaintext=io.BytesIO(b"bid"), out=io.BytesIO(), tender=TENDER, lot=LOT, bidder=BIDDER, suite="gm",
        bidder_encryption_public=party.keys.encryption_public, signing_private=party.keys.signing_private,
        custodians=party.custodians(3), threshold=2,
    )
    args.update(change)
    with pytest.raises(error):
        seal_v2(**args)


def test_seal_v2_custodian_validation() -> None:
    party = PARTIES["intl"]
    good = party.custodians(3)
    gm_custodian = PARTIES["gm"].custodians(1)[0]
    many = [generate_custodian_keys("intl").custodian_key(i, f"c{i}") for i in range(1, env.MAX_CUSTODIANS + 2)]
    bad_sets: list[list[Any]] = [
        [good[0], good[2]],  # indices 1, 3
        [CustodianKey(0, "c0", good[0].public, good[0].key_id), good[1], good[2]],
        [good[0], good[1], CustodianKey(2, good[2].name, good[2].public, good[2].key_id)],  # index twice
        [good[0], good[1], CustodianKey(3, good[2].name, good[2].public, good[1].key_id)],  # wrong key id
        [good[0], good[1], CustodianKey(3, good[2].name, good[1].public, good[1].key_id)],  # same key twice
        [good[0], good[1], CustodianKey(3, "", good[2].public, good[2].key_id)],
        [good[0], good[1], CustodianKey(3, "x", gm_custodian.public, gm_custodian.key_id)],  # other suite's key
        [good[0], good[1], ("3", "name")],
        many,
    ]
    for custodians in bad_sets:
        with pytest.raises((ValueError, TypeError)):
            seal_v2(
                plaintext=io.BytesIO(b"bid"), out=io.BytesIO(), tender=TENDER, lot=LOT, bidder=BIDDER, suite="intl",
                bidder_encryption_public=party.keys.encryption_public, signing_private=party.keys.signing_private,
                custodians=custodians, threshold=2,
            )
    # 1-of-1 and n = MAX_CUSTODIANS are allowed (t = 1 means any single custodian can open).
    data, info = seal_bytes(b"bid", "intl", n=1, t=1)
    assert combine_shares(info, shares_of(data, "intl", [1])) == unwrap_dek(data, encryption_private=party.keys.encryption_private)
    out = io.BytesIO()
    info = seal_v2(
        plaintext=io.BytesIO(b"bid"), out=out, tender=TENDER, lot=LOT, bidder=BIDDER, suite="intl",
        bidder_encryption_public=party.keys.encryption_public, signing_private=party.keys.signing_private,
        custodians=many[: env.MAX_CUSTODIANS], threshold=env.MAX_CUSTODIANS,
    )
    assert len(inspect(io.BytesIO(out.getvalue())).custodians) == env.MAX_CUSTODIANS


def test_check_custodians() -> None:
    data, info = seal_bytes(b"bid", "intl")
    party = PARTIES["intl"]
    check_custodians(info, party.custodians(3), 2)
    check_custodians(data, list(reversed(party.custodians(3))), 2)
    others = party.custodians(4)
    for custodians, t in ((party.custodians(3), 3), (party.custodians(2), 2), (others[:2] + others[3:], 2)):
        with pytest.raises(EnvelopeError) as e:
            check_custodians(info, custodians, t)
        assert reason(e) == REASON_WRONG_KEY


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    plaintext=st.binary(min_size=0, max_size=1200),
    chunk_size=st.integers(min_value=1, max_value=500),
    suite=st.sampled_from(SUITE_NAMES),
    tn=st.sampled_from([(1, 1), (1, 3), (2, 3), (3, 4), (2, 4)]),
)
def test_property_round_trip(plaintext: bytes, chunk_size: int, suite: str, tn: tuple[int, int]) -> None:
    t, n = tn
    data, info = seal_bytes(plaintext, suite, n=n, t=t, chunk_size=chunk_size)
    assert inspect(io.BytesIO(data), signing_public=PARTIES[suite].keys.signing_public) == info
    dek = combine_shares(info, shares_of(data, suite, range(n - t + 1, n + 1)))
    assert dek == unwrap_dek(data, encryption_private=PARTIES[suite].keys.encryption_private)
    assert open_bytes(data, dek) == plaintext


# ---------------------------------------------------------------------------
# Streaming: flat memory
# ---------------------------------------------------------------------------


class _PatternStream(io.RawIOBase):
    """A seekable stream of *size* bytes of a repeating 1 MiB pattern, never held in memory."""

    def __init__(self, size: int) -> None:
        self.size, self.pos = size, 0
        self.block = hashlib.sha256(b"seed").digest() * (1 << 15)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.pos = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence] + offset
        return self.pos

    def read(self, n: int = -1) -> bytes:
        n = self.size - self.pos if n < 0 else min(n, self.size - self.pos)
        start = self.pos % len(self.block)
        out = self.block[start : start + n]
        while len(out) < n:
            out += self.block[: n - len(out)]
        self.pos += n
        return out

    def expected_sha256(self) -> str:
        h, pos = hashlib.sha256(), 0
        while pos < self.size:
            piece = self.block[: min(len(self.block), self.size - pos)]
            h.update(piece)
            pos += len(piece)
        return h.hexdigest()


class _HashSink:
    def __init__(self) -> None:
        self.sha, self.count = hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.count += len(data)
        return len(data)


@pytest.mark.parametrize(("suite", "megabytes"), [("intl", 200), ("gm", 24)])
def test_large_stream_has_flat_memory(tmp_path: Path, suite: str, megabytes: int) -> None:
    """200 MB through seal, inspect, custodian opening (SM4/SM3 run at ~120/300 MB/s, so gm streams less)."""
    size = megabytes * 1000 * 1000
    source = _PatternStream(size)
    party = PARTIES[suite]
    path = tmp_path / "bid.etenv"
    tracemalloc.start()
    try:
        with path.open("wb") as dst:
            info = seal_v2(
                plaintext=source, out=dst, tender=TENDER, lot=LOT, bidder=BIDDER, suite=suite,
                bidder_encryption_public=party.keys.encryption_public, signing_private=party.keys.signing_private,
                custodians=party.custodians(3), threshold=2,
            )
        seal_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        with path.open("rb") as f:
            assert inspect(f, signing_public=party.keys.signing_public) == info
        inspect_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        with path.open("rb") as f:
            dek = combine_shares(info, shares_of(f.read(64 * 1024), suite, [1, 3]))
        sink = _HashSink()
        with path.open("rb") as f:
            open_envelope(envelope=f, dek=dek, out=sink)  # type: ignore[arg-type]
        open_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert info.size == path.stat().st_size
    assert sink.count == size and sink.sha.hexdigest() == source.expected_sha256()
    limit = 10 * 1024 * 1024
    assert max(seal_peak, inspect_peak, open_peak) < limit, (seal_peak, inspect_peak, open_peak)


# ---------------------------------------------------------------------------
# Pinned vectors
# ---------------------------------------------------------------------------


def _vector_bytes(label: str, n: int = 32) -> bytes:
    return hashlib.sha256(b"etender-envelope-v2 test vector " + label.encode()).digest()[:n]


def _vector_keys(suite: str) -> tuple[BidderKeys, list[CustodianKeyPair]]:
    s = env.get_suite(suite)
    enc, sig = _vector_bytes(f"{suite} encryption key"), _vector_bytes(f"{suite} signing key")
    keys = BidderKeys(enc, s.encryption_public(enc), sig, s.signing_public(sig), suite)
    pairs = []
    for i in (1, 2, 3):
        priv = _vector_bytes(f"{suite} custodian {i} key")
        pairs.append(CustodianKeyPair(suite=suite, private=priv, public=s.encryption_public(priv)))
    return keys, pairs


def _vector_header(
    suite: str, dek: bytes, plaintext: bytes, keys: BidderKeys, custodians: list[CustodianKey], t: int,
    shares: list[tuple[int, bytes]], *, eph: bytes, nonce_prefix: bytes = b"\x01" * 8, chunk_size: int = 256,
    bidder_eph: bytes | None = None, custodian_ephs: list[bytes] | None = None,
) -> dict[str, Any]:
    """A complete v2 header built by the spec functions (ephemerals default to *eph*)."""
    sid = {"intl": "intl-v2", "gm": "gm-v2"}[suite]
    header: dict[str, Any] = {
        "format": "etender-envelope", "version": 2, "suite": sid, "tender": TENDER, "lot": LOT, "bidder": BIDDER,
        "created_at": "2025-01-02T03:04:05Z", "chunk_size": chunk_size, "nonce_prefix": _b64(nonce_prefix),
        "plaintext_size": len(plaintext), "threshold": t,
        "signer": {"kind": {"intl": "ed25519", "gm": "sm2"}[suite], "key_id": _spec_key_id(suite, keys.signing_public)},
    }
    header["dek_commitment"] = _spec_commitment(suite, dek, header)
    bkid = _spec_key_id(suite, keys.encryption_public)
    recipients = [{
        "kind": "bidder", "key_id": bkid,
        "wrapped_dek": _b64(_spec_wrap(suite, dek, keys.encryption_public, _spec_context(header, "bidder", 0, bkid),
                                       bidder_eph or eph)),
    }]
    for pos, c in enumerate(custodians):
        kid = _spec_key_id(suite, c.public)
        recipients.append({
            "kind": "custodian", "index": c.index, "name": c.name, "key_id": kid,
            "wrapped_share": _b64(_spec_wrap(suite, dict(shares)[c.index], c.public,
                                             _spec_context(header, "custodian", c.index, kid),
                                             custodian_ephs[pos] if custodian_ephs else eph)),
        })
    header["recipients"] = recipients
    return header


_VECTOR_FORM = {
    "tender": TENDER, "lot": LOT, "bidder": BIDDER, "price": "1288000.00", "currency": "CNY",
    "duration_days": 365, "quality": "合格", "notes": "含税价",
}
_VECTOR_FILES = {"商务标.txt": "报价一览表\n".encode(), "technical.txt": b"Technical proposal.\n" * 4}


def make_vector(suite: str) -> dict[str, Any]:
    """Build the pinned v2 vector of *suite* from fixed keys and randomness through the private hook."""
    keys, pairs = _vector_keys(suite)
    custodians = [pair.custodian_key(i + 1, ROLES[i]) for i, pair in enumerate(pairs)]
    plaintext = build_bid_package(_VECTOR_FORM, _VECTOR_FILES)
    randomness = env._SealRandomnessV2(
        dek=_vector_bytes(f"{suite} dek", 16),
        nonce_prefix=_vector_bytes(f"{suite} nonce prefix", 8),
        share_coefficients=(_vector_bytes(f"{suite} share coefficient 1", 16),),
        bidder_ephemeral=_vector_bytes(f"{suite} bidder ephemeral"),
        custodian_ephemerals=tuple(_vector_bytes(f"{suite} custodian {i} ephemeral") for i in (1, 2, 3)),
        signature_k=_vector_bytes(f"{suite} signature k") if suite == "gm" else None,
    )
    out = io.BytesIO()
    info = env._seal_v2(
        plaintext=io.BytesIO(plaintext), out=out, tender=TENDER, lot=LOT, bidder=BIDDER, suite=suite,
        bidder_encryption_public=keys.encryption_public, signing_private=keys.signing_private,
        custodians=custodians, threshold=2, created_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        chunk_size=256, randomness=randomness,
    )
    envelope = out.getvalue()
    header_bytes, ciphertext, _ = split(envelope)
    shares = shamir._split_with_coefficients(randomness.dek, 2, 3, list(randomness.share_coefficients or ()))
    return {
        "description": (
            f"etender sealed bid envelope format v2, suite {suite}: a pinned vector (2-of-3 custodians). All inputs "
            "are given; an implementation of docs/envelope-v2.md fed these inputs must produce exactly 'envelope'"
            + (" (SM2 signing and encryption use the given k values)." if suite == "gm" else " (Ed25519 is deterministic).")
            + " Binary values are standard base64 unless named *_hex, *_hash, *_sha256 or dek_commitment."
        ),
        "inputs": {
            "suite": suite,
            "bid_form": _VECTOR_FORM,
            "files": {name: _b64(data) for name, data in _VECTOR_FILES.items()},
            "plaintext": _b64(plaintext),
            "tender": TENDER, "lot": LOT, "bidder": BIDDER,
            "created_at": "2025-01-02T03:04:05Z", "chunk_size": 256, "threshold": 2,
            "encryption_private": _b64(keys.encryption_private or b""),
            "signing_private": _b64(keys.signing_private or b""),
            "custodians": [
                {"index": c.index, "name": c.name, "private": _b64(p.private), "public": _b64(c.public), "key_id": c.key_id}
                for c, p in zip(custodians, pairs, strict=True)
            ],
            "dek": _b64(randomness.dek),
            "nonce_prefix": _b64(randomness.nonce_prefix),
            "share_coefficients": [_b64(c) for c in randomness.share_coefficients or ()],
            "bidder_ephemeral": _b64(randomness.bidder_ephemeral or b""),
            "custodian_ephemerals": [_b64(e) for e in randomness.custodian_ephemerals or ()],
            "signature_k": _b64(randomness.signature_k) if randomness.signature_k else None,
        },
        "expected": {
            "encryption_public": _b64(keys.encryption_public),
            "signing_public": _b64(keys.signing_public),
            "encryption_key_id": keys.encryption_key_id,
            "signing_key_id": keys.signing_key_id,
            "shares": [{"index": i, "share": _b64(v)} for i, v in shares],
            "bidder_wrap_context_hex": _spec_context(info.header, "bidder", 0, keys.encryption_key_id).hex(),
            "header": header_bytes.decode("utf-8"),
            "header_sha256": info.header_sha256,
            "ciphertext_sha256": info.ciphertext_sha256,
            "chunk_count": max(1, -(-len(plaintext) // 256)),
            "ciphertext_size": len(ciphertext),
            "manifest": info.manifest,
            "signature": _b64(info.signature),
            "file_sha256": info.file_sha256,
            "size": info.size,
            "envelope": _b64(envelope),
        },
    }


@BOTH
def test_pinned_vector(suite: str) -> None:
    pinned = json.loads((VECTOR_DIR / f"envelope-v2-{suite}.json").read_text(encoding="utf-8"))
    assert make_vector(suite) == pinned, f"format drift: the envelope v2 {suite} output changed"
    inputs, expected = pinned["inputs"], pinned["expected"]
    data = base64.b64decode(expected["envelope"])
    plaintext = base64.b64decode(inputs["plaintext"])
    b64 = base64.b64decode
    enc_priv, sig_pub, dek = b64(inputs["encryption_private"]), b64(expected["signing_public"]), b64(inputs["dek"])
    assert hashlib.sha256(data).hexdigest() == expected["file_sha256"] and len(data) == expected["size"]

    # Public API on the pinned bytes: bidder path and every pair of custodians.
    info = inspect(io.BytesIO(data), signing_public=sig_pub)
    assert unwrap_dek(data, encryption_private=enc_priv) == dek
    custodian_privates = {c["index"]: b64(c["private"]) for c in inputs["custodians"]}
    uploaded = [decrypt_share(data, custodian_index=i, custodian_private=p) for i, p in custodian_privates.items()]
    assert uploaded == [(s["index"], b64(s["share"])) for s in expected["shares"]]
    for pair in itertools.combinations(uploaded, 2):
        assert combine_shares(info, list(pair)) == dek
    assert open_bytes(data, dek) == plaintext
    assert read_bid_package(plaintext)[0] == inputs["bid_form"]

    # Independent spec-level reader (both paths) and writer agree byte for byte.
    header, pt, spec_dek = _spec_decode(data, signing_public=sig_pub, bidder_private=enc_priv)
    assert (pt, spec_dek) == (plaintext, dek)
    assert _spec_decode(data, signing_public=sig_pub, custodian_privates={1: custodian_privates[1], 3: custodian_privates[3]})[1] == plaintext
    assert rfc8785.dumps(header).decode() == expected["header"]
    keys = BidderKeys(enc_priv, b64(expected["encryption_public"]), b64(inputs["signing_private"]), sig_pub, suite)
    custodians = [CustodianKey(c["index"], c["name"], b64(c["public"]), c["key_id"]) for c in inputs["custodians"]]
    shares = _spec_shares(dek, 2, 3, [b64(c) for c in inputs["share_coefficients"]])
    assert [(i, _b64(v)) for i, v in shares] == [(s["index"], s["share"]) for s in expected["shares"]]
    rebuilt = _vector_header(
        suite, dek, plaintext, keys, custodians, 2, shares, eph=b"", nonce_prefix=b64(inputs["nonce_prefix"]),
        bidder_eph=b64(inputs["bidder_ephemeral"]), custodian_ephs=[b64(e) for e in inputs["custodian_ephemerals"]],
    )
    assert rebuilt == header
    sign_k = b64(inputs["signature_k"]) if inputs["signature_k"] else None
    assert _spec_encode(suite, rebuilt, dek, plaintext, keys.signing_private or b"", sign_k) == data


if __name__ == "__main__":  # pragma: no cover - regenerate the pinned vectors deliberately
    VECTOR_DIR.mkdir(parents=True, exist_ok=True)
    for name in SUITE_NAMES:
        path = VECTOR_DIR / f"envelope-v2-{name}.json"
        path.write_text(json.dumps(make_vector(name), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path}")
