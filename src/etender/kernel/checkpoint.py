"""C2SP signed notes, transparency-log checkpoints and witness cosignatures.

Pure Python, no Django.  Formats (see docs/audit-log.md for examples):

* signed note — https://c2sp.org/signed-note : a text ending in a newline, a
  blank line, then one or more lines ``— <key name> <base64(key ID ||
  signature)>`` (em dash U+2014, space).  Ed25519 signatures (type 0x01) are
  over the note text; key ID = ``SHA-256(name || 0x0A || 0x01 || public
  key)[:4]``.  Verifier keys are ``<name>+<8 hex key ID>+<base64(type ||
  public key)>`` (compatible with golang.org/x/mod/sumdb/note).
* checkpoint — https://c2sp.org/tlog-checkpoint : the note text
  ``<origin>\\n<tree size>\\n<base64 root>\\n`` plus optional non-empty
  extension lines.
* cosignature — https://c2sp.org/tlog-cosignature, Ed25519 type 0x04: the
  signature is ``u64 big-endian timestamp || Ed25519 signature`` over
  ``"cosignature/v1\\ntime <timestamp>\\n" || checkpoint text``; key ID =
  ``SHA-256(name || 0x0A || 0x04 || public key)[:4]``.

Opening rules (signed-note spec): signatures from unknown keys (name and key
ID not both matching a configured verifier) are ignored; a signature from a
known key that does not verify rejects the whole note
(:class:`InvalidSignatureError`); a note with no valid signature from a
known key is rejected (:class:`UnverifiedNoteError`).  All errors are
:class:`NoteError` (a ``ValueError``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "MAX_SIGNATURES",
    "SIG_COSIGNATURE_V1",
    "SIG_ED25519",
    "Checkpoint",
    "CosignatureSigner",
    "InvalidSignatureError",
    "NoteError",
    "NoteSignature",
    "NoteSigner",
    "NoteVerifier",
    "OpenedNote",
    "UnverifiedNoteError",
    "VerifiedSignature",
    "add_signature",
    "cosign",
    "cosignature_message",
    "key_id",
    "open_note",
    "parse_note",
    "parse_signed_checkpoint",
    "verify_note",
]

SIG_ED25519 = 0x01
"""Signed-note signature type: Ed25519 over the note text."""
SIG_COSIGNATURE_V1 = 0x04
"""Signed-note signature type: timestamped Ed25519 witness cosignature (c2sp.org/tlog-cosignature)."""

MAX_SIGNATURES = 100
"""Notes with more signature lines are refused (the spec requires accepting at least 16)."""
MAX_NOTE_BYTES = 1 << 20

MAX_TREE_SIZE = 2**64 - 1
MAX_TIMESTAMP = 2**63 - 1

_SIG_PREFIX = "\u2014 "  # em dash, space
_COSIG_HEADER = "cosignature/v1\n"
_SIZE_RE = re.compile(r"0|[1-9][0-9]{0,19}")
_HEX8_RE = re.compile(r"[0-9a-fA-F]{8}")


class NoteError(ValueError):
    """A malformed note or checkpoint, or one that does not carry the required valid signatures."""


class UnverifiedNoteError(NoteError):
    """The note is well formed but no configured verifier's signature is on it."""


class InvalidSignatureError(NoteError):
    """A signature line from a configured key (name and key ID match) does not verify."""


# --------------------------------------------------------------------------- encoding helpers


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64decode(text: str, what: str) -> bytes:
    """Strict standard base64 with padding; non-canonical encodings are refused."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raise NoteError(f"{what}: not valid base64") from None
    if _b64encode(raw) != text:
        raise NoteError(f"{what}: not canonical base64")
    return raw


def _check_chars(text: str, what: str) -> None:
    """Valid UTF-8 and no ASCII control characters other than newline."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise NoteError(f"{what}: not valid UTF-8") from None
    for ch in text:
        if ch < " " and ch != "\n":
            raise NoteError(f"{what}: contains control character U+{ord(ch):04X}")


def _valid_name(name: object) -> bool:
    return (
        isinstance(name, str)
        and name != ""
        and "+" not in name
        and not any(ch.isspace() or ch < " " for ch in name)
        and _utf8_ok(name)
    )


def _utf8_ok(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_name(name: object) -> str:
    if not _valid_name(name):
        raise NoteError(f"key name {name!r} is invalid: it must be non-empty, without spaces or '+'")
    return name  # type: ignore[return-value]


def key_id(name: str, sig_type: int, public_key: bytes) -> bytes:
    """The 4-byte key ID: ``SHA-256(name || 0x0A || type || public key)[:4]``."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([sig_type]) + public_key).digest()[:4]


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def cosignature_message(body: str, timestamp: int) -> bytes:
    """The bytes an Ed25519 (type 0x04) cosignature signs: header, time line, checkpoint text."""
    return f"{_COSIG_HEADER}time {timestamp}\n{body}".encode()


def _check_timestamp(timestamp: object) -> int:
    if type(timestamp) is not int or not 0 <= timestamp <= MAX_TIMESTAMP:
        raise NoteError(f"cosignature timestamp must be an integer in 0 … 2^63 − 1, not {timestamp!r}")
    return timestamp


# --------------------------------------------------------------------------- checkpoint


@dataclass(frozen=True)
class Checkpoint:
    """A transparency-log checkpoint (the text of the signed note), c2sp.org/tlog-checkpoint."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.origin, str) or not self.origin or "\n" in self.origin:
            raise NoteError("checkpoint origin must be a non-empty single line")
        _check_chars(self.origin, "checkpoint origin")
        if type(self.size) is not int or not 0 <= self.size <= MAX_TREE_SIZE:
            raise NoteError(f"checkpoint size must be an integer in 0 … 2^64 − 1, not {self.size!r}")
        if not isinstance(self.root, (bytes, bytearray, memoryview)) or len(self.root) != 32:
            raise NoteError("checkpoint root must be 32 bytes")
        object.__setattr__(self, "root", bytes(self.root))
        if isinstance(self.extensions, str):
            raise NoteError("checkpoint extensions must be a sequence of lines, not one string")
        extensions = tuple(self.extensions)
        for line in extensions:
            if not isinstance(line, str) or not line or "\n" in line:
                raise NoteError("checkpoint extension lines must be non-empty single lines")
            _check_chars(line, "checkpoint extension line")
        object.__setattr__(self, "extensions", extensions)

    def body(self) -> str:
        """The note text: ``origin\\nsize\\nbase64(root)\\n`` then the extension lines."""
        lines = [self.origin, str(self.size), _b64encode(self.root), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, body: str) -> Checkpoint:
        """Parse a checkpoint note text (without signatures); raises :class:`NoteError`."""
        if not isinstance(body, str):
            raise NoteError("checkpoint text must be a str")
        if len(body.encode("utf-8", "surrogatepass")) > MAX_NOTE_BYTES:
            raise NoteError("checkpoint text is too large")
        _check_chars(body, "checkpoint text")
        if not body.endswith("\n"):
            raise NoteError("checkpoint text must end with a newline")
        lines = body[:-1].split("\n")
        if len(lines) < 3:
            raise NoteError("checkpoint text must have at least three lines: origin, size, root")
        if any(line == "" for line in lines):
            raise NoteError("checkpoint lines must be non-empty")
        origin, size_text, root_text, *extensions = lines
        if not _SIZE_RE.fullmatch(size_text):
            raise NoteError(f"checkpoint size {size_text!r} is not a decimal number without leading zeros")
        size = int(size_text)
        root = _b64decode(root_text, "checkpoint root")
        if len(root) != 32:
            raise NoteError(f"checkpoint root must be 32 bytes, not {len(root)}")
        return cls(origin=origin, size=size, root=root, extensions=tuple(extensions))


# --------------------------------------------------------------------------- note parsing


@dataclass(frozen=True)
class NoteSignature:
    """One signature line, parsed but not verified."""

    name: str
    key_id: bytes  # 4 bytes
    signature: bytes  # the bytes after the key ID
    encoded: str  # the base64 text as it appears in the line

    @property
    def line(self) -> str:
        return f"{_SIG_PREFIX}{self.name} {self.encoded}\n"


def parse_note(note: str | bytes) -> tuple[str, list[NoteSignature]]:
    """Split a signed note into its text and signature lines (syntax only, nothing verified).

    Raises :class:`NoteError` if the note is malformed.
    """
    if isinstance(note, (bytes, bytearray, memoryview)):
        try:
            note = bytes(note).decode("utf-8")
        except UnicodeDecodeError:
            raise NoteError("note is not valid UTF-8") from None
    if not isinstance(note, str):
        raise NoteError("note must be a str")
    if len(note) > MAX_NOTE_BYTES or len(note.encode("utf-8", "surrogatepass")) > MAX_NOTE_BYTES:
        raise NoteError("note is too large")
    _check_chars(note, "note")
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no blank line before the signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block or not block.endswith("\n"):
        raise NoteError("note has no signature lines, or the last one does not end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"note has more than {MAX_SIGNATURES} signatures")
    sigs = []
    for line in lines:
        if not line.startswith(_SIG_PREFIX):
            raise NoteError("a signature line must start with an em dash and a space")
        name, sep, encoded = line[len(_SIG_PREFIX) :].partition(" ")
        if not sep or not _valid_name(name) or not encoded:
            raise NoteError("malformed signature line")
        raw = _b64decode(encoded, f"signature of {name}")
        if len(raw) < 5:
            raise NoteError(f"signature of {name} is too short")
        sigs.append(NoteSignature(name=name, key_id=raw[:4], signature=raw[4:], encoded=encoded))
    return text, sigs


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise NoteError("note text must be a str")
    _check_chars(text, "note text")
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    if len(text.encode("utf-8")) > MAX_NOTE_BYTES:
        raise NoteError("note text is too large")
    return text


# --------------------------------------------------------------------------- verifiers


@dataclass(frozen=True)
class VerifiedSignature:
    """A signature line that verified against a configured key."""

    name: str
    key_id: bytes
    sig_type: int
    timestamp: int | None = None  # cosignatures (type 0x04) only: POSIX seconds


class NoteVerifier:
    """A public key that may sign notes: Ed25519 (type 0x01) or an Ed25519 witness cosigner (type 0x04)."""

    def __init__(self, name: str, public_key: Ed25519PublicKey | bytes, sig_type: int = SIG_ED25519):
        self.name = _check_name(name)
        if sig_type not in (SIG_ED25519, SIG_COSIGNATURE_V1):
            raise NoteError(f"unsupported signature type 0x{sig_type:02x}")
        self.sig_type = sig_type
        if isinstance(public_key, Ed25519PublicKey):
            self.public_raw = _raw_public(public_key)
            self.public_key = public_key
        else:
            raw = bytes(public_key)
            if len(raw) != 32:
                raise NoteError("an Ed25519 public key is 32 bytes")
            try:
                self.public_key = Ed25519PublicKey.from_public_bytes(raw)
            except ValueError:
                raise NoteError("not an Ed25519 public key") from None
            self.public_raw = raw
        self.key_id = key_id(self.name, self.sig_type, self.public_raw)

    @classmethod
    def from_key(cls, vkey: str) -> NoteVerifier:
        """Parse a verifier key ``<name>+<hex key ID>+<base64(type || public key)>``."""
        if not isinstance(vkey, str):
            raise NoteError("verifier key must be a str")
        parts = vkey.split("+", 2)  # base64 may itself contain '+'
        if len(parts) != 3:
            raise NoteError("verifier key must be <name>+<key ID>+<key>")
        name, hex_id, encoded = parts
        _check_name(name)
        if not _HEX8_RE.fullmatch(hex_id):
            raise NoteError("verifier key ID must be 8 hexadecimal digits")
        raw = _b64decode(encoded, "verifier key")
        if len(raw) != 33 or raw[0] not in (SIG_ED25519, SIG_COSIGNATURE_V1):
            raise NoteError("verifier key must be type 0x01 (Ed25519) or 0x04 (cosignature) and a 32-byte key")
        verifier = cls(name, raw[1:], raw[0])
        if verifier.key_id != bytes.fromhex(hex_id):
            raise NoteError("verifier key ID does not match the name and key")
        return verifier

    @property
    def key_hash(self) -> int:
        """The key ID as a uint32 (as shown in verifier keys)."""
        return int.from_bytes(self.key_id, "big")

    def verifier_key(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{_b64encode(bytes([self.sig_type]) + self.public_raw)}"

    def _identity(self) -> tuple[str, bytes, int, bytes]:
        return (self.name, self.key_id, self.sig_type, self.public_raw)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoteVerifier) and self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash(self._identity())

    def __repr__(self) -> str:
        return f"NoteVerifier({self.verifier_key()!r})"

    def verify(self, text: str, sig: NoteSignature) -> VerifiedSignature | None:
        """Check one signature (already matched by name and key ID) over ``text``; None if invalid."""
        if sig.name != self.name or sig.key_id != self.key_id:
            return None
        timestamp = None
        if self.sig_type == SIG_COSIGNATURE_V1:
            if len(sig.signature) != 8 + 64:
                return None
            (timestamp,) = struct.unpack(">Q", sig.signature[:8])
            if timestamp > MAX_TIMESTAMP:
                return None
            message, signature = cosignature_message(text, timestamp), sig.signature[8:]
        else:
            if len(sig.signature) != 64:
                return None
            message, signature = text.encode("utf-8"), sig.signature
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return None
        return VerifiedSignature(name=self.name, key_id=self.key_id, sig_type=self.sig_type, timestamp=timestamp)


@dataclass(frozen=True)
class OpenedNote:
    body: str
    verified: tuple[VerifiedSignature, ...]
    unverified: tuple[NoteSignature, ...]  # lines from keys that are not configured

    @property
    def names(self) -> list[str]:
        return _unique(s.name for s in self.verified)


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def verify_note(note: str | bytes, verifiers: Sequence[NoteVerifier]) -> OpenedNote:
    """Open a signed note, verifying the signatures of the configured keys.

    Unknown signatures are kept in ``unverified`` and otherwise ignored.
    Raises :class:`InvalidSignatureError` if a known key's signature fails,
    :class:`UnverifiedNoteError` if no known key signed, :class:`NoteError`
    if the note is malformed or two different verifiers share a name and key ID.
    """
    text, sigs = parse_note(note)
    known: dict[tuple[str, bytes], NoteVerifier | None] = {}
    for v in verifiers:
        if not isinstance(v, NoteVerifier):
            raise TypeError("verifiers must be NoteVerifier objects")
        k = (v.name, v.key_id)
        if k in known and known[k] != v:
            known[k] = None  # ambiguous: only an error if a signature line uses it
        else:
            known.setdefault(k, v)
    verified: list[VerifiedSignature] = []
    unverified: list[NoteSignature] = []
    seen_known: set[tuple[str, bytes]] = set()
    seen_unknown: set[tuple[str, str]] = set()
    for sig in sigs:
        k = (sig.name, sig.key_id)
        if k not in known:
            if (sig.name, sig.encoded) not in seen_unknown:
                seen_unknown.add((sig.name, sig.encoded))
                unverified.append(sig)
            continue
        verifier = known[k]
        if verifier is None:
            raise NoteError(f"ambiguous verifier key {sig.name}+{sig.key_id.hex()}")
        result = verifier.verify(text, sig)  # every line of a known key is checked, repeats too
        if result is None:
            raise InvalidSignatureError(f"invalid signature for key {sig.name}+{sig.key_id.hex()}")
        if k not in seen_known:
            seen_known.add(k)
            verified.append(result)
    if not verified:
        raise UnverifiedNoteError("the note has no valid signature from a known key")
    return OpenedNote(body=text, verified=tuple(verified), unverified=tuple(unverified))


def open_note(note: str | bytes, verifiers: Sequence[NoteVerifier]) -> tuple[str, list[str]]:
    """The note text and the names of the configured keys whose signatures are on it and valid.

    See :func:`verify_note` for the errors (all :class:`NoteError`).
    """
    opened = verify_note(note, verifiers)
    return opened.body, opened.names


def parse_signed_checkpoint(note: str | bytes, verifiers: Sequence[NoteVerifier], *, required: Sequence[str], origin: str | None = None) -> Checkpoint:
    """Open a checkpoint note and return the checkpoint if every ``required`` signer's signature is valid.

    ``required`` lists key names (the log's name, and witness names for a
    cosigned checkpoint); it must not be empty.  With ``origin``, the
    checkpoint's origin line must equal it.  Raises :class:`NoteError`.
    """
    if isinstance(required, str):
        raise TypeError("required is a list of key names, not one string")
    if not required:
        raise ValueError("required must name at least one signer (normally the log's key name)")
    opened = verify_note(note, verifiers)
    names = set(opened.names)
    missing = [name for name in required if name not in names]
    if missing:
        raise NoteError(f"checkpoint lacks a valid signature from {', '.join(missing)}")
    cp = Checkpoint.parse(opened.body)
    if origin is not None and cp.origin != origin:
        raise NoteError(f"checkpoint origin {cp.origin!r} is not {origin!r}")
    return cp


# --------------------------------------------------------------------------- signers


class NoteSigner:
    """Signs note texts with an Ed25519 key (signature type 0x01)."""

    sig_type = SIG_ED25519

    def __init__(self, name: str, private_key: Ed25519PrivateKey):
        self.name = _check_name(name)
        if not isinstance(private_key, Ed25519PrivateKey):
            raise TypeError("private_key must be an Ed25519PrivateKey")
        self._private = private_key
        self.public_raw = _raw_public(private_key.public_key())
        self.key_id = key_id(self.name, self.sig_type, self.public_raw)

    def signature_line(self, text: str) -> str:
        """``— <name> <base64(key ID || signature)>\\n`` over ``text``."""
        _check_text(text)
        sig = self._private.sign(text.encode("utf-8"))
        return f"{_SIG_PREFIX}{self.name} {_b64encode(self.key_id + sig)}\n"

    def sign(self, text: str) -> str:
        """The signed note: ``text``, a blank line, this signer's line."""
        line = self.signature_line(text)
        return text + "\n" + line

    def verifier(self) -> NoteVerifier:
        return NoteVerifier(self.name, self.public_raw, self.sig_type)

    def verifier_key(self) -> str:
        """``<name>+<hex key ID>+<base64(type || public key)>``, to publish."""
        return self.verifier().verifier_key()


class CosignatureSigner:
    """A witness: timestamped Ed25519 cosignatures (type 0x04) on checkpoints, c2sp.org/tlog-cosignature.

    A witness must only cosign a checkpoint after checking the log's
    signature and a consistency proof from the last checkpoint it cosigned
    for that origin (and never a smaller one); this class only signs.
    """

    sig_type = SIG_COSIGNATURE_V1

    def __init__(self, name: str, private_key: Ed25519PrivateKey):
        self.name = _check_name(name)
        if not isinstance(private_key, Ed25519PrivateKey):
            raise TypeError("private_key must be an Ed25519PrivateKey")
        self._private = private_key
        self.public_raw = _raw_public(private_key.public_key())
        self.key_id = key_id(self.name, self.sig_type, self.public_raw)

    def signature_line(self, body: str, timestamp: int) -> str:
        Checkpoint.parse(_check_text(body))  # a cosignature is a statement about a checkpoint
        ts = _check_timestamp(timestamp)
        sig = self._private.sign(cosignature_message(body, ts))
        return f"{_SIG_PREFIX}{self.name} {_b64encode(self.key_id + struct.pack('>Q', ts) + sig)}\n"

    def cosign(self, note: str, timestamp: int) -> str:
        """Add (or replace) this witness's cosignature on a signed checkpoint note."""
        text, _ = parse_note(note)
        return _with_line(note, self.name, self.key_id, self.signature_line(text, timestamp))

    def verifier(self) -> NoteVerifier:
        return NoteVerifier(self.name, self.public_raw, self.sig_type)

    def verifier_key(self) -> str:
        return self.verifier().verifier_key()


def _with_line(note: str, name: str, kid: bytes, line: str) -> str:
    """``note`` with ``line`` appended, dropping an earlier line of the same key (name and key ID)."""
    text, sigs = parse_note(note)
    kept = [s.line for s in sigs if (s.name, s.key_id) != (name, kid)]
    if len(kept) + 1 > MAX_SIGNATURES:
        raise NoteError(f"a note carries at most {MAX_SIGNATURES} signatures")
    return text + "\n" + "".join(kept) + line


def add_signature(note: str, signer: NoteSigner) -> str:
    """Add ``signer``'s signature over the text of an already signed note.

    Existing lines are kept as they are (not verified here); an earlier line
    from the same key is replaced.
    """
    text, _ = parse_note(note)
    return _with_line(note, signer.name, signer.key_id, signer.signature_line(text))


def cosign(note: str, witness_name: str, witness_key: Ed25519PrivateKey, timestamp: int) -> str:
    """Add a witness cosignature (c2sp.org/tlog-cosignature, Ed25519, type 0x04) to a checkpoint note.

    ``timestamp`` is the POSIX time of cosigning, in seconds.  The caller
    (the witness) must have verified the log's signature and consistency
    with its previous view first.
    """
    return CosignatureSigner(witness_name, witness_key).cosign(note, timestamp)
