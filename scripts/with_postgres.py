#!/usr/bin/env python3
"""Run a command with ETENDER_TEST_DATABASE_URL pointing at a real PostgreSQL.

If the variable is already set it is used as is.  Otherwise a throw-away
cluster is created with the installed server binaries (initdb, pg_ctl) in a
temporary directory, on a free port, and removed afterwards.  PostgreSQL
refuses to run as root, so as root the cluster runs as the ``postgres``
system user.

    python scripts/with_postgres.py -- pytest ...
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def find_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if candidates:
        return candidates[0]
    sys.exit(f"with_postgres: {name} not found; install the PostgreSQL server (Debian: postgresql) or set ETENDER_TEST_DATABASE_URL")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        sys.exit("usage: with_postgres.py -- COMMAND ...")
    if os.environ.get("ETENDER_TEST_DATABASE_URL"):
        return subprocess.call(argv)

    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    root = tempfile.mkdtemp(prefix="etender-pg-")
    data, sock = os.path.join(root, "data"), os.path.join(root, "sock")
    os.makedirs(sock)
    prefix: list[str] = []
    user = pwd.getpwuid(os.getuid()).pw_name
    if os.getuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chmod(root, 0o755)
        for path in (root, sock):
            os.chown(path, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
        user = "postgres"
    port = free_port()
    log = os.path.join(root, "server.log")
    try:
        subprocess.run([*prefix, initdb, "-D", data, "-E", "UTF8", "--locale=C.UTF-8", "-A", "trust", "-U", user], check=True, stdout=subprocess.DEVNULL)
        opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        subprocess.run([*prefix, pg_ctl, "-D", data, "-l", log, "-o", opts, "-w", "start"], check=True, stdout=subprocess.DEVNULL)
        url = f"postgres://{user}@127.0.0.1:{port}/postgres"
        env = {**os.environ, "ETENDER_TEST_DATABASE_URL": url}
        print(f"with_postgres: throw-away PostgreSQL on 127.0.0.1:{port}", flush=True)
        return subprocess.call(argv, env=env)
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.2)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
