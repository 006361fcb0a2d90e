"""This log's checkpoints cosigned by a live hub witness over HTTP (run under the trading settings).

The hub is a real ``etender serve hub`` process on its own SQLite database;
this platform's signing key is registered and activated there first.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client

from etender.kernel import checkpoint as notes
from etender.kernel.audit import log
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.models import Cosignature, WitnessState
from etender.kernel.audit.services import audit_record
from etender.kernel.audit.witness import submit_to_witness
from etender.kernel.signing import platform_signer

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PLATFORM_CODE = "91330100MA2AAAAA0B"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    """``etender serve hub`` in a subprocess, with its own var directory (stop and start keep its state)."""

    def __init__(self, var_dir):
        self.var_dir = var_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ETENDER_") and k != "DJANGO_SETTINGS_MODULE"}
        self.env.update({"ETENDER_VAR_DIR": str(var_dir), "ETENDER_INSTANCE": "hub", "DJANGO_SETTINGS_MODULE": "etender.hub.settings"})
        self.proc: subprocess.Popen | None = None

    def manage(self, *args: str) -> str:
        return subprocess.run([sys.executable, "-m", "etender.cli", "manage", "hub", "--name", "hub", *args], env=self.env, check=True, capture_output=True, text=True).stdout

    def start(self, migrate: bool = True) -> None:
        args = [sys.executable, "-m", "etender.cli", "serve", "hub", "--name", "hub", "--port", str(self.port), "--workers", "1"]
        if not migrate:
            args.append("--no-migrate")
        self.proc = subprocess.Popen(args, env=self.env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the hub did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def get(self, path: str):
        with urllib.request.urlopen(self.url + path, timeout=10) as r:
            return json.loads(r.read())


@pytest.fixture
def hub(tmp_path, settings, monkeypatch):
    monkeypatch.delenv("ETENDER_WITNESS_KEY", raising=False)
    h = Hub(tmp_path / "hub")
    h.start()
    h.manage("register_platform", PLATFORM_CODE, "之江电子招标投标交易平台", platform_signer().public_info()["public_key"], "--activate")
    settings.ETENDER_HUB_URL = h.url
    yield h
    h.stop()


def record(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(actor=Actor(user_id=1, username="tester", ip="127.0.0.1"), action="test.event", data={"i": i})


def hub_verifier(hub: Hub) -> notes.NoteVerifier:
    return notes.NoteVerifier.from_key(hub.get("/api/witness/v1/key")["verifier_key"])


def test_checkpoints_are_cosigned_by_a_live_hub(hub, frozen_clock):
    witness = hub_verifier(hub)
    own = notes.NoteVerifier.from_key(log.verifier_key())
    assert submit_to_witness() == 0  # nothing to submit yet
    record(5)
    log.checkpoint_issue(reason="test")
    record(4)
    log.checkpoint_issue(reason="test")
    assert submit_to_witness() == 2
    state = WitnessState.objects.get()
    assert (state.url, state.size, state.attempts, state.verifier_key) == (hub.url + "/api/witness/v1", 9, 0, witness.verifier_key())
    assert Cosignature.objects.filter(witness=witness.name).count() == 2

    # the log API serves the cosigned note: it opens with this log's key and the hub's published key
    served = Client().get("/api/log/checkpoint").json()
    cp = notes.parse_signed_checkpoint(served["note"], [own, witness], required=[own.name, witness.name], origin=log.origin())
    assert cp.size == 9 and served["cosignatures"][0]["witness"] == witness.name
    listed = Client().get("/api/log/checkpoints").json()
    assert [len(c["cosignatures"]) for c in listed] == [1, 1]
    # the hub shows the same state
    (witnessed,) = hub.get("/api/witness/v1/logs")
    assert (witnessed["origin"], witnessed["size"], witnessed["root"], witnessed["platform_code"]) == (log.origin(), 9, cp.root.hex(), PLATFORM_CODE)
    assert submit_to_witness() == 0  # nothing new

    # this side forgets what the witness holds: the 409 tells it, and it carries on at once
    WitnessState.objects.update(size=0)
    record(3)
    log.checkpoint_issue(reason="test")
    assert submit_to_witness() == 1
    assert WitnessState.objects.get().size == 12
    assert notes.parse_signed_checkpoint(Client().get("/api/log/checkpoint").json()["note"], [own, witness], required=[own.name, witness.name]).size == 12

    # the hub goes down: nothing is lost, retries back off
    hub.stop()
    record(2)
    log.checkpoint_issue(reason="test")
    assert submit_to_witness() == 0
    state = WitnessState.objects.get()
    assert state.attempts == 1 and state.next_attempt_at == frozen_clock.now() + timedelta(seconds=1) and "Connection refused" in state.last_error
    frozen_clock.advance(seconds=1)
    assert submit_to_witness() == 0
    state = WitnessState.objects.get()
    assert state.attempts == 2 and state.next_attempt_at == frozen_clock.now() + timedelta(seconds=2)
    assert submit_to_witness() == 0 and WitnessState.objects.get().attempts == 2  # waiting: no attempt
    assert Client().get("/api/log/witnesses").json()[0]["attempts"] == 2
    hub.start(migrate=False)
    frozen_clock.advance(seconds=2)
    assert submit_to_witness() == 1
    state = WitnessState.objects.get()
    assert (state.size, state.attempts, state.next_attempt_at, state.last_error) == (14, 0, None, "")
    assert Cosignature.objects.count() == 4


def test_a_pinned_witness_key_that_does_not_match_is_never_trusted(hub, frozen_clock, monkeypatch):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = notes.CosignatureSigner(hub_verifier(hub).name, Ed25519PrivateKey.generate())
    monkeypatch.setenv("ETENDER_WITNESS_KEY", other.verifier_key())
    record(3)
    log.checkpoint_issue(reason="test")
    assert submit_to_witness() == 0
    state = WitnessState.objects.get()
    assert "does not verify" in state.last_error or "no cosignature" in state.last_error
    assert not Cosignature.objects.exists()
    assert notes.parse_note(Client().get("/api/log/checkpoint").json()["note"])[1][0].name == log.origin()
