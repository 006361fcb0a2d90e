#!/usr/bin/env python3
"""Regenerate the generated parts of docs/ (a test fails when they drift)."""

from __future__ import annotations

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from etender.kernel.errors import catalog_markdown  # noqa: E402
from etender.kernel.exchange import exchange_markdown  # noqa: E402

GENERATED = {
    "docs/errors.md": catalog_markdown,
    "docs/exchange-standard.md": exchange_markdown,
}


def main() -> int:
    for rel, make in GENERATED.items():
        (ROOT / rel).write_text(make(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
