"""The web app in real headless Chromium, against the running ``wirewatch run``.

What a person sees: a new story appears on the live page without a reload; the article
page marks the seed page's quotations with Jens Stoltenberg; search with a field filter
works; the Push button registers the service worker and calls the Push API; no request
leaves 127.0.0.1; the only cookie is the session's; a script in an article never runs.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.browser import chromium, requested_urls
from tests.support.cli import run_cli
from tests.support.httpserver import HTTPTestServer, RecordedRequest, Reply, serve_http
from tests.support.live import LIVE_ENV, LiveProcess

# an element read while the page replaces it (a live update, the page after a post): read again
RERENDERED = (StaleElementReferenceException,)

CASES = Path(__file__).resolve().parents[1] / "cases"
SEED = CASES / "nato-stoltenberg-page.txt"
PASSWORD = "correct horse battery"
HOSTILE = (
    "Council votes on the harbour plan\n\n"
    'The council voted on Tuesday. <script>alert("pwned"); console.error("pwned")</script> '
    "<img src=x onerror=\"alert('pwned')\"> The harbour plan now goes to the mayor, officials said."
)
LATE = (
    "Bridge reopens after repairs",
    "The old river bridge reopened to traffic on Friday after eight months of repairs, the city's "
    "transport department said. Engineers replaced the deck and strengthened the piers.",
)


class Site:
    def __init__(self, server: HTTPTestServer) -> None:
        self.server = server
        self.items: list[str] = []
        self.lock = threading.Lock()
        server.route("/feed.xml", self.feed)
        title, text = LATE
        body = (
            f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{html.escape(text)}</p></article></body></html>"
        )
        server.route("/news/bridge", Reply(body=body.encode(), headers={"Content-Type": "text/html"}))

    def feed(self, request: RecordedRequest) -> Reply:
        with self.lock:
            items = "".join(
                f"<item><title>{LATE[0]}</title><link>{self.server.url(p)}</link></item>" for p in self.items
            )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>n</title>{items}</channel></rss>'
        return Reply(body=body.encode(), headers={"Content-Type": "application/rss+xml"})


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveProcess, Site]]:
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "browser.db"
    (folder / "hostile.txt").write_text(HOSTILE)
    for path in (SEED, folder / "hostile.txt"):
        assert run_cli(["ingest", str(path), "--db", str(db), "--workers", "1"], env=LIVE_ENV).code == 0
    added = run_cli(
        ["users", "add", "reader@example.org", "--name", "Ada Reader", "--password-stdin", "--db", str(db)],
        env=LIVE_ENV,
        stdin=f"{PASSWORD}\n".encode(),
    )
    assert added.code == 0, added.stderr
    with serve_http() as server:
        site = Site(server)
        assert (
            run_cli(
                ["sources", "add", server.url("/feed.xml"), "--kind", "feed", "--db", str(db)], env=LIVE_ENV
            ).code
            == 0
        )
        with LiveProcess(db) as live:
            yield live, site


def sign_in(driver: object, base: str) -> None:
    driver.get(base + "/login")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "email").send_keys("reader@example.org")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "password").send_keys(PASSWORD)  # type: ignore[attr-defined]
    driver.find_element(By.CSS_SELECTOR, "form.login button").click()  # type: ignore[attr-defined]
    WebDriverWait(driver, 10).until(ec.url_to_be(base + "/"))  # type: ignore[arg-type]


def test_pages_in_chromium(world: tuple[LiveProcess, Site]) -> None:
    live, site = world
    base = live.base
    with chromium() as driver:
        # the live page shows a new story within a second of its ingestion, without a reload
        driver.get(base + "/")
        driver.execute_script("window.notReloaded = true;")
        WebDriverWait(driver, 10, ignored_exceptions=RERENDERED).until(
            lambda d: "Live" in d.find_element(By.ID, "live-status").text
        )
        before = live.get("/api/health")["articles"]
        site.items.append("/news/bridge")
        deadline = time.monotonic() + 60
        while live.get("/api/health")["articles"] == before and time.monotonic() < deadline:
            time.sleep(0.02)
        WebDriverWait(driver, 1.0, ignored_exceptions=RERENDERED).until(
            lambda d: LATE[0] in d.find_element(By.ID, "stories").text
        )
        assert driver.execute_script("return window.notReloaded === true;")

        # the article page marks the quotations with the right speakers
        driver.get(base + "/search?q=speaker%3Astoltenberg")
        driver.find_element(By.CSS_SELECTOR, ".results a").click()
        marks = driver.find_elements(By.CSS_SELECTOR, "mark.quote")
        speakers = [m.get_attribute("title") for m in marks]
        assert speakers.count("Jens Stoltenberg") >= 7 and "Vladimir Putin" not in speakers
        speaker_link = driver.find_element(By.LINK_TEXT, "Jens Stoltenberg")

        # search with a field filter, through the form
        driver.get(base + "/search")
        box = driver.find_element(By.ID, "q")
        box.send_keys("title:harbour")
        box.submit()
        results = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".results a")]
        assert results == ["Council votes on the harbour plan"]

        # a script injected in an article's HTML does not run
        driver.find_element(By.CSS_SELECTOR, ".results a").click()
        assert "<script>" in driver.find_element(By.CSS_SELECTOR, ".body").text  # shown as text
        with pytest.raises(NoAlertPresentException):
            driver.switch_to.alert.text  # noqa: B018
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []

        # subscribe to a speaker with the Push button: service worker registered, Push API called
        sign_in(driver, base)
        driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": base, "permissions": ["notifications"]})
        driver.get(base + "/speakers")
        driver.find_element(By.LINK_TEXT, "Jens Stoltenberg").click()
        # a spy on the Push API, to see our code call it (offline, no push service answers)
        driver.execute_script(
            "const original = PushManager.prototype.subscribe;"
            "PushManager.prototype.subscribe = function (options) {"
            "  window.pushCalls = (window.pushCalls || []).concat([options.applicationServerKey.byteLength]);"
            "  return original.call(this, options); };"
        )
        button = driver.find_element(By.CSS_SELECTOR, "button.push-subscribe")
        button.click()
        WebDriverWait(driver, 30).until(lambda d: button.get_attribute("data-state") is not None)
        registrations = driver.execute_async_script(
            "const done = arguments[0]; navigator.serviceWorker.getRegistrations().then(r => done(r.length));"
        )
        assert registrations == 1
        assert driver.execute_script("return window.pushCalls;") == [65]  # called with our VAPID key
        assert speaker_link is not None

        # a reply on the story shows its author's name, and the email nowhere in the HTML
        driver.get(base + "/search?q=speaker%3Astoltenberg")
        driver.find_element(By.CSS_SELECTOR, ".results a").click()
        driver.find_element(By.PARTIAL_LINK_TEXT, "Stoltenberg: NATO Remains").click()
        driver.find_element(By.ID, "reply-text").send_keys("A clear summary of the ministers' meeting.")
        driver.find_element(By.CSS_SELECTOR, "form.reply button").click()
        WebDriverWait(driver, 10, ignored_exceptions=RERENDERED).until(
            lambda d: "A clear summary" in d.find_element(By.CLASS_NAME, "replies").text
        )
        assert "Ada Reader" in driver.find_element(By.CLASS_NAME, "replies").text
        assert "reader@example.org" not in driver.page_source

        # no cookie but the session's; no request left 127.0.0.1
        assert [c["name"] for c in driver.get_cookies()] == ["ww_session"]
        outside = [u for u in requested_urls(driver) if not u.startswith((base, "data:", "blob:", "chrome"))]
        assert outside == []
