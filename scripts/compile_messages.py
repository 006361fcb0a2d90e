#!/usr/bin/env python3
"""Compile every locale/*/LC_MESSAGES/django.po under src/ into its .mo (msgfmt from GNU gettext)."""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "src"


def main() -> int:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        print("compile_messages: msgfmt not found; install GNU gettext (Debian: gettext)", file=sys.stderr)
        return 1
    for po in sorted(ROOT.glob("**/locale/*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run([msgfmt, "--check-format", "-o", str(mo), str(po)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
