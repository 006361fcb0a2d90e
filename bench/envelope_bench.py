#!/usr/bin/env python3
"""Sealing and opening throughput of the double envelope (issue 3), next to the raw cipher speed.

    python bench/envelope_bench.py                 # 200 bids × 20 MB, both suites
    python bench/envelope_bench.py --bids 20 --mb 5

For each suite: seal (bidder path + 2-of-3 custodian shares, signature) and
open (combine 2 custodian shares, verify the commitment, decrypt) every bid,
and print MB/s; the baseline is the raw AEAD (AES-128-GCM / SM4-GCM over
1 MiB chunks with `cryptography`) measured in the same run on the same data.
Peak memory (tracemalloc) shows the streaming stays flat.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402

from etender.kernel import envelope  # noqa: E402

CHUNK = 1 << 20


class Sink(io.RawIOBase):
    """A writable that keeps the bytes (one envelope at a time)."""

    def __init__(self):
        self.buf = io.BytesIO()

    def writable(self):
        return True

    def write(self, b):
        return self.buf.write(b)


def raw_speed(suite: str, data: bytes, repeat: int) -> float:
    key, nonce = os.urandom(16), os.urandom(12)
    start = time.perf_counter()
    for _ in range(repeat):
        for off in range(0, len(data), CHUNK):
            chunk = data[off : off + CHUNK]
            if suite == "intl":
                AESGCM(key).encrypt(nonce, chunk, b"")
            else:
                enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
                enc.update(chunk)
                enc.finalize()
    return len(data) * repeat / (time.perf_counter() - start) / 1e6


def run_suite(suite: str, bids: int, mb: int) -> None:
    data = os.urandom(mb << 20)
    bidder = envelope.generate_bidder_keys(suite)
    pairs = [envelope.generate_custodian_keys(suite) for _ in range(3)]
    custodians = [p.custodian_key(i + 1, f"custodian {i + 1}") for i, p in enumerate(pairs)]
    raw = raw_speed(suite, data, max(1, min(bids, 20)))
    seal_t = open_t = 0.0
    tracemalloc.start()
    for n in range(bids):
        out = Sink()
        t0 = time.perf_counter()
        envelope.seal_v2(plaintext=io.BytesIO(data), out=out, tender="E3301062026000001001", lot="E3301062026000001001001", bidder=f"BENCH{n:013d}", suite=suite, bidder_encryption_public=bidder.encryption_public, signing_private=bidder.signing_private, custodians=custodians, threshold=2)
        t1 = time.perf_counter()
        blob = out.buf.getvalue()
        shares = [envelope.decrypt_share(blob, custodian_index=i, custodian_private=pairs[i - 1].private) for i in (1, 3)]
        dek = envelope.combine_shares(blob, shares)
        envelope.open_envelope(envelope=io.BytesIO(blob), dek=dek, out=Sink())
        t2 = time.perf_counter()
        seal_t += t1 - t0
        open_t += t2 - t1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    total = bids * len(data) / 1e6
    print(f"{suite:5} {bids} bids × {mb} MB   seal {total / seal_t:8.1f} MB/s   open {total / open_t:8.1f} MB/s   "
          f"raw {'AES-128-GCM' if suite == 'intl' else 'SM4-GCM':11} {raw:8.1f} MB/s   peak traced {peak / 1e6:.1f} MB (incl. the envelope this benchmark keeps in memory)")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--bids", type=int, default=200)
    p.add_argument("--mb", type=int, default=20)
    p.add_argument("--suite", choices=["intl", "gm", "both"], default="both")
    a = p.parse_args()
    for suite in (["intl", "gm"] if a.suite == "both" else [a.suite]):
        run_suite(suite, a.bids, a.mb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
