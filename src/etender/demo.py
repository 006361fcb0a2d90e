"""`etender demo`: every service on the embedded SQLite default, seeded, with its worker."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

DEMO_PASSWORD = "Demo-2026!"


@dataclass(frozen=True)
class Instance:
    service: str
    name: str
    port: int
    title: str
    platform_code: str = ""


INSTANCES = [
    Instance("hub", "hub", 8000, "浙江省招标投标公共服务平台"),
    Instance("trading", "trading-a", 8101, "之江电子招标投标交易平台", "91330100MA2AAAAA0B"),
    Instance("trading", "trading-b", 8102, "钱塘数智招采交易平台", "91330108MA2DDDDD0P"),
    Instance("supervision", "supervision", 8200, "浙江省招标投标行政监督平台", "11330000MB1JDPT00L"),
]


#: Added to every port (``etender demo --port-offset``), so that tests can run several ecosystems side by side.
PORT_OFFSET = int(os.environ.get("ETENDER_DEMO_PORT_OFFSET", "0") or 0)


def port(inst: Instance) -> int:
    return inst.port + PORT_OFFSET


def url(name: str) -> str:
    """The address of a demo instance, e.g. ``url("hub")``."""
    return f"http://127.0.0.1:{port(next(i for i in INSTANCES if i.name == name))}"


#: Services whose users sign in with the hub account (OpenID Connect, docs/identity.md).
SSO_SERVICES = ("trading", "supervision")


def _env(inst: Instance, var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "ETENDER_VAR_DIR": str(var_dir),
        "ETENDER_INSTANCE": inst.name,
        "DJANGO_SETTINGS_MODULE": f"etender.{inst.service}.settings",
        "ETENDER_PLATFORM_NAME": inst.title,
    }
    env.pop("ETENDER_DATABASE_URL", None)
    if inst.platform_code:
        env["ETENDER_PLATFORM_CODE"] = inst.platform_code
    if inst.service == "trading":
        env["ETENDER_HUB_URL"] = url("hub")
        env["ETENDER_PUBLIC_URL"] = f"http://127.0.0.1:{port(inst)}"
        env["ETENDER_CODE_BLOCK"] = str([i.name for i in INSTANCES if i.service == "trading"].index(inst.name) + 1)
    if inst.service == "supervision":  # reads the hub's change feed with the supervision scope (signed requests)
        env["ETENDER_HUB_URL"] = url("hub")
    if inst.service in SSO_SERVICES:  # sign-in with the hub account; the secret is in <var>/<instance>.sso-client-secret
        env["ETENDER_SSO_ISSUER"] = url("hub") + "/o"
        env["ETENDER_SSO_CLIENT_ID"] = inst.name
        for k in ("ETENDER_SSO_CLIENT_SECRET", "ETENDER_SSO_CLIENT_SECRET_FILE", "ETENDER_SSO_REDIRECT_URI"):
            env.pop(k, None)
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "etender.cli", *args]


def prepare(var_dir: Path, *, reset: bool = False) -> None:
    """Migrate and seed every instance (idempotent)."""
    if reset and var_dir.exists():
        shutil.rmtree(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    for inst in INSTANCES:
        env = _env(inst, var_dir)
        subprocess.run(_cli("manage", inst.service, "--name", inst.name, "migrate", "--no-input", "-v", "0"), env=env, check=True)
        subprocess.run(_cli("manage", inst.service, "--name", inst.name, "seed_demo"), env=env, check=True)
        if inst.service == "supervision":
            subprocess.run(_cli("manage", inst.service, "--name", inst.name, "monitor_seed_demo"), env=env, check=True)
    hub = next(i for i in INSTANCES if i.service == "hub")
    for inst in INSTANCES:
        if inst.service not in ("trading", "supervision"):
            continue
        key = subprocess.run(
            _cli("manage", inst.service, "--name", inst.name, "shell", "-c", "from etender.kernel.signing import platform_signer; print(platform_signer().public_info()['public_key'])"),
            env=_env(inst, var_dir), check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]
        subprocess.run(
            _cli("manage", "hub", "--name", hub.name, "register_platform", inst.platform_code, inst.title, key, "--url", f"http://127.0.0.1:{port(inst)}", "--activate",
                 *(("--kind", "supervision", "--region", "330000") if inst.service == "supervision" else ())),
            env=_env(hub, var_dir), check=True, stdout=subprocess.DEVNULL,
        )
    # Single sign-on: each trading and supervision platform is an OIDC client of the hub (redirect URIs follow --port-offset).
    for inst in INSTANCES:
        if inst.service not in SSO_SERVICES:
            continue
        secret_file = var_dir / f"{inst.name}.sso-client-secret"
        if not secret_file.exists():
            fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(32))
        subprocess.run(
            _cli("manage", "hub", "--name", hub.name, "oidc_client", "--client-id", inst.name, "--title", inst.title, "--secret-file", str(secret_file),
                 "--redirect-uri", f"http://127.0.0.1:{port(inst)}/sso/callback/", "--post-logout-redirect-uri", f"http://127.0.0.1:{port(inst)}/"),
            env=_env(hub, var_dir), check=True, stdout=subprocess.DEVNULL,
        )
    subprocess.run(_cli("manage", "hub", "--name", hub.name, "seed_identity_demo"), env=_env(hub, var_dir), check=True, stdout=subprocess.DEVNULL)
    subprocess.run(_cli("manage", "hub", "--name", hub.name, "seed_experts_demo"), env=_env(hub, var_dir), check=True, stdout=subprocess.DEVNULL)


def _wait_healthy(port: int, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def start(var_dir: Path) -> list[subprocess.Popen]:
    procs = []
    for inst in INSTANCES:
        env = _env(inst, var_dir)
        procs.append(subprocess.Popen(_cli("serve", inst.service, "--name", inst.name, "--port", str(port(inst)), "--no-migrate", "--workers", "2"), env=env))
        procs.append(subprocess.Popen(_cli("worker", inst.service, "--name", inst.name), env=env))
    return procs


def stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()


def banner(var_dir: Path) -> str:
    keys = var_dir / "demo-keys"
    lines = [
        "",
        "etender demo is running (SQLite databases in " + str(var_dir) + ")",
        "",
        f"  公共服务平台 hub           {url('hub')}/",
        f"  交易平台 A trading-a       {url('trading-a')}/",
        f"  交易平台 B trading-b       {url('trading-b')}/",
        f"  行政监督平台 supervision   {url('supervision')}/",
        "",
        f"  Demo accounts (password {DEMO_PASSWORD}):",
        "    trading A/B: tenderer (招标人), agency (招标代理), bidder1 … bidder4 (投标人), admin (平台运营),",
        "                 officer, notary (开标保管人 of the open tender, with admin)",
        "    hub, supervision: admin; supervision also fgw, zjt (department staff and heads: 监测, 投诉处理, 监督指令)",
        "    hub expert pool: zhuanjiaku (专家库管理员); experts zj01 … zj40 sign in on trading A/B with 使用公共服务平台账号登录",
        "    evaluation: on trading A the tenderer opens the opened tender's lot → 评标委员会 → draw 5 experts (A01) from the hub",
        "  One hub account for every platform: tongqu (浙江通衢建设有限公司, registered at the hub) signs in on trading A/B and",
        f"    supervision with 使用公共服务平台账号登录; register more at {url('hub')}/identity/register/",
        f"  Sealing keys: {keys}/trading-a/bidder1.key.json …, custodian keys: {keys}/trading-a/custodian-1-officer.key.json …",
        "    seal a bid:  etender bid seal --key …/bidder1.key.json --tender <招标项目编号> --lot <标段编号> --bidder <信用代码> --price 9800000 --file bid.pdf --out bid.etenv",
        "",
        "  API docs: /api/docs on every service.  Press Ctrl-C to stop.",
        "",
    ]
    return "\n".join(lines)


def run_demo(*, var_dir: Path, reset: bool = False) -> int:
    var_dir = var_dir.resolve()
    prepare(var_dir, reset=reset)
    procs = start(var_dir)
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        for inst in INSTANCES:
            if not _wait_healthy(port(inst)):
                print(f"demo: {inst.name} did not become healthy on :{port(inst)}", file=sys.stderr)
                return 1
        print(banner(var_dir), flush=True)
        while not stopping:
            if any(p.poll() is not None for p in procs):
                print("demo: a process exited; stopping", file=sys.stderr)
                return 1
            time.sleep(0.5)
        return 0
    finally:
        stop(procs)
