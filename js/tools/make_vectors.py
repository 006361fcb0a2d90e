#!/usr/bin/env python3
"""Generate the vectors that pin the in-browser sealer to the Python kernel.

    cd /work/main && .venv/bin/python js/tools/make_vectors.py

Writes ``src/etender/kernel/tests/vectors/js-*.json``.  Every expected value
is computed here by the Python reference code (``etender.kernel.envelope``,
``suites``, ``shamir``; ``cryptography`` for SM3/SM4-GCM; pycryptodomex for
Shamir), using the kernel's deterministic test hooks where randomness is
involved; the Node tests in ``js/test/`` recompute them with sealer.js and the
vendored libraries and compare bytes.  Inputs (keys included) are derived from
fixed seeds, so re-running the script gives the same files, except for what is
random on purpose: ``js-custodian.json`` (envelopes sealed by ``seal_v2`` with
the production randomness) and the GmSSL signatures and wraps in ``js-sm.json``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import random
import struct
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

import rfc8785  # noqa: E402
from Cryptodome.Protocol.SecretSharing import Shamir  # noqa: E402
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402

from etender.kernel import envelope, shamir, suites  # noqa: E402

OUT = ROOT / "src" / "etender" / "kernel" / "tests" / "vectors"
b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731


def rng_bytes(r: random.Random, n: int) -> bytes:
    return bytes(r.getrandbits(8) for _ in range(n))


def pattern(n: int, seed: int) -> bytes:
    """Deterministic filler both sides can generate: byte i = (i * 31 + seed) mod 251."""
    return bytes((i * 31 + seed) % 251 for i in range(n))


def scalar(r: random.Random) -> bytes:
    """32 bytes that are a valid private key in both suites (X25519 takes any; SM2 needs 1 <= d <= n - 2)."""
    while True:
        k = rng_bytes(r, 32)
        if 1 <= int.from_bytes(k, "big") <= suites._N - 2:
            return k


def bidder_keys(r: random.Random, suite: str) -> envelope.BidderKeys:
    s = suites.SUITES[suite]
    enc, sig = scalar(r), scalar(r)
    return envelope.BidderKeys(enc, s.encryption_public(enc), sig, s.signing_public(sig), suite)


def custodian_pair(r: random.Random, suite: str) -> envelope.CustodianKeyPair:
    private = scalar(r)
    return envelope.CustodianKeyPair(suite=suite, private=private, public=suites.SUITES[suite].encryption_public(private))


def write(name: str, data: dict) -> None:
    path = OUT / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


# --------------------------------------------------------------------------- canonical JSON


def canonical_vectors() -> dict:
    values = [
        {"b": 1, "a": 2, "aa": [], "A": {}},
        {"bidder": "91330100MA27WXY12K", "lot": "E3301000001000001001001", "tender": "E3301000001000001001"},
        {"price": "1288000.00", "duration_days": 365, "quality": "合格", "notes": None, "currency": "CNY"},
        {"\u20ac": "Euro", "\r": "cr", "\ufb33": "hebrew", "1": "one", "\U0001f600": "emoji", "\u0080": "ctl", "ö": "o"},
        {"s": "\u0000\u0001\u001f\u007f\u0080\u2028\u2029\"\\/\b\f\n\r\t \ud7ff\ue000\uffff\U00010000\U0010ffff"},
        {"s": "招标人 开标负责人 公证处 平台运营方"},
        {"n": [0, 1, -1, 9007199254740991, -9007199254740991, 1.5, -0.0, 1e21, 1e-7, 123456789.125, 0.1, 5e-324]},
        {"t": True, "f": False, "z": None, "nested": {"y": [1, {"b": [], "a": ""}], "x": "x"}},
        [],
        "plain",
        42,
    ]
    return {
        "description": "RFC 8785 canonical JSON as the Python rfc8785 package writes it (the envelope's only JSON form).",
        "cases": [{"value": v, "canonical": rfc8785.dumps(v).decode("utf-8")} for v in values],
    }


# --------------------------------------------------------------------------- bid packages


def local_header_zip64(name: str, size: int, crc: int) -> bytes:
    """What Python writes for a member when file_size * 1.05 > ZIP64_LIMIT (without 2 GB of data)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = 3
    info.external_attr = 0o100644 << 16
    info.file_size = info.compress_size = size
    info.CRC = crc
    return info.FileHeader(size * 1.05 > zipfile.ZIP64_LIMIT)  # as ZipFile._open_to_write decides


class _SparseSink(io.RawIOBase):
    """A seekable file that keeps only small writes: Python's zipfile run over 2 GB of zeros, minus the zeros."""

    def __init__(self) -> None:
        self.pos = 0
        self.size = 0
        self.small: list[tuple[int, bytes]] = []

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, pos: int, whence: int = 0) -> int:
        self.pos = pos if whence == 0 else (self.pos + pos if whence == 1 else self.size + pos)
        return self.pos

    def write(self, data) -> int:
        if len(data) <= 65536:
            self.small.append((self.pos, bytes(data)))
        self.pos += len(data)
        self.size = max(self.size, self.pos)
        return len(data)


def huge_member_package() -> dict:
    """build_bid_package's layout with a member just over ZIP64_LIMIT / 1.05 (zip64 local extra, version 45)."""
    import zlib

    form = envelope.validate_bid_form({"tender": "T", "lot": "L", "bidder": "91330100MA27WXY12K", "price": "1"})
    big = 2045222521
    members = {"bid.json": rfc8785.dumps(form), "files/big.bin": big, "files/z.txt": b"z"}
    sink = _SparseSink()
    block = bytes(1 << 24)
    crc = 0
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for arcname in sorted(members):
            info = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            value = members[arcname]
            if isinstance(value, bytes):
                zf.writestr(info, value)
                continue
            info.file_size = value  # as writestr does before open(), without holding 2 GB
            with zf.open(info, "w") as dest:
                left = value
                while left:
                    chunk = block[: min(left, len(block))]
                    dest.write(chunk)
                    crc = zlib.crc32(chunk, crc)
                    left -= len(chunk)
    # Replay the small writes in order: the bytes before and after the big member's data.
    first_data = max(pos + len(data) for pos, data in sink.small if pos < big)
    tail_start = first_data + big
    head, tail = bytearray(first_data), bytearray(sink.size - tail_start)
    for pos, data in sink.small:
        for i, byte in enumerate(data):
            if pos + i < first_data:
                head[pos + i] = byte
            elif pos + i >= tail_start:
                tail[pos + i - tail_start] = byte
            else:
                raise AssertionError("unexpected write into the big member")
    return {
        "form": form,
        "head": b64(bytes(head)),
        "tail": b64(bytes(tail)),
        "big_name": "big.bin",
        "big_size": big,
        "big_crc": crc,
        "small_files": {"z.txt": b64(b"z")},
        "size": sink.size,
    }


def zip_vectors() -> dict:
    form = {"tender": "E3301000001000001001", "lot": "E3301000001000001001001", "bidder": "91330100MA27WXY12K", "price": "1288000.00", "currency": "CNY", "duration_days": 365, "quality": "合格", "notes": "含税价"}
    cases = []

    def case(label: str, form: dict, files: dict[str, bytes], *, pattern_files: dict[str, tuple[int, int]] | None = None) -> None:
        all_files = dict(files)
        for name, (n, seed) in (pattern_files or {}).items():
            all_files[name] = pattern(n, seed)
        package = envelope.build_bid_package(form, all_files)
        entry = {"label": label, "form": form, "files": {k: b64(v) for k, v in files.items()}, "pattern_files": {k: list(v) for k, v in (pattern_files or {}).items()}, "size": len(package), "sha256": hashlib.sha256(package).hexdigest()}
        if len(package) < 20000:
            entry["package"] = b64(package)
        cases.append(entry)

    case("no attachments, nulls", {"tender": "T", "lot": "L", "bidder": "91330100MA27WXY12K", "price": "0"}, {})
    case("the pinned vector's bid", form, {"商务标.txt": "报价一览表\n".encode(), "technical.txt": b"Technical proposal.\n" * 3})
    case(
        "names: NFC, folders, astral, sorting, empty file",
        {**form, "notes": "标记 \u2028 \"quoted\" \\ \u0007", "quality": ""},
        {
            "Cafe\u0301.txt": b"decomposed e-acute in the name, stored in NFC",
            "dir/sub/a.pdf": b"%PDF-1.4 fake",
            "\U0001f600.txt": b"astral",
            "\uff21.txt": b"fullwidth A sorts after the emoji in UTF-8? no: before",
            "Z.txt": b"",
            "b.bin": bytes(range(256)),
        },
    )
    case("multi-MiB attachment", {**form, "duration_days": 0, "quality": None, "notes": None}, {"小.txt": b"x"}, pattern_files={"大文件.bin": (3 * 1048576 + 12345, 7)})
    return {
        "description": "Deterministic bid packages (envelope.build_bid_package). 'files' are base64; 'pattern_files' are [size, seed] with byte i = (i * 31 + seed) mod 251.",
        "cases": cases,
        "huge_member": huge_member_package(),
        "zip64_local_headers": [
            {"name": name, "size": size, "crc": crc, "header": b64(local_header_zip64(name, size, crc))}
            for name, size, crc in (("files/big.bin", 2045222521, 0x12345678), ("files/大.bin", 2147483647, 0xFFFFFFFF), ("files/edge.bin", 2045222520, 1))
        ],
    }


# --------------------------------------------------------------------------- SM3, SM4-GCM, SM2


def sm_vectors() -> dict:
    r = random.Random(20260302)
    sm3_cases = []
    for n in [0, 1, 3, 55, 56, 63, 64, 65, 119, 128, 1000, 4096 + 7]:
        data = rng_bytes(r, n)
        sm3_cases.append({"data": b64(data), "sm3": suites.sm3(data).hex()})
    big = pattern(2 * 1048576 + 5, 3)
    gcm_cases = []
    for n, aad_len in [(0, 0), (0, 33), (1, 0), (15, 33), (16, 16), (17, 33), (64, 0), (1000, 33), (4099, 7)]:
        key, nonce, aad, pt = rng_bytes(r, 16), rng_bytes(r, 12), rng_bytes(r, aad_len), rng_bytes(r, n)
        enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(aad)
        ct = enc.update(pt) + enc.finalize() + enc.tag
        assert suites.SUITES["gm"].aead_encrypt(key, nonce, pt, aad) == ct
        gcm_cases.append({"key": key.hex(), "nonce": nonce.hex(), "aad": aad.hex(), "plaintext": pt.hex(), "ciphertext_and_tag": ct.hex()})
    key, nonce, aad = rng_bytes(r, 16), rng_bytes(r, 12), rng_bytes(r, 33)
    big_ct = suites.SUITES["gm"].aead_encrypt(key, nonce, pattern(1048576, 9), aad)
    gm = suites.SUITES["gm"]
    sm2_cases = []
    for i in range(4):
        priv = scalar(r)
        pub = gm.encryption_public(priv)
        msg = rng_bytes(r, 20 + 37 * i)
        k_sign = rng_bytes(r, 32)
        k_enc = rng_bytes(r, 32)
        sig = suites._sm2_sign_with_k(priv, msg, int.from_bytes(k_sign, "big"))
        assert gm.verify(pub, msg, sig)
        context = b"etender-envelope-v2 wrap\x00" + rfc8785.dumps({"case": i})
        key16 = rng_bytes(r, 16)
        wrapped = gm._wrap_with(key16, pub, context, k_enc)
        assert gm.unwrap(wrapped, priv, context) == key16
        random_wrap = gm.wrap(key16, pub, context)  # GmSSL, random k: the JS unwrap must open it
        sm2_cases.append(
            {
                "private": priv.hex(),
                "public": pub.hex(),
                "key_id": gm.key_id(pub),
                "z": suites.sm2_z(pub).hex(),
                "message": msg.hex(),
                "sign_k": k_sign.hex(),
                "signature": sig.hex(),
                "signature_gmssl": gm.sign(priv, msg).hex(),
                "wrap_key": key16.hex(),
                "wrap_context": context.hex(),
                "encrypt_k": k_enc.hex(),
                "wrapped": wrapped.hex(),
                "wrapped_gmssl": random_wrap.hex(),
                "kdf_96": suites.sm3_kdf(pub[1:], 96).hex(),
            }
        )
    return {
        "description": "gm primitives: SM3 (cryptography/OpenSSL), SM4-GCM (cryptography), SM2 signature and wrap with given k (kernel suites) and with GmSSL randomness.",
        "sm3": sm3_cases,
        "sm3_pattern": {"size": len(big), "seed": 3, "sm3": suites.sm3(big).hex()},
        "sm4_gcm": gcm_cases,
        "sm4_gcm_pattern": {"key": key.hex(), "nonce": nonce.hex(), "aad": aad.hex(), "size": 1048576, "seed": 9, "sha256_of_ciphertext_and_tag": hashlib.sha256(big_ct).hexdigest(), "tag": big_ct[-16:].hex()},
        "sm2": sm2_cases,
    }


# --------------------------------------------------------------------------- Shamir


def shamir_vectors() -> dict:
    r = random.Random(31)
    fixed = []
    for t, n in [(1, 1), (1, 3), (2, 2), (2, 3), (3, 4), (3, 5), (5, 7), (7, 32)]:
        secret = rng_bytes(r, 16)
        coeffs = [rng_bytes(r, 16) for _ in range(t - 1)]
        shares = shamir._split_with_coefficients(secret, t, n, coeffs)
        assert shamir.combine(shares[:t]) == secret
        assert bytes(Shamir.combine(shares[-t:])) == secret
        fixed.append({"t": t, "n": n, "secret": secret.hex(), "coefficients": [c.hex() for c in coeffs], "shares": [[i, s.hex()] for i, s in shares]})
    random_splits = []
    for t, n in [(2, 3), (3, 4), (4, 7)]:
        secret = rng_bytes(r, 16)
        shares = shamir.split(secret, t, n)  # pycryptodomex, random coefficients
        random_splits.append({"t": t, "n": n, "secret": secret.hex(), "shares": [[i, s.hex()] for i, s in shares]})
    special = []
    for values in ([b"\xff" * 16, b"\x00" * 15 + b"\x01"], [b"\x80" + b"\x00" * 15, b"\xff" * 16]):
        shares = [(1, values[0]), (2, values[1])]
        special.append({"shares": [[i, s.hex()] for i, s in shares], "combined": bytes(Shamir.combine(shares)).hex(), "at_3": shamir.interpolate(shares, 3).hex()})
    return {
        "description": "Shamir t-of-n over GF(2^128) (pycryptodomex field and encoding): fixed-coefficient splits (shamir._split_with_coefficients, p(x) = secret + a_1 x + ...), pycryptodomex random splits, and edge values.",
        "fixed": fixed,
        "random_splits": random_splits,
        "edge": special,
    }


# --------------------------------------------------------------------------- envelopes


def envelope_vectors() -> dict:
    """Extra deterministic envelopes next to the pinned envelope-v*.json ones."""
    r = random.Random(77)
    out = []
    created = datetime(2026, 3, 2, 1, 0, 0, tzinfo=UTC)

    def custodian_set(suite: str, n: int):
        rows = []
        for i in range(1, n + 1):
            pair = custodian_pair(r, suite)
            rows.append({"index": i, "name": f"保管人{i}", "private": b64(pair.private), "public": b64(pair.public), "key_id": pair.key_id})
        return rows

    for label, suite, fmt, t, n, size, chunk in [
        ("v1 empty plaintext", "intl", 1, None, None, 0, 1048576),
        ("v1 exact chunk multiple", "intl", 1, None, None, 300, 100),
        ("v2 intl 3-of-5, empty plaintext", "intl", 2, 3, 5, 0, 64),
        ("v2 gm 3-of-4, 1 byte chunks", "gm", 2, 3, 4, 5, 1),
        ("v2 gm 2-of-2, ragged final chunk", "gm", 2, 2, 2, 1000, 333),
        ("v2 intl 1-of-1", "intl", 2, 1, 1, 70, 64),
    ]:
        keys = bidder_keys(r, suite)
        plaintext = rng_bytes(r, size)
        buf = io.BytesIO()
        item = {"label": label, "suite": suite, "format": fmt, "tender": "E3301000001000001001", "lot": "E3301000001000001001001", "bidder": "91330100MA27WXY12K", "created_at": "2026-03-02T01:00:00Z", "chunk_size": chunk, "plaintext": b64(plaintext), "keys": envelope.keys_to_json(keys, include_private=True)}
        if fmt == 1:
            rnd = envelope._SealRandomness(dek=rng_bytes(r, 32), nonce_prefix=rng_bytes(r, 8), ephemeral_private=rng_bytes(r, 32), wrap_nonce=rng_bytes(r, 12))
            info = envelope._seal(plaintext=io.BytesIO(plaintext), out=buf, tender=item["tender"], lot=item["lot"], bidder=item["bidder"], recipient_public=keys.encryption_public, signing_private=keys.signing_private, created_at=created, chunk_size=chunk, randomness=rnd)
            item["randomness"] = {"dek": b64(rnd.dek), "nonce_prefix": b64(rnd.nonce_prefix), "ephemeral_private": b64(rnd.ephemeral_private), "wrap_nonce": b64(rnd.wrap_nonce)}
        else:
            cset = custodian_set(suite, n)
            ckeys = [envelope.CustodianKey(index=c["index"], name=c["name"], public=base64.b64decode(c["public"]), key_id=c["key_id"]) for c in cset]

            rnd = envelope._SealRandomnessV2(dek=rng_bytes(r, 16), nonce_prefix=rng_bytes(r, 8), share_coefficients=tuple(rng_bytes(r, 16) for _ in range(t - 1)), bidder_ephemeral=scalar(r), custodian_ephemerals=tuple(scalar(r) for _ in range(n)), signature_k=scalar(r) if suite == "gm" else None)
            info = envelope._seal_v2(plaintext=io.BytesIO(plaintext), out=buf, tender=item["tender"], lot=item["lot"], bidder=item["bidder"], suite=suite, bidder_encryption_public=keys.encryption_public, signing_private=keys.signing_private, custodians=ckeys, threshold=t, created_at=created, chunk_size=chunk, randomness=rnd)
            item["custodians"] = cset
            item["threshold"] = t
            item["randomness"] = {"dek": b64(rnd.dek), "nonce_prefix": b64(rnd.nonce_prefix), "share_coefficients": [b64(c) for c in rnd.share_coefficients], "bidder_ephemeral": b64(rnd.bidder_ephemeral), "custodian_ephemerals": [b64(e) for e in rnd.custodian_ephemerals], "signature_k": b64(rnd.signature_k) if rnd.signature_k else None}
        data = buf.getvalue()
        check = envelope.inspect(io.BytesIO(data), signing_public=keys.signing_public)
        assert check.file_sha256 == info.file_sha256
        item["expected"] = {"envelope": b64(data), "file_sha256": info.file_sha256, "size": len(data)}
        out.append(item)
    return {
        "description": "Envelopes sealed by the Python kernel with injected randomness (envelope._seal / _seal_v2); the JS sealer fed the same inputs must write the same bytes. Binary inputs are base64.",
        "cases": out,
    }


def custodian_vectors() -> dict:
    """Python-sealed v2 envelopes (real randomness) whose custodian shares the JS custodian code must decrypt."""
    out = []
    for suite in ("intl", "gm"):
        keys = envelope.generate_bidder_keys(suite)
        pairs = [envelope.generate_custodian_keys(suite) for _ in range(3)]
        names = ["招标人 开标负责人", "平台运营方", "公证处"]
        ckeys = [p.custodian_key(i + 1, names[i]) for i, p in enumerate(pairs)]
        bids = []
        for k in range(2):
            form = {"tender": "E3301000001000001001", "lot": "E3301000001000001001001", "bidder": "91330100MA27WXY12K", "price": f"{1000 + k}.00"}
            package = envelope.build_bid_package(form, {"a.txt": b"attachment"})
            buf = io.BytesIO()
            info = envelope.seal_v2(plaintext=io.BytesIO(package), out=buf, tender=form["tender"], lot=form["lot"], bidder=form["bidder"], suite=suite, bidder_encryption_public=keys.encryption_public, signing_private=keys.signing_private, custodians=ckeys, threshold=2)
            shares = {str(i + 1): b64(envelope.decrypt_share(info.header, custodian_index=i + 1, custodian_private=p.private)[1]) for i, p in enumerate(pairs)}
            dek = envelope.unwrap_dek(info.header, encryption_private=keys.encryption_private)
            bids.append({"bid_id": 100 + k, "bidder": form["bidder"], "envelope_sha256": info.file_sha256, "header": info.header, "shares": shares, "dek": b64(dek)})
        key_files = [{"type": "etender-custodian-key", "suite": suite, "key_id": p.key_id, "public_key": b64(p.public), "private_key": b64(p.private)} for p in pairs]
        out.append({"suite": suite, "threshold": 2, "custodian_key_files": key_files, "bids": bids})
    return {
        "description": "Envelope headers sealed by envelope.seal_v2 (GmSSL / cryptography randomness), as GET /api/lots/{id}/envelope-headers returns them, with each custodian's key file (etender custodian keygen format) and the shares envelope.decrypt_share gives.",
        "suites": out,
    }


def main() -> None:
    write("js-canonical.json", canonical_vectors())
    write("js-zip.json", zip_vectors())
    write("js-sm.json", sm_vectors())
    write("js-shamir.json", shamir_vectors())
    write("js-envelope.json", envelope_vectors())
    write("js-custodian.json", custodian_vectors())


if __name__ == "__main__":
    main()
