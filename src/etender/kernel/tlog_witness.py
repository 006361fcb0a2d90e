"""The wire format of c2sp.org/tlog-witness ``add-checkpoint``, both directions. Pure Python, no Django.

Request body (text)::

    old <size>\\n
    <base64 hash>\\n          zero to 63 consistency proof lines, RFC 6962 PROOF(old, D[size])
    \\n
    <signed checkpoint note>

Answers: ``200`` with one or more note signature lines (the cosignatures);
``409`` with ``<size>\\n`` (Content-Type ``text/x.tlog.size``) when the old size
is not the witness's; 400/403/404/422 otherwise (docs/witness.md).
Parsing raises :class:`RequestError` (a ``ValueError``) for anything
malformed and never anything else.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from . import checkpoint as notes

__all__ = ["MAX_BODY_BYTES", "MAX_PROOF_LINES", "SIZE_CONTENT_TYPE", "AddCheckpoint", "RequestError", "parse_request", "parse_size", "request_body", "signature_lines"]

MAX_PROOF_LINES = 63
MAX_BODY_BYTES = 64 * 1024
SIZE_CONTENT_TYPE = "text/x.tlog.size"
HASH_BYTES = 32

_SIZE_RE = re.compile(r"0|[1-9][0-9]{0,19}")


class RequestError(ValueError):
    """A malformed add-checkpoint request or answer."""


@dataclass(frozen=True)
class AddCheckpoint:
    old_size: int
    proof: tuple[bytes, ...]
    note: str  # the signed checkpoint note as sent
    text: str  # its text (the part the signatures cover)
    checkpoint: notes.Checkpoint


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def request_body(old_size: int, proof: list[bytes] | tuple[bytes, ...], note: str) -> bytes:
    """The body of an add-checkpoint request."""
    if type(old_size) is not int or old_size < 0:
        raise RequestError("old size must be a non-negative integer")
    if len(proof) > MAX_PROOF_LINES:
        raise RequestError(f"at most {MAX_PROOF_LINES} proof lines")
    lines = [f"old {old_size}\n", *(_b64(p) + "\n" for p in proof), "\n"]
    return ("".join(lines) + note).encode("utf-8")


def parse_size(text: str) -> int:
    """A tree size in decimal without leading zeros (the line of a 409 answer, or of ``old``)."""
    if not isinstance(text, str) or not _SIZE_RE.fullmatch(text):
        raise RequestError("a tree size is a decimal number without leading zeros")
    size = int(text)
    if size > notes.MAX_TREE_SIZE:
        raise RequestError("tree size out of range")
    return size


def parse_request(body: bytes) -> AddCheckpoint:
    """Parse and check the syntax of an add-checkpoint body; nothing is verified against keys here."""
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise RequestError("the body must be bytes")
    body = bytes(body)
    if len(body) > MAX_BODY_BYTES:
        raise RequestError(f"the body is larger than {MAX_BODY_BYTES} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestError("the body is not UTF-8") from None
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise RequestError("no empty line between the proof and the checkpoint")
    lines = head.split("\n")
    first = lines[0]
    if not first.startswith("old "):
        raise RequestError("the first line must be 'old <size>'")
    old_size = parse_size(first[4:])
    proof_lines = lines[1:]
    if len(proof_lines) > MAX_PROOF_LINES:
        raise RequestError(f"more than {MAX_PROOF_LINES} consistency proof lines")
    proof = []
    for line in proof_lines:
        try:
            raw = base64.b64decode(line.encode("ascii"), validate=True)
        except (UnicodeEncodeError, binascii.Error, ValueError):
            raise RequestError("a proof line is not base64") from None
        if len(raw) != HASH_BYTES or _b64(raw) != line:
            raise RequestError(f"a proof line must be the canonical base64 of a {HASH_BYTES}-byte hash")
        proof.append(raw)
    try:
        note_text, _ = notes.parse_note(note)
        cp = notes.Checkpoint.parse(note_text)
    except notes.NoteError as exc:
        raise RequestError(f"not a signed checkpoint: {exc}") from None
    if old_size > cp.size:
        raise RequestError("the old size is larger than the checkpoint's size")
    if old_size == 0 and proof:
        raise RequestError("the proof must be empty when the old size is 0")
    return AddCheckpoint(old_size=old_size, proof=tuple(proof), note=note, text=note_text, checkpoint=cp)


def signature_lines(body: str) -> list[str]:
    """The note signature lines of a 200 answer (each ``— <name> <base64>\\n``); raises RequestError."""
    if not isinstance(body, str) or not body.endswith("\n") or body == "\n":
        raise RequestError("the answer must be one or more signature lines")
    lines = [line + "\n" for line in body[:-1].split("\n")]
    for line in lines:
        if not line.startswith("\u2014 "):
            raise RequestError("an answer line must start with an em dash and a space")
    return lines
