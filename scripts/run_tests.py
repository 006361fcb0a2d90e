#!/usr/bin/env python3
"""Run the whole suite: one pytest run per service (each has its own Django settings), then the system tests.

Prints one closing line, ``N passed, N failed, N skipped``, over all runs,
and exits non-zero if anything failed.  Extra arguments go to every pytest run
(e.g. ``make test ARGS="-k opening"``).
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parent.parent
ART = ROOT / "test-artifacts"

SUITES = [
    ("trading", ["--ds=etender.trading.settings", "src/etender/kernel", "src/etender/trading"]),
    ("hub", ["--ds=etender.hub.settings", "src/etender/hub"]),
    ("supervision", ["--ds=etender.supervision.settings", "src/etender/supervision"]),
    ("system", ["-p", "no:django", "tests"]),
]


def main(extra: list[str]) -> int:
    url = os.environ.get("ETENDER_TEST_DATABASE_URL")
    if not url:
        print("run_tests: ETENDER_TEST_DATABASE_URL is not set (use `make test`)", file=sys.stderr)
        return 2
    ART.mkdir(exist_ok=True)
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    bad_exit = []
    for name, args in SUITES:
        var = tempfile.mkdtemp(prefix=f"etender-test-{name}-")
        env = {
            **os.environ,
            "ETENDER_DATABASE_URL": url,
            "ETENDER_VAR_DIR": var,
            "ETENDER_INSTANCE": f"test-{name}",
            "PYTHONHASHSEED": "0",
            "HOME": var,
            "XDG_CONFIG_HOME": var,
            "XDG_CACHE_HOME": var,
        }
        junit = ART / f"junit-{name}.xml"
        print(f"\n===== {name} =====", flush=True)
        rc = subprocess.call([sys.executable, "-m", "pytest", "-p", "etender.kernel.testing", f"--junitxml={junit}", *args, *extra], cwd=ROOT, env=env)
        if rc not in (0, 1, 5):
            bad_exit.append(f"{name} (pytest exit {rc})")
        if rc == 1 or not junit.exists():
            if not junit.exists():
                bad_exit.append(f"{name} (no report)")
        if junit.exists():
            for suite in ET.parse(junit).getroot().iter("testsuite"):
                tests, failures, errors, skipped = (int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
                totals["failed"] += failures + errors
                totals["skipped"] += skipped
                totals["passed"] += tests - failures - errors - skipped
    if bad_exit:
        print("run_tests: runs that did not finish normally: " + ", ".join(bad_exit), file=sys.stderr)
    print(f"\n{totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    return 1 if totals["failed"] or bad_exit or totals["passed"] == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
