"""Shared test set-up.

- Plain helper modules in tests/ (e.g. ``simpy_reference``) are importable by name.
- Hypothesis runs derandomized under CI (``CI=true``), so a red build is reproducible;
  locally it explores new examples each run.
"""

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")


# ---------------------------------------------------------------------------------------------
# Headless Chromium for browser tests: the OS's Chromium (Debian package `chromium`, or the path
# in PF_CHROMIUM) driven by Playwright. Locally a missing browser skips the browser tests; under
# CI it fails them, so CI never passes without having run them.


def _chromium_path() -> str | None:
    import shutil

    return (
        os.environ.get("PF_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def chromium():
    """A launched headless Chromium browser (Playwright ``Browser``).

    Playwright's sync API keeps its asyncio loop running in this thread while the browser lives,
    and Django refuses ORM calls from a thread with a running loop (SynchronousOnlyOperation):
    a false alarm here, since nothing async touches Django, so the check is switched off for the
    browser's lifetime (its teardown comes after any test database's, whichever came first).
    """
    path = _chromium_path()
    if path is None:
        message = "Chromium not found: install the OS package `chromium` or set PF_CHROMIUM"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=path,
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
