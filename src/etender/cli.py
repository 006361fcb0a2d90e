"""The ``etender`` command.

    etender serve hub|trading|supervision [--port N] [--name NAME]
    etender worker hub|trading|supervision [--name NAME]
    etender manage SERVICE [--name NAME] -- <django-admin command>
    etender demo
    etender bid keygen | seal | unwrap      (the bidder's offline tools)
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path

import typer

app = typer.Typer(help="etender: Internet+ tendering and procurement", no_args_is_help=True, add_completion=False)
bid_app = typer.Typer(help="Offline tools of the bidder: keys, sealing, unwrapping at the opening", no_args_is_help=True)
app.add_typer(bid_app, name="bid")
custodian_app = typer.Typer(help="Tools of an opening custodian: per-tender keys, releasing shares, publishing the key", no_args_is_help=True)
app.add_typer(custodian_app, name="custodian")


class Service(str, Enum):
    hub = "hub"
    trading = "trading"
    supervision = "supervision"


DEFAULT_PORTS = {"hub": 8000, "trading": 8101, "supervision": 8200}
PERIODIC = {
    "trading": ["etender.trading.chronograph:tick", "etender.trading.award.chronograph:tick", "etender.kernel.audit.log:checkpoint_if_due", "etender.kernel.audit.witness:submit_to_witness", "etender.trading.outbox.services:deliver", "etender.trading.evaluation.services:poll_draws"],
    "hub": ["etender.kernel.audit.log:checkpoint_if_due", "etender.hub.portal.supervision_duties:refresh_due"],
    "supervision": ["etender.kernel.audit.log:checkpoint_if_due", "etender.supervision.complaints.services:periodic", "etender.supervision.monitor.services:periodic", "etender.supervision.directives.services:periodic"],
}
#: Run every ``FAST_INTERVAL`` seconds between the periodic passes: cheap when idle, quick when there is work.
FAST = {
    "trading": ["etender.trading.outbox.services:deliver_if_pending", "etender.trading.directives.services:poll_hub_fast"],
    "hub": ["etender.hub.exchange.services:forward_if_pending"],
    "supervision": ["etender.supervision.monitor.services:consume_if_pending", "etender.supervision.directives.services:send_if_pending"],
}
FAST_INTERVAL = 0.05


def _setup(service: str, name: str | None) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = f"etender.{service}.settings"
    os.environ.setdefault("ETENDER_INSTANCE", name or service)
    if name:
        os.environ["ETENDER_INSTANCE"] = name
    import django

    django.setup()


@app.command()
def serve(
    service: Service,
    port: int = typer.Option(None, help="TCP port (default: hub 8000, trading 8101, supervision 8200)"),
    name: str = typer.Option(None, help="instance name: its own database, media and keys"),
    host: str = typer.Option("127.0.0.1"),
    workers: int = typer.Option(2),
    migrate: bool = typer.Option(True, help="apply database migrations first"),
) -> None:
    """Serve one service over HTTP (gunicorn)."""
    svc = service.value
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": f"etender.{svc}.settings", "ETENDER_INSTANCE": name or os.environ.get("ETENDER_INSTANCE", svc)}
    if migrate:
        subprocess.run([sys.executable, "-m", "django", "migrate", "--no-input", "-v", "0"], env=env, check=True)
    port = port or DEFAULT_PORTS[svc]
    os.execvpe(
        sys.executable,
        [sys.executable, "-m", "gunicorn", f"etender.{svc}.wsgi:application", "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", "4", "--timeout", "300", "--access-logfile", "-", "--log-level", "warning"],
        env,
    )


@app.command()
def worker(
    service: Service,
    name: str = typer.Option(None),
    interval: float = typer.Option(1.0, help="seconds between passes"),
    once: bool = typer.Option(False, help="one pass, then exit"),
) -> None:
    """Run background jobs (django-tasks, database backend) and the periodic chronograph tick."""
    _setup(service.value, name)
    from django.db import close_old_connections
    from django_tasks_db.management.commands.db_worker import Worker

    def load(names: list[str]) -> list:
        out = []
        for dotted in names:
            module, func = dotted.split(":")
            out.append(getattr(importlib.import_module(module), func))
        return out

    periodic, fast = load(PERIODIC[service.value]), load(FAST[service.value])
    running = True

    def run(functions: list) -> None:
        for fn in functions:
            try:
                fn()
            except Exception as exc:  # keep going; the next pass retries from stored state
                print(f"worker: {fn.__module__}.{fn.__name__} failed: {exc!r}", file=sys.stderr)

    def stop(signum, frame):
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    jobs = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False, max_tasks=None, worker_id=f"{service.value}-{os.getpid()}", excluded_queue_names=[])
    while running:
        close_old_connections()
        run(periodic)
        jobs.running = True
        jobs.run()
        if once:
            run(fast)
            break
        until = time.monotonic() + interval
        while running and time.monotonic() < until:
            run(fast)
            time.sleep(FAST_INTERVAL)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context, service: Service, name: str = typer.Option(None)) -> None:
    """Run a Django management command for one service instance (e.g. createsuperuser)."""
    _setup(service.value, name)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["etender manage", *ctx.args])


@app.command()
def demo(var_dir: Path = typer.Option(Path("var/demo"), help="where the demo's SQLite databases and files live"), reset: bool = typer.Option(False, help="delete earlier demo data first"), port_offset: int = typer.Option(0, help="added to every port (hub 8000, trading 8101/8102, supervision 8200)")) -> None:
    """Run everything on SQLite: hub :8000, two trading platforms :8101 and :8102, supervision :8200."""
    if port_offset:
        os.environ["ETENDER_DEMO_PORT_OFFSET"] = str(port_offset)
    from etender.demo import run_demo

    raise typer.Exit(run_demo(var_dir=var_dir, reset=reset))


@app.command("verify-log")
def verify_log(
    export: Path = typer.Argument(..., help="the JSON lines of GET /api/log/export"),
    trusted: list[Path] = typer.Option([], help="a checkpoint note you hold from earlier (receipt, witness); repeatable"),
    key: str = typer.Option(None, help="the log's verifier key, obtained out of band (recommended)"),
) -> None:
    """Check an exported operation log offline: leaves, signatures, roots, and consistency with checkpoints you hold."""
    from etender.kernel.verify_log import verify_lines

    with open(export, encoding="utf-8") as f:
        report = verify_lines(f, trusted_notes=[p.read_text(encoding="utf-8") for p in trusted], pinned_key=key)
    for problem in report.problems:
        typer.echo(f"FAIL {problem}", err=True)
    typer.echo(f"{report.leaves} leaves, {report.checkpoints} checkpoints: {'OK' if report.ok else 'NOT OK'}")
    raise typer.Exit(0 if report.ok else 1)


# --------------------------------------------------------------------------- bidder tools


@bid_app.command("keygen")
def bid_keygen(
    out: Path = typer.Option(Path("bidder"), help="file prefix: writes PREFIX.key.json (secret) and PREFIX.pub.json (register it)"),
    suite: str = typer.Option("intl", help="intl (X25519/Ed25519) or gm (SM2)"),
) -> None:
    """Create the bidder's key pair for sealing and signing."""
    from etender.kernel import envelope

    keys = envelope.generate_bidder_keys(suite)
    secret, public = Path(f"{out}.key.json"), Path(f"{out}.pub.json")
    if secret.exists():
        typer.echo(f"{secret} exists; refusing to overwrite a private key", err=True)
        raise typer.Exit(2)
    fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(envelope.keys_to_json(keys, include_private=True), f, indent=2)
    public.write_text(json.dumps(envelope.keys_to_json(keys, include_private=False), indent=2))
    typer.echo(f"private key: {secret} (keep it secret and safe)\npublic key:  {public} (register it on the platform)\nkey id:      {envelope.key_id(keys.encryption_public)}")


def _load_keys(path: Path):
    from etender.kernel import envelope

    try:
        keys = envelope.keys_from_json(json.loads(path.read_text()))
    except (OSError, ValueError) as exc:
        typer.echo(f"cannot read key file {path}: {exc}", err=True)
        raise typer.Exit(2) from None
    return keys


@bid_app.command("seal")
def bid_seal(
    key: Path = typer.Option(..., help="your private key file (PREFIX.key.json)"),
    tender: str = typer.Option(..., help="招标项目编号 (20 characters)"),
    lot: str = typer.Option(..., help="标段编号 (23 characters)"),
    bidder: str = typer.Option(..., help="your 统一社会信用代码"),
    price: str = typer.Option(..., help="bid price in yuan, e.g. 12345678.00"),
    file: list[Path] = typer.Option([], help="documents to include (repeatable)"),
    duration_days: int = typer.Option(None),
    quality: str = typer.Option(None),
    out: Path = typer.Option(..., help="the sealed envelope to upload (.etenv)"),
    custodians: Path = typer.Option(None, help="the tender's custodian set (JSON of GET /api/tenders/{id}/custodians): seals a format 2 double envelope"),
) -> None:
    """Seal a bid offline (电子办法 26): encrypt to your own key (and the tender's custodians) and sign; prints the envelope hash."""
    from etender.kernel import envelope

    keys = _load_keys(key)
    if keys.encryption_private is None:
        typer.echo("the key file has no private part", err=True)
        raise typer.Exit(2)
    try:
        Decimal(price)
    except InvalidOperation:
        typer.echo(f"invalid price {price!r}", err=True)
        raise typer.Exit(2) from None
    form = {"tender": tender, "lot": lot, "bidder": bidder, "price": price, "currency": "CNY", "duration_days": duration_days, "quality": quality, "notes": None}
    files = {p.name: p for p in file}
    try:
        package = envelope.build_bid_package(form, files)
    except (ValueError, OSError) as exc:
        typer.echo(f"cannot build the bid: {exc}", err=True)
        raise typer.Exit(2) from None
    import io

    with open(out, "wb") as f:
        if custodians is not None:
            cset = json.loads(custodians.read_text(encoding="utf-8"))
            ckeys = [envelope.CustodianKey(index=c["index"], name=c["name"], public=base64.b64decode(c["public_key"]), key_id=c["key_id"]) for c in cset["custodians"]]
            info = envelope.seal_v2(
                plaintext=io.BytesIO(package), out=f, tender=tender, lot=lot, bidder=bidder, suite=cset["suite"],
                bidder_encryption_public=keys.encryption_public, signing_private=keys.signing_private,
                custodians=ckeys, threshold=int(cset["threshold"]), created_at=datetime.now(UTC),
            )
        else:
            info = envelope.seal(plaintext=io.BytesIO(package), out=f, tender=tender, lot=lot, bidder=bidder, recipient_public=keys.encryption_public, signing_private=keys.signing_private, created_at=datetime.now(UTC))
    typer.echo(f"sealed {out} ({info.size} bytes)\nSHA-256 {info.file_sha256}")


@bid_app.command("unwrap")
def bid_unwrap(key: Path = typer.Option(..., help="your private key file"), envelope_file: Path = typer.Option(..., "--envelope", help="the sealed file you submitted")) -> None:
    """At the opening: recover the data key of your envelope, to paste into the opening page."""
    from etender.kernel import envelope

    keys = _load_keys(key)
    try:
        with open(envelope_file, "rb") as f:
            dek = envelope.unwrap_dek(f, encryption_private=keys.encryption_private)
    except envelope.EnvelopeError as exc:
        typer.echo(f"cannot unwrap: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(base64.b64encode(dek).decode())


# --------------------------------------------------------------------------- custodian tools


def _api(url: str, token: str, method: str, path: str, body: dict | None = None):
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url.rstrip("/") + path, method=method, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        payload = e.read().decode("utf-8", "replace")
        try:
            err = json.loads(payload)
            typer.echo(f"{err.get('code')} {err.get('message')}", err=True)
        except json.JSONDecodeError:
            typer.echo(f"HTTP {e.code}: {payload[:300]}", err=True)
        raise typer.Exit(1) from None


@custodian_app.command("keygen")
def custodian_keygen(suite: str = typer.Option("intl", help="the tender's suite: intl or gm"), out: Path = typer.Option(Path("custodian"), help="writes PREFIX.key.json (secret) and prints the public key")) -> None:
    """Make a per-tender opening key pair on your own computer."""
    from etender.kernel import envelope

    pair = envelope.generate_custodian_keys(suite)
    secret = Path(f"{out}.key.json")
    fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"type": "etender-custodian-key", "suite": suite, "key_id": pair.key_id, "public_key": base64.b64encode(pair.public).decode(), "private_key": base64.b64encode(pair.private).decode()}, f, indent=2)
    typer.echo(f"private key: {secret} (keep it; publish it only after the opening)\npublic key:  {base64.b64encode(pair.public).decode()}\nkey id:      {pair.key_id}")


def _custodian_key(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        base64.b64decode(data["private_key"])
        return data
    except (OSError, ValueError, KeyError) as exc:
        typer.echo(f"cannot read custodian key {path}: {exc}", err=True)
        raise typer.Exit(2) from None


@custodian_app.command("register")
def custodian_register(url: str = typer.Option(...), token: str = typer.Option(..., envvar="ETENDER_TOKEN"), custodian_id: int = typer.Option(...), key: Path = typer.Option(...)) -> None:
    """Register the public half of your per-tender key (before the announcement is published)."""
    data = _custodian_key(key)
    r = _api(url, token, "POST", f"/api/custodians/{custodian_id}/key", {"public_key": data["public_key"]})
    typer.echo(f"registered key {r['key_id']} as custodian {r['index']}")


@custodian_app.command("release")
def custodian_release(url: str = typer.Option(..., help="the trading platform, e.g. http://127.0.0.1:8101"), token: str = typer.Option(..., envvar="ETENDER_TOKEN"), lot: int = typer.Option(..., help="lot id"), index: int = typer.Option(..., help="your custodian position"), key: Path = typer.Option(...)) -> None:
    """After the deadline: decrypt your shares of every bid locally and release them (the private key never leaves)."""
    from etender.kernel import envelope

    data = _custodian_key(key)
    private = base64.b64decode(data["private_key"])
    shares = {}
    for row in _api(url, token, "GET", f"/api/lots/{lot}/envelope-headers"):
        try:
            _, share = envelope.decrypt_share(row["header"], custodian_index=index, custodian_private=private)
        except envelope.EnvelopeError as exc:
            typer.echo(f"bid {row['bid_id']} ({row['bidder']}): {exc}", err=True)
            continue
        shares[str(row["bid_id"])] = base64.b64encode(share).decode()
    r = _api(url, token, "POST", f"/api/lots/{lot}/shares", {"shares": shares})
    typer.echo(f"released {r['stored']} shares; {r['opened']} bids opened")


@custodian_app.command("publish-key")
def custodian_publish(url: str = typer.Option(...), token: str = typer.Option(..., envvar="ETENDER_TOKEN"), tender: int = typer.Option(..., help="tender id"), key: Path = typer.Option(...)) -> None:
    """After the opening: publish your per-tender private key so anyone can re-check the opening."""
    data = _custodian_key(key)
    _api(url, token, "POST", f"/api/tenders/{tender}/custodian-key", {"private_key": data["private_key"]})
    typer.echo("published")


@app.command("verify-opening")
def verify_opening_cmd(
    url: str = typer.Option(None, help="trading platform base URL"),
    lot: int = typer.Option(None, help="lot id"),
    evidence: Path = typer.Option(None, help="or a saved evidence file"),
    key: str = typer.Option(None, help="the platform's log verifier key, obtained out of band (recommended)"),
) -> None:
    """Re-check a lot's opening from its published evidence: keys, shares and commitments."""
    import urllib.request

    from etender.kernel.opening_check import verify_opening

    if evidence is not None:
        data = json.loads(evidence.read_text(encoding="utf-8"))
    elif url and lot is not None:
        with urllib.request.urlopen(f"{url.rstrip('/')}/api/lots/{lot}/opening-evidence", timeout=60) as r:
            data = json.loads(r.read().decode("utf-8"))
    else:
        typer.echo("give --url and --lot, or --evidence", err=True)
        raise typer.Exit(2)
    report = verify_opening(data, pinned_key=key)
    for p in report.problems:
        typer.echo(f"FAIL {p}", err=True)
    typer.echo(f"{report.bids} bids, {report.checked_shares} shares re-derived: {'OK' if report.ok else 'NOT OK'}")
    raise typer.Exit(0 if report.ok else 1)


@app.command("verify-draw")
def verify_draw_cmd(
    source: str = typer.Argument(..., help="a saved proof (JSON file) or its URL, e.g. http://hub/experts/draws/<id>/proof/"),
    key: str = typer.Option(None, help="the hub's signing key (base64, from /api/platform/keys), obtained out of band"),
) -> None:
    """Recompute an expert draw from its public proof (algorithm etender-draw-v1, docs/experts.md)."""
    from etender.kernel.draw import verify

    try:
        if source.startswith(("http://", "https://")):
            import urllib.request

            req = urllib.request.Request(source, headers={"Accept": "application/json"})
            with urllib.request.urlopen(req, timeout=60) as r:
                data = json.loads(r.read().decode("utf-8"))
        else:
            data = json.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        typer.echo(f"cannot read the proof: {exc}", err=True)
        raise typer.Exit(2) from None
    report = verify(data, pinned_key=key)
    for c in report.checked:
        typer.echo(f"ok   {c}")
    for p in report.problems:
        typer.echo(f"FAIL {p}", err=True)
    if report.ok and report.pending:
        typer.echo("PENDING: the seed is not revealed yet; the selection can be recomputed after the award result is published")
        raise typer.Exit(3)
    typer.echo("OK" if report.ok else "NOT OK")
    raise typer.Exit(0 if report.ok else 1)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
