"""A real hub process, a trading platform that signs like one, and the supervision worker as its own process."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import connection

from etender.kernel import checkpoint as notes
from etender.kernel import merkle
from etender.kernel.canonical import canonical
from etender.kernel.codes import make_uscc
from etender.kernel.livetest import LiveService
from etender.kernel.signing import platform_signer
from etender.kernel.tlog_witness import request_body

SUPERVISION_CODE = make_uscc("11330000MB1JDPT00")


def http(url: str, body: bytes | None = None, content_type: str = "application/json") -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, headers={"Content-Type": content_type} if body is not None else {}, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class TradingPlatform:
    """Posts signed batches to the hub and keeps an operation log whose checkpoints the hub's witness cosigns."""

    def __init__(self, hub: LiveService, serial: int = 7):
        self.hub = hub
        self.code = make_uscc(f"91330100MA2{serial:06d}")
        self.key = Ed25519PrivateKey.generate()
        self.public = base64.b64encode(self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
        self.origin = f"trading-{serial}.example/audit/v1"
        self.signer = notes.NoteSigner(self.origin, self.key)
        self.tree = merkle.MemoryNodes()
        self.sequence = 0
        self.witnessed = 0
        hub.manage("register_platform", self.code, "之江电子招标投标交易平台", self.public, "--url", "http://127.0.0.1:1", "--activate")

    def send(self, records: list[dict]) -> dict:
        self.sequence += 1
        for r in records:  # the platform logs each change before it is delivered
            self.tree.append(canonical({"v": 1, "action": "disclose", "dataset": r["dataset"], "key": r["key"]}))
        body = {"platform": self.code, "sequence": self.sequence, "records": records}
        status, answer = http(self.hub.url + "/api/exchange/v1/batches", json.dumps({**body, "signature": base64.b64encode(self.key.sign(canonical(body))).decode()}, ensure_ascii=False).encode())
        assert status == 200, answer
        return json.loads(answer)

    def note(self, size: int, root: bytes | None = None) -> str:
        return self.signer.sign(notes.Checkpoint(self.origin, size, root or self.tree.root(size)).body())

    def witness(self) -> int:
        """Have the hub's witness cosign the current checkpoint."""
        size = self.tree.size
        proof = merkle.consistency_proof(self.witnessed, size, self.tree) if 0 < self.witnessed < size else []
        status, answer = http(self.hub.url + "/api/witness/v1/add-checkpoint", request_body(self.witnessed, proof, self.note(size)), "text/plain")
        assert status == 200, answer
        self.witnessed = size
        return size

    def fork(self) -> int:
        """Present another root for the witnessed size: the witness refuses it and raises a public alert."""
        status, _ = http(self.hub.url + "/api/witness/v1/add-checkpoint", request_body(self.witnessed, [], self.note(self.witnessed, b"\x07" * 32)), "text/plain")
        return status


def start_hub(tmp_path: Path) -> LiveService:
    hub = LiveService("hub", tmp_path, name="hub-for-supervision")
    hub.start(workers=2)
    hub.manage("register_platform", SUPERVISION_CODE, "浙江省招标投标行政监督平台", platform_signer().public_info()["public_key"], "--kind", "supervision", "--region", "330000", "--activate")
    return hub


class Worker:
    """`etender worker supervision` on the test database, with this process's signing key (the registered one)."""

    def __init__(self, hub: LiveService):
        db = connection.settings_dict
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("ETENDER_")},
            "ETENDER_DATABASE_URL": url,
            "ETENDER_VAR_DIR": str(settings.ETENDER_VAR_DIR),
            "ETENDER_INSTANCE": settings.ETENDER_INSTANCE,
            "ETENDER_HUB_URL": hub.url,
            "ETENDER_PLATFORM_CODE": SUPERVISION_CODE,
        }
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "etender.cli", "worker", "supervision"], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def errors(self) -> str:
        if self.proc is None or self.proc.poll() is None:
            return ""
        return self.proc.stderr.read().decode("utf-8", "replace")[-3000:]


def wait_for(predicate, timeout: float = 60.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what or predicate}")
