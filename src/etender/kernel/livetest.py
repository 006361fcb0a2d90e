"""A real service instance in its own process and its own PostgreSQL database, for tests across services.

Services never import each other, so a test of one service talking to another
starts the other for real: ``LiveService("hub", tmp_path)`` creates a database
next to the test database, migrates it, and ``start()`` serves it with the
production server on a free port.  ``kill()`` is a SIGKILL (power cut).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveService:
    def __init__(self, service: str, tmp_path: Path, *, name: str | None = None, env: dict[str, str] | None = None):
        from django.db import connection

        self.service = service
        self.name = name or f"{service}-live"
        url = os.environ["ETENDER_DATABASE_URL"]
        self.db = f"{service}_{os.getpid()}_{time.monotonic_ns() % 10**10}"
        with connection.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{self.db}"')
        u = urlparse(url)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("ETENDER_")},
            "ETENDER_DATABASE_URL": u._replace(path="/" + self.db).geturl(),
            "ETENDER_VAR_DIR": str(tmp_path / self.name),
            "ETENDER_INSTANCE": self.name,
            **(env or {}),
        }
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.manage("migrate", "--no-input", "-v", "0")
        self.proc: subprocess.Popen | None = None
        self.worker_proc: subprocess.Popen | None = None

    def manage(self, *args: str) -> str:
        r = subprocess.run([sys.executable, "-m", "etender.cli", "manage", self.service, *args], env=self.env, capture_output=True, text=True, timeout=180)
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout

    def start(self, *, workers: int = 1) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "etender.cli", "serve", self.service, "--port", str(self.port), "--no-migrate", "--workers", str(workers)], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        for _ in range(300):
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start")

    def start_worker(self) -> None:
        self.worker_proc = subprocess.Popen([sys.executable, "-m", "etender.cli", "worker", self.service], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def kill(self) -> None:
        for p in (self.proc, self.worker_proc):
            if p is not None and p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Any:
        req = urllib.request.Request(self.url + path, headers=headers or {})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read().decode("utf-8"))

    def post(self, path: str, body: Any) -> tuple[int, Any]:
        req = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def close(self) -> None:
        from django.db import connection

        self.kill()
        with connection.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
