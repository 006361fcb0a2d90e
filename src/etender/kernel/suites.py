"""Cipher suites of the sealed bid envelope, format v2 (see ``docs/envelope-v2.md``).

Two suites sit behind one interface (:class:`Suite`) and are chosen per tender:

``intl``  X25519 + HKDF-SHA256 key wrapping, AES-128-GCM, Ed25519, SHA-256
          (all from ``cryptography``).
``gm``    SM2 public-key encryption for key wrapping (GB/T 32918.4, ciphertext
          C1||C3||C2 with C1 = 04||x||y), SM2 signatures with the default user
          id ``1234567812345678`` (GB/T 32918.2, GM/T 0009), SM3 (GB/T 32905),
          SM4-GCM (GB/T 32907 + GCM).  SM3 and SM4 come from ``cryptography``
          (OpenSSL), SM2 from ``gmssl-pyx`` (bundled GmSSL, C).

Keys are raw bytes: X25519/Ed25519 keys are 32 bytes; an SM2 private key is
the 32-byte big-endian scalar d, an SM2 public key the 65-byte uncompressed
point ``04 || x || y``.  Signatures are 64 bytes in both suites (Ed25519, or
SM2 ``r || s`` as two 32-byte big-endian integers).  The AEAD key (the DEK)
is 16 bytes in both suites, so that it can be split with Shamir over
GF(2^128) (:mod:`etender.kernel.shamir`); nonces are 12 bytes and tags 16.

A little SM2 arithmetic is done here in pure Python: deriving a public key from
a private key (GmSSL's Python binding cannot do it, and an SM2 signature needs
the public key for Z), and the ``_wrap_with``/``_sign_with`` hooks that take an
explicit ephemeral scalar so that test vectors are reproducible.  That code is
not constant-time; it only ever runs on the key holder's own machine, and the
production encryption, decryption and signing go through GmSSL.  The hooks
must never be used with a predictable scalar outside test vectors.
"""

from __future__ import annotations

import hashlib
import hmac
from abc import ABC, abstractmethod
from typing import Any, Protocol

import gmssl_pyx
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "SM2_DEFAULT_ID",
    "SUITES",
    "DecryptionError",
    "GmSuite",
    "Hasher",
    "IntlSuite",
    "Suite",
    "get_suite",
    "suite_for_envelope_id",
]

AEAD_KEY_SIZE = 16
NONCE_SIZE = 12
TAG_SIZE = 16
SIGNATURE_SIZE = 64
PRIVATE_KEY_SIZE = 32
SM2_DEFAULT_ID = b"1234567812345678"


class DecryptionError(Exception):
    """Authenticated decryption or key unwrapping failed (wrong key, wrong context or tampered data)."""


class Hasher(Protocol):
    """The part of the ``hashlib`` interface the envelope uses."""

    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...

    def hexdigest(self) -> str: ...

    def copy(self) -> Hasher: ...


def _as_bytes(value: Any, length: int | None, what: str) -> bytes:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"{what} must be bytes")
    raw = bytes(value)
    if length is not None and len(raw) != length:
        raise ValueError(f"{what} must be {length} bytes, got {len(raw)}")
    return raw


# ---------------------------------------------------------------------------
# SM3 with the hashlib interface (cryptography / bundled OpenSSL)
# ---------------------------------------------------------------------------


class _SM3:
    name = "sm3"
    digest_size = 32

    def __init__(self, data: bytes = b"", _ctx: hashes.Hash | None = None) -> None:
        self._ctx = _ctx if _ctx is not None else hashes.Hash(hashes.SM3())
        if data:
            self._ctx.update(data)

    def update(self, data: bytes, /) -> None:
        self._ctx.update(data)

    def digest(self) -> bytes:
        return self._ctx.copy().finalize()

    def hexdigest(self) -> str:
        return self.digest().hex()

    def copy(self) -> _SM3:
        return _SM3(_ctx=self._ctx.copy())


def sm3(data: bytes) -> bytes:
    return _SM3(data).digest()


# ---------------------------------------------------------------------------
# SM2 helpers: curve arithmetic (pure Python), encodings
# ---------------------------------------------------------------------------

# Recommended curve parameters, GB/T 32918.5-2017.
_P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
_A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
_B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
_N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
_GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
_GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0

_Jacobian = tuple[int, int, int]
_INFINITY: _Jacobian = (1, 1, 0)


def _jdouble(p: _Jacobian) -> _Jacobian:
    x1, y1, z1 = p
    if z1 == 0 or y1 == 0:
        return _INFINITY
    y1sq = y1 * y1 % _P
    s = 4 * x1 * y1sq % _P
    z1sq = z1 * z1 % _P
    m = (3 * x1 * x1 + _A * z1sq * z1sq) % _P
    x3 = (m * m - 2 * s) % _P
    y3 = (m * (s - x3) - 8 * y1sq * y1sq) % _P
    z3 = 2 * y1 * z1 % _P
    return (x3, y3, z3)


def _jadd(p: _Jacobian, q: _Jacobian) -> _Jacobian:
    x1, y1, z1 = p
    x2, y2, z2 = q
    if z1 == 0:
        return q
    if z2 == 0:
        return p
    z1sq, z2sq = z1 * z1 % _P, z2 * z2 % _P
    u1, u2 = x1 * z2sq % _P, x2 * z1sq % _P
    s1, s2 = y1 * z2sq * z2 % _P, y2 * z1sq * z1 % _P
    if u1 == u2:
        return _jdouble(p) if s1 == s2 else _INFINITY
    h = (u2 - u1) % _P
    r = (s2 - s1) % _P
    hsq = h * h % _P
    hcu = hsq * h % _P
    x3 = (r * r - hcu - 2 * u1 * hsq) % _P
    y3 = (r * (u1 * hsq - x3) - s1 * hcu) % _P
    z3 = h * z1 * z2 % _P
    return (x3, y3, z3)


def _scalar_mult(k: int, x: int, y: int) -> tuple[int, int] | None:
    """k·(x, y) in affine coordinates (``None`` for the point at infinity); Montgomery ladder."""
    r0, r1 = _INFINITY, (x, y, 1)
    for i in range(256, -1, -1):
        if (k >> i) & 1:
            r0, r1 = _jadd(r0, r1), _jdouble(r1)
        else:
            r1, r0 = _jadd(r0, r1), _jdouble(r0)
    xj, yj, zj = r0
    if zj == 0:
        return None
    zinv = pow(zj, -1, _P)
    zinv2 = zinv * zinv % _P
    return (xj * zinv2 % _P, yj * zinv2 * zinv % _P)


def _on_curve(x: int, y: int) -> bool:
    return 0 <= x < _P and 0 <= y < _P and (y * y - (x * x * x + _A * x + _B)) % _P == 0


def _sm2_point(public: bytes) -> tuple[int, int]:
    """Decode and validate a 65-byte uncompressed SM2 public key."""
    raw = _as_bytes(public, 65, "SM2 public key")
    if raw[0] != 0x04:
        raise ValueError("SM2 public key must be uncompressed (04 || x || y)")
    x, y = int.from_bytes(raw[1:33], "big"), int.from_bytes(raw[33:], "big")
    if not _on_curve(x, y):
        raise ValueError("SM2 public key is not a point on the curve")
    return x, y  # cofactor 1: every affine curve point is in the group of order n


def _sm2_scalar(private: bytes) -> int:
    d = int.from_bytes(_as_bytes(private, PRIVATE_KEY_SIZE, "SM2 private key"), "big")
    if not 1 <= d <= _N - 2:  # d = n - 1 is excluded: (1 + d) must be invertible
        raise ValueError("SM2 private key out of range")
    return d


def _encode_point(x: int, y: int) -> bytes:
    return b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")


def sm2_public_from_private(private: bytes) -> bytes:
    """The 65-byte public key of a 32-byte SM2 private key (pure Python)."""
    point = _scalar_mult(_sm2_scalar(private), _GX, _GY)
    assert point is not None  # 1 <= d < n
    return _encode_point(*point)


def sm3_kdf(z: bytes, length: int) -> bytes:
    """The SM3 key derivation function of GB/T 32918.4 section 5.4.3."""
    out = bytearray()
    counter = 1
    while len(out) < length:
        out += sm3(z + counter.to_bytes(4, "big"))
        counter += 1
    return bytes(out[:length])


def sm2_z(public: bytes, user_id: bytes = SM2_DEFAULT_ID) -> bytes:
    """Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A) (GB/T 32918.2 section 5.5)."""
    x, y = _sm2_point(public)
    entl = (len(user_id) * 8).to_bytes(2, "big")
    parts = [entl, user_id] + [v.to_bytes(32, "big") for v in (_A, _B, _GX, _GY, x, y)]
    return sm3(b"".join(parts))


# DER (only what GmSSL's SM2 encodings need: SEQUENCE, INTEGER, OCTET STRING).


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _der_tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _der_len(len(body)) + body


def _der_int(v: int) -> bytes:
    return _der_tlv(0x02, v.to_bytes(v.bit_length() // 8 + 1, "big"))


def _der_read(data: bytes, pos: int, tag: int) -> tuple[bytes, int]:
    if pos + 2 > len(data) or data[pos] != tag:
        raise ValueError("unexpected DER tag")
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 2 or pos + count > len(data):
            raise ValueError("bad DER length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise ValueError("truncated DER")
    return data[pos : pos + length], pos + length


def _der_read_int(data: bytes, pos: int) -> tuple[int, int]:
    body, pos = _der_read(data, pos, 0x02)
    if not body or body[0] & 0x80:
        raise ValueError("DER INTEGER must be non-negative")
    return int.from_bytes(body, "big"), pos


def _der_sequence(data: bytes) -> bytes:
    body, end = _der_read(data, 0, 0x30)
    if end != len(data):
        raise ValueError("trailing data after DER SEQUENCE")
    return body


def sm2_signature_from_der(der: bytes) -> bytes:
    """DER ``SEQUENCE {r INTEGER, s INTEGER}`` (GM/T 0009) to the 64-byte ``r || s``."""
    body = _der_sequence(der)
    r, pos = _der_read_int(body, 0)
    s, pos = _der_read_int(body, pos)
    if pos != len(body) or not (0 < r < _N and 0 < s < _N):
        raise ValueError("malformed SM2 signature")
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def sm2_signature_to_der(raw: bytes) -> bytes:
    raw = _as_bytes(raw, SIGNATURE_SIZE, "SM2 signature")
    r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    return _der_tlv(0x30, _der_int(r) + _der_int(s))


def sm2_ciphertext_from_der(der: bytes) -> bytes:
    """GM/T 0009 DER ``SEQUENCE {x, y INTEGER, hash OCTET STRING(32), ciphertext OCTET STRING}``
    to the raw GB/T 32918.4 encoding ``C1 || C3 || C2`` with C1 = 04 || x || y."""
    body = _der_sequence(der)
    x, pos = _der_read_int(body, 0)
    y, pos = _der_read_int(body, pos)
    c3, pos = _der_read(body, pos, 0x04)
    c2, pos = _der_read(body, pos, 0x04)
    if pos != len(body) or len(c3) != 32 or not _on_curve(x, y):
        raise ValueError("malformed SM2 ciphertext")
    return _encode_point(x, y) + c3 + c2


def sm2_ciphertext_to_der(raw: bytes) -> bytes:
    if len(raw) < 65 + 32 + 1 or raw[0] != 0x04:
        raise ValueError("malformed SM2 ciphertext")
    x, y = int.from_bytes(raw[1:33], "big"), int.from_bytes(raw[33:65], "big")
    return _der_tlv(0x30, _der_int(x) + _der_int(y) + _der_tlv(0x04, raw[65:97]) + _der_tlv(0x04, raw[97:]))


def _sm2_encrypt_with_k(public: bytes, message: bytes, k: int) -> bytes:
    """GB/T 32918.4 section 6.1 with a given ephemeral scalar k; output C1 || C3 || C2."""
    px, py = _sm2_point(public)
    if not 1 <= k < _N:
        raise ValueError("ephemeral scalar out of range")
    c1 = _scalar_mult(k, _GX, _GY)
    shared = _scalar_mult(k, px, py)
    assert c1 is not None and shared is not None
    x2, y2 = (v.to_bytes(32, "big") for v in shared)
    t = sm3_kdf(x2 + y2, len(message))
    if not any(t):
        raise ValueError("KDF output is all zero: choose another k")
    c2 = bytes(a ^ b for a, b in zip(message, t, strict=True))
    c3 = sm3(x2 + message + y2)
    return _encode_point(*c1) + c3 + c2


def _sm2_sign_with_k(private: bytes, message: bytes, k: int, user_id: bytes = SM2_DEFAULT_ID) -> bytes:
    """GB/T 32918.2 section 6.1 with a given k; output r || s."""
    d = _sm2_scalar(private)
    if not 1 <= k < _N:
        raise ValueError("signature scalar out of range")
    public = sm2_public_from_private(private)
    e = int.from_bytes(sm3(sm2_z(public, user_id) + message), "big")
    point = _scalar_mult(k, _GX, _GY)
    assert point is not None
    r = (e + point[0]) % _N
    if r == 0 or r + k == _N:
        raise ValueError("choose another k")
    s = pow(1 + d, -1, _N) * (k - r * d) % _N
    if s == 0:
        raise ValueError("choose another k")
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


# ---------------------------------------------------------------------------
# The interface
# ---------------------------------------------------------------------------


class Suite(ABC):
    """One cipher suite.  Keys, blobs and signatures are raw bytes.

    ``name`` is what a tender selects (``"intl"``/``"gm"``); ``envelope_id``
    is written in the envelope header's ``suite`` member; ``keys_id`` in key
    files.  ``key_id(public)`` identifies a public key in headers.
    """

    name: str
    envelope_id: str
    keys_id: str
    hash_name: str
    signer_kind: str
    public_key_size: int
    private_key_size = PRIVATE_KEY_SIZE
    signature_size = SIGNATURE_SIZE
    aead_key_size = AEAD_KEY_SIZE
    nonce_size = NONCE_SIZE
    tag_size = TAG_SIZE

    def __repr__(self) -> str:
        return f"<Suite {self.name}>"

    # -- hashing --------------------------------------------------------
    @abstractmethod
    def new_hasher(self) -> Hasher: ...

    def hash(self, data: bytes) -> bytes:
        h = self.new_hasher()
        h.update(data)
        return h.digest()

    def key_id(self, public: bytes) -> str:
        """Hex of the first 16 bytes of the suite hash of the raw public key (32 hex digits)."""
        return self.hash(self.validate_public(public))[:16].hex()

    # -- keys -------------------------------------------------------------
    @abstractmethod
    def validate_public(self, public: bytes) -> bytes:
        """Return *public* as bytes if it is a well-formed public key of this suite, else ValueError."""

    @abstractmethod
    def generate_encryption_keypair(self) -> tuple[bytes, bytes]:
        """Fresh key pair for wrapping, returned as ``(private, public)``."""

    @abstractmethod
    def encryption_public(self, private: bytes) -> bytes:
        """Public key of an encryption private key (ValueError if malformed)."""

    @abstractmethod
    def generate_signing_keypair(self) -> tuple[bytes, bytes]:
        """Fresh signing key pair, returned as ``(private, public)``."""

    @abstractmethod
    def signing_public(self, private: bytes) -> bytes:
        """Public key of a signing private key (ValueError if malformed)."""

    # -- key wrapping -----------------------------------------------------
    def wrap(self, key: bytes, recipient_public: bytes, context: bytes) -> bytes:
        """Encrypt *key* to *recipient_public*, bound to *context* (fresh randomness)."""
        return self._wrap_with(key, recipient_public, context, None)

    @abstractmethod
    def _wrap_with(self, key: bytes, recipient_public: bytes, context: bytes, ephemeral: bytes | None) -> bytes:
        """:meth:`wrap` with an explicit 32-byte ephemeral secret (test vectors only) or None (random)."""

    @abstractmethod
    def unwrap(self, blob: bytes, private: bytes, context: bytes) -> bytes:
        """Inverse of :meth:`wrap`; raises :class:`DecryptionError` for a wrong key, context or blob."""

    @abstractmethod
    def wrapped_size(self, key_size: int) -> int:
        """Length of :meth:`wrap`'s output for a key of *key_size* bytes."""

    # -- signatures -------------------------------------------------------
    def sign(self, private: bytes, data: bytes) -> bytes:
        return self._sign_with(private, data, None)

    @abstractmethod
    def _sign_with(self, private: bytes, data: bytes, k: bytes | None) -> bytes:
        """:meth:`sign`; SM2 takes an explicit nonce k for test vectors (Ed25519 is deterministic)."""

    @abstractmethod
    def verify(self, public: bytes, data: bytes, signature: bytes) -> bool:
        """True if *signature* is valid; False for any failure, including malformed inputs."""

    # -- AEAD -------------------------------------------------------------
    @abstractmethod
    def aead_encrypt(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        """Return ciphertext || 16-byte tag."""

    @abstractmethod
    def aead_decrypt(self, key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
        """Inverse of :meth:`aead_encrypt`; raises :class:`DecryptionError`."""

    def _check_aead_args(self, key: bytes, nonce: bytes) -> tuple[bytes, bytes]:
        return (
            _as_bytes(key, self.aead_key_size, "AEAD key"),
            _as_bytes(nonce, self.nonce_size, "AEAD nonce"),
        )


# ---------------------------------------------------------------------------
# intl: X25519 + HKDF-SHA256 + AES-128-GCM + Ed25519 + SHA-256
# ---------------------------------------------------------------------------


class IntlSuite(Suite):
    name = "intl"
    envelope_id = "intl-v2"
    keys_id = "intl-v1"  # the key file format of envelope v1: X25519 + Ed25519, unchanged
    hash_name = "sha256"
    signer_kind = "ed25519"
    public_key_size = 32
    WRAP_INFO = b"etender-envelope-v2 intl-v2 wrap"

    def new_hasher(self) -> Hasher:
        return hashlib.sha256()

    def validate_public(self, public: bytes) -> bytes:
        return _as_bytes(public, 32, "public key")

    def generate_encryption_keypair(self) -> tuple[bytes, bytes]:
        key = X25519PrivateKey.generate()
        return key.private_bytes_raw(), key.public_key().public_bytes_raw()

    def encryption_public(self, private: bytes) -> bytes:
        raw = _as_bytes(private, 32, "X25519 private key")
        return X25519PrivateKey.from_private_bytes(raw).public_key().public_bytes_raw()

    def generate_signing_keypair(self) -> tuple[bytes, bytes]:
        key = Ed25519PrivateKey.generate()
        return key.private_bytes_raw(), key.public_key().public_bytes_raw()

    def signing_public(self, private: bytes) -> bytes:
        raw = _as_bytes(private, 32, "Ed25519 private key")
        return Ed25519PrivateKey.from_private_bytes(raw).public_key().public_bytes_raw()

    def _kek(self, shared: bytes, epk: bytes, recipient: bytes) -> tuple[bytes, bytes]:
        okm = HKDF(algorithm=hashes.SHA256(), length=28, salt=epk + recipient, info=self.WRAP_INFO).derive(shared)
        return okm[:16], okm[16:]

    def _wrap_with(self, key: bytes, recipient_public: bytes, context: bytes, ephemeral: bytes | None) -> bytes:
        key = _as_bytes(key, None, "key")
        if not key:
            raise ValueError("key must not be empty")
        recipient = self.validate_public(recipient_public)
        eph = (
            X25519PrivateKey.generate()
            if ephemeral is None
            else X25519PrivateKey.from_private_bytes(_as_bytes(ephemeral, 32, "ephemeral"))
        )
        epk = eph.public_key().public_bytes_raw()
        try:
            shared = eph.exchange(X25519PublicKey.from_public_bytes(recipient))
        except ValueError as exc:  # all-zero shared secret: low-order point
            raise ValueError("recipient public key is not a usable X25519 key") from exc
        kek, nonce = self._kek(shared, epk, recipient)
        return epk + AESGCM(kek).encrypt(nonce, key, bytes(context))

    def wrapped_size(self, key_size: int) -> int:
        return 32 + key_size + TAG_SIZE  # E || AES-GCM(key) || tag

    def unwrap(self, blob: bytes, private: bytes, context: bytes) -> bytes:
        blob = _as_bytes(blob, None, "wrapped key")
        priv = X25519PrivateKey.from_private_bytes(_as_bytes(private, 32, "X25519 private key"))
        if len(blob) < 32 + TAG_SIZE + 1:
            raise DecryptionError("wrapped key too short")
        epk = blob[:32]
        recipient = priv.public_key().public_bytes_raw()
        try:
            shared = priv.exchange(X25519PublicKey.from_public_bytes(epk))
            kek, nonce = self._kek(shared, epk, recipient)
            return AESGCM(kek).decrypt(nonce, blob[32:], bytes(context))
        except (InvalidTag, ValueError) as exc:
            raise DecryptionError("key unwrapping failed") from exc

    def _sign_with(self, private: bytes, data: bytes, k: bytes | None) -> bytes:
        raw = _as_bytes(private, 32, "Ed25519 private key")
        return Ed25519PrivateKey.from_private_bytes(raw).sign(bytes(data))

    def verify(self, public: bytes, data: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(_as_bytes(public, 32, "public")).verify(
                _as_bytes(signature, SIGNATURE_SIZE, "signature"), bytes(data)
            )
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True

    def aead_encrypt(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        key, nonce = self._check_aead_args(key, nonce)
        return AESGCM(key).encrypt(nonce, plaintext, aad)

    def aead_decrypt(self, key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
        key, nonce = self._check_aead_args(key, nonce)
        try:
            return AESGCM(key).decrypt(nonce, ciphertext, aad)
        except InvalidTag as exc:
            raise DecryptionError("authentication failed") from exc


# ---------------------------------------------------------------------------
# gm: SM2 + SM3 + SM4-GCM
# ---------------------------------------------------------------------------


class GmSuite(Suite):
    name = "gm"
    envelope_id = "gm-v2"
    keys_id = "gm-v1"
    hash_name = "sm3"
    signer_kind = "sm2"
    public_key_size = 65
    user_id = SM2_DEFAULT_ID

    def new_hasher(self) -> Hasher:
        return _SM3()

    def validate_public(self, public: bytes) -> bytes:
        _sm2_point(public)
        return bytes(public)

    def generate_encryption_keypair(self) -> tuple[bytes, bytes]:
        while True:
            public64, private = gmssl_pyx.sm2_key_generate()
            if 1 <= int.from_bytes(private, "big") <= _N - 2:
                return private, b"\x04" + public64

    def encryption_public(self, private: bytes) -> bytes:
        return sm2_public_from_private(private)

    generate_signing_keypair = generate_encryption_keypair
    signing_public = encryption_public

    def _wrap_plaintext(self, key: bytes, context: bytes) -> bytes:
        # SM2 encryption has no associated data: the SM3 digest of the context is
        # encrypted along with the key (and authenticated by C3).
        return key + sm3(bytes(context))

    def _wrap_with(self, key: bytes, recipient_public: bytes, context: bytes, ephemeral: bytes | None) -> bytes:
        key = _as_bytes(key, None, "key")
        if not key:
            raise ValueError("key must not be empty")
        recipient = self.validate_public(recipient_public)
        message = self._wrap_plaintext(key, context)
        if ephemeral is not None:
            k = int.from_bytes(_as_bytes(ephemeral, 32, "ephemeral"), "big")
            return _sm2_encrypt_with_k(recipient, message, k)
        return sm2_ciphertext_from_der(gmssl_pyx.sm2_encrypt(recipient[1:], message))

    def wrapped_size(self, key_size: int) -> int:
        return 65 + 32 + key_size + 32  # C1 || C3 || C2, C2 = key || SM3(context)

    def unwrap(self, blob: bytes, private: bytes, context: bytes) -> bytes:
        blob = _as_bytes(blob, None, "wrapped key")
        _sm2_scalar(private)
        if len(blob) < 65 + 32 + 32 + 1:
            raise DecryptionError("wrapped key too short")
        try:
            message = gmssl_pyx.sm2_decrypt(bytes(private), sm2_ciphertext_to_der(blob))
        except (gmssl_pyx.GmsslInnerError, ValueError) as exc:
            raise DecryptionError("SM2 decryption failed") from exc
        if len(message) != len(blob) - 97:
            raise DecryptionError("SM2 decryption returned a message of the wrong length")
        key, digest = message[:-32], message[-32:]
        if not hmac.compare_digest(digest, sm3(bytes(context))):
            raise DecryptionError("wrapped key belongs to another context")
        return key

    def _sign_with(self, private: bytes, data: bytes, k: bytes | None) -> bytes:
        if k is not None:
            return _sm2_sign_with_k(private, bytes(data), int.from_bytes(_as_bytes(k, 32, "k"), "big"), self.user_id)
        public = sm2_public_from_private(private)
        der = gmssl_pyx.sm2_sign(bytes(private), public[1:], bytes(data), self.user_id)
        return sm2_signature_from_der(der)

    def verify(self, public: bytes, data: bytes, signature: bytes) -> bool:
        try:
            point = self.validate_public(public)
            der = sm2_signature_to_der(signature)
            r = int.from_bytes(signature[:32], "big")
            s = int.from_bytes(signature[32:], "big")
            if not (0 < r < _N and 0 < s < _N):
                return False
            return bool(gmssl_pyx.sm2_verify(point[1:], bytes(data), der, self.user_id))
        except (gmssl_pyx.GmsslInnerError, ValueError, TypeError):
            return False

    def aead_encrypt(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        key, nonce = self._check_aead_args(key, nonce)
        enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(aad)
        out = enc.update(plaintext) + enc.finalize()
        return out + enc.tag

    def aead_decrypt(self, key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
        key, nonce = self._check_aead_args(key, nonce)
        if len(ciphertext) < TAG_SIZE:
            raise DecryptionError("ciphertext shorter than the tag")
        view = memoryview(ciphertext)
        dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, bytes(view[-TAG_SIZE:]))).decryptor()
        dec.authenticate_additional_data(aad)
        try:
            return dec.update(view[:-TAG_SIZE]) + dec.finalize()
        except InvalidTag as exc:
            raise DecryptionError("authentication failed") from exc


SUITES: dict[str, Suite] = {"intl": IntlSuite(), "gm": GmSuite()}
_BY_ENVELOPE_ID = {s.envelope_id: s for s in SUITES.values()}


def get_suite(name: str) -> Suite:
    """The suite called *name* (``"intl"`` or ``"gm"``); ValueError otherwise."""
    try:
        return SUITES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown cipher suite {name!r} (expected one of {sorted(SUITES)})") from None


def suite_for_envelope_id(envelope_id: str) -> Suite | None:
    """The suite whose header identifier is *envelope_id* (``"intl-v2"``/``"gm-v2"``), or None."""
    return _BY_ENVELOPE_ID.get(envelope_id) if isinstance(envelope_id, str) else None

