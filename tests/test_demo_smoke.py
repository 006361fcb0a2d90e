"""`make demo` on the embedded SQLite default: every service migrates, seeds, serves and answers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

PORTS = {"hub": 8000, "trading-a": 8101, "trading-b": 8102, "supervision": 8200}


def get(url: str, lang: str | None = None) -> tuple[int, str]:
    req = urllib.request.Request(url, headers={"Cookie": f"django_language={lang}"} if lang else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


@pytest.mark.slow
def test_demo_serves_all_four_services(tmp_path, repo_root):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETENDER_")}
    proc = subprocess.Popen([sys.executable, "-m", "etender.cli", "demo", "--var-dir", str(tmp_path / "demo")], cwd=repo_root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        out = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            out.append(line)
            if "Press Ctrl-C to stop" in line:
                break
        text = "".join(out)
        assert "etender demo is running" in text, text[-3000:]
        for name, port in PORTS.items():
            status, body = get(f"http://127.0.0.1:{port}/healthz")
            assert status == 200 and '"database": "ok"' in body, (name, body)
            assert '"vendor": "sqlite"' in body
            status, body = get(f"http://127.0.0.1:{port}/api/openapi.json")
            assert status == 200 and '"openapi"' in body
            for lang in ("zh-hans", "en"):
                status, body = get(f"http://127.0.0.1:{port}/", lang)
                assert status == 200, (name, lang, status)
                assert f'lang="{lang}"' in body
        status, body = get("http://127.0.0.1:8101/", "zh-hans")
        assert "招标公告" in body
        status, body = get("http://127.0.0.1:8101/", "en")
        assert "Tender announcements" in body
        status, body = get("http://127.0.0.1:8102/api/tenders")
        assert status == 200 and "滨江区" in body
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
