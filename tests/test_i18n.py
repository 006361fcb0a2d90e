"""The Chinese UI is complete: every message of every catalogue is translated, none fuzzy."""

from __future__ import annotations

import re
import subprocess


def catalogues(repo_root):
    return sorted((repo_root / "src").glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_every_app_with_templates_has_a_chinese_catalogue(repo_root):
    apps = {p.parent for p in (repo_root / "src" / "etender").glob("*/*/templates")}
    have = {p.parents[3] for p in catalogues(repo_root)}
    missing = sorted(str(a.relative_to(repo_root)) for a in apps - have)
    assert not missing, f"no zh_Hans catalogue in {missing}"


def test_no_untranslated_or_fuzzy_messages(repo_root):
    for po in catalogues(repo_root):
        r = subprocess.run(["msgfmt", "--statistics", "--check-format", "-o", "/dev/null", str(po)], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        stats = r.stderr.strip()
        assert "untranslated" not in stats and "fuzzy" not in stats, f"{po}: {stats}"
        assert re.match(r"\d+ translated messages?\.", stats), stats
