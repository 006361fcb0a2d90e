"""Supervision has no write path into trading data but the hub-signed instruction inbox (电子办法 52).

Proved from three sides: no trading endpoint trusts a platform's signed request
or takes an instruction (every write needs a platform user, the instruction API
only reads and answers); only the inbox code changes a tender on an instruction;
and the inbox accepts nothing the hub did not sign for this platform
(test_execution.py: forged, tampered, misaddressed → E056, nothing stored).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.test import Client

import etender.trading
from etender.trading.api import api
from etender.trading.directives.models import Instruction

from .helpers import HubKey

TRADING = Path(etender.trading.__file__).parent


def sources():
    for path in sorted(TRADING.rglob("*.py")):
        rel = path.relative_to(TRADING).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in f"/{rel}" or rel.endswith("testing.py"):
            continue
        yield rel, path.read_text(encoding="utf-8")


def test_no_trading_endpoint_trusts_a_platform_signature_inbound():
    for rel, text in sources():
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.upper().startswith("HTTP_X_ETENDER"):
                raise AssertionError(f"{rel} reads a platform header from a request")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and isinstance(node.func.value, ast.Attribute) and node.func.value.attr in ("headers", "META"):
                arg = node.args[0] if node.args else None
                assert not (isinstance(arg, ast.Constant) and "etender" in str(arg.value).lower()), f"{rel} trusts a platform header"


def test_every_write_endpoint_needs_a_platform_user_and_none_takes_an_instruction():
    schema = api.get_openapi_schema()
    unauthenticated = {(m, p) for p, ops in schema["paths"].items() for m, op in ops.items() if m != "get" and not op.get("security")}
    assert unauthenticated == {("post", "/api/entities")}  # free registration of a market entity, nothing else
    directive_ops = {(m, p) for p, ops in schema["paths"].items() for m in ops if "directive" in p}
    assert directive_ops == {("get", "/api/directives"), ("get", "/api/directives/{pk}"), ("post", "/api/directives/{pk}/answer")}


def test_only_the_inbox_changes_a_tender_on_an_instruction():
    writers = set()
    for rel, text in sources():
        tree = ast.parse(text)
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            for t in targets:
                if isinstance(t, ast.Attribute) and t.attr in ("suspended_at", "suspension_ref"):
                    writers.add(rel)
            if isinstance(node, ast.keyword) and node.arg in ("suspended_at", "suspension_ref"):
                writers.add(rel)
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "instruction_receive":
                writers.add(rel + ":instruction_receive")
    assert writers == {"directives/services.py", "directives/services.py:instruction_receive"}, writers


def test_the_inbox_is_read_from_the_hub_only():
    text = (TRADING / "directives" / "services.py").read_text(encoding="utf-8")
    calls = [n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "call"]
    assert calls and all(ast.unparse(c.args[0]) in ("hub", "hub_url()") for c in calls)


@pytest.mark.django_db
def test_the_answer_api_cannot_change_an_executed_suspension(settings, tender):
    hub = HubKey(settings)
    inst = hub.send("suspend", tender.code)
    from etender.trading import testing

    operator = testing.custodian_user("operator-api", staff=True)
    c = Client()
    c.force_login(operator)
    r = c.post(f"/api/directives/{inst.pk}/answer", {"text": "撤销暂停"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "E057"
    tender.refresh_from_db()
    assert tender.suspended_at is not None and Instruction.objects.count() == 1
