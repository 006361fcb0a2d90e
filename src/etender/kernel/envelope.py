"""Sealed bid envelope, format v1, suite ``intl-v1``.

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

__all__ = [
    "REASON_BAD_SIGNATURE",
    "REASON_CORRUPT",
    "REASON_NOT_ENVELOPE",
    "REASON_UNSUPPORTED",
    "REASON_WRONG_KEY",
    "BidPackageError",
    "BidderKeys",
    "EnvelopeError",
    "EnvelopeInfo",
    "build_bid_package",
    "generate_bidder_keys",
    "inspect",
    "key_id",
    "keys_from_json",
    "keys_to_json",
    "open_envelope",
    "read_bid_package",
    "seal",
    "unwrap_dek",
    "validate_bid_form",
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


def key_id(public_key: bytes) -> str:
    """Identifier of a raw 32-byte public key: hex of the first 16 bytes of its SHA-256."""
    raw = _as_bytes(public_key, KEY_SIZE, "public key")
    return hashlib.sha256(raw).digest()[:16].hex()


# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BidderKeys:
    """A bidder's key pairs, raw 32-byte encodings.

    ``encryption_*`` is X25519 (the DEK is wrapped to it), ``signing_*`` is
    Ed25519 (the manifest is signed with it).  Private halves are ``None`` in a
    public-only object (what the platform registers).  Construction validates
    lengths and that each private key matches its public key.
    """

    encryption_private: bytes | None = field(repr=False)
    encryption_public: bytes
    signing_private: bytes | None = field(repr=False)
    signing_public: bytes

    def __post_init__(self) -> None:
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

    @property
    def encryption_key_id(self) -> str:
        return key_id(self.encryption_public)

    @property
    def signing_key_id(self) -> str:
        return key_id(self.signing_public)

    @property
    def has_private(self) -> bool:
        return self.encryption_private is not None and self.signing_private is not None

    def public_only(self) -> BidderKeys:
        return BidderKeys(None, self.encryption_public, None, self.signing_public)


def generate_bidder_keys() -> BidderKeys:
    """Fresh X25519 encryption and Ed25519 signing key pairs."""
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
    result is then secret and must be stored by the bidder only.
    """
    data: dict[str, Any] = {
        "type": KEYS_TYPE,
        "suite": SUITE,
        "key_id": key_id(keys.encryption_public),
        "signing_key_id": key_id(keys.signing_public),
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
    if data.get("suite") != SUITE:
        raise ValueError(f"unsupported key suite {data.get('suite')!r} (expected {SUITE!r})")
    enc_pub = _b64d(data.get("encryption_public"), KEY_SIZE, "encryption_public")
    sig_pub = _b64d(data.get("signing_public"), KEY_SIZE, "signing_public")
    enc_priv = None
    sig_priv = None
    if data.get("encryption_private") is not None:
        enc_priv = _b64d(data["encryption_private"], KEY_SIZE, "encryption_private")
    if data.get("signing_private") is not None:
        sig_priv = _b64d(data["signing_private"], KEY_SIZE, "signing_private")
    if "key_id" in data and data["key_id"] != key_id(enc_pub):
        raise ValueError("key_id does not match encryption_public")
    if "signing_key_id" in data and data["signing_key_id"] != key_id(sig_pub):
        raise ValueError("signing_key_id does not match signing_public")
    return BidderKeys(enc_priv, enc_pub, sig_priv, sig_pub)


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


def _read_header(r: Any) -> tuple[_Header, bytes]:
    """Read magic, version byte, header length and header; return parsed header and its bytes."""
    magic = _read_exact(r, len(MAGIC))
    if magic != MAGIC:
        raise _not_envelope("missing ETENV magic: not a sealed envelope")
    version = _read_exact(r, 1)
    if len(version) != 1:
        raise _not_envelope("truncated before the version byte")
    if version[0] != FORMAT_VERSION:
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
    return _parse_header(obj), header_bytes


_MANIFEST_KEYS = frozenset({"header_sha256", "ciphertext_sha256", "tender", "lot", "bidder", "created_at"})


def _read_trailer(r: Any) -> tuple[dict[str, Any], bytes]:
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
    if not isinstance(manifest, dict) or set(manifest) != _MANIFEST_KEYS:
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
    """
    r = _HashingReader(envelope)
    header, header_bytes = _read_header(r)
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


def _header_from_any(envelope_or_header: Any) -> _Header:
    if isinstance(envelope_or_header, EnvelopeInfo):
        return _parse_header(envelope_or_header.header)
    if isinstance(envelope_or_header, dict):
        return _parse_header(envelope_or_header)
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
    """
    header = _header_from_any(envelope_or_header)
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
    """
    r = _HashingReader(envelope)
    header, header_bytes = _read_header(r)
    if not isinstance(dek, (bytes, bytearray, memoryview)):
        raise TypeError("dek must be bytes")
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
