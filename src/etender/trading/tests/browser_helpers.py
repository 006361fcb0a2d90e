"""Helpers for the Playwright browser tests (sync API, Debian Chromium only).

The browser is never downloaded: it is launched from the path the
``chromium_path`` fixture finds (``/usr/lib/chromium/chromium``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[4]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"

CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]

DEFAULT_TIMEOUT_MS = 15_000


@dataclass
class Problems:
    """What went wrong in the pages, besides the assertions: JS errors and server errors."""

    page_errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)

    def watch(self, context: BrowserContext, who: str) -> None:
        context.on("page", lambda page: self._watch_page(page, who))

    def _watch_page(self, page: Page, who: str) -> None:
        page.on("pageerror", lambda exc: self.page_errors.append(f"{who}: {page.url}: {exc}"))
        page.on("response", lambda r: self.server_errors.append(f"{who}: {r.request.method} {r.url} -> {r.status}") if r.status >= 500 else None)


class Browsers:
    """One Chromium, one context per person (separate cookies, Chinese by default)."""

    def __init__(self, executable_path: str, base_url: str):
        self.base_url = base_url.rstrip("/")
        self._pw: Playwright = sync_playwright().start()
        self.browser: Browser = self._pw.chromium.launch(executable_path=executable_path, args=CHROMIUM_ARGS)
        self.problems = Problems()
        self.contexts: list[BrowserContext] = []

    def person(self, who: str, *, locale: str = "zh-CN") -> tuple[BrowserContext, Page]:
        context = self.browser.new_context(base_url=self.base_url, locale=locale, timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}, accept_downloads=True)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        self.problems.watch(context, who)
        self.contexts.append(context)
        return context, context.new_page()

    def close(self) -> None:
        # While Playwright's sync API is active it marks its event loop as running in this
        # thread, so Django keeps this thread's database connections in context-local
        # storage (asgiref's Local) instead of the thread-local one: the ORM calls made by
        # the test meanwhile use a second connection.  Close it now, while it is still
        # reachable; otherwise it stays open and the test database cannot be dropped.
        from django.db import connections

        connections.close_all()
        for c in self.contexts:
            try:
                c.close()
            except Exception:  # noqa: BLE001 - best effort on teardown
                pass
        try:
            self.browser.close()
        finally:
            self._pw.stop()


def sign_in(page: Page, username: str, password: str, next_url: str = "/") -> None:
    page.goto(f"/login/?next={next_url}")
    page.fill("#main input[name=username]", username)
    page.fill("#main input[name=password]", password)
    with page.expect_navigation():
        page.click("#main form button[type=submit]")
    assert "/login/" not in page.url, f"sign-in failed for {username}: still on {page.url}"


def submit(page: Page, selector: str) -> None:
    """Click a submit button and wait for the page that answers (a redirect or a re-render)."""
    with page.expect_navigation():
        page.click(selector)


def shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def etender_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the bidder's offline tool exactly as a bidder would (``etender bid ...``)."""
    proc = subprocess.run([sys.executable, "-m", "etender.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"etender {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc


def write_private_key(party, path: Path) -> Path:
    from etender.kernel import envelope

    with open(path, "w") as f:
        json.dump(envelope.keys_to_json(party.keys, include_private=True), f)
    return path
