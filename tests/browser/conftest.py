"""A real browser for the console: Debian's Chromium driven by Playwright's Python package
(pointed at the installed executable: no browser download, ever). Without Chromium the
tests skip on a developer's machine and fail under CI (CI=true), where .ci/run installs it."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator

import pytest

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
#: the flags of scripts/screenshot-report.sh: offline, quiet, no first-run work (Playwright
#: adds --headless and a fresh --user-data-dir of its own for each launch)
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]


def chromium_or_skip() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed: CI must run the browser tests (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium fonts-noto-cjk, or set CHROMIUM)")
    return CHROMIUM


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    executable = chromium_or_skip()
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        launched = await pw.chromium.launch(executable_path=executable, headless=True, args=FLAGS)
        try:
            yield launched
        finally:
            await launched.close()
