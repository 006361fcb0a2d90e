"""RFC 6962 / RFC 9162 Merkle tree: tree hash, inclusion and consistency proofs.

Pure Python, no Django.  The hash function is injectable (``h=``): any
hashlib-style constructor ``h(data) -> object with .digest()``.  SHA-256 is
the default; :func:`sm3` gives the 国密 variant (the algorithm is fixed per
log by its origin string, see docs/audit-log.md).  Whatever ``h`` is, the
same ``h`` must be used for building, proving and verifying.

Hashing (RFC 6962 §2.1)::

    leaf_hash(d)    = H(0x00 || d)
    node_hash(l, r) = H(0x01 || l || r)
    MTH({})         = H("")                      (EMPTY_ROOT)
    MTH(D[n])       = node_hash(MTH(D[0:k]), MTH(D[k:n]))   k = largest power of 2 < n

Storage model
-------------
A log keeps the hashes of *complete subtrees* ("nodes"): node ``(level L,
index k)`` is ``MTH(D[k·2^L : (k+1)·2^L])``; level 0 holds the leaf hashes.
Appending leaf ``i`` completes exactly ``1 + (number of trailing 1 bits of
i)`` nodes (:func:`new_nodes`), so an append stores O(log n) rows and nothing
is ever rewritten.  Every subtree hash the RFC algorithms need is either such
a node or the hash of a range decomposed into O(log n) of them, so
:func:`root`, :func:`inclusion_proof` and :func:`consistency_proof` each cost
O(log n) node lookups.

The verifiers (:func:`verify_inclusion`, :func:`verify_consistency`) follow
RFC 9162 §2.1.3.2 and §2.1.4.2 and, in addition, check that the proof has
exactly the length the RFC 6962 algorithms produce for those sizes.  They
return ``False`` for every malformed input and never raise.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

__all__ = [
    "EMPTY_ROOT",
    "MAX_TREE_SIZE",
    "Hasher",
    "MemoryNodes",
    "NodeSource",
    "consistency_proof",
    "consistency_roots",
    "empty_root",
    "inclusion_proof",
    "leaf_hash",
    "new_nodes",
    "node_hash",
    "root",
    "root_from_leaves",
    "sha256",
    "sm3",
    "verify_consistency",
    "verify_inclusion",
]

Hasher = Callable[..., Any]
"""A hashlib-style constructor: ``h(data)`` returns an object with ``.digest()``."""

sha256: Hasher = hashlib.sha256

MAX_TREE_SIZE = 2**64 - 1
"""Tree sizes and leaf indices are unsigned 64-bit numbers (RFC 9162)."""


def sm3(data: bytes = b"") -> Any:
    """SM3 (GB/T 32905) as a hashlib-style constructor; needs an OpenSSL that has SM3."""
    return hashlib.new("sm3", data)


# --------------------------------------------------------------------------- hashing


def leaf_hash(data: bytes, h: Hasher = sha256) -> bytes:
    """``H(0x00 || data)``: the hash of a log entry."""
    return h(b"\x00" + bytes(data)).digest()


def node_hash(left: bytes, right: bytes, h: Hasher = sha256) -> bytes:
    """``H(0x01 || left || right)``: the hash of an interior node."""
    return h(b"\x01" + bytes(left) + bytes(right)).digest()


def empty_root(h: Hasher = sha256) -> bytes:
    """The root of the empty tree, ``H("")``."""
    return h(b"").digest()


EMPTY_ROOT = empty_root()
"""SHA-256 of the empty string: e3b0c442…b855."""


def _digest_size(h: Hasher) -> int:
    return len(h(b"").digest())


def root_from_leaves(leaf_hashes: Sequence[bytes], h: Hasher = sha256) -> bytes:
    """MTH by the plain recursive definition of RFC 6962 §2.1 (reference implementation, O(n))."""
    n = len(leaf_hashes)
    if n == 0:
        return empty_root(h)
    if n == 1:
        return bytes(leaf_hashes[0])
    k = _split(n)
    return node_hash(root_from_leaves(leaf_hashes[:k], h), root_from_leaves(leaf_hashes[k:], h), h)


# --------------------------------------------------------------------------- node storage


class NodeSource(Protocol):
    """Where complete-subtree hashes are stored (a database table, a dict, tiles …)."""

    def node(self, level: int, index: int) -> bytes:
        """Hash of leaves ``[index·2^level, (index+1)·2^level)``; raises ``KeyError`` if not stored."""
        ...


def new_nodes(leaf_index: int, leaf_hash: bytes, source: NodeSource, *, h: Hasher = sha256) -> list[tuple[int, int, bytes]]:
    """The nodes that become complete when leaf ``leaf_index`` (0-based) is appended.

    ``leaf_hash`` is the leaf's hash (:func:`leaf_hash` of its data), not the
    data.  Returns ``[(level, index, hash), …]`` starting with ``(0,
    leaf_index, leaf_hash)`` and then each parent while the index is odd; the
    left siblings are read from ``source``, which must hold every node of the
    first ``leaf_index`` leaves (and none of the returned ones need be
    stored yet).  Store all returned rows together with the leaf.
    """
    if not _is_uint(leaf_index) or leaf_index >= MAX_TREE_SIZE:
        raise ValueError(f"leaf index must be an integer in 0 … 2^64 − 2, not {leaf_index!r}")
    size = _digest_size(h)
    if not isinstance(leaf_hash, (bytes, bytearray, memoryview)) or len(leaf_hash) != size:
        raise ValueError(f"leaf_hash must be the {size}-byte hash of the leaf (merkle.leaf_hash(data)), not the leaf data")
    current = bytes(leaf_hash)
    level, index = 0, leaf_index
    out = [(0, leaf_index, current)]
    while index & 1:
        current = node_hash(_node(source, level, index - 1, size), current, h)
        level, index = level + 1, index >> 1
        out.append((level, index, current))
    return out


class MemoryNodes:
    """A dict-backed :class:`NodeSource` with appends: for tests and offline verification."""

    def __init__(self, *, h: Hasher = sha256):
        self.h = h
        self.nodes: dict[tuple[int, int], bytes] = {}
        self.size = 0

    def node(self, level: int, index: int) -> bytes:
        return self.nodes[(level, index)]

    def append(self, leaf_data: bytes) -> int:
        """Append a leaf (its data; it is hashed here) and return its index."""
        return self.append_hash(leaf_hash(leaf_data, self.h))

    def append_hash(self, leaf: bytes) -> int:
        """Append a leaf given its leaf hash and return its index."""
        index = self.size
        for level, i, value in new_nodes(index, leaf, self, h=self.h):
            self.nodes[(level, i)] = value
        self.size += 1
        return index

    def root(self, size: int | None = None) -> bytes:
        return root(self.size if size is None else size, self, h=self.h)

    def __len__(self) -> int:
        return self.size


# --------------------------------------------------------------------------- roots and proofs


def root(size: int, source: NodeSource, *, h: Hasher = sha256) -> bytes:
    """MTH of the first ``size`` leaves, from at most ⌈log2(size)⌉+1 stored nodes."""
    _check_size(size)
    if size == 0:
        return empty_root(h)
    return _range_hash(0, size, source, h)


def inclusion_proof(index: int, size: int, source: NodeSource, *, h: Hasher = sha256) -> list[bytes]:
    """PATH(index, D[size]) of RFC 6962 §2.1.1 (audit path, leaf-side first)."""
    _check_size(size)
    if not _is_uint(index) or index >= size:
        raise ValueError(f"leaf index {index!r} is not in a tree of {size} leaves")
    digest = _digest_size(h)
    path: list[bytes] = []
    lo, hi = 0, size  # the subtree D[lo:hi] whose PATH is being computed
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            path.append(_range_hash(lo + k, hi, source, h))
            hi = lo + k
        else:
            path.append(_node(source, k.bit_length() - 1, lo // k, digest))
            lo += k
    path.reverse()
    return path


def consistency_proof(old_size: int, new_size: int, source: NodeSource, *, h: Hasher = sha256) -> list[bytes]:
    """PROOF(old_size, D[new_size]) of RFC 6962 §2.1.2; empty when old_size is 0 or equals new_size."""
    _check_size(old_size)
    _check_size(new_size)
    if old_size > new_size:
        raise ValueError(f"old size {old_size} is larger than new size {new_size}")
    if old_size == 0 or old_size == new_size:
        return []
    digest = _digest_size(h)
    proof: list[bytes] = []
    m, lo, hi, complete = old_size, 0, new_size, True  # SUBPROOF(m, D[lo:hi], complete)
    while True:
        n = hi - lo
        if m == n:
            if not complete:
                proof.append(_range_hash(lo, hi, source, h))
            break
        k = _split(n)
        if m <= k:
            proof.append(_range_hash(lo + k, hi, source, h))
            hi = lo + k
        else:
            proof.append(_node(source, k.bit_length() - 1, lo // k, digest))
            lo, m, complete = lo + k, m - k, False
    proof.reverse()
    return proof


# --------------------------------------------------------------------------- verification


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes, *, h: Hasher = sha256) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show leaf ``index`` with ``leaf_hash`` in the tree ``(size, root)``?"""
    try:
        digest = _digest_size(h)
        if not (_is_uint(index) and _is_uint(size) and size <= MAX_TREE_SIZE and index < size):
            return False
        if not (_is_hash(leaf_hash, digest) and _is_hash(root, digest)):
            return False
        path = _hash_list(proof, digest)
        if path is None or len(path) != _inclusion_length(index, size):
            return False
        fn, sn = index, size - 1
        r = bytes(leaf_hash)
        for p in path:
            if sn == 0:
                return False
            if fn & 1 or fn == sn:
                r = node_hash(p, r, h)
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
            else:
                r = node_hash(r, p, h)
            fn, sn = fn >> 1, sn >> 1
        return sn == 0 and hmac.compare_digest(r, bytes(root))
    except Exception:  # a verifier never raises: anything unexpected is "not proven"
        return False


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes], *, h: Hasher = sha256) -> bool:
    """RFC 9162 §2.1.4.2: is the tree ``(old_size, old_root)`` a prefix of ``(new_size, new_root)``?

    Edge cases: equal sizes need an empty proof and equal roots; size 0 needs
    an empty proof and ``old_root`` equal to the empty-tree root.
    """
    try:
        digest = _digest_size(h)
        if not (_is_uint(old_size) and _is_uint(new_size) and new_size <= MAX_TREE_SIZE and old_size <= new_size):
            return False
        if not (_is_hash(old_root, digest) and _is_hash(new_root, digest)):
            return False
        path = _hash_list(proof, digest)
        if path is None:
            return False
        old_root, new_root = bytes(old_root), bytes(new_root)
        if old_size == 0:
            empty_ok = hmac.compare_digest(old_root, empty_root(h))
            if new_size == 0:
                empty_ok = empty_ok and hmac.compare_digest(new_root, old_root)
            return not path and empty_ok
        if old_size == new_size:
            return not path and hmac.compare_digest(old_root, new_root)
        if not path or len(path) != _consistency_length(old_size, new_size):
            return False
        if old_size & (old_size - 1) == 0:  # exact power of 2
            path = [old_root, *path]
        fn, sn = old_size - 1, new_size - 1
        while fn & 1:
            fn, sn = fn >> 1, sn >> 1
        fr = sr = path[0]
        for c in path[1:]:
            if sn == 0:
                return False
            if fn & 1 or fn == sn:
                fr = node_hash(c, fr, h)
                sr = node_hash(c, sr, h)
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
            else:
                sr = node_hash(sr, c, h)
            fn, sn = fn >> 1, sn >> 1
        return sn == 0 and hmac.compare_digest(fr, old_root) and hmac.compare_digest(sr, new_root)
    except Exception:  # a verifier never raises
        return False


def consistency_roots(old_size: int, new_size: int, proof: Sequence[bytes], *, h: Hasher = sha256) -> tuple[bytes, bytes] | None:
    """The pair (old root, new root) that a consistency proof rebuilds (RFC 9162 §2.1.4.2), or None.

    Defined only for ``0 < old_size < new_size`` with ``old_size`` not a power
    of two: only then does the proof itself carry the old tree's first subtree,
    so both roots follow from the proof alone.  A witness uses it to tell a
    forged proof (it does not rebuild the log-signed new root) from evidence
    of a fork (it rebuilds the signed new root, so the log's signature commits
    to an old root other than the one the witness holds).  ``None`` for
    malformed input or when the old root is not determined; never raises.
    ``verify_consistency(m, n, r_m, r_n, p)`` is true exactly when this returns
    ``(r_m, r_n)``, for those sizes.
    """
    try:
        digest = _digest_size(h)
        if not (_is_uint(old_size) and _is_uint(new_size) and new_size <= MAX_TREE_SIZE and 0 < old_size < new_size):
            return None
        if old_size & (old_size - 1) == 0:
            return None
        path = _hash_list(proof, digest)
        if not path or len(path) != _consistency_length(old_size, new_size):
            return None
        fn, sn = old_size - 1, new_size - 1
        while fn & 1:
            fn, sn = fn >> 1, sn >> 1
        fr = sr = path[0]
        for c in path[1:]:
            if sn == 0:
                return None
            if fn & 1 or fn == sn:
                fr = node_hash(c, fr, h)
                sr = node_hash(c, sr, h)
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
            else:
                sr = node_hash(sr, c, h)
            fn, sn = fn >> 1, sn >> 1
        return (fr, sr) if sn == 0 else None
    except Exception:  # like the verifiers, never raises
        return None


# --------------------------------------------------------------------------- internals


def _is_uint(x: object) -> bool:
    return type(x) is int and x >= 0  # bool is excluded on purpose


def _check_size(size: int) -> None:
    if not _is_uint(size) or size > MAX_TREE_SIZE:
        raise ValueError(f"tree size must be an integer in 0 … 2^64 − 1, not {size!r}")


def _is_hash(x: object, digest: int) -> bool:
    return isinstance(x, (bytes, bytearray, memoryview)) and len(x) == digest


def _hash_list(proof: object, digest: int) -> list[bytes] | None:
    if not isinstance(proof, (list, tuple)):
        return None
    if not all(_is_hash(p, digest) for p in proof):
        return None
    return [bytes(p) for p in proof]


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _node(source: NodeSource, level: int, index: int, digest: int) -> bytes:
    value = source.node(level, index)
    if not isinstance(value, (bytes, bytearray, memoryview)) or len(value) != digest:
        raise ValueError(f"node ({level}, {index}) from the store is not a {digest}-byte hash")
    return bytes(value)


def _blocks(lo: int, hi: int) -> Iterator[tuple[int, int]]:
    """Split ``[lo, hi)`` into maximal aligned power-of-two ranges, left to right, as (level, index).

    Valid for the ranges the RFC recursion produces: ``lo`` is a multiple of
    the largest power of two not above ``hi − lo``.
    """
    n = hi - lo
    pos = lo
    for level in range(n.bit_length() - 1, -1, -1):
        if n >> level & 1:
            if pos & ((1 << level) - 1):
                raise AssertionError(f"range [{lo}, {hi}) is not aligned")
            yield level, pos >> level
            pos += 1 << level


def _range_hash(lo: int, hi: int, source: NodeSource, h: Hasher) -> bytes:
    """MTH(D[lo:hi]) from complete-subtree nodes, folding right to left."""
    digest = _digest_size(h)
    parts = [_node(source, level, index, digest) for level, index in _blocks(lo, hi)]
    acc = parts[-1]
    for part in reversed(parts[:-1]):
        acc = node_hash(part, acc, h)
    return acc


def _inclusion_length(index: int, size: int) -> int:
    """len(PATH(index, D[size])) per RFC 6962, without hashing."""
    count, lo, hi = 0, 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            hi = lo + k
        else:
            lo += k
        count += 1
    return count


def _consistency_length(old_size: int, new_size: int) -> int:
    """len(PROOF(old_size, D[new_size])) per RFC 6962 for 0 < old_size < new_size, without hashing."""
    count, m, lo, hi, complete = 0, old_size, 0, new_size, True
    while True:
        n = hi - lo
        if m == n:
            return count + (0 if complete else 1)
        k = _split(n)
        if m <= k:
            hi = lo + k
        else:
            lo, m, complete = lo + k, m - k, False
        count += 1
