"""The whole demo ecosystem (hub, two trading platforms, supervision, their workers) on free ports, for system tests."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTS = {"hub": 8000, "trading-a": 8101, "trading-b": 8102, "supervision": 8200}


@dataclass
class Ecosystem:
    var_dir: Path
    offset: int
    proc: subprocess.Popen

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{PORTS[name] + self.offset}"

    def manage(self, instance: str, *args: str) -> str:
        """A management command of one instance, with the demo's environment."""
        service = instance.split("-")[0]
        env = {k: v for k, v in os.environ.items() if not k.startswith("ETENDER_")}
        env.update({"ETENDER_VAR_DIR": str(self.var_dir), "ETENDER_INSTANCE": instance, "ETENDER_DEMO_PORT_OFFSET": str(self.offset)})
        r = subprocess.run([sys.executable, "-m", "etender.cli", "manage", service, "--name", instance, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def start(var_dir: Path, offset: int | None = None, timeout: float = 300) -> Ecosystem:
    offset = offset if offset is not None else random.randrange(20, 400) * 10 + 10000
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETENDER_")}
    proc = subprocess.Popen([sys.executable, "-m", "etender.cli", "demo", "--var-dir", str(var_dir), "--port-offset", str(offset)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    out: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        out.append(line)
        if "Press Ctrl-C to stop" in line:
            break
    text = "".join(out)
    if "etender demo is running" not in text:
        os.killpg(proc.pid, signal.SIGKILL)
        raise RuntimeError("the demo did not start:\n" + text[-4000:])
    # Keep reading the demo's output so that its pipe never fills up.
    import threading

    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    return Ecosystem(var_dir=var_dir, offset=offset, proc=proc)
