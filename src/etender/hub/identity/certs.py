"""Reading the public keys and certificates of different certification authorities (电子办法 44(4)).

Accepted input, for the algorithms SM2, RSA and Ed25519:

* an X.509 certificate in PEM (``-----BEGIN CERTIFICATE-----``): serial,
  validity, issuer and subject are taken from it;
* a public key in PEM (``-----BEGIN PUBLIC KEY-----``, SubjectPublicKeyInfo);
* base64 of the DER SubjectPublicKeyInfo, or of the raw key: 32 bytes for
  Ed25519, the 65-byte uncompressed point ``04||x||y`` for SM2.

``cryptography`` (OpenSSL) does not load SM2 keys, so SM2 key infos are read
with the few lines of DER below and the point is checked on the curve with
:func:`etender.kernel.suites.sm2_z`.  Whatever the input, the key is stored as
a SubjectPublicKeyInfo PEM and identified by the SHA-256 of its DER.

This module does not import Django; it raises :class:`KeyProblem`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from etender.kernel.suites import sm2_z

MIN_RSA_BITS = 2048
OID_EC_PUBLIC_KEY = bytes.fromhex("06072a8648ce3d0201")  # 1.2.840.10045.2.1
OID_SM2_CURVE = bytes.fromhex("06082a811ccf5501822d")  # 1.2.156.10197.1.301


class KeyProblem(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh = zh
        self.en = en


@dataclass(frozen=True)
class ParsedKey:
    algorithm: str
    spki_der: bytes
    certificate_pem: str = ""
    serial: str = ""
    issuer: str = ""
    subject: str = ""
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.spki_der).hexdigest()

    @property
    def public_key_pem(self) -> str:
        body = base64.encodebytes(self.spki_der).decode().replace("\n", "")
        lines = [body[i : i + 64] for i in range(0, len(body), 64)]
        return "-----BEGIN PUBLIC KEY-----\n" + "\n".join(lines) + "\n-----END PUBLIC KEY-----\n"


# --- the little DER needed for SM2 ------------------------------------------------


def _tlv(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of value, end of value) of the element at ``pos``."""
    if pos + 2 > len(data):
        raise ValueError("truncated DER")
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7F
        if n == 0 or n > 4 or pos + n > len(data):
            raise ValueError("bad DER length")
        length = int.from_bytes(data[pos : pos + n], "big")
        pos += n
    if pos + length > len(data):
        raise ValueError("truncated DER")
    return tag, pos, pos + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """(tag, element start, value start, value end) of each element in data[start:end]."""
    out = []
    pos = start
    while pos < end:
        tag, vs, ve = _tlv(data, pos)
        out.append((tag, pos, vs, ve))
        pos = ve
    return out


def _sm2_point_of_spki(der: bytes) -> bytes | None:
    """The 65-byte point of an SM2 SubjectPublicKeyInfo, or None if the key info is not SM2."""
    tag, vs, ve = _tlv(der, 0)
    if tag != 0x30 or ve != len(der):
        raise ValueError("not a key info")
    parts = _children(der, vs, ve)
    if len(parts) != 2 or parts[0][0] != 0x30 or parts[1][0] != 0x03:
        raise ValueError("not a key info")
    alg = der[parts[0][2] : parts[0][3]]
    if not (alg.startswith(OID_EC_PUBLIC_KEY) and OID_SM2_CURVE in alg):
        return None
    bits = der[parts[1][2] : parts[1][3]]
    if not bits or bits[0] != 0:
        raise ValueError("bad bit string")
    return bits[1:]


def _spki_of_certificate(der: bytes) -> bytes:
    """The SubjectPublicKeyInfo element of a DER certificate (works for keys OpenSSL cannot load)."""
    tag, vs, ve = _tlv(der, 0)
    cert_parts = _children(der, vs, ve)
    tbs_tag, _, tvs, tve = cert_parts[0]
    if tag != 0x30 or tbs_tag != 0x30:
        raise ValueError("not a certificate")
    fields = _children(der, tvs, tve)
    if fields and fields[0][0] == 0xA0:  # [0] version
        fields = fields[1:]
    # serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
    _tag, start, _vs, end = fields[5]
    return der[start:end]


def _sm2_spki(point: bytes) -> bytes:
    alg = OID_EC_PUBLIC_KEY + OID_SM2_CURVE
    alg_seq = bytes([0x30, len(alg)]) + alg
    bits = bytes([0x03, len(point) + 1, 0]) + point
    body = alg_seq + bits
    return bytes([0x30, len(body)]) + body


# --- parsing ---------------------------------------------------------------------


def _check_sm2(point: bytes) -> None:
    try:
        sm2_z(point)
    except (ValueError, TypeError):
        raise KeyProblem("SM2 公钥不是曲线上的点", "the SM2 public key is not a point on the curve") from None


def _algorithm_of_spki(der: bytes) -> str:
    try:
        point = _sm2_point_of_spki(der)
    except ValueError:
        raise KeyProblem("无法识别的公钥格式", "unrecognised public key format") from None
    if point is not None:
        _check_sm2(point)
        return "SM2"
    try:
        key = serialization.load_der_public_key(der)
    except (ValueError, UnsupportedAlgorithm):
        raise KeyProblem("无法识别的公钥格式", "unrecognised public key format") from None
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            raise KeyProblem(f"RSA 密钥长度不得少于 {MIN_RSA_BITS} 位", f"RSA keys must have at least {MIN_RSA_BITS} bits")
        return "RSA"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519"
    raise KeyProblem("仅支持 SM2、RSA 和 Ed25519 公钥", "only SM2, RSA and Ed25519 keys are accepted")


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise KeyProblem("不是有效的 PEM 或 Base64 内容", "neither PEM nor base64") from None


def parse_public_key(algorithm: str, text: str) -> ParsedKey:
    """Read a certificate or public key and check that it is a key of ``algorithm``."""
    text = (text or "").strip()
    if not text:
        raise KeyProblem("请粘贴证书或公钥", "paste the certificate or public key")
    if len(text) > 20_000:
        raise KeyProblem("内容过长", "too long")
    if "-----BEGIN CERTIFICATE-----" in text:
        try:
            cert = x509.load_pem_x509_certificate(text.encode())
            spki = _spki_of_certificate(cert.public_bytes(serialization.Encoding.DER))
        except (ValueError, IndexError):
            raise KeyProblem("无法读取 X.509 证书", "the X.509 certificate cannot be read") from None
        found = _algorithm_of_spki(spki)
        parsed = ParsedKey(
            algorithm=found,
            spki_der=spki,
            certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
            serial=format(cert.serial_number, "X"),
            issuer=cert.issuer.rfc4514_string()[:300],
            subject=cert.subject.rfc4514_string()[:300],
            valid_from=cert.not_valid_before_utc,
            valid_until=cert.not_valid_after_utc,
        )
    elif "-----BEGIN PUBLIC KEY-----" in text:
        m = re.search(r"-----BEGIN PUBLIC KEY-----(.*?)-----END PUBLIC KEY-----", text, re.S)
        if not m:
            raise KeyProblem("PEM 格式不完整", "incomplete PEM")
        spki = _b64(m.group(1))
        parsed = ParsedKey(algorithm=_algorithm_of_spki(spki), spki_der=spki)
    elif "-----BEGIN" in text:
        raise KeyProblem("只接受证书或公钥，私钥不得上传", "only a certificate or a public key is accepted; never upload a private key")
    else:
        raw = _b64(text)
        if algorithm == "Ed25519" and len(raw) == 32:
            spki = ed25519.Ed25519PublicKey.from_public_bytes(raw).public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        elif algorithm == "SM2" and len(raw) == 65:
            _check_sm2(raw)
            spki = _sm2_spki(raw)
        else:
            spki = raw
        parsed = ParsedKey(algorithm=_algorithm_of_spki(spki), spki_der=spki)
    if parsed.algorithm != algorithm:
        raise KeyProblem(f"所选算法为 {algorithm}，但密钥为 {parsed.algorithm}", f"{algorithm} was chosen but the key is {parsed.algorithm}")
    return parsed
