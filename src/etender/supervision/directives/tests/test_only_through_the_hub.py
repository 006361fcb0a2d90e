"""The supervision platform reaches trading data only through the hub (电子办法 52): it knows no trading address."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

import etender.supervision.directives.services as services


def test_supervision_has_no_trading_platform_address():
    names = [k for k in dir(settings) if k.startswith("ETENDER_") and k.endswith("_URL")]
    assert all(k in ("ETENDER_HUB_URL", "ETENDER_SSO_ISSUER_URL") for k in names), names


def test_instructions_go_to_the_hub_only():
    tree = ast.parse(Path(services.__file__).read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "call"]
    assert calls and all(ast.unparse(c.args[0]) == "hub" for c in calls)
    paths = [ast.unparse(c.args[2]) for c in calls]
    assert all("/api/directives/v1/" in p for p in paths), paths
