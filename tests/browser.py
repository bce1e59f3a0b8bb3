"""Browser tests: Playwright's sync API driving the system's chromium against pytest-django's `live_server`.

A pytest plugin (registered by tests/conftest.py). Chromium starts once per session; each test gets a fresh
context (no cookie or storage carried over) and page. Browser tests live in `tests/<app>/test_admin_browser.py`;
every test that uses `page` is marked `browser` (`pytest -m browser`, `pytest -m "not browser"`) and runs after
all the others (see `pytest_collection_modifyitems`).

Playwright cannot download a browser here: it launches Debian's chromium, which `make test` installs when it
is missing (`make chromium`). Without it the browser tests fail: a page nobody looked at is not tested.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("HOTDASH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in containers, where chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous for a loaded CI machine, short enough that a missing element fails the test in seconds, not minutes.
DEFAULT_TIMEOUT_MS = 15_000


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives chromium through Playwright against live_server")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that use `page` and run them last.

    Last, because once Playwright has started, this thread has a running asyncio loop until the session ends, and
    Django refuses ORM calls from such a thread (see `browser`): every test that follows the first browser test
    runs with that guard lifted, so only browser tests should follow it. pytest-django already runs transactional
    tests (which browser tests are) after the others; this keeps that order and moves the browser tests behind.
    """
    browser_items, other_items = [], []
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
            browser_items.append(item)
        else:
            other_items.append(item)
    items[:] = other_items + browser_items


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Kept on the item so `page` can tell, at teardown, whether the test failed.
    report = yield
    setattr(item, f"_report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the whole session."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (make chromium) to run the browser tests")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop marked as running in this thread from start() to stop().
    # Django takes that for async code and refuses the tests' own ORM calls here (SynchronousOnlyOperation),
    # although they are plain blocking calls made while Playwright waits. The guard is lifted for this fixture's
    # lifetime only, which spans the browser tests alone (they run last); the live server's thread is unaffected.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(request, browser, live_server, tmp_path):
    """A fresh page on the live server; on failure its screenshot and HTML are kept in the test's tmp_path."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "_report_call", None)
        if report is not None and report.failed:
            page.screenshot(path=tmp_path / "failure.png", full_page=True)
            (tmp_path / "failure.html").write_text(page.content())
            print(f"browser: page {page.url} kept in {tmp_path}/failure.png and failure.html")
        context.close()


@pytest.fixture
def console_users(transactional_db, tmp_path, settings):
    """The demo console users (admin, operator, annotator, qa, monitoring) by username, with their passwords."""
    from demo.accounts import demo_accounts_ensure

    # The cost of password hashing is not under test; PBKDF2 would add seconds to every browser test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    accounts = demo_accounts_ensure(credentials_file=tmp_path / "creds.json")
    return {account.username: account for account in accounts}


def admin_login(page, live_server, username: str, password: str) -> None:
    """Log in through the real admin login form and land on the admin index."""
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    if page.url != f"{live_server.url}/admin/":
        errors = page.locator(".errornote, .errorlist").all_inner_texts()
        raise AssertionError(f"admin login as {username!r} failed at {page.url}: {errors}")
