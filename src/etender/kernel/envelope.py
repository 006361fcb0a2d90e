"""Sealed bid envelope, formats v1 (suite ``intl-v1``) and v2 (suites ``intl`` and ``gm``).

A bidder prepares and seals a bid offline (电子招标投标办法 art 26).  The bid
content (a deterministic ZIP, see :func:`build_bid_package`) is encrypted with
a random 32-byte data key (DEK); the DEK is wrapped to the bidder's own X25519
public key registered on the platform.  The platform stores the envelope but
holds no key, so nobody can decrypt before the deadline (art 27).  At opening
the bidder unwraps the DEK locally (:func:`unwrap_dek`, ``etender bid
unwrap``) and hands it to the platform, which decrypts and verifies
(:func:`open_envelope`).  Every failure carries a reason
(``REASON_*``) so that blame for a failed decryption can be assigned (art 31).

The byte format is specified in ``docs/envelope-v1.md``; this module is its
reference implementation.  Suite ``intl-v1`` = X25519 + HKDF-SHA256 +
AES-256-GCM + Ed25519 + SHA-256, all from the ``cryptography`` package;
JSON is canonicalised with RFC 8785 (``rfc8785``).

Format v2 (``docs/envelope-v2.md``, :func:`seal_v2`) is the "double
envelope": a fresh 16-byte DEK is wrapped to the bidder's own key *and* split
t-of-n (:mod:`etender.kernel.shamir`) with share i wrapped to custodian i's
per-tender key, so that either the bidder or any t custodians can open the bid
(:func:`unwrap_dek`, or :func:`decrypt_share` + :func:`combine_shares`) and a
DEK commitment tells a wrong share from a damaged file.  The algorithms are a
per-tender cipher suite (:mod:`etender.kernel.suites`): ``intl`` (X25519,
AES-128-GCM, Ed25519, SHA-256) or ``gm`` (SM2, SM4-GCM, SM3).  The v1 API
(:func:`seal`, :func:`inspect`, :func:`unwrap_dek`, :func:`open_envelope`,
the key functions) is unchanged; readers accept both versions.

Everything here is pure Python (no Django) and streams: sealing, inspecting
and opening read and write file objects chunk by chunk, so memory use is
bounded by the chunk size whatever the size of the bid.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
import itertools
import json
import os
import re
import struct
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import rfc8785
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from etender.kernel import shamir
from etender.kernel.suites import SUITES, DecryptionError, Suite, get_suite, suite_for_envelope_id

__all__ = [
    "REASON_BAD_SIGNATURE",
    "REASON_CORRUPT",
    "REASON_NOT_ENVELOPE",
    "REASON_UNSUPPORTED",
    "REASON_WRONG_KEY",
    "BidPackageError",
    "BidderKeys",
    "CustodianKey",
    "CustodianKeyPair",
    "EnvelopeError",
    "EnvelopeInfo",
    "build_bid_package",
    "check_custodians",
    "combine_shares",
    "decrypt_share",
    "find_bad_shares",
    "generate_bidder_keys",
    "generate_custodian_keys",
    "inspect",
    "key_id",
    "keys_from_json",
    "keys_to_json",
    "open_envelope",
    "read_bid_package",
    "seal",
    "seal_v2",
    "unwrap_dek",
    "validate_bid_form",
    "verify_dek",
]

# ---------------------------------------------------------------------------
# Constants of format v1 (see docs/envelope-v1.md)
# ---------------------------------------------------------------------------

MAGIC = b"ETENV\x00"
FORMAT_VERSION = 1
FORMAT_NAME = "etender-envelope"
SUITE = "intl-v1"

DEFAULT_CHUNK_SIZE = 1 << 20
MAX_CHUNK_SIZE = 1 << 24
MAX_HEADER_SIZE = 1 << 16
MAX_TRAILER_SIZE = 1 << 16
MAX_CHUNKS = 1 << 32  # the chunk counter is 4 bytes
MAX_PLAINTEXT_SIZE = (1 << 53) - 1  # largest integer exact in I-JSON (RFC 8785)

DEK_SIZE = 32
TAG_SIZE = 16
NONCE_PREFIX_SIZE = 8
WRAP_NONCE_SIZE = 12
KEY_SIZE = 32
SIGNATURE_SIZE = 64

WRAP_INFO = b"etender-envelope-v1 wrap"
DEK_COMMIT_PREFIX = b"etender-dek-commit-v1"
MANIFEST_SIGNING_CONTEXT = b"etender-envelope-v1 manifest\x00"

RECIPIENT_BIDDER = "bidder"
SIGNER_ED25519 = "ed25519"
KEYS_TYPE = "etender-bidder-keys"

_LEN = struct.Struct(">I")
_HASH_BLOCK = 1 << 16

# Format v2 (see docs/envelope-v2.md); the limits above apply unchanged.
FORMAT_VERSION_2 = 2
SUPPORTED_VERSIONS = (FORMAT_VERSION, FORMAT_VERSION_2)
DEK_SIZE_V2 = 16  # Shamir over GF(2^128) shares exactly 16 bytes: AES-128 / SM4 keys
RECIPIENT_CUSTODIAN = "custodian"
SIGNER_SM2 = "sm2"
MAX_CUSTODIANS = 32
MAX_CUSTODIAN_NAME = 256  # characters
DEK_COMMIT_PREFIX_V2 = b"etender-dek-commit-v2\x00"
WRAP_CONTEXT_PREFIX_V2 = b"etender-envelope-v2 wrap\x00"
MANIFEST_SIGNING_CONTEXT_V2 = b"etender-envelope-v2 manifest\x00"
# Key files name the key algorithms: "intl-v1" (X25519 + Ed25519, as in v1) or "gm-v1" (SM2 + SM2).
_KEYS_SUITES = {s.keys_id: s for s in SUITES.values()}

# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

REASON_NOT_ENVELOPE = "not_envelope"  # wrong magic / unparsable header / truncated structure
REASON_UNSUPPORTED = "unsupported"  # unknown version or suite
REASON_BAD_SIGNATURE = "bad_signature"
REASON_WRONG_KEY = "wrong_key"  # DEK does not match commitment / unwrap failed
REASON_CORRUPT = "corrupt"  # ciphertext authentication failure / hash mismatch

REASONS = frozenset(
    {REASON_NOT_ENVELOPE, REASON_UNSUPPORTED, REASON_BAD_SIGNATURE, REASON_WRONG_KEY, REASON_CORRUPT}
)


class EnvelopeError(Exception):
    """An envelope was refused; :attr:`reason` is one of the ``REASON_*`` constants."""

    def __init__(self, reason: str, message: str) -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown envelope error reason {reason!r}")
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message


class BidPackageError(ValueError):
    """A bid package (the plaintext ZIP) or a bid form is malformed."""


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _canonical(obj: Any) -> bytes:
    """RFC 8785 canonical JSON, UTF-8."""
    return rfc8785.dumps(obj)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"JSON constant {name} is not allowed")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for k, v in pairs:
        if k in result:
            raise ValueError(f"duplicate JSON member {k!r}")
        result[k] = v
    return result


def _loads_json(data: bytes) -> Any:
    """Strict JSON parse: UTF-8, no duplicate members, no NaN/Infinity."""
    text = data.decode("utf-8")
    return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)


def _loads_canonical(data: bytes) -> Any:
    """Parse JSON that must already be in RFC 8785 canonical form."""
    obj = _loads_json(data)
    if _canonical(obj) != data:
        raise ValueError("JSON is not in RFC 8785 canonical form")
    return obj


def _b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64d(value: Any, length: int | None, what: str) -> bytes:
    """Decode canonical standard base64 (RFC 4648 section 4, padded)."""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a base64 string")
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError(f"{what} is not valid base64") from exc
    if _b64e(raw) != value:
        raise ValueError(f"{what} is not canonical base64")
    if length is not None and len(raw) != length:
        raise ValueError(f"{what} must be {length} bytes, got {len(raw)}")
    return raw


_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX32 = re.compile(r"[0-9a-f]{32}")
_CREATED_AT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _as_bytes(value: Any, length: int, what: str) -> bytes:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"{what} must be bytes")
    raw = bytes(value)
    if len(raw) != length:
        raise ValueError(f"{what} must be {length} bytes, got {len(raw)}")
    return raw


def _read_exact(f: Any, n: int) -> bytes:
    """Read up to *n* bytes, retrying short reads; shorter only at end of file."""
    if n <= 0:
        return b""
    data = f.read(n)
    if data is None:
        raise OSError("non-blocking stream returned no data")
    if len(data) == n or not data:
        return bytes(data)
    buf = bytearray(data)
    while len(buf) < n:
        more = f.read(n - len(buf))
        if not more:
            break
        buf += more
    return bytes(buf)


def _write_all(out: Any, data: bytes) -> None:
    """Write all of *data*, retrying partial writes of raw streams."""
    written = out.write(data)
    if written is None or written >= len(data):
        return
    view = memoryview(data)[written:]
    while view:
        written = out.write(view)
        if written is None:
            return
        if written <= 0:
            raise OSError("output stream refused to accept data")
        view = view[written:]


class _HashingReader:
    """Wraps a readable binary stream; hashes and counts every byte read."""

    def __init__(self, f: Any) -> None:
        self._f = f
        self.sha256 = hashlib.sha256()
        self.count = 0

    def read(self, n: int) -> bytes:
        data = self._f.read(n)
        if data:
            self.sha256.update(data)
            self.count += len(data)
        return data


class _HashingWriter:
    """Wraps a writable binary stream; hashes and counts every byte written."""

    def __init__(self, f: Any) -> None:
        self._f = f
        self.sha256 = hashlib.sha256()
        self.count = 0

    def write(self, data: bytes) -> None:
        _write_all(self._f, data)
        self.sha256.update(data)
        self.count += len(data)


def _chunk_count(plaintext_size: int, chunk_size: int) -> int:
    """Number of ciphertext chunks: at least one (an empty plaintext has one empty final chunk)."""
    return max(1, -(-plaintext_size // chunk_size))


def _chunk_nonce(prefix: bytes, index: int) -> bytes:
    return prefix + _LEN.pack(index)


def _chunk_aad(header_digest: bytes, final: bool) -> bytes:
    return header_digest + (b"\x01" if final else b"\x00")


def _dek_commitment(dek: bytes, tender: str, lot: str, bidder: str) -> bytes:
    context = _canonical({"bidder": bidder, "lot": lot, "tender": tender})
    return hashlib.sha256(DEK_COMMIT_PREFIX + dek + context).digest()


def _derive_kek(shared_secret: bytes, epk: bytes, recipient_public: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=epk + recipient_public,
        info=WRAP_INFO,
    ).derive(shared_secret)


def _manifest_signing_input(manifest: Mapping[str, Any]) -> bytes:
    return MANIFEST_SIGNING_CONTEXT + _canonical(dict(manifest))


def key_id(public_key: bytes, suite: str | None = None) -> str:
    """Identifier of a raw public key: hex of the first 16 bytes of its hash (32 hex digits).

    The hash is SHA-256 for 32-byte X25519/Ed25519 keys (suite ``intl``, and
    all of format v1) and SM3 for 65-byte SM2 keys (suite ``gm``).  Without
    *suite* the suite is told by the key length.
    """
    if suite is None:
        if not isinstance(public_key, (bytes, bytearray, memoryview)):
            raise TypeError("public key must be bytes")
        suite = "gm" if len(public_key) == SUITES["gm"].public_key_size else "intl"
    return get_suite(suite).key_id(public_key)


# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BidderKeys:
    """A bidder's key pairs, raw encodings.

    Suite ``intl`` (the default, and the only one of format v1): ``encryption_*``
    is X25519 (the DEK is wrapped to it), ``signing_*`` is Ed25519 (the manifest
    is signed with it), all 32 bytes.  Suite ``gm``: both pairs are SM2, private
    keys 32 bytes, public keys 65 bytes (``04 || x || y``).  Private halves are
    ``None`` in a public-only object (what the platform registers).
    Construction validates lengths and that each private key matches its
    public key.
    """

    encryption_private: bytes | None = field(repr=False)
    encryption_public: bytes
    signing_private: bytes | None = field(repr=False)
    signing_public: bytes
    suite: str = "intl"

    def __post_init__(self) -> None:
        if self.suite != "intl":
            self._check_suite_keys()
            return
        _as_bytes(self.encryption_public, KEY_SIZE, "encryption_public")
        _as_bytes(self.signing_public, KEY_SIZE, "signing_public")
        if self.encryption_private is not None:
            raw = _as_bytes(self.encryption_private, KEY_SIZE, "encryption_private")
            derived = X25519PrivateKey.from_private_bytes(raw).public_key().public_bytes_raw()
            if not hmac.compare_digest(derived, bytes(self.encryption_public)):
                raise ValueError("encryption_private does not match encryption_public")
        if self.signing_private is not None:
            raw = _as_bytes(self.signing_private, KEY_SIZE, "signing_private")
            derived = Ed25519PrivateKey.from_private_bytes(raw).public_key().public_bytes_raw()
            if not hmac.compare_digest(derived, bytes(self.signing_public)):
                raise ValueError("signing_private does not match signing_public")

    def _check_suite_keys(self) -> None:
        suite = get_suite(self.suite)
        for what, public, private, derive in (
            ("encryption", self.encryption_public, self.encryption_private, suite.encryption_public),
            ("signing", self.signing_public, self.signing_private, suite.signing_public),
        ):
            _as_bytes(public, suite.public_key_size, f"{what}_public")
            suite.validate_public(public)
            if private is not None:
                derived = derive(_as_bytes(private, suite.private_key_size, f"{what}_private"))
                if not hmac.compare_digest(derived, bytes(public)):
                    raise ValueError(f"{what}_private does not match {what}_public")

    @property
    def encryption_key_id(self) -> str:
        return key_id(self.encryption_public, self.suite)

    @property
    def signing_key_id(self) -> str:
        return key_id(self.signing_public, self.suite)

    @property
    def has_private(self) -> bool:
        return self.encryption_private is not None and self.signing_private is not None

    def public_only(self) -> BidderKeys:
        return BidderKeys(None, self.encryption_public, None, self.signing_public, self.suite)


def generate_bidder_keys(suite: str = "intl") -> BidderKeys:
    """Fresh encryption and signing key pairs: X25519 + Ed25519 (``intl``, default) or SM2 + SM2 (``gm``)."""
    if suite != "intl":
        s = get_suite(suite)
        enc_priv, enc_pub = s.generate_encryption_keypair()
        sig_priv, sig_pub = s.generate_signing_keypair()
        return BidderKeys(enc_priv, enc_pub, sig_priv, sig_pub, s.name)
    enc = X25519PrivateKey.generate()
    sig = Ed25519PrivateKey.generate()
    return BidderKeys(
        encryption_private=enc.private_bytes_raw(),
        encryption_public=enc.public_key().public_bytes_raw(),
        signing_private=sig.private_bytes_raw(),
        signing_public=sig.public_key().public_bytes_raw(),
    )


def keys_to_json(keys: BidderKeys, *, include_private: bool) -> dict[str, Any]:
    """JSON-ready key file.

    ``key_id`` identifies the encryption key (it is what the envelope's
    ``bidder`` recipient entry carries); ``signing_key_id`` the signing key.
    With ``include_private`` the raw private keys are added in base64: the
    result is then secret and must be stored by the bidder only.  ``suite``
    is ``"intl-v1"`` for X25519/Ed25519 keys (unchanged since format v1) and
    ``"gm-v1"`` for SM2 keys.
    """
    data: dict[str, Any] = {
        "type": KEYS_TYPE,
        "suite": get_suite(keys.suite).keys_id,
        "key_id": key_id(keys.encryption_public, keys.suite),
        "signing_key_id": key_id(keys.signing_public, keys.suite),
        "encryption_public": _b64e(keys.encryption_public),
        "signing_public": _b64e(keys.signing_public),
    }
    if include_private:
        if keys.encryption_private is None or keys.signing_private is None:
            raise ValueError("these keys have no private half")
        data["encryption_private"] = _b64e(keys.encryption_private)
        data["signing_private"] = _b64e(keys.signing_private)
    return data


def keys_from_json(data: dict[str, Any]) -> BidderKeys:
    """Parse a key file made by :func:`keys_to_json`.

    Private members may be absent (public-only object).  Raises
    :class:`ValueError` with a readable message for malformed key files.
    """
    if not isinstance(data, Mapping):
        raise ValueError("key file must be a JSON object")
    if data.get("type") != KEYS_TYPE:
        raise ValueError(f"not an etender key file (type must be {KEYS_TYPE!r})")
    suite = _KEYS_SUITES.get(data.get("suite")) if isinstance(data.get("suite"), str) else None
    if suite is None:
        raise ValueError(f"unsupported key suite {data.get('suite')!r} (expected one of {sorted(_KEYS_SUITES)})")
    pub_size, priv_size = suite.public_key_size, suite.private_key_size
    enc_pub = _b64d(data.get("encryption_public"), pub_size, "encryption_public")
    sig_pub = _b64d(data.get("signing_public"), pub_size, "signing_public")
    enc_priv = None
    sig_priv = None
    if data.get("encryption_private") is not None:
        enc_priv = _b64d(data["encryption_private"], priv_size, "encryption_private")
    if data.get("signing_private") is not None:
        sig_priv = _b64d(data["signing_private"], priv_size, "signing_private")
    if "key_id" in data and data["key_id"] != key_id(enc_pub, suite.name):
        raise ValueError("key_id does not match encryption_public")
    if "signing_key_id" in data and data["signing_key_id"] != key_id(sig_pub, suite.name):
        raise ValueError("signing_key_id does not match signing_public")
    return BidderKeys(enc_priv, enc_pub, sig_priv, sig_pub, suite.name)


# ---------------------------------------------------------------------------
# Bid package (the plaintext)
# ---------------------------------------------------------------------------

BID_FORM_FIELDS = ("tender", "lot", "bidder", "price", "currency", "duration_days", "quality", "notes")
BID_JSON = "bid.json"
FILES_PREFIX = "files/"
MAX_BID_JSON_SIZE = 1 << 20
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# Unified social credit code (GB 32100-2015) alphabet: digits and capitals except I, O, S, V, Z.
_CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")
_PRICE = re.compile(r"(0|[1-9][0-9]{0,17})(\.[0-9]{1,6})?")
_BAD_NAME_CHARS = frozenset('\\:*?"<>|')


def validate_bid_form(form: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a bid form and return it normalised (all eight keys, fixed order).

    Rules: ``tender``/``lot`` non-empty strings; ``bidder`` an 18-character
    unified social credit code (alphabet checked, check digit not);
    ``price`` a non-negative plain decimal string (``"1234.50"``; at most 6
    decimals, no exponent); ``currency`` ``"CNY"`` (defaulted when absent);
    ``duration_days`` a non-negative integer or null; ``quality``/``notes``
    strings or null (absent means null).  Unknown keys are refused.
    """
    if not isinstance(form, Mapping):
        raise BidPackageError("bid form must be an object")
    unknown = sorted(set(form) - set(BID_FORM_FIELDS))
    if unknown:
        raise BidPackageError(f"unknown bid form fields: {', '.join(map(str, unknown))}")
    for name in ("tender", "lot", "bidder", "price"):
        if name not in form:
            raise BidPackageError(f"bid form field {name!r} is required")
    out: dict[str, Any] = {}
    for name in ("tender", "lot"):
        value = form[name]
        if not isinstance(value, str) or not value.strip():
            raise BidPackageError(f"{name} must be a non-empty string")
        out[name] = value
    bidder = form["bidder"]
    if not isinstance(bidder, str) or not _CREDIT_CODE.fullmatch(bidder):
        raise BidPackageError("bidder must be an 18-character unified social credit code")
    out["bidder"] = bidder
    price = form["price"]
    if not isinstance(price, str) or not _PRICE.fullmatch(price):
        raise BidPackageError('price must be a non-negative decimal string such as "1234.50"')
    out["price"] = price
    currency = form.get("currency", "CNY")
    if currency != "CNY":
        raise BidPackageError('currency must be "CNY"')
    out["currency"] = currency
    duration = form.get("duration_days")
    if duration is not None and (not _is_int(duration) or duration < 0):
        raise BidPackageError("duration_days must be a non-negative integer or null")
    out["duration_days"] = duration
    for name in ("quality", "notes"):
        value = form.get(name)
        if value is not None and not isinstance(value, str):
            raise BidPackageError(f"{name} must be a string or null")
        out[name] = value
    return out


def _validate_file_name(name: Any) -> str:
    """Check an attachment name (relative, '/'-separated) and return it in NFC."""
    if not isinstance(name, str) or not name:
        raise BidPackageError("attachment names must be non-empty strings")
    normalised = unicodedata.normalize("NFC", name)
    for segment in normalised.split("/"):
        if segment in ("", ".", ".."):
            raise BidPackageError(f"invalid attachment name {name!r}")
        for ch in segment:
            if ch in _BAD_NAME_CHARS or unicodedata.category(ch) == "Cc":
                raise BidPackageError(f"invalid character {ch!r} in attachment name {name!r}")
    if len(normalised.encode("utf-8")) > 1024:
        raise BidPackageError(f"attachment name too long: {name!r}")
    return normalised


def build_bid_package(form: dict[str, Any], files: dict[str, bytes | Path]) -> bytes:
    """Build the deterministic bid package ZIP (the envelope plaintext).

    Members: ``bid.json`` (the validated form as RFC 8785 canonical JSON) and
    ``files/<name>`` for each attachment (``name`` may contain ``/`` for
    sub-folders; it is normalised to NFC).  Members are sorted by name,
    stored uncompressed (ZIP_STORED, so output does not depend on the zlib
    version), dated 1980-01-01 00:00:00, Unix mode 0644.  The same inputs
    always give the same bytes.  Holds everything in memory: meant for
    bid-sized inputs.
    """
    normalised = validate_bid_form(form)
    members: dict[str, bytes] = {BID_JSON: _canonical(normalised)}
    folded: set[str] = set()
    for name, content in files.items():
        clean = _validate_file_name(name)
        if clean.casefold() in folded:
            raise BidPackageError(f"duplicate attachment name {name!r}")
        folded.add(clean.casefold())
        if isinstance(content, (bytes, bytearray, memoryview)):
            data = bytes(content)
        elif isinstance(content, (str, os.PathLike)):
            data = Path(content).read_bytes()
        else:
            raise TypeError(f"attachment {name!r} must be bytes or a path")
        members[FILES_PREFIX + clean] = data
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for arcname in sorted(members):
            info = zipfile.ZipInfo(arcname, date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            zf.writestr(info, members[arcname])
    return buf.getvalue()


def read_bid_package(data_or_file: Any) -> tuple[dict[str, Any], list[str]]:
    """Read a bid package: return the validated ``bid.json`` form and attachment names.

    *data_or_file* is the ZIP as bytes, a seekable binary file object or a
    path.  Attachment names are returned sorted and without the ``files/``
    prefix (i.e. as given to :func:`build_bid_package`); the member holding
    ``name`` is ``"files/" + name``.  Directory entries are ignored; any other
    member outside ``bid.json`` and ``files/`` is refused.  Raises
    :class:`BidPackageError`.
    """
    if isinstance(data_or_file, (bytes, bytearray, memoryview)):
        source: Any = io.BytesIO(bytes(data_or_file))
    else:
        source = data_or_file
    try:
        zf = zipfile.ZipFile(source, "r")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise BidPackageError(f"not a ZIP bid package: {exc}") from exc
    with zf:
        names: list[str] = []
        seen: set[str] = set()
        bid_info: zipfile.ZipInfo | None = None
        for info in zf.infolist():
            arcname = info.filename
            if arcname in seen:
                raise BidPackageError(f"duplicate member {arcname!r}")
            seen.add(arcname)
            if info.flag_bits & 0x1:
                raise BidPackageError(f"member {arcname!r} is encrypted")
            if arcname == BID_JSON:
                bid_info = info
            elif info.is_dir():
                if not arcname.startswith(FILES_PREFIX):
                    raise BidPackageError(f"unexpected folder {arcname!r}")
            elif arcname.startswith(FILES_PREFIX):
                name = arcname[len(FILES_PREFIX) :]
                if _validate_file_name(name) != name:
                    raise BidPackageError(f"attachment name not in NFC: {arcname!r}")
                names.append(name)
            else:
                raise BidPackageError(f"unexpected member {arcname!r}")
        if bid_info is None:
            raise BidPackageError("bid.json is missing")
        if bid_info.file_size > MAX_BID_JSON_SIZE:
            raise BidPackageError("bid.json is too large")
        try:
            with zf.open(bid_info) as member:
                raw = member.read(MAX_BID_JSON_SIZE + 1)
            form = _loads_json(raw)
        except (zipfile.BadZipFile, ValueError, NotImplementedError, OSError) as exc:
            raise BidPackageError(f"bid.json is unreadable: {exc}") from exc
    return validate_bid_form(form), sorted(names)


# ---------------------------------------------------------------------------
# Envelope structures
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EnvelopeInfo:
    """What a sealed envelope says about itself.

    ``header`` and ``manifest`` are the parsed JSON objects; ``header_sha256``
    is over the header bytes, ``ciphertext_sha256`` over all chunk bytes
    (tags included), ``file_sha256`` over the whole file and ``size`` is the
    whole-file length.  The platform's receipt binds ``file_sha256``.
    """

    header: dict[str, Any]
    header_sha256: str
    ciphertext_sha256: str
    file_sha256: str
    manifest: dict[str, Any]
    signature: bytes
    size: int

    # Derived views (format v2 additions; they need no new fields).

    @property
    def version(self) -> int:
        """Format version (1 or 2)."""
        return int(self.header["version"])

    @property
    def suite(self) -> str:
        """Header suite identifier: ``"intl-v1"`` (v1), ``"intl-v2"`` or ``"gm-v2"``."""
        return str(self.header["suite"])

    @property
    def header_hash(self) -> str:
        """Hex suite hash of the header (SHA-256, or SM3 for ``gm``), as signed in the manifest."""
        return str(self.manifest.get("header_hash", self.header_sha256))

    @property
    def ciphertext_hash(self) -> str:
        """Hex suite hash of the ciphertext, as signed in the manifest."""
        return str(self.manifest.get("ciphertext_hash", self.ciphertext_sha256))

    @property
    def threshold(self) -> int | None:
        """t of the custodian shares (v2), None for v1."""
        return self.header.get("threshold") if self.version >= FORMAT_VERSION_2 else None

    @property
    def custodians(self) -> list[dict[str, Any]]:
        """The custodian set of a v2 envelope: ``[{"index", "name", "key_id"}]`` by index; [] for v1."""
        if self.version < FORMAT_VERSION_2:
            return []
        entries = [r for r in self.header.get("recipients", []) if r.get("kind") == RECIPIENT_CUSTODIAN]
        entries.sort(key=lambda r: r["index"])
        return [{"index": r["index"], "name": r["name"], "key_id": r["key_id"]} for r in entries]


@dataclass(frozen=True)
class _Recipient:
    key_id: str
    epk: bytes
    nonce: bytes
    wrapped_dek: bytes


@dataclass(frozen=True)
class _Header:
    raw: dict[str, Any]
    tender: str
    lot: str
    bidder: str
    created_at: str
    chunk_size: int
    nonce_prefix: bytes
    plaintext_size: int
    dek_commitment: bytes
    recipients: tuple[_Recipient, ...]
    signer_key_id: str

    @property
    def chunk_count(self) -> int:
        return _chunk_count(self.plaintext_size, self.chunk_size)

    @property
    def ciphertext_size(self) -> int:
        return self.plaintext_size + TAG_SIZE * self.chunk_count


@dataclass(frozen=True)
class _SealRandomness:
    """All random values one seal uses; injectable for test vectors only."""

    dek: bytes
    nonce_prefix: bytes
    ephemeral_private: bytes
    wrap_nonce: bytes

    @classmethod
    def fresh(cls) -> _SealRandomness:
        return cls(
            dek=os.urandom(DEK_SIZE),
            nonce_prefix=os.urandom(NONCE_PREFIX_SIZE),
            ephemeral_private=os.urandom(KEY_SIZE),
            wrap_nonce=os.urandom(WRAP_NONCE_SIZE),
        )


def _not_envelope(message: str) -> EnvelopeError:
    return EnvelopeError(REASON_NOT_ENVELOPE, message)


def _nonempty_str(obj: Mapping[str, Any], name: str) -> str:
    value = obj.get(name)
    if not isinstance(value, str) or not value:
        raise _not_envelope(f"header field {name!r} must be a non-empty string")
    return value


def _content_fields(obj: Mapping[str, Any]) -> tuple[str, str, str, str, int, int]:
    """The header members shared by every format version: who, when, and the chunking."""
    tender = _nonempty_str(obj, "tender")
    lot = _nonempty_str(obj, "lot")
    bidder = _nonempty_str(obj, "bidder")
    created_at = obj.get("created_at")
    if not isinstance(created_at, str) or not _CREATED_AT.fullmatch(created_at):
        raise _not_envelope("created_at must be YYYY-MM-DDTHH:MM:SSZ")
    try:
        datetime.strptime(created_at, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError as exc:
        raise _not_envelope("created_at is not a valid date-time") from exc
    chunk_size = obj.get("chunk_size")
    if not _is_int(chunk_size) or not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise _not_envelope(f"chunk_size must be an integer in 1..{MAX_CHUNK_SIZE}")
    plaintext_size = obj.get("plaintext_size")
    if not _is_int(plaintext_size) or not 0 <= plaintext_size <= MAX_PLAINTEXT_SIZE:
        raise _not_envelope("plaintext_size must be a non-negative integer")
    if _chunk_count(plaintext_size, chunk_size) > MAX_CHUNKS:
        raise _not_envelope("too many chunks")
    return tender, lot, bidder, created_at, chunk_size, plaintext_size


def _parse_header(obj: Any) -> _Header:
    """Validate a v1 header object (already parsed JSON)."""
    if not isinstance(obj, dict):
        raise _not_envelope("header is not a JSON object")
    if obj.get("format") != FORMAT_NAME:
        raise _not_envelope("header format is not 'etender-envelope'")
    version = obj.get("version")
    if not _is_int(version):
        raise _not_envelope("header version must be an integer")
    if version != FORMAT_VERSION:
        raise EnvelopeError(REASON_UNSUPPORTED, f"envelope version {version} is not supported")
    suite = obj.get("suite")
    if suite != SUITE:
        raise EnvelopeError(REASON_UNSUPPORTED, f"suite {suite!r} is not supported")
    tender, lot, bidder, created_at, chunk_size, plaintext_size = _content_fields(obj)
    try:
        nonce_prefix = _b64d(obj.get("nonce_prefix"), NONCE_PREFIX_SIZE, "nonce_prefix")
    except ValueError as exc:
        raise _not_envelope(str(exc)) from exc
    commitment = obj.get("dek_commitment")
    if not isinstance(commitment, str) or not _HEX64.fullmatch(commitment):
        raise _not_envelope("dek_commitment must be 64 lowercase hex digits")
    recipients_raw = obj.get("recipients")
    if not isinstance(recipients_raw, list) or not recipients_raw:
        raise _not_envelope("recipients must be a non-empty list")
    recipients: list[_Recipient] = []
    for entry in recipients_raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("kind"), str):
            raise _not_envelope("each recipient must be an object with a string 'kind'")
        if entry["kind"] != RECIPIENT_BIDDER:
            continue  # unknown recipient kinds are ignored (additive extension)
        kid = entry.get("key_id")
        if not isinstance(kid, str) or not _HEX32.fullmatch(kid):
            raise _not_envelope("recipient key_id must be 32 lowercase hex digits")
        try:
            recipients.append(
                _Recipient(
                    key_id=kid,
                    epk=_b64d(entry.get("epk"), KEY_SIZE, "epk"),
                    nonce=_b64d(entry.get("nonce"), WRAP_NONCE_SIZE, "nonce"),
                    wrapped_dek=_b64d(entry.get("wrapped_dek"), DEK_SIZE + TAG_SIZE, "wrapped_dek"),
                )
            )
        except ValueError as exc:
            raise _not_envelope(f"recipient: {exc}") from exc
    if not recipients:
        raise _not_envelope("no 'bidder' recipient entry")
    signer = obj.get("signer")
    if not isinstance(signer, dict):
        raise _not_envelope("signer must be an object")
    if signer.get("kind") != SIGNER_ED25519:
        raise EnvelopeError(REASON_UNSUPPORTED, f"signer kind {signer.get('kind')!r} is not supported")
    signer_kid = signer.get("key_id")
    if not isinstance(signer_kid, str) or not _HEX32.fullmatch(signer_kid):
        raise _not_envelope("signer key_id must be 32 lowercase hex digits")
    return _Header(
        raw=obj,
        tender=tender,
        lot=lot,
        bidder=bidder,
        created_at=created_at,
        chunk_size=chunk_size,
        nonce_prefix=nonce_prefix,
        plaintext_size=plaintext_size,
        dek_commitment=bytes.fromhex(commitment),
        recipients=tuple(recipients),
        signer_key_id=signer_kid,
    )


def _read_header(r: Any) -> tuple[_Header | _HeaderV2, bytes]:
    """Read magic, version byte, header length and header; return parsed header and its bytes.

    The header is a :class:`_Header` for format v1 and a :class:`_HeaderV2` for v2.
    """
    magic = _read_exact(r, len(MAGIC))
    if magic != MAGIC:
        raise _not_envelope("missing ETENV magic: not a sealed envelope")
    version = _read_exact(r, 1)
    if len(version) != 1:
        raise _not_envelope("truncated before the version byte")
    if version[0] not in SUPPORTED_VERSIONS:
        raise EnvelopeError(REASON_UNSUPPORTED, f"envelope format version {version[0]} is not supported")
    length_bytes = _read_exact(r, _LEN.size)
    if len(length_bytes) != _LEN.size:
        raise _not_envelope("truncated header length")
    (length,) = _LEN.unpack(length_bytes)
    if not 0 < length <= MAX_HEADER_SIZE:
        raise _not_envelope(f"header length {length} out of range")
    header_bytes = _read_exact(r, length)
    if len(header_bytes) != length:
        raise _not_envelope("truncated header")
    try:
        obj = _loads_canonical(header_bytes)
    except ValueError as exc:  # includes UnicodeDecodeError, JSONDecodeError, rfc8785 errors
        raise _not_envelope(f"unparsable header: {exc}") from exc
    return _parse_any_header(obj, version[0]), header_bytes


_MANIFEST_KEYS = frozenset({"header_sha256", "ciphertext_sha256", "tender", "lot", "bidder", "created_at"})


def _read_trailer(r: Any, manifest_keys: frozenset[str] = _MANIFEST_KEYS) -> tuple[dict[str, Any], bytes]:
    """Read the trailer (length + canonical JSON) and require end of file after it."""
    length_bytes = _read_exact(r, _LEN.size)
    if len(length_bytes) != _LEN.size:
        raise _not_envelope("truncated: trailer missing")
    (length,) = _LEN.unpack(length_bytes)
    if not 0 < length <= MAX_TRAILER_SIZE:
        raise _not_envelope(f"trailer length {length} out of range")
    trailer_bytes = _read_exact(r, length)
    if len(trailer_bytes) != length:
        raise _not_envelope("truncated trailer")
    if r.read(1):
        raise _not_envelope("unexpected data after the trailer")
    try:
        trailer = _loads_canonical(trailer_bytes)
    except ValueError as exc:
        raise _not_envelope(f"unparsable trailer: {exc}") from exc
    if not isinstance(trailer, dict) or set(trailer) != {"manifest", "signature"}:
        raise _not_envelope("trailer must have exactly 'manifest' and 'signature'")
    manifest = trailer["manifest"]
    if not isinstance(manifest, dict) or set(manifest) != manifest_keys:
        raise _not_envelope("manifest has missing or unexpected fields")
    if not all(isinstance(v, str) for v in manifest.values()):
        raise _not_envelope("manifest values must be strings")
    try:
        signature = _b64d(trailer["signature"], SIGNATURE_SIZE, "signature")
    except ValueError as exc:
        raise _not_envelope(str(exc)) from exc
    return manifest, signature


def _check_manifest(manifest: Mapping[str, Any], header: _Header, header_sha256: str, ciphertext_sha256: str) -> None:
    if not hmac.compare_digest(manifest["header_sha256"], header_sha256):
        raise EnvelopeError(REASON_CORRUPT, "header does not match the signed manifest")
    for name in ("tender", "lot", "bidder", "created_at"):
        if manifest[name] != getattr(header, name):
            raise EnvelopeError(REASON_CORRUPT, f"manifest {name} differs from the header")
    if not hmac.compare_digest(manifest["ciphertext_sha256"], ciphertext_sha256):
        raise EnvelopeError(REASON_CORRUPT, "ciphertext does not match the signed manifest")


def _verify_signature(header: _Header, manifest: Mapping[str, Any], signature: bytes, signing_public: bytes) -> None:
    public = _as_bytes(signing_public, KEY_SIZE, "signing_public")
    if header.signer_key_id != key_id(public):
        raise EnvelopeError(REASON_BAD_SIGNATURE, "envelope was signed with a different key")
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, _manifest_signing_input(manifest))
    except (InvalidSignature, ValueError) as exc:
        raise EnvelopeError(REASON_BAD_SIGNATURE, "signature does not verify") from exc


# ---------------------------------------------------------------------------
# Seal / inspect / unwrap / open
# ---------------------------------------------------------------------------


def _format_created_at(created_at: datetime | None) -> str:
    if created_at is None:
        created_at = datetime.now(UTC)
    if created_at.tzinfo is None or created_at.utcoffset() is None:
        raise ValueError("created_at must be timezone-aware")
    return created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _remaining_size(f: Any) -> int:
    try:
        seekable = bool(f.seekable())
    except (AttributeError, OSError, ValueError):
        seekable = False
    if not seekable:
        raise ValueError("plaintext must be a seekable binary file object: its size goes into the header")
    pos = f.tell()
    end = f.seek(0, io.SEEK_END)
    f.seek(pos)
    return max(0, end - pos)


def seal(
    *,
    plaintext: BinaryIO,
    out: BinaryIO,
    tender: str,
    lot: str,
    bidder: str,
    recipient_public: bytes,
    signing_private: bytes,
    created_at: datetime | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> EnvelopeInfo:
    """Seal *plaintext* (from its current position to its end) into *out*.

    *plaintext* must be seekable (its size is written in the header before
    the ciphertext); *out* only needs ``write``.  The DEK is wrapped to
    *recipient_public* (the bidder's registered X25519 key) and the manifest
    signed with *signing_private* (raw Ed25519).  *created_at* must be
    timezone-aware (default: now); it is recorded in UTC, to the second.
    Memory use is about two chunks.  Raises :class:`ValueError` for bad
    arguments or if the plaintext changes size while being sealed.
    """
    return _seal(
        plaintext=plaintext,
        out=out,
        tender=tender,
        lot=lot,
        bidder=bidder,
        recipient_public=recipient_public,
        signing_private=signing_private,
        created_at=created_at,
        chunk_size=chunk_size,
        randomness=_SealRandomness.fresh(),
    )


def _seal(
    *,
    plaintext: BinaryIO,
    out: BinaryIO,
    tender: str,
    lot: str,
    bidder: str,
    recipient_public: bytes,
    signing_private: bytes,
    created_at: datetime | None,
    chunk_size: int,
    randomness: _SealRandomness,
) -> EnvelopeInfo:
    """:func:`seal` with injected randomness (deterministic test vectors only)."""
    for name, value in (("tender", tender), ("lot", lot), ("bidder", bidder)):
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty string")
    if not _is_int(chunk_size) or not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError(f"chunk_size must be an integer in 1..{MAX_CHUNK_SIZE}")
    recipient = _as_bytes(recipient_public, KEY_SIZE, "recipient_public")
    signer = Ed25519PrivateKey.from_private_bytes(_as_bytes(signing_private, KEY_SIZE, "signing_private"))
    dek = _as_bytes(randomness.dek, DEK_SIZE, "dek")
    nonce_prefix = _as_bytes(randomness.nonce_prefix, NONCE_PREFIX_SIZE, "nonce_prefix")
    wrap_nonce = _as_bytes(randomness.wrap_nonce, WRAP_NONCE_SIZE, "wrap_nonce")
    created = _format_created_at(created_at)

    size = _remaining_size(plaintext)
    if size > MAX_PLAINTEXT_SIZE or _chunk_count(size, chunk_size) > MAX_CHUNKS:
        raise ValueError("plaintext too large for this chunk size")

    # Wrap the DEK to the recipient with an ephemeral X25519 key.
    ephemeral = X25519PrivateKey.from_private_bytes(
        _as_bytes(randomness.ephemeral_private, KEY_SIZE, "ephemeral_private")
    )
    epk = ephemeral.public_key().public_bytes_raw()
    try:
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    except ValueError as exc:
        raise ValueError("recipient_public is not a usable X25519 public key") from exc
    wrapped = AESGCM(_derive_kek(shared, epk, recipient)).encrypt(wrap_nonce, dek, None)

    header: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "suite": SUITE,
        "tender": tender,
        "lot": lot,
        "bidder": bidder,
        "created_at": created,
        "chunk_size": chunk_size,
        "nonce_prefix": _b64e(nonce_prefix),
        "plaintext_size": size,
        "dek_commitment": _dek_commitment(dek, tender, lot, bidder).hex(),
        "recipients": [
            {
                "kind": RECIPIENT_BIDDER,
                "key_id": key_id(recipient),
                "epk": _b64e(epk),
                "nonce": _b64e(wrap_nonce),
                "wrapped_dek": _b64e(wrapped),
            }
        ],
        "signer": {"kind": SIGNER_ED25519, "key_id": key_id(signer.public_key().public_bytes_raw())},
    }
    header_bytes = _canonical(header)
    if len(header_bytes) > MAX_HEADER_SIZE:
        raise ValueError("header too large")
    header_digest = hashlib.sha256(header_bytes).digest()

    w = _HashingWriter(out)
    w.write(MAGIC + bytes([FORMAT_VERSION]) + _LEN.pack(len(header_bytes)) + header_bytes)

    aead = AESGCM(dek)
    ct_hash = hashlib.sha256()
    count = _chunk_count(size, chunk_size)
    remaining = size
    for index in range(count):
        final = index == count - 1
        want = remaining if final else chunk_size
        data = _read_exact(plaintext, want)
        if len(data) != want:
            raise ValueError("plaintext shrank while it was being sealed")
        chunk = aead.encrypt(_chunk_nonce(nonce_prefix, index), data, _chunk_aad(header_digest, final))
        del data
        ct_hash.update(chunk)
        w.write(chunk)
        remaining -= want
    if _read_exact(plaintext, 1):
        raise ValueError("plaintext grew while it was being sealed")

    header_sha256 = header_digest.hex()
    ciphertext_sha256 = ct_hash.hexdigest()
    manifest = {
        "header_sha256": header_sha256,
        "ciphertext_sha256": ciphertext_sha256,
        "tender": tender,
        "lot": lot,
        "bidder": bidder,
        "created_at": created,
    }
    signature = signer.sign(_manifest_signing_input(manifest))
    trailer_bytes = _canonical({"manifest": manifest, "signature": _b64e(signature)})
    w.write(_LEN.pack(len(trailer_bytes)) + trailer_bytes)
    return EnvelopeInfo(
        header=header,
        header_sha256=header_sha256,
        ciphertext_sha256=ciphertext_sha256,
        file_sha256=w.sha256.hexdigest(),
        manifest=manifest,
        signature=signature,
        size=w.count,
    )


def inspect(envelope: BinaryIO, *, signing_public: bytes | None = None) -> EnvelopeInfo:
    """Parse and structurally validate an envelope, reading it once from its current position.

    Checks magic, version, header schema, the exact ciphertext length, the
    trailer, end of file and that the signed manifest matches the header and
    the ciphertext hash.  With *signing_public* (the bidder's registered raw
    Ed25519 key) the signature is verified too; without it the envelope is
    not authenticated.  No decryption key is needed.  Comparing the header's
    tender/lot/bidder with the expected ones is the caller's job.  Raises
    :class:`EnvelopeError`.

    Format v2 envelopes are read too: the signature is then checked with the
    suite named in the header (*signing_public* is the raw Ed25519 key for
    ``intl``, the 65-byte SM2 key for ``gm``; a key of the wrong kind gives
    ``REASON_BAD_SIGNATURE``), and ``header`` includes the custodian set
    and threshold (see :attr:`EnvelopeInfo.custodians`).  Checking the
    custodian set against the tender's is :func:`check_custodians`.
    """
    r = _HashingReader(envelope)
    header, header_bytes = _read_header(r)
    if isinstance(header, _HeaderV2):
        return _inspect_v2(r, header, header_bytes, signing_public)
    ct_hash = hashlib.sha256()
    remaining = header.ciphertext_size
    while remaining:
        block = _read_exact(r, min(remaining, _HASH_BLOCK))
        if not block:
            raise _not_envelope("truncated ciphertext")
        ct_hash.update(block)
        remaining -= len(block)
    manifest, signature = _read_trailer(r)
    header_sha256 = hashlib.sha256(header_bytes).hexdigest()
    ciphertext_sha256 = ct_hash.hexdigest()
    _check_manifest(manifest, header, header_sha256, ciphertext_sha256)
    if signing_public is not None:
        _verify_signature(header, manifest, signature, signing_public)
    return EnvelopeInfo(
        header=header.raw,
        header_sha256=header_sha256,
        ciphertext_sha256=ciphertext_sha256,
        file_sha256=r.sha256.hexdigest(),
        manifest=manifest,
        signature=signature,
        size=r.count,
    )


def _header_from_any(envelope_or_header: Any) -> _Header | _HeaderV2:
    if isinstance(envelope_or_header, EnvelopeInfo):
        return _parse_any_header(envelope_or_header.header)
    if isinstance(envelope_or_header, dict):
        return _parse_any_header(envelope_or_header)
    if isinstance(envelope_or_header, (bytes, bytearray, memoryview)):
        return _read_header(io.BytesIO(bytes(envelope_or_header)))[0]
    if hasattr(envelope_or_header, "read"):
        return _read_header(envelope_or_header)[0]
    raise TypeError("expected an envelope file object, envelope bytes, a header dict or an EnvelopeInfo")


def unwrap_dek(envelope_or_header: Any, *, encryption_private: bytes) -> bytes:
    """Bidder side: recover the DEK with the bidder's raw X25519 private key.

    *envelope_or_header* may be a binary file object positioned at the start
    of the envelope (only the header is read), the envelope bytes (or just
    their first part up to the end of the header), a header dict, or an
    :class:`EnvelopeInfo`.  The recovered DEK is checked against the header's
    ``dek_commitment``.  Raises :class:`EnvelopeError` with
    ``REASON_WRONG_KEY`` if the key is not a recipient or unwrapping fails.

    For a format v2 envelope the key is the bidder's encryption private key
    of the header's suite (32-byte X25519 for ``intl``, 32-byte SM2 scalar
    for ``gm``) and the result is the 16-byte DEK.
    """
    header = _header_from_any(envelope_or_header)
    if isinstance(header, _HeaderV2):
        return _unwrap_dek_v2(header, encryption_private)
    private = X25519PrivateKey.from_private_bytes(_as_bytes(encryption_private, KEY_SIZE, "encryption_private"))
    public = private.public_key().public_bytes_raw()
    kid = key_id(public)
    candidates = [rcp for rcp in header.recipients if rcp.key_id == kid]
    if not candidates:
        raise EnvelopeError(REASON_WRONG_KEY, f"envelope is not sealed to key {kid}")
    for rcp in candidates:
        try:
            shared = private.exchange(X25519PublicKey.from_public_bytes(rcp.epk))
            dek = AESGCM(_derive_kek(shared, rcp.epk, public)).decrypt(rcp.nonce, rcp.wrapped_dek, None)
        except (InvalidTag, ValueError):
            continue
        expected = _dek_commitment(dek, header.tender, header.lot, header.bidder)
        if hmac.compare_digest(expected, header.dek_commitment):
            return dek
        raise EnvelopeError(REASON_WRONG_KEY, "unwrapped DEK does not match the header's dek_commitment")
    raise EnvelopeError(REASON_WRONG_KEY, "the DEK could not be unwrapped with this key")


def open_envelope(*, envelope: BinaryIO, dek: bytes, out: BinaryIO) -> EnvelopeInfo:
    """Platform side: decrypt *envelope* with the bidder-supplied *dek* into *out*, streaming.

    Order of checks: structure and header (``REASON_NOT_ENVELOPE`` /
    ``REASON_UNSUPPORTED``); *dek* against ``dek_commitment``
    (``REASON_WRONG_KEY``, nothing written); each chunk's AES-GCM tag
    (``REASON_CORRUPT``); finally the trailer and that the signed manifest
    matches header and ciphertext (``REASON_CORRUPT``).  Plaintext is written
    chunk by chunk as it is authenticated, so on any error *out* may hold a
    partial plaintext that the caller must discard.  The signature is not
    checked here (no key): do that with :func:`inspect` on upload, and
    compare ``file_sha256`` with the upload receipt.

    Format v2 envelopes open the same way with their 16-byte DEK (from
    :func:`unwrap_dek` or :func:`combine_shares`), decrypted with the
    header's suite.
    """
    r = _HashingReader(envelope)
    header, header_bytes = _read_header(r)
    if not isinstance(dek, (bytes, bytearray, memoryview)):
        raise TypeError("dek must be bytes")
    if isinstance(header, _HeaderV2):
        return _open_v2(r, header, header_bytes, bytes(dek), out)
    key = bytes(dek)
    if len(key) != DEK_SIZE or not hmac.compare_digest(
        _dek_commitment(key, header.tender, header.lot, header.bidder), header.dek_commitment
    ):
        raise EnvelopeError(REASON_WRONG_KEY, "the DEK does not match the envelope's dek_commitment")
    header_digest = hashlib.sha256(header_bytes).digest()
    aead = AESGCM(key)
    ct_hash = hashlib.sha256()
    count = header.chunk_count
    remaining = header.plaintext_size
    for index in range(count):
        final = index == count - 1
        want = (remaining if final else header.chunk_size) + TAG_SIZE
        chunk = _read_exact(r, want)
        if len(chunk) != want:
            raise _not_envelope("truncated ciphertext")
        ct_hash.update(chunk)
        try:
            data = aead.decrypt(
                _chunk_nonce(header.nonce_prefix, index), chunk, _chunk_aad(header_digest, final)
            )
        except InvalidTag as exc:
            raise EnvelopeError(REASON_CORRUPT, f"chunk {index} failed authentication") from exc
        del chunk
        _write_all(out, data)
        remaining -= len(data)
        del data
    manifest, signature = _read_trailer(r)
    header_sha256 = header_digest.hex()
    ciphertext_sha256 = ct_hash.hexdigest()
    _check_manifest(manifest, header, header_sha256, ciphertext_sha256)
    return EnvelopeInfo(
        header=header.raw,
        header_sha256=header_sha256,
        ciphertext_sha256=ciphertext_sha256,
        file_sha256=r.sha256.hexdigest(),
        manifest=manifest,
        signature=signature,
        size=r.count,
    )


# ===========================================================================
# Format v2: the "double envelope" (docs/envelope-v2.md)
# ===========================================================================


@dataclass(frozen=True)
class CustodianKey:
    """A custodian's per-tender public key as published for the tender.

    ``index`` is the custodian's position 1 … n (also its Shamir share
    index), ``name`` the role or organisation shown in the header (e.g.
    "招标人 开标负责人"), ``public`` the raw public key of the tender's suite
    and ``key_id`` its :func:`key_id` (checked on sealing).
    """

    index: int
    name: str
    public: bytes
    key_id: str


@dataclass(frozen=True)
class CustodianKeyPair:
    """A custodian's per-tender opening key pair (raw bytes of the suite)."""

    suite: str
    private: bytes = field(repr=False)
    public: bytes

    @property
    def key_id(self) -> str:
        return key_id(self.public, self.suite)

    def custodian_key(self, index: int, name: str) -> CustodianKey:
        """The public :class:`CustodianKey` to publish for position *index*."""
        return CustodianKey(index=index, name=name, public=self.public, key_id=self.key_id)


def generate_custodian_keys(suite: str) -> CustodianKeyPair:
    """A fresh per-tender opening key pair for a custodian: X25519 (``intl``) or SM2 (``gm``)."""
    s = get_suite(suite)
    private, public = s.generate_encryption_keypair()
    return CustodianKeyPair(suite=s.name, private=private, public=public)


@dataclass(frozen=True)
class _BidderEntryV2:
    key_id: str
    wrapped_dek: bytes


@dataclass(frozen=True)
class _CustodianEntry:
    index: int
    name: str
    key_id: str
    wrapped_share: bytes


@dataclass(frozen=True)
class _HeaderV2:
    raw: dict[str, Any]
    suite: Suite
    tender: str
    lot: str
    bidder: str
    created_at: str
    chunk_size: int
    nonce_prefix: bytes
    plaintext_size: int
    dek_commitment: bytes
    threshold: int
    bidders: tuple[_BidderEntryV2, ...]
    custodians: tuple[_CustodianEntry, ...]
    signer_key_id: str

    @property
    def chunk_count(self) -> int:
        return _chunk_count(self.plaintext_size, self.chunk_size)

    @property
    def ciphertext_size(self) -> int:
        return self.plaintext_size + TAG_SIZE * self.chunk_count

    def custodian(self, index: int) -> _CustodianEntry | None:
        for entry in self.custodians:
            if entry.index == index:
                return entry
        return None


@dataclass(frozen=True)
class _SealRandomnessV2:
    """Random values of one v2 seal; injectable for test vectors only.

    ``None`` members mean "draw fresh randomness inside the library" (the
    production path: Shamir coefficients from pycryptodomex, ephemeral keys
    and SM2 nonces from cryptography / GmSSL).
    """

    dek: bytes
    nonce_prefix: bytes
    share_coefficients: tuple[bytes, ...] | None = None
    bidder_ephemeral: bytes | None = None
    custodian_ephemerals: tuple[bytes, ...] | None = None
    signature_k: bytes | None = None

    @classmethod
    def fresh(cls) -> _SealRandomnessV2:
        return cls(dek=os.urandom(DEK_SIZE_V2), nonce_prefix=os.urandom(NONCE_PREFIX_SIZE))


_MANIFEST_KEYS_V2 = frozenset(
    {"header_hash", "ciphertext_hash", "dek_commitment", "tender", "lot", "bidder", "created_at"}
)


def _parse_any_header(obj: Any, version_byte: int | None = None) -> _Header | _HeaderV2:
    """Validate a header object of any supported version (equal to *version_byte* if given)."""
    if not isinstance(obj, dict):
        raise _not_envelope("header is not a JSON object")
    if obj.get("format") != FORMAT_NAME:
        raise _not_envelope("header format is not 'etender-envelope'")
    version = obj.get("version")
    if not _is_int(version):
        raise _not_envelope("header version must be an integer")
    if version_byte is not None and version != version_byte:
        raise EnvelopeError(
            REASON_UNSUPPORTED, f"header version {version} does not match the format version byte {version_byte}"
        )
    if version == FORMAT_VERSION_2:
        return _parse_header_v2(obj)
    return _parse_header(obj)  # v1, or REASON_UNSUPPORTED for anything else


def _b64_member(obj: Mapping[str, Any], name: str, length: int, what: str) -> bytes:
    try:
        return _b64d(obj.get(name), length, what)
    except ValueError as exc:
        raise _not_envelope(str(exc)) from exc


def _key_id_member(obj: Mapping[str, Any], what: str) -> str:
    kid = obj.get("key_id")
    if not isinstance(kid, str) or not _HEX32.fullmatch(kid):
        raise _not_envelope(f"{what} key_id must be 32 lowercase hex digits")
    return kid


def _parse_header_v2(obj: dict[str, Any]) -> _HeaderV2:
    """Validate a v2 header object (format and version already checked)."""
    suite = suite_for_envelope_id(obj.get("suite"))  # type: ignore[arg-type]
    if suite is None:
        raise EnvelopeError(REASON_UNSUPPORTED, f"suite {obj.get('suite')!r} is not supported")
    signer = obj.get("signer")
    if not isinstance(signer, dict):
        raise _not_envelope("signer must be an object")
    if signer.get("kind") != suite.signer_kind:
        raise EnvelopeError(
            REASON_UNSUPPORTED, f"signer kind {signer.get('kind')!r} is not supported with suite {suite.envelope_id}"
        )
    signer_kid = _key_id_member(signer, "signer")
    tender, lot, bidder, created_at, chunk_size, plaintext_size = _content_fields(obj)
    nonce_prefix = _b64_member(obj, "nonce_prefix", NONCE_PREFIX_SIZE, "nonce_prefix")
    commitment = obj.get("dek_commitment")
    if not isinstance(commitment, str) or not _HEX64.fullmatch(commitment):
        raise _not_envelope("dek_commitment must be 64 lowercase hex digits")
    threshold = obj.get("threshold")
    if not _is_int(threshold) or not 1 <= threshold <= MAX_CUSTODIANS:
        raise _not_envelope(f"threshold must be an integer in 1..{MAX_CUSTODIANS}")

    wrapped_dek_size = suite.wrapped_size(DEK_SIZE_V2)
    wrapped_share_size = suite.wrapped_size(shamir.SECRET_SIZE)
    recipients_raw = obj.get("recipients")
    if not isinstance(recipients_raw, list) or not recipients_raw:
        raise _not_envelope("recipients must be a non-empty list")
    bidders: list[_BidderEntryV2] = []
    custodians: list[_CustodianEntry] = []
    for entry in recipients_raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("kind"), str):
            raise _not_envelope("each recipient must be an object with a string 'kind'")
        if entry["kind"] == RECIPIENT_BIDDER:
            bidders.append(
                _BidderEntryV2(
                    key_id=_key_id_member(entry, "recipient"),
                    wrapped_dek=_b64_member(entry, "wrapped_dek", wrapped_dek_size, "wrapped_dek"),
                )
            )
        elif entry["kind"] == RECIPIENT_CUSTODIAN:
            index = entry.get("index")
            if not _is_int(index) or not 1 <= index <= MAX_CUSTODIANS:
                raise _not_envelope(f"custodian index must be an integer in 1..{MAX_CUSTODIANS}")
            name = entry.get("name")
            if not isinstance(name, str) or not name or len(name) > MAX_CUSTODIAN_NAME:
                raise _not_envelope(f"custodian name must be a string of 1..{MAX_CUSTODIAN_NAME} characters")
            custodians.append(
                _CustodianEntry(
                    index=index,
                    name=name,
                    key_id=_key_id_member(entry, "custodian"),
                    wrapped_share=_b64_member(entry, "wrapped_share", wrapped_share_size, "wrapped_share"),
                )
            )
        # other kinds: ignored (additive extension)
    if not bidders:
        raise _not_envelope("no 'bidder' recipient entry")
    n = len(custodians)
    if sorted(c.index for c in custodians) != list(range(1, n + 1)):
        raise _not_envelope("custodian indices must be exactly 1..n")
    if len({c.key_id for c in custodians}) != n:
        raise _not_envelope("two custodian entries use the same key")
    if threshold > n:
        raise _not_envelope(f"threshold {threshold} exceeds the {n} custodians")
    return _HeaderV2(
        raw=obj,
        suite=suite,
        tender=tender,
        lot=lot,
        bidder=bidder,
        created_at=created_at,
        chunk_size=chunk_size,
        nonce_prefix=nonce_prefix,
        plaintext_size=plaintext_size,
        dek_commitment=bytes.fromhex(commitment),
        threshold=threshold,
        bidders=tuple(bidders),
        custodians=tuple(sorted(custodians, key=lambda c: c.index)),
        signer_key_id=signer_kid,
    )


def _dek_commitment_v2(suite: Suite, dek: bytes, tender: str, lot: str, bidder: str) -> bytes:
    context = _canonical({"bidder": bidder, "lot": lot, "tender": tender})
    return suite.hash(DEK_COMMIT_PREFIX_V2 + dek + context)


def _wrap_context_v2(
    *, tender: str, lot: str, bidder: str, dek_commitment: str, kind: str, index: int, kid: str
) -> bytes:
    """What a wrapped key is bound to: this envelope's DEK commitment and the recipient slot."""
    return WRAP_CONTEXT_PREFIX_V2 + _canonical(
        {
            "bidder": bidder,
            "dek_commitment": dek_commitment,
            "index": index,
            "key_id": kid,
            "kind": kind,
            "lot": lot,
            "tender": tender,
        }
    )


def _header_context_v2(header: _HeaderV2, kind: str, index: int, kid: str) -> bytes:
    return _wrap_context_v2(
        tender=header.tender,
        lot=header.lot,
        bidder=header.bidder,
        dek_commitment=header.dek_commitment.hex(),
        kind=kind,
        index=index,
        kid=kid,
    )


def _manifest_signing_input_v2(manifest: Mapping[str, Any]) -> bytes:
    return MANIFEST_SIGNING_CONTEXT_V2 + _canonical(dict(manifest))


def _check_manifest_v2(manifest: Mapping[str, Any], header: _HeaderV2, header_hash: str, ciphertext_hash: str) -> None:
    if not hmac.compare_digest(manifest["header_hash"], header_hash):
        raise EnvelopeError(REASON_CORRUPT, "header does not match the signed manifest")
    for name in ("tender", "lot", "bidder", "created_at"):
        if manifest[name] != getattr(header, name):
            raise EnvelopeError(REASON_CORRUPT, f"manifest {name} differs from the header")
    if manifest["dek_commitment"] != header.dek_commitment.hex():
        raise EnvelopeError(REASON_CORRUPT, "manifest dek_commitment differs from the header")
    if not hmac.compare_digest(manifest["ciphertext_hash"], ciphertext_hash):
        raise EnvelopeError(REASON_CORRUPT, "ciphertext does not match the signed manifest")


def _verify_signature_v2(header: _HeaderV2, manifest: Mapping[str, Any], signature: bytes, signing_public: bytes) -> None:
    suite = header.suite
    if not isinstance(signing_public, (bytes, bytearray, memoryview)):
        raise TypeError("signing_public must be bytes")
    public = bytes(signing_public)
    try:
        kid = suite.key_id(public)
    except ValueError as exc:
        raise EnvelopeError(REASON_BAD_SIGNATURE, f"signing key is not a {suite.signer_kind} public key") from exc
    if header.signer_key_id != kid:
        raise EnvelopeError(REASON_BAD_SIGNATURE, "envelope was signed with a different key")
    if not suite.verify(public, _manifest_signing_input_v2(manifest), signature):
        raise EnvelopeError(REASON_BAD_SIGNATURE, "signature does not verify")


def _check_custodian_keys(suite: Suite, custodians: Any, threshold: Any) -> list[CustodianKey]:
    if not isinstance(custodians, (list, tuple)) or not custodians:
        raise ValueError("custodians must be a non-empty list of CustodianKey")
    if len(custodians) > MAX_CUSTODIANS:
        raise ValueError(f"at most {MAX_CUSTODIANS} custodians")
    checked: list[CustodianKey] = []
    for c in custodians:
        if not isinstance(c, CustodianKey):
            raise TypeError("custodians must be CustodianKey objects")
        if not isinstance(c.name, str) or not c.name or len(c.name) > MAX_CUSTODIAN_NAME:
            raise ValueError(f"custodian name must be a string of 1..{MAX_CUSTODIAN_NAME} characters")
        try:
            kid = suite.key_id(c.public)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"custodian {c.index}: not a {suite.name} public key ({exc})") from exc
        if c.key_id != kid:
            raise ValueError(f"custodian {c.index}: key_id does not match its public key")
        checked.append(c)
    n = len(checked)
    if sorted(c.index if _is_int(c.index) else -1 for c in checked) != list(range(1, n + 1)):
        raise ValueError("custodian indices must be exactly 1..n")
    if len({c.key_id for c in checked}) != n:
        raise ValueError("two custodians have the same key")
    if not _is_int(threshold) or not 1 <= threshold <= n:
        raise ValueError(f"threshold must be an integer in 1..{n}")
    return sorted(checked, key=lambda c: c.index)


def seal_v2(
    *,
    plaintext: BinaryIO,
    out: BinaryIO,
    tender: str,
    lot: str,
    bidder: str,
    suite: str,
    bidder_encryption_public: bytes,
    signing_private: bytes,
    custodians: list[CustodianKey],
    threshold: int,
    created_at: datetime | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> EnvelopeInfo:
    """Seal *plaintext* into a format v2 "double envelope" written to *out*.

    *suite* is ``"intl"`` or ``"gm"`` (chosen by the tender).  A fresh
    16-byte DEK encrypts the content in chunks (as v1: *plaintext* must be
    seekable, *out* only needs ``write``, memory is about two chunks).  The
    DEK is wrapped to *bidder_encryption_public* (the bidder's own key) and
    split *threshold*-of-n with share i wrapped to ``custodians`` entry with
    index i (indices exactly 1..n).  The manifest (tender, lot, bidder,
    header hash, ciphertext hash, DEK commitment, *created_at*) is signed
    with *signing_private*.  Before returning, the signature is verified and
    the shares are checked to recombine to the DEK.  Raises
    :class:`ValueError` / :class:`TypeError` for bad arguments.
    """
    return _seal_v2(
        plaintext=plaintext,
        out=out,
        tender=tender,
        lot=lot,
        bidder=bidder,
        suite=suite,
        bidder_encryption_public=bidder_encryption_public,
        signing_private=signing_private,
        custodians=custodians,
        threshold=threshold,
        created_at=created_at,
        chunk_size=chunk_size,
        randomness=_SealRandomnessV2.fresh(),
    )


def _seal_v2(
    *,
    plaintext: BinaryIO,
    out: BinaryIO,
    tender: str,
    lot: str,
    bidder: str,
    suite: str,
    bidder_encryption_public: bytes,
    signing_private: bytes,
    custodians: list[CustodianKey],
    threshold: int,
    created_at: datetime | None,
    chunk_size: int,
    randomness: _SealRandomnessV2,
) -> EnvelopeInfo:
    """:func:`seal_v2` with injected randomness (deterministic test vectors only)."""
    s = get_suite(suite)
    for name, value in (("tender", tender), ("lot", lot), ("bidder", bidder)):
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty string")
    if not _is_int(chunk_size) or not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError(f"chunk_size must be an integer in 1..{MAX_CHUNK_SIZE}")
    bidder_public = _as_bytes(bidder_encryption_public, s.public_key_size, "bidder_encryption_public")
    s.validate_public(bidder_public)
    signing_key = _as_bytes(signing_private, s.private_key_size, "signing_private")
    signing_public = s.signing_public(signing_key)
    keys = _check_custodian_keys(s, custodians, threshold)
    n = len(keys)
    dek = _as_bytes(randomness.dek, DEK_SIZE_V2, "dek")
    nonce_prefix = _as_bytes(randomness.nonce_prefix, NONCE_PREFIX_SIZE, "nonce_prefix")
    if randomness.custodian_ephemerals is not None and len(randomness.custodian_ephemerals) != n:
        raise ValueError("need one custodian ephemeral per custodian")
    created = _format_created_at(created_at)

    size = _remaining_size(plaintext)
    if size > MAX_PLAINTEXT_SIZE or _chunk_count(size, chunk_size) > MAX_CHUNKS:
        raise ValueError("plaintext too large for this chunk size")

    commitment = _dek_commitment_v2(s, dek, tender, lot, bidder).hex()
    if randomness.share_coefficients is None:
        shares = shamir.split(dek, threshold, n)
    else:
        shares = shamir._split_with_coefficients(dek, threshold, n, randomness.share_coefficients)
    # Self-check: an honest client never produces shares that do not open.
    if shamir.combine(shares[:threshold]) != dek or any(
        shamir.interpolate(shares[:threshold], i) != share for i, share in shares[threshold:]
    ):
        raise RuntimeError("secret sharing self-check failed")
    share_of = dict(shares)

    def context(kind: str, index: int, kid: str) -> bytes:
        return _wrap_context_v2(
            tender=tender, lot=lot, bidder=bidder, dek_commitment=commitment, kind=kind, index=index, kid=kid
        )

    bidder_kid = s.key_id(bidder_public)
    recipients: list[dict[str, Any]] = [
        {
            "kind": RECIPIENT_BIDDER,
            "key_id": bidder_kid,
            "wrapped_dek": _b64e(
                s._wrap_with(dek, bidder_public, context(RECIPIENT_BIDDER, 0, bidder_kid), randomness.bidder_ephemeral)
            ),
        }
    ]
    for pos, c in enumerate(keys):
        eph = None if randomness.custodian_ephemerals is None else randomness.custodian_ephemerals[pos]
        blob = s._wrap_with(share_of[c.index], c.public, context(RECIPIENT_CUSTODIAN, c.index, c.key_id), eph)
        recipients.append(
            {
                "kind": RECIPIENT_CUSTODIAN,
                "index": c.index,
                "name": c.name,
                "key_id": c.key_id,
                "wrapped_share": _b64e(blob),
            }
        )
    del share_of, shares

    header: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION_2,
        "suite": s.envelope_id,
        "tender": tender,
        "lot": lot,
        "bidder": bidder,
        "created_at": created,
        "chunk_size": chunk_size,
        "nonce_prefix": _b64e(nonce_prefix),
        "plaintext_size": size,
        "dek_commitment": commitment,
        "threshold": threshold,
        "recipients": recipients,
        "signer": {"kind": s.signer_kind, "key_id": s.key_id(signing_public)},
    }
    header_bytes = _canonical(header)
    if len(header_bytes) > MAX_HEADER_SIZE:
        raise ValueError("header too large")
    header_digest = s.hash(header_bytes)

    w = _HashingWriter(out)
    w.write(MAGIC + bytes([FORMAT_VERSION_2]) + _LEN.pack(len(header_bytes)) + header_bytes)

    ct_hash = s.new_hasher()
    ct_sha256 = ct_hash if s.hash_name == "sha256" else hashlib.sha256()
    count = _chunk_count(size, chunk_size)
    remaining = size
    for index in range(count):
        final = index == count - 1
        want = remaining if final else chunk_size
        data = _read_exact(plaintext, want)
        if len(data) != want:
            raise ValueError("plaintext shrank while it was being sealed")
        chunk = s.aead_encrypt(dek, _chunk_nonce(nonce_prefix, index), data, _chunk_aad(header_digest, final))
        del data
        ct_hash.update(chunk)
        if ct_sha256 is not ct_hash:
            ct_sha256.update(chunk)
        w.write(chunk)
        del chunk
        remaining -= want
    if _read_exact(plaintext, 1):
        raise ValueError("plaintext grew while it was being sealed")

    manifest = {
        "header_hash": header_digest.hex(),
        "ciphertext_hash": ct_hash.hexdigest(),
        "dek_commitment": commitment,
        "tender": tender,
        "lot": lot,
        "bidder": bidder,
        "created_at": created,
    }
    signing_input = _manifest_signing_input_v2(manifest)
    signature = s._sign_with(signing_key, signing_input, randomness.signature_k)
    if not s.verify(signing_public, signing_input, signature):
        raise RuntimeError("signature self-check failed")
    trailer_bytes = _canonical({"manifest": manifest, "signature": _b64e(signature)})
    w.write(_LEN.pack(len(trailer_bytes)) + trailer_bytes)
    return EnvelopeInfo(
        header=header,
        header_sha256=hashlib.sha256(header_bytes).hexdigest(),
        ciphertext_sha256=ct_sha256.hexdigest(),
        file_sha256=w.sha256.hexdigest(),
        manifest=manifest,
        signature=signature,
        size=w.count,
    )


def _inspect_v2(r: _HashingReader, header: _HeaderV2, header_bytes: bytes, signing_public: bytes | None) -> EnvelopeInfo:
    s = header.suite
    ct_hash = s.new_hasher()
    ct_sha256 = ct_hash if s.hash_name == "sha256" else hashlib.sha256()
    remaining = header.ciphertext_size
    while remaining:
        block = _read_exact(r, min(remaining, _HASH_BLOCK))
        if not block:
            raise _not_envelope("truncated ciphertext")
        ct_hash.update(block)
        if ct_sha256 is not ct_hash:
            ct_sha256.update(block)
        remaining -= len(block)
    manifest, signature = _read_trailer(r, _MANIFEST_KEYS_V2)
    _check_manifest_v2(manifest, header, s.hash(header_bytes).hex(), ct_hash.hexdigest())
    if signing_public is not None:
        _verify_signature_v2(header, manifest, signature, signing_public)
    return EnvelopeInfo(
        header=header.raw,
        header_sha256=hashlib.sha256(header_bytes).hexdigest(),
        ciphertext_sha256=ct_sha256.hexdigest(),
        file_sha256=r.sha256.hexdigest(),
        manifest=manifest,
        signature=signature,
        size=r.count,
    )


def _open_v2(r: _HashingReader, header: _HeaderV2, header_bytes: bytes, key: bytes, out: BinaryIO) -> EnvelopeInfo:
    s = header.suite
    if len(key) != DEK_SIZE_V2 or not hmac.compare_digest(
        _dek_commitment_v2(s, key, header.tender, header.lot, header.bidder), header.dek_commitment
    ):
        raise EnvelopeError(REASON_WRONG_KEY, "the DEK does not match the envelope's dek_commitment")
    header_digest = s.hash(header_bytes)
    ct_hash = s.new_hasher()
    ct_sha256 = ct_hash if s.hash_name == "sha256" else hashlib.sha256()
    count = header.chunk_count
    remaining = header.plaintext_size
    for index in range(count):
        final = index == count - 1
        want = (remaining if final else header.chunk_size) + TAG_SIZE
        chunk = _read_exact(r, want)
        if len(chunk) != want:
            raise _not_envelope("truncated ciphertext")
        ct_hash.update(chunk)
        if ct_sha256 is not ct_hash:
            ct_sha256.update(chunk)
        try:
            data = s.aead_decrypt(key, _chunk_nonce(header.nonce_prefix, index), chunk, _chunk_aad(header_digest, final))
        except DecryptionError as exc:
            raise EnvelopeError(REASON_CORRUPT, f"chunk {index} failed authentication") from exc
        del chunk
        _write_all(out, data)
        remaining -= len(data)
        del data
    manifest, signature = _read_trailer(r, _MANIFEST_KEYS_V2)
    _check_manifest_v2(manifest, header, header_digest.hex(), ct_hash.hexdigest())
    return EnvelopeInfo(
        header=header.raw,
        header_sha256=hashlib.sha256(header_bytes).hexdigest(),
        ciphertext_sha256=ct_sha256.hexdigest(),
        file_sha256=r.sha256.hexdigest(),
        manifest=manifest,
        signature=signature,
        size=r.count,
    )


def _unwrap_dek_v2(header: _HeaderV2, encryption_private: bytes) -> bytes:
    s = header.suite
    private = _as_bytes(encryption_private, s.private_key_size, "encryption_private")
    kid = s.key_id(s.encryption_public(private))
    candidates = [entry for entry in header.bidders if entry.key_id == kid]
    if not candidates:
        raise EnvelopeError(REASON_WRONG_KEY, f"envelope is not sealed to key {kid}")
    for entry in candidates:
        try:
            dek = s.unwrap(entry.wrapped_dek, private, _header_context_v2(header, RECIPIENT_BIDDER, 0, kid))
        except DecryptionError:
            continue
        if len(dek) == DEK_SIZE_V2 and hmac.compare_digest(
            _dek_commitment_v2(s, dek, header.tender, header.lot, header.bidder), header.dek_commitment
        ):
            return dek
        raise EnvelopeError(REASON_WRONG_KEY, "unwrapped DEK does not match the header's dek_commitment")
    raise EnvelopeError(REASON_WRONG_KEY, "the DEK could not be unwrapped with this key")


def _header_v2_from_any(envelope_or_header: Any) -> _HeaderV2:
    header = _header_from_any(envelope_or_header)
    if not isinstance(header, _HeaderV2):
        raise EnvelopeError(REASON_WRONG_KEY, "a format v1 envelope has no custodian shares")
    return header


def decrypt_share(envelope_or_header: Any, *, custodian_index: int, custodian_private: bytes) -> tuple[int, bytes]:
    """Custodian side: decrypt this custodian's DEK share of a v2 envelope, locally.

    *envelope_or_header* is anything :func:`unwrap_dek` accepts;
    *custodian_private* the raw per-tender private key of the header's suite.
    Returns ``(index, share)`` (16 bytes) for :func:`combine_shares`.  Raises
    :class:`EnvelopeError` with ``REASON_WRONG_KEY`` if there is no custodian
    *custodian_index*, the key is not that custodian's, or unwrapping fails
    (a share the bidder wrapped wrongly fails here, which a third party can
    confirm once the custodian's key is published after the opening).
    """
    header = _header_v2_from_any(envelope_or_header)
    s = header.suite
    entry = header.custodian(custodian_index) if _is_int(custodian_index) else None
    if entry is None:
        raise EnvelopeError(REASON_WRONG_KEY, f"envelope has no custodian {custodian_index!r}")
    private = _as_bytes(custodian_private, s.private_key_size, "custodian_private")
    kid = s.key_id(s.encryption_public(private))
    if kid != entry.key_id:
        raise EnvelopeError(
            REASON_WRONG_KEY, f"custodian {entry.index} share is sealed to key {entry.key_id}, not {kid}"
        )
    try:
        share = s.unwrap(entry.wrapped_share, private, _header_context_v2(header, RECIPIENT_CUSTODIAN, entry.index, kid))
    except DecryptionError as exc:
        raise EnvelopeError(REASON_WRONG_KEY, f"custodian {entry.index} share could not be unwrapped") from exc
    if len(share) != shamir.SECRET_SIZE:
        raise EnvelopeError(REASON_WRONG_KEY, f"custodian {entry.index} share has the wrong length")
    return entry.index, share


def _check_share_list(header: _HeaderV2, shares: Any) -> list[tuple[int, bytes]]:
    checked = shamir.check_shares(shares)
    for index, _ in checked:
        if header.custodian(index) is None:
            raise ValueError(f"share index {index} is not a custodian of this envelope")
    return checked


def verify_dek(header: Any, dek: bytes) -> bool:
    """True if *dek* is the envelope's DEK (it matches ``dek_commitment``); v1 and v2.

    *header* is anything :func:`unwrap_dek` accepts.  Use it to assign blame:
    a DEK that verifies opens the envelope unless the file itself is corrupt.
    """
    parsed = _header_from_any(header)
    if not isinstance(dek, (bytes, bytearray, memoryview)):
        return False
    key = bytes(dek)
    if isinstance(parsed, _HeaderV2):
        if len(key) != DEK_SIZE_V2:
            return False
        expected = _dek_commitment_v2(parsed.suite, key, parsed.tender, parsed.lot, parsed.bidder)
    else:
        if len(key) != DEK_SIZE:
            return False
        expected = _dek_commitment(key, parsed.tender, parsed.lot, parsed.bidder)
    return hmac.compare_digest(expected, parsed.dek_commitment)


def combine_shares(header: Any, shares: Any) -> bytes:
    """Platform side: recombine custodian shares ``[(index, share)]`` into the DEK and verify it.

    All given shares are used (at least ``threshold``, distinct custodian
    indices).  The result is checked against ``dek_commitment``: if it does
    not match, some share is wrong and :class:`EnvelopeError` with
    ``REASON_WRONG_KEY`` is raised; :func:`find_bad_shares` then tells which.
    Too few shares also give ``REASON_WRONG_KEY``.  Malformed arguments
    (duplicate or unknown indices, shares not 16 bytes) raise ValueError.
    """
    parsed = _header_v2_from_any(header)
    checked = _check_share_list(parsed, shares)
    if len(checked) < parsed.threshold:
        raise EnvelopeError(
            REASON_WRONG_KEY, f"{len(checked)} share(s) given, {parsed.threshold} needed to open this envelope"
        )
    dek = shamir.combine(checked)
    if not verify_dek(parsed.raw, dek):
        raise EnvelopeError(REASON_WRONG_KEY, "the shares do not reconstruct the committed DEK: a share is wrong")
    return dek


_MAX_SUBSETS = 10_000


def find_bad_shares(header: Any, shares: Any) -> tuple[bytes, list[int]]:
    """Blame assignment: find the DEK from *shares* and the indices of the shares that are wrong.

    Tries subsets of ``threshold`` shares until one reconstructs the
    committed DEK; every other share is then checked against the polynomial
    those shares define.  Returns ``(dek, bad_indices)``.  Raises
    :class:`EnvelopeError` (``REASON_WRONG_KEY``) if no subset opens the
    envelope (too few good shares).  Combine with :func:`decrypt_share` run
    by a third party on published custodian keys to tell a custodian who
    uploaded a wrong value from a bidder who wrapped a wrong share.
    """
    parsed = _header_v2_from_any(header)
    checked = _check_share_list(parsed, shares)
    t = parsed.threshold
    if len(checked) < t:
        raise EnvelopeError(REASON_WRONG_KEY, f"{len(checked)} share(s) given, {t} needed to open this envelope")
    subsets = itertools.combinations(checked, t)
    for attempt, subset in enumerate(subsets):
        if attempt >= _MAX_SUBSETS:
            break
        dek = shamir.combine(subset)
        if verify_dek(parsed.raw, dek):
            good = {i for i, _ in subset}
            bad = [i for i, value in checked if i not in good and shamir.interpolate(subset, i) != value]
            return dek, sorted(bad)
    raise EnvelopeError(REASON_WRONG_KEY, f"no {t} of the given shares reconstruct the committed DEK")


def check_custodians(header: Any, custodians: list[CustodianKey], threshold: int) -> None:
    """Platform side, on upload: the envelope's custodian set and threshold are the tender's.

    Compares every custodian entry (index, key id, name) and ``threshold``
    with the published set.  Raises :class:`EnvelopeError` with
    ``REASON_WRONG_KEY`` on any difference (the bid could not be opened by
    the tender's custodians as published).
    """
    parsed = _header_v2_from_any(header)
    expected = {(c.index, c.key_id, c.name) for c in custodians}
    actual = {(c.index, c.key_id, c.name) for c in parsed.custodians}
    if actual != expected:
        raise EnvelopeError(REASON_WRONG_KEY, "the envelope's custodian set differs from the tender's")
    if parsed.threshold != threshold:
        raise EnvelopeError(
            REASON_WRONG_KEY, f"the envelope's threshold {parsed.threshold} differs from the tender's {threshold}"
        )
