"""Shared pytest fixtures (loaded with ``-p etender.kernel.testing``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from etender.kernel import clock as clock_module


@pytest.fixture
def frozen_clock():
    """A clock that only moves when the test moves it (also seen by live-server threads)."""
    c = clock_module.FrozenClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))  # Monday 2026-03-02 09:00 Beijing
    previous = clock_module.install(c)
    yield c
    clock_module.install(previous)


@pytest.fixture
def chromium_path():
    import shutil

    for candidate in ("/usr/lib/chromium/chromium", "/usr/bin/chromium"):
        if shutil.which(candidate) or __import__("os").path.exists(candidate):
            return candidate
    pytest.fail("Debian chromium is not installed (apt-get install chromium fonts-wqy-microhei)")


def pytest_configure(config):
    """Fast password hashing in tests (PBKDF2's cost is for production)."""
    try:
        from django.conf import settings

        if settings.configured:
            settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
            db = settings.DATABASES["default"]
            if db["ENGINE"].endswith("postgresql"):
                # Lets pytest-django empty the throw-away database between tests despite the
                # append-only triggers of the operation log (kernel/audit/migrations/0003).
                db.setdefault("OPTIONS", {})["options"] = "-c etender.log_maintenance=on"
    except Exception:  # the system suite runs without Django settings
        return
