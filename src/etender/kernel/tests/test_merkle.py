"""Tests of the RFC 6962 / RFC 9162 Merkle tree (etender.kernel.merkle).

Three layers of evidence:

1. published RFC 6962 test vectors (the certificate-transparency leaf set
   d0…d7, as in transparency-dev/merkle ``testonly/constants.go`` and
   ``proof/verify_test.go``);
2. an independent recursive reference (``ref_path`` / ``ref_proof`` below,
   written from the RFC text) compared with the node-store implementation
   for every 1 ≤ m ≤ n ≤ 70, and by hypothesis for sizes up to 5000;
3. negative tests: every single-bit change of leaf, root or proof element,
   wrong index, truncated/extended/reordered proofs and malformed input must
   give ``False`` (never an exception).
"""

from __future__ import annotations

import hashlib
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etender.kernel import merkle
from etender.kernel.merkle import (
    EMPTY_ROOT,
    MemoryNodes,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    new_nodes,
    node_hash,
    root,
    root_from_leaves,
    verify_consistency,
    verify_inclusion,
)

# --------------------------------------------------------------------------- references


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) exactly as RFC 6962 §2.1.1 (d are leaf hashes)."""
    n = len(d)
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return ref_path(m, d[:k]) + [root_from_leaves(d[k:])]
    return ref_path(m - k, d[k:]) + [root_from_leaves(d[:k])]


def ref_subproof(m: int, d: list[bytes], complete: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) exactly as RFC 6962 §2.1.2."""
    n = len(d)
    if m == n:
        return [] if complete else [root_from_leaves(d)]
    k = _split(n)
    if m <= k:
        return ref_subproof(m, d[:k], complete) + [root_from_leaves(d[k:])]
    return ref_subproof(m - k, d[k:], False) + [root_from_leaves(d[:k])]


def ref_proof(m: int, d: list[bytes]) -> list[bytes]:
    return ref_subproof(m, d, True)


def flip(b: bytes, bit: int = 0) -> bytes:
    out = bytearray(b)
    out[bit // 8 % len(out)] ^= 1 << (bit % 8)
    return bytes(out)


SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")

# --------------------------------------------------------------------------- published vectors

RFC_LEAVES = [bytes.fromhex(x) for x in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]]
RFC_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (level, index) -> hash of the complete subtrees of the 8-leaf tree.
RFC_NODES = {
    (0, 0): "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    (0, 1): "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    (0, 2): "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    (0, 3): "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    (0, 4): "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    (0, 5): "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    (0, 6): "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    (0, 7): "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    (1, 0): "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    (1, 1): "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    (1, 2): "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
    (1, 3): "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    (2, 0): "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    (2, 1): "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    (3, 0): "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
# (index, size) -> audit path; indices are 0-based here.
RFC_INCLUSION = {
    (0, 8): ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
    (5, 8): ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
    (2, 3): ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    (1, 5): ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"],
    (0, 1): [],
}
RFC_CONSISTENCY = {
    (1, 1): [],
    (1, 8): ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
    (6, 8): ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
    (2, 5): ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"],
    (6, 7): ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
}


@cache
def rfc_tree() -> MemoryNodes:
    tree = MemoryNodes()
    for data in RFC_LEAVES:
        tree.append(data)
    return tree


def test_empty_root_is_sha256_of_nothing():
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert root(0, MemoryNodes()) == EMPTY_ROOT
    assert root_from_leaves([]) == EMPTY_ROOT


def test_leaf_and_node_hash_domain_separation():
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    # A leaf whose data is the concatenation of two hashes is not an interior node.
    l, r = leaf_hash(b"l"), leaf_hash(b"r")
    assert leaf_hash(l + r) != node_hash(l, r)


@pytest.mark.parametrize("size", range(9))
def test_published_roots(size):
    assert root(size, rfc_tree()).hex() == RFC_ROOTS[size]
    assert root_from_leaves([leaf_hash(d) for d in RFC_LEAVES[:size]]).hex() == RFC_ROOTS[size]


def test_published_node_hashes_are_exactly_the_stored_nodes():
    assert {k: v.hex() for k, v in rfc_tree().nodes.items()} == RFC_NODES


@pytest.mark.parametrize(("index", "size"), sorted(RFC_INCLUSION))
def test_published_inclusion_proofs(index, size):
    expected = [bytes.fromhex(x) for x in RFC_INCLUSION[(index, size)]]
    assert inclusion_proof(index, size, rfc_tree()) == expected
    assert verify_inclusion(leaf_hash(RFC_LEAVES[index]), index, size, expected, bytes.fromhex(RFC_ROOTS[size]))


@pytest.mark.parametrize(("old", "new"), sorted(RFC_CONSISTENCY))
def test_published_consistency_proofs(old, new):
    expected = [bytes.fromhex(x) for x in RFC_CONSISTENCY[(old, new)]]
    assert consistency_proof(old, new, rfc_tree()) == expected
    assert verify_consistency(old, new, bytes.fromhex(RFC_ROOTS[old]), bytes.fromhex(RFC_ROOTS[new]), expected)


# --------------------------------------------------------------------------- exhaustive, n ≤ 70

N = 70


@cache
def small() -> tuple[MemoryNodes, list[bytes]]:
    tree = MemoryNodes()
    for i in range(N):
        tree.append(b"event %d" % i)
    return tree, [leaf_hash(b"event %d" % i) for i in range(N)]


def inclusion_probes(leaf: bytes, index: int, size: int, proof: list[bytes], rt: bytes):
    """(description, args) that must all fail to verify."""
    yield "wrong leaf", (flip(leaf), index, size, proof, rt)
    yield "leaf hash of another leaf", (leaf_hash(leaf), index, size, proof, rt)
    yield "wrong root", (leaf, index, size, proof, flip(rt, 255))
    yield "empty-tree root", (leaf, index, size, proof, EMPTY_ROOT)
    for other in {index - 1, index + 1, index ^ 1, index ^ 2, index ^ 4}:
        if other != index and 0 <= other:
            yield f"index {other}", (leaf, other, size, proof, rt)
    yield "index = size", (leaf, size, size, proof, rt)
    yield "extended with root", (leaf, index, size, [*proof, rt], rt)
    yield "extended with leaf", (leaf, index, size, [*proof, leaf], rt)
    yield "prepended", (leaf, index, size, [SOME_HASH, *proof], rt)
    yield "empty element appended", (leaf, index, size, [*proof, b""], rt)
    if proof:
        yield "truncated", (leaf, index, size, proof[:-1], rt)
        yield "first element dropped", (leaf, index, size, proof[1:], rt)
        yield "short element", (leaf, index, size, [proof[0][:31], *proof[1:]], rt)
        yield "long element", (leaf, index, size, [proof[0] + b"\x00", *proof[1:]], rt)
        yield "as one bytes string", (leaf, index, size, b"".join(proof), rt)
        for i in range(len(proof)):
            for bit in (0, 7, 100, 255):
                bad = list(proof)
                bad[i] = flip(bad[i], bit)
                yield f"proof[{i}] bit {bit}", (leaf, index, size, bad, rt)
        if len(proof) > 1:
            yield "reversed", (leaf, index, size, proof[::-1], rt)
            yield "inserted", (leaf, index, size, [proof[0], SOME_HASH, *proof[1:]], rt)
            yield "replaced by some hash", (leaf, index, size, [SOME_HASH, *proof[1:]], rt)


def consistency_probes(old: int, new: int, r1: bytes, r2: bytes, proof: list[bytes]):
    yield "wrong old root", (old, new, flip(r1), r2, proof)
    if old == 0:
        # Every tree extends the empty tree: the new root cannot be checked, only the form.
        yield "non-empty proof from size 0", (old, new, r1, r2, [r2])
        yield "old size 1 with the empty proof", (1, new, r1, r2, proof)
        return
    yield "wrong new root", (old, new, r1, flip(r2, 200), proof)
    if r1 != r2:
        yield "swapped roots", (old, new, r2, r1, proof)
    for other in {old - 1, old + 1, old ^ 1, old ^ 2}:
        if other != old and 0 <= other:
            yield f"old size {other}", (other, new, r1, r2, proof)
    yield "old > new", (new + 1, new, r1, r2, proof)
    yield "extended with root", (old, new, r1, r2, [*proof, r2])
    yield "extended with old root", (old, new, r1, r2, [*proof, r1])
    yield "prepended old root", (old, new, r1, r2, [r1, *proof])
    yield "prepended new root", (old, new, r1, r2, [r2, *proof])
    yield "empty element appended", (old, new, r1, r2, [*proof, b""])
    if proof:
        yield "empty proof", (old, new, r1, r2, [])
        yield "truncated", (old, new, r1, r2, proof[:-1])
        yield "first element dropped", (old, new, r1, r2, proof[1:])
        yield "prepended proof[0]", (old, new, r1, r2, [proof[0], *proof])
        yield "short element", (old, new, r1, r2, [proof[0][:31], *proof[1:]])
        yield "as one bytes string", (old, new, r1, r2, b"".join(proof))
        for i in range(len(proof)):
            for bit in (0, 7, 100, 255):
                bad = list(proof)
                bad[i] = flip(bad[i], bit)
                yield f"proof[{i}] bit {bit}", (old, new, r1, r2, bad)
        if len(proof) > 1:
            yield "reversed", (old, new, r1, r2, proof[::-1])
            yield "inserted", (old, new, r1, r2, [proof[0], SOME_HASH, *proof[1:]])
    else:
        yield "non-empty proof for a trivial case", (old, new, r1, r2, [SOME_HASH])


@pytest.mark.parametrize("n", range(1, N + 1))
def test_roots_and_inclusion_for_every_index(n):
    tree, leaves = small()
    rt = root(n, tree)
    assert rt == root_from_leaves(leaves[:n])
    for index in range(n):
        proof = inclusion_proof(index, n, tree)
        assert proof == ref_path(index, leaves[:n]), (index, n)
        assert verify_inclusion(leaves[index], index, n, proof, rt)
        assert verify_inclusion(leaves[index], index, n, tuple(proof), rt)
        for desc, args in inclusion_probes(leaves[index], index, n, proof, rt):
            assert verify_inclusion(*args) is False, (desc, index, n)


@pytest.mark.parametrize("n", range(1, N + 1))
def test_consistency_for_every_old_size(n):
    tree, leaves = small()
    r2 = root(n, tree)
    for m in range(0, n + 1):
        r1 = root(m, tree)
        proof = consistency_proof(m, n, tree)
        if m == 0 or m == n:
            assert proof == []
        else:
            assert proof == ref_proof(m, leaves[:n]), (m, n)
        assert verify_consistency(m, n, r1, r2, proof)
        for desc, args in consistency_probes(m, n, r1, r2, proof):
            assert verify_consistency(*args) is False, (desc, m, n)


def test_a_root_does_not_bind_the_tree_size():
    """Known property of RFC 6962 (not a bug): the size is authenticated by the signed checkpoint.

    The path of leaf 0 in the 3-leaf tree also "verifies" as leaf 0 of a
    4-leaf tree with the same root, because a root hash does not encode the
    size.  Verifiers must therefore take size and root from one verified
    checkpoint, never the size from the caller and the root from elsewhere.
    """
    tree, leaves = small()
    proof = inclusion_proof(0, 3, tree)
    assert verify_inclusion(leaves[0], 0, 4, proof, root(3, tree))


# --------------------------------------------------------------------------- the node store


def test_stored_nodes_are_exactly_the_complete_subtrees():
    tree, leaves = small()
    expected = {}
    level = 0
    while (1 << level) <= N:
        width = 1 << level
        for k in range(N // width):
            expected[(level, k)] = root_from_leaves(leaves[k * width : (k + 1) * width])
        level += 1
    assert tree.nodes == expected


class CountingNodes:
    def __init__(self, inner):
        self.inner = inner
        self.reads: list[tuple[int, int]] = []

    def node(self, level, index):
        self.reads.append((level, index))
        return self.inner.node(level, index)


@pytest.mark.parametrize("index", [0, 1, 2, 3, 6, 7, 15, 22, 23, 31, 63, 64])
def test_new_nodes_are_the_leaf_then_parents_while_odd(index):
    tree, leaves = small()
    counting = CountingNodes(tree)
    out = new_nodes(index, leaves[index], counting)
    trailing_ones = len(bin(index)) - len(bin(index).rstrip("1"))
    assert len(out) == 1 + trailing_ones
    assert out[0] == (0, index, leaves[index])
    assert all(tree.node(level, k) == value for level, k, value in out)
    # It reads only left siblings, which exist before leaf `index` is appended.
    assert all((k + 1) << level <= index for level, k in counting.reads)
    assert len(counting.reads) == trailing_ones


def test_new_nodes_refuses_leaf_data_instead_of_a_leaf_hash():
    with pytest.raises(ValueError, match="leaf_hash"):
        new_nodes(0, b'{"v":1}', MemoryNodes())
    with pytest.raises(ValueError):
        new_nodes(-1, leaf_hash(b"x"), MemoryNodes())
    with pytest.raises(ValueError):
        new_nodes(True, leaf_hash(b"x"), MemoryNodes())


def test_missing_nodes_raise_keyerror():
    tree = MemoryNodes()
    tree.append(b"a")
    with pytest.raises(KeyError):
        root(2, tree)
    with pytest.raises(KeyError):
        new_nodes(3, leaf_hash(b"d"), tree)


def test_proof_arguments_are_checked():
    tree, _ = small()
    for bad in [(-1, 5), (5, 5), (0, 0), (1.0, 5), (True, 5)]:
        with pytest.raises(ValueError):
            inclusion_proof(*bad, tree)
    for bad in [(6, 5), (-1, 5), (1, 2**64), (1, 5.0)]:
        with pytest.raises(ValueError):
            consistency_proof(*bad, tree)
    with pytest.raises(ValueError):
        root(-1, tree)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 33, 64, 65, 69, 70])
def test_lookups_are_logarithmic(n):
    tree, _ = small()
    bound = 2 * n.bit_length() + 2
    c = CountingNodes(tree)
    root(n, c)
    assert len(c.reads) <= n.bit_length()
    for index in range(n):
        c.reads.clear()
        inclusion_proof(index, n, c)
        assert len(c.reads) <= bound, (index, n, c.reads)
    for m in range(1, n + 1):
        c.reads.clear()
        consistency_proof(m, n, c)
        assert len(c.reads) <= bound, (m, n, c.reads)


def test_corrupt_store_is_detected():
    class Broken:
        def node(self, level, index):
            return b"short"

    with pytest.raises(ValueError):
        root(3, Broken())


# --------------------------------------------------------------------------- malformed input to the verifiers


def test_verify_inclusion_never_raises_on_malformed_input():
    tree, leaves = small()
    rt, proof = root(5, tree), inclusion_proof(2, 5, tree)
    good = (leaves[2], 2, 5, proof, rt)
    assert verify_inclusion(*good)
    cases = [
        (leaves[2], 5, 5, proof, rt),  # index == size
        (leaves[2], 6, 5, proof, rt),  # index > size
        (leaves[2], -1, 5, proof, rt),
        (leaves[2], 0, 0, [], EMPTY_ROOT),  # nothing is in the empty tree
        (leaves[2], 2.0, 5, proof, rt),
        (leaves[2], True, 5, proof, rt),
        (leaves[2], 2, 5.0, proof, rt),
        (leaves[2], None, 5, proof, rt),
        (leaves[2], 2, 2**64, proof, rt),
        (leaves[2], 2**64, 2**64 + 1, proof, rt),
        (leaves[2], 2, 5, None, rt),
        (leaves[2], 2, 5, "proof", rt),
        (leaves[2], 2, 5, [p.hex() for p in proof], rt),
        (leaves[2], 2, 5, iter(proof), rt),
        (leaves[2], 2, 5, proof, rt.hex()),
        (leaves[2], 2, 5, proof, None),
        (leaves[2], 2, 5, proof, rt[:31]),
        (leaves[2][:31], 2, 5, proof, rt),
        (None, 2, 5, proof, rt),
        ("leaf", 2, 5, proof, rt),
        (b"", 2, 5, proof, rt),
    ]
    for args in cases:
        assert verify_inclusion(*args) is False, args

    def exploding(data=b""):
        raise RuntimeError("boom")

    assert verify_inclusion(*good, h=exploding) is False


def test_verify_inclusion_single_leaf():
    leaf = leaf_hash(b"data")
    assert verify_inclusion(leaf, 0, 1, [], leaf)
    assert not verify_inclusion(leaf, 0, 1, [leaf], leaf)
    assert not verify_inclusion(leaf, 0, 1, [], EMPTY_ROOT)
    assert not verify_inclusion(leaf, 1, 1, [], leaf)


def test_verify_consistency_never_raises_on_malformed_input():
    tree, _ = small()
    r3, r7 = root(3, tree), root(7, tree)
    proof = consistency_proof(3, 7, tree)
    assert verify_consistency(3, 7, r3, r7, proof)
    cases = [
        (7, 3, r7, r3, proof),  # old > new
        (8, 7, r3, r7, proof),
        (-1, 7, r3, r7, proof),
        (3, 7, r3, r7, []),
        (3, 7, r3, r7, None),
        (3, 7, r3, r7, "x"),
        (3, 7, r3, r7, [p.hex() for p in proof]),
        (3, 7, r3.hex(), r7, proof),
        (3, 7, r3, None, proof),
        (3, 7, r3[:16], r7, proof),
        (3.0, 7, r3, r7, proof),
        (True, 7, r3, r7, proof),
        (3, 2**64, r3, r7, proof),
        # size 0: only the empty proof and the empty-tree root
        (0, 7, EMPTY_ROOT, r7, [SOME_HASH]),
        (0, 7, r3, r7, []),
        (0, 0, EMPTY_ROOT, r7, []),
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]),
        # equal sizes: only the empty proof and equal roots
        (7, 7, r7, r7, [SOME_HASH]),
        (7, 7, r3, r7, []),
    ]
    for args in cases:
        assert verify_consistency(*args) is False, args
    assert verify_consistency(0, 7, EMPTY_ROOT, r7, [])
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert verify_consistency(7, 7, r7, r7, [])
    assert verify_consistency(3, 7, r3, r7, tuple(proof))


def test_a_proof_made_with_another_hash_fails():
    tree, leaves = small()
    proof = inclusion_proof(4, 9, tree)
    assert not verify_inclusion(leaves[4], 4, 9, proof, root(9, tree), h=hashlib.sha3_256)


# --------------------------------------------------------------------------- SM3 variant


def _has_sm3() -> bool:
    try:
        hashlib.new("sm3")
    except ValueError:
        return False
    return True


@pytest.mark.skipif(not _has_sm3(), reason="this OpenSSL has no SM3")
def test_sm3_variant():
    sm3 = merkle.sm3
    # GB/T 32905-2016 appendix A, example 1: SM3("abc").
    assert sm3(b"abc").hexdigest() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    tree = MemoryNodes(h=sm3)
    leaves = []
    for i in range(23):
        tree.append(b"e%d" % i)
        leaves.append(leaf_hash(b"e%d" % i, sm3))
    assert root(0, tree, h=sm3) == sm3(b"").digest()
    for n in range(1, 24):
        rt = root(n, tree, h=sm3)
        assert rt == root_from_leaves(leaves[:n], sm3) == tree.root(n)
        assert rt != root_from_leaves([leaf_hash(b"e%d" % i) for i in range(n)])
        for i in range(n):
            p = inclusion_proof(i, n, tree, h=sm3)
            assert verify_inclusion(leaves[i], i, n, p, rt, h=sm3)
            if p:  # (a one-leaf tree's root is its leaf hash, whatever the hash)
                assert not verify_inclusion(leaves[i], i, n, p, rt)  # SHA-256 verifier
        for m in range(1, n + 1):
            p = consistency_proof(m, n, tree, h=sm3)
            assert verify_consistency(m, n, root(m, tree, h=sm3), rt, p, h=sm3)


# --------------------------------------------------------------------------- hypothesis, sizes up to 5000

BIG = 5000


@cache
def big() -> tuple[MemoryNodes, list[bytes]]:
    tree = MemoryNodes()
    leaves = []
    for i in range(BIG):
        data = hashlib.sha256(b"big %d" % i).digest() + b"!" * (i % 7)
        tree.append(data)
        leaves.append(leaf_hash(data))
    return tree, leaves


@st.composite
def size_and_index(draw):
    n = draw(st.integers(1, BIG))
    return n, draw(st.integers(0, n - 1))


@st.composite
def two_sizes(draw):
    n = draw(st.integers(1, BIG))
    return draw(st.integers(1, n)), n


@settings(max_examples=150, deadline=None)
@given(size_and_index())
def test_inclusion_property(args):
    n, index = args
    tree, leaves = big()
    rt = root(n, tree)
    proof = inclusion_proof(index, n, tree)
    assert proof == ref_path(index, leaves[:n])
    assert rt == root_from_leaves(leaves[:n])
    assert verify_inclusion(leaves[index], index, n, proof, rt)
    assert len(proof) <= n.bit_length()
    for desc, probe in inclusion_probes(leaves[index], index, n, proof, rt):
        assert verify_inclusion(*probe) is False, desc


@settings(max_examples=150, deadline=None)
@given(two_sizes())
def test_consistency_property(args):
    m, n = args
    tree, leaves = big()
    r1, r2 = root(m, tree), root(n, tree)
    proof = consistency_proof(m, n, tree)
    assert proof == ([] if m == n else ref_proof(m, leaves[:n]))
    assert verify_consistency(m, n, r1, r2, proof)
    for desc, probe in consistency_probes(m, n, r1, r2, proof):
        assert verify_consistency(*probe) is False, desc


@settings(max_examples=100, deadline=None)
@given(two_sizes(), st.integers(0, 2**16), st.data())
def test_random_single_bit_tamper_fails(args, bit, data):
    m, n = args
    tree, leaves = big()
    r1, r2 = root(m, tree), root(n, tree)
    proof = consistency_proof(m, n, tree)
    if proof:
        i = data.draw(st.integers(0, len(proof) - 1))
        bad = list(proof)
        bad[i] = flip(bad[i], bit)
        assert not verify_consistency(m, n, r1, r2, bad)
    index = data.draw(st.integers(0, n - 1))
    path = inclusion_proof(index, n, tree)
    assert not verify_inclusion(flip(leaves[index], bit), index, n, path, r2)
    assert not verify_inclusion(leaves[index], index, n, path, flip(r2, bit))


@settings(max_examples=60, deadline=None)
@given(two_sizes())
def test_lookups_stay_logarithmic_at_scale(args):
    m, n = args
    tree, _ = big()
    c = CountingNodes(tree)
    consistency_proof(m, n, c)
    assert len(c.reads) <= 2 * n.bit_length() + 2
    c.reads.clear()
    inclusion_proof(m - 1, n, c)
    assert len(c.reads) <= 2 * n.bit_length() + 2
