"""Cross-cutting rules of the codebase."""

from __future__ import annotations

import subprocess
import sys


def test_services_never_import_each_other(repo_root):
    """The import contracts in pyproject.toml (import-linter)."""
    lint = repo_root / ".venv" / "bin" / "lint-imports"
    cmd = [str(lint)] if lint.exists() else [sys.executable, "-m", "importlinter.cli"]
    r = subprocess.run(cmd, cwd=repo_root, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Contracts: 2 kept, 0 broken." in r.stdout


def test_no_service_reads_another_services_settings_module(repo_root):
    src = repo_root / "src" / "etender"
    for service in ("hub", "trading", "supervision"):
        others = {"hub", "trading", "supervision"} - {service}
        for path in (src / service).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for other in others:
                assert f"etender.{other}." not in text.replace(f'"etender.{other}.settings"', ""), f"{path} mentions etender.{other}"
