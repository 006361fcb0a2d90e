"""t-of-n secret sharing of a 16-byte data key (Shamir over GF(2^128)).

Splitting and combining use pycryptodomex's ``Cryptodome.Protocol.SecretSharing
.Shamir`` (without the ``ssss`` compatibility option).  Its field is
GF(2^128) with the reduction polynomial x^128 + x^7 + x^2 + x + 1; a field
element is a 16-byte string read as a big-endian integer whose least
significant bit is the coefficient of x^0.  Share *i* is p(i) for the
polynomial p(x) = secret + a_1·x + … + a_{t−1}·x^{t−1} with random a_j; the
index i (1 … n) is the field element with integer value i.

Besides wrapping pycryptodomex this module has a small independent
implementation of the same field (:func:`interpolate`) used to check shares
against each other (blame assignment when a share is malformed) and, in
:func:`_split_with_coefficients`, to reproduce test vectors with fixed
coefficients.  Tests check both implementations against each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from Cryptodome.Protocol.SecretSharing import Shamir

__all__ = ["MAX_SHARES", "SECRET_SIZE", "check_shares", "combine", "interpolate", "split"]

SECRET_SIZE = 16
MAX_SHARES = 255

_IRREDUCIBLE = (1 << 128) | 0x87  # x^128 + x^7 + x^2 + x + 1


def _check_secret(secret: bytes) -> bytes:
    if not isinstance(secret, (bytes, bytearray, memoryview)):
        raise TypeError("secret must be bytes")
    raw = bytes(secret)
    if len(raw) != SECRET_SIZE:
        raise ValueError(f"secret must be exactly {SECRET_SIZE} bytes, got {len(raw)}")
    return raw


def _check_tn(t: int, n: int) -> None:
    for name, value in (("t", t), ("n", n)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} must be an integer")
    if not 1 <= t <= n <= MAX_SHARES:
        raise ValueError(f"need 1 <= t <= n <= {MAX_SHARES}, got t={t}, n={n}")


def check_shares(shares: Iterable[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
    """Validate ``(index, 16-byte share)`` pairs (distinct indices 1..255); ValueError otherwise."""
    out: list[tuple[int, bytes]] = []
    seen: set[int] = set()
    for item in shares:
        try:
            index, value = item
        except (TypeError, ValueError):
            raise ValueError("each share must be an (index, 16-byte value) pair") from None
        if not isinstance(index, int) or isinstance(index, bool) or not 1 <= index <= MAX_SHARES:
            raise ValueError(f"share index must be an integer in 1..{MAX_SHARES}")
        if index in seen:
            raise ValueError(f"duplicate share index {index}")
        seen.add(index)
        if not isinstance(value, (bytes, bytearray, memoryview)) or len(value) != SECRET_SIZE:
            raise ValueError(f"share {index} must be {SECRET_SIZE} bytes")
        out.append((index, bytes(value)))
    if not out:
        raise ValueError("no shares given")
    return out


def split(secret: bytes, t: int, n: int) -> list[tuple[int, bytes]]:
    """Split a 16-byte *secret* into *n* shares ``(index, 16 bytes)``, indices 1..n; any *t* recombine it."""
    raw = _check_secret(secret)
    _check_tn(t, n)
    return [(int(i), bytes(s)) for i, s in Shamir.split(t, n, raw)]


def combine(shares: Iterable[tuple[int, bytes]]) -> bytes:
    """Interpolate the secret from *shares* (all of them are used).

    With at least t correct shares this is the secret.  With fewer, or with a
    wrong share, the result is some other 16-byte value: nothing here can
    tell, so callers check the result against a commitment.
    """
    return bytes(Shamir.combine(check_shares(shares)))


# ---------------------------------------------------------------------------
# Independent field arithmetic (same representation as pycryptodomex)
# ---------------------------------------------------------------------------


def _gf_mul(a: int, b: int) -> int:
    z = 0
    while b:
        if b & 1:
            z ^= a
        b >>= 1
        a <<= 1
        if a >> 128:
            a ^= _IRREDUCIBLE
    return z


def _gf_inv(a: int) -> int:
    """Inverse in GF(2^128): extended Euclid for binary polynomials."""
    if a == 0:
        raise ZeroDivisionError("inverse of zero in GF(2^128)")
    u, v, g1, g2 = a, _IRREDUCIBLE, 1, 0
    while u != 1:
        j = u.bit_length() - v.bit_length()
        if j < 0:
            u, v, g1, g2, j = v, u, g2, g1, -j
        u ^= v << j
        g1 ^= g2 << j
    return g1


def interpolate(shares: Iterable[tuple[int, bytes]], x: int) -> bytes:
    """Value at *x* of the polynomial through *shares* (Lagrange; ``x = 0`` gives :func:`combine`)."""
    points = [(i, int.from_bytes(v, "big")) for i, v in check_shares(shares)]
    if not isinstance(x, int) or isinstance(x, bool) or not 0 <= x < (1 << 128):
        raise ValueError("x must be a field element (integer)")
    result = 0
    for j, (xj, yj) in enumerate(points):
        num, den = 1, 1
        for m, (xm, _) in enumerate(points):
            if m != j:
                num = _gf_mul(num, x ^ xm)
                den = _gf_mul(den, xj ^ xm)
        result ^= _gf_mul(yj, _gf_mul(num, _gf_inv(den)))
    return result.to_bytes(SECRET_SIZE, "big")


def _split_with_coefficients(secret: bytes, t: int, n: int, coefficients: Sequence[bytes]) -> list[tuple[int, bytes]]:
    """Deterministic :func:`split` with given a_1 … a_{t−1} (16 bytes each): test vectors only."""
    raw = _check_secret(secret)
    _check_tn(t, n)
    if len(coefficients) != t - 1:
        raise ValueError(f"need exactly t - 1 = {t - 1} coefficients")
    poly = [int.from_bytes(raw, "big")] + [int.from_bytes(_check_secret(c), "big") for c in coefficients]
    shares = []
    for i in range(1, n + 1):
        y = 0
        for coeff in reversed(poly):  # Horner
            y = _gf_mul(y, i) ^ coeff
        shares.append((i, y.to_bytes(SECRET_SIZE, "big")))
    return shares
