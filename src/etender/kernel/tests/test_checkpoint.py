"""Tests of C2SP signed notes, checkpoints and cosignatures (etender.kernel.checkpoint).

Interoperability anchors:

* the signed-note vectors of golang.org/x/mod/sumdb/note (``note_test.go``:
  the "PeterNeumann" and "EnochRoot" keys and notes), which the C2SP
  signed-note format is taken from;
* the examples of c2sp.org/tlog-checkpoint and c2sp.org/tlog-cosignature
  (checkpoint text, cosigned message bytes, the timestamp inside the example
  cosignature);
* the worked example of docs/audit-log.md, re-verified and re-signed here so
  the document cannot drift from the code.
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from etender.kernel import merkle
from etender.kernel.checkpoint import (
    MAX_SIGNATURES,
    SIG_COSIGNATURE_V1,
    SIG_ED25519,
    Checkpoint,
    CosignatureSigner,
    InvalidSignatureError,
    NoteError,
    NoteSigner,
    NoteVerifier,
    UnverifiedNoteError,
    add_signature,
    cosign,
    cosignature_message,
    key_id,
    open_note,
    parse_note,
    parse_signed_checkpoint,
    verify_note,
)

# --------------------------------------------------------------------------- golang.org/x/mod/sumdb/note vectors

PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_SIG = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
ENOCH_SIG = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"


def peter_signer() -> NoteSigner:
    raw = base64.b64decode(PETER_SKEY.split("+", 4)[4])  # the base64 itself contains "+"
    assert raw[0] == SIG_ED25519
    return NoteSigner("PeterNeumann", Ed25519PrivateKey.from_private_bytes(raw[1:]))


def test_go_vector_signing_is_byte_identical():
    signer = peter_signer()
    assert signer.verifier_key() == PETER_VKEY
    assert signer.key_id.hex() == "c74f20a3"
    assert signer.sign(TEXT) == TEXT + "\n" + PETER_SIG


def test_go_vector_open():
    peter, enoch = NoteVerifier.from_key(PETER_VKEY), NoteVerifier.from_key(ENOCH_VKEY)
    assert peter.key_hash == 0xC74F20A3 and enoch.key_hash == 0xAF0CFE78
    assert peter.verifier_key() == PETER_VKEY

    body, names = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [peter])
    assert body == TEXT and names == ["PeterNeumann"]
    opened = verify_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [peter])
    assert [s.name for s in opened.unverified] == ["EnochRoot"]

    body, names = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [peter, enoch])
    assert names == ["PeterNeumann", "EnochRoot"]

    with pytest.raises(UnverifiedNoteError):
        open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [])
    with pytest.raises(UnverifiedNoteError):
        open_note(TEXT + "\n" + ENOCH_SIG, [peter])
    # A duplicated verifier object is harmless.
    assert open_note(TEXT + "\n" + PETER_SIG, [enoch, peter, NoteVerifier.from_key(PETER_VKEY)])[1] == ["PeterNeumann"]


def test_go_vector_repeated_lines():
    peter = NoteVerifier.from_key(PETER_VKEY)
    enoch_abcd = ENOCH_SIG[:60] + "ABCD" + ENOCH_SIG[60:]
    opened = verify_note(TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG + enoch_abcd, [peter])
    assert opened.names == ["PeterNeumann"]
    assert len(opened.verified) == 1
    assert [s.encoded for s in opened.unverified] == [ENOCH_SIG[12:-1], enoch_abcd[12:-1]]


def test_go_vector_invalid_signature_rejects_the_note():
    peter = NoteVerifier.from_key(PETER_VKEY)
    with pytest.raises(InvalidSignatureError):
        open_note(TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:], [peter])
    # Also when a valid line of the same key comes first.
    with pytest.raises(InvalidSignatureError):
        open_note(TEXT + "\n" + PETER_SIG + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:], [peter])


@pytest.mark.parametrize(
    "msg",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        "\x7f\x00" + TEXT + "\n" + PETER_SIG,
        TEXT + "\n" + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + PETER_SIG.replace("—", "-"),
        TEXT + "\n" + PETER_SIG.replace("— ", "—"),
        TEXT + "\n" + PETER_SIG.replace("PeterNeumann ", "PeterNeumann  "),
        TEXT + "\n" + PETER_SIG.replace("=\n", "\n"),  # missing padding
        TEXT + "\n" + PETER_SIG.replace("AM=\n", "AN=\n"),  # non-canonical base64 (unused bits set)
        TEXT + "\n" + "— PeterNeumann AAAA\n",  # shorter than key ID + 1 byte
        TEXT + "\n" + "— a+b " + PETER_SIG.split(" ")[2],
        TEXT.replace("\n", "\r\n") + "\n" + PETER_SIG,
        TEXT + "\n" + PETER_SIG * (MAX_SIGNATURES + 1),
        "\ud800" + TEXT + "\n" + PETER_SIG,
    ],
)
def test_malformed_notes_raise(msg):
    with pytest.raises(NoteError):
        open_note(msg, [NoteVerifier.from_key(PETER_VKEY)])


def test_invalid_utf8_bytes_raise():
    with pytest.raises(NoteError):
        open_note(b"\xff" + (TEXT + "\n" + PETER_SIG).encode(), [NoteVerifier.from_key(PETER_VKEY)])
    assert open_note((TEXT + "\n" + PETER_SIG).encode(), [NoteVerifier.from_key(PETER_VKEY)])[1] == ["PeterNeumann"]


def test_verifier_key_manglings_are_refused():
    b = PETER_VKEY
    for i in range(len(b) + 1):
        for j in range(i + 1, len(b) + 1):
            if (i, j) != (0, len(b)):
                with pytest.raises(NoteError):
                    NoteVerifier.from_key(b[i:j])
    for i in range(len(b)):
        mangled = b[:i] + chr(ord(b[i]) + 1) + b[i + 1 :]
        with pytest.raises(NoteError):
            NoteVerifier.from_key(mangled)
    pub = base64.b64decode(PETER_VKEY.split("+", 2)[2])[1:]
    # wrong algorithm byte, with a matching key ID
    def vkey_for(encoded: bytes) -> str:
        kid = hashlib.sha256(b"PeterNeumann\n" + encoded).digest()[:4].hex()
        return "PeterNeumann+" + kid + "+" + base64.b64encode(encoded).decode()

    assert vkey_for(bytes([0x01]) + pub) == PETER_VKEY
    with pytest.raises(NoteError):
        NoteVerifier.from_key(vkey_for(bytes([0x02]) + pub))
    # wrong key length, with a matching key ID
    with pytest.raises(NoteError):
        NoteVerifier.from_key(vkey_for(bytes([0x01]) + pub + b"\x00"))
    with pytest.raises(NoteError):
        NoteVerifier.from_key(PETER_VKEY.replace("c74f20a3", "0xc74f20"))


# --------------------------------------------------------------------------- checkpoints

ROOT = hashlib.sha256(b"some root").digest()


def key(label: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(label.encode()).digest())


LOG_NAME = "platform-a.example/audit/v1"
LOG = NoteSigner(LOG_NAME, key("log"))
HUB = CosignatureSigner("hub.example/witness", key("hub"))
SUPERVISION = CosignatureSigner("supervision.example/witness", key("supervision"))


def test_c2sp_checkpoint_example_parses():
    body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    cp = Checkpoint.parse(body)
    assert (cp.origin, cp.size, base64.b64encode(cp.root).decode(), cp.extensions) == ("example.com/behind-the-sofa", 20852163, "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", ())
    assert cp.body() == body


@pytest.mark.parametrize(
    "cp",
    [
        Checkpoint("a", 0, merkle.EMPTY_ROOT),
        Checkpoint(LOG_NAME, 1, ROOT),
        Checkpoint(LOG_NAME, 2**64 - 1, ROOT),
        Checkpoint("日志 with spaces+plus", 12345, ROOT, ("ext one", "— looks like a signature")),
    ],
)
def test_checkpoint_round_trip(cp):
    body = cp.body()
    assert body.endswith("\n") and body.count("\n") == 3 + len(cp.extensions)
    assert Checkpoint.parse(body) == cp
    note = LOG.sign(body)
    assert parse_signed_checkpoint(note, [LOG.verifier()], required=[LOG_NAME]) == cp


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (f"{LOG_NAME}\n5\n{base64.b64encode(ROOT).decode()}", "no final newline"),
        (f"{LOG_NAME}\n05\n{base64.b64encode(ROOT).decode()}\n", "leading zero"),
        (f"{LOG_NAME}\n00\n{base64.b64encode(ROOT).decode()}\n", "leading zero"),
        (f"{LOG_NAME}\n+5\n{base64.b64encode(ROOT).decode()}\n", "sign"),
        (f"{LOG_NAME}\n-0\n{base64.b64encode(ROOT).decode()}\n", "sign"),
        (f"{LOG_NAME}\n 5\n{base64.b64encode(ROOT).decode()}\n", "space"),
        (f"{LOG_NAME}\n5 \n{base64.b64encode(ROOT).decode()}\n", "space"),
        (f"{LOG_NAME}\n1_000\n{base64.b64encode(ROOT).decode()}\n", "underscore"),
        (f"{LOG_NAME}\n٣\n{base64.b64encode(ROOT).decode()}\n", "non-ASCII digit"),
        (f"{LOG_NAME}\n0x10\n{base64.b64encode(ROOT).decode()}\n", "hex"),
        (f"{LOG_NAME}\n1e3\n{base64.b64encode(ROOT).decode()}\n", "exponent"),
        (f"{LOG_NAME}\n{2**64}\n{base64.b64encode(ROOT).decode()}\n", "too large"),
        (f"{LOG_NAME}\n\n{base64.b64encode(ROOT).decode()}\n", "empty size"),
        (f"\n5\n{base64.b64encode(ROOT).decode()}\n", "empty origin"),
        (f"{LOG_NAME}\n5\n{base64.b64encode(ROOT[:31]).decode()}\n", "31-byte root"),
        (f"{LOG_NAME}\n5\n{base64.b64encode(ROOT + b'x').decode()}\n", "33-byte root"),
        (f"{LOG_NAME}\n5\n{base64.b64encode(ROOT).decode().rstrip('=')}\n", "unpadded root"),
        (f"{LOG_NAME}\n5\n{ROOT.hex()}\n", "hex root"),
        (LOG_NAME + "\n5\n" + base64.urlsafe_b64encode(b"\xff" * 32).decode() + "\n", "URL-safe base64"),
        (f"{LOG_NAME}\n5\n\n", "empty root"),
        (f"{LOG_NAME}\n5\n", "two lines"),
        (f"{LOG_NAME}\n5\n{base64.b64encode(ROOT).decode()}\n\n", "empty extension line"),
        (f"{LOG_NAME}\n5\n{base64.b64encode(ROOT).decode()}\next\n\nmore\n", "empty extension line"),
        (f"{LOG_NAME}\t\n5\n{base64.b64encode(ROOT).decode()}\n", "control character"),
        (f"{LOG_NAME}\r\n5\r\n{base64.b64encode(ROOT).decode()}\r\n", "CRLF"),
    ],
)
def test_checkpoint_text_rules(body, why):
    with pytest.raises(NoteError):
        Checkpoint.parse(body)


def test_checkpoint_non_canonical_root_encoding_is_refused():
    good = base64.b64encode(b"\x00" * 32).decode()  # ends with "A="
    assert good.endswith("A=")
    with pytest.raises(NoteError, match="canonical"):
        Checkpoint.parse(f"o\n1\n{good[:-2]}B=\n")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"origin": "", "size": 1, "root": ROOT},
        {"origin": "a\nb", "size": 1, "root": ROOT},
        {"origin": "a\x00", "size": 1, "root": ROOT},
        {"origin": None, "size": 1, "root": ROOT},
        {"origin": "a", "size": -1, "root": ROOT},
        {"origin": "a", "size": 2**64, "root": ROOT},
        {"origin": "a", "size": True, "root": ROOT},
        {"origin": "a", "size": 1.0, "root": ROOT},
        {"origin": "a", "size": "1", "root": ROOT},
        {"origin": "a", "size": 1, "root": ROOT[:31]},
        {"origin": "a", "size": 1, "root": ROOT + b"\x00"},
        {"origin": "a", "size": 1, "root": ROOT.hex()},
        {"origin": "a", "size": 1, "root": ROOT, "extensions": ("",)},
        {"origin": "a", "size": 1, "root": ROOT, "extensions": ("a\nb",)},
        {"origin": "a", "size": 1, "root": ROOT, "extensions": "abc"},
    ],
)
def test_checkpoint_fields_are_validated(kwargs):
    with pytest.raises(NoteError):
        Checkpoint(**kwargs)


def test_checkpoint_accepts_a_bytearray_root_and_list_extensions():
    cp = Checkpoint("o", 1, bytearray(ROOT), ["x"])
    assert cp.root == ROOT and isinstance(cp.root, bytes) and cp.extensions == ("x",)
    assert hash(cp) == hash(Checkpoint("o", 1, ROOT, ("x",)))


# --------------------------------------------------------------------------- signed checkpoints


def signed(size: int = 7) -> tuple[Checkpoint, str]:
    cp = Checkpoint(LOG_NAME, size, ROOT)
    return cp, LOG.sign(cp.body())


def test_signed_checkpoint_round_trip_and_verifier_key_format():
    cp, note = signed()
    vkey = LOG.verifier_key()
    name, hex_id, b64 = vkey.split("+", 2)
    assert name == LOG_NAME and re.fullmatch(r"[0-9a-f]{8}", hex_id)
    raw = base64.b64decode(b64)
    assert raw[0] == SIG_ED25519 and len(raw) == 33
    assert bytes.fromhex(hex_id) == hashlib.sha256(LOG_NAME.encode() + b"\n\x01" + raw[1:]).digest()[:4] == key_id(LOG_NAME, 1, raw[1:])
    assert note.startswith(cp.body() + "\n— " + LOG_NAME + " ")
    assert parse_signed_checkpoint(note, [NoteVerifier.from_key(vkey)], required=[LOG_NAME], origin=LOG_NAME) == cp
    # The line is base64(key ID || 64-byte Ed25519 signature over the body).
    text, sigs = parse_note(note)
    assert text == cp.body() and len(sigs) == 1
    assert sigs[0].key_id == bytes.fromhex(hex_id) and len(sigs[0].signature) == 64
    LOG.verifier().public_key.verify(sigs[0].signature, cp.body().encode())


@pytest.mark.parametrize(
    "tamper",
    [
        lambda n: n.replace("\n7\n", "\n8\n", 1),
        lambda n: n.replace(LOG_NAME + "\n", LOG_NAME + "x\n", 1),
        lambda n: n.replace(base64.b64encode(ROOT).decode(), base64.b64encode(hashlib.sha256(b"other").digest()).decode(), 1),
        lambda n: n.replace("\n\n", "\nextension\n\n", 1),
    ],
)
def test_tampered_body_fails(tamper):
    _, note = signed()
    bad = tamper(note)
    assert bad != note
    with pytest.raises(InvalidSignatureError):
        parse_signed_checkpoint(bad, [LOG.verifier()], required=[LOG_NAME])


@pytest.mark.parametrize("position", [4, 5, 30, 67])
def test_tampered_signature_fails(position):
    _, note = signed()
    text, (sig,) = parse_note(note)
    raw = bytearray(sig.key_id + sig.signature)
    raw[position] ^= 0x01
    bad = text + "\n— " + LOG_NAME + " " + base64.b64encode(bytes(raw)).decode() + "\n"
    with pytest.raises(InvalidSignatureError):
        parse_signed_checkpoint(bad, [LOG.verifier()], required=[LOG_NAME])


def test_flipping_the_key_id_makes_the_signature_unknown():
    _, note = signed()
    text, (sig,) = parse_note(note)
    bad = text + "\n— " + LOG_NAME + " " + base64.b64encode(bytes([sig.key_id[0] ^ 1]) + sig.key_id[1:] + sig.signature).decode() + "\n"
    with pytest.raises(UnverifiedNoteError):
        parse_signed_checkpoint(bad, [LOG.verifier()], required=[LOG_NAME])


def test_right_key_id_but_wrong_key_fails():
    """An attacker's key that signs under the log's name and (copied) key ID does not pass."""
    cp, _ = signed()
    attacker = key("attacker")
    sig = attacker.sign(cp.body().encode())
    forged = cp.body() + "\n— " + LOG_NAME + " " + base64.b64encode(LOG.key_id + sig).decode() + "\n"
    with pytest.raises(InvalidSignatureError):
        parse_signed_checkpoint(forged, [LOG.verifier()], required=[LOG_NAME])
    # The attacker's own honest line (its own key ID) is simply unknown.
    honest = NoteSigner(LOG_NAME, attacker).sign(cp.body())
    with pytest.raises(UnverifiedNoteError):
        parse_signed_checkpoint(honest, [LOG.verifier()], required=[LOG_NAME])
    # And a verifier key claiming the log's key ID for the attacker's public key is refused.
    vkey = NoteSigner(LOG_NAME, attacker).verifier_key()
    with pytest.raises(NoteError):
        NoteVerifier.from_key(f"{LOG_NAME}+{LOG.key_id.hex()}+{vkey.split('+', 2)[2]}")


def test_unknown_signers_are_ignored():
    cp, note = signed()
    other = NoteSigner("someone.example/else", key("someone"))
    note2 = add_signature(note, other)
    assert parse_signed_checkpoint(note2, [LOG.verifier()], required=[LOG_NAME]) == cp
    body, names = open_note(note2, [LOG.verifier()])
    assert body == cp.body() and names == [LOG_NAME]
    # Unknown even with the same name as the log (different key ID).
    impostor = NoteSigner(LOG_NAME, key("impostor"))
    note3 = add_signature(note, impostor)
    assert open_note(note3, [LOG.verifier()])[1] == [LOG_NAME]
    assert len(verify_note(note3, [LOG.verifier()]).unverified) == 1
    # An unknown line with garbage inside a well-formed base64 is also ignored.
    garbage = note + "— x.example/y " + base64.b64encode(b"\x00" * 70).decode() + "\n"
    assert open_note(garbage, [LOG.verifier()])[1] == [LOG_NAME]


def test_required_signers():
    cp, note = signed()
    with pytest.raises(NoteError, match="hub.example/witness"):
        parse_signed_checkpoint(note, [LOG.verifier(), HUB.verifier()], required=[LOG_NAME, HUB.name])
    with pytest.raises(ValueError):
        parse_signed_checkpoint(note, [LOG.verifier()], required=[])
    with pytest.raises(TypeError):
        parse_signed_checkpoint(note, [LOG.verifier()], required=LOG_NAME)
    with pytest.raises(NoteError, match="origin"):
        parse_signed_checkpoint(note, [LOG.verifier()], required=[LOG_NAME], origin="other.example/log")
    # A verifier that is required but not configured cannot be satisfied.
    with pytest.raises(NoteError):
        parse_signed_checkpoint(note, [LOG.verifier()], required=[LOG_NAME, "not-configured"])


def test_a_signed_note_that_is_not_a_checkpoint():
    note = LOG.sign("hello\n")
    assert open_note(note, [LOG.verifier()]) == ("hello\n", [LOG_NAME])
    with pytest.raises(NoteError):
        parse_signed_checkpoint(note, [LOG.verifier()], required=[LOG_NAME])


def test_signing_rules():
    with pytest.raises(NoteError):
        LOG.sign("no final newline")
    with pytest.raises(NoteError):
        LOG.sign("tab\there\n")
    with pytest.raises(NoteError):
        LOG.sign(b"bytes\n")  # type: ignore[arg-type]
    for bad in ["", "a b", "a+b", "a\tb", "a\u3000b", "a\nb", None]:
        with pytest.raises(NoteError):
            NoteSigner(bad, key("x"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        NoteSigner("a", b"\x00" * 32)  # type: ignore[arg-type]
    # Blank lines inside the text are allowed: the last blank line separates the signatures.
    text = "first\n\nsecond\n\n"
    note = LOG.sign(text)
    assert open_note(note, [LOG.verifier()]) == (text, [LOG_NAME])


def test_add_signature_appends_and_replaces():
    cp, note = signed()
    second = NoteSigner("second.example/key", key("second"))
    note2 = add_signature(note, second)
    assert note2.startswith(note)
    assert open_note(note2, [LOG.verifier(), second.verifier()])[1] == [LOG_NAME, "second.example/key"]
    assert add_signature(note2, second) == note2  # Ed25519 is deterministic: same line, replaced in place at the end
    note3 = add_signature(note2, LOG)  # re-signing by the log moves its line to the end, once
    assert note3.count("— " + LOG_NAME + " ") == 1
    assert open_note(note3, [LOG.verifier(), second.verifier()])[1] == ["second.example/key", LOG_NAME]
    with pytest.raises(NoteError):
        add_signature(cp.body(), second)  # not a signed note


def test_verifier_list_errors():
    _, note = signed()
    with pytest.raises(TypeError):
        open_note(note, [LOG.verifier_key()])  # type: ignore[list-item]
    # Two different keys with the same name and key ID cannot both be configured for a line that uses them.
    v = LOG.verifier()
    fake = NoteVerifier(LOG_NAME, key("other").public_key())
    fake.key_id = v.key_id  # simulate a key-ID collision
    with pytest.raises(NoteError, match="ambiguous"):
        open_note(note, [v, fake])


# --------------------------------------------------------------------------- cosignatures


def test_c2sp_cosignature_message_and_example_line():
    body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    assert cosignature_message(body, 1679315147) == b"cosignature/v1\ntime 1679315147\n" + body.encode()
    example = (
        body
        + "\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
        + "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
    )
    text, sigs = parse_note(example)
    assert text == body
    witness = sigs[1]
    assert len(witness.signature) == 8 + 64
    assert struct.unpack(">Q", witness.signature[:8])[0] == 1679315147  # the time line of the spec's example
    # Without the keys, both lines are unknown: the note is well formed but unverified.
    with pytest.raises(UnverifiedNoteError):
        open_note(example, [LOG.verifier()])


def test_cosign_and_verify():
    cp, note = signed()
    ts = 1764061200
    cosigned = cosign(note, HUB.name, key("hub"), ts)
    cosigned = SUPERVISION.cosign(cosigned, ts + 5)
    verifiers = [LOG.verifier(), NoteVerifier.from_key(HUB.verifier_key()), SUPERVISION.verifier()]
    opened = verify_note(cosigned, verifiers)
    assert [(s.name, s.sig_type, s.timestamp) for s in opened.verified] == [
        (LOG_NAME, SIG_ED25519, None),
        (HUB.name, SIG_COSIGNATURE_V1, ts),
        (SUPERVISION.name, SIG_COSIGNATURE_V1, ts + 5),
    ]
    assert parse_signed_checkpoint(cosigned, verifiers, required=[LOG_NAME, HUB.name, SUPERVISION.name]) == cp
    # Structure of a cosignature line: key ID (type 0x04), big-endian timestamp, Ed25519 over the cosigned message.
    _, sigs = parse_note(cosigned)
    hub_line = sigs[1]
    assert hub_line.key_id == hashlib.sha256(HUB.name.encode() + b"\n\x04" + HUB.public_raw).digest()[:4]
    assert hub_line.signature[:8] == ts.to_bytes(8, "big")
    HUB.verifier().public_key.verify(hub_line.signature[8:], b"cosignature/v1\ntime 1764061200\n" + cp.body().encode())
    assert HUB.verifier_key().split("+")[2].startswith(base64.b64encode(b"\x04" + HUB.public_raw[:2]).decode()[:3])
    # Cosigning again replaces the witness's earlier line.
    again = HUB.cosign(cosigned, ts + 60)
    assert again.count("— " + HUB.name + " ") == 1
    assert {s.name: s.timestamp for s in verify_note(again, verifiers).verified}[HUB.name] == ts + 60


def test_cosignature_is_not_interchangeable_with_a_note_signature():
    cp, note = signed()
    cosigned = HUB.cosign(note, 1)
    # The same key configured as a plain Ed25519 note key has another key ID: the line is unknown.
    as_plain = NoteVerifier(HUB.name, HUB.public_raw, SIG_ED25519)
    assert verify_note(cosigned, [LOG.verifier(), as_plain]).names == [LOG_NAME]
    # Relabelled with the plain key ID, the bytes do not verify as a plain signature.
    _, sigs = parse_note(cosigned)
    relabelled = cp.body() + "\n— " + HUB.name + " " + base64.b64encode(as_plain.key_id + sigs[1].signature[8:]).decode() + "\n"
    with pytest.raises(InvalidSignatureError):
        open_note(relabelled, [as_plain])
    # A plain note signature by the witness key does not count as a cosignature.
    plain = NoteSigner(HUB.name, key("hub")).sign(cp.body())
    with pytest.raises(UnverifiedNoteError):
        open_note(plain, [HUB.verifier()])


@pytest.mark.parametrize("change", ["timestamp", "signature", "body", "length"])
def test_tampered_cosignature_fails(change):
    cp, note = signed()
    cosigned = HUB.cosign(note, 1700000000)
    text, sigs = parse_note(cosigned)
    raw = bytearray(sigs[1].key_id + sigs[1].signature)
    if change == "timestamp":
        raw[4 + 7] ^= 1
    elif change == "signature":
        raw[20] ^= 1
    elif change == "length":
        raw = raw[:-1]
    lines = sigs[0].line + "— " + HUB.name + " " + base64.b64encode(bytes(raw)).decode() + "\n"
    bad = text + "\n" + lines
    verifiers = [LOG.verifier(), HUB.verifier()]
    if change == "body":
        bad = cosigned.replace("\n7\n", "\n8\n")
        verifiers = [HUB.verifier()]
    with pytest.raises(InvalidSignatureError):
        open_note(bad, verifiers)


def test_cosignature_timestamp_above_2_63_is_invalid():
    cp, note = signed()
    ts = 2**63
    sig = key("hub").sign(cosignature_message(cp.body(), ts))
    line = "— " + HUB.name + " " + base64.b64encode(HUB.key_id + ts.to_bytes(8, "big") + sig).decode() + "\n"
    with pytest.raises(InvalidSignatureError):
        open_note(note + line, [LOG.verifier(), HUB.verifier()])


@pytest.mark.parametrize("ts", [-1, 2**63, 1.5, True, "1"])
def test_cosign_refuses_bad_timestamps(ts):
    _, note = signed()
    with pytest.raises(NoteError):
        HUB.cosign(note, ts)


def test_cosign_refuses_a_note_that_is_not_a_checkpoint():
    with pytest.raises(NoteError):
        HUB.cosign(LOG.sign("hello\n"), 1)
    with pytest.raises(NoteError):
        HUB.cosign(Checkpoint(LOG_NAME, 1, ROOT).body(), 1)  # unsigned


def test_cosignature_verifier_key_round_trip():
    vkey = HUB.verifier_key()
    v = NoteVerifier.from_key(vkey)
    assert (v.name, v.sig_type, v.public_raw, v.verifier_key()) == (HUB.name, SIG_COSIGNATURE_V1, HUB.public_raw, vkey)
    assert base64.b64decode(vkey.split("+", 2)[2])[0] == 0x04


# --------------------------------------------------------------------------- the worked example in docs/audit-log.md

DOC = Path(__file__).resolve().parents[4] / "docs" / "audit-log.md"


def doc_blocks() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in re.finditer(r"<!-- example:([a-z-]+) -->\n```[a-z]*\n(.*?)```", text, re.S)}


@pytest.mark.skipif(not DOC.exists(), reason="docs/audit-log.md is not present (installed package)")
def test_docs_worked_example():
    blocks = doc_blocks()
    leaves = [line.encode() for line in blocks["leaves"].splitlines()]
    tree = merkle.MemoryNodes()
    for leaf in leaves:
        tree.append(leaf)
    log_key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"etender docs example: platform log key").digest())
    hub_key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"etender docs example: hub witness key").digest())
    keys = dict(line.split(" ", 1) for line in blocks["keys"].splitlines())
    log_v, hub_v = NoteVerifier.from_key(keys["log"]), NoteVerifier.from_key(keys["hub"])
    assert NoteSigner(log_v.name, log_key).verifier_key() == keys["log"]
    assert CosignatureSigner(hub_v.name, hub_key).verifier_key() == keys["hub"]

    note = blocks["checkpoint"]
    cp = parse_signed_checkpoint(note, [log_v, hub_v], required=[log_v.name, hub_v.name], origin=log_v.name)
    assert cp.size == len(leaves) and cp.root == tree.root()
    ts = verify_note(note, [hub_v]).verified[0].timestamp
    assert cosign(NoteSigner(log_v.name, log_key).sign(cp.body()), hub_v.name, hub_key, ts) == note

    inc = dict(line.split(" ", 1) for line in blocks["inclusion"].splitlines())
    index, size = int(inc["index"]), int(inc["size"])
    proof = [base64.b64decode(p) for p in inc["proof"].split()]
    assert size == cp.size and base64.b64decode(inc["leaf_hash"]) == merkle.leaf_hash(leaves[index])
    assert proof == merkle.inclusion_proof(index, size, tree)
    assert merkle.verify_inclusion(merkle.leaf_hash(leaves[index]), index, size, proof, cp.root)

    con = dict(line.split(" ", 1) for line in blocks["consistency"].splitlines())
    old, new = int(con["old_size"]), int(con["new_size"])
    old_root = base64.b64decode(con["old_root"])
    cproof = [base64.b64decode(p) for p in con["proof"].split()]
    assert new == cp.size and old_root == tree.root(old)
    assert cproof == merkle.consistency_proof(old, new, tree)
    assert merkle.verify_consistency(old, new, old_root, cp.root, cproof)
