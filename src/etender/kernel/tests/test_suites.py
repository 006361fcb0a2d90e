"""Tests of the cipher suites (intl, gm) and of the Shamir secret sharing (real crypto, no mocks).

The gm suite is cross-checked against independent implementations:
``cryptography`` (OpenSSL) and ``hashlib`` for SM3/SM4, ``gmssl-pyx``
(GmSSL, C) and ``gmssl`` (pure Python) for SM2, and against published
examples (GB/T 32905 SM3, GB/T 32907 SM4, RFC 8998 A.1 SM4-GCM).  Pure-Python
gmssl is slow (about 10 ms per SM2 operation): it is used here only.

The pinned vector vectors/suites-gm.json is regenerated only for a deliberate
change:  ``PYTHONPATH=src python -m etender.kernel.tests.test_suites``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from pathlib import Path
from typing import Any

import gmssl.func
import gmssl_pyx
import pytest
from Cryptodome.Protocol.SecretSharing import Shamir
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from gmssl import sm2 as pure_sm2
from gmssl import sm3 as pure_sm3
from gmssl import sm4 as pure_sm4

from etender.kernel import shamir
from etender.kernel import suites as S
from etender.kernel.suites import SUITES, DecryptionError, get_suite

VECTOR_PATH = Path(__file__).parent / "vectors" / "suites-gm.json"
GM = get_suite("gm")
INTL = get_suite("intl")
BOTH = pytest.mark.parametrize("suite", [INTL, GM], ids=["intl", "gm"])


def _pure(private: bytes, public: bytes, mode: int = 1) -> pure_sm2.CryptSM2:
    """A pure-Python gmssl SM2 object.  ``mode=1`` is C1C3C2, ``mode=0`` C1C2C3; C1 has no 04 prefix there.

    The public key is set after construction: the constructor strips a 04
    prefix with ``str.lstrip("04")``, which also eats leading '0'/'4' digits of x.
    """
    obj = pure_sm2.CryptSM2(private_key=private.hex(), public_key="ff", mode=mode)
    obj.public_key = public[1:].hex()
    return obj


# ---------------------------------------------------------------------------
# Interface, both suites
# ---------------------------------------------------------------------------


def test_registry() -> None:
    assert set(SUITES) == {"intl", "gm"}
    assert get_suite("intl") is INTL and get_suite("gm") is GM
    for bad in ("", "GM", "intl-v1", "sm2", None):
        with pytest.raises(ValueError):
            get_suite(bad)  # type: ignore[arg-type]
    assert S.suite_for_envelope_id("intl-v2") is INTL
    assert S.suite_for_envelope_id("gm-v2") is GM
    assert S.suite_for_envelope_id("intl-v1") is None
    assert (INTL.name, INTL.envelope_id, INTL.keys_id, INTL.hash_name, INTL.signer_kind) == (
        "intl", "intl-v2", "intl-v1", "sha256", "ed25519",
    )
    assert (GM.name, GM.envelope_id, GM.keys_id, GM.hash_name, GM.signer_kind) == ("gm", "gm-v2", "gm-v1", "sm3", "sm2")
    assert INTL.public_key_size == 32 and GM.public_key_size == 65
    for s in (INTL, GM):
        assert (s.aead_key_size, s.nonce_size, s.tag_size, s.signature_size) == (16, 12, 16, 64)


@BOTH
def test_hash_and_hasher(suite: S.Suite) -> None:
    expected = {
        "intl": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",  # FIPS 180-2 "abc"
        "gm": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",  # GB/T 32905 "abc"
    }[suite.name]
    assert suite.hash(b"abc").hex() == expected
    h = suite.new_hasher()
    h.update(b"a")
    c = h.copy()
    h.update(b"bc")
    assert h.hexdigest() == expected and h.digest().hex() == expected  # digest does not finalize
    c.update(b"bc")
    assert c.hexdigest() == expected
    big = os.urandom(100_000)
    h = suite.new_hasher()
    for i in range(0, len(big), 7777):
        h.update(big[i : i + 7777])
    assert h.digest() == suite.hash(big)


@BOTH
def test_key_pairs_and_key_id(suite: S.Suite) -> None:
    priv, pub = suite.generate_encryption_keypair()
    assert len(priv) == 32 and len(pub) == suite.public_key_size
    assert suite.encryption_public(priv) == pub
    spriv, spub = suite.generate_signing_keypair()
    assert suite.signing_public(spriv) == spub
    assert suite.key_id(pub) == suite.hash(pub)[:16].hex()
    assert len(suite.key_id(pub)) == 32
    with pytest.raises(ValueError):
        suite.key_id(pub[:-1])
    with pytest.raises(TypeError):
        suite.key_id(pub.hex())  # type: ignore[arg-type]


@BOTH
def test_wrap_round_trip_and_failures(suite: S.Suite) -> None:
    priv, pub = suite.generate_encryption_keypair()
    other_priv, _ = suite.generate_encryption_keypair()
    key = os.urandom(16)
    ctx = b"etender test context\x00{}"
    blob = suite.wrap(key, pub, ctx)
    assert len(blob) == suite.wrapped_size(16) == {"intl": 64, "gm": 145}[suite.name]
    assert suite.unwrap(blob, priv, ctx) == key
    assert suite.wrap(key, pub, ctx) != blob  # fresh randomness every time
    with pytest.raises(DecryptionError):
        suite.unwrap(blob, other_priv, ctx)
    with pytest.raises(DecryptionError):
        suite.unwrap(blob, priv, ctx + b"x")
    for pos in (0, 5, 40, len(blob) - 20, len(blob) - 1):
        bad = bytearray(blob)
        bad[pos] ^= 0x04
        with pytest.raises(DecryptionError):
            suite.unwrap(bytes(bad), priv, ctx)
    for cut in (blob[:-1], blob[:10], b""):
        with pytest.raises(DecryptionError):
            suite.unwrap(cut, priv, ctx)
    # Other key sizes work (the envelope wraps 16-byte DEKs and shares).
    assert suite.unwrap(suite.wrap(b"k" * 32, pub, b""), priv, b"") == b"k" * 32
    with pytest.raises(ValueError):
        suite.wrap(b"", pub, ctx)


def test_invalid_public_keys() -> None:
    key = os.urandom(16)
    with pytest.raises(ValueError):
        INTL.wrap(key, bytes(32), b"")  # low-order point: all-zero shared secret
    with pytest.raises(ValueError):
        INTL.wrap(key, bytes(31), b"")
    _, pub = GM.generate_encryption_keypair()
    off_curve = pub[:-1] + bytes([pub[-1] ^ 1])
    for bad in (off_curve, b"\x02" + pub[1:], pub[1:], bytes(65), b"\x04" + (S._P).to_bytes(32, "big") + pub[33:]):
        with pytest.raises(ValueError):
            GM.wrap(key, bad, b"")
        assert not GM.verify(bad, b"m", bytes(64))
    for bad_private in (bytes(32), (S._N - 1).to_bytes(32, "big"), b"\xff" * 32, bytes(31)):
        with pytest.raises(ValueError):
            GM.encryption_public(bad_private)


@BOTH
def test_sign_verify(suite: S.Suite) -> None:
    priv, pub = suite.generate_signing_keypair()
    _, other_pub = suite.generate_signing_keypair()
    sig = suite.sign(priv, b"manifest")
    assert len(sig) == 64
    assert suite.verify(pub, b"manifest", sig)
    assert not suite.verify(pub, b"manifesT", sig)
    assert not suite.verify(other_pub, b"manifest", sig)
    for pos in (0, 31, 32, 63):
        bad = bytearray(sig)
        bad[pos] ^= 1
        assert not suite.verify(pub, b"manifest", bytes(bad))
    assert not suite.verify(pub, b"manifest", sig[:-1])
    assert not suite.verify(pub, b"manifest", bytes(64))
    assert not suite.verify(pub[:-1], b"manifest", sig)


def test_sm2_signature_scalar_range() -> None:
    priv, pub = GM.generate_signing_keypair()
    sig = GM.sign(priv, b"m")
    n = S._N.to_bytes(32, "big")
    assert not GM.verify(pub, b"m", n + sig[32:])  # r = n
    assert not GM.verify(pub, b"m", sig[:32] + n)  # s = n
    assert not GM.verify(pub, b"m", bytes(32) + sig[32:])  # r = 0


@BOTH
def test_aead(suite: S.Suite) -> None:
    key, nonce = os.urandom(16), os.urandom(12)
    for pt in (b"", b"x", os.urandom(1000)):
        ct = suite.aead_encrypt(key, nonce, pt, b"aad")
        assert len(ct) == len(pt) + 16
        assert suite.aead_decrypt(key, nonce, ct, b"aad") == pt
        for bad_args in ((os.urandom(16), nonce, ct, b"aad"), (key, os.urandom(12), ct, b"aad"), (key, nonce, ct, b"aaD")):
            with pytest.raises(DecryptionError):
                suite.aead_decrypt(*bad_args)
        bad = bytearray(ct)
        bad[-1] ^= 1
        with pytest.raises(DecryptionError):
            suite.aead_decrypt(key, nonce, bytes(bad), b"aad")
    with pytest.raises(DecryptionError):
        suite.aead_decrypt(key, nonce, b"short", b"")
    with pytest.raises(ValueError):
        suite.aead_encrypt(os.urandom(32), nonce, b"x", b"")  # 16-byte keys only: AES-128 / SM4
    with pytest.raises(ValueError):
        suite.aead_encrypt(key, os.urandom(16), b"x", b"")


# ---------------------------------------------------------------------------
# Cross-library and published vectors (gm)
# ---------------------------------------------------------------------------

SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"  # GB/T 32905-2016 A.1
SM3_ABCD16 = "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"  # GB/T 32905-2016 A.2
SM4_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")  # GB/T 32907-2016 A.1: key = plaintext
SM4_EXAMPLE_1 = "681edf34d206965e86b3e94f536e4246"
SM4_EXAMPLE_2 = "595298c7c6fd271f0402f804c33d3f66"  # the same block encrypted 1,000,000 times
RFC8998_GCM = {  # RFC 8998 Appendix A.1
    "key": "0123456789ABCDEFFEDCBA9876543210",
    "iv": "00001234567800000000ABCD",
    "aad": "FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2",
    "plaintext": "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
    "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA",
    "ciphertext": "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
    "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D",
    "tag": "83DE3541E4C2B58177E065A9BF7B62EC",
}


def test_sm3_cross_library() -> None:
    for message, expected in ((b"abc", SM3_ABC), (b"abcd" * 16, SM3_ABCD16)):
        h = hashes.Hash(hashes.SM3())
        h.update(message)
        assert h.finalize().hex() == expected
        assert GM.hash(message).hex() == expected
        assert gmssl_pyx.sm3_hash(message).hex() == expected
        assert pure_sm3.sm3_hash(gmssl.func.bytes_to_list(message)) == expected
        try:
            system = hashlib.new("sm3", message).hexdigest()
        except ValueError:  # pragma: no cover - OpenSSL built without SM3
            pytest.skip("hashlib has no sm3 here")
        assert system == expected


def test_sm4_block_cross_library() -> None:
    enc = Cipher(algorithms.SM4(SM4_KEY), modes.ECB()).encryptor()
    assert enc.update(SM4_KEY).hex() == SM4_EXAMPLE_1
    pure = pure_sm4.CryptSM4()
    pure.set_key(SM4_KEY, pure_sm4.SM4_ENCRYPT)
    assert pure.crypt_ecb(SM4_KEY)[:16].hex() == SM4_EXAMPLE_1  # (gmssl pads with PKCS#7: block 2 is padding)
    block = SM4_KEY
    enc = Cipher(algorithms.SM4(SM4_KEY), modes.ECB()).encryptor()
    for _ in range(1_000_000):
        block = enc.update(block)
    assert block.hex() == SM4_EXAMPLE_2


def test_sm4_gcm_rfc8998_cross_library() -> None:
    v = {k: bytes.fromhex(x) for k, x in RFC8998_GCM.items()}
    out = GM.aead_encrypt(v["key"], v["iv"], v["plaintext"], v["aad"])
    assert out == v["ciphertext"] + v["tag"]
    assert GM.aead_decrypt(v["key"], v["iv"], out, v["aad"]) == v["plaintext"]
    ct, tag = gmssl_pyx.sm4_gcm_encrypt(v["key"], v["iv"], v["aad"], v["plaintext"])
    assert (ct, tag) == (v["ciphertext"], v["tag"])
    # Random inputs: OpenSSL (cryptography) and GmSSL agree (gmssl-pyx refuses an empty plaintext).
    for size in (1, 15, 16, 17, 1000):
        key, iv, aad, pt = os.urandom(16), os.urandom(12), os.urandom(size % 40), os.urandom(size)
        ct, tag = gmssl_pyx.sm4_gcm_encrypt(key, iv, aad, pt)
        assert GM.aead_encrypt(key, iv, pt, aad) == ct + tag
        assert gmssl_pyx.sm4_gcm_decrypt(key, iv, aad, ct, tag) == pt


def test_sm2_public_key_derivation_matches_gmssl() -> None:
    for _ in range(5):
        pub64, priv = gmssl_pyx.sm2_key_generate()
        assert S.sm2_public_from_private(priv) == b"\x04" + pub64
        assert _pure(priv, b"\x04" + pub64)._kg(int.from_bytes(priv, "big"), S._GX.to_bytes(32, "big").hex() + S._GY.to_bytes(32, "big").hex()) == pub64.hex()
    assert S._scalar_mult(S._N, S._GX, S._GY) is None  # G has order n
    assert S._scalar_mult(S._N + 1, S._GX, S._GY) == (S._GX, S._GY)


def test_sm2_signatures_cross_library() -> None:
    priv, pub = GM.generate_signing_keypair()
    pure = _pure(priv, pub)
    msg = b"etender manifest \x00 {}"
    # gmssl-pyx (through the suite) -> pure gmssl (r||s hex, with Z from the default id)
    for _ in range(2):
        sig = GM.sign(priv, msg)
        assert pure.verify_with_sm3(sig.hex(), msg)
        assert not pure.verify_with_sm3(sig.hex(), msg + b"x")
    # pure gmssl -> gmssl-pyx
    sig_hex = pure.sign_with_sm3(msg)
    assert GM.verify(pub, msg, bytes.fromhex(sig_hex))
    # Same nonce k: our deterministic SM2 signer and pure gmssl give identical bytes.
    k = int.from_bytes(os.urandom(32), "big") % (S._N - 1) + 1
    mine = GM._sign_with(priv, msg, k.to_bytes(32, "big"))
    assert mine.hex() == pure.sign_with_sm3(msg, f"{k:064x}")
    assert GM.verify(pub, msg, mine)
    # The DER form (GM/T 0009) is what GmSSL speaks.
    der = S.sm2_signature_to_der(mine)
    assert S.sm2_signature_from_der(der) == mine
    assert gmssl_pyx.sm2_verify(pub[1:], msg, der, S.SM2_DEFAULT_ID)
    # Without the default user id (Z) the signature is a different one: the id matters.
    assert not gmssl_pyx.sm2_verify(pub[1:], msg, der, b"other id")


def test_sm2_encryption_cross_library(monkeypatch: pytest.MonkeyPatch) -> None:
    priv, pub = GM.generate_encryption_keypair()
    pure_c1c3c2 = _pure(priv, pub, mode=1)
    pure_c1c2c3 = _pure(priv, pub, mode=0)
    key, ctx = os.urandom(16), b"context"
    message = key + S.sm3(ctx)
    # gmssl-pyx (suite) -> pure gmssl: our blob is C1C3C2 with a 04 prefix on C1.
    blob = GM.wrap(key, pub, ctx)
    assert blob[0] == 0x04
    assert pure_c1c3c2.decrypt(blob[1:]) == message
    # pure gmssl -> gmssl-pyx (suite): prefix 04; C1C2C3 order does not unwrap.
    assert GM.unwrap(b"\x04" + pure_c1c3c2.encrypt(message), priv, ctx) == key
    other_order = b"\x04" + pure_c1c2c3.encrypt(message)
    with pytest.raises(DecryptionError):
        GM.unwrap(other_order, priv, ctx)
    # Converting C1C2C3 -> C1C3C2 by moving C3 makes it valid.
    c1, rest = other_order[:65], other_order[65:]
    assert GM.unwrap(c1 + rest[-32:] + rest[:-32], priv, ctx) == key
    # Same ephemeral k: our deterministic SM2 encryption equals pure gmssl's.
    k = int.from_bytes(os.urandom(32), "big") % (S._N - 1) + 1
    monkeypatch.setattr(gmssl.func, "random_hex", lambda n: f"{k:064x}")
    assert GM._wrap_with(key, pub, ctx, k.to_bytes(32, "big")) == b"\x04" + pure_c1c3c2.encrypt(message)
    # And GmSSL's DER ciphertext converts losslessly.
    der = S.sm2_ciphertext_to_der(blob)
    assert S.sm2_ciphertext_from_der(der) == blob
    assert gmssl_pyx.sm2_decrypt(priv, der) == message


def test_der_helpers_reject_garbage() -> None:
    for bad in (b"", b"\x30", b"\x30\x03\x02\x01\x00", b"\x31\x00", b"\x30\x06\x02\x01\x01\x02\x01\x01\x00"):
        with pytest.raises(ValueError):
            S.sm2_signature_from_der(bad)
        with pytest.raises(ValueError):
            S.sm2_ciphertext_from_der(bad)
    with pytest.raises(ValueError):
        S.sm2_ciphertext_to_der(b"\x04" + bytes(96))


# ---------------------------------------------------------------------------
# Pinned gm vectors
# ---------------------------------------------------------------------------


def _label(label: str, n: int = 32) -> bytes:
    return hashlib.sha256(b"etender suites-gm test vector " + label.encode()).digest()[:n]


def _deterministic_vectors() -> dict[str, Any]:
    private = _label("sm2 private key")
    public = S.sm2_public_from_private(private)
    message = b"etender suites-gm test vector: message to sign"
    sign_k = _label("sm2 signature k")
    signature = GM._sign_with(private, message, sign_k)
    wrap_key = _label("key to wrap", 16)
    context = b"etender-envelope-v2 wrap\x00" + b'{"example":true}'
    encrypt_k = _label("sm2 encryption k")
    wrapped = GM._wrap_with(wrap_key, public, context, encrypt_k)
    gcm_key, gcm_nonce = _label("sm4 key", 16), _label("sm4 nonce", 12)
    gcm_aad, gcm_plaintext = _label("sm4 aad", 33), b"etender chunk " * 5
    return {
        "sm3": {"abc": SM3_ABC, "abcd*16": SM3_ABCD16},
        "sm4_ecb": {"key": SM4_KEY.hex(), "plaintext": SM4_KEY.hex(), "ciphertext": SM4_EXAMPLE_1,
                    "ciphertext_after_1000000_encryptions": SM4_EXAMPLE_2},
        "sm4_gcm_rfc8998": {k: v.lower() for k, v in RFC8998_GCM.items()},
        "sm4_gcm_self": {
            "key": gcm_key.hex(), "nonce": gcm_nonce.hex(), "aad": gcm_aad.hex(), "plaintext": gcm_plaintext.hex(),
            "ciphertext_and_tag": GM.aead_encrypt(gcm_key, gcm_nonce, gcm_plaintext, gcm_aad).hex(),
        },
        "sm2": {
            "user_id": S.SM2_DEFAULT_ID.decode(),
            "private": private.hex(),
            "public": public.hex(),
            "key_id": GM.key_id(public),
            "z": S.sm2_z(public).hex(),
            "message": message.hex(),
            "sign_k": sign_k.hex(),
            "signature_r_s": signature.hex(),
            "signature_der": S.sm2_signature_to_der(signature).hex(),
            "wrap_key": wrap_key.hex(),
            "wrap_context": context.hex(),
            "encrypt_k": encrypt_k.hex(),
            "wrap_plaintext_key_sm3ctx": (wrap_key + S.sm3(context)).hex(),
            "wrapped_c1c3c2": wrapped.hex(),
            "wrapped_der": S.sm2_ciphertext_to_der(wrapped).hex(),
        },
    }


def make_vector() -> dict[str, Any]:
    det = _deterministic_vectors()
    sm2 = det["sm2"]
    private, public = bytes.fromhex(sm2["private"]), bytes.fromhex(sm2["public"])
    message = bytes.fromhex(sm2["message"])
    return {
        "description": (
            "etender cipher suite gm: pinned vectors. 'deterministic' is recomputed by the tests and must match "
            "exactly (SM2 with the given k); 'captured' holds outputs of gmssl-pyx (random k) made when the file "
            "was generated, which must still verify / decrypt with both gmssl-pyx and pure-Python gmssl. "
            "SM2 public keys are 04||x||y, signatures r||s, ciphertexts C1||C3||C2 with C1 = 04||x||y."
        ),
        "deterministic": det,
        "captured": {
            "signature_gmssl_pyx": GM.sign(private, message).hex(),
            "wrapped_gmssl_pyx": GM.wrap(bytes.fromhex(sm2["wrap_key"]), public, bytes.fromhex(sm2["wrap_context"])).hex(),
        },
    }


def test_pinned_gm_vectors() -> None:
    pinned = json.loads(VECTOR_PATH.read_text(encoding="utf-8"))
    assert _deterministic_vectors() == pinned["deterministic"], "gm suite drift"
    sm2 = pinned["deterministic"]["sm2"]
    private, public = bytes.fromhex(sm2["private"]), bytes.fromhex(sm2["public"])
    message, context = bytes.fromhex(sm2["message"]), bytes.fromhex(sm2["wrap_context"])
    pure = _pure(private, public)
    for sig_hex in (sm2["signature_r_s"], pinned["captured"]["signature_gmssl_pyx"]):
        assert GM.verify(public, message, bytes.fromhex(sig_hex))
        assert pure.verify_with_sm3(sig_hex, message)
    assert pure.sign_with_sm3(message, sm2["sign_k"]) == sm2["signature_r_s"]
    for blob_hex in (sm2["wrapped_c1c3c2"], pinned["captured"]["wrapped_gmssl_pyx"]):
        blob = bytes.fromhex(blob_hex)
        assert GM.unwrap(blob, private, context).hex() == sm2["wrap_key"]
        assert pure.decrypt(blob[1:]).hex() == sm2["wrap_plaintext_key_sm3ctx"]
    g = pinned["deterministic"]["sm4_gcm_self"]
    ct, tag = gmssl_pyx.sm4_gcm_encrypt(*(bytes.fromhex(g[k]) for k in ("key", "nonce", "aad", "plaintext")))
    assert (ct + tag).hex() == g["ciphertext_and_tag"]


# ---------------------------------------------------------------------------
# Shamir
# ---------------------------------------------------------------------------


def test_shamir_every_subset_up_to_five() -> None:
    checked = 0
    for n in range(1, 6):
        for t in range(1, n + 1):
            secret = os.urandom(16)
            shares = shamir.split(secret, t, n)
            assert [i for i, _ in shares] == list(range(1, n + 1))
            assert all(len(v) == 16 for _, v in shares)
            for k in range(1, n + 1):
                for subset in itertools.combinations(shares, k):
                    got = shamir.combine(subset)
                    if k >= t:
                        assert got == secret, (t, n, subset)
                        assert shamir.interpolate(subset, 0) == secret
                    elif k == t - 1:
                        assert got != secret  # t-1 shares interpolate to something else
                    checked += 1
    assert checked > 100


def test_shamir_fewer_than_t_shares_reveal_nothing_checkable() -> None:
    secret = os.urandom(16)
    values = set()
    for _ in range(20):
        shares = shamir.split(secret, 3, 5)
        values.add(shamir.combine(shares[:2]))
        assert shamir.combine(shares[:3]) == secret
    assert secret not in values and len(values) == 20  # fresh coefficients each time
    # For t >= 2 every share is fresh randomness too.
    a, b = shamir.split(secret, 2, 3), shamir.split(secret, 2, 3)
    assert all(x[1] != y[1] for x, y in zip(a, b, strict=True))


def test_shamir_corrupted_share_changes_result() -> None:
    secret = os.urandom(16)
    shares = shamir.split(secret, 2, 3)
    bad = (shares[0][0], bytes(a ^ b for a, b in zip(shares[0][1], b"\x01" + bytes(15), strict=True)))
    assert shamir.combine([bad, shares[1]]) != secret
    assert shamir.combine(shares[1:]) == secret
    # The independent arithmetic finds the inconsistent share from a good pair.
    assert shamir.interpolate(shares[1:], 1) == shares[0][1] != bad[1]


def test_shamir_matches_pycryptodome_both_ways() -> None:
    for t, n in ((2, 3), (3, 4), (3, 5), (1, 2)):
        secret = os.urandom(16)
        coefficients = [os.urandom(16) for _ in range(t - 1)]
        ours = shamir._split_with_coefficients(secret, t, n, coefficients)
        for subset in itertools.combinations(ours, t):
            assert bytes(Shamir.combine(list(subset))) == secret
        theirs = [(i, bytes(v)) for i, v in Shamir.split(t, n, secret)]
        for subset in itertools.combinations(theirs, t):
            assert shamir.interpolate(subset, 0) == secret
            for i, v in theirs:
                assert shamir.interpolate(subset, i) == v
    # Fixed small example: p(x) = s + a·x over GF(2^128), p(1) = s xor a.
    s, a = bytes(15) + b"\x05", bytes(15) + b"\x03"
    assert shamir._split_with_coefficients(s, 2, 2, [a])[0] == (1, bytes(15) + b"\x06")


@pytest.mark.parametrize(
    ("secret", "t", "n"),
    [(bytes(15), 2, 3), (bytes(17), 2, 3), (bytes(32), 2, 3), (bytes(16), 0, 3), (bytes(16), 4, 3), (bytes(16), 2, 256)],
)
def test_shamir_argument_validation(secret: bytes, t: int, n: int) -> None:
    with pytest.raises(ValueError):
        shamir.split(secret, t, n)


def test_shamir_share_validation() -> None:
    shares = shamir.split(os.urandom(16), 2, 3)
    for bad in ([], [shares[0], shares[0]], [(0, shares[0][1]), shares[1]], [(1, b"short"), shares[1]], [(True, shares[0][1])], [shares[0][1]]):
        with pytest.raises(ValueError):
            shamir.combine(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        shamir.split("0" * 16, 2, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        shamir._split_with_coefficients(bytes(16), 3, 3, [bytes(16)])


if __name__ == "__main__":  # pragma: no cover - regenerate the pinned vector deliberately
    VECTOR_PATH.parent.mkdir(parents=True, exist_ok=True)
    VECTOR_PATH.write_text(json.dumps(make_vector(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {VECTOR_PATH}")
